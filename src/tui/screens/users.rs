//! Staff accounts (administrators only): list, add, lock and unlock, set a password.

use super::list::{Keyed, ListScreen, ListSource};
use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::auth::{Permission, Role};
use crate::store::StaffRow;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::list::columns;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The staff accounts, for administrators; None (with the refusal said) for anyone else.
pub fn accounts(ctx: &mut Ctx) -> Option<ListScreen<Accounts>> {
    if !ctx.allowed(Permission::ManageUsers) {
        return None;
    }
    Some(ListScreen::new(Accounts { now: ctx.now }, ctx))
}

pub struct Accounts {
    now: DateTime<Utc>,
}

impl Accounts {
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

impl ListSource for Accounts {
    type Row = StaffRow;

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
        crate::i18n::t_args("users-help", &crate::tui::keymap::key_args(Scope::Browse))
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<StaffRow>, String> {
        self.now = ctx.now;
        ctx.store.users().map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        crate::i18n::t("users-what")
    }

    fn header(&self) -> String {
        columns(&[("Name", 24), ("Role", 11), ("Status", 40)])
    }

    fn line(&self, u: &StaffRow) -> String {
        columns(&[(&u.name, 24), (u.role.as_str(), 11), (&self.status(u), 40)])
    }

    fn empty(&self) -> String {
        "No accounts.".into()
    }

    fn open(&mut self, _row: &StaffRow, _ctx: &mut Ctx) -> Outcome {
        Outcome::Ignored
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[StaffRow],
        selected: Option<&StaffRow>,
        ctx: &mut Ctx,
    ) -> Keyed {
        if !ctx.allowed(Permission::ManageUsers) {
            return Outcome::Pop.into();
        }
        match action {
            Action::New => Outcome::Push(Box::new(UserForm::new_account())).into(),
            Action::SetPassword => match selected {
                Some(u) => Outcome::Push(Box::new(UserForm::password(&u.name))).into(),
                None => Outcome::Ignored.into(),
            },
            Action::ToggleLock => {
                let Some(u) = selected else {
                    return Outcome::Ignored.into();
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
                Keyed::ReadAgain
            }
            _ => Outcome::Ignored.into(),
        }
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
