//! Custody classifications for the demo: the shipped `custody_initial` and `custody_reclass` forms filled in
//! from each person's record (offence, sentence, time to release, age, children) plus drawn history, finalised
//! through the store so every level is what the scale itself gives, approved by a supervisor (four eyes), with
//! some reclassifications at the review date, a few discretionary overrides, and the newest still awaiting
//! approval. The placements report then finds the people whose level their unit's security no longer meets.

use super::DemoError;
use super::profile::Profile;
use crate::domain::estate::{LegalStatus, SecurityLevel, Sex};
use crate::domain::forms::answers::initial_answers;
use crate::domain::forms::{Answers, Form, Registry, Value};
use crate::domain::prisoner::{BirthDate, Prisoner};
use crate::store::{Actor, AssessmentRow, Override, Store, StoreError, Subject, Within};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Built into the binary like the needs screen, so the demo gives the same levels from any directory.
const INITIAL: &str = include_str!("../../forms/custody_initial.toml");
const RECLASS: &str = include_str!("../../forms/custody_reclass.toml");

/// Share of the convicted people of a facility classified (up to the size's cap): an assumption, most but not
/// all, so the "not yet classified" rule still has people to show.
const CLASSIFIED_SHARE: f64 = 0.7;
/// Share of people placed after their classification, in a unit their level allows (the rest were placed
/// before it, or moved since); and how many times their history is drawn again to find such a level.
const PLACED_AFTER_CLASSIFICATION: f64 = 0.9;
const REDRAWS: usize = 6;
/// Share of the people in minimum-security units not drawn above who have been classified.
const OPEN_CLASSIFIED_SHARE: f64 = 0.9;
/// Share of those whose review date has passed who were reclassified; the rest are overdue (the reviews report).
const REVIEWED_SHARE: f64 = 0.85;
/// Share of initial classifications done later than the 14 days after admission the rules allow.
const LATE_SHARE: f64 = 0.08;
/// Share of classifications where the assessor overrode the scale, with a reason.
const OVERRIDE_SHARE: f64 = 0.06;

const RAISE_REASONS: &[&str] = &[
    "intelligence report links him to an escape plan; one level higher until the security review",
    "threats to staff recorded at the court cells; the scale does not yet show it",
    "leading figure in a gang active in the unit, according to the security department",
];
const LOWER_REASONS: &[&str] = &[
    "steady conduct over a long remand and strong family ties; the offence score overstates the risk",
    "elderly and in poor health; the scale's history items overstate the risk he poses",
];
const WOMEN_REASONS: &[&str] = &[
    "low risk to others; caring for young children and a first custodial sentence",
    "settled on the women's wing, works in the kitchen, no incidents since admission",
    "history of abuse by her partner; risk to others is low, risk to herself needs watching",
    "two assaults on other women in the last year; closer supervision is needed",
];

/// What was added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    /// Custody assessments finalised: initial classifications and reclassifications.
    pub classified: usize,
    /// Of those, reclassifications at a review date.
    pub reclassified: usize,
    pub overrides: usize,
    /// Classifications left awaiting a supervisor.
    pub pending: usize,
}

/// Loads both custody forms through the forms registry and records their versions, as the TUI does at start.
fn forms(store: &mut Store, actor: &Actor) -> Result<(Arc<Form>, Arc<Form>), DemoError> {
    let mut registry = Registry::from_files([
        (
            PathBuf::from("forms/custody_initial.toml"),
            INITIAL.as_bytes().to_vec(),
        ),
        (
            PathBuf::from("forms/custody_reclass.toml"),
            RECLASS.as_bytes().to_vec(),
        ),
    ]);
    store.register_forms(actor, &mut registry)?;
    if let Some(u) = registry.unavailable.first() {
        return Err(DemoError::Profile(u.lines().join("; ")));
    }
    let get = |id: &str| {
        registry
            .get(id)
            .cloned()
            .ok_or_else(|| DemoError::Profile(format!("forms/{id}.toml: no {id} form")))
    };
    Ok((get("custody_initial")?, get("custody_reclass")?))
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
    day.and_time(time).and_utc()
}

fn weighted<'a>(rng: &mut impl Rng, weights: &[f64], values: &[&'a str]) -> &'a str {
    let i = super::Weighted::new(weights).map_or(0, |w| w.sample(rng));
    values.get(i).copied().unwrap_or(values[0])
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// Classifies a share of each facility's convicted people, and nearly everyone else held in a minimum-security
/// unit (open conditions are given on a classification), up to `per_facility` of each. People are read from the register by id; the random
/// stream is the caller's own, so nothing drawn before changes.
pub fn add(
    store: &mut Store,
    profile: &Profile,
    prisoners: usize,
    per_facility: [u32; 2],
    now: DateTime<Utc>,
    rng: &mut impl Rng,
) -> Result<Added, DemoError> {
    let (initial, reclass) = forms(store, &Actor::system("demo", now))?;
    let today = now.date_naive();
    let estate = store.candidate_cells(Within::All, today)?;
    let security: HashMap<i64, SecurityLevel> = (0..estate.cells.len())
        .filter_map(|i| estate.place(i))
        .map(|p| (p.cell.id, p.unit.security))
        .collect();
    let open: HashSet<i64> = security
        .iter()
        .filter(|(_, s)| **s == SecurityLevel::Minimum)
        .map(|(c, _)| *c)
        .collect();
    // Per facility: the convicted, and the others held in open conditions.
    let mut by_facility: BTreeMap<i64, (Vec<Prisoner>, Vec<Prisoner>)> = BTreeMap::new();
    for id in 1..=prisoners as i64 {
        let Some(row) = store.prisoner(id)? else {
            continue;
        };
        let mut p = row.prisoner;
        // The demo's sentences are its cases (the admission form's fields stay empty): the months the scale
        // reads are the first case's, a life sentence none.
        if p.sentence_months.is_none() {
            p.sentence_months = store.cases(id)?.first().and_then(|c| match c.sentence {
                Some(crate::domain::sentence::Sentence {
                    length: crate::domain::sentence::Length::Term { years, months, .. },
                    ..
                }) => Some(years * 12 + months),
                _ => None,
            });
        }
        let (Some(f), true) = (p.facility_id, p.in_custody) else {
            continue;
        };
        let lists = by_facility.entry(f).or_default();
        if p.legal_status == LegalStatus::Convicted {
            lists.0.push(p);
        } else if p.cell_id.is_some_and(|c| open.contains(&c)) {
            lists.1.push(p);
        }
    }
    let mut added = Added::default();
    for (convicted, others) in by_facility.values_mut() {
        convicted.shuffle(rng);
        others.shuffle(rng);
        let share = |n: usize, s: f64| (n as f64 * s).round() as usize;
        let drawn = share(convicted.len(), CLASSIFIED_SHARE).min(per_facility[0] as usize);
        let in_open = |p: &&Prisoner| p.cell_id.is_some_and(|c| open.contains(&c));
        let open_rest: Vec<&Prisoner> = convicted[drawn..]
            .iter()
            .filter(in_open)
            .chain(others.iter())
            .collect();
        let forms = Forms {
            initial: &initial,
            reclass: &reclass,
        };
        let unit = |p: &Prisoner| p.cell_id.and_then(|c| security.get(&c).copied());
        for p in &convicted[..drawn] {
            classify(store, profile, &forms, p, unit(p), today, rng, &mut added)?;
        }
        // A few in open conditions are still waiting for theirs: the "not yet classified" rule shows them.
        let open_taken =
            share(open_rest.len(), OPEN_CLASSIFIED_SHARE).min(per_facility[1] as usize);
        for p in &open_rest[..open_taken] {
            classify(store, profile, &forms, p, unit(p), today, rng, &mut added)?;
        }
    }
    Ok(added)
}

struct Forms<'a> {
    initial: &'a Form,
    reclass: &'a Form,
}

/// The level the scale gives for `answers`, as the store will compute it on finalising.
fn scored_level(form: &Form, answers: &Answers, day: NaiveDate) -> Option<SecurityLevel> {
    let done = crate::domain::forms::finalise(form, answers, day).ok()?;
    let choice = form.result.as_ref()?.choices.get(done.outcome.result?)?;
    SecurityLevel::parse(&choice.value)
}

/// One person's initial classification, its approval, and perhaps a reclassification at the review date.
/// Most people were placed after their classification, in a unit whose security it allows: their history is
/// drawn again (up to a few times) until the scale's level fits the unit they are in, so the breaches the
/// placements report finds are the realistic ones (placed before being classified, a level that rose at a
/// reclassification, an override, a charge too serious for the unit), not noise from random placement.
#[allow(clippy::too_many_arguments)]
fn classify(
    store: &mut Store,
    profile: &Profile,
    forms: &Forms,
    p: &Prisoner,
    unit: Option<SecurityLevel>,
    today: NaiveDate,
    rng: &mut impl Rng,
    added: &mut Added,
) -> Result<(), DemoError> {
    let (initial, reclass) = (forms.initial, forms.reclass);
    let admitted = p.admitted_at.date();
    // Within the 14 days the rules allow, mostly; a few late (the Mandela report counts them).
    let late = rng.random_bool(LATE_SHARE);
    let after = if late {
        rng.random_range(15..60)
    } else {
        rng.random_range(1..14)
    };
    let day = (admitted + Duration::days(after)).min(today - Duration::days(1));
    let mut answers = start(initial, p);
    answers.extend(history(profile, p, day, rng));
    if let Some(unit) = unit
        && rng.random_bool(PLACED_AFTER_CLASSIFICATION)
    {
        for _ in 0..REDRAWS {
            if scored_level(initial, &answers, day).is_none_or(|l| l <= unit) {
                break;
            }
            answers.extend(history(profile, p, day, rng));
        }
    }
    let Some(first) = finalise(store, initial, p, &answers, day, today, rng, added)? else {
        return Ok(());
    };
    // The review date has passed: most were reviewed on time (a little after), the rest are overdue.
    let Some(review) = first.next_review else {
        return Ok(());
    };
    if review >= today - Duration::days(1) || !rng.random_bool(REVIEWED_SHARE) {
        return Ok(());
    }
    // Reviewed at each review date since; the demo records the latest of them, within the last review interval
    // (the earlier ones would change nothing the screens show, at a cost in build time).
    let interval = first
        .assessed_on
        .map_or(365, |a| (review - a).num_days())
        .clamp(30, 400);
    let day = if (today - review).num_days() < interval {
        review + Duration::days(rng.random_range(0..14))
    } else {
        today - Duration::days(rng.random_range(2..interval - 14))
    }
    .min(today - Duration::days(1));
    let mut again = start(reclass, p);
    let kept = first.answers(initial);
    for q in ["escape_risk_flag", "detainer"]
        .into_iter()
        .chain(SCHEDULE_A)
        .chain(WOMEN)
    {
        if let Some(v) = kept.get(q) {
            again.insert(q.to_string(), v.clone());
        }
    }
    if let Some(level) = &first.result {
        again.insert("current_level".into(), text(level));
    }
    again.extend(conduct(p, rng));
    if finalise(store, reclass, p, &again, day, today, rng, added)?.is_some() {
        added.reclassified += 1;
    }
    Ok(())
}

const SCHEDULE_A: [&str; 4] = [
    "institutional_violence",
    "offence_severity",
    "prior_violence",
    "escape_history",
];
const WOMEN: [&str; 5] = [
    "caring_responsibilities",
    "victimisation",
    "risk_to_others",
    "women_level",
    "women_rationale",
];

/// What the form starts with for this person: its defaults and the register's sex and date of birth. Where the
/// register holds only a year, the assessor enters mid-year, as a clerk estimates an unknown birthday.
fn start(form: &Form, p: &Prisoner) -> Answers {
    let mut a = initial_answers(form, Some(p));
    if let BirthDate::YearOnly(y) = p.birth
        && let Some(d) = NaiveDate::from_ymd_opt(y, 7, 1)
    {
        a.insert("date_of_birth".into(), Value::Date(d));
    }
    a
}

/// Finalises a classification as the demo assessor (sometimes with an override) and has a supervisor approve
/// it, unless it is too recent. A refusal by the store's checks discards the draft and skips the person.
#[allow(clippy::too_many_arguments)]
fn finalise(
    store: &mut Store,
    form: &Form,
    p: &Prisoner,
    answers: &Answers,
    day: NaiveDate,
    today: NaiveDate,
    rng: &mut impl Rng,
    added: &mut Added,
) -> Result<Option<AssessmentRow>, DemoError> {
    let assessor = Actor::staff(
        "assessor",
        crate::domain::auth::Role::Assessor,
        at(day, 10, rng.random_range(0..59)),
    );
    let id = store.start_assessment(&assessor, form, Subject::Prisoner(p.id), answers)?;
    // Which way an override may go depends on what the scale gives, so the assessor looks first. The override
    // itself is then checked by the store like any other.
    let scored = crate::domain::forms::finalise(form, answers, day)
        .ok()
        .and_then(|d| Some((d.outcome.result?, d.outcome.mandatory.is_some())));
    let reason;
    let chosen = match scored {
        Some((level, mandatory)) if rng.random_bool(OVERRIDE_SHARE) => {
            match override_for(form, p, level, mandatory, rng) {
                Some((result, why)) => {
                    reason = why;
                    Some(Override {
                        result,
                        reason: reason.as_str(),
                    })
                }
                None => None,
            }
        }
        _ => None,
    };
    let row = match store.finalise_assessment(&assessor, id, day, chosen) {
        Ok(row) => row,
        Err(StoreError::Invalid(m)) => {
            tracing::warn!(prisoner = p.id, form = %form.id, "demo classification refused: {m}");
            store.discard_assessment(&assessor, id)?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    added.classified += 1;
    added.overrides += usize::from(row.override_result.is_some());
    // An override waits for the next case conference, so its approval takes longer; until then it is pending.
    let wait = if row.override_result.is_some() {
        rng.random_range(5..120)
    } else {
        rng.random_range(1..5)
    };
    let on = day + Duration::days(wait);
    if on >= today {
        added.pending += 1;
        return Ok(Some(row));
    }
    let supervisor = Actor::staff(
        "supervisor",
        crate::domain::auth::Role::Supervisor,
        at(on, 15, rng.random_range(0..59)),
    );
    Ok(Some(store.approve_assessment(&supervisor, row.id)?))
}

/// An override one level away from the scale's result, with the assessor's reason; `None` where none fits
/// (a mandatory override may only be raised, and maximum cannot be).
fn override_for(
    form: &Form,
    p: &Prisoner,
    level: usize,
    mandatory: bool,
    rng: &mut impl Rng,
) -> Option<(&'static str, String)> {
    let levels = ["minimum", "medium", "close", "maximum"];
    let choices = &form.result.as_ref()?.choices;
    let value = choices.get(level)?.value.as_str();
    let i = levels.iter().position(|l| *l == value)?;
    let raise = mandatory || i == 0 || (i < 3 && rng.random_bool(0.6));
    let (to, reasons) = match (raise, p.sex) {
        (true, _) if i == 3 => return None,
        (true, Sex::Female) => (i + 1, &WOMEN_REASONS[WOMEN_REASONS.len() - 1..]),
        (true, Sex::Male) => (i + 1, RAISE_REASONS),
        (false, Sex::Female) => (i - 1, &WOMEN_REASONS[..WOMEN_REASONS.len() - 1]),
        (false, Sex::Male) => (i - 1, LOWER_REASONS),
    };
    let why = *super::pick::<&str>(rng, reasons);
    Some((levels[to], why.to_string()))
}

/// Offence severity from the sentence the court gave, or for someone not sentenced from the longest sentence
/// the country's law gives for the (first) charge: the shape of a service's severity table.
fn severity(profile: &Profile, p: &Prisoner) -> &'static str {
    if p.vep {
        return "highest";
    }
    let months = p
        .sentence_months
        .unwrap_or_else(|| charge(profile, p).map_or(0, |[_, high]| high));
    match months {
        0..=24 => "low",
        25..=84 => "moderate",
        85..=240 => "high",
        _ => "highest",
    }
}

/// Months to the expected release; for someone not sentenced, the middle of the range the law gives for the
/// charge (what an assessor estimates before the trial).
fn time_to_release(profile: &Profile, p: &Prisoner, day: NaiveDate) -> &'static str {
    let months = match p.expected_release {
        Some(r) => (r.year() - day.year()) * 12 + r.month() as i32 - day.month() as i32,
        None => charge(profile, p).map_or(0, |[low, high]| ((low + high) / 2) as i32),
    };
    match months {
        ..12 => "under_1y",
        12..60 => "1_to_5y",
        60..120 => "5_to_10y",
        _ => "over_10y",
    }
}

/// The sentence range in months the country's law gives for the person's first charge.
fn charge(profile: &Profile, p: &Prisoner) -> Option<[u32; 2]> {
    let first = p.offences.split(';').next().unwrap_or("").trim();
    profile
        .offences
        .iter()
        .find(|o| o.text == first)
        .map(|o| o.months)
}

/// The history items an assessor reads from the file and the interview: the record's own facts where it has
/// them, otherwise drawn with assumed shares (violence weighs more for a long sentence).
fn history(profile: &Profile, p: &Prisoner, day: NaiveDate, rng: &mut impl Rng) -> Answers {
    let mut a = Answers::new();
    let serious = matches!(severity(profile, p), "high" | "highest");
    a.insert(
        "escape_risk_flag".into(),
        Value::Bool(rng.random_bool(if p.vep { 0.1 } else { 0.01 })),
    );
    a.insert("detainer".into(), Value::Bool(rng.random_bool(0.04)));
    match p.sex {
        Sex::Male => {
            let violence = if serious {
                [70.0, 6.0, 3.0, 13.0, 8.0]
            } else {
                [86.0, 5.0, 1.0, 6.0, 2.0]
            };
            a.insert(
                "institutional_violence".into(),
                text(weighted(
                    rng,
                    &violence,
                    &[
                        "none",
                        "old_minor",
                        "old_serious",
                        "recent_minor",
                        "recent_serious",
                    ],
                )),
            );
            a.insert("offence_severity".into(), text(severity(profile, p)));
            a.insert(
                "prior_violence".into(),
                text(weighted(
                    rng,
                    &[68.0, 14.0, 12.0, 6.0],
                    &["none", "low", "moderate", "high"],
                )),
            );
            a.insert(
                "escape_history".into(),
                text(weighted(
                    rng,
                    &[92.0, 3.0, 2.0, 2.0, 1.0],
                    &[
                        "none",
                        "open_old",
                        "open_recent",
                        "secure_old",
                        "secure_recent",
                    ],
                )),
            );
            a.insert(
                "substance_misuse".into(),
                text(weighted(
                    rng,
                    &[55.0, 30.0, 15.0],
                    &["none", "some", "serious"],
                )),
            );
            a.insert(
                "prior_convictions".into(),
                text(weighted(
                    rng,
                    &[50.0, 25.0, 25.0],
                    &["none", "one", "two_or_more"],
                )),
            );
            a.insert(
                "time_to_release".into(),
                text(time_to_release(profile, p, day)),
            );
            let stability: Vec<String> = [("work", 0.5), ("school", 0.25), ("home", 0.6)]
                .into_iter()
                .filter(|&(_, chance)| rng.random_bool(chance))
                .map(|(v, _)| v.to_string())
                .collect();
            a.insert("stability".into(), Value::List(stability));
        }
        Sex::Female => {
            let caring = p.children.contains("child") || rng.random_bool(0.2);
            a.insert("caring_responsibilities".into(), Value::Bool(caring));
            a.insert("victimisation".into(), Value::Bool(rng.random_bool(0.4)));
            let risk = weighted(rng, &[70.0, 25.0, 5.0], &["low", "moderate", "high"]);
            a.insert("risk_to_others".into(), text(risk));
            let level = match risk {
                "low" if rng.random_bool(0.8) => "minimum",
                "low" | "moderate" => "medium",
                _ if rng.random_bool(0.15) => "maximum",
                _ => "close",
            };
            a.insert("women_level".into(), text(level));
            // The last reason speaks of risk to others; the others of its absence.
            let (calm, risky) = WOMEN_REASONS.split_at(WOMEN_REASONS.len() - 1);
            let why = *super::pick::<&str>(rng, if risk == "low" { calm } else { risky });
            a.insert("women_rationale".into(), text(why));
        }
    }
    a
}

/// Schedule B of the reclassification: conduct since the last classification, mostly good.
fn conduct(p: &Prisoner, rng: &mut impl Rng) -> Answers {
    let mut a = Answers::new();
    if p.sex == Sex::Female {
        return a;
    }
    let reports = match rng.random_range(0..100) {
        0..70 => 0,
        70..85 => 1,
        85..95 => rng.random_range(2..=3),
        _ => rng.random_range(4..=9),
    };
    a.insert(
        "disciplinary_reports".into(),
        Value::Number(f64::from(reports)),
    );
    if reports > 0 {
        a.insert(
            "most_serious_disciplinary".into(),
            text(weighted(
                rng,
                &[60.0, 28.0, 12.0],
                &["minor", "serious", "violent"],
            )),
        );
    }
    a.insert(
        "programmes".into(),
        text(weighted(
            rng,
            &[25.0, 30.0, 35.0, 10.0],
            &["completed", "some", "none_offered", "refused"],
        )),
    );
    a.insert(
        "work".into(),
        text(weighted(
            rng,
            &[35.0, 55.0, 10.0],
            &["good", "average", "poor"],
        )),
    );
    a
}
