//! One programme: who holds a place (with attendance so far), the waitlist in the order places are offered and
//! why, and the week's sessions with their registers. Places are given here, through the allocation checks.

use super::prompt::PromptScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::invalid::Invalid;
use crate::domain::roster::{
    CancelReason, Participation, Programme, ReferralStatus, monday_of, week_label,
};
use crate::domain::text;
use crate::store::{ReferralRow, RosterSession};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Group,
    Waitlist,
    Week,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Group => "Group",
            Tab::Waitlist => "Waitlist",
            Tab::Week => "Sessions",
        }
    }
}

pub struct ProgrammeScreen {
    programme: Programme,
    tab: Tab,
    group: Vec<(ReferralRow, Participation)>,
    waitlist: Vec<(ReferralRow, String)>,
    monday: NaiveDate,
    week: Vec<RosterSession>,
    /// Marks recorded per session in the week: (slot, date) -> marked count.
    marked: std::collections::HashMap<(i64, NaiveDate), usize>,
    selection: Selection,
    show_vep: bool,
    today: NaiveDate,
    /// Pairs in the group under a non-association in force (one made after both had their places): both
    /// rows are marked APART!. Read once per refresh of the group.
    apart: Vec<(i64, i64)>,
}

pub fn percent_text(p: &Participation) -> String {
    match p.percent() {
        Some(x) => format!("{x}% of {}", p.marked - p.excused),
        None => "-".into(),
    }
}

impl ProgrammeScreen {
    pub fn open(programme_id: i64, ctx: &mut Ctx) -> Option<ProgrammeScreen> {
        let programme = match ctx.store.programme(programme_id) {
            Ok(p) => p,
            Err(e) => {
                ctx.error(format!("Cannot read the programme: {e}"));
                return None;
            }
        };
        let mut s = ProgrammeScreen {
            programme,
            tab: Tab::Group,
            group: Vec::new(),
            waitlist: Vec::new(),
            monday: monday_of(ctx.now.date_naive()),
            week: Vec::new(),
            marked: Default::default(),
            selection: Selection::default(),
            show_vep: ctx.session.may(Permission::ViewVepFlag),
            today: ctx.now.date_naive(),
            apart: Vec::new(),
        };
        s.resume(ctx);
        Some(s)
    }

    fn len(&self) -> usize {
        match self.tab {
            Tab::Group => self.group.len(),
            Tab::Waitlist => self.waitlist.len(),
            Tab::Week => self.week.len(),
        }
    }

    fn selected_referral(&self) -> Option<&ReferralRow> {
        match self.tab {
            Tab::Group => self.group.get(self.selection.index).map(|(r, _)| r),
            Tab::Waitlist => self.waitlist.get(self.selection.index).map(|(r, _)| r),
            Tab::Week => None,
        }
    }

    fn load_week(&mut self, ctx: &mut Ctx) {
        match ctx
            .store
            .weekly_roster(self.programme.facility_id, self.monday)
        {
            Ok(all) => {
                self.week = all
                    .into_iter()
                    .filter(|s| s.programme_id == self.programme.id)
                    .collect()
            }
            Err(e) => ctx.error(format!("Cannot read the week: {e}")),
        }
        self.marked.clear();
        for s in &self.week {
            if let Ok(lines) = ctx
                .store
                .session_register(s.session.slot_id, s.session.date)
            {
                let n = lines.iter().filter(|l| l.outcome.is_some()).count();
                self.marked.insert((s.session.slot_id, s.session.date), n);
            }
        }
    }

    fn allocate(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::AllocateProgramme) {
            return Outcome::Handled;
        }
        let Some(r) = self.selected_referral().cloned() else {
            return Outcome::Ignored;
        };
        if r.status == ReferralStatus::Allocated {
            ctx.error(format!("{} already has a place.", r.number));
            return Outcome::Handled;
        }
        let verdict =
            match ctx
                .store
                .check_place(self.programme.id, r.prisoner_id, ctx.now.date_naive())
            {
                Ok(v) => v,
                Err(e) => {
                    ctx.error(format!("Cannot check: {e}"));
                    return Outcome::Handled;
                }
            };
        let who = format!("{} {}", r.number, r.name);
        if verdict.allowed() && verdict.warnings.is_empty() {
            let actor = ctx.actor();
            match ctx.store.allocate_place(&actor, r.id, None) {
                Ok(_) => ctx.info(format!("{who} has a place in {}.", self.programme.name)),
                Err(e) => ctx.error(format!("Not placed: {e}")),
            }
            self.resume(ctx);
            return Outcome::Handled;
        }
        let see_vep = ctx.session.may(Permission::ViewVepFlag);
        let mut about: Vec<String> = verdict
            .refusals
            .iter()
            .map(|x| {
                let tag = if x.check.overridable() {
                    ""
                } else {
                    " (cannot be overridden)"
                };
                format!("! {}{tag}", x.shown(see_vep))
            })
            .collect();
        about.extend(verdict.warnings.iter().map(|w| format!("Note: {w}")));
        let mut fields = Vec::new();
        // F2 places the person; where nobody here may, it checks again (someone may have left the group).
        let mut word = "place";
        if !verdict.allowed() {
            if !verdict.overridable() {
                about.push("This place cannot be given now. F2 checks again; Esc closes.".into());
                word = "check again";
            } else if ctx.session.may(Permission::OverrideProgramme) {
                about.push("As supervisor you may give the place anyway, with a reason.".into());
                fields.push(FormField::text("reason", "Override reason", ""));
            } else {
                about.push(
                    "Only a supervisor may give this place anyway. F2 checks again; Esc closes."
                        .into(),
                );
                word = "check again";
            }
        }
        let referral = r.id;
        let title = format!("Place {who}");
        Outcome::Push(Box::new(PromptScreen::new(
            title,
            about,
            fields,
            word,
            Box::new(move |values, ctx| {
                let actor = ctx.actor();
                let reason = values.get("reason").map(String::as_str);
                ctx.store
                    .allocate_place(&actor, referral, reason)
                    .map(|_| format!("{who} has a place."))
                    .map_err(Invalid::from)
            }),
        )))
    }

    fn change(&mut self, to: ReferralStatus, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::AllocateProgramme) {
            return Outcome::Handled;
        }
        let Some(r) = self.selected_referral().cloned() else {
            return Outcome::Ignored;
        };
        let who = format!("{} {}", r.number, r.name);
        let needs_reason = matches!(to, ReferralStatus::Withdrawn | ReferralStatus::Declined);
        if !needs_reason {
            let actor = ctx.actor();
            match ctx.store.set_referral_status(&actor, r.id, to, "") {
                Ok(()) => ctx.info(format!("{who}: {}.", to.label().to_lowercase())),
                Err(e) => ctx.error(format!("Not changed: {e}")),
            }
            self.resume(ctx);
            return Outcome::Handled;
        }
        let referral = r.id;
        Outcome::Push(Box::new(PromptScreen::new(
            format!("{}: {who}", to.label()),
            vec![format!(
                "{} is {} for {}. Say why it ends.",
                who,
                r.status.as_str(),
                self.programme.name
            )],
            vec![FormField::text("reason", "Reason", "")],
            "confirm",
            Box::new(move |values, ctx| {
                let actor = ctx.actor();
                let reason = values.get("reason").cloned().unwrap_or_default();
                ctx.store
                    .set_referral_status(&actor, referral, to, &reason)
                    .map(|_| format!("{who}: {}.", to.label().to_lowercase()))
                    .map_err(Invalid::from)
            }),
        )))
    }

    fn cancel_session(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::ManageProgrammes) {
            return Outcome::Handled;
        }
        let Some(s) = self.week.get(self.selection.index).map(|s| s.session) else {
            return Outcome::Ignored;
        };
        let reasons = CancelReason::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), r.as_str().replace('-', " ")))
            .collect();
        let when = format!(
            "{} {}-{}",
            s.date,
            s.starts.format("%H:%M"),
            s.ends.format("%H:%M")
        );
        Outcome::Push(Box::new(PromptScreen::new(
            format!("Cancel the session of {when}"),
            vec![format!(
                "{} will not run on {when}. Its register is then not expected.",
                self.programme.name
            )],
            vec![
                FormField::choice("reason", "Why", reasons, "holiday"),
                FormField::text("comment", "Comment", ""),
            ],
            "cancel it",
            Box::new(move |values, ctx| {
                let actor = ctx.actor();
                let reason = super::prompt::word(values, "reason", CancelReason::parse)?;
                let comment = values.get("comment").cloned().unwrap_or_default();
                ctx.store
                    .cancel_session(&actor, s.slot_id, s.date, reason, &comment)
                    .map(|_| format!("The session of {when} is cancelled."))
                    .map_err(Invalid::from)
            }),
        )))
    }
}

impl Screen for ProgrammeScreen {
    fn offered(&self, action: Action, role: crate::domain::auth::Role) -> bool {
        match action {
            // Withdrawing from a group or the waitlist is the allocator's work.
            Action::Withdraw => crate::domain::auth::may(role, Permission::AllocateProgramme),
            other => crate::tui::keymap::usable(other, role),
        }
    }

    fn title(&self) -> String {
        format!("{} {}", self.programme.code, self.programme.name)
    }

    fn footer(&self) -> Vec<Action> {
        let mut keys = vec![Action::NextField];
        match self.tab {
            Tab::Group => keys.extend([Action::Complete, Action::Withdraw]),
            Tab::Waitlist => keys.extend([Action::Allocate, Action::Waitlist, Action::Withdraw]),
            Tab::Week => keys.extend([Action::Select, Action::Right, Action::CancelSession]),
        }
        keys.extend([Action::Print, Action::Back]);
        keys
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::NextField => "tab",
            Action::Select => "register",
            Action::Right => "week",
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "programme-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match (action, self.tab) {
            (Action::Back, _) => Outcome::Pop,
            (Action::NextField | Action::PrevField, _) => {
                self.tab = match (self.tab, action == Action::NextField) {
                    (Tab::Group, true) | (Tab::Week, false) => Tab::Waitlist,
                    (Tab::Waitlist, true) | (Tab::Group, false) => Tab::Week,
                    (Tab::Week, true) | (Tab::Waitlist, false) => Tab::Group,
                };
                self.selection = Selection::default();
                if self.tab == Tab::Week {
                    // The register an officer is most likely after: today's session, else the next one.
                    let next = self.week.iter().position(|s| s.session.date >= self.today);
                    self.selection.index = next.unwrap_or(0);
                }
                Outcome::Handled
            }
            (Action::Allocate, Tab::Waitlist) => self.allocate(ctx),
            (Action::Waitlist, Tab::Waitlist) => self.change(ReferralStatus::Waitlisted, ctx),
            (Action::Withdraw, Tab::Group | Tab::Waitlist) => {
                self.change(ReferralStatus::Withdrawn, ctx)
            }
            (Action::Complete, Tab::Group) => self.change(ReferralStatus::Completed, ctx),
            (Action::Left | Action::Right, Tab::Week) => {
                let step = if action == Action::Right { 7 } else { -7 };
                self.monday += Duration::days(step);
                self.selection = Selection::default();
                self.load_week(ctx);
                Outcome::Handled
            }
            (Action::Select, Tab::Week) => match self.week.get(self.selection.index) {
                Some(s) if s.cancelled.is_some() => {
                    ctx.error("That session was cancelled; there is no register.");
                    Outcome::Handled
                }
                Some(s) => Outcome::Push(Box::new(super::register::register(
                    &self.programme,
                    s.session,
                    ctx,
                ))),
                None => Outcome::Ignored,
            },
            (Action::CancelSession, Tab::Week) => self.cancel_session(ctx),
            // This programme's roster for the week on show, not the whole facility's.
            (Action::Print, _) => {
                let facility = ctx
                    .store
                    .facility(self.programme.facility_id)
                    .ok()
                    .flatten();
                let (code, monday) = (self.programme.code.clone(), self.monday);
                super::programmes::preview(crate::report::Kind::Roster, ctx, |p| {
                    p.facility = facility;
                    p.programme = Some(code);
                    (p.from, p.to) = crate::report::week_of(monday);
                })
            }
            (other, _) => {
                if self.selection.handle(other, self.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        let id = self.programme.id;
        match ctx.store.programme_participation(id) {
            Ok(lines) => {
                self.group = lines
                    .into_iter()
                    .filter(|l| l.referral.status == ReferralStatus::Allocated)
                    .map(|l| (l.referral, l.participation))
                    .collect()
            }
            Err(e) => ctx.error(format!("Cannot read the group: {e}")),
        }
        let ids: Vec<i64> = self.group.iter().map(|(r, _)| r.prisoner_id).collect();
        match ctx.store.non_associations_among(&ids, ctx.now.date_naive()) {
            Ok(found) => self.apart = found.iter().map(|na| (na.first, na.second)).collect(),
            Err(e) => ctx.error(format!("Cannot read the non-associations: {e}")),
        }
        match ctx.store.waitlist(id, ctx.now.date_naive()) {
            Ok(w) => self.waitlist = w,
            Err(e) => ctx.error(format!("Cannot read the waitlist: {e}")),
        }
        self.load_week(ctx);
        self.selection.clamp(self.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let p = &self.programme;
        // A line cut at the edge says so ("~"), rather than ending mid-name.
        let about = format!(
            "{} run by {}; {}; facilitators {}",
            p.category.label(),
            p.provider_text(),
            text::display(&p.room),
            text::display(&p.facilitators.join(", "))
        );
        let mut head = vec![
            Line::from(text::fit(&about, area.width.saturating_sub(1) as usize)),
            Line::from(format!(
                "{} to {}: {}",
                p.starts_on,
                p.ends_on,
                p.schedule_text()
            )),
        ];
        let mut rule = format!(
            "Places {} of {}; completes at {}% attendance",
            self.group.len(),
            p.capacity,
            p.completion_percent
        );
        if self.show_vep {
            let veps = self.group.iter().filter(|(r, _)| r.vep).count();
            rule.push_str(&format!("; VEPs {veps} of at most {}", p.vep_cap()));
        }
        head.push(Line::from(rule));
        let tabs: Vec<Span> = [Tab::Group, Tab::Waitlist, Tab::Week]
            .into_iter()
            .flat_map(|t| {
                let label = match t {
                    Tab::Group => format!(" {} ({}) ", t.label(), self.group.len()),
                    Tab::Waitlist => format!(" {} ({}) ", t.label(), self.waitlist.len()),
                    Tab::Week => format!(" {} {} ", t.label(), week_label(self.monday)),
                };
                let style = if t == self.tab {
                    theme.selected()
                } else {
                    theme.dim()
                };
                [Span::styled(label, style), Span::raw(" ")]
            })
            .collect();
        head.push(Line::from(tabs));
        frame.render_widget(
            Paragraph::new(head),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 4),
        );
        let (header, rows, empty) = match self.tab {
            Tab::Group => (
                columns(&[
                    ("Number", 20),
                    ("Name", 12),
                    (&crate::i18n::t("column-age"), 8),
                    ("Cell", 6),
                    ("Since", 10),
                    ("Attended", 11),
                    ("", 6),
                ]),
                self.group
                    .iter()
                    .map(|(r, part)| {
                        let mut name = r.name.clone();
                        if self.show_vep && r.vep {
                            name.push_str(" (VEP)");
                        }
                        let cell = r.cell.clone().unwrap_or_default();
                        let since = r.allocated_on.map(|d| d.to_string()).unwrap_or_default();
                        let mark = if r.override_reason.is_some() { "*" } else { "" };
                        let id = r.prisoner_id;
                        let apart = self.apart.iter().any(|(a, b)| *a == id || *b == id);
                        let age = age_of(r, self.today);
                        columns(&[
                            (&r.number, 20),
                            (&name, 12),
                            (&age, 8),
                            (&cell, 6),
                            (&since, 10),
                            (&format!("{}{mark}", percent_text(part)), 11),
                            (if apart { "APART!" } else { "" }, 6),
                        ])
                    })
                    .collect::<Vec<_>>(),
                "Nobody holds a place yet. Tab to the waitlist and press g to give one.",
            ),
            Tab::Waitlist => (
                columns(&[
                    ("#", 2),
                    ("Number", 20),
                    ("Name", 16),
                    (&crate::i18n::t("column-age"), 8),
                    ("Status", 10),
                    ("Why here", 18),
                ]),
                self.waitlist
                    .iter()
                    .enumerate()
                    .map(|(i, (r, why))| {
                        columns(&[
                            (&(i + 1).to_string(), 2),
                            (&r.number, 20),
                            (&r.name, 16),
                            (&age_of(r, self.today), 8),
                            (r.status.as_str(), 10),
                            (why, 18),
                        ])
                    })
                    .collect(),
                "Nobody is waiting. Refer people from their record (P on the record).",
            ),
            Tab::Week => (
                columns(&[("Day", 14), ("Time", 11), ("Group", 6), ("Register", 40)]),
                self.week
                    .iter()
                    .map(|s| {
                        let when = s.session.date.format("%a %Y-%m-%d").to_string();
                        let time = format!(
                            "{}-{}",
                            s.session.starts.format("%H:%M"),
                            s.session.ends.format("%H:%M")
                        );
                        let state = match &s.cancelled {
                            Some((reason, comment)) if comment.is_empty() => {
                                format!("CANCELLED: {}", reason.as_str())
                            }
                            Some((reason, comment)) => {
                                format!("CANCELLED: {}, {comment}", reason.as_str())
                            }
                            None => {
                                let marked = self
                                    .marked
                                    .get(&(s.session.slot_id, s.session.date))
                                    .copied()
                                    .unwrap_or(0);
                                let n = s.members.len();
                                if s.session.date > self.today {
                                    "not held yet".to_string()
                                } else if s.session.date == self.today {
                                    format!("{marked} of {n} marked (today)")
                                } else {
                                    format!("{marked} of {n} marked")
                                }
                            }
                        };
                        columns(&[
                            (&when, 14),
                            (&time, 11),
                            (&s.members.len().to_string(), 6),
                            (&state, 40),
                        ])
                    })
                    .collect(),
                "No sessions this week (Left/Right for another week).",
            ),
        };
        // The waitlist's reasons are longer than their column: the selected one is spelled out under the list.
        let list_height = area.height.saturating_sub(6);
        if self.tab == Tab::Waitlist
            && let Some((r, why)) = self.waitlist.get(self.selection.index)
        {
            frame.render_widget(
                Paragraph::new(Line::from(text::fit(
                    &format!("{}: {}, {why}", r.number, r.status.as_str()),
                    area.width.saturating_sub(1) as usize,
                ))),
                Rect::new(
                    area.x + 1,
                    area.y + 5 + list_height,
                    area.width.saturating_sub(1),
                    1,
                ),
            );
        }
        render_rows(
            frame,
            Rect::new(area.x, area.y + 5, area.width, list_height),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            empty,
        );
    }
}

/// A person's age as the group and the waitlist show it, with "child" under 18 (issue 17); "?" when unknown.
fn age_of(r: &crate::store::ReferralRow, today: chrono::NaiveDate) -> String {
    r.birth
        .map(|b| crate::domain::prisoner::age_shown(&b, today))
        .unwrap_or_else(|| "?".into())
}
