//! Need-to-know (issue 16): records made on a restricted form (the demo's violent-extremism judgements) are
//! invisible to roles without the VEP permission everywhere: the store's reads, the record screen, every report
//! in text, CSV and PDF, and the command line. The same reads as an assessor show them, so each test can fail.

#[path = "screens/driver.rs"]
#[allow(dead_code)]
mod driver;
#[path = "screens/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use warden::demo::{Country, DemoSpec, Size};
use warden::domain::auth::{Authority, Role};
use warden::print::{Format, Paper};
use warden::report::{Kind, Params};
use warden::store::Store;

const RESTRICTED_FORM: &str = "vep_risk_spj";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

/// The small Uganda demo (its violent extremist prisoners have restricted judgements), built once.
fn demo() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let path = dir.join(format!("need-to-know-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let spec = DemoSpec {
            country: Country::Uganda,
            size: Size::Small,
            seed: 1,
        };
        warden::demo::build(&path, &spec, now()).unwrap();
        path
    })
}

/// A copy of the demo this test may change (sessions write audit rows).
fn copy(dir: &Path) -> PathBuf {
    let path = dir.join("copy.db");
    std::fs::copy(demo(), &path).unwrap();
    path
}

fn as_role(store: &Store, role: Role) {
    store.set_viewer(Some(Authority::Staff(role)));
}

/// The people with a restricted judgement, read as warden itself.
fn judged_people(store: &Store) -> Vec<i64> {
    store.set_viewer(Some(Authority::System));
    let mut ids = Vec::new();
    for p in store.search("", 100_000).unwrap() {
        if store
            .assessments_of_prisoner(p.id)
            .unwrap()
            .iter()
            .any(|a| a.form_id == RESTRICTED_FORM)
        {
            ids.push(p.id);
        }
    }
    ids
}

#[test]
fn the_stores_reads_hide_restricted_records_from_roles_without_the_vep_permission() {
    let store = Store::open(demo()).unwrap();
    let judged = judged_people(&store);
    assert!(!judged.is_empty(), "the demo has restricted judgements");
    let today = now().date_naive() + chrono::Duration::days(400);
    for (role, sees) in [
        (Role::Officer, false),
        (Role::Programme, false),
        (Role::Assessor, true),
        (Role::Supervisor, true),
        (Role::Admin, true),
    ] {
        as_role(&store, role);
        let on_records = judged
            .iter()
            .flat_map(|id| store.assessments_of_prisoner(*id).unwrap())
            .filter(|a| a.form_id == RESTRICTED_FORM)
            .count();
        let due = store
            .reviews_due(today)
            .unwrap()
            .iter()
            .filter(|a| a.form_id == RESTRICTED_FORM)
            .count();
        let waiting = store
            .awaiting_approval()
            .unwrap()
            .iter()
            .filter(|a| a.form_id == RESTRICTED_FORM)
            .count();
        if sees {
            assert!(on_records > 0 && due > 0, "{role}: {on_records} {due}");
        } else {
            assert_eq!((on_records, due, waiting), (0, 0, 0), "{role}");
        }
    }
    // Nobody signed in sees none.
    store.set_viewer(None);
    assert!(
        store
            .assessments_of_prisoner(judged[0])
            .unwrap()
            .iter()
            .all(|a| a.form_id != RESTRICTED_FORM)
    );
}

#[test]
fn the_reviews_report_in_text_csv_and_pdf_shows_an_officer_no_restricted_line() {
    let store = Store::open(demo()).unwrap();
    let until = now().date_naive() + chrono::Duration::days(400);
    let report = |role: Role, vep: bool| {
        as_role(&store, role);
        let mut params = Params::new(now(), role.as_str());
        params.to = until;
        params.vep = vep;
        warden::report::build(&store, Kind::Reviews, &params).unwrap()
    };
    let officer = report(Role::Officer, false);
    let assessor = report(Role::Assessor, true);
    for format in [Format::Text, Format::Csv, Format::Pdf] {
        let bytes = warden::print::render(&officer, format, Paper::A4).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(RESTRICTED_FORM), "{format:?}");
        assert!(!text.contains("Violent-extremism"), "{format:?}");
    }
    let text = String::from_utf8_lossy(
        &warden::print::render(&assessor, Format::Text, Paper::A4).unwrap(),
    )
    .to_string();
    assert!(
        text.contains(RESTRICTED_FORM) || text.contains("Violent-extremism"),
        "the assessor's report shows them:\n{text}"
    );
    // The document itself (which every format prints) has no restricted row for the officer.
    assert!(!format!("{officer:?}").contains(RESTRICTED_FORM));
}

#[test]
fn an_officer_sees_no_restricted_judgement_on_the_record_but_an_assessor_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy(dir.path());
    let (number, name) = {
        let store = Store::open(&db).unwrap();
        let id = judged_people(&store)[0];
        let p = store.prisoner(id).unwrap().unwrap().prisoner;
        (p.number.clone(), p.family_name.clone())
    };
    let record = |user: &str| {
        let mut d = driver::Driver::new(&db);
        d.text(user)
            .key(crossterm::event::KeyCode::Enter)
            .text(&format!("{user}-demo"))
            .key(crossterm::event::KeyCode::Enter);
        d.text("/").text(&number);
        d.key(crossterm::event::KeyCode::Enter);
        let mut pages = String::new();
        for _ in 0..6 {
            pages.push_str(&d.screen());
            d.key(crossterm::event::KeyCode::PageDown);
        }
        pages
    };
    let officer = record("officer");
    assert!(
        officer.contains(&number) && officer.contains(&name),
        "{officer}"
    );
    assert!(!officer.contains("Violent-extremism"), "{officer}");
    let assessor = record("assessor");
    assert!(assessor.contains("Violent-extremism"), "{assessor}");
}
