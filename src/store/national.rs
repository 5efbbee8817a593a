//! What the national roll-up reads from one site's file besides the site reports' own queries: everyone in
//! custody with their national person id and how recent their record is, the time of the site's newest write,
//! and the file's schema version.

use super::Actor;
use super::cached::CachedSql;
use super::{Result, Store};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::national::SitePerson;
use chrono::{NaiveDate, NaiveDateTime};
use std::path::PathBuf;

/// Leave to read the sites' files for one national roll-up. Only `Store::grant_national` makes one, after the
/// role table allows it and the read is in headquarters' audit trail, and the roll-up's readers take it, so the
/// screens and the command line pass the same check.
#[derive(Debug, Clone)]
pub struct NationalGrant {
    /// Private, so nothing outside this module can make one.
    by: String,
}

impl NationalGrant {
    /// Who asked: printed under the roll-up.
    pub fn by(&self) -> &str {
        &self.by
    }
}

/// What headquarters' audit trail keeps about a national read.
#[derive(serde::Serialize)]
struct NationalRead<'a> {
    sites: &'a [PathBuf],
}

/// SQLite's `datetime()` output: every stored time format (admission minutes, audit RFC 3339) comes out as this.
const SQL_TIME: &str = "%Y-%m-%d %H:%M:%S";

fn sql_time(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<NaiveDateTime> {
    let s: String = r.get(idx)?;
    NaiveDateTime::parse_from_str(&s, SQL_TIME).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    })
}

impl Store {
    /// Checks that `actor` may read the national roll-up `report` over `sites` and records the read in this
    /// (headquarters') database; refused, the refusal is recorded and nothing is read. A copy on read-only media
    /// cannot keep the record: the read is still checked, and the caller says it was not recorded.
    pub fn grant_national(
        &mut self,
        actor: &Actor,
        report: &str,
        sites: &[PathBuf],
    ) -> Result<NationalGrant> {
        let target = format!("national {report}");
        if self.is_read_only() {
            self.authorise(actor, Need::To(Permission::ViewNational), &target)?;
        } else {
            self.write(actor, Need::To(Permission::ViewNational), &target, |tx| {
                tx.audit(
                    Entity::National,
                    report,
                    Deed::Read,
                    None::<&()>,
                    Some(&NationalRead { sites }),
                )
            })?;
        }
        Ok(NationalGrant {
            by: actor.name.clone(),
        })
    }

    /// The schema version written in the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row_cached("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The time of the newest audited write: how recent this file's data is. None for a file never written.
    /// The newest time, not the last row: an import or the demo records events at the times they happened.
    pub fn data_as_of(&self) -> Result<Option<NaiveDateTime>> {
        let newest: Option<String> = self.conn().query_row_cached(
            "SELECT datetime(max(julianday(at))) FROM audit",
            [],
            |r| r.get(0),
        )?;
        Ok(newest.and_then(|s| NaiveDateTime::parse_from_str(&s, SQL_TIME).ok()))
    }

    /// Everyone in custody with their store id, for the national roll-up; the rule flags are left false for
    /// the caller to set from the site reports' own queries.
    pub fn national_people(&self) -> Result<Vec<(i64, SitePerson)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, n.national_id, f.code, p.legal_status = 'remand',
                    (SELECT c.level FROM classification c WHERE c.prisoner_id = p.id
                     ORDER BY c.finalised_at DESC, c.id DESC LIMIT 1),
                    p.expected_release,
                    datetime(max(julianday(p.admitted_at),
                                 coalesce((SELECT max(julianday(e.at)) FROM custody_event e
                                           WHERE e.prisoner_id = p.id), 0),
                                 coalesce((SELECT max(julianday(m.at)) FROM movement m
                                           WHERE m.prisoner_id = p.id), 0)))
             FROM prisoner p JOIN facility f ON f.id = p.facility_id
             LEFT JOIN national_person n ON n.prisoner_id = p.id
             WHERE p.in_custody = 1
             ORDER BY f.code, p.number",
        )?;
        let rows = stmt.query_map([], |r| {
            let release: Option<String> = r.get(6)?;
            Ok((
                r.get(0)?,
                SitePerson {
                    number: r.get(1)?,
                    national_id: r.get(2)?,
                    facility: r.get(3)?,
                    remand: r.get(4)?,
                    level: r.get(5)?,
                    expected_release: release
                        .as_deref()
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                    latest: sql_time(7, r)?,
                    remand_over_days: None,
                    separation_breach: false,
                    segregated_past_limit: false,
                    classification_late: false,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
