//! People in custody who have no cell yet, newest admission first: the morning's admissions wait here until an
//! officer places each one (Enter opens the change-cell screen with the ranked cells of their facility; F the
//! ranked cells of every facility, where choosing one elsewhere transfers them there and places them).

use super::list::{Keyed, ListScreen, ListSource};
use super::{Ctx, Outcome};
use crate::domain::auth::Permission;
use crate::store::SearchHit;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::columns;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// More than a day's admissions at the busiest facility; the rest are reached by search.
const SHOWN: usize = 500;

/// Everyone in custody without a cell, from Home.
pub fn waiting(ctx: &mut Ctx) -> ListScreen<Waiting> {
    ListScreen::new(Waiting { ages: Vec::new() }, ctx)
}

pub struct Waiting {
    /// Each person's age as shown, worked out when the list was read.
    ages: Vec<(i64, String)>,
}

impl Waiting {
    /// Enter (this facility's cells) or F (every facility's): the ranked cells for the selected person.
    fn place(&self, hit: &SearchHit, everywhere: bool, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::MoveCell) || (everywhere && !ctx.allowed(Permission::Transfer))
        {
            return Outcome::Handled;
        }
        let row = match ctx.store.prisoner(hit.id) {
            Ok(Some(row)) => row,
            Ok(None) => return Outcome::Handled,
            Err(e) => {
                ctx.error(format!("Cannot read the record: {e}"));
                return Outcome::Handled;
            }
        };
        match super::allocate::AllocateScreen::open_ranking(&row, ctx, everywhere) {
            Some(s) => Outcome::Push(Box::new(s)),
            None => Outcome::Handled,
        }
    }
}

impl ListSource for Waiting {
    type Row = SearchHit;

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
        crate::i18n::t_args(
            "unplaced-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<SearchHit>, String> {
        let rows = ctx.store.without_a_cell(SHOWN).map_err(|e| e.to_string())?;
        let today = ctx.now.date_naive();
        self.ages = rows.iter().map(|h| (h.id, h.age_shown(today))).collect();
        Ok(rows)
    }

    fn what(&self) -> String {
        crate::i18n::t("unplaced-what")
    }

    fn header(&self) -> String {
        columns(&[
            ("Number", 20),
            ("Name", 26),
            (&crate::i18n::t("column-age"), 8),
            ("Facility", 8),
            ("Status", 12),
        ])
    }

    fn line(&self, h: &SearchHit) -> String {
        let name = format!("{}, {}", h.family_name, h.given_names);
        let age = self
            .ages
            .iter()
            .find(|(id, _)| *id == h.id)
            .map_or("", |(_, age)| age.as_str());
        columns(&[
            (&h.number, 20),
            (&name, 26),
            (age, 8),
            (&h.facility, 8),
            (&h.legal_status, 12),
        ])
    }

    fn empty(&self) -> String {
        "Everyone in custody has a cell.".into()
    }

    fn above(&self, _rows: &[SearchHit]) -> u16 {
        2
    }

    fn render_above(&self, rows: &[SearchHit], frame: &mut Frame, area: Rect, _theme: &Theme) {
        frame.render_widget(
            Paragraph::new(Line::from(format!(
                "{}{} in custody without a cell, newest admission first",
                rows.len(),
                if rows.len() == SHOWN { "+" } else { "" }
            ))),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
    }

    fn open(&mut self, hit: &SearchHit, ctx: &mut Ctx) -> Outcome {
        self.place(hit, false, ctx)
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[SearchHit],
        selected: Option<&SearchHit>,
        ctx: &mut Ctx,
    ) -> Keyed {
        match (action, selected) {
            (Action::AllFacilities, Some(hit)) => self.place(hit, true, ctx).into(),
            _ => Outcome::Ignored.into(),
        }
    }
}
