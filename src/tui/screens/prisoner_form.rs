//! The admission and edit forms, drawn from the register's field table; the domain checks every value.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::prisoner::{FieldKind, Prisoner, choices, may_edit_field, visible_fields};
use crate::store::PrisonerRow;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct PrisonerForm {
    base: Prisoner,
    form: Form,
    admitting: bool,
    /// The number the form proposed; replaced when the facility changes unless someone typed their own.
    proposed_number: String,
    /// A date of birth over 100 years ago that the officer has been asked about; saving it again confirms it.
    confirmed_birth: Option<String>,
}

fn fields_for(p: &Prisoner, ctx: &Ctx, admitting: bool) -> Vec<FormField> {
    let role = ctx.session.role;
    visible_fields(role)
        .map(|spec| {
            let value = p.get(spec.key);
            let field = match spec.kind {
                FieldKind::Choice(_) | FieldKind::YesNo => {
                    let words = choices(spec.kind);
                    FormField::words(spec.key, spec.label, words, &value)
                }
                _ => FormField::text(spec.key, spec.label, &value),
            };
            let editable = if admitting {
                ctx.session.may(Permission::Admit) && spec.edit.is_none_or(|p| ctx.session.may(p))
            } else {
                may_edit_field(role, spec)
            };
            if editable { field } else { field.read_only() }
        })
        .collect()
}

impl PrisonerForm {
    pub fn edit(row: &PrisonerRow, ctx: &mut Ctx) -> PrisonerForm {
        let mut form = PrisonerForm {
            base: row.prisoner.clone(),
            form: Form::new(fields_for(&row.prisoner, ctx, false)),
            admitting: false,
            proposed_number: String::new(),
            confirmed_birth: None,
        };
        let key = form.draft_key();
        super::restore_draft(&mut form.form, &key, ctx);
        form
    }

    fn draft_key(&self) -> String {
        if self.admitting {
            "admit".into()
        } else {
            format!("edit-prisoner:{}", self.base.id)
        }
    }

    /// A blank admission form, or None (with a message) if this person may not admit or there is no facility.
    pub fn admit(ctx: &mut Ctx) -> Option<PrisonerForm> {
        if !ctx.allowed(Permission::Admit) {
            return None;
        }
        let facilities = match ctx.store.facilities() {
            Ok(f) if !f.is_empty() => f,
            Ok(_) => {
                ctx.error(
                    "There are no facilities yet: an administrator must set up the estate first.",
                );
                return None;
            }
            Err(e) => {
                ctx.error(format!("Cannot read the facilities: {e}"));
                return None;
            }
        };
        let now = ctx.now.naive_utc();
        let mut p = Prisoner::blank(now);
        let first = &facilities[0].facility;
        p.facility_id = Some(first.id);
        let number = ctx
            .store
            .next_number(&first.code, ctx.now.year())
            .unwrap_or_default();
        p.number = number.clone();
        let options = facilities
            .iter()
            .map(|f| {
                (
                    f.facility.code.clone(),
                    format!("{} - {}", f.facility.code, f.facility.name),
                )
            })
            .collect();
        let mut fields = vec![FormField::choice(
            "facility",
            "Admit to facility",
            options,
            &first.code,
        )];
        fields.extend(fields_for(&p, ctx, true));
        // No guessed date of birth: the officer must type one (a year alone will do).
        if let Some(f) = fields.iter_mut().find(|f| f.key == "birth") {
            *f = FormField::text("birth", &f.label.clone(), "");
        }
        let mut form = PrisonerForm {
            base: p,
            form: Form::new(fields),
            admitting: true,
            proposed_number: number,
            confirmed_birth: None,
        };
        let key = form.draft_key();
        super::restore_draft(&mut form.form, &key, ctx);
        Some(form)
    }

    fn refresh_number(&mut self, ctx: &mut Ctx) {
        if self.form.get("number") != self.proposed_number {
            return;
        }
        let code = self.form.get("facility");
        if let Ok(n) = ctx.store.next_number(&code, ctx.now.year()) {
            self.proposed_number = n.clone();
            if let Some(f) = self.form.field_mut("number") {
                *f = FormField::text("number", f.label.clone().as_str(), &n);
            }
        }
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        self.form.clear_errors();
        let today = ctx.now.date_naive();
        let mut p = self.base.clone();
        let mut first_error = None;
        let editable: Vec<(String, String)> = self
            .form
            .fields
            .iter()
            .filter(|f| !f.read_only && f.key != "facility")
            .map(|f| (f.key.clone(), f.value()))
            .collect();
        for (key, value) in editable {
            if let Err(e) = p.set(&key, &value, today) {
                first_error.get_or_insert_with(|| e.to_string());
                self.form.set_error(&key, e.message);
            }
        }
        if let Some(e) = first_error {
            // Put the focus on the first wrong field, not the last.
            if let Some(i) = self.form.fields.iter().position(|f| f.error.is_some()) {
                self.form.focus = i;
            }
            ctx.error(e);
            return Outcome::Handled;
        }
        // Over 100 is possible but more often a typing slip: asked once, and the same date saved again stands.
        let birth = p.birth.to_text();
        if p.birth.age_on(today) > 100 && self.confirmed_birth.as_deref() != Some(birth.as_str()) {
            let why =
                crate::i18n::t_args("birth-over-100", &[("age", p.birth.age_on(today).into())]);
            self.confirmed_birth = Some(birth);
            self.form.set_error("birth", why.clone());
            ctx.error(format!(
                "{}: {why}",
                crate::domain::prisoner::field("birth").label
            ));
            return Outcome::Handled;
        }
        let actor = ctx.actor();
        if self.admitting {
            let code = self.form.get("facility");
            match ctx.store.facility_by_code(&code) {
                Ok(Some(f)) => p.facility_id = Some(f.id),
                _ => {
                    self.form.set_error("facility", "no such facility");
                    ctx.error("Admit to facility: no such facility");
                    return Outcome::Handled;
                }
            }
            match ctx.store.admit(&actor, &p) {
                Ok(id) => {
                    super::drop_draft(&self.draft_key(), ctx);
                    // A child too young, or where no young unit is, is recorded all the same (the register must
                    // show who is held) and supervisors see it on Home; the officer is told so.
                    let alerts: Vec<String> = ctx
                        .store
                        .custody_alerts(p.facility_id, today)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|a| a.prisoner_id == id)
                        .map(|a| {
                            crate::i18n::t_args(
                                a.kind.key(),
                                &[("days", a.days.into()), ("age", a.age.into())],
                            )
                        })
                        .collect();
                    let admitted = if alerts.is_empty() {
                        format!("Admitted {} {}.", p.number, p.full_name())
                    } else {
                        let why = crate::i18n::t_args(
                            "admit-alert-child",
                            &[("why", alerts.join("; ").into())],
                        );
                        format!("Admitted {} {}. {why}", p.number, p.full_name())
                    };
                    ctx.info(admitted.clone());
                    // A form that follows this admission (a woman's children and caring, Bangkok Rules 2-3)
                    // comes next; the record after it.
                    if let Some(next) =
                        super::assessment::AssessmentScreen::after_admission(id, &admitted, ctx)
                    {
                        return Outcome::Replace(Box::new(next));
                    }
                    match super::record::RecordScreen::open(id, ctx) {
                        Some(record) => Outcome::Replace(Box::new(record)),
                        None => Outcome::Pop,
                    }
                }
                Err(e) => self.refused(e, ctx),
            }
        } else {
            if self.form.changed_values().is_empty() {
                super::drop_draft(&self.draft_key(), ctx);
                ctx.info("Nothing was changed.");
                return Outcome::Pop;
            }
            match ctx.store.update_prisoner_from(&actor, &self.base, &p) {
                Ok(_) => {
                    super::drop_draft(&self.draft_key(), ctx);
                    ctx.info(format!("Saved {}.", p.number));
                    Outcome::Pop
                }
                Err(e) if e.to_string().starts_with(crate::store::CHANGED_MEANWHILE) => {
                    // Take the record as it is now: the typing stays in the form and, once the editor has seen
                    // what the other person wrote, F2 saves it over theirs.
                    if let Ok(Some(now)) = ctx.store.prisoner(self.base.id) {
                        self.base = now.prisoner;
                    }
                    ctx.error(crate::i18n::t_args(
                        "edit-changed-meanwhile",
                        &[("why", e.to_string().into())],
                    ));
                    Outcome::Handled
                }
                Err(e) => self.refused(e, ctx),
            }
        }
    }

    /// Shows a store refusal at the field it is about ("Prison number: ..."), keeping everything typed.
    fn refused(&mut self, e: crate::store::StoreError, ctx: &mut Ctx) -> Outcome {
        super::mark_refused(&mut self.form, &e);
        let text = e.to_string();
        ctx.error(if e.is_invalid() {
            text
        } else {
            format!("Not saved: {text}")
        });
        Outcome::Handled
    }
}

impl Screen for PrisonerForm {
    fn title(&self) -> String {
        if self.admitting {
            "Admit a prisoner".into()
        } else {
            format!("Edit {}", self.base.number)
        }
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
        if self.form.wants_text() {
            Scope::Text
        } else {
            Scope::Browse
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "prisoner-form-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let was_facility = self.form.focused_key() == "facility";
        match super::form_key(&mut self.form, action, ctx) {
            FormKey::Save => self.save(ctx),
            FormKey::Leave => {
                super::drop_draft(&self.draft_key(), ctx);
                Outcome::Pop
            }
            FormKey::Done(outcome) => {
                if matches!(outcome, Outcome::Handled) {
                    if was_facility {
                        self.refresh_number(ctx);
                    }
                    super::keep_draft(&self.form, &self.draft_key(), ctx);
                }
                outcome
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let inner = Rect::new(
            area.x,
            area.y + 1,
            area.width,
            area.height.saturating_sub(1),
        );
        self.form.render(frame, inner, theme);
    }
}

use chrono::Datelike;
