//! Reports on screen: pick one, read it (80 columns of plain text, the same lines `warden print KIND` prints
//! under its page headers), with a bar chart above the table for the aggregate reports, and Ctrl-P for the
//! print preview.

use super::print_preview::PrintPreview;
use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::estate::Facility;
use crate::domain::text;
use crate::i18n::{t, t_args, t_static};
use crate::print::{Chart, Document, plain};
use crate::report::{self, Kind, Params, national};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use crate::tui::worker::{Job, Polled};
use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph};
use std::path::PathBuf;

pub struct ReportsScreen {
    selection: Selection,
    /// Headquarters' folder of site files (`--sites DIR`): the national roll-ups follow the site reports.
    sites: Option<PathBuf>,
    /// The facilities to choose from, read when first asked for; the choice is an index into them.
    facilities: Vec<Facility>,
    facility: Option<usize>,
    /// Weeks from the current one: -1 is last week.
    week: i64,
}

impl ReportsScreen {
    pub fn new() -> ReportsScreen {
        ReportsScreen {
            selection: Selection::default(),
            sites: None,
            facilities: Vec::new(),
            facility: None,
            week: 0,
        }
    }

    /// With the national roll-ups over the site files in `dir`.
    pub fn with_sites(mut self, dir: Option<PathBuf>) -> ReportsScreen {
        self.sites = dir;
        self
    }

    fn national_kinds(&self) -> &'static [national::Kind] {
        if self.sites.is_some() {
            &national::Kind::ALL
        } else {
            &[]
        }
    }

    fn rows(&self) -> usize {
        Kind::ALL.len() + self.national_kinds().len()
    }

    /// Starts reading the site files for a national roll-up; the view shows progress until it is made. The
    /// folder is listed here (quick) so headquarters' audit trail names the files before they are read.
    fn national(&self, kind: national::Kind, ctx: &mut Ctx) -> Outcome {
        let Some(dir) = self.sites.clone() else {
            return Outcome::Ignored;
        };
        let files = match site_files(&dir) {
            Ok(files) => files,
            Err(e) => {
                return Outcome::Push(Box::new(ReportView::national(kind, Reading::Done(Err(e)))));
            }
        };
        let grant = match ctx
            .store
            .grant_national(&ctx.actor(), kind.as_str(), &files)
        {
            Ok(grant) => grant,
            Err(e) => {
                ctx.error(t_args("national-refused", &[("why", e.to_string().into())]));
                return Outcome::Handled;
            }
        };
        let now = ctx.now;
        let work = {
            let (grant, files) = (grant.clone(), files.clone());
            move || make_national(&grant, &files, kind, now)
        };
        let reading = match Job::start("national-read", work) {
            Ok(job) => Reading::Job(job),
            // No thread to be had: read here, the screen waits as it did before workers.
            Err(_) => Reading::Done(make_national(&grant, &files, kind, now)),
        };
        Outcome::Push(Box::new(ReportView::national(kind, reading)))
    }

    /// Left/Right: the previous or next facility, through "All facilities".
    fn step_facility(&mut self, forward: bool, ctx: &mut Ctx) {
        if self.facilities.is_empty() {
            match ctx.store.facilities() {
                Ok(rows) => self.facilities = rows.into_iter().map(|r| r.facility).collect(),
                Err(e) => {
                    ctx.error(format!("Cannot read the facilities: {e}"));
                    return;
                }
            }
        }
        let n = self.facilities.len();
        self.facility = match (self.facility, forward) {
            _ if n == 0 => None,
            (None, true) => Some(0),
            (None, false) => Some(n - 1),
            (Some(i), true) if i + 1 < n => Some(i + 1),
            (Some(i), false) if i > 0 => Some(i - 1),
            _ => None,
        };
    }

    /// What the report covers as chosen: facility, week, VEP figures only where the role allows.
    fn params(&self, ctx: &Ctx) -> Params {
        let mut params = Params::new(ctx.now, ctx.session.name.clone());
        params.vep = ctx.session.may(Permission::ViewVepFigures);
        params.facility = self.facility.and_then(|i| self.facilities.get(i)).cloned();
        params.from += Duration::weeks(self.week);
        params.to += Duration::weeks(self.week);
        params
    }

    /// The report as chosen.
    fn build(&self, kind: Kind, ctx: &mut Ctx) -> Option<Document> {
        let params = self.params(ctx);
        match report::build(ctx.store, kind, &params) {
            Ok(doc) => Some(doc),
            Err(e) => {
                ctx.error(format!("Cannot make the report: {e}"));
                None
            }
        }
    }

    /// The choices in words; the week is relative, as the screen has no clock of its own.
    fn choices(&self) -> String {
        let facility = match self.facility.and_then(|i| self.facilities.get(i)) {
            Some(f) => format!("{} {}", f.code, f.name),
            None => "All facilities".into(),
        };
        let week = match self.week {
            0 => "this week".to_string(),
            -1 => "last week".to_string(),
            1 => "next week".to_string(),
            n if n < 0 => format!("{} weeks ago", -n),
            n => format!("in {n} weeks"),
        };
        format!(
            " Facility <{}>  Week <{week}>  (Left/Right, Tab)",
            text::fit(&text::display(&facility), 30)
        )
    }
}

impl Default for ReportsScreen {
    fn default() -> Self {
        ReportsScreen::new()
    }
}

impl Screen for ReportsScreen {
    fn title(&self) -> String {
        "Reports".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Up,
            Action::Select,
            Action::Print,
            Action::Right,
            Action::NextField,
            Action::Back,
        ]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Right => "facility",
            Action::NextField => "week",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args("reports-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Select | Action::Print if self.selection.index >= Kind::ALL.len() => match self
                .national_kinds()
                .get(self.selection.index - Kind::ALL.len())
            {
                Some(kind) => self.national(*kind, ctx),
                None => Outcome::Ignored,
            },
            Action::Select | Action::Print => {
                let Some(kind) = Kind::ALL.get(self.selection.index).copied() else {
                    return Outcome::Ignored;
                };
                let Some(doc) = self.build(kind, ctx) else {
                    return Outcome::Handled;
                };
                if action == Action::Print {
                    return Outcome::Push(Box::new(PrintPreview::new(kind.as_str(), doc, ctx)));
                }
                let mut params = self.params(ctx);
                if kind != Kind::Court {
                    params.day = ctx.now.date_naive();
                }
                Outcome::Push(Box::new(ReportView::site(kind, params, doc)))
            }
            Action::Left | Action::Right => {
                self.step_facility(action == Action::Right, ctx);
                Outcome::Handled
            }
            Action::NextField | Action::PrevField => {
                // Ten years either way is more than anyone reads; it also keeps the date arithmetic in range.
                let step = if action == Action::NextField { 1 } else { -1 };
                self.week = (self.week + step).clamp(-520, 520);
                Outcome::Handled
            }
            other if self.selection.handle(other, self.rows()) => Outcome::Handled,
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        frame.render_widget(
            Paragraph::new(Line::styled(self.choices(), theme.label())),
            Rect::new(area.x, area.y, area.width, 1),
        );
        let rows: Vec<String> = Kind::ALL
            .iter()
            .map(|k| k.title().to_string())
            .chain(self.national_kinds().iter().map(|k| k.title()))
            .collect();
        render_rows(
            frame,
            Rect::new(
                area.x,
                area.y + 1,
                area.width,
                area.height.saturating_sub(1),
            ),
            theme,
            None,
            &rows,
            Some(&self.selection),
            "",
        );
    }
}

/// What a report view shows: a site report of this station (the court list's day moves), or a national roll-up.
enum Shown {
    Site { kind: Kind, params: Box<Params> },
    National(national::Kind),
}

/// A national roll-up being read from the site files (seconds at the national size).
enum Reading {
    Job(Job<Result<Document, String>>),
    /// Read on the screen's thread when no worker could be started.
    Done(Result<Document, String>),
}

/// Reads every site file in `dir` and makes the roll-up of `kind`; the reason in words when it cannot.
/// The site files in headquarters' folder, or why they cannot be read.
fn site_files(dir: &std::path::Path) -> Result<Vec<PathBuf>, String> {
    let files = national::site_files(dir).map_err(|e| {
        t_args(
            "national-sites-unreadable",
            &[
                ("dir", dir.display().to_string().into()),
                ("why", e.to_string().into()),
            ],
        )
    })?;
    if files.is_empty() {
        return Err(t_args(
            "national-sites-none",
            &[("dir", dir.display().to_string().into())],
        ));
    }
    Ok(files)
}

fn make_national(
    grant: &crate::store::NationalGrant,
    files: &[PathBuf],
    kind: national::Kind,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Document, String> {
    let reads = national::read_site_files(grant, files, kind, now, &mut |_| {})?;
    Ok(national::build(
        &reads,
        kind,
        &national::NationalParams::new(now, grant.by()),
    ))
}

pub struct ReportView {
    shown: Shown,
    /// None while a national roll-up is still being read.
    doc: Option<Document>,
    lines: Vec<String>,
    scroll: usize,
    reading: Option<Job<Result<Document, String>>>,
    /// Seconds of reading last shown, so the progress line is redrawn once a second, not at every wake.
    seconds_shown: u64,
}

impl ReportView {
    fn site(kind: Kind, params: Params, doc: Document) -> ReportView {
        ReportView {
            shown: Shown::Site {
                kind,
                params: Box::new(params),
            },
            lines: plain::body(&doc),
            doc: Some(doc),
            scroll: 0,
            reading: None,
            seconds_shown: 0,
        }
    }

    fn national(kind: national::Kind, reading: Reading) -> ReportView {
        let mut view = ReportView {
            shown: Shown::National(kind),
            doc: None,
            lines: Vec::new(),
            scroll: 0,
            reading: None,
            seconds_shown: 0,
        };
        match reading {
            Reading::Job(job) => view.reading = Some(job),
            Reading::Done(made) => view.made(made),
        }
        view
    }

    /// The roll-up arrived: shown, or why not in its place.
    fn made(&mut self, made: Result<Document, String>) {
        match made {
            Ok(doc) => {
                self.lines = plain::body(&doc);
                self.doc = Some(doc);
            }
            Err(why) => {
                self.lines = text::wrap(&why, crate::print::WIDTH);
            }
        }
    }

    fn court(&self) -> bool {
        matches!(
            self.shown,
            Shown::Site {
                kind: Kind::Court,
                ..
            }
        )
    }

    /// The report's name for the print preview and the audit trail.
    fn print_name(&self) -> String {
        match &self.shown {
            Shown::Site { kind, .. } => kind.as_str().to_string(),
            Shown::National(kind) => format!("national-{}", kind.as_str()),
        }
    }
}

/// Rows of report text at 80x24 (the frame takes three).
const ROWS: usize = 21;
/// Rows the chart takes above the text, title included.
const CHART_ROWS: u16 = 8;

impl ReportView {
    fn text_rows(&self) -> usize {
        if self.doc.as_ref().is_some_and(|d| d.chart.is_some()) {
            ROWS - CHART_ROWS as usize
        } else {
            ROWS
        }
    }

    fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(self.text_rows())
    }
}

/// Bars drawn with `#` in ASCII mode; values and labels in plain text, so monochrome loses nothing.
fn chart<'a>(c: &'a Chart, width: u16, theme: &Theme) -> (BarChart<'a>, usize) {
    let label = c
        .bars
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(1);
    let bar_width = label.clamp(3, 7) as u16;
    let fits = (width / (bar_width + 1)).max(1) as usize;
    let bars: Vec<Bar> = c
        .bars
        .iter()
        .take(fits)
        .map(|(l, v)| {
            Bar::default()
                .value(*v)
                .label(Line::from(text::display(l).into_owned()))
                .text_value(v.to_string())
        })
        .collect();
    let shown = bars.len();
    let mut chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_width)
        .bar_gap(1)
        .value_style(Style::default().add_modifier(Modifier::REVERSED))
        .label_style(theme.base());
    if theme.ascii {
        chart = chart.bar_set(symbols::bar::Set {
            full: "#",
            seven_eighths: "#",
            three_quarters: "#",
            five_eighths: "#",
            half: "=",
            three_eighths: "=",
            one_quarter: "-",
            one_eighth: "-",
            empty: " ",
        });
    }
    if !theme.mono {
        chart = chart.bar_style(theme.label());
    }
    (chart, shown)
}

impl ReportView {
    /// The court list of the next or previous day; never a day before today (the list escorts take out).
    fn step_day(&mut self, forward: bool, ctx: &mut Ctx) -> Outcome {
        let Shown::Site { kind, params } = &self.shown else {
            return Outcome::Ignored;
        };
        let kind = *kind;
        let mut params = Params::clone(params);
        params.now = ctx.now;
        params.day += Duration::days(if forward { 1 } else { -1 });
        if let Err(e) = report::check_court_day(&params) {
            ctx.error(e);
            return Outcome::Handled;
        }
        match report::build(ctx.store, kind, &params) {
            Ok(doc) => {
                self.lines = plain::body(&doc);
                self.doc = Some(doc);
                self.shown = Shown::Site {
                    kind,
                    params: Box::new(params),
                };
                self.scroll = 0;
            }
            Err(e) => ctx.error(format!("Cannot make the report: {e}")),
        }
        Outcome::Handled
    }
}

impl Screen for ReportView {
    fn title(&self) -> String {
        match &self.shown {
            Shown::Site { kind, .. } => format!("Report: {}", kind.title()),
            Shown::National(kind) => kind.title(),
        }
    }

    fn footer(&self) -> Vec<Action> {
        // While a roll-up is read, or when it could not be made (its reason shown instead), only Esc does anything.
        if self.reading.is_some() || self.doc.is_none() {
            return vec![Action::Back];
        }
        if self.court() {
            return vec![
                Action::Down,
                Action::PageDown,
                Action::Right,
                Action::Print,
                Action::Back,
            ];
        }
        vec![Action::Down, Action::PageDown, Action::Print, Action::Back]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Right => "day",
            Action::Back if self.reading.is_some() => t_static("print-key-stop"),
            other => other.describe(),
        }
    }

    fn working(&self) -> bool {
        self.reading.is_some()
    }

    fn poll_work(&mut self, _ctx: &mut Ctx) -> bool {
        let Some(job) = self.reading.take() else {
            return false;
        };
        match job.poll() {
            Polled::Running => {
                let seconds = job.seconds();
                self.reading = Some(job);
                let moved = seconds != self.seconds_shown;
                self.seconds_shown = seconds;
                moved
            }
            Polled::Done(made) => {
                self.made(made);
                true
            }
            Polled::Lost => {
                self.made(Err(t("national-read-lost")));
                true
            }
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "report-view-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let before = self.scroll;
        let page = self.text_rows().saturating_sub(1).max(1);
        self.scroll = match action {
            // Leaving while a roll-up is read stops waiting for it (the reading thread's result is dropped).
            Action::Back => return Outcome::Pop,
            Action::Print => {
                let Some(doc) = &self.doc else {
                    return Outcome::Ignored;
                };
                return Outcome::Push(Box::new(PrintPreview::new(
                    &self.print_name(),
                    doc.clone(),
                    ctx,
                )));
            }
            Action::Left | Action::Right if self.court() => {
                return self.step_day(action == Action::Right, ctx);
            }
            Action::Down => self.scroll + 1,
            Action::PageDown => self.scroll + page,
            Action::Up => self.scroll.saturating_sub(1),
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::Home => 0,
            Action::End => self.max_scroll(),
            _ => return Outcome::Ignored,
        }
        .min(self.max_scroll());
        if self.scroll == before {
            Outcome::Ignored
        } else {
            Outcome::Handled
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        if self.reading.is_some() {
            let line = t_args(
                "national-reading",
                &[("seconds", self.seconds_shown.into())],
            );
            frame.render_widget(Paragraph::new(Line::from(line)), area);
            return;
        }
        let mut text = area;
        if let Some(c) = self.doc.as_ref().and_then(|d| d.chart.as_ref())
            && area.height > CHART_ROWS + 2
        {
            let (bars, shown) = chart(c, area.width, theme);
            let title = if shown < c.bars.len() {
                format!("{} (first {shown} of {})", c.title, c.bars.len())
            } else {
                c.title.clone()
            };
            frame.render_widget(
                Paragraph::new(Line::styled(title, theme.heading())),
                Rect::new(area.x, area.y, area.width, 1),
            );
            frame.render_widget(
                bars,
                Rect::new(area.x, area.y + 1, area.width, CHART_ROWS - 1),
            );
            text = Rect::new(
                area.x,
                area.y + CHART_ROWS,
                area.width,
                area.height - CHART_ROWS,
            );
        }
        let lines: Vec<Line> = self
            .lines
            .iter()
            .skip(self.scroll)
            .take(text.height as usize)
            .map(|l| Line::from(l.as_str()))
            .collect();
        frame.render_widget(Paragraph::new(lines), text);
    }
}
