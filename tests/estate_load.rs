//! `warden estate load`: dry run first, all or nothing with --apply, errors with file:line(:column), reloads unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use warden::store::Store;

const EXAMPLE_TOML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/estate.toml");
const EXAMPLE_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/estate.csv");

struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
}

fn warden(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .env("WARDEN_LOG_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let out = warden(
        dir.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "init",
            "--admin",
            "chief",
            "--password-stdin",
        ],
        "a long password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Setup { dir, db }
}

impl Setup {
    fn load(&self, file: &Path, apply: bool) -> (i32, String, String) {
        let mut args = vec![
            "--db",
            self.db.to_str().unwrap(),
            "estate",
            "load",
            file.to_str().unwrap(),
        ];
        if apply {
            args.push("--apply");
        }
        let out = warden(self.dir.path(), &args, "");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// A copy of an example with one edit, written beside the database.
    fn variant(&self, example: &str, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
        let text = edit(std::fs::read_to_string(example).unwrap());
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// (facilities, units, cells) as stored.
    fn counts(&self) -> (usize, usize, u64) {
        let store = Store::open(&self.db).unwrap();
        let facilities = store.facilities().unwrap();
        let units: usize = facilities
            .iter()
            .map(|f| store.units(f.facility.id).unwrap().len())
            .sum();
        let cells = facilities
            .iter()
            .flat_map(|f| store.units(f.facility.id).unwrap())
            .map(|u| store.cells(u.unit.id).unwrap().len() as u64)
            .sum();
        (facilities.len(), units, cells)
    }

    fn audit_head(&self) -> i64 {
        Store::open(&self.db).unwrap().recent_audit(1).unwrap()[0].id
    }
}

#[test]
fn a_dry_run_changes_nothing_and_says_what_would_happen() {
    let s = setup();
    let before = std::fs::read(&s.db).unwrap();
    let (code, stdout, stderr) = s.load(Path::new(EXAMPLE_TOML), false);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("facility LUZ"), "{stdout}");
    assert!(
        stdout.contains("Facilities: 3 to create, 0 to update, 0 unchanged"),
        "{stdout}"
    );
    assert!(stdout.contains("Cells: 97 to create"), "{stdout}");
    assert!(stdout.contains("Dry run: nothing was written"), "{stdout}");
    assert_eq!(
        std::fs::read(&s.db).unwrap(),
        before,
        "the file's bytes changed"
    );
    assert_eq!(s.counts(), (0, 0, 0));
}

#[test]
fn apply_loads_everything_and_a_reload_is_all_unchanged() {
    let s = setup();
    let (code, stdout, stderr) = s.load(Path::new(EXAMPLE_TOML), true);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Facilities: 3 created"), "{stdout}");
    // 40 + 1 in LUZ/A, 30 in LUZ/B, 10 + 2 in LWP, 12 + 2 in GUL; the out-of-use cell is stored too.
    assert_eq!(s.counts(), (3, 6, 97));
    let store = Store::open(&s.db).unwrap();
    let luz = store.facility_by_code("LUZ").unwrap().unwrap();
    let a = store.unit_by_code(luz.id, "A").unwrap().unwrap();
    let cells = store.cells(a.id).unwrap();
    assert!(cells.iter().any(|c| c.cell.code == "A-01"));
    assert!(cells.iter().any(|c| c.cell.code == "A-40"));
    let seg = cells.iter().find(|c| c.cell.code == "A-SEG").unwrap();
    assert_eq!(seg.cell.out_of_use.as_deref(), Some("Roof leaking"));
    assert_eq!(store.verify_audit().unwrap(), None);
    drop(store);

    let head = s.audit_head();
    for apply in [false, true] {
        let (code, stdout, stderr) = s.load(Path::new(EXAMPLE_TOML), apply);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains("0 updated, 3 unchanged")
                || stdout.contains("0 to update, 3 unchanged"),
            "{stdout}"
        );
        assert!(
            stdout.contains("Cells: 0 ") && stdout.contains(", 97 unchanged"),
            "{stdout}"
        );
        assert!(
            !stdout.contains(" create ") && !stdout.contains(" update "),
            "{stdout}"
        );
    }
    assert_eq!(s.audit_head(), head, "an unchanged reload wrote audit rows");

    let (code, stdout, stderr) = s.load(Path::new(EXAMPLE_CSV), true);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Facilities: 2 created"), "{stdout}");
    assert_eq!(s.counts(), (5, 11, 107));
}

#[test]
fn changed_entries_are_updated_and_audited_and_nothing_is_deleted() {
    let s = setup();
    assert_eq!(s.load(Path::new(EXAMPLE_CSV), true).0, 0);
    let edited = s.variant(EXAMPLE_CSV, "edited.csv", |t| {
        t.replace("Jinja Main Prison", "Jinja Main Prison (Kirinya)")
            .replace("A-02,10,20,30", "A-02,12,20,30")
            .lines()
            .filter(|l| !l.contains("MBJ"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (code, stdout, _) = s.load(&edited, false);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("name 'Jinja Main Prison' -> 'Jinja Main Prison (Kirinya)'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cell A-02") && stdout.contains("certified 10 -> 12"),
        "{stdout}"
    );
    let (code, stdout, _) = s.load(&edited, true);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Facilities: 0 created, 1 updated, 0 unchanged"),
        "{stdout}"
    );
    // MBJ was left out of the file; it stays.
    assert_eq!(s.counts(), (2, 5, 10));
    let store = Store::open(&s.db).unwrap();
    let audit = store.recent_audit(2).unwrap();
    assert!(audit.iter().all(|a| a.action == "update"), "{audit:?}");
    assert!(audit.iter().any(|a| a.entity == "cell"));
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn a_bad_csv_row_is_reported_with_its_line_and_nothing_is_written() {
    let s = setup();
    let bad = s.variant(EXAMPLE_CSV, "estate.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        assert!(lines[6].starts_with("JIN,,,,,B,,,,,,B-02,8,16,24"));
        lines[6] = lines[6].replace("B-02,8,16,24", "B-02,8,4,24");
        lines.join("\n")
    });
    let before = std::fs::read(&s.db).unwrap();
    let (code, stdout, stderr) = s.load(&bad, true);
    assert_eq!(code, 2, "{stdout}");
    let expected = format!(
        "{}:7: cell B-02 in JIN/B: operational capacity: 4 is below",
        bad.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(s.counts(), (0, 0, 0));
    assert_eq!(std::fs::read(&s.db).unwrap(), before);
}

#[test]
fn separation_and_unknown_words_are_refused_with_line_and_column() {
    let s = setup();
    let bad = s.variant(EXAMPLE_TOML, "estate.toml", |t| {
        // The first unit of the men's prison becomes a women's unit; Gulu gets a kind that does not exist.
        t.replacen(
            "sex = \"male\"                # male or female",
            "sex = \"female\"",
            1,
        )
        .replace("kind = \"mixed\"", "kind = \"prison\"")
    });
    let (code, _, stderr) = s.load(&bad, true);
    assert_eq!(code, 2);
    let name = bad.display().to_string();
    assert!(
        stderr.contains(&format!(
            "{name}:14:9: unit A in LUZ: sex: a men's facility cannot hold a female unit"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{name}:98:8: facility GUL: kind 'prison' is not one of: men, women, juvenile, mixed"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 problems; nothing was written"),
        "{stderr}"
    );
    assert_eq!(s.counts(), (0, 0, 0));
}

#[test]
fn malformed_toml_and_unknown_keys_give_line_and_column() {
    let s = setup();
    let broken = s.dir.path().join("broken.toml");
    std::fs::write(&broken, "[[facility]]\ncode = \"LUZ\nname = \"x\"\n").unwrap();
    let (code, _, stderr) = s.load(&broken, false);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:2:", broken.display())),
        "{stderr}"
    );

    let typo = s.variant(EXAMPLE_TOML, "typo.toml", |t| {
        t.replacen("maximum = 6", "maximun = 6", 1)
    });
    let (code, _, stderr) = s.load(&typo, false);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:26:5: unknown field `maximun`", typo.display())),
        "{stderr}"
    );

    let other = s.dir.path().join("estate.json");
    std::fs::write(&other, "{}").unwrap();
    let (code, _, stderr) = s.load(&other, false);
    assert_ne!(code, 0);
    assert!(stderr.contains("use a .toml or .csv file"), "{stderr}");
}

#[test]
fn a_kind_change_that_strands_a_stored_unit_is_refused() {
    let s = setup();
    assert_eq!(s.load(Path::new(EXAMPLE_TOML), true).0, 0);
    let facility_only = s.dir.path().join("gulu.toml");
    std::fs::write(
        &facility_only,
        "[[facility]]\ncode = \"GUL\"\nname = \"Gulu Main Prison\"\nregion = \"Northern\"\nkind = \"men\"\nsecurity = \"medium\"\n",
    )
    .unwrap();
    let head = s.audit_head();
    let (code, _, stderr) = s.load(&facility_only, true);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":5:8: facility GUL: cannot become men while stored unit F"),
        "{stderr}"
    );
    assert_eq!(s.audit_head(), head);
}

#[test]
fn the_store_refuses_a_kind_that_its_units_do_not_fit() {
    let s = setup();
    assert_eq!(s.load(Path::new(EXAMPLE_TOML), true).0, 0);
    let mut store = Store::open(&s.db).unwrap();
    let actor = warden::store::Actor::system_now("test");
    let mut gulu = store.facility_by_code("GUL").unwrap().unwrap();
    gulu.kind = warden::domain::estate::FacilityKind::Women;
    let e = store.update_facility(&actor, &gulu).unwrap_err();
    assert!(e.to_string().contains("cannot become women"), "{e}");
    gulu.kind = warden::domain::estate::FacilityKind::Mixed;
    gulu.name = "Gulu Prison".into();
    store.update_facility(&actor, &gulu).unwrap();
    assert_eq!(
        store.facility_by_code("GUL").unwrap().unwrap().name,
        "Gulu Prison"
    );
}
