//! The demo's sessions: holidays, lockdowns and absent facilitators cancel some; the rest are marked up to
//! yesterday, person by person, with the absences a prison sees; people who leave early are withdrawn on the
//! day, and a finished course closes with completions where its attendance rule is met.

use super::DemoError;
use super::catalogue::Phase;
use super::rosters::{Ctx, Member, Referral};
use crate::domain::roster::{CancelReason, Outcome, Programme, ReferralStatus};
use crate::store::demo_rosters::RosterPerson;
use chrono::{Datelike, Duration, NaiveDate, Timelike};
use rand::Rng;

const WITHDRAWN: &[&str] = &[
    "transferred to another prison",
    "asked to leave the group",
    "moved to a work party at the same hours",
    "removed after repeated disruption in sessions",
    "long-term illness: to be referred again when well",
];
const OTHER_ABSENCE: &[&str] = &[
    "kept back for a medical appointment",
    "at a family visit",
    "on kitchen duty by mistake",
    "not unlocked in time",
];
const STAFF_ABSENT: &[&str] = &[
    "facilitator ill; no cover available",
    "provider's vehicle broke down on the way",
    "facilitator at a training day",
];

/// Holiday sessions, a lockdown day for some facilities, and the odd session a facilitator could not run.
/// Returns the cancelled (slot, day) pairs.
pub(super) fn cancel(
    ctx: &mut Ctx,
    programmes: &[Programme],
    rng: &mut impl Rng,
) -> Result<Vec<(i64, NaiveDate)>, DemoError> {
    let today = ctx.today;
    let from = today - Duration::days(84);
    let to = today + Duration::days(28);
    let lockdown = rng
        .random_bool(0.35)
        .then(|| today - Duration::days(rng.random_range(3..=40)));
    let lockdown_reason = super::pick(rng, &ctx.profile.rosters.lockdowns).clone();
    let mut out = Vec::new();
    for p in programmes {
        // Now and then a facilitator cannot come: the first session on or after a day in the last month.
        let mut staff_absent = rng
            .random_bool(0.25)
            .then(|| today - Duration::days(rng.random_range(1..=30)));
        for s in p.sessions(from, to) {
            let md = format!("{:02}-{:02}", s.date.month(), s.date.day());
            let holiday = ctx.profile.rosters.holidays.iter().find(|(d, _)| *d == md);
            let (reason, comment) = if let Some((_, name)) = holiday {
                (CancelReason::Holiday, name.clone())
            } else if Some(s.date) == lockdown {
                (CancelReason::Lockdown, lockdown_reason.clone())
            } else if staff_absent.is_some_and(|d| d <= s.date && s.date < today) {
                staff_absent = None;
                (
                    CancelReason::Staff,
                    super::pick(rng, STAFF_ABSENT).to_string(),
                )
            } else {
                continue;
            };
            let actor = ctx.actor("programme", s.date.min(today) - Duration::days(2), 15, 0);
            ctx.store
                .cancel_session(&actor, s.slot_id, s.date, reason, &comment)?;
            out.push((s.slot_id, s.date));
        }
    }
    ctx.added.cancelled += out.len();
    out.sort_unstable();
    Ok(out)
}

/// Marks every held, uncancelled session up to yesterday; people leaving early are withdrawn on their day;
/// a finished course closes with completions where the rule is met and withdrawals where it is not.
#[allow(clippy::too_many_arguments)]
pub(super) fn attend(
    ctx: &mut Ctx,
    p: &Programme,
    phase: Phase,
    mut members: Vec<Member>,
    people: &[RosterPerson],
    referrals: &mut [Referral],
    cancelled: &[(i64, NaiveDate)],
    rng: &mut impl Rng,
) -> Result<(), DemoError> {
    let yesterday = ctx.today - Duration::days(1);
    for s in p.sessions(p.starts_on, yesterday) {
        if cancelled.binary_search(&(s.slot_id, s.date)).is_ok() {
            continue;
        }
        let mut marks = Vec::new();
        for m in members
            .iter_mut()
            .filter(|m| m.from <= s.date && m.leaves.is_none_or(|d| s.date <= d))
        {
            let who = &people[referrals[m.referral].person];
            let (outcome, comment) = if who.court_dates.contains(&s.date) {
                (Outcome::Court, String::new())
            } else if rng.random_bool(m.reliability) {
                (Outcome::Attended, String::new())
            } else {
                match rng.random_range(0..10) {
                    0..=2 => (Outcome::Sick, String::new()),
                    3..=5 => (Outcome::Refused, String::new()),
                    6 => (Outcome::LegalVisit, String::new()),
                    7 => (
                        Outcome::Lockdown,
                        "unit kept locked after a search".to_string(),
                    ),
                    _ => (Outcome::Other, super::pick(rng, OTHER_ABSENCE).to_string()),
                }
            };
            if outcome == Outcome::Attended {
                m.attended += 1;
            }
            if outcome == Outcome::Attended || !outcome.excused() {
                m.counted += 1;
            }
            marks.push((referrals[m.referral].id, outcome, comment));
        }
        if !marks.is_empty() {
            // Marked as the session ends.
            let actor = ctx.actor("officer", s.date, s.ends.hour(), s.ends.minute());
            ctx.store
                .mark_attendance(&actor, s.slot_id, s.date, &marks)?;
            ctx.added.marks += marks.len();
        }
    }
    // Those who left are withdrawn on their day. Registers list the allocated and whoever holds a mark, so
    // after this they drop off every session they were not marked for, and no past register has a gap.
    for (m, day) in members.iter().filter_map(|m| m.leaves.map(|d| (m, d))) {
        let actor = ctx.actor("programme", day, 17, 0);
        let why = super::pick(rng, WITHDRAWN);
        let r = &mut referrals[m.referral];
        ctx.store
            .set_referral_status(&actor, r.id, ReferralStatus::Withdrawn, why)?;
        r.status = ReferralStatus::Withdrawn;
    }
    members.retain(|m| referrals[m.referral].status == ReferralStatus::Allocated);
    if phase != Phase::Finished {
        return Ok(());
    }
    let day = (p.ends_on + Duration::days(rng.random_range(1..=3))).min(ctx.today);
    let actor = ctx.actor("programme", day, 10, 0);
    for m in &members {
        let r = &mut referrals[m.referral];
        let percent = (m.counted > 0).then(|| m.attended * 100 / m.counted);
        if percent.is_some_and(|pc| pc >= u32::from(p.completion_percent)) {
            ctx.store.set_referral_status(
                &actor,
                r.id,
                ReferralStatus::Completed,
                "completed the course",
            )?;
            r.status = ReferralStatus::Completed;
            ctx.added.completions += 1;
        } else {
            let why = match percent {
                Some(pc) => format!(
                    "course ended: attended {pc}% of the sessions that count, {}% needed",
                    p.completion_percent
                ),
                None => "course ended before any session that counts".to_string(),
            };
            ctx.store
                .set_referral_status(&actor, r.id, ReferralStatus::Withdrawn, &why)?;
            r.status = ReferralStatus::Withdrawn;
        }
    }
    Ok(())
}
