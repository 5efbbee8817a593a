//! Which database files this process has SQLite connections to, so nothing outside SQLite ever opens them.
//!
//! On Linux (and every POSIX system) closing *any* descriptor of a file releases *every* POSIX advisory lock
//! the process holds on that file, SQLite's included. A session that read the database's header with
//! `std::fs` while its own connection was open lost its shared lock; the next program to open and close the
//! file (`sqlite3`, a backup tool, Litestream) then believed it was the last user and deleted `-wal` and
//! `-shm` under the session, whose later saves went nowhere another process could see (issue 15). So the
//! header of a file is read only while no connection of this process has it open, and the check of the
//! header and the opening of the connection happen under one lock, so no other thread can slip between them.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A file's identity that survives other names for it (a relative path, a symbolic link, a hard link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    device: u64,
    inode: u64,
}

fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // metadata() is stat(2): it takes no descriptor, so it cannot release a lock.
        std::fs::metadata(path).ok().map(|m| FileId {
            device: m.dev(),
            inode: m.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Open connections per file.
static HELD: Mutex<Vec<(FileId, usize)>> = Mutex::new(Vec::new());

fn held() -> MutexGuard<'static, Vec<(FileId, usize)>> {
    // A panic elsewhere while holding the lock leaves the counts as they were: still usable.
    HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The registry, locked for the span of one open: the header check and the connection's open happen inside.
pub(crate) struct Opening {
    guard: MutexGuard<'static, Vec<(FileId, usize)>>,
}

/// Starts an open. Until [`Opening::register`] or drop, no other thread can open or check a database file.
pub(crate) fn opening() -> Opening {
    Opening { guard: held() }
}

impl Opening {
    /// True when a connection of this process has `path` open: its header was checked when that connection
    /// opened, and reading it again through `std::fs` would release that connection's locks.
    pub(crate) fn is_held(&self, path: &Path) -> bool {
        file_id(path).is_some_and(|id| self.guard.iter().any(|(f, n)| *f == id && *n > 0))
    }

    /// Records one more open connection on `path` (which exists now: the connection has opened it).
    pub(crate) fn register(mut self, path: &Path) -> FileHold {
        let id = file_id(path);
        if let Some(id) = id {
            match self.guard.iter_mut().find(|(f, _)| *f == id) {
                Some((_, n)) => *n += 1,
                None => self.guard.push((id, 1)),
            }
        }
        FileHold { id }
    }
}

/// One open connection's place in the registry; dropping it (after the connection closes) removes it.
#[derive(Debug)]
pub(crate) struct FileHold {
    id: Option<FileId>,
}

impl Drop for FileHold {
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        let mut guard = held();
        if let Some(index) = guard.iter().position(|(f, _)| *f == id) {
            guard[index].1 -= 1;
            if guard[index].1 == 0 {
                guard.swap_remove(index);
            }
        }
    }
}

/// What the first bytes of a database file say, when they may be read.
pub(crate) enum Header {
    /// A connection of this process has the file open: its header was judged then, and opening the file
    /// again outside SQLite would release that connection's locks (see the module's note).
    Held,
    /// The first 16 bytes.
    Read([u8; 16]),
    /// Shorter than a SQLite header: whatever it is, not a database.
    Short,
    /// Could not be read here (permissions, a directory): SQLite's own open will say why.
    Unreadable(std::io::Error),
}

/// Reads the first 16 bytes of `path`, unless a connection of this process holds it.
pub(crate) fn read_header(opening: &Opening, path: &Path) -> Header {
    use std::io::Read;
    if opening.is_held(path) {
        return Header::Held;
    }
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    match read {
        Ok(()) => Header::Read(header),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Header::Short,
        Err(e) => Header::Unreadable(e),
    }
}

/// True when `path` is a database file a connection of this process holds, or one of its companions
/// (`-wal`, `-shm`, `-journal`): a file no other part of the program may open, let alone overwrite.
pub fn is_held_database(path: &Path) -> bool {
    let opening = opening();
    if opening.is_held(path) {
        return true;
    }
    let text = path.as_os_str().to_string_lossy();
    ["-wal", "-shm", "-journal"].iter().any(|suffix| {
        text.strip_suffix(suffix)
            .is_some_and(|main| opening.is_held(Path::new(main)))
    })
}
