//! People in custody who have no cell yet, newest admission first: the morning's admissions wait here until an
//! officer places each one (Enter opens the change-cell screen with the ranked cells of their facility; F the
//! ranked cells of every facility, where choosing one elsewhere transfers them there and places them).

use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::store::SearchHit;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// More than a day's admissions at the busiest facility; the rest are reached by search.
const SHOWN: usize = 500;

pub struct UnplacedScreen {
    rows: Vec<SearchHit>,
    /// Each person's age as shown, worked out when the list was read.
    ages: Vec<String>,
    selection: Selection,
}

impl UnplacedScreen {
    pub fn new(ctx: &mut Ctx) -> UnplacedScreen {
        let mut s = UnplacedScreen {
            rows: Vec::new(),
            ages: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for UnplacedScreen {
    fn title(&self) -> String {
        "Waiting for a cell".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Down,
            Action::Select,
            Action::AllFacilities,
            Action::Back,
        ]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Select => "place",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args("unplaced-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select | Action::AllFacilities => {
                if !ctx.allowed(Permission::MoveCell)
                    || (action == Action::AllFacilities && !ctx.allowed(Permission::Transfer))
                {
                    return Outcome::Handled;
                }
                let Some(hit) = self.rows.get(self.selection.index) else {
                    return Outcome::Ignored;
                };
                let row = match ctx.store.prisoner(hit.id) {
                    Ok(Some(row)) => row,
                    Ok(None) => return Outcome::Handled,
                    Err(e) => {
                        ctx.error(format!("Cannot read the record: {e}"));
                        return Outcome::Handled;
                    }
                };
                let everywhere = action == Action::AllFacilities;
                match super::allocate::AllocateScreen::open_ranking(&row, ctx, everywhere) {
                    Some(s) => Outcome::Push(Box::new(s)),
                    None => Outcome::Handled,
                }
            }
            other => {
                if self.selection.handle(other, self.rows.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.without_a_cell(SHOWN) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read who is waiting: {e}")),
        }
        let today = ctx.now.date_naive();
        self.ages = self.rows.iter().map(|h| h.age_shown(today)).collect();
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        frame.render_widget(
            Paragraph::new(Line::from(format!(
                "{}{} in custody without a cell, newest admission first",
                self.rows.len(),
                if self.rows.len() == SHOWN { "+" } else { "" }
            ))),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let rows: Vec<String> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let name = format!("{}, {}", h.family_name, h.given_names);
                columns(&[
                    (&h.number, 20),
                    (&name, 26),
                    (self.ages.get(i).map_or("", String::as_str), 8),
                    (&h.facility, 8),
                    (&h.legal_status, 12),
                ])
            })
            .collect();
        let header = columns(&[
            ("Number", 20),
            ("Name", 26),
            (&crate::i18n::t("column-age"), 8),
            ("Facility", 8),
            ("Status", 12),
        ]);
        render_rows(
            frame,
            Rect::new(
                area.x,
                area.y + 2,
                area.width,
                area.height.saturating_sub(2),
            ),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "Everyone in custody has a cell.",
        );
    }
}
