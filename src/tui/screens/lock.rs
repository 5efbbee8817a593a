//! The idle lock: hides the screen until the same person types their password; the work beneath is kept.

use super::login::refusal_text;
use super::password_check::{Checked, PasswordCheck};
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
    check: PasswordCheck,
}

pub enum LockResult {
    /// Still locked; true if something changed on screen.
    Stay(bool),
    Unlocked,
    /// Someone else wants the terminal: the locked session ends.
    SwitchUser,
    /// Too many wrong passwords (or an administrator's lock): the session ends, and the sign-in screen says why.
    Ended(String),
}

impl LockScreen {
    pub fn new(name: &str) -> LockScreen {
        LockScreen {
            name: name.to_string(),
            form: LockScreen::password_form(),
            message: None,
            check: PasswordCheck::default(),
        }
    }

    fn password_form() -> Form {
        let mut form = Form::new(vec![FormField::secret("password", "Password")]);
        form.label_width = 12;
        form
    }

    pub fn footer(&self) -> Vec<Action> {
        vec![Action::Select, Action::Logout, Action::Quit]
    }

    /// True while the password is being checked.
    pub fn working(&self) -> bool {
        self.check.working()
    }

    pub fn handle(&mut self, action: Action, store: &mut Store, now: DateTime<Utc>) -> LockResult {
        match action {
            Action::Logout => {
                // A wrong try under way still counts towards the lockout, as it would had it been answered.
                self.check.finish_before_quit(store, now);
                LockResult::SwitchUser
            }
            Action::Select => {
                let password = self.form.get("password");
                self.form = LockScreen::password_form();
                // Typing goes on while a password is checked; a try sent meanwhile waits its turn.
                if let Err(e) = self.check.submit(self.name.clone(), password, store) {
                    self.message = Some(cannot_check(&e));
                }
                LockResult::Stay(true)
            }
            other => {
                self.form.handle(other);
                LockResult::Stay(true)
            }
        }
    }

    /// Picks up the password check's answer when it has come, and records it.
    pub fn poll_work(&mut self, store: &mut Store, now: DateTime<Utc>) -> LockResult {
        let outcome = match self.check.poll(store, now) {
            Checked::Running(changed) => return LockResult::Stay(changed),
            Checked::Lost => {
                self.message = Some(crate::i18n::t("login-check-lost"));
                return LockResult::Stay(true);
            }
            Checked::Answered(outcome) => outcome,
        };
        match outcome {
            Ok(LoginOutcome::Success(_)) => {
                self.check.forget_typed_ahead();
                LockResult::Unlocked
            }
            Ok(outcome @ (LoginOutcome::LockedUntil(_) | LoginOutcome::Disabled)) => {
                self.check.forget_typed_ahead();
                let why = refusal_text(&outcome);
                tracing::info!(user = %self.name, "locked session ended: {why}");
                LockResult::Ended(format!("Session ended. {why}"))
            }
            refused => {
                self.message = Some(match refused {
                    Ok(outcome) => refusal_text(&outcome),
                    Err(e) => cannot_check(&e),
                });
                if let Err(e) = self.check.send_next(store) {
                    self.message = Some(cannot_check(&e));
                }
                LockResult::Stay(true)
            }
        }
    }

    /// On the way out: the tries under way or typed ahead are answered and recorded first.
    pub fn finish_before_quit(&mut self, store: &mut Store, now: DateTime<Utc>) {
        self.check.finish_before_quit(store, now);
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
        if let Some(line) = self.check.progress() {
            frame.render_widget(
                Paragraph::new(line).style(theme.dim()),
                Rect::new(inner.x, inner.y + 6, inner.width, 1),
            );
        } else if let Some(m) = &self.message {
            frame.render_widget(
                Paragraph::new(m.as_str())
                    .style(theme.error())
                    .wrap(Wrap { trim: true }),
                Rect::new(inner.x, inner.y + 6, inner.width, 2),
            );
        }
    }
}

fn cannot_check(e: &crate::store::StoreError) -> String {
    format!("Cannot check the password: {e}")
}
