//! The national roll-up over three site databases built by the demo (`build_station`, as `warden demo --site`),
//! one person moved from one site to another through a signed person's file while the first site still holds
//! them: every report's text as an insta snapshot, the person counted once at the newer record, one site's
//! roll-up equal to that site's own reports, `warden national` refusing bad site files with nothing written, and
//! only headquarters' supervisors and administrators let read them, each read in headquarters' audit trail.

use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use warden::demo::{Country, DemoSpec, Size};
use warden::domain::auth::Role;
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
    /// Headquarters' own database: its users and its audit trail.
    hq: PathBuf,
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
        let hq = dir.path().join("hq.sqlite");
        let mut store = Store::create(&hq).unwrap();
        store
            .add_user(&actor, "nakato", Role::Supervisor, "supervisor pass")
            .unwrap();
        store
            .add_user(&actor, "okello", Role::Officer, "officer pass")
            .unwrap();
        drop(store);
        Built {
            _dir: dir,
            files,
            hq,
            national_id,
            numbers: (number, new_number),
        }
    })
}

fn reads(files: &[PathBuf], kind: Kind) -> Vec<SiteRead> {
    let mut hq = Store::open(&built().hq).unwrap();
    let supervisor = Actor::staff("nakato", Role::Supervisor, now());
    let grant = hq
        .grant_national(&supervisor, kind.as_str(), files)
        .unwrap();
    files
        .iter()
        .map(|f| {
            let store = Store::open_read_only(f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            national::read_site(&grant, &store, &name, kind, now()).unwrap()
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
    let hq = b.hq.to_str().unwrap();
    let before = fingerprint(&b.files);

    let (code, out, err) = warden(
        &[
            "--db",
            hq,
            "national",
            "overcrowding",
            &site(0),
            &site(1),
            &site(2),
        ],
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
            "--db",
            hq,
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
            "--db",
            hq,
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
        let mut args = vec!["--db", hq, "national", "classification", "--out"];
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

/// Headquarters' database with a supervisor and an officer, in a folder of its own.
fn fresh_hq() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let hq = dir.path().join("hq.sqlite");
    let setup = Actor::system("test", now());
    let mut store = Store::create(&hq).unwrap();
    store
        .add_user(&setup, "nakato", Role::Supervisor, "supervisor pass")
        .unwrap();
    store
        .add_user(&setup, "okello", Role::Officer, "officer pass")
        .unwrap();
    (dir, hq)
}

fn audit_rows(db: &Path) -> Vec<(String, String, String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT actor, entity, entity_id, action FROM audit ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn only_supervisors_and_administrators_read_the_roll_ups_and_each_read_is_recorded() {
    let b = built();
    let (_dir, hq) = fresh_hq();
    let mut store = Store::open(&hq).unwrap();
    let before = audit_rows(&hq).len();
    for role in [Role::Officer, Role::Assessor, Role::Programme] {
        let refused = store
            .grant_national(&Actor::staff("okello", role, now()), "mandela", &b.files)
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("may not read the national roll-ups"),
            "{role}: {refused}"
        );
    }
    let rows = audit_rows(&hq);
    assert!(
        rows[before..]
            .iter()
            .all(|(_, entity, id, action)| entity == "permission"
                && id == "view-national"
                && action == "refused"),
        "refusals recorded, nothing else: {rows:?}"
    );
    for role in [Role::Supervisor, Role::Admin] {
        let grant = store
            .grant_national(&Actor::staff("nakato", role, now()), "mandela", &b.files)
            .unwrap();
        assert_eq!(grant.by(), "nakato");
    }
    let rows = audit_rows(&hq);
    let reads: Vec<_> = rows
        .iter()
        .filter(|(_, entity, _, action)| entity == "national" && action == "read")
        .collect();
    assert_eq!(reads.len(), 2, "{rows:?}");
    assert!(
        reads
            .iter()
            .all(|(actor, _, id, _)| actor == "nakato" && id == "mandela")
    );
    let conn = rusqlite::Connection::open(&hq).unwrap();
    let files: String = conn
        .query_row(
            "SELECT after FROM audit WHERE entity = 'national' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        files.contains("APA01.db") && files.contains("MUK01.db"),
        "{files}"
    );
}

#[test]
fn the_command_refuses_an_officer_and_an_out_file_that_is_headquarters_database() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let b = built();
    let (dir, hq) = fresh_hq();
    let site = b.files[0].to_str().unwrap();
    let before = std::fs::read(&hq).unwrap();
    let (code, out, err) = warden(
        &[
            "--db",
            hq.to_str().unwrap(),
            "national",
            "overcrowding",
            site,
            "--out",
            hq.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("headquarters' database itself"), "{err}");
    assert!(
        std::fs::read(&hq).unwrap().len() >= before.len(),
        "not truncated"
    );
    Store::open(&hq).unwrap();

    if !rustix::process::getuid().is_root() {
        return;
    }
    // An officer signed in through their own OS account (as a person at headquarters would be).
    const NOBODY_UID: u32 = 65534;
    let mut store = Store::open(&hq).unwrap();
    store
        .link_os_account(&Actor::system("test", now()), "okello", "nobody")
        .unwrap();
    drop(store);
    for p in [dir.path().to_path_buf(), dir.path().join("logs")] {
        std::fs::create_dir_all(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", hq.display()));
        if p.exists() {
            std::os::unix::fs::chown(&p, Some(NOBODY_UID), Some(NOBODY_UID)).unwrap();
        }
    }
    let output = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args([
            "--db",
            hq.to_str().unwrap(),
            "national",
            "overcrowding",
            site,
        ])
        .env("WARDEN_LOG_DIR", dir.path().join("logs"))
        .env_remove("WARDEN_DB")
        .uid(NOBODY_UID)
        .gid(NOBODY_UID)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("may not read the national roll-ups"), "{err}");
    assert!(output.stdout.is_empty(), "no roll-up printed");
    let rows = audit_rows(&hq);
    assert!(
        rows.iter()
            .any(|(actor, entity, id, action)| actor.starts_with("okello")
                && entity == "permission"
                && id == "view-national"
                && action == "refused"),
        "{rows:?}"
    );
    assert!(!rows.iter().any(|(_, entity, _, _)| entity == "national"));
}
