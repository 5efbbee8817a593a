//! Every colour, style and border the TUI uses; a monochrome/ASCII theme for NO_COLOR, vt100 and plain locales.

use super::DisplayOptions;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mono: bool,
    pub ascii: bool,
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    pub fn new(options: DisplayOptions) -> Theme {
        Theme {
            mono: options.mono,
            ascii: options.ascii,
        }
    }

    pub fn base(&self) -> Style {
        Style::default()
    }

    /// The title bar and other bars that frame the screen.
    pub fn bar(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(Color::Black).bg(Color::Cyan)
        }
    }

    /// The one-cell mark of the selected row: reverse video in both themes, the shortest attribute to switch
    /// on and off (4 and 3 bytes) and visible without colour.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn heading(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// Field labels: coloured on a colour terminal; plain in monochrome and in ASCII mode, which is for serial
    /// lines and old terminals where each colour switch is 8 bytes a row.
    pub fn label(&self) -> Style {
        if self.mono || self.ascii {
            Style::default()
        } else {
            Style::default().fg(Color::Cyan)
        }
    }

    pub fn error(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        }
    }

    pub fn warning(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        }
    }

    pub fn dim(&self) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }

    /// The keys in the footer: bold where it is cheap; plain in monochrome and ASCII mode (7 bytes a key on a
    /// slow line, and the footer reads the same without it).
    pub fn key(&self) -> Style {
        if self.mono || self.ascii {
            Style::default()
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    pub fn border(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// The marker in front of the focused menu item or row, readable without colour.
    pub fn pointer(&self) -> &'static str {
        ">"
    }

    pub fn up_down(&self) -> &'static str {
        if self.ascii { "Up/Down" } else { "↑↓" }
    }
}
