//! The estate browser: facilities, then units, then cells, then the people in a cell; administrators edit.

use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::estate::{
    AgeGroup, Cell, Facility, FacilityKind, SecurityLevel, Unit, UnitSex, UnitUse,
    occupancy_percent,
};
use crate::store::{CellRow, FacilityRow, SearchHit, UnitRow};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::list::{Selection, columns, render_rows, right};
use ratatui::Frame;
use ratatui::layout::Rect;

const PAGE: usize = 18;

fn pct(occupants: u64, certified: u64) -> String {
    occupancy_percent(occupants, certified)
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "-".into())
}

fn moved(selection: &mut Selection, action: Action, len: usize) -> Outcome {
    if selection.handle(action, len, PAGE) {
        Outcome::Handled
    } else {
        Outcome::Ignored
    }
}

const ESTATE_HELP: &str = "The estate, level by level: facilities, their units (wings), the cells in a unit, and \
the people in a cell. Enter goes down a level, Esc back up. Capacity is certified normal accommodation (CNA); \
occupancy over 100% means overcrowding and is shown as it is. Administrators press n for a new entry and e to \
edit the selected one; a cell is taken out of use by giving a reason.";

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
    fn title(&self) -> String {
        "Estate: facilities".into()
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

    fn help(&self) -> &'static str {
        ESTATE_HELP
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let selected = self
            .rows
            .get(self.selection.index)
            .map(|r| r.facility.clone());
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match selected {
                Some(f) => Outcome::Push(Box::new(UnitsScreen::new(f, ctx))),
                None => Outcome::Ignored,
            },
            Action::New if ctx.allowed(Permission::EditEstate) => {
                Outcome::Push(Box::new(EstateForm::new(Target::Facility(None))))
            }
            Action::Edit if ctx.allowed(Permission::EditEstate) => match selected {
                Some(f) => Outcome::Push(Box::new(EstateForm::new(Target::Facility(Some(f))))),
                None => Outcome::Ignored,
            },
            Action::New | Action::Edit => Outcome::Handled,
            other => moved(&mut self.selection, other, self.rows.len()),
        }
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
            ("Cells", 5),
            ("CNA", 6),
            ("Held", 6),
            ("Occ.", 6),
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

    fn help(&self) -> &'static str {
        ESTATE_HELP
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let selected = self.rows.get(self.selection.index).map(|r| r.unit.clone());
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match selected {
                Some(u) => Outcome::Push(Box::new(CellsScreen::new(u, ctx))),
                None => Outcome::Ignored,
            },
            Action::New if ctx.allowed(Permission::EditEstate) => Outcome::Push(Box::new(
                EstateForm::new(Target::Unit(self.facility.id, None)),
            )),
            Action::Edit if ctx.allowed(Permission::EditEstate) => match selected {
                Some(u) => Outcome::Push(Box::new(EstateForm::new(Target::Unit(
                    self.facility.id,
                    Some(u),
                )))),
                None => Outcome::Ignored,
            },
            Action::New | Action::Edit => Outcome::Handled,
            other => moved(&mut self.selection, other, self.rows.len()),
        }
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
            ("CNA", 5),
            ("Held", 5),
            ("Occ.", 5),
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

    fn help(&self) -> &'static str {
        ESTATE_HELP
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let selected = self.rows.get(self.selection.index).map(|r| r.cell.clone());
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match selected {
                Some(c) => Outcome::Push(Box::new(OccupantsScreen::new(c, ctx))),
                None => Outcome::Ignored,
            },
            Action::New if ctx.allowed(Permission::EditEstate) => {
                Outcome::Push(Box::new(EstateForm::new(Target::Cell(self.unit.id, None))))
            }
            Action::Edit if ctx.allowed(Permission::EditEstate) => match selected {
                Some(c) => Outcome::Push(Box::new(EstateForm::new(Target::Cell(
                    self.unit.id,
                    Some(c),
                )))),
                None => Outcome::Ignored,
            },
            Action::New | Action::Edit => Outcome::Handled,
            other => moved(&mut self.selection, other, self.rows.len()),
        }
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
            ("CNA", 4),
            ("Oper.", 5),
            ("Max", 4),
            ("Held", 5),
            ("Occ.", 6),
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
    selection: Selection,
}

impl OccupantsScreen {
    fn new(cell: Cell, ctx: &mut Ctx) -> OccupantsScreen {
        let mut s = OccupantsScreen {
            cell,
            rows: Vec::new(),
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

    fn help(&self) -> &'static str {
        ESTATE_HELP
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
        let header = columns(&[("Number", 22), ("Name", 40), ("Status", 12)]);
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|h| {
                let name = format!("{}, {}", h.family_name, h.given_names);
                columns(&[(&h.number, 22), (&name, 40), (&h.legal_status, 12)])
            })
            .collect();
        frame.render_widget(
            ratatui::widgets::Paragraph::new(format!(" {summary}")),
            Rect::new(area.x, area.y, area.width, 1),
        );
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

/// What the estate form creates or changes. The id in Unit/Cell is the parent's.
enum Target {
    Facility(Option<Facility>),
    Unit(i64, Option<Unit>),
    Cell(i64, Option<Cell>),
}

pub struct EstateForm {
    target: Target,
    form: Form,
}

fn words<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

impl EstateForm {
    fn new(target: Target) -> EstateForm {
        let fields = match &target {
            Target::Facility(f) => {
                let f = f.clone();
                let get = |pick: fn(&Facility) -> String, default: &str| {
                    f.as_ref().map(pick).unwrap_or_else(|| default.into())
                };
                vec![
                    FormField::text("code", "Code", &get(|f| f.code.clone(), "")),
                    FormField::text("name", "Name", &get(|f| f.name.clone(), "")),
                    FormField::text("region", "Region", &get(|f| f.region.clone(), "")),
                    FormField::words(
                        "kind",
                        "Holds",
                        &words(FacilityKind::ALL, FacilityKind::as_str),
                        &get(|f| f.kind.as_str().into(), "men"),
                    ),
                    FormField::words(
                        "security",
                        "Security level",
                        &words(SecurityLevel::ALL, SecurityLevel::as_str),
                        &get(|f| f.security.as_str().into(), "medium"),
                    ),
                ]
            }
            Target::Unit(_, u) => {
                let u = u.clone();
                let get = |pick: fn(&Unit) -> String, default: &str| {
                    u.as_ref().map(pick).unwrap_or_else(|| default.into())
                };
                vec![
                    FormField::text("code", "Code", &get(|u| u.code.clone(), "")),
                    FormField::text("name", "Name", &get(|u| u.name.clone(), "")),
                    FormField::words(
                        "sex",
                        "Sex",
                        &words(UnitSex::ALL, UnitSex::as_str),
                        &get(|u| u.sex.as_str().into(), "male"),
                    ),
                    FormField::words(
                        "age_group",
                        "Age group",
                        &words(AgeGroup::ALL, AgeGroup::as_str),
                        &get(|u| u.age_group.as_str().into(), "adult"),
                    ),
                    FormField::words(
                        "legal_use",
                        "Legal status held",
                        &words(UnitUse::ALL, UnitUse::as_str),
                        &get(|u| u.legal_use.as_str().into(), "any"),
                    ),
                    FormField::words(
                        "security",
                        "Security level",
                        &words(SecurityLevel::ALL, SecurityLevel::as_str),
                        &get(|u| u.security.as_str().into(), "medium"),
                    ),
                ]
            }
            Target::Cell(_, c) => {
                let c = c.clone();
                let get = |pick: fn(&Cell) -> String, default: &str| {
                    c.as_ref().map(pick).unwrap_or_else(|| default.into())
                };
                vec![
                    FormField::text("code", "Code", &get(|c| c.code.clone(), "")),
                    FormField::text(
                        "certified",
                        "Certified capacity",
                        &get(|c| c.certified.to_string(), "1"),
                    ),
                    FormField::text(
                        "operational",
                        "Operational capacity",
                        &get(|c| c.operational.to_string(), "1"),
                    ),
                    FormField::text(
                        "maximum",
                        "Absolute maximum",
                        &get(|c| c.maximum.to_string(), "1"),
                    ),
                    FormField::text(
                        "out_of_use",
                        "Out of use: reason",
                        &get(|c| c.out_of_use.clone().unwrap_or_default(), ""),
                    ),
                ]
            }
        };
        EstateForm {
            target,
            form: Form::new(fields),
        }
    }

    fn number(&mut self, key: &str, label: &str, ctx: &mut Ctx) -> Option<u32> {
        match self.form.get(key).trim().parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.form.set_error(key, "a whole number");
                ctx.error(format!("{label}: a whole number"));
                None
            }
        }
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::EditEstate) {
            return Outcome::Handled;
        }
        self.form.clear_errors();
        let actor = ctx.actor();
        let g = |k: &str| self.form.get(k).trim().to_string();
        let result = match &self.target {
            Target::Facility(existing) => {
                let f = Facility {
                    id: existing.as_ref().map(|f| f.id).unwrap_or(0),
                    code: g("code"),
                    name: g("name"),
                    region: g("region"),
                    kind: FacilityKind::parse(&g("kind")).unwrap_or(FacilityKind::Men),
                    security: SecurityLevel::parse(&g("security")).unwrap_or(SecurityLevel::Medium),
                };
                if existing.is_some() {
                    ctx.store.update_facility(&actor, &f)
                } else {
                    ctx.store.add_facility(&actor, &f).map(|_| ())
                }
            }
            Target::Unit(facility_id, existing) => {
                let u = Unit {
                    id: existing.as_ref().map(|u| u.id).unwrap_or(0),
                    facility_id: *facility_id,
                    code: g("code"),
                    name: g("name"),
                    sex: UnitSex::parse(&g("sex")).unwrap_or(UnitSex::Male),
                    age_group: AgeGroup::parse(&g("age_group")).unwrap_or(AgeGroup::Adult),
                    legal_use: UnitUse::parse(&g("legal_use")).unwrap_or(UnitUse::Any),
                    security: SecurityLevel::parse(&g("security")).unwrap_or(SecurityLevel::Medium),
                };
                if existing.is_some() {
                    ctx.store.update_unit(&actor, &u)
                } else {
                    ctx.store.add_unit(&actor, &u).map(|_| ())
                }
            }
            Target::Cell(unit_id, existing) => {
                let (unit_id, id) = (*unit_id, existing.as_ref().map(|c| c.id).unwrap_or(0));
                let is_edit = existing.is_some();
                let Some(certified) = self.number("certified", "Certified capacity", ctx) else {
                    return Outcome::Handled;
                };
                let Some(operational) = self.number("operational", "Operational capacity", ctx)
                else {
                    return Outcome::Handled;
                };
                let Some(maximum) = self.number("maximum", "Absolute maximum", ctx) else {
                    return Outcome::Handled;
                };
                let reason = self.form.get("out_of_use").trim().to_string();
                let c = Cell {
                    id,
                    unit_id,
                    code: self.form.get("code").trim().to_string(),
                    certified,
                    operational,
                    maximum,
                    out_of_use: if reason.is_empty() {
                        None
                    } else {
                        Some(reason)
                    },
                };
                if is_edit {
                    ctx.store.update_cell(&actor, &c)
                } else {
                    ctx.store.add_cell(&actor, &c).map(|_| ())
                }
            }
        };
        match result {
            Ok(()) => {
                ctx.info("Saved.");
                Outcome::Pop
            }
            Err(e) => {
                let text = e.to_string();
                // Domain messages start with the field they concern ("code: ...", "operational capacity: ...").
                let lower = text.to_lowercase();
                let key = self
                    .form
                    .fields
                    .iter()
                    .find(|f| {
                        lower.contains(&format!("{}:", f.label.to_lowercase()))
                            || lower.starts_with(&format!("{}:", f.key))
                    })
                    .map(|f| f.key.clone());
                if let Some(k) = key {
                    self.form.set_error(&k, text.clone());
                }
                ctx.error(text);
                Outcome::Handled
            }
        }
    }
}

impl Screen for EstateForm {
    fn title(&self) -> String {
        let (what, new) = match &self.target {
            Target::Facility(f) => ("facility", f.is_none()),
            Target::Unit(_, u) => ("unit", u.is_none()),
            Target::Cell(_, c) => ("cell", c.is_none()),
        };
        format!("{} {what}", if new { "New" } else { "Edit" })
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Save, Action::NextField, Action::Left, Action::Back]
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> &'static str {
        "Codes are short (letters, digits, - _ . /) and unique within their level. Capacities rise from \
         certified to operational to the absolute maximum. Give a reason to take a cell out of use; clear it \
         to bring the cell back. F2 saves, Esc leaves without saving."
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Save => self.save(ctx),
            Action::Back => Outcome::Pop,
            Action::Select => {
                self.form.handle(Action::NextField);
                Outcome::Handled
            }
            other => {
                if self.form.handle(other) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        self.form.render(
            frame,
            Rect::new(
                area.x,
                area.y + 1,
                area.width,
                area.height.saturating_sub(1),
            ),
            theme,
        );
    }
}
