//! A session's register: y marks everyone not yet marked as attended, then Enter on a person records an
//! exception (sick, refused, court ...). Every mark is saved the moment it is made.

use super::prompt::PromptScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::invalid::Invalid;
use crate::domain::roster::{Outcome as Mark, Programme, Session};
use crate::store::RegisterLine;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct RegisterScreen {
    programme: String,
    facility_id: i64,
    room: String,
    session: Session,
    lines: Vec<RegisterLine>,
    selection: Selection,
    /// A session still to come: its register can be read (who will attend) but not marked.
    ahead: bool,
}

impl RegisterScreen {
    pub fn new(programme: &Programme, session: Session, ctx: &mut Ctx) -> RegisterScreen {
        let mut s = RegisterScreen {
            programme: format!("{} {}", programme.code, programme.name),
            facility_id: programme.facility_id,
            room: programme.room.clone(),
            session,
            lines: Vec::new(),
            selection: Selection::default(),
            ahead: session.date > ctx.now.date_naive(),
        };
        s.resume(ctx);
        s
    }

    fn when(&self) -> String {
        format!(
            "{} {}-{}",
            self.session.date.format("%a %Y-%m-%d"),
            self.session.starts.format("%H:%M"),
            self.session.ends.format("%H:%M")
        )
    }

    fn all_attended(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::RecordAttendance) {
            return Outcome::Handled;
        }
        let marks: Vec<(i64, Mark, String)> = self
            .lines
            .iter()
            .filter(|l| l.outcome.is_none())
            .map(|l| (l.referral.id, Mark::Attended, String::new()))
            .collect();
        if marks.is_empty() {
            ctx.info("Everyone is already marked; Enter on a person changes their mark.");
            return Outcome::Handled;
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
        self.resume(ctx);
        Outcome::Handled
    }

    fn exception(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::RecordAttendance) {
            return Outcome::Handled;
        }
        let Some(line) = self.lines.get(self.selection.index) else {
            return Outcome::Ignored;
        };
        let who = format!("{} {}", line.referral.number, line.referral.name);
        let current = line.outcome.unwrap_or(Mark::Attended);
        let options = Mark::ALL
            .iter()
            .map(|m| (m.as_str().to_string(), m.label().to_string()))
            .collect();
        let (referral, slot, date) = (line.referral.id, self.session.slot_id, self.session.date);
        Outcome::Push(Box::new(PromptScreen::new(
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
        .with_draft(format!("attendance:{slot}:{date}:{referral}"), ctx)))
    }
}

impl Screen for RegisterScreen {
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
        crate::i18n::t_args("register-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::AllAttended => self.all_attended(ctx),
            Action::Print => {
                let facility = ctx.store.facility(self.facility_id).ok().flatten();
                let day = self.session.date;
                super::programmes::preview(crate::report::Kind::Attendance, ctx, |p| {
                    p.facility = facility;
                    p.day = day;
                })
            }
            Action::Select => self.exception(ctx),
            other => {
                if self.selection.handle(other, self.lines.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx
            .store
            .session_register(self.session.slot_id, self.session.date)
        {
            Ok(lines) => self.lines = lines,
            Err(e) => ctx.error(format!("Cannot read the register: {e}")),
        }
        self.selection.clamp(self.lines.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let attended = self
            .lines
            .iter()
            .filter(|l| l.outcome == Some(Mark::Attended))
            .count();
        let unmarked = self.lines.iter().filter(|l| l.outcome.is_none()).count();
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
                        self.lines.len()
                    ),
                    theme.warning(),
                ))
            } else {
                Line::from(format!(
                    "{} in the group: {attended} attended, {} absent, {unmarked} not marked",
                    self.lines.len(),
                    self.lines.len() - attended - unmarked
                ))
            },
        ];
        frame.render_widget(
            Paragraph::new(head),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 2),
        );
        let rows: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let mark = l.outcome.map_or("-", |o| o.label());
                columns(&[
                    (&l.referral.number, 20),
                    (&l.referral.name, 19),
                    (l.referral.cell.as_deref().unwrap_or(""), 8),
                    (mark, 12),
                    (&l.comment, 16),
                ])
            })
            .collect();
        let header = columns(&[
            ("Number", 20),
            ("Name", 19),
            ("Cell", 8),
            ("Mark", 12),
            ("Comment", 16),
        ]);
        render_rows(
            frame,
            Rect::new(
                area.x,
                area.y + 3,
                area.width,
                area.height.saturating_sub(3),
            ),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "Nobody held a place on this day.",
        );
    }
}
