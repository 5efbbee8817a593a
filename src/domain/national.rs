//! The national roll-up's rules: which site's record of a person counts when two sites hold the same person
//! (by national person id, the newer record wins), where the sites disagree, and which site files may be read
//! together (one facility never in two of them).

use crate::domain::roster::Participation;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

/// One person in custody at a site, as the roll-up needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePerson {
    pub number: String,
    /// The national person id a person's file carried between stations; None for someone never moved.
    pub national_id: Option<String>,
    pub facility: String,
    pub remand: bool,
    /// Custody level of the newest final classification; None when not classified.
    pub level: Option<String>,
    pub expected_release: Option<NaiveDate>,
    /// The newest thing the site recorded about them (admission, custody event or cell move): "newer" for the
    /// rule that the newer record wins.
    pub latest: NaiveDateTime,
    /// Days past the statutory remand limit, when past it.
    pub remand_over_days: Option<i64>,
    /// Placed today in a cell that breaks a separation of Rule 11.
    pub separation_breach: bool,
    /// In segregation now for longer than the Rule 44 limit.
    pub segregated_past_limit: bool,
    /// Admitted more than N days ago with no final custody assessment, or assessed later than that.
    pub classification_late: bool,
}

/// A facility a site holds, with its certified capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFacility {
    pub code: String,
    pub name: String,
    pub certified: u64,
}

/// Programme figures a site recorded, counted where they were recorded (a place given at one prison stays
/// given there when the person moves on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteProgrammes {
    pub programmes: u64,
    pub held: u64,
    pub completed: u64,
    pub withdrawn: u64,
    pub waiting: u64,
    /// Sessions marked for those who held a place, and of them attended or excused: the attendance share.
    pub attendance: Participation,
}

/// What one site's file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The file it was read from, as named on the command line.
    pub file: String,
    /// The newest audited write in the file: how recent the site's data is.
    pub data_as_of: Option<NaiveDateTime>,
    pub facilities: Vec<SiteFacility>,
    pub people: Vec<SitePerson>,
    pub programmes: SiteProgrammes,
}

impl Site {
    /// The site's name in the roll-up: its facility codes.
    pub fn label(&self) -> String {
        if self.facilities.is_empty() {
            return "-".into();
        }
        self.facilities
            .iter()
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Two site files that both hold one facility: reading both would count its people twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFacility {
    pub code: String,
    pub first: String,
    pub second: String,
}

/// The first facility found in two of the sites (by file name), if any.
pub fn shared_facility(sites: &[Site]) -> Option<SharedFacility> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for site in sites {
        for f in &site.facilities {
            if let Some(first) = seen.insert(&f.code, &site.file) {
                return Some(SharedFacility {
                    code: f.code.clone(),
                    first: first.to_string(),
                    second: site.file.clone(),
                });
            }
        }
    }
    None
}

/// A person in custody at more than one site: where they are counted and what the others say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub national_id: String,
    /// (site index, prison number there) of the record that counts.
    pub counted: (usize, String),
    /// The other sites' records, not counted.
    pub others: Vec<(usize, String)>,
    /// What else the records disagree on besides where the person is ("legal status", "custody level").
    pub differs: Vec<&'static str>,
}

/// The roll-up's decision: for each site, which of its people count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counting {
    /// `counts[site][person]`, in the order of `Site::people`.
    pub counts: Vec<Vec<bool>>,
    pub disagreements: Vec<Disagreement>,
}

impl Counting {
    /// The people of site `i` who count.
    pub fn counted<'a>(
        &'a self,
        sites: &'a [Site],
        i: usize,
    ) -> impl Iterator<Item = &'a SitePerson> {
        sites[i]
            .people
            .iter()
            .zip(&self.counts[i])
            .filter(|(_, c)| **c)
            .map(|(p, _)| p)
    }
}

/// Counts each person once: a national person id in custody at several sites counts at the site whose record
/// of them is newest (the later site's data time breaks a tie, then the later file on the command line);
/// people with no national id were never moved between stations and count where they are.
pub fn count_once(sites: &[Site]) -> Counting {
    let mut counts: Vec<Vec<bool>> = sites.iter().map(|s| vec![true; s.people.len()]).collect();
    let mut held: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (s, site) in sites.iter().enumerate() {
        for (p, person) in site.people.iter().enumerate() {
            if let Some(id) = person.national_id.as_deref() {
                held.entry(id).or_default().push((s, p));
            }
        }
    }
    let mut disagreements = Vec::new();
    for (id, places) in held {
        if places.len() < 2 {
            continue;
        }
        let person = |(s, p): (usize, usize)| &sites[s].people[p];
        let winner = *places
            .iter()
            .max_by_key(|&&(s, p)| (sites[s].people[p].latest, sites[s].data_as_of, s))
            .unwrap_or(&places[0]);
        let first = person(winner);
        let mut differs = Vec::new();
        if places.iter().any(|&at| person(at).remand != first.remand) {
            differs.push("legal status");
        }
        if places.iter().any(|&at| person(at).level != first.level) {
            differs.push("custody level");
        }
        if places
            .iter()
            .any(|&at| person(at).expected_release != first.expected_release)
        {
            differs.push("expected release");
        }
        let mut others = Vec::new();
        for &(s, p) in &places {
            if (s, p) != winner {
                counts[s][p] = false;
                others.push((s, sites[s].people[p].number.clone()));
            }
        }
        disagreements.push(Disagreement {
            national_id: id.to_string(),
            counted: (winner.0, first.number.clone()),
            others,
            differs,
        });
    }
    Counting {
        counts,
        disagreements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default()
    }

    fn person(number: &str, national: Option<&str>, latest: NaiveDateTime) -> SitePerson {
        SitePerson {
            number: number.into(),
            national_id: national.map(str::to_string),
            facility: "X".into(),
            remand: true,
            level: None,
            expected_release: None,
            latest,
            remand_over_days: None,
            separation_breach: false,
            segregated_past_limit: false,
            classification_late: false,
        }
    }

    fn site(file: &str, code: &str, people: Vec<SitePerson>) -> Site {
        Site {
            file: file.into(),
            data_as_of: Some(at(30)),
            facilities: vec![SiteFacility {
                code: code.into(),
                name: code.into(),
                certified: 10,
            }],
            people,
            programmes: SiteProgrammes::default(),
        }
    }

    #[test]
    fn a_person_at_two_sites_counts_once_at_the_newer_record() {
        let mut moved = person("B/1", Some("n1"), at(20));
        moved.remand = false;
        let sites = vec![
            site(
                "a.db",
                "A",
                vec![
                    person("A/1", Some("n1"), at(10)),
                    person("A/2", None, at(1)),
                ],
            ),
            site("b.db", "B", vec![moved, person("B/2", Some("n2"), at(2))]),
        ];
        let c = count_once(&sites);
        assert_eq!(c.counts, vec![vec![false, true], vec![true, true]]);
        assert_eq!(c.disagreements.len(), 1);
        let d = &c.disagreements[0];
        assert_eq!(d.counted, (1, "B/1".to_string()));
        assert_eq!(d.others, vec![(0, "A/1".to_string())]);
        assert_eq!(d.differs, vec!["legal status"]);
        assert_eq!(c.counted(&sites, 0).count(), 1);
    }

    #[test]
    fn people_without_a_national_id_are_never_merged() {
        let sites = vec![
            site("a.db", "A", vec![person("1", None, at(1))]),
            site("b.db", "B", vec![person("1", None, at(1))]),
        ];
        let c = count_once(&sites);
        assert_eq!(c.counts, vec![vec![true], vec![true]]);
        assert!(c.disagreements.is_empty());
    }

    #[test]
    fn one_facility_in_two_files_is_found() {
        let sites = vec![
            site("a.db", "A", vec![]),
            site("b.db", "B", vec![]),
            site("copy-of-a.db", "A", vec![]),
        ];
        assert_eq!(
            shared_facility(&sites),
            Some(SharedFacility {
                code: "A".into(),
                first: "a.db".into(),
                second: "copy-of-a.db".into()
            })
        );
        assert_eq!(shared_facility(&sites[..2]), None);
    }
}
