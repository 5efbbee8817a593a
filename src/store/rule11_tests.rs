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
        review_by: None,
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

#[test]
fn no_override_of_any_role_places_a_child_in_a_cell_with_adults() {
    use crate::domain::allocate::{AllocationRules, HardRule, MoveReason};
    use crate::domain::auth::Role;
    let mut f = fixture();
    for role in Role::ALL {
        if role != Role::Admin {
            f.store
                .add_user(&at(0), role.as_str(), role, "password1")
                .unwrap();
        }
    }
    let cell: i64 = f
        .store
        .conn()
        .query_row("SELECT id FROM cell WHERE code = 'A1'", [], |r| r.get(0))
        .unwrap();
    let mut man = person("LUZ/2026/00102", "Okello", "John", f.men);
    man.birth = BirthDate::YearOnly(1990);
    man.cell_id = Some(cell);
    f.store.admit(&at(1), &man).unwrap();
    let child = f
        .store
        .admit(&at(1), &boy("LUZ/2026/00103", f.men))
        .unwrap();
    // A policy stored before this check (or written past it) that lists Rule 11(d) as overridable.
    f.store
        .set_setting(
            &at(2),
            &crate::store::Setting::AllocationRules,
            "overridable = [\"young-adult\", \"sex\", \"custody-level\"]",
        )
        .unwrap();
    for role in Role::ALL {
        let actor = Actor::system(role.as_str(), at(3).at);
        let req = super::allocation::MoveRequest {
            prisoner_id: child,
            to_cell: cell,
            reason: MoveReason::Admission,
            comment: "no young unit here",
            override_reason: Some("best we can do tonight"),
            review_by: Some(at(3).at.date_naive() + chrono::Duration::days(7)),
            seen: None,
        };
        let e = f.store.move_to_cell(&actor, &req).unwrap_err();
        assert!(e.to_string().contains("Rule 11d"), "{role}: {e}");
        assert_eq!(
            f.store.prisoner(child).unwrap().unwrap().prisoner.cell_id,
            None
        );
    }
    // The policy cannot be stored that way through its own door.
    let rules = AllocationRules {
        overridable: vec![HardRule::YoungAdult],
        ..AllocationRules::default()
    };
    let e = f.store.set_allocation_rules(&at(4), &rules).unwrap_err();
    assert!(e.to_string().contains("11(d)"), "{e}");
}

#[test]
fn supervisors_are_alerted_to_children_too_young_or_without_a_young_unit_and_to_no_lawful_place() {
    use crate::domain::allocate::lawful::AlertKind;
    use crate::domain::estate::LegalStatus;
    let mut f = fixture();
    let today = at(0).at.date_naive();
    let born = |y, m, d| BirthDate::Exact(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    let men = f.men;
    let admit = |store: &mut Store, number: &str, birth, status, cell| {
        let mut p = person(number, "Ssebunya", "Brian", men);
        p.birth = birth;
        p.legal_status = status;
        p.cell_id = cell;
        store.admit(&at(1), &p).unwrap()
    };
    let boy = admit(
        &mut f.store,
        "LUZ/2026/00110",
        born(2009, 6, 1),
        LegalStatus::Remand,
        None,
    );
    let child = admit(
        &mut f.store,
        "LUZ/2026/00111",
        born(2015, 2, 1),
        LegalStatus::Remand,
        None,
    );
    let convicted = admit(
        &mut f.store,
        "LUZ/2026/00112",
        BirthDate::YearOnly(1980),
        LegalStatus::Convicted,
        None,
    );
    let alerts = f.store.custody_alerts(None, today).unwrap();
    let got: Vec<(i64, AlertKind, i32)> = alerts
        .iter()
        .map(|a| (a.prisoner_id, a.kind, a.age))
        .collect();
    assert_eq!(
        got,
        [
            (child, AlertKind::BelowMinAge, 11),
            (boy, AlertKind::NoYoungUnit, 17),
            (child, AlertKind::NoYoungUnit, 11),
            (convicted, AlertKind::NoLawfulPlace, 45),
        ]
    );
    // Admitted on 2026-11-20, counted on 2026-11-25.
    assert!(alerts.iter().all(|a| a.days == 5), "{alerts:?}");
    // The setting moves the age; a young unit there ends the children's facility alert.
    f.store
        .set_setting(&at(2), &crate::store::Setting::MinAgeInCustody, "10")
        .unwrap();
    let a = at(2);
    let young = f
        .store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: f.men,
                code: "Y".into(),
                name: "Young".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Young,
                legal_use: UnitUse::Any,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
    let cell = f
        .store
        .add_cell(
            &a,
            &Cell {
                id: 0,
                unit_id: young,
                code: "Y1".into(),
                certified: 2,
                operational: 2,
                maximum: 2,
                out_of_use: None,
            },
        )
        .unwrap();
    // Someone who turned 18 on 2026-01-10 and is still in the young unit: a review, with the days since.
    let turned = admit(
        &mut f.store,
        "LUZ/2026/00113",
        born(2008, 1, 10),
        LegalStatus::Remand,
        Some(cell),
    );
    let alerts = f.store.custody_alerts(None, today).unwrap();
    let got: Vec<(i64, AlertKind, i64)> = alerts
        .iter()
        .map(|a| (a.prisoner_id, a.kind, a.days))
        .collect();
    assert_eq!(
        got,
        [
            (convicted, AlertKind::NoLawfulPlace, 5),
            (turned, AlertKind::TurnedAdult, 319)
        ]
    );
    assert_eq!(f.store.custody_alerts(Some(f.women), today).unwrap(), []);

    // The supervisor's decision: refused without a reason or for someone not due; "move" keeps the review,
    // "stay" ends it; each is audited.
    use crate::domain::auth::Role;
    f.store
        .add_user(&at(0), "supervisor", Role::Supervisor, "password1")
        .unwrap();
    f.store
        .add_user(&at(0), "officer", Role::Officer, "password1")
        .unwrap();
    let sup = Actor::staff("supervisor", Role::Supervisor, at(3).at);
    let e = f
        .store
        .record_age_review(&sup, turned, true, "  ")
        .unwrap_err();
    assert!(e.to_string().starts_with("Reason: required"), "{e}");
    let e = f
        .store
        .record_age_review(&sup, boy, true, "settled")
        .unwrap_err();
    assert!(e.to_string().contains("no age review is due"), "{e}");
    let officer = Actor::staff("officer", Role::Officer, at(3).at);
    assert!(matches!(
        f.store.record_age_review(&officer, turned, true, "settled"),
        Err(StoreError::Refused(_))
    ));
    f.store
        .record_age_review(&sup, turned, false, "adult wing has a place")
        .unwrap();
    assert!(f.store.age_review_due(turned, f.men, today).unwrap());
    f.store
        .record_age_review(
            &sup,
            turned,
            true,
            "sitting exams in the young unit until March",
        )
        .unwrap();
    assert!(!f.store.age_review_due(turned, f.men, today).unwrap());
    let alerts = f.store.custody_alerts(None, today).unwrap();
    assert!(alerts.iter().all(|a| a.prisoner_id != turned), "{alerts:?}");
    let audited: i64 = f
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'age-review' AND entity_id = ?1",
            [turned.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
}

#[test]
fn a_child_held_without_a_cell_is_in_the_placements_and_mandela_reports() {
    use crate::print::{Format, Paper};
    use crate::report::{Kind, Params};
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &boy("LUZ/2026/00120", f.men))
        .unwrap();
    let waiting = f
        .store
        .held_without_a_cell(None, at(0).at.date_naive())
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (
            waiting[0].prisoner_id,
            waiting[0].age,
            waiting[0].days,
            waiting[0].lawful_place
        ),
        (id, 17, 5, false)
    );
    let text = |kind| {
        let doc = crate::report::build(&f.store, kind, &Params::new(at(0).at, "admin")).unwrap();
        String::from_utf8(crate::print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap()
    };
    let placements = text(Kind::Placements);
    let row = placements
        .lines()
        .find(|l| l.contains("LUZ/2026/00120"))
        .unwrap_or_else(|| panic!("{placements}"));
    assert!(
        row.contains("17 child") && row.contains(" 5 ") && row.contains("NONE"),
        "{row}"
    );
    let mandela = text(Kind::Mandela);
    let row = mandela
        .lines()
        .rfind(|l| l.starts_with("LUZ "))
        .unwrap_or_else(|| panic!("{mandela}"));
    // Waiting 1, no place 0 (the no-young-unit alert says it), no young unit 1, too young 0, review 0.
    let figures: Vec<&str> = row.split_whitespace().skip(1).collect();
    assert_eq!(figures, ["1", "0", "1", "0", "0"], "{mandela}");
    assert!(
        mandela.contains("Every figure above 0 is a breach"),
        "{mandela}"
    );
    // Occupancy of the facility counts him too, and says so.
    let mut params = Params::new(at(0).at, "admin");
    params.facility = f.store.facility(f.men).unwrap();
    let doc = crate::report::build(&f.store, Kind::Overcrowding, &params).unwrap();
    let text =
        String::from_utf8(crate::print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap();
    let row = text
        .lines()
        .find(|l| l.contains("Waiting, no cell"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(row.split_whitespace().last(), Some("1"), "{row}");
    let total = text.lines().find(|l| l.contains("All units")).unwrap();
    let held: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(held[held.len() - 2], "1", "{total}");
    assert!(text.contains("those waiting for a cell"), "{text}");
}
