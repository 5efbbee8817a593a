//! Reports as `print::Document`s, for the screen and every printed format alike: placements that break a hard
//! rule, occupancy and overcrowding, segregation durations (Mandela Rules 43-45), reviews due and overdue,
//! classification distribution, days on remand, the Mandela compliance summary, and the roster reports
//! (programme roster, unlock list, attendance sheets, participation, a person's timetable), and the people held
//! past their release date, the day's court production list and the cases on remand past their statutory limit.
//!
//! A new report is a `Kind`, a title, and a function from the store and `Params` to a `Document`; the CLI, the
//! report screen and the print preview pick it up from `Kind::ALL`.

pub mod continuity;
mod court;
mod custody;
mod estate;
mod mandela;
pub mod national;
mod release;
mod rosters;

use crate::domain::estate::Facility;
use crate::print::{Block, Document, Table, plain};
use crate::store::{Result, Setting, Store, Within};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

pub use crate::print::WIDTH;
pub use court::check_court_day;

pub const DEFAULT_CLASSIFICATION_DAYS: i64 = 14;
const DEFAULT_CONFIDENTIALITY: &str =
    "CONFIDENTIAL: personal data of people in custody; staff use only.";

/// A report of this station.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Placements,
    Overcrowding,
    Segregation,
    Reviews,
    Classification,
    Remand,
    Mandela,
    Roster,
    Unlock,
    Attendance,
    Participation,
    Timetable,
    PastRelease,
    Court,
    RemandLimit,
}

impl Kind {
    /// Every report, in the order `warden print --help` lists them.
    pub const EVERY: [Kind; 15] = [
        Kind::Placements,
        Kind::Overcrowding,
        Kind::Segregation,
        Kind::Reviews,
        Kind::Classification,
        Kind::Remand,
        Kind::Mandela,
        Kind::Roster,
        Kind::Unlock,
        Kind::Attendance,
        Kind::Participation,
        Kind::Timetable,
        Kind::PastRelease,
        Kind::Court,
        Kind::RemandLimit,
    ];

    /// Every report that needs no person named: the report screen's list. The timetable is printed from the
    /// person's own programmes screen or with `--prisoner`.
    pub const ALL: [Kind; 14] = [
        Kind::Placements,
        Kind::Overcrowding,
        Kind::Segregation,
        Kind::Reviews,
        Kind::Classification,
        Kind::Remand,
        Kind::Mandela,
        Kind::Roster,
        Kind::Unlock,
        Kind::Attendance,
        Kind::Participation,
        Kind::PastRelease,
        Kind::Court,
        Kind::RemandLimit,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Kind::Placements => "Placements that break a hard rule",
            Kind::Overcrowding => "Occupancy and overcrowding",
            Kind::Segregation => "Segregation durations",
            Kind::Reviews => "Reviews due and overdue",
            Kind::Classification => "Classification distribution",
            Kind::Remand => "Days on remand by facility",
            Kind::Mandela => "Mandela Rules compliance summary",
            Kind::Roster => "Programme roster",
            Kind::Unlock => "Unlock list",
            Kind::Attendance => "Attendance sheets",
            Kind::Participation => "Programme participation and completion",
            Kind::Timetable => "Timetable",
            Kind::PastRelease => "People held past their release date",
            Kind::Court => "Court production list",
            Kind::RemandLimit => "Remand past the statutory limit",
        }
    }

    /// The name on the command line and in the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Placements => "placements",
            Kind::Overcrowding => "overcrowding",
            Kind::Segregation => "segregation",
            Kind::Reviews => "reviews",
            Kind::Classification => "classification",
            Kind::Remand => "remand",
            Kind::Mandela => "mandela",
            Kind::Roster => "roster",
            Kind::Unlock => "unlock",
            Kind::Attendance => "attendance",
            Kind::Participation => "participation",
            Kind::Timetable => "timetable",
            Kind::PastRelease => "past-release",
            Kind::Court => "court",
            Kind::RemandLimit => "remand-limit",
        }
    }
}

/// What a report covers and who is asking.
#[derive(Debug, Clone)]
pub struct Params {
    /// One facility, or the whole service.
    pub facility: Option<Facility>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub now: DateTime<Utc>,
    pub printed_by: String,
    /// May the reader see violent-extremist breakdowns (`Permission::ViewVepFigures`)?
    pub vep: bool,
    /// The day of the day-by-day reports (unlock list, attendance sheets); today unless chosen.
    pub day: NaiveDate,
    /// One unit's code, for the unlock list.
    pub unit: Option<String>,
    /// A prison number, for the timetable.
    pub prisoner: Option<String>,
    /// One programme's code, for the programme roster (default: every programme of the facility).
    pub programme: Option<String>,
}

impl Params {
    /// The whole service, the ISO week holding `now`, no VEP figures.
    pub fn new(now: DateTime<Utc>, printed_by: impl Into<String>) -> Params {
        let (from, to) = week_of(now.date_naive());
        Params {
            facility: None,
            from,
            to,
            now,
            printed_by: printed_by.into(),
            vep: false,
            day: now.date_naive(),
            unit: None,
            prisoner: None,
            programme: None,
        }
    }

    fn facility_id(&self) -> Option<i64> {
        self.facility.as_ref().map(|f| f.id)
    }

    fn facility_code(&self) -> Option<&str> {
        self.facility.as_ref().map(|f| f.code.as_str())
    }

    /// The part of the estate the report covers.
    fn within(&self) -> Within {
        self.facility
            .as_ref()
            .map_or(Within::All, |f| Within::Facility(f.id))
    }

    fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    fn as_at(&self) -> String {
        format!("As at {}", self.today())
    }
}

/// Monday to Sunday of the ISO week holding `day`.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    (monday, monday + Duration::days(6))
}

/// Monday to Sunday of an ISO week written `2026-W48`; None when it is not one.
pub fn parse_week(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, week) = s.trim().split_once(['-', 'W', 'w'].as_slice())?;
    let week = week.trim_start_matches(['W', 'w']);
    let year: i32 = year.parse().ok()?;
    let week: u32 = week.parse().ok()?;
    let monday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)?;
    // Checked: the last week chrono can name may not have a Sunday it can.
    Some((monday, monday.checked_add_days(chrono::Days::new(6))?))
}

/// The report as a document, ready to show or print.
pub fn build(store: &Store, kind: Kind, params: &Params) -> Result<Document> {
    let mut doc = Document {
        service: service_name(store)?,
        facility: match &params.facility {
            Some(f) => format!("{} {}", f.code, f.name),
            None => "All facilities".into(),
        },
        title: kind.title().into(),
        period: params.as_at(),
        printed_by: params.printed_by.clone(),
        printed_at: params.now,
        confidentiality: store
            .setting(&Setting::PrintConfidentiality)?
            .unwrap_or_else(|| DEFAULT_CONFIDENTIALITY.into()),
        blocks: Vec::new(),
        chart: None,
    };
    match kind {
        Kind::Placements => estate::placements(store, params, &mut doc)?,
        Kind::Overcrowding => estate::overcrowding(store, params, &mut doc)?,
        Kind::Segregation => estate::segregation(store, params, &mut doc)?,
        Kind::Reviews => custody::reviews(store, params, &mut doc)?,
        Kind::Classification => custody::classification(store, params, &mut doc)?,
        Kind::Remand => custody::remand(store, params, &mut doc)?,
        Kind::Mandela => mandela::summary(store, params, &mut doc)?,
        Kind::Roster => rosters::programme_roster(store, params, &mut doc)?,
        Kind::Unlock => rosters::unlock_list(store, params, &mut doc)?,
        Kind::Attendance => rosters::attendance_sheets(store, params, &mut doc)?,
        Kind::Participation => rosters::participation(store, params, &mut doc)?,
        Kind::Timetable => rosters::timetable(store, params, &mut doc)?,
        Kind::PastRelease => release::past_release(store, params, &mut doc)?,
        Kind::Court => court::production(store, params, &mut doc)?,
        Kind::RemandLimit => court::remand_limit(store, params, &mut doc)?,
    }
    Ok(doc)
}

/// The service named in the setting; a demonstration database says which country profile it was built from.
fn service_name(store: &Store) -> Result<String> {
    if let Some(name) = store.setting(&Setting::ServiceName)? {
        return Ok(name);
    }
    Ok(match store.setting(&Setting::DemoCountry)? {
        Some(country) => format!("Demonstration data ({country})"),
        None => "Prison service".into(),
    })
}

/// N for the late-classification count: the setting if it is a sensible number of days, else 14.
pub fn classification_days(store: &Store) -> Result<i64> {
    Ok(store
        .setting(&Setting::ClassificationDays)?
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|d| (1..=365).contains(d))
        .unwrap_or(DEFAULT_CLASSIFICATION_DAYS))
}

/// The body of a report for the whole service as it stands at `now`, one string per line: what the report
/// screen shows and `warden report KIND` printed before page headers existed.
pub fn lines(store: &Store, kind: Kind, now: DateTime<Utc>) -> Result<Vec<String>> {
    Ok(plain::body(&build(
        store,
        kind,
        &Params::new(now, "warden"),
    )?))
}

fn paragraph(doc: &mut Document, s: impl Into<String>) {
    doc.blocks.push(Block::Paragraph(s.into()));
}

fn heading(doc: &mut Document, s: impl Into<String>) {
    doc.blocks.push(Block::Heading(s.into()));
}

fn table(doc: &mut Document, t: Table) {
    doc.blocks.push(Block::Table(t));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_parse_and_bad_ones_are_refused() {
        let (from, to) = parse_week("2026-W48").unwrap();
        assert_eq!(from.to_string(), "2026-11-23");
        assert_eq!(to.to_string(), "2026-11-29");
        assert_eq!(parse_week("2026w48"), parse_week("2026-W48"));
        for bad in [
            "2026-W54",
            "2026",
            "W48",
            "2026-Wxx",
            "",
            "2026-W0",
            "262143-W52",
            "-262144-W01",
        ] {
            assert_eq!(parse_week(bad), None, "{bad}");
        }
        assert_eq!(week_of(from + Duration::days(3)), (from, to));
    }
}
