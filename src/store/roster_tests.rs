//! Store tests for rosters: programmes, the referral lifecycle, allocation checks re-run in the transaction,
//! overrides, attendance, and the week views.

use super::*;
use crate::domain::auth::Role;
use crate::domain::estate::*;
use crate::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
use crate::domain::prisoner::{BirthDate, Prisoner};
use crate::domain::roster::*;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use proptest::prelude::*;
use rusqlite::params;

fn at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
}
fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn hm(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}
fn staff(name: &str) -> Actor {
    Actor::system(name, at(25))
}

struct Fx {
    _dir: tempfile::TempDir,
    store: Store,
    luz: i64,
    unit_a: i64,
    cell_a: i64,
    cell_b: i64,
}

fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("w.db")).unwrap();
    let a = Actor::system("admin", at(1));
    let luz = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "LUZ".into(),
                name: "Luzira".into(),
                region: "Central".into(),
                kind: FacilityKind::Men,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let unit = |code: &str| Unit {
        id: 0,
        facility_id: luz,
        code: code.into(),
        name: format!("{code} wing"),
        sex: UnitSex::Male,
        age_group: AgeGroup::Adult,
        legal_use: UnitUse::Any,
        security: SecurityLevel::Medium,
    };
    let unit_a = store.add_unit(&a, &unit("A")).unwrap();
    let unit_b = store.add_unit(&a, &unit("B")).unwrap();
    let cell = |unit_id, code: &str| Cell {
        id: 0,
        unit_id,
        code: code.into(),
        certified: 40,
        operational: 40,
        maximum: 40,
        out_of_use: None,
    };
    let cell_a = store.add_cell(&a, &cell(unit_a, "A-01")).unwrap();
    let cell_b = store.add_cell(&a, &cell(unit_b, "B-01")).unwrap();
    Fx {
        _dir: dir,
        store,
        luz,
        unit_a,
        cell_a,
        cell_b,
    }
}

fn slot(weekday: u8, a: &str, b: &str) -> Slot {
    Slot {
        id: 0,
        weekday,
        starts: hm(a),
        ends: hm(b),
    }
}

impl Fx {
    fn admit(&mut self, seq: u32, cell: i64) -> i64 {
        let mut p = Prisoner::blank(d("2026-10-01").and_hms_opt(10, 0, 0).unwrap());
        p.number = format!("LUZ/2026/{seq:05}");
        p.family_name = format!("Person{seq}");
        p.given_names = "Test".into();
        p.birth = BirthDate::YearOnly(1990);
        p.legal_status = LegalStatus::Convicted;
        p.committing_authority = "High Court".into();
        p.facility_id = Some(self.luz);
        p.cell_id = Some(cell);
        self.store
            .admit(&Actor::system("officer", at(1)), &p)
            .unwrap()
    }

    fn programme(&mut self, code: &str, capacity: u32, slots: Vec<Slot>) -> i64 {
        let p = Programme {
            id: 0,
            facility_id: self.luz,
            code: code.into(),
            name: format!("Programme {code}"),
            category: Category::Literacy,
            provider: "staff".into(),
            facilitators: vec!["A. Teacher".into()],
            room: "Classroom 1".into(),
            capacity,
            starts_on: d("2026-11-02"),
            ends_on: d("2027-01-29"),
            eligibility: Eligibility {
                needs: vec!["need_literacy".into()],
                ..Eligibility::default()
            },
            completion_percent: 80,
            vep_share_percent: 20,
            slots,
        };
        self.store.add_programme(&staff("programme"), &p).unwrap()
    }

    fn needs(&mut self, prisoner: i64, findings: &[&str]) {
        let json = serde_json::to_string(findings).unwrap();
        self.store
            .write(&staff("assessor"), crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation), "test", |tx| {
                tx.execute(
                    "INSERT OR IGNORE INTO form_version VALUES ('needs_screen', 1, ?1, '', '2026-11-01')",
                    ["0".repeat(64)],
                )?;
                tx.execute(
                    "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                         status, author, created_at, updated_at, answers, assessed_on, finalised_at, findings)
                     VALUES (?1, 1, 'needs_screen', 1, ?2, ?1, 'final', 'assessor', '2026-11-01T00:00:00Z',
                             '2026-11-01T00:00:00Z', '{}', '2026-11-01', '2026-11-01T00:00:00Z', ?3)",
                    params![prisoner, "0".repeat(64), json],
                )?;
                Ok(())
            })
            .unwrap();
    }

    fn refer(&mut self, programme: i64, prisoner: i64) -> i64 {
        self.store
            .refer(
                &staff("assessor"),
                programme,
                prisoner,
                Some("need_literacy"),
                "",
            )
            .unwrap()
    }

    fn allocate(&mut self, referral: i64) -> Result<checks::Verdict> {
        self.store.allocate_place(
            &Actor::staff("programme", Role::Programme, at(25)),
            referral,
            None,
        )
    }
}

fn mon_wed() -> Vec<Slot> {
    vec![slot(1, "09:00", "11:00"), slot(3, "09:00", "11:00")]
}

#[test]
fn a_referral_goes_from_suggestion_to_completion_with_its_history() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let p = f.admit(1, f.cell_a);
    f.needs(p, &["need_literacy", "need_housing"]);
    let suggested = f.store.suggestions_for(p, d("2026-11-25")).unwrap();
    assert_eq!(suggested.len(), 1);
    assert_eq!(suggested[0].need, "need_literacy");
    let r = f.refer(lit, p);
    assert!(
        f.store
            .suggestions_for(p, d("2026-11-25"))
            .unwrap()
            .is_empty()
    );
    f.store
        .set_referral_status(&staff("programme"), r, ReferralStatus::Waitlisted, "")
        .unwrap();
    let v = f.allocate(r).unwrap();
    assert!(v.allowed());
    // Not completed without attendance.
    let e = f
        .store
        .set_referral_status(&staff("programme"), r, ReferralStatus::Completed, "")
        .unwrap_err();
    assert!(e.to_string().contains("no attendance"), "{e}");
    let prog = f.store.programme(lit).unwrap();
    let mon = prog.slots[0].id;
    // Allocated on the 25th: the register of Wed 25 Nov holds them.
    let register = f
        .store
        .session_register(prog.slots[1].id, d("2026-11-25"))
        .unwrap();
    assert_eq!(register.len(), 1);
    assert!(
        f.store
            .session_register(mon, d("2026-11-23"))
            .unwrap()
            .is_empty()
    );
    f.store
        .mark_attendance(
            &staff("officer"),
            prog.slots[1].id,
            d("2026-11-25"),
            &[(r, Outcome::Attended, String::new())],
        )
        .unwrap();
    f.store
        .set_referral_status(&staff("programme"), r, ReferralStatus::Completed, "")
        .unwrap();
    let history = f.store.referral_history(r).unwrap();
    let statuses: Vec<_> = history.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            ReferralStatus::Referred,
            ReferralStatus::Waitlisted,
            ReferralStatus::Allocated,
            ReferralStatus::Completed
        ]
    );
    assert_eq!(history[0].by, "assessor");
    // Completed programmes are not suggested again, and the history cannot be rewritten.
    assert!(
        f.store
            .suggestions_for(p, d("2026-11-25"))
            .unwrap()
            .is_empty()
    );
    let e = f
        .store
        .write(
            &staff("x"),
            crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| {
                tx.execute("DELETE FROM referral_event", [])?;
                Ok(())
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("never deleted"), "{e}");
    assert!(f.store.verify_audit().unwrap().is_none());
}

#[test]
fn the_last_place_goes_once_and_capacity_is_never_overridden() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 1, mon_wed());
    let (a, b) = (f.admit(1, f.cell_a), f.admit(2, f.cell_a));
    f.needs(a, &["need_literacy"]);
    f.needs(b, &["need_literacy"]);
    let (ra, rb) = (f.refer(lit, a), f.refer(lit, b));
    f.allocate(ra).unwrap();
    let e = f.allocate(rb).unwrap_err().to_string();
    assert!(
        e.contains("cannot allocate: the group is full (1 of 1"),
        "{e}"
    );
    let e = f
        .store
        .allocate_place(
            &Actor::staff("supervisor", Role::Supervisor, at(25)),
            rb,
            Some("urgent"),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot allocate"), "{e}");
    assert_eq!(
        f.store
            .programme_referrals(lit, ReferralStatus::Allocated)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn people_kept_apart_are_not_put_in_one_group() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let (a, b) = (f.admit(1, f.cell_a), f.admit(2, f.cell_b));
    f.needs(a, &["need_literacy"]);
    f.needs(b, &["need_literacy"]);
    f.store
        .add_non_association(
            &staff("officer"),
            &NonAssociation {
                id: 0,
                first: a,
                first_role: NaRole::Victim,
                second: b,
                second_role: NaRole::Perpetrator,
                reason: NaReason::Violence,
                scope: NaScope::Cell,
                comment: "assault on the yard".into(),
                start: d("2026-11-01"),
                expiry: None,
                closed: None,
            },
        )
        .unwrap();
    let (ra, rb) = (f.refer(lit, a), f.refer(lit, b));
    f.allocate(ra).unwrap();
    let verdict = f.store.check_place(lit, b, d("2026-11-25")).unwrap();
    assert!(
        verdict.refusals[0]
            .reason
            .contains("LUZ/2026/00001 Person1 Test")
    );
    let e = f.allocate(rb).unwrap_err().to_string();
    assert!(e.contains("must be kept apart from LUZ/2026/00001"), "{e}");
}

#[test]
fn a_clash_needs_a_supervisor_with_a_reason() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let wood = f.programme("WOOD", 10, vec![slot(1, "10:00", "12:00")]);
    let p = f.admit(1, f.cell_a);
    f.needs(p, &["need_literacy"]);
    let r1 = f.refer(lit, p);
    f.allocate(r1).unwrap();
    let r2 = f.refer(wood, p);
    let e = f.allocate(r2).unwrap_err().to_string();
    assert!(e.contains("needs a supervisor's override"), "{e}");
    assert!(
        e.contains("Mon 10:00-12:00 clashes with Programme LIT1"),
        "{e}"
    );
    let e = f
        .store
        .allocate_place(
            &Actor::staff("programme", Role::Programme, at(25)),
            r2,
            Some("agreed"),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("only a supervisor may override"), "{e}");
    let e = f
        .store
        .allocate_place(&Actor::staff("officer", Role::Officer, at(25)), r2, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("may not allocate"), "{e}");
    f.store
        .allocate_place(
            &Actor::staff("supervisor", Role::Supervisor, at(25)),
            r2,
            Some("literacy moves to afternoons next week"),
        )
        .unwrap();
    let row = &f.store.referrals_of(p).unwrap()[0];
    assert_eq!(row.status, ReferralStatus::Allocated);
    assert!(
        row.override_reason
            .as_deref()
            .unwrap()
            .starts_with("literacy moves to afternoons next week (over: Mon 10:00-12:00 clashes")
    );
}

#[test]
fn registers_refuse_the_future_cancelled_sessions_and_strangers() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let other = f.programme("LIT2", 10, vec![slot(2, "09:00", "11:00")]);
    let p = f.admit(1, f.cell_a);
    f.needs(p, &["need_literacy"]);
    let r = f.refer(lit, p);
    f.allocate(r).unwrap();
    let r_other = f.refer(other, p);
    let prog = f.store.programme(lit).unwrap();
    let wed = prog.slots[1].id;
    let mark = |o, c: &str| vec![(r, o, c.to_string())];
    let e = f
        .store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-12-02"),
            &mark(Outcome::Attended, ""),
        )
        .unwrap_err();
    assert!(e.to_string().contains("has not happened yet"), "{e}");
    let e = f
        .store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-11-25"),
            &mark(Outcome::Other, " "),
        )
        .unwrap_err();
    assert!(e.to_string().contains("comment: required"), "{e}");
    let e = f
        .store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-11-25"),
            &[(r_other, Outcome::Attended, String::new())],
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("not on this session's register"),
        "{e}"
    );
    let e = f
        .store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-11-24"),
            &mark(Outcome::Attended, ""),
        )
        .unwrap_err();
    assert!(e.to_string().contains("no session in that slot"), "{e}");
    // Re-marking replaces the mark; a marked session cannot then be cancelled.
    f.store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-11-25"),
            &mark(Outcome::Sick, ""),
        )
        .unwrap();
    f.store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-11-25"),
            &mark(Outcome::Attended, ""),
        )
        .unwrap();
    let reg = f.store.session_register(wed, d("2026-11-25")).unwrap();
    assert_eq!(reg[0].outcome, Some(Outcome::Attended));
    assert_eq!(f.store.participation(r).unwrap().marked, 1);
    let e = f
        .store
        .cancel_session(
            &staff("programme"),
            wed,
            d("2026-11-25"),
            CancelReason::Holiday,
            "",
        )
        .unwrap_err();
    assert!(e.to_string().contains("already marked"), "{e}");
    f.store
        .cancel_session(
            &staff("programme"),
            prog.slots[0].id,
            d("2026-11-30"),
            CancelReason::Lockdown,
            "",
        )
        .unwrap();
    let week = f.store.weekly_roster(f.luz, d("2026-11-30")).unwrap();
    let lit_sessions: Vec<_> = week.iter().filter(|s| s.programme_id == lit).collect();
    assert_eq!(lit_sessions.len(), 2);
    assert_eq!(
        lit_sessions[0].cancelled.as_ref().unwrap().0,
        CancelReason::Lockdown
    );
    assert!(lit_sessions[1].cancelled.is_none());
    assert_eq!(lit_sessions[1].members.len(), 1);
}

#[test]
fn timetables_and_unlock_lists_show_the_week_and_the_alerts() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let wood = f.programme("WOOD", 10, vec![slot(3, "10:00", "12:00")]);
    let (a, b) = (f.admit(1, f.cell_a), f.admit(2, f.cell_b));
    f.needs(a, &["need_literacy"]);
    f.needs(b, &["need_literacy"]);
    let ra = f.refer(lit, a);
    f.allocate(ra).unwrap();
    let rb = f.refer(wood, b);
    f.allocate(rb).unwrap();
    f.store
        .add_non_association(
            &staff("officer"),
            &NonAssociation {
                id: 0,
                first: a,
                first_role: NaRole::Rival,
                second: b,
                second_role: NaRole::Rival,
                reason: NaReason::Gang,
                scope: NaScope::Unit,
                comment: "rival groups".into(),
                start: d("2026-11-01"),
                expiry: None,
                closed: None,
            },
        )
        .unwrap();
    let (sessions, court) = f.store.timetable(a, d("2026-11-30")).unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(court.is_empty());
    let all = f.store.unlock_list(f.luz, None, d("2026-12-02")).unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        all[0]
            .alerts
            .iter()
            .any(|x| x.contains("keep apart from LUZ/2026/00002"))
    );
    let only_a = f
        .store
        .unlock_list(f.luz, Some(f.unit_a), d("2026-12-02"))
        .unwrap();
    assert_eq!(only_a.len(), 1);
    assert_eq!(only_a[0].person.prisoner_id, a);
    // Monday: only A goes out, so nobody to keep apart from.
    let monday = f.store.unlock_list(f.luz, None, d("2026-11-30")).unwrap();
    assert_eq!(monday.len(), 1);
    assert!(monday[0].alerts.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Whatever the order of attempts and however often a supervisor overrides, a group never holds more than
    /// its capacity, nor two people who must be kept apart.
    #[test]
    fn no_allocation_exceeds_capacity_or_breaks_a_non_association(
        capacity in 1u32..5,
        pairs in proptest::collection::vec((0usize..7, 0usize..7), 0..6),
        order in Just((0usize..7).collect::<Vec<_>>()).prop_shuffle(),
        supervisor in proptest::collection::vec(any::<bool>(), 7),
    ) {
        let mut f = fixture();
        let lit = f.programme("LIT1", capacity, mon_wed());
        let people: Vec<i64> = (0..7).map(|i| f.admit(i as u32 + 1, f.cell_a)).collect();
        for (x, y) in &pairs {
            if x == y { continue; }
            let _ = f.store.add_non_association(&staff("officer"), &NonAssociation {
                id: 0, first: people[*x], first_role: NaRole::Rival, second: people[*y],
                second_role: NaRole::Rival, reason: NaReason::Gang, scope: NaScope::Cell,
                comment: "rivals".into(), start: d("2026-11-01"), expiry: None, closed: None,
            });
        }
        for &i in &order {
            let r = f.refer(lit, people[i]);
            let _ = if supervisor[i] {
                f.store.allocate_place(&Actor::staff("supervisor", Role::Supervisor, at(25)), r, Some("decided"))
            } else {
                f.allocate(r)
            };
        }
        let group: Vec<i64> = f.store.programme_referrals(lit, ReferralStatus::Allocated).unwrap()
            .iter().map(|r| r.prisoner_id).collect();
        prop_assert!(group.len() as u32 <= capacity);
        for (x, y) in &pairs {
            if x != y {
                prop_assert!(!(group.contains(&people[*x]) && group.contains(&people[*y])));
            }
        }
    }
}

#[test]
fn a_release_plan_shows_what_was_completed_and_what_is_still_open() {
    use crate::domain::roster::release::{Aftercare, ReleasePlan};
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let p = f.admit(1, f.cell_a);
    f.needs(p, &["need_literacy", "need_housing", "interest_faith"]);
    let r = f.refer(lit, p);
    f.allocate(r).unwrap();
    let wed = f.store.programme(lit).unwrap().slots[1].id;
    f.store
        .mark_attendance(
            &staff("officer"),
            wed,
            d("2026-11-25"),
            &[(r, Outcome::Attended, String::new())],
        )
        .unwrap();
    f.store
        .set_referral_status(&staff("programme"), r, ReferralStatus::Completed, "")
        .unwrap();
    // The release date is set after the place was given (a sentence recalculated).
    f.store
        .write(
            &staff("officer"),
            crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| {
                tx.execute(
                    "UPDATE prisoner SET expected_release = '2026-12-20' WHERE id = ?1",
                    [p],
                )?;
                Ok(())
            },
        )
        .unwrap();
    let before = f.store.release_plan(p).unwrap();
    assert!(before.updated.is_none());
    assert_eq!(before.completed, ["Programme LIT1"]);
    assert_eq!(before.open_needs, ["need_housing"]);
    let due = f
        .store
        .releases_due(Some(f.luz), d("2026-11-25"), 30)
        .unwrap();
    assert_eq!(due.len(), 1);
    assert!(!due[0].has_plan && due[0].open_needs == 1);
    assert!(
        f.store
            .releases_due(None, d("2026-11-25"), 20)
            .unwrap()
            .is_empty()
    );
    f.store
        .save_release_plan(
            &staff("programme"),
            p,
            &ReleasePlan {
                documents_ready: true,
                housing: "sister in Jinja".into(),
                notes: String::new(),
            },
        )
        .unwrap();
    let e = f
        .store
        .add_aftercare(
            &staff("programme"),
            p,
            &Aftercare {
                id: 0,
                organisation: "Prisoners' Aid".into(),
                contact: "0700 000000".into(),
                need: "housing".into(),
                appointment: Some(d("2026-12-01")),
            },
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("appointment: 2026-12-01 is before"),
        "{e}"
    );
    f.store
        .add_aftercare(
            &staff("programme"),
            p,
            &Aftercare {
                id: 0,
                organisation: "Prisoners' Aid".into(),
                contact: "0700 000000".into(),
                need: "housing".into(),
                appointment: Some(d("2026-12-21")),
            },
        )
        .unwrap();
    let due = &f.store.releases_due(None, d("2026-11-25"), 30).unwrap()[0];
    assert!(due.has_plan && due.documents_ready && due.aftercare == 1);
    let plan = f.store.release_plan(p).unwrap();
    assert_eq!(plan.updated.unwrap().1, "programme");
    assert_eq!(plan.aftercare[0].organisation, "Prisoners' Aid");
}

#[test]
fn release_and_transfer_end_places_referrals_and_segregation() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let (a, b) = (f.admit(1, f.cell_a), f.admit(2, f.cell_a));
    f.needs(a, &["need_literacy"]);
    f.needs(b, &["need_literacy"]);
    let ra = f.refer(lit, a);
    f.allocate(ra).unwrap();
    let rb = f.refer(lit, b);
    let at = d("2026-11-25").and_hms_opt(15, 0, 0).unwrap();
    f.store
        .start_segregation(
            &staff("supervisor"),
            a,
            d("2026-11-20").and_hms_opt(8, 0, 0).unwrap(),
            "own protection",
        )
        .unwrap();
    f.store
        .release(&staff("officer"), a, "High Court", "sentence served", at)
        .unwrap();
    // The cell history ends with the release out of A-01.
    let moves = f.store.movements(a).unwrap();
    let last = &moves.last().unwrap();
    assert_eq!(
        (
            last.from.as_deref(),
            last.to.as_deref(),
            last.movement.reason
        ),
        (
            Some("A-01"),
            None,
            crate::domain::allocate::MoveReason::Release
        )
    );
    // Segregation ends with the release, at its moment.
    let ended = &f.store.segregations_of(a).unwrap()[0];
    assert_eq!(ended.end, Some(at));
    let gul = f
        .store
        .add_facility(
            &staff("admin"),
            &Facility {
                id: 0,
                code: "GUL".into(),
                name: "Gulu".into(),
                region: "Northern".into(),
                kind: FacilityKind::Men,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    // A unit that may hold him, or the transfer is refused (Rule 11).
    f.store
        .add_unit(
            &staff("admin"),
            &Unit {
                id: 0,
                facility_id: gul,
                code: "A".into(),
                name: "A wing".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Any,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
    f.store
        .transfer(&staff("officer"), b, gul, "Commissioner", "nearer home", at)
        .unwrap();
    for (referral, why) in [(ra, "released"), (rb, "transferred to GUL")] {
        let history = f.store.referral_history(referral).unwrap();
        let last = history.last().unwrap();
        assert_eq!(
            (last.status, last.reason.as_str()),
            (ReferralStatus::Withdrawn, why)
        );
    }
    assert!(
        f.store
            .unlock_list(f.luz, None, d("2026-11-30"))
            .unwrap()
            .is_empty()
    );
    assert!(f.store.verify_audit().unwrap().is_none());
}

#[test]
fn an_edit_that_would_break_the_group_is_refused_naming_them() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let wood = f.programme("WOOD", 10, vec![slot(2, "10:00", "12:00")]);
    let (p1, p2) = (f.admit(1, f.cell_a), f.admit(2, f.cell_a));
    for p in [p1, p2] {
        f.needs(p, &["need_literacy"]);
        let r = f.refer(lit, p);
        f.allocate(r).unwrap();
    }
    let r = f.refer(wood, p1);
    f.allocate(r).unwrap();
    let coordinator = Actor::staff("programme", Role::Programme, at(25));
    let before = f.store.programme(lit).unwrap();

    let mut smaller = before.clone();
    smaller.capacity = 1;
    let e = f
        .store
        .update_programme(&coordinator, &smaller)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("capacity: 2 people hold a place (LUZ/2026/00001 Person1, Test, LUZ/2026/00002 Person2, Test); withdraw 1 first"),
        "{e}"
    );
    // Tuesday at 11:00 clashes with woodwork for the first person only.
    let mut moved = before.clone();
    moved.slots = vec![slot(1, "09:00", "11:00"), slot(2, "11:00", "12:00")];
    let e = f
        .store
        .update_programme(&coordinator, &moved)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("LUZ/2026/00001 Person1, Test: Tue 11:00-12:00 clashes with Programme WOOD"),
        "{e}"
    );
    assert!(!e.contains("00002"), "{e}");
    assert_eq!(f.store.programme(lit).unwrap(), before, "nothing changed");

    // An officer may not change programmes at all.
    let e = f
        .store
        .update_programme(&Actor::staff("officer", Role::Officer, at(25)), &before)
        .unwrap_err()
        .to_string();
    assert!(e.contains("may not"), "{e}");
}

#[test]
fn an_edit_keeps_the_registers_of_the_slots_it_keeps() {
    let mut f = fixture();
    let lit = f.programme("LIT1", 10, mon_wed());
    let coordinator = Actor::staff("programme", Role::Programme, at(25));
    let before = f.store.programme(lit).unwrap();
    let (monday, wednesday) = (before.slots[0].id, before.slots[1].id);
    f.store
        .cancel_session(
            &coordinator,
            wednesday,
            d("2026-11-25"),
            CancelReason::Holiday,
            "",
        )
        .unwrap();
    let mut changed = before.clone();
    changed.name = "Adult literacy".into();
    changed.capacity = 12;
    changed.slots = vec![slot(3, "09:00", "11:00"), slot(5, "14:00", "16:00")];
    f.store.update_programme(&coordinator, &changed).unwrap();
    let after = f.store.programme(lit).unwrap();
    assert_eq!(
        (after.name.as_str(), after.capacity),
        ("Adult literacy", 12)
    );
    let ids: Vec<i64> = after.slots.iter().map(|s| s.id).collect();
    assert!(
        ids.contains(&wednesday) && !ids.contains(&monday),
        "{ids:?}"
    );
    assert_eq!(after.schedule_text(), "Wed 09:00-11:00, Fri 14:00-16:00");
    // The Wednesday slot has a cancellation on record: it cannot go.
    let mut without = after.clone();
    without.slots.retain(|s| s.weekday != 3);
    let e = f
        .store
        .update_programme(&coordinator, &without)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("slots: Wed 09:00-11:00 has registers on record"),
        "{e}"
    );
    let audit: i64 = f
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit WHERE entity = 'programme' AND action = 'update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 1);
}
