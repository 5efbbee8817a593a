//! A person's non-associations: who they are kept apart from, why and how far; n records a new one (the other
//! person found by name or number with the same search as the search screen, and named before saving), Enter on
//! an open one closes it with a reason. Nothing is deleted.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
use crate::domain::text;
use crate::i18n::{t, t_args};
use crate::store::{NaRow, PrisonerRow, SearchHit};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows of the list (with its header) at 80x24; the rest shows the selected record or the form.
const LIST_ROWS: u16 = 7;
/// People offered for the other person while recording: the list's rows less its header.
const PICK_ROWS: usize = LIST_ROWS as usize - 1;

enum Mode {
    Browse,
    Add(Form),
    Close(Form),
}

pub struct NonAssociationsScreen {
    prisoner_id: i64,
    who: String,
    rows: Vec<NaRow>,
    selection: Selection,
    mode: Mode,
    /// Whether a record is in force depends on the day; rendering takes no clock, so it is kept here.
    today: NaiveDate,
    /// While recording: the people the other-person field's text finds (this person left out), best first, and
    /// the one chosen (Up and Down in that field).
    picks: Vec<SearchHit>,
    pick: usize,
    /// The text `picks` were found for.
    picked_for: String,
}

fn words<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| as_str(*v)).collect()
}

/// "until 2026-12-31", "closed 2026-11-30" or "" for an open record without expiry.
fn until(na: &NonAssociation) -> String {
    match (&na.closed, na.expiry) {
        (Some(c), _) => format!("closed {}", c.at.get(..10).unwrap_or(&c.at)),
        (None, Some(e)) => e.to_string(),
        (None, None) => String::new(),
    }
}

/// The lines the record shows for one open non-association, wrapped to `width`.
pub fn describe(row: &NaRow, prisoner_id: i64, today: NaiveDate, width: usize) -> Vec<String> {
    let na = &row.na;
    let theirs = na.other(prisoner_id).map(|(_, r)| r.as_str()).unwrap_or("");
    let mine = na.role_of(prisoner_id).map(|r| r.as_str()).unwrap_or("");
    let place = match (&row.other_facility, &row.other_cell) {
        (Some(f), Some(c)) => format!(", now in {f} cell {c}"),
        (Some(f), None) => format!(", now in {f}"),
        _ => String::new(),
    };
    let mut first = format!(
        "{} {} ({theirs}; this person {mine}){place}",
        row.other_number, row.other_name
    );
    if !na.active_on(today) && na.closed.is_none() {
        first.push_str(" - not in force today");
    }
    let period = match na.expiry {
        Some(e) => format!("since {} until {e}", na.start),
        None => format!("since {}", na.start),
    };
    let second = format!(
        "{}, not in the same {}, {period}: {}",
        na.reason, na.scope, na.comment
    );
    let mut out = Vec::new();
    for (i, part) in text::wrap(&text::display(&first), width.saturating_sub(2))
        .into_iter()
        .enumerate()
    {
        out.push(format!("{}{part}", if i == 0 { "  " } else { "    " }));
    }
    for part in text::wrap(&text::display(&second), width.saturating_sub(4)) {
        out.push(format!("    {part}"));
    }
    out
}

/// The roles, reason and scope chosen on the add form. The form offers only these words, but one it does not
/// know (a draft from an older warden) is refused at its field, never recorded as some default.
fn chosen_words(
    form: &Form,
) -> Result<(NaRole, NaRole, NaReason, NaScope), crate::domain::invalid::FieldError> {
    Ok((
        super::chosen(form, "role", NaRole::parse)?,
        super::chosen(form, "other_role", NaRole::parse)?,
        super::chosen(form, "reason", NaReason::parse)?,
        super::chosen(form, "scope", NaScope::parse)?,
    ))
}

impl NonAssociationsScreen {
    pub fn open(row: &PrisonerRow, ctx: &mut Ctx) -> NonAssociationsScreen {
        let mut s = NonAssociationsScreen {
            prisoner_id: row.prisoner.id,
            who: format!("{} {}", row.prisoner.number, row.prisoner.full_name()),
            rows: Vec::new(),
            selection: Selection::default(),
            mode: Mode::Browse,
            today: ctx.now.date_naive(),
            picks: Vec::new(),
            pick: 0,
            picked_for: String::new(),
        };
        s.resume(ctx);
        s
    }

    fn draft_key(&self) -> String {
        format!("non-association:{}", self.prisoner_id)
    }

    fn add_form(&self, ctx: &mut Ctx) -> Form {
        let roles = words(NaRole::ALL, NaRole::as_str);
        let mut form = Form::new(vec![
            FormField::text("other", &t("non-association-other"), ""),
            FormField::words("other_role", "Their role", &roles, "other"),
            FormField::words("role", "This person's role", &roles, "other"),
            FormField::words(
                "reason",
                "Reason",
                &words(NaReason::ALL, NaReason::as_str),
                "other",
            ),
            FormField::words(
                "scope",
                "Not in the same",
                &words(NaScope::ALL, NaScope::as_str),
                "unit",
            ),
            FormField::text("comment", "Comment", ""),
            FormField::text("expiry", "Until (optional)", ""),
        ]);
        super::restore_draft(&mut form, &self.draft_key(), ctx);
        form
    }

    /// Searches again for the other person when the field's text changed.
    fn refresh_picks(&mut self, ctx: &mut Ctx) {
        let Mode::Add(form) = &self.mode else {
            return;
        };
        let typed = form.get("other");
        if typed == self.picked_for {
            return;
        }
        self.picked_for = typed.clone();
        self.pick = 0;
        self.picks.clear();
        if typed.trim().is_empty() {
            return;
        }
        match ctx.store.search(&typed, PICK_ROWS + 1) {
            Ok(hits) => {
                self.picks = hits
                    .into_iter()
                    .filter(|h| h.id != self.prisoner_id)
                    .take(PICK_ROWS)
                    .collect();
            }
            Err(e) => ctx.error(format!("Search failed: {e}")),
        }
    }

    /// The person the form would record, as the screen names them.
    fn chosen(&self) -> Option<&SearchHit> {
        self.picks.get(self.pick)
    }

    fn save_new(&mut self, ctx: &mut Ctx) -> Outcome {
        self.refresh_picks(ctx);
        let chosen = self.chosen().map(|h| h.id);
        let Mode::Add(form) = &mut self.mode else {
            return Outcome::Handled;
        };
        form.clear_errors();
        let fail = |form: &mut Form, ctx: &mut Ctx, key: &str, label: &str, why: String| {
            ctx.error(format!("{label}: {why}"));
            form.set_error(key, why);
            Outcome::Handled
        };
        let typed = form.get("other").trim().to_string();
        let label = t("non-association-other");
        if typed.is_empty() {
            return fail(form, ctx, "other", &label, "required".into());
        }
        let Some(chosen) = chosen else {
            let why = t_args(
                "non-association-no-match",
                &[("text", text::display(&typed).into_owned().into())],
            );
            return fail(form, ctx, "other", &label, why);
        };
        let other = match ctx.store.prisoner(chosen) {
            Ok(Some(row)) => row.prisoner,
            Ok(None) => {
                let why = t_args(
                    "non-association-no-match",
                    &[("text", text::display(&typed).into_owned().into())],
                );
                return fail(form, ctx, "other", &label, why);
            }
            Err(e) => {
                ctx.error(format!("Cannot read the other person's record: {e}"));
                return Outcome::Handled;
            }
        };
        let expiry_text = form.get("expiry");
        let expiry = match expiry_text.trim() {
            "" => None,
            t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    let why = format!("'{t}' is not a date (YYYY-MM-DD)");
                    return fail(form, ctx, "expiry", "Until", why);
                }
            },
        };
        let (first_role, second_role, reason, scope) = match chosen_words(form) {
            Ok(words) => words,
            Err(e) => {
                super::mark_field(form, &e);
                ctx.error(format!("Not recorded: {e}"));
                return Outcome::Handled;
            }
        };
        let na = NonAssociation {
            id: 0,
            first: self.prisoner_id,
            first_role,
            second: other.id,
            second_role,
            reason,
            scope,
            comment: form.get("comment"),
            start: ctx.now.date_naive(),
            expiry,
            closed: None,
        };
        match ctx.store.add_non_association(&ctx.actor(), &na) {
            Ok(_) => {
                super::drop_draft(&self.draft_key(), ctx);
                ctx.info(format!(
                    "Recorded: kept apart from {} {} (not in the same {}).",
                    other.number,
                    other.full_name(),
                    na.scope
                ));
                self.mode = Mode::Browse;
                self.resume(ctx);
                Outcome::Handled
            }
            Err(e) => {
                super::mark_refused(form, &e);
                ctx.error(format!("Not recorded: {e}"));
                Outcome::Handled
            }
        }
    }

    fn save_close(&mut self, ctx: &mut Ctx) -> Outcome {
        let Mode::Close(form) = &mut self.mode else {
            return Outcome::Handled;
        };
        let Some(row) = self.rows.get(self.selection.index) else {
            return Outcome::Handled;
        };
        form.clear_errors();
        let reason = form.get("reason");
        match ctx
            .store
            .close_non_association(&ctx.actor(), row.na.id, &reason)
        {
            Ok(_) => {
                ctx.info(format!(
                    "Closed the non-association with {}.",
                    row.other_number
                ));
                self.mode = Mode::Browse;
                self.resume(ctx);
                Outcome::Handled
            }
            Err(e) => {
                // Only a refusal of the reason is marked there; a record already closed is not the reason's fault.
                super::mark_refused(form, &e);
                ctx.error(format!("Not closed: {e}"));
                Outcome::Handled
            }
        }
    }

    fn row_text(&self, row: &NaRow) -> String {
        let na = &row.na;
        columns(&[
            (&row.other_number, 14),
            (&row.other_name, 17),
            (na.reason.as_str(), 15),
            (na.scope.as_str(), 8),
            (&na.start.to_string(), 10),
            (&until(na), 10),
        ])
    }
}

impl Screen for NonAssociationsScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        match action {
            Action::New | Action::Select => {
                crate::domain::auth::may(role, Permission::ManageNonAssociations)
            }
            other => crate::tui::keymap::usable(other, role),
        }
    }

    fn title(&self) -> String {
        format!("Non-associations: {}", self.who)
    }

    fn footer(&self) -> Vec<Action> {
        match self.mode {
            Mode::Browse => vec![Action::Down, Action::New, Action::Select, Action::Back],
            _ => vec![Action::Save, Action::NextField, Action::Back],
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match (&self.mode, action) {
            (Mode::Browse, Action::Select) => "close one",
            (Mode::Close(_), Action::Save) => "close it",
            (Mode::Add(_), Action::Save) => "record",
            (_, other) => other.describe(),
        }
    }

    fn scope(&self) -> Scope {
        match self.mode {
            Mode::Browse => Scope::Browse,
            _ => Scope::Text,
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "non-association-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let draft = self.draft_key();
        match &mut self.mode {
            Mode::Add(form) => {
                // In the other-person field, Up and Down choose among the people found.
                if form.focused_key() == "other"
                    && self.picks.len() > 1
                    && matches!(action, Action::Up | Action::Down)
                {
                    self.pick = match action {
                        Action::Up => self.pick.saturating_sub(1),
                        _ => (self.pick + 1).min(self.picks.len() - 1),
                    };
                    return Outcome::Handled;
                }
                let outcome = match super::form_key(form, action, ctx) {
                    FormKey::Save => self.save_new(ctx),
                    FormKey::Leave => {
                        super::drop_draft(&draft, ctx);
                        self.mode = Mode::Browse;
                        Outcome::Handled
                    }
                    FormKey::Done(Outcome::Handled) => {
                        super::keep_draft(form, &draft, ctx);
                        Outcome::Handled
                    }
                    FormKey::Done(outcome) => outcome,
                };
                self.refresh_picks(ctx);
                return outcome;
            }
            Mode::Close(form) => {
                return match super::form_key(form, action, ctx) {
                    FormKey::Save => self.save_close(ctx),
                    FormKey::Leave => {
                        self.mode = Mode::Browse;
                        Outcome::Handled
                    }
                    FormKey::Done(outcome) => outcome,
                };
            }
            Mode::Browse => {}
        }
        match action {
            Action::Back => Outcome::Pop,
            Action::New => {
                if ctx.allowed(Permission::ManageNonAssociations) {
                    self.mode = Mode::Add(self.add_form(ctx));
                    self.picked_for.clear();
                    self.picks.clear();
                    // A restored draft may already name someone.
                    self.refresh_picks(ctx);
                }
                Outcome::Handled
            }
            Action::Select => {
                let Some(row) = self.rows.get(self.selection.index) else {
                    return Outcome::Ignored;
                };
                if !ctx.allowed(Permission::ManageNonAssociations) {
                    return Outcome::Handled;
                }
                if let Some(c) = &row.na.closed {
                    ctx.error(format!("Already closed by {}: {}", c.by, c.reason));
                    return Outcome::Handled;
                }
                self.mode = Mode::Close(Form::new(vec![FormField::text(
                    "reason",
                    "Reason for closing",
                    "",
                )]));
                Outcome::Handled
            }
            other => {
                if self.selection.handle(other, self.rows.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        self.today = ctx.now.date_naive();
        match ctx.store.non_associations_of(self.prisoner_id) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the non-associations: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let open = self.rows.iter().filter(|r| r.na.closed.is_none()).count();
        let adding = matches!(self.mode, Mode::Add(_));
        let intro = match (adding, self.chosen()) {
            (false, _) => format!(
                "{open} open, {} closed. Kept apart from:",
                self.rows.len() - open
            ),
            (true, Some(h)) => t_args(
                "non-association-chosen",
                &[
                    ("number", h.number.clone().into()),
                    ("name", h.shown_name(40).into()),
                    ("facility", h.facility.clone().into()),
                    ("status", h.status().into()),
                ],
            ),
            (true, None) => t("non-association-find-other"),
        };
        frame.render_widget(
            Paragraph::new(text::fit(&intro, area.width.saturating_sub(1) as usize)),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let list = Rect::new(
            area.x,
            area.y + 2,
            area.width,
            LIST_ROWS.min(area.height.saturating_sub(2)),
        );
        if adding {
            self.render_picks(frame, list, theme);
        } else {
            self.render_list(frame, list, theme);
        }
        let below = list.bottom() + 1;
        self.render_rest(frame, area, below, theme);
    }
}

impl NonAssociationsScreen {
    /// While recording: the people the other-person field finds, the chosen one marked.
    fn render_picks(&self, frame: &mut Frame, list: Rect, theme: &Theme) {
        let header = columns(&[
            ("Number", 22),
            ("Name", 30),
            ("Facility", 8),
            ("Status", 11),
        ]);
        let rows: Vec<String> = self
            .picks
            .iter()
            .map(|h| {
                columns(&[
                    (&h.number, 22),
                    (&h.shown_name(30), 30),
                    (&h.facility, 8),
                    (&h.status(), 11),
                ])
            })
            .collect();
        let mut selection = Selection::default();
        selection.index = self.pick;
        let empty = if self.picked_for.trim().is_empty() {
            t("non-association-type-other")
        } else {
            t_args(
                "non-association-no-match",
                &[("text", text::display(&self.picked_for).into_owned().into())],
            )
        };
        render_rows(
            frame,
            list,
            theme,
            Some(&header),
            &rows,
            Some(&selection),
            &empty,
        );
    }

    fn render_list(&self, frame: &mut Frame, list: Rect, theme: &Theme) {
        let header = columns(&[
            ("Number", 14),
            ("Name", 17),
            ("Reason", 15),
            ("Scope", 8),
            ("Since", 10),
            ("Until", 10),
        ]);
        let rows: Vec<String> = self.rows.iter().map(|r| self.row_text(r)).collect();
        render_rows(
            frame,
            list,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "No non-associations. n records one.",
        );
    }

    fn render_rest(&self, frame: &mut Frame, area: Rect, below: u16, theme: &Theme) {
        let rest = Rect::new(
            area.x,
            below,
            area.width,
            area.bottom().saturating_sub(below),
        );
        let heading = |frame: &mut Frame, s: &str| {
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(s.to_string(), theme.heading()))),
                Rect::new(
                    rest.x + 1,
                    rest.y,
                    rest.width.saturating_sub(1),
                    1.min(rest.height),
                ),
            );
        };
        let form_area = Rect::new(
            rest.x,
            rest.y + 1,
            rest.width,
            rest.height.saturating_sub(1),
        );
        match &self.mode {
            Mode::Add(form) => {
                heading(frame, "New non-association");
                form.render(frame, form_area, theme);
            }
            Mode::Close(form) => {
                heading(frame, "Close the selected non-association");
                form.render(frame, form_area, theme);
            }
            Mode::Browse => {
                let Some(row) = self.rows.get(self.selection.index) else {
                    return;
                };
                let width = rest.width as usize;
                let mut lines: Vec<Line> = describe(row, self.prisoner_id, self.today, width)
                    .into_iter()
                    .map(Line::from)
                    .collect();
                if let Some(c) = &row.na.closed {
                    let text = format!("  Closed by {} at {}: {}", c.by, c.at, c.reason);
                    for part in text::wrap(&text::display(&text), width.saturating_sub(2)) {
                        lines.push(Line::from(Span::styled(part, theme.dim())));
                    }
                }
                frame.render_widget(Paragraph::new(lines), rest);
            }
        }
    }
}
