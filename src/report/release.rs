//! The past-release report (issue 17 item 10): everyone in custody whose expected release date has passed.
//! Detention past release is unlawful, so each line is a person to release now or whose further detention needs
//! its basis recorded (a new case, or a court order's date with its reason).

use super::{Params, paragraph, table};
use crate::i18n::{t, t_args};
use crate::print::{Column, Document, Table};
use crate::store::{Result, Store};

pub(super) fn past_release(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let today = p.today();
    let rows = store.past_release(p.facility_id(), today)?;
    let oldest = rows.first().map_or(0, |r| r.days_past);
    paragraph(
        doc,
        if rows.is_empty() {
            t_args("past-release-none", &[("today", today.to_string().into())])
        } else {
            t_args(
                "past-release-summary",
                &[
                    ("count", rows.len().into()),
                    ("today", today.to_string().into()),
                    ("oldest", oldest.into()),
                ],
            )
        },
    );
    if rows.is_empty() {
        return Ok(());
    }
    let mut list = Table::new(vec![
        Column::left(&t("past-release-col-date"), 10),
        Column::right(&t("past-release-col-days"), 5),
        Column::left(&t("past-release-col-number"), 21),
        Column::wrapped(&t("past-release-col-name"), 20),
        Column::left(&t("past-release-col-facility"), 8),
        Column::left(&t("past-release-col-basis"), 8),
    ]);
    for r in &rows {
        list.row([
            r.expected_release.to_string(),
            r.days_past.to_string(),
            r.number.clone(),
            r.name.clone(),
            r.facility.clone(),
            t(if r.court_order {
                "past-release-basis-order"
            } else {
                "past-release-basis-sentence"
            }),
        ]);
    }
    table(doc, list);
    paragraph(doc, t("past-release-action"));
    Ok(())
}
