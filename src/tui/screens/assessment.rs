//! Filling in an assessment: one section at a time, every answer saved to the draft the moment it is entered,
//! choices by number, typed answers checked at the field with the form's own message beside it.

use super::{Ctx, Outcome, Screen};
use crate::domain::forms::answers::{initial_answers, prefilled};
use crate::domain::forms::evaluate::Outcome as Evaluation;
use crate::domain::forms::evaluate::after_admission;
use crate::domain::forms::model::{AppliesTo, QuestionKind};
use crate::domain::forms::{Answers, Form, Value, evaluate, parse_answer};
use crate::domain::text;
use crate::store::{AssessmentRow, PrisonerRow, Subject};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::input::Input;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Columns for a question's label; the answer takes the rest of the row.
const LABEL_COLS: usize = 44;

pub struct AssessmentScreen {
    pub(super) id: i64,
    pub(super) form: Arc<Form>,
    /// "LUZ/2026/00001 Okello John Bosco", for titles.
    pub(super) who: String,
    pub(super) answers: Answers,
    pub(super) outcome: Evaluation,
    pub(super) today: NaiveDate,
    section: usize,
    /// Index into `form.questions`.
    focus: usize,
    input: Input,
    /// Typed text that was not accepted, kept with its message so nothing typed is lost.
    refused: BTreeMap<usize, (String, String)>,
    /// A keystroke draft of the focused question was sent and not yet dropped.
    typing: bool,
    /// This screen started the draft and nothing has been typed or answered in it yet: leaving then throws the
    /// empty draft away, so opening a form and leaving leaves nothing (issue 18, item 7).
    untouched_new: bool,
    /// What the register record gives the questions the form maps to it (`prefill`), by question name: an
    /// answer that is still this value is marked as taken from the record.
    from_record: BTreeMap<String, Value>,
    /// Opened straight after this prisoner's admission: leaving (or finalising) goes on to their record, which
    /// the admission would otherwise have shown.
    pub(super) then_record: Option<i64>,
}

fn typing_key(id: i64, question: &str) -> String {
    format!("assessment:{id}:{question}")
}

/// Forgets every keystroke draft of an assessment once it is final: a refused answer left behind would
/// otherwise stay in the drafts table with nothing to restore it into.
pub(super) fn drop_all_typing(id: i64, form: &Form, ctx: &Ctx) {
    for q in &form.questions {
        ctx.drafts
            .delete(&ctx.session.name, &typing_key(id, &q.name));
    }
}

impl AssessmentScreen {
    /// Starts a new draft about the prisoner, its answers prefilled from the register record.
    pub fn start(form: &Arc<Form>, row: &PrisonerRow, ctx: &mut Ctx) -> Option<AssessmentScreen> {
        let answers = initial_answers(form, Some(&row.prisoner));
        let id = ctx
            .store
            .start_assessment(
                &ctx.actor(),
                form,
                Subject::Prisoner(row.prisoner.id),
                &answers,
            )
            .map_err(|e| ctx.error(format!("Cannot start the assessment: {e}")))
            .ok()?;
        let who = format!("{} {}", row.prisoner.number, row.prisoner.full_name());
        let mut screen = AssessmentScreen::new(id, form.clone(), who, answers, ctx);
        screen.untouched_new = true;
        screen.from_record = prefilled(form, &row.prisoner).into_iter().collect();
        Some(screen)
    }

    /// After an admission: the first form that follows it for this person (`[after_admission]` holds for the
    /// answers the new record gives it, e.g. a woman's children and caring responsibilities, Bangkok Rules 2-3)
    /// and that this role fills in, started as a draft and opened at its section. Leaving it untouched throws
    /// the draft away, as any new draft; either way the person's record comes next.
    pub fn after_admission(
        prisoner_id: i64,
        admitted: &str,
        ctx: &mut Ctx,
    ) -> Option<AssessmentScreen> {
        let row = ctx.store.prisoner(prisoner_id).ok()??;
        let today = ctx.now.date_naive();
        let role = ctx.session.role;
        let (form, section) = ctx.forms.forms.iter().find_map(|(_, f)| {
            if f.applies_to != AppliesTo::Prisoner || !f.may_fill(role) {
                return None;
            }
            let answers = initial_answers(f, Some(&row.prisoner));
            Some((f.clone(), after_admission(f, &answers, today)?))
        })?;
        let mut screen = AssessmentScreen::start(&form, &row, ctx)?;
        screen.then_record = Some(prisoner_id);
        if screen.applying_sections().contains(&section) {
            screen.section = section;
            screen.focus_first_in_section();
            // On the first question still to answer: what the record gave is already there.
            let todo = screen
                .focusable()
                .into_iter()
                .find(|i| screen.outcome.missing.contains(i));
            if let Some(i) = todo {
                screen.set_focus(i);
            }
        }
        ctx.info(format!(
            "{admitted} {}",
            crate::i18n::t_args(
                "assessment-after-admission",
                &[("form", form.title.text.clone().into())]
            )
        ));
        Some(screen)
    }

    /// Where leaving goes: back to the screen beneath, or on to the record after an admission.
    pub(super) fn leave(then_record: Option<i64>, ctx: &mut Ctx) -> Outcome {
        match then_record.and_then(|id| super::record::RecordScreen::open(id, ctx)) {
            Some(record) => Outcome::Replace(Box::new(record)),
            None => Outcome::Pop,
        }
    }

    /// Starts a facility's own instrument (security audit, Mandela compliance); nothing is filled in for it.
    pub fn start_for_facility(
        form: &Arc<Form>,
        facility_id: i64,
        who: String,
        ctx: &mut Ctx,
    ) -> Option<AssessmentScreen> {
        let answers = initial_answers(form, None);
        let id = ctx
            .store
            .start_assessment(&ctx.actor(), form, Subject::Facility(facility_id), &answers)
            .map_err(|e| ctx.error(format!("Cannot start the assessment: {e}")))
            .ok()?;
        let mut screen = AssessmentScreen::new(id, form.clone(), who, answers, ctx);
        screen.untouched_new = true;
        Some(screen)
    }

    /// Reopens a draft with every answer saved so far.
    pub fn resume(draft: &AssessmentRow, who: String, ctx: &mut Ctx) -> Option<AssessmentScreen> {
        let form = match ctx.store.recorded_form(&draft.form_id, draft.form_version) {
            Ok(f) => Arc::new(f),
            Err(e) => {
                ctx.error(format!("Cannot open the draft: {e}"));
                return None;
            }
        };
        let answers = draft.answers(&form);
        let record = match draft.prisoner_id().map(|p| ctx.store.prisoner(p)) {
            Some(Ok(Some(row))) => prefilled(&form, &row.prisoner).into_iter().collect(),
            _ => BTreeMap::new(),
        };
        let mut screen = AssessmentScreen::new(draft.id, form, who, answers, ctx);
        screen.from_record = record;
        screen.restore_typing(ctx);
        Some(screen)
    }

    /// The key of the keystroke draft for question `i`: text typed but not yet entered.
    fn typing_key(&self, i: usize) -> String {
        typing_key(self.id, &self.form.questions[i].name)
    }

    /// Keeps what is being typed into the focused question, off the UI thread (each keystroke through the
    /// store would wait for an fsync), so a crash mid-answer loses nothing.
    fn keep_typing(&mut self, ctx: &Ctx) {
        self.untouched_new = false;
        let key = self.typing_key(self.focus);
        ctx.drafts
            .save(&ctx.session.name, &key, self.input.value(), ctx.now);
        self.typing = true;
    }

    fn drop_typing(&mut self, ctx: &Ctx) {
        if std::mem::take(&mut self.typing) {
            ctx.drafts
                .delete(&ctx.session.name, &self.typing_key(self.focus));
        }
    }

    /// Puts back answers that were being typed when the program last stopped: accepted ones are saved to the
    /// assessment, others are shown refused beside their field, as if Enter had been pressed.
    fn restore_typing(&mut self, ctx: &mut Ctx) {
        let mut restored = 0;
        for i in 0..self.form.questions.len() {
            if !self.is_typed(i) {
                continue;
            }
            let key = self.typing_key(i);
            // A typing draft still on its way to the file is the newest (a deletion on its way: none).
            let draft = match ctx.drafts.queued(&ctx.session.name, &key) {
                Some(queued) => Ok(queued),
                None => ctx.store.draft(&ctx.session.name, &key),
            };
            let typed = match draft {
                Ok(Some((typed, _))) => typed,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, key, "typed answer not read");
                    continue;
                }
            };
            let q = &self.form.questions[i];
            let current = self.answers.get(&q.name).map(Value::to_text);
            if current.as_deref() != Some(typed.as_str()) {
                match parse_answer(q, &typed) {
                    Ok(v) => {
                        if !self.save(i, v, ctx) {
                            continue;
                        }
                    }
                    Err(message) => {
                        self.refused.insert(i, (typed, message));
                    }
                }
                restored += 1;
            }
            if !self.refused.contains_key(&i) {
                ctx.drafts.delete(&ctx.session.name, &key);
            }
        }
        if restored > 0 {
            self.set_focus(self.focus);
            ctx.info(format!(
                "Restored {restored} answer(s) you were typing when warden last stopped."
            ));
        }
    }

    fn new(id: i64, form: Arc<Form>, who: String, answers: Answers, ctx: &Ctx) -> AssessmentScreen {
        let today = ctx.now.date_naive();
        let outcome = evaluate(&form, &answers, today);
        let mut screen = AssessmentScreen {
            id,
            form,
            who,
            answers,
            outcome,
            today,
            section: 0,
            focus: 0,
            input: Input::new(""),
            refused: BTreeMap::new(),
            typing: false,
            untouched_new: false,
            from_record: BTreeMap::new(),
            then_record: None,
        };
        screen.focus_first_in_section();
        screen
    }

    /// The sections with at least one question that applies now: the ones paging visits and the heading counts.
    fn applying_sections(&self) -> Vec<usize> {
        (0..self.form.sections.len())
            .filter(|&s| {
                self.form.sections[s]
                    .questions
                    .clone()
                    .any(|i| self.outcome.relevant[i])
            })
            .collect()
    }

    /// Questions of the current section that apply now, in order.
    fn shown(&self) -> Vec<usize> {
        let range = self.form.sections[self.section].questions.clone();
        range.filter(|&i| self.outcome.relevant[i]).collect()
    }

    fn focusable(&self) -> Vec<usize> {
        self.shown()
            .into_iter()
            .filter(|&i| self.form.questions[i].kind.is_answered())
            .collect()
    }

    fn is_typed(&self, i: usize) -> bool {
        matches!(
            self.form.questions[i].kind,
            QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Date | QuestionKind::Text
        )
    }

    fn set_focus(&mut self, i: usize) {
        // A refused answer's keystroke draft stays behind, so it comes back refused after a crash too.
        self.typing = false;
        self.focus = i;
        let text = match self.refused.get(&i) {
            Some((typed, _)) => typed.clone(),
            None => self
                .answers
                .get(&self.form.questions[i].name)
                .map(Value::to_text)
                .unwrap_or_default(),
        };
        self.input = Input::new(&text);
    }

    fn focus_first_in_section(&mut self) {
        if let Some(&i) = self.focusable().first() {
            self.set_focus(i);
        } else {
            self.focus = self.form.sections[self.section].questions.start;
        }
    }

    fn move_focus(&mut self, forward: bool) {
        let list = self.focusable();
        let at = list.iter().position(|&i| i == self.focus);
        let next = match (at, forward) {
            (Some(k), true) => list.get(k + 1),
            (Some(k), false) => k.checked_sub(1).and_then(|k| list.get(k)),
            (None, _) => list.first(),
        };
        match next.copied() {
            Some(i) => self.set_focus(i),
            None if forward => self.change_section(true),
            None => {}
        }
    }

    /// The next section, in either direction, with a question that applies.
    fn change_section(&mut self, forward: bool) {
        let n = self.form.sections.len();
        let mut s = self.section;
        loop {
            s = match (forward, s) {
                (true, s) if s + 1 < n => s + 1,
                (false, s) if s > 0 => s - 1,
                _ => return,
            };
            let any = self.form.sections[s]
                .questions
                .clone()
                .any(|i| self.outcome.relevant[i]);
            if any {
                self.section = s;
                self.focus_first_in_section();
                return;
            }
        }
    }

    /// Saves one answer to the draft at once, and re-evaluates the form.
    fn save(&mut self, i: usize, value: Value, ctx: &mut Ctx) -> bool {
        let name = self.form.questions[i].name.clone();
        self.untouched_new = false;
        if let Err(e) = ctx.store.save_answer(&ctx.actor(), self.id, &name, &value) {
            ctx.error(format!("Not saved: {e}"));
            return false;
        }
        self.refused.remove(&i);
        if value.is_null() {
            self.answers.remove(&name);
        } else {
            self.answers.insert(name, value);
        }
        self.outcome = evaluate(&self.form, &self.answers, self.today);
        true
    }

    /// Reads what was typed into the focused question; true when it was accepted (or nothing changed).
    fn commit(&mut self, ctx: &mut Ctx) -> bool {
        let i = self.focus;
        if !self.is_typed(i) {
            return true;
        }
        let q = &self.form.questions[i];
        let typed = self.input.value();
        let current = self
            .answers
            .get(&q.name)
            .map(Value::to_text)
            .unwrap_or_default();
        if typed == current && !self.refused.contains_key(&i) {
            self.drop_typing(ctx);
            return true;
        }
        match parse_answer(q, &typed) {
            Ok(v) => {
                let saved = self.save(i, v, ctx);
                if saved {
                    self.drop_typing(ctx);
                }
                saved
            }
            Err(message) => {
                self.refused.insert(i, (typed, message));
                false
            }
        }
    }

    /// A number key on a choice question: picks it (or, for several choices, adds or removes it).
    fn pick(&mut self, c: char, ctx: &mut Ctx) -> bool {
        let i = self.focus;
        let q = &self.form.questions[i];
        let k = match (q.kind, c.to_ascii_lowercase()) {
            (QuestionKind::YesNo, 'y') => 1,
            (QuestionKind::YesNo, 'n') => 2,
            (_, d) => match d.to_digit(10) {
                Some(d) if d >= 1 && (d as usize) <= q.choices.len() => d as usize,
                _ => {
                    ctx.error(format!("Type a number from 1 to {}.", q.choices.len()));
                    return false;
                }
            },
        };
        let value = match q.kind {
            QuestionKind::YesNo => Value::Bool(k == 1),
            QuestionKind::SelectOne => Value::Text(q.choices[k - 1].value.clone()),
            _ => {
                let mut picked = match self.answers.get(&q.name) {
                    Some(Value::List(l)) => l.clone(),
                    _ => Vec::new(),
                };
                let v = q.choices[k - 1].value.clone();
                if let Some(at) = picked.iter().position(|p| *p == v) {
                    picked.remove(at);
                } else {
                    picked.push(v);
                }
                picked.sort_by_key(|v| q.choices.iter().position(|c| &c.value == v));
                if picked.is_empty() {
                    Value::Null
                } else {
                    Value::List(picked)
                }
            }
        };
        let several = q.kind == QuestionKind::SelectMultiple;
        if self.save(i, value, ctx) && !several {
            self.move_focus(true);
        }
        true
    }

    /// The first question, after the focused one and round again, that is unanswered or not accepted.
    fn next_issue(&mut self) -> bool {
        let mut issues: Vec<usize> = self.outcome.missing.clone();
        issues.extend(self.outcome.invalid.iter().map(|p| p.question));
        issues.extend(self.refused.keys().copied());
        issues.sort_unstable();
        issues.dedup();
        let Some(&i) = issues
            .iter()
            .find(|&&i| i > self.focus)
            .or_else(|| issues.first())
        else {
            return false;
        };
        self.section = self.form.questions[i].section;
        self.set_focus(i);
        true
    }

    pub(super) fn counts(&self) -> (usize, usize, usize) {
        let required: Vec<usize> = (0..self.form.questions.len())
            .filter(|&i| self.form.questions[i].required && self.outcome.relevant[i])
            .collect();
        let answered = required
            .iter()
            .filter(|&&i| !self.outcome.missing.contains(&i))
            .count();
        let refused = self.outcome.invalid.len() + self.refused.len();
        (answered, required.len(), refused)
    }

    fn answer_text(&self, i: usize) -> String {
        let q = &self.form.questions[i];
        let v = &self.outcome.values[i];
        let stored = self.answers.get(&q.name);
        match (q.kind, stored.unwrap_or(v)) {
            (_, Value::Null) => String::new(),
            (QuestionKind::SelectOne, Value::Text(s)) => {
                q.choice(s).map_or(s.clone(), |c| c.label.text.clone())
            }
            (QuestionKind::SelectMultiple, Value::List(l)) => l
                .iter()
                .map(|s| q.choice(s).map_or(s.clone(), |c| c.label.text.clone()))
                .collect::<Vec<_>>()
                .join(", "),
            (_, v) => v.to_text(),
        }
    }

    /// Whether question `i`'s answer is still what the register record gave it.
    fn taken_from_record(&self, i: usize) -> bool {
        let q = &self.form.questions[i];
        !self.refused.contains_key(&i)
            && self
                .from_record
                .get(&q.name)
                .is_some_and(|v| self.answers.get(&q.name) == Some(v))
    }

    fn message_for(&self, i: usize) -> Option<String> {
        if let Some((_, m)) = self.refused.get(&i) {
            return Some(m.clone());
        }
        self.outcome
            .invalid
            .iter()
            .find(|p| p.question == i)
            .map(|p| p.message.text.clone())
    }

    /// The question lines, the line of the focused question, and the column of its value where the terminal
    /// cursor goes.
    fn lines(&self, theme: &Theme, width: usize) -> (Vec<Line<'static>>, usize, usize) {
        let mut lines = Vec::new();
        let mut focus_line = 0;
        let mut focus_col = 0;
        let value_cols = width.saturating_sub(LABEL_COLS + 3);
        for i in self.shown() {
            let q = &self.form.questions[i];
            let label = text::display(&q.label.text).into_owned();
            if !q.kind.is_answered() {
                let style = theme.dim();
                let shown = if q.kind == QuestionKind::Calculate {
                    format!("{} = {}", label, self.outcome.values[i].to_text())
                } else {
                    label
                };
                for part in text::wrap(&shown, width.saturating_sub(2)) {
                    lines.push(Line::from(Span::styled(format!("  {part}"), style)));
                }
                continue;
            }
            let focused = i == self.focus;
            if focused {
                focus_line = lines.len();
            }
            let mark = if focused { theme.pointer() } else { " " };
            let star = if q.required { "*" } else { " " };
            // The focused question's label is shown whole, wrapped under its first line; the others are cut to
            // their column so the list stays one row a question.
            let (head, rest) = if focused && 1 + text::width(&label) > LABEL_COLS {
                let mut parts = text::wrap(&label, LABEL_COLS - 1).into_iter();
                let first = parts.next().unwrap_or_default();
                (format!("{star}{first}"), parts.collect())
            } else {
                (text::fit(&format!("{star}{label}"), LABEL_COLS), Vec::new())
            };
            let pad = " ".repeat(LABEL_COLS.saturating_sub(text::width(&head)));
            // Focus is the '>' mark and the terminal's cursor, as on the edit form: a reversed label would
            // repaint two whole labels on every move, which a 9600-baud line feels.
            let value = if focused && self.is_typed(i) {
                let (shown, col) = self.input.view(value_cols);
                focus_col = 1 + LABEL_COLS + 2 + col;
                shown
            } else {
                if focused {
                    focus_col = 1 + LABEL_COLS + 2;
                }
                String::new()
            };
            let recorded = self.taken_from_record(i);
            let mut row = vec![
                Span::raw(mark.to_string()),
                Span::styled(format!("{head}{pad}"), theme.label()),
                Span::raw("  "),
            ];
            if focused && self.is_typed(i) {
                row.push(Span::raw(value));
            } else if recorded {
                // Marked in words, so it reads the same without colour.
                let tag = format!(" {}", crate::i18n::t("assessment-from-record-mark"));
                let shown = text::fit(
                    &text::display(&self.answer_text(i)),
                    value_cols.saturating_sub(text::width(&tag)),
                );
                row.push(Span::raw(shown));
                row.push(Span::styled(tag, theme.dim()));
            } else {
                row.push(Span::raw(text::fit(
                    &text::display(&self.answer_text(i)),
                    value_cols,
                )));
            }
            lines.push(Line::from(row));
            for part in rest {
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(part, theme.label()),
                ]));
            }
            if let Some(m) = self.message_for(i) {
                let m = text::fit(&format!("! {}", text::display(&m)), width.saturating_sub(4));
                lines.push(Line::from(Span::styled(format!("    {m}"), theme.error())));
            }
            if focused {
                if recorded {
                    let note = crate::i18n::t("assessment-from-record-hint");
                    for part in text::wrap(&note, width.saturating_sub(4)) {
                        lines.push(Line::from(Span::styled(format!("    {part}"), theme.dim())));
                    }
                }
                if let Some(h) = &q.hint {
                    for part in text::wrap(&text::display(&h.text), width.saturating_sub(4)) {
                        lines.push(Line::from(Span::styled(format!("    {part}"), theme.dim())));
                    }
                }
                let choices: Vec<String> = q
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(k, c)| format!("{} {}", k + 1, text::display(&c.label.text)))
                    .collect();
                if !choices.is_empty() {
                    for part in text::wrap(&choices.join("   "), width.saturating_sub(4)) {
                        lines.push(Line::from(Span::styled(format!("    {part}"), theme.key())));
                    }
                }
            }
        }
        (lines, focus_line, focus_col)
    }
}

impl Screen for AssessmentScreen {
    fn title(&self) -> String {
        format!("{} | {}", self.form.title.text, self.who)
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::Select,
            Action::NextIssue,
            Action::PageDown,
            Action::Save,
            Action::Back,
        ]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Select => "answer",
            Action::PageDown => "section",
            Action::Save => "review",
            Action::Back => "leave (saved)",
            a => a.describe(),
        }
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "assessment-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let choice = !self.is_typed(self.focus);
        match action {
            Action::Back if self.untouched_new => {
                let actor = ctx.actor();
                match ctx.store.discard_assessment(&actor, self.id) {
                    Ok(()) => ctx.info(crate::i18n::t("assessment-left-untouched")),
                    Err(e) => ctx.error(crate::i18n::t_args(
                        "assessment-cannot-discard",
                        &[("error", e.to_string().into())],
                    )),
                }
                AssessmentScreen::leave(self.then_record, ctx)
            }
            Action::Back => {
                if !self.commit(ctx) {
                    ctx.info(
                        "Left with an answer not accepted; everything else is saved in your draft.",
                    );
                } else {
                    ctx.info("Draft saved: A on the record continues it.");
                }
                AssessmentScreen::leave(self.then_record, ctx)
            }
            Action::Save => {
                self.commit(ctx);
                // A refused answer on screen is not the saved one: finalising now would record the old value.
                if let Some(&first) = self.refused.keys().next() {
                    let n = self.refused.len();
                    self.section = self.form.questions[first].section;
                    self.set_focus(first);
                    ctx.error(format!(
                        "{n} answer{} not accepted: correct or clear {} before the review.",
                        if n == 1 { " is" } else { "s are" },
                        if n == 1 { "it" } else { "them" }
                    ));
                    return Outcome::Handled;
                }
                Outcome::Replace(Box::new(super::assessment_review::ReviewScreen::new(self)))
            }
            Action::Select | Action::NextField | Action::Down => {
                if self.commit(ctx) || action == Action::Down {
                    self.move_focus(true);
                }
                Outcome::Handled
            }
            Action::Up | Action::PrevField => {
                self.commit(ctx);
                self.move_focus(false);
                Outcome::Handled
            }
            Action::PageDown | Action::PageUp => {
                self.commit(ctx);
                self.change_section(action == Action::PageDown);
                Outcome::Handled
            }
            Action::NextIssue => {
                self.commit(ctx);
                if !self.next_issue() {
                    ctx.info("Every required question is answered: F2 to review.");
                }
                Outcome::Handled
            }
            Action::Char(c) if choice => {
                self.pick(c, ctx);
                Outcome::Handled
            }
            Action::Backspace | Action::Delete if choice => {
                self.save(self.focus, Value::Null, ctx);
                Outcome::Handled
            }
            other if !choice && self.input.handle(other) => {
                self.keep_typing(ctx);
                Outcome::Handled
            }
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(1) as usize;
        let s = &self.form.sections[self.section];
        // Sections that do not apply (a women's section for a man) are skipped by paging, so not counted either.
        let applying = self.applying_sections();
        let (answered, required, refused) = self.counts();
        let mut status = format!("Answered {answered} of {required} required");
        if refused > 0 {
            status.push_str(&format!(", {refused} not accepted"));
        }
        let head = vec![
            Line::from(Span::styled(
                text::fit(
                    &format!(
                        "Section {} of {}: {}",
                        applying
                            .iter()
                            .filter(|&&a| a <= self.section)
                            .count()
                            .max(1),
                        applying.len().max(1),
                        text::display(&s.title.text)
                    ),
                    width,
                ),
                theme.heading(),
            )),
            Line::from(Span::raw(status)),
        ];
        frame.render_widget(
            Paragraph::new(head),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 2),
        );
        let body = Rect::new(
            area.x,
            area.y + 3,
            area.width,
            area.height.saturating_sub(3),
        );
        let (lines, focus_line, focus_col) = self.lines(theme, width);
        // Keep the focused question and the lines under it (hint, choices) in view.
        let rows = body.height as usize;
        let scroll = (focus_line + 4).saturating_sub(rows).min(focus_line);
        let answered = self
            .form
            .questions
            .get(self.focus)
            .is_some_and(|q| q.kind.is_answered());
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), body);
        if answered && focus_line >= scroll && focus_line - scroll < rows {
            let x = (body.x as usize + focus_col).min(body.right().saturating_sub(1) as usize);
            frame.set_cursor_position(Position::new(
                x as u16,
                body.y + (focus_line - scroll) as u16,
            ));
        }
    }
}
