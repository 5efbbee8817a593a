//! Snapshot tests at 80x24, in colour and in monochrome ASCII, of issue 17's cases and release dates on screen:
//! a record with two cases (one on remand, one sentenced) and its expected release with the working; and a
//! supervisor's Home listing the person held past their release date.

// Shared with the other screen tests; not every helper is used here.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use driver::Driver;
use warden::domain::sentence::*;
use warden::store::{Actor, Store};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn case(reference: &str, court: &str, committed: &str, sentence: Option<Sentence>) -> Case {
    Case {
        id: 0,
        warrant: Warrant {
            reference: reference.into(),
            court: court.into(),
            issued: d(committed),
            expires: None,
        },
        offence: "Robbery".into(),
        class: OffenceClass::Grave,
        committed: d(committed),
        sentence,
    }
}

/// Abenov: a sentence of 3 years and a later one consecutive to it, with Uganda's rules; Okello (on remand in
/// the fixture) given a 6-month sentence long served, so he is held past his release date.
fn with_cases(fx: &fixture::Fixture) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    store
        .set_release_rules(&a, &ReleaseRules::preset("uganda"))
        .unwrap();
    // His admission's sentence fields made a first case; the warrants below replace it, as staff would.
    let carried = store.cases(fx.abenov).unwrap();
    assert_eq!(carried.len(), 1, "the admission's sentence is a case");
    store
        .remove_case(&a, carried[0].id, "the warrants are entered below")
        .unwrap();
    let first = store
        .add_case(
            &a,
            fx.abenov,
            &case(
                "HC-CR-42/2025",
                "High Court, Kampala",
                "2025-11-02",
                Some(Sentence {
                    length: Length::months(36),
                    start: d("2026-01-10"),
                    relation: Relation::Concurrent(None),
                }),
            ),
        )
        .unwrap();
    store
        .add_case(
            &a,
            fx.abenov,
            &case(
                "CM-77/2026",
                "Chief Magistrate, Nakawa",
                "2026-02-01",
                Some(Sentence {
                    length: Length::parse("6m 15d").unwrap(),
                    start: d("2026-03-01"),
                    relation: Relation::ConsecutiveTo(first),
                }),
            ),
        )
        .unwrap();
    let mut remand = case(
        "CR-1234/2026",
        "Chief Magistrate, Nakawa",
        "2026-01-05",
        None,
    );
    remand.warrant.expires = Some(d("2026-12-03"));
    let remand = store.add_case(&a, fx.okello, &remand).unwrap();
    store
        .set_sentence(
            &a,
            remand,
            Some(&Sentence {
                length: Length::months(6),
                start: d("2026-01-05"),
                relation: Relation::Concurrent(None),
            }),
        )
        .unwrap();
}

fn both(journey: impl Fn(&mut Driver, &fixture::Fixture, &dyn Fn(&Driver, &str))) {
    for mono in [true, false] {
        let fx = fixture::build();
        with_cases(&fx);
        let mut d = Driver::with_theme(&fx.path, mono);
        let theme = if mono { "mono" } else { "colour" };
        journey(&mut d, &fx, &|d: &Driver, name: &str| {
            insta::assert_snapshot!(format!("{name}_{theme}"), d.screen());
        });
    }
}

#[test]
fn the_record_shows_the_cases_and_how_the_release_was_worked_out() {
    both(|d, _, snap| {
        d.login("officer")
            .text("/")
            .text("абен")
            .key(KeyCode::Enter);
        // Down to the cases, which follow the legal fields.
        for _ in 0..60 {
            if d.screen()
                .lines()
                .nth(4)
                .is_some_and(|l| l.contains("Cases and expected release"))
            {
                break;
            }
            d.key(KeyCode::Down);
        }
        let s = d.screen();
        assert!(s.contains("HC-CR-42/2025, High Court, Kampala"), "{s}");
        assert!(s.contains("consecutive to HC-CR-42/2025"), "{s}");
        snap(d, "record_cases");
        for _ in 0..12 {
            d.key(KeyCode::Down);
        }
        let s = d.screen();
        // 3y then 6m 15d: 2026-01-10 to 2029-07-25, 1292 days; a third off is 430 days.
        assert!(s.contains("Remission 1/3 of 1292 days"), "{s}");
        assert!(s.contains("Expected release: 2028-05-21"), "{s}");
        snap(d, "record_working");
    });
}

#[test]
fn supervisors_see_who_is_held_past_release_on_home() {
    both(|d, _, snap| {
        d.login("supervisor");
        let s = d.screen();
        assert!(s.contains("Past release date"), "{s}");
        assert!(s.contains("LUZ/2026/00001 Okello"), "{s}");
        // Six months from 2026-01-05 less a third (60 days): released 2026-05-06, 203 days before 2026-11-25.
        assert!(s.contains("203 days"), "{s}");
        snap(d, "home_past_release");
    });
    // Not an officer's alert.
    let fx = fixture::build();
    with_cases(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("officer");
    assert!(!d.screen().contains("Past release date"));
}

#[test]
fn an_officer_records_a_case_from_the_record_and_bad_input_names_the_field() {
    both(|d, _, snap| {
        d.login("officer")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter)
            .text("n");
        snap(d, "case_choose");
        d.key(KeyCode::F(2));
        assert!(d.screen().contains("A new case"), "{}", d.screen());
        d.text("CR-9/2026")
            .key(KeyCode::Tab)
            .text("Chief Magistrate, Nakawa")
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .text("Theft")
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .text("0d")
            .key(KeyCode::Tab)
            .text("2026-11-01")
            .key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("Sentence length: ends on or before its start"),
            "{s}"
        );
        snap(d, "case_refused");
        d.key(KeyCode::BackTab)
            .key(KeyCode::Backspace)
            .key(KeyCode::Backspace)
            .text("1y")
            .key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("Saved; the expected release"), "{s}");
        let store = d.app.store();
        let people = store.search("okello", 5).unwrap();
        let cases = store.cases(people[0].id).unwrap();
        assert_eq!(cases.len(), 2, "{cases:?}");
        assert_eq!(cases[1].warrant.reference, "CR-9/2026");
    });
}

/// Okello on remand since 2026-01-05 on a serious charge, his remand warrant running to his court date
/// (2026-12-03), with Uganda's remand limits: on the court list that day and 264 days past his limit.
fn on_remand(fx: &fixture::Fixture) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    store
        .set_remand_limits(&a, &RemandLimits::preset("uganda"))
        .unwrap();
    let mut remand = case(
        "CR-1234/2026",
        "Chief Magistrate, Nakawa",
        "2026-01-05",
        None,
    );
    remand.class = OffenceClass::Serious;
    remand.warrant.expires = Some(d("2026-12-03"));
    store.add_case(&a, fx.okello, &remand).unwrap();
}

fn to_report(d: &mut Driver, title: &str) {
    for _ in 0..30 {
        if d.screen().lines().any(|l| l.contains(">Reports")) {
            break;
        }
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter);
    for _ in 0..20 {
        if d.screen().lines().any(|l| l.contains(&format!(">{title}"))) {
            d.key(KeyCode::Enter);
            return;
        }
        d.key(KeyCode::Down);
    }
    panic!("no report {title}:\n{}", d.screen());
}

#[test]
fn the_court_list_is_on_screen_by_day_and_refuses_a_past_day() {
    for mono in [true, false] {
        let fx = fixture::build();
        on_remand(&fx);
        let mut d = Driver::with_theme(&fx.path, mono);
        let theme = if mono { "mono" } else { "colour" };
        d.login("officer");
        to_report(&mut d, "Court production list");
        let s = d.screen();
        assert!(
            s.contains("Nobody in custody has a court date on 2026-11-25"),
            "{s}"
        );
        // Yesterday is refused, naming why; the list stays on today.
        d.key(KeyCode::Left);
        let s = d.screen();
        assert!(
            s.contains("the production list is for today (2026-11-25)"),
            "{s}"
        );
        for _ in 0..8 {
            d.key(KeyCode::Right);
        }
        let s = d.screen();
        assert!(s.contains("1 to produce at one court on 2026-12-03"), "{s}");
        assert!(s.contains("Chief Magistrate, Nakawa (1)"), "{s}");
        assert!(s.contains("LUZ/2026/00001"), "{s}");
        assert!(s.contains("A/A-01"), "{s}");
        insta::assert_snapshot!(format!("court_list_{theme}"), d.screen());
    }
}

#[test]
fn the_remand_limit_report_is_on_screen() {
    for mono in [true, false] {
        let fx = fixture::build();
        on_remand(&fx);
        let mut d = Driver::with_theme(&fx.path, mono);
        let theme = if mono { "mono" } else { "colour" };
        d.login("supervisor");
        to_report(&mut d, "Remand past the statutory limit");
        let s = d.screen();
        // 2026-01-05 to 2026-11-25: 324 days; serious: 60.
        assert!(s.contains("  264   324    60 LUZ/2026/00001"), "{s}");
        insta::assert_snapshot!(format!("remand_limit_{theme}"), d.screen());
    }
}

#[test]
fn an_officer_corrects_a_case_and_removes_one_entered_in_error() {
    let fx = fixture::build();
    on_remand(&fx);
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    store
        .add_case(
            &a,
            fx.okello,
            &case("CR-9/2026", "High Court, Gulu", "2026-02-01", None),
        )
        .unwrap();
    drop(store);
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("n");
    // Correct: the fourth choice, then the first case; its fields come filled in.
    for _ in 0..3 {
        d.key(KeyCode::Right);
    }
    assert!(
        d.screen().contains("Correct a case as entered"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::F(2));
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("CR-1234/2026"), "{s}");
    insta::assert_snapshot!("case_correct", s);
    // A sentence that ends before it starts is refused on its field; nothing saved.
    for _ in 0..7 {
        d.key(KeyCode::Tab);
    }
    d.text("0d")
        .key(KeyCode::Tab)
        .text("2026-11-01")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Sentence length: ends on or before its start"),
        "{s}"
    );
    // The focus is still on the start: clear it and the length, and correct the court instead.
    d.ctrl('u').key(KeyCode::BackTab).ctrl('u');
    for _ in 0..6 {
        d.key(KeyCode::BackTab);
    }
    d.ctrl('u')
        .text("Chief Magistrate, Makindye")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Saved; the expected release"), "{s}");
    {
        let store = d.app.store();
        let cases = store.cases(fx.okello).unwrap();
        assert_eq!(
            cases[0].warrant.court, "Chief Magistrate, Makindye",
            "{cases:?}"
        );
        assert_eq!(cases[0].sentence, None);
    }
    // Remove the second case: a reason is required.
    d.text("n");
    for _ in 0..4 {
        d.key(KeyCode::Right);
    }
    assert!(
        d.screen().contains("Remove a case entered in error"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::F(2));
    d.key(KeyCode::Right).key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Why it is removed: required"), "{s}");
    d.key(KeyCode::Tab)
        .text("entered on the wrong record")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Removed; the expected release"), "{s}");
    let store = d.app.store();
    let cases = store.cases(fx.okello).unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0].warrant.reference, "CR-1234/2026");
}
