//! Peak memory of a session (issue 9: at most 16 MB): the release binary in an 80x24 pseudo-terminal on the
//! national demo, signed in, searching, reading a record, typing into the edit form and an assessment form;
//! VmRSS and VmHWM (the peak) read from /proc/PID/status after each step. `cargo bench --bench memory`
//! (figures in docs/PERFORMANCE.md, "Memory").
//!
//! The first run builds the national demo with the binary under test (`warden demo --no-tui --size national`)
//! into `target/bench-memory-national.db` and rebuilds it whenever the binary changes, so its schema and its
//! password hashes (whose memory cost is most of the peak) are that binary's; each run works on a fresh copy. `MEMORY_BIN=PATH` measures another
//! build of warden instead (the static station binary, say). Under `cargo test` (no `--bench`) the same session
//! runs once on a small demo through the test build, as a smoke test of the journey; no budget is checked there.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// 16 MB, read as MiB like the issue's 8 MB binary budget in `.ci/run`.
const BUDGET_KIB: u64 = 16 * 1024;
const RUNS: usize = 3;
/// No output for this long means the program has finished reacting to a key.
const QUIET: Duration = Duration::from_millis(150);
const TIMEOUT: Duration = Duration::from_secs(30);

const TAB: &str = "\t";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_Q: &str = "\x11";
const OFFICER: (&str, &str) = ("officer", "officer-demo");

fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// The memory lines of /proc/PID/status, in KiB.
#[derive(Debug, Clone, Copy, Default)]
struct Status {
    rss: u64,
    peak: u64,
    anon: u64,
    file: u64,
    shmem: u64,
}

fn status(pid: u32) -> Option<Status> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let mut s = Status::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let kib = value
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .unwrap_or(0);
        match key {
            "VmRSS" => s.rss = kib,
            "VmHWM" => s.peak = kib,
            "RssAnon" => s.anon = kib,
            "RssFile" => s.file = kib,
            "RssShmem" => s.shmem = kib,
            _ => {}
        }
    }
    (s.rss > 0).then_some(s)
}

/// Resident KiB per mapping (file and permissions, or [heap], [anon], [stack]), largest first.
fn smaps(pid: u32) -> Vec<(String, u64)> {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, u64)> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            let perms = words.next().unwrap_or("");
            let name = words.nth(3).unwrap_or("[anon]");
            let name = Path::new(name)
                .file_name()
                .map_or(name.to_string(), |n| n.to_string_lossy().into_owned());
            current = format!("{name} {perms}");
        } else if first == "Rss:" {
            let kib: u64 = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            match out.iter_mut().find(|(n, _)| *n == current) {
                Some(entry) => entry.1 += kib,
                None => out.push((current.clone(), kib)),
            }
        }
    }
    out.sort_by_key(|(_, kib)| std::cmp::Reverse(*kib));
    out
}

#[derive(Default)]
struct Seen {
    bytes: usize,
    last: Option<Instant>,
}

/// warden in a pseudo-terminal, with a vt100 screen of what it drew.
struct Session {
    seen: Arc<Mutex<Seen>>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    pid: u32,
}

impl Session {
    fn start(bin: &Path, db: &Path, logs: &Path) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(bin);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("WARDEN_LOG_DIR", logs);
        cmd.env(
            "WARDEN_FORMS",
            concat!(env!("CARGO_MANIFEST_DIR"), "/forms"),
        );
        let child = pair.slave.spawn_command(cmd).expect("start warden");
        drop(pair.slave);
        let pid = child.process_id().expect("warden's process id");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(24).expect("rows"),
            NonZeroU16::new(80).expect("columns"),
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
                    s.bytes += n;
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
            pid,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until `ok` holds for the screen and nothing has been drawn for [`QUIET`].
    fn settle(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let quiet = self
                .seen
                .lock()
                .unwrap()
                .last
                .is_none_or(|t| t.elapsed() >= QUIET);
            let screen = self.screen();
            if quiet && ok(&screen) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("waited for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("send keys");
        self.writer.flush().expect("send keys");
    }

    /// Sends keys one at a time, each drawn before the next, as a person types.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let before = self.seen.lock().unwrap().bytes;
            self.send(&c.to_string());
            let start = Instant::now();
            while self.seen.lock().unwrap().bytes == before && start.elapsed() < TIMEOUT {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }

    fn act(&mut self, keys: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.send(keys);
        // Let the reaction begin before looking for quiet, so the old screen is not taken for done.
        std::thread::sleep(Duration::from_millis(30));
        self.settle(what, ok)
    }

    fn status(&self) -> Status {
        status(self.pid).expect("read /proc/PID/status")
    }

    fn quit(&mut self) {
        let _ = self.writer.write_all(CTRL_Q.as_bytes());
        let _ = self.writer.flush();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// "Answered 3 of 9 required" on an assessment form: the 3.
fn answered(screen: &str) -> Option<u32> {
    let rest = &screen[screen.find("Answered ")? + "Answered ".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// The selected row of a list (marked '>'), if any.
fn selected_line(screen: &str) -> Option<&str> {
    screen
        .lines()
        .find(|l| l.trim_start_matches(['|', '│', ' ']).starts_with('>'))
}

/// What one session measured: (step, status after it), and where the memory was at the end.
struct Journey {
    steps: Vec<(&'static str, Status)>,
    end: Vec<(String, u64)>,
}

/// The officer's session: sign in, search, a record, the edit form, an assessment form, each typed into.
fn journey(bin: &Path, db: &Path, logs: &Path, query: &str) -> Journey {
    let mut s = Session::start(bin, db, logs);
    let mut steps = Vec::new();
    s.settle("the sign-in screen", |scr| scr.contains("User name"));
    steps.push(("first frame (sign-in screen)", s.status()));

    s.type_text(OFFICER.0);
    s.act(ENTER, "the password field", |scr| {
        scr.lines().any(|l| l.contains(">Password"))
    });
    s.type_text(OFFICER.1);
    s.act(ENTER, "the home screen", |scr| {
        scr.contains("The service now")
    });
    steps.push(("signed in (home screen)", s.status()));

    s.act("/", "the search screen", |scr| scr.contains("Find:"));
    s.type_text(query);
    s.settle("the results", |scr| {
        scr.contains(&format!("Find: {query}")) && selected_line(scr).is_some()
    });
    s.act(ENTER, "the record", |scr| {
        scr.contains("Legal status and sentence")
    });
    steps.push(("searched, record open", s.status()));

    s.act("e", "the edit form", |scr| scr.contains("| Edit "));
    for _ in 0..4 {
        s.act(TAB, "the next field", |_| true);
    }
    s.type_text("Kampala");
    s.settle("the typed text", |scr| scr.contains("Kampala"));
    steps.push(("edit form, typed into", s.status()));
    s.act(ESC, "asked to discard", |_| true);
    s.act(ESC, "back on the record", |scr| {
        scr.contains("Legal status and sentence")
    });

    s.act("A", "the forms to choose from", |scr| {
        scr.contains("What to assess")
    });
    for _ in 0..10 {
        let screen = s.screen();
        if selected_line(&screen).is_some_and(|l| l.contains("Admission checks")) {
            break;
        }
        s.act("\x1b[B", "the selection moved", |_| true);
    }
    let form = s.act(ENTER, "the assessment form", |scr| answered(scr).is_some());
    // Three yes/no answers and two typed ones; each must be counted before the next. A typed answer replaces
    // what is there (Ctrl-U first): the form fills some items from the record (the languages), already counted.
    let mut count = answered(&form).unwrap_or(0);
    for keys in [
        "y",
        "\x15Beaten at the station by two men\t",
        "y",
        "\x15Luganda\t",
        "n",
    ] {
        if let Some(text) = keys.strip_prefix('\x15') {
            // Ctrl-U draws nothing on an empty field, so it is sent without waiting for output.
            s.send("\x15");
            std::thread::sleep(QUIET);
            s.type_text(text);
        } else if keys.len() > 1 {
            s.type_text(keys);
        } else {
            s.send(keys);
        }
        let screen = s.settle("the answer counted", |scr| {
            answered(scr).is_some_and(|n| n >= count)
        });
        count = answered(&screen).unwrap_or(count);
    }
    steps.push(("assessment form, 5 answers", s.status()));
    s.act(ESC, "the draft kept", |scr| scr.contains("Draft saved"));
    let last = s.status();
    steps.push(("back on the record (end)", last));
    let end = smaps(s.pid);
    s.quit();
    Journey { steps, end }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Someone in custody whose family name is long enough to search for: four letters of it.
fn query_for(db: &Path) -> String {
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
    person
        .family_name
        .chars()
        .take(4)
        .flat_map(char::to_lowercase)
        .collect()
}

/// The national demo built by `bin`, reused while `bin` is unchanged (size and modification time).
fn national(bin: &Path, original: &Path, logs: &Path) -> PathBuf {
    let db = target_dir().join("bench-memory-national.db");
    let stamp_file = db.with_extension("built-by");
    let meta = std::fs::metadata(original).expect("the binary");
    let stamp = format!(
        "{} {} {:?}",
        original.display(),
        meta.len(),
        meta.modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
    );
    if db.exists() && std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return db;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    eprintln!("building the national demo in {} ...", db.display());
    let out = Command::new(bin)
        .args(["demo", "--no-tui", "--size", "national", "--db"])
        .arg(&db)
        .env("WARDEN_LOG_DIR", logs)
        .output()
        .expect("run warden demo");
    assert!(
        out.status.success(),
        "warden demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&stamp_file, stamp).expect("write the stamp");
    db
}

fn print_journey(j: &Journey) {
    for (step, st) in &j.steps {
        println!(
            "  {step:<30} RSS {:>9}  peak so far {:>9}  (anon {}, file {}, shmem {})",
            mib(st.rss),
            mib(st.peak),
            mib(st.anon),
            mib(st.file),
            mib(st.shmem)
        );
    }
}

fn bench() {
    let original = std::env::var_os("MEMORY_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_warden")));
    // A private copy: other builds sharing the target directory may replace the original while this runs.
    let dir = tempfile::tempdir().expect("temporary directory");
    let bin = dir.path().join("warden");
    std::fs::copy(&original, &bin).expect("copy the binary");
    let logs = dir.path().join("logs");
    let db = national(&bin, &original, &logs);
    let query = query_for(&db);
    println!("binary: {} ({} bytes)", original.display(), file_len(&bin));
    println!("database: {} ({} bytes)", db.display(), file_len(&db));
    let mut peaks = Vec::new();
    let mut last = None;
    for run in 1..=RUNS {
        // A fresh copy each run: a session leaves drafts behind, and the next would be offered to continue them.
        let copy = dir.path().join("national.db");
        std::fs::copy(&db, &copy).expect("copy the national demo");
        let j = journey(&bin, &copy, &logs, &query);
        for suffix in ["", "-wal", "-shm"] {
            let mut p = copy.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        println!("run {run}:");
        print_journey(&j);
        peaks.extend(j.steps.last().map(|(_, st)| st.peak));
        last = Some(j);
    }
    if let Some(j) = last {
        println!("where the memory was at the end of the last run (resident KiB per mapping):");
        for (name, kib) in j.end.iter().filter(|(_, k)| *k >= 64) {
            println!("  {kib:>7} KiB  {name}");
        }
    }
    let worst = peaks.iter().copied().max().unwrap_or(0);
    println!(
        "peak RSS of the session (VmHWM, worst of {RUNS}): {} ({worst} KiB)   budget {} ({BUDGET_KIB} KiB): {}",
        mib(worst),
        mib(BUDGET_KIB),
        if worst <= BUDGET_KIB {
            "met"
        } else {
            "OVER BUDGET"
        }
    );
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// The journey once on a small demo through the test build: the screens it waits for still exist.
fn smoke() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("small.db");
    let spec = warden::demo::DemoSpec {
        country: warden::demo::Country::Uganda,
        size: warden::demo::Size::Small,
        seed: 1,
    };
    warden::demo::build(&db, &spec, chrono::Utc::now()).expect("build the small demo");
    let query = query_for(&db);
    let j = journey(
        Path::new(env!("CARGO_BIN_EXE_warden")),
        &db,
        &dir.path().join("logs"),
        &query,
    );
    print_journey(&j);
    for (step, st) in &j.steps {
        assert!(st.peak >= st.rss && st.rss >= st.anon, "{step}: {st:?}");
    }
    assert!(
        j.end.iter().any(|(name, _)| name.starts_with("[heap]")),
        "no heap among the mappings: {:?}",
        j.end
    );
}

fn main() {
    if full_run() {
        bench();
    } else {
        smoke();
    }
}
