//! The unlock list: for one day, who must be let out of which unit, when and to which room, with the alerts
//! officers need on the landing (medical flags, people they must be kept apart from who move at the same time).

use super::list::{Keyed, ListScreen, ListSource};
use super::{Ctx, Outcome};
use crate::store::UnlockLine;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::columns;
use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The unlock list of `facility` (its code) for today, every unit.
pub fn unlock_list(facility_id: i64, facility: String, ctx: &mut Ctx) -> ListScreen<Unlock> {
    let units = match ctx.store.units(facility_id) {
        Ok(rows) => rows.into_iter().map(|u| (u.unit.id, u.unit.code)).collect(),
        Err(e) => {
            ctx.error(format!("Cannot read the units: {e}"));
            Vec::new()
        }
    };
    ListScreen::new(
        Unlock {
            facility_id,
            facility,
            day: ctx.now.date_naive(),
            unit: None,
            units,
        },
        ctx,
    )
}

pub struct Unlock {
    facility_id: i64,
    facility: String,
    day: NaiveDate,
    /// None for every unit; otherwise an index into `units`.
    unit: Option<usize>,
    units: Vec<(i64, String)>,
}

impl Unlock {
    fn unit_text(&self) -> String {
        match self.unit {
            Some(i) => format!("unit {}", self.units[i].1),
            None => "every unit".into(),
        }
    }
}

impl ListSource for Unlock {
    type Row = UnlockLine;

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
        crate::i18n::t_args(
            "unlock-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<UnlockLine>, String> {
        let unit = self.unit.map(|i| self.units[i].0);
        ctx.store
            .unlock_list(self.facility_id, unit, self.day)
            .map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        crate::i18n::t("unlock-what")
    }

    fn header(&self) -> String {
        columns(&[
            ("!", 1),
            ("Out", 5),
            ("Unit/cell", 9),
            ("Number", 20),
            ("Name", 14),
            ("To", 25),
        ])
    }

    fn line(&self, l: &UnlockLine) -> String {
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
    }

    fn empty(&self) -> String {
        "Nobody to unlock for a programme on this day.".into()
    }

    fn above(&self, _rows: &[UnlockLine]) -> u16 {
        2
    }

    fn render_above(&self, rows: &[UnlockLine], frame: &mut Frame, area: Rect, _theme: &Theme) {
        let alerts = rows.iter().filter(|l| !l.alerts.is_empty()).count();
        frame.render_widget(
            Paragraph::new(vec![Line::from(format!(
                "{} for {}: {} to unlock, {alerts} with alerts",
                self.day.format("%A %Y-%m-%d"),
                self.unit_text(),
                rows.len()
            ))]),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
    }

    fn below(&self) -> u16 {
        2
    }

    /// Alerts are too long for a column: the selected person's are spelled out under the list.
    fn render_below(
        &self,
        selected: Option<&UnlockLine>,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
    ) {
        if let Some(l) = selected
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
                Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
            );
        }
    }

    fn open(&mut self, _row: &UnlockLine, _ctx: &mut Ctx) -> Outcome {
        Outcome::Ignored
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[UnlockLine],
        _selected: Option<&UnlockLine>,
        ctx: &mut Ctx,
    ) -> Keyed {
        match action {
            Action::Print => {
                let facility = ctx.store.facility(self.facility_id).ok().flatten();
                let (day, unit) = (self.day, self.unit.map(|i| self.units[i].1.clone()));
                super::programmes::preview(crate::report::Kind::Unlock, ctx, |p| {
                    p.facility = facility;
                    p.day = day;
                    p.unit = unit;
                })
                .into()
            }
            Action::Left | Action::Right => {
                self.day += Duration::days(if action == Action::Right { 1 } else { -1 });
                Keyed::ReadAgain
            }
            Action::NextField if !self.units.is_empty() => {
                self.unit = match self.unit {
                    None => Some(0),
                    Some(i) if i + 1 < self.units.len() => Some(i + 1),
                    Some(_) => None,
                };
                Keyed::ReadAgain
            }
            _ => Outcome::Ignored.into(),
        }
    }
}
