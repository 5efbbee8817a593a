//! The TOML shape of a form file, as serde reads it. Unknown keys are refused here; meaning is checked in `load`.

use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

pub type S<T> = Spanned<T>;
/// Translations of an item's texts, by language code.
pub type Tr<T> = BTreeMap<String, S<T>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForm {
    pub id: S<String>,
    pub version: S<i64>,
    pub title: S<String>,
    #[serde(default)]
    pub help: Option<S<String>>,
    #[serde(default)]
    pub translations: Tr<TitleTr>,
    pub applies_to: S<String>,
    pub fill_roles: S<Vec<S<String>>>,
    #[serde(default)]
    pub approve_roles: Vec<S<String>>,
    #[serde(default)]
    pub approval: Option<S<String>>,
    /// `restricted`: records made on the form are need-to-know (issue 16); default `normal`.
    #[serde(default)]
    pub access: Option<S<String>>,
    #[serde(default)]
    pub review: Option<S<RawReview>>,
    #[serde(default)]
    pub choice_list: Vec<S<RawChoiceList>>,
    #[serde(default)]
    pub section: Vec<S<RawSection>>,
    #[serde(default)]
    pub sum: Vec<S<RawSum>>,
    #[serde(default)]
    pub result: Option<S<RawResult>>,
    #[serde(default)]
    pub mandatory_override: Vec<S<RawMandatory>>,
    #[serde(default)]
    pub discretionary_override: Option<S<RawDiscretionary>>,
    #[serde(default)]
    pub finding: Vec<S<RawFinding>>,
    #[serde(default)]
    pub after_admission: Option<S<RawAfterAdmission>>,
}

/// `[after_admission]`: the form follows an admission at once when `when` holds for the answers the new record
/// gives it (`prefill`), opened at `section`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAfterAdmission {
    pub when: S<String>,
    #[serde(default)]
    pub section: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleTr {
    #[serde(default)]
    pub title: Option<S<String>>,
    #[serde(default)]
    pub help: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelTr {
    pub label: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionTr {
    #[serde(default)]
    pub label: Option<S<String>>,
    #[serde(default)]
    pub hint: Option<S<String>>,
    #[serde(default)]
    pub constraint_message: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonTr {
    pub reason: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    pub interval_months: S<i64>,
    #[serde(default)]
    pub triggers: Vec<S<RawLabelled>>,
}

/// Something with a value and a label only (review triggers).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabelled {
    pub value: S<String>,
    pub label: S<String>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoiceList {
    pub name: S<String>,
    pub choices: Vec<S<RawChoice>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub value: S<String>,
    #[serde(default)]
    pub label: Option<S<String>>,
    #[serde(default)]
    pub score: Option<S<f64>>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    #[serde(default)]
    pub name: Option<S<String>>,
    pub title: S<String>,
    #[serde(default)]
    pub help: Option<S<String>>,
    #[serde(default)]
    pub relevant: Option<S<String>>,
    #[serde(default)]
    pub translations: Tr<TitleTr>,
    #[serde(default)]
    pub question: Vec<S<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub name: S<String>,
    #[serde(rename = "type")]
    pub kind: S<String>,
    #[serde(default)]
    pub label: Option<S<String>>,
    #[serde(default)]
    pub hint: Option<S<String>>,
    #[serde(default)]
    pub required: Option<S<bool>>,
    #[serde(default)]
    pub relevant: Option<S<String>>,
    #[serde(default)]
    pub constraint: Option<S<String>>,
    #[serde(default)]
    pub constraint_message: Option<S<String>>,
    #[serde(default)]
    pub default: Option<S<toml::Value>>,
    #[serde(default)]
    pub prefill: Option<S<String>>,
    #[serde(default)]
    pub choices: Option<S<Vec<S<RawChoice>>>>,
    #[serde(default)]
    pub choice_list: Option<S<String>>,
    #[serde(default)]
    pub calculation: Option<S<String>>,
    #[serde(default)]
    pub min: Option<S<f64>>,
    #[serde(default)]
    pub max: Option<S<f64>>,
    #[serde(default)]
    pub translations: Tr<QuestionTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSum {
    pub name: S<String>,
    #[serde(default)]
    pub label: Option<S<String>>,
    #[serde(default)]
    pub relevant: Option<S<String>>,
    #[serde(default)]
    pub questions: Vec<S<String>>,
    #[serde(default)]
    pub sums: Vec<S<String>>,
    #[serde(default)]
    pub expression: Option<S<String>>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
    #[serde(default)]
    pub band: Vec<S<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    #[serde(default)]
    pub min: Option<S<f64>>,
    #[serde(default)]
    pub max: Option<S<f64>>,
    pub label: S<String>,
    #[serde(default)]
    pub result: Option<S<String>>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResult {
    pub label: S<String>,
    #[serde(default)]
    pub kind: Option<S<String>>,
    #[serde(default)]
    pub choices: Option<S<Vec<S<RawResultChoice>>>>,
    #[serde(default)]
    pub question: Option<S<String>>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResultChoice {
    pub value: S<String>,
    pub label: S<String>,
    #[serde(default)]
    pub review_months: Option<S<i64>>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMandatory {
    pub when: S<String>,
    #[serde(default)]
    pub result: Option<S<String>>,
    #[serde(default)]
    pub at_least: Option<S<String>>,
    pub reason: S<String>,
    #[serde(default)]
    pub translations: Tr<ReasonTr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscretionary {
    #[serde(default)]
    pub min_reason_chars: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFinding {
    pub name: S<String>,
    pub label: S<String>,
    pub when: S<String>,
    #[serde(default)]
    pub translations: Tr<LabelTr>,
}
