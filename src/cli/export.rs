//! `warden export prisoners`: the register of one facility or the whole service as CSV or XLSX, with the columns
//! the caller's role may see, recorded as a disclosure with its reason.

use super::open;
use super::progress::Progress;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit status of a refused export: nothing was written.
const REFUSED: u8 = 2;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// One facility, by its code (without it: the whole service, for administrators only)
    #[arg(long, value_name = "CODE")]
    pub facility: Option<String>,
    /// Why the register leaves the system (kept in the audit trail as a disclosure)
    #[arg(long, value_name = "REASON")]
    pub why: String,
    /// Write to FILE (CSV may go to standard output; XLSX needs a file)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn prisoners(db: &std::path::Path, args: &ExportArgs) -> Result<ExitCode> {
    let refuse = |message: String| {
        eprintln!("warden export: {message}");
        Ok(ExitCode::from(REFUSED))
    };
    if args.format == ExportFormat::Xlsx && args.out.is_none() {
        return refuse(crate::i18n::t("export-xlsx-needs-file"));
    }
    if let Some(path) = &args.out
        && crate::store::is_held_database(path)
    {
        return refuse(format!(
            "--out {}: {}",
            path.display(),
            crate::i18n::t("export-not-the-database")
        ));
    }
    let (mut store, actor) = open(db)?;
    let facility = match &args.facility {
        Some(code) => match store.facility_by_code(code.trim())? {
            Some(f) => Some(f),
            None => {
                return refuse(crate::i18n::t_args(
                    "export-no-facility",
                    &[("code", code.trim().to_string().into())],
                ));
            }
        },
        None => None,
    };
    let format = match args.format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
    };
    // The file is opened first, so an unwritable path is refused before the disclosure is recorded.
    let mode = store.file_access()?.mode();
    let file = match &args.out {
        Some(path) => match crate::print::sink::create_file(path, mode) {
            Ok(f) => Some(f),
            Err(e) => return refuse(format!("--out {e}")),
        },
        None => None,
    };
    let reading = Progress::new("export-progress-reading", "progress-people");
    let read = store.export_register(&actor, facility.as_ref(), format, &args.why, &mut |d, t| {
        reading.show(d, t)
    });
    reading.finish();
    let table = match read {
        Ok(t) => t,
        Err(e @ (crate::store::StoreError::Refused(_) | crate::store::StoreError::Invalid(_))) => {
            if let Some(path) = &args.out {
                let _ = std::fs::remove_file(path);
            }
            return refuse(e.to_string());
        }
        Err(e) => return Err(e.into()),
    };
    let writing = Progress::new("export-progress-writing", "progress-people");
    let total = table.rows.len();
    let mut wrote = |done: usize| writing.show(done, total);
    let bytes = match args.format {
        ExportFormat::Csv => {
            crate::print::sheet::table_csv(&table.columns, &table.rows, &mut wrote)
        }
        ExportFormat::Xlsx => {
            crate::print::sheet::table_xlsx(&table.columns, &table.rows, &mut wrote)
        }
    };
    writing.finish();
    let bytes = bytes?;
    match (file, &args.out) {
        (Some(mut f), Some(path)) => {
            use std::io::Write;
            f.write_all(&bytes)
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}",
                crate::i18n::t_args(
                    "export-written",
                    &[
                        ("people", table.rows.len().into()),
                        ("columns", table.columns.len().into()),
                        ("file", path.display().to_string().into()),
                    ]
                )
            );
        }
        _ => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(&bytes).and_then(|()| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
