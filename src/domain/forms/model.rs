//! A checked form: header, sections of questions, sums with bands, the result and its overrides. Built only by
//! `load`, so every expression in it is parsed, resolved and type-checked, and every index points somewhere.

use super::expr::Expr;
use super::types::Type;
use crate::domain::auth::Role;
use crate::domain::estate::SecurityLevel;
use crate::domain::prisoner::{BirthDate, FIELDS, FieldKind, FieldSpec, Prisoner};
use std::ops::Range;

/// A text shown to people, with its translations (language code, text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    pub text: String,
    pub translations: Vec<(String, String)>,
}

impl Text {
    pub fn plain(text: impl Into<String>) -> Text {
        Text {
            text: text.into(),
            translations: Vec::new(),
        }
    }

    /// The text in `lang` (e.g. "ru", or "ru-KZ" falling back to "ru"), or the form's own language.
    pub fn get(&self, lang: &str) -> &str {
        let base = lang.split(['-', '_']).next().unwrap_or(lang);
        self.translations
            .iter()
            .find(|(l, _)| l == lang)
            .or_else(|| self.translations.iter().find(|(l, _)| l == base))
            .map_or(self.text.as_str(), |(_, t)| t.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliesTo {
    Prisoner,
    Facility,
}

/// When an assessment must be approved before it takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Every assessment.
    Always,
    /// Only when the assessor overrides the result at their discretion.
    OnOverride,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    SelectOne,
    SelectMultiple,
    YesNo,
    Integer,
    Decimal,
    Date,
    Text,
    Note,
    Calculate,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 9] = [
        QuestionKind::SelectOne,
        QuestionKind::SelectMultiple,
        QuestionKind::YesNo,
        QuestionKind::Integer,
        QuestionKind::Decimal,
        QuestionKind::Date,
        QuestionKind::Text,
        QuestionKind::Note,
        QuestionKind::Calculate,
    ];

    pub fn word(self) -> &'static str {
        match self {
            QuestionKind::SelectOne => "select_one",
            QuestionKind::SelectMultiple => "select_multiple",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Integer => "integer",
            QuestionKind::Decimal => "decimal",
            QuestionKind::Date => "date",
            QuestionKind::Text => "text",
            QuestionKind::Note => "note",
            QuestionKind::Calculate => "calculate",
        }
    }

    pub fn parse(s: &str) -> Option<QuestionKind> {
        QuestionKind::ALL.into_iter().find(|k| k.word() == s)
    }

    /// True for the kinds whose answer someone types or picks.
    pub fn is_answered(self) -> bool {
        !matches!(self, QuestionKind::Note | QuestionKind::Calculate)
    }
}

/// A register field that answers a question when a draft starts, so nobody types again what the record holds:
/// `prefill = "prisoner.FIELD"`, FIELD a field of the register record (`prisoner::FIELDS`) that every role
/// seeing the register may see, `date_of_birth` for the date of birth. The bare words `sex` and
/// `date_of_birth` of the first forms still read, so the versions recorded with them load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefill {
    /// The field in `prisoner::FIELDS`.
    pub field: &'static FieldSpec,
}

/// The source every prefill names.
pub const PREFILL_SOURCE: &str = "prisoner.";

impl Prefill {
    /// The fields a prefill may name: those every role that sees the register sees (a restricted field such as
    /// the violent-extremism flag would otherwise reach a form's answers and its readers).
    fn fields() -> impl Iterator<Item = &'static FieldSpec> {
        FIELDS.iter().filter(|f| f.view.is_none())
    }

    /// The field's name in a form: its register key, but `date_of_birth` for the date of birth.
    fn name_of(field: &FieldSpec) -> &'static str {
        if field.key == "birth" {
            "date_of_birth"
        } else {
            field.key
        }
    }

    /// How a form writes it: `prisoner.children`.
    pub fn word(self) -> String {
        format!("{PREFILL_SOURCE}{}", Prefill::name_of(self.field))
    }

    /// Every name a form may use, for the checker's message.
    pub fn known() -> Vec<String> {
        Prefill::fields()
            .map(|f| format!("{PREFILL_SOURCE}{}", Prefill::name_of(f)))
            .collect()
    }

    pub fn parse(s: &str) -> Option<Prefill> {
        let name = match s.strip_prefix(PREFILL_SOURCE) {
            Some(name) => name,
            // The first forms' words, before the source was named.
            None if s == "sex" || s == "date_of_birth" => s,
            None => return None,
        };
        Prefill::fields()
            .find(|f| Prefill::name_of(f) == name)
            .map(|field| Prefill { field })
    }

    /// The kind of question it can fill, and what the checker says a question needs for it.
    pub fn kind(self) -> (QuestionKind, String) {
        match self.field.kind {
            FieldKind::Text { .. } | FieldKind::List { .. } => {
                (QuestionKind::Text, "a text question".into())
            }
            FieldKind::Date { .. } | FieldKind::DateTime | FieldKind::BirthDate => {
                (QuestionKind::Date, "a date question".into())
            }
            FieldKind::Months => (QuestionKind::Integer, "an integer question".into()),
            FieldKind::YesNo => (QuestionKind::YesNo, "a yes_no question".into()),
            FieldKind::Choice(values) => (
                QuestionKind::SelectOne,
                format!(
                    "a select_one question with the choices {}",
                    values
                        .join(" and ")
                        .replacen(" and ", ", ", values.len().saturating_sub(2))
                ),
            ),
        }
    }

    /// Whether it can fill `q`: the kind matches and, for a choice, the question offers every value the
    /// register may hold.
    pub fn fits(self, q: &Question) -> bool {
        q.kind == self.kind().0
            && match self.field.kind {
                FieldKind::Choice(values) => values.iter().all(|v| q.choice(v).is_some()),
                _ => true,
            }
    }

    /// The answer the record gives, if it holds one: nothing for an empty field or a year of birth alone.
    pub fn value(self, p: &Prisoner) -> Option<super::Value> {
        use super::Value;
        let text = p.get(self.field.key);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match self.field.kind {
            FieldKind::BirthDate => match p.birth {
                BirthDate::Exact(d) => Some(Value::Date(d)),
                _ => None,
            },
            FieldKind::Date { .. } => super::types::parse_date(text).map(Value::Date),
            FieldKind::DateTime => super::types::parse_date(text.get(..10)?).map(Value::Date),
            FieldKind::Months => text.parse::<f64>().ok().map(Value::Number),
            FieldKind::YesNo => Some(Value::Bool(text == "yes")),
            FieldKind::Text { .. } | FieldKind::List { .. } | FieldKind::Choice(_) => {
                Some(Value::Text(text.to_string()))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: Text,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub name: String,
    pub kind: QuestionKind,
    pub label: Text,
    pub hint: Option<Text>,
    pub required: bool,
    pub relevant: Option<Expr>,
    pub constraint: Option<Expr>,
    pub constraint_message: Option<Text>,
    /// What a new draft starts with (already of the question's type).
    pub default: Option<super::Value>,
    /// Filled from the register record when a draft starts (over `default`).
    pub prefill: Option<Prefill>,
    /// For select_one, select_multiple and yes_no (whose choices are always "yes" then "no").
    pub choices: Vec<Choice>,
    pub calculation: Option<Expr>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub section: usize,
    /// The type its value has in expressions.
    pub ty: Type,
}

impl Question {
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub name: Option<String>,
    pub title: Text,
    pub help: Option<Text>,
    /// Applies to every question in the section, on top of the question's own.
    pub relevant: Option<Expr>,
    pub questions: Range<usize>,
}

/// A range of scores, either end open; both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Index into the result's choices; None means "no result from this sum: go on to the next".
    pub result: Option<usize>,
}

impl Band {
    pub fn contains(&self, x: f64) -> bool {
        self.min.is_none_or(|m| x >= m) && self.max.is_none_or(|m| x <= m)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BandDef {
    pub band: Band,
    pub label: Text,
}

/// A named total: the scores of some questions, other sums and an expression, added.
#[derive(Debug, Clone, PartialEq)]
pub struct Sum {
    pub name: String,
    pub label: Text,
    /// When false the sum does not apply: it totals 0 and falls in no band.
    pub relevant: Option<Expr>,
    pub questions: Vec<usize>,
    pub sums: Vec<usize>,
    pub expression: Option<Expr>,
    pub bands: Vec<BandDef>,
    /// The lowest and highest totals it can reach, worked out at load (infinite when unbounded).
    pub range: (f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultChoice {
    pub value: String,
    pub label: Text,
    /// Overrides the form's review interval when this is the result.
    pub review_months: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultDef {
    pub label: Text,
    /// Lowest first: "at least" overrides and "only raise" rules use this order.
    pub choices: Vec<ResultChoice>,
    /// A select_one question whose answer, when it applies and is given, is the result (a structured
    /// professional judgement, or a path that replaces the scale). Otherwise the first sum, in file order,
    /// whose matching band names a result gives it.
    pub question: Option<usize>,
    /// Set when the form says its results are custody levels; each value is then a `SecurityLevel` word.
    pub security_levels: Option<Vec<SecurityLevel>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forcing {
    /// The result becomes exactly this.
    Exactly(usize),
    /// The result is raised to this if it is lower.
    AtLeast(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MandatoryOverride {
    pub when: Expr,
    pub forcing: Forcing,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Discretionary {
    /// The reason must be at least this long, so "ok" is not a reason.
    pub min_reason_chars: usize,
}

/// A named conclusion drawn from the answers (e.g. a need that programmes use for eligibility).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub name: String,
    pub label: Text,
    pub when: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub interval_months: u32,
    /// Events that call for a review before the date (a new conviction, a serious disciplinary finding ...).
    pub triggers: Vec<Trigger>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub value: String,
    pub label: Text,
}

/// A form that follows an admission at once (Bangkok Rules 2-3: a woman's children and caring responsibilities
/// are recorded at admission): when `when` holds for the answers the new record gives the form, the officer who
/// admitted the person is taken to it, at `section`.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterAdmission {
    pub when: Expr,
    /// Index into the form's sections; the first section when None.
    pub section: Option<usize>,
}

/// One step of evaluation: a question's relevance and value, or a sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Question(usize),
    Sum(usize),
}

/// Who may see records made on a form: everyone who may see the register, or (restricted: violent-extremism
/// and any sensitive instrument a service adds) only roles with the VEP permission, everywhere (Mandela Rule 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    #[default]
    Normal,
    Restricted,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Normal => "normal",
            Access::Restricted => "restricted",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub id: String,
    pub version: u32,
    pub title: Text,
    pub help: Option<Text>,
    pub applies_to: AppliesTo,
    pub fill_roles: Vec<Role>,
    pub approve_roles: Vec<Role>,
    pub approval: Approval,
    /// Who may see records made on this form.
    pub access: Access,
    pub review: Option<Review>,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    pub sums: Vec<Sum>,
    pub result: Option<ResultDef>,
    pub mandatory: Vec<MandatoryOverride>,
    pub discretionary: Option<Discretionary>,
    pub findings: Vec<Finding>,
    /// Whether, and where, the form follows an admission.
    pub after_admission: Option<AfterAdmission>,
    /// SHA-256 of the file's bytes, lower-case hex: stamped on every record made with this form.
    pub sha256: String,
    /// The file's text exactly as read (its SHA-256 is `sha256`), kept with each version so old records can be
    /// shown with the form they were made with.
    pub source: String,
    /// Dependencies first, so one pass computes everything.
    pub(crate) order: Vec<Node>,
}

impl Form {
    pub fn question(&self, name: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.name == name)
    }

    pub fn sum(&self, name: &str) -> Option<usize> {
        self.sums.iter().position(|s| s.name == name)
    }

    pub fn may_fill(&self, role: Role) -> bool {
        self.fill_roles.contains(&role)
    }

    pub fn may_approve(&self, role: Role) -> bool {
        self.approve_roles.contains(&role)
    }

    /// What filling in this form needs, for the store's check of authority.
    pub fn fill_need(&self) -> crate::domain::auth::Need<'_> {
        crate::domain::auth::Need::FillForm {
            form: &self.id,
            roles: &self.fill_roles,
        }
    }

    /// What approving (or sending back) an assessment on this form needs.
    pub fn approve_need(&self) -> crate::domain::auth::Need<'_> {
        crate::domain::auth::Need::ApproveForm {
            form: &self.id,
            roles: &self.approve_roles,
        }
    }

    /// The review trigger this form names `event`, if it names one.
    pub fn review_trigger(&self, event: &str) -> Option<&Trigger> {
        self.review
            .as_ref()?
            .triggers
            .iter()
            .find(|t| t.value == event)
    }

    /// The answers a new draft starts with: each question's default.
    pub fn initial_answers(&self) -> super::Answers {
        self.questions
            .iter()
            .filter_map(|q| q.default.clone().map(|v| (q.name.clone(), v)))
            .collect()
    }
}
