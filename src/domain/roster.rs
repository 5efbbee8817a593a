//! Intervention programmes: the catalogue, weekly schedules and their sessions, referrals and their statuses,
//! attendance outcomes and completion. The allocation checks and the waitlist order live in `roster::checks`.

use super::estate::{AgeGroup, LegalStatus, SecurityLevel, Sex, word_enum};
use super::invalid::{FieldError, Invalid};
use super::text;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

pub mod checks;
pub mod file;
pub mod release;
#[cfg(test)]
mod tests;

word_enum!(
    /// What kind of programme it is (the seed's rehabilitation work, plus the categories peers use).
    Category { Education = "education", Literacy = "literacy", Vocational = "vocational", Work = "work",
               Faith = "faith", Counselling = "counselling", Cbt = "cbt", Sport = "sport",
               FamilyContact = "family-contact", PreRelease = "pre-release" }
);
word_enum!(
    /// Where a referral stands. `Suggested` is never stored: it is worked out from the newest needs screen until
    /// someone refers or declines.
    ReferralStatus { Suggested = "suggested", Referred = "referred", Waitlisted = "waitlisted",
                     Allocated = "allocated", Completed = "completed", Withdrawn = "withdrawn",
                     Declined = "declined" }
);
word_enum!(
    /// What happened at one session for one person.
    Outcome { Attended = "attended", Sick = "sick", Refused = "refused", Court = "court",
              LegalVisit = "legal-visit", Lockdown = "lockdown", Transferred = "transferred",
              Released = "released", Other = "other" }
);
word_enum!(
    /// Why a session did not run.
    CancelReason { Holiday = "holiday", Lockdown = "lockdown", Staff = "staff-unavailable",
                   Room = "room-unavailable", Other = "other" }
);

pub const MAX_REASON_CHARS: usize = 240;
pub const MAX_NAME_CHARS: usize = 80;

impl ReferralStatus {
    /// Open statuses hold a place in the queue or the group; one open referral per person and programme.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Suggested
                | ReferralStatus::Referred
                | ReferralStatus::Waitlisted
                | ReferralStatus::Allocated
        )
    }

    /// The moves staff may make from here; everything else is refused with `transition`'s message.
    pub fn next(self) -> &'static [ReferralStatus] {
        use ReferralStatus::*;
        match self {
            Suggested => &[Referred, Declined],
            Referred => &[Waitlisted, Allocated, Withdrawn, Declined],
            Waitlisted => &[Allocated, Withdrawn, Declined],
            Allocated => &[Completed, Withdrawn],
            Completed | Withdrawn | Declined => &[],
        }
    }

    /// The label an officer reads.
    pub fn label(self) -> &'static str {
        match self {
            ReferralStatus::Suggested => "Suggested",
            ReferralStatus::Referred => "Referred",
            ReferralStatus::Waitlisted => "Waitlisted",
            ReferralStatus::Allocated => "Allocated",
            ReferralStatus::Completed => "Completed",
            ReferralStatus::Withdrawn => "Withdrawn",
            ReferralStatus::Declined => "Declined",
        }
    }
}

/// Checks a status change and its reason. Withdrawing or declining needs a reason; so does any change a
/// supervisor overrides.
pub fn transition(from: ReferralStatus, to: ReferralStatus, reason: &str) -> Result<(), Invalid> {
    if !from.next().contains(&to) {
        return Err(format!(
            "a {} referral cannot become {}{}",
            from.as_str(),
            to.as_str(),
            match from.next() {
                [] => " (it is closed)".to_string(),
                next => format!(
                    " (it can become: {})",
                    next.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        )
        .into());
    }
    let needs_reason = matches!(to, ReferralStatus::Withdrawn | ReferralStatus::Declined);
    Ok(check_reason("reason", reason, needs_reason)?)
}

/// A free-text reason: trimmed, not empty when required, short enough to print on one line of a register.
pub fn check_reason(field: &'static str, reason: &str, required: bool) -> Result<(), FieldError> {
    super::text::check(field, reason)?;
    let reason = reason.trim();
    if required && reason.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        let why = format!("at most {MAX_REASON_CHARS} characters");
        return Err(FieldError::new(field, why));
    }
    Ok(())
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Attended => "Attended",
            Outcome::Sick => "Sick",
            Outcome::Refused => "Refused",
            Outcome::Court => "Court",
            Outcome::LegalVisit => "Legal visit",
            Outcome::Lockdown => "Lockdown",
            Outcome::Transferred => "Transferred",
            Outcome::Released => "Released",
            Outcome::Other => "Other",
        }
    }

    /// Absences the person could not help: they do not count against completion.
    pub fn excused(self) -> bool {
        matches!(
            self,
            Outcome::Court | Outcome::LegalVisit | Outcome::Lockdown | Outcome::Sick
        )
    }
}

/// An attendance mark; "other" must say what happened.
pub fn check_outcome(outcome: Outcome, comment: &str) -> Result<(), FieldError> {
    check_reason("comment", comment, outcome == Outcome::Other)
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Education => "Education",
            Category::Literacy => "Literacy",
            Category::Vocational => "Vocational",
            Category::Work => "Work",
            Category::Faith => "Faith-based",
            Category::Counselling => "Counselling",
            Category::Cbt => "CBT",
            Category::Sport => "Sport",
            Category::FamilyContact => "Family contact",
            Category::PreRelease => "Pre-release",
        }
    }
}

/// Who may join. Every empty list means "anyone"; `needs` are finding names from the needs screen (any one of
/// them makes a person eligible and makes the programme a suggestion for them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Eligibility {
    pub needs: Vec<String>,
    pub custody: Vec<SecurityLevel>,
    pub sex: Option<Sex>,
    pub age: Option<AgeGroup>,
    pub legal: Vec<LegalStatus>,
    /// Unit codes whose people can reach the room; empty when every unit can.
    pub units: Vec<String>,
}

/// One weekly recurring slot. `weekday` is ISO: Monday 1 .. Sunday 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub id: i64,
    pub weekday: u8,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

impl Slot {
    /// Checks one weekly session; the refusal's field is the slot's own part ("day", "ends").
    pub fn validate(&self) -> Result<(), FieldError> {
        if !(1..=7).contains(&self.weekday) {
            return Err(FieldError::new("day", "Monday to Sunday (1 to 7)"));
        }
        if self.ends <= self.starts {
            let why = format!(
                "{} is not after the start {}",
                self.ends.format("%H:%M"),
                self.starts.format("%H:%M")
            );
            return Err(FieldError::new("ends", why));
        }
        Ok(())
    }

    pub fn day(&self) -> Weekday {
        weekday_from_iso(self.weekday)
    }

    /// "Mon 09:00-11:00"
    pub fn describe(&self) -> String {
        format!(
            "{} {}-{}",
            short_day(self.weekday),
            self.starts.format("%H:%M"),
            self.ends.format("%H:%M")
        )
    }

    /// True when the two slots share a minute on the same weekday.
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.weekday == other.weekday && self.starts < other.ends && other.starts < self.ends
    }
}

pub fn weekday_from_iso(n: u8) -> Weekday {
    match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

pub fn short_day(n: u8) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][usize::from(n.clamp(1, 7) - 1)]
}

/// A programme as the catalogue holds it, with its weekly slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub id: i64,
    pub facility_id: i64,
    pub code: String,
    pub name: String,
    pub category: Category,
    /// "staff", or the civil-society organisation that runs it.
    pub provider: String,
    pub facilitators: Vec<String>,
    pub room: String,
    pub capacity: u32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub eligibility: Eligibility,
    /// Share of sessions (not counting excused absences) a person must attend to complete.
    pub completion_percent: u8,
    /// Most violent-extremist prisoners one group may hold, as a share of its capacity (UNODC: mix them with
    /// regular prisoners rather than forming special groups). A supervisor may go past it with a reason.
    pub vep_share_percent: u8,
    pub slots: Vec<Slot>,
}

/// One occurrence of a slot on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Session {
    pub date: NaiveDate,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub slot_id: i64,
}

impl Programme {
    /// Checks a new or edited programme, naming the field that is wrong.
    /// The keys are the programme form's; the text names them as it always has ("ends on: ...", "slot 2: ...").
    pub fn validate(&self) -> Result<(), FieldError> {
        let refuse = |field: &'static str, why: String| FieldError::new(field, why);
        super::text::check("code", &self.code)?;
        let code = self.code.trim();
        if code.is_empty() || code.chars().count() > 12 || code.chars().any(char::is_whitespace) {
            return Err(refuse("code", "1 to 12 characters, no spaces".into()));
        }
        for (field, value) in [
            ("name", &self.name),
            ("provider", &self.provider),
            ("room", &self.room),
        ] {
            super::text::check(field, value)?;
            let value = value.trim();
            if value.is_empty() {
                return Err(refuse(field, "required".into()));
            }
            if value.chars().count() > MAX_NAME_CHARS {
                return Err(refuse(
                    field,
                    format!("at most {MAX_NAME_CHARS} characters"),
                ));
            }
        }
        if self.capacity == 0 || self.capacity > 500 {
            return Err(refuse("capacity", "1 to 500".into()));
        }
        if self.ends_on < self.starts_on {
            let why = format!("{} is before the start {}", self.ends_on, self.starts_on);
            return Err(refuse("ends", why).labelled("ends on"));
        }
        if !(1..=100).contains(&self.completion_percent) {
            return Err(refuse("completion", "1 to 100 percent".into()));
        }
        if self.vep_share_percent > 100 {
            return Err(refuse("vep_share", "0 to 100 percent".into()).labelled("VEP share"));
        }
        if self.slots.is_empty() {
            return Err(refuse("slots", "at least one weekly session".into()));
        }
        for (i, slot) in self.slots.iter().enumerate() {
            let in_slot = |why: String| refuse("slots", why).labelled(format!("slot {}", i + 1));
            slot.validate().map_err(|e| in_slot(e.to_string()))?;
            if let Some(j) = self.slots[..i].iter().position(|s| s.overlaps(slot)) {
                return Err(in_slot(format!(
                    "overlaps slot {} ({})",
                    j + 1,
                    self.slots[j].describe()
                )));
            }
        }
        Ok(())
    }

    /// "Mon Wed 09:00-11:00, Fri 14:00-16:00": days sharing a time are written once, to fit a list column.
    pub fn schedule_text(&self) -> String {
        let mut groups: Vec<((NaiveTime, NaiveTime), Vec<u8>)> = Vec::new();
        for s in &self.slots {
            match groups.iter_mut().find(|(t, _)| *t == (s.starts, s.ends)) {
                Some((_, days)) => days.push(s.weekday),
                None => groups.push(((s.starts, s.ends), vec![s.weekday])),
            }
        }
        groups
            .iter()
            .map(|((a, b), days)| {
                let days: Vec<&str> = days.iter().map(|d| short_day(*d)).collect();
                format!(
                    "{} {}-{}",
                    days.join(" "),
                    a.format("%H:%M"),
                    b.format("%H:%M")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The sessions from `from` to `to` inclusive, inside the programme's dates, in time order. Cancelled
    /// sessions are still listed; the caller marks them.
    pub fn sessions(&self, from: NaiveDate, to: NaiveDate) -> Vec<Session> {
        let from = from.max(self.starts_on);
        let to = to.min(self.ends_on);
        let mut out = Vec::new();
        let mut day = from;
        while day <= to {
            let iso = day.weekday().number_from_monday() as u8;
            for slot in self.slots.iter().filter(|s| s.weekday == iso) {
                out.push(Session {
                    date: day,
                    starts: slot.starts,
                    ends: slot.ends,
                    slot_id: slot.id,
                });
            }
            day += Duration::days(1);
        }
        out.sort();
        out
    }

    /// The maximum number of VEPs one group may hold before a supervisor must decide.
    pub fn vep_cap(&self) -> u32 {
        (self.capacity * u32::from(self.vep_share_percent)) / 100
    }

    pub fn provider_text(&self) -> String {
        if self.provider.trim().eq_ignore_ascii_case("staff") {
            "Prison staff".into()
        } else {
            text::display(&self.provider).into_owned()
        }
    }
}

/// The Monday of an ISO week ("2026-W48"), or a message naming what is wrong.
pub fn week_start(week: &str) -> Result<NaiveDate, String> {
    let bad = || format!("week: '{week}' is not a week like 2026-W48");
    let (year, number) = week.trim().split_once("-W").ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let number: u32 = number.parse().map_err(|_| bad())?;
    NaiveDate::from_isoywd_opt(year, number, Weekday::Mon).ok_or_else(bad)
}

/// The Monday of the week holding `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// "2026-W48"
pub fn week_label(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// How far someone has got: sessions held so far for them, attended, excused, and whether the rule is met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Participation {
    pub marked: u32,
    pub attended: u32,
    pub excused: u32,
}

impl Participation {
    pub fn add(&mut self, outcome: Outcome) {
        self.marked += 1;
        if outcome == Outcome::Attended {
            self.attended += 1;
        } else if outcome.excused() {
            self.excused += 1;
        }
    }

    /// Attended as a share of the sessions that count (excused absences do not), rounded down; none before any.
    pub fn percent(&self) -> Option<u32> {
        let counted = self.marked - self.excused;
        (counted > 0).then(|| self.attended * 100 / counted)
    }

    /// Whether someone may be marked completed under the programme's rule.
    pub fn completes(&self, completion_percent: u8) -> Result<(), String> {
        match self.percent() {
            None => Err("no attendance is recorded yet".into()),
            Some(p) if p < u32::from(completion_percent) => Err(format!(
                "attended {p}% of the sessions that count ({} of {}); the programme needs {completion_percent}%",
                self.attended,
                self.marked - self.excused
            )),
            Some(_) => Ok(()),
        }
    }
}
