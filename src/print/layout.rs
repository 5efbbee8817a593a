//! Lays a `Document` out on 80-column pages: every cell sanitised and fitted or wrapped by display width, tables'
//! headings repeated on each page they continue onto, and the page header (service, facility, title, period,
//! "Page n of m", who printed it and when, the confidentiality line). Text and PDF draw the same lines, so they
//! agree on what is where; only the number of lines on a page differs with the paper.

use super::{Align, Block, Document, Row, Table, WIDTH};
use crate::domain::text;

/// A piece of text placed at a column, `width` columns wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub col: usize,
    pub width: usize,
    /// Already sanitised and no wider than `width` display columns.
    pub text: String,
    pub align: Align,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Spans in column order; no spans is an empty line.
    Text(Vec<Span>),
    /// A line across the page drawn with this character (`=` under the page header, `-` under table headings).
    Rule(char),
}

impl Line {
    fn blank() -> Line {
        Line::Text(Vec::new())
    }

    fn is_blank(&self) -> bool {
        matches!(self, Line::Text(s) if s.is_empty())
    }

    /// One left-aligned span of already-fitted text at `col`.
    fn at(col: usize, s: &str) -> Line {
        Line::Text(vec![Span {
            col,
            width: text::width(s),
            text: s.to_string(),
            align: Align::Left,
        }])
    }

    /// The line as plain text: spans padded to their columns, trailing spaces dropped.
    pub fn to_text(&self) -> String {
        match self {
            Line::Rule(c) => c.to_string().repeat(WIDTH),
            Line::Text(spans) => {
                let mut out = String::new();
                let mut at = 0;
                for s in spans {
                    let w = text::width(&s.text);
                    let start = match s.align {
                        Align::Left => s.col,
                        Align::Right => s.col + s.width.saturating_sub(w),
                    };
                    out.push_str(&" ".repeat(start.saturating_sub(at)));
                    out.push_str(&s.text);
                    at = start.max(at) + w;
                }
                out.trim_end().to_string()
            }
        }
    }
}

/// One printed page: header lines then body lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub lines: Vec<Line>,
}

/// Lines of the page header; the body has the rest of the page.
pub const HEADER_LINES: usize = 6;

/// A body line, with the table it belongs to (so its heading can be repeated on the next page).
struct Placed {
    line: Line,
    table: Option<usize>,
    /// The table's own heading lines: kept with at least one row below them.
    heading: bool,
    /// How many lines from this one must share its page: a section heading keeps its table's heading and first
    /// row (or its paragraph's first line) with it, so a heading never ends a page.
    keep: usize,
}

/// What a table repeats at the top of each page it continues onto: the section heading that introduced it
/// ("... (continued)"), if any, and its column heading.
struct Repeat {
    section: Option<Line>,
    columns: [Line; 2],
}

/// Where each column starts and how wide it is, cut to the page.
fn positions(table: &Table) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut col = 0;
    for c in &table.columns {
        if col >= WIDTH {
            break;
        }
        out.push((col, c.width.min(WIDTH - col)));
        col += c.width + 1;
    }
    out
}

fn table_heading(table: &Table) -> [Line; 2] {
    let spans = positions(table)
        .into_iter()
        .zip(&table.columns)
        .map(|((col, width), c)| Span {
            col,
            width,
            text: text::fit(&text::display(&c.header), width),
            align: c.align,
        })
        .collect();
    [Line::Text(spans), Line::Rule('-')]
}

/// The lines of one row: wrapped cells take as many lines as the longest needs.
fn row_lines(table: &Table, cells: &[String]) -> Vec<Line> {
    let pos = positions(table);
    let pieces: Vec<Vec<String>> = pos
        .iter()
        .zip(&table.columns)
        .enumerate()
        .map(|(i, (&(_, width), c))| {
            let shown = text::display(cells.get(i).map(String::as_str).unwrap_or(""));
            if c.wrap && text::width(&shown) > width {
                text::wrap(&shown, width)
                    .into_iter()
                    .map(|l| text::fit(&l, width))
                    .collect()
            } else {
                vec![text::fit(&shown, width)]
            }
        })
        .collect();
    let height = pieces.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (0..height)
        .map(|k| {
            Line::Text(
                pieces
                    .iter()
                    .zip(&pos)
                    .zip(&table.columns)
                    .filter_map(|((p, &(col, width)), c)| {
                        p.get(k).filter(|s| !s.is_empty()).map(|s| Span {
                            col,
                            width,
                            text: s.clone(),
                            align: c.align,
                        })
                    })
                    .collect(),
            )
        })
        .collect()
}

/// Running text wrapped to the page, each line starting at `indent`.
fn wrapped(s: &str, indent: usize) -> Vec<Line> {
    text::wrap(&text::display(s), WIDTH - indent)
        .into_iter()
        .map(|l| Line::at(indent, &text::fit(&l, WIDTH - indent)))
        .collect()
}

/// The lines a block needs at the top of a page before it shows anything of its own: a table's heading and
/// first row, or a paragraph's first line.
fn lead(block: &Block) -> usize {
    match block {
        Block::Table(t) => {
            2 + match t.rows.first() {
                Some(Row::Cells(cells)) => row_lines(t, cells).len(),
                Some(Row::Note(n)) => wrapped(n, 4).len().min(1),
                Some(Row::Rule) | None => 1,
            }
        }
        Block::Heading(_) | Block::Paragraph(_) => 1,
    }
}

/// The heading's text, cut so the continuation mark still fits on one line.
fn continued(heading: &str) -> Line {
    let mark_room = text::width(&crate::i18n::t_args(
        "print-continued",
        &[("heading", "".into())],
    ));
    let fitted = text::fit(&text::display(heading), WIDTH.saturating_sub(mark_room));
    let line = crate::i18n::t_args("print-continued", &[("heading", fitted.into())]);
    Line::at(0, &text::fit(&line, WIDTH))
}

/// The body as lines, before it is cut into pages.
fn body(doc: &Document) -> (Vec<Placed>, Vec<Repeat>) {
    let mut out = Vec::new();
    let mut repeats = Vec::new();
    let plain = |line| Placed {
        line,
        table: None,
        heading: false,
        keep: 1,
    };
    for (i, block) in doc.blocks.iter().enumerate() {
        if i > 0 {
            out.push(plain(Line::blank()));
        }
        match block {
            Block::Heading(h) => {
                let lines = wrapped(h, 0);
                let n = lines.len();
                let next = doc.blocks.get(i + 1).map_or(0, |b| 1 + lead(b));
                out.extend(lines.into_iter().enumerate().map(|(k, line)| Placed {
                    keep: n - k + next,
                    ..plain(line)
                }));
            }
            Block::Paragraph(h) => out.extend(wrapped(h, 0).into_iter().map(plain)),
            Block::Table(t) => {
                let index = repeats.len();
                let columns = table_heading(t);
                for (k, line) in columns.iter().cloned().enumerate() {
                    out.push(Placed {
                        line,
                        table: Some(index),
                        heading: true,
                        keep: lead(block) - k,
                    });
                }
                let section = match i.checked_sub(1).map(|j| &doc.blocks[j]) {
                    Some(Block::Heading(h)) => Some(continued(h)),
                    _ => None,
                };
                repeats.push(Repeat { section, columns });
                for row in &t.rows {
                    let lines = match row {
                        Row::Cells(cells) => row_lines(t, cells),
                        Row::Note(n) => wrapped(n, 4),
                        Row::Rule => vec![Line::Rule('-')],
                    };
                    out.extend(lines.into_iter().map(|line| Placed {
                        line,
                        table: Some(index),
                        heading: false,
                        keep: 1,
                    }));
                }
            }
        }
    }
    (out, repeats)
}

/// The body lines of the whole document without page headers: what the report screen scrolls through.
pub fn body_lines(doc: &Document) -> Vec<Line> {
    body(doc).0.into_iter().map(|p| p.line).collect()
}

/// `left` at the start of the line and `right` at its end, `left` cut to make room.
fn two_sided(left: &str, right: &str) -> Line {
    let right = text::fit(&text::display(right), WIDTH);
    let rw = text::width(&right);
    let room = WIDTH.saturating_sub(rw + 1);
    let left = text::fit(&text::display(left), room);
    let mut spans = Vec::new();
    if room > 0 && !left.is_empty() {
        spans.push(Span {
            col: 0,
            width: room,
            text: left,
            align: Align::Left,
        });
    }
    spans.push(Span {
        col: WIDTH - rw,
        width: rw,
        text: right,
        align: Align::Right,
    });
    Line::Text(spans)
}

fn page_header(doc: &Document, n: usize, of: usize) -> Vec<Line> {
    let printed = format!(
        "Printed {} by {}",
        doc.printed_at.format("%Y-%m-%d %H:%M UTC"),
        doc.printed_by
    );
    vec![
        two_sided(&doc.service, &doc.facility),
        two_sided(&doc.title, &format!("Page {n} of {of}")),
        two_sided(&doc.period, &printed),
        Line::at(0, &text::fit(&text::display(&doc.confidentiality), WIDTH)),
        Line::Rule('='),
        Line::blank(),
    ]
}

/// Cuts the document into pages of `page_lines` lines (header included), numbered "n of m".
pub fn pages(doc: &Document, page_lines: usize) -> Vec<Page> {
    let room = page_lines.saturating_sub(HEADER_LINES).max(4);
    let (lines, repeats) = body(doc);
    let mut bodies: Vec<Vec<Line>> = vec![Vec::new()];
    for placed in &lines {
        let current = bodies.last().map_or(0, Vec::len);
        // What cannot fit with the lines it keeps goes to the next page (unless it would not fit there either).
        if current > 0 && current + placed.keep.min(room) > room {
            bodies.push(Vec::new());
        }
        let Some(page) = bodies.last_mut() else {
            continue;
        };
        if page.is_empty() {
            if placed.line.is_blank() {
                continue;
            }
            if let (Some(t), false) = (placed.table, placed.heading) {
                let repeat = &repeats[t];
                page.extend(repeat.section.iter().cloned());
                page.extend(repeat.columns.iter().cloned());
            }
        }
        page.push(placed.line.clone());
    }
    let of = bodies.len();
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let mut lines = page_header(doc, i + 1, of);
            lines.extend(body);
            Page { lines }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{Column, Document};
    use chrono::TimeZone;

    fn sample(rows: usize) -> Document {
        let mut t = Table::new(vec![
            Column::left("Number", 16),
            Column::wrapped("Name", 20),
            Column::right("Days", 6),
        ]);
        for i in 0..rows {
            t.row([
                format!("LUZ/2026/{i:05}"),
                format!("Name number {i} with a long family name"),
                i.to_string(),
            ]);
        }
        Document {
            service: "Service".into(),
            facility: "All facilities".into(),
            title: "Sample".into(),
            period: "As at 2026-11-25".into(),
            printed_by: "amina".into(),
            printed_at: chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
            confidentiality: "CONFIDENTIAL".into(),
            blocks: vec![Block::Paragraph("Intro".into()), Block::Table(t)],
            chart: None,
        }
    }

    #[test]
    fn wrapped_cells_take_more_lines_and_stay_in_their_column() {
        let doc = sample(1);
        let lines: Vec<String> = body_lines(&doc).iter().map(Line::to_text).collect();
        assert_eq!(lines[2], "Number           Name                   Days");
        assert_eq!(lines[4], "LUZ/2026/00000   Name number 0 with a      0");
        assert_eq!(lines[5], "                 long family name");
    }

    #[test]
    fn every_page_is_numbered_and_repeats_the_table_heading() {
        let pages = pages(&sample(100), 66);
        assert!(pages.len() > 2);
        for (i, p) in pages.iter().enumerate() {
            assert!(p.lines.len() <= 66);
            let second = p.lines[1].to_text();
            assert!(second.ends_with(&format!("Page {} of {}", i + 1, pages.len())));
            let first = if i == 0 {
                HEADER_LINES + 2
            } else {
                HEADER_LINES
            };
            assert!(p.lines[first].to_text().starts_with("Number"), "{i}");
            assert!(p.lines.iter().all(|l| text::width(&l.to_text()) <= WIDTH));
        }
    }

    /// Sessions as a roster prints them: a heading, then its table of names.
    fn sessions(sizes: &[usize]) -> Document {
        let mut doc = sample(0);
        doc.blocks.clear();
        for (s, &n) in sizes.iter().enumerate() {
            doc.blocks.push(Block::Heading(format!(
                "Mon 09:00  SES{s} Literacy, Room 4"
            )));
            let mut t = Table::new(vec![Column::left("Number", 16), Column::left("Name", 20)]);
            for i in 0..n {
                t.row([format!("LUZ/2026/{i:05}"), format!("Person {s}.{i}")]);
            }
            doc.blocks.push(Block::Table(t));
        }
        doc
    }

    fn texts(page: &Page) -> Vec<String> {
        page.lines.iter().map(Line::to_text).collect()
    }

    #[test]
    fn a_session_heading_never_ends_a_page() {
        // 30 lines a page, 24 for the body. The first session takes 2 + 2 + 18 = 22 lines, then a blank; the
        // second's heading would be the body's last line, with its names on the next page.
        let pages = pages(&sessions(&[18, 3]), 30);
        let first = texts(&pages[0]);
        assert!(
            !first.iter().any(|l| l.contains("SES1")),
            "the heading stayed at the foot of page 1: {first:#?}"
        );
        let second = texts(&pages[1]);
        assert_eq!(second[HEADER_LINES], "Mon 09:00  SES1 Literacy, Room 4");
        assert!(
            second[HEADER_LINES + 2].starts_with("Number"),
            "{second:#?}"
        );
        assert!(pages.iter().all(|p| p.lines.len() <= 30));
    }

    #[test]
    fn a_continued_session_repeats_its_heading() {
        let pages = pages(&sessions(&[40]), 30);
        assert!(pages.len() >= 2);
        for page in &pages[1..] {
            let lines = texts(page);
            assert_eq!(
                lines[HEADER_LINES],
                "Mon 09:00  SES0 Literacy, Room 4 (continued)"
            );
            assert!(lines[HEADER_LINES + 1].starts_with("Number"), "{lines:#?}");
            assert!(
                lines[HEADER_LINES + 3].starts_with("LUZ/2026/"),
                "{lines:#?}"
            );
        }
        let all: Vec<String> = pages.iter().flat_map(texts).collect();
        for i in 0..40 {
            let name = format!("Person 0.{i}");
            assert_eq!(
                all.iter().filter(|l| l.ends_with(&name)).count(),
                1,
                "{name}"
            );
        }
    }

    #[test]
    fn header_parts_are_cut_to_fit_and_sanitised() {
        let mut doc = sample(0);
        doc.title = "T\u{1b}[2J".repeat(40);
        let page = &pages(&doc, 66)[0];
        let title = page.lines[1].to_text();
        assert!(text::width(&title) <= WIDTH);
        assert!(!title.contains('\u{1b}'));
        assert!(title.ends_with("Page 1 of 1"));
    }
}
