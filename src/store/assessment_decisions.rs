//! What happens to an assessment after it is finalised: four-eyes approval or sending back, review triggers, and
//! the queues and lookups built on them (awaiting approval, sent back, the classification in force, reviews due).

use super::CachedSql as _;
use super::assessments::{NOT_RETURNED, invalid};
use super::{
    Actor, ApprovalState, AssessmentRow, AssessmentStatus as Status, Result, Store, Tx, time_text,
};
use crate::domain::audit::{Deed, Entity};
use crate::domain::estate::SecurityLevel;
use crate::domain::forms::check_approval;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

/// SQL for the day the assessment row `$t` falls due for review: its scheduled review, or the day a trigger was
/// raised if earlier. A macro so that each use is one constant string.
macro_rules! due_on {
    ($t:literal) => {
        concat!(
            "(SELECT CASE WHEN trig.day IS NULL THEN ",
            $t,
            ".next_review
                          WHEN ",
            $t,
            ".next_review IS NULL OR trig.day < ",
            $t,
            ".next_review THEN trig.day
                          ELSE ",
            $t,
            ".next_review END
              FROM (SELECT min(substr(raised_at, 1, 10)) AS day FROM review_trigger
                    WHERE assessment_id = ",
            $t,
            ".id) trig)"
        )
    };
}
const DUE_ON: &str = due_on!("assessment");
/// The same for an assessment row named `a` (the custody reports).
pub(crate) const DUE_ON_A: &str = due_on!("a");

impl Store {
    /// Approves a finalised assessment awaiting approval. The approver's role is read from the staff table, and
    /// the approver must not be its author (four eyes).
    pub fn approve_assessment(&mut self, actor: &Actor, id: i64) -> Result<AssessmentRow> {
        self.decide_approval(actor, id, |tx, row| {
            tx.execute_cached(
                "UPDATE main.assessment SET approval = 'approved', approved_by = ?1, approved_at = ?2 WHERE id = ?3",
                params![actor.name, time_text(actor.at), id],
            )?;
            tx.audit(
                Entity::Assessment,
                id,
                Deed::Approve,
                Some(&serde_json::json!({ "approval": "pending" })),
                Some(&serde_json::json!({ "approval": "approved", "result": row.result })),
            )
        })
    }

    /// Sends an assessment awaiting approval back to its author instead of approving it, with the reason. It stays
    /// readable but no longer counts (its result and its review date do not apply); the author amends it.
    pub fn return_assessment(
        &mut self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<AssessmentRow> {
        crate::domain::text::check("reason", reason).map_err(invalid)?;
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            let why = "say why it is sent back (10 characters or more)";
            return Err(invalid(super::FieldError::new("reason", why)));
        }
        self.decide_approval(actor, id, |tx, _| {
            tx.execute_cached(
                "INSERT INTO main.assessment_return(assessment_id, returned_by, returned_at, reason)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, actor.name, time_text(actor.at), reason],
            )?;
            tx.audit(
                Entity::Assessment,
                id,
                Deed::SendBack,
                Some(&serde_json::json!({ "approval": "pending" })),
                Some(&serde_json::json!({ "approval": "sent back", "reason": reason })),
            )
        })
    }

    /// An approver's decision on an assessment awaiting approval, in one write: it must still be awaiting
    /// approval, and the approver must hold an approving role and not be its author.
    fn decide_approval(
        &mut self,
        actor: &Actor,
        id: i64,
        decide: impl FnOnce(&Tx, &AssessmentRow) -> Result<()>,
    ) -> Result<AssessmentRow> {
        let row = self
            .assessment(id)?
            .ok_or_else(|| invalid(format!("assessment {id} does not exist")))?;
        let form = self.recorded_form(&row.form_id, row.form_version)?;
        self.write(
            actor,
            form.approve_need(),
            &format!("assessment {id}"),
            |tx| {
                let row = tx.assessment(id)?;
                if row.approval != ApprovalState::Pending || row.returned.is_some() {
                    return Err(invalid("this assessment is not awaiting approval"));
                }
                let role = tx.role_of(&actor.name)?;
                check_approval(&form, &row.author, &actor.name, role)
                    .map_err(|e| invalid(e.to_string()))?;
                decide(tx, &row)?;
                tx.assessment(id)
            },
        )
    }

    /// Records that an event the form names as a review trigger happened, so the review of this assessment falls
    /// due today. Only on the assessment in force (the latest revision, finalised, not sent back), by a role that
    /// may fill the form in, with a note of 10 characters or more.
    pub fn raise_review(
        &mut self,
        actor: &Actor,
        id: i64,
        event: &str,
        note: &str,
    ) -> Result<AssessmentRow> {
        crate::domain::text::check("note", note).map_err(invalid)?;
        let note = note.trim();
        if note.chars().count() < 10 {
            let why = "say what happened (10 characters or more)";
            return Err(invalid(super::FieldError::new("note", why)));
        }
        let row = self
            .assessment(id)?
            .ok_or_else(|| invalid(format!("assessment {id} does not exist")))?;
        let form = self.recorded_form(&row.form_id, row.form_version)?;
        let Some(trigger) = form.review_trigger(event) else {
            let why = format!("'{event}' is not a review trigger of {}", form.id);
            return Err(invalid(super::FieldError::new("event", why)));
        };
        let label = trigger.label.text.clone();
        self.write(actor, form.fill_need(), &format!("assessment {id}"), |tx| {
            let row = tx.assessment(id)?;
            if row.status != Status::Final || row.returned.is_some() {
                return Err(invalid(
                    "a review can be called only on a finalised assessment in force",
                ));
            }
            let newer: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM assessment WHERE series = ?1 AND revision > ?2)",
                [row.series, row.revision],
                |r| r.get(0),
            )?;
            if newer {
                return Err(invalid("a newer revision of this assessment exists"));
            }
            let role = tx.role_of(&actor.name)?;
            if !form.may_fill(role) {
                return Err(invalid(format!("a {role} may not review {}", form.id)));
            }
            tx.execute_cached(
                "INSERT INTO main.review_trigger(assessment_id, event, note, raised_by, raised_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, event, note, actor.name, time_text(actor.at)],
            )?;
            tx.audit(
                Entity::Assessment,
                id,
                Deed::ReviewTrigger,
                None::<&()>,
                Some(&serde_json::json!({ "event": event, "label": label, "note": note })),
            )?;
            tx.assessment(id)
        })
    }

    /// Finalised assessments waiting for a supervisor, oldest first.
    pub fn awaiting_approval(&self) -> Result<Vec<AssessmentRow>> {
        self.assessments_where(
            &format!("approval = 'pending' AND {NOT_RETURNED} ORDER BY finalised_at, id"),
            [],
        )
    }

    /// This person's assessments that an approver sent back and that nobody has amended yet, newest first.
    pub fn returned_to(&self, author: &str) -> Result<Vec<AssessmentRow>> {
        self.assessments_where(
            "author = ?1 AND id IN (SELECT assessment_id FROM assessment_return)
               AND NOT EXISTS (SELECT 1 FROM assessment later
                               WHERE later.series = assessment.series AND later.revision > assessment.revision)
             ORDER BY id DESC",
            [author],
        )
    }

    /// The classification in force for this prisoner: the newest finalised assessment that set a custody level
    /// and was not sent back, with the level it puts in force (see `custody_level`).
    pub fn custody_assessment(
        &self,
        prisoner_id: i64,
    ) -> Result<Option<(AssessmentRow, Option<SecurityLevel>)>> {
        let found: Option<(i64, String)> = self
            .conn()
            .prepare_cached(
                "SELECT id, level FROM classification WHERE prisoner_id = ?1
                 ORDER BY finalised_at DESC, id DESC LIMIT 1",
            )?
            .query_row([prisoner_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((id, level)) = found else {
            return Ok(None);
        };
        Ok(self
            .assessment(id)?
            .map(|row| (row, SecurityLevel::parse(&level))))
    }

    /// Assessments of people in custody whose review falls on or before `by`: for each person only the newest
    /// finalised assessment of each form (custody levels count as one form, since a reclassification replaces
    /// the initial one), earliest review first.
    pub fn reviews_due(&self, by: NaiveDate) -> Result<Vec<AssessmentRow>> {
        self.assessments_where(
            &format!(
                "status = 'final' AND {DUE_ON} <= ?1
               AND prisoner_id IN (SELECT id FROM prisoner WHERE in_custody = 1)
               AND NOT EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = assessment.id)
               AND NOT EXISTS (
                   SELECT 1 FROM assessment later
                   WHERE later.prisoner_id = assessment.prisoner_id AND later.status = 'final'
                     AND later.id > assessment.id
                     AND NOT EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = later.id)
                     AND (later.form_id = assessment.form_id
                          OR (later.custody_level IS NOT NULL AND assessment.custody_level IS NOT NULL)))
             ORDER BY {DUE_ON}, id"
            ),
            [by.to_string()],
        )
    }
}
