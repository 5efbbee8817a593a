//! Country profiles for the demo: the figures, places and name parts in `profiles.toml`, parsed and checked.

use super::{Country, DemoError, Size};
use crate::domain::prisoner::NumberPattern;
use serde::Deserialize;
use std::collections::BTreeMap;

const PROFILES: &str = include_str!("profiles.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profiles {
    pub sizes: Sizes,
    pub common: Common,
    pub uganda: Profile,
    pub kazakhstan: Profile,
    pub tunisia: Profile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sizes {
    pub small: SizeSpec,
    pub national: SizeSpec,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SizeSpec {
    pub facilities: u32,
    pub prisoners: u32,
    pub cells: u32,
    pub screened_per_facility: u32,
    pub classified_per_facility: u32,
    pub classified_open_per_facility: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Common {
    pub out_of_use: Vec<String>,
    pub kin_male: Vec<String>,
    pub kin_female: Vec<String>,
    pub husband: String,
    pub wife: String,
    pub carers_of_mothers: Vec<String>,
    pub carers_of_fathers: Vec<String>,
    pub injuries: Vec<String>,
    pub property: Vec<String>,
    pub units: UnitNames,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitNames {
    pub remand: String,
    pub convicted: String,
    pub civil: String,
    pub immigration: String,
    pub young: String,
    pub female: String,
    pub mother_baby: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    pub name: String,
    pub nationality: String,
    pub prisons: u32,
    pub prisoners: u32,
    pub female: u32,
    pub vep: u32,
    pub occupancy_percent: f64,
    pub remand_percent: f64,
    pub young_percent: f64,
    pub civil_percent: f64,
    pub immigration_percent: f64,
    pub foreign_percent: f64,
    pub year_only_birth_percent: f64,
    pub operational_factor: f64,
    pub maximum_factor: f64,
    pub number_pattern: String,
    pub id_document: String,
    pub phone: String,
    pub currency: String,
    pub money: [u32; 2],
    pub languages: Vec<String>,
    pub foreign_nationalities: Vec<String>,
    pub courts: Vec<String>,
    pub warrant: String,
    /// How "de {town}" is written before a vowel, where the language elides (French: "d'{town}").
    #[serde(default)]
    pub elision: Option<(String, String)>,
    pub security: SecurityWeights,
    pub facility_names: FacilityNames,
    pub regions: Vec<Region>,
    #[serde(default)]
    pub names: NameGroup,
    pub name_groups: BTreeMap<String, NameGroup>,
    #[serde(default)]
    pub patronymic: Option<Patronymic>,
    pub offences: Vec<Offence>,
    pub rosters: Rosters,
}

/// A country's programmes: the catalogue templates, who runs them, holidays, and the shape of needs-screen answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rosters {
    /// (month-day "MM-DD", name): sessions on these days are cancelled.
    pub holidays: Vec<(String, String)>,
    /// Reasons a whole facility stopped movement for a day.
    pub lockdowns: Vec<String>,
    /// Invented civil-society organisations by what they run; a template's `provider` names a key.
    pub providers: BTreeMap<String, Vec<String>>,
    pub needs: NeedShares,
    pub programme: Vec<ProgrammeTemplate>,
}

/// How answers to the needs screen fall: `[f64; N]` are weights over the question's choices in the form's order,
/// single numbers the chance of "yes".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NeedShares {
    /// none, primary, secondary, higher
    pub schooling: [f64; 4],
    /// Chance of not reading or writing, by schooling level.
    pub cannot_read: [f64; 4],
    pub worked_before: f64,
    /// yes, maybe, no
    pub vocational: [f64; 3],
    pub substance_use: f64,
    /// alcohol, cannabis, opioids, stimulants, other
    pub substances: [f64; 5],
    /// little, some, severe
    pub substance_effect: [f64; 3],
    pub mental_health: f64,
    pub self_harm_history: f64,
    pub self_harm_thoughts: f64,
    pub recent_loss: f64,
    /// regular, occasional, none
    pub family: [f64; 3],
    /// Chance of having children under 18.
    pub children: f64,
    /// secure, temporary, none, unknown
    pub housing: [f64; 4],
    pub id_documents: f64,
    /// yes, maybe, no
    pub faith: [f64; 3],
    pub counselling: [f64; 3],
}

/// One programme a facility may run; each facility draws its own provider, slots, dates and capacity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgrammeTemplate {
    pub code: String,
    pub name: String,
    pub category: String,
    pub provider: String,
    pub room: String,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default)]
    pub legal: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub sex: Option<String>,
    pub chance: f64,
    pub sessions: [u8; 2],
    #[serde(default)]
    pub days: Vec<u8>,
    pub minutes: u32,
    pub capacity: [u32; 2],
    pub weeks: [u32; 2],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecurityWeights {
    pub minimum: u32,
    pub medium: u32,
    pub close: u32,
    pub maximum: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FacilityNames {
    pub men: Vec<String>,
    pub women: Vec<String>,
    pub juvenile: Vec<String>,
    pub mixed: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Region {
    pub name: String,
    pub weight: u32,
    pub districts: Vec<String>,
    pub languages: Vec<String>,
    /// Keys into `name_groups`; a key listed twice is drawn twice as often.
    pub names: Vec<String>,
}

/// One part of a name: as written on the person's documents, with a Latin transliteration when that is another script.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum NamePart {
    Plain(String),
    Transliterated(String, String),
}

impl NamePart {
    pub fn native(&self) -> &str {
        match self {
            NamePart::Plain(s) | NamePart::Transliterated(s, _) => s,
        }
    }

    pub fn latin(&self) -> Option<&str> {
        match self {
            NamePart::Plain(_) => None,
            NamePart::Transliterated(_, l) => Some(l),
        }
    }
}

/// Name parts for one people or language; an empty list falls back to the country's shared list.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NameGroup {
    /// Family names used by either sex.
    #[serde(default)]
    pub family: Vec<NamePart>,
    #[serde(default)]
    pub family_male: Vec<NamePart>,
    #[serde(default)]
    pub family_female: Vec<NamePart>,
    #[serde(default)]
    pub given_male: Vec<NamePart>,
    #[serde(default)]
    pub given_female: Vec<NamePart>,
    /// Languages of this people, where they differ from the region's.
    #[serde(default)]
    pub languages: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Patronymic {
    pub male: (String, String),
    pub female: (String, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OffenceKind {
    #[default]
    Criminal,
    Vep,
    Civil,
    Immigration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Offence {
    pub text: String,
    pub months: [u32; 2],
    pub weight: u32,
    #[serde(default)]
    pub kind: OffenceKind,
}

impl Profiles {
    /// Parses and checks the embedded profiles. They ship inside the binary, so an error here is a build mistake,
    /// which the tests catch; it is still reported rather than panicking.
    pub fn load() -> Result<Profiles, DemoError> {
        let profiles: Profiles = toml::from_str(PROFILES)
            .map_err(|e| DemoError::Profile(format!("profiles.toml: {e}")))?;
        let c = &profiles.common;
        for (name, list) in [
            ("out_of_use", &c.out_of_use),
            ("kin_male", &c.kin_male),
            ("kin_female", &c.kin_female),
            ("carers_of_mothers", &c.carers_of_mothers),
            ("carers_of_fathers", &c.carers_of_fathers),
            ("injuries", &c.injuries),
            ("property", &c.property),
        ] {
            if list.is_empty() {
                return Err(DemoError::Profile(format!(
                    "profiles.toml [common]: {name} is empty"
                )));
            }
        }
        for country in Country::ALL {
            profiles
                .country(country)
                .check()
                .map_err(|e| DemoError::Profile(format!("profiles.toml [{country}]: {e}")))?;
        }
        Ok(profiles)
    }

    pub fn country(&self, country: Country) -> &Profile {
        match country {
            Country::Uganda => &self.uganda,
            Country::Kazakhstan => &self.kazakhstan,
            Country::Tunisia => &self.tunisia,
        }
    }

    pub fn size(&self, size: Size) -> SizeSpec {
        match size {
            Size::Small => self.sizes.small,
            Size::National => self.sizes.national,
        }
    }
}

impl Profile {
    /// Puts a town's name into a template such as "{town} Main Prison" or "Prison civile de {town}".
    pub fn place(&self, template: &str, town: &str) -> String {
        if let Some((plain, elided)) = &self.elision
            && town
                .chars()
                .next()
                .is_some_and(|c| "AEIOUÉÈaeiouéè".contains(c))
        {
            return template
                .replace(plain.as_str(), elided)
                .replace("{town}", town);
        }
        template.replace("{town}", town)
    }

    fn check(&self) -> Result<(), String> {
        NumberPattern::parse(&self.number_pattern)?;
        if self.female > self.prisoners || self.vep > self.prisoners || self.prisoners == 0 {
            return Err("female and vep must not exceed prisoners".into());
        }
        let shares = self.remand_percent + self.civil_percent + self.immigration_percent;
        if !(0.0..=100.0).contains(&shares) || self.young_percent > 50.0 {
            return Err("remand, civil and immigration shares must add up to at most 100%".into());
        }
        if self.occupancy_percent <= 0.0 || self.operational_factor < 1.0 {
            return Err("occupancy must be positive and operational_factor at least 1".into());
        }
        if self.maximum_factor < self.operational_factor {
            return Err("maximum_factor must be at least operational_factor".into());
        }
        let names = &self.facility_names;
        if self.regions.is_empty()
            || self.courts.is_empty()
            || self.foreign_nationalities.is_empty()
            || self.languages.is_empty()
            || [&names.men, &names.women, &names.juvenile, &names.mixed]
                .iter()
                .any(|l| l.is_empty())
        {
            return Err(
                "regions, courts, languages, foreign_nationalities and facility_names must not be empty".into(),
            );
        }
        for region in &self.regions {
            if region.districts.is_empty() || region.names.is_empty() || region.languages.is_empty()
            {
                return Err(format!(
                    "region {}: districts, names and languages",
                    region.name
                ));
            }
            for key in &region.names {
                let group = self
                    .name_groups
                    .get(key)
                    .ok_or_else(|| format!("region {}: no name group '{key}'", region.name))?;
                for male in [true, false] {
                    if self.family_names(group, male).is_empty()
                        || self.given_names(group, male).is_empty()
                    {
                        return Err(format!(
                            "name group {key}: needs family and given names of each sex"
                        ));
                    }
                }
            }
        }
        for kind in [OffenceKind::Criminal, OffenceKind::Vep] {
            if !self.offences.iter().any(|o| o.kind == kind) {
                return Err(format!("needs at least one {kind:?} offence"));
            }
        }
        if self.civil_percent > 0.0 && !self.offences.iter().any(|o| o.kind == OffenceKind::Civil) {
            return Err("civil_percent is set but there is no civil offence".into());
        }
        if self.immigration_percent > 0.0
            && !self
                .offences
                .iter()
                .any(|o| o.kind == OffenceKind::Immigration)
        {
            return Err("immigration_percent is set but there is no immigration offence".into());
        }
        if self
            .offences
            .iter()
            .any(|o| o.months[0] == 0 || o.months[0] > o.months[1] || o.weight == 0)
        {
            return Err(
                "offence months must be [min, max] with 1 <= min <= max, weight at least 1".into(),
            );
        }
        self.check_rosters()
    }

    fn check_rosters(&self) -> Result<(), String> {
        use crate::domain::estate::{FacilityKind, LegalStatus};
        use crate::domain::roster::Category;
        let r = &self.rosters;
        if r.lockdowns.is_empty() || r.programme.is_empty() {
            return Err("rosters: lockdowns and programme must not be empty".into());
        }
        for (day, _) in &r.holidays {
            if chrono::NaiveDate::parse_from_str(&format!("2024-{day}"), "%Y-%m-%d").is_err() {
                return Err(format!("rosters: holiday '{day}' is not MM-DD"));
            }
        }
        for t in &r.programme {
            let bad = |what: &str| Err(format!("rosters programme {}: {what}", t.code));
            if Category::parse(&t.category).is_none() {
                return bad("unknown category");
            }
            if t.provider != "staff" && r.providers.get(&t.provider).is_none_or(|l| l.is_empty()) {
                return bad("provider is neither \"staff\" nor a key of providers with names");
            }
            if t.legal.iter().any(|l| LegalStatus::parse(l).is_none())
                || t.kinds.iter().any(|k| FacilityKind::parse(k).is_none())
                || t.sex.as_deref().is_some_and(|s| s != "female")
            {
                return bad("legal, kinds or sex holds an unknown word");
            }
            if !(0.0..=1.0).contains(&t.chance)
                || t.sessions[0] == 0
                || t.sessions[0] > t.sessions[1]
                || t.capacity[0] == 0
                || t.capacity[0] > t.capacity[1]
                || t.weeks[0] == 0
                || t.weeks[0] > t.weeks[1]
                || !(30..=300).contains(&t.minutes)
                || t.days.iter().any(|d| !(1..=7).contains(d))
            {
                return bad(
                    "chance 0-1, [min, max] ranges with min >= 1, minutes 30-300, days 1-7",
                );
            }
            let days = if t.days.is_empty() { 5 } else { t.days.len() };
            if usize::from(t.sessions[1]) > days {
                return bad("more weekly sessions than days it may meet");
            }
        }
        Ok(())
    }

    /// Family names for one sex: the group's own, else the country's shared ones.
    pub fn family_names<'a>(&'a self, group: &'a NameGroup, male: bool) -> Vec<&'a NamePart> {
        let pick = |g: &'a NameGroup| -> Vec<&'a NamePart> {
            let by_sex = if male {
                &g.family_male
            } else {
                &g.family_female
            };
            g.family.iter().chain(by_sex.iter()).collect()
        };
        let own = pick(group);
        if own.is_empty() {
            pick(&self.names)
        } else {
            own
        }
    }

    pub fn given_names<'a>(&'a self, group: &'a NameGroup, male: bool) -> &'a [NamePart] {
        let own = if male {
            &group.given_male
        } else {
            &group.given_female
        };
        if own.is_empty() {
            if male {
                &self.names.given_male
            } else {
                &self.names.given_female
            }
        } else {
            own
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_profiles_parse_and_pass_their_checks() {
        let p = Profiles::load().unwrap();
        assert_eq!(p.uganda.prisoners, 70119);
        assert_eq!(p.kazakhstan.vep, 685);
        assert_eq!(p.tunisia.prisons, 32);
        assert_eq!(p.sizes.national.prisoners, 100_000);
        let kaz = &p.kazakhstan.name_groups["kazakh"];
        assert_eq!(kaz.given_male[0].native(), "Нурлан");
        assert_eq!(kaz.given_male[0].latin(), Some("Nurlan"));
        assert!(p.uganda.name_groups["luo"].family_male[0].latin().is_none());
    }

    #[test]
    fn patronymic_fathers_end_in_a_consonant() {
        let p = Profiles::load().unwrap();
        for group in p.kazakhstan.name_groups.values() {
            for name in &group.given_male {
                let last = name.native().chars().last().unwrap();
                assert!(!"аеёиоуыэюяйь".contains(last), "{}", name.native());
            }
        }
    }
}
