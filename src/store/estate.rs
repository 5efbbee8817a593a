//! Estate queries and writes: facilities, units, cells, with their occupancy.

use super::CachedSql as _;
use super::rows::word;
use super::{Actor, Result, Store, StoreError, Tx};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::estate::{
    AgeGroup, Cell, Facility, FacilityKind, SecurityLevel, Unit, UnitSex, UnitUse,
};
use crate::domain::estate_file::{EstateFile, FileError};
use crate::domain::estate_plan::{self, Change, ExistingEstate, Plan};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// Capacity and head-count totals for one level of the estate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EstateCounts {
    pub certified: u64,
    pub operational: u64,
    pub occupants: u64,
    pub cells: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityRow {
    pub facility: Facility,
    pub counts: EstateCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRow {
    pub unit: Unit,
    pub counts: EstateCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellRow {
    pub cell: Cell,
    pub occupants: u64,
}

pub(crate) fn read_facility(r: &rusqlite::Row) -> rusqlite::Result<Facility> {
    Ok(Facility {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        region: r.get(3)?,
        kind: word(FacilityKind::parse, 4, r)?,
        security: word(SecurityLevel::parse, 5, r)?,
    })
}

fn read_unit(r: &rusqlite::Row) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        facility_id: r.get(1)?,
        code: r.get(2)?,
        name: r.get(3)?,
        sex: word(UnitSex::parse, 4, r)?,
        age_group: word(AgeGroup::parse, 5, r)?,
        legal_use: word(UnitUse::parse, 6, r)?,
        security: word(SecurityLevel::parse, 7, r)?,
    })
}

fn read_cell(r: &rusqlite::Row) -> rusqlite::Result<Cell> {
    Ok(Cell {
        id: r.get(0)?,
        unit_id: r.get(1)?,
        code: r.get(2)?,
        certified: r.get(3)?,
        operational: r.get(4)?,
        maximum: r.get(5)?,
        out_of_use: r.get(6)?,
    })
}

const FACILITY_COLUMNS: &str = "f.id, f.code, f.name, f.region, f.kind, f.security";
const UNIT_COLUMNS: &str =
    "u.id, u.facility_id, u.code, u.name, u.sex, u.age_group, u.legal_use, u.security";
const CELL_COLUMNS: &str =
    "c.id, c.unit_id, c.code, c.certified, c.operational, c.maximum, c.out_of_use";

fn duplicate(e: rusqlite::Error, what: &str) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::invalid(format!("{what}: already exists"))
        }
        _ => e.into(),
    }
}

fn facility_in(conn: &Connection, id: i64) -> Result<Option<Facility>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {FACILITY_COLUMNS} FROM facility f WHERE f.id = ?1"
        ))?
        .query_row([id], read_facility)
        .optional()?)
}

fn unit_in(conn: &Connection, id: i64) -> Result<Option<Unit>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {UNIT_COLUMNS} FROM unit u WHERE u.id = ?1"
        ))?
        .query_row([id], read_unit)
        .optional()?)
}

/// Every unit of `facility_id`, or of every facility when None: what Rule 11's facility check reads.
pub(crate) fn units_in(conn: &Connection, facility_id: Option<i64>) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {UNIT_COLUMNS} FROM unit u WHERE ?1 IS NULL OR u.facility_id = ?1 ORDER BY u.facility_id, u.code"
    ))?;
    let rows = stmt.query_map([facility_id], read_unit)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn cell_in(conn: &Connection, id: i64) -> Result<Option<Cell>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CELL_COLUMNS} FROM cell c WHERE c.id = ?1"
        ))?
        .query_row([id], read_cell)
        .optional()?)
}

/// Every facility, unit and cell as stored, for matching a file against.
fn existing_estate(conn: &Connection) -> Result<ExistingEstate> {
    fn all<T>(
        conn: &Connection,
        sql: &str,
        read: fn(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
    Ok(ExistingEstate {
        facilities: all(
            conn,
            &format!("SELECT {FACILITY_COLUMNS} FROM facility f ORDER BY f.id"),
            read_facility,
        )?,
        units: all(
            conn,
            &format!("SELECT {UNIT_COLUMNS} FROM unit u ORDER BY u.id"),
            read_unit,
        )?,
        cells: all(
            conn,
            &format!("SELECT {CELL_COLUMNS} FROM cell c ORDER BY c.id"),
            read_cell,
        )?,
    })
}

impl Tx<'_> {
    pub fn update_facility(&self, f: &Facility) -> Result<()> {
        let f = &f.cleaned();
        f.validate().map_err(StoreError::invalid)?;
        let before = facility_in(self, f.id)?
            .ok_or_else(|| StoreError::invalid(format!("facility {}: no longer exists", f.id)))?;
        self.prepare_cached(
            "UPDATE facility SET code = ?2, name = ?3, region = ?4, kind = ?5, security = ?6 WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            f.id,
            f.code,
            f.name,
            f.region,
            f.kind.as_str(),
            f.security.as_str()
        ])
        .map_err(|e| duplicate(e, &format!("facility {}", f.code)))?;
        self.audit(Entity::Facility, f.id, Deed::Update, Some(&before), Some(f))
    }

    /// Refuses a facility kind that one of its stored units would not fit (a men's prison with a female wing).
    fn check_units_fit(&self, f: &Facility) -> Result<()> {
        let mut stmt = self.prepare_cached(&format!(
            "SELECT {UNIT_COLUMNS} FROM unit u WHERE u.facility_id = ?1"
        ))?;
        let units = stmt
            .query_map([f.id], read_unit)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for u in &units {
            f.admits_unit(u).map_err(|m| {
                StoreError::invalid(format!(
                    "facility {}: cannot become {}: {m}",
                    f.code, f.kind
                ))
            })?;
        }
        Ok(())
    }

    pub fn update_unit(&self, u: &Unit) -> Result<()> {
        let u = &u.cleaned();
        u.validate().map_err(StoreError::invalid)?;
        let before = unit_in(self, u.id)?
            .ok_or_else(|| StoreError::invalid(format!("unit {}: no longer exists", u.id)))?;
        let facility = facility_in(self, u.facility_id)?.ok_or_else(|| {
            StoreError::invalid(format!("unit {}: no facility {}", u.code, u.facility_id))
        })?;
        facility.admits_unit(u).map_err(StoreError::invalid)?;
        self.prepare_cached(
            "UPDATE unit SET code = ?2, name = ?3, sex = ?4, age_group = ?5, legal_use = ?6, security = ?7
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            u.id,
            u.code,
            u.name,
            u.sex.as_str(),
            u.age_group.as_str(),
            u.legal_use.as_str(),
            u.security.as_str()
        ])
        .map_err(|e| duplicate(e, &format!("unit {}", u.code)))?;
        self.audit(Entity::Unit, u.id, Deed::Update, Some(&before), Some(u))
    }

    pub fn update_cell(&self, c: &Cell) -> Result<()> {
        c.validate()
            .map_err(|e| e.within(format_args!("cell {}", c.code)))?;
        let before = cell_in(self, c.id)?
            .ok_or_else(|| StoreError::invalid(format!("cell {}: no longer exists", c.id)))?;
        self.prepare_cached(
            "UPDATE cell SET code = ?2, certified = ?3, operational = ?4, maximum = ?5, out_of_use = ?6
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            c.id,
            c.code,
            c.certified,
            c.operational,
            c.maximum,
            c.out_of_use
        ])
        .map_err(|e| duplicate(e, &format!("cell {}", c.code)))?;
        self.audit(Entity::Cell, c.id, Deed::Update, Some(&before), Some(c))
    }

    /// Carries out an estate plan: creates and updates through the same audited paths as single edits.
    pub fn apply_estate_plan(&self, plan: &Plan) -> Result<()> {
        for f in &plan.facilities {
            let facility_id = match &f.change {
                Change::Create(v) => self.insert_facility(v)?,
                Change::Update { after, .. } => {
                    self.update_facility(after)?;
                    after.id
                }
                Change::Unchanged(v) => v.id,
            };
            for u in &f.units {
                let unit = |v: &Unit| Unit {
                    facility_id,
                    ..v.clone()
                };
                let unit_id = match &u.change {
                    Change::Create(v) => self.insert_unit(&unit(v))?,
                    Change::Update { after, .. } => {
                        self.update_unit(&unit(after))?;
                        after.id
                    }
                    Change::Unchanged(v) => v.id,
                };
                for c in &u.cells {
                    let cell = |v: &Cell| Cell {
                        unit_id,
                        ..v.clone()
                    };
                    match c {
                        Change::Create(v) => {
                            self.insert_cell(&cell(v))?;
                        }
                        Change::Update { after, .. } => self.update_cell(&cell(after))?,
                        Change::Unchanged(_) => {}
                    }
                }
            }
        }
        Ok(())
    }

    pub fn insert_facility(&self, f: &Facility) -> Result<i64> {
        let f = &f.cleaned();
        f.validate().map_err(StoreError::invalid)?;
        self.prepare_cached(
            "INSERT INTO facility(code, name, region, kind, security) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![
            f.code,
            f.name,
            f.region,
            f.kind.as_str(),
            f.security.as_str()
        ])
        .map_err(|e| duplicate(e, &format!("facility {}", f.code)))?;
        let id = self.last_insert_rowid();
        self.audit::<(), _>(
            Entity::Facility,
            id,
            Deed::Create,
            None,
            Some(&Facility { id, ..f.clone() }),
        )?;
        Ok(id)
    }

    pub fn insert_unit(&self, u: &Unit) -> Result<i64> {
        let u = &u.cleaned();
        u.validate().map_err(StoreError::invalid)?;
        let facility = self
            .query_row_cached(
                &format!("SELECT {FACILITY_COLUMNS} FROM facility f WHERE f.id = ?1"),
                [u.facility_id],
                read_facility,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::invalid(format!("unit {}: no facility {}", u.code, u.facility_id))
            })?;
        facility.admits_unit(u).map_err(StoreError::invalid)?;
        self.prepare_cached(
            "INSERT INTO unit(facility_id, code, name, sex, age_group, legal_use, security)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(rusqlite::params![
            u.facility_id,
            u.code,
            u.name,
            u.sex.as_str(),
            u.age_group.as_str(),
            u.legal_use.as_str(),
            u.security.as_str()
        ])
        .map_err(|e| duplicate(e, &format!("unit {} in {}", u.code, facility.code)))?;
        let id = self.last_insert_rowid();
        self.audit::<(), _>(
            Entity::Unit,
            id,
            Deed::Create,
            None,
            Some(&Unit { id, ..u.clone() }),
        )?;
        Ok(id)
    }

    pub fn insert_cell(&self, c: &Cell) -> Result<i64> {
        c.validate()
            .map_err(|e| e.within(format_args!("cell {}", c.code)))?;
        self.prepare_cached(
            "INSERT INTO cell(unit_id, code, certified, operational, maximum, out_of_use)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            c.unit_id,
            c.code,
            c.certified,
            c.operational,
            c.maximum,
            c.out_of_use
        ])
        .map_err(|e| duplicate(e, &format!("cell {}", c.code)))?;
        let id = self.last_insert_rowid();
        self.audit::<(), _>(
            Entity::Cell,
            id,
            Deed::Create,
            None,
            Some(&Cell { id, ..c.clone() }),
        )?;
        Ok(id)
    }
}

impl Store {
    /// What loading `file` would change, without writing anything (the dry run).
    pub fn plan_estate(&self, file: &EstateFile) -> Result<Result<Plan, Vec<FileError>>> {
        let existing = existing_estate(self.conn())?;
        Ok(estate_plan::plan(file, &existing))
    }

    /// Loads `file` all or nothing in one transaction. It is planned again inside the transaction, so it acts on
    /// the estate as stored at that moment; problems found then come back as located errors and nothing is written.
    pub fn apply_estate(
        &mut self,
        actor: &Actor,
        file: &EstateFile,
    ) -> Result<Result<Plan, Vec<FileError>>> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            let existing = existing_estate(tx)?;
            match estate_plan::plan(file, &existing) {
                Ok(plan) => {
                    tx.apply_estate_plan(&plan)?;
                    Ok(Ok(plan))
                }
                Err(errors) => Ok(Err(errors)),
            }
        })
    }

    pub fn add_facility(&mut self, actor: &Actor, f: &Facility) -> Result<i64> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            tx.insert_facility(f)
        })
    }

    pub fn add_unit(&mut self, actor: &Actor, u: &Unit) -> Result<i64> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            tx.insert_unit(u)
        })
    }

    pub fn add_cell(&mut self, actor: &Actor, c: &Cell) -> Result<i64> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            tx.insert_cell(c)
        })
    }

    /// Saves an edited facility; a new kind must still fit every unit it holds (Rule 11a).
    pub fn update_facility(&mut self, actor: &Actor, f: &Facility) -> Result<()> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            tx.check_units_fit(f)?;
            tx.update_facility(f)
        })
    }

    pub fn update_unit(&mut self, actor: &Actor, u: &Unit) -> Result<()> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            tx.update_unit(u)
        })
    }

    pub fn update_cell(&mut self, actor: &Actor, c: &Cell) -> Result<()> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            tx.update_cell(c)
        })
    }

    /// Saves an edited facility if nobody changed it since `loaded` (what the editor's screen showed).
    pub fn update_facility_from(
        &mut self,
        actor: &Actor,
        loaded: &Facility,
        f: &Facility,
    ) -> Result<()> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            let now = facility_in(tx, f.id)?;
            unchanged("facility", &loaded.code, now.as_ref(), loaded)?;
            tx.check_units_fit(f)?;
            tx.update_facility(f)
        })
    }

    pub fn update_unit_from(&mut self, actor: &Actor, loaded: &Unit, u: &Unit) -> Result<()> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            let now = unit_in(tx, u.id)?;
            unchanged("unit", &loaded.code, now.as_ref(), loaded)?;
            tx.update_unit(u)
        })
    }

    pub fn update_cell_from(&mut self, actor: &Actor, loaded: &Cell, c: &Cell) -> Result<()> {
        self.write(actor, Need::To(Permission::EditEstate), "estate", |tx| {
            let now = cell_in(tx, c.id)?;
            unchanged("cell", &loaded.code, now.as_ref(), loaded)?;
            tx.update_cell(c)
        })
    }

    pub fn facility(&self, id: i64) -> Result<Option<Facility>> {
        facility_in(self.conn(), id)
    }

    pub fn facility_by_code(&self, code: &str) -> Result<Option<Facility>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!("SELECT {FACILITY_COLUMNS} FROM facility f WHERE f.code = ?1"),
                [code],
                read_facility,
            )
            .optional()?)
    }

    pub fn unit(&self, id: i64) -> Result<Option<Unit>> {
        unit_in(self.conn(), id)
    }

    pub fn unit_by_code(&self, facility_id: i64, code: &str) -> Result<Option<Unit>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!(
                    "SELECT {UNIT_COLUMNS} FROM unit u WHERE u.facility_id = ?1 AND u.code = ?2"
                ),
                rusqlite::params![facility_id, code],
                read_unit,
            )
            .optional()?)
    }

    pub fn cell(&self, id: i64) -> Result<Option<Cell>> {
        cell_in(self.conn(), id)
    }

    /// Every unit of every facility, without counts (for Rule 11's check of where a person may be held).
    pub fn all_units(&self) -> Result<Vec<Unit>> {
        units_in(self.conn(), None)
    }

    /// Every facility with its capacity (cells in use only) and head count, in code order.
    pub fn facilities(&self) -> Result<Vec<FacilityRow>> {
        let sql = format!(
            "SELECT {FACILITY_COLUMNS},
                    coalesce(cap.certified, 0), coalesce(cap.operational, 0),
                    (SELECT count(*) FROM prisoner p WHERE p.facility_id = f.id AND p.in_custody = 1),
                    coalesce(cap.cells, 0)
             FROM facility f
             LEFT JOIN (SELECT u.facility_id AS fid, sum(c.certified) AS certified,
                               sum(c.operational) AS operational, count(*) AS cells
                        FROM cell c JOIN unit u ON u.id = c.unit_id
                        WHERE c.out_of_use IS NULL GROUP BY u.facility_id) cap ON cap.fid = f.id
             ORDER BY f.code"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(FacilityRow {
                facility: read_facility(r)?,
                counts: EstateCounts {
                    certified: r.get::<_, i64>(6)? as u64,
                    operational: r.get::<_, i64>(7)? as u64,
                    occupants: r.get::<_, i64>(8)? as u64,
                    cells: r.get::<_, i64>(9)? as u64,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn units(&self, facility_id: i64) -> Result<Vec<UnitRow>> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS},
                    coalesce((SELECT sum(certified) FROM cell c WHERE c.unit_id = u.id AND c.out_of_use IS NULL), 0),
                    coalesce((SELECT sum(operational) FROM cell c WHERE c.unit_id = u.id AND c.out_of_use IS NULL), 0),
                    (SELECT count(*) FROM prisoner p JOIN cell c ON c.id = p.cell_id
                      WHERE c.unit_id = u.id AND p.in_custody = 1),
                    (SELECT count(*) FROM cell c WHERE c.unit_id = u.id AND c.out_of_use IS NULL)
             FROM unit u WHERE u.facility_id = ?1 ORDER BY u.code"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([facility_id], |r| {
            Ok(UnitRow {
                unit: read_unit(r)?,
                counts: EstateCounts {
                    certified: r.get::<_, i64>(8)? as u64,
                    operational: r.get::<_, i64>(9)? as u64,
                    occupants: r.get::<_, i64>(10)? as u64,
                    cells: r.get::<_, i64>(11)? as u64,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn cells(&self, unit_id: i64) -> Result<Vec<CellRow>> {
        let sql = format!(
            "SELECT {CELL_COLUMNS},
                    (SELECT count(*) FROM prisoner p WHERE p.cell_id = c.id AND p.in_custody = 1)
             FROM cell c WHERE c.unit_id = ?1 ORDER BY c.code"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([unit_id], |r| {
            Ok(CellRow {
                cell: read_cell(r)?,
                occupants: r.get::<_, i64>(7)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Refuses a save when the stored entry differs from what the editor loaded, naming each field that changed and
/// its value now, so one administrator's edit never silently undoes another's.
fn unchanged<T: serde::Serialize>(
    what: &str,
    code: &str,
    now: Option<&T>,
    loaded: &T,
) -> Result<()> {
    let Some(now) = now else {
        return Err(StoreError::invalid(format!(
            "{what} {code}: no longer exists; nothing was saved"
        )));
    };
    let (now, was) = (
        serde_json::to_value(now).unwrap_or_default(),
        serde_json::to_value(loaded).unwrap_or_default(),
    );
    if now == was {
        return Ok(());
    }
    let changed: Vec<String> = now
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| was.get(k.as_str()) != Some(v))
        .map(|(k, v)| format!("{k} (now {v})"))
        .collect();
    Err(StoreError::invalid(format!(
        "{} {what} {code}: {} while you were editing; nothing was saved. Leave with Esc twice and open it again.",
        super::prisoners::CHANGED_MEANWHILE,
        changed.join(", ")
    )))
}
