//! Whether a facility may lawfully hold a person at all (Mandela Rule 11): it must have a unit for their sex, age
//! group and legal status. A transfer to a facility without one is refused naming the rule; the transfer list
//! says why a facility is not offered; admissions are told when a child arrives where no young unit is.

use super::{HardRule, unit_status};
use crate::domain::estate::{AgeGroup, Facility, FacilityKind, LegalStatus, Sex, Unit, UnitSex};
use crate::domain::prisoner::Prisoner;
use chrono::NaiveDate;

/// What Rule 11 looks at in a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who {
    pub sex: Sex,
    pub age: AgeGroup,
    pub status: LegalStatus,
}

impl Who {
    pub fn of(p: &Prisoner, today: NaiveDate) -> Who {
        Who {
            sex: p.sex,
            age: p.age_group(today),
            status: p.legal_status,
        }
    }
}

/// Why a facility may not hold someone: the Rule 11 separation none of its units satisfies, or no units at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlawful {
    /// The facility's code, as the transfer field takes it.
    pub facility: String,
    pub who: Who,
    /// None when the facility has no units.
    pub rule: Option<HardRule>,
}

impl Unlawful {
    /// The rule's paragraph, as the messages cite it ("Rule 11d").
    pub fn rule_name(&self) -> &'static str {
        match self.rule {
            Some(HardRule::Sex) => "Rule 11a",
            Some(HardRule::UntriedConvicted) => "Rule 11b",
            Some(HardRule::CivilCriminal) => "Rule 11c",
            _ if self.rule.is_none() => "Rule 11",
            _ => "Rule 11d",
        }
    }

    /// The short reason shown under the transfer list ("no young unit, Rule 11d").
    pub fn short(&self) -> String {
        crate::i18n::t_args(
            "rule11-short",
            &[
                ("rule", self.rule_key().into()),
                ("name", self.rule_name().into()),
            ],
        )
    }

    fn rule_key(&self) -> &'static str {
        match self.rule {
            None => "none",
            Some(HardRule::Sex) => "sex",
            Some(HardRule::YoungAdult) => "age",
            Some(_) => "status",
        }
    }
}

impl std::fmt::Display for Unlawful {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = crate::i18n::t_args(
            "rule11-who",
            &[
                ("sex", self.who.sex.as_str().into()),
                ("age", self.who.age.as_str().into()),
                ("status", self.who.status.as_str().into()),
            ],
        );
        f.write_str(&crate::i18n::t_args(
            "rule11-unlawful",
            &[
                ("facility", self.facility.clone().into()),
                ("who", who.into()),
                ("rule", self.rule_key().into()),
                ("name", self.rule_name().into()),
            ],
        ))
    }
}

impl std::error::Error for Unlawful {}

fn sex_rule(kind: FacilityKind, sex: Sex) -> bool {
    matches!(
        (kind, sex),
        (FacilityKind::Men, Sex::Female) | (FacilityKind::Women, Sex::Male)
    )
}

/// The first Rule 11 separation that keeps this person out of `unit` of a facility of `kind`, in the order sex,
/// age, legal status; None when the unit may hold them.
pub fn unit_breach(who: &Who, kind: FacilityKind, unit: &Unit) -> Option<HardRule> {
    let unit_sex = match who.sex {
        Sex::Male => UnitSex::Male,
        Sex::Female => UnitSex::Female,
    };
    if sex_rule(kind, who.sex) || unit.sex != unit_sex {
        return Some(HardRule::Sex);
    }
    if (kind == FacilityKind::Juvenile && who.age == AgeGroup::Adult) || unit.age_group != who.age {
        return Some(HardRule::YoungAdult);
    }
    unit_status(unit.legal_use).and_then(|s| super::status_clash(who.status, s))
}

/// Whether `facility` has a unit that may lawfully hold `who`. `units` may hold other facilities' units too;
/// only this facility's count. When none fits, the rule named is the one that stops the unit that came
/// closest (a men's prison with adult units refuses a boy under Rule 11d, not 11a).
pub fn lawful_destination(who: &Who, facility: &Facility, units: &[Unit]) -> Result<(), Unlawful> {
    let refuse = |rule| Unlawful {
        facility: facility.code.clone(),
        who: *who,
        rule,
    };
    if sex_rule(facility.kind, who.sex) {
        return Err(refuse(Some(HardRule::Sex)));
    }
    if facility.kind == FacilityKind::Juvenile && who.age == AgeGroup::Adult {
        return Err(refuse(Some(HardRule::YoungAdult)));
    }
    let rank = |rule: HardRule| match rule {
        HardRule::Sex => 0,
        HardRule::YoungAdult => 1,
        _ => 2,
    };
    let mut closest: Option<HardRule> = None;
    for unit in units.iter().filter(|u| u.facility_id == facility.id) {
        match unit_breach(who, facility.kind, unit) {
            None => return Ok(()),
            Some(rule) => {
                if closest.is_none_or(|c| rank(rule) > rank(c)) {
                    closest = Some(rule);
                }
            }
        }
    }
    Err(refuse(closest))
}

/// Whether a young person admitted to `facility` would have a young unit there (any legal status): a child
/// admitted where there is none is still recorded, with an alert to supervisors.
pub fn has_young_unit(who: &Who, facility: &Facility, units: &[Unit]) -> bool {
    let young = Who {
        age: AgeGroup::Young,
        ..*who
    };
    units
        .iter()
        .filter(|u| u.facility_id == facility.id)
        .any(|u| {
            unit_breach(&young, facility.kind, u)
                .is_none_or(|r| r != HardRule::Sex && r != HardRule::YoungAdult)
        })
}

/// Twelve unless the setting says otherwise: the minimum age of criminal responsibility the UN Committee on the
/// Rights of the Child asks states to set at least (General Comment No. 24, 2019, paragraph 22).
pub const DEFAULT_MIN_AGE: i32 = 12;

/// Reads the setting's value; anything that is not a whole number from 0 to 25 falls back to the default.
pub fn min_age(setting: Option<&str>) -> i32 {
    setting
        .and_then(|s| s.trim().parse::<i32>().ok())
        .filter(|a| (0..=25).contains(a))
        .unwrap_or(DEFAULT_MIN_AGE)
}

/// What supervisors are alerted to about where a person in custody is held (issue 17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertKind {
    /// Younger than the minimum age in custody: a child who may be wrongly held.
    BelowMinAge,
    /// Under 18 in a facility that has no unit for young prisoners of their sex.
    NoYoungUnit,
    /// Without a cell where no unit may lawfully hold them, or in a unit that breaks Rule 11.
    NoLawfulPlace,
    /// Turned 18 in a young unit: a supervisor decides whether they stay (in their best interests) or move.
    TurnedAdult,
    /// In a cell a supervisor placed them in against a rule, past the day it was to be looked at again.
    TemporaryDue,
}

impl AlertKind {
    pub fn key(self) -> &'static str {
        match self {
            AlertKind::BelowMinAge => "alert-below-min-age",
            AlertKind::NoYoungUnit => "alert-no-young-unit",
            AlertKind::NoLawfulPlace => "alert-no-lawful-place",
            AlertKind::TurnedAdult => "alert-turned-adult",
            AlertKind::TemporaryDue => "alert-temporary-due",
        }
    }
}

/// Where a person is, as the alerts look at it.
pub struct Held<'a> {
    pub who: Who,
    /// Age in whole years today.
    pub age: i32,
    pub facility: &'a Facility,
    /// The unit of their cell; None without a cell.
    pub unit: Option<&'a Unit>,
}

/// The alerts a person in custody raises, most serious first; empty when they are held lawfully.
pub fn alerts(h: &Held, units: &[Unit], min_age: i32) -> Vec<AlertKind> {
    let mut out = Vec::new();
    if h.age < min_age {
        out.push(AlertKind::BelowMinAge);
    }
    let young = h.who.age == AgeGroup::Young;
    if young && !has_young_unit(&h.who, h.facility, units) {
        out.push(AlertKind::NoYoungUnit);
    }
    match h.unit {
        Some(u) => match unit_breach(&h.who, h.facility.kind, u) {
            None => {}
            Some(HardRule::YoungAdult) if !young && u.age_group == AgeGroup::Young => {
                out.push(AlertKind::TurnedAdult)
            }
            Some(_) => out.push(AlertKind::NoLawfulPlace),
        },
        None => {
            if !out.contains(&AlertKind::NoYoungUnit)
                && lawful_destination(&h.who, h.facility, units).is_err()
            {
                out.push(AlertKind::NoLawfulPlace);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::estate::{SecurityLevel, UnitUse};

    fn facility(id: i64, code: &str, kind: FacilityKind) -> Facility {
        Facility {
            id,
            code: code.into(),
            name: code.into(),
            region: "Central".into(),
            kind,
            security: SecurityLevel::Maximum,
        }
    }

    fn unit(facility_id: i64, sex: UnitSex, age: AgeGroup, legal_use: UnitUse) -> Unit {
        Unit {
            id: 0,
            facility_id,
            code: "A".into(),
            name: "A".into(),
            sex,
            age_group: age,
            legal_use,
            security: SecurityLevel::Maximum,
        }
    }

    const BOY: Who = Who {
        sex: Sex::Male,
        age: AgeGroup::Young,
        status: LegalStatus::Remand,
    };

    #[test]
    fn a_boy_on_remand_is_refused_by_a_mens_prison_with_adult_units_only_under_rule_11d() {
        let luz = facility(1, "LUZ", FacilityKind::Men);
        let units = [
            unit(1, UnitSex::Male, AgeGroup::Adult, UnitUse::Remand),
            unit(1, UnitSex::Male, AgeGroup::Adult, UnitUse::Convicted),
        ];
        let e = lawful_destination(&BOY, &luz, &units).unwrap_err();
        assert_eq!(e.rule, Some(HardRule::YoungAdult));
        let said = e.to_string();
        assert!(said.contains("LUZ") && said.contains("Rule 11d"), "{said}");
        assert!(said.contains("young"), "{said}");
        // A young remand unit there makes it lawful; another facility's does not.
        let mut more = units.to_vec();
        more.push(unit(2, UnitSex::Male, AgeGroup::Young, UnitUse::Remand));
        assert!(lawful_destination(&BOY, &luz, &more).is_err());
        more.push(unit(1, UnitSex::Male, AgeGroup::Young, UnitUse::Any));
        assert_eq!(lawful_destination(&BOY, &luz, &more), Ok(()));
    }

    #[test]
    fn each_separation_is_named_by_its_own_paragraph() {
        let kir = facility(2, "KIR", FacilityKind::Mixed);
        let women = [unit(2, UnitSex::Female, AgeGroup::Young, UnitUse::Remand)];
        let e = lawful_destination(&BOY, &kir, &women).unwrap_err();
        assert_eq!((e.rule, e.rule_name()), (Some(HardRule::Sex), "Rule 11a"));
        let convicted = [unit(2, UnitSex::Male, AgeGroup::Young, UnitUse::Convicted)];
        let e = lawful_destination(&BOY, &kir, &convicted).unwrap_err();
        assert_eq!(e.rule_name(), "Rule 11b");
        let civil = Who {
            status: LegalStatus::Civil,
            ..BOY
        };
        let e = lawful_destination(&civil, &kir, &convicted).unwrap_err();
        assert_eq!(e.rule_name(), "Rule 11c");
        let e = lawful_destination(&BOY, &kir, &[]).unwrap_err();
        assert_eq!((e.rule, e.rule_name()), (None, "Rule 11"));
        assert!(e.to_string().contains("no units"), "{e}");
        // The facility's own kind comes first: a women's prison refuses a man whatever its units.
        let wom = facility(3, "WOM", FacilityKind::Women);
        let e = lawful_destination(
            &BOY,
            &wom,
            &[unit(3, UnitSex::Male, AgeGroup::Young, UnitUse::Any)],
        )
        .unwrap_err();
        assert_eq!(e.rule, Some(HardRule::Sex));
        let man = Who {
            age: AgeGroup::Adult,
            ..BOY
        };
        let juv = facility(4, "JUV", FacilityKind::Juvenile);
        let e = lawful_destination(
            &man,
            &juv,
            &[unit(4, UnitSex::Male, AgeGroup::Adult, UnitUse::Any)],
        )
        .unwrap_err();
        assert_eq!(e.rule, Some(HardRule::YoungAdult));
    }

    #[test]
    fn alerts_name_each_way_of_being_held_without_a_lawful_place() {
        let luz = facility(1, "LUZ", FacilityKind::Men);
        let adult = unit(1, UnitSex::Male, AgeGroup::Adult, UnitUse::Remand);
        let young = unit(1, UnitSex::Male, AgeGroup::Young, UnitUse::Remand);
        let held = |who, age, unit| Held {
            who,
            age,
            facility: &luz,
            unit,
        };
        let only_adult = [adult.clone()];
        // A boy of 11 where there is no young unit, waiting for a cell.
        let got = alerts(&held(BOY, 11, None), &only_adult, DEFAULT_MIN_AGE);
        assert_eq!(got, [AlertKind::BelowMinAge, AlertKind::NoYoungUnit]);
        // A boy of 16 waiting where a young unit exists: nothing to alert.
        let both = [adult.clone(), young.clone()];
        assert!(alerts(&held(BOY, 16, None), &both, 12).is_empty());
        // A convicted man waiting where only remand units are: held without a lawful place.
        let man = Who {
            age: AgeGroup::Adult,
            status: LegalStatus::Convicted,
            ..BOY
        };
        assert_eq!(
            alerts(&held(man, 30, None), &both, 12),
            [AlertKind::NoLawfulPlace]
        );
        // A man of 18 still in the young unit: a review, not a breach to hide.
        let turned = Who {
            age: AgeGroup::Adult,
            ..BOY
        };
        assert_eq!(
            alerts(&held(turned, 18, Some(&young)), &both, 12),
            [AlertKind::TurnedAdult]
        );
        // A child in an adult unit (data from before the rule): no lawful place.
        assert_eq!(
            alerts(&held(BOY, 16, Some(&adult)), &both, 12),
            [AlertKind::NoLawfulPlace]
        );
        assert_eq!(min_age(Some(" 14 ")), 14);
        assert_eq!(min_age(Some("twelve")), DEFAULT_MIN_AGE);
        assert_eq!(min_age(None), DEFAULT_MIN_AGE);
    }

    #[test]
    fn a_young_unit_of_any_status_counts_for_an_admission() {
        let luz = facility(1, "LUZ", FacilityKind::Men);
        let adult = [unit(1, UnitSex::Male, AgeGroup::Adult, UnitUse::Any)];
        assert!(!has_young_unit(&BOY, &luz, &adult));
        let young = [unit(1, UnitSex::Male, AgeGroup::Young, UnitUse::Convicted)];
        assert!(has_young_unit(&BOY, &luz, &young));
        let girls = [unit(1, UnitSex::Female, AgeGroup::Young, UnitUse::Any)];
        assert!(!has_young_unit(&BOY, &luz, &girls));
    }
}
