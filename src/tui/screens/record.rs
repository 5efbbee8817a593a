//! A prisoner's record: every field this role may see, grouped by section, and the custody history.

use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::invalid::Invalid;
use crate::domain::prisoner::{Section, visible_fields};
use crate::domain::text;
use crate::i18n::{t, t_args};
use crate::store::{NaRow, PrisonerRow, describe_event};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct RecordScreen {
    id: i64,
    row: PrisonerRow,
    events: Vec<String>,
    /// Cell moves, oldest first, one line each (with an override's reason where there was one).
    moves: Vec<String>,
    /// The custody level and next review, then one line per assessment, newest first.
    assessments: Vec<String>,
    role: crate::domain::auth::Role,
    scroll: usize,
    /// Open non-associations: shown on both people's records.
    keep_apart: Vec<NaRow>,
    today: chrono::NaiveDate,
    /// The open segregation placement, if any, shown in the heading with its days so far.
    segregation: Option<crate::domain::segregation::Segregation>,
    /// Turned 18 in a young unit with no decision yet that they stay: a supervisor's age review (issue 17).
    age_review_due: bool,
    /// A supervisor's placement against a rule, with the day it is looked at again (issue 17, item 4).
    temporary: Option<crate::store::TemporaryPlacement>,
    now: chrono::NaiveDateTime,
    /// The legal basis of detention (issue 17): the cases, and the expected release with its working.
    cases: Vec<crate::domain::sentence::Case>,
    working: Option<crate::domain::sentence::ReleaseWorking>,
    /// The next court date and the court, from the register's court dates and the cases (issue 17 item 6).
    next_court: Option<(chrono::NaiveDate, crate::domain::sentence::CourtFor)>,
}

impl RecordScreen {
    /// Loads the record; opening a violent-extremist prisoner's file is itself audited (Mandela Rule 9).
    pub fn open(id: i64, ctx: &mut Ctx) -> Option<RecordScreen> {
        let mut screen = RecordScreen {
            id,
            row: load(id, ctx)?,
            events: Vec::new(),
            moves: Vec::new(),
            assessments: Vec::new(),
            role: ctx.session.role,
            scroll: 0,
            keep_apart: Vec::new(),
            today: ctx.now.date_naive(),
            segregation: None,
            age_review_due: false,
            temporary: None,
            now: ctx.now.naive_utc(),
            cases: Vec::new(),
            working: None,
            next_court: None,
        };
        if screen.row.prisoner.vep
            && let Err(e) =
                ctx.store
                    .audit_read(&ctx.actor(), crate::domain::audit::Entity::Prisoner, id)
        {
            ctx.error(format!(
                "Cannot record this access, so the record stays closed: {e}"
            ));
            return None;
        }
        screen.load_events(ctx);
        Some(screen)
    }

    fn load_events(&mut self, ctx: &mut Ctx) {
        match super::assessment_history::lines(self.id, ctx) {
            Ok(lines) => self.assessments = lines,
            Err(e) => ctx.error(format!("Cannot read the assessments: {e}")),
        }
        match ctx.store.events(self.id) {
            Ok(events) => {
                self.events = events.iter().map(|(e, f)| describe_event(e, f)).collect();
            }
            Err(e) => ctx.error(format!("Cannot read the custody history: {e}")),
        }
        match ctx.store.movements(self.id) {
            Ok(rows) => self.moves = rows.iter().map(describe_move).collect(),
            Err(e) => ctx.error(format!("Cannot read the cell moves: {e}")),
        }
        self.today = ctx.now.date_naive();
        match ctx.store.non_associations_of(self.id) {
            Ok(rows) => {
                self.keep_apart = rows.into_iter().filter(|r| r.na.closed.is_none()).collect()
            }
            Err(e) => ctx.error(format!("Cannot read the non-associations: {e}")),
        }
        match ctx
            .store
            .cases(self.id)
            .and_then(|c| Ok((c, ctx.store.release_working(self.id)?)))
        {
            Ok((cases, working)) => {
                self.cases = cases;
                self.working = Some(working);
            }
            Err(e) => ctx.error(format!("Cannot read the cases: {e}")),
        }
        match ctx.store.next_court(self.id, ctx.now.date_naive()) {
            Ok(next) => self.next_court = next,
            Err(e) => ctx.error(format!("Cannot read the cases: {e}")),
        }
        self.now = ctx.now.naive_utc();
        match ctx.store.segregations_of(self.id) {
            Ok(all) => self.segregation = all.into_iter().find(|s| s.end.is_none()),
            Err(e) => ctx.error(format!("Cannot read the segregation placements: {e}")),
        }
        match ctx.store.temporary_placement(self.id) {
            Ok(t) => self.temporary = t,
            Err(e) => ctx.error(format!("Cannot read the cell placement: {e}")),
        }
        // Looked up only for those who may decide it.
        let p = &self.row.prisoner;
        self.age_review_due = ctx.session.may(Permission::OverrideAllocation)
            && p.in_custody
            && p.facility_id.is_some_and(|f| {
                ctx.store
                    .age_review_due(p.id, f, ctx.now.date_naive())
                    .unwrap_or(false)
            });
    }

    /// The record body, wrapped to `width` columns so long entries (children, property) are read in full.
    fn lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        // Values start at column 24, a tab stop, so a slow line moves to each with one HT byte.
        const LABEL: usize = 23;
        let p = &self.row.prisoner;
        let mut lines = Vec::new();
        let mut section = None;
        // The Latin civil-status spelling is shown only when there is one: most names are written in Latin letters.
        let shown = visible_fields(self.role)
            .filter(|spec| spec.section != Section::LatinSpelling || !p.get(spec.key).is_empty());
        for spec in shown {
            if section != Some(spec.section) {
                // The cases and the release working follow the legal fields they explain.
                if section == Some(Section::Legal) {
                    lines.extend(self.case_lines(theme, width));
                }
                section = Some(spec.section);
                if spec.section != Section::Identity {
                    lines.push(Line::from(""));
                }
                lines.push(Line::from(Span::styled(
                    spec.section.title().to_string(),
                    theme.heading(),
                )));
            }
            let value = p.get(spec.key);
            let value = if value.is_empty() {
                "-".to_string()
            } else if !self.cases.is_empty()
                && matches!(spec.key, "sentence_months" | "sentence_start")
            {
                // Kept as entered before cases; the cases (below) hold the sentence now.
                format!(
                    "{} {}",
                    text::display(&value),
                    t("record-old-sentence-field")
                )
            } else {
                text::display(&value).into_owned()
            };
            for (i, part) in text::wrap(&value, width.saturating_sub(LABEL))
                .into_iter()
                .enumerate()
            {
                let label = if i == 0 { spec.label } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!(" {label:<22}"), theme.label()),
                    Span::raw(part),
                ]));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            "Kept apart from (non-associations)",
            theme.heading(),
        )));
        if self.keep_apart.is_empty() {
            lines.push(Line::from(Span::styled("  nobody", theme.dim())));
        }
        for row in &self.keep_apart {
            for part in super::non_association::describe(row, self.id, self.today, width) {
                lines.push(Line::from(part));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Assessments", theme.heading())));
        for a in &self.assessments {
            for part in text::wrap(&text::display(a), width.saturating_sub(4)) {
                lines.push(Line::from(format!("  {part}")));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Cell moves", theme.heading())));
        if self.moves.is_empty() {
            lines.push(Line::from(Span::styled("  none recorded", theme.dim())));
        }
        for m in &self.moves {
            for (i, part) in text::wrap(&text::display(m), width.saturating_sub(4))
                .into_iter()
                .enumerate()
            {
                let indent = if i == 0 { "  " } else { "    " };
                lines.push(Line::from(format!("{indent}{part}")));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Custody history", theme.heading())));
        for e in &self.events {
            for (i, part) in text::wrap(&text::display(e), width.saturating_sub(4))
                .into_iter()
                .enumerate()
            {
                let indent = if i == 0 { "  " } else { "    " };
                lines.push(Line::from(format!("{indent}{part}")));
            }
        }
        lines
    }
}

impl RecordScreen {
    /// The cases, each with its warrant and sentence, then the expected release and how it was worked out.
    fn case_lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        use crate::domain::sentence::{Basis, Relation};
        let mut lines = vec![
            Line::from(""),
            Line::from(Span::styled(t("record-cases"), theme.heading())),
        ];
        let push = |lines: &mut Vec<Line<'static>>, indent: usize, s: String| {
            for (i, part) in text::wrap(&text::display(&s), width.saturating_sub(indent + 2))
                .into_iter()
                .enumerate()
            {
                let pad = if i == 0 { indent } else { indent + 2 };
                lines.push(Line::from(format!("{}{part}", " ".repeat(pad))));
            }
        };
        if self.cases.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}", t("record-no-cases")),
                theme.dim(),
            )));
        }
        let reference = |id: i64| {
            self.cases
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.warrant.reference.clone())
                .unwrap_or_default()
        };
        for c in &self.cases {
            let w = &c.warrant;
            let warrant = match w.expires {
                Some(exp) => t_args(
                    "record-case-remand-warrant",
                    &[
                        ("reference", w.reference.clone().into()),
                        ("court", w.court.clone().into()),
                        ("issued", w.issued.to_string().into()),
                        ("expires", exp.to_string().into()),
                    ],
                ),
                None => t_args(
                    "record-case-warrant",
                    &[
                        ("reference", w.reference.clone().into()),
                        ("court", w.court.clone().into()),
                        ("issued", w.issued.to_string().into()),
                    ],
                ),
            };
            push(&mut lines, 2, warrant);
            push(
                &mut lines,
                4,
                t_args(
                    "record-case-offence",
                    &[
                        ("offence", c.offence.clone().into()),
                        ("class", c.class.as_str().into()),
                        ("committed", c.committed.to_string().into()),
                    ],
                ),
            );
            let sentence = match &c.sentence {
                None => t("record-case-not-sentenced"),
                Some(s) => {
                    let how = match s.relation {
                        Relation::Concurrent(None) => t("record-case-concurrent"),
                        Relation::Concurrent(Some(id)) => t_args(
                            "record-case-concurrent-with",
                            &[("case", reference(id).into())],
                        ),
                        Relation::ConsecutiveTo(id) => t_args(
                            "record-case-consecutive-to",
                            &[("case", reference(id).into())],
                        ),
                    };
                    t_args(
                        "record-case-sentence",
                        &[
                            ("length", s.length.text().into()),
                            ("start", s.start.to_string().into()),
                            ("how", how.into()),
                        ],
                    )
                }
            };
            push(&mut lines, 4, sentence);
        }
        if self.row.prisoner.in_custody {
            let value = match &self.next_court {
                Some((day, court)) => t_args(
                    "record-next-court-value",
                    &[
                        ("day", day.to_string().into()),
                        ("court", text::display(&court.court).into_owned().into()),
                    ],
                ),
                None => t("record-next-court-none"),
            };
            for (i, part) in text::wrap(&value, width.saturating_sub(23))
                .into_iter()
                .enumerate()
            {
                let label = if i == 0 {
                    t("record-next-court")
                } else {
                    String::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!(" {label:<22}"), theme.label()),
                    Span::raw(part),
                ]));
            }
        }
        if let Some(w) = &self.working {
            let value = match (w.date, w.basis) {
                (Some(d), Basis::CourtOrder) => {
                    t_args("record-release-order", &[("date", d.to_string().into())])
                }
                (Some(d), _) => d.to_string(),
                (None, Basis::Life) => t("record-release-life"),
                (None, _) => t("record-release-none"),
            };
            let late = w.date.is_some_and(|d| d < self.today) && self.row.prisoner.in_custody;
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {:<22}", t("record-expected-release")),
                    theme.label(),
                ),
                Span::styled(value, if late { theme.error() } else { theme.base() }),
            ]));
            if late {
                lines.push(Line::from(Span::styled(
                    format!("  {}", t("record-release-passed")),
                    theme.error(),
                )));
            }
            if !self.cases.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("  {}", t("record-working")),
                    theme.label(),
                )));
                for step in &w.steps {
                    push(&mut lines, 4, step.text());
                }
            }
        }
        lines
    }
}

/// Rows of the record body at 80x24 (the frame takes three, the record's own heading three).
const BODY_ROWS: usize = 18;
const BODY_WIDTH: usize = 79;

impl RecordScreen {
    fn max_scroll(&self) -> usize {
        let plain = Theme {
            mono: true,
            ascii: true,
        };
        self.lines(&plain, BODY_WIDTH)
            .len()
            .saturating_sub(BODY_ROWS)
    }
}

fn load(id: i64, ctx: &mut Ctx) -> Option<PrisonerRow> {
    match ctx.store.prisoner(id) {
        Ok(Some(row)) => Some(row),
        Ok(None) => {
            ctx.error("That record no longer exists.");
            None
        }
        Err(e) => {
            ctx.error(format!("Cannot read the record: {e}"));
            None
        }
    }
}

impl Screen for RecordScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        use crate::domain::auth::may;
        match action {
            // The edit form also serves those who may only set the VEP flag.
            Action::Edit => {
                may(role, Permission::EditPrisoner) || may(role, Permission::SetVepFlag)
            }
            // Cases, sentences and court orders are register changes.
            Action::New => may(role, Permission::EditPrisoner),
            other => crate::tui::keymap::usable(other, role),
        }
    }

    fn title(&self) -> String {
        format!(
            "{} {}",
            self.row.prisoner.number,
            self.row.prisoner.full_name()
        )
    }

    fn footer(&self) -> Vec<Action> {
        // Only supervisors may segregate (domain/auth); for them the key takes the place of Down in the footer.
        let segregate = crate::domain::auth::may(self.role, Permission::Segregate)
            && (self.row.prisoner.in_custody || self.segregation.is_some());
        // In custody the record offers more than fits: Down (it scrolls) and Esc are left to the help screen.
        let review = self.age_review_due
            || (self.temporary.is_some()
                && crate::domain::auth::may(self.role, Permission::OverrideAllocation));
        let mut keys = if review {
            // Rarer and more pressing than segregation: someone turned 18 in a young unit awaits a decision.
            vec![Action::AgeReview]
        } else if segregate {
            vec![Action::Segregate]
        } else if self.row.prisoner.in_custody {
            vec![]
        } else {
            vec![Action::Down]
        };
        if self.row.prisoner.in_custody {
            keys.extend([
                Action::Edit,
                Action::Assess,
                Action::MoveCell,
                Action::KeepApart,
                Action::Transfer,
                Action::Release,
                Action::Programmes,
            ]);
        } else {
            keys.extend([Action::Edit, Action::KeepApart]);
        }
        keys.push(Action::Back);
        keys
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::KeepApart => "apart",
            Action::Segregate => "segregate",
            Action::AgeReview if !self.age_review_due => "cell review",
            Action::AgeReview => "age review",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args("record-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let p = &self.row.prisoner;
        match action {
            Action::Back => Outcome::Pop,
            Action::Edit => {
                let may_edit = ctx.session.may(Permission::EditPrisoner)
                    || ctx.session.may(Permission::SetVepFlag);
                if !may_edit {
                    ctx.allowed(Permission::EditPrisoner);
                    return Outcome::Handled;
                }
                Outcome::Push(Box::new(super::prisoner_form::PrisonerForm::edit(
                    &self.row, ctx,
                )))
            }
            Action::Transfer | Action::Release => {
                let permission = if action == Action::Transfer {
                    Permission::Transfer
                } else {
                    Permission::Release
                };
                if !ctx.allowed(permission) {
                    return Outcome::Handled;
                }
                if !p.in_custody {
                    ctx.error(format!("{} is not in custody.", p.number));
                    return Outcome::Handled;
                }
                let screen = if action == Action::Transfer {
                    super::movement::MovementScreen::transfer(&self.row, ctx)
                } else {
                    super::movement::MovementScreen::release(&self.row, ctx)
                };
                Outcome::Push(Box::new(screen))
            }
            Action::Programmes => Outcome::Push(Box::new(
                super::person_programmes::PersonProgrammesScreen::new(&self.row, ctx),
            )),
            Action::Assess => Outcome::Push(Box::new(super::assessment_pick::PickScreen::new(
                &self.row, ctx,
            ))),
            Action::MoveCell => {
                if !ctx.allowed(Permission::MoveCell) {
                    return Outcome::Handled;
                }
                match super::allocate::AllocateScreen::open(&self.row, ctx) {
                    Some(screen) => Outcome::Push(Box::new(screen)),
                    None => Outcome::Handled,
                }
            }
            Action::AgeReview => {
                if !ctx.allowed(Permission::OverrideAllocation) {
                    return Outcome::Handled;
                }
                if self.age_review_due {
                    return Outcome::Push(Box::new(age_review_prompt(&self.row, ctx)));
                }
                match &self.temporary {
                    Some(t) => Outcome::Push(Box::new(placement_review_prompt(&self.row, t, ctx))),
                    None => {
                        ctx.info(crate::i18n::t("age-review-not-due"));
                        Outcome::Handled
                    }
                }
            }
            Action::Segregate => {
                if !ctx.allowed(Permission::Segregate) {
                    return Outcome::Handled;
                }
                match super::segregation::SegregationScreen::open(&self.row, ctx) {
                    Some(screen) => Outcome::Push(Box::new(screen)),
                    None => Outcome::Handled,
                }
            }
            Action::New => {
                if !ctx.allowed(Permission::EditPrisoner) {
                    return Outcome::Handled;
                }
                Outcome::Push(Box::new(super::cases::choose(&self.row, ctx)))
            }
            Action::KeepApart => Outcome::Push(Box::new(
                super::non_association::NonAssociationsScreen::open(&self.row, ctx),
            )),
            Action::Down | Action::PageDown => {
                let step = if action == Action::Down { 1 } else { 10 };
                self.scroll = (self.scroll + step).min(self.max_scroll());
                Outcome::Handled
            }
            Action::Up | Action::PageUp => {
                let step = if action == Action::Up { 1 } else { 10 };
                self.scroll = self.scroll.saturating_sub(step);
                Outcome::Handled
            }
            Action::Home => {
                self.scroll = 0;
                Outcome::Handled
            }
            Action::End => {
                self.scroll = self.max_scroll();
                Outcome::Handled
            }
            _ => Outcome::Ignored,
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        if let Some(row) = load(self.id, ctx) {
            self.row = row;
        }
        self.load_events(ctx);
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let p = &self.row.prisoner;
        let status = if p.in_custody {
            format!("In custody ({})", p.legal_status)
        } else {
            "Released".to_string()
        };
        let place = match (&self.row.facility, &self.row.cell) {
            (Some(f), Some(c)) => format!("{f}, cell {c}"),
            (Some(f), None) => f.clone(),
            _ => "-".into(),
        };
        let mut flags = Vec::new();
        if p.vep && crate::domain::auth::may(self.role, Permission::ViewVepFlag) {
            flags.push("VEP".to_string());
        }
        if p.vulnerable {
            flags.push("VULNERABLE".to_string());
        }
        if p.medical_alert {
            flags.push("MEDICAL".to_string());
        }
        if let Some(s) = &self.segregation {
            flags.push(format!("SEGREGATED day {}", s.days(self.now)));
        }
        // The review date is on the review (v) and on Home; the heading has room for the word only.
        if self.temporary.is_some() {
            flags.push(crate::i18n::t("record-flag-temporary"));
        }
        // Age on the header, with a word for a child that reads without colour (Rule 11d).
        let today = self.now.date();
        if p.age_group(today) == crate::domain::estate::AgeGroup::Young {
            flags.insert(0, crate::i18n::t("record-flag-under-18"));
        }
        let age = crate::i18n::t_args("record-age", &[("age", p.birth.age_on(today).into())]);
        let head = vec![
            Line::from(vec![
                Span::styled(text::display(&p.number).into_owned(), theme.heading()),
                Span::raw("  "),
                Span::styled(text::display(&p.full_name()).into_owned(), theme.heading()),
            ]),
            Line::from(vec![
                Span::raw(format!("{status} | {age} | {} ", text::display(&place))),
                Span::styled(flags.join(" "), theme.warning()),
            ]),
        ];
        frame.render_widget(
            Paragraph::new(head),
            Rect::new(area.x + 1, area.y, area.width - 1, 2),
        );
        let lines = self.lines(theme, area.width as usize - 1);
        let body = Rect::new(
            area.x + 1,
            area.y + 3,
            area.width - 1,
            area.height.saturating_sub(3),
        );
        let max_scroll = lines.len().saturating_sub(body.height as usize);
        let scroll = self.scroll.min(max_scroll);
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), body);
    }
}

/// "2026-11-25 08:05 A-01 to B-02, overcrowding: wing A decongested (officer; override: ...)"
fn describe_move(row: &crate::store::MovementRow) -> String {
    let m = &row.movement;
    let at = m.at.get(..16).unwrap_or(&m.at).replace('T', " ");
    let mut out = format!(
        "{at} {} to {}, {}",
        row.from.as_deref().unwrap_or("no cell"),
        row.to.as_deref().unwrap_or("no cell"),
        m.reason.as_str()
    );
    if !m.comment.is_empty() {
        out.push_str(&format!(": {}", m.comment));
    }
    out.push_str(&format!(" ({}", m.recorded_by));
    if let Some(why) = &m.override_reason {
        out.push_str(&format!("; override: {why}"));
    }
    out.push(')');
    out
}

/// A supervisor's review of a temporary cell: keep them there until a new date, with the reason.
fn placement_review_prompt(
    row: &PrisonerRow,
    t: &crate::store::TemporaryPlacement,
    ctx: &Ctx,
) -> super::prompt::PromptScreen {
    use crate::domain::allocate::{DEFAULT_REVIEW_DAYS, MAX_TEMPORARY_DAYS};
    use crate::i18n::{t as say, t_args};
    let p = &row.prisoner;
    let who = format!("{} {}", p.number, p.full_name());
    let next = ctx.now.date_naive() + chrono::Duration::days(DEFAULT_REVIEW_DAYS);
    let id = p.id;
    super::prompt::PromptScreen::new(
        t_args("placement-review-title", &[("who", who.into())]),
        vec![t_args(
            "placement-review-about",
            &[
                ("cell", t.cell.clone().into()),
                (
                    "since",
                    t.since.get(..10).unwrap_or(&t.since).to_string().into(),
                ),
                ("rules", t.overridden.clone().into()),
                ("reason", t.reason.clone().into()),
                ("date", t.review_by.format("%Y-%m-%d").to_string().into()),
                ("days", MAX_TEMPORARY_DAYS.into()),
            ],
        )],
        vec![
            FormField::text(
                "next",
                &say("placement-review-field-next"),
                &next.format("%Y-%m-%d").to_string(),
            ),
            FormField::text("reason", &say("placement-review-field-reason"), ""),
        ],
        "record",
        Box::new(move |values, ctx| {
            let typed = values.get("next").map(|v| v.trim()).unwrap_or("");
            let next = if typed.is_empty() {
                None
            } else {
                Some(
                    chrono::NaiveDate::parse_from_str(typed, "%Y-%m-%d")
                        .map_err(|_| say("placement-review-date"))?,
                )
            };
            let reason = values.get("reason").cloned().unwrap_or_default();
            let actor = ctx.actor();
            ctx.store
                .review_temporary_placement(&actor, id, next, &reason)
                .map(|kept| {
                    t_args(
                        "placement-review-saved",
                        &[("date", kept.review_by.format("%Y-%m-%d").to_string().into())],
                    )
                })
                .map_err(Invalid::from)
        }),
    )
}

/// The supervisor's decision about someone who turned 18 in a young unit: stay or move, and why.
fn age_review_prompt(row: &PrisonerRow, ctx: &Ctx) -> super::prompt::PromptScreen {
    use crate::i18n::{t, t_args};
    let p = &row.prisoner;
    let who = format!("{} {}", p.number, p.full_name());
    let days = crate::store::eighteenth_birthday(p.birth)
        .map_or(0, |d| (ctx.now.date_naive() - d).num_days().max(0));
    let id = p.id;
    super::prompt::PromptScreen::new(
        t_args("age-review-title", &[("who", who.into())]),
        vec![t_args("age-review-about", &[("days", days.into())])],
        vec![
            FormField::words(
                "decision",
                &t("age-review-field-decision"),
                &["stay", "move"],
                "stay",
            ),
            FormField::text("reason", &t("age-review-field-reason"), ""),
        ],
        "record",
        Box::new(move |values, ctx| {
            let stay = values.get("decision").map(String::as_str) == Some("stay");
            let reason = values.get("reason").cloned().unwrap_or_default();
            let actor = ctx.actor();
            ctx.store
                .record_age_review(&actor, id, stay, &reason)
                .map(|_| {
                    t_args(
                        "age-review-saved",
                        &[("decision", if stay { "stay" } else { "move" }.into())],
                    )
                })
                .map_err(Invalid::from)
        }),
    )
}
