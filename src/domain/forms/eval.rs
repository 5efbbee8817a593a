//! Values and the evaluator. Runs on every answer, so it allocates little and never fails: anything undefined
//! (an unanswered question, a division by zero, a date out of range) is `Null`, which comparisons treat as false.

use super::expr::{BinOp, Expr, Func, Kind, Target};
use chrono::{Datelike, Days, NaiveDate};
use std::cmp::Ordering;

/// An answer or the value of an expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// Not answered, not relevant, or undefined.
    #[default]
    Null,
    Number(f64),
    Text(String),
    Date(NaiveDate),
    Bool(bool),
    /// The values chosen in a select_multiple question, in the form's order.
    List(Vec<String>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// How the value reads on a screen or in a report; numbers without a needless ".0".
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Number(n) => number_text(*n),
            Value::Text(s) => s.clone(),
            Value::Date(d) => d.to_string(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Value::List(v) => v.join(" "),
        }
    }
}

pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What an expression can see while it is evaluated.
pub trait Env {
    fn value(&self, target: Target) -> &Value;
    /// The answer a constraint is checking (`.`).
    fn current(&self) -> &Value;
    fn today(&self) -> NaiveDate;
}

fn number(n: f64) -> Value {
    if n.is_finite() {
        Value::Number(n)
    } else {
        Value::Null
    }
}

/// Evaluates a checked expression. Never panics; ill-typed combinations (impossible after checking) give Null.
pub fn eval(e: &Expr, env: &dyn Env) -> Value {
    match &e.kind {
        Kind::Number(n) => Value::Number(*n),
        Kind::Text(s) => Value::Text(s.clone()),
        Kind::Date(d) => Value::Date(*d),
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Ref { target, .. } => env.value(*target).clone(),
        Kind::Current => env.current().clone(),
        Kind::Neg(a) => match eval(a, env) {
            Value::Number(n) => number(-n),
            _ => Value::Null,
        },
        Kind::Not(a) => match eval(a, env) {
            Value::Bool(b) => Value::Bool(!b),
            // Unanswered is not true, so "not unanswered" is true: relevant = "not ${x}" shows until x is yes.
            Value::Null => Value::Bool(true),
            _ => Value::Null,
        },
        Kind::Binary(op, a, b) => binary(*op, a, b, env),
        Kind::Call(f, args) => call(*f, args, env),
    }
}

/// Whether an expression holds; unanswered or undefined counts as not holding.
pub fn holds(e: &Expr, env: &dyn Env) -> bool {
    eval(e, env) == Value::Bool(true)
}

fn binary(op: BinOp, a: &Expr, b: &Expr, env: &dyn Env) -> Value {
    match op {
        // Short-circuit, so a condition guarding a later part spares its evaluation.
        BinOp::And => Value::Bool(holds(a, env) && holds(b, env)),
        BinOp::Or => Value::Bool(holds(a, env) || holds(b, env)),
        _ => {
            let (x, y) = (eval(a, env), eval(b, env));
            if op.is_comparison() {
                return compare(op, &x, &y);
            }
            match (op, x, y) {
                (_, Value::Number(x), Value::Number(y)) => match op {
                    BinOp::Add => number(x + y),
                    BinOp::Sub => number(x - y),
                    BinOp::Mul => number(x * y),
                    BinOp::Div if y != 0.0 => number(x / y),
                    BinOp::Mod if y != 0.0 => number(x % y),
                    _ => Value::Null,
                },
                (BinOp::Add, Value::Date(d), Value::Number(n))
                | (BinOp::Add, Value::Number(n), Value::Date(d)) => add_days(d, n),
                (BinOp::Sub, Value::Date(d), Value::Number(n)) => add_days(d, -n),
                (BinOp::Sub, Value::Date(x), Value::Date(y)) => {
                    Value::Number((x - y).num_days() as f64)
                }
                _ => Value::Null,
            }
        }
    }
}

fn add_days(d: NaiveDate, n: f64) -> Value {
    if !n.is_finite() || n.abs() > 1e6 {
        return Value::Null;
    }
    let days = n.trunc() as i64;
    let moved = if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.map_or(Value::Null, Value::Date)
}

fn compare(op: BinOp, x: &Value, y: &Value) -> Value {
    let ord = match (x, y) {
        (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        // Unanswered compares as nothing: "${x} != 'a'" is false until x is answered, as in XLSForm.
        _ => None,
    };
    let Some(ord) = ord else {
        return Value::Bool(false);
    };
    Value::Bool(match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        BinOp::Ge => ord != Ordering::Less,
        _ => false,
    })
}

fn call(f: Func, args: &[Expr], env: &dyn Env) -> Value {
    let arg = |i: usize| args.get(i).map_or(Value::Null, |a| eval(a, env));
    match f {
        Func::If => match args.first() {
            Some(c) if holds(c, env) => arg(1),
            _ => arg(2),
        },
        Func::Selected => {
            let Value::Text(want) = arg(1) else {
                return Value::Bool(false);
            };
            Value::Bool(match arg(0) {
                Value::List(v) => v.contains(&want),
                Value::Text(s) => s == want,
                _ => false,
            })
        }
        Func::CountSelected => Value::Number(match arg(0) {
            Value::List(v) => v.len() as f64,
            Value::Text(_) => 1.0,
            _ => 0.0,
        }),
        Func::Today => Value::Date(env.today()),
        Func::Age => match arg(0) {
            Value::Date(born) => Value::Number(f64::from(whole_years(born, env.today()))),
            _ => Value::Null,
        },
        Func::StringLength => Value::Number(match arg(0) {
            Value::Text(s) => s.chars().count() as f64,
            _ => 0.0,
        }),
        Func::Sum => number(args.iter().filter_map(|a| eval(a, env).as_number()).sum()),
        Func::Min | Func::Max => {
            let nums = args.iter().filter_map(|a| eval(a, env).as_number());
            let best = if f == Func::Min {
                nums.reduce(f64::min)
            } else {
                nums.reduce(f64::max)
            };
            best.map_or(Value::Null, number)
        }
        Func::Coalesce => args
            .iter()
            .map(|a| eval(a, env))
            .find(|v| !v.is_null())
            .unwrap_or(Value::Null),
        Func::Round => {
            let Value::Number(n) = arg(0) else {
                return Value::Null;
            };
            let digits = arg(1).as_number().unwrap_or(0.0).clamp(0.0, 10.0);
            let scale = 10f64.powi(digits as i32);
            number((n * scale).round() / scale)
        }
        Func::Int => match arg(0) {
            Value::Number(n) => number(n.trunc()),
            _ => Value::Null,
        },
        Func::Date => match arg(0) {
            Value::Text(s) => super::types::parse_date(&s).map_or(Value::Null, Value::Date),
            Value::Date(d) => Value::Date(d),
            _ => Value::Null,
        },
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
    }
}

/// Completed years from `born` to `on` (negative if `on` is earlier), as an age is counted.
pub fn whole_years(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::super::expr::parse;
    use super::*;

    struct Fixed(Vec<Value>);
    impl Env for Fixed {
        fn value(&self, t: Target) -> &Value {
            match t {
                Target::Question(i) => self.0.get(i).unwrap_or(&Value::Null),
                _ => &Value::Null,
            }
        }
        fn current(&self) -> &Value {
            &Value::Null
        }
        fn today(&self) -> NaiveDate {
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        }
    }

    /// Parses and evaluates with ${q0}, ${q1} ... bound to `values` (resolution done by hand, no checker).
    fn run(src: &str, values: Vec<Value>) -> Value {
        let mut e = parse(src).unwrap();
        fn resolve(e: &mut Expr) {
            match &mut e.kind {
                Kind::Ref { name, target } => {
                    *target = Target::Question(name[1..].parse().unwrap());
                }
                Kind::Neg(a) | Kind::Not(a) => resolve(a),
                Kind::Binary(_, a, b) => {
                    resolve(a);
                    resolve(b);
                }
                Kind::Call(_, args) => args.iter_mut().for_each(resolve),
                _ => {}
            }
        }
        resolve(&mut e);
        eval(&e, &Fixed(values))
    }

    fn d(s: &str) -> Value {
        Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn arithmetic_and_comparison() {
        assert_eq!(run("1 + 2 * 3", vec![]), Value::Number(7.0));
        assert_eq!(run("7 mod 4 + 9 div 2", vec![]), Value::Number(7.5));
        assert_eq!(run("1 / 0", vec![]), Value::Null);
        assert_eq!(
            run("${q0} >= 3", vec![Value::Number(3.0)]),
            Value::Bool(true)
        );
    }

    #[test]
    fn unanswered_questions_make_comparisons_false() {
        assert_eq!(run("${q0} = 'a'", vec![]), Value::Bool(false));
        assert_eq!(run("${q0} != 'a'", vec![]), Value::Bool(false));
        assert_eq!(run("${q0} + 1", vec![]), Value::Null);
        assert_eq!(run("coalesce(${q0}, 5)", vec![]), Value::Number(5.0));
        assert_eq!(
            run(
                "sum(${q0}, 2, ${q1})",
                vec![Value::Null, Value::Number(3.0)]
            ),
            Value::Number(5.0)
        );
    }

    #[test]
    fn ages_count_whole_years_to_today() {
        assert_eq!(
            run("age(${q0})", vec![d("2000-03-01")]),
            Value::Number(26.0)
        );
        assert_eq!(
            run("age(${q0})", vec![d("2000-03-02")]),
            Value::Number(25.0)
        );
        assert_eq!(
            run("age(${q0})", vec![d("2008-02-29")]),
            Value::Number(18.0)
        );
        assert_eq!(
            run("today() - ${q0}", vec![d("2026-02-01")]),
            Value::Number(28.0)
        );
        assert_eq!(run("${q0} + 1", vec![d("2026-02-28")]), d("2026-03-01"));
        assert_eq!(
            run("${q0} + 1000000000", vec![d("2026-02-28")]),
            Value::Null
        );
    }

    #[test]
    fn selections_and_functions() {
        let picks = Value::List(vec!["a".into(), "c".into()]);
        assert_eq!(
            run("selected(${q0}, 'c')", vec![picks.clone()]),
            Value::Bool(true)
        );
        assert_eq!(
            run("count-selected(${q0})", vec![picks]),
            Value::Number(2.0)
        );
        assert_eq!(run("string-length('Ağrı')", vec![]), Value::Number(4.0));
        assert_eq!(run("if(${q0}, 1, 2)", vec![]), Value::Number(2.0));
        assert_eq!(run("round(2.346, 2)", vec![]), Value::Number(2.35));
        assert_eq!(
            run("max(1, ${q0}, 4)", vec![Value::Number(9.0)]),
            Value::Number(9.0)
        );
        assert_eq!(run("not ${q0}", vec![]), Value::Bool(true));
    }
}
