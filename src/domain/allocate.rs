//! Where a prisoner may go and where they had best go: the hard rules no suggestion breaks (Mandela Rule 11,
//! custody level, capacity, non-associations), soft preferences scored with a service's weights, the ranked list
//! of cells, and the reasons a particular cell is refused.
//!
//! The inputs are compact summaries (per cell: capacity, and per occupant only what the rules look at), so the
//! store can hand over a whole nation's cells without reading full records.
//!
//! Legal status and units used for `any`: such a unit is not split by status as a whole, but Rule 11 still
//! applies, so each cell in it holds one legal status only. Civil and immigration detainees are both kept apart
//! from criminal prisoners (Rule 11c) and, in a unit declared for one of them, from each other.

pub mod config;
pub mod lawful;
#[cfg(test)]
mod props;
mod score;
#[cfg(test)]
mod tests;

pub use config::{AllocationRules, HardRule, VepMode, VepPolicy, Weights};
pub use score::{Factor, Reason};

use super::estate::{
    AgeGroup, FacilityKind, LegalStatus, SecurityLevel, Sex, UnitSex, UnitUse, word_enum,
};
use super::invalid::FieldError;
use super::non_association::{NaReason, NaScope};
use super::prisoner::Prisoner;
use super::text::fold;
use chrono::NaiveDate;
use std::collections::HashMap;

word_enum!(
    /// Why someone moved cell.
    MoveReason { Admission = "admission", Reclassification = "reclassification", Overcrowding = "overcrowding",
                 NonAssociation = "non-association", Discipline = "discipline", Medical = "medical",
                 Transfer = "transfer", Release = "release" }
);

pub const MAX_MOVE_TEXT_CHARS: usize = 240;

/// A supervisor's placement against a rule (an override) is temporary: it is looked at again within this many
/// days, and again at each review, until the person is in a cell that breaks no rule.
pub const MAX_TEMPORARY_DAYS: i64 = 28;

/// The days ahead a temporary placement's review is offered at first.
pub const DEFAULT_REVIEW_DAYS: i64 = 7;

/// Checks the review date of a temporary placement: required, after `today`, and at most
/// [`MAX_TEMPORARY_DAYS`] ahead (Rule 11 is never overridden, so this is only ever about the rules a service
/// lets a supervisor override).
pub fn check_review_by(
    review_by: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    // The key is the allocation form's; the text names the field as the form labels it.
    let refuse = |why: String| {
        FieldError::new("review", why).labelled(crate::i18n::t("temporary-review-field"))
    };
    let days = || [("days", MAX_TEMPORARY_DAYS.into())];
    let Some(date) = review_by else {
        return Err(refuse(crate::i18n::t_args(
            "temporary-review-required",
            &days(),
        )));
    };
    if date <= today {
        return Err(refuse(crate::i18n::t("temporary-review-past")));
    }
    if (date - today).num_days() > MAX_TEMPORARY_DAYS {
        return Err(refuse(crate::i18n::t_args(
            "temporary-review-too-far",
            &days(),
        )));
    }
    Ok(date)
}

/// Checks a move's comment (optional) and, when a hard rule is overridden, the reason for it (required). The
/// override's reason is the allocation form's "override" field, called "reason for the override" in the text.
pub fn check_move_text(comment: &str, override_reason: Option<&str>) -> Result<(), FieldError> {
    let overriding =
        |why: String| FieldError::new("override", why).labelled("reason for the override");
    super::text::check("comment", comment)?;
    if let Some(why) = override_reason {
        super::text::check("override", why).map_err(|e| overriding(e.message))?;
    }
    let count = comment.chars().count();
    if count > MAX_MOVE_TEXT_CHARS {
        let why = format!("at most {MAX_MOVE_TEXT_CHARS} characters (this has {count})");
        return Err(FieldError::new("comment", why));
    }
    if let Some(why) = override_reason {
        if why.trim().is_empty() {
            return Err(overriding("required".into()));
        }
        let count = why.chars().count();
        if count > MAX_MOVE_TEXT_CHARS {
            return Err(overriding(format!(
                "at most {MAX_MOVE_TEXT_CHARS} characters (this has {count})"
            )));
        }
    }
    Ok(())
}

/// The person being placed, reduced to what the rules look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Mover {
    pub id: i64,
    pub sex: Sex,
    pub status: LegalStatus,
    pub age: AgeGroup,
    /// From classification; None until one exists (then `AllocationRules::unclassified_custody` applies).
    pub custody: Option<SecurityLevel>,
    pub vep: bool,
    /// Violent towards others. Until classification records a violence risk, the violent-extremist flag alone.
    pub violent: bool,
    pub vulnerable: bool,
    pub languages: Vec<String>,
    pub home_district: String,
    pub facility_id: Option<i64>,
    pub cell_id: Option<i64>,
}

impl Mover {
    pub fn new(p: &Prisoner, today: NaiveDate, custody: Option<SecurityLevel>) -> Mover {
        Mover {
            id: p.id,
            sex: p.sex,
            status: p.legal_status,
            age: p.age_group(today),
            custody,
            vep: p.vep,
            violent: p.vep,
            vulnerable: p.vulnerable,
            languages: p.languages.clone(),
            home_district: p.home_district.clone(),
            facility_id: p.facility_id,
            cell_id: p.cell_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacilityInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region: String,
    pub kind: FacilityKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitInfo {
    pub id: i64,
    /// Index into `Candidates::facilities`.
    pub facility: usize,
    pub code: String,
    pub sex: UnitSex,
    pub age_group: AgeGroup,
    pub legal_use: UnitUse,
    pub security: SecurityLevel,
}

/// Someone already in a cell, as the rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupant {
    pub prisoner_id: i64,
    pub sex: Sex,
    pub status: LegalStatus,
    pub age: AgeGroup,
    pub vep: bool,
    pub violent: bool,
    pub vulnerable: bool,
    /// Index of the person's set of languages in `Candidates` (most people share a handful of sets).
    pub languages: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CellInfo {
    pub id: i64,
    /// Index into `Candidates::units`.
    pub unit: usize,
    pub code: String,
    pub certified: u32,
    pub operational: u32,
    pub maximum: u32,
    pub out_of_use: Option<String>,
    pub occupants: Vec<Occupant>,
}

/// Cells to choose from with their units and facilities. Each unit's cells are all present, so unit totals
/// (violent extremists per unit) can be counted from them.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub facilities: Vec<FacilityInfo>,
    pub units: Vec<UnitInfo>,
    pub cells: Vec<CellInfo>,
    /// Folded language names; sets refer to them by index.
    languages: Vec<String>,
    language_sets: Vec<Vec<u16>>,
    set_index: HashMap<Vec<u16>, u32>,
}

impl Candidates {
    /// The index of a set of languages, adding it if new. Names are compared ignoring case and accents.
    pub fn language_set<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) -> u32 {
        let mut ids: Vec<u16> = names
            .into_iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| self.language_id(n))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if let Some(&i) = self.set_index.get(&ids) {
            return i;
        }
        let i = self.language_sets.len() as u32;
        self.language_sets.push(ids.clone());
        self.set_index.insert(ids, i);
        i
    }

    fn language_id(&mut self, name: &str) -> u16 {
        let folded = fold(name.trim());
        match self.languages.iter().position(|l| *l == folded) {
            Some(i) => i as u16,
            None => {
                // More than 65,535 distinct languages cannot occur; the last id is reused rather than panic.
                let i = self.languages.len().min(u16::MAX as usize) as u16;
                if (i as usize) == self.languages.len() {
                    self.languages.push(folded);
                }
                i
            }
        }
    }

    fn set(&self, index: u32) -> &[u16] {
        self.language_sets
            .get(index as usize)
            .map_or(&[][..], Vec::as_slice)
    }

    fn known_language(&self, name: &str) -> Option<u16> {
        let folded = fold(name.trim());
        self.languages
            .iter()
            .position(|l| *l == folded)
            .map(|i| i as u16)
    }

    pub fn place(&self, cell: usize) -> Option<Place<'_>> {
        let cell = self.cells.get(cell)?;
        let unit = self.units.get(cell.unit)?;
        let facility = self.facilities.get(unit.facility)?;
        Some(Place {
            facility,
            unit,
            cell,
        })
    }
}

/// One cell with its unit and facility.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub facility: &'a FacilityInfo,
    pub unit: &'a UnitInfo,
    pub cell: &'a CellInfo,
}

impl Place<'_> {
    /// The people who would share the cell: everyone in it except the person moving.
    pub fn cellmates<'m>(&'m self, mover: &'m Mover) -> impl Iterator<Item = &'m Occupant> + 'm {
        self.cell
            .occupants
            .iter()
            .filter(move |o| o.prisoner_id != mover.id)
    }
}

/// An active non-association of the person being placed, with where the other person is now.
#[derive(Debug, Clone, PartialEq)]
pub struct KeepApart {
    pub other_id: i64,
    /// Number and name, as the reason shows them.
    pub other: String,
    pub scope: NaScope,
    pub reason: NaReason,
    pub facility_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub cell_id: Option<i64>,
}

impl KeepApart {
    /// Whether placing someone in `place` would bring them within this non-association's scope.
    pub fn within(&self, place: &Place) -> bool {
        match self.scope {
            NaScope::Cell => self.cell_id == Some(place.cell.id),
            NaScope::Unit => self.unit_id == Some(place.unit.id),
            NaScope::Facility => self.facility_id == Some(place.facility.id),
        }
    }
}

pub struct Context<'a> {
    pub rules: &'a AllocationRules,
    pub keep_apart: &'a [KeepApart],
}

/// A hard rule a cell breaks for this person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub rule: HardRule,
    /// A supervisor may override it, with a reason (the service's policy says so).
    pub overridable: bool,
    pub reason: String,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// A cell that breaks no hard rule, with its score and the reasons for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Index into `Candidates::cells`.
    pub cell: usize,
    pub cell_id: i64,
    pub score: i64,
    pub reasons: Vec<Factor>,
}

fn men_or_women(sex: UnitSex) -> &'static str {
    match sex {
        UnitSex::Male => "men",
        UnitSex::Female => "women",
    }
}

fn person_of(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "a man",
        Sex::Female => "a woman",
    }
}

fn unit_sex(sex: Sex) -> UnitSex {
    match sex {
        Sex::Male => UnitSex::Male,
        Sex::Female => UnitSex::Female,
    }
}

/// Rule 11a: the facility, the unit and everyone in the cell must be of the person's sex.
pub fn sex_separation(m: &Mover, p: &Place) -> Option<String> {
    match (p.facility.kind, m.sex) {
        (FacilityKind::Men, Sex::Female) => {
            return Some(format!("{} holds men only (Rule 11a)", p.facility.name));
        }
        (FacilityKind::Women, Sex::Male) => {
            return Some(format!("{} holds women only (Rule 11a)", p.facility.name));
        }
        _ => {}
    }
    if p.unit.sex != unit_sex(m.sex) {
        return Some(format!(
            "unit {} is for {} (Rule 11a)",
            p.unit.code,
            men_or_women(p.unit.sex)
        ));
    }
    p.cellmates(m)
        .find(|o| o.sex != m.sex)
        .map(|o| format!("the cell holds {} (Rule 11a)", person_of(o.sex)))
}

fn unit_status(use_: UnitUse) -> Option<LegalStatus> {
    match use_ {
        UnitUse::Remand => Some(LegalStatus::Remand),
        UnitUse::Convicted => Some(LegalStatus::Convicted),
        UnitUse::Civil => Some(LegalStatus::Civil),
        UnitUse::Immigration => Some(LegalStatus::Immigration),
        UnitUse::Any => None,
    }
}

/// Which rule keeps people of these two legal statuses apart, if any.
pub fn status_clash(a: LegalStatus, b: LegalStatus) -> Option<HardRule> {
    let criminal = |s| matches!(s, LegalStatus::Remand | LegalStatus::Convicted);
    if a == b {
        None
    } else if criminal(a) && criminal(b) {
        Some(HardRule::UntriedConvicted)
    } else {
        Some(HardRule::CivilCriminal)
    }
}

fn status_rule(m: &Mover, p: &Place, rule: HardRule) -> Option<String> {
    let note = match rule {
        HardRule::UntriedConvicted => "untried and convicted are kept apart (Rule 11b)",
        _ => "civil, immigration and criminal are kept apart (Rule 11c)",
    };
    if let Some(s) = unit_status(p.unit.legal_use)
        && status_clash(m.status, s) == Some(rule)
    {
        return Some(format!(
            "unit {} is for {} prisoners; {note}",
            p.unit.code, s
        ));
    }
    p.cellmates(m)
        .find(|o| status_clash(m.status, o.status) == Some(rule))
        .map(|o| format!("the cell holds a {} prisoner; {note}", o.status))
}

/// Rule 11b: untried (remand) prisoners apart from convicted ones, by unit and, in units for any status, by cell.
pub fn untried_convicted(m: &Mover, p: &Place) -> Option<String> {
    status_rule(m, p, HardRule::UntriedConvicted)
}

/// Rule 11c: civil and immigration detainees apart from criminal prisoners, by unit and by cell.
pub fn civil_criminal(m: &Mover, p: &Place) -> Option<String> {
    status_rule(m, p, HardRule::CivilCriminal)
}

fn age_words(age: AgeGroup) -> &'static str {
    match age {
        AgeGroup::Young => "young prisoners",
        AgeGroup::Adult => "adults",
    }
}

/// Rule 11d: young prisoners apart from adults, by facility, unit and cell.
pub fn young_adult(m: &Mover, p: &Place) -> Option<String> {
    if p.facility.kind == FacilityKind::Juvenile && m.age == AgeGroup::Adult {
        return Some(format!(
            "{} holds young prisoners only (Rule 11d)",
            p.facility.name
        ));
    }
    if p.unit.age_group != m.age {
        return Some(format!(
            "unit {} is for {} (Rule 11d)",
            p.unit.code,
            age_words(p.unit.age_group)
        ));
    }
    p.cellmates(m).find(|o| o.age != m.age).map(|o| {
        let who = match o.age {
            AgeGroup::Young => "a young prisoner",
            AgeGroup::Adult => "an adult",
        };
        format!("the cell holds {who} (Rule 11d)")
    })
}

/// The unit's security must be at least the person's custody level.
pub fn custody_level(m: &Mover, p: &Place, rules: &AllocationRules) -> Option<String> {
    let custody = m.custody.unwrap_or(rules.unclassified_custody);
    (p.unit.security < custody).then(|| {
        let level = match m.custody {
            Some(c) => format!("custody level {c}"),
            None => format!("not yet classified, taken as {custody}"),
        };
        format!(
            "unit {} is {}-security; {level}",
            p.unit.code, p.unit.security
        )
    })
}

pub fn out_of_use(p: &Place) -> Option<String> {
    p.cell
        .out_of_use
        .as_ref()
        .map(|why| format!("cell {} is out of use: {why}", p.cell.code))
}

/// The absolute maximum is never reached by a move, however full the prison.
pub fn absolute_maximum(m: &Mover, p: &Place) -> Option<String> {
    let held = p.cellmates(m).count() as u32;
    (held >= p.cell.maximum).then(|| {
        format!(
            "cell {} is full: {held} held, absolute maximum {}",
            p.cell.code, p.cell.maximum
        )
    })
}

fn scope_words(scope: NaScope) -> &'static str {
    match scope {
        NaScope::Cell => "cell",
        NaScope::Unit => "unit",
        NaScope::Facility => "facility",
    }
}

/// An active non-association whose other party is within its scope of this cell.
pub fn non_association(p: &Place, keep_apart: &[KeepApart]) -> Option<String> {
    let hits: Vec<String> = keep_apart
        .iter()
        .filter(|k| k.within(p))
        .map(|k| {
            format!(
                "{} is in the same {} ({})",
                k.other,
                scope_words(k.scope),
                k.reason
            )
        })
        .collect();
    (!hits.is_empty()).then(|| format!("kept apart: {}", hits.join("; ")))
}

fn check(rule: HardRule, m: &Mover, p: &Place, ctx: &Context) -> Option<String> {
    match rule {
        HardRule::Sex => sex_separation(m, p),
        HardRule::UntriedConvicted => untried_convicted(m, p),
        HardRule::CivilCriminal => civil_criminal(m, p),
        HardRule::YoungAdult => young_adult(m, p),
        HardRule::CustodyLevel => custody_level(m, p, ctx.rules),
        HardRule::OutOfUse => out_of_use(p),
        HardRule::AbsoluteMaximum => absolute_maximum(m, p),
        HardRule::NonAssociation => non_association(p, ctx.keep_apart),
    }
}

/// Every hard rule cell `cell` breaks for `m`, in the order of `HardRule::ALL`; empty when it breaks none.
pub fn explain_refusal(m: &Mover, c: &Candidates, cell: usize, ctx: &Context) -> Vec<Breach> {
    let Some(p) = c.place(cell) else {
        return vec![Breach {
            rule: HardRule::OutOfUse,
            overridable: false,
            reason: "no such cell".into(),
        }];
    };
    HardRule::ALL
        .into_iter()
        .filter_map(|rule| {
            check(rule, m, &p, ctx).map(|reason| Breach {
                rule,
                overridable: ctx.rules.overridable(rule),
                reason,
            })
        })
        .collect()
}

/// Whether a breach list may be overridden by a supervisor: every breach must be one the service allows.
pub fn overridable(breaches: &[Breach]) -> bool {
    breaches.iter().all(|b| b.overridable)
}

/// Cells that break no hard rule, best first (highest score, then the emptier cell, then the lower id). The
/// person's own cell is left out.
pub fn rank(m: &Mover, c: &Candidates, ctx: &Context) -> Vec<Suggestion> {
    let unit_veps = score::unit_veps(m, c);
    let languages: Vec<u16> = m
        .languages
        .iter()
        .filter_map(|l| c.known_language(l))
        .collect();
    let home_region = ctx.rules.home_region(&m.home_district).map(fold);
    let mut out: Vec<(Suggestion, u64)> = Vec::new();
    for (i, cell) in c.cells.iter().enumerate() {
        if m.cell_id == Some(cell.id) {
            continue;
        }
        let Some(p) = c.place(i) else { continue };
        if HardRule::ALL
            .into_iter()
            .any(|rule| check(rule, m, &p, ctx).is_some())
        {
            continue;
        }
        let s = score::Scoring {
            mover: m,
            candidates: c,
            rules: ctx.rules,
            languages: &languages,
            home_region: home_region.as_deref(),
            unit_veps: unit_veps[cell.unit],
        };
        let (factors, percent) = s.score(&p);
        out.push((
            Suggestion {
                cell: i,
                cell_id: cell.id,
                score: factors.iter().map(|f| f.points).sum(),
                reasons: factors,
            },
            percent,
        ));
    }
    out.sort_by(|(a, pa), (b, pb)| {
        b.score
            .cmp(&a.score)
            .then(pa.cmp(pb))
            .then(a.cell_id.cmp(&b.cell_id))
    });
    out.into_iter().map(|(s, _)| s).collect()
}
