//! Statements kept prepared between calls: rusqlite's `execute` and `query_row` parse their SQL on every call,
//! which was a quarter of the demo's build and of every busy write path.

use rusqlite::{Connection, Params, Row};

/// How many statements a connection keeps prepared. A write path such as an admission runs about forty distinct
/// statements; fewer kept than that and each call evicts one the next will need.
pub(crate) const KEPT_STATEMENTS: usize = 96;

/// `execute` and `query_row` through the connection's statement cache.
pub(crate) trait CachedSql {
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    fn query_row_cached<T, P: Params, F: FnOnce(&Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T>;
}

impl CachedSql for Connection {
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn query_row_cached<T, P: Params, F: FnOnce(&Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}
