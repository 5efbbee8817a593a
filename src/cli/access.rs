//! `warden file-access owner|group`: who may open the database files, and the log's mode to match.

use super::open;
use crate::store::FileAccess;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Access {
    /// Only the account that owns the files (0600): one service account, or a single-user station
    Owner,
    /// The owner and the files' group (0660): one SSH account per person, all in one group
    Group,
}

pub fn run(db: &Path, access: Access) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    let access = match access {
        Access::Owner => FileAccess::Owner,
        Access::Group => FileAccess::Group,
    };
    store.set_file_access(&actor, access)?;
    drop(store);
    let log = super::log_path(db);
    set_log_mode(&log, access.mode());
    for path in [db.to_path_buf(), log] {
        println!("{:o} {}", mode_of(&path), path.display());
    }
    if matches!(access, FileAccess::Group) {
        println!(
            "Each person's account must be in the files' group, and the directory setgid to that group \
             (see docs/OPERATIONS.md)."
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The log names staff and records, so it gets the database's mode (group-writable only if the database is).
pub(super) fn log_mode_for(db: &Path) -> u32 {
    if mode_of(db) & 0o060 == 0o060 {
        0o660
    } else {
        0o600
    }
}

/// Best effort: a log someone else created cannot be changed by us, and need not be.
pub(super) fn set_log_mode(log: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if mode_of(log) != mode {
            let _ = std::fs::set_permissions(log, std::fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = (log, mode);
}

fn mode_of(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0
    }
}
