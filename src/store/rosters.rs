//! Programmes, their weekly slots and cancelled sessions, and referrals from suggestion to completion, in SQL.
//! The allocation checks are decided in `domain::roster::checks`; here they are fed, and re-run inside the
//! writing transaction so two stations cannot both take the last place.

use super::rows::{date, json_list, opt_date, time, word};
use super::{Actor, Result, Store, StoreError, Tx, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::Need;
use crate::domain::auth::{Permission, allows};
use crate::domain::roster::checks::{
    Candidate, Commitment, Group, Member, Verdict, check_allocation, edit_breaks,
};
use crate::domain::roster::{
    CancelReason, Category, Participation, Programme, ReferralStatus, Slot, check_reason,
    transition,
};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

const PROGRAMME_COLUMNS: &str =
    "id, facility_id, code, name, category, provider, facilitators, room, capacity,
     starts_on, ends_on, eligibility, completion_percent, vep_share_percent";

fn read_programme(r: &rusqlite::Row) -> rusqlite::Result<Programme> {
    let eligibility: String = r.get(11)?;
    Ok(Programme {
        id: r.get(0)?,
        facility_id: r.get(1)?,
        code: r.get(2)?,
        name: r.get(3)?,
        category: word(Category::parse, 4, r)?,
        provider: r.get(5)?,
        facilitators: json_list(r.get(6)?),
        room: r.get(7)?,
        capacity: r.get(8)?,
        starts_on: date(9, r)?,
        ends_on: date(10, r)?,
        eligibility: serde_json::from_str(&eligibility).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, e.into())
        })?,
        completion_percent: r.get(12)?,
        vep_share_percent: r.get(13)?,
        slots: Vec::new(),
    })
}

/// Fills in the slots of one facility's programmes with one query (the facility's slots only: a national
/// register has thousands).
fn with_slots(
    conn: &Connection,
    facility_id: i64,
    mut programmes: Vec<Programme>,
) -> Result<Vec<Programme>> {
    let index: HashMap<i64, usize> = programmes
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT s.programme_id, s.id, s.weekday, s.starts, s.ends FROM programme_slot s
         JOIN programme g ON g.id = s.programme_id WHERE g.facility_id = ?1 ORDER BY s.weekday, s.starts",
    )?;
    let rows = stmt.query_map([facility_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Slot {
                id: r.get(1)?,
                weekday: r.get(2)?,
                starts: time(3, r)?,
                ends: time(4, r)?,
            },
        ))
    })?;
    for row in rows {
        let (programme, slot) = row?;
        if let Some(&i) = index.get(&programme) {
            programmes[i].slots.push(slot);
        }
    }
    Ok(programmes)
}

/// A referral as lists show it: the person, where they live, and where the referral stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub id: i64,
    pub programme_id: i64,
    pub programme: String,
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub unit: Option<String>,
    pub cell: Option<String>,
    pub vep: bool,
    pub expected_release: Option<NaiveDate>,
    pub status: ReferralStatus,
    pub need: Option<String>,
    pub referred_on: NaiveDate,
    pub allocated_on: Option<NaiveDate>,
    pub override_reason: Option<String>,
    pub updated_by: String,
    /// The person's date of birth, for the age the group lists show; None only for a value the register could
    /// not have written.
    pub birth: Option<crate::domain::prisoner::BirthDate>,
}

pub(crate) const REFERRAL_SELECT: &str = "SELECT r.id, r.programme_id, g.name, r.prisoner_id, p.number,
        p.family_name || ' ' || p.given_names, u.code, c.code, p.vep, p.expected_release, r.status, r.need,
        r.referred_on, r.allocated_on, r.override_reason, r.updated_by, p.birth
     FROM referral r JOIN programme g ON g.id = r.programme_id JOIN prisoner p ON p.id = r.prisoner_id
     LEFT JOIN cell c ON c.id = p.cell_id AND p.in_custody = 1 LEFT JOIN unit u ON u.id = c.unit_id";

pub(crate) fn read_referral(r: &rusqlite::Row) -> rusqlite::Result<ReferralRow> {
    Ok(ReferralRow {
        id: r.get(0)?,
        programme_id: r.get(1)?,
        programme: r.get(2)?,
        prisoner_id: r.get(3)?,
        number: r.get(4)?,
        name: r.get(5)?,
        unit: r.get(6)?,
        cell: r.get(7)?,
        vep: r.get(8)?,
        expected_release: opt_date(9, r)?,
        status: word(ReferralStatus::parse, 10, r)?,
        need: r.get(11)?,
        referred_on: date(12, r)?,
        allocated_on: opt_date(13, r)?,
        override_reason: r.get(14)?,
        updated_by: r.get(15)?,
        birth: crate::domain::prisoner::stored_birth(&r.get::<_, String>(16)?),
    })
}

/// A programme suggested for someone, and the need that suggests it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub programme: Programme,
    pub need: String,
}

/// One line of a referral's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEvent {
    pub at: String,
    pub by: String,
    pub status: ReferralStatus,
    pub reason: String,
}

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// The finding names of the person's newest final needs screen.
pub(crate) fn needs_of(conn: &Connection, prisoner_id: i64) -> Result<Vec<String>> {
    let findings: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT findings FROM assessment WHERE prisoner_id = ?1 AND form_id = 'needs_screen'
               AND status = 'final' ORDER BY finalised_at DESC, id DESC LIMIT 1",
        )?
        .query_row([prisoner_id], |r| r.get(0))
        .optional()?;
    Ok(json_list(findings.flatten()))
}

pub(crate) fn programme_in(conn: &Connection, id: i64) -> Result<Programme> {
    let p = conn
        .prepare_cached(&format!(
            "SELECT {PROGRAMME_COLUMNS} FROM programme WHERE id = ?1"
        ))?
        .query_row([id], read_programme)
        .optional()?
        .ok_or_else(|| invalid(format!("no programme with id {id}")))?;
    let mut p = with_slots_of(conn, p)?;
    p.slots.sort_by_key(|s| (s.weekday, s.starts));
    Ok(p)
}

fn with_slots_of(conn: &Connection, mut p: Programme) -> Result<Programme> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, weekday, starts, ends FROM programme_slot WHERE programme_id = ?1 ORDER BY weekday, starts",
    )?;
    p.slots = stmt
        .query_map([p.id], |r| {
            Ok(Slot {
                id: r.get(0)?,
                weekday: r.get(1)?,
                starts: time(2, r)?,
                ends: time(3, r)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(p)
}

/// Everything the allocation checks need about the person and the group, read through one connection (inside
/// the writing transaction when allocating).
pub(crate) fn allocation_facts(
    conn: &Connection,
    programme: &Programme,
    prisoner_id: i64,
    today: NaiveDate,
) -> Result<(Candidate, Group)> {
    let (mover, _, in_custody) = super::allocation::load_mover(conn, prisoner_id, today)?
        .ok_or_else(|| invalid(format!("no prisoner with id {prisoner_id}")))?;
    if !in_custody {
        return Err(invalid("this person is no longer in custody"));
    }
    let (unit, release, court): (Option<String>, Option<NaiveDate>, Option<String>) = conn
        .prepare_cached(
            "SELECT u.code, p.expected_release, json_extract(p.details, '$.court_dates')
             FROM prisoner p LEFT JOIN cell c ON c.id = p.cell_id LEFT JOIN unit u ON u.id = c.unit_id
             WHERE p.id = ?1",
        )?
        .query_row([prisoner_id], |r| Ok((r.get(0)?, opt_date(1, r)?, r.get(2)?)))?;
    let mut commitments = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT g.name, g.starts_on, g.ends_on, s.id, s.weekday, s.starts, s.ends
         FROM referral r JOIN programme g ON g.id = r.programme_id JOIN programme_slot s ON s.programme_id = g.id
         WHERE r.prisoner_id = ?1 AND r.status = 'allocated' AND r.programme_id <> ?2",
    )?;
    for row in stmt.query_map(params![prisoner_id, programme.id], |r| {
        Ok(Commitment {
            programme: r.get(0)?,
            starts_on: date(1, r)?,
            ends_on: date(2, r)?,
            slot: Slot {
                id: r.get(3)?,
                weekday: r.get(4)?,
                starts: time(5, r)?,
                ends: time(6, r)?,
            },
        })
    })? {
        commitments.push(row?);
    }
    let candidate = Candidate {
        prisoner_id,
        sex: mover.sex,
        age: mover.age,
        legal: mover.status,
        custody: mover.custody,
        vep: mover.vep,
        unit,
        needs: needs_of(conn, prisoner_id)?,
        expected_release: release,
        court_dates: json_list::<String>(court)
            .iter()
            .filter_map(|d| super::rows::parse_date(d))
            .collect(),
        commitments,
    };
    let (allocated, veps): (u32, u32) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(p.vep), 0) FROM referral r JOIN prisoner p ON p.id = r.prisoner_id
             WHERE r.programme_id = ?1 AND r.status = 'allocated' AND r.prisoner_id <> ?2",
        )?
        .query_row(params![programme.id, prisoner_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut stmt = conn.prepare_cached(
        "SELECT o.number, o.family_name || ' ' || o.given_names
         FROM referral r JOIN prisoner o ON o.id = r.prisoner_id
         JOIN non_association na ON na.closed_at IS NULL AND na.start <= ?3
              AND (na.expiry IS NULL OR na.expiry >= ?3)
              AND ((na.first_id = ?2 AND na.second_id = r.prisoner_id)
                OR (na.second_id = ?2 AND na.first_id = r.prisoner_id))
         WHERE r.programme_id = ?1 AND r.status = 'allocated'
         ORDER BY o.number",
    )?;
    let keep_apart = stmt
        .query_map(params![programme.id, prisoner_id, today.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((
        candidate,
        Group {
            allocated,
            veps,
            keep_apart,
        },
    ))
}

fn referral_status(tx: &Tx, id: i64) -> Result<(ReferralStatus, i64, i64)> {
    tx.prepare_cached("SELECT status, programme_id, prisoner_id FROM referral WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((word(ReferralStatus::parse, 0, r)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| invalid(format!("no referral with id {id}")))
}

fn record_event(tx: &Tx, id: i64, status: ReferralStatus, reason: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO referral_event(referral_id, at, by, status, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id,
        time_text(tx.actor.at),
        tx.actor.name,
        status.as_str(),
        reason.trim()
    ])?;
    Ok(())
}

fn insert_programme(tx: &Tx, p: &Programme) -> Result<i64> {
    let taken: bool = tx
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM programme WHERE facility_id = ?1 AND code = ?2)",
        )?
        .query_row(params![p.facility_id, p.code.trim()], |r| r.get(0))?;
    if taken {
        let why = format!("{} is already a programme here", p.code.trim());
        return Err(invalid(super::FieldError::new("code", why)));
    }
    tx.prepare_cached(
        "INSERT INTO programme(facility_id, code, name, category, provider, facilitators, room, capacity,
                               starts_on, ends_on, eligibility, completion_percent, vep_share_percent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        p.facility_id,
        p.code.trim(),
        p.name.trim(),
        p.category.as_str(),
        p.provider.trim(),
        super::to_json(&p.facilitators),
        p.room.trim(),
        p.capacity,
        p.starts_on.to_string(),
        p.ends_on.to_string(),
        super::to_json(&p.eligibility),
        p.completion_percent,
        p.vep_share_percent
    ])?;
    let id = tx.last_insert_rowid();
    for s in &p.slots {
        tx.prepare_cached(
            "INSERT INTO programme_slot(programme_id, weekday, starts, ends) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            id,
            s.weekday,
            s.starts.format("%H:%M").to_string(),
            s.ends.format("%H:%M").to_string()
        ])?;
    }
    let stored = programme_in(tx, id)?;
    tx.audit::<(), _>(Entity::Programme, id, Deed::Create, None, Some(&stored))?;
    Ok(id)
}

/// Ends every open referral and place of someone leaving the facility (release, transfer), inside the
/// transaction that moves them: a released person must never appear on an unlock list.
pub(crate) fn end_open_referrals(tx: &Tx, prisoner_id: i64, reason: &str) -> Result<usize> {
    let open: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, status FROM referral WHERE prisoner_id = ?1
               AND status IN ('referred','waitlisted','allocated')",
        )?
        .query_map([prisoner_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, from) in &open {
        tx.prepare_cached(
            "UPDATE referral SET status = 'withdrawn', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        )?
        .execute(params![id, time_text(tx.actor.at), tx.actor.name])?;
        record_event(tx, *id, ReferralStatus::Withdrawn, reason)?;
        tx.audit(
            Entity::Referral,
            *id,
            ReferralStatus::Withdrawn,
            Some(from),
            Some(&("withdrawn", reason)),
        )?;
    }
    Ok(open.len())
}

impl Store {
    /// Adds a programme with its slots. The code is unique within the facility.
    pub fn add_programme(&mut self, actor: &Actor, p: &Programme) -> Result<i64> {
        p.validate().map_err(invalid)?;
        self.write(
            actor,
            Need::To(Permission::ManageProgrammes),
            &format!("programme {}", p.code),
            |tx| insert_programme(tx, p),
        )
    }

    /// Adds several programmes in one transaction: all of them, or none if one is refused.
    pub fn add_programmes(&mut self, actor: &Actor, all: &[Programme]) -> Result<Vec<i64>> {
        for p in all {
            p.validate()
                .map_err(|e| e.within(format_args!("programme {}", p.code)))?;
        }
        self.write(
            actor,
            Need::To(Permission::ManageProgrammes),
            "programmes",
            |tx| all.iter().map(|p| insert_programme(tx, p)).collect(),
        )
    }

    /// Changes a programme and its weekly slots. Refused, naming them, when the change would break a rule for
    /// someone who holds a place (a capacity below the group, a clash with their other sessions, eligibility,
    /// access from their unit, release before the new end): withdraw them first. A slot that keeps its day and
    /// times keeps its registers; one with attendance or cancellations on record cannot be removed (the
    /// registers would lose their session).
    pub fn update_programme(&mut self, actor: &Actor, p: &Programme) -> Result<()> {
        p.validate().map_err(invalid)?;
        self.write(
            actor,
            Need::To(Permission::ManageProgrammes),
            &format!("programme {}", p.code),
            |tx| {
                let old = programme_in(tx, p.id)?;
                if old.facility_id != p.facility_id {
                    let why = "a programme stays in its facility; make a new one there";
                    return Err(invalid(super::FieldError::new("facility", why)));
                }
                let taken: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS(SELECT 1 FROM programme WHERE facility_id = ?1 AND code = ?2 AND id <> ?3)",
                    )?
                    .query_row(params![p.facility_id, p.code.trim(), p.id], |r| r.get(0))?;
                if taken {
                    let why = format!("{} is already a programme here", p.code.trim());
                    return Err(invalid(super::FieldError::new("code", why)));
                }
                let today = actor.at.date_naive();
                let holders: Vec<(i64, String)> = tx
                    .prepare_cached(
                        "SELECT p.id, p.number || ' ' || p.family_name || ', ' || p.given_names
                         FROM referral r JOIN prisoner p ON p.id = r.prisoner_id
                         WHERE r.programme_id = ?1 AND r.status = 'allocated' ORDER BY p.number",
                    )?
                    .query_map([p.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut members = Vec::new();
                for (prisoner_id, label) in holders {
                    let (who, group) = allocation_facts(tx, &old, prisoner_id, today)?;
                    members.push(Member { label, who, group });
                }
                let see_vep = allows(actor.authority, Need::To(Permission::ViewVepFlag));
                let broken = edit_breaks(&old, p, &members, today, see_vep);
                if !broken.is_empty() {
                    // One refusal naming everything broken, marked at the first field it names (if any).
                    let text = broken.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("; ");
                    return Err(match broken.iter().find_map(|(field, _)| *field) {
                        Some(field) => invalid(super::FieldError::new(field, text).labelled("not changed")),
                        None => invalid(format!("not changed: {text}")),
                    });
                }
                let same = |a: &Slot, b: &Slot| {
                    a.weekday == b.weekday && a.starts == b.starts && a.ends == b.ends
                };
                for gone in old.slots.iter().filter(|o| !p.slots.iter().any(|n| same(o, n))) {
                    let used: bool = tx
                        .prepare_cached(
                            "SELECT EXISTS(SELECT 1 FROM attendance WHERE slot_id = ?1)
                                 OR EXISTS(SELECT 1 FROM session_cancelled WHERE slot_id = ?1)",
                        )?
                        .query_row([gone.id], |r| r.get(0))?;
                    if used {
                        let why = format!(
                            "{} has registers on record and cannot be removed; end the programme and start a new one for the new times",
                            gone.describe()
                        );
                        return Err(invalid(super::FieldError::new("slots", why)));
                    }
                    tx.prepare_cached("DELETE FROM programme_slot WHERE id = ?1")?
                        .execute([gone.id])?;
                }
                for added in p.slots.iter().filter(|n| !old.slots.iter().any(|o| same(o, n))) {
                    tx.prepare_cached(
                        "INSERT INTO programme_slot(programme_id, weekday, starts, ends) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        p.id,
                        added.weekday,
                        added.starts.format("%H:%M").to_string(),
                        added.ends.format("%H:%M").to_string()
                    ])?;
                }
                tx.prepare_cached(
                    "UPDATE programme SET code = ?2, name = ?3, category = ?4, provider = ?5, facilitators = ?6,
                            room = ?7, capacity = ?8, starts_on = ?9, ends_on = ?10, eligibility = ?11,
                            completion_percent = ?12, vep_share_percent = ?13
                     WHERE id = ?1",
                )?
                .execute(params![
                    p.id,
                    p.code.trim(),
                    p.name.trim(),
                    p.category.as_str(),
                    p.provider.trim(),
                    super::to_json(&p.facilitators),
                    p.room.trim(),
                    p.capacity,
                    p.starts_on.to_string(),
                    p.ends_on.to_string(),
                    super::to_json(&p.eligibility),
                    p.completion_percent,
                    p.vep_share_percent
                ])?;
                let stored = programme_in(tx, p.id)?;
                tx.audit(Entity::Programme, p.id, Deed::Update, Some(&old), Some(&stored))?;
                Ok(())
            },
        )
    }

    /// A facility's programmes running on or after `from` (every programme when none), by name.
    pub fn programmes(&self, facility_id: i64, from: Option<NaiveDate>) -> Result<Vec<Programme>> {
        let from = from.map(|d| d.to_string()).unwrap_or_default();
        let found = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {PROGRAMME_COLUMNS} FROM programme WHERE facility_id = ?1 AND ends_on >= ?2
                 ORDER BY name, code"
            ))?
            .query_map(params![facility_id, from], read_programme)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        with_slots(self.conn(), facility_id, found)
    }

    pub fn programme(&self, id: i64) -> Result<Programme> {
        programme_in(self.conn(), id)
    }

    /// Marks one session as not running, with a reason. A session with attendance marked cannot be cancelled.
    pub fn cancel_session(
        &mut self,
        actor: &Actor,
        slot_id: i64,
        on: NaiveDate,
        reason: CancelReason,
        comment: &str,
    ) -> Result<()> {
        check_reason("comment", comment, reason == CancelReason::Other).map_err(invalid)?;
        self.write(actor, Need::To(Permission::ManageProgrammes), &format!("session {slot_id} on {on}"), |tx| {
            let programme: i64 = tx
                .prepare_cached("SELECT programme_id FROM programme_slot WHERE id = ?1")?
                .query_row([slot_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| invalid(format!("no session slot with id {slot_id}")))?;
            let p = programme_in(tx, programme)?;
            if p.sessions(on, on).iter().all(|s| s.slot_id != slot_id) {
                return Err(invalid(format!("{} has no session in that slot on {on}", p.name)));
            }
            let marked: bool = tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM attendance WHERE slot_id = ?1 AND on_date = ?2)")?
                .query_row(params![slot_id, on.to_string()], |r| r.get(0))?;
            if marked {
                return Err(invalid("attendance is already marked for this session"));
            }
            tx.prepare_cached(
                "INSERT INTO session_cancelled(slot_id, on_date, reason, comment, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(slot_id, on_date) DO UPDATE SET reason = excluded.reason, comment = excluded.comment",
            )?
            .execute(params![
                slot_id,
                on.to_string(),
                reason.as_str(),
                comment.trim(),
                time_text(actor.at),
                actor.name
            ])?;
            let key = format!("{slot_id}:{on}");
            tx.audit::<(), _>(
                Entity::Session,
                key,
                Deed::Cancel,
                None,
                Some(&(reason.as_str(), comment.trim())),
            )
        })
    }

    /// The cancelled sessions of a programme between two dates: (slot, date) -> (reason, comment).
    pub fn cancelled_sessions(
        &self,
        programme_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<HashMap<(i64, NaiveDate), (CancelReason, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT x.slot_id, x.on_date, x.reason, x.comment FROM session_cancelled x
             JOIN programme_slot s ON s.id = x.slot_id
             WHERE s.programme_id = ?1 AND x.on_date BETWEEN ?2 AND ?3",
        )?;
        let rows = stmt.query_map(
            params![programme_id, from.to_string(), to.to_string()],
            |r| {
                Ok((
                    (r.get(0)?, date(1, r)?),
                    (word(CancelReason::parse, 2, r)?, r.get(3)?),
                ))
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Refers someone to a programme (from a suggestion, or by hand). One open referral per person and
    /// programme; people not in custody cannot be referred.
    pub fn refer(
        &mut self,
        actor: &Actor,
        programme_id: i64,
        prisoner_id: i64,
        need: Option<&str>,
        reason: &str,
    ) -> Result<i64> {
        self.open_referral(
            actor,
            programme_id,
            prisoner_id,
            need,
            ReferralStatus::Referred,
            reason,
        )
    }

    /// Declines a suggestion (or a request) so it is not suggested again, with a reason.
    pub fn decline_suggestion(
        &mut self,
        actor: &Actor,
        programme_id: i64,
        prisoner_id: i64,
        need: Option<&str>,
        reason: &str,
    ) -> Result<i64> {
        self.open_referral(
            actor,
            programme_id,
            prisoner_id,
            need,
            ReferralStatus::Declined,
            reason,
        )
    }

    fn open_referral(
        &mut self,
        actor: &Actor,
        programme_id: i64,
        prisoner_id: i64,
        need: Option<&str>,
        status: ReferralStatus,
        reason: &str,
    ) -> Result<i64> {
        transition(ReferralStatus::Suggested, status, reason).map_err(invalid)?;
        self.write(actor, Need::To(Permission::ReferToProgramme), &format!("prisoner {prisoner_id}"), |tx| {
            let p = programme_in(tx, programme_id)?;
            let in_custody: Option<bool> = tx
                .prepare_cached("SELECT in_custody FROM prisoner WHERE id = ?1")?
                .query_row([prisoner_id], |r| r.get(0))
                .optional()?;
            match in_custody {
                None => return Err(invalid(format!("no prisoner with id {prisoner_id}"))),
                Some(false) => return Err(invalid("this person is no longer in custody")),
                Some(true) => {}
            }
            if p.ends_on < actor.at.date_naive() {
                return Err(invalid(format!("{} ended on {}", p.name, p.ends_on)));
            }
            let open: Option<String> = tx
                .prepare_cached(
                    "SELECT status FROM referral WHERE programme_id = ?1 AND prisoner_id = ?2
                       AND status IN ('referred','waitlisted','allocated')",
                )?
                .query_row(params![programme_id, prisoner_id], |r| r.get(0))
                .optional()?;
            if let Some(open) = open {
                return Err(invalid(format!(
                    "already {open} for {}",
                    p.name
                )));
            }
            let today = actor.at.date_naive().to_string();
            tx.prepare_cached(
                "INSERT INTO referral(programme_id, prisoner_id, status, need, referred_on, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                programme_id,
                prisoner_id,
                status.as_str(),
                need,
                today,
                time_text(actor.at),
                actor.name
            ])?;
            let id = tx.last_insert_rowid();
            record_event(tx, id, status, reason)?;
            tx.audit::<(), _>(
                Entity::Referral,
                id,
                status,
                None,
                Some(&(programme_id, prisoner_id, status.as_str(), reason.trim())),
            )?;
            Ok(id)
        })
    }

    /// Moves a referral along (waitlist, withdraw, decline, complete). Completion needs the programme's
    /// attendance rule to be met; allocation goes through `allocate_place`, which runs the checks.
    pub fn set_referral_status(
        &mut self,
        actor: &Actor,
        referral_id: i64,
        to: ReferralStatus,
        reason: &str,
    ) -> Result<()> {
        if to == ReferralStatus::Allocated {
            return Err(invalid("a place is given through the allocation checks"));
        }
        self.write(
            actor,
            Need::To(Permission::AllocateProgramme),
            &format!("referral {referral_id}"),
            |tx| {
                let (from, programme_id, _) = referral_status(tx, referral_id)?;
                transition(from, to, reason).map_err(invalid)?;
                if to == ReferralStatus::Completed {
                    let p = programme_in(tx, programme_id)?;
                    super::attendance::participation_of(tx, referral_id)?
                        .completes(p.completion_percent)
                        .map_err(invalid)?;
                }
                tx.prepare_cached(
                "UPDATE referral SET status = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
            )?
            .execute(params![
                referral_id,
                to.as_str(),
                time_text(actor.at),
                actor.name
            ])?;
                record_event(tx, referral_id, to, reason)?;
                tx.audit(
                    Entity::Referral,
                    referral_id,
                    to,
                    Some(&from.as_str()),
                    Some(&(to.as_str(), reason.trim())),
                )
            },
        )
    }

    /// Runs every allocation check for a person and a programme as things stand.
    pub fn check_place(
        &self,
        programme_id: i64,
        prisoner_id: i64,
        today: NaiveDate,
    ) -> Result<Verdict> {
        let p = programme_in(self.conn(), programme_id)?;
        let (who, group) = allocation_facts(self.conn(), &p, prisoner_id, today)?;
        Ok(check_allocation(&p, &who, &group, today))
    }

    /// Gives a referred or waitlisted person a place. The checks run again inside the transaction; refusals a
    /// supervisor may override need `override_reason` and the supervisor role. Returns the verdict (its warnings
    /// are for the screen).
    pub fn allocate_place(
        &mut self,
        actor: &Actor,
        referral_id: i64,
        override_reason: Option<&str>,
    ) -> Result<Verdict> {
        self.write(
            actor,
            Need::To(Permission::AllocateProgramme),
            &format!("referral {referral_id}"),
            |tx| {
                let (from, programme_id, prisoner_id) = referral_status(tx, referral_id)?;
                transition(from, ReferralStatus::Allocated, "").map_err(invalid)?;
                let today = actor.at.date_naive();
                let p = programme_in(tx, programme_id)?;
                let (who, group) = allocation_facts(tx, &p, prisoner_id, today)?;
                let verdict = check_allocation(&p, &who, &group, today);
                let mut recorded_override = None;
                if !verdict.allowed() {
                    let see_vep = allows(actor.authority, Need::To(Permission::ViewVepFlag));
                    let reasons = verdict
                        .refusals
                        .iter()
                        .map(|r| r.shown(see_vep))
                        .collect::<Vec<_>>()
                        .join("; ");
                    if !verdict.overridable() {
                        return Err(invalid(format!("cannot allocate: {reasons}")));
                    }
                    let Some(why) = override_reason.filter(|w| !w.trim().is_empty()) else {
                        return Err(invalid(format!(
                            "needs a supervisor's override with a reason: {reasons}"
                        )));
                    };
                    if !allows(actor.authority, Need::To(Permission::OverrideProgramme)) {
                        return Err(invalid(format!(
                            "only a supervisor may override: {reasons}"
                        )));
                    }
                    check_reason("override reason", why, true).map_err(invalid)?;
                    recorded_override = Some(format!("{} (over: {reasons})", why.trim()));
                }
                tx.prepare_cached(
                "UPDATE referral SET status = 'allocated', allocated_on = ?2, override_reason = ?3,
                        override_by = ?4, updated_at = ?5, updated_by = ?6 WHERE id = ?1",
            )?
            .execute(params![
                referral_id,
                today.to_string(),
                recorded_override,
                recorded_override.as_ref().map(|_| actor.name.as_str()),
                time_text(actor.at),
                actor.name
            ])?;
                record_event(
                    tx,
                    referral_id,
                    ReferralStatus::Allocated,
                    recorded_override.as_deref().unwrap_or(""),
                )?;
                tx.audit(
                    Entity::Referral,
                    referral_id,
                    ReferralStatus::Allocated,
                    Some(&from.as_str()),
                    Some(&("allocated", &recorded_override)),
                )?;
                Ok(verdict)
            },
        )
    }

    /// A person's referrals, newest first.
    pub fn referrals_of(&self, prisoner_id: i64) -> Result<Vec<ReferralRow>> {
        let rows = self
            .conn()
            .prepare_cached(&format!(
                "{REFERRAL_SELECT} WHERE r.prisoner_id = ?1 ORDER BY r.referred_on DESC, r.id DESC"
            ))?
            .query_map([prisoner_id], read_referral)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// A programme's referrals in one status, by name.
    pub fn programme_referrals(
        &self,
        programme_id: i64,
        status: ReferralStatus,
    ) -> Result<Vec<ReferralRow>> {
        let rows = self
            .conn()
            .prepare_cached(&format!(
                "{REFERRAL_SELECT} WHERE r.programme_id = ?1 AND r.status = ?2 ORDER BY p.sort_key, p.number"
            ))?
            .query_map(params![programme_id, status.as_str()], read_referral)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Attendance so far for one referral.
    pub fn participation(&self, referral_id: i64) -> Result<Participation> {
        super::attendance::participation_of(self.conn(), referral_id)
    }
}
