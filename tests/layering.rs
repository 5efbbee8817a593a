//! The layering of ARCHITECTURE.md checked on the sources: `domain` is pure (no SQL, no terminal, no argument
//! parser), only `cli` knows the argument parser, nothing but `cli` imports the demo generator (the screens read
//! the demo's accounts from the store's settings), and each setting's key is written once, in
//! `domain::settings`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file under src/, as (path relative to the crate, text).
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "the sources were not found");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, text)
        })
        .collect()
}

/// The places in `sources` (outside `allowed` path prefixes) whose text contains `needle`.
fn found(sources: &[(String, String)], needle: &str, allowed: &[&str]) -> Vec<String> {
    sources
        .iter()
        .filter(|(path, _)| !allowed.iter().any(|a| path.starts_with(a)))
        .filter(|(_, text)| text.contains(needle))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn the_domain_is_pure() {
    let all = sources();
    let domain: Vec<(String, String)> = all
        .into_iter()
        .filter(|(p, _)| p.starts_with("src/domain/") || p == "src/domain.rs")
        .collect();
    for needle in [
        "rusqlite::",
        "use rusqlite",
        "ratatui::",
        "use ratatui",
        "crossterm::",
        "use crossterm",
        "clap::",
        "crate::store",
        "crate::tui",
    ] {
        assert_eq!(
            found(&domain, needle, &[]),
            Vec::<String>::new(),
            "{needle} in the domain"
        );
    }
}

#[test]
fn only_the_command_line_knows_the_argument_parser_and_the_demo_generator() {
    let all = sources();
    assert_eq!(
        found(&all, "clap::", &["src/cli/", "src/main.rs"]),
        Vec::<String>::new()
    );
    assert_eq!(
        found(&all, "crate::demo", &["src/cli/", "src/demo/"]),
        Vec::<String>::new()
    );
}

#[test]
fn each_settings_key_is_written_once() {
    let all = sources();
    for setting in warden::store::Setting::FIXED {
        let quoted = format!("\"{}\"", setting.key());
        assert_eq!(
            found(&all, &quoted, &["src/domain/settings.rs"]),
            Vec::<String>::new(),
            "the key {quoted} is written outside domain::settings: use Setting"
        );
    }
}
