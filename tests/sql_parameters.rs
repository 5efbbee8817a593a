//! Every value in SQL is a bound parameter: a scan of the sources for SQL text built with `format!` that
//! splices in anything other than a constant fragment (a column list, a fixed filter chosen in code).

use std::path::{Path, PathBuf};

/// Names spliced into SQL that are not constants but are still fixed SQL chosen by the code, never a value: (file, name,
/// why it is safe). A new entry needs the same scrutiny.
const FRAGMENTS: &[(&str, &str, &str)] = &[
    (
        "src/store/prisoners.rs",
        "sources.join(\" UNION \")",
        "the search's candidate sources: literal SELECTs with bound parameters, chosen by the query's shape",
    ),
    (
        "src/store/allocation.rs",
        "facility_filter",
        "one of three literal filters picked by `Within`",
    ),
    (
        "src/store/allocation.rs",
        "unit_filter",
        "one of three literal filters",
    ),
    (
        "src/store/allocation.rs",
        "cell_filter",
        "one of three literal filters",
    ),
    (
        "src/store/allocation.rs",
        "occupant_filter",
        "one of three literal filters",
    ),
    (
        "src/store/assessments.rs",
        "filter",
        "assessments_where is private; every caller passes a literal",
    ),
    (
        "src/store/backup.rs",
        "quoted",
        "a table name read from sqlite_schema, double-quoted",
    ),
    (
        "src/store/prisoners.rs",
        "select",
        "built from the constants HIT_SELECT and HIT_FROM",
    ),
];

/// SQL is written in capitals here, which also keeps messages ("not where X is held") out of the scan.
const SQL_WORDS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "PRAGMA ", " WHERE ", " VALUES",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literal that starts at `text` (after `format!(` and blanks), without its quotes (raw strings
/// too), and the text after it.
fn literal(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return Some((&rest[..i], &rest[i + 1..])),
                _ => escaped = false,
            }
        }
        return None;
    }
    let rest = text.strip_prefix('r')?;
    let hashes = rest.chars().take_while(|c| *c == '#').count();
    let body = rest[hashes..].strip_prefix('"')?;
    let end = format!("\"{}", "#".repeat(hashes));
    body.find(&end)
        .map(|i| (&body[..i], &body[i + end.len()..]))
}

/// The arguments after the format string, up to the macro's closing parenthesis, split at top-level commas.
fn arguments(after: &str) -> Vec<String> {
    let mut args = vec![String::new()];
    let mut depth = 0i32;
    for c in after.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = args.last_mut() {
            last.push(c);
        }
    }
    args.into_iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

/// A constant by the naming convention: SOME_NAME, or a path ending in one (super::module::SOME_NAME).
fn is_constant(name: &str) -> bool {
    let last = name.rsplit("::").next().unwrap_or("");
    !last.is_empty()
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The names spliced into a format string: `{name}` and `{name:...}`, not `{{` escapes or positional `{}`.
fn spliced_names(format: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = format;
    while let Some(i) = rest.find('{') {
        if rest[i + 1..].starts_with('{') {
            rest = &rest[i + 2..];
            continue;
        }
        let Some(j) = rest[i..].find('}') else { break };
        let inner = &rest[i + 1..i + j];
        names.push(inner.split(':').next().unwrap_or("").trim().to_string());
        rest = &rest[i + j + 1..];
    }
    names
}

/// (file, line, name) for every non-constant name spliced into SQL text.
fn spliced(root: &Path) -> Vec<(String, usize, String)> {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let name = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // Unit tests build rows by hand; what matters is the program's own SQL.
        if name.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices("format!(") {
            let Some((format, after)) = literal(&text[at + "format!(".len()..]) else {
                continue;
            };
            if !SQL_WORDS.iter().any(|w| format.contains(w)) {
                continue;
            }
            let line = text[..at].matches('\n').count() + 1;
            let mut positional = arguments(after).into_iter();
            for p in spliced_names(format) {
                // `{}` takes the next argument after the format string: judge that expression instead.
                let p = if p.is_empty() {
                    positional.next().unwrap_or_default()
                } else {
                    p
                };
                let vetted = FRAGMENTS.iter().any(|(f, n, _)| *f == name && *n == p);
                if !is_constant(&p) && !vetted {
                    found.push((name.clone(), line, p));
                }
            }
        }
    }
    found
}

#[test]
fn sql_text_splices_in_only_constants_and_vetted_fragments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = spliced(root);
    assert!(
        found.is_empty(),
        "values must be bound parameters (?1), not spliced into SQL text:\n{}",
        found
            .iter()
            .map(|(f, l, p)| format!("{f}:{l}: {{{p}}}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_scan_finds_a_value_spliced_into_sql() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/store")).unwrap();
    std::fs::write(
        dir.path().join("src/store/bad.rs"),
        "fn f(name: &str) { let sql = format!(\"SELECT id FROM staff WHERE name = '{name}'\"); \
         let ok = format!(\"SELECT {COLUMNS} FROM staff WHERE id = ?1\"); \
         let also = format!(r#\"UPDATE staff SET role = \"{role:?}\"\"#); \
         let cols = format!(\"SELECT {}, {} FROM staff\", super::COLUMNS, who.name); \
         let message = format!(\"not where {who} is held\"); }",
    )
    .unwrap();
    let found = spliced(dir.path());
    let names: Vec<&str> = found.iter().map(|(_, _, p)| p.as_str()).collect();
    assert_eq!(names, ["name", "role", "who.name"], "{found:?}");
}

#[test]
fn spliced_names_skip_escaped_braces_and_keep_names() {
    assert_eq!(
        spliced_names("SELECT '{{x}}', {A_B} WHERE x = {v:?} AND {}"),
        ["A_B", "v", ""]
    );
}
