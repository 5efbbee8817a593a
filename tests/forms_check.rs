//! `warden forms check`: every shipped form passes; each kind of problem is reported at its exact
//! `file:line:column`, and one bad form does not stop the others loading.

use std::path::{Path, PathBuf};
use std::process::Command;
use warden::domain::forms::Registry;

/// A small valid form; each test breaks one thing in it.
const GOOD: &str = r#"id = "probe"
version = 1
title = "Probe"
applies_to = "prisoner"
fill_roles = ["assessor"]

[[section]]
title = "Only"

[[section.question]]
name = "level"
type = "select_one"
label = "Level"
required = true
choices = [
  { value = "low", label = "Low", score = 0 },
  { value = "high", label = "High", score = 4 },
]

[[section.question]]
name = "count"
type = "integer"
label = "Count"
min = 0
max = 5

[[section.question]]
name = "doubled"
type = "calculate"
calculation = "${count} * 2"

[[sum]]
name = "total"
questions = ["level", "count"]

[[sum.band]]
max = 4
label = "Low"

[[sum.band]]
min = 5
label = "High"
"#;

fn warden(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .current_dir(dir)
        .env("WARDEN_LOG_DIR", dir)
        .env_remove("WARDEN_FORMS")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `text` as probe.toml in a fresh folder and returns the checker's problem lines.
fn problems(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("probe.toml"), text).unwrap();
    let (code, _, err) = warden(&["forms", "check", "probe.toml"], dir.path());
    let lines: Vec<String> = err
        .lines()
        .filter(|l| l.starts_with("probe.toml:"))
        .map(str::to_string)
        .collect();
    assert_eq!(code, if lines.is_empty() { 0 } else { 2 }, "{err}");
    lines
}

fn broken(from: &str, to: &str) -> Vec<String> {
    assert!(GOOD.contains(from), "{from}");
    problems(&GOOD.replacen(from, to, 1))
}

#[test]
fn every_shipped_form_passes_the_checker() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = warden(&["forms", "check"], root);
    assert_eq!(code, 0, "{err}");
    for id in [
        "admission_checks",
        "custody_initial",
        "custody_reclass",
        "mandela_compliance",
        "needs_screen",
        "security_audit",
        "vep_risk_spj",
    ] {
        // vep_risk_spj is at version 2: version 1 plus `access = "restricted"` (issue 16); admission_checks at
        // version 2: prefills from the record and `[after_admission]` (issue 17, item 11).
        let version = if ["vep_risk_spj", "admission_checks"].contains(&id) {
            2
        } else {
            1
        };
        assert!(
            out.contains(&format!("forms/{id}.toml: ok ({id} version {version})")),
            "{out}"
        );
    }
}

#[test]
fn the_probe_form_is_clean() {
    assert_eq!(problems(GOOD), Vec::<String>::new());
}

#[test]
fn unknown_key() {
    assert_eq!(
        broken("required = true\n", "requird = true\n")[0],
        "probe.toml:14:1: unknown field `requird`, expected one of `name`, `type`, `label`, `hint`, `required`, `relevant`, `constraint`, `constraint_message`, `default`, `prefill`, `choices`, `choice_list`, `calculation`, `min`, `max`, `translations`"
    );
}

#[test]
fn duplicate_name() {
    assert_eq!(
        broken("name = \"doubled\"", "name = \"count\""),
        ["probe.toml:28:8: duplicate name 'count' (first used at 21:8)"]
    );
}

#[test]
fn reference_to_an_unknown_question() {
    assert_eq!(
        broken("${count} * 2", "${cuont} * 2"),
        ["probe.toml:30:16: unknown question or sum 'cuont'"]
    );
    assert_eq!(
        broken(
            "questions = [\"level\", \"count\"]",
            "questions = [\"level\", \"cnt\"]"
        ),
        ["probe.toml:34:23: unknown question 'cnt'"]
    );
}

#[test]
fn cycle_among_calculations() {
    let text = GOOD.replace("max = 5\n", "max = 5\nrelevant = \"${doubled} > 1\"\n");
    assert_eq!(
        problems(&text),
        ["probe.toml:26:13: cycle: count -> doubled -> count (each needs the other's value)"]
    );
}

#[test]
fn type_error() {
    assert_eq!(
        broken("${count} * 2", "${count} * 'two'"),
        ["probe.toml:30:27: '*' needs a number, but this is text"]
    );
    assert_eq!(
        broken("max = 5\n", "max = 5\nrelevant = \"${level} = 'hihg'\"\n"),
        ["probe.toml:26:24: 'hihg' is not a choice of level (choices: low, high)"]
    );
}

#[test]
fn expression_syntax_error() {
    assert_eq!(
        broken("${count} * 2", "${count} ** 2"),
        ["probe.toml:30:26: calculation: expected a value, found '*'"]
    );
}

#[test]
fn bands_with_a_gap() {
    assert_eq!(
        broken("min = 5\nlabel = \"High\"", "min = 7\nlabel = \"High\""),
        [
            "probe.toml:33:8: the bands of 'total' leave scores 5 to 6 without a band (it ranges from 0 to 9)"
        ]
    );
}

#[test]
fn bands_that_overlap() {
    assert_eq!(
        broken("min = 5\nlabel = \"High\"", "min = 3\nlabel = \"High\""),
        ["probe.toml:41:7: band 'High' overlaps band 'Low' on scores 3 to 4"]
    );
}

#[test]
fn choice_without_a_score_used_by_a_sum() {
    assert_eq!(
        broken(
            "{ value = \"high\", label = \"High\", score = 4 }",
            "{ value = \"high\", label = \"High\" }"
        ),
        ["probe.toml:17:3: choice 'high' of 'level' has no score, but sum 'total' adds 'level'"]
    );
}

#[test]
fn unknown_role_and_file_name_mismatch() {
    assert_eq!(
        broken("[\"assessor\"]", "[\"assesor\"]"),
        [
            "probe.toml:5:15: unknown role 'assesor': expected officer, assessor, programme, supervisor or admin"
        ]
    );
    assert_eq!(
        broken("id = \"probe\"", "id = \"other\""),
        [
            "probe.toml:1:1: form id 'other' differs from the file name 'probe': name the file other.toml"
        ]
    );
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let text = GOOD
        .replacen("name = \"doubled\"", "name = \"count\"", 1)
        .replacen("${count} * 2", "${nope} * 2", 1);
    assert_eq!(
        problems(&text),
        [
            "probe.toml:28:8: duplicate name 'count' (first used at 21:8)",
            "probe.toml:30:16: unknown question or sum 'nope'",
        ]
    );
}

#[test]
fn a_malformed_form_is_unavailable_and_the_others_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("probe.toml"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "id = \"broken\"\nversion = \n",
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "not a form").unwrap();
    let reg = Registry::load_dir(dir.path()).unwrap();
    assert_eq!(reg.forms.len(), 1);
    assert!(reg.get("probe").is_some());
    assert_eq!(reg.unavailable.len(), 1);
    let line = &reg.unavailable[0].lines()[0];
    let expected: PathBuf = dir.path().join("broken.toml");
    assert!(
        line.starts_with(&format!("{}:2:11: ", expected.display())),
        "{line}"
    );
    // The whole folder through WARDEN_FORMS: the bad one is reported, the good one listed, exit non-zero.
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["forms", "check"])
        .env("WARDEN_FORMS", dir.path())
        .env("WARDEN_LOG_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("probe.toml: ok (probe version 1)"),
        "{stdout}"
    );
}
