//! The form versions records are made with: recording each loaded form's version (its text never changes once a
//! record uses it), refusing a file changed without a new version number, who may see a form's records
//! (`access`), and reading a recorded version back.

use super::CachedSql as _;
use super::assessments::invalid;
use super::{Actor, Result, Store, Tx, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::estate_file::Pos;
use crate::domain::forms::registry::Unavailable;
use crate::domain::forms::{Form, FormError, Registry};
use rusqlite::{OptionalExtension, params};
use std::path::Path;

/// The line of the file's `version` key, for the refusal of an edited form.
fn version_line(source: &str) -> Pos {
    let line = source
        .lines()
        .position(|l| l.trim_start().starts_with("version"))
        .map_or(1, |i| i + 1);
    Pos {
        line,
        column: Some(1),
    }
}

impl Tx<'_> {
    fn recorded_sha(&self, id: &str, version: u32) -> Result<Option<String>> {
        Ok(self
            .prepare_cached("SELECT sha256 FROM form_version WHERE form_id = ?1 AND version = ?2")?
            .query_row(params![id, version], |r| r.get(0))
            .optional()?)
    }

    /// Records the form's version the first time it is used; refuses one whose text changed under its number.
    /// Records who may see this form's records (its `access` line), audited when it changes. The latest form
    /// file decides for every version of the form: restricting a form hides its older records too.
    fn record_form_access(&self, form: &Form) -> Result<()> {
        let before: Option<String> = self
            .query_row_cached(
                "SELECT access FROM form_access WHERE form_id = ?1",
                [&form.id],
                |r| r.get(0),
            )
            .optional()?;
        let access = form.access.as_str();
        if before.as_deref() == Some(access) {
            return Ok(());
        }
        self.execute_cached(
            "INSERT INTO form_access(form_id, access) VALUES (?1, ?2)
             ON CONFLICT(form_id) DO UPDATE SET access = excluded.access",
            params![form.id, access],
        )?;
        self.audit(
            Entity::FormAccess,
            &form.id,
            Deed::Set,
            before.as_ref(),
            Some(&access),
        )
    }

    pub(super) fn ensure_form_version(&self, form: &Form) -> Result<()> {
        match self.recorded_sha(&form.id, form.version)? {
            Some(sha) if sha == form.sha256 => Ok(()),
            Some(_) => Err(invalid(format!(
                "form {} version {} has changed since records were made with it: raise its `version`",
                form.id, form.version
            ))),
            None => {
                self.execute_cached(
                    "INSERT INTO form_version(form_id, version, sha256, source, first_seen)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        form.id,
                        form.version,
                        form.sha256,
                        form.source,
                        time_text(self.actor.at)
                    ],
                )?;
                self.audit(
                    Entity::FormVersion,
                    format!("{} v{}", form.id, form.version),
                    Deed::Record,
                    None::<&()>,
                    Some(&serde_json::json!({ "sha256": form.sha256 })),
                )
            }
        }
    }
}

impl Store {
    /// Checks every loaded form against the versions already recorded: a form whose file changed without a new
    /// version number is moved to `registry.unavailable` with a message naming the file; new versions are recorded.
    pub fn register_forms(&mut self, actor: &Actor, registry: &mut Registry) -> Result<()> {
        // Every start comes here: when every version is already recorded as it is, read only, so a start never
        // waits for another station's write lock.
        let all_recorded = registry.forms.iter().all(|(_, form)| {
            self.conn()
                .prepare_cached(
                    "SELECT sha256 FROM form_version WHERE form_id = ?1 AND version = ?2",
                )
                .and_then(|mut st| {
                    st.query_row(params![form.id, form.version], |r| r.get::<_, String>(0))
                        .optional()
                })
                .is_ok_and(|sha| sha.as_deref() == Some(form.sha256.as_str()))
        });
        let access_recorded = registry.forms.iter().all(|(_, form)| {
            self.form_access(&form.id)
                .is_ok_and(|a| a.as_deref() == Some(form.access.as_str()))
        });
        if all_recorded && access_recorded {
            return Ok(());
        }
        let forms = std::mem::take(&mut registry.forms);
        let mut refused = Vec::new();
        let kept = self.write(
            actor,
            Need::To(Permission::ConfigureStation),
            "forms",
            |tx| {
                let mut kept = Vec::new();
                for (path, form) in forms {
                    let recorded = tx.recorded_sha(&form.id, form.version)?;
                    if recorded.as_ref().is_some_and(|sha| *sha != form.sha256) {
                        refused.push(edited_form(&path, &form, tx)?);
                        continue;
                    }
                    tx.ensure_form_version(&form)?;
                    tx.record_form_access(&form)?;
                    kept.push((path, form));
                }
                Ok(kept)
            },
        )?;
        registry.forms = kept;
        registry.unavailable.extend(refused);
        Ok(())
    }

    /// Who may see records made on a form, as last recorded (`normal`, `restricted`; None before the first start).
    pub fn form_access(&self, form_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT access FROM form_access WHERE form_id = ?1")?
            .query_row([form_id], |r| r.get(0))
            .optional()?)
    }

    /// The text of a form version that records were made with.
    pub fn form_source(&self, id: &str, version: u32) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row_cached(
                "SELECT source FROM form_version WHERE form_id = ?1 AND version = ?2",
                params![id, version],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The form a record was made with, from its recorded text.
    pub fn recorded_form(&self, id: &str, version: u32) -> Result<Form> {
        let key = (id.to_string(), version);
        if let Some(form) = self.recorded_forms.borrow().get(&key) {
            return Ok(form.clone());
        }
        let form = self.load_recorded_form(id, version)?;
        self.recorded_forms.borrow_mut().insert(key, form.clone());
        Ok(form)
    }

    fn load_recorded_form(&self, id: &str, version: u32) -> Result<Form> {
        let source = self
            .form_source(id, version)?
            .ok_or_else(|| invalid(format!("form {id} version {version} was never recorded")))?;
        crate::domain::forms::load(source.as_bytes()).map_err(|errors| {
            let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
            invalid(format!(
                "the recorded text of form {id} version {version} no longer loads: {first}"
            ))
        })
    }
}

/// The refusal of a form file changed without a new version number.
fn edited_form(path: &Path, form: &Form, tx: &Tx) -> Result<Unavailable> {
    let highest: u32 = tx.query_row_cached(
        "SELECT max(version) FROM form_version WHERE form_id = ?1",
        [&form.id],
        |r| r.get(0),
    )?;
    Ok(Unavailable {
        path: path.to_path_buf(),
        errors: vec![FormError {
            pos: version_line(&form.source),
            message: format!(
                "this file differs from version {} of '{}', which records were already made with: \
                 raise `version` (to {}) whenever the form changes",
                form.version,
                form.id,
                highest + 1
            ),
        }],
    })
}
