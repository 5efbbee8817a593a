//! The lean terminal backend draws exactly what ratatui means: random frames written through it and replayed
//! into a terminal emulator (vt100) give the screen ratatui's `TestBackend` holds, cell by cell, with attributes.

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders};
use std::io::{self, Write};
use std::num::NonZeroU16;
use unicode_width::UnicodeWidthStr;
use warden::tui::DisplayOptions;
use warden::tui::backend::LeanBackend;
use warden::tui::theme::Theme;

/// Records what was written and how many write() calls it took.
#[derive(Default)]
struct Line {
    bytes: Vec<u8>,
    writes: usize,
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Text pieces: ASCII, Cyrillic, box drawing, wide CJK and Hangul, and combining marks (alone, they join the
/// character before them; after a wide character they make a wide cluster).
const GRAPHEMES: &[&str] = &[
    "a", "b", "Z", "7", " ", " ", "-", "ж", "Щ", "─", "│", "┌", "日", "本", "語", "한", "e\u{301}",
    "o\u{308}", "\u{301}", "\u{308}", "~",
];

/// Every style the two themes use, and a few the themes do not, to exercise every SGR path. Not bold with dim:
/// vt100 keeps one intensity per cell, so it cannot show both (and no theme asks for both).
fn styles() -> Vec<Style> {
    let mut out = Vec::new();
    for mono in [false, true] {
        let t = Theme::new(DisplayOptions::new(mono, mono));
        out.extend([
            t.base(),
            t.bar(),
            t.selected(),
            t.heading(),
            t.label(),
            t.error(),
            t.warning(),
            t.dim(),
            t.key(),
        ]);
    }
    out.extend([
        Style::default().add_modifier(Modifier::ITALIC | Modifier::UNDERLINED),
        Style::default().add_modifier(Modifier::DIM),
        Style::default()
            .fg(Color::Indexed(200))
            .bg(Color::Rgb(10, 20, 30)),
        Style::default().fg(Color::LightGreen).bg(Color::DarkGray),
        Style::default()
            .fg(Color::White)
            .add_modifier(Modifier::REVERSED),
    ]);
    out
}

#[derive(Debug, Clone)]
struct Piece {
    gap: u16,
    text: String,
    style: usize,
}

#[derive(Debug, Clone)]
struct Frame {
    rows: Vec<(u16, Vec<Piece>)>,
    border: Option<bool>,
    cursor: Option<(u16, u16)>,
}

#[derive(Debug, Clone)]
enum Step {
    /// A new frame: most of the screen changes, which the backend may draw as an erase of rows or the screen.
    Draw(Frame),
    /// The last frame with one row drawn anew: a small change, drawn cell by cell.
    Patch(u16, Vec<Piece>),
    /// Ctrl-L: clear and repaint.
    Clear,
    Resize(u16, u16),
}

fn piece() -> impl Strategy<Value = Piece> {
    (
        // Now and then a long gap: a blank run inside a row, which the backend may erase with ECH.
        prop_oneof![4 => 0u16..4, 1 => 4u16..16],
        prop::collection::vec(prop::sample::select(GRAPHEMES), 0..12),
        0..styles().len(),
    )
        .prop_map(|(gap, parts, style)| Piece {
            gap,
            text: parts.concat(),
            style,
        })
}

fn frame() -> impl Strategy<Value = Frame> {
    (
        prop::collection::vec((0u16..10, prop::collection::vec(piece(), 0..4)), 0..8),
        prop::option::of(any::<bool>()),
        prop::option::of((0u16..40, 0u16..10)),
    )
        .prop_map(|(rows, border, cursor)| Frame {
            rows,
            border,
            cursor,
        })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => frame().prop_map(Step::Draw),
        6 => (0u16..10, prop::collection::vec(piece(), 0..4)).prop_map(|(y, p)| Step::Patch(y, p)),
        1 => Just(Step::Clear),
        1 => (6u16..30, 3u16..9).prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

fn render(f: &mut ratatui::Frame, spec: &Frame, styles: &[Style]) {
    let area = f.area();
    if let Some(ascii) = spec.border {
        let t = Theme::new(DisplayOptions::new(false, ascii));
        f.render_widget(
            Block::default()
                .borders(Borders::ALL)
                .border_set(t.border())
                .title(" Box "),
            area,
        );
    }
    let buf = f.buffer_mut();
    let mut done = Vec::new();
    for (row, pieces) in &spec.rows {
        // One writer per row: overlapping writes would cut wide characters in half, which no terminal can show.
        if *row >= area.height || done.contains(row) {
            continue;
        }
        done.push(*row);
        let mut x = 0u16;
        for p in pieces {
            x = x.saturating_add(p.gap);
            if x >= area.width {
                break;
            }
            let room = (area.width - x) as usize;
            x = buf.set_stringn(x, *row, &p.text, room, styles[p.style]).0;
        }
    }
    if let Some((x, y)) = spec.cursor
        && x < area.width
        && y < area.height
    {
        f.set_cursor_position(Position::new(x, y));
    }
}

fn vt_colour(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(n) => vt100::Color::Idx(n),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// Compares the emulator's screen with the frame ratatui drew and the cursor `TestBackend` was given, cell by cell
/// as a person sees them; Err describes the first difference.
///
/// The cells come from the completed frame rather than `TestBackend::buffer()`: TestBackend applies only the cells
/// ratatui sends, so a cell hidden under a wide character stays in its buffer and reappears when the wide
/// character goes (a blank on any real terminal).
fn same_screen(
    vt: &vt100::Screen,
    buf: &ratatui::buffer::Buffer,
    test: &TestBackend,
    mono: bool,
) -> Result<(), String> {
    let area = buf.area;
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let want = &buf[(x, y)];
            let got = vt
                .cell(y, x)
                .ok_or_else(|| format!("no emulator cell at {x},{y}"))?;
            let got_text = if got.contents().is_empty() {
                " "
            } else {
                got.contents()
            };
            let (fg, bg) = if mono {
                (Color::Reset, Color::Reset)
            } else {
                (want.fg, want.bg)
            };
            let mut m = want.modifier;
            let mut fg = fg;
            // A space shows only its background and the attributes that draw on blanks; the backend may leave
            // a space in another foreground as it is, so compare blanks by what shows.
            let on_blank = Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
            let blank = want.symbol() == " ";
            if blank {
                m &= on_blank;
                if m.is_empty() {
                    fg = Color::Reset;
                }
            }
            let expected = (
                want.symbol(),
                vt_colour(fg),
                vt_colour(bg),
                m.contains(Modifier::BOLD),
                m.contains(Modifier::DIM),
                m.contains(Modifier::ITALIC),
                m.contains(Modifier::UNDERLINED),
                m.contains(Modifier::REVERSED),
            );
            let shows_fg = !blank || got.underline() || got.inverse();
            let actual = (
                got_text,
                if shows_fg {
                    got.fgcolor()
                } else {
                    vt100::Color::Default
                },
                got.bgcolor(),
                got.bold() && !blank,
                got.dim() && !blank,
                got.italic() && !blank,
                got.underline(),
                got.inverse(),
            );
            if expected != actual {
                return Err(format!(
                    "cell {x},{y}: TestBackend {expected:?}, terminal {actual:?}\nterminal:\n{}",
                    vt.contents()
                ));
            }
            // The column after a wide character is its right half on the terminal.
            x += want.symbol().width().max(1) as u16;
        }
    }
    if test.cursor_visible() {
        let p = test.cursor_position();
        if vt.hide_cursor() || vt.cursor_position() != (p.y, p.x) {
            return Err(format!(
                "cursor: TestBackend visible at {p:?}, terminal hidden={} at {:?}",
                vt.hide_cursor(),
                vt.cursor_position()
            ));
        }
    } else if !vt.hide_cursor() {
        return Err("cursor: TestBackend hidden, terminal shows it".into());
    }
    Ok(())
}

fn run(steps: &[Step], mono: bool) -> Result<(), TestCaseError> {
    run_on(steps, mono, false)
}

/// True if `bytes` holds a sequence a DEC VT100 does not know: CHA (`CSI n G`) or ECH (`CSI n X`).
fn has_post_vt100_sequence(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.split("\x1b[").skip(1).any(|seq| {
        let end = seq.find(|c: char| !c.is_ascii_digit() && c != ';');
        end.is_some_and(|e| matches!(seq[e..].chars().next(), Some('G' | 'X')))
    })
}

fn run_on(steps: &[Step], mono: bool, vt100_only: bool) -> Result<(), TestCaseError> {
    let styles = styles();
    let (mut w, mut h) = (24u16, 6u16);
    let mut lean = Terminal::new(LeanBackend::with_size(Line::default(), w, h, mono)).unwrap();
    lean.backend_mut().set_vt100_only(vt100_only);
    let mut test = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut vt = vt100::Parser::new(NonZeroU16::new(h).unwrap(), NonZeroU16::new(w).unwrap(), 0);
    // As the event loop starts: a clear, then frames.
    lean.clear().unwrap();
    test.clear().unwrap();
    let empty = Frame {
        rows: vec![],
        border: None,
        cursor: None,
    };
    let mut last = empty.clone();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Draw(spec) => last = spec.clone(),
            Step::Patch(y, pieces) => {
                last.rows.retain(|(row, _)| row != y);
                last.rows.insert(0, (*y, pieces.clone()));
            }
            Step::Clear => {
                lean.clear().unwrap();
                test.clear().unwrap();
            }
            Step::Resize(nw, nh) => {
                (w, h) = (*nw, *nh);
                lean.backend_mut().set_size(w, h);
                test.backend_mut().resize(w, h);
                vt.screen_mut()
                    .set_size(NonZeroU16::new(h).unwrap(), NonZeroU16::new(w).unwrap());
            }
        }
        let writes_before = lean.backend().writer().writes;
        let from = lean.backend().writer().bytes.len();
        lean.draw(|f| render(f, &last, &styles)).unwrap();
        let drawn = test
            .draw(|f| render(f, &last, &styles))
            .unwrap()
            .buffer
            .clone();
        let out = &lean.backend().writer().bytes[from..];
        vt.process(out);
        let writes = lean.backend().writer().writes - writes_before;
        prop_assert!(writes <= 1, "step {i}: {writes} writes for one frame");
        if let Err(e) = same_screen(vt.screen(), &drawn, test.backend(), mono) {
            return Err(TestCaseError::fail(format!(
                "step {i} of {steps:#?}\nbytes {:?}\n{e}",
                String::from_utf8_lossy(out)
            )));
        }
        if vt100_only {
            prop_assert!(
                !has_post_vt100_sequence(out),
                "CHA or ECH for a VT100: {:?}",
                String::from_utf8_lossy(out)
            );
        }
        if mono {
            prop_assert!(
                !has_colour_sgr(out),
                "colour in monochrome: {:?}",
                String::from_utf8_lossy(out)
            );
        }
        // The same frame again changes nothing and costs nothing.
        let from = lean.backend().writer().bytes.len();
        lean.draw(|f| render(f, &last, &styles)).unwrap();
        prop_assert_eq!(
            lean.backend().writer().bytes.len(),
            from,
            "a repeated frame wrote bytes"
        );
    }
    Ok(())
}

/// True if any SGR sequence in `bytes` sets a colour (parameters 30-49 or 90-107).
fn has_colour_sgr(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.split("\x1b[").skip(1).any(|seq| {
        let Some(end) = seq.find(|c: char| c.is_ascii_alphabetic()) else {
            return false;
        };
        if !seq[end..].starts_with('m') {
            return false;
        }
        seq[..end]
            .split(';')
            .filter_map(|p| p.parse::<u16>().ok())
            .any(|p| (30..=49).contains(&p) || (90..=107).contains(&p))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn colour_frames_replay_to_the_same_screen(steps in prop::collection::vec(step(), 1..12)) {
        run(&steps, false)?;
    }

    #[test]
    fn monochrome_frames_replay_to_the_same_screen_without_colour(steps in prop::collection::vec(step(), 1..12)) {
        run(&steps, true)?;
    }

    #[test]
    fn vt100_frames_replay_to_the_same_screen_with_only_vt100_sequences(steps in prop::collection::vec(step(), 1..12)) {
        run_on(&steps, true, true)?;
    }
}

#[test]
fn typing_a_character_where_the_cursor_is_costs_one_byte() {
    let mut t = Terminal::new(LeanBackend::with_size(Line::default(), 20, 3, false)).unwrap();
    t.clear().unwrap();
    let mut text = String::from("Name: ");
    t.draw(|f| {
        f.buffer_mut().set_string(0, 1, &text, Style::default());
        f.set_cursor_position(Position::new(6, 1));
    })
    .unwrap();
    for (i, c) in "Okello".chars().enumerate() {
        text.push(c);
        let before = t.backend().writer().bytes.len();
        t.draw(|f| {
            f.buffer_mut().set_string(0, 1, &text, Style::default());
            f.set_cursor_position(Position::new(7 + i as u16, 1));
        })
        .unwrap();
        let written = &t.backend().writer().bytes[before..];
        assert_eq!(written, c.to_string().as_bytes(), "typing {c:?}");
    }
}

#[test]
fn a_clear_resynchronises_pen_cursor_and_screen() {
    let mut t = Terminal::new(LeanBackend::with_size(Line::default(), 10, 2, false)).unwrap();
    t.clear().unwrap();
    let draw = |t: &mut Terminal<LeanBackend<Line>>| {
        t.draw(|f| {
            f.buffer_mut().set_string(
                0,
                0,
                "abc",
                Style::default().add_modifier(Modifier::REVERSED),
            );
            f.set_cursor_position(Position::new(3, 0));
        })
        .unwrap();
    };
    draw(&mut t);
    // Ctrl-L: whatever another program did to the terminal, the repaint starts from a reset.
    let before = t.backend().writer().bytes.len();
    t.clear().unwrap();
    draw(&mut t);
    let out = String::from_utf8_lossy(&t.backend().writer().bytes[before..]).into_owned();
    assert!(out.starts_with("\x1b[m\x1b[H\x1b[2J"), "{out:?}");
    assert!(out.contains("abc"), "{out:?}");
    assert!(out.contains("\x1b[?25h"), "cursor shown again: {out:?}");
}

#[test]
fn write_errors_reach_the_caller() {
    struct HungUp;
    impl Write for HungUp {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(5))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut t = Terminal::new(LeanBackend::with_size(HungUp, 10, 2, false)).unwrap();
    t.clear().unwrap();
    let err = t
        .draw(|f| f.render_widget(ratatui::widgets::Paragraph::new("x"), Rect::new(0, 0, 1, 1)))
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(5));
}

/// Draws `texts` (column, row, text) as one frame in the default style, replays the bytes into `vt`, and returns
/// them.
fn draw_texts(
    t: &mut Terminal<LeanBackend<Line>>,
    vt: &mut vt100::Parser,
    texts: &[(u16, u16, &str)],
) -> String {
    let from = t.backend().writer().bytes.len();
    t.draw(|f| {
        for (x, y, text) in texts {
            f.buffer_mut().set_string(*x, *y, text, Style::default());
        }
    })
    .unwrap();
    let out = &t.backend().writer().bytes[from..];
    vt.process(out);
    String::from_utf8_lossy(out).into_owned()
}

fn lean_and_vt(w: u16, h: u16) -> (Terminal<LeanBackend<Line>>, vt100::Parser) {
    let mut t = Terminal::new(LeanBackend::with_size(Line::default(), w, h, true)).unwrap();
    let mut vt = vt100::Parser::new(NonZeroU16::new(h).unwrap(), NonZeroU16::new(w).unwrap(), 0);
    t.clear().unwrap();
    vt.process(&t.backend().writer().bytes);
    (t, vt)
}

fn vt_rows(vt: &vt100::Parser) -> Vec<String> {
    let w = vt.screen().size().1.get();
    vt.screen()
        .rows(0, w)
        .map(|r| r.trim_end().to_string())
        .collect()
}

#[test]
fn moves_to_a_tab_stop_are_tabs_and_ctrl_l_sets_the_stops_again() {
    let (mut t, mut vt) = lean_and_vt(40, 3);
    // Two words 14 columns apart: from the end of the first, the second starts at a tab stop.
    let out = draw_texts(&mut t, &mut vt, &[(0, 1, "Name"), (16, 1, "Okello")]);
    assert!(out.contains("Name\t\tOkello"), "{out:?}");
    assert_eq!(vt_rows(&vt)[1], "Name            Okello");
    // Ctrl-L: tab stops every 8 columns, set before the clear (the terminal's may have been changed).
    let before = t.backend().writer().bytes.len();
    t.backend_mut().reset_tab_stops();
    t.clear().unwrap();
    t.draw(|_| {}).unwrap();
    let out = String::from_utf8_lossy(&t.backend().writer().bytes[before..]).into_owned();
    assert!(
        out.starts_with(&format!(
            "\x1b[3g\r{}\x1b[m\x1b[H\x1b[2J",
            "\x1b[8C\x1bH".repeat(4)
        )),
        "{out:?}"
    );
    // A wider terminal: its new columns get their tab stops before anything moves there.
    t.backend_mut().set_size(48, 3);
    let before = t.backend().writer().bytes.len();
    t.resize(ratatui::layout::Rect::new(0, 0, 48, 3)).unwrap();
    t.draw(|_| {}).unwrap();
    let out = String::from_utf8_lossy(&t.backend().writer().bytes[before..]).into_owned();
    assert_eq!(out.matches("\x1bH").count(), 5, "{out:?}");
}

#[test]
fn a_new_screen_over_a_full_one_is_an_erase_and_its_text() {
    let (mut t, mut vt) = lean_and_vt(40, 10);
    let full = "x".repeat(40);
    let rows: Vec<(u16, u16, &str)> = (0..10).map(|y| (0, y, full.as_str())).collect();
    draw_texts(&mut t, &mut vt, &rows);
    let out = draw_texts(&mut t, &mut vt, &[(2, 3, "Home"), (30, 8, "F1 help")]);
    assert!(out.contains("\x1b[J"), "one erase of the screen: {out:?}");
    assert!(!out.contains("x"), "no blank written as text: {out:?}");
    assert!(out.len() < 40, "{} bytes: {out:?}", out.len());
    let mut want = vec![String::new(); 10];
    want[3] = "  Home".into();
    want[8] = format!("{}F1 help", " ".repeat(30));
    assert_eq!(vt_rows(&vt), want);
}

#[test]
fn a_title_bar_that_stays_is_not_erased_with_the_screen_below() {
    let (mut t, mut vt) = lean_and_vt(40, 10);
    let full = "x".repeat(40);
    let mut rows: Vec<(u16, u16, &str)> = (1..10).map(|y| (0, y, full.as_str())).collect();
    rows.push((0, 0, "warden | Home"));
    draw_texts(&mut t, &mut vt, &rows);
    let out = draw_texts(&mut t, &mut vt, &[(0, 0, "warden | Find"), (2, 3, "Find:")]);
    assert!(
        out.contains("\x1b[J"),
        "the rows below erased at once: {out:?}"
    );
    assert!(
        !out.contains("warden"),
        "the title's unchanged text is not sent again: {out:?}"
    );
    assert!(out.len() < 30, "{} bytes: {out:?}", out.len());
    let mut want = vec![String::new(); 10];
    want[0] = "warden | Find".into();
    want[3] = "  Find:".into();
    assert_eq!(vt_rows(&vt), want);
}

#[test]
fn a_row_that_changes_whole_is_erased_then_written() {
    let (mut t, mut vt) = lean_and_vt(40, 4);
    let full = "x".repeat(40);
    draw_texts(
        &mut t,
        &mut vt,
        &[(0, 0, "top"), (0, 1, &full), (0, 3, "end")],
    );
    let out = draw_texts(
        &mut t,
        &mut vt,
        &[(0, 0, "top"), (0, 1, "ab"), (30, 1, "yz"), (0, 3, "end")],
    );
    assert!(out.contains("\x1b[2K"), "the row erased whole: {out:?}");
    assert!(!out.contains("   "), "no run of spaces: {out:?}");
    assert_eq!(
        vt_rows(&vt),
        vec![
            "top".to_string(),
            format!("ab{}yz", " ".repeat(28)),
            String::new(),
            "end".into()
        ]
    );
}

#[test]
fn a_long_blank_run_inside_a_row_is_one_ech() {
    let (mut t, mut vt) = lean_and_vt(40, 2);
    let old = format!("abc{}def", "x".repeat(30));
    draw_texts(&mut t, &mut vt, &[(0, 1, &old)]);
    let out = draw_texts(&mut t, &mut vt, &[(0, 1, "abc"), (33, 1, "dEf")]);
    assert!(out.contains("\x1b[30X"), "ECH over the 30 blanks: {out:?}");
    assert!(out.len() <= 16, "{} bytes: {out:?}", out.len());
    assert_eq!(
        vt_rows(&vt),
        vec![String::new(), format!("abc{}dEf", " ".repeat(30))]
    );
}

#[test]
fn an_erase_in_colour_resets_the_background_first() {
    let mut t = Terminal::new(LeanBackend::with_size(Line::default(), 20, 3, false)).unwrap();
    let mut vt = vt100::Parser::new(NonZeroU16::new(3).unwrap(), NonZeroU16::new(20).unwrap(), 0);
    t.clear().unwrap();
    let bar = Style::default().bg(Color::Cyan);
    let full = "x".repeat(20);
    for step in 0..2 {
        let from = t.backend().writer().bytes.len();
        t.draw(|f| {
            if step == 0 {
                for y in 0..3 {
                    f.buffer_mut().set_string(0, y, &full, Style::default());
                }
            }
            // Ends the frame in a coloured pen; the erase of the next frame must not fill with it.
            f.buffer_mut().set_string(0, 2, "bar", bar);
        })
        .unwrap();
        vt.process(&t.backend().writer().bytes[from..]);
    }
    let screen = vt.screen();
    assert_eq!(screen.cell(0, 5).unwrap().bgcolor(), vt100::Color::Default);
    assert_eq!(screen.cell(1, 5).unwrap().bgcolor(), vt100::Color::Default);
    assert_eq!(screen.cell(2, 1).unwrap().bgcolor(), vt100::Color::Idx(6));
    assert_eq!(screen.cell(2, 10).unwrap().bgcolor(), vt100::Color::Default);
}

#[test]
fn bytes_queued_before_the_first_frame_go_out_in_its_one_write() {
    let mut backend = LeanBackend::with_size(Line::default(), 10, 2, true);
    backend.queue(b"\x1b[?1049h");
    let mut t = Terminal::new(backend).unwrap();
    t.clear().unwrap();
    assert_eq!(t.backend().writer().writes, 0, "a clear alone is not sent");
    t.draw(|f| f.buffer_mut().set_string(0, 0, "warden", Style::default()))
        .unwrap();
    let line = t.backend().writer();
    assert_eq!(
        line.writes, 1,
        "the switch and the first paint in one write()"
    );
    let out = String::from_utf8_lossy(&line.bytes);
    assert!(out.starts_with("\x1b[?1049h\x1b[m\x1b[H\x1b[2J"), "{out:?}");
    assert!(out.contains("warden"), "{out:?}");
}

/// A cluster terminals draw at different widths (an emoji ZWJ sequence, a flag, a skin tone) is written as '?'
/// padded to the columns ratatui gave it, so whatever the terminal's tables say, what follows stays in place.
#[test]
fn clusters_of_disputed_width_are_written_as_a_stand_in_of_their_columns() {
    let (mut t, mut vt) = lean_and_vt(20, 2);
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
    let text = format!("ab{family}cd\u{1F1FA}\u{1F1EC}ef\u{1F44D}\u{1F3FD}g");
    let out = draw_texts(&mut t, &mut vt, &[(0, 0, text.as_str())]);
    assert!(
        !out.contains('\u{200D}') && !out.contains('\u{1F1FA}'),
        "{out:?}"
    );
    assert_eq!(vt_rows(&vt)[0], "ab? cd? ef? g");
    assert_eq!(vt.screen().cell(0, 12).unwrap().contents(), "g");
}
