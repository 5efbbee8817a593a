//! Choosing what to assess from a prisoner's record: this person's drafts about them first, then the forms their
//! role may fill in, then forms that could not be loaded (with the reason, so nobody wonders where one went).

use super::assessment::AssessmentScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::forms::Form;
use crate::domain::forms::model::AppliesTo;
use crate::domain::text;
use crate::store::{AssessmentRow, PrisonerRow};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::sync::Arc;

enum Entry {
    Draft(Box<AssessmentRow>),
    Form(Arc<Form>),
}

pub struct PickScreen {
    row: PrisonerRow,
    entries: Vec<Entry>,
    labels: Vec<String>,
    unavailable: Vec<String>,
    selection: Selection,
}

impl PickScreen {
    pub fn new(row: &PrisonerRow, ctx: &mut Ctx) -> PickScreen {
        let mut entries = Vec::new();
        match ctx.store.drafts_of(&ctx.session.name) {
            Ok(drafts) => entries.extend(
                drafts
                    .into_iter()
                    .filter(|d| d.prisoner_id() == Some(row.prisoner.id))
                    .map(|d| Entry::Draft(Box::new(d))),
            ),
            Err(e) => ctx.error(format!("Cannot read your drafts: {e}")),
        }
        entries.extend(
            ctx.forms
                .forms
                .iter()
                .filter(|(_, f)| {
                    f.applies_to == AppliesTo::Prisoner && f.may_fill(ctx.session.role)
                })
                .map(|(_, f)| Entry::Form(f.clone())),
        );
        let title_of = |id: &str| {
            ctx.forms
                .get(id)
                .map_or(id.to_string(), |f| f.title.text.clone())
        };
        let labels = entries
            .iter()
            .map(|e| match e {
                Entry::Draft(d) => format!(
                    "Continue your draft: {} (v{}, saved {} UTC)",
                    title_of(&d.form_id),
                    d.form_version,
                    d.updated_at.format("%Y-%m-%d %H:%M")
                ),
                Entry::Form(f) => format!("{} (v{})", text::display(&f.title.text), f.version),
            })
            .collect();
        let unavailable = ctx
            .forms
            .unavailable
            .iter()
            .flat_map(|u| u.lines())
            .map(|l| format!("Unavailable: {l}"))
            .collect();
        PickScreen {
            row: row.clone(),
            entries,
            labels,
            unavailable,
            selection: Selection::default(),
        }
    }
}

impl Screen for PickScreen {
    fn title(&self) -> String {
        format!(
            "Assess {} {}",
            self.row.prisoner.number,
            self.row.prisoner.full_name()
        )
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Down, Action::Select, Action::Back]
    }

    fn help(&self) -> &'static str {
        "The assessments you may fill in about this person, with your unfinished drafts about them first. \
         Enter starts one (answers the register already holds, such as sex and date of birth, are filled in \
         for you) or continues a draft where you left it."
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => {
                let who = format!(
                    "{} {}",
                    self.row.prisoner.number,
                    self.row.prisoner.full_name()
                );
                let screen = match self.entries.get(self.selection.index) {
                    Some(Entry::Draft(d)) => AssessmentScreen::resume(d, who, ctx),
                    Some(Entry::Form(f)) => AssessmentScreen::start(f, &self.row, ctx),
                    None => None,
                };
                match screen {
                    Some(s) => Outcome::Replace(Box::new(s)),
                    None => Outcome::Handled,
                }
            }
            a if self.selection.handle(a, self.entries.len(), 10) => Outcome::Handled,
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let mut rows = self.labels.clone();
        rows.extend(self.unavailable.iter().cloned());
        render_rows(
            frame,
            area,
            theme,
            Some("What to assess"),
            &rows,
            Some(&self.selection),
            "No form may be filled in by your role.",
        );
    }
}
