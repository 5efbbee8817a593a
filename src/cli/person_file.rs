//! `warden export person`, `warden import person` and `warden station key|trust`: a person's file between
//! warden stations, signed with the station's key and admitted only from stations this one trusts.

use super::open;
use super::progress::Progress;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const REFUSED: u8 = 2;

#[derive(clap::Args, Debug)]
pub struct ExportPersonArgs {
    /// The person's prison number
    pub number: String,
    /// Why the file leaves this station (kept in the audit trail as a disclosure)
    #[arg(long, value_name = "REASON")]
    pub why: String,
    /// Write to FILE (default: standard output; a PDF needs a file)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// json: the signed file for another warden station; pdf: the continuity-of-care summary on release
    #[arg(long, value_enum, default_value_t = PersonFormat::Json)]
    pub format: PersonFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonFormat {
    Json,
    Pdf,
}

#[derive(clap::Args, Debug)]
pub struct ImportPersonArgs {
    /// A person's file written by `warden export person` at another station
    pub file: PathBuf,
    /// The facility here that admits them, by code
    #[arg(long, value_name = "CODE")]
    pub facility: String,
    /// Admit them; without it, only check and report (a dry run)
    #[arg(long)]
    pub apply: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum StationCommand {
    /// This station's name and public key, for other stations to trust its files
    Key,
    /// Trust the person's files signed with another station's key (administrators)
    Trust {
        /// The key as `warden station key` prints it there
        key: String,
        #[arg(long)]
        name: String,
    },
}

fn refuse(message: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("warden: {message}");
    Ok(ExitCode::from(REFUSED))
}

pub fn export(db: &Path, args: &ExportPersonArgs) -> Result<ExitCode> {
    if let Some(path) = &args.out
        && crate::store::is_held_database(path)
    {
        return refuse(format!(
            "--out {}: {}",
            path.display(),
            crate::i18n::t("export-not-the-database")
        ));
    }
    if args.format == PersonFormat::Pdf && args.out.is_none() {
        return refuse(crate::i18n::t("export-pdf-needs-file"));
    }
    let (mut store, actor) = open(db)?;
    // Three steps: the history gathered and signed, the file made (a PDF takes longest), the file written.
    let steps = Progress::new("person-file-progress-out", "progress-steps");
    steps.show(0, 3);
    let sealed = match store.export_person(&actor, &args.number, &args.why) {
        Ok(v) => v,
        Err(e @ (crate::store::StoreError::Refused(_) | crate::store::StoreError::Invalid(_))) => {
            steps.finish();
            return refuse(e);
        }
        Err(e) => return Err(e.into()),
    };
    steps.show(1, 3);
    let bytes = match args.format {
        PersonFormat::Json => serde_json::to_string_pretty(&sealed)?.into_bytes(),
        PersonFormat::Pdf => {
            let doc = crate::report::continuity::summary(
                &store,
                &sealed["payload"],
                &actor.name,
                actor.at,
            )?;
            crate::print::render(&doc, crate::print::Format::Pdf, crate::print::Paper::A4)?
        }
    };
    steps.show(2, 3);
    let written = write_out(&store, args, &bytes);
    steps.finish();
    written
}

fn write_out(
    store: &crate::store::Store,
    args: &ExportPersonArgs,
    bytes: &[u8],
) -> Result<ExitCode> {
    match &args.out {
        Some(path) => {
            let mode = store.file_access()?.mode();
            let mut f = crate::print::sink::create_file(path, mode)
                .map_err(|e| anyhow::anyhow!("--out {e}"))?;
            use std::io::Write;
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}",
                crate::i18n::t_args(
                    "person-file-written",
                    &[
                        ("number", args.number.trim().to_string().into()),
                        ("file", path.display().to_string().into())
                    ]
                )
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(db: &Path, args: &ImportPersonArgs) -> Result<ExitCode> {
    let name = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {name}"))?;
    let file: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return refuse(format!("{name}:{}:{}: {e}", e.line(), e.column())),
    };
    let (mut store, actor) = open(db)?;
    let Some(facility) = store.facility_by_code(args.facility.trim())? else {
        return refuse(crate::i18n::t_args(
            "export-no-facility",
            &[("code", args.facility.trim().to_string().into())],
        ));
    };
    let (payload, station, _) = match store.check_person_file(&file) {
        Ok(x) => x,
        Err(e) => return refuse(format!("{name}: {e}")),
    };
    let record = &payload["person"]["record"];
    let count = |k: &str| payload[k].as_array().map_or(0, Vec::len);
    println!(
        "{}",
        crate::i18n::t_args(
            "person-file-summary",
            &[
                ("file", name.clone().into()),
                (
                    "name",
                    format!(
                        "{}, {}",
                        record["family_name"].as_str().unwrap_or(""),
                        record["given_names"].as_str().unwrap_or("")
                    )
                    .into()
                ),
                (
                    "national",
                    payload["person"]["national_id"]
                        .as_str()
                        .unwrap_or("")
                        .to_string()
                        .into()
                ),
                ("station", station.into()),
                ("events", count("custody_events").into()),
                ("levels", count("custody_levels").into()),
                ("assessments", count("assessments").into()),
                (
                    "withheld",
                    payload["withheld"]["restricted_assessments"]
                        .as_i64()
                        .unwrap_or(0)
                        .into()
                ),
                ("programmes", count("programmes").into()),
                ("apart", count("keep_apart").into()),
            ]
        )
    );
    if !args.apply {
        println!("{}", crate::i18n::t("person-file-dry-run"));
        return Ok(ExitCode::SUCCESS);
    }
    let steps = Progress::new("person-file-progress-in", "progress-steps");
    steps.show(0, 1);
    let admitted = store.import_person(&actor, &file, facility.id);
    steps.finish();
    match admitted {
        Ok((_, number)) => {
            println!(
                "{}",
                crate::i18n::t_args("person-file-admitted", &[("number", number.into())])
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (crate::store::StoreError::Refused(_) | crate::store::StoreError::Invalid(_))) => {
            refuse(format!("{name}: {e}"))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn station(db: &Path, cmd: &StationCommand) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    match cmd {
        StationCommand::Key => {
            let (name, key) = store.station_identity(&actor)?;
            println!(
                "{}",
                crate::i18n::t_args("station-key", &[("name", name.into()), ("key", key.into())])
            );
        }
        StationCommand::Trust { key, name } => match store.trust_station(&actor, key, name) {
            Ok(()) => println!(
                "{}",
                crate::i18n::t_args(
                    "station-trusted",
                    &[
                        ("name", name.trim().to_string().into()),
                        (
                            "key",
                            key.trim().chars().take(16).collect::<String>().into()
                        )
                    ]
                )
            ),
            Err(
                e @ (crate::store::StoreError::Refused(_) | crate::store::StoreError::Invalid(_)),
            ) => return refuse(e),
            Err(e) => return Err(e.into()),
        },
    }
    Ok(ExitCode::SUCCESS)
}
