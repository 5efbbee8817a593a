//! Snapshot tests of the assessment screens at 80x24 (monochrome, ASCII), driven by key presses: choosing a
//! form from the record, filling it section by section, an answer refused at the field, the review page with
//! its scores, a discretionary override and the record's assessment history.

// Not every test file uses every step of the shared driver.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::KeyCode;
use driver::Driver;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use warden::store::{ApprovalState, Store};

/// The steps these tests share, on the shared screen driver.
trait Steps {
    fn menu(&mut self, label: &str) -> &mut Self;
    fn snap(&self, name: &str);
    fn shows(&self, what: &str) -> &Self;
}

impl Steps for Driver {
    /// Moves the home menu's selection to the entry starting with `label` and opens it.
    fn menu(&mut self, label: &str) -> &mut Self {
        self.key(KeyCode::Home);
        for _ in 0..20 {
            if self.screen().contains(&format!(">{label}")) {
                return self.key(KeyCode::Enter);
            }
            self.key(KeyCode::Down);
        }
        panic!("no menu entry {label:?} in:\n{}", self.screen());
    }

    /// These screens are only tested in monochrome ASCII, so the snapshot name has no theme.
    fn snap(&self, name: &str) {
        insta::assert_snapshot!(name, self.screen());
    }

    fn shows(&self, what: &str) -> &Self {
        let s = self.screen();
        assert!(s.contains(what), "expected {what:?} in:\n{s}");
        self
    }
}

#[test]
fn an_assessor_fills_custody_initial_reviews_it_and_overrides_the_result() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A");
    d.shows("Initial custody classification (v1)");
    d.snap("assessment_pick");
    // admission_checks is first by file name; custody_initial second.
    d.key(KeyCode::Down).key(KeyCode::Enter);
    // Sex and date of birth come from the register record.
    d.shows("Section 1 of 3: The person")
        .shows("Answered 2 of 11 required")
        .shows("1990-03-14");
    d.snap("assessment_person");
    // A date that is not one: refused beside the field, and what was typed stays.
    d.key(KeyCode::Down);
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.text("1990-13-01").key(KeyCode::Enter);
    d.shows("! a date as YYYY-MM-DD, please")
        .shows("1990-13-01")
        .shows("1 not accepted");
    d.snap("assessment_refused");
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.text("1990-03-14").key(KeyCode::Enter);
    // Yes/no by letter; each answer moves on, the last of a section to the next section.
    d.text("nn");
    d.shows("Section 2 of 3: Schedule A");
    d.text("1221");
    d.shows("Section 3 of 3: Schedule B");
    d.text("222").text("1");
    d.shows("Answered 11 of 11 required");
    d.snap("assessment_schedule_b");
    d.key(KeyCode::F(2));
    d.shows("Grand total (Schedule A + Schedule B): 6  6 or less: minimum")
        .shows("Custody level: Minimum")
        .shows("Next review: 2027-11-25");
    d.snap("assessment_review");
    d.text("2")
        .key(KeyCode::Tab)
        .text("Intelligence report of a planned escape from the work party");
    d.snap("assessment_override");
    d.key(KeyCode::F(2));
    d.shows("Finalised: medium; awaiting a supervisor's approval.");
    d.key(KeyCode::End);
    d.shows("Custody level medium, awaiting approval; next review 2027-11-25");
    let store = Store::open(&fx.path).unwrap();
    let (done, _) = store.custody_assessment(fx.okello).unwrap().unwrap();
    assert_eq!(done.override_result.as_deref(), Some("medium"));
    assert_eq!(done.approval, ApprovalState::Pending);
    assert!(store.assessments_of_prisoner(fx.abenov).unwrap().is_empty());
}

#[test]
fn the_next_unanswered_question_is_one_key_away_and_leaving_keeps_the_draft() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter);
    // F3 skips the answered sex and date of birth to the first unanswered question.
    d.key(KeyCode::F(3));
    d.text("y");
    d.key(KeyCode::Esc);
    d.shows("Draft saved");
    d.text("A");
    d.shows("Continue your draft: Initial custody classification");
    d.key(KeyCode::Enter);
    d.shows("Answered 3 of 11 required");
}

/// As the first test: custody_initial for Okello, with a discretionary override to medium, by `who`.
fn finalise_with_override(fx: &fixture::Fixture) {
    finalise_with_override_by(fx, "assessor");
}

fn finalise_with_override_by(fx: &fixture::Fixture, who: &str) {
    let mut d = Driver::new(&fx.path);
    d.login(who)
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
    d.shows("awaiting a supervisor's approval");
}

#[test]
fn a_supervisor_approves_an_override_from_the_home_queue() {
    let fx = fixture::build();
    finalise_with_override(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    d.shows("Approvals (1)").shows("My drafts (0)");
    d.menu("Approvals");
    d.shows("LUZ/2026/00001 Okello, John Bosco | minimum -> medium | by assessor");
    d.snap("queue_approvals");
    d.key(KeyCode::Enter);
    d.shows("Override        Medium")
        .shows("Reason          Intelligence report of a planned escape")
        .shows("Scored result   Minimum");
    d.snap("queue_approval");
    d.key(KeyCode::F(2));
    d.shows("Approved: Medium for LUZ/2026/00001 Okello, John Bosco.")
        .shows("Nothing is awaiting approval.");
    let store = Store::open(&fx.path).unwrap();
    let (done, _) = store.custody_assessment(fx.okello).unwrap().unwrap();
    assert_eq!(done.approval, ApprovalState::Approved);
    assert_eq!(done.approved_by.as_deref(), Some("supervisor"));
}

#[test]
fn an_assessor_sees_no_approvals_and_continues_a_draft_from_home() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .key(KeyCode::F(3))
        .text("y")
        .key(KeyCode::Esc)
        .key(KeyCode::Esc)
        .key(KeyCode::Esc);
    d.shows("My drafts (1)");
    assert!(!d.screen().contains("Approvals"), "{}", d.screen());
    d.menu("My drafts");
    d.shows("2026-11-25 09:00  LUZ/2026/00001 Okello, John Bosco | Initial custody");
    d.snap("queue_drafts");
    d.key(KeyCode::Enter);
    d.shows("Answered 3 of 11 required");
}

#[test]
fn reviews_due_and_overdue_are_counted_on_home_and_listed_by_facility() {
    let fx = fixture::build();
    finalise_with_override(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    d.shows("Reviews due (0, 0 overdue)");
    // A year and five days on, the review of 2027-11-25 is overdue.
    let mut d = Driver::at(&fx.path, fixture::t0() + chrono::Duration::days(370));
    d.login("supervisor");
    d.menu("Reviews due");
    d.shows("Luzira Upper 2027-11-25 OVERDUE | LUZ/2026/00001 Okello, John Bosco");
    d.snap("queue_reviews");
    d.key(KeyCode::Esc);
    d.shows("Reviews due (1, 1 overdue)");
    d.menu("Reviews due").key(KeyCode::Enter);
    d.shows("In custody (remand) | age 37 | Luzira Upper, cell A-01");
}

#[test]
fn a_text_answer_typed_but_not_entered_survives_a_crash() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Enter);
    // admission_checks: a complaint of ill-treatment, then its details, typed with no Enter.
    d.text("y").text("Bruised left arm");
    d.shows("Bruised left arm");
    d.app.flush_drafts();
    let store = Store::open(&fx.path).unwrap();
    let draft = store.drafts_of("assessor").unwrap().pop().unwrap();
    assert!(!draft.answers_json.contains("Bruised"));
    // The process dies here: nothing else is written.
    drop(d);

    let mut d = Driver::new(&fx.path);
    d.login("assessor").menu("My drafts").key(KeyCode::Enter);
    d.shows("Restored 1 answer(s) you were typing")
        .shows("Bruised left arm");
    let saved = store.assessment(draft.id).unwrap().unwrap();
    assert!(
        saved.answers_json.contains("Bruised left arm"),
        "{}",
        saved.answers_json
    );
    // Entered now, so nothing is restored a second time.
    d.key(KeyCode::Esc).key(KeyCode::Esc);
    d.menu("My drafts").key(KeyCode::Enter);
    assert!(!d.screen().contains("Restored"), "{}", d.screen());
}

#[test]
fn a_supervisor_cannot_approve_their_own_override() {
    let fx = fixture::build();
    finalise_with_override_by(&fx, "supervisor");
    let mut d = Driver::new(&fx.path);
    d.login("supervisor").menu("Approvals (1)");
    d.shows("| by supervisor (yours)");
    d.key(KeyCode::Enter).key(KeyCode::F(2));
    d.shows("Not approved:");
    let store = Store::open(&fx.path).unwrap();
    let (row, _) = store.custody_assessment(fx.okello).unwrap().unwrap();
    assert_eq!(row.approval, ApprovalState::Pending);
    assert_eq!(row.approved_by, None);
}

#[test]
fn a_refused_typed_answer_is_kept_for_a_crash_and_forgotten_once_final() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .key(KeyCode::Down);
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.text("1990-13-01").key(KeyCode::Enter);
    d.shows("1 not accepted");
    d.app.flush_drafts();
    let store = Store::open(&fx.path).unwrap();
    let id = store.drafts_of("assessor").unwrap()[0].id;
    let key = format!("assessment:{id}:date_of_birth");
    let kept = store.draft("assessor", &key).unwrap();
    assert_eq!(kept.map(|(typed, _)| typed).as_deref(), Some("1990-13-01"));
    // The review is refused while an answer on screen is not the saved one; the focus goes back to it.
    d.key(KeyCode::F(2));
    d.shows("1 answer is not accepted: correct or clear it before the review");
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.text("1990-03-14");
    d.key(KeyCode::F(3))
        .text("nn1221222")
        .text("1")
        .key(KeyCode::F(2))
        .key(KeyCode::F(2));
    d.shows("Finalised: minimum");
    d.app.flush_drafts();
    assert_eq!(store.draft("assessor", &key).unwrap(), None);
}

#[test]
fn a_supervisor_audits_a_facility_from_the_estate_browser() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("supervisor").menu("Estate");
    d.text("A");
    d.shows("Assess KIR Kirinya")
        .shows("Prison security audit")
        .shows("Mandela");
    d.snap("assess_facility_pick");
    d.key(KeyCode::Down).key(KeyCode::Enter);
    d.shows("The audit visit");
    d.snap("assess_facility_form");
    // An officer may not audit: the forms name supervisors and administrators.
    let store = Store::open(&fx.path).unwrap();
    let drafts = store.drafts_of("supervisor").unwrap();
    assert_eq!(drafts.len(), 1);
    let kir = store.facility_by_code("KIR").unwrap().unwrap().id;
    assert_eq!(drafts[0].subject, warden::store::Subject::Facility(kir));
    assert_eq!(drafts[0].form_id, "security_audit");
    let mut d = Driver::new(&fx.path);
    d.login("officer").menu("Estate");
    d.text("A");
    d.shows("No form may be filled in by your role.");
}

#[test]
fn a_draft_is_discarded_from_my_drafts_after_asking() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter);
    // Opening a form and leaving without answering keeps nothing (issue 18, item 7).
    d.key(KeyCode::Esc);
    d.shows("no draft was kept");
    let store = Store::open(&fx.path).unwrap();
    assert!(store.drafts_of("assessor").unwrap().is_empty());
    // Answered once, it is a draft; choosing the same form again continues it instead of starting a second.
    d.text("A")
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .key(KeyCode::Down);
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.text("1990-03-15").key(KeyCode::Enter).key(KeyCode::Esc);
    d.shows("Draft saved");
    d.text("A");
    d.shows("Continue your draft: Initial custody classification");
    // The draft is listed first; the form itself is further down.
    d.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Enter);
    d.shows("continued, not started again").shows("1990-03-15");
    assert_eq!(store.drafts_of("assessor").unwrap().len(), 1);
    d.key(KeyCode::Esc).key(KeyCode::Esc).key(KeyCode::Esc);
    d.menu("My drafts");
    d.text("d");
    d.shows("Discard this draft?")
        .shows("every answer in it will be thrown away");
    // Esc keeps it.
    d.key(KeyCode::Esc);
    assert_eq!(store.drafts_of("assessor").unwrap().len(), 1);
    d.text("d").key(KeyCode::F(2));
    d.shows("discarded").shows("You have no drafts.");
    assert!(store.drafts_of("assessor").unwrap().is_empty());
    assert!(store.verify_audit().unwrap().is_none());
}

#[test]
fn a_finalised_assessment_is_amended_with_a_reason_from_the_record() {
    let fx = fixture::build();
    finalise_with_override(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A");
    d.shows("Finalised: Initial custody");
    d.snap("assess_pick_amend");
    // Enter opens it read-only (issue 17, item 11); amending is the separate key e.
    d.key(KeyCode::End).key(KeyCode::Enter);
    d.shows("Finalised, awaiting approval.").shows("e amend");
    d.text("e");
    d.shows("Say why it is amended");
    d.text("typo").key(KeyCode::F(2));
    d.shows("10 characters or more");
    d.text(": the escape report was withdrawn")
        .key(KeyCode::F(2));
    // The amendment opens in the filler with the answers of the revision it amends.
    d.shows("Amendment opened")
        .shows("Answered 11 of 11 required");
    let store = Store::open(&fx.path).unwrap();
    let drafts = store.drafts_of("assessor").unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].revision, 2);
    assert_eq!(
        drafts[0].amend_reason.as_deref(),
        Some("typo: the escape report was withdrawn")
    );
}

#[test]
fn the_filler_shows_focus_by_the_mark_and_the_cursor_not_a_reversed_label() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A");
    d.key(KeyCode::Down).key(KeyCode::Enter).key(KeyCode::Down);
    d.shows("Section 1 of 3: The person");
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let buf = t.draw(|f| d.app.render(f)).unwrap().buffer.clone();
    let row_text = |y: u16| -> String { (0..80).map(|x| buf[(x, y)].symbol()).collect() };
    // The date of birth (a typed answer) has the focus: its row starts with the mark.
    let y = (0..24)
        .find(|&y| row_text(y).contains("1990-03-14"))
        .expect("the date of birth on screen");
    let row = row_text(y);
    assert!(row.starts_with('>'), "{row:?}");
    assert_eq!(
        (0..24).filter(|&y| row_text(y).starts_with('>')).count(),
        1,
        "one mark"
    );
    // No label is reversed (only the title bar is, in monochrome).
    for yy in 1..24 {
        for x in 0..80 {
            assert!(
                !buf[(x, yy)].modifier.contains(Modifier::REVERSED),
                "reversed cell at {x},{yy}: {:?}",
                row_text(yy)
            );
        }
    }
    // The terminal cursor is in the focused answer, so typing shows where it goes.
    assert!(t.backend().cursor_visible(), "the cursor is shown");
    let at = t.backend().cursor_position();
    let value = row.find("1990-03-14").unwrap() as u16;
    assert_eq!(at.y, y);
    assert!(
        (value..=value + 10).contains(&at.x),
        "cursor {at:?}, value from column {value}"
    );
}
