//! The idle lock: hides the screen until the same person types their password; the work beneath is kept.

use super::login::refusal_text;
use crate::store::{LoginOutcome, Store};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub struct LockScreen {
    name: String,
    form: Form,
    message: Option<String>,
}

pub enum LockResult {
    Stay,
    Unlocked,
    /// Someone else wants the terminal: the locked session ends.
    SwitchUser,
    /// Too many wrong passwords (or an administrator's lock): the session ends, and the sign-in screen says why.
    Ended(String),
}

impl LockScreen {
    pub fn new(name: &str) -> LockScreen {
        let mut form = Form::new(vec![FormField::secret("password", "Password")]);
        form.label_width = 12;
        LockScreen {
            name: name.to_string(),
            form,
            message: None,
        }
    }

    pub fn footer(&self) -> Vec<Action> {
        vec![Action::Select, Action::Logout, Action::Quit]
    }

    pub fn handle(&mut self, action: Action, store: &mut Store, now: DateTime<Utc>) -> LockResult {
        match action {
            Action::Logout => LockResult::SwitchUser,
            Action::Select => {
                let password = self.form.get("password");
                self.form = LockScreen::new(&self.name).form;
                match store.login(&self.name, &password, now) {
                    Ok(LoginOutcome::Success(_)) => LockResult::Unlocked,
                    Ok(outcome @ (LoginOutcome::LockedUntil(_) | LoginOutcome::Disabled)) => {
                        let why = refusal_text(&outcome);
                        tracing::info!(user = %self.name, "locked session ended: {why}");
                        LockResult::Ended(format!("Session ended. {why}"))
                    }
                    Ok(outcome) => {
                        self.message = Some(refusal_text(&outcome));
                        LockResult::Stay
                    }
                    Err(e) => {
                        self.message = Some(format!("Cannot check the password: {e}"));
                        LockResult::Stay
                    }
                }
            }
            other => {
                self.form.handle(other);
                LockResult::Stay
            }
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let boxed = super::centered(area, 60, 10);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(" Screen locked ");
        let inner = block.inner(boxed);
        frame.render_widget(block, boxed);
        let text = vec![
            Line::from(format!(
                "Locked after a time without use. {} was signed in;",
                self.name
            )),
            Line::from("their work is kept. Type the password to go on, or F10 so"),
            Line::from("someone else can sign in."),
        ];
        frame.render_widget(
            Paragraph::new(text),
            Rect::new(inner.x, inner.y, inner.width, 3),
        );
        self.form.render(
            frame,
            Rect::new(inner.x, inner.y + 4, inner.width, 1),
            theme,
        );
        if let Some(m) = &self.message {
            frame.render_widget(
                Paragraph::new(m.as_str())
                    .style(theme.error())
                    .wrap(Wrap { trim: true }),
                Rect::new(inner.x, inner.y + 6, inner.width, 2),
            );
        }
    }
}
