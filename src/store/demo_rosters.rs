//! What the demo's roster builder reads in bulk (everyone in custody with the facts its sampling needs, in one
//! query). The bulk load it writes in is bulk_load.rs.

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
}
