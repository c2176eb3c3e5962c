#!/usr/bin/env python3
"""Engine benchmark suite: generates the workloads, runs each through supportkb (heights on
and off) and through the same rules hand-written against datafrog (benches/engine.rs), and,
where installed, through SWI-Prolog with tabling (`swipl`) and clingo (Python package); checks
that every engine derives the same number of tuples, and prints a table of medians, ratios and
peak memory.

    python3 benches/run.py            # all workloads, 3 runs each
    python3 benches/run.py 5 tc_chain_2000

Workloads (seeds fixed, so counts are reproducible):
  tc_chain_1000   transitive closure of a 1,000-node chain      499,500 tuples
  tc_chain_2000   transitive closure of a 2,000-node chain    1,999,000 tuples
  tc_random_5000  transitive closure of a random graph: 5,000 nodes, 6,000 edges (seed 42)
  sg_tree         same generation on a complete binary tree of depth 9
  unreach_random  nodes not reachable from a root (stratified negation): 200,000 nodes,
                  260,000 random edges (seed 7), 10 roots
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "target", "bench-data")

TC = """decl edge(from, to).
input edge from "edge.tsv".
tc(X, Y) :- edge(X, Y).
tc(X, Z) :- tc(X, Y), edge(Y, Z).
"""
SG = """decl parent(child, parent).
input parent from "parent.tsv".
sg(X, Y) :- parent(X, P), parent(Y, P).
sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).
"""
UNREACH = """decl edge(from, to).
decl node(n).
decl root(n).
input edge from "edge.tsv".
input node from "node.tsv".
input root from "root.tsv".
reach(X) :- root(X).
reach(Y) :- reach(X), edge(X, Y).
unreach(X) :- node(X), !reach(X).
"""


def write(dir, name, rows):
    with open(os.path.join(dir, name), "w") as f:
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


def random_edges(n, m, seed):
    rnd = random.Random(seed)
    edges = set()
    while len(edges) < m:
        a, b = rnd.randrange(n), rnd.randrange(n)
        if a != b:
            edges.add((a, b))
    return sorted(edges)


def generate():
    workloads = {}

    def make(name, kind, program, files):
        d = os.path.join(DATA, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "program.kb"), "w") as f:
            f.write(program)
        with open(os.path.join(d, "workload"), "w") as f:
            f.write(kind + "\n")
        for fname, rows in files.items():
            write(d, fname, rows)
        workloads[name] = (kind, d)

    for n in (1000, 2000):
        make(f"tc_chain_{n}", "tc", TC, {"edge.tsv": [(i, i + 1) for i in range(n - 1)]})
    make("tc_random_5000", "tc", TC, {"edge.tsv": random_edges(5000, 6000, 42)})
    depth = 9
    parents = [(c, (c - 1) // 2) for c in range(1, 2 ** (depth + 1) - 1)]
    make("sg_tree", "sg", SG, {"parent.tsv": parents})
    n = 200_000
    make("unreach_random", "unreach", UNREACH, {
        "edge.tsv": random_edges(n, 260_000, 7),
        "node.tsv": [(i,) for i in range(n)],
        "root.tsv": [(i,) for i in range(0, n, n // 10)],
    })
    return workloads


def bench_binary():
    out = subprocess.run(
        ["cargo", "bench", "--bench", "engine", "--no-run", "--message-format=json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "engine" and msg.get("executable"):
            return msg["executable"]
    sys.exit("could not find the engine benchmark binary")


PEER_TIMEOUT = 180  # seconds a peer engine may take on one workload


def timed(cmd, cwd=None, timeout=None):
    """Runs cmd under /usr/bin/time; returns (stdout, wall seconds, peak RSS in MB)."""
    with tempfile.NamedTemporaryFile() as t:
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr[-500:]}")
        wall, rss = open(t.name).read().split()[-2:]
    return r.stdout, float(wall), int(rss) / 1024


def run_engine(binary, engine, d):
    out, _, rss = timed([binary, engine, d])
    tuples, secs = out.split()
    return int(tuples), float(secs), rss


# ---------------------------------------------------------------- peers (optional)

def swipl_program(kind, d):
    facts = {
        "tc": [("edge", "edge.tsv")],
        "sg": [("parent", "parent.tsv")],
        "unreach": [("edge", "edge.tsv"), ("node", "node.tsv"), ("root", "root.tsv")],
    }[kind]
    lines = [":- use_module(library(csv))."]
    rules = {
        "tc": [":- table tc/2.", "tc(X, Y) :- edge(X, Y).", "tc(X, Z) :- tc(X, Y), edge(Y, Z).", "goal(N) :- aggregate_all(count, tc(_, _), N)."],
        "sg": [":- table sg/2.", "sg(X, Y) :- parent(X, P), parent(Y, P).", "sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).", "goal(N) :- aggregate_all(count, sg(_, _), N)."],
        "unreach": [":- table reach/1.", "reach(X) :- root(X).", "reach(Y) :- reach(X), edge(X, Y).", "goal(N) :- aggregate_all(count, (node(X), \\+ reach(X)), N)."],
    }[kind]
    lines += rules
    load = []
    for pred, f in facts:
        load.append(f"csv_read_file('{os.path.join(d, f)}', Rows_{pred}, [separator(0'\\t), functor({pred}), convert(true)]), maplist(assertz, Rows_{pred})")
    lines.append(":- initialization(main, main).")
    lines.append("main :- " + ", ".join(load) + ", goal(N), format('~w~n', [N]).")
    return "\n".join(lines) + "\n"


def run_swipl(kind, d):
    with tempfile.NamedTemporaryFile("w", suffix=".pl", delete=False) as f:
        f.write(swipl_program(kind, d))
    try:
        out, wall, rss = timed(["swipl", "--stack-limit=8g", f.name], timeout=PEER_TIMEOUT)
        return int(out.split()[-1]), wall, rss
    finally:
        os.unlink(f.name)


CLINGO = r'''
import sys, clingo
kind, d = sys.argv[1], sys.argv[2]
rules = {
  "tc": "tc(X,Y) :- edge(X,Y). tc(X,Z) :- tc(X,Y), edge(Y,Z). #show tc/2.",
  "sg": "sg(X,Y) :- parent(X,P), parent(Y,P). sg(X,Y) :- parent(X,A), sg(A,B), parent(Y,B). #show sg/2.",
  "unreach": "reach(X) :- root(X). reach(Y) :- reach(X), edge(X,Y). unreach(X) :- node(X), not reach(X). #show unreach/1.",
}[kind]
files = {"tc": ["edge"], "sg": ["parent"], "unreach": ["edge", "node", "root"]}[kind]
facts = []
for p in files:
    for line in open(f"{d}/{p}.tsv"):
        if line.strip():
            facts.append(f"{p}({','.join(line.split())}).")
ctl = clingo.Control(["--warn=none"])
ctl.add("base", [], "\n".join(facts) + "\n" + rules)
ctl.ground([("base", [])])
n = 0
with ctl.solve(yield_=True) as h:
    for m in h:
        n = len(m.symbols(shown=True))
print(n)
'''


def run_clingo(kind, d):
    out, wall, rss = timed([sys.executable, "-c", CLINGO, kind, d], timeout=PEER_TIMEOUT)
    return int(out.split()[-1]), wall, rss


def have_clingo():
    return subprocess.run([sys.executable, "-c", "import clingo"], capture_output=True).returncode == 0


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    only = set(sys.argv[2:])
    workloads = generate()
    binary = bench_binary()
    peers = []
    if shutil.which("swipl"):
        peers.append(("swipl (tabled)", run_swipl))
    if have_clingo():
        peers.append(("clingo", run_clingo))
    rows = []
    for name, (kind, d) in workloads.items():
        if only and name not in only:
            continue
        results = {}
        for engine in ("datafrog", "supportkb", "supportkb-noheights"):
            samples = [run_engine(binary, engine, d) for _ in range(runs)]
            results[engine] = samples
            print(f"{name} {engine}: {statistics.median(x[1] for x in samples):.3f} s", file=sys.stderr, flush=True)
        for label, fn in peers:
            try:
                results[label] = [fn(kind, d) for _ in range(max(1, runs // 3))]
            except subprocess.TimeoutExpired:
                print(f"{label} on {name}: over {PEER_TIMEOUT} s, left out", file=sys.stderr, flush=True)
            except Exception as e:  # a peer that fails is reported, not fatal
                print(f"{label} on {name}: {e}", file=sys.stderr, flush=True)
        counts = {e: s[0][0] for e, s in results.items()}
        agree = len(set(counts.values())) == 1
        med = {e: statistics.median(x[1] for x in s) for e, s in results.items()}
        rss = {e: max(x[2] for x in s) for e, s in results.items()}
        rows.append((name, counts["supportkb"], agree, med, rss, counts))
    print(f"\n{'workload':16} {'tuples':>10} {'engine':22} {'median s':>9} {'ratio':>6} {'peak MB':>8} {'B/tuple':>8}")
    for name, tuples, agree, med, rss, counts in rows:
        base = med["datafrog"]
        for e in med:
            ratio = med[e] / base if base else float("nan")
            per = rss[e] * 1024 * 1024 / tuples if tuples else 0
            print(f"{name:16} {counts[e]:>10} {e:22} {med[e]:9.3f} {ratio:6.2f} {rss[e]:8.1f} {per:8.1f}")
        hc = med["supportkb"] / med["supportkb-noheights"] - 1 if med["supportkb-noheights"] else 0
        print(f"{'':16} {'':>10} {'heights cost':22} {hc * 100:8.1f}%   counts {'agree' if agree else 'DISAGREE: ' + str(counts)}")
    if not all(r[2] for r in rows):
        sys.exit("tuple counts disagree")


if __name__ == "__main__":
    main()
