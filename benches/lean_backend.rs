//! The lean terminal backend's own time per frame (issue 9): a screen change, where it also tries erasing rows and
//! the screen and keeps the shortest, and a typed character. `cargo bench --bench lean_backend` (figures in
//! docs/PERFORMANCE.md, "Terminal output"). Under `cargo test` each benchmark runs once, as a smoke test.

use divan::Bencher;
use ratatui::Terminal;
use ratatui::layout::Position;
use ratatui::style::{Color, Style};
use warden::tui::backend::LeanBackend;

fn main() {
    divan::main();
}

/// A record-like screen: a title bar, labels in colour and their values.
fn record(f: &mut ratatui::Frame) {
    let buf = f.buffer_mut();
    let bar = Style::default().fg(Color::Black).bg(Color::Cyan);
    buf.set_string(
        0,
        0,
        format!("{:<80}", " warden | UPS/APA01/2025/00458"),
        bar,
    );
    for y in 2..22 {
        buf.set_string(
            3,
            y,
            format!("Label number {y}"),
            Style::default().fg(Color::Cyan),
        );
        buf.set_string(
            27,
            y,
            format!("value of row {y}, somewhat long"),
            Style::default(),
        );
    }
    buf.set_string(
        0,
        23,
        "e edit  A assess  m cell  Esc back",
        Style::default(),
    );
}

/// A list-like screen: the same title bar, a header and 18 rows of columns.
fn list(f: &mut ratatui::Frame) {
    let buf = f.buffer_mut();
    let bar = Style::default().fg(Color::Black).bg(Color::Cyan);
    buf.set_string(0, 0, format!("{:<80}", " warden | Find a prisoner"), bar);
    buf.set_string(1, 1, "Find: omod", Style::default());
    for y in 3..21 {
        let row = format!(" UPS/APA01/2025/{y:05}   Omoding, Name {y:<18}APA01    remand");
        buf.set_string(0, y, row, Style::default());
    }
    f.set_cursor_position(Position::new(11, 1));
}

/// One frame that changes most of the screen (record to list and back), into memory.
#[divan::bench]
fn screen_change(bencher: Bencher) {
    let mut t = Terminal::new(LeanBackend::with_size(Vec::new(), 80, 24, false)).expect("terminal");
    t.clear().expect("clear");
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        t.backend_mut().writer_mut().clear();
        t.draw(|f| if flip { list(f) } else { record(f) })
            .expect("draw");
        t.backend().writer().len()
    });
}

/// One frame that changes one cell: a typed character.
#[divan::bench]
fn typed_character(bencher: Bencher) {
    let mut t = Terminal::new(LeanBackend::with_size(Vec::new(), 80, 24, false)).expect("terminal");
    t.clear().expect("clear");
    t.draw(list).expect("draw");
    let mut n = 0u32;
    bencher.bench_local(|| {
        n += 1;
        let c = if n.is_multiple_of(2) { "a" } else { "b" };
        t.backend_mut().writer_mut().clear();
        t.draw(|f| {
            list(f);
            f.buffer_mut().set_string(11, 1, c, Style::default());
        })
        .expect("draw");
        t.backend().writer().len()
    });
}
