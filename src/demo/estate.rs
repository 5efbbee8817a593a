//! The demo estate: facilities of each kind, units by use, and cells sized so the population sits at the
//! country's occupancy. Pure: produces domain values and placement tables; the caller writes them.

use super::people::{Class, ClassCounts};
use super::profile::{Common, Profile, SizeSpec};
use super::{DemoError, Weighted, pick};
use crate::domain::estate::{
    AgeGroup, Cell, Facility, FacilityKind, LegalStatus, SecurityLevel, Sex, Unit, UnitSex, UnitUse,
};
use crate::domain::text::fold;
use rand::Rng;
use std::collections::BTreeMap;

/// Mixed facilities (men and women in wholly separate units) as a share of all facilities: an assumption.
const MIXED_SHARE: f64 = 0.08;
/// A unit open to any legal status draws fewer placements than one kept for that status.
const ANY_UNIT_PULL: f64 = 0.25;
/// Cells taken out of use, with a reason.
const OUT_OF_USE_PERCENT: f64 = 1.0;

pub(crate) struct PlannedFacility {
    pub facility: Facility,
    pub region: usize,
    pub town: String,
    /// Relative size: a few large central prisons, many small ones.
    pub weight: f64,
}

pub(crate) struct PlannedUnit {
    pub facility: usize,
    pub unit: Unit,
}

pub(crate) struct PlannedCell {
    pub unit: usize,
    pub cell: Cell,
}

/// The estate to create, with the tables that say where each kind of prisoner may be placed.
pub(crate) struct EstatePlan {
    pub facilities: Vec<PlannedFacility>,
    pub units: Vec<PlannedUnit>,
    pub cells: Vec<PlannedCell>,
    /// For each class of prisoner: the units that take it and how strongly each draws.
    class_units: BTreeMap<Class, (Vec<usize>, Weighted)>,
    /// For each unit: its cells in use, drawn by certified capacity.
    unit_cells: Vec<(Vec<usize>, Option<Weighted>)>,
}

impl EstatePlan {
    /// Picks a unit and a cell in use for a prisoner of `class`; `None` if no unit takes the class.
    /// `held` counts who is already in each planned cell: a cell at its absolute maximum passes the person to
    /// the next cell of the unit with room (a drawing office sends no one into a full cell while the unit has
    /// space), so the only cells over their maximum are in units that are full everywhere. The next cell is
    /// found without a random draw, so the rest of the population is drawn exactly as before.
    pub fn place(
        &self,
        class: Class,
        held: &mut [u32],
        rng: &mut impl Rng,
    ) -> Option<(usize, usize)> {
        let (units, weights) = self.class_units.get(&class)?;
        let unit = units[weights.sample(rng)];
        let (cells, weights) = &self.unit_cells[unit];
        let drawn = weights.as_ref()?.sample(rng);
        let room = |c: usize| held.get(c).copied().unwrap_or(0) < self.cells[c].cell.maximum;
        let cell = (0..cells.len())
            .map(|k| cells[(drawn + k) % cells.len()])
            .find(|&c| room(c))
            .unwrap_or(cells[drawn]);
        if let Some(n) = held.get_mut(cell) {
            *n += 1;
        }
        Some((unit, cell))
    }
}

fn unit_takes(unit: &Unit, class: Class) -> bool {
    let sex = match class.sex {
        Sex::Male => UnitSex::Male,
        Sex::Female => UnitSex::Female,
    };
    let status = match class.status {
        LegalStatus::Remand => UnitUse::Remand,
        LegalStatus::Convicted => UnitUse::Convicted,
        LegalStatus::Civil => UnitUse::Civil,
        LegalStatus::Immigration => UnitUse::Immigration,
    };
    unit.sex == sex
        && unit.age_group == class.age
        && (unit.legal_use == status || unit.legal_use == UnitUse::Any)
}

pub(crate) fn plan(
    profile: &Profile,
    common: &Common,
    size: SizeSpec,
    counts: &ClassCounts,
    rng: &mut impl Rng,
) -> Result<EstatePlan, DemoError> {
    let facilities = plan_facilities(profile, size, rng);
    let units = plan_units(common, &facilities, counts);

    // Spread each class over the units that take it, in proportion to facility size, and note how many each
    // unit should expect; certified capacity then follows from the country's occupancy.
    let mut expected = vec![0.0f64; units.len()];
    let mut class_units = BTreeMap::new();
    for &(class, n) in counts.all() {
        if n == 0 {
            continue;
        }
        let candidates: Vec<usize> = (0..units.len())
            .filter(|&u| unit_takes(&units[u].unit, class))
            .collect();
        let pulls: Vec<f64> = candidates
            .iter()
            .map(|&u| {
                let pull = if units[u].unit.legal_use == UnitUse::Any {
                    ANY_UNIT_PULL
                } else {
                    1.0
                };
                facilities[units[u].facility].weight * pull
            })
            .collect();
        let weights = Weighted::new(&pulls).ok_or_else(|| {
            DemoError::Profile(format!(
                "no unit takes {} {} prisoners on {}",
                class.sex, class.age, class.status
            ))
        })?;
        let total: f64 = pulls.iter().sum();
        for (&u, pull) in candidates.iter().zip(&pulls) {
            expected[u] += f64::from(n) * pull / total;
        }
        class_units.insert(class, (candidates, weights));
    }
    let certified: Vec<u32> = expected
        .iter()
        .map(|e| ((e * 100.0 / profile.occupancy_percent).round() as u32).max(1))
        .collect();
    let total_certified: f64 = certified.iter().map(|&c| f64::from(c)).sum();
    let per_cell = (total_certified / f64::from(size.cells.max(1))).max(1.0);

    let mut cells = Vec::new();
    let mut unit_cells = Vec::with_capacity(units.len());
    for (u, planned) in units.iter().enumerate() {
        let first = cells.len();
        for (i, cert) in split_capacity(certified[u], per_cell, rng)
            .into_iter()
            .enumerate()
        {
            let operational =
                ((f64::from(cert) * profile.operational_factor).ceil() as u32).clamp(cert, 500);
            let maximum =
                ((f64::from(cert) * profile.maximum_factor).ceil() as u32).clamp(operational, 500);
            cells.push(PlannedCell {
                unit: u,
                cell: Cell {
                    id: 0,
                    unit_id: 0,
                    code: format!("{}-{:03}", planned.unit.code, i + 1),
                    certified: cert,
                    operational,
                    maximum,
                    out_of_use: None,
                },
            });
        }
        // Never close a unit's only cell, so every unit can still take people.
        if cells.len() - first > 1 {
            for c in &mut cells[first..] {
                if rng.random_bool(OUT_OF_USE_PERCENT / 100.0) {
                    c.cell.out_of_use = Some(pick(rng, &common.out_of_use).clone());
                }
            }
            if cells[first..].iter().all(|c| c.cell.out_of_use.is_some()) {
                cells[first].cell.out_of_use = None;
            }
        }
        let in_use: Vec<usize> = (first..cells.len())
            .filter(|&c| cells[c].cell.out_of_use.is_none())
            .collect();
        let caps: Vec<f64> = in_use
            .iter()
            .map(|&c| f64::from(cells[c].cell.certified))
            .collect();
        unit_cells.push((in_use, Weighted::new(&caps)));
    }
    Ok(EstatePlan {
        facilities,
        units,
        cells,
        class_units,
        unit_cells,
    })
}

/// Cuts a unit's certified capacity into cells of about `per_cell` places, with some variety in size.
fn split_capacity(certified: u32, per_cell: f64, rng: &mut impl Rng) -> Vec<u32> {
    let n = ((f64::from(certified) / per_cell).round() as u32).clamp(1, certified.max(1));
    let base = certified / n;
    let extra = certified % n;
    let mut sizes: Vec<u32> = (0..n).map(|i| base + u32::from(i < extra)).collect();
    // Move a little capacity between neighbours: some rooms are bigger than others.
    for i in 1..sizes.len() {
        if sizes[i - 1] > 1 && rng.random_bool(0.3) {
            let moved = rng
                .random_range(1..=sizes[i - 1].div_ceil(3).max(1))
                .min(sizes[i - 1] - 1);
            sizes[i - 1] -= moved;
            sizes[i] += moved;
        }
    }
    sizes
}

fn plan_facilities(profile: &Profile, size: SizeSpec, rng: &mut impl Rng) -> Vec<PlannedFacility> {
    let n = size.facilities.max(4) as usize;
    let share = |x: f64| ((n as f64 * x).round() as usize).max(1);
    let women = share(f64::from(profile.female) / f64::from(profile.prisoners));
    let juvenile = share(profile.young_percent / 100.0);
    let mixed = share(MIXED_SHARE);
    let men = n.saturating_sub(women + juvenile + mixed).max(1);
    let mut kinds: Vec<FacilityKind> = std::iter::repeat_n(FacilityKind::Men, men - 1)
        .chain(std::iter::repeat_n(FacilityKind::Women, women))
        .chain(std::iter::repeat_n(FacilityKind::Juvenile, juvenile))
        .chain(std::iter::repeat_n(FacilityKind::Mixed, mixed))
        .collect();
    shuffle(&mut kinds, rng);
    // The first is the country's large central men's prison.
    kinds.insert(0, FacilityKind::Men);

    let region_weights: Vec<f64> = profile
        .regions
        .iter()
        .map(|r| f64::from(r.weight))
        .collect();
    let regions = Weighted::new(&region_weights);
    let sec = &profile.security;
    let security_weights = Weighted::new(&[
        f64::from(sec.minimum),
        f64::from(sec.medium),
        f64::from(sec.close),
        f64::from(sec.maximum),
    ]);
    let mut code_counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut name_counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut facilities = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.into_iter().enumerate() {
        let region = regions.as_ref().map_or(0, |w| w.sample(rng));
        let town = pick(rng, &profile.regions[region].districts).clone();
        let templates = match kind {
            FacilityKind::Men => &profile.facility_names.men,
            FacilityKind::Women => &profile.facility_names.women,
            FacilityKind::Juvenile => &profile.facility_names.juvenile,
            FacilityKind::Mixed => &profile.facility_names.mixed,
        };
        // The first, the large central prison, takes the first (main) name.
        let template = if i == 0 {
            &templates[0]
        } else {
            pick(rng, templates)
        };
        let in_town = name_counts
            .entry(format!("{town}\u{0}{template}"))
            .or_insert(0);
        *in_town += 1;
        let mut name = profile
            .place(template, &town)
            .replace("{n}", &in_town.to_string());
        if !template.contains("{n}") && *in_town > 1 {
            name.push_str(&format!(" No. {in_town}"));
        }
        let prefix: String = fold(&town)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(3)
            .collect::<String>()
            .to_ascii_uppercase();
        let seq = code_counts.entry(prefix.clone()).or_insert(0);
        *seq += 1;
        let security = match kind {
            _ if i == 0 => SecurityLevel::Maximum,
            FacilityKind::Men => match security_weights.as_ref().map_or(1, |w| w.sample(rng)) {
                0 => SecurityLevel::Minimum,
                1 => SecurityLevel::Medium,
                2 => SecurityLevel::Close,
                _ => SecurityLevel::Maximum,
            },
            // Bangkok Rules 40-41: women and children are rarely held at high security.
            FacilityKind::Women | FacilityKind::Juvenile => {
                if rng.random_bool(0.5) {
                    SecurityLevel::Minimum
                } else {
                    SecurityLevel::Medium
                }
            }
            FacilityKind::Mixed => SecurityLevel::Medium,
        };
        let mut weight = 0.4 + 1.6 * rng.random::<f64>();
        if rng.random_bool(0.08) {
            weight *= 3.0;
        }
        if i == 0 {
            weight = weight.max(1.0) * 4.0;
        }
        facilities.push(PlannedFacility {
            facility: Facility {
                id: 0,
                code: format!("{prefix}{seq:02}"),
                name,
                region: profile.regions[region].name.clone(),
                kind,
                security,
            },
            region,
            town,
            weight,
        });
    }
    facilities
}

fn plan_units(
    common: &Common,
    facilities: &[PlannedFacility],
    counts: &ClassCounts,
) -> Vec<PlannedUnit> {
    let names = &common.units;
    let has = |sex, age, status| counts.get(Class { sex, age, status }) > 0;
    let mut units = Vec::new();
    let mut men_seen = 0;
    for (f, planned) in facilities.iter().enumerate() {
        let security = planned.facility.security;
        let mut add = |code: &str, name: &str, sex, age, legal_use, security| {
            units.push(PlannedUnit {
                facility: f,
                unit: Unit {
                    id: 0,
                    facility_id: 0,
                    code: code.into(),
                    name: name.into(),
                    sex,
                    age_group: age,
                    legal_use,
                    security,
                },
            });
        };
        use AgeGroup::{Adult, Young};
        use UnitSex::{Female, Male};
        match planned.facility.kind {
            FacilityKind::Men => {
                add("A", &names.remand, Male, Adult, UnitUse::Remand, security);
                add(
                    "B",
                    &names.convicted,
                    Male,
                    Adult,
                    UnitUse::Convicted,
                    security,
                );
                if planned.weight > 2.0 {
                    let second = format!("{} 2", names.convicted);
                    add("C", &second, Male, Adult, UnitUse::Convicted, security);
                }
                if men_seen % 4 == 0 && has(Sex::Male, Adult, LegalStatus::Civil) {
                    add(
                        "D",
                        &names.civil,
                        Male,
                        Adult,
                        UnitUse::Civil,
                        SecurityLevel::Minimum,
                    );
                }
                if men_seen % 6 == 0 && has(Sex::Male, Adult, LegalStatus::Immigration) {
                    let s = SecurityLevel::Minimum;
                    add(
                        "E",
                        &names.immigration,
                        Male,
                        Adult,
                        UnitUse::Immigration,
                        s,
                    );
                }
                if men_seen % 5 == 1 {
                    let s = security.min(SecurityLevel::Medium);
                    add("Y", &names.young, Male, Young, UnitUse::Any, s);
                }
                men_seen += 1;
            }
            FacilityKind::Women => {
                add("A", &names.remand, Female, Adult, UnitUse::Remand, security);
                add(
                    "B",
                    &names.convicted,
                    Female,
                    Adult,
                    UnitUse::Convicted,
                    security,
                );
                let s = SecurityLevel::Minimum;
                add("M", &names.mother_baby, Female, Adult, UnitUse::Any, s);
            }
            FacilityKind::Juvenile => {
                add("A", &names.remand, Male, Young, UnitUse::Remand, security);
                add(
                    "B",
                    &names.convicted,
                    Male,
                    Young,
                    UnitUse::Convicted,
                    security,
                );
                add("G", &names.female, Female, Young, UnitUse::Any, security);
            }
            FacilityKind::Mixed => {
                add("A", &names.remand, Male, Adult, UnitUse::Remand, security);
                add(
                    "B",
                    &names.convicted,
                    Male,
                    Adult,
                    UnitUse::Convicted,
                    security,
                );
                add("F", &names.female, Female, Adult, UnitUse::Any, security);
            }
        }
    }
    units
}

/// Fisher-Yates with our own generator, so the order depends only on the seed.
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut impl Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}
