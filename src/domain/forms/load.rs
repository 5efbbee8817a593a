//! Reading a form file into a checked `Form`: the header, texts, sections and questions here; scoring in
//! `load_scoring`; expressions, cycles and bands in `check`. Every problem is reported, each at its line and column.

use super::expr::{self, Expr};
use super::model::{
    Access, AppliesTo, Approval, Choice, Form, MandatoryOverride, Question, Review, Section, Text,
    Trigger,
};
use super::raw::{RawChoice, RawForm, RawSection, S, Tr};
use super::{FormError, locate};
use crate::domain::auth::Role;
use crate::domain::estate_file::Pos;
use crate::domain::text::display;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::ops::Range;

/// More questions than this is surely a mistake, and would make every answer slow to re-check.
pub const MAX_QUESTIONS: usize = 1000;

/// Reads and checks a form file's bytes. The SHA-256 is of exactly these bytes.
pub fn load(bytes: &[u8]) -> Result<Form, Vec<FormError>> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            return Err(vec![FormError {
                pos: Pos::of_offset(good, good.len()),
                message: "not valid UTF-8 text: save the file as UTF-8".into(),
            }]);
        }
    };
    let source = text.to_string();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawForm = super::parse::parse(text)?;
    let mut loader = Loader::new(text);
    let mut form = loader.form(&raw, sha256);
    form.source = source;
    if loader.errors.is_empty() {
        Ok(form)
    } else {
        let mut errors = loader.errors;
        errors.sort();
        errors.dedup();
        Err(errors)
    }
}

/// What a name in the form's one namespace belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameOf {
    Question(usize),
    Sum(usize),
    Finding(usize),
}

/// Where a question's parts were written, for messages found after the question is built.
#[derive(Debug, Clone, Default)]
pub(super) struct QuestionSpans {
    pub name: Range<usize>,
    pub relevant: Option<Range<usize>>,
    pub constraint: Option<Range<usize>>,
    pub calculation: Option<Range<usize>>,
    pub choices: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct SumSpans {
    pub name: Range<usize>,
    pub questions: Vec<Range<usize>>,
    pub sums: Vec<Range<usize>>,
    pub expression: Option<Range<usize>>,
    pub relevant: Option<Range<usize>>,
    /// Per band: where to point when it overlaps or cannot match.
    pub bands: Vec<Range<usize>>,
    /// A term could not be resolved (already reported): its range means nothing, so its bands are not checked.
    pub broken: bool,
}

pub(super) struct Loader<'t> {
    pub text: &'t str,
    pub errors: Vec<FormError>,
    pub names: HashMap<String, (NameOf, Range<usize>)>,
    pub sections: Vec<Section>,
    pub section_relevant: Vec<Option<Range<usize>>>,
    pub questions: Vec<Question>,
    pub qspans: Vec<QuestionSpans>,
    pub sums: Vec<super::model::Sum>,
    pub sum_spans: Vec<SumSpans>,
    pub result: Option<super::model::ResultDef>,
    pub mandatory: Vec<MandatoryOverride>,
    pub mandatory_spans: Vec<Range<usize>>,
    pub findings: Vec<super::model::Finding>,
    pub finding_spans: Vec<Range<usize>>,
    pub after_admission: Option<(super::model::AfterAdmission, Range<usize>)>,
    pub choice_lists: HashMap<String, (Vec<Choice>, Vec<Range<usize>>)>,
}

impl<'t> Loader<'t> {
    pub(super) fn new(text: &'t str) -> Loader<'t> {
        Loader {
            text,
            errors: Vec::new(),
            names: HashMap::new(),
            sections: Vec::new(),
            section_relevant: Vec::new(),
            questions: Vec::new(),
            qspans: Vec::new(),
            sums: Vec::new(),
            sum_spans: Vec::new(),
            result: None,
            mandatory: Vec::new(),
            mandatory_spans: Vec::new(),
            findings: Vec::new(),
            finding_spans: Vec::new(),
            after_admission: None,
            choice_lists: HashMap::new(),
        }
    }

    pub fn err(&mut self, span: &Range<usize>, message: impl Into<String>) {
        self.errors.push(FormError {
            pos: Pos::of_offset(self.text, span.start),
            message: message.into(),
        });
    }

    /// An error at byte `at` inside the string value spanning `span`.
    pub fn err_in(&mut self, span: &Range<usize>, at: usize, message: impl Into<String>) {
        let offset = locate::string_offset(self.text, span, at);
        self.errors.push(FormError {
            pos: Pos::of_offset(self.text, offset),
            message: message.into(),
        });
    }

    pub fn parse_expr(&mut self, s: &S<String>, what: &str) -> Option<Expr> {
        match expr::parse(s.get_ref()) {
            Ok(e) => Some(e),
            Err(e) => {
                self.err_in(&s.span(), e.at, format!("{what}: {}", e.message));
                None
            }
        }
    }

    /// A person-facing text and its translations; `pick` finds this text in a translation table.
    pub fn text<T>(
        &mut self,
        main: &S<String>,
        what: &str,
        tr: &Tr<T>,
        pick: impl Fn(&T) -> Option<&S<String>>,
    ) -> Text {
        if main.get_ref().trim().is_empty() {
            self.err(&main.span(), format!("{what} is empty"));
        }
        let mut translations = Vec::new();
        for (lang, table) in tr {
            if !is_language(lang) {
                self.err(
                    &table.span(),
                    format!(
                        "'{}' is not a language code (write e.g. ru, kk, ar, fr, lg or pt-BR)",
                        display(lang)
                    ),
                );
            }
            if let Some(t) = pick(table.get_ref()) {
                if t.get_ref().trim().is_empty() {
                    self.err(&t.span(), format!("{what} ({lang}) is empty"));
                }
                translations.push((lang.clone(), t.get_ref().trim().to_string()));
            }
        }
        Text {
            text: main.get_ref().trim().to_string(),
            translations,
        }
    }

    /// A text that may be absent; translating an absent text is a mistake worth reporting.
    pub(super) fn optional_text<T>(
        &mut self,
        main: Option<&S<String>>,
        what: &str,
        tr: &Tr<T>,
        pick: impl Fn(&T) -> Option<&S<String>>,
    ) -> Option<Text> {
        match main {
            Some(m) => Some(self.text(m, what, tr, pick)),
            None => {
                for t in tr.values().filter_map(|t| pick(t.get_ref())) {
                    self.err(
                        &t.span(),
                        format!("translates the {what}, but there is no {what} to translate"),
                    );
                }
                None
            }
        }
    }

    /// Records a name in the form's one namespace (questions, sums and findings), refusing bad and duplicate ones.
    pub fn name(&mut self, s: &S<String>, of: NameOf) -> String {
        let name = s.get_ref().clone();
        if !expr::is_name(&name) {
            self.err(
                &s.span(),
                format!(
                    "'{}' is not a valid name: use letters, digits and _, starting with a letter (at most 64)",
                    display(&name)
                ),
            );
        } else if let Some((_, first)) = self.names.get(&name) {
            let first = Pos::of_offset(self.text, first.start);
            self.err(
                &s.span(),
                format!("duplicate name '{name}' (first used at {first})"),
            );
        } else {
            self.names.insert(name.clone(), (of, s.span()));
        }
        name
    }

    pub(super) fn roles(&mut self, list: &[S<String>]) -> Vec<Role> {
        let mut roles = Vec::new();
        for r in list {
            match r.get_ref().parse::<Role>() {
                Ok(role) if !roles.contains(&role) => roles.push(role),
                Ok(role) => self.err(&r.span(), format!("role {role} is listed twice")),
                Err(e) => self.err(&r.span(), e),
            }
        }
        roles
    }

    pub(super) fn form(&mut self, raw: &RawForm, sha256: String) -> Form {
        let id = raw.id.get_ref().clone();
        if !expr::is_name(&id) {
            self.err(
                &raw.id.span(),
                format!(
                    "form id '{}' must be letters, digits and _, starting with a letter",
                    display(&id)
                ),
            );
        }
        let version = match u32::try_from(*raw.version.get_ref()) {
            Ok(v) if v >= 1 => v,
            _ => {
                self.err(
                    &raw.version.span(),
                    "version must be a whole number, 1 or more",
                );
                1
            }
        };
        let title = self.text(&raw.title, "title", &raw.translations, |t| t.title.as_ref());
        let help = self.optional_text(raw.help.as_ref(), "help", &raw.translations, |t| {
            t.help.as_ref()
        });
        let applies_to = match raw.applies_to.get_ref().as_str() {
            "prisoner" => AppliesTo::Prisoner,
            "facility" => AppliesTo::Facility,
            other => {
                self.err(
                    &raw.applies_to.span(),
                    format!(
                        "applies_to '{}' must be prisoner or facility",
                        display(other)
                    ),
                );
                AppliesTo::Prisoner
            }
        };
        let fill_roles = self.roles(raw.fill_roles.get_ref());
        if raw.fill_roles.get_ref().is_empty() {
            self.err(
                &raw.fill_roles.span(),
                "fill_roles: name at least one role that may fill the form",
            );
        }
        let approve_roles = self.roles(&raw.approve_roles);
        let review = raw.review.as_ref().map(|r| {
            let rr = r.get_ref();
            let months = match u32::try_from(*rr.interval_months.get_ref()) {
                Ok(m) if (1..=120).contains(&m) => m,
                _ => {
                    self.err(
                        &rr.interval_months.span(),
                        "interval_months must be from 1 to 120",
                    );
                    12
                }
            };
            let triggers = rr
                .triggers
                .iter()
                .map(|t| {
                    let t = t.get_ref();
                    Trigger {
                        value: t.value.get_ref().clone(),
                        label: self.text(&t.label, "trigger label", &t.translations, |x| {
                            Some(&x.label)
                        }),
                    }
                })
                .collect();
            Review {
                interval_months: months,
                triggers,
            }
        });
        for list in &raw.choice_list {
            let l = list.get_ref();
            let name = l.name.get_ref().clone();
            if self.choice_lists.contains_key(&name) {
                self.err(
                    &l.name.span(),
                    format!("duplicate choice list '{}'", display(&name)),
                );
            }
            let read = self.choices(&l.choices, &format!("choice list '{name}'"));
            self.choice_lists.insert(name, read);
        }
        if raw.section.is_empty() {
            self.err(&raw.id.span(), "the form has no [[section]]");
        }
        for s in &raw.section {
            self.section(s);
        }
        if self.questions.len() > MAX_QUESTIONS {
            self.err(
                &raw.id.span(),
                format!("more than {MAX_QUESTIONS} questions in one form"),
            );
        }
        self.scoring(raw);
        self.after_admission(raw, applies_to);
        let discretionary = self.discretionary(raw, &approve_roles);
        let approval = self.approval(raw, discretionary.is_some(), &approve_roles);
        let access = match raw.access.as_ref().map(|a| a.get_ref().as_str()) {
            None | Some("normal") => Access::Normal,
            Some("restricted") => Access::Restricted,
            Some(other) => {
                let span = raw.access.as_ref().map_or(raw.id.span(), |a| a.span());
                self.err(
                    &span,
                    format!("access '{}' must be normal or restricted", display(other)),
                );
                Access::Normal
            }
        };
        let order = self.check();
        Form {
            id,
            version,
            title,
            help,
            applies_to,
            fill_roles,
            approve_roles,
            approval,
            access,
            review,
            sections: std::mem::take(&mut self.sections),
            questions: std::mem::take(&mut self.questions),
            sums: std::mem::take(&mut self.sums),
            result: self.result.take(),
            mandatory: std::mem::take(&mut self.mandatory),
            discretionary,
            findings: std::mem::take(&mut self.findings),
            after_admission: self.after_admission.take().map(|(a, _)| a),
            sha256,
            source: String::new(),
            order,
        }
    }

    /// `[after_admission]`: a condition over the form's own answers and, optionally, the section to open at. Only
    /// a form about a prisoner can follow an admission.
    fn after_admission(&mut self, raw: &RawForm, applies_to: AppliesTo) {
        let Some(a) = &raw.after_admission else {
            return;
        };
        if applies_to != AppliesTo::Prisoner {
            self.err(
                &a.span(),
                "after_admission: only a form that applies to a prisoner can follow an admission",
            );
            return;
        }
        let r = a.get_ref();
        // The condition is read even when the section is wrong, so every problem is reported at once.
        let when = self.parse_expr(&r.when, "when");
        let section = match &r.section {
            None => Ok(None),
            Some(name) => match self
                .sections
                .iter()
                .position(|s| s.name.as_deref() == Some(name.get_ref().as_str()))
            {
                Some(k) => Ok(Some(k)),
                None => {
                    let named: Vec<&str> = self
                        .sections
                        .iter()
                        .filter_map(|s| s.name.as_deref())
                        .collect();
                    let message = format!(
                        "after_admission: no section is named '{}' (named: {})",
                        display(name.get_ref()),
                        named.join(", ")
                    );
                    self.err(&name.span(), message);
                    Err(())
                }
            },
        };
        // Kept when the section is wrong too, so its condition is still type-checked (the error already stops
        // the form from loading).
        if let Some(when) = when {
            self.after_admission = Some((
                super::model::AfterAdmission {
                    when,
                    section: section.unwrap_or(None),
                },
                r.when.span(),
            ));
        }
    }

    pub(super) fn approval(
        &mut self,
        raw: &RawForm,
        discretionary: bool,
        approvers: &[Role],
    ) -> Approval {
        let approval = match raw.approval.as_ref() {
            None if discretionary => Approval::OnOverride,
            None => Approval::Never,
            Some(a) => match a.get_ref().as_str() {
                "always" => Approval::Always,
                "on_override" => Approval::OnOverride,
                "never" => Approval::Never,
                other => {
                    self.err(
                        &a.span(),
                        format!(
                            "approval '{}' must be always, on_override or never",
                            display(other)
                        ),
                    );
                    Approval::Never
                }
            },
        };
        if approval != Approval::Never && approvers.is_empty() {
            let span = raw.approval.as_ref().map_or(raw.id.span(), |a| a.span());
            self.err(
                &span,
                "assessments need approval, but approve_roles names no role that may approve",
            );
        }
        approval
    }

    /// Reads choices: values unique and without spaces, labels present, scores finite.
    pub(super) fn choices(
        &mut self,
        list: &[S<RawChoice>],
        owner: &str,
    ) -> (Vec<Choice>, Vec<Range<usize>>) {
        let mut out: Vec<Choice> = Vec::new();
        let mut spans = Vec::new();
        for c in list {
            let r = c.get_ref();
            let value = r.value.get_ref().clone();
            if value.is_empty() || value.chars().any(char::is_whitespace) {
                self.err(
                    &r.value.span(),
                    format!("{owner}: a choice value must be one word without spaces"),
                );
            } else if out.iter().any(|o| o.value == value) {
                self.err(
                    &r.value.span(),
                    format!("{owner}: choice '{}' is listed twice", display(&value)),
                );
            }
            let label = match &r.label {
                Some(l) => self.text(l, "choice label", &r.translations, |t| Some(&t.label)),
                None => {
                    self.err(
                        &c.span(),
                        format!("{owner}: choice '{}' needs a label", display(&value)),
                    );
                    Text::plain(value.clone())
                }
            };
            let score = r.score.as_ref().map(|s| {
                if !s.get_ref().is_finite() {
                    self.err(&s.span(), "a score must be a finite number");
                }
                *s.get_ref()
            });
            out.push(Choice {
                value,
                label,
                score,
            });
            spans.push(c.span());
        }
        (out, spans)
    }

    pub(super) fn section(&mut self, raw: &S<RawSection>) {
        let r = raw.get_ref();
        let index = self.sections.len();
        let title = self.text(&r.title, "section title", &r.translations, |t| {
            t.title.as_ref()
        });
        let help = self.optional_text(r.help.as_ref(), "section help", &r.translations, |t| {
            t.help.as_ref()
        });
        let relevant = r
            .relevant
            .as_ref()
            .and_then(|e| self.parse_expr(e, "relevant"));
        if r.question.is_empty() {
            self.err(&r.title.span(), "the section has no [[section.question]]");
        }
        let first = self.questions.len();
        for q in &r.question {
            self.question(q, index);
        }
        self.sections.push(Section {
            name: r.name.as_ref().map(|n| n.get_ref().clone()),
            title,
            help,
            relevant,
            questions: first..self.questions.len(),
        });
        self.section_relevant
            .push(r.relevant.as_ref().map(|e| e.span()));
    }
}

/// A BCP 47-ish language code: two or three lower-case letters, optionally a region or script.
fn is_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let base = parts.next().unwrap_or("");
    (2..=3).contains(&base.len())
        && base.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}
