//! Why typed or imported input was refused, as a value: the field it is about (by the key forms use) and the
//! message, so a screen marks the field without reading it back out of the text.
//!
//! The text is unchanged from when refusals were plain strings: a [`FieldError`] shows as "field: message" (the
//! field's label where the domain names one, "Prison number: ..."), a whole-record refusal as its message alone.

use std::borrow::Cow;
use std::fmt;

/// A refusal about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's stable key, the one forms and screens use ("given_name", "out_of_use").
    pub field: Cow<'static, str>,
    /// How the text names the field when that is not the key ("Prison number", "out of use"); None shows the key.
    pub label: Option<Cow<'static, str>>,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            label: None,
            message: message.into(),
        }
    }

    /// The same refusal, naming the field in its text by `label` instead of its key.
    pub fn labelled(mut self, label: impl Into<Cow<'static, str>>) -> FieldError {
        self.label = Some(label.into());
        self
    }

    /// The same refusal said of a part of something named in front ("cell A-03: operational capacity: ..."):
    /// still about the same field.
    pub fn within(self, whole: impl fmt::Display) -> FieldError {
        let name = format!("{whole}: {}", self.label.as_deref().unwrap_or(&self.field));
        self.labelled(name)
    }

    /// Whether this refusal is about the field with `key`.
    pub fn is(&self, key: &str) -> bool {
        self.field == key
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.label.as_deref().unwrap_or(&self.field);
        write!(f, "{name}: {}", self.message)
    }
}

impl std::error::Error for FieldError {}

/// A refusal: about one field, or about the record as a whole ("A123 is not in custody").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Field(FieldError),
    Record(String),
}

impl Invalid {
    /// The field this refusal is about, if it is about one.
    pub fn field(&self) -> Option<&FieldError> {
        match self {
            Invalid::Field(e) => Some(e),
            Invalid::Record(_) => None,
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Field(e) => e.fmt(f),
            Invalid::Record(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Invalid {}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Invalid::Field(e)
    }
}

// Text alone is a refusal of the whole record; a refusal of one field is built as a FieldError, so no screen has
// to read the field back out of "field: message" text.
impl From<String> for Invalid {
    fn from(m: String) -> Self {
        Invalid::Record(m)
    }
}

impl From<&str> for Invalid {
    fn from(m: &str) -> Self {
        Invalid::Record(m.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_shows_as_field_colon_message() {
        let e = FieldError::new("reason", "required");
        assert_eq!(e.to_string(), "reason: required");
        assert!(e.is("reason"));
        assert!(!e.is("comment"));
    }

    #[test]
    fn a_labelled_field_error_shows_its_label_but_keeps_its_key() {
        let e = FieldError::new("out_of_use", "required").labelled("out of use");
        assert_eq!(e.to_string(), "out of use: required");
        assert_eq!(e.field, "out_of_use");
        let e = e.within("cell A-03");
        assert_eq!(e.to_string(), "cell A-03: out of use: required");
        assert!(e.is("out_of_use"));
    }

    #[test]
    fn a_record_refusal_shows_its_message_alone_and_names_no_field() {
        let e = Invalid::from("A123 is not in custody");
        assert_eq!(e.to_string(), "A123 is not in custody");
        assert!(e.field().is_none());
        let f = Invalid::from(FieldError::new("at", "is in the future"));
        assert_eq!(f.to_string(), "at: is in the future");
        assert_eq!(f.field().map(|e| e.field.as_ref()), Some("at"));
    }
}
