//! End-to-end: what reaches the program from outside it. Other programs opening and closing the database while a
//! session saves (issue 15), and pasted bytes with terminal sequences in them (issue 18).

#[allow(dead_code)]
#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "e2e/journey.rs"]
mod journey;
#[path = "e2e/proc_locks.rs"]
mod proc_locks;

use fixture::{Demo, OFFICER, audit, check};
use harness::{Launch, keys};
use journey::{findable_person, selected_line, sign_in, tabs_to};
use std::time::Duration;

/// Opens and closes the database from outside, again and again, as backup tools, Litestream and an
/// administrator's `sqlite3` do: with the bundled SQLite and, where installed, with the system's `sqlite3` shell.
/// Returns how many times each opened it.
fn outside_openers(
    db: std::path::PathBuf,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<(usize, usize)> {
    use std::sync::atomic::Ordering;
    let shell = std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !shell && std::env::var_os("WARDEN_REQUIRE_SQLITE3").is_some() {
        panic!(
            "the sqlite3 shell is not installed (Debian: apt-get install sqlite3); .ci/run installs it"
        );
    }
    std::thread::spawn(move || {
        let (mut bundled, mut system) = (0, 0);
        while !stop.load(Ordering::SeqCst) {
            if let Ok(conn) = rusqlite::Connection::open(&db) {
                let _: rusqlite::Result<i64> =
                    conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0));
                drop(conn);
                bundled += 1;
            }
            if shell {
                let out = std::process::Command::new("sqlite3")
                    .arg(&db)
                    .arg("SELECT count(*) FROM prisoner;")
                    .output();
                if out.is_ok() {
                    system += 1;
                }
            }
            std::thread::sleep(Duration::from_millis(15));
        }
        (bundled, system)
    })
}

#[test]
fn every_save_shown_on_screen_survives_outside_programs_opening_and_closing_the_file() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let demo = Demo::new();
    let (person, typed, row) = findable_person(&demo);
    let before = demo.store().prisoner(person.id).unwrap().unwrap().prisoner;
    let audit_rows_before = audit(&demo.store()).len();
    let stop = Arc::new(AtomicBool::new(false));
    let openers = outside_openers(demo.db.clone(), Arc::clone(&stop));

    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    term.send("/");
    term.wait_for("Find:");
    term.send(&typed);
    term.wait_for(&person.number);
    for _ in 0..row {
        term.send(keys::DOWN);
    }
    term.wait_until("the person's row selected", |s| {
        s.lines()
            .any(|l| l.starts_with('>') && l.contains(&person.number))
    });
    term.send(keys::ENTER);
    term.wait_for("Legal status and sentence");

    let mut previous = before.next_of_kin.clone();
    let rounds = [
        "Akello Grace (aunt)",
        "Okot James (uncle)",
        "Achan Mary (sister)",
    ];
    for (round, kin) in rounds.iter().enumerate() {
        term.send("e");
        term.wait_for(&format!("Edit {}", person.number));
        term.send(&keys::TAB.repeat(tabs_to("next_of_kin")));
        term.wait_for(">Next of kin");
        term.send(&keys::BACKSPACE.repeat(previous.chars().count() + 2));
        term.send(kin);
        term.wait_for(kin);
        // Typing has started the drafts writer: the session still holds its lock on the database.
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            proc_locks::locks_of(term.pid(), &demo.db) >= 1,
            "round {round}: the session lost its lock on the database after typing in a form"
        );
        // A command-line write meanwhile, with its own audit row.
        let action = if round % 2 == 0 { "lock" } else { "unlock" };
        let out = std::process::Command::new(harness::binary())
            .args(["user", action, "assessor", "--db"])
            .arg(&demo.db)
            .env("WARDEN_LOG_DIR", demo.path().join("logs"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "warden user {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        term.send(keys::F2);
        term.wait_for(&format!("Saved {}", person.number));
        term.wait_for("Legal status and sentence");
        previous = kin.to_string();
    }
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
    stop.store(true, Ordering::SeqCst);
    let (bundled, system) = openers.join().unwrap();
    assert!(bundled > 0, "the outside program never opened the database");

    // A fresh process sees every save shown on screen, each with its audit row, and the CLI's rows beside them.
    let (ok, said) = check(&demo.db, demo.path());
    assert!(ok, "warden check after the session:\n{said}");
    let store = demo.store();
    let after = store.prisoner(person.id).unwrap().unwrap().prisoner;
    assert_eq!(after.next_of_kin, rounds[2]);
    let rows = audit(&store);
    let new_rows = &rows[audit_rows_before..];
    for kin in rounds {
        assert!(
            new_rows.iter().any(|r| r.entity == "prisoner"
                && r.action == "update"
                && r.after.as_deref().is_some_and(|a| a.contains(kin))),
            "no audit row for the save of {kin:?} ({bundled} outside opens, {system} by sqlite3)"
        );
    }
    let cli: Vec<&str> = new_rows
        .iter()
        .filter(|r| r.entity == "staff" && r.entity_id == "assessor")
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(cli.len(), 3, "the command line's lock/unlock rows: {cli:?}");
    assert_eq!(store.verify_audit().unwrap(), None);
}

/// The line of the screen that holds `label`.
fn line_with(screen: &str, label: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label:?} on screen:\n{screen}"))
        .to_string()
}

#[test]
fn pasted_terminal_sequences_never_freeze_the_keys_and_a_bracketed_paste_lands_as_text() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    term.send(keys::DOWN);
    term.send(keys::ENTER);
    term.wait_for("Admit to facility");
    term.send(keys::TAB);
    term.send(keys::TAB);
    term.wait_until("the family name focused", |s| {
        selected_line(s).is_some_and(|l| l.contains("Family name"))
    });

    // A paste on a terminal without bracketed paste (the Linux console, a serial line) comes as keys. crossterm
    // 0.29 waited after `ESC [ ?` for a `u` or `c`, and every key after it, Tab and F2 included, was lost.
    term.send("X\x1b[?1049lY");
    term.send(keys::TAB);
    let screen = term.wait_until("the focus past the family name", |s| {
        selected_line(s).is_some_and(|l| !l.contains("Family name"))
    });
    assert!(
        line_with(&screen, "Family name").ends_with(" XY"),
        "{screen}"
    );
    term.send(keys::SHIFT_TAB);
    term.wait_until("the family name focused again", |s| {
        selected_line(s).is_some_and(|l| l.contains("Family name"))
    });
    // A window-title string leaves nothing in the field, whichever way it ends.
    term.send("\x1b]0;title\x07Z\x1b]2;other title\x1b\\W");
    let screen = term.wait_until("Z and W typed", |s| {
        line_with(s, "Family name").contains("XYZW")
    });
    assert!(!screen.contains("title"), "{screen}");

    // A bracketed paste is text: its line break a space, its escape sequence neither a key nor text (the whole
    // of `ESC [ B` goes, not only the ESC).
    term.send("\x1b[200~ Okello\r\nJames\x1b[B\x1b[201~");
    let screen = term.wait_until("the paste in the field", |s| {
        line_with(s, "Family name").contains("XYZW Okello James")
    });
    assert!(
        !line_with(&screen, "Family name").contains("[B"),
        "a sequence's parameters were pasted as text:\n{screen}"
    );
    assert!(
        selected_line(&screen).is_some_and(|l| l.contains("Family name")),
        "the pasted Down did not move the focus:\n{screen}"
    );
    // What was left out is said, naming the field.
    term.wait_for("Family name: a control or text-direction character (U+001B) is not accepted");
    // F2 still acts: the admission is refused for what is missing, on screen.
    let before = term.screen();
    term.send(keys::F2);
    term.wait_until("F2 to answer", |s| s != before);

    // Past a field's limit the paste is cut, and the message says so (the search box takes 100 characters).
    term.send("\x1b");
    term.send("\x1b");
    term.wait_for("The service now");
    term.send("/");
    term.wait_for("Find:");
    term.send(&format!("\x1b[200~{}\x1b[201~", "o".repeat(150)));
    term.wait_for("Pasted text cut at the field's limit: 50 characters left out.");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
    // Bracketed paste is turned off again before the alternate screen is left.
    let tail = term.last_bytes();
    let off = tail.rfind("\x1b[?2004l");
    let left = tail.rfind("\x1b[?1049l");
    assert!(
        off.is_some() && left.is_some() && off < left,
        "bracketed paste left on: {tail:?}"
    );
}
