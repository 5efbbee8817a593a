//! The programme catalogue of one facility at a time: places taken, people waiting and the weekly schedule;
//! Enter opens a programme's roster, u the facility's unlock list, / narrows the list to a facilitator or name.

use super::list::{Keyed, ListScreen, ListSource};
use super::{Ctx, Outcome, Reply};
use crate::domain::roster::Programme;
use crate::domain::text::{self, fold};
use crate::i18n::{t, t_args, t_static};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{columns, right};
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

/// The programme catalogue, on the facility with the soonest sessions.
pub fn catalogue(ctx: &mut Ctx) -> ListScreen<Catalogue> {
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
    let mut source = Catalogue {
        facilities,
        current: 0,
        counts: HashMap::new(),
        filter: String::new(),
    };
    if let Ok(Some(first)) = ctx.store.first_programme_facility(ctx.now.date_naive())
        && let Some(i) = source.facilities.iter().position(|f| f.0 == first)
    {
        source.current = i;
    }
    ListScreen::new(source, ctx)
}

pub struct Catalogue {
    facilities: Vec<(i64, String, String)>,
    current: usize,
    /// Places taken and people waiting, by programme, read with the rows.
    counts: HashMap<i64, (u32, u32)>,
    /// Text a programme's name or a facilitator must contain ("a facilitator's list"), as the filter popup
    /// replied.
    filter: String,
}

impl Catalogue {
    fn wanted(&self, p: &Programme) -> bool {
        let want = fold(&self.filter);
        want.is_empty()
            || fold(&p.name).contains(&want)
            || fold(&p.code).contains(&want)
            || p.facilitators.iter().any(|f| fold(f).contains(&want))
    }

    fn filter_prompt(&self) -> Outcome {
        Outcome::Push(Box::new(
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
        ))
    }
}

impl ListSource for Catalogue {
    type Row = Programme;

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
        t_args(
            "programmes-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<Programme>, String> {
        let Some(&(facility, _, _)) = self.facilities.get(self.current) else {
            return Ok(Vec::new());
        };
        let today = ctx.now.date_naive();
        let programmes = ctx
            .store
            .programmes(facility, Some(today))
            .map_err(|e| e.to_string())?;
        match ctx.store.programme_counts(facility) {
            Ok(c) => self.counts = c,
            Err(e) => ctx.error(format!("Cannot read the places: {e}")),
        }
        Ok(programmes.into_iter().filter(|p| self.wanted(p)).collect())
    }

    fn what(&self) -> String {
        t("programmes-what")
    }

    fn header(&self) -> String {
        columns(&[
            ("Code", 6),
            ("Programme", 22),
            ("Category", 11),
            (" Places", 7),
            ("Wait", 4),
            ("Sessions", 24),
        ])
    }

    fn line(&self, p: &Programme) -> String {
        let (taken, waiting) = self.counts.get(&p.id).copied().unwrap_or_default();
        columns(&[
            (&p.code, 6),
            (&p.name, 22),
            (p.category.label(), 11),
            (&right(&format!("{taken}/{}", p.capacity), 7), 7),
            (&right(&waiting.to_string(), 4), 4),
            (&p.schedule_text(), 24),
        ])
    }

    fn empty(&self) -> String {
        "No programmes here that have not ended.".into()
    }

    /// The facility shown, and the filter when there is one.
    fn above(&self, _rows: &[Programme]) -> u16 {
        if self.filter.is_empty() { 2 } else { 3 }
    }

    fn render_above(&self, _rows: &[Programme], frame: &mut Frame, area: Rect, theme: &Theme) {
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
        if !self.filter.is_empty() {
            top.push(Line::from(Span::styled(
                format!("Only those with '{}'", text::display(&self.filter)),
                theme.warning(),
            )));
        }
        let rows = top.len() as u16;
        frame.render_widget(
            Paragraph::new(top),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), rows),
        );
    }

    fn reply(&mut self, reply: Reply, _ctx: &mut Ctx) {
        if let Reply::Contains(text) = reply {
            self.filter = text;
        }
    }

    fn open(&mut self, p: &Programme, ctx: &mut Ctx) -> Outcome {
        match super::programme::ProgrammeScreen::open(p.id, ctx) {
            Some(s) => Outcome::Push(Box::new(s)),
            None => Outcome::Handled,
        }
    }

    fn key(
        &mut self,
        action: Action,
        _rows: &[Programme],
        selected: Option<&Programme>,
        ctx: &mut Ctx,
    ) -> Keyed {
        match action {
            Action::Left | Action::Right if !self.facilities.is_empty() => {
                let n = self.facilities.len();
                self.current = if action == Action::Right {
                    (self.current + 1) % n
                } else {
                    (self.current + n - 1) % n
                };
                Keyed::ReadAnew
            }
            Action::New | Action::Edit
                if !ctx.allowed(crate::domain::auth::Permission::ManageProgrammes) =>
            {
                Outcome::Handled.into()
            }
            Action::New => match self.facilities.get(self.current) {
                Some(&(id, _, _)) => Outcome::Push(Box::new(
                    super::programme_form::ProgrammeForm::new(id, None),
                ))
                .into(),
                None => {
                    ctx.error(t("programmes-no-facility"));
                    Outcome::Handled.into()
                }
            },
            Action::Edit => match selected {
                Some(p) => Outcome::Push(Box::new(super::programme_form::ProgrammeForm::new(
                    p.facility_id,
                    Some(p.clone()),
                )))
                .into(),
                None => Outcome::Ignored.into(),
            },
            Action::Print => {
                let facility = self.facilities.get(self.current).map(|f| f.0);
                let facility = facility.and_then(|id| ctx.store.facility(id).ok().flatten());
                preview(crate::report::Kind::Roster, ctx, |p| p.facility = facility).into()
            }
            Action::Unlock => match self.facilities.get(self.current) {
                Some(&(id, ref code, _)) => {
                    Outcome::Push(Box::new(super::unlock::unlock_list(id, code.clone(), ctx)))
                        .into()
                }
                None => Outcome::Ignored.into(),
            },
            Action::Search => self.filter_prompt().into(),
            _ => Outcome::Ignored.into(),
        }
    }
}
