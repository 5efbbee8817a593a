//! One rule for how many terminal columns a piece of text takes, shared by the screens and the printed page.
//!
//! Terminals draw most text alike, but not every grapheme cluster: xterm, VTE (GNOME Terminal), PuTTY and tmux
//! measure a character at a time with their own `wcwidth` tables, so a family emoji (four people joined by ZWJ)
//! is 2 columns in one, 8 in another; a flag is 1, 2 or 4; a skin tone or a VS16 selector adds 0 or 2; conjoining
//! Hangul jamo, keycaps and tag sequences vary the same way. ratatui, meanwhile, measures whole clusters. When the
//! two disagree the line the program meant to fill runs over into the next row, and the screen scrolls.
//!
//! So a cluster is drawn as itself only when every common terminal gives it the same width, and that width is what
//! ratatui computes too. Any other cluster is drawn as [`STAND_IN`], one column everywhere. The width of a kept
//! cluster is the sum of its characters' widths (as terminals count), which for these clusters is also
//! unicode-width's measure of the whole cluster. East Asian "ambiguous" characters count as one column, as
//! terminals do outside CJK legacy modes.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a cluster of disputed width, or a control character, is drawn as: one column in every terminal and font.
pub const STAND_IN: char = '?';

/// How a grapheme cluster is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// Drawn as itself, taking this many columns in every common terminal.
    Agreed(usize),
    /// Drawn as [`STAND_IN`]: a control character, or a cluster terminals measure differently.
    StandIn,
}

/// Classifies one grapheme cluster (as `unicode_segmentation` splits text).
pub fn cluster(g: &str) -> Cluster {
    // Plain ASCII letters and spaces are the common case: one column, nothing to look up.
    if let [b] = g.as_bytes() {
        return if b.is_ascii_control() {
            Cluster::StandIn
        } else {
            Cluster::Agreed(1)
        };
    }
    let mut sum = 0;
    let mut pictographic = false;
    let mut joined = false;
    let mut count = 0;
    for c in g.chars() {
        count += 1;
        if super::text::is_unsafe(c) || disputed_char(c) {
            return Cluster::StandIn;
        }
        // Isolates are format characters: terminals give them no column.
        if is_isolate(c) {
            continue;
        }
        pictographic |= is_pictographic(c);
        joined |= c == '\u{200D}';
        sum += c.width().unwrap_or(0);
    }
    // A ZWJ between pictographs is an emoji sequence, drawn as one glyph by some terminals and in pieces by
    // others; between letters (Indic conjuncts, Arabic) every terminal gives it no column.
    if joined && pictographic {
        return Cluster::StandIn;
    }
    // A safety net: where unicode-width (and so ratatui) measures the whole cluster differently from the sum of its
    // characters, it knows of a sequence rule terminals do not apply.
    if count > 1 && UnicodeWidthStr::width(g) != sum {
        return Cluster::StandIn;
    }
    Cluster::Agreed(sum)
}

/// Characters whose presence makes a cluster's width depend on the terminal.
fn disputed_char(c: char) -> bool {
    matches!(c,
        // Variation selectors 15 and 16 (text or emoji presentation): some terminals widen, most do not.
        '\u{FE0E}' | '\u{FE0F}'
        // Combining enclosing keycap (1️⃣).
        | '\u{20E3}'
        // Regional indicators (flags are pairs of them).
        | '\u{1F1E6}'..='\u{1F1FF}'
        // Emoji skin-tone modifiers.
        | '\u{1F3FB}'..='\u{1F3FF}'
        // Tag characters (subdivision flags such as Scotland's).
        | '\u{E0020}'..='\u{E007F}'
        // Conjoining Hangul vowels and finals: composed into a syllable by some terminals, drawn apart by others.
        | '\u{1160}'..='\u{11FF}' | '\u{D7B0}'..='\u{D7FF}'
        // Halfwidth katakana sound marks: ratatui widens the cell before them, terminals do not.
        | '\u{FF9E}' | '\u{FF9F}'
        // Symbols and Pictographs Extended-A (Unicode 12 onwards): newer than many terminals' width tables.
        | '\u{1FA70}'..='\u{1FAFF}'
    )
}

/// The first-strong and directional isolates, which display keeps (they stop names from reordering their
/// neighbours) and which take no column.
pub fn is_isolate(c: char) -> bool {
    matches!(c, '\u{2066}'..='\u{2069}')
}

/// Blocks of pictographs and symbols that emoji ZWJ sequences are built from.
fn is_pictographic(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2300}'..='\u{23FF}' | '\u{2B00}'..='\u{2BFF}'
        | '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}' | '\u{2194}'..='\u{21FF}'
    )
}

/// Columns `s` takes once drawn (stand-ins count one each).
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        // Every ASCII cluster is one column: printable characters as themselves, controls as the stand-in (CR LF
        // is one cluster, so one stand-in).
        return s.len() - s.matches("\r\n").count();
    }
    s.graphemes(true).map(cluster_width).sum()
}

/// Columns one grapheme cluster takes once drawn.
pub fn cluster_width(g: &str) -> usize {
    match cluster(g) {
        Cluster::Agreed(w) => w,
        Cluster::StandIn => 1,
    }
}

/// `s` as it is drawn: each cluster of disputed width, and each control character, replaced by [`STAND_IN`].
/// Everything else, isolates included, is kept as it is.
pub fn drawable(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(s);
    }
    // One pass: a copy is made only from the first stand-in on (most text needs none).
    let mut out: Option<String> = None;
    for (at, g) in s.grapheme_indices(true) {
        match cluster(g) {
            Cluster::Agreed(_) => {
                if let Some(o) = &mut out {
                    o.push_str(g);
                }
            }
            Cluster::StandIn => out
                .get_or_insert_with(|| s[..at].to_string())
                .push(STAND_IN),
        }
    }
    out.map_or(Cow::Borrowed(s), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_of_every_script_keep_their_width() {
        assert_eq!(width("Okello"), 6);
        assert_eq!(width("Thi\u{0323} Ha\u{0300}"), 6, "decomposed Vietnamese");
        assert_eq!(width("Thị Hà"), 6);
        assert_eq!(width("日本語"), 6);
        assert_eq!(width("Нурлан"), 6);
        assert_eq!(width("محمد"), 4);
        // Lam-alef: unicode-width calls the pair one column; terminals draw both letters.
        assert_eq!(width("لا"), 2);
        // An Indic conjunct with a virama, and a ZWJ kept between letters.
        assert_eq!(width("क्ष"), 2);
        assert_eq!(width("क्\u{200D}ष"), 2);
        assert_eq!(drawable("क्\u{200D}ष"), "क्\u{200D}ष");
    }

    #[test]
    fn emoji_of_disputed_width_become_stand_ins() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
        assert_eq!(drawable(family), "?");
        assert_eq!(width(family), 1);
        assert_eq!(drawable("\u{1F44D}\u{1F3FD}"), "?", "skin tone");
        assert_eq!(drawable("\u{1F1FA}\u{1F1EC}"), "?", "flag");
        assert_eq!(
            drawable("\u{2764}\u{FE0F}"),
            "?",
            "VS16 on a text-default heart"
        );
        assert_eq!(drawable("1\u{FE0F}\u{20E3}"), "?", "keycap");
        assert_eq!(drawable("a\u{1b}b"), "a?b");
        // An emoji every terminal since Unicode 9 draws two columns wide stays.
        assert_eq!(drawable("\u{1F600}"), "\u{1F600}");
        assert_eq!(width("\u{1F600}"), 2);
    }

    #[test]
    fn isolates_are_kept_and_take_no_column() {
        let s = "\u{2068}محمد\u{2069} (UG/1)";
        assert_eq!(drawable(s), s);
        assert_eq!(width(s), 4 + 7);
    }

    #[test]
    fn every_kept_cluster_measures_as_ratatui_measures_it() {
        let samples = [
            "Thi\u{0323} Ha\u{0300}",
            "日本語",
            "क्ष",
            "\u{1F600}",
            "e\u{0301}\u{0302}",
            "ﾊﾟ",
            "각",
            "\u{1100}\u{1161}",
        ];
        for s in samples {
            for g in s.graphemes(true) {
                if let Cluster::Agreed(w) = cluster(g) {
                    assert_eq!(w, UnicodeWidthStr::width(g), "{g:?}");
                }
            }
        }
    }
}
