//! A test per hard rule and per soft preference (the property over random estates is in `props.rs`).

use super::*;
use crate::domain::estate::{AgeGroup, FacilityKind, LegalStatus, SecurityLevel, Sex, UnitSex};
use crate::domain::non_association::{NaReason, NaScope};

fn mover() -> Mover {
    Mover {
        id: 1,
        sex: Sex::Male,
        status: LegalStatus::Remand,
        age: AgeGroup::Adult,
        custody: Some(SecurityLevel::Medium),
        vep: false,
        violent: false,
        vulnerable: false,
        languages: vec!["Luganda".into()],
        home_district: "Wakiso".into(),
        facility_id: Some(100),
        cell_id: None,
    }
}

fn occupant(id: i64) -> Occupant {
    Occupant {
        prisoner_id: id,
        sex: Sex::Male,
        status: LegalStatus::Remand,
        age: AgeGroup::Adult,
        vep: false,
        violent: false,
        vulnerable: false,
        languages: 0,
    }
}

/// One men's facility in the Central region with one adult remand unit of medium security and `cells` cells of
/// certified 2, operational 3, maximum 4.
fn estate(cells: usize) -> Candidates {
    let mut c = Candidates::default();
    c.language_set(["Luganda"]);
    c.facilities.push(FacilityInfo {
        id: 100,
        code: "LUZ".into(),
        name: "Luzira".into(),
        region: "Central".into(),
        kind: FacilityKind::Men,
    });
    c.units.push(UnitInfo {
        id: 10,
        facility: 0,
        code: "A".into(),
        sex: UnitSex::Male,
        age_group: AgeGroup::Adult,
        legal_use: UnitUse::Remand,
        security: SecurityLevel::Medium,
    });
    for i in 0..cells {
        c.cells.push(CellInfo {
            id: 1000 + i as i64,
            unit: 0,
            code: format!("A-{:02}", i + 1),
            certified: 2,
            operational: 3,
            maximum: 4,
            out_of_use: None,
            occupants: Vec::new(),
        });
    }
    c
}

fn rules() -> AllocationRules {
    let mut r = AllocationRules::default();
    r.home_regions.insert("Wakiso".into(), "Central".into());
    r.home_regions.insert("Gulu".into(), "Northern".into());
    r
}

fn breaches(m: &Mover, c: &Candidates, keep: &[KeepApart]) -> Vec<Breach> {
    let rules = rules();
    explain_refusal(
        m,
        c,
        0,
        &Context {
            rules: &rules,
            keep_apart: keep,
        },
    )
}

fn only(m: &Mover, c: &Candidates) -> (HardRule, String) {
    let b = breaches(m, c, &[]);
    assert_eq!(b.len(), 1, "{b:?}");
    (b[0].rule, b[0].reason.clone())
}

fn suggestions(m: &Mover, c: &Candidates, rules: &AllocationRules) -> Vec<Suggestion> {
    rank(
        m,
        c,
        &Context {
            rules,
            keep_apart: &[],
        },
    )
}

#[test]
fn a_fitting_empty_cell_breaks_no_rule() {
    assert!(breaches(&mover(), &estate(1), &[]).is_empty());
}

#[test]
fn sex_separation_by_facility_unit_and_cellmate() {
    let mut m = mover();
    m.sex = Sex::Female;
    let c = estate(1);
    assert_eq!(
        only(&m, &c),
        (HardRule::Sex, "Luzira holds men only (Rule 11a)".into())
    );
    let mut c = estate(1);
    c.facilities[0].kind = FacilityKind::Mixed;
    assert_eq!(only(&m, &c).1, "unit A is for men (Rule 11a)");
    c.units[0].sex = UnitSex::Female;
    c.cells[0].occupants.push(occupant(2));
    assert_eq!(only(&m, &c).1, "the cell holds a man (Rule 11a)");
}

#[test]
fn untried_and_convicted_apart_by_unit_and_by_cell_in_any_units() {
    let mut m = mover();
    m.status = LegalStatus::Convicted;
    let mut c = estate(1);
    assert_eq!(
        only(&m, &c),
        (
            HardRule::UntriedConvicted,
            "unit A is for remand prisoners; untried and convicted are kept apart (Rule 11b)"
                .into()
        )
    );
    c.units[0].legal_use = UnitUse::Any;
    assert!(breaches(&m, &c, &[]).is_empty());
    c.cells[0].occupants.push(occupant(2));
    let (rule, reason) = only(&m, &c);
    assert_eq!(rule, HardRule::UntriedConvicted);
    assert!(
        reason.starts_with("the cell holds a remand prisoner"),
        "{reason}"
    );
}

#[test]
fn civil_and_immigration_apart_from_criminal() {
    let mut m = mover();
    m.status = LegalStatus::Civil;
    let mut c = estate(1);
    let (rule, reason) = only(&m, &c);
    assert_eq!(rule, HardRule::CivilCriminal);
    assert!(reason.ends_with("(Rule 11c)"), "{reason}");
    c.units[0].legal_use = UnitUse::Any;
    let mut o = occupant(2);
    o.status = LegalStatus::Immigration;
    c.cells[0].occupants.push(o);
    assert_eq!(only(&m, &c).0, HardRule::CivilCriminal);
    c.cells[0].occupants[0].status = LegalStatus::Civil;
    assert!(breaches(&m, &c, &[]).is_empty());
    assert_eq!(
        status_clash(LegalStatus::Remand, LegalStatus::Convicted),
        Some(HardRule::UntriedConvicted)
    );
    assert_eq!(
        status_clash(LegalStatus::Immigration, LegalStatus::Remand),
        Some(HardRule::CivilCriminal)
    );
}

#[test]
fn young_apart_from_adults() {
    let mut m = mover();
    m.age = AgeGroup::Young;
    let mut c = estate(1);
    assert_eq!(
        only(&m, &c),
        (
            HardRule::YoungAdult,
            "unit A is for adults (Rule 11d)".into()
        )
    );
    c.units[0].age_group = AgeGroup::Young;
    c.cells[0].occupants.push(occupant(2));
    assert_eq!(only(&m, &c).1, "the cell holds an adult (Rule 11d)");
    let mut adult = mover();
    adult.age = AgeGroup::Adult;
    c.facilities[0].kind = FacilityKind::Juvenile;
    c.units[0].age_group = AgeGroup::Adult;
    c.cells[0].occupants.clear();
    assert_eq!(
        only(&adult, &c).1,
        "Luzira holds young prisoners only (Rule 11d)"
    );
}

#[test]
fn custody_level_above_the_unit_is_refused_and_unclassified_is_taken_as_medium() {
    let mut m = mover();
    m.custody = Some(SecurityLevel::Close);
    let mut c = estate(1);
    assert_eq!(
        only(&m, &c),
        (
            HardRule::CustodyLevel,
            "unit A is medium-security; custody level close".into()
        )
    );
    m.custody = None;
    assert!(breaches(&m, &c, &[]).is_empty());
    c.units[0].security = SecurityLevel::Minimum;
    assert_eq!(
        only(&m, &c).1,
        "unit A is minimum-security; not yet classified, taken as medium"
    );
}

#[test]
fn cells_out_of_use_or_at_the_absolute_maximum_are_refused() {
    let m = mover();
    let mut c = estate(1);
    c.cells[0].out_of_use = Some("roof leaking".into());
    assert_eq!(
        only(&m, &c),
        (
            HardRule::OutOfUse,
            "cell A-01 is out of use: roof leaking".into()
        )
    );
    let mut c = estate(1);
    for id in 2..6 {
        c.cells[0].occupants.push(occupant(id));
    }
    assert_eq!(
        only(&m, &c),
        (
            HardRule::AbsoluteMaximum,
            "cell A-01 is full: 4 held, absolute maximum 4".into()
        )
    );
    // The person already in the cell does not count against it.
    c.cells[0].occupants[0].prisoner_id = m.id;
    assert!(breaches(&m, &c, &[]).is_empty());
}

#[test]
fn a_non_association_applies_within_its_scope_only() {
    let m = mover();
    let c = estate(1);
    let mut k = KeepApart {
        other_id: 9,
        other: "LUZ/2026/00009 Opio".into(),
        scope: NaScope::Cell,
        reason: NaReason::Violence,
        facility_id: Some(100),
        unit_id: Some(10),
        cell_id: Some(1999),
    };
    assert!(breaches(&m, &c, std::slice::from_ref(&k)).is_empty());
    k.scope = NaScope::Unit;
    let b = breaches(&m, &c, std::slice::from_ref(&k));
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].rule, HardRule::NonAssociation);
    assert_eq!(
        b[0].reason,
        "kept apart: LUZ/2026/00009 Opio is in the same unit (violence)"
    );
    assert!(b[0].overridable, "overridable by default");
    k.unit_id = Some(11);
    assert!(breaches(&m, &c, std::slice::from_ref(&k)).is_empty());
    k.scope = NaScope::Facility;
    assert_eq!(breaches(&m, &c, &[k]).len(), 1);
}

#[test]
fn every_breach_is_listed_and_overridable_only_as_configured() {
    let mut m = mover();
    m.sex = Sex::Female;
    m.status = LegalStatus::Convicted;
    m.custody = Some(SecurityLevel::Maximum);
    let mut c = estate(1);
    c.cells[0].out_of_use = Some("repairs".into());
    let b = breaches(&m, &c, &[]);
    let rules: Vec<_> = b.iter().map(|b| b.rule).collect();
    assert_eq!(
        rules,
        vec![
            HardRule::Sex,
            HardRule::UntriedConvicted,
            HardRule::CustodyLevel,
            HardRule::OutOfUse
        ]
    );
    assert!(!overridable(&b));
    assert!(overridable(&b[2..3]));
}

#[test]
fn suggestions_leave_out_refused_cells_and_the_current_cell() {
    let mut m = mover();
    let mut c = estate(3);
    c.cells[1].out_of_use = Some("repairs".into());
    m.cell_id = Some(1002);
    let s = suggestions(&m, &c, &rules());
    assert_eq!(s.iter().map(|s| s.cell_id).collect::<Vec<_>>(), vec![1000]);
}

#[test]
fn emptier_cells_rank_first_and_going_over_operational_costs_more() {
    let m = mover();
    let mut c = estate(3);
    c.cells[0].occupants = vec![occupant(2), occupant(3)];
    c.cells[1].occupants = vec![occupant(4)];
    let s = suggestions(&m, &c, &rules());
    assert_eq!(
        s.iter().map(|s| s.cell_id).collect::<Vec<_>>(),
        vec![1002, 1001, 1000]
    );
    assert!(s[0].reasons.iter().any(|f| f.reason == Reason::EmptyCell));
    let full = &s[2];
    assert!(
        full.reasons
            .iter()
            .any(|f| f.to_string() == "-60 3 in a cell certified for 2 (150%)"),
        "{:?}",
        full.reasons
    );
    // 3 is the operational capacity: not over it yet.
    assert!(
        !full
            .reasons
            .iter()
            .any(|f| matches!(f.reason, Reason::OverOperational { .. }))
    );
    c.cells[0].occupants.push(occupant(5));
    let s = suggestions(&m, &c, &rules());
    let over = s.iter().find(|s| s.cell_id == 1000).unwrap();
    assert!(over.reasons.iter().any(|f| f.reason
        == Reason::OverOperational {
            after: 4,
            operational: 3
        }));
}

#[test]
fn occupancy_is_not_clipped_in_the_reason() {
    let m = mover();
    let mut c = estate(1);
    c.cells[0].certified = 1;
    c.cells[0].operational = 4;
    c.cells[0].maximum = 8;
    c.cells[0].occupants = (2..5).map(occupant).collect();
    let s = suggestions(&m, &c, &rules());
    assert!(
        s[0].reasons
            .iter()
            .any(|f| f.reason.to_string() == "4 in a cell certified for 1 (400%)")
    );
}

fn two_facilities() -> Candidates {
    let mut c = estate(1);
    c.facilities.push(FacilityInfo {
        id: 200,
        code: "GUL".into(),
        name: "Gulu Main".into(),
        region: "Northern".into(),
        kind: FacilityKind::Men,
    });
    c.units.push(UnitInfo {
        facility: 1,
        id: 20,
        ..c.units[0].clone()
    });
    c.cells.push(CellInfo {
        id: 2000,
        unit: 1,
        ..c.cells[0].clone()
    });
    c
}

#[test]
fn near_home_ranks_first_rule_59() {
    let mut m = mover();
    m.home_district = "Gulu".into();
    m.facility_id = None;
    let c = two_facilities();
    let s = suggestions(&m, &c, &rules());
    assert_eq!(s[0].cell_id, 2000);
    assert_eq!(
        s[0].reasons
            .iter()
            .find(|f| matches!(f.reason, Reason::HomeRegion { .. }))
            .unwrap()
            .to_string(),
        "+30 in the home region, Northern (Rule 59)"
    );
    assert!(
        s[1].reasons
            .iter()
            .any(|f| f.reason.to_string() == "away from the home region, Northern (Rule 59)")
    );
}

#[test]
fn another_facility_costs_a_transfer() {
    let m = mover();
    let c = two_facilities();
    let mut r = rules();
    r.home_regions.clear();
    let s = suggestions(&m, &c, &r);
    assert_eq!(s[0].cell_id, 1000);
    assert!(
        s[1].reasons
            .iter()
            .any(|f| f.to_string() == "-25 a transfer to Gulu Main")
    );
}

#[test]
fn least_restrictive_unit_is_preferred() {
    let mut m = mover();
    m.custody = Some(SecurityLevel::Minimum);
    let mut c = estate(1);
    c.units[0].security = SecurityLevel::Maximum;
    let s = suggestions(&m, &c, &rules());
    assert!(
        s[0].reasons
            .iter()
            .any(|f| f.to_string() == "-45 maximum-security unit for minimum custody")
    );
}

#[test]
fn violent_extremists_are_dispersed_by_cell_and_unit_caps() {
    let mut m = mover();
    m.vep = true;
    m.violent = true;
    let mut c = estate(6);
    let vep = |id| Occupant {
        vep: true,
        violent: true,
        ..occupant(id)
    };
    c.cells[0].occupants = vec![vep(2)];
    for (i, id) in (3..6).enumerate() {
        c.cells[i + 1].occupants = vec![occupant(id)];
    }
    let s = suggestions(&m, &c, &rules());
    let with_vep = s.iter().find(|s| s.cell_id == 1000).unwrap();
    assert!(with_vep.reasons.iter().any(|f| f.reason
        == Reason::VepCellCap {
            would_hold: 2,
            cap: 1
        }));
    assert_eq!(s.last().unwrap().cell_id, 1000);
    // Someone who may not know who is a violent extremist reads the one neutral handling note, nothing more.
    let cap = Reason::VepCellCap {
        would_hold: 2,
        cap: 1,
    };
    assert_eq!(cap.text(false), "security placement: ask a supervisor");
    assert!(
        cap.text(true).contains("violent extremist"),
        "{}",
        cap.text(true)
    );
    // Four in the unit already: the fifth breaks the unit cap (4) everywhere in it.
    for i in 1..4 {
        c.cells[i].occupants[0].vep = true;
    }
    let s = suggestions(&m, &c, &rules());
    assert!(s.iter().all(|s| s.reasons.iter().any(|f| f.reason
        == Reason::VepUnitCap {
            would_hold: 5,
            cap: 4
        })));
}

#[test]
fn concentration_where_a_service_chooses_it() {
    let mut r = rules();
    r.vep_by_facility.insert(
        "LUZ".into(),
        VepPolicy {
            mode: VepMode::Concentrate,
            ..VepPolicy::default()
        },
    );
    let mut c = two_facilities();
    c.facilities[1].region = "Central".into();
    c.cells[0].occupants = vec![Occupant {
        vep: true,
        ..occupant(2)
    }];
    let mut m = mover();
    m.facility_id = None;
    m.vep = true;
    let s = suggestions(&m, &c, &r);
    assert_eq!(s[0].cell_id, 1000);
    assert!(s[0].reasons.iter().any(|f| f.reason == Reason::VepTogether));
    m.vep = false;
    let s = suggestions(&m, &c, &r);
    assert_eq!(s[0].cell_id, 2000);
    assert!(
        s[1].reasons
            .iter()
            .any(|f| f.reason == Reason::VepUnitAvoided)
    );
}

#[test]
fn vulnerable_people_do_not_share_with_violent_ones() {
    let mut m = mover();
    m.vulnerable = true;
    let mut c = estate(2);
    c.cells[0].occupants = vec![Occupant {
        violent: true,
        vep: true,
        ..occupant(2)
    }];
    c.cells[1].occupants = vec![occupant(3)];
    let s = suggestions(&m, &c, &rules());
    assert_eq!(s[0].cell_id, 1001);
    let risky = &s[1];
    let line = risky
        .reasons
        .iter()
        .find(|f| f.reason == Reason::VulnerableWithViolent)
        .unwrap();
    assert_eq!(line.points, -80);
    // An officer who may not see the VEP flag reads general words.
    assert_eq!(line.reason.text(false), "cell-sharing risk with a cellmate");
    assert!(line.reason.text(true).contains("violent extremist"));
}

#[test]
fn a_shared_language_is_preferred() {
    let m = mover();
    let mut c = estate(3);
    let swahili = c.language_set(["Swahili"]);
    let both = c.language_set(["swahili", "LUGANDA"]);
    c.cells[0].occupants = vec![Occupant {
        languages: swahili,
        ..occupant(2)
    }];
    c.cells[1].occupants = vec![Occupant {
        languages: both,
        ..occupant(3)
    }];
    c.cells[2].occupants = vec![
        Occupant {
            languages: both,
            ..occupant(4)
        },
        Occupant {
            languages: swahili,
            ..occupant(5)
        },
    ];
    let s = suggestions(&m, &c, &rules());
    assert_eq!(s[0].cell_id, 1001);
    assert!(
        s[0].reasons
            .iter()
            .any(|f| f.to_string() == "+10 shares Luganda with every cellmate")
    );
    let lonely = s.iter().find(|s| s.cell_id == 1000).unwrap();
    assert!(
        lonely
            .reasons
            .iter()
            .any(|f| f.to_string() == "-10 no language in common with the cellmate")
    );
    let partly = s.iter().find(|s| s.cell_id == 1002).unwrap();
    assert!(
        partly
            .reasons
            .iter()
            .any(|f| f.to_string() == "shares a language with 1 of 2 cellmates")
    );
}

#[test]
fn weights_are_configuration() {
    let mut m = mover();
    m.home_district = "Gulu".into();
    let c = two_facilities();
    let mut r = rules();
    // With transfers expensive enough, staying beats being near home.
    r.weights.transfer = 100;
    assert_eq!(suggestions(&m, &c, &r)[0].cell_id, 1000);
    r.weights.transfer = 0;
    assert_eq!(suggestions(&m, &c, &r)[0].cell_id, 2000);
}

#[test]
fn a_temporary_placement_is_reviewed_within_four_weeks() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let day = |d: i64| today + chrono::Duration::days(d);
    let err = check_review_by(None, today).unwrap_err().to_string();
    assert!(
        err.starts_with("Review by: a placement against a rule is temporary"),
        "{err}"
    );
    assert!(
        check_review_by(Some(today), today)
            .unwrap_err()
            .to_string()
            .contains("after today")
    );
    assert!(check_review_by(Some(day(-3)), today).is_err());
    assert_eq!(check_review_by(Some(day(1)), today), Ok(day(1)));
    assert_eq!(
        check_review_by(Some(day(MAX_TEMPORARY_DAYS)), today),
        Ok(day(MAX_TEMPORARY_DAYS))
    );
    let err = check_review_by(Some(day(MAX_TEMPORARY_DAYS + 1)), today)
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 28 days ahead"), "{err}");
}
