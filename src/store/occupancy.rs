//! The occupancy board: certified, operational and maximum capacity against head count, per facility, unit and
//! cell, rolled up by region and nation, most overcrowded first. Percentages are never clipped (Mandela Rule 10).

use super::{Result, Store};
use crate::domain::estate::occupancy_percent;

/// Capacity counts cells in use only; head count is everyone held, wherever they sleep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Occupancy {
    pub certified: u64,
    pub operational: u64,
    pub maximum: u64,
    pub occupants: u64,
    pub cells: u64,
}

impl Occupancy {
    /// Whole percent of certified capacity; None when there is no certified capacity at all.
    pub fn percent(&self) -> Option<u64> {
        occupancy_percent(self.occupants, self.certified)
    }

    /// For sorting: people held with no capacity at all is the worst overcrowding there is.
    fn pressure(&self) -> u64 {
        match self.percent() {
            Some(p) => p,
            None if self.occupants > 0 => u64::MAX,
            None => 0,
        }
    }

    fn add(&mut self, other: &Occupancy) {
        self.certified += other.certified;
        self.operational += other.operational;
        self.maximum += other.maximum;
        self.occupants += other.occupants;
        self.cells += other.cells;
    }
}

/// One line of the board: a region, facility, unit or cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardLine {
    /// The facility, unit or cell id; 0 for a region.
    pub id: i64,
    pub code: String,
    /// For a cell, why it is out of use (empty when in use).
    pub name: String,
    /// For a facility, its region (and a region's own name); empty for units and cells.
    pub region: String,
    pub occupancy: Occupancy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub nation: Occupancy,
    pub regions: Vec<BoardLine>,
    pub facilities: Vec<BoardLine>,
}

fn most_overcrowded_first(lines: &mut [BoardLine]) {
    lines.sort_by(|a, b| {
        b.occupancy
            .pressure()
            .cmp(&a.occupancy.pressure())
            .then_with(|| a.code.cmp(&b.code))
    });
}

fn read_line(r: &rusqlite::Row) -> rusqlite::Result<BoardLine> {
    let n = |i| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
    Ok(BoardLine {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        region: String::new(),
        occupancy: Occupancy {
            certified: n(3)?,
            operational: n(4)?,
            maximum: n(5)?,
            cells: n(6)?,
            occupants: n(7)?,
        },
    })
}

impl Store {
    /// Every facility, by region and for the nation, most overcrowded first.
    // INDEXED BY: left to itself the planner counts through prisoner_headline, which does not hold facility_id,
    // and reads every row (60 ms on a national register instead of 3).
    pub fn occupancy_board(&self) -> Result<Board> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.id, f.code, f.name, coalesce(cap.certified, 0), coalesce(cap.operational, 0),
                    coalesce(cap.maximum, 0), coalesce(cap.cells, 0), coalesce(occ.n, 0), f.region
             FROM facility f
             LEFT JOIN (SELECT u.facility_id AS fid, sum(c.certified) AS certified,
                               sum(c.operational) AS operational, sum(c.maximum) AS maximum, count(*) AS cells
                        FROM cell c JOIN unit u ON u.id = c.unit_id
                        WHERE c.out_of_use IS NULL GROUP BY u.facility_id) cap ON cap.fid = f.id
             LEFT JOIN (SELECT facility_id AS fid, count(*) AS n FROM prisoner INDEXED BY prisoner_facility
                        WHERE in_custody = 1 AND facility_id IS NOT NULL GROUP BY facility_id) occ ON occ.fid = f.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((read_line(r)?, r.get::<_, String>(8)?)))?;
        let mut facilities = Vec::new();
        let mut regions: Vec<BoardLine> = Vec::new();
        let mut nation = Occupancy::default();
        for row in rows {
            let (mut line, region) = row?;
            nation.add(&line.occupancy);
            match regions.iter_mut().find(|r| r.name == region) {
                Some(r) => r.occupancy.add(&line.occupancy),
                None => regions.push(BoardLine {
                    id: 0,
                    code: region.clone(),
                    name: region.clone(),
                    region: region.clone(),
                    occupancy: line.occupancy,
                }),
            }
            line.region = region;
            facilities.push(line);
        }
        most_overcrowded_first(&mut facilities);
        most_overcrowded_first(&mut regions);
        Ok(Board {
            nation,
            regions,
            facilities,
        })
    }

    /// The units of a facility, most overcrowded first. Head count here is people in the unit's cells.
    pub fn unit_occupancy(&self, facility_id: i64) -> Result<Vec<BoardLine>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.id, u.code, u.name,
                    coalesce(sum(c.certified) FILTER (WHERE c.out_of_use IS NULL), 0),
                    coalesce(sum(c.operational) FILTER (WHERE c.out_of_use IS NULL), 0),
                    coalesce(sum(c.maximum) FILTER (WHERE c.out_of_use IS NULL), 0),
                    count(c.id) FILTER (WHERE c.out_of_use IS NULL),
                    coalesce(sum((SELECT count(*) FROM prisoner p WHERE p.cell_id = c.id AND p.in_custody = 1)), 0)
             FROM unit u LEFT JOIN cell c ON c.unit_id = u.id
             WHERE u.facility_id = ?1 GROUP BY u.id",
        )?;
        let rows = stmt.query_map([facility_id], read_line)?;
        let mut lines: Vec<BoardLine> = rows.collect::<rusqlite::Result<_>>()?;
        most_overcrowded_first(&mut lines);
        Ok(lines)
    }

    /// The cells of a unit, most overcrowded first. A cell out of use has no capacity but may still hold people.
    pub fn cell_occupancy(&self, unit_id: i64) -> Result<Vec<BoardLine>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.code, coalesce(c.out_of_use, ''),
                    CASE WHEN c.out_of_use IS NULL THEN c.certified ELSE 0 END,
                    CASE WHEN c.out_of_use IS NULL THEN c.operational ELSE 0 END,
                    CASE WHEN c.out_of_use IS NULL THEN c.maximum ELSE 0 END,
                    CASE WHEN c.out_of_use IS NULL THEN 1 ELSE 0 END,
                    (SELECT count(*) FROM prisoner p WHERE p.cell_id = c.id AND p.in_custody = 1)
             FROM cell c WHERE c.unit_id = ?1",
        )?;
        let rows = stmt.query_map([unit_id], read_line)?;
        let mut lines: Vec<BoardLine> = rows.collect::<rusqlite::Result<_>>()?;
        most_overcrowded_first(&mut lines);
        Ok(lines)
    }
}
