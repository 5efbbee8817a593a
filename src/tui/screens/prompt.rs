//! A small popup that asks for one or two things (a reason, a choice) before an action, shows why it is asked
//! (refusals, warnings), and runs the action on F2. The screen beneath reloads when it closes.

use super::{Ctx, FormKey, Outcome, Reply, Screen};
use crate::domain::invalid::Invalid;
use crate::domain::text;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use std::collections::BTreeMap;

/// What F2 does with the form's values: a message for the status line, or a refusal that keeps the popup open
/// (marked at its field when it names one of this prompt's).
pub type Submit = Box<dyn FnMut(&BTreeMap<String, String>, &mut Ctx) -> Result<String, Invalid>>;

/// The same for a prompt that also hands a typed value on (what was chosen, the record it opened).
pub type SubmitValue<T> =
    Box<dyn FnMut(&BTreeMap<String, String>, &mut Ctx) -> Result<(String, T), Invalid>>;

/// The word a prompt's field holds as the domain value it names; a word the domain does not know is refused at
/// that field rather than read as some default (the prompt offers only known words, so this guards drafts and
/// changed lists).
pub fn word<T>(
    values: &BTreeMap<String, String>,
    key: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, crate::domain::invalid::FieldError> {
    let typed = values.get(key).map(String::as_str).unwrap_or("");
    parse(typed).ok_or_else(|| {
        let why = crate::i18n::t_args("field-not-a-choice", &[("value", typed.to_string().into())]);
        crate::domain::invalid::FieldError::new(key, why)
    })
}

/// Makes the screen to open in a popup's place from its value (None: back to the screen beneath).
pub type Then<T> = Box<dyn FnMut(T, &mut Ctx) -> Option<Box<dyn Screen>>>;

/// After a successful F2, where the value goes.
enum Next<T> {
    /// Back to the screen beneath.
    Back,
    /// The screen to open in the popup's place, made from the value (None: back to the screen beneath).
    Open(Then<T>),
    /// To the screen beneath, as a typed reply ([`Screen::reply`]).
    Reply(fn(T) -> Reply),
}

/// A small popup; `T` is what a successful F2 hands on (nothing, for most).
pub struct PromptScreen<T = ()> {
    title: String,
    /// Lines above the fields; a line starting with "! " is drawn as a warning.
    about: Vec<String>,
    form: Form,
    submit: SubmitValue<T>,
    next: Next<T>,
    save_word: &'static str,
    /// Where what is typed is kept until F2 or a deliberate leave (a reason, a comment): a dropped line or a
    /// power cut then loses nothing. None for prompts with nothing worth keeping.
    draft_key: Option<String>,
}

impl PromptScreen<()> {
    pub fn new(
        title: impl Into<String>,
        about: Vec<String>,
        fields: Vec<FormField>,
        save_word: &'static str,
        mut submit: Submit,
    ) -> PromptScreen<()> {
        PromptScreen::with_value(
            title,
            about,
            fields,
            save_word,
            Box::new(move |values, ctx| submit(values, ctx).map(|message| (message, ()))),
        )
    }
}

impl<T: 'static> PromptScreen<T> {
    /// A prompt whose F2 also produces a value, for [`PromptScreen::then_open`] or [`PromptScreen::reply_with`].
    pub fn with_value(
        title: impl Into<String>,
        about: Vec<String>,
        fields: Vec<FormField>,
        save_word: &'static str,
        submit: SubmitValue<T>,
    ) -> PromptScreen<T> {
        PromptScreen {
            title: title.into(),
            about,
            form: Form::new(fields),
            submit,
            next: Next::Back,
            save_word,
            draft_key: None,
        }
    }

    /// Keeps what is typed as a draft under `key` (restored the next time this prompt opens with that key).
    pub fn with_draft(mut self, key: impl Into<String>, ctx: &mut Ctx) -> PromptScreen<T> {
        let key = key.into();
        super::restore_draft(&mut self.form, &key, ctx);
        self.draft_key = Some(key);
        self
    }

    /// Opens the screen `then` makes from the value after a successful F2, instead of going back to the screen
    /// beneath.
    pub fn then_open(mut self, then: Then<T>) -> PromptScreen<T> {
        self.next = Next::Open(then);
        self
    }

    /// Hands the value to the screen beneath as `reply(value)` after a successful F2.
    pub fn reply_with(mut self, reply: fn(T) -> Reply) -> PromptScreen<T> {
        self.next = Next::Reply(reply);
        self
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        self.form.clear_errors();
        let values = self.form.values();
        match (self.submit)(&values, ctx) {
            Ok((message, value)) => {
                if let Some(key) = &self.draft_key {
                    super::drop_draft(key, ctx);
                }
                ctx.info(message);
                match &mut self.next {
                    Next::Back => Outcome::Pop,
                    Next::Open(then) => match then(value, ctx) {
                        Some(next) => Outcome::Replace(next),
                        None => Outcome::Pop,
                    },
                    Next::Reply(reply) => Outcome::PopWith(reply(value)),
                }
            }
            Err(refusal) => {
                if let Some(e) = refusal.field() {
                    super::mark_field(&mut self.form, e);
                }
                ctx.error(format!("Not done: {refusal}"));
                Outcome::Handled
            }
        }
    }
}

impl<T: 'static> Screen for PromptScreen<T> {
    fn title(&self) -> String {
        self.title.clone()
    }

    fn footer(&self) -> Vec<Action> {
        // With one field there is nothing for Tab to move to.
        if self.form.fields.len() <= 1 {
            return vec![Action::Save, Action::Back];
        }
        vec![Action::Save, Action::NextField, Action::Back]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Save => self.save_word,
            other => other.describe(),
        }
    }

    fn scope(&self) -> Scope {
        if self.form.wants_text() {
            Scope::Text
        } else {
            Scope::Browse
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args("prompt-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn is_popup(&self) -> bool {
        true
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        // In a one-field popup Enter finishes, as in any dialog: there is no next field for it to move to.
        if action == Action::Select && self.form.fields.len() <= 1 {
            return self.save(ctx);
        }
        match super::form_key(&mut self.form, action, ctx) {
            FormKey::Save => self.save(ctx),
            FormKey::Leave => {
                if let Some(key) = &self.draft_key {
                    super::drop_draft(key, ctx);
                }
                Outcome::Pop
            }
            FormKey::Done(outcome) => {
                if let (Outcome::Handled, Some(key)) = (&outcome, &self.draft_key) {
                    super::keep_draft(&self.form, key, ctx);
                }
                outcome
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(4).min(76);
        let inner_width = width.saturating_sub(2) as usize;
        let mut lines: Vec<Line> = Vec::new();
        for line in &self.about {
            let (style, body) = match line.strip_prefix("! ") {
                Some(rest) => (theme.warning(), rest),
                None => (theme.base(), line.as_str()),
            };
            for part in text::wrap(&text::display(body), inner_width.max(10)) {
                lines.push(Line::from(Span::styled(part, style)));
            }
        }
        let about_rows = lines.len() as u16;
        let fields = self.form.fields.len() as u16;
        let height = (about_rows + fields + 3).min(area.height);
        let popup = Rect::new(
            area.x + (area.width.saturating_sub(width)) / 2,
            area.y + (area.height.saturating_sub(height)) / 2,
            width,
            height,
        );
        frame.render_widget(Clear, popup);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(format!(" {} ", text::display(&self.title)));
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let about_height = about_rows.min(inner.height.saturating_sub(fields + 1));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            Rect::new(inner.x, inner.y, inner.width, about_height),
        );
        let form_y = inner.y + about_height + 1;
        self.form.render(
            frame,
            Rect::new(
                inner.x,
                form_y,
                inner.width,
                fields.min((inner.y + inner.height).saturating_sub(form_y)),
            ),
            theme,
        );
    }
}
