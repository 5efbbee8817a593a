//! Non-associations in SQL: recorded and closed with their audit rows, listed on both people's records.

use super::rows::{opt_date, word};
use super::{Actor, Result, Store, StoreError, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::non_association::{
    Closure, NaReason, NaRole, NaScope, NonAssociation, check_close_reason,
};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

pub(crate) const NA_COLUMNS: &str =
    "na.id, na.first_id, na.first_role, na.second_id, na.second_role, na.reason,
     na.scope, na.comment, na.start, na.expiry, na.closed_at, na.closed_by, na.closed_reason";
/// How many columns `NA_COLUMNS` reads, so queries can add their own after them.
pub(crate) const NA_WIDTH: usize = 13;

pub(crate) fn read_na(r: &rusqlite::Row) -> rusqlite::Result<NonAssociation> {
    let closed_at: Option<String> = r.get(10)?;
    Ok(NonAssociation {
        id: r.get(0)?,
        first: r.get(1)?,
        first_role: word(NaRole::parse, 2, r)?,
        second: r.get(3)?,
        second_role: word(NaRole::parse, 4, r)?,
        reason: word(NaReason::parse, 5, r)?,
        scope: word(NaScope::parse, 6, r)?,
        comment: r.get(7)?,
        start: opt_date(8, r)?.unwrap_or_default(),
        expiry: opt_date(9, r)?,
        closed: match closed_at {
            Some(at) => Some(Closure {
                at,
                by: r.get(11)?,
                reason: r.get(12)?,
            }),
            None => None,
        },
    })
}

/// A non-association seen from one person's record: the other person and where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaRow {
    pub na: NonAssociation,
    pub other_id: i64,
    pub other_number: String,
    pub other_name: String,
    /// Facility and cell codes, when the other person is in custody.
    pub other_facility: Option<String>,
    pub other_cell: Option<String>,
}

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

impl Store {
    /// Records a non-association. Both people must exist; a pair may have one open record at a time.
    pub fn add_non_association(&mut self, actor: &Actor, na: &NonAssociation) -> Result<i64> {
        na.validate().map_err(invalid)?;
        self.write(actor, Need::To(Permission::ManageNonAssociations), "new non-association", |tx| {
            for id in [na.first, na.second] {
                let exists: bool = tx
                    .prepare_cached("SELECT EXISTS(SELECT 1 FROM prisoner WHERE id = ?1)")?
                    .query_row([id], |r| r.get(0))?;
                if !exists {
                    return Err(invalid(format!("no prisoner with id {id}")));
                }
            }
            let open: Option<i64> = tx
                .prepare_cached(
                    "SELECT id FROM non_association WHERE closed_at IS NULL
                       AND min(first_id, second_id) = min(?1, ?2) AND max(first_id, second_id) = max(?1, ?2)",
                )?
                .query_row(params![na.first, na.second], |r| r.get(0))
                .optional()?;
            if let Some(id) = open {
                return Err(invalid(format!(
                    "these two already have an open non-association (record {id}); close it before adding another"
                )));
            }
            tx.prepare_cached(
                "INSERT INTO non_association(first_id, first_role, second_id, second_role, reason, scope, comment,
                                             start, expiry, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                na.first,
                na.first_role.as_str(),
                na.second,
                na.second_role.as_str(),
                na.reason.as_str(),
                na.scope.as_str(),
                na.comment.trim(),
                na.start.to_string(),
                na.expiry.map(|d| d.to_string()),
                time_text(actor.at),
                actor.name
            ])?;
            let id = tx.last_insert_rowid();
            let stored = NonAssociation {
                id,
                comment: na.comment.trim().to_string(),
                closed: None,
                ..na.clone()
            };
            tx.audit::<(), _>(Entity::NonAssociation, id, Deed::Create, None, Some(&stored))?;
            Ok(id)
        })
    }

    /// Closes an open non-association with a reason. Closed records stay, read-only.
    pub fn close_non_association(
        &mut self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<NonAssociation> {
        check_close_reason(reason).map_err(invalid)?;
        self.write(
            actor,
            Need::To(Permission::ManageNonAssociations),
            &format!("non-association {id}"),
            |tx| {
                let before = tx
                    .prepare_cached(&format!(
                        "SELECT {NA_COLUMNS} FROM non_association na WHERE na.id = ?1"
                    ))?
                    .query_row([id], read_na)
                    .optional()?
                    .ok_or_else(|| invalid(format!("no non-association {id}")))?;
                if let Some(c) = &before.closed {
                    return Err(invalid(format!(
                        "non-association {id} was already closed by {} ({})",
                        c.by, c.reason
                    )));
                }
                let closure = Closure {
                    at: time_text(actor.at),
                    by: actor.name.clone(),
                    reason: reason.trim().to_string(),
                };
                tx.prepare_cached(
                    "UPDATE non_association SET closed_at = ?2, closed_by = ?3, closed_reason = ?4
                 WHERE id = ?1 AND closed_at IS NULL",
                )?
                .execute(params![id, closure.at, closure.by, closure.reason])?;
                let after = NonAssociation {
                    closed: Some(closure),
                    ..before.clone()
                };
                tx.audit(
                    Entity::NonAssociation,
                    id,
                    Deed::Close,
                    Some(&before),
                    Some(&after),
                )?;
                Ok(after)
            },
        )
    }

    /// Every non-association involving a person, open ones first, newest first within each.
    pub fn non_associations_of(&self, prisoner_id: i64) -> Result<Vec<NaRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {NA_COLUMNS}, o.id, o.number, o.family_name || CASE WHEN o.given_names = '' THEN ''
                    ELSE ', ' || o.given_names END, o.in_custody, f.code, c.code
             FROM non_association na
             JOIN prisoner o ON o.id = CASE WHEN na.first_id = ?1 THEN na.second_id ELSE na.first_id END
             LEFT JOIN facility f ON f.id = o.facility_id LEFT JOIN cell c ON c.id = o.cell_id
             WHERE na.first_id = ?1 OR na.second_id = ?1
             ORDER BY na.closed_at IS NOT NULL, na.start DESC, na.id DESC"
        ))?;
        let rows = stmt.query_map([prisoner_id], |r| {
            let in_custody: bool = r.get(NA_WIDTH + 3)?;
            Ok(NaRow {
                na: read_na(r)?,
                other_id: r.get(NA_WIDTH)?,
                other_number: r.get(NA_WIDTH + 1)?,
                other_name: r.get(NA_WIDTH + 2)?,
                other_facility: if in_custody {
                    r.get(NA_WIDTH + 4)?
                } else {
                    None
                },
                other_cell: if in_custody {
                    r.get(NA_WIDTH + 5)?
                } else {
                    None
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Open non-associations between any two of `ids` in force on `today`: for every list that puts people
    /// together (a cell's occupants, a roster).
    pub fn non_associations_among(
        &self,
        ids: &[i64],
        today: NaiveDate,
    ) -> Result<Vec<NonAssociation>> {
        if ids.len() < 2 {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {NA_COLUMNS} FROM non_association na
             WHERE na.closed_at IS NULL
               AND na.first_id IN (SELECT value FROM json_each(?1))
               AND na.second_id IN (SELECT value FROM json_each(?1))"
        ))?;
        let rows = stmt.query_map([list], read_na)?;
        let all: Vec<NonAssociation> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(all.into_iter().filter(|na| na.active_on(today)).collect())
    }
}
