//! `warden import prisoners FILE`: reads a CSV, XLSX or ODS register into cells, has the domain read the header
//! and rows and the store plan the admissions, and prints every problem as FILE:ROW:COLUMN in one run; with
//! `--apply` and no problem, admits in short batches with a progress line on a terminal.

use super::open;

/// The exit status of a refused import: nothing was written.
const REFUSED: u8 = 2;
use super::progress::Progress;
use crate::domain::register_file::{
    CellValue, Header, ImportRow, Problem, Target, duplicate_numbers, read_header, read_row,
};
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// A CSV (UTF-8), XLSX or ODS file whose first row names the columns (docs/IMPORT.md)
    pub file: PathBuf,
    /// Admit them; without it, only check and report (a dry run)
    #[arg(long)]
    pub apply: bool,
    /// A TOML file mapping the file's headers to register columns: [columns] "Nom" = "family_name"
    #[arg(long, value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// The sheet to read in a spreadsheet (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct UndoArgs {
    /// The import's number, as `warden import list` and the end of `--apply` show it
    pub id: i64,
    /// Why the import is taken back (kept in the audit trail)
    #[arg(long, value_name = "REASON")]
    pub why: String,
    /// Remove them; without it, only say who would be removed and who may not be
    #[arg(long)]
    pub apply: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    columns: HashMap<String, String>,
}

/// The rows of the file as cells, each with the row number a spreadsheet shows.
type Grid = Vec<(usize, Vec<CellValue>)>;

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];

fn read_map(path: &Path) -> Result<HashMap<String, String>> {
    let name = path.display();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("--map {name}: cannot read"))?;
    match toml::from_str::<MapFile>(&text) {
        Ok(m) => Ok(m.columns),
        Err(e) => {
            let at = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("{line}:{col}: ")
                })
                .unwrap_or_default();
            bail!("{name}:{at}{}", e.message().trim())
        }
    }
}

/// Reads the file by what its bytes are, refusing one whose extension says otherwise.
fn read_grid(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Grid> {
    let name = path.display();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let spreadsheet = bytes.starts_with(ZIP) || bytes.starts_with(OLE);
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" if !spreadsheet => {
            bail!(
                "{name}: {}",
                crate::i18n::t_args("import-not-spreadsheet", &[("ext", ext.clone().into())])
            )
        }
        "csv" | "txt" | "tsv" if spreadsheet => {
            bail!(
                "{name}: {}",
                crate::i18n::t_args(
                    "import-spreadsheet-named-csv",
                    &[("ext", ext.clone().into())]
                )
            )
        }
        _ => {}
    }
    if spreadsheet {
        read_spreadsheet(path, bytes, sheet)
    } else {
        read_csv(path, bytes)
    }
}

fn read_csv(path: &Path, bytes: &[u8]) -> Result<Grid> {
    let name = path.display();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => bail!(
            "{name}: {}",
            crate::i18n::t_args("import-not-utf8", &[("byte", e.valid_up_to().into())])
        ),
    };
    let text = text.trim_start_matches('\u{feff}');
    // A semicolon-separated file (as spreadsheets write where the comma is the decimal mark) is read as one.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    // Rows as a spreadsheet opening the file shows them: a blank line is an empty row (the reader skips it), and
    // a quoted cell running over several lines is still one row.
    let mut inside_cells = 0;
    let (mut lines_before, mut counted_to) = (0, 0);
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(i + 1, |p| p.line() as usize);
            anyhow::anyhow!("{name}:{line}: {e}")
        })?;
        // The reader's own line count lags a record behind; the record's first byte says where it starts.
        let start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(text.len());
        let start = start
            + text.as_bytes()[start..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        // Counted on from the last record's start, not from the top: a long file must not be read n times.
        lines_before += text.as_bytes()[counted_to..start.max(counted_to)]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start.max(counted_to);
        let row = lines_before + 1 - inside_cells;
        inside_cells += record
            .iter()
            .map(|c| c.matches('\n').count())
            .sum::<usize>();
        let cells = record
            .iter()
            .map(|c| {
                if c.trim().is_empty() {
                    CellValue::Empty
                } else if let Some(formula) = c.strip_prefix('=').filter(|f| !f.trim().is_empty()) {
                    // A CSV cannot hold a formula, but a cell starting with '=' becomes one when opened in a
                    // spreadsheet; it is no fact about a person.
                    CellValue::Formula(formula.to_string())
                } else {
                    CellValue::Text(c.to_string())
                }
            })
            .collect();
        grid.push((row, cells));
    }
    Ok(grid)
}

fn read_spreadsheet(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Grid> {
    use calamine::{Data, Reader};
    let name = path.display();
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            anyhow::anyhow!(
                "{name}: {}: {e}",
                crate::i18n::t("import-unreadable-spreadsheet")
            )
        })?;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .with_context(|| format!("--sheet {s}: {name} has the sheets {}", names.join(", ")))?,
        None => names
            .first()
            .cloned()
            .with_context(|| format!("{name}: {}", crate::i18n::t("import-no-sheet")))?,
    };
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| anyhow::anyhow!("{name}: sheet {chosen}: {e}"))?;
    let formulas = book.worksheet_formula(&chosen).ok();
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut grid = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = row0 as usize + i;
        let mut cells = vec![CellValue::Empty; col0 as usize];
        for (j, cell) in row.iter().enumerate() {
            let c = col0 as usize + j;
            let formula = formulas
                .as_ref()
                .and_then(|f| f.get_value((r as u32, c as u32)))
                .filter(|f| !f.is_empty());
            cells.push(match (formula, cell) {
                (Some(f), _) => CellValue::Formula(f.clone()),
                (None, Data::Empty) => CellValue::Empty,
                (None, Data::String(s)) => CellValue::Text(s.clone()),
                (None, Data::Int(n)) => CellValue::Number(*n as f64),
                (None, Data::Float(n)) => CellValue::Number(*n),
                (None, Data::Bool(b)) => CellValue::Bool(*b),
                (None, Data::DateTime(d)) => match d.as_datetime() {
                    Some(dt) => CellValue::DateTime(dt),
                    None => CellValue::Text(d.to_string()),
                },
                (None, Data::DateTimeIso(s) | Data::DurationIso(s)) => CellValue::Text(s.clone()),
                (None, Data::Error(e)) => CellValue::Error(e.to_string()),
            });
        }
        grid.push((r + 1, cells));
    }
    Ok(grid)
}

/// What the file alone shows: the header, the rows that read, how many data rows there are, and every problem.
struct Read {
    header: Option<Header>,
    rows: Vec<ImportRow>,
    data_rows: usize,
    problems: Vec<Problem>,
}

fn read_rows(grid: &Grid, map: &HashMap<String, String>, now: chrono::NaiveDateTime) -> Read {
    let Some((header_row, first)) = grid
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| *c != CellValue::Empty))
    else {
        return Read {
            header: None,
            rows: Vec::new(),
            data_rows: 0,
            problems: vec![Problem {
                row: 1,
                column: None,
                message: crate::i18n::t("import-empty"),
            }],
        };
    };
    let at_header = |mut problems: Vec<Problem>| {
        for p in &mut problems {
            p.row = *header_row;
        }
        problems
    };
    let (header, mut problems) = match read_header(first, map) {
        Ok((h, p)) => (h, at_header(p)),
        Err(p) => {
            return Read {
                header: None,
                rows: Vec::new(),
                data_rows: 0,
                problems: at_header(p),
            };
        }
    };
    let mut rows = Vec::new();
    let mut data_rows = 0;
    for (row, cells) in grid.iter().filter(|(r, _)| r > header_row) {
        match read_row(&header, *row, cells, now) {
            None => continue,
            Some(Ok(r)) => rows.push(r),
            Some(Err(p)) => problems.extend(p),
        }
        data_rows += 1;
    }
    problems.extend(duplicate_numbers(
        &rows,
        header.column_of(Target::Field("number")),
    ));
    Read {
        header: Some(header),
        rows,
        data_rows,
        problems,
    }
}

pub fn prisoners(db: &Path, args: &ImportArgs) -> Result<ExitCode> {
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        eprintln!("{name}: {}", crate::i18n::t("import-empty"));
        return Ok(ExitCode::from(REFUSED));
    }
    let map = match &args.map {
        Some(m) => read_map(m)?,
        None => HashMap::new(),
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let grid = match read_grid(&args.file, &bytes, args.sheet.as_deref()) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(REFUSED));
        }
    };
    let (mut store, actor) = open(db)?;
    let now = actor.at.naive_utc();
    let Read {
        header,
        rows,
        data_rows,
        mut problems,
    } = read_rows(&grid, &map, now);
    let plan = match &header {
        Some(h) => store.import_plan(h, &rows, now.date())?,
        None => crate::store::ImportPlan::default(),
    };
    problems.extend(plan.problems.iter().cloned());
    problems.sort();
    let say =
        |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| crate::i18n::t_args(key, args);
    println!(
        "{}",
        say(
            "import-summary",
            &[
                ("file", name.clone().into()),
                ("rows", data_rows.into()),
                ("new", plan.new.into()),
                ("matching", plan.matching.len().into()),
                ("duplicates", plan.possible_duplicates.len().into()),
                ("sha", sha256[..16].to_string().into()),
            ]
        )
    );
    for (row, number, holder) in &plan.matching {
        println!(
            "{name}:{row}: {}",
            say(
                "import-matching",
                &[
                    ("number", number.clone().into()),
                    ("holder", holder.clone().into())
                ]
            )
        );
    }
    for (row, who) in &plan.possible_duplicates {
        println!(
            "{name}:{row}: {}",
            say("import-possible-duplicate", &[("who", who.clone().into())])
        );
    }
    for (row, rule) in &plan.alerts {
        println!(
            "{name}:{row}: {}",
            say("import-alert", &[("rule", rule.clone().into())])
        );
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{name}:{p}");
        }
        eprintln!(
            "{name}: {}",
            say("import-problems", &[("count", problems.len().into())])
        );
        return Ok(ExitCode::from(REFUSED));
    }
    if !args.apply {
        println!("{}", say("import-dry-run", &[]));
        return Ok(ExitCode::SUCCESS);
    }
    let progress = Progress::new("import-progress", "progress-rows");
    let outcome = store.import_apply(&actor, &name, &sha256, &rows, &mut |done, total| {
        progress.show(done, total)
    })?;
    progress.finish();
    for (row, number, why) in &outcome.waiting {
        println!(
            "{name}:{row}: {}",
            say(
                "import-waiting",
                &[
                    ("number", number.clone().into()),
                    ("why", why.clone().into())
                ]
            )
        );
    }
    println!(
        "{}",
        say(
            "import-applied",
            &[
                ("id", outcome.import_id.into()),
                ("admitted", outcome.admitted.into()),
                ("resumed", outcome.resumed.into()),
                ("placed", outcome.placed.into()),
                ("waiting", outcome.waiting.len().into()),
                ("batches", outcome.batches.into()),
                ("longest", (outcome.longest_batch.as_millis() as u64).into()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `warden import list`: every run, newest first.
pub fn list(db: &Path) -> Result<ExitCode> {
    let (store, _actor) = open(db)?;
    let runs = store.import_runs()?;
    if runs.is_empty() {
        println!("{}", crate::i18n::t("import-list-none"));
    }
    for r in runs {
        println!(
            "{}",
            crate::i18n::t_args(
                "import-list-line",
                &[
                    ("id", r.id.into()),
                    ("status", r.status.into()),
                    ("file", r.file.into()),
                    ("at", r.started_at.into()),
                    ("by", r.started_by.into()),
                    ("rows", r.rows.into()),
                    ("admitted", r.admitted.into()),
                ]
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `warden import undo ID --why R [--apply]`: who would be taken back and who may not; with `--apply` and nobody
/// kept, removes them in short batches with a progress line.
pub fn undo(db: &Path, args: &UndoArgs) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    let say = |key: &str, a: &[(&str, crate::i18n::FluentValue)]| crate::i18n::t_args(key, a);
    let refuse = |message: String| {
        eprintln!("warden import undo: {message}");
        Ok(ExitCode::from(REFUSED))
    };
    // The permission first, so a role that may never undo is told that rather than shown the plan.
    if let Err(e) = store.authorise(
        &actor,
        crate::domain::auth::Need::To(crate::domain::auth::Permission::UndoImport),
        "import undo",
    ) {
        return refuse(e.to_string());
    }
    let plan = match store.import_undo_plan(args.id) {
        Ok(p) => p,
        Err(e @ crate::store::StoreError::Invalid(_)) => return refuse(e.to_string()),
        Err(e) => return Err(e.into()),
    };
    println!(
        "{}",
        say(
            "import-undo-summary",
            &[
                ("id", plan.import_id.into()),
                ("file", plan.file.clone().into()),
                ("people", plan.people.into()),
            ]
        )
    );
    if plan.kept_total > 0 {
        for (number, what) in &plan.kept {
            eprintln!(
                "{}",
                say(
                    "import-undo-kept",
                    &[
                        ("number", number.clone().into()),
                        ("what", what.clone().into())
                    ]
                )
            );
        }
        if plan.kept_total > plan.kept.len() {
            eprintln!(
                "{}",
                say(
                    "import-undo-kept-more",
                    &[("count", (plan.kept_total - plan.kept.len()).into())]
                )
            );
        }
        return refuse(say(
            "import-undo-refused",
            &[("count", plan.kept_total.into())],
        ));
    }
    if !args.apply {
        println!("{}", crate::i18n::t("import-undo-dry-run"));
        return Ok(ExitCode::SUCCESS);
    }
    let progress = Progress::new("import-undo-progress", "progress-people");
    let removed = match store.import_undo(&actor, args.id, &args.why, &mut |done, total| {
        progress.show(done, total)
    }) {
        Ok(n) => n,
        Err(e @ (crate::store::StoreError::Invalid(_) | crate::store::StoreError::Refused(_))) => {
            progress.finish();
            return refuse(e.to_string());
        }
        Err(e) => return Err(e.into()),
    };
    progress.finish();
    println!(
        "{}",
        say(
            "import-undone",
            &[("id", args.id.into()), ("people", removed.into())]
        )
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(text: &str) -> Vec<usize> {
        read_csv(Path::new("f.csv"), text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|(row, _)| row)
            .collect()
    }

    #[test]
    fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
        assert_eq!(rows_of("a,b\nc,d\ne,f\n"), vec![1, 2, 3]);
        assert_eq!(rows_of("a,b\r\nc,d\r\ne,f\r\n"), vec![1, 2, 3]);
        assert_eq!(rows_of("a,b\n\nc,d\n"), vec![1, 3]);
        assert_eq!(rows_of("a,b\n\"x\ny\",d\ne,f\n"), vec![1, 2, 3]);
    }
}
