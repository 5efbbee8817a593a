//! The status line's last messages, newest first, each whole (wrapped), with the time it was given: F9 from any
//! screen, so a message cut at 80 columns or cleared by the next key can always be read again.

use super::{Ctx, Message, Outcome, Screen};
use crate::domain::text;
use crate::i18n::{t, t_args};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct MessagesScreen {
    /// Newest first.
    kept: Vec<(DateTime<Utc>, Message)>,
    /// Lines scrolled past at the top.
    scroll: usize,
}

impl MessagesScreen {
    pub fn new(kept: Vec<(DateTime<Utc>, Message)>) -> MessagesScreen {
        MessagesScreen { kept, scroll: 0 }
    }

    /// Every message as its lines at `width`: the time and the first line, then the rest indented.
    fn lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for (at, message) in &self.kept {
            let (body, style) = match message {
                Message::Info(s) => (s, theme.base()),
                Message::Error(s) => (s, theme.error()),
            };
            let stamp = at.format("%H:%M:%S").to_string();
            let indent = text::width(&stamp) + 1;
            let wrapped = text::wrap(&text::display(body), width.saturating_sub(indent).max(10));
            for (i, line) in wrapped.into_iter().enumerate() {
                let lead = if i == 0 {
                    format!("{stamp} ")
                } else {
                    " ".repeat(indent)
                };
                out.push(Line::from(vec![
                    Span::styled(lead, theme.dim()),
                    Span::styled(line, style),
                ]));
            }
        }
        out
    }
}

impl Screen for MessagesScreen {
    fn title(&self) -> String {
        t("messages-title")
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Down, Action::PageDown, Action::Back]
    }

    fn help(&self) -> String {
        let mut args = crate::tui::keymap::key_args(self.scope());
        args.push(("kept", 20.into()));
        t_args("messages-help", &args)
    }

    fn handle(&mut self, action: Action, _ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back | Action::Messages => Outcome::Pop,
            Action::Down => {
                self.scroll += 1;
                Outcome::Handled
            }
            Action::Up if self.scroll > 0 => {
                self.scroll -= 1;
                Outcome::Handled
            }
            Action::PageDown => {
                self.scroll += 10;
                Outcome::Handled
            }
            Action::PageUp | Action::Home => {
                self.scroll = if action == Action::Home {
                    0
                } else {
                    self.scroll.saturating_sub(10)
                };
                Outcome::Handled
            }
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(2) as usize;
        let mut lines = vec![Line::from(Span::styled(
            t("messages-heading"),
            theme.heading(),
        ))];
        let body = self.lines(width, theme);
        if body.is_empty() {
            lines.push(Line::from(Span::styled(t("messages-none"), theme.dim())));
        }
        let room = (area.height as usize).saturating_sub(1);
        let skip = self.scroll.min(body.len().saturating_sub(room));
        lines.extend(body.into_iter().skip(skip).take(room));
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(
                area.x + 1,
                area.y,
                area.width.saturating_sub(2),
                area.height,
            ),
        );
    }
}
