//! Staff accounts: argon2id password hashes, lockout after failed logins, administrator locks.

use super::CachedSql as _;
use super::{Actor, FieldError, Result, Store, StoreError, parse_time, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{self, AccountState, LoginGate, Need, Permission, Role};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    Success(StaffRow),
    /// Wrong name or password; the message never says which.
    Refused {
        attempts_left: Option<u32>,
    },
    LockedUntil(DateTime<Utc>),
    Disabled,
}

/// argon2id with the lowest memory on OWASP's list of equivalent settings, 7 MiB and 5 passes (the list runs
/// 46 MiB x 1, 19 x 2, 12 x 3, 9 x 4, 7 x 5, all rated equally strong): the hash's memory is most of a session's
/// peak, and issue 9 gives a session 16 MB. Hashes made with other parameters (the library's 19 MiB default, the
/// 9 MiB x 4 used before) still verify, since each hash carries its own; they are not rewritten.
const ARGON2_MEMORY_KIB: u32 = 7 * 1024;
const ARGON2_PASSES: u32 = 5;

fn argon2() -> Argon2<'static> {
    match argon2::Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, None) {
        Ok(params) => Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params),
        // The numbers above are within argon2's limits; the library default is the safe fallback regardless.
        Err(_) => Argon2::default(),
    }
}

/// A sign-in between reading the account and recording the outcome: the stored hash to check a password against.
pub struct LoginCheck {
    name: String,
    found: Option<(StaffRow, String)>,
}

impl LoginCheck {
    /// Argon2id against the stored hash, or against a stand-in for a name that is no account so both take the
    /// same time. Slow by design (about a tenth of a second of one core) and needs no database.
    pub fn password_matches(&self, password: &str) -> bool {
        match &self.found {
            Some((_, stored)) => password_matches(password, stored),
            None => {
                let _ = password_matches(password, dummy_hash());
                false
            }
        }
    }
}

/// A new password that met the policy, hashed and ready to store. Hashing takes about a tenth of a second of
/// one core by design, so a caller with other work may make these on another thread.
pub struct HashedPassword(String);

impl HashedPassword {
    pub fn new(password: &str) -> Result<HashedPassword> {
        auth::check_new_password(password).map_err(StoreError::invalid)?;
        hash_password(password).map(HashedPassword)
    }
}

fn hash_password(password: &str) -> Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            StoreError::invalid(FieldError::new(
                "password",
                format!("could not be hashed ({e})"),
            ))
        })
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

fn read_staff(r: &rusqlite::Row) -> rusqlite::Result<StaffRow> {
    let role: String = r.get(2)?;
    let locked: Option<String> = r.get(4)?;
    Ok(StaffRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: role.parse().unwrap_or(Role::Officer),
        failed_logins: r.get::<_, i64>(3)? as u32,
        locked_until: locked.as_deref().and_then(parse_time),
        disabled: r.get::<_, i64>(5)? != 0,
        created_at: r.get(6)?,
    })
}

const STAFF_COLUMNS: &str = "id, name, role, failed_logins, locked_until, disabled, created_at";

impl Store {
    pub fn add_user(
        &mut self,
        actor: &Actor,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<StaffRow> {
        self.authorise(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {name}"),
        )?;
        auth::check_user_name(name).map_err(StoreError::invalid)?;
        self.add_user_hashed(actor, name, role, &HashedPassword::new(password)?)
    }

    /// [`Store::add_user`] with the password hashed already, perhaps on another thread while other work ran.
    pub fn add_user_hashed(
        &mut self,
        actor: &Actor,
        name: &str,
        role: Role,
        password: &HashedPassword,
    ) -> Result<StaffRow> {
        // Authority first: a refusal must not depend on (or reveal) whether the name is taken.
        self.authorise(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {name}"),
        )?;
        auth::check_user_name(name).map_err(StoreError::invalid)?;
        if self.user(name)?.is_some() {
            return Err(StoreError::invalid(auth::refused_name(
                name,
                "already taken",
            )));
        }
        let hash = &password.0;
        self.write(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {name}"),
            |tx| {
                tx.execute_cached(
                "INSERT INTO staff(name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![name, role.as_str(), hash, time_text(actor.at)],
            )?;
                let id = tx.last_insert_rowid();
                let row = tx.query_row_cached(
                    &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"),
                    [id],
                    read_staff,
                )?;
                tx.audit::<(), _>(Entity::Staff, name, Deed::Create, None, Some(&row))?;
                Ok(row)
            },
        )
    }

    /// Ties an operating-system account to a warden user, so that commands run from that account act as the
    /// user, with the user's role. One account, one user; one user, one account.
    pub fn link_os_account(&mut self, actor: &Actor, user: &str, account: &str) -> Result<()> {
        self.authorise(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {user}"),
        )?;
        let staff = self
            .user(user)?
            .ok_or_else(|| StoreError::invalid(format!("user '{user}': no such user")))?;
        if let Some(linked) = self.user_for_os_account(account)? {
            return Err(StoreError::invalid(format!(
                "os account '{account}': already linked to warden user '{}'",
                linked.name
            )));
        }
        if let Some((other, _)) = self.os_links()?.into_iter().find(|(_, u)| u == user) {
            return Err(StoreError::invalid(format!(
                "user '{user}': already linked to os account '{other}'"
            )));
        }
        self.write(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {user}"),
            |tx| {
                tx.execute_cached(
                    "INSERT INTO os_account(account, staff_id, linked_at) VALUES (?1, ?2, ?3)",
                    rusqlite::params![account, staff.id, time_text(actor.at)],
                )?;
                tx.audit::<(), _>(
                    Entity::Staff,
                    user,
                    Deed::Link,
                    None,
                    Some(&serde_json::json!({ "os_account": account })),
                )
            },
        )
    }

    /// The warden user an operating-system account is linked to.
    pub fn user_for_os_account(&self, account: &str) -> Result<Option<StaffRow>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!(
                    "SELECT {STAFF_COLUMNS} FROM staff WHERE id = (SELECT staff_id FROM os_account WHERE account = ?1)"
                ),
                [account],
                read_staff,
            )
            .optional()?)
    }

    /// Every link: (os account, warden user), by account.
    pub fn os_links(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT o.account, s.name FROM os_account o JOIN staff s ON s.id = o.staff_id ORDER BY o.account",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn user(&self, name: &str) -> Result<Option<StaffRow>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE name = ?1"),
                [name],
                read_staff,
            )
            .optional()?)
    }

    pub fn users(&self) -> Result<Vec<StaffRow>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY name"))?;
        let rows = stmt.query_map([], read_staff)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Administrator lock (`disabled`) or unlock; unlocking also clears a failed-login lock.
    pub fn set_user_locked(&mut self, actor: &Actor, name: &str, locked: bool) -> Result<StaffRow> {
        self.authorise(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {name}"),
        )?;
        let before = self
            .user(name)?
            .ok_or_else(|| StoreError::invalid(format!("user '{name}': no such user")))?;
        if locked && before.name == actor.name {
            return Err(StoreError::invalid("you cannot lock your own account"));
        }
        self.write(actor, Need::To(Permission::ManageUsers), &format!("user {name}"), |tx| {
            if locked {
                tx.execute_cached("UPDATE staff SET disabled = 1 WHERE name = ?1", [name])?;
            } else {
                tx.execute_cached(
                    "UPDATE staff SET disabled = 0, failed_logins = 0, locked_until = NULL WHERE name = ?1",
                    [name],
                )?;
            }
            let after = tx.query_row_cached(
                &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE name = ?1"),
                [name],
                read_staff,
            )?;
            tx.audit(Entity::Staff, name, if locked { Deed::Lock } else { Deed::Unlock }, Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// An administrator's new password for someone (the users screen); the same as [`Store::reset_password`].
    pub fn set_password(&mut self, actor: &Actor, name: &str, password: &str) -> Result<()> {
        self.reset_password(actor, name, password).map(|_| ())
    }

    /// Sets a new password and clears a failed-login lock, in one audited write: someone locked out by
    /// wrong guesses can sign in at once with the new password. An administrator's lock (`disabled`) stays:
    /// that was a decision, not a count, and only `unlock` lifts it. The audit row holds the account
    /// before and after, never the password or its hash.
    pub fn reset_password(
        &mut self,
        actor: &Actor,
        name: &str,
        password: &str,
    ) -> Result<StaffRow> {
        self.authorise(
            actor,
            Need::To(Permission::ManageUsers),
            &format!("user {name}"),
        )?;
        auth::check_new_password(password).map_err(StoreError::invalid)?;
        let before = self
            .user(name)?
            .ok_or_else(|| StoreError::invalid(format!("user '{name}': no such user")))?;
        let hash = hash_password(password)?;
        self.write(actor, Need::To(Permission::ManageUsers), &format!("user {name}"), |tx| {
            tx.execute_cached(
                "UPDATE staff SET password_hash = ?2, failed_logins = 0, locked_until = NULL WHERE name = ?1",
                [name, &hash],
            )?;
            let after = tx.query_row_cached(
                &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE name = ?1"),
                [name],
                read_staff,
            )?;
            tx.audit(Entity::Staff, name, Deed::PasswordReset, Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// Checks a password and records the outcome: failures count towards the lockout, and are audited.
    pub fn login(&mut self, name: &str, password: &str, at: DateTime<Utc>) -> Result<LoginOutcome> {
        let check = self.login_check(name)?;
        let matched = check.password_matches(password);
        self.login_finish(check, matched, at)
    }

    /// The first part of a sign-in: what the password must be checked against. The check itself
    /// ([`LoginCheck::password_matches`]) is slow by design and touches no database, so a screen runs it on a
    /// worker thread and then hands the answer to [`Store::login_finish`].
    pub fn login_check(&self, name: &str) -> Result<LoginCheck> {
        let found: Option<(StaffRow, String)> = self
            .conn()
            .query_row_cached(
                &format!("SELECT {STAFF_COLUMNS}, password_hash FROM staff WHERE name = ?1"),
                [name],
                |r| Ok((read_staff(r)?, r.get(7)?)),
            )
            .optional()?;
        Ok(LoginCheck {
            name: name.to_string(),
            found,
        })
    }

    /// The last part of a sign-in: the lockout rules given whether the password matched, and the record of it.
    pub fn login_finish(
        &mut self,
        check: LoginCheck,
        matched: bool,
        at: DateTime<Utc>,
    ) -> Result<LoginOutcome> {
        let name = check.name.as_str();
        let actor = Actor::system(format!("login:{name}"), at);
        let Some((row, _)) = check.found else {
            return self.login_unknown(&actor, name, at);
        };
        let state = AccountState {
            failed_logins: row.failed_logins,
            locked_until: row.locked_until,
            disabled: row.disabled,
        };
        match auth::login_gate(&state, at) {
            // Said only to someone who knows the password: to anyone else a locked account answers like any
            // wrong password, so the message does not reveal that the name exists.
            LoginGate::Disabled if matched => {
                if !self.is_read_only() {
                    self.write(
                        &actor,
                        Need::To(Permission::ViewRegister),
                        &format!("user {name}"),
                        |tx| {
                            tx.audit::<(), ()>(
                                Entity::Staff,
                                name,
                                Deed::LoginWhileDisabled,
                                None,
                                None,
                            )
                        },
                    )?;
                }
                return Ok(LoginOutcome::Disabled);
            }
            LoginGate::Disabled => {}
            LoginGate::LockedUntil(until) => {
                if !self.is_read_only() {
                    self.write(
                        &actor,
                        Need::To(Permission::ViewRegister),
                        &format!("user {name}"),
                        |tx| {
                            tx.audit::<(), ()>(
                                Entity::Staff,
                                name,
                                Deed::LoginWhileLocked,
                                None,
                                None,
                            )
                        },
                    )?;
                }
                return Ok(LoginOutcome::LockedUntil(until));
            }
            LoginGate::Open => {}
        }
        if matched {
            // A read-only copy (write-protected media) has nowhere to keep the sign-in; it is still allowed.
            if !self.is_read_only() {
                self.write(
                    &actor,
                    Need::To(Permission::ViewRegister),
                    &format!("user {name}"),
                    |tx| {
                        tx.execute_cached(
                            "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                            [row.id],
                        )?;
                        tx.audit::<(), ()>(Entity::Staff, name, Deed::Login, None, None)
                    },
                )?;
            }
            return Ok(LoginOutcome::Success(StaffRow {
                failed_logins: 0,
                locked_until: None,
                ..row
            }));
        }
        let (failures, lock) = auth::after_failure(&state, at);
        if !self.is_read_only() {
            self.write(
                &actor,
                Need::To(Permission::ViewRegister),
                &format!("user {name}"),
                |tx| {
                    tx.execute_cached(
                        "UPDATE staff SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
                        rusqlite::params![row.id, failures, lock.map(time_text)],
                    )?;
                    let action = if lock.is_some() {
                        Deed::LoginFailedLocked
                    } else {
                        Deed::LoginFailed
                    };
                    tx.audit::<(), _>(
                        Entity::Staff,
                        name,
                        action,
                        None,
                        Some(&serde_json::json!({ "failures": failures })),
                    )
                },
            )?;
        }
        Ok(after_failure_outcome(failures, lock))
    }

    /// A sign-in under a name that is no account (its password was checked against a stand-in, taking the same
    /// time): counted and locked after the same number of tries as a real account, so the answers never tell
    /// which names exist.
    fn login_unknown(
        &mut self,
        actor: &Actor,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<LoginOutcome> {
        let (failed, locked): (u32, Option<String>) = self
            .conn()
            .query_row_cached(
                "SELECT failed_logins, locked_until FROM login_failure WHERE name = ?1",
                [name],
                |r| Ok((r.get::<_, i64>(0)? as u32, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, None));
        let state = AccountState {
            failed_logins: failed,
            locked_until: locked.as_deref().and_then(parse_time),
            disabled: false,
        };
        if let LoginGate::LockedUntil(until) = auth::login_gate(&state, at) {
            if !self.is_read_only() {
                self.write(
                    actor,
                    Need::To(Permission::ViewRegister),
                    &format!("user {name}"),
                    |tx| {
                        tx.audit::<(), ()>(Entity::Staff, name, Deed::LoginWhileLocked, None, None)
                    },
                )?;
            }
            return Ok(LoginOutcome::LockedUntil(until));
        }
        let (failures, lock) = auth::after_failure(&state, at);
        if !self.is_read_only() {
            self.write(
                actor,
                Need::To(Permission::ViewRegister),
                &format!("user {name}"),
                |tx| {
                    tx.execute_cached(
                    "INSERT INTO login_failure(name, failed_logins, locked_until) VALUES (?1, ?2, ?3)
                     ON CONFLICT(name) DO UPDATE SET failed_logins = excluded.failed_logins,
                                                     locked_until = excluded.locked_until",
                    rusqlite::params![name, failures, lock.map(time_text)],
                )?;
                    tx.audit::<(), _>(
                        Entity::Staff,
                        name,
                        Deed::LoginUnknownUser,
                        None,
                        Some(&serde_json::json!({ "failures": failures })),
                    )
                },
            )?;
        }
        Ok(after_failure_outcome(failures, lock))
    }

    /// Records a sign-out or an idle lock in the audit trail.
    pub fn record_session_event(&mut self, actor: &Actor, action: Deed) -> Result<()> {
        let name = actor.name.clone();
        self.write(
            actor,
            Need::To(Permission::ViewRegister),
            &format!("user {name}"),
            |tx| tx.audit::<(), ()>(Entity::Staff, &name, action, None, None),
        )
    }
}

/// What a wrong password answers, for a real name and an unknown one alike: the tries left, or the lock.
fn after_failure_outcome(failures: u32, lock: Option<DateTime<Utc>>) -> LoginOutcome {
    match lock {
        Some(until) => LoginOutcome::LockedUntil(until),
        None => LoginOutcome::Refused {
            attempts_left: Some(auth::MAX_FAILED_LOGINS - failures),
        },
    }
}

/// An argon2id hash of a random string nobody knows, for constant-time refusals of unknown names.
/// A hash of a random password nobody knows, with the current parameters, so refusing an unknown name costs the
/// same as checking a real password and timing does not reveal which names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        hash_password(&secret).unwrap_or_default()
    })
}

#[cfg(test)]
pub(super) fn dummy_hash_for_tests() -> &'static str {
    dummy_hash()
}
