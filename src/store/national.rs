//! What the national roll-up reads from one site's file besides the site reports' own queries: everyone in
//! custody with their national person id and how recent their record is, the time of the site's newest write,
//! and the file's schema version.

use super::cached::CachedSql;
use super::{Result, Store};
use crate::domain::national::SitePerson;
use chrono::{NaiveDate, NaiveDateTime};

/// SQLite's `datetime()` output: every stored time format (admission minutes, audit RFC 3339) comes out as this.
const SQL_TIME: &str = "%Y-%m-%d %H:%M:%S";

fn sql_time(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<NaiveDateTime> {
    let s: String = r.get(idx)?;
    NaiveDateTime::parse_from_str(&s, SQL_TIME).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    })
}

impl Store {
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
