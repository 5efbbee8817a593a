//! Reading the scoring parts of a form: sums and their bands, the result, mandatory and discretionary overrides,
//! and findings. Names are checked here; expressions, cycles and band coverage in `check`.

use super::load::{Loader, NameOf, SumSpans};
use super::model::{
    Band, BandDef, Discretionary, Finding, Forcing, MandatoryOverride, QuestionKind, ResultChoice,
    ResultDef, Sum, Text,
};
use super::raw::{RawForm, RawSum, S};
use crate::domain::auth::Role;
use crate::domain::estate::SecurityLevel;
use crate::domain::text::display;
use std::collections::HashSet;

/// Default for `min_reason_chars`: long enough that "ok" or "agreed" is not a reason.
const MIN_REASON_CHARS: usize = 20;

impl Loader<'_> {
    pub(super) fn scoring(&mut self, raw: &RawForm) {
        // Names first, so sums may add sums written later in the file.
        for (i, s) in raw.sum.iter().enumerate() {
            self.name(&s.get_ref().name, NameOf::Sum(i));
        }
        self.result(raw);
        let mut unscored = HashSet::new();
        for s in &raw.sum {
            self.sum(s, &mut unscored);
        }
        for m in &raw.mandatory_override {
            let r = m.get_ref();
            let when = self.parse_expr(&r.when, "when");
            let forcing = match (&r.result, &r.at_least) {
                (Some(v), None) => self.result_value(v).map(Forcing::Exactly),
                (None, Some(v)) => self.result_value(v).map(Forcing::AtLeast),
                _ => {
                    self.err(
                        &m.span(),
                        "a mandatory override gives either result or at_least (one of them)",
                    );
                    None
                }
            };
            let reason = self.text(&r.reason, "reason", &r.translations, |t| Some(&t.reason));
            if let (Some(when), Some(forcing)) = (when, forcing) {
                self.mandatory.push(MandatoryOverride {
                    when,
                    forcing,
                    reason,
                });
                self.mandatory_spans.push(r.when.span());
            }
        }
        for f in &raw.finding {
            let r = f.get_ref();
            let name = self.name(&r.name, NameOf::Finding(self.findings.len()));
            let label = self.text(&r.label, "label", &r.translations, |t| Some(&t.label));
            if let Some(when) = self.parse_expr(&r.when, "when") {
                self.findings.push(Finding { name, label, when });
                self.finding_spans.push(r.when.span());
            }
        }
    }

    fn result(&mut self, raw: &RawForm) {
        let Some(res) = &raw.result else {
            return;
        };
        let r = res.get_ref();
        let label = self.text(&r.label, "result label", &r.translations, |t| {
            Some(&t.label)
        });
        let question =
            r.question
                .as_ref()
                .and_then(|q| match self.names.get(q.get_ref()).map(|n| n.0) {
                    Some(NameOf::Question(i))
                        if self.questions[i].kind == QuestionKind::SelectOne =>
                    {
                        Some(i)
                    }
                    Some(NameOf::Question(_)) => {
                        self.err(
                            &q.span(),
                            "the result question must be a select_one question",
                        );
                        None
                    }
                    _ => {
                        self.err(
                            &q.span(),
                            format!("unknown question '{}'", display(q.get_ref())),
                        );
                        None
                    }
                });
        let mut choices: Vec<ResultChoice> = Vec::new();
        match &r.choices {
            Some(list) => {
                for c in list.get_ref() {
                    let c = c.get_ref();
                    let value = c.value.get_ref().clone();
                    if choices.iter().any(|x| x.value == value) {
                        self.err(
                            &c.value.span(),
                            format!("result '{}' is listed twice", display(&value)),
                        );
                    }
                    let review_months =
                        c.review_months
                            .as_ref()
                            .and_then(|m| match u32::try_from(*m.get_ref()) {
                                Ok(v) if (1..=120).contains(&v) => Some(v),
                                _ => {
                                    self.err(&m.span(), "review_months must be from 1 to 120");
                                    None
                                }
                            });
                    let label = self.text(&c.label, "label", &c.translations, |t| Some(&t.label));
                    choices.push(ResultChoice {
                        value,
                        label,
                        review_months,
                    });
                }
                if choices.is_empty() {
                    self.err(&list.span(), "the result has no choices");
                }
                // The question's answers must be results, so either path gives a known result.
                if let (Some(i), Some(q)) = (question, &r.question) {
                    for c in self.questions[i].choices.clone() {
                        if !choices.iter().any(|x| x.value == c.value) {
                            let message = format!(
                                "choice '{}' of '{}' is not one of the result's choices",
                                display(&c.value),
                                self.questions[i].name
                            );
                            self.err(&q.span(), message);
                        }
                    }
                }
            }
            None => match question {
                Some(i) => {
                    choices = self.questions[i]
                        .choices
                        .iter()
                        .map(|c| ResultChoice {
                            value: c.value.clone(),
                            label: c.label.clone(),
                            review_months: None,
                        })
                        .collect();
                }
                None if r.question.is_none() => {
                    self.err(&res.span(), "[result] needs choices, a question, or both");
                }
                None => {}
            },
        }
        let security_levels = match r.kind.as_ref() {
            None => None,
            Some(k) if k.get_ref() == "security_level" => {
                let mut levels = Vec::new();
                for c in &choices {
                    match SecurityLevel::parse(&c.value) {
                        Some(l) => levels.push(l),
                        None => self.err(
                            &k.span(),
                            format!(
                                "result '{}' is not a security level ({})",
                                display(&c.value),
                                SecurityLevel::choices()
                            ),
                        ),
                    }
                }
                Some(levels)
            }
            Some(k) => {
                self.err(
                    &k.span(),
                    format!(
                        "result kind '{}': the only kind is security_level",
                        display(k.get_ref())
                    ),
                );
                None
            }
        };
        self.result = Some(ResultDef {
            label,
            choices,
            question,
            security_levels,
        });
    }

    fn result_value(&mut self, v: &S<String>) -> Option<usize> {
        let Some(result) = &self.result else {
            self.err(&v.span(), "names a result, but the form has no [result]");
            return None;
        };
        match result.choices.iter().position(|c| &c.value == v.get_ref()) {
            Some(i) => Some(i),
            None => {
                let values: Vec<_> = result.choices.iter().map(|c| c.value.as_str()).collect();
                let message = format!(
                    "'{}' is not a result of this form ({})",
                    display(v.get_ref()),
                    values.join(", ")
                );
                self.err(&v.span(), message);
                None
            }
        }
    }

    fn sum(&mut self, raw: &S<RawSum>, unscored: &mut HashSet<usize>) {
        let r = raw.get_ref();
        let name = r.name.get_ref().clone();
        let label = match &r.label {
            Some(l) => self.text(l, "label", &r.translations, |t| Some(&t.label)),
            None => Text::plain(name.clone()),
        };
        let mut spans = SumSpans {
            name: r.name.span(),
            ..SumSpans::default()
        };
        let mut questions = Vec::new();
        for q in &r.questions {
            match self.names.get(q.get_ref()).map(|n| n.0) {
                Some(NameOf::Question(i)) => {
                    self.scorable(i, &q.span(), &name, unscored);
                    questions.push(i);
                    spans.questions.push(q.span());
                }
                Some(NameOf::Sum(_)) => {
                    spans.broken = true;
                    self.err(
                        &q.span(),
                        format!("'{}' is a sum: list it under sums", display(q.get_ref())),
                    )
                }
                _ => {
                    spans.broken = true;
                    self.err(
                        &q.span(),
                        format!("unknown question '{}'", display(q.get_ref())),
                    )
                }
            }
        }
        let mut sums = Vec::new();
        for s in &r.sums {
            match self.names.get(s.get_ref()).map(|n| n.0) {
                Some(NameOf::Sum(j)) => {
                    sums.push(j);
                    spans.sums.push(s.span());
                }
                _ => {
                    spans.broken = true;
                    self.err(&s.span(), format!("unknown sum '{}'", display(s.get_ref())))
                }
            }
        }
        let relevant = r
            .relevant
            .as_ref()
            .and_then(|e| self.parse_expr(e, "relevant"));
        spans.relevant = r.relevant.as_ref().map(|e| e.span());
        let expression = r
            .expression
            .as_ref()
            .and_then(|e| self.parse_expr(e, "expression"));
        spans.expression = r.expression.as_ref().map(|e| e.span());
        if questions.is_empty() && sums.is_empty() && r.expression.is_none() {
            self.err(
                &r.name.span(),
                format!("sum '{name}' adds nothing: give questions, sums or expression"),
            );
        }
        let mut bands = Vec::new();
        for b in &r.band {
            let br = b.get_ref();
            let band_label = self.text(&br.label, "band label", &br.translations, |t| {
                Some(&t.label)
            });
            let result = br.result.as_ref().and_then(|v| self.result_value(v));
            let (min, max) = (
                br.min.as_ref().map(|m| *m.get_ref()),
                br.max.as_ref().map(|m| *m.get_ref()),
            );
            if let (Some(lo), Some(hi), Some(s)) = (min, max, &br.max)
                && lo > hi
            {
                self.err(&s.span(), "max is below min");
            }
            bands.push(BandDef {
                band: Band { min, max, result },
                label: band_label,
            });
            let at = br
                .min
                .as_ref()
                .or(br.max.as_ref())
                .map_or(br.label.span(), |s| s.span());
            spans.bands.push(at);
        }
        self.sums.push(Sum {
            name,
            label,
            relevant,
            questions,
            sums,
            expression,
            bands,
            range: (f64::NEG_INFINITY, f64::INFINITY),
        });
        self.sum_spans.push(spans);
    }

    /// A sum may add a question only if every answer has a score (choices) or is itself a number.
    fn scorable(
        &mut self,
        i: usize,
        at: &std::ops::Range<usize>,
        sum: &str,
        unscored: &mut HashSet<usize>,
    ) {
        let q = &self.questions[i];
        let qname = q.name.clone();
        match q.kind {
            QuestionKind::SelectOne | QuestionKind::SelectMultiple | QuestionKind::YesNo => {
                if !unscored.insert(i) {
                    return;
                }
                let missing: Vec<(String, std::ops::Range<usize>)> = q
                    .choices
                    .iter()
                    .zip(&self.qspans[i].choices)
                    .filter(|(c, _)| c.score.is_none())
                    .map(|(c, s)| (c.value.clone(), s.clone()))
                    .collect();
                for (value, span) in missing {
                    let span = if span.is_empty() {
                        self.qspans[i].name.clone()
                    } else {
                        span
                    };
                    self.err(
                        &span,
                        format!(
                            "choice '{}' of '{qname}' has no score, but sum '{sum}' adds '{qname}'",
                            display(&value)
                        ),
                    );
                }
            }
            // Numbers add their value; a calculation's type is checked once it is known (in `check`).
            QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Calculate => {}
            kind => self.err(
                at,
                format!(
                    "'{qname}' is a {} question and cannot be added up",
                    kind.word()
                ),
            ),
        }
    }

    pub(super) fn discretionary(
        &mut self,
        raw: &RawForm,
        approvers: &[Role],
    ) -> Option<Discretionary> {
        let d = raw.discretionary_override.as_ref()?;
        if self.result.is_none() {
            self.err(
                &d.span(),
                "a discretionary override needs a [result] to override",
            );
        }
        if approvers.is_empty() {
            self.err(
                &d.span(),
                "a discretionary override must be approved: name approve_roles",
            );
        }
        let min_reason_chars = match d.get_ref().min_reason_chars.as_ref() {
            None => MIN_REASON_CHARS,
            Some(m) => match usize::try_from(*m.get_ref()) {
                Ok(n) if (1..=500).contains(&n) => n,
                _ => {
                    self.err(&m.span(), "min_reason_chars must be from 1 to 500");
                    MIN_REASON_CHARS
                }
            },
        };
        Some(Discretionary { min_reason_chars })
    }
}
