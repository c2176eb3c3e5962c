//! Engine benchmark, in-process: one workload through supportkb's library (rules from `.kb`
//! text, facts from TSV, heights on or off) or through the same rules hand-written against
//! datafrog's typed API, keeping `tc` twice (keyed by each column) as an earlier baseline did.
//!
//! `benches/run.py` times whole processes: supportkb's own binary, the plain one-copy datafrog
//! program (`benches/datafrog_plain.rs`) and, as a second labelled row, this file's `datafrog`
//! engine ("datafrog 2-copy"). By hand:
//!
//! ```text
//! cargo bench --bench engine -- ENGINE WORKLOAD_DIR
//! ```
//! ENGINE is `supportkb`, `supportkb-noheights`, `supportkb-nolimits` (heights on, the
//! resource limits not counted per row: what the limit checks cost) or `datafrog`; WORKLOAD_DIR holds
//! `program.kb` (with `input` declarations), the TSV files it reads, and `workload` (its
//! kind: `tc`, `sg` or `unreach`). Prints `tuples seconds` of the answer relation, the
//! seconds measured inside the process.

use datafrog::{Iteration, Relation};
use std::path::Path;
use std::time::Instant;
use supportkb::engine::EvalConfig;
use supportkb::query::{KnowledgeBase, LoadConfig};
use supportkb::source::read_paths;

fn read_pairs(path: &Path) -> Vec<(u32, u32)> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (a, b) = l.split_once('\t').expect("two columns");
            (a.parse().expect("number"), b.parse().expect("number"))
        })
        .collect()
}

fn read_singles(path: &Path) -> Vec<u32> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.parse().expect("number"))
        .collect()
}

/// tc(X, Y) :- edge(X, Y).  tc(X, Z) :- tc(X, Y), edge(Y, Z).
fn tc(dir: &Path) -> usize {
    let edges: Relation<(u32, u32)> = read_pairs(&dir.join("edge.tsv")).into();
    let mut it = Iteration::new();
    let tc = it.variable::<(u32, u32)>("tc");
    let tc_by_y = it.variable::<(u32, u32)>("tc_by_y");
    tc.extend(edges.iter().copied());
    while it.changed() {
        tc_by_y.from_map(&tc, |&(x, y)| (y, x));
        tc.from_join(&tc_by_y, &edges, |_, &x, &z| (x, z));
    }
    tc.complete().len()
}

/// sg(X, Y) :- parent(X, P), parent(Y, P), X != Y.
/// sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).
fn sg(dir: &Path) -> usize {
    // parent(child, parent), keyed by the parent.
    let by_parent: Relation<(u32, u32)> = read_pairs(&dir.join("parent.tsv"))
        .into_iter()
        .map(|(c, p)| (p, c))
        .collect();
    let mut it = Iteration::new();
    let sg = it.variable::<(u32, u32)>("sg");
    let step = it.variable::<(u32, u32)>("step");
    let siblings = Relation::from_join(&by_parent, &by_parent, |_, &x, &y| (x, y));
    sg.extend(siblings.iter().copied().filter(|&(x, y)| x != y));
    while it.changed() {
        // sg(A, B), parent(X, A) -> (B, X); then parent(Y, B) -> (X, Y).
        step.from_join(&sg, &by_parent, |_, &b, &x| (b, x));
        sg.from_join(&step, &by_parent, |_, &x, &y| (x, y));
    }
    sg.complete().len()
}

/// reach(X) :- root(X).  reach(Y) :- reach(X), edge(X, Y).  unreach(X) :- node(X), !reach(X).
fn unreach(dir: &Path) -> usize {
    let edges: Relation<(u32, u32)> = read_pairs(&dir.join("edge.tsv")).into();
    let nodes = read_singles(&dir.join("node.tsv"));
    let roots = read_singles(&dir.join("root.tsv"));
    let mut it = Iteration::new();
    let reach = it.variable::<(u32, ())>("reach");
    reach.extend(roots.iter().map(|&r| (r, ())));
    while it.changed() {
        reach.from_join(&reach, &edges, |_, _, &y| (y, ()));
    }
    let reached: Relation<u32> = reach.complete().iter().map(|&(x, ())| x).collect();
    let mut it = Iteration::new();
    let node = it.variable::<(u32, ())>("node");
    let unreach = it.variable::<(u32, ())>("unreach");
    node.extend(nodes.iter().map(|&n| (n, ())));
    while it.changed() {
        unreach.from_antijoin(&node, &reached, |&x, _| (x, ()));
    }
    unreach.complete().len()
}

fn main() {
    // `cargo bench` passes `--bench`; the script passes ENGINE and DIR.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [engine, dir] = args.as_slice() else {
        eprintln!("usage: engine ENGINE WORKLOAD_DIR (see benches/run.py)");
        return;
    };
    let dir = Path::new(dir);
    let workload = std::fs::read_to_string(dir.join("workload"))
        .expect("a workload file")
        .trim()
        .to_string();
    let answer = match workload.as_str() {
        "tc" => "tc",
        "sg" => "sg",
        "unreach" => "unreach",
        other => panic!("unknown workload {other}"),
    };
    let start = Instant::now();
    let tuples = match engine.as_str() {
        "datafrog" => match answer {
            "tc" => tc(dir),
            "sg" => sg(dir),
            _ => unreach(dir),
        },
        "supportkb" | "supportkb-noheights" | "supportkb-nolimits" => {
            let texts = read_paths(&[dir.join("program.kb")], "kb")
                .unwrap_or_else(|e| panic!("{}", e.message));
            let config = LoadConfig {
                eval: EvalConfig {
                    heights: engine != "supportkb-noheights",
                    max_tuples: usize::MAX,
                    max_rows: usize::MAX,
                    per_row_checks: engine != "supportkb-nolimits",
                    ..EvalConfig::default()
                },
                ..LoadConfig::default()
            };
            let kb = KnowledgeBase::load(texts, config)
                .unwrap_or_else(|e| panic!("{}", e.sources.render(&e.diagnostics, false)));
            kb.tuple_count(answer)
        }
        other => panic!("unknown engine {other}"),
    };
    println!("{tuples} {:.4}", start.elapsed().as_secs_f64());
}
