//! Find a prisoner: results update with every key typed (number, the words of any name or alias in any order and
//! any script, a match through an alias saying so), or on a slow line once typing pauses. Two people in the results who must be kept apart are both marked APART!, as in every
//! list that puts people together.

use super::{Ctx, Outcome, Screen};
use crate::store::SearchHit;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::input::Input;
use crate::tui::widgets::list::{Selection, columns, render_rows};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows fetched per query: more than a screen, few enough to stay within the typing budget.
const RESULT_LIMIT: usize = 100;
/// Result rows shown at a time on a slow line. The results come best first (the number, then family names that
/// start with what was typed), so the person is nearly always among the first few; 8 rows are about 500 bytes,
/// half the wait of a full list at 9600 baud. Down and PgDn bring the rest.
const SLOW_LINE_ROWS: usize = 8;

/// Result columns and their widths; prison numbers such as UPS/MUK01/2024/00010 need 22. The last holds the
/// non-association mark.
/// Numbers up to 20 columns (a demo's "UPS/IGA01/2026/00037") and the name as wide as before the age came.
const COLUMNS: [(&str, usize); 6] = [
    ("Number", 20),
    ("Name", 26),
    ("Age", 8),
    ("Fac.", 5),
    ("Status", 9),
    ("", 6),
];

pub struct SearchScreen {
    input: Input,
    hits: Vec<SearchHit>,
    selection: Selection,
    searched: bool,
    /// On a slow line the list is searched again only when typing pauses (or on Enter or a move): each new
    /// list is some 500 bytes at 80x24, half a second at 9600 baud, for every letter otherwise.
    slow_link: bool,
    /// The text typed differs from what the list shows; the query waits for a pause.
    stale: bool,
    /// Pairs among the results under a non-association in force, read once per query.
    apart: Vec<(i64, i64)>,
    /// Each hit's age as shown, worked out on the day of the query.
    ages: Vec<String>,
}

impl SearchScreen {
    pub fn new() -> SearchScreen {
        let mut input = Input::new("");
        input.max_chars = 100;
        SearchScreen {
            input,
            hits: Vec::new(),
            selection: Selection::default(),
            searched: false,
            slow_link: false,
            stale: false,
            apart: Vec::new(),
            ages: Vec::new(),
        }
    }

    fn run_query(&mut self, ctx: &mut Ctx) {
        self.stale = false;
        let q = self.input.value();
        if q.trim().is_empty() {
            self.hits.clear();
            self.apart.clear();
            self.searched = false;
            return;
        }
        match ctx.store.search(&q, RESULT_LIMIT) {
            Ok(hits) => self.hits = hits,
            Err(e) => ctx.error(format!("Search failed: {e}")),
        }
        let today = ctx.now.date_naive();
        self.ages = self.hits.iter().map(|h| h.age_shown(today)).collect();
        let ids: Vec<i64> = self.hits.iter().map(|h| h.id).collect();
        match ctx.store.non_associations_among(&ids, ctx.now.date_naive()) {
            Ok(found) => self.apart = found.iter().map(|na| (na.first, na.second)).collect(),
            Err(e) => ctx.error(format!("Cannot read the non-associations: {e}")),
        }
        self.searched = true;
        self.selection = Selection::default();
    }
}

impl Default for SearchScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl Screen for SearchScreen {
    fn title(&self) -> String {
        "Find a prisoner".into()
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Up, Action::Select, Action::Back]
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        crate::i18n::t_args("search-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => Outcome::Pop,
            // Enter or a move while the list still shows an older query: search now, and let the person see
            // the list before anything is opened from it.
            Action::Select | Action::Up | Action::Down | Action::PageUp | Action::PageDown
                if self.stale =>
            {
                self.run_query(ctx);
                Outcome::Handled
            }
            Action::Select => match self.hits.get(self.selection.index) {
                Some(hit) => match super::record::RecordScreen::open(hit.id, ctx) {
                    Some(record) => Outcome::Push(Box::new(record)),
                    None => Outcome::Handled,
                },
                None => Outcome::Ignored,
            },
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                if self.selection.handle(action, self.hits.len()) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
            other => {
                if self.input.handle(other) {
                    if self.slow_link {
                        self.stale = true;
                    } else {
                        self.run_query(ctx);
                    }
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn set_slow_link(&mut self, slow: bool) {
        self.slow_link = slow;
    }

    fn unsettled(&self) -> bool {
        self.stale
    }

    fn settle(&mut self, ctx: &mut Ctx) -> bool {
        if !self.stale {
            return false;
        }
        self.run_query(ctx);
        true
    }

    fn resume(&mut self, ctx: &mut Ctx) {
        // A record may have changed (a release, a new name) while it was open.
        if self.searched {
            let keep = self.selection.index;
            self.run_query(ctx);
            self.selection.index = keep;
            self.selection.clamp(self.hits.len());
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let (shown, col) = self.input.view(area.width as usize - 12);
        let line = Line::from(vec![
            Span::styled(" Find: ", theme.label()),
            // Plain, with the cursor in it: a highlighted box would need a pen change on every key typed.
            Span::raw(format!("{shown:<w$}", w = area.width as usize - 12)),
        ]);
        frame.render_widget(
            Paragraph::new(line),
            Rect::new(area.x, area.y, area.width, 1),
        );
        frame.set_cursor_position(Position::new(area.x + 7 + col as u16, area.y));
        let rows: Vec<String> = self
            .hits
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let name = h.shown_name(COLUMNS[1].1);
                let apart = self.apart.iter().any(|(a, b)| *a == h.id || *b == h.id);
                let mark = if apart { "APART!" } else { "" };
                let age = self.ages.get(i).map_or("", String::as_str);
                let cells = [
                    h.number.as_str(),
                    &name,
                    age,
                    &h.facility,
                    &h.status(),
                    mark,
                ];
                let pairs: Vec<(&str, usize)> = cells
                    .iter()
                    .zip(COLUMNS)
                    .map(|(c, (_, w))| (*c, w))
                    .collect();
                columns(&pairs)
            })
            .collect();
        let age = crate::i18n::t("column-age");
        let mut heads = COLUMNS;
        heads[2].0 = &age;
        let header = columns(&heads);
        let empty = if self.searched {
            "No one matches. Try fewer letters, or another spelling."
        } else {
            "Type part of a number or name."
        };
        let height = if self.slow_link {
            area.height.saturating_sub(2).min(1 + SLOW_LINE_ROWS as u16)
        } else {
            area.height.saturating_sub(2)
        };
        let list_area = Rect::new(area.x, area.y + 2, area.width, height);
        render_rows(
            frame,
            list_area,
            theme,
            Some(&header),
            &rows,
            Some(&self.selection),
            empty,
        );
        let below = list_area.y + list_area.height;
        if self.slow_link && self.hits.len() > SLOW_LINE_ROWS && below < area.bottom() {
            let note = format!(" {} found; Down or PgDn for more.", self.hits.len());
            frame.render_widget(
                Paragraph::new(note).style(theme.dim()),
                Rect::new(area.x, below, area.width, 1),
            );
        }
        if self.hits.len() >= RESULT_LIMIT {
            let note = format!(" First {RESULT_LIMIT} shown; type more to narrow.");
            frame.render_widget(
                Paragraph::new(note).style(theme.dim()),
                Rect::new(area.x, area.y + 1, area.width, 1),
            );
        }
    }
}
