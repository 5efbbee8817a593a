//! Exporting the register to a file: the people in custody in one facility or the whole service, with the
//! columns the reader's role may see, and a disclosure record (who, what, why, when) written before the rows are
//! handed over. The same column names as the import reads.

use super::CachedSql as _;
use super::prisoners::{PRISONER_COLUMNS, read_prisoner};
use super::{Actor, Result, Store, StoreError};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Authority, Need, Permission, Role};
use crate::domain::estate::Facility;
use crate::domain::prisoner::visible_fields;
use crate::domain::register_file::Target;
use std::collections::HashMap;

/// The register as a table: canonical column names and one row of text per person.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterExport {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// How often (in rows) the reading tells the progress line.
const PROGRESS_EVERY: usize = 1000;

impl Store {
    /// The people in custody in `facility` (or everywhere), by prison number, with the fields `actor`'s role may
    /// see. One facility needs `ExportFacility`, the whole service `ExportRegister`; either needs a reason, kept
    /// with who, what and when in the audit trail as a disclosure before anything is returned.
    pub fn export_register(
        &mut self,
        actor: &Actor,
        facility: Option<&Facility>,
        format: &str,
        why: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<RegisterExport> {
        let need = Need::To(if facility.is_some() {
            Permission::ExportFacility
        } else {
            Permission::ExportRegister
        });
        let why = why.trim();
        if why.is_empty() {
            return Err(StoreError::invalid(crate::i18n::t("export-why-required")));
        }
        crate::domain::text::check("why", why).map_err(StoreError::invalid)?;
        let role = match actor.authority {
            Authority::Staff(role) => role,
            // Warden's own work sees what an administrator sees.
            _ => Role::Admin,
        };
        let fields: Vec<&'static str> = visible_fields(role).map(|f| f.key).collect();
        let mut columns: Vec<&'static str> =
            fields.iter().map(|k| Target::Field(k).name()).collect();
        columns.extend([Target::Facility.name(), Target::Cell.name()]);
        let codes: HashMap<i64, String> = self
            .facilities()?
            .into_iter()
            .map(|f| (f.facility.id, f.facility.code))
            .collect();
        let sql = format!(
            "SELECT {PRISONER_COLUMNS}, c.code FROM prisoner p LEFT JOIN cell c ON c.id = p.cell_id
             WHERE p.in_custody = 1 AND (?1 IS NULL OR p.facility_id = ?1) ORDER BY p.number"
        );
        let total: i64 = self.conn().query_row_cached(
            "SELECT count(*) FROM prisoner WHERE in_custody = 1 AND (?1 IS NULL OR facility_id = ?1)",
            [facility.map(|f| f.id)],
            |r| r.get(0),
        )?;
        let total = total as usize;
        progress(0, total);
        let mut rows = Vec::with_capacity(total);
        {
            let mut stmt = self.conn().prepare(&sql)?;
            let found = stmt.query_map([facility.map(|f| f.id)], |r| {
                Ok((read_prisoner(r)?, r.get::<_, Option<String>>(17)?))
            })?;
            for row in found {
                let (p, cell) = row?;
                let mut out: Vec<String> = fields.iter().map(|k| p.get(k)).collect();
                out.push(
                    p.facility_id
                        .and_then(|id| codes.get(&id).cloned())
                        .unwrap_or_default(),
                );
                out.push(cell.unwrap_or_default());
                rows.push(out);
                if rows.len() % PROGRESS_EVERY == 0 {
                    progress(rows.len(), total.max(rows.len()));
                }
            }
        }
        let what = serde_json::json!({
            "what": "prisoners",
            "facility": facility.map(|f| f.code.clone()),
            "format": format,
            "people": rows.len(),
            "columns": columns,
            "why": why,
        });
        let target = match facility {
            Some(f) => format!("export {}", f.code),
            None => "export".to_string(),
        };
        self.write(actor, need, &target, |tx| {
            tx.audit::<(), _>(Entity::Disclosure, 0, Deed::Export, None, Some(&what))
        })?;
        Ok(RegisterExport { columns, rows })
    }
}
