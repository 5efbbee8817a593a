//! Choosing what to assess, from a prisoner's record or a facility in the estate browser: this person's drafts
//! about that subject first, then the forms their role may fill in for it, then forms that could not be loaded
//! (with the reason, so nobody wonders where one went).

use super::assessment::AssessmentScreen;
use super::{Ctx, Outcome, Screen};
use crate::domain::forms::Form;
use crate::domain::forms::model::AppliesTo;
use crate::domain::invalid::Invalid;
use crate::domain::text;
use crate::store::{AssessmentRow, PrisonerRow, Subject};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{Selection, render_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::sync::Arc;

enum Entry {
    Draft(Box<AssessmentRow>),
    Form(Arc<Form>),
    /// The latest revision of a finalised assessment: Enter opens it read-only, where amending is a separate key.
    /// The flag: this role fills the form in, so may call an early review (and amend it from the view).
    Final(Box<AssessmentRow>, bool),
}

/// What the assessment is about.
#[derive(Clone)]
pub enum Target {
    Prisoner(Box<PrisonerRow>),
    /// (id, "CODE name")
    Facility(i64, String),
}

impl Target {
    fn who(&self) -> String {
        match self {
            Target::Prisoner(row) => {
                format!("{} {}", row.prisoner.number, row.prisoner.full_name())
            }
            Target::Facility(_, name) => name.clone(),
        }
    }

    fn applies(&self) -> AppliesTo {
        match self {
            Target::Prisoner(_) => AppliesTo::Prisoner,
            Target::Facility(..) => AppliesTo::Facility,
        }
    }

    fn is(&self, draft: &AssessmentRow) -> bool {
        match (self, draft.subject) {
            (Target::Prisoner(row), Subject::Prisoner(id)) => row.prisoner.id == id,
            (Target::Facility(id, _), Subject::Facility(f)) => *id == f,
            _ => false,
        }
    }
}

pub struct PickScreen {
    target: Target,
    entries: Vec<Entry>,
    labels: Vec<String>,
    unavailable: Vec<String>,
    selection: Selection,
}

impl PickScreen {
    pub fn new(row: &PrisonerRow, ctx: &mut Ctx) -> PickScreen {
        PickScreen::for_target(Target::Prisoner(Box::new(row.clone())), ctx)
    }

    /// A facility's own instruments: the security audit, the Mandela compliance checklist.
    pub fn for_facility(id: i64, name: String, ctx: &mut Ctx) -> PickScreen {
        PickScreen::for_target(Target::Facility(id, name), ctx)
    }

    fn for_target(target: Target, ctx: &mut Ctx) -> PickScreen {
        let mut entries = Vec::new();
        match ctx.store.drafts_of(&ctx.session.name) {
            Ok(drafts) => entries.extend(
                drafts
                    .into_iter()
                    .filter(|d| target.is(d))
                    .map(|d| Entry::Draft(Box::new(d))),
            ),
            Err(e) => ctx.error(format!("Cannot read your drafts: {e}")),
        }
        entries.extend(
            ctx.forms
                .forms
                .iter()
                .filter(|(_, f)| f.applies_to == target.applies() && f.may_fill(ctx.session.role))
                .map(|(_, f)| Entry::Form(f.clone())),
        );
        // Finalised assessments on forms this role fills in or approves: the latest revision of each, newest first.
        let finals = match &target {
            Target::Prisoner(row) => ctx.store.assessments_of_prisoner(row.prisoner.id),
            Target::Facility(..) => Ok(Vec::new()),
        };
        match finals {
            Ok(rows) => {
                let mut latest: Vec<AssessmentRow> = Vec::new();
                for r in rows {
                    match latest.iter_mut().find(|l| l.series == r.series) {
                        Some(l) if l.revision < r.revision => *l = r,
                        Some(_) => {}
                        None => latest.push(r),
                    }
                }
                for r in latest {
                    let drafting = entries
                        .iter()
                        .any(|e| matches!(e, Entry::Draft(d) if d.series == r.series));
                    if r.status != crate::store::AssessmentStatus::Final || drafting {
                        continue;
                    }
                    let role = ctx.session.role;
                    if let Some(f) = ctx
                        .forms
                        .get(&r.form_id)
                        .filter(|f| f.may_fill(role) || f.may_approve(role))
                    {
                        entries.push(Entry::Final(Box::new(r), f.may_fill(role)));
                    }
                }
            }
            Err(e) => ctx.error(format!("Cannot read the assessments: {e}")),
        }
        let title_of = |id: &str| {
            ctx.forms
                .get(id)
                .map_or(id.to_string(), |f| f.title.text.clone())
        };
        let labels = entries
            .iter()
            .map(|e| match e {
                Entry::Draft(d) => format!(
                    "Continue your draft: {} (v{}, saved {} UTC)",
                    title_of(&d.form_id),
                    d.form_version,
                    d.updated_at.format("%Y-%m-%d %H:%M")
                ),
                Entry::Form(f) => format!("{} (v{})", text::display(&f.title.text), f.version),
                Entry::Final(r, _) => crate::i18n::t_args(
                    "assessment-pick-final",
                    &[
                        (
                            "form",
                            text::display(&title_of(&r.form_id)).into_owned().into(),
                        ),
                        (
                            "date",
                            r.assessed_on.map_or("-".into(), |d| d.to_string()).into(),
                        ),
                        (
                            "revision",
                            if r.revision > 1 {
                                crate::i18n::t_args(
                                    "assessment-pick-final-revision",
                                    &[("revision", r.revision.into())],
                                )
                            } else {
                                String::new()
                            }
                            .into(),
                        ),
                        (
                            "result",
                            if r.returned.is_some() {
                                "sent back"
                            } else {
                                r.result.as_deref().unwrap_or("done")
                            }
                            .into(),
                        ),
                    ],
                ),
            })
            .collect();
        let unavailable = ctx
            .forms
            .unavailable
            .iter()
            .flat_map(|u| u.lines())
            .map(|l| format!("Unavailable: {l}"))
            .collect();
        PickScreen {
            target,
            entries,
            labels,
            unavailable,
            selection: Selection::default(),
        }
    }
}

impl PickScreen {
    /// This person's draft of a new assessment on form `form_id` about this subject, if one is listed.
    fn draft_of(&self, form_id: &str) -> Option<&AssessmentRow> {
        self.entries.iter().find_map(|e| match e {
            Entry::Draft(d) if d.form_id == form_id && d.revision == 1 => Some(d.as_ref()),
            _ => None,
        })
    }
}

impl Screen for PickScreen {
    fn title(&self) -> String {
        format!("Assess {}", self.target.who())
    }

    fn footer(&self) -> Vec<Action> {
        match self.entries.get(self.selection.index) {
            Some(Entry::Final(_, true)) => vec![
                Action::Down,
                Action::Select,
                Action::RequestReview,
                Action::Back,
            ],
            _ => vec![Action::Down, Action::Select, Action::Back],
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "assessment-pick-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::RequestReview => match self.entries.get(self.selection.index) {
                Some(Entry::Final(r, true)) => match review_prompt(r, ctx) {
                    Some(p) => Outcome::Replace(Box::new(p)),
                    None => Outcome::Handled,
                },
                _ => Outcome::Ignored,
            },
            Action::Select => {
                let who = self.target.who();
                let screen = match (self.entries.get(self.selection.index), &self.target) {
                    (Some(Entry::Draft(d)), _) => AssessmentScreen::resume(d, who, ctx),
                    // One draft per form and person: choosing a form that has this person's draft resumes it.
                    (Some(Entry::Form(f)), _) if self.draft_of(&f.id).is_some() => {
                        let draft = self.draft_of(&f.id).cloned();
                        ctx.info(crate::i18n::t("assessment-draft-resumed"));
                        draft.and_then(|d| AssessmentScreen::resume(&d, who, ctx))
                    }
                    (Some(Entry::Form(f)), Target::Prisoner(row)) => {
                        AssessmentScreen::start(f, row, ctx)
                    }
                    (Some(Entry::Form(f)), Target::Facility(id, _)) => {
                        AssessmentScreen::start_for_facility(f, *id, who, ctx)
                    }
                    // Read-only: amending is the view's own key, for the roles that may.
                    (Some(Entry::Final(r, _)), _) => {
                        return match super::assessment_view::ViewScreen::open(r, who, ctx) {
                            Some(v) => Outcome::Push(Box::new(v)),
                            None => Outcome::Handled,
                        };
                    }
                    // Nothing to choose: the key table's "nothing selected" says so.
                    (None, _) => return Outcome::Ignored,
                };
                match screen {
                    Some(s) => Outcome::Replace(Box::new(s)),
                    None => Outcome::Handled,
                }
            }
            a if self.selection.handle(a, self.entries.len()) => Outcome::Handled,
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let mut rows = self.labels.clone();
        rows.extend(self.unavailable.iter().cloned());
        render_rows(
            frame,
            area,
            theme,
            Some("What to assess"),
            &rows,
            Some(&self.selection),
            "No form may be filled in by your role.",
        );
    }
}

/// Opens a new revision of the finalised assessment `row` as a draft, after asking why, and then the form filler
/// on it (from the pick list, and from the queue of assessments sent back, where `reason` starts filled in).
pub fn amend_prompt(
    row: &AssessmentRow,
    form: Arc<Form>,
    reason: String,
    who: String,
) -> super::prompt::PromptScreen<i64> {
    let (id, title) = (row.id, form.title.text.clone());
    super::prompt::PromptScreen::with_value(
        format!("Amend {title}"),
        vec![
            format!(
                "A new revision of this {title} opens as your draft with the same answers, on the form's \
                 current version (v{}). The earlier revision stays as it was.",
                form.version
            ),
            "Say why it is amended (10 characters or more).".into(),
        ],
        vec![crate::tui::widgets::form::FormField::text(
            "reason", "Reason", &reason,
        )],
        "amend",
        Box::new(move |values, ctx| {
            let actor = ctx.actor();
            let reason = values.get("reason").cloned().unwrap_or_default();
            ctx.store
                .amend_assessment(&actor, &form, id, &reason)
                .map(|new| {
                    let said = "Amendment opened as your draft: every answer is saved as you go.";
                    (said.to_string(), new)
                })
                .map_err(Invalid::from)
        }),
    )
    .then_open(Box::new(move |opened: i64, ctx| {
        let draft = match ctx.store.assessment(opened) {
            Ok(d) => d?,
            Err(e) => {
                ctx.error(format!("Cannot open the amendment: {e}"));
                return None;
            }
        };
        AssessmentScreen::resume(&draft, who.clone(), ctx)
            .map(|s| Box::new(s) as Box<dyn super::Screen>)
    }))
}

/// Asks which of the form's review triggers happened, and a note, then brings the review forward to today.
pub(super) fn review_prompt(
    row: &AssessmentRow,
    ctx: &mut Ctx,
) -> Option<super::prompt::PromptScreen> {
    let form = match ctx.store.recorded_form(&row.form_id, row.form_version) {
        Ok(f) => f,
        Err(e) => {
            ctx.error(format!("Cannot read the form: {e}"));
            return None;
        }
    };
    let triggers: Vec<(String, String)> = form
        .review
        .iter()
        .flat_map(|r| &r.triggers)
        .map(|t| (t.value.clone(), text::display(&t.label.text).into_owned()))
        .collect();
    if triggers.is_empty() {
        ctx.error(format!(
            "{} names no review triggers: amend it to review it now.",
            form.title.text
        ));
        return None;
    }
    let (id, title) = (row.id, form.title.text.clone());
    Some(super::prompt::PromptScreen::new(
        format!("Review early: {title}"),
        vec![
            format!(
                "Record what happened. The review of this {title} (due {}) falls due today and shows in \
                 Reviews due until someone reviews it.",
                row.next_review.map_or("-".into(), |d| d.to_string())
            ),
            "Say what happened and when (10 characters or more).".into(),
        ],
        vec![
            crate::tui::widgets::form::FormField::choice("event", "Event", triggers, ""),
            crate::tui::widgets::form::FormField::text("note", "Note", ""),
        ],
        "record",
        Box::new(move |values, ctx| {
            let actor = ctx.actor();
            let event = values.get("event").cloned().unwrap_or_default();
            let note = values.get("note").cloned().unwrap_or_default();
            ctx.store
                .raise_review(&actor, id, &event, &note)
                .map(|_| format!("Review of {title} brought forward to today."))
                .map_err(Invalid::from)
        }),
    ))
}
