//! Stratification: the predicate dependency graph, its strongly connected components in
//! evaluation order, and the rejection of negation through recursion with the cycle named.
//!
//! Source: Apt, Blair and Walker, "Towards a theory of declarative knowledge" (1988) for
//! stratified negation; Tarjan (1972) for the components.

use crate::ir::{Literal, Pred, Rule};
use crate::source::{Code, Diagnostic, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One stratum: predicates evaluated together (a strongly connected component of the
/// dependency graph), in an order where every predicate a stratum reads comes earlier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stratum {
    /// The predicates defined in it.
    pub preds: Vec<Pred>,
    /// Whether some rule of it reads a predicate of the same stratum (needs iteration).
    pub recursive: bool,
}

struct Edge {
    to: Pred,
    /// Negated, or aggregated: the predicate read must be complete first.
    negative: bool,
    span: Span,
}

/// How a cycle shows a predicate: an aggregate's relation as the aggregate is written.
type Labels = HashMap<Pred, String>;

type Graph = BTreeMap<Pred, Vec<Edge>>;

/// Splits the predicates defined by `rules` into strata in evaluation order.
///
/// An aggregate reads its auxiliary relation like a negation: complete, from a lower
/// stratum.
///
/// Errors: every negated literal or aggregate whose predicate depends on the rule's own
/// head, each with its cycle named (`p -> !q -> r -> p`) and pointed at.
pub fn stratify(rules: &[Rule]) -> Result<Vec<Stratum>, Vec<Diagnostic>> {
    let mut graph: Graph = BTreeMap::new();
    let mut labels = Labels::new();
    for r in rules {
        let edges = graph.entry(r.head.pred.clone()).or_default();
        for l in &r.body {
            let (a, negative) = match l {
                Literal::Pos(a) => (a, false),
                Literal::Neg(a) => (a, true),
                Literal::Aggregate(g) => {
                    let body: Vec<String> = g.body.iter().map(ToString::to_string).collect();
                    let label = format!("{} : {{ {} }}", g.op.as_str(), body.join(", "));
                    labels.insert(g.aux.pred.clone(), label);
                    (&g.aux, true)
                }
                _ => continue,
            };
            edges.push(Edge {
                to: a.pred.clone(),
                negative,
                span: l.span(),
            });
        }
    }
    let nodes: Vec<Pred> = graph.keys().cloned().collect();
    let comps = tarjan(&nodes, &graph);
    let comp_of: HashMap<&Pred, usize> = comps
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.iter().map(move |p| (p, i)))
        .collect();
    let mut strata = Vec::with_capacity(comps.len());
    let mut errors = Vec::new();
    let mut reported = BTreeSet::new();
    for (ci, comp) in comps.iter().enumerate() {
        let mut recursive = false;
        for p in comp {
            for e in graph.get(p).into_iter().flatten() {
                if comp_of.get(&e.to) != Some(&ci) {
                    continue;
                }
                recursive = true;
                if e.negative && reported.insert((p.clone(), e.to.clone(), e.span)) {
                    let cycle = cycle_through(&graph, &comp_of, ci, p, &e.to, &labels);
                    let aggregate = labels.contains_key(&e.to);
                    let (what, help) = if aggregate {
                        (
                            "aggregation through recursion",
                            "an aggregate needs its relation complete before it counts; it may not read the predicate it helps define",
                        )
                    } else {
                        (
                            "negation through recursion",
                            "a predicate may not depend on its own negation; split the rule or remove the cycle",
                        )
                    };
                    let shown = labels
                        .get(&e.to)
                        .cloned()
                        .unwrap_or_else(|| format!("`{}`", e.to));
                    errors.push(
                        Diagnostic::error(Code::Unstratifiable, format!("{what}: {cycle}"), e.span)
                            .with_label(format!("{shown} depends on `{p}` itself"))
                            .with_help(help),
                    );
                }
            }
        }
        let mut preds = comp.clone();
        preds.sort();
        strata.push(Stratum { preds, recursive });
    }
    if errors.is_empty() {
        Ok(strata)
    } else {
        Err(errors)
    }
}

/// `from -> !to -> … -> from`, the shortest path back inside the component.
fn cycle_through(
    graph: &Graph,
    comp_of: &HashMap<&Pred, usize>,
    comp: usize,
    from: &Pred,
    to: &Pred,
    labels: &Labels,
) -> String {
    let show = |p: &Pred, neg: bool| match labels.get(p) {
        Some(l) => l.clone(),
        None if neg => format!("!{p}"),
        None => p.to_string(),
    };
    let mut prev: HashMap<Pred, (Pred, bool)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([to.clone()]);
    let mut seen = BTreeSet::from([to.clone()]);
    while let Some(n) = queue.pop_front() {
        if n == *from {
            break;
        }
        for e in graph.get(&n).into_iter().flatten() {
            if comp_of.get(&e.to) == Some(&comp) && seen.insert(e.to.clone()) {
                prev.insert(e.to.clone(), (n.clone(), e.negative));
                queue.push_back(e.to.clone());
            }
        }
    }
    let mut path = vec![from.to_string()];
    let mut cur = from.clone();
    while cur != *to {
        let Some((p, neg)) = prev.get(&cur) else {
            break;
        };
        path.push(show(p, *neg));
        cur = p.clone();
    }
    path.reverse();
    // path now runs to … from; prefix with from -> !to.
    let mut s = format!("{from} -> {}", show(to, true));
    for step in path.iter().skip(1) {
        s.push_str(" -> ");
        s.push_str(step);
    }
    if to == from {
        s = format!("{from} -> !{from}");
    }
    s
}

fn tarjan(nodes: &[Pred], graph: &Graph) -> Vec<Vec<Pred>> {
    // Iterative Tarjan, so deep dependency chains cannot overflow the stack. Components come
    // out in reverse topological order of the "reads" relation, i.e. dependencies first.
    let index_of: HashMap<&Pred, usize> = nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph
                .get(n)
                .into_iter()
                .flatten()
                .filter_map(|e| index_of.get(&e.to).copied())
                .collect()
        })
        .collect();
    let n = nodes.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut k)) = call.last_mut() {
            if *k < succ[v].len() {
                let w = succ[v][*k];
                *k += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    loop {
                        let w = stack.pop().expect("tarjan stack");
                        on_stack[w] = false;
                        comp.push(nodes[w].clone());
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lower;
    use crate::syntax::parse_kb;

    fn rules(src: &str) -> Vec<Rule> {
        lower::program(&parse_kb(src, 0).unwrap().clauses).0
    }

    #[test]
    fn dependencies_come_first() {
        let s = stratify(&rules(
            "a(X) :- b(X). b(X) :- c(X), !d(X). c(1). d(2). r(X) :- r(X), c(X).",
        ))
        .unwrap();
        let pos = |n: &str| {
            s.iter()
                .position(|st| st.preds.contains(&Pred::user(n)))
                .unwrap()
        };
        assert!(pos("c") < pos("b") && pos("d") < pos("b") && pos("b") < pos("a"));
        assert!(s[pos("r")].recursive);
        assert!(!s[pos("a")].recursive);
    }

    #[test]
    fn negation_through_recursion_names_the_cycle() {
        let e = stratify(&rules(
            "p(X) :- q(X), !r(X).\nr(X) :- s(X).\ns(X) :- p(X).\nq(1).",
        ))
        .unwrap_err();
        assert_eq!(e[0].code, Code::Unstratifiable);
        assert!(
            e[0].message.contains("p -> !r -> s -> p"),
            "{}",
            e[0].message
        );
        let e = stratify(&rules("p(X) :- q(X), !p(X). q(1).")).unwrap_err();
        assert!(e[0].message.contains("p -> !p"));
    }

    #[test]
    fn every_cycle_is_reported() {
        let e = stratify(&rules(
            "p(X) :- q(X), !p(X). q(1). a(X) :- q(X), !b(X). b(X) :- a(X).",
        ))
        .unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
    }
}
