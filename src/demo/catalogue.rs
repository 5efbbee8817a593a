//! The demo's programme catalogue: a country's programme templates (profiles.toml) made concrete for one
//! facility, with a provider, facilitators, weekly slots, capacity and dates around today. Some courses have just
//! finished, most are running, a few start soon, so every roster screen has a past, a present and a future.

use super::profile::{Profile, ProgrammeTemplate};
use super::{Weighted, pick};
use crate::domain::estate::{AgeGroup, FacilityKind, LegalStatus, Sex};
use crate::domain::roster::{Category, Eligibility, Programme, Slot};
use chrono::{Duration, NaiveDate, NaiveTime};
use rand::Rng;
use rand::seq::SliceRandom;

/// Where a course stands on the demo's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Ended a few days ago: its members are completed or withdrawn.
    Finished,
    Running,
    /// Starts within three weeks: places are being given, nothing is marked yet.
    Soon,
}

/// Who a facility holds, which decides the groups it can run (Rule 11: sexes and ages kept apart).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacilityFacts {
    pub id: i64,
    pub kind: FacilityKind,
    pub holds_men: bool,
    pub holds_women: bool,
    pub holds_young: bool,
}

/// A programme ready for `Store::add_programme`, and its phase.
pub(crate) struct Planned {
    pub programme: Programme,
    pub phase: Phase,
}

/// Share of a group's places that violent-extremist prisoners may take (UNODC: mix them into ordinary groups).
const VEP_SHARE_PERCENT: u8 = 20;

/// Start times: mornings after the count and unlock, afternoons after lunch and the second count.
const MORNINGS: [(u32, u32); 3] = [(8, 30), (9, 0), (10, 0)];
const AFTERNOONS: [(u32, u32); 2] = [(14, 0), (14, 30)];

/// The facility's catalogue, in template order.
pub(crate) fn programmes(
    profile: &Profile,
    f: &FacilityFacts,
    today: NaiveDate,
    rng: &mut impl Rng,
) -> Vec<Planned> {
    let mut out = Vec::new();
    for t in &profile.rosters.programme {
        // Drawn for every template, run or not, so one template's fate never shifts the next one's draws.
        let runs = rng.random_bool(t.chance);
        let kind_ok = t.kinds.is_empty() || t.kinds.iter().any(|k| k == f.kind.as_str());
        // A women's group needs women; any other runs for whoever is held (men's groups where both are).
        let people_ok = t.sex.is_none() || f.holds_women;
        if !(runs && kind_ok && people_ok) {
            continue;
        }
        out.push(plan(profile, t, f, today, rng));
    }
    out
}

fn plan(
    profile: &Profile,
    t: &ProgrammeTemplate,
    f: &FacilityFacts,
    today: NaiveDate,
    rng: &mut impl Rng,
) -> Planned {
    let category = Category::parse(&t.category).unwrap_or(Category::Education);
    let provider = match profile.rosters.providers.get(&t.provider) {
        Some(names) if !names.is_empty() => pick(rng, names).clone(),
        _ => "staff".to_string(),
    };
    let facilitators = (0..rng.random_range(1..=2))
        .map(|_| facilitator(profile, rng))
        .collect();
    let sex = match (&t.sex, f.holds_men && f.holds_women) {
        (Some(_), _) => Some(Sex::Female),
        // Where both sexes are held, ordinary groups are men's and women's groups are their own templates.
        (None, true) => Some(Sex::Male),
        (None, false) => None,
    };
    let age = match f.kind {
        FacilityKind::Juvenile => Some(AgeGroup::Young),
        _ if f.holds_young => Some(AgeGroup::Adult),
        _ => None,
    };
    let eligibility = Eligibility {
        needs: t.needs.clone(),
        custody: Vec::new(),
        sex,
        age,
        legal: t
            .legal
            .iter()
            .filter_map(|l| LegalStatus::parse(l))
            .collect(),
        units: Vec::new(),
    };
    let weeks = i64::from(rng.random_range(t.weeks[0]..=t.weeks[1]));
    let phase = match rng.random_range(0..10) {
        // Only short courses have run their whole length inside the demo's history.
        0..=2 if weeks <= 12 => Phase::Finished,
        0..=1 => Phase::Soon,
        _ => Phase::Running,
    };
    let (starts_on, ends_on) = match phase {
        Phase::Finished => {
            let ends = today - Duration::days(rng.random_range(2..=12));
            (ends - Duration::days(weeks * 7 - 1), ends)
        }
        Phase::Running => {
            let starts = today - Duration::days(rng.random_range(7..=56));
            let ends = (starts + Duration::days(weeks * 7 - 1)).max(today + Duration::days(14));
            (starts, ends)
        }
        Phase::Soon => {
            let starts = today + Duration::days(rng.random_range(3..=21));
            (starts, starts + Duration::days(weeks * 7 - 1))
        }
    };
    Planned {
        programme: Programme {
            id: 0,
            facility_id: f.id,
            code: t.code.clone(),
            name: t.name.clone(),
            category,
            provider,
            facilitators,
            room: t.room.clone(),
            capacity: rng.random_range(t.capacity[0]..=t.capacity[1]),
            starts_on,
            ends_on,
            eligibility,
            // Work and sport count turning up less strictly than a course with a certificate at the end.
            completion_percent: match category {
                Category::Work | Category::Sport | Category::Faith => 70,
                _ => 80,
            },
            vep_share_percent: VEP_SHARE_PERCENT,
            slots: slots(t, rng),
        },
        phase,
    }
}

/// Between the template's minimum and maximum sessions a week, on different days (so they never overlap),
/// all at one time of day.
fn slots(t: &ProgrammeTemplate, rng: &mut impl Rng) -> Vec<Slot> {
    let mut days: Vec<u8> = if t.days.is_empty() {
        (1..=5).collect()
    } else {
        t.days.clone()
    };
    days.shuffle(rng);
    let n = usize::from(rng.random_range(t.sessions[0]..=t.sessions[1])).min(days.len());
    let mut chosen = days[..n].to_vec();
    chosen.sort_unstable();
    // Long sessions (work, workshops) take the morning so they end before the afternoon count.
    let (h, m) = if t.minutes > 180 {
        (8, 0)
    } else if rng.random_bool(0.6) {
        *pick(rng, &MORNINGS)
    } else {
        *pick(rng, &AFTERNOONS)
    };
    let starts = NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
    let ends = starts + Duration::minutes(i64::from(t.minutes));
    chosen
        .into_iter()
        .map(|weekday| Slot {
            id: 0,
            weekday,
            starts,
            ends,
        })
        .collect()
}

/// A facilitator's name, made like prisoners' names from the country's name parts and written in Latin letters
/// as staff rotas are.
fn facilitator(profile: &Profile, rng: &mut impl Rng) -> String {
    let weights: Vec<f64> = profile
        .regions
        .iter()
        .map(|r| f64::from(r.weight))
        .collect();
    let region = Weighted::new(&weights).map_or(0, |w| w.sample(rng));
    let Some(key) = profile.regions.get(region).map(|r| pick(rng, &r.names)) else {
        return "Programme officer".into();
    };
    let Some(group) = profile.name_groups.get(key) else {
        return "Programme officer".into();
    };
    let male = rng.random_bool(0.6);
    let given = profile.given_names(group, male);
    let family = profile.family_names(group, male);
    if given.is_empty() || family.is_empty() {
        return "Programme officer".into();
    }
    let g = pick(rng, given);
    let f = pick(rng, &family);
    let latin = |p: &super::profile::NamePart| p.latin().unwrap_or(p.native()).to_string();
    format!("{} {}", latin(g), latin(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn facts(kind: FacilityKind, men: bool, women: bool) -> FacilityFacts {
        FacilityFacts {
            id: 1,
            kind,
            holds_men: men,
            holds_women: women,
            holds_young: false,
        }
    }

    #[test]
    fn every_country_gives_valid_programmes_whose_slots_never_overlap() {
        let profiles = super::super::profile::Profiles::load().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for country in super::super::Country::ALL {
            let profile = profiles.country(country);
            let mut seen = 0;
            for f in [
                facts(FacilityKind::Men, true, false),
                facts(FacilityKind::Women, false, true),
                facts(FacilityKind::Mixed, true, true),
                facts(FacilityKind::Juvenile, true, false),
            ] {
                for p in programmes(profile, &f, today, &mut rng) {
                    let p = p.programme;
                    p.validate()
                        .unwrap_or_else(|e| panic!("{country} {}: {e}", p.code));
                    assert!((1..=3).contains(&p.slots.len()), "{}", p.code);
                    if f.holds_men && f.holds_women {
                        assert!(p.eligibility.sex.is_some(), "{}", p.code);
                    }
                    seen += 1;
                }
            }
            assert!(seen >= 20, "{country}: {seen}");
        }
    }

    #[test]
    fn women_only_groups_run_only_where_women_are_held() {
        let profiles = super::super::profile::Profiles::load().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for _ in 0..20 {
            for p in programmes(
                &profiles.tunisia,
                &facts(FacilityKind::Men, true, false),
                today,
                &mut rng,
            ) {
                assert_ne!(p.programme.eligibility.sex, Some(Sex::Female));
            }
        }
    }
}
