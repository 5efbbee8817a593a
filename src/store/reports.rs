//! What the reports read: every current placement checked against the hard rules at once (after an override,
//! a reclassification or a data load a placement can break one), from one pass over the estate.

use super::allocation::load_rules;
use super::non_associations::{NA_COLUMNS, read_na};
use super::{Result, Store, Within};
use crate::domain::allocate::{self, Breach, Context, KeepApart, Mover};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Someone whose cell breaks a hard rule for them today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementBreach {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub unit: String,
    pub cell: String,
    pub breaches: Vec<Breach>,
    /// Whether a final classification gave the custody level the rules used (else the policy's default).
    pub classified: bool,
}

impl PlacementBreach {
    /// Only the custody rule is broken, and only by the default level taken for someone not yet classified:
    /// a classification to do rather than a placement to undo.
    pub fn awaits_classification(&self) -> bool {
        !self.classified
            && self
                .breaches
                .iter()
                .all(|b| b.rule == crate::domain::allocate::HardRule::CustodyLevel)
    }
}

impl Store {
    /// Every person in a cell that breaks a hard rule for them, by facility, unit and cell.
    pub fn placement_breaches(&self, today: NaiveDate) -> Result<Vec<PlacementBreach>> {
        self.placement_breaches_within(Within::All, today)
    }

    /// The same for one facility (or unit, or cell): only its cells are read, not the whole estate's, which at
    /// the national size is the difference between a few hundred kilobytes and tens of megabytes.
    pub fn placement_breaches_within(
        &self,
        within: Within,
        today: NaiveDate,
    ) -> Result<Vec<PlacementBreach>> {
        let conn = self.conn();
        let candidates = self.candidate_cells(within, today)?;
        let rules = load_rules(conn)?;
        // Where each party to an open non-association is, so each one's keep-apart list can be built.
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, p.number || ' ' || p.family_name, p.facility_id, c.unit_id, p.cell_id
             FROM prisoner p LEFT JOIN cell c ON c.id = p.cell_id
             WHERE p.in_custody = 1 AND p.id IN (SELECT first_id FROM non_association WHERE closed_at IS NULL
                                                 UNION SELECT second_id FROM non_association WHERE closed_at IS NULL)",
        )?;
        type Whereabouts = (String, Option<i64>, Option<i64>, Option<i64>);
        let mut at: HashMap<i64, Whereabouts> = HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        })?;
        for row in rows {
            let (id, w) = row?;
            at.insert(id, w);
        }
        let mut keep_apart: HashMap<i64, Vec<KeepApart>> = HashMap::new();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {NA_COLUMNS} FROM non_association na WHERE na.closed_at IS NULL"
        ))?;
        for na in stmt.query_map([], read_na)? {
            let na = na?;
            if !na.active_on(today) {
                continue;
            }
            for (me, other) in [(na.first, na.second), (na.second, na.first)] {
                let Some((who, facility_id, unit_id, cell_id)) = at.get(&other) else {
                    continue;
                };
                keep_apart.entry(me).or_default().push(KeepApart {
                    other_id: other,
                    other: who.clone(),
                    scope: na.scope,
                    reason: na.reason,
                    facility_id: *facility_id,
                    unit_id: *unit_id,
                    cell_id: *cell_id,
                });
            }
        }
        // Each person's custody level from their newest final classification, in one pass (the last row wins).
        let mut custody: HashMap<i64, crate::domain::estate::SecurityLevel> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT prisoner_id, level FROM classification ORDER BY prisoner_id, finalised_at, id",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, level) = row?;
            if let Some(level) = crate::domain::estate::SecurityLevel::parse(&level) {
                custody.insert(id, level);
            }
        }
        let mut found = Vec::new();
        for (i, cell) in candidates.cells.iter().enumerate() {
            let Some(place) = candidates.place(i) else {
                continue;
            };
            for o in &cell.occupants {
                let mover = Mover {
                    id: o.prisoner_id,
                    sex: o.sex,
                    status: o.status,
                    age: o.age,
                    // Unclassified people fall under the policy's default, as the allocator treats them.
                    custody: custody.get(&o.prisoner_id).copied(),
                    vep: o.vep,
                    violent: o.violent,
                    vulnerable: o.vulnerable,
                    // Languages and home district only score; no hard rule reads them.
                    languages: Vec::new(),
                    home_district: String::new(),
                    facility_id: Some(place.facility.id),
                    cell_id: Some(cell.id),
                };
                let none = Vec::new();
                let ctx = Context {
                    rules: &rules,
                    keep_apart: keep_apart.get(&o.prisoner_id).unwrap_or(&none),
                };
                let breaches = allocate::explain_refusal(&mover, &candidates, i, &ctx);
                if !breaches.is_empty() {
                    found.push(PlacementBreach {
                        prisoner_id: o.prisoner_id,
                        number: String::new(),
                        name: String::new(),
                        facility: place.facility.code.clone(),
                        unit: place.unit.code.clone(),
                        cell: cell.code.clone(),
                        breaches,
                        classified: custody.contains_key(&o.prisoner_id),
                    });
                }
            }
        }
        // Numbers and names in one query, not one per person found: at the national size thousands are.
        let ids: Vec<i64> = found.iter().map(|f| f.prisoner_id).collect();
        let mut stmt = conn.prepare_cached(
            "SELECT id, number, family_name || CASE WHEN given_names = '' THEN '' ELSE ', ' || given_names END
             FROM prisoner WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let mut names: HashMap<i64, (String, String)> = HashMap::with_capacity(ids.len());
        let rows = stmt.query_map([super::to_json(&ids)], |r| {
            Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?)))
        })?;
        for row in rows {
            let (id, who) = row?;
            names.insert(id, who);
        }
        for f in &mut found {
            if let Some((number, name)) = names.remove(&f.prisoner_id) {
                (f.number, f.name) = (number, name);
            }
        }
        found.sort_by(|a, b| {
            (&a.facility, &a.unit, &a.cell, &a.number).cmp(&(
                &b.facility,
                &b.unit,
                &b.cell,
                &b.number,
            ))
        });
        Ok(found)
    }
}
