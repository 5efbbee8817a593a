//! The real binary in a pseudo-terminal while another station holds the database: F2 answers within the screen's
//! write budget with a plain message instead of hanging, the form keeps the typing, and F2 saves it once the
//! other station has finished.

// Shared with tests/e2e.rs, which uses the parts this journey does not.
#[allow(dead_code)]
#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;

use fixture::{Demo, OFFICER, check};
use harness::{Launch, keys};
use warden::domain::auth::Role;
use warden::domain::prisoner::{may_edit_field, visible_fields};

#[test]
fn a_busy_database_is_answered_with_a_message_and_the_typing_is_saved_by_the_next_f2() {
    let demo = Demo::new();
    let person = demo
        .store()
        .search("", 50)
        .unwrap()
        .into_iter()
        .find(|p| p.in_custody)
        .expect("someone in custody");
    let mut term = Launch::new(&demo.db, demo.path()).start();
    term.wait_for("Sign in");
    term.send(OFFICER.0);
    term.send(keys::ENTER);
    term.send(OFFICER.1);
    term.send(keys::ENTER);
    term.wait_for("The service now");
    term.send("/");
    term.wait_for("Find:");
    term.send(&person.number);
    term.wait_until("the person selected", |s| {
        s.lines()
            .any(|l| l.starts_with('>') && l.contains(&person.number))
    });
    term.send(keys::ENTER);
    term.wait_for("Legal status and sentence");
    term.send("e");
    term.wait_for(&format!("Edit {}", person.number));
    let tabs = visible_fields(Role::Officer)
        .filter(|f| may_edit_field(Role::Officer, f))
        .position(|f| f.key == "next_of_kin")
        .expect("the officer may edit the next of kin");
    term.send(&keys::TAB.repeat(tabs));
    term.wait_for(">Next of kin");
    term.send(&keys::BACKSPACE.repeat(80));
    let kin = "Waited Grace (aunt) 0772 000111";
    term.send(kin);
    term.wait_for(kin);

    // Another station is in the middle of a long save.
    let other = rusqlite::Connection::open(&demo.db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    term.send(keys::F2);
    // The harness waits up to 10 s: the screen's budget (3 s) must answer well inside it.
    let refused = term.wait_for("another station is saving; nothing was lost, try again");
    assert!(
        refused.contains(kin),
        "the typing is still on screen:\n{refused}"
    );
    assert!(
        refused.contains(&format!("Edit {}", person.number)),
        "{refused}"
    );
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    assert_ne!(
        demo.store()
            .prisoner(person.id)
            .unwrap()
            .unwrap()
            .prisoner
            .next_of_kin,
        kin,
        "nothing was saved while refused"
    );

    term.send(keys::F2);
    term.wait_for(&format!("Saved {}", person.number));
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
    let stored = demo.store().prisoner(person.id).unwrap().unwrap().prisoner;
    assert_eq!(stored.next_of_kin, kin);
    let (ok, report) = check(&demo.db, demo.path());
    assert!(ok, "{report}");
}
