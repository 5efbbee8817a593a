//! Reports as plain text, 80 columns, for the screen and the printer alike: current placements that break a hard
//! rule, overcrowding by facility, and segregation durations (Mandela Rules 43-45).

use crate::domain::segregation::{ALERT_DAYS, Urgency, WARNING_DAYS};
use crate::domain::text;
use crate::store::{Board, BoardLine, Occupancy, Result, Store};
use chrono::{DateTime, Utc};

pub const WIDTH: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Current placements that break a hard rule
    Placements,
    /// Overcrowding by facility, region and nation
    Overcrowding,
    /// Everyone in segregation now, with the days so far
    Segregation,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Placements, Kind::Overcrowding, Kind::Segregation];

    pub fn title(self) -> &'static str {
        match self {
            Kind::Placements => "Placements that break a hard rule",
            Kind::Overcrowding => "Overcrowding by facility",
            Kind::Segregation => "Segregation durations",
        }
    }
}

/// Pads or cuts each cell to its width (display columns) and joins them with one space; control characters
/// never reach the printer.
fn columns(cells: &[(&str, usize, bool)]) -> String {
    let mut out = String::new();
    for (i, (cell, w, right)) in cells.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let shown = text::fit(&text::display(cell), *w);
        let pad = " ".repeat(w.saturating_sub(text::width(&shown)));
        if *right {
            out.push_str(&pad);
            out.push_str(&shown);
        } else {
            out.push_str(&shown);
            out.push_str(&pad);
        }
    }
    out.trim_end().to_string()
}

fn heading(kind: Kind, now: DateTime<Utc>) -> Vec<String> {
    let stamp = now.format("%Y-%m-%d %H:%M UTC").to_string();
    let title = kind.title();
    let pad = WIDTH.saturating_sub(title.len() + stamp.len());
    vec![
        format!("{title}{}{stamp}", " ".repeat(pad)),
        "=".repeat(WIDTH),
    ]
}

fn wrapped(out: &mut Vec<String>, indent: &str, s: &str) {
    for part in text::wrap(&text::display(s), WIDTH - indent.len()) {
        out.push(format!("{indent}{part}"));
    }
}

/// The lines of a report as it stands at `now`.
pub fn lines(store: &Store, kind: Kind, now: DateTime<Utc>) -> Result<Vec<String>> {
    let mut out = heading(kind, now);
    match kind {
        Kind::Placements => placements(store, now, &mut out)?,
        Kind::Overcrowding => overcrowding(&store.occupancy_board()?, &mut out),
        Kind::Segregation => segregation(store, now, &mut out)?,
    }
    Ok(out)
}

fn placements(store: &Store, now: DateTime<Utc>, out: &mut Vec<String>) -> Result<()> {
    let found = store.placement_breaches(now.date_naive())?;
    let mut cells: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|f| (f.facility.as_str(), f.unit.as_str(), f.cell.as_str()))
        .collect();
    cells.dedup();
    wrapped(
        out,
        "",
        &format!(
            "{} {} in {} {} whose cell breaks a hard rule for them today (placed by an \
             override, or before a reclassification or a data load).",
            found.len(),
            if found.len() == 1 { "person" } else { "people" },
            cells.len(),
            if cells.len() == 1 { "cell" } else { "cells" },
        ),
    );
    let mut last: Option<(&str, &str, &str)> = None;
    for f in &found {
        let here = (f.facility.as_str(), f.unit.as_str(), f.cell.as_str());
        if last != Some(here) {
            out.push(String::new());
            out.push(format!(
                "{} unit {} cell {}",
                text::display(&f.facility),
                text::display(&f.unit),
                text::display(&f.cell)
            ));
            last = Some(here);
        }
        wrapped(out, "  ", &format!("{} {}", f.number, f.name));
        for b in &f.breaches {
            wrapped(out, "      ", &b.reason);
        }
    }
    Ok(())
}

fn figures(o: &Occupancy) -> [String; 5] {
    let percent = match o.percent() {
        Some(p) => format!("{p}%"),
        None if o.occupants > 0 => "no CNA".into(),
        None => "-".into(),
    };
    [
        o.certified.to_string(),
        o.operational.to_string(),
        o.maximum.to_string(),
        o.occupants.to_string(),
        percent,
    ]
}

fn board_row(code: &str, name: &str, o: &Occupancy) -> String {
    let [cna, oper, max, held, pct] = figures(o);
    columns(&[
        (code, 8, false),
        (name, 24, false),
        (&cna, 7, true),
        (&oper, 7, true),
        (&max, 7, true),
        (&held, 7, true),
        (&pct, 8, true),
    ])
}

fn overcrowding(board: &Board, out: &mut Vec<String>) {
    let over = board
        .facilities
        .iter()
        .filter(|f| f.occupancy.occupants > f.occupancy.certified)
        .count();
    wrapped(
        out,
        "",
        &format!(
            "{over} of {} facilities hold more people than their certified normal capacity (CNA). \
             Percentages are of CNA and are not clipped; most overcrowded first.",
            board.facilities.len()
        ),
    );
    out.push(String::new());
    let header = columns(&[
        ("Code", 8, false),
        ("Name", 24, false),
        ("CNA", 7, true),
        ("Oper.", 7, true),
        ("Max", 7, true),
        ("Held", 7, true),
        ("Occ.", 8, true),
    ]);
    out.push(header.clone());
    out.push("-".repeat(WIDTH));
    let line = |l: &BoardLine| board_row(&l.code, &l.name, &l.occupancy);
    out.extend(board.facilities.iter().map(line));
    out.push(String::new());
    out.push("By region".into());
    out.push("-".repeat(WIDTH));
    out.extend(
        board
            .regions
            .iter()
            .map(|l| board_row("", &l.name, &l.occupancy)),
    );
    out.push("-".repeat(WIDTH));
    out.push(board_row("", "Nation", &board.nation));
}

fn segregation(store: &Store, now: DateTime<Utc>, out: &mut Vec<String>) -> Result<()> {
    let rows = store.open_segregations()?;
    let at = now.naive_utc();
    let count = |u: Urgency| {
        rows.iter()
            .filter(|r| r.segregation.urgency(at) == u)
            .count()
    };
    wrapped(
        out,
        "",
        &format!(
            "{} in segregation now: {} past day {ALERT_DAYS} (alert: prolonged solitary confinement is \
             prohibited, Rule 44), {} past day {WARNING_DAYS} (warning). Longest first.",
            rows.len(),
            count(Urgency::Alert),
            count(Urgency::Warning)
        ),
    );
    out.push(String::new());
    out.push(columns(&[
        ("Number", 16, false),
        ("Name", 24, false),
        ("Facility", 8, false),
        ("Since (UTC)", 16, false),
        ("Days", 4, true),
        ("", 6, false),
    ]));
    out.push("-".repeat(WIDTH));
    for r in &rows {
        let s = &r.segregation;
        let mark = match s.urgency(at) {
            Urgency::Alert => "ALERT",
            Urgency::Warning => "warn",
            Urgency::Ok => "",
        };
        out.push(columns(&[
            (&r.number, 16, false),
            (&r.name, 24, false),
            (r.facility.as_deref().unwrap_or("-"), 8, false),
            (&s.start.format("%Y-%m-%d %H:%M").to_string(), 16, false),
            (&s.days(at).to_string(), 4, true),
            (mark, 6, false),
        ]));
        wrapped(
            out,
            "    ",
            &format!("{} (recorded by {})", s.reason, s.recorded_by),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_pad_cut_and_right_align() {
        assert_eq!(
            columns(&[("ab", 4, false), ("7", 3, true), ("x\u{7}", 3, false)]),
            "ab     7 x?"
        );
    }

    #[test]
    fn overcrowding_is_shown_unclipped_within_80_columns() {
        let o = |certified, occupants| Occupancy {
            certified,
            operational: certified * 2,
            maximum: certified * 3,
            occupants,
            cells: 1,
        };
        let line = |code: &str, occupancy| BoardLine {
            id: 1,
            code: code.into(),
            name: "A facility with a very long name indeed".into(),
            region: "Central".into(),
            occupancy,
        };
        let board = Board {
            nation: o(110, 1000),
            regions: vec![line("Central", o(110, 1000))],
            facilities: vec![line("LUZ", o(100, 999)), line("KIR", o(10, 1))],
        };
        let mut out = Vec::new();
        overcrowding(&board, &mut out);
        assert!(out.iter().all(|l| text::width(l) <= WIDTH), "{out:#?}");
        assert!(
            out.iter()
                .any(|l| l.starts_with("LUZ") && l.ends_with("999%"))
        );
        assert!(out[0].starts_with("1 of 2 facilities"));
    }
}
