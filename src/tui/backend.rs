//! A lean ratatui backend for slow links: it remembers what the terminal shows and writes only the difference.
//!
//! Over a 9600-baud line every byte is a wait, so across frames this backend remembers the terminal's cursor
//! position, its pen (colours and attributes), whether the cursor is shown, and a copy of the screen. It then
//! picks the shortest cursor move (none at all when the last character written left the cursor where the next
//! one goes), writes short SGR codes, erases a row's blank tail with EL, a long blank run with ECH, and a row or
//! the whole screen before writing only what is not blank when that is shorter, and sends each frame with one
//! write().
//! It never asks the terminal anything (a cursor-position query waits a round trip). A clear resynchronises
//! everything, which is what Ctrl-L is for.

mod erase;
mod moves;
mod sgr;

pub use moves::{Cursor, absolute, plan};
pub use sgr::Pen;

use crate::domain::width;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Where the backend learns the terminal's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SizeSource {
    /// The controlling terminal, by ioctl (no bytes on the line).
    Tty,
    /// A fixed size, for tests and for drawing into memory.
    Fixed(Size),
}

/// How many cells a row's blank tail must have before erasing it with EL (3 bytes) beats writing spaces.
const EL_MIN_CELLS: usize = 4;
/// The longest run of cells reprinted to move right (longer runs never beat CUF).
const REPRINT_MAX: u16 = 6;

pub struct LeanBackend<W: Write> {
    out: W,
    /// The frame being built; sent with one write() by `flush`.
    buf: Vec<u8>,
    size: SizeSource,
    mono: bool,
    /// What the terminal shows, as far as this backend has drawn it since the last clear.
    shadow: Buffer,
    /// True once a clear has made `shadow` match the terminal; until then nothing is reprinted from it.
    synced: bool,
    cursor: Cursor,
    pen: Option<Pen>,
    /// Whether the terminal shows its cursor; None when not known (start, after a clear or an error).
    shown: Option<bool>,
    want_shown: bool,
    want_pos: Position,
    /// The width up to which `reset_tab_stops` set the tab stops; None: the terminal's own (assumed every 8).
    tab_stops_to: Option<u16>,
    /// Whether CHA (column absolute) and ECH (erase characters) may be used: not on a DEC VT100/VT102/VT220.
    cha: bool,
    ech: bool,
}

impl<W: Write> LeanBackend<W> {
    /// A backend for the controlling terminal, writing to `out`. `mono` keeps every colour off the line.
    pub fn new(out: W, mono: bool) -> io::Result<LeanBackend<W>> {
        let (w, h) = crossterm::terminal::size()?;
        Ok(Self::build(out, SizeSource::Tty, Size::new(w, h), mono))
    }

    /// A backend of a fixed size (tests, measuring output in memory).
    pub fn with_size(out: W, width: u16, height: u16, mono: bool) -> LeanBackend<W> {
        let size = Size::new(width, height);
        Self::build(out, SizeSource::Fixed(size), size, mono)
    }

    fn build(out: W, source: SizeSource, size: Size, mono: bool) -> LeanBackend<W> {
        LeanBackend {
            out,
            buf: Vec::with_capacity(4096),
            size: source,
            mono,
            shadow: Buffer::empty(Rect::new(0, 0, size.width, size.height)),
            synced: false,
            cursor: Cursor::Unknown,
            pen: None,
            shown: None,
            want_shown: true,
            want_pos: Position::ORIGIN,
            tab_stops_to: None,
            cha: true,
            ech: true,
        }
    }

    /// Keeps to what a DEC VT100 knows: no CHA and no ECH (both came later; a VT100 ignores them, which would
    /// leave the cursor or stale characters in the wrong place).
    pub fn set_vt100_only(&mut self, on: bool) {
        self.cha = !on;
        self.ech = !on;
    }

    /// Changes a fixed size, as a terminal resize would (the caller then draws; ratatui clears first).
    pub fn set_size(&mut self, width: u16, height: u16) {
        if let SizeSource::Fixed(_) = self.size {
            self.size = SizeSource::Fixed(Size::new(width, height));
        }
    }

    /// Queues control bytes to go out at the front of the next frame, in its one write(): the switch to the
    /// alternate screen, so the first paint is a single write. Only for sequences followed by a clear (which
    /// resynchronises cursor, pen and screen) or that move nothing the backend remembers.
    pub fn queue(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Queues the power-on tab stops (every `TAB_WIDTH` columns) in place of whatever the terminal holds, for
    /// moves by HT; the cursor is left somewhere on its row, so its position is forgotten.
    pub fn reset_tab_stops(&mut self) {
        let width = self.current_size().map_or(80, |s| s.width);
        self.buf.extend_from_slice(b"\x1b[3g\r");
        for _ in (moves::TAB_WIDTH..width).step_by(moves::TAB_WIDTH as usize) {
            self.buf.extend_from_slice(b"\x1b[8C\x1bH");
        }
        self.tab_stops_to = Some(width);
        self.cursor = Cursor::Unknown;
    }

    /// Columns a wider terminal adds may have no tab stops after `reset_tab_stops` cleared them all.
    fn cover_with_tab_stops(&mut self, width: u16) {
        if self.tab_stops_to.is_some_and(|w| width > w) {
            self.reset_tab_stops();
        }
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn current_size(&self) -> io::Result<Size> {
        match self.size {
            SizeSource::Fixed(s) => Ok(s),
            SizeSource::Tty => {
                let (w, h) = crossterm::terminal::size()?;
                Ok(Size::new(w, h))
            }
        }
    }

    /// Forgets everything about the terminal: the next frame must start with a clear.
    fn forget(&mut self) {
        self.buf.clear();
        self.synced = false;
        self.cursor = Cursor::Unknown;
        self.pen = None;
        self.shown = None;
    }

    fn set_pen(&mut self, pen: Pen) {
        sgr::transition(self.pen, pen, &mut self.buf);
        self.pen = Some(pen);
    }

    /// Cells `from..to` of row `y` as the terminal shows them, if printing them again in the current pen would
    /// leave the screen unchanged: all known, one column wide each, not the right half of a wide character.
    fn reprint(&self, y: u16, from: u16, to: u16) -> Option<Vec<u8>> {
        let pen = self.pen?;
        if !self.synced || to - from > REPRINT_MAX || to > self.shadow.area.width {
            return None;
        }
        if from > 0 && self.shadow.cell((from - 1, y))?.symbol().width() > 1 {
            return None;
        }
        let mut bytes = Vec::new();
        for x in from..to {
            let cell = self.shadow.cell((x, y))?;
            let symbol = cell.symbol();
            if symbol.width() != 1 || !Pen::of(cell, self.mono).looks_same(pen, symbol) {
                return None;
            }
            bytes.extend_from_slice(symbol.as_bytes());
        }
        Some(bytes)
    }

    fn move_to(&mut self, x: u16, y: u16) {
        // The common case, the next cell of a run: nothing to plan (and nothing to allocate).
        if self.cursor == (Cursor::At { x, y }) {
            return;
        }
        let bytes = plan(self.cursor, x, y, self.cha, &|row, from, to| {
            self.reprint(row, from, to)
        });
        self.buf.extend_from_slice(&bytes);
        self.cursor = Cursor::At { x, y };
    }

    /// True when the cell is a space drawn with the default pen, which is what EL leaves behind.
    fn is_erased(cell: &Cell, mono: bool) -> bool {
        cell.symbol() == " " && Pen::of(cell, mono).on_blank() == Pen::DEFAULT
    }

    /// The first column from which row `y` of the shadow is erased-looking to its end.
    fn blank_tail(&self, y: u16) -> u16 {
        let mut x = self.shadow.area.width;
        while x > 0
            && self
                .shadow
                .cell((x - 1, y))
                .is_some_and(|c| Self::is_erased(c, self.mono))
        {
            x -= 1;
        }
        // A blank that is the right half of a wide character cannot be erased on its own.
        if x < self.shadow.area.width
            && x > 0
            && self
                .shadow
                .cell((x - 1, y))
                .is_some_and(|c| c.symbol().width() > 1)
        {
            x += 1;
        }
        x
    }

    fn ensure_shadow_size(&mut self) -> io::Result<()> {
        let size = self.current_size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if self.shadow.area != area {
            self.shadow.resize(area);
            self.synced = false;
            self.cover_with_tab_stops(size.width);
        }
        Ok(())
    }

    /// Writes one row's changes: cells one by one, and the row's blank tail as a single erase when that is shorter.
    fn draw_row(&mut self, y: u16, cells: &[(u16, Cell)]) {
        let tail = self.blank_tail(y);
        let erase_from = cells
            .iter()
            .position(|(x, _)| *x >= tail)
            .filter(|i| cells.len() - i >= EL_MIN_CELLS);
        let width = self.shadow.area.width;
        let mut i = 0;
        while i < cells.len() {
            let (x, cell) = &cells[i];
            if erase_from == Some(i) {
                // Erase from where the cursor already is when that is inside the blank tail.
                match self.cursor {
                    Cursor::At { x: cx, y: cy } if cy == y && cx >= tail && cx <= *x => {}
                    _ => self.move_to(*x, y),
                }
                self.blank_pen();
                self.buf.extend_from_slice(b"\x1b[K");
                return;
            }
            // A long run of blanks inside the row: one ECH, and the cursor stays at its start.
            if let Some(n) = self.ech_run(y, cells, i, erase_from.unwrap_or(cells.len())) {
                self.move_to(*x, y);
                self.blank_pen();
                self.buf.extend_from_slice(&erase::ech(n as u16));
                i += n;
                continue;
            }
            i += 1;
            self.move_to(*x, y);
            let pen = Pen::of(cell, self.mono);
            // A space looks the same in any foreground: keep the pen rather than pay to change it.
            if !self.pen.is_some_and(|p| p.looks_same(pen, cell.symbol())) {
                self.set_pen(pen);
            }
            self.buf.extend_from_slice(cell.symbol().as_bytes());
            let next = x + cell.symbol().width() as u16;
            self.cursor = if next >= width {
                Cursor::PastEnd { y }
            } else {
                Cursor::At { x: next, y }
            };
        }
    }
}

/// A cell as it can be shown: a symbol that would not fit before the right edge, or has no width, becomes a
/// space (written as given it would wrap or join the cell before it, and the cursor would be lost). A cluster
/// whose width terminals disagree on (see [`crate::domain::width`]) that reached a cell without passing through
/// `text::display` becomes the stand-in padded with spaces to the columns ratatui gave it, so no text, wherever
/// it is drawn from, can move the rest of the screen.
fn showable(cell: &Cell, x: u16, width: u16) -> Cell {
    let symbol = cell.symbol();
    let w = symbol.width() as u16;
    if w == 0 || x + w > width {
        let mut blank = cell.clone();
        blank.set_symbol(" ");
        blank
    } else if symbol.len() > 1 && width::cluster(symbol) == width::Cluster::StandIn {
        let mut stand_in = cell.clone();
        let padded = format!("{}{}", width::STAND_IN, " ".repeat(usize::from(w) - 1));
        stand_in.set_symbol(&padded);
        stand_in
    } else {
        cell.clone()
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.ensure_shadow_size()?;
        let area = self.shadow.area;
        // Rows of (column, cell), in the order ratatui gives them (row by row, left to right).
        let mut rows: Vec<(u16, Vec<(u16, Cell)>)> = Vec::new();
        // The columns covered by the wide character last written on that row, which terminals fill already.
        let mut covered: Option<(u16, u16)> = None;
        let mut forced: Vec<(u16, u16)> = Vec::new();
        for (x, y, cell) in content {
            if x >= area.width || y >= area.height {
                continue;
            }
            if covered.is_some_and(|(cy, end)| cy == y && x < end) {
                continue;
            }
            let cell = showable(cell, x, area.width);
            let w = cell.symbol().width() as u16;
            covered = (w > 1).then_some((y, x + w));
            // ratatui sends a cell whose style changed even if it looks the same (a space in another foreground):
            // what the terminal already shows is left alone.
            let old = &self.shadow[(x, y)];
            if self.synced
                && old.symbol() == cell.symbol()
                && Pen::of(old, self.mono).looks_same(Pen::of(&cell, self.mono), cell.symbol())
            {
                continue;
            }
            // The right half of a wide character still on the terminal is about to be overwritten, which blanks
            // its left half there: remember that column as unknown so nothing is reprinted or erased from it.
            // (A wide character written in this frame covers its right half, so this one is older.)
            if x > 0
                && let Some(left) = self.shadow.cell_mut((x - 1, y))
                && left.symbol().width() > 1
            {
                left.set_symbol("");
            }
            // An older wide character partly overwritten here is erased whole by the terminal, in a pen each
            // terminal chooses: its columns beyond this cell must be written again, even if ratatui saw no change.
            for s in x..(x + w).min(area.width) {
                let old = self.shadow[(s, y)].symbol().width() as u16;
                for f in (x + w)..(s + old).min(area.width) {
                    forced.push((f, y));
                }
            }
            self.shadow[(x, y)] = cell.clone();
            for cx in x + 1..(x + w).min(area.width) {
                self.shadow[(cx, y)] = Cell::EMPTY;
            }
            match rows.last_mut() {
                Some((ry, r)) if *ry == y => r.push((x, cell)),
                _ => rows.push((y, vec![(x, cell)])),
            }
        }
        for (fx, fy) in forced {
            let Some(row) = rows.iter_mut().find(|(ry, _)| *ry == fy) else {
                continue;
            };
            let cells = &mut row.1;
            if let Err(at) = cells.binary_search_by_key(&fx, |(cx, _)| *cx) {
                cells.insert(at, (fx, self.shadow[(fx, fy)].clone()));
            }
        }
        self.draw_rows(&rows);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.want_shown = false;
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.want_shown = true;
        Ok(())
    }

    /// Where the cursor was last asked to be: remembered, never queried (a query waits a round trip).
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.want_pos)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.want_pos = position.into();
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        if clear_type == ClearType::All {
            // A full clear is also the resynchronisation: reset the pen, home, erase, and forget the cursor's
            // visibility, so that whatever the terminal did meanwhile, the next frame starts from a known state.
            let size = self.current_size()?;
            self.cover_with_tab_stops(size.width);
            self.buf.extend_from_slice(b"\x1b[m\x1b[H\x1b[2J");
            self.pen = Some(Pen::DEFAULT);
            self.cursor = Cursor::At { x: 0, y: 0 };
            self.shown = None;
            self.shadow = Buffer::empty(Rect::new(0, 0, size.width, size.height));
            self.synced = true;
            return Ok(());
        }
        self.ensure_shadow_size()?;
        let Position { x, y } = self.want_pos;
        self.move_to(x, y);
        self.set_pen(Pen::DEFAULT);
        let width = self.shadow.area.width;
        let height = self.shadow.area.height;
        let (code, first, last): (&[u8], (u16, u16), (u16, u16)) = match clear_type {
            ClearType::AfterCursor => (b"\x1b[J", (y, x), (height, 0)),
            ClearType::BeforeCursor => (b"\x1b[1J", (0, 0), (y, x + 1)),
            ClearType::CurrentLine => (b"\x1b[2K", (y, 0), (y + 1, 0)),
            ClearType::UntilNewLine | ClearType::All => (b"\x1b[K", (y, x), (y + 1, 0)),
        };
        self.buf.extend_from_slice(code);
        // Cells from `first` up to (not including) `last`, as (row, column), are blank now.
        for cy in 0..height {
            for cx in 0..width {
                if (cy, cx) >= first
                    && (cy, cx) < last
                    && let Some(c) = self.shadow.cell_mut((cx, cy))
                {
                    *c = Cell::EMPTY;
                }
            }
        }
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        self.current_size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        match self.size {
            SizeSource::Fixed(size) => Ok(WindowSize {
                columns_rows: size,
                pixels: Size::new(0, 0),
            }),
            SizeSource::Tty => {
                let ws = crossterm::terminal::window_size()?;
                Ok(WindowSize {
                    columns_rows: Size::new(ws.columns, ws.rows),
                    pixels: Size::new(ws.width, ws.height),
                })
            }
        }
    }

    /// Places and shows (or hides) the cursor, then sends the whole frame with one write().
    fn flush(&mut self) -> io::Result<()> {
        if self.want_shown {
            let Position { x, y } = self.want_pos;
            self.move_to(x, y);
            if self.shown != Some(true) {
                self.buf.extend_from_slice(b"\x1b[?25h");
                self.shown = Some(true);
            }
        } else if self.shown != Some(false) {
            self.buf.extend_from_slice(b"\x1b[?25l");
            self.shown = Some(false);
        }
        if self.buf.is_empty() {
            return Ok(());
        }
        let result = self
            .out
            .write_all(&self.buf)
            .and_then(|()| self.out.flush());
        match result {
            Ok(()) => {
                self.buf.clear();
                Ok(())
            }
            Err(e) => {
                // After a failed write nobody knows what reached the terminal (EIO: the line hung up).
                self.forget();
                Err(e)
            }
        }
    }
}
