//! The estate form: create or change a facility, unit or cell (administrators only).

use super::{Ctx, FormKey, Outcome, Screen, chosen};
use crate::domain::auth::Permission;
use crate::domain::estate::{
    AgeGroup, Cell, Facility, FacilityKind, SecurityLevel, Unit, UnitSex, UnitUse,
};
use crate::store::{FieldError, StoreError};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use ratatui::Frame;
use ratatui::layout::Rect;

/// What the estate form creates or changes. The id in Unit/Cell is the parent's.
pub enum Target {
    Facility(Option<Facility>),
    Unit(i64, Option<Unit>),
    Cell(i64, Option<Cell>),
}

pub struct EstateForm {
    target: Target,
    form: Form,
}

fn words<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

impl EstateForm {
    pub fn new(target: Target) -> EstateForm {
        let fields = match &target {
            Target::Facility(f) => {
                let f = f.clone();
                let get = |pick: fn(&Facility) -> String, default: &str| {
                    f.as_ref().map(pick).unwrap_or_else(|| default.into())
                };
                vec![
                    FormField::text("code", "Code", &get(|f| f.code.clone(), "")),
                    FormField::text("name", "Name", &get(|f| f.name.clone(), "")),
                    FormField::text("region", "Region", &get(|f| f.region.clone(), "")),
                    FormField::exact_words(
                        "kind",
                        "Holds",
                        &words(FacilityKind::ALL, FacilityKind::as_str),
                        &get(|f| f.kind.as_str().into(), "men"),
                    ),
                    FormField::exact_words(
                        "security",
                        "Security level",
                        &words(SecurityLevel::ALL, SecurityLevel::as_str),
                        &get(|f| f.security.as_str().into(), "medium"),
                    ),
                ]
            }
            Target::Unit(_, u) => {
                let u = u.clone();
                let get = |pick: fn(&Unit) -> String, default: &str| {
                    u.as_ref().map(pick).unwrap_or_else(|| default.into())
                };
                vec![
                    FormField::text("code", "Code", &get(|u| u.code.clone(), "")),
                    FormField::text("name", "Name", &get(|u| u.name.clone(), "")),
                    FormField::exact_words(
                        "sex",
                        "Sex",
                        &words(UnitSex::ALL, UnitSex::as_str),
                        &get(|u| u.sex.as_str().into(), "male"),
                    ),
                    FormField::exact_words(
                        "age_group",
                        "Age group",
                        &words(AgeGroup::ALL, AgeGroup::as_str),
                        &get(|u| u.age_group.as_str().into(), "adult"),
                    ),
                    FormField::exact_words(
                        "legal_use",
                        "Legal status held",
                        &words(UnitUse::ALL, UnitUse::as_str),
                        &get(|u| u.legal_use.as_str().into(), "any"),
                    ),
                    FormField::exact_words(
                        "security",
                        "Security level",
                        &words(SecurityLevel::ALL, SecurityLevel::as_str),
                        &get(|u| u.security.as_str().into(), "medium"),
                    ),
                ]
            }
            Target::Cell(_, c) => {
                let c = c.clone();
                let get = |pick: fn(&Cell) -> String, default: &str| {
                    c.as_ref().map(pick).unwrap_or_else(|| default.into())
                };
                vec![
                    FormField::text("code", "Code", &get(|c| c.code.clone(), "")),
                    FormField::text(
                        "certified",
                        "Certified capacity",
                        &get(|c| c.certified.to_string(), "1"),
                    ),
                    FormField::text(
                        "operational",
                        "Operational capacity",
                        &get(|c| c.operational.to_string(), "1"),
                    ),
                    FormField::text(
                        "maximum",
                        "Absolute maximum",
                        &get(|c| c.maximum.to_string(), "1"),
                    ),
                    FormField::text(
                        "out_of_use",
                        "Out of use: reason",
                        &get(|c| c.out_of_use.clone().unwrap_or_default(), ""),
                    ),
                ]
            }
        };
        EstateForm {
            target,
            form: Form::new(fields),
        }
    }

    fn facility(&self, existing: Option<&Facility>) -> Result<Facility, FieldError> {
        let g = |k: &str| self.form.get(k).trim().to_string();
        Ok(Facility {
            id: existing.map(|f| f.id).unwrap_or(0),
            code: g("code"),
            name: g("name"),
            region: g("region"),
            kind: chosen(&self.form, "kind", FacilityKind::parse)?,
            security: chosen(&self.form, "security", SecurityLevel::parse)?,
        })
    }

    fn unit(&self, facility_id: i64, existing: Option<&Unit>) -> Result<Unit, FieldError> {
        let g = |k: &str| self.form.get(k).trim().to_string();
        Ok(Unit {
            id: existing.map(|u| u.id).unwrap_or(0),
            facility_id,
            code: g("code"),
            name: g("name"),
            sex: chosen(&self.form, "sex", UnitSex::parse)?,
            age_group: chosen(&self.form, "age_group", AgeGroup::parse)?,
            legal_use: chosen(&self.form, "legal_use", UnitUse::parse)?,
            security: chosen(&self.form, "security", SecurityLevel::parse)?,
        })
    }

    fn cell(&self, unit_id: i64, existing: Option<&Cell>) -> Result<Cell, FieldError> {
        let number = |key: &'static str| {
            let label = self.form.fields.iter().find(|f| f.key == key);
            let label = label.map(|f| f.label.clone()).unwrap_or_default();
            self.form
                .get(key)
                .trim()
                .parse::<u32>()
                .map_err(|_| FieldError::new(key, "a whole number").labelled(label))
        };
        let reason = self.form.get("out_of_use").trim().to_string();
        Ok(Cell {
            id: existing.map(|c| c.id).unwrap_or(0),
            unit_id,
            code: self.form.get("code").trim().to_string(),
            certified: number("certified")?,
            operational: number("operational")?,
            maximum: number("maximum")?,
            out_of_use: if reason.is_empty() {
                None
            } else {
                Some(reason)
            },
        })
    }

    /// Builds the record from the form and saves it; a word or number the form cannot read is refused at its
    /// field like the store's own refusals, never saved as some default.
    fn write(&self, ctx: &mut Ctx) -> Result<(), StoreError> {
        let actor = ctx.actor();
        match &self.target {
            Target::Facility(existing) => {
                let f = self.facility(existing.as_ref())?;
                match existing {
                    Some(loaded) => ctx.store.update_facility_from(&actor, loaded, &f),
                    None => ctx.store.add_facility(&actor, &f).map(|_| ()),
                }
            }
            Target::Unit(facility_id, existing) => {
                let u = self.unit(*facility_id, existing.as_ref())?;
                match existing {
                    Some(loaded) => ctx.store.update_unit_from(&actor, loaded, &u),
                    None => ctx.store.add_unit(&actor, &u).map(|_| ()),
                }
            }
            Target::Cell(unit_id, existing) => {
                let c = self.cell(*unit_id, existing.as_ref())?;
                match existing {
                    Some(loaded) => ctx.store.update_cell_from(&actor, loaded, &c),
                    None => ctx.store.add_cell(&actor, &c).map(|_| ()),
                }
            }
        }
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::EditEstate) {
            return Outcome::Handled;
        }
        self.form.clear_errors();
        match self.write(ctx) {
            Ok(()) => {
                ctx.info("Saved.");
                Outcome::Pop
            }
            Err(e) => {
                super::mark_refused(&mut self.form, &e);
                ctx.error(e.to_string());
                Outcome::Handled
            }
        }
    }
}

impl Screen for EstateForm {
    fn title(&self) -> String {
        let (what, new) = match &self.target {
            Target::Facility(f) => ("facility", f.is_none()),
            Target::Unit(_, u) => ("unit", u.is_none()),
            Target::Cell(_, c) => ("cell", c.is_none()),
        };
        format!("{} {what}", if new { "New" } else { "Edit" })
    }

    fn footer(&self) -> Vec<Action> {
        // Tab needs a second field to go to (an assessor may change only the VEP flag); Left changes a choice,
        // and on a text field only moves the cursor, which needs no footer.
        let mut keys = vec![Action::Save];
        if self.form.editable_fields() > 1 {
            keys.push(Action::NextField);
        }
        if self.form.focused_is_choice() {
            keys.push(Action::Left);
        }
        keys.push(Action::Back);
        keys
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "estate-form-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match super::form_key(&mut self.form, action, ctx) {
            FormKey::Save => self.save(ctx),
            FormKey::Leave => Outcome::Pop,
            FormKey::Done(outcome) => outcome,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        self.form.render(
            frame,
            Rect::new(
                area.x,
                area.y + 1,
                area.width,
                area.height.saturating_sub(1),
            ),
            theme,
        );
    }
}
