//! What an assessment shows once its answers are in, drawn from the form it was made with: the totals of the
//! scales that applied (each with its band and the answers it adds), then every other answer by section (a
//! woman's gender-sensitive assessment and its reasons, which no scale scores), and the decision. Used by the
//! review page, the approval page and the read-only view of a finalised assessment, where amending is a separate
//! key offered only to the roles that may fill the form in.

use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Role;
use crate::domain::forms::evaluate::{Outcome as Evaluation, evaluate, score};
use crate::domain::forms::model::QuestionKind;
use crate::domain::forms::{Form, Question, Value};
use crate::domain::text;
use crate::i18n::{t, t_args};
use crate::store::{ApprovalState, AssessmentRow};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Columns for a label in the score and answer lines.
const LABEL_COLS: usize = 38;
/// Where an answer starts in those lines: after the label and the points column.
const ANSWER_COL: usize = 2 + LABEL_COLS + 1 + 4 + 2;
/// Columns for a row label of the decision ("Scored result", "Override" ...).
const ROW_COLS: usize = 16;

/// An answer as a person reads it: a choice by its label, several by theirs, yes/no by the form's words.
pub(super) fn answer_text(q: &Question, v: &Value) -> String {
    let label_of = |v: &String| q.choice(v).map_or(v.clone(), |c| c.label.text.clone());
    match (q.kind, v) {
        (_, Value::Null) => String::new(),
        (QuestionKind::YesNo, Value::Bool(b)) => q
            .choices
            .get(usize::from(!b))
            .map_or(v.to_text(), |c| c.label.text.clone()),
        (QuestionKind::SelectOne, Value::Text(s)) => label_of(s),
        (_, Value::List(l)) => l.iter().map(label_of).collect::<Vec<_>>().join(", "),
        (_, v) => v.to_text(),
    }
}

/// The questions shown under a total that applied (those that scored), which the answer lines leave out.
fn scored_questions(f: &Form, o: &Evaluation) -> BTreeSet<usize> {
    f.sums
        .iter()
        .enumerate()
        .filter(|(j, _)| o.sum_applies.get(*j).copied().unwrap_or(true))
        .flat_map(|(_, s)| s.questions.iter().copied())
        .filter(|&q| score(&f.questions[q], &o.values[q]).is_some())
        .collect()
}

fn padded(label: &str, cols: usize) -> String {
    let label = text::fit(&text::display(label), cols);
    let pad = " ".repeat(cols.saturating_sub(text::width(&label)));
    format!("{label}{pad}")
}

/// Each total that applied with its band, the sums it adds and the answers that scored. A total whose scale was
/// not applied (a woman's, or Schedule B after a high Schedule A) is not shown: it was never worked out.
pub(super) fn score_lines(
    f: &Form,
    o: &Evaluation,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (j, s) in f.sums.iter().enumerate() {
        if !o.sum_applies.get(j).copied().unwrap_or(true) {
            continue;
        }
        let band = o.bands[j]
            .and_then(|b| s.bands.get(b))
            .map_or(String::new(), |b| b.label.text.clone());
        let total = crate::domain::forms::eval::number_text(o.sums[j]);
        let head = format!("{}: {total}  {band}", s.label.text);
        lines.push(Line::from(Span::styled(
            text::fit(&text::display(&head), width),
            theme.heading(),
        )));
        for &k in &s.sums {
            let label = padded(&f.sums[k].label.text, LABEL_COLS);
            let total = crate::domain::forms::eval::number_text(o.sums[k]);
            lines.push(Line::from(format!("  {label} {total:>4}")));
        }
        for &q in &s.questions {
            let question = &f.questions[q];
            let Some(points) = score(question, &o.values[q]) else {
                continue;
            };
            let label = padded(&question.label.text, LABEL_COLS);
            let answer = text::fit(
                &text::display(&answer_text(question, &o.values[q])),
                width.saturating_sub(50),
            );
            let points = crate::domain::forms::eval::number_text(points);
            lines.push(Line::from(format!("  {label} {points:>4}  {answer}")));
        }
    }
    lines
}

/// Every answer that applied and is not shown under a total, by section, in the form's order: the items that
/// no scale scores (sex, flags), and a path that replaces the scale (a woman's gender-sensitive assessment: her
/// answers, the level chosen and its reasons). A long answer wraps under its label, whole.
pub(super) fn answer_lines(
    f: &Form,
    o: &Evaluation,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let scored = scored_questions(f, o);
    let mut lines = Vec::new();
    for section in &f.sections {
        let shown: Vec<usize> = section
            .questions
            .clone()
            .filter(|&i| {
                o.relevant[i]
                    && f.questions[i].kind != QuestionKind::Note
                    && !o.values[i].is_null()
                    && !scored.contains(&i)
            })
            .collect();
        if shown.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(
            text::fit(&text::display(&section.title.text), width),
            theme.heading(),
        )));
        let answers: Vec<String> = shown
            .iter()
            .map(|&i| text::display(&answer_text(&f.questions[i], &o.values[i])).into_owned())
            .collect();
        let short = |a: &String| ANSWER_COL + text::width(a) <= width;
        // Labels take what the section's short answers leave, so that most are read whole.
        let widest = answers
            .iter()
            .filter(|a| short(a))
            .map(|a| text::width(a))
            .max();
        let cols = widest.map_or(LABEL_COLS, |w| width.saturating_sub(w + 4).max(LABEL_COLS));
        for (&i, answer) in shown.iter().zip(&answers) {
            let q = &f.questions[i];
            if short(answer) {
                let label = padded(&q.label.text, cols);
                lines.push(Line::from(format!("  {label}  {answer}")));
            } else {
                for part in text::wrap(&text::display(&q.label.text), width.saturating_sub(2)) {
                    lines.push(Line::from(format!("  {part}")));
                }
                for part in text::wrap(answer, width.saturating_sub(6)) {
                    lines.push(Line::from(format!("      {part}")));
                }
            }
        }
    }
    lines
}

/// A result value by its label in the form ("medium" as "Medium"), or "-".
pub(super) fn result_label(form: &Form, value: Option<&str>) -> String {
    let Some(v) = value else {
        return "-".into();
    };
    form.result
        .as_ref()
        .and_then(|r| r.choices.iter().find(|c| c.value == v))
        .map_or(v.to_string(), |c| c.label.text.clone())
}

/// Whether the result came from the form's judgement question (a path that replaces the scale, such as a
/// woman's gender-sensitive assessment) rather than from the scores.
pub(super) fn judged(f: &Form, o: &Evaluation) -> bool {
    f.result
        .as_ref()
        .and_then(|r| r.question)
        .is_some_and(|q| o.relevant[q] && !o.values[q].is_null())
}

/// A row of the decision: its label in a column, a long value wrapped under itself.
fn row(label: &str, value: &str, width: usize) -> Vec<Line<'static>> {
    text::wrap(
        &text::display(value),
        width.saturating_sub(ROW_COLS).max(10),
    )
    .into_iter()
    .enumerate()
    .map(|(i, part)| {
        let label = if i == 0 {
            padded(label, ROW_COLS)
        } else {
            " ".repeat(ROW_COLS)
        };
        Line::from(format!("{label}{part}"))
    })
    .collect()
}

/// A finalised assessment as the approval page and the read-only view show it: who made it and when, the
/// decision (the result the scores or the assessor's judgement gave, a mandatory override, a discretionary one
/// with its reason, the result in force, the next review), then the totals that applied and the other answers.
pub(super) fn record_lines(
    form: &Form,
    r: &AssessmentRow,
    o: &Evaluation,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        text::fit(
            &text::display(&format!(
                "{} v{} by {}, assessed {}",
                form.title.text,
                r.form_version,
                r.author,
                r.assessed_on.map_or("-".into(), |d| d.to_string())
            )),
            width,
        ),
        theme.heading(),
    ))];
    let scored = if judged(form, o) {
        t("assessment-row-judged")
    } else {
        "Scored result".to_string()
    };
    lines.extend(row(
        &scored,
        &result_label(form, r.scored_result.as_deref()),
        width,
    ));
    if let Some(m) = &r.mandatory_reason {
        lines.extend(row("Mandatory", m, width));
    }
    lines.extend(row(
        "Override",
        &result_label(form, r.override_result.as_deref()),
        width,
    ));
    lines.extend(row(
        "Reason",
        r.override_reason.as_deref().unwrap_or("-"),
        width,
    ));
    lines.extend(row(
        "Result",
        &result_label(form, r.result.as_deref()),
        width,
    ));
    if let Some(d) = r.next_review {
        lines.extend(row("Next review", &d.to_string(), width));
    }
    lines.push(Line::from(""));
    lines.extend(score_lines(form, o, theme, width));
    lines.extend(answer_lines(form, o, theme, width));
    lines
}

/// Where a finalised assessment stands: awaiting approval, approved, sent back.
fn standing(r: &AssessmentRow) -> String {
    if let Some(back) = &r.returned {
        return t_args(
            "assessment-view-sent-back",
            &[
                ("by", back.by.clone().into()),
                ("reason", back.reason.clone().into()),
            ],
        );
    }
    match (r.approval, &r.approved_by) {
        (ApprovalState::Pending, _) => t("assessment-view-pending"),
        (ApprovalState::Approved, Some(by)) => {
            t_args("assessment-view-approved", &[("by", by.clone().into())])
        }
        _ => t("assessment-view-final"),
    }
}

/// A finalised assessment, read-only: nothing typed here changes it. Amending it (a new revision with a
/// reason, through the store's amendment path) is the separate key `e`, offered only to roles that may fill
/// the form in, and only on the latest revision.
pub struct ViewScreen {
    row: AssessmentRow,
    /// The form of the record's own version, for its text and weights.
    form: Form,
    /// The form's current version, which an amendment uses.
    current: Option<Arc<Form>>,
    outcome: Evaluation,
    who: String,
    /// No later revision exists, so this one may be amended.
    latest: bool,
    scroll: usize,
    max_scroll: std::cell::Cell<usize>,
}

impl ViewScreen {
    pub fn open(row: &AssessmentRow, who: String, ctx: &mut Ctx) -> Option<ViewScreen> {
        let form = match ctx.store.recorded_form(&row.form_id, row.form_version) {
            Ok(f) => f,
            Err(e) => {
                ctx.error(t_args(
                    "assessment-view-cannot-open",
                    &[("error", e.to_string().into())],
                ));
                return None;
            }
        };
        let day = row.assessed_on.unwrap_or(ctx.now.date_naive());
        let outcome = evaluate(&form, &row.answers(&form), day);
        let latest = match row.prisoner_id() {
            Some(p) => ctx.store.assessments_of_prisoner(p).map_or(true, |all| {
                !all.iter()
                    .any(|a| a.series == row.series && a.revision > row.revision)
            }),
            None => true,
        };
        Some(ViewScreen {
            row: row.clone(),
            current: ctx.forms.get(&row.form_id).cloned(),
            form,
            outcome,
            who,
            latest,
            scroll: 0,
            max_scroll: std::cell::Cell::new(usize::MAX),
        })
    }

    /// Whether `role` may amend this assessment here: the form (its current version) names the role among
    /// those who fill it in, and this is the latest revision. The store checks the same again.
    fn may_amend(&self, role: Role) -> bool {
        self.latest && self.current.as_ref().is_some_and(|f| f.may_fill(role))
    }
}

impl Screen for ViewScreen {
    fn title(&self) -> String {
        format!("{} | {}", self.form.title.text, self.who)
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::PageDown,
            Action::Edit,
            Action::RequestReview,
            Action::Back,
        ]
    }

    fn offered(&self, action: Action, role: Role) -> bool {
        match action {
            Action::Edit => self.may_amend(role),
            Action::RequestReview => {
                self.may_amend(role)
                    && self.row.returned.is_none()
                    && self
                        .form
                        .review
                        .as_ref()
                        .is_some_and(|r| !r.triggers.is_empty())
            }
            a => crate::tui::keymap::usable(a, role),
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Edit => crate::i18n::t_static("assessment-view-amend-key"),
            Action::PageDown => crate::i18n::t_static("assessment-view-scroll-key"),
            a => a.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "assessment-view-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Edit if self.may_amend(ctx.session.role) => match &self.current {
                Some(form) => Outcome::Replace(Box::new(super::assessment_pick::amend_prompt(
                    &self.row,
                    form.clone(),
                    String::new(),
                    self.who.clone(),
                ))),
                None => Outcome::Ignored,
            },
            Action::Edit => {
                ctx.error(t("assessment-view-may-not-amend"));
                Outcome::Handled
            }
            Action::RequestReview if self.offered(action, ctx.session.role) => {
                match super::assessment_pick::review_prompt(&self.row, ctx) {
                    Some(p) => Outcome::Replace(Box::new(p)),
                    None => Outcome::Handled,
                }
            }
            Action::PageDown | Action::Down if self.scroll >= self.max_scroll.get() => {
                Outcome::Ignored
            }
            Action::PageDown | Action::Down => {
                let step = if action == Action::Down { 1 } else { 10 };
                self.scroll = (self.scroll + step).min(self.max_scroll.get());
                Outcome::Handled
            }
            Action::PageUp | Action::Up if self.scroll == 0 => Outcome::Ignored,
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
        let width = body.width as usize;
        let mut lines = vec![Line::from(Span::styled(
            text::fit(&standing(&self.row), width),
            theme.label(),
        ))];
        lines.extend(record_lines(
            &self.form,
            &self.row,
            &self.outcome,
            theme,
            width,
        ));
        let max = lines.len().saturating_sub(body.height as usize);
        self.max_scroll.set(max);
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll.min(max) as u16, 0)),
            body,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AssessmentStatus as Status, Subject};
    use chrono::{NaiveDate, TimeZone, Utc};

    const FORM: &str = r#"
id = "audit_like"
version = 1
title = "Audit"
applies_to = "prisoner"
fill_roles = ["assessor"]
approve_roles = ["supervisor"]
approval = "always"

[[section]]
title = "S"

[[section.question]]
name = "note"
type = "text"
label = "Note"
"#;

    fn row() -> AssessmentRow {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        AssessmentRow {
            id: 7,
            series: 7,
            revision: 1,
            form_id: "audit_like".into(),
            form_version: 1,
            form_sha256: String::new(),
            subject: Subject::Prisoner(1),
            status: Status::Final,
            author: "assessor".into(),
            created_at: at,
            updated_at: at,
            answers_json: r#"{"note": "Seen on the wing"}"#.into(),
            amend_reason: None,
            assessed_on: NaiveDate::from_ymd_opt(2026, 12, 1),
            scores: Vec::new(),
            scored_result: None,
            mandatory_reason: None,
            override_result: None,
            override_reason: None,
            result: None,
            custody_level: None,
            findings: Vec::new(),
            next_review: None,
            approval: ApprovalState::Pending,
            approved_by: None,
            scored_level: None,
            returned: None,
            triggered: None,
        }
    }

    fn view(latest: bool) -> ViewScreen {
        let form = crate::domain::forms::load(FORM.as_bytes()).unwrap();
        let row = row();
        let outcome = evaluate(&form, &row.answers(&form), NaiveDate::MIN);
        ViewScreen {
            row,
            current: Some(Arc::new(form.clone())),
            form,
            outcome,
            who: "X".into(),
            latest,
            scroll: 0,
            max_scroll: std::cell::Cell::new(0),
        }
    }

    #[test]
    fn amending_is_offered_only_to_roles_that_fill_the_form_in_and_on_the_latest_revision() {
        let v = view(true);
        assert!(v.offered(Action::Edit, Role::Assessor));
        // A supervisor approves this form but does not fill it in: no amend key for them.
        assert!(!v.offered(Action::Edit, Role::Supervisor));
        assert!(!v.offered(Action::Edit, Role::Officer));
        // The form names no review triggers: no early review either.
        assert!(!v.offered(Action::RequestReview, Role::Assessor));
        // An earlier revision is read, never amended: the latest is.
        assert!(!view(false).offered(Action::Edit, Role::Assessor));
    }

    #[test]
    fn a_long_answer_wraps_whole_under_its_label_and_a_short_one_stays_on_its_line() {
        let mut v = view(true);
        let long = "a ".repeat(60);
        v.row.answers_json = serde_json::json!({ "note": long }).to_string();
        v.outcome = evaluate(&v.form, &v.row.answers(&v.form), NaiveDate::MIN);
        let theme = Theme::new(crate::tui::DisplayOptions::new(true, true));
        let text: Vec<String> = answer_lines(&v.form, &v.outcome, &theme, 79)
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(text[0], "S");
        assert_eq!(text[1], "  Note");
        assert_eq!(
            text[2..].join(" ").split_whitespace().count(),
            60,
            "{text:?}"
        );
        let short = view(true);
        let text: Vec<String> = answer_lines(&short.form, &short.outcome, &theme, 79)
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(text.len(), 2);
        assert!(text[1].starts_with("  Note") && text[1].ends_with("  Seen on the wing"));
    }
}
