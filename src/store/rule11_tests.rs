//! Rule 11 at the facility and the cell (issue 17): transfers refused where no unit may hold the person,
//! children recorded wherever they arrive but never placed with adults, whatever the role or the policy.

use super::tests::{at, fixture, person};
use super::*;
use crate::domain::estate::*;
use crate::domain::prisoner::BirthDate;
use chrono::NaiveDate;

fn when() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// A mixed facility with the given units (men's, medium security), each with one cell of four.
fn facility_with(store: &mut Store, code: &str, units: &[(AgeGroup, UnitUse)]) -> (i64, Vec<i64>) {
    let a = at(0);
    let id = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: code.into(),
                name: format!("{code} Prison"),
                region: "Eastern".into(),
                kind: FacilityKind::Mixed,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let mut cells = Vec::new();
    for (i, (age, use_)) in units.iter().enumerate() {
        let unit = store
            .add_unit(
                &a,
                &Unit {
                    id: 0,
                    facility_id: id,
                    code: format!("U{i}"),
                    name: format!("Unit {i}"),
                    sex: UnitSex::Male,
                    age_group: *age,
                    legal_use: *use_,
                    security: SecurityLevel::Maximum,
                },
            )
            .unwrap();
        cells.push(
            store
                .add_cell(
                    &a,
                    &Cell {
                        id: 0,
                        unit_id: unit,
                        code: format!("U{i}-1"),
                        certified: 4,
                        operational: 4,
                        maximum: 4,
                        out_of_use: None,
                    },
                )
                .unwrap(),
        );
    }
    (id, cells)
}

fn boy(number: &str, facility: i64) -> crate::domain::prisoner::Prisoner {
    let mut p = person(number, "Ssebunya", "Brian", facility);
    p.birth = BirthDate::Exact(NaiveDate::from_ymd_opt(2009, 6, 1).unwrap());
    p
}

#[test]
fn the_transfer_of_a_child_to_an_adult_only_prison_is_refused_naming_rule_11d() {
    let mut f = fixture();
    let (adult_only, _) = facility_with(
        &mut f.store,
        "MUK01",
        &[
            (AgeGroup::Adult, UnitUse::Remand),
            (AgeGroup::Adult, UnitUse::Convicted),
        ],
    );
    let id = f
        .store
        .admit(&at(1), &boy("LUZ/2026/00100", f.men))
        .unwrap();
    let e = f
        .store
        .transfer(
            &at(2),
            id,
            adult_only,
            "Commissioner",
            "decongestion",
            when(),
        )
        .unwrap_err();
    let said = e.to_string();
    assert!(said.starts_with("To facility: MUK01"), "{said}");
    assert!(said.contains("Rule 11d"), "{said}");
    let row = f.store.prisoner(id).unwrap().unwrap().prisoner;
    assert_eq!(row.facility_id, Some(f.men), "nothing written");
    assert_eq!(f.store.events(id).unwrap().len(), 1, "only the admission");

    // The same through transfer-and-place into one of its cells.
    let (juv, cells) = facility_with(&mut f.store, "JUV", &[(AgeGroup::Young, UnitUse::Remand)]);
    let (_, adult_cells) =
        facility_with(&mut f.store, "MUK02", &[(AgeGroup::Adult, UnitUse::Remand)]);
    let req = |cell| super::allocation::MoveRequest {
        prisoner_id: id,
        to_cell: cell,
        reason: crate::domain::allocate::MoveReason::Transfer,
        comment: "nearer the court",
        override_reason: None,
        seen: None,
    };
    let e = f
        .store
        .transfer_to_cell(&at(3), &req(adult_cells[0]), "Commissioner")
        .unwrap_err();
    assert!(e.to_string().contains("Rule 11d"), "{e}");
    // A facility with a young remand unit takes him.
    f.store
        .transfer_to_cell(&at(4), &req(cells[0]), "Commissioner")
        .unwrap();
    let row = f.store.prisoner(id).unwrap().unwrap().prisoner;
    assert_eq!((row.facility_id, row.cell_id), (Some(juv), Some(cells[0])));
}

#[test]
fn a_transfer_needs_a_unit_for_the_legal_status_and_any_units_at_all() {
    let mut f = fixture();
    let (convicted_only, _) = facility_with(
        &mut f.store,
        "CON",
        &[(AgeGroup::Adult, UnitUse::Convicted)],
    );
    let (bare, _) = facility_with(&mut f.store, "NEW", &[]);
    let (any, _) = facility_with(&mut f.store, "ANY", &[(AgeGroup::Adult, UnitUse::Any)]);
    let man = person("LUZ/2026/00101", "Okello", "John", f.men);
    let id = f.store.admit(&at(1), &man).unwrap();
    let e = f
        .store
        .transfer(&at(2), id, convicted_only, "Commissioner", "x", when())
        .unwrap_err();
    assert!(e.to_string().contains("Rule 11b"), "{e}");
    let e = f
        .store
        .transfer(&at(2), id, bare, "Commissioner", "x", when())
        .unwrap_err();
    assert!(e.to_string().contains("no units"), "{e}");
    let e = f
        .store
        .transfer(&at(2), id, f.women, "Commissioner", "x", when())
        .unwrap_err();
    assert!(e.to_string().contains("Rule 11a"), "{e}");
    f.store
        .transfer(&at(2), id, any, "Commissioner", "x", when())
        .unwrap();
}
