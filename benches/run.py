#!/usr/bin/env python3
"""Engine benchmark: whole processes, facts from TSV files, every engine side by side.

Generates the workloads into target/bench-data/ (fixed seeds), then times each engine as a
separate process on the same TSV files: supportkb's own binary (`eval`, with the derivation
heights on and with --no-heights), a plain hand-written datafrog program
(benches/datafrog_plain.rs, the baseline), the two-copy datafrog program of benches/engine.rs,
and, where installed, SWI-Prolog (tabled), clingo (Python package) and Soufflé (compiled,
interpreted, interpreted with provenance). Checks that every engine derives the same number of
answer tuples and prints one table: median wall seconds, peak RSS, ratios to plain datafrog,
bytes per answer tuple, the cost of heights, and the growth from chain 1,000 to 4,000.

    python3 benches/run.py                      # every workload, 3 runs each
    python3 benches/run.py --quick              # a small subset
    python3 benches/run.py --workloads tc_chain_1000,sg_tree_10 --runs 5
    python3 benches/run.py --engines supportkb,datafrog --json out.json
    python3 benches/run.py --list               # workloads and engines, then exit

Standard library only. See benches/README.md.
"""
import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "target", "bench-data")
TIME = "/usr/bin/time"

# ---------------------------------------------------------------- programs, one per kind

KB = {
    "tc": """decl edge(from, to).
input edge from "edge.tsv".
tc(X, Y) :- edge(X, Y).
tc(X, Z) :- tc(X, Y), edge(Y, Z).
""",
    "sg": """decl parent(child, parent).
input parent from "parent.tsv".
sg(X, Y) :- parent(X, P), parent(Y, P), X != Y.
sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).
""",
    "unreach": """decl edge(from, to).
decl node(n).
decl root(n).
input edge from "edge.tsv".
input node from "node.tsv".
input root from "root.tsv".
reach(X) :- root(X).
reach(Y) :- reach(X), edge(X, Y).
unreach(X) :- node(X), !reach(X).
""",
}
ANSWER = {"tc": "tc", "sg": "sg", "unreach": "unreach"}
INPUTS = {"tc": [("edge", 2)], "sg": [("parent", 2)], "unreach": [("edge", 2), ("node", 1), ("root", 1)]}

SOUFFLE = {
    "tc": """.decl edge(x: number, y: number)
.decl tc(x: number, y: number)
tc(x, y) :- edge(x, y).
tc(x, z) :- tc(x, y), edge(y, z).
""",
    "sg": """.decl parent(c: number, p: number)
.decl sg(x: number, y: number)
sg(x, y) :- parent(x, p), parent(y, p), x != y.
sg(x, y) :- parent(x, a), sg(a, b), parent(y, b).
""",
    "unreach": """.decl edge(x: number, y: number)
.decl node(n: number)
.decl root(n: number)
.decl reach(n: number)
.decl unreach(n: number)
reach(x) :- root(x).
reach(y) :- reach(x), edge(x, y).
unreach(x) :- node(x), !reach(x).
""",
}

SWIPL = {
    "tc": [":- table tc/2.", "tc(X, Y) :- edge(X, Y).", "tc(X, Z) :- tc(X, Y), edge(Y, Z).",
           "answer(N) :- aggregate_all(count, tc(_, _), N)."],
    "sg": [":- table sg/2.", "sg(X, Y) :- parent(X, P), parent(Y, P), X \\== Y.",
           "sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).",
           "answer(N) :- aggregate_all(count, sg(_, _), N)."],
    # Subsumptive, so that `\+ reach(X)` with X bound looks into the completed table of
    # reach(_) instead of opening a new table per node.
    "unreach": [":- table reach/1 as subsumptive.", "reach(X) :- root(X).",
                "reach(Y) :- reach(X), edge(X, Y).", "unreach(X) :- node(X), \\+ reach(X).",
                "answer(N) :- aggregate_all(count, unreach(_), N)."],
}

CLINGO_RULES = {
    "tc": "tc(X,Y) :- edge(X,Y). tc(X,Z) :- tc(X,Y), edge(Y,Z). #show tc/2.",
    "sg": "sg(X,Y) :- parent(X,P), parent(Y,P), X != Y. sg(X,Y) :- parent(X,A), sg(A,B), parent(Y,B). #show sg/2.",
    "unreach": "reach(X) :- root(X). reach(Y) :- reach(X), edge(X,Y). unreach(X) :- node(X), not reach(X). #show unreach/1.",
}
CLINGO_MAIN = r"""
import sys, clingo
rules, d, preds = sys.argv[1], sys.argv[2], sys.argv[3:]
facts = []
for p in preds:
    with open(f"{d}/{p}.tsv") as f:
        for line in f:
            if line.strip():
                facts.append(f"{p}({','.join(line.split())}).")
ctl = clingo.Control(["--warn=none"])
ctl.add("base", [], "\n".join(facts) + "\n" + rules)
del facts
ctl.ground([("base", [])])
n = 0
with ctl.solve(yield_=True) as h:
    for m in h:
        n = len(m.symbols(shown=True))
print(n)
"""

# ---------------------------------------------------------------- workloads


def random_edges(n, m, seed):
    """m distinct random directed edges over n nodes, no self-loops, sorted."""
    rnd = random.Random(seed)
    edges = set()
    while len(edges) < m:
        a, b = rnd.randrange(n), rnd.randrange(n)
        if a != b:
            edges.add((a, b))
    return sorted(edges)


def chain(n):
    return lambda: {"edge": [(i, i + 1) for i in range(n - 1)]}


def random_graph(n, seed=42):
    return lambda: {"edge": random_edges(n, n * 6 // 5, seed)}


def binary_tree(depth):
    return lambda: {"parent": [(c, (c - 1) // 2) for c in range(1, 2 ** (depth + 1) - 1)]}


def reach_graph(n, m, roots, seed=7):
    return lambda: {
        "edge": random_edges(n, m, seed),
        "node": [(i,) for i in range(n)],
        "root": [(i,) for i in range(0, n, n // roots)],
    }


# name: (kind, family and size for growth and timeout skipping, description, generator)
WORKLOADS = {
    "tc_chain_500": ("tc", ("chain", 500), "transitive closure of a 500-node chain", chain(500)),
    "tc_chain_1000": ("tc", ("chain", 1000), "transitive closure of a 1,000-node chain", chain(1000)),
    "tc_chain_2000": ("tc", ("chain", 2000), "transitive closure of a 2,000-node chain", chain(2000)),
    "tc_chain_4000": ("tc", ("chain", 4000), "transitive closure of a 4,000-node chain", chain(4000)),
    "tc_random_2500": ("tc", ("random", 2500), "transitive closure, random graph: 2,500 nodes, 3,000 edges (seed 42)", random_graph(2500)),
    "tc_random_5000": ("tc", ("random", 5000), "transitive closure, random graph: 5,000 nodes, 6,000 edges (seed 42)", random_graph(5000)),
    "tc_random_10000": ("tc", ("random", 10000), "transitive closure, random graph: 10,000 nodes, 12,000 edges (seed 42)", random_graph(10000)),
    "tc_random_20000": ("tc", ("random", 20000), "transitive closure, random graph: 20,000 nodes, 24,000 edges (seed 42)", random_graph(20000)),
    "sg_tree_10": ("sg", ("tree", 10), "same generation, complete binary tree of depth 10 (2,047 nodes)", binary_tree(10)),
    "unreach_1m": ("unreach", ("reach", 1_000_000), "unreachable nodes by negation: 1M nodes, 1.5M random edges (seed 7), 10 roots",
                   reach_graph(1_000_000, 1_500_000, 10)),
}
# The six workloads the comparison is judged on: every engine, 3 runs, a few minutes here.
QUICK = ["tc_chain_1000", "tc_chain_2000", "tc_random_5000", "tc_random_10000", "sg_tree_10", "unreach_1m"]
DATA_VERSION = "2"  # bump when a generator changes, so cached TSV files are rewritten


def generate(name):
    kind, _, desc, gen = WORKLOADS[name]
    d = os.path.join(DATA, name)
    stamp = os.path.join(d, "generated")
    want = f"{DATA_VERSION} {name}: {desc}\n"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return d
    os.makedirs(d, exist_ok=True)
    for pred, rows in gen().items():
        with open(os.path.join(d, pred + ".tsv"), "w") as f:
            f.writelines("\t".join(map(str, r)) + "\n" for r in rows)
    with open(os.path.join(d, "program.kb"), "w") as f:
        f.write(KB[kind])
    with open(os.path.join(d, "workload"), "w") as f:  # read by benches/engine.rs
        f.write(kind + "\n")
    with open(stamp, "w") as f:
        f.write(want)
    return d


# ---------------------------------------------------------------- measuring one process


class Timeout(Exception):
    pass


def measure(cmd, timeout, cwd=None, ok=(0,)):
    """Runs cmd as its own process group under /usr/bin/time. Returns (stdout, stderr, wall
    seconds, peak RSS in MB, user+system CPU seconds). On timeout the whole group is killed.

    /usr/bin/time, not os.wait4 here: a child forked from this script starts with the script's
    own resident memory, and ru_maxrss would count it; time's own process is about 1 MB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as stats:
        start = time.perf_counter()
        p = subprocess.Popen([TIME, "-f", "%M %U %S", "-o", stats.name] + cmd, cwd=cwd,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        fired = threading.Event()

        def kill_group():
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        def on_timeout():
            fired.set()
            kill_group()

        timer = threading.Timer(timeout, on_timeout)
        timer.start()
        try:
            p.wait()
        except BaseException:
            kill_group()
            p.wait()
            raise
        finally:
            timer.cancel()
            wall = time.perf_counter() - start
            kill_group()  # whatever the command left running in its group
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
        if fired.is_set() and p.returncode != 0:
            raise Timeout(f"over {timeout:g} s, killed")
        if p.returncode not in ok:
            tail = stderr.strip().splitlines()[-3:]
            raise RuntimeError(f"exit {p.returncode}: " + " | ".join(tail)[-300:])
        fields = stats.read().split()
        rss_kb, user, sys_ = int(fields[-3]), float(fields[-2]), float(fields[-1])
    return stdout, stderr, wall, rss_kb / 1024, user + sys_


# ---------------------------------------------------------------- engines


def last_int(text):
    nums = re.findall(r"\d+", text)
    if not nums:
        raise RuntimeError(f"no count in output: {text[-200:]!r}")
    return int(nums[-1])


class Engine:
    """label: the table's name; cmd(kind, dir) -> argv; count(kind, stdout) -> tuples; ok: exit
    codes that mean success."""

    def __init__(self, key, label, cmd, count, ok=(0,)):
        self.key, self.label, self.cmd, self.count, self.ok = key, label, cmd, count, ok


def supportkb_count(kind, out):
    m = re.search(rf"^{ANSWER[kind]}: (\d+) tuples", out, re.M)
    if not m:
        raise RuntimeError(f"no '{ANSWER[kind]}: N tuples' line in: {out[-300:]!r}")
    return int(m.group(1))


def cargo_executables():
    """Builds the release binary and the two benchmark programs; returns their paths."""
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    out = subprocess.run(
        ["cargo", "bench", "--no-run", "--quiet", "--bench", "datafrog_plain", "--bench", "engine",
         "--message-format=json"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    exes = {}
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            exes[msg["target"]["name"]] = msg["executable"]
    exes["supportkb"] = os.path.join(ROOT, "target", "release", "supportkb")
    return exes


def swipl_file(kind, d):
    path = os.path.join(d, f"{kind}.swipl.pl")
    lines = [":- use_module(library(csv)).",
             ":- set_prolog_flag(table_space, 17179869184).",  # 16 GiB; the default is 1 GiB
             ":- initialization(main, main)."]
    lines += SWIPL[kind]
    loads = [f"csv_read_file('{os.path.join(d, p)}.tsv', R{i}, [separator(0'\\t), functor({p}), arity({a}), "
             f"convert(true)]), maplist(assertz, R{i})" for i, (p, a) in enumerate(INPUTS[kind])]
    lines.append("main :- " + ", ".join(loads) + ", answer(N), format('~w~n', [N]).")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def have_python_module(mod):
    return subprocess.run([sys.executable, "-c", f"import {mod}"], capture_output=True).returncode == 0


# The clingo program for the command-line clingo: the rules, then the answer's size as one
# atom (printing millions of shown atoms would time the output instead).
CLINGO_COUNT = {
    "tc": "tc(X,Y) :- edge(X,Y). tc(X,Z) :- tc(X,Y), edge(Y,Z). n(N) :- N = #count{X,Y: tc(X,Y)}. #show n/1.",
    "sg": "sg(X,Y) :- parent(X,P), parent(Y,P), X != Y. sg(X,Y) :- parent(X,A), sg(A,B), parent(Y,B). "
          "n(N) :- N = #count{X,Y: sg(X,Y)}. #show n/1.",
    "unreach": "reach(X) :- root(X). reach(Y) :- reach(X), edge(X,Y). unreach(X) :- node(X), not reach(X). "
               "n(N) :- N = #count{X: unreach(X)}. #show n/1.",
}


def clingo_files(kind, d):
    """The workload's facts in clingo's own syntax (written once, not timed: clingo reads no
    TSV) and the program; returns their paths."""
    facts = os.path.join(d, "facts.lp")
    stamp = os.path.join(d, "generated")
    if not os.path.exists(facts) or os.path.getmtime(facts) < os.path.getmtime(stamp):
        with open(facts + ".tmp", "w") as out:
            for p, _ in INPUTS[kind]:
                with open(os.path.join(d, p + ".tsv")) as f:
                    out.writelines(f"{p}({','.join(line.split())}).\n" for line in f if line.strip())
        os.replace(facts + ".tmp", facts)
    prog = os.path.join(d, f"{kind}.count.lp")
    with open(prog, "w") as f:
        f.write(CLINGO_COUNT[kind] + "\n")
    return facts, prog


def souffle_file(kind, d):
    path = os.path.join(d, f"{kind}.dl")
    lines = [SOUFFLE[kind]]
    for p, _ in INPUTS[kind]:
        lines.append(f'.input {p}(IO=file, filename="{p}.tsv", delimiter="\\t")')
    lines.append(f".printsize {ANSWER[kind]}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


SOUFFLE_BIN = os.path.join(DATA, "souffle-bin")
compile_seconds = {}


def souffle_compiled(souffle, kind, timeout):
    """Compiles the kind's program once (`souffle -o`); the compile is timed apart."""
    os.makedirs(SOUFFLE_BIN, exist_ok=True)
    src = souffle_file(kind, SOUFFLE_BIN)
    exe = os.path.join(SOUFFLE_BIN, kind)
    if kind not in compile_seconds:
        _, _, wall, _, _ = measure([souffle, "-o", exe, src], timeout, cwd=SOUFFLE_BIN)
        compile_seconds[kind] = wall
    return exe


def engines(exes, souffle, timeout, before=None):
    mt = ["--max-tuples", "1000000000"]
    sk = exes["supportkb"]
    es = []
    if before:
        es.append(Engine("supportkb-before", "supportkb (--before)",
                         lambda k, d: [before] + mt + ["--kb", f"{d}/program.kb", "eval"], supportkb_count))
    es += [
        Engine("supportkb", "supportkb", lambda k, d: [sk] + mt + ["--kb", f"{d}/program.kb", "eval"], supportkb_count),
        Engine("supportkb-1thread", "supportkb --threads 1",
               lambda k, d: [sk, "--threads", "1"] + mt + ["--kb", f"{d}/program.kb", "eval"], supportkb_count),
        Engine("supportkb-noheights", "supportkb --no-heights",
               lambda k, d: [sk, "--no-heights"] + mt + ["--kb", f"{d}/program.kb", "eval"], supportkb_count),
        Engine("datafrog", "datafrog plain", lambda k, d: [exes["datafrog_plain"], k, d], lambda k, o: last_int(o)),
        Engine("datafrog-2copy", "datafrog 2-copy (engine.rs)", lambda k, d: [exes["engine"], "datafrog", d],
               lambda k, o: int(o.split()[0])),
    ]
    if shutil.which("swipl"):
        es.append(Engine("swipl", "swipl tabled", lambda k, d: ["swipl", "--stack-limit=16g", swipl_file(k, d)],
                         lambda k, o: last_int(o)))
    if shutil.which("clingo"):
        es.append(Engine("clingo-cli", "clingo (command line)",
                         lambda k, d: ["clingo", "--outf=0", "-V0", "--warn=none", *clingo_files(k, d)],
                         lambda k, o: last_int(o), ok=(10, 30)))  # clingo's "satisfiable" codes
    if have_python_module("clingo"):
        es.append(Engine("clingo", "clingo", lambda k, d: [sys.executable, "-c", CLINGO_MAIN, CLINGO_RULES[k], d]
                         + [p for p, _ in INPUTS[k]], lambda k, o: last_int(o)))
    if souffle:
        def count(k, o):
            m = re.search(rf"^{ANSWER[k]}\s+(\d+)", o, re.M)
            if not m:
                raise RuntimeError(f"no printsize line in: {o[-200:]!r}")
            return int(m.group(1))
        es += [
            Engine("souffle-compiled", "souffle compiled", lambda k, d: [souffle_compiled(souffle, k, timeout), "-F", d], count),
            Engine("souffle-interp", "souffle interpreted", lambda k, d: [souffle, "-F", d, souffle_file(k, d)], count),
            Engine("souffle-provenance", "souffle interp. provenance",
                   lambda k, d: [souffle, "--provenance=explain", "-F", d, souffle_file(k, d)], count),
        ]
    return es


def find_souffle(arg):
    if arg:
        return arg if os.path.exists(arg) else shutil.which(arg)
    return os.environ.get("SOUFFLE") or shutil.which("souffle")


# ---------------------------------------------------------------- running and reporting


def loadavg():
    return tuple(round(x, 2) for x in os.getloadavg())


def run_workload(name, es, runs, timeout, gave_up):
    kind, (family, size), _, _ = WORKLOADS[name]
    d = generate(name)
    result = {"kind": kind, "dir": d, "load_before": loadavg(), "engines": {}}
    todo = []
    for e in es:
        r = result["engines"][e.key] = {"label": e.label, "samples": [], "status": "ok"}
        smaller = gave_up.get((e.key, family))
        if smaller is not None and smaller < size:
            r["status"] = f"skipped: timed out at size {smaller}"
        else:
            todo.append(e)
    # Run i of every engine before run i+1 of any, so a passing disturbance spreads out.
    for i in range(runs):
        for e in list(todo):
            r = result["engines"][e.key]
            try:
                cmd = e.cmd(kind, d)
                out, err, wall, rss, cpu = measure(cmd, timeout, ok=e.ok)
                tuples = e.count(kind, out)
                r["samples"].append({"wall": round(wall, 4), "rss_mb": round(rss, 1), "cpu": round(cpu, 3), "tuples": tuples})
                print(f"  {name} {e.label}: run {i + 1}: {wall:.3f} s, {rss:.0f} MB, {tuples} tuples",
                      file=sys.stderr, flush=True)
            except Timeout as t:
                r["status"] = f"timeout ({t})"
                gave_up[(e.key, family)] = size
                todo.remove(e)
                print(f"  {name} {e.label}: TIMEOUT {t}", file=sys.stderr, flush=True)
            except (RuntimeError, OSError, subprocess.SubprocessError) as x:
                r["status"] = f"failed: {x}"
                todo.remove(e)
                print(f"  {name} {e.label}: FAILED {x}", file=sys.stderr, flush=True)
    result["load_after"] = loadavg()
    for r in result["engines"].values():
        s = r["samples"]
        if s and r["status"] == "ok":  # a median of the runs that beat a timeout would flatter
            walls = [x["wall"] for x in s]
            r["median_wall"] = statistics.median(walls)
            r["median_rss_mb"] = statistics.median(x["rss_mb"] for x in s)
            r["median_cpu"] = statistics.median(x["cpu"] for x in s)
            r["spread"] = (max(walls) - min(walls)) / r["median_wall"] if r["median_wall"] else 0
            r["tuples"] = s[0]["tuples"]
            if len({x["tuples"] for x in s}) != 1:
                r["status"] = "DISAGREE between runs: " + str([x["tuples"] for x in s])
    counts = {k: r["tuples"] for k, r in result["engines"].items() if "tuples" in r}
    result["counts_agree"] = len(set(counts.values())) <= 1
    result["counts"] = counts
    return result


def fmt_ratio(x):
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def report(results, runs, timeout):
    print()
    print(f"median of {runs} run(s) per engine; per-run limit {timeout:g} s; wall and peak RSS of the whole process")
    print("wall x / mem x: ratio to 'datafrog plain'; B/tuple: peak RSS / answer tuples; spread: (max-min)/median of wall")
    hdr = f"{'workload':16} {'engine':28} {'wall s':>9} {'peak MB':>9} {'wall x':>7} {'mem x':>7} {'B/tuple':>8} {'spread':>7}"
    print(hdr)
    print("-" * len(hdr))
    disagree = []
    for name, res in results.items():
        es = res["engines"]
        base = es.get("datafrog", {})
        tuples = next((r["tuples"] for r in es.values() if "tuples" in r), None)
        print(f"{name}  ({tuples if tuples is not None else '?'} {ANSWER[res['kind']]} tuples; "
              f"load {res['load_before'][0]:.2f} before, {res['load_after'][0]:.2f} after)")
        for key, r in es.items():
            if "median_wall" not in r:
                print(f"{'':16} {r['label']:28} {r['status']}")
                continue
            wx = fmt_ratio(r["median_wall"] / base["median_wall"]) if base.get("median_wall") else "-"
            mx = fmt_ratio(r["median_rss_mb"] / base["median_rss_mb"]) if base.get("median_rss_mb") else "-"
            bpt = f"{r['median_rss_mb'] * 1048576 / r['tuples']:.0f}" if r["tuples"] else "-"
            flag = "" if r["status"] == "ok" else "  " + r["status"]
            if tuples is not None and r["tuples"] != tuples:
                flag += f"  DISAGREE: {r['tuples']} tuples"
            print(f"{'':16} {r['label']:28} {r['median_wall']:9.3f} {r['median_rss_mb']:9.1f} {wx:>7} {mx:>7} {bpt:>8} "
                  f"{r['spread'] * 100:6.0f}%{flag}")
        on, off = es.get("supportkb", {}), es.get("supportkb-noheights", {})
        if on.get("median_wall") and off.get("median_wall"):
            print(f"{'':16} heights cost: {(on['median_wall'] / off['median_wall'] - 1) * 100:+.1f}% wall, "
                  f"{(on['median_rss_mb'] / off['median_rss_mb'] - 1) * 100:+.1f}% peak RSS (heights on vs --no-heights)")
        if not res["counts_agree"]:
            disagree.append(name)
            print(f"{'':16} *** DISAGREE *** answer tuple counts differ: {res['counts']}")
        else:
            print(f"{'':16} counts agree")
    if "tc_chain_1000" in results and "tc_chain_4000" in results:
        a, b = results["tc_chain_1000"]["engines"], results["tc_chain_4000"]["engines"]
        print()
        print("growth from tc_chain_1000 to tc_chain_4000 (16x the tuples): wall x, peak RSS x")
        for key, r in a.items():
            s = b.get(key, {})
            if r.get("median_wall") and s.get("median_wall"):
                print(f"  {r['label']:28} wall x{s['median_wall'] / r['median_wall']:6.1f}   "
                      f"mem x{s['median_rss_mb'] / r['median_rss_mb']:6.1f}")
            else:
                print(f"  {r['label']:28} -  ({s.get('status', 'not run')})")
    if compile_seconds:
        print()
        print("souffle -o compile time (not in the table): " +
              ", ".join(f"{k} {v:.1f} s" for k, v in compile_seconds.items()))
    if disagree:
        print()
        print("*** DISAGREE *** on: " + ", ".join(disagree))
    return not disagree


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs per engine and workload; the median is reported (default 3)")
    ap.add_argument("--timeout", type=float, default=300, help="per-run limit in seconds; the process group is killed (default 300)")
    ap.add_argument("--quick", action="store_true", help="only " + ", ".join(QUICK))
    ap.add_argument("--workloads", help="comma-separated workload names (see --list)")
    ap.add_argument("--engines", help="comma-separated engine keys (see --list)")
    ap.add_argument("--souffle", help="path of the souffle binary (default: $SOUFFLE, then souffle on the PATH)")
    ap.add_argument("--before", metavar="BINARY",
                    help="also run this supportkb binary (an earlier build) as 'supportkb (--before)'")
    ap.add_argument("--json", metavar="FILE", help="also write the raw numbers as JSON")
    ap.add_argument("--list", action="store_true", help="print the workloads and the engines found, then exit")
    args = ap.parse_args()

    if not os.path.exists(TIME):
        sys.exit(f"{TIME} is needed for peak memory (Debian: apt-get install time)")
    names = list(WORKLOADS)
    if args.quick:
        names = QUICK
    if args.workloads:
        names = args.workloads.split(",")
        bad = [n for n in names if n not in WORKLOADS]
        if bad:
            sys.exit(f"unknown workload(s) {', '.join(bad)}; known: {', '.join(WORKLOADS)}")
    exes = cargo_executables()
    souffle = find_souffle(args.souffle)
    es = engines(exes, souffle, args.timeout, args.before)
    if args.list:
        for n, (kind, _, desc, _) in WORKLOADS.items():
            print(f"{n:16} {desc}")
        print()
        for e in es:
            print(f"{e.key:20} {e.label}")
        return
    if args.engines:
        keys = args.engines.split(",")
        unknown = [k for k in keys if k not in {e.key for e in es}]
        if unknown:
            sys.exit(f"engine(s) not known or not installed: {', '.join(unknown)}")
        es = [e for e in es if e.key in keys]
    if "datafrog" not in {e.key for e in es}:
        print("note: without the 'datafrog' engine there are no ratios", file=sys.stderr)

    if souffle and "souffle-compiled" in {e.key for e in es}:
        for kind in dict.fromkeys(WORKLOADS[n][0] for n in names):  # compile before timing anything
            souffle_compiled(souffle, kind, args.timeout)
    started = time.time()
    print(f"engines: {', '.join(e.label for e in es)}", file=sys.stderr)
    results, gave_up = {}, {}
    for n in names:
        print(f"{n}: load {loadavg()}", file=sys.stderr, flush=True)
        results[n] = run_workload(n, es, args.runs, args.timeout, gave_up)
    elapsed = time.time() - started
    ok = report(results, args.runs, args.timeout)
    print(f"\ntotal {elapsed / 60:.1f} min on {os.cpu_count()} cores, load {loadavg()} at the end")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runs": args.runs, "timeout": args.timeout, "elapsed_s": round(elapsed, 1),
                       "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                       "souffle": souffle, "souffle_compile_s": compile_seconds, "workloads": results}, f, indent=1)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
