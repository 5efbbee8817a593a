//! Segregation (solitary confinement) placements and the Mandela Rules 43-45 limits: a warning at day 10 and an
//! alert at day 15, before confinement becomes prolonged (more than 15 consecutive days, prohibited).

use super::invalid::FieldError;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub const WARNING_DAYS: i64 = 10;
pub const ALERT_DAYS: i64 = 15;
pub const MAX_REASON_CHARS: usize = 240;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segregation {
    pub id: i64,
    pub prisoner_id: i64,
    pub start: NaiveDateTime,
    pub end: Option<NaiveDateTime>,
    pub reason: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Ok,
    /// Day 10 or later: plan the end.
    Warning,
    /// Day 15 or later: Rule 44 prohibits going on.
    Alert,
}

impl Segregation {
    pub fn validate(&self) -> Result<(), FieldError> {
        super::text::check("reason", &self.reason)?;
        if self.reason.trim().is_empty() {
            return Err(FieldError::new("reason", "required"));
        }
        let count = self.reason.chars().count();
        if count > MAX_REASON_CHARS {
            return Err(FieldError::new(
                "reason",
                format!("at most {MAX_REASON_CHARS} characters (this has {count})"),
            ));
        }
        if let Some(end) = self.end
            && end < self.start
        {
            return Err(FieldError::new("end", "before the start"));
        }
        Ok(())
    }

    /// Whole days from the start to the end, or to `now` while it lasts.
    pub fn days(&self, now: NaiveDateTime) -> i64 {
        (self.end.unwrap_or(now) - self.start).num_days().max(0)
    }

    /// How urgent an open placement is at `now`; an ended one is never urgent.
    pub fn urgency(&self, now: NaiveDateTime) -> Urgency {
        if self.end.is_some() {
            return Urgency::Ok;
        }
        match self.days(now) {
            d if d >= ALERT_DAYS => Urgency::Alert,
            d if d >= WARNING_DAYS => Urgency::Warning,
            _ => Urgency::Ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn start() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(14, 0, 0)
            .unwrap()
    }

    fn placement() -> Segregation {
        Segregation {
            id: 1,
            prisoner_id: 7,
            start: start(),
            end: None,
            reason: "assault on staff, pending adjudication".into(),
            recorded_by: "supervisor".into(),
        }
    }

    #[test]
    fn warning_on_day_ten_alert_on_day_fifteen() {
        let s = placement();
        let at = |h: i64| start() + Duration::hours(h);
        assert_eq!(s.urgency(at(9 * 24 + 23)), Urgency::Ok);
        assert_eq!(s.urgency(at(10 * 24)), Urgency::Warning);
        assert_eq!(s.days(at(14 * 24 + 23)), 14);
        assert_eq!(s.urgency(at(15 * 24)), Urgency::Alert);
        let mut ended = s.clone();
        ended.end = Some(at(20 * 24));
        assert_eq!(ended.urgency(at(30 * 24)), Urgency::Ok);
        assert_eq!(ended.days(at(30 * 24)), 20);
    }

    #[test]
    fn a_placement_needs_a_reason_and_ends_after_it_starts() {
        let mut s = placement();
        assert!(s.validate().is_ok());
        s.reason = " ".into();
        assert!(s.validate().is_err());
        let mut s = placement();
        s.end = Some(start() - Duration::hours(1));
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "end: before the start"
        );
        assert!(s.validate().unwrap_err().is("end"));
    }
}
