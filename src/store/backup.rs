//! Backups and restores through SQLite's online backup API, each copy checked before anyone relies on it.
//!
//! A backup copies one consistent snapshot while other stations keep writing: in WAL mode a single
//! `step(-1)` holds only a read snapshot of the source, so writers are never blocked and the copy never has
//! to restart (chunked steps would restart on every commit and might never finish on a busy system).
//!
//! A restore writes the backup into the live file through the same API, in reverse. That goes through
//! SQLite's locks like any other write, so a session that is still running waits for it, then sees the
//! restored data; it never sees half of it and cannot corrupt it. Renaming a file over the live one would
//! be quicker but is unsafe while anything has it open: a running session keeps writing to the old inode,
//! and the `-wal`/`-shm` files, which go by name, would then be paired with the wrong database. Only a file
//! too damaged for SQLite to read is moved aside by rename instead (its sessions are failing anyway).

use super::CachedSql as _;
use super::{Actor, Result, Store, StoreError, cipher, io_error, schema};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use chrono::{DateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a checked copy holds and whether it is sound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub schema_version: i64,
    /// Rows per table, by table name.
    pub rows: BTreeMap<String, i64>,
    /// The newest audit record's id and hash: the copy's place in the chain.
    pub last_audit: Option<(i64, String)>,
    /// integrity_check and foreign_key_check findings, and a broken audit chain; empty when sound.
    pub problems: Vec<String>,
}

impl BackupReport {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn audit_records(&self) -> i64 {
        self.rows.get("audit").copied().unwrap_or(0)
    }
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The restored backup, as checked before it was used.
    pub backup: BackupReport,
    /// Where the database that was replaced now lives (None when there was none).
    pub replaced: Option<PathBuf>,
    /// The replaced file could not be read by SQLite and was moved aside whole.
    pub replaced_was_damaged: bool,
    /// Another session committed between the copy of the replaced database and the restore: that change is
    /// in neither file.
    pub raced_with_writer: bool,
}

/// How long a backup or restore waits for a busy database before giving up, like any other write.
const WAIT: Duration = super::BUSY_TIMEOUT;

impl Store {
    /// Copies the database to `dest` while others keep writing, then checks the copy. Refuses an existing
    /// `dest` unless `overwrite`. The copy is owner-only and self-contained (no `-wal` file beside it).
    pub fn backup_to(
        &mut self,
        actor: &Actor,
        dest: &Path,
        overwrite: bool,
    ) -> Result<BackupReport> {
        if dest.exists() && !overwrite {
            return Err(StoreError::invalid(format!(
                "{}: already exists; refusing to overwrite it (use --force to replace it)",
                dest.display()
            )));
        }
        if same_file(dest, &self.path) {
            return Err(StoreError::invalid(format!(
                "{}: that is the database itself",
                dest.display()
            )));
        }
        let report = copy_checked(&self.conn, dest, overwrite, true)?;
        let name = dest.display().to_string();
        let record = serde_json::json!({
            "bytes": report.bytes,
            "audit_records": report.audit_records(),
        });
        self.write(actor, Need::To(Permission::Backup), &name, |tx| {
            tx.audit::<(), _>(Entity::Database, &name, Deed::Backup, None, Some(&record))
        })?;
        Ok(report)
    }
}

/// Checks a backup file without changing it: a warden database of a schema this program knows, whose
/// integrity_check, foreign_key_check and audit chain all pass.
pub fn verify_backup(path: &Path) -> Result<BackupReport> {
    if !path.is_file() {
        return Err(StoreError::invalid(format!(
            "{}: no such backup file",
            path.display()
        )));
    }
    if super::file_len(path) == 0 {
        return Err(StoreError::NotSqlite { path: path.into() });
    }
    let conn = open_read_only(path)?;
    let store = Store::wrap(conn, path);
    let report = store.report()?;
    if report.schema_version == 0 {
        return Err(StoreError::NotWarden { path: path.into() });
    }
    if report.schema_version > schema::LATEST {
        return Err(StoreError::TooNew {
            path: path.into(),
            found: report.schema_version,
            known: schema::LATEST,
        });
    }
    Ok(report)
}

/// Replaces the database at `live` with the backup at `from`, after checking the backup. Refuses to replace
/// an existing database unless `force`; the replaced one is kept beside it as `NAME.replaced-YYYYMMDDTHHMMSS`.
/// The restored database is migrated to this program's schema and the restore is appended to its audit trail.
pub fn restore_backup(
    actor: &Actor,
    from: &Path,
    live: &Path,
    force: bool,
) -> Result<RestoreReport> {
    let backup = verify_backup(from)?;
    if !backup.is_sound() {
        return Err(StoreError::invalid(format!(
            "{}: this backup is not sound; nothing was changed:\n  {}",
            from.display(),
            backup.problems.join("\n  ")
        )));
    }
    if same_file(from, live) {
        return Err(StoreError::invalid(format!(
            "{}: that is the database itself",
            from.display()
        )));
    }
    let mut report = RestoreReport {
        backup,
        replaced: None,
        replaced_was_damaged: false,
        raced_with_writer: false,
    };
    if !live.exists() {
        super::ensure_directory(live)?;
        let source = open_read_only(from)?;
        copy_checked(&source, live, false, true)?;
    } else {
        if !force {
            return Err(StoreError::invalid(format!(
                "{}: a database is already there; refusing to replace it without --force \
                 (it would be kept beside it as {})",
                live.display(),
                replaced_name(live, actor.at).display()
            )));
        }
        refuse_foreign_database(live)?;
        let replaced = unique_replaced_name(live, actor.at);
        match into_live(from, live, &replaced)? {
            Outcome::Restored { raced } => report.raced_with_writer = raced,
            Outcome::Damaged => {
                move_damaged_aside(from, live, &replaced)?;
                report.replaced_was_damaged = true;
            }
        }
        report.replaced = Some(replaced);
    }
    let mut store = Store::open(live)?;
    let name = from.display().to_string();
    let record = serde_json::json!({
        "replaced": report.replaced.as_ref().map(|p| p.display().to_string()),
        "replaced_was_damaged": report.replaced_was_damaged,
        "audit_records": report.backup.audit_records(),
    });
    store.write(actor, Need::To(Permission::ConfigureStation), &name, |tx| {
        tx.audit::<(), _>(Entity::Database, &name, Deed::Restore, None, Some(&record))
    })?;
    Ok(report)
}

enum Outcome {
    Restored { raced: bool },
    Damaged,
}

/// Keeps a copy of the live database at `replaced`, then writes the backup over it through SQLite.
fn into_live(from: &Path, live: &Path, replaced: &Path) -> Result<Outcome> {
    let mut conn = match cipher::open(
        live,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(c) => c,
        Err(StoreError::Sql(e)) if is_damage(&e) => return Ok(Outcome::Damaged),
        // Encrypted: a file the (verified) key cannot read is as unreadable as a damaged one, and is kept.
        Err(StoreError::WrongKey { .. }) => return Ok(Outcome::Damaged),
        // Not SQLite at all (refused by its header before SQLite saw it): as unreadable as a damaged file.
        Err(StoreError::NotSqlite { .. } | StoreError::KeyNeeded { .. }) => {
            return Ok(Outcome::Damaged);
        }
        Err(e) => return Err(e),
    };
    conn.busy_timeout(WAIT)?;
    match copy_checked(&conn, replaced, false, false) {
        Ok(_) => {}
        Err(StoreError::Sql(e)) if is_damage(&e) => {
            remove_partial(replaced);
            return Ok(Outcome::Damaged);
        }
        Err(e) => return Err(e),
    }
    let source = open_read_only(from)?;
    let before = data_version(&conn)?;
    {
        let step = Backup::new(&source, &mut conn)?;
        run_whole(&step)?;
    }
    // The restore is this connection's own write, so data_version moves only if someone else committed
    // between the copy of the replaced database and the restore.
    let raced = data_version(&conn)? != before;
    Ok(Outcome::Restored { raced })
}

/// For a file SQLite cannot read: move it (and its WAL, which belongs to it) aside, then put a checked
/// copy of the backup in its place. Safe only with no session running, which a damaged file ensures in
/// practice; the operations guide says to stop sessions first in any case.
fn move_damaged_aside(from: &Path, live: &Path, replaced: &Path) -> Result<()> {
    let staged = partial_name(live);
    let source = open_read_only(from)?;
    copy_checked(&source, &staged, true, true)?;
    drop(source);
    std::fs::rename(live, replaced).map_err(|e| io_error(live, e))?;
    let wal = with_suffix(live, "-wal");
    if wal.exists() {
        let kept = with_suffix(replaced, "-wal");
        std::fs::rename(&wal, &kept).map_err(|e| io_error(&wal, e))?;
    }
    let _ = std::fs::remove_file(with_suffix(live, "-shm"));
    std::fs::rename(&staged, live).map_err(|e| io_error(live, e))?;
    sync_dir(live);
    Ok(())
}

/// Copies the database open on `source` into `dest` (through a private staging file, so `dest` is either
/// absent or complete), switches the copy to a rollback journal so it is one self-contained file, checks it,
/// and returns the check. With `require_sound`, a copy that fails its check is removed and reported as an
/// error; without it (keeping a replaced database, whatever its state) the findings are only reported.
fn copy_checked(
    source: &Connection,
    dest: &Path,
    overwrite: bool,
    require_sound: bool,
) -> Result<BackupReport> {
    let staged = partial_name(dest);
    remove_partial(&staged);
    let result = copy_to_staged(source, &staged).and_then(|()| {
        let report = verify_backup(&staged)?;
        if require_sound && !report.is_sound() {
            return Err(StoreError::invalid(format!(
                "the copy failed its check; nothing was kept:\n  {}",
                report.problems.join("\n  ")
            )));
        }
        Ok(report)
    });
    let mut report = match result {
        Ok(r) => r,
        Err(e) => {
            remove_partial(&staged);
            return Err(e);
        }
    };
    publish(&staged, dest, overwrite)?;
    report.path = dest.to_path_buf();
    Ok(report)
}

fn copy_to_staged(source: &Connection, staged: &Path) -> Result<()> {
    create_private_file(staged)?;
    // With a key set the copy is encrypted with the same key, page for page.
    let mut conn = cipher::open(
        staged,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    {
        let step = Backup::new(source, &mut conn)?;
        run_whole(&step)?;
    }
    // The pages carry the source's WAL flag; a backup should be one file that can be carried away alone.
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.close().map_err(StoreError::Sql)?;
    std::fs::File::open(staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(staged, e))?;
    Ok(())
}

/// One step copying every page: a single consistent snapshot of the source. Busy only while another
/// connection holds a lock the step needs (a writer on the destination); that is retried for `WAIT`.
fn run_whole(step: &Backup) -> Result<()> {
    let start = Instant::now();
    loop {
        match step.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // Busy, Locked, and whatever a later rusqlite adds (the enum is non-exhaustive): wait and retry.
            _ => {
                if start.elapsed() > WAIT {
                    return Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        None,
                    )));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Moves the staged copy to its name: without `overwrite` through a hard link, which fails rather than
/// replace a file that appeared meanwhile.
fn publish(staged: &Path, dest: &Path, overwrite: bool) -> Result<()> {
    let done = if overwrite {
        std::fs::rename(staged, dest)
    } else {
        std::fs::hard_link(staged, dest).and_then(|()| std::fs::remove_file(staged))
    };
    if let Err(e) = done {
        remove_partial(staged);
        return Err(io_error(dest, e));
    }
    sync_dir(dest);
    Ok(())
}

impl Store {
    /// Row counts, the end of the audit chain and every problem the checks find.
    fn report(&self) -> Result<BackupReport> {
        let schema_version: i64 = self
            .conn
            .query_row_cached("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|_| StoreError::NotSqlite {
                path: self.path.clone(),
            })?;
        let app_id: i64 = self
            .conn
            .query_row_cached("PRAGMA application_id", [], |r| r.get(0))?;
        if schema_version > 0 && app_id != schema::APPLICATION_ID {
            return Err(StoreError::NotWarden {
                path: self.path.clone(),
            });
        }
        let mut problems = match self.integrity_problems() {
            Ok(p) => p,
            Err(StoreError::Sql(e)) if is_damage(&e) => vec![format!("integrity: {e}")],
            Err(e) => return Err(e),
        };
        let mut rows = BTreeMap::new();
        let mut last_audit = None;
        if problems.is_empty() {
            rows = table_counts(&self.conn)?;
            if rows.contains_key("audit") {
                if let Some(b) = self.verify_audit()? {
                    problems.push(format!("audit chain: {b}"));
                }
                last_audit = self
                    .conn
                    .query_row_cached(
                        "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
            }
        }
        Ok(BackupReport {
            path: self.path.clone(),
            bytes: super::file_len(&self.path),
            schema_version,
            rows,
            last_audit,
            problems,
        })
    }
}

/// Rows per table. Table names come from the schema itself, not from anyone's input.
pub fn table_counts(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = BTreeMap::new();
    for name in names {
        let quoted = name.replace('"', "\"\"");
        let n: i64 =
            conn.query_row_cached(&format!("SELECT count(*) FROM \"{quoted}\""), [], |r| {
                r.get(0)
            })?;
        counts.insert(name, n);
    }
    Ok(counts)
}

fn open_read_only(path: &Path) -> Result<cipher::HeldConnection> {
    cipher::open(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row_cached("PRAGMA data_version", [], |r| r.get(0))?)
}

/// Errors that mean the file's content cannot be trusted, as opposed to locks, permissions or a full disk.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if matches!(f.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

/// With --force a restore replaces a damaged file, but never a healthy database that belongs to something else.
fn refuse_foreign_database(live: &Path) -> Result<()> {
    // Not plain SQLite (and no key says it is encrypted) or unreadable: nothing of anyone else's to protect.
    let Ok(conn) = open_read_only(live) else {
        return Ok(());
    };
    let ids: rusqlite::Result<(i64, i64)> = conn.query_row_cached(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    match ids {
        Ok((version, app)) if version > 0 && app != schema::APPLICATION_ID => {
            Err(StoreError::NotWarden { path: live.into() })
        }
        _ => Ok(()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A staging name in the destination's own directory (so the final rename or link stays on one file system).
fn partial_name(dest: &Path) -> PathBuf {
    with_suffix(dest, &format!(".partial-{}", std::process::id()))
}

fn remove_partial(staged: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(staged, suffix));
    }
}

pub fn replaced_name(live: &Path, at: DateTime<Utc>) -> PathBuf {
    with_suffix(live, &format!(".replaced-{}", at.format("%Y%m%dT%H%M%S")))
}

/// Two restores in one second must not overwrite the first one's kept file.
fn unique_replaced_name(live: &Path, at: DateTime<Utc>) -> PathBuf {
    let first = replaced_name(live, at);
    let mut candidate = first.clone();
    let mut n = 2;
    while candidate.exists() {
        candidate = with_suffix(&first, &format!("-{n}"));
        n += 1;
    }
    candidate
}

/// Created owner-only before SQLite writes a byte, so a copy of the register is never readable by others,
/// not even for a moment.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| io_error(path, e))?;
    Ok(())
}

/// Makes a rename or link durable. Best effort: not every platform can open a directory.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}
