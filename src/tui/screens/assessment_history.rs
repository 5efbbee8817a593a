//! What a prisoner's record says about their assessments: the custody level in force with its next review, then
//! every assessment and draft, newest first, each with its own form version.

use super::Ctx;
use crate::store::{ApprovalState, AssessmentRow, AssessmentStatus, StoreError};

fn approval(a: &AssessmentRow) -> String {
    if let Some(r) = &a.returned {
        return format!(", sent back by {}: {}", r.by, r.reason);
    }
    match (a.approval, &a.approved_by) {
        (ApprovalState::Pending, _) => ", awaiting approval".into(),
        (ApprovalState::Approved, Some(by)) => format!(", approved by {by}"),
        _ => String::new(),
    }
}

/// One line per assessment, after a headline with the custody level and next review date.
pub fn lines(prisoner_id: i64, ctx: &mut Ctx) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    let title = |id: &str| {
        ctx.forms
            .get(id)
            .map_or(id.to_string(), |f| f.title.text.clone())
    };
    match ctx.store.custody_assessment(prisoner_id)? {
        Some((c, level)) => {
            let level = level.map_or("-".to_string(), |l| l.to_string());
            // A pending override that would lower the level does not bind until it is approved.
            let held = match c.custody_level.as_deref() {
                Some(overridden) if overridden != level => {
                    format!(" (override to {overridden} awaits approval)")
                }
                _ => approval(&c),
            };
            out.push(format!(
                "Custody level {level}{held}; next review {}",
                c.next_review.map_or("-".into(), |d| d.to_string())
            ))
        }
        None => out.push("Custody level not assessed yet".into()),
    }
    for a in ctx.store.assessments_of_prisoner(prisoner_id)? {
        let when = a
            .assessed_on
            .map_or(a.updated_at.date_naive(), |d| d)
            .to_string();
        let rev = if a.revision > 1 {
            format!(" rev {}", a.revision)
        } else {
            String::new()
        };
        let what = match a.status {
            AssessmentStatus::Draft => format!("draft by {}", a.author),
            AssessmentStatus::Final => {
                let over = if a.override_result.is_some() {
                    " (override)"
                } else {
                    ""
                };
                format!(
                    "{}{over} by {}{}",
                    a.result.as_deref().unwrap_or("done"),
                    a.author,
                    approval(&a)
                )
            }
        };
        let what = match &a.triggered {
            Some((event, day)) => format!("{what}; review called {day} ({event})"),
            None => what,
        };
        out.push(format!(
            "{when} {} v{}{rev}: {what}",
            title(&a.form_id),
            a.form_version
        ));
    }
    Ok(out)
}
