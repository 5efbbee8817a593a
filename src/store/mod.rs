//! All SQL lives here: opening and migrating the file, audited write transactions, and the queries.

mod access;
mod allocation;
#[macro_use]
mod assessment_decisions;
mod assessments;
mod attendance;
mod audit;
mod backup;
mod bulk_load;
mod busy;
mod cached;
pub(crate) use cached::CachedSql;
mod cases;
mod cipher;
mod court;
mod custody_alerts;
pub(crate) mod demo_rosters;
mod drafts;
mod estate;
mod export;
mod form_versions;
mod guards;
mod held;
mod import;
pub use held::is_held_database;
mod national;
mod non_associations;
mod occupancy;
pub mod open_mode;
pub mod person_file;
mod printing;
mod prisoners;
mod referrals;
mod refusals;
mod release_plans;
mod report_data;
mod reports;
mod rosters;
mod rows;
pub mod schema;
mod segregation;
mod stats;
mod summaries;
mod temporary;
mod transfer;
mod users;
mod visibility;

pub use crate::domain::invalid::{FieldError, Invalid};
pub use crate::domain::settings::Setting;
pub use access::FileAccess;
pub use allocation::{MoveRequest, Movement, MovementRow, Seen, Within};
pub use assessments::{
    ApprovalState, AssessmentRow, Override, Returned, Status as AssessmentStatus, Subject, SumScore,
};
pub use attendance::{ParticipationLine, RegisterLine, RosterSession, UnlockLine};
pub use audit::{AuditFilter, AuditRecord, ChainBreak};
pub use backup::{
    BackupReport, RestoreReport, replaced_name, restore_backup, table_counts, verify_backup,
};
pub use busy::{SCREEN_WRITE_BUDGET, WRITE_BUDGET};
pub use cases::PastRelease;
pub use cipher::{KEY_FILE_VAR, KEY_VAR, check_key_setting, key_requested};
pub use court::{CourtLine, RemandLimitCheck, RemandOver};
pub use custody_alerts::{AgeReview, CustodyAlert, Waiting, eighteenth_birthday};
pub use estate::{CellRow, EstateCounts, FacilityRow, UnitRow};
pub use export::RegisterExport;
pub use guards::GuardProblem;
pub use import::{ImportOutcome, ImportPlan, ImportRun, UndoPlan};
pub use national::NationalGrant;
pub use non_associations::NaRow;
pub use occupancy::{Board, BoardLine, Occupancy};
pub use prisoners::{
    CHANGED_MEANWHILE, DEFAULT_NUMBER_PATTERN, PrisonerRow, SearchHit, describe_event,
};
pub use release_plans::{PlanView, ReleaseDue};
pub use report_data::{
    EndedSegregation, LateClassification, LatePerson, LevelCount, RemandRow, ReviewCount, ReviewRow,
};
pub use reports::PlacementBreach;
pub use rosters::{ReferralEvent, ReferralRow, Suggestion};
pub use segregation::SegregationRow;
pub use stats::Headline;
pub use temporary::TemporaryPlacement;
pub use users::{HashedPassword, LoginCheck, LoginOutcome, StaffRow};

use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Authority, Need, Permission, Role};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: no database here (create one with `warden init --admin NAME` or `warden demo`)"
    )]
    Missing { path: PathBuf },
    #[error("{path}: the directory {dir} does not exist or cannot be written ({reason})")]
    Directory {
        path: PathBuf,
        dir: PathBuf,
        reason: String,
    },
    #[error(
        "{path}: empty file: not a warden database; if it should be one, restore the latest backup \
         (warden restore BACKUP --force); the file was left as it is"
    )]
    Empty { path: PathBuf },
    #[error(
        "{path}: the file is damaged (SQLite cannot read it); nothing was changed. Restore the latest backup \
         (warden restore BACKUP --force), then run `warden check`"
    )]
    Damaged { path: PathBuf },
    /// A command that writes, on a file this account may only read or on read-only media.
    #[error(
        "{path}: the database is read-only for this account{}; nothing was changed",
        if *.media { " (on a read-only file system)" } else { "" }
    )]
    ReadOnly { path: PathBuf, media: bool },
    #[error("{path}: not a SQLite database; refusing to touch it")]
    NotSqlite { path: PathBuf },
    /// Built with encryption, no key set, and the file is not plain SQLite: most likely an encrypted database.
    #[error(
        "{path}: not a SQLite database (if it is an encrypted warden database, set WARDEN_DB_KEY_FILE or \
         WARDEN_DB_KEY to its key); refusing to touch it"
    )]
    KeyNeeded { path: PathBuf },
    #[error("{path}: the database key is wrong, or this is not an encrypted warden database")]
    WrongKey { path: PathBuf },
    #[error(
        "{path}: a database key is set (WARDEN_DB_KEY_FILE or WARDEN_DB_KEY), but this database is not \
         encrypted; unset the key to open it"
    )]
    NotEncrypted { path: PathBuf },
    #[error("{path}: a SQLite database, but not a warden one; refusing to touch it")]
    NotWarden { path: PathBuf },
    #[error(
        "{path}: made by a newer warden (schema {found}, this program knows up to {known}); install the newer warden"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: already holds a warden database; refusing to overwrite it")]
    NotEmpty { path: PathBuf },
    /// Refused because of what was typed or imported; a refusal about one field names it ([`Invalid::Field`]).
    #[error("{0}")]
    Invalid(Invalid),
    /// The actor's role may not make this write (domain::auth); nothing was written but the refusal's audit row.
    #[error("Not allowed: {0}")]
    Refused(String),
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    /// The write lock stayed with other stations for the whole [`WRITE_BUDGET`]; this write was not made and
    /// whatever the caller holds (a form, a draft) is untouched, so the same save can simply be tried again.
    #[error("another station is saving; nothing was lost, try again")]
    Busy { waited: Duration },
    #[error("database: {}", describe_sql(.0))]
    Sql(rusqlite::Error),
}

// Not `#[from]`: that would also make SQLite's error the `source`, and every message would say it twice.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

/// SQLite's own words, shortened, with advice where the file itself is the problem.
fn describe_sql(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) =>
        {
            "the file is damaged (SQLite reports it malformed); nothing was changed. Restore the latest \
             backup, then run `warden check`"
                .into()
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
            "another station is using the database; nothing was lost, try again".into()
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
            "the disk is full; nothing was saved".into()
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => {
            "the database file cannot be written (read-only file or directory)".into()
        }
        rusqlite::Error::SqliteFailure(f, Some(m)) => format!("{m} ({:?})", f.code),
        other => other.to_string(),
    }
}

impl StoreError {
    /// A refusal of what was typed or imported: a [`FieldError`], or text about the whole record.
    pub fn invalid(e: impl Into<Invalid>) -> StoreError {
        StoreError::Invalid(e.into())
    }

    /// A refusal because of what someone typed, as opposed to a broken file or disk.
    pub fn is_invalid(&self) -> bool {
        matches!(self, StoreError::Invalid(_))
    }

    /// The field this refusal is about, so a form can mark it; None for any other error.
    pub fn field_error(&self) -> Option<&FieldError> {
        match self {
            StoreError::Invalid(e) => e.field(),
            _ => None,
        }
    }

    /// Other stations kept the database busy: nothing is wrong with this write, it only has to be tried again.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Busy { .. } => true,
            StoreError::Sql(e) => busy::is_busy(e),
            _ => false,
        }
    }
}

// A domain check's field refusal passes through the store as it is, field and all.
impl From<FieldError> for StoreError {
    fn from(e: FieldError) -> Self {
        StoreError::Invalid(Invalid::Field(e))
    }
}

// A prompt's F2 hands back an `Invalid` (it may refuse before the store is asked); a store error it passes on
// keeps its field, and any other error shows as it always did.
impl From<StoreError> for Invalid {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(i) => i,
            other => Invalid::Record(other.to_string()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is writing, on whose authority, and when: the store decides from `authority` whether the write may
/// happen (domain::auth), and writes `audit_name` into the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub authority: Authority,
    /// The operating-system account that ran a command-line action (None on screen, where warden's own
    /// sign-in says who it is).
    pub os_account: Option<String>,
    pub at: DateTime<Utc>,
}

impl Actor {
    /// A member of staff in a role: signed in on screen, or linked to the OS account that ran a command.
    pub fn staff(name: impl Into<String>, role: Role, at: DateTime<Utc>) -> Actor {
        Actor {
            name: name.into(),
            authority: Authority::Staff(role),
            os_account: None,
            at,
        }
    }

    /// warden itself, for its own bookkeeping (putting guards back, recording shipped forms, a demo being
    /// built, counting failed sign-ins). Never for something a person asked for: that is [`Actor::staff`].
    pub fn system(name: impl Into<String>, at: DateTime<Utc>) -> Actor {
        Actor {
            name: name.into(),
            authority: Authority::System,
            os_account: None,
            at,
        }
    }

    /// [`Actor::staff`] now.
    pub fn staff_now(name: impl Into<String>, role: Role) -> Actor {
        Actor::staff(name, role, Utc::now())
    }

    /// [`Actor::system`] now.
    pub fn system_now(name: impl Into<String>) -> Actor {
        Actor::system(name, Utc::now())
    }

    /// The command line's actor: the linked warden user, with the OS account beside it in the trail.
    pub fn with_os_account(mut self, account: impl Into<String>) -> Actor {
        self.os_account = Some(account.into());
        self
    }

    /// The role, for a member of staff.
    pub fn role(&self) -> Option<Role> {
        match self.authority {
            Authority::Staff(role) => Some(role),
            Authority::System => None,
        }
    }

    /// The audit trail's actor: the warden user, and for a command-line action the OS account beside it
    /// (`amina (os: amina)`).
    pub fn audit_name(&self) -> String {
        match &self.os_account {
            Some(os) => format!("{} (os: {os})", self.name),
            None => self.name.clone(),
        }
    }
}

pub struct Store {
    conn: cipher::HeldConnection,
    path: PathBuf,
    /// How `write` waits for the write lock (see busy.rs).
    wait: busy::Wait,
    /// Forms as recorded, by id and version, loaded once: a recorded version's text never changes, and parsing
    /// it again for every finalise and approval was most of their cost.
    recorded_forms:
        std::cell::RefCell<std::collections::HashMap<(String, u32), crate::domain::forms::Form>>,
    /// Whether the person using this connection may see restricted records (visibility.rs).
    viewer: visibility::Viewer,
    /// Refusals repeated within a minute, counted here and written as one summary row (refusals.rs).
    refusals: std::cell::RefCell<refusals::Pending>,
    /// The whole estate's cell summaries while nothing has changed (summaries.rs).
    estate_summaries: std::cell::RefCell<
        Option<(
            summaries::SummaryKey,
            std::rc::Rc<crate::domain::allocate::Candidates>,
        )>,
    >,
    /// A bulk load is under way (`set_bulk_loading`): the name indexes are filled once at its end.
    bulk_loading: std::cell::Cell<bool>,
}

/// A write in progress: the SQL transaction plus who is making it. Dropping it without `commit` rolls back.
pub struct Tx<'a> {
    tx: Held<'a>,
    /// Inside a bulk load: the name indexes are left for its end (see `prisoners::defer_search_rows`).
    bulk_loading: bool,
    pub actor: &'a Actor,
    /// The newest audit row's id and hash, once this transaction has read or written it. The transaction
    /// holds SQLite's write lock, so nobody else can append meanwhile; bulk writes (the demo) then skip a
    /// query per audit row.
    last_audit: std::cell::RefCell<Option<(i64, String)>>,
}

/// A write's own transaction, or a savepoint inside a bulk load's one (see `Store::set_bulk_loading`): either
/// way dropped without `commit` it rolls back exactly that write.
enum Held<'a> {
    Own(rusqlite::Transaction<'a>),
    Part(rusqlite::Savepoint<'a>),
}

impl Held<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            Held::Own(tx) => tx.commit(),
            Held::Part(savepoint) => savepoint.commit(),
        }
    }
}

impl std::ops::Deref for Held<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Held::Own(tx) => tx,
            Held::Part(savepoint) => savepoint,
        }
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// The table Litestream creates in each database it replicates (its sync counter).
const LITESTREAM_TABLE: &str = "_litestream_seq";
const BUSY_TIMEOUT: Duration = Duration::from_secs(8);
/// SQLite's page cache per connection, in KiB (the pragma's negative form): 1 MiB, half SQLite's default.
pub(crate) const CACHE_SIZE_KIB: i64 = -1024;

/// Query plans that do not depend on the values bound to them (SQLite's query planner stability guarantee). Without
/// it SQLite 3.54 marks a statement whose plan could use a bound value (an FTS5 `MATCH` pattern, a `LIMIT`) to be
/// prepared again whenever that value changes, so every key typed in the search box re-parsed and re-planned the
/// search (8% of its time on the national demo), and FTS5's own statements with it.
fn keep_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

impl Store {
    /// Opens an existing warden database, migrating it forward if it is older than this program.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing { path: path.into() });
        }
        // An empty file is never made into a new database by opening it: it is far more likely a copy or a
        // disk that failed than a wish for an empty register (`init` and `demo` create on purpose).
        if file_len(path) == 0 {
            return Err(StoreError::Empty { path: path.into() });
        }
        // Refused here, before SQLite: on a file it may not write it opens read-only without a word and the
        // first write (a migration, putting guards back) fails with its own terse error.
        match open_mode::mode_for(path) {
            open_mode::OpenMode::ReadWrite => {}
            mode => {
                return Err(StoreError::ReadOnly {
                    path: path.into(),
                    media: mode == open_mode::OpenMode::Immutable,
                });
            }
        }
        Self::open_inner(path, false)
    }

    /// Whether this connection can only read (opened with `open_read_only`, or the file became read-only).
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    /// Opens an existing warden database for reading only: no migration, no repair, no change to the file's
    /// mode; what `warden check` and other commands that only read use, so they also work on a file this
    /// account may not write. A database of an older schema can be checked but not used by newer queries.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing { path: path.into() });
        }
        if file_len(path) == 0 {
            return Err(StoreError::Empty { path: path.into() });
        }
        cipher::check_key_setting()?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        // Immutable only where nobody can write (see open_mode.rs): a live file keeps SQLite's locking.
        let conn = match open_mode::mode_for(path) {
            open_mode::OpenMode::Immutable => {
                cipher::open_as(path, open_mode::immutable_uri(path), flags)?
            }
            _ => cipher::open(path, flags)?,
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        check_identity(&conn, path, false)?;
        conn.pragma_update(None, "trusted_schema", "OFF")?;
        conn.pragma_update(None, "cache_size", CACHE_SIZE_KIB)?;
        keep_plans(&conn)?;
        let store = Store::wrap(conn, path);
        let version: i64 = store
            .conn
            .query_row_cached("PRAGMA user_version", [], |r| r.get(0))?;
        // An older file has no form_access table; nothing in it can be restricted yet.
        if version == schema::LATEST {
            visibility::install(&store.conn, &store.viewer)?;
        }
        Ok(store)
    }

    /// Who is looking, for need-to-know: records made on restricted forms are hidden from every read on this
    /// connection unless the domain's rule lets `viewer` see them. None (nobody signed in) sees none.
    pub fn set_viewer(&self, viewer: Option<Authority>) {
        self.viewer
            .set(crate::domain::auth::sees_restricted(viewer));
    }

    /// Creates a new database at `path`; an existing empty file is accepted, anything else is refused.
    pub fn create(path: &Path) -> Result<Store> {
        ensure_directory(path)?;
        if file_len(path) > 0 {
            // Refuse non-SQLite files untouched, and warden files that already hold data.
            let store = Self::open_inner(path, true)?;
            if store.is_empty()? {
                return Ok(store);
            }
            return Err(StoreError::NotEmpty { path: path.into() });
        }
        Self::open_inner(path, true)
    }

    fn open_inner(path: &Path, creating: bool) -> Result<Store> {
        cipher::check_key_setting()?;
        let conn = cipher::open(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Read-only checks first: nothing may be written to a file that is not ours.
        check_identity(&conn, path, creating)?;
        // WAL survives power loss with synchronous=FULL; the pragmas below are the durability contract.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "trusted_schema", "OFF")?;
        // Memory (issue 9: 16 MB a session). The page cache is per connection and a session holds two (the
        // screens' and the draft writer's); at SQLite's default of 2 MB each, signing in on the national demo left
        // 1 MB more resident than at 1 MiB (benches/memory.rs). Memory-mapped reads stay off (SQLite's default,
        // said here so it stays so): mapped pages of the file would count in the process's resident memory.
        conn.pragma_update(None, "cache_size", CACHE_SIZE_KIB)?;
        conn.pragma_update(None, "mmap_size", 0)?;
        keep_plans(&conn)?;
        let mut store = Store::wrap(conn, path);
        store.migrate()?;
        store.restore_guards()?;
        visibility::install(&store.conn, &store.viewer)?;
        // The register is confidential (Rule 9): owner-only unless the site chose a shared group.
        let access = store.file_access()?;
        access::restrict_permissions(path, access.mode());
        Ok(store)
    }

    fn wrap(conn: cipher::HeldConnection, path: &Path) -> Store {
        conn.set_prepared_statement_cache_capacity(cached::KEPT_STATEMENTS);
        Store {
            conn,
            path: path.to_path_buf(),
            wait: busy::Wait::new(),
            recorded_forms: Default::default(),
            viewer: Default::default(),
            refusals: Default::default(),
            estate_summaries: Default::default(),
            bulk_loading: Default::default(),
        }
    }

    /// How long `write` waits for other stations before giving up ([`WRITE_BUDGET`] unless changed).
    pub fn set_write_budget(&mut self, budget: Duration) {
        self.wait.budget = budget;
    }

    fn migrate(&mut self) -> Result<()> {
        let current: i64 = self
            .conn
            .query_row_cached("PRAGMA user_version", [], |r| r.get(0))?;
        for (index, sql) in schema::MIGRATIONS.iter().enumerate() {
            let version = index as i64 + 1;
            if version <= current {
                continue;
            }
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Exclusive)?;
            tx.execute_batch(sql)?;
            if version == schema::REINDEX_NAMES_AT {
                prisoners::reindex_names(&tx)?;
            }
            tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
            tracing::info!(version, "schema migrated");
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when no staff account exists yet (a freshly created file).
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row_cached("SELECT count(*) FROM staff", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// The one door every change goes through. First the authority: when `actor` may not do what `need`
    /// names (domain::auth decides), the write is refused before any transaction begins, and the refusal
    /// itself is audited (refusals.rs). Then `work` runs in one IMMEDIATE transaction; every audit row it
    /// appends commits with it or not at all. `target` names what the write is about, for the refusal row
    /// ("prisoner 42", "user amina").
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        need: Need,
        target: &str,
        work: impl FnOnce(&Tx) -> Result<T>,
    ) -> Result<T> {
        self.authorise(actor, need, target)?;
        let pending = self.take_pending_refusals();
        self.write_unguarded(actor, |tx| {
            refusals::append_summaries(tx, &pending)?;
            work(tx)
        })
    }

    /// Runs `work` in one IMMEDIATE transaction with no check of authority: only for `write` and for
    /// appending refusal rows. While another station holds the write lock it retries with random pauses
    /// (busy.rs); after the write budget it gives up with [`StoreError::Busy`] before `work` has run, so
    /// nothing is half done.
    fn write_unguarded<T>(
        &mut self,
        actor: &Actor,
        work: impl FnOnce(&Tx) -> Result<T>,
    ) -> Result<T> {
        // Opened read-only (a copy on write-protected media, a file this account may only read): one clear
        // refusal naming the file, before any transaction, rather than SQLite's "readonly database".
        if self.is_read_only() {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
                media: open_mode::mode_for(&self.path) == open_mode::OpenMode::Immutable,
            });
        }
        let start = std::time::Instant::now();
        let mut tries = 0u32;
        let mut work = Some(work);
        loop {
            // Without SQLite's own handler for this one statement: the pauses are ours (see busy.rs).
            self.conn.busy_timeout(Duration::ZERO)?;
            // Inside a bulk load's transaction (it holds the write lock) each write is a savepoint of it.
            let e = match if self.conn.is_autocommit() {
                self.conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map(Held::Own)
            } else {
                self.conn.savepoint().map(Held::Part)
            } {
                Ok(tx) => {
                    tx.busy_timeout(BUSY_TIMEOUT)?;
                    let wrapped = Tx {
                        tx,
                        bulk_loading: self.bulk_loading.get(),
                        actor,
                        last_audit: std::cell::RefCell::new(None),
                    };
                    // The lock is taken exactly once per call, so `work` is always still here.
                    let Some(work) = work.take() else {
                        unreachable!("write: the work ran before the lock was taken")
                    };
                    let value = work(&wrapped)?;
                    wrapped.tx.commit()?;
                    if tries > 0 {
                        // How often stations collide, for whoever sizes a site (the log, never the screen).
                        tracing::info!(tries, waited = ?start.elapsed(), "waited for another station's save");
                    }
                    return Ok(value);
                }
                Err(e) => e,
            };
            self.conn.busy_timeout(BUSY_TIMEOUT)?;
            if !busy::is_busy(&e) {
                return Err(e.into());
            }
            let waited = start.elapsed();
            match self.wait.next_pause(waited, tries) {
                Some(pause) => std::thread::sleep(pause),
                None => {
                    tracing::warn!(tries, ?waited, "gave up waiting for the write lock");
                    return Err(StoreError::Busy { waited });
                }
            }
            tries = tries.saturating_add(1);
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn setting(&self, setting: &Setting) -> Result<Option<String>> {
        let key = setting.key();
        Ok(self
            .conn
            .query_row_cached("SELECT value FROM setting WHERE key = ?1", [&key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, actor: &Actor, setting: &Setting, value: &str) -> Result<()> {
        let key = setting.key();
        let key = key.as_ref();
        self.write(
            actor,
            Need::To(Permission::ConfigureStation),
            &format!("setting {key}"),
            |tx| {
                let before = tx
                    .query_row_cached("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                        r.get::<_, String>(0)
                    })
                    .optional()?;
                tx.execute_cached(
                    "INSERT INTO setting(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )?;
                tx.audit(
                    Entity::Setting,
                    key,
                    Deed::Set,
                    before.as_ref(),
                    Some(&value),
                )
            },
        )
    }

    /// Copies everything from the write-ahead log into the main file and empties the log, so the main file alone
    /// holds the whole database (before it is moved or copied).
    ///
    /// Refused, before anything is done, on a database Litestream replicates: Litestream keeps a read transaction
    /// open and does its own checkpoints, so a TRUNCATE here would hold the write lock (every station's saves)
    /// while it waited for that reader, then fail; and one that got through would restart the log under
    /// Litestream, which then has to send the whole database again.
    pub fn checkpoint(&self) -> Result<()> {
        if self.is_replicated()? {
            return Err(StoreError::invalid(format!(
                "{}: Litestream replicates this database and checkpoints it itself; warden does not empty its \
                 write-ahead log (use `warden backup` for a one-file copy)",
                self.path.display()
            )));
        }
        let busy: i64 = self
            .conn
            .query_row_cached("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(StoreError::invalid(format!(
                "{}: another program is using the database; try again when it has finished",
                self.path.display()
            )));
        }
        Ok(())
    }

    /// True when Litestream has replicated this database: it adds its own tables to every database it serves.
    /// They stay after Litestream stops, so this errs towards "replicated", the side that never disturbs it.
    pub fn is_replicated(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row_cached(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [LITESTREAM_TABLE],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// PRAGMA integrity_check and foreign_key_check; returns the problems found (empty when sound).
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(format!("integrity: {line}"));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                r.get::<_, String>(2)?
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }
}

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = Connection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

/// Serialises a value for the audit trail; types used here are plain data, so failure cannot happen.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"unserialisable\":\"{e}\"}}"))
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Refuses, before anything is written, a file that is not a warden database of a schema this program knows.
/// A file SQLite finds damaged is called damaged, with the way back (a restore), not "not a database".
fn check_identity(conn: &Connection, path: &Path, creating: bool) -> Result<()> {
    let damaged = |e: rusqlite::Error| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            StoreError::Damaged { path: path.into() }
        }
        e => StoreError::Sql(e),
    };
    let version: i64 = conn
        .query_row_cached("PRAGMA user_version", [], |r| r.get(0))
        .map_err(damaged)?;
    let app_id: i64 = conn
        .query_row_cached("PRAGMA application_id", [], |r| r.get(0))
        .map_err(damaged)?;
    let tables: i64 = conn
        .query_row_cached("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(damaged)?;
    if creating && tables == 0 && version == 0 {
        return Ok(());
    }
    if version == 0 || app_id != schema::APPLICATION_ID {
        return Err(StoreError::NotWarden { path: path.into() });
    }
    if version > schema::LATEST {
        return Err(StoreError::TooNew {
            path: path.into(),
            found: version,
            known: schema::LATEST,
        });
    }
    Ok(())
}

fn ensure_directory(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        create_private_dir(&dir).map_err(|e| StoreError::Directory {
            path: path.into(),
            dir: dir.clone(),
            reason: e.to_string(),
        })?;
    }
    let probe = dir.join(format!(".warden-probe-{}", std::process::id()));
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(StoreError::Directory {
            path: path.into(),
            dir,
            reason: e.to_string(),
        }),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        path: path.into(),
        reason: e.to_string(),
    }
}

/// True when the file starts with SQLite's plain header (not encrypted). The file is read outside SQLite only
/// when no connection of this process holds it (held.rs: closing the handle would drop that connection's locks);
/// a held file is an error here, not a guess.
pub fn has_plain_header(path: &Path) -> std::io::Result<bool> {
    let opening = held::opening();
    match held::read_header(&opening, path) {
        held::Header::Read(header) => Ok(&header == SQLITE_MAGIC),
        held::Header::Short => Ok(false),
        held::Header::Unreadable(e) => Err(e),
        held::Header::Held => Err(std::io::Error::other(
            "this process has the database open; its header is not read again",
        )),
    }
}

/// Parses a timestamp we wrote ourselves (RFC 3339, UTC).
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod allocation_tests;
#[cfg(test)]
mod approval_tests;
#[cfg(test)]
mod assessment_tests;
#[cfg(test)]
mod authority_tests;
#[cfg(test)]
mod bulk_load_tests;
#[cfg(test)]
mod case_tests;
#[cfg(test)]
mod court_tests;
#[cfg(test)]
mod roster_tests;
#[cfg(test)]
mod rule11_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;
