//! Erasing instead of overwriting: a frame that changes much of a row (or of the screen) is often cheaper as an
//! erase followed by only the cells that are not blank, and a long blank run inside a row as one ECH.
//!
//! Each way is tried into the frame buffer and the shortest kept, so a frame never costs more than drawing its
//! changed cells one by one. Every erase is made with a pen whose blanks look like the default (erasing fills
//! cells with the current background on most terminals), and never splits a wide character the backend cannot
//! see whole.

use super::{Cursor, LeanBackend, Pen, plan};
use ratatui::buffer::Cell;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// A frame this small beside the screen is never cheaper as a whole-screen erase: do not try.
const SCREEN_ERASE_MIN_SHARE: usize = 8;
/// How many of a frame's first changed rows are tried as the top of a screen erase: the title bar and the
/// head of a screen often change little while what is below changes whole.
const SCREEN_ERASE_SPLITS: usize = 4;

/// Where the frame being built stands: enough to try one way of drawing and take it back.
struct Mark {
    cursor: Cursor,
    pen: Option<Pen>,
    len: usize,
}

/// One way of drawing, taken back out of the frame buffer to be compared with another.
struct Take {
    bytes: Vec<u8>,
    cursor: Cursor,
    pen: Option<Pen>,
}

/// ECH: erase `n` cells from the cursor, which stays where it is.
pub(super) fn ech(n: u16) -> Vec<u8> {
    if n == 1 {
        b"\x1b[X".to_vec()
    } else {
        format!("\x1b[{n}X").into_bytes()
    }
}

impl<W: Write> LeanBackend<W> {
    fn mark(&self) -> Mark {
        Mark {
            cursor: self.cursor,
            pen: self.pen,
            len: self.buf.len(),
        }
    }

    fn rewind(&mut self, m: &Mark) {
        self.buf.truncate(m.len);
        self.cursor = m.cursor;
        self.pen = m.pen;
    }

    fn take(&mut self, m: &Mark) -> Take {
        let t = Take {
            bytes: self.buf[m.len..].to_vec(),
            cursor: self.cursor,
            pen: self.pen,
        };
        self.rewind(m);
        t
    }

    /// Keeps what was drawn since `m` if it is shorter than `other`; otherwise puts `other` back instead.
    fn keep_shorter(&mut self, m: &Mark, other: Take) {
        if self.buf.len() - m.len >= other.bytes.len() {
            self.rewind(m);
            self.buf.extend_from_slice(&other.bytes);
            self.cursor = other.cursor;
            self.pen = other.pen;
        }
    }

    /// Sets a pen whose blanks look like the default, as an erase leaves them, unless the pen already is one.
    pub(super) fn blank_pen(&mut self) {
        if !self.pen.is_some_and(|p| p.on_blank() == Pen::DEFAULT) {
            self.set_pen(Pen::DEFAULT);
        }
    }

    /// The cells of row `y` of the new frame that an erase would not leave as they are (all but default
    /// blanks), left to right; None when the row holds a cell the backend does not know (an erase there is
    /// left to the cell-by-cell way, which never relies on it).
    fn shown_cells(&self, y: u16) -> Option<Vec<(u16, Cell)>> {
        let width = self.shadow.area.width;
        let mut out = Vec::new();
        let mut x = 0;
        while x < width {
            let cell = self.shadow.cell((x, y))?;
            let symbol = cell.symbol();
            if symbol.is_empty() {
                return None;
            }
            if !Self::is_erased(cell, self.mono) {
                out.push((x, cell.clone()));
            }
            x += symbol.width().max(1) as u16;
        }
        Some(out)
    }

    /// Draws the changed rows, each the shorter of cell by cell and erase-then-what-shows; then, when the frame
    /// changes much, tries erasing the screen from the start of one of its first changed rows (the title bar above
    /// may change little) and writing what shows below, and keeps whichever is shortest.
    pub(super) fn draw_rows(&mut self, rows: &[(u16, Vec<(u16, Cell)>)]) {
        // Where the frame stood before each of the first changed rows: the places a screen erase may start.
        let mut splits: Vec<(u16, Mark)> = Vec::new();
        for (y, cells) in rows {
            let m = self.mark();
            if splits.len() < SCREEN_ERASE_SPLITS {
                splits.push((*y, self.mark()));
            }
            self.draw_row(*y, cells);
            if !self.synced {
                continue;
            }
            if let Some(shown) = self.shown_cells(*y) {
                let by_cell = self.take(&m);
                self.erase_row(*y, &shown);
                self.keep_shorter(&m, by_cell);
            }
        }
        let changed: usize = rows.iter().map(|(_, c)| c.len()).sum();
        let area = self.shadow.area;
        let Some((_, start)) = splits.first() else {
            return;
        };
        if !self.synced || changed * SCREEN_ERASE_MIN_SHARE < area.area() as usize {
            return;
        }
        let Some(all) = (0..area.height)
            .map(|y| self.shown_cells(y))
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        // The rows above the first changed row are unchanged: an erase from the top rewrites them too.
        let by_rows = self.take(start);
        let mut best: (usize, Option<usize>) = (by_rows.bytes.len(), None);
        for (i, (y, m)) in splits.iter().enumerate() {
            // The per-row drawing up to this row is a prefix of `by_rows`.
            let prefix = m.len - start.len;
            self.buf.extend_from_slice(&by_rows.bytes[..prefix]);
            self.cursor = m.cursor;
            self.pen = m.pen;
            self.erase_below(*y, &all);
            let len = self.buf.len() - start.len;
            self.rewind(start);
            if len < best.0 {
                best = (len, Some(i));
            }
        }
        match best.1 {
            Some(i) => {
                let (y, m) = &splits[i];
                self.buf
                    .extend_from_slice(&by_rows.bytes[..m.len - start.len]);
                self.cursor = m.cursor;
                self.pen = m.pen;
                self.erase_below(*y, &all);
            }
            None => {
                self.buf.extend_from_slice(&by_rows.bytes);
                self.cursor = by_rows.cursor;
                self.pen = by_rows.pen;
            }
        }
    }

    /// Erases row `y` whole (CSI 2K, from any column) and writes what shows on it.
    fn erase_row(&mut self, y: u16, shown: &[(u16, Cell)]) {
        let first = shown.first().map_or(0, |(x, _)| *x);
        self.move_to(first, y);
        self.blank_pen();
        self.buf.extend_from_slice(b"\x1b[2K");
        self.draw_row(y, shown);
    }

    /// Erases the screen from the start of row `top` to its end (CSI J) and writes what shows on those rows.
    fn erase_below(&mut self, top: u16, rows: &[Vec<(u16, Cell)>]) {
        self.blank_pen();
        self.move_to(0, top);
        self.buf.extend_from_slice(b"\x1b[J");
        for (y, shown) in rows.iter().enumerate().skip(top as usize) {
            if !shown.is_empty() {
                self.draw_row(y as u16, shown);
            }
        }
    }

    /// How many of `cells[i..end]` form a run of default blanks in adjacent columns worth one ECH rather than
    /// spaces: the erase plus the move past it must cost less than the spaces plus the move after them.
    pub(super) fn ech_run(
        &self,
        y: u16,
        cells: &[(u16, Cell)],
        i: usize,
        end: usize,
    ) -> Option<usize> {
        if !self.ech {
            return None;
        }
        let x0 = cells[i].0;
        let mut n = 0;
        while i + n < end
            && cells[i + n].0 == x0 + n as u16
            && Self::is_erased(&cells[i + n].1, self.mono)
        {
            n += 1;
        }
        if n < 4 {
            return None;
        }
        let after = x0 + n as u16;
        let reprint = |row, from, to| self.reprint(row, from, to);
        let (by_spaces, by_erase) = match cells.get(i + n) {
            Some((next, _)) => (
                n + plan(Cursor::At { x: after, y }, *next, y, self.cha, &reprint).len(),
                ech(n as u16).len()
                    + plan(Cursor::At { x: x0, y }, *next, y, self.cha, &reprint).len(),
            ),
            None => (n, ech(n as u16).len()),
        };
        (by_erase < by_spaces).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ech_omits_a_count_of_one() {
        assert_eq!(ech(1), b"\x1b[X");
        assert_eq!(ech(12), b"\x1b[12X");
    }
}
