//! The occupancy board: facilities most overcrowded first with region and nation totals, then by Enter a
//! facility's units, a unit's cells and the people in a cell. Percentages are shown as they are, never clipped.

use super::{Ctx, Outcome, Screen, thousands};
use crate::domain::text;
use crate::store::{Board, BoardLine, Occupancy};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, columns, render_rows, right};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

fn percent(o: &Occupancy) -> String {
    match o.percent() {
        Some(p) => format!("{}%", thousands(p)),
        // Held with no certified place at all: worse than any percentage, and said so.
        None if o.occupants > 0 => "no CNA".into(),
        None => "-".into(),
    }
}

fn figures(o: &Occupancy) -> [String; 4] {
    [
        right(&thousands(o.certified), 7),
        right(&thousands(o.operational), 7),
        right(&thousands(o.occupants), 7),
        right(&percent(o), 7),
    ]
}

/// The line above each list: what the rows add up to.
fn summary(frame: &mut Frame, area: Rect, what: &str, o: &Occupancy) {
    let line = format!(
        " {what}: {} held; certified {}, operational {}: {} of certified",
        thousands(o.occupants),
        thousands(o.certified),
        thousands(o.operational),
        percent(o)
    );
    frame.render_widget(
        Paragraph::new(text::fit(&text::display(&line), area.width as usize)),
        Rect::new(area.x, area.y, area.width, 1),
    );
}

fn list_area(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(2),
    )
}

fn moved(selection: &mut Selection, action: Action, len: usize) -> Outcome {
    if selection.handle(action, len) {
        Outcome::Handled
    } else {
        Outcome::Ignored
    }
}

/// What a row of the board stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Facility(usize),
    Region(usize),
    Nation,
}

pub struct BoardScreen {
    board: Board,
    /// Set when the board shows one region's facilities.
    region: Option<String>,
    rows: Vec<Row>,
    selection: Selection,
}

impl BoardScreen {
    pub fn new(ctx: &mut Ctx) -> BoardScreen {
        BoardScreen::of(None, ctx)
    }

    fn of(region: Option<String>, ctx: &mut Ctx) -> BoardScreen {
        let mut s = BoardScreen {
            board: Board {
                nation: Occupancy::default(),
                regions: Vec::new(),
                facilities: Vec::new(),
            },
            region,
            rows: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }

    fn layout(&mut self) {
        let mut rows: Vec<Row> = (0..self.board.facilities.len())
            .filter(|&i| {
                self.region
                    .as_ref()
                    .is_none_or(|r| &self.board.facilities[i].region == r)
            })
            .map(Row::Facility)
            .collect();
        match &self.region {
            None => {
                rows.extend((0..self.board.regions.len()).map(Row::Region));
                rows.push(Row::Nation);
            }
            Some(r) => rows.extend(
                self.board
                    .regions
                    .iter()
                    .position(|l| &l.name == r)
                    .map(Row::Region),
            ),
        }
        self.rows = rows;
        self.selection.clamp(self.rows.len());
    }

    fn row_text(&self, row: Row) -> String {
        let (kind, name, region, o) = match row {
            Row::Facility(i) => {
                let l = &self.board.facilities[i];
                (
                    l.code.as_str(),
                    l.name.as_str(),
                    l.region.as_str(),
                    &l.occupancy,
                )
            }
            Row::Region(i) => {
                let l = &self.board.regions[i];
                ("Region", l.name.as_str(), "", &l.occupancy)
            }
            Row::Nation => ("Nation", "All facilities", "", &self.board.nation),
        };
        let [cna, oper, held, occ] = figures(o);
        columns(&[
            (kind, 7),
            (name, 21),
            (region, 10),
            (&right(&thousands(o.cells), 6), 6),
            (&cna, 7),
            (&oper, 7),
            (&held, 7),
            (&occ, 7),
        ])
    }
}

impl Screen for BoardScreen {
    fn title(&self) -> String {
        match &self.region {
            Some(r) => format!("Occupancy board: {r} region"),
            None => "Occupancy board".into(),
        }
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "occupancy-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match self.rows.get(self.selection.index) {
                Some(Row::Facility(i)) => {
                    let l = self.board.facilities[*i].clone();
                    Outcome::Push(Box::new(UnitsBoard::new(l, ctx)))
                }
                Some(Row::Region(i)) if self.region.is_none() => {
                    let name = self.board.regions[*i].name.clone();
                    Outcome::Push(Box::new(BoardScreen::of(Some(name), ctx)))
                }
                _ => Outcome::Ignored,
            },
            other => moved(&mut self.selection, other, self.rows.len()),
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.occupancy_board() {
            Ok(board) => self.board = board,
            Err(e) => ctx.error(format!("Cannot read the occupancy board: {e}")),
        }
        self.layout();
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        match &self.region {
            None => summary(frame, area, "Nation", &self.board.nation),
            Some(r) => {
                let total = self
                    .board
                    .regions
                    .iter()
                    .find(|l| &l.name == r)
                    .map(|l| l.occupancy)
                    .unwrap_or_default();
                summary(frame, area, &format!("{r} region"), &total);
            }
        }
        let header = columns(&[
            ("Code", 7),
            ("Name", 21),
            ("Region", 10),
            (&right("Cells", 6), 6),
            (&right("CNA", 7), 7),
            (&right("Oper.", 7), 7),
            (&right("Held", 7), 7),
            (&right("Occ.", 7), 7),
        ]);
        let rows: Vec<String> = self.rows.iter().map(|r| self.row_text(*r)).collect();
        render_rows(
            frame,
            list_area(area),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No facilities yet.",
        );
    }
}

pub struct UnitsBoard {
    facility: BoardLine,
    lines: Vec<BoardLine>,
    selection: Selection,
}

impl UnitsBoard {
    fn new(facility: BoardLine, ctx: &mut Ctx) -> UnitsBoard {
        let mut s = UnitsBoard {
            facility,
            lines: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for UnitsBoard {
    fn title(&self) -> String {
        format!("Occupancy board: {} units", self.facility.name)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "occupancy-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match self.lines.get(self.selection.index) {
                Some(l) => Outcome::Push(Box::new(CellsBoard::new(l.clone(), ctx))),
                None => Outcome::Ignored,
            },
            other => moved(&mut self.selection, other, self.lines.len()),
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.unit_occupancy(self.facility.id) {
            Ok(lines) => self.lines = lines,
            Err(e) => ctx.error(format!("Cannot read the units: {e}")),
        }
        self.selection.clamp(self.lines.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        // The facility's head count includes people not yet in a cell, so it can exceed the units' sum.
        summary(frame, area, &self.facility.code, &self.facility.occupancy);
        let header = columns(&[
            ("Unit", 7),
            ("Name", 22),
            (&right("Cells", 6), 6),
            (&right("CNA", 7), 7),
            (&right("Oper.", 7), 7),
            (&right("Max", 7), 7),
            (&right("Held", 7), 7),
            (&right("Occ.", 7), 7),
        ]);
        let rows: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let o = &l.occupancy;
                let [cna, oper, held, occ] = figures(o);
                columns(&[
                    (&l.code, 7),
                    (&l.name, 22),
                    (&right(&thousands(o.cells), 6), 6),
                    (&cna, 7),
                    (&oper, 7),
                    (&right(&thousands(o.maximum), 7), 7),
                    (&held, 7),
                    (&occ, 7),
                ])
            })
            .collect();
        render_rows(
            frame,
            list_area(area),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No units in this facility.",
        );
    }
}

pub struct CellsBoard {
    unit: BoardLine,
    lines: Vec<BoardLine>,
    selection: Selection,
}

impl CellsBoard {
    fn new(unit: BoardLine, ctx: &mut Ctx) -> CellsBoard {
        let mut s = CellsBoard {
            unit,
            lines: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for CellsBoard {
    fn title(&self) -> String {
        format!("Occupancy board: unit {} cells", self.unit.code)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "occupancy-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => {
                let Some(line) = self.lines.get(self.selection.index) else {
                    return Outcome::Ignored;
                };
                match ctx.store.cell(line.id) {
                    Ok(Some(cell)) => {
                        Outcome::Push(Box::new(super::estate::OccupantsScreen::new(cell, ctx)))
                    }
                    Ok(None) => {
                        ctx.error("That cell no longer exists.");
                        Outcome::Handled
                    }
                    Err(e) => {
                        ctx.error(format!("Cannot read the cell: {e}"));
                        Outcome::Handled
                    }
                }
            }
            other => moved(&mut self.selection, other, self.lines.len()),
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.cell_occupancy(self.unit.id) {
            Ok(lines) => self.lines = lines,
            Err(e) => ctx.error(format!("Cannot read the cells: {e}")),
        }
        self.selection.clamp(self.lines.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let total = self.lines.iter().fold(Occupancy::default(), |mut t, l| {
            t.certified += l.occupancy.certified;
            t.operational += l.occupancy.operational;
            t.occupants += l.occupancy.occupants;
            t
        });
        summary(frame, area, &format!("Unit {}", self.unit.code), &total);
        let header = columns(&[
            ("Cell", 10),
            (&right("CNA", 5), 5),
            (&right("Oper.", 5), 5),
            (&right("Max", 5), 5),
            (&right("Held", 5), 5),
            (&right("Occ.", 7), 7),
            ("Out of use", 35),
        ]);
        let rows: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let o = &l.occupancy;
                // A cell out of use has no capacity on the board, yet may still hold people.
                let occ = if l.name.is_empty() {
                    percent(o)
                } else {
                    "-".into()
                };
                columns(&[
                    (&l.code, 10),
                    (&right(&o.certified.to_string(), 5), 5),
                    (&right(&o.operational.to_string(), 5), 5),
                    (&right(&o.maximum.to_string(), 5), 5),
                    (&right(&o.occupants.to_string(), 5), 5),
                    (&right(&occ, 7), 7),
                    (&l.name, 35),
                ])
            })
            .collect();
        render_rows(
            frame,
            list_area(area),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No cells in this unit.",
        );
    }
}
