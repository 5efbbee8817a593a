//! End-to-end journey of issue 17 on a demo built today: a supervisor sees on Home who is held past their release
//! date, opens one of them, reads the working, and records the court order that keeps them lawfully (with its
//! reason); the alert then no longer lists them.

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

use fixture::Demo;
use harness::{Launch, keys};
use journey::sign_in;

const SUPERVISOR: (&str, &str) = ("supervisor", "supervisor-demo");

#[test]
fn a_supervisor_sees_who_is_held_past_release_and_records_the_court_order() {
    let demo = Demo::new();
    let today = chrono::Utc::now().date_naive();
    let past = demo.store().past_release(None, today).unwrap();
    assert!((3..=5).contains(&past.len()), "{past:?}");
    let first = &past[0];

    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, SUPERVISOR);
    term.wait_for("Past release date");
    term.wait_for(&first.number);

    term.send("/");
    term.wait_for("Find:");
    term.send(&first.number);
    term.wait_until("the person listed", |s| {
        journey::selected_line(s).is_some_and(|l| l.contains(&first.number))
    });
    term.send(keys::ENTER);
    term.wait_for(&format!("warden | {}", first.number));
    term.send(&keys::PAGE_DOWN.repeat(2));
    term.wait_for("The release date has passed");
    term.wait_for("Remission 1/3");

    // A court order's date, without a reason first: refused, naming the field.
    term.send("n");
    term.wait_for("What to record");
    // The choice cycles with Right: a new case, then (no case awaits sentence) the court order.
    term.send("\x1b[C");
    term.wait_for("< A court order's release date >");
    term.send(keys::F2);
    term.wait_for(">Release on");
    let order_day = (today + chrono::Duration::days(30)).to_string();
    term.send(&order_day);
    term.send(keys::F2);
    term.wait_for("Order and reason: required");
    term.send(keys::TAB);
    term.send("High Court order: further detention on a new committal");
    term.send(keys::F2);
    term.wait_for("Saved; the expected release was worked out again");
    term.wait_for(&format!("{order_day} (court order)"));

    term.send(keys::F10);
    term.wait_for("Sign in");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());

    let still = demo.store().past_release(None, today).unwrap();
    assert_eq!(still.len(), past.len() - 1);
    assert!(still.iter().all(|r| r.number != first.number));
    let order = demo
        .store()
        .release_override(first.prisoner_id)
        .unwrap()
        .unwrap();
    assert_eq!(order.date.to_string(), order_day);
}
