//! End-to-end: text whose width terminals disagree on (issue 18). A given name of family emoji (ZWJ sequences),
//! skin tones and flags, typed into the edit form and saved, must leave every row of the record screen where it
//! was at 80x24: the vt100 parser here measures emoji a character at a time, as xterm does, so any difference
//! between warden's width and the terminal's would show as a label overwritten or the screen scrolled.

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
use harness::{Term, keys};
use journey::{findable_person, sign_in, tabs_to};

const ESC: &str = "\x1b";

/// The 24 rows as the terminal shows them, padded to 80 columns.
fn rows(term: &Term) -> Vec<String> {
    term.with_screen(|s| s.rows(0, 80).collect())
}

/// The label part of a record row (the indent and the label column), which must never move.
fn label(row: &str) -> String {
    row.chars().take(24).collect()
}

#[test]
fn a_name_of_emoji_sequences_keeps_every_row_of_the_record_in_place() {
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
    let thumbs = "\u{1F44D}\u{1F3FD}";
    let flag = "\u{1F1FA}\u{1F1EC}";
    let name = format!("Nakato {}", format!("{family} {thumbs} {flag} ").repeat(7));
    let name = name.trim_end();
    assert!(
        (100..=110).contains(&name.chars().count()),
        "about 105 characters"
    );

    let demo = Demo::new();
    let (person, typed, row) = findable_person(&demo);
    let mut term = harness::Launch::new(&demo.db, demo.path()).start();
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
    let list_before = rows(&term);
    term.send(keys::ENTER);
    term.wait_for("Legal status and sentence");
    let before = rows(&term);

    term.send("e");
    term.wait_for(&format!("Edit {}", person.number));
    term.send(&keys::TAB.repeat(tabs_to("given_names")));
    term.wait_for(">Given names");
    term.send(&keys::BACKSPACE.repeat(person.given_names.chars().count() + 2));
    term.send(name);
    term.wait_until("the name typed", |s| {
        s.lines()
            .any(|l| l.starts_with(">Given names") && l.contains("Nakato ? ? ?"))
    });
    // The edit form's rows stay put too: the label after the name is on the next row, in its column.
    let form = rows(&term);
    let at = form
        .iter()
        .position(|r| r.starts_with(">Given names"))
        .expect("the focused field");
    assert!(form[at + 1].starts_with(" Aliases"), "{form:#?}");
    term.send(keys::F2);
    term.wait_for(&format!("Saved {}", person.number));
    term.wait_for("Legal status and sentence");
    let after = rows(&term);
    check_in_place(&before, &after, name);

    // A full repaint (Ctrl-L) draws the same screen.
    term.send("\x0c");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.wait_for("Legal status and sentence");
    let repainted = rows(&term);
    for (y, (a, b)) in after.iter().zip(&repainted).enumerate() {
        if y != 22 {
            assert_eq!(a, b, "row {y} changed on Ctrl-L");
        }
    }
    // The search list the record was opened from: the person's row holds the new name (it may sort elsewhere
    // now), every other row is as it was apart from the selection mark (none written over), and the title and
    // footer have not moved.
    term.send(ESC);
    let list = term.wait_until("the list again", |s| {
        s.contains("Find:")
            && s.lines()
                .any(|l| l.contains(&person.number) && l.contains("Nakato ? ?"))
    });
    let list_after = rows(&term);
    assert_eq!(list_before[0], list_after[0], "{list}");
    // The footer is where it was; F9 joins it once there is a message to read again.
    assert_eq!(
        list_before[23],
        list_after[23].replace("  F9 messages", ""),
        "{list}"
    );
    let unmarked = |r: &String| r.chars().skip(1).collect::<String>();
    let before_rows: Vec<String> = list_before.iter().map(unmarked).collect();
    for (y, row) in list_after.iter().enumerate() {
        // Row 22 is the message line and row 23 the footer, compared above.
        if !row.contains(&person.number) && y != 22 && y != 23 {
            assert!(
                before_rows.contains(&unmarked(row)),
                "row {y} is new:\n{list}"
            );
        }
    }
    term.send(keys::CTRL_Q);
    assert!(term.wait_exit().success());

    let stored = demo.store().prisoner(person.id).unwrap().unwrap().prisoner;
    assert_eq!(stored.given_names, name, "the name is stored as typed");
}

fn check_in_place(before: &[String], after: &[String], name: &str) {
    let screen = after.join("\n");
    assert_eq!(after.len(), 24, "{screen}");
    // Nothing scrolled: the title bar is still the first row, the footer the last.
    assert!(after[0].starts_with(" warden | "), "{screen}");
    // F9 joins the footer once there is a message to read again.
    assert_eq!(
        before[23].replace("  F9 messages", ""),
        after[23].replace("  F9 messages", ""),
        "the footer moved:\n{screen}"
    );
    // Every label is on its row, in its column; the rows without the name did not change at all. (Row 22 is
    // the message line, which says the record was saved.)
    assert!(after[1].contains("Nakato ? ? ?"), "{screen}");
    for y in 2..22 {
        assert_eq!(label(&before[y]), label(&after[y]), "row {y}:\n{screen}");
        if !before[y].starts_with("  Given names") {
            assert_eq!(before[y], after[y], "row {y}:\n{screen}");
        }
    }
    let given = after
        .iter()
        .find(|r| r.starts_with("  Given names"))
        .expect("the given names row");
    // Drawn as stand-ins: one '?' a cluster, each column where the screen put it.
    let shown = format!("Nakato {}", "? ? ? ".repeat(7));
    assert!(given.contains(shown.trim_end()), "{given:?} for {name:?}");
}
