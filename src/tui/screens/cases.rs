//! Recording the legal basis of detention from the record screen (issue 17): `n` asks what to record (a new case,
//! the sentence on a case, a court order's release date, a correction to a case as entered, or the removal of a
//! case entered in error, with the reason), then a popup takes it. The store checks everything
//! (the domain's refusals name the field) and recomputes the expected release in the same transaction.

use super::prompt::PromptScreen;
use super::{Ctx, Screen};
use crate::domain::invalid::{FieldError, Invalid};
use crate::domain::prisoner::parse_date;
use crate::domain::sentence::{
    Case, Length, OffenceClass, Relation, ReleaseOverride, Sentence, Warrant,
};
use crate::i18n::t;
use crate::store::PrisonerRow;
use crate::tui::widgets::form::FormField;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What `n` on the record offers.
const ADD: &str = "add";
const SENTENCE: &str = "sentence";
const ORDER: &str = "order";
const CORRECT: &str = "correct";
const REMOVE: &str = "remove";

/// The first popup: what to record. F2 opens the popup for it in its place.
pub fn choose(row: &PrisonerRow, ctx: &mut Ctx) -> PromptScreen<String> {
    let cases = ctx.store.cases(row.prisoner.id).unwrap_or_default();
    let mut options = vec![(ADD.to_string(), t("cases-what-add"))];
    if cases.iter().any(|c| c.sentence.is_none()) {
        options.push((SENTENCE.to_string(), t("cases-what-sentence")));
    }
    options.push((ORDER.to_string(), t("cases-what-order")));
    if !cases.is_empty() {
        options.push((CORRECT.to_string(), t("cases-what-correct")));
        options.push((REMOVE.to_string(), t("cases-what-remove")));
    }
    let row = row.clone();
    PromptScreen::with_value(
        format!("{} {}", t("cases-title"), row.prisoner.number),
        vec![t("cases-what-about")],
        vec![FormField::choice("what", &t("cases-what"), options, ADD)],
        "next",
        Box::new(move |values, _ctx| Ok((String::new(), get(values, "what")))),
    )
    .then_open(Box::new(move |chosen: String, ctx| {
        let next: Box<dyn Screen> = match chosen.as_str() {
            SENTENCE => Box::new(sentence(&row, ctx)),
            ORDER => Box::new(order(&row, ctx)),
            CORRECT => Box::new(pick_to_correct(&row, ctx)),
            REMOVE => Box::new(remove(&row, ctx)),
            _ => Box::new(add(&row, ctx)),
        };
        Some(next)
    }))
}

fn get(values: &BTreeMap<String, String>, key: &str) -> String {
    values.get(key).cloned().unwrap_or_default()
}

/// A date typed into `key`, or the message naming its label.
fn date(
    values: &BTreeMap<String, String>,
    key: &str,
    label: &str,
) -> Result<NaiveDate, FieldError> {
    parse_date(&get(values, key))
        .map_err(|e| FieldError::new(key.to_string(), e).labelled(label.to_string()))
}

/// The relation choices: concurrent, or consecutive to / concurrent with each sentenced case; `current` chosen.
fn relation_field(cases: &[Case], current: Option<Relation>) -> FormField {
    let mut options = vec![("concurrent".to_string(), t("record-case-concurrent"))];
    for c in cases.iter().filter(|c| c.sentence.is_some()) {
        let reference = crate::domain::text::display(&c.warrant.reference).into_owned();
        options.push((
            format!("after:{}", c.id),
            crate::i18n::t_args(
                "record-case-consecutive-to",
                &[("case", reference.clone().into())],
            ),
        ));
        options.push((
            format!("with:{}", c.id),
            crate::i18n::t_args("record-case-concurrent-with", &[("case", reference.into())]),
        ));
    }
    let chosen = match current {
        Some(Relation::ConsecutiveTo(id)) => format!("after:{id}"),
        Some(Relation::Concurrent(Some(id))) => format!("with:{id}"),
        _ => "concurrent".to_string(),
    };
    FormField::choice(
        "relation",
        &t("case-field-sentence-relation"),
        options,
        &chosen,
    )
}

/// The sentence typed into the popup; None when no length was given.
fn sentence_from(values: &BTreeMap<String, String>) -> Result<Option<Sentence>, FieldError> {
    let length = get(values, "length");
    if length.trim().is_empty() {
        return Ok(None);
    }
    let length = Length::parse(&length).ok_or_else(|| {
        FieldError::new("length", t("cases-length-format"))
            .labelled(t("case-field-sentence-length"))
    })?;
    let start = date(values, "start", &t("case-field-sentence-start"))?;
    let relation = get(values, "relation");
    let id = |s: &str| s.parse::<i64>().unwrap_or(0);
    let relation = match relation.split_once(':') {
        Some(("after", case)) => Relation::ConsecutiveTo(id(case)),
        Some(("with", case)) => Relation::Concurrent(Some(id(case))),
        _ => Relation::Concurrent(None),
    };
    Ok(Some(Sentence {
        length,
        start,
        relation,
    }))
}

fn sentence_fields(cases: &[Case]) -> Vec<FormField> {
    vec![
        FormField::text("length", &t("case-field-sentence-length"), ""),
        FormField::text("start", &t("case-field-sentence-start"), ""),
        relation_field(cases, None),
    ]
}

/// The case's fields, filled from `case` when correcting one (its own sentence left out of the relation choices).
fn case_fields(
    row: &PrisonerRow,
    ctx: &Ctx,
    cases: &[Case],
    case: Option<&Case>,
) -> Vec<FormField> {
    let classes: Vec<(String, String)> = OffenceClass::ALL
        .iter()
        .filter(|c| **c != OffenceClass::Unrecorded || case.is_some_and(|k| k.class == **c))
        .map(|c| (c.as_str().to_string(), c.as_str().to_string()))
        .collect();
    let text = |s: &str| crate::domain::text::display(s).into_owned();
    let mut fields = vec![
        FormField::text(
            "warrant",
            &t("case-field-warrant-ref"),
            &case.map(|c| text(&c.warrant.reference)).unwrap_or_default(),
        ),
        FormField::text(
            "court",
            &t("case-field-court"),
            &case.map(|c| text(&c.warrant.court)).unwrap_or_default(),
        ),
        FormField::text(
            "issued",
            &t("cases-issued"),
            &case
                .map_or(ctx.now.date_naive(), |c| c.warrant.issued)
                .to_string(),
        ),
        FormField::text(
            "expires",
            &t("case-field-warrant-expires"),
            &case
                .and_then(|c| c.warrant.expires)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        FormField::text(
            "offence",
            &t("case-field-offence"),
            &case.map(|c| text(&c.offence)).unwrap_or_default(),
        ),
        FormField::choice(
            "class",
            &t("cases-class"),
            classes,
            case.map_or("serious", |c| c.class.as_str()),
        ),
        FormField::text(
            "committed",
            &t("cases-committed"),
            &case
                .map_or(row.prisoner.admitted_at.date(), |c| c.committed)
                .to_string(),
        ),
    ];
    let others: Vec<Case> = cases
        .iter()
        .filter(|c| case.is_none_or(|k| k.id != c.id))
        .cloned()
        .collect();
    let sentence = case.and_then(|c| c.sentence);
    fields.extend([
        FormField::text(
            "length",
            &t("case-field-sentence-length"),
            &sentence.map(|s| s.length.text()).unwrap_or_default(),
        ),
        FormField::text(
            "start",
            &t("case-field-sentence-start"),
            &sentence.map(|s| s.start.to_string()).unwrap_or_default(),
        ),
        relation_field(&others, sentence.map(|s| s.relation)),
    ]);
    fields
}

/// The class chosen; one the list does not offer (a draft from an older warden) is refused, not taken as serious.
fn offence_class(values: &BTreeMap<String, String>) -> Result<OffenceClass, FieldError> {
    let typed = get(values, "class");
    OffenceClass::parse(&typed).ok_or_else(|| {
        let why = crate::i18n::t_args("field-not-a-choice", &[("value", typed.into())]);
        FieldError::new("class", why).labelled(t("cases-class"))
    })
}

/// The case typed into the popup; the store checks it against the person's other cases.
fn case_from(values: &BTreeMap<String, String>, id: i64) -> Result<Case, FieldError> {
    let expires = get(values, "expires");
    Ok(Case {
        id,
        warrant: Warrant {
            reference: get(values, "warrant"),
            court: get(values, "court"),
            issued: date(values, "issued", &t("cases-issued"))?,
            expires: if expires.trim().is_empty() {
                None
            } else {
                Some(date(values, "expires", &t("case-field-warrant-expires"))?)
            },
        },
        offence: get(values, "offence"),
        class: offence_class(values)?,
        committed: date(values, "committed", &t("cases-committed"))?,
        sentence: sentence_from(values)?,
    })
}

/// A new case: the warrant, the offence and its class, the committal and, if passed, the sentence.
fn add(row: &PrisonerRow, ctx: &mut Ctx) -> PromptScreen {
    let id = row.prisoner.id;
    let cases = ctx.store.cases(id).unwrap_or_default();
    PromptScreen::new(
        t("cases-what-add"),
        vec![t("cases-add-about")],
        case_fields(row, ctx, &cases, None),
        "save",
        Box::new(move |values, ctx| {
            let case = case_from(values, 0)?;
            let actor = ctx.actor();
            ctx.store
                .add_case(&actor, id, &case)
                .map(|_| t("cases-saved"))
                .map_err(Invalid::from)
        }),
    )
}

/// The person's cases as choices, by warrant reference.
fn case_choices(cases: &[Case]) -> Vec<(String, String)> {
    cases
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                crate::domain::text::display(&c.warrant.reference).into_owned(),
            )
        })
        .collect()
}

/// Which case to correct; the correction popup opens filled with it.
fn pick_to_correct(row: &PrisonerRow, ctx: &mut Ctx) -> PromptScreen<i64> {
    let cases = ctx.store.cases(row.prisoner.id).unwrap_or_default();
    let choices = case_choices(&cases);
    let first = choices.first().map(|c| c.0.clone()).unwrap_or_default();
    let row = row.clone();
    PromptScreen::with_value(
        t("cases-what-correct"),
        vec![t("cases-correct-about")],
        vec![FormField::choice("case", &t("cases-case"), choices, &first)],
        "next",
        Box::new(move |values, _ctx| {
            // The choices are the cases' own ids, so anything else means the list changed under the popup.
            let id = get(values, "case")
                .parse::<i64>()
                .map_err(|_| format!("case: {}", t("cases-case-unknown")))?;
            Ok((String::new(), id))
        }),
    )
    .then_open(Box::new(move |id: i64, ctx| {
        let next: Box<dyn Screen> = Box::new(correct(&row, id, ctx));
        Some(next)
    }))
}

/// A case as entered, to correct: every field filled from it.
fn correct(row: &PrisonerRow, case_id: i64, ctx: &mut Ctx) -> PromptScreen {
    let cases = ctx.store.cases(row.prisoner.id).unwrap_or_default();
    let case = cases.iter().find(|c| c.id == case_id).cloned();
    PromptScreen::new(
        t("cases-what-correct"),
        vec![t("cases-correct-about")],
        case_fields(row, ctx, &cases, case.as_ref()),
        "save",
        Box::new(move |values, ctx| {
            let case = case_from(values, case_id)?;
            let actor = ctx.actor();
            ctx.store
                .update_case(&actor, case_id, &case)
                .map(|()| t("cases-saved"))
                .map_err(Invalid::from)
        }),
    )
}

/// Removing a case entered in error: which one, and why.
fn remove(row: &PrisonerRow, ctx: &mut Ctx) -> PromptScreen {
    let cases = ctx.store.cases(row.prisoner.id).unwrap_or_default();
    let choices = case_choices(&cases);
    let first = choices.first().map(|c| c.0.clone()).unwrap_or_default();
    PromptScreen::new(
        t("cases-what-remove"),
        vec![t("cases-remove-about")],
        vec![
            FormField::choice("case", &t("cases-case"), choices, &first),
            FormField::text("reason", &t("case-field-removal-reason"), ""),
        ],
        "save",
        Box::new(move |values, ctx| {
            let case: i64 = get(values, "case").parse().unwrap_or(0);
            let actor = ctx.actor();
            ctx.store
                .remove_case(&actor, case, &get(values, "reason"))
                .map(|()| t("cases-removed"))
                .map_err(Invalid::from)
        }),
    )
}

/// The sentence passed on a case not yet sentenced.
fn sentence(row: &PrisonerRow, ctx: &mut Ctx) -> PromptScreen {
    let cases = ctx.store.cases(row.prisoner.id).unwrap_or_default();
    let open: Vec<(String, String)> = cases
        .iter()
        .filter(|c| c.sentence.is_none())
        .map(|c| {
            (
                c.id.to_string(),
                crate::domain::text::display(&c.warrant.reference).into_owned(),
            )
        })
        .collect();
    let first = open.first().map(|o| o.0.clone()).unwrap_or_default();
    let mut fields = vec![FormField::choice("case", &t("cases-case"), open, &first)];
    fields.extend(sentence_fields(&cases));
    PromptScreen::new(
        t("cases-what-sentence"),
        vec![t("cases-sentence-about")],
        fields,
        "save",
        Box::new(move |values, ctx| {
            let case: i64 = get(values, "case").parse().unwrap_or(0);
            let Some(sentence) = sentence_from(values)? else {
                let required = FieldError::new("length", t("case-required"));
                return Err(required.labelled(t("case-field-sentence-length")).into());
            };
            let actor = ctx.actor();
            ctx.store
                .set_sentence(&actor, case, Some(&sentence))
                .map(|()| t("cases-saved"))
                .map_err(Invalid::from)
        }),
    )
}

/// A court order's release date with its reason; an empty date removes the order.
fn order(row: &PrisonerRow, ctx: &mut Ctx) -> PromptScreen {
    let id = row.prisoner.id;
    let current = ctx.store.release_override(id).ok().flatten();
    PromptScreen::new(
        t("cases-what-order"),
        vec![t("cases-order-about")],
        vec![
            FormField::text(
                "date",
                &t("cases-order-date"),
                &current
                    .as_ref()
                    .map(|o| o.date.to_string())
                    .unwrap_or_default(),
            ),
            FormField::text(
                "reason",
                &t("case-field-override-reason"),
                &current.map(|o| o.reason).unwrap_or_default(),
            ),
        ],
        "save",
        Box::new(move |values, ctx| {
            let order = if get(values, "date").trim().is_empty() {
                None
            } else {
                Some(ReleaseOverride {
                    date: date(values, "date", &t("cases-order-date"))?,
                    reason: get(values, "reason"),
                })
            };
            let actor = ctx.actor();
            ctx.store
                .set_release_override(&actor, id, order.as_ref())
                .map(|()| t("cases-saved"))
                .map_err(Invalid::from)
        }),
    )
}
