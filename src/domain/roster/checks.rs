//! The checks run before someone joins a programme group, and the waitlist order. Pure: the store gathers the
//! facts (the person, the group, their other sessions) and these functions decide and explain.

use super::{Programme, Session, Slot};
use crate::domain::estate::{AgeGroup, LegalStatus, SecurityLevel, Sex};
use chrono::NaiveDate;

/// Waiting people releasing within this many days go first: after release the chance is gone.
pub const RELEASE_SOON_DAYS: i64 = 180;

/// What the checks need to know about the person being allocated.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub prisoner_id: i64,
    pub sex: Sex,
    pub age: AgeGroup,
    pub legal: LegalStatus,
    pub custody: Option<SecurityLevel>,
    pub vep: bool,
    /// The code of the unit they live on; none when not placed in a cell.
    pub unit: Option<String>,
    /// Finding names from their newest final needs screen.
    pub needs: Vec<String>,
    pub expected_release: Option<NaiveDate>,
    pub court_dates: Vec<NaiveDate>,
    /// The slots of every other programme they are allocated to.
    pub commitments: Vec<Commitment>,
}

/// A weekly slot of another programme the person already attends.
#[derive(Debug, Clone, PartialEq)]
pub struct Commitment {
    pub programme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub slot: Slot,
}

/// The group as it stands: who is in it (with their violent-extremist flag) and who of them must be kept apart
/// from the candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub allocated: u32,
    pub veps: u32,
    /// Members with an active non-association with the candidate: (number, name).
    pub keep_apart: Vec<(String, String)>,
}

/// Which check refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Capacity,
    NonAssociation,
    Clash,
    Release,
    Unit,
    Eligibility,
    VepShare,
}

impl Check {
    /// Capacity and non-associations are never overridden: a room holds what it holds, and people kept apart
    /// for safety are not put in one room. The rest a supervisor may decide otherwise, with a reason.
    pub fn overridable(self) -> bool {
        !matches!(self, Check::Capacity | Check::NonAssociation)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub check: Check,
    pub reason: String,
}

impl Refusal {
    /// The reason as a person may read it: the mixed-group refusal names the violent-extremist flag, which only
    /// roles allowed to see the flag may learn (Mandela Rule 9); others read that a supervisor must decide.
    pub fn shown(&self, may_see_vep: bool) -> String {
        if self.check == Check::VepShare && !may_see_vep {
            crate::domain::auth::restricted_handling_note()
        } else {
            self.reason.clone()
        }
    }
}

/// The verdict: refusals block (some overridable), warnings are shown and do not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    pub refusals: Vec<Refusal>,
    pub warnings: Vec<String>,
}

impl Verdict {
    pub fn allowed(&self) -> bool {
        self.refusals.is_empty()
    }

    /// True when a supervisor's override with a reason may go past every refusal.
    pub fn overridable(&self) -> bool {
        self.refusals.iter().all(|r| r.check.overridable())
    }
}

/// Every check, from `today` on.
pub fn check_allocation(
    programme: &Programme,
    who: &Candidate,
    group: &Group,
    today: NaiveDate,
) -> Verdict {
    let mut v = Verdict::default();
    let mut refuse = |check, reason: String| v.refusals.push(Refusal { check, reason });
    if group.allocated >= programme.capacity {
        refuse(
            Check::Capacity,
            format!(
                "the group is full ({} of {} places taken)",
                group.allocated, programme.capacity
            ),
        );
    }
    for (number, name) in &group.keep_apart {
        refuse(
            Check::NonAssociation,
            format!("must be kept apart from {number} {name}, who is in the group"),
        );
    }
    for c in clashes(programme, &who.commitments) {
        refuse(Check::Clash, c);
    }
    if let Some(release) = who.expected_release
        && release < programme.ends_on
    {
        let missed = programme
            .sessions(release.max(today), programme.ends_on)
            .len();
        refuse(
            Check::Release,
            format!(
                "expected release {release} is before the programme ends {} ({missed} sessions missed)",
                programme.ends_on
            ),
        );
    }
    let units = &programme.eligibility.units;
    if !units.is_empty() {
        match &who.unit {
            Some(unit) if units.iter().any(|u| u.eq_ignore_ascii_case(unit)) => {}
            Some(unit) => refuse(
                Check::Unit,
                format!(
                    "unit {unit} has no access to {} (open to units {})",
                    programme.room,
                    units.join(", ")
                ),
            ),
            None => refuse(
                Check::Unit,
                "not placed in a cell, so no unit has access".into(),
            ),
        }
    }
    for reason in ineligible(programme, who) {
        refuse(Check::Eligibility, reason);
    }
    if who.vep && group.veps + 1 > programme.vep_cap() {
        refuse(
            Check::VepShare,
            format!(
                "would make {} violent-extremist prisoners in a group of {} (the mixed-group rule allows {}, {}% of the places)",
                group.veps + 1,
                programme.capacity,
                programme.vep_cap(),
                programme.vep_share_percent
            ),
        );
    }
    let court = court_clashes(programme, &who.court_dates, today);
    if !court.is_empty() {
        v.warnings.push(format!(
            "court on {} ({} of the sessions; court absences do not count against completion)",
            court
                .iter()
                .map(|s| s.date.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            court.len()
        ));
    }
    v
}

/// The eligibility rules the person does not meet, each in words.
pub fn ineligible(programme: &Programme, who: &Candidate) -> Vec<String> {
    let e = &programme.eligibility;
    let mut out = Vec::new();
    if !e.needs.is_empty() && !e.needs.iter().any(|n| who.needs.contains(n)) {
        out.push(format!(
            "no assessed need it meets ({})",
            e.needs.join(", ")
        ));
    }
    if let Some(sex) = e.sex
        && sex != who.sex
    {
        out.push(format!("open to {} prisoners only", sex.as_str()));
    }
    if let Some(age) = e.age
        && age != who.age
    {
        out.push(format!("open to {} prisoners only", age.as_str()));
    }
    if !e.legal.is_empty() && !e.legal.contains(&who.legal) {
        out.push(format!(
            "open to {} prisoners only",
            e.legal
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    if !e.custody.is_empty() {
        match who.custody {
            Some(level) if e.custody.contains(&level) => {}
            Some(level) => out.push(format!(
                "{level} custody is not suitable (open to {})",
                e.custody
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => {
                out.push("not yet classified, and the programme asks for a custody level".into())
            }
        }
    }
    out
}

/// The programme's slots that overlap a slot of another programme on a day both run.
pub fn clashes(programme: &Programme, commitments: &[Commitment]) -> Vec<String> {
    let mut out = Vec::new();
    for c in commitments {
        let dates_overlap = c.starts_on <= programme.ends_on && programme.starts_on <= c.ends_on;
        if !dates_overlap {
            continue;
        }
        for slot in &programme.slots {
            if slot.overlaps(&c.slot) {
                out.push(format!(
                    "{} clashes with {} ({})",
                    slot.describe(),
                    c.programme,
                    c.slot.describe()
                ));
            }
        }
    }
    out
}

/// Sessions from `today` on that fall on a court date.
pub fn court_clashes(programme: &Programme, court: &[NaiveDate], today: NaiveDate) -> Vec<Session> {
    let mut out = Vec::new();
    for &day in court.iter().filter(|d| **d >= today) {
        out.extend(programme.sessions(day, day));
    }
    out.sort();
    out
}

/// A person waiting for a place.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub referral_id: i64,
    pub referred_on: NaiveDate,
    pub expected_release: Option<NaiveDate>,
    /// How many of the programme's target needs their needs screen found.
    pub needs_met: u32,
}

/// The waitlist in the order places are offered, each with the reason for its place: first those releasing
/// within `RELEASE_SOON_DAYS` (soonest first), then by how many of the programme's needs they have, then by who
/// was referred first. Ties keep the referral order.
pub fn waitlist_order(waiting: &[Waiting], today: NaiveDate) -> Vec<(usize, String)> {
    let soon = |w: &Waiting| {
        w.expected_release
            .filter(|r| (*r - today).num_days() <= RELEASE_SOON_DAYS)
    };
    let mut order: Vec<usize> = (0..waiting.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&waiting[a], &waiting[b]);
        let release = match (soon(x), soon(y)) {
            (Some(p), Some(q)) => p.cmp(&q),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        release
            .then(y.needs_met.cmp(&x.needs_met))
            .then(x.referred_on.cmp(&y.referred_on))
            .then(x.referral_id.cmp(&y.referral_id))
    });
    order
        .into_iter()
        .map(|i| {
            let w = &waiting[i];
            let mut why = Vec::new();
            if let Some(r) = soon(w) {
                let days = (r - today).num_days();
                why.push(if days < 0 {
                    format!("release date {r} has passed")
                } else {
                    format!("releases in {days} days")
                });
            }
            why.push(match w.needs_met {
                0 => "no matching need".to_string(),
                1 => "1 matching need".to_string(),
                n => format!("{n} matching needs"),
            });
            why.push(format!(
                "waiting {} days",
                (today - w.referred_on).num_days().max(0)
            ));
            (i, why.join(", "))
        })
        .collect()
}

/// One person who holds a place, as an edit of the programme is checked against them: how they are named in a
/// refusal, their facts, and the group as it stands without them.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub label: String,
    pub who: Candidate,
    pub group: Group,
}

/// What an edit from `old` to `new` would break for the people already holding places, each naming them: a
/// capacity below the group, or a rule that held for a member before and would not after (a time clash with
/// their other programmes, a unit without access, eligibility, release before the new end). A refusal that
/// already stood before the edit (a supervisor's override) is not the edit's doing and is not repeated.
///
/// Each comes with the programme form's field the edit should change, where one plainly does: the capacity for
/// the group's size, the weekly slots for a time clash.
pub fn edit_breaks(
    old: &Programme,
    new: &Programme,
    members: &[Member],
    today: NaiveDate,
    may_see_vep: bool,
) -> Vec<(Option<&'static str>, String)> {
    let mut out = Vec::new();
    let held = members.len() as u32;
    if new.capacity < held {
        out.push((Some("capacity"), format!(
            "capacity: {held} people hold a place ({}); withdraw {} first or keep {held} or more",
            members
                .iter()
                .map(|m| m.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            held - new.capacity
        )));
    }
    for m in members {
        let before = check_allocation(old, &m.who, &m.group, today);
        let after = check_allocation(new, &m.who, &m.group, today);
        for r in after.refusals {
            // The group's own size is checked above, for the whole group at once.
            if r.check == Check::Capacity || before.refusals.iter().any(|b| b.reason == r.reason) {
                continue;
            }
            let field = (r.check == Check::Clash).then_some("slots");
            out.push((field, format!("{}: {}", m.label, r.shown(may_see_vep))));
        }
    }
    out
}
