//! Programme files: a facility's catalogue as TOML, read into programmes with every error placed at its line and
//! column (`file:line:column: message`). Pure: text in, programmes or located errors out.

use super::{Category, Eligibility, Programme, Slot};
use crate::domain::estate::{AgeGroup, LegalStatus, SecurityLevel, Sex};
use crate::domain::estate_file::{FileError, Pos};
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    programme: Vec<Spanned<TomlProgramme>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlProgramme {
    facility: Spanned<String>,
    code: Spanned<String>,
    name: Spanned<String>,
    category: Spanned<String>,
    provider: Spanned<String>,
    #[serde(default)]
    facilitators: Vec<String>,
    room: Spanned<String>,
    capacity: Spanned<i64>,
    starts: Spanned<String>,
    ends: Spanned<String>,
    #[serde(default = "default_completion")]
    completion_percent: Spanned<i64>,
    #[serde(default = "default_vep_share")]
    vep_share_percent: Spanned<i64>,
    slots: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    eligibility: Option<Spanned<TomlEligibility>>,
}

fn default_completion() -> Spanned<i64> {
    Spanned::new(0..0, 80)
}

fn default_vep_share() -> Spanned<i64> {
    Spanned::new(0..0, 20)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct TomlEligibility {
    needs: Vec<String>,
    custody: Vec<String>,
    sex: Option<String>,
    age: Option<String>,
    legal: Vec<String>,
    units: Vec<String>,
}

/// A programme read from the file, with the facility code it belongs to and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProgramme {
    pub facility: String,
    pub programme: Programme,
    pub pos: Pos,
    /// Where the facility code was written, for "no such facility".
    pub facility_pos: Pos,
}

/// "Mon 09:00-11:00" (also "mon 9:00-11:00").
pub fn parse_slot(s: &str) -> Result<Slot, String> {
    let bad = || format!("'{s}' is not a slot like \"Mon 09:00-11:00\"");
    let (day, times) = s.trim().split_once(' ').ok_or_else(bad)?;
    let weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|d| day.trim().to_lowercase().starts_with(d))
        .ok_or_else(bad)? as u8
        + 1;
    let (a, b) = times.trim().split_once('-').ok_or_else(bad)?;
    let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
    let slot = Slot {
        id: 0,
        weekday,
        starts: time(a)?,
        ends: time(b)?,
    };
    slot.validate().map_err(|e| e.to_string())?;
    Ok(slot)
}

/// Reads a programme file. Every problem is reported, not just the first.
pub fn parse_toml(text: &str) -> Result<Vec<FileProgramme>, Vec<FileError>> {
    let (programmes, errors) = read_toml(text)?;
    if errors.is_empty() {
        Ok(programmes)
    } else {
        Err(errors)
    }
}

/// Reads a programme file as far as it can: every programme (a bad field holding a stand-in value) with every
/// problem found, so the loader can add what only the database knows (a facility code that does not exist) and
/// report all of it in one run. Only a file that is not TOML of the right shape gives no programmes.
pub fn read_toml(text: &str) -> Result<(Vec<FileProgramme>, Vec<FileError>), Vec<FileError>> {
    let parsed: TomlFile = toml::from_str(text).map_err(|e| {
        vec![FileError {
            pos: e
                .span()
                .map_or(Pos::line(1), |s| Pos::of_offset(text, s.start)),
            field: None,
            message: e.message().trim().to_string(),
        }]
    })?;
    let at = |span: std::ops::Range<usize>| Pos::of_offset(text, span.start);
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for entry in &parsed.programme {
        let t = entry.get_ref();
        let code = t.code.get_ref().trim().to_string();
        let what = format!("programme {code}");
        let mut fail = |span: std::ops::Range<usize>, field: &str, message: String| {
            errors.push(FileError {
                pos: at(span),
                field: Some(field.to_string()),
                message: format!("{what}: {field}: {message}"),
            });
        };
        let category = Category::parse(t.category.get_ref()).unwrap_or_else(|| {
            fail(
                t.category.span(),
                "category",
                format!(
                    "'{}' is not one of: {}",
                    t.category.get_ref(),
                    Category::choices()
                ),
            );
            Category::Education
        });
        let mut date = |s: &Spanned<String>, field: &str| {
            NaiveDate::parse_from_str(s.get_ref().trim(), "%Y-%m-%d").unwrap_or_else(|_| {
                fail(
                    s.span(),
                    field,
                    format!("'{}' is not a date (YYYY-MM-DD)", s.get_ref()),
                );
                NaiveDate::MIN
            })
        };
        let starts_on = date(&t.starts, "starts");
        let ends_on = date(&t.ends, "ends");
        let mut number = |n: &Spanned<i64>, field: &str, lo: i64, hi: i64| -> u32 {
            let v = *n.get_ref();
            if (lo..=hi).contains(&v) {
                v as u32
            } else {
                fail(n.span(), field, format!("{v} is not between {lo} and {hi}"));
                lo as u32
            }
        };
        let capacity = number(&t.capacity, "capacity", 1, 500);
        let completion = number(&t.completion_percent, "completion_percent", 1, 100) as u8;
        let vep_share = number(&t.vep_share_percent, "vep_share_percent", 0, 100) as u8;
        let mut slots = Vec::new();
        for s in t.slots.get_ref() {
            match parse_slot(s.get_ref()) {
                Ok(slot) => slots.push(slot),
                Err(e) => fail(s.span(), "slots", e),
            }
        }
        let mut eligibility = Eligibility::default();
        if let Some(e) = &t.eligibility {
            let span = e.span();
            let e = e.get_ref();
            eligibility.needs = e.needs.iter().map(|n| n.trim().to_string()).collect();
            eligibility.units = e.units.iter().map(|u| u.trim().to_string()).collect();
            for c in &e.custody {
                match SecurityLevel::parse(c) {
                    Some(level) => eligibility.custody.push(level),
                    None => fail(
                        span.clone(),
                        "custody",
                        format!("'{c}' is not one of: {}", SecurityLevel::choices()),
                    ),
                }
            }
            for l in &e.legal {
                match LegalStatus::parse(l) {
                    Some(status) => eligibility.legal.push(status),
                    None => fail(
                        span.clone(),
                        "legal",
                        format!("'{l}' is not one of: {}", LegalStatus::choices()),
                    ),
                }
            }
            if let Some(sex) = &e.sex {
                match Sex::parse(sex) {
                    Some(s) => eligibility.sex = Some(s),
                    None => fail(
                        span.clone(),
                        "sex",
                        format!("'{sex}' is not one of: {}", Sex::choices()),
                    ),
                }
            }
            if let Some(age) = &e.age {
                match AgeGroup::parse(age) {
                    Some(a) => eligibility.age = Some(a),
                    None => fail(
                        span.clone(),
                        "age",
                        format!("'{age}' is not one of: {}", AgeGroup::choices()),
                    ),
                }
            }
        }
        let programme = Programme {
            id: 0,
            facility_id: 0,
            code: code.clone(),
            name: t.name.get_ref().trim().to_string(),
            category,
            provider: t.provider.get_ref().trim().to_string(),
            facilitators: t
                .facilitators
                .iter()
                .map(|f| f.trim().to_string())
                .collect(),
            room: t.room.get_ref().trim().to_string(),
            capacity,
            starts_on,
            ends_on,
            eligibility,
            completion_percent: completion,
            vep_share_percent: vep_share,
            slots,
        };
        let pos = at(entry.span());
        let dates_ok = starts_on != NaiveDate::MIN && ends_on != NaiveDate::MIN;
        // A slot already refused would make "at least one weekly session" a second, false, complaint.
        if dates_ok
            && !t.slots.get_ref().is_empty()
            && programme.slots.len() == t.slots.get_ref().len()
            && let Err(e) = programme.validate()
        {
            errors.push(FileError {
                pos,
                field: None,
                message: format!("{what}: {e}"),
            });
        }
        if let Some(earlier) = out.iter().find(|o: &&FileProgramme| {
            o.programme.code == code && o.facility == *t.facility.get_ref()
        }) {
            errors.push(FileError {
                pos: at(t.code.span()),
                field: Some("code".into()),
                message: format!("{what}: code: already used on line {}", earlier.pos.line),
            });
        }
        out.push(FileProgramme {
            facility: t.facility.get_ref().trim().to_string(),
            programme,
            pos,
            facility_pos: at(t.facility.span()),
        });
    }
    errors.sort_by_key(|e| e.pos);
    Ok((out, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[programme]]
facility = "LUZ"
code = "LIT1"
name = "Adult literacy"
category = "literacy"
provider = "Literacy Uganda"
facilitators = ["Nakato Ruth"]
room = "Classroom 1"
capacity = 20
starts = "2026-11-02"
ends = "2027-01-29"
slots = ["Mon 09:00-11:00", "wed 9:00-11:00"]
eligibility = { needs = ["need_literacy"], units = ["A", "B"] }
"#;

    #[test]
    fn a_good_file_reads_with_defaults() {
        let p = parse_toml(GOOD).unwrap();
        assert_eq!(p.len(), 1);
        let p = &p[0];
        assert_eq!(p.facility, "LUZ");
        assert_eq!(p.programme.schedule_text(), "Mon Wed 09:00-11:00");
        assert_eq!(p.programme.completion_percent, 80);
        assert_eq!(p.programme.vep_share_percent, 20);
        assert_eq!(p.programme.eligibility.units, ["A", "B"]);
        assert_eq!(p.pos.line, 2);
    }

    #[test]
    fn every_problem_is_placed_at_its_line_and_column() {
        let bad = GOOD
            .replace("\"literacy\"", "\"knitting\"")
            .replace("capacity = 20", "capacity = 0")
            .replace("\"wed 9:00-11:00\"", "\"Wed 11:00-10:00\"")
            .replace("2027-01-29", "2027-02-30");
        let errors = parse_toml(&bad).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 4, "{text:#?}");
        assert!(
            text[0].starts_with("6:12: programme LIT1: category: 'knitting'"),
            "{text:#?}"
        );
        assert!(
            text[1].starts_with("10:12: programme LIT1: capacity: 0 is not between 1 and 500"),
            "{text:#?}"
        );
        assert!(
            text[2].starts_with("12:8: programme LIT1: ends: '2027-02-30' is not a date"),
            "{text:#?}"
        );
        assert!(
            text[3].starts_with("13:29: programme LIT1: slots: ends: 10:00 is not after"),
            "{text:#?}"
        );
    }

    #[test]
    fn unknown_keys_and_repeated_codes_are_refused() {
        let e = parse_toml(&GOOD.replace("room =", "rooom =")).unwrap_err();
        assert!(e[0].message.contains("unknown field `rooom`"), "{e:?}");
        let twice = format!("{GOOD}{GOOD}");
        let e = parse_toml(&twice).unwrap_err();
        assert!(
            e[0].message.contains("code: already used on line 2"),
            "{e:?}"
        );
        assert_eq!(e[0].pos.line, 18);
    }

    #[test]
    fn slots_read_in_a_forgiving_form() {
        assert_eq!(parse_slot("Fri 14:00-16:00").unwrap().weekday, 5);
        assert!(parse_slot("Funday 14:00-16:00").is_err());
        assert!(parse_slot("Mon 9-11").is_err());
    }
}
