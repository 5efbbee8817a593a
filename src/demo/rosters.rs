//! The demo's rosters: per facility a programme catalogue (catalogue.rs), needs screens for a sample of its
//! people (screens.rs), referrals from what those screens found, places given through the store's allocation
//! checks, some weeks of attendance up to yesterday, and completions where a finished course's rule is met.
//! Every write goes through the store's own API, dated when it would have happened, so the checks (capacity,
//! non-associations, clashes) hold exactly as for real work and refusals are skipped, not forced.

use super::DemoError;
use super::catalogue::{self, FacilityFacts};
use super::profile::Profile;
use super::screens;
use super::sessions;
use crate::domain::estate::{AgeGroup, Sex};
use crate::domain::forms::Form;
use crate::domain::roster::checks::Check;
use crate::domain::roster::{MAX_REASON_CHARS, Programme, ReferralStatus};
use crate::store::demo_rosters::RosterPerson;
use crate::store::{Actor, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::seq::SliceRandom;

/// What was added, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    pub programmes: usize,
    pub cancelled: usize,
    pub screens: usize,
    pub referrals: usize,
    pub allocations: usize,
    pub overrides: usize,
    pub marks: usize,
    pub completions: usize,
}

/// Referrals per screened person at most: people take one or two programmes at a time.
const REFERRALS_PER_PERSON: usize = 2;

const DECLINED: &[&str] = &[
    "does not want to attend: prefers to keep a kitchen job",
    "says the timing clashes with family visits",
    "not interested at present; to be offered again at review",
    "already holds this qualification",
];
const WAITLISTED_FULL: &str = "the group is full: waiting for a place";
const BY_HAND: &[&str] = &[
    "asked to join at the unit meeting",
    "recommended by the unit officer",
    "requested in writing",
];
pub(super) fn at(day: NaiveDate, hour: u32, minute: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    day.and_hms_opt(hour, minute, 0)
        .map_or(now, |t| t.and_utc())
        .min(now)
}

/// The value, or `None` when the store refused (a check said no): the demo skips that person, as staff would.
fn unless_refused<T>(result: Result<T, StoreError>) -> Result<Option<T>, DemoError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::Invalid(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub(super) struct Ctx<'a> {
    pub(super) store: &'a mut Store,
    pub(super) profile: &'a Profile,
    pub(super) form: &'a Form,
    pub(super) now: DateTime<Utc>,
    pub(super) today: NaiveDate,
    pub(super) screened: usize,
    /// Open non-associations, (lower id, higher id), sorted.
    pub(super) apart: Vec<(i64, i64)>,
    /// Supervisor overrides still allowed in this facility: a handful across the demo, so their reasons show.
    pub(super) overrides_left: u32,
    pub(super) added: Added,
    /// Time spent per stage (catalogue, screens and referrals, allocation, attendance), for the log.
    pub(super) spent: [std::time::Duration; 4],
}

impl Ctx<'_> {
    pub(super) fn actor(&self, name: &str, day: NaiveDate, hour: u32, minute: u32) -> Actor {
        Actor::system(name, at(day, hour, minute, self.now))
    }
}

/// A referral the builder made, and what became of it.
pub(super) struct Referral {
    pub(super) id: i64,
    pub(super) person: usize,
    pub(super) programme: usize,
    pub(super) on: NaiveDate,
    pub(super) status: ReferralStatus,
}

/// Someone holding a place: from when, how reliably they turn up, and the day they leave early if they do.
pub(super) struct Member {
    pub(super) referral: usize,
    pub(super) from: NaiveDate,
    pub(super) reliability: f64,
    pub(super) leaves: Option<NaiveDate>,
    pub(super) attended: u32,
    pub(super) counted: u32,
}

/// Adds rosters to every facility. Refusals of a store check skip that person; other errors stop the build.
pub fn add(
    store: &mut Store,
    profile: &Profile,
    screened: u32,
    now: DateTime<Utc>,
    rng: &mut impl Rng,
) -> Result<Added, DemoError> {
    let form = screens::needs_form(store, &Actor::system("demo", now))?;
    let people = store.roster_people()?;
    let apart = store.open_non_association_pairs()?;
    let facilities = store.facilities()?;
    let mut ctx = Ctx {
        store,
        profile,
        form: &form,
        now,
        today: now.date_naive(),
        screened: screened as usize,
        apart,
        overrides_left: 0,
        added: Added::default(),
        spent: Default::default(),
    };
    let built = (|| {
        for f in &facilities {
            let start = people.partition_point(|p| p.facility_id < f.facility.id);
            let end = people.partition_point(|p| p.facility_id <= f.facility.id);
            let here = &people[start..end];
            let facts = FacilityFacts {
                id: f.facility.id,
                kind: f.facility.kind,
                holds_men: here.iter().any(|p| p.sex == Sex::Male),
                holds_women: here.iter().any(|p| p.sex == Sex::Female),
                holds_young: here.iter().any(|p| p.unit_age == Some(AgeGroup::Young)),
            };
            facility(&mut ctx, &facts, here, rng)?;
        }
        Ok::<_, DemoError>(())
    })();
    built?;
    let [catalogue, screens, allocation, attendance] = ctx.spent;
    tracing::info!(
        ?catalogue,
        ?screens,
        ?allocation,
        ?attendance,
        "demo rosters built"
    );
    Ok(ctx.added)
}

/// Whether the person meets the programme's sex, age and legal rules (the store checks again), and is not past
/// their expected release: the demo's register is dated from a fixed day, so some sentences ended before today,
/// and nobody would refer a person whose release is already due.
fn may_join(p: &Programme, who: &RosterPerson, today: NaiveDate) -> bool {
    let e = &p.eligibility;
    who.expected_release.is_none_or(|d| d >= today)
        && e.sex.is_none_or(|s| s == who.sex)
        && e.age.is_none_or(|a| who.unit_age.is_none_or(|u| u == a))
        && (e.legal.is_empty() || e.legal.contains(&who.legal))
}

fn facility(
    ctx: &mut Ctx,
    facts: &FacilityFacts,
    people: &[RosterPerson],
    rng: &mut impl Rng,
) -> Result<(), DemoError> {
    let today = ctx.today;
    let mut clock = std::time::Instant::now();
    let mut lap = |ctx: &mut Ctx, stage: usize| {
        ctx.spent[stage] += clock.elapsed();
        clock = std::time::Instant::now();
    };
    ctx.overrides_left = 1;
    let mut programmes = Vec::new();
    let mut phases = Vec::new();
    for planned in catalogue::programmes(ctx.profile, facts, today, rng) {
        let created = planned.programme.starts_on.min(today) - Duration::days(35);
        let actor = ctx.actor("programme", created, 9, 0);
        let id = ctx.store.add_programme(&actor, &planned.programme)?;
        programmes.push(ctx.store.programme(id)?);
        phases.push(planned.phase);
    }
    ctx.added.programmes += programmes.len();
    if programmes.is_empty() || people.is_empty() {
        return Ok(());
    }
    let cancelled = sessions::cancel(ctx, &programmes, rng)?;
    lap(ctx, 0);

    // Needs screens for a sample, each a few weeks to four months ago.
    let mut order: Vec<usize> = (0..people.len()).collect();
    order.shuffle(rng);
    let mut referrals: Vec<Referral> = Vec::new();
    for &i in order.iter().take(ctx.screened) {
        let day = today - Duration::days(rng.random_range(21..=120));
        let actor = ctx.actor("assessor", day, 10, rng.random_range(0..50));
        let shares = &ctx.profile.rosters.needs;
        let findings =
            screens::screen(ctx.store, &actor, ctx.form, people[i].id, day, shares, rng)?;
        ctx.added.screens += 1;
        let mut suggested: Vec<(usize, String)> = programmes
            .iter()
            .enumerate()
            .filter(|(_, p)| may_join(p, &people[i], today))
            .filter_map(|(k, p)| {
                let need = p.eligibility.needs.iter().find(|n| findings.contains(n))?;
                Some((k, need.clone()))
            })
            .collect();
        suggested.shuffle(rng);
        for (k, need) in suggested.into_iter().take(REFERRALS_PER_PERSON) {
            let p = &programmes[k];
            let on = (p.starts_on - Duration::days(rng.random_range(5..=25)))
                .max(day + Duration::days(1))
                .min(today);
            if on > p.ends_on {
                continue;
            }
            let label = ctx
                .form
                .findings
                .iter()
                .find(|f| f.name == need)
                .map_or(need.clone(), |f| f.label.text.clone());
            let actor = ctx.actor("programme", on, 11, rng.random_range(0..50));
            let (made, status) = if rng.random_bool(0.08) {
                let why = super::pick(rng, DECLINED);
                let made =
                    ctx.store
                        .decline_suggestion(&actor, p.id, people[i].id, Some(&need), why);
                (made, ReferralStatus::Declined)
            } else {
                let why = format!("needs screen of {day}: {label}");
                let made = ctx
                    .store
                    .refer(&actor, p.id, people[i].id, Some(&need), &why);
                (made, ReferralStatus::Referred)
            };
            let Some(id) = unless_refused(made)? else {
                continue;
            };
            referrals.push(Referral {
                id,
                person: i,
                programme: k,
                on,
                status,
            });
        }
    }
    // Open programmes (work, sport) meet no particular need: people ask, or an officer puts them forward.
    for (k, p) in programmes.iter().enumerate() {
        if !p.eligibility.needs.is_empty() {
            continue;
        }
        // A few more than the places, but no more than the screened sample, so a national build stays quick.
        let wanted = (p.capacity as usize * 5).div_ceil(4).min(ctx.screened);
        let mut candidates: Vec<usize> = (0..people.len())
            .filter(|&i| may_join(p, &people[i], today))
            .collect();
        candidates.shuffle(rng);
        for i in candidates.into_iter().take(wanted) {
            let on = (p.starts_on - Duration::days(rng.random_range(3..=20))).min(today);
            let actor = ctx.actor("programme", on, 12, rng.random_range(0..50));
            let why = super::pick(rng, BY_HAND);
            let Some(id) = unless_refused(ctx.store.refer(&actor, p.id, people[i].id, None, why))?
            else {
                continue;
            };
            referrals.push(Referral {
                id,
                person: i,
                programme: k,
                on,
                status: ReferralStatus::Referred,
            });
        }
    }
    ctx.added.referrals += referrals.len();
    lap(ctx, 1);

    for (k, p) in programmes.iter().enumerate() {
        let members = allocate(ctx, p, k, people, &mut referrals, rng)?;
        lap(ctx, 2);
        sessions::attend(
            ctx,
            p,
            phases[k],
            members,
            people,
            &mut referrals,
            &cancelled,
            rng,
        )?;
        lap(ctx, 3);
    }
    Ok(())
}

/// Why a supervisor let someone in past a check, for the checks the demo overrides at all. Never sex, age or
/// legal status (Rule 11 separation is not a matter of discretion), and never capacity or a non-association,
/// which the store does not allow to be overridden anyway.
fn override_reason(check: Check) -> Option<&'static str> {
    match check {
        Check::Release => {
            Some("release date may move after appeal; the provider continues the course outside")
        }
        Check::Clash => Some("the other programme's sessions end early; both facilitators agreed"),
        Check::VepShare => {
            Some("assessed as disengaged; the group facilitator and security agreed")
        }
        Check::Capacity | Check::NonAssociation | Check::Unit | Check::Eligibility => None,
    }
}

/// Gives places in referral order up to most of the capacity; the rest wait, a few with reasons of their own.
/// The store's checks decide: a refusal a supervisor may override is overridden now and then with a reason,
/// any other refusal leaves the person waiting with the check's own words.
fn allocate(
    ctx: &mut Ctx,
    p: &Programme,
    k: usize,
    people: &[RosterPerson],
    referrals: &mut [Referral],
    rng: &mut impl Rng,
) -> Result<Vec<Member>, DemoError> {
    let today = ctx.today;
    let mut mine: Vec<usize> = (0..referrals.len())
        .filter(|&r| referrals[r].programme == k && referrals[r].status == ReferralStatus::Referred)
        .collect();
    mine.sort_by_key(|&r| (referrals[r].on, referrals[r].id));
    let fill = if p.starts_on > today { 0.6 } else { 0.85 };
    let target = ((f64::from(p.capacity) * fill).round() as usize).max(1);
    let mut members = Vec::new();
    for r in mine {
        let on = referrals[r].on;
        let who = &people[referrals[r].person];
        // Referrals of the last week have not been looked at yet.
        if on > today - Duration::days(7) && rng.random_bool(0.7) {
            continue;
        }
        let day = (p.starts_on - Duration::days(rng.random_range(0..=7))).clamp(on, today);
        if members.len() >= target {
            let actor = ctx.actor("programme", day, 14, 0);
            ctx.store.set_referral_status(
                &actor,
                referrals[r].id,
                ReferralStatus::Waitlisted,
                WAITLISTED_FULL,
            )?;
            referrals[r].status = ReferralStatus::Waitlisted;
            continue;
        }
        // The store checks non-associations in force on the day of the allocation; one recorded since (or
        // starting later) must not put a pair in today's group either, so such a person waits.
        let kept_apart = members.iter().any(|m: &Member| {
            let other = people[referrals[m.referral].person].id;
            ctx.apart
                .binary_search(&(who.id.min(other), who.id.max(other)))
                .is_ok()
        });
        if kept_apart {
            let actor = ctx.actor("programme", day, 14, 30);
            let why = "waiting: must be kept apart from someone in the group (non-association)";
            ctx.store.set_referral_status(
                &actor,
                referrals[r].id,
                ReferralStatus::Waitlisted,
                why,
            )?;
            referrals[r].status = ReferralStatus::Waitlisted;
            continue;
        }
        // Most people pass every check; the checks are read back only for those refused, to pick what to do.
        let actor = ctx.actor("programme", day, 14, 10);
        let given = ctx.store.allocate_place(&actor, referrals[r].id, None);
        let reason = if unless_refused(given)?.is_some() {
            None
        } else {
            let verdict = ctx.store.check_place(p.id, who.id, day)?;
            match verdict.refusals.first() {
                // Refused for a reason the checks do not name (the referral itself): leave it as it is.
                None => continue,
                Some(first)
                    if verdict
                        .refusals
                        .iter()
                        .all(|r| override_reason(r.check).is_some())
                        // Only a release still ahead can move on appeal.
                        && who.expected_release.is_none_or(|d| d > today)
                        && ctx.overrides_left > 0
                        && rng.random_bool(0.3) =>
                {
                    let why = override_reason(first.check).unwrap_or_default();
                    let actor = ctx.actor("supervisor", day, 14, 20);
                    let given = ctx.store.allocate_place(&actor, referrals[r].id, Some(why));
                    if unless_refused(given)?.is_none() {
                        continue;
                    }
                    ctx.overrides_left -= 1;
                    Some(why)
                }
                Some(first) => {
                    // A release before the end is a reason to decline; any other refusal waits with the check's words.
                    let (status, why) = if first.check == Check::Release {
                        (
                            ReferralStatus::Declined,
                            format!("release before the course ends: {}", first.reason),
                        )
                    } else {
                        (
                            ReferralStatus::Waitlisted,
                            format!("waiting: {}", first.reason),
                        )
                    };
                    let why: String = why.chars().take(MAX_REASON_CHARS).collect();
                    let actor = ctx.actor("programme", day, 14, 30);
                    ctx.store
                        .set_referral_status(&actor, referrals[r].id, status, &why)?;
                    referrals[r].status = status;
                    continue;
                }
            }
        };
        ctx.added.allocations += 1;
        ctx.added.overrides += usize::from(reason.is_some());
        referrals[r].status = ReferralStatus::Allocated;
        let leaves = rng
            .random_bool(0.07)
            .then(|| day + Duration::days(rng.random_range(7..=42)))
            .filter(|d| *d < today && *d < p.ends_on);
        members.push(Member {
            referral: r,
            from: day,
            reliability: rng.random_range(0.65..0.99),
            leaves,
            attended: 0,
            counted: 0,
        });
    }
    Ok(members)
}
