//! Reports on screen: pick one, read it as the printer would have it (80 columns of plain text, the same as
//! `warden report KIND` prints), scrolled with the usual keys.

use super::{Ctx, Outcome, Screen};
use crate::report::{self, Kind};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub struct ReportsScreen {
    selection: Selection,
}

impl ReportsScreen {
    pub fn new() -> ReportsScreen {
        ReportsScreen {
            selection: Selection::default(),
        }
    }
}

impl Default for ReportsScreen {
    fn default() -> Self {
        ReportsScreen::new()
    }
}

impl Screen for ReportsScreen {
    fn title(&self) -> String {
        "Reports".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> &'static str {
        "Reports as they would be printed: placements that break a hard rule today (after an override, a \
         reclassification or a data load), overcrowding by facility, region and nation, and everyone in \
         segregation with the days so far. The same text comes from `warden report placements`, \
         `warden report overcrowding` and `warden report segregation`, for printing."
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => {
                let Some(kind) = Kind::ALL.get(self.selection.index).copied() else {
                    return Outcome::Ignored;
                };
                match report::lines(ctx.store, kind, ctx.now) {
                    Ok(lines) => Outcome::Push(Box::new(ReportView {
                        kind,
                        lines,
                        scroll: 0,
                    })),
                    Err(e) => {
                        ctx.error(format!("Cannot make the report: {e}"));
                        Outcome::Handled
                    }
                }
            }
            other
                if self
                    .selection
                    .handle(other, Kind::ALL.len(), Kind::ALL.len()) =>
            {
                Outcome::Handled
            }
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let rows: Vec<String> = Kind::ALL.iter().map(|k| k.title().to_string()).collect();
        render_rows(
            frame,
            Rect::new(
                area.x,
                area.y + 1,
                area.width,
                area.height.saturating_sub(1),
            ),
            theme,
            None,
            &rows,
            Some(&self.selection),
            "",
        );
    }
}

pub struct ReportView {
    kind: Kind,
    lines: Vec<String>,
    scroll: usize,
}

/// Rows of report text at 80x24 (the frame takes three).
const ROWS: usize = 21;

impl ReportView {
    fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(ROWS)
    }
}

impl Screen for ReportView {
    fn title(&self) -> String {
        format!("Report: {}", self.kind.title())
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Down, Action::PageDown, Action::Back]
    }

    fn help(&self) -> &'static str {
        "The report as it will print. Up, Down and the page keys scroll; Esc goes back. Print it from a shell \
         with `warden report KIND | lp`."
    }

    fn handle(&mut self, action: Action, _ctx: &mut Ctx) -> Outcome {
        let before = self.scroll;
        self.scroll = match action {
            Action::Back => return Outcome::Pop,
            Action::Down => self.scroll + 1,
            Action::PageDown => self.scroll + ROWS - 1,
            Action::Up => self.scroll.saturating_sub(1),
            Action::PageUp => self.scroll.saturating_sub(ROWS - 1),
            Action::Home => 0,
            Action::End => self.max_scroll(),
            _ => return Outcome::Ignored,
        }
        .min(self.max_scroll());
        if self.scroll == before {
            Outcome::Ignored
        } else {
            Outcome::Handled
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, _theme: &Theme) {
        let lines: Vec<Line> = self
            .lines
            .iter()
            .skip(self.scroll)
            .take(area.height as usize)
            .map(|l| Line::from(l.as_str()))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }
}
