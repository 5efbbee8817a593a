//! Plain text for line printers and terminals: 66-line pages of at most 80 display columns, a form feed between
//! pages. Every character comes from the layout, which has already replaced control characters.

use super::layout::{self, Line};
use super::{Document, WIDTH};

/// Lines on a printed text page (11 inches at 6 lines per inch, the line printer's default).
pub const PAGE_LINES: usize = 66;

/// The document as text: pages joined by form feeds, each line ending in a newline.
pub fn render(doc: &Document) -> String {
    layout::pages(doc, PAGE_LINES)
        .iter()
        .map(|p| {
            let mut s = String::new();
            for l in &p.lines {
                s.push_str(&l.to_text());
                s.push('\n');
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\u{c}")
}

/// The body without page headers, one string per line: what the report screen shows.
pub fn body(doc: &Document) -> Vec<String> {
    layout::body_lines(doc).iter().map(Line::to_text).collect()
}

/// The printed pages as screen lines, a dotted line where the paper would be cut (the preview).
pub fn preview(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in layout::pages(doc, PAGE_LINES).iter().enumerate() {
        if i > 0 {
            out.push(". ".repeat(WIDTH / 2).trim_end().to_string());
        }
        out.extend(p.lines.iter().map(Line::to_text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text;
    use crate::print::{Block, Column, Table};
    use chrono::TimeZone;

    fn doc(rows: usize) -> Document {
        let mut t = Table::new(vec![Column::wrapped("Name", 30), Column::right("N", 5)]);
        for i in 0..rows {
            t.row([
                format!("Абенов Нурлан 日本語テキスト {i}\u{7}"),
                i.to_string(),
            ]);
        }
        Document {
            service: "Service".into(),
            facility: "LUZ Luzira".into(),
            title: "Test".into(),
            period: "As at 2026-11-25".into(),
            printed_by: "amina".into(),
            printed_at: chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
            confidentiality: "CONFIDENTIAL".into(),
            blocks: vec![Block::Table(t)],
            chart: None,
        }
    }

    #[test]
    fn pages_are_separated_by_form_feeds_and_no_line_is_too_wide() {
        let out = render(&doc(200));
        let pages: Vec<&str> = out.split('\u{c}').collect();
        assert!(pages.len() > 1);
        for p in &pages {
            assert!(p.lines().count() <= PAGE_LINES);
            for l in p.lines() {
                assert!(text::width(l) <= WIDTH, "{l}");
                assert!(!l.chars().any(char::is_control), "{l:?}");
            }
        }
        assert!(pages[0].contains(&format!("Page 1 of {}", pages.len())));
    }
}
