//! Bytes on the line per action: the release binary in an 80x24 pseudo-terminal, beside dialog and whiptail.
//!
//! Run with `cargo bench --bench terminal_bytes`. Each figure is printed with its budget (issue 9); a figure
//! over budget is a bug. write() calls per action come from strace when it is installed (otherwise the number
//! of read() chunks the pseudo-terminal delivered, which can only be lower or equal).
//! Under `cargo test` (no `--bench` argument) nothing runs: the harness takes half a minute and needs a
//! release build.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No output for this long means the program has finished reacting to a key.
const QUIET: Duration = Duration::from_millis(300);
const TIMEOUT: Duration = Duration::from_secs(15);

const TAB: &str = "\t";
const ENTER: &str = "\r";
const BACKSPACE: &str = "\x7f";
const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";
const CTRL_Q: &str = "\x11";

#[derive(Default)]
struct Seen {
    bytes: Vec<u8>,
    chunks: usize,
    last: Option<Instant>,
}

/// A program in a pseudo-terminal, with everything it wrote and a vt100 screen of it.
struct Session {
    seen: Arc<Mutex<Seen>>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    trace: Option<PathBuf>,
}

/// What one action cost.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    bytes: usize,
    writes: usize,
    /// The bytes of the visible characters that changed on screen: what any program must send at the least,
    /// before cursor moves, attributes and erasing.
    floor: usize,
}

/// Non-blank cells that look different between two screens, counted in the bytes of what now shows there.
fn changed_bytes(before: &vt100::Screen, after: &vt100::Screen) -> usize {
    let (rows, cols) = after.size();
    let mut n = 0;
    for r in 0..rows.get() {
        for c in 0..cols.get() {
            let (Some(a), Some(b)) = (before.cell(r, c), after.cell(r, c)) else {
                continue;
            };
            let same = a.contents() == b.contents()
                && a.fgcolor() == b.fgcolor()
                && a.bgcolor() == b.bgcolor()
                && a.bold() == b.bold()
                && a.inverse() == b.inverse()
                && a.underline() == b.underline();
            // Blanks are left out: an erase covers a run of them for three bytes.
            if !same && !b.is_wide_continuation() && !b.contents().trim().is_empty() {
                n += b.contents().len();
            }
        }
    }
    n
}

impl Session {
    fn start(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        trace: Option<PathBuf>,
    ) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = match &trace {
            Some(t) => {
                let mut c = CommandBuilder::new("strace");
                c.args(["-f", "-qq", "-y", "-e", "trace=write", "-o"]);
                c.arg(t);
                c.arg(program);
                c
            }
            None => CommandBuilder::new(program),
        };
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("start the program");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(24).unwrap(),
            NonZeroU16::new(80).unwrap(),
            0,
        )));
        {
            let seen = Arc::clone(&seen);
            let parser = Arc::clone(&parser);
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    parser.lock().unwrap().process(&buf[..n]);
                    let mut s = seen.lock().unwrap();
                    s.bytes.extend_from_slice(&buf[..n]);
                    s.chunks += 1;
                    s.last = Some(Instant::now());
                }
            });
        }
        Session {
            seen,
            parser,
            writer,
            child,
            _master: pair.master,
            trace,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn count(&self) -> (usize, usize) {
        let s = self.seen.lock().unwrap();
        (s.bytes.len(), self.tty_writes().unwrap_or(s.chunks))
    }

    /// write() calls to the terminal so far, from strace's log (`-y` names each descriptor's file).
    fn tty_writes(&self) -> Option<usize> {
        let text = std::fs::read_to_string(self.trace.as_ref()?).ok()?;
        Some(
            text.lines()
                .filter(|l| l.contains("write(") && l.contains("</dev/pts/"))
                .count(),
        )
    }

    /// Waits until `ok` holds for the screen and nothing has been written for [`QUIET`].
    fn settle(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let quiet = self
                .seen
                .lock()
                .unwrap()
                .last
                .is_none_or(|t| t.elapsed() >= QUIET);
            if quiet && ok(&self.screen()) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("waited for {what}; the screen was:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `keys`, waits for `ok` and quiet, returns what that cost.
    fn act(&mut self, keys: &str, what: &str, ok: impl Fn(&str) -> bool) -> Cost {
        let (b0, w0) = self.count();
        let before = self.parser.lock().unwrap().screen().clone();
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the reaction begin before looking for quiet, so an unchanged screen is not taken for done.
        std::thread::sleep(Duration::from_millis(50));
        self.settle(what, ok);
        // strace writes its log a moment after the call returns.
        std::thread::sleep(Duration::from_millis(50));
        let (b1, w1) = self.count();
        // TERMINAL_BYTES_DUMP=dir keeps each action's bytes, to see where they go.
        if let Some(dir) = std::env::var_os("TERMINAL_BYTES_DUMP") {
            let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            let name: String = what.chars().filter(|c| c.is_alphanumeric()).collect();
            let bytes = self.seen.lock().unwrap().bytes[b0..b1].to_vec();
            let _ = std::fs::write(Path::new(&dir).join(format!("{n:03}-{name}.bin")), bytes);
        }
        let floor = changed_bytes(&before, self.parser.lock().unwrap().screen());
        Cost {
            bytes: b1 - b0,
            writes: w1 - w0,
            floor,
        }
    }

    /// Bytes written while nothing is pressed for `d`.
    fn idle(&self, d: Duration) -> usize {
        let (b0, _) = self.count();
        std::thread::sleep(d);
        self.count().0 - b0
    }

    fn stop(&mut self, keys: &str) {
        let _ = self.writer.write_all(keys.as_bytes());
        let _ = self.writer.flush();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn average(costs: &[Cost]) -> (f64, f64) {
    let n = costs.len().max(1) as f64;
    (
        costs.iter().map(|c| c.bytes).sum::<usize>() as f64 / n,
        costs.iter().map(|c| c.writes).sum::<usize>() as f64 / n,
    )
}

/// Types `word` one key at a time; each key is done when the screen shows the text typed so far.
fn type_word(s: &mut Session, word: &str, shown: impl Fn(&str, &str) -> bool) -> Vec<Cost> {
    let mut so_far = String::new();
    word.chars()
        .map(|c| {
            so_far.push(c);
            let done = so_far.clone();
            s.act(&c.to_string(), &format!("{done:?} typed"), |scr| {
                shown(scr, &done)
            })
        })
        .collect()
}

/// Rubs out the last `n` characters of `typed`, one key at a time; each is done when the shorter text shows.
fn backspaces(s: &mut Session, typed: &str, n: usize) -> Vec<Cost> {
    let chars: Vec<char> = typed.chars().collect();
    (0..n)
        .map(|i| {
            let keep = chars.len() - i - 1;
            let left: String = chars[..keep].iter().collect();
            let longer: String = chars[..keep + 1].iter().collect();
            s.act(BACKSPACE, "backspace", move |scr| {
                scr.contains(&left) && !scr.contains(&longer)
            })
        })
        .collect()
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
    report: &mut Report,
) -> (f64, f64, usize) {
    println!(
        "\n== warden {label} ({}) ==",
        if flags.is_empty() {
            "no flags".to_string()
        } else {
            flags.join(" ")
        }
    );
    report.run = format!("warden {label}");
    let store = warden::store::Store::open(db).expect("open the demo");
    let person = store
        .search("", 50)
        .expect("search the demo")
        .into_iter()
        .find(|p| {
            p.in_custody
                && p.family_name.chars().count() >= 5
                && p.family_name.chars().all(char::is_alphabetic)
        })
        .expect("someone in custody");
    let query: String = person
        .family_name
        .chars()
        .take(4)
        .flat_map(char::to_lowercase)
        .collect();
    drop(store);

    let trace = which("strace").then(|| dir.join(format!("trace-{label}.txt")));
    let mut args = vec!["--db", db.to_str().unwrap()];
    args.extend_from_slice(flags);
    let log_dir = dir.join("logs");
    let mut s = Session::start(
        bin,
        &args,
        &[("WARDEN_LOG_DIR", log_dir.to_str().unwrap())],
        trace,
    );
    s.settle("the sign-in screen", |scr| scr.contains("User name"));
    let (first, first_writes) = s.count();
    let ascii = flags.contains(&"--ascii") || flags.contains(&"--mono");
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
    report.line(
        &format!(
            "open a screen: sign in to home ({} writes; new text {} B)",
            home.writes, home.floor
        ),
        format!("{} B", home.bytes),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(home.bytes > open_budget),
    );
    let search = s.act("/", "the search screen", |scr| scr.contains("Find:"));
    report.line(
        &format!(
            "open a screen: search ({} writes; new text {} B)",
            search.writes, search.floor
        ),
        format!("{} B", search.bytes),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(search.bytes > open_budget),
    );
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
        "",
        None,
    );
    let record = s.act(ENTER, "the record", |scr| {
        scr.contains("Legal status and sentence")
    });
    report.line(
        &format!(
            "open a screen: record view ({} writes; new text {} B)",
            record.writes, record.floor
        ),
        format!("{} B", record.bytes),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(record.bytes > open_budget),
    );
    let idle = s.idle(Duration::from_secs(10));
    report.line(
        "10 s idle on the record",
        format!("{idle} B"),
        "0 B",
        Some(idle > 0),
    );

    let edit = s.act("e", "the edit form", |scr| scr.contains("| Edit "));
    report.line(
        &format!(
            "open a screen: edit form ({} writes; new text {} B)",
            edit.writes, edit.floor
        ),
        format!("{} B", edit.bytes),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(edit.bytes > open_budget),
    );
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
    report.line(
        &format!(
            "open a screen: a person's programmes ({} writes; new text {} B)",
            progs.writes, progs.floor
        ),
        format!("{} B", progs.bytes),
        if ascii { "<= 800 B" } else { "<= 1.5 KB" },
        Some(progs.bytes > open_budget),
    );
    s.act(ESC, "back on the record", |scr| {
        scr.contains("Legal status and sentence")
    });
    let redraw = s.act("\x0c", "repainted", |_| true);
    report.line(
        &format!("Ctrl-L full repaint ({} writes)", redraw.writes),
        format!("{} B", redraw.bytes),
        "",
        None,
    );
    s.stop(CTRL_Q);
    (avg_f, avg, first)
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// dialog --form and whiptail --inputbox through the same terminal: (typed char avg, first paint).
fn classic(dir: &Path, report: &mut Report) -> Vec<(String, f64, usize)> {
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

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_warden"));
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
    for (label, flags) in [
        ("colour", &[][..]),
        ("ascii", &["--ascii"][..]),
        ("mono", &["--mono"][..]),
    ] {
        ours.push((
            label,
            warden(&bin, &db, dir.path(), label, flags, &mut report),
        ));
    }
    let classic = classic(dir.path(), &mut report);
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
