//! The command line knows who is calling from the kernel (the real uid), not from `$USER`; an unlinked account
//! is refused before anything is read; a linked one acts with its warden user's role and is refused like the
//! same action on screen, with the refusal in the audit trail (issue 16).
//!
//! Running as another account needs root (CI runs as root); elsewhere those tests say so and pass.
#![cfg(target_os = "linux")]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use warden::domain::auth::Role;
use warden::store::{Actor, Store};

/// The unprivileged account tests run commands as (Debian's `nobody`).
const NOBODY_UID: u32 = 65534;
const NOBODY: &str = "nobody";

fn is_root() -> bool {
    rustix::process::getuid().is_root()
}

fn warden(db: &Path, args: &[&str], uid: Option<u32>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warden"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap().join("logs"))
        .env_remove("WARDEN_DB")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(uid) = uid {
        cmd.uid(uid).gid(uid);
    }
    cmd.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A database with an administrator and an officer, in a directory any account may enter and write (so a
/// command run as `nobody` reaches warden's own checks, not the file system's).
fn shared_database() -> (tempfile::TempDir, PathBuf) {
    let dir = open_dir();
    let db = dir.path().join("w.db");
    let setup = Actor::system_now("test");
    let mut store = Store::create(&db).unwrap();
    store
        .add_user(&setup, "amina", Role::Admin, "first password")
        .unwrap();
    store
        .add_user(&setup, "okello", Role::Officer, "officer pass")
        .unwrap();
    drop(store);
    (dir, db)
}

/// A directory (with its `logs`) any account may enter and write.
fn open_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    for d in [dir.path().to_path_buf(), dir.path().join("logs")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    dir
}

/// Gives the database files to `nobody`, as a site gives them to the account that runs warden.
fn hand_to_nobody(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            std::os::unix::fs::chown(&p, Some(NOBODY_UID), Some(NOBODY_UID)).unwrap();
        }
    }
}

fn audit_rows(db: &Path) -> Vec<(String, String, String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT actor, entity, entity_id, action FROM audit ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn user_from_the_environment_changes_nothing() {
    if !is_root() {
        eprintln!("skipped: runs commands as root and as another account, so needs root");
        return;
    }
    let (_dir, db) = shared_database();
    let o = warden(
        &db,
        &["user", "lock", "okello"],
        None,
        &[("USER", "mallory"), ("LOGNAME", "mallory")],
    );
    assert!(o.status.success(), "{}", text(&o));
    let last = audit_rows(&db).pop().unwrap();
    assert_eq!(last.0, "station-admin (os: root)", "{last:?}");
    assert!(!last.0.contains("mallory"));
}

#[test]
fn an_unlinked_account_is_refused_with_one_line_and_nothing_is_written() {
    if !is_root() {
        eprintln!("skipped: needs root to run a command as another account");
        return;
    }
    let (_dir, db) = shared_database();
    hand_to_nobody(&db);
    let before = audit_rows(&db);
    for args in [
        &[
            "user",
            "add",
            "mallory",
            "--role",
            "admin",
            "--password-stdin",
        ][..],
        &["user", "list"],
        &["prisoner", "search", "a"],
        &["check"],
        &["print", "overcrowding"],
    ] {
        let o = warden(&db, args, Some(NOBODY_UID), &[("USER", "amina")]);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert_eq!(
            String::from_utf8_lossy(&o.stderr).trim(),
            format!(
                "warden: this account (os: {NOBODY}) is not linked to a warden user; an administrator links it \
                 with: warden user link USER --os-account {NOBODY}"
            ),
            "{args:?}"
        );
        assert!(o.stdout.is_empty(), "{args:?}: {}", text(&o));
    }
    assert_eq!(audit_rows(&db), before, "nothing was written");
    // What touches no data still works.
    let o = warden(&db, &["--version"], Some(NOBODY_UID), &[]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_linked_account_acts_with_its_users_role_and_refusals_are_audited() {
    if !is_root() {
        eprintln!("skipped: needs root to run a command as another account");
        return;
    }
    let (_dir, db) = shared_database();
    let o = warden(
        &db,
        &["user", "link", "okello", "--os-account", NOBODY],
        None,
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(&db, &["user", "list"], None, &[]);
    assert!(
        text(&o)
            .lines()
            .any(|l| l.starts_with("okello") && l.contains(NOBODY)),
        "{}",
        text(&o)
    );
    hand_to_nobody(&db);

    // The officer may search, not make administrators: refused like the same action on screen.
    let o = warden(&db, &["prisoner", "search", "zzz"], Some(NOBODY_UID), &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "no match, but allowed: {}",
        text(&o)
    );
    for _ in 0..3 {
        let o = warden(
            &db,
            &[
                "user",
                "add",
                "mallory",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some(NOBODY_UID),
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("Not allowed: a officer may not manage staff accounts"),
            "{}",
            text(&o)
        );
    }
    let o = warden(&db, &["user", "lock", "amina"], Some(NOBODY_UID), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let store = Store::open(&db).unwrap();
    assert!(store.user("mallory").unwrap().is_none());
    assert!(!store.user("amina").unwrap().unwrap().disabled);
    drop(store);
    let refusals: Vec<_> = audit_rows(&db)
        .into_iter()
        .filter(|r| r.3 == "refused")
        .collect();
    assert_eq!(refusals.len(), 4, "{refusals:?}");
    assert!(
        refusals
            .iter()
            .all(|r| r.0 == format!("okello (os: {NOBODY})") && r.2 == "manage-users"),
        "{refusals:?}"
    );
}

#[test]
fn linking_an_unknown_or_already_linked_account_is_refused_naming_it() {
    if !is_root() {
        eprintln!("skipped: needs root");
        return;
    }
    let (_dir, db) = shared_database();
    let o = warden(
        &db,
        &[
            "user",
            "link",
            "okello",
            "--os-account",
            "no-such-account-x",
        ],
        None,
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("os account 'no-such-account-x': no such account on this system"),
        "{}",
        text(&o)
    );
    let o = warden(
        &db,
        &["user", "link", "okello", "--os-account", NOBODY],
        None,
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(
        &db,
        &["user", "link", "amina", "--os-account", NOBODY],
        None,
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("os account 'nobody': already linked to warden user 'okello'"),
        "{}",
        text(&o)
    );
}

#[test]
fn an_officer_on_the_command_line_gets_no_restricted_line_in_the_reviews_report() {
    if !is_root() {
        eprintln!("skipped: needs root to run a command as another account");
        return;
    }
    let dir = open_dir();
    let db = dir.path().join("demo.db");
    let spec = warden::demo::DemoSpec {
        country: warden::demo::Country::Uganda,
        size: warden::demo::Size::Small,
        seed: 1,
    };
    warden::demo::build(&db, &spec, chrono::Utc::now()).unwrap();
    let o = warden(
        &db,
        &["user", "link", "officer", "--os-account", NOBODY],
        None,
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let restricted = |s: &str| s.contains("vep_risk_spj") || s.contains("Violent-extremism");
    // The station administrator (root) may see them: the report has them, so the officer's test can fail.
    let o = warden(&db, &["report", "reviews"], None, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(restricted(&text(&o)), "{}", text(&o));
    hand_to_nobody(&db);
    let o = warden(&db, &["report", "reviews"], Some(NOBODY_UID), &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!restricted(&text(&o)), "{}", text(&o));
}

/// Commands with the permission each needs (None: any linked user), and whether it succeeds when allowed.
const COMMANDS: &[(&[&str], Option<warden::domain::auth::Permission>)] = {
    use warden::domain::auth::Permission::*;
    &[
        (&["user", "list"], Some(ManageUsers)),
        (&["user", "lock", "okello"], Some(ManageUsers)),
        (&["user", "unlock", "okello"], Some(ManageUsers)),
        (&["check"], Some(ViewRegister)),
        (&["audit", "head"], Some(ViewRegister)),
        (&["audit", "verify"], Some(ViewRegister)),
        (&["audit", "show", "--limit", "2"], Some(ViewAudit)),
        (&["report", "overcrowding"], Some(ViewRegister)),
        (&["file-access", "owner"], Some(ConfigureStation)),
        (&["programmes", "list"], Some(ViewRegister)),
    ]
};

#[test]
fn random_commands_as_linked_and_unlinked_accounts_are_refused_exactly_as_the_role_table_says() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use warden::domain::auth::may;
    if !is_root() {
        eprintln!("skipped: needs root to run commands as another account");
        return;
    }
    let (_dir, db) = shared_database();
    {
        let setup = Actor::system_now("test");
        let mut store = Store::open(&db).unwrap();
        for role in [Role::Programme, Role::Supervisor, Role::Assessor] {
            store
                .add_user(&setup, role.as_str(), role, "a password!")
                .unwrap();
        }
    }
    let accounts: Vec<Option<(&str, Role)>> = vec![
        None,
        Some(("okello", Role::Officer)),
        Some(("amina", Role::Admin)),
        Some(("programme", Role::Programme)),
        Some(("supervisor", Role::Supervisor)),
        Some(("assessor", Role::Assessor)),
    ];
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[16; 32]),
    );
    runner
        .run(
            &(0..accounts.len(), 0..COMMANDS.len()),
            |(account, command)| {
                // Link `nobody` to the chosen user (or to no one), as an administrator would.
                {
                    let conn = rusqlite::Connection::open(&db).unwrap();
                    conn.execute("DELETE FROM os_account", []).unwrap();
                }
                if let Some((user, _)) = accounts[account] {
                    let mut store = Store::open(&db).unwrap();
                    store
                        .link_os_account(&Actor::system_now("test"), user, NOBODY)
                        .unwrap();
                }
                // The account that was just locked may be the one linked: unlock it first.
                {
                    let conn = rusqlite::Connection::open(&db).unwrap();
                    conn.execute("UPDATE staff SET disabled = 0", []).ok();
                }
                hand_to_nobody(&db);
                let refusals_before = audit_rows(&db).iter().filter(|r| r.3 == "refused").count();
                let (args, need) = COMMANDS[command];
                let o = warden(&db, args, Some(NOBODY_UID), &[("USER", "root")]);
                let said = text(&o);
                let refusals_after = audit_rows(&db).iter().filter(|r| r.3 == "refused").count();
                match accounts[account] {
                    None => {
                        prop_assert_eq!(o.status.code(), Some(2), "{:?}: {}", args, said);
                        prop_assert!(said.contains("is not linked to a warden user"), "{}", said);
                        prop_assert_eq!(
                            refusals_after,
                            refusals_before,
                            "unlinked: nothing written"
                        );
                    }
                    Some((user, role)) => {
                        let allowed = need.is_none_or(|p| may(role, p));
                        if allowed {
                            prop_assert!(
                                o.status.success(),
                                "{} ({:?}) {:?}: {}",
                                user,
                                role,
                                args,
                                said
                            );
                        } else {
                            prop_assert_eq!(
                                o.status.code(),
                                Some(2),
                                "{:?} {:?}: {}",
                                role,
                                args,
                                said
                            );
                            prop_assert!(said.contains("Not allowed"), "{}", said);
                            // Read-only commands cannot write their refusal; every other refusal is a row.
                            let read_only =
                                matches!(args[0], "check" | "audit") && args[1] != "show";
                            if !read_only {
                                prop_assert_eq!(refusals_after, refusals_before + 1, "{:?}", args);
                            }
                        }
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}
