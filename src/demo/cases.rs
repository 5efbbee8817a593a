//! Demo cases and sentences (issue 17): each person's legal basis of detention as cases, consistent with the day
//! the demo is built. Everyone sentenced is still serving under the country's release rules, except a few whose
//! date has passed: most of those the demo has released on their release day, and a few are left in custody for
//! the supervisors' past-release alert to find.

use super::people::{Context, Skeleton};
use super::profile::OffenceKind;
use crate::domain::estate::{AgeGroup, LegalStatus};
use crate::domain::prisoner::Prisoner;
use crate::domain::sentence::ReleaseOverride;
use crate::domain::sentence::{
    Case, Length, OffenceClass, Relation, ReleaseRules, Sentence, Warrant, expected_release,
};
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How a sentenced person's release stands on the day the demo is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    Serving,
    /// Their date has passed and they are still held: a true case for the alert.
    HeldPast,
    /// Their date passed and the demo released them on it.
    Released,
}

/// The stand-in id of a person's first case before it is stored; the second may run consecutive to it.
const FIRST: i64 = 1;

/// The release day of one sentence of `months` from `start` under `rules`.
fn release_of(start: NaiveDate, months: u32, rules: &ReleaseRules) -> Option<NaiveDate> {
    let case = Case {
        id: FIRST,
        warrant: Warrant {
            reference: "-".into(),
            court: "-".into(),
            issued: start,
            expires: None,
        },
        offence: "-".into(),
        class: OffenceClass::Serious,
        committed: start,
        sentence: Some(Sentence {
            length: Length::months(months),
            start,
            relation: Relation::Concurrent(None),
        }),
    };
    expected_release(&[case], rules, None).date
}

/// Chooses who is past release on the build day: a few held past it (a quarter as many as there are
/// facilities, at least three), about one in fifty of the rest released on their day, all adults convicted of
/// an ordinary offence (the VEP and youth counts stay as the profile says). Their sentence is moved back so that
/// its release falls that many days before the build day.
pub(crate) fn settle_fates(
    people: &mut [Skeleton],
    rules: &ReleaseRules,
    reference: NaiveDate,
    facilities: usize,
    rng: &mut impl Rng,
) {
    let mut candidates: Vec<usize> = (0..people.len())
        .filter(|&i| {
            let s = &people[i];
            s.class.status == LegalStatus::Convicted
                && s.class.age == AgeGroup::Adult
                && !s.vep
                && s.months.is_some()
        })
        .collect();
    super::estate::shuffle(&mut candidates, rng);
    let held_past = (facilities / 4).max(3);
    let released = candidates.len() / 50;
    for (k, &i) in candidates.iter().take(held_past + released).enumerate() {
        let (fate, days_past) = if k < held_past {
            (Fate::HeldPast, rng.random_range(1..=45))
        } else {
            (Fate::Released, rng.random_range(1..=330))
        };
        let s = &mut people[i];
        let Some(months) = s.months else { continue };
        let target = reference - Duration::days(days_past);
        // Month lengths make the served days vary a little with the start: settle it in a few steps.
        let mut start = target - Duration::days(i64::from(months) * 30);
        for _ in 0..4 {
            match release_of(start, months, rules) {
                Some(release) if release != target => start += target - release,
                _ => break,
            }
        }
        if release_of(start, months, rules) != Some(target) {
            continue;
        }
        let waited = rng.random_range(0..=90);
        let day = start - Duration::days(waited);
        s.admitted = day
            .and_hms_opt(rng.random_range(8..=18), rng.random_range(0..60), 0)
            .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN));
        s.sentence_start = Some(start);
        s.fate = fate;
    }
}

fn class_of(ctx: &Context, s: &Skeleton) -> OffenceClass {
    let offence = &ctx.profile.offences[s.offence];
    match offence.kind {
        OffenceKind::Civil => OffenceClass::Civil,
        OffenceKind::Immigration => OffenceClass::Immigration,
        OffenceKind::Vep => OffenceClass::Grave,
        // By the longest term the offence carries: what decides which court may try it.
        OffenceKind::Criminal if offence.months[1] >= 120 => OffenceClass::Grave,
        OffenceKind::Criminal if offence.months[1] >= 24 => OffenceClass::Serious,
        OffenceKind::Criminal => OffenceClass::Minor,
    }
}

/// The person's cases, with stand-in ids (the first is `FIRST`): one per offence on the record. A remand or
/// immigration warrant runs to the next court date; a second offence has its own warrant and a shorter sentence,
/// mostly concurrent, sometimes consecutive to the first.
pub(crate) fn cases(ctx: &Context, s: &Skeleton, p: &Prisoner) -> Vec<Case> {
    // A stream of its own beside the person's record stream, so adding cases changed nobody's particulars.
    let mut rng = ChaCha8Rng::seed_from_u64(ctx.seed ^ 0x0000_CA5E);
    rng.set_stream(u64::from(s.index) + 1);
    let committed = p.admitted_at.date();
    let next_court = p.court_dates.iter().copied().find(|d| *d >= ctx.reference);
    let class = class_of(ctx, s);
    // One in ten of those serving for an offence that carries 30 years or more is serving life.
    let life = s.fate == Fate::Serving
        && s.class.status == LegalStatus::Convicted
        && ctx.profile.offences[s.offence].months[1] >= 360
        && rng.random_bool(0.1);
    let first_sentence = match (s.sentence_start, s.months) {
        (Some(start), Some(months)) => Some(Sentence {
            length: if life {
                Length::Life
            } else {
                Length::months(months)
            },
            start,
            relation: Relation::Concurrent(None),
        }),
        _ => None,
    };
    let mut offences = p.offences.split("; ");
    let first = Case {
        id: FIRST,
        warrant: Warrant {
            reference: p.warrant_ref.clone(),
            court: p.committing_authority.clone(),
            issued: s.sentence_start.unwrap_or(committed),
            expires: if first_sentence.is_none() {
                next_court
            } else {
                None
            },
        },
        offence: offences.next().unwrap_or("-").to_string(),
        class,
        committed,
        sentence: first_sentence,
    };
    let mut out = vec![first];
    if let (Some(second), Some(main)) = (offences.next(), first_sentence) {
        let months = match main.length {
            Length::Term { months, .. } => rng.random_range(1..=months.clamp(1, 12)),
            Length::Life => 12,
        };
        // Consecutive only while serving: it would move a date the demo set to have passed.
        let relation = if rng.random_bool(0.3) && s.fate == Fate::Serving {
            Relation::ConsecutiveTo(FIRST)
        } else {
            Relation::Concurrent(None)
        };
        out.push(Case {
            id: FIRST + 1,
            warrant: Warrant {
                reference: format!("{} (2)", p.warrant_ref),
                court: p.committing_authority.clone(),
                issued: main.start,
                expires: None,
            },
            offence: second.to_string(),
            class,
            committed,
            sentence: Some(Sentence {
                length: Length::months(months),
                start: main.start,
                relation,
            }),
        });
    }
    out
}

/// About one in two hundred of those serving a term has a court order that brings the release forward (an appeal
/// that reduced the sentence), still after the build day: the demo shows the replaced date and its reason.
pub(crate) fn court_order(
    ctx: &Context,
    s: &Skeleton,
    computed: Option<NaiveDate>,
) -> Option<ReleaseOverride> {
    let mut rng = ChaCha8Rng::seed_from_u64(ctx.seed ^ 0x0000_0DE2);
    rng.set_stream(u64::from(s.index) + 1);
    let computed = computed?;
    if s.fate != Fate::Serving
        || s.class.status != LegalStatus::Convicted
        || !rng.random_bool(0.005)
    {
        return None;
    }
    let room = (computed - ctx.reference).num_days();
    if room < 60 {
        return None;
    }
    let date = computed - Duration::days(rng.random_range(30..room.min(365)));
    Some(ReleaseOverride {
        date,
        reason: format!(
            "Court of Appeal, Criminal Appeal No. {} of {}: sentence reduced",
            rng.random_range(1..=400),
            ctx.reference.year()
        ),
    })
}
