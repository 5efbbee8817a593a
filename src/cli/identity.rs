//! Who runs a command: the operating-system account the kernel says is calling (the real uid, never `$USER`
//! or `$LOGNAME`), and the warden user linked to it, whose role the store then checks like a role on screen.
//!
//! What this buys, honestly: every command-line action is attributable and role-checked. It cannot stop
//! someone who can write the database file from changing it with another program; file modes, no-shell
//! accounts, the audit chain and its external head are for that (docs/SECURITY.md).

use crate::domain::auth::Role;
use crate::store::{Actor, Store};
use std::fmt;

/// The operating-system account running this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsAccount {
    pub uid: u32,
    /// The account's name from the system's user database; `uid N` when it has none.
    pub name: String,
}

impl OsAccount {
    /// The real uid's account (the kernel's word, whatever the environment says).
    pub fn invoking() -> OsAccount {
        #[cfg(unix)]
        {
            let uid = rustix::process::getuid().as_raw();
            let name = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                .ok()
                .flatten()
                .map(|u| u.name)
                .unwrap_or_else(|| format!("uid {uid}"));
            OsAccount { uid, name }
        }
        #[cfg(not(unix))]
        {
            OsAccount {
                uid: u32::MAX,
                name: "unknown".into(),
            }
        }
    }

    /// Root owns the file anyway: it acts as the station administrator, and is audited as such.
    pub fn is_root(&self) -> bool {
        self.uid == 0
    }
}

/// True when the system knows an account by this name.
pub fn account_exists(name: &str) -> bool {
    #[cfg(unix)]
    {
        nix::unistd::User::from_name(name).ok().flatten().is_some()
    }
    #[cfg(not(unix))]
    {
        let _ = name;
        false
    }
}

/// A command refused because of who runs it: printed as one line, exit status 2, nothing written.
#[derive(Debug)]
pub enum IdentityError {
    Unlinked { account: String },
    Locked { account: String, user: String },
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityError::Unlinked { account } => write!(
                f,
                "this account (os: {account}) is not linked to a warden user; an administrator links it \
                 with: warden user link USER --os-account {account}"
            ),
            IdentityError::Locked { account, user } => write!(
                f,
                "this account (os: {account}) is linked to warden user '{user}', whose account is locked; \
                 an administrator unlocks it with: warden user unlock {user}"
            ),
        }
    }
}

impl std::error::Error for IdentityError {}

/// The name root acts under in the audit trail.
pub const STATION_ADMINISTRATOR: &str = "station-admin";

/// The actor of a command run from `account` on the database `store`: root as the station administrator,
/// any other account as the warden user linked to it, or refused.
pub fn actor_for(store: &Store, account: &OsAccount) -> anyhow::Result<Actor> {
    if account.is_root() {
        return Ok(
            Actor::staff_now(STATION_ADMINISTRATOR, Role::Admin).with_os_account(&account.name)
        );
    }
    let Some(user) = store.user_for_os_account(&account.name)? else {
        return Err(IdentityError::Unlinked {
            account: account.name.clone(),
        }
        .into());
    };
    if user.disabled {
        return Err(IdentityError::Locked {
            account: account.name.clone(),
            user: user.name,
        }
        .into());
    }
    Ok(Actor::staff_now(user.name, user.role).with_os_account(&account.name))
}

/// The actor of a command run now, by whoever the kernel says is calling.
pub fn cli_actor(store: &Store) -> anyhow::Result<Actor> {
    actor_for(store, &OsAccount::invoking())
}
