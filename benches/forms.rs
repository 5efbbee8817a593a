//! Form engine budgets (issue 4): load and check all shipped forms <= 20 ms; re-evaluate relevance, constraints and
//! scores after one answer <= 0.5 ms for a 100-question form. `cargo bench --bench forms` (figures in
//! docs/PERFORMANCE.md, "Forms"). Under `cargo test` each benchmark runs once, as a smoke test.

use chrono::NaiveDate;
use divan::Bencher;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use warden::domain::forms::{Answers, Form, Registry, Value, evaluate, load};

fn main() {
    divan::main();
}

fn forms_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")
}

/// Reading every file in forms/ and checking it, as the app does at start.
#[divan::bench]
fn load_and_check_all_shipped_forms() -> usize {
    let reg = Registry::load_dir(&forms_dir()).expect("forms/ is readable");
    assert!(reg.unavailable.is_empty());
    reg.forms.len()
}

/// A 100-question form of the shipped kind: 20 groups of five (a scored choice, a yes/no that shows a follow-up,
/// the follow-up with a constraint, a number with limits and a calculation), three sums with bands, overrides.
fn hundred_question_form() -> String {
    let mut s = String::from(
        "id = \"bench\"\nversion = 1\ntitle = \"Bench\"\napplies_to = \"prisoner\"\nfill_roles = [\"assessor\"]\n\
         approve_roles = [\"supervisor\"]\n[review]\ninterval_months = 12\n[result]\nlabel = \"Level\"\n\
         choices = [{ value = \"low\", label = \"Low\" }, { value = \"mid\", label = \"Mid\", review_months = 6 }, \
         { value = \"high\", label = \"High\", review_months = 6 }]\n",
    );
    for g in 0..20 {
        let _ = write!(
            s,
            "[[section]]\ntitle = \"Group {g}\"\n{rel}\
             [[section.question]]\nname = \"pick{g}\"\ntype = \"select_one\"\nlabel = \"Pick\"\nrequired = true\n\
             choices = [{{ value = \"a\", label = \"A\", score = 0 }}, {{ value = \"b\", label = \"B\", score = 1 }}, \
             {{ value = \"c\", label = \"C\", score = 3 }}]\n\
             [[section.question]]\nname = \"flag{g}\"\ntype = \"yes_no\"\nlabel = \"Flag\"\nrequired = true\n\
             choices = [{{ value = \"yes\", score = 2 }}, {{ value = \"no\", score = 0 }}]\n\
             [[section.question]]\nname = \"why{g}\"\ntype = \"text\"\nlabel = \"Why\"\nrequired = true\n\
             relevant = \"${{flag{g}}} and ${{pick{g}}} != 'a'\"\n\
             constraint = \"string-length(.) >= 5\"\nconstraint_message = \"Say more\"\n\
             [[section.question]]\nname = \"num{g}\"\ntype = \"integer\"\nlabel = \"Number\"\nmin = 0\nmax = 10\n\
             constraint = \". != 7 or ${{flag{g}}}\"\n\
             [[section.question]]\nname = \"calc{g}\"\ntype = \"calculate\"\n\
             calculation = \"if(selected(${{pick{g}}}, 'c'), coalesce(${{num{g}}}, 0) * 2, 0)\"\n",
            rel = if g > 0 {
                format!(
                    "relevant = \"${{pick{}}} != 'c' or ${{flag{}}}\"\n",
                    g - 1,
                    g - 1
                )
            } else {
                String::new()
            },
        );
    }
    let list = |prefix: &str, range: std::ops::Range<usize>| {
        range
            .map(|g| format!("\"{prefix}{g}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(
        s,
        "[[sum]]\nname = \"first\"\nquestions = [{}, {}]\n\
         [[sum.band]]\nmax = 20\nlabel = \"low\"\nresult = \"low\"\n[[sum.band]]\nmin = 21\nlabel = \"on\"\n\
         [[sum]]\nname = \"second\"\nquestions = [{}, {}, {}]\nsums = [\"first\"]\n\
         [[sum.band]]\nmax = 40\nlabel = \"mid\"\nresult = \"mid\"\n[[sum.band]]\nmin = 41\nlabel = \"high\"\nresult = \"high\"\n\
         [[sum]]\nname = \"extra\"\nexpression = \"${{first}} - ${{second}}\"\n\
         [[mandatory_override]]\nwhen = \"${{flag0}} and ${{flag19}}\"\nat_least = \"mid\"\nreason = \"Both flags\"\n\
         [discretionary_override]\n",
        list("pick", 0..10),
        list("flag", 0..10),
        list("pick", 10..20),
        list("flag", 10..20),
        list("calc", 0..20),
    );
    s
}

fn full_answers(form: &Form) -> Answers {
    let mut a = Answers::new();
    for g in 0..20 {
        let pick = ["a", "b", "c"][g % 3];
        a.insert(format!("pick{g}"), Value::Text(pick.into()));
        a.insert(format!("flag{g}"), Value::Bool(g % 2 == 0 || g % 3 == 2));
        a.insert(format!("why{g}"), Value::Text("because of the file".into()));
        a.insert(format!("num{g}"), Value::Number((g % 11) as f64));
    }
    assert_eq!(form.questions.len(), 100);
    a
}

#[divan::bench]
fn load_and_check_a_100_question_form(bencher: Bencher) {
    let text = hundred_question_form();
    bencher.bench(|| load(divan::black_box(text.as_bytes())).expect("the bench form is valid"));
}

/// One answer changes, then everything is re-evaluated: what the filler does after each keystroke that commits.
#[divan::bench]
fn evaluate_after_one_answer_100_questions(bencher: Bencher) {
    let form = load(hundred_question_form().as_bytes()).expect("the bench form is valid");
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).expect("a real date");
    let mut answers = full_answers(&form);
    // The work is real only if most of the form applies: check once, outside the timing.
    let o = evaluate(&form, &answers, today);
    let applies = o.relevant.iter().filter(|r| **r).count();
    assert!(applies >= 80, "only {applies} questions apply");
    assert!(o.result.is_some() && o.sums[1] > 0.0);
    let mut k = 0usize;
    bencher.bench_local(|| {
        k += 1;
        let v = ["a", "b"][k % 2];
        answers.insert(format!("pick{}", k % 20), Value::Text(v.into()));
        evaluate(&form, &answers, today)
    });
}

/// Saving one answer to a draft, as the filler does the moment an answer is entered: one write transaction,
/// synced to disk (WAL, synchronous=FULL), on a small demo database in a temporary directory.
#[divan::bench(sample_count = 200)]
fn save_one_answer_to_a_draft(bencher: Bencher) {
    use chrono::{TimeZone, Utc};
    use warden::store::{Actor, Store, Subject};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("forms-bench.db");
    let spec = warden::demo::DemoSpec {
        country: warden::demo::Country::Uganda,
        size: warden::demo::Size::Small,
        seed: 1,
    };
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
    warden::demo::build(&path, &spec, at).expect("build the demo database");
    let mut store = Store::open(&path).expect("open");
    let mut registry = Registry::load_dir(&forms_dir()).expect("forms/ is readable");
    let actor = Actor::system("assessor", at);
    store
        .register_forms(&actor, &mut registry)
        .expect("register forms");
    let form = registry
        .get("custody_initial")
        .expect("custody_initial ships")
        .clone();
    let prisoner: i64 = rusqlite::Connection::open(&path)
        .and_then(|c| {
            c.query_row(
                "SELECT id FROM prisoner WHERE in_custody = 1 AND sex = 'male' ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
        })
        .expect("a man in custody");
    let draft = store
        .start_assessment(&actor, &form, Subject::Prisoner(prisoner), &Answers::new())
        .expect("start a draft");
    let mut k = 0usize;
    bencher.bench_local(|| {
        k += 1;
        let v = ["none", "secure_recent"][k % 2];
        store
            .save_answer(&actor, draft, "escape_history", &Value::Text(v.into()))
            .expect("saved")
    });
}
