//! The property: for random estates and populations, no suggestion breaks a hard rule.

use super::*;
use crate::domain::estate::{AgeGroup, FacilityKind, LegalStatus, SecurityLevel, Sex, UnitSex};
use crate::domain::non_association::{NaReason, NaScope};
use proptest::prelude::*;

fn pick<T: Copy>(items: &[T], i: usize) -> T {
    items[i % items.len()]
}

const SEXES: [Sex; 2] = [Sex::Male, Sex::Female];
const UNIT_SEXES: [UnitSex; 2] = [UnitSex::Male, UnitSex::Female];
const AGES: [AgeGroup; 2] = [AgeGroup::Adult, AgeGroup::Young];
const SCOPES: [NaScope; 3] = [NaScope::Cell, NaScope::Unit, NaScope::Facility];

#[derive(Debug, Clone)]
struct World {
    candidates: Candidates,
    mover: Mover,
    keep_apart: Vec<KeepApart>,
}

fn world() -> impl Strategy<Value = World> {
    let facilities = prop::collection::vec((0..4usize, 0..3usize), 1..4);
    let units = prop::collection::vec(
        (0..8usize, 0..2usize, 0..2usize, 0..5usize, 0..4usize),
        1..8,
    );
    let cells = prop::collection::vec(
        (
            0..16usize,
            1..4u32,
            0..3u32,
            0..3u32,
            prop::bool::weighted(0.1),
        ),
        1..24,
    );
    let occupants = prop::collection::vec(
        (
            0..48usize,
            0..2usize,
            0..4usize,
            0..2usize,
            any::<bool>(),
            any::<bool>(),
            0..3u32,
        ),
        0..60,
    );
    let mover = (
        0..2usize,
        0..4usize,
        0..2usize,
        0..5usize,
        any::<bool>(),
        any::<bool>(),
        0..64usize,
    );
    let keep = prop::collection::vec((0..64usize, 0..3usize), 0..4);
    (facilities, units, cells, occupants, mover, keep).prop_map(|(fs, us, cs, os, mv, ks)| {
        let mut c = Candidates::default();
        let sets = [
            c.language_set(["Luganda"]),
            c.language_set(["Swahili"]),
            c.language_set(["English", "Luganda"]),
        ];
        for (i, (kind, region)) in fs.iter().enumerate() {
            c.facilities.push(FacilityInfo {
                id: 100 + i as i64,
                code: format!("F{i}"),
                name: format!("Facility {i}"),
                region: ["Central", "Northern", "Eastern"][*region].into(),
                kind: FacilityKind::ALL[*kind],
            });
        }
        for (i, (f, sex, age, use_, sec)) in us.iter().enumerate() {
            c.units.push(UnitInfo {
                id: 10 + i as i64,
                facility: f % fs.len(),
                code: format!("U{i}"),
                sex: pick(&UNIT_SEXES, *sex),
                age_group: pick(&AGES, *age),
                legal_use: UnitUse::ALL[*use_],
                security: SecurityLevel::ALL[*sec],
            });
        }
        for (i, (u, cert, op, max, out)) in cs.iter().enumerate() {
            c.cells.push(CellInfo {
                id: 1000 + i as i64,
                unit: u % us.len(),
                code: format!("C{i}"),
                certified: *cert,
                operational: cert + op,
                maximum: cert + op + max,
                out_of_use: out.then(|| "repairs".to_string()),
                occupants: Vec::new(),
            });
        }
        let mut placed = Vec::new();
        for (i, (cell, sex, status, age, vep, vulnerable, langs)) in os.iter().enumerate() {
            let cell = cell % cs.len();
            let id = 2 + i as i64;
            c.cells[cell].occupants.push(Occupant {
                prisoner_id: id,
                sex: pick(&SEXES, *sex),
                status: LegalStatus::ALL[*status],
                age: pick(&AGES, *age),
                vep: *vep,
                violent: *vep,
                vulnerable: *vulnerable,
                languages: sets[*langs as usize],
            });
            placed.push((id, cell));
        }
        let (sex, status, age, custody, vep, vulnerable, slot) = mv;
        // Sometimes the mover is already one of the occupants (a move), sometimes new (an admission).
        let (id, cell_id) = match placed.get(slot) {
            Some(&(id, cell)) if slot % 2 == 0 => (id, Some(c.cells[cell].id)),
            _ => (1, None),
        };
        let mover = Mover {
            id,
            sex: pick(&SEXES, sex),
            status: LegalStatus::ALL[status],
            age: pick(&AGES, age),
            custody: SecurityLevel::ALL.get(custody).copied(),
            vep,
            violent: vep,
            vulnerable,
            languages: vec!["Luganda".into()],
            home_district: "Wakiso".into(),
            facility_id: None,
            cell_id,
        };
        let keep_apart = ks
            .iter()
            .filter_map(|(who, scope)| {
                let &(other, cell) = placed.get(who % placed.len().max(1))?;
                let unit = c.cells[cell].unit;
                Some(KeepApart {
                    other_id: other,
                    other: format!("P{other}"),
                    scope: pick(&SCOPES, *scope),
                    reason: NaReason::Threat,
                    facility_id: Some(c.facilities[c.units[unit].facility].id),
                    unit_id: Some(c.units[unit].id),
                    cell_id: Some(c.cells[cell].id),
                })
            })
            .filter(|k| k.other_id != id)
            .collect();
        World {
            candidates: c,
            mover,
            keep_apart,
        }
    })
}

/// The rules restated from first principles, on the raw data, without the functions under test.
fn breaks_a_rule(w: &World, cell: usize, rules: &AllocationRules) -> bool {
    let c = &w.candidates;
    let m = &w.mover;
    let cell = &c.cells[cell];
    let unit = &c.units[cell.unit];
    let facility = &c.facilities[unit.facility];
    let others: Vec<&Occupant> = cell
        .occupants
        .iter()
        .filter(|o| o.prisoner_id != m.id)
        .collect();
    let unit_sex_ok = matches!(
        (unit.sex, m.sex),
        (UnitSex::Male, Sex::Male) | (UnitSex::Female, Sex::Female)
    );
    let facility_ok = match facility.kind {
        FacilityKind::Men => m.sex == Sex::Male,
        FacilityKind::Women => m.sex == Sex::Female,
        FacilityKind::Juvenile => m.age == AgeGroup::Young,
        FacilityKind::Mixed => true,
    };
    let use_ok = unit.legal_use == UnitUse::Any || unit.legal_use.as_str() == m.status.as_str();
    let custody = m.custody.unwrap_or(rules.unclassified_custody);
    !facility_ok
        || !unit_sex_ok
        || unit.age_group != m.age
        || !use_ok
        || others
            .iter()
            .any(|o| o.sex != m.sex || o.age != m.age || o.status != m.status)
        || unit.security < custody
        || cell.out_of_use.is_some()
        || others.len() as u32 >= cell.maximum
        || w.keep_apart.iter().any(|k| match k.scope {
            NaScope::Cell => k.cell_id == Some(cell.id),
            NaScope::Unit => k.unit_id == Some(unit.id),
            NaScope::Facility => k.facility_id == Some(facility.id),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn suggestions_never_break_a_hard_rule(w in world()) {
        let rules = AllocationRules::default();
        let ctx = Context { rules: &rules, keep_apart: &w.keep_apart };
        let suggested = rank(&w.mover, &w.candidates, &ctx);
        for s in &suggested {
            prop_assert!(!breaks_a_rule(&w, s.cell, &rules), "cell {} suggested: {:?}", s.cell_id, w);
            prop_assert!(explain_refusal(&w.mover, &w.candidates, s.cell, &ctx).is_empty());
            prop_assert!(w.mover.cell_id != Some(s.cell_id));
        }
        // And nothing is lost: every other cell is refused with at least one reason.
        for (i, cell) in w.candidates.cells.iter().enumerate() {
            if w.mover.cell_id == Some(cell.id) || suggested.iter().any(|s| s.cell == i) {
                continue;
            }
            prop_assert!(breaks_a_rule(&w, i, &rules), "cell {} refused but fits", cell.id);
            prop_assert!(!explain_refusal(&w.mover, &w.candidates, i, &ctx).is_empty());
        }
        for pair in suggested.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score);
        }
    }
}
