//! `warden national REPORT SITE.db...`: the national roll-up at headquarters from each site's restored copy,
//! opened read-only (nothing is written to any site file), as text, CSV or PDF.

use crate::i18n::{t, t_args};
use crate::print::{self, Format, Paper, PrintError};
use crate::report::national::{self, Kind, NationalParams};
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct NationalArgs {
    #[arg(value_enum)]
    pub report: Kind,
    /// Each site's database (a restored copy), read only
    #[arg(required = true, value_name = "SITE.db")]
    pub sites: Vec<PathBuf>,
    /// First day of the releases-due period (YYYY-MM-DD; default today)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the releases-due period (YYYY-MM-DD; default six days after --from)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Paper size for PDF
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// Write to FILE (default: standard output)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn refuse(message: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("warden national: {message}");
    Ok(ExitCode::from(2))
}

fn date(option: &str, s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        t_args(
            "national-bad-date",
            &[
                ("option", option.to_string().into()),
                ("value", crate::domain::text::display(s).into()),
            ],
        )
    })
}

pub fn run(db: &Path, args: &NationalArgs) -> Result<ExitCode> {
    let now = chrono::Utc::now();
    let mut params = NationalParams::new(now, String::new());
    if let Some(from) = &args.from {
        match date("--from", from) {
            Ok(d) => (params.from, params.to) = (d, d + chrono::Duration::days(6)),
            Err(e) => return refuse(e),
        }
    }
    if let Some(to) = &args.to {
        match date("--to", to) {
            Ok(d) if d >= params.from => params.to = d,
            Ok(_) => return refuse(t("national-period-backwards")),
            Err(e) => return refuse(e),
        }
    }
    if let Some(out) = &args.out
        && args.sites.iter().any(|s| s == out)
    {
        return refuse(t("national-out-is-a-site"));
    }
    if args.format == Format::Pdf && args.out.is_none() {
        return refuse(t("national-pdf-needs-file"));
    }
    // Headquarters' own database says who may read the roll-ups and keeps the record that they were read.
    let (mut store, actor) = super::open_for_reading(db)?;
    if let Some(out) = &args.out
        && crate::store::is_held_database(out)
    {
        return refuse(t_args(
            "national-out-is-the-database",
            &[("file", out.display().to_string().into())],
        ));
    }
    let grant = store.grant_national(&actor, args.report.as_str(), &args.sites)?;
    if store.is_read_only() {
        eprintln!("{}", t("print-not-recorded-read-only"));
    }
    drop(store);
    params.printed_by = grant.by().to_string();
    // A national site file takes seconds to read: a line that says which, on a terminal only.
    let progress = super::progress::Progress::stages();
    let total = args.sites.len();
    let read = national::read_site_files(&grant, &args.sites, args.report, now, &mut |i| {
        progress.say(t_args(
            "national-progress",
            &[("done", i.into()), ("total", total.into())],
        ))
    });
    progress.finish();
    let reads = match read {
        Ok(r) => r,
        Err(e) => return refuse(e),
    };
    let doc = national::build(&reads, args.report, &params);
    let bytes = print::render(&doc, args.format, args.paper)?;
    match &args.out {
        Some(path) => {
            let mut f =
                print::sink::create_file(path, 0o600).map_err(|e| anyhow::anyhow!("--out {e}"))?;
            f.write_all(&bytes)
                .and_then(|()| f.flush())
                .map_err(|e| PrintError::File {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            eprintln!(
                "{}",
                t_args(
                    "national-written",
                    &[("file", path.display().to_string().into())]
                )
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
