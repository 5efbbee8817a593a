//! End-to-end journeys: the real binary in an 80x24 pseudo-terminal, driven by keys and read like a person would.

#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;
#[path = "e2e/journey.rs"]
mod journey;

use chrono::Utc;
use fixture::{Demo, OFFICER, audit, check};
use harness::{Launch, Term, keys};
use journey::{findable_person, selected_line, sign_in, tabs_to};

#[test]
fn officer_finds_a_prisoner_by_part_of_a_name_edits_a_field_and_logs_out() {
    let demo = Demo::new();
    let (person, typed, row) = findable_person(&demo);
    let before = demo.store().prisoner(person.id).unwrap().unwrap().prisoner;
    let audit_rows_before = audit(&demo.store()).len();
    let new_kin = "Nansubuga Ruth (sister) 0772 100200";
    assert_ne!(before.next_of_kin, new_kin);

    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    // The colour theme really draws in colour (the NO_COLOR test relies on this being observable).
    assert!(
        term.with_screen(|s| s.cell(0, 0).unwrap().bgcolor() != vt100::Color::Default),
        "the title bar should be coloured:\n{}",
        term.screen()
    );

    term.send("/");
    term.wait_for("Find:");
    term.send(&typed);
    term.wait_for(&format!("Find: {typed}"));
    let listed = format!("{}, {}", person.family_name, person.given_names);
    term.wait_for(&listed);
    for _ in 0..row {
        term.send(keys::DOWN);
    }
    // The selection pointer is on their row (the number is unique) before Enter opens it.
    term.wait_until("the person's row selected", |s| {
        s.lines()
            .any(|l| l.starts_with('>') && l.contains(&person.number) && l.contains(&listed))
    });
    term.send(keys::ENTER);
    term.wait_for(&format!("warden | {}", person.number));
    term.wait_for("Legal status and sentence");

    term.send("e");
    term.wait_for(&format!("Edit {}", person.number));
    let tabs = tabs_to("next_of_kin");
    term.send(&keys::TAB.repeat(tabs));
    term.wait_for(">Next of kin");
    term.send(&keys::BACKSPACE.repeat(before.next_of_kin.chars().count() + 2));
    term.send(new_kin);
    term.wait_for(new_kin);
    term.send(keys::F2);
    term.wait_for(&format!("Saved {}", person.number));
    // Back on the record, which shows the new value once scrolled past the legal fields and the cases to the
    // family section.
    term.wait_for(&format!("warden | {}", person.number));
    term.wait_for("Legal status and sentence");
    term.send(&keys::PAGE_DOWN.repeat(3));
    term.wait_for(new_kin);

    term.send(keys::F10);
    term.wait_for("Signed out.");
    term.wait_for("Sign in");
    term.wait_for("User name");
    term.send(keys::CTRL_Q);
    let status = term.wait_exit();
    assert!(status.success(), "warden exited with {status:?}");

    let store = demo.store();
    let after = store.prisoner(person.id).unwrap().unwrap().prisoner;
    assert_eq!(after.next_of_kin, new_kin);
    let mut expected = before.clone();
    expected.next_of_kin = new_kin.into();
    assert_eq!(after, expected, "only the edited field changed");
    let rows = audit(&store);
    let update = rows[audit_rows_before..]
        .iter()
        .find(|r| r.action == "update" && r.entity == "prisoner")
        .expect("an audit row for the edit");
    assert_eq!(update.entity_id, person.id.to_string());
    assert_eq!(update.actor, OFFICER.0);
    assert!(update.after.as_deref().unwrap().contains(new_kin));
    let session: Vec<&str> = rows[audit_rows_before..]
        .iter()
        .filter(|r| r.entity == "staff")
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(session, ["login", "logout"]);
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn the_idle_lock_hides_the_screen_and_returns_to_the_work_with_nothing_typed_lost() {
    let demo = Demo::new();
    let (person, typed, _) = findable_person(&demo);
    let audit_rows_before = audit(&demo.store()).len();
    let mut term = Launch::new(&demo.db, demo.path())
        .env("WARDEN_IDLE_SECONDS", "2")
        .start();
    sign_in(&mut term, OFFICER);
    // One burst, so the two-second idle limit cannot fall between opening the search and typing.
    term.send(&format!("/{typed}"));
    term.wait_for(&format!("Find: {typed}"));
    term.wait_for(&person.number);

    // No key for two seconds: the lock comes by itself.
    let locked = term.wait_for("Screen locked");
    for hidden in [typed.as_str(), "Find:", &person.family_name, &person.number] {
        assert!(
            !locked.contains(hidden),
            "{hidden:?} is visible behind the lock:\n{locked}"
        );
    }
    assert!(
        locked.contains(OFFICER.0),
        "the lock names who was signed in"
    );

    // A wrong password keeps it locked; the right one brings the search back as it was.
    term.send("not-the-password");
    term.send(keys::ENTER);
    term.wait_for("Wrong user name or password");
    assert!(!term.screen().contains("Find:"));
    term.send(OFFICER.1);
    term.send(keys::ENTER);
    term.wait_for("Welcome back.");
    term.wait_for(&format!("Find: {typed}"));
    term.wait_for(&person.number);
    // Typing goes on where it stopped.
    term.send(keys::BACKSPACE);
    let shorter: String = typed.chars().take(typed.chars().count() - 1).collect();
    term.wait_until("the last letter deleted", |s| {
        s.contains(&format!("Find: {shorter}")) && !s.contains(&format!("Find: {typed}"))
    });
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());

    let actions: Vec<String> = audit(&demo.store())
        .into_iter()
        .skip(audit_rows_before)
        .filter(|r| r.entity == "staff" && r.entity_id == OFFICER.0)
        .map(|r| r.action)
        .collect();
    assert_eq!(actions, ["login", "idle-lock", "login-failed", "login"]);
}

#[test]
fn five_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused() {
    let demo = Demo::new();
    let audit_rows_before = audit(&demo.store()).len();
    let started = Utc::now();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    term.wait_for("Sign in");
    term.send(OFFICER.0);
    term.send(keys::ENTER);
    for attempt in 1..=5 {
        term.send(&format!("wrong-password-{attempt}"));
        term.send(keys::ENTER);
        match attempt {
            3 => drop(term.wait_for("2 more wrong tries will lock")),
            4 => drop(term.wait_for("1 more wrong try will lock")),
            _ => {}
        }
    }
    let locked = term.wait_for("locked after too many wrong passwords");
    assert!(locked.contains("until"), "{locked}");
    assert!(locked.contains("UTC"), "{locked}");
    // The right password now is refused the same way, and does not sign in.
    term.send(OFFICER.1);
    term.send(keys::ENTER);
    term.send(keys::CTRL_Q);
    let status = term.wait_exit();
    assert!(status.success(), "{status:?}");
    let last = term.screen();
    assert!(!last.contains("The service now"), "signed in:\n{last}");
    let finished = Utc::now();

    let store = demo.store();
    let officer = store.user(OFFICER.0).unwrap().unwrap();
    assert_eq!(officer.failed_logins, 5);
    let until = officer.locked_until.expect("locked until a time");
    let lockout = chrono::Duration::minutes(warden::domain::auth::LOCKOUT_MINUTES);
    assert!(
        until >= started + lockout - chrono::Duration::seconds(1) && until <= finished + lockout,
        "locked until {until}, expected 15 minutes after the fifth failure"
    );
    let actions: Vec<String> = audit(&store)
        .into_iter()
        .skip(audit_rows_before)
        .filter(|r| r.entity == "staff" && r.entity_id == OFFICER.0)
        .map(|r| r.action)
        .collect();
    assert_eq!(
        actions,
        [
            "login-failed",
            "login-failed",
            "login-failed",
            "login-failed",
            "login-failed-locked",
            "login-while-locked"
        ]
    );
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn keys_that_arrive_together_are_drawn_as_one_frame() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    term.send("/");
    term.wait_for("Find:");
    // Every family name starting "o": more than nine rows of results.
    term.send("o");
    let listed = term.wait_until("a list of ten or more", |s| {
        s.lines().filter(|l| l.contains("/20")).count() >= 10
    });
    let tenth = listed.lines().filter(|l| l.contains("/20")).nth(9).unwrap()[1..].to_string();
    let before = term.received();
    term.send(&keys::DOWN.repeat(9));
    term.wait_until("the tenth row selected", |s| {
        s.lines().any(|l| l.starts_with('>') && l[1..] == tenth)
    });
    // One frame moves the mark from the first row to the tenth (two cells and the moves between: about 25
    // bytes); a frame per key would be about 20 bytes each, 180 in all.
    let sent = term.received() - before;
    assert!(sent < 60, "{sent} bytes for 9 Downs typed ahead");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
    // The list of names is erased before the alternate screen is left: a terminal without one (the Linux
    // console, a VT100) would otherwise keep showing it after the program has gone.
    let tail = term.last_bytes();
    let erased = tail.rfind("\x1b[2J");
    let left = tail.rfind("\x1b[?1049l");
    assert!(
        erased.is_some() && left.is_some() && erased < left,
        "the screen is not erased before leaving: {tail:?}"
    );
}

/// The rows of the result list on a search screen (each holds a prison number such as "UG-.../20..").
fn result_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.contains("/20"))
        .map(|l| l.get(1..).unwrap_or("").to_string())
        .collect()
}

#[test]
fn up_inside_the_list_moves_the_mark_and_leaves_the_rows_where_they_are() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    term.send("/");
    term.wait_for("Find:");
    term.send("a");
    term.wait_until("a full list", |s| result_rows(s).len() >= 10);
    // The frame may still be arriving: the window is what the screen shows once it has settled.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let first = result_rows(&term.screen());
    let window = first.len();
    // Down, one key at a time, past the bottom of the window: the list scrolls and the mark stays on its last row.
    for _ in 0..window + 3 {
        term.send(keys::DOWN);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let scrolled = term.wait_until("the list scrolled, the mark on its last row", |s| {
        let rows = result_rows(s);
        rows.first() != first.first()
            && rows.len() == window
            && selected_line(s).is_some_and(|l| rows.last().is_some_and(|r| l[1..] == *r))
    });
    let rows = result_rows(&scrolled);
    let before = term.received();
    term.send(keys::UP);
    let moved = term.wait_until("the mark one row up", |s| {
        selected_line(s).is_some_and(|l| rows.len() >= 2 && l[1..] == rows[rows.len() - 2])
    });
    // Before the fix the window was recomputed from the top at every frame, so this Up scrolled the whole list
    // down a row (every row rewritten, over 1,000 bytes) instead of moving the mark inside it.
    assert_eq!(
        result_rows(&moved),
        rows,
        "the rows moved on an Up inside the window"
    );
    let sent = term.received() - before;
    assert!(sent < 60, "{sent} bytes for one Up inside the window");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
}

/// What the program decided about its line, from the log line it writes at start.
fn line_decided(demo: &Demo) -> String {
    let log = std::fs::read_to_string(demo.path().join("logs/warden.log")).unwrap_or_default();
    log.lines()
        .rev()
        .find(|l| l.contains("terminal line speed decided"))
        .unwrap_or_else(|| panic!("no line-speed decision in the log:\n{log}"))
        .to_string()
}

#[test]
fn a_terminal_at_9600_baud_is_taken_for_a_slow_line_and_a_pseudo_terminal_is_not() {
    let demo = Demo::new();
    for (baud, slow) in [(Some(9600), true), (None, false), (Some(38400), false)] {
        let launch = Launch::new(&demo.db, demo.path());
        let launch = match baud {
            Some(b) => launch.baud(b),
            None => launch,
        };
        let mut term = launch.start();
        term.wait_for("Sign in");
        term.send(keys::CTRL_Q);
        assert!(term.wait_exit().success());
        let line = line_decided(&demo);
        assert!(
            line.contains(&format!("slow_link={slow}")),
            "at {baud:?} baud: {line}"
        );
    }
}

#[test]
fn a_terminal_smaller_than_80x24_is_told_so_instead_of_drawn_into() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).size(60, 20).start();
    let screen = term.wait_for("needs a terminal of at least 80x24");
    assert!(screen.contains("60x20"), "{screen}");
    assert!(!screen.contains("Sign in"), "{screen}");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
}

#[test]
fn a_hang_up_restores_the_terminal_and_exits_with_everything_committed() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    term.send("/");
    term.wait_for("Find:");
    assert!(term.with_screen(|s| s.alternate_screen()));
    term.hang_up();
    let status = term.wait_exit();
    // 128 + SIGHUP: the program's own handler ran; it was not killed by the signal.
    assert_eq!(status.signal(), None, "{status:?}");
    assert_eq!(status.exit_code(), 129, "{status:?}");
    assert!(
        !term.with_screen(|s| s.alternate_screen()),
        "the alternate screen was left on"
    );
    let (ok, report) = check(&demo.db, demo.path());
    assert!(ok, "warden check failed after a hang-up:\n{report}");
    let last = audit(&demo.store()).pop().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("login:officer", "login")
    );
}

#[test]
fn every_hang_up_with_a_form_open_is_logged() {
    let demo = Demo::new();
    let log = demo.path().join("logs").join("warden.log");
    let lines = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("signal SIGHUP: leaving")
            .count()
    };
    for round in 1..=5 {
        let mut term = Launch::new(&demo.db, demo.path()).start();
        sign_in(&mut term, OFFICER);
        // Home menu: Find a prisoner, then Admit a prisoner: the admission form.
        term.send(keys::DOWN);
        term.send(keys::ENTER);
        term.wait_for("Admit to facility");
        term.hang_up();
        let status = term.wait_exit();
        assert_eq!(status.exit_code(), 129, "round {round}: {status:?}");
        // Read as soon as the process is gone: the line must already be on disk, not on its way there.
        assert_eq!(
            lines(),
            round,
            "round {round}: the hang-up was not logged:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
}

#[test]
fn no_color_draws_the_home_screen_without_colours_in_reverse_video() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path())
        .env("NO_COLOR", "1")
        .start();
    sign_in(&mut term, OFFICER);
    let coloured = term.with_screen(|s| {
        let (rows, cols) = (s.size().0.get(), s.size().1.get());
        let mut found = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let cell = s.cell(r, c).unwrap();
                if cell.fgcolor() != vt100::Color::Default
                    || cell.bgcolor() != vt100::Color::Default
                {
                    found.push((r, c, cell.contents().to_string()));
                }
            }
        }
        found
    });
    assert!(
        coloured.is_empty(),
        "coloured cells with NO_COLOR: {:?}\n{}",
        &coloured[..coloured.len().min(10)],
        term.screen()
    );
    // Monochrome marks the title bar and the selection with reverse video instead.
    assert!(
        term.with_screen(|s| s.cell(0, 0).unwrap().inverse()),
        "the title bar is not in reverse video:\n{}",
        term.screen()
    );
    // The selected menu row is marked by a '>' in reverse video (one cell, so moving it costs few bytes).
    let marked = term.with_screen(|s| {
        let (rows, cols) = (s.size().0.get(), s.size().1.get());
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|&(r, c)| {
                s.cell(r, c)
                    .is_some_and(|cell| cell.contents() == ">" && cell.inverse())
            })
            .count()
    });
    assert_eq!(
        marked,
        1,
        "one selected menu row, marked in reverse video:\n{}",
        term.screen()
    );
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
}

#[test]
fn an_admission_half_typed_survives_kill_9_and_comes_back() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    // Home menu: Find a prisoner, then Admit a prisoner.
    term.send(keys::DOWN);
    term.send(keys::ENTER);
    term.wait_for("Admit to facility");
    // Facility, prison number, then the family name.
    term.send(keys::TAB);
    term.send(keys::TAB);
    term.send("Kasirye");
    term.wait_for("Kasirye");
    // The draft is written off the UI thread: wait until it is on disk, then pull the plug.
    let store = demo.store();
    let start = std::time::Instant::now();
    while !store
        .draft("officer", "admit")
        .unwrap()
        .is_some_and(|(payload, _)| payload.contains("Kasirye"))
    {
        assert!(
            start.elapsed() < harness::TIMEOUT,
            "the draft never reached the database"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    term.kill_hard();
    term.wait_exit();

    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, OFFICER);
    term.send(keys::DOWN);
    term.send(keys::ENTER);
    let screen = term.wait_for("Restored what you were typing");
    assert!(screen.contains("Kasirye"), "{screen}");
    let (ok, report) = check(&demo.db, demo.path());
    assert!(ok, "{report}");
}

/// The demo's assessor and supervisor.
const ASSESSOR: (&str, &str) = ("assessor", "assessor-demo");
const SUPERVISOR: (&str, &str) = ("supervisor", "supervisor-demo");

/// Moves the selection down until the selected row contains `label`, waiting for each move to be drawn.
fn select(term: &mut Term, label: &str) {
    for _ in 0..60 {
        let before = selected_line(&term.screen());
        if before.as_deref().is_some_and(|l| l.contains(label)) {
            return;
        }
        term.send(keys::DOWN);
        term.wait_until("the selection to move", |s| selected_line(s) != before);
    }
    panic!("never selected {label:?}:\n{}", term.screen());
}

#[test]
fn a_long_pdf_is_made_on_a_worker_with_progress_and_esc_stops_it() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, SUPERVISOR);
    select(&mut term, "Reports");
    term.send(keys::ENTER);
    term.wait_for("Placements that break a hard rule");
    // The small demo's longest report (about 30 pages, most of a second to render in a debug build): long enough
    // for Esc to arrive while the pages are made. The national placements report is the same path, 7 s long.
    select(&mut term, "Remand past the statutory limit");
    term.send(keys::ENTER);
    term.send(keys::CTRL_P);
    term.wait_for("Format <");
    // Format -> pdf, To -> file (two choices on), then print.
    term.send(keys::RIGHT);
    term.send(&format!("{0}{0}{1}{1}", keys::TAB, keys::RIGHT));
    term.wait_for("To <file>");
    term.send(keys::ENTER);
    let making = term.wait_for("Making the pdf pages");
    assert!(making.contains("Esc stop"), "{making}");
    // The screen answers while the pages are made: Esc is taken at once, before the worker's result is read.
    term.send(keys::ESC);
    let stopped = term.wait_for("Stopped: nothing was printed.");
    assert!(stopped.contains("Format <pdf>"), "{stopped}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let prints = demo.path().join("prints");
    let written = std::fs::read_dir(&prints).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "a stopped print wrote a file");
    assert!(
        !audit(&demo.store()).iter().any(|r| r.entity == "print"),
        "a stopped print was recorded"
    );
    // Printed again and left alone, it arrives as a message.
    term.send(keys::ENTER);
    term.wait_for("Printed: written to");
    assert_eq!(std::fs::read_dir(&prints).unwrap().count(), 1);
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());
}

/// Polls the library until the assessor's one draft holds `n` answers: each answer is saved as it is entered.
fn wait_for_answers(demo: &Demo, n: usize) -> warden::store::AssessmentRow {
    let store = demo.store();
    let start = std::time::Instant::now();
    loop {
        if let Some(d) = store.drafts_of(ASSESSOR.0).unwrap().pop() {
            let answers: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&d.answers_json).unwrap();
            if answers.len() >= n {
                return d;
            }
        }
        assert!(
            start.elapsed() < harness::TIMEOUT,
            "the answers never reached the database"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn custody_initial_filled_by_keys_survives_kill_9_is_overridden_and_approved_by_a_supervisor() {
    let demo = Demo::new();
    let forms = concat!(env!("CARGO_MANIFEST_DIR"), "/forms");
    // A man in custody with an exact date of birth, so the scale applies and every prefill is made.
    let store = demo.store();
    let person = store
        .search("", 200)
        .unwrap()
        .into_iter()
        .filter(|h| h.in_custody)
        .find(|h| {
            let p = store.prisoner(h.id).unwrap().unwrap().prisoner;
            p.sex == warden::domain::estate::Sex::Male
                && matches!(p.birth, warden::domain::prisoner::BirthDate::Exact(_))
                && store.search(&h.number, 10).unwrap().first().map(|f| f.id) == Some(h.id)
        })
        .expect("a man in custody with a date of birth");
    // The demo's own classifications awaiting approval are in the queue too, oldest first; a supervisor also
    // sees the restricted judgements waiting.
    store.set_viewer(Some(warden::domain::auth::Authority::Staff(
        warden::domain::auth::Role::Supervisor,
    )));
    let waiting = store.awaiting_approval().unwrap().len();
    drop(store);

    let mut term = Launch::new(&demo.db, demo.path())
        .env("WARDEN_FORMS", forms)
        .start();
    sign_in(&mut term, ASSESSOR);
    term.send("/");
    term.wait_for("Find:");
    term.send(&person.number);
    term.wait_until("the person listed first", |s| {
        selected_line(s).is_some_and(|l| l.contains(&person.number))
    });
    term.send(keys::ENTER);
    term.wait_for("Legal status and sentence");
    term.send("A");
    term.wait_for("What to assess");
    select(&mut term, "Initial custody classification");
    term.send(keys::ENTER);
    term.wait_for("Section 1 of 3");
    term.wait_for("Answered 2 of 11 required");
    // Past the prefilled sex and date of birth; two yes/no, then Schedule A by number.
    term.send(keys::F3);
    term.send("nn");
    term.wait_for("Section 2 of 3");
    term.send("1221");
    term.wait_for("Section 3 of 3");
    let draft = wait_for_answers(&demo, 8);
    term.kill_hard();
    term.wait_exit();

    let mut term = Launch::new(&demo.db, demo.path())
        .env("WARDEN_FORMS", forms)
        .start();
    sign_in(&mut term, ASSESSOR);
    term.wait_for("My drafts (1)");
    select(&mut term, "My drafts (1)");
    term.send(keys::ENTER);
    term.wait_for(&person.number);
    term.send(keys::ENTER);
    term.wait_for("Answered 8 of 11 required");
    term.send(keys::F3);
    term.send("2221");
    term.wait_for("Answered 11 of 11 required");
    term.send(keys::F2);
    let review = term.wait_for("Custody level: ");
    // Any result other than the scored one: 4 is Maximum, 1 Minimum.
    let chosen = if review.contains("Custody level: Maximum") {
        ("1", "minimum")
    } else {
        ("4", "maximum")
    };
    term.send(chosen.0);
    term.send(keys::TAB);
    term.send("Intelligence report of a planned escape");
    term.wait_for("planned escape");
    term.send(keys::F2);
    term.wait_for("awaiting a supervisor's approval");
    term.send(keys::F10);
    term.wait_for("Sign in");

    sign_in(&mut term, SUPERVISOR);
    let approvals = format!("Approvals ({})", waiting + 1);
    term.wait_for(&approvals);
    select(&mut term, &approvals);
    term.send(keys::ENTER);
    // The newest is last: below the first screenful when the demo's own queue is long.
    term.wait_for("Assessments awaiting approval");
    select(&mut term, &person.number);
    term.send(keys::ENTER);
    term.wait_for("Intelligence report of a planned escape");
    term.send(keys::F2);
    term.wait_for("Approved:");
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());

    let store = demo.store();
    let done = store.assessment(draft.id).unwrap().unwrap();
    assert_eq!(done.status, warden::store::AssessmentStatus::Final);
    assert_eq!(done.approval, warden::store::ApprovalState::Approved);
    assert_eq!(done.author, ASSESSOR.0);
    assert_eq!(done.approved_by.as_deref(), Some(SUPERVISOR.0));
    assert_ne!(done.approved_by.as_deref(), Some(done.author.as_str()));
    assert_eq!(done.override_result.as_deref(), Some(chosen.1));
    assert_eq!(done.result.as_deref(), Some(chosen.1));
    assert_eq!(
        done.override_reason.as_deref(),
        Some("Intelligence report of a planned escape")
    );
    assert!(
        store.verify_audit().unwrap().is_none(),
        "the audit chain breaks"
    );
    let (ok, report) = check(&demo.db, demo.path());
    assert!(ok, "{report}");
}
