//! The occupancy board: facilities most overcrowded first with region and nation totals, then by Enter a
//! facility's units, a unit's cells and the people in a cell (the estate browser's list). Each level is a
//! [`ListSource`]. Percentages are shown as they are, never clipped.

use super::list::{ListScreen, ListSource};
use super::{Ctx, Outcome, thousands};
use crate::domain::text;
use crate::i18n::t_args;
use crate::store::{BoardLine, Occupancy};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{columns, right};
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

/// What a row of the board stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardRow {
    Facility(BoardLine),
    Region(BoardLine),
    Nation(Occupancy),
}

/// The occupancy board, from Home.
pub fn board(ctx: &mut Ctx) -> ListScreen<Facilities> {
    ListScreen::new(
        Facilities {
            region: None,
            total: Occupancy::default(),
        },
        ctx,
    )
}

/// The facilities most overcrowded first, then the regions and the nation; or one region's facilities.
pub struct Facilities {
    /// Set when the board shows one region's facilities.
    region: Option<String>,
    /// What the rows add up to, for the line above them.
    total: Occupancy,
}

impl ListSource for Facilities {
    type Row = BoardRow;

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
        t_args(
            "occupancy-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<BoardRow>, String> {
        let board = ctx.store.occupancy_board().map_err(|e| e.to_string())?;
        let region = self.region.as_ref();
        let mut rows: Vec<BoardRow> = board
            .facilities
            .into_iter()
            .filter(|l| region.is_none_or(|r| &l.region == r))
            .map(BoardRow::Facility)
            .collect();
        match region {
            None => {
                self.total = board.nation;
                rows.extend(board.regions.into_iter().map(BoardRow::Region));
                rows.push(BoardRow::Nation(board.nation));
            }
            Some(r) => {
                let line = board.regions.into_iter().find(|l| &l.name == r);
                self.total = line.as_ref().map(|l| l.occupancy).unwrap_or_default();
                rows.extend(line.map(BoardRow::Region));
            }
        }
        Ok(rows)
    }

    fn what(&self) -> String {
        crate::i18n::t("occupancy-what-board")
    }

    fn header(&self) -> String {
        columns(&[
            ("Code", 7),
            ("Name", 21),
            ("Region", 10),
            (&right("Cells", 6), 6),
            (&right("CNA", 7), 7),
            (&right("Oper.", 7), 7),
            (&right("Held", 7), 7),
            (&right("Occ.", 7), 7),
        ])
    }

    fn line(&self, row: &BoardRow) -> String {
        let (kind, name, region, o) = match row {
            BoardRow::Facility(l) => (
                l.code.as_str(),
                l.name.as_str(),
                l.region.as_str(),
                &l.occupancy,
            ),
            BoardRow::Region(l) => ("Region", l.name.as_str(), "", &l.occupancy),
            BoardRow::Nation(o) => ("Nation", "All facilities", "", o),
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

    fn empty(&self) -> String {
        "No facilities yet.".into()
    }

    fn above(&self, _rows: &[BoardRow]) -> u16 {
        2
    }

    fn render_above(&self, _rows: &[BoardRow], frame: &mut Frame, area: Rect, _theme: &Theme) {
        match &self.region {
            None => summary(frame, area, "Nation", &self.total),
            Some(r) => summary(frame, area, &format!("{r} region"), &self.total),
        }
    }

    fn open(&mut self, row: &BoardRow, ctx: &mut Ctx) -> Outcome {
        match row {
            BoardRow::Facility(l) => Outcome::Push(Box::new(ListScreen::new(
                Units {
                    facility: l.clone(),
                },
                ctx,
            ))),
            BoardRow::Region(l) if self.region.is_none() => {
                Outcome::Push(Box::new(ListScreen::new(
                    Facilities {
                        region: Some(l.name.clone()),
                        total: Occupancy::default(),
                    },
                    ctx,
                )))
            }
            _ => Outcome::Ignored,
        }
    }
}

/// A facility's units on the board.
pub struct Units {
    facility: BoardLine,
}

impl ListSource for Units {
    type Row = BoardLine;

    fn title(&self) -> String {
        format!("Occupancy board: {} units", self.facility.name)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        t_args(
            "occupancy-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<BoardLine>, String> {
        ctx.store
            .unit_occupancy(self.facility.id)
            .map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        crate::i18n::t("estate-what-units")
    }

    fn header(&self) -> String {
        columns(&[
            ("Unit", 7),
            ("Name", 22),
            (&right("Cells", 6), 6),
            (&right("CNA", 7), 7),
            (&right("Oper.", 7), 7),
            (&right("Max", 7), 7),
            (&right("Held", 7), 7),
            (&right("Occ.", 7), 7),
        ])
    }

    fn line(&self, l: &BoardLine) -> String {
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
    }

    fn empty(&self) -> String {
        "No units in this facility.".into()
    }

    fn above(&self, _rows: &[BoardLine]) -> u16 {
        2
    }

    fn render_above(&self, _rows: &[BoardLine], frame: &mut Frame, area: Rect, _theme: &Theme) {
        // The facility's head count includes people not yet in a cell, so it can exceed the units' sum.
        summary(frame, area, &self.facility.code, &self.facility.occupancy);
    }

    fn open(&mut self, l: &BoardLine, ctx: &mut Ctx) -> Outcome {
        Outcome::Push(Box::new(ListScreen::new(Cells { unit: l.clone() }, ctx)))
    }
}

/// A unit's cells on the board; Enter opens the people in one, as the estate browser does.
pub struct Cells {
    unit: BoardLine,
}

impl ListSource for Cells {
    type Row = BoardLine;

    fn title(&self) -> String {
        format!("Occupancy board: unit {} cells", self.unit.code)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        t_args(
            "occupancy-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<BoardLine>, String> {
        ctx.store
            .cell_occupancy(self.unit.id)
            .map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        crate::i18n::t("estate-what-cells")
    }

    fn header(&self) -> String {
        columns(&[
            ("Cell", 10),
            (&right("CNA", 5), 5),
            (&right("Oper.", 5), 5),
            (&right("Max", 5), 5),
            (&right("Held", 5), 5),
            (&right("Occ.", 7), 7),
            ("Out of use", 35),
        ])
    }

    fn line(&self, l: &BoardLine) -> String {
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
    }

    fn empty(&self) -> String {
        "No cells in this unit.".into()
    }

    fn above(&self, _rows: &[BoardLine]) -> u16 {
        2
    }

    fn render_above(&self, rows: &[BoardLine], frame: &mut Frame, area: Rect, _theme: &Theme) {
        let total = rows.iter().fold(Occupancy::default(), |mut t, l| {
            t.certified += l.occupancy.certified;
            t.operational += l.occupancy.operational;
            t.occupants += l.occupancy.occupants;
            t
        });
        summary(frame, area, &format!("Unit {}", self.unit.code), &total);
    }

    fn open(&mut self, line: &BoardLine, ctx: &mut Ctx) -> Outcome {
        match ctx.store.cell(line.id) {
            Ok(Some(cell)) => Outcome::Push(Box::new(super::estate::occupants(cell, ctx))),
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
}
