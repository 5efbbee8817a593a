//! Encryption at rest (issue 8). Without the `sqlcipher` feature: a key setting is refused, never ignored.
//! With it (`cargo test --features sqlcipher --test encryption`): an encrypted file holds no plain text, opens
//! only with its key, and its backups are encrypted with the same key.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// How a run of the binary is given the database key.
#[derive(Clone, Copy)]
enum KeyEnv<'a> {
    NoKey,
    Direct(&'a str),
    File(&'a Path),
}

fn warden(db: &Path, args: &[&str], stdin: &str, key: KeyEnv) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_warden"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap().join("logs"))
        .env_remove("WARDEN_DB")
        .env_remove("WARDEN_DB_KEY")
        .env_remove("WARDEN_DB_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match key {
        KeyEnv::NoKey => {}
        KeyEnv::Direct(k) => {
            command.env("WARDEN_DB_KEY", k);
        }
        KeyEnv::File(f) => {
            command.env("WARDEN_DB_KEY_FILE", f);
        }
    }
    let mut child = command.spawn().unwrap();
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

#[cfg(not(feature = "sqlcipher"))]
#[test]
fn a_key_without_the_feature_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("warden.db");
    let out = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "a long enough password\n",
        KeyEnv::Direct("correct horse battery staple"),
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("built without encryption (feature sqlcipher)"),
        "{}",
        text(&out)
    );
    assert!(!db.exists(), "no plain database may be written");

    // An existing plain database is not opened either, whichever variable names the key.
    let made = warden(
        &db,
        &["init", "--admin", "amina", "--password-stdin"],
        "a long enough password\n",
        KeyEnv::NoKey,
    );
    assert!(made.status.success(), "{}", text(&made));
    let before = std::fs::read(&db).unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "secret\n").unwrap();
    for key in [KeyEnv::File(&key_file), KeyEnv::Direct("")] {
        let out = warden(&db, &["check"], "", key);
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains("built without encryption (feature sqlcipher)"),
            "{}",
            text(&out)
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[cfg(feature = "sqlcipher")]
mod encrypted {
    use super::*;
    use std::path::PathBuf;
    use std::sync::OnceLock;
    use warden::demo::{self, Country, DemoSpec, Size};

    const KEY: &str = "correct horse battery staple";
    const SEED: &str = "5";
    const WRONG_KEY: &str =
        "the database key is wrong, or this is not an encrypted warden database";

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// One encrypted demo (built by the binary) and the same demo in plain text (built in this process,
    /// which has no key set), shared by the tests; each test copies what it changes.
    fn demos() -> &'static (PathBuf, PathBuf) {
        static DEMOS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
        DEMOS.get_or_init(|| {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("encryption-demos");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let encrypted = dir.join("encrypted.db");
            let out = warden(
                &encrypted,
                &["demo", "--no-tui", "--seed", SEED],
                "",
                KeyEnv::Direct(KEY),
            );
            assert!(out.status.success(), "{}", text(&out));
            let plain = dir.join("plain.db");
            let spec = DemoSpec {
                country: Country::Uganda,
                size: Size::Small,
                seed: 5,
            };
            demo::build(&plain, &spec, chrono::Utc::now()).unwrap();
            (encrypted, plain)
        })
    }

    fn copy_of(from: &Path, dir: &Path, name: &str) -> PathBuf {
        let to = dir.join(name);
        std::fs::copy(from, &to).unwrap();
        to
    }

    /// Family names of the plain demo: what the encrypted file must not show.
    fn family_names(plain: &Path) -> Vec<String> {
        let conn = rusqlite::Connection::open(plain).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT family_name FROM prisoner WHERE length(family_name) >= 6
                 GROUP BY family_name ORDER BY count(*) DESC LIMIT 20",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn the_encrypted_file_holds_no_plain_text_and_opens_with_its_key() {
        let (encrypted, plain) = demos();
        let names = family_names(plain);
        assert!(!names.is_empty());
        let plain_bytes = std::fs::read(plain).unwrap();
        assert!(plain_bytes.starts_with(b"SQLite format 3\0"));
        assert!(
            contains(&plain_bytes, names[0].as_bytes()),
            "the control holds the names"
        );

        let bytes = std::fs::read(encrypted).unwrap();
        assert!(
            bytes.len() > 100_000,
            "a real database, {} bytes",
            bytes.len()
        );
        assert!(!contains(&bytes, b"SQLite format 3"));
        for name in &names {
            assert!(
                !contains(&bytes, name.as_bytes()),
                "{name} is readable in the file"
            );
        }
        assert!(!contains(&bytes, b"CREATE TABLE"));

        let dir = tempfile::tempdir().unwrap();
        let db = copy_of(encrypted, dir.path(), "warden.db");
        let out = warden(&db, &["check"], "", KeyEnv::Direct(KEY));
        assert!(out.status.success(), "{}", text(&out));
        let out = warden(
            &db,
            &["prisoner", "search", &names[0]],
            "",
            KeyEnv::Direct(KEY),
        );
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains(&names[0]), "{}", text(&out));
        // Writing keeps it encrypted, the write-ahead log included.
        let out = warden(
            &db,
            &[
                "user",
                "add",
                "zebedee",
                "--role",
                "officer",
                "--password-stdin",
            ],
            "a long enough password\n",
            KeyEnv::Direct(KEY),
        );
        assert!(out.status.success(), "{}", text(&out));
        for file in [db.clone(), dir.path().join("warden.db-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                assert!(!contains(&bytes, b"zebedee"), "{}", file.display());
            }
        }
    }

    #[test]
    fn a_wrong_key_or_no_key_is_refused_clearly_and_touches_nothing() {
        let (encrypted, _) = demos();
        let dir = tempfile::tempdir().unwrap();
        let db = copy_of(encrypted, dir.path(), "warden.db");
        let before = std::fs::read(&db).unwrap();

        let out = warden(&db, &["check"], "", KeyEnv::Direct("not the key"));
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(stderr.contains(WRONG_KEY), "{stderr}");
        assert!(!stderr.contains("not a SQLite database"), "{stderr}");
        // SQLCipher's own log stays off: the only words on the terminal are warden's.
        assert!(stderr.lines().all(|l| l.starts_with("warden:")), "{stderr}");

        let out = warden(&db, &["check"], "", KeyEnv::NoKey);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(stderr.contains("set WARDEN_DB_KEY_FILE"), "{stderr}");

        for args in [&["user", "list"][..], &["backup", "--to", "x.db"][..]] {
            let out = warden(&db, args, "", KeyEnv::Direct("not the key"));
            assert!(!out.status.success());
            assert!(text(&out).contains(WRONG_KEY), "{}", text(&out));
        }
        assert_eq!(std::fs::read(&db).unwrap(), before);
        assert!(!dir.path().join("x.db").exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_must_be_owner_only_and_its_line_break_is_not_part_of_the_key() {
        let (encrypted, _) = demos();
        let dir = tempfile::tempdir().unwrap();
        let db = copy_of(encrypted, dir.path(), "warden.db");
        let key_file = dir.path().join("warden.key");
        std::fs::write(&key_file, format!("{KEY}\n")).unwrap();

        set_mode(&key_file, 0o644);
        let out = warden(&db, &["check"], "", KeyEnv::File(&key_file));
        assert!(!out.status.success());
        assert!(text(&out).contains("chmod 600"), "{}", text(&out));
        set_mode(&key_file, 0o640);
        let out = warden(&db, &["check"], "", KeyEnv::File(&key_file));
        assert!(!out.status.success());
        assert!(text(&out).contains("open to its group"), "{}", text(&out));

        set_mode(&key_file, 0o600);
        let out = warden(&db, &["check"], "", KeyEnv::File(&key_file));
        assert!(out.status.success(), "{}", text(&out));

        let missing = dir.path().join("no-such.key");
        let out = warden(&db, &["check"], "", KeyEnv::File(&missing));
        assert!(!out.status.success());
        assert!(
            text(&out).contains("cannot read the key file"),
            "{}",
            text(&out)
        );
        let out = warden(&db, &["check"], "", KeyEnv::Direct(""));
        assert!(!out.status.success());
        assert!(text(&out).contains("key is empty"), "{}", text(&out));
    }

    #[test]
    fn backups_are_encrypted_with_the_same_key_and_restore() {
        let (encrypted, plain) = demos();
        let names = family_names(plain);
        let dir = tempfile::tempdir().unwrap();
        let db = copy_of(encrypted, dir.path(), "warden.db");
        let copy = dir.path().join("nightly.db");
        let out = warden(
            &db,
            &["backup", "--to", copy.to_str().unwrap()],
            "",
            KeyEnv::Direct(KEY),
        );
        assert!(out.status.success(), "{}", text(&out));
        let bytes = std::fs::read(&copy).unwrap();
        assert!(!contains(&bytes, b"SQLite format 3"));
        for name in &names {
            assert!(
                !contains(&bytes, name.as_bytes()),
                "{name} is readable in the backup"
            );
        }
        let out = warden(&copy, &["check"], "", KeyEnv::Direct(KEY));
        assert!(out.status.success(), "{}", text(&out));
        let out = warden(&copy, &["check"], "", KeyEnv::Direct("not the key"));
        assert!(!out.status.success());
        assert!(text(&out).contains(WRONG_KEY), "{}", text(&out));

        // Restored to a new place and over the live file: still encrypted, still sound.
        let fresh = dir.path().join("fresh.db");
        let out = warden(
            &fresh,
            &["restore", "--from", copy.to_str().unwrap()],
            "",
            KeyEnv::Direct(KEY),
        );
        assert!(out.status.success(), "{}", text(&out));
        let out = warden(
            &db,
            &["restore", "--from", copy.to_str().unwrap(), "--force"],
            "",
            KeyEnv::Direct(KEY),
        );
        assert!(out.status.success(), "{}", text(&out));
        for file in [&fresh, &db] {
            assert!(!contains(&std::fs::read(file).unwrap(), b"SQLite format 3"));
            let out = warden(file, &["check"], "", KeyEnv::Direct(KEY));
            assert!(out.status.success(), "{}", text(&out));
        }
    }

    #[test]
    fn a_plain_database_is_not_opened_with_a_key_and_still_opens_without_one() {
        let (_, plain) = demos();
        let dir = tempfile::tempdir().unwrap();
        let db = copy_of(plain, dir.path(), "warden.db");
        let before = std::fs::read(&db).unwrap();
        let out = warden(&db, &["check"], "", KeyEnv::Direct(KEY));
        assert!(!out.status.success());
        assert!(text(&out).contains("is not encrypted"), "{}", text(&out));
        assert_eq!(std::fs::read(&db).unwrap(), before);
        let out = warden(&db, &["check"], "", KeyEnv::NoKey);
        assert!(out.status.success(), "{}", text(&out));
    }

    #[test]
    fn a_new_database_is_created_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("warden.db");
        let out = warden(
            &db,
            &["init", "--admin", "amina", "--password-stdin"],
            "a long enough password\n",
            KeyEnv::Direct(KEY),
        );
        assert!(out.status.success(), "{}", text(&out));
        let bytes = std::fs::read(&db).unwrap();
        assert!(!contains(&bytes, b"SQLite format 3"));
        assert!(!contains(&bytes, b"amina"));
        let out = warden(&db, &["user", "list"], "", KeyEnv::Direct(KEY));
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("amina"), "{}", text(&out));
    }
}
