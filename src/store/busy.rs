//! Waiting for the write lock when another station is saving: jittered retries within one bounded wait.
//!
//! Why not only SQLite's `busy_timeout`: its handler sleeps on a fixed schedule (1, 2, 5 ... 100 ms, then 100 ms
//! forever), the same in every process, so waiters that started together poll together, and a station that has
//! waited longest sleeps longest while a newcomer grabs the lock. It is also never called for SQLITE_LOCKED.
//! `Store::write` therefore takes the write lock (BEGIN IMMEDIATE) itself: one attempt without SQLite's handler,
//! then a randomised pause, capped short so a long waiter keeps polling as often as a newcomer, until a total
//! budget runs out. Reads keep `busy_timeout` (in WAL mode they wait only while a file is being recovered or
//! restored). Only the lock is retried, never the caller's work: nothing runs twice.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// The longest `Store::write` waits for another station's save before giving up with `StoreError::Busy`.
/// A save holds the lock for milliseconds; only a restore or a large estate load holds it for seconds.
pub const WRITE_BUDGET: Duration = Duration::from_secs(8);

/// The budget in the TUI, where the screen cannot change while a save waits (the UI thread is the one waiting):
/// a few seconds without an answer is as long as a person should look at a frozen screen before being told.
pub const SCREEN_WRITE_BUDGET: Duration = Duration::from_secs(3);

/// The first pause; each later one doubles, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(1);
/// Short, so that a station that has waited long still polls often enough to win the lock in its turn.
const MAX_PAUSE: Duration = Duration::from_millis(40);

/// How one connection waits for the write lock: its budget and the random source of its pauses.
pub(crate) struct Wait {
    pub budget: Duration,
    rng: ChaCha8Rng,
}

impl Wait {
    /// A budget of [`WRITE_BUDGET`] and pauses seeded from the process and the clock, so that stations which
    /// collide do not pause alike.
    pub fn new() -> Wait {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Wait::seeded(WRITE_BUDGET, nanos ^ (u64::from(std::process::id()) << 32))
    }

    pub fn seeded(budget: Duration, seed: u64) -> Wait {
        Wait {
            budget,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The pause before the next attempt, or `None` once `waited` has used up the budget. `tries` counts the
    /// attempts refused so far.
    pub fn next_pause(&mut self, waited: Duration, tries: u32) -> Option<Duration> {
        if waited >= self.budget {
            return None;
        }
        Some(pause(tries, &mut self.rng).min(self.budget - waited))
    }
}

/// The pause before retry number `tries + 1`: a random length between half and all of an exponentially growing
/// step ("equal jitter"), so it never collapses to nothing and never exceeds [`MAX_PAUSE`].
pub(crate) fn pause(tries: u32, rng: &mut impl Rng) -> Duration {
    let step = FIRST_PAUSE
        .saturating_mul(1u32 << tries.min(16))
        .min(MAX_PAUSE);
    let half = step / 2;
    half + Duration::from_micros(rng.random_range(0..=half.as_micros() as u64))
}

/// SQLITE_BUSY (another connection holds the lock) and SQLITE_LOCKED (a conflict inside a shared cache or this
/// connection): both clear on their own, so both are worth waiting for.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None)
    }

    #[test]
    fn pauses_grow_stay_within_half_and_whole_step_and_are_capped() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for tries in 0..40 {
            let step = (FIRST_PAUSE * (1u32 << tries.min(16))).min(MAX_PAUSE);
            let p = pause(tries, &mut rng);
            assert!(
                p >= step / 2 && p <= step,
                "try {tries}: {p:?} outside {step:?}"
            );
        }
        assert!(pause(1000, &mut rng) <= MAX_PAUSE);
    }

    #[test]
    fn pauses_differ_between_stations_that_collide_together() {
        let lengths: std::collections::BTreeSet<Duration> = (0..8)
            .map(|seed| pause(6, &mut ChaCha8Rng::seed_from_u64(seed)))
            .collect();
        assert!(lengths.len() > 4, "jitter spreads the pauses: {lengths:?}");
    }

    #[test]
    fn busy_and_locked_are_retried_other_errors_are_not() {
        assert!(is_busy(&busy()));
        assert!(is_busy(&rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_LOCKED),
            None
        )));
        assert!(!is_busy(&rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None
        )));
    }

    #[test]
    fn pauses_stop_at_the_budget_and_never_overshoot_it() {
        let budget = Duration::from_millis(100);
        let mut wait = Wait::seeded(budget, 2);
        assert_eq!(wait.next_pause(budget, 3), None);
        assert_eq!(wait.next_pause(Duration::from_secs(60), 0), None);
        let last = wait.next_pause(Duration::from_millis(99), 10).unwrap();
        assert!(
            last <= Duration::from_millis(1),
            "{last:?} would overshoot the budget"
        );
        // Summed over a whole wait, the pauses end exactly at the budget.
        let (mut waited, mut tries) = (Duration::ZERO, 0);
        while let Some(p) = wait.next_pause(waited, tries) {
            waited += p;
            tries += 1;
        }
        assert_eq!(waited, budget);
        assert!(tries > 5, "many short polls, not one long sleep: {tries}");
    }

    /// A fresh database, its path, and a second plain connection that can hold the write lock as another
    /// station's save would.
    fn two_stations() -> (tempfile::TempDir, crate::store::Store, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = crate::store::Store::create(&path).unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        (dir, store, other)
    }

    fn actor() -> crate::store::Actor {
        crate::store::Actor::system_now("test")
    }

    fn setting(store: &crate::store::Store, key: &str) -> Option<String> {
        // The tests write a key of their own straight into the table, so it is read back the same way.
        use rusqlite::OptionalExtension as _;
        store
            .conn()
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .unwrap()
    }

    #[test]
    fn a_write_waits_for_another_stations_save_then_lands_once() {
        let (_dir, mut store, other) = two_stations();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let (held, release) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            // Held for a moment after the write starts, so the write usually meets it and must wait.
            release.recv().unwrap();
            other.execute_batch("COMMIT").unwrap();
        });
        let mut runs = 0;
        let started = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(50));
                held.send(()).unwrap();
            });
            store.write(
                &actor(),
                crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
                "test",
                |tx| {
                    runs += 1;
                    tx.execute("INSERT INTO setting(key, value) VALUES ('k', 'v')", [])?;
                    tx.audit(
                        crate::domain::audit::Entity::Setting,
                        "k",
                        crate::domain::audit::Deed::Set,
                        None::<&()>,
                        Some(&"v"),
                    )
                },
            )
        });
        holder.join().unwrap();
        started.unwrap();
        assert_eq!(runs, 1, "the work runs once, after the lock is free");
        assert_eq!(setting(&store, "k").as_deref(), Some("v"));
        assert!(store.verify_audit().unwrap().is_none());
    }

    #[test]
    fn a_write_gives_up_with_a_clear_message_and_nothing_half_done() {
        let (_dir, mut store, other) = two_stations();
        store.set_write_budget(Duration::from_millis(200));
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut runs = 0;
        let e = store
            .write(
                &actor(),
                crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
                "test",
                |tx| {
                    runs += 1;
                    tx.execute("INSERT INTO setting(key, value) VALUES ('k', 'v')", [])?;
                    Ok(())
                },
            )
            .unwrap_err();
        assert!(e.is_busy(), "{e:?}");
        assert!(!e.is_invalid());
        let text = e.to_string();
        assert!(
            text.starts_with("another station is saving")
                && text.ends_with("nothing was lost, try again"),
            "{text}"
        );
        assert_eq!(runs, 0, "the work never started, so nothing is half done");
        assert_eq!(setting(&store, "k"), None);

        // Once the other station has finished, the very same save succeeds.
        other.execute_batch("COMMIT").unwrap();
        store
            .write(
                &actor(),
                crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
                "test",
                |tx| {
                    tx.execute("INSERT INTO setting(key, value) VALUES ('k', 'v')", [])?;
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(setting(&store, "k").as_deref(), Some("v"));
    }

    #[test]
    fn reads_and_writes_on_the_connection_keep_waiting_after_a_refused_lock() {
        let (_dir, mut store, other) = two_stations();
        store.set_write_budget(Duration::from_millis(20));
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        assert!(
            store
                .write(
                    &actor(),
                    crate::domain::auth::Need::To(
                        crate::domain::auth::Permission::ConfigureStation
                    ),
                    "test",
                    |_| Ok(())
                )
                .unwrap_err()
                .is_busy()
        );
        other.execute_batch("COMMIT").unwrap();
        // SQLite's own wait is back for everything else this connection does.
        let timeout: i64 = store
            .conn()
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout as u128, crate::store::BUSY_TIMEOUT.as_millis());
    }
}
