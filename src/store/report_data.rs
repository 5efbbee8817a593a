//! What the custody reports read: reviews due, custody levels from final assessments, days on remand, ended
//! segregation that ran past the limit, and classification done late or not at all. Each query takes an optional
//! facility so a report can cover one prison or the whole service.

use super::assessment_decisions::DUE_ON_A;
use super::{Result, Store};
use chrono::{NaiveDate, NaiveDateTime};

/// A person's newest final assessment of a form whose review date has come or is coming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub number: String,
    pub name: String,
    pub facility: String,
    pub form_id: String,
    pub custody_level: Option<String>,
    pub next_review: NaiveDate,
}

/// How many reviews fall due at one facility: `due` by the day asked, `overdue` of them before today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCount {
    pub facility: String,
    pub due: u64,
    pub overdue: u64,
}

/// FROM and WHERE of the reviews due on or before `?1` (at facility `?2` if not NULL): each person's newest final
/// assessment of a form (custody levels count as one form), not sent back, due by its date or an earlier trigger.
/// CROSS JOIN keeps the assessments the outer loop: left to itself the planner walked everyone in custody and
/// looked for each one's assessments of each form (a supervisor's Home at sign-in, 130 to 330 ms on the national
/// demo; 10 to 15 ms of CPU this way).
const REVIEWS_SCOPE: &str = concat!(
    "FROM assessment a CROSS JOIN prisoner p ON p.id = a.prisoner_id
     LEFT JOIN facility f ON f.id = p.facility_id
     WHERE a.status = 'final' AND ",
    due_on!("a"),
    " <= ?1
       AND p.in_custody = 1 AND (?2 IS NULL OR p.facility_id = ?2)
       AND NOT EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = a.id)
       AND NOT EXISTS (
           SELECT 1 FROM assessment later
           WHERE later.prisoner_id = a.prisoner_id AND later.status = 'final' AND later.id > a.id
             AND NOT EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = later.id)
             AND (later.form_id = a.form_id
                  OR (later.custody_level IS NOT NULL AND a.custody_level IS NOT NULL)))"
);

/// People in custody at one facility by custody level (None: no final assessment set one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelCount {
    pub facility: String,
    pub level: Option<String>,
    pub people: u64,
    pub vep: u64,
}

/// Someone on remand now, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemandRow {
    pub facility: String,
    pub facility_name: String,
    pub admitted_at: NaiveDateTime,
}

/// A segregation placement that has ended, with who it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedSegregation {
    pub number: String,
    pub name: String,
    pub facility: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// People in custody, by facility, whose classification was not done within the allowed days of admission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LateClassification {
    pub facility: String,
    /// Admitted long enough ago and never classified.
    pub missing: u64,
    /// Classified, but later than allowed.
    pub late: u64,
}

/// One person in custody: is their classification missing, or was it late?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatePerson {
    pub facility: String,
    pub prisoner_id: i64,
    /// Admitted long enough ago and never classified.
    pub missing: bool,
    /// Classified, but later than allowed.
    pub late: bool,
}

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";

fn time(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<NaiveDateTime> {
    let s: String = r.get(idx)?;
    NaiveDateTime::parse_from_str(&s, TIME_FORMAT).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    })
}

/// A count from SQL (never negative).
fn count(r: &rusqlite::Row, idx: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, Option<i64>>(idx)?
        .unwrap_or(0)
        .max(0)
        .unsigned_abs())
}

/// The prisoner's name as reports print it: "Family, Given".
const NAME: &str =
    "p.family_name || CASE WHEN p.given_names = '' THEN '' ELSE ', ' || p.given_names END";

impl Store {
    /// Reviews on or before `by` for people in custody (at `facility` if given), earliest first: the same rule as
    /// `reviews_due` (only each person's newest final assessment of a form counts).
    pub fn review_rows(&self, by: NaiveDate, facility: Option<i64>) -> Result<Vec<ReviewRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT p.number, {NAME}, coalesce(f.code, '-'), a.form_id, a.custody_level, {DUE_ON_A}
             {REVIEWS_SCOPE} ORDER BY 6, p.number, a.id"
        ))?;
        let rows = stmt.query_map(rusqlite::params![by.to_string(), facility], |r| {
            let due: String = r.get(5)?;
            Ok(ReviewRow {
                number: r.get(0)?,
                name: r.get(1)?,
                facility: r.get(2)?,
                form_id: r.get(3)?,
                custody_level: r.get(4)?,
                next_review: NaiveDate::parse_from_str(&due, "%Y-%m-%d").map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        5,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reviews of the forms `forms` due by `by` per facility (the same rule as `review_rows`), the most overdue
    /// facility first.
    pub fn review_counts(
        &self,
        today: NaiveDate,
        by: NaiveDate,
        forms: &[&str],
    ) -> Result<Vec<ReviewCount>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT coalesce(f.code, '-'), count(*), sum({DUE_ON_A} < ?3) {REVIEWS_SCOPE}
               AND a.form_id IN (SELECT value FROM json_each(?4))
             GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1"
        ))?;
        let rows = stmt.query_map(
            rusqlite::params![
                by.to_string(),
                None::<i64>,
                today.to_string(),
                super::to_json(&forms)
            ],
            |r| {
                Ok(ReviewCount {
                    facility: r.get(0)?,
                    due: count(r, 1)?,
                    overdue: count(r, 2)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Head counts by facility and custody level, from each person's newest final assessment that set one.
    pub fn custody_levels(&self, facility: Option<i64>) -> Result<Vec<LevelCount>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.code,
                    (SELECT c.level FROM classification c WHERE c.prisoner_id = p.id
                     ORDER BY c.finalised_at DESC, c.id DESC LIMIT 1) AS level,
                    count(*), coalesce(sum(p.vep), 0)
             FROM prisoner p JOIN facility f ON f.id = p.facility_id
             WHERE p.in_custody = 1 AND (?1 IS NULL OR p.facility_id = ?1)
             GROUP BY f.code, level ORDER BY f.code, level",
        )?;
        let rows = stmt.query_map([facility], |r| {
            Ok(LevelCount {
                facility: r.get(0)?,
                level: r.get(1)?,
                people: count(r, 2)?,
                vep: count(r, 3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everyone on remand in custody, by facility code.
    pub fn remand_rows(&self, facility: Option<i64>) -> Result<Vec<RemandRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.code, f.name, p.admitted_at
             FROM prisoner p JOIN facility f ON f.id = p.facility_id
             WHERE p.in_custody = 1 AND p.legal_status = 'remand' AND (?1 IS NULL OR p.facility_id = ?1)
             ORDER BY f.code, p.admitted_at",
        )?;
        let rows = stmt.query_map([facility], |r| {
            Ok(RemandRow {
                facility: r.get(0)?,
                facility_name: r.get(1)?,
                admitted_at: time(2, r)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Segregation placements that ended on or after `since` and lasted more than `days` days, longest first.
    pub fn ended_segregations(
        &self,
        since: NaiveDate,
        days: i64,
        facility: Option<i64>,
    ) -> Result<Vec<EndedSegregation>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT p.number, {NAME}, coalesce(f.code, '-'), s.started_at, s.ended_at
             FROM segregation s JOIN prisoner p ON p.id = s.prisoner_id
             LEFT JOIN facility f ON f.id = p.facility_id
             WHERE s.ended_at IS NOT NULL AND s.ended_at >= ?1
               AND julianday(s.ended_at) - julianday(s.started_at) > ?2
               AND (?3 IS NULL OR p.facility_id = ?3)
             ORDER BY julianday(s.started_at) - julianday(s.ended_at), p.number"
        ))?;
        let rows = stmt.query_map(rusqlite::params![since.to_string(), days, facility], |r| {
            Ok(EndedSegregation {
                number: r.get(0)?,
                name: r.get(1)?,
                facility: r.get(2)?,
                start: time(3, r)?,
                end: time(4, r)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// By facility: people admitted more than `days` days before `today` with no final custody assessment, and
    /// people whose first one was done more than `days` days after admission.
    pub fn late_classifications(
        &self,
        today: NaiveDate,
        days: i64,
        facility: Option<i64>,
    ) -> Result<Vec<LateClassification>> {
        let mut by: std::collections::BTreeMap<String, LateClassification> = Default::default();
        for person in self.classification_lateness(today, days, facility)? {
            let line = by
                .entry(person.facility.clone())
                .or_insert_with(|| LateClassification {
                    facility: person.facility,
                    missing: 0,
                    late: 0,
                });
            line.missing += u64::from(person.missing);
            line.late += u64::from(person.late);
        }
        Ok(by.into_values().collect())
    }

    /// Everyone in custody with whether their classification is missing or was late: what
    /// [`Store::late_classifications`] counts, one row a person (the national roll-up counts a person held at two
    /// sites once).
    pub fn classification_lateness(
        &self,
        today: NaiveDate,
        days: i64,
        facility: Option<i64>,
    ) -> Result<Vec<LatePerson>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.code, p.id,
                    first_done IS NULL AND date(p.admitted_at, '+' || ?2 || ' days') < ?1,
                    first_done IS NOT NULL AND first_done > date(p.admitted_at, '+' || ?2 || ' days')
             FROM (SELECT p.*, (SELECT min(coalesce(a.assessed_on, substr(a.finalised_at, 1, 10)))
                                FROM assessment a JOIN classification c ON c.id = a.id
                                WHERE a.prisoner_id = p.id) AS first_done
                   FROM prisoner p WHERE p.in_custody = 1 AND (?3 IS NULL OR p.facility_id = ?3)) p
             JOIN facility f ON f.id = p.facility_id
             ORDER BY f.code, p.id",
        )?;
        let rows = stmt.query_map(rusqlite::params![today.to_string(), days, facility], |r| {
            Ok(LatePerson {
                facility: r.get(0)?,
                prisoner_id: r.get(1)?,
                missing: r.get(2)?,
                late: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
