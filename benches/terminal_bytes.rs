//! Bytes on the line per action: the release binary in an 80x24 pseudo-terminal, beside dialog and whiptail.
//!
//! Run with `cargo bench --bench terminal_bytes`. Each figure is printed with its budget (issue 9); a figure
//! over budget is a bug. write() calls per action come from strace when it is installed (otherwise the number
//! of read() chunks the pseudo-terminal delivered, which can only be lower or equal).
//! Under `cargo test` (no `--bench` argument) nothing runs: the harness takes minutes and needs a release
//! build. `TERMINAL_BYTES_DUMP=DIR` keeps each action's bytes in a file; `TERMINAL_BYTES_ONLY=colour` (or
//! `ascii`, `mono`, `vt100`: TERM=vt100) runs one display and leaves out dialog and whiptail;
//! `TERMINAL_BYTES_BIN=PATH` measures another warden binary.

#[path = "terminal_bytes/classic.rs"]
mod classic;
#[path = "terminal_bytes/session.rs"]
mod session;

use session::{
    CTRL_P, CTRL_Q, Cost, DOWN, ENTER, ESC, Session, TAB, TYPING_GAP, UP, average, back_to,
    backspaces, menu_to, type_paced, type_word, which,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Someone in custody whose family name is long enough to search for by its first letters.
fn searchable_person(db: &Path) -> warden::store::SearchHit {
    let store = warden::store::Store::open(db).expect("open the demo");
    store
        .search("", 50)
        .expect("search the demo")
        .into_iter()
        .find(|p| {
            p.in_custody
                && p.family_name.chars().count() >= 5
                && p.family_name.chars().all(char::is_alphabetic)
        })
        .expect("someone in custody")
}

/// Whether a run draws in ASCII (and so has the 800 B screen budget): `--ascii`, `--mono`, or a VT100, which
/// gets ASCII and monochrome by itself.
fn is_ascii(flags: &[&str], term: &str) -> bool {
    flags.contains(&"--ascii") || flags.contains(&"--mono") || term == "vt100"
}

/// One "open a screen" line: colour within 1.5 KB, ASCII and monochrome within 800 B.
fn open_line(report: &mut Report, ascii: bool, what: &str, c: Cost) {
    screen_line(report, ascii, &format!("open a screen: {what}"), c);
}

/// A whole screen's bytes against the screen budget, with its writes and new text.
fn screen_line(report: &mut Report, ascii: bool, label: &str, c: Cost) {
    let budget = if ascii { 800 } else { 1536 };
    report.line(
        &format!("{label} ({} writes; new text {} B)", c.writes, c.floor),
        format!("{} B", c.bytes),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(c.bytes > budget),
    );
}

struct Report {
    /// Which run the lines belong to (colour, ascii, mono), for the summary of figures over budget.
    run: String,
    rows: Vec<(String, String, String, String)>,
}

impl Report {
    fn line(&mut self, action: &str, figure: String, budget: &str, over: Option<bool>) {
        let verdict = match over {
            Some(true) => "OVER BUDGET".to_string(),
            Some(false) => "met".to_string(),
            None => String::new(),
        };
        println!("{action:<46} {figure:>16}   {budget:<12} {verdict}");
        self.rows.push((
            format!("{}: {action}", self.run),
            figure,
            budget.into(),
            verdict,
        ));
    }
}

/// The figures for warden with the given display flags: (typed char avg, first paint) for the ratios.
fn warden(
    bin: &Path,
    db: &Path,
    dir: &Path,
    label: &str,
    flags: &[&str],
    term: &str,
    report: &mut Report,
) -> (f64, f64, usize) {
    println!(
        "\n== warden {label} ({}, TERM={term}) ==",
        if flags.is_empty() {
            "no flags".to_string()
        } else {
            flags.join(" ")
        }
    );
    report.run = format!("warden {label}");
    let person = searchable_person(db);
    let query: String = person
        .family_name
        .chars()
        .take(4)
        .flat_map(char::to_lowercase)
        .collect();

    let trace = which("strace").then(|| dir.join(format!("trace-{label}.txt")));
    let mut args = vec!["--db", db.to_str().unwrap()];
    args.extend_from_slice(flags);
    let log_dir = dir.join("logs");
    let mut s = Session::start(
        bin,
        &args,
        &[
            ("WARDEN_LOG_DIR", log_dir.to_str().unwrap()),
            ("TERM", term),
        ],
        trace,
    );
    s.settle("the sign-in screen", |scr| scr.contains("User name"));
    let (first, first_writes) = s.count();
    let ascii = is_ascii(flags, term);
    let open_budget = if ascii { 800 } else { 1536 };
    report.line(
        &format!("first paint, sign-in screen ({first_writes} writes)"),
        format!("{first} B"),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(first > open_budget),
    );

    let typed = type_word(&mut s, "officerxyz", |scr, t| {
        scr.contains(&format!("User name {t}")) || scr.contains(t)
    });
    let (avg, writes) = average(&typed);
    report.line(
        &format!("typed char, sign-in field (avg of 10; {writes:.1} writes)"),
        format!("{avg:.2} B"),
        "<= 2 B",
        Some(avg > 2.0),
    );
    let bs = backspaces(&mut s, "officerxyz", 3);
    let (avg_bs, writes_bs) = average(&bs);
    report.line(
        &format!("Backspace, sign-in field (avg of 3; {writes_bs:.1} writes)"),
        format!("{avg_bs:.2} B"),
        "<= 4 B",
        Some(avg_bs > 4.0),
    );
    let tab = s.act(TAB, "the password field focused", |scr| {
        scr.lines().any(|l| l.contains(">Password"))
    });
    report.line(
        &format!("Tab to the next field, sign-in ({} writes)", tab.writes),
        format!("{} B", tab.bytes),
        "<= 16 B",
        Some(tab.bytes > 16),
    );
    for c in "officer-demo".chars() {
        s.act(&c.to_string(), "password typed", |_| true);
    }
    let home = s.act(ENTER, "the home screen", |scr| {
        scr.contains("The service now")
    });
    open_line(report, ascii, "sign in to home", home);
    let search = s.act("/", "the search screen", |scr| scr.contains("Find:"));
    open_line(report, ascii, "search", search);
    let typed = type_word(&mut s, &query, |scr, t| scr.contains(&format!("Find: {t}")));
    let (avg_q, writes_q) = average(&typed);
    report.line(
        &format!(
            "typed char, search box, list follows (avg of {}; {writes_q:.1} writes; new text {:.0} B)",
            typed.len(),
            typed.iter().map(|c| c.floor).sum::<usize>() as f64 / typed.len().max(1) as f64
        ),
        format!("{avg_q:.1} B"),
        "<= 2 B",
        Some(avg_q > 2.0),
    );
    // The same box once nothing matches: the list stays put, so this is the echo of the key alone.
    let typed_nomatch = type_word(&mut s, "qqqq", |scr, t| {
        scr.contains(&format!("Find: {query}{t}")) && scr.contains("No one matches")
    });
    let (avg_n, writes_n) = average(&typed_nomatch[1..]);
    report.line(
        &format!("typed char, search box, no match, list still (avg of 3; {writes_n:.1} writes)"),
        format!("{avg_n:.2} B"),
        "<= 2 B",
        Some(avg_n > 2.0),
    );
    let _ = backspaces(&mut s, &format!("{query}qqqq"), 4);
    let downs: Vec<Cost> = (0..2)
        .map(|_| s.act(DOWN, "selection moved", |_| true))
        .collect();
    let (avg_d, _) = average(&downs);
    report.line(
        "Down, search list (avg of 2)",
        format!("{avg_d:.1} B"),
        "none set",
        None,
    );
    // Keys that arrive together (typed ahead, a held key on a slow line) are one frame, not one each.
    let burst = s.act(&DOWN.repeat(8), "selection moved 8 rows", |_| true);
    report.line(
        &format!("8 Downs arriving together ({} writes)", burst.writes),
        format!("{} B", burst.bytes),
        "none set",
        None,
    );
    let _ = s.act(&UP.repeat(8), "selection moved back", |_| true);
    let record = s.act(ENTER, "the record", |scr| {
        scr.contains("Legal status and sentence")
    });
    open_line(report, ascii, "record view", record);
    let idle = s.idle(Duration::from_secs(10));
    report.line(
        "10 s idle on the record",
        format!("{idle} B"),
        "0 B",
        Some(idle > 0),
    );

    let edit = s.act("e", "the edit form", |scr| scr.contains("| Edit "));
    open_line(report, ascii, "edit form", edit);
    let mut tabs = Vec::new();
    for _ in 0..4 {
        tabs.push(s.act(TAB, "next field", |_| true));
    }
    let (avg_t, writes_t) = average(&tabs);
    report.line(
        &format!("Tab to the next field, edit form (avg of 4; {writes_t:.1} writes)"),
        format!("{avg_t:.1} B"),
        "<= 16 B",
        Some(avg_t > 16.0),
    );
    let typed = type_word(&mut s, "Kampala", |scr, t| scr.contains(t));
    let (avg_f, writes_f) = average(&typed);
    report.line(
        &format!("typed char, edit form field (avg of 7; {writes_f:.1} writes)"),
        format!("{avg_f:.2} B"),
        "<= 2 B",
        Some(avg_f > 2.0),
    );
    let bs = backspaces(&mut s, "Kampala", 3);
    let (avg_b, writes_b) = average(&bs);
    report.line(
        &format!("Backspace, edit form field (avg of 3; {writes_b:.1} writes)"),
        format!("{avg_b:.2} B"),
        "<= 4 B",
        Some(avg_b > 4.0),
    );
    s.act(ESC, "asked to discard", |_| true);
    s.act(ESC, "back on the record", |scr| {
        scr.contains("Legal status and sentence")
    });
    // A roster screen (issue 6): the person's programmes, opened from the record.
    let progs = s.act("P", "the person's programmes", |scr| {
        scr.contains("suggested from the needs screen")
    });
    open_line(report, ascii, "a person's programmes", progs);
    s.act(ESC, "back on the record", |scr| {
        scr.contains("Legal status and sentence")
    });
    let redraw = s.act("\x0c", "repainted", |_| true);
    report.line(
        &format!("Ctrl-L full repaint ({} writes)", redraw.writes),
        format!("{} B", redraw.bytes),
        "none set",
        None,
    );
    // The assessment form filler (issue 7): A on the record, the first form this role may fill.
    s.act("A", "the forms to fill", |scr| {
        scr.contains("What to assess")
    });
    let filler = s.act(ENTER, "the form filler", |scr| {
        !scr.contains("What to assess") && scr.contains(">")
    });
    open_line(report, ascii, "assessment form filler", filler);
    back_to(&mut s, "Legal status and sentence");
    back_to(&mut s, "The service now");
    // The occupancy board (issue 5) and the rosters (issue 6), from the home menu.
    menu_to(&mut s, "Occupancy board");
    let board = s.act(ENTER, "the occupancy board", |scr| {
        scr.contains("| Occupancy board")
    });
    open_line(report, ascii, "occupancy board", board);
    back_to(&mut s, "The service now");
    menu_to(&mut s, "Programmes and rosters");
    let progs = s.act(ENTER, "the programmes", |scr| scr.contains("| Programmes"));
    open_line(report, ascii, "Programmes and rosters list", progs);
    let preview = s.act(CTRL_P, "the print preview", |scr| scr.contains("| Print"));
    open_line(report, ascii, "print preview (Ctrl-P on the list)", preview);
    back_to(&mut s, "| Programmes");
    let programme = s.act(ENTER, "a programme", |scr| scr.contains("Waitlist ("));
    open_line(report, ascii, "a programme", programme);
    s.act(TAB, "waitlist tab", |_| true);
    s.act(TAB, "sessions tab", |scr| scr.contains("register"));
    let register = s.act(ENTER, "a session register", |scr| {
        scr.contains("| Register")
    });
    open_line(report, ascii, "a session register", register);
    s.stop(CTRL_Q);
    (avg_f, avg, first)
}

/// The search box on a slow line (`--slow-link`): a word typed at a person's pace, then the one redraw of the
/// list once typing pauses.
fn slow_search(bin: &Path, db: &Path, dir: &Path, flags: &[&str], term: &str, report: &mut Report) {
    let person = searchable_person(db);
    let word: String = person
        .family_name
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    let mut args = vec!["--db", db.to_str().unwrap(), "--slow-link"];
    args.extend_from_slice(flags);
    let log_dir = dir.join("logs");
    let trace = which("strace").then(|| dir.join("trace-slow.txt"));
    let mut s = Session::start(
        bin,
        &args,
        &[
            ("WARDEN_LOG_DIR", log_dir.to_str().unwrap()),
            ("TERM", term),
        ],
        trace,
    );
    s.settle("the sign-in screen", |scr| scr.contains("User name"));
    for c in "officer".chars() {
        s.act(&c.to_string(), "name typed", |_| true);
    }
    s.act(TAB, "password field", |_| true);
    for c in "officer-demo".chars() {
        s.act(&c.to_string(), "password typed", |_| true);
    }
    s.act(ENTER, "the home screen", |scr| {
        scr.contains("The service now")
    });
    s.act("/", "the search screen", |scr| scr.contains("Find:"));
    let typed = type_paced(&mut s, &word);
    let scr = s.screen();
    assert!(
        scr.contains(&format!("Find: {word}")) && scr.contains("Type part of a number or name."),
        "the list changed before typing paused (a key every {TYPING_GAP:?}):\n{scr}"
    );
    let (avg, writes) = average(&typed);
    report.line(
        &format!(
            "typed char, search box, --slow-link (avg of {}; {writes:.1} writes)",
            typed.len()
        ),
        format!("{avg:.2} B"),
        "<= 2 B",
        Some(avg > 2.0),
    );
    let list = s.act("", "the list after the pause", |scr| {
        scr.contains(&format!("{}, ", person.family_name))
    });
    screen_line(
        report,
        is_ascii(flags, term),
        "  then the list, once, after the pause",
        list,
    );
    let idle = s.idle(Duration::from_secs(2));
    report.line(
        "  then 2 s idle on the list",
        format!("{idle} B"),
        "0 B",
        Some(idle > 0),
    );
    s.stop(CTRL_Q);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // TERMINAL_BYTES_BIN measures another build of warden (an installed or musl binary, a copy kept aside)
    // instead of the one cargo built beside this harness.
    let bin = std::env::var_os("TERMINAL_BYTES_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_warden")));
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("demo.db");
    let status = Command::new(&bin)
        .args(["demo", "--no-tui", "--size", "small", "--db"])
        .arg(&db)
        .env("WARDEN_LOG_DIR", dir.path().join("logs"))
        .output()
        .expect("run warden demo");
    assert!(status.status.success(), "warden demo failed");
    println!("binary: {}", bin.display());
    println!(
        "{:<46} {:>16}   {:<12} verdict",
        "action", "bytes", "budget"
    );
    let mut report = Report {
        run: String::new(),
        rows: Vec::new(),
    };
    let mut ours = Vec::new();
    // TERMINAL_BYTES_ONLY=colour (or ascii, mono) runs that one display and leaves out the classic tools.
    let only = std::env::var("TERMINAL_BYTES_ONLY").ok();
    const XTERM: &str = "xterm-256color";
    for (label, flags, term) in [
        ("colour", &[][..], XTERM),
        ("ascii", &["--ascii"][..], XTERM),
        ("mono", &["--mono"][..], XTERM),
        ("vt100", &[][..], "vt100"),
    ] {
        if only.as_deref().is_some_and(|o| o != label) {
            continue;
        }
        ours.push((
            label,
            warden(&bin, &db, dir.path(), label, flags, term, &mut report),
        ));
        slow_search(&bin, &db, dir.path(), flags, term, &mut report);
    }
    let classic = if only.is_some() {
        Vec::new()
    } else {
        classic::classic(dir.path(), &mut report)
    };
    println!("\n== ratios (their bytes / warden colour's) ==");
    let (_, (field, _login, first)) = ours[0];
    for (name, typed, their_first) in classic {
        println!(
            "{name}: typed char {typed:.2} B vs {field:.2} B ({:.1}x); first paint {their_first} B vs {first} B ({:.1}x)",
            typed / field.max(0.01),
            their_first as f64 / first.max(1) as f64
        );
    }
    let over: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.3 == "OVER BUDGET")
        .collect();
    println!("\n{} figure(s) over budget", over.len());
    for r in over {
        println!("  OVER: {} = {} (budget {})", r.0, r.1, r.2);
    }
}
