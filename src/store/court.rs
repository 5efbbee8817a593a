//! Remand and court in SQL (issue 17 item 6): the day's court production list (who goes to which court, from the
//! register's court dates and the courts on their cases), each person's next court date, the remand limits
//! setting, and the cases on remand held past their limit.

use super::CachedSql as _;
use super::cases::cases_of;
use super::{Actor, Result, Store, StoreError};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::prisoner::BirthDate;
use crate::domain::sentence::{self, CourtFor, OffenceClass, OverLimit, RemandLimits};
use crate::domain::settings::Setting;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// One person on a day's court production list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourtLine {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub unit: Option<String>,
    pub cell: Option<String>,
    pub court: CourtFor,
    pub under_18: bool,
    pub medical_alert: bool,
    /// Prison numbers of people on the same day's list this person must be kept apart from.
    pub keep_apart: Vec<String>,
}

/// A case on remand held past the limit for its offence class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemandOver {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub case: String,
    pub court: String,
    pub class: OffenceClass,
    pub committed: NaiveDate,
    pub over: OverLimit,
}

/// The remand-limit report's figures: the cases over their limit, and who could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemandLimitCheck {
    pub limits: RemandLimits,
    /// People in custody on remand (legal status) in the part of the estate asked about.
    pub on_remand: usize,
    /// Of those, people with no case on remand recorded: no class, so no limit can be applied.
    pub without_cases: usize,
    /// Longest over first.
    pub over: Vec<RemandOver>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub(super) fn limits_of(conn: &Connection) -> Result<RemandLimits> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
        .query_row([Setting::RemandLimits.key()], |r| r.get(0))
        .optional()?;
    RemandLimits::parse(text.as_deref().unwrap_or("")).map_err(StoreError::invalid)
}

/// The register's court dates of a person, from the record's details.
fn court_dates(conn: &Connection, prisoner_id: i64) -> Result<(Vec<NaiveDate>, String)> {
    let (dates, authority): (Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT json_extract(details, '$.court_dates'), json_extract(details, '$.committing_authority')
             FROM prisoner WHERE id = ?1",
        )?
        .query_row([prisoner_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None));
    let dates = super::rows::json_list::<String>(dates)
        .iter()
        .filter_map(|d| date(d))
        .collect();
    Ok((dates, authority.unwrap_or_default()))
}

impl Store {
    /// The station's remand limits; none where the service has set none.
    pub fn remand_limits(&self) -> Result<RemandLimits> {
        limits_of(self.conn())
    }

    /// Sets the station's remand limits (administrators), with an audit row.
    pub fn set_remand_limits(&mut self, actor: &Actor, limits: &RemandLimits) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::ConfigureStation),
            "remand limits",
            |tx| {
                let before = limits_of(tx)?;
                tx.execute_cached(
                    "INSERT INTO setting(key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [Setting::RemandLimits.key().as_ref(), limits.text().as_str()],
                )?;
                tx.audit(
                    Entity::Setting,
                    "remand limits",
                    Deed::Set,
                    Some(&before),
                    Some(limits),
                )
            },
        )
    }

    /// A person's next court date from `today` and the court they go to then; None without one.
    pub fn next_court(
        &self,
        prisoner_id: i64,
        today: NaiveDate,
    ) -> Result<Option<(NaiveDate, CourtFor)>> {
        let (dates, authority) = court_dates(self.conn(), prisoner_id)?;
        let Some(day) = sentence::next_court_date(&dates, today) else {
            return Ok(None);
        };
        let cases = cases_of(self.conn(), prisoner_id)?;
        Ok(Some((day, sentence::court_for(&cases, &authority, day))))
    }

    /// Everyone in custody with a court date on `day`, one facility or all, by court then prison number.
    pub fn court_production(
        &self,
        facility_id: Option<i64>,
        day: NaiveDate,
    ) -> Result<Vec<CourtLine>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, p.family_name || ', ' || p.given_names, coalesce(f.code, ''), u.code, c.code,
                    p.birth, p.medical_alert, json_extract(p.details, '$.committing_authority')
             FROM prisoner p LEFT JOIN facility f ON f.id = p.facility_id
             LEFT JOIN cell c ON c.id = p.cell_id LEFT JOIN unit u ON u.id = c.unit_id
             WHERE p.in_custody = 1 AND (?2 IS NULL OR p.facility_id = ?2)
               AND EXISTS (SELECT 1 FROM json_each(p.details, '$.court_dates') WHERE value = ?1)",
        )?;
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            bool,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map(rusqlite::params![day.to_string(), facility_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut lines = Vec::with_capacity(rows.len());
        for (id, number, name, facility, unit, cell, birth, medical, authority) in rows {
            let cases = cases_of(self.conn(), id)?;
            let birth = if birth.len() == 4 {
                birth.parse().ok().map(BirthDate::YearOnly)
            } else {
                date(&birth).map(BirthDate::Exact)
            };
            let keep_apart = self.kept_apart_among(id, &ids)?;
            lines.push(CourtLine {
                prisoner_id: id,
                number,
                name,
                facility,
                unit,
                cell,
                court: sentence::court_for(&cases, authority.as_deref().unwrap_or(""), day),
                under_18: birth.is_some_and(|b| b.age_on(day) < 18),
                medical_alert: medical,
                keep_apart,
            });
        }
        lines.sort_by(|a, b| {
            (a.court.court.to_lowercase(), &a.number)
                .cmp(&(b.court.court.to_lowercase(), &b.number))
        });
        Ok(lines)
    }

    /// Prison numbers of the people in `among` whom `id` must be kept apart from (open records).
    fn kept_apart_among(&self, id: i64, among: &[i64]) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT CASE WHEN n.first_id = ?1 THEN n.second_id ELSE n.first_id END, p.number
             FROM non_association n
             JOIN prisoner p ON p.id = CASE WHEN n.first_id = ?1 THEN n.second_id ELSE n.first_id END
             WHERE n.closed_at IS NULL AND (n.first_id = ?1 OR n.second_id = ?1)
             ORDER BY p.number",
        )?;
        let others = stmt.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for other in others {
            let (other, number) = other?;
            if among.contains(&other) {
                out.push(number);
            }
        }
        Ok(out)
    }

    /// The cases of people on remand held past their class's limit on `today`, longest over first, with how many
    /// were checked and how many have no case to check.
    pub fn remand_limit_check(
        &self,
        facility_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<RemandLimitCheck> {
        let limits = limits_of(self.conn())?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, p.family_name || ', ' || p.given_names, coalesce(f.code, '')
             FROM prisoner p LEFT JOIN facility f ON f.id = p.facility_id
             WHERE p.in_custody = 1 AND p.legal_status = 'remand' AND (?1 IS NULL OR p.facility_id = ?1)
             ORDER BY p.number",
        )?;
        let people: Vec<(i64, String, String, String)> = stmt
            .query_map([facility_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut check = RemandLimitCheck {
            limits,
            on_remand: people.len(),
            without_cases: 0,
            over: Vec::new(),
        };
        for (id, number, name, facility) in people {
            let cases = cases_of(self.conn(), id)?;
            if !cases.iter().any(|c| c.sentence.is_none()) {
                check.without_cases += 1;
                continue;
            }
            for c in &cases {
                if let Some(over) = sentence::over_limit(c, &limits, today) {
                    check.over.push(RemandOver {
                        prisoner_id: id,
                        number: number.clone(),
                        name: name.clone(),
                        facility: facility.clone(),
                        case: c.warrant.reference.clone(),
                        court: c.warrant.court.clone(),
                        class: c.class,
                        committed: c.committed,
                        over,
                    });
                }
            }
        }
        check
            .over
            .sort_by(|a, b| b.over.over.cmp(&a.over.over).then(a.number.cmp(&b.number)));
        Ok(check)
    }
}
