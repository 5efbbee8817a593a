//! What a person sees when another station holds the database past the write budget: a plain message, the form
//! still open with everything typed, and the same F2 saving it once the other station has finished.

// Shared with tests/screens.rs, which reads the ids this test does not need.
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;
use warden::store::Store;
use warden::tui::DisplayOptions;
use warden::tui::app::App;
use warden::tui::theme::Theme;

fn press(app: &mut App, code: KeyCode) {
    fixture::press_key(app, KeyEvent::new(code, KeyModifiers::NONE), fixture::t0());
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    buffer
        .content()
        .chunks(80)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_save_refused_for_a_busy_database_keeps_the_form_and_saves_on_the_next_f2() {
    let fx = fixture::build();
    let mut store = Store::open(&fx.path).unwrap();
    // A short budget, so the test does not wait the real eight seconds.
    store.set_write_budget(Duration::from_millis(150));
    let mut app = App::new(
        store,
        Theme::new(DisplayOptions::new(false, false)),
        fixture::t0(),
    );
    typed(&mut app, "officer");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, fixture::PASSWORD);
    press(&mut app, KeyCode::Enter);
    assert!(app.session().is_some(), "{}", screen(&app));
    typed(&mut app, "/okello");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "e");
    // The family name, after the prison number.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    typed(&mut app, "-Busy");
    app.flush_drafts();

    // Another station's save holds the write lock.
    let other = rusqlite::Connection::open(&fx.path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    press(&mut app, KeyCode::F(2));
    let refused = screen(&app);
    assert!(
        refused.contains("Not saved: another station is saving; nothing was lost, try again"),
        "{refused}"
    );
    assert!(
        refused.contains("Edit LUZ/2026/00001"),
        "still on the form:\n{refused}"
    );
    assert!(
        refused.contains("Okello-Busy"),
        "the typing is kept:\n{refused}"
    );
    other.execute_batch("ROLLBACK").unwrap();
    let stored = app.store().prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(stored.family_name, "Okello", "nothing was half saved");

    // The other station has finished: the same key saves what was typed.
    press(&mut app, KeyCode::F(2));
    let saved = screen(&app);
    assert!(saved.contains("Saved LUZ/2026/00001"), "{saved}");
    let stored = app.store().prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(stored.family_name, "Okello-Busy");
    app.flush_drafts();
    assert_eq!(app.store().verify_audit().unwrap(), None);
}
