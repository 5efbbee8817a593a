//! The roster issue's budgets on the national demo database: a facility's weekly roster with 1,000 allocations
//! (<= 20 ms) and the allocation checks for one person and one programme, clashes included (<= 1 ms); and the
//! printing issue's: that roster as a printed report, text (<= 20 ms) and PDF (<= 200 ms).
//! `cargo bench --bench rosters` (figures in docs/PERFORMANCE.md, "Rosters").
//!
//! The demo's own programmes are small; so the budget is met where it bites, the bench adds to the largest
//! facility forty programmes of 25 places and fills them through the real checks (1,000 allocations), once per
//! database file. Under `cargo test` (no `--bench`) everything runs once on a small demo with 100 allocations.

use chrono::{Duration as Days, NaiveDate, NaiveTime, TimeZone, Utc};
use divan::Bencher;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use warden::demo::{Country, DemoSpec, Size};
use warden::domain::roster::{Category, Eligibility, Programme, ReferralStatus, Slot, monday_of};
use warden::store::{Actor, Store};

static DATABASE: OnceLock<(PathBuf, i64)> = OnceLock::new();
const CODE_PREFIX: &str = "BENCH";

fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn today() -> NaiveDate {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .unwrap()
        .date_naive()
}

/// The database and the facility holding the bench's programmes.
fn database() -> &'static (PathBuf, i64) {
    DATABASE.get_or_init(|| {
        let (path, size, places) = if full_run() {
            (
                target_dir().join("bench-rosters-national.db"),
                Size::National,
                1000,
            )
        } else {
            (
                target_dir().join(format!("bench-rosters-small-{}.db", std::process::id())),
                Size::Small,
                100,
            )
        };
        let ready = Store::open(&path)
            .and_then(|s| s.headline())
            .is_ok_and(|h| h.population > 0);
        if !ready {
            eprintln!("building the demo in {} ...", path.display());
            let spec = DemoSpec {
                country: Country::Uganda,
                size,
                seed: 1,
            };
            warden::demo::build(&path, &spec, Utc::now()).expect("build the demo database");
        }
        let facility = fill(&path, places);
        (path, facility)
    })
}

/// Adds the bench's programmes to the most populous facility and allocates `places` people, unless done.
fn fill(path: &Path, places: usize) -> i64 {
    let mut store = Store::open(path).expect("open");
    let conn = rusqlite::Connection::open(path).expect("open for reading");
    let facility: i64 = conn
        .query_row(
            "SELECT facility_id FROM prisoner WHERE in_custody = 1 AND cell_id IS NOT NULL
             GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("largest facility");
    let programmes = store.programmes(facility, None).expect("programmes");
    let bench: Vec<&Programme> = programmes
        .iter()
        .filter(|p| p.code.starts_with(CODE_PREFIX))
        .collect();
    if !bench.is_empty() {
        return facility;
    }
    let actor = Actor::system("programme", Utc::now());
    let count = places.div_ceil(25);
    let mut ids = Vec::new();
    for i in 0..count {
        // Mornings and afternoons through the week; everyone joins one programme, so there are no clashes.
        let start = 8 + (i % 4) as u32 * 2;
        let day = (i / 4 % 5) as u8 + 1;
        let slot = |weekday: u8| Slot {
            id: 0,
            weekday,
            starts: NaiveTime::from_hms_opt(start, 0, 0).unwrap(),
            ends: NaiveTime::from_hms_opt(start + 2, 0, 0).unwrap(),
        };
        let p = Programme {
            id: 0,
            facility_id: facility,
            code: format!("{CODE_PREFIX}{i:02}"),
            name: format!("Bench programme {i:02}"),
            category: Category::ALL[i % Category::ALL.len()],
            provider: "staff".into(),
            facilitators: vec![format!("Facilitator {i}")],
            room: format!("Room {}", i % 8),
            capacity: 25,
            starts_on: today() - Days::days(28),
            ends_on: today() + Days::days(56),
            eligibility: Eligibility::default(),
            completion_percent: 80,
            vep_share_percent: 100,
            slots: vec![slot(day), slot((day + 1) % 5 + 1)],
        };
        ids.push(store.add_programme(&actor, &p).expect("add programme"));
    }
    let mut stmt = conn
        .prepare(
            "SELECT id FROM prisoner WHERE facility_id = ?1 AND in_custody = 1 AND cell_id IS NOT NULL
               AND (expected_release IS NULL OR expected_release > ?2)
               AND id NOT IN (SELECT prisoner_id FROM referral WHERE status = 'allocated')
             ORDER BY id",
        )
        .expect("prepare");
    let people: Vec<i64> = stmt
        .query_map(
            rusqlite::params![facility, (today() + Days::days(60)).to_string()],
            |r| r.get(0),
        )
        .expect("people")
        .map(|r| r.expect("row"))
        .collect();
    let mut placed = 0;
    for (n, person) in people.into_iter().enumerate() {
        if placed >= places {
            break;
        }
        let programme = ids[n % ids.len()];
        let Ok(referral) = store.refer(&actor, programme, person, None, "") else {
            continue;
        };
        // Non-associations inside the facility refuse a few; they stay referred, as they would in a prison.
        if store.allocate_place(&actor, referral, None).is_ok() {
            placed += 1;
        }
    }
    eprintln!("{placed} allocations in facility {facility}");
    facility
}

fn allocated_total(store: &Store, facility: i64) -> usize {
    store
        .programmes(facility, None)
        .expect("programmes")
        .iter()
        .map(|p| {
            store
                .programme_referrals(p.id, ReferralStatus::Allocated)
                .expect("group")
                .len()
        })
        .sum()
}

/// Budget 20 ms: every session of the facility's week with its group.
#[divan::bench(sample_count = 50)]
fn weekly_roster(bencher: Bencher) {
    let (path, facility) = database();
    let store = Store::open(path).expect("open");
    let monday = monday_of(today());
    bencher.bench_local(|| {
        store
            .weekly_roster(*facility, monday)
            .expect("roster")
            .len()
    });
}

/// People of the facility with the programmes they might join, for the check benchmarks.
fn pairs(store: &Store, facility: i64, limit: usize) -> Vec<(i64, i64)> {
    let programmes = store.programmes(facility, None).expect("programmes");
    let mut out = Vec::new();
    for (i, p) in programmes.iter().enumerate() {
        for r in store
            .programme_referrals(p.id, ReferralStatus::Allocated)
            .expect("group")
            .iter()
            .take(3)
        {
            // Someone already in one programme, checked for another: their sessions are compared.
            let other = &programmes[(i + 1) % programmes.len()];
            out.push((other.id, r.prisoner_id));
        }
    }
    out.truncate(limit);
    out
}

/// Budget 1 ms: every allocation check for one person and one programme (capacity, non-associations in the
/// group, clashes with their other sessions and court dates, release, unit, eligibility, mixed-group rule).
#[divan::bench(sample_count = 200)]
fn allocation_check(bencher: Bencher) {
    let (path, facility) = database();
    let store = Store::open(path).expect("open");
    let pairs = pairs(&store, *facility, 100);
    let next = Cell::new(0usize);
    bencher.bench_local(|| {
        let (programme, person) = pairs[next.get() % pairs.len()];
        next.set(next.get() + 1);
        store
            .check_place(programme, person, today())
            .expect("check")
            .refusals
            .len()
    });
}

fn roster_report(store: &Store, facility: i64) -> warden::print::Document {
    let mut params = warden::report::Params::new(
        Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap(),
        "bench",
    );
    params.facility = store.facility(facility).expect("facility");
    warden::report::build(store, warden::report::Kind::Roster, &params).expect("report")
}

/// Budget 20 ms: the week's roster, read and rendered as 80-column pages.
#[divan::bench(sample_count = 30)]
fn roster_as_text(bencher: Bencher) {
    let (path, facility) = database();
    let store = Store::open(path).expect("open");
    bencher.bench_local(|| {
        let doc = roster_report(&store, *facility);
        warden::print::render(&doc, warden::print::Format::Text, warden::print::Paper::A4)
            .expect("text")
            .len()
    });
}

/// Budget 200 ms: the same as a PDF with the embedded font.
#[divan::bench(sample_count = 10)]
fn roster_as_pdf(bencher: Bencher) {
    let (path, facility) = database();
    let store = Store::open(path).expect("open");
    bencher.bench_local(|| {
        let doc = roster_report(&store, *facility);
        warden::print::render(&doc, warden::print::Format::Pdf, warden::print::Paper::A4)
            .expect("pdf")
            .len()
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(label: &str, mut samples: Vec<Duration>, budget_ms: f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let p99 = ms(at(0.99));
    println!(
        "{label:<44} n={:<4} p50 {:>7.3}  p90 {:>7.3}  p99 {:>7.3}  max {:>7.3} ms   budget {budget_ms} ms: {}",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        p99,
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
        if p99 <= budget_ms { "met" } else { "MISSED" }
    );
}

fn percentiles() {
    let (path, facility) = database();
    let store = Store::open(path).expect("open");
    let monday = monday_of(today());
    println!(
        "facility {facility}: {} allocations",
        allocated_total(&store, *facility)
    );
    let _ = store.weekly_roster(*facility, monday);
    let mut samples = Vec::new();
    let mut sessions = 0;
    for _ in 0..100 {
        let start = Instant::now();
        sessions = store
            .weekly_roster(*facility, monday)
            .expect("roster")
            .len();
        samples.push(start.elapsed());
    }
    report(
        &format!("weekly roster ({sessions} sessions)"),
        samples,
        20.0,
    );
    let mut samples = Vec::new();
    for (programme, person) in pairs(&store, *facility, 200) {
        let start = Instant::now();
        let _ = store
            .check_place(programme, person, today())
            .expect("check");
        samples.push(start.elapsed());
    }
    report("allocation check (clashes included)", samples, 1.0);
    for (format, budget, runs) in [
        (warden::print::Format::Text, 20.0, 50),
        (warden::print::Format::Pdf, 200.0, 10),
    ] {
        let mut samples = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let doc = roster_report(&store, *facility);
            size = warden::print::render(&doc, format, warden::print::Paper::A4)
                .expect("render")
                .len();
            samples.push(start.elapsed());
        }
        report(
            &format!("roster report as {} ({size} bytes)", format.as_str()),
            samples,
            budget,
        );
    }
}

fn main() {
    if full_run() {
        percentiles();
    }
    divan::main();
    // The smoke run's database is this process's own (its name carries the pid): remove it, with SQLite's side
    // files, so that test runs do not fill the target folder. The national one is kept for the next full run.
    if !full_run() && DATABASE.get().is_some() {
        let path: &Path = &database().0;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}
