//! The key decoder's time (issue 18): a typed key, an arrow key, a 2,000-character bracketed paste, 4 KiB of
//! broken and unknown sequences; then the time one paste takes in the application, landing in a form field.
//! `cargo bench --bench key_decoder` (figures in docs/PERFORMANCE.md, "Key decoding"). Under `cargo test` each
//! benchmark runs once, as a smoke test.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use divan::{Bencher, black_box};
use std::time::{Duration, Instant};
use warden::demo::{Country, DemoSpec, Size};
use warden::store::Store;
use warden::tui::DisplayOptions;
use warden::tui::app::App;
use warden::tui::decoder::{DEFAULT_ESC_DELAY, Decoder};
use warden::tui::theme::Theme;

fn main() {
    if std::env::args().any(|a| a == "--bench") {
        percentiles();
    }
    divan::main();
}

fn decode(bytes: &[u8]) -> usize {
    let mut d = Decoder::new(DEFAULT_ESC_DELAY);
    d.feed(bytes);
    d.expire();
    std::iter::from_fn(|| d.next_event()).count()
}

fn paste_bytes() -> Vec<u8> {
    let mut b = b"\x1b[200~".to_vec();
    b.extend("Okello James, 14 Gulu Road\r\n".repeat(72).as_bytes());
    b.extend(b"\x1b[201~");
    b
}

/// Everything a paste arriving as keys may hold that is not a key, 4 KiB of it.
fn noise() -> Vec<u8> {
    let parts: [&[u8]; 6] = [
        b"X\x1b[?1049lY",
        b"\x1b]0;user@host: ~\x07",
        b"\x1b[38;5;196m",
        b"\x1bP1$r0m\x1b\\",
        b"\x1b[12",
        "é\u{202e}".as_bytes(),
    ];
    parts
        .iter()
        .cycle()
        .flat_map(|p| p.iter().copied())
        .take(4096)
        .collect()
}

#[divan::bench]
fn typed_key() -> usize {
    decode(black_box(b"a"))
}

#[divan::bench]
fn arrow_key() -> usize {
    decode(black_box(b"\x1b[A"))
}

#[divan::bench]
fn paste_2000_characters(bencher: Bencher) {
    let bytes = paste_bytes();
    bencher.bench(|| decode(black_box(&bytes)));
}

#[divan::bench]
fn noise_4_kib(bencher: Bencher) {
    let bytes = noise();
    bencher.bench(|| decode(black_box(&bytes)));
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), t0());
    // The password check of a sign-in runs on a worker: wait for it as the event loop would.
    while app.session().is_none() && app.working() {
        std::thread::sleep(std::time::Duration::from_millis(2));
        app.tick(t0());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p99 of one key's decoding over a typed session, and a paste into the admission form through the app.
fn percentiles() {
    // Keys one read() each, as typing delivers them.
    let keys: Vec<&[u8]> = [
        &b"a"[..],
        b"\x1b[A",
        b"\t",
        b"\x1bOQ",
        "é".as_bytes(),
        b"\x7f",
    ]
    .into_iter()
    .cycle()
    .take(60_000)
    .collect();
    let mut d = Decoder::new(DEFAULT_ESC_DELAY);
    let mut samples: Vec<Duration> = keys
        .iter()
        .map(|k| {
            let start = Instant::now();
            d.feed(k);
            black_box(d.next_event());
            start.elapsed()
        })
        .collect();
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "decode one key                 n={} p50 {:.4} p99 {:.4} max {:.4} ms",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*samples.last().unwrap())
    );

    let dir = tempfile_dir();
    let db = dir.join("paste.db");
    let spec = DemoSpec {
        country: Country::Uganda,
        size: Size::Small,
        seed: 1,
    };
    warden::demo::build(&db, &spec, Utc::now()).expect("build the demo database");
    let mut times = Vec::new();
    for i in 0..20 {
        // A fresh copy each time: the form would otherwise come back with the last run's draft, already full.
        let copy = dir.join(format!("paste-{i}.db"));
        std::fs::copy(&db, &copy).expect("copy the demo database");
        let mut app = App::new(
            Store::open(&copy).expect("open"),
            Theme::new(DisplayOptions::new(false, false)),
            t0(),
        );
        for c in "officer".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        key(&mut app, KeyCode::Enter);
        for c in "officer-demo".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        key(&mut app, KeyCode::Enter);
        // Home, Admit a prisoner, down to the family name.
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Tab);
        let text = "Okello James, 14 Gulu Road\r\n".repeat(72);
        let start = Instant::now();
        app.handle_event(Event::Paste(text), t0());
        times.push(start.elapsed());
        app.flush_drafts();
    }
    times.sort();
    println!(
        "paste 2000 characters into a form field (app)  n={} median {:.3} max {:.3} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(*times.last().unwrap())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("warden-key-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}
