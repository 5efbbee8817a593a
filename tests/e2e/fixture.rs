//! The database the end-to-end journeys start from, and reading it back through the library afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;
use warden::store::{AuditRecord, Store};

/// The demo's accounts: (name, password).
pub const OFFICER: (&str, &str) = ("officer", "officer-demo");

/// A temporary directory holding a fresh demo database (`warden demo --no-tui --size small`).
pub struct Demo {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Demo {
    pub fn new() -> Demo {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = dir.path().join("demo.db");
        let out = Command::new(super::harness::binary())
            .args(["demo", "--no-tui", "--size", "small", "--db"])
            .arg(&db)
            .env("WARDEN_LOG_DIR", dir.path().join("logs"))
            .env_remove("WARDEN_DB")
            .output()
            .expect("run warden demo");
        assert!(
            out.status.success(),
            "warden demo failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Demo { dir, db }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db).expect("open the demo database")
    }
}

/// Every audit row, oldest first.
pub fn audit(store: &Store) -> Vec<AuditRecord> {
    let mut rows = store.recent_audit(1_000_000).expect("read the audit trail");
    rows.reverse();
    rows
}

/// Runs `warden check` on the database; true when it exits 0.
pub fn check(db: &Path, dir: &Path) -> (bool, String) {
    let out = Command::new(super::harness::binary())
        .arg("check")
        .arg("--db")
        .arg(db)
        .env("WARDEN_LOG_DIR", dir.join("logs"))
        .output()
        .expect("run warden check");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
