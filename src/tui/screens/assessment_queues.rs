//! The assessment queues reached from the home screen: assessments awaiting approval (with the finalised record to
//! approve or send back), this person's drafts (to continue), their assessments sent back (to amend), and reviews
//! due or overdue, grouped by facility.

use super::assessment::AssessmentScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::forms::Form;
use crate::domain::forms::evaluate::{Outcome as Evaluation, evaluate};
use crate::domain::invalid::Invalid;
use crate::domain::text;
use crate::store::{AssessmentRow, Store, Subject};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// How far ahead a review counts as due.
pub const DUE_WITHIN_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Approvals,
    Drafts,
    /// This person's assessments an approver sent back, not yet amended.
    Returned,
    Reviews,
}

/// The counts the home menu shows beside each queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub approvals: usize,
    pub drafts: usize,
    pub returned: usize,
    pub due: usize,
    pub overdue: usize,
}

/// Whether this role may approve any loaded form: the form files decide, not the screen.
pub fn may_approve_any(ctx: &Ctx) -> bool {
    ctx.forms
        .forms
        .iter()
        .any(|(_, f)| f.may_approve(ctx.session.role))
}

/// The loaded forms with a review schedule that this role may fill in: the reviews that are this role's to do.
pub fn reviewable_forms(ctx: &Ctx) -> Vec<String> {
    ctx.forms
        .forms
        .iter()
        .filter(|(_, f)| f.review.is_some() && f.may_fill(ctx.session.role))
        .map(|(_, f)| f.id.clone())
        .collect()
}

/// Whether this role has reviews to do (the queue and the home panel are shown for it).
pub fn may_review_any(ctx: &Ctx) -> bool {
    !reviewable_forms(ctx).is_empty()
}

/// Whether this role may fill any loaded form, and so has drafts and reviews to do.
pub fn may_fill_any(ctx: &Ctx) -> bool {
    ctx.forms
        .forms
        .iter()
        .any(|(_, f)| f.may_fill(ctx.session.role))
}

fn approvals(ctx: &Ctx) -> crate::store::Result<Vec<AssessmentRow>> {
    let role = ctx.session.role;
    Ok(ctx
        .store
        .awaiting_approval()?
        .into_iter()
        .filter(|r| {
            ctx.forms
                .get(&r.form_id)
                .is_none_or(|f| f.may_approve(role))
        })
        .collect())
}

pub fn counts(ctx: &Ctx) -> crate::store::Result<Counts> {
    let mut c = Counts::default();
    if may_approve_any(ctx) {
        c.approvals = approvals(ctx)?.len();
    }
    if may_fill_any(ctx) {
        c.drafts = ctx.store.drafts_of(&ctx.session.name)?.len();
        c.returned = ctx.store.returned_to(&ctx.session.name)?.len();
    }
    if may_review_any(ctx) {
        for f in review_counts(ctx)? {
            c.due += f.due as usize;
            c.overdue += f.overdue as usize;
        }
    }
    Ok(c)
}

/// Reviews of this role's forms due within `DUE_WITHIN_DAYS` per facility, the most overdue first (for the
/// home screen).
pub fn review_counts(ctx: &Ctx) -> crate::store::Result<Vec<crate::store::ReviewCount>> {
    let today = ctx.now.date_naive();
    ctx.store.review_counts(
        today,
        today + Duration::days(DUE_WITHIN_DAYS),
        &reviewable_forms(ctx)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
}

/// "LUZ/2026/00001 Okello John Bosco" for a prisoner, the facility's name for a facility.
fn who(store: &Store, subject: Subject) -> (String, String) {
    match subject {
        Subject::Prisoner(id) => match store.prisoner(id) {
            Ok(Some(p)) => (
                format!("{} {}", p.prisoner.number, p.prisoner.full_name()),
                p.facility.unwrap_or_default(),
            ),
            _ => (format!("prisoner {id}"), String::new()),
        },
        Subject::Facility(id) => match store.facility(id) {
            Ok(Some(f)) => (f.name.clone(), f.code),
            _ => (format!("facility {id}"), String::new()),
        },
    }
}

pub struct QueueScreen {
    queue: Queue,
    rows: Vec<AssessmentRow>,
    /// Subject and facility of each row.
    whos: Vec<(String, String)>,
    labels: Vec<String>,
    selection: Selection,
    today: NaiveDate,
}

impl QueueScreen {
    pub fn new(queue: Queue, ctx: &mut Ctx) -> QueueScreen {
        let mut s = QueueScreen {
            queue,
            rows: Vec::new(),
            whos: Vec::new(),
            labels: Vec::new(),
            selection: Selection::default(),
            today: ctx.now.date_naive(),
        };
        s.resume(ctx);
        s
    }

    fn load(&mut self, ctx: &mut Ctx) -> crate::store::Result<()> {
        self.today = ctx.now.date_naive();
        let mut rows = match self.queue {
            Queue::Approvals => approvals(ctx)?,
            Queue::Drafts => ctx.store.drafts_of(&ctx.session.name)?,
            Queue::Returned => ctx.store.returned_to(&ctx.session.name)?,
            Queue::Reviews => {
                let mine = reviewable_forms(ctx);
                let mut due = ctx
                    .store
                    .reviews_due(self.today + Duration::days(DUE_WITHIN_DAYS))?;
                due.retain(|r| mine.contains(&r.form_id));
                due
            }
        };
        let mut whos: Vec<(String, String)> =
            rows.iter().map(|r| who(ctx.store, r.subject)).collect();
        if self.queue == Queue::Reviews {
            // By facility, then earliest review first (the store's order, kept by a stable sort).
            let mut both: Vec<_> = rows.into_iter().zip(whos).collect();
            both.sort_by(|a, b| a.1.1.cmp(&b.1.1));
            (rows, whos) = both.into_iter().unzip();
        }
        let title = |id: &str| {
            ctx.forms
                .get(id)
                .map_or(id.to_string(), |f| f.title.text.clone())
        };
        self.labels = rows
            .iter()
            .zip(&whos)
            .map(|(r, (name, facility))| {
                let line = match self.queue {
                    Queue::Approvals => format!(
                        "{} | {} -> {} | by {}{}",
                        name,
                        r.scored_result.as_deref().unwrap_or("-"),
                        r.result.as_deref().unwrap_or("-"),
                        r.author,
                        if r.author.eq_ignore_ascii_case(&ctx.session.name) {
                            " (yours)"
                        } else {
                            ""
                        }
                    ),
                    Queue::Drafts => format!(
                        "{}  {} | {}",
                        r.updated_at.format("%Y-%m-%d %H:%M"),
                        name,
                        title(&r.form_id)
                    ),
                    Queue::Returned => format!("{} | {}", name, title(&r.form_id)),
                    Queue::Reviews => {
                        let due = r.due_on().map_or(String::new(), |d| d.to_string());
                        let late = if r.due_on().is_some_and(|d| d < self.today) {
                            " OVERDUE"
                        } else {
                            ""
                        };
                        // A review brought forward by an event says which.
                        let late = match &r.triggered {
                            Some((event, day)) if r.next_review.is_none_or(|n| *day < n) => {
                                format!("{late} ({event})")
                            }
                            _ => late.to_string(),
                        };
                        // The title goes last: on a narrow screen it is what gets cut.
                        let facility = text::fit(facility, 12);
                        format!(
                            "{facility:<12} {due}{late} | {name} | {}",
                            title(&r.form_id)
                        )
                    }
                };
                text::display(&line).into_owned()
            })
            .collect();
        self.rows = rows;
        self.whos = whos;
        self.selection.index = self.selection.index.min(self.rows.len().saturating_sub(1));
        Ok(())
    }
}

impl Screen for QueueScreen {
    fn title(&self) -> String {
        match self.queue {
            Queue::Approvals => "Assessments awaiting approval".into(),
            Queue::Drafts => "My drafts".into(),
            Queue::Returned => "Sent back to me".into(),
            Queue::Reviews => format!("Reviews due within {DUE_WITHIN_DAYS} days or overdue"),
        }
    }

    fn footer(&self) -> Vec<Action> {
        match self.queue {
            Queue::Drafts => vec![Action::Down, Action::Select, Action::Withdraw, Action::Back],
            _ => vec![Action::Down, Action::Select, Action::Back],
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match (action, self.queue) {
            (Action::Withdraw, _) => "discard",
            (Action::Select, Queue::Returned) => "amend",
            (other, _) => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "assessment-queues-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Withdraw if self.queue == Queue::Drafts => {
                let k = self.selection.index;
                let (Some(row), Some((name, _))) = (self.rows.get(k), self.whos.get(k)) else {
                    return Outcome::Ignored;
                };
                let id = row.id;
                let what = format!("{} about {name}", row.form_id);
                Outcome::Push(Box::new(super::prompt::PromptScreen::new(
                    "Discard this draft?",
                    vec![format!(
                        "Your draft {what} and every answer in it will be thrown away. The audit trail keeps \
                         a copy of the answers."
                    )],
                    Vec::new(),
                    "discard",
                    Box::new(move |_, ctx| {
                        let actor = ctx.actor();
                        ctx.store
                            .discard_assessment(&actor, id)
                            .map(|_| format!("Draft {what} discarded."))
                            .map_err(Invalid::from)
                    }),
                )))
            }
            Action::Select => {
                let k = self.selection.index;
                let (Some(row), Some((name, _))) = (self.rows.get(k), self.whos.get(k)) else {
                    return Outcome::Ignored;
                };
                match self.queue {
                    Queue::Approvals => match ApprovalScreen::new(row, name.clone(), ctx) {
                        Some(s) => Outcome::Push(Box::new(s)),
                        None => Outcome::Handled,
                    },
                    Queue::Drafts => match AssessmentScreen::resume(row, name.clone(), ctx) {
                        Some(s) => Outcome::Push(Box::new(s)),
                        None => Outcome::Handled,
                    },
                    Queue::Returned => match ctx.forms.get(&row.form_id) {
                        Some(form) => {
                            Outcome::Push(Box::new(super::assessment_pick::amend_prompt(
                                row,
                                form.clone(),
                                row.returned
                                    .as_ref()
                                    .map_or(String::new(), |b| format!("Sent back by {}", b.by)),
                                name.clone(),
                            )))
                        }
                        None => {
                            ctx.error(format!(
                                "The form {} is not loaded: it cannot be amended here.",
                                row.form_id
                            ));
                            Outcome::Handled
                        }
                    },
                    Queue::Reviews => match row
                        .prisoner_id()
                        .and_then(|id| super::record::RecordScreen::open(id, ctx))
                    {
                        Some(s) => Outcome::Push(Box::new(s)),
                        None => Outcome::Handled,
                    },
                }
            }
            a if self.selection.handle(a, self.rows.len()) => Outcome::Handled,
            _ => Outcome::Ignored,
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        if let Err(e) = self.load(ctx) {
            ctx.error(format!("Cannot read the queue: {e}"));
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let (header, empty) = match self.queue {
            Queue::Approvals => (
                "Person | scored -> result | author",
                "Nothing is awaiting approval.",
            ),
            Queue::Drafts => ("Last saved (UTC) | subject | form", "You have no drafts."),
            Queue::Returned => ("Subject | form", "Nothing of yours was sent back."),
            Queue::Reviews => (
                "Facility, review date | person | form",
                "No review is due within 30 days.",
            ),
        };
        // Sent back: the selected one's reason, in full, under the list.
        let returned = match self.queue {
            Queue::Returned => self
                .rows
                .get(self.selection.index)
                .and_then(|r| r.returned.as_ref()),
            _ => None,
        };
        let mut list = area;
        if let Some(back) = returned {
            let width = area.width.saturating_sub(1) as usize;
            let why = text::wrap(
                &text::display(&format!(
                    "Sent back by {} on {}: {}",
                    back.by,
                    back.at.format("%Y-%m-%d"),
                    back.reason
                )),
                width,
            );
            let height = (why.len() as u16 + 1).min(area.height / 2);
            list.height = area.height.saturating_sub(height);
            let lines: Vec<Line> = why.into_iter().map(Line::from).collect();
            frame.render_widget(
                Paragraph::new(lines),
                Rect::new(
                    area.x + 1,
                    list.bottom() + 1,
                    area.width.saturating_sub(1),
                    height - 1,
                ),
            );
        }
        render_rows(
            frame,
            list,
            theme,
            Some(header),
            &self.labels,
            Some(&self.selection),
            empty,
        );
    }
}

/// A finalised assessment awaiting approval, read-only, with F2 to approve it.
pub struct ApprovalScreen {
    row: AssessmentRow,
    form: Form,
    /// The recorded answers evaluated again with the recorded form version on the assessment day, for the
    /// answers behind each score (the same form, answers and day give the same scores).
    outcome: Evaluation,
    who: String,
    scroll: usize,
}

impl ApprovalScreen {
    pub fn new(row: &AssessmentRow, who: String, ctx: &mut Ctx) -> Option<ApprovalScreen> {
        match ctx.store.recorded_form(&row.form_id, row.form_version) {
            Ok(form) => {
                let day = row.assessed_on.unwrap_or(ctx.now.date_naive());
                let outcome = evaluate(&form, &row.answers(&form), day);
                Some(ApprovalScreen {
                    row: row.clone(),
                    form,
                    outcome,
                    who,
                    scroll: 0,
                })
            }
            Err(e) => {
                ctx.error(format!("Cannot open the assessment: {e}"));
                None
            }
        }
    }

    fn label(&self, value: Option<&str>) -> String {
        super::assessment_view::result_label(&self.form, value)
    }
}

impl Screen for ApprovalScreen {
    fn title(&self) -> String {
        format!("Approve: {}", self.who)
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Save,
            Action::Withdraw,
            Action::PageDown,
            Action::Back,
        ]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Save => "approve",
            Action::Withdraw => "send back",
            Action::PageDown => "scroll",
            a => a.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "assessment-approval-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Save => match ctx.store.approve_assessment(&ctx.actor(), self.row.id) {
                Ok(row) => {
                    ctx.info(format!(
                        "Approved: {} for {}.",
                        self.label(row.result.as_deref()),
                        self.who
                    ));
                    Outcome::Pop
                }
                Err(e) => {
                    ctx.error(format!("Not approved: {e}"));
                    Outcome::Handled
                }
            },
            Action::Withdraw => {
                let id = self.row.id;
                let who = self.who.clone();
                Outcome::Replace(Box::new(super::prompt::PromptScreen::new(
                    format!("Send back: {who}"),
                    vec![
                        format!(
                            "{} by {} goes back to its author instead of being approved. It stays on the \
                             record but no longer counts; the author amends it.",
                            self.form.title.text, self.row.author
                        ),
                        "Say what is to be corrected (10 characters or more).".into(),
                    ],
                    vec![crate::tui::widgets::form::FormField::text(
                        "reason", "Reason", "",
                    )],
                    "send back",
                    Box::new(move |values, ctx| {
                        let actor = ctx.actor();
                        let reason = values.get("reason").cloned().unwrap_or_default();
                        ctx.store
                            .return_assessment(&actor, id, &reason)
                            .map(|r| format!("Sent back to {}: {who}.", r.author))
                            .map_err(Invalid::from)
                    }),
                )))
            }
            Action::PageDown | Action::Down => {
                self.scroll += if action == Action::Down { 1 } else { 10 };
                Outcome::Handled
            }
            Action::PageUp | Action::Up => {
                self.scroll = self
                    .scroll
                    .saturating_sub(if action == Action::Up { 1 } else { 10 });
                Outcome::Handled
            }
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let body = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(1),
            area.height,
        );
        let lines = super::assessment_view::record_lines(
            &self.form,
            &self.row,
            &self.outcome,
            theme,
            body.width as usize,
        );
        let max = lines.len().saturating_sub(body.height as usize);
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll.min(max) as u16, 0)),
            body,
        );
    }
}
