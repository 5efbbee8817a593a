//! A scrolling list of pre-formatted rows with one selected, plus a helper to lay out fixed-width columns.

use crate::domain::text;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub index: usize,
    offset: usize,
}

impl Selection {
    /// Moves the selection; `page` is the number of visible rows. Returns true if it moved.
    pub fn handle(&mut self, action: Action, len: usize, page: usize) -> bool {
        if len == 0 {
            return false;
        }
        let before = self.index;
        let page = page.max(1);
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
        match action {
            Action::PageDown => self.offset = (self.offset + page).min(len.saturating_sub(page)),
            Action::PageUp => self.offset = self.offset.saturating_sub(page),
            _ => {}
        }
        self.index != before
    }

    pub fn clamp(&mut self, len: usize) {
        if self.index >= len {
            self.index = len.saturating_sub(1);
        }
    }

    fn offset_for(&self, rows: usize) -> usize {
        if rows == 0 {
            return 0;
        }
        if self.index < self.offset {
            self.index
        } else if self.index >= self.offset + rows {
            self.index + 1 - rows
        } else {
            self.offset
        }
    }

    /// Keeps the scroll offset after drawing so a page does not jump back.
    pub fn settle(&mut self, rows: usize) {
        self.offset = self.offset_for(rows);
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
    let offset = selection.map(|s| s.offset_for(height)).unwrap_or(0);
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
        assert!(!s.handle(Action::Up, 5, 2));
        s.handle(Action::PageDown, 5, 2);
        assert_eq!(s.index, 2);
        s.handle(Action::End, 5, 2);
        assert_eq!(s.index, 4);
        assert!(!s.handle(Action::Down, 5, 2));
        s.clamp(3);
        assert_eq!(s.index, 2);
    }

    #[test]
    fn a_page_key_shows_a_whole_new_page() {
        let mut s = Selection::default();
        s.settle(8);
        s.handle(Action::PageDown, 30, 8);
        assert_eq!(
            (s.index, s.offset_for(8)),
            (8, 8),
            "rows 9-16, the ninth selected"
        );
        s.settle(8);
        s.handle(Action::PageDown, 30, 8);
        s.settle(8);
        s.handle(Action::PageDown, 30, 8);
        assert_eq!(
            (s.index, s.offset_for(8)),
            (24, 22),
            "the last page is full"
        );
        s.settle(8);
        s.handle(Action::PageUp, 30, 8);
        assert_eq!((s.index, s.offset_for(8)), (16, 14));
        s.handle(Action::Home, 30, 8);
        assert_eq!(s.offset_for(8), 0);
    }

    #[test]
    fn columns_pad_and_cut_by_display_width() {
        assert_eq!(columns(&[("ab", 4), ("cdefgh", 3)]), "ab   cd~");
        assert_eq!(columns(&[("x\u{7}", 3)]), "x? ");
    }
}
