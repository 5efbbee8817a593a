//! The command-line contract: init, user, prisoner search, check and audit verify, run as a script would.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn warden(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap())
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

#[test]
fn init_then_users_then_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let o = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "first password\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(
        &db,
        &["init", "--admin", "again", "--password-stdin"],
        "first password\n",
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("refusing to overwrite"), "{}", text(&o));

    let o = warden(
        &db,
        &[
            "user",
            "add",
            "okello",
            "--role",
            "officer",
            "--password-stdin",
        ],
        "officer pass\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(
        &db,
        &[
            "user",
            "add",
            "okello",
            "--role",
            "officer",
            "--password-stdin",
        ],
        "officer pass\n",
    );
    assert!(text(&o).contains("already taken"));
    let o = warden(
        &db,
        &["user", "add", "x", "--role", "warden", "--password-stdin"],
        "officer pass\n",
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("unknown role 'warden'"), "{}", text(&o));
    let o = warden(
        &db,
        &[
            "user",
            "add",
            "short",
            "--role",
            "officer",
            "--password-stdin",
        ],
        "abc\n",
    );
    assert!(text(&o).contains("at least 8 characters"), "{}", text(&o));

    assert!(
        warden(&db, &["user", "lock", "okello"], "")
            .status
            .success()
    );
    let list = text(&warden(&db, &["user", "list"], ""));
    assert!(
        list.contains("okello") && list.contains("locked by administrator"),
        "{list}"
    );
    assert!(
        warden(&db, &["user", "unlock", "okello"], "")
            .status
            .success()
    );
    assert!(text(&warden(&db, &["user", "list"], "")).contains("active"));

    let o = warden(&db, &["check"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("audit chain: ok"));
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    std::fs::write(&db, "shopping list\n").unwrap();
    for args in [
        &["check"][..],
        &["user", "list"],
        &["prisoner", "search", "x"],
    ] {
        let o = warden(&db, args, "");
        assert!(!o.status.success());
        assert!(text(&o).contains("not a SQLite database"), "{}", text(&o));
    }
    let o = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "first password\n",
    );
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(&db).unwrap(), "shopping list\n");
    let o = warden(&dir.path().join("missing.db"), &["check"], "");
    assert!(text(&o).contains("warden init"), "{}", text(&o));
}

#[test]
fn search_prints_one_line_per_match_and_survives_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = warden(&db, &["demo", "--no-tui"], "");
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(&db, &["prisoner", "search", "a", "--limit", "5"], "");
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(out.lines().count(), 5, "{out}");
    for line in out.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            5,
            "number, names, age, facility, status: {line}"
        );
        // Age in years, with the word "child" under 18 (issue 17).
        let age = cols[2].trim_end_matches(" child");
        let years: u32 = age.parse().unwrap_or_else(|_| panic!("age column: {line}"));
        assert_eq!(cols[2].ends_with(" child"), years < 18, "{line}");
    }
    let o = warden(&db, &["prisoner", "search", "zzzzqqq"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("no prisoner matches"));

    // A reader that stops after one line (`| head -1`) must not make warden panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["--db"])
        .arg(&db)
        .args(["prisoner", "search", "a", "--limit", "1000"])
        .env("WARDEN_LOG_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("panicked"),
        "{}",
        text(&o)
    );
}

#[test]
fn audit_verify_names_the_first_broken_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    assert!(
        warden(
            &db,
            &["init", "--admin", "amina", "--password-stdin"],
            "first password\n"
        )
        .status
        .success()
    );
    assert!(
        warden(
            &db,
            &[
                "user",
                "add",
                "okello",
                "--role",
                "officer",
                "--password-stdin"
            ],
            "officer pass\n"
        )
        .status
        .success()
    );
    assert!(warden(&db, &["audit", "verify"], "").status.success());
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_append_only_update;
             UPDATE audit SET after = replace(after, 'officer', 'admin') WHERE id = 2;",
        )
        .unwrap();
    }
    let o = warden(&db, &["audit", "verify"], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("audit record 2"), "{}", text(&o));
    let o = warden(&db, &["check"], "");
    assert!(!o.status.success());
    assert!(
        text(&o).contains("BROKEN at audit record 2"),
        "{}",
        text(&o)
    );
}

#[test]
fn reset_password_sets_a_new_one_clears_a_failed_login_lock_and_is_audited() {
    use warden::store::{LoginOutcome, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let o = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "first password\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(
        &db,
        &[
            "user",
            "add",
            "okello",
            "--role",
            "officer",
            "--password-stdin",
        ],
        "officer pass\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let now = chrono::Utc::now();
    {
        let mut store = Store::open(&db).unwrap();
        let mut outcome = None;
        for _ in 0..5 {
            outcome = Some(store.login("okello", "forgotten", now).unwrap());
        }
        assert!(matches!(outcome, Some(LoginOutcome::LockedUntil(_))));
    }

    let o = warden(
        &db,
        &["user", "reset-password", "nobody", "--password-stdin"],
        "brand new pass\n",
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("no such user"), "{}", text(&o));
    let o = warden(
        &db,
        &["user", "reset-password", "okello", "--password-stdin"],
        "short\n",
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("at least 8 characters"), "{}", text(&o));

    let o = warden(
        &db,
        &["user", "reset-password", "okello", "--password-stdin"],
        "brand new pass\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("failed sign-ins cleared"), "{}", text(&o));

    let mut store = Store::open(&db).unwrap();
    assert!(matches!(
        store.login("okello", "officer pass", now).unwrap(),
        LoginOutcome::Refused { .. }
    ));
    assert!(matches!(
        store.login("okello", "brand new pass", now).unwrap(),
        LoginOutcome::Success(_)
    ));
    let reset = store
        .recent_audit(100)
        .unwrap()
        .into_iter()
        .find(|r| r.action == "password-reset")
        .expect("the reset is in the audit trail");
    assert_eq!(reset.entity_id, "okello");
    assert!(reset.actor.contains("(os: "), "{}", reset.actor);
    for text in [&reset.before, &reset.after] {
        let text = text.as_deref().unwrap_or("");
        assert!(
            !text.contains("brand new pass") && !text.contains("argon2"),
            "{text}"
        );
    }
    assert!(store.verify_audit().unwrap().is_none());

    // An administrator's lock is a decision, not a count: a reset leaves it, and says so.
    assert!(
        warden(&db, &["user", "lock", "okello"], "")
            .status
            .success()
    );
    let o = warden(
        &db,
        &["user", "reset-password", "okello", "--password-stdin"],
        "another new pass\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("still locked by an administrator"),
        "{}",
        text(&o)
    );
}

#[cfg(unix)]
#[test]
fn file_access_group_shares_the_database_and_log_with_the_group_and_every_open_keeps_it() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let log = dir.path().join("warden.log");
    let o = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "first password\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!((mode(&db), mode(&log)), (0o600, 0o600));

    let o = warden(&db, &["file-access", "group"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!((mode(&db), mode(&log)), (0o660, 0o660));
    // The choice lives in the database, so an open by any account or job keeps it.
    assert!(warden(&db, &["check"], "").status.success());
    assert_eq!((mode(&db), mode(&log)), (0o660, 0o660));
    let store = warden::store::Store::open(&db).unwrap();
    assert_eq!(mode(&db), 0o660);
    assert_eq!(
        store.file_access().unwrap(),
        warden::store::FileAccess::Group
    );
    drop(store);

    let o = warden(&db, &["file-access", "owner"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!((mode(&db), mode(&log)), (0o600, 0o600));
    let audited = warden::store::Store::open(&db)
        .unwrap()
        .recent_audit(10)
        .unwrap()
        .iter()
        .filter(|r| r.entity_id == "file_access")
        .count();
    assert_eq!(audited, 2);
}

fn new_database(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("w.db");
    let o = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "first password\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    db
}

#[test]
fn check_reports_dropped_guard_triggers_and_the_next_writing_open_puts_them_back_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_database(dir.path());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_append_only_delete;
             DROP TRIGGER form_version_fixed_update;
             CREATE TRIGGER mallory AFTER INSERT ON audit BEGIN SELECT 1; END;",
        )
        .unwrap();
    }
    let o = warden(&db, &["check"], "");
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(
        said.contains("trigger audit_append_only_delete is missing"),
        "{said}"
    );
    assert!(
        said.contains("trigger form_version_fixed_update is missing"),
        "{said}"
    );
    assert!(
        said.contains("trigger mallory was not made by warden"),
        "{said}"
    );
    // Checking changed nothing: it is still missing for the second look.
    let o = warden(&db, &["check"], "");
    assert!(text(&o).contains("audit_append_only_delete is missing"));

    // Any command that writes opens the file for writing, which puts the guards back in an audited write.
    let o = warden(&db, &["user", "lock", "amina"], "");
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(&db, &["check"], "");
    let said = text(&o);
    assert!(!said.contains("is missing"), "{said}");
    // The stranger's trigger is reported, never removed by warden: an administrator decides.
    assert!(
        said.contains("trigger mallory was not made by warden"),
        "{said}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let restored: String = conn
        .query_row(
            "SELECT after FROM audit WHERE entity = 'database' AND action = 'restored'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(restored.contains("audit_append_only_delete"), "{restored}");
    let refused = conn.execute("DELETE FROM audit WHERE id = 1", []);
    assert!(refused.is_err(), "the append-only guard works again");
}

#[test]
fn an_empty_file_is_refused_with_the_way_back_and_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    std::fs::write(&db, "").unwrap();
    for args in [&["check"][..], &["user", "list"], &["audit", "verify"]] {
        let o = warden(&db, args, "");
        let said = text(&o);
        assert!(!o.status.success(), "{args:?}: {said}");
        assert!(said.contains("empty file: not a warden database"), "{said}");
        assert!(said.contains("restore the latest backup"), "{said}");
    }
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    assert!(!dir.path().join("w.db-wal").exists());
}

#[test]
fn a_truncated_database_is_called_damaged_not_foreign() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_database(dir.path());
    {
        // Everything into the main file, then cut it in half as an interrupted copy would.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let o = warden(&db, &["check"], "");
    let said = text(&o);
    assert!(!o.status.success(), "{said}");
    assert!(said.contains("damaged"), "{said}");
    assert!(said.contains("Restore the latest backup"), "{said}");
    assert!(!said.contains("not a SQLite database"), "{said}");
}
