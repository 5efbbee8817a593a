//! The prisoner register record (Mandela Rules 7-8, Bangkok Rules 2-3), its fields as data, and custody events.

use super::auth::{Permission, Role, may};
use super::estate::{AgeGroup, Facility, FacilityKind, LegalStatus, Sex, word_enum};
use super::text;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

mod number;
pub use super::invalid::FieldError;
use super::invalid::Invalid;
pub use number::NumberPattern;

/// Date of birth: exact when documents exist, year only when not (common on admission without papers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BirthDate {
    Exact(NaiveDate),
    YearOnly(i32),
}

impl BirthDate {
    pub fn parse(s: &str, today: NaiveDate) -> Result<BirthDate, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("required".into());
        }
        let value = if s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()) {
            let year: i32 = s.parse().map_err(|_| format!("'{s}' is not a year"))?;
            BirthDate::YearOnly(year)
        } else {
            BirthDate::Exact(parse_date(s)?)
        };
        if value.year() > today.year() || matches!(value, BirthDate::Exact(d) if d > today) {
            return Err(format!("{s} is in the future"));
        }
        if value.year() < 1900 {
            return Err(crate::i18n::t_args(
                "birth-before-1900",
                &[("date", s.into())],
            ));
        }
        if today.year() - value.year() > 120 {
            return Err(format!("{s} is more than 120 years ago"));
        }
        Ok(value)
    }

    pub fn year(&self) -> i32 {
        match self {
            BirthDate::Exact(d) => d.year(),
            BirthDate::YearOnly(y) => *y,
        }
    }

    /// Age in whole years; with a year only, the age reached at the end of this year is not yet assumed.
    pub fn age_on(&self, day: NaiveDate) -> i32 {
        match self {
            BirthDate::Exact(d) => {
                let mut age = day.year() - d.year();
                if (day.month(), day.day()) < (d.month(), d.day()) {
                    age -= 1;
                }
                age
            }
            BirthDate::YearOnly(y) => day.year() - y - 1,
        }
    }

    pub fn to_text(&self) -> String {
        match self {
            BirthDate::Exact(d) => d.format("%Y-%m-%d").to_string(),
            BirthDate::YearOnly(y) => format!("{y:04}"),
        }
    }
}

/// Under this age a prisoner belongs in a unit for young prisoners (Rule 11d).
pub const ADULT_AGE: i32 = 18;

/// Age in whole years as lists and the record show it, with the word "child" under 18 so it reads without
/// colour ("17 child", "45").
pub fn age_shown(birth: &BirthDate, today: NaiveDate) -> String {
    let age = birth.age_on(today);
    if age < ADULT_AGE {
        crate::i18n::t_args("age-child", &[("age", age.into())])
    } else {
        age.to_string()
    }
}

/// A date of birth as the register stores it ("1990" or "1990-03-14"); None for anything else.
pub fn stored_birth(text: &str) -> Option<BirthDate> {
    if text.len() == 4 {
        text.parse().ok().map(BirthDate::YearOnly)
    } else {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(BirthDate::Exact)
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "'{}' is not a date (use YYYY-MM-DD)",
            super::text::display(s.trim())
        )
    })
}

pub fn parse_date_time(s: &str) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            format!(
                "'{}' is not a date and time (use YYYY-MM-DD HH:MM)",
                super::text::display(s)
            )
        })
}

/// Everything the register holds about one person. Nothing is deleted: custody ends with a release event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prisoner {
    pub id: i64,
    pub number: String,
    pub family_name: String,
    pub given_names: String,
    /// The names in Latin letters as the civil-status documents spell them, when the names are written in another
    /// script ("Mohamed" for محمد, which a mechanical transliteration would make "mhmd"); optional, searched too.
    #[serde(default)]
    pub latin_family_name: String,
    #[serde(default)]
    pub latin_given_names: String,
    pub aliases: Vec<String>,
    pub birth: BirthDate,
    pub sex: Sex,
    /// As the person states it (Rule 7a: respecting self-perceived gender).
    pub gender: String,
    pub nationality: String,
    pub languages: Vec<String>,
    pub id_document: String,
    pub legal_status: LegalStatus,
    pub offences: String,
    pub committing_authority: String,
    pub warrant_ref: String,
    pub admitted_at: NaiveDateTime,
    pub sentence_start: Option<NaiveDate>,
    pub sentence_months: Option<u32>,
    pub expected_release: Option<NaiveDate>,
    pub court_dates: Vec<NaiveDate>,
    pub next_of_kin: String,
    /// Children and caring responsibilities (Bangkok Rule 3).
    pub children: String,
    /// Visible injuries and complaints of prior ill-treatment noted at admission (Rule 7d).
    pub admission_injuries: String,
    pub property: String,
    /// For allocation close to home (Rule 59).
    pub home_district: String,
    pub vep: bool,
    pub vulnerable: bool,
    pub medical_alert: bool,
    pub facility_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub in_custody: bool,
}

impl Prisoner {
    /// A blank record for the admission form.
    pub fn blank(now: NaiveDateTime) -> Prisoner {
        Prisoner {
            id: 0,
            number: String::new(),
            family_name: String::new(),
            given_names: String::new(),
            latin_family_name: String::new(),
            latin_given_names: String::new(),
            aliases: Vec::new(),
            birth: BirthDate::YearOnly(now.year() - 30),
            sex: Sex::Male,
            gender: String::new(),
            nationality: String::new(),
            languages: Vec::new(),
            id_document: String::new(),
            legal_status: LegalStatus::Remand,
            offences: String::new(),
            committing_authority: String::new(),
            warrant_ref: String::new(),
            admitted_at: now,
            sentence_start: None,
            sentence_months: None,
            expected_release: None,
            court_dates: Vec::new(),
            next_of_kin: String::new(),
            children: String::new(),
            admission_injuries: String::new(),
            property: String::new(),
            home_district: String::new(),
            vep: false,
            vulnerable: false,
            medical_alert: false,
            facility_id: None,
            cell_id: None,
            in_custody: true,
        }
    }

    pub fn full_name(&self) -> String {
        if self.given_names.is_empty() {
            self.family_name.clone()
        } else {
            format!("{}, {}", self.family_name, self.given_names)
        }
    }

    pub fn age_group(&self, today: NaiveDate) -> AgeGroup {
        if self.birth.age_on(today) < ADULT_AGE {
            AgeGroup::Young
        } else {
            AgeGroup::Adult
        }
    }

    /// Every name a person may be found by: family, given, aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [self.family_name.as_str(), self.given_names.as_str()]
            .into_iter()
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// Checks the whole record, naming the first field that is wrong.
    pub fn validate(&self, pattern: &NumberPattern, today: NaiveDate) -> Result<(), FieldError> {
        for spec in FIELDS {
            let value = self.get(spec.key);
            check_value(spec, &value, today).map_err(|m| spec_error(spec, m))?;
        }
        pattern
            .check(&self.number)
            .map_err(|m| spec_error(field("number"), m))?;
        if let (Some(start), Some(release)) = (self.sentence_start, self.expected_release)
            && release < start
        {
            return Err(spec_error(
                field("expected_release"),
                "is before the sentence start".into(),
            ));
        }
        Ok(())
    }

    /// The record as it is stored: every text field without byte-order marks and zero-width spaces, names in
    /// normal form C. The store applies it to whatever it is given (forms, imports, the command line), so no
    /// path stores them; refused characters are [`Prisoner::validate`]'s business.
    pub fn cleaned(&self) -> Prisoner {
        let mut p = self.clone();
        for name in [
            &mut p.family_name,
            &mut p.given_names,
            &mut p.latin_family_name,
            &mut p.latin_given_names,
        ]
        .into_iter()
        .chain(p.aliases.iter_mut())
        {
            *name = text::clean_name(name);
        }
        for field in [
            &mut p.number,
            &mut p.gender,
            &mut p.nationality,
            &mut p.id_document,
            &mut p.offences,
            &mut p.committing_authority,
            &mut p.warrant_ref,
            &mut p.next_of_kin,
            &mut p.children,
            &mut p.admission_injuries,
            &mut p.property,
            &mut p.home_district,
        ]
        .into_iter()
        .chain(p.languages.iter_mut())
        {
            if let Cow::Owned(c) = text::clean(field) {
                *field = c;
            }
        }
        p
    }

    /// The value of a field as the form shows it.
    pub fn get(&self, key: &str) -> String {
        let date = |d: &Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let flag = |b: bool| if b { "yes" } else { "no" }.to_string();
        match key {
            "number" => self.number.clone(),
            "family_name" => self.family_name.clone(),
            "given_names" => self.given_names.clone(),
            "latin_family_name" => self.latin_family_name.clone(),
            "latin_given_names" => self.latin_given_names.clone(),
            "aliases" => self.aliases.join("; "),
            "birth" => self.birth.to_text(),
            "sex" => self.sex.as_str().into(),
            "gender" => self.gender.clone(),
            "nationality" => self.nationality.clone(),
            "languages" => self.languages.join("; "),
            "id_document" => self.id_document.clone(),
            "legal_status" => self.legal_status.as_str().into(),
            "offences" => self.offences.clone(),
            "committing_authority" => self.committing_authority.clone(),
            "warrant_ref" => self.warrant_ref.clone(),
            "admitted_at" => self.admitted_at.format("%Y-%m-%d %H:%M").to_string(),
            "sentence_start" => date(&self.sentence_start),
            "sentence_months" => self
                .sentence_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
            "expected_release" => date(&self.expected_release),
            "court_dates" => self
                .court_dates
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("; "),
            "next_of_kin" => self.next_of_kin.clone(),
            "children" => self.children.clone(),
            "admission_injuries" => self.admission_injuries.clone(),
            "property" => self.property.clone(),
            "home_district" => self.home_district.clone(),
            "vep" => flag(self.vep),
            "vulnerable" => flag(self.vulnerable),
            "medical_alert" => flag(self.medical_alert),
            _ => String::new(),
        }
    }

    /// Sets a field from what was typed, or says what is wrong with it. The record is unchanged on error.
    pub fn set(&mut self, key: &str, value: &str, today: NaiveDate) -> Result<(), FieldError> {
        let spec = FIELDS
            .iter()
            .find(|f| f.key == key)
            .ok_or_else(|| FieldError::new("?", format!("no field called '{key}'")))?;
        // Checked as it will be stored (byte-order marks and zero-width spaces out): a field holding only those
        // is empty, and a required one refused, not stored empty.
        let value = &*text::clean(value);
        check_value(spec, value, today).map_err(|m| spec_error(spec, m))?;
        let text = value.trim().to_string();
        let list = |v: &str| -> Vec<String> {
            v.split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let opt_date = |v: &str| -> Option<NaiveDate> {
            if v.trim().is_empty() {
                None
            } else {
                parse_date(v).ok()
            }
        };
        let yes = |v: &str| matches!(v.trim().to_lowercase().as_str(), "yes" | "y" | "true" | "1");
        match key {
            "number" => self.number = text,
            "family_name" => self.family_name = text::clean_name(&text),
            "given_names" => self.given_names = text::clean_name(&text),
            "latin_family_name" => self.latin_family_name = text::clean_name(&text),
            "latin_given_names" => self.latin_given_names = text::clean_name(&text),
            "aliases" => self.aliases = list(&text::clean_name(value)),
            "birth" => {
                self.birth = BirthDate::parse(value, today).map_err(|m| spec_error(spec, m))?
            }
            "sex" => self.sex = Sex::parse(value).unwrap_or(self.sex),
            "gender" => self.gender = text,
            "nationality" => self.nationality = text,
            "languages" => self.languages = list(value),
            "id_document" => self.id_document = text,
            "legal_status" => {
                self.legal_status = LegalStatus::parse(value).unwrap_or(self.legal_status)
            }
            "offences" => self.offences = text,
            "committing_authority" => self.committing_authority = text,
            "warrant_ref" => self.warrant_ref = text,
            "admitted_at" => {
                self.admitted_at = parse_date_time(value).map_err(|m| spec_error(spec, m))?
            }
            "sentence_start" => self.sentence_start = opt_date(value),
            "sentence_months" => self.sentence_months = value.trim().parse().ok(),
            "expected_release" => self.expected_release = opt_date(value),
            "court_dates" => {
                self.court_dates = list(value)
                    .iter()
                    .filter_map(|d| parse_date(d).ok())
                    .collect()
            }
            "next_of_kin" => self.next_of_kin = text,
            "children" => self.children = text,
            "admission_injuries" => self.admission_injuries = text,
            "property" => self.property = text,
            "home_district" => self.home_district = text,
            "vep" => self.vep = yes(value),
            "vulnerable" => self.vulnerable = yes(value),
            "medical_alert" => self.medical_alert = yes(value),
            _ => {}
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text {
        max: usize,
        required: bool,
    },
    /// Several values separated by ';'.
    List {
        max: usize,
    },
    Date {
        required: bool,
    },
    DateTime,
    BirthDate,
    Choice(&'static [&'static str]),
    Months,
    YesNo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Identity,
    Legal,
    Family,
    Admission,
    Flags,
    /// The names in Latin letters as the civil-status documents spell them (last, so the form's order before it
    /// stays as staff learnt it).
    LatinSpelling,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Identity => "Identity",
            Section::Legal => "Legal status and sentence",
            Section::Family => "Family and home",
            Section::Admission => "Admission",
            Section::Flags => "Flags",
            Section::LatinSpelling => crate::i18n::t_static("section-latin-spelling"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub section: Section,
    /// Some fields are seen and changed only by roles whose duties need them (Rule 9).
    pub view: Option<Permission>,
    pub edit: Option<Permission>,
}

const SEXES: &[&str] = &["male", "female"];
const STATUSES: &[&str] = &["remand", "convicted", "civil", "immigration"];
const YES_NO: &[&str] = &["yes", "no"];

macro_rules! f {
    ($key:literal, $label:literal, $kind:expr, $section:ident) => {
        FieldSpec {
            key: $key,
            label: $label,
            kind: $kind,
            section: Section::$section,
            view: None,
            edit: None,
        }
    };
    ($key:literal, $label:literal, $kind:expr, $section:ident, $view:ident, $edit:ident) => {
        FieldSpec {
            key: $key,
            label: $label,
            kind: $kind,
            section: Section::$section,
            view: Some(Permission::$view),
            edit: Some(Permission::$edit),
        }
    };
}

const fn text(max: usize) -> FieldKind {
    FieldKind::Text {
        max,
        required: false,
    }
}

/// The register's fields in form order. The record view and the edit and admission forms are drawn from this table.
pub const FIELDS: &[FieldSpec] = &[
    f!(
        "number",
        "Prison number",
        FieldKind::Text {
            max: 24,
            required: true
        },
        Identity
    ),
    f!(
        "family_name",
        "Family name",
        FieldKind::Text {
            max: 80,
            required: true
        },
        Identity
    ),
    f!("given_names", "Given names", text(120), Identity),
    f!(
        "aliases",
        "Aliases (a; b)",
        FieldKind::List { max: 300 },
        Identity
    ),
    f!(
        "birth",
        "Born (date or year)",
        FieldKind::BirthDate,
        Identity
    ),
    f!("sex", "Sex", FieldKind::Choice(SEXES), Identity),
    f!("gender", "Gender (as stated)", text(40), Identity),
    f!("nationality", "Nationality", text(60), Identity),
    f!(
        "languages",
        "Languages (a; b)",
        FieldKind::List { max: 200 },
        Identity
    ),
    f!("id_document", "Identity document", text(80), Identity),
    f!(
        "legal_status",
        "Legal status",
        FieldKind::Choice(STATUSES),
        Legal
    ),
    f!("offences", "Offences", text(500), Legal),
    f!(
        "committing_authority",
        "Committing authority",
        FieldKind::Text {
            max: 120,
            required: true
        },
        Legal
    ),
    f!("warrant_ref", "Warrant reference", text(60), Legal),
    f!(
        "sentence_start",
        "Sentence start",
        FieldKind::Date { required: false },
        Legal
    ),
    f!(
        "sentence_months",
        "Sentence (months)",
        FieldKind::Months,
        Legal
    ),
    f!(
        "expected_release",
        "Expected release",
        FieldKind::Date { required: false },
        Legal
    ),
    f!(
        "court_dates",
        "Court dates (a; b)",
        FieldKind::List { max: 200 },
        Legal
    ),
    f!("next_of_kin", "Next of kin", text(200), Family),
    f!("children", "Children and caring", text(300), Family),
    f!("home_district", "Home district", text(60), Family),
    f!(
        "admitted_at",
        "Admitted (UTC)",
        FieldKind::DateTime,
        Admission
    ),
    f!(
        "admission_injuries",
        "Injuries/complaints",
        text(500),
        Admission
    ),
    f!("property", "Property", text(500), Admission),
    f!(
        "vep",
        "Violent extremist",
        FieldKind::YesNo,
        Flags,
        ViewVepFlag,
        SetVepFlag
    ),
    f!("vulnerable", "Vulnerable", FieldKind::YesNo, Flags),
    f!("medical_alert", "Medical alert", FieldKind::YesNo, Flags),
    f!(
        "latin_family_name",
        "Family name (Latin)",
        text(80),
        LatinSpelling
    ),
    f!(
        "latin_given_names",
        "Given names (Latin)",
        text(120),
        LatinSpelling
    ),
];

pub fn field(key: &str) -> &'static FieldSpec {
    // Every caller names a key from FIELDS; an unknown key is a programming error caught by the tests below.
    FIELDS.iter().find(|f| f.key == key).unwrap_or(&FIELDS[0])
}

/// The fields a role may see, in order.
pub fn visible_fields(role: Role) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS
        .iter()
        .filter(move |f| f.view.is_none_or(|p| may(role, p)))
}

pub fn may_edit_field(role: Role, spec: &FieldSpec) -> bool {
    may(role, Permission::EditPrisoner) && spec.edit.is_none_or(|p| may(role, p))
        || spec.edit.is_some_and(|p| may(role, p))
}

pub fn choices(kind: FieldKind) -> &'static [&'static str] {
    match kind {
        FieldKind::Choice(c) => c,
        FieldKind::YesNo => YES_NO,
        _ => &[],
    }
}

fn check_value(spec: &FieldSpec, value: &str, today: NaiveDate) -> Result<(), String> {
    // Before any other check, so a date with an escape in it is named for the escape, not as a bad date.
    if let Some(c) = text::refused_char(value) {
        return Err(text::refusal(c));
    }
    let v = value.trim();
    let count = value.chars().count();
    match spec.kind {
        FieldKind::Text { max, required } => {
            if required && v.is_empty() {
                return Err("required".into());
            }
            if count > max {
                return Err(format!("at most {max} characters (this has {count})"));
            }
            // The civil-status spelling is searched as typed in Latin letters; another script belongs in the name.
            if spec.key.starts_with("latin_")
                && text::fold(v)
                    .chars()
                    .any(|c| c.is_alphabetic() && !c.is_ascii())
            {
                return Err(crate::i18n::t("field-latin-letters-only"));
            }
        }
        FieldKind::List { max } => {
            // Count the list as it will be shown and saved back ("a; b"), not as typed ("a;b").
            let count = v
                .split(';')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("; ")
                .chars()
                .count();
            if count > max {
                return Err(format!("at most {max} characters (this has {count})"));
            }
            if spec.key == "court_dates" {
                for d in v.split(';').map(str::trim).filter(|d| !d.is_empty()) {
                    parse_date(d)?;
                }
            }
        }
        FieldKind::Date { required } => {
            if v.is_empty() {
                if required {
                    return Err("required".into());
                }
            } else {
                parse_date(v)?;
            }
        }
        FieldKind::DateTime => {
            parse_date_time(v)?;
        }
        FieldKind::BirthDate => {
            BirthDate::parse(v, today)?;
        }
        FieldKind::Choice(options) => {
            if !options.contains(&v.to_lowercase().as_str()) {
                return Err(format!("choose one of: {}", options.join(", ")));
            }
        }
        FieldKind::Months => {
            if !v.is_empty() {
                match v.parse::<u32>() {
                    Ok(m) if m <= 1200 => {}
                    _ => return Err("a whole number of months from 0 to 1200".into()),
                }
            }
        }
        FieldKind::YesNo => {
            if !matches!(
                v.to_lowercase().as_str(),
                "yes" | "no" | "y" | "n" | "true" | "false" | "1" | "0"
            ) {
                return Err("yes or no".into());
            }
        }
    }
    Ok(())
}

/// A refusal naming a record field by its key, shown with its label ("Prison number: required"), as the form
/// and the command line have always shown it.
fn spec_error(spec: &'static FieldSpec, message: String) -> FieldError {
    FieldError::new(spec.key, message).labelled(spec.label)
}

word_enum!(
    /// What happened to a person's custody. Events are appended, never changed.
    EventKind { Admission = "admission", TransferOut = "transfer-out", TransferIn = "transfer-in", Release = "release" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustodyEvent {
    pub id: i64,
    pub prisoner_id: i64,
    pub kind: EventKind,
    pub at: NaiveDateTime,
    pub facility_id: i64,
    pub authority: String,
    pub reason: String,
    pub recorded_by: String,
}

/// Whether a facility may take this person at all (Rule 11a and 11d at facility level).
pub fn facility_accepts(
    facility: &Facility,
    prisoner: &Prisoner,
    today: NaiveDate,
) -> Result<(), String> {
    let young = prisoner.age_group(today) == AgeGroup::Young;
    match (facility.kind, prisoner.sex) {
        (FacilityKind::Men, Sex::Female) => Err(format!("{} holds men only", facility.name)),
        (FacilityKind::Women, Sex::Male) => Err(format!("{} holds women only", facility.name)),
        (FacilityKind::Juvenile, _) if !young => {
            Err(format!("{} holds young prisoners only", facility.name))
        }
        _ => Ok(()),
    }
}

/// Checks a transfer or release before it is written.
pub fn check_movement(prisoner: &Prisoner, authority: &str, reason: &str) -> Result<(), Invalid> {
    if !prisoner.in_custody {
        return Err(format!("{} is not in custody", prisoner.number).into());
    }
    if authority.trim().is_empty() {
        return Err(FieldError::new("authority", "required").into());
    }
    if reason.trim().is_empty() {
        return Err(FieldError::new("reason", "required").into());
    }
    text::check("authority", authority)?;
    text::check("reason", reason)?;
    if authority.chars().count() > 120 || reason.chars().count() > 300 {
        return Err("authority or reason: too long (120 and 300 characters at most)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
