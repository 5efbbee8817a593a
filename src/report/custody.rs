//! Reports on custody records: reviews due and overdue, the classification distribution (custody levels from
//! final assessments), and days on remand by facility (the decongestion figures: who has waited longest for trial).

use super::{Params, heading, paragraph, plural, table};
use crate::domain::estate::SecurityLevel;
use crate::print::{Chart, Column, Document, Row, Table};
use crate::store::{Result, Store};
use std::collections::BTreeMap;

pub(super) fn reviews(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let today = p.today();
    let until = p.to.max(today);
    let rows = store.review_rows(until, p.facility_id())?;
    let overdue = rows.iter().filter(|r| r.next_review < today).count();
    paragraph(
        doc,
        format!(
            "{} overdue (review date before {today}) and {} due from {today} to {until}, for people in \
             custody; only each person's newest final assessment of a form counts. Earliest first.",
            overdue,
            rows.len() - overdue
        ),
    );
    let mut t = Table::new(vec![
        Column::left("Due", 10),
        Column::right("Days", 5),
        Column::left("Number", 21),
        Column::wrapped("Name", 16),
        Column::left("Facility", 8),
        Column::wrapped("Level / form", 15),
    ]);
    for r in &rows {
        let late = (today - r.next_review).num_days();
        // A custody assessment is known by its level; any other form by its name.
        let what = r.custody_level.clone().unwrap_or_else(|| r.form_id.clone());
        t.row([
            r.next_review.to_string(),
            if late > 0 {
                format!("-{late}")
            } else {
                (-late).to_string()
            },
            r.number.clone(),
            r.name.clone(),
            r.facility.clone(),
            what,
        ]);
    }
    table(doc, t);
    paragraph(
        doc,
        "Days: negative is days overdue, otherwise days until the review is due.",
    );
    doc.period = format!("Due by {until} (as at {today})");
    Ok(())
}

/// Custody levels in order, then the unclassified.
pub(super) fn level_label(level: Option<&str>) -> String {
    match level {
        Some(l) => {
            let mut c = l.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        None => "Not classified".into(),
    }
}

pub(super) fn classification(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let counts = store.custody_levels(p.facility_id())?;
    let levels: Vec<Option<&str>> = SecurityLevel::ALL
        .iter()
        .map(|l| Some(l.as_str()))
        .chain([None])
        .collect();
    // facility -> level -> (people, vep)
    let mut by: BTreeMap<&str, BTreeMap<Option<&str>, (u64, u64)>> = BTreeMap::new();
    let mut total: BTreeMap<Option<&str>, (u64, u64)> = BTreeMap::new();
    for c in &counts {
        let e = by
            .entry(c.facility.as_str())
            .or_default()
            .entry(c.level.as_deref())
            .or_default();
        e.0 += c.people;
        e.1 += c.vep;
        let t = total.entry(c.level.as_deref()).or_default();
        t.0 += c.people;
        t.1 += c.vep;
    }
    let all: u64 = total.values().map(|v| v.0).sum();
    let unclassified = total.get(&None).map_or(0, |v| v.0);
    paragraph(
        doc,
        format!(
            "{all} people in custody; {unclassified} without a final assessment that sets a custody level. \
             Each person counts once, at the level of their newest final assessment.{}",
            if p.vep {
                " VEP: how many of them carry the violent-extremist flag."
            } else {
                ""
            }
        ),
    );
    let mut columns = vec![Column::left("Facility", 10)];
    for l in &levels {
        let label = match l {
            Some(_) => level_label(*l),
            None => "None".into(),
        };
        columns.push(Column::right(&label, 9));
    }
    columns.push(Column::right("Total", 8));
    let mut t = Table::new(columns.clone());
    let row = |name: &str, m: &BTreeMap<Option<&str>, (u64, u64)>| {
        let mut cells = vec![name.to_string()];
        for l in &levels {
            cells.push(m.get(l).map_or(0, |v| v.0).to_string());
        }
        cells.push(m.values().map(|v| v.0).sum::<u64>().to_string());
        cells
    };
    for (facility, m) in &by {
        t.rows.push(Row::Cells(row(facility, m)));
    }
    t.rows.push(Row::Rule);
    t.rows.push(Row::Cells(row("All", &total)));
    table(doc, t);
    if p.vep {
        heading(doc, "Of whom flagged violent extremist (VEP)");
        let mut t = Table::new(columns);
        let vep_row = |name: &str, m: &BTreeMap<Option<&str>, (u64, u64)>| {
            let mut cells = vec![name.to_string()];
            for l in &levels {
                cells.push(m.get(l).map_or(0, |v| v.1).to_string());
            }
            cells.push(m.values().map(|v| v.1).sum::<u64>().to_string());
            Row::Cells(cells)
        };
        for (facility, m) in &by {
            t.rows.push(vep_row(facility, m));
        }
        t.rows.push(Row::Rule);
        t.rows.push(vep_row("All", &total));
        table(doc, t);
    }
    doc.chart = Some(Chart {
        title: "People by custody level".into(),
        bars: levels
            .iter()
            .map(|l| {
                let label = if l.is_some() {
                    level_label(*l)
                } else {
                    "None".into()
                };
                (label, total.get(l).map_or(0, |v| v.0))
            })
            .collect(),
    });
    Ok(())
}

/// Whole days from `a` to `b`, never negative.
fn days_between(a: chrono::NaiveDateTime, b: chrono::NaiveDateTime) -> u64 {
    (b - a).num_days().max(0).unsigned_abs()
}

/// The middle value of sorted `v` (the lower of the two middles for an even count); 0 for none.
fn median(v: &[u64]) -> u64 {
    if v.is_empty() {
        0
    } else {
        v[(v.len() - 1) / 2]
    }
}

pub(super) fn remand(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let rows = store.remand_rows(p.facility_id())?;
    let now = p.now.naive_utc();
    let mut by: BTreeMap<(&str, &str), Vec<u64>> = BTreeMap::new();
    for r in &rows {
        by.entry((r.facility.as_str(), r.facility_name.as_str()))
            .or_default()
            .push(days_between(r.admitted_at, now));
    }
    let mut all: Vec<u64> = by.values().flatten().copied().collect();
    all.sort_unstable();
    let over = |v: &[u64], d: u64| v.iter().filter(|&&x| x > d).count();
    paragraph(
        doc,
        format!(
            "{} on remand in {}; median {} days, {} held more than 180 days and {} more than a year \
             without trial. Days are counted from admission.",
            all.len(),
            plural(by.len(), "facility", "facilities"),
            median(&all),
            over(&all, 180),
            over(&all, 365)
        ),
    );
    let mut t = Table::new(vec![
        Column::left("Code", 8),
        Column::wrapped("Facility", 22),
        Column::right("Remand", 7),
        Column::right("Median", 7),
        Column::right("Longest", 8),
        Column::right(">90d", 6),
        Column::right(">180d", 6),
        Column::right(">365d", 6),
    ]);
    let mut bars = Vec::new();
    for ((code, name), days) in &mut by {
        days.sort_unstable();
        t.row([
            code.to_string(),
            name.to_string(),
            days.len().to_string(),
            median(days).to_string(),
            days.last().copied().unwrap_or(0).to_string(),
            over(days, 90).to_string(),
            over(days, 180).to_string(),
            over(days, 365).to_string(),
        ]);
        bars.push((code.to_string(), median(days)));
    }
    t.rows.push(Row::Rule);
    t.row([
        String::new(),
        "All".into(),
        all.len().to_string(),
        median(&all).to_string(),
        all.last().copied().unwrap_or(0).to_string(),
        over(&all, 90).to_string(),
        over(&all, 180).to_string(),
        over(&all, 365).to_string(),
    ]);
    table(doc, t);
    doc.chart = Some(Chart {
        title: "Median days on remand by facility".into(),
        bars,
    });
    Ok(())
}
