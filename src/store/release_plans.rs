//! Pre-release plans and post-release referrals in SQL, and the list of people released within N days with the
//! state of their plans.

use super::rosters::needs_of;
use super::rows::opt_date;
use super::{Actor, Result, Store, StoreError, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::roster::release::{Aftercare, ReleasePlan, open_needs};
use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// A plan as the screen shows it: the typed part, who last changed it, and what is worked out.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    pub plan: ReleasePlan,
    /// None until someone first saves a plan.
    pub updated: Option<(String, String)>,
    pub expected_release: Option<NaiveDate>,
    pub completed: Vec<String>,
    pub open_needs: Vec<String>,
    pub aftercare: Vec<Aftercare>,
}

/// One person releasing soon and how ready their plan is.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseDue {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub expected_release: NaiveDate,
    pub has_plan: bool,
    pub documents_ready: bool,
    pub aftercare: u32,
    pub open_needs: u32,
}

/// The needs the person's completed programmes were for.
fn completed_programmes(conn: &Connection, prisoner_id: i64) -> Result<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.name, g.eligibility FROM referral r JOIN programme g ON g.id = r.programme_id
         WHERE r.prisoner_id = ?1 AND r.status = 'completed' ORDER BY r.updated_at",
    )?;
    let rows = stmt.query_map([prisoner_id], |r| {
        let eligibility: String = r.get(1)?;
        let needs = serde_json::from_str::<crate::domain::roster::Eligibility>(&eligibility)
            .map(|e| e.needs)
            .unwrap_or_default();
        Ok((r.get(0)?, needs))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn open_needs_of(conn: &Connection, prisoner_id: i64) -> Result<(Vec<String>, Vec<String>)> {
    let completed = completed_programmes(conn, prisoner_id)?;
    let met: Vec<String> = completed.iter().flat_map(|(_, n)| n.clone()).collect();
    let open = open_needs(&needs_of(conn, prisoner_id)?, &met);
    Ok((completed.into_iter().map(|(name, _)| name).collect(), open))
}

impl Store {
    pub fn release_plan(&self, prisoner_id: i64) -> Result<PlanView> {
        let expected_release: Option<NaiveDate> = self
            .conn()
            .prepare_cached("SELECT expected_release FROM prisoner WHERE id = ?1")?
            .query_row([prisoner_id], |r| opt_date(0, r))
            .optional()?
            .ok_or_else(|| invalid(format!("no prisoner with id {prisoner_id}")))?;
        let saved = self
            .conn()
            .prepare_cached(
                "SELECT documents_ready, housing, notes, updated_at, updated_by FROM release_plan
                 WHERE prisoner_id = ?1",
            )?
            .query_row([prisoner_id], |r| {
                Ok((
                    ReleasePlan {
                        documents_ready: r.get(0)?,
                        housing: r.get(1)?,
                        notes: r.get(2)?,
                    },
                    (r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                ))
            })
            .optional()?;
        let (completed, open) = open_needs_of(self.conn(), prisoner_id)?;
        let aftercare = self
            .conn()
            .prepare_cached(
                "SELECT id, organisation, contact, need, appointment FROM aftercare_referral
                 WHERE prisoner_id = ?1 ORDER BY id",
            )?
            .query_map([prisoner_id], |r| {
                Ok(Aftercare {
                    id: r.get(0)?,
                    organisation: r.get(1)?,
                    contact: r.get(2)?,
                    need: r.get(3)?,
                    appointment: opt_date(4, r)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let (plan, updated) = match saved {
            Some((plan, updated)) => (plan, Some(updated)),
            None => (ReleasePlan::default(), None),
        };
        Ok(PlanView {
            plan,
            updated,
            expected_release,
            completed,
            open_needs: open,
            aftercare,
        })
    }

    pub fn save_release_plan(
        &mut self,
        actor: &Actor,
        prisoner_id: i64,
        plan: &ReleasePlan,
    ) -> Result<()> {
        plan.validate().map_err(invalid)?;
        self.write(actor, Need::To(Permission::PlanRelease), &format!("prisoner {prisoner_id}"), |tx| {
            let before = tx
                .prepare_cached(
                    "SELECT documents_ready, housing, notes FROM release_plan WHERE prisoner_id = ?1",
                )?
                .query_row([prisoner_id], |r| {
                    Ok(ReleasePlan {
                        documents_ready: r.get(0)?,
                        housing: r.get(1)?,
                        notes: r.get(2)?,
                    })
                })
                .optional()?;
            tx.prepare_cached(
                "INSERT INTO release_plan(prisoner_id, documents_ready, housing, notes, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(prisoner_id) DO UPDATE SET documents_ready = excluded.documents_ready,
                     housing = excluded.housing, notes = excluded.notes, updated_at = excluded.updated_at,
                     updated_by = excluded.updated_by",
            )?
            .execute(params![
                prisoner_id,
                plan.documents_ready,
                plan.housing.trim(),
                plan.notes.trim(),
                time_text(actor.at),
                actor.name
            ])?;
            tx.audit(Entity::ReleasePlan, prisoner_id, Deed::Save, before.as_ref(), Some(plan))
        })
    }

    pub fn add_aftercare(&mut self, actor: &Actor, prisoner_id: i64, a: &Aftercare) -> Result<i64> {
        self.write(actor, Need::To(Permission::PlanRelease), &format!("prisoner {prisoner_id}"), |tx| {
            let release: Option<NaiveDate> = tx
                .prepare_cached("SELECT expected_release FROM prisoner WHERE id = ?1")?
                .query_row([prisoner_id], |r| opt_date(0, r))
                .optional()?
                .ok_or_else(|| invalid(format!("no prisoner with id {prisoner_id}")))?;
            a.validate(release).map_err(invalid)?;
            tx.prepare_cached(
                "INSERT INTO aftercare_referral(prisoner_id, organisation, contact, need, appointment,
                                                created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                prisoner_id,
                a.organisation.trim(),
                a.contact.trim(),
                a.need.trim(),
                a.appointment.map(|d| d.to_string()),
                time_text(actor.at),
                actor.name
            ])?;
            let id = tx.last_insert_rowid();
            tx.audit::<(), _>(Entity::Aftercare, id, Deed::Create, None, Some(a))?;
            Ok(id)
        })
    }

    /// People in custody expected to be released from `today` to `today + days` (one facility or all), soonest
    /// first, with their plans' state.
    pub fn releases_due(
        &self,
        facility_id: Option<i64>,
        today: NaiveDate,
        days: i64,
    ) -> Result<Vec<ReleaseDue>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, p.family_name || ' ' || p.given_names, coalesce(f.code, ''),
                    p.expected_release, rp.prisoner_id IS NOT NULL, coalesce(rp.documents_ready, 0),
                    (SELECT count(*) FROM aftercare_referral a WHERE a.prisoner_id = p.id)
             FROM prisoner p LEFT JOIN facility f ON f.id = p.facility_id
             LEFT JOIN release_plan rp ON rp.prisoner_id = p.id
             WHERE p.in_custody = 1 AND p.expected_release BETWEEN ?1 AND ?2
               AND (?3 IS NULL OR p.facility_id = ?3)
             ORDER BY p.expected_release, p.number",
        )?;
        let until = today + Duration::days(days);
        let rows: Vec<ReleaseDue> = stmt
            .query_map(
                params![today.to_string(), until.to_string(), facility_id],
                |r| {
                    Ok(ReleaseDue {
                        prisoner_id: r.get(0)?,
                        number: r.get(1)?,
                        name: r.get(2)?,
                        facility: r.get(3)?,
                        expected_release: opt_date(4, r)?.unwrap_or(today),
                        has_plan: r.get(5)?,
                        documents_ready: r.get(6)?,
                        aftercare: r.get(7)?,
                        open_needs: 0,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = rows;
        for due in &mut out {
            due.open_needs = open_needs_of(self.conn(), due.prisoner_id)?.1.len() as u32;
        }
        Ok(out)
    }
}
