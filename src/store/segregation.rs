//! Segregation placements in SQL: started and ended with audit rows; open ones listed longest first.

use super::{Actor, Result, Store, StoreError};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::segregation::Segregation;
use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";
const COLUMNS: &str = "s.id, s.prisoner_id, s.started_at, s.ended_at, s.reason, s.recorded_by";

fn time(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<Option<NaiveDateTime>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| {
        NaiveDateTime::parse_from_str(&s, TIME_FORMAT).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
        })
    })
    .transpose()
}

fn read(r: &rusqlite::Row) -> rusqlite::Result<Segregation> {
    Ok(Segregation {
        id: r.get(0)?,
        prisoner_id: r.get(1)?,
        start: time(2, r)?.unwrap_or_default(),
        end: time(3, r)?,
        reason: r.get(4)?,
        recorded_by: r.get(5)?,
    })
}

/// An open placement with who it is, for the supervisors' home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegregationRow {
    pub segregation: Segregation,
    pub number: String,
    pub name: String,
    pub facility: Option<String>,
}

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

impl Store {
    /// Starts a placement; one person can be in only one open placement.
    pub fn start_segregation(
        &mut self,
        actor: &Actor,
        prisoner_id: i64,
        start: NaiveDateTime,
        reason: &str,
    ) -> Result<i64> {
        let s = Segregation {
            id: 0,
            prisoner_id,
            start,
            end: None,
            reason: reason.trim().to_string(),
            recorded_by: actor.name.clone(),
        };
        s.validate().map_err(invalid)?;
        self.write(actor, Need::To(Permission::Segregate), &format!("prisoner {prisoner_id}"), |tx| {
            let in_custody: Option<bool> = tx
                .prepare_cached("SELECT in_custody FROM prisoner WHERE id = ?1")?
                .query_row([prisoner_id], |r| r.get(0))
                .optional()?;
            match in_custody {
                None => return Err(invalid("this prisoner's record no longer exists")),
                Some(false) => return Err(invalid("not in custody")),
                Some(true) => {}
            }
            let open: Option<String> = tx
                .prepare_cached(
                    "SELECT started_at FROM segregation WHERE prisoner_id = ?1 AND ended_at IS NULL",
                )?
                .query_row([prisoner_id], |r| r.get(0))
                .optional()?;
            if let Some(since) = open {
                return Err(invalid(format!("already segregated since {since}")));
            }
            tx.prepare_cached(
                "INSERT INTO segregation(prisoner_id, started_at, reason, recorded_by) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                prisoner_id,
                start.format(TIME_FORMAT).to_string(),
                s.reason,
                s.recorded_by
            ])?;
            let id = tx.last_insert_rowid();
            tx.audit::<(), _>(Entity::Segregation, id, Deed::Start, None, Some(&Segregation { id, ..s.clone() }))?;
            Ok(id)
        })
    }

    pub fn end_segregation(
        &mut self,
        actor: &Actor,
        id: i64,
        end: NaiveDateTime,
    ) -> Result<Segregation> {
        self.write(
            actor,
            Need::To(Permission::Segregate),
            &format!("segregation {id}"),
            |tx| end_in(tx, id, end),
        )
    }

    /// Open placements, longest first.
    pub fn open_segregations(&self) -> Result<Vec<SegregationRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS}, p.number, p.family_name || CASE WHEN p.given_names = '' THEN ''
                    ELSE ', ' || p.given_names END, f.code
             FROM segregation s JOIN prisoner p ON p.id = s.prisoner_id
             LEFT JOIN facility f ON f.id = p.facility_id
             WHERE s.ended_at IS NULL ORDER BY s.started_at, s.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(SegregationRow {
                segregation: read(r)?,
                number: r.get(6)?,
                name: r.get(7)?,
                facility: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn segregations_of(&self, prisoner_id: i64) -> Result<Vec<Segregation>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM segregation s WHERE s.prisoner_id = ?1 ORDER BY s.started_at DESC, s.id DESC"
        ))?;
        let rows = stmt.query_map([prisoner_id], read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Ends placement `id` at `end` inside a transaction already open (ending it by hand, or a release).
fn end_in(tx: &super::Tx, id: i64, end: NaiveDateTime) -> Result<Segregation> {
    let before = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM segregation s WHERE s.id = ?1"
        ))?
        .query_row([id], read)
        .optional()?
        .ok_or_else(|| invalid(format!("no segregation placement {id}")))?;
    if before.end.is_some() {
        return Err(invalid("this placement has already ended"));
    }
    let after = Segregation {
        end: Some(end),
        ..before.clone()
    };
    after.validate().map_err(invalid)?;
    tx.prepare_cached("UPDATE segregation SET ended_at = ?2, ended_by = ?3 WHERE id = ?1")?
        .execute(params![
            id,
            end.format(TIME_FORMAT).to_string(),
            tx.actor.name
        ])?;
    tx.audit(
        Entity::Segregation,
        id,
        Deed::End,
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Leaving the facility (release, transfer) ends an open segregation placement at that moment: segregation is
/// a measure inside one prison, and an open one would count days against someone who has left it.
pub(crate) fn end_on_leaving(tx: &super::Tx, prisoner_id: i64, at: NaiveDateTime) -> Result<()> {
    let open: Option<i64> = tx
        .prepare_cached("SELECT id FROM segregation WHERE prisoner_id = ?1 AND ended_at IS NULL")?
        .query_row([prisoner_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = open {
        end_in(tx, id, at)?;
    }
    Ok(())
}
