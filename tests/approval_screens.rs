//! Snapshot tests at 80x24, in colour and in monochrome ASCII, of what happens after an assessment is finalised:
//! a supervisor sends an override back, its author finds it under "Sent back to me" and amends it; an event
//! brings a review forward and the home screen counts the reviews due per facility. Also the form filler and its
//! review page in the colour theme (the older assessment tests are monochrome only).

// Shared with the other screen tests; not every helper is used here.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::KeyCode;
use driver::Driver;
use warden::domain::estate::SecurityLevel;
use warden::store::Store;

/// Runs `journey` once in monochrome ASCII and once in colour, each on a fresh fixture; `snap` names carry the
/// theme.
fn both(journey: impl Fn(&mut Driver, &fixture::Fixture, &dyn Fn(&Driver, &str))) {
    for mono in [true, false] {
        let fx = fixture::build();
        let mut d = Driver::with_theme(&fx.path, mono);
        let theme = if mono { "mono" } else { "colour" };
        journey(&mut d, &fx, &|d: &Driver, name: &str| {
            insta::assert_snapshot!(format!("{name}_{theme}"), d.screen());
        });
    }
}

fn shows(d: &Driver, what: &str) {
    let s = d.screen();
    assert!(s.contains(what), "expected {what:?} in:\n{s}");
}

/// Opens the home menu entry starting with `label`.
fn menu(d: &mut Driver, label: &str) {
    d.key(KeyCode::Home);
    for _ in 0..20 {
        let s = d.screen();
        if s.contains(&format!(">{label}")) || s.contains(&format!("> {label}")) {
            d.key(KeyCode::Enter);
            return;
        }
        d.key(KeyCode::Down);
    }
    panic!("no menu entry {label:?} in:\n{}", d.screen());
}

fn log_out(d: &mut Driver) {
    d.key(KeyCode::F(10));
    shows(d, "Sign in");
}

/// The assessor finalises Okello's initial classification (scored minimum) with an override to medium.
fn finalise_with_override(d: &mut Driver) {
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .key(KeyCode::F(3))
        .text("nn1221222")
        .text("1")
        .key(KeyCode::F(2))
        .text("2")
        .key(KeyCode::Tab)
        .text("Intelligence report of a planned escape")
        .key(KeyCode::F(2));
    shows(d, "awaiting a supervisor's approval");
}

#[test]
fn an_override_sent_back_goes_to_its_author_who_amends_it() {
    both(|d, fx, snap| {
        finalise_with_override(d);
        log_out(d);
        d.login("supervisor");
        menu(d, "Approvals");
        d.key(KeyCode::Enter);
        shows(d, "d send back");
        d.text("d");
        shows(d, "Send back: LUZ/2026/00001 Okello, John Bosco");
        // Enter in a one-field popup finishes it, as F2 does (issue 18, item 6): an empty reason is refused.
        d.key(KeyCode::Enter);
        shows(d, "say why it is sent back");
        // Too short a reason is refused at the field and nothing is sent back.
        d.text("no").key(KeyCode::F(2));
        shows(d, "10 characters or more");
        snap(d, "send_back_refused");
        for _ in 0..2 {
            d.key(KeyCode::Backspace);
        }
        d.text("The escape report names another man: check it")
            .key(KeyCode::F(2));
        shows(
            d,
            "Sent back to assessor: LUZ/2026/00001 Okello, John Bosco.",
        );
        shows(d, "Nothing is awaiting approval.");
        let store = Store::open(&fx.path).unwrap();
        assert_eq!(
            store.custody_level(fx.okello).unwrap(),
            None,
            "a classification sent back sets no level"
        );
        d.key(KeyCode::Esc);
        log_out(d);
        d.login("assessor");
        shows(d, "Sent back to me (1)");
        menu(d, "Sent back to me");
        shows(d, "Okello, John Bosco | Initial custody classification");
        shows(
            d,
            "Sent back by supervisor on 2026-11-25: The escape report names another man:",
        );
        snap(d, "queue_sent_back");
        d.key(KeyCode::Enter);
        shows(d, "Sent back by supervisor");
        snap(d, "amend_after_send_back");
        // F2 opens the amendment in the form filler at once, every answer carried over.
        d.key(KeyCode::F(2));
        shows(d, "Amendment opened as your draft");
        shows(d, "Answered 11 of 11 required");
        d.key(KeyCode::Esc);
        shows(d, "Nothing of yours was sent back.");
        // The record tells the story.
        d.key(KeyCode::Esc)
            .text("/")
            .text("okello")
            .key(KeyCode::Enter)
            .key(KeyCode::End);
        shows(d, "Custody level not assessed yet");
        shows(d, "sent back by supervisor");
    });
}

#[test]
fn a_lenient_override_does_not_bind_the_allocator_until_approved() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    // Scored medium (a recent escape from secure custody), overridden down to minimum.
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .key(KeyCode::F(3))
        .text("nn1241222")
        .text("1")
        .key(KeyCode::F(2));
    shows(&d, "Medium");
    d.text("1")
        .key(KeyCode::Tab)
        .text("Long record of trusted work outside the walls")
        .key(KeyCode::F(2));
    shows(&d, "awaiting a supervisor's approval");
    let store = Store::open(&fx.path).unwrap();
    assert_eq!(
        store.custody_level(fx.okello).unwrap(),
        Some(SecurityLevel::Medium)
    );
    d.key(KeyCode::Esc)
        .key(KeyCode::Esc)
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .key(KeyCode::End);
    shows(
        &d,
        "Custody level medium (override to minimum awaits approval)",
    );
}

#[test]
fn an_event_brings_a_review_forward_and_home_counts_it_by_facility() {
    both(|d, fx, snap| {
        finalise_with_override(d);
        log_out(d);
        d.login("supervisor");
        shows(d, "Reviews due (0, 0 overdue)");
        shows(d, "No review is due.");
        d.text("/").text("okello").key(KeyCode::Enter).text("A");
        // The finalised classification is listed to open read-only or, with R, to review early.
        for _ in 0..10 {
            if d.screen().contains(">Finalised: Initial custody")
                || d.screen().contains("> Finalised: Initial custody")
            {
                break;
            }
            d.key(KeyCode::Down);
        }
        shows(d, "R review early");
        d.text("R");
        shows(d, "Review early: Initial custody classification");
        snap(d, "review_early");
        d.key(KeyCode::Tab).text("fight").key(KeyCode::F(2));
        shows(d, "10 characters or more");
        d.text(" on 24 November, found guilty").key(KeyCode::F(2));
        shows(
            d,
            "Review of Initial custody classification brought forward to today.",
        );
        d.key(KeyCode::Esc).key(KeyCode::Esc);
        shows(d, "Reviews due (1, 0 overdue)");
        shows(d, "LUZ            1 due     0 overdue");
        snap(d, "home_reviews_by_facility");
        menu(d, "Reviews due");
        shows(d, "2026-11-25 (new_conviction)");
        d.key(KeyCode::Enter).key(KeyCode::End);
        shows(d, "review called 2026-11-25 (new_conviction)");
        let store = Store::open(&fx.path).unwrap();
        let due = store.reviews_due(fixture::t0().date_naive()).unwrap();
        assert_eq!(due.len(), 1);
    });
}

#[test]
fn the_form_filler_and_its_review_page_in_colour() {
    let fx = fixture::build();
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A");
    insta::assert_snapshot!("pick_colour", d.screen());
    d.key(KeyCode::Down).key(KeyCode::Enter);
    shows(&d, "Section 1 of 3: The person");
    insta::assert_snapshot!("filler_colour", d.screen());
    d.key(KeyCode::F(3))
        .text("nn1221222")
        .text("1")
        .key(KeyCode::F(2));
    shows(&d, "Minimum");
    insta::assert_snapshot!("review_colour", d.screen());
}

#[test]
fn reviews_show_only_for_roles_that_do_them() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    // Officers fill in admission checks (no review schedule): drafts yes, reviews no.
    d.login("officer");
    shows(&d, "My drafts (0)");
    let home = d.screen();
    assert!(!home.contains("Reviews due"), "{home}");
    d.key(KeyCode::F(10));
    d.login("assessor");
    shows(&d, "Reviews due (0, 0 overdue)");
    shows(&d, "No review is due.");
}
