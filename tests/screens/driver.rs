//! Drives the real `App` by key presses against a 80x24 `TestBackend`, for snapshot tests of screens.

use super::fixture;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use warden::store::Store;
use warden::tui::DisplayOptions;
use warden::tui::app::App;
use warden::tui::theme::Theme;

pub struct Driver {
    pub app: App,
    mono: bool,
    ascii_only: bool,
    /// The database's path as text: hidden in the screen text (it differs on every run).
    path_text: String,
    /// The terminal's size; 80x24 unless a test says.
    pub width: u16,
    pub height: u16,
    /// The clock the app and every key are given.
    now: chrono::DateTime<chrono::Utc>,
}

impl Driver {
    /// Monochrome and ASCII, as over a 9600-baud serial line.
    pub fn new(path: &std::path::Path) -> Driver {
        Driver::with_theme(path, true)
    }

    pub fn with_theme(path: &std::path::Path, mono: bool) -> Driver {
        Driver::started(path, mono, fixture::t0())
    }

    /// Monochrome and ASCII, with the clock at `now` (a test of what is due after a year).
    pub fn at(path: &std::path::Path, now: chrono::DateTime<chrono::Utc>) -> Driver {
        Driver::started(path, true, now)
    }

    fn started(path: &std::path::Path, mono: bool, now: chrono::DateTime<chrono::Utc>) -> Driver {
        let store = Store::open(path).unwrap();
        let theme = Theme::new(DisplayOptions::new(mono, mono));
        Driver {
            now,
            app: App::new(store, theme, now),
            mono,
            ascii_only: false,
            path_text: path.display().to_string(),
            width: 80,
            height: 24,
        }
    }

    /// In monochrome (which is ASCII too), every character drawn must be ASCII: for screens whose data is Latin.
    pub fn ascii_only(mut self) -> Driver {
        self.ascii_only = self.mono;
        self
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        self.press(code, KeyModifiers::NONE)
    }

    pub fn press(&mut self, code: KeyCode, mods: KeyModifiers) -> &mut Self {
        fixture::press_key(&mut self.app, KeyEvent::new(code, mods), self.now);
        self
    }

    /// Lets work under way on a worker finish, as the event loop's wake-ups would.
    pub fn finish_work(&mut self) -> &mut Self {
        let start = std::time::Instant::now();
        while self.app.working() {
            assert!(start.elapsed().as_secs() < 60, "the work never finished");
            std::thread::sleep(std::time::Duration::from_millis(5));
            self.app.tick(self.now);
        }
        self
    }

    /// A snapshot name with the theme (`NAME_mono` or `NAME_colour`). insta names a snapshot after the file that
    /// asserts it, so each test file asserts its own: `insta::assert_snapshot!(d.themed(name), d.screen())`.
    pub fn themed(&self, name: &str) -> String {
        let suffix = if self.mono { "mono" } else { "colour" };
        format!("{name}_{suffix}")
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.app.handle_key(
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            self.now,
        );
        self
    }

    pub fn text(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    pub fn login(&mut self, name: &str) -> &mut Self {
        self.text(name)
            .key(KeyCode::Enter)
            .text(fixture::PASSWORD)
            .key(KeyCode::Enter);
        assert!(
            self.app.session().is_some(),
            "login as {name} failed:\n{}",
            self.screen()
        );
        self
    }

    /// The screen as text, one line per row, trailing blanks cut. In monochrome, asserts no colour was drawn, and
    /// with [`Driver::ascii_only`] no character outside ASCII either.
    pub fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(self.width, self.height)).unwrap();
        terminal.draw(|f| self.app.render(f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        if self.mono {
            for cell in buffer.content() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "colour in the monochrome theme at {:?}",
                    cell.symbol()
                );
                // People's names keep their own letters in ASCII mode; only warden's own drawing is ASCII.
                assert!(
                    !self.ascii_only || cell.symbol().is_ascii(),
                    "non-ASCII {:?} in ASCII mode",
                    cell.symbol()
                );
            }
        }
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            for x in 0..buffer.area.width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        // The temporary directory differs on every run; keep the layout, hide the name.
        let hidden =
            "<database path>".to_string() + &" ".repeat(self.path_text.len().saturating_sub(15));
        out.replace(&self.path_text, &hidden[..self.path_text.len().max(15)])
    }

    /// The frame as drawn, with styles, and where the terminal cursor is shown (None: hidden).
    pub fn frame(&self) -> (ratatui::buffer::Buffer, Option<(u16, u16)>) {
        let mut terminal = Terminal::new(TestBackend::new(self.width, self.height)).unwrap();
        terminal.draw(|f| self.app.render(f)).unwrap();
        let backend = terminal.backend();
        let cursor = backend
            .cursor_visible()
            .then(|| (backend.cursor_position().x, backend.cursor_position().y));
        (backend.buffer().clone(), cursor)
    }
}
