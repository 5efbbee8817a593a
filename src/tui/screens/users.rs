//! Staff accounts (administrators only): list, add, lock and unlock, set a password.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::auth::{Permission, Role};
use crate::store::StaffRow;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct UsersScreen {
    rows: Vec<StaffRow>,
    selection: Selection,
    now: DateTime<Utc>,
}

impl UsersScreen {
    pub fn new(ctx: &mut Ctx) -> Option<UsersScreen> {
        if !ctx.allowed(Permission::ManageUsers) {
            return None;
        }
        let mut s = UsersScreen {
            rows: Vec::new(),
            selection: Selection::default(),
            now: ctx.now,
        };
        s.resume(ctx);
        Some(s)
    }

    fn status(&self, u: &StaffRow) -> String {
        if u.disabled {
            "locked by administrator".into()
        } else if let Some(until) = u.locked_until.filter(|t| *t > self.now) {
            format!("locked until {} (failed logins)", until.format("%H:%M"))
        } else if u.failed_logins > 0 {
            format!("active ({} failed logins)", u.failed_logins)
        } else {
            "active".into()
        }
    }
}

impl Screen for UsersScreen {
    fn title(&self) -> String {
        "Staff accounts".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Up,
            Action::New,
            Action::ToggleLock,
            Action::SetPassword,
            Action::Back,
        ]
    }

    fn help(&self) -> String {
        crate::i18n::t_args("users-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::ManageUsers) {
            return Outcome::Pop;
        }
        let selected = self.rows.get(self.selection.index).cloned();
        match action {
            Action::Back => Outcome::Pop,
            Action::New => Outcome::Push(Box::new(UserForm::new_account())),
            Action::SetPassword => match selected {
                Some(u) => Outcome::Push(Box::new(UserForm::password(&u.name))),
                None => Outcome::Ignored,
            },
            Action::ToggleLock => {
                let Some(u) = selected else {
                    return Outcome::Ignored;
                };
                let lock = !u.disabled && u.locked_until.is_none_or(|t| t <= ctx.now);
                match ctx.store.set_user_locked(&ctx.actor(), &u.name, lock) {
                    Ok(_) => ctx.info(format!(
                        "{} {}.",
                        if lock { "Locked" } else { "Unlocked" },
                        u.name
                    )),
                    Err(e) => ctx.error(e.to_string()),
                }
                self.resume(ctx);
                Outcome::Handled
            }
            other => {
                if self.selection.handle(other, self.rows.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        self.now = ctx.now;
        match ctx.store.users() {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the accounts: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let header = columns(&[("Name", 24), ("Role", 11), ("Status", 40)]);
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|u| columns(&[(&u.name, 24), (u.role.as_str(), 11), (&self.status(u), 40)]))
            .collect();
        render_rows(
            frame,
            area,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No accounts.",
        );
    }
}

pub struct UserForm {
    /// None for a new account; the name when setting a password.
    name: Option<String>,
    form: Form,
}

impl UserForm {
    fn new_account() -> UserForm {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        UserForm {
            name: None,
            form: Form::new(vec![
                FormField::text("name", "User name", ""),
                FormField::words("role", "Role", &roles, "officer"),
                FormField::secret("password", "Password"),
                FormField::secret("again", "Password again"),
            ]),
        }
    }

    fn password(name: &str) -> UserForm {
        UserForm {
            name: Some(name.to_string()),
            form: Form::new(vec![
                FormField::text("name", "User name", name).read_only(),
                FormField::secret("password", "New password"),
                FormField::secret("again", "Password again"),
            ]),
        }
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        self.form.clear_errors();
        let password = self.form.get("password");
        if password != self.form.get("again") {
            self.form.set_error("again", "differs from the first");
            ctx.error("Password again: differs from the first; nothing was saved.");
            return Outcome::Handled;
        }
        let actor = ctx.actor();
        let result = match &self.name {
            Some(name) => ctx
                .store
                .set_password(&actor, name, &password)
                .map(|_| format!("New password set for {name}.")),
            None => {
                let name = self.form.get("name").trim().to_string();
                // A role the list does not offer is refused at the field, never taken as officer.
                let role = match super::chosen(&self.form, "role", |w| w.parse::<Role>().ok()) {
                    Ok(role) => role,
                    Err(e) => {
                        super::mark_field(&mut self.form, &e);
                        ctx.error(e.to_string());
                        return Outcome::Handled;
                    }
                };
                ctx.store
                    .add_user(&actor, &name, role, &password)
                    .map(|_| format!("Added {name} ({role})."))
            }
        };
        match result {
            Ok(m) => {
                ctx.info(m);
                Outcome::Pop
            }
            Err(e) => {
                super::mark_refused(&mut self.form, &e);
                ctx.error(e.to_string());
                Outcome::Handled
            }
        }
    }
}

impl Screen for UserForm {
    fn title(&self) -> String {
        match &self.name {
            Some(n) => format!("Set password: {n}"),
            None => "New staff account".into(),
        }
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Save, Action::NextField, Action::Back]
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "user-form-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match super::form_key(&mut self.form, action, ctx) {
            FormKey::Save => self.save(ctx),
            FormKey::Leave => Outcome::Pop,
            FormKey::Done(outcome) => outcome,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        self.form
            .render(frame, Rect::new(area.x, area.y + 1, area.width, 4), theme);
    }
}
