//! A print in the audit trail (who printed which report, in what format, to where) and the user's remembered
//! print choice, kept in the `setting` table under `print.<user>`; both in one transaction.

use super::CachedSql as _;
use super::{Actor, Result, Setting, Store};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use serde::Serialize;

impl Store {
    /// Records a print. `remember` is the user's choice to keep for next time (`None` from the command line, so a
    /// cron job never changes what a person's print screen starts with).
    pub fn record_print<R: Serialize>(
        &mut self,
        actor: &Actor,
        report: &str,
        record: &R,
        remember: Option<(&Setting, &str)>,
    ) -> Result<()> {
        self.write(actor, Need::To(Permission::ViewRegister), report, |tx| {
            if let Some((key, value)) = remember {
                tx.execute_cached(
                    "INSERT INTO setting(key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key.key().as_ref(), value],
                )?;
            }
            tx.audit(
                Entity::Print,
                report,
                Deed::Print,
                None::<&()>,
                Some(record),
            )
        })
    }
}
