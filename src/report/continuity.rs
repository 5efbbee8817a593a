//! The continuity-of-care summary: a person's file as a printed document for probation or a civil-society
//! provider on release, drawn from the same signed payload the JSON carries, saying what is withheld and why.

use super::{heading, paragraph, table};
use crate::i18n::{t, t_args};
use crate::print::{Column, Document, Table};
use crate::store::{Result, Store};
use chrono::{DateTime, Utc};
use serde_json::Value;

fn text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) if s.is_empty() => "-".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        other => other.to_string(),
    }
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// The summary of the person in `payload` (as `Store::export_person` signs it).
pub fn summary(
    store: &Store,
    payload: &Value,
    printed_by: &str,
    now: DateTime<Utc>,
) -> Result<Document> {
    let record = &payload["person"]["record"];
    let mut doc = Document {
        service: super::service_name(store)?,
        facility: text(&payload["person"]["facility"]),
        title: t("continuity-title"),
        period: super::Params::new(now, printed_by).as_at(),
        printed_by: printed_by.to_string(),
        printed_at: now,
        confidentiality: store
            .setting(&crate::store::Setting::PrintConfidentiality)?
            .unwrap_or_else(|| super::DEFAULT_CONFIDENTIALITY.into()),
        blocks: Vec::new(),
        chart: None,
    };
    heading(
        &mut doc,
        format!(
            "{}, {}  {}",
            text(&record["family_name"]),
            text(&record["given_names"]),
            text(&record["number"])
        ),
    );
    let mut who = Table::new(vec![Column::left("", 22), Column::wrapped("", 57)]);
    let birth = match &record["birth"] {
        Value::Object(m) => m.values().next().map(text).unwrap_or_default(),
        other => text(other),
    };
    for (label, value) in [
        (
            t("continuity-national-id"),
            text(&payload["person"]["national_id"]),
        ),
        (t("continuity-born"), birth),
        (t("continuity-sex"), text(&record["sex"])),
        (t("continuity-nationality"), text(&record["nationality"])),
        (
            t("continuity-languages"),
            list(&record["languages"])
                .iter()
                .map(text)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (t("continuity-legal-status"), text(&record["legal_status"])),
        (t("continuity-admitted"), text(&record["admitted_at"])),
        (t("continuity-release"), text(&record["expected_release"])),
        (t("continuity-home"), text(&record["home_district"])),
        (t("continuity-children"), text(&record["children"])),
    ] {
        who.row([label, value]);
    }
    table(&mut doc, who);

    heading(&mut doc, t("continuity-custody"));
    let mut events = Table::new(vec![
        Column::left(&t("continuity-when"), 16),
        Column::left(&t("continuity-event"), 12),
        Column::left(&t("continuity-facility"), 8),
        Column::wrapped(&t("continuity-authority"), 41),
    ]);
    for e in list(&payload["custody_events"]) {
        events.row([
            text(&e["at"]).chars().take(16).collect(),
            text(&e["kind"]),
            text(&e["facility"]),
            text(&e["authority"]),
        ]);
    }
    table(&mut doc, events);

    heading(&mut doc, t("continuity-programmes"));
    let programmes = list(&payload["programmes"]);
    if programmes.is_empty() {
        paragraph(&mut doc, t("continuity-none"));
    } else {
        let mut rows = Table::new(vec![
            Column::wrapped(&t("continuity-programme"), 34),
            Column::left(&t("continuity-category"), 12),
            Column::left(&t("continuity-status"), 11),
            Column::right(&t("continuity-attended"), 19),
        ]);
        for p in programmes {
            rows.row([
                text(&p["name"]),
                text(&p["category"]),
                text(&p["status"]),
                format!("{} / {}", text(&p["attended"]), text(&p["marked"])),
            ]);
        }
        table(&mut doc, rows);
    }

    heading(&mut doc, t("continuity-plan"));
    match &payload["release_plan"] {
        Value::Object(plan) => {
            let ready = plan.get("documents_ready").and_then(Value::as_i64) == Some(1);
            paragraph(
                &mut doc,
                t_args(
                    "continuity-plan-line",
                    &[
                        (
                            "ready",
                            if ready {
                                t("continuity-yes")
                            } else {
                                t("continuity-no")
                            }
                            .into(),
                        ),
                        (
                            "housing",
                            plan.get("housing").map(text).unwrap_or_default().into(),
                        ),
                    ],
                ),
            );
            if let Some(notes) = plan.get("notes").map(text).filter(|n| n != "-") {
                paragraph(&mut doc, notes);
            }
        }
        _ => paragraph(&mut doc, t("continuity-none")),
    }

    heading(&mut doc, t("continuity-assessments"));
    let assessments = list(&payload["assessments"]);
    if assessments.is_empty() {
        paragraph(&mut doc, t("continuity-none"));
    } else {
        let mut rows = Table::new(vec![
            Column::left(&t("continuity-form"), 24),
            Column::left(&t("continuity-finalised"), 11),
            Column::wrapped(&t("continuity-findings"), 43),
        ]);
        for a in assessments {
            rows.row([
                text(&a["form_id"]),
                text(&a["finalised_at"]).chars().take(10).collect(),
                text(&a["findings"]),
            ]);
        }
        table(&mut doc, rows);
    }

    heading(&mut doc, t("continuity-withheld"));
    paragraph(
        &mut doc,
        t_args(
            "continuity-withheld-line",
            &[
                (
                    "restricted",
                    payload["withheld"]["restricted_assessments"]
                        .as_i64()
                        .unwrap_or(0)
                        .into(),
                ),
                ("apart", list(&payload["keep_apart"]).len().into()),
            ],
        ),
    );
    Ok(doc)
}
