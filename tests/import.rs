//! `warden import prisoners` on messy files: every problem as FILE:ROW:COLUMN in one dry run and nothing
//! written; a clean file admitted with its cells, audited with the file's SHA-256; a second run refused; a
//! spreadsheet read by its cells (dates, numbers, formulas); files that are not what they say.

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

/// A database with the example estate (LUZ men, LWP women, GUL mixed).
fn estate() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    warden::store::Store::create(&db).unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/estate.toml");
    let (code, _, err) = warden(&db, &["estate", "load", example, "--apply"]);
    assert_eq!(code, 0, "{err}");
    (dir, db)
}

fn golden(name: &str) -> String {
    format!("{}/tests/golden/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The report with the temporary folder and the file's hash taken out (a spreadsheet holds the time it was
/// written), so it reads the same on every machine.
fn report(out: &str, err: &str, file: &str) -> String {
    let text = format!("{out}--- stderr ---\n{err}").replace(file, "FILE");
    match text.find("(SHA-256 ") {
        Some(at) => {
            let start = at + "(SHA-256 ".len();
            format!("{}HASH{}", &text[..start], &text[start + 16..])
        }
        None => text,
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_messy_csv_gets_every_problem_in_one_run_and_nothing_is_written() {
    let (_dir, db) = estate();
    let file = golden("messy.csv");
    let before = count(&db, "SELECT count(*) FROM audit");
    let (code, out, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_eq!(code, 2, "{out}{err}");
    insta::assert_snapshot!("messy_csv", report(&out, &err, &file));
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM audit"), before);
}

fn clean_csv(dir: &Path) -> String {
    let path = dir.join("register.csv");
    std::fs::write(
        &path,
        "family_name,given_names,date_of_birth,sex,legal_status,committing_authority,admission_date,facility,cell\n\
         Okello,John Bosco,1990-02-01,male,remand,Kampala Chief Magistrate,2024-03-01,LUZ,A-01\n\
         Абенов,Нурлан,1988,male,convicted,Almaty City Court,2023-11-15,LUZ,A-02\n\
         Nguyễn,Thị Hà,1995-07-30,female,remand,Tunis Court of First Instance,2025-01-10,LWP,\n\
         Akello,Sarah,1994-01-01,female,remand,Mengo court,2026-11-01,LUZ,\n",
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_clean_file_is_admitted_placed_audited_and_not_imported_twice() {
    let (dir, db) = estate();
    let file = clean_csv(dir.path());
    let (code, out, err) = warden(&db, &["import", "prisoners", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("4 rows; 4 new, 0 already on the register"),
        "{out}"
    );
    // A woman held in a men's prison by the old register: admitted as recorded, with an alert, not dropped.
    assert!(out.contains(":5: ALERT: admitted as recorded"), "{out}");
    assert!(out.contains("Dry run: nothing was written"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 0);

    let (code, out, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("4 admitted (0 by an earlier run cut short)"),
        "{out}"
    );
    // A-01 is a remand cell: Okello goes in; Абенов is convicted, so the remand wing refuses him and he waits.
    assert!(
        out.contains("1 placed in their cells, 1 waiting for a cell"),
        "{out}"
    );
    assert!(out.contains(":3: LUZ/2023/"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 4);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM prisoner WHERE cell_id IS NOT NULL"
        ),
        1
    );
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&file).unwrap()))
    };
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(*) FROM audit WHERE action = 'import' AND json_extract(after, '$.sha256') = '{sha}'"
            )
        ),
        4
    );
    let (code, _, err) = warden(&db, &["check"]);
    assert_eq!(code, 0, "{err}");
    // The same file again: every number it would make is new, but the file is known.
    let (code, out, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("imported to the end before"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 4);
}

#[test]
fn an_import_is_taken_back_whole_while_nobody_has_been_worked_on_since() {
    let (dir, db) = estate();
    let file = clean_csv(dir.path());
    let (code, _, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = warden(&db, &["import", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("1 done "), "{out}");
    assert!(out.contains("4 rows, 4 on the register now"), "{out}");

    // Only an administrator may take an import back.
    let officer = warden::store::Actor::staff_now("okello", warden::domain::auth::Role::Officer);
    let mut store = warden::store::Store::open(&db).unwrap();
    let refused = store.import_undo(&officer, 1, "wrong file", &mut |_, _| {});
    assert!(
        matches!(refused, Err(warden::store::StoreError::Refused(_))),
        "{refused:?}"
    );

    // The dry run says who would go and removes nobody.
    let (code, out, err) = warden(&db, &["import", "undo", "1", "--why", "wrong file"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Import 1 (") && out.contains("4 people"),
        "{out}"
    );
    assert!(out.contains("Dry run: nothing was removed"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 4);

    let (code, out, err) = warden(
        &db,
        &["import", "undo", "1", "--why", "wrong file", "--apply"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4 people removed"), "{out}");
    for table in [
        "prisoner",
        "prisoner_find",
        "prisoner_search",
        "movement",
        "custody_event",
    ] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit WHERE action = 'undo-import'"
        ),
        4
    );
    let (code, _, err) = warden(&db, &["check"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = warden(&db, &["import", "list"]);
    assert!(out.starts_with("1 undone "), "{out}");
    let (code, _, err) = warden(&db, &["import", "undo", "1", "--why", "again"]);
    assert_eq!(code, 2);
    assert!(err.contains("taken back already"), "{err}");

    // The corrected file may come in again, as a new import.
    let (code, out, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Import 2: 4 admitted"), "{out}");
}

#[test]
fn an_import_is_not_taken_back_once_someone_has_been_worked_on() {
    let (dir, db) = estate();
    let file = clean_csv(dir.path());
    let (code, _, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_eq!(code, 0, "{err}");
    let admin = warden::store::Actor::staff_now("root", warden::domain::auth::Role::Admin);
    let mut store = warden::store::Store::open(&db).unwrap();
    let okello = store
        .search("okello", 5)
        .unwrap()
        .into_iter()
        .next()
        .expect("Okello was imported");
    let mut record = store.prisoner(okello.id).unwrap().unwrap().prisoner;
    record.home_district = "Gulu".into();
    store.update_prisoner(&admin, &record).unwrap();
    drop(store);

    let (code, _, err) = warden(
        &db,
        &["import", "undo", "1", "--why", "wrong file", "--apply"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("{}: a change to the record", record.number)),
        "{err}"
    );
    assert!(err.contains("1 person has been worked on"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 4);
    assert_eq!(count(&db, "SELECT count(*) FROM import_undo"), 0);
}

#[test]
fn a_spreadsheet_is_read_by_its_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let (dir, db) = estate();
    let path = dir.path().join("register.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let headers = [
        "Prison number",
        "Family name",
        "Given names",
        "Date of birth",
        "Sex",
        "Legal status",
        "Committing authority",
        "Admission date",
        "Facility",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    type Row<'a> = (&'a str, &'a str, &'a str, (u16, u8, u8));
    let rows: [Row; 2] = [
        ("LUZ/2024/00007", "Okello", "John", (1990, 2, 1)),
        ("LUZ/2024/00008", "Ssebunya", "Brian", (1992, 4, 3)),
    ];
    for (i, (number, family, given, (y, m, d))) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *number).unwrap();
        sheet.write_string(r, 1, *family).unwrap();
        sheet.write_string(r, 2, *given).unwrap();
        let born = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet
            .write_datetime_with_format(r, 3, &born, &date)
            .unwrap();
        sheet.write_string(r, 4, "male").unwrap();
        sheet.write_string(r, 5, "remand").unwrap();
        sheet.write_string(r, 6, "Mengo court").unwrap();
        let admitted = ExcelDateTime::from_ymd(2024, 5, 5).unwrap();
        sheet
            .write_datetime_with_format(r, 7, &admitted, &date)
            .unwrap();
        sheet.write_string(r, 8, "LUZ").unwrap();
    }
    // A formula where a fact should be, and a prison number given twice.
    sheet
        .write_formula(2, 6, Formula::new("=CONCAT(\"Mengo\",\" court\")"))
        .unwrap();
    sheet.write_string(3, 0, "LUZ/2024/00007").unwrap();
    for (c, v) in ["Kato", "Moses"].iter().enumerate() {
        sheet.write_string(3, c as u16 + 1, *v).unwrap();
    }
    sheet.write_number(3, 3, 1985.0).unwrap();
    for (c, v) in ["male", "convicted", "High Court"].iter().enumerate() {
        sheet.write_string(3, c as u16 + 4, *v).unwrap();
    }
    sheet.write_string(3, 7, "2020-01-01").unwrap();
    sheet.write_string(3, 8, "LUZ").unwrap();
    book.save(&path).unwrap();
    let file = path.to_string_lossy().into_owned();
    let (code, out, err) = warden(&db, &["import", "prisoners", &file]);
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!("formula_xlsx", report(&out, &err, &file));
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 0);
}

#[test]
fn files_that_are_not_what_they_say_are_refused() {
    let (dir, db) = estate();
    let cases = [
        ("empty.csv", b"".to_vec(), "the file is empty"),
        (
            "text.xlsx",
            b"family_name,sex\n".to_vec(),
            "named .xlsx but not a spreadsheet",
        ),
        (
            "zip.csv",
            b"PK\x03\x04rest".to_vec(),
            "named .csv but it is a spreadsheet",
        ),
        (
            "latin1.csv",
            b"family_name\nM\xfcller\n".to_vec(),
            "not UTF-8 text",
        ),
        (
            "noheader.csv",
            "Okello,John,1990-02-01\n".as_bytes().to_vec(),
            ":1: no header row",
        ),
    ];
    for (name, bytes, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, out, err) = warden(
            &db,
            &["import", "prisoners", path.to_str().unwrap(), "--apply"],
        );
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(says), "{name}: {err}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 0);
}

/// Rows for the library: `n` people at Luzira's remand wing, without prison numbers.
fn rows(
    n: usize,
) -> (
    warden::domain::register_file::Header,
    Vec<warden::domain::register_file::ImportRow>,
) {
    use warden::domain::register_file::{CellValue, read_header, read_row};
    let text = |s: &str| CellValue::Text(s.to_string());
    let header: Vec<CellValue> = [
        "family_name",
        "given_names",
        "date_of_birth",
        "sex",
        "legal_status",
        "committing_authority",
        "admission_date",
        "facility",
    ]
    .iter()
    .map(|h| text(h))
    .collect();
    let (header, _) = read_header(&header, &Default::default()).unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let rows = (0..n)
        .map(|i| {
            let cells = [
                text(&format!("Person{i}")),
                text("Test"),
                text("1990"),
                text("male"),
                text("remand"),
                text("Mengo court"),
                text("2024-05-05"),
                text("LUZ"),
            ];
            read_row(&header, i + 2, &cells, now).unwrap().unwrap()
        })
        .collect();
    (header, rows)
}

#[test]
fn an_import_cut_short_is_finished_by_running_it_again() {
    let (_dir, db) = estate();
    let (_, rows) = rows(3000);
    let actor = warden::store::Actor::system("root", chrono::Utc::now());
    let mut store = warden::store::Store::open(&db).unwrap();
    // Stop it after the first batch as a power cut would: the batch is committed, the run is not finished.
    let cut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.import_apply(&actor, "r.csv", "feed", &rows, &mut |done, total| {
            if done > 0 && done < total {
                panic!("power cut");
            }
        })
    }));
    assert!(
        cut.is_err(),
        "the cut came before the end (one batch held everything)"
    );
    let first = count(&db, "SELECT count(*) FROM prisoner") as usize;
    assert!(first > 0 && first < 3000, "{first}");
    let mut store = warden::store::Store::open(&db).unwrap();
    let outcome = store
        .import_apply(&actor, "r.csv", "feed", &rows, &mut |_, _| {})
        .unwrap();
    assert_eq!(outcome.resumed, first);
    assert_eq!(outcome.admitted + outcome.resumed, 3000);
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 3000);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT number) FROM prisoner"),
        3000
    );
    assert!(
        outcome.longest_batch < std::time::Duration::from_secs(1),
        "{outcome:?}"
    );
}

#[test]
fn a_map_file_names_the_columns_of_another_system() {
    let (dir, db) = estate();
    let file = dir.path().join("old.csv");
    std::fs::write(
        &file,
        "Nom,Prénoms,Né le,Sexe,Statut,Autorité,Entrée,Prison,Remarques\n\
         Ben Salah,Amira,1992-02-02,female,remand,Tribunal de Tunis,2025-02-02,LWP,calme\n",
    )
    .unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        "[columns]\nNom = \"family_name\"\n\"Prénoms\" = \"given_names\"\n\"Né le\" = \"date_of_birth\"\n\
         Sexe = \"sex\"\nStatut = \"legal_status\"\n\"Autorité\" = \"committing_authority\"\n\
         \"Entrée\" = \"admission_date\"\nPrison = \"facility\"\nRemarques = \"ignore\"\n",
    )
    .unwrap();
    let (code, out, err) = warden(
        &db,
        &[
            "import",
            "prisoners",
            file.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
            "--apply",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 admitted"), "{out}");
    std::fs::write(&map, "[columns]\nNom = \"surnom\"\n").unwrap();
    let (code, _, err) = warden(
        &db,
        &[
            "import",
            "prisoners",
            file.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains(":1:1: the map names 'surnom', which is not a register column"),
        "{err}"
    );
}

#[test]
fn the_register_goes_out_with_a_disclosure_and_comes_back_in() {
    let (dir, db) = estate();
    let file = clean_csv(dir.path());
    let (code, _, err) = warden(&db, &["import", "prisoners", &file, "--apply"]);
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("luz.csv");
    let (code, _, err) = warden(
        &db,
        &[
            "export",
            "prisoners",
            "--facility",
            "LUZ",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("--why"), "{err}");
    let (code, _, err) = warden(
        &db,
        &[
            "export",
            "prisoners",
            "--facility",
            "LUZ",
            "--why",
            "handover to the new station",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 people"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("prison_number,family_name,given_names,aliases,date_of_birth"),
        "{header}"
    );
    assert!(header.ends_with(",facility,cell"), "{header}");
    assert!(text.contains("Абенов"), "{text}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit WHERE entity = 'disclosure' AND json_extract(after, '$.why') = 'handover to the new station'"
        ),
        1
    );
    // What went out comes back in at another station with the same columns.
    let (_dir2, other) = estate();
    let (code, said, err) = warden(
        &other,
        &["import", "prisoners", out.to_str().unwrap(), "--apply"],
    );
    assert_eq!(code, 0, "{said}{err}");
    assert!(said.contains("3 admitted"), "{said}\n{text}");
    let xlsx = dir.path().join("all.xlsx");
    let (code, _, err) = warden(
        &db,
        &[
            "export",
            "prisoners",
            "--format",
            "xlsx",
            "--why",
            "national return",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}

#[test]
fn an_undo_cut_short_is_finished_by_running_it_again_and_holds_the_file_back_until_then() {
    let (_dir, db) = estate();
    let (_, rows) = rows(3000);
    let root = warden::store::Actor::system("root", chrono::Utc::now());
    let admin = warden::store::Actor::staff_now("amina", warden::domain::auth::Role::Admin);
    let mut store = warden::store::Store::open(&db).unwrap();
    let outcome = store
        .import_apply(&root, "r.csv", "feed", &rows, &mut |_, _| {})
        .unwrap();
    let cut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.import_undo(&admin, outcome.import_id, "wrong", &mut |done, total| {
            if done > 0 && done < total {
                panic!("power cut");
            }
        })
    }));
    assert!(cut.is_err(), "one batch took them all back");
    let left = count(&db, "SELECT count(*) FROM prisoner");
    assert!(left > 0 && left < 3000, "{left}");
    let mut store = warden::store::Store::open(&db).unwrap();
    let again = store.import_apply(&root, "r.csv", "feed", &rows, &mut |_, _| {});
    assert!(
        matches!(&again, Err(warden::store::StoreError::Invalid(m)) if m.to_string().contains("cut short")),
        "{again:?}"
    );
    let removed = store
        .import_undo(&admin, outcome.import_id, "wrong", &mut |_, _| {})
        .unwrap();
    assert_eq!(removed as i64, left);
    assert_eq!(count(&db, "SELECT count(*) FROM prisoner"), 0);
    let fresh = store
        .import_apply(&root, "r.csv", "feed", &rows, &mut |_, _| {})
        .unwrap();
    assert_eq!((fresh.admitted, fresh.resumed), (3000, 0));
}
