//! One list screen for every list of records: the rows read again whenever the screen is uncovered, one selected,
//! Enter opens it, Esc goes back, a row that cannot be read said on the message line. Each list is a
//! [`ListSource`]: its rows, how one is drawn, what Enter opens and any keys of its own.

use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Role;
use crate::i18n::t_args;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// What one list shows and does; [`ListScreen`] does the rest.
pub trait ListSource {
    type Row;
    fn title(&self) -> String;
    fn footer(&self) -> Vec<Action>;
    fn help(&self) -> String;
    /// Whether the list offers `action` to `role` (see [`Screen::offered`]).
    fn offered(&self, action: Action, role: Role) -> bool {
        crate::tui::keymap::usable(action, role)
    }
    /// The rows, read afresh; the error is said as "Cannot read {what}: ...".
    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<Self::Row>, String>;
    /// What the rows are, as the error line names them ("the units").
    fn what(&self) -> String;
    fn header(&self) -> String;
    fn line(&self, row: &Self::Row) -> String;
    /// Said in the list's place when there are no rows.
    fn empty(&self) -> String;
    /// Lines drawn above the column heading (a summary, a warning); none unless a list says.
    fn above(&self, _rows: &[Self::Row]) -> u16 {
        0
    }
    fn render_above(&self, _rows: &[Self::Row], _frame: &mut Frame, _area: Rect, _theme: &Theme) {}
    /// Lines drawn under the list (the selected row spelled out); none unless a list says.
    fn below(&self) -> u16 {
        0
    }
    fn render_below(
        &self,
        _selected: Option<&Self::Row>,
        _frame: &mut Frame,
        _area: Rect,
        _theme: &Theme,
    ) {
    }
    /// Enter on a row.
    fn open(&mut self, row: &Self::Row, ctx: &mut Ctx) -> Outcome;
    /// A key other than moving, Enter and Esc, with the rows and the selected one if there is one.
    fn key(
        &mut self,
        _action: Action,
        _rows: &[Self::Row],
        _selected: Option<&Self::Row>,
        _ctx: &mut Ctx,
    ) -> Keyed {
        Keyed::Done(Outcome::Ignored)
    }
    /// The footer's word for `action` where the generic one would mislead.
    fn footer_word(&self, action: Action) -> &'static str {
        action.describe()
    }
}

/// What a list's own key did.
pub enum Keyed {
    Done(Outcome),
    /// Changed a row in place (locked an account): the rows are read again.
    ReadAgain,
}

impl From<Outcome> for Keyed {
    fn from(outcome: Outcome) -> Keyed {
        Keyed::Done(outcome)
    }
}

/// A list of `S`'s rows on a screen of its own.
pub struct ListScreen<S: ListSource> {
    source: S,
    rows: Vec<S::Row>,
    selection: Selection,
}

impl<S: ListSource> ListScreen<S> {
    /// The list with its rows read.
    pub fn new(source: S, ctx: &mut Ctx) -> ListScreen<S> {
        let mut screen = ListScreen {
            source,
            rows: Vec::new(),
            selection: Selection::default(),
        };
        screen.read(ctx);
        screen
    }

    fn read(&mut self, ctx: &mut Ctx) {
        match self.source.read(ctx) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(t_args(
                "list-cannot-read",
                &[("what", self.source.what().into()), ("error", e.into())],
            )),
        }
        self.selection.clamp(self.rows.len());
    }
}

impl<S: ListSource> Screen for ListScreen<S> {
    fn offered(&self, action: Action, role: Role) -> bool {
        self.source.offered(action, role)
    }

    fn title(&self) -> String {
        self.source.title()
    }

    fn footer(&self) -> Vec<Action> {
        self.source.footer()
    }

    fn help(&self) -> String {
        self.source.help()
    }

    fn footer_word(&self, action: Action) -> &'static str {
        self.source.footer_word(action)
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let selected = self.rows.get(self.selection.index);
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match selected {
                Some(row) => self.source.open(row, ctx),
                None => Outcome::Ignored,
            },
            other => match self.source.key(other, &self.rows, selected, ctx) {
                Keyed::Done(Outcome::Ignored) if self.selection.handle(other, self.rows.len()) => {
                    Outcome::Handled
                }
                Keyed::Done(outcome) => outcome,
                Keyed::ReadAgain => {
                    self.read(ctx);
                    Outcome::Handled
                }
            },
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        self.read(ctx);
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [above, list, below] = Layout::vertical([
            Constraint::Length(self.source.above(&self.rows)),
            Constraint::Fill(1),
            Constraint::Length(self.source.below()),
        ])
        .areas(area);
        self.source.render_above(&self.rows, frame, above, theme);
        let selected = self.rows.get(self.selection.index);
        self.source.render_below(selected, frame, below, theme);
        let lines: Vec<String> = self.rows.iter().map(|r| self.source.line(r)).collect();
        render_rows(
            frame,
            list,
            theme,
            Some(&self.source.header()),
            &lines,
            Some(&self.selection),
            &self.source.empty(),
        );
    }
}
