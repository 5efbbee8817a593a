//! The screens. Each implements `Screen`: it turns actions into domain/store calls and draws itself.

pub mod allocate;
pub mod assessment;
pub mod assessment_history;
pub mod assessment_pick;
pub mod assessment_queues;
pub mod assessment_review;
pub mod assessment_view;
pub mod audit;
pub mod cases;
pub mod estate;
pub mod estate_form;
pub mod help;
pub mod home;
pub mod list;
pub mod lock;
pub mod login;
pub mod messages;
pub mod movement;
pub mod non_association;
pub mod occupancy;
pub mod password_check;
pub mod person_programmes;
pub mod print_preview;
pub mod prisoner_form;
pub mod programme;
pub mod programme_form;
pub mod programmes;
pub mod prompt;
pub mod record;
pub mod register;
pub mod release_plan;
pub mod reports;
pub mod search;
pub mod segregation;
pub mod unlock;
pub mod unplaced;
pub mod users;

use super::keymap::{Action, Scope};
use super::theme::Theme;
use super::widgets::form::Form;
use crate::domain::auth::{Permission, Role, may};
use crate::store::{Actor, Store};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub name: String,
    pub role: Role,
}

impl Session {
    pub fn may(&self, permission: Permission) -> bool {
        may(self.role, permission)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Error(String),
}

/// What a screen may use while handling an action: the store, the person, the time, and the message line.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub drafts: &'a super::drafts::Drafts,
    pub forms: &'a crate::domain::forms::Registry,
    pub session: &'a Session,
    pub now: DateTime<Utc>,
    pub message: Option<Message>,
}

impl Ctx<'_> {
    pub fn actor(&self) -> Actor {
        Actor::staff(self.session.name.clone(), self.session.role, self.now)
    }

    pub fn info(&mut self, s: impl Into<String>) {
        self.message = Some(Message::Info(s.into()));
    }

    pub fn error(&mut self, s: impl Into<String>) {
        self.message = Some(Message::Error(s.into()));
    }

    /// Checks a permission through the store (the domain decides) and explains a refusal on the message line.
    /// A key pressed for something the role may not do is an attempt, audited like a refused write.
    pub fn allowed(&mut self, permission: Permission) -> bool {
        let actor = self.actor();
        let need = crate::domain::auth::Need::To(permission);
        match self.store.authorise(&actor, need, "a key on screen") {
            Ok(()) => true,
            Err(crate::store::StoreError::Refused(why)) => {
                self.error(format!("Not allowed: {why}."));
                false
            }
            Err(e) => {
                self.error(format!("Not allowed: {e}"));
                false
            }
        }
    }
}

pub enum Outcome {
    /// The action meant nothing here: nothing to redraw.
    Ignored,
    Handled,
    Push(Box<dyn Screen>),
    Replace(Box<dyn Screen>),
    Pop,
    /// Closes this screen and hands a typed value to the one beneath (its [`Screen::reply`]), before it resumes.
    PopWith(Reply),
    Logout,
    Quit,
}

/// What a popup hands back to the screen that opened it: typed, so nothing is passed through shared cells or
/// parsed back out of text.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The audit trail's filter, as the filter popup read it.
    AuditFilter(crate::store::AuditFilter),
    /// Text the rows must contain (the programmes list's filter).
    Contains(String),
}

pub trait Screen {
    fn title(&self) -> String;
    /// The actions the footer offers, most useful first.
    fn footer(&self) -> Vec<Action>;
    /// Whether this screen offers `action` to `role` at all: false for keys that role could only ever be refused,
    /// which are then left out of the footer and the help screen. The default follows the key table
    /// (`keymap::ACTION_NEEDS`); screens whose `n` or `e` needs a permission say so here.
    fn offered(&self, action: Action, role: Role) -> bool {
        super::keymap::usable(action, role)
    }
    /// The footer's word for an action on this screen, where the generic one would mislead.
    fn footer_word(&self, action: Action) -> &'static str {
        action.describe()
    }
    /// `Text` while a field that takes typing has the focus.
    fn scope(&self) -> Scope {
        Scope::Browse
    }
    /// A paragraph for the help screen about this screen.
    fn help(&self) -> String;
    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome;
    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme);
    /// Called when the screen is uncovered again, so it can reload what a child screen changed.
    fn resume(&mut self, _ctx: &mut Ctx) {}
    /// A popup this screen opened closed with a value for it ([`Outcome::PopWith`]); called before `resume`.
    fn reply(&mut self, _reply: Reply, _ctx: &mut Ctx) {}
    /// The help popup (F1 on it closes it rather than opening another).
    fn is_help(&self) -> bool {
        false
    }
    /// Popups are drawn over the screen beneath them.
    fn is_popup(&self) -> bool {
        false
    }
    /// Told when the screen is shown whether the line to the terminal is slow (a serial line, `--slow-link`).
    /// A screen whose typing redraws much (a search's result list) may then hold that work back until typing
    /// pauses, so that each key costs its echo alone.
    fn set_slow_link(&mut self, _slow: bool) {}
    /// True while work is held back until typing pauses; the event loop then wakes once, a pause after the last
    /// key, and calls [`Screen::settle`].
    fn unsettled(&self) -> bool {
        false
    }
    /// Typing has paused: does the work held back. Returns true when the screen must be redrawn.
    fn settle(&mut self, _ctx: &mut Ctx) -> bool {
        false
    }
    /// True while the screen waits for a job on a worker thread (`tui::worker`); the event loop then wakes it
    /// every [`worker::POLL`](crate::tui::worker::POLL) through [`Screen::poll_work`].
    fn working(&self) -> bool {
        false
    }
    /// Picks up a finished job's result, or moves the progress line on. Returns true when the screen must be
    /// redrawn.
    fn poll_work(&mut self, _ctx: &mut Ctx) -> bool {
        false
    }
}

/// What a key means on a form screen, for the keys every form shares.
pub enum FormKey {
    /// F2 or Ctrl-S: check and save.
    Save,
    /// Esc: leave the form.
    Leave,
    /// Anything else, already applied to the form: Enter moves to the next field, other keys edit.
    Done(Outcome),
}

/// Esc on a form with unsaved changes asks first: typing is never lost to one stray key.
pub fn form_key(form: &mut Form, action: Action, ctx: &mut Ctx) -> FormKey {
    let armed = std::mem::take(&mut form.leave_armed);
    match action {
        Action::Save => FormKey::Save,
        Action::Back if form.dirty && !armed => {
            form.leave_armed = true;
            ctx.error("Unsaved changes: press Esc again to discard them, or F2 to save.");
            FormKey::Done(Outcome::Handled)
        }
        Action::Back => FormKey::Leave,
        Action::Select => {
            let from = form.focus;
            form.handle(Action::NextField);
            // Enter never saves (F2 does, so a stray Enter cannot); on the last field, where it only goes back
            // to the first (or nowhere, in a one-field prompt), it says so instead of seeming to do nothing.
            if form.focus <= from {
                ctx.info("Enter moves to the next field; F2 finishes.");
            }
            FormKey::Done(Outcome::Handled)
        }
        other if form.handle(other) => {
            if let Some(said) = form.take_refusal() {
                ctx.error(said);
            }
            FormKey::Done(Outcome::Handled)
        }
        _ => FormKey::Done(Outcome::Ignored),
    }
}

/// Shows a refusal beside the field it is about, when this form has that field (by key, never by reading the
/// text); says whether it did. The status line still carries the whole refusal.
pub fn mark_field(form: &mut Form, e: &crate::domain::invalid::FieldError) -> bool {
    if !form.fields.iter().any(|f| e.is(&f.key)) {
        return false;
    }
    form.set_error(&e.field, e.message.clone());
    true
}

/// [`mark_field`] for a store error, when it is a refusal of one of this form's fields.
pub fn mark_refused(form: &mut Form, e: &crate::store::StoreError) {
    if let Some(field) = e.field_error() {
        mark_field(form, field);
    }
}

/// The form's word for `key` as the domain value it names. A word the domain does not know (a draft kept by an
/// older warden, a list that changed) is a refusal at that field, never quietly taken as some default.
pub fn chosen<T>(
    form: &Form,
    key: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, crate::domain::invalid::FieldError> {
    let word = form.get(key);
    parse(word.trim()).ok_or_else(|| {
        let why = crate::i18n::t_args("field-not-a-choice", &[("value", word.clone().into())]);
        let e = crate::domain::invalid::FieldError::new(key, why);
        match form.fields.iter().find(|f| f.key == key) {
            Some(f) => e.labelled(f.label.clone()),
            None => e,
        }
    })
}

/// Puts back what this person was typing into this form before a crash, power cut or lock-out, if anything.
pub fn restore_draft(form: &mut Form, key: &str, ctx: &mut Ctx) {
    let name = ctx.session.name.clone();
    // A draft still on its way to the file is newer than the file's (and a deletion on its way means none).
    let draft = match ctx.drafts.queued(&name, key) {
        Some(queued) => Ok(queued),
        None => ctx.store.draft(&name, key),
    };
    match draft {
        Ok(Some((payload, at))) => match serde_json::from_str(&payload) {
            Ok(values) => {
                form.restore(&values);
                ctx.info(format!(
                    "Restored what you were typing at {} UTC; it is not saved yet (F2 saves, Esc twice discards).",
                    at.format("%Y-%m-%d %H:%M")
                ));
            }
            Err(e) => tracing::warn!(error = %e, key, "unreadable draft ignored"),
        },
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, key, "draft not read"),
    }
}

/// Writes the form's contents as a draft (off the UI thread) after a change.
/// Only changed fields are kept, so restoring a draft never puts back an old value of a field the person did
/// not touch (someone else may have changed it since).
pub fn keep_draft(form: &Form, key: &str, ctx: &Ctx) {
    let changed = form.changed_values();
    if changed.is_empty() {
        ctx.drafts.delete(&ctx.session.name, key);
    } else {
        let payload = serde_json::to_string(&changed).unwrap_or_default();
        ctx.drafts.save(&ctx.session.name, key, payload, ctx.now);
    }
}

pub fn drop_draft(key: &str, ctx: &Ctx) {
    ctx.drafts.delete(&ctx.session.name, key);
}

/// Formats a count with thousands separators, as printed reports do.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rectangle centred in `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(70119), "70,119");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }

    /// Every screen's `fn help` takes its paragraph from the catalogue with the keys from the key table: no
    /// sentence is written in the code. The only string literals allowed are the message's id and the names of
    /// its other arguments (`shown` in `audit-help`).
    #[test]
    fn help_paragraphs_come_from_the_catalogue() {
        let messages = crate::i18n::english_messages();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tui/screens");
        let mut wrong = Vec::new();
        let mut bodies = 0;
        for entry in std::fs::read_dir(dir)
            .expect("screens are readable")
            .flatten()
        {
            let path = entry.path();
            let source = std::fs::read_to_string(&path).expect("source is UTF-8");
            // The code before the tests (this test names what it looks for).
            let mut rest = source.split("\n#[cfg(test)]").next().unwrap_or_default();
            while let Some(at) = rest.find("fn help(&self) -> String {") {
                rest = &rest[at..];
                let end = rest.find("\n    }\n").expect("fn help ends");
                let body = &rest[..end];
                rest = &rest[end..];
                // The one list screen hands over to its source, whose own help is checked here.
                if body.contains("self.source.help()") {
                    continue;
                }
                bodies += 1;
                let literals: Vec<&str> = body.split('"').skip(1).step_by(2).collect();
                let ids: Vec<&(&str, &str)> = messages
                    .iter()
                    .filter(|(m, _)| m.ends_with("-help") && literals.contains(m))
                    .collect();
                let [(id, line)] = ids[..] else {
                    wrong.push(format!(
                        "{}: not one *-help message: {body}",
                        path.display()
                    ));
                    continue;
                };
                if !body.contains("t_args(") || !body.contains("key_args(") {
                    wrong.push(format!(
                        "{}: {id} not formatted with key_args",
                        path.display()
                    ));
                }
                for name in literals.iter().filter(|l| *l != id) {
                    if !line.contains(&format!("{{ ${name} }}")) {
                        wrong.push(format!("{}: {id} has a literal {name:?}", path.display()));
                    }
                }
            }
        }
        assert!(bodies >= 30, "only {bodies} help bodies found");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
