//! Property tests: search, every register field, the text input and the whole app take any Unicode without panic.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;
use warden::domain::auth::Role;
use warden::domain::estate::{Facility, FacilityKind, SecurityLevel};
use warden::domain::prisoner::{FIELDS, Prisoner};
use warden::domain::text;
use warden::store::{Actor, Store};
use warden::tui::DisplayOptions;
use warden::tui::app::App;
use warden::tui::keymap::Action;
use warden::tui::theme::Theme;
use warden::tui::widgets::input::Input;

const PASSWORD: &str = "property-pass";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    t0().date_naive()
}

/// A register with one facility, one clerk and a few people named in several scripts.
fn register(dir: &tempfile::TempDir) -> (Store, i64) {
    let mut store = Store::create(&dir.path().join("p.db")).unwrap();
    let a = Actor::system("fixture", t0());
    store
        .add_user(&a, "clerk", Role::Officer, PASSWORD)
        .unwrap();
    let facility = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "LUZ".into(),
                name: "Luzira".into(),
                region: "Central".into(),
                kind: FacilityKind::Mixed,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    for (family, given) in [
        ("Okello", "John"),
        ("Müller", "Jürgen"),
        ("Абенов", "Нурлан"),
        ("محمد", "علي"),
        ("O'Brien", "Seán"),
    ] {
        admit(&mut store, facility, family, given).unwrap();
    }
    (store, facility)
}

fn admit(store: &mut Store, facility: i64, family: &str, given: &str) -> Result<i64, String> {
    let mut p = Prisoner::blank(t0().naive_utc());
    p.number = store.next_number("LUZ", 2026).map_err(|e| e.to_string())?;
    p.set("family_name", family, today())
        .map_err(|e| e.to_string())?;
    p.set("given_names", given, today())
        .map_err(|e| e.to_string())?;
    p.committing_authority = "Chief Magistrate".into();
    p.facility_id = Some(facility);
    store
        .admit(&Actor::system("fixture", t0()), &p)
        .map_err(|e| e.to_string())
}

/// Text that has broken terminal programs before: escapes, controls, bidi overrides, combining marks,
/// wide and zero-width characters, FTS5 query syntax, quotes, very long runs.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\u{1b}[2J".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{9b}31m".to_string()),
        Just("\0".to_string()),
        Just("\r\n\t\u{8}\u{7f}".to_string()),
        Just("\u{202e}evil\u{202c}".to_string()),
        Just("\u{2066}x\u{2069}".to_string()),
        Just("\u{200b}\u{200d}\u{feff}".to_string()),
        Just("e\u{301}\u{301}\u{301}".to_string()),
        Just("\u{fdfa}".to_string()),
        Just("ﬃ".to_string()),
        Just("´".to_string()),
        Just("日本語".to_string()),
        Just("👨‍👩‍👧‍👦".to_string()),
        Just("❤\u{fe0f}".to_string()),
        Just("لا".to_string()),
        Just("مُحَمَّد".to_string()),
        Just("НУРЛАН".to_string()),
        Just("\"".to_string()),
        Just("a\" OR b*".to_string()),
        Just("NEAR(a b)".to_string()),
        Just("'; DROP TABLE prisoner; --".to_string()),
        Just("%_".to_string()),
        Just(";;;".to_string()),
        Just(" ".to_string()),
        Just("\u{10ffff}".to_string()),
        Just("\u{d7ff}\u{e000}".to_string()),
        "[a-zA-Z0-9/ -]{1,8}",
        any::<String>(),
    ];
    prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat())
}

/// Values shaped like what the register's fields expect, some right and some nearly right.
fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        nasty(),
        "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}",
        "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}[ T][0-9]{1,2}:[0-9]{1,2}",
        "[0-9]{1,5}",
        "([0-9]{4}-[01][0-9]-[0-3][0-9]; ?){0,3}",
        "(yes|no|y|n|true|false|1|0|male|female|remand|convicted|civil|immigration|YES| no )",
        "[ a-z;]{0,30}",
        ".{0,600}",
    ]
}

/// Modest case counts keep the suite quick; `PROPTEST_CASES=5000` digs deeper on demand.
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn search_accepts_any_text() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = register(&dir);
    let strategy = prop_oneof![any::<String>(), nasty()];
    runner(256)
        .run(&strategy, |q| {
            let hits = store.search(&q, 20);
            prop_assert!(hits.is_ok(), "search({q:?}) failed: {:?}", hits.err());
            prop_assert!(hits.unwrap().len() <= 20);
            Ok(())
        })
        .unwrap();
}

#[test]
fn any_family_name_that_is_stored_is_found_by_typing_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, facility) = register(&dir);
    let store = std::cell::RefCell::new(store);
    let strategy = prop_oneof![any::<String>(), nasty()];
    runner(128)
        .run(&strategy, |name| {
            let mut store = store.borrow_mut();
            let Ok(id) = admit(&mut store, facility, &name, "") else {
                // Refused (empty, too long): nothing to find.
                return Ok(());
            };
            let stored = store.prisoner(id).unwrap().unwrap().prisoner.family_name;
            prop_assume!(!text::fold(stored.trim()).is_empty());
            let hits = store.search(&stored, 1000).unwrap();
            prop_assert!(
                hits.iter().any(|h| h.id == id),
                "searching {stored:?} (folded {:?}) did not find it; found {:?}",
                text::fold(stored.trim()),
                hits.iter().map(|h| &h.family_name).collect::<Vec<_>>()
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_field_takes_any_text_and_a_refusal_changes_nothing() {
    let base = {
        let mut p = Prisoner::blank(t0().naive_utc());
        p.number = "LUZ/2026/00001".into();
        p.family_name = "Okello".into();
        p
    };
    runner(256)
        .run(&field_value(), |value| {
            for spec in FIELDS {
                let mut p = base.clone();
                match p.set(spec.key, &value, today()) {
                    Err(e) => {
                        prop_assert_eq!(
                            &p,
                            &base,
                            "{} refused {:?} ({}) but changed",
                            spec.key,
                            value,
                            e
                        );
                        prop_assert_eq!(e.field.as_ref(), spec.key);
                    }
                    Ok(()) => {
                        // What the form shows must save back unchanged: the edit form sets every field from it.
                        let shown = p.get(spec.key);
                        let mut again = p.clone();
                        let r = again.set(spec.key, &shown, today());
                        prop_assert!(
                            r.is_ok(),
                            "{}: {:?} was accepted, but what it shows, {:?}, is refused: {}",
                            spec.key,
                            value,
                            shown,
                            r.unwrap_err()
                        );
                        prop_assert_eq!(
                            &again,
                            &p,
                            "{}: {:?} does not save back as it shows",
                            spec.key,
                            shown
                        );
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn display_text_never_holds_a_control_character() {
    runner(256)
        .run(&prop_oneof![any::<String>(), nasty()], |s| {
            let shown = text::display(&s);
            prop_assert!(
                !shown.chars().any(char::is_control),
                "{s:?} shows as {shown:?}"
            );
            // Embeddings and overrides go; isolates (U+2066-2069) stay, as they only fence a name in.
            let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}');
            prop_assert!(!shown.chars().any(bidi), "{:?} shows as {:?}", s, shown);
            prop_assert_eq!(
                text::width(&shown),
                text::width(&s),
                "{:?} as {:?}",
                s,
                shown
            );
            // What is drawn measures the same by our rule and by ratatui's, cluster by cluster.
            for g in shown.graphemes(true) {
                prop_assert_eq!(text::width(g), g.width(), "{:?} in {:?}", g, s);
            }
            Ok(())
        })
        .unwrap();
}

#[derive(Debug, Clone)]
enum Edit {
    Type(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
}

fn edit() -> impl Strategy<Value = Edit> {
    let chars = prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            // Presentation selectors widen or narrow the character before them.
            '日', '\u{301}', '\u{1b}', '\u{200b}', '\u{200d}', '\u{fe0e}', '\u{fe0f}', '❤', 'ل',
            'ا', '\t', 'a'
        ]),
    ];
    prop_oneof![
        4 => chars.prop_map(Edit::Type),
        1 => Just(Edit::Backspace),
        1 => Just(Edit::Delete),
        1 => Just(Edit::Left),
        1 => Just(Edit::Right),
        1 => Just(Edit::Home),
        1 => Just(Edit::End),
    ]
}

#[test]
fn the_text_input_edits_by_grapheme_cluster_and_its_view_fits_its_width() {
    let strategy = (
        prop::collection::vec(edit(), 0..80),
        0usize..40,
        any::<bool>(),
    );
    runner(256)
        .run(&strategy, |(edits, width, secret)| {
            let mut input = if secret {
                Input::secret()
            } else {
                Input::new("")
            };
            // A plain model: the text and the cursor's byte offset, with the cluster boundaries worked out afresh
            // from the whole text at every step.
            let (mut model, mut cursor) = (String::new(), 0usize);
            let bounds = |s: &str| -> Vec<usize> {
                s.grapheme_indices(true)
                    .map(|(i, _)| i)
                    .chain([s.len()])
                    .collect()
            };
            for e in &edits {
                let b = bounds(&model);
                let before = b.iter().rev().find(|&&i| i < cursor).copied().unwrap_or(0);
                let after = b
                    .iter()
                    .find(|&&i| i > cursor)
                    .copied()
                    .unwrap_or(model.len());
                let action = match *e {
                    Edit::Type(c) => {
                        if !text::is_unsafe(c) && !text::is_dropped(c) {
                            model.insert(cursor, c);
                            cursor += c.len_utf8();
                            let b = bounds(&model);
                            cursor = *b.iter().find(|&&i| i >= cursor).unwrap_or(&model.len());
                        }
                        Action::Char(c)
                    }
                    Edit::Backspace => {
                        model.replace_range(before..cursor, "");
                        cursor = before;
                        Action::Backspace
                    }
                    Edit::Delete => {
                        model.replace_range(cursor..after, "");
                        Action::Delete
                    }
                    Edit::Left => {
                        cursor = before;
                        Action::Left
                    }
                    Edit::Right => {
                        cursor = after;
                        Action::Right
                    }
                    Edit::Home => {
                        cursor = 0;
                        Action::Home
                    }
                    Edit::End => {
                        cursor = model.len();
                        Action::End
                    }
                };
                prop_assert!(input.handle(action));
                let (shown, col) = input.view(width);
                prop_assert!(
                    text::width(&shown) <= width,
                    "view of {:?} at width {width} is {:?}, {} columns",
                    input.value(),
                    shown,
                    text::width(&shown)
                );
                prop_assert!(col <= width, "cursor column {col} beyond width {width}");
                prop_assert!(!shown.chars().any(char::is_control));
            }
            prop_assert_eq!(input.value(), model);
            Ok(())
        })
        .unwrap();
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), t0());
    // Nobody signed in yet: the password check a key may have started, as the event loop would wait for it.
    while app.session().is_none() && app.working() {
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.tick(t0());
    }
}

#[derive(Debug, Clone)]
enum Key {
    Char(char),
    Other(KeyCode),
}

#[test]
fn the_whole_app_takes_any_keys_typed_on_the_search_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = register(&dir);
    let path = store.path().to_path_buf();
    drop(store);
    let key = prop_oneof![
        6 => prop_oneof![any::<char>(), prop::sample::select(vec!['o', 'k', 'e', 'l', 'м', 'ü', '"', '*'])]
            .prop_map(Key::Char),
        1 => prop::sample::select(vec![
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
        ])
        .prop_map(Key::Other),
    ];
    let strategy = (prop::collection::vec(key, 0..40), any::<bool>());
    runner(48)
        .run(&strategy, |(keys, mono)| {
            let theme = Theme::new(DisplayOptions::new(mono, mono));
            let mut app = App::new(Store::open(&path).unwrap(), theme, t0());
            for c in "clerk".chars() {
                press(&mut app, KeyCode::Char(c));
            }
            press(&mut app, KeyCode::Enter);
            for c in PASSWORD.chars() {
                press(&mut app, KeyCode::Char(c));
            }
            press(&mut app, KeyCode::Enter);
            prop_assert!(app.session().is_some(), "signed in");
            press(&mut app, KeyCode::Char('/'));
            let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
            terminal.draw(|f| app.render(f)).unwrap();
            let top = terminal.backend().buffer().content()[..80]
                .iter()
                .map(|c| c.symbol())
                .collect::<String>();
            prop_assert!(
                top.contains("Find a prisoner"),
                "on the search screen: {top}"
            );
            for k in &keys {
                match *k {
                    Key::Char(c) => press(&mut app, KeyCode::Char(c)),
                    Key::Other(code) => press(&mut app, code),
                }
                terminal.draw(|f| app.render(f)).unwrap();
            }
            Ok(())
        })
        .unwrap();
}

/// A terminal (and ratatui) draws "❤\u{fe0f}" (heart + emoji presentation selector) two columns wide though
/// each character alone is narrower; the view must measure runs, not characters.
#[test]
fn an_emoji_presentation_sequence_fits_the_input_view() {
    let mut input = Input::new("");
    for c in "❤\u{fe0f}aaa".chars() {
        input.handle(Action::Char(c));
    }
    input.handle(Action::Home);
    let (shown, _) = input.view(4);
    assert!(
        text::width(&shown) <= 4,
        "{shown:?} takes {} columns",
        text::width(&shown)
    );
}

/// A list field (aliases, languages, court dates) is limited as it will be shown, joined with "; ", so what
/// is accepted as typed (without spaces) always saves back as shown, and a list too long once shown is refused.
#[test]
fn a_list_typed_without_spaces_saves_back_as_shown() {
    let dates: Vec<String> = (1..=17).map(|d| format!("2026-12-{d:02}")).collect();
    let typed = dates.join(";");
    assert!(typed.chars().count() <= 200);
    let mut p = Prisoner::blank(t0().naive_utc());
    let e = p.set("court_dates", &typed, today()).unwrap_err();
    assert!(e.message.contains("(this has 202)"), "{e}");
    let fewer = dates[..16].join(";");
    p.set("court_dates", &fewer, today()).unwrap();
    let shown = p.get("court_dates");
    let mut again = p.clone();
    assert_eq!(
        again
            .set("court_dates", &shown, today())
            .map_err(|e| e.to_string()),
        Ok(()),
        "accepted as typed, refused as shown"
    );
}
