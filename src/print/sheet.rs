//! CSV for spreadsheet users (RFC 4180, UTF-8, CRLF, one header row): the report's table, and every later table
//! with the same columns (a report's totals), without the page header, notes or rules. Grouped tables (one per
//! court on a court list) give their group as a first column.

use super::{Document, PrintError};
use crate::domain::text;

/// The header row is the first table's; later tables join only if their headers match it.
pub fn render(doc: &Document) -> Result<Vec<u8>, PrintError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let Some(first) = doc.tables().next() else {
        return Ok(Vec::new());
    };
    let headers: Vec<&str> = first.columns.iter().map(|c| c.header.as_str()).collect();
    let group = first.group.as_ref().map(|(h, _)| h.as_str());
    w.write_record(group.iter().chain(headers.iter()).map(|h| cell(h)))
        .map_err(csv_error)?;
    for table in doc.tables() {
        if !table
            .columns
            .iter()
            .map(|c| c.header.as_str())
            .eq(headers.iter().copied())
            || table.group.as_ref().map(|(h, _)| h.as_str()) != group
        {
            continue;
        }
        let value = table.group.as_ref().map(|(_, v)| cell(v));
        for row in table.data_rows() {
            let cells =
                (0..headers.len()).map(|i| cell(row.get(i).map(String::as_str).unwrap_or("")));
            w.write_record(value.clone().into_iter().chain(cells))
                .map_err(csv_error)?;
        }
    }
    w.into_inner()
        .map_err(|e| PrintError::Render(e.to_string()))
}

/// A register exported as CSV: one header row, then the rows, every cell neutralised as a report's are.
pub fn table_csv(
    columns: &[&str],
    rows: &[Vec<String>],
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, PrintError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(columns.iter().map(|h| cell(h)))
        .map_err(csv_error)?;
    for (n, row) in rows.iter().enumerate() {
        w.write_record(row.iter().map(|c| cell(c)))
            .map_err(csv_error)?;
        if n % 1000 == 999 {
            progress(n + 1);
        }
    }
    progress(rows.len());
    w.into_inner()
        .map_err(|e| PrintError::Render(e.to_string()))
}

/// The same as an XLSX workbook of one sheet, every cell a string (a spreadsheet never runs a string cell as a
/// formula; the neutralising quote is kept so a copy saved back to CSV stays safe).
pub fn table_xlsx(
    columns: &[&str],
    rows: &[Vec<String>],
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, PrintError> {
    let failed = |e: rust_xlsxwriter::XlsxError| PrintError::Render(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("register").map_err(failed)?;
    for (c, h) in columns.iter().enumerate() {
        sheet.write_string(0, c as u16, cell(h)).map_err(failed)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(r as u32 + 1, c as u16, cell(value))
                    .map_err(failed)?;
            }
        }
        if r % 1000 == 999 {
            progress(r + 1);
        }
    }
    progress(rows.len());
    book.save_to_buffer().map_err(failed)
}

/// Control characters replaced, and a leading `=`, `+`, `-` or `@` on anything but a number quoted with `'`,
/// so a spreadsheet never runs a name as a formula.
fn cell(s: &str) -> String {
    let shown = text::display(s);
    let risky =
        shown.starts_with(['=', '+', '-', '@']) && shown.parse::<f64>().is_err() && shown != "-";
    if risky {
        format!("'{shown}")
    } else {
        shown.into_owned()
    }
}

fn csv_error(e: csv::Error) -> PrintError {
    PrintError::Render(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{Block, Column, Table};
    use chrono::TimeZone;

    #[test]
    fn one_header_row_quoted_fields_and_no_formulas() {
        let mut t = Table::new(vec![Column::left("Name", 10), Column::right("Days", 4)]);
        t.row(["Okello, John", "3"]);
        t.note("not in the CSV");
        t.row(["=cmd|' /C calc'!A0", "-4"]);
        t.row(["Абенов\u{1b}[2J", "-"]);
        let doc = Document {
            service: String::new(),
            facility: String::new(),
            title: String::new(),
            period: String::new(),
            printed_by: String::new(),
            printed_at: chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            confidentiality: String::new(),
            blocks: vec![Block::Table(t)],
            chart: None,
        };
        let out = String::from_utf8(render(&doc).unwrap()).unwrap();
        assert_eq!(
            out,
            "Name,Days\r\n\"Okello, John\",3\r\n'=cmd|' /C calc'!A0,-4\r\nАбенов?[2J,-\r\n"
        );
    }

    #[test]
    fn grouped_tables_give_their_group_as_a_first_column() {
        let group = |court: &str, name: &str| {
            let mut t = Table::new(vec![Column::left("Name", 10)]).in_group("Court", court);
            t.row([name]);
            Block::Table(t)
        };
        let doc = Document {
            service: String::new(),
            facility: String::new(),
            title: String::new(),
            period: String::new(),
            printed_by: String::new(),
            printed_at: chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            confidentiality: String::new(),
            blocks: vec![
                Block::Heading("High Court, Gulu".into()),
                group("High Court, Gulu", "Okot"),
                group("Magistrate, Lira", "Opio"),
            ],
            chart: None,
        };
        let out = String::from_utf8(render(&doc).unwrap()).unwrap();
        assert_eq!(
            out,
            "Court,Name\r\n\"High Court, Gulu\",Okot\r\n\"Magistrate, Lira\",Opio\r\n"
        );
    }
}
