//! The expression language of forms (an XLSForm-like subset): tokens, the syntax tree and a recursive-descent parser.
//! Names are resolved and types checked in `types`; values are computed in `eval`.

use chrono::NaiveDate;

/// Deeper nesting than this is refused, so hostile or garbled input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 48;
/// Longer expressions are refused: no sensible rule needs more, and it bounds work per evaluation.
pub const MAX_CHARS: usize = 2000;

/// A node of the syntax tree; `at` is the byte offset in the expression's text where it starts (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: Kind,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Number(f64),
    Text(String),
    Date(NaiveDate),
    Bool(bool),
    /// `${name}`; `target` is filled in when the form is checked.
    Ref {
        name: String,
        target: Target,
    },
    /// `.`: the answer being checked, in a constraint.
    Current,
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// What a `${name}` refers to once resolved: a question or a named sum, by index in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Unresolved,
    Question(usize),
    Sum(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "mod",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// The functions of the language, with the names staff write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    If,
    Selected,
    CountSelected,
    Today,
    Age,
    StringLength,
    Sum,
    Coalesce,
    Min,
    Max,
    Round,
    Int,
    Date,
    True,
    False,
}

impl Func {
    pub const ALL: [Func; 15] = [
        Func::If,
        Func::Selected,
        Func::CountSelected,
        Func::Today,
        Func::Age,
        Func::StringLength,
        Func::Sum,
        Func::Coalesce,
        Func::Min,
        Func::Max,
        Func::Round,
        Func::Int,
        Func::Date,
        Func::True,
        Func::False,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Func::If => "if",
            Func::Selected => "selected",
            Func::CountSelected => "count-selected",
            Func::Today => "today",
            Func::Age => "age",
            Func::StringLength => "string-length",
            Func::Sum => "sum",
            Func::Coalesce => "coalesce",
            Func::Min => "min",
            Func::Max => "max",
            Func::Round => "round",
            Func::Int => "int",
            Func::Date => "date",
            Func::True => "true",
            Func::False => "false",
        }
    }

    /// How many arguments it takes: (fewest, most).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Func::Today | Func::True | Func::False => (0, 0),
            Func::CountSelected | Func::Age | Func::StringLength | Func::Int | Func::Date => (1, 1),
            Func::Round => (1, 2),
            Func::Selected => (2, 2),
            Func::If => (3, 3),
            Func::Sum | Func::Coalesce | Func::Min | Func::Max => (1, 64),
        }
    }

    fn lookup(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A syntax error at byte `at` of the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    Ident(String),
    Dot,
    LParen,
    RParen,
    Comma,
    Op(BinOp),
    Minus,
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("the number {n}"),
        Tok::Str(s) => format!("the text '{s}'"),
        Tok::Ref(n) => format!("${{{n}}}"),
        Tok::Ident(i) => format!("'{i}'"),
        Tok::Dot => "'.'".into(),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::Op(op) => format!("'{}'", op.symbol()),
        Tok::Minus => "'-'".into(),
        Tok::End => "the end".into(),
    }
}

/// A name as forms write it: an ASCII letter, then letters, digits or underscores (at most 64).
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 64
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
    let err = |at: usize, message: String| SyntaxError { at, message };
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'$' => {
                if bytes.get(i + 1) != Some(&b'{') {
                    return Err(err(i, "'$' must start a reference such as ${name}".into()));
                }
                let Some(close) = src[i + 2..].find('}') else {
                    return Err(err(i, "reference is not closed with '}'".into()));
                };
                let name = &src[i + 2..i + 2 + close];
                if !is_name(name) {
                    return Err(err(
                        i + 2,
                        format!(
                            "'{}' is not a question name (letters, digits and _, starting with a letter)",
                            crate::domain::text::display(name)
                        ),
                    ));
                }
                out.push((Tok::Ref(name.to_string()), start));
                i += 3 + close;
                continue;
            }
            b'\'' | b'"' => {
                let Some(len) = src[i + 1..].find(c as char) else {
                    return Err(err(i, "text is not closed with its quote".into()));
                };
                out.push((Tok::Str(src[i + 1..i + 1 + len].to_string()), start));
                i += len + 2;
                continue;
            }
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                let text = &src[start..i];
                let Ok(n) = text.parse::<f64>() else {
                    return Err(err(start, format!("'{text}' is not a number")));
                };
                out.push((Tok::Num(n), start));
                continue;
            }
            b'.' => {
                if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i = number_end(bytes, i);
                    let text = &src[start..i];
                    let Ok(n) = text.parse::<f64>() else {
                        return Err(err(start, format!("'{text}' is not a number")));
                    };
                    out.push((Tok::Num(n), start));
                } else {
                    out.push((Tok::Dot, start));
                    i += 1;
                }
                continue;
            }
            _ if c.is_ascii_alphabetic() => {
                i += 1;
                while i < bytes.len() {
                    let d = bytes[i];
                    // A hyphen belongs to the name only between letters: count-selected, but ${a}-${b} and a - b.
                    let hyphen_joins =
                        d == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
                    if d.is_ascii_alphanumeric() || d == b'_' || hyphen_joins {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let word = &src[start..i];
                let tok = match word {
                    "and" => Tok::Op(BinOp::And),
                    "or" => Tok::Op(BinOp::Or),
                    "div" => Tok::Op(BinOp::Div),
                    "mod" => Tok::Op(BinOp::Mod),
                    _ => Tok::Ident(word.to_string()),
                };
                out.push((tok, start));
                continue;
            }
            _ => {}
        }
        let two = src.get(i..i + 2).unwrap_or("");
        let (tok, len) = match (c, two) {
            (_, "!=") => (Tok::Op(BinOp::Ne), 2),
            (_, "<=") => (Tok::Op(BinOp::Le), 2),
            (_, ">=") => (Tok::Op(BinOp::Ge), 2),
            (_, "==") => return Err(err(i, "write = to compare, not ==".into())),
            (_, "&&") => return Err(err(i, "write and, not &&".into())),
            (_, "||") => return Err(err(i, "write or, not ||".into())),
            (b'=', _) => (Tok::Op(BinOp::Eq), 1),
            (b'<', _) => (Tok::Op(BinOp::Lt), 1),
            (b'>', _) => (Tok::Op(BinOp::Gt), 1),
            (b'+', _) => (Tok::Op(BinOp::Add), 1),
            (b'-', _) => (Tok::Minus, 1),
            (b'*', _) => (Tok::Op(BinOp::Mul), 1),
            (b'/', _) => (Tok::Op(BinOp::Div), 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b',', _) => (Tok::Comma, 1),
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(err(
                    i,
                    format!(
                        "unexpected character '{}'",
                        crate::domain::text::display(&ch.to_string())
                    ),
                ));
            }
        };
        out.push((tok, start));
        i += len;
    }
    out.push((Tok::End, src.len()));
    Ok(out)
}

fn number_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    i
}

/// Parses one expression. Never panics, whatever the input.
pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    if src.chars().count() > MAX_CHARS {
        return Err(SyntaxError {
            at: 0,
            message: format!("expression longer than {MAX_CHARS} characters"),
        });
    }
    if src.trim().is_empty() {
        return Err(SyntaxError {
            at: 0,
            message: "empty expression".into(),
        });
    }
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    match p.peek() {
        Tok::End => Ok(e),
        t => Err(SyntaxError {
            at: p.at(),
            message: format!("unexpected {} after a complete expression", describe(t)),
        }),
    }
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        // The token list always ends with End and pos never passes it.
        self.toks.get(self.pos).map_or(&Tok::End, |t| &t.0)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(0, |t| t.1)
    }

    fn bump(&mut self) -> (Tok, usize) {
        let t = self.toks.get(self.pos).cloned().unwrap_or((Tok::End, 0));
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn fail<T>(&self, message: String) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            at: self.at(),
            message,
        })
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail(format!("nested more than {MAX_DEPTH} deep"));
        }
        Ok(())
    }

    fn binary(
        &mut self,
        ops: &[BinOp],
        next: fn(&mut Parser) -> Result<Expr, SyntaxError>,
    ) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let mut left = next(self)?;
        while let Tok::Op(op) = *self.peek() {
            if !ops.contains(&op) {
                break;
            }
            self.bump();
            let right = next(self)?;
            let at = left.at;
            left = Expr {
                kind: Kind::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        self.binary(&[BinOp::Or], Parser::and)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        self.binary(&[BinOp::And], Parser::not)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if matches!(self.peek(), Tok::Ident(w) if w == "not") {
            self.enter()?;
            let (_, at) = self.bump();
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: Kind::Not(Box::new(inner)),
                at,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.additive()?;
        if let Tok::Op(op) = *self.peek()
            && op.is_comparison()
        {
            self.bump();
            let right = self.additive()?;
            if let Tok::Op(next) = *self.peek()
                && next.is_comparison()
            {
                return self.fail("comparisons cannot be chained: write a < b and b < c".into());
            }
            let at = left.at;
            return Ok(Expr {
                kind: Kind::Binary(op, Box::new(left), Box::new(right)),
                at,
            });
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Tok::Op(BinOp::Add) => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => break,
            };
            self.bump();
            let right = self.multiplicative()?;
            let at = left.at;
            left = Expr {
                kind: Kind::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Expr, SyntaxError> {
        self.binary(&[BinOp::Mul, BinOp::Div, BinOp::Mod], Parser::unary)
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if *self.peek() == Tok::Minus {
            self.enter()?;
            let (_, at) = self.bump();
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: Kind::Neg(Box::new(inner)),
                at,
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let (tok, at) = self.bump();
        let kind = match tok {
            Tok::Num(n) => Kind::Number(n),
            Tok::Str(s) => Kind::Text(s),
            Tok::Ref(name) => Kind::Ref {
                name,
                target: Target::Unresolved,
            },
            Tok::Dot => Kind::Current,
            Tok::LParen => {
                let inner = self.or()?;
                self.expect_close("to close '('")?;
                self.depth -= 1;
                return Ok(Expr {
                    kind: inner.kind,
                    at,
                });
            }
            Tok::Ident(name) => {
                if *self.peek() != Tok::LParen {
                    self.pos -= 1;
                    return self.fail(if name == "not" {
                        "'not' needs something to negate".into()
                    } else {
                        format!(
                            "unknown word '{name}': write ${{{name}}} for a question, 'text' in quotes, or call a function with ()"
                        )
                    });
                }
                let Some(func) = Func::lookup(&name) else {
                    self.pos -= 1;
                    return self.fail(format!("unknown function '{name}'"));
                };
                self.bump();
                let mut args = Vec::new();
                if *self.peek() != Tok::RParen {
                    loop {
                        args.push(self.or()?);
                        if *self.peek() == Tok::Comma {
                            self.bump();
                        } else {
                            break;
                        }
                    }
                }
                self.expect_close(&format!("after the arguments of {}()", func.name()))?;
                let (least, most) = func.arity();
                if args.len() < least || args.len() > most {
                    let wanted = match (least, most) {
                        (a, b) if a == b => format!("{a}"),
                        (a, 64) => format!("at least {a}"),
                        (a, b) => format!("{a} or {b}"),
                    };
                    return Err(SyntaxError {
                        at,
                        message: format!(
                            "{}() takes {wanted} argument{}, not {}",
                            func.name(),
                            if most == 1 && least == 1 { "" } else { "s" },
                            args.len()
                        ),
                    });
                }
                Kind::Call(func, args)
            }
            other => {
                self.pos = self.pos.saturating_sub(1);
                return Err(SyntaxError {
                    at,
                    message: format!("expected a value, found {}", describe(&other)),
                });
            }
        };
        self.depth -= 1;
        Ok(Expr { kind, at })
    }

    fn expect_close(&mut self, why: &str) -> Result<(), SyntaxError> {
        if *self.peek() == Tok::RParen {
            self.bump();
            Ok(())
        } else {
            let found = describe(self.peek());
            self.fail(format!("expected ')' {why}, found {found}"))
        }
    }
}

impl Expr {
    /// Every `${name}` in the expression, with its byte offset.
    pub fn refs(&self) -> Vec<(&str, Target, usize)> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Kind::Ref { name, target } = &e.kind {
                out.push((name.as_str(), *target, e.at));
            }
        });
        out
    }

    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            Kind::Neg(a) | Kind::Not(a) => a.visit(f),
            Kind::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Kind::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
            _ => {}
        }
    }

    pub fn uses_current(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= e.kind == Kind::Current);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn fails_at(s: &str) -> (usize, String) {
        let e = parse(s).expect_err(s);
        (e.at, e.message)
    }

    #[test]
    fn precedence_is_or_and_not_comparison_sum_product() {
        let e = p("${a} + 2 * 3 > 4 and not ${b} or ${c}");
        let Kind::Binary(BinOp::Or, left, _) = e.kind else {
            panic!("or at the top")
        };
        let Kind::Binary(BinOp::And, cmp, not) = left.kind else {
            panic!("and under or")
        };
        assert!(matches!(not.kind, Kind::Not(_)));
        let Kind::Binary(BinOp::Gt, sum, _) = cmp.kind else {
            panic!("comparison under and")
        };
        let Kind::Binary(BinOp::Add, _, product) = sum.kind else {
            panic!("sum under comparison")
        };
        assert!(matches!(product.kind, Kind::Binary(BinOp::Mul, _, _)));
    }

    #[test]
    fn hyphenated_function_names_do_not_swallow_subtraction() {
        assert!(matches!(
            p("count-selected(${x})").kind,
            Kind::Call(Func::CountSelected, _)
        ));
        assert!(matches!(
            p("${a}-${b}").kind,
            Kind::Binary(BinOp::Sub, _, _)
        ));
        assert!(matches!(p("5-2").kind, Kind::Binary(BinOp::Sub, _, _)));
    }

    #[test]
    fn strings_take_either_quote_and_dot_is_the_current_answer() {
        assert_eq!(p("'it'").kind, Kind::Text("it".into()));
        assert_eq!(p("\"Ali's\"").kind, Kind::Text("Ali's".into()));
        assert_eq!(p(".").kind, Kind::Current);
        assert_eq!(p(".5").kind, Kind::Number(0.5));
        assert!(p(". >= 0 and . <= 10").uses_current());
    }

    #[test]
    fn errors_point_at_the_offending_character() {
        assert_eq!(fails_at("${a} == 1").0, 5);
        assert_eq!(fails_at("1 +").0, 3);
        assert_eq!(fails_at("${a b}").0, 2);
        assert_eq!(fails_at("foo(1)").0, 0);
        assert_eq!(fails_at("1 < 2 < 3").0, 6);
        assert!(fails_at("if(1, 2)").1.contains("takes 3 arguments"));
        assert!(fails_at("selected").1.contains("unknown word"));
        assert_eq!(fails_at("(1 + 2").0, 6);
        assert_eq!(fails_at("1 # 2").0, 2);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "(".repeat(900) + "1" + &")".repeat(900);
        assert!(fails_at(&deep).1.contains("nested"));
        let negs = "-".repeat(1500) + "1";
        assert!(fails_at(&negs).1.contains("nested"));
        let nots = "not ".repeat(400) + "true()";
        assert!(fails_at(&nots).1.contains("nested"));
        assert!(fails_at(&"1+".repeat(5000)).1.contains("longer than"));
    }

    #[test]
    fn refs_are_listed_with_offsets() {
        let e = p("${a} + sum(${b}, 1)");
        let names: Vec<_> = e.refs().into_iter().map(|(n, _, at)| (n, at)).collect();
        assert_eq!(names, vec![("a", 0), ("b", 11)]);
    }
}
