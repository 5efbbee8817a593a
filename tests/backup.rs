//! Backups taken while another connection writes, restored and compared; restores that refuse or keep the old file.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use warden::domain::auth::Role;
use warden::store::{Actor, BackupReport, Store, restore_backup, table_counts, verify_backup};

fn warden(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap().join("logs"))
        .env_remove("WARDEN_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A refusal can come before warden reads its input; the closed pipe is then no failure of the test.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn actor() -> Actor {
    Actor::system_now("test")
}

/// A database with an administrator and one officer, made through the library.
fn small_db(path: &Path) {
    let mut store = Store::create(path).unwrap();
    store
        .add_user(&actor(), "amina", Role::Admin, "first password")
        .unwrap();
    store
        .add_user(&actor(), "okello", Role::Officer, "officer pass")
        .unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Settings the writer made that the copy holds, and the audit rows that record them: equal in a consistent copy.
fn writer_rows(path: &Path) -> (i64, i64) {
    let c = rusqlite::Connection::open(path).unwrap();
    let settings = c
        .query_row(
            "SELECT count(*) FROM setting WHERE key LIKE 'print.load-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let audited = c
        .query_row(
            "SELECT count(*) FROM audit WHERE entity = 'setting' AND entity_id LIKE 'print.load-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (settings, audited)
}

#[test]
fn a_backup_taken_under_write_load_is_consistent_and_restores_equal() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    small_db(&live);
    // A few megabytes, so each copy takes long enough for the writer's commits to land in the middle of it.
    Store::open(&live)
        .unwrap()
        .write(
            &actor(),
            warden::domain::auth::Need::To(warden::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| {
                for i in 0..3000 {
                    tx.execute(
                        "INSERT INTO setting(key, value) VALUES (?1, ?2)",
                        [format!("bulk-{i}"), "y".repeat(1000)],
                    )?;
                }
                tx.audit::<(), ()>(
                    warden::domain::audit::Entity::Setting,
                    "bulk",
                    warden::domain::audit::Deed::Set,
                    None,
                    None,
                )
            },
        )
        .unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let (started_tx, started_rx) = mpsc::channel();
    let writer = {
        let (live, stop, written) = (live.clone(), Arc::clone(&stop), Arc::clone(&written));
        std::thread::spawn(move || {
            let mut store = Store::open(&live).unwrap();
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                // Each write is one transaction: a setting and its audit row.
                store
                    .set_setting(
                        &actor(),
                        &warden::store::Setting::PrintChoice(format!("load-{i}")),
                        &"x".repeat(200),
                    )
                    .unwrap();
                i += 1;
                written.store(i, Ordering::SeqCst);
                if i == 20 {
                    started_tx.send(()).unwrap();
                }
                // Paced like a busy station rather than a tight loop, which would starve every other writer
                // (SQLite's busy wait is not a queue) and so test nothing real.
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            i
        })
    };
    started_rx.recv().unwrap();

    let mut store = Store::open(&live).unwrap();
    let mut reports: Vec<BackupReport> = Vec::new();
    for n in 0..6 {
        let copy = dir.path().join(format!("copy-{n}.db"));
        let report = store.backup_to(&actor(), &copy, false).unwrap();
        assert!(report.is_sound(), "{:?}", report.problems);
        reports.push(report);
    }
    stop.store(true, Ordering::SeqCst);
    let total = writer.join().unwrap();
    assert!(total >= 20 && written.load(Ordering::SeqCst) == total);

    let live_conn = rusqlite::Connection::open(&live).unwrap();
    for report in &reports {
        // Checked again from the file itself, not only from the report made at copy time.
        let again = verify_backup(&report.path).unwrap();
        assert_eq!(&again, report);
        let (settings, audited) = writer_rows(&report.path);
        assert_eq!(
            settings, audited,
            "every write in the copy is whole: its row and its audit record"
        );
        // The copy is a moment of the live database: its chain is a prefix of the live chain.
        let (last_id, last_hash) = report.last_audit.clone().unwrap();
        let live_hash: String = live_conn
            .query_row("SELECT hash FROM audit WHERE id = ?1", [last_id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(live_hash, last_hash);
        #[cfg(unix)]
        assert_eq!(mode(&report.path), 0o600);
        assert!(!Path::new(&format!("{}-wal", report.path.display())).exists());
    }

    // Restored into a new place, the database is the copy plus the restore's own audit record.
    let chosen = &reports[reports.len() / 2];
    let restored = dir.path().join("restored.db");
    let outcome = restore_backup(&actor(), &chosen.path, &restored, false).unwrap();
    assert!(outcome.replaced.is_none());
    let restored_store = Store::open(&restored).unwrap();
    assert!(restored_store.verify_audit().unwrap().is_none());
    assert!(restored_store.integrity_problems().unwrap().is_empty());
    let c = rusqlite::Connection::open(&restored).unwrap();
    let mut counts = table_counts(&c).unwrap();
    *counts.get_mut("audit").unwrap() -= 1;
    assert_eq!(counts, chosen.rows);
    let restore_row: (i64, String) = c
        .query_row(
            "SELECT id, action FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        restore_row,
        (chosen.last_audit.as_ref().unwrap().0 + 1, "restore".into())
    );
}

#[test]
fn backup_refuses_to_overwrite_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let copy = dir.path().join("copy.db");
    std::fs::write(&copy, "yesterday's notes").unwrap();
    let o = warden(&db, &["backup", "--to", copy.to_str().unwrap()], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("refusing to overwrite"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "yesterday's notes");

    let o = warden(
        &db,
        &["backup", "--to", copy.to_str().unwrap(), "--force"],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("audit chain ok"), "{}", text(&o));
    assert!(verify_backup(&copy).unwrap().is_sound());
    #[cfg(unix)]
    assert_eq!(mode(&copy), 0o600);
}

#[test]
fn restore_refuses_without_force_and_keeps_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let copy = dir.path().join("copy.db");
    let o = warden(&db, &["backup", "--to", copy.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    // A change after the backup: present in the replaced file, absent after the restore.
    let o = warden(
        &db,
        &[
            "user",
            "add",
            "later",
            "--role",
            "officer",
            "--password-stdin",
        ],
        "after the backup\n",
    );
    assert!(o.status.success(), "{}", text(&o));

    let o = warden(&db, &["restore", "--from", copy.to_str().unwrap()], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("without --force"), "{}", text(&o));
    assert!(Store::open(&db).unwrap().user("later").unwrap().is_some());

    let o = warden(
        &db,
        &["restore", "--from", copy.to_str().unwrap(), "--force"],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(&db).unwrap();
    assert!(store.user("later").unwrap().is_none());
    assert!(store.user("okello").unwrap().is_some());
    assert!(store.verify_audit().unwrap().is_none());

    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("w.db.replaced-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        text(&o).contains(&kept[0].display().to_string()),
        "{}",
        text(&o)
    );
    let old = Store::open(&kept[0]).unwrap();
    assert!(old.user("later").unwrap().is_some());
    assert!(old.verify_audit().unwrap().is_none());
    #[cfg(unix)]
    assert_eq!(mode(&kept[0]), 0o600);
    let o = warden(&db, &["check"], "");
    assert!(o.status.success(), "{}", text(&o));
}

/// Overwrites every page but the first (the schema) with a pattern, as a failing disk might.
fn corrupt_pages(path: &Path) {
    let len = std::fs::metadata(path).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(4096)).unwrap();
    f.write_all(&vec![0x5a; (len - 4096) as usize]).unwrap();
}

#[test]
fn a_damaged_or_tampered_backup_is_refused_and_the_database_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let before = table_counts(&rusqlite::Connection::open(&db).unwrap()).unwrap();

    let damaged = dir.path().join("damaged.db");
    assert!(
        warden(&db, &["backup", "--to", damaged.to_str().unwrap()], "")
            .status
            .success()
    );
    corrupt_pages(&damaged);
    assert!(!verify_backup(&damaged).unwrap().is_sound());

    let tampered = dir.path().join("tampered.db");
    assert!(
        warden(&db, &["backup", "--to", tampered.to_str().unwrap()], "")
            .status
            .success()
    );
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER audit_append_only_update;
             UPDATE audit SET after = replace(after, 'officer', 'admin') WHERE id = 2;",
        )
        .unwrap();

    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, "shopping list\n").unwrap();

    for (bad, says) in [
        (&damaged, "not sound"),
        (&tampered, "audit chain"),
        (&notes, "not a SQLite database"),
    ] {
        let o = warden(
            &db,
            &["restore", "--from", bad.to_str().unwrap(), "--force"],
            "",
        );
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains(says), "{}", text(&o));
    }
    let after = table_counts(&rusqlite::Connection::open(&db).unwrap()).unwrap();
    assert_eq!(before["staff"], after["staff"]);
    // Two backups were audited; nothing else changed, and nothing was moved aside.
    assert_eq!(before["audit"] + 2, after["audit"]);
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| {
        !e.unwrap()
            .file_name()
            .to_string_lossy()
            .contains("replaced")
    }));
}

#[test]
fn a_database_sqlite_cannot_read_is_moved_aside_whole_on_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let copy = dir.path().join("copy.db");
    Store::open(&db)
        .unwrap()
        .backup_to(&actor(), &copy, false)
        .unwrap();
    std::fs::write(&db, b"SQLite format 3\0 and then the power went").unwrap();
    let o = warden(&db, &["check"], "");
    assert!(!o.status.success());

    let report = restore_backup(&actor(), &copy, &db, true).unwrap();
    assert!(report.replaced_was_damaged);
    let kept = report.replaced.unwrap();
    assert!(
        std::fs::read(&kept)
            .unwrap()
            .ends_with(b"and then the power went")
    );
    let o = warden(&db, &["check"], "");
    assert!(o.status.success(), "{}", text(&o));
}
