//! Where the terminal's cursor is, and the shortest byte sequence that moves it somewhere else.
//!
//! Moves rely only on what every VT100 descendant does: CR, BS, LF at column 0, HT, CUU/CUD/CUF/CUB and CUP, and
//! CHA where the terminal is not a DEC VT100, VT102 or VT220 (which lack it).
//! LF is used only at column 0, so the result is the same whether or not the tty turns LF into CR LF. HT assumes
//! the power-on tab stops, every 8 columns (Ctrl-L sets them again: `TAB_STOP_RESET`).

/// Columns between the tab stops HT moves to.
pub const TAB_WIDTH: u16 = 8;

/// The terminal cursor as far as the backend knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Nothing is known (before the first clear, after a write error).
    Unknown,
    At {
        x: u16,
        y: u16,
    },
    /// A character was just written into the last column: terminals keep the cursor there with a pending wrap,
    /// and disagree on what relative moves do from that state, so only CR and CUP are used from it.
    PastEnd {
        y: u16,
    },
}

/// A way to move right by printing again what the terminal already shows, if that is possible and known:
/// `reprint(y, from_x, to_x)` returns the bytes that redraw columns `from_x..to_x` of row `y` in the current pen.
pub type Reprint<'a> = &'a dyn Fn(u16, u16, u16) -> Option<Vec<u8>>;

fn csi(n: u16, command: char) -> Vec<u8> {
    if n == 1 {
        format!("\x1b[{command}").into_bytes()
    } else {
        format!("\x1b[{n}{command}").into_bytes()
    }
}

/// Absolute position (CUP), omitting what defaults to 1.
pub fn absolute(x: u16, y: u16) -> Vec<u8> {
    match (x, y) {
        (0, 0) => b"\x1b[H".to_vec(),
        (0, y) => format!("\x1b[{}H", y + 1).into_bytes(),
        (x, y) => format!("\x1b[{};{}H", y + 1, x + 1).into_bytes(),
    }
}

fn shortest(candidates: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    candidates
        .into_iter()
        .min_by_key(Vec::len)
        .unwrap_or_default()
}

/// Up or down from row `y` to `ty`; at column 0 a run of LFs may be shorter than CUD.
fn vertical(y: u16, ty: u16, at_column_0: bool) -> Vec<u8> {
    if ty > y {
        let n = ty - y;
        let cud = csi(n, 'B');
        if at_column_0 && (n as usize) < cud.len() {
            vec![b'\n'; n as usize]
        } else {
            cud
        }
    } else if ty < y {
        csi(y - ty, 'A')
    } else {
        Vec::new()
    }
}

/// Right along row `y` from column `x` to `tx` by CUF or by printing again what is there.
fn forward(y: u16, x: u16, tx: u16, reprint: Reprint) -> Vec<u8> {
    if tx <= x {
        return Vec::new();
    }
    let cuf = csi(tx - x, 'C');
    match reprint(y, x, tx) {
        Some(bytes) if bytes.len() < cuf.len() => bytes,
        _ => cuf,
    }
}

/// Along row `y` from column `x` to `tx`.
fn horizontal(y: u16, x: u16, tx: u16, reprint: Reprint) -> Vec<u8> {
    if tx < x {
        let n = x - tx;
        let cub = csi(n, 'D');
        if (n as usize) < cub.len() {
            vec![b'\x08'; n as usize]
        } else {
            cub
        }
    } else if tx > x {
        let direct = forward(y, x, tx, reprint);
        // HT (one byte each) to the last tab stop at or before the target, then the rest of the way.
        let last_stop = tx / TAB_WIDTH * TAB_WIDTH;
        if last_stop > x {
            let tabs = (last_stop / TAB_WIDTH - x / TAB_WIDTH) as usize;
            let mut via_tabs = vec![b'\t'; tabs];
            via_tabs.extend(forward(y, last_stop, tx, reprint));
            shortest([direct, via_tabs])
        } else {
            direct
        }
    } else {
        Vec::new()
    }
}

/// The shortest sequence from `from` to column `tx`, row `ty`: nothing if the cursor is already there. `cha` says
/// whether CHA (column absolute) may be used.
pub fn plan(from: Cursor, tx: u16, ty: u16, cha: bool, reprint: Reprint) -> Vec<u8> {
    let cup = absolute(tx, ty);
    match from {
        Cursor::Unknown => cup,
        Cursor::PastEnd { y } => {
            let mut via_cr = vec![b'\r'];
            via_cr.extend(vertical(y, ty, true));
            via_cr.extend(horizontal(ty, 0, tx, reprint));
            shortest([via_cr, cup])
        }
        Cursor::At { x, y } if (x, y) == (tx, ty) => Vec::new(),
        Cursor::At { x, y } => {
            let mut direct = vertical(y, ty, x == 0);
            direct.extend(horizontal(ty, x, tx, reprint));
            let mut via_cr = vec![b'\r'];
            via_cr.extend(vertical(y, ty, true));
            via_cr.extend(horizontal(ty, 0, tx, reprint));
            let mut candidates = vec![direct, via_cr, cup];
            if cha && tx > 0 {
                let mut by_column = vertical(y, ty, x == 0);
                by_column.extend(format!("\x1b[{}G", tx + 1).into_bytes());
                candidates.push(by_column);
            }
            shortest(candidates)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_reprint(_: u16, _: u16, _: u16) -> Option<Vec<u8>> {
        None
    }

    fn mv(from: Cursor, tx: u16, ty: u16) -> String {
        String::from_utf8(plan(from, tx, ty, true, &no_reprint)).unwrap()
    }

    fn at(x: u16, y: u16) -> Cursor {
        Cursor::At { x, y }
    }

    #[test]
    fn no_move_when_the_cursor_is_already_there() {
        assert_eq!(mv(at(7, 3), 7, 3), "");
    }

    #[test]
    fn short_moves_along_a_row() {
        assert_eq!(mv(at(7, 3), 6, 3), "\x08", "one left is a backspace");
        assert_eq!(mv(at(7, 3), 5, 3), "\x08\x08");
        assert_eq!(mv(at(40, 3), 30, 3), "\x1b[10D");
        assert_eq!(mv(at(40, 3), 0, 3), "\r");
        assert_eq!(mv(at(40, 3), 1, 3), "\r\x1b[C");
        assert_eq!(mv(at(5, 3), 6, 3), "\x1b[C");
        assert_eq!(mv(at(5, 3), 30, 3), "\x1b[25C");
    }

    #[test]
    fn moves_between_rows() {
        assert_eq!(mv(at(30, 3), 0, 4), "\r\n", "start of the next line");
        assert_eq!(mv(at(30, 3), 0, 6), "\r\n\n\n");
        assert_eq!(mv(at(30, 3), 30, 4), "\x1b[B");
        assert_eq!(mv(at(30, 3), 30, 2), "\x1b[A");
        assert_eq!(mv(at(30, 3), 29, 2), "\x1b[A\x08");
        assert_eq!(mv(at(0, 3), 0, 5), "\n\n", "LF only at column 0");
        assert_eq!(mv(at(70, 20), 2, 1), "\x1b[2;3H", "far away: absolute");
    }

    #[test]
    fn unknown_and_pending_wrap_positions_use_only_safe_moves() {
        assert_eq!(mv(Cursor::Unknown, 0, 0), "\x1b[H");
        assert_eq!(mv(Cursor::Unknown, 4, 0), "\x1b[1;5H");
        assert_eq!(mv(Cursor::Unknown, 0, 9), "\x1b[10H");
        assert_eq!(mv(Cursor::PastEnd { y: 0 }, 0, 1), "\r\n");
        assert_eq!(mv(Cursor::PastEnd { y: 5 }, 79, 5), "\r\x1b[79C");
        assert_eq!(mv(Cursor::PastEnd { y: 5 }, 70, 9), "\x1b[10;71H");
        let s = mv(Cursor::PastEnd { y: 5 }, 3, 5);
        assert!(s.starts_with('\r') || s.starts_with("\x1b["), "{s:?}");
        assert!(!s.contains('\x08'), "{s:?}");
    }

    #[test]
    fn without_cha_a_column_is_reached_another_way() {
        assert_eq!(mv(at(70, 3), 5, 3), "\x1b[6G");
        let plain = String::from_utf8(plan(at(70, 3), 5, 3, false, &no_reprint)).unwrap();
        assert_eq!(plain, "\x1b[65D");
    }

    #[test]
    fn tabs_reach_tab_stops_in_a_byte_each() {
        assert_eq!(mv(at(13, 3), 24, 3), "\t\t", "13 -> 16 -> 24");
        assert_eq!(mv(at(13, 3), 16, 3), "\t");
        assert_eq!(
            mv(at(13, 3), 17, 3),
            "\x1b[4C",
            "a tab and CUF tie with CUF alone"
        );
        assert_eq!(mv(at(2, 3), 32, 3), "\t\t\t\t", "four tabs beat CSI 30 C");
        assert_eq!(mv(at(9, 3), 15, 3), "\x1b[6C", "no tab stop on the way");
        assert_eq!(mv(at(40, 2), 8, 3), "\r\n\t", "from the start of the row");
        let reprint = |_: u16, from: u16, to: u16| Some(vec![b'a'; (to - from) as usize]);
        assert_eq!(
            plan(at(14, 3), 17, 3, true, &reprint),
            b"\ta",
            "a tab then a reprinted cell"
        );
    }

    #[test]
    fn reprinting_what_is_there_can_beat_an_escape_sequence() {
        let reprint = |_: u16, from: u16, to: u16| Some(vec![b'a'; (to - from) as usize]);
        assert_eq!(plan(at(5, 3), 6, 3, true, &reprint), b"a");
        assert_eq!(plan(at(5, 3), 7, 3, true, &reprint), b"aa");
        assert_eq!(plan(at(5, 3), 30, 3, true, &reprint), b"\x1b[25C");
        assert_eq!(plan(at(40, 2), 1, 3, true, &reprint), b"\r\na");
    }
}
