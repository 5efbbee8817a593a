//! The review page before finalising: each score with its band and the answers that produced it, the result with
//! any mandatory override, the next review date, and an optional discretionary override with its reason.

use super::assessment::AssessmentScreen;
use super::assessment_view::{answer_lines, score_lines};
use super::{Ctx, Outcome, Screen};
use crate::domain::forms::Form;
use crate::domain::forms::evaluate::{Outcome as Evaluation, check_override_result, next_review};
use crate::domain::text;
use crate::i18n::{t, t_args};
use crate::store::Override;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::input::Input;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::sync::Arc;

pub struct ReviewScreen {
    id: i64,
    form: Arc<Form>,
    who: String,
    outcome: Evaluation,
    today: NaiveDate,
    /// Which override field has the focus: 0 the result, 1 the reason.
    field: usize,
    /// The result chosen as a discretionary override (index into the form's results), if any.
    chosen: Option<usize>,
    reason: Input,
    scroll: usize,
    /// The furthest the review can scroll, as last drawn (the height is only known then), so that a scroll key
    /// at the end says so instead of moving nothing.
    max_scroll: std::cell::Cell<usize>,
    /// Opened from an admission: the record comes next (see `AssessmentScreen::then_record`).
    then_record: Option<i64>,
}

impl ReviewScreen {
    pub fn new(filler: &AssessmentScreen) -> ReviewScreen {
        ReviewScreen {
            id: filler.id,
            form: filler.form.clone(),
            who: filler.who.clone(),
            outcome: filler.outcome.clone(),
            today: filler.today,
            field: 0,
            chosen: None,
            reason: Input::new(""),
            scroll: 0,
            max_scroll: std::cell::Cell::new(usize::MAX),
            then_record: filler.then_record,
        }
    }

    fn results(&self) -> &[crate::domain::forms::model::ResultChoice] {
        self.form
            .result
            .as_ref()
            .map(|r| &r.choices[..])
            .unwrap_or_default()
    }

    fn result_label(&self, r: Option<usize>) -> String {
        r.and_then(|r| self.results().get(r))
            .map_or("-".into(), |c| c.label.text.clone())
    }

    /// Whether the review shows the override fields (the same condition as in `decision_lines`).
    fn offers_override(&self) -> bool {
        self.form.discretionary.is_some() && self.form.result.is_some()
    }

    /// The override chosen, by its value.
    fn chosen_value(&self) -> Option<String> {
        self.chosen
            .and_then(|k| self.results().get(k))
            .map(|c| c.value.clone())
    }

    /// What is wrong with the chosen override's result, said before any reason is written.
    fn chosen_problem(&self) -> Option<String> {
        let v = self.chosen_value()?;
        check_override_result(&self.form, &self.outcome, &v).err()
    }

    /// A number picks the override by its place in the list (1 = lowest); Left and Right step through them,
    /// past either end to none.
    fn choose(&mut self, action: Action) -> bool {
        let n = self.results().len();
        self.chosen = match (action, self.chosen) {
            (Action::Char(c), _) => match c.to_digit(10).map(|d| d as usize) {
                Some(d) if (1..=n).contains(&d) => Some(d - 1),
                _ => return false,
            },
            (Action::Right, None) => Some(0),
            (Action::Right, Some(k)) if k + 1 < n => Some(k + 1),
            (Action::Right, Some(_)) => None,
            (Action::Left, None) => n.checked_sub(1),
            (Action::Left, Some(0)) => None,
            (Action::Left, Some(k)) => Some(k - 1),
            (Action::Backspace | Action::Delete | Action::ClearToStart, _) => None,
            _ => return false,
        };
        true
    }

    /// The scores and answers, which scroll.
    fn detail_lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        let f = &self.form;
        let o = &self.outcome;
        let mut lines = Vec::new();
        if !o.is_complete() {
            lines.push(Line::from(Span::styled(
                format!(
                    "Not finished: {} unanswered, {} not accepted. Esc goes back (F3 finds them).",
                    o.missing.len(),
                    o.invalid.len()
                ),
                theme.error(),
            )));
        }
        lines.extend(score_lines(f, o, theme, width));
        lines.extend(answer_lines(f, o, theme, width));
        lines
    }

    /// The result, its next review and the override fields, which stay in view under the details. With an
    /// override chosen, the result and the review date are the override's, as finalising will record them.
    fn decision_lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        let f = &self.form;
        let o = &self.outcome;
        let mut lines = Vec::new();
        let label = f
            .result
            .as_ref()
            .map_or("Result".to_string(), |r| r.label.text.clone());
        let overriding = self.chosen.filter(|_| self.chosen_problem().is_none());
        let mut result = match overriding {
            Some(k) => t_args(
                "assessment-review-overridden",
                &[
                    ("label", label.clone().into()),
                    ("level", self.result_label(Some(k)).into()),
                    ("scored", self.result_label(o.result).into()),
                ],
            ),
            None => format!("{}: {}", label, self.result_label(o.result)),
        };
        if let Some(m) = o.mandatory.and_then(|m| f.mandatory.get(m)) {
            result.push_str(&format!(" (mandatory: {})", m.reason.text));
        }
        for part in text::wrap(&text::display(&result), width) {
            lines.push(Line::from(Span::styled(part, theme.heading())));
        }
        let review = match overriding {
            Some(k) => next_review(f, Some(k), self.today),
            None => o.next_review,
        };
        if let Some(d) = review {
            lines.push(Line::from(format!("Next review: {d}")));
        }
        if self.offers_override() {
            let choices: Vec<String> = self
                .results()
                .iter()
                .enumerate()
                .map(|(k, c)| format!("{} {}", k + 1, c.label.text))
                .collect();
            lines.push(Line::from(Span::styled(
                text::fit(
                    &format!("Override (optional): {}", choices.join("  ")),
                    width,
                ),
                theme.label(),
            )));
            let cols = text::width(&label).max(text::width("Reason")) + 1;
            // The field being typed in is marked by '>', as on the edit form, not reversed whole: moving
            // between the two then costs two cells, not two labels.
            let mark = |k: usize| {
                if self.field == k {
                    theme.pointer()
                } else {
                    " "
                }
            };
            let head = |k: usize, l: &str| {
                let l = text::fit(&text::display(l), cols);
                let pad = " ".repeat(cols.saturating_sub(text::width(&l)));
                vec![
                    Span::raw(format!(" {}", mark(k))),
                    Span::styled(format!("{l}{pad}"), theme.label()),
                ]
            };
            let mut level = head(0, &label);
            match self.chosen {
                Some(k) => level.push(Span::raw(self.result_label(Some(k)))),
                None => level.push(Span::styled(
                    t("assessment-review-no-override"),
                    theme.dim(),
                )),
            }
            lines.push(Line::from(level));
            if let Some(problem) = self.chosen_problem() {
                lines.push(Line::from(Span::styled(
                    text::fit(&format!("   ! {}", text::display(&problem)), width),
                    theme.error(),
                )));
            }
            let mut reason = head(1, "Reason");
            reason.push(Span::raw(
                self.reason.view(width.saturating_sub(cols + 2)).0,
            ));
            lines.push(Line::from(reason));
        }
        lines
    }
}

impl Screen for ReviewScreen {
    fn title(&self) -> String {
        format!("Review: {} | {}", self.form.title.text, self.who)
    }

    fn footer(&self) -> Vec<Action> {
        // Tab moves between the override's result and reason, which are shown only for a form that allows one.
        if self.offers_override() {
            vec![
                Action::Save,
                Action::NextField,
                Action::PageDown,
                Action::Back,
            ]
        } else {
            vec![Action::Save, Action::PageDown, Action::Back]
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Save => "finalise",
            Action::Back => "back to the form",
            Action::PageDown => "scroll",
            a => a.describe(),
        }
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "assessment-review-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => {
                let who = self.who.clone();
                match ctx.store.assessment(self.id) {
                    Ok(Some(row)) => match AssessmentScreen::resume(&row, who, ctx) {
                        Some(mut s) => {
                            s.then_record = self.then_record;
                            Outcome::Replace(Box::new(s))
                        }
                        None => AssessmentScreen::leave(self.then_record, ctx),
                    },
                    _ => AssessmentScreen::leave(self.then_record, ctx),
                }
            }
            Action::Save => {
                let chosen = self.chosen_value();
                let reason = self.reason.value();
                let over = chosen.as_deref().map(|result| Override {
                    result,
                    reason: &reason,
                });
                let today = ctx.now.date_naive();
                match ctx
                    .store
                    .finalise_assessment(&ctx.actor(), self.id, today, over)
                {
                    Ok(row) => {
                        super::assessment::drop_all_typing(self.id, &self.form, ctx);
                        let pending = if row.approval == crate::store::ApprovalState::Pending {
                            "; awaiting a supervisor's approval"
                        } else {
                            ""
                        };
                        ctx.info(format!(
                            "Finalised: {}{pending}.",
                            row.result.as_deref().unwrap_or("no result")
                        ));
                        AssessmentScreen::leave(self.then_record, ctx)
                    }
                    Err(e) => {
                        ctx.error(format!("Not finalised: {e}"));
                        Outcome::Handled
                    }
                }
            }
            Action::NextField | Action::PrevField if self.offers_override() => {
                self.field = 1 - self.field;
                Outcome::Handled
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
            other if self.field == 0 && self.offers_override() => {
                if self.choose(other) {
                    Outcome::Handled
                } else if let Action::Char(_) = other {
                    ctx.error(t_args(
                        "assessment-review-pick-level",
                        &[("n", self.results().len().into())],
                    ));
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
            other if self.field == 1 && self.reason.handle(other) => Outcome::Handled,
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(1) as usize;
        // The decision stays in view at the bottom; the scores and answers above it scroll.
        let decision = self.decision_lines(theme, width);
        let low = (decision.len() as u16).min(area.height.saturating_sub(3));
        let top = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(1),
            area.height.saturating_sub(low + 1),
        );
        let lines = self.detail_lines(theme, width);
        let max = lines.len().saturating_sub(top.height as usize);
        self.max_scroll.set(max);
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll.min(max) as u16, 0)),
            top,
        );
        frame.render_widget(
            Paragraph::new(decision),
            Rect::new(
                area.x + 1,
                area.y + area.height - low,
                area.width.saturating_sub(1),
                low,
            ),
        );
    }
}
