//! Text rules shared by every layer: what stored text may hold, display sanitising, search folding, fitting.

use super::width;
use crate::i18n::t_args;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Makes user text safe and stable to draw: control characters and bidi embeddings/overrides (which could move
/// the cursor, change colours, send escape sequences or reorder a line) and clusters whose width terminals disagree
/// on (see [`super::width`]) become `?`. Isolates (FSI, LRI, RLI, PDI) are kept: they only stop a name from
/// reordering what is around it.
pub fn display(s: &str) -> Cow<'_, str> {
    width::drawable(s)
}

/// A control character, or a bidirectional embedding or override that could make text read differently from what
/// it is. Never drawn, never stored.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}')
}

/// Invisible characters that text copied from documents and web pages carries and that have no meaning in a
/// record: the byte-order mark and the zero-width space. They are dropped from what is stored. (ZWJ and ZWNJ are
/// not: Indic and Arabic scripts need them.)
pub fn is_dropped(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}')
}

/// The first character of `s` that no stored text may hold, if any.
pub fn refused_char(s: &str) -> Option<char> {
    s.chars().find(|c| is_unsafe(*c))
}

/// Why a character is refused, in the user's words: "a control or text-direction character (U+202E) is not
/// accepted". The caller puts the field's name in front.
pub fn refusal(c: char) -> String {
    t_args("text-refused", &[("code", code_point(c).into())])
}

/// "U+202E": how a refused character is named (it cannot be shown).
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Checks typed or imported text before it is stored; the error names the field by its key ("name: a control
/// ...").
pub fn check(
    field: impl Into<std::borrow::Cow<'static, str>>,
    s: &str,
) -> Result<(), super::invalid::FieldError> {
    match refused_char(s) {
        Some(c) => Err(super::invalid::FieldError::new(field, refusal(c))),
        None => Ok(()),
    }
}

/// Text as it is stored: without byte-order marks and zero-width spaces. (Refused characters are checked
/// separately, with the field's name: see [`check`].)
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_dropped) {
        Cow::Owned(s.chars().filter(|c| !is_dropped(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// A name as it is stored: [`clean`] and in Unicode normal form C, so "Hà" typed precomposed and decomposed is
/// one name (searches, duplicates, sorting).
pub fn clean_name(s: &str) -> String {
    let cleaned = clean(s);
    if unicode_normalization::is_nfc(&cleaned) {
        cleaned.into_owned()
    } else {
        cleaned.nfc().collect()
    }
}

/// The form every name is compared in: compatibility-decomposed, combining marks dropped, lower-cased, and every
/// Latin letter as plain letters, those that do not decompose too (đ as d, ø as o, ł as l, ß as ss, æ as ae, ı as
/// i; through `deunicode`, not a table of our own). Other scripts keep their letters: "Нурланов" folds to
/// "нурланов" (its Latin transliteration is the search index's business, `name_search`). "Müller", "MULLER" and
/// "muller" fold the same; so do "Đặng" and "dang", and Arabic letters with and without harakat.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(plain) = latin_letter(c) {
            out.extend(plain.chars().map(|c| c.to_ascii_lowercase()));
        } else if !is_combining_mark(c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A Latin letter that does not decompose, as plain letters; None for other characters, and for the few Latin
/// letters whose transliteration is not a letter (ə is "@"), which then stay themselves.
fn latin_letter(c: char) -> Option<&'static str> {
    let latin = matches!(c,
        '\u{00C0}'..='\u{024F}' | '\u{0250}'..='\u{02AF}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}' | '\u{AB30}'..='\u{AB6F}');
    if !latin {
        return None;
    }
    deunicode::deunicode_char(c)
        .filter(|plain| !plain.is_empty() && plain.chars().all(|p| p.is_ascii_alphabetic()))
}

/// `s` as drawn ([`display`]), cut so it takes at most `width` columns, with `~` when something was cut.
/// Cuts fall between grapheme clusters, never inside a letter.
pub fn fit(s: &str, width: usize) -> String {
    let shown = display(s);
    if self::width(&shown) <= width {
        return shown.into_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in shown.graphemes(true) {
        let w = width::cluster_width(g);
        if used + w + 1 > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if width > 0 {
        out.push('~');
    }
    out
}

/// `s` as drawn ([`display`]), broken into lines of at most `width` columns, at spaces where it can and between
/// grapheme clusters inside a word where it must.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let shown = display(s);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in shown.split(' ') {
        let gap = usize::from(!line.is_empty());
        if !line.is_empty() && used + gap + self::width(word) > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            used += 1;
        }
        for g in word.graphemes(true) {
            let w = width::cluster_width(g);
            if used + w > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += w;
        }
    }
    lines.push(line);
    lines
}

/// Display width in terminal columns, by the one rule in [`super::width`].
pub fn width(s: &str) -> usize {
    width::width(s)
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
    fn stored_text_refuses_controls_and_overrides_and_drops_invisible_marks() {
        for bad in [
            "a\u{9b}31m",
            "x\u{202E}y",
            "\u{202A}",
            "\u{202D}",
            "a\u{1b}b",
            "a\nb",
            "\u{7f}",
        ] {
            let e = check("name", bad).unwrap_err();
            assert!(
                e.to_string().starts_with("name: ") && e.message.contains("U+") && e.is("name"),
                "{e}"
            );
        }
        assert_eq!(refused_char("x\u{202E}y"), Some('\u{202E}'));
        assert_eq!(code_point('\u{9b}'), "U+009B");
        // Joiners stay (Indic and Arabic need them); isolates are not refused.
        for good in ["क्\u{200D}ष", "می\u{200C}خواهم", "\u{2068}Okello\u{2069}"] {
            assert_eq!(check("name", good), Ok(()));
            assert_eq!(clean(good), good);
        }
        assert_eq!(clean("\u{FEFF}Oke\u{200B}llo"), "Okello");
        assert_eq!(clean_name("Thi\u{0323} Ha\u{0300}"), "Thị Hà");
        assert_eq!(clean_name("\u{FEFF}Ha\u{0300}"), "Hà");
    }

    #[test]
    fn isolates_are_kept_for_display() {
        assert_eq!(display("\u{2067}x\u{2069}"), "\u{2067}x\u{2069}");
        assert_eq!(width("\u{2067}x\u{2069}"), 1);
    }

    #[test]
    fn fit_and_wrap_cut_between_letters_and_draw_stand_ins() {
        let vi = "Thi\u{0323} Ha\u{0300}";
        assert_eq!(fit(vi, 4), "Thi\u{0323}~");
        for n in 1..8 {
            for line in wrap(vi, n) {
                assert!(width(&line) <= n);
                assert!(!line.starts_with('\u{0300}') && !line.starts_with('\u{0323}'));
            }
        }
        let flag = "\u{1F1FA}\u{1F1EC}";
        assert_eq!(fit(flag, 5), "?");
        assert_eq!(wrap(&format!("{flag} {flag}"), 3), vec!["? ?"]);
    }

    #[test]
    fn folding_ignores_case_and_diacritics_in_any_script() {
        assert_eq!(fold("Müller"), fold("MULLER"));
        assert_eq!(fold("Ænima"), "aenima");
        assert_eq!(fold("НУРЛАН"), "нурлан");
        assert_eq!(fold("مُحَمَّد"), "محمد");
        assert_eq!(fold("Çağrı"), "cagri");
    }

    #[test]
    fn folding_makes_plain_the_latin_letters_that_do_not_decompose() {
        assert_eq!(fold("Đặng"), "dang");
        assert_eq!(fold("ĐẶNG"), "dang");
        assert_eq!(
            fold("Øyvind Łukasz Straße Æsir Işık"),
            "oyvind lukasz strasse aesir isik"
        );
        assert_eq!(fold("Þór"), "thor");
        // A transliteration that is not a letter is not used: the letter stays.
        assert_eq!(fold("Əliyev"), "əliyev");
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
