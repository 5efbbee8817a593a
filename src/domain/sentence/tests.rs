use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn case(id: i64, committed: &str, sentence: Option<Sentence>) -> Case {
    Case {
        id,
        warrant: Warrant {
            reference: format!("CR-{id}"),
            court: "High Court, Kampala".into(),
            issued: d(committed),
            expires: None,
        },
        offence: "Theft".into(),
        class: OffenceClass::Serious,
        committed: d(committed),
        sentence,
    }
}

fn term(length: &str, start: &str, relation: Relation) -> Option<Sentence> {
    Some(Sentence {
        length: Length::parse(length).unwrap(),
        start: d(start),
        relation,
    })
}

const ALONE: Relation = Relation::Concurrent(None);

fn keys(w: &ReleaseWorking) -> Vec<&'static str> {
    w.steps.iter().map(|s| s.key).collect()
}

#[test]
fn lengths_read_and_print_as_on_the_warrant() {
    assert_eq!(
        Length::parse("2y 6m 10d"),
        Some(Length::Term {
            years: 2,
            months: 6,
            days: 10
        })
    );
    assert_eq!(Length::parse("LIFE"), Some(Length::Life));
    assert_eq!(Length::parse("18m").unwrap().text(), "18m");
    assert_eq!(Length::parse("0d").unwrap().text(), "0d");
    assert_eq!(Length::parse("5 years"), None);
    assert_eq!(Length::parse(""), None);
    assert_eq!(
        Length::parse("1y 1d").unwrap().end_from(d("2024-02-29")),
        Some(d("2025-03-01"))
    );
}

/// The regression test of issue 17 item 5: a date worked out from two cases, the second consecutive to the
/// first, under Uganda's rules (a third off the whole term), with every step of the working shown.
#[test]
fn a_consecutive_chain_is_served_as_one_term_and_the_working_says_so() {
    let cases = [
        case(1, "2025-01-10", term("1y", "2025-03-01", ALONE)),
        case(
            2,
            "2025-01-10",
            term("6m", "2025-03-01", Relation::ConsecutiveTo(1)),
        ),
    ];
    let w = expected_release(&cases, &ReleaseRules::preset("uganda"), None);
    // 2025-03-01 + 1y = 2026-03-01, + 6m = 2026-09-01: 549 days; a third off is 183 days.
    assert_eq!(w.computed, Some(d("2026-03-02")));
    assert_eq!(w.date, w.computed);
    assert_eq!(w.basis, Basis::Computed);
    let lines: Vec<String> = w.steps.iter().map(Step::text).collect();
    assert_eq!(
        lines,
        [
            "CR-1: 1y from 2025-03-01, full term ends 2026-03-01",
            "CR-2: 6m after CR-1, from 2026-03-01, full term ends 2026-09-01",
            "CR-1 + CR-2 served as one term: 549 days, 2025-03-01 to 2026-09-01",
            "Remission 1/3 of 549 days on CR-1 + CR-2: 183 days off",
            "Remand: not deducted by the prison (setting: none)",
            "Expected release: 2026-03-02",
        ]
    );
}

#[test]
fn without_rules_the_full_term_stands() {
    let cases = [case(1, "2025-01-10", term("2y", "2025-02-01", ALONE))];
    let w = expected_release(&cases, &ReleaseRules::NONE, None);
    assert_eq!(w.date, Some(d("2027-02-01")));
    assert_eq!(
        keys(&w),
        [
            "working-term",
            "working-no-remission",
            "working-no-remand-credit",
            "working-computed"
        ]
    );
}

#[test]
fn concurrent_sentences_overlap_and_the_latest_release_counts() {
    let cases = [
        case(1, "2025-01-01", term("3y", "2025-01-01", ALONE)),
        case(
            2,
            "2025-06-01",
            term("1y", "2025-06-01", Relation::Concurrent(Some(1))),
        ),
        case(3, "2026-01-01", term("3y", "2026-01-01", ALONE)),
    ];
    let w = expected_release(&cases, &ReleaseRules::NONE, None);
    assert_eq!(w.computed, Some(d("2029-01-01")));
    assert_eq!(
        keys(&w)
            .iter()
            .filter(|k| **k == "working-chain-release")
            .count(),
        3
    );
}

#[test]
fn a_consecutive_sentence_passed_after_the_first_ended_starts_on_its_own_day() {
    let cases = [
        case(1, "2024-01-01", term("6m", "2024-01-01", ALONE)),
        case(
            2,
            "2025-01-01",
            term("6m", "2025-01-01", Relation::ConsecutiveTo(1)),
        ),
    ];
    let w = expected_release(&cases, &ReleaseRules::NONE, None);
    assert_eq!(w.computed, Some(d("2025-07-01")));
}

#[test]
fn life_gives_no_date_and_so_does_anything_after_it() {
    let cases = [
        case(1, "2020-01-01", term("life", "2021-01-01", ALONE)),
        case(
            2,
            "2020-01-01",
            term("2y", "2021-01-01", Relation::ConsecutiveTo(1)),
        ),
    ];
    let w = expected_release(&cases, &ReleaseRules::preset("uganda"), None);
    assert_eq!(w.date, None);
    assert_eq!(w.basis, Basis::Life);
    assert_eq!(keys(&w), ["working-life", "working-after-life"]);
}

#[test]
fn remand_is_credited_once_where_the_prison_deducts_it() {
    let rules = ReleaseRules {
        remand_credit: RemandCredit::DayForDay,
        remission: None,
    };
    // Both cases held on remand from 2025-01-01; sentenced on 2025-04-01 and 2025-05-01: 120 days, not 210.
    let cases = [
        case(1, "2025-01-01", term("1y", "2025-04-01", ALONE)),
        case(
            2,
            "2025-01-01",
            term("1y", "2025-05-01", Relation::ConsecutiveTo(1)),
        ),
    ];
    let w = expected_release(&cases, &rules, None);
    assert_eq!(
        w.computed,
        Some(d("2027-04-01") - chrono::Duration::days(120))
    );
    assert!(keys(&w).contains(&"working-remand-credit"));
    assert!(!keys(&w).contains(&"working-no-remand-credit"));
}

#[test]
fn remission_skips_short_terms() {
    let cases = [case(1, "2025-01-01", term("20d", "2025-01-01", ALONE))];
    let w = expected_release(&cases, &ReleaseRules::preset("uganda"), None);
    assert_eq!(w.computed, Some(d("2025-01-21")));
    assert!(keys(&w).contains(&"working-remission-too-short"));
}

#[test]
fn a_court_order_replaces_the_computed_date_and_both_are_shown() {
    let cases = [case(1, "2025-01-01", term("2y", "2025-01-01", ALONE))];
    let order = ReleaseOverride {
        date: d("2026-05-05"),
        reason: "High Court order HCT-00-CR-2026-12: sentence reduced on appeal".into(),
    };
    let w = expected_release(&cases, &ReleaseRules::NONE, Some(&order));
    assert_eq!(w.date, Some(d("2026-05-05")));
    assert_eq!(w.computed, Some(d("2027-01-01")));
    assert_eq!(w.basis, Basis::CourtOrder);
    assert_eq!(keys(&w).last(), Some(&"working-court-order"));
    assert!(check_override(&order).is_ok());
    let blank = ReleaseOverride {
        reason: "  ".into(),
        ..order
    };
    assert_eq!(check_override(&blank).unwrap_err().field, "override_reason");
}

#[test]
fn a_person_on_remand_only_has_no_date() {
    let cases = [case(1, "2025-01-01", None)];
    let w = expected_release(&cases, &ReleaseRules::preset("uganda"), None);
    assert_eq!((w.date, w.basis), (None, Basis::NotSentenced));
    assert!(
        expected_release(&[], &ReleaseRules::NONE, None)
            .date
            .is_none()
    );
}

#[test]
fn bad_cases_are_refused_naming_the_field() {
    // A sentence that ends on the day it starts.
    let zero = case(1, "2025-01-01", term("0d", "2025-01-01", ALONE));
    let e = check_case(&zero).unwrap_err();
    assert_eq!(
        (e.field, e.key),
        ("sentence_length", "case-sentence-ends-before-start")
    );
    assert!(e.to_string().starts_with("Sentence length: "), "{e}");
    // Sentenced before committal.
    let early = case(1, "2025-01-01", term("1y", "2024-12-01", ALONE));
    assert_eq!(check_case(&early).unwrap_err().field, "sentence_start");
    // A remand warrant that expires before it was issued.
    let mut expired = case(1, "2025-01-01", None);
    expired.warrant.expires = Some(d("2024-12-31"));
    assert_eq!(check_case(&expired).unwrap_err().field, "warrant_expires");
    let mut unnamed = case(1, "2025-01-01", None);
    unnamed.warrant.reference = " ".into();
    assert_eq!(check_case(&unnamed).unwrap_err().field, "warrant_ref");
    // Consecutive to itself, to a case that is not theirs, and round in a circle.
    let own = case(
        1,
        "2025-01-01",
        term("1y", "2025-01-01", Relation::ConsecutiveTo(1)),
    );
    assert_eq!(check_case(&own).unwrap_err().key, "case-relation-self");
    let stray = [case(
        1,
        "2025-01-01",
        term("1y", "2025-01-01", Relation::ConsecutiveTo(9)),
    )];
    assert_eq!(
        check_cases(&stray).unwrap_err().key,
        "case-relation-unknown"
    );
    let circle = [
        case(
            1,
            "2025-01-01",
            term("1y", "2025-01-01", Relation::ConsecutiveTo(3)),
        ),
        case(
            2,
            "2025-01-01",
            term("1y", "2025-01-01", Relation::ConsecutiveTo(1)),
        ),
        case(
            3,
            "2025-01-01",
            term("1y", "2025-01-01", Relation::ConsecutiveTo(2)),
        ),
    ];
    let e = check_cases(&circle).unwrap_err();
    assert_eq!(
        (e.field, e.key),
        ("sentence_relation", "case-relation-cycle")
    );
    assert!(e.to_string().contains("CR-1 -> CR-3 -> CR-2"), "{e}");
    // The computation itself still ends on a cycle (it is never given one, but must not hang).
    let _ = expected_release(&circle, &ReleaseRules::NONE, None);
}

#[test]
fn rules_read_and_print_as_settings() {
    let uganda = ReleaseRules::preset("uganda");
    assert_eq!(uganda.remission_text(), "1/3 over 31");
    assert_eq!(
        ReleaseRules::parse_remission(&uganda.remission_text()).unwrap(),
        uganda.remission
    );
    assert_eq!(ReleaseRules::parse_remission("none").unwrap(), None);
    assert!(ReleaseRules::parse_remission("3/2").is_err());
    assert!(ReleaseRules::parse_remission("a third").is_err());
    assert_eq!(
        ReleaseRules::parse_remand_credit("day-for-day").unwrap(),
        RemandCredit::DayForDay
    );
    assert!(ReleaseRules::parse_remand_credit("half").is_err());
    assert_eq!(ReleaseRules::preset("kazakhstan"), ReleaseRules::NONE);
    assert_eq!(ReleaseRules::preset("tunisia"), ReleaseRules::NONE);
}

/// The working and the refusals name their keys as data, not through `t(...)`, so the catalogue's own source scan
/// does not see them: every "case-..." and "working-..." literal here must be in the catalogue.
#[test]
fn every_key_named_here_is_in_the_catalogue() {
    let source = include_str!("../sentence.rs");
    let mut missing = Vec::new();
    for prefix in ["\"case-", "\"working-"] {
        for (at, _) in source.match_indices(prefix) {
            let key: String = source[at + 1..].chars().take_while(|c| *c != '"').collect();
            // The label keys are built from the field names (checked below).
            if !key.contains('{') && !crate::i18n::has(&key) {
                missing.push(key);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing from the catalogue: {missing:?}"
    );
}
