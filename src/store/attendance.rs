//! Session registers and attendance marks, participation, and the week views built on them: a facility's
//! roster, a person's timetable and a unit's unlock list.

use super::rosters::{REFERRAL_SELECT, ReferralRow, read_referral};
use super::rows::word;
use super::{Actor, Result, Store, StoreError, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::roster::{
    CancelReason, Outcome, Participation, ReferralStatus, Session, check_outcome,
};
use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

pub(crate) fn participation_of(conn: &Connection, referral_id: i64) -> Result<Participation> {
    let mut p = Participation::default();
    let mut stmt = conn.prepare_cached("SELECT outcome FROM attendance WHERE referral_id = ?1")?;
    for outcome in stmt.query_map([referral_id], |r| word(Outcome::parse, 0, r))? {
        p.add(outcome?);
    }
    Ok(p)
}

/// One person on a session's register, with the mark if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterLine {
    pub referral: ReferralRow,
    pub outcome: Option<Outcome>,
    pub comment: String,
}

/// A session with its programme, whether it was cancelled, and who is in the group for it.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterSession {
    pub programme_id: i64,
    pub programme: String,
    pub code: String,
    pub room: String,
    pub facilitators: Vec<String>,
    pub session: Session,
    pub cancelled: Option<(CancelReason, String)>,
    pub members: Vec<ReferralRow>,
}

/// A line of an unlock list: who leaves the unit, when, to where, and what officers must know.
#[derive(Debug, Clone, PartialEq)]
pub struct UnlockLine {
    pub session: Session,
    pub programme: String,
    pub room: String,
    pub person: ReferralRow,
    pub alerts: Vec<String>,
}

/// Participation of each member of a programme (allocated, completed or withdrawn).
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipationLine {
    pub referral: ReferralRow,
    pub participation: Participation,
}

/// Members of a programme on a date: allocated by then, or holding a mark for a session that day.
fn members_on(
    conn: &Connection,
    programme_id: i64,
    on: NaiveDate,
    slot_id: i64,
) -> Result<Vec<ReferralRow>> {
    let rows = conn
        .prepare_cached(&format!(
            "{REFERRAL_SELECT} WHERE r.programme_id = ?1 AND (
                 (r.status = 'allocated' AND r.allocated_on <= ?2)
                 OR EXISTS (SELECT 1 FROM attendance a WHERE a.referral_id = r.id AND a.slot_id = ?3
                            AND a.on_date = ?2))
             ORDER BY p.sort_key, p.number"
        ))?
        .query_map(
            params![programme_id, on.to_string(), slot_id],
            read_referral,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

impl Store {
    /// The register of one session: every member with their mark so far.
    pub fn session_register(&self, slot_id: i64, on: NaiveDate) -> Result<Vec<RegisterLine>> {
        let programme_id: i64 = self
            .conn()
            .prepare_cached("SELECT programme_id FROM programme_slot WHERE id = ?1")?
            .query_row([slot_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| invalid(format!("no session slot with id {slot_id}")))?;
        let members = members_on(self.conn(), programme_id, on, slot_id)?;
        let mut marks: HashMap<i64, (Outcome, String)> = HashMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT referral_id, outcome, comment FROM attendance WHERE slot_id = ?1 AND on_date = ?2",
        )?;
        for row in stmt.query_map(params![slot_id, on.to_string()], |r| {
            Ok((r.get(0)?, (word(Outcome::parse, 1, r)?, r.get(2)?)))
        })? {
            let (id, mark) = row?;
            marks.insert(id, mark);
        }
        Ok(members
            .into_iter()
            .map(|referral| {
                let (outcome, comment) = match marks.remove(&referral.id) {
                    Some((o, c)) => (Some(o), c),
                    None => (None, String::new()),
                };
                RegisterLine {
                    referral,
                    outcome,
                    comment,
                }
            })
            .collect())
    }

    /// Saves marks for one session in one transaction. Each referral must be on the session's register; a
    /// session in the future or cancelled cannot be marked.
    pub fn mark_attendance(
        &mut self,
        actor: &Actor,
        slot_id: i64,
        on: NaiveDate,
        marks: &[(i64, Outcome, String)],
    ) -> Result<()> {
        for (_, outcome, comment) in marks {
            check_outcome(*outcome, comment).map_err(invalid)?;
        }
        if on > actor.at.date_naive() {
            return Err(invalid(format!("the session on {on} has not happened yet")));
        }
        self.write(actor, Need::To(Permission::RecordAttendance), &format!("session {slot_id} on {on}"), |tx| {
            let programme_id: i64 = tx
                .prepare_cached("SELECT programme_id FROM programme_slot WHERE id = ?1")?
                .query_row([slot_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| invalid(format!("no session slot with id {slot_id}")))?;
            let cancelled: bool = tx
                .prepare_cached(
                    "SELECT EXISTS(SELECT 1 FROM session_cancelled WHERE slot_id = ?1 AND on_date = ?2)",
                )?
                .query_row(params![slot_id, on.to_string()], |r| r.get(0))?;
            if cancelled {
                return Err(invalid("this session was cancelled; nothing to mark"));
            }
            let p = super::rosters::programme_in(tx, programme_id)?;
            if p.sessions(on, on).iter().all(|s| s.slot_id != slot_id) {
                return Err(invalid(format!("{} has no session in that slot on {on}", p.name)));
            }
            let members: Vec<i64> = members_on(tx, programme_id, on, slot_id)?
                .iter()
                .map(|r| r.id)
                .collect();
            for (referral_id, outcome, comment) in marks {
                if !members.contains(referral_id) {
                    return Err(invalid(format!(
                        "referral {referral_id} is not on this session's register"
                    )));
                }
                let before: Option<(String, String)> = tx
                    .prepare_cached(
                        "SELECT outcome, comment FROM attendance
                         WHERE referral_id = ?1 AND slot_id = ?2 AND on_date = ?3",
                    )?
                    .query_row(params![referral_id, slot_id, on.to_string()], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?;
                tx.prepare_cached(
                    "INSERT INTO attendance(referral_id, slot_id, on_date, outcome, comment, marked_at, marked_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT(referral_id, slot_id, on_date) DO UPDATE SET outcome = excluded.outcome,
                         comment = excluded.comment, marked_at = excluded.marked_at, marked_by = excluded.marked_by",
                )?
                .execute(params![
                    referral_id,
                    slot_id,
                    on.to_string(),
                    outcome.as_str(),
                    comment.trim(),
                    time_text(actor.at),
                    actor.name
                ])?;
                tx.audit(
                    Entity::Attendance,
                    format!("{referral_id}:{slot_id}:{on}"),
                    Deed::Mark,
                    before.as_ref(),
                    Some(&(outcome.as_str(), comment.trim())),
                )?;
            }
            Ok(())
        })
    }

    /// Every session of the facility's programmes in the week starting `monday`, in time order, with the
    /// members and cancellations.
    pub fn weekly_roster(&self, facility_id: i64, monday: NaiveDate) -> Result<Vec<RosterSession>> {
        let sunday = monday + Duration::days(6);
        let (from, to) = (monday.to_string(), sunday.to_string());
        // Three queries for the whole facility, not one per session: a national facility's week has a hundred
        // sessions and a thousand places.
        let mut cancelled: HashMap<(i64, NaiveDate), (CancelReason, String)> = HashMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT x.slot_id, x.on_date, x.reason, x.comment FROM session_cancelled x
             JOIN programme_slot s ON s.id = x.slot_id JOIN programme g ON g.id = s.programme_id
             WHERE g.facility_id = ?1 AND x.on_date BETWEEN ?2 AND ?3",
        )?;
        for row in stmt.query_map(params![facility_id, from, to], |r| {
            Ok((
                (r.get(0)?, super::rows::date(1, r)?),
                (word(CancelReason::parse, 2, r)?, r.get(3)?),
            ))
        })? {
            let (key, value) = row?;
            cancelled.insert(key, value);
        }
        let mut marked: std::collections::HashSet<(i64, i64, NaiveDate)> = Default::default();
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.referral_id, a.slot_id, a.on_date FROM attendance a
             JOIN programme_slot s ON s.id = a.slot_id JOIN programme g ON g.id = s.programme_id
             WHERE g.facility_id = ?1 AND a.on_date BETWEEN ?2 AND ?3",
        )?;
        for row in stmt.query_map(params![facility_id, from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, super::rows::date(2, r)?))
        })? {
            marked.insert(row?);
        }
        let mut members: HashMap<i64, Vec<ReferralRow>> = HashMap::new();
        let mut stmt = self.conn().prepare_cached(&format!(
            "{REFERRAL_SELECT} WHERE g.facility_id = ?1 AND g.ends_on >= ?2 AND g.starts_on <= ?3
               AND (r.status = 'allocated' OR EXISTS (SELECT 1 FROM attendance a WHERE a.referral_id = r.id
                                                      AND a.on_date BETWEEN ?2 AND ?3))
             ORDER BY p.sort_key, p.number"
        ))?;
        for row in stmt.query_map(params![facility_id, from, to], read_referral)? {
            let row = row?;
            members.entry(row.programme_id).or_default().push(row);
        }
        let mut out = Vec::new();
        for p in self.programmes(facility_id, Some(monday))? {
            if p.starts_on > sunday {
                continue;
            }
            let group = members.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            for s in p.sessions(monday, sunday) {
                let on_register = |r: &&ReferralRow| {
                    (r.status == ReferralStatus::Allocated
                        && r.allocated_on.is_some_and(|a| a <= s.date))
                        || marked.contains(&(r.id, s.slot_id, s.date))
                };
                out.push(RosterSession {
                    programme_id: p.id,
                    programme: p.name.clone(),
                    code: p.code.clone(),
                    room: p.room.clone(),
                    facilitators: p.facilitators.clone(),
                    session: s,
                    cancelled: cancelled.get(&(s.slot_id, s.date)).cloned(),
                    members: group.iter().filter(on_register).cloned().collect(),
                });
            }
        }
        out.sort_by(|a, b| {
            a.session
                .cmp(&b.session)
                .then(a.programme.cmp(&b.programme))
        });
        Ok(out)
    }

    /// A person's programme sessions in the week starting `monday`, with cancellations, and their court dates
    /// that week.
    pub fn timetable(
        &self,
        prisoner_id: i64,
        monday: NaiveDate,
    ) -> Result<(Vec<RosterSession>, Vec<NaiveDate>)> {
        let sunday = monday + Duration::days(6);
        let mut out = Vec::new();
        for r in self.referrals_of(prisoner_id)? {
            if r.status != ReferralStatus::Allocated {
                continue;
            }
            let p = self.programme(r.programme_id)?;
            let cancelled = self.cancelled_sessions(p.id, monday, sunday)?;
            for s in p.sessions(monday, sunday) {
                if r.allocated_on.is_some_and(|a| a > s.date) {
                    continue;
                }
                out.push(RosterSession {
                    programme_id: p.id,
                    programme: p.name.clone(),
                    code: p.code.clone(),
                    room: p.room.clone(),
                    facilitators: p.facilitators.clone(),
                    session: s,
                    cancelled: cancelled.get(&(s.slot_id, s.date)).cloned(),
                    members: Vec::new(),
                });
            }
        }
        out.sort_by_key(|s| s.session);
        let court: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT json_extract(details, '$.court_dates') FROM prisoner WHERE id = ?1",
            )?
            .query_row([prisoner_id], |r| r.get(0))
            .optional()?
            .flatten();
        let court = super::rows::json_list::<String>(court)
            .iter()
            .filter_map(|d| super::rows::parse_date(d))
            .filter(|d| (monday..=sunday).contains(d))
            .collect();
        Ok((out, court))
    }

    /// Who must be let out of a unit on a day (every unit of the facility when `unit_id` is none), to which
    /// session, with alerts: medical flags, and anyone else unlocked at an overlapping time they must be kept
    /// apart from.
    pub fn unlock_list(
        &self,
        facility_id: i64,
        unit_id: Option<i64>,
        on: NaiveDate,
    ) -> Result<Vec<UnlockLine>> {
        let sessions = self.weekly_roster(facility_id, on)?;
        let unit_code: Option<String> = match unit_id {
            Some(id) => Some(
                self.conn()
                    .prepare_cached("SELECT code FROM unit WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| invalid(format!("no unit with id {id}")))?,
            ),
            None => None,
        };
        let todays: Vec<&RosterSession> = sessions
            .iter()
            .filter(|s| s.session.date == on && s.cancelled.is_none())
            .collect();
        // Everyone out today, their medical flags and the non-associations among them, read once for the list.
        let mut people: HashMap<i64, &ReferralRow> = HashMap::new();
        for rs in &todays {
            for m in &rs.members {
                people.insert(m.prisoner_id, m);
            }
        }
        let ids: Vec<i64> = people.keys().copied().collect();
        let ids_json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
        let medical: std::collections::HashSet<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM prisoner WHERE medical_alert = 1 AND id IN (SELECT value FROM json_each(?1))",
            )?
            .query_map([ids_json], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let apart = self.non_associations_among(&ids, on)?;
        let mut out = Vec::new();
        for rs in &todays {
            for person in &rs.members {
                if unit_code.is_some() && person.unit != unit_code {
                    continue;
                }
                let mut alerts = Vec::new();
                if medical.contains(&person.prisoner_id) {
                    alerts.push("medical alert".to_string());
                }
                let moving_with: Vec<i64> = todays
                    .iter()
                    .filter(|o| {
                        o.session.starts < rs.session.ends && rs.session.starts < o.session.ends
                    })
                    .flat_map(|o| o.members.iter().map(|m| m.prisoner_id))
                    .filter(|id| *id != person.prisoner_id)
                    .collect();
                for na in &apart {
                    let Some((other, _)) = na.other(person.prisoner_id) else {
                        continue;
                    };
                    if let Some(o) = people.get(&other).filter(|_| moving_with.contains(&other)) {
                        alerts.push(format!("keep apart from {} {}", o.number, o.name));
                    }
                }
                out.push(UnlockLine {
                    session: rs.session,
                    programme: rs.programme.clone(),
                    room: rs.room.clone(),
                    person: person.clone(),
                    alerts,
                });
            }
        }
        out.sort_by(|a, b| {
            (
                a.session.starts,
                &a.person.unit,
                &a.person.cell,
                &a.person.number,
            )
                .cmp(&(
                    b.session.starts,
                    &b.person.unit,
                    &b.person.cell,
                    &b.person.number,
                ))
        });
        Ok(out)
    }

    /// Participation of everyone who has held a place in the programme, by name.
    pub fn programme_participation(&self, programme_id: i64) -> Result<Vec<ParticipationLine>> {
        let rows: Vec<ReferralRow> = self
            .conn()
            .prepare_cached(&format!(
                "{REFERRAL_SELECT} WHERE r.programme_id = ?1 AND r.allocated_on IS NOT NULL
                 ORDER BY p.sort_key, p.number"
            ))?
            .query_map([programme_id], read_referral)?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for referral in rows {
            out.push(ParticipationLine {
                participation: participation_of(self.conn(), referral.id)?,
                referral,
            });
        }
        Ok(out)
    }

    /// Participation in each programme a person has held a place in, newest first.
    pub fn participation_of_prisoner(&self, prisoner_id: i64) -> Result<Vec<ParticipationLine>> {
        let mut out = Vec::new();
        for referral in self.referrals_of(prisoner_id)? {
            if referral.allocated_on.is_none() {
                continue;
            }
            out.push(ParticipationLine {
                participation: participation_of(self.conn(), referral.id)?,
                referral,
            });
        }
        Ok(out)
    }
}

impl Store {
    /// For each of a facility's programmes: places taken and people waiting (referred or waitlisted).
    pub fn programme_counts(&self, facility_id: i64) -> Result<HashMap<i64, (u32, u32)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT g.id, sum(r.status = 'allocated'), sum(r.status IN ('referred','waitlisted'))
             FROM programme g LEFT JOIN referral r ON r.programme_id = g.id
             WHERE g.facility_id = ?1 GROUP BY g.id",
        )?;
        let rows = stmt.query_map([facility_id], |r| {
            Ok((
                r.get(0)?,
                (
                    r.get::<_, Option<u32>>(1)?.unwrap_or(0),
                    r.get::<_, Option<u32>>(2)?.unwrap_or(0),
                ),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// The facility whose programmes a catalogue opens on: the first by code with a programme not yet ended.
    pub fn first_programme_facility(&self, today: NaiveDate) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT f.id FROM facility f WHERE EXISTS
                   (SELECT 1 FROM programme g WHERE g.facility_id = f.id AND g.ends_on >= ?1)
                 ORDER BY f.code LIMIT 1",
            )?
            .query_row([today.to_string()], |r| r.get(0))
            .optional()?)
    }
}
