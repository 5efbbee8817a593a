//! What loading an estate file would do to the stored estate: match by code, create what is new, update what
//! differs, leave the rest; never delete. Pure: the store supplies what exists and carries the plan out.

use super::estate::{Cell, Facility, Unit};
use super::estate_file::{EstateFile, FileError};
use std::collections::BTreeMap;

/// The stored estate, as plain rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExistingEstate {
    pub facilities: Vec<Facility>,
    pub units: Vec<Unit>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    Create(T),
    Update { before: T, after: T },
    Unchanged(T),
}

impl<T> Change<T> {
    /// The value as it will be after the load.
    pub fn after(&self) -> &T {
        match self {
            Change::Create(v) | Change::Unchanged(v) | Change::Update { after: v, .. } => v,
        }
    }

    fn between(before: Option<T>, after: T, same: impl Fn(&T, &T) -> bool) -> Change<T> {
        match before {
            None => Change::Create(after),
            Some(b) if same(&b, &after) => Change::Unchanged(b),
            Some(b) => Change::Update { before: b, after },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitPlan {
    pub change: Change<Unit>,
    pub cells: Vec<Change<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacilityPlan {
    pub change: Change<Facility>,
    pub units: Vec<UnitPlan>,
}

/// Every change a load would make, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub facilities: Vec<FacilityPlan>,
}

/// How many entries at one level are created, updated and left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
}

impl Tally {
    pub fn count<T>(&mut self, change: &Change<T>) {
        match change {
            Change::Create(_) => self.create += 1,
            Change::Update { .. } => self.update += 1,
            Change::Unchanged(_) => self.unchanged += 1,
        }
    }

    pub fn changes(&self) -> usize {
        self.create + self.update
    }
}

impl Plan {
    /// Tallies for facilities, units and cells.
    pub fn tallies(&self) -> [Tally; 3] {
        let mut t = [Tally::default(); 3];
        for f in &self.facilities {
            t[0].count(&f.change);
            for u in &f.units {
                t[1].count(&u.change);
                for c in &u.cells {
                    t[2].count(c);
                }
            }
        }
        t
    }
}

/// Matches the file against what is stored. Ids of stored rows are kept; new rows have id 0 and their parent's
/// id is filled in when they are written. A facility whose kind changes must still admit the units it keeps.
pub fn plan(file: &EstateFile, existing: &ExistingEstate) -> Result<Plan, Vec<FileError>> {
    let facilities: BTreeMap<&str, &Facility> = existing
        .facilities
        .iter()
        .map(|f| (f.code.as_str(), f))
        .collect();
    let mut units: BTreeMap<(i64, &str), &Unit> = BTreeMap::new();
    let mut units_of: BTreeMap<i64, Vec<&Unit>> = BTreeMap::new();
    for u in &existing.units {
        units.insert((u.facility_id, u.code.as_str()), u);
        units_of.entry(u.facility_id).or_default().push(u);
    }
    let cells: BTreeMap<(i64, &str), &Cell> = existing
        .cells
        .iter()
        .map(|c| ((c.unit_id, c.code.as_str()), c))
        .collect();

    let mut errors = Vec::new();
    let mut out = Plan::default();
    for f in &file.facilities {
        let stored = facilities.get(f.facility.value.code.as_str()).copied();
        let facility_id = stored.map_or(0, |s| s.id);
        let after = Facility {
            id: facility_id,
            ..f.facility.value.clone()
        };
        if let Some(s) = stored
            && s.kind != after.kind
        {
            // Units not in the file stay as stored; the new kind must still allow them (Rule 11a).
            for kept in units_of.get(&s.id).into_iter().flatten() {
                let in_file = f.units.iter().any(|u| u.unit.value.code == kept.code);
                if !in_file && let Err(m) = after.admits_unit(kept) {
                    errors.push(FileError {
                        pos: f.facility.at("kind"),
                        field: Some("kind".into()),
                        message: format!(
                            "facility {}: cannot become {} while stored unit {} ({} {}) stays in it: {m}",
                            after.code, after.kind, kept.code, kept.sex, kept.age_group
                        ),
                    });
                }
            }
        }
        let mut unit_plans = Vec::new();
        for u in &f.units {
            let stored = (facility_id != 0)
                .then(|| {
                    units
                        .get(&(facility_id, u.unit.value.code.as_str()))
                        .copied()
                })
                .flatten();
            let unit_id = stored.map_or(0, |s| s.id);
            let after = Unit {
                id: unit_id,
                facility_id,
                ..u.unit.value.clone()
            };
            let cell_plans = u
                .cells
                .iter()
                .map(|c| {
                    let stored = (unit_id != 0)
                        .then(|| cells.get(&(unit_id, c.value.code.as_str())).copied())
                        .flatten();
                    let after = Cell {
                        id: stored.map_or(0, |s| s.id),
                        unit_id,
                        ..c.value.clone()
                    };
                    Change::between(stored.cloned(), after, |a, b| a == b)
                })
                .collect();
            unit_plans.push(UnitPlan {
                change: Change::between(stored.cloned(), after, |a, b| a == b),
                cells: cell_plans,
            });
        }
        out.facilities.push(FacilityPlan {
            change: Change::between(stored.cloned(), after, |a, b| a == b),
            units: unit_plans,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn quoted(s: &str) -> String {
    format!("'{}'", super::text::display(s))
}

/// What changed in a facility, one "field: old -> new" per difference.
pub fn facility_diff(a: &Facility, b: &Facility) -> Vec<String> {
    let mut d = Vec::new();
    if a.name != b.name {
        d.push(format!("name {} -> {}", quoted(&a.name), quoted(&b.name)));
    }
    if a.region != b.region {
        d.push(format!(
            "region {} -> {}",
            quoted(&a.region),
            quoted(&b.region)
        ));
    }
    if a.kind != b.kind {
        d.push(format!("kind {} -> {}", a.kind, b.kind));
    }
    if a.security != b.security {
        d.push(format!("security {} -> {}", a.security, b.security));
    }
    d
}

pub fn unit_diff(a: &Unit, b: &Unit) -> Vec<String> {
    let mut d = Vec::new();
    if a.name != b.name {
        d.push(format!("name {} -> {}", quoted(&a.name), quoted(&b.name)));
    }
    if a.sex != b.sex {
        d.push(format!("sex {} -> {}", a.sex, b.sex));
    }
    if a.age_group != b.age_group {
        d.push(format!("age_group {} -> {}", a.age_group, b.age_group));
    }
    if a.legal_use != b.legal_use {
        d.push(format!("legal_use {} -> {}", a.legal_use, b.legal_use));
    }
    if a.security != b.security {
        d.push(format!("security {} -> {}", a.security, b.security));
    }
    d
}

pub fn cell_diff(a: &Cell, b: &Cell) -> Vec<String> {
    let mut d = Vec::new();
    for (field, x, y) in [
        ("certified", a.certified, b.certified),
        ("operational", a.operational, b.operational),
        ("maximum", a.maximum, b.maximum),
    ] {
        if x != y {
            d.push(format!("{field} {x} -> {y}"));
        }
    }
    if a.out_of_use != b.out_of_use {
        let show = |o: &Option<String>| o.as_deref().map_or("in use".to_string(), quoted);
        d.push(format!(
            "out_of_use {} -> {}",
            show(&a.out_of_use),
            show(&b.out_of_use)
        ));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::estate::{AgeGroup, FacilityKind, SecurityLevel, UnitSex, UnitUse};
    use crate::domain::estate_file::parse_toml;

    const FILE: &str = r#"
[[facility]]
code = "LUZ"
name = "Luzira Upper"
region = "Central"
kind = "mixed"
security = "maximum"

[[facility.unit]]
code = "A"
name = "Remand wing"
sex = "male"
age_group = "adult"
legal_use = "remand"
security = "maximum"

[[facility.unit.cells]]
prefix = "A-"
from = 1
to = 3
certified = 2
operational = 4
maximum = 6
"#;

    fn stored() -> ExistingEstate {
        ExistingEstate {
            facilities: vec![Facility {
                id: 7,
                code: "LUZ".into(),
                name: "Luzira".into(),
                region: "Central".into(),
                kind: FacilityKind::Mixed,
                security: SecurityLevel::Maximum,
            }],
            units: vec![
                Unit {
                    id: 70,
                    facility_id: 7,
                    code: "A".into(),
                    name: "Remand wing".into(),
                    sex: UnitSex::Male,
                    age_group: AgeGroup::Adult,
                    legal_use: UnitUse::Remand,
                    security: SecurityLevel::Maximum,
                },
                Unit {
                    id: 71,
                    facility_id: 7,
                    code: "F".into(),
                    name: "Female wing".into(),
                    sex: UnitSex::Female,
                    age_group: AgeGroup::Adult,
                    legal_use: UnitUse::Any,
                    security: SecurityLevel::Medium,
                },
            ],
            cells: vec![Cell {
                id: 700,
                unit_id: 70,
                code: "A-01".into(),
                certified: 2,
                operational: 4,
                maximum: 6,
                out_of_use: None,
            }],
        }
    }

    #[test]
    fn matching_by_code_creates_updates_and_leaves_alone() {
        let file = parse_toml(FILE).unwrap();
        let empty = plan(&file, &ExistingEstate::default()).unwrap();
        let [f, u, c] = empty.tallies();
        assert_eq!((f.create, u.create, c.create), (1, 1, 3));

        let p = plan(&file, &stored()).unwrap();
        let [f, u, c] = p.tallies();
        assert_eq!((f.update, u.unchanged, c.unchanged, c.create), (1, 1, 1, 2));
        let Change::Update { before, after } = &p.facilities[0].change else {
            panic!("{:?}", p.facilities[0].change)
        };
        assert_eq!(after.id, 7);
        assert_eq!(
            facility_diff(before, after),
            ["name 'Luzira' -> 'Luzira Upper'"]
        );
        // New cells in a stored unit already know their unit.
        assert!(matches!(&p.facilities[0].units[0].cells[1], Change::Create(c) if c.unit_id == 70));
    }

    #[test]
    fn a_kind_change_must_still_admit_the_units_that_stay() {
        let file = parse_toml(&FILE.replace("\"mixed\"", "\"men\"")).unwrap();
        let errors = plan(&file, &stored()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pos.line, 6);
        assert!(
            errors[0].message.contains("stored unit F"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn diffs_name_each_changed_field() {
        let a = stored().cells[0].clone();
        let b = Cell {
            certified: 3,
            out_of_use: Some("roof".into()),
            ..a.clone()
        };
        assert_eq!(
            cell_diff(&a, &b),
            ["certified 2 -> 3", "out_of_use in use -> 'roof'"]
        );
    }
}
