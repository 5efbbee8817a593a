//! `warden backup` and `warden restore`: copies taken while others work, checked before they are trusted.

use super::open;
use crate::store::{BackupReport, Store, restore_backup};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;

pub fn backup(db: &Path, to: &Path, force: bool) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    let started = std::time::Instant::now();
    let report = store.backup_to(&actor, to, force)?;
    println!(
        "Backed up {} to {} in {:.1} s.",
        db.display(),
        to.display(),
        started.elapsed().as_secs_f64()
    );
    print_report(&report);
    Ok(ExitCode::SUCCESS)
}

pub fn restore(db: &Path, from: &Path, force: bool) -> Result<ExitCode> {
    // Who may restore is decided by the live database's links, or, where it is missing or unreadable, by the
    // backup's: either way an administrator of the register being put in place.
    let account = super::identity::OsAccount::invoking();
    let actor = match Store::open_read_only(db) {
        Ok(live) => super::identity::actor_for(&live, &account)?,
        Err(_) => {
            let backup = Store::open_read_only(from)
                .with_context(|| format!("cannot open {}", from.display()))?;
            super::identity::actor_for(&backup, &account)?
        }
    };
    let report = restore_backup(&actor, from, db, force)?;
    println!("Restored {} from {}.", db.display(), from.display());
    print_report(&report.backup);
    if let Some(replaced) = &report.replaced {
        if report.replaced_was_damaged {
            println!(
                "The replaced database could not be read (damaged); it was moved whole to {}.",
                replaced.display()
            );
        } else {
            println!("The replaced database is kept as {}.", replaced.display());
        }
    }
    if report.raced_with_writer {
        // Exit non-zero so a script notices: someone's change may be in neither file.
        eprintln!(
            "warden: another session saved a change while the restore ran; that change is in neither file. \
             Stop every session, then check the last changes with the people who made them."
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &BackupReport) {
    if !r.is_sound() {
        for p in &r.problems {
            println!("  {p}");
        }
        return;
    }
    let people = r.rows.get("prisoner").copied().unwrap_or(0);
    let last = r
        .last_audit
        .as_ref()
        .map(|(id, hash)| format!(", last record {id} {}", &hash[..hash.len().min(12)]))
        .unwrap_or_default();
    println!(
        "Checked the copy: integrity ok, foreign keys ok, audit chain ok ({} records{last}).",
        r.audit_records()
    );
    println!(
        "{} bytes, schema version {}, {people} prisoner records, {} tables.",
        r.bytes,
        r.schema_version,
        r.rows.len()
    );
}
