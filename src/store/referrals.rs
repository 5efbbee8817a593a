//! Reading referrals back: a referral's history, what a person's needs screen suggests, and a programme's
//! waitlist in the order places are offered.

use super::rosters::{ReferralEvent, ReferralRow, Suggestion, needs_of};
use super::rows::word;
use super::{Result, Store};
use crate::domain::roster::ReferralStatus;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;

impl Store {
    /// The history of one referral, oldest first.
    pub fn referral_history(&self, referral_id: i64) -> Result<Vec<ReferralEvent>> {
        let rows = self
            .conn()
            .prepare_cached(
                "SELECT at, by, status, reason FROM referral_event WHERE referral_id = ?1 ORDER BY id",
            )?
            .query_map([referral_id], |r| {
                Ok(ReferralEvent {
                    at: r.get(0)?,
                    by: r.get(1)?,
                    status: word(ReferralStatus::parse, 2, r)?,
                    reason: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Programmes at the person's facility, not yet ended, that meet a need from their newest needs screen and
    /// that nobody has acted on for them yet (referred, declined, completed ...).
    pub fn suggestions_for(&self, prisoner_id: i64, today: NaiveDate) -> Result<Vec<Suggestion>> {
        let facility: Option<i64> = self
            .conn()
            .prepare_cached("SELECT facility_id FROM prisoner WHERE id = ?1 AND in_custody = 1")?
            .query_row([prisoner_id], |r| r.get(0))
            .optional()?
            .flatten();
        let Some(facility) = facility else {
            return Ok(Vec::new());
        };
        let needs = needs_of(self.conn(), prisoner_id)?;
        let acted: Vec<i64> = self
            .conn()
            .prepare_cached("SELECT DISTINCT programme_id FROM referral WHERE prisoner_id = ?1")?
            .query_map([prisoner_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for p in self.programmes(facility, Some(today))? {
            if acted.contains(&p.id) {
                continue;
            }
            if let Some(need) = p.eligibility.needs.iter().find(|n| needs.contains(n)) {
                out.push(Suggestion {
                    need: need.clone(),
                    programme: p,
                });
            }
        }
        Ok(out)
    }

    /// The waitlist in the order places are offered, each with why it stands there.
    pub fn waitlist(
        &self,
        programme_id: i64,
        today: NaiveDate,
    ) -> Result<Vec<(ReferralRow, String)>> {
        use crate::domain::roster::checks::{Waiting, waitlist_order};
        let p = self.programme(programme_id)?;
        let mut rows = self.programme_referrals(programme_id, ReferralStatus::Waitlisted)?;
        rows.extend(self.programme_referrals(programme_id, ReferralStatus::Referred)?);
        let mut waiting = Vec::with_capacity(rows.len());
        for r in &rows {
            let needs = needs_of(self.conn(), r.prisoner_id)?;
            waiting.push(Waiting {
                referral_id: r.id,
                referred_on: r.referred_on,
                expected_release: r.expected_release,
                needs_met: p
                    .eligibility
                    .needs
                    .iter()
                    .filter(|n| needs.contains(n))
                    .count() as u32,
            });
        }
        Ok(waitlist_order(&waiting, today)
            .into_iter()
            .map(|(i, why)| (rows[i].clone(), why))
            .collect())
    }
}
