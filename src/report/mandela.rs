//! The Mandela Rules compliance summary, by facility: separation of categories broken by a placement (Rule 11),
//! segregation past 15 days now and ended in the period (Rules 43-44), and classification not done within N days
//! of admission (Rules 89 and 93; N is the `classification_days` setting, 14 unless set).

use super::{Params, classification_days, heading, paragraph, table};
use crate::domain::allocate::HardRule;
use crate::domain::segregation::ALERT_DAYS;
use crate::print::{Column, Document, Row, Table};
use crate::store::{Result, Store};
use std::collections::BTreeMap;

/// The four separations of Rule 11, in the rule's order, with the column heading each gets.
pub(super) const SEPARATIONS: [(HardRule, &str); 4] = [
    (HardRule::Sex, "11a sex"),
    (HardRule::UntriedConvicted, "11b trial"),
    (HardRule::CivilCriminal, "11c civil"),
    (HardRule::YoungAdult, "11d age"),
];

#[derive(Default)]
struct Line {
    separation: [u64; 4],
    segregated_now: u64,
    segregation_ended: u64,
    unclassified: u64,
    late: u64,
}

pub(super) fn summary(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let days = classification_days(store)?;
    let mut by: BTreeMap<String, Line> = BTreeMap::new();
    let mut breaches = store.placement_breaches_within(p.within(), p.today())?;
    if let Some(code) = p.facility_code() {
        breaches.retain(|b| b.facility == code);
    }
    for b in &breaches {
        let line = by.entry(b.facility.clone()).or_default();
        for (i, (rule, _)) in SEPARATIONS.iter().enumerate() {
            if b.breaches.iter().any(|x| x.rule == *rule) {
                line.separation[i] += 1;
            }
        }
    }
    let at = p.now.naive_utc();
    for s in store.open_segregations()? {
        let Some(code) = s.facility else { continue };
        if p.facility_code().is_some_and(|c| c != code) {
            continue;
        }
        if s.segregation.days(at) > ALERT_DAYS {
            by.entry(code).or_default().segregated_now += 1;
        }
    }
    for e in store.ended_segregations(p.from, ALERT_DAYS, p.facility_id())? {
        by.entry(e.facility).or_default().segregation_ended += 1;
    }
    for l in store.late_classifications(p.today(), days, p.facility_id())? {
        let line = by.entry(l.facility).or_default();
        line.unclassified += l.missing;
        line.late += l.late;
    }
    paragraph(
        doc,
        format!(
            "By facility. Separation (Rule 11): people held today in a cell that breaks a separation of \
             sex, untried/convicted, civil/criminal or young/adult. Segregation (Rule 44): placements past \
             {ALERT_DAYS} days now, and ended since {} after more than {ALERT_DAYS} days. Classification: \
             people in custody admitted more than {days} days ago with no final custody assessment, and \
             those assessed later than {days} days after admission.",
            p.from
        ),
    );
    let mut columns = vec![Column::left("Facility", 8)];
    for (_, label) in SEPARATIONS {
        columns.push(Column::right(label, 9));
    }
    columns.extend([
        Column::right("Seg now", 7),
        Column::right("Seg end", 7),
        Column::right("No class", 8),
        Column::right("Late", 6),
    ]);
    let mut t = Table::new(columns);
    let mut total = Line::default();
    let cells = |code: &str, l: &Line| {
        let mut c = vec![code.to_string()];
        c.extend(l.separation.iter().map(u64::to_string));
        c.extend(
            [
                l.segregated_now,
                l.segregation_ended,
                l.unclassified,
                l.late,
            ]
            .map(|n| n.to_string()),
        );
        Row::Cells(c)
    };
    for (code, l) in &by {
        t.rows.push(cells(code, l));
        for i in 0..4 {
            total.separation[i] += l.separation[i];
        }
        total.segregated_now += l.segregated_now;
        total.segregation_ended += l.segregation_ended;
        total.unclassified += l.unclassified;
        total.late += l.late;
    }
    t.rows.push(Row::Rule);
    t.rows.push(cells("All", &total));
    table(doc, t);
    let held = held_table(store, p, doc)?;
    let problems = held
        + total.separation.iter().sum::<u64>()
        + total.segregated_now
        + total.segregation_ended
        + total.unclassified
        + total.late;
    heading(
        doc,
        if problems == 0 {
            "No breach found.".to_string()
        } else {
            "Every figure above 0 is a breach to explain or put right; the placements, segregation and \
             reviews reports name the people."
                .to_string()
        },
    );
    doc.period = format!("{}, from {}", p.as_at(), p.from);
    Ok(())
}

/// The people a placement count cannot see: held without a cell (how many, and how many where no unit may hold
/// them lawfully), children too young or where no young unit is, and those who turned 18 in a young unit, by
/// facility. Returns the count of what must be acted on (everything but plain waiting).
fn held_table(store: &Store, p: &Params, doc: &mut Document) -> Result<u64> {
    use crate::domain::allocate::lawful::AlertKind;
    use crate::i18n::t;
    #[derive(Default)]
    struct Held {
        waiting: u64,
        kinds: [u64; 4],
    }
    // A temporary placement breaks a rule the service lets supervisors override, never Rule 11: not counted here.
    let index = |k: AlertKind| match k {
        AlertKind::NoLawfulPlace => Some(0),
        AlertKind::NoYoungUnit => Some(1),
        AlertKind::BelowMinAge => Some(2),
        AlertKind::TurnedAdult => Some(3),
        AlertKind::TemporaryDue => None,
    };
    let mut by: BTreeMap<String, Held> = BTreeMap::new();
    for w in store.held_without_a_cell(p.facility_id(), p.today())? {
        by.entry(w.facility).or_default().waiting += 1;
    }
    for a in store.custody_alerts(p.facility_id(), p.today())? {
        if let Some(i) = index(a.kind) {
            by.entry(a.facility).or_default().kinds[i] += 1;
        }
    }
    paragraph(doc, t("report-mandela-held-intro"));
    let mut columns = vec![Column::left(&t("report-col-facility"), 8)];
    for key in [
        "report-col-waiting",
        "report-col-no-place",
        "report-col-no-young-unit",
        "report-col-too-young",
        "report-col-turned-18",
    ] {
        columns.push(Column::right(&t(key), 10));
    }
    let mut table_ = Table::new(columns);
    let mut total = Held::default();
    let cells = |code: &str, h: &Held| {
        let mut c = vec![code.to_string(), h.waiting.to_string()];
        c.extend(h.kinds.iter().map(u64::to_string));
        Row::Cells(c)
    };
    for (code, h) in &by {
        table_.rows.push(cells(code, h));
        total.waiting += h.waiting;
        for i in 0..4 {
            total.kinds[i] += h.kinds[i];
        }
    }
    table_.rows.push(Row::Rule);
    table_.rows.push(cells("All", &total));
    table(doc, table_);
    Ok(total.kinds.iter().sum())
}
