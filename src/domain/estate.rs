//! Facilities, units and cells: what each is used for and how much it may hold.

use super::invalid::FieldError;
use serde::{Deserialize, Serialize};

/// Declares a plain enum whose variants have one lower-case word each, for storage, CSV/TOML and display.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        // Serialised as the same word the database and the files use ("transfer-out", not "transferout").
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&word).ok_or_else(|| {
                    serde::de::Error::custom(format!("'{word}' is not one of: {}", $name::choices()))
                })
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_lowercase();
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }
            /// The accepted words, for error messages.
            pub fn choices() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use word_enum;

word_enum!(
    /// Which population a facility holds; `mixed` means wholly separate units (Mandela Rule 11a).
    FacilityKind { Men = "men", Women = "women", Juvenile = "juvenile", Mixed = "mixed" }
);
word_enum!(
    /// Custody or security level, lowest first.
    SecurityLevel { Minimum = "minimum", Medium = "medium", Close = "close", Maximum = "maximum" }
);
word_enum!(Sex { Male = "male", Female = "female" });
word_enum!(
    /// Who a unit takes by sex.
    UnitSex { Male = "male", Female = "female" }
);
word_enum!(
    /// Young prisoners are kept apart from adults (Rule 11d).
    AgeGroup { Adult = "adult", Young = "young" }
);
word_enum!(
    /// Legal status of a prisoner (Rule 11b, 11c).
    LegalStatus { Remand = "remand", Convicted = "convicted", Civil = "civil", Immigration = "immigration" }
);
word_enum!(
    /// Which legal status a unit is used for; `any` for units that are not split by status.
    UnitUse { Remand = "remand", Convicted = "convicted", Civil = "civil", Immigration = "immigration", Any = "any" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region: String,
    pub kind: FacilityKind,
    pub security: SecurityLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    pub facility_id: i64,
    pub code: String,
    pub name: String,
    pub sex: UnitSex,
    pub age_group: AgeGroup,
    pub legal_use: UnitUse,
    pub security: SecurityLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub id: i64,
    pub unit_id: i64,
    pub code: String,
    /// Certified normal accommodation: what the cell was built to hold decently.
    pub certified: u32,
    /// What the service has decided it may hold in practice.
    pub operational: u32,
    /// Never exceeded, whatever the pressure.
    pub maximum: u32,
    /// Set when the cell is out of use; the text says why.
    pub out_of_use: Option<String>,
}

pub const MAX_CODE_CHARS: usize = 16;
pub const MAX_NAME_CHARS: usize = 80;

fn check_code(field: &'static str, code: &str) -> Result<(), FieldError> {
    let ok = !code.is_empty()
        && code.chars().count() <= MAX_CODE_CHARS
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("1-{MAX_CODE_CHARS} letters, digits, '-', '_', '.' or '/'"),
        ))
    }
}

fn check_name(field: &'static str, name: &str) -> Result<(), FieldError> {
    super::text::check(field, name)?;
    if name.trim().is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new(
            field,
            format!("at most {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(())
}

impl Facility {
    /// The facility as stored: name and region cleaned and in normal form C (see [`super::text::clean_name`]).
    pub fn cleaned(&self) -> Facility {
        Facility {
            name: super::text::clean_name(&self.name),
            region: super::text::clean_name(&self.region),
            ..self.clone()
        }
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        check_code("code", &self.code)?;
        check_name("name", &self.name)?;
        check_name("region", &self.region)
    }

    /// Whether a unit of this sex may exist in this facility (Rule 11a: wholly separate parts). The refusal is
    /// about the unit's sex or age group, and names the unit ("unit B: a men's facility ...").
    pub fn admits_unit(&self, unit: &Unit) -> Result<(), FieldError> {
        let refuse = |field: &'static str, why: &str| {
            Err(FieldError::new(field, why).labelled(format!("unit {}", unit.code)))
        };
        match (self.kind, unit.sex) {
            (FacilityKind::Men, UnitSex::Female) => {
                refuse("sex", "a men's facility cannot hold a female unit")
            }
            (FacilityKind::Women, UnitSex::Male) => {
                refuse("sex", "a women's facility cannot hold a male unit")
            }
            (FacilityKind::Juvenile, _) if unit.age_group == AgeGroup::Adult => {
                refuse("age_group", "a juvenile facility cannot hold an adult unit")
            }
            _ => Ok(()),
        }
    }
}

impl Unit {
    /// The unit as stored: its name cleaned and in normal form C.
    pub fn cleaned(&self) -> Unit {
        Unit {
            name: super::text::clean_name(&self.name),
            ..self.clone()
        }
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        check_code("code", &self.code)?;
        check_name("name", &self.name)
    }
}

impl Cell {
    /// Checks the cell; a refusal names the field by its key and, in its text, as people say it ("absolute
    /// maximum: at most 500").
    pub fn validate(&self) -> Result<(), FieldError> {
        check_code("code", &self.code)?;
        let certified =
            |why: String| FieldError::new("certified", why).labelled("certified capacity");
        let operational =
            |why: String| FieldError::new("operational", why).labelled("operational capacity");
        let maximum = |why: String| FieldError::new("maximum", why).labelled("absolute maximum");
        if self.certified == 0 {
            return Err(certified("must be at least 1".into()));
        }
        if self.operational < self.certified {
            return Err(operational(format!(
                "{} is below the certified capacity {}",
                self.operational, self.certified
            )));
        }
        if self.maximum < self.operational {
            return Err(maximum(format!(
                "{} is below the operational capacity {}",
                self.maximum, self.operational
            )));
        }
        if self.maximum > 500 {
            return Err(maximum("at most 500".into()));
        }
        if let Some(reason) = &self.out_of_use {
            let out_of_use = |e: FieldError| e.labelled("out of use");
            super::text::check("out_of_use", reason).map_err(out_of_use)?;
            if reason.trim().is_empty() {
                return Err(out_of_use(FieldError::new("out_of_use", "give the reason")));
            }
        }
        Ok(())
    }
}

/// Occupancy as a whole percentage of certified capacity, never clipped (Uganda runs above 300%).
pub fn occupancy_percent(occupants: u64, certified: u64) -> Option<u64> {
    (occupants * 100 + certified / 2).checked_div(certified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(c: u32, o: u32, m: u32) -> Cell {
        Cell {
            id: 0,
            unit_id: 0,
            code: "A-01".into(),
            certified: c,
            operational: o,
            maximum: m,
            out_of_use: None,
        }
    }

    #[test]
    fn capacities_must_rise_from_certified_to_maximum() {
        assert!(cell(2, 4, 6).validate().is_ok());
        assert!(
            cell(0, 4, 6)
                .validate()
                .unwrap_err()
                .to_string()
                .starts_with("certified")
        );
        assert!(
            cell(4, 2, 6)
                .validate()
                .unwrap_err()
                .to_string()
                .starts_with("operational")
        );
        assert!(
            cell(2, 4, 3)
                .validate()
                .unwrap_err()
                .to_string()
                .starts_with("absolute maximum")
        );
        let mut c = cell(2, 2, 2);
        c.out_of_use = Some(" ".into());
        assert!(c.validate().is_err());
    }

    #[test]
    fn occupancy_is_not_clipped() {
        assert_eq!(occupancy_percent(320, 100), Some(320));
        assert_eq!(occupancy_percent(1, 3), Some(33));
        assert_eq!(occupancy_percent(5, 0), None);
    }

    #[test]
    fn separation_of_sexes_is_checked_per_unit() {
        let f = Facility {
            id: 1,
            code: "LUZ".into(),
            name: "Luzira".into(),
            region: "Central".into(),
            kind: FacilityKind::Men,
            security: SecurityLevel::Maximum,
        };
        let mut u = Unit {
            id: 1,
            facility_id: 1,
            code: "W1".into(),
            name: "Wing 1".into(),
            sex: UnitSex::Female,
            age_group: AgeGroup::Adult,
            legal_use: UnitUse::Any,
            security: SecurityLevel::Medium,
        };
        assert!(f.admits_unit(&u).is_err());
        u.sex = UnitSex::Male;
        assert!(f.admits_unit(&u).is_ok());
    }

    #[test]
    fn words_serialise_as_stored() {
        use crate::domain::prisoner::EventKind;
        assert_eq!(
            serde_json::to_string(&EventKind::TransferOut).unwrap(),
            "\"transfer-out\""
        );
        let back: EventKind = serde_json::from_str("\"transfer-out\"").unwrap();
        assert_eq!(back, EventKind::TransferOut);
        assert!(serde_json::from_str::<SecurityLevel>("\"supermax\"").is_err());
    }

    #[test]
    fn words_round_trip() {
        for k in FacilityKind::ALL {
            assert_eq!(FacilityKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(LegalStatus::parse(" Remand "), Some(LegalStatus::Remand));
        assert_eq!(SecurityLevel::parse("supermax"), None);
        assert!(SecurityLevel::Minimum < SecurityLevel::Maximum);
    }

    #[test]
    fn codes_reject_spaces_and_control_characters() {
        let mut f = Facility {
            id: 0,
            code: "A B".into(),
            name: "n".into(),
            region: "r".into(),
            kind: FacilityKind::Mixed,
            security: SecurityLevel::Medium,
        };
        assert!(f.validate().unwrap_err().is("code"));
        assert!(f.validate().unwrap_err().to_string().starts_with("code: "));
        f.code = "A\u{1b}".into();
        assert!(f.validate().is_err());
        f.code = "UG-LUZ".into();
        assert!(f.validate().is_ok());
    }
}
