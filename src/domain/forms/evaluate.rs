//! Evaluating a form over an answer set: relevance, values, constraints, scores, bands, the result with its
//! overrides, findings and the next review date; finalising, discretionary overrides and approval.

use super::Answers;
use super::eval::{Env, Value, eval, holds, number_text};
use super::expr::Target;
use super::model::{Forcing, Form, Node, Question, QuestionKind, Text};
use crate::domain::auth::Role;
use crate::domain::estate::SecurityLevel;
use chrono::{Months, NaiveDate};

/// Longest text answer accepted; longer is surely pasted by mistake.
pub const MAX_TEXT_CHARS: usize = 4000;

/// Something wrong with one answer: its index in `form.questions` and what to tell the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub question: usize,
    pub message: Text,
}

/// Everything the form says about one answer set. Indices are into the form's questions, sums and results.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Per question: whether it applies (its section's and its own `relevant` hold).
    pub relevant: Vec<bool>,
    /// Per question: the value used (the answer or the calculation); Null when not relevant or not valid.
    pub values: Vec<Value>,
    /// Per question: what it adds to a sum, when it has a score.
    pub scores: Vec<Option<f64>>,
    /// Required questions that apply and are not answered, in form order.
    pub missing: Vec<usize>,
    /// Answers of the wrong kind, out of range or failing a constraint, in form order.
    pub invalid: Vec<Problem>,
    /// Per sum: its total.
    pub sums: Vec<f64>,
    /// Per sum: whether it applies (its `relevant` holds). A sum that does not apply totals 0 and is not shown:
    /// a woman's classification applies no scale, so it has no totals to show.
    pub sum_applies: Vec<bool>,
    /// Per sum: the first band its total falls in.
    pub bands: Vec<Option<usize>>,
    /// The result the scores (or the judgement question) give, before overrides.
    pub scored_result: Option<usize>,
    /// The mandatory override that set the result, if one did.
    pub mandatory: Option<usize>,
    /// The result after mandatory overrides (discretionary ones are the assessor's, see `check_discretionary`).
    pub result: Option<usize>,
    /// Findings that hold, by index.
    pub findings: Vec<usize>,
    pub next_review: Option<NaiveDate>,
}

impl Outcome {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.invalid.is_empty()
    }

    pub fn result_value<'f>(&self, form: &'f Form) -> Option<&'f str> {
        let r = form.result.as_ref()?;
        Some(r.choices.get(self.result?)?.value.as_str())
    }

    /// The result as a custody level, for forms whose results are security levels.
    pub fn security_level(&self, form: &Form) -> Option<SecurityLevel> {
        let levels = form.result.as_ref()?.security_levels.as_ref()?;
        levels.get(self.result?).copied()
    }

    pub fn finding_names<'f>(&self, form: &'f Form) -> Vec<&'f str> {
        self.findings
            .iter()
            .filter_map(|f| form.findings.get(*f))
            .map(|f| f.name.as_str())
            .collect()
    }
}

struct EvalEnv<'a> {
    values: &'a [Value],
    sums: &'a [Value],
    current: &'a Value,
    today: NaiveDate,
}

impl Env for EvalEnv<'_> {
    fn value(&self, target: Target) -> &Value {
        let v = match target {
            Target::Question(i) => self.values.get(i),
            Target::Sum(j) => self.sums.get(j),
            Target::Unresolved => None,
        };
        v.unwrap_or(&Value::Null)
    }
    fn current(&self) -> &Value {
        self.current
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
}

/// What a question adds to a sum for this value.
pub fn score(q: &Question, v: &Value) -> Option<f64> {
    match (q.kind, v) {
        (QuestionKind::SelectOne, Value::Text(s)) => q.choice(s).and_then(|c| c.score),
        (QuestionKind::SelectMultiple, Value::List(picked)) => {
            let scores: Vec<f64> = picked
                .iter()
                .filter_map(|p| q.choice(p).and_then(|c| c.score))
                .collect();
            (!scores.is_empty()).then(|| scores.iter().sum())
        }
        (QuestionKind::YesNo, Value::Bool(b)) => {
            q.choices.get(usize::from(!b)).and_then(|c| c.score)
        }
        (
            QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Calculate,
            Value::Number(n),
        ) => Some(*n),
        _ => None,
    }
}

/// Evaluates everything the form defines over `answers`. Cheap enough to run after every answer.
pub fn evaluate(form: &Form, answers: &Answers, today: NaiveDate) -> Outcome {
    let n = form.questions.len();
    let mut values = vec![Value::Null; n];
    let mut relevant = vec![false; n];
    let mut sums = vec![Value::Number(0.0); form.sums.len()];
    let mut section_relevant: Vec<Option<bool>> = vec![None; form.sections.len()];
    let mut sum_relevant = vec![true; form.sums.len()];
    let mut invalid = Vec::new();
    for node in &form.order {
        match *node {
            Node::Question(i) => {
                let q = &form.questions[i];
                let value = {
                    let env = EvalEnv {
                        values: &values,
                        sums: &sums,
                        current: &Value::Null,
                        today,
                    };
                    // Evaluation order puts a section's dependencies before all its questions, so the first
                    // question met can decide for the whole section.
                    let section = *section_relevant[q.section].get_or_insert_with(|| {
                        form.sections[q.section]
                            .relevant
                            .as_ref()
                            .is_none_or(|e| holds(e, &env))
                    });
                    relevant[i] = section && q.relevant.as_ref().is_none_or(|e| holds(e, &env));
                    if !relevant[i] {
                        continue;
                    }
                    match q.kind {
                        QuestionKind::Calculate => q
                            .calculation
                            .as_ref()
                            .map_or(Value::Null, |e| eval(e, &env)),
                        QuestionKind::Note => Value::Null,
                        _ => match answers.get(&q.name) {
                            None | Some(Value::Null) => Value::Null,
                            Some(v) => match check_value(q, v) {
                                Ok(()) => v.clone(),
                                Err(message) => {
                                    invalid.push(Problem {
                                        question: i,
                                        message: Text::plain(message),
                                    });
                                    Value::Null
                                }
                            },
                        },
                    }
                };
                values[i] = value;
            }
            Node::Sum(j) => {
                let s = &form.sums[j];
                let env = EvalEnv {
                    values: &values,
                    sums: &sums,
                    current: &Value::Null,
                    today,
                };
                if !s.relevant.as_ref().is_none_or(|e| holds(e, &env)) {
                    sum_relevant[j] = false;
                    continue;
                }
                let mut total: f64 = s
                    .questions
                    .iter()
                    .filter_map(|q| score(&form.questions[*q], &values[*q]))
                    .sum();
                total += s
                    .sums
                    .iter()
                    .filter_map(|k| sums[*k].as_number())
                    .sum::<f64>();
                if let Some(e) = &s.expression {
                    total += eval(e, &env).as_number().unwrap_or(0.0);
                }
                sums[j] = Value::Number(if total.is_finite() { total } else { 0.0 });
            }
        }
    }
    let env = EvalEnv {
        values: &values,
        sums: &sums,
        current: &Value::Null,
        today,
    };
    for (i, q) in form.questions.iter().enumerate() {
        let (Some(c), true, false) = (&q.constraint, relevant[i], values[i].is_null()) else {
            continue;
        };
        let env = EvalEnv {
            current: &values[i],
            ..env
        };
        if eval(c, &env) == Value::Bool(false) {
            invalid.push(Problem {
                question: i,
                message: q
                    .constraint_message
                    .clone()
                    .unwrap_or_else(|| Text::plain("This answer is not allowed here")),
            });
        }
    }
    invalid.sort_by_key(|p| p.question);
    let missing: Vec<usize> = (0..n)
        .filter(|&i| {
            form.questions[i].required
                && relevant[i]
                && values[i].is_null()
                && !invalid.iter().any(|p| p.question == i)
        })
        .collect();
    let totals: Vec<f64> = sums.iter().map(|s| s.as_number().unwrap_or(0.0)).collect();
    let bands: Vec<Option<usize>> = form
        .sums
        .iter()
        .zip(&totals)
        .zip(&sum_relevant)
        .map(|((s, t), on)| s.bands.iter().position(|b| *on && b.band.contains(*t)))
        .collect();
    let scored_result = form.result.as_ref().and_then(|r| {
        let judged = r.question.and_then(|q| match &values[q] {
            Value::Text(v) => r.choices.iter().position(|c| &c.value == v),
            _ => None,
        });
        judged.or_else(|| {
            form.sums
                .iter()
                .zip(&bands)
                .find_map(|(s, b)| s.bands.get((*b)?)?.band.result)
        })
    });
    let (result, mandatory) = apply_mandatory(form, scored_result, &env);
    let findings = form
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| holds(&f.when, &env))
        .map(|(k, _)| k)
        .collect();
    let scores = form
        .questions
        .iter()
        .zip(&values)
        .map(|(q, v)| score(q, v))
        .collect();
    Outcome {
        next_review: next_review(form, result, today),
        relevant,
        scores,
        missing,
        invalid,
        sums: totals,
        sum_applies: sum_relevant,
        bands,
        scored_result,
        mandatory,
        result,
        findings,
        values,
    }
}

/// Whether the form follows an admission for these answers (a new draft's, filled from the new record), and
/// if so the section to open at.
pub fn after_admission(form: &Form, answers: &Answers, today: NaiveDate) -> Option<usize> {
    let a = form.after_admission.as_ref()?;
    let o = evaluate(form, answers, today);
    let sums: Vec<Value> = o.sums.iter().map(|n| Value::Number(*n)).collect();
    let env = EvalEnv {
        values: &o.values,
        sums: &sums,
        current: &Value::Null,
        today,
    };
    holds(&a.when, &env).then_some(a.section.unwrap_or(0))
}

/// The highest forced result wins; failing that, the highest floor that is above the scored result.
fn apply_mandatory(
    form: &Form,
    scored: Option<usize>,
    env: &EvalEnv,
) -> (Option<usize>, Option<usize>) {
    let matching = || {
        form.mandatory
            .iter()
            .enumerate()
            .filter(|(_, m)| holds(&m.when, env))
    };
    let best = |want_exact: bool| {
        matching()
            .filter_map(|(k, m)| match (m.forcing, want_exact) {
                (Forcing::Exactly(r), true) | (Forcing::AtLeast(r), false) => Some((r, k)),
                _ => None,
            })
            // Highest result first; among equals the first listed (max_by_key keeps the last, so reverse k).
            .max_by_key(|(r, k)| (*r, std::cmp::Reverse(*k)))
    };
    if let Some((r, k)) = best(true) {
        return (Some(r), Some(k));
    }
    match best(false) {
        Some((r, k)) if scored.is_none_or(|s| r > s) => (Some(r), Some(k)),
        _ => (scored, None),
    }
}

/// The review date for a result: its own interval if it has one, else the form's; None if the form has no review.
pub fn next_review(form: &Form, result: Option<usize>, today: NaiveDate) -> Option<NaiveDate> {
    let review = form.review.as_ref()?;
    let months = result
        .and_then(|r| form.result.as_ref()?.choices.get(r)?.review_months)
        .unwrap_or(review.interval_months);
    today.checked_add_months(Months::new(months))
}

/// Whether `v` is a possible answer to `q` (kind, choices, limits). Constraints are checked by `evaluate`.
pub fn check_value(q: &Question, v: &Value) -> Result<(), String> {
    let choice = |s: &String| {
        if q.choice(s).is_some() {
            Ok(())
        } else {
            let values: Vec<_> = q.choices.iter().map(|c| c.value.as_str()).collect();
            Err(format!(
                "'{}' is not one of the choices ({})",
                crate::domain::text::display(s),
                values.join(", ")
            ))
        }
    };
    match (q.kind, v) {
        (_, Value::Null) => Ok(()),
        (QuestionKind::SelectOne, Value::Text(s)) => choice(s),
        (QuestionKind::SelectMultiple, Value::List(items)) => {
            for (k, s) in items.iter().enumerate() {
                choice(s)?;
                if items[..k].contains(s) {
                    return Err(format!(
                        "'{}' is chosen twice",
                        crate::domain::text::display(s)
                    ));
                }
            }
            Ok(())
        }
        (QuestionKind::YesNo, Value::Bool(_)) | (QuestionKind::Date, Value::Date(_)) => Ok(()),
        (QuestionKind::Text, Value::Text(s)) => {
            if let Some(c) = crate::domain::text::refused_char(s) {
                Err(crate::domain::text::refusal(c))
            } else if s.chars().count() > MAX_TEXT_CHARS {
                Err(format!("at most {MAX_TEXT_CHARS} characters"))
            } else {
                Ok(())
            }
        }
        (QuestionKind::Integer | QuestionKind::Decimal, Value::Number(n)) => {
            if !n.is_finite() {
                return Err("not a number".into());
            }
            if q.kind == QuestionKind::Integer && n.fract() != 0.0 {
                return Err("a whole number, please".into());
            }
            match (q.min, q.max) {
                (Some(lo), Some(hi)) if *n < lo || *n > hi => Err(format!(
                    "must be from {} to {}",
                    number_text(lo),
                    number_text(hi)
                )),
                (Some(lo), _) if *n < lo => Err(format!("must be at least {}", number_text(lo))),
                (_, Some(hi)) if *n > hi => Err(format!("must be at most {}", number_text(hi))),
                _ => Ok(()),
            }
        }
        (QuestionKind::Note | QuestionKind::Calculate, _) => {
            Err(format!("a {} question takes no answer", q.kind.word()))
        }
        (kind, _) => Err(format!("not an answer to a {} question", kind.word())),
    }
}

/// Reads what was typed into an answer: choices by value or number (1 = first), yes/no as y/n, dates as
/// YYYY-MM-DD, decimals with a point or a comma. Empty input clears the answer.
pub fn parse_answer(q: &Question, input: &str) -> Result<Value, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(Value::Null);
    }
    let pick = |word: &str| -> Result<String, String> {
        if let Some(c) = q.choice(word) {
            return Ok(c.value.clone());
        }
        match word.parse::<usize>() {
            Ok(k) if (1..=q.choices.len()).contains(&k) => Ok(q.choices[k - 1].value.clone()),
            _ => Err(format!(
                "'{}' is not one of the choices (type its number, 1 to {})",
                crate::domain::text::display(word),
                q.choices.len()
            )),
        }
    };
    let v = match q.kind {
        QuestionKind::SelectOne => Value::Text(pick(s)?),
        QuestionKind::SelectMultiple => {
            let mut picked: Vec<String> = Vec::new();
            for w in s.split([' ', ',', ';']).filter(|w| !w.is_empty()) {
                let v = pick(w)?;
                if !picked.contains(&v) {
                    picked.push(v);
                }
            }
            // Kept in the form's order, so the same choices always read and compare the same.
            picked.sort_by_key(|v| q.choices.iter().position(|c| &c.value == v));
            Value::List(picked)
        }
        QuestionKind::YesNo => match s.to_lowercase().as_str() {
            "y" | "yes" | "1" | "true" => Value::Bool(true),
            "n" | "no" | "2" | "0" | "false" => Value::Bool(false),
            _ => return Err("answer yes or no (y/n)".into()),
        },
        QuestionKind::Integer => match s.parse::<i64>() {
            Ok(n) if n.unsigned_abs() < (1 << 53) => Value::Number(n as f64),
            _ => return Err("a whole number, please".into()),
        },
        QuestionKind::Decimal => match s.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() => Value::Number(n),
            _ => return Err("a number, please (e.g. 12.5)".into()),
        },
        QuestionKind::Date => match super::types::parse_date(s) {
            Some(d) => Value::Date(d),
            None => return Err("a date as YYYY-MM-DD, please".into()),
        },
        QuestionKind::Text => Value::Text(crate::domain::text::clean(s).into_owned()),
        QuestionKind::Note | QuestionKind::Calculate => {
            return Err(format!("a {} question takes no answer", q.kind.word()));
        }
    };
    check_value(q, &v)?;
    Ok(v)
}

/// A finished assessment: only the answers that apply, and what they give.
#[derive(Debug, Clone, PartialEq)]
pub struct Finalised {
    pub answers: Answers,
    pub outcome: Outcome,
}

/// Why an assessment cannot be finalised yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NotReady {
    pub missing: Vec<usize>,
    pub invalid: Vec<Problem>,
}

/// Checks everything and clears answers to questions that do not apply (their `relevant` is false), so a
/// record keeps only what was asked.
pub fn finalise(form: &Form, answers: &Answers, today: NaiveDate) -> Result<Finalised, NotReady> {
    let outcome = evaluate(form, answers, today);
    if !outcome.is_complete() {
        return Err(NotReady {
            missing: outcome.missing,
            invalid: outcome.invalid,
        });
    }
    let kept = form
        .questions
        .iter()
        .enumerate()
        .filter(|(i, q)| q.kind.is_answered() && outcome.relevant[*i])
        .filter_map(|(_, q)| {
            let v = answers.get(&q.name)?;
            (!v.is_null()).then(|| (q.name.clone(), v.clone()))
        })
        .collect();
    Ok(Finalised {
        answers: kept,
        outcome,
    })
}

/// Checks an assessor's discretionary override and returns the chosen result's index.
pub fn check_discretionary(
    form: &Form,
    outcome: &Outcome,
    chosen: &str,
    reason: &str,
) -> Result<usize, crate::domain::invalid::Invalid> {
    let index = check_override_result(form, outcome, chosen)?;
    let min_reason_chars = form
        .discretionary
        .as_ref()
        .map_or(0, |d| d.min_reason_chars);
    crate::domain::text::check("reason", reason)?;
    let given = reason.trim().chars().count();
    if given < min_reason_chars {
        return Err(format!(
            "give the reason in at least {min_reason_chars} characters ({given} so far)"
        )
        .into());
    }
    Ok(index)
}

/// The result part of a discretionary override on its own (the form allows one, the result exists, changes the
/// result and does not lower a mandatory one), so the review page can say at once what is wrong with a choice
/// before a reason is written. Returns the chosen result's index.
pub fn check_override_result(
    form: &Form,
    outcome: &Outcome,
    chosen: &str,
) -> Result<usize, String> {
    if form.discretionary.is_none() {
        return Err("this form does not allow a discretionary override".into());
    }
    let Some(results) = &form.result else {
        return Err("this form has no result to override".into());
    };
    let Some(current) = outcome.result else {
        return Err("finish the assessment first: there is no result yet to override".into());
    };
    let Some(index) = results.choices.iter().position(|c| c.value == chosen) else {
        let values: Vec<_> = results.choices.iter().map(|c| c.value.as_str()).collect();
        return Err(format!(
            "'{}' is not a result of this form ({})",
            crate::domain::text::display(chosen),
            values.join(", ")
        ));
    };
    if index == current {
        return Err(format!(
            "the result is already {chosen}: an override must change it"
        ));
    }
    if let Some(m) = outcome.mandatory
        && index < current
    {
        return Err(format!(
            "a mandatory override set this result ({}); a discretionary override may only raise it",
            form.mandatory.get(m).map_or("", |m| m.reason.text.as_str())
        ));
    }
    Ok(index)
}

/// Whether an assessment must be approved before it takes effect.
pub fn needs_approval(form: &Form, discretionary_override: bool) -> bool {
    match form.approval {
        super::model::Approval::Always => true,
        super::model::Approval::OnOverride => discretionary_override,
        super::model::Approval::Never => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalRefusal {
    #[error("a {0} may not approve this form")]
    Role(Role),
    #[error("the person who made an assessment cannot approve it: another approver is needed")]
    OwnAssessment,
}

/// Four eyes: the approver holds a role the form allows to approve, and is not the assessment's author.
pub fn check_approval(
    form: &Form,
    author: &str,
    approver: &str,
    approver_role: Role,
) -> Result<(), ApprovalRefusal> {
    if !form.may_approve(approver_role) {
        return Err(ApprovalRefusal::Role(approver_role));
    }
    // User names are ASCII (auth::check_user_name), so ASCII case folding is the whole story.
    if author.trim().eq_ignore_ascii_case(approver.trim()) {
        return Err(ApprovalRefusal::OwnAssessment);
    }
    Ok(())
}
