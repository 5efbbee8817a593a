//! The estate browser: facilities, then units, then cells, then the people in a cell; administrators edit. Each
//! level is a [`ListSource`]; the occupancy board opens the same people-in-a-cell list.

use super::estate_form::{EstateForm, Target};
use super::list::{Keyed, ListScreen, ListSource};
use super::{Ctx, Outcome};
use crate::domain::auth::{Permission, Role};
use crate::domain::estate::{Cell, Facility, Unit, occupancy_percent};
use crate::i18n::{t, t_args};
use crate::store::{CellRow, FacilityRow, SearchHit, UnitRow};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{columns, right};
use ratatui::Frame;
use ratatui::layout::Rect;

fn pct(occupants: u64, certified: u64) -> String {
    occupancy_percent(occupants, certified)
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "-".into())
}

/// The keys every estate level shares besides the list's own: n adds, e edits (administrators only).
fn level_key<T: Clone>(
    action: Action,
    ctx: &mut Ctx,
    selected: Option<&T>,
    form: impl FnOnce(Option<T>) -> Target,
) -> Keyed {
    Keyed::Done(match action {
        Action::New | Action::Edit if !ctx.allowed(Permission::EditEstate) => Outcome::Handled,
        Action::New => Outcome::Push(Box::new(EstateForm::new(form(None)))),
        Action::Edit => match selected {
            Some(row) => Outcome::Push(Box::new(EstateForm::new(form(Some(row.clone()))))),
            None => Outcome::Ignored,
        },
        _ => Outcome::Ignored,
    })
}

/// n and e change the estate: only roles that may edit it are offered them.
fn estate_offered(action: Action, role: Role) -> bool {
    match action {
        Action::New | Action::Edit => crate::domain::auth::may(role, Permission::EditEstate),
        other => crate::tui::keymap::usable(other, role),
    }
}

fn level_footer() -> Vec<Action> {
    vec![
        Action::Up,
        Action::Select,
        Action::New,
        Action::Edit,
        Action::Back,
    ]
}

/// The estate's facilities, from Home.
pub fn facilities(ctx: &mut Ctx) -> ListScreen<Facilities> {
    ListScreen::new(Facilities, ctx)
}

pub struct Facilities;

impl ListSource for Facilities {
    type Row = FacilityRow;

    fn offered(&self, action: Action, role: Role) -> bool {
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
        t_args(
            "estate-facilities-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<FacilityRow>, String> {
        ctx.store.facilities().map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        t("estate-what-facilities")
    }

    fn header(&self) -> String {
        columns(&[
            ("Code", 8),
            ("Name", 22),
            ("Region", 10),
            ("Kind", 8),
            (&right("Cells", 5), 5),
            (&right("CNA", 6), 6),
            (&right("Held", 6), 6),
            (&right("Occ.", 6), 6),
        ])
    }

    fn line(&self, r: &FacilityRow) -> String {
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
    }

    fn empty(&self) -> String {
        "No facilities yet. An administrator presses n to add one, or loads a file with `warden estate load`."
            .into()
    }

    fn open(&mut self, r: &FacilityRow, ctx: &mut Ctx) -> Outcome {
        Outcome::Push(Box::new(ListScreen::new(
            Units {
                facility: r.facility.clone(),
            },
            ctx,
        )))
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[FacilityRow],
        selected: Option<&FacilityRow>,
        ctx: &mut Ctx,
    ) -> Keyed {
        if action == Action::Assess {
            return Keyed::Done(match selected {
                Some(r) => {
                    Outcome::Push(Box::new(super::assessment_pick::PickScreen::for_facility(
                        r.facility.id,
                        format!("{} {}", r.facility.code, r.facility.name),
                        ctx,
                    )))
                }
                None => Outcome::Ignored,
            });
        }
        level_key(
            action,
            ctx,
            selected.map(|r: &FacilityRow| &r.facility),
            Target::Facility,
        )
    }
}

pub struct Units {
    facility: Facility,
}

impl ListSource for Units {
    type Row = UnitRow;

    fn offered(&self, action: Action, role: Role) -> bool {
        estate_offered(action, role)
    }

    fn title(&self) -> String {
        format!("Estate: {} units", self.facility.name)
    }

    fn footer(&self) -> Vec<Action> {
        level_footer()
    }

    fn help(&self) -> String {
        t_args(
            "estate-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<UnitRow>, String> {
        ctx.store.units(self.facility.id).map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        t("estate-what-units")
    }

    fn header(&self) -> String {
        columns(&[
            ("Code", 6),
            ("Name", 18),
            ("Sex", 6),
            ("Age", 5),
            ("Status", 11),
            ("Security", 8),
            (&right("CNA", 5), 5),
            (&right("Held", 5), 5),
            (&right("Occ.", 5), 5),
        ])
    }

    fn line(&self, r: &UnitRow) -> String {
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
    }

    fn empty(&self) -> String {
        "No units in this facility yet.".into()
    }

    fn open(&mut self, r: &UnitRow, ctx: &mut Ctx) -> Outcome {
        Outcome::Push(Box::new(ListScreen::new(
            Cells {
                unit: r.unit.clone(),
            },
            ctx,
        )))
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[UnitRow],
        selected: Option<&UnitRow>,
        ctx: &mut Ctx,
    ) -> Keyed {
        let facility_id = self.facility.id;
        level_key(action, ctx, selected.map(|r| &r.unit), |u| {
            Target::Unit(facility_id, u)
        })
    }
}

pub struct Cells {
    unit: Unit,
}

impl ListSource for Cells {
    type Row = CellRow;

    fn offered(&self, action: Action, role: Role) -> bool {
        estate_offered(action, role)
    }

    fn title(&self) -> String {
        format!("Estate: unit {} cells", self.unit.code)
    }

    fn footer(&self) -> Vec<Action> {
        level_footer()
    }

    fn help(&self) -> String {
        t_args(
            "estate-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<CellRow>, String> {
        ctx.store.cells(self.unit.id).map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        t("estate-what-cells")
    }

    fn header(&self) -> String {
        columns(&[
            ("Cell", 10),
            (&right("CNA", 4), 4),
            (&right("Oper.", 5), 5),
            (&right("Max", 4), 4),
            (&right("Held", 5), 5),
            (&right("Occ.", 6), 6),
            ("Out of use", 34),
        ])
    }

    fn line(&self, r: &CellRow) -> String {
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
    }

    fn empty(&self) -> String {
        "No cells in this unit yet.".into()
    }

    fn open(&mut self, r: &CellRow, ctx: &mut Ctx) -> Outcome {
        Outcome::Push(Box::new(occupants(r.cell.clone(), ctx)))
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[CellRow],
        selected: Option<&CellRow>,
        ctx: &mut Ctx,
    ) -> Keyed {
        let unit_id = self.unit.id;
        level_key(action, ctx, selected.map(|r| &r.cell), |c| {
            Target::Cell(unit_id, c)
        })
    }
}

/// The people in `cell`, from the estate browser or the occupancy board.
pub(crate) fn occupants(cell: Cell, ctx: &mut Ctx) -> ListScreen<Occupants> {
    ListScreen::new(
        Occupants {
            cell,
            ages: Vec::new(),
            apart: Vec::new(),
        },
        ctx,
    )
}

pub struct Occupants {
    cell: Cell,
    /// Each occupant's age as shown, worked out when the list was read.
    ages: Vec<(i64, String)>,
    /// Pairs in this cell who must be kept apart: a placement that breaks a non-association.
    apart: Vec<(i64, i64)>,
}

impl ListSource for Occupants {
    type Row = SearchHit;

    fn title(&self) -> String {
        format!("Estate: cell {}", self.cell.code)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn help(&self) -> String {
        t_args(
            "estate-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<SearchHit>, String> {
        let rows = ctx
            .store
            .occupants(self.cell.id)
            .map_err(|e| e.to_string())?;
        let today = ctx.now.date_naive();
        self.ages = rows.iter().map(|h| (h.id, h.age_shown(today))).collect();
        let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
        match ctx.store.non_associations_among(&ids, today) {
            Ok(found) => self.apart = found.iter().map(|na| (na.first, na.second)).collect(),
            Err(e) => ctx.error(format!("Cannot read the non-associations: {e}")),
        }
        Ok(rows)
    }

    fn what(&self) -> String {
        t("estate-what-occupants")
    }

    fn header(&self) -> String {
        let age = t("column-age");
        columns(&[
            ("Number", 20),
            ("Name", 30),
            (&age, 8),
            ("Status", 10),
            ("", 6),
        ])
    }

    fn line(&self, h: &SearchHit) -> String {
        let name = format!("{}, {}", h.family_name, h.given_names);
        let apart = self.apart.iter().any(|(a, b)| *a == h.id || *b == h.id);
        let age = self
            .ages
            .iter()
            .find(|(id, _)| *id == h.id)
            .map_or("", |(_, age)| age.as_str());
        columns(&[
            (&h.number, 20),
            (&name, 30),
            (age, 8),
            (&h.legal_status, 10),
            (if apart { "APART!" } else { "" }, 6),
        ])
    }

    fn empty(&self) -> String {
        "Nobody is in this cell.".into()
    }

    /// The cell's figures, and a warning when two people in it must be kept apart.
    fn above(&self, _rows: &[SearchHit]) -> u16 {
        2
    }

    fn render_above(&self, rows: &[SearchHit], frame: &mut Frame, area: Rect, theme: &Theme) {
        let c = &self.cell;
        let summary = format!(
            "{} held; certified {}, operational {}, absolute maximum {}",
            rows.len(),
            c.certified,
            c.operational,
            c.maximum
        );
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
    }

    fn open(&mut self, hit: &SearchHit, ctx: &mut Ctx) -> Outcome {
        match super::record::RecordScreen::open(hit.id, ctx) {
            Some(r) => Outcome::Push(Box::new(r)),
            None => Outcome::Handled,
        }
    }
}
