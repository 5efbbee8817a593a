//! Golden tests of the shipped instruments: typed answers -> scores, bands, result, override, next review date.
//! If a weight or band changes in forms/, the form needs a new version and these figures change with it.

use chrono::NaiveDate;
use std::path::Path;
use std::sync::Arc;
use warden::domain::auth::Role;
use warden::domain::estate::SecurityLevel;
use warden::domain::forms::{
    Answers, Form, Outcome, Registry, Value, check_approval, check_discretionary, evaluate,
    finalise, parse_answer,
};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-03-01";

fn form(id: &str) -> Arc<Form> {
    let reg = Registry::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")).unwrap();
    assert!(reg.unavailable.is_empty(), "{:?}", reg.unavailable);
    reg.get(id)
        .unwrap_or_else(|| panic!("no form {id}"))
        .clone()
}

/// Answers as a person would type them, read through the same path the filler uses.
fn answers(f: &Form, typed: &[(&str, &str)]) -> Answers {
    typed
        .iter()
        .map(|(name, text)| {
            let q = &f.questions[f
                .question(name)
                .unwrap_or_else(|| panic!("no question {name}"))];
            let v = parse_answer(q, text).unwrap_or_else(|e| panic!("{name} = {text}: {e}"));
            (name.to_string(), v)
        })
        .collect()
}

/// The outcome in words: (sum name, total, band label) for sums that fall in a band or have a total.
struct Seen {
    sums: Vec<(String, f64, Option<String>)>,
    result: Option<String>,
    mandatory: Option<String>,
    review: Option<NaiveDate>,
    findings: Vec<String>,
    complete: bool,
}

fn seen(f: &Form, o: &Outcome) -> Seen {
    Seen {
        sums: f
            .sums
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let band = o.bands[j].map(|b| s.bands[b].label.text.clone());
                (s.name.clone(), o.sums[j], band)
            })
            .collect(),
        result: o.result_value(f).map(str::to_string),
        mandatory: o.mandatory.map(|m| f.mandatory[m].reason.text.clone()),
        review: o.next_review,
        findings: o.finding_names(f).into_iter().map(str::to_string).collect(),
        complete: o.is_complete(),
    }
}

fn run(f: &Form, typed: &[(&str, &str)]) -> (Outcome, Seen) {
    let o = evaluate(f, &answers(f, typed), day(TODAY));
    let s = seen(f, &o);
    (o, s)
}

fn sum<'a>(s: &'a Seen, name: &str) -> (f64, Option<&'a str>) {
    let (_, total, band) = s.sums.iter().find(|(n, _, _)| n == name).unwrap();
    (*total, band.as_deref())
}

const MAN_HISTORY: &[(&str, &str)] = &[
    ("sex", "male"),
    ("date_of_birth", "1996-06-15"),
    ("escape_risk_flag", "no"),
    ("detainer", "no"),
];

#[test]
fn custody_initial_schedule_a_alone_gives_maximum() {
    let f = form("custody_initial");
    let mut typed = MAN_HISTORY.to_vec();
    typed.extend([
        ("institutional_violence", "recent_serious"),
        ("offence_severity", "highest"),
        ("prior_violence", "moderate"),
        ("escape_history", "none"),
    ]);
    let (o, s) = run(&f, &typed);
    assert_eq!(sum(&s, "schedule_a"), (15.0, Some("15 or more: maximum")));
    assert_eq!(sum(&s, "total"), (0.0, None), "Schedule B does not apply");
    assert!(!o.relevant[f.question("substance_misuse").unwrap()]);
    assert_eq!(s.result.as_deref(), Some("maximum"));
    assert_eq!(o.security_level(&f), Some(SecurityLevel::Maximum));
    assert_eq!(s.mandatory, None);
    assert_eq!(s.review, Some(day("2026-09-01")));
    assert!(s.complete);
}

fn man_to_schedule_b() -> Vec<(&'static str, &'static str)> {
    let mut typed = MAN_HISTORY.to_vec();
    typed.extend([
        ("institutional_violence", "none"),
        ("offence_severity", "high"),
        ("prior_violence", "low"),
        ("escape_history", "none"),
        ("substance_misuse", "some"),
        ("prior_convictions", "one"),
        ("time_to_release", "5_to_10y"),
        ("stability", "work home"),
    ]);
    typed
}

#[test]
fn custody_initial_schedule_b_grand_total_gives_medium() {
    let f = form("custody_initial");
    let (o, s) = run(&f, &man_to_schedule_b());
    assert_eq!(
        sum(&s, "schedule_a"),
        (4.0, Some("9 or less: go on to Schedule B"))
    );
    // B: substance 1 + convictions 2 + age 29 -> 1 + release 2 + stability -2 = 4; grand total 4 + 4.
    assert_eq!(
        o.values[f.question("age_score").unwrap()],
        Value::Number(1.0)
    );
    assert_eq!(sum(&s, "total"), (8.0, Some("7 to 16: medium")));
    assert_eq!(s.result.as_deref(), Some("medium"));
    assert_eq!(s.review, Some(day("2027-03-01")));
    assert!(s.complete);
}

#[test]
fn custody_initial_discretionary_override_is_approved_by_someone_else() {
    let f = form("custody_initial");
    let a = answers(&f, &man_to_schedule_b());
    let done = finalise(&f, &a, day(TODAY)).unwrap();
    let close = check_discretionary(
        &f,
        &done.outcome,
        "close",
        "Threats to staff recorded in the court papers.",
    )
    .unwrap();
    assert_eq!(f.result.as_ref().unwrap().choices[close].value, "close");
    assert_eq!(
        warden::domain::forms::next_review(&f, Some(close), day(TODAY)),
        Some(day("2026-09-01"))
    );
    assert!(check_discretionary(&f, &done.outcome, "close", "too short").is_err());
    assert!(check_approval(&f, "amina", "okello", Role::Supervisor).is_ok());
    assert!(check_approval(&f, "amina", "amina", Role::Supervisor).is_err());
    assert!(check_approval(&f, "amina", "okello", Role::Assessor).is_err());
}

#[test]
fn custody_initial_mandatory_overrides() {
    let f = form("custody_initial");
    // A minimum score with a detainer is raised to medium.
    let mut typed: Vec<_> = man_to_schedule_b()
        .into_iter()
        .filter(|(k, _)| *k != "detainer" && *k != "offence_severity")
        .collect();
    typed.extend([("detainer", "yes"), ("offence_severity", "low")]);
    let (o, s) = run(&f, &typed);
    assert_eq!(sum(&s, "total"), (5.0, Some("6 or less: minimum")));
    assert_eq!(
        f.result.as_ref().unwrap().choices[o.scored_result.unwrap()].value,
        "minimum"
    );
    assert_eq!(s.result.as_deref(), Some("medium"));
    assert_eq!(
        s.mandatory.as_deref(),
        Some("A detainer or further serious charge is pending: not below medium custody.")
    );
    // An escape-risk flag forces maximum, above the detainer's floor, with a 6-month review.
    typed.retain(|(k, _)| *k != "escape_risk_flag");
    typed.push(("escape_risk_flag", "yes"));
    let (_, s) = run(&f, &typed);
    assert_eq!(s.result.as_deref(), Some("maximum"));
    assert!(s.mandatory.unwrap().starts_with("Security has flagged"));
    assert_eq!(s.review, Some(day("2026-09-01")));
}

#[test]
fn custody_initial_is_not_applied_to_women_unchanged() {
    let f = form("custody_initial");
    let typed = [
        ("sex", "female"),
        ("date_of_birth", "1990-01-10"),
        ("escape_risk_flag", "no"),
        ("detainer", "no"),
        ("caring_responsibilities", "yes"),
        ("victimisation", "yes"),
        ("risk_to_others", "low"),
        ("women_level", "minimum"),
        (
            "women_rationale",
            "Low risk to others; two children; first offence.",
        ),
    ];
    let (o, s) = run(&f, &typed);
    for q in [
        "institutional_violence",
        "offence_severity",
        "substance_misuse",
    ] {
        assert!(
            !o.relevant[f.question(q).unwrap()],
            "{q} must not apply to women"
        );
    }
    assert_eq!(sum(&s, "schedule_a"), (0.0, None));
    assert_eq!(sum(&s, "total"), (0.0, None));
    assert_eq!(s.result.as_deref(), Some("minimum"));
    assert_eq!(s.review, Some(day("2027-03-01")));
    assert!(s.complete);
    // Maximum for a woman needs an assessed high risk to others.
    let mut harsher = typed.to_vec();
    harsher.retain(|(k, _)| *k != "women_level");
    harsher.push(("women_level", "maximum"));
    let (o, _) = run(&f, &harsher);
    assert_eq!(
        o.invalid[0].message.text,
        "Maximum custody for a woman needs an assessed high risk to others."
    );
}

#[test]
fn custody_reclass_conduct_items() {
    let f = form("custody_reclass");
    let typed = [
        ("sex", "male"),
        ("date_of_birth", "1990-05-01"),
        ("current_level", "medium"),
        ("escape_risk_flag", "no"),
        ("detainer", "no"),
        ("institutional_violence", "none"),
        ("offence_severity", "moderate"),
        ("prior_violence", "low"),
        ("escape_history", "none"),
        ("disciplinary_reports", "2"),
        ("most_serious_disciplinary", "serious"),
        ("programmes", "completed"),
        ("work", "good"),
    ];
    let (_, s) = run(&f, &typed);
    // A = 1 + 1; B = 2 (two reports) + 3 + -2 + -1 + 1 (age 35) = 3; total 5.
    assert_eq!(
        sum(&s, "schedule_a"),
        (2.0, Some("9 or less: go on to Schedule B"))
    );
    assert_eq!(sum(&s, "total"), (5.0, Some("6 or less: minimum")));
    assert_eq!(s.result.as_deref(), Some("minimum"));
    assert_eq!(s.review, Some(day("2027-03-01")));
    assert!(s.complete);
    // With no reports, the "most serious" item does not apply and need not be answered.
    let mut none = typed.to_vec();
    none.retain(|(k, _)| *k != "disciplinary_reports" && *k != "most_serious_disciplinary");
    none.push(("disciplinary_reports", "0"));
    let (_, s) = run(&f, &none);
    assert_eq!(sum(&s, "total"), (0.0, Some("6 or less: minimum")));
    assert!(s.complete);
}

#[test]
fn needs_screen_findings_and_self_harm_band() {
    let f = form("needs_screen");
    let typed = [
        ("education_level", "primary"),
        ("can_read", "yes"),
        ("can_write", "no"),
        ("worked_before", "no"),
        ("vocational_interest", "yes"),
        ("substances", "alcohol cannabis"),
        ("substance_problem", "some"),
        ("mental_health_concern", "no"),
        ("self_harm_history", "yes"),
        ("self_harm_thoughts", "no"),
        ("recent_loss", "yes"),
        ("family_contact", "occasional"),
        ("children", "2"),
        ("housing", "temporary"),
        ("id_documents", "no"),
        ("faith_interest", "maybe"),
        ("counselling_interest", "yes"),
    ];
    let (_, s) = run(&f, &typed);
    assert_eq!(
        sum(&s, "self_harm"),
        (3.0, Some("Raised: keep under observation"))
    );
    assert_eq!(
        s.findings,
        [
            "need_literacy",
            "need_education",
            "need_work_skills",
            "need_substance",
            "self_harm_risk",
            "need_family_contact",
            "need_housing",
            "need_documents",
            "interest_counselling"
        ]
    );
    assert_eq!(s.result, None);
    assert_eq!(s.review, Some(day("2027-03-01")));
    assert!(s.complete);
    let mut bad = typed.to_vec();
    bad.retain(|(k, _)| *k != "substances");
    bad.push(("substances", "none alcohol"));
    let (o, _) = run(&f, &bad);
    assert_eq!(
        o.invalid[0].message.text,
        "'None' cannot be chosen with a substance."
    );
}

#[test]
fn admission_checks_for_a_woman_with_children() {
    let f = form("admission_checks");
    let typed = [
        ("ill_treatment_complaint", "yes"),
        (
            "ill_treatment_details",
            "Says she was beaten at the police station on 2 March.",
        ),
        ("reported_to_authority", "no"),
        ("language", "Luganda"),
        ("interpreter_needed", "yes"),
        ("rules_explained", "yes"),
        ("family_informed", "pending"),
        ("health_screen", "booked"),
        ("sex", "female"),
        ("children_in_care", "3"),
        ("children_arrangements", "none"),
        (
            "children_details",
            "Three children, 2-9, with a neighbour in Gulu.",
        ),
        ("pregnant_or_breastfeeding", "no"),
    ];
    let (_, s) = run(&f, &typed);
    assert_eq!(
        s.findings,
        [
            "report_ill_treatment",
            "follow_up_health",
            "follow_up_children",
            "follow_up_family"
        ]
    );
    assert!(s.sums.is_empty());
    assert_eq!((s.result, s.review), (None, None));
    assert!(s.complete);
    // For a man the women's items do not apply and are cleared on finalising.
    let man: Vec<_> = typed
        .iter()
        .map(|&(k, v)| if k == "sex" { (k, "male") } else { (k, v) })
        .collect();
    let done = finalise(&f, &answers(&f, &man), day(TODAY)).unwrap();
    assert!(!done.answers.contains_key("children_in_care"));
    assert!(done.answers.contains_key("language"));
}

fn vep_answers(overall: &str) -> Vec<(&'static str, String)> {
    let reasons = "Rated from the file, the interview and staff observation over three months.";
    let mut typed: Vec<(&str, String)> = vec![
        ("disciplines", "psychology security".into()),
        (
            "contributors",
            "Dr N. Amara (psychologist); Sgt B. Okello (security)".into(),
        ),
        ("sources_used", "file interview observation".into()),
        ("account_given", "given".into()),
        (
            "account",
            "Says he joined for money and protection, not belief.".into(),
        ),
        ("beliefs", "high".into()),
        ("context", "moderate".into()),
        ("history", "low".into()),
        ("commitment", "moderate".into()),
        ("protective", "moderate".into()),
        ("overall", overall.into()),
        (
            "overall_reasons",
            "Beliefs are strong but there is no history of violence; family ties are protective."
                .into(),
        ),
        (
            "management",
            "Education and mentoring with the general population; review in 6 months.".into(),
        ),
    ];
    for name in [
        "beliefs_reasons",
        "context_reasons",
        "history_reasons",
        "commitment_reasons",
        "protective_reasons",
    ] {
        typed.push((name, reasons.into()));
    }
    typed
}

#[test]
fn vep_risk_spj_judgement_is_the_result() {
    let f = form("vep_risk_spj");
    let typed = vep_answers("moderate");
    let borrowed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, s) = run(&f, &borrowed);
    assert_eq!(sum(&s, "concern"), (4.0, None));
    assert_eq!(s.result.as_deref(), Some("moderate"));
    assert_eq!(s.review, Some(day("2026-09-01")));
    assert!(s.findings.is_empty());
    assert!(s.complete);
    let low = vep_answers("low");
    let borrowed: Vec<(&str, &str)> = low.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, s) = run(&f, &borrowed);
    assert_eq!(s.findings, ["judgement_below_domains"]);
    // One discipline is not enough; an empty rationale is missing.
    let mut one: Vec<(&str, &str)> = borrowed
        .iter()
        .copied()
        .filter(|(k, _)| *k != "disciplines" && *k != "history_reasons")
        .collect();
    one.push(("disciplines", "security"));
    let (o, s) = run(&f, &one);
    assert_eq!(
        o.invalid[0].message.text,
        "Contributors from at least two disciplines are needed."
    );
    assert_eq!(o.missing, vec![f.question("history_reasons").unwrap()]);
    assert!(!s.complete);
}

fn audit_answers() -> Vec<(&'static str, &'static str)> {
    let mut typed = vec![
        ("audit_date", "2026-02-20"),
        ("auditors", "Inspector A. Mutebi"),
        (
            "summary",
            "Lighting to repair by April; training plan for dynamic security.",
        ),
    ];
    for q in [
        "perimeter",
        "gates_locks",
        "cells",
        "keys",
        "alarms",
        "counts",
        "searches",
        "movement",
        "visits",
        "incidents",
        "emergency",
        "staffing",
        "interaction",
    ] {
        typed.push((q, "met"));
    }
    typed.extend([
        ("lighting", "partly"),
        ("information", "partly"),
        ("training", "not_met"),
    ]);
    typed
}

#[test]
fn security_audit_area_scores_and_rating() {
    let f = form("security_audit");
    let (_, s) = run(&f, &audit_answers());
    assert_eq!(sum(&s, "physical_score"), (11.0, Some("Good")));
    assert_eq!(sum(&s, "procedural_score"), (12.0, Some("Good")));
    assert_eq!(sum(&s, "dynamic_score"), (5.0, Some("Needs improvement")));
    assert_eq!(sum(&s, "overall"), (28.0, Some("27 or more")));
    assert_eq!(s.result.as_deref(), Some("satisfactory"));
    assert_eq!(s.review, Some(day("2027-03-01")));
    assert!(s.complete);
    let mut breached = audit_answers();
    breached.retain(|(k, _)| *k != "perimeter");
    breached.push(("perimeter", "not_met"));
    let (_, s) = run(&f, &breached);
    assert_eq!(sum(&s, "overall"), (26.0, Some("18 to 26")));
    assert_eq!(s.result.as_deref(), Some("unsatisfactory"));
    assert!(
        s.mandatory
            .unwrap()
            .starts_with("The perimeter is breached")
    );
    assert_eq!(s.review, Some(day("2026-06-01")));
}

#[test]
fn mandela_compliance_checklist() {
    let f = form("mandela_compliance");
    let mut typed = vec![
        ("check_date", "2026-02-27"),
        ("solitary_max_days", "20"),
        ("young_separate", "no"),
        (
            "young_separate_comment",
            "Two boys of 17 held in the adult remand block.",
        ),
        ("solitary_register", "partly"),
        (
            "solitary_register_comment",
            "Authority not recorded for one case.",
        ),
    ];
    for q in [
        "register_complete",
        "records_confidential",
        "sexes_separate",
        "untried_separate",
        "civil_separate",
        "single_cells",
        "conditions",
        "classified",
        "near_home",
        "education",
        "contact",
        "release_planning",
        "children_recorded",
    ] {
        typed.push((q, "yes"));
    }
    let (_, s) = run(&f, &typed);
    assert_eq!(sum(&s, "compliance"), (27.0, Some("Largely compliant")));
    assert_eq!(s.findings, ["prolonged_solitary", "separation_breach"]);
    assert_eq!(s.review, Some(day("2027-03-01")));
    assert!(s.complete);
    typed.retain(|(k, _)| *k != "young_separate_comment");
    let (o, _) = run(&f, &typed);
    assert_eq!(
        o.missing,
        vec![f.question("young_separate_comment").unwrap()]
    );
}

/// The worked example in docs/FORMS.md, figure by figure.
#[test]
fn the_worked_example_in_the_docs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/escape_risk.toml");
    let bytes = std::fs::read(&path).unwrap();
    let f = warden::domain::forms::registry::load_file(&path, &bytes).unwrap();
    assert_eq!(f.sums[0].range, (0.0, 11.0));
    let (o, s) = run(
        &f,
        &[
            ("escapes", "attempt"),
            ("years_left", "12"),
            ("outside_help", "no"),
        ],
    );
    assert!(o.relevant[f.question("outside_help").unwrap()]);
    assert_eq!(sum(&s, "risk"), (5.0, Some("0 to 5")));
    assert_eq!(
        (s.result.as_deref(), s.mandatory.as_deref()),
        (Some("standard"), None)
    );
    assert_eq!(s.review, Some(day("2027-03-01")));
    let (_, s) = run(
        &f,
        &[
            ("escapes", "escaped"),
            ("years_left", "3"),
            ("outside_help", "yes"),
        ],
    );
    assert_eq!(sum(&s, "risk"), (9.0, Some("6 or more")));
    assert_eq!(
        (s.result.as_deref(), s.review),
        (Some("heightened"), Some(day("2026-09-01")))
    );
    let (o, s) = run(
        &f,
        &[
            ("escapes", "escaped"),
            ("years_left", "7"),
            ("outside_help", "no"),
        ],
    );
    assert_eq!(sum(&s, "risk"), (5.0, Some("0 to 5")));
    assert_eq!(
        f.result.as_ref().unwrap().choices[o.scored_result.unwrap()].value,
        "standard"
    );
    assert_eq!(s.result.as_deref(), Some("heightened"));
    assert_eq!(
        s.mandatory.as_deref(),
        Some("Escaped before and five or more years to serve.")
    );
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace("min = 6", "min = 7");
    let errors = warden::domain::forms::load(text.as_bytes()).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "49:8: the bands of 'risk' leave the score 6 without a band (it ranges from 0 to 11)"
    );
}
