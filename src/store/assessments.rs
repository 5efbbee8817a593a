//! Assessment records in SQL (the form versions they are made with: `form_versions`): drafts saved answer by answer, finalising,
//! amendments and discretionary overrides (approval, sending back and reviews: `assessment_decisions`). Each change
//! of a record is one audited transaction.

use super::CachedSql as _;
use super::{Actor, Result, Store, StoreError, Tx, parse_time, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::forms::answers::{answers_from_json, answers_to_json, value_to_json};
use crate::domain::forms::evaluate::needs_approval;
use crate::domain::forms::model::AppliesTo;
use crate::domain::forms::{Answers, Form, Value, check_discretionary, finalise, next_review};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// What an assessment is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Subject {
    Prisoner(i64),
    Facility(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Being filled in; saved as each answer is entered.
    Draft,
    /// Locked: amend it to change it.
    Final,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ApprovalState {
    /// Takes effect without approval.
    NotNeeded,
    Pending,
    Approved,
}

impl ApprovalState {
    fn word(self) -> &'static str {
        match self {
            ApprovalState::NotNeeded => "none",
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
        }
    }
}

/// A sum as it stood when the assessment was finalised.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SumScore {
    pub name: String,
    pub total: f64,
    /// The label of the band the total fell in.
    pub band: Option<String>,
}

/// One revision of an assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRow {
    pub id: i64,
    /// The id of the first revision; every amendment shares it.
    pub series: i64,
    pub revision: i64,
    pub form_id: String,
    pub form_version: u32,
    pub form_sha256: String,
    pub subject: Subject,
    pub status: Status,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Read them with `answers_from_json` and the form of `form_version`.
    pub answers_json: String,
    pub amend_reason: Option<String>,
    pub assessed_on: Option<NaiveDate>,
    pub scores: Vec<SumScore>,
    /// What the scores gave, before any override.
    pub scored_result: Option<String>,
    pub mandatory_reason: Option<String>,
    pub override_result: Option<String>,
    pub override_reason: Option<String>,
    /// The result in force: the override if there is one, else the scored result after mandatory overrides.
    pub result: Option<String>,
    pub custody_level: Option<String>,
    pub findings: Vec<String>,
    pub next_review: Option<NaiveDate>,
    pub approval: ApprovalState,
    pub approved_by: Option<String>,
    /// The custody level the scores gave, before any discretionary override.
    pub scored_level: Option<String>,
    /// Set when an approver sent it back instead of approving it: it no longer counts.
    pub returned: Option<Returned>,
    /// The earliest review trigger raised against it: (event, day raised). It brings the review forward.
    pub triggered: Option<(String, NaiveDate)>,
}

/// An approver's refusal of an assessment awaiting approval.
#[derive(Debug, Clone, PartialEq)]
pub struct Returned {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

impl AssessmentRow {
    /// When its review falls due: the scheduled review, brought forward by a trigger.
    pub fn due_on(&self) -> Option<NaiveDate> {
        match (self.next_review, &self.triggered) {
            (Some(n), Some((_, t))) => Some(n.min(*t)),
            (n, t) => n.or(t.as_ref().map(|(_, d)| *d)),
        }
    }

    pub fn prisoner_id(&self) -> Option<i64> {
        match self.subject {
            Subject::Prisoner(id) => Some(id),
            Subject::Facility(_) => None,
        }
    }

    /// The answers, each read by its question's kind in `form` (the form of this record's own version).
    pub fn answers(&self, form: &Form) -> Answers {
        answers_from_json(form, &self.answers_json)
    }
}

const COLUMNS: &str = "id, series, revision, form_id, form_version, form_sha256, prisoner_id, facility_id, status,
    author, created_at, updated_at, answers, amend_reason, assessed_on, scores, scored_result, mandatory_reason,
    override_result, override_reason, result, custody_level, findings, next_review, approval, approved_by,
    scored_level,
    (SELECT returned_by FROM assessment_return WHERE assessment_id = assessment.id),
    (SELECT returned_at FROM assessment_return WHERE assessment_id = assessment.id),
    (SELECT reason FROM assessment_return WHERE assessment_id = assessment.id),
    (SELECT event FROM review_trigger WHERE assessment_id = assessment.id ORDER BY raised_at, id LIMIT 1),
    (SELECT min(substr(raised_at, 1, 10)) FROM review_trigger WHERE assessment_id = assessment.id)";

/// Leaves out revisions an approver sent back (for a query on `assessment`).
pub(super) const NOT_RETURNED: &str =
    "NOT EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = assessment.id)";

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn read(r: &rusqlite::Row) -> rusqlite::Result<AssessmentRow> {
    let prisoner: Option<i64> = r.get(6)?;
    let facility: Option<i64> = r.get(7)?;
    let subject = match (prisoner, facility) {
        (Some(p), _) => Subject::Prisoner(p),
        (None, f) => Subject::Facility(f.unwrap_or_default()),
    };
    let status: String = r.get(8)?;
    let approval: String = r.get(24)?;
    let scores: Option<String> = r.get(15)?;
    let findings: Option<String> = r.get(22)?;
    Ok(AssessmentRow {
        id: r.get(0)?,
        series: r.get(1)?,
        revision: r.get(2)?,
        form_id: r.get(3)?,
        form_version: r.get(4)?,
        form_sha256: r.get(5)?,
        subject,
        status: if status == "final" {
            Status::Final
        } else {
            Status::Draft
        },
        author: r.get(9)?,
        created_at: parse_time(&r.get::<_, String>(10)?).unwrap_or_default(),
        updated_at: parse_time(&r.get::<_, String>(11)?).unwrap_or_default(),
        answers_json: r.get(12)?,
        amend_reason: r.get(13)?,
        assessed_on: date(r.get(14)?),
        scores: scores
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        scored_result: r.get(16)?,
        mandatory_reason: r.get(17)?,
        override_result: r.get(18)?,
        override_reason: r.get(19)?,
        result: r.get(20)?,
        custody_level: r.get(21)?,
        findings: findings
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        next_review: date(r.get(23)?),
        approval: match approval.as_str() {
            "pending" => ApprovalState::Pending,
            "approved" => ApprovalState::Approved,
            _ => ApprovalState::NotNeeded,
        },
        approved_by: r.get(25)?,
        scored_level: r.get(26)?,
        returned: match r.get::<_, Option<String>>(27)? {
            Some(by) => Some(Returned {
                by,
                at: parse_time(&r.get::<_, String>(28)?).unwrap_or_default(),
                reason: r.get(29)?,
            }),
            None => None,
        },
        triggered: match (r.get::<_, Option<String>>(30)?, date(r.get(31)?)) {
            (Some(event), Some(day)) => Some((event, day)),
            _ => None,
        },
    })
}

pub(super) fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// What the audit trail keeps of a finalised revision: enough to rebuild it.
#[derive(Serialize)]
struct Finalised<'a> {
    form: &'a str,
    version: u32,
    sha256: &'a str,
    answers: serde_json::Value,
    scores: &'a [SumScore],
    result: Option<&'a str>,
    override_result: Option<&'a str>,
    override_reason: Option<&'a str>,
    next_review: Option<String>,
    approval: &'a str,
}

/// A discretionary override chosen by the assessor.
#[derive(Debug, Clone, Copy)]
pub struct Override<'a> {
    pub result: &'a str,
    pub reason: &'a str,
}

impl Tx<'_> {
    pub(super) fn assessment(&self, id: i64) -> Result<AssessmentRow> {
        self.prepare_cached(&format!("SELECT {COLUMNS} FROM assessment WHERE id = ?1"))?
            .query_row([id], read)
            .optional()?
            .ok_or_else(|| invalid(format!("assessment {id} does not exist")))
    }

    pub(super) fn role_of(&self, name: &str) -> Result<crate::domain::auth::Role> {
        let role: Option<String> = self
            .query_row_cached("SELECT role FROM staff WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        role.and_then(|r| r.parse().ok())
            .ok_or_else(|| invalid(format!("'{name}' is not a member of staff")))
    }
}

impl Store {
    /// The form (as recorded) an assessment was made with: what the store checks a change to it against.
    fn assessment_form(&self, id: i64) -> Result<Form> {
        let row = self
            .assessment(id)?
            .ok_or_else(|| invalid(format!("assessment {id} does not exist")))?;
        self.recorded_form(&row.form_id, row.form_version)
    }

    /// Starts a draft with `answers` (the form's defaults and what the register already knows).
    pub fn start_assessment(
        &mut self,
        actor: &Actor,
        form: &Form,
        subject: Subject,
        answers: &Answers,
    ) -> Result<i64> {
        let (prisoner, facility) = match (subject, form.applies_to) {
            (Subject::Prisoner(p), AppliesTo::Prisoner) => (Some(p), None),
            (Subject::Facility(f), AppliesTo::Facility) => (None, Some(f)),
            _ => {
                return Err(invalid(format!(
                    "{} is not filled in for this kind of subject",
                    form.id
                )));
            }
        };
        self.write(actor, form.fill_need(), &format!("prisoner or facility {subject:?}"), |tx| {
            let role = tx.role_of(&actor.name)?;
            if !form.may_fill(role) {
                return Err(invalid(format!("a {role} may not fill in {}", form.id)));
            }
            // One draft per form, subject and person: a second would be a copy to confuse with the first.
            let existing: Option<i64> = tx
                .query_row_cached(
                    "SELECT id FROM main.assessment WHERE status = 'draft' AND revision = 1 AND author = ?1
                       AND form_id = ?2 AND prisoner_id IS ?3 AND facility_id IS ?4",
                    params![actor.name, form.id, prisoner, facility],
                    |r| r.get(0),
                )
                .optional()?;
            if existing.is_some() {
                return Err(invalid(crate::i18n::t_args(
                    "assessment-draft-exists",
                    &[("form", form.title.text.clone().into())],
                )));
            }
            tx.ensure_form_version(form)?;
            let now = time_text(actor.at);
            tx.execute_cached(
                "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                     facility_id, status, author, created_at, updated_at, answers)
                 VALUES (0, 1, ?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?7, ?7, ?8)",
                params![
                    form.id,
                    form.version,
                    form.sha256,
                    prisoner,
                    facility,
                    actor.name,
                    now,
                    answers_to_json(answers)
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute_cached("UPDATE main.assessment SET series = id WHERE id = ?1", [id])?;
            tx.audit(
                Entity::Assessment,
                id,
                Deed::Start,
                None::<&()>,
                Some(&serde_json::json!({ "form": form.id, "version": form.version, "subject": subject })),
            )?;
            Ok(id)
        })
    }

    /// Saves one answer to a draft the moment it is entered (`Value::Null` clears it). Not audited: like the
    /// register's drafts it is scratch until finalised, and the finalised record carries every answer.
    pub fn save_answer(
        &mut self,
        actor: &Actor,
        id: i64,
        question: &str,
        value: &Value,
    ) -> Result<()> {
        let form = self.assessment_form(id)?;
        // Checked here as well as where it was typed: no path stores a refused character or an impossible answer.
        if let Some(q) = form.question(question).and_then(|i| form.questions.get(i)) {
            crate::domain::forms::evaluate::check_value(q, value)
                .map_err(|m| invalid(format!("{}: {m}", q.name)))?;
        }
        self.write(actor, form.fill_need(), &format!("assessment {id}"), |tx| {
            let row = tx.assessment(id)?;
            if row.status != Status::Draft {
                return Err(invalid(
                    "this assessment is finalised: amend it to change it",
                ));
            }
            if row.author != actor.name {
                return Err(invalid(format!("this draft is {}'s", row.author)));
            }
            let mut map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&row.answers_json).unwrap_or_default();
            if value.is_null() {
                map.remove(question);
            } else {
                map.insert(question.to_string(), value_to_json(value));
            }
            tx.prepare_cached(
                "UPDATE main.assessment SET answers = ?1, updated_at = ?2 WHERE id = ?3",
            )?
            .execute(params![
                serde_json::Value::Object(map).to_string(),
                time_text(actor.at),
                id
            ])?;
            Ok(())
        })
    }

    /// Checks every answer, clears those that do not apply, computes scores, result and next review date, applies
    /// the assessor's discretionary override if any, and locks the revision. `today` is the assessment day.
    pub fn finalise_assessment(
        &mut self,
        actor: &Actor,
        id: i64,
        today: NaiveDate,
        chosen: Option<Override>,
    ) -> Result<AssessmentRow> {
        let row = self
            .assessment(id)?
            .ok_or_else(|| invalid(format!("assessment {id} does not exist")))?;
        let form = self.recorded_form(&row.form_id, row.form_version)?;
        self.write(actor, form.fill_need(), &format!("assessment {id}"), |tx| {
            let row = tx.assessment(id)?;
            if row.status != Status::Draft {
                return Err(invalid("this assessment is already finalised"));
            }
            if row.author != actor.name {
                return Err(invalid(format!("only {} can finalise this draft", row.author)));
            }
            let done = finalise(&form, &row.answers(&form), today).map_err(|not| {
                let names = |ix: &mut dyn Iterator<Item = usize>| {
                    ix.filter_map(|i| form.questions.get(i))
                        .map(|q| q.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut parts = Vec::new();
                if !not.missing.is_empty() {
                    parts.push(format!("unanswered: {}", names(&mut not.missing.iter().copied())));
                }
                if !not.invalid.is_empty() {
                    parts.push(format!(
                        "not accepted: {}",
                        names(&mut not.invalid.iter().map(|p| p.question))
                    ));
                }
                invalid(format!("not finished ({})", parts.join("; ")))
            })?;
            let outcome = &done.outcome;
            let overridden = match chosen {
                Some(o) => Some(
                    check_discretionary(&form, outcome, o.result, o.reason).map_err(invalid)?,
                ),
                None => None,
            };
            let result = overridden.or(outcome.result);
            let result_value = |r: Option<usize>| -> Option<String> {
                Some(form.result.as_ref()?.choices.get(r?)?.value.clone())
            };
            let level_of = |r: Option<usize>| {
                form.result
                    .as_ref()
                    .and_then(|res| res.security_levels.as_ref())
                    .and_then(|levels| levels.get(r?))
                    .map(|l| l.to_string())
            };
            let custody = level_of(result);
            let scored_level = level_of(outcome.result);
            let scores: Vec<SumScore> = form
                .sums
                .iter()
                .enumerate()
                .map(|(j, s)| SumScore {
                    name: s.name.clone(),
                    total: outcome.sums[j],
                    band: outcome.bands[j].and_then(|b| s.bands.get(b)).map(|b| b.label.text.clone()),
                })
                .collect();
            let approval = if needs_approval(&form, overridden.is_some()) {
                ApprovalState::Pending
            } else {
                ApprovalState::NotNeeded
            };
            let review = next_review(&form, result, today);
            let mandatory = outcome
                .mandatory
                .and_then(|m| form.mandatory.get(m))
                .map(|m| m.reason.text.clone());
            let answers_json = answers_to_json(&done.answers);
            let scores_json = super::to_json(&scores);
            let findings = super::to_json(&outcome.finding_names(&form));
            let (override_result, override_reason) = match chosen {
                Some(o) => (Some(o.result), Some(o.reason.trim())),
                None => (None, None),
            };
            tx.execute_cached(
                "UPDATE main.assessment SET status = 'final', answers = ?1, assessed_on = ?2, finalised_at = ?3,
                     updated_at = ?3, scores = ?4, scored_result = ?5, mandatory_reason = ?6,
                     override_result = ?7, override_reason = ?8, result = ?9, custody_level = ?10,
                     findings = ?11, next_review = ?12, approval = ?13, scored_level = ?15
                 WHERE id = ?14",
                params![
                    answers_json,
                    today.to_string(),
                    time_text(actor.at),
                    scores_json,
                    result_value(outcome.result),
                    mandatory,
                    override_result,
                    override_reason,
                    result_value(result),
                    custody,
                    findings,
                    review.map(|d| d.to_string()),
                    approval.word(),
                    id,
                    scored_level
                ],
            )?;
            let result_text = result_value(result);
            tx.audit(
                Entity::Assessment,
                id,
                Deed::Finalise,
                None::<&()>,
                Some(&Finalised {
                    form: &form.id,
                    version: form.version,
                    sha256: &form.sha256,
                    answers: serde_json::from_str(&answers_json).unwrap_or_default(),
                    scores: &scores,
                    result: result_text.as_deref(),
                    override_result,
                    override_reason,
                    next_review: review.map(|d| d.to_string()),
                    approval: approval.word(),
                }),
            )?;
            tx.assessment(id)
        })
    }

    /// Opens a new revision of a finalised assessment as a draft with the same answers, made with `form` (the
    /// form's current version). The earlier revision stays as it was.
    pub fn amend_assessment(
        &mut self,
        actor: &Actor,
        form: &Form,
        id: i64,
        reason: &str,
    ) -> Result<i64> {
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(invalid(
                "say why the assessment is amended (10 characters or more)",
            ));
        }
        self.write(actor, form.fill_need(), &format!("assessment {id}"), |tx| {
            let old = tx.assessment(id)?;
            if old.status != Status::Final {
                return Err(invalid("only a finalised assessment can be amended"));
            }
            if old.form_id != form.id {
                return Err(invalid(format!(
                    "an amendment of {} must use the same form",
                    old.form_id
                )));
            }
            let drafting: Option<String> = tx
                .query_row_cached(
                    "SELECT author FROM assessment WHERE series = ?1 AND status = 'draft'",
                    [old.series],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(author) = drafting {
                return Err(invalid(format!(
                    "an amendment of this assessment is already being drafted by {author}"
                )));
            }
            let latest: i64 = tx.query_row_cached(
                "SELECT max(revision) FROM assessment WHERE series = ?1",
                [old.series],
                |r| r.get(0),
            )?;
            if latest != old.revision {
                return Err(invalid(format!(
                    "revision {} is not the latest: amend revision {latest}",
                    old.revision
                )));
            }
            let role = tx.role_of(&actor.name)?;
            if !form.may_fill(role) {
                return Err(invalid(format!("a {role} may not fill in {}", form.id)));
            }
            tx.ensure_form_version(form)?;
            let (prisoner, facility) = match old.subject {
                Subject::Prisoner(p) => (Some(p), None),
                Subject::Facility(f) => (None, Some(f)),
            };
            let now = time_text(actor.at);
            tx.execute_cached(
                "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                     facility_id, status, author, created_at, updated_at, answers, amend_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?9, ?9, ?10, ?11)",
                params![
                    old.series,
                    old.revision + 1,
                    form.id,
                    form.version,
                    form.sha256,
                    prisoner,
                    facility,
                    actor.name,
                    now,
                    old.answers_json,
                    reason
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    invalid("an amendment of this assessment is already being drafted")
                }
                e => e.into(),
            })?;
            let new_id = tx.last_insert_rowid();
            tx.audit(
                Entity::Assessment,
                new_id,
                Deed::Amend,
                None::<&()>,
                Some(&serde_json::json!({ "amends": id, "revision": old.revision + 1, "reason": reason })),
            )?;
            Ok(new_id)
        })
    }

    /// Throws a draft away (its author only).
    pub fn discard_assessment(&mut self, actor: &Actor, id: i64) -> Result<()> {
        let form = self.assessment_form(id)?;
        self.write(actor, form.fill_need(), &format!("assessment {id}"), |tx| {
            let row = tx.assessment(id)?;
            if row.status != Status::Draft || row.author != actor.name {
                return Err(invalid("only its author can discard a draft"));
            }
            tx.execute_cached("DELETE FROM main.assessment WHERE id = ?1", [id])?;
            tx.audit(
                Entity::Assessment,
                id,
                Deed::Discard,
                Some(&serde_json::json!({ "form": row.form_id, "answers": row.answers_json })),
                None::<&()>,
            )
        })
    }

    pub fn assessment(&self, id: i64) -> Result<Option<AssessmentRow>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!("SELECT {COLUMNS} FROM assessment WHERE id = ?1"),
                [id],
                read,
            )
            .optional()?)
    }

    pub(super) fn assessments_where(
        &self,
        filter: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<AssessmentRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM assessment WHERE {filter}"))?;
        let rows = stmt.query_map(p, read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every revision and draft about a prisoner, newest first.
    pub fn assessments_of_prisoner(&self, prisoner_id: i64) -> Result<Vec<AssessmentRow>> {
        self.assessments_where("prisoner_id = ?1 ORDER BY id DESC", [prisoner_id])
    }

    /// This person's drafts, most recently touched first.
    pub fn drafts_of(&self, author: &str) -> Result<Vec<AssessmentRow>> {
        self.assessments_where(
            "status = 'draft' AND author = ?1 ORDER BY updated_at DESC, id DESC",
            [author],
        )
    }
}
