//! `warden programmes load FILE`: a facility's programme catalogue from a TOML file (docs/ROSTERS.md); a dry run
//! unless `--apply`, and then all or nothing. `warden programmes list` shows what each facility runs.

use super::open;
use crate::domain::auth::{Need, Permission};
use crate::domain::estate_file::FileError;
use crate::domain::roster::file::read_toml;
use crate::domain::text::display;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

const REFUSED: u8 = 2;

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

pub fn load(db: &Path, file: &Path, apply: bool) -> Result<ExitCode> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("{name}: not valid UTF-8 text (save the file as UTF-8)");
    };
    // Problems in the file and those only the database can see (an unknown facility) are reported together.
    let (read, mut errors) = match read_toml(text.trim_start_matches('\u{feff}')) {
        Ok(p) => p,
        Err(errors) => return Ok(refuse(&name, &errors)),
    };
    let (mut store, actor) = open(db)?;
    let mut programmes = Vec::new();
    for entry in read {
        let Some(facility) = store.facility_by_code(&entry.facility)? else {
            errors.push(FileError {
                pos: entry.facility_pos,
                field: Some("facility".into()),
                message: format!(
                    "programme {}: facility: no facility with code '{}'",
                    display(&entry.programme.code),
                    display(&entry.facility)
                ),
            });
            continue;
        };
        let exists = store
            .programmes(facility.id, None)?
            .iter()
            .any(|p| p.code == entry.programme.code);
        if exists {
            errors.push(FileError {
                pos: entry.pos,
                field: Some("code".into()),
                message: format!(
                    "programme {}: code: {} already runs it",
                    display(&entry.programme.code),
                    facility.code
                ),
            });
            continue;
        }
        let mut p = entry.programme;
        p.facility_id = facility.id;
        programmes.push((facility.code, p));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.pos);
        return Ok(refuse(&name, &errors));
    }
    for (facility, p) in &programmes {
        println!(
            "{} {facility} {} {}: {} places, {} to {}, {}",
            if apply { "added" } else { "would add" },
            display(&p.code),
            display(&p.name),
            p.capacity,
            p.starts_on,
            p.ends_on,
            p.schedule_text()
        );
    }
    if apply {
        let all: Vec<_> = programmes.into_iter().map(|(_, p)| p).collect();
        store.add_programmes(&actor, &all)?;
        println!("{name}: {} programmes added", all.len());
    } else {
        println!(
            "{name}: {} programmes checked; nothing written (add --apply to write them)",
            programmes.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(db: &Path) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    store.authorise(&actor, Need::To(Permission::ViewRegister), "programmes")?;
    let today = chrono::Utc::now().date_naive();
    let mut lines = Vec::new();
    for f in store.facilities()? {
        let counts = store.programme_counts(f.facility.id)?;
        for p in store.programmes(f.facility.id, Some(today))? {
            let (taken, waiting) = counts.get(&p.id).copied().unwrap_or_default();
            lines.push(format!(
                "{}\t{}\t{}\t{}\t{taken}/{}\t{waiting}\t{}",
                f.facility.code,
                display(&p.code),
                display(&p.name),
                p.category.as_str(),
                p.capacity,
                p.schedule_text()
            ));
        }
    }
    super::admin::print_lines(lines)?;
    Ok(ExitCode::SUCCESS)
}
