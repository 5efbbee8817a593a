//! The checks that need the whole form: names in expressions, cycles among calculations and relevance, the
//! evaluation order, types, and the coverage of bands (in `range`).

use super::expr::{Expr, Kind, Target};
use super::load::{Loader, NameOf};
use super::model::{Node, Question, QuestionKind};
use super::types::{self, Named, Scope, Type};
use std::collections::HashMap;
use std::ops::Range;

struct FormScope<'a> {
    questions: &'a [Question],
    names: &'a HashMap<String, (NameOf, Range<usize>)>,
    current: Option<usize>,
}

impl FormScope<'_> {
    fn named(&self, i: usize) -> Named {
        let q = &self.questions[i];
        let select = matches!(
            q.kind,
            QuestionKind::SelectOne | QuestionKind::SelectMultiple
        );
        Named {
            target: Target::Question(i),
            ty: q.ty,
            choices: select.then(|| q.choices.iter().map(|c| c.value.clone()).collect()),
            is_note: q.kind == QuestionKind::Note,
        }
    }
}

impl Scope for FormScope<'_> {
    fn lookup(&self, name: &str) -> Option<Named> {
        match self.names.get(name)?.0 {
            NameOf::Question(i) if i < self.questions.len() => Some(self.named(i)),
            NameOf::Sum(j) => Some(Named {
                target: Target::Sum(j),
                ty: Type::Number,
                choices: None,
                is_note: false,
            }),
            _ => None,
        }
    }

    fn current(&self) -> Option<Named> {
        self.current.map(|i| self.named(i))
    }
}

fn resolve(e: &mut Expr, names: &HashMap<String, (NameOf, Range<usize>)>) {
    match &mut e.kind {
        Kind::Ref { name, target } => {
            *target = match names.get(name.as_str()).map(|n| n.0) {
                Some(NameOf::Question(i)) => Target::Question(i),
                Some(NameOf::Sum(j)) => Target::Sum(j),
                _ => Target::Unresolved,
            }
        }
        Kind::Neg(a) | Kind::Not(a) => resolve(a, names),
        Kind::Binary(_, a, b) => {
            resolve(a, names);
            resolve(b, names);
        }
        Kind::Call(_, args) => args.iter_mut().for_each(|a| resolve(a, names)),
        _ => {}
    }
}

/// A dependency of a node, and where it is written (string span, byte in the string).
type Edge = (Node, Range<usize>, usize);

impl Loader<'_> {
    /// Runs the whole-form checks and returns the evaluation order.
    pub(super) fn check(&mut self) -> Vec<Node> {
        let names = std::mem::take(&mut self.names);
        for q in &mut self.questions {
            for e in [&mut q.relevant, &mut q.constraint, &mut q.calculation]
                .into_iter()
                .flatten()
            {
                resolve(e, &names);
            }
        }
        for e in self.sections.iter_mut().filter_map(|s| s.relevant.as_mut()) {
            resolve(e, &names);
        }
        for s in &mut self.sums {
            for e in [&mut s.expression, &mut s.relevant].into_iter().flatten() {
                resolve(e, &names);
            }
        }
        for m in &mut self.mandatory {
            resolve(&mut m.when, &names);
        }
        let order = self.order();
        self.types(&order, &names);
        self.names = names;
        self.ranges(&order);
        order
    }

    fn edges(&self, node: Node) -> Vec<Edge> {
        let mut out = Vec::new();
        let mut add = |e: &Option<Expr>, span: &Option<Range<usize>>| {
            if let (Some(e), Some(span)) = (e, span) {
                for (_, target, at) in e.refs() {
                    match target {
                        Target::Question(i) => out.push((Node::Question(i), span.clone(), at)),
                        Target::Sum(j) => out.push((Node::Sum(j), span.clone(), at)),
                        Target::Unresolved => {}
                    }
                }
            }
        };
        match node {
            Node::Question(i) => {
                let q = &self.questions[i];
                let sp = &self.qspans[i];
                add(
                    &self.sections[q.section].relevant,
                    &self.section_relevant[q.section],
                );
                add(&q.relevant, &sp.relevant);
                add(&q.calculation, &sp.calculation);
            }
            Node::Sum(j) => {
                let s = &self.sums[j];
                let sp = &self.sum_spans[j];
                add(&s.expression, &sp.expression);
                add(&s.relevant, &sp.relevant);
                for (q, span) in s.questions.iter().zip(&sp.questions) {
                    out.push((Node::Question(*q), span.clone(), usize::MAX));
                }
                for (k, span) in s.sums.iter().zip(&sp.sums) {
                    out.push((Node::Sum(*k), span.clone(), usize::MAX));
                }
            }
        }
        out
    }

    fn node_name(&self, n: Node) -> &str {
        match n {
            Node::Question(i) => &self.questions[i].name,
            Node::Sum(j) => &self.sums[j].name,
        }
    }

    /// Dependencies first (Kahn's algorithm, ties in file order); each cycle reported once, where it closes.
    fn order(&mut self) -> Vec<Node> {
        let nodes: Vec<Node> = (0..self.questions.len())
            .map(Node::Question)
            .chain((0..self.sums.len()).map(Node::Sum))
            .collect();
        let nq = self.questions.len();
        let index = move |n: Node| match n {
            Node::Question(i) => i,
            Node::Sum(j) => nq + j,
        };
        let edges: Vec<Vec<Edge>> = nodes.iter().map(|n| self.edges(*n)).collect();
        let mut waiting: Vec<usize> = edges.iter().map(Vec::len).collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for (i, es) in edges.iter().enumerate() {
            for (dep, _, _) in es {
                users[index(*dep)].push(i);
            }
        }
        let mut ready: std::collections::BTreeSet<usize> =
            (0..nodes.len()).filter(|i| waiting[*i] == 0).collect();
        let mut order = Vec::with_capacity(nodes.len());
        let mut done = vec![false; nodes.len()];
        while let Some(i) = ready.pop_first() {
            order.push(nodes[i]);
            done[i] = true;
            for &u in &users[i] {
                waiting[u] -= 1;
                if waiting[u] == 0 {
                    ready.insert(u);
                }
            }
        }
        // What is left is in a cycle or depends on one. Report each cycle from its first node in file order.
        let mut reported = vec![false; nodes.len()];
        for start in 0..nodes.len() {
            if done[start] || reported[start] {
                continue;
            }
            if let Some(path) = cycle_from(start, &edges, &done, &index) {
                for &p in &path {
                    reported[p] = true;
                }
                let names: Vec<&str> = path
                    .iter()
                    .chain(std::iter::once(&start))
                    .map(|&p| self.node_name(nodes[p]))
                    .collect();
                let second = path.get(1).copied().unwrap_or(start);
                let (_, span, at) = edges[start]
                    .iter()
                    .find(|(d, _, _)| index(*d) == second)
                    .cloned()
                    .unwrap_or((nodes[start], 0..0, 0));
                let message = format!(
                    "cycle: {} (each needs the other's value)",
                    names.join(" -> ")
                );
                if at == usize::MAX {
                    self.err(&span, message);
                } else {
                    self.err_in(&span, at, message);
                }
            }
        }
        // Nodes in or behind cycles still get evaluated (to Null), last.
        order.extend((0..nodes.len()).filter(|i| !done[*i]).map(|i| nodes[i]));
        order
    }

    fn types(&mut self, order: &[Node], names: &HashMap<String, (NameOf, Range<usize>)>) {
        let mut section_done = vec![false; self.sections.len()];
        let want_bool = |l: &mut Loader, t: Type, span: &Option<Range<usize>>, what: &str| {
            if !matches!(t, Type::Bool | Type::Any)
                && let Some(span) = span
            {
                l.err_in(
                    span,
                    0,
                    format!(
                        "{what} must be a condition (yes/no), but this gives {}",
                        t.word()
                    ),
                );
            }
        };
        for node in order {
            match *node {
                Node::Question(i) => {
                    let s = self.questions[i].section;
                    if !section_done[s] {
                        section_done[s] = true;
                        if let Some(mut e) = self.sections[s].relevant.take() {
                            let t = self.check_expr(
                                &mut e,
                                self.section_relevant[s].clone(),
                                names,
                                None,
                            );
                            want_bool(self, t, &self.section_relevant[s].clone(), "relevant");
                            self.sections[s].relevant = Some(e);
                        }
                    }
                    if let Some(mut e) = self.questions[i].relevant.take() {
                        let span = self.qspans[i].relevant.clone();
                        let t = self.check_expr(&mut e, span.clone(), names, None);
                        want_bool(self, t, &span, "relevant");
                        self.questions[i].relevant = Some(e);
                    }
                    if let Some(mut e) = self.questions[i].calculation.take() {
                        let span = self.qspans[i].calculation.clone();
                        let t = self.check_expr(&mut e, span, names, None);
                        self.questions[i].ty = t;
                        self.questions[i].calculation = Some(e);
                    }
                }
                Node::Sum(j) => {
                    if let Some(mut e) = self.sums[j].relevant.take() {
                        let span = self.sum_spans[j].relevant.clone();
                        let t = self.check_expr(&mut e, span.clone(), names, None);
                        want_bool(self, t, &span, "relevant");
                        self.sums[j].relevant = Some(e);
                    }
                    if let Some(mut e) = self.sums[j].expression.take() {
                        let span = self.sum_spans[j].expression.clone();
                        let t = self.check_expr(&mut e, span.clone(), names, None);
                        if !matches!(t, Type::Number | Type::Any)
                            && let Some(span) = span
                        {
                            self.err_in(
                                &span,
                                0,
                                format!("a sum's expression must give a number, not {}", t.word()),
                            );
                        }
                        self.sums[j].expression = Some(e);
                    }
                    for k in 0..self.sums[j].questions.len() {
                        let q = self.sums[j].questions[k];
                        let ty = self.questions[q].ty;
                        if self.questions[q].kind == QuestionKind::Calculate
                            && !matches!(ty, Type::Number | Type::Any)
                        {
                            let span = self.sum_spans[j].questions[k].clone();
                            let name = self.questions[q].name.clone();
                            self.err(
                                &span,
                                format!(
                                    "'{name}' calculates {}, which cannot be added up",
                                    ty.word()
                                ),
                            );
                        }
                    }
                }
            }
        }
        for i in 0..self.questions.len() {
            if let Some(mut e) = self.questions[i].constraint.take() {
                let span = self.qspans[i].constraint.clone();
                let t = self.check_expr(&mut e, span.clone(), names, Some(i));
                want_bool(self, t, &span, "constraint");
                self.questions[i].constraint = Some(e);
            }
        }
        for k in 0..self.mandatory.len() {
            let mut e = std::mem::replace(&mut self.mandatory[k].when, taken_out());
            let span = Some(self.mandatory_spans[k].clone());
            let t = self.check_expr(&mut e, span.clone(), names, None);
            want_bool(self, t, &span, "when");
            self.mandatory[k].when = e;
        }
        for k in 0..self.findings.len() {
            let mut e = std::mem::replace(&mut self.findings[k].when, taken_out());
            let span = Some(self.finding_spans[k].clone());
            let t = self.check_expr(&mut e, span.clone(), names, None);
            want_bool(self, t, &span, "when");
            self.findings[k].when = e;
        }
        if let Some((mut a, span)) = self.after_admission.take() {
            let at = Some(span.clone());
            let t = self.check_expr(&mut a.when, at.clone(), names, None);
            want_bool(self, t, &at, "when");
            self.after_admission = Some((a, span));
        }
    }

    fn check_expr(
        &mut self,
        e: &mut Expr,
        span: Option<Range<usize>>,
        names: &HashMap<String, (NameOf, Range<usize>)>,
        current: Option<usize>,
    ) -> Type {
        let scope = FormScope {
            questions: &self.questions,
            names,
            current,
        };
        let mut errors = Vec::new();
        let t = types::check(e, &scope, &mut errors);
        if let Some(span) = span {
            for err in errors {
                self.err_in(&span, err.at, err.message);
            }
        }
        t
    }
}

fn taken_out() -> Expr {
    Expr {
        kind: Kind::Bool(false),
        at: 0,
    }
}

/// A path start -> ... (back to start) through unfinished nodes, if `start` lies on a cycle.
fn cycle_from(
    start: usize,
    edges: &[Vec<Edge>],
    done: &[bool],
    index: &dyn Fn(Node) -> usize,
) -> Option<Vec<usize>> {
    // Breadth-first from start's dependencies, remembering how each node was reached, until start is reached.
    let mut came_from: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for (dep, _, _) in &edges[n] {
            let d = index(*dep);
            if done[d] {
                continue;
            }
            if d == start {
                let mut path = vec![n];
                let mut at = n;
                while at != start {
                    // Every node queued other than start was entered in came_from when it was queued.
                    at = came_from[&at];
                    path.push(at);
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(v) = came_from.entry(d) {
                v.insert(n);
                queue.push_back(d);
            }
        }
    }
    None
}
