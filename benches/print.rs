//! The printing issue's budgets: a 1,000-row report as 80-column text (<= 20 ms) and as PDF (<= 200 ms), on
//! A4 and Letter. The document is synthetic (numbers, names in Latin, Cyrillic and Arabic script, places, days)
//! so the figure does not depend on a demo database; the roster reports will add their own benchmarks.
//! `cargo bench --bench print` (figures in docs/PERFORMANCE.md, "Printing").

use chrono::{TimeZone, Utc};
use divan::Bencher;
use std::hint::black_box;
use warden::print::{self, Block, Column, Document, Format, Paper, Table};

const ROWS: usize = 1_000;

/// A weekly-roster-shaped document: one row per allocation, long names that wrap, a note every tenth row.
fn document(rows: usize) -> Document {
    let names = [
        "Okello, John Bosco",
        "Абенов, Нурлан Серикович",
        "الطرابلسي، محمد",
        "Ssemakula, Joseph Innocent Kizito Mukasa",
    ];
    let mut t = Table::new(vec![
        Column::left("Day", 9),
        Column::left("Time", 5),
        Column::left("Number", 21),
        Column::wrapped("Name", 22),
        Column::left("Unit", 8),
        Column::right("Seat", 5),
        Column::right("Att.", 5),
    ]);
    for i in 0..rows {
        t.row([
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][i % 5].to_string(),
            format!("{:02}:00", 8 + i % 8),
            format!("UPS/LUZ01/2026/{i:05}"),
            names[i % names.len()].to_string(),
            format!("B-{:03}", i % 40),
            (i % 25 + 1).to_string(),
            format!("{}%", 60 + i % 40),
        ]);
        if i % 10 == 0 {
            t.note("Medical alert: escort to the clinic first; non-association with the previous row's unit");
        }
    }
    Document {
        service: "Uganda Prisons Service".into(),
        facility: "LUZ01 Luzira Upper Prison".into(),
        title: "Programme roster".into(),
        period: "2026-11-23 to 2026-11-29".into(),
        printed_by: "supervisor".into(),
        printed_at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
        confidentiality: "CONFIDENTIAL: personal data of people in custody; staff use only.".into(),
        blocks: vec![
            Block::Paragraph("1,000 allocations this week.".into()),
            Block::Table(t),
        ],
        chart: None,
    }
}

#[divan::bench(sample_count = 50)]
fn text_1000_rows(bencher: Bencher) {
    let doc = document(ROWS);
    bencher.bench(|| black_box(print::render(&doc, Format::Text, Paper::A4).map(|b| b.len())));
}

#[divan::bench(sample_count = 50)]
fn csv_1000_rows(bencher: Bencher) {
    let doc = document(ROWS);
    bencher.bench(|| black_box(print::render(&doc, Format::Csv, Paper::A4).map(|b| b.len())));
}

#[divan::bench(sample_count = 20, args = [Paper::A4, Paper::Letter])]
fn pdf_1000_rows(bencher: Bencher, paper: Paper) {
    let doc = document(ROWS);
    bencher.bench(|| black_box(print::render(&doc, Format::Pdf, paper).map(|b| b.len())));
}

fn main() {
    // A smoke check under `cargo test` too: the document renders in every format.
    let doc = document(ROWS);
    for format in [Format::Text, Format::Csv, Format::Pdf] {
        assert!(
            !print::render(&doc, format, Paper::A4)
                .expect("renders")
                .is_empty()
        );
    }
    divan::main();
}
