//! Property tests of the printed forms: whatever is stored (control characters, escape sequences, wide and
//! combining characters, right-to-left text, empty strings), every text line fits 80 columns, carries no control
//! character, and every page fits the paper; CSV reads back to the same rows; the passthrough has exactly its own
//! two escape sequences.

use super::*;
use crate::domain::text;
use chrono::TimeZone;
use proptest::prelude::*;

/// Strings drawn from the troublesome parts of Unicode as well as plain letters.
fn stored() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z ,.'-]{0,12}",
        "[\u{0}-\u{1f}\u{7f}\u{80}-\u{9f}]{1,3}",
        Just("\u{1b}[2J\u{1b}[4i".to_string()),
        "[Ѐ-ӿ ]{1,10}",
        "[ء-ي ]{1,10}",
        "[一-龥]{1,8}",
        "[\u{300}-\u{36f}]{1,3}",
        Just("\u{202e}\u{2066}".to_string()),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn document(title: String, cells: Vec<Vec<String>>, widths: Vec<usize>, para: String) -> Document {
    let columns = widths
        .iter()
        .enumerate()
        .map(|(i, w)| match i % 3 {
            0 => Column::left(&format!("C{i}"), *w),
            1 => Column::right(&format!("C{i}"), *w),
            _ => Column::wrapped(&format!("C{i}"), *w),
        })
        .collect();
    let mut t = Table::new(columns);
    for (i, row) in cells.into_iter().enumerate() {
        if i % 4 == 3 {
            t.note(row.concat());
        }
        t.row(row);
    }
    Document {
        service: para.clone(),
        facility: title.clone(),
        title: title.clone(),
        period: title,
        printed_by: para.clone(),
        printed_at: chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
        confidentiality: para.clone(),
        blocks: vec![
            Block::Heading(para.clone()),
            Block::Table(t),
            Block::Paragraph(para),
        ],
        chart: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_stored_text_prints_within_the_page(
        title in stored(),
        para in stored(),
        widths in prop::collection::vec(1usize..40, 1..7),
        cells in prop::collection::vec(prop::collection::vec(stored(), 0..7), 0..40),
    ) {
        let doc = document(title, cells.clone(), widths.clone(), para);
        let out = plain::render(&doc);
        for page in out.split('\u{c}') {
            prop_assert!(page.lines().count() <= plain::PAGE_LINES);
            for line in page.lines() {
                prop_assert!(text::width(line) <= WIDTH, "{:?}", line);
                prop_assert!(!line.chars().any(char::is_control), "{:?}", line);
                prop_assert!(!line.contains(char::from_u32(0x202e).unwrap_or('?')), "{:?}", line);
            }
        }
        let bytes = sink::passthrough(out.as_bytes());
        prop_assert_eq!(bytes.iter().filter(|&&b| b == 0x1b).count(), 2);

        let csv = sheet::render(&doc).unwrap();
        let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(csv.as_slice());
        let rows: Vec<_> = reader.records().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(rows.len(), cells.len());
        for r in &rows {
            prop_assert_eq!(r.len(), widths.len());
        }
    }
}
