//! The audit trail: one row per change, each carrying the SHA-256 of itself and its predecessor (a hash chain).

use super::CachedSql as _;
use super::{Result, Store, Tx, time_text, to_json};
use crate::domain::audit::{Action, Deed, Entity};
use crate::domain::auth::{Need, Permission};
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Where the chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub reason: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "audit record {}: {}", self.id, self.reason)
    }
}

/// Each field is length-prefixed so no two different rows can hash the same text.
fn row_hash(r: &AuditRecord) -> String {
    let mut h = Sha256::new();
    let fields: [&str; 8] = [
        &r.prev_hash,
        &r.at,
        &r.actor,
        &r.entity,
        &r.entity_id,
        &r.action,
        r.before.as_deref().unwrap_or("\u{0}null"),
        r.after.as_deref().unwrap_or("\u{0}null"),
    ];
    h.update(r.id.to_le_bytes());
    for f in fields {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Tx<'_> {
    /// Appends one audit row inside this transaction, by this transaction's actor.
    pub fn audit<B: Serialize + ?Sized, A: Serialize + ?Sized>(
        &self,
        entity: Entity,
        entity_id: impl ToString,
        action: impl Into<Action>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<()> {
        let actor = self.actor.audit_name();
        self.audit_by(
            &actor,
            self.actor.at,
            entity,
            entity_id,
            action,
            before,
            after,
        )
    }

    /// Appends one audit row by someone other than this transaction's actor (a summary of their refusals).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit_by<B: Serialize + ?Sized, A: Serialize + ?Sized>(
        &self,
        actor: &str,
        at: chrono::DateTime<chrono::Utc>,
        entity: Entity,
        entity_id: impl ToString,
        action: impl Into<Action>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<()> {
        let cached = self.last_audit.borrow_mut().take();
        let (prev_id, prev_hash) = match cached {
            Some(last) => last,
            None => self
                .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((0, GENESIS.to_string())),
        };
        let mut record = AuditRecord {
            id: prev_id + 1,
            at: time_text(at),
            actor: actor.to_string(),
            entity: entity.as_str().to_string(),
            entity_id: entity_id.to_string(),
            action: action.into().as_str().to_string(),
            before: before.map(to_json),
            after: after.map(to_json),
            prev_hash,
            hash: String::new(),
        };
        record.hash = row_hash(&record);
        self.prepare_cached(
            "INSERT INTO audit(id, at, actor, entity, entity_id, action, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(rusqlite::params![
            record.id,
            record.at,
            record.actor,
            record.entity,
            record.entity_id,
            record.action,
            record.before,
            record.after,
            record.prev_hash,
            record.hash
        ])?;
        // Only after the row is in: a failed insert leaves the cache empty, so the next append reads afresh.
        *self.last_audit.borrow_mut() = Some((record.id, record.hash));
        Ok(())
    }
}

impl Store {
    /// Appends an audit row that records a read, not a change (opening a VEP record: Mandela Rule 9).
    pub fn audit_read(
        &mut self,
        actor: &super::Actor,
        entity: Entity,
        entity_id: i64,
    ) -> Result<()> {
        self.write(
            actor,
            Need::To(Permission::ViewRegister),
            &format!("{entity} {entity_id}"),
            |tx| tx.audit::<(), ()>(entity, entity_id, Deed::Read, None, None),
        )
    }

    /// Walks the whole chain; `Ok(None)` when every row is intact and linked.
    pub fn verify_audit(&self) -> Result<Option<ChainBreak>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, at, actor, entity, entity_id, action, before, after, prev_hash, hash
             FROM audit ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut expected_prev = GENESIS.to_string();
        let mut expected_id = 1;
        while let Some(r) = rows.next()? {
            let rec = read_record(r)?;
            if rec.id != expected_id {
                return Ok(Some(ChainBreak {
                    id: rec.id,
                    reason: format!("expected record {expected_id} here; records are missing"),
                }));
            }
            if rec.prev_hash != expected_prev {
                return Ok(Some(ChainBreak {
                    id: rec.id,
                    reason:
                        "does not link to the record before it (a record was removed or replaced)"
                            .into(),
                }));
            }
            if row_hash(&rec) != rec.hash {
                return Ok(Some(ChainBreak {
                    id: rec.id,
                    reason: format!(
                        "its content does not match its hash (changed after it was written: {} {} {} by {})",
                        rec.action, rec.entity, rec.entity_id, rec.actor
                    ),
                }));
            }
            expected_prev = rec.hash;
            expected_id += 1;
        }
        Ok(None)
    }

    /// The newest audit rows, newest first.
    pub fn recent_audit(&self, limit: usize) -> Result<Vec<AuditRecord>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, at, actor, entity, entity_id, action, before, after, prev_hash, hash
             FROM audit ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], read_record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The trail as `warden audit show` reads it: newest first, filtered, at most `filter.limit` rows. Only roles
    /// that may read the audit trail (supervisors, administrators); the reading itself is audited.
    pub fn audit_show(
        &mut self,
        actor: &super::Actor,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditRecord>> {
        self.authorise(actor, Need::To(Permission::ViewAudit), "audit trail")?;
        let rows = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT id, at, actor, entity, entity_id, action, before, after, prev_hash, hash
                 FROM audit
                 WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2)
                   AND (?3 IS NULL OR actor = ?3 OR actor = 'login:' || ?3
                        OR substr(actor, 1, length(?3) + 6) = ?3 || ' (os: ')
                   AND (?4 IS NULL OR entity = ?4) AND (?5 IS NULL OR entity_id = ?5)
                   AND (?6 IS NULL OR action = ?6)
                 ORDER BY id DESC LIMIT ?7",
            )?;
            let rows = stmt.query_map(
                rusqlite::params![
                    filter.since,
                    filter.until,
                    filter.actor,
                    filter.entity,
                    filter.id,
                    filter.action,
                    filter.limit as i64
                ],
                read_record,
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let asked = serde_json::json!({
            "since": filter.since, "until": filter.until, "actor": filter.actor, "entity": filter.entity,
            "id": filter.id, "action": filter.action, "limit": filter.limit, "rows": rows.len(),
        });
        // A read-only copy cannot take the row; the caller says so (warden audit show on standard error).
        if !self.is_read_only() {
            self.write(
                actor,
                Need::To(Permission::ViewAudit),
                "audit trail",
                |tx| tx.audit::<(), _>(Entity::Audit, "trail", Deed::Read, None, Some(&asked)),
            )?;
        }
        Ok(rows)
    }

    /// The newest row's id and hash: the head to keep outside the file (`warden audit head`).
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn()
            .query_row_cached(
                "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The id of the row whose hash is `hash`, if the chain still holds it.
    pub fn audit_row_with_hash(&self, hash: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row_cached("SELECT id FROM audit WHERE hash = ?1", [hash], |r| r.get(0))
            .optional()?)
    }
}

/// What `warden audit show` asks for; None means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Rows at or after this instant (RFC 3339 text, as stored).
    pub since: Option<String>,
    /// Rows before this instant.
    pub until: Option<String>,
    /// The warden user (a command-line row `NAME (os: ACCOUNT)` and a sign-in row `login:NAME` count as NAME).
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub id: Option<String>,
    pub action: Option<String>,
    pub limit: usize,
}

fn read_record(r: &rusqlite::Row) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        entity: r.get(3)?,
        entity_id: r.get(4)?,
        action: r.get(5)?,
        before: r.get(6)?,
        after: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}
