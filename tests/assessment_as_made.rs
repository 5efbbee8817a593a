//! Assessments shown as they were made and handled as staff expect (issue 17, items 9 and 11), at 80x24 in
//! monochrome: a woman's classification is reviewed and approved with her answers and reasons, not the men's
//! scale; no total is shown for a scale that was not applied; a finalised assessment opens read-only with
//! amending a separate key; the override names the level and the review lines follow it.

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
use warden::domain::estate::Sex;
use warden::domain::prisoner::{BirthDate, Prisoner};
use warden::store::{Actor, ApprovalState, AssessmentStatus, Store};

const REASONS: &str =
    "Low risk to others; sole carer of two small children; no incidents on remand.";

fn shows(d: &Driver, what: &str) {
    let s = d.screen();
    assert!(s.contains(what), "expected {what:?} in:\n{s}");
}

fn lacks(d: &Driver, what: &str) {
    let s = d.screen();
    assert!(!s.contains(what), "did not expect {what:?} in:\n{s}");
}

/// Opens the home menu entry starting with `label`.
fn menu(d: &mut Driver, label: &str) {
    d.key(KeyCode::Home);
    for _ in 0..20 {
        let s = d.screen();
        if s.contains(&format!(">{label}")) {
            d.key(KeyCode::Enter);
            return;
        }
        d.key(KeyCode::Down);
    }
    panic!("no menu entry {label:?} in:\n{}", d.screen());
}

/// Moves the selection of a list to the row containing `what`.
fn select(d: &mut Driver, what: &str) {
    d.key(KeyCode::Home);
    for _ in 0..20 {
        if d.screen()
            .lines()
            .any(|l| l.starts_with('>') && l.contains(what))
        {
            return;
        }
        d.key(KeyCode::Down);
    }
    panic!("no row {what:?} in:\n{}", d.screen());
}

/// Admits Nakato Sarah to Kirinya (a mixed prison) with her date of birth, her languages and her children on
/// the register record.
fn admit_woman(fx: &fixture::Fixture) -> i64 {
    let mut store = Store::open(&fx.path).unwrap();
    let kir = store.facility_by_code("KIR").unwrap().unwrap().id;
    let mut p = Prisoner::blank(fixture::t0().naive_utc());
    p.number = "KIR/2026/00001".into();
    p.family_name = "Nakato".into();
    p.given_names = "Sarah".into();
    p.sex = Sex::Female;
    p.birth = BirthDate::Exact(NaiveDate::from_ymd_opt(1994, 6, 2).unwrap());
    p.languages = vec!["Luganda".into(), "English".into()];
    p.children = "Two, aged 3 and 6, with her sister in Jinja".into();
    p.committing_authority = "Magistrate, Jinja".into();
    p.facility_id = Some(kir);
    store
        .admit(&Actor::system("admin", fixture::t0()), &p)
        .unwrap()
}

/// The assessor fills in Nakato's initial classification on the women's path and finalises it.
fn classify_woman(d: &mut Driver, snap: bool) {
    d.login("assessor")
        .text("/")
        .text("nakato")
        .key(KeyCode::Enter)
        .text("A");
    select(d, "Initial custody classification");
    d.key(KeyCode::Enter);
    // Sex and date of birth come from the record; then the two flags, then her section.
    d.key(KeyCode::F(3)).text("nn");
    shows(d, "Women: gender-sensitive assessment");
    d.text("yy")
        .text("1")
        .text("2")
        .text(REASONS)
        .key(KeyCode::Enter);
    shows(d, "Answered 9 of 9 required");
    d.key(KeyCode::F(2));
    // The review shows her answers and the level chosen, and no total of the men's scale.
    shows(d, "Does she have children or other dependants in her care?");
    shows(d, "Custody level from this assessment");
    shows(d, "Reasons for this level");
    shows(d, "Low risk to others; sole carer of two small children;");
    shows(d, "Custody level: Medium");
    lacks(d, "Schedule A");
    lacks(d, "Grand total");
    if snap {
        insta::assert_snapshot!("woman_review", d.screen());
    }
    d.key(KeyCode::F(2));
    shows(d, "Finalised: medium; awaiting a supervisor's approval.");
}

#[test]
fn a_womans_classification_is_approved_with_her_answers_and_reasons_not_mens_totals() {
    let fx = fixture::build();
    let nakato = admit_woman(&fx);
    let mut d = Driver::new(&fx.path);
    classify_woman(&mut d, true);
    d.key(KeyCode::F(10));
    d.login("supervisor");
    menu(&mut d, "Approvals");
    shows(
        &d,
        "KIR/2026/00001 Nakato, Sarah | medium -> medium | by assessor",
    );
    d.key(KeyCode::Enter);
    // Her answers and reasons, the level she was given by the assessor's judgement: no scale totals of 0.
    shows(&d, "Assessed result Medium");
    shows(
        &d,
        "Women: gender-sensitive assessment (Bangkok Rules 40-41)",
    );
    shows(&d, "Is there a history of violence or abuse against her?");
    shows(&d, "Assessed risk to others");
    shows(&d, "Low risk to others; sole carer of two small children;");
    lacks(&d, "Schedule A");
    lacks(&d, "Grand total");
    lacks(&d, ": 0");
    insta::assert_snapshot!("woman_approval", d.screen());
    d.key(KeyCode::F(2));
    shows(&d, "Approved: Medium for KIR/2026/00001 Nakato, Sarah.");
    let store = Store::open(&fx.path).unwrap();
    let (row, _) = store.custody_assessment(nakato).unwrap().unwrap();
    assert_eq!(row.approval, ApprovalState::Approved);
    assert_eq!(row.result.as_deref(), Some("medium"));
}

#[test]
fn no_grand_total_is_shown_when_schedule_b_does_not_apply() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A");
    select(&mut d, "Initial custody classification");
    d.key(KeyCode::Enter).key(KeyCode::F(3));
    // Violence in custody within 5 years with a weapon (7) and the highest offence (5): Schedule A is 12.
    d.text("nn").text("5411");
    shows(&d, "Answered 8 of 8 required");
    d.key(KeyCode::F(2));
    shows(&d, "Schedule A (items 1-4): 12  10 to 14: close");
    shows(&d, "Custody level: Close");
    lacks(&d, "Grand total");
    lacks(&d, "Schedule B");
    insta::assert_snapshot!("schedule_a_only_review", d.screen());
    d.key(KeyCode::F(2));
    shows(&d, "Finalised: close");
    // Nor on the approval page.
    d.key(KeyCode::F(10));
    d.login("supervisor");
    menu(&mut d, "Approvals");
    d.key(KeyCode::Enter);
    shows(&d, "Schedule A (items 1-4): 12  10 to 14: close");
    lacks(&d, "Grand total");
}

#[test]
fn the_override_names_the_level_and_the_review_lines_follow_it() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("assessor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("A");
    select(&mut d, "Initial custody classification");
    d.key(KeyCode::Enter)
        .key(KeyCode::F(3))
        .text("nn1221222")
        .text("1")
        .key(KeyCode::F(2));
    shows(&d, "Custody level: Minimum");
    shows(&d, "Next review: 2027-11-25");
    shows(&d, "Custody level none (type a number)");
    // 3 is Close: the field says Close, not "3"; the result and the review date are the override's.
    d.text("3");
    shows(&d, ">Custody level Close");
    shows(
        &d,
        "Custody level: Close (override; the Minimum it gave stays on record)",
    );
    shows(&d, "Next review: 2027-05-25");
    lacks(&d, "Result    3");
    insta::assert_snapshot!("override_named", d.screen());
    // Left steps down to Medium, whose review is the form's 12 months.
    d.key(KeyCode::Left);
    shows(&d, ">Custody level Medium");
    shows(&d, "Next review: 2027-11-25");
    // Not a level: said at once, nothing chosen changes.
    d.text("9");
    shows(&d, "Choose the override by its number, 1 to 4");
    shows(&d, ">Custody level Medium");
    // Choosing the scored level again is no override: said before any reason is written.
    d.text("1");
    shows(
        &d,
        "the result is already minimum: an override must change it",
    );
    shows(&d, "Custody level: Minimum");
    d.text("2")
        .key(KeyCode::Tab)
        .text("Intelligence report of a planned escape")
        .key(KeyCode::F(2));
    shows(&d, "Finalised: medium; awaiting a supervisor's approval.");
    let store = Store::open(&fx.path).unwrap();
    let (row, _) = store.custody_assessment(fx.okello).unwrap().unwrap();
    assert_eq!(row.override_result.as_deref(), Some("medium"));
    assert_eq!(row.next_review, NaiveDate::from_ymd_opt(2027, 11, 25));
}

#[test]
fn a_finalised_assessment_opens_read_only_and_amending_is_a_separate_key() {
    let fx = fixture::build();
    let nakato = admit_woman(&fx);
    let mut d = Driver::new(&fx.path);
    classify_woman(&mut d, false);
    d.text("A");
    select(
        &mut d,
        "Finalised: Initial custody classification of 2026-11-25",
    );
    d.key(KeyCode::Enter);
    shows(&d, "Finalised, awaiting approval.");
    shows(&d, "Assessed result Medium");
    shows(&d, "e amend");
    insta::assert_snapshot!("final_read_only", d.screen());
    // Typing changes nothing: no answer is open to edit, and no draft is made.
    d.text("3").key(KeyCode::Enter).key(KeyCode::Backspace);
    let store = Store::open(&fx.path).unwrap();
    assert!(store.drafts_of("assessor").unwrap().is_empty());
    let all = store.assessments_of_prisoner(nakato).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, AssessmentStatus::Final);
    // Amending is its own key, through the amendment path: a reason, then a new revision as a draft.
    d.text("e");
    shows(&d, "Say why it is amended");
    d.text("Her sister can no longer care for the children")
        .key(KeyCode::F(2));
    shows(&d, "Amendment opened as your draft");
    let drafts = store.drafts_of("assessor").unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].revision, 2);
}

/// Tabs through the admission form to the field labelled `label` and types `value` into it.
fn admission_field(d: &mut Driver, label: &str, value: &str) {
    for _ in 0..60 {
        if d.screen()
            .lines()
            .any(|l| l.starts_with(&format!(">{label}")))
        {
            d.text(value);
            return;
        }
        d.key(KeyCode::Tab);
    }
    panic!("no field {label:?} in:\n{}", d.screen());
}

/// An officer admits Namusoke Ruth to Kirinya on the admission form, a woman with two children on the record.
fn admit_woman_on_screen(d: &mut Driver) {
    d.login("officer").key(KeyCode::Down).key(KeyCode::Enter);
    shows(d, "Admit a prisoner");
    admission_field(d, "Family name", "Namusoke");
    admission_field(d, "Given names", "Ruth");
    admission_field(d, "Born (date or year)", "1996-04-09");
    admission_field(d, "Sex", "");
    d.key(KeyCode::Right);
    shows(d, "< female >");
    admission_field(d, "Languages (a; b)", "Luganda; English");
    admission_field(d, "Committing authority", "Chief Magistrate, Masaka");
    admission_field(
        d,
        "Children and caring",
        "Two sons, 5 and 8, with their grandmother in Masaka",
    );
    d.key(KeyCode::F(2));
}

#[test]
fn admitting_a_woman_leads_on_to_her_children_and_caring_filled_from_the_record() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    admit_woman_on_screen(&mut d);
    // Not the record: the admission checks, at the Bangkok Rules 2-3 items, on the first one still to answer.
    shows(&d, "Admitted KIR/2026/00003 Namusoke, Ruth.");
    shows(&d, "Next: Admission checks.");
    shows(&d, "Admission checks | KIR/2026/00003 Namusoke, Ruth");
    shows(
        &d,
        "Women: children and caring responsibilities (Bangkok Rules 2-3)",
    );
    shows(&d, "Female (record)");
    shows(&d, ">*Children or dependants who were in her care");
    insta::assert_snapshot!("admission_leads_to_bangkok_items", d.screen());
    // Her children as the record holds them, marked as taken from it and still editable.
    d.text("2").key(KeyCode::Enter).text("2");
    shows(&d, "their grandmother in Masaka");
    shows(&d, "Taken from the register record");
    d.key(KeyCode::Down);
    let marked = |d: &Driver| {
        d.screen()
            .lines()
            .any(|l| l.contains("Two sons, 5 and 8") && l.ends_with("(record)"))
    };
    assert!(marked(&d), "{}", d.screen());
    insta::assert_snapshot!("children_from_the_record", d.screen());
    d.key(KeyCode::Up)
        .text(" (older one at school there)")
        .key(KeyCode::Enter);
    assert!(!marked(&d), "{}", d.screen());
    // The language page has the register's languages, marked the same way.
    d.key(KeyCode::PageUp);
    shows(
        &d,
        "Language the person understands best         Luganda; English",
    );
    shows(&d, "Taken from the register record");
    // Leaving keeps the draft; the record comes next, as it would have after the admission.
    d.key(KeyCode::Esc);
    shows(&d, "Draft saved");
    shows(&d, "In custody (remand) | age ");
    shows(&d, " | Kirinya");
    let store = Store::open(&fx.path).unwrap();
    let drafts = store.drafts_of("officer").unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].form_id, "admission_checks");
    assert!(
        drafts[0].answers_json.contains(
            "Two sons, 5 and 8, with their grandmother in Masaka (older one at school there)"
        ),
        "{}",
        drafts[0].answers_json
    );
    // Continued from the record, the prefilled answers are still marked.
    d.text("A").key(KeyCode::Enter);
    shows(&d, "Section 1 of 3");
    d.key(KeyCode::PageDown).key(KeyCode::PageDown);
    shows(&d, "Female (record)");
}

#[test]
fn leaving_the_bangkok_items_untouched_keeps_no_draft_and_shows_the_record() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    admit_woman_on_screen(&mut d);
    shows(&d, "Women: children and caring responsibilities");
    d.key(KeyCode::Esc);
    shows(&d, "no draft was kept");
    shows(&d, "In custody (remand) | age ");
    shows(&d, " | Kirinya");
    let store = Store::open(&fx.path).unwrap();
    assert!(store.drafts_of("officer").unwrap().is_empty());
}

#[test]
fn admitting_a_man_goes_to_his_record_as_before() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer").key(KeyCode::Down).key(KeyCode::Enter);
    admission_field(&mut d, "Family name", "Nsubuga");
    admission_field(&mut d, "Born (date or year)", "1988");
    admission_field(&mut d, "Committing authority", "Chief Magistrate, Jinja");
    d.key(KeyCode::F(2));
    shows(&d, "Admitted KIR/2026/00003 Nsubuga");
    shows(&d, "In custody (remand) | age ");
    shows(&d, " | Kirinya");
    lacks(&d, "Admission checks");
    let store = Store::open(&fx.path).unwrap();
    assert!(store.drafts_of("officer").unwrap().is_empty());
}
