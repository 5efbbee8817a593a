//! Cases, sentences and the expected release in the store: the computed date stored with its audit row, bad input
//! refused naming the field with nothing saved, the rules recomputing everyone, the past-release list, and
//! migration 7 carrying each recorded sentence over as a case.

use super::tests::{at, fixture, person};
use super::*;
use crate::domain::auth::Role;
use crate::domain::sentence::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn case(reference: &str, committed: &str, sentence: Option<Sentence>) -> Case {
    Case {
        id: 0,
        warrant: Warrant {
            reference: reference.into(),
            court: "High Court, Kampala".into(),
            issued: d(committed),
            expires: None,
        },
        offence: "Robbery".into(),
        class: OffenceClass::Grave,
        committed: d(committed),
        sentence,
    }
}

fn term(length: &str, start: &str, relation: Relation) -> Sentence {
    Sentence {
        length: Length::parse(length).unwrap(),
        start: d(start),
        relation,
    }
}

fn audit_rows(store: &Store) -> usize {
    store.recent_audit(100_000).unwrap().len()
}

#[test]
fn a_sentence_sets_the_expected_release_and_the_working_explains_it() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let rules = ReleaseRules::preset("uganda");
    assert_eq!(f.store.set_release_rules(&at(2), &rules).unwrap(), 0);
    let first = f
        .store
        .add_case(&at(3), id, &case("CR-1", "2025-01-10", None))
        .unwrap();
    // On remand only: no date.
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        None
    );
    f.store
        .set_sentence(
            &at(4),
            first,
            Some(&term("1y", "2025-03-01", Relation::Concurrent(None))),
        )
        .unwrap();
    let second = f
        .store
        .add_case(
            &at(5),
            id,
            &case(
                "CR-2",
                "2025-01-10",
                Some(term("6m", "2025-03-01", Relation::ConsecutiveTo(first))),
            ),
        )
        .unwrap();
    let stored = f.store.prisoner(id).unwrap().unwrap().prisoner;
    assert_eq!(stored.expected_release, Some(d("2026-03-02")));
    let w = f.store.release_working(id).unwrap();
    assert_eq!(w.date, Some(d("2026-03-02")));
    assert!(w.steps.iter().any(|s| s.key == "working-remission"));
    assert_eq!(f.store.cases(id).unwrap()[1].id, second);
    let audit = f.store.recent_audit(20).unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.entity == "custody_case" && r.action == "sentence")
    );
    assert!(
        audit
            .iter()
            .any(|r| r.entity == "prisoner" && r.action == "expected-release")
    );

    // A court order replaces it, with its reason; removing the order brings the computed date back.
    let order = ReleaseOverride {
        date: d("2025-12-01"),
        reason: "Court of Appeal, Criminal Appeal 12 of 2025: sentence reduced".into(),
    };
    f.store
        .set_release_override(&at(6), id, Some(&order))
        .unwrap();
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2025-12-01"))
    );
    f.store.set_release_override(&at(7), id, None).unwrap();
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2026-03-02"))
    );
    // Rules back to none: the full term, for everyone in custody at once.
    assert_eq!(
        f.store
            .set_release_rules(&at(8), &ReleaseRules::NONE)
            .unwrap(),
        1
    );
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2026-09-01"))
    );
    assert_eq!(f.store.verify_audit().unwrap(), None);
}

#[test]
fn bad_input_is_refused_naming_the_field_and_nothing_is_saved() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let a = f
        .store
        .add_case(
            &at(2),
            id,
            &case(
                "CR-1",
                "2025-01-10",
                Some(term("1y", "2025-03-01", Relation::Concurrent(None))),
            ),
        )
        .unwrap();
    let b = f
        .store
        .add_case(
            &at(3),
            id,
            &case(
                "CR-2",
                "2025-01-10",
                Some(term("1y", "2025-03-01", Relation::ConsecutiveTo(a))),
            ),
        )
        .unwrap();
    let cases = f.store.cases(id).unwrap();
    let rows = audit_rows(&f.store);
    let message = |r: Result<()>| match r {
        Err(StoreError::Invalid(m)) => m.to_string(),
        other => panic!("{other:?}"),
    };
    // A cycle: CR-1 after CR-2, which is after CR-1.
    let m = message(f.store.set_sentence(
        &at(4),
        a,
        Some(&term("1y", "2025-03-01", Relation::ConsecutiveTo(b))),
    ));
    assert!(m.starts_with("Runs with or after: "), "{m}");
    assert!(m.contains("point at each other"), "{m}");
    // A sentence that ends before it starts.
    let m = message(f.store.set_sentence(
        &at(5),
        a,
        Some(&term("0d", "2025-03-01", Relation::Concurrent(None))),
    ));
    assert!(m.starts_with("Sentence length: "), "{m}");
    // A case consecutive to another person's case (or none at all).
    let m = message(
        f.store
            .add_case(
                &at(6),
                id,
                &case(
                    "CR-3",
                    "2025-01-10",
                    Some(term("1y", "2025-03-01", Relation::ConsecutiveTo(999))),
                ),
            )
            .map(|_| ()),
    );
    assert!(m.starts_with("Runs with or after: "), "{m}");
    // A court order's date without a reason.
    let m = message(f.store.set_release_override(
        &at(7),
        id,
        Some(&ReleaseOverride {
            date: d("2025-06-01"),
            reason: " ".into(),
        }),
    ));
    assert!(m.starts_with("Order and reason: required"), "{m}");
    assert_eq!(f.store.cases(id).unwrap(), cases);
    assert_eq!(f.store.release_override(id).unwrap(), None);
    assert_eq!(
        audit_rows(&f.store),
        rows,
        "nothing written, not even audit rows"
    );
}

#[test]
fn roles_without_the_register_edit_permission_are_refused() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let programme = Actor::staff_now("prog", Role::Programme);
    assert!(matches!(
        f.store
            .add_case(&programme, id, &case("CR-1", "2025-01-10", None)),
        Err(StoreError::Refused(_))
    ));
    let officer = Actor::staff_now("okello", Role::Officer);
    assert!(matches!(
        f.store.set_release_rules(&officer, &ReleaseRules::NONE),
        Err(StoreError::Refused(_))
    ));
    f.store
        .add_case(&officer, id, &case("CR-1", "2025-01-10", None))
        .unwrap();
}

#[test]
fn past_release_lists_people_held_past_their_date_by_facility() {
    let mut f = fixture();
    let late = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let mut woman = person("WOM/2026/00001", "Nakato", "Grace", f.women);
    woman.sex = crate::domain::estate::Sex::Female;
    let also = f.store.admit(&at(2), &woman).unwrap();
    let serving = f
        .store
        .admit(&at(3), &person("LUZ/2026/00002", "Opio", "John", f.men))
        .unwrap();
    let s = |start: &str| Some(term("6m", start, Relation::Concurrent(None)));
    f.store
        .add_case(&at(4), late, &case("A", "2025-01-01", s("2025-01-01")))
        .unwrap();
    f.store
        .add_case(&at(5), also, &case("B", "2025-03-01", s("2025-03-01")))
        .unwrap();
    f.store
        .add_case(&at(6), serving, &case("C", "2026-11-01", s("2026-11-01")))
        .unwrap();
    let today = d("2026-11-25");
    let all = f.store.past_release(None, today).unwrap();
    let numbers: Vec<&str> = all.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, ["LUZ/2026/00001", "WOM/2026/00001"]);
    assert_eq!(all[0].expected_release, d("2025-07-01"));
    assert_eq!(all[0].days_past, (today - d("2025-07-01")).num_days());
    assert_eq!(all[0].facility, "LUZ");
    let men = f.store.past_release(Some(f.men), today).unwrap();
    assert_eq!(men.len(), 1);
    // Released: no longer listed.
    f.store
        .release(
            &at(7),
            late,
            "Officer in charge",
            "sentence served",
            d("2026-11-25").and_hms_opt(9, 0, 0).unwrap(),
        )
        .unwrap();
    assert_eq!(f.store.past_release(None, today).unwrap().len(), 1);
}

#[test]
fn migration_7_carries_each_recorded_sentence_over_as_one_case() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    for sql in &schema::MIGRATIONS[..6] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(
        "INSERT INTO prisoner(id, number, family_name, given_names, birth, sex, legal_status, admitted_at,
                              expected_release, home_district, vep, vulnerable, medical_alert, in_custody,
                              sort_key, details)
         VALUES (1, 'A/1', 'Okot', 'Peter', '1990', 'male', 'convicted', '2025-01-10 09:00', '2027-03-01', 'Gulu',
                 0, 0, 0, 1, 'okot peter',
                 '{\"offences\":\"Theft; Robbery\",\"committing_authority\":\"High Court, Gulu\",
                   \"warrant_ref\":\"Criminal Case No. 12 of 2025\",\"sentence_start\":\"2025-03-01\",
                   \"sentence_months\":24}'),
                (2, 'A/2', 'Opio', 'John', '1991', 'male', 'remand', '2025-02-10 09:00', NULL, 'Lira',
                 0, 0, 0, 1, 'opio john', '{\"offences\":\"Theft\"}'),
                (3, 'A/3', 'Odoi', 'Paul', '1992', 'male', 'convicted', '2025-02-10 09:00', NULL, 'Tororo',
                 0, 0, 0, 1, 'odoi paul', '{\"sentence_months\":6}');",
    )
    .unwrap();
    conn.execute_batch(schema::MIGRATIONS[6]).unwrap();
    let cases = cases_of_for_test(&conn, 1);
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(c.warrant.reference, "Criminal Case No. 12 of 2025");
    assert_eq!(c.warrant.court, "High Court, Gulu");
    assert_eq!(c.offence, "Theft; Robbery");
    assert_eq!(c.class, OffenceClass::Unrecorded);
    assert_eq!(c.committed, d("2025-01-10"));
    assert_eq!(
        c.sentence,
        Some(term("24m", "2025-03-01", Relation::Concurrent(None)))
    );
    assert!(
        cases_of_for_test(&conn, 2).is_empty(),
        "remand: no sentence to carry"
    );
    // No start recorded: the admission day; nothing recorded: said so, not left blank.
    let c = &cases_of_for_test(&conn, 3)[0];
    assert_eq!(c.sentence.unwrap().start, d("2025-02-10"));
    assert_eq!(c.warrant.reference, "not recorded");
    // The stored date and the old fields are as they were.
    let (release, details): (String, String) = conn
        .query_row(
            "SELECT expected_release, details FROM prisoner WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(release, "2027-03-01");
    assert!(details.contains("\"sentence_months\":24"));
}

fn cases_of_for_test(conn: &rusqlite::Connection, id: i64) -> Vec<Case> {
    super::cases::cases_of(conn, id).unwrap()
}

#[test]
fn the_edit_form_cannot_change_a_date_the_cases_give() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    f.store
        .add_case(
            &at(2),
            id,
            &case(
                "CR-1",
                "2025-01-10",
                Some(term("1y", "2025-03-01", Relation::Concurrent(None))),
            ),
        )
        .unwrap();
    let mut edited = f.store.prisoner(id).unwrap().unwrap().prisoner;
    edited.expected_release = Some(d("2025-06-01"));
    let e = f.store.update_prisoner(&at(3), &edited).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Expected release: worked out from the cases"),
        "{e}"
    );
    // Nor the old single-sentence fields, which would then disagree with the cases silently.
    edited.expected_release = Some(d("2026-03-01"));
    edited.sentence_months = Some(48);
    let e = f.store.update_prisoner(&at(3), &edited).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Sentence (months): kept on the cases now"),
        "{e}"
    );
    edited.sentence_months = None;
    edited.sentence_start = Some(d("2025-01-01"));
    let e = f.store.update_prisoner(&at(3), &edited).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Sentence start: kept on the cases now"),
        "{e}"
    );
    edited.sentence_start = None;
    // Other particulars still save.
    edited.home_district = "Gulu".into();
    f.store.update_prisoner(&at(4), &edited).unwrap();
}

#[test]
fn a_case_is_corrected_and_the_release_worked_out_again_with_the_before_in_the_audit() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let a = f
        .store
        .add_case(
            &at(2),
            id,
            &case(
                "CR-1",
                "2025-01-10",
                Some(term("1y", "2025-03-01", Relation::Concurrent(None))),
            ),
        )
        .unwrap();
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2026-03-01"))
    );
    let mut fixed = f.store.cases(id).unwrap()[0].clone();
    fixed.warrant.reference = " CR-1/2025 ".into();
    fixed.class = OffenceClass::Serious;
    fixed.sentence = Some(term("2y", "2025-03-01", Relation::Concurrent(None)));
    f.store.update_case(&at(3), a, &fixed).unwrap();
    let stored = &f.store.cases(id).unwrap()[0];
    assert_eq!(stored.warrant.reference, "CR-1/2025", "trimmed as on entry");
    assert_eq!(stored.class, OffenceClass::Serious);
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2027-03-01"))
    );
    let audit = f.store.recent_audit(5).unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.entity == "custody_case" && r.action == "correct")
    );
    // Each bad correction names its field and saves nothing.
    let rows = audit_rows(&f.store);
    let before = f.store.cases(id).unwrap();
    let refused = |f: &mut super::tests::Fixture, c: &Case| match f.store.update_case(&at(4), a, c)
    {
        Err(StoreError::Invalid(m)) => m.to_string(),
        other => panic!("{other:?}"),
    };
    let mut ends_early = before[0].clone();
    ends_early.sentence = Some(term("0d", "2025-03-01", Relation::Concurrent(None)));
    assert!(refused(&mut f, &ends_early).starts_with("Sentence length: "));
    let mut itself = before[0].clone();
    itself.sentence = Some(term("1y", "2025-03-01", Relation::ConsecutiveTo(a)));
    assert!(refused(&mut f, &itself).starts_with("Runs with or after: "));
    let mut blank = before[0].clone();
    blank.warrant.court = "  ".into();
    assert!(refused(&mut f, &blank).starts_with("Court: required"));
    assert!(matches!(
        f.store.update_case(&at(5), 999, &before[0]),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(f.store.cases(id).unwrap(), before);
    assert_eq!(audit_rows(&f.store), rows);
    assert_eq!(f.store.verify_audit().unwrap(), None);
}

#[test]
fn correcting_one_case_to_follow_another_that_follows_it_is_a_cycle_and_refused() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let s = |r| Some(term("1y", "2025-03-01", r));
    let a = f
        .store
        .add_case(
            &at(2),
            id,
            &case("CR-1", "2025-01-10", s(Relation::Concurrent(None))),
        )
        .unwrap();
    let b = f
        .store
        .add_case(
            &at(3),
            id,
            &case("CR-2", "2025-01-10", s(Relation::ConsecutiveTo(a))),
        )
        .unwrap();
    let mut first = f.store.cases(id).unwrap()[0].clone();
    first.sentence = s(Relation::ConsecutiveTo(b));
    match f.store.update_case(&at(4), a, &first) {
        Err(StoreError::Invalid(m)) => {
            assert!(m.to_string().contains("point at each other"), "{m}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_case_entered_in_error_is_removed_with_a_reason_by_those_who_edit_the_register() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let s = |r| Some(term("1y", "2025-03-01", r));
    let a = f
        .store
        .add_case(
            &at(2),
            id,
            &case("CR-1", "2025-01-10", s(Relation::Concurrent(None))),
        )
        .unwrap();
    let b = f
        .store
        .add_case(
            &at(3),
            id,
            &case("CR-2", "2025-01-10", s(Relation::ConsecutiveTo(a))),
        )
        .unwrap();
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2027-03-01"))
    );
    let rows = audit_rows(&f.store);
    let message = |r: Result<()>| match r {
        Err(StoreError::Invalid(m)) => m.to_string(),
        other => panic!("{other:?}"),
    };
    // No reason; a case another runs after; a role that may not edit the register.
    assert!(
        message(f.store.remove_case(&at(4), b, "  ")).starts_with("Why it is removed: required")
    );
    let m = message(f.store.remove_case(&at(5), a, "entered twice"));
    assert!(m.contains("CR-2 runs after or with this case"), "{m}");
    let programme = Actor::staff_now("prog", Role::Programme);
    assert!(matches!(
        f.store.remove_case(&programme, b, "entered twice"),
        Err(StoreError::Refused(_))
    ));
    assert_eq!(f.store.cases(id).unwrap().len(), 2);
    assert_eq!(
        audit_rows(&f.store),
        rows + 1,
        "only the refusal is audited"
    );
    // Removed: gone from the record, kept whole in the audit with the reason, the release worked out again.
    f.store
        .remove_case(&at(6), b, "entered twice: the same warrant as CR-1")
        .unwrap();
    let left = f.store.cases(id).unwrap();
    assert_eq!(left.iter().map(|c| c.id).collect::<Vec<_>>(), [a]);
    assert_eq!(
        f.store
            .prisoner(id)
            .unwrap()
            .unwrap()
            .prisoner
            .expected_release,
        Some(d("2026-03-01"))
    );
    let removal = f
        .store
        .recent_audit(5)
        .unwrap()
        .into_iter()
        .find(|r| r.entity == "custody_case" && r.action == "remove")
        .unwrap();
    let text = format!("{removal:?}");
    assert!(
        text.contains("CR-2") && text.contains("entered twice"),
        "{text}"
    );
    assert_eq!(f.store.verify_audit().unwrap(), None);
}

/// The read behind every case write stays prepared: a statement SQLite re-prepares on each run (as
/// `ORDER BY committed_on, id` made it) cost about a tenth of the national demo's CPU.
#[test]
fn reading_a_persons_cases_does_not_reprepare_and_keeps_committal_order() {
    let mut f = fixture();
    let mut ids = Vec::new();
    for (i, name) in ["Okot", "Opio"].iter().enumerate() {
        let number = format!("LUZ/2026/0000{}", i + 1);
        let id = f
            .store
            .admit(&at(1), &person(&number, name, "P", f.men))
            .unwrap();
        for (reference, committed) in [
            ("B", "2025-03-01"),
            ("A", "2025-01-10"),
            ("C", "2025-03-01"),
        ] {
            f.store
                .add_case(&at(2), id, &case(reference, committed, None))
                .unwrap();
        }
        ids.push(id);
    }
    let order: Vec<String> = f
        .store
        .cases(ids[0])
        .unwrap()
        .into_iter()
        .map(|c| c.warrant.reference)
        .collect();
    assert_eq!(order, ["A", "B", "C"], "by committal, then as entered");
    for id in ids.iter().chain(ids.iter()) {
        f.store.cases(*id).unwrap();
    }
    let conn = f.store.conn();
    let stmt = conn.prepare_cached(&super::cases::cases_of_sql()).unwrap();
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
}

/// Issue 17: a convicted admission typed with a sentence start and a length gets its expected release worked out
/// (the old form fields become the first case).
#[test]
fn a_convicted_admission_with_a_sentence_has_an_expected_release() {
    let mut f = fixture();
    let mut p = person("LUZ/2026/00001", "Okot", "Peter", f.men);
    p.legal_status = crate::domain::estate::LegalStatus::Convicted;
    p.sentence_start = Some(d("2024-01-01"));
    p.sentence_months = Some(48);
    let id = f.store.admit(&at(1), &p).unwrap();
    let working = f.store.release_working(id).unwrap();
    assert!(working.date.is_some(), "{working:?}");
}
