//! `warden estate load`: facilities, units and cells from a TOML or CSV file; a dry run unless `--apply`.

use super::open;
use crate::domain::estate_file::{EstateFile, FileError, parse_csv, parse_toml};
use crate::domain::estate_plan::{Change, Plan, Tally, cell_diff, facility_diff, unit_diff};
use crate::domain::text::display;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

/// Exit status when the file is refused (as opposed to 1, a failure to run at all).
const REFUSED: u8 = 2;

pub fn load(db: &Path, file: &Path, apply: bool) -> Result<ExitCode> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("{name}: not valid UTF-8 text (save the file as UTF-8)");
    };
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let parsed = match extension.as_deref() {
        Some("toml") => parse_toml(text.trim_start_matches('\u{feff}')),
        Some("csv") => parse_csv(text.trim_start_matches('\u{feff}')),
        _ => bail!("{name}: use a .toml or .csv file (see docs/ESTATE.md)"),
    };
    let estate = match parsed {
        Ok(e) => e,
        Err(errors) => return Ok(refuse(&name, &errors)),
    };
    let (mut store, actor) = open(db)?;
    let result = if apply {
        store.apply_estate(&actor, &estate)?
    } else {
        store.plan_estate(&estate)?
    };
    let plan = match result {
        Ok(p) => p,
        Err(errors) => return Ok(refuse(&name, &errors)),
    };
    report(&name, &estate, &plan, apply);
    Ok(ExitCode::SUCCESS)
}

fn refuse(name: &str, errors: &[FileError]) -> ExitCode {
    for e in errors {
        eprintln!("{name}:{e}");
    }
    let n = errors.len();
    eprintln!(
        "{name}: {n} problem{}; nothing was written",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(REFUSED)
}

fn word<T>(change: &Change<T>, apply: bool) -> &'static str {
    match (change, apply) {
        (Change::Create(_), false) => "create",
        (Change::Create(_), true) => "created",
        (Change::Update { .. }, false) => "update",
        (Change::Update { .. }, true) => "updated",
        (Change::Unchanged(_), _) => "unchanged",
    }
}

fn tally_text(what: &str, t: Tally, apply: bool) -> String {
    let (create, update) = if apply {
        ("created", "updated")
    } else {
        ("to create", "to update")
    };
    format!(
        "{what}: {} {create}, {} {update}, {} unchanged",
        t.create, t.update, t.unchanged
    )
}

/// One line per facility and unit; cells are counted per unit, with each changed cell listed.
fn report(name: &str, estate: &EstateFile, plan: &Plan, apply: bool) {
    let (f, u, c) = estate.counts();
    println!("{name}: {f} facilities, {u} units, {c} cells");
    for fp in &plan.facilities {
        let fac = fp.change.after();
        let detail = match &fp.change {
            Change::Update { before, after } => facility_diff(before, after).join("; "),
            _ => format!(
                "{} ({}; {}; {})",
                fac.name, fac.region, fac.kind, fac.security
            ),
        };
        println!(
            "facility {:<10} {:<9} {}",
            display(&fac.code),
            word(&fp.change, apply),
            display(&detail)
        );
        for up in &fp.units {
            let unit = up.change.after();
            let mut cells = Tally::default();
            for cell in &up.cells {
                cells.count(cell);
            }
            let detail = match &up.change {
                Change::Update { before, after } => unit_diff(before, after).join("; "),
                _ => format!(
                    "{} ({} {} {} {})",
                    unit.name, unit.sex, unit.age_group, unit.legal_use, unit.security
                ),
            };
            println!(
                "  unit {:<12} {:<9} {}; {}",
                display(&unit.code),
                word(&up.change, apply),
                display(&detail),
                tally_text("cells", cells, apply)
            );
            for cell in &up.cells {
                if let Change::Update { before, after } = cell {
                    println!(
                        "    cell {:<10} {:<9} {}",
                        display(&after.code),
                        word(cell, apply),
                        display(&cell_diff(before, after).join("; "))
                    );
                }
            }
        }
    }
    let [tf, tu, tc] = plan.tallies();
    println!("{}", tally_text("Facilities", tf, apply));
    println!("{}", tally_text("Units", tu, apply));
    println!("{}", tally_text("Cells", tc, apply));
    let changes = tf.changes() + tu.changes() + tc.changes();
    if apply {
        println!("Written in one transaction ({changes} changes, each in the audit trail).");
    } else if changes == 0 {
        println!("Dry run: nothing to change.");
    } else {
        println!(
            "Dry run: nothing was written. Run again with --apply to make these {changes} changes."
        );
    }
}
