//! Non-associations: two people who must be kept apart, why, where, and for how long. Closed, never deleted.

use super::estate::word_enum;
use super::invalid::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

word_enum!(
    /// Each party's part in what happened.
    NaRole { Victim = "victim", Perpetrator = "perpetrator", Rival = "rival", Gang = "gang",
             Codefendant = "co-defendant", Other = "other" }
);
word_enum!(
    /// Why the two are kept apart.
    NaReason { Bullying = "bullying", Gang = "gang", OrganisedCrime = "organised-crime",
               LegalRequest = "legal-request", Threat = "threat", Violence = "violence", Other = "other" }
);
word_enum!(
    /// How far apart: not in the same cell, not in the same unit, or not in the same facility. Wider scopes
    /// include the narrower ones.
    NaScope { Cell = "cell", Unit = "unit", Facility = "facility" }
);

/// The comment is required and short enough to read on one screen (the HMPPS service uses the same limit).
pub const MAX_COMMENT_CHARS: usize = 240;
pub const MAX_CLOSE_REASON_CHARS: usize = 240;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// RFC 3339, as the store writes every moment.
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// One pair. `first` and `second` are prisoner ids; the order carries no meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonAssociation {
    pub id: i64,
    pub first: i64,
    pub first_role: NaRole,
    pub second: i64,
    pub second_role: NaRole,
    pub reason: NaReason,
    pub scope: NaScope,
    pub comment: String,
    pub start: NaiveDate,
    /// The last day it applies; none means until closed.
    pub expiry: Option<NaiveDate>,
    pub closed: Option<Closure>,
}

impl NonAssociation {
    /// Checks a new or edited record, naming the field that is wrong.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.first == self.second {
            return Err("a person cannot be kept apart from themselves".into());
        }
        super::text::check("comment", &self.comment)?;
        let comment = self.comment.trim();
        if comment.is_empty() {
            let why = "required (what happened, who asked for it)";
            return Err(FieldError::new("comment", why).into());
        }
        let count = self.comment.chars().count();
        if count > MAX_COMMENT_CHARS {
            let why = format!("at most {MAX_COMMENT_CHARS} characters (this has {count})");
            return Err(FieldError::new("comment", why).into());
        }
        if let Some(expiry) = self.expiry
            && expiry < self.start
        {
            let why = format!("{expiry} is before the start {}", self.start);
            return Err(FieldError::new("expiry", why).into());
        }
        Ok(())
    }

    /// In force on `day`: not closed, started, not yet expired (the expiry day itself still counts).
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.closed.is_none() && self.start <= day && self.expiry.is_none_or(|e| day <= e)
    }

    pub fn involves(&self, prisoner: i64) -> bool {
        self.first == prisoner || self.second == prisoner
    }

    /// The other party and their role, seen from `prisoner`.
    pub fn other(&self, prisoner: i64) -> Option<(i64, NaRole)> {
        if self.first == prisoner {
            Some((self.second, self.second_role))
        } else if self.second == prisoner {
            Some((self.first, self.first_role))
        } else {
            None
        }
    }

    /// `prisoner`'s own role in this record.
    pub fn role_of(&self, prisoner: i64) -> Option<NaRole> {
        if self.first == prisoner {
            Some(self.first_role)
        } else if self.second == prisoner {
            Some(self.second_role)
        } else {
            None
        }
    }
}

/// Checks the reason given for closing a record.
/// The refusal names the field "reason" (the close form's key) and says "reason for closing" in its text.
pub fn check_close_reason(reason: &str) -> Result<(), FieldError> {
    let refuse = |why: String| FieldError::new("reason", why).labelled("reason for closing");
    super::text::check("reason", reason).map_err(|e| refuse(e.message))?;
    if reason.trim().is_empty() {
        return Err(refuse("required".into()));
    }
    let count = reason.chars().count();
    if count > MAX_CLOSE_REASON_CHARS {
        let why = format!("at most {MAX_CLOSE_REASON_CHARS} characters (this has {count})");
        return Err(refuse(why));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn sample() -> NonAssociation {
        NonAssociation {
            id: 1,
            first: 10,
            first_role: NaRole::Victim,
            second: 20,
            second_role: NaRole::Perpetrator,
            reason: NaReason::Violence,
            scope: NaScope::Unit,
            comment: "assault in the yard".into(),
            start: day(10),
            expiry: Some(day(20)),
            closed: None,
        }
    }

    #[test]
    fn a_pair_needs_two_people_and_a_comment() {
        let mut na = sample();
        assert!(na.validate().is_ok());
        na.second = na.first;
        assert!(
            na.validate()
                .unwrap_err()
                .to_string()
                .contains("themselves")
        );
        let mut na = sample();
        na.comment = "  ".into();
        assert!(
            na.validate()
                .unwrap_err()
                .field()
                .is_some_and(|e| e.is("comment"))
        );
        na.comment = "x".repeat(241);
        assert!(na.validate().unwrap_err().to_string().contains("241"));
        let mut na = sample();
        na.expiry = Some(day(9));
        assert!(
            na.validate()
                .unwrap_err()
                .field()
                .is_some_and(|e| e.is("expiry"))
        );
    }

    #[test]
    fn in_force_from_start_through_the_expiry_day_until_closed() {
        let mut na = sample();
        assert!(!na.active_on(day(9)));
        assert!(na.active_on(day(10)));
        assert!(na.active_on(day(20)));
        assert!(!na.active_on(day(21)));
        na.expiry = None;
        assert!(na.active_on(day(30)));
        na.closed = Some(Closure {
            at: "2026-11-12T08:00:00.000Z".into(),
            by: "supervisor".into(),
            reason: "released".into(),
        });
        assert!(!na.active_on(day(12)));
    }

    #[test]
    fn each_party_sees_the_other() {
        let na = sample();
        assert_eq!(na.other(10), Some((20, NaRole::Perpetrator)));
        assert_eq!(na.other(20), Some((10, NaRole::Victim)));
        assert_eq!(na.other(30), None);
        assert_eq!(na.role_of(20), Some(NaRole::Perpetrator));
        assert!(NaScope::Cell < NaScope::Facility);
        assert_eq!(NaRole::parse("co-defendant"), Some(NaRole::Codefendant));
    }

    #[test]
    fn closing_needs_a_reason() {
        assert!(check_close_reason("").is_err());
        assert!(check_close_reason("both released").is_ok());
        assert!(check_close_reason(&"x".repeat(241)).is_err());
    }
}
