//! The pen (colours and attributes) the terminal draws with, and the shortest SGR sequence from one pen to another.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

/// What the terminal will draw the next character with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub mods: Modifier,
}

/// Attributes with their "on" parameter; the "off" parameter follows from [`off_code`].
const ATTRIBUTES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// SGR 22 ends both bold and dim, 25 both blinks: turning one off turns its partner off too.
fn off_code(m: Modifier) -> (u8, Modifier) {
    let bold_dim = Modifier::BOLD | Modifier::DIM;
    let blinks = Modifier::SLOW_BLINK | Modifier::RAPID_BLINK;
    if bold_dim.contains(m) {
        (22, bold_dim)
    } else if blinks.contains(m) {
        (25, blinks)
    } else if m == Modifier::ITALIC {
        (23, m)
    } else if m == Modifier::UNDERLINED {
        (24, m)
    } else if m == Modifier::REVERSED {
        (27, m)
    } else if m == Modifier::HIDDEN {
        (28, m)
    } else {
        (29, m)
    }
}

impl Pen {
    pub const DEFAULT: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        mods: Modifier::empty(),
    };

    /// The pen a cell needs. In monochrome no colour ever reaches the terminal, whatever a widget asked for.
    pub fn of(cell: &Cell, mono: bool) -> Pen {
        if mono {
            Pen {
                mods: cell.modifier,
                ..Pen::DEFAULT
            }
        } else {
            Pen {
                fg: cell.fg,
                bg: cell.bg,
                mods: cell.modifier,
            }
        }
    }

    /// What of this pen shows on a blank cell: the background, and the attributes that draw on blanks (with the
    /// foreground colour). Bold, dim, italic, blink and the foreground alone do not show on a space.
    pub fn on_blank(self) -> Pen {
        let visible = Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
        let mods = self.mods & visible;
        Pen {
            fg: if mods.is_empty() {
                Color::Reset
            } else {
                self.fg
            },
            bg: self.bg,
            mods,
        }
    }

    /// True when `symbol` drawn with this pen looks the same as drawn with `other`.
    pub fn looks_same(self, other: Pen, symbol: &str) -> bool {
        self == other || (symbol == " " && self.on_blank() == other.on_blank())
    }
}

/// Named colours as their short SGR offsets (30+n / 90+n for foreground); None for indexed and RGB colours.
fn named(c: Color) -> Option<u8> {
    Some(match c {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 60,
        Color::LightRed => 61,
        Color::LightGreen => 62,
        Color::LightYellow => 63,
        Color::LightBlue => 64,
        Color::LightMagenta => 65,
        Color::LightCyan => 66,
        Color::White => 67,
        _ => return None,
    })
}

/// Appends one colour parameter; `base` is 30 for foreground, 40 for background.
fn push_colour(params: &mut Vec<String>, c: Color, base: u8) {
    let p = match c {
        Color::Reset => format!("{}", base + 9),
        Color::Indexed(n) => format!("{};5;{n}", base + 8),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
        other => match named(other) {
            Some(n) => format!("{}", base + n),
            None => format!("{}", base + 9),
        },
    };
    params.push(p);
}

fn push_mods(params: &mut Vec<String>, mods: Modifier) {
    for (m, code) in ATTRIBUTES {
        if mods.contains(m) {
            params.push(code.to_string());
        }
    }
}

fn sequence(params: &[String]) -> String {
    let mut s = String::from("\x1b[");
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(p);
    }
    s.push('m');
    s
}

/// From a reset: "\x1b[m" alone, or "0" followed by everything the pen needs.
fn from_reset(to: Pen) -> String {
    let mut params = Vec::new();
    push_mods(&mut params, to.mods);
    if to.fg != Color::Reset {
        push_colour(&mut params, to.fg, 30);
    }
    if to.bg != Color::Reset {
        push_colour(&mut params, to.bg, 40);
    }
    if params.is_empty() {
        return "\x1b[m".into();
    }
    params.insert(0, "0".into());
    sequence(&params)
}

/// Only what differs: attributes off (re-adding any partner the off code took too), attributes on, colours.
fn incremental(from: Pen, to: Pen) -> String {
    let mut params = Vec::new();
    let mut cleared = Modifier::empty();
    let mut codes = Vec::new();
    for (m, _) in ATTRIBUTES {
        if from.mods.contains(m) && !to.mods.contains(m) {
            let (code, clears) = off_code(m);
            if !codes.contains(&code) {
                codes.push(code);
                cleared |= clears;
            }
        }
    }
    params.extend(codes.iter().map(|c| c.to_string()));
    let still_on = from.mods - cleared;
    push_mods(&mut params, to.mods - still_on);
    if from.fg != to.fg {
        push_colour(&mut params, to.fg, 30);
    }
    if from.bg != to.bg {
        push_colour(&mut params, to.bg, 40);
    }
    sequence(&params)
}

/// Appends the shortest SGR sequence that takes the terminal from `from` (None: not known) to `to`.
pub fn transition(from: Option<Pen>, to: Pen, out: &mut Vec<u8>) {
    let s = match from {
        Some(f) if f == to => return,
        Some(f) => {
            let a = from_reset(to);
            let b = incremental(f, to);
            if b.len() < a.len() { b } else { a }
        }
        None => from_reset(to),
    };
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transition_string(from: Option<Pen>, to: Pen) -> String {
        let mut out = Vec::new();
        transition(from, to, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn pen(fg: Color, bg: Color, mods: Modifier) -> Pen {
        Pen { fg, bg, mods }
    }

    #[test]
    fn no_change_costs_nothing_and_default_is_a_bare_reset() {
        let p = pen(Color::Cyan, Color::Reset, Modifier::BOLD);
        assert_eq!(transition_string(Some(p), p), "");
        assert_eq!(transition_string(Some(p), Pen::DEFAULT), "\x1b[m");
        assert_eq!(transition_string(None, Pen::DEFAULT), "\x1b[m");
    }

    #[test]
    fn colours_use_the_short_codes() {
        let bar = pen(Color::Black, Color::Cyan, Modifier::empty());
        assert_eq!(transition_string(Some(Pen::DEFAULT), bar), "\x1b[30;46m");
        let grey = pen(Color::DarkGray, Color::Reset, Modifier::empty());
        assert_eq!(transition_string(Some(Pen::DEFAULT), grey), "\x1b[90m");
        let idx = pen(Color::Indexed(200), Color::Rgb(1, 2, 3), Modifier::empty());
        assert_eq!(
            transition_string(Some(Pen::DEFAULT), idx),
            "\x1b[38;5;200;48;2;1;2;3m"
        );
    }

    #[test]
    fn turning_one_attribute_off_picks_the_shorter_way() {
        let both = pen(
            Color::Reset,
            Color::Reset,
            Modifier::BOLD | Modifier::REVERSED,
        );
        let bold = pen(Color::Reset, Color::Reset, Modifier::BOLD);
        // "27" (5 bytes) beats "0;1" (6 bytes).
        assert_eq!(transition_string(Some(both), bold), "\x1b[27m");
        // Bold off also ends dim, so dim must be set again.
        let bold_dim = pen(Color::Reset, Color::Reset, Modifier::BOLD | Modifier::DIM);
        let dim = pen(Color::Reset, Color::Reset, Modifier::DIM);
        let s = transition_string(Some(bold_dim), dim);
        assert!(s == "\x1b[22;2m" || s == "\x1b[0;2m", "{s:?}");
    }

    #[test]
    fn a_blank_looks_the_same_in_any_foreground() {
        let cyan = pen(Color::Cyan, Color::Reset, Modifier::BOLD);
        assert!(cyan.looks_same(Pen::DEFAULT, " "));
        assert!(!cyan.looks_same(Pen::DEFAULT, "x"));
        let reversed = pen(Color::Cyan, Color::Reset, Modifier::REVERSED);
        assert!(!reversed.looks_same(Pen::DEFAULT, " "));
        let on_blue = pen(Color::Reset, Color::Blue, Modifier::empty());
        assert!(!on_blue.looks_same(Pen::DEFAULT, " "));
    }

    #[test]
    fn monochrome_pens_carry_no_colour() {
        let mut cell = Cell::new("x");
        cell.fg = Color::Red;
        cell.bg = Color::Yellow;
        cell.modifier = Modifier::REVERSED;
        let p = Pen::of(&cell, true);
        assert_eq!(transition_string(Some(Pen::DEFAULT), p), "\x1b[7m");
    }
}
