//! A service's allocation policy as data: which hard rules a supervisor may override, the weights of the soft
//! preferences, violent-extremist dispersal per facility, and which region each home district lies in.

use crate::domain::estate::SecurityLevel;
use crate::domain::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The rules no suggestion ever breaks. The words are what a service writes in its policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HardRule {
    /// Rule 11a: men and women wholly apart.
    Sex,
    /// Rule 11b: untried apart from convicted.
    UntriedConvicted,
    /// Rule 11c: civil (and immigration) detainees apart from criminal prisoners.
    CivilCriminal,
    /// Rule 11d: young apart from adults.
    YoungAdult,
    /// A unit's security level below the prisoner's custody level.
    CustodyLevel,
    OutOfUse,
    AbsoluteMaximum,
    NonAssociation,
}

impl HardRule {
    pub const ALL: [HardRule; 8] = [
        HardRule::Sex,
        HardRule::UntriedConvicted,
        HardRule::CivilCriminal,
        HardRule::YoungAdult,
        HardRule::CustodyLevel,
        HardRule::OutOfUse,
        HardRule::AbsoluteMaximum,
        HardRule::NonAssociation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HardRule::Sex => "sex",
            HardRule::UntriedConvicted => "untried-convicted",
            HardRule::CivilCriminal => "civil-criminal",
            HardRule::YoungAdult => "young-adult",
            HardRule::CustodyLevel => "custody-level",
            HardRule::OutOfUse => "out-of-use",
            HardRule::AbsoluteMaximum => "absolute-maximum",
            HardRule::NonAssociation => "non-association",
        }
    }

    pub fn parse(s: &str) -> Option<HardRule> {
        let s = s.trim().to_lowercase();
        HardRule::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for HardRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Points each soft preference adds or takes away. Whole numbers, so an officer can follow the sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Held in the region of the home district (Rule 59).
    pub home_region: i64,
    /// Taken off for a cell in another facility than the one the person is in: that is a transfer.
    pub transfer: i64,
    /// Taken off per 100% of certified capacity the cell would be at after the move.
    pub occupancy: i64,
    /// Taken off once when the move puts the cell above its operational capacity.
    pub over_operational: i64,
    /// Taken off per security level the unit is above the person's custody level (least restrictive placement).
    pub security_gap: i64,
    /// Taken off for each violent-extremist cap the move would exceed (or added in a concentration unit).
    pub vep_cap: i64,
    /// Taken off when a vulnerable person would share with someone violent or a violent extremist.
    pub sharing_risk: i64,
    /// Added when the person shares a language with every cellmate; taken off when with none.
    pub shared_language: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            home_region: 30,
            transfer: 25,
            occupancy: 40,
            over_operational: 60,
            security_gap: 15,
            vep_cap: 50,
            sharing_risk: 80,
            shared_language: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VepMode {
    /// Spread violent extremist prisoners out: at most so many per cell and per unit.
    Disperse,
    /// Hold them together in the units that already hold them; others are kept out of those units.
    Concentrate,
}

/// UNODC guidance leaves dispersal or concentration to each prison; the default disperses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VepPolicy {
    pub mode: VepMode,
    pub max_per_cell: u32,
    pub max_per_unit: u32,
}

impl Default for VepPolicy {
    fn default() -> Self {
        VepPolicy {
            mode: VepMode::Disperse,
            max_per_cell: 1,
            max_per_unit: 4,
        }
    }
}

/// The whole policy. Stored as TOML in the `allocation_rules` setting; anything left out takes the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AllocationRules {
    /// Hard rules a supervisor may override, with a written reason. Rule 11 is never on this list by default.
    pub overridable: Vec<HardRule>,
    /// The custody level assumed until a classification gives one. Medium keeps an unassessed person out of
    /// minimum-security units without confining them to maximum security.
    pub unclassified_custody: SecurityLevel,
    pub weights: Weights,
    /// Dispersal policy for every facility not named below.
    pub vep: VepPolicy,
    /// Dispersal policy by facility code.
    pub vep_by_facility: BTreeMap<String, VepPolicy>,
    /// Home district -> region, as the facility's region is written (Rule 59). Compared ignoring case and accents.
    pub home_regions: BTreeMap<String, String>,
}

impl Default for AllocationRules {
    fn default() -> Self {
        AllocationRules {
            overridable: vec![HardRule::CustodyLevel, HardRule::NonAssociation],
            unclassified_custody: SecurityLevel::Medium,
            weights: Weights::default(),
            vep: VepPolicy::default(),
            vep_by_facility: BTreeMap::new(),
            home_regions: BTreeMap::new(),
        }
    }
}

impl AllocationRules {
    pub fn from_toml(text: &str) -> Result<AllocationRules, String> {
        toml::from_str(text).map_err(|e| format!("allocation rules: {}", e.message()))
    }

    pub fn to_toml(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        toml::to_string(self).unwrap_or_default()
    }

    /// Whether a supervisor may override `rule`. Never Rule 11(d): a child is not placed with adults on anyone's
    /// word, whatever a policy file says (an older file listing it is read, and the entry has no effect).
    pub fn overridable(&self, rule: HardRule) -> bool {
        rule != HardRule::YoungAdult && self.overridable.contains(&rule)
    }

    /// Refuses a policy that lists Rule 11(d) as overridable, before it is stored.
    pub fn check(&self) -> Result<(), String> {
        if self.overridable.contains(&HardRule::YoungAdult) {
            return Err(crate::i18n::t("rules-young-adult-fixed"));
        }
        Ok(())
    }

    pub fn vep_policy(&self, facility_code: &str) -> &VepPolicy {
        self.vep_by_facility.get(facility_code).unwrap_or(&self.vep)
    }

    /// The region of a home district, folded for comparison; None when the district is not in the table.
    pub fn home_region(&self, district: &str) -> Option<&str> {
        let wanted = fold(district.trim());
        if wanted.is_empty() {
            return None;
        }
        self.home_regions
            .iter()
            .find(|(d, _)| fold(d) == wanted)
            .map(|(_, r)| r.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_file_needs_only_what_differs_from_the_defaults() {
        let rules = AllocationRules::from_toml(
            r#"
overridable = ["custody-level", "absolute-maximum"]
unclassified_custody = "close"
[weights]
home_region = 100
[vep_by_facility.LUZ]
mode = "concentrate"
[home_regions]
Gulu = "Northern"
"#,
        )
        .unwrap();
        assert!(rules.overridable(HardRule::AbsoluteMaximum));
        assert!(!rules.overridable(HardRule::Sex));
        assert_eq!(rules.unclassified_custody, SecurityLevel::Close);
        assert_eq!(rules.weights.home_region, 100);
        assert_eq!(rules.weights.transfer, Weights::default().transfer);
        assert_eq!(rules.vep_policy("LUZ").mode, VepMode::Concentrate);
        assert_eq!(rules.vep_policy("LUZ").max_per_cell, 1);
        assert_eq!(rules.vep_policy("KIR").mode, VepMode::Disperse);
        assert_eq!(rules.home_region(" GULU "), Some("Northern"));
        assert_eq!(rules.home_region("Lira"), None);
    }

    #[test]
    fn mistakes_in_the_file_are_named() {
        let e = AllocationRules::from_toml("overridable = [\"sex-change\"]").unwrap_err();
        assert!(e.starts_with("allocation rules:"), "{e}");
        let e = AllocationRules::from_toml("[weights]\nhome = 3").unwrap_err();
        assert!(e.contains("home"), "{e}");
    }

    #[test]
    fn the_defaults_survive_a_round_trip() {
        let rules = AllocationRules::default();
        assert_eq!(AllocationRules::from_toml(&rules.to_toml()).unwrap(), rules);
        for r in HardRule::ALL {
            assert_eq!(HardRule::parse(r.as_str()), Some(r));
        }
    }
}
