//! The whole estate's cell summaries, kept between calls while the database is unchanged: ranking cells across
//! all facilities and the placements report both start from them, and reading 20,000 cells with 100,000
//! occupants is most of their cost. Any write, by this connection or another, and a new day (ages are read
//! against it) make them read afresh.

use super::allocation::load_candidates;
use super::{Result, Store, Within};
use crate::domain::allocate::Candidates;
use chrono::NaiveDate;
use std::rc::Rc;

/// What must not have changed for kept summaries to stand: this connection's changes so far, SQLite's
/// data version (it moves when another connection commits), and the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SummaryKey {
    changes: i64,
    data_version: i64,
    today: NaiveDate,
}

impl Store {
    fn summary_key(&self, today: NaiveDate) -> Result<SummaryKey> {
        let (changes, data_version) = self
            .conn()
            .prepare_cached("SELECT total_changes(), data_version FROM pragma_data_version")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(SummaryKey {
            changes,
            data_version,
            today,
        })
    }

    /// Every cell's summary, from the kept copy when nothing has changed since it was read. Shared, not copied:
    /// at the national size they are tens of megabytes.
    pub(crate) fn estate_summaries(&self, today: NaiveDate) -> Result<Rc<Candidates>> {
        let key = self.summary_key(today)?;
        if let Some((kept, c)) = self.estate_summaries.borrow().as_ref()
            && *kept == key
        {
            return Ok(Rc::clone(c));
        }
        // The old copy goes before the new one is read, so the two are never held at once.
        *self.estate_summaries.borrow_mut() = None;
        let c = Rc::new(load_candidates(self.conn(), Within::All, today)?);
        *self.estate_summaries.borrow_mut() = Some((key, Rc::clone(&c)));
        Ok(c)
    }

    /// Lets go of the estate's summaries, kept only to be quick next time (tens of megabytes at the national
    /// size). The TUI calls it when the person is back on Home, so a session that once ran a national report or
    /// placement does not go on holding them. SQLite's page cache is left: it is bounded (1 MiB) and Home reads
    /// its counts through it straight away.
    pub fn release_kept_memory(&self) {
        *self.estate_summaries.borrow_mut() = None;
    }
}
