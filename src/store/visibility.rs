//! Need-to-know at the connection: every read of assessments, their reviews and send-backs goes through temporary
//! views that hide records made on restricted forms from a viewer whose role may not see them (issue 16).
//!
//! SQLite looks up an unqualified name in the `temp` schema first, so `temp.assessment` (a view over
//! `main.assessment`) stands in for the table in every query this connection runs: the record screen, the queues,
//! Home's panels, every report, the command line, and any query added later, without each having to remember a
//! filter. Writes name `main.` explicitly. Triggers and views stored in the file bind to `main` and are unaffected.
//! Which forms are restricted is data (`form_access`, from the form files' `access` line); whether the viewer may
//! see them is the domain's rule (`auth::sees_restricted`), read through one SQL function.

use super::Result;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The filtered stand-ins. `classification` (a view stored in the file) is shadowed too, for a service whose own
/// restricted instrument sets custody levels. The dependent views ask for their own assessment (`EXISTS ... WHERE
/// a.id = ...`), one lookup by key: `IN (SELECT id FROM temp.assessment)` made SQLite list every assessment in the
/// register on every read (the filter calls a function that is not deterministic, so the list is not kept), 5.5-6.1
/// ms a person on the national demo against 0.03-0.04 ms, with the same rows.
const VIEWS: &str = "
CREATE TEMP VIEW IF NOT EXISTS assessment AS
    SELECT * FROM main.assessment
    WHERE warden_sees_restricted()
       OR form_id NOT IN (SELECT form_id FROM main.form_access WHERE access = 'restricted');
CREATE TEMP VIEW IF NOT EXISTS review_trigger AS
    SELECT * FROM main.review_trigger t
    WHERE EXISTS (SELECT 1 FROM temp.assessment a WHERE a.id = t.assessment_id);
CREATE TEMP VIEW IF NOT EXISTS assessment_return AS
    SELECT * FROM main.assessment_return r
    WHERE EXISTS (SELECT 1 FROM temp.assessment a WHERE a.id = r.assessment_id);
CREATE TEMP VIEW IF NOT EXISTS classification AS
    SELECT * FROM main.classification c
    WHERE EXISTS (SELECT 1 FROM temp.assessment a WHERE a.id = c.id);
";

/// Whether this connection's viewer may see restricted records; false until someone is known to be allowed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Viewer(Arc<AtomicBool>);

impl Viewer {
    pub(crate) fn set(&self, sees_restricted: bool) {
        self.0.store(sees_restricted, Ordering::SeqCst);
    }
}

/// Installs the function and the views on `conn` (after migrations: they need the tables).
pub(crate) fn install(conn: &Connection, viewer: &Viewer) -> Result<()> {
    let flag = Arc::clone(&viewer.0);
    conn.create_scalar_function(
        "warden_sees_restricted",
        0,
        // Not deterministic: the answer changes when someone else signs in on the same connection.
        FunctionFlags::SQLITE_UTF8,
        move |_| Ok(flag.load(Ordering::SeqCst)),
    )?;
    conn.execute_batch(VIEWS)?;
    Ok(())
}
