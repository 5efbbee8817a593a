//! Importing the register (issue 21: 100,000 rows in at most 60 s on the build machine): `warden import
//! prisoners FILE --apply` on a CSV of 100,000 people without prison numbers, over the example estate, timed
//! from start to exit (reading, the dry run's checks, and the batches), with the batch figures it prints.
//! `cargo bench --bench import` (figures in docs/PERFORMANCE.md, "Import"). Under `cargo test` (no `--bench`) the
//! same runs on 2,000 rows as a smoke test; no budget is checked there.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(60);

fn warden(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env("WARDEN_LOG_DIR", db.parent().unwrap().join("logs"))
        .env_remove("WARDEN_DB")
        .output()
        .expect("run warden")
}

/// Names from several scripts, so folding and the duplicate check do real work.
const FAMILY: &[&str] = &[
    "Okello",
    "Ssebunya",
    "Nguyễn",
    "Абенов",
    "Ben Salah",
    "Achieng",
    "Mugisha",
    "Đặng",
];
const GIVEN: &[&str] = &[
    "John",
    "Brian",
    "Thị Hà",
    "Нурлан",
    "Amira",
    "Grace",
    "Peter",
    "Văn",
];

fn csv(rows: usize) -> String {
    let mut out = String::from(
        "family_name,given_names,date_of_birth,sex,legal_status,committing_authority,admission_date,facility,offences\n",
    );
    for i in 0..rows {
        let (family, given) = (FAMILY[i % FAMILY.len()], GIVEN[(i / 8) % GIVEN.len()]);
        let born = 1950 + (i % 50);
        let status = if i % 3 == 0 { "convicted" } else { "remand" };
        let facility = ["LUZ", "GUL"][i % 2];
        let _ = writeln!(
            out,
            "{family}{},{given},{born}-0{}-1{},male,{status},Court {},20{:02}-0{}-1{},{facility},Offence {i}",
            i / 64,
            1 + i % 9,
            i % 10,
            i % 40,
            10 + i % 16,
            1 + i % 9,
            i % 10
        );
    }
    out
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let rows = if full { 100_000 } else { 2_000 };
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("w.db");
    warden::store::Store::create(&db).expect("create");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/estate.toml");
    let loaded = warden(&db, &["estate", "load", example, "--apply"]);
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let file = dir.path().join("register.csv");
    std::fs::write(&file, csv(rows)).expect("write the file");
    let file = file.to_string_lossy().into_owned();

    let started = Instant::now();
    let dry = warden(&db, &["import", "prisoners", &file]);
    let dry_time = started.elapsed();
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let started = Instant::now();
    let applied = warden(&db, &["import", "prisoners", &file, "--apply"]);
    let apply_time = started.elapsed();
    let said = String::from_utf8_lossy(&applied.stdout);
    assert!(
        applied.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let last = said.lines().last().unwrap_or("");
    println!(
        "import of {rows} rows: dry run {:.1} s; --apply {:.1} s (budget {} s)",
        dry_time.as_secs_f64(),
        apply_time.as_secs_f64(),
        BUDGET.as_secs()
    );
    println!("  {last}");
    if full && apply_time > BUDGET {
        println!("  OVER BUDGET");
        std::process::exit(1);
    }
}
