//! The lowest and highest total each sum can reach, and the check that its bands cover that range without gaps or
//! overlaps. Ranges are worked out from the choices' scores, the questions' min/max and simple interval arithmetic
//! on expressions; where nothing bounds a total, its bands must reach to either infinity.

use super::eval::number_text;
use super::expr::{BinOp, Expr, Func, Kind, Target};
use super::load::Loader;
use super::model::{Node, Question, QuestionKind};

type Interval = (f64, f64);
const ALL: Interval = (f64::NEG_INFINITY, f64::INFINITY);

fn hull(a: Interval, b: Interval) -> Interval {
    (a.0.min(b.0), a.1.max(b.1))
}

fn add(a: Interval, b: Interval) -> Interval {
    fix((a.0 + b.0, a.1 + b.1))
}

/// Infinity minus infinity and zero times infinity are NaN: know nothing rather than something wrong.
fn fix(i: Interval) -> Interval {
    if i.0.is_nan() || i.1.is_nan() { ALL } else { i }
}

fn mul(a: Interval, b: Interval) -> Interval {
    let products = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    if products.iter().any(|p| p.is_nan()) {
        return ALL;
    }
    let lo = products.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = products.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// Whether a question may be left empty in a finished assessment (and so add 0).
fn may_be_empty(l: &Loader, q: &Question) -> bool {
    !q.required || q.relevant.is_some() || l.sections[q.section].relevant.is_some()
}

impl Loader<'_> {
    /// What question `i` adds to a sum, and whether that is always a whole number.
    fn score_range(&self, i: usize, depth: usize) -> (Interval, bool) {
        let q = &self.questions[i];
        let (range, whole) = match q.kind {
            QuestionKind::SelectOne | QuestionKind::YesNo => {
                let scores = q.choices.iter().filter_map(|c| c.score);
                let lo = scores.clone().fold(f64::INFINITY, f64::min);
                let hi = scores.clone().fold(f64::NEG_INFINITY, f64::max);
                let whole = q
                    .choices
                    .iter()
                    .filter_map(|c| c.score)
                    .all(|s| s.fract() == 0.0);
                if lo > hi {
                    ((0.0, 0.0), true)
                } else {
                    ((lo, hi), whole)
                }
            }
            QuestionKind::SelectMultiple => {
                let scores: Vec<f64> = q.choices.iter().filter_map(|c| c.score).collect();
                let lo = scores.iter().filter(|s| **s < 0.0).sum();
                let hi = scores.iter().filter(|s| **s > 0.0).sum();
                ((lo, hi), scores.iter().all(|s| s.fract() == 0.0))
            }
            QuestionKind::Integer | QuestionKind::Decimal => (
                (
                    q.min.unwrap_or(f64::NEG_INFINITY),
                    q.max.unwrap_or(f64::INFINITY),
                ),
                q.kind == QuestionKind::Integer,
            ),
            QuestionKind::Calculate => match &q.calculation {
                Some(e) if depth < 64 => self.interval(e, depth + 1),
                _ => (ALL, false),
            },
            _ => ((0.0, 0.0), true),
        };
        let empty = may_be_empty(self, q) || q.kind == QuestionKind::Calculate;
        (
            if empty {
                hull(range, (0.0, 0.0))
            } else {
                range
            },
            whole,
        )
    }

    /// Bounds of a number-valued expression; an undefined value adds 0 to a sum, so 0 is always included.
    fn interval(&self, e: &Expr, depth: usize) -> (Interval, bool) {
        let (i, whole) = self.interval_of(e, depth);
        (hull(i, (0.0, 0.0)), whole)
    }

    fn interval_of(&self, e: &Expr, depth: usize) -> (Interval, bool) {
        if depth > 64 {
            return (ALL, false);
        }
        let d = depth + 1;
        match &e.kind {
            Kind::Number(n) => ((*n, *n), n.fract() == 0.0),
            Kind::Ref {
                target: Target::Question(i),
                ..
            } => {
                let q = &self.questions[*i];
                match q.kind {
                    QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Calculate => {
                        self.score_range(*i, d)
                    }
                    _ => (ALL, false),
                }
            }
            Kind::Ref {
                target: Target::Sum(j),
                ..
            } => (self.sums[*j].range, self.sum_whole(*j, d)),
            Kind::Neg(a) => {
                let ((lo, hi), w) = self.interval_of(a, d);
                ((-hi, -lo), w)
            }
            Kind::Binary(op, a, b) => {
                let (x, wx) = self.interval_of(a, d);
                let (y, wy) = self.interval_of(b, d);
                match op {
                    BinOp::Add => (add(x, y), wx && wy),
                    BinOp::Sub => (add(x, (-y.1, -y.0)), wx && wy),
                    BinOp::Mul => (mul(x, y), wx && wy),
                    _ => (ALL, false),
                }
            }
            Kind::Call(f, args) => {
                let each: Vec<(Interval, bool)> =
                    args.iter().map(|a| self.interval_of(a, d)).collect();
                let all_whole = each.iter().all(|(_, w)| *w);
                match f {
                    Func::If | Func::Coalesce => {
                        let branches = if *f == Func::If {
                            &each[1..]
                        } else {
                            &each[..]
                        };
                        let range = branches.iter().map(|(i, _)| *i).reduce(hull).unwrap_or(ALL);
                        (range, branches.iter().all(|(_, w)| *w))
                    }
                    Func::Sum => (
                        each.iter().map(|(i, _)| *i).fold((0.0, 0.0), add),
                        all_whole,
                    ),
                    Func::Min | Func::Max => {
                        let lo = each.iter().map(|(i, _)| i.0).fold(f64::INFINITY, f64::min);
                        let hi = each
                            .iter()
                            .map(|(i, _)| i.1)
                            .fold(f64::NEG_INFINITY, f64::max);
                        if lo > hi {
                            (ALL, false)
                        } else {
                            ((lo, hi), all_whole)
                        }
                    }
                    Func::CountSelected => {
                        let n = match args.first().map(|a| &a.kind) {
                            Some(Kind::Ref {
                                target: Target::Question(i),
                                ..
                            }) => self.questions[*i].choices.len() as f64,
                            _ => f64::INFINITY,
                        };
                        ((0.0, n), true)
                    }
                    Func::StringLength => ((0.0, f64::INFINITY), true),
                    Func::Int => (
                        each.first()
                            .map_or(ALL, |(i, _)| (i.0.trunc(), i.1.trunc())),
                        true,
                    ),
                    Func::Round if args.len() == 1 => (
                        each.first()
                            .map_or(ALL, |(i, _)| (i.0.round(), i.1.round())),
                        true,
                    ),
                    Func::Age => (ALL, true),
                    _ => (ALL, false),
                }
            }
            _ => (ALL, false),
        }
    }

    fn sum_whole(&self, j: usize, depth: usize) -> bool {
        if depth > 64 {
            return false;
        }
        let s = &self.sums[j];
        s.questions
            .iter()
            .all(|q| self.score_range(*q, depth + 1).1)
            && s.sums.iter().all(|k| self.sum_whole(*k, depth + 1))
            && s.expression
                .as_ref()
                .is_none_or(|e| self.interval(e, depth + 1).1)
    }

    /// Works out every sum's range (dependencies first) and checks its bands.
    pub(super) fn ranges(&mut self, order: &[Node]) {
        for node in order {
            let Node::Sum(j) = *node else { continue };
            let s = &self.sums[j];
            let mut range = (0.0, 0.0);
            for q in &s.questions {
                range = add(range, self.score_range(*q, 0).0);
            }
            for k in &s.sums {
                range = add(range, self.sums[*k].range);
            }
            if let Some(e) = &s.expression {
                range = add(range, self.interval(e, 0).0);
            }
            self.sums[j].range = range;
            let whole = self.sum_whole(j, 0);
            self.check_bands(j, whole);
        }
    }

    fn check_bands(&mut self, j: usize, whole: bool) {
        let s = &self.sums[j];
        if s.bands.is_empty() || self.sum_spans[j].broken {
            return;
        }
        let (lo, hi) = s.range;
        let step = if whole { 1.0 } else { 0.0 };
        // Bands as score intervals; for whole-number totals, [9.5, 12] holds 10 to 12.
        let bands: Vec<Interval> = s
            .bands
            .iter()
            .map(|b| {
                let a = b.band.min.unwrap_or(f64::NEG_INFINITY);
                let z = b.band.max.unwrap_or(f64::INFINITY);
                if whole { (a.ceil(), z.floor()) } else { (a, z) }
            })
            .collect();
        let name = s.name.clone();
        let mut problems: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        let spans = &self.sum_spans[j];
        for (k, b) in bands.iter().enumerate() {
            let label = &s.bands[k].label.text;
            if b.0 > b.1 || b.0 > hi || b.1 < lo {
                problems.push((
                    spans.bands[k].clone(),
                    format!(
                        "band '{label}' can never match: '{name}' ranges from {} to {}",
                        show(lo),
                        show(hi)
                    ),
                ));
                continue;
            }
            for (m, earlier) in bands[..k].iter().enumerate() {
                let from = b.0.max(earlier.0);
                let to = b.1.min(earlier.1);
                // Real-valued bands may share an end point (first match takes it); any more is an overlap.
                if from < to || (whole && from == to) {
                    problems.push((
                        spans.bands[k].clone(),
                        format!(
                            "band '{label}' overlaps band '{}' on scores {}",
                            s.bands[m].label.text,
                            span_text(from, to)
                        ),
                    ));
                }
            }
        }
        let mut sorted: Vec<Interval> = bands.iter().copied().filter(|b| b.0 <= b.1).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        // `next` is the lowest total not yet known to be covered (whole totals step by one between bands).
        let mut next = lo;
        let mut gaps = Vec::new();
        for b in &sorted {
            if next > hi {
                break;
            }
            if b.0 > next {
                gaps.push((next, (b.0 - step).min(hi)));
            }
            next = next.max(b.1 + step);
        }
        let open_end = if whole { next <= hi } else { next < hi };
        if open_end && next != f64::INFINITY {
            gaps.push((next, hi));
        }
        for (from, to) in gaps {
            problems.push((
                spans.name.clone(),
                format!(
                    "the bands of '{name}' leave {} without a band (it ranges from {} to {})",
                    if from == to {
                        format!("the score {}", show(from))
                    } else {
                        format!("scores {}", span_text(from, to))
                    },
                    show(lo),
                    show(hi)
                ),
            ));
        }
        for (span, message) in problems {
            self.err(&span, message);
        }
    }
}

fn show(x: f64) -> String {
    if x == f64::INFINITY {
        "any higher".into()
    } else if x == f64::NEG_INFINITY {
        "any lower".into()
    } else {
        number_text(x)
    }
}

fn span_text(from: f64, to: f64) -> String {
    match (from.is_infinite(), to.is_infinite()) {
        (true, true) => "of any value".into(),
        (true, false) => format!("up to {}", number_text(to)),
        (false, true) => format!("from {} up", number_text(from)),
        (false, false) if from == to => number_text(from),
        _ => format!("{} to {}", number_text(from), number_text(to)),
    }
}
