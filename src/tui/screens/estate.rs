//! The estate browser: facilities, then units, then cells, then the people in a cell; administrators edit.

use super::estate_form::{EstateForm, Target};
use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::estate::{Cell, Facility, Unit, occupancy_percent};
use crate::store::{CellRow, FacilityRow, SearchHit, UnitRow};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, columns, render_rows, right};
use ratatui::Frame;
use ratatui::layout::Rect;

fn pct(occupants: u64, certified: u64) -> String {
    occupancy_percent(occupants, certified)
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "-".into())
}

fn moved(selection: &mut Selection, action: Action, len: usize) -> Outcome {
    if selection.handle(action, len) {
        Outcome::Handled
    } else {
        Outcome::Ignored
    }
}

/// The keys every estate level shares: Enter opens the level below, n adds, e edits (administrators only).
fn level_key<T: Clone>(
    action: Action,
    ctx: &mut Ctx,
    selection: &mut Selection,
    rows: &[T],
    open: impl FnOnce(T, &mut Ctx) -> Box<dyn Screen>,
    form: impl FnOnce(Option<T>) -> Target,
) -> Outcome {
    let selected = rows.get(selection.index).cloned();
    match action {
        Action::Back => Outcome::Pop,
        Action::Select => match selected {
            Some(row) => Outcome::Push(open(row, ctx)),
            None => Outcome::Ignored,
        },
        Action::New | Action::Edit if !ctx.allowed(Permission::EditEstate) => Outcome::Handled,
        Action::New => Outcome::Push(Box::new(EstateForm::new(form(None)))),
        Action::Edit => match selected {
            Some(row) => Outcome::Push(Box::new(EstateForm::new(form(Some(row))))),
            None => Outcome::Ignored,
        },
        other => moved(selection, other, rows.len()),
    }
}

/// n and e change the estate: only roles that may edit it are offered them.
fn estate_offered(action: Action, role: crate::domain::auth::Role) -> bool {
    match action {
        Action::New | Action::Edit => crate::domain::auth::may(role, Permission::EditEstate),
        other => crate::tui::keymap::usable(other, role),
    }
}

pub struct FacilitiesScreen {
    rows: Vec<FacilityRow>,
    selection: Selection,
}

impl FacilitiesScreen {
    pub fn new(ctx: &mut Ctx) -> FacilitiesScreen {
        let mut s = FacilitiesScreen {
            rows: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for FacilitiesScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        estate_offered(action, role)
    }

    fn title(&self) -> String {
        "Estate: facilities".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Up,
            Action::Select,
            Action::New,
            Action::Edit,
            Action::Assess,
            Action::Back,
        ]
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "estate-facilities-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if action == Action::Assess {
            return match self.rows.get(self.selection.index) {
                Some(r) => {
                    Outcome::Push(Box::new(super::assessment_pick::PickScreen::for_facility(
                        r.facility.id,
                        format!("{} {}", r.facility.code, r.facility.name),
                        ctx,
                    )))
                }
                None => Outcome::Ignored,
            };
        }
        let facilities: Vec<Facility> = self.rows.iter().map(|r| r.facility.clone()).collect();
        level_key(
            action,
            ctx,
            &mut self.selection,
            &facilities,
            |f, ctx| Box::new(UnitsScreen::new(f, ctx)),
            Target::Facility,
        )
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.facilities() {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the estate: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let header = columns(&[
            ("Code", 8),
            ("Name", 22),
            ("Region", 10),
            ("Kind", 8),
            (&right("Cells", 5), 5),
            (&right("CNA", 6), 6),
            (&right("Held", 6), 6),
            (&right("Occ.", 6), 6),
        ]);
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let c = r.counts;
                columns(&[
                    (&r.facility.code, 8),
                    (&r.facility.name, 22),
                    (&r.facility.region, 10),
                    (r.facility.kind.as_str(), 8),
                    (&right(&c.cells.to_string(), 5), 5),
                    (&right(&c.certified.to_string(), 6), 6),
                    (&right(&c.occupants.to_string(), 6), 6),
                    (&right(&pct(c.occupants, c.certified), 6), 6),
                ])
            })
            .collect();
        render_rows(
            frame,
            area,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No facilities yet. An administrator presses n to add one, or loads a file with `warden estate load`.",
        );
    }
}

pub struct UnitsScreen {
    facility: Facility,
    rows: Vec<UnitRow>,
    selection: Selection,
}

impl UnitsScreen {
    fn new(facility: Facility, ctx: &mut Ctx) -> UnitsScreen {
        let mut s = UnitsScreen {
            facility,
            rows: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for UnitsScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        estate_offered(action, role)
    }

    fn title(&self) -> String {
        format!("Estate: {} units", self.facility.name)
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Up,
            Action::Select,
            Action::New,
            Action::Edit,
            Action::Back,
        ]
    }

    fn help(&self) -> String {
        crate::i18n::t_args("estate-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let units: Vec<Unit> = self.rows.iter().map(|r| r.unit.clone()).collect();
        let facility_id = self.facility.id;
        level_key(
            action,
            ctx,
            &mut self.selection,
            &units,
            |u, ctx| Box::new(CellsScreen::new(u, ctx)),
            |u| Target::Unit(facility_id, u),
        )
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.units(self.facility.id) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the units: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let header = columns(&[
            ("Code", 6),
            ("Name", 18),
            ("Sex", 6),
            ("Age", 5),
            ("Status", 11),
            ("Security", 8),
            (&right("CNA", 5), 5),
            (&right("Held", 5), 5),
            (&right("Occ.", 5), 5),
        ]);
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let u = &r.unit;
                let c = r.counts;
                columns(&[
                    (&u.code, 6),
                    (&u.name, 18),
                    (u.sex.as_str(), 6),
                    (u.age_group.as_str(), 5),
                    (u.legal_use.as_str(), 11),
                    (u.security.as_str(), 8),
                    (&right(&c.certified.to_string(), 5), 5),
                    (&right(&c.occupants.to_string(), 5), 5),
                    (&right(&pct(c.occupants, c.certified), 5), 5),
                ])
            })
            .collect();
        render_rows(
            frame,
            area,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No units in this facility yet.",
        );
    }
}

pub struct CellsScreen {
    unit: Unit,
    rows: Vec<CellRow>,
    selection: Selection,
}

impl CellsScreen {
    fn new(unit: Unit, ctx: &mut Ctx) -> CellsScreen {
        let mut s = CellsScreen {
            unit,
            rows: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for CellsScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        estate_offered(action, role)
    }

    fn title(&self) -> String {
        format!("Estate: unit {} cells", self.unit.code)
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Up,
            Action::Select,
            Action::New,
            Action::Edit,
            Action::Back,
        ]
    }

    fn help(&self) -> String {
        crate::i18n::t_args("estate-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let cells: Vec<Cell> = self.rows.iter().map(|r| r.cell.clone()).collect();
        let unit_id = self.unit.id;
        level_key(
            action,
            ctx,
            &mut self.selection,
            &cells,
            |c, ctx| Box::new(OccupantsScreen::new(c, ctx)),
            |c| Target::Cell(unit_id, c),
        )
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.cells(self.unit.id) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the cells: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let header = columns(&[
            ("Cell", 10),
            (&right("CNA", 4), 4),
            (&right("Oper.", 5), 5),
            (&right("Max", 4), 4),
            (&right("Held", 5), 5),
            (&right("Occ.", 6), 6),
            ("Out of use", 34),
        ]);
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let c = &r.cell;
                columns(&[
                    (&c.code, 10),
                    (&right(&c.certified.to_string(), 4), 4),
                    (&right(&c.operational.to_string(), 5), 5),
                    (&right(&c.maximum.to_string(), 4), 4),
                    (&right(&r.occupants.to_string(), 5), 5),
                    (&right(&pct(r.occupants, c.certified as u64), 6), 6),
                    (c.out_of_use.as_deref().unwrap_or(""), 34),
                ])
            })
            .collect();
        render_rows(
            frame,
            area,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No cells in this unit yet.",
        );
    }
}

pub struct OccupantsScreen {
    cell: Cell,
    rows: Vec<SearchHit>,
    /// Each occupant's age as shown, worked out when the list was read.
    ages: Vec<String>,
    /// Pairs in this cell who must be kept apart: a placement that breaks a non-association.
    apart: Vec<(i64, i64)>,
    selection: Selection,
}

impl OccupantsScreen {
    pub(crate) fn new(cell: Cell, ctx: &mut Ctx) -> OccupantsScreen {
        let mut s = OccupantsScreen {
            cell,
            rows: Vec::new(),
            ages: Vec::new(),
            apart: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for OccupantsScreen {
    fn title(&self) -> String {
        format!("Estate: cell {}", self.cell.code)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        crate::i18n::t_args("estate-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match self.rows.get(self.selection.index) {
                Some(hit) => match super::record::RecordScreen::open(hit.id, ctx) {
                    Some(r) => Outcome::Push(Box::new(r)),
                    None => Outcome::Handled,
                },
                None => Outcome::Ignored,
            },
            other => moved(&mut self.selection, other, self.rows.len()),
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.occupants(self.cell.id) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the occupants: {e}")),
        }
        let today = ctx.now.date_naive();
        self.ages = self.rows.iter().map(|h| h.age_shown(today)).collect();
        let ids: Vec<i64> = self.rows.iter().map(|h| h.id).collect();
        match ctx.store.non_associations_among(&ids, ctx.now.date_naive()) {
            Ok(found) => self.apart = found.iter().map(|na| (na.first, na.second)).collect(),
            Err(e) => ctx.error(format!("Cannot read the non-associations: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let c = &self.cell;
        let summary = format!(
            "{} held; certified {}, operational {}, absolute maximum {}",
            self.rows.len(),
            c.certified,
            c.operational,
            c.maximum
        );
        let age = crate::i18n::t("column-age");
        let header = columns(&[
            ("Number", 20),
            ("Name", 30),
            (&age, 8),
            ("Status", 10),
            ("", 6),
        ]);
        let rows: Vec<String> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let name = format!("{}, {}", h.family_name, h.given_names);
                let apart = self.apart.iter().any(|(a, b)| *a == h.id || *b == h.id);
                columns(&[
                    (&h.number, 20),
                    (&name, 30),
                    (self.ages.get(i).map_or("", String::as_str), 8),
                    (&h.legal_status, 10),
                    (if apart { "APART!" } else { "" }, 6),
                ])
            })
            .collect();
        frame.render_widget(
            ratatui::widgets::Paragraph::new(format!(" {summary}")),
            Rect::new(area.x, area.y, area.width, 1),
        );
        if !self.apart.is_empty() {
            let n = self.apart.len();
            frame.render_widget(
                ratatui::widgets::Paragraph::new(ratatui::text::Span::styled(
                    format!(
                        " {n} {} in this cell must be kept apart (non-association): move one",
                        if n == 1 { "pair" } else { "pairs" }
                    ),
                    theme.warning(),
                )),
                Rect::new(area.x, area.y + 1, area.width, 1),
            );
        }
        let list = Rect::new(
            area.x,
            area.y + 2,
            area.width,
            area.height.saturating_sub(2),
        );
        render_rows(
            frame,
            list,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "Nobody is in this cell.",
        );
    }
}
