//! Reading a form file's TOML into the raw structs with every problem the TOML layer can report, not only the
//! first: all syntax errors at once, and every unknown key (each is reported, blanked out, and the file read again).

use super::FormError;
use super::raw::RawForm;
use crate::domain::estate_file::Pos;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Unknown keys reported per file before giving up (a file this wrong is probably not a form).
const MAX_UNKNOWN_KEYS: usize = 50;

fn located(text: &str, e: &toml::de::Error) -> FormError {
    FormError {
        pos: Pos::of_offset(text, e.span().map_or(0, |s| s.start)),
        message: e.message().trim().replace('\n', " "),
    }
}

/// The span from a key to the end of its value, for the key whose span is `key`, anywhere in the document.
fn entry_span(table: &DeTable, key: &Range<usize>) -> Option<Range<usize>> {
    for (k, v) in table {
        if k.span() == *key {
            return Some(k.span().start..v.span().end.max(k.span().end));
        }
        if let Some(found) = value_entry_span(v.get_ref(), key) {
            return Some(found);
        }
    }
    None
}

fn value_entry_span(value: &DeValue, key: &Range<usize>) -> Option<Range<usize>> {
    match value {
        DeValue::Table(t) => entry_span(t, key),
        DeValue::Array(items) => items
            .into_iter()
            .find_map(|item| value_entry_span(item.get_ref(), key)),
        _ => None,
    }
}

/// Replaces `range` of `text` with spaces, keeping line breaks, so later positions stay where they were.
fn blank(text: &mut String, range: Range<usize>) {
    let cleared: String = text[range.clone()]
        .chars()
        .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
        .collect();
    text.replace_range(range, &cleared);
}

fn sorted(mut errors: Vec<FormError>) -> Vec<FormError> {
    errors.sort();
    errors
}

/// Parses `text` (the file without its byte-order mark) into the raw form, or every problem found.
pub(super) fn parse(text: &str) -> Result<RawForm, Vec<FormError>> {
    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        return Err(syntax.iter().map(|e| located(text, e)).collect());
    }
    let mut errors = Vec::new();
    let mut masked = text.to_string();
    loop {
        match toml::from_str::<RawForm>(&masked) {
            Ok(raw) if errors.is_empty() => return Ok(raw),
            Ok(_) => return Err(sorted(errors)),
            Err(e) => {
                errors.push(located(text, &e));
                let unknown_key = e.message().starts_with("unknown field");
                let entry = e
                    .span()
                    .filter(|_| unknown_key && errors.len() < MAX_UNKNOWN_KEYS)
                    .and_then(|key| entry_span(doc.get_ref(), &key));
                match entry {
                    Some(range) if range.end <= masked.len() => blank(&mut masked, range),
                    _ => return Err(sorted(errors)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(text: &str) -> Vec<FormError> {
        match parse(text) {
            Ok(_) => panic!("expected errors in:\n{text}"),
            Err(e) => e,
        }
    }

    const HEAD: &str = "id = \"x\"\nversion = 1\ntitle = \"X\"\napplies_to = \"prisoner\"\n\
                        fill_roles = [\"assessor\"]\n";

    #[test]
    fn every_unknown_key_is_reported_with_its_line_and_column() {
        let text = format!(
            "{HEAD}colour = \"red\"\n[[section]]\ntitle = \"S\"\nwidth = [1,\n 2]\n\
             [[section.question]]\nname = \"q\"\ntype = \"text\"\nlabel = \"Q\"\nlabl = \"typo\"\n"
        );
        let errors = errors_of(&text);
        let found: Vec<(usize, String)> = errors
            .iter()
            .map(|e| {
                (
                    e.pos.line,
                    e.message.split(',').next().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (6, "unknown field `colour`".to_string()),
                (9, "unknown field `width`".to_string()),
                (15, "unknown field `labl`".to_string()),
            ]
        );
        assert!(errors.iter().all(|e| e.pos.column == Some(1)));
    }

    #[test]
    fn every_syntax_error_is_reported_at_once() {
        let text = format!("{HEAD}a = \nb = [1,\n[[section]]\ntitle = \"unclosed\n");
        let errors = errors_of(&text);
        assert!(errors.len() >= 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.pos.line >= 6), "{errors:?}");
    }

    #[test]
    fn a_good_file_parses_and_a_wrong_type_stops_at_itself() {
        assert!(parse(&format!("{HEAD}[[section]]\ntitle = \"S\"\n")).is_ok());
        let errors = errors_of(&format!("{HEAD}[[section]]\ntitle = 5\n"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].pos.line, errors[0].pos.column), (7, Some(9)));
        assert!(errors[0].message.contains("expected a string"));
    }
}
