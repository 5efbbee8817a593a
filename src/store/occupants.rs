//! Who is in a cell now.

use super::{Result, SearchHit, Store};

impl Store {
    pub fn occupants(&self, cell_id: i64) -> Result<Vec<SearchHit>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, p.family_name, p.given_names, coalesce(f.code, ''), p.legal_status, p.in_custody
             FROM prisoner p LEFT JOIN facility f ON f.id = p.facility_id
             WHERE p.cell_id = ?1 AND p.in_custody = 1 ORDER BY p.sort_key",
        )?;
        let rows = stmt.query_map([cell_id], |r| {
            Ok(SearchHit {
                id: r.get(0)?,
                number: r.get(1)?,
                family_name: r.get(2)?,
                given_names: r.get(3)?,
                facility: r.get(4)?,
                legal_status: r.get(5)?,
                in_custody: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
