//! A form: labelled fields (text, secret, choice) edited by keyboard, one per row, with errors at the field.

use super::input::{self, Input};
use crate::domain::text::{self, fold};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Input),
    /// Options as (value, label); Left/Right cycles, typing jumps to the first label that starts with it.
    Choice {
        options: Vec<(String, String)>,
        index: usize,
        typed: String,
        /// Typed text that starts no option is kept and becomes the value (see [`FormField::exact_choice`]).
        exact: bool,
    },
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub key: String,
    pub label: String,
    pub value: FieldValue,
    pub read_only: bool,
    pub error: Option<String>,
}

impl FormField {
    pub fn text(key: &str, label: &str, value: &str) -> FormField {
        FormField {
            key: key.into(),
            label: label.into(),
            value: FieldValue::Text(Input::new(value)),
            read_only: false,
            error: None,
        }
    }

    pub fn secret(key: &str, label: &str) -> FormField {
        FormField {
            value: FieldValue::Text(Input::secret()),
            ..FormField::text(key, label, "")
        }
    }

    pub fn choice(
        key: &str,
        label: &str,
        options: Vec<(String, String)>,
        current: &str,
    ) -> FormField {
        let index = options.iter().position(|(v, _)| v == current).unwrap_or(0);
        FormField {
            value: FieldValue::Choice {
                options,
                index,
                typed: String::new(),
                exact: false,
            },
            ..FormField::text(key, label, "")
        }
    }

    /// A choice that also takes a typed code: what is typed jumps to the first option that starts with it, as
    /// in any choice, but text that starts none is kept, shown, and is the field's value, so the screen refuses
    /// it on the field instead of silently keeping another option. With no options its value is empty.
    pub fn exact_choice(
        key: &str,
        label: &str,
        options: Vec<(String, String)>,
        current: &str,
    ) -> FormField {
        let mut field = FormField::choice(key, label, options, current);
        if let FieldValue::Choice { exact, .. } = &mut field.value {
            *exact = true;
        }
        field
    }

    /// A choice whose options are their own labels.
    pub fn words(key: &str, label: &str, words: &[&str], current: &str) -> FormField {
        let options = words
            .iter()
            .map(|w| (w.to_string(), w.to_string()))
            .collect();
        FormField::choice(key, label, options, current)
    }

    /// Words as an [`FormField::exact_choice`]: text that starts none of them is kept as the value, so the screen
    /// refuses it on the field instead of saving whichever word was showing.
    pub fn exact_words(key: &str, label: &str, words: &[&str], current: &str) -> FormField {
        let options = words
            .iter()
            .map(|w| (w.to_string(), w.to_string()))
            .collect();
        FormField::exact_choice(key, label, options, current)
    }

    pub fn read_only(mut self) -> FormField {
        self.read_only = true;
        self
    }

    pub fn value(&self) -> String {
        match &self.value {
            FieldValue::Text(i) => i.value(),
            FieldValue::Choice {
                options,
                index,
                typed,
                exact,
            } => {
                if *exact && !typed.is_empty() && choice_match(options, typed).is_none() {
                    return typed.clone();
                }
                options
                    .get(*index)
                    .map(|(v, _)| v.clone())
                    .unwrap_or_default()
            }
        }
    }
}

/// The first option whose value or label starts with `typed`, ignoring case and accents.
fn choice_match(options: &[(String, String)], typed: &str) -> Option<usize> {
    let wanted = fold(typed);
    options
        .iter()
        .position(|(v, l)| fold(v).starts_with(&wanted) || fold(l).starts_with(&wanted))
}

#[derive(Debug, Clone)]
pub struct Form {
    pub fields: Vec<FormField>,
    pub focus: usize,
    scroll: usize,
    pub dirty: bool,
    pub label_width: u16,
    /// Set by a first Esc on a changed form, so a second one discards; any other key disarms it.
    pub leave_armed: bool,
    /// The values the form opened with, so a draft holds only what the person changed.
    initial: std::collections::BTreeMap<String, String>,
    /// "Label: why", when the last key was a character no stored text may hold; see [`Form::take_refusal`].
    refusal: Option<String>,
}

impl Form {
    pub fn new(fields: Vec<FormField>) -> Form {
        let mut form = Form {
            fields,
            focus: 0,
            scroll: 0,
            dirty: false,
            // With the focus mark and a space, values start at column 24 (a tab stop: one HT byte away).
            label_width: 22,
            leave_armed: false,
            initial: Default::default(),
            refusal: None,
        };
        form.initial = form.values();
        if form.fields.first().is_some_and(|f| f.read_only) {
            form.move_focus(1);
        }
        form
    }

    pub fn get(&self, key: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(FormField::value)
            .unwrap_or_default()
    }

    /// Every field's value by key, for drafts.
    pub fn values(&self) -> std::collections::BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|f| !f.read_only)
            .map(|f| (f.key.clone(), f.value()))
            .collect()
    }

    /// Only the fields whose value differs from what the form opened with.
    pub fn changed_values(&self) -> std::collections::BTreeMap<String, String> {
        let mut values = self.values();
        values.retain(|k, v| self.initial.get(k) != Some(v));
        values
    }

    /// Puts back values saved by `values`; unknown keys and choices no longer offered are skipped.
    pub fn restore(&mut self, values: &std::collections::BTreeMap<String, String>) {
        for field in self.fields.iter_mut().filter(|f| !f.read_only) {
            let Some(v) = values.get(&field.key) else {
                continue;
            };
            match &mut field.value {
                FieldValue::Text(input) => input.set(v),
                FieldValue::Choice {
                    options,
                    index,
                    typed,
                    exact,
                } => {
                    if let Some(i) = options.iter().position(|(value, _)| value == v) {
                        *index = i;
                    } else if *exact {
                        *typed = v.clone();
                    }
                }
            }
        }
        self.dirty = true;
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut FormField> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn focused_key(&self) -> &str {
        self.fields
            .get(self.focus)
            .map(|f| f.key.as_str())
            .unwrap_or("")
    }

    /// True when the focused field takes typed letters (so letter keys are text, not commands).
    /// How many fields take input (Tab has somewhere to go only with two or more).
    pub fn editable_fields(&self) -> usize {
        self.fields.iter().filter(|f| !f.read_only).count()
    }

    /// Whether the focused field is a choice (Left and Right change it); on a text field they move the cursor.
    pub fn focused_is_choice(&self) -> bool {
        self.fields
            .get(self.focus)
            .is_some_and(|f| !f.read_only && matches!(f.value, FieldValue::Choice { .. }))
    }

    pub fn wants_text(&self) -> bool {
        self.fields.get(self.focus).is_some_and(|f| !f.read_only)
    }

    pub fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Marks a field wrong and moves the focus to it.
    pub fn set_error(&mut self, key: &str, message: impl Into<String>) {
        if let Some(i) = self.fields.iter().position(|f| f.key == key) {
            self.fields[i].error = Some(message.into());
            self.focus = i;
        }
    }

    pub fn first_error(&self) -> Option<String> {
        self.fields
            .iter()
            .find_map(|f| f.error.as_ref().map(|e| format!("{}: {e}", f.label)))
    }

    /// The message for a refused character typed or pasted since the last call, naming the field, for the
    /// message line (the field itself is marked too).
    pub fn take_refusal(&mut self) -> Option<String> {
        self.refusal.take()
    }

    fn move_focus(&mut self, step: isize) {
        let n = self.fields.len();
        if n == 0 {
            return;
        }
        let mut i = self.focus;
        for _ in 0..n {
            i = ((i as isize + step).rem_euclid(n as isize)) as usize;
            if !self.fields[i].read_only {
                self.focus = i;
                return;
            }
        }
    }

    /// Handles navigation and editing; returns true when something changed on screen.
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::NextField | Action::Down => {
                self.move_focus(1);
                return true;
            }
            Action::PrevField | Action::Up => {
                self.move_focus(-1);
                return true;
            }
            _ => {}
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        if field.read_only {
            return false;
        }
        let changed = match &mut field.value {
            FieldValue::Text(input) => {
                let changed = input.handle(action);
                // Said on the message line, naming the field; the field is not marked wrong, as what it holds is
                // fine (and it keeps its focus mark).
                if let Some(c) = input::take_refused_char() {
                    self.refusal = Some(format!("{}: {}", field.label, text::refusal(c)));
                    return true;
                }
                changed
            }
            FieldValue::Choice {
                options,
                index,
                typed,
                exact,
            } => {
                let n = options.len().max(1);
                match action {
                    Action::Right => {
                        *index = (*index + 1) % n;
                        typed.clear();
                        true
                    }
                    Action::Left => {
                        *index = (*index + n - 1) % n;
                        typed.clear();
                        true
                    }
                    Action::Char(c) => {
                        typed.push(c);
                        if let Some(i) = choice_match(options, typed) {
                            *index = i;
                        } else if !*exact {
                            typed.pop();
                        }
                        true
                    }
                    Action::Backspace => {
                        typed.pop();
                        if let Some(i) = choice_match(options, typed) {
                            *index = i;
                        }
                        true
                    }
                    _ => false,
                }
            }
        };
        if changed {
            field.error = None;
            self.dirty = true;
        }
        changed
    }

    /// Draws the fields in `area`, keeping the focused one in view, and places the cursor in it.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let rows = area.height as usize;
        if rows == 0 {
            return;
        }
        let scroll = if self.focus < self.scroll {
            self.focus
        } else if self.focus >= self.scroll + rows {
            self.focus + 1 - rows
        } else {
            self.scroll
        };
        let label_w = self.label_width as usize;
        let value_w = (area.width as usize).saturating_sub(label_w + 3);
        let mut lines = Vec::new();
        let mut cursor = None;
        for (i, f) in self.fields.iter().enumerate().skip(scroll).take(rows) {
            let focused = i == self.focus;
            let mark = if f.error.is_some() {
                "!"
            } else if focused {
                theme.pointer()
            } else {
                " "
            };
            let label = format!("{:<w$} ", text::fit(&f.label, label_w), w = label_w);
            let (shown, col) = match &f.value {
                // Only the focused field follows its cursor; the others show their beginning.
                FieldValue::Text(input) if focused => input.view(value_w.saturating_sub(1)),
                FieldValue::Text(input) => {
                    let shown = if input.secret {
                        // One star a letter, as the focused view shows it.
                        "*".repeat(input.value().graphemes(true).count())
                    } else {
                        input.value()
                    };
                    (text::fit(&text::display(&shown), value_w), 0)
                }
                FieldValue::Choice {
                    options,
                    index,
                    typed,
                    exact,
                } => {
                    let s = if *exact && !typed.is_empty() && choice_match(options, typed).is_none()
                    {
                        crate::i18n::t_args(
                            "form-choice-no-match",
                            &[("typed", text::display(typed).into_owned().into())],
                        )
                    } else {
                        let l = options.get(*index).map(|(_, l)| l.as_str()).unwrap_or("");
                        format!("< {} >", text::display(l))
                    };
                    (text::fit(&s, value_w), 0)
                }
            };
            // Focus is the '>' mark and the terminal's cursor, not a highlighted field: a highlight costs a
            // repaint of two whole fields on every Tab, which a 9600-baud line feels.
            let value_style = if f.read_only {
                theme.dim()
            } else {
                theme.base()
            };
            let pad = value_w.saturating_sub(text::width(&shown));
            let label_style = if f.error.is_some() {
                theme.error()
            } else {
                theme.label()
            };
            // The focus mark is in the plain style, so moving it needs no change of colour on the line.
            let mark_style = if f.error.is_some() {
                theme.error()
            } else {
                theme.base()
            };
            lines.push(Line::from(vec![
                Span::styled(mark, mark_style),
                Span::styled(label, label_style),
                Span::styled(format!("{shown}{}", " ".repeat(pad)), value_style),
            ]));
            // Choices take the cursor too (at their first column), so focus shows the same way on every field.
            if focused && !f.read_only {
                let y = area.y + (i - scroll) as u16;
                let x = area.x + (label_w + 2 + col) as u16;
                cursor = Some(Position::new(x.min(area.right().saturating_sub(1)), y));
            }
        }
        frame.render_widget(Paragraph::new(lines), area);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }

    /// Remembers the scroll position after a render so the view does not jump (called by screens on focus moves).
    pub fn keep_in_view(&mut self, rows: usize) {
        if rows == 0 {
            return;
        }
        if self.focus < self.scroll {
            self.scroll = self.focus;
        } else if self.focus >= self.scroll + rows {
            self.scroll = self.focus + 1 - rows;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(vec![
            FormField::text("number", "Number", "UG/1").read_only(),
            FormField::text("name", "Name", ""),
            FormField::words("sex", "Sex", &["male", "female"], "male"),
        ])
    }

    #[test]
    fn focus_skips_read_only_fields_and_wraps() {
        let mut f = form();
        assert_eq!(f.focused_key(), "name");
        f.handle(Action::NextField);
        assert_eq!(f.focused_key(), "sex");
        f.handle(Action::NextField);
        assert_eq!(f.focused_key(), "name");
        f.handle(Action::PrevField);
        assert_eq!(f.focused_key(), "sex");
    }

    #[test]
    fn choices_cycle_and_jump_by_typing() {
        let mut f = form();
        f.handle(Action::NextField);
        f.handle(Action::Right);
        assert_eq!(f.get("sex"), "female");
        f.handle(Action::Char('m'));
        assert_eq!(f.get("sex"), "male");
        f.handle(Action::Char('z'));
        assert_eq!(f.get("sex"), "male", "no option starts with mz");
    }

    #[test]
    fn an_exact_choice_keeps_text_that_matches_no_option_as_its_value() {
        let options = vec![
            ("MUK01".to_string(), "MUK01 - Mukono".to_string()),
            ("KIR".to_string(), "KIR - Kirinya".to_string()),
        ];
        let mut f = Form::new(vec![FormField::exact_choice(
            "to",
            "To",
            options.clone(),
            "",
        )]);
        for c in "WAK01".chars() {
            f.handle(Action::Char(c));
        }
        assert_eq!(f.get("to"), "WAK01", "not the first option, MUK01");
        for _ in 0..5 {
            f.handle(Action::Backspace);
        }
        f.handle(Action::Char('k'));
        assert_eq!(f.get("to"), "KIR");
        // A plain choice still drops letters that start nothing: it always holds one of its options.
        let mut plain = Form::new(vec![FormField::choice("to", "To", options, "")]);
        for c in "WAK01".chars() {
            plain.handle(Action::Char(c));
        }
        assert_eq!(plain.get("to"), "KIR");
        // With nothing to offer, nothing is chosen.
        let empty = Form::new(vec![FormField::exact_choice("to", "To", vec![], "")]);
        assert_eq!(empty.get("to"), "");
    }

    #[test]
    fn errors_move_the_focus_and_clear_on_edit() {
        let mut f = form();
        f.handle(Action::NextField);
        f.set_error("name", "required");
        assert_eq!(f.focused_key(), "name");
        assert_eq!(f.first_error().unwrap(), "Name: required");
        f.handle(Action::Char('x'));
        assert!(f.first_error().is_none());
        assert!(f.dirty);
    }

    #[test]
    fn a_refused_character_is_not_typed_and_names_the_field() {
        let mut f = form();
        f.handle(Action::Char('\u{202E}'));
        assert_eq!(f.get("name"), "");
        let said = f.take_refusal().unwrap();
        assert!(
            said.starts_with("Name: ") && said.contains("U+202E"),
            "{said}"
        );
        assert_eq!(f.take_refusal(), None);
    }
}
