//! End-to-end allocation journey by keystrokes, in the real binary in an 80x24 pseudo-terminal: admit someone,
//! allocate a cell, record a non-association with a man in another cell, try to move the pair together and see
//! the refusal with its reason.

// Shared with tests/e2e.rs, which uses the parts this journey does not.
#[allow(dead_code)]
#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;

use chrono::Utc;
use fixture::{Demo, OFFICER, check};
use harness::{Launch, Term, keys};
use warden::domain::estate::{AgeGroup, FacilityKind, LegalStatus, Sex};
use warden::store::{Store, Within};

fn sign_in(term: &mut Term, (name, password): (&str, &str)) {
    term.wait_for("Sign in");
    term.send(name);
    term.send(keys::ENTER);
    term.send(password);
    term.send(keys::ENTER);
    term.wait_for("The service now");
}

/// A men's facility where an adult man on remand would be offered a cell that already holds someone: (code,
/// id). Found through an adult man on remand already held there.
fn facility_with_room(store: &Store) -> (String, i64) {
    let today = Utc::now().date_naive();
    for f in store.facilities().unwrap() {
        if f.facility.kind != FacilityKind::Men {
            continue;
        }
        let within = Within::Facility(f.facility.id);
        let c = store.candidate_cells(within, today).unwrap();
        let Some(someone) = c.cells.iter().flat_map(|c| &c.occupants).find(|o| {
            o.sex == Sex::Male && o.age == AgeGroup::Adult && o.status == LegalStatus::Remand
        }) else {
            continue;
        };
        let (_, c, ranked) = store
            .suggest_cells(someone.prisoner_id, within, today)
            .unwrap();
        if ranked.iter().any(|s| !c.cells[s.cell].occupants.is_empty()) {
            return (f.facility.code, f.facility.id);
        }
    }
    panic!("no men's facility in the demo has a shared cell to offer");
}

/// Moves the selection down until the row holding `unit` and `cell` is marked, then returns the screen.
fn select_row(term: &mut Term, unit: &str, cell: &str) -> String {
    for _ in 0..400 {
        let screen = term.screen();
        let selected = screen.lines().find(|l| l.starts_with('>'));
        if selected.is_some_and(|l| {
            let mut words = l[1..].split_whitespace();
            words.next() == Some(unit) && words.next() == Some(cell)
        }) {
            return screen;
        }
        let before = screen.clone();
        term.send(keys::DOWN);
        term.wait_until("the selection to move", |s| s != before);
    }
    panic!("unit {unit} cell {cell} never selected:\n{}", term.screen());
}

#[test]
fn admit_allocate_keep_apart_and_see_the_move_refused_with_its_reason() {
    let demo = Demo::new();
    let (code, facility_id) = facility_with_room(&demo.store());
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);

    // Admit: the facility by typing its code, the number as proposed, the family name, a birth year, the court.
    term.send(keys::DOWN);
    term.send(keys::ENTER);
    term.wait_for("Admit to facility");
    term.send(&format!("{code} "));
    term.wait_for(&format!("{code} - "));
    term.send(keys::TAB);
    term.send(keys::TAB);
    term.send("Ssemwogerere");
    term.send(keys::F2);
    term.wait_for("Born (date or year): required");
    term.send("1988");
    term.send(keys::F2);
    term.wait_for("Committing authority: required");
    term.send("Chief Magistrate, Mengo");
    term.send(keys::F2);
    let screen = term.wait_for("Admitted ");
    assert!(screen.contains("Ssemwogerere"), "{screen}");
    let store = demo.store();
    let admitted = store.search("Ssemwogerere", 5).unwrap();
    let me = admitted[0].id;
    let number = admitted[0].number.clone();

    // Allocate: the best cell, with the reason for the move.
    term.send("m");
    term.wait_for("fit every rule; best first");
    term.send(keys::ENTER);
    term.wait_for("Move to cell");
    term.send(keys::F2);
    term.wait_for("Moved ");
    let placed = store.prisoner(me).unwrap().unwrap();
    assert!(placed.cell.is_some(), "allocated a cell");

    // Someone in a cell this person could be moved to, to be kept apart from.
    let today = Utc::now().date_naive();
    let (_, c, ranked) = store
        .suggest_cells(me, Within::Facility(facility_id), today)
        .unwrap();
    let target = ranked
        .iter()
        .find(|s| !c.cells[s.cell].occupants.is_empty())
        .expect("a shared cell is still offered");
    let place = c.place(target.cell).unwrap();
    let (unit, cell) = (place.unit.code.clone(), place.cell.code.clone());
    let other = store
        .prisoner(c.cells[target.cell].occupants[0].prisoner_id)
        .unwrap()
        .unwrap()
        .prisoner;

    // Record the non-association from the record: x, n, the other's number, roles, reason, scope, comment.
    term.wait_for(&format!("warden | {number}"));
    term.send("x");
    term.wait_for("Kept apart from:");
    term.send("n");
    term.wait_for("New non-association");
    term.send(&other.number);
    term.send(keys::ENTER);
    term.send("perp");
    term.send(keys::ENTER);
    term.send("vic");
    term.send(keys::ENTER);
    term.send("threat");
    term.send(keys::ENTER);
    term.send("cell");
    term.send(keys::ENTER);
    term.send("threatened him at court");
    term.wait_for("threatened him at court");
    term.send(keys::F2);
    term.wait_for(&format!("Recorded: kept apart from {}", other.number));
    term.send("\x1b");
    term.wait_for("In custody (remand)");

    // Try to move the pair together: the cell is listed as refused, with the reason, and Enter refuses it.
    term.send("m");
    term.wait_for("refused.");
    let screen = select_row(&mut term, &unit, &cell);
    let row = screen.lines().find(|l| l.starts_with('>')).unwrap();
    assert!(row.contains("refused"), "{screen}");
    let reason = format!(
        "kept apart: {} {} is in the same cell (threat)",
        other.number, other.family_name
    );
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&reason), "{reason:?} not shown:\n{screen}");
    term.send(keys::ENTER);
    term.wait_for(&format!("Cell {cell} refused: kept apart"));
    let after = store.prisoner(me).unwrap().unwrap();
    assert_eq!(after.cell, placed.cell, "not moved");

    term.send(keys::CTRL_Q);
    let status = term.wait_exit();
    assert!(status.success(), "warden exited with {status:?}");
    let (ok, report) = check(&demo.db, demo.path());
    assert!(ok, "{report}");
}
