//! The terminal interface: terminal setup and teardown, the event loop, screens, key map and theme.

pub mod app;
pub mod backend;
pub mod decoder;
pub mod drafts;
pub mod keyboard;
pub mod keymap;
pub mod link;
pub mod paste;
pub mod screens;
pub mod theme;
pub mod widgets;
pub mod worker;

use anyhow::Result;
use app::App;
use backend::LeanBackend;
use chrono::Utc;
use crossterm::style::{Attribute, SetAttribute};
use crossterm::terminal::{self, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::store::Store;

/// xterm's switch to the alternate screen (what crossterm's `EnterAlternateScreen` writes), sent by the lean
/// backend with the first frame rather than in a write of its own.
const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";
/// xterm's bracketed paste on and off (crossterm's `EnableBracketedPaste`/`DisableBracketedPaste`): a paste then
/// comes as one event between markers, not as keys. Terminals that do not know the mode ignore it.
const ENABLE_BRACKETED_PASTE: &[u8] = b"\x1b[?2004h";
const DISABLE_BRACKETED_PASTE: &[u8] = b"\x1b[?2004l";
/// Set once bracketed paste was asked for, so that leaving (also from a panic or signal) turns it off again, and
/// a VT100, which was never sent it, is not sent the other either.
static BRACKETED_PASTE: AtomicBool = AtomicBool::new(false);

/// How to draw: colour or monochrome, Unicode or ASCII borders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplayOptions {
    pub mono: bool,
    pub ascii: bool,
    /// The terminal may be a DEC VT100, VT102 or VT220 (or is unknown): only the sequences those know.
    pub vt100: bool,
}

impl DisplayOptions {
    /// A display with the given colour and character set, on a terminal newer than a VT100 (tests, benches).
    pub fn new(mono: bool, ascii: bool) -> DisplayOptions {
        DisplayOptions {
            mono,
            ascii,
            vt100: false,
        }
    }

    /// From the command-line flags and the environment (NO_COLOR, TERM, the locale).
    pub fn from_env(mono_flag: bool, ascii_flag: bool) -> DisplayOptions {
        Self::from_vars(mono_flag, ascii_flag, |k| std::env::var(k).ok())
    }

    /// As [`DisplayOptions::from_env`], with the environment given as a lookup (for tests).
    pub fn from_vars(
        mono_flag: bool,
        ascii_flag: bool,
        var: impl Fn(&str) -> Option<String>,
    ) -> DisplayOptions {
        let term = var("TERM").unwrap_or_default();
        let plain_term = matches!(
            term.as_str(),
            "vt100" | "vt102" | "vt220" | "linux" | "dumb" | ""
        );
        let no_color = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        // The locale that decides the character set: LC_ALL, else LC_CTYPE, else LANG (the first one set).
        let lang = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| var(k).filter(|v| !v.is_empty()))
            .unwrap_or_default()
            .to_uppercase();
        let utf8 = lang.contains("UTF-8") || lang.contains("UTF8");
        // Monochrome always goes with ASCII borders: the terminals that need one usually need the other.
        let mono = mono_flag || no_color || plain_term;
        DisplayOptions {
            mono,
            ascii: ascii_flag || mono || !utf8,
            vt100: ["vt100", "vt102", "vt220"]
                .iter()
                .any(|t| term.starts_with(t))
                || matches!(term.as_str(), "dumb" | ""),
        }
    }
}

/// Puts the terminal back as it was. Safe to call twice, and from a panic or signal.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let mut out = std::io::stdout();
    // A shell left in bracketed-paste mode would see the markers around every paste as garbage.
    if BRACKETED_PASTE.swap(false, Ordering::SeqCst) {
        let _ = out.write_all(DISABLE_BRACKETED_PASTE);
    }
    // The lean backend leaves its last pen set between frames; the shell must not inherit it. The screen is
    // erased before leaving the alternate screen: a terminal without one (the Linux console, a VT100) would
    // otherwise go on showing the last record on a shared station.
    let _ = execute!(
        out,
        SetAttribute(Attribute::Reset),
        cursor::MoveTo(0, 0),
        terminal::Clear(terminal::ClearType::All),
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        tracing::error!("panic: {info}");
        previous(info);
    }));
}

/// The signal that asked the program to leave (0 while none has), set by signal-hook's handler the moment it is
/// delivered: a real hang-up also makes the terminal's reads fail, and the event loop may then come back with
/// that error before the signal thread has even run.
static RECEIVED: std::sync::LazyLock<std::sync::Arc<std::sync::atomic::AtomicUsize>> =
    std::sync::LazyLock::new(Default::default);
/// Set by whichever path (the signal thread or the event loop's return) leaves first, so the line is logged once.
static LEAVING: AtomicBool = AtomicBool::new(false);

/// A dropped SSH connection sends SIGHUP; writes to the tty then fail. Every change is already committed
/// (each is one transaction), so the right answer is to log, restore what can be restored, and leave.
fn install_signal_handlers() {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    for sig in [SIGHUP, SIGTERM] {
        if let Err(e) = signal_hook::flag::register_usize(sig, RECEIVED.clone(), sig as usize) {
            tracing::warn!(error = %e, "could not record signal {sig}");
        }
    }
    match signal_hook::iterator::Signals::new([SIGHUP, SIGTERM]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    leave_on_signal(sig);
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, "could not install signal handlers"),
    }
}

/// Logs the signal, writes the log out, puts the terminal back and exits with 128 + the signal's number. The
/// log comes first and is flushed before the exit: `exit` runs no destructors, and the log's writer is a
/// background thread whose queue would otherwise die with the process.
fn leave_on_signal(sig: i32) -> ! {
    if LEAVING.swap(true, Ordering::SeqCst) {
        // The other path is already logging and will exit the whole process.
        loop {
            std::thread::park();
        }
    }
    let name = match sig {
        signal_hook::consts::SIGHUP => "SIGHUP".to_string(),
        signal_hook::consts::SIGTERM => "SIGTERM".to_string(),
        other => format!("{other}"),
    };
    tracing::info!("signal {name}: leaving");
    crate::cli::flush_log();
    restore_terminal();
    std::process::exit(128 + sig);
}

/// True when there is a terminal to draw on and read keys from: standard output is one, and so is standard
/// input or the process's controlling terminal (what the keyboard reads when standard input is redirected).
pub fn has_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
        && (std::io::stdin().is_terminal()
            || std::fs::File::options()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .is_ok())
}

/// The TUI, with the line's speed found from the environment, the service setting and the terminal.
pub fn run(store: Store, display: DisplayOptions) -> Result<()> {
    run_on(store, display, false, None)
}

/// The TUI; `slow_link_flag` is `--slow-link`, `sites` headquarters' folder of site files (`--sites DIR`).
pub fn run_on(
    store: Store,
    display: DisplayOptions,
    slow_link_flag: bool,
    sites: Option<std::path::PathBuf>,
) -> Result<()> {
    let setting = store
        .setting(&crate::store::Setting::SlowLink)
        .ok()
        .flatten();
    let slow_link = link::is_slow(
        slow_link_flag,
        std::env::var("WARDEN_SLOW_LINK").ok().as_deref(),
        setting.as_deref(),
        link::output_baud(),
    );
    tracing::info!(slow_link, "terminal line speed decided");
    install_panic_hook();
    install_signal_handlers();
    terminal::enable_raw_mode()?;
    let result = event_loop(store, display, slow_link, sites);
    let sig = RECEIVED.load(Ordering::SeqCst);
    if sig != 0 {
        // A hang-up that broke the terminal's reads: leave as the signal thread would, with the line logged.
        leave_on_signal(i32::try_from(sig).unwrap_or(signal_hook::consts::SIGHUP));
    }
    restore_terminal();
    result
}

/// Standard output without its line buffer: `Stdout` would split a frame containing a newline into two writes.
#[cfg(unix)]
fn frame_writer() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        std::io::stdout().as_fd().try_clone_to_owned()?,
    ))
}

#[cfg(not(unix))]
fn frame_writer() -> std::io::Result<std::io::Stdout> {
    Ok(std::io::stdout())
}

/// At most this many events already waiting are handled before a frame is drawn, and for at most this long.
const TYPEAHEAD_EVENTS: usize = 256;
const TYPEAHEAD_TIME: Duration = Duration::from_millis(100);

fn event_loop(
    store: Store,
    display: DisplayOptions,
    slow_link: bool,
    sites: Option<std::path::PathBuf>,
) -> Result<()> {
    let mut backend = LeanBackend::new(frame_writer()?, display.mono)?;
    // The switch to the alternate screen goes out with the first frame, in the same write(), and so do tab stops
    // every 8 columns: moves use HT, and a shell may have set others (`tabs -4`).
    backend.queue(ENTER_ALTERNATE_SCREEN);
    // Not on a VT100 (only what it knows) nor the Linux console (which has no such mode: a paste there, from
    // gpm, comes as keys, which the decoder also takes safely).
    if !display.vt100 && std::env::var("TERM").map_or(true, |t| t != "linux") {
        BRACKETED_PASTE.store(true, Ordering::SeqCst);
        backend.queue(ENABLE_BRACKETED_PASTE);
    }
    backend.set_vt100_only(display.vt100);
    backend.reset_tab_stops();
    let mut terminal = Terminal::new(backend)?;
    terminal.clear()?;
    let esc_delay = decoder::esc_delay_from(std::env::var(decoder::ESC_DELAY_VAR).ok().as_deref());
    tracing::info!(esc_delay_ms = esc_delay.as_millis() as u64, "key decoder");
    let mut keyboard = keyboard::Keyboard::open(esc_delay)?;
    let mut app = App::new(store, theme::Theme::new(display), Utc::now());
    app.set_slow_link(slow_link);
    app.set_sites(sites);
    let mut dirty = true;
    loop {
        if app.full_redraw {
            // Clears, resets the pen and forgets the cursor state; the draw below repaints every cell. The tab
            // stops are set again too, as cursor moves use them.
            terminal.backend_mut().reset_tab_stops();
            terminal.clear()?;
            app.full_redraw = false;
            dirty = true;
        }
        if dirty {
            terminal.draw(|f| app.render(f))?;
        }
        if app.should_quit() {
            break;
        }
        // Sleep until a key arrives or the idle lock falls due; no periodic wake-ups.
        let timeout = app
            .deadline()
            .map(|due| (due - Utc::now()).to_std().unwrap_or(Duration::ZERO));
        let first = keyboard.next(timeout.unwrap_or(Duration::from_secs(24 * 3600)))?;
        if let Some(event) = first {
            dirty = app.handle_event(event, Utc::now());
            // Keys already waiting (typed ahead, pasted, a key held down) are handled before the next frame, so
            // one frame shows where they lead instead of one frame each: on a slow line the frames between
            // would only delay the last. Bounded, so a long paste still shows progress.
            let burst = Instant::now();
            let mut handled = 1;
            while handled < TYPEAHEAD_EVENTS
                && burst.elapsed() < TYPEAHEAD_TIME
                && !app.should_quit()
            {
                let Some(event) = keyboard.next(Duration::ZERO)? else {
                    break;
                };
                dirty |= app.handle_event(event, Utc::now());
                handled += 1;
            }
        } else {
            dirty = app.tick(Utc::now());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::DisplayOptions;

    fn with(vars: &[(&str, &str)], mono: bool, ascii: bool) -> DisplayOptions {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        DisplayOptions::from_vars(mono, ascii, move |k| {
            vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    const XTERM_UTF8: &[(&str, &str)] = &[("TERM", "xterm-256color"), ("LANG", "en_GB.UTF-8")];

    #[test]
    fn a_utf8_colour_terminal_gets_colour_and_box_drawing() {
        let d = with(XTERM_UTF8, false, false);
        assert_eq!(
            d,
            DisplayOptions {
                mono: false,
                ascii: false,
                vt100: false
            }
        );
        let d = with(&[("TERM", "xterm"), ("LC_CTYPE", "C.utf8")], false, false);
        assert!(!d.ascii, "utf8 spelt without a hyphen");
    }

    #[test]
    fn ascii_comes_from_the_flag_a_non_utf8_locale_or_a_vt100() {
        assert!(with(XTERM_UTF8, false, true).ascii, "--ascii");
        assert!(!with(XTERM_UTF8, false, true).mono, "--ascii keeps colour");
        for lang in ["C", "POSIX", "en_US.ISO-8859-1", "ru_RU.KOI8-R"] {
            let d = with(&[("TERM", "xterm"), ("LANG", lang)], false, false);
            assert!(d.ascii && !d.mono, "LANG={lang}: {d:?}");
        }
        assert!(
            with(&[("TERM", "xterm")], false, false).ascii,
            "no locale at all is C"
        );
        // LC_ALL wins over LANG, either way; an empty one is skipped.
        assert!(
            with(
                &[("TERM", "xterm"), ("LC_ALL", "C"), ("LANG", "en_GB.UTF-8")],
                false,
                false
            )
            .ascii
        );
        assert!(
            !with(
                &[("TERM", "xterm"), ("LC_ALL", ""), ("LANG", "en_GB.UTF-8")],
                false,
                false
            )
            .ascii
        );
        assert!(
            !with(
                &[("TERM", "xterm"), ("LC_ALL", "de_DE.UTF-8"), ("LANG", "C")],
                false,
                false
            )
            .ascii
        );
        let vt = with(&[("TERM", "vt100"), ("LANG", "en_GB.UTF-8")], false, false);
        assert!(
            vt.ascii && vt.mono,
            "a vt100 has neither box drawing nor colour: {vt:?}"
        );
    }

    #[test]
    fn dec_terminals_and_unknown_ones_get_only_vt100_sequences() {
        for term in ["vt100", "vt102", "vt220", "vt100-am", "dumb", ""] {
            assert!(with(&[("TERM", term)], false, false).vt100, "TERM={term}");
        }
        for term in [
            "xterm-256color",
            "linux",
            "screen",
            "tmux-256color",
            "putty",
        ] {
            assert!(!with(&[("TERM", term)], false, false).vt100, "TERM={term}");
        }
    }

    #[test]
    fn monochrome_comes_from_the_flag_no_color_or_a_plain_terminal_and_brings_ascii() {
        assert_eq!(
            with(XTERM_UTF8, true, false),
            DisplayOptions {
                mono: true,
                ascii: true,
                vt100: false
            }
        );
        let mut vars = XTERM_UTF8.to_vec();
        vars.push(("NO_COLOR", "1"));
        assert!(with(&vars, false, false).mono);
        vars.pop();
        vars.push(("NO_COLOR", ""));
        assert!(
            !with(&vars, false, false).mono,
            "an empty NO_COLOR is not set"
        );
        assert!(with(&[("TERM", "linux"), ("LANG", "C.UTF-8")], false, false).mono);
    }
}
