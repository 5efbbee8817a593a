//! A person's programmes, from their record: what their needs screen suggests, every referral and place with
//! attendance so far, and (Tab) their timetable for a week with court dates.

use super::programme::percent_text;
use super::prompt::PromptScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::invalid::Invalid;
use crate::domain::roster::release::need_label;
use crate::domain::roster::{ReferralStatus, monday_of, week_label};
use crate::domain::text;
use crate::store::{ParticipationLine, PrisonerRow, ReferralRow, RosterSession, Suggestion};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// One row of the list: a suggestion, or a referral (with attendance when they held a place).
enum Row {
    Suggested(Suggestion),
    Referral(ReferralRow, Option<crate::domain::roster::Participation>),
}

pub struct PersonProgrammesScreen {
    prisoner_id: i64,
    number: String,
    who: String,
    rows: Vec<Row>,
    timetable: bool,
    monday: NaiveDate,
    week: Vec<RosterSession>,
    court: Vec<NaiveDate>,
    selection: Selection,
}

impl PersonProgrammesScreen {
    pub fn new(row: &PrisonerRow, ctx: &mut Ctx) -> PersonProgrammesScreen {
        let mut s = PersonProgrammesScreen {
            prisoner_id: row.prisoner.id,
            number: row.prisoner.number.clone(),
            who: format!("{} {}", row.prisoner.number, row.prisoner.full_name()),
            rows: Vec::new(),
            timetable: false,
            monday: monday_of(ctx.now.date_naive()),
            week: Vec::new(),
            court: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }

    fn refer(&mut self, decline: bool, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::ReferToProgramme) {
            return Outcome::Handled;
        }
        let Some(Row::Suggested(s)) = self.rows.get(self.selection.index) else {
            ctx.error("Select a suggested programme first.");
            return Outcome::Handled;
        };
        let (programme, name, need) = (s.programme.id, s.programme.name.clone(), s.need.clone());
        let prisoner = self.prisoner_id;
        let who = self.who.clone();
        let (title, about, word) = if decline {
            (
                format!("Decline {name}"),
                format!("{who} will not be suggested {name} again. Say why."),
                "decline",
            )
        } else {
            (
                format!("Refer to {name}"),
                format!(
                    "Refer {who} to {name} (need: {}). A reason or note is optional.",
                    need_label(&need)
                ),
                "refer",
            )
        };
        Outcome::Push(Box::new(PromptScreen::new(
            title,
            vec![about],
            vec![FormField::text("reason", "Reason", "")],
            word,
            Box::new(move |values, ctx| {
                let actor = ctx.actor();
                let reason = values.get("reason").cloned().unwrap_or_default();
                let done = if decline {
                    ctx.store
                        .decline_suggestion(&actor, programme, prisoner, Some(&need), &reason)
                } else {
                    ctx.store
                        .refer(&actor, programme, prisoner, Some(&need), &reason)
                };
                done.map(|_| {
                    if decline {
                        format!("{name} declined for {who}.")
                    } else {
                        format!("Referred to {name}: now on its waitlist.")
                    }
                })
                .map_err(Invalid::from)
            }),
        )))
    }

    fn row_text(row: &Row) -> String {
        match row {
            Row::Suggested(s) => columns(&[
                ("suggested", 10),
                (&s.programme.name, 27),
                (&format!("need: {}", need_label(&s.need)), 19),
                (&s.programme.schedule_text(), 20),
            ]),
            Row::Referral(r, part) => {
                let since = match r.status {
                    ReferralStatus::Allocated => r
                        .allocated_on
                        .map(|d| format!("since {d}"))
                        .unwrap_or_default(),
                    _ => format!("referred {}", r.referred_on),
                };
                columns(&[
                    (r.status.as_str(), 10),
                    (&r.programme, 27),
                    (&since, 19),
                    (&part.as_ref().map(percent_text).unwrap_or_default(), 20),
                ])
            }
        }
    }
}

impl Screen for PersonProgrammesScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        match action {
            // Declining a suggestion is a referral decision.
            Action::Withdraw => crate::domain::auth::may(role, Permission::ReferToProgramme),
            other => crate::tui::keymap::usable(other, role),
        }
    }

    fn title(&self) -> String {
        format!("Programmes: {}", self.who)
    }

    fn footer(&self) -> Vec<Action> {
        if self.timetable {
            vec![
                Action::NextField,
                Action::Right,
                Action::Print,
                Action::Back,
            ]
        } else {
            vec![
                Action::Refer,
                Action::Withdraw,
                Action::NextField,
                Action::Edit,
                Action::Back,
            ]
        }
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::NextField if self.timetable => "list",
            Action::NextField => "timetable",
            Action::Withdraw => "decline",
            Action::Edit => "release plan",
            Action::Right => "week",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "person-programmes-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::NextField | Action::PrevField => {
                self.timetable = !self.timetable;
                self.selection = Selection::default();
                Outcome::Handled
            }
            Action::Refer if !self.timetable => self.refer(false, ctx),
            Action::Edit => Outcome::Push(Box::new(super::release_plan::ReleasePlanScreen::new(
                self.prisoner_id,
                self.who.clone(),
                ctx,
            ))),
            Action::Withdraw if !self.timetable => self.refer(true, ctx),
            Action::Print => {
                let (number, from) = (self.number.clone(), self.monday);
                super::programmes::preview(crate::report::Kind::Timetable, ctx, |p| {
                    p.prisoner = Some(number);
                    p.from = from;
                })
            }
            Action::Left | Action::Right if self.timetable => {
                self.monday += Duration::days(if action == Action::Right { 7 } else { -7 });
                self.resume(ctx);
                Outcome::Handled
            }
            other => {
                let len = if self.timetable {
                    self.week.len()
                } else {
                    self.rows.len()
                };
                if self.selection.handle(other, len) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        let today = ctx.now.date_naive();
        let mut rows = Vec::new();
        match ctx.store.suggestions_for(self.prisoner_id, today) {
            Ok(s) => rows.extend(s.into_iter().map(Row::Suggested)),
            Err(e) => ctx.error(format!("Cannot read the suggestions: {e}")),
        }
        let participation: Vec<ParticipationLine> = ctx
            .store
            .participation_of_prisoner(self.prisoner_id)
            .unwrap_or_default();
        match ctx.store.referrals_of(self.prisoner_id) {
            Ok(referrals) => rows.extend(referrals.into_iter().map(|r| {
                let part = participation
                    .iter()
                    .find(|p| p.referral.id == r.id)
                    .map(|p| p.participation);
                Row::Referral(r, part)
            })),
            Err(e) => ctx.error(format!("Cannot read the referrals: {e}")),
        }
        self.rows = rows;
        match ctx.store.timetable(self.prisoner_id, self.monday) {
            Ok((week, court)) => {
                self.week = week;
                self.court = court;
            }
            Err(e) => ctx.error(format!("Cannot read the timetable: {e}")),
        }
        let len = if self.timetable {
            self.week.len()
        } else {
            self.rows.len()
        };
        self.selection.clamp(len);
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        if self.timetable {
            let court = if self.court.is_empty() {
                "no court dates".to_string()
            } else {
                format!(
                    "court on {}",
                    self.court
                        .iter()
                        .map(|d| d.format("%a %d").to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            frame.render_widget(
                Paragraph::new(Line::from(format!(
                    "Week {} from {}: {} sessions, {court}",
                    week_label(self.monday),
                    self.monday,
                    self.week.len()
                ))),
                Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
            );
            let rows: Vec<String> = self
                .week
                .iter()
                .map(|s| {
                    let when = s.session.date.format("%a %d").to_string();
                    let time = format!(
                        "{}-{}",
                        s.session.starts.format("%H:%M"),
                        s.session.ends.format("%H:%M")
                    );
                    let court = if self.court.contains(&s.session.date) {
                        "COURT"
                    } else {
                        ""
                    };
                    let state = match &s.cancelled {
                        Some((reason, _)) => format!("cancelled: {}", reason.as_str()),
                        None => court.to_string(),
                    };
                    columns(&[
                        (&when, 6),
                        (&time, 11),
                        (&s.programme, 26),
                        (&text::display(&s.room), 16),
                        (&state, 16),
                    ])
                })
                .collect();
            let header = columns(&[
                ("Day", 6),
                ("Time", 11),
                ("Programme", 26),
                ("Room", 16),
                ("", 16),
            ]);
            render_rows(
                frame,
                Rect::new(
                    area.x,
                    area.y + 2,
                    area.width,
                    area.height.saturating_sub(2),
                ),
                theme,
                Some(&header),
                &rows,
                Some(&self.selection),
                "No sessions this week.",
            );
            return;
        }
        let suggested = self
            .rows
            .iter()
            .filter(|r| matches!(r, Row::Suggested(_)))
            .count();
        frame.render_widget(
            Paragraph::new(Line::from(format!(
                "{suggested} suggested from the needs screen; {} referrals and places",
                self.rows.len() - suggested
            ))),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let rows: Vec<String> = self.rows.iter().map(Self::row_text).collect();
        let header = columns(&[
            ("Status", 10),
            ("Programme", 27),
            ("Need or dates", 19),
            ("Sessions/attended", 20),
        ]);
        render_rows(
            frame,
            Rect::new(
                area.x,
                area.y + 2,
                area.width,
                area.height.saturating_sub(2),
            ),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            "Nothing suggested (no needs screen yet, or every need is met) and no referrals.",
        );
    }
}
