//! Store tests for what happens after an assessment is finalised: approval or sending back, the custody level
//! in force while an override awaits approval, review triggers and the reviews due per facility.

use super::assessment_tests::{Fx, as_, day, fill, fixture, is_invalid, start, today};
use super::*;
use crate::domain::estate::SecurityLevel;
use crate::domain::forms::Value;

/// Finalises a classification scored medium (escape history recent) with an override down to minimum.
fn medium_overridden_to_minimum(fx: &mut Fx) -> i64 {
    let id = start(fx, "assessor");
    fill(fx, "assessor", id);
    fx.store
        .save_answer(
            &as_("assessor", 15),
            id,
            "escape_history",
            &Value::Text("secure_recent".into()),
        )
        .unwrap();
    let row = fx
        .store
        .finalise_assessment(
            &as_("assessor", 20),
            id,
            today(),
            Some(Override {
                result: "minimum",
                reason: "Long record of trusted work outside the perimeter",
            }),
        )
        .unwrap();
    assert_eq!(
        (row.scored_level.as_deref(), row.custody_level.as_deref()),
        (Some("medium"), Some("minimum"))
    );
    id
}

#[test]
fn a_lenient_override_binds_only_once_approved() {
    let mut fx = fixture();
    let id = medium_overridden_to_minimum(&mut fx);
    assert_eq!(
        fx.store.custody_level(fx.prisoner).unwrap(),
        Some(SecurityLevel::Medium),
        "while approval is pending the scored level holds"
    );
    let (row, level) = fx.store.custody_assessment(fx.prisoner).unwrap().unwrap();
    assert_eq!((row.id, level), (id, Some(SecurityLevel::Medium)));
    fx.store
        .approve_assessment(&as_("supervisor", 30), id)
        .unwrap();
    assert_eq!(
        fx.store.custody_level(fx.prisoner).unwrap(),
        Some(SecurityLevel::Minimum)
    );
}

#[test]
fn an_assessment_sent_back_stops_counting_and_returns_to_its_author() {
    let mut fx = fixture();
    let id = medium_overridden_to_minimum(&mut fx);
    is_invalid(
        fx.store
            .return_assessment(&as_("supervisor", 30), id, "no")
            .unwrap_err(),
        "say why",
    );
    let reason = "The work record was another man's: check the answers";
    is_invalid(
        fx.store
            .return_assessment(&as_("assessor", 30), id, reason)
            .unwrap_err(),
        "may not approve",
    );
    is_invalid(
        fx.store
            .return_assessment(&as_("officer", 30), id, reason)
            .unwrap_err(),
        "may not approve",
    );
    let row = fx
        .store
        .return_assessment(&as_("supervisor", 31), id, reason)
        .unwrap();
    let returned = row.returned.expect("sent back");
    assert_eq!(
        (returned.by.as_str(), returned.reason.as_str()),
        ("supervisor", reason)
    );
    // It leaves the approval queue, cannot be approved or sent back again, and no longer sets a level.
    assert!(fx.store.awaiting_approval().unwrap().is_empty());
    is_invalid(
        fx.store
            .approve_assessment(&as_("supervisor2", 32), id)
            .unwrap_err(),
        "not awaiting approval",
    );
    is_invalid(
        fx.store
            .return_assessment(&as_("supervisor2", 32), id, reason)
            .unwrap_err(),
        "not awaiting approval",
    );
    assert_eq!(fx.store.custody_level(fx.prisoner).unwrap(), None);
    assert!(fx.store.custody_assessment(fx.prisoner).unwrap().is_none());
    assert!(fx.store.reviews_due(day("2030-01-01")).unwrap().is_empty());
    // The database itself refuses to approve it behind the store's back.
    assert!(
        fx.store
            .conn()
            .execute(
                "UPDATE main.assessment SET approval = 'approved', approved_by = 'supervisor2',
                     approved_at = '2026-11-25 09:00:00' WHERE id = ?1",
                [id]
            )
            .is_err()
    );
    // Its author finds it, amends it, and then it is no longer waiting for them.
    let mine = fx.store.returned_to("assessor").unwrap();
    assert_eq!(mine.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    assert!(fx.store.returned_to("supervisor").unwrap().is_empty());
    let new = fx
        .store
        .amend_assessment(
            &as_("assessor", 40),
            &fx.form,
            id,
            "Sent back: work record corrected",
        )
        .unwrap();
    assert!(fx.store.returned_to("assessor").unwrap().is_empty());
    fx.store
        .save_answer(
            &as_("assessor", 41),
            new,
            "escape_history",
            &Value::Text("none".into()),
        )
        .unwrap();
    fx.store
        .finalise_assessment(&as_("assessor", 42), new, today(), None)
        .unwrap();
    assert_eq!(
        fx.store.custody_level(fx.prisoner).unwrap(),
        Some(SecurityLevel::Minimum)
    );
    let actions: Vec<String> = fx
        .store
        .recent_audit(4)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions, vec!["finalise", "amend", "send back", "finalise"]);
    assert!(fx.store.verify_audit().unwrap().is_none());
}

#[test]
fn a_review_trigger_brings_the_review_forward_and_is_counted_per_facility() {
    let mut fx = fixture();
    let id = start(&mut fx, "assessor");
    fill(&mut fx, "assessor", id);
    let row = fx
        .store
        .finalise_assessment(&as_("assessor", 20), id, today(), None)
        .unwrap();
    assert_eq!(row.next_review, Some(day("2027-11-25")));
    assert!(fx.store.reviews_due(day("2026-12-25")).unwrap().is_empty());
    let note = "Found guilty of assaulting an officer on 24 November";
    is_invalid(
        fx.store
            .raise_review(&as_("assessor", 30), id, "parole", note)
            .unwrap_err(),
        "event: 'parole' is not a review trigger",
    );
    is_invalid(
        fx.store
            .raise_review(&as_("assessor", 30), id, "disciplinary", "fight")
            .unwrap_err(),
        "note: say what happened",
    );
    is_invalid(
        fx.store
            .raise_review(&as_("officer", 30), id, "disciplinary", note)
            .unwrap_err(),
        "officer may not review",
    );
    let raised = fx
        .store
        .raise_review(&as_("assessor", 31), id, "disciplinary", note)
        .unwrap();
    assert_eq!(
        raised.triggered,
        Some(("disciplinary".to_string(), today()))
    );
    assert_eq!(raised.due_on(), Some(today()));
    let due = fx.store.reviews_due(day("2026-12-25")).unwrap();
    assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    let tomorrow = today() + chrono::Duration::days(1);
    let counts = fx
        .store
        .review_counts(tomorrow, tomorrow, &["custody_initial"])
        .unwrap();
    assert!(
        fx.store
            .review_counts(tomorrow, tomorrow, &["needs_screen"])
            .unwrap()
            .is_empty(),
        "only the forms asked for"
    );
    assert_eq!(
        counts,
        vec![ReviewCount {
            facility: "LUZ".into(),
            due: 1,
            overdue: 1
        }]
    );
    // A reclassification answers the trigger: the new revision is not due.
    let new = fx
        .store
        .amend_assessment(
            &as_("assessor", 40),
            &fx.form,
            id,
            "Review after the disciplinary finding",
        )
        .unwrap();
    is_invalid(
        fx.store
            .raise_review(&as_("assessor", 41), id, "disciplinary", note)
            .unwrap_err(),
        "newer revision",
    );
    fx.store
        .finalise_assessment(&as_("assessor", 42), new, today(), None)
        .unwrap();
    assert!(fx.store.reviews_due(day("2026-12-25")).unwrap().is_empty());
    assert!(
        fx.store
            .review_counts(tomorrow, tomorrow, &["custody_initial"])
            .unwrap()
            .is_empty()
    );
}
