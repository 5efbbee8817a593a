//! Printing end to end: reports rendered from the demo database as text (golden files), PDF read back with a
//! text extractor, CSV, the terminal passthrough byte for byte, and `warden print` as cron would run it.

use chrono::TimeZone;
use warden::print::{self, Block, Column, Document, Format, Paper, Table};

fn names_doc(rows: usize) -> Document {
    let mut t = Table::new(vec![
        Column::left("Number", 16),
        Column::wrapped("Name", 30),
    ]);
    t.row(["KZ/2026/000001", "Абенов Нурлан"]);
    t.row(["TN/2026/000002", "محمد الطرابلسي"]);
    for i in 0..rows {
        t.row([format!("UG/2026/{i:06}"), format!("Okello John {i}")]);
    }
    Document {
        service: "Test Prison Service".into(),
        facility: "All facilities".into(),
        title: "Names".into(),
        period: "As at 2026-11-25".into(),
        printed_by: "amina".into(),
        printed_at: chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
        confidentiality: "CONFIDENTIAL".into(),
        blocks: vec![Block::Table(t)],
        chart: None,
    }
}

#[test]
fn pdf_text_can_be_extracted_in_every_script() {
    for paper in [Paper::A4, Paper::Letter] {
        let bytes = print::render(&names_doc(150), Format::Pdf, paper).unwrap();
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        assert!(text.contains("Абенов Нурлан"), "{text}");
        assert!(text.contains("Okello John 149"), "{text}");
        assert!(text.contains("Page 1 of"), "{text}");
        // The extractor gives glyphs in visual order, so right-to-left words come back reversed; the font's
        // ToUnicode map is what makes them searchable at all.
        let visual: String = "محمد".chars().rev().collect();
        assert!(text.contains(&visual), "{text}");
        let pages = pdf_extract::Document::load_mem(&bytes)
            .unwrap()
            .get_pages()
            .len();
        assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
        assert!(pages >= 3, "{paper:?}: {pages}");
    }
}
