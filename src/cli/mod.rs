//! Command-line entry: argument parsing (clap), the database path, logging, and one module per subcommand.

mod access;
mod admin;
mod backup;
mod cases;
mod demo;
mod estate;
mod export;
mod forms;
pub mod identity;
mod import;
mod national;
mod password;
mod person_file;
mod programmes;
mod progress;
mod replica;
mod replica_target;
mod report;
mod values;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::store::{Actor, Store, StoreError};

#[derive(Parser, Debug)]
#[command(
    name = "warden",
    version,
    about = "Prison register, classification, allocation and rosters"
)]
pub struct Cli {
    /// Database file (default: the platform data directory, warden/warden.db)
    #[arg(long, global = true, env = "WARDEN_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Monochrome display with ASCII borders (also chosen by NO_COLOR or TERM=vt100/linux)
    #[arg(long, global = true)]
    pub mono: bool,
    /// ASCII borders and symbols only, in colour unless --mono (also chosen by a non-UTF-8 locale)
    #[arg(long, global = true)]
    pub ascii: bool,
    /// A slow line (9600 baud, a poor mobile link): search results wait for a pause in typing (also chosen by
    /// WARDEN_SLOW_LINK=1, the slow_link setting, or a serial line of 19200 baud or less)
    #[arg(long, global = true)]
    pub slow_link: bool,
    /// Headquarters: a folder of the sites' databases (restored copies); Reports then offers the national
    /// roll-ups over them, read only
    #[arg(long, value_name = "DIR")]
    pub sites: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new database and its first administrator
    Init {
        #[arg(long, value_name = "NAME")]
        admin: String,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Staff accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Build a synthetic demonstration database and open it
    Demo(demo::DemoArgs),
    /// The prisoner register
    #[command(subcommand)]
    Prisoner(PrisonerCommand),
    /// A person's cases (warrants and sentences) and expected release; the station's release rules
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// Integrity check, foreign keys and the audit chain; exit 0 only if all pass
    Check,
    /// The audit trail
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Facilities, units and cells
    #[command(subcommand)]
    Estate(EstateCommand),
    /// Intervention programmes: load a catalogue, list what runs
    #[command(subcommand)]
    Programmes(ProgrammesCommand),
    /// Bring data in from a file: the register from a spreadsheet or CSV (docs/IMPORT.md)
    #[command(subcommand)]
    Import(ImportCommand),
    /// Take data out to a file, recorded as a disclosure with its reason
    #[command(subcommand)]
    Export(ExportCommand),
    /// This station's key for signing person's files, and the stations whose files it trusts
    #[command(subcommand)]
    Station(person_file::StationCommand),
    /// Print a report as 80-column text to standard output (the same as `warden print KIND`)
    Report {
        #[arg(value_enum)]
        kind: crate::report::Kind,
    },
    /// Print a report as text, PDF or CSV to a file, a printer (lp) or the terminal's printer
    Print(report::PrintArgs),
    /// Headquarters: a report over several sites' databases (restored copies), one line per site, read only
    National(national::NationalArgs),
    /// Assessment forms (instruments) in forms/
    #[command(subcommand)]
    Forms(FormsCommand),
    /// Copy the database to FILE while others keep working, then check the copy
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// Replace the database with a checked backup (stop every session first); the old file is kept beside it
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace an existing database
        #[arg(long)]
        force: bool,
    },
    /// A continuous off-site copy with Litestream: print its configuration, or restore from it and check
    #[command(subcommand)]
    Replica(replica::ReplicaCommand),
    /// Who may open the database and log files: the owner only (default) or also their group
    FileAccess {
        #[arg(value_enum)]
        access: access::Access,
    },
}

#[derive(Subcommand, Debug)]
pub enum FormsCommand {
    /// Check form files (default: every form in forms/, or in WARDEN_FORMS); exit non-zero on any problem
    Check {
        /// Form files to check instead of the whole folder
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a staff account
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: crate::domain::auth::Role,
        #[arg(long)]
        password_stdin: bool,
        /// Link this operating-system account to the new user (see `user link`)
        #[arg(long, value_name = "ACCOUNT")]
        os_account: Option<String>,
    },
    /// Let an operating-system account run warden commands as this user, with the user's role
    Link {
        name: String,
        #[arg(long, value_name = "ACCOUNT")]
        os_account: String,
    },
    /// List staff accounts and the OS accounts linked to them
    List,
    /// Lock an account until it is unlocked
    Lock { name: String },
    /// Unlock an account (also clears a failed-login lock)
    Unlock { name: String },
    /// Give someone a new password (asked twice); also clears a failed-login lock
    ResetPassword {
        name: String,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PrisonerCommand {
    /// Find prisoners by number, name or alias
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit hash chain; with --head, also that it still holds a head taken earlier
    Verify {
        /// A head printed earlier by `warden audit head`: rows written before it cannot have been removed
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Print the newest row's hash and the row count, to keep outside the file (print or send it daily)
    Head,
    /// Read the trail, newest first (supervisors and administrators; the reading is itself audited)
    Show(admin::AuditShowArgs),
}

#[derive(Subcommand, Debug)]
pub enum EstateCommand {
    /// Load facilities, units and cells from a TOML or CSV file (a dry run unless --apply)
    Load {
        file: PathBuf,
        /// Write the changes (all or nothing); without it, only check and report
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Admit the people in a CSV, XLSX or ODS register (a dry run unless --apply, then all or nothing)
    Prisoners(import::ImportArgs),
    /// Admit a person from another station's signed file, with their history (a dry run unless --apply)
    Person(person_file::ImportPersonArgs),
    /// Every import of the register: its id, file, when, by whom, and how many it admitted
    List,
    /// Take back the people an import admitted, if nothing was recorded about them since (a dry run unless --apply)
    Undo(import::UndoArgs),
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// The people in custody, as CSV or XLSX, with the columns your role may see (the import's column names)
    Prisoners(export::ExportArgs),
    /// One person's file for another warden station, signed with this station's key (JSON)
    Person(person_file::ExportPersonArgs),
}

#[derive(Subcommand, Debug)]
pub enum ProgrammesCommand {
    /// Add programmes from a TOML file (docs/ROSTERS.md; a dry run unless --apply, then all or nothing)
    Load {
        file: PathBuf,
        /// Write them; without it, only check and report
        #[arg(long)]
        apply: bool,
    },
    /// Every programme not yet ended: facility, code, name, category, places taken, waiting, sessions
    List,
}

fn parse_role(s: &str) -> Result<crate::domain::auth::Role, String> {
    s.parse()
}

/// Where the database lives when neither --db nor WARDEN_DB says.
pub fn default_db_path() -> PathBuf {
    data_dir().join("warden.db")
}

/// The platform data directory for warden (e.g. ~/.local/share/warden).
pub fn data_dir() -> PathBuf {
    directories::BaseDirs::new()
        .map(|d| d.data_dir().join("warden"))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Who the CLI writes as in the audit trail: the operating-system account that ran it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.clone().unwrap_or_else(default_db_path);
    if let Some(guard) = init_logging(&db) {
        *log_guard() = Some(guard);
    }
    let code = run_logged(cli, &db);
    flush_log();
    code
}

fn run_logged(cli: Cli, db: &Path) -> ExitCode {
    match run(cli, db) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("warden: {e:#}");
            tracing::error!("{e:#}");
            // Refused because of who is asking (an unlinked account, a role without the permission): exit 2,
            // like every other refusal, so a script can tell it from a failure to run.
            let refused = e.downcast_ref::<identity::IdentityError>().is_some()
                || matches!(e.downcast_ref::<StoreError>(), Some(StoreError::Refused(_)));
            if refused {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Said, alone, when the screens are asked for with no terminal to draw on (exit 2).
pub const NO_TERMINAL: &str = "warden needs a terminal (ssh -t, or a console)";

fn run(cli: Cli, db: &Path) -> Result<ExitCode> {
    let display = crate::tui::DisplayOptions::from_env(cli.mono, cli.ascii);
    match cli.command {
        None => {
            if let Some(dir) = &cli.sites
                && let Err(why) = check_sites(dir)
            {
                eprintln!("warden: --sites {}: {why}", dir.display());
                return Ok(ExitCode::from(2));
            }
            // Checked before the database is opened: without it crossterm's raw mode fails with "No such device or
            // address (os error 6)", which tells someone who ran `ssh host warden` nothing.
            if !crate::tui::has_terminal() {
                eprintln!("{NO_TERMINAL}");
                return Ok(ExitCode::from(2));
            }
            // A database this account may only read opens read-only: the screens say so and refuse changes.
            let mut store = match Store::open(db) {
                Err(StoreError::ReadOnly { .. }) => Store::open_read_only(db)?,
                other => other?,
            };
            // Someone is looking at a frozen screen while a save waits: give up sooner than a script would.
            store.set_write_budget(crate::store::SCREEN_WRITE_BUDGET);
            crate::tui::run_on(store, display, cli.slow_link, cli.sites.clone())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Init {
            admin,
            password_stdin,
        }) => admin::init(db, &admin, password_stdin),
        Some(Command::User(cmd)) => admin::user(db, cmd),
        Some(Command::Demo(args)) => demo::run(cli.db.as_deref(), args, display),
        Some(Command::Prisoner(PrisonerCommand::Search { query, limit })) => {
            admin::search(db, &query, limit)
        }
        Some(Command::Case(cmd)) => cases::run(db, cmd),
        Some(Command::Check) => admin::check(db),
        Some(Command::Audit(AuditCommand::Verify { head })) => {
            admin::audit_verify(db, head.as_deref())
        }
        Some(Command::Audit(AuditCommand::Head)) => admin::audit_head(db),
        Some(Command::Audit(AuditCommand::Show(args))) => admin::audit_show(db, &args),
        Some(Command::Estate(EstateCommand::Load { file, apply })) => {
            estate::load(db, &file, apply)
        }
        Some(Command::Forms(FormsCommand::Check { files })) => forms::check(&files),
        Some(Command::Programmes(ProgrammesCommand::Load { file, apply })) => {
            programmes::load(db, &file, apply)
        }
        Some(Command::Programmes(ProgrammesCommand::List)) => programmes::list(db),
        Some(Command::Import(ImportCommand::Prisoners(args))) => import::prisoners(db, &args),
        Some(Command::Export(ExportCommand::Prisoners(args))) => export::prisoners(db, &args),
        Some(Command::Import(ImportCommand::Person(args))) => person_file::import(db, &args),
        Some(Command::Import(ImportCommand::List)) => import::list(db),
        Some(Command::Import(ImportCommand::Undo(args))) => import::undo(db, &args),
        Some(Command::Export(ExportCommand::Person(args))) => person_file::export(db, &args),
        Some(Command::Station(cmd)) => person_file::station(db, &cmd),
        Some(Command::Report { kind }) => report::run(db, report::PrintArgs::stdout(kind)),
        Some(Command::Print(args)) => report::run(db, args),
        Some(Command::National(args)) => national::run(db, &args),
        Some(Command::Backup { to, force }) => backup::backup(db, &to, force),
        Some(Command::Restore { from, force }) => backup::restore(db, &from, force),
        Some(Command::FileAccess { access }) => access::run(db, access),
        Some(Command::Replica(cmd)) => replica::run(db, cmd),
    }
}

/// Refused before the screens start: a sites folder that cannot be read or holds no site file.
fn check_sites(dir: &Path) -> std::result::Result<(), String> {
    match crate::report::national::site_files(dir) {
        Err(e) => Err(e.to_string()),
        Ok(files) if files.is_empty() => Err(crate::i18n::t("national-sites-empty")),
        Ok(_) => Ok(()),
    }
}

/// Where the log goes: WARDEN_LOG_DIR, else beside the database (the current directory for a bare file name
/// such as `warden.db`, whose parent is the empty path).
pub(crate) fn log_path(db: &Path) -> PathBuf {
    std::env::var_os("WARDEN_LOG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| match db.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        })
        .join("warden.log")
}

/// The log writer's guard, kept where a signal's exit path can reach it: lines sit in a queue for a background
/// thread, and `std::process::exit` skips every destructor, so without a flush the last lines (the signal's
/// own) were lost.
static LOG_GUARD: std::sync::Mutex<Option<tracing_appender::non_blocking::WorkerGuard>> =
    std::sync::Mutex::new(None);

fn log_guard() -> std::sync::MutexGuard<'static, Option<tracing_appender::non_blocking::WorkerGuard>>
{
    // A panic while holding the lock leaves the guard as it was: still usable.
    LOG_GUARD
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes out every queued log line and stops the writer (dropping the guard waits for it, up to a second);
/// lines logged afterwards are lost, so this is for the way out. Safe to call twice.
pub fn flush_log() {
    let guard = log_guard().take();
    drop(guard);
}

/// Log lines queued for the writer thread (32 bytes of memory each).
const LOG_QUEUE_LINES: usize = 1024;

/// Logs go to a file beside the data, never to the terminal the TUI draws on.
fn init_logging(db: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let log = log_path(db);
    let dir = log.parent()?.to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    // Logs name staff and records: owner-only like the database (Rule 9), or group-shared if it is.
    let mode = access::log_mode_for(db);
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    options.open(&log).ok()?;
    access::set_log_mode(&log, mode);
    let appender = tracing_appender::rolling::never(&dir, "warden.log");
    // tracing-appender's default queue holds 128,000 lines and touches every slot when it is made: 4 MB of
    // memory before the first frame (issue 9's 16 MB budget). warden writes a handful of lines per action, so a
    // small queue is plenty; when it is full the line waits instead of being dropped.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(false)
        .finish(appender);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Opens the database for a subcommand, with the path in any error, and says who is calling: the warden
/// user linked to the invoking OS account (identity.rs), or a refusal before anything is read.
pub(crate) fn open(db: &Path) -> Result<(Store, Actor)> {
    let store = match Store::open(db) {
        // Already one line naming the file and saying nothing changed; "cannot open" would only repeat it.
        Err(e @ StoreError::ReadOnly { .. }) => return Err(e.into()),
        other => other.with_context(|| format!("cannot open {}", db.display()))?,
    };
    let actor = identity::cli_actor(&store)?;
    store.set_viewer(Some(actor.authority));
    Ok((store, actor))
}

/// Opens the database for a command that reads and records that it read (a print, `audit show`): for writing
/// where this account may write, else read-only (a copy on write-protected media), where the record of the read
/// is left out because there is nowhere to keep it; the command says so on standard error.
pub(crate) fn open_for_reading(db: &Path) -> Result<(Store, Actor)> {
    match Store::open(db) {
        Err(StoreError::ReadOnly { .. }) => open_read_only(db),
        Err(e) => Err(e).with_context(|| format!("cannot open {}", db.display())),
        Ok(store) => {
            let actor = identity::cli_actor(&store)?;
            store.set_viewer(Some(actor.authority));
            Ok((store, actor))
        }
    }
}

/// Opens the database for a subcommand that only reads: no migration or repair, and it works on a file this
/// account may only read (a backup on write-protected media, a station's file seen by an auditor).
pub(crate) fn open_read_only(db: &Path) -> Result<(Store, Actor)> {
    let store =
        Store::open_read_only(db).with_context(|| format!("cannot open {}", db.display()))?;
    let actor = identity::cli_actor(&store)?;
    store.set_viewer(Some(actor.authority));
    Ok((store, actor))
}
