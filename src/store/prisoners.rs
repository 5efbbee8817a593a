//! The register in SQL: admission, edits, transfers, releases, custody events and name search.

use super::CachedSql as _;
use super::{Actor, Result, Store, StoreError, Tx};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::estate::{LegalStatus, Sex};
use crate::domain::name_search;
use crate::domain::prisoner::{
    self, BirthDate, CustodyEvent, EventKind, NumberPattern, Prisoner, check_movement,
    facility_accepts,
};
use crate::domain::settings::Setting;
use crate::domain::text::fold;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The number pattern used when a service has not set its own.
pub const DEFAULT_NUMBER_PATTERN: &str = "{FAC}/{YYYY}/{SEQ:5}";

/// The parts of the record that have no column of their own, kept as JSON in `prisoner.details`.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Details {
    aliases: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    latin_family_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    latin_given_names: String,
    gender: String,
    nationality: String,
    languages: Vec<String>,
    id_document: String,
    offences: String,
    committing_authority: String,
    warrant_ref: String,
    sentence_start: Option<NaiveDate>,
    sentence_months: Option<u32>,
    court_dates: Vec<NaiveDate>,
    next_of_kin: String,
    children: String,
    admission_injuries: String,
    property: String,
}

impl Details {
    fn of(p: &Prisoner) -> Details {
        Details {
            aliases: p.aliases.clone(),
            latin_family_name: p.latin_family_name.clone(),
            latin_given_names: p.latin_given_names.clone(),
            gender: p.gender.clone(),
            nationality: p.nationality.clone(),
            languages: p.languages.clone(),
            id_document: p.id_document.clone(),
            offences: p.offences.clone(),
            committing_authority: p.committing_authority.clone(),
            warrant_ref: p.warrant_ref.clone(),
            sentence_start: p.sentence_start,
            sentence_months: p.sentence_months,
            court_dates: p.court_dates.clone(),
            next_of_kin: p.next_of_kin.clone(),
            children: p.children.clone(),
            admission_injuries: p.admission_injuries.clone(),
            property: p.property.clone(),
        }
    }
}

/// One line of a search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub id: i64,
    pub number: String,
    pub family_name: String,
    pub given_names: String,
    pub facility: String,
    pub legal_status: String,
    pub in_custody: bool,
    /// The alias a search found this person through, when their names alone do not match what was typed.
    pub alias: Option<String>,
    /// None only for a stored value the register could not have written.
    pub birth: Option<BirthDate>,
}

impl SearchHit {
    /// The name as a list shows it in `width` columns: "Family, Given", and when the person was found through an
    /// alias, "(alias: ...)" after it, the given names left out first if both do not fit.
    pub fn shown_name(&self, width: usize) -> String {
        let full = if self.given_names.is_empty() {
            self.family_name.clone()
        } else {
            format!("{}, {}", self.family_name, self.given_names)
        };
        let Some(alias) = &self.alias else {
            return full;
        };
        let with = |name: &str| {
            crate::i18n::t_args(
                "search-through-alias",
                &[("name", name.into()), ("alias", alias.as_str().into())],
            )
        };
        let long = with(&full);
        if crate::domain::text::width(&long) <= width || self.given_names.is_empty() {
            long
        } else {
            with(&self.family_name)
        }
    }

    /// Age in years with the word for a child (see [`crate::domain::prisoner::age_shown`]); "?" when unknown.
    pub fn age_shown(&self, today: NaiveDate) -> String {
        self.birth
            .map(|b| crate::domain::prisoner::age_shown(&b, today))
            .unwrap_or_else(|| "?".into())
    }

    pub fn status(&self) -> String {
        if self.in_custody {
            self.legal_status.clone()
        } else {
            "released".into()
        }
    }
}

/// A prisoner with the names of where they are held, for display.
#[derive(Debug, Clone, PartialEq)]
pub struct PrisonerRow {
    pub prisoner: Prisoner,
    pub facility: Option<String>,
    pub cell: Option<String>,
}

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";

/// The columns of a `SearchHit`, for every list of people (search results, a cell's occupants).
const HIT_SELECT: &str =
    "SELECT p.id, p.number, p.family_name, p.given_names, coalesce(f.code, ''),
                                 p.legal_status, p.in_custody, p.birth";
/// How a refused save starts when someone else changed a field the editor changed too; the edit screen then
/// takes the record as it is now, so the editor's typing, checked against the new values, saves on the next F2.
pub const CHANGED_MEANWHILE: &str = "Someone else changed";
const HIT_FROM: &str = "FROM prisoner p LEFT JOIN facility f ON f.id = p.facility_id";

fn read_hit(r: &rusqlite::Row) -> rusqlite::Result<SearchHit> {
    Ok(SearchHit {
        id: r.get(0)?,
        number: r.get(1)?,
        family_name: r.get(2)?,
        given_names: r.get(3)?,
        facility: r.get(4)?,
        legal_status: r.get(5)?,
        in_custody: r.get(6)?,
        alias: None,
        birth: crate::domain::prisoner::stored_birth(&r.get::<_, String>(7)?),
    })
}

/// How many candidates each source of a search offers, as a multiple of the rows asked for. Twice is enough for the
/// ranking: the family-name source comes in name order, so its first rows are the best of their tier; four times
/// read some 700 rows a key for a family name on the national demo (p50 6.4 ms against 1.5 ms, timed with the
/// bench's queries).
const SAMPLE: i64 = 2;

/// A search candidate as the word index holds it: what ranks it, and the aliases to say which one matched.
struct Found {
    id: i64,
    /// Folded, as the ranking compares it.
    number: String,
    sort_key: String,
    in_custody: bool,
    names: String,
    aliases: String,
    shown: String,
}

/// The folded name the register sorts by and the import matches possible duplicates on.
pub(super) fn sort_key(p: &Prisoner) -> String {
    indexed(p).sort_key
}

/// What the search indexes hold for `p`.
fn indexed(p: &Prisoner) -> name_search::Indexed {
    name_search::index(&name_search::Names {
        number: &p.number,
        family: &p.family_name,
        given: &p.given_names,
        latin_family: &p.latin_family_name,
        latin_given: &p.latin_given_names,
        aliases: &p.aliases,
    })
}

/// Removes one person's rows from both search indexes (an import taken back).
pub(super) fn forget_search_rows(conn: &rusqlite::Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM prisoner_search WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached(
        "INSERT INTO prisoner_word(prisoner_word, rowid, names, aliases)
         SELECT 'delete', id, names, aliases FROM prisoner_find WHERE id = ?1",
    )?
    .execute([id])?;
    conn.prepare_cached("DELETE FROM prisoner_find WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The plain table the word index reads its content from (and the search list shows).
pub(super) fn write_find_row(
    conn: &rusqlite::Connection,
    id: i64,
    in_custody: bool,
    ix: &name_search::Indexed,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO prisoner_find(id, number, sort_key, in_custody, names, aliases, shown)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        id,
        ix.number,
        ix.sort_key,
        in_custody,
        ix.names,
        ix.aliases,
        ix.shown
    ])?;
    Ok(())
}

/// Writes one person's rows of the two search indexes: the words (prisoner_word) and the runs of letters
/// (prisoner_search, trigrams).
fn write_search_rows(
    conn: &rusqlite::Connection,
    id: i64,
    in_custody: bool,
    ix: &name_search::Indexed,
) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO prisoner_search(rowid, names) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id, ix.inside])?;
    // External content: the index forgets the row's old words (read from prisoner_find) before the row changes.
    conn.prepare_cached(
        "INSERT INTO prisoner_word(prisoner_word, rowid, names, aliases)
         SELECT 'delete', id, names, aliases FROM prisoner_find WHERE id = ?1",
    )?
    .execute([id])?;
    write_find_row(conn, id, in_custody, ix)?;
    conn.prepare_cached("INSERT INTO prisoner_word(rowid, names, aliases) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![id, ix.names, ix.aliases])?;
    Ok(())
}

/// Rebuilds every person's sort key and search rows with the current folding (migration 8, when the folding and
/// the word index arrived). Reads only the names, not the whole record, so a national register fits in memory.
pub(super) fn reindex_names(conn: &rusqlite::Connection) -> Result<()> {
    struct Person {
        id: i64,
        number: String,
        family: String,
        given: String,
        latin_family: String,
        latin_given: String,
        aliases: Vec<String>,
        in_custody: bool,
    }
    let people: Vec<Person> = conn
        .prepare("SELECT id, number, family_name, given_names, details, in_custody FROM prisoner ORDER BY id")?
        .query_map([], |r| {
            // Only the names are kept from the record's JSON.
            let d: Details = serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default();
            Ok(Person {
                id: r.get(0)?,
                number: r.get(1)?,
                family: r.get(2)?,
                given: r.get(3)?,
                latin_family: d.latin_family_name,
                latin_given: d.latin_given_names,
                aliases: d.aliases,
                in_custody: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    conn.execute_cached("DELETE FROM prisoner_search", [])?;
    conn.execute_cached(
        "INSERT INTO prisoner_word(prisoner_word) VALUES ('delete-all')",
        [],
    )?;
    conn.execute_cached("DELETE FROM prisoner_find", [])?;
    let mut sort = conn.prepare("UPDATE prisoner SET sort_key = ?2 WHERE id = ?1")?;
    for p in &people {
        let ix = name_search::index(&name_search::Names {
            number: &p.number,
            family: &p.family,
            given: &p.given,
            latin_family: &p.latin_family,
            latin_given: &p.latin_given,
            aliases: &p.aliases,
        });
        sort.execute(rusqlite::params![p.id, ix.sort_key])?;
        write_search_rows(conn, p.id, p.in_custody, &ix)?;
    }
    Ok(())
}

pub(super) const PRISONER_COLUMNS: &str =
    "p.id, p.number, p.family_name, p.given_names, p.birth, p.sex, p.legal_status,
     p.admitted_at, p.expected_release, p.home_district, p.vep, p.vulnerable, p.medical_alert,
     p.facility_id, p.cell_id, p.in_custody, p.details";

pub(super) fn read_prisoner(r: &rusqlite::Row) -> rusqlite::Result<Prisoner> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_string().into(),
        )
    };
    let birth: String = r.get(4)?;
    let birth = if birth.len() == 4 {
        BirthDate::YearOnly(birth.parse().map_err(|_| bad(4, "birth year"))?)
    } else {
        BirthDate::Exact(
            NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(|_| bad(4, "birth date"))?,
        )
    };
    let sex: String = r.get(5)?;
    let status: String = r.get(6)?;
    let admitted: String = r.get(7)?;
    let details: String = r.get(16)?;
    let d: Details = serde_json::from_str(&details).map_err(|_| bad(16, "details"))?;
    Ok(Prisoner {
        id: r.get(0)?,
        number: r.get(1)?,
        family_name: r.get(2)?,
        given_names: r.get(3)?,
        latin_family_name: d.latin_family_name,
        latin_given_names: d.latin_given_names,
        aliases: d.aliases,
        birth,
        sex: Sex::parse(&sex).ok_or_else(|| bad(5, "sex"))?,
        gender: d.gender,
        nationality: d.nationality,
        languages: d.languages,
        id_document: d.id_document,
        legal_status: LegalStatus::parse(&status).ok_or_else(|| bad(6, "legal status"))?,
        offences: d.offences,
        committing_authority: d.committing_authority,
        warrant_ref: d.warrant_ref,
        admitted_at: NaiveDateTime::parse_from_str(&admitted, TIME_FORMAT)
            .map_err(|_| bad(7, "admitted"))?,
        sentence_start: d.sentence_start,
        sentence_months: d.sentence_months,
        expected_release: r
            .get::<_, Option<String>>(8)?
            .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        court_dates: d.court_dates,
        next_of_kin: d.next_of_kin,
        children: d.children,
        admission_injuries: d.admission_injuries,
        property: d.property,
        home_district: r.get(9)?,
        vep: r.get(10)?,
        vulnerable: r.get(11)?,
        medical_alert: r.get(12)?,
        facility_id: r.get(13)?,
        cell_id: r.get(14)?,
        in_custody: r.get(15)?,
    })
}

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// A refusal of one of the record form's fields, by key, named in the text by its label ("Prison number: ...",
/// "Facility: ..."), as the form and the command line show it.
fn refused(key: &'static str, label: &str, why: impl Into<String>) -> StoreError {
    invalid(super::FieldError::new(key, why).labelled(label.to_string()))
}

/// [`refused`] for a field of the register (`prisoner::FIELDS`), with its own label.
fn refused_field(key: &'static str, why: impl Into<String>) -> StoreError {
    refused(key, crate::domain::prisoner::field(key).label, why)
}

impl Tx<'_> {
    fn number_taken(&self, number: &str, except: i64) -> Result<Option<String>> {
        Ok(self
            .prepare_cached(
                "SELECT family_name || ', ' || given_names FROM prisoner WHERE number = ?1 AND id != ?2",
            )?
            .query_row(rusqlite::params![number, except], |r| r.get(0))
            .optional()?)
    }

    fn stored_prisoner(&self, id: i64) -> Result<Prisoner> {
        let sql = format!("SELECT {PRISONER_COLUMNS} FROM prisoner p WHERE p.id = ?1");
        self.query_row_cached(&sql, [id], read_prisoner)
            .optional()?
            .ok_or_else(|| invalid("this prisoner's record no longer exists"))
    }

    /// Writes an edit; custody (facility, cell, in custody) changes only through events, so those come from
    /// the stored record whatever the edit holds.
    fn save_update(&self, before: Prisoner, edited: Prisoner) -> Result<Prisoner> {
        if let Some(holder) = self.number_taken(&edited.number, edited.id)? {
            let why = format!("{} is already used by {holder}", edited.number);
            return Err(refused_field("number", why));
        }
        // Once cases are kept, the date is worked out from them; a court order (with its reason) replaces it.
        if edited.expected_release != before.expected_release && self.has_cases(before.id)? {
            return Err(invalid(crate::i18n::t("record-release-from-cases")));
        }
        // The old single-sentence fields would say one thing and the cases another: once cases are kept, the
        // sentence is corrected on its case (n on the record, or warden case correct).
        for (changed, key) in [
            (
                edited.sentence_months != before.sentence_months,
                "sentence_months",
            ),
            (
                edited.sentence_start != before.sentence_start,
                "sentence_start",
            ),
        ] {
            if changed && self.has_cases(before.id)? {
                return Err(refused_field(
                    key,
                    crate::i18n::t("record-sentence-from-cases"),
                ));
            }
        }
        let after = Prisoner {
            facility_id: before.facility_id,
            cell_id: before.cell_id,
            in_custody: before.in_custody,
            ..edited
        };
        if after == before {
            return Ok(after);
        }
        self.write_prisoner(&after)?;
        self.audit(
            Entity::Prisoner,
            after.id,
            Deed::Update,
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    }

    pub(super) fn write_prisoner(&self, p: &Prisoner) -> Result<()> {
        self.write_prisoner_row(
            "UPDATE prisoner SET number = ?2, family_name = ?3, given_names = ?4, birth = ?5, sex = ?6,
                    legal_status = ?7, admitted_at = ?8, expected_release = ?9, home_district = ?10,
                    vep = ?11, vulnerable = ?12, medical_alert = ?13, facility_id = ?14, cell_id = ?15,
                    in_custody = ?16, sort_key = ?17, details = ?18
             WHERE id = ?1",
            Some(p.id),
            p,
        )?;
        Ok(())
    }

    /// A new person's row, whole in one INSERT (a blank row updated afterwards touched every index twice), and
    /// their search rows. The id is the row's new one; `p.id` is not read.
    fn insert_prisoner(&self, p: &Prisoner) -> Result<i64> {
        self.write_prisoner_row(
            "INSERT INTO prisoner(id, number, family_name, given_names, birth, sex, legal_status, admitted_at,
                                  expected_release, home_district, vep, vulnerable, medical_alert, facility_id,
                                  cell_id, in_custody, sort_key, details)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            None,
            p,
        )
    }

    /// Runs `sql` (an UPDATE of row `?1` or an INSERT with `?1` NULL for a new id) with the record's columns as
    /// `?2`..`?18`, then writes its search rows; the id written.
    fn write_prisoner_row(&self, sql: &str, id: Option<i64>, p: &Prisoner) -> Result<i64> {
        let details = super::to_json(&Details::of(p));
        let ix = indexed(p);
        self.prepare_cached(sql)?.execute(rusqlite::params![
            id,
            p.number,
            p.family_name,
            p.given_names,
            p.birth.to_text(),
            p.sex.as_str(),
            p.legal_status.as_str(),
            p.admitted_at.format(TIME_FORMAT).to_string(),
            p.expected_release.map(|d| d.to_string()),
            p.home_district,
            p.vep,
            p.vulnerable,
            p.medical_alert,
            p.facility_id,
            p.cell_id,
            p.in_custody,
            ix.sort_key,
            details
        ])?;
        let id = id.unwrap_or_else(|| self.last_insert_rowid());
        if self.bulk_loading {
            super::bulk_load::defer_search_rows(self, id, p.in_custody, &ix)?;
        } else {
            write_search_rows(self, id, p.in_custody, &ix)?;
        }
        Ok(id)
    }

    pub(super) fn append_event(&self, event: &CustodyEvent) -> Result<i64> {
        self.prepare_cached(
            "INSERT INTO custody_event(prisoner_id, kind, at, facility_id, authority, reason, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(rusqlite::params![
            event.prisoner_id,
            event.kind.as_str(),
            event.at.format(TIME_FORMAT).to_string(),
            event.facility_id,
            event.authority,
            event.reason,
            event.recorded_by
        ])?;
        let id = self.last_insert_rowid();
        self.audit::<(), _>(
            Entity::CustodyEvent,
            id,
            event.kind,
            None,
            Some(&CustodyEvent {
                id,
                ..event.clone()
            }),
        )?;
        Ok(id)
    }

    /// A cell chosen at admission must be in use and in a unit of the facility the person is admitted to.
    fn check_cell_in(
        &self,
        cell_id: i64,
        facility: &crate::domain::estate::Facility,
    ) -> Result<()> {
        let found: Option<(String, i64, Option<String>)> = self
            .prepare_cached(
                "SELECT c.code, u.facility_id, c.out_of_use FROM cell c JOIN unit u ON u.id = c.unit_id
                 WHERE c.id = ?1",
            )?
            .query_row([cell_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match found {
            None => Err(refused("cell", "Cell", "no such cell")),
            Some((code, fid, _)) if fid != facility.id => {
                let why = format!("{code} is not in {} ({})", facility.name, facility.code);
                Err(refused("cell", "Cell", why))
            }
            Some((code, _, Some(reason))) => Err(refused(
                "cell",
                "Cell",
                format!("{code} is out of use ({reason})"),
            )),
            Some(_) => Ok(()),
        }
    }

    /// Admits a validated prisoner into `facility_id`: the record, its search entry, the admission event and
    /// their audit rows all commit together. Used by the TUI, the CLI and the demo generator alike.
    pub fn admit(&self, p: &Prisoner, pattern: &NumberPattern, today: NaiveDate) -> Result<i64> {
        self.admit_from(p, pattern, today, None)
    }

    /// The admission, from a file when `source` is given: then a facility that would refuse the person today is
    /// recorded as a fact of the past with the refusal in the audit row (legacy data is not dropped), and the
    /// audit row names the file and its SHA-256.
    pub(crate) fn admit_from(
        &self,
        p: &Prisoner,
        pattern: &NumberPattern,
        today: NaiveDate,
        source: Option<&super::import::Source>,
    ) -> Result<i64> {
        let p = &p.cleaned();
        p.validate(pattern, today).map_err(invalid)?;
        let facility_id = p.facility_id.ok_or_else(|| {
            refused(
                "facility",
                "Facility",
                "choose where the prisoner is admitted",
            )
        })?;
        let facility = self
            .prepare_cached(
                "SELECT f.id, f.code, f.name, f.region, f.kind, f.security FROM facility f WHERE f.id = ?1",
            )?
            .query_row([facility_id], super::estate::read_facility)
            .optional()?
            .ok_or_else(|| refused("facility", "Facility", "no such facility"))?;
        let accepted = facility_accepts(&facility, p, today);
        if source.is_none() {
            accepted
                .clone()
                .map_err(|e| refused("facility", "Facility", e))?;
        }
        if let Some(cell_id) = p.cell_id {
            self.check_cell_in(cell_id, &facility)?;
        }
        if let Some(holder) = self.number_taken(&p.number, 0)? {
            let why = format!("{} is already used by {holder}", p.number);
            return Err(refused_field("number", why));
        }
        let mut stored = Prisoner {
            in_custody: true,
            ..p.clone()
        };
        let id = self.insert_prisoner(&stored)?;
        stored.id = id;
        match source {
            None => self.audit::<(), _>(Entity::Prisoner, id, Deed::Admit, None, Some(&stored))?,
            Some(source) => self.audit::<(), _>(
                Entity::Prisoner,
                id,
                Deed::Import,
                None,
                Some(&serde_json::json!({
                    "record": stored,
                    "file": source.file,
                    "sha256": source.sha256,
                    "import": source.import_id,
                    "row": source.row,
                    "alert": accepted.err(),
                })),
            )?,
        }
        super::allocation::record_plain_move(
            self,
            id,
            None,
            p.cell_id,
            p.admitted_at.and_utc(),
            crate::domain::allocate::MoveReason::Admission,
        )?;
        self.append_event(&CustodyEvent {
            id: 0,
            prisoner_id: id,
            kind: EventKind::Admission,
            at: p.admitted_at,
            facility_id,
            authority: p.committing_authority.clone(),
            reason: if p.warrant_ref.is_empty() {
                "admission".into()
            } else {
                format!("warrant {}", p.warrant_ref)
            },
            recorded_by: self.actor.name.clone(),
        })?;
        // A sentence typed on the admission form is the person's first case, so the expected release is worked
        // out from the day they arrive, on every path that admits (screen, command line, import).
        if let Some(case) = crate::domain::sentence::case_from_admission(p) {
            self.add_case(id, &case)?;
        }
        Ok(id)
    }
}

impl Tx<'_> {
    /// Ends custody inside a transaction the caller holds (the demo releases many in one).
    pub fn release(
        &self,
        prisoner_id: i64,
        authority: &str,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        let sql = format!("SELECT {PRISONER_COLUMNS} FROM prisoner p WHERE p.id = ?1");
        let before = self
            .query_row_cached(&sql, [prisoner_id], read_prisoner)
            .optional()?
            .ok_or_else(|| invalid("this prisoner's record no longer exists"))?;
        check_movement(&before, authority, reason).map_err(invalid)?;
        if at < before.admitted_at {
            return Err(refused("at", "Release time", "before the admission"));
        }
        let facility_id = before
            .facility_id
            .ok_or_else(|| invalid("not held in any facility"))?;
        self.append_event(&CustodyEvent {
            id: 0,
            prisoner_id,
            kind: EventKind::Release,
            at,
            facility_id,
            authority: authority.trim().to_string(),
            reason: reason.trim().to_string(),
            recorded_by: self.actor.name.clone(),
        })?;
        let after = Prisoner {
            in_custody: false,
            cell_id: None,
            ..before.clone()
        };
        self.write_prisoner(&after)?;
        super::allocation::record_plain_move(
            self,
            prisoner_id,
            before.cell_id,
            None,
            at.and_utc(),
            crate::domain::allocate::MoveReason::Release,
        )?;
        super::rosters::end_open_referrals(self, prisoner_id, "released")?;
        super::segregation::end_on_leaving(self, prisoner_id, at)?;
        self.audit(
            Entity::Prisoner,
            prisoner_id,
            Deed::Release,
            Some(&before),
            Some(&after),
        )
    }
}

impl Store {
    pub fn number_pattern(&self) -> Result<NumberPattern> {
        let source = self
            .setting(&Setting::NumberPattern)?
            .unwrap_or_else(|| DEFAULT_NUMBER_PATTERN.to_string());
        NumberPattern::parse(&source).map_err(StoreError::invalid)
    }

    /// The next free number for an admission in `facility_code` in `year`.
    pub fn next_number(&self, facility_code: &str, year: i32) -> Result<String> {
        let pattern = self.number_pattern()?;
        let count: i64 =
            self.conn()
                .query_row_cached("SELECT count(*) FROM prisoner", [], |r| r.get(0))?;
        let mut seq = count as u64 + 1;
        loop {
            let candidate = pattern.format(year, facility_code, seq);
            let taken: bool = self.conn().query_row_cached(
                "SELECT EXISTS(SELECT 1 FROM prisoner WHERE number = ?1)",
                [&candidate],
                |r| r.get(0),
            )?;
            if !taken {
                return Ok(candidate);
            }
            seq += 1;
        }
    }

    pub fn admit(&mut self, actor: &Actor, p: &Prisoner) -> Result<i64> {
        let pattern = self.number_pattern()?;
        let today = actor.at.date_naive();
        self.write(actor, Need::To(Permission::Admit), "new prisoner", |tx| {
            tx.admit(p, &pattern, today)
        })
    }

    pub fn prisoner(&self, id: i64) -> Result<Option<PrisonerRow>> {
        let sql = format!(
            "SELECT {PRISONER_COLUMNS}, f.name, c.code FROM prisoner p
             LEFT JOIN facility f ON f.id = p.facility_id LEFT JOIN cell c ON c.id = p.cell_id
             WHERE p.id = ?1"
        );
        Ok(self
            .conn()
            .query_row_cached(&sql, [id], |r| {
                Ok(PrisonerRow {
                    prisoner: read_prisoner(r)?,
                    facility: r.get(17)?,
                    cell: r.get(18)?,
                })
            })
            .optional()?)
    }

    pub fn prisoner_by_number(&self, number: &str) -> Result<Option<PrisonerRow>> {
        let id: Option<i64> = self
            .conn()
            .query_row_cached("SELECT id FROM prisoner WHERE number = ?1", [number], |r| {
                r.get(0)
            })
            .optional()?;
        match id {
            Some(id) => self.prisoner(id),
            None => Ok(None),
        }
    }

    /// What an edit needs: each changed field's own permission (the VEP flag: SetVepFlag, Rule 9) or
    /// EditPrisoner. Every need but one is checked here (and audited if refused); the one returned is the
    /// write's own, so an assessor may set the flag and nothing else, and an officer anything but the flag.
    fn edit_need(
        &mut self,
        actor: &Actor,
        loaded: &Prisoner,
        edited: &Prisoner,
        target: &str,
    ) -> Result<Permission> {
        let mut needs: Vec<Permission> = Vec::new();
        for spec in prisoner::FIELDS {
            if loaded.get(spec.key) != edited.get(spec.key) {
                let need = spec.edit.unwrap_or(Permission::EditPrisoner);
                if !needs.contains(&need) {
                    needs.push(need);
                }
            }
        }
        let Some((first, rest)) = needs.split_first() else {
            return Ok(Permission::EditPrisoner);
        };
        for need in rest {
            self.authorise(actor, Need::To(*need), target)?;
        }
        Ok(*first)
    }

    /// Saves an edited record. Custody (facility, cell, in custody) changes only through events, so those
    /// fields are taken from the stored record, whatever the caller sent.
    pub fn update_prisoner(&mut self, actor: &Actor, edited: &Prisoner) -> Result<Prisoner> {
        let pattern = self.number_pattern()?;
        let today = actor.at.date_naive();
        let edited = &edited.cleaned();
        edited.validate(&pattern, today).map_err(invalid)?;
        let target = format!("prisoner {}", edited.id);
        let stored = self.prisoner(edited.id)?.map(|r| r.prisoner);
        let need = self.edit_need(actor, stored.as_ref().unwrap_or(edited), edited, &target)?;
        self.write(actor, Need::To(need), &target, |tx| {
            let before = tx.stored_prisoner(edited.id)?;
            tx.save_update(before, edited.clone())
        })
    }

    /// Saves what an editor changed since `loaded` (the record as their screen showed it) onto the record as it
    /// is now. A field someone else changed meanwhile is never overwritten: if the editor changed it too, the
    /// save is refused naming the field, and nothing is written.
    pub fn update_prisoner_from(
        &mut self,
        actor: &Actor,
        loaded: &Prisoner,
        edited: &Prisoner,
    ) -> Result<Prisoner> {
        let pattern = self.number_pattern()?;
        let today = actor.at.date_naive();
        let edited = &edited.cleaned();
        edited.validate(&pattern, today).map_err(invalid)?;
        let target = format!("prisoner {}", edited.id);
        let need = self.edit_need(actor, loaded, edited, &target)?;
        self.write(actor, Need::To(need), &target, |tx| {
            let before = tx.stored_prisoner(edited.id)?;
            let mut merged = before.clone();
            let mut clashes = Vec::new();
            for spec in prisoner::FIELDS {
                let (was, wanted, now) = (
                    loaded.get(spec.key),
                    edited.get(spec.key),
                    before.get(spec.key),
                );
                if wanted == was {
                    continue;
                }
                if now != was && now != wanted {
                    let shown = if now.is_empty() {
                        "nothing".to_string()
                    } else {
                        format!("'{now}'")
                    };
                    clashes.push(format!("{} (now {shown})", spec.label));
                }
                merged.set(spec.key, &wanted, today).map_err(invalid)?;
            }
            if !clashes.is_empty() {
                return Err(invalid(format!(
                    "{CHANGED_MEANWHILE} {} while you were editing; nothing was saved.",
                    clashes.join(", ")
                )));
            }
            tx.save_update(before, merged)
        })
    }

    /// Moves a prisoner to another facility: an out event at the old one, an in event at the new one.
    pub fn transfer(
        &mut self,
        actor: &Actor,
        prisoner_id: i64,
        to_facility: i64,
        authority: &str,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::Transfer),
            &format!("prisoner {prisoner_id}"),
            |tx| {
                tx.transfer(prisoner_id, to_facility, authority, reason, at, true)
                    .map(|_| ())
            },
        )
    }

    /// Ends custody. The record stays; only `in_custody` and the cell change.
    pub fn release(
        &mut self,
        actor: &Actor,
        prisoner_id: i64,
        authority: &str,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::Release),
            &format!("prisoner {prisoner_id}"),
            |tx| tx.release(prisoner_id, authority, reason, at),
        )
    }

    pub fn events(&self, prisoner_id: i64) -> Result<Vec<(CustodyEvent, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT e.id, e.prisoner_id, e.kind, e.at, e.facility_id, e.authority, e.reason, e.recorded_by, f.name
             FROM custody_event e JOIN facility f ON f.id = e.facility_id
             WHERE e.prisoner_id = ?1 ORDER BY e.at, e.id",
        )?;
        let rows = stmt.query_map([prisoner_id], |r| {
            let kind: String = r.get(2)?;
            let at: String = r.get(3)?;
            Ok((
                CustodyEvent {
                    id: r.get(0)?,
                    prisoner_id: r.get(1)?,
                    kind: EventKind::parse(&kind).unwrap_or(EventKind::Admission),
                    at: NaiveDateTime::parse_from_str(&at, TIME_FORMAT).unwrap_or_default(),
                    facility_id: r.get(4)?,
                    authority: r.get(5)?,
                    reason: r.get(6)?,
                    recorded_by: r.get(7)?,
                },
                r.get(8)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Who is in a cell now, by name.
    pub fn occupants(&self, cell_id: i64) -> Result<Vec<SearchHit>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{HIT_SELECT} {HIT_FROM} WHERE p.cell_id = ?1 AND p.in_custody = 1 ORDER BY p.sort_key"
        ))?;
        let rows = stmt.query_map([cell_id], read_hit)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// People in custody without a cell (admitted and not yet placed, or moved out of a cell taken out of use),
    /// newest admission first, at most `limit`.
    pub fn without_a_cell(&self, limit: usize) -> Result<Vec<SearchHit>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{HIT_SELECT} {HIT_FROM} WHERE p.in_custody = 1 AND p.cell_id IS NULL
             ORDER BY p.admitted_at DESC, p.id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit.clamp(1, 1000) as i64], read_hit)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Finds people as staff type: the words of the query in any order, each the beginning of a part of a name, an
    /// alias or a Latin civil-status spelling, ignoring case and accents, in the name's own script or in Latin
    /// letters ("nurlanov" finds "Нурланов"); a prison number or part of one; and, from three letters, any run of
    /// letters inside a name. Best first (the rule is `domain::name_search::tier`), in custody before released.
    /// A person found only through an alias carries it in [`SearchHit::alias`].
    ///
    /// Two steps, for the typing budget: the candidates (up to [`SAMPLE`] times `limit` from each source) are ranked
    /// from the word index's own small rows, and only the `limit` best are read from the register, whose rows
    /// carry the whole record (about six to a page: reading every candidate's row was most of a key's time).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let folded = fold(query.trim());
        let words = name_search::query_words(query);
        let limit = limit.clamp(1, 1000);
        if folded.is_empty() {
            let mut stmt = self.conn().prepare_cached(&format!(
                "{HIT_SELECT} {HIT_FROM} ORDER BY p.admitted_at DESC, p.id DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit as i64], read_hit)?;
            return Ok(rows.collect::<rusqlite::Result<_>>()?);
        }
        // Each source walks its own index in order and stops at its limit; the ranking below puts the best first
        // (ordering by custody in SQL would sort every match, thousands for one letter, before the limit).
        //   ?1-?2 family names that start with what was typed, ?3-?4 numbers that do, ?5 each source's limit,
        //   ?6 every word whole, ?7 every word as a beginning, ?8 the run of letters anywhere (trigrams).
        let mut sources = vec![
            "SELECT id FROM (SELECT id FROM prisoner WHERE sort_key >= ?1 AND sort_key < ?2 ORDER BY sort_key LIMIT ?5)",
            "SELECT id FROM (SELECT id FROM prisoner WHERE number >= ?3 AND number < ?4 ORDER BY number LIMIT ?5)",
        ];
        if !words.is_empty() {
            sources.push("SELECT rowid FROM (SELECT rowid FROM prisoner_word WHERE prisoner_word MATCH ?6 LIMIT ?5)");
            sources.push("SELECT rowid FROM (SELECT rowid FROM prisoner_word WHERE prisoner_word MATCH ?7 LIMIT ?5)");
        }
        // Trigrams need three letters; FTS5 reads its query up to the first NUL, so a NUL would leave the phrase
        // unterminated.
        let inside = folded.replace('\0', "");
        if inside.chars().count() >= 3 {
            sources.push("SELECT rowid FROM (SELECT rowid FROM prisoner_search WHERE names MATCH ?8 LIMIT ?5)");
        }
        let sql = format!(
            "SELECT id, number, sort_key, in_custody, names, aliases, shown FROM prisoner_find
             WHERE id IN ({})",
            sources.join(" UNION ")
        );
        let quoted = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
        let whole: Vec<String> = words.iter().map(|w| quoted(w)).collect();
        let begins: Vec<String> = words.iter().map(|w| format!("{}*", quoted(w))).collect();
        let number = query.trim().to_uppercase();
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let params: [&dyn rusqlite::ToSql; 8] = [
            &folded,
            &format!("{folded}\u{10FFFF}"),
            &number,
            &format!("{number}\u{10FFFF}"),
            &(limit as i64 * SAMPLE),
            &whole.join(" "),
            &begins.join(" "),
            &quoted(&inside),
        ];
        // A source left out leaves its parameter out of the statement (the last ones).
        let used = stmt.parameter_count();
        let rows = stmt.query_map(&params[..used], |r| {
            Ok(Found {
                id: r.get(0)?,
                number: r.get(1)?,
                sort_key: r.get(2)?,
                in_custody: r.get(3)?,
                names: r.get(4)?,
                aliases: r.get(5)?,
                shown: r.get(6)?,
            })
        })?;
        let mut found: Vec<Found> = rows.collect::<rusqlite::Result<_>>()?;
        found.sort_by_cached_key(|f| {
            let tier = name_search::tier(
                &folded,
                &words,
                &name_search::Candidate {
                    number: &f.number,
                    sort_key: &f.sort_key,
                    name_words: &f.names,
                    alias_words: &f.aliases,
                },
            );
            (tier, !f.in_custody, f.sort_key.clone(), f.id)
        });
        found.truncate(limit);
        // The best, read in full, in their ranked order.
        let ids = serde_json::to_string(&found.iter().map(|f| f.id).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn().prepare_cached(&format!(
            "{HIT_SELECT} {HIT_FROM} WHERE p.id IN (SELECT value FROM json_each(?1))"
        ))?;
        let mut hits: std::collections::HashMap<i64, SearchHit> = stmt
            .query_map([ids], read_hit)?
            .map(|r| r.map(|h| (h.id, h)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(found
            .iter()
            .filter_map(|f| {
                let mut hit = hits.remove(&f.id)?;
                if !name_search::all_begin(&words, f.names.split(' ')) {
                    hit.alias = name_search::alias_matched(&words, &f.names, f.shown.split('\n'))
                        .map(str::to_string);
                }
                Some(hit)
            })
            .collect())
    }
}

/// Kept beside the store so the CLI and TUI agree on how an event reads.
pub fn describe_event(e: &CustodyEvent, facility: &str) -> String {
    let what = match e.kind {
        EventKind::Admission => "admitted to",
        EventKind::TransferOut => "transferred out of",
        EventKind::TransferIn => "transferred into",
        EventKind::Release => "released from",
    };
    format!(
        "{} {what} {facility} ({}; {}) by {}",
        e.at.format(TIME_FORMAT),
        e.authority,
        e.reason,
        e.recorded_by
    )
}
