//! The programme catalogue of one facility at a time: places taken, people waiting and the weekly schedule;
//! Enter opens a programme's roster, u the facility's unlock list, / narrows the list to a facilitator or name.

use super::{Ctx, Outcome, Reply, Screen};
use crate::domain::roster::Programme;
use crate::domain::text::{self, fold};
use crate::i18n::{t, t_args, t_static};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{Selection, columns, render_rows, right};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::HashMap;

/// Opens the print preview of a roster report with the parameters a roster screen sets (facility, day, unit,
/// person); the rest as the report screen would: this week, VEP figures only where allowed.
pub fn preview(
    kind: crate::report::Kind,
    ctx: &mut Ctx,
    set: impl FnOnce(&mut crate::report::Params),
) -> Outcome {
    let mut params = crate::report::Params::new(ctx.now, ctx.session.name.clone());
    params.vep = ctx
        .session
        .may(crate::domain::auth::Permission::ViewVepFigures);
    set(&mut params);
    match crate::report::build(ctx.store, kind, &params) {
        Ok(doc) => Outcome::Push(Box::new(super::print_preview::PrintPreview::new(
            kind.as_str(),
            doc,
            ctx,
        ))),
        Err(e) => {
            ctx.error(format!("Cannot make the report: {e}"));
            Outcome::Handled
        }
    }
}

pub struct ProgrammesScreen {
    facilities: Vec<(i64, String, String)>,
    current: usize,
    programmes: Vec<Programme>,
    counts: HashMap<i64, (u32, u32)>,
    /// Text a programme's name or a facilitator must contain ("a facilitator's list"), as the filter popup
    /// replied.
    filter: String,
    shown: Vec<usize>,
    selection: Selection,
}

impl ProgrammesScreen {
    pub fn new(ctx: &mut Ctx) -> ProgrammesScreen {
        let facilities = match ctx.store.facilities() {
            Ok(rows) => rows
                .into_iter()
                .map(|r| (r.facility.id, r.facility.code, r.facility.name))
                .collect(),
            Err(e) => {
                ctx.error(format!("Cannot read the facilities: {e}"));
                Vec::new()
            }
        };
        let mut screen = ProgrammesScreen {
            facilities,
            current: 0,
            programmes: Vec::new(),
            counts: HashMap::new(),
            filter: String::new(),
            shown: Vec::new(),
            selection: Selection::default(),
        };
        if let Ok(Some(first)) = ctx.store.first_programme_facility(ctx.now.date_naive())
            && let Some(i) = screen.facilities.iter().position(|f| f.0 == first)
        {
            screen.current = i;
        }
        screen.resume(ctx);
        screen
    }

    /// Opens on a given facility (from a prisoner's record, say).
    pub fn at_facility(mut self, facility_id: i64, ctx: &mut Ctx) -> ProgrammesScreen {
        if let Some(i) = self.facilities.iter().position(|f| f.0 == facility_id) {
            self.current = i;
            self.resume(ctx);
        }
        self
    }

    fn refilter(&mut self) {
        let want = fold(&self.filter);
        self.shown = (0..self.programmes.len())
            .filter(|&i| {
                let p = &self.programmes[i];
                want.is_empty()
                    || fold(&p.name).contains(&want)
                    || fold(&p.code).contains(&want)
                    || p.facilitators.iter().any(|f| fold(f).contains(&want))
            })
            .collect();
        self.selection.clamp(self.shown.len());
    }

    fn selected(&self) -> Option<&Programme> {
        self.shown
            .get(self.selection.index)
            .map(|&i| &self.programmes[i])
    }
}

impl Screen for ProgrammesScreen {
    fn title(&self) -> String {
        match self.facilities.get(self.current) {
            Some((_, code, name)) => format!("Programmes: {code} {name}"),
            None => "Programmes".into(),
        }
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Select,
            Action::Right,
            Action::Unlock,
            Action::Print,
            Action::Search,
            Action::New,
            Action::Edit,
            Action::Back,
        ]
    }

    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        match action {
            Action::New | Action::Edit => {
                crate::domain::auth::may(role, crate::domain::auth::Permission::ManageProgrammes)
            }
            other => crate::tui::keymap::usable(other, role),
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Right => "facility",
            Action::Print => "print roster",
            Action::Search => "facilitator",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "programmes-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select => match self.selected() {
                Some(p) => match super::programme::ProgrammeScreen::open(p.id, ctx) {
                    Some(s) => Outcome::Push(Box::new(s)),
                    None => Outcome::Handled,
                },
                None => Outcome::Ignored,
            },
            Action::Left | Action::Right if !self.facilities.is_empty() => {
                let n = self.facilities.len();
                self.current = if action == Action::Right {
                    (self.current + 1) % n
                } else {
                    (self.current + n - 1) % n
                };
                self.selection = Selection::default();
                self.resume(ctx);
                Outcome::Handled
            }
            Action::New | Action::Edit
                if !ctx.allowed(crate::domain::auth::Permission::ManageProgrammes) =>
            {
                Outcome::Handled
            }
            Action::New => match self.facilities.get(self.current) {
                Some(&(id, _, _)) => Outcome::Push(Box::new(
                    super::programme_form::ProgrammeForm::new(id, None),
                )),
                None => {
                    ctx.error(crate::i18n::t("programmes-no-facility"));
                    Outcome::Handled
                }
            },
            Action::Edit => match self.selected() {
                Some(p) => Outcome::Push(Box::new(super::programme_form::ProgrammeForm::new(
                    p.facility_id,
                    Some(p.clone()),
                ))),
                None => Outcome::Ignored,
            },
            Action::Print => {
                let facility = self.facilities.get(self.current).map(|f| f.0);
                let facility = facility.and_then(|id| ctx.store.facility(id).ok().flatten());
                preview(crate::report::Kind::Roster, ctx, |p| p.facility = facility)
            }
            Action::Unlock => match self.facilities.get(self.current) {
                Some(&(id, ref code, _)) => {
                    Outcome::Push(Box::new(super::unlock::unlock_list(id, code.clone(), ctx)))
                }
                None => Outcome::Ignored,
            },
            Action::Search => Outcome::Push(Box::new(
                super::prompt::PromptScreen::with_value(
                    t("programmes-filter-title"),
                    vec![t("programmes-filter-about")],
                    vec![FormField::text(
                        "filter",
                        &t("programmes-filter-contains"),
                        &self.filter,
                    )],
                    t_static("programmes-filter-show"),
                    Box::new(|values, _ctx| {
                        let typed = values.get("filter").map_or("", |v| v.trim()).to_string();
                        let said = if typed.is_empty() {
                            t("programmes-filter-all")
                        } else {
                            t_args("programmes-filter-some", &[("text", typed.clone().into())])
                        };
                        Ok((said, typed))
                    }),
                )
                .reply_with(Reply::Contains),
            )),
            other => {
                if self.selection.handle(other, self.shown.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn reply(&mut self, reply: Reply, _ctx: &mut Ctx) {
        if let Reply::Contains(text) = reply {
            self.filter = text;
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        let Some(&(facility, _, _)) = self.facilities.get(self.current) else {
            return;
        };
        let today = ctx.now.date_naive();
        match ctx.store.programmes(facility, Some(today)) {
            Ok(p) => self.programmes = p,
            Err(e) => ctx.error(format!("Cannot read the programmes: {e}")),
        }
        match ctx.store.programme_counts(facility) {
            Ok(c) => self.counts = c,
            Err(e) => ctx.error(format!("Cannot read the places: {e}")),
        }
        self.refilter();
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let facility = match self.facilities.get(self.current) {
            Some((_, code, name)) => format!(
                "{} {}  ({} of {}; Left/Right for another)",
                code,
                text::display(name),
                self.current + 1,
                self.facilities.len()
            ),
            None => "No facilities yet.".into(),
        };
        let mut top = vec![Line::from(facility)];
        let filter = self.filter.as_str();
        if !filter.is_empty() {
            top.push(Line::from(Span::styled(
                format!("Only those with '{}'", text::display(filter)),
                theme.warning(),
            )));
        }
        let top_rows = top.len() as u16;
        frame.render_widget(
            Paragraph::new(top),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), top_rows),
        );
        let rows: Vec<String> = self
            .shown
            .iter()
            .map(|&i| {
                let p = &self.programmes[i];
                let (taken, waiting) = self.counts.get(&p.id).copied().unwrap_or_default();
                columns(&[
                    (&p.code, 6),
                    (&p.name, 22),
                    (p.category.label(), 11),
                    (&right(&format!("{taken}/{}", p.capacity), 7), 7),
                    (&right(&waiting.to_string(), 4), 4),
                    (&p.schedule_text(), 24),
                ])
            })
            .collect();
        let header = columns(&[
            ("Code", 6),
            ("Programme", 22),
            ("Category", 11),
            (" Places", 7),
            ("Wait", 4),
            ("Sessions", 24),
        ]);
        render_rows(
            frame,
            Rect::new(
                area.x,
                area.y + top_rows + 1,
                area.width,
                area.height.saturating_sub(top_rows + 1),
            ),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No programmes here that have not ended.",
        );
    }
}
