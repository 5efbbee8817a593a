//! The database file's surroundings: no terminal, a relative path's log, a read-only file or file system.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use warden::domain::auth::Role;
use warden::store::{Actor, Store};

/// A database made through the library (`init --password-stdin` would need standard input for the password).
fn database(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("w.db");
    let mut store = Store::create(&db).unwrap();
    store
        .add_user(
            &Actor::system_now("test"),
            "amina",
            Role::Admin,
            "a long password",
        )
        .unwrap();
    db
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn warden(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap())
        .env_remove("WARDEN_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn is_root() -> bool {
    rustix::process::getuid().is_root()
}

#[test]
fn without_a_terminal_the_screens_say_so_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let o = Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(&db)
        .env("WARDEN_LOG_DIR", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "warden needs a terminal (ssh -t, or a console)\n"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn a_relative_database_path_logs_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    database(dir.path());
    let o = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["--db", "w.db", "check"])
        .current_dir(dir.path())
        .env_remove("WARDEN_LOG_DIR")
        .env_remove("WARDEN_DB")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir.path().join("warden.log").exists(), "no log beside w.db");
    assert!(
        !home.path().join("data/warden/warden.log").exists(),
        "the log went to the data directory"
    );
}

#[test]
fn a_write_on_a_read_only_file_is_one_clear_line() {
    if is_root() {
        eprintln!(
            "skipped: root may write a file of mode 0444 (the decision is tested in store::open_mode)"
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = warden(&db, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = warden(&db, &["user", "lock", "amina"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("the database is read-only for this account; nothing was changed"),
        "{}",
        text(&o)
    );
}

/// A WAL database whose -shm is gone, copied to a file system then mounted read-only (in a private mount
/// namespace): the reading commands open it immutable, the writing ones refuse in one line.
#[test]
fn a_copy_on_a_read_only_file_system_is_read_immutable() {
    let probe = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount -t tmpfs none /mnt && mount -o remount,ro /mnt",
        ])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: this sandbox cannot make a private read-only mount (unshare -m, mount)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    // Held open while the copy is made, so the last change is still in the -wal (a close would checkpoint it),
    // as in a copy of a live station's files.
    let mut store = Store::open(&db).unwrap();
    store
        .add_user(
            &Actor::system_now("test"),
            "okello",
            Role::Officer,
            "another long password",
        )
        .unwrap();
    let media = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_warden");
    let script = format!(
        "set -e; mount -t tmpfs none {m}; cp {d}/w.db {d}/w.db-wal {m}/ 2>/dev/null || cp {d}/w.db {m}/; \
         rm -f {m}/w.db-shm; mount -o remount,ro {m}; \
         {bin} --db {m}/w.db check; echo CHECK=$?; \
         echo LIVE=$({bin} --db {d}/w.db audit head); \
         echo COPY=$({bin} --db {m}/w.db audit head); \
         {bin} --db {m}/w.db user lock amina || echo LOCK=$?; \
         {bin} --db {m}/w.db report placements >/dev/null; echo REPORT=$?; \
         {bin} --db {m}/w.db audit show --limit 1 >/dev/null; echo SHOW=$?; \
         ls {m}",
        m = media.path().display(),
        d = dir.path().display(),
    );
    let o = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .env("WARDEN_LOG_DIR", dir.path())
        .env_remove("WARDEN_DB")
        .output()
        .unwrap();
    drop(store);
    let out = text(&o);
    assert!(out.contains("CHECK=0"), "{out}");
    assert!(
        out.contains(
            "read-only for this account (on a read-only file system); nothing was changed"
        ),
        "{out}"
    );
    assert!(out.contains("LOCK=1"), "{out}");
    // Reading commands that record their read (a print, audit show) still read, and say the record is left out.
    assert!(out.contains("REPORT=0") && out.contains("SHOW=0"), "{out}");
    assert!(
        out.contains(
            "warden print: not recorded in the audit trail (the database is read-only here)"
        ),
        "{out}"
    );
    let line = |tag: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(tag))
            .map(str::to_string)
    };
    assert!(
        line("LIVE=").is_some_and(|l| l.starts_with("head: ")),
        "{out}"
    );
    // Immutable reads the main file only: what was still in the copied -wal is not seen (docs/OPERATIONS.md
    // says to put `warden backup`'s one-file copy on such media). The copy opens and reads all the same.
    assert!(
        line("COPY=").is_some_and(|l| l.starts_with("head: ")),
        "{out}"
    );
    assert!(
        !out.contains("w.db-shm"),
        "a -shm was made on read-only media: {out}"
    );
}

/// The screens on a database opened read-only: the title bar and the first message say so, signing in works
/// (it cannot be recorded), and a change is refused in one line naming the file.
#[test]
fn the_screens_on_a_read_only_database_say_so_and_refuse_changes() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let mut store = Store::open(&db).unwrap();
    store
        .add_user(
            &Actor::system_now("test"),
            "okello",
            Role::Officer,
            "another long password",
        )
        .unwrap();
    drop(store);
    let now = chrono::Utc::now();
    let store = Store::open_read_only(&db).unwrap();
    let theme = warden::tui::theme::Theme::new(warden::tui::DisplayOptions::new(true, true));
    let mut app = warden::tui::app::App::new(store, theme, now);
    let keys = |app: &mut warden::tui::app::App, s: &str| {
        for c in s.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now);
            // The password check of a sign-in runs on a worker: wait for it as the event loop would.
            while app.session().is_none() && app.working() {
                std::thread::sleep(std::time::Duration::from_millis(5));
                app.tick(now);
            }
        }
    };
    let screen = |app: &warden::tui::app::App| {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        t.draw(|f| app.render(f)).unwrap();
        let b = t.backend().buffer().clone();
        (0..24)
            .map(|y| (0..80).map(|x| b[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    keys(&mut app, "amina\na long password\n");
    let s = screen(&app);
    assert!(s.contains("[read-only] amina (admin)"), "{s}");
    assert!(s.contains("This database is read-only here"), "{s}");
    // Staff accounts, then lock okello (amina, admin, is listed first).
    while !screen(&app).contains(">Staff accounts") {
        app.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE), now);
    }
    keys(&mut app, "\n");
    app.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE), now);
    keys(&mut app, "l");
    let s = screen(&app);
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains("the database is read-only for this account; nothing was changed"),
        "{s}"
    );
}
