//! Key bindings as one data table: it maps keys to actions and also draws the footer and the help screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::FluentValue;

/// Everything a key can ask for. Screens receive actions, never raw keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    NextField,
    PrevField,
    Select,
    Back,
    Help,
    Save,
    Edit,
    Admit,
    Transfer,
    /// On the change-cell screen: rank the cells of every facility (placing there is a transfer), or back.
    AllFacilities,
    Release,
    /// Change someone's cell.
    MoveCell,
    /// A person's non-associations: who they are kept apart from.
    KeepApart,
    /// Start or end a segregation placement.
    Segregate,
    /// Record whether someone who turned 18 in a young unit stays there or moves (issue 17).
    AgeReview,
    /// Fill in an assessment form about this person.
    Assess,
    /// In a form: go to the next question still unanswered or not accepted.
    NextIssue,
    /// Print what the screen shows (report preview, format, printer).
    Print,
    /// A person's programmes: suggestions, referrals, places and attendance.
    Programmes,
    /// Refer someone to the selected programme.
    Refer,
    /// Put a referral on the waitlist.
    Waitlist,
    /// Give a referred or waitlisted person a place in the group.
    Allocate,
    /// Withdraw a referral or a place, or decline a suggestion, with a reason.
    Withdraw,
    /// Mark a place completed under the programme's attendance rule.
    Complete,
    /// On a register: mark everyone not yet marked as attended.
    AllAttended,
    /// The unlock list: who leaves which unit for which session.
    Unlock,
    /// Cancel a session (holiday, lockdown ...).
    CancelSession,
    /// Record an event that calls for an early review of an assessment.
    RequestReview,
    New,
    ToggleLock,
    SetPassword,
    Search,
    /// The last messages of the status line, to read again.
    Messages,
    Logout,
    Quit,
    Redraw,
    Backspace,
    Delete,
    /// Ctrl-U in a text field: delete everything before the cursor, as in a shell.
    ClearToStart,
    Char(char),
}

impl Action {
    /// The word the footer and help screen show for this action.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Up | Action::Down => "move",
            Action::Left | Action::Right => "change",
            Action::PageUp | Action::PageDown => "page",
            Action::Home => "first",
            Action::End => "last",
            Action::NextField => "next",
            Action::PrevField => "previous",
            Action::Select => "open",
            Action::Back => "back",
            Action::Help => "help",
            Action::Save => "save",
            Action::Edit => "edit",
            Action::Admit => "admit",
            Action::Transfer => "transfer",
            Action::AllFacilities => "all facilities",
            Action::Release => "release",
            Action::MoveCell => "cell",
            Action::KeepApart => "keep apart",
            Action::Segregate => "segregation",
            Action::AgeReview => "age review",
            Action::Assess => "assess",
            Action::NextIssue => "to do",
            Action::Print => "print",
            Action::Programmes => "programmes",
            Action::Refer => "refer",
            Action::Waitlist => "waitlist",
            Action::Allocate => "place",
            Action::Withdraw => "withdraw",
            Action::RequestReview => "review early",
            Action::Complete => "complete",
            Action::AllAttended => "all attended",
            Action::Unlock => "unlock list",
            Action::CancelSession => "cancel session",
            Action::New => "new",
            Action::ToggleLock => "lock/unlock",
            Action::SetPassword => "password",
            Action::Search => "search",
            Action::Messages => crate::i18n::t_static("messages-key"),
            Action::Logout => "log out",
            Action::Quit => "quit",
            Action::Redraw => "redraw",
            Action::Backspace => "delete left",
            Action::Delete => "delete",
            Action::ClearToStart => crate::i18n::t_static("keys-clear-to-start"),
            Action::Char(_) => "type",
        }
    }

    /// The Fluent argument naming this action's key in help prose (`key-edit`, `key-all-facilities`): the
    /// variant's name in kebab case after `key-`. `None` for a typed character, which is no key of the table.
    pub fn key_arg(self) -> Option<&'static str> {
        Some(match self {
            Action::Up => "key-up",
            Action::Down => "key-down",
            Action::Left => "key-left",
            Action::Right => "key-right",
            Action::PageUp => "key-page-up",
            Action::PageDown => "key-page-down",
            Action::Home => "key-home",
            Action::End => "key-end",
            Action::NextField => "key-next-field",
            Action::PrevField => "key-prev-field",
            Action::Select => "key-select",
            Action::Back => "key-back",
            Action::Help => "key-help",
            Action::Save => "key-save",
            Action::Edit => "key-edit",
            Action::Admit => "key-admit",
            Action::Transfer => "key-transfer",
            Action::AllFacilities => "key-all-facilities",
            Action::Release => "key-release",
            Action::MoveCell => "key-move-cell",
            Action::KeepApart => "key-keep-apart",
            Action::Segregate => "key-segregate",
            Action::AgeReview => "key-age-review",
            Action::Assess => "key-assess",
            Action::NextIssue => "key-next-issue",
            Action::Print => "key-print",
            Action::Programmes => "key-programmes",
            Action::Refer => "key-refer",
            Action::Waitlist => "key-waitlist",
            Action::Allocate => "key-allocate",
            Action::Withdraw => "key-withdraw",
            Action::Complete => "key-complete",
            Action::AllAttended => "key-all-attended",
            Action::Unlock => "key-unlock",
            Action::CancelSession => "key-cancel-session",
            Action::RequestReview => "key-request-review",
            Action::New => "key-new",
            Action::ToggleLock => "key-toggle-lock",
            Action::SetPassword => "key-set-password",
            Action::Search => "key-search",
            Action::Messages => "key-messages",
            Action::Logout => "key-logout",
            Action::Quit => "key-quit",
            Action::Redraw => "key-redraw",
            Action::Backspace => "key-backspace",
            Action::Delete => "key-delete",
            Action::ClearToStart => "key-clear-to-start",
            Action::Char(_) => return None,
        })
    }
}

/// Where a binding applies. `Browse` keys are letters, so they are off while a text field has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Any,
    Browse,
    Text,
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    pub label: &'static str,
    pub scope: Scope,
}

const fn key(code: KeyCode, action: Action, label: &'static str, scope: Scope) -> Binding {
    Binding {
        code,
        mods: KeyModifiers::NONE,
        action,
        label,
        scope,
    }
}

const fn ctrl(c: char, action: Action, label: &'static str) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
        action,
        label,
        scope: Scope::Any,
    }
}

use Action as A;
use KeyCode as K;
use Scope::{Any, Browse, Text};

/// The whole key map. The first binding listed for an action is the one the footer shows.
pub const BINDINGS: &[Binding] = &[
    key(K::F(1), A::Help, "F1", Any),
    key(K::Char('?'), A::Help, "?", Browse),
    key(K::Esc, A::Back, "Esc", Any),
    key(K::Enter, A::Select, "Enter", Any),
    key(K::Up, A::Up, "Up", Any),
    key(K::Down, A::Down, "Down", Any),
    key(K::Char('k'), A::Up, "k", Browse),
    key(K::Char('j'), A::Down, "j", Browse),
    key(K::Left, A::Left, "Left", Any),
    key(K::Right, A::Right, "Right", Any),
    key(K::PageUp, A::PageUp, "PgUp", Any),
    key(K::PageDown, A::PageDown, "PgDn", Any),
    key(K::Home, A::Home, "Home", Any),
    key(K::End, A::End, "End", Any),
    key(K::Tab, A::NextField, "Tab", Any),
    key(K::BackTab, A::PrevField, "S-Tab", Any),
    key(K::F(2), A::Save, "F2", Any),
    ctrl('s', A::Save, "^S"),
    key(K::Char('e'), A::Edit, "e", Browse),
    key(K::F(4), A::Edit, "F4", Any),
    key(K::Char('a'), A::Admit, "a", Browse),
    key(K::Char('t'), A::Transfer, "t", Browse),
    key(K::Char('F'), A::AllFacilities, "F", Browse),
    key(K::Char('r'), A::Release, "r", Browse),
    key(K::Char('m'), A::MoveCell, "m", Browse),
    key(K::Char('x'), A::KeepApart, "x", Browse),
    key(K::Char('s'), A::Segregate, "s", Browse),
    key(K::Char('v'), A::AgeReview, "v", Browse),
    key(K::Char('A'), A::Assess, "A", Browse),
    key(K::F(3), A::NextIssue, "F3", Any),
    key(K::Char('P'), A::Programmes, "P", Browse),
    key(K::Char('f'), A::Refer, "f", Browse),
    key(K::Char('w'), A::Waitlist, "w", Browse),
    key(K::Char('g'), A::Allocate, "g", Browse),
    key(K::Char('d'), A::Withdraw, "d", Browse),
    key(K::Char('c'), A::Complete, "c", Browse),
    key(K::Char('y'), A::AllAttended, "y", Browse),
    key(K::Char('u'), A::Unlock, "u", Browse),
    key(K::Char('C'), A::CancelSession, "C", Browse),
    key(K::Char('R'), A::RequestReview, "R", Browse),
    key(K::Char('n'), A::New, "n", Browse),
    key(K::Char('l'), A::ToggleLock, "l", Browse),
    key(K::Char('p'), A::SetPassword, "p", Browse),
    key(K::Char('/'), A::Search, "/", Browse),
    key(K::F(9), A::Messages, "F9", Any),
    key(K::F(10), A::Logout, "F10", Any),
    ctrl('q', A::Quit, "^Q"),
    ctrl('l', A::Redraw, "^L"),
    ctrl('p', A::Print, "^P"),
    key(K::Backspace, A::Backspace, "Bksp", Text),
    key(K::Delete, A::Delete, "Del", Text),
    Binding {
        code: K::Char('u'),
        mods: KeyModifiers::CONTROL,
        action: A::ClearToStart,
        label: "^U",
        scope: Text,
    },
];

/// The permission an action needs wherever it appears, for the actions that mean one thing everywhere; a screen
/// adds its own for keys that differ by screen (`n` new, `e` edit). A key whose permission the role lacks is left
/// out of the footer and the help screen: it could only ever be refused (issue 18, item 6).
pub const ACTION_NEEDS: &[(Action, crate::domain::auth::Permission)] = {
    use crate::domain::auth::Permission as P;
    &[
        (A::Transfer, P::Transfer),
        (A::AllFacilities, P::Transfer),
        (A::Release, P::Release),
        (A::MoveCell, P::MoveCell),
        (A::Segregate, P::Segregate),
        (A::AgeReview, P::OverrideAllocation),
        (A::Refer, P::ReferToProgramme),
        (A::Waitlist, P::AllocateProgramme),
        (A::Allocate, P::AllocateProgramme),
        (A::Complete, P::AllocateProgramme),
        (A::AllAttended, P::RecordAttendance),
        (A::CancelSession, P::ManageProgrammes),
        (A::ToggleLock, P::ManageUsers),
        (A::SetPassword, P::ManageUsers),
    ]
};

/// Whether `role` may ever use `action` by the table above (actions not in it: yes).
pub fn usable(action: Action, role: crate::domain::auth::Role) -> bool {
    ACTION_NEEDS
        .iter()
        .filter(|(a, _)| *a == action)
        .all(|(_, p)| crate::domain::auth::may(role, *p))
}

/// Turns a key press into an action for a screen in `scope`; printable keys not bound become `Char` in text.
pub fn action_for(event: KeyEvent, scope: Scope) -> Option<Action> {
    let mods = event.modifiers - KeyModifiers::SHIFT;
    let found = BINDINGS
        .iter()
        .find(|b| b.code == event.code && b.mods == mods && (b.scope == Any || b.scope == scope));
    if let Some(b) = found {
        return Some(b.action);
    }
    match event.code {
        // Shift-Tab arrives as BackTab with SHIFT on most terminals and as Tab+SHIFT on some.
        KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => Some(A::PrevField),
        KeyCode::Char(c)
            if scope == Text
                && !event
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(A::Char(c))
        }
        // Backspace is harmless outside text fields too (search boxes use it).
        KeyCode::Backspace => Some(A::Backspace),
        _ => None,
    }
}

/// The label of the key the footer shows for `action` in `scope`.
pub fn label_for(action: Action, scope: Scope) -> Option<&'static str> {
    BINDINGS
        .iter()
        .find(|b| b.action == action && (b.scope == Any || b.scope == scope))
        .map(|b| b.label)
}

/// Fluent arguments naming every bound action's key as the footer shows it in `scope` (`key-edit` = "e",
/// `key-save` = "F2"), for the help paragraphs in the catalogue: the prose then follows the key table. An action
/// with several keys is named by its first, as the footer names it (F2, not ^S); the help's key list shows all.
/// An action with no key in `scope` has no argument, so a paragraph naming it fails the catalogue's tests.
pub fn key_args(scope: Scope) -> Vec<(&'static str, FluentValue<'static>)> {
    let mut seen: Vec<Action> = Vec::new();
    let mut args = Vec::new();
    for b in BINDINGS {
        if seen.contains(&b.action) || !(b.scope == Any || b.scope == scope) {
            continue;
        }
        seen.push(b.action);
        if let Some(name) = b.action.key_arg() {
            args.push((name, FluentValue::from(b.label)));
        }
    }
    args
}

/// The footer: "key word" pairs for the actions a screen offers, cut to fit `width`.
/// `word` lets a screen say what a key does there ("sign in" rather than "open").
pub fn footer(
    actions: &[Action],
    scope: Scope,
    width: usize,
    word: &dyn Fn(Action) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let mut used = 0;
    for &action in actions {
        let Some(label) = label_for(action, scope) else {
            continue;
        };
        let word = word(action);
        let cost = label.len() + 1 + word.len() + 2;
        if used + cost > width {
            break;
        }
        used += cost;
        out.push((label, word));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn letters_are_commands_when_browsing_and_text_when_typing() {
        assert_eq!(action_for(press(K::Char('e')), Browse), Some(A::Edit));
        assert_eq!(action_for(press(K::Char('e')), Text), Some(A::Char('e')));
        assert_eq!(action_for(press(K::Char('?')), Text), Some(A::Char('?')));
        assert_eq!(action_for(press(K::F(2)), Text), Some(A::Save));
        assert_eq!(
            action_for(KeyEvent::new(K::Char('s'), KeyModifiers::CONTROL), Text),
            Some(A::Save)
        );
        assert_eq!(
            action_for(KeyEvent::new(K::Char('E'), KeyModifiers::SHIFT), Text),
            Some(A::Char('E'))
        );
    }

    /// Every action but a typed character, in the order of [`position`].
    const EVERY_ACTION: [Action; 47] = [
        A::Up,
        A::Down,
        A::Left,
        A::Right,
        A::PageUp,
        A::PageDown,
        A::Home,
        A::End,
        A::NextField,
        A::PrevField,
        A::Select,
        A::Back,
        A::Help,
        A::Save,
        A::Edit,
        A::Admit,
        A::Transfer,
        A::AllFacilities,
        A::Release,
        A::MoveCell,
        A::KeepApart,
        A::Segregate,
        A::AgeReview,
        A::Assess,
        A::NextIssue,
        A::Print,
        A::Programmes,
        A::Refer,
        A::Waitlist,
        A::Allocate,
        A::Withdraw,
        A::Complete,
        A::AllAttended,
        A::Unlock,
        A::CancelSession,
        A::RequestReview,
        A::New,
        A::ToggleLock,
        A::SetPassword,
        A::Search,
        A::Messages,
        A::Logout,
        A::Quit,
        A::Redraw,
        A::Backspace,
        A::Delete,
        A::ClearToStart,
    ];

    /// Where an action stands in [`EVERY_ACTION`]. The match has no catch-all arm, so a new action does not
    /// compile until it is given a place here, and the test below fails until it is in the list with a key.
    fn position(action: Action) -> Option<usize> {
        Some(match action {
            A::Up => 0,
            A::Down => 1,
            A::Left => 2,
            A::Right => 3,
            A::PageUp => 4,
            A::PageDown => 5,
            A::Home => 6,
            A::End => 7,
            A::NextField => 8,
            A::PrevField => 9,
            A::Select => 10,
            A::Back => 11,
            A::Help => 12,
            A::Save => 13,
            A::Edit => 14,
            A::Admit => 15,
            A::Transfer => 16,
            A::AllFacilities => 17,
            A::Release => 18,
            A::MoveCell => 19,
            A::KeepApart => 20,
            A::Segregate => 21,
            A::AgeReview => 22,
            A::Assess => 23,
            A::NextIssue => 24,
            A::Print => 25,
            A::Programmes => 26,
            A::Refer => 27,
            A::Waitlist => 28,
            A::Allocate => 29,
            A::Withdraw => 30,
            A::Complete => 31,
            A::AllAttended => 32,
            A::Unlock => 33,
            A::CancelSession => 34,
            A::RequestReview => 35,
            A::New => 36,
            A::ToggleLock => 37,
            A::SetPassword => 38,
            A::Search => 39,
            A::Messages => 40,
            A::Logout => 41,
            A::Quit => 42,
            A::Redraw => 43,
            A::Backspace => 44,
            A::Delete => 45,
            A::ClearToStart => 46,
            A::Char(_) => return None,
        })
    }

    #[test]
    fn every_action_has_a_key_the_footer_can_name() {
        for (i, &action) in EVERY_ACTION.iter().enumerate() {
            assert_eq!(
                position(action),
                Some(i),
                "{action:?} is out of place in EVERY_ACTION"
            );
            let key = label_for(action, Browse).or_else(|| label_for(action, Text));
            assert!(key.is_some(), "{action:?} has no key in the table");
        }
        let f = footer(&[A::Save, A::Back, A::Help], Text, 80, &Action::describe);
        assert_eq!(f, vec![("F2", "save"), ("Esc", "back"), ("F1", "help")]);
    }

    #[test]
    fn the_footer_is_cut_to_fit() {
        let f = footer(
            &[A::Save, A::Back, A::Help, A::Logout],
            Text,
            20,
            &Action::describe,
        );
        assert!(f.len() < 4);
    }

    #[test]
    fn no_two_bindings_share_a_key_in_one_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let overlap = a.scope == b.scope || a.scope == Any || b.scope == Any;
                assert!(
                    !(a.code == b.code && a.mods == b.mods && overlap),
                    "{:?} bound twice",
                    a.code
                );
            }
        }
    }

    /// The help paragraphs' other arguments (the audit trail's row limit, the messages kept), so that only the
    /// key arguments are under test.
    fn with_extras(
        mut args: Vec<(&'static str, FluentValue<'static>)>,
    ) -> Vec<(&'static str, FluentValue<'static>)> {
        args.push(("shown", FluentValue::from(500)));
        args.push(("kept", FluentValue::from(20)));
        args
    }

    fn help_messages() -> Vec<(&'static str, &'static str)> {
        crate::i18n::english_messages()
            .into_iter()
            .filter(|(id, _)| id.ends_with("-help"))
            .collect()
    }

    /// The help paragraphs of screens whose help is formatted with `Scope::Text` (`self.scope()` on a screen that
    /// is, or may be, typing): the keys they name must exist while typing too.
    const TYPING_HELP: &[&str] = &[
        "assessment-help",
        "assessment-review-help",
        "estate-form-help",
        "movement-help",
        "print-preview-help",
        "prisoner-form-help",
        "prompt-help",
        "search-help",
        "segregation-help",
        "user-form-help",
    ];

    #[test]
    fn every_help_paragraph_names_only_keys_the_table_has() {
        let messages = help_messages();
        assert!(
            messages.len() >= 30,
            "only {} help paragraphs",
            messages.len()
        );
        let mut wrong = Vec::new();
        for (id, _) in &messages {
            let mut scopes = vec![Browse];
            if TYPING_HELP.contains(id) {
                scopes.push(Text);
            }
            for scope in scopes {
                let (text, errors) = crate::i18n::t_args_checked(id, &with_extras(key_args(scope)));
                if !errors.is_empty() || text.contains("{ $") || text.contains("{$") {
                    wrong.push(format!("{id} ({scope:?}): {errors:?}\n  {text}"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "help paragraphs that do not format:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn the_help_prose_follows_the_key_table() {
        // One action's key relabelled: the sentence says the new key and no longer the old one.
        let relabel = |label: &'static str| {
            let mut args = key_args(Browse);
            for (name, value) in &mut args {
                if *name == "key-edit" {
                    *value = FluentValue::from(label);
                }
            }
            crate::i18n::t_args("record-help", &args)
        };
        assert!(relabel("e").contains(" e edits the particulars"));
        let changed = relabel("E");
        assert!(changed.contains(" E edits the particulars"), "{changed}");
        assert!(!changed.contains(" e edits"), "{changed}");

        // Every key a paragraph names comes from its argument, and only the ones it names.
        for (id, source) in help_messages() {
            let marked: Vec<(&'static str, FluentValue<'static>)> = key_args(Browse)
                .into_iter()
                .map(|(name, _)| (name, FluentValue::from(format!("<{name}>"))))
                .collect();
            let (text, _) = crate::i18n::t_args_checked(id, &with_extras(marked));
            for (name, _) in key_args(Browse) {
                let named = source.contains(&format!("{{ ${name} }}"));
                assert_eq!(text.contains(&format!("<{name}>")), named, "{id}: {name}");
            }
        }
    }

    #[test]
    fn every_bound_action_has_its_key_argument() {
        for b in BINDINGS {
            let debug = format!("{:?}", b.action);
            let mut kebab = String::from("key");
            for c in debug.chars() {
                if c.is_ascii_uppercase() {
                    kebab.push('-');
                }
                kebab.push(c.to_ascii_lowercase());
            }
            assert_eq!(b.action.key_arg(), Some(kebab.as_str()));
        }
        let browse = key_args(Browse);
        let arg = |name: &str| {
            browse
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        // The footer's key: the first binding in scope.
        assert_eq!(arg("key-save"), Some(FluentValue::from("F2")));
        assert_eq!(arg("key-edit"), Some(FluentValue::from("e")));
        assert_eq!(arg("key-all-facilities"), Some(FluentValue::from("F")));
        assert_eq!(arg("key-next-field"), Some(FluentValue::from("Tab")));
        assert_eq!(arg("key-print"), Some(FluentValue::from("^P")));
        assert_eq!(arg("key-search"), Some(FluentValue::from("/")));
        let text = key_args(Text);
        assert!(
            text.iter()
                .any(|(n, v)| *n == "key-edit" && *v == FluentValue::from("F4"))
        );
        assert!(!text.iter().any(|(n, _)| *n == "key-transfer"));
    }
}
