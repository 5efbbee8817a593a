//! Fifty sessions on one box (issue 22, item 4): fifty `warden --db FILE` processes, each in its own 80x24
//! pseudo-terminal, all on one copy of the national demo. Measured: the sign-in burst (the fifty Enters that send
//! the passwords, to the last session showing Home), the time from a key written to every terminal at once to
//! each session's first byte of answer (over several rounds), and the resident memory of the fifty (VmRSS summed,
//! and the largest). `cargo bench --bench sessions`; figures in docs/PERFORMANCE.md, "Issue 22 item 4".
//!
//! The national demo is built by the binary under test (`warden demo --no-tui --size national`) into
//! `target/bench-sessions-national.db` and rebuilt whenever the binary changes, as `benches/memory.rs` does;
//! each run works on a fresh copy. `SESSIONS_BIN=PATH` measures another build of warden, `SESSIONS=N` starts N
//! sessions instead of fifty (one alone shows a sign-in's own time). The full run reports
//! the figures beside their targets and checks none of them. Under `cargo test` (no `--bench`) three sessions sign
//! in on a small demo through the test build and each must answer the key: a smoke test of the harness.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

const SESSIONS: usize = 50;
const ROUNDS: usize = 10;
/// The targets of issue 22, item 4.
const BURST_TARGET: Duration = Duration::from_secs(10);
const KEY_P99_TARGET: Duration = Duration::from_millis(50);
const TOTAL_TARGET_MB: f64 = 600.0;
const SESSION_TARGET_MB: f64 = 16.0;

/// No output for this long means a session has finished reacting.
const QUIET: Duration = Duration::from_millis(150);
/// Generous: fifty Argon2id checks share two cores, and the full run must report a slow burst, not give up on it.
const TIMEOUT: Duration = Duration::from_secs(300);

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const CTRL_Q: &str = "\x11";
/// Drawn by Home alone (its statistics box), for every role.
const HOME_MARK: &str = "The service now";

fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// What a session's reader thread saw.
#[derive(Default)]
struct Seen {
    bytes: usize,
    last: Option<Instant>,
    /// When Home was first on the screen.
    home_at: Option<Instant>,
    /// Set just before a key is written; the first byte after it is stamped in `answered_at`.
    armed: bool,
    answered_at: Option<Instant>,
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
        // The idle lock must not fall during a long burst.
        cmd.env("WARDEN_IDLE_SECONDS", "3600");
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
                    // Stamped before parsing, so the parser's work is not counted as the program's.
                    let now = Instant::now();
                    {
                        let mut s = seen.lock().unwrap();
                        if s.armed {
                            s.armed = false;
                            s.answered_at = Some(now);
                        }
                    }
                    let mut parser = parser.lock().unwrap();
                    parser.process(&buf[..n]);
                    let mut s = seen.lock().unwrap();
                    if s.home_at.is_none() && parser.screen().contents().contains(HOME_MARK) {
                        s.home_at = Some(now);
                    }
                    s.bytes += n;
                    s.last = Some(now);
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

    fn quiet(&self) -> bool {
        self.seen
            .lock()
            .unwrap()
            .last
            .is_none_or(|t| t.elapsed() >= QUIET)
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("send keys");
        self.writer.flush().expect("send keys");
    }

    /// Resident memory now, in KiB: VmRSS and RssAnon (the session's own heap and stacks) from /proc/PID/status,
    /// and the proportional share (Pss) from smaps_rollup, which divides pages shared between the sessions (the
    /// binary's) among them.
    fn memory(&self) -> Memory {
        let field = |path: String, key: &str| -> u64 {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| {
                    text.lines().find_map(|l| {
                        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
                        rest.trim().trim_end_matches("kB").trim().parse().ok()
                    })
                })
                .unwrap_or(0)
        };
        Memory {
            rss: field(format!("/proc/{}/status", self.pid), "VmRSS"),
            anon: field(format!("/proc/{}/status", self.pid), "RssAnon"),
            pss: field(format!("/proc/{}/smaps_rollup", self.pid), "Pss"),
        }
    }

    /// CPU time used so far by the process, all its threads (finished ones too), from /proc/PID/stat.
    fn cpu(&self) -> Duration {
        let text = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        // After the command name in parentheses: state is field 3, utime and stime fields 14 and 15.
        let after = text.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<u64> = after
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse().unwrap_or(0))
            .collect();
        // USER_HZ is 100 on Linux whatever the kernel's own tick.
        Duration::from_millis(fields.iter().sum::<u64>() * 10)
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

/// One session's resident memory, in KiB.
#[derive(Debug, Clone, Copy)]
struct Memory {
    rss: u64,
    anon: u64,
    pss: u64,
}

/// Waits until every session's screen passes `ok` (given the session's place and its screen) and all have been
/// quiet for [`QUIET`].
fn settle_all(sessions: &[Session], what: &str, ok: impl Fn(usize, &str) -> bool) {
    let start = Instant::now();
    loop {
        let waiting = sessions
            .iter()
            .enumerate()
            .position(|(i, s)| !(s.quiet() && ok(i, &s.screen())));
        let Some(i) = waiting else {
            return;
        };
        if start.elapsed() > TIMEOUT {
            panic!(
                "waited for {what} in session {i}; its screen was:\n{}",
                sessions[i].screen()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What one run measured.
struct Figures {
    /// From the first Enter to the last session showing Home, and each session's own time.
    burst: Duration,
    signed_in: Vec<Duration>,
    /// Each session's CPU time from its Enter until it was quiet on Home.
    sign_in_cpu: Vec<Duration>,
    /// The account each session signed in as.
    accounts: Vec<&'static str>,
    /// Per round, each session's time from its key to its first byte of answer.
    rounds: Vec<Vec<Duration>>,
    /// Each session's memory with all signed in and quiet.
    memory: Vec<Memory>,
}

/// Starts `count` sessions on `db`, signs them all in at once with the demo accounts in turn, then writes a key
/// to every terminal at once `rounds` times.
fn run(bin: &Path, db: &Path, logs: &Path, count: usize, rounds: usize) -> Figures {
    let mut sessions: Vec<Session> = (0..count).map(|_| Session::start(bin, db, logs)).collect();
    settle_all(&sessions, "the sign-in screen", |_, scr| {
        scr.contains("User name")
    });
    // Every account is the demo's, with its right password: a wrong one would count towards a lockout.
    let users = warden::demo::DEMO_USERS;
    for (i, s) in sessions.iter_mut().enumerate() {
        s.send(users[i % users.len()].name);
        s.send(ENTER);
    }
    settle_all(&sessions, "the password field", |_, scr| {
        scr.lines().any(|l| l.contains(">Password"))
    });
    for (i, s) in sessions.iter_mut().enumerate() {
        s.send(users[i % users.len()].password);
    }
    // The password field shows one mark per letter: all of them drawn means all of it arrived.
    settle_all(&sessions, "the typed password", |i, scr| {
        let length = users[i % users.len()].password.len();
        scr.lines()
            .any(|l| l.contains(">Password") && l.matches('*').count() >= length)
    });

    let cpu_before: Vec<Duration> = sessions.iter().map(Session::cpu).collect();
    let first_enter = Instant::now();
    for s in &mut sessions {
        s.send(ENTER);
    }
    let start = Instant::now();
    let signed_in: Vec<Duration> = loop {
        let homes: Vec<Option<Instant>> = sessions
            .iter()
            .map(|s| s.seen.lock().unwrap().home_at)
            .collect();
        if homes.iter().all(Option::is_some) {
            break homes
                .into_iter()
                .flatten()
                .map(|t| t.saturating_duration_since(first_enter))
                .collect();
        }
        if start.elapsed() > TIMEOUT {
            let i = homes.iter().position(Option::is_none).unwrap_or(0);
            panic!(
                "session {i} never showed Home; its screen was:\n{}",
                sessions[i].screen()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let burst = signed_in.iter().copied().max().unwrap_or_default();
    settle_all(&sessions, "Home, quiet", |_, scr| scr.contains(HOME_MARK));
    let sign_in_cpu = sessions
        .iter()
        .zip(cpu_before)
        .map(|(s, before)| s.cpu().saturating_sub(before))
        .collect();

    let mut all_rounds = Vec::new();
    for round in 0..rounds {
        // Down then Up, so the menu's selection moves every time and never meets its end.
        let key = if round % 2 == 0 { DOWN } else { UP };
        let mut sent = Vec::with_capacity(sessions.len());
        for s in &mut sessions {
            {
                let mut seen = s.seen.lock().unwrap();
                seen.armed = true;
                seen.answered_at = None;
            }
            sent.push(Instant::now());
            s.send(key);
        }
        let start = Instant::now();
        let answered: Vec<Duration> = loop {
            let times: Vec<Option<Instant>> = sessions
                .iter()
                .map(|s| s.seen.lock().unwrap().answered_at)
                .collect();
            if times.iter().all(Option::is_some) {
                break times
                    .into_iter()
                    .zip(&sent)
                    .map(|(t, sent)| t.map(|t| t.saturating_duration_since(*sent)))
                    .map(Option::unwrap_or_default)
                    .collect();
            }
            if start.elapsed() > TIMEOUT {
                let i = times.iter().position(Option::is_none).unwrap_or(0);
                panic!(
                    "session {i} did not answer the key in round {round}; its screen was:\n{}",
                    sessions[i].screen()
                );
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        all_rounds.push(answered);
        settle_all(&sessions, "the key drawn", |_, scr| scr.contains(HOME_MARK));
    }
    let memory = sessions.iter().map(Session::memory).collect();
    for s in &mut sessions {
        s.quit();
    }
    Figures {
        burst,
        signed_in,
        sign_in_cpu,
        accounts: (0..count).map(|i| users[i % users.len()].name).collect(),
        rounds: all_rounds,
        memory,
    }
}

/// The `p`-th percentile by nearest rank.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1_000_000.0
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn report(f: &Figures) {
    let mut signed_in = f.signed_in.clone();
    signed_in.sort();
    println!(
        "sign-in burst ({} sessions, first Enter to the last Home): {:.2} s   target <= {} s: {}",
        signed_in.len(),
        f.burst.as_secs_f64(),
        BURST_TARGET.as_secs(),
        verdict(f.burst <= BURST_TARGET)
    );
    println!(
        "  each session's sign-in: fastest {:.2} s, p50 {:.2} s, slowest {:.2} s",
        signed_in.first().copied().unwrap_or_default().as_secs_f64(),
        percentile(&signed_in, 50.0).as_secs_f64(),
        signed_in.last().copied().unwrap_or_default().as_secs_f64()
    );
    let mut cpu = f.sign_in_cpu.clone();
    cpu.sort();
    let cpu_total: Duration = cpu.iter().sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "  CPU per sign-in (Enter to quiet on Home, 10 ms ticks): p50 {:.2} s, max {:.2} s; all {} together {:.1} s, \
         {:.1} s over {cores} cores",
        percentile(&cpu, 50.0).as_secs_f64(),
        cpu.last().copied().unwrap_or_default().as_secs_f64(),
        cpu.len(),
        cpu_total.as_secs_f64(),
        cpu_total.as_secs_f64() / cores as f64
    );
    // Each account's Home has its own queues to count, so the cost of a sign-in differs by account.
    let mut by_account: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (account, cpu) in f.accounts.iter().zip(&f.sign_in_cpu) {
        match by_account.iter_mut().find(|(a, _)| a == account) {
            Some((_, times)) => times.push(*cpu),
            None => by_account.push((account, vec![*cpu])),
        }
    }
    let per_account: Vec<String> = by_account
        .iter()
        .map(|(account, times)| {
            let mean = times.iter().sum::<Duration>() / times.len() as u32;
            format!("{account} {:.2} s", mean.as_secs_f64())
        })
        .collect();
    println!(
        "  CPU per sign-in by account (mean): {}",
        per_account.join(", ")
    );
    let mut all = Vec::new();
    for (i, round) in f.rounds.iter().enumerate() {
        let mut r = round.clone();
        r.sort();
        println!(
            "  key round {:>2}: p50 {:>9}  p99 {:>9}  max {:>9}",
            i + 1,
            ms(percentile(&r, 50.0)),
            ms(percentile(&r, 99.0)),
            ms(r.last().copied().unwrap_or_default())
        );
        all.extend(r);
    }
    all.sort();
    let p99 = percentile(&all, 99.0);
    println!(
        "key to first byte, all rounds ({} answers): p50 {}  p99 {}  max {}   target p99 <= {}: {}",
        all.len(),
        ms(percentile(&all, 50.0)),
        ms(p99),
        ms(all.last().copied().unwrap_or_default()),
        ms(KEY_P99_TARGET),
        verdict(p99 <= KEY_P99_TARGET)
    );
    let total: u64 = f.memory.iter().map(|m| m.rss).sum();
    let largest = f.memory.iter().map(|m| m.rss).max().unwrap_or(0);
    let pss: u64 = f.memory.iter().map(|m| m.pss).sum();
    let anon: u64 = f.memory.iter().map(|m| m.anon).sum();
    println!(
        "memory, all signed in and quiet: VmRSS summed {:.1} MB   target <= {TOTAL_TARGET_MB} MB: {}",
        mb(total),
        verdict(mb(total) <= TOTAL_TARGET_MB)
    );
    println!(
        "  largest session VmRSS {:.1} MB   target <= {SESSION_TARGET_MB} MB: {}",
        mb(largest),
        verdict(mb(largest) <= SESSION_TARGET_MB)
    );
    println!(
        "  Pss summed (pages shared between sessions counted once) {:.1} MB; RssAnon summed (private) {:.1} MB",
        mb(pss),
        mb(anon)
    );
}

/// The national demo built by `bin`, reused while `bin` is unchanged (size and modification time).
fn national(bin: &Path, original: &Path, logs: &Path) -> PathBuf {
    let db = target_dir().join("bench-sessions-national.db");
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
    remove_db(&db);
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

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default()
}

fn bench() {
    let original = std::env::var_os("SESSIONS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_warden")));
    // A private copy: other builds sharing the target directory may replace the original while this runs.
    let dir = tempfile::tempdir().expect("temporary directory");
    let bin = dir.path().join("warden");
    std::fs::copy(&original, &bin).expect("copy the binary");
    let logs = dir.path().join("logs");
    let db = national(&bin, &original, &logs);
    // A fresh copy: the sessions write their sign-ins to it.
    let copy = dir.path().join("national.db");
    std::fs::copy(&db, &copy).expect("copy the national demo");
    // On disk before the sessions start: otherwise a session's first commit may write the fresh copy's dirty pages
    // back (a profile of one sign-in on an unsynced copy showed the kernel's page writeback in warden's own time),
    // and that would be counted as signing in.
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .expect("write the copy out");
    println!("binary: {} ({} bytes)", original.display(), file_len(&bin));
    println!("database: {} ({} bytes)", db.display(), file_len(&db));
    println!(
        "{} cores; load average before: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load().trim()
    );
    println!(
        "one password check (Argon2id as stored, this build, on the bench's thread): {:.3} s",
        password_check_time(dir.path()).as_secs_f64()
    );
    let count = std::env::var("SESSIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(SESSIONS);
    let figures = run(&bin, &copy, &logs, count, ROUNDS);
    println!("load average after: {}", load().trim());
    report(&figures);
    remove_db(&copy);
}

/// The fastest of three checks of a password against its stored hash: the part of a sign-in that is slow by design.
/// On a file of its own (the hash made by this build, as the demo's are), so the sessions' file is not touched
/// before they start; measured with the machine's whole core, before the sessions start.
fn password_check_time(dir: &Path) -> Duration {
    let path = dir.join("one-account.db");
    let mut store = warden::store::Store::create(&path).expect("a database of one account");
    let officer = warden::demo::DEMO_USERS
        .iter()
        .find(|u| u.name == "officer")
        .expect("the demo's officer");
    store
        .add_user(
            &warden::store::Actor::system_now("bench"),
            officer.name,
            officer.role,
            officer.password,
        )
        .expect("add the account");
    let check = store.login_check(officer.name).expect("read the account");
    let fastest = (0..3)
        .map(|_| {
            let start = Instant::now();
            assert!(check.password_matches(officer.password));
            start.elapsed()
        })
        .min()
        .unwrap_or_default();
    drop(store);
    remove_db(&path);
    fastest
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Three sessions on a small demo through the test build: each signs in and answers the key.
fn smoke() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("small.db");
    let spec = warden::demo::DemoSpec {
        country: warden::demo::Country::Uganda,
        size: warden::demo::Size::Small,
        seed: 1,
    };
    warden::demo::build(&db, &spec, chrono::Utc::now()).expect("build the small demo");
    let f = run(
        Path::new(env!("CARGO_BIN_EXE_warden")),
        &db,
        &dir.path().join("logs"),
        3,
        2,
    );
    report(&f);
    assert_eq!(f.signed_in.len(), 3, "every session signed in");
    assert!(
        f.rounds
            .iter()
            .all(|r| r.len() == 3 && r.iter().all(|d| *d > Duration::ZERO)),
        "every session answered every key: {:?}",
        f.rounds
    );
    assert!(
        f.memory.iter().all(|m| m.rss > 0 && m.pss > 0),
        "every session's memory read: {:?}",
        f.memory
    );
}

fn main() {
    if full_run() {
        bench();
    } else {
        smoke();
    }
}
