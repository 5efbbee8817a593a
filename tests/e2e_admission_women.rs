//! End-to-end journey of issue 17, item 11, in the real binary on the small demo: an officer admits a woman and
//! is taken straight on to her children and caring responsibilities (Bangkok Rules 2-3), what the record holds
//! already filled in and marked; leaving keeps the draft and shows her record.

// Shared with the other journeys; not every helper is used here.
#[allow(dead_code)]
#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "e2e/journey.rs"]
mod journey;

use fixture::{Demo, OFFICER};
use harness::{Launch, keys};
use journey::{sign_in, tabs_to};
use warden::domain::estate::FacilityKind;

const RIGHT: &str = "\x1b[C";

#[test]
fn an_officer_admits_a_woman_and_goes_on_to_her_children_and_caring() {
    let demo = Demo::new();
    let facilities = demo.store().facilities().unwrap();
    let women = facilities
        .iter()
        .position(|f| f.facility.kind == FacilityKind::Women)
        .expect("the demo has a women's prison");
    let code = facilities[women].facility.code.clone();

    let forms = concat!(env!("CARGO_MANIFEST_DIR"), "/forms");
    let mut term = Launch::new(&demo.db, demo.path())
        .env("WARDEN_FORMS", forms)
        .start();
    sign_in(&mut term, OFFICER);
    // Home menu: Find a prisoner, then Admit a prisoner.
    term.send(keys::DOWN);
    term.send(keys::ENTER);
    term.wait_for("Admit to facility");
    term.send(&RIGHT.repeat(women));
    term.wait_for(&format!("< {code} - "));
    // The facility is the form's first field; the register's fields follow in the edit form's order.
    let mut at = 0;
    let mut fill = |term: &mut harness::Term, key: &str, value: &str| {
        let to = tabs_to(key) + 1;
        term.send(&keys::TAB.repeat(to - at));
        at = to;
        term.send(value);
    };
    fill(&mut term, "family_name", "Nabirye");
    term.wait_for("Nabirye");
    fill(&mut term, "given_names", "Esther");
    fill(&mut term, "birth", "1993-08-17");
    fill(&mut term, "sex", RIGHT);
    term.wait_for("< female >");
    fill(&mut term, "languages", "Lusoga; English");
    fill(
        &mut term,
        "committing_authority",
        "Chief Magistrate, Iganga",
    );
    fill(
        &mut term,
        "children",
        "Three, 2 to 9, with a neighbour in Iganga",
    );
    term.wait_for("with a neighbour in Iganga");
    term.send(keys::F2);

    // Not her record yet: the admission checks, at the Bangkok Rules 2-3 items.
    term.wait_for("Next: Admission checks.");
    term.wait_for("Women: children and caring responsibilities (Bangkok Rules 2-3)");
    term.wait_for("Female (record)");
    term.send("3");
    term.send(keys::ENTER);
    term.send("1");
    term.wait_for("a neighbour in Iganga");
    term.wait_for("Taken from the register record");
    term.send("\x1b");
    term.wait_for("Draft saved");
    term.wait_for("Nabirye, Esther");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());

    let drafts = demo.store().drafts_of(OFFICER.0).unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0].form_id, "admission_checks");
    let answers: serde_json::Value = serde_json::from_str(&drafts[0].answers_json).unwrap();
    assert_eq!(answers["sex"], "female");
    assert_eq!(answers["children_in_care"], 3.0);
    assert_eq!(
        answers["children_details"],
        "Three, 2 to 9, with a neighbour in Iganga"
    );
    assert_eq!(answers["language"], "Lusoga; English");
}
