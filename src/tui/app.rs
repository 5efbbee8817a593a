//! The application state machine: sign-in, the layer stack of screens, the idle lock, and the frame around them.

use super::drafts::Drafts;
use super::keymap::{self, Action, Scope};
pub use super::paste::{paste_refused, paste_text};
use super::screens::help::HelpScreen;
use super::screens::home::HomeScreen;
use super::screens::lock::{LockResult, LockScreen};
use super::screens::login::{LoginResult, LoginScreen};
use super::screens::messages::MessagesScreen;
use super::screens::search::SearchScreen;
use super::screens::{Ctx, Message, Outcome, Reply, Screen, Session};
use super::theme::Theme;
use super::widgets::input;
use crate::domain::audit::Deed;
use crate::domain::forms::Registry;
use crate::domain::text;
use crate::i18n::t_args;
use crate::store::{Actor, Store};
use chrono::{DateTime, Duration, Utc};

/// The footer's actions that this role may use on this screen.
pub fn offered_footer(screen: &dyn Screen, role: crate::domain::auth::Role) -> Vec<Action> {
    screen
        .footer()
        .into_iter()
        .filter(|a| screen.offered(*a, role))
        .collect()
}

/// The message for a footer key that found nothing to act on: the end of a list, or no row to act on.
fn unanswered(action: Action) -> Option<&'static str> {
    match action {
        Action::Up | Action::PageUp | Action::Home => Some("keys-at-top"),
        Action::Down | Action::PageDown | Action::End => Some("keys-at-end"),
        Action::Select
        | Action::Edit
        | Action::Withdraw
        | Action::Allocate
        | Action::Waitlist
        | Action::Complete
        | Action::Refer
        | Action::RequestReview => Some("keys-nothing-selected"),
        _ => None,
    }
}

/// Messages kept for F9: the last twenty (issue 18).
const MESSAGES_KEPT: usize = 20;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// Shared terminals lock after this long without a key press unless the service sets `idle_lock_seconds`.
pub const DEFAULT_IDLE_SECONDS: i64 = 300;
/// On a slow line, how long typing must pause before a screen does the work it held back (a search's list):
/// longer than the gap between letters of someone typing a word, short enough to feel like an answer.
pub const TYPING_PAUSE_MS: i64 = 400;

pub struct App {
    store: Store,
    /// On a demonstration database, the accounts to sign in with (the list printed before the TUI opened is
    /// hidden by the full screen).
    demo_hint: Option<String>,
    drafts: Drafts,
    /// The assessment forms, checked once at start against the versions already used for records.
    forms: Registry,
    /// False until the first sign-in has loaded `forms`.
    forms_loaded: bool,
    theme: Theme,
    session: Option<Session>,
    stack: Vec<Box<dyn Screen>>,
    login: LoginScreen,
    lock: Option<LockScreen>,
    message: Option<Message>,
    /// The database was opened read-only (write-protected media, a file this account may only read).
    read_only: bool,
    /// The last messages shown, oldest first, for F9 (a message is never lost to the next key).
    history: std::collections::VecDeque<(DateTime<Utc>, Message)>,
    idle_limit: Duration,
    last_input: DateTime<Utc>,
    quit: bool,
    /// The line to the terminal is slow: screens may hold back costly redraws until typing pauses.
    slow_link: bool,
    /// Headquarters' folder of site files (`--sites DIR`): Reports offers the national roll-ups over them.
    sites: Option<std::path::PathBuf>,
    /// Set by Ctrl-L: the terminal should be cleared and repainted in full.
    pub full_redraw: bool,
}

/// The forms folder: `WARDEN_FORMS` if set, else `forms` in the current directory (as `warden forms check`).
pub fn forms_dir() -> std::path::PathBuf {
    std::env::var_os("WARDEN_FORMS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("forms"))
}

/// Loads every form; one that is malformed, or edited without a new version number, is listed as unavailable
/// and the rest work. A missing folder means no forms, not a failure to start.
fn load_forms(store: &mut Store, now: DateTime<Utc>) -> Registry {
    let dir = forms_dir();
    let mut forms = Registry::load_dir(&dir).unwrap_or_else(|e| {
        tracing::warn!(dir = %dir.display(), error = %e, "no forms folder");
        Registry::default()
    });
    if let Err(e) = store.register_forms(&Actor::system("warden", now), &mut forms) {
        tracing::warn!(error = %e, "form versions not checked");
    }
    for u in &forms.unavailable {
        for line in u.lines() {
            tracing::warn!("form unavailable: {line}");
        }
    }
    forms
}

impl App {
    pub fn new(store: Store, theme: Theme, now: DateTime<Utc>) -> App {
        let idle = std::env::var("WARDEN_IDLE_SECONDS")
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .or_else(|| {
                store
                    .setting(&crate::store::Setting::IdleLockSeconds)
                    .ok()
                    .flatten()
                    .and_then(|s| s.parse().ok())
            })
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_IDLE_SECONDS);
        // The demo writes its accounts into the database it builds: the screens never look into `demo`.
        let demo_hint = store
            .setting(&crate::store::Setting::DemoAccounts)
            .ok()
            .flatten()
            .map(|accounts| format!("Demonstration database. Accounts: {accounts}"));
        let store_read_only = store.is_read_only();
        App {
            demo_hint,
            forms: Registry::default(),
            forms_loaded: false,
            drafts: Drafts::start(store.path()),
            store,
            theme,
            session: None,
            stack: Vec::new(),
            login: LoginScreen::new(),
            lock: None,
            message: None,
            history: Default::default(),
            read_only: store_read_only,
            idle_limit: Duration::seconds(idle),
            last_input: now,
            quit: false,
            slow_link: false,
            sites: None,
            full_redraw: false,
        }
    }

    /// Headquarters' folder of site files, for the national roll-ups (read only) under Reports.
    pub fn set_sites(&mut self, dir: Option<std::path::PathBuf>) {
        self.sites = dir;
    }

    /// Says whether the line to the terminal is slow; every screen shown from now on is told.
    pub fn set_slow_link(&mut self, slow: bool) {
        self.slow_link = slow;
        for screen in &mut self.stack {
            screen.set_slow_link(slow);
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    pub fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Waits until every draft typed so far is on disk.
    pub fn flush_drafts(&self) {
        self.drafts.flush();
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// When the idle lock falls due, if it can.
    fn idle_deadline(&self) -> Option<DateTime<Utc>> {
        if self.session.is_some() && self.lock.is_none() {
            Some(self.last_input + self.idle_limit)
        } else {
            None
        }
    }

    /// When the top screen's held-back work falls due: a typing pause after the last key.
    fn settle_deadline(&self) -> Option<DateTime<Utc>> {
        let top = self.stack.last()?;
        (self.lock.is_none() && top.unsettled())
            .then(|| self.last_input + Duration::milliseconds(TYPING_PAUSE_MS))
    }

    /// The next moment something happens without a key: the event loop sleeps until then and no longer
    /// (no periodic wake-ups, so an idle screen writes nothing).
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        [
            self.idle_deadline(),
            self.settle_deadline(),
            self.work_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// True while the top screen waits for a job on a worker thread (tests wait for it with [`App::tick`]).
    pub fn working(&self) -> bool {
        self.signing_in() || self.unlocking() || self.stack.last().is_some_and(|top| top.working())
    }

    /// True while the idle lock waits for its password check.
    fn unlocking(&self) -> bool {
        self.lock.as_ref().is_some_and(|lock| lock.working())
    }

    /// True while the sign-in screen waits for its password check.
    fn signing_in(&self) -> bool {
        self.session.is_none() && self.login.working()
    }

    /// While the top screen waits for a job (a PDF rendering, the printer), the loop wakes every
    /// [`worker::POLL`](super::worker::POLL) to pick up its result and move the progress line on.
    fn work_deadline(&self) -> Option<DateTime<Utc>> {
        let top_working = self.stack.last().is_some_and(|top| top.working());
        (self.signing_in() || self.unlocking() || (self.lock.is_none() && top_working))
            .then(|| Utc::now() + Duration::milliseconds(super::worker::POLL.as_millis() as i64))
    }

    /// Does what has fallen due by `now`: the idle lock, or the work a screen held back until typing paused.
    /// Returns true if the screen must be redrawn.
    pub fn tick(&mut self, now: DateTime<Utc>) -> bool {
        let redraw = self.tick_inner(now);
        self.remember_message(now);
        redraw
    }

    fn tick_inner(&mut self, now: DateTime<Utc>) -> bool {
        if self.lock_if_idle(now) {
            return true;
        }
        if self.signing_in() {
            return match self.login.poll_work(&mut self.store, now) {
                LoginResult::Stay(changed) => changed,
                LoginResult::SignedIn(session) => {
                    self.start_session(session, now);
                    true
                }
            };
        }
        if let Some(lock) = self.lock.as_mut().filter(|lock| lock.working()) {
            let result = lock.poll_work(&mut self.store, now);
            return self.after_lock(result, now);
        }
        let working = self.lock.is_none() && self.stack.last().is_some_and(|top| top.working());
        let settling = self.settle_deadline().is_some_and(|due| now >= due);
        match &self.session {
            Some(session) if working || settling => {
                let session = session.clone();
                let mut ctx = Ctx {
                    store: &mut self.store,
                    drafts: &self.drafts,
                    forms: &self.forms,
                    session: &session,
                    now,
                    message: None,
                };
                let Some(top) = self.stack.last_mut() else {
                    return false;
                };
                let mut redraw = false;
                if settling {
                    redraw |= top.settle(&mut ctx);
                }
                if working {
                    redraw |= top.poll_work(&mut ctx);
                }
                if let Some(m) = ctx.message {
                    self.message = Some(m);
                    return true;
                }
                redraw
            }
            _ => false,
        }
    }

    /// Locks the screen if the idle time has run out. Returns true if the screen must be redrawn.
    fn lock_if_idle(&mut self, now: DateTime<Utc>) -> bool {
        match (self.idle_deadline(), &self.session) {
            (Some(due), Some(session)) if now >= due => {
                let name = session.name.clone();
                let actor = Actor::staff(name.clone(), session.role, now);
                if let Err(e) = self.store.record_session_event(&actor, Deed::IdleLock) {
                    tracing::warn!(error = %e, "could not audit the idle lock");
                }
                self.lock = Some(LockScreen::new(&name));
                true
            }
            _ => false,
        }
    }

    /// What the idle lock decided, from a key or from its password check's answer. Returns true if the screen
    /// must be redrawn.
    fn after_lock(&mut self, result: LockResult, now: DateTime<Utc>) -> bool {
        match result {
            LockResult::Stay(changed) => return changed,
            LockResult::Unlocked => {
                self.lock = None;
                self.message = Some(Message::Info("Welcome back.".into()));
            }
            LockResult::SwitchUser => self.end_session(now, Deed::LogoutFromLock),
            LockResult::Ended(why) => {
                self.end_session(now, Deed::LogoutFromLock);
                self.message = Some(Message::Error(why));
            }
        }
        true
    }

    /// Handles one terminal event; returns true when the screen must be redrawn.
    pub fn handle_event(&mut self, event: Event, now: DateTime<Utc>) -> bool {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.handle_key(key, now),
            Event::Paste(text) => self.handle_paste(&text, now),
            Event::Resize(_, _) => true,
            Event::FocusGained => true,
            _ => false,
        }
    }

    /// A paste (bracketed by the terminal) goes into the focused text field as typing would: line breaks and tabs
    /// as spaces, other control characters removed. Past the field's length limit it is cut, and the message line
    /// says so. Where no text field has the focus it does nothing: pasted letters must not run commands.
    pub fn handle_paste(&mut self, pasted: &str, now: DateTime<Utc>) -> bool {
        let redraw = self.paste_inner(pasted, now);
        self.remember_message(now);
        redraw
    }

    fn paste_inner(&mut self, pasted: &str, now: DateTime<Utc>) -> bool {
        if self.lock_if_idle(now) {
            return true;
        }
        if self.scope() != Scope::Text {
            self.last_input = now;
            self.message = Some(Message::Info(
                "Nothing here takes text: a paste goes into a text field.".into(),
            ));
            return true;
        }
        let chars: Vec<char> = paste_text(pasted).chars().collect();
        input::take_refused();
        let mut redraw = false;
        for (i, &c) in chars.iter().enumerate() {
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            redraw |= self.handle_key(KeyEvent::new(KeyCode::Char(c), mods), now);
            // Once the field is full the rest would be refused one by one (each a search, on a search box).
            if input::take_refused() > 0 {
                let cut = chars.len() - i;
                self.message = Some(Message::Error(format!(
                    "Pasted text cut at the field's limit: {cut} characters left out."
                )));
                return true;
            }
        }
        // What was left out is typed last, so the field refuses it as it refuses a key and the message line names
        // the field (the rest of the paste is in; line breaks and tabs became spaces and are not refusals).
        if let Some(c) = paste_refused(pasted) {
            redraw |= self.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), now);
        }
        redraw
    }

    pub fn handle_key(&mut self, key: KeyEvent, now: DateTime<Utc>) -> bool {
        let redraw = self.key_inner(key, now);
        self.remember_message(now);
        redraw
    }

    /// Keeps the message now shown for F9, unless it is the one kept last (a key pressed again).
    fn remember_message(&mut self, now: DateTime<Utc>) {
        let Some(message) = &self.message else {
            return;
        };
        if self.history.back().is_some_and(|(_, last)| last == message) {
            return;
        }
        if self.history.len() == MESSAGES_KEPT {
            self.history.pop_front();
        }
        self.history.push_back((now, message.clone()));
    }

    fn key_inner(&mut self, key: KeyEvent, now: DateTime<Utc>) -> bool {
        // A key pressed after the deadline but before the timer fired must not reach the screen behind.
        if self.lock_if_idle(now) {
            return true;
        }
        self.last_input = now;
        let scope = self.scope();
        let Some(action) = keymap::action_for(key, scope) else {
            return false;
        };
        if action == Action::Quit {
            if let Some(lock) = &mut self.lock {
                lock.finish_before_quit(&mut self.store, now);
            } else if self.session.is_none() {
                self.login.finish_before_quit(&mut self.store, now);
            }
            self.quit = true;
            return false;
        }
        if action == Action::Redraw {
            self.full_redraw = true;
            return true;
        }
        if let Some(lock) = &mut self.lock {
            let result = lock.handle(action, &mut self.store, now);
            return self.after_lock(result, now);
        }
        let Some(session) = self.session.clone() else {
            return match self.login.handle(action, &self.store) {
                LoginResult::Stay(changed) => changed,
                LoginResult::SignedIn(session) => {
                    self.start_session(session, now);
                    true
                }
            };
        };
        if action == Action::Logout {
            self.end_session(now, Deed::Logout);
            return true;
        }
        // Help opens over any screen, popups included, but not over itself (F1 there closes it).
        if action == Action::Help && !self.stack.last().is_some_and(|s| s.is_help()) {
            let help = HelpScreen::for_screen(self.stack.last().map(|s| s.as_ref()), session.role);
            self.stack.push(Box::new(help));
            return true;
        }
        if action == Action::Messages && !self.stack.last().is_some_and(|s| s.is_popup()) {
            let kept = self.history.iter().rev().cloned().collect();
            self.stack.push(Box::new(MessagesScreen::new(kept)));
            // The list shows it whole; the status line need not repeat it.
            self.message = None;
            return true;
        }
        let Some(top) = self.stack.last_mut() else {
            return false;
        };
        let mut ctx = Ctx {
            store: &mut self.store,
            drafts: &self.drafts,
            forms: &self.forms,
            session: &session,
            now,
            message: None,
        };
        input::take_refused_char();
        let mut outcome = top.handle(action, &mut ctx);
        // `/` finds a prisoner from any screen that has no other use for it (the help lists it everywhere).
        if matches!(outcome, Outcome::Ignored) && action == Action::Search && !top.is_popup() {
            outcome = Outcome::Push(Box::new(SearchScreen::new()));
        }
        // A footer key the screen could not act on now says why, rather than seeming dead (issue 18, item 6).
        if matches!(outcome, Outcome::Ignored)
            && ctx.message.is_none()
            && let Some(key) = unanswered(action)
            && offered_footer(top.as_ref(), session.role).contains(&action)
        {
            ctx.info(crate::i18n::t(key));
            outcome = Outcome::Handled;
        }
        // A form names the field itself; a bare input (a search box) leaves it to this general message.
        let message = ctx.message.take().or_else(|| {
            input::take_refused_char().map(|c| {
                Message::Error(t_args(
                    "input-refused",
                    &[("code", text::code_point(c).into())],
                ))
            })
        });
        let had_message = self.message.is_some();
        if !matches!(outcome, Outcome::Ignored) {
            // A message belongs to the moment it was given; the next thing that happens clears it.
            self.message = None;
        }
        if message.is_some() {
            self.message = message;
        }
        let redraw = self.apply(outcome, &session, now);
        redraw || self.message.is_some() || had_message
    }

    fn apply(&mut self, outcome: Outcome, session: &Session, now: DateTime<Utc>) -> bool {
        match outcome {
            Outcome::Ignored => false,
            Outcome::Handled => true,
            Outcome::Push(mut screen) => {
                screen.set_slow_link(self.slow_link);
                self.stack.push(screen);
                true
            }
            Outcome::Replace(mut screen) => {
                screen.set_slow_link(self.slow_link);
                self.stack.pop();
                self.stack.push(screen);
                true
            }
            Outcome::Pop => self.pop(None, session, now),
            Outcome::PopWith(reply) => self.pop(Some(reply), session, now),
            Outcome::Logout => {
                self.end_session(now, Deed::Logout);
                true
            }
            Outcome::Quit => {
                self.quit = true;
                false
            }
        }
    }

    /// Closes the top screen; the one beneath gets `reply`, if any, and then resumes.
    fn pop(&mut self, reply: Option<Reply>, session: &Session, now: DateTime<Utc>) -> bool {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
        if self.stack.len() == 1 {
            // Back on Home: what was kept to make the last screens quick is let go.
            self.store.release_kept_memory();
        }
        let mut ctx = Ctx {
            store: &mut self.store,
            drafts: &self.drafts,
            forms: &self.forms,
            session,
            now,
            message: None,
        };
        if let Some(top) = self.stack.last_mut() {
            if let Some(reply) = reply {
                top.reply(reply, &mut ctx);
            }
            top.resume(&mut ctx);
        }
        if let Some(m) = ctx.message
            && self.message.is_none()
        {
            self.message = Some(m);
        }
        true
    }

    fn scope(&self) -> Scope {
        if self.lock.is_some() || self.session.is_none() {
            Scope::Text
        } else {
            self.stack
                .last()
                .map(|s| s.scope())
                .unwrap_or(Scope::Browse)
        }
    }

    fn start_session(&mut self, session: Session, now: DateTime<Utc>) {
        // Forms are read after the first password check, not at start: the check's hash memory (7 MiB) is then
        // not on top of the parsed forms, which lowers the session's peak memory.
        if !self.forms_loaded {
            self.forms = load_forms(&mut self.store, now);
            self.forms_loaded = true;
        }
        // Need-to-know: from here every read on this connection shows what this role may see.
        self.store
            .set_viewer(Some(crate::domain::auth::Authority::Staff(session.role)));
        let mut ctx = Ctx {
            store: &mut self.store,
            drafts: &self.drafts,
            forms: &self.forms,
            session: &session,
            now,
            message: None,
        };
        let mut home = HomeScreen::new(&mut ctx);
        self.message = ctx.message;
        if self.read_only && self.message.is_none() {
            self.message = Some(Message::Info(crate::i18n::t("tui-read-only-welcome")));
        }
        home.set_slow_link(self.slow_link);
        home.set_sites(self.sites.clone());
        self.stack = vec![Box::new(home)];
        self.session = Some(session);
        self.login = LoginScreen::new();
        self.last_input = now;
    }

    fn end_session(&mut self, now: DateTime<Utc>, action: Deed) {
        self.store.release_kept_memory();
        self.store.set_viewer(None);
        if let Some(s) = self.session.take() {
            let actor = Actor::staff(s.name.clone(), s.role, now);
            if let Err(e) = self.store.record_session_event(&actor, action) {
                tracing::warn!(error = %e, "could not audit the sign-out");
            }
        }
        self.stack.clear();
        self.lock = None;
        self.login = LoginScreen::new();
        self.message = Some(Message::Info("Signed out.".into()));
    }

    /// Draws the whole frame. Reads state only: nothing here touches the database.
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "warden needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}. Enlarge it or press ^Q to quit.",
                area.width, area.height
            );
            frame.render_widget(
                Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
                area,
            );
            return;
        }
        let theme = &self.theme;
        // A message too long for one line takes a second, from the body; longer still, F9 shows it whole.
        let message_lines = self.message_lines(area.width as usize);
        let message_height = message_lines.len().clamp(1, 2) as u16;
        let body = Rect::new(
            area.x,
            area.y + 1,
            area.width,
            area.height - 2 - message_height,
        );
        let message_row = Rect::new(
            area.x,
            area.bottom() - 1 - message_height,
            area.width,
            message_height,
        );
        let footer_row = Rect::new(area.x, area.bottom() - 1, area.width, 1);

        let (title, footer, scope) = if let Some(lock) = &self.lock {
            lock.render(frame, body, theme);
            ("Screen locked".to_string(), lock.footer(), Scope::Text)
        } else if self.session.is_none() {
            self.login.render(
                frame,
                body,
                theme,
                self.store.path(),
                self.demo_hint.as_deref(),
            );
            ("Sign in".to_string(), self.login.footer(), Scope::Text)
        } else {
            // Draw from the topmost full screen upwards so popups sit over what they came from.
            let base = self.stack.iter().rposition(|s| !s.is_popup()).unwrap_or(0);
            for screen in &self.stack[base..] {
                if screen.is_popup() {
                    frame.render_widget(Clear, body);
                }
                screen.render(frame, body, theme);
            }
            match (self.stack.last(), &self.session) {
                (Some(top), Some(session)) => (
                    top.title(),
                    offered_footer(top.as_ref(), session.role),
                    top.scope(),
                ),
                (Some(top), None) => (top.title(), top.footer(), top.scope()),
                (None, _) => (String::new(), Vec::new(), Scope::Browse),
            }
        };
        self.render_title(frame, Rect::new(area.x, area.y, area.width, 1), &title);
        self.render_message(frame, message_row, message_lines);
        let mut actions = footer;
        if self.session.is_some() && self.lock.is_none() {
            let messages = (!self.history.is_empty()).then_some(Action::Messages);
            for a in [Some(Action::Help), messages, Some(Action::Logout)]
                .into_iter()
                .flatten()
            {
                if !actions.contains(&a) {
                    actions.push(a);
                }
            }
        }
        let top = self.stack.last().map(|s| s.as_ref());
        let word = |a: Action| -> &'static str {
            match (a, self.session.is_some(), self.lock.is_some()) {
                (Action::Select, false, _) => "sign in",
                (Action::Select, _, true) => "unlock",
                (Action::Logout, _, true) => "sign in as someone else",
                (a, true, false) => top.map(|s| s.footer_word(a)).unwrap_or(a.describe()),
                (a, _, _) => a.describe(),
            }
        };
        let pairs = keymap::footer(&actions, scope, area.width as usize, &word);
        let mut spans = Vec::new();
        for (label, word) in pairs {
            spans.push(Span::styled(label, theme.key()));
            spans.push(Span::raw(format!(" {word}  ")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), footer_row);
    }

    fn render_title(&self, frame: &mut Frame, area: Rect, title: &str) {
        let left = format!(" warden | {}", text::display(title));
        let mut right = match &self.session {
            Some(s) => format!("{} ({}) ", s.name, s.role),
            None => String::new(),
        };
        // Said on every screen, so nobody types into a form expecting it to be kept.
        if self.read_only {
            right = format!("[{}] {right}", crate::i18n::t("tui-read-only-mark"));
        }
        let width = area.width as usize;
        let left = text::fit(&left, width.saturating_sub(text::width(&right) + 1));
        let pad = width.saturating_sub(text::width(&left) + text::width(&right));
        let line = format!("{left}{}{right}", " ".repeat(pad));
        frame.render_widget(Paragraph::new(line).style(self.theme.bar()), area);
    }

    /// The message as it is drawn: one line, or two when it needs them (the second cut with a mark past that).
    fn message_lines(&self, width: usize) -> Vec<String> {
        let Some(message) = &self.message else {
            return Vec::new();
        };
        let text = match message {
            Message::Info(t) | Message::Error(t) => t,
        };
        let room = width.saturating_sub(1).max(1);
        let shown = text::display(text);
        let mut lines = text::wrap(&shown, room);
        if lines.len() > 2 {
            let rest = lines[1..].join(" ");
            lines.truncate(1);
            lines.push(text::fit(&rest, room));
        }
        lines
    }

    fn render_message(&self, frame: &mut Frame, area: Rect, lines: Vec<String>) {
        let Some(message) = &self.message else {
            return;
        };
        let style = match message {
            Message::Info(_) => self.theme.base(),
            Message::Error(_) => self.theme.error(),
        };
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|l| Line::from(format!(" {l}")))
            .collect();
        frame.render_widget(Paragraph::new(lines).style(style), area);
    }
}
