//! Store tests for allocation: cell summaries, moves re-checked in the transaction, overrides, non-associations,
//! segregation and the occupancy board.

use super::*;
use crate::domain::allocate::{AllocationRules, HardRule, MoveReason};
use crate::domain::auth::Role;
use crate::domain::estate::*;
use crate::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
use crate::domain::prisoner::{BirthDate, Prisoner};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};

fn when(min: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn as_(name: &str) -> Actor {
    Actor::system(name, when(5))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

struct Fx {
    _dir: tempfile::TempDir,
    store: Store,
    luz: i64,
    gul: i64,
    /// Unit A (any status, medium): A-01 certified 1 / operational 1 / maximum 2; A-02 2 / 3 / 4.
    a01: i64,
    a02: i64,
    /// Unit M (remand, minimum security): M-01.
    m01: i64,
    /// In Gulu.
    g01: i64,
}

fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("w.db")).unwrap();
    let a = Actor::system("admin", when(0));
    for role in Role::ALL {
        store
            .add_user(&a, role.as_str(), role, "password1")
            .unwrap();
    }
    let facility = |code: &str, name: &str, region: &str| Facility {
        id: 0,
        code: code.into(),
        name: name.into(),
        region: region.into(),
        kind: FacilityKind::Men,
        security: SecurityLevel::Medium,
    };
    let luz = store
        .add_facility(&a, &facility("LUZ", "Luzira", "Central"))
        .unwrap();
    let gul = store
        .add_facility(&a, &facility("GUL", "Gulu", "Northern"))
        .unwrap();
    let unit = |facility_id, code: &str, use_, security| Unit {
        id: 0,
        facility_id,
        code: code.into(),
        name: format!("{code} wing"),
        sex: UnitSex::Male,
        age_group: AgeGroup::Adult,
        legal_use: use_,
        security,
    };
    let ua = store
        .add_unit(&a, &unit(luz, "A", UnitUse::Any, SecurityLevel::Medium))
        .unwrap();
    let um = store
        .add_unit(&a, &unit(luz, "M", UnitUse::Remand, SecurityLevel::Minimum))
        .unwrap();
    let ug = store
        .add_unit(&a, &unit(gul, "G", UnitUse::Any, SecurityLevel::Medium))
        .unwrap();
    let cell = |unit_id, code: &str, c, o, m| Cell {
        id: 0,
        unit_id,
        code: code.into(),
        certified: c,
        operational: o,
        maximum: m,
        out_of_use: None,
    };
    let a01 = store.add_cell(&a, &cell(ua, "A-01", 1, 1, 2)).unwrap();
    let a02 = store.add_cell(&a, &cell(ua, "A-02", 2, 3, 4)).unwrap();
    let m01 = store.add_cell(&a, &cell(um, "M-01", 2, 2, 2)).unwrap();
    let g01 = store.add_cell(&a, &cell(ug, "G-01", 2, 2, 2)).unwrap();
    Fx {
        _dir: dir,
        store,
        luz,
        gul,
        a01,
        a02,
        m01,
        g01,
    }
}

impl Fx {
    fn admit(&mut self, seq: u32, status: LegalStatus, cell: Option<i64>) -> i64 {
        let mut p = Prisoner::blank(
            NaiveDate::from_ymd_opt(2026, 11, 20)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
        );
        p.number = format!("LUZ/2026/{seq:05}");
        p.family_name = format!("Person{seq}");
        p.birth = BirthDate::YearOnly(1990);
        p.legal_status = status;
        p.committing_authority = "Chief Magistrate".into();
        p.languages = vec!["Luganda".into()];
        p.facility_id = Some(self.luz);
        p.cell_id = cell;
        self.store.admit(&as_("officer"), &p).unwrap()
    }

    fn cell_of(&self, prisoner: i64) -> Option<i64> {
        self.store
            .prisoner(prisoner)
            .unwrap()
            .unwrap()
            .prisoner
            .cell_id
    }

    fn audit_rows(&self) -> i64 {
        self.store
            .conn()
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    }
}

fn request(prisoner_id: i64, to_cell: i64) -> MoveRequest<'static> {
    MoveRequest {
        prisoner_id,
        to_cell,
        reason: MoveReason::Overcrowding,
        comment: "wing A decongested",
        override_reason: None,
        review_by: None,
        seen: None,
    }
}

#[test]
fn summaries_carry_what_the_rules_need_and_no_more() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, Some(f.a02));
    f.store
        .write(
            &as_("admin"),
            crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| {
                tx.execute("UPDATE prisoner SET vep = 1 WHERE id = ?1", [p])?;
                Ok(())
            },
        )
        .unwrap();
    let c = f
        .store
        .candidate_cells(Within::Facility(f.luz), today())
        .unwrap();
    assert_eq!(c.facilities.len(), 1);
    assert_eq!(c.units.len(), 2);
    assert_eq!(
        c.cells.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
        ["A-01", "A-02", "M-01"]
    );
    let occupants = &c.cells[1].occupants;
    assert_eq!(occupants.len(), 1);
    let o = occupants[0];
    assert_eq!(
        (o.prisoner_id, o.sex, o.status, o.age, o.vep, o.violent),
        (
            p,
            Sex::Male,
            LegalStatus::Remand,
            AgeGroup::Adult,
            true,
            true
        )
    );
    let all = f.store.candidate_cells(Within::All, today()).unwrap();
    assert_eq!(all.cells.len(), 4);
    assert_eq!(all.facilities.len(), 2);
    let one = f
        .store
        .candidate_cells(Within::Cell(f.g01), today())
        .unwrap();
    assert_eq!(
        (one.cells.len(), one.units.len(), one.facilities[0].id),
        (1, 1, f.gul)
    );
}

#[test]
fn the_allocator_reads_occupants_from_the_placement_index_alone() {
    let f = fixture();
    // The allocator's own query, for the whole service, a facility and a cell: every one answered from the index
    // without reading a row (each carries the whole record as JSON).
    for within in [Within::All, Within::Facility(f.gul), Within::Cell(1)] {
        let sql = super::allocation::occupants_query(&within);
        let mut stmt = f
            .store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let params: Vec<i64> = if sql.contains("?1") {
            vec![1]
        } else {
            Vec::new()
        };
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            plan.iter()
                .any(|l| l.contains("USING COVERING INDEX prisoner_placement")),
            "{within:?}: {plan:?}"
        );
    }
}

#[test]
fn suggestions_keep_untried_and_convicted_apart_within_an_any_unit() {
    let mut f = fixture();
    f.admit(1, LegalStatus::Remand, Some(f.a02));
    let convicted = f.admit(2, LegalStatus::Convicted, None);
    let (_, c, ranked) = f
        .store
        .suggest_cells(convicted, Within::Facility(f.luz), today())
        .unwrap();
    let codes: Vec<&str> = ranked
        .iter()
        .map(|s| c.cells[s.cell].code.as_str())
        .collect();
    // A-02 holds a remand prisoner; M is a remand unit.
    assert_eq!(codes, ["A-01"]);
}

#[test]
fn a_move_writes_the_cell_the_history_and_the_audit_together() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, Some(f.a01));
    let before = f.audit_rows();
    let m = f
        .store
        .move_to_cell(&as_("officer"), &request(p, f.a02))
        .unwrap();
    assert_eq!(
        (m.from_cell, m.to_cell, m.reason),
        (Some(f.a01), Some(f.a02), MoveReason::Overcrowding)
    );
    assert_eq!(f.cell_of(p), Some(f.a02));
    assert_eq!(f.audit_rows(), before + 2);
    // The admission into A-01 is the first line of the cell history, the move the second.
    let history = f.store.movements(p).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (
            history[0].from.as_deref(),
            history[0].to.as_deref(),
            history[0].movement.reason
        ),
        (None, Some("A-01"), MoveReason::Admission)
    );
    assert_eq!(
        (history[1].from.as_deref(), history[1].to.as_deref()),
        (Some("A-01"), Some("A-02"))
    );
    assert_eq!(history[1].movement.comment, "wing A decongested");
    assert!(f.store.verify_audit().unwrap().is_none());
}

#[test]
fn a_refused_move_says_why_and_writes_nothing() {
    let mut f = fixture();
    f.admit(1, LegalStatus::Remand, Some(f.a01));
    f.admit(2, LegalStatus::Remand, Some(f.a01));
    let p = f.admit(3, LegalStatus::Remand, None);
    let before = f.audit_rows();
    let e = f
        .store
        .move_to_cell(&as_("officer"), &request(p, f.a01))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cell A-01 refused: cell A-01 is full: 2 held, absolute maximum 2"
    );
    assert_eq!(f.cell_of(p), None);
    assert_eq!(f.audit_rows(), before);
    let convicted = f.admit(4, LegalStatus::Convicted, None);
    let e = f
        .store
        .move_to_cell(&as_("officer"), &request(convicted, f.a01))
        .unwrap_err();
    assert!(e.to_string().contains("Rule 11b"), "{e}");
    assert!(e.to_string().contains("absolute maximum"), "{e}");
}

#[test]
fn a_refusal_says_what_changed_since_the_list_was_shown() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, None);
    f.admit(2, LegalStatus::Remand, Some(f.a01));
    f.admit(3, LegalStatus::Remand, Some(f.a01));
    let mut req = request(p, f.a01);
    req.seen = Some(Seen {
        from_cell: None,
        occupants: 1,
    });
    let e = f.store.move_to_cell(&as_("officer"), &req).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cell A-01 refused (since the list was shown, cell A-01 went from 1 to 2 people): \
         cell A-01 is full: 2 held, absolute maximum 2"
    );
    f.store
        .move_to_cell(&as_("officer"), &request(p, f.a02))
        .unwrap();
    let mut req = request(p, f.m01);
    req.seen = Some(Seen {
        from_cell: None,
        occupants: 0,
    });
    let e = f.store.move_to_cell(&as_("officer"), &req).unwrap_err();
    assert_eq!(
        e.to_string(),
        "LUZ/2026/00001 Person1 was moved by someone else meanwhile (now in A-02); look again before moving"
    );
}

#[test]
fn only_a_supervisor_overrides_and_only_rules_the_service_allows() {
    let mut f = fixture();
    // Unclassified is taken as medium custody; M is a minimum-security unit, so custody-level refuses it.
    let p = f.admit(1, LegalStatus::Remand, None);
    let mut req = request(p, f.m01);
    req.override_reason = Some("only bed left tonight; review tomorrow");
    let e = f.store.move_to_cell(&as_("officer"), &req).unwrap_err();
    assert!(
        e.to_string().ends_with("only a supervisor may override"),
        "{e}"
    );
    // An override is a temporary placement: without the day it is looked at again, nothing moves.
    let e = f.store.move_to_cell(&as_("supervisor"), &req).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Review by: a placement against a rule is temporary"),
        "{e}"
    );
    req.review_by = Some(today() + chrono::Duration::days(40));
    let e = f.store.move_to_cell(&as_("supervisor"), &req).unwrap_err();
    assert!(e.to_string().contains("at most 28 days ahead"), "{e}");
    req.review_by = Some(today() + chrono::Duration::days(7));
    let m = f.store.move_to_cell(&as_("supervisor"), &req).unwrap();
    assert_eq!(m.overridden.as_deref(), Some("custody-level"));
    assert_eq!(m.review_by.as_deref(), Some("2026-12-02"));
    assert_eq!(
        m.override_reason.as_deref(),
        Some("only bed left tonight; review tomorrow")
    );
    // Rule 11 is not overridable by default.
    let convicted = f.admit(2, LegalStatus::Convicted, None);
    let mut req = request(convicted, f.m01);
    req.override_reason = Some("no room");
    req.review_by = Some(today() + chrono::Duration::days(7));
    let e = f.store.move_to_cell(&as_("supervisor"), &req).unwrap_err();
    assert!(
        e.to_string()
            .contains("the service does not allow overriding this"),
        "{e}"
    );
    assert!(e.to_string().contains("Rule 11b"), "{e}");
    // A service may allow more.
    let mut rules = AllocationRules::default();
    rules.overridable.push(HardRule::AbsoluteMaximum);
    f.store.set_allocation_rules(&as_("admin"), &rules).unwrap();
    assert!(
        f.store
            .allocation_rules()
            .unwrap()
            .overridable(HardRule::AbsoluteMaximum)
    );
}

#[test]
fn a_broken_policy_setting_is_reported_not_ignored() {
    let mut f = fixture();
    f.store
        .set_setting(
            &as_("admin"),
            &crate::store::Setting::AllocationRules,
            "overridable = [\"everything\"]",
        )
        .unwrap();
    let e = f.store.allocation_rules().unwrap_err();
    assert!(e.to_string().starts_with("allocation rules:"), "{e}");
}

#[test]
fn a_cell_in_another_facility_needs_a_transfer_first() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, None);
    let e = f
        .store
        .move_to_cell(&as_("officer"), &request(p, f.g01))
        .unwrap_err();
    assert!(e.to_string().contains("transfer first"), "{e}");
    let e = f
        .store
        .move_to_cell(&as_("officer"), &request(p, 9999))
        .unwrap_err();
    assert_eq!(e.to_string(), "Cell: no such cell");
}

fn na(first: i64, second: i64, scope: NaScope) -> NonAssociation {
    NonAssociation {
        id: 0,
        first,
        first_role: NaRole::Victim,
        second,
        second_role: NaRole::Perpetrator,
        reason: NaReason::Violence,
        scope,
        comment: "fight on 12 November".into(),
        start: today(),
        expiry: None,
        closed: None,
    }
}

#[test]
fn a_non_association_keeps_the_pair_apart_until_closed() {
    let mut f = fixture();
    let victim = f.admit(1, LegalStatus::Remand, Some(f.a02));
    let other = f.admit(2, LegalStatus::Remand, None);
    let id = f
        .store
        .add_non_association(&as_("officer"), &na(victim, other, NaScope::Cell))
        .unwrap();
    let e = f
        .store
        .move_to_cell(&as_("officer"), &request(other, f.a02))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cell A-02 refused: kept apart: LUZ/2026/00001 Person1 is in the same cell (violence)"
    );
    let (_, c, ranked) = f
        .store
        .suggest_cells(other, Within::Facility(f.luz), today())
        .unwrap();
    assert!(ranked.iter().all(|s| c.cells[s.cell].id != f.a02));
    // Shown on both records.
    assert_eq!(
        f.store.non_associations_of(victim).unwrap()[0].other_id,
        other
    );
    let seen_by_other = &f.store.non_associations_of(other).unwrap()[0];
    assert_eq!(
        (
            seen_by_other.other_number.as_str(),
            seen_by_other.other_cell.as_deref()
        ),
        ("LUZ/2026/00001", Some("A-02"))
    );
    assert_eq!(
        f.store
            .non_associations_among(&[victim, other, 99], today())
            .unwrap()
            .len(),
        1
    );
    // One open record per pair, either way round.
    let e = f
        .store
        .add_non_association(&as_("officer"), &na(other, victim, NaScope::Unit))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("already have an open non-association"),
        "{e}"
    );
    let closed = f
        .store
        .close_non_association(&as_("supervisor"), id, "both sentenced, apology accepted")
        .unwrap();
    assert_eq!(closed.closed.as_ref().unwrap().by, "supervisor");
    let e = f
        .store
        .close_non_association(&as_("supervisor"), id, "again")
        .unwrap_err();
    assert!(e.to_string().contains("already closed"), "{e}");
    f.store
        .move_to_cell(&as_("officer"), &request(other, f.a02))
        .unwrap();
    // Closed, never deleted; a new one may now be opened.
    assert_eq!(f.store.non_associations_of(victim).unwrap().len(), 1);
    f.store
        .add_non_association(&as_("officer"), &na(other, victim, NaScope::Unit))
        .unwrap();
}

#[test]
fn the_table_itself_refuses_bad_non_associations() {
    let mut f = fixture();
    let a = f.admit(1, LegalStatus::Remand, None);
    let b = f.admit(2, LegalStatus::Remand, None);
    let e = f
        .store
        .add_non_association(&as_("officer"), &na(a, a, NaScope::Cell))
        .unwrap_err();
    assert!(e.to_string().contains("themselves"), "{e}");
    fn raw(store: &Store, sql: &str) -> String {
        store
            .conn()
            .execute(sql, [])
            .map(|_| ())
            .unwrap_err()
            .to_string()
    }
    let insert = "INSERT INTO non_association(first_id, first_role, second_id, second_role, reason, scope, comment,
                  start, created_at, created_by";
    assert!(raw(&f.store, &format!("{insert}) VALUES ({a}, 'victim', {a}, 'other', 'threat', 'cell', 'c', '2026-11-25', 'x', 'x')")).contains("CHECK"));
    assert!(raw(&f.store, &format!("{insert}, closed_at) VALUES ({a}, 'victim', {b}, 'other', 'threat', 'cell', 'c', '2026-11-25', 'x', 'x', 'now')")).contains("CHECK"));
    assert!(raw(&f.store, &format!("{insert}) VALUES ({a}, 'victim', {b}, 'other', 'threat', 'cell', '', '2026-11-25', 'x', 'x')")).contains("CHECK"));
    let id = f
        .store
        .add_non_association(&as_("officer"), &na(a, b, NaScope::Cell))
        .unwrap();
    assert!(raw(&f.store, &format!("{insert}) VALUES ({b}, 'victim', {a}, 'other', 'threat', 'cell', 'c', '2026-11-25', 'x', 'x')")).contains("UNIQUE"));
    assert!(
        raw(
            &f.store,
            &format!("DELETE FROM non_association WHERE id = {id}")
        )
        .contains("never deleted")
    );
}

#[test]
fn an_expired_non_association_no_longer_applies() {
    let mut f = fixture();
    let a = f.admit(1, LegalStatus::Remand, Some(f.a02));
    let b = f.admit(2, LegalStatus::Remand, None);
    let mut record = na(a, b, NaScope::Facility);
    record.start = today() - chrono::Duration::days(30);
    record.expiry = Some(today() - chrono::Duration::days(1));
    f.store
        .add_non_association(&as_("officer"), &record)
        .unwrap();
    assert!(f.store.keep_apart(b, today()).unwrap().is_empty());
    f.store
        .move_to_cell(&as_("officer"), &request(b, f.a02))
        .unwrap();
}

fn dt(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

#[test]
fn segregation_placements_start_once_and_end() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, None);
    let id = f
        .store
        .start_segregation(&as_("supervisor"), p, dt(10, 14), "assault on staff")
        .unwrap();
    let e = f
        .store
        .start_segregation(&as_("supervisor"), p, dt(11, 14), "again")
        .unwrap_err();
    assert_eq!(e.to_string(), "already segregated since 2026-11-10 14:00");
    let open = f.store.open_segregations().unwrap();
    assert_eq!((open.len(), open[0].number.as_str()), (1, "LUZ/2026/00001"));
    assert_eq!(
        open[0].segregation.urgency(dt(25, 14)),
        crate::domain::segregation::Urgency::Alert
    );
    let e = f
        .store
        .end_segregation(&as_("supervisor"), id, dt(9, 0))
        .unwrap_err();
    assert_eq!(e.to_string(), "end: before the start");
    f.store
        .end_segregation(&as_("supervisor"), id, dt(20, 9))
        .unwrap();
    assert!(f.store.open_segregations().unwrap().is_empty());
    assert_eq!(f.store.segregations_of(p).unwrap()[0].days(dt(30, 0)), 9);
}

#[test]
fn the_board_rolls_up_and_shows_overcrowding_unclipped() {
    let mut f = fixture();
    // Three in A-01 (certified 1) is 300%; the maximum is 2, so they arrive at admission, not by moves.
    for seq in 1..=2 {
        f.admit(seq, LegalStatus::Remand, Some(f.a01));
    }
    f.admit(3, LegalStatus::Remand, Some(f.a01));
    f.admit(4, LegalStatus::Remand, None);
    let board = f.store.occupancy_board().unwrap();
    assert_eq!(board.nation.occupants, 4);
    assert_eq!(board.nation.certified, 7);
    let luz = &board.facilities[0];
    assert_eq!(
        (
            luz.code.as_str(),
            luz.occupancy.occupants,
            luz.occupancy.certified
        ),
        ("LUZ", 4, 5)
    );
    assert_eq!(luz.occupancy.percent(), Some(80));
    assert_eq!(
        board
            .regions
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Central", "Northern"]
    );
    let units = f.store.unit_occupancy(f.luz).unwrap();
    assert_eq!(
        (units[0].code.as_str(), units[0].occupancy.occupants),
        ("A", 3)
    );
    let cells = f.store.cell_occupancy(units[0].id).unwrap();
    assert_eq!(cells[0].code, "A-01");
    assert_eq!(cells[0].occupancy.percent(), Some(300));
}

#[test]
fn the_placement_check_reads_each_persons_custody_level() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, Some(f.a01));
    assert!(f.store.placement_breaches(today()).unwrap().is_empty());
    // Classified maximum after placement in medium unit A: the report now names the custody rule.
    f.store
        .write(&as_("assessor"), crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation), "test", |tx| {
            tx.execute(
                "INSERT INTO form_version VALUES ('custody_initial', 999, ?1, '', '2026-01-01')",
                ["0".repeat(64)],
            )?;
            tx.execute(
                "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                     status, author, created_at, updated_at, answers, assessed_on, finalised_at, custody_level)
                 VALUES (900, 1, 'custody_initial', 999, ?1, ?2, 'final', 'assessor', '2026-11-01T00:00:00Z',
                         '2026-11-01T00:00:00Z', '{}', '2026-11-01', '2026-11-01T00:00:00Z', 'maximum')",
                rusqlite::params!["0".repeat(64), p],
            )?;
            Ok(())
        })
        .unwrap();
    let found = f.store.placement_breaches(today()).unwrap();
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .breaches
            .iter()
            .any(|b| b.reason.contains("custody level maximum")),
        "{found:?}"
    );
}

#[test]
fn placing_in_another_facilitys_cell_is_a_transfer_and_one_move_rechecked_in_the_write() {
    use crate::domain::prisoner::EventKind;
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, Some(f.a02));
    let seen = Some(Seen {
        from_cell: Some(f.a02),
        occupants: 0,
    });
    // Gulu's only cell is full: every rule is checked inside the write, and nothing is written on a refusal.
    let filler: Vec<i64> = (2..4)
        .map(|n| f.admit(n, LegalStatus::Remand, None))
        .collect();
    for &q in &filler {
        f.store
            .transfer(
                &as_("officer"),
                q,
                f.gul,
                "Commissioner's order",
                "decongest",
                when(1).naive_utc(),
            )
            .unwrap();
        f.store
            .move_to_cell(&as_("officer"), &request(q, f.g01))
            .unwrap();
    }
    let audit = f.audit_rows();
    let req = MoveRequest {
        seen,
        ..request(p, f.g01)
    };
    let e = f
        .store
        .transfer_to_cell(&as_("officer"), &req, "Commissioner's order 12/2026")
        .unwrap_err();
    assert!(e.to_string().contains("G-01 is full"), "{e}");
    assert_eq!(f.cell_of(p), Some(f.a02));
    assert_eq!(f.audit_rows(), audit, "a refused transfer writes nothing");

    // With a place free it goes through: out and in events, one movement from the old cell to the new.
    f.store
        .release(
            &as_("officer"),
            filler[0],
            "Court order",
            "bail",
            when(2).naive_utc(),
        )
        .unwrap();
    let m = f
        .store
        .transfer_to_cell(&as_("officer"), &req, "Commissioner's order 12/2026")
        .unwrap();
    assert_eq!(
        (m.from_cell, m.to_cell, m.reason),
        (Some(f.a02), Some(f.g01), MoveReason::Transfer)
    );
    let row = f.store.prisoner(p).unwrap().unwrap().prisoner;
    assert_eq!((row.facility_id, row.cell_id), (Some(f.gul), Some(f.g01)));
    let kinds: Vec<EventKind> = f
        .store
        .events(p)
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.kind)
        .collect();
    assert!(
        kinds.ends_with(&[EventKind::TransferOut, EventKind::TransferIn]),
        "{kinds:?}"
    );
    let moves = f.store.movements(p).unwrap();
    let last = moves.last().unwrap();
    assert_eq!(
        (last.from.as_deref(), last.to.as_deref()),
        (Some("A-02"), Some("G-01"))
    );
    assert_eq!(
        moves
            .iter()
            .filter(|m| m.movement.reason == MoveReason::Transfer)
            .count(),
        1
    );
    assert_eq!(f.store.verify_audit().unwrap(), None);

    // In their own facility it is a plain cell move; a stale screen is refused.
    let m = f
        .store
        .transfer_to_cell(&as_("officer"), &request(filler[1], f.g01), "x")
        .unwrap_err();
    assert!(m.to_string().contains("already in that cell"), "{m}");
    let stale = MoveRequest {
        seen: Some(Seen {
            from_cell: Some(f.a01),
            occupants: 0,
        }),
        ..request(filler[1], f.a02)
    };
    let e = f
        .store
        .transfer_to_cell(&as_("officer"), &stale, "Commissioner's order")
        .unwrap_err();
    assert!(e.to_string().contains("moved by someone else"), "{e}");
}

#[test]
fn kept_estate_summaries_are_read_again_after_any_write_here_or_elsewhere() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, Some(f.a02));
    let held = |s: &Store, cell: i64| -> usize {
        let c = s.candidate_cells(Within::All, today()).unwrap();
        c.cells
            .iter()
            .find(|c| c.id == cell)
            .unwrap()
            .occupants
            .len()
    };
    assert_eq!(held(&f.store, f.a02), 1);
    f.store
        .move_to_cell(&as_("officer"), &request(p, f.a01))
        .unwrap();
    assert_eq!((held(&f.store, f.a02), held(&f.store, f.a01)), (0, 1));
    // Another station moves them back: this connection's kept copy must not be used.
    let mut other = Store::open(f.store.path()).unwrap();
    other
        .move_to_cell(&as_("officer"), &request(p, f.a02))
        .unwrap();
    assert_eq!((held(&f.store, f.a02), held(&f.store, f.a01)), (1, 0));
    // Kept, they are shared rather than copied; released (back on Home), they are let go and read afresh.
    let kept = f.store.candidate_cells(Within::All, today()).unwrap();
    let again = f.store.candidate_cells(Within::All, today()).unwrap();
    assert!(std::rc::Rc::ptr_eq(&kept, &again));
    f.store.release_kept_memory();
    let fresh = f.store.candidate_cells(Within::All, today()).unwrap();
    assert!(!std::rc::Rc::ptr_eq(&kept, &fresh));
}

#[test]
fn a_temporary_placement_is_reviewed_kept_with_a_reason_and_ends_with_a_lawful_move() {
    let mut f = fixture();
    let p = f.admit(1, LegalStatus::Remand, None);
    let mut req = request(p, f.m01);
    req.override_reason = Some("only bed left tonight");
    req.review_by = Some(today() + chrono::Duration::days(7));
    f.store.move_to_cell(&as_("supervisor"), &req).unwrap();
    let t = f.store.temporary_placement(p).unwrap().expect("temporary");
    assert_eq!(
        (t.cell.as_str(), t.overridden.as_str(), t.reviews),
        ("M-01", "custody-level", 0)
    );
    assert_eq!(t.review_by, today() + chrono::Duration::days(7));
    let due = |f: &Fx, day: i64| -> Vec<(i64, i64)> {
        f.store
            .custody_alerts(None, today() + chrono::Duration::days(day))
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == crate::domain::allocate::lawful::AlertKind::TemporaryDue)
            .map(|a| (a.prisoner_id, a.days))
            .collect()
    };
    assert_eq!(due(&f, 6), []);
    assert_eq!(due(&f, 7), [(p, 0)]);
    assert_eq!(due(&f, 9), [(p, 2)]);

    // Only a supervisor keeps them there, with a reason and a date within four weeks.
    let next = Some(today() + chrono::Duration::days(14));
    let e = f
        .store
        .review_temporary_placement(
            &Actor::staff("officer", crate::domain::auth::Role::Officer, when(5)),
            p,
            next,
            "still full",
        )
        .unwrap_err();
    assert!(matches!(e, StoreError::Refused(_)), "{e}");
    let e = f
        .store
        .review_temporary_placement(&as_("supervisor"), p, next, "  ")
        .unwrap_err();
    assert!(e.to_string().starts_with("reason:"), "{e}");
    let e = f
        .store
        .review_temporary_placement(
            &as_("supervisor"),
            p,
            Some(today() + chrono::Duration::days(60)),
            "still full",
        )
        .unwrap_err();
    assert!(e.to_string().contains("at most 28 days"), "{e}");
    let kept = f
        .store
        .review_temporary_placement(&as_("supervisor"), p, next, "wing A still full")
        .unwrap();
    assert_eq!(
        (kept.reviews, kept.reason.as_str()),
        (1, "wing A still full")
    );
    assert_eq!(due(&f, 9), []);
    assert_eq!(due(&f, 14), [(p, 0)]);

    // A move to a cell that breaks no rule ends it.
    f.store
        .move_to_cell(&as_("officer"), &request(p, f.a01))
        .unwrap();
    assert_eq!(f.store.temporary_placement(p).unwrap(), None);
    assert_eq!(due(&f, 30), []);
    let e = f
        .store
        .review_temporary_placement(&as_("supervisor"), p, next, "x")
        .unwrap_err();
    assert!(
        e.to_string().contains("not in a temporary placement"),
        "{e}"
    );
}
