//! A session keeps SQLite's locks on its database whatever else the program does with the file (issue 15).
//!
//! On Linux, closing any descriptor of a file releases every POSIX lock the process holds on it. If warden
//! itself opens and closes the database outside SQLite while a connection is open, its shared lock goes, and
//! the next outside program to close the file deletes `-wal` and `-shm` under the session. The kernel's own
//! list of locks (`/proc/locks`) is the witness here: each test counts this process's locks on the database
//! and on its `-shm` after every code path that might open the file.
#![cfg(target_os = "linux")]

#[path = "e2e/proc_locks.rs"]
mod proc_locks;

use proc_locks::locks_of;
use std::path::{Path, PathBuf};
use warden::domain::auth::Role;
use warden::store::{Actor, FileAccess, Store, is_held_database, verify_backup};
use warden::tui::drafts::Drafts;

fn actor() -> Actor {
    Actor::system_now("test")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Fails naming the step after which this process no longer holds its locks on the database or its `-shm`.
fn assert_locked(db: &Path, baseline: (usize, usize), step: &str) {
    let me = std::process::id();
    let now = (locks_of(me, db), locks_of(me, &with_suffix(db, "-shm")));
    assert!(
        now.0 >= baseline.0 && now.1 >= baseline.1,
        "after {step}: this process holds {} lock(s) on the database and {} on -shm; it held {} and {} \
         with the session's connection alone",
        now.0,
        now.1,
        baseline.0,
        baseline.1
    );
}

fn new_database(dir: &Path) -> PathBuf {
    let db = dir.join("warden.db");
    let mut store = Store::create(&db).unwrap();
    store
        .add_user(&actor(), "amina", Role::Admin, "first password")
        .unwrap();
    db
}

#[test]
fn a_session_keeps_its_locks_through_every_path_that_touches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_database(dir.path());
    let mut session = Store::open(&db).unwrap();
    // A read makes sure the connection has the WAL index (-shm) mapped, as a session on screen has.
    session.recent_audit(1).unwrap();
    let me = std::process::id();
    let baseline = (locks_of(me, &db), locks_of(me, &with_suffix(&db, "-shm")));
    assert!(
        baseline.0 >= 1 && baseline.1 >= 1,
        "an open connection in WAL mode holds a shared lock on the database and on -shm: {baseline:?}"
    );

    // The drafts writer opens its own connection when the first key is typed in a form.
    let drafts = Drafts::start(&db);
    drafts.save("amina", "form:test", "{}".into(), chrono::Utc::now());
    drafts.flush();
    assert_locked(&db, baseline, "the drafts writer opened its connection");

    // Another screen's (or a worker's) connection, by the same path and by another name for the same file.
    let second = Store::open(&db).unwrap();
    drop(second);
    assert_locked(&db, baseline, "a second connection opened and closed");
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    drop(Store::open(&link).unwrap());
    assert_locked(
        &db,
        baseline,
        "a connection by a symbolic link opened and closed",
    );
    // Creating over an existing database is refused after reading it, never by opening the file outside SQLite.
    assert!(Store::create(&db).is_err());
    assert_locked(&db, baseline, "a refused create on the same file");

    // Backup, and checking the live file as a backup would be checked.
    let copy = dir.path().join("copy.db");
    session.backup_to(&actor(), &copy, false).unwrap();
    assert_locked(&db, baseline, "a backup");
    let report = verify_backup(&db).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_locked(&db, baseline, "verifying the live file");

    // File access: modes are changed by path (chmod takes no descriptor).
    session
        .set_file_access(&actor(), FileAccess::Group)
        .unwrap();
    session
        .set_file_access(&actor(), FileAccess::Owner)
        .unwrap();
    assert_locked(&db, baseline, "changing the file's access");

    // Printing to a file: the database itself (or its -wal/-shm) is never a print target.
    for name in ["", "-wal", "-shm"] {
        assert!(
            is_held_database(&with_suffix(&db, name)),
            "the database{name} is known as held"
        );
    }
    assert!(!is_held_database(&copy));
    let printed = dir.path().join("printed.txt");
    std::fs::write(&printed, "a report").unwrap();
    assert_locked(&db, baseline, "printing to a file");

    // And the session still writes, and a fresh process's view (another connection) sees it.
    session
        .set_setting(&actor(), &warden::store::Setting::ServiceName, "after")
        .unwrap();
    drop(drafts);
    let fresh = Store::open(&db).unwrap();
    assert_eq!(
        fresh
            .setting(&warden::store::Setting::ServiceName)
            .unwrap()
            .as_deref(),
        Some("after")
    );
    assert_locked(&db, baseline, "the whole walk");
}

#[test]
fn the_cli_refuses_to_print_over_the_database_it_has_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_database(dir.path());
    let before = std::fs::read(&db).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(&db)
        .args(["print", "overcrowding", "--out"])
        .arg(&db)
        .env("WARDEN_LOG_DIR", dir.path().join("logs"))
        .env_remove("WARDEN_DB")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(said.contains("that is the database itself"), "{said}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
}
