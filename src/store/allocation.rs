//! Allocation in SQL: compact cell summaries for the allocator, the service's allocation policy, and cell moves
//! that check every hard rule again inside the write transaction.

use super::rows::word;
use super::{Actor, Result, Store, StoreError, Tx, time_text};
use crate::domain::allocate::{
    self, AllocationRules, Breach, Candidates, CellInfo, Context, FacilityInfo, KeepApart,
    MoveReason, Mover, Occupant, Suggestion, UnitInfo,
};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::Need;
use crate::domain::auth::{Permission, Role, may};
use crate::domain::estate::{
    AgeGroup, FacilityKind, LegalStatus, SecurityLevel, Sex, UnitSex, UnitUse,
};
use crate::domain::non_association::{NaReason, NaScope, NonAssociation};
use crate::domain::prisoner::{ADULT_AGE, BirthDate};
use crate::domain::settings::Setting;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::HashMap;
use std::rc::Rc;

/// Which cells to summarise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    All,
    Facility(i64),
    Cell(i64),
}

/// What a screen showed when the officer chose a cell, so a refusal can say what changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// The person's cell then.
    pub from_cell: Option<i64>,
    /// Others in the chosen cell then.
    pub occupants: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MoveRequest<'a> {
    pub prisoner_id: i64,
    pub to_cell: i64,
    pub reason: MoveReason,
    pub comment: &'a str,
    /// A supervisor's written reason for placing someone despite an overridable hard rule.
    pub override_reason: Option<&'a str>,
    /// With an override: the day the temporary placement is looked at again (required then, at most
    /// `MAX_TEMPORARY_DAYS` ahead).
    pub review_by: Option<NaiveDate>,
    pub seen: Option<Seen>,
}

/// A move as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub id: i64,
    pub prisoner_id: i64,
    pub from_cell: Option<i64>,
    pub to_cell: Option<i64>,
    pub at: String,
    pub reason: MoveReason,
    pub comment: String,
    pub recorded_by: String,
    /// The hard rules a supervisor overrode, by their policy words.
    pub overridden: Option<String>,
    /// With an override: the day this temporary placement is to be looked at again (YYYY-MM-DD).
    pub review_by: Option<String>,
    pub override_reason: Option<String>,
}

/// A move with the codes of its cells, for the history on a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    pub movement: Movement,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Like `word`, without allocating: the allocator reads a national register's worth of these at a time.
fn exact_word<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    idx: usize,
    r: &rusqlite::Row,
) -> rusqlite::Result<T> {
    let s = r.get_ref(idx)?.as_str().map_err(rusqlite::Error::from)?;
    all.iter()
        .copied()
        .find(|v| as_str(*v) == s)
        .ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                idx,
                rusqlite::types::Type::Text,
                format!("unexpected '{s}'").into(),
            )
        })
}

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// Age group from the stored birth text ("YYYY" or "YYYY-MM-DD"), as `Prisoner::age_group` decides it.
fn age_group(birth: &str, today: NaiveDate) -> AgeGroup {
    // Read by hand: chrono's format parser costs more than everything else per occupant on a national register.
    let number = |s: &str| -> Option<u32> {
        s.bytes()
            .try_fold(0u32, |n, b| {
                b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
            })
            .filter(|_| !s.is_empty())
    };
    let parsed = match (birth.len(), birth.get(..4).and_then(number)) {
        (4, Some(y)) => Some(BirthDate::YearOnly(y as i32)),
        (10, Some(y)) => {
            let (m, d) = (
                birth.get(5..7).and_then(number),
                birth.get(8..10).and_then(number),
            );
            m.zip(d)
                .and_then(|(m, d)| NaiveDate::from_ymd_opt(y as i32, m, d))
                .map(BirthDate::Exact)
        }
        _ => None,
    };
    match parsed {
        Some(b) if b.age_on(today) < ADULT_AGE => AgeGroup::Young,
        Some(_) => AgeGroup::Adult,
        // The admission path validates births; an unreadable one is treated as young, the safer placement.
        None => AgeGroup::Young,
    }
}

/// Reads language lists stored as JSON, parsing each distinct list once.
struct LanguageSets {
    seen: HashMap<String, u32>,
    /// Cellmates often speak the same languages: the last list read, checked before hashing.
    last: Option<(String, u32)>,
}

impl LanguageSets {
    fn new() -> Self {
        LanguageSets {
            seen: HashMap::new(),
            last: None,
        }
    }

    fn get(&mut self, c: &mut Candidates, json: Option<&str>) -> u32 {
        let json = json.unwrap_or("[]");
        if let Some((last, i)) = &self.last
            && last == json
        {
            return *i;
        }
        let i = self.lookup(c, json);
        match &mut self.last {
            Some((last, index)) => {
                last.clear();
                last.push_str(json);
                *index = i;
            }
            None => self.last = Some((json.to_string(), i)),
        }
        i
    }

    fn lookup(&mut self, c: &mut Candidates, json: &str) -> u32 {
        if let Some(&i) = self.seen.get(json) {
            return i;
        }
        let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
        let i = c.language_set(names.iter().map(String::as_str));
        self.seen.insert(json.to_string(), i);
        i
    }
}

/// Summaries of the cells `within`, with their units and facilities and who is in each.
pub(crate) fn load_candidates(
    conn: &Connection,
    within: Within,
    today: NaiveDate,
) -> Result<Candidates> {
    let (facility_filter, unit_filter, cell_filter) = match within {
        Within::All => ("1", "1", "1"),
        Within::Facility(_) => ("f.id = ?1", "u.facility_id = ?1", "u.facility_id = ?1"),
        Within::Cell(_) => (
            "f.id = (SELECT u.facility_id FROM cell c JOIN unit u ON u.id = c.unit_id WHERE c.id = ?1)",
            "u.id = (SELECT unit_id FROM cell WHERE id = ?1)",
            "c.id = ?1",
        ),
    };
    let arg = match within {
        Within::All => None,
        Within::Facility(id) | Within::Cell(id) => Some(id),
    };
    let bind = |sql: &str| -> Vec<&dyn rusqlite::ToSql> {
        if sql.contains("?1") {
            arg.iter().map(|a| a as &dyn rusqlite::ToSql).collect()
        } else {
            Vec::new()
        }
    };
    let mut c = Candidates::default();

    let sql = format!(
        "SELECT f.id, f.code, f.name, f.region, f.kind FROM facility f WHERE {facility_filter} ORDER BY f.id"
    );
    let mut facility_index = HashMap::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(bind(&sql).as_slice())?;
    while let Some(r) = rows.next()? {
        facility_index.insert(r.get::<_, i64>(0)?, c.facilities.len());
        c.facilities.push(FacilityInfo {
            id: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            region: r.get(3)?,
            kind: word(FacilityKind::parse, 4, r)?,
        });
    }

    let sql = format!(
        "SELECT u.id, u.facility_id, u.code, u.sex, u.age_group, u.legal_use, u.security FROM unit u
         WHERE {unit_filter} ORDER BY u.id"
    );
    let mut unit_index = HashMap::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(bind(&sql).as_slice())?;
    while let Some(r) = rows.next()? {
        let Some(&facility) = facility_index.get(&r.get::<_, i64>(1)?) else {
            continue;
        };
        unit_index.insert(r.get::<_, i64>(0)?, c.units.len());
        c.units.push(UnitInfo {
            id: r.get(0)?,
            facility,
            code: r.get(2)?,
            sex: word(UnitSex::parse, 3, r)?,
            age_group: word(AgeGroup::parse, 4, r)?,
            legal_use: word(UnitUse::parse, 5, r)?,
            security: word(SecurityLevel::parse, 6, r)?,
        });
    }

    let sql = format!(
        "SELECT c.id, c.unit_id, c.code, c.certified, c.operational, c.maximum, c.out_of_use
         FROM cell c JOIN unit u ON u.id = c.unit_id WHERE {cell_filter} ORDER BY c.id"
    );
    let mut cell_index = HashMap::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(bind(&sql).as_slice())?;
    while let Some(r) = rows.next()? {
        let Some(&unit) = unit_index.get(&r.get::<_, i64>(1)?) else {
            continue;
        };
        cell_index.insert(r.get::<_, i64>(0)?, c.cells.len());
        c.cells.push(CellInfo {
            id: r.get(0)?,
            unit,
            code: r.get(2)?,
            certified: r.get(3)?,
            operational: r.get(4)?,
            maximum: r.get(5)?,
            out_of_use: r.get(6)?,
            occupants: Vec::new(),
        });
    }

    let sql = occupants_query(&within);
    let mut languages = LanguageSets::new();
    // The index hands rows over in cell order, so the lookup is needed once per cell, not per person.
    let mut current: Option<(i64, Option<usize>)> = None;
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(bind(&sql).as_slice())?;
    while let Some(r) = rows.next()? {
        let cell_id: i64 = r.get(0)?;
        let cell = match current {
            Some((id, index)) if id == cell_id => index,
            _ => {
                let index = cell_index.get(&cell_id).copied();
                current = Some((cell_id, index));
                index
            }
        };
        let Some(cell) = cell else { continue };
        let birth = r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        let vep: bool = r.get(5)?;
        let langs = languages.get(
            &mut c,
            r.get_ref(7)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?,
        );
        c.cells[cell].occupants.push(Occupant {
            prisoner_id: r.get(1)?,
            sex: exact_word(Sex::ALL, Sex::as_str, 2, r)?,
            status: exact_word(LegalStatus::ALL, LegalStatus::as_str, 3, r)?,
            age: age_group(birth, today),
            vep,
            // Until classification records a violence risk, the violent-extremist flag stands for it.
            violent: vep,
            vulnerable: r.get(6)?,
            languages: langs,
        });
    }
    Ok(c)
}

/// The custody level in force from a person's newest classification (the `classification` view: sent-back ones
/// do not count, a pending override binds only where stricter), for the query that loads them (`?1` = the id).
const CURRENT_CUSTODY: &str = "(SELECT c.level FROM classification c WHERE c.prisoner_id = ?1
     ORDER BY c.finalised_at DESC, c.id DESC LIMIT 1)";

impl Store {
    /// The custody level from the newest final classification, if there is one (the allocator's custody rule).
    pub fn custody_level(&self, prisoner_id: i64) -> Result<Option<SecurityLevel>> {
        let level: Option<String> = self
            .conn()
            .prepare_cached(&format!("SELECT {CURRENT_CUSTODY}"))?
            .query_row([prisoner_id], |r| r.get(0))?;
        Ok(level.and_then(|l| SecurityLevel::parse(&l)))
    }
}

/// A movement row for a cell change the allocator did not make (admission into a cell, transfer or release out
/// of one), so a record's cell history has no gaps.
pub(crate) fn record_plain_move(
    tx: &super::Tx,
    prisoner_id: i64,
    from_cell: Option<i64>,
    to_cell: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
    reason: MoveReason,
) -> Result<()> {
    if from_cell.is_none() && to_cell.is_none() {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO movement(prisoner_id, from_cell, to_cell, at, reason, comment, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)",
    )?
    .execute(params![
        prisoner_id,
        from_cell,
        to_cell,
        time_text(at),
        reason.as_str(),
        tx.actor.name
    ])?;
    Ok(())
}

/// A person as the allocator sees them, with their number and name for messages.
pub(crate) fn load_mover(
    conn: &Connection,
    prisoner_id: i64,
    today: NaiveDate,
) -> Result<Option<(Mover, String, bool)>> {
    let found = conn
        .prepare_cached(
            &format!(
                "SELECT id, sex, legal_status, birth, vep, vulnerable, json_extract(details, '$.languages'),
                        home_district, facility_id, cell_id, in_custody, number, family_name, {CURRENT_CUSTODY}
                 FROM prisoner WHERE id = ?1"
            ),
        )?
        .query_row([prisoner_id], |r| {
            let vep: bool = r.get(4)?;
            let languages: Option<String> = r.get(6)?;
            let birth: String = r.get(3)?;
            Ok((
                Mover {
                    id: r.get(0)?,
                    sex: word(Sex::parse, 1, r)?,
                    status: word(LegalStatus::parse, 2, r)?,
                    age: age_group(&birth, today),
                    custody: r
                        .get::<_, Option<String>>(13)?
                        .and_then(|l| SecurityLevel::parse(&l)),
                    vep,
                    violent: vep,
                    vulnerable: r.get(5)?,
                    languages: languages
                        .and_then(|j| serde_json::from_str(&j).ok())
                        .unwrap_or_default(),
                    home_district: r.get(7)?,
                    facility_id: r.get(8)?,
                    cell_id: r.get(9)?,
                },
                format!("{} {}", r.get::<_, String>(11)?, r.get::<_, String>(12)?),
                r.get::<_, bool>(10)?,
            ))
        })
        .optional()?;
    Ok(found)
}

/// The person's non-associations in force on `today`, each with where the other person is now.
pub(crate) fn load_keep_apart(
    conn: &Connection,
    prisoner_id: i64,
    today: NaiveDate,
) -> Result<Vec<KeepApart>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {}, o.number || ' ' || o.family_name, o.in_custody, o.facility_id, c.unit_id, o.cell_id
         FROM non_association na
         JOIN prisoner o ON o.id = CASE WHEN na.first_id = ?1 THEN na.second_id ELSE na.first_id END
         LEFT JOIN cell c ON c.id = o.cell_id
         WHERE (na.first_id = ?1 OR na.second_id = ?1) AND na.closed_at IS NULL",
        super::non_associations::NA_COLUMNS
    ))?;
    let rows = stmt.query_map([prisoner_id], |r| {
        let na = super::non_associations::read_na(r)?;
        let in_custody: bool = r.get(super::non_associations::NA_WIDTH + 1)?;
        let at = |i| -> rusqlite::Result<Option<i64>> {
            Ok(if in_custody {
                r.get(super::non_associations::NA_WIDTH + i)?
            } else {
                None
            })
        };
        Ok((
            na,
            KeepApart {
                other_id: 0,
                other: r.get(super::non_associations::NA_WIDTH)?,
                scope: NaScope::Cell,
                reason: NaReason::Other,
                facility_id: at(2)?,
                unit_id: at(3)?,
                cell_id: at(4)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (na, mut k): (NonAssociation, KeepApart) = row?;
        if !na.active_on(today) {
            continue;
        }
        let Some((other, _)) = na.other(prisoner_id) else {
            continue;
        };
        k.other_id = other;
        k.scope = na.scope;
        k.reason = na.reason;
        out.push(k);
    }
    Ok(out)
}

pub(crate) fn load_rules(conn: &Connection) -> Result<AllocationRules> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
        .query_row([Setting::AllocationRules.key()], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(AllocationRules::default()),
        Some(t) => AllocationRules::from_toml(&t).map_err(StoreError::invalid),
    }
}

fn role_of(conn: &Connection, name: &str) -> Result<Option<Role>> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM staff WHERE name = ?1 AND disabled = 0")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    Ok(role.and_then(|r| r.parse().ok()))
}

fn join_reasons(breaches: &[Breach]) -> String {
    breaches
        .iter()
        .map(|b| b.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Tx<'_> {
    /// Moves someone to a cell in the facility that holds them, after checking every hard rule against the
    /// database as it is inside this transaction. Refusals say which rules, and what changed since `seen`.
    pub fn move_to_cell(&self, req: &MoveRequest) -> Result<Movement> {
        self.move_recorded(req, None)
    }

    /// The move, recording `left` as the cell moved from when the person has none here: the cell they left by
    /// a transfer in this same transaction, so the history shows one move from the old cell to the new.
    pub(crate) fn move_recorded(&self, req: &MoveRequest, left: Option<i64>) -> Result<Movement> {
        allocate::check_move_text(req.comment, req.override_reason).map_err(invalid)?;
        let today = self.actor.at.date_naive();
        let (mover, who, in_custody) = load_mover(self, req.prisoner_id, today)?
            .ok_or_else(|| invalid("this prisoner's record no longer exists"))?;
        if !in_custody {
            return Err(invalid(format!("{who} is not in custody")));
        }
        let cell_code = |id: Option<i64>| -> Result<String> {
            Ok(match id {
                None => "no cell".into(),
                Some(id) => self
                    .prepare_cached("SELECT code FROM cell WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))
                    .optional()?
                    .unwrap_or_else(|| "no cell".into()),
            })
        };
        if let Some(seen) = req.seen
            && seen.from_cell != mover.cell_id
        {
            return Err(invalid(format!(
                "{who} was moved by someone else meanwhile (now in {}); look again before moving",
                cell_code(mover.cell_id)?
            )));
        }
        if mover.cell_id == Some(req.to_cell) {
            return Err(invalid(format!("{who} is already in that cell")));
        }
        let candidates = load_candidates(self, Within::Cell(req.to_cell), today)?;
        let place = candidates.place(0).ok_or_else(|| {
            invalid(super::FieldError::new("cell", "no such cell").labelled("Cell"))
        })?;
        if mover.facility_id != Some(place.facility.id) {
            return Err(invalid(format!(
                "cell {} is in {}, not where {who} is held: transfer first, then choose the cell",
                place.cell.code, place.facility.name
            )));
        }
        let rules = load_rules(self)?;
        let keep_apart = load_keep_apart(self, mover.id, today)?;
        let ctx = Context {
            rules: &rules,
            keep_apart: &keep_apart,
        };
        let breaches = allocate::explain_refusal(&mover, &candidates, 0, &ctx);
        let overriding = !breaches.is_empty();
        if overriding {
            let held = place.cellmates(&mover).count() as u32;
            let changed = match req.seen {
                Some(seen) if seen.occupants != held => format!(
                    " (since the list was shown, cell {} went from {} to {held} people)",
                    place.cell.code, seen.occupants
                ),
                _ => String::new(),
            };
            if req.override_reason.is_none() {
                return Err(invalid(format!(
                    "cell {} refused{changed}: {}",
                    place.cell.code,
                    join_reasons(&breaches)
                )));
            }
            let role = role_of(self, &self.actor.name)?;
            if !role.is_some_and(|r| may(r, Permission::OverrideAllocation)) {
                return Err(invalid(format!(
                    "cell {} refused{changed}: {}; only a supervisor may override",
                    place.cell.code,
                    join_reasons(&breaches)
                )));
            }
            let fixed: Vec<Breach> = breaches
                .iter()
                .filter(|b| !b.overridable)
                .cloned()
                .collect();
            if !fixed.is_empty() {
                return Err(invalid(format!(
                    "cell {} refused{changed}: {} (the service does not allow overriding this)",
                    place.cell.code,
                    join_reasons(&fixed)
                )));
            }
        }
        let review_by = if overriding {
            Some(allocate::check_review_by(req.review_by, today).map_err(invalid)?)
        } else {
            None
        };
        let movement = Movement {
            id: 0,
            prisoner_id: mover.id,
            from_cell: mover.cell_id.or(left),
            to_cell: Some(req.to_cell),
            at: time_text(self.actor.at),
            reason: req.reason,
            comment: req.comment.trim().to_string(),
            recorded_by: self.actor.name.clone(),
            overridden: overriding.then(|| {
                breaches
                    .iter()
                    .map(|b| b.rule.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            override_reason: req
                .override_reason
                .filter(|_| overriding)
                .map(|w| w.trim().to_string()),
            review_by: review_by.map(|d| d.format("%Y-%m-%d").to_string()),
        };
        self.prepare_cached("UPDATE prisoner SET cell_id = ?2 WHERE id = ?1 AND in_custody = 1")?
            .execute(params![mover.id, req.to_cell])?;
        self.prepare_cached(
            "INSERT INTO movement(prisoner_id, from_cell, to_cell, at, reason, comment, recorded_by, overridden,
                                  override_reason, review_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            movement.prisoner_id,
            movement.from_cell,
            movement.to_cell,
            movement.at,
            movement.reason.as_str(),
            movement.comment,
            movement.recorded_by,
            movement.overridden,
            movement.override_reason,
            movement.review_by
        ])?;
        let movement = Movement {
            id: self.last_insert_rowid(),
            ..movement
        };
        #[derive(Serialize)]
        struct Placement {
            cell_id: Option<i64>,
        }
        self.audit(
            Entity::Prisoner,
            mover.id,
            Deed::Move,
            Some(&Placement {
                cell_id: mover.cell_id,
            }),
            Some(&Placement {
                cell_id: Some(req.to_cell),
            }),
        )?;
        self.audit::<(), _>(
            Entity::Movement,
            movement.id,
            Deed::Create,
            None,
            Some(&movement),
        )?;
        Ok(movement)
    }
}

impl Store {
    /// The service's allocation policy, or the defaults when none is set.
    pub fn allocation_rules(&self) -> Result<AllocationRules> {
        load_rules(self.conn())
    }

    pub fn set_allocation_rules(&mut self, actor: &Actor, rules: &AllocationRules) -> Result<()> {
        rules.check().map_err(StoreError::invalid)?;
        self.set_setting(actor, &Setting::AllocationRules, &rules.to_toml())
    }

    /// Compact summaries of the cells in one facility (or all), for `allocate::rank`.
    pub fn candidate_cells(&self, within: Within, today: NaiveDate) -> Result<Rc<Candidates>> {
        match within {
            Within::All => self.estate_summaries(today),
            _ => Ok(Rc::new(load_candidates(self.conn(), within, today)?)),
        }
    }

    /// The person as the allocator sees them; None when there is no such record.
    pub fn mover(&self, prisoner_id: i64, today: NaiveDate) -> Result<Option<Mover>> {
        Ok(load_mover(self.conn(), prisoner_id, today)?.map(|(m, _, _)| m))
    }

    pub fn keep_apart(&self, prisoner_id: i64, today: NaiveDate) -> Result<Vec<KeepApart>> {
        load_keep_apart(self.conn(), prisoner_id, today)
    }

    /// Ranked cells for a person within a facility (or the whole estate), with the summaries they index.
    pub fn suggest_cells(
        &self,
        prisoner_id: i64,
        within: Within,
        today: NaiveDate,
    ) -> Result<(Mover, Rc<Candidates>, Vec<Suggestion>)> {
        let mover = self
            .mover(prisoner_id, today)?
            .ok_or_else(|| invalid("this prisoner's record no longer exists"))?;
        let candidates = self.candidate_cells(within, today)?;
        let rules = self.allocation_rules()?;
        let keep_apart = self.keep_apart(prisoner_id, today)?;
        let ranked = allocate::rank(
            &mover,
            &candidates,
            &Context {
                rules: &rules,
                keep_apart: &keep_apart,
            },
        );
        Ok((mover, candidates, ranked))
    }

    pub fn move_to_cell(&mut self, actor: &Actor, req: &MoveRequest) -> Result<Movement> {
        self.write(
            actor,
            Need::To(Permission::MoveCell),
            &format!("prisoner {}", req.prisoner_id),
            |tx| tx.move_to_cell(req),
        )
    }

    /// A person's cell moves, oldest first.
    pub fn movements(&self, prisoner_id: i64) -> Result<Vec<MovementRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.id, m.prisoner_id, m.from_cell, m.to_cell, m.at, m.reason, m.comment, m.recorded_by,
                    m.overridden, m.override_reason, fc.code, tc.code, m.review_by
             FROM movement m LEFT JOIN cell fc ON fc.id = m.from_cell LEFT JOIN cell tc ON tc.id = m.to_cell
             WHERE m.prisoner_id = ?1 ORDER BY m.at, m.id",
        )?;
        let rows = stmt.query_map([prisoner_id], |r| {
            Ok(MovementRow {
                movement: Movement {
                    id: r.get(0)?,
                    prisoner_id: r.get(1)?,
                    from_cell: r.get(2)?,
                    to_cell: r.get(3)?,
                    at: r.get(4)?,
                    reason: word(MoveReason::parse, 5, r)?,
                    comment: r.get(6)?,
                    recorded_by: r.get(7)?,
                    overridden: r.get(8)?,
                    override_reason: r.get(9)?,
                    review_by: r.get(12)?,
                },
                from: r.get(10)?,
                to: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Who is in the cells `within` covers, with what the allocator needs about each. INDEXED BY: without statistics
/// the planner prefers the narrower prisoner_cell index and then reads every row's JSON; prisoner_placement
/// answers from the index alone (migration 2). `?1` is the facility or cell where there is one.
pub(super) fn occupants_query(within: &Within) -> String {
    let occupant_filter = match within {
        Within::All => "1",
        Within::Facility(_) => {
            "p.cell_id IN (SELECT c.id FROM cell c JOIN unit u ON u.id = c.unit_id WHERE u.facility_id = ?1)"
        }
        Within::Cell(_) => "p.cell_id = ?1",
    };
    format!(
        "SELECT p.cell_id, p.id, p.sex, p.legal_status, p.birth, p.vep, p.vulnerable,
                json_extract(p.details, '$.languages')
         FROM prisoner p INDEXED BY prisoner_placement
         WHERE p.in_custody = 1 AND p.cell_id IS NOT NULL AND {occupant_filter}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::prisoner::Prisoner;

    #[test]
    fn the_quick_age_reading_agrees_with_the_register() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut p = Prisoner::blank(today.and_hms_opt(9, 0, 0).unwrap());
        for birth in [
            "2008",
            "2009",
            "2007",
            "2008-11-25",
            "2008-11-26",
            "2008-11-24",
            "2008-02-29",
            "1990-01-01",
            "2010-12-31",
        ] {
            p.birth = BirthDate::parse(birth, today).unwrap();
            assert_eq!(age_group(birth, today), p.age_group(today), "{birth}");
        }
        assert_eq!(age_group("20x8", today), AgeGroup::Young);
        assert_eq!(age_group("", today), AgeGroup::Young);
        assert_eq!(age_group("2008-13-01", today), AgeGroup::Young);
    }
}
