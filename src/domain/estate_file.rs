//! Estate files (TOML or CSV) read into facilities, units and cells, with every error placed at its line and column.
//! Pure: text in, domain values or located errors out. Matching against what is stored is in `estate_plan`.

use super::estate::{
    AgeGroup, Cell, Facility, FacilityKind, SecurityLevel, Unit, UnitSex, UnitUse,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A place in the file: 1-based line, and 1-based column (in characters) where the format gives one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: Option<usize>,
}

impl Pos {
    pub fn line(line: usize) -> Pos {
        Pos { line, column: None }
    }

    /// The line and column of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Pos {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos {
            line: before.matches('\n').count() + 1,
            column: Some(before[line_start..].chars().count() + 1),
        }
    }
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{c}", self.line),
            None => write!(f, "{}", self.line),
        }
    }
}

/// One problem in the file. `message` names the entry and the field, so it reads on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub pos: Pos,
    /// The field at fault, as written in the file (`kind`, `operational` ...), when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

/// A value read from the file, with where it came from and where each of its fields was.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
    fields: Vec<(&'static str, Pos)>,
    /// False when a word or number in it could not be read; that was reported, and checks that would
    /// depend on a stand-in value are skipped rather than reported twice.
    readable: bool,
}

impl<T> Located<T> {
    /// Where `field` was written; the entry's own place if the format does not say.
    pub fn at(&self, field: &str) -> Pos {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(self.pos, |(_, p)| *p)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitEntry {
    pub unit: Located<Unit>,
    pub cells: Vec<Located<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacilityEntry {
    pub facility: Located<Facility>,
    pub units: Vec<UnitEntry>,
}

/// Everything a file describes, in file order. Ids are 0: matching to stored rows is by code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EstateFile {
    pub facilities: Vec<FacilityEntry>,
}

impl EstateFile {
    pub fn counts(&self) -> (usize, usize, usize) {
        let units = self.facilities.iter().map(|f| f.units.len()).sum();
        let cells = self
            .facilities
            .iter()
            .flat_map(|f| &f.units)
            .map(|u| u.cells.len())
            .sum();
        (self.facilities.len(), units, cells)
    }
}

/// The estate's words (kind, sex ...), read the same way in both formats.
trait Word: Sized {
    fn parse_word(s: &str) -> Option<Self>;
    fn choices_text() -> String;
}

macro_rules! words {
    ($($t:ty),+) => {$(
        impl Word for $t {
            fn parse_word(s: &str) -> Option<Self> {
                <$t>::parse(s)
            }
            fn choices_text() -> String {
                <$t>::choices()
            }
        }
    )+};
}
words!(FacilityKind, SecurityLevel, UnitSex, AgeGroup, UnitUse);

/// Collects errors while reading, so one run reports every problem, not just the first.
#[derive(Default)]
struct Errors(Vec<FileError>);

impl Errors {
    fn add(&mut self, pos: Pos, field: &str, message: impl Into<String>) {
        self.0.push(FileError {
            pos,
            field: (!field.is_empty()).then(|| field.to_string()),
            message: message.into(),
        });
    }

    /// Parses one of the estate's words, or records what was accepted instead and returns `fallback`.
    fn word<T: Word>(
        &mut self,
        fallback: T,
        value: &str,
        pos: Pos,
        field: &str,
        what: &str,
    ) -> (T, bool) {
        match T::parse_word(value) {
            Some(v) => (v, true),
            None => {
                self.add(
                    pos,
                    field,
                    format!(
                        "{what}: {field} '{}' is not one of: {}",
                        super::text::display(value),
                        T::choices_text()
                    ),
                );
                (fallback, false)
            }
        }
    }

    /// A capacity; `ok` turns false (and stays false) if it is negative or absurdly large.
    fn capacity(&mut self, value: i64, pos: Pos, field: &str, what: &str, ok: &mut bool) -> u32 {
        match u32::try_from(value) {
            Ok(v) => v,
            Err(_) => {
                self.add(
                    pos,
                    field,
                    format!("{what}: {field} must be a whole number of places, not {value}"),
                );
                *ok = false;
                0
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// TOML

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    facility: Vec<Spanned<TomlFacility>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFacility {
    code: Spanned<String>,
    name: Spanned<String>,
    region: Spanned<String>,
    kind: Spanned<String>,
    security: Spanned<String>,
    #[serde(default)]
    unit: Vec<Spanned<TomlUnit>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlUnit {
    code: Spanned<String>,
    name: Spanned<String>,
    sex: Spanned<String>,
    age_group: Spanned<String>,
    legal_use: Spanned<String>,
    security: Spanned<String>,
    #[serde(default)]
    cell: Vec<Spanned<TomlCell>>,
    #[serde(default)]
    cells: Vec<Spanned<TomlCellRange>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlCell {
    code: Spanned<String>,
    certified: Spanned<i64>,
    operational: Spanned<i64>,
    maximum: Spanned<i64>,
    #[serde(default)]
    out_of_use: Option<Spanned<String>>,
}

/// Many alike cells at once: `prefix = "A-", from = 1, to = 40` gives A-01 ... A-40.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlCellRange {
    prefix: Spanned<String>,
    from: Spanned<i64>,
    to: Spanned<i64>,
    /// Digits in the number; by default those of `to`, and at least 2.
    #[serde(default)]
    width: Option<Spanned<i64>>,
    certified: Spanned<i64>,
    operational: Spanned<i64>,
    maximum: Spanned<i64>,
    #[serde(default)]
    out_of_use: Option<Spanned<String>>,
}

/// The most cells one range may generate; a typo such as `to = 40000` should not create forty thousand.
pub const MAX_RANGE_CELLS: i64 = 2000;

/// Reads an estate TOML file. A syntax error stops at once; otherwise every problem found is reported.
pub fn parse_toml(text: &str) -> Result<EstateFile, Vec<FileError>> {
    let parsed: TomlFile = toml::from_str(text).map_err(|e| {
        let pos = e.span().map_or(
            Pos {
                line: 1,
                column: Some(1),
            },
            |s| Pos::of_offset(text, s.start),
        );
        vec![FileError {
            pos,
            field: None,
            message: e.message().trim().to_string(),
        }]
    })?;
    let at = |s: std::ops::Range<usize>| Pos::of_offset(text, s.start);
    let mut errors = Errors::default();
    let mut file = EstateFile::default();
    for f in &parsed.facility {
        let ft = f.get_ref();
        let code = ft.code.get_ref().trim().to_string();
        let what = format!("facility {}", super::text::display(&code));
        let (kind, kind_ok) = errors.word(
            FacilityKind::Mixed,
            ft.kind.get_ref(),
            at(ft.kind.span()),
            "kind",
            &what,
        );
        let (security, security_ok) = errors.word(
            SecurityLevel::Medium,
            ft.security.get_ref(),
            at(ft.security.span()),
            "security",
            &what,
        );
        let facility = Located {
            readable: kind_ok && security_ok,
            value: Facility {
                id: 0,
                code: code.clone(),
                name: ft.name.get_ref().trim().to_string(),
                region: ft.region.get_ref().trim().to_string(),
                kind,
                security,
            },
            pos: at(f.span()),
            fields: vec![
                ("code", at(ft.code.span())),
                ("name", at(ft.name.span())),
                ("region", at(ft.region.span())),
                ("kind", at(ft.kind.span())),
                ("security", at(ft.security.span())),
            ],
        };
        let mut entry = FacilityEntry {
            facility,
            units: Vec::new(),
        };
        for u in &ft.unit {
            let ut = u.get_ref();
            let ucode = ut.code.get_ref().trim().to_string();
            let what = format!(
                "unit {} in {}",
                super::text::display(&ucode),
                super::text::display(&code)
            );
            let mut word_ok = kind_ok;
            let (sex, ok) = errors.word(
                UnitSex::Male,
                ut.sex.get_ref(),
                at(ut.sex.span()),
                "sex",
                &what,
            );
            word_ok &= ok;
            let (age_group, ok) = errors.word(
                AgeGroup::Adult,
                ut.age_group.get_ref(),
                at(ut.age_group.span()),
                "age_group",
                &what,
            );
            word_ok &= ok;
            let (legal_use, use_ok) = errors.word(
                UnitUse::Any,
                ut.legal_use.get_ref(),
                at(ut.legal_use.span()),
                "legal_use",
                &what,
            );
            let (security, security_ok) = errors.word(
                SecurityLevel::Medium,
                ut.security.get_ref(),
                at(ut.security.span()),
                "security",
                &what,
            );
            let unit = Located {
                readable: word_ok && use_ok && security_ok,
                value: Unit {
                    id: 0,
                    facility_id: 0,
                    code: ucode.clone(),
                    name: ut.name.get_ref().trim().to_string(),
                    sex,
                    age_group,
                    legal_use,
                    security,
                },
                pos: at(u.span()),
                fields: vec![
                    ("code", at(ut.code.span())),
                    ("name", at(ut.name.span())),
                    ("sex", at(ut.sex.span())),
                    ("age_group", at(ut.age_group.span())),
                    ("legal_use", at(ut.legal_use.span())),
                    ("security", at(ut.security.span())),
                ],
            };
            let mut cells = Vec::new();
            for c in &ut.cell {
                let ct = c.get_ref();
                let ccode = ct.code.get_ref().trim().to_string();
                let what = format!(
                    "cell {} in {}/{}",
                    super::text::display(&ccode),
                    code,
                    ucode
                );
                let mut ok = true;
                let cell = Cell {
                    id: 0,
                    unit_id: 0,
                    code: ccode,
                    certified: errors.capacity(
                        *ct.certified.get_ref(),
                        at(ct.certified.span()),
                        "certified",
                        &what,
                        &mut ok,
                    ),
                    operational: errors.capacity(
                        *ct.operational.get_ref(),
                        at(ct.operational.span()),
                        "operational",
                        &what,
                        &mut ok,
                    ),
                    maximum: errors.capacity(
                        *ct.maximum.get_ref(),
                        at(ct.maximum.span()),
                        "maximum",
                        &what,
                        &mut ok,
                    ),
                    out_of_use: ct
                        .out_of_use
                        .as_ref()
                        .map(|s| s.get_ref().trim().to_string()),
                };
                let mut fields = vec![
                    ("code", at(ct.code.span())),
                    ("certified", at(ct.certified.span())),
                    ("operational", at(ct.operational.span())),
                    ("maximum", at(ct.maximum.span())),
                ];
                if let Some(o) = &ct.out_of_use {
                    fields.push(("out_of_use", at(o.span())));
                }
                cells.push(Located {
                    value: cell,
                    pos: at(c.span()),
                    fields,
                    readable: ok,
                });
            }
            for r in &ut.cells {
                cells.extend(expand_range(r, &code, &ucode, text, &mut errors));
            }
            entry.units.push(UnitEntry { unit, cells });
        }
        file.facilities.push(entry);
    }
    check(&file, &mut errors);
    if errors.0.is_empty() {
        Ok(file)
    } else {
        Err(errors.0)
    }
}

fn expand_range(
    r: &Spanned<TomlCellRange>,
    facility: &str,
    unit: &str,
    text: &str,
    errors: &mut Errors,
) -> Vec<Located<Cell>> {
    let at = |s: std::ops::Range<usize>| Pos::of_offset(text, s.start);
    let rt = r.get_ref();
    let prefix = rt.prefix.get_ref().trim();
    let (from, to) = (*rt.from.get_ref(), *rt.to.get_ref());
    let what = format!("cells {prefix}{from}..{prefix}{to} in {facility}/{unit}");
    if from < 0 || to < from {
        errors.add(
            at(rt.to.span()),
            "to",
            format!("{what}: 'to' must be at least 'from' (and neither negative)"),
        );
        return Vec::new();
    }
    if to - from + 1 > MAX_RANGE_CELLS {
        errors.add(
            at(rt.to.span()),
            "to",
            format!("{what}: at most {MAX_RANGE_CELLS} cells in one range"),
        );
        return Vec::new();
    }
    let digits = to.to_string().len().max(2);
    let width = match &rt.width {
        None => digits,
        Some(w) if (1..=6).contains(w.get_ref()) => *w.get_ref() as usize,
        Some(w) => {
            errors.add(
                at(w.span()),
                "width",
                format!("{what}: width must be from 1 to 6 digits"),
            );
            return Vec::new();
        }
    };
    let mut ok = true;
    let certified = errors.capacity(
        *rt.certified.get_ref(),
        at(rt.certified.span()),
        "certified",
        &what,
        &mut ok,
    );
    let operational = errors.capacity(
        *rt.operational.get_ref(),
        at(rt.operational.span()),
        "operational",
        &what,
        &mut ok,
    );
    let maximum = errors.capacity(
        *rt.maximum.get_ref(),
        at(rt.maximum.span()),
        "maximum",
        &what,
        &mut ok,
    );
    if !ok {
        return Vec::new();
    }
    let mut fields = vec![
        ("code", at(rt.prefix.span())),
        ("certified", at(rt.certified.span())),
        ("operational", at(rt.operational.span())),
        ("maximum", at(rt.maximum.span())),
    ];
    if let Some(o) = &rt.out_of_use {
        fields.push(("out_of_use", at(o.span())));
    }
    (from..=to)
        .map(|n| Located {
            value: Cell {
                id: 0,
                unit_id: 0,
                code: format!("{prefix}{n:0width$}"),
                certified,
                operational,
                maximum,
                out_of_use: rt
                    .out_of_use
                    .as_ref()
                    .map(|s| s.get_ref().trim().to_string()),
            },
            pos: at(r.span()),
            fields: fields.clone(),
            readable: true,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Checks shared by both formats

/// The domain's own rules for each entry, separation of sexes and ages, and codes used twice.
fn check(file: &EstateFile, errors: &mut Errors) {
    let mut facility_codes: BTreeMap<&str, Pos> = BTreeMap::new();
    for f in &file.facilities {
        let fac = &f.facility.value;
        let what = format!("facility {}", super::text::display(&fac.code));
        if let Err(m) = fac.validate() {
            errors.add(f.facility.at(&m.field), &m.field, format!("{what}: {m}"));
        }
        if let Some(first) = facility_codes.insert(&fac.code, f.facility.pos) {
            errors.add(
                f.facility.at("code"),
                "code",
                format!("{what}: code used twice (first at line {})", first.line),
            );
        }
        let mut unit_codes: BTreeMap<&str, Pos> = BTreeMap::new();
        for u in &f.units {
            let unit = &u.unit.value;
            let what = format!("unit {} in {}", super::text::display(&unit.code), fac.code);
            if let Err(m) = unit.validate() {
                errors.add(u.unit.at(&m.field), &m.field, format!("{what}: {m}"));
            }
            let readable = f.facility.readable && u.unit.readable;
            if readable && let Err(m) = fac.admits_unit(unit) {
                // Named by its key here ("sex: ..."): the entry is already named in front.
                let (field, why) = (&m.field, &m.message);
                errors.add(u.unit.at(field), field, format!("{what}: {field}: {why}"));
            }
            if let Some(first) = unit_codes.insert(&unit.code, u.unit.pos) {
                errors.add(
                    u.unit.at("code"),
                    "code",
                    format!(
                        "{what}: code used twice in this facility (first at line {})",
                        first.line
                    ),
                );
            }
            let mut cell_codes: BTreeMap<&str, Pos> = BTreeMap::new();
            for c in &u.cells {
                let cell = &c.value;
                let what = format!(
                    "cell {} in {}/{}",
                    super::text::display(&cell.code),
                    fac.code,
                    unit.code
                );
                if c.readable
                    && let Err(m) = cell.validate()
                {
                    errors.add(c.at(&m.field), &m.field, format!("{what}: {m}"));
                }
                if let Some(first) = cell_codes.insert(&cell.code, c.pos) {
                    errors.add(
                        c.at("code"),
                        "code",
                        format!(
                            "{what}: code used twice in this unit (first at line {})",
                            first.line
                        ),
                    );
                }
            }
        }
    }
    errors.0.sort_by_key(|e| e.pos);
    errors.0.dedup();
}

mod csv_format;
pub use csv_format::{CSV_COLUMNS, parse_csv};

#[cfg(test)]
mod tests;
