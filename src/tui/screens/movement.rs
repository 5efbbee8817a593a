//! Transfer and release: the authority, the reason and the time, written as custody events.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::prisoner::{facility_accepts, parse_date_time};
use crate::store::PrisonerRow;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Transfer,
    Release,
}

pub struct MovementScreen {
    kind: Kind,
    prisoner_id: i64,
    who: String,
    form: Form,
}

impl MovementScreen {
    pub fn transfer(row: &PrisonerRow, ctx: &mut Ctx) -> MovementScreen {
        let current = row.prisoner.facility_id;
        let options = ctx
            .store
            .facilities()
            .unwrap_or_default()
            .into_iter()
            // Offer only facilities that may hold this person at all (Rule 11: sex and age).
            .filter(|f| Some(f.facility.id) != current)
            .filter(|f| facility_accepts(&f.facility, &row.prisoner, ctx.now.date_naive()).is_ok())
            .map(|f| {
                (
                    f.facility.code.clone(),
                    format!("{} - {}", f.facility.code, f.facility.name),
                )
            })
            .collect();
        let mut fields = vec![FormField::choice("to", "To facility", options, "")];
        fields.extend(common_fields(ctx));
        MovementScreen::with_draft(
            MovementScreen {
                kind: Kind::Transfer,
                prisoner_id: row.prisoner.id,
                who: format!("{} {}", row.prisoner.number, row.prisoner.full_name()),
                form: Form::new(fields),
            },
            ctx,
        )
    }

    pub fn release(row: &PrisonerRow, ctx: &mut Ctx) -> MovementScreen {
        MovementScreen::with_draft(
            MovementScreen {
                kind: Kind::Release,
                prisoner_id: row.prisoner.id,
                who: format!("{} {}", row.prisoner.number, row.prisoner.full_name()),
                form: Form::new(common_fields(ctx)),
            },
            ctx,
        )
    }

    fn with_draft(mut screen: MovementScreen, ctx: &mut Ctx) -> MovementScreen {
        let key = screen.draft_key();
        super::restore_draft(&mut screen.form, &key, ctx);
        screen
    }

    fn draft_key(&self) -> String {
        match self.kind {
            Kind::Transfer => format!("transfer:{}", self.prisoner_id),
            Kind::Release => format!("release:{}", self.prisoner_id),
        }
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        self.form.clear_errors();
        let when = match parse_date_time(&self.form.get("at")) {
            Ok(t) => t,
            Err(e) => {
                self.form.set_error("at", e.clone());
                ctx.error(format!("When (UTC): {e}"));
                return Outcome::Handled;
            }
        };
        if when > ctx.now.naive_utc() + chrono::Duration::minutes(5) {
            self.form.set_error("at", "is in the future");
            ctx.error("When (UTC): is in the future");
            return Outcome::Handled;
        }
        let authority = self.form.get("authority");
        let reason = self.form.get("reason");
        for (key, label, value) in [
            ("authority", "Authority", &authority),
            ("reason", "Reason", &reason),
        ] {
            if value.trim().is_empty() {
                self.form.set_error(key, "required");
                ctx.error(format!("{label}: required"));
                return Outcome::Handled;
            }
        }
        let actor = ctx.actor();
        let result = match self.kind {
            Kind::Transfer => {
                let code = self.form.get("to");
                match ctx.store.facility_by_code(&code) {
                    Ok(Some(f)) => ctx
                        .store
                        .transfer(&actor, self.prisoner_id, f.id, &authority, &reason, when)
                        .map(|_| format!("Transferred {} to {}.", self.who, f.name)),
                    _ => {
                        self.form.set_error("to", "choose a facility");
                        ctx.error("To facility: choose a facility");
                        return Outcome::Handled;
                    }
                }
            }
            Kind::Release => ctx
                .store
                .release(&actor, self.prisoner_id, &authority, &reason, when)
                .map(|_| format!("Released {}.", self.who)),
        };
        match result {
            Ok(message) => {
                super::drop_draft(&self.draft_key(), ctx);
                // Transfer and placement in one go: the person arrives without a cell, so an officer who may move
                // people goes straight on to the ranked cells of the new facility (Esc leaves them waiting for
                // a cell, on the home screen's list).
                if self.kind == Kind::Transfer
                    && ctx.session.may(crate::domain::auth::Permission::MoveCell)
                    && let Ok(Some(row)) = ctx.store.prisoner(self.prisoner_id)
                    && let Some(next) = super::allocate::AllocateScreen::open(&row, ctx)
                {
                    ctx.info(format!("{message} Now choose a cell there."));
                    return Outcome::Replace(Box::new(next));
                }
                ctx.info(message);
                Outcome::Pop
            }
            Err(e) => {
                ctx.error(e.to_string());
                Outcome::Handled
            }
        }
    }
}

fn common_fields(ctx: &Ctx) -> Vec<FormField> {
    vec![
        FormField::text("authority", "Authority", ""),
        FormField::text("reason", "Reason", ""),
        FormField::text(
            "at",
            "When (UTC)",
            &ctx.now.format("%Y-%m-%d %H:%M").to_string(),
        ),
    ]
}

impl Screen for MovementScreen {
    fn title(&self) -> String {
        match self.kind {
            Kind::Transfer => format!("Transfer {}", self.who),
            Kind::Release => format!("Release {}", self.who),
        }
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Save, Action::NextField, Action::Back]
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args("movement-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match super::form_key(&mut self.form, action, ctx) {
            FormKey::Save => self.save(ctx),
            FormKey::Leave => {
                super::drop_draft(&self.draft_key(), ctx);
                Outcome::Pop
            }
            FormKey::Done(Outcome::Handled) => {
                super::keep_draft(&self.form, &self.draft_key(), ctx);
                Outcome::Handled
            }
            FormKey::Done(outcome) => outcome,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let intro = match self.kind {
            Kind::Transfer => "Move this person to another facility. They leave their cell here.",
            Kind::Release => "End custody. The record stays in the register, marked released.",
        };
        frame.render_widget(
            Paragraph::new(vec![Line::from(intro)]),
            Rect::new(area.x + 1, area.y + 1, area.width - 1, 1),
        );
        let height = self.form.fields.len() as u16;
        self.form.render(
            frame,
            Rect::new(area.x, area.y + 3, area.width, height),
            theme,
        );
    }
}
