//! Encryption at rest (cargo feature `sqlcipher`): where the key comes from, and the one way the store opens a
//! connection, so that every connection (the session's, a backup's, a restore's, a check's) gets the key first.
//!
//! The key is a passphrase taken from `WARDEN_DB_KEY_FILE` (a file only its owner can read; one trailing line
//! break is dropped) or from `WARDEN_DB_KEY`. A warden built without the feature refuses to run with either
//! variable set, so a site that meant to encrypt never writes the register in plain text by mistake.

use super::held::{self, FileHold};
use super::{Result, SQLITE_MAGIC, StoreError, io_error};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::Path;

/// Names a file holding the passphrase (owner-only permissions).
pub const KEY_FILE_VAR: &str = "WARDEN_DB_KEY_FILE";
/// Holds the passphrase itself.
pub const KEY_VAR: &str = "WARDEN_DB_KEY";

/// True when either key variable is present, even if empty: the operator asked for encryption.
pub fn key_requested() -> bool {
    std::env::var_os(KEY_FILE_VAR).is_some() || std::env::var_os(KEY_VAR).is_some()
}

/// Refuses a key setting this program cannot honour (built without the feature) or a key it cannot use (an
/// unreadable or shared key file, an empty key). Cheap enough to call before asking anyone for a password.
pub fn check_key_setting() -> Result<()> {
    requested_key().map(|_| ())
}

/// The key to open databases with: None when no key is set; an error for a key that cannot be honoured.
fn requested_key() -> Result<Option<Key>> {
    if !key_requested() {
        return Ok(None);
    }
    if !cfg!(feature = "sqlcipher") {
        return Err(StoreError::invalid(format!(
            "{KEY_FILE_VAR} or {KEY_VAR} is set, but this warden was built without encryption (feature \
             sqlcipher); refusing to open the database unencrypted. Build with `cargo build --release \
             --features sqlcipher`, or unset the variable"
        )));
    }
    env_key()
}

/// The passphrase, kept out of `Debug` output and so out of every log line.
#[cfg_attr(not(feature = "sqlcipher"), allow(dead_code))]
pub(crate) struct Key(String);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(hidden)")
    }
}

/// The key the environment names; None when neither variable is set.
fn env_key() -> Result<Option<Key>> {
    let file = std::env::var_os(KEY_FILE_VAR);
    let direct = std::env::var_os(KEY_VAR);
    match (file, direct) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(StoreError::invalid(format!(
            "both {KEY_FILE_VAR} and {KEY_VAR} are set; set only one"
        ))),
        (Some(file), None) => key_from_file(Path::new(&file)).map(Some),
        (None, Some(value)) => {
            let text = value
                .into_string()
                .map_err(|_| StoreError::invalid(format!("{KEY_VAR} is not valid UTF-8 text")))?;
            checked_key(text, KEY_VAR).map(Some)
        }
    }
}

fn key_from_file(path: &Path) -> Result<Key> {
    if path.as_os_str().is_empty() {
        return Err(StoreError::invalid(format!(
            "{KEY_FILE_VAR} is set but empty; it must name the key file"
        )));
    }
    let mut file = std::fs::File::open(path).map_err(|e| {
        StoreError::invalid(format!(
            "{}: cannot read the key file ({e})",
            path.display()
        ))
    })?;
    let meta = file.metadata().map_err(|e| io_error(path, e))?;
    if !meta.is_file() {
        return Err(StoreError::invalid(format!(
            "{}: the key file is not a regular file",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(StoreError::invalid(format!(
                "{}: the key file is open to its group or to everyone (mode {mode:03o}); it must be readable \
                 only by its owner: chmod 600 {}",
                path.display(),
                path.display()
            )));
        }
    }
    let mut bytes = Vec::new();
    // A key is a line of text; anything far larger is the wrong file.
    file.by_ref()
        .take(64 * 1024)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        StoreError::invalid(format!(
            "{}: the key file is not UTF-8 text",
            path.display()
        ))
    })?;
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text)
        .to_string();
    checked_key(text, &path.display().to_string())
}

fn checked_key(text: String, origin: &str) -> Result<Key> {
    if text.is_empty() {
        return Err(StoreError::invalid(format!(
            "{origin}: the database key is empty"
        )));
    }
    if text.contains('\0') {
        return Err(StoreError::invalid(format!(
            "{origin}: the database key contains a NUL character"
        )));
    }
    Ok(Key(text))
}

/// A connection together with its place in the registry of held files (held.rs). The connection is declared
/// first so it closes before the file is let go: fields drop in declaration order.
pub(crate) struct HeldConnection {
    conn: Connection,
    _hold: FileHold,
}

impl std::ops::Deref for HeldConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for HeldConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl HeldConnection {
    /// Closes the connection, reporting SQLite's error (a close cannot be retried here: the file is let go).
    pub(crate) fn close(self) -> rusqlite::Result<()> {
        let HeldConnection { conn, _hold } = self;
        conn.close().map_err(|(_, e)| e)
    }
}

/// Opens `path` the way every store connection is opened: the header judged first (a file that is not plain
/// SQLite is refused untouched, unless a key says it is encrypted), with the key (if one is set) as the very
/// first statement, SQLCipher's own logging off (it would write to the terminal the TUI draws on), and the key
/// proven against the file before anyone reads from it.
///
/// The header is read with `std::fs` only while no connection of this process holds the file (held.rs): the
/// first open checks it, every later one relies on that check.
pub(crate) fn open(path: &Path, flags: OpenFlags) -> Result<HeldConnection> {
    open_as(path, path, flags)
}

/// As [`open`], with SQLite given `name` (a `file:` URI with parameters, under `SQLITE_OPEN_URI`) for the
/// file at `path`, which is what the header check and the registry of held files look at.
pub(crate) fn open_as(
    path: &Path,
    name: impl AsRef<Path>,
    flags: OpenFlags,
) -> Result<HeldConnection> {
    let key = requested_key()?;
    let opening = held::opening();
    let header = if super::file_len(path) > 0 {
        held::read_header(&opening, path)
    } else {
        held::Header::Held
    };
    let header = match header {
        held::Header::Read(bytes) => Some(bytes),
        held::Header::Short => Some([0u8; 16]),
        held::Header::Held | held::Header::Unreadable(_) => None,
    };
    if let Some(header) = header {
        let plain = &header == SQLITE_MAGIC;
        if key.is_some() && plain {
            return Err(StoreError::NotEncrypted { path: path.into() });
        }
        if key.is_none() && !plain {
            if cfg!(feature = "sqlcipher") {
                return Err(StoreError::KeyNeeded { path: path.into() });
            }
            return Err(StoreError::NotSqlite { path: path.into() });
        }
    }
    let conn = Connection::open_with_flags(name.as_ref(), flags).map_err(|e| match e {
        // A file SQLite cannot read stays a damaged file, so a restore can move it aside.
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            StoreError::Sql(e)
        }
        e => io_error(path, e),
    })?;
    let held = HeldConnection {
        conn,
        _hold: opening.register(path),
    };
    apply_key(&held, key.as_ref(), path)?;
    Ok(held)
}

#[cfg(feature = "sqlcipher")]
fn apply_key(conn: &Connection, key: Option<&Key>, path: &Path) -> Result<()> {
    if let Some(key) = key {
        conn.pragma_update(None, "key", key.0.as_str())?;
    }
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    if key.is_some() {
        // The key is only tried when a page is read: read one now, so a wrong key is named as such.
        let probe: rusqlite::Result<i64> =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0));
        match probe {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(StoreError::WrongKey { path: path.into() });
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(not(feature = "sqlcipher"))]
fn apply_key(_conn: &Connection, _key: Option<&Key>, _path: &Path) -> Result<()> {
    // check_key_setting has already refused any key: there is nothing to apply.
    Ok(())
}
