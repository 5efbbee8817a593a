//! Demo prisoners: exact head counts per class from the profile's shares, then one made-up but plausible record each.
//! Pure: returns domain records; the caller admits them through the store like any real admission.

use super::estate::{EstatePlan, shuffle};
use super::profile::{Common, OffenceKind, Profile, SizeSpec};
use super::{Weighted, pick};
use crate::domain::estate::{AgeGroup, LegalStatus, Sex};
use crate::domain::prisoner::{BirthDate, NumberPattern, Prisoner};
use crate::domain::sentence::{Length, ReleaseRules, expected_release};
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// Assumption: about one violent extremist prisoner in twenty is a woman.
const VEP_FEMALE_SHARE: f64 = 0.05;

/// Who may share a unit: sex, age group and legal status (Rule 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Class {
    pub sex: Sex,
    pub age: AgeGroup,
    pub status: LegalStatus,
}

/// Exact head counts, so a demo of a given size always has the same proportions.
pub(crate) struct ClassCounts {
    counts: Vec<(Class, u32)>,
    vep_male: u32,
    vep_female: u32,
}

impl ClassCounts {
    pub fn all(&self) -> &[(Class, u32)] {
        &self.counts
    }

    pub fn get(&self, class: Class) -> u32 {
        self.counts
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(0, |(_, n)| *n)
    }

    #[cfg(test)]
    pub fn vep(&self) -> u32 {
        self.vep_male + self.vep_female
    }
}

fn round(x: f64) -> u32 {
    x.round().max(0.0) as u32
}

pub(crate) fn class_counts(profile: &Profile, size: SizeSpec) -> ClassCounts {
    let total = size.prisoners;
    let p = f64::from(total);
    let female = round(p * f64::from(profile.female) / f64::from(profile.prisoners)).min(total);
    let young = round(p * profile.young_percent / 100.0).min(total);
    let young_f = round(f64::from(young) * f64::from(female) / p.max(1.0)).min(female);
    let young_m = (young - young_f).min(total - female);
    let groups = [
        (Sex::Male, AgeGroup::Adult, total - female - young_m),
        (Sex::Female, AgeGroup::Adult, female - young_f),
        (Sex::Male, AgeGroup::Young, young_m),
        (Sex::Female, AgeGroup::Young, young_f),
    ];
    let mut counts = Vec::new();
    for (sex, age, n) in groups {
        let share = |percent: f64| round(f64::from(n) * percent / 100.0);
        let remand = share(profile.remand_percent).min(n);
        let (civil, immigration) = if age == AgeGroup::Adult {
            let civil = share(profile.civil_percent).min(n - remand);
            (
                civil,
                share(profile.immigration_percent).min(n - remand - civil),
            )
        } else {
            (0, 0)
        };
        let convicted = n - remand - civil - immigration;
        for (status, count) in [
            (LegalStatus::Remand, remand),
            (LegalStatus::Convicted, convicted),
            (LegalStatus::Civil, civil),
            (LegalStatus::Immigration, immigration),
        ] {
            counts.push((Class { sex, age, status }, count));
        }
    }
    let vep = round(p * f64::from(profile.vep) / f64::from(profile.prisoners));
    let vep_female = round(f64::from(vep) * VEP_FEMALE_SHARE);
    let eligible = |sex| {
        [LegalStatus::Remand, LegalStatus::Convicted]
            .iter()
            .map(|&status| {
                counts
                    .iter()
                    .find(|(c, _)| {
                        *c == Class {
                            sex,
                            age: AgeGroup::Adult,
                            status,
                        }
                    })
                    .map_or(0, |(_, n)| *n)
            })
            .sum::<u32>()
    };
    let vep_female = vep_female.min(eligible(Sex::Female));
    let vep_male = (vep - vep_female).min(eligible(Sex::Male));
    ClassCounts {
        counts,
        vep_male,
        vep_female,
    }
}

/// What must be decided for everyone before numbering: numbers follow admission order, as they would in life.
pub(crate) struct Skeleton {
    pub index: u32,
    pub class: Class,
    pub vep: bool,
    pub facility: usize,
    pub cell: usize,
    pub offence: usize,
    pub months: Option<u32>,
    pub admitted: NaiveDateTime,
    pub sentence_start: Option<NaiveDate>,
    pub number: String,
    /// How the sentence stands on the build day (serving, held past release, released).
    pub fate: super::cases::Fate,
}

pub(crate) fn skeletons(
    profile: &Profile,
    counts: &ClassCounts,
    plan: &EstatePlan,
    pattern: &NumberPattern,
    reference: NaiveDate,
    rules: &ReleaseRules,
    rng: &mut impl Rng,
) -> Result<Vec<Skeleton>, super::DemoError> {
    let mut people: Vec<(Class, bool)> = Vec::new();
    for &(class, n) in counts.all() {
        people.extend(std::iter::repeat_n((class, false), n as usize));
    }
    for (sex, k) in [
        (Sex::Male, counts.vep_male),
        (Sex::Female, counts.vep_female),
    ] {
        let mut eligible: Vec<usize> = (0..people.len())
            .filter(|&i| {
                let c = people[i].0;
                c.sex == sex
                    && c.age == AgeGroup::Adult
                    && matches!(c.status, LegalStatus::Remand | LegalStatus::Convicted)
            })
            .collect();
        shuffle(&mut eligible, rng);
        for &i in eligible.iter().take(k as usize) {
            people[i].1 = true;
        }
    }
    let mut offences: BTreeMap<OffenceKind, (Vec<usize>, Weighted)> = BTreeMap::new();
    for kind in [
        OffenceKind::Criminal,
        OffenceKind::Vep,
        OffenceKind::Civil,
        OffenceKind::Immigration,
    ] {
        let which: Vec<usize> = (0..profile.offences.len())
            .filter(|&i| profile.offences[i].kind == kind)
            .collect();
        let weights: Vec<f64> = which
            .iter()
            .map(|&i| f64::from(profile.offences[i].weight))
            .collect();
        if let Some(w) = Weighted::new(&weights) {
            offences.insert(kind, (which, w));
        }
    }

    let mut out = Vec::with_capacity(people.len());
    let mut held = vec![0u32; plan.cells.len()];
    for (index, (class, vep)) in people.into_iter().enumerate() {
        let (unit, cell) = plan.place(class, &mut held, rng).ok_or_else(|| {
            super::DemoError::Profile(format!(
                "no cell for {} {} {}",
                class.sex, class.age, class.status
            ))
        })?;
        let kind = match class.status {
            _ if vep => OffenceKind::Vep,
            LegalStatus::Civil => OffenceKind::Civil,
            LegalStatus::Immigration => OffenceKind::Immigration,
            _ => OffenceKind::Criminal,
        };
        let (which, weights) = offences
            .get(&kind)
            .or_else(|| offences.get(&OffenceKind::Criminal))
            .ok_or_else(|| super::DemoError::Profile("no offences".into()))?;
        let offence = which[weights.sample(rng)];
        let [low, high] = profile.offences[offence].months;
        let mut months = rng.random_range(low..=high);
        if class.age == AgeGroup::Young {
            months = months.div_ceil(2);
        }
        let (admitted, sentence_start, months) =
            admission(class.status, months, reference, rules, rng);
        out.push(Skeleton {
            index: index as u32,
            class,
            vep,
            facility: plan.units[unit].facility,
            cell,
            offence,
            months,
            admitted,
            sentence_start,
            number: String::new(),
            fate: super::cases::Fate::Serving,
        });
    }
    // Drawn last from this stream, so who the people are does not depend on it.
    super::cases::settle_fates(&mut out, rules, reference, plan.facilities.len(), rng);
    out.sort_by_key(|s| (s.admitted, s.index));
    let mut seq: BTreeMap<(usize, i32), u64> = BTreeMap::new();
    for s in &mut out {
        let year = s.admitted.year();
        let n = seq.entry((s.facility, year)).or_insert(0);
        *n += 1;
        s.number = pattern.format(year, &plan.facilities[s.facility].facility.code, *n);
    }
    Ok(out)
}

/// Admission time, sentence start and length. Everyone sentenced is still serving on the reference date (the
/// build day) under the country's release rules; `cases::settle_fates` then moves a few past it.
fn admission(
    status: LegalStatus,
    months: u32,
    reference: NaiveDate,
    rules: &ReleaseRules,
    rng: &mut impl Rng,
) -> (NaiveDateTime, Option<NaiveDate>, Option<u32>) {
    let u: f64 = rng.random();
    let (days_ago, start_after, months) = match status {
        // Most remand stays are months; a long tail waits years for trial.
        LegalStatus::Remand => (1 + (u * u * 700.0) as i64, None, None),
        LegalStatus::Immigration => (1 + (u * 300.0) as i64, None, None),
        LegalStatus::Convicted | LegalStatus::Civil => {
            let earliest = reference
                .checked_sub_months(Months::new(months))
                .unwrap_or(reference - Duration::days(i64::from(months) * 31));
            // The days actually served: the term less any remission the law grants on it.
            let term = (reference - earliest).num_days();
            let served = match rules.remission {
                Some(r) if term > i64::from(r.min_term_days) => {
                    term - term * i64::from(r.numerator) / i64::from(r.denominator.max(1))
                }
                _ => term,
            };
            // A margin of three days keeps the release after the reference date whatever the month lengths.
            let span = (served - 3).clamp(1, 3650);
            let days = 1 + (u * (span - 1) as f64) as i64;
            let waited = if status == LegalStatus::Convicted {
                let v: f64 = rng.random();
                (v * v * (days - 1).min(365) as f64) as i64
            } else {
                0
            };
            (days, Some(waited), Some(months))
        }
    };
    let day = reference - Duration::days(days_ago);
    let at = day
        .and_hms_opt(rng.random_range(8..=18), rng.random_range(0..60), 0)
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN));
    (at, start_after.map(|w| day + Duration::days(w)), months)
}

/// Everything the generator needs to write one person's record.
pub(crate) struct Context<'a> {
    pub profile: &'a Profile,
    pub common: &'a Common,
    pub plan: &'a EstatePlan,
    pub facility_ids: &'a [i64],
    pub cell_ids: &'a [i64],
    pub reference: NaiveDate,
    pub seed: u64,
    pub rules: ReleaseRules,
    /// The one young person who has since turned 18 and is still in a young unit (see [`turned_adult`]).
    pub turned_adult: Option<u32>,
}

/// Someone who turned 18 forty days ago and is still in a young unit of an adult prison, serving and placed:
/// the supervisors' age review has a true case (issue 17). The first such by index; None if there is none.
/// Chosen after every draw, so nobody else in the demo changes.
pub(crate) fn turned_adult(
    skeletons: &[Skeleton],
    plan: &EstatePlan,
    reference: NaiveDate,
) -> Option<u32> {
    skeletons
        .iter()
        .filter(|s| s.class.age == AgeGroup::Young && s.fate == super::cases::Fate::Serving)
        .filter(|s| !awaits_a_cell(reference, s))
        // A juvenile facility holds nobody over 18 at all: the review is for a young unit of an adult prison.
        .filter(|s| {
            plan.facilities
                .get(s.facility)
                .is_some_and(|f| f.facility.kind != crate::domain::estate::FacilityKind::Juvenile)
        })
        .map(|s| s.index)
        .min()
}

fn fill(pattern: &str, rng: &mut impl Rng) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            '@' => char::from(b'A' + rng.random_range(0..26u8)),
            c => c,
        })
        .collect()
}

pub(crate) fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn full_name(family: &str, given: &str) -> String {
    format!("{given} {family}")
}

/// One person's full record, drawn from a stream of its own so it does not depend on anyone else's.
pub(crate) fn prisoner(ctx: &Context, s: &Skeleton) -> Prisoner {
    let mut rng = ChaCha8Rng::seed_from_u64(ctx.seed);
    rng.set_stream(u64::from(s.index) + 1);
    let rng = &mut rng;
    let (profile, common) = (ctx.profile, ctx.common);
    let planned = &ctx.plan.facilities[s.facility];
    let male = s.class.sex == Sex::Male;
    let adult = s.class.age == AgeGroup::Adult;

    // Most are held in their home region (Mandela Rule 59), not all.
    let home_region = if rng.random_bool(0.8) {
        planned.region
    } else {
        rng.random_range(0..profile.regions.len())
    };
    let region = &profile.regions[home_region];
    let home_district = pick(rng, &region.districts).clone();
    let group_key = pick(rng, &region.names);
    // Profile::check guarantees every region's name groups exist; fall back to the shared names regardless.
    let group = profile.name_groups.get(group_key).unwrap_or(&profile.names);

    let family = *pick(rng, &profile.family_names(group, male));
    let givens = profile.given_names(group, male);
    let given = pick(rng, givens);
    let mut given_native = given.native().to_string();
    let mut given_latin = given.latin().map(str::to_string);
    if family.latin().is_none() && rng.random_bool(0.25) {
        let second = pick(rng, givens);
        if second.native() != given.native() {
            given_native = format!("{given_native} {}", second.native());
        }
    }
    if let Some(pat) = &profile.patronymic {
        let father = pick(rng, profile.given_names(group, true));
        let (native_suffix, latin_suffix) = if male { &pat.male } else { &pat.female };
        given_native = format!("{given_native} {}{native_suffix}", father.native());
        if let (Some(g), Some(f)) = (&given_latin, father.latin()) {
            given_latin = Some(format!("{g} {f}{latin_suffix}"));
        }
    }
    let mut aliases = Vec::new();
    // Names in another script carry the Latin spelling of the civil-status documents (searched too).
    let latin = family.latin().zip(given_latin);
    if latin.is_none() && rng.random_bool(0.15) {
        // Registers often hold the same person with the names the other way round.
        aliases.push(full_name(family.native(), &given_native));
    }

    let age: i32 = if adult {
        18 + (rng.random::<f64>().powf(1.8) * 50.0) as i32
    } else {
        rng.random_range(14..=17)
    };
    let mut birth = if rng.random_bool(profile.year_only_birth_percent / 100.0) {
        BirthDate::YearOnly(ctx.reference.year() - age - 1)
    } else {
        let birthday = ctx
            .reference
            .checked_sub_months(Months::new(12 * age as u32))
            .unwrap_or(ctx.reference);
        BirthDate::Exact(birthday - Duration::days(rng.random_range(0..=364)))
    };
    if ctx.turned_adult == Some(s.index) {
        // After the draws above, so the random stream (and everyone else) is unchanged.
        let eighteenth = ctx.reference - Duration::days(40);
        birth = BirthDate::Exact(
            eighteenth
                .checked_sub_months(Months::new(12 * 18))
                .unwrap_or(eighteenth),
        );
    }

    let foreign = s.class.status == LegalStatus::Immigration
        || rng.random_bool(profile.foreign_percent / 100.0);
    let nationality = if foreign {
        pick(rng, &profile.foreign_nationalities).clone()
    } else {
        profile.nationality.clone()
    };
    // The first language listed is the one most people speak; some speak another as well.
    let spoken = if group.languages.is_empty() {
        &region.languages
    } else {
        &group.languages
    };
    let first = if rng.random_bool(0.8) {
        &spoken[0]
    } else {
        pick(rng, spoken)
    };
    let mut languages = vec![first.clone()];
    if rng.random_bool(0.4) {
        let extra = if rng.random_bool(0.5) {
            pick(rng, spoken)
        } else {
            pick(rng, &profile.languages)
        };
        if !languages.contains(extra) {
            languages.push(extra.clone());
        }
    }
    let id_document = if foreign {
        fill("Passport @@#######", rng)
    } else if rng.random_bool(0.8) {
        fill(&profile.id_document, rng)
    } else {
        "None at admission".to_string()
    };

    let offence = &profile.offences[s.offence];
    let mut offences = offence.text.clone();
    if offence.kind == OffenceKind::Criminal && rng.random_bool(0.2) {
        let other = pick(rng, &profile.offences);
        if other.kind == OffenceKind::Criminal && other.text != offence.text {
            offences = format!("{offences}; {}", other.text);
        }
    }
    let court: &String = pick(rng, &profile.courts);
    let committing_authority = profile.place(court, &planned.town);
    let warrant_ref = profile
        .warrant
        .replace("{N}", &rng.random_range(1..=4999).to_string())
        .replace("{YYYY}", &s.admitted.year().to_string());
    let mut court_dates = Vec::new();
    match s.class.status {
        LegalStatus::Remand => {
            // Hearings come every few weeks; someone admitted last week has not been back to court yet.
            let since = (ctx.reference - s.admitted.date()).num_days();
            let past = rng.random_range(0..=2i64).min(since / 21);
            for k in 1..=past {
                court_dates.push(s.admitted.date() + Duration::days(since * k / (past + 1)));
            }
            court_dates.push(ctx.reference + Duration::days(rng.random_range(1..=56)));
        }
        LegalStatus::Immigration => {
            court_dates.push(ctx.reference + Duration::days(rng.random_range(7..=90)))
        }
        _ => {}
    }

    let spouse = adult && rng.random_bool(0.35);
    let kin_male = if spouse { !male } else { rng.random_bool(0.5) };
    let kin_group_family = *pick(rng, &profile.family_names(group, kin_male));
    let kin_given = pick(rng, profile.given_names(group, kin_male));
    let relation = match (spouse, kin_male) {
        (true, true) => &common.husband,
        (true, false) => &common.wife,
        (false, true) => pick(rng, &common.kin_male),
        (false, false) => pick(rng, &common.kin_female),
    };
    let next_of_kin = format!(
        "{} ({relation}), {}, {}",
        full_name(kin_group_family.native(), kin_given.native()),
        pick(rng, &region.districts),
        fill(&profile.phone, rng)
    );
    let children = children(common, male, adult, age, &home_district, rng);

    let admission_injuries = if rng.random_bool(0.06) {
        pick(rng, &common.injuries).clone()
    } else {
        String::new()
    };
    let mut property: Vec<String> = Vec::new();
    for _ in 0..rng.random_range(1..=3) {
        let item = pick(rng, &common.property);
        if !property.contains(item) {
            property.push(item.clone());
        }
    }
    if rng.random_bool(0.7) {
        let [low, high] = profile.money;
        let amount = rng.random_range(low..=high.max(low));
        property.push(format!(
            "{} {} in cash",
            thousands(amount),
            profile.currency
        ));
    }

    let mut p = Prisoner::blank(s.admitted);
    p.number = s.number.clone();
    p.family_name = family.native().to_string();
    p.given_names = given_native;
    p.aliases = aliases;
    if let Some((family, given)) = latin {
        p.latin_family_name = family.to_string();
        p.latin_given_names = given;
    }
    p.birth = birth;
    p.sex = s.class.sex;
    p.gender = s.class.sex.as_str().to_string();
    p.nationality = nationality;
    p.languages = languages;
    p.id_document = id_document;
    p.legal_status = s.class.status;
    p.offences = offences;
    p.committing_authority = committing_authority;
    p.warrant_ref = warrant_ref;
    p.sentence_start = s.sentence_start;
    p.sentence_months = s.months;
    // Worked out from the cases the generator records for this person (and any court order), as the store will.
    let cases = super::cases::cases(ctx, s, &p);
    if cases.first().and_then(|c| c.sentence).map(|s| s.length) == Some(Length::Life) {
        p.sentence_months = None;
    }
    let computed = expected_release(&cases, &ctx.rules, None).date;
    let order = super::cases::court_order(ctx, s, computed);
    p.expected_release = expected_release(&cases, &ctx.rules, order.as_ref()).date;
    p.court_dates = court_dates;
    p.next_of_kin = next_of_kin;
    p.children = children;
    p.admission_injuries = admission_injuries;
    p.property = property.join("; ");
    p.home_district = home_district;
    p.vep = s.vep;
    p.vulnerable = rng.random_bool(if adult { 0.05 } else { 0.3 });
    p.medical_alert = rng.random_bool(0.07);
    p.facility_id = Some(ctx.facility_ids[s.facility]);
    p.cell_id = if awaits_a_cell(ctx.reference, s) {
        None
    } else {
        Some(ctx.cell_ids[s.cell])
    };
    p
}

/// People brought in on remand since noon the day before are still waiting for a cell, as a day's admissions are
/// before the allocation round: "Waiting for a cell" and the placing screens have someone true to show.
fn awaits_a_cell(reference: NaiveDate, s: &Skeleton) -> bool {
    let since_noon = reference.pred_opt().and_then(|d| d.and_hms_opt(12, 0, 0));
    s.class.status == LegalStatus::Remand && since_noon.is_some_and(|noon| s.admitted >= noon)
}

/// Children and who cares for them (Bangkok Rules 2-3): recorded for everyone, most often for women.
fn children(
    common: &Common,
    male: bool,
    adult: bool,
    age: i32,
    district: &str,
    rng: &mut impl Rng,
) -> String {
    if !adult {
        return String::new();
    }
    let has = rng.random_bool(if male { 0.45 } else { 0.65 });
    if !has || age < 17 {
        return "None stated".to_string();
    }
    let n = rng.random_range(1..=4usize);
    let oldest = (age - 16).clamp(1, 17);
    let mut ages: Vec<i32> = (0..n).map(|_| rng.random_range(0..=oldest)).collect();
    ages.sort_unstable();
    let list = ages
        .iter()
        .map(|&a| {
            if a == 0 {
                "under 1".to_string()
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let carers = if male {
        &common.carers_of_fathers
    } else {
        &common.carers_of_mothers
    };
    let carer = pick(rng, carers).replace("{district}", district);
    let words = if n == 1 {
        "1 child (age".to_string()
    } else {
        format!("{n} children (ages")
    };
    let mut text = format!("{words} {list}); {carer}");
    if !male && ages[0] == 0 && rng.random_bool(0.5) {
        text = format!(
            "Infant aged {} months with her in prison; {text}",
            rng.random_range(1..=11)
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::profile::Profiles;

    #[test]
    fn class_counts_follow_the_profile_shares_exactly() {
        let p = Profiles::load().unwrap();
        let c = class_counts(&p.uganda, p.sizes.small);
        let total: u32 = c.all().iter().map(|(_, n)| n).sum();
        assert_eq!(total, 2000);
        let female: u32 = c
            .all()
            .iter()
            .filter(|(k, _)| k.sex == Sex::Female)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(female, 92); // 2000 * 3225 / 70119
        let remand: u32 = c
            .all()
            .iter()
            .filter(|(k, _)| k.status == LegalStatus::Remand)
            .map(|(_, n)| n)
            .sum();
        assert!((990..=1010).contains(&remand), "{remand}");
        assert_eq!(c.vep(), 5); // 2000 * 189 / 70119
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
