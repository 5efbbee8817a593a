//! Text rules shared by every layer: display sanitising, search folding, length limits.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_width::UnicodeWidthStr;

/// Replaces control characters (C0, DEL, C1, and bidi overrides that could reorder a line) so user text can never
/// move the cursor, change colours or send escape sequences to a terminal or printer.
pub fn display(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        Cow::Owned(
            s.chars()
                .map(|c| if is_unsafe(c) { '?' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// A control character, or a bidirectional override that could make text read differently from what it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The form every name is compared in: compatibility-decomposed, combining marks dropped, lower-cased.
/// "Müller", "MULLER" and "muller" fold the same; so do Arabic letters with and without harakat.
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Cuts `s` so it takes at most `width` terminal columns, adding `~` when something was cut.
pub fn fit(s: &str, width: usize) -> String {
    if UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    // Measure the growing string, not single characters, so emoji and combining sequences count right.
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if UnicodeWidthStr::width(out.as_str()) + 1 > width {
            out.pop();
            break;
        }
    }
    if width > 0 {
        out.push('~');
    }
    out
}

/// Breaks `s` into lines of at most `width` columns, at spaces where it can and mid-word where it must.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let gap = usize::from(!line.is_empty());
        if !line.is_empty() && self::width(&line) + gap + self::width(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            line.push(c);
            if self::width(&line) > width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    lines.push(line);
    lines
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_replaced_for_display() {
        assert_eq!(display("a\u{1b}[2Jb\n"), "a?[2Jb?");
        assert_eq!(display("plain"), "plain");
        assert_eq!(display("x\u{202E}y"), "x?y");
    }

    #[test]
    fn folding_ignores_case_and_diacritics_in_any_script() {
        assert_eq!(fold("Müller"), fold("MULLER"));
        assert_eq!(fold("Ænima"), "ænima");
        assert_eq!(fold("НУРЛАН"), "нурлан");
        assert_eq!(fold("مُحَمَّد"), "محمد");
        assert_eq!(fold("Çağrı"), "cagrı");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), vec![""]);
        for line in wrap("日本語テキスト 日本語", 5) {
            assert!(width(&line) <= 5);
        }
    }

    #[test]
    fn fit_respects_wide_characters() {
        assert_eq!(fit("abcdef", 4), "abc~");
        assert_eq!(fit("ab", 4), "ab");
        assert!(width(&fit("日本語テキスト", 5)) <= 5);
    }
}
