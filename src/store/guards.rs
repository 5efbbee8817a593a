//! The schema's guard triggers (append-only audit, fixed form versions, locked final assessments...): finding
//! those dropped or altered by someone with write access to the file, and putting them back, audited.
//!
//! What the triggers should be is not a second list kept by hand: it is what the migrations make, read from a
//! database built in memory by the same migrations, so a trigger added by a future migration is guarded too.
//! Building that database takes about 10 ms, a third of the start-up budget, so an open first compares a digest of
//! the file's triggers with [`LATEST_TRIGGERS_SHA256`] and builds the reference only when they differ; a test
//! recomputes the digest from the migrations, so it cannot drift from them.

use super::CachedSql as _;
use super::{Actor, Result, Store, schema};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// SHA-256 of the latest schema's triggers (see [`digest`]). A migration that adds or changes a trigger changes it:
/// `cargo test guards` then fails and prints the new value to put here.
pub(crate) const LATEST_TRIGGERS_SHA256: &str =
    "9c6248266169d1f7f6973e0cfcd7da684161454bb36024571b3aaccf58cb569b";

/// A guard trigger that is not as the migrations made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardProblem {
    Missing(String),
    /// Present under its name but with other SQL (it may no longer guard anything).
    Altered(String),
    /// A trigger no migration made: it could change what a write stores. Reported, never removed by warden.
    Unknown(String),
}

impl std::fmt::Display for GuardProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GuardProblem::Missing(n) => write!(f, "trigger {n} is missing"),
            GuardProblem::Altered(n) => write!(f, "trigger {n} has been altered"),
            GuardProblem::Unknown(n) => write!(f, "trigger {n} was not made by warden"),
        }
    }
}

/// Trigger name to its SQL, as the first `version` migrations make them.
fn reference_triggers(version: i64) -> Result<BTreeMap<String, String>> {
    let conn = Connection::open_in_memory()?;
    for sql in schema::MIGRATIONS.iter().take(version.max(0) as usize) {
        conn.execute_batch(sql)?;
    }
    triggers_of(&conn)
}

/// The latest schema's triggers, built once per process (a few milliseconds; every write-capable open uses it).
fn latest_triggers() -> Result<&'static BTreeMap<String, String>> {
    static LATEST: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    if let Some(t) = LATEST.get() {
        return Ok(t);
    }
    let built = reference_triggers(schema::LATEST)?;
    Ok(LATEST.get_or_init(|| built))
}

fn triggers_of(conn: &Connection) -> Result<BTreeMap<String, String>> {
    let mut stmt =
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One digest of a set of triggers: each name and its SQL, in name order, NUL-separated.
fn digest(triggers: &BTreeMap<String, String>) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (name, sql) in triggers {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(sql.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

fn compare(
    expected: &BTreeMap<String, String>,
    found: &BTreeMap<String, String>,
) -> Vec<GuardProblem> {
    let mut problems = Vec::new();
    for (name, sql) in expected {
        match found.get(name) {
            None => problems.push(GuardProblem::Missing(name.clone())),
            Some(s) if s != sql => problems.push(GuardProblem::Altered(name.clone())),
            Some(_) => {}
        }
    }
    for name in found.keys().filter(|n| !expected.contains_key(*n)) {
        problems.push(GuardProblem::Unknown(name.clone()));
    }
    problems
}

impl Store {
    /// The guard triggers that are not as this file's schema version should have them.
    pub fn guard_problems(&self) -> Result<Vec<GuardProblem>> {
        let version: i64 = self
            .conn
            .query_row_cached("PRAGMA user_version", [], |r| r.get(0))?;
        let found = triggers_of(&self.conn)?;
        if version == schema::LATEST {
            // The usual case, every guard as the migrations made it, without building the reference.
            if digest(&found) == LATEST_TRIGGERS_SHA256 {
                return Ok(Vec::new());
            }
            return Ok(compare(latest_triggers()?, &found));
        }
        Ok(compare(&reference_triggers(version)?, &found))
    }

    /// Puts back missing or altered guard triggers in one audited write; returns what was put back. Called by
    /// every write-capable open after migrating, so a dropped guard lasts only until the next session starts.
    pub(crate) fn restore_guards(&mut self) -> Result<Vec<GuardProblem>> {
        let repaired: Vec<GuardProblem> = self
            .guard_problems()?
            .into_iter()
            .filter(|p| !matches!(p, GuardProblem::Unknown(_)))
            .collect();
        if repaired.is_empty() {
            return Ok(repaired);
        }
        let expected = latest_triggers()?;
        let names: Vec<String> = repaired.iter().map(ToString::to_string).collect();
        self.write(
            &Actor::system_now("warden"),
            Need::To(Permission::ConfigureStation),
            "triggers",
            |tx| {
                for problem in &repaired {
                    let (GuardProblem::Missing(name) | GuardProblem::Altered(name)) = problem
                    else {
                        continue;
                    };
                    let Some(sql) = expected.get(name) else {
                        continue;
                    };
                    let quoted = name.replace('"', "\"\"");
                    tx.execute_batch(&format!("DROP TRIGGER IF EXISTS \"{quoted}\";"))?;
                    tx.execute_batch(sql)?;
                }
                tx.audit::<(), _>(
                    Entity::Database,
                    "triggers",
                    Deed::Restored,
                    None,
                    Some(&names),
                )
            },
        )?;
        tracing::warn!(
            ?names,
            "guard triggers were missing or altered and have been put back"
        );
        Ok(repaired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_has_the_append_only_guards() {
        let t = latest_triggers().unwrap();
        assert!(t.contains_key("audit_append_only_update"));
        assert!(t.contains_key("audit_append_only_delete"));
    }

    #[test]
    fn the_digest_is_the_migrations_own() {
        let built = digest(latest_triggers().unwrap());
        assert_eq!(
            built, LATEST_TRIGGERS_SHA256,
            "the migrations' triggers changed: set LATEST_TRIGGERS_SHA256 in src/store/guards.rs to {built}"
        );
    }

    #[test]
    fn comparing_names_missing_altered_and_unknown_triggers() {
        let expected: BTreeMap<String, String> = [("a", "A"), ("b", "B")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let found: BTreeMap<String, String> = [("b", "B2"), ("c", "C")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            compare(&expected, &found),
            [
                GuardProblem::Missing("a".into()),
                GuardProblem::Altered("b".into()),
                GuardProblem::Unknown("c".into())
            ]
        );
    }
}
