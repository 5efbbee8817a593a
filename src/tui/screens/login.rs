//! The sign-in screen: name and password; failures count towards the lockout decided in the domain. The password
//! check (Argon2id, slow by design) runs on a worker so that fifty stations signing in at once on one box each see
//! it under way rather than a frozen screen.

use super::Session;
use super::password_check::{Checked, PasswordCheck};
use crate::store::{LoginOutcome, Store};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::path::Path;

pub struct LoginScreen {
    form: Form,
    message: Option<String>,
    check: PasswordCheck,
}

pub enum LoginResult {
    /// Still signing in; true if something changed on screen.
    Stay(bool),
    SignedIn(Session),
}

impl LoginScreen {
    pub fn new() -> LoginScreen {
        let mut form = Form::new(vec![
            FormField::text("name", "User name", ""),
            FormField::secret("password", "Password"),
        ]);
        form.label_width = 12;
        LoginScreen {
            form,
            message: None,
            check: PasswordCheck::default(),
        }
    }

    /// True while the password is being checked.
    pub fn working(&self) -> bool {
        self.check.working()
    }

    /// Picks up the password check's answer when it has come, and records the sign-in.
    pub fn poll_work(&mut self, store: &mut Store, now: DateTime<Utc>) -> LoginResult {
        match self.check.poll(store, now) {
            Checked::Running(changed) => LoginResult::Stay(changed),
            Checked::Answered(outcome) => match self.finish(outcome) {
                LoginResult::Stay(_) => {
                    if let Err(e) = self.check.send_next(store) {
                        self.finish(Err(e));
                    }
                    LoginResult::Stay(true)
                }
                signed_in => {
                    self.check.forget_typed_ahead();
                    signed_in
                }
            },
            Checked::Lost => {
                self.message = Some(crate::i18n::t("login-check-lost"));
                LoginResult::Stay(true)
            }
        }
    }

    /// On the way out: the tries under way or typed ahead are answered and recorded first.
    pub fn finish_before_quit(&mut self, store: &mut Store, now: DateTime<Utc>) {
        self.check.finish_before_quit(store, now);
    }

    fn finish(&mut self, outcome: crate::store::Result<LoginOutcome>) -> LoginResult {
        self.message = Some(match outcome {
            Ok(LoginOutcome::Success(staff)) => {
                return LoginResult::SignedIn(Session {
                    name: staff.name,
                    role: staff.role,
                });
            }
            Ok(other) => refusal_text(&other),
            Err(e) => format!("Cannot sign in: {e}"),
        });
        LoginResult::Stay(true)
    }

    pub fn footer(&self) -> Vec<Action> {
        vec![Action::Select, Action::NextField, Action::Quit]
    }

    pub fn handle(&mut self, action: Action, store: &Store) -> LoginResult {
        if action != Action::Select {
            return LoginResult::Stay(self.form.handle(action));
        }
        let name = self.form.get("name").trim().to_string();
        if self.form.focused_key() == "name" {
            self.form.handle(Action::NextField);
            return LoginResult::Stay(true);
        }
        let password = self.form.get("password");
        if name.is_empty() {
            self.message = Some("Type your user name first.".into());
            self.form.focus = 0;
            return LoginResult::Stay(true);
        }
        if let Some(field) = self.form.field_mut("password") {
            *field = FormField::secret("password", "Password");
        }
        // Typing goes on while a password is checked; a try sent meanwhile waits its turn.
        match self.check.submit(name, password, store) {
            Ok(()) => {
                self.message = None;
                LoginResult::Stay(true)
            }
            Err(e) => self.finish(Err(e)),
        }
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        db: &Path,
        demo: Option<&str>,
    ) {
        let boxed = super::centered(area, 60, 11);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(" Sign in ");
        let inner = block.inner(boxed);
        frame.render_widget(block, boxed);
        let intro = vec![
            Line::from(Span::styled(
                "warden - prison register and case management",
                theme.heading(),
            )),
            Line::from(Span::styled(
                crate::domain::text::fit(
                    &format!("Database: {}", db.display()),
                    inner.width as usize,
                ),
                theme.dim(),
            )),
        ];
        frame.render_widget(
            Paragraph::new(intro),
            Rect::new(inner.x, inner.y, inner.width, 2),
        );
        self.form.render(
            frame,
            Rect::new(inner.x, inner.y + 3, inner.width, 2),
            theme,
        );
        if let Some(line) = self.check.progress() {
            frame.render_widget(
                Paragraph::new(line).style(theme.dim()),
                Rect::new(inner.x, inner.y + 6, inner.width, 1),
            );
        } else if let Some(m) = &self.message {
            let text = crate::domain::text::display(m).into_owned();
            frame.render_widget(
                Paragraph::new(text)
                    .style(theme.error())
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                Rect::new(inner.x, inner.y + 6, inner.width, 3),
            );
        }
        if let Some(hint) = demo {
            let below = Rect::new(boxed.x, boxed.bottom() + 1, boxed.width, 3).intersection(area);
            frame.render_widget(
                Paragraph::new(crate::domain::text::display(hint).into_owned())
                    .style(theme.dim())
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                below,
            );
        }
    }
}

impl Default for LoginScreen {
    fn default() -> Self {
        Self::new()
    }
}

/// The words for a refused sign-in; the same for a wrong name and a wrong password.
pub fn refusal_text(outcome: &LoginOutcome) -> String {
    match outcome {
        LoginOutcome::Success(_) => String::new(),
        LoginOutcome::Refused {
            attempts_left: Some(n),
        } if *n <= 2 => format!(
            "Wrong user name or password. {n} more wrong {} will lock this account for 15 minutes.",
            if *n == 1 { "try" } else { "tries" }
        ),
        LoginOutcome::Refused { .. } => "Wrong user name or password.".into(),
        LoginOutcome::LockedUntil(until) => format!(
            "This account is locked after too many wrong passwords, until {} UTC. If urgent, ask {} to unlock it.",
            until.format("%H:%M"),
            crate::domain::auth::who_may_describe(crate::domain::auth::Permission::ManageUsers)
        ),
        LoginOutcome::Disabled => "This account has been locked by an administrator.".into(),
    }
}
