//! Printing end to end: every report rendered from the demo database as text and compared with its golden file,
//! PDF read back with a text extractor (names in Latin, Cyrillic and Arabic script, and the page count), CSV, the
//! terminal passthrough byte for byte, the `lp` call, and `warden print` as cron would run it, including its
//! refusals and the audit row every print leaves.
//!
//! The golden texts are insta snapshots (`tests/snapshots/print__*.snap`). After a deliberate change to a report
//! or to the demo generator, review them with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test
//! print` and read the diff) before committing.

use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use warden::demo::{Country, DemoSpec, Size};
use warden::print::{self, Block, Column, Document, Format, Paper, Table};
use warden::report::{self, Kind, Params};
use warden::store::Store;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

/// The small Uganda demo, seed 1, built once for the whole file. A static is never dropped, so a temporary
/// directory held in one would be left behind by every run: the file goes in cargo's scratch folder under this
/// run's pid instead, and files of earlier runs (over an hour old) are removed first.
fn demo() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_old_demos(dir);
        let path = dir.join(format!("print-demo-{}.db", std::process::id()));
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

fn remove_old_demos(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < hour_ago);
        if old
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with("print-demo-")
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Compares with its insta snapshot, `tests/snapshots/print__NAME.snap` (NAME without `.txt`).
fn golden(name: &str, actual: &str) {
    insta::assert_snapshot!(name.trim_end_matches(".txt"), actual);
}

fn params(store: &Store, facility: Option<&str>) -> Params {
    let mut p = Params::new(now(), "golden");
    p.facility = facility.map(|code| store.facility_by_code(code).unwrap().unwrap());
    p
}

#[test]
fn every_report_matches_its_golden_text_on_the_demo_data() {
    let store = Store::open(demo()).unwrap();
    // The reports on the register and the estate; the roster reports have their goldens with the demo's rosters.
    let kinds = [
        Kind::Placements,
        Kind::Overcrowding,
        Kind::Segregation,
        Kind::Reviews,
        Kind::Classification,
        Kind::Remand,
        Kind::Mandela,
        Kind::PastRelease,
    ];
    for kind in kinds {
        // The placements report names hundreds of people on the demo; one facility keeps its golden readable.
        let facility = (kind == Kind::Placements).then_some("IGA01");
        let doc = report::build(&store, kind, &params(&store, facility)).unwrap();
        let text =
            String::from_utf8(print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap();
        for page in text.split('\u{c}') {
            assert!(page.lines().count() <= print::plain::PAGE_LINES, "{kind:?}");
            for line in page.lines() {
                assert!(
                    warden::domain::text::width(line) <= print::WIDTH,
                    "{kind:?}: {line}"
                );
                assert!(!line.chars().any(char::is_control), "{kind:?}: {line:?}");
            }
        }
        golden(&format!("{}.txt", kind.as_str()), &text);
    }
}

/// The roster reports on the demo's rosters: the first facility that runs programmes, this week and today, and
/// the timetable of the first person (by number) holding a place.
#[test]
fn roster_reports_match_their_golden_text_on_the_demo_data() {
    let store = Store::open(demo()).unwrap();
    let conn = rusqlite::Connection::open(demo()).unwrap();
    let number: String = conn
        .query_row(
            "SELECT p.number FROM referral r JOIN prisoner p ON p.id = r.prisoner_id
             WHERE r.status = 'allocated' ORDER BY p.number LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for kind in [
        Kind::Roster,
        Kind::Unlock,
        Kind::Attendance,
        Kind::Participation,
        Kind::Timetable,
    ] {
        let mut p = params(&store, None);
        p.prisoner = Some(number.clone());
        let doc = report::build(&store, kind, &p).unwrap();
        let text =
            String::from_utf8(print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap();
        for page in text.split('\u{c}') {
            assert!(page.lines().count() <= print::plain::PAGE_LINES, "{kind:?}");
            for line in page.lines() {
                assert!(
                    warden::domain::text::width(line) <= print::WIDTH,
                    "{kind:?}: {line}"
                );
                assert!(!line.chars().any(char::is_control), "{kind:?}: {line:?}");
            }
        }
        golden(&format!("{}.txt", kind.as_str()), &text);
    }
}

/// The court production list for the day after the demo's day and the remand-limit report, each for one facility
/// so the golden stays readable; the court list's CSV gives each row its court.
#[test]
fn court_and_remand_limit_reports_match_their_golden_text_on_the_demo_data() {
    let store = Store::open(demo()).unwrap();
    for (kind, facility) in [(Kind::Court, None), (Kind::RemandLimit, Some("MUB01"))] {
        let mut p = params(&store, facility);
        p.day = now().date_naive() + chrono::Duration::days(1);
        let doc = report::build(&store, kind, &p).unwrap();
        let text =
            String::from_utf8(print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap();
        for page in text.split('\u{c}') {
            assert!(page.lines().count() <= print::plain::PAGE_LINES, "{kind:?}");
            for line in page.lines() {
                assert!(
                    warden::domain::text::width(line) <= print::WIDTH,
                    "{kind:?}: {line}"
                );
            }
        }
        golden(&format!("{}.txt", kind.as_str()), &text);
        if kind == Kind::Court {
            let csv =
                String::from_utf8(print::render(&doc, Format::Csv, Paper::A4).unwrap()).unwrap();
            let mut rows = csv.lines();
            assert_eq!(rows.next(), Some("Court,Number,Name,Cell,Case,Out,Back"));
            let people = doc.tables().map(|t| t.data_rows().count()).sum::<usize>();
            assert!(people > 0, "the demo has people going to court tomorrow");
            assert_eq!(rows.count(), people);
        }
    }
}

/// A copy of the demo with three people in IGA01 classified: one review overdue, one due this week, one not due.
fn assessed_demo(dir: &Path) -> PathBuf {
    use warden::domain::forms::{Answers, Registry, Value};
    use warden::store::{Actor, Subject};
    let path = demo_copy(dir);
    let mut store = Store::open(&path).unwrap();
    let actor = |d: u32| {
        Actor::system(
            "assessor",
            Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap()
                + chrono::Duration::days(i64::from(d)),
        )
    };
    let mut reg = Registry::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")).unwrap();
    store.register_forms(&actor(0), &mut reg).unwrap();
    let form = reg.get("custody_initial").unwrap().clone();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT p.id FROM prisoner p JOIN facility f ON f.id = p.facility_id WHERE f.code = 'IGA01' AND p.in_custody = 1 ORDER BY p.id LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let t = |s: &str| Value::Text(s.into());
    // (assessed on, escape risk flagged: a mandatory maximum reviewed at 6 months; otherwise minimum at 12)
    let plan = [
        ("2025-11-01", false),
        ("2026-05-27", true),
        ("2026-10-01", false),
    ];
    for (id, (on, escape)) in ids.iter().zip(plan) {
        let answers: Answers = [
            ("sex", t("male")),
            (
                "date_of_birth",
                Value::Date(chrono::NaiveDate::from_ymd_opt(1990, 3, 14).unwrap()),
            ),
            ("escape_risk_flag", Value::Bool(escape)),
            ("detainer", Value::Bool(false)),
            ("institutional_violence", t("none")),
            ("offence_severity", t("moderate")),
            ("prior_violence", t("low")),
            ("escape_history", t("none")),
            ("substance_misuse", t("some")),
            ("prior_convictions", t("one")),
            ("time_to_release", t("1_to_5y")),
            ("stability", Value::List(vec!["work".into()])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let a = store
            .start_assessment(&actor(1), &form, Subject::Prisoner(*id), &answers)
            .unwrap();
        let day = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
        store.finalise_assessment(&actor(2), a, day, None).unwrap();
    }
    path
}

#[test]
fn reviews_and_classification_golden_with_assessments() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&assessed_demo(dir.path())).unwrap();
    for kind in [Kind::Reviews, Kind::Classification, Kind::Mandela] {
        let mut p = params(&store, Some("IGA01"));
        p.vep = true;
        let doc = report::build(&store, kind, &p).unwrap();
        let text =
            String::from_utf8(print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap();
        golden(&format!("{}_assessed.txt", kind.as_str()), &text);
    }
}

#[test]
fn vep_figures_appear_only_when_allowed() {
    let store = Store::open(demo()).unwrap();
    let mut p = params(&store, None);
    let without = print::plain::body(&report::build(&store, Kind::Classification, &p).unwrap());
    p.vep = true;
    let with = print::plain::body(&report::build(&store, Kind::Classification, &p).unwrap());
    assert!(!without.iter().any(|l| l.contains("VEP")));
    assert!(with.iter().any(|l| l.contains("violent extremist (VEP)")));
}

fn names_doc(rows: usize) -> Document {
    let mut t = Table::new(vec![
        Column::left("Number", 16),
        Column::wrapped("Name", 30),
    ]);
    t.row(["KZ/2026/000001", "Абенов Нурлан"]);
    t.row(["TN/2026/000002", "محمد الطرابلسي"]);
    for i in 0..rows {
        t.row([format!("UG/2026/{i:06}"), format!("Okello John {i}")]);
    }
    Document {
        service: "Test Prison Service".into(),
        facility: "All facilities".into(),
        title: "Names".into(),
        period: "As at 2026-11-25".into(),
        printed_by: "amina".into(),
        printed_at: now(),
        confidentiality: "CONFIDENTIAL".into(),
        blocks: vec![Block::Table(t)],
        chart: None,
    }
}

fn pdf_pages(bytes: &[u8]) -> usize {
    pdf_extract::Document::load_mem(bytes)
        .unwrap()
        .get_pages()
        .len()
}

#[test]
fn pdf_text_can_be_extracted_in_every_script() {
    for paper in [Paper::A4, Paper::Letter] {
        let bytes = print::render(&names_doc(150), Format::Pdf, paper).unwrap();
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        assert!(text.contains("Абенов Нурлан"), "{text}");
        assert!(text.contains("Okello John 149"), "{text}");
        // The extractor gives glyphs in visual order, so right-to-left words come back reversed; the font's
        // ToUnicode map is what makes them searchable at all.
        let visual: String = "محمد".chars().rev().collect();
        assert!(text.contains(&visual), "{text}");
        let pages = pdf_pages(&bytes);
        assert_eq!(
            pages,
            print::layout::pages(&names_doc(150), paper.lines()).len()
        );
        assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
        assert!(pages >= 3, "{paper:?}: {pages}");
    }
    // Letter is shorter than A4, so the same rows need at least as many pages.
    let a4 = pdf_pages(&print::render(&names_doc(400), Format::Pdf, Paper::A4).unwrap());
    let letter = pdf_pages(&print::render(&names_doc(400), Format::Pdf, Paper::Letter).unwrap());
    assert!(letter >= a4, "{letter} < {a4}");
}

#[test]
fn a_report_pdf_holds_the_report() {
    let store = Store::open(demo()).unwrap();
    let doc = report::build(&store, Kind::Remand, &params(&store, None)).unwrap();
    let bytes = print::render(&doc, Format::Pdf, Paper::A4).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    assert!(text.contains("Days on remand by facility"), "{text}");
    assert!(text.contains("Adjumani Prison Farm"), "{text}");
    assert_eq!(pdf_pages(&bytes), 1);
}

fn warden(db: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warden"));
    cmd.arg("--db").arg(db).args(args);
    cmd.env("WARDEN_LOG_DIR", db.parent().unwrap())
        .env("USER", "cron");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the demo database, so tests that write audit rows do not disturb the others.
fn demo_copy(dir: &Path) -> PathBuf {
    let path = dir.join("w.db");
    std::fs::copy(demo(), &path).unwrap();
    path
}

#[test]
fn bad_input_is_refused_with_exit_code_2_naming_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let cases: [(&[&str], &str); 11] = [
        (&["print", "remand", "--facility", "NOPE"], "--facility"),
        (&["print", "court", "--facility", "NOPE"], "--facility"),
        (
            &["print", "remand-limit", "--facility", "NOPE"],
            "--facility",
        ),
        (&["print", "court", "--day", "2020-01-01"], "--day"),
        (
            &["print", "past-release", "--facility", "NOPE"],
            "--facility",
        ),
        (&["print", "remand", "--week", "2026-W60"], "--week"),
        (
            &[
                "print",
                "remand",
                "--from",
                "2026-13-01",
                "--to",
                "2026-12-01",
            ],
            "--from",
        ),
        (
            &[
                "print",
                "remand",
                "--from",
                "2026-12-02",
                "--to",
                "2026-12-01",
            ],
            "--from",
        ),
        (
            &["print", "remand", "--out", "/nonexistent/dir/r.txt"],
            "--out",
        ),
        (
            &["print", "remand", "--passthrough", "--format", "pdf"],
            "--format text",
        ),
        (
            &["print", "remand", "--lp", "office", "--copies", "0"],
            "--copies",
        ),
    ];
    for (args, option) in cases {
        let o = warden(&db, args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(option), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
    }
    let o = warden(&db, &["print", "nonsense"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = warden(&db, &["print", "remand", "--lp", "-o evil"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn passthrough_wraps_the_text_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let week = ["--week", "2026-W48"];
    let text = warden(&db, &[&["print", "overcrowding"][..], &week].concat(), &[]);
    assert!(text.status.success(), "{}", stderr(&text));
    let pass = warden(
        &db,
        &[&["print", "overcrowding", "--passthrough"][..], &week].concat(),
        &[],
    );
    assert!(pass.status.success(), "{}", stderr(&pass));
    let mut expected = b"\x1b[5i".to_vec();
    for &b in &text.stdout {
        if b == b'\n' {
            expected.push(b'\r');
        }
        expected.push(b);
    }
    expected.extend_from_slice(b"\x1b[4i");
    // The two runs differ only in the minute printed, which is the same within one test run or the next.
    let strip = |b: &[u8]| String::from_utf8_lossy(b).replace(|c: char| c.is_ascii_digit(), "9");
    assert_eq!(strip(&pass.stdout), strip(&expected));
    assert!(
        pass.stdout
            .starts_with(b"\x1b[5iDemonstration data (uganda)")
    );
    assert!(pass.stdout.ends_with(b"\r\n\x1b[4i"));
    assert_eq!(pass.stdout.iter().filter(|&&b| b == 0x1b).count(), 2);
}

#[test]
fn an_lp_that_never_answers_is_stopped_after_the_timeout_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let fake = dir.path().join("lp");
    // Reads nothing and never ends, like a client stuck on a print server that is down.
    std::fs::write(&fake, "#!/bin/sh\nexec sleep 600\n").unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let prints_before = print_rows(&db);
    let started = std::time::Instant::now();
    let o = warden(
        &db,
        &["print", "mandela", "--lp", "landing-b", "--format", "pdf"],
        &[
            ("WARDEN_LP", fake.to_str().unwrap()),
            ("WARDEN_LP_TIMEOUT", "2"),
        ],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("lp did not answer within 2 s and was stopped"),
        "{}",
        stderr(&o)
    );
    assert!(started.elapsed().as_secs() < 60, "waited for the stuck lp");
    assert_eq!(
        print_rows(&db),
        prints_before,
        "a print that did not go was recorded"
    );
}

/// How many prints the audit trail records.
fn print_rows(db: &std::path::Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit WHERE entity = 'print'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn lp_gets_the_printer_the_copies_and_the_bytes_and_every_print_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let fake = dir.path().join("lp");
    let log = dir.path().join("lp.log");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" > {0}.args\ncat > {0}\necho 'request id is landing-7 (1 file(s))'\n",
            log.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let lp = fake.to_str().unwrap();
    let o = warden(
        &db,
        &[
            "print",
            "mandela",
            "--lp",
            "landing-b",
            "--copies",
            "3",
            "--format",
            "pdf",
            "--paper",
            "letter",
        ],
        &[("WARDEN_LP", lp)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("landing-7"), "{}", stderr(&o));
    let args = std::fs::read_to_string(format!("{}.args", log.display())).unwrap();
    assert_eq!(args.trim(), "-d landing-b -n 3");
    let sent = std::fs::read(&log).unwrap();
    assert!(sent.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&sent).unwrap();
    assert!(text.contains("Mandela Rules compliance summary"), "{text}");

    let o = warden(
        &db,
        &["print", "mandela", "--lp", "x"],
        &[("WARDEN_LP", "/nonexistent/lp")],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cups-client"), "{}", stderr(&o));

    let out = dir.path().join("r.csv");
    let o = warden(
        &db,
        &[
            "print",
            "remand",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&out).unwrap().permissions())
            & 0o777,
        0o600
    );
    assert!(
        csv.starts_with("Code,Facility,Remand,Median,Longest,>90d,>180d,>365d\r\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 12 + 1, "{csv}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT actor, entity_id, after FROM audit WHERE entity = 'print' ORDER BY id")
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    // The command line's actor is the OS account's linked user (root: the station administrator), never $USER.
    assert!(rows[0].0.contains(" (os: "), "{}", rows[0].0);
    assert_eq!(rows[0].1, "mandela");
    assert!(
        rows[0].2.contains("printer landing-b (3 copies)"),
        "{}",
        rows[0].2
    );
    assert!(rows[0].2.contains("\"format\":\"pdf\""), "{}", rows[0].2);
    assert!(
        rows[1].2.contains(&format!("file {}", out.display())),
        "{}",
        rows[1].2
    );
    let o = warden(&db, &["audit", "verify"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn warden_report_is_the_text_print_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let a = warden(&db, &["report", "classification"], &[]);
    let b = warden(&db, &["print", "classification", "--format", "text"], &[]);
    assert!(a.status.success() && b.status.success());
    let strip = |b: &[u8]| String::from_utf8_lossy(b).replace(|c: char| c.is_ascii_digit(), "9");
    assert_eq!(strip(&a.stdout), strip(&b.stdout));
}
