//! Drives the real `warden` binary in a pseudo-terminal and reads its screen through a vt100 parser.

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long any wait lasts before the test fails with the screen it saw. Generous: debug builds on two busy
/// cores. Waits return as soon as the screen shows what is wanted, so this is never a timing assertion.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes a terminal sends for keys (xterm, normal cursor mode).
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const SHIFT_TAB: &str = "\x1b[Z";
    pub const BACKSPACE: &str = "\x7f";
    pub const DOWN: &str = "\x1b[B";
    pub const UP: &str = "\x1b[A";
    pub const RIGHT: &str = "\x1b[C";
    pub const ESC: &str = "\x1b";
    pub const CTRL_P: &str = "\x10";
    pub const PAGE_DOWN: &str = "\x1b[6~";
    pub const F2: &str = "\x1bOQ";
    pub const F3: &str = "\x1bOR";
    pub const F10: &str = "\x1b[21~";
    pub const CTRL_Q: &str = "\x11";
}

/// Where the program under test runs: a database path, a log directory, a terminal size, extra environment.
pub struct Launch<'a> {
    pub db: &'a Path,
    pub dir: &'a Path,
    pub cols: u16,
    pub rows: u16,
    pub env: Vec<(&'a str, &'a str)>,
    /// The line speed the terminal reports (termios), as a serial line would; None leaves the pty's own.
    pub baud: Option<u32>,
}

impl<'a> Launch<'a> {
    /// 80x24, the size every screen is designed for.
    pub fn new(db: &'a Path, dir: &'a Path) -> Launch<'a> {
        Launch {
            db,
            dir,
            cols: 80,
            rows: 24,
            env: Vec::new(),
            baud: None,
        }
    }

    pub fn baud(mut self, baud: u32) -> Self {
        self.baud = Some(baud);
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Self {
        self.cols = cols;
        self.rows = rows;
        self
    }

    pub fn env(mut self, key: &'a str, value: &'a str) -> Self {
        self.env.push((key, value));
        self
    }

    pub fn start(self) -> Term {
        Term::start(self)
    }
}

/// How many of the program's last bytes `Term::last_bytes` keeps.
const LAST_BYTES: usize = 256;

/// Device status report "where is the cursor?", which the program waits to have answered.
const CURSOR_QUERY: &[u8] = b"\x1b[6n";

type Writer = Arc<Mutex<Option<Box<dyn Write + Send>>>>;

pub struct Term {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Writer,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    reader_done: Arc<AtomicBool>,
    /// Bytes the program has written to the terminal so far.
    received: Arc<AtomicUsize>,
    /// The last bytes it wrote (up to `LAST_BYTES`).
    last: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
}

/// The `warden` binary cargo built for these tests, or `WARDEN_TEST_BINARY`: a long run (scripts/power-cut.sh)
/// uses a copy, so that a rebuild in the same tree cannot replace the binary under it mid-run.
pub fn binary() -> PathBuf {
    std::env::var_os("WARDEN_TEST_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_warden")))
}

impl Term {
    fn start(launch: Launch) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: launch.rows,
                cols: launch.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        if let Some(baud) = launch.baud {
            // stty sets the terminal side's speed as a serial port's driver would report it.
            let tty = pair.master.tty_name().expect("the terminal side's name");
            let status = std::process::Command::new("stty")
                .arg("-F")
                .arg(&tty)
                .arg(baud.to_string())
                .status()
                .expect("run stty");
            assert!(
                status.success(),
                "stty -F {} {baud}: {status}",
                tty.display()
            );
        }
        let mut cmd = CommandBuilder::new(binary());
        cmd.arg("--db");
        cmd.arg(launch.db);
        // A clean, known environment: nothing from the developer's shell (NO_COLOR, WARDEN_DB...) leaks in.
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", launch.dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("WARDEN_LOG_DIR", launch.dir.join("logs"));
        for (k, v) in &launch.env {
            cmd.env(k, v);
        }
        cmd.cwd(launch.dir);
        let child = pair.slave.spawn_command(cmd).expect("start warden");
        // Only the child keeps the terminal side open, so its exit ends our reads.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer: Writer = Arc::new(Mutex::new(Some(
            pair.master.take_writer().expect("pty writer"),
        )));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(launch.rows).expect("rows"),
            NonZeroU16::new(launch.cols).expect("cols"),
            0,
        )));
        let reader_done = Arc::new(AtomicBool::new(false));
        let received = Arc::new(AtomicUsize::new(0));
        let last = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let parser = Arc::clone(&parser);
            let done = Arc::clone(&reader_done);
            let counted = Arc::clone(&received);
            let kept = Arc::clone(&last);
            let answer = Arc::clone(&writer);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                // The end of the previous read, so a query split across two reads is still seen.
                let mut tail: Vec<u8> = Vec::new();
                loop {
                    let n = match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    counted.fetch_add(n, Ordering::SeqCst);
                    {
                        let mut kept = kept.lock().unwrap();
                        kept.extend_from_slice(&buf[..n]);
                        let extra = kept.len().saturating_sub(LAST_BYTES);
                        kept.drain(..extra);
                    }
                    let (row, col) = {
                        let mut p = parser.lock().unwrap();
                        p.process(&buf[..n]);
                        p.screen().cursor_position()
                    };
                    tail.extend_from_slice(&buf[..n]);
                    let queries = tail
                        .windows(CURSOR_QUERY.len())
                        .filter(|w| *w == CURSOR_QUERY)
                        .count();
                    let keep = tail.len().saturating_sub(CURSOR_QUERY.len() - 1);
                    tail.drain(..keep);
                    // Answer as a terminal does (ratatui asks where the cursor is when it clears).
                    for _ in 0..queries {
                        if let Some(w) = answer.lock().unwrap().as_mut() {
                            let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                            let _ = w.flush();
                        }
                    }
                }
                done.store(true, Ordering::SeqCst);
            })
        };
        Term {
            parser,
            writer,
            child,
            _master: pair.master,
            reader_done,
            received,
            last,
            reader: Some(thread),
            status: None,
        }
    }

    /// Types `keys` (text and the escape sequences in [`keys`]) as one burst.
    pub fn send(&mut self, keys: &str) {
        let mut guard = self.writer.lock().unwrap();
        let w = guard.as_mut().expect("terminal still open");
        w.write_all(keys.as_bytes()).expect("write to the pty");
        w.flush().expect("flush the pty");
    }

    /// The screen as text, one line per row, trailing blanks trimmed.
    /// The last bytes the program wrote to the terminal, as text (escape sequences included).
    pub fn last_bytes(&self) -> String {
        String::from_utf8_lossy(&self.last.lock().unwrap()).into_owned()
    }

    /// How many bytes the program has written to the terminal since it started.
    pub fn received(&self) -> usize {
        self.received.load(Ordering::SeqCst)
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Runs `f` on the parsed screen (cell colours, attributes, cursor).
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.parser.lock().unwrap().screen())
    }

    /// Waits until the screen contains `text`; fails with the whole screen if it never does.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits until `ok` holds for the screen text; returns that screen.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "waited {TIMEOUT:?} for {what}; the screen was:\n{}\n{}\n{}",
                    "-".repeat(80),
                    screen,
                    "-".repeat(80)
                );
            }
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// Sends SIGHUP, as a dropped SSH connection does (portable-pty's killer sends exactly that on unix).
    pub fn hang_up(&mut self) {
        self.child
            .clone_killer()
            .kill()
            .expect("send SIGHUP to warden");
    }

    /// The program's process id, for a kill sent from another thread at a chosen instant.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("warden's process id")
    }

    /// Kills the program outright (SIGKILL), as a power cut or the OOM killer would: no handler runs.
    pub fn kill_hard(&mut self) {
        let pid = self.pid();
        let status = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -9 {pid} failed");
    }

    /// Waits for the program to end and for everything it wrote to reach the parser.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("poll the child") {
                break s;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "warden did not exit within {TIMEOUT:?}; the screen was:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(15));
        };
        while !self.reader_done.load(Ordering::SeqCst) {
            if start.elapsed() > TIMEOUT {
                panic!("the terminal stayed open after warden exited");
            }
            std::thread::sleep(Duration::from_millis(15));
        }
        if let Some(t) = self.reader.take() {
            let _ = t.join();
        }
        self.status = Some(status.clone());
        status
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            // std's kill sends SIGHUP, then SIGKILL if the program lingers.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.writer.lock().unwrap().take();
    }
}
