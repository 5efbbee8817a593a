//! dialog and whiptail through the same harness as warden, for the ratios issue 9 asks for.

use super::Report;
use super::session::{BACKSPACE, DOWN, Session, TAB, average, type_word, which};
use std::path::Path;
use std::time::Duration;

/// The form dialog shows: three fields of 40 characters (label, row, column, value, row, column, width, max).
const DIALOG_FORM: &[&str] = &[
    "--form",
    "Admission",
    "20",
    "70",
    "6",
    "Family name:",
    "1",
    "1",
    "",
    "1",
    "20",
    "40",
    "0",
    "Given names:",
    "2",
    "1",
    "",
    "2",
    "20",
    "40",
    "0",
    "Next of kin:",
    "3",
    "1",
    "",
    "3",
    "20",
    "40",
    "0",
];

/// One classic tool and how it is driven: its arguments, what shows once it is drawn, and the key to its next
/// field (with the words for the report).
struct Tool {
    name: &'static str,
    heading: &'static str,
    args: &'static [&'static str],
    ready: &'static str,
    next: (&'static str, &'static str),
}

const TOOLS: [Tool; 2] = [
    Tool {
        name: "dialog",
        heading: "dialog --form",
        args: DIALOG_FORM,
        ready: "Family name:",
        next: (DOWN, "Down to the next field"),
    },
    Tool {
        name: "whiptail",
        heading: "whiptail --inputbox",
        args: &["--inputbox", "Family name", "10", "60"],
        ready: "Family name",
        next: (TAB, "Tab (to the buttons)"),
    },
];

/// dialog --form and whiptail --inputbox through the same terminal: (typed char avg, first paint).
pub fn classic(dir: &Path, report: &mut Report) -> Vec<(String, f64, usize)> {
    report.run = "classic".into();
    TOOLS
        .iter()
        .filter(|t| which(t.name))
        .map(|t| measure(t, dir, report))
        .collect()
}

fn measure(tool: &Tool, dir: &Path, report: &mut Report) -> (String, f64, usize) {
    let name = tool.name;
    println!("\n== {} ==", tool.heading);
    let trace = which("strace").then(|| dir.join(format!("trace-{name}.txt")));
    let mut s = Session::start(Path::new(name), tool.args, &[], trace);
    s.settle("the form", |scr| scr.contains(tool.ready));
    let (first, writes) = s.count();
    report.line(
        &format!("{name}: first paint ({writes} writes)"),
        format!("{first} B"),
        "",
        None,
    );
    let typed = type_word(&mut s, "okello", |scr, t| scr.contains(t));
    let (avg, w) = average(&typed);
    report.line(
        &format!("{name}: typed char (avg of 6; {w:.1} writes)"),
        format!("{avg:.2} B"),
        "",
        None,
    );
    let bs = [
        s.act(BACKSPACE, "bs", |scr| !scr.contains("okello")),
        s.act(BACKSPACE, "bs", |scr| !scr.contains("okell")),
    ];
    let (avg_b, _) = average(&bs);
    report.line(
        &format!("{name}: Backspace (avg of 2)"),
        format!("{avg_b:.2} B"),
        "",
        None,
    );
    let (key, words) = tool.next;
    let next = s.act(key, "next field", |_| true);
    report.line(
        &format!("{name}: {words}"),
        format!("{} B", next.bytes),
        "",
        None,
    );
    let idle = s.idle(Duration::from_secs(10));
    report.line(&format!("{name}: 10 s idle"), format!("{idle} B"), "", None);
    s.stop("\x1b\x1b");
    (name.to_string(), avg, first)
}
