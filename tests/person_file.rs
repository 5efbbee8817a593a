//! A person's file between two stations: exported signed at one, refused at the other until it trusts the sender,
//! admitted there with its history and national id, refused when changed after signing or when the person is
//! already held.

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

fn station(dir: &Path, name: &str) -> std::path::PathBuf {
    let db = dir.join(format!("{name}.db"));
    warden::store::Store::create(&db).unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/estate.toml");
    let (code, _, err) = warden(&db, &["estate", "load", example, "--apply"]);
    assert_eq!(code, 0, "{err}");
    db
}

#[test]
fn a_persons_file_travels_signed_and_is_admitted_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (station(dir.path(), "a"), station(dir.path(), "b"));
    let register = dir.path().join("r.csv");
    std::fs::write(
        &register,
        "prison_number,family_name,given_names,date_of_birth,sex,legal_status,committing_authority,admission_date,facility\n\
         LUZ/2024/00001,Okello,John Bosco,1990-02-01,male,remand,Kampala Chief Magistrate,2024-03-01,LUZ\n",
    )
    .unwrap();
    let (code, _, err) = warden(
        &a,
        &["import", "prisoners", register.to_str().unwrap(), "--apply"],
    );
    assert_eq!(code, 0, "{err}");
    let file = dir.path().join("okello.json");
    let f = file.to_str().unwrap();
    let (code, _, err) = warden(&a, &["export", "person", "LUZ/2024/00001", "--out", f]);
    assert_ne!(code, 0, "a reason is needed");
    assert!(err.contains("--why"), "{err}");
    let (code, _, err) = warden(
        &a,
        &[
            "export",
            "person",
            "LUZ/2024/00001",
            "--why",
            "transfer to Gulu",
            "--out",
            f,
        ],
    );
    assert_eq!(code, 0, "{err}");

    // On release, the same file as a continuity-of-care summary for probation, saying what is withheld.
    let pdf = dir.path().join("okello.pdf");
    let (code, _, err) = warden(
        &a,
        &[
            "export",
            "person",
            "LUZ/2024/00001",
            "--why",
            "probation",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let summary = pdf_extract::extract_text_from_mem(&std::fs::read(&pdf).unwrap()).unwrap();
    for says in [
        "Continuity of care summary",
        "Okello, John Bosco",
        "Custody history",
        "admission",
        "Withheld for need to know",
    ] {
        assert!(summary.contains(says), "{says}: {summary}");
    }

    // B does not know A yet.
    let (code, _, err) = warden(&b, &["import", "person", f, "--facility", "GUL", "--apply"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("signed by a station this one does not trust"),
        "{err}"
    );
    let (_, key, _) = warden(&a, &["station", "key"]);
    let key = key.split_whitespace().last().unwrap().to_string();
    let (code, _, err) = warden(&b, &["station", "trust", &key, "--name", "Luzira station"]);
    assert_eq!(code, 0, "{err}");

    // Changed after signing: refused.
    let text = std::fs::read_to_string(&file).unwrap();
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, text.replace("John Bosco", "John Paul")).unwrap();
    let (code, _, err) = warden(
        &b,
        &[
            "import",
            "person",
            tampered.to_str().unwrap(),
            "--facility",
            "GUL",
            "--apply",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("the file was changed after it was signed"),
        "{err}"
    );

    let (code, out, err) = warden(&b, &["import", "person", f, "--facility", "GUL"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Okello, John Bosco") && out.contains("from Luzira station (signature good)"),
        "{out}"
    );
    assert!(out.contains("1 custody events"), "{out}");
    let (code, out, err) = warden(&b, &["import", "person", f, "--facility", "GUL", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Admitted as GUL/"), "{out}");
    let national = |db: &Path| -> String {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT n.national_id FROM national_person n JOIN prisoner p ON p.id = n.prisoner_id
                 WHERE p.family_name = 'Okello'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(national(&a), national(&b), "one person everywhere");
    let history: String = rusqlite::Connection::open(&b)
        .unwrap()
        .query_row("SELECT station FROM person_history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(history, "Luzira station");
    // The same person again: already here.
    let (code, _, err) = warden(&b, &["import", "person", f, "--facility", "GUL", "--apply"]);
    assert_eq!(code, 2);
    assert!(err.contains("already on this register"), "{err}");
    let (code, _, err) = warden(&b, &["check"]);
    assert_eq!(code, 0, "{err}");
}
