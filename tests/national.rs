//! The national roll-up over three site databases built by the demo (`build_station`, as `warden demo --site`),
//! one person moved from one site to another through a signed person's file while the first site still holds
//! them: every report's text as an insta snapshot, the person counted once at the newer record, one site's
//! roll-up equal to that site's own reports, and `warden national` refusing bad site files with nothing written.

use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use warden::demo::{Country, DemoSpec, Size};
use warden::print::{self, Format, Paper};
use warden::report::national::{self, Kind, NationalParams, SiteRead};
use warden::store::{Actor, Store};

const SITES: [&str; 3] = ["APA01", "WAK01", "MUK01"];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

struct Built {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    /// The national id the moved person got, masked in the snapshots (it is random).
    national_id: String,
    /// Their numbers at the first site and the second.
    numbers: (String, String),
}

/// Three stations of the small Uganda demo, and one person of the first admitted at the second from their
/// signed file (the first site's copy still holds them: it was restored before the move was recorded).
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let spec = DemoSpec {
            country: Country::Uganda,
            size: Size::Small,
            seed: 1,
        };
        let files: Vec<PathBuf> = SITES
            .iter()
            .map(|code| {
                let path = dir.path().join(format!("{code}.db"));
                warden::demo::build_station(&path, &spec, Some(code), now(), &mut |_, _, _| {})
                    .unwrap();
                path
            })
            .collect();
        let actor = Actor::system("test", now());
        let mut from = Store::open(&files[0]).unwrap();
        let mut to = Store::open(&files[1]).unwrap();
        let (_, key) = from.station_identity(&actor).unwrap();
        to.trust_station(&actor, &key, "APA01").unwrap();
        let number = from.national_people().unwrap()[0].1.number.clone();
        let file = from
            .export_person(&actor, &number, "transfer to Wakiso")
            .unwrap();
        let national_id = file["payload"]["person"]["national_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let wakiso = to.facility_by_code("WAK01").unwrap().unwrap();
        let (_, new_number) = to.import_person(&actor, &file, wakiso.id).unwrap();
        Built {
            _dir: dir,
            files,
            national_id,
            numbers: (number, new_number),
        }
    })
}

fn reads(files: &[PathBuf], kind: Kind) -> Vec<SiteRead> {
    files
        .iter()
        .map(|f| {
            let store = Store::open_read_only(f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            national::read_site(&store, &name, kind, now()).unwrap()
        })
        .collect()
}

fn text(reads: &[SiteRead], kind: Kind) -> String {
    let doc = national::build(reads, kind, &NationalParams::new(now(), "hq"));
    String::from_utf8(print::render(&doc, Format::Text, Paper::A4).unwrap()).unwrap()
}

#[test]
fn every_national_report_over_three_sites_matches_its_snapshot() {
    let b = built();
    assert!(
        !b.national_id.is_empty(),
        "the person's file carries a national id"
    );
    for kind in Kind::ALL {
        let masked = text(&reads(&b.files, kind), kind)
            .replace(&b.national_id, &"#".repeat(b.national_id.len()));
        insta::assert_snapshot!(format!("national_{}", kind.as_str()), masked);
    }
}

#[test]
fn a_person_held_at_two_sites_is_counted_once_at_the_newer_record() {
    let b = built();
    let reads = reads(&b.files, Kind::Overcrowding);
    let in_custody: usize = reads.iter().map(|r| r.site.people.len()).sum();
    let sites: Vec<_> = reads.iter().map(|r| r.site.clone()).collect();
    let counting = warden::domain::national::count_once(&sites);
    let counted: usize = (0..sites.len())
        .map(|i| counting.counted(&sites, i).count())
        .sum();
    assert_eq!(
        counted,
        in_custody - 1,
        "one person in two files counts once"
    );
    assert_eq!(counting.disagreements.len(), 1);
    let d = &counting.disagreements[0];
    assert_eq!(
        d.counted,
        (1, b.numbers.1.clone()),
        "the newer record is at WAK01"
    );
    assert_eq!(d.others, vec![(0, b.numbers.0.clone())]);
    // The overcrowding table's national line says the same.
    let report = text(&reads, Kind::Overcrowding);
    let all = report
        .lines()
        .find(|l| l.starts_with("All sites"))
        .expect("a national line");
    let held: usize = all.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert_eq!(held, in_custody - 1, "{all}");
    assert!(report.contains(&b.numbers.0) && report.contains(&b.numbers.1));
}

#[test]
fn one_sites_roll_up_agrees_with_its_own_reports() {
    let b = built();
    let site = &b.files[2];
    let store = Store::open_read_only(site).unwrap();
    let people = |kind| {
        reads(std::slice::from_ref(site), kind)
            .remove(0)
            .site
            .people
    };
    let today = now().date_naive();
    let levels: u64 = store
        .custody_levels(None)
        .unwrap()
        .iter()
        .filter(|l| l.level.is_some())
        .map(|l| l.people)
        .sum();
    assert_eq!(
        people(Kind::Classification)
            .iter()
            .filter(|p| p.level.is_some())
            .count() as u64,
        levels
    );
    let over = store.remand_limit_check(None, today).unwrap().over;
    let mut over_people: Vec<i64> = over.iter().map(|o| o.prisoner_id).collect();
    over_people.dedup();
    assert_eq!(
        people(Kind::RemandLimit)
            .iter()
            .filter(|p| p.remand_over_days.is_some())
            .count(),
        over_people.len()
    );
    assert!(
        !over_people.is_empty(),
        "the demo has remand past the limit"
    );
    assert_eq!(
        people(Kind::Releases)
            .iter()
            .filter(|p| p.expected_release.is_some_and(|d| d < today))
            .count(),
        store.past_release(None, today).unwrap().len()
    );
    let late: u64 = store
        .late_classifications(today, 14, None)
        .unwrap()
        .iter()
        .map(|l| l.missing + l.late)
        .sum();
    assert_eq!(
        people(Kind::Mandela)
            .iter()
            .filter(|p| p.classification_late)
            .count() as u64,
        late
    );
}

fn warden(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .env("WARDEN_LOG_DIR", dir.join("logs"))
        .env_remove("WARDEN_DB")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn fingerprint(files: &[PathBuf]) -> Vec<Vec<u8>> {
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn the_command_prints_the_roll_up_and_refuses_bad_site_files_writing_nothing() {
    let b = built();
    let dir = tempfile::tempdir().unwrap();
    let site = |i: usize| b.files[i].to_str().unwrap().to_string();
    let before = fingerprint(&b.files);

    let (code, out, err) = warden(
        &["national", "overcrowding", &site(0), &site(1), &site(2)],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("All sites") && out.contains("3 sites, 3 facilities"),
        "{out}"
    );

    let csv = dir.path().join("mandela.csv");
    let (code, _, err) = warden(
        &[
            "national",
            "mandela",
            &site(0),
            &site(1),
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(written.starts_with("Site,Data as at,"), "{written}");
    let pdf = dir.path().join("releases.pdf");
    let (code, _, err) = warden(
        &[
            "national",
            "releases",
            &site(2),
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"), "a PDF");
    assert_eq!(
        written.lines().filter(|l| l.starts_with("APA01,")).count(),
        1
    );

    // Not a warden database, a text file, a newer schema, one facility twice, a missing file.
    let plain = dir.path().join("plain.db");
    rusqlite::Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let text_file = dir.path().join("notes.db");
    std::fs::write(&text_file, "minutes of the meeting\n").unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::copy(&b.files[2], &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", warden::store::schema::LATEST + 1)
        .unwrap();
    let cases: [(Vec<String>, &str); 5] = [
        (
            vec![site(0), plain.display().to_string()],
            "not a warden one",
        ),
        (vec![text_file.display().to_string(), site(0)], "notes.db"),
        (vec![site(0), newer.display().to_string()], "newer warden"),
        (vec![site(0), site(1), site(0)], "facility APA01 is in both"),
        (
            vec![site(0), dir.path().join("absent.db").display().to_string()],
            "absent.db",
        ),
    ];
    for (files, said) in cases {
        let out_file = dir.path().join("refused.txt");
        let mut args = vec!["national", "classification", "--out"];
        let out_path = out_file.display().to_string();
        args.push(&out_path);
        args.extend(files.iter().map(String::as_str));
        let (code, out, err) = warden(&args, dir.path());
        assert_eq!(code, 2, "{files:?}: {out} {err}");
        assert!(err.contains(said), "{files:?} should say {said:?}: {err}");
        assert!(!out_file.exists(), "{files:?}: nothing written");
    }
    assert!(fingerprint(&b.files) == before, "no site file changed");
}

#[test]
fn a_demo_site_that_is_not_in_the_estate_is_refused_with_the_codes_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let (code, _, err) = warden(
        &[
            "demo",
            "--no-tui",
            "--site",
            "NOPE",
            "--db",
            db.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("--site: no facility 'NOPE'") && err.contains("APA01"),
        "{err}"
    );
    assert!(!db.exists(), "nothing built");
}

#[test]
fn the_screens_refuse_a_sites_folder_without_site_files() {
    let b = built();
    let dir = tempfile::tempdir().unwrap();
    let hq = b.files[0].to_str().unwrap();
    let absent = dir.path().join("absent");
    for (folder, said) in [
        (absent.to_str().unwrap().to_string(), "No such file"),
        (dir.path().to_str().unwrap().to_string(), "no site files"),
    ] {
        let (code, _, err) = warden(&["--db", hq, "--sites", &folder], dir.path());
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--sites") && err.contains(said), "{err}");
    }
}
