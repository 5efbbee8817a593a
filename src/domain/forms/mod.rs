//! Forms: assessment instruments as data. A TOML file in `forms/` is read (`load`), checked once (names, types,
//! cycles, bands) and evaluated on every answer (`evaluate`). Pure: no SQL, no terminal, no clock.

pub mod answers;
mod check;
pub mod eval;
pub mod evaluate;
pub mod expr;
mod load;
mod load_question;
mod load_scoring;
mod locate;
pub mod model;
mod parse;
mod range;
mod raw;
pub mod registry;
pub mod types;

pub use eval::Value;
pub use evaluate::{
    ApprovalRefusal, Finalised, NotReady, Outcome, Problem, check_approval, check_discretionary,
    evaluate, finalise, next_review, parse_answer,
};
pub use load::load;
pub use model::{Access, Form, Question, QuestionKind, Text};
pub use registry::Registry;

use crate::domain::estate_file::Pos;
use std::collections::BTreeMap;

/// Answers by question name. Unanswered questions are absent (or `Value::Null`).
pub type Answers = BTreeMap<String, Value>;

/// One problem in a form file, at its line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FormError {
    pub pos: Pos,
    pub message: String,
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

#[cfg(test)]
mod tests;
