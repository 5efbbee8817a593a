//! Bulk loading (the demo builds its file this way): one transaction for the whole load, no flush per commit, a
//! large page cache, and the full-text name indexes filled once at the end.

use super::{CachedSql as _, Result, Store};
use crate::domain::name_search;

impl Store {
    /// Turns the flush after every commit off (`true`) or back to the durable setting (`false`). Only for a
    /// database being built beside its final place (the demo): a crash there loses a scratch file, never data,
    /// and tens of thousands of small audited writes would otherwise each wait for the disk.
    ///
    /// While on, the writes also share one transaction, each its own savepoint of it (a refused write still
    /// leaves nothing): thousands of commits were a fifth of the demo's build.
    pub(crate) fn set_bulk_loading(&self, on: bool) -> Result<()> {
        let conn = self.conn();
        if !on && !conn.is_autocommit() {
            restore_deferred_indexes(conn)?;
            fill_deferred_search_rows(conn)?;
            conn.execute_batch("COMMIT")?;
        }
        self.bulk_loading.set(on);
        conn.pragma_update(None, "synchronous", if on { "OFF" } else { "FULL" })?;
        // A larger page cache keeps the indexes these writes touch in memory, and a longer write-ahead log
        // copies each hot page into the main file once per few thousand commits rather than every few hundred.
        // The whole national demo (about 290 MB) fits, so its pages are not spilled to the log and read back
        // while the one transaction grows; SQLite takes the memory only as the file grows.
        conn.pragma_update(
            None,
            "cache_size",
            if on {
                BULK_CACHE_KIB
            } else {
                super::CACHE_SIZE_KIB
            },
        )?;
        conn.pragma_update(None, "wal_autocheckpoint", 1_000)?;
        // Referring, allocating, marking and classifying cycle through more distinct statements than a
        // session keeps, so each would be parsed and planned again on every call.
        conn.set_prepared_statement_cache_capacity(if on {
            256
        } else {
            super::cached::KEPT_STATEMENTS
        });
        if on && conn.is_autocommit() {
            conn.execute_batch(PENDING_SEARCH)?;
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        Ok(())
    }
}

impl Store {
    /// In a bulk load, drops `table`'s own indexes (not those of its primary key and UNIQUE constraints, which
    /// keep refusing duplicates) until [`Store::restore_deferred_indexes`] or the end of the load creates them
    /// again, each by one sort of the finished table instead of growing it row by row. Only for a stage whose
    /// reads do not need them (admissions look people up by id and number). Outside a bulk load it does nothing.
    ///
    /// The drop and the re-creation are inside the load's one transaction: a load cut short (a crash, a power
    /// cut) rolls back to the file as it was before the load, indexes and all.
    pub(crate) fn defer_indexes(&self, table: &str) -> Result<()> {
        let conn = self.conn();
        if !self.bulk_loading.get() || conn.is_autocommit() {
            return Ok(());
        }
        conn.execute_batch(DEFERRED_INDEXES)?;
        let indexes: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM main.sqlite_schema
                 WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY rowid",
            )?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, sql) in indexes {
            conn.execute(
                "INSERT INTO temp.deferred_index(name, sql) VALUES (?1, ?2)",
                [&name, &sql],
            )?;
            conn.execute_batch(&format!(
                "DROP INDEX main.\"{}\"",
                name.replace('"', "\"\"")
            ))?;
        }
        Ok(())
    }

    /// Creates again the indexes [`Store::defer_indexes`] dropped (the end of a bulk load does it too).
    pub(crate) fn restore_deferred_indexes(&self) -> Result<()> {
        restore_deferred_indexes(self.conn())
    }
}

/// The indexes a bulk load has dropped until its end, with the statements that make them.
const DEFERRED_INDEXES: &str = "CREATE TEMP TABLE IF NOT EXISTS deferred_index (
    name TEXT PRIMARY KEY, sql TEXT NOT NULL)";

fn restore_deferred_indexes(conn: &rusqlite::Connection) -> Result<()> {
    let pending: bool = conn.query_row_cached(
        "SELECT count(*) > 0 FROM temp.sqlite_schema WHERE name = 'deferred_index'",
        [],
        |r| r.get(0),
    )?;
    if !pending {
        return Ok(());
    }
    let indexes: Vec<String> = conn
        .prepare("SELECT sql FROM temp.deferred_index ORDER BY rowid")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sql in indexes {
        conn.execute_batch(&sql)?;
    }
    conn.execute_batch("DROP TABLE temp.deferred_index")?;
    Ok(())
}

/// The page cache of a bulk load, in KiB (the pragma's negative form): 512 MiB.
const BULK_CACHE_KIB: i64 = -524_288;

/// The table a bulk load keeps the runs of letters in until its end: full-text tables write their pending words
/// out at every statement of a transaction (SQLite opens a savepoint per statement, and FTS5 flushes at each), so
/// one row at a time made a segment per person and most of a national demo's build was merging them.
const PENDING_SEARCH: &str = "CREATE TEMP TABLE IF NOT EXISTS pending_search (
    id INTEGER PRIMARY KEY, inside TEXT NOT NULL)";

/// `prisoners::write_search_rows` in a bulk load: the plain table now, the two full-text indexes at the end
/// ([`fill_deferred_search_rows`]).
pub(super) fn defer_search_rows(
    conn: &rusqlite::Connection,
    id: i64,
    in_custody: bool,
    ix: &name_search::Indexed,
) -> Result<()> {
    super::prisoners::write_find_row(conn, id, in_custody, ix)?;
    conn.prepare_cached("INSERT OR REPLACE INTO temp.pending_search(id, inside) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id, ix.inside])?;
    Ok(())
}

/// The end of a bulk load: the word index rebuilt from `prisoner_find` and the runs of letters written, each in
/// one statement.
fn fill_deferred_search_rows(conn: &rusqlite::Connection) -> Result<()> {
    let pending: bool = conn.query_row_cached(
        "SELECT count(*) > 0 FROM temp.sqlite_schema WHERE name = 'pending_search'",
        [],
        |r| r.get(0),
    )?;
    if !pending {
        return Ok(());
    }
    conn.execute_batch(
        "INSERT INTO prisoner_word(prisoner_word) VALUES ('rebuild');
         INSERT OR REPLACE INTO prisoner_search(rowid, names) SELECT id, inside FROM temp.pending_search;
         DROP TABLE temp.pending_search;",
    )?;
    Ok(())
}
