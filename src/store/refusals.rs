//! Refused writes in the audit trail: each refusal is a row, and the same refusal repeated within a minute
//! (a key pressed again and again) is counted and written as one summary row, so the trail stays readable and
//! append-only (a count is never kept by updating a row).

use super::{Actor, Result, Store, StoreError, Tx};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{self, Need};
use chrono::{DateTime, Duration, Utc};

/// How long repeats of one refusal are gathered into one summary row.
const WINDOW_SECONDS: i64 = 60;

/// The last refusal and how often it was repeated since its row was written.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    last: Option<Repeats>,
}

#[derive(Debug, Clone)]
pub(crate) struct Repeats {
    actor: String,
    need: String,
    target: String,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    count: u32,
}

impl Repeats {
    fn same(&self, actor: &str, need: &str, target: &str) -> bool {
        self.actor == actor && self.need == need && self.target == target
    }
}

/// Writes the summary rows of repeats still counted (inside whatever transaction comes next).
pub(crate) fn append_summaries(tx: &Tx, pending: &[Repeats]) -> Result<()> {
    for r in pending {
        let summary = serde_json::json!({
            "target": r.target,
            "repeated": r.count,
            "from": super::time_text(r.first),
            "until": super::time_text(r.last),
        });
        tx.audit_by::<(), _>(
            &r.actor,
            r.last,
            Entity::Permission,
            &r.need,
            Deed::Refused,
            None,
            Some(&summary),
        )?;
    }
    Ok(())
}

impl Store {
    /// Refuses, and audits the refusal, when `actor` may not do what `need` names; every write asks here
    /// first, and so does every read of protected data and every command-line read. The refusal's row is
    /// written when the file can be written (a read-only copy still refuses, without the row).
    pub fn authorise(&mut self, actor: &Actor, need: Need, target: &str) -> Result<()> {
        let Some(reason) = auth::refusal_of(actor.authority, need) else {
            return Ok(());
        };
        if let Err(e) = self.record_refusal(actor, &need.name(), target) {
            tracing::warn!(error = %e, "could not audit a refusal");
        }
        Err(StoreError::Refused(reason))
    }

    /// Audits one refused write (or counts it, when the same refusal was written less than a minute ago).
    pub(crate) fn record_refusal(&mut self, actor: &Actor, need: &str, target: &str) -> Result<()> {
        let name = actor.audit_name();
        let earlier = {
            let mut pending = self.refusals.borrow_mut();
            if let Some(r) = pending.last.as_mut()
                && r.same(&name, need, target)
                && actor.at - r.first < Duration::seconds(WINDOW_SECONDS)
            {
                r.count += 1;
                r.last = actor.at;
                return Ok(());
            }
            let earlier = pending.last.take().filter(|r| r.count > 0);
            pending.last = Some(Repeats {
                actor: name,
                need: need.to_string(),
                target: target.to_string(),
                first: actor.at,
                last: actor.at,
                count: 0,
            });
            earlier
        };
        let row = serde_json::json!({ "target": target });
        self.write_unguarded(actor, |tx| {
            append_summaries(tx, earlier.as_slice())?;
            tx.audit::<(), _>(Entity::Permission, need, Deed::Refused, None, Some(&row))
        })
    }

    /// Repeats counted but not yet written; the window closes with the next write.
    pub(crate) fn take_pending_refusals(&self) -> Vec<Repeats> {
        let mut pending = self.refusals.borrow_mut();
        match pending.last.take() {
            Some(r) if r.count > 0 => vec![r],
            _ => Vec::new(),
        }
    }

    /// Writes repeats still counted, on sign-out and when the store closes.
    pub fn flush_refusals(&mut self) -> Result<()> {
        let pending = self.take_pending_refusals();
        if pending.is_empty() {
            return Ok(());
        }
        self.write_unguarded(&Actor::system_now("warden"), |tx| {
            append_summaries(tx, &pending)
        })
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Best effort: a read-only or failing file cannot take the row, and a drop must not panic.
        let _ = self.flush_refusals();
    }
}
