//! Importing the register from a file: the dry run's plan (who is new, who matches a person already on the
//! register, what only the database can refuse) and the apply, in short batches under an import id, so officers'
//! saves go on meanwhile and an interrupted import is finished by running it again.

use super::CachedSql as _;
use super::{Actor, Result, Store, StoreError, Tx};
use crate::domain::allocate::MoveReason;
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::prisoner::{NumberPattern, facility_accepts};
use crate::domain::register_file::{Header, ImportRow, Problem, Target, identity_key};
use chrono::Datelike;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The file an admission came from, as its audit row names it.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: String,
    pub sha256: String,
    pub import_id: i64,
    pub row: usize,
}

/// What the dry run found. `problems` empty means `--apply` may run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub rows: usize,
    /// Rows that will be admitted.
    pub new: usize,
    /// Rows whose prison number is already on the register: (row, number, name there). Not admitted again.
    pub matching: Vec<(usize, String, String)>,
    /// Rows whose name and date of birth match someone on the register or an earlier row: (row, who). Admitted
    /// as new people (they may be namesakes); listed so staff check them, never merged.
    pub possible_duplicates: Vec<(usize, String)>,
    /// Rows admitted against a rule that would refuse them today (a child in an adult prison): (row, rule).
    pub alerts: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
}

/// What the apply did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOutcome {
    pub import_id: i64,
    pub admitted: usize,
    /// Rows an earlier, interrupted run of this file had already admitted.
    pub resumed: usize,
    pub placed: usize,
    /// People admitted but left waiting for a cell: (row, number, why the cell refused them).
    pub waiting: Vec<(usize, String, String)>,
    pub batches: usize,
    /// The longest a batch held the write lock.
    pub longest_batch: Duration,
}

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// A batch gives the write lock back after this long, so an officer's save waits at most about this.
const BATCH_TIME: Duration = Duration::from_millis(250);

struct Places {
    facilities: HashMap<String, crate::domain::estate::Facility>,
    /// (facility id, cell code upper-cased) -> cell id
    cells: HashMap<(i64, String), i64>,
}

impl Store {
    fn places(&self) -> Result<Places> {
        let mut facilities = HashMap::new();
        for f in self.facilities()? {
            facilities.insert(f.facility.code.to_uppercase(), f.facility);
        }
        let mut cells = HashMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT u.facility_id, c.code, c.id FROM cell c JOIN unit u ON u.id = c.unit_id",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })? {
            let (facility, code, id) = row?;
            cells.insert((facility, code.to_uppercase()), id);
        }
        Ok(Places { facilities, cells })
    }

    /// The dry run: every row checked against the register and the estate as they are now. Problems carry the
    /// row and column; the file's own problems (the header, cells) are the caller's and are added to these.
    pub fn import_plan(
        &self,
        header: &Header,
        rows: &[ImportRow],
        today: chrono::NaiveDate,
    ) -> Result<ImportPlan> {
        let places = self.places()?;
        let pattern = self.number_pattern()?;
        let mut plan = ImportPlan {
            rows: rows.len(),
            ..ImportPlan::default()
        };
        let column = |t: Target| header.column_of(t);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut identity = self
            .conn()
            .prepare(
                "SELECT number || ' ' || family_name || ', ' || given_names FROM prisoner
                 WHERE sort_key = ?1 AND birth = ?2 LIMIT 1",
            )
            .ok();
        // The header's own problems are the caller's; these are the rows'.
        for r in rows {
            let problem = |t: Target, message: String| Problem {
                row: r.row,
                column: column(t),
                message: format!("{}: {message}", t.name()),
            };
            let Some(facility) = places.facilities.get(&r.facility.to_uppercase()) else {
                plan.problems.push(problem(
                    Target::Facility,
                    crate::i18n::t_args(
                        "import-no-facility",
                        &[("code", r.facility.clone().into())],
                    ),
                ));
                continue;
            };
            if let Some(cell) = &r.cell
                && !places
                    .cells
                    .contains_key(&(facility.id, cell.to_uppercase()))
            {
                plan.problems.push(problem(
                    Target::Cell,
                    crate::i18n::t_args(
                        "import-no-cell",
                        &[
                            ("cell", cell.clone().into()),
                            ("facility", facility.code.clone().into()),
                        ],
                    ),
                ));
            }
            // The whole record's checks, with a number the pattern would make when the file gives none.
            let mut p = r.prisoner.clone();
            if !r.number_given {
                p.number = pattern.format(p.admitted_at.year(), &facility.code, 1);
            }
            if let Err(e) = p.validate(&pattern, today) {
                let target = Target::Field(crate::domain::prisoner::field(&e.field).key);
                plan.problems.push(Problem {
                    row: r.row,
                    column: column(target),
                    message: format!("{}: {}", target.name(), e.message),
                });
                continue;
            }
            if r.number_given
                && let Some(holder) = self.number_holder(&r.prisoner.number)?
            {
                plan.matching
                    .push((r.row, r.prisoner.number.clone(), holder));
                continue;
            }
            let key = identity_key(&r.prisoner);
            if let Some(first) = seen.get(&key) {
                plan.possible_duplicates.push((
                    r.row,
                    crate::i18n::t_args("import-same-as-row", &[("row", (*first).into())]),
                ));
            } else if let Some(stmt) = identity.as_mut()
                && let Some(who) = stmt
                    .query_row(
                        params![
                            super::prisoners::sort_key(&r.prisoner),
                            r.prisoner.birth.to_text()
                        ],
                        |x| x.get::<_, String>(0),
                    )
                    .optional()?
            {
                plan.possible_duplicates.push((r.row, who));
            }
            seen.entry(key).or_insert(r.row);
            if let Err(rule) = facility_accepts(facility, &r.prisoner, today) {
                plan.alerts.push((r.row, rule));
            }
            plan.new += 1;
        }
        plan.problems.sort();
        Ok(plan)
    }

    fn number_holder(&self, number: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT family_name || ', ' || given_names FROM prisoner WHERE number = ?1",
            )?
            .query_row([number.trim()], |r| r.get(0))
            .optional()?)
    }

    /// Admits the rows a clean plan found new, in batches of at most `BATCH_TIME` each. A run of the same file
    /// (by SHA-256) that was interrupted is resumed: its admitted rows are skipped. A file imported to the end
    /// before is refused. `progress` hears (done, total) after each batch.
    pub fn import_apply(
        &mut self,
        actor: &Actor,
        file: &str,
        sha256: &str,
        rows: &[ImportRow],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportOutcome> {
        self.authorise(actor, Need::To(Permission::Admit), "import")?;
        // The violent-extremist flag is set only by the roles whose duty it is, on every path (Rule 9).
        if rows.iter().any(|r| r.prisoner.vep) {
            self.authorise(actor, Need::To(Permission::SetVepFlag), "import: vep")?;
        }
        let earlier: Option<(i64, String, String)> = self
            .conn()
            .query_row_cached(
                "SELECT r.id, CASE WHEN u.finished_at IS NOT NULL THEN 'undone'
                                   WHEN u.import_id IS NOT NULL THEN 'undoing' ELSE r.status END, r.started_at
                 FROM import_run r LEFT JOIN import_undo u ON u.import_id = r.id
                 WHERE r.sha256 = ?1 ORDER BY r.id DESC LIMIT 1",
                [sha256],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let import_id = match earlier {
            Some((id, status, _)) if status == "undoing" => {
                return Err(invalid(crate::i18n::t_args(
                    "import-undo-unfinished",
                    &[("id", id.into())],
                )));
            }
            Some((id, status, at)) if status == "done" => {
                return Err(invalid(crate::i18n::t_args(
                    "import-done-before",
                    &[("id", id.into()), ("at", at.into())],
                )));
            }
            Some((id, status, _)) if status == "running" => id,
            _ => self.write(actor, Need::To(Permission::Admit), "import", |tx| {
                tx.execute_cached(
                    "INSERT INTO import_run(file, sha256, started_at, started_by, rows, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'running')",
                    params![
                        file,
                        sha256,
                        super::time_text(actor.at),
                        actor.name,
                        rows.len() as i64
                    ],
                )?;
                let id = tx.last_insert_rowid();
                tx.audit::<(), _>(
                    Entity::Import,
                    id,
                    Deed::Start,
                    None,
                    Some(&serde_json::json!({"file": file, "sha256": sha256, "rows": rows.len()})),
                )?;
                Ok(id)
            })?,
        };
        let done: std::collections::HashSet<usize> = self
            .conn()
            .prepare("SELECT row FROM import_row WHERE import_id = ?1")?
            .query_map([import_id], |r| r.get::<_, i64>(0))?
            .map(|r| r.map(|n| n as usize))
            .collect::<rusqlite::Result<_>>()?;
        let mut outcome = ImportOutcome {
            import_id,
            resumed: done.len(),
            ..ImportOutcome::default()
        };
        let places = self.places()?;
        let pattern = self.number_pattern()?;
        let todo: Vec<&ImportRow> = rows.iter().filter(|r| !done.contains(&r.row)).collect();
        let total = todo.len();
        let mut next = 0;
        let mut next_number = HashMap::new();
        progress(0, total);
        while next < todo.len() {
            let started = Instant::now();
            let (taken, admitted, placed, waiting) =
                self.write(actor, Need::To(Permission::Admit), "import", |tx| {
                    let mut taken = 0;
                    let mut admitted = 0usize;
                    let mut placed = 0;
                    let mut waiting = Vec::new();
                    while next + taken < todo.len()
                        && (taken == 0 || started.elapsed() < BATCH_TIME)
                    {
                        let r = todo[next + taken];
                        let source = Source {
                            file: file.to_string(),
                            sha256: sha256.to_string(),
                            import_id,
                            row: r.row,
                        };
                        let placement =
                            admit_row(tx, r, &places, &pattern, &source, &mut next_number)?;
                        if !matches!(placement, Placement::Matched) {
                            admitted += 1;
                        }
                        match placement {
                            Placement::Placed => placed += 1,
                            Placement::Waiting(number, why) => waiting.push((r.row, number, why)),
                            Placement::NoCell | Placement::Matched => {}
                        }
                        taken += 1;
                    }
                    Ok((taken, admitted, placed, waiting))
                })?;
            outcome.longest_batch = outcome.longest_batch.max(started.elapsed());
            outcome.batches += 1;
            outcome.placed += placed;
            outcome.admitted += admitted;
            outcome.waiting.extend(waiting);
            next += taken;
            progress(next, total);
        }
        self.write(actor, Need::To(Permission::Admit), "import", |tx| {
            tx.execute_cached(
                "UPDATE import_run SET status = 'done' WHERE id = ?1",
                [import_id],
            )?;
            tx.audit::<(), _>(
                Entity::Import,
                import_id,
                Deed::Done,
                None,
                Some(&serde_json::json!({"admitted": outcome.admitted + outcome.resumed})),
            )?;
            Ok(())
        })?;
        Ok(outcome)
    }
}

/// An import as `warden import list` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRun {
    pub id: i64,
    pub file: String,
    pub sha256: String,
    pub started_at: String,
    pub started_by: String,
    pub rows: i64,
    /// People it admitted who are still on the register.
    pub admitted: i64,
    /// running (cut short, or going on now), done, undoing (an undo cut short) or undone
    pub status: String,
}

/// What undoing an import finds: who would be taken back, and who may not be because something has been recorded
/// about them since (then nothing is taken back).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UndoPlan {
    pub import_id: i64,
    pub file: String,
    pub people: usize,
    /// (prison number, what was recorded since), at most `UNDO_SHOWN`.
    pub kept: Vec<(String, String)>,
    pub kept_total: usize,
}

/// How many people an undo refusal names; the rest are counted.
const UNDO_SHOWN: usize = 20;

/// The records that mean a person has been worked on since the import: (who has one, in words). The cell move
/// and the custody event the import itself wrote are left out.
const LATER_RECORDS: &[(&str, &str)] = &[
    (
        "SELECT DISTINCT prisoner_id FROM assessment WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "an assessment",
    ),
    (
        "SELECT DISTINCT first_id FROM non_association WHERE first_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a keep-apart",
    ),
    (
        "SELECT DISTINCT second_id FROM non_association WHERE second_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a keep-apart",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM segregation WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "segregation",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM referral WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a programme referral",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM release_plan WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a pre-release plan",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM aftercare_referral WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "an aftercare referral",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM custody_case WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a case",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM release_override WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a release date",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM person_history WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a person's file",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM national_person WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "a national person id",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM age_review WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        "an age review",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM movement WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)
           AND id NOT IN (SELECT movement_id FROM import_row WHERE import_id = ?1 AND movement_id IS NOT NULL)",
        "a cell move",
    ),
    (
        "SELECT DISTINCT prisoner_id FROM custody_event WHERE prisoner_id IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL) AND kind <> 'admission'",
        "a transfer or release",
    ),
];

impl Store {
    /// Every import run, newest first.
    pub fn import_runs(&self) -> Result<Vec<ImportRun>> {
        let mut stmt = self.conn().prepare(
            "SELECT r.id, r.file, r.sha256, r.started_at, r.started_by, r.rows,
                    (SELECT count(*) FROM import_row x WHERE x.import_id = r.id AND x.prisoner_id IS NOT NULL),
                    CASE WHEN u.finished_at IS NOT NULL THEN 'undone'
                         WHEN u.import_id IS NOT NULL THEN 'undoing' ELSE r.status END
             FROM import_run r LEFT JOIN import_undo u ON u.import_id = r.id ORDER BY r.id DESC",
        )?;
        let runs = stmt
            .query_map([], |r| {
                Ok(ImportRun {
                    id: r.get(0)?,
                    file: r.get(1)?,
                    sha256: r.get(2)?,
                    started_at: r.get(3)?,
                    started_by: r.get(4)?,
                    rows: r.get(5)?,
                    admitted: r.get(6)?,
                    status: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(runs)
    }

    /// Who undoing `import_id` would take back, and who it may not: anyone about whom something has been recorded
    /// since (an edit, a move, an assessment, a case...). Reads only.
    pub fn import_undo_plan(&self, import_id: i64) -> Result<UndoPlan> {
        let run = self
            .import_runs()?
            .into_iter()
            .find(|r| r.id == import_id)
            .ok_or_else(|| {
                invalid(crate::i18n::t_args(
                    "import-undo-no-run",
                    &[("id", import_id.into())],
                ))
            })?;
        if run.status == "undone" {
            return Err(invalid(crate::i18n::t_args(
                "import-undo-already",
                &[("id", import_id.into())],
            )));
        }
        let mut kept: std::collections::BTreeMap<i64, &str> = Default::default();
        for (sql, what) in LATER_RECORDS {
            let mut stmt = self.conn().prepare_cached(sql)?;
            for id in stmt.query_map([import_id], |r| r.get::<_, i64>(0))? {
                kept.entry(id?).or_insert(what);
            }
        }
        // Anything else written about them (an edit of the record) is in the audit trail after the import began.
        let since: Option<i64> = self.conn().query_row_cached(
            "SELECT min(id) FROM audit WHERE entity = 'import' AND entity_id = ?1",
            [import_id.to_string()],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT CAST(entity_id AS INTEGER) FROM audit
             WHERE id > ?2 AND entity = 'prisoner' AND action NOT IN ('import', 'move', 'undo-import')
               AND CAST(entity_id AS INTEGER) IN (SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL)",
        )?;
        for id in stmt.query_map(rusqlite::params![import_id, since.unwrap_or(0)], |r| {
            r.get::<_, i64>(0)
        })? {
            kept.entry(id?).or_insert("a change to the record");
        }
        let mut number = self
            .conn()
            .prepare("SELECT number FROM prisoner WHERE id = ?1")?;
        let mut shown = Vec::new();
        for (&id, &what) in kept.iter().take(UNDO_SHOWN) {
            let n: String = number.query_row([id], |r| r.get(0))?;
            shown.push((n, what.to_string()));
        }
        Ok(UndoPlan {
            import_id,
            file: run.file,
            people: run.admitted as usize,
            kept: shown,
            kept_total: kept.len(),
        })
    }

    /// Takes back the people `import_id` admitted, in short batches, when nobody has been worked on since
    /// (otherwise refused with the plan's names and nothing removed). The run, its audit rows and one audit row
    /// per person removed stay; an undo cut short is finished by running it again, and until then the file
    /// cannot be imported again. `progress` hears (done, total) after each batch.
    pub fn import_undo(
        &mut self,
        actor: &Actor,
        import_id: i64,
        why: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize> {
        self.authorise(actor, Need::To(Permission::UndoImport), "import undo")?;
        let why = why.trim();
        if why.is_empty() {
            return Err(invalid(crate::i18n::t("import-undo-why")));
        }
        crate::domain::text::check("why", why).map_err(StoreError::invalid)?;
        let plan = self.import_undo_plan(import_id)?;
        if plan.kept_total > 0 {
            return Err(invalid(crate::i18n::t_args(
                "import-undo-refused",
                &[("count", plan.kept_total.into())],
            )));
        }
        self.write(
            actor,
            Need::To(Permission::UndoImport),
            "import undo",
            |tx| {
                tx.execute_cached(
                    "INSERT OR IGNORE INTO import_undo(import_id, at, by, why, people)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        import_id,
                        super::time_text(actor.at),
                        actor.name,
                        why,
                        plan.people as i64
                    ],
                )?;
                tx.audit::<(), _>(
                    Entity::Import,
                    import_id,
                    Deed::Undo,
                    None,
                    Some(&serde_json::json!({"why": why, "people": plan.people})),
                )
            },
        )?;
        let ids: Vec<i64> = self
            .conn()
            .prepare("SELECT prisoner_id FROM import_row WHERE import_id = ?1 AND prisoner_id IS NOT NULL")?
            .query_map([import_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let total = ids.len();
        let mut next = 0;
        progress(0, total);
        while next < total {
            let started = Instant::now();
            let taken = self.write(
                actor,
                Need::To(Permission::UndoImport),
                "import undo",
                |tx| {
                    let mut taken = 0;
                    while next + taken < total && (taken == 0 || started.elapsed() < BATCH_TIME) {
                        take_back(tx, ids[next + taken], import_id)?;
                        taken += 1;
                    }
                    Ok(taken)
                },
            )?;
            next += taken;
            progress(next, total);
        }
        self.write(
            actor,
            Need::To(Permission::UndoImport),
            "import undo",
            |tx| {
                tx.execute_cached(
                    "UPDATE import_undo SET finished_at = ?2 WHERE import_id = ?1",
                    params![import_id, super::time_text(actor.at)],
                )?;
                Ok(())
            },
        )?;
        Ok(total)
    }
}

/// One imported person removed with the rows the import wrote for them (search rows, the admission's movement
/// and custody event), leaving an audit row that names the import.
fn take_back(tx: &Tx, prisoner_id: i64, import_id: i64) -> Result<()> {
    let number: String = tx
        .prepare_cached("SELECT number FROM prisoner WHERE id = ?1")?
        .query_row([prisoner_id], |r| r.get(0))?;
    super::prisoners::forget_search_rows(tx, prisoner_id)?;
    for sql in [
        "UPDATE import_row SET prisoner_id = NULL, movement_id = NULL WHERE prisoner_id = ?1",
        "DELETE FROM movement WHERE prisoner_id = ?1",
        "DELETE FROM custody_event WHERE prisoner_id = ?1",
        "DELETE FROM prisoner WHERE id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([prisoner_id])?;
    }
    tx.audit::<(), _>(
        Entity::Prisoner,
        prisoner_id,
        Deed::UndoImport,
        None,
        Some(&serde_json::json!({"number": number, "import": import_id})),
    )
}

enum Placement {
    Placed,
    Waiting(String, String),
    NoCell,
    /// The number was taken since the dry run (another station admitted them): not admitted twice.
    Matched,
}

/// One row's admission inside a batch's transaction, recorded against the import so a resumed run skips it.
fn admit_row(
    tx: &Tx,
    r: &ImportRow,
    places: &Places,
    pattern: &NumberPattern,
    source: &Source,
    next: &mut HashMap<(String, i32), u64>,
) -> Result<Placement> {
    let facility = places
        .facilities
        .get(&r.facility.to_uppercase())
        .ok_or_else(|| {
            let why = format!("{} no longer exists", r.facility);
            invalid(super::FieldError::new("facility", why))
        })?;
    let mut p = r.prisoner.clone();
    p.facility_id = Some(facility.id);
    p.cell_id = None;
    if r.number_given {
        let taken: bool = tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM prisoner WHERE number = ?1)")?
            .query_row([p.number.trim()], |x| x.get(0))?;
        if taken {
            record_row(tx, source, None)?;
            return Ok(Placement::Matched);
        }
    } else {
        p.number = free_number(tx, pattern, p.admitted_at.year(), &facility.code, next)?;
    }
    let today = tx.actor.at.date_naive();
    let id = tx.admit_from(&p, pattern, today, Some(source))?;
    record_row(tx, source, Some(id))?;
    let Some(code) = &r.cell else {
        return Ok(Placement::NoCell);
    };
    let Some(&cell) = places.cells.get(&(facility.id, code.to_uppercase())) else {
        return Ok(Placement::Waiting(p.number, format!("no cell {code}")));
    };
    let request = super::MoveRequest {
        prisoner_id: id,
        to_cell: cell,
        reason: MoveReason::Admission,
        comment: "",
        override_reason: None,
        review_by: None,
        seen: None,
    };
    // Every allocation rule applies; a refusal leaves them waiting, with the reason in the report.
    match tx.move_to_cell(&request) {
        Ok(movement) => {
            tx.prepare_cached(
                "UPDATE import_row SET movement_id = ?3 WHERE import_id = ?1 AND row = ?2",
            )?
            .execute(params![source.import_id, source.row as i64, movement.id])?;
            Ok(Placement::Placed)
        }
        Err(StoreError::Invalid(why)) => Ok(Placement::Waiting(p.number, why.to_string())),
        Err(e) => Err(e),
    }
}

fn record_row(tx: &Tx, source: &Source, prisoner_id: Option<i64>) -> Result<()> {
    tx.prepare_cached("INSERT INTO import_row(import_id, row, prisoner_id) VALUES (?1, ?2, ?3)")?
        .execute(params![source.import_id, source.row as i64, prisoner_id])?;
    Ok(())
}

/// The station pattern's next free number for a facility and year. The sequence runs per facility and year
/// from 1 (a register's whole count would outgrow the pattern's digits: 100,000 people overflow `{SEQ:5}`), kept
/// in `next` across the run so each number is found in one or two lookups.
pub(super) fn free_number(
    tx: &Tx,
    pattern: &NumberPattern,
    year: i32,
    facility: &str,
    next: &mut HashMap<(String, i32), u64>,
) -> Result<String> {
    let seq = next.entry((facility.to_string(), year)).or_insert(1);
    loop {
        let candidate = pattern.format(year, facility, *seq);
        *seq += 1;
        let taken: bool = tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM prisoner WHERE number = ?1)")?
            .query_row([&candidate], |r| r.get(0))?;
        if !taken {
            return Ok(candidate);
        }
    }
}
