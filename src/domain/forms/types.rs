//! Name resolution and type checking of expressions, done once when a form loads so that evaluation never meets a
//! name it cannot find or a value of the wrong kind. Also folds literals (`date('2020-01-31')`, `'yes'` against a
//! yes/no answer) so the evaluator does no parsing.

use super::expr::{BinOp, Expr, Func, Kind, Target};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Number,
    Text,
    Date,
    Bool,
    /// The answer to a select_multiple question.
    List,
    /// Not known because of an earlier error; accepted anywhere so one mistake is reported once.
    Any,
}

impl Type {
    pub fn word(self) -> &'static str {
        match self {
            Type::Number => "a number",
            Type::Text => "text",
            Type::Date => "a date",
            Type::Bool => "yes/no",
            Type::List => "a list of choices",
            Type::Any => "anything",
        }
    }

    fn is(self, want: Type) -> bool {
        self == want || self == Type::Any
    }
}

/// What a `${name}` stands for, as the checker needs to know it.
#[derive(Debug, Clone)]
pub struct Named {
    pub target: Target,
    pub ty: Type,
    /// The choice values, for a select question, so that `${sex} = 'femal'` is caught at load.
    pub choices: Option<Vec<String>>,
    /// Notes have no value; referring to one is a mistake.
    pub is_note: bool,
}

pub trait Scope {
    fn lookup(&self, name: &str) -> Option<Named>;
    /// The question a constraint belongs to, for `.`; None outside constraints.
    fn current(&self) -> Option<Named>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub at: usize,
    pub message: String,
}

/// Checks `e`, resolving every `${name}`, and returns its type; problems are added to `errors`.
pub fn check(e: &mut Expr, scope: &dyn Scope, errors: &mut Vec<TypeError>) -> Type {
    let mut c = Checker { scope, errors };
    c.expr(e)
}

struct Checker<'a> {
    scope: &'a dyn Scope,
    errors: &'a mut Vec<TypeError>,
}

impl Checker<'_> {
    fn error(&mut self, at: usize, message: String) -> Type {
        self.errors.push(TypeError { at, message });
        Type::Any
    }

    fn want(&mut self, e: &Expr, ty: Type, want: Type, what: &str) {
        if !ty.is(want) {
            self.error(
                e.at,
                format!("{what} needs {}, but this is {}", want.word(), ty.word()),
            );
        }
    }

    fn expr(&mut self, e: &mut Expr) -> Type {
        let at = e.at;
        match &mut e.kind {
            Kind::Number(_) => Type::Number,
            Kind::Text(_) => Type::Text,
            Kind::Date(_) => Type::Date,
            Kind::Bool(_) => Type::Bool,
            Kind::Ref { name, target } => match self.scope.lookup(name) {
                None => {
                    let msg = format!("unknown question or sum '{name}'");
                    self.error(at, msg)
                }
                Some(n) if n.is_note => {
                    let msg = format!("'{name}' is a note and has no value");
                    self.error(at, msg)
                }
                Some(n) => {
                    *target = n.target;
                    n.ty
                }
            },
            Kind::Current => match self.scope.current() {
                Some(n) => n.ty,
                None => self.error(
                    at,
                    "'.' (the answer itself) can be used only in a constraint".into(),
                ),
            },
            Kind::Neg(inner) => {
                let t = self.expr(inner);
                self.want(inner, t, Type::Number, "'-'");
                Type::Number
            }
            Kind::Not(inner) => {
                let t = self.expr(inner);
                self.want(inner, t, Type::Bool, "'not'");
                Type::Bool
            }
            Kind::Binary(op, left, right) => {
                let op = *op;
                self.binary(at, op, left, right)
            }
            Kind::Call(func, args) => {
                let func = *func;
                let ty = self.call(at, func, args);
                // Fold constant calls so the evaluator never parses text or allocates for them.
                match (func, args.as_slice()) {
                    (Func::True, _) => e.kind = Kind::Bool(true),
                    (Func::False, _) => e.kind = Kind::Bool(false),
                    (Func::Date, [arg]) => {
                        if let Kind::Text(s) = &arg.kind {
                            match parse_date(s) {
                                Some(d) => e.kind = Kind::Date(d),
                                None => {
                                    let msg = format!(
                                        "'{}' is not a date: write YYYY-MM-DD",
                                        crate::domain::text::display(s)
                                    );
                                    return self.error(arg.at, msg);
                                }
                            }
                        }
                    }
                    _ => {}
                }
                ty
            }
        }
    }

    fn binary(&mut self, at: usize, op: BinOp, left: &mut Expr, right: &mut Expr) -> Type {
        let mut lt = self.expr(left);
        let mut rt = self.expr(right);
        match op {
            BinOp::And | BinOp::Or => {
                let what = format!("'{}'", op.symbol());
                self.want(left, lt, Type::Bool, &what);
                self.want(right, rt, Type::Bool, &what);
                Type::Bool
            }
            _ if op.is_comparison() => {
                lt = self.coerce(left, lt, right, rt);
                rt = self.coerce(right, rt, left, lt);
                if lt == Type::Any || rt == Type::Any {
                    return Type::Bool;
                }
                if lt == Type::List || rt == Type::List {
                    let e = if lt == Type::List { &*left } else { &*right };
                    return self.error_bool(
                        e.at,
                        "a select_multiple answer is a list: test it with selected(${q}, 'value') or count-selected(${q})"
                            .into(),
                    );
                }
                if lt != rt {
                    return self.error_bool(
                        at,
                        format!("cannot compare {} with {}", lt.word(), rt.word()),
                    );
                }
                let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
                if ordered && !matches!(lt, Type::Number | Type::Date) {
                    return self.error_bool(
                        at,
                        format!(
                            "'{}' compares numbers or dates, not {}",
                            op.symbol(),
                            lt.word()
                        ),
                    );
                }
                Type::Bool
            }
            BinOp::Add | BinOp::Sub => {
                lt = self.coerce(left, lt, right, rt);
                rt = self.coerce(right, rt, left, lt);
                match (lt, rt, op) {
                    (Type::Number, Type::Number, _) => Type::Number,
                    (Type::Date, Type::Number, _) => Type::Date,
                    (Type::Number, Type::Date, BinOp::Add) => Type::Date,
                    (Type::Date, Type::Date, BinOp::Sub) => Type::Number,
                    (Type::Any, _, _) | (_, Type::Any, _) => Type::Any,
                    _ => self.error(
                        at,
                        format!(
                            "cannot {} {} and {}",
                            if op == BinOp::Add { "add" } else { "subtract" },
                            lt.word(),
                            rt.word()
                        ),
                    ),
                }
            }
            _ => {
                let what = format!("'{}'", op.symbol());
                self.want(left, lt, Type::Number, &what);
                self.want(right, rt, Type::Number, &what);
                Type::Number
            }
        }
    }

    fn error_bool(&mut self, at: usize, message: String) -> Type {
        self.error(at, message);
        Type::Bool
    }

    /// A quoted literal beside a date, a yes/no answer or a select question is read as what it stands beside.
    fn coerce(&mut self, lit: &mut Expr, ty: Type, other: &Expr, other_ty: Type) -> Type {
        let Kind::Text(s) = &lit.kind else {
            return ty;
        };
        match other_ty {
            Type::Date => match parse_date(s) {
                Some(d) => {
                    lit.kind = Kind::Date(d);
                    Type::Date
                }
                None => {
                    let msg = format!(
                        "'{}' is not a date: write YYYY-MM-DD",
                        crate::domain::text::display(s)
                    );
                    self.error(lit.at, msg)
                }
            },
            Type::Bool => match s.as_str() {
                "yes" | "true" => {
                    lit.kind = Kind::Bool(true);
                    Type::Bool
                }
                "no" | "false" => {
                    lit.kind = Kind::Bool(false);
                    Type::Bool
                }
                _ => {
                    let msg = format!(
                        "a yes/no answer is compared with 'yes' or 'no', not '{}'",
                        crate::domain::text::display(s)
                    );
                    self.error(lit.at, msg)
                }
            },
            Type::Text => {
                self.check_choice(lit.at, s, other);
                ty
            }
            _ => ty,
        }
    }

    fn check_choice(&mut self, at: usize, value: &str, of: &Expr) {
        let named = match &of.kind {
            Kind::Ref { name, .. } => self.scope.lookup(name).map(|n| (name.clone(), n)),
            Kind::Current => self.scope.current().map(|n| ("this question".into(), n)),
            _ => None,
        };
        if let Some((
            name,
            Named {
                choices: Some(choices),
                ..
            },
        )) = named
            && !choices.iter().any(|c| c == value)
        {
            self.error(
                at,
                format!(
                    "'{}' is not a choice of {name} (choices: {})",
                    crate::domain::text::display(value),
                    choices.join(", ")
                ),
            );
        }
    }

    fn call(&mut self, at: usize, func: Func, args: &mut [Expr]) -> Type {
        let types: Vec<Type> = args.iter_mut().map(|a| self.expr(a)).collect();
        let name = format!("{}()", func.name());
        // The parser enforces arity; this guard keeps the indexing below safe for hand-built trees too.
        let (least, most) = func.arity();
        if args.len() < least || args.len() > most {
            return self.error(at, format!("{name} has the wrong number of arguments"));
        }
        match func {
            Func::Today => Type::Date,
            Func::True | Func::False => Type::Bool,
            Func::If => {
                self.want(&args[0], types[0], Type::Bool, "the condition of if()");
                self.unify(at, &name, &types[1..])
            }
            Func::Coalesce => self.unify(at, &name, &types),
            Func::Selected => {
                if !matches!(types[0], Type::List | Type::Text | Type::Any) {
                    self.error(
                        args[0].at,
                        format!(
                            "selected() needs a select question, not {}",
                            types[0].word()
                        ),
                    );
                }
                self.want(&args[1], types[1], Type::Text, "the value in selected()");
                if let Kind::Text(v) = &args[1].kind {
                    let v = v.clone();
                    self.check_choice(args[1].at, &v, &args[0]);
                }
                Type::Bool
            }
            Func::CountSelected => {
                if !matches!(types[0], Type::List | Type::Text | Type::Any) {
                    self.error(
                        args[0].at,
                        format!(
                            "count-selected() needs a select question, not {}",
                            types[0].word()
                        ),
                    );
                }
                Type::Number
            }
            Func::Age => {
                self.want(&args[0], types[0], Type::Date, &name);
                Type::Number
            }
            Func::StringLength => {
                self.want(&args[0], types[0], Type::Text, &name);
                Type::Number
            }
            Func::Date => {
                self.want(&args[0], types[0], Type::Text, &name);
                Type::Date
            }
            Func::Sum | Func::Min | Func::Max | Func::Round | Func::Int => {
                for (a, t) in args.iter().zip(&types) {
                    self.want(a, *t, Type::Number, &name);
                }
                Type::Number
            }
        }
    }

    fn unify(&mut self, at: usize, name: &str, types: &[Type]) -> Type {
        let mut known = types.iter().copied().filter(|t| *t != Type::Any);
        let Some(first) = known.next() else {
            return Type::Any;
        };
        if let Some(other) = known.find(|t| *t != first) {
            return self.error(
                at,
                format!(
                    "{name} gives {} one way and {} another: every branch must give the same kind",
                    first.word(),
                    other.word()
                ),
            );
        }
        first
    }
}

/// A date written YYYY-MM-DD.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::super::expr::parse;
    use super::*;

    struct Test;
    impl Scope for Test {
        fn lookup(&self, name: &str) -> Option<Named> {
            let (ty, choices) = match name {
                "n" => (Type::Number, None),
                "sex" => (Type::Text, Some(vec!["female".into(), "male".into()])),
                "multi" => (Type::List, Some(vec!["a".into(), "b".into()])),
                "flag" => (Type::Bool, None),
                "dob" => (Type::Date, None),
                "note" => (Type::Text, None),
                _ => return None,
            };
            Some(Named {
                target: Target::Question(name.len()),
                ty,
                choices,
                is_note: name == "note",
            })
        }
        fn current(&self) -> Option<Named> {
            None
        }
    }

    fn ty(s: &str) -> Result<Type, Vec<TypeError>> {
        let mut e = parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        let mut errors = Vec::new();
        let t = check(&mut e, &Test, &mut errors);
        if errors.is_empty() {
            Ok(t)
        } else {
            Err(errors)
        }
    }

    fn err(s: &str) -> (usize, String) {
        let e = ty(s).expect_err(s);
        (e[0].at, e[0].message.clone())
    }

    #[test]
    fn well_typed_expressions_get_their_type() {
        assert_eq!(ty("${n} + 1 > 3 and ${flag}"), Ok(Type::Bool));
        assert_eq!(ty("if(${flag}, 2, 0)"), Ok(Type::Number));
        assert_eq!(ty("age(${dob})"), Ok(Type::Number));
        assert_eq!(ty("${dob} + 30"), Ok(Type::Date));
        assert_eq!(ty("today() - ${dob}"), Ok(Type::Number));
        assert_eq!(ty("${dob} < '2000-01-01'"), Ok(Type::Bool));
        assert_eq!(ty("${flag} = 'yes'"), Ok(Type::Bool));
        assert_eq!(ty("selected(${multi}, 'a')"), Ok(Type::Bool));
        assert_eq!(ty("count-selected(${multi}) * 2"), Ok(Type::Number));
        assert_eq!(ty("coalesce(${n}, 0)"), Ok(Type::Number));
        assert_eq!(ty("date('2024-02-29')"), Ok(Type::Date));
    }

    #[test]
    fn type_errors_name_the_problem_and_place() {
        assert_eq!(err("${n} + 'x'").0, 0);
        assert!(
            err("${n} = 'x'")
                .1
                .contains("cannot compare a number with text")
        );
        assert_eq!(
            err("1 + ${nope}"),
            (4, "unknown question or sum 'nope'".into())
        );
        assert_eq!(err("${sex} = 'femal'").0, 9);
        assert!(err("${sex} = 'femal'").1.contains("choices: female, male"));
        assert!(
            err("selected(${multi}, 'c')")
                .1
                .contains("not a choice of multi")
        );
        assert!(err("${multi} = 'a'").1.contains("selected("));
        assert!(err("if(${flag}, 1, 'one')").1.contains("same kind"));
        assert!(err("${n} and ${flag}").1.contains("needs yes/no"));
        assert_eq!(err("${dob} > '2020-13-01'").0, 9);
        assert!(err("${note} = 'a'").1.contains("is a note"));
        assert!(err(". > 1").1.contains("only in a constraint"));
        assert!(err("'a' < 'b'").1.contains("numbers or dates"));
        assert!(err("${flag} = 'maybe'").1.contains("'yes' or 'no'"));
    }

    #[test]
    fn one_unknown_name_is_reported_once() {
        assert_eq!(ty("${x} + 1 > 2 and ${x} = 3").unwrap_err().len(), 2);
        assert_eq!(ty("${x} + 1 > 2").unwrap_err().len(), 1);
    }
}
