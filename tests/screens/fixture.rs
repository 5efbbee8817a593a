//! A small, fixed register for screen tests: two facilities, a unit, cells, staff of every role, and
//! prisoners whose names use Latin, Cyrillic and Arabic script.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use warden::domain::auth::Role;
use warden::domain::estate::*;
use warden::domain::prisoner::{BirthDate, Prisoner};
use warden::store::{Actor, Store};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

pub const PASSWORD: &str = "password1";

pub struct Fixture {
    /// Held so the directory outlives the test.
    pub _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub okello: i64,
    pub abenov: i64,
}

pub fn build() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut store = Store::create(&path).unwrap();
    let a = Actor::system("admin", t0());
    for role in Role::ALL {
        store.add_user(&a, role.as_str(), role, PASSWORD).unwrap();
    }
    let luz = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "LUZ".into(),
                name: "Luzira Upper".into(),
                region: "Central".into(),
                kind: FacilityKind::Men,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
    store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "KIR".into(),
                name: "Kirinya".into(),
                region: "Eastern".into(),
                kind: FacilityKind::Mixed,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let unit = store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: luz,
                code: "A".into(),
                name: "A wing remand".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Remand,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let cell = store
        .add_cell(
            &a,
            &Cell {
                id: 0,
                unit_id: unit,
                code: "A-01".into(),
                certified: 1,
                operational: 2,
                maximum: 4,
                out_of_use: None,
            },
        )
        .unwrap();
    store
        .add_cell(
            &a,
            &Cell {
                id: 0,
                unit_id: unit,
                code: "A-02".into(),
                certified: 2,
                operational: 4,
                maximum: 6,
                out_of_use: Some("roof leaking".into()),
            },
        )
        .unwrap();
    let admitted = NaiveDate::from_ymd_opt(2026, 10, 2)
        .unwrap()
        .and_hms_opt(14, 30, 0)
        .unwrap();
    let mut p = Prisoner::blank(admitted);
    p.number = "LUZ/2026/00001".into();
    p.family_name = "Okello".into();
    p.given_names = "John Bosco".into();
    p.birth = BirthDate::Exact(NaiveDate::from_ymd_opt(1990, 3, 14).unwrap());
    p.nationality = "Ugandan".into();
    p.languages = vec!["Acholi".into(), "English".into()];
    p.offences = "Robbery".into();
    p.committing_authority = "Chief Magistrate, Nakawa".into();
    p.warrant_ref = "CR-1234/2026".into();
    p.court_dates = vec![NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()];
    p.next_of_kin = "Akello Grace (sister), Gulu".into();
    p.home_district = "Gulu".into();
    p.vep = true;
    p.facility_id = Some(luz);
    p.cell_id = Some(cell);
    let okello = store.admit(&a, &p).unwrap();
    let mut k = Prisoner::blank(admitted);
    k.number = "LUZ/2026/00002".into();
    k.family_name = "Абенов".into();
    k.given_names = "Нурлан".into();
    k.aliases = vec!["Abenov Nurlan".into(), "محمد".into()];
    k.birth = BirthDate::YearOnly(1985);
    k.legal_status = LegalStatus::Convicted;
    k.sentence_start = NaiveDate::from_ymd_opt(2026, 1, 10);
    k.sentence_months = Some(36);
    k.expected_release = NaiveDate::from_ymd_opt(2029, 1, 10);
    k.committing_authority = "High Court".into();
    k.facility_id = Some(luz);
    k.property = "watch red".into();
    let abenov = store.admit(&a, &k).unwrap();
    // Stored before controls were refused: old data keeps what it holds and is still shown safely.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE prisoner SET details = json_set(details, '$.property', ?1) WHERE id = ?2",
            ("watch\u{1b}[31m red", abenov),
        )
        .unwrap();
    Fixture {
        _dir: dir,
        path,
        okello,
        abenov,
    }
}

/// Lets work under way on a worker (the password check of a sign-in, a print) finish, as the event loop's
/// wake-ups would.
#[allow(dead_code)]
pub fn finish_work(app: &mut warden::tui::app::App, now: DateTime<Utc>) {
    let start = std::time::Instant::now();
    while app.working() {
        assert!(start.elapsed().as_secs() < 60, "the work never finished");
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.tick(now);
    }
}

/// A key, and when nobody is signed in yet or the screen is locked, the password check it may have started.
#[allow(dead_code)]
pub fn press_key(
    app: &mut warden::tui::app::App,
    key: crossterm::event::KeyEvent,
    now: DateTime<Utc>,
) {
    app.handle_key(key, now);
    if app.session().is_none() || app.is_locked() {
        finish_work(app, now);
    }
}
