//! The register as a table, for import and export: its columns (the register's field keys in English snake_case,
//! plus the facility and cell codes), recognising a file's header row, and reading one row into an admission with
//! every problem named by row and column. Pure: the command line reads the file into cells, the store checks what
//! only the database knows (facility and cell codes, prison numbers already used).

use super::prisoner::{FIELDS, Prisoner, parse_date};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::HashMap;

/// One cell as the file holds it. Spreadsheets type their cells; CSV has only text.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    Text(String),
    Number(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
    /// A formula: its cached value may be stale or absent, and a formula is not a fact to admit someone on.
    Formula(String),
    /// A spreadsheet error value (#N/A, #REF! ...).
    Error(String),
}

/// Where a column's values go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A register field, by its key in `prisoner::FIELDS`.
    Field(&'static str),
    /// The facility the person is held in, by code.
    Facility,
    /// A cell of that facility, by code (optional: without it the person waits for a place).
    Cell,
    /// A column the `--map` file says to leave out.
    Ignore,
}

impl Target {
    /// The column's canonical header.
    pub fn name(self) -> &'static str {
        match self {
            Target::Field("birth") => "date_of_birth",
            Target::Field("admitted_at") => "admission_date",
            Target::Field("number") => "prison_number",
            Target::Field(key) => key,
            Target::Facility => "facility",
            Target::Cell => "cell",
            Target::Ignore => "ignore",
        }
    }

    /// Reads a canonical header, one of the other names staff give a column, or the register's own label
    /// ("Family name", "Born (date or year)"), ignoring case, spaces, hyphens and a bracketed hint.
    pub fn from_header(header: &str) -> Option<Target> {
        let key = normalise(header);
        let field = |k: &str| {
            FIELDS
                .iter()
                .find(|f| f.key == k)
                .map(|f| Target::Field(f.key))
        };
        match key.as_str() {
            "" => None,
            "facility" | "facility_code" | "prison" => Some(Target::Facility),
            "cell" | "cell_code" => Some(Target::Cell),
            "ignore" => Some(Target::Ignore),
            "date_of_birth" | "dob" | "born" | "birth_date" => field("birth"),
            "prison_number" | "prisoner_number" => field("number"),
            "admission_date" | "admitted" | "date_of_admission" => field("admitted_at"),
            "surname" | "last_name" => field("family_name"),
            "first_name" | "first_names" | "given_name" | "forenames" => field("given_names"),
            "status" => field("legal_status"),
            k => field(k).or_else(|| {
                FIELDS
                    .iter()
                    .find(|f| normalise(f.label) == k)
                    .map(|f| Target::Field(f.key))
            }),
        }
    }
}

/// "Born (date or year)" -> "born"; " Family-Name " -> "family_name".
fn normalise(header: &str) -> String {
    let cut = header.split('(').next().unwrap_or("");
    let words: Vec<String> = cut
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    words.join("_")
}

/// The columns a file must have: without them no row can be an admission.
pub const REQUIRED: &[Target] = &[
    Target::Field("family_name"),
    Target::Field("birth"),
    Target::Field("sex"),
    Target::Field("legal_status"),
    Target::Field("committing_authority"),
    Target::Field("admitted_at"),
    Target::Facility,
];

/// A problem at a place in the file: a row as a spreadsheet numbers it (the header is row 1) and a column
/// (1 = A); no column for a problem with the whole row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub row: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}: {}", self.row, c, self.message),
            None => write!(f, "{}: {}", self.row, self.message),
        }
    }
}

/// The header row read: where each column goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub columns: Vec<Option<Target>>,
}

impl Header {
    /// The 1-based column of a target, if the file has it.
    pub fn column_of(&self, target: Target) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| *c == Some(target))
            .map(|i| i + 1)
    }
}

/// The longest text a cell may hold before it is refused unread: no field of the register is a thousandth of it,
/// and a message must not repeat megabytes back.
pub const MAX_CELL_CHARS: usize = 10_000;

fn cell_text(cell: &CellValue) -> String {
    match cell {
        CellValue::Text(s) => s.clone(),
        CellValue::Formula(s) | CellValue::Error(s) => s.clone(),
        _ => String::new(),
    }
}

/// Reads the header row. `map` takes a header as the file writes it (compared after normalising) to a canonical
/// column name, for files whose headers warden does not know. A column it cannot place is a problem, and the
/// rows are still read without it so the one run reports everything; without a header, or without a required
/// column, there is nothing to read the rows by (`Err`).
pub fn read_header(
    cells: &[CellValue],
    map: &HashMap<String, String>,
) -> Result<(Header, Vec<Problem>), Vec<Problem>> {
    let map: HashMap<String, &String> = map.iter().map(|(k, v)| (normalise(k), v)).collect();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    let at = |i: usize, message: String| Problem {
        row: 1,
        column: Some(i + 1),
        message,
    };
    for (i, cell) in cells.iter().enumerate() {
        let text = cell_text(cell);
        if matches!(cell, CellValue::Empty) || text.trim().is_empty() {
            columns.push(None);
            continue;
        }
        let target = match map.get(&normalise(&text)) {
            Some(to) => Target::from_header(to).ok_or_else(|| {
                crate::i18n::t_args(
                    "import-map-unknown-column",
                    &[("to", to.to_string().into())],
                )
            }),
            None => Target::from_header(&text).ok_or_else(|| {
                crate::i18n::t_args(
                    "import-unknown-header",
                    &[(
                        "header",
                        super::text::fit(&super::text::display(&text), 40).into(),
                    )],
                )
            }),
        };
        match target {
            Ok(t) => {
                if t != Target::Ignore && columns.contains(&Some(t)) {
                    problems.push(at(
                        i,
                        crate::i18n::t_args("import-column-twice", &[("column", t.name().into())]),
                    ));
                }
                columns.push(Some(t));
            }
            Err(message) => {
                problems.push(at(i, message));
                columns.push(None);
            }
        }
    }
    let known = columns.iter().filter(|c| c.is_some()).count();
    if known == 0
        && problems.len()
            == cells
                .iter()
                .filter(|c| !cell_text(c).trim().is_empty())
                .count()
    {
        // Nothing in the first row is a column name: it is data, or the sheet has no header at all.
        return Err(vec![Problem {
            row: 1,
            column: None,
            message: crate::i18n::t("import-no-header"),
        }]);
    }
    let header = Header { columns };
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|t| header.column_of(**t).is_none())
        .map(|t| t.name())
        .collect();
    if !missing.is_empty() {
        problems.push(Problem {
            row: 1,
            column: None,
            message: crate::i18n::t_args(
                "import-missing-columns",
                &[("columns", missing.join(", ").into())],
            ),
        });
        return Err(problems);
    }
    Ok((header, problems))
}

/// One row read: the admission it describes and where the person goes.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The row as a spreadsheet numbers it.
    pub row: usize,
    pub prisoner: Prisoner,
    /// True when the file gave no prison number: the station's pattern makes one.
    pub number_given: bool,
    pub facility: String,
    pub cell: Option<String>,
}

/// A number as text: whole numbers without ".0" (a spreadsheet stores 48 months as 48.0).
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Reads one data row. `None` for a row with nothing in it (spreadsheets end with some).
pub fn read_row(
    header: &Header,
    row: usize,
    cells: &[CellValue],
    now: NaiveDateTime,
) -> Option<Result<ImportRow, Vec<Problem>>> {
    if cells
        .iter()
        .all(|c| matches!(c, CellValue::Empty) || cell_text(c).trim().is_empty())
    {
        return None;
    }
    let today = now.date();
    let mut p = Prisoner::blank(now);
    p.birth = super::prisoner::BirthDate::YearOnly(0);
    let mut problems = Vec::new();
    let mut facility = String::new();
    let mut cell = None;
    let mut number_given = false;
    for (i, target) in header.columns.iter().enumerate() {
        let Some(target) = *target else { continue };
        let at = |message: String| Problem {
            row,
            column: Some(i + 1),
            message: format!("{}: {message}", target.name()),
        };
        let value = match cells.get(i).unwrap_or(&CellValue::Empty) {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Number(n) => number_text(*n),
            CellValue::Bool(b) => if *b { "yes" } else { "no" }.into(),
            CellValue::DateTime(dt) => match target {
                Target::Field("admitted_at") => dt.format("%Y-%m-%d %H:%M").to_string(),
                _ => dt.date().to_string(),
            },
            CellValue::Formula(_) => {
                problems.push(at(crate::i18n::t("import-formula")));
                continue;
            }
            CellValue::Error(e) => {
                problems.push(at(crate::i18n::t_args(
                    "import-error-value",
                    &[(
                        "value",
                        super::text::fit(&super::text::display(e), 20).into(),
                    )],
                )));
                continue;
            }
        };
        let chars = value.chars().count();
        if chars > MAX_CELL_CHARS {
            problems.push(at(crate::i18n::t_args(
                "import-cell-too-long",
                &[("chars", chars.into())],
            )));
            continue;
        }
        match target {
            Target::Ignore => {}
            Target::Facility => facility = value.trim().to_string(),
            Target::Cell => cell = Some(value.trim().to_string()).filter(|c| !c.is_empty()),
            Target::Field(key) => {
                let value = match key {
                    // A day alone is taken as midnight: legacy registers rarely kept the time.
                    "admitted_at" if parse_date(&value).is_ok() => {
                        format!("{} 00:00", value.trim())
                    }
                    "number" if value.trim().is_empty() => continue,
                    _ => value,
                };
                if key == "number" {
                    number_given = true;
                }
                if let Err(e) = p.set(key, &value, today) {
                    problems.push(at(e.message));
                }
            }
        }
    }
    if facility.is_empty() {
        problems.push(Problem {
            row,
            column: header.column_of(Target::Facility),
            message: format!("facility: {}", crate::i18n::t("import-required")),
        });
    }
    if problems.is_empty() {
        Some(Ok(ImportRow {
            row,
            prisoner: p,
            number_given,
            facility,
            cell,
        }))
    } else {
        Some(Err(problems))
    }
}

/// Rows that give the same prison number: every later one is a problem naming the first.
pub fn duplicate_numbers(rows: &[ImportRow], number_column: Option<usize>) -> Vec<Problem> {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| r.number_given) {
        let key = r.prisoner.number.trim().to_uppercase();
        match first.get(&key) {
            Some(row) => out.push(Problem {
                row: r.row,
                column: number_column,
                message: format!(
                    "{}: {}",
                    Target::Field("number").name(),
                    crate::i18n::t_args(
                        "import-number-twice",
                        &[
                            ("number", r.prisoner.number.clone().into()),
                            ("row", (*row).into())
                        ],
                    )
                ),
            }),
            None => {
                first.insert(key, r.row);
            }
        }
    }
    out
}

/// What a person is matched on when the file has no prison number for them: family name, given names and date
/// of birth, folded so spelling of case and accents does not hide a match.
pub fn identity_key(p: &Prisoner) -> String {
    format!(
        "{}|{}|{}",
        super::text::fold(&p.family_name),
        super::text::fold(&p.given_names),
        p.birth.to_text()
    )
}

/// The date of a day in the text a register date field takes.
pub fn day_text(d: NaiveDate) -> String {
    d.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    fn header(names: &[&str]) -> Header {
        let cells: Vec<CellValue> = names.iter().map(|n| text(n)).collect();
        let (header, problems) = read_header(&cells, &HashMap::new()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        header
    }

    const COLUMNS: &[&str] = &[
        "family_name",
        "Given names",
        "Date of birth",
        "sex",
        "legal_status",
        "committing_authority",
        "admission_date",
        "facility",
    ];

    #[test]
    fn headers_are_recognised_by_key_label_or_common_name() {
        let h = header(COLUMNS);
        assert_eq!(h.column_of(Target::Field("given_names")), Some(2));
        assert_eq!(h.column_of(Target::Field("birth")), Some(3));
        assert_eq!(h.column_of(Target::Facility), Some(8));
        assert_eq!(
            Target::from_header("Born (date or year)"),
            Some(Target::Field("birth"))
        );
        assert_eq!(
            Target::from_header(" Prison-Number "),
            Some(Target::Field("number"))
        );
        assert_eq!(Target::from_header("shoe size"), None);
    }

    #[test]
    fn a_bad_header_names_each_column() {
        let cells: Vec<CellValue> = ["family_name", "shoe size", "sex", "sex"]
            .iter()
            .map(|n| text(n))
            .collect();
        let problems = read_header(&cells, &HashMap::new()).unwrap_err();
        let with_all: Vec<CellValue> = COLUMNS
            .iter()
            .chain(&["shoe size"])
            .map(|n| text(n))
            .collect();
        let (header, unknown) = read_header(&with_all, &HashMap::new()).unwrap();
        assert_eq!(header.columns.len(), 9);
        assert_eq!(
            unknown.len(),
            1,
            "the rows are read without the unknown column"
        );
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            shown[0].starts_with("1:2: 'shoe size' is not a register column"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("1:4: sex: the file has this column twice"),
            "{shown:?}"
        );
        assert!(
            shown[2].starts_with("1: missing columns: date_of_birth, legal_status"),
            "{shown:?}"
        );
        // A map names it, or leaves it out.
        let map = HashMap::from([("Shoe Size".to_string(), "ignore".to_string())]);
        let cells: Vec<CellValue> = COLUMNS
            .iter()
            .chain(&["shoe size"])
            .map(|n| text(n))
            .collect();
        assert!(read_header(&cells, &map).unwrap().1.is_empty());
    }

    #[test]
    fn data_in_the_first_row_is_not_taken_for_a_header() {
        let cells = vec![text("Okello"), text("John"), text("1990-01-02")];
        let problems = read_header(&cells, &HashMap::new()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().starts_with("1: no header row"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_row_reads_typed_cells_and_names_each_bad_one() {
        let h = header(COLUMNS);
        let good = vec![
            text("Okello"),
            text("John"),
            CellValue::DateTime(
                NaiveDate::from_ymd_opt(1990, 1, 2)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            ),
            text("Male"),
            text("remand"),
            text("Kampala CM court"),
            text("2024-03-01"),
            text("LUZ"),
        ];
        let row = read_row(&h, 2, &good, now()).unwrap().unwrap();
        assert_eq!(row.prisoner.birth.to_text(), "1990-01-02");
        assert_eq!(row.prisoner.admitted_at.to_string(), "2024-03-01 00:00:00");
        assert_eq!(row.facility, "LUZ");
        assert!(!row.number_given);
        let mut bad = good.clone();
        bad[2] = text("02/01/1990");
        bad[3] = CellValue::Formula("IF(A1=1,\"male\",\"female\")".into());
        bad[6] = text(&"x".repeat(20_000));
        let problems = read_row(&h, 7, &bad, now()).unwrap().unwrap_err();
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown[0],
            "7:3: date_of_birth: '02/01/1990' is not a date (use YYYY-MM-DD)"
        );
        assert!(shown[1].starts_with("7:4: sex: a formula"), "{shown:?}");
        assert!(
            shown[2].starts_with("7:7: admission_date: 20000 characters"),
            "{shown:?}"
        );
        assert!(read_row(&h, 8, &[CellValue::Empty, text("  ")], now()).is_none());
    }

    #[test]
    fn numbers_given_twice_name_the_first_row() {
        let h = header(&[COLUMNS, &["prison_number"]].concat());
        let mut cells: Vec<CellValue> = vec![
            text("A"),
            text("B"),
            text("1990"),
            text("male"),
            text("remand"),
            text("Court"),
            text("2024-03-01"),
            text("LUZ"),
            text("LUZ/2024/00001"),
        ];
        let first = read_row(&h, 2, &cells, now()).unwrap().unwrap();
        cells[0] = text("C");
        let second = read_row(&h, 5, &cells, now()).unwrap().unwrap();
        let problems = duplicate_numbers(&[first, second], h.column_of(Target::Field("number")));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "5:9: prison_number: LUZ/2024/00001 is also on row 2"
        );
    }
}
