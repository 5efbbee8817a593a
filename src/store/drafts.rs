//! Drafts: the unsaved contents of a form, kept per person and form so a power cut or a crash loses nothing typed.

use super::CachedSql as _;
use super::{Result, Store, parse_time, time_text};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

impl Store {
    /// Replaces the draft in one statement (atomic on its own). Drafts are scratch, not records: not audited.
    pub fn save_draft(
        &self,
        owner: &str,
        key: &str,
        payload: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO draft(owner, key, payload, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(owner, key) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at",
            )?
            .execute(rusqlite::params![owner, key, payload, time_text(at)])?;
        Ok(())
    }

    /// The draft and when it was last written.
    pub fn draft(&self, owner: &str, key: &str) -> Result<Option<(String, DateTime<Utc>)>> {
        let found: Option<(String, String)> = self
            .conn()
            .query_row_cached(
                "SELECT payload, updated_at FROM draft WHERE owner = ?1 AND key = ?2",
                [owner, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(found.map(|(p, t)| (p, parse_time(&t).unwrap_or_default())))
    }

    pub fn delete_draft(&self, owner: &str, key: &str) -> Result<()> {
        self.conn().execute_cached(
            "DELETE FROM draft WHERE owner = ?1 AND key = ?2",
            [owner, key],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn drafts_are_kept_per_person_and_form_and_replaced_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("w.db")).unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        store.save_draft("okello", "admit", "{\"a\":1}", t).unwrap();
        store.save_draft("okello", "admit", "{\"a\":2}", t).unwrap();
        store.save_draft("amina", "admit", "{\"b\":1}", t).unwrap();
        assert_eq!(
            store.draft("okello", "admit").unwrap(),
            Some(("{\"a\":2}".into(), t))
        );
        store.delete_draft("okello", "admit").unwrap();
        assert_eq!(store.draft("okello", "admit").unwrap(), None);
        assert!(store.draft("amina", "admit").unwrap().is_some());
        assert!(store.verify_audit().unwrap().is_none());
    }
}
