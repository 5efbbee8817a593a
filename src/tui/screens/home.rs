//! The home screen: a menu of what this person's role may do, and the headline counts of the service.

use super::assessment_queues::{self, Counts, DUE_WITHIN_DAYS, Queue, QueueScreen};
use super::{Ctx, Outcome, Screen, thousands};
use crate::domain::auth::Permission;
use crate::domain::segregation::Urgency;
use crate::i18n::{t, t_args};
use crate::store::{CustodyAlert, Headline, PastRelease, ReviewCount, SegregationRow};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Search,
    Admit,
    Estate,
    Board,
    Unplaced,
    Programmes,
    Releases,
    Approvals,
    Drafts,
    Returned,
    Reviews,
    Users,
    Audit,
    Reports,
    Help,
    Logout,
    Quit,
}

/// The menu as data: label, who may see it, where it goes.
const MENU: &[(&str, Option<Permission>, Target)] = &[
    (
        "Find a prisoner",
        Some(Permission::ViewRegister),
        Target::Search,
    ),
    ("Admit a prisoner", Some(Permission::Admit), Target::Admit),
    ("Estate: facilities, units, cells", None, Target::Estate),
    ("Occupancy board", None, Target::Board),
    (
        "Waiting for a cell",
        Some(Permission::MoveCell),
        Target::Unplaced,
    ),
    ("Programmes and rosters", None, Target::Programmes),
    (
        "Releases and their plans",
        Some(Permission::PlanRelease),
        Target::Releases,
    ),
    // The four queues are shown by what the loaded form files let the role do (see `queue_shown`).
    ("Approvals", None, Target::Approvals),
    ("My drafts", None, Target::Drafts),
    ("Sent back to me", None, Target::Returned),
    ("Reviews due", None, Target::Reviews),
    (
        "Staff accounts",
        Some(Permission::ManageUsers),
        Target::Users,
    ),
    // The label comes from the message catalogue (see `label_of`).
    ("", Some(Permission::ViewAudit), Target::Audit),
    ("Reports", Some(Permission::ViewRegister), Target::Reports),
    ("Help", None, Target::Help),
    ("Log out", None, Target::Logout),
    ("Quit warden", None, Target::Quit),
];

/// A menu entry's words: entries added since the message catalogue arrived name a key; older ones are still
/// English in `MENU` until the languages work moves them.
fn label_of(label: &'static str, target: Target) -> &'static str {
    match target {
        Target::Audit => crate::i18n::t_static("audit-title"),
        _ => label,
    }
}

pub struct HomeScreen {
    entries: Vec<(&'static str, Target)>,
    selection: Selection,
    headline: Option<Headline>,
    queues: Counts,
    /// Reviews due per facility, for roles that fill in forms (None: not shown).
    reviews: Option<Vec<ReviewCount>>,
    /// For supervisors: everyone in segregation, longest first, with the time the days are counted to.
    segregation: Option<(Vec<SegregationRow>, NaiveDateTime)>,
    /// For supervisors: everyone in custody past their expected release date, longest past first (issue 17).
    past_release: Option<Vec<PastRelease>>,
    /// For supervisors: children below the minimum age, children where no young unit is, people held without a
    /// lawful place, and those who turned 18 in a young unit (issue 17).
    custody_alerts: Option<Vec<CustodyAlert>>,
    /// Headquarters' folder of site files (`--sites DIR`), for the national roll-ups under Reports.
    sites: Option<std::path::PathBuf>,
}

impl HomeScreen {
    pub fn set_sites(&mut self, dir: Option<std::path::PathBuf>) {
        self.sites = dir;
    }

    pub fn new(ctx: &mut Ctx) -> HomeScreen {
        let entries = MENU
            .iter()
            .filter(|(_, p, _)| p.is_none_or(|p| ctx.session.may(p)))
            .filter(|(_, _, t)| queue_shown(*t, ctx))
            .map(|(l, _, t)| (label_of(l, *t), *t))
            .collect();
        let mut home = HomeScreen {
            entries,
            selection: Selection::default(),
            headline: None,
            queues: Counts::default(),
            reviews: None,
            segregation: None,
            past_release: None,
            custody_alerts: None,
            sites: None,
        };
        home.resume(ctx);
        home
    }
}

impl Screen for HomeScreen {
    fn title(&self) -> String {
        "Home".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Search]
    }

    fn help(&self) -> String {
        crate::i18n::t_args("home-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Search => Outcome::Push(Box::new(super::search::SearchScreen::new())),
            // Esc is "back" everywhere else; here there is nowhere further back to go.
            Action::Back => {
                ctx.info(crate::i18n::t("home-back"));
                Outcome::Handled
            }
            Action::Select => {
                let Some((_, target)) = self.entries.get(self.selection.index) else {
                    return Outcome::Ignored;
                };
                match target {
                    Target::Search => Outcome::Push(Box::new(super::search::SearchScreen::new())),
                    Target::Admit => match super::prisoner_form::PrisonerForm::admit(ctx) {
                        Some(form) => Outcome::Push(Box::new(form)),
                        None => Outcome::Handled,
                    },
                    Target::Estate => Outcome::Push(Box::new(super::estate::facilities(ctx))),
                    Target::Board => Outcome::Push(Box::new(super::occupancy::board(ctx))),
                    Target::Unplaced => Outcome::Push(Box::new(super::unplaced::waiting(ctx))),
                    Target::Programmes => {
                        Outcome::Push(Box::new(super::programmes::ProgrammesScreen::new(ctx)))
                    }
                    Target::Releases => {
                        Outcome::Push(Box::new(super::release_plan::ReleasesDueScreen::new(ctx)))
                    }
                    Target::Approvals => {
                        Outcome::Push(Box::new(QueueScreen::new(Queue::Approvals, ctx)))
                    }
                    Target::Drafts => Outcome::Push(Box::new(QueueScreen::new(Queue::Drafts, ctx))),
                    Target::Returned => {
                        Outcome::Push(Box::new(QueueScreen::new(Queue::Returned, ctx)))
                    }
                    Target::Reviews => {
                        Outcome::Push(Box::new(QueueScreen::new(Queue::Reviews, ctx)))
                    }
                    Target::Users => match super::users::accounts(ctx) {
                        Some(s) => Outcome::Push(Box::new(s)),
                        None => Outcome::Handled,
                    },
                    Target::Audit => match super::audit::AuditScreen::new(ctx) {
                        Some(s) => Outcome::Push(Box::new(s)),
                        None => Outcome::Handled,
                    },
                    Target::Reports => Outcome::Push(Box::new(
                        super::reports::ReportsScreen::new().with_sites(
                            self.sites
                                .clone()
                                .filter(|_| ctx.session.may(Permission::ViewNational)),
                        ),
                    )),
                    Target::Help => Outcome::Push(Box::new(super::help::HelpScreen::for_screen(
                        Some(self),
                        ctx.session.role,
                    ))),
                    Target::Logout => Outcome::Logout,
                    Target::Quit => Outcome::Quit,
                }
            }
            other => {
                if self.selection.handle(other, self.entries.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.headline() {
            Ok(h) => self.headline = Some(h),
            Err(e) => ctx.error(format!("Cannot read the counts: {e}")),
        }
        match assessment_queues::counts(ctx) {
            Ok(c) => self.queues = c,
            Err(e) => ctx.error(format!("Cannot read the assessment queues: {e}")),
        }
        if assessment_queues::may_review_any(ctx) {
            match assessment_queues::review_counts(ctx) {
                Ok(rows) => self.reviews = Some(rows),
                Err(e) => ctx.error(format!("Cannot read the reviews due: {e}")),
            }
        }
        // Detention past release is unlawful: the supervisors who answer for the custody register see it first.
        if ctx.session.role == crate::domain::auth::Role::Supervisor {
            match ctx.store.past_release(None, ctx.now.date_naive()) {
                Ok(rows) => self.past_release = Some(rows),
                Err(e) => ctx.error(format!("Cannot read who is past release: {e}")),
            }
            match ctx.store.custody_alerts(None, ctx.now.date_naive()) {
                Ok(rows) => self.custody_alerts = Some(rows),
                Err(e) => ctx.error(t_args(
                    "home-alerts-unreadable",
                    &[("error", e.to_string().into())],
                )),
            }
        }
        if ctx.session.may(Permission::Segregate) {
            match ctx.store.open_segregations() {
                Ok(rows) => self.segregation = Some((rows, ctx.now.naive_utc())),
                Err(e) => ctx.error(format!("Cannot read the segregation placements: {e}")),
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        // Boxes as tall as what they hold: every empty bordered row costs bytes on a slow line.
        let menu_height = (self.entries.len() as u16 + 2).min(area.height.saturating_sub(2));
        let menu_area = Rect::new(area.x + 1, area.y + 1, 38, menu_height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(" Menu ");
        let inner = block.inner(menu_area);
        frame.render_widget(block, menu_area);
        let q = self.queues;
        let rows: Vec<String> = self
            .entries
            .iter()
            .map(|(l, t)| match t {
                Target::Approvals => format!("{l} ({})", q.approvals),
                Target::Drafts => format!("{l} ({})", q.drafts),
                Target::Returned => format!("{l} ({})", q.returned),
                Target::Reviews => format!("{l} ({}, {} overdue)", q.due, q.overdue),
                _ => l.to_string(),
            })
            .collect();
        render_rows(frame, inner, theme, None, &rows, Some(&self.selection), "");

        let stats_area = Rect::new(area.x + 40, area.y + 1, area.width.saturating_sub(41), 10);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(" The service now ");
        let inner = block.inner(stats_area);
        frame.render_widget(block, stats_area);
        let Some(h) = self.headline else {
            return;
        };
        let pct = |p: Option<u64>| p.map(|p| format!("{p}%")).unwrap_or_else(|| "-".into());
        let row = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label:<22}"), theme.label()),
                Span::raw(format!("{value:>14}")),
            ])
        };
        let mut lines = vec![
            row("In custody", thousands(h.population)),
            row(
                "On remand",
                format!("{} {:>5}", thousands(h.remand), pct(h.remand_percent())),
            ),
            row("Women", thousands(h.female)),
            row("Facilities", thousands(h.facilities)),
            row("Certified capacity", thousands(h.certified)),
            row("Occupancy", pct(h.capacity_percent())),
        ];
        if h.capacity_percent().is_some_and(|p| p > 100) {
            lines.push(Line::from(Span::styled(
                "Overcrowded: above certified capacity",
                theme.warning(),
            )));
        }
        // Supervisors' alerts about where people are held fill the box's last rows, naming the first people:
        // they are few and urgent, and the panels below keep their room.
        if let Some(rows) = &self.custody_alerts
            && !rows.is_empty()
        {
            let room = (inner.height as usize).saturating_sub(lines.len()) as u16;
            lines.extend(custody_alert_lines(inner.width, theme, rows, room));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        // Below the counts: reviews due per facility and, for supervisors, segregation; halves when both show.
        // Straight under the counts' box, down to the last row: the panels need every row they can get.
        let mut top = area.y + 11;
        if let Some(rows) = &self.past_release {
            // First, and up to half the room: unlawful detention outranks the other alerts, which keep the rest.
            // At least one name shows beside "and N more" (a panel that only counted would name nobody).
            let room = area.bottom().saturating_sub(top);
            let height = (rows.len().max(1) as u16 + 2).min((room / 2).max(4));
            let panel = Rect::new(area.x + 40, top, area.width.saturating_sub(41), height);
            render_past_release(frame, panel, theme, rows);
            top += height;
        }

        let room = area.bottom().saturating_sub(top);
        let mut seg_top = top;
        if let Some(reviews) = &self.reviews {
            // No taller than the facilities need; sharing with segregation, no more than half.
            let limit = if self.segregation.is_some() {
                room / 2
            } else {
                room
            };
            let height = (reviews.len().max(1) as u16 + 2).min(limit);
            let panel = Rect::new(area.x + 40, top, area.width.saturating_sub(41), height);
            render_reviews(frame, panel, theme, reviews);
            seg_top = top + height;
        }
        if let Some((rows, now)) = &self.segregation {
            let panel = Rect::new(
                area.x + 40,
                seg_top,
                area.width.saturating_sub(41),
                (rows.len().max(1) as u16 + 2).min(area.bottom().saturating_sub(seg_top)),
            );
            render_segregation(frame, panel, theme, rows, *now);
        }
    }
}

/// Reviews due within 30 days per facility, the most overdue first.
fn render_reviews(frame: &mut Frame, panel: Rect, theme: &Theme, rows: &[ReviewCount]) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .title(format!(" Reviews due, {DUE_WITHIN_DAYS} days "));
    let inner = block.inner(panel);
    frame.render_widget(block, panel);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No review is due.", theme.dim())),
            inner,
        );
        return;
    }
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let code = crate::domain::text::fit(&crate::domain::text::display(&r.facility), 10);
            Line::from(vec![
                Span::raw(format!("{code:<10} {:>5} due ", r.due)),
                Span::styled(
                    format!("{:>5} overdue", r.overdue),
                    if r.overdue > 0 {
                        theme.warning()
                    } else {
                        theme.base()
                    },
                ),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(fit_with_more(lines, inner.height, "facilities", theme)),
        inner,
    );
}

/// The first lines that fit in `height` rows; when some do not, the last row says how many more `things` there
/// are.
fn fit_with_more(
    mut lines: Vec<Line<'static>>,
    height: u16,
    things: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let room = height as usize;
    if lines.len() > room {
        let shown = room.saturating_sub(1);
        let more = lines.len() - shown;
        lines.truncate(shown);
        let and_more = if things.is_empty() {
            format!("and {more} more")
        } else {
            format!("and {more} more {things}")
        };
        lines.push(Line::from(Span::styled(and_more, theme.dim())));
    }
    lines
}

/// Supervisors' alert list: people in custody past their expected release date, the longest past first.
fn render_past_release(frame: &mut Frame, panel: Rect, theme: &Theme, rows: &[PastRelease]) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .title(format!(" {} ", t("home-past-release-title")));
    let inner = block.inner(panel);
    frame.render_widget(block, panel);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(t("home-past-release-none"), theme.dim())),
            inner,
        );
        return;
    }
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let days = t_args("home-past-release-days", &[("days", r.days_past.into())]);
            let days_width = crate::domain::text::width(&days);
            let room = (inner.width as usize).saturating_sub(days_width + 1);
            let who = crate::domain::text::fit(
                &format!(
                    "{} {}",
                    crate::domain::text::display(&r.number),
                    crate::domain::text::display(&r.name)
                ),
                room,
            );
            let pad = room.saturating_sub(crate::domain::text::width(&who));
            Line::from(vec![
                Span::raw(format!("{who}{} ", " ".repeat(pad))),
                Span::styled(days, theme.error()),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(fit_with_more(lines, inner.height, "", theme)),
        inner,
    );
}

/// Supervisors' alerts about where people are held, in `room` rows of `width`: each person and what is wrong in
/// a few words with the days it has lasted (words, not a colour, carry the meaning); the last row says how many
/// more when they do not fit.
fn custody_alert_lines(
    width: u16,
    theme: &Theme,
    rows: &[CustodyAlert],
    room: u16,
) -> Vec<Line<'static>> {
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let what = t_args(
                r.kind.key(),
                &[("days", r.days.into()), ("age", r.age.into())],
            );
            let what_width = crate::domain::text::width(&what);
            let room = (width as usize).saturating_sub(what_width + 1);
            // An ASCII-only terminal cannot show every script a name is written in: the number alone there.
            let who = if theme.ascii {
                crate::domain::text::display(&r.number).into_owned()
            } else {
                format!(
                    "{} {}",
                    crate::domain::text::display(&r.number),
                    crate::domain::text::display(&r.name)
                )
            };
            let who = crate::domain::text::fit(&who, room);
            let pad = room.saturating_sub(crate::domain::text::width(&who));
            Line::from(vec![
                Span::raw(format!("{who}{} ", " ".repeat(pad))),
                Span::styled(what, theme.error()),
            ])
        })
        .collect();
    let more = t("home-alerts-more");
    fit_with_more(lines, room, &more, theme)
}

/// Supervisors' alert list: people in segregation, days so far, warning at day 10, alert at day 15.
/// The fewest letters of a name worth showing after a number in a narrow panel.
const MIN_NAME_SHOWN: usize = 5;

fn render_segregation(
    frame: &mut Frame,
    seg_area: Rect,
    theme: &Theme,
    rows: &[SegregationRow],
    now: NaiveDateTime,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .title(" Segregation (Rules 43-45) ");
    let inner = block.inner(seg_area);
    frame.render_widget(block, seg_area);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("Nobody is in segregation.", theme.dim())),
            inner,
        );
        return;
    }
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let s = &r.segregation;
            let (mark, style) = match s.urgency(now) {
                Urgency::Alert => ("ALERT", theme.error()),
                Urgency::Warning => ("warn", theme.warning()),
                Urgency::Ok => ("", theme.base()),
            };
            // The number, and the name when a useful part of it fits: a lone "~" after the number said nothing.
            let room = inner.width.saturating_sub(15) as usize;
            let number = crate::domain::text::display(&r.number);
            let with_name = format!("{number} {}", crate::domain::text::display(&r.name));
            let who = if crate::domain::text::width(&number) + 1 + MIN_NAME_SHOWN <= room {
                crate::domain::text::fit(&with_name, room)
            } else {
                crate::domain::text::fit(&number, room)
            };
            let pad = (inner.width as usize).saturating_sub(15 + crate::domain::text::width(&who));
            Line::from(vec![
                Span::raw(format!("{who}{} ", " ".repeat(pad))),
                Span::raw(format!("day {:>3} ", s.days(now))),
                Span::styled(format!("{mark:<5}"), style),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(fit_with_more(lines, inner.height, "", theme)),
        inner,
    );
}

/// Approvals for roles some form lets approve; drafts for roles some form lets fill in; reviews for roles that
/// fill in a form with a review schedule.
fn queue_shown(target: Target, ctx: &Ctx) -> bool {
    match target {
        Target::Approvals => assessment_queues::may_approve_any(ctx),
        Target::Drafts | Target::Returned => assessment_queues::may_fill_any(ctx),
        Target::Reviews => assessment_queues::may_review_any(ctx),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::segregation::Segregation;
    use crate::tui::DisplayOptions;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn row(number: &str, name: &str, start: NaiveDateTime) -> SegregationRow {
        SegregationRow {
            segregation: Segregation {
                id: 1,
                prisoner_id: 1,
                start,
                end: None,
                reason: "fights".into(),
                recorded_by: "supervisor".into(),
            },
            number: number.into(),
            name: name.into(),
            facility: None,
        }
    }

    #[test]
    fn the_segregation_panel_shows_a_name_only_when_a_useful_part_fits() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let start = now - chrono::Duration::days(17);
        let rows = [
            row("UPS/MUB01/2025/00010", "Okot, Peter", start),
            row("LUZ/2026/00001", "Okello, John Bosco", start),
        ];
        let theme = Theme::new(DisplayOptions::new(true, true));
        let mut t = Terminal::new(TestBackend::new(39, 4)).unwrap();
        t.draw(|f| render_segregation(f, f.area(), &theme, &rows, now))
            .unwrap();
        let text: Vec<String> = (1..3)
            .map(|y| {
                (0..39)
                    .map(|x| t.backend().buffer()[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        assert_eq!(
            text[0].trim_end(),
            "|UPS/MUB01/2025/00010   day  17 ALERT |"
        );
        assert_eq!(
            text[1].trim_end(),
            "|LUZ/2026/00001 Okello~ day  17 ALERT |"
        );
    }
}
