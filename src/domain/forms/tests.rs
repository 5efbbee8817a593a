//! Unit tests of loading and evaluating small forms written inline.

use super::evaluate::{needs_approval, score};
use super::*;
use crate::domain::auth::Role;
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const SMALL: &str = r#"
id = "small"
version = 2
title = "Small"
applies_to = "prisoner"
fill_roles = ["assessor"]
approve_roles = ["supervisor"]

[review]
interval_months = 12

[result]
label = "Level"
choices = [
  { value = "low", label = "Low" },
  { value = "high", label = "High", review_months = 6 },
  { value = "top", label = "Top", review_months = 3 },
]

[[section]]
title = "Only"

[[section.question]]
name = "violence"
type = "select_one"
label = "Violence"
required = true
choices = [{ value = "no", label = "No", score = 0 }, { value = "yes", label = "Yes", score = 5 }]

[[section.question]]
name = "weapon"
type = "yes_no"
label = "Weapon used"
required = true
relevant = "${violence} = 'yes'"
choices = [{ value = "yes", score = 3 }, { value = "no", score = 0 }]

[[section.question]]
name = "years"
type = "integer"
label = "Years to serve"
min = 0
max = 99
constraint = ". != 13"
constraint_message = "Not thirteen"

[[section.question]]
name = "flag"
type = "yes_no"
label = "Flag"

[[sum]]
name = "total"
questions = ["violence", "weapon", "years"]
[[sum.band]]
min = 8
label = "8+"
result = "high"
[[sum.band]]
max = 7
label = "up to 7"
result = "low"

[[mandatory_override]]
when = "${flag}"
result = "top"
reason = "Flagged"

[discretionary_override]
min_reason_chars = 10
"#;

fn small() -> Form {
    load(SMALL.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn answers(pairs: &[(&str, Value)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn scores_bands_result_and_review_date() {
    let f = small();
    let a = answers(&[
        ("violence", text("yes")),
        ("weapon", Value::Bool(true)),
        ("years", Value::Number(1.0)),
    ]);
    let o = evaluate(&f, &a, day("2026-01-31"));
    assert_eq!(o.sums, vec![9.0]);
    assert_eq!(o.bands, vec![Some(0)]);
    assert_eq!(o.result_value(&f), Some("high"));
    assert_eq!(o.mandatory, None);
    // Six months from 31 January is the last day of July.
    assert_eq!(o.next_review, Some(day("2026-07-31")));
    assert!(o.is_complete());
    assert_eq!(o.scores[0], Some(5.0));
}

#[test]
fn irrelevant_answers_do_not_count_and_are_cleared_on_finalising() {
    let f = small();
    let a = answers(&[
        ("violence", text("no")),
        ("weapon", Value::Bool(true)),
        ("years", Value::Number(2.0)),
        ("not_in_form", text("x")),
    ]);
    let o = evaluate(&f, &a, day("2026-01-01"));
    assert!(!o.relevant[1]);
    assert_eq!(o.sums, vec![2.0]);
    assert_eq!(o.result_value(&f), Some("low"));
    assert_eq!(o.next_review, Some(day("2027-01-01")));
    let done = finalise(&f, &a, day("2026-01-01")).unwrap();
    assert_eq!(
        done.answers.keys().collect::<Vec<_>>(),
        vec!["violence", "years"]
    );
    assert_eq!(
        evaluate(&f, &done.answers, day("2026-01-01")),
        done.outcome,
        "clearing changes nothing the form computes"
    );
}

#[test]
fn missing_and_invalid_answers_block_finalising() {
    let f = small();
    let a = answers(&[("violence", text("yes")), ("years", Value::Number(13.0))]);
    let o = evaluate(&f, &a, day("2026-01-01"));
    assert_eq!(o.missing, vec![1]);
    assert_eq!(o.invalid.len(), 1);
    assert_eq!(o.invalid[0].message.text, "Not thirteen");
    let not = finalise(&f, &a, day("2026-01-01")).unwrap_err();
    assert_eq!(not.missing, vec![1]);
    let wrong = answers(&[("violence", text("maybe")), ("years", Value::Number(120.0))]);
    let o = evaluate(&f, &wrong, day("2026-01-01"));
    let messages: Vec<_> = o.invalid.iter().map(|p| p.message.text.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "'maybe' is not one of the choices (no, yes)",
            "must be from 0 to 99"
        ]
    );
    assert_eq!(
        o.missing,
        Vec::<usize>::new(),
        "an invalid answer is not also missing"
    );
}

#[test]
fn mandatory_override_forces_the_result_and_its_review() {
    let f = small();
    let a = answers(&[("violence", text("no")), ("flag", Value::Bool(true))]);
    let o = evaluate(&f, &a, day("2026-01-01"));
    assert_eq!(o.scored_result, Some(0));
    assert_eq!(o.mandatory, Some(0));
    assert_eq!(o.result_value(&f), Some("top"));
    assert_eq!(o.next_review, Some(day("2026-04-01")));
}

#[test]
fn discretionary_override_needs_a_real_reason_and_a_different_result() {
    let f = small();
    let o = evaluate(&f, &answers(&[("violence", text("no"))]), day("2026-01-01"));
    assert_eq!(
        check_discretionary(&f, &o, "high", "Intelligence report 12/26"),
        Ok(1)
    );
    assert!(
        check_discretionary(&f, &o, "high", "ok")
            .unwrap_err()
            .to_string()
            .contains("at least 10")
    );
    assert!(
        check_discretionary(&f, &o, "low", "same as scored")
            .unwrap_err()
            .to_string()
            .contains("already")
    );
    assert!(check_discretionary(&f, &o, "huge", "long enough reason").is_err());
    let forced = evaluate(
        &f,
        &answers(&[("violence", text("no")), ("flag", Value::Bool(true))]),
        day("2026-01-01"),
    );
    assert!(
        check_discretionary(&f, &forced, "low", "long enough reason")
            .unwrap_err()
            .to_string()
            .contains("only raise")
    );
    assert!(needs_approval(&f, true));
    assert!(!needs_approval(&f, false));
}

#[test]
fn approver_must_hold_an_approving_role_and_not_be_the_author() {
    let f = small();
    assert_eq!(
        check_approval(&f, "amina", "okello", Role::Supervisor),
        Ok(())
    );
    assert_eq!(
        check_approval(&f, "amina", "Amina", Role::Supervisor),
        Err(ApprovalRefusal::OwnAssessment)
    );
    assert_eq!(
        check_approval(&f, "amina", "okello", Role::Assessor),
        Err(ApprovalRefusal::Role(Role::Assessor))
    );
}

#[test]
fn typed_answers_are_read_by_kind() {
    let f = small();
    let q = |n: &str| &f.questions[f.question(n).unwrap()];
    assert_eq!(parse_answer(q("violence"), "2"), Ok(text("yes")));
    assert_eq!(parse_answer(q("violence"), "no"), Ok(text("no")));
    assert!(parse_answer(q("violence"), "3").is_err());
    assert_eq!(parse_answer(q("weapon"), "Y"), Ok(Value::Bool(true)));
    assert_eq!(parse_answer(q("years"), " 12 "), Ok(Value::Number(12.0)));
    assert_eq!(
        parse_answer(q("years"), "100"),
        Err("must be from 0 to 99".into())
    );
    assert!(parse_answer(q("years"), "1.5").is_err());
    assert_eq!(parse_answer(q("years"), ""), Ok(Value::Null));
    assert_eq!(score(q("weapon"), &Value::Bool(true)), Some(3.0));
}

#[test]
fn the_file_hash_and_version_are_kept() {
    let f = small();
    assert_eq!(f.version, 2);
    assert_eq!(f.sha256.len(), 64);
    let edited = SMALL.replace("title = \"Small\"", "title = \"Small form\"");
    assert_ne!(load(edited.as_bytes()).unwrap().sha256, f.sha256);
}

#[test]
fn translations_fall_back_to_the_base_language_then_the_form_text() {
    let t = Text {
        text: "Title".into(),
        translations: vec![("ru".into(), "Заголовок".into())],
    };
    assert_eq!(t.get("ru"), "Заголовок");
    assert_eq!(t.get("ru-KZ"), "Заголовок");
    assert_eq!(t.get("kk"), "Title");
}

#[test]
fn sum_ranges_are_worked_out_at_load() {
    let f = small();
    // violence 0..5, weapon 0..3 (may be irrelevant, so 0 too), years 0..99 (optional).
    assert_eq!(f.sums[0].range, (0.0, 107.0));
}

const FOLLOWS: &str = r#"
id = "follows"
version = 1
title = "Follows an admission"
applies_to = "prisoner"
fill_roles = ["officer"]

[after_admission]
when = "${sex} = 'female'"
section = "women"

[[section]]
name = "general"
title = "General"

[[section.question]]
name = "language"
type = "text"
label = "Language"

[[section]]
name = "women"
title = "Women"

[[section.question]]
name = "sex"
type = "select_one"
label = "Sex"
prefill = "prisoner.sex"
choices = [{ value = "female", label = "Female" }, { value = "male", label = "Male" }]
"#;

#[test]
fn a_form_follows_an_admission_when_its_condition_holds_for_the_new_record() {
    let f = load(FOLLOWS.as_bytes()).unwrap();
    let today = day("2026-12-07");
    let mut p = crate::domain::prisoner::Prisoner::blank(today.and_hms_opt(8, 0, 0).unwrap());
    p.sex = crate::domain::estate::Sex::Female;
    let her = answers::initial_answers(&f, Some(&p));
    assert_eq!(evaluate::after_admission(&f, &her, today), Some(1));
    p.sex = crate::domain::estate::Sex::Male;
    let him = answers::initial_answers(&f, Some(&p));
    assert_eq!(evaluate::after_admission(&f, &him, today), None);
    // A form without the table follows no admission.
    let small = load(SMALL.as_bytes()).unwrap();
    assert_eq!(evaluate::after_admission(&small, &him, today), None);
}

#[test]
fn after_admission_is_checked_at_load() {
    let cases = [
        (
            "section = \"women\"",
            "section = \"woman\"",
            "no section is named 'woman' (named: general, women)",
        ),
        ("when = \"${sex} = 'female'\"", "when = \"${sex}\"", "when"),
        (
            "when = \"${sex} = 'female'\"",
            "when = \"${gender} = 'female'\"",
            "gender",
        ),
        (
            "applies_to = \"prisoner\"",
            "applies_to = \"facility\"",
            "only a form that applies to a prisoner",
        ),
    ];
    for (from, to, says) in cases {
        assert!(FOLLOWS.contains(from), "{from}");
        let e = load(FOLLOWS.replacen(from, to, 1).as_bytes()).unwrap_err();
        assert!(e.iter().any(|e| e.message.contains(says)), "{to}: {e:?}");
    }
}
