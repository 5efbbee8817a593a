//! Remand and court reports (issue 17 item 6): the day's court production list for the escorts (who goes to which
//! court, grouped by court, with boxes and signature lines), and the cases on remand past their statutory limit
//! for legal-aid referral.

use super::{Params, heading, paragraph, table};
use crate::i18n::{t, t_args};
use crate::print::{Column, Document, Table};
use crate::store::{Result, Store, StoreError};

/// Refuses a production list for a day before today: the list is what escorts take out, and a past day's would
/// be taken for today's. Named by the option so the command line and the screen say the same.
pub fn check_court_day(p: &Params) -> std::result::Result<(), String> {
    if p.day < p.today() {
        return Err(t_args(
            "court-day-past",
            &[
                ("day", p.day.to_string().into()),
                ("today", p.today().to_string().into()),
            ],
        ));
    }
    Ok(())
}

pub(super) fn production(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    check_court_day(p).map_err(StoreError::invalid)?;
    doc.period = t_args(
        "court-period",
        &[("day", p.day.format("%A %Y-%m-%d").to_string().into())],
    );
    let lines = store.court_production(p.facility_id(), p.day)?;
    let mut courts: Vec<(&str, Vec<&crate::store::CourtLine>)> = Vec::new();
    for l in &lines {
        match courts.last_mut() {
            Some((court, members)) if court.eq_ignore_ascii_case(&l.court.court) => members.push(l),
            _ => courts.push((l.court.court.as_str(), vec![l])),
        }
    }
    paragraph(
        doc,
        if lines.is_empty() {
            t_args("court-none", &[("day", p.day.to_string().into())])
        } else {
            t_args(
                "court-summary",
                &[
                    ("people", lines.len().into()),
                    ("courts", courts.len().into()),
                    ("day", p.day.to_string().into()),
                ],
            )
        },
    );
    for (court, members) in courts {
        heading(
            doc,
            t_args(
                "court-heading",
                &[
                    ("court", court.to_string().into()),
                    ("people", members.len().into()),
                ],
            ),
        );
        let mut list = Table::new(vec![
            Column::left(&t("court-col-number"), 21),
            Column::wrapped(&t("court-col-name"), 20),
            Column::left(&t("court-col-cell"), 10),
            Column::wrapped(&t("court-col-case"), 16),
            Column::left(&t("court-col-out"), 4),
            Column::left(&t("court-col-back"), 4),
        ])
        .in_group(&t("court-col-court"), court);
        for l in members {
            let cell = match (&l.unit, &l.cell) {
                (Some(u), Some(c)) => format!("{u}/{c}"),
                _ => t("court-no-cell"),
            };
            list.row([
                l.number.clone(),
                l.name.clone(),
                cell,
                l.court.case.clone().unwrap_or_else(|| t("court-no-case")),
                "[ ]".to_string(),
                "[ ]".to_string(),
            ]);
            if l.under_18 {
                list.note(t("court-alert-child"));
            }
            if l.medical_alert {
                list.note(t("court-alert-medical"));
            }
            if !l.keep_apart.is_empty() {
                list.note(t_args(
                    "court-alert-keep-apart",
                    &[("numbers", l.keep_apart.join(", ").into())],
                ));
            }
            if !l.court.also.is_empty() {
                list.note(t_args(
                    "court-also",
                    &[("courts", l.court.also.join("; ").into())],
                ));
            }
        }
        table(doc, list);
        paragraph(doc, t("court-sign-out"));
        paragraph(doc, t("court-sign-back"));
    }
    if !lines.is_empty() {
        paragraph(doc, t("court-footnote"));
    }
    Ok(())
}

pub(super) fn remand_limit(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let today = p.today();
    let check = store.remand_limit_check(p.facility_id(), today)?;
    if check.limits.is_none() {
        paragraph(doc, t("remand-limit-unset"));
    } else {
        paragraph(
            doc,
            t_args(
                "remand-limit-limits",
                &[("limits", check.limits.text().into())],
            ),
        );
    }
    let people = {
        let mut ids: Vec<i64> = check.over.iter().map(|o| o.prisoner_id).collect();
        ids.dedup();
        ids.len()
    };
    paragraph(
        doc,
        if check.over.is_empty() {
            t_args(
                "remand-limit-none",
                &[
                    ("today", today.to_string().into()),
                    ("remand", check.on_remand.into()),
                ],
            )
        } else {
            t_args(
                "remand-limit-summary",
                &[
                    ("cases", check.over.len().into()),
                    ("people", people.into()),
                    ("remand", check.on_remand.into()),
                    ("today", today.to_string().into()),
                    ("longest", check.over[0].over.over.into()),
                ],
            )
        },
    );
    if check.without_cases > 0 {
        paragraph(
            doc,
            t_args(
                "remand-limit-without-cases",
                &[("count", check.without_cases.into())],
            ),
        );
    }
    if check.over.is_empty() {
        return Ok(());
    }
    let mut list = Table::new(vec![
        Column::right(&t("remand-limit-col-over"), 5),
        Column::right(&t("remand-limit-col-days"), 5),
        Column::right(&t("remand-limit-col-limit"), 5),
        Column::left(&t("remand-limit-col-number"), 21),
        Column::wrapped(&t("remand-limit-col-name"), 22),
        Column::left(&t("remand-limit-col-class"), 8),
        Column::left(&t("remand-limit-col-facility"), 8),
    ]);
    for o in &check.over {
        list.row([
            o.over.over.to_string(),
            o.over.days.to_string(),
            o.over.limit.to_string(),
            o.number.clone(),
            o.name.clone(),
            o.class.as_str().to_string(),
            o.facility.clone(),
        ]);
        list.note(t_args(
            "remand-limit-case",
            &[
                ("case", o.case.clone().into()),
                ("court", o.court.clone().into()),
                ("committed", o.committed.to_string().into()),
            ],
        ));
    }
    table(doc, list);
    paragraph(doc, t("remand-limit-action"));
    Ok(())
}
