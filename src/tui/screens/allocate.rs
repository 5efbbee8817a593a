//! Change someone's cell: the cells of their facility that break no hard rule, best first, with the reasons for
//! the one selected, then the cells refused with the rules they break; Enter on a fitting cell asks for the
//! reason and a comment, and the store checks every rule again on saving. F ranks the cells of every facility
//! instead: choosing one in another facility transfers the person there and places them, as one move.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::allocate::{
    Breach, Candidates, Context, HardRule, MoveReason, Mover, Suggestion, explain_refusal,
    overridable,
};
use crate::domain::auth::Permission;
use crate::domain::estate::occupancy_percent;
use crate::domain::text;
use crate::store::{MoveRequest, PrisonerRow, Seen, Within};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::list::{Selection, columns, render_rows, right};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows of the list at 80x24: the rest of the screen shows the reasons for the selected cell.
const LIST_ROWS: u16 = 9;
/// Across all facilities only the best are listed: thousands of fitting cells help nobody choose.
const SHOWN_EVERYWHERE: usize = 200;

pub struct AllocateScreen {
    who: String,
    facility: String,
    mover: Mover,
    candidates: std::rc::Rc<Candidates>,
    suggestions: Vec<Suggestion>,
    /// Every other cell of the facility, with the hard rules it breaks for this person: listed after the
    /// suggestions so an officer looking for a particular cell sees why it is not offered.
    refused: Vec<(usize, Vec<Breach>)>,
    selection: Selection,
    may_see_vep: bool,
    /// Set while the officer confirms a move to the selected cell.
    confirm: Option<Form>,
    /// The cell being confirmed (an index into the candidates), and whether it needs a supervisor's override.
    confirming: Option<(usize, bool)>,
    /// Why the last attempt was refused, shown in full under the list (the message line is one row).
    refusal: Option<String>,
    /// Ranking the cells of every facility, not only the person's own.
    everywhere: bool,
    /// When no cell of the facility fits: the rule that refuses the most cells and how many it refuses, and the
    /// rules a supervisor may override (never Rule 11), for the ways forward shown under the list.
    why_none: Option<(HardRule, usize)>,
    overridable: Vec<HardRule>,
    /// The day the screen works from: a temporary placement's review date is offered a week after it.
    today: chrono::NaiveDate,
}

impl AllocateScreen {
    pub fn open(row: &PrisonerRow, ctx: &mut Ctx) -> Option<AllocateScreen> {
        Self::open_ranking(row, ctx, false)
    }

    /// Opens with the cells of every facility ranked (`everywhere`), or of the person's own.
    pub fn open_ranking(
        row: &PrisonerRow,
        ctx: &mut Ctx,
        everywhere: bool,
    ) -> Option<AllocateScreen> {
        let p = &row.prisoner;
        let Some(facility_id) = p.facility_id.filter(|_| p.in_custody) else {
            ctx.error(format!("{} is not in custody.", p.number));
            return None;
        };
        let mut screen = AllocateScreen {
            who: format!("{} {}", p.number, p.full_name()),
            facility: row.facility.clone().unwrap_or_default(),
            // The same custody level the store re-checks the move against.
            mover: Mover::new(
                p,
                ctx.now.date_naive(),
                ctx.store.custody_level(p.id).ok().flatten(),
            ),
            candidates: Default::default(),
            suggestions: Vec::new(),
            refused: Vec::new(),
            selection: Selection::default(),
            may_see_vep: ctx.session.may(Permission::ViewVepFlag),
            confirm: None,
            confirming: None,
            refusal: None,
            everywhere,
            why_none: None,
            overridable: Vec::new(),
            today: ctx.now.date_naive(),
        };
        match screen.load(facility_id, ctx) {
            Ok(()) => Some(screen),
            Err(e) => {
                ctx.error(format!("Cannot work out the cells: {e}"));
                None
            }
        }
    }

    fn load(&mut self, facility_id: i64, ctx: &mut Ctx) -> crate::store::Result<()> {
        let today = ctx.now.date_naive();
        let within = if self.everywhere {
            Within::All
        } else {
            Within::Facility(facility_id)
        };
        let (mover, candidates, mut suggestions) =
            ctx.store.suggest_cells(self.mover.id, within, today)?;
        if self.everywhere {
            suggestions.truncate(SHOWN_EVERYWHERE);
            // The refused cells of a whole estate would be a list nobody reads; only the offers are shown.
            self.refused = Vec::new();
            self.mover = mover;
            self.candidates = candidates;
            self.suggestions = suggestions;
            self.selection.clamp(self.suggestions.len());
            return Ok(());
        }
        let rules = ctx.store.allocation_rules()?;
        let keep_apart = ctx.store.keep_apart(mover.id, today)?;
        let rule_ctx = Context {
            rules: &rules,
            keep_apart: &keep_apart,
        };
        self.refused = (0..candidates.cells.len())
            .filter(|&i| mover.cell_id != Some(candidates.cells[i].id))
            .filter(|&i| !suggestions.iter().any(|s| s.cell == i))
            .map(|i| (i, explain_refusal(&mover, &candidates, i, &rule_ctx)))
            .filter(|(_, breaches)| !breaches.is_empty())
            .collect();
        // Why nothing fits, by the rule that refuses the most cells (in the rules' order on a tie).
        self.why_none = None;
        if suggestions.is_empty() {
            self.why_none = HardRule::ALL
                .into_iter()
                .map(|rule| {
                    let cells = self
                        .refused
                        .iter()
                        .filter(|(_, bs)| bs.iter().any(|b| b.rule == rule))
                        .count();
                    (rule, cells)
                })
                .filter(|(_, cells)| *cells > 0)
                .fold(
                    None,
                    |best: Option<(HardRule, usize)>, (rule, cells)| match best {
                        Some((_, most)) if most >= cells => best,
                        _ => Some((rule, cells)),
                    },
                );
        }
        self.overridable = HardRule::ALL
            .into_iter()
            .filter(|r| rules.overridable(*r))
            .collect();
        self.mover = mover;
        self.candidates = candidates;
        self.suggestions = suggestions;
        self.selection
            .clamp(self.suggestions.len() + self.refused.len());
        Ok(())
    }

    /// Under an empty list: why no cell fits and the lawful ways forward (another facility's cell, a supervisor's
    /// override of what the service allows, never Rule 11, or a cell from an administrator).
    fn ways_forward(&self, width: usize) -> Vec<Line<'static>> {
        use crate::i18n::{t, t_args};
        let mut lines = Vec::new();
        let why = match self.why_none {
            Some((rule, cells)) => t_args(
                "allocate-none-why",
                &[
                    ("rule", t(&format!("hard-rule-{}", rule.as_str())).into()),
                    ("cells", cells.into()),
                    ("total", self.refused.len().into()),
                ],
            ),
            None => t("allocate-none-no-cells"),
        };
        for part in text::wrap(&why, width) {
            lines.push(Line::from(part));
        }
        lines.push(Line::from(t("allocate-ways-forward")));
        let overridable: Vec<String> = self
            .overridable
            .iter()
            .map(|r| t(&format!("hard-rule-{}", r.as_str())))
            .collect();
        let options = [
            t("allocate-way-elsewhere"),
            if overridable.is_empty() {
                t("allocate-way-no-override")
            } else {
                t_args(
                    "allocate-way-override",
                    &[("rules", overridable.join(", ").into())],
                )
            },
            t("allocate-way-administrator"),
        ];
        for o in options {
            for (i, part) in text::wrap(&o, width.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                lines.push(Line::from(format!(
                    "{}{part}",
                    if i == 0 { "- " } else { "  " }
                )));
            }
        }
        lines
    }

    fn rows(&self) -> usize {
        self.suggestions.len() + self.refused.len()
    }

    /// The refused cell under the selection, if the selection is past the suggestions.
    fn selected_refused(&self) -> Option<&(usize, Vec<Breach>)> {
        self.selection
            .index
            .checked_sub(self.suggestions.len())
            .and_then(|i| self.refused.get(i))
    }

    fn refused_text(&self, cell: usize) -> String {
        let Some(place) = self.candidates.place(cell) else {
            return String::new();
        };
        let held = place.cellmates(&self.mover).count() as u64;
        let percent = occupancy_percent(held, place.cell.certified as u64)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "-".into());
        columns(&[
            (&place.unit.code, 8),
            (&place.cell.code, 10),
            (&right(&format!("{held}/{}", place.cell.certified), 7), 7),
            (&right(&percent, 6), 6),
            ("refused", 7),
        ])
    }

    fn selected(&self) -> Option<&Suggestion> {
        self.suggestions.get(self.selection.index)
    }

    fn row_text(&self, s: &Suggestion) -> String {
        let Some(place) = self.candidates.place(s.cell) else {
            return String::new();
        };
        let held = place.cellmates(&self.mover).count() as u64;
        let percent = occupancy_percent(held, place.cell.certified as u64).unwrap_or(0);
        if self.everywhere {
            return columns(&[
                (&place.facility.code, 9),
                (&place.unit.code, 6),
                (&place.cell.code, 9),
                (&right(&format!("{held}/{}", place.cell.certified), 7), 7),
                (&right(&format!("{percent}%"), 6), 6),
                (&right(&format!("{:+}", s.score), 6), 6),
            ]);
        }
        columns(&[
            (&place.unit.code, 8),
            (&place.cell.code, 10),
            (&right(&format!("{held}/{}", place.cell.certified), 7), 7),
            (&right(&format!("{percent}%"), 6), 6),
            (&right(&format!("{:+}", s.score), 6), 6),
        ])
    }

    /// Whether placing in `cell` means a transfer: it is in another facility than the one holding the person.
    fn transfers(&self, cell: usize) -> bool {
        self.candidates
            .place(cell)
            .is_some_and(|p| Some(p.facility.id) != self.mover.facility_id)
    }

    fn start_confirm(&mut self, cell: usize, with_override: bool) {
        self.confirming = Some((cell, with_override));
        if self.transfers(cell) {
            // A transfer needs the authority for it; its reason is the comment, and the move's reason is
            // "transfer".
            self.confirm = Some(Form::new(vec![
                FormField::text("authority", "Authority", ""),
                FormField::text("comment", "Reason", ""),
            ]));
            return;
        }
        let reasons: Vec<&str> = MoveReason::ALL
            .iter()
            .filter(|r| !matches!(r, MoveReason::Release | MoveReason::Transfer))
            .map(|r| r.as_str())
            .collect();
        let default = if self.mover.cell_id.is_none() {
            "admission"
        } else {
            "overcrowding"
        };
        let mut fields = vec![
            FormField::words("reason", "Reason", &reasons, default),
            FormField::text("comment", "Comment", ""),
        ];
        if with_override {
            fields.push(FormField::text("override", "Override reason", ""));
            // An override is a temporary placement, looked at again by this day (a week ahead to start with).
            let review =
                self.today + chrono::Duration::days(crate::domain::allocate::DEFAULT_REVIEW_DAYS);
            fields.push(FormField::text(
                "review",
                &crate::i18n::t("temporary-review-field"),
                &review.format("%Y-%m-%d").to_string(),
            ));
        }
        self.confirm = Some(Form::new(fields));
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        let (Some((cell_index, with_override)), Some(form)) =
            (self.confirming, self.confirm.as_ref())
        else {
            return Outcome::Handled;
        };
        let Some(place) = self.candidates.place(cell_index) else {
            return Outcome::Handled;
        };
        let override_text = form.get("override");
        let review_text = form.get("review");
        let review_by = if with_override && !review_text.trim().is_empty() {
            match chrono::NaiveDate::parse_from_str(review_text.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    let message = format!(
                        "{}: {}",
                        crate::i18n::t("temporary-review-field"),
                        crate::i18n::t("date-format-ymd")
                    );
                    if let Some(form) = self.confirm.as_mut() {
                        form.set_error("review", message.clone());
                    }
                    ctx.error(message);
                    return Outcome::Handled;
                }
            }
        } else {
            None
        };
        let transfer = Some(place.facility.id) != self.mover.facility_id;
        // A transfer's form has no reason (it is the transfer); a reason the list does not offer is refused at
        // its field, never recorded as overcrowding.
        let reason = match transfer {
            true => Ok(MoveReason::Transfer),
            false => super::chosen(form, "reason", MoveReason::parse),
        };
        let reason = match reason {
            Ok(reason) => reason,
            Err(e) => {
                ctx.error(e.to_string());
                if let Some(form) = self.confirm.as_mut() {
                    super::mark_field(form, &e);
                }
                return Outcome::Handled;
            }
        };
        let comment = form.get("comment");
        let cell = place.cell.code.clone();
        let facility = place.facility.code.clone();
        let req = MoveRequest {
            prisoner_id: self.mover.id,
            to_cell: place.cell.id,
            reason,
            comment: &comment,
            override_reason: with_override.then_some(override_text.as_str()),
            review_by,
            seen: Some(Seen {
                from_cell: self.mover.cell_id,
                occupants: place.cellmates(&self.mover).count() as u32,
            }),
        };
        let done = if transfer {
            ctx.store
                .transfer_to_cell(&ctx.actor(), &req, &form.get("authority"))
        } else {
            ctx.store.move_to_cell(&ctx.actor(), &req)
        };
        match done {
            Ok(_) if transfer => {
                ctx.info(format!(
                    "Transferred {} to {facility} and placed in cell {cell}.",
                    self.who
                ));
                Outcome::Pop
            }
            Ok(_) => {
                ctx.info(format!("Moved {} to cell {cell}.", self.who));
                Outcome::Pop
            }
            Err(e) => {
                // The list is stale: show the refusal and let the officer choose again from fresh figures.
                ctx.error(format!("Not moved: {e}"));
                self.refusal = Some(e.to_string());
                self.confirm = None;
                self.confirming = None;
                self.reload(ctx);
                Outcome::Handled
            }
        }
    }

    fn reload(&mut self, ctx: &mut Ctx) {
        let Some(facility_id) = self.mover.facility_id else {
            return;
        };
        if let Err(e) = self.load(facility_id, ctx) {
            ctx.error(format!("Cannot work out the cells again: {e}"));
        }
    }
}

impl Screen for AllocateScreen {
    fn title(&self) -> String {
        format!("Change cell: {}", self.who)
    }

    fn footer(&self) -> Vec<Action> {
        if self.confirm.is_some() {
            vec![Action::Save, Action::NextField, Action::Back]
        } else {
            vec![
                Action::Down,
                Action::Select,
                Action::AllFacilities,
                Action::Back,
            ]
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Select => "choose",
            Action::Save if self.confirming.is_some_and(|(c, _)| self.transfers(c)) => "transfer",
            Action::Save => "move",
            Action::AllFacilities if self.everywhere => "this facility",
            other => other.describe(),
        }
    }

    fn scope(&self) -> Scope {
        if self.confirm.is_some() {
            Scope::Text
        } else {
            Scope::Browse
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "allocate-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if let Some(form) = self.confirm.as_mut() {
            return match super::form_key(form, action, ctx) {
                FormKey::Save => self.save(ctx),
                FormKey::Leave => {
                    self.confirm = None;
                    self.confirming = None;
                    Outcome::Handled
                }
                FormKey::Done(outcome) => outcome,
            };
        }
        match action {
            Action::Back => Outcome::Pop,
            Action::AllFacilities => {
                if !self.everywhere && !ctx.allowed(Permission::Transfer) {
                    return Outcome::Handled;
                }
                self.everywhere = !self.everywhere;
                self.refusal = None;
                self.selection = Selection::default();
                self.reload(ctx);
                Outcome::Handled
            }
            Action::Select if self.selected().is_some() => {
                self.refusal = None;
                let cell = self.selected().map(|s| s.cell).unwrap_or_default();
                self.start_confirm(cell, false);
                Outcome::Handled
            }
            Action::Select => {
                let Some((cell, breaches)) = self.selected_refused() else {
                    return Outcome::Ignored;
                };
                let code = self
                    .candidates
                    .place(*cell)
                    .map(|p| p.cell.code.clone())
                    .unwrap_or_default();
                let why: Vec<&str> = breaches.iter().map(|b| b.reason.as_str()).collect();
                // A supervisor may place someone past the rules the service marks overridable, with a reason;
                // the store checks the same again on saving.
                if ctx.session.may(Permission::OverrideAllocation) && overridable(breaches) {
                    let cell = *cell;
                    self.refusal = Some(format!(
                        "Cell {code} breaks: {}. As supervisor you may place them here with an override reason.",
                        why.join("; ")
                    ));
                    self.start_confirm(cell, true);
                    return Outcome::Handled;
                }
                ctx.error(format!("Cell {code} refused: {}", why.join("; ")));
                Outcome::Handled
            }
            other => {
                if self.selection.handle(other, self.rows()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let n = self.suggestions.len();
        let intro = if self.everywhere {
            match n {
                0 => "No cell in any facility fits every rule.".to_string(),
                SHOWN_EVERYWHERE => {
                    format!("The best {n} cells of all facilities; elsewhere means a transfer.")
                }
                _ => format!(
                    "{n} {} in all facilities {} every rule; elsewhere means a transfer.",
                    if n == 1 { "cell" } else { "cells" },
                    if n == 1 { "fits" } else { "fit" }
                ),
            }
        } else if n == 0 {
            // One row at 80 columns: the ways forward under the list say what can be done.
            text::fit(
                &format!(
                    "No cell in {} fits every rule.",
                    text::display(&self.facility)
                ),
                area.width.saturating_sub(1) as usize,
            )
        } else {
            format!(
                "{n} {} in {} {} every rule; best first, then {} refused.",
                if n == 1 { "cell" } else { "cells" },
                text::display(&self.facility),
                if n == 1 { "fits" } else { "fit" },
                self.refused.len()
            )
        };
        frame.render_widget(
            Paragraph::new(Line::from(intro)),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let rows: Vec<String> = self
            .suggestions
            .iter()
            .map(|s| self.row_text(s))
            .chain(self.refused.iter().map(|(c, _)| self.refused_text(*c)))
            .collect();
        let header = if self.everywhere {
            columns(&[
                ("Facility", 9),
                ("Unit", 6),
                ("Cell", 9),
                (&right("Held", 7), 7),
                (&right("Cert%", 6), 6),
                (&right("Score", 6), 6),
            ])
        } else {
            columns(&[
                ("Unit", 8),
                ("Cell", 10),
                (&right("Held", 7), 7),
                (&right("Cert%", 6), 6),
                (&right("Score", 6), 6),
            ])
        };
        // No taller than the cells need (with its header), so a small facility leaves room for the reasons and
        // the ways forward.
        let list_area = Rect::new(
            area.x,
            area.y + 2,
            area.width,
            LIST_ROWS
                .min(rows.len().max(2) as u16 + 1)
                .min(area.height.saturating_sub(2)),
        );
        render_rows(
            frame,
            list_area,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "This facility has no other cell.",
        );
        let below = area.y + 2 + list_area.height + 1;
        let rest = Rect::new(
            area.x + 1,
            below,
            area.width.saturating_sub(1),
            area.bottom().saturating_sub(below),
        );
        if let Some(form) = &self.confirm {
            let (cell, with_override) = self
                .confirming
                .and_then(|(c, o)| self.candidates.place(c).map(|p| (p.cell.code.clone(), o)))
                .unwrap_or_default();
            let transfer = self.confirming.is_some_and(|(c, _)| self.transfers(c));
            let to = match self.confirming.and_then(|(c, _)| self.candidates.place(c)) {
                Some(p) if transfer => format!(
                    "Transfer to {} and place in cell {}",
                    text::display(&p.facility.name),
                    text::display(&cell)
                ),
                _ => format!("Move to cell {}", text::display(&cell)),
            };
            let mut lines = vec![Line::from(Span::styled(
                format!("{to}{}", if with_override { " by override" } else { "" }),
                theme.heading(),
            ))];
            if with_override && let Some(why) = &self.refusal {
                for part in text::wrap(&text::display(why), rest.width as usize) {
                    lines.push(Line::from(Span::styled(part, theme.warning())));
                }
            }
            let head = (lines.len() as u16).min(rest.height);
            frame.render_widget(
                Paragraph::new(lines),
                Rect::new(rest.x, rest.y, rest.width, head),
            );
            form.render(
                frame,
                Rect::new(
                    area.x,
                    rest.y + head,
                    area.width,
                    (form.fields.len() as u16).min(rest.height.saturating_sub(head)),
                ),
                theme,
            );
            return;
        }
        let mut lines = Vec::new();
        if let Some(why) = &self.refusal {
            let text = format!("Not moved: {}", text::display(why));
            for part in text::wrap(&text, rest.width as usize) {
                lines.push(Line::from(Span::styled(part, theme.error())));
            }
        }
        // When nothing fits, what can be done comes first; the selected cell's reasons follow.
        let nothing_fits = !self.everywhere && self.suggestions.is_empty();
        if nothing_fits {
            lines.extend(self.ways_forward(rest.width as usize));
        }
        if let Some((_, breaches)) = self.selected_refused() {
            lines.push(Line::from(Span::styled(
                "Refused: this cell breaks a hard rule",
                theme.error(),
            )));
            for b in breaches {
                for part in text::wrap(&text::display(&b.reason), rest.width as usize - 2) {
                    lines.push(Line::from(format!("  {part}")));
                }
            }
        }
        let Some(s) = self.selected() else {
            frame.render_widget(Paragraph::new(lines), rest);
            return;
        };
        lines.push(Line::from(Span::styled("Why this cell", theme.heading())));
        for f in &s.reasons {
            let points = if f.points == 0 {
                "    ".to_string()
            } else {
                format!("{:+4}", f.points)
            };
            lines.push(Line::from(format!(
                "{points} {}",
                text::display(&f.reason.text(self.may_see_vep))
            )));
        }
        frame.render_widget(Paragraph::new(lines), rest);
    }
}
