//! Property tests: the expression parser, checker and evaluator, and form evaluation, never panic on any input.

use chrono::NaiveDate;
use proptest::prelude::*;
use std::path::Path;
use std::sync::Arc;
use warden::domain::forms::eval::{Env, eval};
use warden::domain::forms::expr::{Target, parse};
use warden::domain::forms::types::{Named, Scope, Type, check};
use warden::domain::forms::{Answers, Form, Registry, Value, evaluate, finalise};

/// Five names of each type, so random text often refers to something real.
struct Names;
const NAMES: [(&str, Type); 6] = [
    ("n", Type::Number),
    ("t", Type::Text),
    ("d", Type::Date),
    ("b", Type::Bool),
    ("l", Type::List),
    ("s", Type::Number),
];

impl Scope for Names {
    fn lookup(&self, name: &str) -> Option<Named> {
        let i = NAMES.iter().position(|(n, _)| *n == name)?;
        Some(Named {
            target: Target::Question(i),
            ty: NAMES[i].1,
            choices: matches!(NAMES[i].1, Type::Text | Type::List)
                .then(|| vec!["a".into(), "b".into()]),
            is_note: false,
        })
    }
    fn current(&self) -> Option<Named> {
        self.lookup("n")
    }
}

struct Values(Vec<Value>, Value);
impl Env for Values {
    fn value(&self, t: Target) -> &Value {
        match t {
            Target::Question(i) | Target::Sum(i) => self.0.get(i).unwrap_or(&Value::Null),
            Target::Unresolved => &Value::Null,
        }
    }
    fn current(&self) -> &Value {
        &self.1
    }
    fn today(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }
}

const TOKENS: &[&str] = &[
    "${n}",
    "${t}",
    "${d}",
    "${b}",
    "${l}",
    "${s}",
    "${x}",
    ".",
    "1",
    "0",
    "2.5",
    "-",
    "+",
    "*",
    "/",
    "div",
    "mod",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "not",
    "(",
    ")",
    ",",
    "'a'",
    "\"b\"",
    "'2020-02-29'",
    "if(",
    "selected(",
    "count-selected(",
    "today()",
    "age(",
    "string-length(",
    "sum(",
    "coalesce(",
    "min(",
    "max(",
    "round(",
    "int(",
    "date(",
    "true()",
    "false()",
    "$",
    "{",
    "}",
    "'",
    "é",
    "١",
    "\u{202e}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..24).prop_map(|t| t.join(" "))
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<f64>().prop_map(Value::Number),
        (-1e6f64..1e6).prop_map(Value::Number),
        ".{0,8}".prop_map(Value::Text),
        prop::sample::select(vec!["a", "b", "yes", "no", "low", "high", "male", "female"])
            .prop_map(|s| Value::Text(s.into())),
        (-200_000i32..200_000).prop_map(|d| Value::Date(
            NaiveDate::from_num_days_from_ce_opt(730_000 + d).unwrap_or_default()
        )),
        any::<bool>().prop_map(Value::Bool),
        prop::collection::vec(
            prop::sample::select(vec!["a", "b", "c", "none", "alcohol"]),
            0..4
        )
        .prop_map(|v| Value::List(v.into_iter().map(String::from).collect())),
    ]
}

fn shipped() -> &'static [Arc<Form>] {
    static FORMS: std::sync::OnceLock<Vec<Arc<Form>>> = std::sync::OnceLock::new();
    FORMS.get_or_init(|| {
        let reg = Registry::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")).unwrap();
        reg.forms.into_iter().map(|(_, f)| f).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn any_text_parses_checks_and_evaluates_without_panic(
        src in prop_oneof![token_soup(), ".{0,60}"],
        values in prop::collection::vec(any_value(), 6),
        current in any_value(),
    ) {
        if let Ok(mut e) = parse(&src) {
            let mut errors = Vec::new();
            let _ = check(&mut e, &Names, &mut errors);
            // Only checked expressions reach the evaluator in a form, but it must survive unchecked ones too.
            let _ = eval(&e, &Values(values, current));
        }
    }

    #[test]
    fn any_answer_set_evaluates_without_panic(
        form in 0usize..7,
        picks in prop::collection::vec((0usize..200, any_value()), 0..60),
        days in 0i32..40_000,
    ) {
        let forms = shipped();
        let f = &forms[form % forms.len()];
        let answers: Answers = picks
            .into_iter()
            .map(|(i, v)| (f.questions[i % f.questions.len()].name.clone(), v))
            .collect();
        let today = NaiveDate::from_num_days_from_ce_opt(700_000 + days).unwrap();
        let o = evaluate(f, &answers, today);
        prop_assert_eq!(o.relevant.len(), f.questions.len());
        prop_assert!(o.sums.iter().all(|s| s.is_finite()));
        if let Ok(done) = finalise(f, &answers, today) {
            // What finalising keeps gives the same outcome as everything that was typed.
            prop_assert_eq!(evaluate(f, &done.answers, today), done.outcome);
        }
    }
}
