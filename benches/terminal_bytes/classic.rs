//! dialog and whiptail through the same harness as warden, for the ratios issue 9 asks for.

use super::Report;
use super::session::{BACKSPACE, DOWN, Session, TAB, average, type_word, which};
use std::path::Path;
use std::time::Duration;

/// dialog --form and whiptail --inputbox through the same terminal: (typed char avg, first paint).
pub fn classic(dir: &Path, report: &mut Report) -> Vec<(String, f64, usize)> {
    let mut out = Vec::new();
    report.run = "classic".into();
    if which("dialog") {
        println!("\n== dialog --form ==");
        let trace = which("strace").then(|| dir.join("trace-dialog.txt"));
        let mut s = Session::start(
            Path::new("dialog"),
            &[
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
            ],
            &[],
            trace,
        );
        s.settle("the form", |scr| scr.contains("Family name:"));
        let (first, writes) = s.count();
        report.line(
            &format!("dialog: first paint ({writes} writes)"),
            format!("{first} B"),
            "",
            None,
        );
        let typed = type_word(&mut s, "okello", |scr, t| scr.contains(t));
        let (avg, w) = average(&typed);
        report.line(
            &format!("dialog: typed char (avg of 6; {w:.1} writes)"),
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
            "dialog: Backspace (avg of 2)",
            format!("{avg_b:.2} B"),
            "",
            None,
        );
        let down = s.act(DOWN, "next field", |_| true);
        report.line(
            "dialog: Down to the next field",
            format!("{} B", down.bytes),
            "",
            None,
        );
        let idle = s.idle(Duration::from_secs(10));
        report.line("dialog: 10 s idle", format!("{idle} B"), "", None);
        s.stop("\x1b\x1b");
        out.push(("dialog".to_string(), avg, first));
    }
    if which("whiptail") {
        println!("\n== whiptail --inputbox ==");
        let trace = which("strace").then(|| dir.join("trace-whiptail.txt"));
        let mut s = Session::start(
            Path::new("whiptail"),
            &["--inputbox", "Family name", "10", "60"],
            &[],
            trace,
        );
        s.settle("the box", |scr| scr.contains("Family name"));
        let (first, writes) = s.count();
        report.line(
            &format!("whiptail: first paint ({writes} writes)"),
            format!("{first} B"),
            "",
            None,
        );
        let typed = type_word(&mut s, "okello", |scr, t| scr.contains(t));
        let (avg, w) = average(&typed);
        report.line(
            &format!("whiptail: typed char (avg of 6; {w:.1} writes)"),
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
            "whiptail: Backspace (avg of 2)",
            format!("{avg_b:.2} B"),
            "",
            None,
        );
        let tab = s.act(TAB, "buttons", |_| true);
        report.line(
            "whiptail: Tab (to the buttons)",
            format!("{} B", tab.bytes),
            "",
            None,
        );
        let idle = s.idle(Duration::from_secs(10));
        report.line("whiptail: 10 s idle", format!("{idle} B"), "", None);
        s.stop("\x1b\x1b");
        out.push(("whiptail".to_string(), avg, first));
    }
    out
}
