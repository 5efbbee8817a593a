//! A program in an 80x24 pseudo-terminal for the terminal-bytes harness: keys in, bytes and write() calls out,
//! and a vt100 screen of what it shows.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No output for this long means the program has finished reacting to a key.
pub const QUIET: Duration = Duration::from_millis(300);
pub const TIMEOUT: Duration = Duration::from_secs(15);

pub const TAB: &str = "\t";
pub const ENTER: &str = "\r";
pub const BACKSPACE: &str = "\x7f";
pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ESC: &str = "\x1b";
pub const CTRL_Q: &str = "\x11";
pub const CTRL_P: &str = "\x10";
/// A person typing a word: a key about every 150 ms (some 70 words a minute), well inside the typing pause.
pub const TYPING_GAP: Duration = Duration::from_millis(150);

#[derive(Default)]
pub struct Seen {
    bytes: Vec<u8>,
    chunks: usize,
    last: Option<Instant>,
}

/// A program in a pseudo-terminal, with everything it wrote and a vt100 screen of it.
pub struct Session {
    seen: Arc<Mutex<Seen>>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    trace: Option<PathBuf>,
}

/// What one action cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub bytes: usize,
    pub writes: usize,
    /// The bytes of the visible characters that changed on screen: what any program must send at the least,
    /// before cursor moves, attributes and erasing.
    pub floor: usize,
}

/// Non-blank cells that look different between two screens, counted in the bytes of what now shows there.
pub fn changed_bytes(before: &vt100::Screen, after: &vt100::Screen) -> usize {
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
    pub fn start(
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
        // The shipped forms, wherever the harness runs from.
        cmd.env(
            "WARDEN_FORMS",
            concat!(env!("CARGO_MANIFEST_DIR"), "/forms"),
        );
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

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn count(&self) -> (usize, usize) {
        let s = self.seen.lock().unwrap();
        (s.bytes.len(), self.tty_writes().unwrap_or(s.chunks))
    }

    /// write() calls to the terminal so far, from strace's log (`-y` names each descriptor's file).
    pub fn tty_writes(&self) -> Option<usize> {
        let text = std::fs::read_to_string(self.trace.as_ref()?).ok()?;
        Some(
            text.lines()
                .filter(|l| l.contains("write(") && l.contains("</dev/pts/"))
                .count(),
        )
    }

    /// Waits until `ok` holds for the screen and nothing has been written for [`QUIET`].
    pub fn settle(&self, what: &str, ok: impl Fn(&str) -> bool) {
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
    pub fn act(&mut self, keys: &str, what: &str, ok: impl Fn(&str) -> bool) -> Cost {
        let (b0, w0) = self.count();
        let before = self.parser.lock().unwrap().screen().clone();
        if !keys.is_empty() {
            self.writer.write_all(keys.as_bytes()).unwrap();
            self.writer.flush().unwrap();
        }
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
    pub fn idle(&self, d: Duration) -> usize {
        let (b0, _) = self.count();
        std::thread::sleep(d);
        self.count().0 - b0
    }

    pub fn stop(&mut self, keys: &str) {
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

pub fn average(costs: &[Cost]) -> (f64, f64) {
    let n = costs.len().max(1) as f64;
    (
        costs.iter().map(|c| c.bytes).sum::<usize>() as f64 / n,
        costs.iter().map(|c| c.writes).sum::<usize>() as f64 / n,
    )
}

/// Types `word` one key at a time; each key is done when the screen shows the text typed so far.
pub fn type_word(s: &mut Session, word: &str, shown: impl Fn(&str, &str) -> bool) -> Vec<Cost> {
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
pub fn backspaces(s: &mut Session, typed: &str, n: usize) -> Vec<Cost> {
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

/// Types `word` at a person's pace, a key every [`TYPING_GAP`], without waiting for quiet in between: each
/// key's cost is what the terminal received before the next key.
pub fn type_paced(s: &mut Session, word: &str) -> Vec<Cost> {
    word.chars()
        .map(|c| {
            let (b0, w0) = s.count();
            s.writer.write_all(c.to_string().as_bytes()).unwrap();
            s.writer.flush().unwrap();
            std::thread::sleep(TYPING_GAP);
            let (b1, w1) = s.count();
            Cost {
                bytes: b1 - b0,
                writes: w1 - w0,
                floor: 0,
            }
        })
        .collect()
}

/// Presses Esc until the screen shows `text` (a form may first ask to discard). Each Esc waits for the screen to
/// change (a lone Esc acts only after the Esc delay, 200 ms): sending the next one sooner pressed one too many.
pub fn back_to(s: &mut Session, text: &str) {
    for _ in 0..6 {
        let before = s.screen();
        if before.contains(text) {
            return;
        }
        s.act(ESC, "back", |now| now != before);
    }
    s.settle(text, |scr| scr.contains(text));
}

/// Moves the home menu's selection to `label` (the menu is the left box; the selected row holds '>').
pub fn menu_to(s: &mut Session, label: &str) {
    let scr = s.screen();
    let left: Vec<String> = scr.lines().map(|l| l.chars().take(40).collect()).collect();
    let at = left.iter().position(|l| l.contains(label));
    let sel = left.iter().position(|l| l.contains('>'));
    let (Some(at), Some(sel)) = (at, sel) else {
        panic!("no {label:?} or no selection in the menu:\n{scr}");
    };
    let key = if at > sel { DOWN } else { UP };
    for _ in 0..at.abs_diff(sel) {
        s.act(key, "menu moved", |_| true);
    }
}

pub fn which(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}
