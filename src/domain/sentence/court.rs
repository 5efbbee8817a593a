//! Remand and court (issue 17 item 6): the statutory remand limits per offence class (a station setting, with
//! country presets whose sources are in docs/SENTENCES.md), how far a case on remand is over its limit, and which
//! court a person goes to on a court date, worked out from their cases so the court has one source.

use super::{Case, OffenceClass};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Days on remand after which a person is due bail (or release) for an offence of each criminal class; None
/// where the country sets no limit or the service has not entered one. Civil and immigration detention and
/// unrecorded classes have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemandLimits {
    pub minor: Option<u32>,
    pub serious: Option<u32>,
    pub grave: Option<u32>,
}

/// The classes a limit may be set for, in the order the setting is written.
const LIMITED: [OffenceClass; 3] = [
    OffenceClass::Minor,
    OffenceClass::Serious,
    OffenceClass::Grave,
];

impl RemandLimits {
    pub const NONE: RemandLimits = RemandLimits {
        minor: None,
        serious: None,
        grave: None,
    };

    /// The shipped default for a country (the demo profiles' names), with its source in docs/SENTENCES.md.
    pub fn preset(country: &str) -> RemandLimits {
        match country {
            // Constitution of Uganda, Article 23(6)(b)-(c) as amended in 2005: 60 days for an offence triable
            // by a subordinate court (as well as the High Court), 180 days for one triable only by the High Court.
            "uganda" => RemandLimits {
                minor: Some(60),
                serious: Some(60),
                grave: Some(180),
            },
            // Kazakhstan and Tunisia: the statutory figures are not certain here; none until a service enters them.
            _ => RemandLimits::NONE,
        }
    }

    pub fn limit(&self, class: OffenceClass) -> Option<u32> {
        match class {
            OffenceClass::Minor => self.minor,
            OffenceClass::Serious => self.serious,
            OffenceClass::Grave => self.grave,
            OffenceClass::Civil | OffenceClass::Immigration | OffenceClass::Unrecorded => None,
        }
    }

    fn slot(&mut self, class: OffenceClass) -> Option<&mut Option<u32>> {
        match class {
            OffenceClass::Minor => Some(&mut self.minor),
            OffenceClass::Serious => Some(&mut self.serious),
            OffenceClass::Grave => Some(&mut self.grave),
            _ => None,
        }
    }

    pub fn is_none(&self) -> bool {
        *self == RemandLimits::NONE
    }

    /// "minor 60, serious 60, grave 180", the classes without a limit left out; "none" when there is none.
    pub fn text(&self) -> String {
        let parts: Vec<String> = LIMITED
            .iter()
            .filter_map(|c| self.limit(*c).map(|d| format!("{c} {d}")))
            .collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }

    /// Reads "none" or "CLASS DAYS" pairs separated by commas or semicolons ("minor 60, grave 180"); a class
    /// left out has no limit.
    pub fn parse(s: &str) -> Result<RemandLimits, String> {
        let s = s.trim().to_lowercase();
        let mut limits = RemandLimits::NONE;
        if s.is_empty() || s == "none" {
            return Ok(limits);
        }
        let bad = |part: &str| {
            format!(
                "remand limits '{part}': use none or pairs such as 'minor 60, serious 60, grave 180'"
            )
        };
        for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            let (class, days) = part
                .split_once(char::is_whitespace)
                .ok_or_else(|| bad(part))?;
            let class = OffenceClass::parse(class).ok_or_else(|| bad(part))?;
            let days: u32 = days.trim().parse().map_err(|_| bad(part))?;
            if !(1..=3650).contains(&days) {
                return Err(bad(part));
            }
            *limits.slot(class).ok_or_else(|| bad(part))? = Some(days);
        }
        Ok(limits)
    }
}

/// A case on remand held past its class's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OverLimit {
    /// Days in custody on the case, from committal to `today`.
    pub days: i64,
    pub limit: u32,
    /// Days past the limit (at least 1).
    pub over: i64,
}

/// How far an unsentenced case is past its remand limit on `today`; None if it is within it, sentenced, or its
/// class has no limit.
pub fn over_limit(case: &Case, limits: &RemandLimits, today: NaiveDate) -> Option<OverLimit> {
    if case.sentence.is_some() {
        return None;
    }
    let limit = limits.limit(case.class)?;
    let days = (today - case.committed).num_days();
    let over = days - i64::from(limit);
    (over > 0).then_some(OverLimit { days, limit, over })
}

/// The court a person is taken to on a court date, and the case it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourtFor {
    pub court: String,
    /// The warrant reference of the case, or None when the court comes from the record (no cases yet).
    pub case: Option<String>,
    /// Other courts the person is remanded by on open cases, for the escorts to check against the warrant.
    pub also: Vec<String>,
}

/// Which court a person goes to on `day`, from their cases (one source for courts; the register's court dates
/// are the one source for days):
/// 1. the case on remand whose warrant runs to that day (the court that remanded them to it);
/// 2. else the case on remand committed last;
/// 3. else (every case sentenced: an appeal or a further hearing) the case committed last;
/// 4. else, with no case recorded, the committing authority on the record.
///
/// Other courts the person is remanded by are named, so the escort can check the warrant.
pub fn court_for(cases: &[Case], record_authority: &str, day: NaiveDate) -> CourtFor {
    let open: Vec<&Case> = cases.iter().filter(|c| c.sentence.is_none()).collect();
    let latest = |cs: &[&Case]| -> Option<usize> {
        (0..cs.len()).max_by_key(|&i| (cs[i].committed, cs[i].id))
    };
    let chosen: Option<&Case> = open
        .iter()
        .find(|c| c.warrant.expires == Some(day))
        .copied()
        .or_else(|| latest(&open).map(|i| open[i]))
        .or_else(|| {
            let all: Vec<&Case> = cases.iter().collect();
            latest(&all).map(|i| all[i])
        });
    let Some(chosen) = chosen else {
        return CourtFor {
            court: record_authority.trim().to_string(),
            case: None,
            also: Vec::new(),
        };
    };
    let mut also: Vec<String> = Vec::new();
    for c in &open {
        let court = c.warrant.court.trim();
        if court != chosen.warrant.court.trim() && !also.iter().any(|a| a == court) {
            also.push(court.to_string());
        }
    }
    CourtFor {
        court: chosen.warrant.court.trim().to_string(),
        case: Some(chosen.warrant.reference.clone()),
        also,
    }
}

/// The first court date on or after `today`.
pub fn next_court_date(dates: &[NaiveDate], today: NaiveDate) -> Option<NaiveDate> {
    dates.iter().copied().filter(|d| *d >= today).min()
}

#[cfg(test)]
mod tests {
    use super::super::{Length, Relation, Sentence, Warrant};
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn case(id: i64, court: &str, committed: &str, expires: Option<&str>, sentenced: bool) -> Case {
        Case {
            id,
            warrant: Warrant {
                reference: format!("CR-{id}"),
                court: court.into(),
                issued: d(committed),
                expires: expires.map(d),
            },
            offence: "Theft".into(),
            class: OffenceClass::Serious,
            committed: d(committed),
            sentence: sentenced.then_some(Sentence {
                length: Length::months(12),
                start: d(committed),
                relation: Relation::Concurrent(None),
            }),
        }
    }

    #[test]
    fn limits_read_and_write_the_setting_and_refuse_bad_text() {
        let ug = RemandLimits::preset("uganda");
        assert_eq!(ug.text(), "minor 60, serious 60, grave 180");
        assert_eq!(RemandLimits::parse(&ug.text()), Ok(ug));
        assert_eq!(RemandLimits::preset("tunisia"), RemandLimits::NONE);
        assert_eq!(RemandLimits::preset("kazakhstan").text(), "none");
        assert_eq!(RemandLimits::parse(" None "), Ok(RemandLimits::NONE));
        let one = RemandLimits::parse("grave 365").unwrap();
        assert_eq!((one.grave, one.serious), (Some(365), None));
        for bad in [
            "grave",
            "grave x",
            "civil 30",
            "treason 30",
            "grave 0",
            "grave -3",
            "60 grave",
        ] {
            assert!(RemandLimits::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_case_is_over_its_limit_from_the_day_after_it() {
        let limits = RemandLimits::preset("uganda");
        let c = case(1, "Chief Magistrate, Gulu", "2026-01-01", None, false);
        // 60 days on 2026-03-02: at the limit, not over it.
        assert_eq!(over_limit(&c, &limits, d("2026-03-02")), None);
        assert_eq!(
            over_limit(&c, &limits, d("2026-03-05")),
            Some(OverLimit {
                days: 63,
                limit: 60,
                over: 3
            })
        );
        let grave = Case {
            class: OffenceClass::Grave,
            ..c.clone()
        };
        assert_eq!(over_limit(&grave, &limits, d("2026-03-05")), None);
        assert_eq!(
            over_limit(&grave, &limits, d("2026-07-01")).unwrap().over,
            1
        );
        // Sentenced, or a class without a limit: never over.
        let sentenced = case(2, "x", "2026-01-01", None, true);
        assert_eq!(over_limit(&sentenced, &limits, d("2027-01-01")), None);
        let civil = Case {
            class: OffenceClass::Civil,
            ..c.clone()
        };
        assert_eq!(over_limit(&civil, &limits, d("2027-01-01")), None);
        assert_eq!(over_limit(&c, &RemandLimits::NONE, d("2027-01-01")), None);
    }

    #[test]
    fn the_court_comes_from_the_warrant_that_runs_to_the_day_then_the_latest_open_case() {
        let cases = [
            case(
                1,
                "High Court, Gulu",
                "2026-01-01",
                Some("2026-12-10"),
                false,
            ),
            case(
                2,
                "Chief Magistrate, Lira",
                "2026-03-01",
                Some("2026-12-17"),
                false,
            ),
            case(3, "High Court, Kampala", "2026-05-01", None, true),
        ];
        let on_10 = court_for(&cases, "ignored", d("2026-12-10"));
        assert_eq!(on_10.court, "High Court, Gulu");
        assert_eq!(on_10.case.as_deref(), Some("CR-1"));
        assert_eq!(on_10.also, ["Chief Magistrate, Lira"]);
        // No warrant runs to the day: the open case committed last.
        let other = court_for(&cases, "ignored", d("2026-12-11"));
        assert_eq!(other.court, "Chief Magistrate, Lira");
        assert_eq!(other.also, ["High Court, Gulu"]);
        // Every case sentenced: the latest case.
        let served = [
            cases[2].clone(),
            case(4, "Court of Appeal", "2025-01-01", None, true),
        ];
        let appeal = court_for(&served, "ignored", d("2026-12-11"));
        assert_eq!(appeal.court, "High Court, Kampala");
        assert!(appeal.also.is_empty());
        // No cases: the record's committing authority.
        let none = court_for(&[], " Magistrate, Mbale ", d("2026-12-11"));
        assert_eq!(
            (none.court.as_str(), none.case),
            ("Magistrate, Mbale", None)
        );
    }

    #[test]
    fn the_next_court_date_is_the_first_from_today() {
        let dates = [d("2026-11-01"), d("2026-12-20"), d("2026-12-07")];
        assert_eq!(
            next_court_date(&dates, d("2026-12-07")),
            Some(d("2026-12-07"))
        );
        assert_eq!(
            next_court_date(&dates, d("2026-12-08")),
            Some(d("2026-12-20"))
        );
        assert_eq!(next_court_date(&dates, d("2026-12-21")), None);
    }
}
