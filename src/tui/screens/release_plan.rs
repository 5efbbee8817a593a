//! Continuity of care on screen: one person's pre-release plan (documents, housing, notes, post-release
//! referrals, programmes completed, needs still open), and the list of people released within N days with the
//! state of their plans.

use super::prompt::PromptScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::invalid::Invalid;
use crate::domain::roster::release::{Aftercare, ReleasePlan, need_label};
use crate::domain::text;
use crate::store::{PlanView, ReleaseDue};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub struct ReleasePlanScreen {
    prisoner_id: i64,
    who: String,
    view: Option<PlanView>,
}

impl ReleasePlanScreen {
    pub fn new(prisoner_id: i64, who: String, ctx: &mut Ctx) -> ReleasePlanScreen {
        let mut s = ReleasePlanScreen {
            prisoner_id,
            who,
            view: None,
        };
        s.resume(ctx);
        s
    }

    fn edit(&self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::PlanRelease) {
            return Outcome::Handled;
        }
        let plan = self
            .view
            .as_ref()
            .map(|v| v.plan.clone())
            .unwrap_or_default();
        let yes_no = vec![
            ("no".to_string(), "No".to_string()),
            ("yes".to_string(), "Yes".to_string()),
        ];
        let prisoner = self.prisoner_id;
        Outcome::Push(Box::new(PromptScreen::new(
            "Pre-release plan",
            vec![format!("The plan for {}.", self.who)],
            vec![
                FormField::choice(
                    "documents",
                    "Documents ready",
                    yes_no,
                    if plan.documents_ready { "yes" } else { "no" },
                ),
                FormField::text("housing", "housing", &plan.housing),
                FormField::text("notes", "notes", &plan.notes),
            ],
            "save",
            Box::new(move |values, ctx| {
                let plan = ReleasePlan {
                    documents_ready: values.get("documents").is_some_and(|v| v == "yes"),
                    housing: values.get("housing").cloned().unwrap_or_default(),
                    notes: values.get("notes").cloned().unwrap_or_default(),
                };
                let actor = ctx.actor();
                ctx.store
                    .save_release_plan(&actor, prisoner, &plan)
                    .map(|_| "Plan saved.".to_string())
                    .map_err(Invalid::from)
            }),
        )))
    }

    fn add_aftercare(&self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::PlanRelease) {
            return Outcome::Handled;
        }
        let prisoner = self.prisoner_id;
        let need = self
            .view
            .as_ref()
            .and_then(|v| v.open_needs.first())
            .map(|n| need_label(n))
            .unwrap_or_default();
        Outcome::Push(Box::new(PromptScreen::new(
            "Post-release referral",
            vec!["Who takes over after release: the organisation, how to reach them, and the first appointment (YYYY-MM-DD, optional).".into()],
            vec![
                FormField::text("organisation", "organisation", ""),
                FormField::text("contact", "contact", ""),
                FormField::text("need", "need", &need),
                FormField::text("appointment", "appointment", ""),
            ],
            "add",
            Box::new(move |values, ctx| {
                let get = |k: &str| values.get(k).cloned().unwrap_or_default();
                let typed = get("appointment");
                let appointment = match typed.trim() {
                    "" => None,
                    t => Some(NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                        format!("appointment: '{t}' is not a date like 2027-01-31")
                    })?),
                };
                let a = Aftercare {
                    id: 0,
                    organisation: get("organisation"),
                    contact: get("contact"),
                    need: get("need"),
                    appointment,
                };
                let actor = ctx.actor();
                ctx.store
                    .add_aftercare(&actor, prisoner, &a)
                    .map(|_| format!("Referral to {} added.", a.organisation.trim()))
                    .map_err(Invalid::from)
            }),
        )))
    }
}

impl Screen for ReleasePlanScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        match action {
            Action::Edit | Action::New => crate::domain::auth::may(role, Permission::PlanRelease),
            other => crate::tui::keymap::usable(other, role),
        }
    }

    fn title(&self) -> String {
        format!("Release plan: {}", self.who)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Edit, Action::New, Action::Back]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Edit => "edit plan",
            Action::New => "post-release referral",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "release-plan-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Edit => self.edit(ctx),
            Action::New => self.add_aftercare(ctx),
            _ => Outcome::Ignored,
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        match ctx.store.release_plan(self.prisoner_id) {
            Ok(v) => self.view = Some(v),
            Err(e) => ctx.error(format!("Cannot read the plan: {e}")),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(v) = &self.view else {
            return;
        };
        let list = |items: &[String]| {
            if items.is_empty() {
                "none".to_string()
            } else {
                items.join(", ")
            }
        };
        let mut lines = vec![
            Line::from(format!(
                "Expected release: {}",
                v.expected_release
                    .map_or("not set".into(), |d| d.to_string())
            )),
            Line::from(match &v.updated {
                Some((at, by)) => {
                    format!("Plan last saved by {by} at {}", at.get(..16).unwrap_or(at))
                }
                None => "No plan saved yet (e to start one).".into(),
            }),
            Line::from(""),
            Line::from(vec![
                Span::styled("Documents ready  ", theme.label()),
                Span::raw(if v.plan.documents_ready { "yes" } else { "no" }),
            ]),
            Line::from(vec![
                Span::styled("Housing          ", theme.label()),
                Span::raw(text::display(&v.plan.housing).into_owned()),
            ]),
            Line::from(vec![
                Span::styled("Notes            ", theme.label()),
                Span::raw(text::display(&v.plan.notes).into_owned()),
            ]),
            Line::from(vec![
                Span::styled("Completed        ", theme.label()),
                Span::raw(text::display(&list(&v.completed)).into_owned()),
            ]),
        ];
        let open: Vec<String> = v.open_needs.iter().map(|n| need_label(n)).collect();
        let open_style = if open.is_empty() {
            theme.base()
        } else {
            theme.warning()
        };
        lines.push(Line::from(vec![
            Span::styled("Needs still open ", theme.label()),
            Span::styled(list(&open), open_style),
        ]));
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("Post-release referrals ({})", v.aftercare.len()),
            theme.heading(),
        )));
        for a in &v.aftercare {
            lines.push(Line::from(columns(&[
                (&a.organisation, 24),
                (&a.contact, 18),
                (&a.need, 16),
                (
                    &a.appointment.map_or("no date".into(), |d| d.to_string()),
                    10,
                ),
            ])));
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            Rect::new(
                area.x + 1,
                area.y,
                area.width.saturating_sub(1),
                area.height,
            ),
        );
    }
}

/// Everyone released within the next N days (Left/Right: 30, 60, 90) and how far their plans have got.
pub struct ReleasesDueScreen {
    days: i64,
    rows: Vec<ReleaseDue>,
    selection: Selection,
}

const WINDOWS: [i64; 3] = [30, 60, 90];

impl ReleasesDueScreen {
    pub fn new(ctx: &mut Ctx) -> ReleasesDueScreen {
        let mut s = ReleasesDueScreen {
            days: 30,
            rows: Vec::new(),
            selection: Selection::default(),
        };
        s.resume(ctx);
        s
    }
}

impl Screen for ReleasesDueScreen {
    fn title(&self) -> String {
        format!("Releases in the next {} days", self.days)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Select, Action::Right, Action::Back]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Right => "30/60/90 days",
            Action::Select => "plan",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "releases-due-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Left | Action::Right => {
                let i = WINDOWS.iter().position(|d| *d == self.days).unwrap_or(0);
                let n = WINDOWS.len();
                self.days = WINDOWS[if action == Action::Right {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                self.resume(ctx);
                Outcome::Handled
            }
            Action::Select => match self.rows.get(self.selection.index) {
                Some(r) => Outcome::Push(Box::new(ReleasePlanScreen::new(
                    r.prisoner_id,
                    format!("{} {}", r.number, r.name),
                    ctx,
                ))),
                None => Outcome::Ignored,
            },
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
        match ctx
            .store
            .releases_due(None, ctx.now.date_naive(), self.days)
        {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(format!("Cannot read the releases: {e}")),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let ready = self
            .rows
            .iter()
            .filter(|r| r.has_plan && r.documents_ready && r.open_needs == 0)
            .count();
        frame.render_widget(
            Paragraph::new(Line::from(format!(
                "{} to be released; {ready} with a plan, documents ready and no need left open",
                self.rows.len()
            ))),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                columns(&[
                    (&r.expected_release.to_string(), 10),
                    (&r.facility, 5),
                    (&r.number, 20),
                    (&r.name, 14),
                    (if r.has_plan { "yes" } else { "NO" }, 4),
                    (if r.documents_ready { "yes" } else { "no" }, 4),
                    (&r.aftercare.to_string(), 5),
                    (&r.open_needs.to_string(), 5),
                ])
            })
            .collect();
        let header = columns(&[
            ("Release", 10),
            ("Fac", 5),
            ("Number", 20),
            ("Name", 14),
            ("Plan", 4),
            ("Docs", 4),
            ("Refs", 5),
            ("Open", 5),
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
            "Nobody is due for release in this window.",
        );
    }
}
