//! The review page before finalising: each score with its band and the answers that produced it, the result with
//! any mandatory override, the next review date, and an optional discretionary override with its reason.

use super::assessment::AssessmentScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::forms::evaluate::{Outcome as Evaluation, score};
use crate::domain::forms::{Form, Value};
use crate::domain::text;
use crate::store::Override;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::input::Input;
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
    /// Which override field has the focus: 0 the result (by number), 1 the reason.
    field: usize,
    chosen: Input,
    reason: Input,
    scroll: usize,
    /// The furthest the review can scroll, as last drawn (the height is only known then), so that a scroll key
    /// at the end says so instead of moving nothing.
    max_scroll: std::cell::Cell<usize>,
}

impl ReviewScreen {
    pub fn new(filler: &AssessmentScreen) -> ReviewScreen {
        ReviewScreen {
            id: filler.id,
            form: filler.form.clone(),
            who: filler.who.clone(),
            outcome: filler.outcome.clone(),
            field: 0,
            chosen: Input::new(""),
            reason: Input::new(""),
            scroll: 0,
            max_scroll: std::cell::Cell::new(usize::MAX),
        }
    }

    fn result_label(&self, r: Option<usize>) -> String {
        r.and_then(|r| self.form.result.as_ref()?.choices.get(r))
            .map_or("-".into(), |c| c.label.text.clone())
    }

    /// Whether the review shows the override fields (the same condition as in `lines`).
    fn offers_override(&self) -> bool {
        self.form.discretionary.is_some() && self.form.result.is_some()
    }

    /// The override chosen by number (1 = lowest result), if any.
    fn chosen_value(&self) -> Option<Result<String, String>> {
        let typed = self.chosen.value();
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let choices = self
            .form
            .result
            .as_ref()
            .map(|r| &r.choices[..])
            .unwrap_or_default();
        Some(match typed.parse::<usize>() {
            Ok(k) if (1..=choices.len()).contains(&k) => Ok(choices[k - 1].value.clone()),
            _ => Err(format!(
                "Type the number of a result, 1 to {}.",
                choices.len()
            )),
        })
    }

    fn lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
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
        lines.push(Line::from(""));
        let mut result = format!(
            "{}: {}",
            f.result
                .as_ref()
                .map_or("Result", |r| r.label.text.as_str()),
            self.result_label(o.result)
        );
        if let Some(m) = o.mandatory.and_then(|m| f.mandatory.get(m)) {
            result.push_str(&format!(" (mandatory: {})", m.reason.text));
        }
        for part in text::wrap(&text::display(&result), width) {
            lines.push(Line::from(Span::styled(part, theme.heading())));
        }
        if let Some(d) = o.next_review {
            lines.push(Line::from(format!("Next review: {d}")));
        }
        if f.discretionary.is_some() && f.result.is_some() {
            let choices: Vec<String> = f
                .result
                .iter()
                .flat_map(|r| r.choices.iter())
                .enumerate()
                .map(|(k, c)| format!("{} {}", k + 1, c.label.text))
                .collect();
            lines.push(Line::from(Span::styled(
                format!("Override (optional): {}", choices.join("  ")),
                theme.label(),
            )));
            // The field being typed in is marked by '>', as on the edit form, not reversed whole: moving
            // between the two then costs two cells, not two labels.
            let field = |k: usize, label: &str, input: &Input, cols: usize| {
                let mark = if self.field == k {
                    theme.pointer()
                } else {
                    " "
                };
                Line::from(vec![
                    Span::raw(format!(" {mark}")),
                    Span::styled(format!("{label:<10}"), theme.label()),
                    Span::raw(input.view(cols).0),
                ])
            };
            lines.push(field(0, "Result", &self.chosen, 4));
            lines.push(field(1, "Reason", &self.reason, width.saturating_sub(14)));
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
                        Some(s) => Outcome::Replace(Box::new(s)),
                        None => Outcome::Pop,
                    },
                    _ => Outcome::Pop,
                }
            }
            Action::Save => {
                let chosen = match self.chosen_value() {
                    Some(Err(m)) => {
                        ctx.error(m);
                        return Outcome::Handled;
                    }
                    Some(Ok(v)) => Some(v),
                    None => None,
                };
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
                        Outcome::Pop
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
            other => {
                let input = if self.field == 0 {
                    &mut self.chosen
                } else {
                    &mut self.reason
                };
                if input.handle(other) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(1) as usize;
        let lines = self.lines(theme, width);
        let body = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(1),
            area.height,
        );
        let max = lines.len().saturating_sub(body.height as usize);
        self.max_scroll.set(max);
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll.min(max) as u16, 0)),
            body,
        );
    }
}

/// Each total with its band, the sums it adds and the answers that scored, as the review page and the
/// approval page show them.
pub(super) fn score_lines(
    f: &Form,
    o: &Evaluation,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (j, s) in f.sums.iter().enumerate() {
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
            let label = text::fit(&text::display(&f.sums[k].label.text), 38);
            let pad = " ".repeat(38usize.saturating_sub(text::width(&label)));
            let total = crate::domain::forms::eval::number_text(o.sums[k]);
            lines.push(Line::from(format!("  {label}{pad} {total:>4}")));
        }
        for &q in &s.questions {
            let question = &f.questions[q];
            let Some(points) = score(question, &o.values[q]) else {
                continue;
            };
            let label_of = |v: &String| {
                question
                    .choice(v)
                    .map_or(v.clone(), |c| c.label.text.clone())
            };
            let answer = match &o.values[q] {
                Value::Text(v) => label_of(v),
                Value::List(l) => l.iter().map(label_of).collect::<Vec<_>>().join(", "),
                v => v.to_text(),
            };
            let label = text::fit(&text::display(&question.label.text), 38);
            let pad = " ".repeat(38usize.saturating_sub(text::width(&label)));
            let answer = text::fit(&text::display(&answer), width.saturating_sub(50));
            let points = crate::domain::forms::eval::number_text(points);
            lines.push(Line::from(format!("  {label}{pad} {points:>4}  {answer}")));
        }
    }
    lines
}
