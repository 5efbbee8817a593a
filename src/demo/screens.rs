//! Needs screens for the demo: answers drawn from the country's shares, filled in and finalised through the
//! store with the shipped `needs_screen` form, so every finding is what the form itself concludes from them.

use super::DemoError;
use super::profile::NeedShares;
use crate::domain::forms::{Answers, Form, Registry, Value};
use crate::store::{Actor, Store, Subject};
use chrono::NaiveDate;
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;

/// The form as shipped in `forms/`, built into the binary: `warden demo` gives the same screens from whichever
/// directory it is run, and the TUI later finds this very version recorded.
const NEEDS_SCREEN: &str = include_str!("../../forms/needs_screen.toml");

/// Loads the needs screen through the forms registry and records its version, as the TUI does at start.
pub(crate) fn needs_form(store: &mut Store, actor: &Actor) -> Result<Arc<Form>, DemoError> {
    let mut registry = Registry::from_files([(
        PathBuf::from("forms/needs_screen.toml"),
        NEEDS_SCREEN.as_bytes().to_vec(),
    )]);
    store.register_forms(actor, &mut registry)?;
    if let Some(u) = registry.unavailable.first() {
        return Err(DemoError::Profile(u.lines().join("; ")));
    }
    registry
        .get("needs_screen")
        .cloned()
        .ok_or_else(|| DemoError::Profile("forms/needs_screen.toml: no needs_screen form".into()))
}

/// Fills in and finalises one screen for `prisoner` on `day`; returns its findings.
pub(crate) fn screen(
    store: &mut Store,
    actor: &Actor,
    form: &Form,
    prisoner: i64,
    day: NaiveDate,
    shares: &NeedShares,
    rng: &mut impl Rng,
) -> Result<Vec<String>, DemoError> {
    let mut answers = form.initial_answers();
    answers.extend(draw(shares, rng));
    let id = store.start_assessment(actor, form, Subject::Prisoner(prisoner), &answers)?;
    let row = store.finalise_assessment(actor, id, day, None)?;
    Ok(row.findings)
}

fn weighted<'a>(rng: &mut impl Rng, weights: &[f64], values: &[&'a str]) -> &'a str {
    let i = super::Weighted::new(weights).map_or(0, |w| w.sample(rng));
    values.get(i).copied().unwrap_or(values[0])
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// One person's answers. Question names and choice values are the form's; a choice the form does not offer
/// would make finalising fail, which the demo tests catch.
pub(crate) fn draw(s: &NeedShares, rng: &mut impl Rng) -> Answers {
    let mut a = Answers::new();
    let levels = ["none", "primary", "secondary", "higher"];
    let level = super::Weighted::new(&s.schooling).map_or(2, |w| w.sample(rng));
    a.insert("education_level".into(), text(levels[level.min(3)]));
    let illiterate = rng.random_bool(s.cannot_read[level.min(3)].clamp(0.0, 1.0));
    // Reading comes before writing: someone who cannot read cannot write either; some read but cannot write.
    let can_read = !illiterate || rng.random_bool(0.3);
    a.insert("can_read".into(), Value::Bool(can_read));
    a.insert("can_write".into(), Value::Bool(!illiterate));
    let worked = rng.random_bool(s.worked_before.clamp(0.0, 1.0));
    a.insert("worked_before".into(), Value::Bool(worked));
    if worked && rng.random_bool(0.5) {
        let skills = [
            "farming",
            "building",
            "driving",
            "market trading",
            "mechanic",
            "cooking",
        ];
        let skill: &&str = super::pick(rng, &skills);
        a.insert("skills".into(), text(skill));
    }
    let interest = ["yes", "maybe", "no"];
    a.insert(
        "vocational_interest".into(),
        text(weighted(rng, &s.vocational, &interest)),
    );
    let kinds = ["alcohol", "cannabis", "opioids", "stimulants", "other"];
    if rng.random_bool(s.substance_use.clamp(0.0, 1.0)) {
        let first = super::Weighted::new(&s.substances).map_or(0, |w| w.sample(rng));
        let second = super::Weighted::new(&s.substances).map_or(0, |w| w.sample(rng));
        // In the form's order, as a select_multiple answer is kept.
        let chosen: Vec<String> = kinds
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == first || (*i == second && rng.random_bool(0.3)))
            .map(|(_, k)| k.to_string())
            .collect();
        a.insert("substances".into(), Value::List(chosen));
        a.insert(
            "substance_problem".into(),
            text(weighted(
                rng,
                &s.substance_effect,
                &["little", "some", "severe"],
            )),
        );
    } else {
        a.insert("substances".into(), Value::List(vec!["none".into()]));
    }
    for (question, chance) in [
        ("mental_health_concern", s.mental_health),
        ("self_harm_history", s.self_harm_history),
        ("self_harm_thoughts", s.self_harm_thoughts),
        ("recent_loss", s.recent_loss),
    ] {
        a.insert(
            question.into(),
            Value::Bool(rng.random_bool(chance.clamp(0.0, 1.0))),
        );
    }
    a.insert(
        "family_contact".into(),
        text(weighted(rng, &s.family, &["regular", "occasional", "none"])),
    );
    let children = if rng.random_bool(s.children.clamp(0.0, 1.0)) {
        rng.random_range(1..=5)
    } else {
        0
    };
    a.insert("children".into(), Value::Number(f64::from(children)));
    a.insert(
        "housing".into(),
        text(weighted(
            rng,
            &s.housing,
            &["secure", "temporary", "none", "unknown"],
        )),
    );
    a.insert(
        "id_documents".into(),
        Value::Bool(rng.random_bool(s.id_documents.clamp(0.0, 1.0))),
    );
    a.insert(
        "faith_interest".into(),
        text(weighted(rng, &s.faith, &interest)),
    );
    a.insert(
        "counselling_interest".into(),
        text(weighted(rng, &s.counselling, &interest)),
    );
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forms::finalise;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// Every drawn set of answers is complete and accepted by the shipped form, and each country's shares
    /// give a spread of needs rather than none or all.
    #[test]
    fn drawn_answers_finalise_with_the_shipped_form_and_find_needs() {
        let form = crate::domain::forms::load(NEEDS_SCREEN.as_bytes()).unwrap();
        let profiles = super::super::profile::Profiles::load().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for country in super::super::Country::ALL {
            let shares = &profiles.country(country).rosters.needs;
            let mut seen = std::collections::BTreeMap::<String, u32>::new();
            for _ in 0..300 {
                let mut answers = form.initial_answers();
                answers.extend(draw(shares, &mut rng));
                let done = finalise(&form, &answers, today)
                    .unwrap_or_else(|e| panic!("{country}: {e:?} for {answers:?}"));
                for name in done.outcome.finding_names(&form) {
                    *seen.entry(name.to_string()).or_default() += 1;
                }
            }
            for need in [
                "need_literacy",
                "need_work_skills",
                "need_substance",
                "need_housing",
            ] {
                let n = seen.get(need).copied().unwrap_or(0);
                assert!((3..300).contains(&n), "{country} {need}: {n} of 300");
            }
        }
    }
}
