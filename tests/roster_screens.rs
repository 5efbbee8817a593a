//! Rosters by keystrokes at 80x24: refer from the needs screen's suggestion, see the waitlist with its reasons,
//! give a place through the checks, mark a register with one exception, and see participation; plus the
//! refusal popup, the unlock list and the timetable.

// Not every test file uses every step of the shared driver.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[path = "screens/fixture.rs"]
mod fixture;

use chrono::{NaiveDate, NaiveTime};
use crossterm::event::KeyCode;
use driver::Driver;
use warden::domain::roster::{Category, Eligibility, Outcome, Programme, ReferralStatus, Slot};
use warden::store::{Actor, Store};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn slot(weekday: u8, a: &str, b: &str) -> Slot {
    Slot {
        id: 0,
        weekday,
        starts: NaiveTime::parse_from_str(a, "%H:%M").unwrap(),
        ends: NaiveTime::parse_from_str(b, "%H:%M").unwrap(),
    }
}

/// Adult literacy at Luzira on Mondays and Wednesdays; Okello's needs screen found a literacy need; Abenov
/// already holds a place. Returns the programme's id.
fn literacy(fx: &fixture::Fixture, capacity: u32) -> i64 {
    let mut store = Store::open(&fx.path).unwrap();
    let luz = store.facility_by_code("LUZ").unwrap().unwrap().id;
    let a = Actor::system("programme", fixture::t0());
    let id = store
        .add_programme(
            &a,
            &Programme {
                id: 0,
                facility_id: luz,
                code: "LIT1".into(),
                name: "Adult literacy".into(),
                category: Category::Literacy,
                provider: "Literacy Uganda".into(),
                facilitators: vec!["Nakato Ruth".into()],
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
                slots: vec![slot(1, "09:00", "11:00"), slot(3, "09:00", "11:00")],
            },
        )
        .unwrap();
    for (who, findings) in [
        (fx.okello, r#"["need_literacy","need_housing"]"#),
        (fx.abenov, r#"["need_literacy"]"#),
    ] {
        store
            .write(&Actor::system("assessor", fixture::t0()), warden::domain::auth::Need::To(warden::domain::auth::Permission::ConfigureStation), "test", |tx| {
                tx.execute(
                    "INSERT OR IGNORE INTO form_version VALUES ('needs_screen', 1, ?1, '', '2026-11-01')",
                    ["0".repeat(64)],
                )?;
                tx.execute(
                    "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                         status, author, created_at, updated_at, answers, assessed_on, finalised_at, findings)
                     VALUES (?1, 1, 'needs_screen', 1, ?2, ?1, 'final', 'assessor', '2026-11-01T00:00:00Z',
                             '2026-11-01T00:00:00Z', '{}', '2026-11-01', '2026-11-01T00:00:00Z', ?3)",
                    rusqlite::params![who, "0".repeat(64), findings],
                )?;
                Ok(())
            })
            .unwrap();
    }
    let r = store
        .refer(&a, id, fx.abenov, Some("need_literacy"), "")
        .unwrap();
    store.allocate_place(&a, r, None).unwrap();
    id
}

#[test]
fn refer_waitlist_place_mark_and_see_participation_by_keystrokes() {
    let fx = fixture::build();
    let programme = literacy(&fx, 10);
    let mut d = Driver::new(&fx.path);
    // An assessor refers Okello from the suggestion his needs screen made.
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("P");
    let s = d.screen();
    assert!(
        s.contains("suggested") && s.contains("need: literacy"),
        "{s}"
    );
    insta::assert_snapshot!("person_programmes", s);
    d.text("f");
    insta::assert_snapshot!("refer_prompt", d.screen());
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Referred to Adult literacy: now on its waitlist."),
        "{s}"
    );
    assert!(
        !s.lines()
            .any(|l| l.starts_with(">suggested") || l.starts_with(" suggested ")),
        "{s}"
    );
    assert!(s.contains(">referred   Adult literacy"), "{s}");
    d.key(KeyCode::F(10));

    // Programme staff give him a place from the waitlist.
    d.login("programme");
    open_from_home(&mut d, "Programmes and rosters");
    let s = d.screen();
    assert!(s.contains("LIT1") && s.contains("1/10"), "{s}");
    insta::assert_snapshot!("programmes", s);
    d.key(KeyCode::Enter).key(KeyCode::Tab);
    let s = d.screen();
    assert!(s.contains("1 matching need, waiting 0 days"), "{s}");
    insta::assert_snapshot!("programme_waitlist", s);
    d.text("g");
    let s = d.screen();
    assert!(s.contains("has a place in Adult literacy"), "{s}");
    assert!(s.contains("Waitlist (0)"), "{s}");

    // The register of this morning's session: everyone attended but one, who is sick.
    d.key(KeyCode::Tab);
    let s = d.screen();
    assert!(
        s.contains("Wed 2026-11-25") && s.contains("0 of 2 marked"),
        "{s}"
    );
    // Today's session is the one selected, and says so.
    assert!(
        s.contains(">Wed 2026-11-25") && s.contains("(today)"),
        "{s}"
    );
    d.key(KeyCode::Down).key(KeyCode::Enter);
    d.text("y");
    let s = d.screen();
    assert!(s.contains("2 marked attended"), "{s}");
    // Okello, first on the register, was sick.
    d.key(KeyCode::Enter).text("s");
    insta::assert_snapshot!("register_exception", d.screen());
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("1 attended, 1 absent, 0 not marked"), "{s}");
    insta::assert_snapshot!("register", s);

    // Participation: the group shows each person's attendance so far.
    d.key(KeyCode::Esc).key(KeyCode::Tab);
    let s = d.screen();
    let row = |who: &str| {
        s.lines()
            .find(|l| l.contains(who))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("Абенов").contains("100% of 1"), "{s}");
    // Sickness is excused: nothing counts against Okello yet.
    assert!(row("Okello").trim_end().ends_with('-'), "{s}");
    insta::assert_snapshot!("programme_group", s);

    let store = Store::open(&fx.path).unwrap();
    let group = store
        .programme_referrals(programme, ReferralStatus::Allocated)
        .unwrap();
    assert_eq!(group.len(), 2);
    let okello = group.iter().find(|r| r.prisoner_id == fx.okello).unwrap();
    let slots = store.programme(programme).unwrap().slots;
    let register = store
        .session_register(slots[1].id, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
        .unwrap();
    let mark = register
        .iter()
        .find(|l| l.referral.id == okello.id)
        .unwrap();
    assert_eq!(mark.outcome, Some(Outcome::Sick));
    assert!(store.verify_audit().unwrap().is_none());
}

#[test]
fn a_full_group_is_explained_and_cannot_be_overridden() {
    let fx = fixture::build();
    let programme = literacy(&fx, 1);
    {
        let mut store = Store::open(&fx.path).unwrap();
        store
            .refer(
                &Actor::system("assessor", fixture::t0()),
                programme,
                fx.okello,
                None,
                "",
            )
            .unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    open_from_home(&mut d, "Programmes and rosters");
    d.key(KeyCode::Enter).key(KeyCode::Tab).text("g");
    let s = d.screen();
    assert!(s.contains("the group is full (1 of 1 places taken)"), "{s}");
    assert!(s.contains("cannot be overridden"), "{s}");
    insta::assert_snapshot!("place_refused", s);
    d.key(KeyCode::F(2));
    assert!(d.screen().contains("Not done: cannot allocate"));
}

#[test]
fn the_timetable_and_the_unlock_list_show_the_week() {
    let fx = fixture::build();
    literacy(&fx, 10);
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("P")
        .key(KeyCode::Tab);
    let s = d.screen();
    // Placed on Wednesday: Monday's session was before their place.
    assert!(
        s.contains("Week 2026-W48") && s.contains("Wed 25") && !s.contains("Mon 23"),
        "{s}"
    );
    insta::assert_snapshot!("timetable", s);
    d.key(KeyCode::Right);
    let s = d.screen();
    assert!(s.contains("Mon 30") && s.contains("Wed 02"), "{s}");
    for _ in 0..5 {
        if d.screen().contains(" Menu ") {
            break;
        }
        d.key(KeyCode::Esc);
    }
    open_from_home(&mut d, "Programmes and rosters");
    d.text("u");
    let s = d.screen();
    assert!(
        s.contains("1 to unlock") && s.contains("Adult literacy"),
        "{s}"
    );
    insta::assert_snapshot!("unlock_list", s);
    // Printed as shown: the preview of the same list, with the page header.
    d.ctrl('p');
    let s = d.screen();
    assert!(
        s.contains("Unlock list") && s.contains("Page 1 of 1"),
        "{s}"
    );
    assert!(
        s.contains("Adult literacy, Classroom 1") && s.contains("[ ]"),
        "{s}"
    );
    insta::assert_snapshot!("unlock_print_preview", s);
}

#[test]
fn programme_staff_are_not_told_who_is_a_violent_extremist() {
    let fx = fixture::build();
    // Four places at 20%: no room for a VEP without a supervisor, and Okello carries the flag.
    let programme = literacy(&fx, 4);
    {
        let mut store = Store::open(&fx.path).unwrap();
        store
            .refer(
                &Actor::system("assessor", fixture::t0()),
                programme,
                fx.okello,
                None,
                "",
            )
            .unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("programme");
    open_from_home(&mut d, "Programmes and rosters");
    d.key(KeyCode::Enter).key(KeyCode::Tab).text("g");
    let s = d.screen();
    assert!(s.contains("security placement: ask a supervisor"), "{s}");
    assert!(
        s.contains("Only a supervisor may give this place anyway"),
        "{s}"
    );
    assert!(!s.contains("extremist") && !s.contains("VEP"), "{s}");
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Not done: needs a supervisor"), "{s}");
    assert!(!s.contains("extremist"), "{s}");
}

/// Moves down the home menu to the entry with this label and opens it.
fn open_from_home(d: &mut Driver, label: &str) {
    let home = d.screen();
    let down = home
        .lines()
        .skip_while(|l| !l.contains("Menu"))
        .position(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} on the home menu:\n{home}"));
    for _ in 1..down {
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter);
}

#[test]
fn a_release_plan_is_kept_from_the_list_of_releases_due() {
    let fx = fixture::build();
    literacy(&fx, 10);
    {
        let mut store = Store::open(&fx.path).unwrap();
        store
            .write(
                &Actor::system("officer", fixture::t0()),
                warden::domain::auth::Need::To(warden::domain::auth::Permission::ConfigureStation),
                "test",
                |tx| {
                    tx.execute(
                        "UPDATE prisoner SET expected_release = '2026-12-10' WHERE id = ?1",
                        [fx.okello],
                    )?;
                    Ok(())
                },
            )
            .unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("programme");
    open_from_home(&mut d, "Releases and their plans");
    let s = d.screen();
    assert!(
        s.contains("2026-12-10") && s.contains("Okello") && s.contains("NO"),
        "{s}"
    );
    insta::assert_snapshot!("releases_due", s);
    d.key(KeyCode::Enter).text("e");
    d.key(KeyCode::Right)
        .key(KeyCode::Tab)
        .text("with his sister in Gulu")
        .key(KeyCode::F(2));
    d.text("n")
        .text("Prisoners' Aid Uganda")
        .key(KeyCode::Tab)
        .text("0772 000111")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .text("2026-12-01")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("appointment") && s.contains("before the expected release"),
        "{s}"
    );
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.text("2026-12-11").key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Referral to Prisoners' Aid Uganda added."),
        "{s}"
    );
    assert!(
        s.contains("Documents ready  yes") && s.contains("with his sister in Gulu"),
        "{s}"
    );
    assert!(s.contains("Needs still open literacy, housing"), "{s}");
    insta::assert_snapshot!("release_plan", s);
}

/// Okello and Abenov must now be kept apart: a non-association recorded after both had places.
fn keep_apart(fx: &fixture::Fixture) {
    use warden::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
    let mut store = Store::open(&fx.path).unwrap();
    store
        .add_non_association(
            &Actor::system("officer", fixture::t0()),
            &NonAssociation {
                id: 0,
                first: fx.okello,
                first_role: NaRole::Victim,
                second: fx.abenov,
                second_role: NaRole::Perpetrator,
                reason: NaReason::Violence,
                scope: NaScope::Unit,
                comment: "fight at the classroom door".into(),
                start: d("2026-11-24"),
                expiry: None,
                closed: None,
            },
        )
        .unwrap();
}

#[test]
fn two_who_must_be_kept_apart_are_marked_in_the_group_and_in_search_results() {
    let fx = fixture::build();
    let programme = literacy(&fx, 10);
    {
        let mut store = Store::open(&fx.path).unwrap();
        let a = Actor::system("programme", fixture::t0());
        let r = store
            .refer(&a, programme, fx.okello, Some("need_literacy"), "")
            .unwrap();
        store.allocate_place(&a, r, None).unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("programme");
    open_from_home(&mut d, "Programmes and rosters");
    d.key(KeyCode::Enter);
    let s = d.screen();
    assert!(!s.contains("APART!"), "{s}");
    keep_apart(&fx);
    // Reopened: both rows carry the mark.
    d.key(KeyCode::Esc).key(KeyCode::Enter);
    let s = d.screen();
    let marked = s
        .lines()
        .filter(|l| l.trim_end().ends_with("APART!"))
        .count();
    assert_eq!(marked, 2, "{s}");
    insta::assert_snapshot!("programme_group_apart", s);

    // Search results that list both mark both; a list with only one of them marks nobody.
    d.key(KeyCode::F(10))
        .login("officer")
        .text("/")
        .text("LUZ/2026");
    let s = d.screen();
    assert_eq!(s.matches("APART!").count(), 2, "{s}");
    insta::assert_snapshot!("search_apart", s);
    for _ in 0.."LUZ/2026".len() {
        d.key(KeyCode::Backspace);
    }
    d.text("okello");
    let s = d.screen();
    assert!(s.contains("Okello") && !s.contains("APART!"), "{s}");
}

/// A comment typed for an absence is a draft like any other: a dropped line loses nothing (issue 18, item 7).
#[test]
fn an_attendance_comment_survives_a_dropped_session() {
    let fx = fixture::build();
    literacy(&fx, 10);
    let open_mark = |d: &mut Driver| {
        d.login("programme");
        open_from_home(d, "Programmes and rosters");
        d.key(KeyCode::Enter).key(KeyCode::Tab).key(KeyCode::Tab);
        d.key(KeyCode::Down).key(KeyCode::Enter);
        d.key(KeyCode::Enter);
    };
    {
        let mut d = Driver::new(&fx.path);
        open_mark(&mut d);
        d.text("s")
            .key(KeyCode::Tab)
            .text("felt unwell at breakfast");
        d.app.flush_drafts();
        // Dropped here without F2 or Esc: as if the line went.
    }
    let mut d = Driver::new(&fx.path);
    open_mark(&mut d);
    let s = d.screen();
    assert!(
        s.contains("Restored what you were typing") && s.contains("felt unwell at breakfast"),
        "{s}"
    );
    d.key(KeyCode::F(2));
    d.app.flush_drafts();
    // Saved: the draft is gone, so the next mark starts clean.
    d.key(KeyCode::Enter);
    let s = d.screen();
    assert!(!s.contains("Restored what you were typing"), "{s}");
}

#[test]
fn ctrl_p_in_a_programme_prints_that_programme_only() {
    let fx = fixture::build();
    literacy(&fx, 10);
    {
        let mut store = Store::open(&fx.path).unwrap();
        let luz = store.facility_by_code("LUZ").unwrap().unwrap().id;
        store
            .add_programme(
                &Actor::system("programme", fixture::t0()),
                &Programme {
                    id: 0,
                    facility_id: luz,
                    code: "CARP".into(),
                    name: "Carpentry".into(),
                    category: Category::Vocational,
                    provider: "staff".into(),
                    facilitators: vec!["Okot James".into()],
                    room: "Workshop".into(),
                    capacity: 8,
                    starts_on: d("2026-11-02"),
                    ends_on: d("2027-01-29"),
                    eligibility: Eligibility::default(),
                    completion_percent: 80,
                    vep_share_percent: 20,
                    slots: vec![slot(2, "14:00", "16:00")],
                },
            )
            .unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    open_from_home(&mut d, "Programmes and rosters");
    // A facilitator's list: / and part of their name keeps their programmes only; empty shows all again.
    d.text("/").text("okot").key(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("Only those with 'okot'"), "{s}");
    assert!(s.contains("CARP") && !s.contains("LIT1"), "{s}");
    d.text("/").ctrl('u').key(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("CARP") && s.contains("LIT1"), "{s}");
    assert!(!s.contains("Only those with"), "{s}");
    // The list is by name: Adult literacy, then Carpentry.
    d.key(KeyCode::Home).key(KeyCode::Enter);
    assert!(d.screen().contains("Adult literacy"), "{}", d.screen());
    assert!(d.screen().contains("^P print"), "{}", d.screen());
    d.ctrl('p');
    let s = d.screen();
    assert!(s.contains("Programme roster: LIT1 Adult literacy"), "{s}");
    assert!(s.contains("Classroom 1") && !s.contains("Carpentry"), "{s}");
}

#[test]
fn a_programme_is_made_and_changed_on_screen() {
    let fx = fixture::build();
    literacy(&fx, 10);
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    open_from_home(&mut d, "Programmes and rosters");
    d.text("n");
    insta::assert_snapshot!("programme_form_new", d.screen());
    d.text("CBT2")
        .key(KeyCode::Tab)
        .text("Thinking skills")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .text("Okot James")
        .key(KeyCode::Tab)
        .text("Hall")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .text("Tue 14:00-16:00, Thu 16:00-14:00")
        .key(KeyCode::Tab)
        .text("2026-12-01")
        .key(KeyCode::Tab)
        .text("2027-02-26")
        .key(KeyCode::F(2));
    // The bad session is named on its field; nothing is saved.
    let s = d.screen();
    assert!(
        s.contains("ends: 14:00 is not after the start 16:00"),
        "{s}"
    );
    assert!(
        Store::open(&fx.path)
            .unwrap()
            .programmes(
                Store::open(&fx.path)
                    .unwrap()
                    .facility_by_code("LUZ")
                    .unwrap()
                    .unwrap()
                    .id,
                None
            )
            .unwrap()
            .len()
            == 1
    );
    // The focus is on the field named.
    d.ctrl('u')
        .text("Tue 14:00-16:00, Thu 14:00-16:00")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Programme CBT2 saved."), "{s}");
    assert!(
        s.contains("Thinking skills") && s.contains("Tue Thu 14:00-16:00"),
        "{s}"
    );

    // Change literacy (first by name): Abenov holds its only place, so one place is still enough.
    d.key(KeyCode::Home).text("e");
    assert!(
        d.screen().contains("Change programme LIT1"),
        "{}",
        d.screen()
    );
    for _ in 0..6 {
        d.key(KeyCode::Tab);
    }
    d.ctrl('u').text("0").key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Places: a whole number from 1 to 500"), "{s}");
    d.ctrl('u').text("1").key(KeyCode::F(2));
    assert!(
        d.screen().contains("Programme LIT1 saved."),
        "{}",
        d.screen()
    );
    let store = Store::open(&fx.path).unwrap();
    let luz = store.facility_by_code("LUZ").unwrap().unwrap().id;
    let lit = store
        .programmes(luz, None)
        .unwrap()
        .into_iter()
        .find(|p| p.code == "LIT1")
        .unwrap();
    assert_eq!(lit.capacity, 1);
}
