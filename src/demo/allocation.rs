//! The demo's allocation data, so every allocation screen has something true to show: the district -> region
//! table (the Rule 59 preference), non-associations between people held in the same unit (a few already in one
//! cell: current violations for the report), and segregation placements, some past day 10 and day 15, and
//! some ended (one or two after more than 15 days, for the segregation report).

use super::DemoError;
use super::profile::Profile;
use crate::domain::allocate::AllocationRules;
use crate::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
use crate::store::{Actor, Store, StoreError, Within};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use std::collections::HashMap;

const COMMENTS: &[&str] = &[
    "fight in the yard; both seen by the medical officer",
    "threats reported by the victim's family",
    "members of rival groups; intelligence report",
    "co-accused: the court asked that they be kept apart until trial",
    "debt over goods from the canteen; one assault",
];

const SEGREGATION_REASONS: &[&str] = &[
    "assault on staff, pending adjudication",
    "own protection after threats",
    "found with a weapon; pending adjudication",
    "disruptive behaviour in the unit",
];

/// What was added.
pub struct Added {
    pub non_associations: usize,
    /// Open placements, then ended ones.
    pub segregations: usize,
    pub ended: usize,
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    super::pick(rng, items)
}

pub fn add(
    store: &mut Store,
    profile: &Profile,
    prisoners: usize,
    now: DateTime<Utc>,
    rng: &mut impl Rng,
) -> Result<Added, DemoError> {
    let actor = Actor::system("demo", now);
    let mut rules = AllocationRules::default();
    for region in &profile.regions {
        for district in &region.districts {
            rules
                .home_regions
                .insert(district.clone(), region.name.clone());
        }
    }
    store.set_allocation_rules(&actor, &rules)?;

    // Dated from now, not the reference day: whether a placement is in force or past day 15 is about today.
    let today = now.date_naive();
    let c = store.candidate_cells(Within::All, today)?;
    let mut by_unit: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, cell) in c.cells.iter().enumerate() {
        if !cell.occupants.is_empty() {
            by_unit.entry(cell.unit).or_default().push(i);
        }
    }
    let occupied: Vec<usize> = by_unit.values().flatten().copied().collect();
    if occupied.is_empty() {
        return Ok(Added {
            non_associations: 0,
            segregations: 0,
            ended: 0,
        });
    }
    let mut occupied = occupied;
    occupied.sort_unstable();
    let person = |rng: &mut dyn rand::RngCore, cell: usize| -> i64 {
        let o = &c.cells[cell].occupants;
        o[rng.random_range(0..o.len())].prisoner_id
    };

    let mut non_associations = 0;
    for _ in 0..(prisoners / 200).clamp(3, 300) {
        let first_cell = *pick(rng, &occupied);
        let unit_cells = &by_unit[&c.cells[first_cell].unit];
        // One in ten already share a cell: a placement the report should catch.
        let second_cell = if rng.random_bool(0.1) {
            first_cell
        } else {
            *pick(rng, unit_cells)
        };
        let first = person(rng, first_cell);
        let second = person(rng, second_cell);
        if first == second {
            continue;
        }
        let (first_role, second_role, reason) = match rng.random_range(0..4) {
            0 => (NaRole::Victim, NaRole::Perpetrator, NaReason::Violence),
            1 => (NaRole::Rival, NaRole::Rival, NaReason::Gang),
            2 => (NaRole::Gang, NaRole::Gang, NaReason::OrganisedCrime),
            _ => (
                NaRole::Codefendant,
                NaRole::Codefendant,
                NaReason::LegalRequest,
            ),
        };
        let na = NonAssociation {
            id: 0,
            first,
            first_role,
            second,
            second_role,
            reason,
            scope: if rng.random_bool(0.8) {
                NaScope::Cell
            } else {
                NaScope::Unit
            },
            comment: pick(rng, COMMENTS).to_string(),
            start: today - Duration::days(rng.random_range(0..400)),
            expiry: rng
                .random_bool(0.2)
                .then(|| today + Duration::days(rng.random_range(30..365))),
            closed: None,
        };
        match store.add_non_association(&actor, &na) {
            Ok(_) => non_associations += 1,
            // The same pair drawn twice: one open record per pair is the rule.
            Err(StoreError::Invalid(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }

    let mut segregations = 0;
    for k in 0..(prisoners / 400).clamp(3, 40) {
        let cell = *pick(rng, &occupied);
        let who = person(rng, cell);
        // Up to 20 days: some past the day-10 warning, some past the day-15 alert; the first two are one of
        // each, so the supervisor's home screen always has both to show.
        let hours = match k {
            0 => rng.random_range(15 * 24 + 2..20 * 24),
            1 => rng.random_range(10 * 24 + 2..15 * 24 - 2),
            _ => rng.random_range(2..20 * 24),
        };
        let start = (now - Duration::hours(hours)).naive_utc();
        let reason = pick(rng, SEGREGATION_REASONS);
        match store.start_segregation(&actor, who, start, reason) {
            Ok(_) => segregations += 1,
            Err(StoreError::Invalid(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }

    // Ended placements, drawn after the open ones so those stay as they were. The first two ended a few hours
    // ago after more than 15 days, so this week's segregation report has a Rule 44 breach to show; the rest
    // ended over the past fortnight, most well within the limit.
    let mut ended = 0;
    for k in 0..(prisoners / 800).clamp(2, 20) {
        let cell = *pick(rng, &occupied);
        let who = person(rng, cell);
        let (days, hours_ago) = if k < 2 {
            (rng.random_range(16..23), rng.random_range(1..6))
        } else {
            (rng.random_range(1..20), rng.random_range(6..14 * 24))
        };
        let end = (now - Duration::hours(hours_ago)).naive_utc();
        let start = end - Duration::days(days) - Duration::hours(rng.random_range(0..12));
        let reason = pick(rng, SEGREGATION_REASONS);
        let id = match store.start_segregation(&actor, who, start, reason) {
            Ok(id) => id,
            // Already in an open placement (drawn above): an earlier one cannot be recorded after it.
            Err(StoreError::Invalid(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        store.end_segregation(&Actor::system("demo", now), id, end)?;
        ended += 1;
    }
    Ok(Added {
        non_associations,
        segregations,
        ended,
    })
}
