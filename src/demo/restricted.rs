//! The demo's restricted records: a violent-extremism risk judgement (`vep_risk_spj`, `access = "restricted"`)
//! for people the demo flags as violent extremist prisoners, some finalised and approved, some awaiting approval,
//! some due for review, so need-to-know can be seen and tested on every screen and report (issue 16).

use super::DemoError;
use crate::domain::auth::Role;
use crate::domain::forms::{Answers, Form, Registry, Value};
use crate::store::{Actor, Store, StoreError, Subject};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;

const VEP_FORM: &str = include_str!("../../forms/vep_risk_spj.toml");

/// How many people get a judgement at most (a national demo has thousands flagged; a few hundred show it).
const MOST: usize = 300;

/// What was added, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    pub judgements: usize,
    pub pending: usize,
    pub review_due: usize,
}

fn form(store: &mut Store, actor: &Actor) -> Result<Arc<Form>, DemoError> {
    let mut registry = Registry::from_files([(
        PathBuf::from("forms/vep_risk_spj.toml"),
        VEP_FORM.as_bytes().to_vec(),
    )]);
    store.register_forms(actor, &mut registry)?;
    if let Some(u) = registry.unavailable.first() {
        return Err(DemoError::Profile(u.lines().join("; ")));
    }
    registry
        .get("vep_risk_spj")
        .cloned()
        .ok_or_else(|| DemoError::Profile("forms/vep_risk_spj.toml: no vep_risk_spj form".into()))
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
    day.and_time(time).and_utc()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// A plausible, complete judgement: domain ratings at random, the overall judgement no lower than the highest.
fn answers(rng: &mut impl Rng) -> Answers {
    let ratings = ["low", "moderate", "high"];
    let mut a = Answers::new();
    a.insert(
        "disciplines".into(),
        Value::List(vec!["psychology".into(), "security".into()]),
    );
    a.insert(
        "contributors".into(),
        text("Case psychologist; security officer of the unit"),
    );
    a.insert(
        "sources_used".into(),
        Value::List(vec![
            "file".into(),
            "interview".into(),
            "observation".into(),
        ]),
    );
    a.insert("account_given".into(), text("given"));
    a.insert(
        "account".into(),
        text("Describes the offence as following others; says contact with the group has ended."),
    );
    let mut highest = 0;
    for domain in ["beliefs", "context", "history", "commitment", "protective"] {
        let r = rng.random_range(0..ratings.len());
        if domain != "protective" {
            highest = highest.max(r);
        }
        a.insert(domain.into(), text(ratings[r]));
        a.insert(
            format!("{domain}_reasons"),
            text("Rated from the file, the interview and staff observation over the last months."),
        );
    }
    a.insert("overall".into(), text(ratings[highest]));
    a.insert(
        "overall_reasons".into(),
        text("The ratings of the four risk domains taken together, weighed against the protective factors."),
    );
    a.insert(
        "management".into(),
        text("Education and counselling; contact with family; review after six months or on any incident."),
    );
    a
}

/// Judgements for people flagged as violent extremist prisoners in custody, finalised by the demo assessor on a
/// day after their admission; most approved by the supervisor a few days later.
pub fn add(store: &mut Store, now: DateTime<Utc>, rng: &mut impl Rng) -> Result<Added, DemoError> {
    let today = now.date_naive();
    let system = Actor::system("demo", now);
    let form = form(store, &system)?;
    let people: Vec<_> = store
        .roster_people()?
        .into_iter()
        .filter(|p| p.vep)
        .take(MOST)
        .collect();
    let mut added = Added::default();
    for p in people {
        // Up to a year ago, so some are past their six-month review.
        let day = today - Duration::days(rng.random_range(2..360));
        let assessor = Actor::staff(
            "assessor",
            Role::Assessor,
            at(day, 11, rng.random_range(0..59)),
        );
        let id =
            store.start_assessment(&assessor, &form, Subject::Prisoner(p.id), &answers(rng))?;
        let row = match store.finalise_assessment(&assessor, id, day, None) {
            Ok(row) => row,
            Err(StoreError::Invalid(m)) => {
                tracing::warn!(prisoner = p.id, "demo VEP judgement refused: {m}");
                store.discard_assessment(&assessor, id)?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        added.judgements += 1;
        added.review_due += usize::from(row.next_review.is_some_and(|d| d <= today));
        // About one in four still waits for the next case conference.
        let on = day + Duration::days(rng.random_range(1..6));
        if on >= today || rng.random_bool(0.25) {
            added.pending += 1;
            continue;
        }
        let supervisor = Actor::staff(
            "supervisor",
            Role::Supervisor,
            at(on, 15, rng.random_range(0..59)),
        );
        store.approve_assessment(&supervisor, row.id)?;
    }
    Ok(added)
}
