//! Continuity of care: what a pre-release plan holds, how it is checked, and which needs are still open when
//! someone leaves.

use super::check_reason;
use crate::domain::invalid::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const MAX_PLAN_TEXT: usize = 240;

/// The plan's own fields; programmes completed and needs still open are worked out, not typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasePlan {
    pub documents_ready: bool,
    pub housing: String,
    pub notes: String,
}

impl ReleasePlan {
    pub fn validate(&self) -> Result<(), FieldError> {
        check_reason("housing", &self.housing, false)?;
        check_reason("notes", &self.notes, false)
    }
}

/// A referral to an organisation that takes over after release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aftercare {
    pub id: i64,
    pub organisation: String,
    pub contact: String,
    pub need: String,
    pub appointment: Option<NaiveDate>,
}

impl Aftercare {
    /// Names the field that is wrong. An appointment before today is allowed only when recording one already
    /// made, so it is checked against the release date instead: after release or on the day.
    pub fn validate(&self, release: Option<NaiveDate>) -> Result<(), FieldError> {
        for (field, value) in [
            ("organisation", &self.organisation),
            ("contact", &self.contact),
        ] {
            check_reason(field, value, true)?;
        }
        check_reason("need", &self.need, false)?;
        if let (Some(day), Some(release)) = (self.appointment, release)
            && day < release
        {
            let why = format!("{day} is before the expected release {release}");
            return Err(FieldError::new("appointment", why));
        }
        Ok(())
    }
}

/// Needs from the needs screen (findings named `need_...`) that no completed programme met.
pub fn open_needs(findings: &[String], met_by_completed: &[String]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.starts_with("need_") && !met_by_completed.contains(f))
        .cloned()
        .collect()
}

/// "need_family_contact" -> "family contact"
pub fn need_label(finding: &str) -> String {
    finding.trim_start_matches("need_").replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn open_needs_leave_out_interests_and_what_was_completed() {
        let findings: Vec<String> = [
            "need_literacy",
            "need_housing",
            "interest_faith",
            "self_harm_risk",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            open_needs(&findings, &["need_literacy".into()]),
            vec!["need_housing".to_string()]
        );
        assert_eq!(need_label("need_family_contact"), "family contact");
    }

    #[test]
    fn aftercare_needs_an_organisation_a_contact_and_a_date_after_release() {
        let mut a = Aftercare {
            id: 0,
            organisation: "Prisoners' Aid".into(),
            contact: "+256 700 000000".into(),
            need: "housing".into(),
            appointment: Some(d("2027-01-05")),
        };
        assert!(a.validate(Some(d("2027-01-04"))).is_ok());
        assert!(
            a.validate(Some(d("2027-01-06")))
                .unwrap_err()
                .to_string()
                .starts_with("appointment:")
        );
        a.contact = " ".into();
        assert_eq!(
            a.validate(None).unwrap_err().to_string(),
            "contact: required"
        );
        let long = ReleasePlan {
            notes: "x".repeat(241),
            ..ReleasePlan::default()
        };
        assert!(
            long.validate()
                .unwrap_err()
                .to_string()
                .starts_with("notes:")
        );
    }
}
