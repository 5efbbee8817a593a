//! `warden forms check [FILE...]`: every problem in the form files as `file:line:column: message`.

use crate::domain::forms::registry::{Registry, load_file};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status when a form has problems (as opposed to 1, a failure to run at all).
const REFUSED: u8 = 2;

/// The forms folder: `WARDEN_FORMS` if set, else `forms` in the current directory.
pub fn forms_dir() -> PathBuf {
    std::env::var_os("WARDEN_FORMS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("forms"))
}

pub fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let (ok, problems) = if files.is_empty() {
        let dir = forms_dir();
        let registry = Registry::load_dir(&dir)
            .with_context(|| format!("cannot read the forms folder {}", dir.display()))?;
        for u in &registry.unavailable {
            for line in u.lines() {
                eprintln!("{line}");
            }
        }
        let problems: usize = registry.unavailable.iter().map(|u| u.errors.len()).sum();
        let ok: Vec<_> = registry
            .forms
            .iter()
            .map(|(p, f)| (p.clone(), f.id.clone(), f.version))
            .collect();
        (ok, problems)
    } else {
        let mut ok = Vec::new();
        let mut problems = 0;
        for path in files {
            match check_one(path)? {
                Ok((id, version)) => ok.push((path.clone(), id, version)),
                Err(n) => problems += n,
            }
        }
        (ok, problems)
    };
    for (path, id, version) in &ok {
        println!("{}: ok ({id} version {version})", path.display());
    }
    if problems == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{problems} problem{} in the form files",
            if problems == 1 { "" } else { "s" }
        );
        Ok(ExitCode::from(REFUSED))
    }
}

fn check_one(path: &Path) -> Result<Result<(String, u32), usize>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(match load_file(path, &bytes) {
        Ok(form) => Ok((form.id, form.version)),
        Err(errors) => {
            for e in &errors {
                eprintln!("{}:{e}", path.display());
            }
            Err(errors.len())
        }
    })
}
