//! Who may open the database files: the owner alone (the default) or the owner's group as well, for a
//! station where each member of staff has their own SSH account and all of them share one file.

use super::{Actor, Result, Store};
use crate::domain::settings::Setting;
use std::path::{Path, PathBuf};

/// The setting that holds the choice, so every account and every cron job that opens the file applies the
/// same modes; a per-process flag forgotten once would silently lock everyone else out.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAccess {
    /// 0600: only the account that owns the file (one service account, or one person's station).
    Owner,
    /// 0660: the owner and the file's group (one account per person, all in one group).
    Group,
}

impl FileAccess {
    pub fn mode(self) -> u32 {
        match self {
            FileAccess::Owner => 0o600,
            FileAccess::Group => 0o660,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileAccess::Owner => "owner",
            FileAccess::Group => "group",
        }
    }
}

impl Store {
    /// Anything but an explicit "group" means owner-only: the register is confidential (Mandela Rule 9).
    pub fn file_access(&self) -> Result<FileAccess> {
        Ok(match self.setting(&Setting::FileAccess)?.as_deref() {
            Some("group") => FileAccess::Group,
            _ => FileAccess::Owner,
        })
    }

    /// Records the choice (audited) and applies it to the files at once.
    pub fn set_file_access(&mut self, actor: &Actor, access: FileAccess) -> Result<()> {
        self.set_setting(actor, &Setting::FileAccess, access.as_str())?;
        restrict_permissions(&self.path, access.mode());
        Ok(())
    }
}

/// Gives the database, its WAL and its shared-memory file exactly `mode`. SQLite creates the WAL and
/// shared-memory files with the database's own mode, so they follow. Only files whose mode differs are
/// touched: in a group set-up the file belongs to whoever created it, and nobody else may chmod it.
pub(super) fn restrict_permissions(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            let Ok(meta) = std::fs::metadata(&p) else {
                continue;
            };
            if meta.permissions().mode() & 0o777 == mode {
                continue;
            }
            if let Err(e) = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)) {
                tracing::warn!(path = %p.display(), error = %e, "could not set permissions");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}
