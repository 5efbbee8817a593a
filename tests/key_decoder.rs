//! Random byte streams into the key decoder: keys, pastes, known and unknown sequences, OSC and DCS strings,
//! sequences cut short and plain noise. Whatever came before, the key typed after it is decoded, and nothing of
//! a terminal string is ever typed.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use warden::tui::decoder::{DEFAULT_ESC_DELAY, Decoder};

/// A piece of input and what it must decode to when whole.
#[derive(Debug, Clone)]
struct Unit {
    bytes: Vec<u8>,
    events: Vec<Event>,
}

fn key(code: KeyCode, mods: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, mods))
}

/// Keys as xterm, a VT220 and the Linux console send them (Esc alone is left out: it joins what follows).
fn keys() -> Vec<(&'static [u8], Event)> {
    let none = KeyModifiers::NONE;
    vec![
        (b"\r", key(KeyCode::Enter, none)),
        (b"\t", key(KeyCode::Tab, none)),
        (b"\x7f", key(KeyCode::Backspace, none)),
        (b"\x1b[A", key(KeyCode::Up, none)),
        (b"\x1b[B", key(KeyCode::Down, none)),
        (b"\x1bOC", key(KeyCode::Right, none)),
        (b"\x1b[1;5D", key(KeyCode::Left, KeyModifiers::CONTROL)),
        (b"\x1bOQ", key(KeyCode::F(2), none)),
        (b"\x1b[[A", key(KeyCode::F(1), none)),
        (b"\x1b[21~", key(KeyCode::F(10), none)),
        (b"\x1b[6~", key(KeyCode::PageDown, none)),
        (b"\x1b[3~", key(KeyCode::Delete, none)),
        (b"\x1b[Z", key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        (b"\x11", key(KeyCode::Char('q'), KeyModifiers::CONTROL)),
    ]
}

fn a_key() -> impl Strategy<Value = Unit> {
    prop::sample::select(keys()).prop_map(|(b, e)| Unit {
        bytes: b.to_vec(),
        events: vec![e],
    })
}

fn a_char() -> impl Strategy<Value = Unit> {
    prop_oneof![
        prop::sample::select("azAZ09 -/~[]O;?".chars().collect::<Vec<_>>()),
        prop::sample::select("éОкاب日".chars().collect::<Vec<_>>()),
    ]
    .prop_map(|c| {
        let mods = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        Unit {
            bytes: c.to_string().into_bytes(),
            events: vec![key(KeyCode::Char(c), mods)],
        }
    })
}

/// Text that may sit inside a terminal string: printable, any script, no control characters.
fn string_text() -> impl Strategy<Value = Vec<u8>> {
    "[ -~éОкا]{0,40}".prop_map(String::into_bytes)
}

/// A whole CSI no key sends: private modes (`ESC [ ? 1049 l`), mouse reports, answers, colours, and long ones.
fn unknown_csi() -> impl Strategy<Value = Unit> {
    (
        prop::sample::select(vec!["?", "<", ">", "=", "", "1;", "38;5;"]),
        prop::collection::vec(0x30u8..=0x39, 0..60),
        prop::sample::select(vec!["", "$", " "]),
        prop::sample::select(b"lhmcnqtxyJKrsuMp".to_vec()),
    )
        .prop_map(|(marker, digits, inter, fin)| {
            let mut bytes = b"\x1b[".to_vec();
            bytes.extend(marker.as_bytes());
            bytes.extend(digits);
            bytes.extend(inter.as_bytes());
            bytes.push(fin);
            Unit {
                bytes,
                events: vec![],
            }
        })
}

/// OSC (`ESC ]`), DCS (`ESC P`), SOS, PM and APC strings, ended by BEL or `ESC \`.
fn terminal_string() -> impl Strategy<Value = Unit> {
    (
        prop::sample::select(b"]PX^_".to_vec()),
        string_text(),
        prop::bool::ANY,
    )
        .prop_map(|(kind, text, bel)| {
            let mut bytes = vec![0x1b, kind];
            bytes.extend(text);
            bytes.extend(if bel { &b"\x07"[..] } else { b"\x1b\\" });
            Unit {
                bytes,
                events: vec![],
            }
        })
}

fn paste() -> impl Strategy<Value = Unit> {
    prop::collection::vec(any::<u8>(), 0..200)
        .prop_filter("no end marker inside", |b| {
            !b.windows(6).any(|w| w == b"\x1b[201~")
        })
        .prop_map(|text| {
            let mut bytes = b"\x1b[200~".to_vec();
            bytes.extend(&text);
            bytes.extend(b"\x1b[201~");
            Unit {
                events: vec![Event::Paste(String::from_utf8_lossy(&text).into_owned())],
                bytes,
            }
        })
}

/// Input that decodes to a known list of events when whole.
fn whole_unit() -> impl Strategy<Value = Unit> {
    prop_oneof![
        4 => a_key(),
        4 => a_char(),
        3 => unknown_csi(),
        3 => terminal_string(),
        1 => paste(),
    ]
}

/// Anything: whole units, sequences cut anywhere, stray bytes.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => whole_unit().prop_map(|u| u.bytes),
            3 => (whole_unit(), any::<prop::sample::Index>()).prop_map(|(u, i)| {
                let cut = i.index(u.bytes.len().max(1));
                u.bytes[..cut].to_vec()
            }),
            2 => prop::collection::vec(any::<u8>(), 0..12),
            1 => Just(b"\x1b".to_vec()),
            1 => Just(b"\x1b]0;title".to_vec()),
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat())
}

fn drain(d: &mut Decoder) -> Vec<Event> {
    std::iter::from_fn(|| d.next_event()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whole units decode exactly to their events, back to back with no pause between: unknown sequences and
    /// terminal strings leave nothing, and never take the key after them.
    #[test]
    fn whole_input_decodes_to_its_keys_and_nothing_else(units in prop::collection::vec(whole_unit(), 0..40)) {
        let mut d = Decoder::new(DEFAULT_ESC_DELAY);
        for u in &units {
            d.feed(&u.bytes);
        }
        let want: Vec<Event> = units.iter().flat_map(|u| u.events.clone()).collect();
        prop_assert_eq!(drain(&mut d), want);
        prop_assert_eq!(d.pending(), None, "nothing left open");
    }

    /// After anything at all and a pause of the Esc delay, the next key is that key, alone.
    #[test]
    fn after_any_bytes_and_a_pause_the_next_key_is_decoded(
        noise in any_bytes(),
        (bytes, event) in prop::sample::select(keys()),
    ) {
        let mut d = Decoder::new(DEFAULT_ESC_DELAY);
        d.feed(&noise);
        if d.pending().is_some() {
            d.expire();
        }
        prop_assert_eq!(d.pending(), None);
        drain(&mut d);
        d.feed(bytes);
        prop_assert_eq!(drain(&mut d), vec![event]);
    }

    /// Without any pause, Enter (or Tab) still comes through whatever broken input came before, unless it is
    /// inside a paste that has not ended: nothing but a paste can hold a control key back.
    #[test]
    fn a_control_key_breaks_through_anything_but_a_paste(noise in any_bytes(), tab in prop::bool::ANY) {
        prop_assume!(!noise.windows(6).any(|w| w == b"\x1b[200~"));
        let (byte, code) = if tab { (b'\t', KeyCode::Tab) } else { (b'\r', KeyCode::Enter) };
        let mut d = Decoder::new(DEFAULT_ESC_DELAY);
        d.feed(&noise);
        d.feed(&[byte]);
        let events = drain(&mut d);
        prop_assert_eq!(events.last(), Some(&key(code, KeyModifiers::NONE)));
        prop_assert_eq!(d.pending(), None);
    }
}

#[test]
fn a_bracketed_paste_loses_whole_terminal_sequences_not_only_their_escape() {
    use warden::tui::app::paste_text;
    assert_eq!(
        paste_text("Zz\u{202e}evil\u{1b}]0;title\u{7} ok\u{1b}[?1049lY"),
        "Zzevil okY"
    );
    assert_eq!(
        paste_text("a\u{1b}]2;t\u{1b}\\b\u{9b}31mc\u{1b}Pq#0\u{1b}\\d"),
        "abcd"
    );
    assert_eq!(paste_text("Okello\r\nJohn\t"), "Okello John");
}

#[test]
fn what_a_paste_leaves_out_is_named_but_line_breaks_are_not_refusals() {
    use warden::tui::app::paste_refused;
    assert_eq!(paste_refused("Okello\r\nJohn\t"), None);
    assert_eq!(paste_refused("Zz\u{202e}evil"), Some('\u{202e}'));
    assert_eq!(paste_refused("a\u{1b}]0;t\u{7}b"), Some('\u{1b}'));
    assert_eq!(
        paste_refused("\u{2068}Okello\u{2069}"),
        None,
        "isolates are text"
    );
}
