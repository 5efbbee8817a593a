//! A session's register: y marks everyone not yet marked as attended, then Enter on a person records an
//! exception (sick, refused, court ...). Every mark is saved the moment it is made.

use super::list::{Keyed, ListScreen, ListSource};
use super::prompt::PromptScreen;
use super::{Ctx, Outcome};
use crate::domain::auth::Permission;
use crate::domain::invalid::Invalid;
use crate::domain::roster::{Outcome as Mark, Programme, Session};
use crate::store::RegisterLine;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::columns;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The register of one session of `programme`.
pub fn register(programme: &Programme, session: Session, ctx: &mut Ctx) -> ListScreen<Register> {
    let source = Register {
        programme: format!("{} {}", programme.code, programme.name),
        facility_id: programme.facility_id,
        room: programme.room.clone(),
        session,
        ahead: session.date > ctx.now.date_naive(),
    };
    ListScreen::new(source, ctx)
}

pub struct Register {
    programme: String,
    facility_id: i64,
    room: String,
    session: Session,
    /// A session still to come: its register can be read (who will attend) but not marked.
    ahead: bool,
}

impl Register {
    fn when(&self) -> String {
        format!(
            "{} {}-{}",
            self.session.date.format("%a %Y-%m-%d"),
            self.session.starts.format("%H:%M"),
            self.session.ends.format("%H:%M")
        )
    }

    fn all_attended(&mut self, lines: &[RegisterLine], ctx: &mut Ctx) -> Keyed {
        if !ctx.allowed(Permission::RecordAttendance) {
            return Outcome::Handled.into();
        }
        let marks: Vec<(i64, Mark, String)> = lines
            .iter()
            .filter(|l| l.outcome.is_none())
            .map(|l| (l.referral.id, Mark::Attended, String::new()))
            .collect();
        if marks.is_empty() {
            ctx.info("Everyone is already marked; Enter on a person changes their mark.");
            return Outcome::Handled.into();
        }
        let actor = ctx.actor();
        match ctx
            .store
            .mark_attendance(&actor, self.session.slot_id, self.session.date, &marks)
        {
            Ok(()) => ctx.info(format!(
                "{} marked attended. Enter on a person records an absence.",
                marks.len()
            )),
            Err(e) => ctx.error(format!("Not marked: {e}")),
        }
        Keyed::ReadAgain
    }
}

impl ListSource for Register {
    type Row = RegisterLine;

    fn title(&self) -> String {
        format!("Register: {}", self.programme)
    }

    fn footer(&self) -> Vec<Action> {
        vec![
            Action::AllAttended,
            Action::Select,
            Action::Print,
            Action::Back,
        ]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Select => "exception",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "register-help",
            &crate::tui::keymap::key_args(crate::tui::keymap::Scope::Browse),
        )
    }

    fn read(&mut self, ctx: &mut Ctx) -> Result<Vec<RegisterLine>, String> {
        ctx.store
            .session_register(self.session.slot_id, self.session.date)
            .map_err(|e| e.to_string())
    }

    fn what(&self) -> String {
        crate::i18n::t("register-what")
    }

    fn header(&self) -> String {
        columns(&[
            ("Number", 20),
            ("Name", 19),
            ("Cell", 8),
            ("Mark", 12),
            ("Comment", 16),
        ])
    }

    fn line(&self, l: &RegisterLine) -> String {
        let mark = l.outcome.map_or("-", |o| o.label());
        columns(&[
            (&l.referral.number, 20),
            (&l.referral.name, 19),
            (l.referral.cell.as_deref().unwrap_or(""), 8),
            (mark, 12),
            (&l.comment, 16),
        ])
    }

    fn empty(&self) -> String {
        "Nobody held a place on this day.".into()
    }

    fn above(&self, _rows: &[RegisterLine]) -> u16 {
        3
    }

    fn render_above(&self, lines: &[RegisterLine], frame: &mut Frame, area: Rect, theme: &Theme) {
        let attended = lines
            .iter()
            .filter(|l| l.outcome == Some(Mark::Attended))
            .count();
        let unmarked = lines.iter().filter(|l| l.outcome.is_none()).count();
        let head = vec![
            Line::from(format!(
                "{} in {}",
                self.when(),
                crate::domain::text::display(&self.room)
            )),
            if self.ahead {
                Line::from(Span::styled(
                    format!(
                        "{} in the group. Not held yet: marks can be saved from the day itself.",
                        lines.len()
                    ),
                    theme.warning(),
                ))
            } else {
                Line::from(format!(
                    "{} in the group: {attended} attended, {} absent, {unmarked} not marked",
                    lines.len(),
                    lines.len() - attended - unmarked
                ))
            },
        ];
        frame.render_widget(
            Paragraph::new(head),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 2),
        );
    }

    /// Enter records an exception for the person: an outcome other than attended, with a comment.
    fn open(&mut self, line: &RegisterLine, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::RecordAttendance) {
            return Outcome::Handled;
        }
        let who = format!("{} {}", line.referral.number, line.referral.name);
        let current = line.outcome.unwrap_or(Mark::Attended);
        let options = Mark::ALL
            .iter()
            .map(|m| (m.as_str().to_string(), m.label().to_string()))
            .collect();
        let (referral, slot, date) = (line.referral.id, self.session.slot_id, self.session.date);
        Outcome::Push(Box::new(
            PromptScreen::new(
                format!("Mark {who}"),
                vec![format!(
                    "{} on {}. Type the first letter of the outcome or use Left/Right; \"other\" needs a comment.",
                    self.programme,
                    self.when()
                )],
                vec![
                    FormField::choice("outcome", "Outcome", options, current.as_str()),
                    FormField::text("comment", "Comment", &line.comment),
                ],
                "save",
                Box::new(move |values, ctx| {
                    let actor = ctx.actor();
                    let outcome = super::prompt::word(values, "outcome", Mark::parse)?;
                    let comment = values.get("comment").cloned().unwrap_or_default();
                    ctx.store
                        .mark_attendance(&actor, slot, date, &[(referral, outcome, comment)])
                        .map(|_| format!("{who}: {}.", outcome.label().to_lowercase()))
                        .map_err(Invalid::from)
                }),
            )
            .with_draft(format!("attendance:{slot}:{date}:{referral}"), ctx),
        ))
    }

    fn key(
        &mut self,
        action: Action,
        rows: &[RegisterLine],
        _selected: Option<&RegisterLine>,
        ctx: &mut Ctx,
    ) -> Keyed {
        match action {
            Action::AllAttended => self.all_attended(rows, ctx),
            Action::Print => {
                let facility = ctx.store.facility(self.facility_id).ok().flatten();
                let day = self.session.date;
                super::programmes::preview(crate::report::Kind::Attendance, ctx, |p| {
                    p.facility = facility;
                    p.day = day;
                })
                .into()
            }
            _ => Outcome::Ignored.into(),
        }
    }
}
