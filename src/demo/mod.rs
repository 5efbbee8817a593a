//! `warden demo`: a reproducible synthetic database built from a country profile, written through the store exactly
//! like real work (validated, audited, searchable). Same seed, same records; no real people.

mod allocation;
mod cases;
mod catalogue;
mod custody;
mod estate;
mod people;
mod profile;
mod restricted;
mod rosters;
mod screens;
mod sessions;

pub use custody::Added as CustodyCounts;
pub use rosters::Added as RosterCounts;

use crate::domain::auth::Role;
use crate::domain::auth::{Need, Permission};
use crate::domain::prisoner::NumberPattern;
use crate::domain::sentence::{Relation, ReleaseRules};
use crate::domain::settings::Setting;
use crate::store::{Actor, HashedPassword, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

/// Admissions per transaction: big enough to be fast, small enough to keep the write-ahead log modest.
const BATCH: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    Uganda,
    Kazakhstan,
    Tunisia,
}

impl Country {
    pub const ALL: [Country; 3] = [Country::Uganda, Country::Kazakhstan, Country::Tunisia];

    pub fn as_str(self) -> &'static str {
        match self {
            Country::Uganda => "uganda",
            Country::Kazakhstan => "kazakhstan",
            Country::Tunisia => "tunisia",
        }
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A dozen facilities and a couple of thousand prisoners: quick to build, for trying things out and for tests.
    Small,
    /// About 100,000 prisoners, 300 facilities and 20,000 cells: the design target for one country's central box.
    National,
}

impl Size {
    pub fn as_str(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::National => "national",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSpec {
    pub country: Country,
    pub size: Size,
    pub seed: u64,
}

/// A demo account. The end-to-end tests and the README use exactly these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub name: &'static str,
    pub password: &'static str,
    pub role: Role,
}

pub const DEMO_USERS: [DemoUser; 5] = [
    DemoUser {
        name: "admin",
        password: "admin-demo",
        role: Role::Admin,
    },
    DemoUser {
        name: "officer",
        password: "officer-demo",
        role: Role::Officer,
    },
    DemoUser {
        name: "assessor",
        password: "assessor-demo",
        role: Role::Assessor,
    },
    DemoUser {
        name: "programme",
        password: "programme-demo",
        role: Role::Programme,
    },
    DemoUser {
        name: "supervisor",
        password: "supervisor-demo",
        role: Role::Supervisor,
    },
];

/// Records are dated relative to the day the demo is built (issue 17: its release dates must agree with that day),
/// so a seed gives the same database whenever it is built on the same day, and the same people, dated from
/// that day, on another.
pub fn reference_date(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive()
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "{path}: {reason}; refusing to replace it (`warden demo` only replaces an earlier demo database: choose another file with --db)"
    )]
    NotDemo { path: PathBuf, reason: String },
    #[error("demo profile: {0}")]
    Profile(String),
    #[error("--site: {0}")]
    Site(String),
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was built, for the message after `warden demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub path: PathBuf,
    pub spec: DemoSpec,
    /// The country and the real figures its proportions come from.
    pub about: String,
    pub facilities: usize,
    pub units: usize,
    pub cells: usize,
    pub cells_out_of_use: usize,
    pub certified: u64,
    pub prisoners: usize,
    pub female: usize,
    pub young: usize,
    pub remand: usize,
    pub vep: usize,
    /// Programmes, needs screens, places given and attendance marks (rosters.rs).
    pub rosters: RosterCounts,
    /// Custody classifications, reclassifications and overrides (custody.rs).
    pub custody: CustodyCounts,
    /// Violent-extremism judgements: restricted records (restricted.rs).
    pub restricted: restricted::Added,
    /// Cases recorded (the legal basis of detention, cases.rs).
    pub cases: usize,
    /// Release dates replaced by a court order's, with its reason.
    pub court_orders: usize,
    /// People whose release day passed before the build day and whom the demo released on it.
    pub released: usize,
    /// People left in custody past their release day, for the supervisors' alert.
    pub held_past_release: usize,
}

impl DemoSummary {
    /// Whole percent of `part` in `whole`.
    pub fn percent(part: u64, whole: u64) -> u64 {
        crate::domain::estate::occupancy_percent(part, whole).unwrap_or(0)
    }
}

/// Draws an index with probability proportional to its weight.
pub(crate) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    /// `None` when there is nothing to draw (no weights, or all zero).
    pub fn new(weights: &[f64]) -> Option<Weighted> {
        let mut total = 0.0;
        let cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        (total > 0.0).then_some(Weighted { cumulative })
    }

    pub fn sample(&self, rng: &mut impl Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len() - 1)
    }
}

/// One item at random. Every list passed here is checked non-empty when the profiles load (Profile::check).
pub(crate) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Where a build is, for a progress line (the national demo takes most of a minute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Estate,
    /// With how many of how many people are admitted so far.
    Admissions,
    Releases,
    Allocation,
    Rosters,
    Classifications,
    Restricted,
    /// Writing everything into the one file.
    Finishing,
}

impl Stage {
    /// The message key of the stage's words in the catalogue.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Estate => "demo-stage-estate",
            Stage::Admissions => "demo-stage-admissions",
            Stage::Releases => "demo-stage-releases",
            Stage::Allocation => "demo-stage-allocation",
            Stage::Rosters => "demo-stage-rosters",
            Stage::Classifications => "demo-stage-classifications",
            Stage::Restricted => "demo-stage-restricted",
            Stage::Finishing => "demo-stage-finishing",
        }
    }
}

/// Told each stage as it starts, and the admissions as they go: (stage, done, total).
pub type Report<'a> = &'a mut dyn FnMut(Stage, usize, usize);

/// Builds the demo database at `path`. An existing file is replaced only if it is an earlier demo; the new
/// database is built beside it and moved into place at the end, so a failure leaves the old one as it was.
pub fn build(path: &Path, spec: &DemoSpec, now: DateTime<Utc>) -> Result<DemoSummary, DemoError> {
    build_reporting(path, spec, now, &mut |_, _, _| {})
}

/// [`build`], telling `report` where it is.
pub fn build_reporting(
    path: &Path,
    spec: &DemoSpec,
    now: DateTime<Utc>,
    report: Report<'_>,
) -> Result<DemoSummary, DemoError> {
    build_station(path, spec, None, now, report)
}

/// [`build_reporting`] for one prison's station (`site`: a facility code of the country's demo estate): the same
/// people the whole demo puts in that facility, and nothing of the others. Sites built from one seed are the
/// stations of one service, for the national roll-up.
pub fn build_station(
    path: &Path,
    spec: &DemoSpec,
    site: Option<&str>,
    now: DateTime<Utc>,
    report: Report<'_>,
) -> Result<DemoSummary, DemoError> {
    check_replaceable(path)?;
    let building = with_suffix(path, &format!(".building-{}", std::process::id()));
    remove_database_files(&building)?;
    let built = (|| {
        let mut store = Store::create(&building)?;
        store.set_viewer(Some(crate::domain::auth::Authority::System));
        let summary = generate_reporting(&mut store, spec, site, now, report)?;
        // Everything into the main file, so moving that one file moves the whole database.
        report(Stage::Finishing, 0, 0);
        store.checkpoint()?;
        Ok(summary)
    })();
    let mut summary = match built {
        Ok(s) => s,
        Err(e) => {
            let _ = remove_database_files(&building);
            return Err(e);
        }
    };
    // A write-ahead log left beside the old file would be replayed into the new one.
    remove_files(path, &["-wal", "-shm"])?;
    std::fs::rename(&building, path).map_err(|e| io_error(path, e))?;
    remove_database_files(&building)?;
    summary.path = path.to_path_buf();
    Ok(summary)
}

/// Whether `path` may be (re)built as a demo: absent, empty, or a warden database marked as a demo.
pub fn check_replaceable(path: &Path) -> Result<(), DemoError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(path, e)),
    };
    let refuse = |reason: &str| DemoError::NotDemo {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if !meta.is_file() {
        return Err(refuse("not a regular file"));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let store = Store::open(path).map_err(|e| match e {
        StoreError::NotSqlite { .. } => refuse("not a SQLite database"),
        StoreError::NotWarden { .. } => refuse("a SQLite database, but not a warden one"),
        StoreError::TooNew { .. } => refuse("a database made by a newer warden"),
        other => refuse(&other.to_string()),
    })?;
    match store.setting(&Setting::DemoCountry)? {
        Some(_) => Ok(()),
        None => Err(refuse("holds a warden database that is not a demo")),
    }
}

/// Fills a new, empty store with the demo: users, settings, estate, then the prisoners in admission order.
pub fn generate(
    store: &mut Store,
    spec: &DemoSpec,
    now: DateTime<Utc>,
) -> Result<DemoSummary, DemoError> {
    generate_reporting(store, spec, None, now, &mut |_, _, _| {})
}

fn generate_reporting(
    store: &mut Store,
    spec: &DemoSpec,
    site: Option<&str>,
    now: DateTime<Utc>,
    report: Report<'_>,
) -> Result<DemoSummary, DemoError> {
    // Tens of thousands of small audited writes into a file built beside its final place: a crash loses a
    // scratch file, never data, so none of them waits for the disk.
    store.set_bulk_loading(true)?;
    let built = fill(store, spec, site, now, report);
    // Back to flushing every commit whatever happened, before the file is checkpointed and moved into place.
    let restored = store.set_bulk_loading(false);
    let summary = built?;
    restored?;
    Ok(summary)
}

fn fill(
    store: &mut Store,
    spec: &DemoSpec,
    site: Option<&str>,
    now: DateTime<Utc>,
    report: Report<'_>,
) -> Result<DemoSummary, DemoError> {
    report(Stage::Estate, 0, 0);
    let profiles = profile::Profiles::load()?;
    let profile = profiles.country(spec.country);
    let size = profiles.size(spec.size);
    let reference = reference_date(now);
    let actor = Actor::system("demo", now);

    // The marker goes first: even a half-built file is then recognisably a demo that may be replaced.
    store.set_setting(&actor, &Setting::DemoCountry, spec.country.as_str())?;
    store.set_setting(&actor, &Setting::DemoSize, spec.size.as_str())?;
    store.set_setting(&actor, &Setting::DemoSeed, &spec.seed.to_string())?;
    let accounts: Vec<String> = DEMO_USERS
        .iter()
        .map(|u| format!("{}/{}", u.name, u.password))
        .collect();
    store.set_setting(&actor, &Setting::DemoAccounts, &accounts.join(", "))?;
    store.set_setting(&actor, &Setting::NumberPattern, &profile.number_pattern)?;
    // The country's release rules (docs/SENTENCES.md), before anyone is admitted: every date is worked out once.
    let rules = ReleaseRules::preset(spec.country.as_str());
    store.set_release_rules(&actor, &rules)?;
    store.set_remand_limits(
        &actor,
        &crate::domain::sentence::RemandLimits::preset(spec.country.as_str()),
    )?;
    let pattern = NumberPattern::parse(&profile.number_pattern).map_err(DemoError::Profile)?;
    // The accounts' hashes take a core for a while by design; made on a thread of their own beside the build.
    let hash_all = || {
        DEMO_USERS
            .iter()
            .map(|u| HashedPassword::new(u.password))
            .collect::<Vec<_>>()
    };
    let hashing = std::thread::spawn(hash_all);

    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let counts = people::class_counts(profile, size);
    let plan = estate::plan(profile, &profiles.common, size, &counts, &mut rng)?;
    // Every facility of the plan is drawn (so a site's people are the whole demo's people there); only the
    // station's own are written.
    let station = match site {
        None => None,
        Some(code) => Some(site_index(&plan, code)?),
    };
    if let Some(code) = site {
        store.set_setting(&actor, &Setting::DemoSite, code.trim())?;
    }
    let here = |facility: usize| station.is_none_or(|s| s == facility);
    // Ids of what is not written stay 0: nobody is placed there.
    let (facility_ids, cell_ids) =
        store.write(&actor, Need::To(Permission::EditEstate), "demo", |tx| {
            let mut facility_ids = vec![0; plan.facilities.len()];
            for (i, f) in plan.facilities.iter().enumerate() {
                if here(i) {
                    facility_ids[i] = tx.insert_facility(&f.facility)?;
                }
            }
            let mut unit_ids = vec![0; plan.units.len()];
            for (i, u) in plan.units.iter().enumerate() {
                if here(u.facility) {
                    unit_ids[i] = tx.insert_unit(&crate::domain::estate::Unit {
                        facility_id: facility_ids[u.facility],
                        ..u.unit.clone()
                    })?;
                }
            }
            let mut cell_ids = vec![0; plan.cells.len()];
            for (i, c) in plan.cells.iter().enumerate() {
                if here(plan.units[c.unit].facility) {
                    cell_ids[i] = tx.insert_cell(&crate::domain::estate::Cell {
                        unit_id: unit_ids[c.unit],
                        ..c.cell.clone()
                    })?;
                }
            }
            Ok((facility_ids, cell_ids))
        })?;

    let mut skeletons = people::skeletons(
        profile, &counts, &plan, &pattern, reference, &rules, &mut rng,
    )?;
    skeletons.retain(|s| here(s.facility));
    let ctx = people::Context {
        profile,
        common: &profiles.common,
        plan: &plan,
        facility_ids: &facility_ids,
        cell_ids: &cell_ids,
        reference,
        seed: spec.seed,
        rules,
        turned_adult: people::turned_adult(&skeletons, &plan, reference),
    };
    let mut case_count = 0;
    let mut orders = 0;
    report(Stage::Admissions, 0, skeletons.len());
    // The register's own indexes (by facility, cell, name, release ...) are made once after the admissions,
    // which find people only by id and number; the later stages read through them.
    store.defer_indexes("prisoner")?;
    for (n, batch) in skeletons.chunks(BATCH).enumerate() {
        store.write(&actor, Need::To(Permission::EditEstate), "demo", |tx| {
            for s in batch {
                let p = people::prisoner(&ctx, s);
                let named = |e| match e {
                    StoreError::Invalid(m) => {
                        StoreError::invalid(format!("demo record {}: {m}", p.number))
                    }
                    other => other,
                };
                // The generator records the cases itself (below), with more than the admission form's sentence
                // fields would make into a first case.
                let admitted = crate::domain::prisoner::Prisoner {
                    sentence_start: None,
                    sentence_months: None,
                    ..p.clone()
                };
                let id = tx.admit(&admitted, &pattern, reference).map_err(named)?;
                // The cases name each other by a stand-in id; the first's stored id replaces it.
                let mut first = None;
                for mut case in cases::cases(&ctx, s, &p) {
                    if let (Some(stored), Some(sentence)) = (first, case.sentence.as_mut())
                        && let Relation::ConsecutiveTo(_) = sentence.relation
                    {
                        sentence.relation = Relation::ConsecutiveTo(stored);
                    }
                    let stored = tx.add_case(id, &case).map_err(named)?;
                    first.get_or_insert(stored);
                    case_count += 1;
                }
                let computed = tx.release_working(id)?.computed;
                if let Some(order) = cases::court_order(&ctx, s, computed) {
                    tx.set_release_override(id, Some(&order)).map_err(named)?;
                    orders += 1;
                }
            }
            Ok(())
        })?;
        report(
            Stage::Admissions,
            ((n + 1) * BATCH).min(skeletons.len()),
            skeletons.len(),
        );
    }
    store.restore_deferred_indexes()?;
    report(Stage::Releases, 0, 0);
    // Those whose release day passed before the build day leave on it, as the register would show; the few
    // held past it stay for the alert. Ids follow admission order in a new database.
    // One transaction for them all: one at a time, each waited for its own sync (a national demo has hundreds).
    let released = store.write(&actor, Need::To(Permission::Release), "demo", |tx| {
        let mut released = 0;
        for (i, s) in skeletons.iter().enumerate() {
            if s.fate != cases::Fate::Released {
                continue;
            }
            let id = i as i64 + 1;
            let Some(day) = tx.release_working(id)?.date else {
                continue;
            };
            let at = day
                .and_hms_opt(9, 0, 0)
                .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN))
                .max(s.admitted);
            tx.release(
                id,
                "Officer in charge",
                "Sentence served: released on the expected release date",
                at,
            )?;
            released += 1;
        }
        Ok(released)
    })?;

    // The stages below act as the demo's staff, who must exist by now.
    let hashed = hashing.join().unwrap_or_else(|_| hash_all());
    for (user, password) in DEMO_USERS.iter().zip(hashed) {
        store.add_user_hashed(&actor, user.name, user.role, &password?)?;
    }

    report(Stage::Allocation, 0, 0);
    // A stream of its own, so the allocation data never changes who the prisoners are.
    let mut allocation_rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x00A1_10C8);
    let added = allocation::add(store, profile, skeletons.len(), now, &mut allocation_rng)?;
    tracing::info!(
        non_associations = added.non_associations,
        segregations = added.segregations,
        ended_segregations = added.ended,
        "demo allocation data"
    );

    report(Stage::Rosters, 0, 0);
    // Rosters from a stream of their own too, after everything else, so adding them changed nothing above.
    let mut roster_rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x0005_7E55_1045);
    let rosters = rosters::add(
        store,
        profile,
        size.screened_per_facility,
        now,
        &mut roster_rng,
    )?;

    report(Stage::Classifications, 0, 0);
    // Custody classifications last, from a stream of their own: the prisoners and rosters of a seed stay as
    // they were without them.
    let mut custody_rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x00C0_5700_D1E5);
    let custody = custody::add(
        store,
        profile,
        skeletons.len(),
        [
            size.classified_per_facility,
            size.classified_open_per_facility,
        ],
        now,
        &mut custody_rng,
    )?;
    tracing::info!(
        classified = custody.classified,
        reclassified = custody.reclassified,
        overrides = custody.overrides,
        pending = custody.pending,
        "demo custody classifications"
    );

    report(Stage::Restricted, 0, 0);
    // Restricted judgements last, from their own stream: nothing above changes with them.
    let mut restricted_rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x0000_0E11_5EC7);
    let restricted = restricted::add(store, now, &mut restricted_rng)?;

    let count = |f: &dyn Fn(&people::Skeleton) -> bool| skeletons.iter().filter(|s| f(s)).count();
    let cells_here = || {
        plan.cells
            .iter()
            .filter(|c| here(plan.units[c.unit].facility))
    };
    Ok(DemoSummary {
        path: store.path().to_path_buf(),
        spec: *spec,
        about: format!(
            "{} (the real service: {} prisons, {} prisoners, {} women, {} violent extremist prisoners)",
            profile.name,
            people::thousands(profile.prisons),
            people::thousands(profile.prisoners),
            people::thousands(profile.female),
            people::thousands(profile.vep)
        ),
        facilities: (0..plan.facilities.len()).filter(|&f| here(f)).count(),
        units: plan.units.iter().filter(|u| here(u.facility)).count(),
        cells: cells_here().count(),
        cells_out_of_use: cells_here().filter(|c| c.cell.out_of_use.is_some()).count(),
        certified: cells_here()
            .filter(|c| c.cell.out_of_use.is_none())
            .map(|c| u64::from(c.cell.certified))
            .sum(),
        prisoners: skeletons.len(),
        female: count(&|s| s.class.sex == crate::domain::estate::Sex::Female),
        young: count(&|s| s.class.age == crate::domain::estate::AgeGroup::Young),
        remand: count(&|s| s.class.status == crate::domain::estate::LegalStatus::Remand),
        vep: count(&|s| s.vep),
        rosters,
        custody,
        restricted,
        cases: case_count,
        court_orders: orders,
        released,
        held_past_release: count(&|s| s.fate == cases::Fate::HeldPast),
    })
}

/// The plan's index of the facility a station is built for, or the codes there are.
fn site_index(plan: &estate::EstatePlan, code: &str) -> Result<usize, DemoError> {
    let wanted = code.trim();
    plan.facilities
        .iter()
        .position(|f| f.facility.code.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            DemoError::Site(crate::i18n::t_args(
                "demo-no-such-site",
                &[
                    ("code", crate::domain::text::display(wanted).into()),
                    (
                        "codes",
                        plan.facilities
                            .iter()
                            .map(|f| f.facility.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                            .into(),
                    ),
                ],
            ))
        })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes a database file and its write-ahead log and shared-memory index, where present.
fn remove_database_files(path: &Path) -> Result<(), DemoError> {
    remove_files(path, &["", "-wal", "-shm"])
}

fn remove_files(path: &Path, suffixes: &[&str]) -> Result<(), DemoError> {
    for suffix in suffixes {
        let p = with_suffix(path, suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&p, e)),
        }
    }
    Ok(())
}

fn io_error(path: &Path, e: std::io::Error) -> DemoError {
    DemoError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}
