//! Transfer and release: the authority, the reason and the time, written as custody events.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::allocate::lawful::{Who, lawful_destination};
use crate::domain::estate::Facility;
use crate::domain::prisoner::parse_date_time;
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
    /// Facilities not offered for a transfer, each with why (Rule 11), in code order.
    missing: Vec<(String, String)>,
}

impl MovementScreen {
    pub fn transfer(row: &PrisonerRow, ctx: &mut Ctx) -> MovementScreen {
        let current = row.prisoner.facility_id;
        let who = Who::of(&row.prisoner, ctx.now.date_naive());
        let units = ctx.store.all_units().unwrap_or_default();
        let mut options = Vec::new();
        let mut missing = Vec::new();
        // Offer only facilities with a unit that may hold this person (Rule 11: sex, age group, legal status);
        // the others are listed under the form with why. The store checks the same rule again on saving.
        for f in ctx.store.facilities().unwrap_or_default() {
            let f = f.facility;
            if Some(f.id) == current {
                continue;
            }
            match lawful_destination(&who, &f, &units) {
                Ok(()) => options.push((f.code.clone(), format!("{} - {}", f.code, f.name))),
                Err(e) => missing.push((f.code.clone(), e.short())),
            }
        }
        let mut fields = vec![FormField::exact_choice(
            "to",
            &crate::i18n::t("transfer-field-to"),
            options,
            "",
        )];
        fields.extend(common_fields(ctx));
        MovementScreen::with_draft(
            MovementScreen {
                kind: Kind::Transfer,
                prisoner_id: row.prisoner.id,
                who: format!("{} {}", row.prisoner.number, row.prisoner.full_name()),
                form: Form::new(fields),
                missing,
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
                missing: Vec::new(),
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
                match self.destination(&code, ctx) {
                    Ok(f) => ctx
                        .store
                        .transfer(&actor, self.prisoner_id, f.id, &authority, &reason, when)
                        .map(|_| format!("Transferred {} to {}.", self.who, f.name)),
                    Err(why) => {
                        let label = crate::i18n::t("transfer-field-to");
                        ctx.error(format!("{label}: {why}"));
                        self.form.set_error("to", why);
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
                super::mark_refused(&mut self.form, &e);
                ctx.error(e.to_string());
                Outcome::Handled
            }
        }
    }
}

impl MovementScreen {
    /// The facility the "To facility" field names: an exact code (any case) or the option chosen. Text that
    /// names no facility, or one not offered, is an error on the field, with why.
    fn destination(&self, code: &str, ctx: &Ctx) -> Result<Facility, String> {
        let code = code.trim();
        if code.is_empty() {
            return Err(crate::i18n::t("transfer-none-lawful"));
        }
        let found = ctx
            .store
            .facilities()
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.facility)
            .find(|f| f.code.eq_ignore_ascii_case(code));
        let Some(f) = found else {
            return Err(crate::i18n::t_args(
                "transfer-no-such-code",
                &[(
                    "code",
                    crate::domain::text::display(code).into_owned().into(),
                )],
            ));
        };
        if let Some((_, why)) = self.missing.iter().find(|(c, _)| *c == f.code) {
            return Err(format!("{}: {why}", f.code));
        }
        Ok(f)
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
        if self.kind == Kind::Transfer {
            let top = area.y + 4 + height;
            let rows = area.bottom().saturating_sub(top) as usize;
            let lines = not_offered_lines(&self.missing, rows);
            frame.render_widget(
                Paragraph::new(lines),
                Rect::new(area.x + 1, top, area.width.saturating_sub(1), rows as u16),
            );
        }
    }
}

/// The lines under the transfer form naming the facilities not offered and why, within `rows` (the last saying
/// how many more when they do not fit).
fn not_offered_lines(missing: &[(String, String)], rows: usize) -> Vec<Line<'static>> {
    if missing.is_empty() || rows < 2 {
        return Vec::new();
    }
    let mut lines = vec![Line::from(crate::i18n::t("transfer-not-offered"))];
    let room = rows - 1;
    let shown = if missing.len() <= room {
        missing.len()
    } else {
        room.saturating_sub(1)
    };
    for (code, why) in &missing[..shown] {
        lines.push(Line::from(format!("  {code}: {why}")));
    }
    if shown < missing.len() {
        lines.push(Line::from(crate::i18n::t_args(
            "transfer-not-offered-more",
            &[("count", (missing.len() - shown).into())],
        )));
    }
    lines
}
