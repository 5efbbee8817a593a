//! Temporary placements (issue 17, item 4): a supervisor's placement of someone in a cell against a rule the
//! service lets them override (never Rule 11) is looked at again by a set day; each review that keeps it gives
//! the next day and the reason; it ends when the person moves. Past its day it is a supervisor's alert on Home.

use super::CachedSql as _;
use super::{Actor, Result, Store, StoreError};
use crate::domain::allocate::check_review_by;
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

/// Someone in a cell a supervisor placed them in against a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporaryPlacement {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility_id: i64,
    pub cell: String,
    pub movement_id: i64,
    /// When they were placed (as the movement records it).
    pub since: String,
    /// The rules overridden, by their policy words.
    pub overridden: String,
    /// The latest reason: the override's, or the last review's.
    pub reason: String,
    /// The day it is to be looked at again. A placement made before review days existed is due the day it was
    /// made.
    pub review_by: NaiveDate,
    pub reviews: usize,
}

/// Each person in custody whose latest move put them in the cell they are in, against a rule; read from the
/// overrides (few) outward, not from everyone in custody (a national register's Home took half a second).
const CURRENT: &str = "
    SELECT p.id, p.number, p.family_name || ', ' || p.given_names, p.facility_id, c.code, m.id, m.at,
           m.overridden,
           COALESCE((SELECT r.reason FROM placement_review r WHERE r.movement_id = m.id ORDER BY r.id DESC LIMIT 1),
                    m.override_reason, ''),
           COALESCE((SELECT r.next_review FROM placement_review r WHERE r.movement_id = m.id
                     ORDER BY r.id DESC LIMIT 1), m.review_by, substr(m.at, 1, 10)),
           (SELECT count(*) FROM placement_review r WHERE r.movement_id = m.id)
    FROM movement m INDEXED BY movement_overridden
    CROSS JOIN prisoner p ON p.id = m.prisoner_id
    JOIN cell c ON c.id = p.cell_id
    WHERE m.overridden IS NOT NULL AND p.in_custody = 1 AND m.to_cell = p.cell_id
      AND m.id = (SELECT max(x.id) FROM movement x WHERE x.prisoner_id = p.id)";

fn read(r: &rusqlite::Row) -> rusqlite::Result<TemporaryPlacement> {
    let due: String = r.get(9)?;
    Ok(TemporaryPlacement {
        prisoner_id: r.get(0)?,
        number: r.get(1)?,
        name: r.get(2)?,
        facility_id: r.get(3)?,
        cell: r.get(4)?,
        movement_id: r.get(5)?,
        since: r.get(6)?,
        overridden: r.get(7)?,
        reason: r.get(8)?,
        // A date the register could not have written reads as due long ago, so it is looked at, not hidden.
        review_by: NaiveDate::parse_from_str(due.get(..10).unwrap_or(""), "%Y-%m-%d")
            .unwrap_or(NaiveDate::MIN),
        reviews: r.get::<_, i64>(10)? as usize,
    })
}

impl Store {
    /// The temporary placement `prisoner_id` is in, if any.
    pub fn temporary_placement(&self, prisoner_id: i64) -> Result<Option<TemporaryPlacement>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("{CURRENT} AND p.id = ?1"))?
            .query_row([prisoner_id], read)
            .optional()?)
    }

    /// Temporary placements whose review day is today or past (in `facility_id`, or everywhere).
    pub fn temporary_placements_due(
        &self,
        facility_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<TemporaryPlacement>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{CURRENT} AND (?1 IS NULL OR p.facility_id = ?1)"))?;
        let rows = stmt.query_map([facility_id], read)?;
        let mut due = Vec::new();
        for row in rows {
            let placement = row?;
            if placement.review_by <= today {
                due.push(placement);
            }
        }
        Ok(due)
    }

    /// A supervisor's review that keeps someone in their temporary placement until `next`, with the reason.
    /// Ending it is a move to a cell that breaks no rule.
    pub fn review_temporary_placement(
        &mut self,
        actor: &Actor,
        prisoner_id: i64,
        next: Option<NaiveDate>,
        reason: &str,
    ) -> Result<TemporaryPlacement> {
        let today = actor.at.date_naive();
        let next = check_review_by(next, today).map_err(StoreError::invalid)?;
        let reason = reason.trim();
        crate::domain::text::check("reason", reason).map_err(StoreError::invalid)?;
        if reason.is_empty() {
            return Err(StoreError::invalid(crate::i18n::t(
                "temporary-review-reason",
            )));
        }
        self.write(
            actor,
            Need::To(Permission::OverrideAllocation),
            &format!("prisoner {prisoner_id}"),
            |tx| {
                let current = tx
                    .prepare_cached(&format!("{CURRENT} AND p.id = ?1"))?
                    .query_row([prisoner_id], read)
                    .optional()?
                    .ok_or_else(|| {
                        StoreError::invalid(crate::i18n::t("temporary-review-none"))
                    })?;
                tx.execute_cached(
                    "INSERT INTO placement_review(movement_id, reviewed_at, reviewed_by, next_review, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        current.movement_id,
                        super::time_text(tx.actor.at),
                        tx.actor.name,
                        next.format("%Y-%m-%d").to_string(),
                        reason
                    ],
                )?;
                tx.audit::<(), _>(
                    Entity::Prisoner,
                    prisoner_id,
                    Deed::TemporaryPlacementReview,
                    None,
                    Some(&serde_json::json!({
                        "movement": current.movement_id,
                        "cell": current.cell,
                        "next_review": next,
                        "reason": reason,
                    })),
                )?;
                Ok(())
            },
        )?;
        self.temporary_placement(prisoner_id)?
            .ok_or_else(|| StoreError::invalid(crate::i18n::t("temporary-review-none")))
    }
}
