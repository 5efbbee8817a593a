//! The CSV form of an estate file: a header row, then one row per cell with its unit's and facility's columns.
//! Later rows of the same facility or unit may leave those columns blank; filled ones must agree with the first.

use super::{Errors, EstateFile, FacilityEntry, FileError, Located, Pos, UnitEntry, check};
use crate::domain::estate::{
    AgeGroup, Cell, Facility, FacilityKind, SecurityLevel, Unit, UnitSex, UnitUse,
};
use crate::domain::text::display;
use std::collections::BTreeMap;

/// The columns, in the order the documentation shows them; a file may put them in any order.
pub const CSV_COLUMNS: [&str; 16] = [
    "facility_code",
    "facility_name",
    "region",
    "kind",
    "facility_security",
    "unit_code",
    "unit_name",
    "sex",
    "age_group",
    "legal_use",
    "unit_security",
    "cell_code",
    "certified",
    "operational",
    "maximum",
    "out_of_use",
];

/// A column that may be missing from the header altogether.
const OPTIONAL: [&str; 1] = ["out_of_use"];

fn csv_error(e: &csv::Error) -> FileError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text (save the file as UTF-8)".to_string(),
        _ => e.to_string(),
    };
    FileError {
        pos: Pos::line(line),
        field: None,
        message,
    }
}

/// Reads an estate CSV file, reporting every problem with its line.
pub fn parse_csv(text: &str) -> Result<EstateFile, Vec<FileError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| vec![csv_error(&e)])?.clone();
    let mut errors = Errors::default();
    let mut index: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim().to_lowercase();
        match CSV_COLUMNS.iter().find(|c| **c == name) {
            None => errors.add(
                Pos::line(1),
                "",
                format!(
                    "header: unknown column '{}' (the columns are {})",
                    display(h),
                    CSV_COLUMNS.join(",")
                ),
            ),
            Some(c) => {
                if index.insert(c, i).is_some() {
                    errors.add(
                        Pos::line(1),
                        c,
                        format!("header: column '{c}' appears twice"),
                    );
                }
            }
        }
    }
    for c in CSV_COLUMNS {
        if !OPTIONAL.contains(&c) && !index.contains_key(c) {
            errors.add(Pos::line(1), c, format!("header: missing column '{c}'"));
        }
    }
    if !errors.0.is_empty() {
        return Err(errors.0);
    }

    let mut file = EstateFile::default();
    let mut facilities: BTreeMap<String, usize> = BTreeMap::new();
    let mut units: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.0.push(csv_error(&e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let pos = Pos::line(line);
        let get = |name: &str| {
            index
                .get(name)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .trim()
        };
        let fcode = get("facility_code");
        if fcode.is_empty() {
            errors.add(pos, "facility_code", "facility_code: required on every row");
            continue;
        }
        let what = format!("facility {}", display(fcode));
        let fi = match facilities.get(fcode) {
            Some(&fi) => {
                let first = &file.facilities[fi].facility;
                let f = &first.value;
                for (column, value, known) in [
                    ("facility_name", get("facility_name"), f.name.as_str()),
                    ("region", get("region"), f.region.as_str()),
                    ("kind", get("kind"), f.kind.as_str()),
                    (
                        "facility_security",
                        get("facility_security"),
                        f.security.as_str(),
                    ),
                ] {
                    differs(&mut errors, pos, column, value, known, &what, first.pos);
                }
                fi
            }
            None => {
                let (kind, kind_ok) =
                    errors.word(FacilityKind::Mixed, get("kind"), pos, "kind", &what);
                let (security, security_ok) = errors.word(
                    SecurityLevel::Medium,
                    get("facility_security"),
                    pos,
                    "facility_security",
                    &what,
                );
                file.facilities.push(FacilityEntry {
                    facility: Located {
                        value: Facility {
                            id: 0,
                            code: fcode.to_string(),
                            name: get("facility_name").to_string(),
                            region: get("region").to_string(),
                            kind,
                            security,
                        },
                        pos,
                        fields: Vec::new(),
                        readable: kind_ok && security_ok,
                    },
                    units: Vec::new(),
                });
                facilities.insert(fcode.to_string(), file.facilities.len() - 1);
                file.facilities.len() - 1
            }
        };

        let ucode = get("unit_code");
        let unit_columns = [
            "unit_name",
            "sex",
            "age_group",
            "legal_use",
            "unit_security",
        ];
        let cell_columns = [
            "cell_code",
            "certified",
            "operational",
            "maximum",
            "out_of_use",
        ];
        if ucode.is_empty() {
            if let Some(c) = unit_columns
                .iter()
                .chain(&cell_columns)
                .find(|c| !get(c).is_empty())
            {
                errors.add(
                    pos,
                    "unit_code",
                    format!("{what}: unit_code is required when {c} is filled"),
                );
            }
            continue;
        }
        let what = format!("unit {} in {}", display(ucode), display(fcode));
        let key = (fi, ucode.to_string());
        let ui = match units.get(&key) {
            Some(&ui) => {
                let first = &file.facilities[fi].units[ui].unit;
                let u = &first.value;
                for (column, value, known) in [
                    ("unit_name", get("unit_name"), u.name.as_str()),
                    ("sex", get("sex"), u.sex.as_str()),
                    ("age_group", get("age_group"), u.age_group.as_str()),
                    ("legal_use", get("legal_use"), u.legal_use.as_str()),
                    ("unit_security", get("unit_security"), u.security.as_str()),
                ] {
                    differs(&mut errors, pos, column, value, known, &what, first.pos);
                }
                ui
            }
            None => {
                let (sex, sex_ok) = errors.word(UnitSex::Male, get("sex"), pos, "sex", &what);
                let (age_group, age_ok) =
                    errors.word(AgeGroup::Adult, get("age_group"), pos, "age_group", &what);
                let (legal_use, use_ok) =
                    errors.word(UnitUse::Any, get("legal_use"), pos, "legal_use", &what);
                let (security, security_ok) = errors.word(
                    SecurityLevel::Medium,
                    get("unit_security"),
                    pos,
                    "unit_security",
                    &what,
                );
                let ok = file.facilities[fi].facility.readable
                    && sex_ok
                    && age_ok
                    && use_ok
                    && security_ok;
                let units_here = &mut file.facilities[fi].units;
                units_here.push(UnitEntry {
                    unit: Located {
                        value: Unit {
                            id: 0,
                            facility_id: 0,
                            code: ucode.to_string(),
                            name: get("unit_name").to_string(),
                            sex,
                            age_group,
                            legal_use,
                            security,
                        },
                        pos,
                        fields: Vec::new(),
                        readable: ok,
                    },
                    cells: Vec::new(),
                });
                units.insert(key, units_here.len() - 1);
                units_here.len() - 1
            }
        };

        let ccode = get("cell_code");
        if ccode.is_empty() {
            if let Some(c) = cell_columns.iter().find(|c| !get(c).is_empty()) {
                errors.add(
                    pos,
                    "cell_code",
                    format!("{what}: cell_code is required when {c} is filled"),
                );
            }
            continue;
        }
        let what = format!(
            "cell {} in {}/{}",
            display(ccode),
            display(fcode),
            display(ucode)
        );
        let mut ok = true;
        let mut number = |column: &str| -> u32 {
            let text = get(column);
            match text.parse::<u32>() {
                Ok(n) => n,
                Err(_) => {
                    errors.add(
                        pos,
                        column,
                        format!(
                            "{what}: {column} '{}' is not a whole number of places",
                            display(text)
                        ),
                    );
                    ok = false;
                    0
                }
            }
        };
        let certified = number("certified");
        let operational = number("operational");
        let maximum = number("maximum");
        let out_of_use = Some(get("out_of_use"))
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        file.facilities[fi].units[ui].cells.push(Located {
            value: Cell {
                id: 0,
                unit_id: 0,
                code: ccode.to_string(),
                certified,
                operational,
                maximum,
                out_of_use,
            },
            pos,
            fields: Vec::new(),
            readable: ok,
        });
    }
    check(&file, &mut errors);
    if errors.0.is_empty() {
        Ok(file)
    } else {
        Err(errors.0)
    }
}

/// A repeated facility or unit column must be blank or say the same as where the entry first appeared.
fn differs(
    errors: &mut Errors,
    pos: Pos,
    column: &str,
    value: &str,
    known: &str,
    what: &str,
    first: Pos,
) {
    // Words (kind, sex ...) may differ in case; names must match as written.
    let word = !column.ends_with("name") && column != "region";
    let same = if word {
        value.eq_ignore_ascii_case(known)
    } else {
        value == known
    };
    if !value.is_empty() && !same {
        errors.add(
            pos,
            column,
            format!(
                "{what}: {column} '{}' differs from line {} ('{}')",
                display(value),
                first.line,
                display(known)
            ),
        );
    }
}
