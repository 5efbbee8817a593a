//! Printing: a report as a `Document` (headed tables and wrapped paragraphs under a page header), rendered as
//! 80-column text, CSV or PDF, and sent to a file, the station's printer (`lp`) or the user's own terminal printer.
//!
//! Reports build a `Document` and know nothing of paper; the renderers know nothing of prisons. Any screen or
//! command that holds a `Document` can preview it, render it and send it.

pub mod layout;
pub mod pdf;
pub mod plain;
#[cfg(test)]
mod props;
pub mod sheet;
pub mod sink;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use layout::{Line, Page, Span};
pub use sink::{Choice, Destination, PrintError};

/// Columns of a printed text page, and of the preview screen.
pub const WIDTH: usize = 80;

/// What a report says, ready for any renderer.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The prison service the report belongs to (setting `service_name`).
    pub service: String,
    /// The facility the report covers, or "All facilities".
    pub facility: String,
    pub title: String,
    /// The dates the report covers, in words ("2026-11-23 to 2026-11-29", "As at 2026-11-25").
    pub period: String,
    pub printed_by: String,
    pub printed_at: DateTime<Utc>,
    pub confidentiality: String,
    pub blocks: Vec<Block>,
    /// Figures the screen also draws as a chart (aggregate reports only); paper shows the table.
    pub chart: Option<Chart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A line of its own above a table or paragraph.
    Heading(String),
    /// Running text, wrapped to the page width.
    Paragraph(String),
    Table(Table),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    /// Display columns on an 80-column page; the gaps between columns are one space each.
    pub width: usize,
    pub align: Align,
    /// A cell too long for the column goes on over the next lines instead of being cut (names, reasons).
    pub wrap: bool,
}

impl Column {
    pub fn left(header: &str, width: usize) -> Column {
        Column {
            header: header.into(),
            width,
            align: Align::Left,
            wrap: false,
        }
    }

    pub fn right(header: &str, width: usize) -> Column {
        Column {
            align: Align::Right,
            ..Column::left(header, width)
        }
    }

    /// A left-aligned column whose long cells wrap.
    pub fn wrapped(header: &str, width: usize) -> Column {
        Column {
            wrap: true,
            ..Column::left(header, width)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Cells(Vec<String>),
    /// Text under the row before it, indented and wrapped (a reason, the rules a placement breaks).
    Note(String),
    /// A horizontal line, e.g. above a total.
    Rule,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The heading a grouped table sits under, as a header and a value (a court list's court): paper shows it as
    /// the heading above the table, CSV as a first column, so a spreadsheet row still says which group it is in.
    pub group: Option<(String, String)>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            group: None,
        }
    }

    /// The table of one group, named in CSV by `header` = `value`.
    pub fn in_group(mut self, header: &str, value: &str) -> Table {
        self.group = Some((header.into(), value.into()));
        self
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows
            .push(Row::Cells(cells.into_iter().map(Into::into).collect()));
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.rows.push(Row::Note(text.into()));
    }

    /// Rows of data, without notes and rules.
    pub fn data_rows(&self) -> impl Iterator<Item = &[String]> {
        self.rows.iter().filter_map(|r| match r {
            Row::Cells(c) => Some(c.as_slice()),
            _ => None,
        })
    }
}

/// Bars for the screen: one label and one value each, in the order shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    pub bars: Vec<(String, u64)>,
}

impl Document {
    /// Every table in the body, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// How a document is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// 80-column plain text with form feeds between pages
    Text,
    /// PDF with an embedded font
    Pdf,
    /// CSV (RFC 4180, UTF-8) of the report's table
    Csv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Text, Format::Pdf, Format::Csv];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Csv => "csv",
        }
    }
}

/// Paper for PDF. Text pages are 66 lines whatever the paper: line printers feed by form feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::Letter];

    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

/// The bytes of `doc` in `format`.
pub fn render(doc: &Document, format: Format, paper: Paper) -> Result<Vec<u8>, PrintError> {
    match format {
        Format::Text => Ok(plain::render(doc).into_bytes()),
        Format::Csv => sheet::render(doc),
        Format::Pdf => pdf::render(doc, paper),
    }
}
