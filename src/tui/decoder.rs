//! The key decoder: bytes from the terminal to crossterm's `Event`s, never waiting for more bytes forever.
//!
//! crossterm 0.29's parser keeps a sequence open while it may still become one it knows: after `ESC [ ?` it waits
//! for a `u` or `c`, so a pasted `ESC [ ? 1049 l` swallowed every later key (F2 included) until one of those
//! letters came. Here every sequence ends at a byte that cannot belong to it, and whatever is left open when the
//! line goes quiet is dropped after a delay (the caller's clock: [`Decoder::pending`] says how long, and
//! [`Decoder::expire`] is called when that time has passed without a byte), as ncurses does with ESCDELAY.
//!
//! - A CSI (`ESC [`) ends at its final byte; one this program does not know is dropped whole. A control
//!   character or a byte that cannot be in a CSI ends it too, and is then read as a key of its own.
//! - OSC, DCS, SOS, PM and APC strings are skipped whole to `BEL` or `ESC \`; a control character (Enter, Tab)
//!   ends them early and is a key, so a broken string can hide printable characters only until the delay.
//! - `ESC` followed by a byte that starts no sequence is Esc and then that key, as ncurses reads it (this
//!   program binds nothing to Alt, and a quick Esc then a letter should do both).
//! - A bracketed paste (`ESC [ 200 ~` ... `ESC [ 201 ~`) is one `Event::Paste`; one whose end never comes ends
//!   after a longer quiet spell.
//! - Invalid UTF-8 is dropped.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;
use std::time::Duration;

/// How long the line may stay quiet inside an unfinished sequence (a lone Esc included) before it is given up.
/// Inter-byte, so it only has to cover the gap between two bytes of one key: at 9600 baud that is 1 ms, at
/// 300 baud 33 ms; over SSH a key's bytes travel in one packet, and a delayed packet on a poor link rarely
/// lags 100 ms behind the one before it. A lone Esc ("leave") waits this long before it acts.
pub const DEFAULT_ESC_DELAY: Duration = Duration::from_millis(200);
/// The environment variable that sets the delay in milliseconds for one run.
pub const ESC_DELAY_VAR: &str = "WARDEN_ESCDELAY_MS";
/// A bracketed paste whose end marker has not come ends after this many Esc delays without a byte: a paste
/// over a slow link may pause between packets, and a lost end marker must not hold the keys after it for long.
const PASTE_DELAYS: u32 = 5;
/// A paste longer than this keeps only its start: no text field takes more than a few thousand characters.
pub const PASTE_MAX_BYTES: usize = 64 * 1024;
/// A CSI with more parameter bytes than this is not one a keyboard sends; it is read to its end and dropped.
const CSI_MAX: usize = 32;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
const PASTE_END: &[u8] = b"\x1b[201~";

/// The delay from `WARDEN_ESCDELAY_MS` (0 to 5000 ms), else the default.
pub fn esc_delay_from(var: Option<&str>) -> Duration {
    var.and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms <= 5000)
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_ESC_DELAY)
}

#[derive(Debug)]
enum State {
    Ground,
    /// After `ESC`.
    Esc,
    /// After `ESC [`: the parameter and intermediate bytes so far; `overlong` once past [`CSI_MAX`].
    Csi {
        params: Vec<u8>,
        overlong: bool,
    },
    /// After `ESC [ [` (the Linux console's F1 to F5).
    LinuxFn,
    /// After `ESC O`.
    Ss3,
    /// Inside an OSC, DCS, SOS, PM or APC string; `esc` after an `ESC` that may begin its `ESC \` end.
    Str {
        esc: bool,
    },
    /// Inside a bracketed paste; `matched` bytes of its end marker seen last.
    Paste {
        text: Vec<u8>,
        matched: usize,
    },
    /// Inside a multi-byte UTF-8 character, `need` bytes long.
    Utf8 {
        bytes: Vec<u8>,
        need: usize,
    },
}

/// Turns terminal input into events; see the module's notes.
#[derive(Debug)]
pub struct Decoder {
    state: State,
    delay: Duration,
    events: VecDeque<Event>,
}

impl Decoder {
    pub fn new(delay: Duration) -> Decoder {
        Decoder {
            state: State::Ground,
            delay,
            events: VecDeque::new(),
        }
    }

    /// The next decoded event, if any.
    pub fn next_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// How long after the last byte an unfinished sequence is given up; None when nothing is unfinished.
    pub fn pending(&self) -> Option<Duration> {
        match self.state {
            State::Ground => None,
            State::Paste { .. } => Some(self.delay * PASTE_DELAYS),
            _ => Some(self.delay),
        }
    }

    /// The line has been quiet for [`Decoder::pending`]: a lone Esc is the Esc key, an unfinished paste is
    /// pasted as far as it came, anything else unfinished is dropped.
    pub fn expire(&mut self) {
        match std::mem::replace(&mut self.state, State::Ground) {
            State::Esc => self.key(KeyCode::Esc, KeyModifiers::NONE),
            State::Paste { text, matched } => {
                let kept = text.len().saturating_sub(matched);
                self.paste(&text[..kept]);
            }
            _ => {}
        }
    }

    /// Decodes `bytes`; the events wait in [`Decoder::next_event`].
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        match &mut self.state {
            State::Ground => self.ground(b),
            State::Esc => {
                self.state = State::Ground;
                match b {
                    b'[' => {
                        self.state = State::Csi {
                            params: Vec::new(),
                            overlong: false,
                        }
                    }
                    b'O' => self.state = State::Ss3,
                    b']' | b'P' | b'X' | b'^' | b'_' => self.state = State::Str { esc: false },
                    _ => {
                        self.key(KeyCode::Esc, KeyModifiers::NONE);
                        self.ground(b);
                    }
                }
            }
            State::Csi { params, overlong } => match b {
                b'[' if params.is_empty() => self.state = State::LinuxFn,
                0x20..=0x3f => {
                    if params.len() < CSI_MAX {
                        params.push(b);
                    } else {
                        *overlong = true;
                    }
                }
                0x40..=0x7e => {
                    let params = std::mem::take(params);
                    let overlong = *overlong;
                    self.state = State::Ground;
                    if !overlong {
                        self.csi(&params, b);
                    }
                }
                // A control character or a byte no CSI holds: the sequence was broken; the byte is itself.
                _ => {
                    self.state = State::Ground;
                    self.ground(b);
                }
            },
            State::LinuxFn => {
                self.state = State::Ground;
                match b {
                    b'A'..=b'E' => self.key(KeyCode::F(b - b'A' + 1), KeyModifiers::NONE),
                    0x20..=0x7e => {}
                    _ => self.ground(b),
                }
            }
            State::Ss3 => {
                self.state = State::Ground;
                match b {
                    b'A'..=b'D' | b'H' | b'F' | b'P'..=b'S' => {
                        if let Some(code) = letter_key(b) {
                            self.key(code, KeyModifiers::NONE);
                        }
                    }
                    0x20..=0x7e => {}
                    _ => self.ground(b),
                }
            }
            State::Str { esc } => {
                if *esc {
                    self.state = State::Ground;
                    // `ESC \` ends the string; an ESC before anything else ended it and begins a sequence.
                    if b != b'\\' {
                        self.state = State::Esc;
                        self.byte(b);
                    }
                } else {
                    match b {
                        BEL => self.state = State::Ground,
                        ESC => *esc = true,
                        0x00..=0x1f | 0x7f => {
                            self.state = State::Ground;
                            self.ground(b);
                        }
                        _ => {}
                    }
                }
            }
            State::Paste { text, matched } => {
                if b == PASTE_END[*matched] {
                    *matched += 1;
                } else {
                    *matched = usize::from(b == ESC);
                }
                // Bytes of a possible end marker are kept even past the limit, so the marker can be cut off.
                if text.len() < PASTE_MAX_BYTES || *matched > 0 {
                    text.push(b);
                }
                if *matched == PASTE_END.len() {
                    let mut text = std::mem::take(text);
                    text.truncate(text.len() - PASTE_END.len());
                    self.state = State::Ground;
                    self.paste(&text);
                }
            }
            State::Utf8 { bytes, need } => {
                if (0x80..=0xbf).contains(&b) {
                    bytes.push(b);
                    if bytes.len() == *need {
                        let c = std::str::from_utf8(bytes)
                            .ok()
                            .and_then(|s| s.chars().next());
                        self.state = State::Ground;
                        if let Some(c) = c {
                            self.char_key(c);
                        }
                    }
                } else {
                    // Cut short: what came is dropped and the byte starts afresh.
                    self.state = State::Ground;
                    self.ground(b);
                }
            }
        }
    }

    fn ground(&mut self, b: u8) {
        let ctrl = KeyModifiers::CONTROL;
        match b {
            ESC => self.state = State::Esc,
            b'\r' => self.key(KeyCode::Enter, KeyModifiers::NONE),
            b'\t' => self.key(KeyCode::Tab, KeyModifiers::NONE),
            // ^H is what many serial terminals send for Backspace.
            0x7f | 0x08 => self.key(KeyCode::Backspace, KeyModifiers::NONE),
            0x00 => self.key(KeyCode::Char(' '), ctrl),
            0x01..=0x1a => self.key(KeyCode::Char((b - 1 + b'a') as char), ctrl),
            0x1c..=0x1f => self.key(KeyCode::Char((b - 0x1c + b'4') as char), ctrl),
            0x20..=0x7e => self.char_key(b as char),
            0xc2..=0xdf => self.utf8(b, 2),
            0xe0..=0xef => self.utf8(b, 3),
            0xf0..=0xf4 => self.utf8(b, 4),
            // A continuation byte without its start, or a byte UTF-8 never uses.
            _ => {}
        }
    }

    fn utf8(&mut self, lead: u8, need: usize) {
        self.state = State::Utf8 {
            bytes: vec![lead],
            need,
        };
    }

    /// A complete CSI: the keys a keyboard sends, the start of a paste; anything else is dropped.
    fn csi(&mut self, params: &[u8], fin: u8) {
        // A private marker (`<`, `=`, `>`, `?`: mouse reports, terminal answers, mode settings) or an
        // intermediate byte: nothing a key sends.
        if params.first().is_some_and(|p| matches!(p, b'<'..=b'?'))
            || params.iter().any(|p| (0x20..=0x2f).contains(p))
        {
            return;
        }
        let Ok(text) = std::str::from_utf8(params) else {
            return;
        };
        // Sub-parameters (`1:2`) are read as their first part.
        let mut numbers = text
            .split(';')
            .map(|p| p.split(':').next().unwrap_or("").parse::<u16>().ok());
        let first = numbers.next().flatten();
        let mods = numbers
            .next()
            .flatten()
            .map_or(KeyModifiers::NONE, modifiers);
        match fin {
            b'~' => match first {
                Some(200) if params == b"200" => {
                    self.state = State::Paste {
                        text: Vec::new(),
                        matched: 0,
                    }
                }
                Some(n) => {
                    if let Some(code) = tilde_key(n) {
                        self.key(code, mods);
                    }
                }
                None => {}
            },
            b'Z' if params.is_empty() => self.key(KeyCode::BackTab, KeyModifiers::SHIFT),
            b'I' if params.is_empty() => self.events.push_back(Event::FocusGained),
            b'O' if params.is_empty() => self.events.push_back(Event::FocusLost),
            // Cursor keys, Home/End and F1-F4 take no number but 1 (`CSI 1 ; 5 A` is Ctrl-Up).
            _ if first.is_none_or(|n| n == 1) => {
                if let Some(code) = letter_key(fin) {
                    self.key(code, mods);
                }
            }
            _ => {}
        }
    }

    fn char_key(&mut self, c: char) {
        let mods = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        self.key(KeyCode::Char(c), mods);
    }

    fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.events.push_back(Event::Key(KeyEvent::new(code, mods)));
    }

    fn paste(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        self.events.push_back(Event::Paste(text));
    }
}

/// The key of a cursor or function key's final letter (after `CSI` or `ESC O`).
fn letter_key(b: u8) -> Option<KeyCode> {
    Some(match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(b - b'P' + 1),
        _ => return None,
    })
}

/// The key of `CSI n ~` (xterm, VT220, the Linux console).
fn tilde_key(n: u16) -> Option<KeyCode> {
    Some(match n {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        11..=15 => KeyCode::F((n - 10) as u8),
        17..=21 => KeyCode::F((n - 11) as u8),
        23..=26 => KeyCode::F((n - 12) as u8),
        28 | 29 => KeyCode::F((n - 13) as u8),
        31..=34 => KeyCode::F((n - 14) as u8),
        _ => return None,
    })
}

/// xterm's modifier parameter: 1 + a bit mask.
fn modifiers(m: u16) -> KeyModifiers {
    let bits = m.saturating_sub(1);
    let mut mods = KeyModifiers::NONE;
    for (bit, m) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
        (8, KeyModifiers::SUPER),
        (16, KeyModifiers::HYPER),
        (32, KeyModifiers::META),
    ] {
        if bits & bit != 0 {
            mods |= m;
        }
    }
    mods
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Vec<Event> {
        let mut d = Decoder::new(DEFAULT_ESC_DELAY);
        d.feed(bytes);
        d.expire();
        std::iter::from_fn(|| d.next_event()).collect()
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn chars(s: &str) -> Vec<Event> {
        s.chars()
            .map(|c| {
                let m = if c.is_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                Event::Key(KeyEvent::new(KeyCode::Char(c), m))
            })
            .collect()
    }

    #[test]
    fn a_private_mode_sequence_is_dropped_and_the_keys_after_it_work() {
        let mut want = chars("XY");
        want.push(key(KeyCode::Tab));
        want.push(key(KeyCode::F(2)));
        assert_eq!(decode(b"X\x1b[?1049lY\t\x1bOQ"), want);
    }

    #[test]
    fn osc_and_other_strings_are_dropped_whole() {
        assert_eq!(decode(b"a\x1b]0;title\x07b"), chars("ab"));
        assert_eq!(decode(b"a\x1b]0;title\x1b\\b"), chars("ab"));
        assert_eq!(decode(b"a\x1bP1$r0m\x1b\\b"), chars("ab"));
        assert_eq!(decode(b"a\x1b_Gi=1;OK\x1b\\b"), chars("ab"));
        // An unterminated string ends at Enter, which still counts.
        let mut want = chars("a");
        want.push(key(KeyCode::Enter));
        assert_eq!(decode(b"a\x1b]0;title\r"), want);
        // ...or at the next ESC, which begins a key of its own.
        let mut want = chars("a");
        want.push(key(KeyCode::F(2)));
        assert_eq!(decode(b"a\x1b]0;title\x1bOQ"), want);
    }

    #[test]
    fn keys_from_xterm_vt220_and_the_linux_console() {
        let cases: &[(&[u8], KeyCode)] = &[
            (b"\x1b[A", KeyCode::Up),
            (b"\x1bOB", KeyCode::Down),
            (b"\x1b[H", KeyCode::Home),
            (b"\x1b[4~", KeyCode::End),
            (b"\x1b[6~", KeyCode::PageDown),
            (b"\x1b[3~", KeyCode::Delete),
            (b"\x1bOP", KeyCode::F(1)),
            (b"\x1b[[B", KeyCode::F(2)),
            (b"\x1b[12~", KeyCode::F(2)),
            (b"\x1b[21~", KeyCode::F(10)),
            (b"\x1b[24~", KeyCode::F(12)),
            (b"\r", KeyCode::Enter),
            (b"\x7f", KeyCode::Backspace),
            (b"\x08", KeyCode::Backspace),
        ];
        for (bytes, code) in cases {
            assert_eq!(decode(bytes), vec![key(*code)], "{bytes:?}");
        }
        assert_eq!(
            decode(b"\x1b[Z"),
            vec![Event::Key(KeyEvent::new(
                KeyCode::BackTab,
                KeyModifiers::SHIFT
            ))]
        );
        assert_eq!(
            decode(b"\x1b[1;5A"),
            vec![Event::Key(KeyEvent::new(
                KeyCode::Up,
                KeyModifiers::CONTROL
            ))]
        );
        assert_eq!(
            decode(b"\x11"),
            vec![Event::Key(KeyEvent::new(
                KeyCode::Char('q'),
                KeyModifiers::CONTROL
            ))]
        );
        assert_eq!(decode("Ок ا".as_bytes()), chars("Ок ا"));
    }

    #[test]
    fn esc_waits_for_the_delay_and_then_is_esc() {
        let mut d = Decoder::new(DEFAULT_ESC_DELAY);
        d.feed(b"\x1b");
        assert_eq!(d.next_event(), None, "may be the start of a key");
        assert_eq!(d.pending(), Some(DEFAULT_ESC_DELAY));
        // The rest of an arrow key, arriving late on a slow line but within the delay.
        d.feed(b"[");
        d.feed(b"D");
        assert_eq!(d.next_event(), Some(key(KeyCode::Left)));
        assert_eq!(d.pending(), None);
        d.feed(b"\x1b");
        d.expire();
        assert_eq!(d.next_event(), Some(key(KeyCode::Esc)));
        // Esc then a letter at once: both, as ncurses reads them.
        let mut want = vec![key(KeyCode::Esc)];
        want.extend(chars("e"));
        assert_eq!(decode(b"\x1be"), want);
        assert_eq!(
            decode(b"\x1b\x1b"),
            vec![key(KeyCode::Esc), key(KeyCode::Esc)]
        );
    }

    #[test]
    fn an_unfinished_sequence_is_dropped_when_the_line_goes_quiet() {
        for stub in [
            &b"\x1b["[..],
            b"\x1b[?10",
            b"\x1bO",
            b"\x1b]0;ti",
            b"\x1b[[",
            b"\xd0",
        ] {
            let mut d = Decoder::new(DEFAULT_ESC_DELAY);
            d.feed(stub);
            assert!(d.pending().is_some(), "{stub:?}");
            d.expire();
            assert_eq!(d.next_event(), None, "{stub:?}");
            d.feed(b"z");
            assert_eq!(d.next_event(), chars("z").pop(), "{stub:?}");
        }
    }

    #[test]
    fn a_broken_csi_gives_way_to_the_control_key_that_broke_it() {
        let mut want = vec![key(KeyCode::Enter)];
        want.extend(chars("a"));
        assert_eq!(decode(b"\x1b[12\ra"), want);
        // Far too long for a key: read to its end and dropped.
        let long = format!("\x1b[{}mok", "1;".repeat(100));
        assert_eq!(decode(long.as_bytes()), chars("ok"));
    }

    #[test]
    fn a_bracketed_paste_is_one_event_with_its_text_as_sent() {
        assert_eq!(
            decode(b"\x1b[200~Okello\r\n\x1b[A\x1b[201~x"),
            [vec![Event::Paste("Okello\r\n\x1b[A".into())], chars("x")].concat()
        );
        // Its end lost: after the (longer) quiet spell, what came is pasted.
        let mut d = Decoder::new(DEFAULT_ESC_DELAY);
        d.feed(b"\x1b[200~abc\x1b[20");
        assert_eq!(d.pending(), Some(DEFAULT_ESC_DELAY * PASTE_DELAYS));
        d.expire();
        // The start of an end marker is taken for one cut short.
        assert_eq!(d.next_event(), Some(Event::Paste("abc".into())));
        // A huge paste keeps its start and still ends.
        let mut big = b"\x1b[200~".to_vec();
        big.extend(std::iter::repeat_n(b'a', PASTE_MAX_BYTES + 10));
        big.extend(b"\x1b[201~z");
        let events = decode(&big);
        assert_eq!(events.len(), 2);
        assert!(matches!(&events[0], Event::Paste(t) if t.len() == PASTE_MAX_BYTES));
    }

    #[test]
    fn the_delay_comes_from_the_environment_within_bounds() {
        assert_eq!(esc_delay_from(None), DEFAULT_ESC_DELAY);
        assert_eq!(esc_delay_from(Some("50")), Duration::from_millis(50));
        assert_eq!(esc_delay_from(Some("0")), Duration::ZERO);
        assert_eq!(esc_delay_from(Some("99999")), DEFAULT_ESC_DELAY);
        assert_eq!(esc_delay_from(Some("soon")), DEFAULT_ESC_DELAY);
    }
}
