//! Reports on where people are held: placements that break a hard rule, occupancy and overcrowding, and
//! segregation (Mandela Rules 43-45: past 15 days is prolonged solitary confinement).

use super::{Params, heading, paragraph, plural, table};
use crate::domain::segregation::{ALERT_DAYS, Urgency, WARNING_DAYS};
use crate::print::{Chart, Column, Document, Row, Table};
use crate::store::{BoardLine, Occupancy, Result, Store};

pub(super) fn placements(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let mut found = store.placement_breaches_within(p.within(), p.today())?;
    if let Some(code) = p.facility_code() {
        found.retain(|f| f.facility == code);
    }
    // Someone not yet classified breaks the custody rule only through the default level: listed apart, as a
    // count, so the placements that need undoing are not lost among classifications still to do.
    let (unclassified, found): (Vec<_>, Vec<_>) =
        found.into_iter().partition(|f| f.awaits_classification());
    let mut cells: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|f| (f.facility.as_str(), f.unit.as_str(), f.cell.as_str()))
        .collect();
    cells.dedup();
    paragraph(
        doc,
        format!(
            "{} in {} whose cell breaks a hard rule for them today (placed by an override, or before a \
             reclassification or a data load).",
            plural(found.len(), "person", "people"),
            plural(cells.len(), "cell", "cells"),
        ),
    );
    let mut t = Table::new(vec![
        Column::left("Facility", 8),
        Column::left("Unit", 6),
        Column::left("Cell", 7),
        Column::left("Number", 21),
        Column::wrapped("Name", 34),
    ]);
    for f in &found {
        t.row([
            f.facility.as_str(),
            f.unit.as_str(),
            f.cell.as_str(),
            f.number.as_str(),
            f.name.as_str(),
        ]);
        for b in &f.breaches {
            t.note(b.reason.clone());
        }
    }
    table(doc, t);
    if !unclassified.is_empty() {
        paragraph(
            doc,
            format!(
                "Not listed: {} not yet classified, held in a unit below the level the allocation rules take \
                 for unclassified people; their classification is due (see the late classifications in the \
                 Mandela summary).",
                plural(unclassified.len(), "person", "people"),
            ),
        );
    }
    held_without_a_cell(store, p, doc)
}

/// The placements report's second part: people held in a facility without a cell, so nobody drops out of it
/// for want of one, with the days waiting and whether any unit there may hold them lawfully (Rule 11).
fn held_without_a_cell(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    use crate::i18n::{t, t_args};
    let waiting = store.held_without_a_cell(p.facility_id(), p.today())?;
    let unlawful = waiting.iter().filter(|w| !w.lawful_place).count();
    heading(doc, t("report-waiting-heading"));
    paragraph(
        doc,
        t_args(
            "report-waiting-intro",
            &[
                ("count", waiting.len().into()),
                ("unlawful", unlawful.into()),
            ],
        ),
    );
    let mut tbl = Table::new(vec![
        Column::left(&t("report-col-facility"), 8),
        Column::left(&t("report-col-number"), 22),
        Column::wrapped(&t("report-col-name"), 22),
        Column::left(&t("column-age"), 8),
        Column::right(&t("report-col-days-waiting"), 5),
        Column::left(&t("report-col-lawful-place"), 7),
    ]);
    for w in &waiting {
        let age = if w.age < crate::domain::prisoner::ADULT_AGE {
            t_args("age-child", &[("age", w.age.into())])
        } else {
            w.age.to_string()
        };
        let place = t(if w.lawful_place {
            "report-lawful-place-yes"
        } else {
            "report-lawful-place-none"
        });
        tbl.row([
            w.facility.as_str(),
            w.number.as_str(),
            w.name.as_str(),
            age.as_str(),
            &w.days.to_string(),
            place.as_str(),
        ]);
    }
    table(doc, tbl);
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

fn occupancy_table() -> Table {
    Table::new(vec![
        Column::left("Code", 8),
        Column::left("Name", 24),
        Column::right("CNA", 7),
        Column::right("Oper.", 7),
        Column::right("Max", 7),
        Column::right("Held", 7),
        Column::right("Occ.", 8),
    ])
}

fn board_row(t: &mut Table, code: &str, name: &str, o: &Occupancy) {
    let [cna, oper, max, held, pct] = figures(o);
    t.row([code, name, &cna, &oper, &max, &held, &pct]);
}

/// Bars of occupancy percent, most overcrowded first (a place with people and no CNA counts as the worst).
fn occupancy_chart(title: &str, lines: &[BoardLine]) -> Chart {
    Chart {
        title: title.into(),
        bars: lines
            .iter()
            .map(|l| (l.code.clone(), l.occupancy.percent().unwrap_or(0)))
            .collect(),
    }
}

pub(super) fn overcrowding(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    if let Some(f) = &p.facility {
        let units = store.unit_occupancy(f.id)?;
        let over = units
            .iter()
            .filter(|u| u.occupancy.occupants > u.occupancy.certified)
            .count();
        paragraph(
            doc,
            format!(
                "{over} of {} in {} hold more people than their certified normal capacity (CNA). Percentages \
                 are of CNA and are not clipped; most overcrowded first. Cells out of use count no capacity.",
                plural(units.len(), "unit", "units"),
                f.code
            ),
        );
        let mut t = occupancy_table();
        let mut total = Occupancy::default();
        for u in &units {
            board_row(&mut t, &u.code, &u.name, &u.occupancy);
            total.certified += u.occupancy.certified;
            total.operational += u.occupancy.operational;
            total.maximum += u.occupancy.maximum;
            total.occupants += u.occupancy.occupants;
        }
        // The facility's total is its head count as everywhere else: the people waiting for a cell count too.
        let waiting = store.held_without_a_cell(Some(f.id), p.today())?.len() as u64;
        if waiting > 0 {
            // No capacity of its own, so no percentage: only the head count.
            let label = crate::i18n::t("report-occupancy-waiting-row");
            t.row(["", &label, "", "", "", &waiting.to_string(), ""]);
            total.occupants += waiting;
        }
        t.rows.push(Row::Rule);
        board_row(&mut t, &f.code, "All units", &total);
        table(doc, t);
        paragraph(doc, crate::i18n::t("report-occupancy-definition"));
        doc.chart = Some(occupancy_chart("Occupancy % of CNA by unit", &units));
        return Ok(());
    }
    let board = store.occupancy_board()?;
    let over = board
        .facilities
        .iter()
        .filter(|f| f.occupancy.occupants > f.occupancy.certified)
        .count();
    paragraph(
        doc,
        format!(
            "{over} of {} facilities hold more people than their certified normal capacity (CNA). \
             Percentages are of CNA and are not clipped; most overcrowded first.",
            board.facilities.len()
        ),
    );
    let mut t = occupancy_table();
    for l in &board.facilities {
        board_row(&mut t, &l.code, &l.name, &l.occupancy);
    }
    table(doc, t);
    heading(doc, "By region");
    let mut t = occupancy_table();
    for l in &board.regions {
        board_row(&mut t, "", &l.name, &l.occupancy);
    }
    t.rows.push(Row::Rule);
    board_row(&mut t, "", "Nation", &board.nation);
    table(doc, t);
    paragraph(doc, crate::i18n::t("report-occupancy-definition"));
    doc.chart = Some(occupancy_chart(
        "Occupancy % of CNA by facility",
        &board.facilities,
    ));
    Ok(())
}

pub(super) fn segregation(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let mut rows = store.open_segregations()?;
    if let Some(code) = p.facility_code() {
        rows.retain(|r| r.facility.as_deref() == Some(code));
    }
    let at = p.now.naive_utc();
    let count = |u: Urgency| {
        rows.iter()
            .filter(|r| r.segregation.urgency(at) == u)
            .count()
    };
    paragraph(
        doc,
        format!(
            "{} in segregation now: {} past day {ALERT_DAYS} (alert: prolonged solitary confinement is \
             prohibited, Rule 44), {} past day {WARNING_DAYS} (warning). Longest first.",
            rows.len(),
            count(Urgency::Alert),
            count(Urgency::Warning)
        ),
    );
    let mut t = Table::new(vec![
        Column::left("Number", 21),
        Column::wrapped("Name", 21),
        Column::left("Facility", 8),
        Column::left("Since (UTC)", 16),
        Column::right("Days", 4),
        Column::left("", 5),
    ]);
    for r in &rows {
        let s = &r.segregation;
        let mark = match s.urgency(at) {
            Urgency::Alert => "ALERT",
            Urgency::Warning => "warn",
            Urgency::Ok => "",
        };
        t.row([
            r.number.clone(),
            r.name.clone(),
            r.facility.clone().unwrap_or_else(|| "-".into()),
            s.start.format("%Y-%m-%d %H:%M").to_string(),
            s.days(at).to_string(),
            mark.to_string(),
        ]);
        t.note(format!("{} (recorded by {})", s.reason, s.recorded_by));
    }
    table(doc, t);
    let ended = store.ended_segregations(p.from, ALERT_DAYS, p.facility_id())?;
    heading(
        doc,
        format!(
            "Ended since {} after more than {ALERT_DAYS} days: {}",
            p.from,
            ended.len()
        ),
    );
    let mut t = Table::new(vec![
        Column::left("Number", 21),
        Column::wrapped("Name", 19),
        Column::left("Facility", 8),
        Column::left("From", 10),
        Column::left("To", 10),
        Column::right("Days", 6),
    ]);
    for e in &ended {
        t.row([
            e.number.clone(),
            e.name.clone(),
            e.facility.clone(),
            e.start.format("%Y-%m-%d").to_string(),
            e.end.format("%Y-%m-%d").to_string(),
            (e.end - e.start).num_days().to_string(),
        ]);
    }
    table(doc, t);
    doc.period = format!("{}, from {}", p.as_at(), p.from);
    Ok(())
}
