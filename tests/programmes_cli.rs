//! `warden programmes load|list` on a real database: a dry run writes nothing, --apply writes all, a bad file is
//! refused with file:line:column and nothing written.

use std::path::Path;
use std::process::Command;

fn warden(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env("WARDEN_LOG_DIR", db.parent().unwrap().join("logs"))
        .env_remove("WARDEN_DB")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn estate(db: &Path) {
    let mut store = warden::store::Store::create(db).unwrap();
    let a = warden::store::Actor::system("admin", chrono::Utc::now());
    use warden::domain::estate::*;
    store
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
}

#[test]
fn the_example_catalogue_loads_after_a_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    estate(&db);
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/programmes.toml");
    let (code, out, err) = warden(&db, &["programmes", "load", example]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("would add LUZ LIT1") && out.contains("nothing written"),
        "{out}"
    );
    let (_, listed, _) = warden(&db, &["programmes", "list"]);
    assert!(listed.trim().is_empty(), "{listed}");
    let (code, out, err) = warden(&db, &["programmes", "load", example, "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 programmes added"), "{out}");
    let (_, listed, _) = warden(&db, &["programmes", "list"]);
    assert!(
        listed
            .contains("LUZ\tCARP\tCarpentry and joinery\tvocational\t0/12\t0\tTue Thu 14:00-17:00"),
        "{listed}"
    );
    // Loading it again is refused: the codes are taken, and nothing is written twice.
    let (code, _, err) = warden(&db, &["programmes", "load", example, "--apply"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("programme LIT1: code: LUZ already runs it"),
        "{err}"
    );
}

#[test]
fn a_bad_file_names_each_place_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    estate(&db);
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[[programme]]\nfacility = \"NOPE\"\ncode = \"X1\"\nname = \"X\"\ncategory = \"cbt\"\nprovider = \"staff\"\n\
         room = \"R\"\ncapacity = 5\nstarts = \"2026-01-01\"\nends = \"2026-12-31\"\nslots = [\"Mon 10:00-09:00\"]\n",
    )
    .unwrap();
    let (code, _, err) = warden(
        &db,
        &["programmes", "load", file.to_str().unwrap(), "--apply"],
    );
    assert_eq!(code, 2);
    // Both problems in one run: the file's own (a slot that ends before it starts) and the database's (no
    // such facility), in the order they are written.
    let facility = err.find("bad.toml:2:12: programme X1: facility: no facility with code 'NOPE'");
    let slot = err.find("bad.toml:11:10: programme X1: slots: ends: 09:00 is not after");
    assert!(
        matches!((facility, slot), (Some(f), Some(s)) if f < s),
        "{err}"
    );
    assert!(err.contains("2 problems; nothing was written"), "{err}");
    let (_, listed, _) = warden(&db, &["programmes", "list"]);
    assert!(listed.trim().is_empty());
}

#[test]
fn one_programme_s_roster_prints_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    estate(&db);
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/programmes.toml");
    let (code, _, err) = warden(&db, &["programmes", "load", example, "--apply"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = warden(
        &db,
        &["print", "roster", "--facility", "LUZ", "--week", "2027-W02"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("LIT1") && out.contains("CARP"), "{out}");
    let (code, out, err) = warden(
        &db,
        &[
            "print",
            "roster",
            "--facility",
            "LUZ",
            "--week",
            "2027-W02",
            "--programme",
            "carp",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Programme roster: CARP Carpentry and joinery"),
        "{out}"
    );
    assert!(!out.contains("LIT1"), "{out}");
    let (code, _, err) = warden(
        &db,
        &[
            "print",
            "roster",
            "--facility",
            "LUZ",
            "--programme",
            "NOPE",
        ],
    );
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("programme: no programme NOPE in this facility"),
        "{err}"
    );
    let (code, _, err) = warden(
        &db,
        &[
            "print",
            "unlock",
            "--facility",
            "LUZ",
            "--programme",
            "CARP",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--programme: only the programme roster"),
        "{err}"
    );
}
