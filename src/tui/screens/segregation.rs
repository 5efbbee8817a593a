//! Start or end a segregation placement from the record (supervisors only): the reason and the time it began,
//! or the time it ended. The days so far and the Mandela Rules 43-45 limits are shown from the domain rule.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::prisoner::parse_date_time;
use crate::domain::segregation::{ALERT_DAYS, Segregation, Urgency, WARNING_DAYS};
use crate::domain::text;
use crate::store::PrisonerRow;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// "day 11 - warning: plan the end" for an open placement at `now`.
pub fn days_text(s: &Segregation, now: NaiveDateTime) -> String {
    let days = s.days(now);
    match s.urgency(now) {
        Urgency::Alert => {
            format!("day {days} - ALERT: over {ALERT_DAYS} days is prohibited (Rule 44)")
        }
        Urgency::Warning => format!("day {days} - warning: end by day {ALERT_DAYS}"),
        Urgency::Ok => format!("day {days}"),
    }
}

pub struct SegregationScreen {
    prisoner_id: i64,
    who: String,
    /// The open placement being ended; None when starting one.
    open: Option<Segregation>,
    form: Form,
    now: NaiveDateTime,
}

impl SegregationScreen {
    pub fn open(row: &PrisonerRow, ctx: &mut Ctx) -> Option<SegregationScreen> {
        let open = match ctx.store.segregations_of(row.prisoner.id) {
            Ok(all) => all.into_iter().find(|s| s.end.is_none()),
            Err(e) => {
                ctx.error(format!("Cannot read the segregation placements: {e}"));
                return None;
            }
        };
        if open.is_none() && !row.prisoner.in_custody {
            ctx.error(format!("{} is not in custody.", row.prisoner.number));
            return None;
        }
        let now = ctx.now.format("%Y-%m-%d %H:%M").to_string();
        let form = match open {
            Some(_) => Form::new(vec![FormField::text("at", "Ended at (UTC)", &now)]),
            None => Form::new(vec![
                FormField::text("reason", "Reason", ""),
                FormField::text("at", "Started at (UTC)", &now),
            ]),
        };
        Some(SegregationScreen {
            prisoner_id: row.prisoner.id,
            who: format!("{} {}", row.prisoner.number, row.prisoner.full_name()),
            open,
            form,
            now: ctx.now.naive_utc(),
        })
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        self.form.clear_errors();
        let at = match parse_date_time(&self.form.get("at")) {
            Ok(t) => t,
            Err(e) => {
                self.form.set_error("at", e.clone());
                ctx.error(e);
                return Outcome::Handled;
            }
        };
        if at > ctx.now.naive_utc() + chrono::Duration::minutes(5) {
            self.form.set_error("at", "is in the future");
            ctx.error("The time is in the future.");
            return Outcome::Handled;
        }
        let actor = ctx.actor();
        let result = match &self.open {
            Some(s) => ctx.store.end_segregation(&actor, s.id, at).map(|s| {
                format!(
                    "Segregation of {} ended after {} days.",
                    self.who,
                    s.days(at)
                )
            }),
            None => ctx
                .store
                .start_segregation(&actor, self.prisoner_id, at, &self.form.get("reason"))
                .map(|_| {
                    format!(
                        "{} is in segregation from {}.",
                        self.who,
                        at.format("%Y-%m-%d %H:%M")
                    )
                }),
        };
        match result {
            Ok(message) => {
                ctx.info(message);
                Outcome::Pop
            }
            Err(e) => {
                super::mark_refused(&mut self.form, &e);
                ctx.error(format!("Not saved: {e}"));
                Outcome::Handled
            }
        }
    }
}

impl Screen for SegregationScreen {
    fn title(&self) -> String {
        match self.open {
            Some(_) => format!("End segregation: {}", self.who),
            None => format!("Segregation: {}", self.who),
        }
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Save, Action::NextField, Action::Back]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match (action, &self.open) {
            (Action::Save, Some(_)) => "end it",
            (Action::Save, None) => "start",
            (other, _) => other.describe(),
        }
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "segregation-help",
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
        let mut lines = Vec::new();
        match &self.open {
            Some(s) => {
                lines.push(Line::from(format!(
                    "In segregation since {} UTC: {}",
                    s.start.format("%Y-%m-%d %H:%M"),
                    text::display(&s.reason)
                )));
                let style = match s.urgency(self.now) {
                    Urgency::Ok => theme.base(),
                    _ => theme.warning(),
                };
                lines.push(Line::from(Span::styled(days_text(s, self.now), style)));
            }
            None => {
                lines.push(Line::from(format!(
                    "Record the start of a placement in segregation. A warning shows from day {WARNING_DAYS},"
                )));
                lines.push(Line::from(format!(
                    "an alert from day {ALERT_DAYS} (Mandela Rules 43-45)."
                )));
            }
        }
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(1), 2),
        );
        let height = self.form.fields.len() as u16;
        self.form.render(
            frame,
            Rect::new(
                area.x,
                area.y + 4,
                area.width,
                height.min(area.height.saturating_sub(4)),
            ),
            theme,
        );
    }
}
