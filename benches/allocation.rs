//! The allocation issue's budgets on the national demo database: ranked cell suggestions within a facility
//! (<= 20 ms) and across all facilities (<= 100 ms), and the occupancy board (<= 30 ms); and the placements
//! report's query (every current placement checked against the hard rules; no budget stated).
//! `cargo bench --bench allocation` (figures in docs/PERFORMANCE.md, "Allocation").
//!
//! Percentiles are measured here, one timing per call, and printed before divan's table. Under `cargo test`
//! (no `--bench`) every benchmark runs once on a small demo database, as a smoke test.

use chrono::{NaiveDate, TimeZone, Utc};
use divan::Bencher;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use warden::demo::{Country, DemoSpec, Size};
use warden::domain::allocate::{self, Context};
use warden::store::{Store, Within};

static DATABASE: OnceLock<PathBuf> = OnceLock::new();

fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn database() -> &'static Path {
    DATABASE.get_or_init(|| {
        if full_run() {
            // Its own file, so the schema is whatever this build creates, not an older bench's.
            let path = target_dir().join("bench-allocation-national.db");
            let ready = Store::open(&path)
                .and_then(|s| s.headline())
                .is_ok_and(|h| h.population >= 50_000);
            if !ready {
                eprintln!("building the national demo in {} ...", path.display());
                build(&path, Size::National);
            }
            path
        } else {
            let path =
                target_dir().join(format!("bench-allocation-small-{}.db", std::process::id()));
            build(&path, Size::Small);
            path
        }
    })
}

fn build(path: &Path, size: Size) {
    let spec = DemoSpec {
        country: Country::Uganda,
        size,
        seed: 1,
    };
    warden::demo::build(path, &spec, Utc::now()).expect("build the demo database");
}

fn today() -> NaiveDate {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .unwrap()
        .date_naive()
}

/// People in custody spread through the register, with the facility that holds them.
fn sample_people(limit: usize) -> Vec<(i64, i64)> {
    let conn = rusqlite::Connection::open_with_flags(
        database(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open read-only");
    let total: i64 = conn
        .query_row("SELECT count(*) FROM prisoner", [], |r| r.get(0))
        .expect("count");
    let step = (total / limit as i64).max(1);
    let mut stmt = conn
        .prepare(
            "SELECT id, facility_id FROM prisoner WHERE id % ?1 = 0 AND in_custody = 1 AND facility_id IS NOT NULL
             ORDER BY id",
        )
        .expect("prepare");
    stmt.query_map([step], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .take(limit)
        .collect()
}

fn suggest(store: &Store, person: i64, within: Within) -> usize {
    store
        .suggest_cells(person, within, today())
        .expect("suggest")
        .2
        .len()
}

/// Budget 20 ms: the ranked cells of the facility that holds the person (read, check, score, sort).
#[divan::bench(sample_count = 100)]
fn suggestions_within_a_facility(bencher: Bencher) {
    let store = Store::open(database()).expect("open");
    let people = sample_people(100);
    let next = Cell::new(0usize);
    bencher.bench_local(|| {
        let (person, facility) = people[next.get() % people.len()];
        next.set(next.get() + 1);
        suggest(&store, person, Within::Facility(facility))
    });
}

/// Budget 100 ms: the ranked cells of the whole estate.
#[divan::bench(sample_count = 30)]
fn suggestions_across_all_facilities(bencher: Bencher) {
    let store = Store::open(database()).expect("open");
    let people = sample_people(30);
    let next = Cell::new(0usize);
    bencher.bench_local(|| {
        let (person, _) = people[next.get() % people.len()];
        next.set(next.get() + 1);
        suggest(&store, person, Within::All)
    });
}

/// Budget 30 ms: every facility with its capacity and head count, by region and nation, most overcrowded first.
#[divan::bench(sample_count = 50)]
fn occupancy_board(bencher: Bencher) {
    let store = Store::open(database()).expect("open");
    bencher.bench_local(|| store.occupancy_board().expect("board"));
}

/// No budget in the issue: the placements report, every person in a cell checked against every hard rule.
#[divan::bench(sample_count = 10)]
fn placement_breaches(bencher: Bencher) {
    let store = Store::open(database()).expect("open");
    bencher.bench_local(|| store.placement_breaches(today()).expect("breaches").len());
}

// ---- percentiles ---------------------------------------------------------------------------------------------

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(label: &str, mut samples: Vec<Duration>, budget_ms: f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let p99 = ms(at(0.99));
    // An infinite budget stands for none stated.
    let verdict = if budget_ms.is_infinite() {
        "no budget stated".to_string()
    } else if p99 <= budget_ms {
        format!("budget {budget_ms} ms: met")
    } else {
        format!("budget {budget_ms} ms: MISSED")
    };
    println!(
        "{label:<44} n={:<4} p50 {:>7.2}  p90 {:>7.2}  p99 {:>7.2}  max {:>7.2} ms   {verdict}",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        p99,
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
    );
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn percentiles() {
    let store = Store::open(database()).expect("open");
    let people = sample_people(200);
    let rules = store.allocation_rules().expect("rules");
    // Warm the caches once, as a running station's would be.
    let _ = suggest(&store, people[0].0, Within::All);

    let mut whole = Vec::new();
    let (mut load, mut rank) = (Vec::new(), Vec::new());
    let mut offered = 0usize;
    for &(person, facility) in &people {
        let (n, d) = timed(|| suggest(&store, person, Within::Facility(facility)));
        whole.push(d);
        offered += n;
        let (c, d) = timed(|| {
            store
                .candidate_cells(Within::Facility(facility), today())
                .expect("cells")
        });
        load.push(d);
        let mover = store
            .mover(person, today())
            .expect("mover")
            .expect("exists");
        let keep = store.keep_apart(person, today()).expect("keep apart");
        let ctx = Context {
            rules: &rules,
            keep_apart: &keep,
        };
        rank.push(timed(|| allocate::rank(&mover, &c, &ctx)).1);
    }
    report("suggestions within a facility", whole, 20.0);
    report("  of which reading the cell summaries", load, 20.0);
    report("  of which checking and ranking", rank, 20.0);
    println!(
        "  {:.1} cells offered per person on average",
        offered as f64 / people.len() as f64
    );

    let some = &people[..50.min(people.len())];
    let mut whole = Vec::new();
    let (mut load, mut rank) = (Vec::new(), Vec::new());
    for &(person, _) in some {
        whole.push(timed(|| suggest(&store, person, Within::All)).1);
        let (c, d) = timed(|| store.candidate_cells(Within::All, today()).expect("cells"));
        load.push(d);
        let mover = store
            .mover(person, today())
            .expect("mover")
            .expect("exists");
        let keep = store.keep_apart(person, today()).expect("keep apart");
        let ctx = Context {
            rules: &rules,
            keep_apart: &keep,
        };
        rank.push(timed(|| allocate::rank(&mover, &c, &ctx)).1);
    }
    report(
        "suggestions across all facilities (estate unchanged)",
        whole,
        100.0,
    );
    report("  of which the cell summaries (kept)", load, 100.0);
    report("  of which checking and ranking", rank, 100.0);
    // After any write the summaries are read afresh: a new connection each time gives that cold path.
    let cold: Vec<Duration> = some
        .iter()
        .map(|&(person, _)| {
            let fresh = Store::open(database()).expect("open");
            timed(|| suggest(&fresh, person, Within::All)).1
        })
        .collect();
    report("suggestions across all facilities (cold)", cold, 100.0);

    let board: Vec<Duration> = (0..50)
        .map(|_| timed(|| store.occupancy_board().expect("board")).1)
        .collect();
    report("occupancy board (nation, regions, facilities)", board, 30.0);
    let facility = people[0].1;
    let units: Vec<Duration> = (0..50)
        .map(|_| timed(|| store.unit_occupancy(facility).expect("units")).1)
        .collect();
    report("occupancy board, one facility's units", units, 30.0);

    // The first call on a fresh connection reads the estate; the rest use the kept summaries.
    let fresh = Store::open(database()).expect("open");
    let (found, first) = timed(|| fresh.placement_breaches(today()).expect("breaches"));
    report(
        "placements report, first call (cold)",
        vec![first],
        f64::INFINITY,
    );
    let runs: Vec<Duration> = (0..20)
        .map(|_| timed(|| store.placement_breaches(today()).expect("breaches")).1)
        .collect();
    report(
        "placements report (placement_breaches)",
        runs,
        f64::INFINITY,
    );
    println!(
        "  {} people in a cell that breaks a hard rule for them",
        found.len()
    );
}

fn main() {
    if full_run() {
        percentiles();
    }
    divan::main();
    // The smoke run's database is this process's own (its name carries the pid): remove it, with SQLite's side
    // files, so that test runs do not fill the target folder. The national one is kept for the next full run.
    if !full_run() && DATABASE.get().is_some() {
        let path: &Path = database();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}
