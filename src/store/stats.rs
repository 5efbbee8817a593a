//! Headline counts for the home screen and reports (Mandela Rule 10: aggregate records for trends).

use super::CachedSql as _;
use super::{Result, Store};
use crate::domain::estate::occupancy_percent;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// People in custody now.
    pub population: u64,
    pub remand: u64,
    pub female: u64,
    /// Certified capacity of the cells in use.
    pub certified: u64,
    pub facilities: u64,
}

impl Headline {
    pub fn remand_percent(&self) -> Option<u64> {
        occupancy_percent(self.remand, self.population)
    }

    pub fn capacity_percent(&self) -> Option<u64> {
        occupancy_percent(self.population, self.certified)
    }
}

impl Store {
    pub fn headline(&self) -> Result<Headline> {
        let (population, remand, female): (i64, i64, i64) = self.conn().query_row_cached(
            "SELECT count(*), coalesce(sum(legal_status = 'remand'), 0), coalesce(sum(sex = 'female'), 0)
             FROM prisoner WHERE in_custody = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let certified: i64 = self.conn().query_row_cached(
            "SELECT coalesce(sum(certified), 0) FROM cell WHERE out_of_use IS NULL",
            [],
            |r| r.get(0),
        )?;
        let facilities: i64 =
            self.conn()
                .query_row_cached("SELECT count(*) FROM facility", [], |r| r.get(0))?;
        Ok(Headline {
            population: population as u64,
            remand: remand as u64,
            female: female as u64,
            certified: certified as u64,
            facilities: facilities as u64,
        })
    }
}
