//! Power cuts, as SIGKILL at random instants: an officer edits a record in the real TUI (pseudo-terminal) while a
//! large estate load runs beside it; both are killed with no chance to tidy up. After every cut the file must
//! pass `warden check` (integrity, foreign keys, audit chain), every save the screen confirmed must be there
//! exactly once, the load must be all there or not at all, and a keystroke draft must hold text that was typed.
//!
//! `cargo test --test power_cut` runs a few rounds; `scripts/power-cut.sh N` runs N and prints the counts.

#[allow(dead_code)]
#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;

use fixture::{Demo, OFFICER, check};
use harness::{Launch, Term, keys};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use warden::domain::auth::Role;
use warden::domain::prisoner::{may_edit_field, visible_fields};
use warden::store::Store;

/// Rounds the ordinary test run does: each is a real start, sign-in, edits and kill, a few seconds in a debug build.
const CI_ROUNDS: usize = 3;
/// Units of 2,000 cells in each estate load: long enough (about 0.15 s) for a kill to land inside it.
const LOAD_UNITS: usize = 3;
const CELLS_PER_UNIT: usize = 2000;
/// Rounds on one database before a fresh one: each load adds 6,000 cells, and a file that only grows would make
/// a long run slower with every round.
const ROUNDS_PER_FILE: usize = 25;

/// What a run of rounds found. Everything from `saves_lost` on must stay 0.
#[derive(Debug, Default)]
struct Counts {
    rounds: usize,
    saves_confirmed: usize,
    /// Saves sent (F2) but killed before the screen confirmed them: found in the database anyway, or not.
    unconfirmed_landed: usize,
    unconfirmed_absent: usize,
    loads_killed: usize,
    saves_lost: usize,
    saves_duplicated: usize,
    wrong_values: usize,
    integrity_failures: usize,
    chain_failures: usize,
    partial_loads: usize,
    bad_drafts: usize,
    stuck_rounds: usize,
}

impl Counts {
    fn failures(&self) -> usize {
        self.saves_lost
            + self.saves_duplicated
            + self.wrong_values
            + self.integrity_failures
            + self.chain_failures
            + self.partial_loads
            + self.bad_drafts
            + self.stuck_rounds
    }
}

/// Where the kill falls in a round.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// Part-way through typing a new value: nothing new is saved; the draft holds some of what was typed.
    Typing,
    /// Just after F2, before the screen answers: the save is either whole or absent.
    Saving,
    /// On the record after a confirmed save.
    Idle,
    /// The screen did not show what was expected in time; the session was closed and killed.
    Stuck,
}

/// SIGKILL straight through the system call: spawning `kill` takes longer than a save, so every save would be
/// done before the signal came.
fn sigkill(pid: u32) -> bool {
    unsafe extern "C" {
        safe fn kill(pid: i32, sig: i32) -> i32;
    }
    const SIGKILL: i32 = 9;
    kill(pid as i32, SIGKILL) == 0
}

/// How many Tabs take an officer's edit form from its first field to `key`.
fn tabs_to(key: &str) -> usize {
    visible_fields(Role::Officer)
        .filter(|f| may_edit_field(Role::Officer, f))
        .position(|f| f.key == key)
        .expect("the officer may edit this field")
}

fn estate_file(dir: &Path, code: &str) -> std::path::PathBuf {
    let mut text = format!(
        "[[facility]]\ncode = \"{code}\"\nname = \"Cut {code}\"\nregion = \"Central\"\nkind = \"men\"\n\
         security = \"medium\"\n"
    );
    for u in 0..LOAD_UNITS {
        text.push_str(&format!(
            "\n  [[facility.unit]]\n  code = \"U{u}\"\n  name = \"Wing {u}\"\n  sex = \"male\"\n  \
             age_group = \"adult\"\n  legal_use = \"any\"\n  security = \"medium\"\n\n    \
             [[facility.unit.cells]]\n    prefix = \"U{u}-\"\n    from = 1\n    to = {CELLS_PER_UNIT}\n    \
             certified = 1\n    operational = 2\n    maximum = 3\n"
        ));
    }
    let path = dir.join(format!("{code}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// (cells of the facility `code`, audit rows written by the estate loads so far).
fn load_state(db: &Path, code: &str) -> (i64, i64) {
    let c = store_conn(db);
    let cells = c
        .query_row(
            "SELECT count(*) FROM cell JOIN unit ON unit.id = cell.unit_id \
             JOIN facility ON facility.id = unit.facility_id WHERE facility.code = ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap();
    let audited = c
        .query_row(
            // The command line's rows: its actor is the OS account's warden user, `NAME (os: ACCOUNT)`.
            "SELECT count(*) FROM audit WHERE actor LIKE '% (os: %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (cells, audited)
}

fn store_conn(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).unwrap()
}

/// Opens the edit form on the record on screen and moves to the next-of-kin field, cleared.
fn open_form(term: &mut Term, number: &str) {
    term.send("e");
    term.wait_until("the edit form", |s| {
        s.contains(&format!("Edit {number}")) && !s.contains(&format!("Saved {number}"))
    });
    term.send(&keys::TAB.repeat(tabs_to("next_of_kin")));
    term.wait_for(">Next of kin");
    // More than the field can hold, whatever an earlier round or a restored draft left in it.
    term.send(&keys::BACKSPACE.repeat(80));
}

/// Runs `rounds` rounds, on a fresh demo database every [`ROUNDS_PER_FILE`] rounds.
fn run(rounds: usize, seed: u64) -> Counts {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut counts = Counts::default();
    let mut first = 0;
    while first < rounds && counts.integrity_failures + counts.chain_failures == 0 {
        let these = (rounds - first).min(ROUNDS_PER_FILE);
        run_on_one_file(first..first + these, seed, &mut rng, &mut counts);
        first += these;
    }
    counts
}

fn run_on_one_file(
    rounds: std::ops::Range<usize>,
    seed: u64,
    rng: &mut ChaCha8Rng,
    counts: &mut Counts,
) {
    let demo = Demo::new();
    let person = demo
        .store()
        .search("", 50)
        .unwrap()
        .into_iter()
        .find(|p| p.in_custody)
        .expect("someone in custody");
    let original = demo
        .store()
        .prisoner(person.id)
        .unwrap()
        .unwrap()
        .prisoner
        .next_of_kin;
    // Every value the field has held or been typed with: a draft may hold a prefix of any of them.
    let mut typed_ever = vec![original.clone()];
    let mut confirmed: Vec<String> = Vec::new();
    let mut lost = std::collections::BTreeSet::new();
    let mut current = original;
    let draft_key = format!("edit-prisoner:{}", person.id);

    for round in rounds {
        // The estate load, killed at its own random instant (or left to finish).
        let code = format!("PC{round}");
        let file = estate_file(demo.path(), &code);
        let (_, audited_before) = load_state(&demo.db, &code);
        let mut load = Command::new(harness::binary())
            .args(["estate", "load", file.to_str().unwrap(), "--apply", "--db"])
            .arg(&demo.db)
            .env("WARDEN_LOG_DIR", demo.path().join("logs"))
            .env_remove("WARDEN_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the estate load");
        let load_cut = Duration::from_millis(rng.random_range(0..250));
        let killer = std::thread::spawn(move || {
            std::thread::sleep(load_cut);
            let finished = matches!(load.try_wait(), Ok(Some(s)) if s.success());
            let _ = load.kill();
            let _ = load.wait();
            finished
        });

        // The session, from start to kill. A wait that runs out (the screen never showed what was expected)
        // panics inside; the round is then counted as stuck, and the file is checked all the same.
        let session = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut term = Launch::new(&demo.db, demo.path()).start();
            term.wait_for("Sign in");
            term.send(OFFICER.0);
            term.send(keys::ENTER);
            term.send(OFFICER.1);
            term.send(keys::ENTER);
            term.wait_for("The service now");
            term.send("/");
            term.wait_for("Find:");
            term.send(&person.number);
            term.wait_until("the person selected", |s| {
                s.lines()
                    .any(|l| l.starts_with('>') && l.contains(&person.number))
            });
            term.send(keys::ENTER);
            term.wait_for("Legal status and sentence");

            let saves_first = rng.random_range(0..=2);
            let cut = match rng.random_range(0..3) {
                0 => Cut::Typing,
                1 => Cut::Saving,
                _ if saves_first == 0 => Cut::Saving,
                _ => Cut::Idle,
            };
            for s in 0..saves_first {
                let value = format!("Kin r{round} s{s} {seed}");
                open_form(&mut term, &person.number);
                term.send(&value);
                typed_ever.push(value.clone());
                term.wait_for(&value);
                term.send(keys::F2);
                term.wait_for(&format!("Saved {}", person.number));
                confirmed.push(value.clone());
                current = value;
                counts.saves_confirmed += 1;
            }
            let pause = Duration::from_millis(rng.random_range(0..40));
            let mut in_flight = None;
            match cut {
                Cut::Typing => {
                    let value = format!("Kin r{round} cut {seed}");
                    open_form(&mut term, &person.number);
                    let part: String = value
                        .chars()
                        .take(rng.random_range(1..=value.chars().count()))
                        .collect();
                    typed_ever.push(value);
                    // Key by key, so the cut can fall between two keystroke drafts.
                    for c in part.chars() {
                        term.send(&c.to_string());
                    }
                    std::thread::sleep(pause);
                }
                Cut::Saving => {
                    let value = format!("Kin r{round} inflight {seed}");
                    open_form(&mut term, &person.number);
                    term.send(&value);
                    typed_ever.push(value.clone());
                    term.wait_for(&value);
                    // The kill leaves with F2 and lands 0-2.5 ms later: a save commits within about 2 ms here, so
                    // some cuts fall before the commit and some after (the counts show both).
                    let pid = term.pid();
                    let early = Duration::from_micros(rng.random_range(0..2500));
                    let kill = std::thread::spawn(move || {
                        std::thread::sleep(early);
                        sigkill(pid)
                    });
                    term.send(keys::F2);
                    assert!(kill.join().unwrap(), "SIGKILL to {pid} failed");
                    in_flight = Some(value);
                }
                Cut::Idle | Cut::Stuck => std::thread::sleep(pause),
            }
            if !matches!(cut, Cut::Saving) {
                term.kill_hard();
            }
            term.wait_exit();
            (cut, in_flight)
        }));
        let (cut, in_flight) = match session {
            Ok(done) => done,
            Err(_) => {
                eprintln!("round {round}: stuck; the terminal was closed and the program killed");
                counts.stuck_rounds += 1;
                // Whatever was typed last may or may not have been saved.
                (Cut::Stuck, typed_ever.last().cloned())
            }
        };
        if !killer.join().unwrap() {
            counts.loads_killed += 1;
        }
        counts.rounds += 1;

        let (ok, report) = check(&demo.db, demo.path());
        if !ok {
            eprintln!("round {round}: warden check failed:\n{report}");
            if report.contains("audit chain: ok") {
                counts.integrity_failures += 1;
            } else {
                counts.chain_failures += 1;
            }
            // A damaged file cannot be read further; the counts say so.
            break;
        }
        let store = Store::open(&demo.db).expect("open after the cut");
        let now = store
            .prisoner(person.id)
            .unwrap()
            .unwrap()
            .prisoner
            .next_of_kin;
        if in_flight.as_deref() == Some(now.as_str()) {
            counts.unconfirmed_landed += 1;
            confirmed.push(now.clone());
            current = now.clone();
        } else if in_flight.is_some() && now == current {
            counts.unconfirmed_absent += 1;
        } else if now != current {
            eprintln!("round {round} ({cut:?}): next of kin is {now:?}, expected {current:?}");
            counts.wrong_values += 1;
            current = now;
        }
        for value in &confirmed {
            let rows: i64 = store_conn(&demo.db)
                .query_row(
                    "SELECT count(*) FROM audit WHERE entity = 'prisoner' AND action = 'update' \
                     AND after LIKE ?1",
                    [format!("%\"{value}\"%")],
                    |r| r.get(0),
                )
                .unwrap();
            match rows {
                1 => {}
                // Each lost save counted once, not again in every later round.
                0 if lost.insert(value.clone()) => {
                    eprintln!("round {round}: the save of {value:?} has no audit row");
                    counts.saves_lost += 1;
                }
                0 => {}
                _ => counts.saves_duplicated += 1,
            }
        }
        if let Some((payload, _)) = store.draft(OFFICER.0, &draft_key).unwrap() {
            let fields: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&payload).unwrap_or_default();
            let kin = fields.get("next_of_kin");
            let plausible =
                kin.is_none_or(|k| typed_ever.iter().any(|t| t.starts_with(k.as_str())));
            if !plausible || serde_json::from_str::<serde_json::Value>(&payload).is_err() {
                eprintln!("round {round}: the draft holds text nobody typed: {payload}");
                counts.bad_drafts += 1;
            }
        }
        let (cells, audited_after) = load_state(&demo.db, &code);
        let audited = audited_after - audited_before;
        let whole = (LOAD_UNITS * CELLS_PER_UNIT) as i64;
        // All or nothing: every cell with one audit row each, plus the facility and its units; or none of it.
        if !(cells == 0 && audited == 0
            || cells == whole && audited == whole + 1 + LOAD_UNITS as i64)
        {
            eprintln!(
                "round {round}: estate load {code} left {cells} cells and {audited} audit rows"
            );
            counts.partial_loads += 1;
        }
    }
}

#[test]
fn power_cuts_at_random_instants_lose_no_confirmed_save_and_damage_nothing() {
    let counts = run(CI_ROUNDS, 20261125);
    eprintln!("{counts:?}");
    assert_eq!(counts.rounds, CI_ROUNDS, "{counts:?}");
    assert_eq!(counts.failures(), 0, "{counts:?}");
}

/// `WARDEN_POWER_CUT_ROUNDS=1000 cargo test --test power_cut -- --ignored --nocapture` (scripts/power-cut.sh).
#[test]
#[ignore = "long: run by scripts/power-cut.sh"]
fn power_cut_rounds_from_the_environment() {
    let rounds: usize = std::env::var("WARDEN_POWER_CUT_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let seed: u64 = std::env::var("WARDEN_POWER_CUT_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let counts = run(rounds, seed);
    println!(
        "rounds {} | saves confirmed {} | unconfirmed saves that landed {} | that did not {} | estate loads killed before they finished {} | \
         lost answers {} | duplicated {} | wrong values {} | integrity failures {} | audit chain failures {} | \
         partial loads {} | bad drafts {} | stuck rounds {}",
        counts.rounds,
        counts.saves_confirmed,
        counts.unconfirmed_landed,
        counts.unconfirmed_absent,
        counts.loads_killed,
        counts.saves_lost,
        counts.saves_duplicated,
        counts.wrong_values,
        counts.integrity_failures,
        counts.chain_failures,
        counts.partial_loads,
        counts.bad_drafts,
        counts.stuck_rounds
    );
    assert_eq!(counts.rounds, rounds, "{counts:?}");
    assert_eq!(counts.failures(), 0, "{counts:?}");
}
