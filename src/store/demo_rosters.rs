//! What the demo's roster builder reads in bulk (everyone in custody with the facts its sampling needs, in one
//! query), and the switch that lets it skip the per-commit flush while it fills a scratch file.

use super::rows::{json_list, opt_date, parse_date, word};
use super::{Result, Store};
use crate::domain::estate::{AgeGroup, LegalStatus, Sex};
use chrono::NaiveDate;

/// A person in custody as the demo's roster builder samples them. The store's allocation checks stay the
/// authority; these facts only keep the builder from asking for places it would be refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RosterPerson {
    pub id: i64,
    pub facility_id: i64,
    pub sex: Sex,
    pub legal: LegalStatus,
    pub vep: bool,
    /// The age group of the unit they live on (young people live on young units, Rule 11d).
    pub unit_age: Option<AgeGroup>,
    pub expected_release: Option<NaiveDate>,
    pub court_dates: Vec<NaiveDate>,
}

impl Store {
    /// Everyone in custody with a facility, by facility then id.
    pub(crate) fn roster_people(&self) -> Result<Vec<RosterPerson>> {
        let mut stmt = self.conn().prepare(
            "SELECT p.id, p.facility_id, p.sex, p.legal_status, p.vep, u.age_group, p.expected_release,
                    json_extract(p.details, '$.court_dates')
             FROM prisoner p LEFT JOIN cell c ON c.id = p.cell_id LEFT JOIN unit u ON u.id = c.unit_id
             WHERE p.in_custody = 1 AND p.facility_id IS NOT NULL
             ORDER BY p.facility_id, p.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let age: Option<String> = r.get(5)?;
            Ok(RosterPerson {
                id: r.get(0)?,
                facility_id: r.get(1)?,
                sex: word(Sex::parse, 2, r)?,
                legal: word(LegalStatus::parse, 3, r)?,
                vep: r.get(4)?,
                unit_age: age.and_then(|a| AgeGroup::parse(&a)),
                expected_release: opt_date(6, r)?,
                court_dates: json_list::<String>(r.get(7)?)
                    .iter()
                    .filter_map(|d| parse_date(d))
                    .collect(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every open non-association as a (lower id, higher id) pair, sorted, whatever its dates: the demo gives
    /// places on past days, and a record that starts later must still never find both in one group.
    pub(crate) fn open_non_association_pairs(&self) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn().prepare(
            "SELECT min(first_id, second_id), max(first_id, second_id) FROM non_association
             WHERE closed_at IS NULL ORDER BY 1, 2",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Turns the flush after every commit off (`true`) or back to the durable setting (`false`). Only for a
    /// database being built beside its final place (the demo): a crash there loses a scratch file, never data,
    /// and tens of thousands of small audited writes would otherwise each wait for the disk.
    ///
    /// While on, the writes also share one transaction, each its own savepoint of it (a refused write still
    /// leaves nothing): thousands of commits were a fifth of the demo's build.
    pub(crate) fn set_bulk_loading(&self, on: bool) -> Result<()> {
        let conn = self.conn();
        if !on && !conn.is_autocommit() {
            super::prisoners::fill_deferred_search_rows(conn)?;
            conn.execute_batch("COMMIT")?;
        }
        self.bulk_loading.set(on);
        conn.pragma_update(None, "synchronous", if on { "OFF" } else { "FULL" })?;
        // A larger page cache keeps the indexes these writes touch in memory, and a longer write-ahead log
        // copies each hot page into the main file once per few thousand commits rather than every few hundred.
        conn.pragma_update(
            None,
            "cache_size",
            if on { -131_072 } else { super::CACHE_SIZE_KIB },
        )?;
        conn.pragma_update(None, "wal_autocheckpoint", 1_000)?;
        // Referring, allocating, marking and classifying cycle through more distinct statements than a
        // session keeps, so each would be parsed and planned again on every call.
        conn.set_prepared_statement_cache_capacity(if on {
            256
        } else {
            super::cached::KEPT_STATEMENTS
        });
        if on && conn.is_autocommit() {
            conn.execute_batch(super::prisoners::PENDING_SEARCH)?;
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        Ok(())
    }
}
