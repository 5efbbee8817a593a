//! The legal basis of detention as staff keep it on paper: cases, each with its warrant, offence class, committal
//! and (once sentenced) its sentence; and the expected release worked out from them, with every step of the
//! working kept as a message key and its arguments so the record screen and the printed report can show it.
//!
//! The release rules (remand credit, remission) are per-country settings; `rules.rs` holds them and the shipped
//! presets, whose legal sources are in docs/SENTENCES.md.

use super::estate::word_enum;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod court;
mod rules;
pub use court::{CourtFor, OverLimit, RemandLimits, court_for, next_court_date, over_limit};
pub use rules::{ReleaseRules, RemandCredit, Remission};

word_enum!(
    /// The class of offence, in words every country's law maps onto (docs/SENTENCES.md): `minor` for
    /// contraventions and misdemeanours, `serious` for offences a lower court tries, `grave` for those only the
    /// highest trial court tries; `civil` and `immigration` for detention that is not criminal; `unrecorded` for
    /// sentences carried over from before cases were kept.
    OffenceClass { Minor = "minor", Serious = "serious", Grave = "grave", Civil = "civil",
                   Immigration = "immigration", Unrecorded = "unrecorded" }
);

/// The committal warrant: the paper that makes detention lawful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warrant {
    pub reference: String,
    pub court: String,
    pub issued: NaiveDate,
    /// A remand warrant runs out on this day unless renewed; a committal to serve a sentence has none.
    pub expires: Option<NaiveDate>,
}

/// How long a sentence is. A term in years, months and days as the court pronounced it (a year is not 365
/// days in a leap year, so the parts are kept apart and added to the calendar in that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Length {
    Term { years: u32, months: u32, days: u32 },
    Life,
}

impl Length {
    pub fn months(months: u32) -> Length {
        Length::Term {
            years: 0,
            months,
            days: 0,
        }
    }

    /// The day after `start` plus this term; None for life (or a date beyond the calendar).
    pub fn end_from(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Length::Life => None,
            Length::Term {
                years,
                months,
                days,
            } => start
                .checked_add_months(Months::new(years.checked_mul(12)?.checked_add(months)?))?
                .checked_add_days(Days::new(u64::from(days))),
        }
    }

    /// "2y 6m 10d" style text, the same in every language (digits and unit letters are on the warrant).
    pub fn text(self) -> String {
        match self {
            Length::Life => "life".into(),
            Length::Term {
                years,
                months,
                days,
            } => {
                let mut parts = Vec::new();
                if years > 0 {
                    parts.push(format!("{years}y"));
                }
                if months > 0 {
                    parts.push(format!("{months}m"));
                }
                if days > 0 || parts.is_empty() {
                    parts.push(format!("{days}d"));
                }
                parts.join(" ")
            }
        }
    }

    /// Reads "5y 6m", "18m", "90d", "2y 3m 4d" or "life".
    pub fn parse(s: &str) -> Option<Length> {
        let s = s.trim().to_lowercase();
        if s == "life" {
            return Some(Length::Life);
        }
        let (mut years, mut months, mut days) = (0u32, 0u32, 0u32);
        let mut any = false;
        for part in s.split_whitespace() {
            let (number, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit())?);
            let n: u32 = number.parse().ok()?;
            match unit {
                "y" => years = n,
                "m" => months = n,
                "d" => days = n,
                _ => return None,
            }
            any = true;
        }
        any.then_some(Length::Term {
            years,
            months,
            days,
        })
    }
}

/// How a sentence runs against the person's other sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relation {
    /// From its own start, alongside any other (the court may name the case it runs with).
    Concurrent(Option<i64>),
    /// From the end of the named case's sentence, or its own start if that is later.
    ConsecutiveTo(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub length: Length,
    /// The day the sentence was passed (or the court ordered it to run from).
    pub start: NaiveDate,
    pub relation: Relation,
}

/// One case: a warrant, what it is for, when the person was committed on it, and its sentence once passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: i64,
    pub warrant: Warrant,
    pub offence: String,
    pub class: OffenceClass,
    /// The day the person came into custody on this case.
    pub committed: NaiveDate,
    pub sentence: Option<Sentence>,
}

/// A date from a court order that replaces the computed one, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseOverride {
    pub date: NaiveDate,
    pub reason: String,
}

/// A refusal naming the field and a message key (with arguments), so a form marks the field and says why in
/// the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    pub field: &'static str,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl CaseError {
    fn new(field: &'static str, key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        CaseError { field, key, args }
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let args: Vec<(&str, crate::i18n::FluentValue)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, v.clone().into()))
            .collect();
        write!(
            f,
            "{}: {}",
            crate::i18n::t(&field_label_key(self.field)),
            crate::i18n::t_args(self.key, &args)
        )
    }
}

impl std::error::Error for CaseError {}

/// The fields a case refusal may name, as the form labels them.
pub const CASE_FIELDS: &[&str] = &[
    "warrant_ref",
    "court",
    "offence",
    "warrant_expires",
    "sentence_length",
    "sentence_start",
    "sentence_relation",
    "override_reason",
    "removal_reason",
];

/// The message key of a field's label: "sentence_length" is "case-field-sentence-length".
pub fn field_label_key(field: &str) -> String {
    format!("case-field-{}", field.replace('_', "-"))
}

/// Checks one case on its own: the warrant's fields, a remand warrant that expires before it was issued, and a
/// sentence that ends on or before the day it starts or starts before the person was committed.
pub fn check_case(case: &Case) -> Result<(), CaseError> {
    if case.warrant.reference.trim().is_empty() {
        return Err(CaseError::new("warrant_ref", "case-required", vec![]));
    }
    if case.warrant.court.trim().is_empty() {
        return Err(CaseError::new("court", "case-required", vec![]));
    }
    if case.offence.trim().is_empty() {
        return Err(CaseError::new("offence", "case-required", vec![]));
    }
    for (field, text, max) in [
        ("warrant_ref", &case.warrant.reference, 60),
        ("court", &case.warrant.court, 120),
        ("offence", &case.offence, 300),
    ] {
        let count = text.chars().count();
        if count > max {
            return Err(CaseError::new(
                field,
                "case-too-long",
                vec![("max", max.to_string()), ("count", count.to_string())],
            ));
        }
    }
    if let Some(expires) = case.warrant.expires
        && expires < case.warrant.issued
    {
        return Err(CaseError::new(
            "warrant_expires",
            "case-expires-before-issued",
            vec![("issued", case.warrant.issued.to_string())],
        ));
    }
    if let Some(s) = &case.sentence {
        if s.length != Length::Life && s.length.end_from(s.start).is_none_or(|end| end <= s.start) {
            return Err(CaseError::new(
                "sentence_length",
                "case-sentence-ends-before-start",
                vec![("start", s.start.to_string())],
            ));
        }
        if s.start < case.committed {
            return Err(CaseError::new(
                "sentence_start",
                "case-sentence-before-committal",
                vec![("committed", case.committed.to_string())],
            ));
        }
        if s.relation == Relation::ConsecutiveTo(case.id)
            || s.relation == Relation::Concurrent(Some(case.id))
        {
            return Err(CaseError::new(
                "sentence_relation",
                "case-relation-self",
                vec![],
            ));
        }
    }
    Ok(())
}

/// The first case of someone admitted with a sentence typed on the admission form (its start and length in
/// months), made the way migration 7 carried such sentences over: class `unrecorded`, what the form did not ask
/// for "not recorded", so the expected release is worked out from the day they arrive (issue 17). None without a
/// length.
pub fn case_from_admission(p: &super::prisoner::Prisoner) -> Option<Case> {
    let months = p.sentence_months?;
    let admitted = p.admitted_at.date();
    let start = p.sentence_start.unwrap_or(admitted);
    let or_not_recorded = |s: &str| {
        if s.trim().is_empty() {
            "not recorded".to_string()
        } else {
            s.trim().to_string()
        }
    };
    Some(Case {
        id: 0,
        warrant: Warrant {
            reference: or_not_recorded(&p.warrant_ref),
            court: or_not_recorded(&p.committing_authority),
            issued: start,
            expires: None,
        },
        offence: or_not_recorded(&p.offences),
        class: OffenceClass::Unrecorded,
        committed: start.min(admitted),
        sentence: Some(Sentence {
            length: Length::months(months),
            start,
            relation: Relation::Concurrent(None),
        }),
    })
}

/// Checks a person's cases together: each on its own, then that every case a sentence names is one of theirs
/// and sentenced, and that no chain of consecutive sentences comes back to where it started.
pub fn check_cases(cases: &[Case]) -> Result<(), CaseError> {
    for c in cases {
        check_case(c)?;
    }
    let by_id: BTreeMap<i64, &Case> = cases.iter().map(|c| (c.id, c)).collect();
    for c in cases {
        let Some(s) = &c.sentence else { continue };
        let named = match s.relation {
            Relation::ConsecutiveTo(other) | Relation::Concurrent(Some(other)) => other,
            Relation::Concurrent(None) => continue,
        };
        match by_id.get(&named) {
            Some(other) if other.sentence.is_some() => {}
            _ => {
                return Err(CaseError::new(
                    "sentence_relation",
                    "case-relation-unknown",
                    vec![("case", c.warrant.reference.clone())],
                ));
            }
        }
        // Follow the consecutive chain back from this case; coming back to it is a cycle.
        let mut seen = vec![c.id];
        let mut at = c;
        while let Some(Sentence {
            relation: Relation::ConsecutiveTo(prev),
            ..
        }) = &at.sentence
        {
            if seen.contains(prev) {
                let names: Vec<String> = seen
                    .iter()
                    .filter_map(|id| by_id.get(id).map(|c| c.warrant.reference.clone()))
                    .collect();
                return Err(CaseError::new(
                    "sentence_relation",
                    "case-relation-cycle",
                    vec![("cases", names.join(" -> "))],
                ));
            }
            seen.push(*prev);
            match by_id.get(prev) {
                Some(next) => at = next,
                None => break,
            }
        }
    }
    Ok(())
}

/// A case is removed only as entered in error, and the reason says so.
pub fn check_removal_reason(reason: &str) -> Result<(), CaseError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CaseError::new("removal_reason", "case-required", vec![]));
    }
    let count = reason.chars().count();
    if count > 300 {
        return Err(CaseError::new(
            "removal_reason",
            "case-too-long",
            vec![("max", "300".into()), ("count", count.to_string())],
        ));
    }
    Ok(())
}

/// A case another case's sentence runs after or with cannot be removed until that sentence is corrected.
pub fn check_removal(removed: &Case, rest: &[Case]) -> Result<(), CaseError> {
    for c in rest {
        let named = match c.sentence.map(|s| s.relation) {
            Some(Relation::ConsecutiveTo(id)) | Some(Relation::Concurrent(Some(id))) => id,
            _ => continue,
        };
        if named == removed.id {
            return Err(CaseError::new(
                "removal_reason",
                "case-remove-named",
                vec![("case", c.warrant.reference.clone())],
            ));
        }
    }
    Ok(())
}

/// A release-date override needs a reason: the court order it comes from and why.
pub fn check_override(o: &ReleaseOverride) -> Result<(), CaseError> {
    let reason = o.reason.trim();
    if reason.is_empty() {
        return Err(CaseError::new("override_reason", "case-required", vec![]));
    }
    let count = reason.chars().count();
    if count > 300 {
        return Err(CaseError::new(
            "override_reason",
            "case-too-long",
            vec![("max", "300".into()), ("count", count.to_string())],
        ));
    }
    Ok(())
}

/// One line of the working: a message key and its arguments, rendered in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Step {
    fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Step {
        Step { key, args }
    }

    /// The line in the reader's language.
    pub fn text(&self) -> String {
        let args: Vec<(&str, crate::i18n::FluentValue)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, v.clone().into()))
            .collect();
        crate::i18n::t_args(self.key, &args)
    }
}

/// Where the date in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Basis {
    /// No case has a sentence yet (remand, civil or immigration detention on warrants only).
    NotSentenced,
    /// A life sentence: no date unless a court orders one.
    Life,
    Computed,
    CourtOrder,
}

/// The expected release and how it was worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseWorking {
    /// The date in force: the court order's if there is one, else the computed one.
    pub date: Option<NaiveDate>,
    /// The date the sentences give, before any court order.
    pub computed: Option<NaiveDate>,
    pub basis: Basis,
    pub steps: Vec<Step>,
}

/// Days between two dates, never negative.
fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days().max(0)
}

/// One run of sentences served back to back: a sentence that follows no other, and those consecutive to it.
struct Chain<'a> {
    cases: Vec<&'a Case>,
    start: NaiveDate,
    /// The last day-after of the chain at full term; None for life.
    end: Option<NaiveDate>,
}

/// Works out the expected release from a person's cases and the country's rules; a court order replaces the
/// result. The cases must have passed `check_cases` (a cycle here ends the walk instead of looping).
///
/// Each chain of consecutive sentences is served as one term from its first start to its last end; remission,
/// where the law grants it, comes off each chain's whole term; remand credit, where the prison deducts it,
/// comes off each chain for the days in custody on its cases before sentence (overlapping remand counted once).
/// The person is released when the last chain ends.
pub fn expected_release(
    cases: &[Case],
    rules: &ReleaseRules,
    order: Option<&ReleaseOverride>,
) -> ReleaseWorking {
    let mut steps = Vec::new();
    let by_id: BTreeMap<i64, &Case> = cases.iter().map(|c| (c.id, c)).collect();
    let sentenced: Vec<&Case> = cases.iter().filter(|c| c.sentence.is_some()).collect();
    // Effective start and full-term end of each sentence, walking consecutive links first.
    let mut ends: BTreeMap<i64, (NaiveDate, Option<NaiveDate>)> = BTreeMap::new();
    fn settle(
        case: &Case,
        by_id: &BTreeMap<i64, &Case>,
        ends: &mut BTreeMap<i64, (NaiveDate, Option<NaiveDate>)>,
        depth: usize,
    ) -> (NaiveDate, Option<NaiveDate>) {
        if let Some(done) = ends.get(&case.id) {
            return *done;
        }
        let Some(s) = &case.sentence else {
            return (case.committed, Some(case.committed));
        };
        let start = match s.relation {
            Relation::ConsecutiveTo(prev) if depth < by_id.len() => match by_id.get(&prev) {
                Some(p) => match settle(p, by_id, ends, depth + 1).1 {
                    Some(prev_end) => prev_end.max(s.start),
                    // After a life sentence there is no day to start from.
                    None => {
                        ends.insert(case.id, (s.start, None));
                        return (s.start, None);
                    }
                },
                None => s.start,
            },
            _ => s.start,
        };
        let settled = (start, s.length.end_from(start));
        ends.insert(case.id, settled);
        settled
    }
    for c in &sentenced {
        settle(c, &by_id, &mut ends, 0);
    }

    for c in &sentenced {
        let Some(s) = &c.sentence else { continue };
        let (start, end) = ends.get(&c.id).copied().unwrap_or((s.start, None));
        let reference = c.warrant.reference.clone();
        match (s.relation, end) {
            (_, None) if s.length == Length::Life => {
                steps.push(Step::new("working-life", vec![("case", reference)]))
            }
            (_, None) => steps.push(Step::new("working-after-life", vec![("case", reference)])),
            (Relation::ConsecutiveTo(prev), Some(end)) => {
                let after = by_id
                    .get(&prev)
                    .map(|p| p.warrant.reference.clone())
                    .unwrap_or_default();
                steps.push(Step::new(
                    "working-consecutive",
                    vec![
                        ("case", reference),
                        ("length", s.length.text()),
                        ("after", after),
                        ("start", start.to_string()),
                        ("end", end.to_string()),
                    ],
                ));
            }
            (Relation::Concurrent(_), Some(end)) => steps.push(Step::new(
                "working-term",
                vec![
                    ("case", reference),
                    ("length", s.length.text()),
                    ("start", start.to_string()),
                    ("end", end.to_string()),
                ],
            )),
        }
    }

    let computed_and_basis = if sentenced.is_empty() {
        steps.push(Step::new("working-not-sentenced", vec![]));
        (None, Basis::NotSentenced)
    } else if ends.values().any(|(_, end)| end.is_none()) {
        (None, Basis::Life)
    } else {
        let chains = chains(&sentenced, &by_id, &ends);
        let mut latest: Option<NaiveDate> = None;
        for chain in &chains {
            let Some(end) = chain.end else { continue };
            let mut release = end;
            let term_days = days(chain.start, end);
            let names: Vec<String> = chain
                .cases
                .iter()
                .map(|c| c.warrant.reference.clone())
                .collect();
            let names = names.join(" + ");
            if chain.cases.len() > 1 {
                steps.push(Step::new(
                    "working-chain",
                    vec![
                        ("cases", names.clone()),
                        ("days", term_days.to_string()),
                        ("start", chain.start.to_string()),
                        ("end", end.to_string()),
                    ],
                ));
            }
            match rules.remission {
                Some(r) if term_days > i64::from(r.min_term_days) => {
                    let off = term_days * i64::from(r.numerator) / i64::from(r.denominator.max(1));
                    release -= chrono::Duration::days(off);
                    steps.push(Step::new(
                        "working-remission",
                        vec![
                            ("cases", names.clone()),
                            ("fraction", format!("{}/{}", r.numerator, r.denominator)),
                            ("term", term_days.to_string()),
                            ("days", off.to_string()),
                        ],
                    ));
                }
                Some(r) => steps.push(Step::new(
                    "working-remission-too-short",
                    vec![
                        ("cases", names.clone()),
                        ("min", r.min_term_days.to_string()),
                    ],
                )),
                None => {}
            }
            if rules.remand_credit == RemandCredit::DayForDay {
                let credit = remand_days(chain);
                if credit > 0 {
                    release -= chrono::Duration::days(credit);
                    steps.push(Step::new(
                        "working-remand-credit",
                        vec![("cases", names.clone()), ("days", credit.to_string())],
                    ));
                }
            }
            // Credits never release a person before the first sentence of the chain was passed.
            let release = release.max(chain.start);
            if chains.len() > 1 {
                steps.push(Step::new(
                    "working-chain-release",
                    vec![("cases", names), ("date", release.to_string())],
                ));
            }
            latest = latest.max(Some(release));
        }
        if rules.remission.is_none() {
            steps.push(Step::new("working-no-remission", vec![]));
        }
        if rules.remand_credit == RemandCredit::None {
            steps.push(Step::new("working-no-remand-credit", vec![]));
        }
        (latest, Basis::Computed)
    };
    let (computed, basis) = computed_and_basis;
    if let Some(date) = computed {
        steps.push(Step::new(
            "working-computed",
            vec![("date", date.to_string())],
        ));
    }
    match order {
        Some(o) => {
            steps.push(Step::new(
                "working-court-order",
                vec![("date", o.date.to_string()), ("reason", o.reason.clone())],
            ));
            ReleaseWorking {
                date: Some(o.date),
                computed,
                basis: Basis::CourtOrder,
                steps,
            }
        }
        None => ReleaseWorking {
            date: computed,
            computed,
            basis,
            steps,
        },
    }
}

/// Groups sentences into chains: each sentence that follows no other starts one, and every sentence
/// consecutive to a member joins it.
fn chains<'a>(
    sentenced: &[&'a Case],
    by_id: &BTreeMap<i64, &'a Case>,
    ends: &BTreeMap<i64, (NaiveDate, Option<NaiveDate>)>,
) -> Vec<Chain<'a>> {
    let root = |c: &'a Case| -> i64 {
        let mut at = c;
        let mut steps = 0;
        while let Some(Sentence {
            relation: Relation::ConsecutiveTo(prev),
            ..
        }) = &at.sentence
        {
            match by_id.get(prev) {
                Some(p) if steps < by_id.len() => {
                    at = p;
                    steps += 1;
                }
                _ => break,
            }
        }
        at.id
    };
    let mut grouped: BTreeMap<i64, Vec<&'a Case>> = BTreeMap::new();
    for c in sentenced {
        grouped.entry(root(c)).or_default().push(c);
    }
    grouped
        .into_values()
        .map(|cases| {
            let start = cases
                .iter()
                .filter_map(|c| ends.get(&c.id).map(|e| e.0))
                .min()
                .unwrap_or(NaiveDate::MIN);
            let end = cases
                .iter()
                .map(|c| ends.get(&c.id).and_then(|e| e.1))
                .try_fold(start, |acc, e| e.map(|e| acc.max(e)));
            Chain { cases, start, end }
        })
        .collect()
}

/// Days in custody on a chain's cases before each was sentenced, overlapping stretches counted once.
fn remand_days(chain: &Chain) -> i64 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = chain
        .cases
        .iter()
        .filter_map(|c| c.sentence.map(|s| (c.committed, s.start)))
        .filter(|(from, to)| from < to)
        .collect();
    spans.sort();
    let mut total = 0;
    let mut covered: Option<(NaiveDate, NaiveDate)> = None;
    for (from, to) in spans {
        covered = match covered {
            Some((a, b)) if from <= b => Some((a, b.max(to))),
            Some((a, b)) => {
                total += days(a, b);
                Some((from, to))
            }
            None => Some((from, to)),
        };
    }
    if let Some((a, b)) = covered {
        total += days(a, b);
    }
    total
}

#[cfg(test)]
mod tests;
