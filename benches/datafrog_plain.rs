//! The plain datafrog baseline of the engine benchmark: each workload's rules written by hand
//! against datafrog's typed API in the textbook plan, with one copy of each relation, keyed the
//! way its join needs it (nothing beyond what the plan uses is kept). It reads the same TSV
//! files as supportkb, evaluates, and prints the number of tuples of the answer relation.
//!
//! `benches/run.py` runs its binary as a process, once per (workload, run); by hand:
//!
//! ```text
//! cargo bench --bench datafrog_plain -- KIND WORKLOAD_DIR
//! ```
//! KIND is `tc`, `sg` or `unreach`; WORKLOAD_DIR holds the TSV files (`edge.tsv`,
//! `parent.tsv`, or `edge.tsv`, `node.tsv` and `root.tsv`). Values are unsigned integers.

use datafrog::{Iteration, Relation};
use std::path::Path;

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_pairs(path: &Path) -> Vec<(u32, u32)> {
    read_text(path)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (a, b) = l.split_once('\t').expect("two tab-separated columns");
            (a.parse().expect("a number"), b.parse().expect("a number"))
        })
        .collect()
}

fn read_singles(path: &Path) -> Vec<u32> {
    read_text(path)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.parse().expect("a number"))
        .collect()
}

/// tc(X, Y) :- edge(X, Y).  tc(X, Z) :- tc(X, Y), edge(Y, Z).
///
/// `tc` is kept once, keyed by its second column `(Y, X)`, and joined with `edge` keyed by its
/// first column; each join result `(Z, X)` is already keyed for the next round.
fn tc(dir: &Path) -> usize {
    let edge: Relation<(u32, u32)> = read_pairs(&dir.join("edge.tsv")).into();
    let mut it = Iteration::new();
    let tc_by_y = it.variable::<(u32, u32)>("tc");
    tc_by_y.extend(edge.iter().map(|&(x, y)| (y, x)));
    while it.changed() {
        tc_by_y.from_join(&tc_by_y, &edge, |_y, &x, &z| (z, x));
    }
    tc_by_y.complete().len()
}

/// sg(X, Y) :- parent(X, P), parent(Y, P), X != Y.
/// sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).
///
/// `parent` is kept once, keyed by the parent; `sg` once, keyed by its first column; the
/// recursive rule is two binary joins through `step(B, X)`, the one intermediate of the plan.
fn sg(dir: &Path) -> usize {
    let by_parent: Relation<(u32, u32)> = read_pairs(&dir.join("parent.tsv"))
        .into_iter()
        .map(|(c, p)| (p, c))
        .collect();
    let siblings: Vec<(u32, u32)> = Relation::from_join(&by_parent, &by_parent, |_, &x, &y| (x, y))
        .iter()
        .copied()
        .filter(|&(x, y)| x != y)
        .collect();
    let mut it = Iteration::new();
    let sg = it.variable::<(u32, u32)>("sg");
    let step = it.variable::<(u32, u32)>("step");
    sg.extend(siblings);
    while it.changed() {
        step.from_join(&sg, &by_parent, |_a, &b, &x| (b, x));
        sg.from_join(&step, &by_parent, |_b, &x, &y| (x, y));
    }
    sg.complete().len()
}

/// reach(X) :- root(X).  reach(Y) :- reach(X), edge(X, Y).  unreach(X) :- node(X), !reach(X).
fn unreach(dir: &Path) -> usize {
    let edge: Relation<(u32, u32)> = read_pairs(&dir.join("edge.tsv")).into();
    let node: Relation<(u32, ())> = read_singles(&dir.join("node.tsv"))
        .into_iter()
        .map(|n| (n, ()))
        .collect();
    let root = read_singles(&dir.join("root.tsv"));
    let mut it = Iteration::new();
    let reach = it.variable::<(u32, ())>("reach");
    reach.extend(root.into_iter().map(|r| (r, ())));
    while it.changed() {
        reach.from_join(&reach, &edge, |_x, _, &y| (y, ()));
    }
    let reach: Relation<u32> = Relation::from_map(&reach.complete(), |&(x, ())| x);
    // One round through a Variable: datafrog 2.0.1's `Relation::from_antijoin` returns an
    // empty relation whatever its inputs (it reads only the recent tuples of its first input).
    let mut it = Iteration::new();
    let nodes = it.variable::<(u32, ())>("node");
    let unreach = it.variable::<u32>("unreach");
    nodes.insert(node);
    while it.changed() {
        unreach.from_antijoin(&nodes, &reach, |&x, _| x);
    }
    unreach.complete().len()
}

fn main() {
    // `cargo bench` passes `--bench`; the benchmark script passes KIND and DIR.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [kind, dir] = args.as_slice() else {
        eprintln!("usage: datafrog_plain tc|sg|unreach WORKLOAD_DIR (see benches/run.py)");
        return;
    };
    let dir = Path::new(dir);
    let tuples = match kind.as_str() {
        "tc" => tc(dir),
        "sg" => sg(dir),
        "unreach" => unreach(dir),
        other => {
            eprintln!("unknown workload kind {other}: expected tc, sg or unreach");
            std::process::exit(2);
        }
    };
    println!("{tuples}");
}
