//! Cases, sentences and the expected release in SQL (issue 17): each write is checked by the domain, runs in one
//! transaction with its audit row, and writes the recomputed release date to `prisoner.expected_release` in the same
//! transaction, so the rosters, reports and the past-release alert read the date the record screen explains.

use super::CachedSql as _;
use super::{Actor, Result, Store, StoreError, Tx};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::sentence::{
    self, Case, Length, OffenceClass, Relation, ReleaseOverride, ReleaseRules, ReleaseWorking,
    Sentence, Warrant,
};
use crate::domain::settings::Setting;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

const CASE_COLUMNS: &str =
    "id, warrant_ref, court, warrant_issued, warrant_expires, offence, offence_class,
     committed_on, sentence, years, months, days, sentence_start, relation, related_case";

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn bad(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

fn read_case(r: &rusqlite::Row) -> rusqlite::Result<Case> {
    let issued: String = r.get(3)?;
    let expires: Option<String> = r.get(4)?;
    let class: String = r.get(6)?;
    let committed: String = r.get(7)?;
    let kind: Option<String> = r.get(8)?;
    let start: Option<String> = r.get(12)?;
    let relation: String = r.get(13)?;
    let related: Option<i64> = r.get(14)?;
    let sentence = match kind.as_deref() {
        None => None,
        Some(kind) => Some(Sentence {
            length: if kind == "life" {
                Length::Life
            } else {
                Length::Term {
                    years: r.get(9)?,
                    months: r.get(10)?,
                    days: r.get(11)?,
                }
            },
            start: start
                .as_deref()
                .and_then(date)
                .ok_or_else(|| bad(12, "sentence start"))?,
            relation: match (relation.as_str(), related) {
                ("consecutive", Some(id)) => Relation::ConsecutiveTo(id),
                _ => Relation::Concurrent(related),
            },
        }),
    };
    Ok(Case {
        id: r.get(0)?,
        warrant: Warrant {
            reference: r.get(1)?,
            court: r.get(2)?,
            issued: date(&issued).ok_or_else(|| bad(3, "warrant date"))?,
            expires: expires.as_deref().and_then(date),
        },
        offence: r.get(5)?,
        class: OffenceClass::parse(&class).ok_or_else(|| bad(6, "offence class"))?,
        committed: date(&committed).ok_or_else(|| bad(7, "committal date"))?,
        sentence,
    })
}

/// The read behind `cases_of`.
pub(super) fn cases_of_sql() -> String {
    format!("SELECT {CASE_COLUMNS} FROM custody_case WHERE prisoner_id = ?1")
}

/// A person's cases, earliest committal first. Sorted here rather than by `ORDER BY committed_on, id`: with that
/// clause SQLite re-prepared the statement on every run (its plan depends on the bound person), which made this
/// read, done three times for each case the demo adds, about a tenth of the national demo's CPU.
pub(super) fn cases_of(conn: &Connection, prisoner_id: i64) -> Result<Vec<Case>> {
    let mut stmt = conn.prepare_cached(&cases_of_sql())?;
    let rows = stmt.query_map([prisoner_id], read_case)?;
    let mut cases: Vec<Case> = rows.collect::<rusqlite::Result<_>>()?;
    cases.sort_by_key(|c| (c.committed, c.id));
    Ok(cases)
}

fn override_of(conn: &Connection, prisoner_id: i64) -> Result<Option<ReleaseOverride>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT release_on, reason FROM release_override WHERE prisoner_id = ?1")?
        .query_row([prisoner_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(d, reason)| date(&d).map(|date| ReleaseOverride { date, reason })))
}

fn rules_of(conn: &Connection) -> Result<ReleaseRules> {
    let get = |key: &str| -> Result<String> {
        // Cached: the demo reads the rules once per case it adds.
        Ok(conn
            .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
            .query_row([key], |r| r.get::<_, String>(0))
            .optional()?
            .unwrap_or_default())
    };
    Ok(ReleaseRules {
        remand_credit: ReleaseRules::parse_remand_credit(
            &get(&Setting::ReleaseRemandCredit.key())?,
        )
        .map_err(StoreError::invalid)?,
        remission: ReleaseRules::parse_remission(&get(&Setting::ReleaseRemission.key())?)
            .map_err(StoreError::invalid)?,
    })
}

fn refuse(e: sentence::CaseError) -> StoreError {
    StoreError::invalid(e.to_string())
}

/// What the audit trail keeps of a release date's recomputation.
#[derive(Serialize)]
struct ReleaseDate {
    expected_release: Option<NaiveDate>,
}

/// What the audit trail keeps beside a removed case.
#[derive(Serialize)]
struct Removal<'a> {
    reason: &'a str,
}

/// One line of the past-release alert and report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastRelease {
    pub prisoner_id: i64,
    pub number: String,
    pub name: String,
    pub facility: String,
    pub expected_release: NaiveDate,
    /// Days held past the release date, as at the day asked about.
    pub days_past: i64,
    /// Whether the date comes from a court order rather than the sentences.
    pub court_order: bool,
}

impl Tx<'_> {
    pub(super) fn has_cases(&self, prisoner_id: i64) -> Result<bool> {
        Ok(self.query_row_cached(
            "SELECT EXISTS(SELECT 1 FROM custody_case WHERE prisoner_id = ?1)",
            [prisoner_id],
            |r| r.get(0),
        )?)
    }

    /// Adds a case to a person's record (the screens, the command line and the demo all come here).
    pub fn add_case(&self, prisoner_id: i64, case: &Case) -> Result<i64> {
        let mut all = cases_of(self, prisoner_id)?;
        let mut checked = case.clone();
        // An id no stored case has, so a relation to "itself" is caught before the row exists.
        checked.id = i64::MAX;
        all.push(checked);
        sentence::check_cases(&all).map_err(refuse)?;
        let exists: bool = self
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM prisoner WHERE id = ?1)")?
            .query_row([prisoner_id], |r| r.get(0))?;
        if !exists {
            return Err(StoreError::invalid("no such prisoner"));
        }
        self.prepare_cached(
            "INSERT INTO custody_case(prisoner_id, warrant_ref, court, warrant_issued, warrant_expires, offence,
                                      offence_class, committed_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(rusqlite::params![
            prisoner_id,
            case.warrant.reference.trim(),
            case.warrant.court.trim(),
            case.warrant.issued.to_string(),
            case.warrant.expires.map(|d| d.to_string()),
            case.offence.trim(),
            case.class.as_str(),
            case.committed.to_string(),
        ])?;
        let id = self.last_insert_rowid();
        self.write_sentence(id, case.sentence.as_ref())?;
        let stored = Case { id, ..case.clone() };
        self.audit::<(), _>(Entity::CustodyCase, id, Deed::Add, None, Some(&stored))?;
        self.recompute_release(prisoner_id)?;
        Ok(id)
    }

    fn prisoner_of_case(&self, case_id: i64) -> Result<i64> {
        self.query_row_cached(
            "SELECT prisoner_id FROM custody_case WHERE id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::invalid("no such case"))
    }

    /// Corrects a case: see `Store::update_case`.
    pub fn update_case(&self, case_id: i64, case: &Case) -> Result<()> {
        let prisoner_id = self.prisoner_of_case(case_id)?;
        let mut all = cases_of(self, prisoner_id)?;
        let before = all.iter().find(|c| c.id == case_id).cloned();
        let after = Case {
            id: case_id,
            warrant: Warrant {
                reference: case.warrant.reference.trim().to_string(),
                court: case.warrant.court.trim().to_string(),
                ..case.warrant.clone()
            },
            offence: case.offence.trim().to_string(),
            ..case.clone()
        };
        for c in all.iter_mut().filter(|c| c.id == case_id) {
            *c = after.clone();
        }
        sentence::check_cases(&all).map_err(refuse)?;
        if before.as_ref() == Some(&after) {
            return Ok(());
        }
        self.prepare_cached(
            "UPDATE custody_case SET warrant_ref = ?2, court = ?3, warrant_issued = ?4, warrant_expires = ?5,
                    offence = ?6, offence_class = ?7, committed_on = ?8
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            case_id,
            after.warrant.reference,
            after.warrant.court,
            after.warrant.issued.to_string(),
            after.warrant.expires.map(|d| d.to_string()),
            after.offence,
            after.class.as_str(),
            after.committed.to_string(),
        ])?;
        self.write_sentence(case_id, after.sentence.as_ref())?;
        self.audit(
            Entity::CustodyCase,
            case_id,
            Deed::Correct,
            before.as_ref(),
            Some(&after),
        )?;
        self.recompute_release(prisoner_id).map(|_| ())
    }

    /// Removes a case entered in error: see `Store::remove_case`.
    pub fn remove_case(&self, case_id: i64, reason: &str) -> Result<()> {
        let reason = reason.trim();
        sentence::check_removal_reason(reason).map_err(refuse)?;
        let prisoner_id = self.prisoner_of_case(case_id)?;
        let all = cases_of(self, prisoner_id)?;
        let Some(removed) = all.iter().find(|c| c.id == case_id).cloned() else {
            return Err(StoreError::invalid("no such case"));
        };
        let rest: Vec<Case> = all.into_iter().filter(|c| c.id != case_id).collect();
        sentence::check_removal(&removed, &rest).map_err(refuse)?;
        self.execute_cached("DELETE FROM custody_case WHERE id = ?1", [case_id])?;
        self.audit(
            Entity::CustodyCase,
            case_id,
            Deed::Remove,
            Some(&removed),
            Some(&Removal { reason }),
        )?;
        self.recompute_release(prisoner_id).map(|_| ())
    }

    /// The expected release and its working, as the cases stand in this transaction.
    pub fn release_working(&self, prisoner_id: i64) -> Result<ReleaseWorking> {
        Ok(sentence::expected_release(
            &cases_of(self, prisoner_id)?,
            &rules_of(self)?,
            override_of(self, prisoner_id)?.as_ref(),
        ))
    }

    /// Sets (or removes) a court order's release date with its reason, and recomputes.
    pub fn set_release_override(
        &self,
        prisoner_id: i64,
        order: Option<&ReleaseOverride>,
    ) -> Result<()> {
        if let Some(o) = order {
            sentence::check_override(o).map_err(refuse)?;
        }
        let before = override_of(self, prisoner_id)?;
        match order {
            Some(o) => self.execute_cached(
                "INSERT INTO release_override(prisoner_id, release_on, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT(prisoner_id) DO UPDATE SET release_on = excluded.release_on,
                                                         reason = excluded.reason",
                rusqlite::params![prisoner_id, o.date.to_string(), o.reason.trim()],
            )?,
            None => self.execute_cached(
                "DELETE FROM release_override WHERE prisoner_id = ?1",
                [prisoner_id],
            )?,
        };
        self.audit(
            Entity::ReleaseOverride,
            prisoner_id,
            if order.is_some() {
                Deed::Set
            } else {
                Deed::Clear
            },
            before.as_ref(),
            order,
        )?;
        self.recompute_release(prisoner_id).map(|_| ())
    }

    fn write_sentence(&self, case_id: i64, s: Option<&Sentence>) -> Result<()> {
        let (kind, (y, m, d)) = match s.map(|s| s.length) {
            None => (None, (0, 0, 0)),
            Some(Length::Life) => (Some("life"), (0, 0, 0)),
            Some(Length::Term {
                years,
                months,
                days,
            }) => (Some("term"), (years, months, days)),
        };
        let (relation, related) = match s.map(|s| s.relation) {
            Some(Relation::ConsecutiveTo(id)) => ("consecutive", Some(id)),
            Some(Relation::Concurrent(id)) => ("concurrent", id),
            None => ("concurrent", None),
        };
        self.prepare_cached(
            "UPDATE custody_case SET sentence = ?2, years = ?3, months = ?4, days = ?5, sentence_start = ?6,
                    relation = ?7, related_case = ?8
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            case_id,
            kind,
            y,
            m,
            d,
            s.map(|s| s.start.to_string()),
            relation,
            related
        ])?;
        Ok(())
    }

    /// Works the person's release out again and stores it where it changed, with an audit row.
    fn recompute_release(&self, prisoner_id: i64) -> Result<ReleaseWorking> {
        let working = sentence::expected_release(
            &cases_of(self, prisoner_id)?,
            &rules_of(self)?,
            override_of(self, prisoner_id)?.as_ref(),
        );
        let stored: Option<String> = self
            .prepare_cached("SELECT expected_release FROM prisoner WHERE id = ?1")?
            .query_row([prisoner_id], |r| r.get(0))?;
        let before = stored.as_deref().and_then(date);
        if before != working.date {
            self.prepare_cached("UPDATE prisoner SET expected_release = ?2 WHERE id = ?1")?
                .execute(rusqlite::params![
                    prisoner_id,
                    working.date.map(|d| d.to_string())
                ])?;
            self.audit(
                Entity::Prisoner,
                prisoner_id,
                Deed::ExpectedRelease,
                Some(&ReleaseDate {
                    expected_release: before,
                }),
                Some(&ReleaseDate {
                    expected_release: working.date,
                }),
            )?;
        }
        Ok(working)
    }
}

impl Store {
    /// A person's cases, earliest committal first.
    pub fn cases(&self, prisoner_id: i64) -> Result<Vec<Case>> {
        cases_of(self.conn(), prisoner_id)
    }

    pub fn release_override(&self, prisoner_id: i64) -> Result<Option<ReleaseOverride>> {
        override_of(self.conn(), prisoner_id)
    }

    /// The station's release rules; none deducted where the service has set none.
    pub fn release_rules(&self) -> Result<ReleaseRules> {
        rules_of(self.conn())
    }

    /// The expected release and how it was worked out, from the cases as they are now.
    pub fn release_working(&self, prisoner_id: i64) -> Result<ReleaseWorking> {
        Ok(sentence::expected_release(
            &self.cases(prisoner_id)?,
            &self.release_rules()?,
            self.release_override(prisoner_id)?.as_ref(),
        ))
    }

    pub fn add_case(&mut self, actor: &Actor, prisoner_id: i64, case: &Case) -> Result<i64> {
        self.write(
            actor,
            Need::To(Permission::EditPrisoner),
            &format!("prisoner {prisoner_id}"),
            |tx| tx.add_case(prisoner_id, case),
        )
    }

    /// Records (or clears) the sentence passed on a case.
    pub fn set_sentence(
        &mut self,
        actor: &Actor,
        case_id: i64,
        sentence: Option<&Sentence>,
    ) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::EditPrisoner),
            &format!("case {case_id}"),
            |tx| {
                let prisoner_id: i64 = tx
                    .query_row_cached(
                        "SELECT prisoner_id FROM custody_case WHERE id = ?1",
                        [case_id],
                        |r| r.get(0),
                    )
                    .optional()?
                    .ok_or_else(|| StoreError::invalid("no such case"))?;
                let mut all = cases_of(tx, prisoner_id)?;
                let before = all.iter().find(|c| c.id == case_id).cloned();
                for c in all.iter_mut().filter(|c| c.id == case_id) {
                    c.sentence = sentence.copied();
                }
                sentence::check_cases(&all).map_err(refuse)?;
                tx.write_sentence(case_id, sentence)?;
                let after = all.iter().find(|c| c.id == case_id);
                tx.audit(
                    Entity::CustodyCase,
                    case_id,
                    Deed::Sentence,
                    before.as_ref(),
                    after,
                )?;
                tx.recompute_release(prisoner_id).map(|_| ())
            },
        )
    }

    /// Corrects a case as entered: its warrant, offence, class, committal and sentence, all replaced by `case`
    /// (its id is ignored). Checked with the person's other cases as they would then stand (a sentence ending
    /// before it starts, consecutive sentences pointing at each other); the release is worked out again.
    pub fn update_case(&mut self, actor: &Actor, case_id: i64, case: &Case) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::EditPrisoner),
            &format!("case {case_id}"),
            |tx| tx.update_case(case_id, case),
        )
    }

    /// Removes a case entered in error, with the reason; refused while another case's sentence runs after or
    /// with it. The audit row keeps the whole case and the reason.
    pub fn remove_case(&mut self, actor: &Actor, case_id: i64, reason: &str) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::EditPrisoner),
            &format!("case {case_id}"),
            |tx| tx.remove_case(case_id, reason),
        )
    }

    /// Replaces the computed release with a court order's date (reason required), or removes the order.
    pub fn set_release_override(
        &mut self,
        actor: &Actor,
        prisoner_id: i64,
        order: Option<&ReleaseOverride>,
    ) -> Result<()> {
        if let Some(o) = order {
            sentence::check_override(o).map_err(refuse)?;
        }
        self.write(
            actor,
            Need::To(Permission::EditPrisoner),
            &format!("prisoner {prisoner_id}"),
            |tx| tx.set_release_override(prisoner_id, order),
        )
    }

    /// Sets the station's release rules and recomputes everyone in custody who has a case, in one transaction;
    /// returns how many release dates changed.
    pub fn set_release_rules(&mut self, actor: &Actor, rules: &ReleaseRules) -> Result<usize> {
        self.write(
            actor,
            Need::To(Permission::ConfigureStation),
            "release rules",
            |tx| {
                let before = rules_of(tx)?;
                for (key, value) in [
                    (
                        Setting::ReleaseRemandCredit,
                        rules.remand_credit_text().to_string(),
                    ),
                    (Setting::ReleaseRemission, rules.remission_text()),
                ] {
                    tx.execute_cached(
                        "INSERT INTO setting(key, value) VALUES (?1, ?2)
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        [key.key().as_ref(), value.as_str()],
                    )?;
                }
                tx.audit(
                    Entity::Setting,
                    "release rules",
                    Deed::Set,
                    Some(&before),
                    Some(rules),
                )?;
                let ids: Vec<i64> = tx
                    .prepare(
                        "SELECT DISTINCT c.prisoner_id FROM custody_case c
                         JOIN prisoner p ON p.id = c.prisoner_id WHERE p.in_custody = 1",
                    )?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut changed = 0;
                for id in ids {
                    let stored: Option<String> = tx.query_row_cached(
                        "SELECT expected_release FROM prisoner WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )?;
                    if tx.recompute_release(id)?.date.map(|d| d.to_string()) != stored {
                        changed += 1;
                    }
                }
                Ok(changed)
            },
        )
    }

    /// Everyone in custody whose expected release is before `today`, longest past first; one facility or all.
    /// INDEXED BY: left to itself the planner walks everyone in custody through prisoner_headline.
    pub fn past_release(
        &self,
        facility_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<PastRelease>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.number, p.family_name || ', ' || p.given_names, coalesce(f.code, ''),
                    p.expected_release, o.prisoner_id IS NOT NULL
             FROM prisoner p INDEXED BY prisoner_release
             LEFT JOIN facility f ON f.id = p.facility_id
             LEFT JOIN release_override o ON o.prisoner_id = p.id
             WHERE p.in_custody = 1 AND p.expected_release < ?1
               AND (?2 IS NULL OR p.facility_id = ?2)
             ORDER BY p.expected_release, p.number",
        )?;
        let rows = stmt.query_map(rusqlite::params![today.to_string(), facility_id], |r| {
            let on: String = r.get(4)?;
            let on = date(&on).ok_or_else(|| bad(4, "expected release"))?;
            Ok(PastRelease {
                prisoner_id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                facility: r.get(3)?,
                expected_release: on,
                days_past: (today - on).num_days(),
                court_order: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
