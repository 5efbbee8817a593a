//! A scrolling list of pre-formatted rows with one selected, plus a helper to lay out fixed-width columns.

use crate::domain::text;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;

/// Which row is selected, and which rows the list showed when it was last drawn. Drawing keeps the window (the
/// screens draw through `&self`, so the window is kept in cells): a move inside it changes only the two marks,
/// and a page key turns exactly the page that was drawn, whatever the screen's height.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub index: usize,
    offset: Cell<usize>,
    /// Rows drawn last time; 0 before the list was first drawn.
    drawn: Cell<usize>,
}

/// The page a page key turns before the list has been drawn (a screen's first key can come before its frame).
const PAGE_BEFORE_DRAWING: usize = 10;

impl Selection {
    /// Moves the selection by a key; a page is the rows the list showed when last drawn. Returns true if it moved.
    pub fn handle(&mut self, action: Action, len: usize) -> bool {
        if len == 0 {
            return false;
        }
        let before = self.index;
        let page = match self.drawn.get() {
            0 => PAGE_BEFORE_DRAWING,
            rows => rows,
        };
        self.index = match action {
            Action::Up => self.index.saturating_sub(1),
            Action::Down => (self.index + 1).min(len - 1),
            Action::PageUp => self.index.saturating_sub(page),
            Action::PageDown => (self.index + page).min(len - 1),
            Action::Home => 0,
            Action::End => len - 1,
            _ => return false,
        };
        // A page key turns the page: the view moves with the selection, so the rows shown are all new rather
        // than the old page less one row (the last page stays full).
        let offset = self.offset.get();
        match action {
            Action::PageDown => self
                .offset
                .set((offset + page).min(len.saturating_sub(page))),
            Action::PageUp => self.offset.set(offset.saturating_sub(page)),
            _ => {}
        }
        self.index != before
    }

    pub fn clamp(&mut self, len: usize) {
        if self.index >= len {
            self.index = len.saturating_sub(1);
        }
    }

    /// The first row to show in `rows` rows: the window drawn last time, moved only as far as needed to keep the
    /// selection inside it.
    fn offset_for(&self, rows: usize) -> usize {
        let offset = self.offset.get();
        if rows == 0 {
            return 0;
        }
        if self.index < offset {
            self.index
        } else if self.index >= offset + rows {
            self.index + 1 - rows
        } else {
            offset
        }
    }

    /// Called when the list is drawn in `rows` rows: the window shown is kept for the next key and frame.
    fn drawn_in(&self, rows: usize) -> usize {
        let offset = self.offset_for(rows);
        self.offset.set(offset);
        self.drawn.set(rows);
        offset
    }
}

/// Pads or cuts each cell to its width (display columns) and joins them with one space.
pub fn columns(cells: &[(&str, usize)]) -> String {
    let mut out = String::new();
    for (i, (cell, w)) in cells.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let shown = text::fit(&text::display(cell), *w);
        let pad = w.saturating_sub(text::width(&shown));
        out.push_str(&shown);
        out.push_str(&" ".repeat(pad));
    }
    out
}

/// Right-aligns a number-like cell.
pub fn right(s: &str, w: usize) -> String {
    format!("{s:>w$}")
}

/// Draws an optional header row, then the rows with the selected one highlighted and marked.
pub fn render_rows(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    header: Option<&str>,
    rows: &[String],
    selection: Option<&Selection>,
    empty_message: &str,
) {
    let mut lines = Vec::new();
    let mut height = area.height as usize;
    if let Some(h) = header {
        lines.push(Line::from(Span::styled(format!(" {h}"), theme.heading())));
        height = height.saturating_sub(1);
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" {empty_message}"),
            theme.dim(),
        )));
    }
    let offset = selection.map(|s| s.drawn_in(height)).unwrap_or(0);
    for (i, row) in rows.iter().enumerate().skip(offset).take(height) {
        let selected = selection.is_some_and(|s| s.index == i);
        let width = area.width as usize;
        let body = text::fit(row, width.saturating_sub(1));
        let pad = width.saturating_sub(1 + text::width(&body));
        // The selection is one marked cell, not a highlighted row: moving it then rewrites two cells instead of
        // two whole rows. The mark is in the selected style so it stands out in monochrome too.
        if selected {
            lines.push(Line::from(vec![
                Span::styled(theme.pointer(), theme.selected()),
                Span::raw(format!("{body}{}", " ".repeat(pad))),
            ]));
        } else {
            lines.push(Line::from(format!(" {body}")));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_inside_the_list() {
        let mut s = Selection::default();
        assert!(!s.handle(Action::Up, 5));
        s.drawn_in(2);
        s.handle(Action::PageDown, 5);
        assert_eq!(s.index, 2);
        s.handle(Action::End, 5);
        assert_eq!(s.index, 4);
        assert!(!s.handle(Action::Down, 5));
        s.clamp(3);
        assert_eq!(s.index, 2);
    }

    #[test]
    fn a_page_key_shows_a_whole_new_page() {
        let mut s = Selection::default();
        s.drawn_in(8);
        s.handle(Action::PageDown, 30);
        assert_eq!(
            (s.index, s.offset_for(8)),
            (8, 8),
            "rows 9-16, the ninth selected"
        );
        s.drawn_in(8);
        s.handle(Action::PageDown, 30);
        s.drawn_in(8);
        s.handle(Action::PageDown, 30);
        assert_eq!(
            (s.index, s.offset_for(8)),
            (24, 22),
            "the last page is full"
        );
        s.drawn_in(8);
        s.handle(Action::PageUp, 30);
        assert_eq!((s.index, s.offset_for(8)), (16, 14));
        s.handle(Action::Home, 30);
        assert_eq!(s.offset_for(8), 0);
    }

    /// The list drawn as the screens draw it, eight rows high: the rows shown, the selected one marked.
    fn drawn(selection: &Selection, rows: &[String]) -> Vec<String> {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(20, 8)).unwrap();
        let theme = Theme {
            mono: true,
            ascii: true,
        };
        terminal
            .draw(|f| render_rows(f, f.area(), &theme, None, rows, Some(selection), ""))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..8)
            .map(|y| {
                (0..20)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn up_inside_the_window_moves_the_mark_not_the_rows() {
        let rows: Vec<String> = (1..=30).map(|n| format!("row {n}")).collect();
        let mut s = Selection::default();
        drawn(&s, &rows);
        for _ in 0..10 {
            s.handle(Action::Down, rows.len());
            drawn(&s, &rows);
        }
        let scrolled = drawn(&s, &rows);
        assert_eq!(
            (scrolled[0].as_str(), scrolled[7].as_str()),
            (" row 4", ">row 11")
        );
        s.handle(Action::Up, rows.len());
        let after = drawn(&s, &rows);
        assert_eq!(after[0], " row 4", "the window stays where it was");
        assert_eq!(
            (after[6].as_str(), after[7].as_str()),
            (">row 10", " row 11")
        );
        // A page is the eight rows drawn, whatever the caller thinks the screen holds.
        s.handle(Action::PageDown, rows.len());
        assert_eq!(drawn(&s, &rows)[0], " row 12");
    }

    #[test]
    fn columns_pad_and_cut_by_display_width() {
        assert_eq!(columns(&[("ab", 4), ("cdefgh", 3)]), "ab   cd~");
        assert_eq!(columns(&[("x\u{7}", 3)]), "x? ");
    }
}
