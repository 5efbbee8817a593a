//! `warden print REPORT` for cron and shells: choose the facility and the period, the format, and where it goes
//! (a file, the station's printer through `lp`, the terminal's printer, or standard output). `warden report KIND`
//! is the same as `warden print KIND` to standard output. Every run is written to the audit trail.

use crate::domain::auth::{Need, Permission};
use crate::print::{self, Destination, Format, Paper, PrintError};
use crate::report::{self, Kind, Params};
use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct PrintArgs {
    #[arg(value_enum)]
    pub report: Kind,
    /// One facility, by its code (default: the whole service)
    #[arg(long, value_name = "CODE")]
    pub facility: Option<String>,
    /// An ISO week, e.g. 2026-W48 (default: the current week)
    #[arg(long, value_name = "YYYY-Www", conflicts_with_all = ["from", "to"])]
    pub week: Option<String>,
    /// First day of the period (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day of the period (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// The day of the unlock list, the attendance sheets or the court list (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "DATE")]
    pub day: Option<String>,
    /// One unit, by its code, for the unlock list
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// The prison number whose timetable to print
    #[arg(long, value_name = "NUMBER")]
    pub prisoner: Option<String>,
    /// One programme, by its code, for the roster (default: every programme of the facility)
    #[arg(long, value_name = "CODE")]
    pub programme: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Paper size for PDF
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// Write to FILE (default: standard output)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["lp", "passthrough"])]
    pub out: Option<PathBuf>,
    /// Send to the station's printer through `lp -d PRINTER`
    #[arg(long, value_name = "PRINTER", conflicts_with = "passthrough")]
    pub lp: Option<String>,
    /// Copies to print with --lp (1 to 99)
    #[arg(long, value_name = "N", default_value_t = 1, requires = "lp")]
    pub copies: u32,
    /// Send to the printer attached to this terminal (ESC [ 5 i ... ESC [ 4 i; text only)
    #[arg(long)]
    pub passthrough: bool,
}

impl PrintArgs {
    /// `warden report KIND`: the text to standard output.
    pub fn stdout(report: Kind) -> PrintArgs {
        PrintArgs {
            report,
            facility: None,
            week: None,
            from: None,
            to: None,
            day: None,
            unit: None,
            prisoner: None,
            programme: None,
            format: Format::Text,
            paper: Paper::A4,
            out: None,
            lp: None,
            copies: 1,
            passthrough: false,
        }
    }
}

/// Bad input: a message naming the option, and exit code 2 like clap's own refusals.
fn refuse(message: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("warden print: {message}");
    Ok(ExitCode::from(2))
}

fn date(option: &str, s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{option}: '{s}' is not a date (YYYY-MM-DD)"))
}

/// What the audit trail keeps about a print.
#[derive(Serialize)]
struct PrintRecord<'a> {
    report: &'a str,
    title: &'a str,
    facility: &'a str,
    period: &'a str,
    format: &'a str,
    paper: &'a str,
    destination: String,
    bytes: usize,
}

pub fn run(db: &Path, args: PrintArgs) -> Result<ExitCode> {
    let (mut store, actor) = super::open_for_reading(db)?;
    store.authorise(
        &actor,
        Need::To(Permission::ViewRegister),
        &format!("report {:?}", args.report),
    )?;
    let mut params = Params::new(actor.at, actor.name.clone());
    // Violent-extremist breakdowns only for roles whose duties need them (Mandela Rule 9), as on screen.
    params.vep = actor
        .role()
        .is_some_and(|r| crate::domain::auth::may(r, Permission::ViewVepFigures));
    if let Some(code) = &args.facility {
        match store.facility_by_code(code.trim())? {
            Some(f) => params.facility = Some(f),
            None => {
                return refuse(format!(
                    "--facility: no facility with code '{}'",
                    crate::domain::text::display(code)
                ));
            }
        }
    }
    if let Some(week) = &args.week {
        match report::parse_week(week) {
            Some((from, to)) => (params.from, params.to) = (from, to),
            None => {
                return refuse(format!(
                    "--week: '{}' is not an ISO week (e.g. 2026-W48)",
                    crate::domain::text::display(week)
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        match (date("--from", from), date("--to", to)) {
            (Ok(f), Ok(t)) if f <= t => (params.from, params.to) = (f, t),
            (Ok(_), Ok(_)) => return refuse("--from: the period starts after --to"),
            (Err(e), _) | (_, Err(e)) => return refuse(crate::domain::text::display(&e)),
        }
    }
    if let Some(day) = &args.day {
        match date("--day", day) {
            Ok(d) => params.day = d,
            Err(e) => return refuse(crate::domain::text::display(&e)),
        }
    }
    if args.report == Kind::Court
        && let Err(e) = report::check_court_day(&params)
    {
        return refuse(format!("--day: {e}"));
    }
    params.unit = args.unit.as_ref().map(|u| u.trim().to_string());
    params.prisoner = args.prisoner.as_ref().map(|n| n.trim().to_string());
    if args.programme.is_some() && args.report != Kind::Roster {
        return refuse(crate::i18n::t("report-programme-roster-only"));
    }
    params.programme = args.programme.as_ref().map(|c| c.trim().to_string());
    if args.report == Kind::Timetable && params.prisoner.is_none() {
        return refuse(
            "--prisoner: the timetable is one person's; name them with --prisoner NUMBER",
        );
    }
    let destination = if let Some(path) = &args.out {
        Some(Destination::File(path.clone()))
    } else if let Some(printer) = &args.lp {
        Some(Destination::Printer {
            name: Some(printer.clone()),
            copies: args.copies,
        })
    } else if args.passthrough {
        Some(Destination::Passthrough)
    } else {
        None
    };
    if let Some(d) = &destination {
        let choice = print::Choice {
            format: args.format,
            paper: args.paper,
            destination: d.clone(),
        };
        if let Err(e) = choice.check() {
            return refuse(e);
        }
    }
    // Open the file before the work, so an unwritable path is refused at once and names the option.
    let mode = store.file_access()?.mode();
    let file = match &args.out {
        // Truncating the database (or its -wal) would destroy the register, and even opening it would release
        // this process's locks on it.
        Some(path) if crate::store::is_held_database(path) => {
            return refuse(format!(
                "--out {}: that is the database itself (or its -wal/-shm); name another file",
                path.display()
            ));
        }
        Some(path) => match print::sink::create_file(path, mode) {
            Ok(f) => Some(f),
            Err(e) => return refuse(format!("--out {e}")),
        },
        None => None,
    };
    let doc = report::build(&store, args.report, &params)?;
    let bytes = print::render(&doc, args.format, args.paper)?;
    let said = match (&destination, file) {
        (Some(Destination::File(path)), Some(mut f)) => {
            f.write_all(&bytes)
                .and_then(|()| f.flush())
                .map_err(|e| PrintError::File {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            Some(format!("written to {}", path.display()))
        }
        (Some(d), _) => Some(print::sink::send(
            &bytes,
            d,
            &mut std::io::stdout().lock(),
            mode,
        )?),
        (None, _) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
            None
        }
    };
    let record = PrintRecord {
        report: args.report.as_str(),
        title: &doc.title,
        facility: &doc.facility,
        period: &format!("{} to {}", params.from, params.to),
        format: args.format.as_str(),
        paper: args.paper.as_str(),
        destination: destination
            .as_ref()
            .map_or_else(|| "standard output".into(), Destination::describe),
        bytes: bytes.len(),
    };
    if store.is_read_only() {
        eprintln!("{}", crate::i18n::t("print-not-recorded-read-only"));
    } else {
        store.record_print(&actor, args.report.as_str(), &record, None)?;
    }
    if let Some(said) = said {
        eprintln!("warden print: {} {said}", args.report.as_str());
    }
    Ok(ExitCode::SUCCESS)
}
