//! `warden case` and `warden print past-release` as a script would run them (issue 17): a case added and
//! sentenced, the expected release printed with its working, bad input refused with exit code 2 naming the field
//! and nothing saved, a court order's date, and the person held past that date named by the report.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use warden::domain::estate::{Facility, FacilityKind, SecurityLevel};
use warden::domain::prisoner::Prisoner;
use warden::store::{Actor, Store};

fn warden(db: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WARDEN_LOG_DIR", db.parent().unwrap())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Err(e) = child.stdin.take().unwrap().write_all(b"first password\n") {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A database with an administrator (linked to whoever runs the test) and one person on remand at LUZ.
fn register(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("w.db");
    let o = warden(&db, &["init", "--admin", "amina", "--password-stdin"]);
    assert!(o.status.success(), "{}", err(&o));
    let mut store = Store::open(&db).unwrap();
    let a = Actor::system_now("setup");
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
    let admitted = chrono::NaiveDate::from_ymd_opt(2025, 1, 10)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let mut p = Prisoner::blank(admitted);
    p.number = "LUZ/2025/00001".into();
    p.family_name = "Okot".into();
    p.given_names = "Peter".into();
    p.committing_authority = "High Court, Kampala".into();
    p.facility_id = Some(luz);
    store.admit(&a, &p).unwrap();
    db
}

#[test]
fn a_case_is_added_sentenced_and_explained_and_bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = register(dir.path());
    let n = "LUZ/2025/00001";
    let o = warden(&db, &["case", "rules", "--country", "uganda"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("remission 1/3 over 31"), "{}", out(&o));
    let add = |db: &Path, reference: &str, extra: &[&str]| {
        let mut args = vec![
            "case",
            "add",
            n,
            "--warrant",
            reference,
            "--court",
            "High Court, Kampala",
            "--issued",
            "2025-01-10",
            "--offence",
            "Robbery",
            "--class",
            "grave",
        ];
        args.extend_from_slice(extra);
        warden(db, &args)
    };
    let o = add(&db, "HC-1", &["--expires", "2025-02-10"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("No sentence yet"), "{}", out(&o));
    let o = warden(
        &db,
        &[
            "case",
            "sentence",
            n,
            "--warrant",
            "HC-1",
            "--sentence",
            "1y",
            "--start",
            "2025-03-01",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = add(
        &db,
        "HC-2",
        &[
            "--sentence",
            "6m",
            "--start",
            "2025-03-01",
            "--consecutive-to",
            "HC-1",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let listed = out(&warden(&db, &["case", "list", n]));
    assert!(listed.contains("Expected release: 2026-03-02"), "{listed}");
    assert!(
        listed.contains("Remission 1/3 of 549 days on HC-1 + HC-2: 183 days off"),
        "{listed}"
    );

    // Each refused with exit code 2, naming the field; the cases and the audit trail are as they were.
    let audit_before = Store::open(&db)
        .unwrap()
        .recent_audit(100_000)
        .unwrap()
        .len();
    let refusals: [(Vec<&str>, &str); 5] = [
        (
            vec![
                "case",
                "sentence",
                n,
                "--warrant",
                "HC-1",
                "--sentence",
                "1y",
                "--start",
                "2025-03-01",
                "--consecutive-to",
                "HC-2",
            ],
            "Runs with or after: consecutive sentences point at each other",
        ),
        (
            vec![
                "case",
                "sentence",
                n,
                "--warrant",
                "HC-1",
                "--sentence",
                "0m",
                "--start",
                "2025-03-01",
            ],
            "Sentence length: ends on or before its start",
        ),
        (
            vec!["case", "override", n, "--date", "2025-12-01"],
            "Order and reason: required",
        ),
        (
            vec![
                "case",
                "add",
                n,
                "--warrant",
                "HC-3",
                "--court",
                "High Court",
                "--issued",
                "2025-05-01",
                "--expires",
                "2025-04-01",
                "--offence",
                "Theft",
                "--class",
                "minor",
            ],
            "Warrant expires: expires before the warrant was issued",
        ),
        (
            vec!["print", "past-release", "--facility", "NOPE"],
            "--facility: no facility with code 'NOPE'",
        ),
    ];
    for (args, message) in refusals {
        let o = warden(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(message), "{args:?}: {}", err(&o));
    }
    assert_eq!(out(&warden(&db, &["case", "list", n])), listed);
    // Print runs are audited; nothing else was written.
    let store = Store::open(&db).unwrap();
    let rows = store.recent_audit(100_000).unwrap();
    assert_eq!(
        rows.iter().filter(|r| r.entity != "print").count(),
        audit_before,
        "{:?}",
        rows.first()
    );

    // Held past 2026-03-02 on any later day: the report names him; a court order with its reason moves it.
    let report = out(&warden(
        &db,
        &["print", "past-release", "--facility", "LUZ"],
    ));
    assert!(report.contains("LUZ/2025/00001"), "{report}");
    let o = warden(
        &db,
        &[
            "case",
            "override",
            n,
            "--date",
            "2099-01-01",
            "--reason",
            "Court of Appeal, Criminal Appeal 9 of 2026: sentence enhanced",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("Court order: release on 2099-01-01"),
        "{}",
        out(&o)
    );
    let report = out(&warden(&db, &["print", "past-release"]));
    assert!(report.contains("Nobody in custody"), "{report}");
    assert_eq!(Store::open(&db).unwrap().verify_audit().unwrap(), None);
}

/// Item 6 and the corrections of item 5 from the command line: the remand limits set and the person listed past
/// his; his court date on the production list (a past day refused naming --day); a case corrected, and one
/// removed with its reason (refused without one), each refusal exit code 2 with nothing saved.
#[test]
fn remand_limits_the_court_list_and_cases_corrected_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = register(dir.path());
    let n = "LUZ/2025/00001";
    let court_day = chrono::Utc::now().date_naive() + chrono::Duration::days(10);
    {
        let mut store = Store::open(&db).unwrap();
        let a = Actor::system_now("setup");
        let mut p = store.prisoner_by_number(n).unwrap().unwrap().prisoner;
        p.court_dates = vec![court_day];
        store.update_prisoner(&a, &p).unwrap();
    }
    let o = warden(&db, &["case", "rules"]);
    assert!(out(&o).contains("remand limits: none"), "{}", out(&o));
    let report = out(&warden(&db, &["print", "remand-limit"]));
    assert!(report.contains("No remand limit is set"), "{report}");
    let o = warden(&db, &["case", "rules", "--remand-limits", "grave 30"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = warden(&db, &["case", "rules", "--remand-limits", "grave soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--remand-limits"), "{}", err(&o));
    let o = warden(&db, &["case", "rules", "--country", "uganda"]);
    assert!(
        out(&o).contains("Remand limits set: minor 60, serious 60, grave 180"),
        "{}",
        out(&o)
    );
    for (reference, committed, court) in [
        ("HC-1", "2025-01-10", "High Court, Kampala"),
        ("CM-2", "2025-02-01", "Chief Magistrate, Nakawa"),
    ] {
        let o = warden(
            &db,
            &[
                "case",
                "add",
                n,
                "--warrant",
                reference,
                "--court",
                court,
                "--issued",
                committed,
                "--offence",
                "Robbery",
                "--class",
                "grave",
            ],
        );
        assert!(o.status.success(), "{}", err(&o));
    }
    let listed = out(&warden(&db, &["case", "list", n]));
    assert!(
        listed.contains(&format!(
            "Next court: {court_day} at Chief Magistrate, Nakawa"
        )),
        "{listed}"
    );
    let report = out(&warden(
        &db,
        &["print", "remand-limit", "--facility", "LUZ"],
    ));
    assert!(
        report.contains("HC-1, High Court, Kampala, committed 2025-01-10"),
        "{report}"
    );
    assert!(report.contains("LUZ/2025/00001"), "{report}");
    let day = court_day.to_string();
    let list = out(&warden(&db, &["print", "court", "--day", &day]));
    assert!(list.contains("Chief Magistrate, Nakawa (1)"), "{list}");
    assert!(
        list.contains("Also remanded by: High Court, Kampala"),
        "{list}"
    );
    let csv = out(&warden(
        &db,
        &["print", "court", "--day", &day, "--format", "csv"],
    ));
    assert!(
        csv.starts_with(
            "Court,Number,Name,Cell,Case,Out,Back\r\n\"Chief Magistrate, Nakawa\",LUZ/2025/00001"
        ),
        "{csv}"
    );

    let not_prints = || {
        Store::open(&db)
            .unwrap()
            .recent_audit(100_000)
            .unwrap()
            .iter()
            .filter(|r| r.entity != "print")
            .count()
    };
    let audit_before = not_prints();
    let refusals: [(Vec<&str>, &str); 5] = [
        (
            vec!["print", "court", "--day", "2020-01-01"],
            "--day: the production list is for today",
        ),
        (
            vec!["case", "remove", n, "--warrant", "CM-2"],
            "Why it is removed: required",
        ),
        (
            vec!["case", "remove", n, "--warrant", "XX-9", "--reason", "typo"],
            "--warrant: no case with warrant 'XX-9'",
        ),
        (
            vec![
                "case",
                "correct",
                n,
                "--warrant",
                "CM-2",
                "--sentence",
                "0d",
                "--start",
                "2025-03-01",
            ],
            "Sentence length: ends on or before its start",
        ),
        (
            vec![
                "case",
                "correct",
                n,
                "--warrant",
                "CM-2",
                "--class",
                "awful",
            ],
            "--class: 'awful'",
        ),
    ];
    for (args, message) in refusals {
        let o = warden(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(message), "{args:?}: {}", err(&o));
    }
    assert_eq!(not_prints(), audit_before);

    let o = warden(
        &db,
        &[
            "case",
            "correct",
            n,
            "--warrant",
            "CM-2",
            "--court",
            "Chief Magistrate, Makindye",
            "--class",
            "serious",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("CM-2  Chief Magistrate, Makindye  Robbery (serious)"),
        "{}",
        out(&o)
    );
    let o = warden(
        &db,
        &[
            "case",
            "remove",
            n,
            "--warrant",
            "HC-1",
            "--reason",
            "entered on the wrong record",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let listed = out(&o);
    assert!(!listed.contains("HC-1"), "{listed}");
    assert!(
        listed.contains(&format!(
            "Next court: {court_day} at Chief Magistrate, Makindye"
        )),
        "{listed}"
    );
    assert_eq!(Store::open(&db).unwrap().verify_audit().unwrap(), None);
}
