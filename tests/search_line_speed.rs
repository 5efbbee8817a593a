//! The search screen on a slow line and on a fast one: when the list is searched again while typing, and how
//! much of it a slow line is sent at once.

// Shared with the other screen tests; not every helper is used here.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use driver::Driver;
use warden::store::Store;

#[test]
fn on_a_slow_line_the_search_list_shows_the_best_eight_at_a_time() {
    let fx = fixture::build();
    {
        let mut store = Store::open(&fx.path).unwrap();
        let admin = warden::store::Actor::system("admin", fixture::t0());
        let mut p = store.prisoner(fx.okello).unwrap().unwrap().prisoner;
        for i in 0..11 {
            p.number = format!("LUZ/2026/{:05}", 10 + i);
            p.given_names = format!("Peter {i:02}");
            store.admit(&admin, &p).unwrap();
        }
    }
    let listed = |s: &str| s.lines().filter(|l| l.contains("LUZ/2026/")).count();
    let mut d = Driver::new(&fx.path);
    d.login("officer").text("/").text("okello");
    let s = d.screen();
    assert_eq!(
        listed(&s),
        12,
        "a fast line shows every match that fits:\n{s}"
    );
    assert!(!s.contains("for more"), "{s}");

    let mut d = Driver::new(&fx.path);
    d.app.set_slow_link(true);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(listed(&s), 8, "a slow line shows the best eight:\n{s}");
    assert!(s.contains("12 found; Down or PgDn for more."), "{s}");
    assert!(
        s.contains(">LUZ/2026/00001"),
        "the best match first, selected:\n{s}"
    );
    d.key(KeyCode::PageDown);
    let s = d.screen();
    assert_eq!(listed(&s), 8, "{s}");
    let selected: Vec<&str> = s.lines().filter(|l| l.starts_with('>')).collect();
    assert_eq!(selected.len(), 1, "{s}");
    // The page turns: the last eight of the twelve are shown (the last page is full), the ninth selected.
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("LUZ/2026/")).collect();
    assert!(
        !s.contains("LUZ/2026/00001"),
        "the first page is gone:\n{s}"
    );
    assert_eq!(
        rows.iter().position(|l| Some(l) == selected.first()),
        Some(4),
        "a page down selects the ninth, fifth of the last eight shown:\n{s}"
    );
}

#[test]
fn on_a_slow_line_the_search_list_waits_for_a_pause_in_typing() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.app.set_slow_link(true);
    d.login("officer").text("/");
    let t0 = fixture::t0();
    let ms = chrono::Duration::milliseconds;
    let idle_lock = |last: chrono::DateTime<chrono::Utc>| last + chrono::Duration::minutes(5);
    assert_eq!(
        d.app.deadline(),
        Some(idle_lock(t0)),
        "nothing held back yet"
    );
    // A person typing a word: a letter every 150 ms. Each is echoed; the list is not searched again.
    for (i, c) in "okel".chars().enumerate() {
        let at = t0 + ms(150 * i as i64);
        d.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), at);
        assert!(
            !d.app.tick(at + ms(100)),
            "a gap between letters is no pause"
        );
    }
    let last = t0 + ms(450);
    let s = d.screen();
    assert!(s.contains("Find: okel"), "the letters show at once:\n{s}");
    assert!(s.contains("Type part of a number or name."), "{s}");
    assert!(!s.contains("Okello"), "the list waits:\n{s}");
    // One wake-up, a pause after the last key, then nothing but the idle lock.
    let pause = ms(warden::tui::app::TYPING_PAUSE_MS);
    assert_eq!(d.app.deadline(), Some(last + pause));
    assert!(!d.app.tick(last + pause - ms(1)));
    assert!(!d.screen().contains("Okello"));
    assert!(d.app.tick(last + pause), "the pause runs the search");
    assert!(d.screen().contains("Okello, John Bosco"), "{}", d.screen());
    assert_eq!(d.app.deadline(), Some(idle_lock(last)));
    assert!(!d.app.tick(last + pause + ms(1)), "no second redraw");

    // Enter does not wait: it searches at once, and opens nothing from a list the person has not seen.
    let at = last + ms(2000);
    for c in "zzz".chars() {
        d.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), at);
    }
    assert!(
        d.screen().contains("Okello, John Bosco"),
        "still the old list"
    );
    d.app
        .handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), at);
    let s = d.screen();
    assert!(s.contains("No one matches"), "{s}");
    assert!(s.contains("Find a prisoner"), "still on the search: {s}");
    assert_eq!(d.app.deadline(), Some(idle_lock(at)));
    // Down does not wait either; a second Enter then opens the record.
    for _ in 0..3 {
        d.app
            .handle_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE), at);
    }
    d.app
        .handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE), at);
    assert!(d.screen().contains("Okello, John Bosco"));
    d.app
        .handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), at);
    assert!(d.screen().contains("Legal status"), "{}", d.screen());
}

#[test]
fn on_a_fast_line_the_search_list_follows_every_letter() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer").text("/").text("okel");
    assert!(d.screen().contains("Okello, John Bosco"));
    assert_eq!(
        d.app.deadline(),
        Some(fixture::t0() + chrono::Duration::minutes(5)),
        "no wake-up for a pause"
    );
}
