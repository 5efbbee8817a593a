//! Estate files damaged at random (the shipped examples with bytes cut, tokens pushed in, lines doubled or
//! swapped, or any text at all): the TOML and CSV readers and the load plan never panic, and every problem they
//! report points at a line that exists. Fixed seeds, so CI sees the same cases every run.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use warden::domain::estate_file::{EstateFile, FileError, parse_csv, parse_toml};
use warden::domain::estate_plan::{ExistingEstate, plan};

const TOML: &str = include_str!("../docs/examples/estate.toml");
const CSV: &str = include_str!("../docs/examples/estate.csv");

/// Text that means something to one of the formats, or breaks it in a likely way.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[[facility]]",
    "[[facility.unit]]",
    "[[facility.unit.cells]]",
    "=",
    "\n",
    "\r\n",
    "\u{0}",
    "\u{feff}",
    "#",
    ",",
    ",,,,",
    "\"\"\"",
    "to = 99999999999999999999",
    "from = -1",
    "maximum = 0",
    "code = \"\"",
    "é",
    "ß",
    "محمد",
    "🦀",
    "\t",
    "inf",
    "nan",
    "1e308",
];

#[derive(Debug, Clone)]
enum Damage {
    /// Removes up to `len` bytes from a point (a fraction of the length), on character boundaries.
    Cut(f64, usize),
    /// Inserts text at a point.
    Insert(f64, String),
    /// Writes a line twice.
    Double(f64),
    /// Swaps two lines.
    Swap(f64, f64),
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..40usize).prop_map(|(a, n)| Damage::Cut(a, n)),
        (
            at.clone(),
            prop_oneof![
                3 => prop::sample::select(TOKENS).prop_map(str::to_string),
                1 => any::<String>(),
            ]
        )
            .prop_map(|(a, t)| Damage::Insert(a, t)),
        at.clone().prop_map(Damage::Double),
        (at.clone(), at).prop_map(|(a, b)| Damage::Swap(a, b)),
    ]
}

/// The nearest character boundary at or before `fraction` of the text.
fn point(text: &str, fraction: f64) -> usize {
    let mut i = ((text.len() as f64) * fraction) as usize;
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, damages: &[Damage]) -> String {
    let mut text = text.to_string();
    for d in damages {
        match d {
            Damage::Cut(at, len) => {
                let start = point(&text, *at);
                let mut end = (start + len).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(start..end, "");
            }
            Damage::Insert(at, what) => {
                let i = point(&text, *at);
                text.insert_str(i, what);
            }
            Damage::Double(at) | Damage::Swap(at, _) => {
                let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
                let i = ((lines.len() as f64) * at) as usize % lines.len();
                if let Damage::Swap(_, other) = d {
                    let j = ((lines.len() as f64) * other) as usize % lines.len();
                    lines.swap(i, j);
                } else {
                    let line = lines[i].clone();
                    lines.insert(i, line);
                }
                text = lines.join("\n");
            }
        }
    }
    text
}

/// What a reader said about `text` must be usable: problems at real lines, or a file the planner can take.
fn check(text: &str, read: Result<EstateFile, Vec<FileError>>) -> Result<(), TestCaseError> {
    // A file without a final newline still has its last line; a reader may also point just past the end.
    let lines = text.split('\n').count() + 1;
    match read {
        Err(problems) => {
            prop_assert!(!problems.is_empty(), "refused without saying why");
            for p in &problems {
                prop_assert!(
                    p.pos.line >= 1 && p.pos.line <= lines,
                    "{p} points outside the file's {lines} lines"
                );
                prop_assert!(p.pos.column.is_none_or(|c| c >= 1), "{p}");
                prop_assert!(
                    !p.message.trim().is_empty(),
                    "a problem without words at {}",
                    p.pos
                );
            }
        }
        Ok(file) => {
            if let Err(problems) = plan(&file, &ExistingEstate::default()) {
                for p in &problems {
                    prop_assert!(p.pos.line <= lines, "{p} points outside the file");
                }
            }
        }
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

#[test]
fn the_examples_themselves_load_into_a_plan() {
    for (name, read) in [("toml", parse_toml(TOML)), ("csv", parse_csv(CSV))] {
        let file = read.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(plan(&file, &ExistingEstate::default()).is_ok(), "{name}");
    }
}

#[test]
fn damaged_toml_never_panics_and_names_real_lines() {
    runner(1500)
        .run(&prop::collection::vec(damage(), 1..6), |damages| {
            let text = apply(TOML, &damages);
            check(&text, parse_toml(&text))
        })
        .unwrap();
}

#[test]
fn damaged_csv_never_panics_and_names_real_lines() {
    runner(1500)
        .run(&prop::collection::vec(damage(), 1..6), |damages| {
            let text = apply(CSV, &damages);
            check(&text, parse_csv(&text))
        })
        .unwrap();
}

#[test]
fn any_text_at_all_is_refused_or_read_without_panic() {
    runner(1500)
        .run(&any::<String>(), |text| {
            check(&text, parse_toml(&text))?;
            check(&text, parse_csv(&text))
        })
        .unwrap();
}
