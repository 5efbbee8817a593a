//! Answers as JSON, keyed by question name, for storing a record: each value written in its plainest JSON shape
//! and read back by the question's type, so a date stays a date and a yes/no stays a yes/no.

use super::model::{Form, QuestionKind};
use super::{Answers, Value};
use crate::domain::prisoner::Prisoner;
use serde_json::{Map, Value as Json};

/// What a new draft about `prisoner` starts with: each question's default, then what the register record holds
/// for questions marked `prefill`.
pub fn initial_answers(form: &Form, prisoner: Option<&Prisoner>) -> Answers {
    let mut answers = form.initial_answers();
    let Some(p) = prisoner else {
        return answers;
    };
    for (name, value) in prefilled(form, p) {
        answers.insert(name, value);
    }
    answers
}

/// What the register record gives each question marked `prefill`, where it holds something. The form filler
/// marks an answer that is still this value as taken from the record.
pub fn prefilled(form: &Form, p: &Prisoner) -> Vec<(String, Value)> {
    form.questions
        .iter()
        .filter_map(|q| Some((q.name.clone(), q.prefill?.value(p)?)))
        .collect()
}

/// One answer as JSON: numbers as numbers, dates as "YYYY-MM-DD", yes/no as true/false, choices as lists.
pub fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
        Value::Text(s) => Json::String(s.clone()),
        Value::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
        Value::Bool(b) => Json::Bool(*b),
        Value::List(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
    }
}

/// Reads one answer back. With a question it is read by the question's kind; without one (a question since
/// removed from the form) or when the stored shape does not fit the kind, it is read by its JSON shape, so
/// nothing stored is dropped: `evaluate` then reports it as an answer of the wrong kind.
pub fn value_from_json(kind: Option<QuestionKind>, j: &Json) -> Value {
    let by_kind = kind.and_then(|k| match (k, j) {
        (QuestionKind::Date, Json::String(s)) => super::types::parse_date(s).map(Value::Date),
        (QuestionKind::YesNo, Json::Bool(b)) => Some(Value::Bool(*b)),
        (QuestionKind::Integer | QuestionKind::Decimal, Json::Number(n)) => {
            n.as_f64().map(Value::Number)
        }
        (QuestionKind::SelectOne | QuestionKind::Text, Json::String(s)) => {
            Some(Value::Text(s.clone()))
        }
        _ => None,
    });
    by_kind.unwrap_or_else(|| match j {
        Json::Null | Json::Object(_) => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(|i| match i {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        ),
    })
}

/// All answers as one JSON object; empty answers are left out.
pub fn answers_to_json(answers: &Answers) -> String {
    let map: Map<String, Json> = answers
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), value_to_json(v)))
        .collect();
    Json::Object(map).to_string()
}

/// Reads answers written by `answers_to_json`, each by its question's kind in `form`. Text that is not a JSON
/// object reads as no answers.
pub fn answers_from_json(form: &Form, text: &str) -> Answers {
    let Ok(Json::Object(map)) = serde_json::from_str::<Json>(text) else {
        return Answers::new();
    };
    map.iter()
        .map(|(name, j)| {
            let kind = form.question(name).map(|i| form.questions[i].kind);
            (name.clone(), value_from_json(kind, j))
        })
        .filter(|(_, v)| !v.is_null())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::prisoner::BirthDate;
    use chrono::NaiveDate;

    const FORM: &str = r#"
id = "t"
version = 1
title = "T"
applies_to = "prisoner"
fill_roles = ["assessor"]
approve_roles = ["supervisor"]

[[section]]
title = "S"

[[section.question]]
name = "born"
type = "date"
label = "Born"

[[section.question]]
name = "armed"
type = "yes_no"
label = "Armed"

[[section.question]]
name = "years"
type = "integer"
label = "Years"

[[section.question]]
name = "note"
type = "text"
label = "Note"

[[section.question]]
name = "level"
type = "select_one"
label = "Level"
choices = [{ value = "low", label = "Low" }, { value = "high", label = "High" }]

[[section.question]]
name = "many"
type = "select_multiple"
label = "Many"
choices = [{ value = "a", label = "A" }, { value = "b", label = "B" }]
"#;

    #[test]
    fn every_kind_of_answer_reads_back_as_it_was_written() {
        let form = super::super::load(FORM.as_bytes()).unwrap();
        let mut answers = Answers::new();
        answers.insert(
            "born".into(),
            Value::Date(NaiveDate::from_ymd_opt(1990, 3, 14).unwrap()),
        );
        answers.insert("armed".into(), Value::Bool(false));
        answers.insert("years".into(), Value::Number(12.0));
        // Text that looks like a date or a number stays text.
        answers.insert("note".into(), Value::Text("2026-01-01".into()));
        answers.insert("level".into(), Value::Text("high".into()));
        answers.insert("many".into(), Value::List(vec!["a".into(), "b".into()]));
        let json = answers_to_json(&answers);
        assert_eq!(answers_from_json(&form, &json), answers);
    }

    #[test]
    fn answers_of_the_wrong_shape_or_to_removed_questions_are_kept_by_their_shape() {
        let form = super::super::load(FORM.as_bytes()).unwrap();
        let read = answers_from_json(&form, r#"{"born": "not a date", "gone": 3, "armed": null}"#);
        assert_eq!(read.get("born"), Some(&Value::Text("not a date".into())));
        assert_eq!(read.get("gone"), Some(&Value::Number(3.0)));
        assert_eq!(read.get("armed"), None);
        assert!(answers_from_json(&form, "[1]").is_empty());
    }

    const PREFILLED: &str = r#"
id = "p"
version = 1
title = "P"
applies_to = "prisoner"
fill_roles = ["assessor"]
approve_roles = ["supervisor"]

[[section]]
title = "S"

[[section.question]]
name = "sex"
type = "select_one"
label = "Sex"
prefill = "sex"
choices = [{ value = "female", label = "F" }, { value = "male", label = "M" }]

[[section.question]]
name = "born"
type = "date"
label = "Born"
prefill = "date_of_birth"

[[section.question]]
name = "years"
type = "integer"
label = "Years"
default = 3
"#;

    #[test]
    fn a_new_draft_takes_sex_and_an_exact_date_of_birth_from_the_register() {
        let form = super::super::load(PREFILLED.as_bytes()).unwrap();
        let when = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut p = Prisoner::blank(when.and_hms_opt(9, 0, 0).unwrap());
        p.sex = crate::domain::estate::Sex::Female;
        p.birth = BirthDate::Exact(NaiveDate::from_ymd_opt(1990, 3, 14).unwrap());
        let a = initial_answers(&form, Some(&p));
        assert_eq!(a.get("sex"), Some(&Value::Text("female".into())));
        assert_eq!(
            a.get("born"),
            Some(&Value::Date(NaiveDate::from_ymd_opt(1990, 3, 14).unwrap()))
        );
        assert_eq!(a.get("years"), Some(&Value::Number(3.0)));
        // A year alone is not a date: the assessor asks.
        p.birth = BirthDate::YearOnly(1990);
        assert_eq!(initial_answers(&form, Some(&p)).get("born"), None);
        assert_eq!(initial_answers(&form, None).len(), 1);
    }

    #[test]
    fn a_prefill_must_name_a_register_field_that_fits_the_question() {
        let unknown = PREFILLED.replace("prefill = \"sex\"", "prefill = \"gender\"");
        let e = super::super::load(unknown.as_bytes()).unwrap_err();
        assert_eq!(e[0].pos.line, 16);
        for known in [
            "prisoner.sex",
            "prisoner.date_of_birth",
            "prisoner.children",
        ] {
            assert!(e[0].message.contains(known), "{}", e[0].message);
        }
        // A field only some roles may see is no source: its value would reach every reader of the form.
        assert!(!e[0].message.contains("prisoner.vep"), "{}", e[0].message);
        let misfit = PREFILLED.replace("prefill = \"date_of_birth\"", "prefill = \"sex\"");
        let e = super::super::load(misfit.as_bytes()).unwrap_err();
        assert_eq!(e[0].pos.line, 23);
        assert!(
            e[0].message.contains("needs a select_one question"),
            "{}",
            e[0].message
        );
    }

    const FROM_RECORD: &str = r#"
id = "r"
version = 1
title = "R"
applies_to = "prisoner"
fill_roles = ["officer"]

[[section]]
title = "S"

[[section.question]]
name = "sex"
type = "select_one"
label = "Sex"
prefill = "prisoner.sex"
choices = [{ value = "female", label = "F" }, { value = "male", label = "M" }]

[[section.question]]
name = "born"
type = "date"
label = "Born"
prefill = "prisoner.date_of_birth"

[[section.question]]
name = "children"
type = "text"
label = "Children and who cares for them"
prefill = "prisoner.children"

[[section.question]]
name = "languages"
type = "text"
label = "Languages"
prefill = "prisoner.languages"

[[section.question]]
name = "status"
type = "select_one"
label = "Legal status"
prefill = "prisoner.legal_status"
choices = [
  { value = "remand", label = "Remand" },
  { value = "convicted", label = "Convicted" },
  { value = "civil", label = "Civil" },
  { value = "immigration", label = "Immigration" },
]

[[section.question]]
name = "months"
type = "integer"
label = "Sentence in months"
prefill = "prisoner.sentence_months"

[[section.question]]
name = "admitted"
type = "date"
label = "Admitted on"
prefill = "prisoner.admitted_at"

[[section.question]]
name = "vulnerable"
type = "yes_no"
label = "Vulnerable"
prefill = "prisoner.vulnerable"
"#;

    #[test]
    fn a_form_maps_its_questions_to_register_fields_and_empty_fields_fill_nothing() {
        let form = super::super::load(FROM_RECORD.as_bytes()).unwrap();
        let when = NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        let mut p = Prisoner::blank(when);
        p.sex = crate::domain::estate::Sex::Female;
        p.birth = BirthDate::Exact(NaiveDate::from_ymd_opt(1991, 5, 6).unwrap());
        p.children = "Two daughters, 4 and 7, with her mother in Mbale".into();
        p.languages = vec!["Lugisu".into(), "English".into()];
        p.legal_status = crate::domain::estate::LegalStatus::Convicted;
        p.sentence_months = Some(30);
        p.vulnerable = true;
        let a = initial_answers(&form, Some(&p));
        let text = |s: &str| Some(Value::Text(s.into()));
        assert_eq!(a.get("sex").cloned(), text("female"));
        assert_eq!(
            a.get("born"),
            Some(&Value::Date(NaiveDate::from_ymd_opt(1991, 5, 6).unwrap()))
        );
        assert_eq!(
            a.get("children").cloned(),
            text("Two daughters, 4 and 7, with her mother in Mbale")
        );
        assert_eq!(a.get("languages").cloned(), text("Lugisu; English"));
        assert_eq!(a.get("status").cloned(), text("convicted"));
        assert_eq!(a.get("months"), Some(&Value::Number(30.0)));
        assert_eq!(a.get("admitted"), Some(&Value::Date(when.date())));
        assert_eq!(a.get("vulnerable"), Some(&Value::Bool(true)));
        // What the record does not hold is left for the officer to ask.
        p.children.clear();
        p.sentence_months = None;
        let a = initial_answers(&form, Some(&p));
        assert_eq!(a.get("children"), None);
        assert_eq!(a.get("months"), None);
        // Every answer taken from the record is still an answer of its question's kind.
        let o = super::super::evaluate(&form, &a, when.date());
        assert!(o.invalid.is_empty(), "{:?}", o.invalid);
    }

    #[test]
    fn a_prefill_that_does_not_fit_is_refused_at_load_naming_what_it_needs() {
        let cases = [
            // A restricted field is not a source.
            (
                "prefill = \"prisoner.children\"",
                "prefill = \"prisoner.vep\"",
                "unknown register field",
            ),
            // Text into a date.
            (
                "prefill = \"prisoner.date_of_birth\"",
                "prefill = \"prisoner.children\"",
                "needs a text question",
            ),
            // A choice question must offer every value the register may hold.
            (
                "  { value = \"immigration\", label = \"Immigration\" },\n",
                "",
                "needs a select_one question with the choices remand, convicted, civil and immigration",
            ),
            (
                "prefill = \"prisoner.sentence_months\"",
                "prefill = \"prisoner.languages\"",
                "needs a text question",
            ),
            (
                "prefill = \"prisoner.vulnerable\"",
                "prefill = \"prisoner.sex\"",
                "needs a select_one",
            ),
            (
                "prefill = \"prisoner.sex\"",
                "prefill = \"register.sex\"",
                "unknown register field",
            ),
        ];
        for (from, to, says) in cases {
            assert!(FROM_RECORD.contains(from), "{from}");
            let e = super::super::load(FROM_RECORD.replacen(from, to, 1).as_bytes()).unwrap_err();
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(e[0].message.contains(says), "{to}: {}", e[0].message);
        }
    }
}
