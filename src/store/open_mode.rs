//! How a database file can be opened by this account: for writing, for reading through SQLite's locking, or as
//! an immutable copy on media nobody can write.

use std::path::{Path, PathBuf};

/// The way a database file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// This account may write the file and make its companions (`-wal`, `-shm`).
    ReadWrite,
    /// A live database this account may only read: read-only, but through SQLite's normal locking, because
    /// others may be writing it (immutable would let this connection read pages half way through their saves).
    ReadOnly,
    /// A copy on a file system mounted read-only (a write-protected stick, a DVD): nobody can write it, and
    /// SQLite cannot make the `-shm` a WAL database needs there, so it is opened with `immutable=1`.
    Immutable,
}

/// The way to open a file, from what the file system and the account allow. A read-only file system wins even
/// when the file's mode would allow writing (root, or a mode that was never changed).
pub fn decide(read_only_fs: bool, can_write_file: bool) -> OpenMode {
    match (read_only_fs, can_write_file) {
        (true, _) => OpenMode::Immutable,
        (false, true) => OpenMode::ReadWrite,
        (false, false) => OpenMode::ReadOnly,
    }
}

/// The way to open `path`, found with statvfs(2) and access(2): both take a path, never a descriptor, so
/// neither can release a lock a connection of this process holds (held.rs).
pub fn mode_for(path: &Path) -> OpenMode {
    decide(is_read_only_fs(path), can_write(path))
}

#[cfg(unix)]
fn is_read_only_fs(path: &Path) -> bool {
    rustix::fs::statvfs(path)
        .is_ok_and(|v| v.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY))
}

#[cfg(not(unix))]
fn is_read_only_fs(_path: &Path) -> bool {
    false
}

/// True when this account (its real uid, like the command line's identity) may write the file and make or
/// write its companions: the directory is writable, or the `-wal` and `-shm` already exist and are writable.
#[cfg(unix)]
fn can_write(path: &Path) -> bool {
    use rustix::fs::{Access, access};
    let writable = |p: &Path| access(p, Access::WRITE_OK).is_ok();
    if !writable(path) {
        return false;
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    writable(&dir)
        || ["-wal", "-shm"]
            .iter()
            .all(|s| writable(&companion(path, s)))
}

#[cfg(not(unix))]
fn can_write(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
}

fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// SQLite's URI for `path` opened immutable (open it with `SQLITE_OPEN_URI`): `file://` and the absolute path
/// with every byte but letters, digits, `-._~` and `/` percent-encoded, so a `?`, `#` or `%` in a directory's
/// name cannot end the path or be read as an escape.
pub fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file://");
    for &b in path_bytes(&absolute).iter() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().replace('\\', "/").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_file_system_is_opened_immutable_whatever_the_file_allows() {
        assert_eq!(decide(true, true), OpenMode::Immutable);
        assert_eq!(decide(true, false), OpenMode::Immutable);
    }

    #[test]
    fn a_live_file_this_account_cannot_write_is_read_through_locking_never_immutable() {
        assert_eq!(decide(false, false), OpenMode::ReadOnly);
        assert_eq!(decide(false, true), OpenMode::ReadWrite);
    }

    #[test]
    fn the_uri_escapes_what_sqlite_would_read_as_syntax() {
        assert_eq!(
            immutable_uri(Path::new("/media/usb/a b?c#d%e.db")),
            "file:///media/usb/a%20b%3Fc%23d%25e.db?immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new("/srv/warden/warden.db")),
            "file:///srv/warden/warden.db?immutable=1"
        );
        assert!(immutable_uri(Path::new("rel.db")).starts_with("file:///"));
    }

    #[test]
    fn a_writable_file_in_a_writable_directory_is_opened_for_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        std::fs::write(&path, b"x").unwrap();
        assert_eq!(mode_for(&path), OpenMode::ReadWrite);
    }
}
