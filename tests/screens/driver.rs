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
}

impl Driver {
    /// Monochrome and ASCII, as over a 9600-baud serial line.
    pub fn new(path: &std::path::Path) -> Driver {
        Driver::with_theme(path, true)
    }

    pub fn with_theme(path: &std::path::Path, mono: bool) -> Driver {
        let store = Store::open(path).unwrap();
        let theme = Theme::new(DisplayOptions::new(mono, mono));
        Driver {
            app: App::new(store, theme, fixture::t0()),
            mono,
        }
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        fixture::press_key(
            &mut self.app,
            KeyEvent::new(code, KeyModifiers::NONE),
            fixture::t0(),
        );
        self
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.app.handle_key(
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            fixture::t0(),
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
            .key(KeyCode::Enter)
    }

    /// The screen as text, one line per row, trailing blanks cut. In monochrome, asserts no colour was drawn.
    pub fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| self.app.render(f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        if self.mono {
            for cell in buffer.content() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "colour in the monochrome theme at {:?}",
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
        out
    }
}
