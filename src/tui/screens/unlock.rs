//! The unlock list: for one day, who must be let out of which unit, when and to which room, with the alerts
//! officers need on the landing (medical flags, people they must be kept apart from who move at the same time).

use super::{Ctx, Outcome, Screen};
use crate::store::UnlockLine;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct UnlockScreen {
    facility_id: i64,
    facility: String,
    day: NaiveDate,
    /// None for every unit; otherwise an index into `units`.
    unit: Option<usize>,
    units: Vec<(i64, String)>,
    lines: Vec<UnlockLine>,
    selection: Selection,
}

impl UnlockScreen {
    pub fn new(facility_id: i64, facility: String, ctx: &mut Ctx) -> UnlockScreen {
        let units = match ctx.store.units(facility_id) {
            Ok(rows) => rows.into_iter().map(|u| (u.unit.id, u.unit.code)).collect(),
            Err(e) => {
                ctx.error(format!("Cannot read the units: {e}"));
                Vec::new()
            }
        };
        let mut s = UnlockScreen {
            facility_id,
            facility,
            day: ctx.now.date_naive(),
            unit: None,
            units,
            lines: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }

    fn unit_text(&self) -> String {
        match self.unit {
            Some(i) => format!("unit {}", self.units[i].1),
            None => "every unit".into(),
        }
    }
}

impl Screen for UnlockScreen {
    fn title(&self) -> String {
        format!("Unlock list: {} {}", self.facility, self.day)
    }

    fn footer(&self) -> Vec<Action> {
        // Tab goes through the units; a facility with none has nothing to go through.
        let mut keys = vec![Action::Right];
        if !self.units.is_empty() {
            keys.push(Action::NextField);
        }
        keys.extend([Action::Print, Action::Back]);
        keys
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Right => "day",
            Action::NextField => "unit",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args("unlock-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Print => {
                let facility = ctx.store.facility(self.facility_id).ok().flatten();
                let (day, unit) = (self.day, self.unit.map(|i| self.units[i].1.clone()));
                super::programmes::preview(crate::report::Kind::Unlock, ctx, |p| {
                    p.facility = facility;
                    p.day = day;
                    p.unit = unit;
                })
            }
            Action::Left | Action::Right => {
                self.day += Duration::days(if action == Action::Right { 1 } else { -1 });
                self.resume(ctx);
                Outcome::Handled
            }
            Action::NextField if !self.units.is_empty() => {
                self.unit = match self.unit {
                    None => Some(0),
                    Some(i) if i + 1 < self.units.len() => Some(i + 1),
                    Some(_) => None,
                };
                self.resume(ctx);
                Outcome::Handled
            }
            other => {
                if self.selection.handle(other, self.lines.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        let unit = self.unit.map(|i| self.units[i].0);
        match ctx.store.unlock_list(self.facility_id, unit, self.day) {
            Ok(lines) => self.lines = lines,
            Err(e) => ctx.error(format!("Cannot read the unlock list: {e}")),
        }
        self.selection.clamp(self.lines.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let alerts = self.lines.iter().filter(|l| !l.alerts.is_empty()).count();
        frame.render_widget(
            Paragraph::new(vec![Line::from(format!(
                "{} for {}: {} to unlock, {alerts} with alerts",
                self.day.format("%A %Y-%m-%d"),
                self.unit_text(),
                self.lines.len()
            ))]),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let rows: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let cell = format!(
                    "{}/{}",
                    l.person.unit.as_deref().unwrap_or("-"),
                    l.person.cell.as_deref().unwrap_or("-")
                );
                let to = format!("{}, {}", l.programme, l.room);
                let flag = if l.alerts.is_empty() { "" } else { "!" };
                columns(&[
                    (flag, 1),
                    (&l.session.starts.format("%H:%M").to_string(), 5),
                    (&cell, 9),
                    (&l.person.number, 20),
                    (&l.person.name, 14),
                    (&to, 25),
                ])
            })
            .collect();
        let header = columns(&[
            ("!", 1),
            ("Out", 5),
            ("Unit/cell", 9),
            ("Number", 20),
            ("Name", 14),
            ("To", 25),
        ]);
        let list_height = area.height.saturating_sub(4);
        render_rows(
            frame,
            Rect::new(area.x, area.y + 2, area.width, list_height),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "Nobody to unlock for a programme on this day.",
        );
        // Alerts are too long for a column: the selected person's are spelled out under the list.
        if let Some(l) = self.lines.get(self.selection.index)
            && !l.alerts.is_empty()
        {
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(
                    crate::domain::text::fit(
                        &format!("! {}: {}", l.person.number, l.alerts.join("; ")),
                        area.width.saturating_sub(1) as usize,
                    ),
                    theme.warning(),
                ))),
                Rect::new(
                    area.x + 1,
                    area.y + 2 + list_height,
                    area.width.saturating_sub(1),
                    1,
                ),
            );
        }
    }
}
