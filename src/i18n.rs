//! Every user-visible string by message key: the Fluent catalogues in `i18n/<language>/` embedded in the binary.
//!
//! A screen, report or command names a key (`t("record-expected-release")`) or a key with arguments
//! (`t_args("transfer-refused", &[("facility", code.into())])`); the sentence lives in the catalogue, so a language is
//! a file, not a code change. English is the only catalogue so far (the languages issue adds the others and a
//! per-user choice); a key missing from the catalogue shows as the key itself, and a test scans the sources so that
//! never ships.

use std::sync::OnceLock;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
pub use fluent_bundle::{FluentArgs, FluentValue};

const ENGLISH: &str = include_str!("../i18n/en/warden.ftl");

type Bundle = FluentBundle<FluentResource>;

fn english() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut bundle = FluentBundle::new_concurrent(vec![unic_langid::langid!("en")]);
        // Isolation marks (FSI/PDI) around arguments matter once right-to-left catalogues arrive; in English they
        // would only cost bytes on a 9600-baud line.
        bundle.set_use_isolating(false);
        // The catalogue is compiled in and checked by `catalogue_parses_without_errors`, so a parse error here
        // would already have failed the build's tests; whatever parsed is still used.
        let resource =
            FluentResource::try_new(ENGLISH.to_string()).unwrap_or_else(|(partial, _)| partial);
        let _ = bundle.add_resource(resource);
        bundle
    })
}

/// The sentence for `key` in the user's language.
pub fn t(key: &str) -> String {
    format(key, None)
}

/// The sentence for `key` with its arguments filled in (`{ $name }` in the catalogue).
pub fn t_args(key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    format(key, Some(&fluent_args))
}

fn format(key: &str, args: Option<&FluentArgs<'_>>) -> String {
    let bundle = english();
    let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
        return key.to_string();
    };
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned()
}

/// The sentence for `key` as a `&'static str`, for the places that keep words for the whole run (footer words,
/// key names). Each (language, key) is kept once, so the memory is bounded by the catalogues' size.
pub fn t_static(key: &str) -> &'static str {
    static KEPT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, &'static str>>> =
        OnceLock::new();
    let kept = KEPT.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked while inserting; the map itself is still whole.
    let mut kept = kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(word) = kept.get(key) {
        return word;
    }
    let word: &'static str = Box::leak(t(key).into_boxed_str());
    kept.insert(key.to_string(), word);
    word
}

/// Whether the catalogue has `key` (for the source scan test and for callers that fall back).
pub fn has(key: &str) -> bool {
    english().has_message(key)
}

/// The sentence for `key` with its arguments and what Fluent reported while formatting it (an unknown variable,
/// a missing message), for the tests that check the catalogue against the code.
#[cfg(test)]
pub(crate) fn t_args_checked(key: &str, args: &[(&str, FluentValue<'_>)]) -> (String, Vec<String>) {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let bundle = english();
    let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
        return (key.to_string(), vec![format!("no message {key}")]);
    };
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned();
    (text, errors.iter().map(|e| format!("{e:?}")).collect())
}

/// The English catalogue's message ids with each one's source line, in catalogue order (every message is one
/// line but the plural ones, whose first line is enough to name them).
#[cfg(test)]
pub(crate) fn english_messages() -> Vec<(&'static str, &'static str)> {
    ENGLISH
        .lines()
        .filter_map(|line| {
            let (id, _) = line.split_once(" = ")?;
            let is_id = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            is_id.then_some((id, line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_without_errors() {
        if let Err((_, errors)) = FluentResource::try_new(ENGLISH.to_string()) {
            panic!("i18n/en/warden.ftl does not parse: {errors:?}");
        }
    }

    #[test]
    fn arguments_are_filled_in_without_isolation_marks() {
        assert_eq!(
            t_args("i18n-selftest", &[("name", "Nakato".into())]),
            "Hello, Nakato"
        );
    }

    #[test]
    fn a_missing_key_shows_as_itself() {
        assert_eq!(t("no-such-key-anywhere"), "no-such-key-anywhere");
        assert!(!has("no-such-key-anywhere"));
    }

    /// Every `t("...")` / `t_args("...", ...)` in the sources names a key the English catalogue has.
    #[test]
    fn every_key_used_in_the_sources_is_in_the_catalogue() {
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|ext| ext != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("source is UTF-8");
                for key in keys_used(&source) {
                    if !has(key) && key != "no-such-key-anywhere" {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from i18n/en/warden.ftl:\n{}",
            missing.join("\n")
        );
    }

    /// Message keys are `area-name` (lowercase, digits, hyphens, at least one hyphen), which tells them from other
    /// functions called `t` in tests; comments are skipped.
    fn keys_used(source: &str) -> Vec<&str> {
        let is_key = |k: &str| {
            k.contains('-')
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let code: Vec<&str> = source
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect();
        let mut keys = Vec::new();
        for opener in ["t(\"", "t_args(\"", "t_static(\""] {
            for line in &code {
                let mut rest = *line;
                while let Some(at) = rest.find(opener) {
                    let preceded_by_ident = rest[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_');
                    rest = &rest[at + opener.len()..];
                    if preceded_by_ident {
                        continue;
                    }
                    if let Some(end) = rest.find('"')
                        && is_key(&rest[..end])
                    {
                        keys.push(&rest[..end]);
                    }
                }
            }
        }
        keys
    }
}
