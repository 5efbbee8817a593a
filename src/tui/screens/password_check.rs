//! A password checked on a worker, for the sign-in and the idle lock alike: Argon2id is slow by design, and fifty
//! stations on one box checking at once would otherwise each show a frozen screen for seconds.

use crate::store::{LoginCheck, LoginOutcome, Result, Store};
use crate::tui::worker::{Job, Polled};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

#[derive(Default)]
pub struct PasswordCheck {
    checking: Option<Checking>,
    /// Tries typed ahead while one was checked (name, password), each sent in turn as the one before is
    /// refused: the keys mean what they meant when the check took no time.
    typed_ahead: VecDeque<(String, String)>,
}

struct Checking {
    job: Job<(LoginCheck, bool)>,
    /// The seconds shown last, so the line is redrawn once a second and not at every wake.
    shown: u64,
}

/// What [`PasswordCheck::poll`] found.
pub enum Checked {
    /// No answer yet, or nothing is being checked; true if the progress line moved on.
    Running(bool),
    /// A try was answered and recorded (the lockout counted, the audit written).
    Answered(Result<LoginOutcome>),
    /// The worker ended without an answer; the tries typed ahead are dropped with it.
    Lost,
}

impl PasswordCheck {
    /// True while a password is being checked.
    pub fn working(&self) -> bool {
        self.checking.is_some()
    }

    /// Sends a try to be checked, or queues it behind the one under way. An error means the account could not be
    /// read, and nothing was started.
    pub fn submit(&mut self, name: String, password: String, store: &Store) -> Result<()> {
        if self.checking.is_some() {
            self.typed_ahead.push_back((name, password));
            return Ok(());
        }
        self.start(name, password, store)
    }

    fn start(&mut self, name: String, password: String, store: &Store) -> Result<()> {
        let check = store.login_check(&name)?;
        let typed = password.clone();
        let job = match Job::start("sign-in", move || {
            let matched = check.password_matches(&typed);
            (check, matched)
        }) {
            Ok(job) => job,
            // No thread to be had: checked here instead, the screen still for that moment.
            Err(_) => {
                let check = store.login_check(&name)?;
                let matched = check.password_matches(&password);
                Job::ready((check, matched))
            }
        };
        self.checking = Some(Checking { job, shown: 0 });
        Ok(())
    }

    /// Picks up the answer when it has come and records it. The tries typed ahead stay queued: the screen decides
    /// with [`PasswordCheck::send_next`] or [`PasswordCheck::forget_typed_ahead`] whether they still mean anything.
    pub fn poll(&mut self, store: &mut Store, now: DateTime<Utc>) -> Checked {
        let Some(checking) = &mut self.checking else {
            return Checked::Running(false);
        };
        match checking.job.poll() {
            Polled::Running => {
                let seconds = checking.job.seconds();
                let changed = seconds != checking.shown;
                checking.shown = seconds;
                Checked::Running(changed)
            }
            Polled::Done((check, matched)) => {
                self.checking = None;
                Checked::Answered(store.login_finish(check, matched, now))
            }
            Polled::Lost => {
                self.checking = None;
                self.typed_ahead.clear();
                Checked::Lost
            }
        }
    }

    /// After a refusal, the next try typed ahead (if any) goes to be checked.
    pub fn send_next(&mut self, store: &Store) -> Result<()> {
        match self.typed_ahead.pop_front() {
            Some((name, password)) => self.start(name, password, store).inspect_err(|_| {
                self.typed_ahead.clear();
            }),
            None => Ok(()),
        }
    }

    pub fn forget_typed_ahead(&mut self) {
        self.typed_ahead.clear();
    }

    /// On the way out: the try being checked and any typed ahead are answered and recorded, as they would have
    /// been had the check taken no time (a try at a locked account is audited even when ^Q follows it at once).
    pub fn finish_before_quit(&mut self, store: &mut Store, now: DateTime<Utc>) {
        if let Some(checking) = self.checking.take()
            && let Polled::Done((check, matched)) =
                checking.job.wait(std::time::Duration::from_secs(30))
            && let Ok(LoginOutcome::Success(_)) = store.login_finish(check, matched, now)
        {
            self.typed_ahead.clear();
        }
        while let Some((name, password)) = self.typed_ahead.pop_front() {
            if let Ok(LoginOutcome::Success(_)) = store.login(&name, &password, now) {
                break;
            }
        }
        self.typed_ahead.clear();
    }

    /// The line that says a check is under way, and for how long.
    pub fn progress(&self) -> Option<String> {
        let checking = self.checking.as_ref()?;
        Some(crate::i18n::t_args(
            "login-checking",
            &[("seconds", checking.job.seconds().into())],
        ))
    }
}
