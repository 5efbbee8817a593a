//! A bracketed paste as a text field takes it: one line of text, terminal sequences and control characters out.

use crate::domain::text;

/// The first character [`paste_text`] leaves out of a paste as not text (a control character, a terminal sequence's
/// escape, a direction override), if any; line breaks and tabs, which become spaces, do not count.
pub fn paste_refused(pasted: &str) -> Option<char> {
    pasted
        .chars()
        .find(|c| text::is_unsafe(*c) && !matches!(c, '\r' | '\n' | '\t'))
}

/// Pasted text as a text field takes it: one line, without control characters (a line break or tab is a space;
/// those at the end, as copying a whole line leaves, are dropped).
pub fn paste_text(pasted: &str) -> String {
    let mut out = String::with_capacity(pasted.len());
    let mut gap = false;
    let mut chars = pasted
        .trim_end_matches(['\r', '\n', '\t'])
        .chars()
        .peekable();
    while let Some(c) = chars.next() {
        // A terminal sequence inside a paste goes whole: its parameters are not text (`ESC ] 0;title BEL`
        // must not leave `]0;title` in a name).
        let introducer = match c {
            '\u{1b}' => chars.next(),
            '\u{9b}' => Some('['),
            '\u{9d}' => Some(']'),
            '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => Some('P'),
            _ => None,
        };
        if let Some(kind) = introducer {
            match kind {
                // CSI: parameter and intermediate bytes, then one final byte.
                '[' => {
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: a string up to BEL or ESC \.
                ']' | 'P' | 'X' | '^' | '_' => {
                    while let Some(d) = chars.next() {
                        if d == '\u{7}' || d == '\u{9c}' {
                            break;
                        }
                        if d == '\u{1b}' {
                            chars.next_if_eq(&'\\');
                            break;
                        }
                    }
                }
                // Any other escape is two characters.
                _ => {}
            }
            continue;
        }
        if matches!(c, '\r' | '\n' | '\t') {
            gap = true;
        } else if !text::is_unsafe(c) {
            if gap {
                out.push(' ');
                gap = false;
            }
            out.push(c);
        }
    }
    out
}
