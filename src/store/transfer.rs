//! Transfers between facilities: out and in events, the person's facility changed and their cell left, and the
//! same transfer followed by a placement in a chosen cell of the new facility, as one write that checks every
//! hard rule against the database as it is inside that transaction.

use super::CachedSql as _;
use super::allocation::{MoveRequest, Movement, Seen};
use super::prisoners::{PRISONER_COLUMNS, read_prisoner};
use super::{Actor, Result, Store, StoreError, Tx};
use crate::domain::allocate::MoveReason;
use crate::domain::allocate::lawful::{Who, lawful_destination};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::prisoner::{CustodyEvent, EventKind, Prisoner, check_movement};
use chrono::NaiveDateTime;
use rusqlite::OptionalExtension;

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// A refusal of the destination: the transfer form's "to" field, named in the text as the form labels it.
fn refused_to(why: impl Into<String>) -> StoreError {
    let label = crate::i18n::t("transfer-field-to");
    invalid(super::FieldError::new("to", why).labelled(label))
}

impl Tx<'_> {
    /// Moves a prisoner to another facility: an out event at the old one, an in event at the new one; they
    /// leave their cell. `record_move` writes the movement row out of the old cell; a transfer straight into a
    /// cell leaves it out, since the placement records the whole move (old cell to new) as one row. Returns the
    /// cell they left.
    pub(crate) fn transfer(
        &self,
        prisoner_id: i64,
        to_facility: i64,
        authority: &str,
        reason: &str,
        at: NaiveDateTime,
        record_move: bool,
    ) -> Result<Option<i64>> {
        let today = self.actor.at.date_naive();
        let sql = format!("SELECT {PRISONER_COLUMNS} FROM prisoner p WHERE p.id = ?1");
        let before = self
            .query_row_cached(&sql, [prisoner_id], read_prisoner)
            .optional()?
            .ok_or_else(|| invalid("this prisoner's record no longer exists"))?;
        check_movement(&before, authority, reason).map_err(invalid)?;
        let from = before
            .facility_id
            .ok_or_else(|| invalid("not held in any facility"))?;
        if from == to_facility {
            return Err(refused_to("the prisoner is already there"));
        }
        let target = self
            .query_row_cached(
                "SELECT f.id, f.code, f.name, f.region, f.kind, f.security FROM facility f WHERE f.id = ?1",
                [to_facility],
                super::estate::read_facility,
            )
            .optional()?
            .ok_or_else(|| refused_to("no such facility"))?;
        // Rule 11: the destination must have a unit that may hold them (sex, age group, legal status).
        let units = super::estate::units_in(self, Some(to_facility))?;
        lawful_destination(&Who::of(&before, today), &target, &units)
            .map_err(|e| refused_to(e.to_string()))?;
        let event = |kind, facility_id| CustodyEvent {
            id: 0,
            prisoner_id,
            kind,
            at,
            facility_id,
            authority: authority.trim().to_string(),
            reason: reason.trim().to_string(),
            recorded_by: self.actor.name.clone(),
        };
        self.append_event(&event(EventKind::TransferOut, from))?;
        self.append_event(&event(EventKind::TransferIn, to_facility))?;
        let after = Prisoner {
            facility_id: Some(to_facility),
            cell_id: None,
            ..before.clone()
        };
        self.write_prisoner(&after)?;
        if record_move {
            super::allocation::record_plain_move(
                self,
                prisoner_id,
                before.cell_id,
                None,
                at.and_utc(),
                MoveReason::Transfer,
            )?;
        }
        let why = format!("transferred to {}", target.code);
        super::rosters::end_open_referrals(self, prisoner_id, &why)?;
        super::segregation::end_on_leaving(self, prisoner_id, at)?;
        self.audit(
            Entity::Prisoner,
            prisoner_id,
            Deed::Transfer,
            Some(&before),
            Some(&after),
        )?;
        Ok(before.cell_id)
    }
}

impl Store {
    /// Places someone in `req.to_cell` wherever it is. In their own facility that is a cell move; in another,
    /// a transfer there (out and in events, with `authority` and the comment as its reason) and the placement,
    /// in one transaction, recorded as one move from the old cell to the new with the reason `transfer`. Every
    /// hard rule is checked again inside the transaction, as for any move; if one refuses, nothing is written.
    pub fn transfer_to_cell(
        &mut self,
        actor: &Actor,
        req: &MoveRequest,
        authority: &str,
    ) -> Result<Movement> {
        self.write(actor, Need::To(Permission::Transfer), &format!("prisoner {}", req.prisoner_id), |tx| {
            let target: Option<i64> = tx
                .prepare_cached(
                    "SELECT u.facility_id FROM cell c JOIN unit u ON u.id = c.unit_id WHERE c.id = ?1",
                )?
                .query_row([req.to_cell], |r| r.get(0))
                .optional()?;
            let no_cell = || invalid(super::FieldError::new("cell", "no such cell").labelled("Cell"));
            let target = target.ok_or_else(no_cell)?;
            let (facility, cell): (Option<i64>, Option<i64>) = tx
                .prepare_cached("SELECT facility_id, cell_id FROM prisoner WHERE id = ?1")?
                .query_row([req.prisoner_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| invalid("this prisoner's record no longer exists"))?;
            if facility == Some(target) {
                return tx.move_to_cell(req);
            }
            if let Some(seen) = req.seen
                && seen.from_cell != cell
            {
                return Err(invalid(
                    "they were moved by someone else meanwhile; look again before moving",
                ));
            }
            let at = tx.actor.at.naive_utc();
            let left = tx.transfer(req.prisoner_id, target, authority, req.comment, at, false)?;
            let placed = MoveRequest {
                reason: MoveReason::Transfer,
                seen: req.seen.map(|s| Seen {
                    from_cell: None,
                    ..s
                }),
                ..req.clone()
            };
            tx.move_recorded(&placed, left)
        })
    }
}
