//! Reading one question of a form: its kind, choices, limits, default and prefill, each checked where it stands.

use super::Value;
use super::load::{Loader, NameOf, QuestionSpans};
use super::model::{Choice, Prefill, Question, QuestionKind, Text};
use super::raw::{RawChoice, RawQuestion, S};
use super::types::Type;
use crate::domain::text::display;
use std::ops::Range;

impl Loader<'_> {
    pub(super) fn question(&mut self, raw: &S<RawQuestion>, section: usize) {
        let r = raw.get_ref();
        let index = self.questions.len();
        let name = self.name(&r.name, NameOf::Question(index));
        let kind = QuestionKind::parse(r.kind.get_ref()).unwrap_or_else(|| {
            let words: Vec<_> = QuestionKind::ALL.iter().map(|k| k.word()).collect();
            self.err(
                &r.kind.span(),
                format!(
                    "unknown question type '{}': use one of {}",
                    display(r.kind.get_ref()),
                    words.join(", ")
                ),
            );
            QuestionKind::Text
        });
        let what = format!("question '{name}'");
        let label = match &r.label {
            Some(l) => self.text(l, "label", &r.translations, |t| t.label.as_ref()),
            None => {
                if kind != QuestionKind::Calculate {
                    self.err(&r.name.span(), format!("{what} needs a label"));
                }
                Text::plain(name.clone())
            }
        };
        let hint = self.optional_text(r.hint.as_ref(), "hint", &r.translations, |t| {
            t.hint.as_ref()
        });
        let answered = kind.is_answered();
        let required = r.required.as_ref().is_some_and(|s| *s.get_ref());
        if let Some(s) = &r.required
            && *s.get_ref()
            && !answered
        {
            self.err(
                &s.span(),
                format!("a {} question cannot be required", kind.word()),
            );
        }
        let relevant = r
            .relevant
            .as_ref()
            .and_then(|e| self.parse_expr(e, "relevant"));
        let constraint = r.constraint.as_ref().and_then(|e| {
            if !answered {
                self.err(
                    &e.span(),
                    format!("a {} question has no answer to constrain", kind.word()),
                );
            }
            self.parse_expr(e, "constraint")
        });
        let constraint_message = self.optional_text(
            r.constraint_message.as_ref(),
            "constraint_message",
            &r.translations,
            |t| t.constraint_message.as_ref(),
        );
        if let (Some(m), None) = (&r.constraint_message, &r.constraint) {
            self.err(&m.span(), "constraint_message given without a constraint");
        }
        let calculation = match (&r.calculation, kind) {
            (Some(c), QuestionKind::Calculate) => self.parse_expr(c, "calculation"),
            (Some(c), _) => {
                self.err(&c.span(), "only a calculate question has a calculation");
                None
            }
            (None, QuestionKind::Calculate) => {
                self.err(
                    &r.name.span(),
                    format!("{what} is a calculate question without a calculation"),
                );
                None
            }
            (None, _) => None,
        };
        let (choices, choice_spans) = self.question_choices(r, kind, &what);
        let (min, max) = self.limits(r, kind);
        let ty = match kind {
            QuestionKind::SelectOne | QuestionKind::Text | QuestionKind::Note => Type::Text,
            QuestionKind::SelectMultiple => Type::List,
            QuestionKind::YesNo => Type::Bool,
            QuestionKind::Integer | QuestionKind::Decimal => Type::Number,
            QuestionKind::Date => Type::Date,
            QuestionKind::Calculate => Type::Any,
        };
        let mut question = Question {
            name,
            kind,
            label,
            hint,
            required,
            relevant,
            constraint,
            constraint_message,
            default: None,
            prefill: None,
            choices,
            calculation,
            min,
            max,
            section,
            ty,
        };
        if let Some(d) = &r.default {
            question.default = self.default_value(&question, d);
        }
        if let Some(p) = &r.prefill {
            question.prefill = self.prefill(&question, p);
        }
        self.questions.push(question);
        self.qspans.push(QuestionSpans {
            name: r.name.span(),
            relevant: r.relevant.as_ref().map(|s| s.span()),
            constraint: r.constraint.as_ref().map(|s| s.span()),
            calculation: r.calculation.as_ref().map(|s| s.span()),
            choices: choice_spans,
        });
    }

    /// A prefill names a register field and fits the question's kind (and a choice question offers every value
    /// the register may hold).
    pub(super) fn prefill(&mut self, q: &Question, raw: &S<String>) -> Option<Prefill> {
        let Some(p) = Prefill::parse(raw.get_ref()) else {
            self.err(
                &raw.span(),
                format!(
                    "prefill: unknown register field (known: {})",
                    Prefill::known().join(", ")
                ),
            );
            return None;
        };
        if !p.fits(q) {
            self.err(
                &raw.span(),
                format!("prefill = \"{}\" needs {}", raw.get_ref(), p.kind().1),
            );
            return None;
        }
        Some(p)
    }

    pub(super) fn question_choices(
        &mut self,
        r: &RawQuestion,
        kind: QuestionKind,
        what: &str,
    ) -> (Vec<Choice>, Vec<Range<usize>>) {
        let select = matches!(kind, QuestionKind::SelectOne | QuestionKind::SelectMultiple);
        match (&r.choices, &r.choice_list) {
            (Some(c), Some(l)) => {
                self.err(
                    &l.span(),
                    format!("{what}: give choices or choice_list, not both"),
                );
                self.choices(c.get_ref(), what)
            }
            (Some(c), None) if select => {
                if c.get_ref().is_empty() {
                    self.err(&c.span(), format!("{what}: no choices"));
                }
                self.choices(c.get_ref(), what)
            }
            (None, Some(l)) if select => match self.choice_lists.get(l.get_ref()) {
                Some(found) => found.clone(),
                None => {
                    self.err(
                        &l.span(),
                        format!("unknown choice list '{}'", display(l.get_ref())),
                    );
                    (Vec::new(), Vec::new())
                }
            },
            (None, None) if select => {
                self.err(
                    &r.name.span(),
                    format!("{what} is a {} question without choices", kind.word()),
                );
                (Vec::new(), Vec::new())
            }
            (c, None) if kind == QuestionKind::YesNo => self.yes_no_choices(c.as_ref(), what),
            (Some(c), _) => {
                self.err(
                    &c.span(),
                    format!("a {} question has no choices", kind.word()),
                );
                (Vec::new(), Vec::new())
            }
            (_, Some(l)) => {
                self.err(
                    &l.span(),
                    format!("a {} question has no choices", kind.word()),
                );
                (Vec::new(), Vec::new())
            }
            (None, None) => (Vec::new(), Vec::new()),
        }
    }

    /// yes_no always offers "yes" then "no"; listing them is how scores and other labels are given.
    pub(super) fn yes_no_choices(
        &mut self,
        given: Option<&S<Vec<S<RawChoice>>>>,
        what: &str,
    ) -> (Vec<Choice>, Vec<Range<usize>>) {
        let mut choices = vec![
            Choice {
                value: "yes".into(),
                label: Text::plain("Yes"),
                score: None,
            },
            Choice {
                value: "no".into(),
                label: Text::plain("No"),
                score: None,
            },
        ];
        let default_span = given.map_or(0..0, |g| g.span());
        let mut spans = vec![default_span.clone(), default_span];
        for c in given.map(|g| g.get_ref().as_slice()).unwrap_or_default() {
            let r = c.get_ref();
            let Some(i) = choices.iter().position(|x| &x.value == r.value.get_ref()) else {
                self.err(
                    &r.value.span(),
                    format!("{what}: a yes_no choice is either yes or no"),
                );
                continue;
            };
            if let Some(l) = &r.label {
                choices[i].label =
                    self.text(l, "choice label", &r.translations, |t| Some(&t.label));
            }
            choices[i].score = r.score.as_ref().map(|s| *s.get_ref());
            spans[i] = c.span();
        }
        (choices, spans)
    }

    pub(super) fn limits(
        &mut self,
        r: &RawQuestion,
        kind: QuestionKind,
    ) -> (Option<f64>, Option<f64>) {
        let numeric = matches!(kind, QuestionKind::Integer | QuestionKind::Decimal);
        let mut read = |s: &Option<S<f64>>| -> Option<f64> {
            let s = s.as_ref()?;
            let v = *s.get_ref();
            if !numeric {
                self.err(
                    &s.span(),
                    format!("a {} question has no min or max", kind.word()),
                );
                None
            } else if kind == QuestionKind::Integer && v.fract() != 0.0 {
                self.err(
                    &s.span(),
                    "an integer question's limits must be whole numbers",
                );
                None
            } else {
                Some(v)
            }
        };
        let (min, max) = (read(&r.min), read(&r.max));
        if let (Some(lo), Some(hi), Some(s)) = (min, max, &r.max)
            && lo > hi
        {
            self.err(&s.span(), "max is below min");
        }
        (min, max)
    }

    pub(super) fn default_value(&mut self, q: &Question, d: &S<toml::Value>) -> Option<Value> {
        let v = match (d.get_ref(), q.kind) {
            (_, QuestionKind::Note | QuestionKind::Calculate) => {
                self.err(
                    &d.span(),
                    format!("a {} question has no default", q.kind.word()),
                );
                return None;
            }
            (toml::Value::Integer(n), _) => Value::Number(*n as f64),
            (toml::Value::Float(n), _) => Value::Number(*n),
            (toml::Value::Boolean(b), _) => Value::Bool(*b),
            (toml::Value::String(s), _) => match super::evaluate::parse_answer(q, s) {
                Ok(v) => v,
                Err(e) => {
                    self.err(&d.span(), format!("default: {e}"));
                    return None;
                }
            },
            (toml::Value::Datetime(dt), _) => match super::types::parse_date(&dt.to_string()) {
                Some(date) => Value::Date(date),
                None => {
                    self.err(&d.span(), "default: write a date as YYYY-MM-DD");
                    return None;
                }
            },
            (toml::Value::Array(items), _) => Value::List(
                items
                    .iter()
                    .map(|i| i.as_str().unwrap_or_default().to_string())
                    .collect(),
            ),
            (toml::Value::Table(_), _) => {
                self.err(&d.span(), "default: a table is not an answer");
                return None;
            }
        };
        match super::evaluate::check_value(q, &v) {
            Ok(()) => Some(v),
            Err(e) => {
                self.err(&d.span(), format!("default: {e}"));
                None
            }
        }
    }
}
