//! The audit trail on screen for supervisors and administrators: the rows `warden audit show` prints, newest first,
//! with the same filters (a popup on `/`), and the selected row's before and after below the list.

use super::prompt::PromptScreen;
use super::{Ctx, Outcome, Reply, Screen};
use crate::domain::auth::Permission;
use crate::domain::text;
use crate::i18n::{t, t_args, t_static};
use crate::store::{AuditFilter, AuditRecord};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::FormField;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::BTreeMap;

/// Rows read at a time: more than a busy day's changes at one station; older rows are reached by filtering.
const SHOWN: usize = 200;
/// Lines under the list for the selected row's before and after.
const DETAIL_ROWS: u16 = 4;

pub struct AuditScreen {
    filter: AuditFilter,
    rows: Vec<AuditRecord>,
    selection: Selection,
}

impl AuditScreen {
    /// None (with the refusal on the message line, audited) for roles that may not read the trail.
    pub fn new(ctx: &mut Ctx) -> Option<AuditScreen> {
        if !ctx.allowed(Permission::ViewAudit) {
            return None;
        }
        let mut screen = AuditScreen {
            filter: AuditFilter {
                limit: SHOWN,
                ..AuditFilter::default()
            },
            rows: Vec::new(),
            selection: Selection::default(),
        };
        screen.resume(ctx);
        Some(screen)
    }

    fn filter_popup(&self) -> PromptScreen<AuditFilter> {
        let current = self.filter.clone();
        let day = |at: &Option<String>| at.clone().unwrap_or_default();
        // `until` is kept as the day after (rows before it); the field shows the day typed.
        let until_shown = current
            .until
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.pred_opt())
            .map(|d| d.to_string())
            .unwrap_or_default();
        PromptScreen::with_value(
            t("audit-filter-title"),
            vec![t("audit-filter-about")],
            vec![
                FormField::text("since", &t("audit-filter-since"), &day(&current.since)),
                FormField::text("until", &t("audit-filter-until"), &until_shown),
                FormField::text("actor", &t("audit-filter-actor"), &day(&current.actor)),
                FormField::text("entity", &t("audit-filter-entity"), &day(&current.entity)),
                FormField::text("id", &t("audit-filter-id"), &day(&current.id)),
                FormField::text("action", &t("audit-filter-action"), &day(&current.action)),
            ],
            t_static("audit-filter-apply"),
            Box::new(move |values, _ctx| {
                let filter = filter_from(values)?;
                let said = t_args(
                    "audit-filter-applied",
                    &[("filter", describe(&filter).into())],
                );
                Ok((said, filter))
            }),
        )
        .reply_with(Reply::AuditFilter)
    }
}

/// The filter the popup's fields describe; a date that is not a date is an error on its field.
fn filter_from(values: &BTreeMap<String, String>) -> Result<AuditFilter, String> {
    let field = |key: &str| {
        values
            .get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let day = |key: &str| -> Result<Option<NaiveDate>, String> {
        match field(key) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("{key}: {}", t("audit-filter-bad-date"))),
        }
    };
    let since = day("since")?;
    let until = day("until")?;
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        return Err(format!("until: {}", t("audit-filter-until-before-since")));
    }
    Ok(AuditFilter {
        since: since.map(|d| d.to_string()),
        until: until.and_then(|d| d.succ_opt()).map(|d| d.to_string()),
        actor: field("actor"),
        entity: field("entity"),
        id: field("id"),
        action: field("action"),
        limit: SHOWN,
    })
}

/// The filter in words for the line above the list ("none" when every row is shown).
fn describe(filter: &AuditFilter) -> String {
    let until_day = filter
        .until
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .and_then(|d| d.pred_opt())
        .map(|d| d.to_string());
    let parts: Vec<String> = [
        ("since", filter.since.clone()),
        ("until", until_day),
        ("actor", filter.actor.clone()),
        ("entity", filter.entity.clone()),
        ("id", filter.id.clone()),
        ("action", filter.action.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|v| format!("{name} {v}")))
    .collect();
    if parts.is_empty() {
        t("audit-filter-none")
    } else {
        parts.join(", ")
    }
}

/// A stored JSON value as one readable line (`null` and empty are left out by the caller).
fn shown_value(json: &str) -> String {
    text::display(json).into_owned()
}

impl Screen for AuditScreen {
    fn title(&self) -> String {
        t("audit-title")
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Down, Action::PageDown, Action::Search, Action::Back]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Search => t_static("audit-key-filter"),
            other => other.describe(),
        }
    }

    fn help(&self) -> String {
        let mut args = crate::tui::keymap::key_args(self.scope());
        args.push(("shown", SHOWN.into()));
        t_args("audit-help", &args)
    }

    fn handle(&mut self, action: Action, _ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            Action::Search => Outcome::Push(Box::new(self.filter_popup())),
            other => {
                if self.selection.handle(other, self.rows.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn reply(&mut self, reply: Reply, _ctx: &mut Ctx) {
        if let Reply::AuditFilter(filter) = reply {
            self.filter = filter;
        }
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        let actor = ctx.actor();
        match ctx.store.audit_show(&actor, &self.filter) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(t_args(
                "audit-cannot-read",
                &[("error", e.to_string().into())],
            )),
        }
        self.selection.clamp(self.rows.len());
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width as usize;
        let count = if self.rows.len() == SHOWN {
            t_args("audit-rows-capped", &[("count", self.rows.len().into())])
        } else {
            t_args("audit-rows", &[("count", self.rows.len().into())])
        };
        let filter = t_args(
            "audit-filter-line",
            &[("filter", describe(&self.filter).into())],
        );
        frame.render_widget(
            Paragraph::new(Line::from(text::fit(
                &format!("{count}. {filter}"),
                width.saturating_sub(1),
            ))),
            Rect::new(area.x + 1, area.y, area.width.saturating_sub(1), 1),
        );
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let at = r.at.get(..16).unwrap_or(&r.at).replace('T', " ");
                let about = format!("{} {}", r.entity, r.entity_id);
                columns(&[
                    (&r.id.to_string(), 6),
                    (&at, 16),
                    (&r.actor, 16),
                    (&r.action, 12),
                    (&about, 24),
                ])
            })
            .collect();
        let header = columns(&[
            (&t("audit-col-id"), 6),
            (&t("audit-col-when"), 16),
            (&t("audit-col-who"), 16),
            (&t("audit-col-action"), 12),
            (&t("audit-col-about"), 24),
        ]);
        let list_height = area.height.saturating_sub(2 + DETAIL_ROWS + 1);
        render_rows(
            frame,
            Rect::new(area.x, area.y + 2, area.width, list_height),
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            &t("audit-empty"),
        );
        let Some(row) = self.rows.get(self.selection.index) else {
            return;
        };
        let mut detail = Vec::new();
        let inner = width.saturating_sub(2).max(10);
        let mut push = |label: &str, value: &str| {
            for line in text::wrap(&format!("{label}: {value}"), inner) {
                detail.push(Line::from(Span::raw(line)));
            }
        };
        push(&t("audit-detail-actor"), &row.actor);
        for (label, value) in [
            (t("audit-detail-before"), &row.before),
            (t("audit-detail-after"), &row.after),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty() && *v != "null") {
                push(&label, &shown_value(v));
            }
        }
        let detail_y = area.y + 2 + list_height + 1;
        let height = DETAIL_ROWS.min((area.y + area.height).saturating_sub(detail_y));
        detail.truncate(height as usize);
        frame.render_widget(
            Paragraph::new(detail).style(theme.dim()),
            Rect::new(area.x + 1, detail_y, area.width.saturating_sub(2), height),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_filter_takes_days_and_names_the_bad_field() {
        let f = filter_from(&values(&[
            ("since", "2026-11-01"),
            ("until", "2026-11-30"),
            ("action", "refused"),
        ]))
        .unwrap();
        assert_eq!(f.since.as_deref(), Some("2026-11-01"));
        // Rows before the day after: the whole of the 30th is in.
        assert_eq!(f.until.as_deref(), Some("2026-12-01"));
        assert_eq!(f.action.as_deref(), Some("refused"));
        assert_eq!(
            describe(&f),
            "since 2026-11-01, until 2026-11-30, action refused"
        );
        let e = filter_from(&values(&[("since", "1 Nov")])).unwrap_err();
        assert!(e.starts_with("since: "), "{e}");
        let e =
            filter_from(&values(&[("since", "2026-11-30"), ("until", "2026-11-01")])).unwrap_err();
        assert!(e.starts_with("until: "), "{e}");
        assert_eq!(describe(&filter_from(&values(&[])).unwrap()), "none");
    }
}
