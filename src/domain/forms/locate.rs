//! Where byte `n` of a string value lies in the file, so an error inside an expression points at its own column.

use std::ops::Range;

/// The file offset of byte `at` of the decoded string whose TOML token spans `span` (quotes included).
/// Falls back to the token's start for anything unexpected, rather than fail.
pub fn string_offset(text: &str, span: &Range<usize>, at: usize) -> usize {
    let Some(raw) = text.get(span.clone()) else {
        return span.start;
    };
    let (delim, literal) = if raw.starts_with("\"\"\"") {
        (3, false)
    } else if raw.starts_with("'''") {
        (3, true)
    } else if raw.starts_with('"') {
        (1, false)
    } else if raw.starts_with('\'') {
        (1, true)
    } else {
        return span.start;
    };
    let mut body = delim;
    // A newline straight after an opening triple quote is not part of the string.
    if delim == 3 {
        if raw[body..].starts_with("\r\n") {
            body += 2;
        } else if raw[body..].starts_with('\n') {
            body += 1;
        }
    }
    if literal {
        return span.start + (body + at).min(raw.len());
    }
    let bytes = raw.as_bytes();
    let mut i = body;
    let mut decoded = 0;
    while i < raw.len() && decoded < at {
        if bytes[i] == b'\\' {
            let (raw_len, out_len) = escape_len(&raw[i..]);
            i += raw_len;
            decoded += out_len;
        } else {
            let len = raw[i..].chars().next().map_or(1, char::len_utf8);
            i += len;
            decoded += len;
        }
    }
    span.start + i.min(raw.len())
}

/// (bytes in the file, bytes once decoded) of the escape at the start of `s`.
fn escape_len(s: &str) -> (usize, usize) {
    let hex_char = |digits: usize| {
        let out = s
            .get(2..2 + digits)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .map_or(1, char::len_utf8);
        (2 + digits, out)
    };
    match s.as_bytes().get(1) {
        Some(b'u') => hex_char(4),
        Some(b'U') => hex_char(8),
        Some(b'x') => hex_char(2),
        Some(b' ' | b'\t' | b'\n' | b'\r') => {
            // Line-ending backslash: it and all whitespace after it vanish.
            let rest = s[1..].trim_start_matches([' ', '\t', '\n', '\r']);
            (s.len() - rest.len(), 0)
        }
        _ => (2, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spot(text: &str, needle: &str, at: usize) -> usize {
        let start = text.find(['"', '\'']).unwrap();
        string_offset(text, &(start..text.len()), at) - text.find(needle).unwrap()
    }

    #[test]
    fn offsets_map_through_quotes_and_escapes() {
        assert_eq!(spot("x = \"${a} + 1\"", "${a}", 0), 0);
        let t = "x = \"\\\"q\\\" ${b}\"";
        assert_eq!(spot(t, "${b}", 4), 0);
        assert_eq!(spot("x = '${a} > \\d'", "\\d", 7), 0);
        assert_eq!(spot("x = \"\"\"\n${a}\"\"\"", "${a}", 0), 0);
        assert_eq!(spot("x = \"\\u00e9 ${c}\"", "${c}", 3), 0);
    }

    #[test]
    fn nonsense_spans_fall_back_to_the_start() {
        assert_eq!(string_offset("abc", &(2..10), 5), 2);
        assert_eq!(string_offset("x = 5", &(4..5), 3), 4);
    }
}
