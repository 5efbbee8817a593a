//! Store tests for assessments: form versions, drafts that outlive the process, finalising, amendments,
//! discretionary overrides and four-eyes approval.

use super::*;
use crate::domain::auth::Role;
use crate::domain::estate::*;
use crate::domain::forms::registry::Registry;
use crate::domain::forms::{Answers, Form, Value};
use crate::domain::prisoner::{BirthDate, Prisoner};
use chrono::{NaiveDate, TimeZone};
use std::path::PathBuf;

const CUSTODY: &str = include_str!("../../forms/custody_initial.toml");

pub(super) fn as_(name: &str, min: i64) -> Actor {
    Actor::system(
        name,
        Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap() + chrono::Duration::minutes(min),
    )
}

pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

pub(super) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(super) struct Fx {
    dir: tempfile::TempDir,
    pub(super) store: Store,
    pub(super) prisoner: i64,
    pub(super) form: Form,
}

fn registry(text: &str) -> Registry {
    Registry::from_files([(
        PathBuf::from("forms/custody_initial.toml"),
        text.as_bytes().to_vec(),
    )])
}

pub(super) fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("w.db")).unwrap();
    let a = as_("admin", 0);
    for (name, role) in [
        ("admin", Role::Admin),
        ("assessor", Role::Assessor),
        ("officer", Role::Officer),
        ("supervisor", Role::Supervisor),
        ("supervisor2", Role::Supervisor),
    ] {
        store.add_user(&a, name, role, "password1").unwrap();
    }
    let luz = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "LUZ".into(),
                name: "Luzira".into(),
                region: "Central".into(),
                kind: FacilityKind::Men,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
    let mut p = Prisoner::blank(today().and_hms_opt(9, 0, 0).unwrap());
    p.number = "LUZ/2026/00001".into();
    p.family_name = "Okello".into();
    p.given_names = "John".into();
    p.birth = BirthDate::Exact(day("1990-03-14"));
    p.committing_authority = "Court".into();
    p.facility_id = Some(luz);
    let prisoner = store.admit(&a, &p).unwrap();
    let mut reg = registry(CUSTODY);
    store.register_forms(&a, &mut reg).unwrap();
    assert!(reg.unavailable.is_empty(), "{:?}", reg.unavailable);
    let form = (**reg.get("custody_initial").unwrap()).clone();
    Fx {
        dir,
        store,
        prisoner,
        form,
    }
}

/// A man whose Schedule A totals 2 and grand total 6: minimum custody.
fn answers_for_minimum() -> Vec<(&'static str, Value)> {
    let t = |s: &str| Value::Text(s.into());
    vec![
        ("sex", t("male")),
        ("date_of_birth", Value::Date(day("1990-03-14"))),
        ("escape_risk_flag", Value::Bool(false)),
        ("detainer", Value::Bool(false)),
        ("institutional_violence", t("none")),
        ("offence_severity", t("moderate")),
        ("prior_violence", t("low")),
        ("escape_history", t("none")),
        ("substance_misuse", t("some")),
        ("prior_convictions", t("one")),
        ("time_to_release", t("1_to_5y")),
        ("stability", Value::List(vec!["work".into()])),
    ]
}

pub(super) fn start(fx: &mut Fx, who: &str) -> i64 {
    fx.store
        .start_assessment(
            &as_(who, 1),
            &fx.form,
            Subject::Prisoner(fx.prisoner),
            &Answers::new(),
        )
        .unwrap()
}

pub(super) fn fill(fx: &mut Fx, who: &str, id: i64) {
    for (k, (q, v)) in answers_for_minimum().into_iter().enumerate() {
        fx.store
            .save_answer(&as_(who, 2 + k as i64), id, q, &v)
            .unwrap();
    }
}

pub(super) fn is_invalid(e: StoreError, words: &str) {
    assert!(e.is_invalid(), "{e}");
    assert!(e.to_string().contains(words), "{e}");
}

#[test]
fn a_draft_keeps_every_answer_after_the_store_is_dropped_without_finalising() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    fill(&mut fx, "assessor", id);
    fx.store
        .save_answer(&as_("assessor", 30), id, "detainer", &Value::Null)
        .unwrap();
    let path = fx.store.path().to_path_buf();
    drop(fx.store);
    let store = Store::open(&path).unwrap();
    let row = store.assessment(id).unwrap().unwrap();
    assert_eq!(row.status, AssessmentStatus::Draft);
    assert_eq!(
        (
            row.form_id.as_str(),
            row.form_version,
            row.form_sha256.as_str()
        ),
        ("custody_initial", 1, fx.form.sha256.as_str())
    );
    let answers = row.answers(&fx.form);
    let mut expected: Answers = answers_for_minimum()
        .into_iter()
        .map(|(q, v)| (q.to_string(), v))
        .collect();
    expected.remove("detainer");
    assert_eq!(answers, expected);
    assert_eq!(store.drafts_of("assessor").unwrap().len(), 1);
    assert!(store.drafts_of("supervisor").unwrap().is_empty());
}

#[test]
fn finalising_scores_clears_what_does_not_apply_and_locks_the_record() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    fill(&mut fx, "assessor", id);
    // Asked only of women: cleared on finalising.
    fx.store
        .save_answer(
            &as_("assessor", 20),
            id,
            "caring_responsibilities",
            &Value::Bool(true),
        )
        .unwrap();
    assert_eq!(
        fx.store.custody_level(fx.prisoner).unwrap(),
        None,
        "a draft is not a classification"
    );
    let row = fx
        .store
        .finalise_assessment(&as_("assessor", 21), id, today(), None)
        .unwrap();
    assert_eq!(row.status, AssessmentStatus::Final);
    assert_eq!(row.result.as_deref(), Some("minimum"));
    assert_eq!(row.custody_level.as_deref(), Some("minimum"));
    // The allocator's custody rule reads the same level.
    assert_eq!(
        fx.store.custody_level(fx.prisoner).unwrap(),
        Some(SecurityLevel::Minimum)
    );
    assert_eq!(row.next_review, Some(day("2027-11-25")));
    assert_eq!(
        row.approval,
        ApprovalState::Pending,
        "custody_initial: always"
    );
    let totals: Vec<(&str, f64, Option<&str>)> = row
        .scores
        .iter()
        .map(|s| (s.name.as_str(), s.total, s.band.as_deref()))
        .collect();
    assert_eq!(
        totals,
        vec![
            ("schedule_a", 2.0, Some("9 or less: go on to Schedule B")),
            ("total", 6.0, Some("6 or less: minimum")),
        ]
    );
    assert!(
        !row.answers(&fx.form)
            .contains_key("caring_responsibilities")
    );
    // Locked: neither the store nor a stray SQL statement changes it.
    is_invalid(
        fx.store
            .save_answer(&as_("assessor", 22), id, "detainer", &Value::Bool(true))
            .unwrap_err(),
        "amend",
    );
    let raw = fx.store.conn().execute(
        "UPDATE main.assessment SET result = 'maximum' WHERE id = ?1",
        [id],
    );
    assert!(raw.unwrap_err().to_string().contains("locked"));
    assert!(
        fx.store
            .conn()
            .execute("DELETE FROM main.assessment WHERE id = ?1", [id])
            .is_err()
    );
    let audit = fx.store.recent_audit(1).unwrap();
    assert_eq!(
        (audit[0].entity.as_str(), audit[0].action.as_str()),
        ("assessment", "finalise")
    );
    assert!(audit[0].after.as_deref().unwrap().contains(&fx.form.sha256));
    assert!(fx.store.verify_audit().unwrap().is_none());
}

#[test]
fn an_unfinished_assessment_is_refused_and_says_what_is_missing() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    fx.store
        .save_answer(&as_("assessor", 2), id, "sex", &Value::Text("male".into()))
        .unwrap();
    let e = fx
        .store
        .finalise_assessment(&as_("assessor", 3), id, today(), None)
        .unwrap_err();
    is_invalid(e, "unanswered: date_of_birth, escape_risk_flag");
    assert_eq!(
        fx.store.assessment(id).unwrap().unwrap().status,
        AssessmentStatus::Draft
    );
}

#[test]
fn only_roles_the_form_names_may_fill_it() {
    let mut fx = fixture();
    let e = fx
        .store
        .start_assessment(
            &as_("officer", 1),
            &fx.form,
            Subject::Prisoner(fx.prisoner),
            &Answers::new(),
        )
        .unwrap_err();
    is_invalid(e, "officer may not fill in custody_initial");
}

#[test]
fn an_override_needs_a_reason_and_another_supervisors_approval() {
    let mut fx = fixture();
    let id = start(&mut fx, "supervisor");
    fill(&mut fx, "supervisor", id);
    let short = Override {
        result: "medium",
        reason: "gut feeling",
    };
    is_invalid(
        fx.store
            .finalise_assessment(&as_("supervisor", 20), id, today(), Some(short))
            .unwrap_err(),
        "at least 30 characters",
    );
    let reason = "Intelligence report of a planned escape from the work party";
    let row = fx
        .store
        .finalise_assessment(
            &as_("supervisor", 21),
            id,
            today(),
            Some(Override {
                result: "medium",
                reason,
            }),
        )
        .unwrap();
    assert_eq!(
        (
            row.scored_result.as_deref(),
            row.override_result.as_deref(),
            row.override_reason.as_deref(),
            row.result.as_deref(),
            row.custody_level.as_deref(),
            row.approval
        ),
        (
            Some("minimum"),
            Some("medium"),
            Some(reason),
            Some("medium"),
            Some("medium"),
            ApprovalState::Pending
        )
    );
    assert_eq!(fx.store.awaiting_approval().unwrap().len(), 1);
    assert_eq!(
        fx.store.custody_level(fx.prisoner).unwrap(),
        Some(SecurityLevel::Medium),
        "an override stricter than the scores binds at once"
    );
    // The author may not approve their own assessment, nor may an officer.
    is_invalid(
        fx.store
            .approve_assessment(&as_("supervisor", 22), id)
            .unwrap_err(),
        "cannot approve it",
    );
    is_invalid(
        fx.store
            .approve_assessment(&as_("officer", 22), id)
            .unwrap_err(),
        "officer may not approve",
    );
    let approved = fx
        .store
        .approve_assessment(&as_("supervisor2", 23), id)
        .unwrap();
    assert_eq!(approved.approval, ApprovalState::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some("supervisor2"));
    assert!(fx.store.awaiting_approval().unwrap().is_empty());
    is_invalid(
        fx.store
            .approve_assessment(&as_("admin", 24), id)
            .unwrap_err(),
        "not awaiting approval",
    );
    let actions: Vec<String> = fx
        .store
        .recent_audit(2)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions, vec!["approve", "finalise"]);
    assert!(fx.store.verify_audit().unwrap().is_none());
}

#[test]
fn an_amendment_is_a_new_revision_and_the_old_one_stays_readable() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    fill(&mut fx, "assessor", id);
    fx.store
        .finalise_assessment(&as_("assessor", 20), id, today(), None)
        .unwrap();
    is_invalid(
        fx.store
            .amend_assessment(&as_("assessor", 21), &fx.form, id, "typo")
            .unwrap_err(),
        "say why",
    );
    let reason = "Escape history was recorded against the wrong person";
    let new = fx
        .store
        .amend_assessment(&as_("assessor", 22), &fx.form, id, reason)
        .unwrap();
    is_invalid(
        fx.store
            .amend_assessment(&as_("supervisor", 23), &fx.form, id, reason)
            .unwrap_err(),
        "already being drafted",
    );
    fx.store
        .save_answer(
            &as_("assessor", 24),
            new,
            "escape_history",
            &Value::Text("secure_recent".into()),
        )
        .unwrap();
    let amended = fx
        .store
        .finalise_assessment(&as_("assessor", 25), new, today(), None)
        .unwrap();
    assert_eq!(
        (
            amended.series,
            amended.revision,
            amended.amend_reason.as_deref()
        ),
        (id, 2, Some(reason))
    );
    // Schedule A 9: on to B, grand total 13: medium.
    assert_eq!(amended.result.as_deref(), Some("medium"));
    let old = fx.store.assessment(id).unwrap().unwrap();
    assert_eq!(old.result.as_deref(), Some("minimum"));
    assert_eq!(
        old.answers(&fx.form).get("escape_history"),
        Some(&Value::Text("none".into()))
    );
    let (current, level) = fx.store.custody_assessment(fx.prisoner).unwrap().unwrap();
    assert_eq!((current.id, level), (new, Some(SecurityLevel::Medium)));
    assert_eq!(
        fx.store.assessments_of_prisoner(fx.prisoner).unwrap().len(),
        2
    );
    // Only the newest revision counts towards reviews.
    let due = fx.store.reviews_due(day("2028-01-01")).unwrap();
    assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), vec![new]);
    assert!(fx.store.reviews_due(day("2027-11-24")).unwrap().is_empty());
}

#[test]
fn an_edited_form_file_with_the_same_version_is_refused_at_load() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    let edited = CUSTODY.replace("score = 7 },", "score = 8 },");
    assert_ne!(edited, CUSTODY);
    let mut reg = registry(&edited);
    fx.store
        .register_forms(&as_("admin", 30), &mut reg)
        .unwrap();
    assert!(reg.get("custody_initial").is_none());
    let lines = reg.unavailable[0].lines();
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("forms/custody_initial.toml:14:1: "),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("raise `version` (to 2)"), "{}", lines[0]);
    // With a new number it is accepted, and records made with version 1 still show with version 1's text.
    let renumbered = edited.replace("version = 1", "version = 2");
    let mut reg = registry(&renumbered);
    fx.store
        .register_forms(&as_("admin", 31), &mut reg)
        .unwrap();
    assert!(reg.unavailable.is_empty());
    assert_eq!(reg.get("custody_initial").unwrap().version, 2);
    let row = fx.store.assessment(id).unwrap().unwrap();
    let old = fx
        .store
        .recorded_form(&row.form_id, row.form_version)
        .unwrap();
    assert_eq!(old.sha256, fx.form.sha256);
    assert_eq!(old.source, CUSTODY);
    assert!(fx.store.verify_audit().unwrap().is_none());
}

#[test]
fn a_draft_is_its_authors_and_can_be_discarded() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    is_invalid(
        fx.store
            .save_answer(&as_("supervisor", 2), id, "detainer", &Value::Bool(true))
            .unwrap_err(),
        "assessor's",
    );
    is_invalid(
        fx.store
            .discard_assessment(&as_("supervisor", 3), id)
            .unwrap_err(),
        "only its author",
    );
    fx.store
        .discard_assessment(&as_("assessor", 4), id)
        .unwrap();
    assert!(fx.store.assessment(id).unwrap().is_none());
    let _ = &fx.dir;
}

#[test]
fn one_draft_per_form_subject_and_person() {
    let mut fx = fixture();
    let first = start(&mut fx, "assessor");
    // A second start of the same form about the same person by the same author is refused, naming the way on.
    let e = fx
        .store
        .start_assessment(
            &as_("assessor", 2),
            &fx.form,
            Subject::Prisoner(fx.prisoner),
            &Answers::new(),
        )
        .unwrap_err();
    is_invalid(e, "already have a draft");
    // Once the first is discarded the author may start again.
    fx.store
        .discard_assessment(&as_("assessor", 3), first)
        .unwrap();
    start(&mut fx, "assessor");
}
