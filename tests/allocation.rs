//! The last-bed race: two sessions (two connections, then two processes) both see one free place and both try to
//! take it. Exactly one wins; the other is told the cell filled up meanwhile, and capacity is never exceeded.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use warden::domain::allocate::MoveReason;
use warden::domain::auth::Role;
use warden::domain::estate::*;
use warden::domain::prisoner::{BirthDate, Prisoner};
use warden::store::{Actor, MoveRequest, Seen, Store, Within};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    t0().date_naive()
}

/// One facility with one single cell (absolute maximum 1) and two people waiting for a place.
fn last_bed(dir: &Path) -> (PathBuf, i64, [i64; 2]) {
    let path = dir.join("w.db");
    let mut store = Store::create(&path).unwrap();
    let a = Actor::system("admin", t0());
    store
        .add_user(&a, "admin", Role::Admin, "password1")
        .unwrap();
    store
        .add_user(&a, "officer1", Role::Officer, "password1")
        .unwrap();
    store
        .add_user(&a, "officer2", Role::Officer, "password1")
        .unwrap();
    let facility = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "LUZ".into(),
                name: "Luzira".into(),
                region: "Central".into(),
                kind: FacilityKind::Men,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let unit = store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: facility,
                code: "A".into(),
                name: "A wing".into(),
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
                operational: 1,
                maximum: 1,
                out_of_use: None,
            },
        )
        .unwrap();
    let mut people = [0; 2];
    for (i, id) in people.iter_mut().enumerate() {
        let mut p = Prisoner::blank(today().and_hms_opt(8, 0, 0).unwrap());
        p.number = format!("LUZ/2026/{:05}", i + 1);
        p.family_name = format!("Waiting{}", i + 1);
        p.birth = BirthDate::YearOnly(1990);
        p.committing_authority = "Chief Magistrate".into();
        p.facility_id = Some(facility);
        *id = store.admit(&a, &p).unwrap();
    }
    (path, cell, people)
}

/// What one session does: look at the suggestions, see the free place, take it.
fn take_the_bed(
    path: &Path,
    officer: &str,
    prisoner: i64,
    cell: i64,
    go: impl FnOnce(),
) -> Result<(), String> {
    let mut store = Store::open(path).map_err(|e| e.to_string())?;
    let (_, candidates, ranked) = store
        .suggest_cells(prisoner, Within::All, today())
        .map_err(|e| e.to_string())?;
    let shown = ranked
        .iter()
        .find(|s| s.cell_id == cell)
        .ok_or("the free place was not offered")?;
    let seen = Seen {
        from_cell: None,
        occupants: candidates.cells[shown.cell].occupants.len() as u32,
    };
    go();
    store
        .move_to_cell(
            &Actor::system(officer, t0()),
            &MoveRequest {
                prisoner_id: prisoner,
                to_cell: cell,
                reason: MoveReason::Admission,
                comment: "",
                override_reason: None,
                review_by: None,
                seen: Some(seen),
            },
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn check_outcome(path: &Path, cell: i64, results: &[Result<(), String>]) {
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    let loss = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(
        loss,
        "cell A-01 refused (since the list was shown, cell A-01 went from 0 to 1 people): \
         cell A-01 is full: 1 held, absolute maximum 1"
    );
    let store = Store::open(path).unwrap();
    let candidates = store.candidate_cells(Within::Cell(cell), today()).unwrap();
    assert_eq!(candidates.cells[0].occupants.len(), 1);
    assert!(store.verify_audit().unwrap().is_none());
}

#[test]
fn two_connections_race_for_the_last_bed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, cell, people) = last_bed(dir.path());
    // Both have looked at the list before either writes.
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = people
        .into_iter()
        .enumerate()
        .map(|(i, prisoner)| {
            let path = path.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                take_the_bed(&path, &format!("officer{}", i + 1), prisoner, cell, || {
                    barrier.wait();
                })
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    check_outcome(&path, cell, &results);
}

const CHILD_ENV: &str = "WARDEN_LAST_BED_CHILD";

/// Run by `two_processes_race_for_the_last_bed` in child processes of this test binary (as an ignored test, so a
/// normal run does not count it as passed: it tests nothing by itself).
#[test]
#[ignore = "a child process of two_processes_race_for_the_last_bed"]
fn last_bed_child() {
    let args = std::env::var(CHILD_ENV).unwrap_or_else(|_| {
        panic!("{CHILD_ENV} is not set: run two_processes_race_for_the_last_bed")
    });
    let parts: Vec<&str> = args.split('|').collect();
    let (path, officer, prisoner, cell, go) = (
        Path::new(parts[0]),
        parts[1],
        parts[2].parse().unwrap(),
        parts[3].parse().unwrap(),
        Path::new(parts[4]),
    );
    let result = take_the_bed(path, officer, prisoner, cell, || {
        // Both processes have seen the free place before the parent lets them go.
        std::fs::write(go.with_extension(officer), b"").unwrap();
        while !go.exists() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
    match result {
        Ok(()) => println!("OUTCOME:ok"),
        Err(e) => println!("OUTCOME:refused:{e}"),
    }
}

#[test]
fn two_processes_race_for_the_last_bed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, cell, people) = last_bed(dir.path());
    let go = dir.path().join("go");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = people
        .iter()
        .enumerate()
        .map(|(i, prisoner)| {
            let arg = format!(
                "{}|officer{}|{prisoner}|{cell}|{}",
                path.display(),
                i + 1,
                go.display()
            );
            Command::new(&exe)
                .args([
                    "--exact",
                    "last_bed_child",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, arg)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Wait until both have read the suggestions, then start them together.
    let ready = |officer: &str| go.with_extension(officer).exists();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !(ready("officer1") && ready("officer2")) {
        assert!(
            std::time::Instant::now() < deadline,
            "children never got ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::fs::write(&go, b"").unwrap();
    let results: Vec<Result<(), String>> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let line = text
                .lines()
                .find_map(|l| l.split_once("OUTCOME:").map(|(_, o)| o))
                .unwrap_or_else(|| panic!("child said nothing: {text}"))
                .to_string();
            match line.strip_prefix("refused:") {
                Some(e) => Err(e.to_string()),
                None => Ok(()),
            }
        })
        .collect();
    check_outcome(&path, cell, &results);
}
