//! Soft preferences: each adds or takes away points with the service's weights, and says why in one line.

use super::{AllocationRules, Candidates, Mover, Place, VepMode};
use crate::domain::estate::{SecurityLevel, occupancy_percent};
use crate::domain::text::fold;

/// Why a cell scores as it does. Kept as data so the text is built only for the lines on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    EmptyCell,
    /// Occupants after the move, against certified normal capacity.
    Occupancy {
        after: u32,
        certified: u32,
        percent: u64,
    },
    OverOperational {
        after: u32,
        operational: u32,
    },
    HomeRegion {
        region: String,
    },
    AwayFromHome {
        home_region: String,
    },
    Transfer {
        facility: String,
    },
    SecurityAbove {
        unit: SecurityLevel,
        custody: SecurityLevel,
    },
    VepCellCap {
        would_hold: u32,
        cap: u32,
    },
    VepUnitCap {
        would_hold: u32,
        cap: u32,
    },
    /// A unit where violent extremist prisoners are held together, for one of them.
    VepTogether,
    /// A unit where violent extremist prisoners are held together, for someone who is not.
    VepUnitAvoided,
    VulnerableWithViolent,
    ViolentWithVulnerable,
    /// Shares a language with every cellmate; the one named is common to all of them where there is one.
    SharedLanguage {
        language: Option<String>,
    },
    PartlySharedLanguage {
        with: u32,
        of: u32,
    },
    NoSharedLanguage {
        cellmates: u32,
    },
}

impl Reason {
    /// Whether the line would tell a reader who is a violent extremist (Rule 9: only some roles may know).
    pub fn reveals_vep(&self) -> bool {
        matches!(
            self,
            Reason::VepCellCap { .. }
                | Reason::VepUnitCap { .. }
                | Reason::VepTogether
                | Reason::VepUnitAvoided
                | Reason::VulnerableWithViolent
                | Reason::ViolentWithVulnerable
        )
    }

    /// The line as shown; with `may_see_vep` false, lines that would reveal the flag are put in general words.
    pub fn text(&self, may_see_vep: bool) -> String {
        if !may_see_vep && self.reveals_vep() {
            return match self {
                Reason::VulnerableWithViolent | Reason::ViolentWithVulnerable => {
                    "cell-sharing risk with a cellmate".into()
                }
                _ => crate::domain::auth::restricted_handling_note(),
            };
        }
        match self {
            Reason::EmptyCell => "empty cell".into(),
            Reason::Occupancy {
                after,
                certified,
                percent,
            } => format!("{after} in a cell certified for {certified} ({percent}%)"),
            Reason::OverOperational { after, operational } => {
                format!("{after} is over the operational capacity of {operational}")
            }
            Reason::HomeRegion { region } => format!("in the home region, {region} (Rule 59)"),
            Reason::AwayFromHome { home_region } => {
                format!("away from the home region, {home_region} (Rule 59)")
            }
            Reason::Transfer { facility } => format!("a transfer to {facility}"),
            Reason::SecurityAbove { unit, custody } => {
                format!("{unit}-security unit for {custody} custody")
            }
            Reason::VepCellCap { would_hold, cap } => {
                format!("would be violent extremist {would_hold} in the cell (dispersal cap {cap})")
            }
            Reason::VepUnitCap { would_hold, cap } => {
                format!("would be violent extremist {would_hold} in the unit (dispersal cap {cap})")
            }
            Reason::VepTogether => "unit holding violent extremist prisoners together".into(),
            Reason::VepUnitAvoided => {
                "unit reserved for violent extremist prisoners (concentration)".into()
            }
            Reason::VulnerableWithViolent => {
                "vulnerable, and a cellmate is violent or a violent extremist".into()
            }
            Reason::ViolentWithVulnerable => "a cellmate is vulnerable".into(),
            Reason::SharedLanguage { language: Some(l) } => {
                format!("shares {l} with every cellmate")
            }
            Reason::SharedLanguage { language: None } => {
                "shares a language with every cellmate".into()
            }
            Reason::PartlySharedLanguage { with, of } => {
                format!("shares a language with {with} of {of} cellmates")
            }
            Reason::NoSharedLanguage { cellmates: 1 } => {
                "no language in common with the cellmate".into()
            }
            Reason::NoSharedLanguage { cellmates } => {
                format!("no language in common with the {cellmates} cellmates")
            }
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(true))
    }
}

/// One reason and the points it is worth (zero for lines that only inform).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factor {
    pub reason: Reason,
    pub points: i64,
}

impl std::fmt::Display for Factor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.points == 0 {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{:+} {}", self.points, self.reason)
        }
    }
}

/// Violent extremist prisoners per unit, not counting the person moving (they leave their old unit).
pub(super) fn unit_veps(m: &Mover, c: &Candidates) -> Vec<u32> {
    let mut counts = vec![0u32; c.units.len()];
    for cell in &c.cells {
        let n = cell
            .occupants
            .iter()
            .filter(|o| o.vep && o.prisoner_id != m.id)
            .count() as u32;
        if let Some(slot) = counts.get_mut(cell.unit) {
            *slot += n;
        }
    }
    counts
}

pub(super) struct Scoring<'a> {
    pub mover: &'a Mover,
    pub candidates: &'a Candidates,
    pub rules: &'a AllocationRules,
    /// The person's languages as ids in `candidates`; languages nobody in the candidates speaks are left out.
    pub languages: &'a [u16],
    /// Folded.
    pub home_region: Option<&'a str>,
    pub unit_veps: u32,
}

fn level(s: SecurityLevel) -> i64 {
    SecurityLevel::ALL.iter().position(|l| *l == s).unwrap_or(0) as i64
}

impl Scoring<'_> {
    /// The factors for one cell that breaks no hard rule, and its occupancy after the move (for tie-breaking).
    pub fn score(&self, p: &Place) -> (Vec<Factor>, u64) {
        let m = self.mover;
        let w = &self.rules.weights;
        let mut out = Vec::with_capacity(6);
        let mut add = |reason, points| out.push(Factor { reason, points });
        let cellmates: Vec<_> = p.cellmates(m).collect();
        let after = cellmates.len() as u32 + 1;

        let percent = occupancy_percent(after as u64, p.cell.certified as u64).unwrap_or(u64::MAX);
        if cellmates.is_empty() {
            add(
                Reason::EmptyCell,
                -(w.occupancy * percent.min(10_000) as i64 / 100),
            );
        } else {
            add(
                Reason::Occupancy {
                    after,
                    certified: p.cell.certified,
                    percent,
                },
                -(w.occupancy * percent.min(10_000) as i64 / 100),
            );
        }
        if after > p.cell.operational {
            add(
                Reason::OverOperational {
                    after,
                    operational: p.cell.operational,
                },
                -w.over_operational,
            );
        }

        if let Some(home) = self.home_region {
            if fold(&p.facility.region) == home {
                add(
                    Reason::HomeRegion {
                        region: p.facility.region.clone(),
                    },
                    w.home_region,
                );
            } else if let Some(region) = self.rules.home_region(&m.home_district) {
                add(
                    Reason::AwayFromHome {
                        home_region: region.to_string(),
                    },
                    0,
                );
            }
        }

        if m.facility_id.is_some_and(|f| f != p.facility.id) {
            add(
                Reason::Transfer {
                    facility: p.facility.name.clone(),
                },
                -w.transfer,
            );
        }

        let custody = m.custody.unwrap_or(self.rules.unclassified_custody);
        let gap = level(p.unit.security) - level(custody);
        if gap > 0 {
            add(
                Reason::SecurityAbove {
                    unit: p.unit.security,
                    custody,
                },
                -w.security_gap * gap,
            );
        }

        let policy = self.rules.vep_policy(&p.facility.code);
        match policy.mode {
            VepMode::Disperse if m.vep => {
                let in_cell = cellmates.iter().filter(|o| o.vep).count() as u32 + 1;
                if in_cell > policy.max_per_cell {
                    add(
                        Reason::VepCellCap {
                            would_hold: in_cell,
                            cap: policy.max_per_cell,
                        },
                        -w.vep_cap,
                    );
                }
                let in_unit = self.unit_veps + 1;
                if in_unit > policy.max_per_unit {
                    add(
                        Reason::VepUnitCap {
                            would_hold: in_unit,
                            cap: policy.max_per_unit,
                        },
                        -w.vep_cap,
                    );
                }
            }
            VepMode::Concentrate if self.unit_veps > 0 => {
                if m.vep {
                    add(Reason::VepTogether, w.vep_cap);
                } else {
                    add(Reason::VepUnitAvoided, -w.vep_cap);
                }
            }
            _ => {}
        }

        if m.vulnerable && cellmates.iter().any(|o| o.violent) {
            add(Reason::VulnerableWithViolent, -w.sharing_risk);
        }
        if m.violent && cellmates.iter().any(|o| o.vulnerable) {
            add(Reason::ViolentWithVulnerable, -w.sharing_risk);
        }

        if !cellmates.is_empty() && !m.languages.is_empty() {
            let shares = |set: &[u16]| self.languages.iter().any(|l| set.contains(l));
            let with = cellmates
                .iter()
                .filter(|o| shares(self.candidates.set(o.languages)))
                .count() as u32;
            let of = cellmates.len() as u32;
            if with == of {
                let common = self.languages.iter().find(|l| {
                    cellmates
                        .iter()
                        .all(|o| self.candidates.set(o.languages).contains(l))
                });
                let language = common.and_then(|&id| {
                    m.languages
                        .iter()
                        .find(|name| self.candidates.known_language(name) == Some(id))
                        .cloned()
                });
                add(Reason::SharedLanguage { language }, w.shared_language);
            } else if with == 0 {
                add(
                    Reason::NoSharedLanguage { cellmates: of },
                    -w.shared_language,
                );
            } else {
                add(Reason::PartlySharedLanguage { with, of }, 0);
            }
        }
        (out, percent)
    }
}
