//! Supervisors' alerts about where people are held (issue 17): younger than the minimum age in custody, a child
//! where no young unit is, held without a lawful place (Rule 11), turned 18 in a young unit. Worked out from
//! the register and the estate as they are, so nothing has to be remembered to raise or clear one.

use super::CachedSql as _;
use super::{Result, Store};
use crate::domain::allocate::lawful::{AlertKind, Held, Who, alerts, min_age};
use crate::domain::audit::{Deed, Entity};
use crate::domain::estate::Facility;
use crate::domain::prisoner::{ADULT_AGE, BirthDate};
use crate::domain::settings::Setting;
use chrono::{Datelike, NaiveDate};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::HashMap;

/// One alert about one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustodyAlert {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub age: i32,
    pub kind: AlertKind,
    /// Days since they turned 18 (for `TurnedAdult`), else since they arrived in the facility.
    pub days: i64,
}

/// Someone in custody without a cell, for the reports: where, how long, and whether any unit there may hold
/// them lawfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub age: i32,
    /// Days since they arrived in the facility (admission or transfer in).
    pub days: i64,
    /// Whether the facility has a unit that may lawfully hold them (Rule 11).
    pub lawful_place: bool,
}

impl Serialize for AlertKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// The day a person turned (or turns) 18; with a year of birth only, the first day of the year they are
/// counted 18 in (as `BirthDate::age_on` counts).
pub fn eighteenth_birthday(birth: BirthDate) -> Option<NaiveDate> {
    match birth {
        BirthDate::Exact(d) => d
            .with_year(d.year() + ADULT_AGE)
            .or_else(|| NaiveDate::from_ymd_opt(d.year() + ADULT_AGE, 3, 1)),
        BirthDate::YearOnly(y) => NaiveDate::from_ymd_opt(y + ADULT_AGE + 1, 1, 1),
    }
}

use crate::domain::prisoner::stored_birth as birth_of;

impl Store {
    /// The youngest age at which someone may be held without an alert (setting `min_age_in_custody`, default 12).
    pub fn min_age_in_custody(&self) -> Result<i32> {
        Ok(min_age(self.setting(&Setting::MinAgeInCustody)?.as_deref()))
    }

    /// Every alert about people in custody (in `facility_id`, or everywhere), most serious kind first, then the
    /// longest standing.
    pub fn custody_alerts(
        &self,
        facility_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<CustodyAlert>> {
        let min_age = self.min_age_in_custody()?;
        let units = super::estate::units_in(self.conn(), None)?;
        let by_id: HashMap<i64, &crate::domain::estate::Unit> =
            units.iter().map(|u| (u.id, u)).collect();
        let facilities: HashMap<i64, Facility> = self
            .facilities()?
            .into_iter()
            .map(|f| (f.facility.id, f.facility))
            .collect();
        // The latest decision per person is the one in force.
        let stays: std::collections::HashSet<i64> = self
            .conn()
            .prepare_cached(
                "SELECT a.prisoner_id FROM age_review a
                 WHERE a.id = (SELECT max(b.id) FROM age_review b WHERE b.prisoner_id = a.prisoner_id)
                   AND a.decision = 'stay'",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // Everyone in custody is checked, but only the few with an alert need their number, name and arrival:
        // those are read for them alone (on a national register this list is a supervisor's Home, at sign-in).
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.birth, p.sex, p.legal_status, p.facility_id, c.unit_id
             FROM prisoner p LEFT JOIN cell c ON c.id = p.cell_id
             WHERE p.in_custody = 1 AND p.facility_id IS NOT NULL AND (?1 IS NULL OR p.facility_id = ?1)",
        )?;
        let mut details = self.conn().prepare_cached(
            "SELECT p.number, p.family_name || ', ' || p.given_names,
                    (SELECT max(e.at) FROM custody_event e
                      WHERE e.prisoner_id = p.id AND e.kind IN ('admission', 'transfer-in'))
             FROM prisoner p WHERE p.id = ?1",
        )?;
        let mut rows = stmt.query([facility_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let birth: String = r.get(1)?;
            let sex: String = r.get(2)?;
            let status: String = r.get(3)?;
            let fid: i64 = r.get(4)?;
            let unit: Option<i64> = r.get(5)?;
            // Rows the register could not have written (checked columns) are skipped rather than fail Home.
            let (Some(birth), Some(sex), Some(status), Some(facility)) = (
                birth_of(&birth),
                crate::domain::estate::Sex::parse(&sex),
                crate::domain::estate::LegalStatus::parse(&status),
                facilities.get(&fid),
            ) else {
                continue;
            };
            let age = birth.age_on(today);
            let who = Who {
                sex,
                age: if age < ADULT_AGE {
                    crate::domain::estate::AgeGroup::Young
                } else {
                    crate::domain::estate::AgeGroup::Adult
                },
                status,
            };
            let held = Held {
                who,
                age,
                facility,
                unit: unit.and_then(|u| by_id.get(&u).copied()),
            };
            let mut kinds = alerts(&held, &units, min_age);
            // A supervisor's decision that they stay (in their best interests) ends the review; "move" keeps it
            // until they are moved.
            if kinds.contains(&AlertKind::TurnedAdult) && stays.contains(&id) {
                kinds.retain(|k| *k != AlertKind::TurnedAdult);
            }
            if kinds.is_empty() {
                continue;
            }
            let (number, name, arrived): (String, String, Option<String>) =
                details.query_row([id], |d| Ok((d.get(0)?, d.get(1)?, d.get(2)?)))?;
            let arrived = arrived
                .as_deref()
                .and_then(|a| a.get(..10))
                .and_then(|a| NaiveDate::parse_from_str(a, "%Y-%m-%d").ok());
            for kind in kinds {
                let since = match kind {
                    AlertKind::TurnedAdult => eighteenth_birthday(birth),
                    _ => arrived,
                };
                out.push(CustodyAlert {
                    prisoner_id: id,
                    number: number.clone(),
                    name: name.clone(),
                    facility: facility.code.clone(),
                    age,
                    kind,
                    days: since.map_or(0, |d| (today - d).num_days().max(0)),
                });
            }
        }
        for t in self.temporary_placements_due(facility_id, today)? {
            let (Some(facility), Some(age)) = (
                facilities.get(&t.facility_id),
                self.prisoner(t.prisoner_id)?
                    .map(|row| row.prisoner.birth.age_on(today)),
            ) else {
                continue;
            };
            out.push(CustodyAlert {
                prisoner_id: t.prisoner_id,
                number: t.number,
                name: t.name,
                facility: facility.code.clone(),
                age,
                kind: AlertKind::TemporaryDue,
                days: (today - t.review_by).num_days().max(0),
            });
        }
        out.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(b.days.cmp(&a.days))
                .then(a.number.cmp(&b.number))
        });
        Ok(out)
    }

    /// Everyone in custody held in a facility without a cell (in `facility_id`, or everywhere), in facility
    /// order, the longest waiting first: the reports list them so nobody drops out for want of a cell.
    pub fn held_without_a_cell(
        &self,
        facility_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<Waiting>> {
        let units = super::estate::units_in(self.conn(), None)?;
        let facilities: HashMap<i64, Facility> = self
            .facilities()?
            .into_iter()
            .map(|f| (f.facility.id, f.facility))
            .collect();
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, p.family_name || ', ' || p.given_names, p.birth, p.sex, p.legal_status,
                    p.facility_id,
                    (SELECT max(e.at) FROM custody_event e
                      WHERE e.prisoner_id = p.id AND e.kind IN ('admission', 'transfer-in'))
             FROM prisoner p
             WHERE p.in_custody = 1 AND p.cell_id IS NULL AND p.facility_id IS NOT NULL
               AND (?1 IS NULL OR p.facility_id = ?1)",
        )?;
        let mut rows = stmt.query([facility_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let birth: String = r.get(3)?;
            let sex: String = r.get(4)?;
            let status: String = r.get(5)?;
            let fid: i64 = r.get(6)?;
            let arrived: Option<String> = r.get(7)?;
            let Some(facility) = facilities.get(&fid) else {
                continue;
            };
            let birth = birth_of(&birth);
            let age = birth.map_or(ADULT_AGE, |b| b.age_on(today));
            // A record the register could not have written is taken as having no lawful place, so it shows.
            let lawful_place = match (
                crate::domain::estate::Sex::parse(&sex),
                crate::domain::estate::LegalStatus::parse(&status),
            ) {
                (Some(sex), Some(status)) => {
                    let who = Who {
                        sex,
                        age: if age < ADULT_AGE {
                            crate::domain::estate::AgeGroup::Young
                        } else {
                            crate::domain::estate::AgeGroup::Adult
                        },
                        status,
                    };
                    crate::domain::allocate::lawful::lawful_destination(&who, facility, &units)
                        .is_ok()
                }
                _ => false,
            };
            let arrived = arrived
                .as_deref()
                .and_then(|a| a.get(..10))
                .and_then(|a| NaiveDate::parse_from_str(a, "%Y-%m-%d").ok());
            out.push(Waiting {
                prisoner_id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                facility: facility.code.clone(),
                age,
                days: arrived.map_or(0, |d| (today - d).num_days().max(0)),
                lawful_place,
            });
        }
        out.sort_by(|a, b| {
            a.facility
                .cmp(&b.facility)
                .then(b.days.cmp(&a.days))
                .then(a.number.cmp(&b.number))
        });
        Ok(out)
    }
}

/// A supervisor's decision about someone who turned 18 in a young unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgeReview {
    pub decision: String,
    pub reason: String,
    pub decided_at: String,
    pub decided_by: String,
}

impl Store {
    /// Records whether someone who turned 18 in a young unit stays there (in their best interests) or is moved,
    /// with the reason, audited. Refused unless they are an adult now in a young unit.
    pub fn record_age_review(
        &mut self,
        actor: &super::Actor,
        prisoner_id: i64,
        stay: bool,
        reason: &str,
    ) -> Result<()> {
        use crate::domain::auth::{Need, Permission};
        let reason = reason.trim().to_string();
        self.write(
            actor,
            Need::To(Permission::OverrideAllocation),
            &format!("prisoner {prisoner_id}"),
            |tx| {
                // The age-review prompt's "reason" field, named in the text as the prompt labels it.
                let label = crate::i18n::t("age-review-field-reason");
                let refuse = |why: String| {
                    super::StoreError::invalid(
                        super::FieldError::new("reason", why).labelled(label.clone()),
                    )
                };
                if reason.is_empty() {
                    return Err(refuse(crate::i18n::t("age-review-reason-required")));
                }
                crate::domain::text::check("reason", &reason).map_err(|e| refuse(e.message))?;
                let today = tx.actor.at.date_naive();
                let found: Option<(String, Option<String>, bool)> = tx
                    .prepare_cached(
                        "SELECT p.birth, u.age_group, p.in_custody FROM prisoner p
                         LEFT JOIN cell c ON c.id = p.cell_id LEFT JOIN unit u ON u.id = c.unit_id
                         WHERE p.id = ?1",
                    )?
                    .query_row([prisoner_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                let due = found.is_some_and(|(birth, unit_age, in_custody)| {
                    in_custody
                        && unit_age.as_deref() == Some("young")
                        && birth_of(&birth).is_some_and(|b| b.age_on(today) >= ADULT_AGE)
                });
                if !due {
                    return Err(super::StoreError::invalid(crate::i18n::t(
                        "age-review-not-due",
                    )));
                }
                let review = AgeReview {
                    decision: if stay { "stay" } else { "move" }.into(),
                    reason: reason.clone(),
                    decided_at: super::time_text(tx.actor.at),
                    decided_by: tx.actor.name.clone(),
                };
                tx.execute_cached(
                    "INSERT INTO age_review(prisoner_id, decided_at, decision, reason, decided_by)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![
                        prisoner_id,
                        review.decided_at,
                        review.decision,
                        review.reason,
                        review.decided_by
                    ],
                )?;
                tx.audit::<(), _>(
                    Entity::Prisoner,
                    prisoner_id,
                    Deed::AgeReview,
                    None,
                    Some(&review),
                )?;
                Ok(())
            },
        )
    }

    /// Whether someone is due an age review: turned 18 in a young unit, with no decision that they stay.
    pub fn age_review_due(
        &self,
        prisoner_id: i64,
        facility_id: i64,
        today: NaiveDate,
    ) -> Result<bool> {
        Ok(self
            .custody_alerts(Some(facility_id), today)?
            .iter()
            .any(|a| a.prisoner_id == prisoner_id && a.kind == AlertKind::TurnedAdult))
    }
}
