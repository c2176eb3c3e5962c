#!/usr/bin/env python3
"""Estate benchmark: a generated Configuration Manager inventory evaluated against the CMG
knowledge base, the way a user runs it: one whole process of the release binary,

    supportkb report --inventory DIR --timings -o DIR/report.csv

per size (load the four CSV files, evaluate the estate rules, write the per-client table),
timed with /usr/bin/time -v (wall clock and peak resident memory of the whole process).
`--timings` splits the process's time into compiling the rules, reading the inventory,
evaluating, gathering and rendering the report.

    python3 benches/estate.py                     # 10k, 100k, 1M clients
    python3 benches/estate.py --sizes 10000,100000 --runs 3
    python3 benches/estate.py --postgres postgresql://USER@localhost/DB?host=/run/postgresql

With `--postgres URL` (or SUPPORTKB_POSTGRES_URL set) each size also runs with
`--engine URL`: the same report evaluated on PostgreSQL (the CSV files loaded into tables,
the model left in the database), printed beside the in-memory run, and the two CSV reports
must be identical. Then `query 'why blocked(ID, REASON)'` on one blocked client is timed as
a whole process on each engine (the `why s` column): on PostgreSQL it answers from the model
the report just left there, fetching the tuples the proof needs. `--pg-timeout S` stops a PostgreSQL run after S seconds
(default 3600) and reports where it stopped. Peak memory is supportkb's process only (not
the database server's); rows per second are the model's tuples over the wall time.

Inventories are generated once into target/bench-data/estate-N by
examples/estate/generate.py (seed 42). Needs Python 3.11 (standard library only), cargo
and /usr/bin/time.
"""

import argparse
import csv
import os
import re
import signal
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "supportkb"


def inventory(n: int) -> Path:
    out = ROOT / "target" / "bench-data" / f"estate-{n}"
    if not (out / "clients.csv").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "examples/estate/generate.py"),
             "--clients", str(n), "--seed", "42", "--out", str(out)],
            check=True,
        )
    return out


def timed(args: list, timeout: float | None = None) -> dict:
    """One process of supportkb ARGS under /usr/bin/time -v: wall, peak RSS, its stderr."""
    cmd = ["/usr/bin/time", "-v", str(BIN), *args]
    # In a session of its own, so that a timeout stops supportkb too, not only `time`.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"timeout": timeout}
    p = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    secs = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return {"wall": secs, "rss_mb": rss / 1024, "stderr": p.stderr, "stdout": p.stdout}


def run_once(dir: Path, engine: str | None = None, timeout: float | None = None) -> dict:
    out = dir / ("report-postgres.csv" if engine else "report.csv")
    args = (["--engine", engine] if engine else []) + [
        "report", "--inventory", str(dir), "--timings", "-o", str(out)]
    r = timed(args, timeout)
    if "timeout" in r:
        return r
    r["timings"] = re.search(r"timings \(ms\): (.*)", r["stderr"]).group(1)
    r["tuples"] = int(re.search(r"; (\d+) tuples", r["timings"]).group(1))
    r["report"] = out
    return r


def why_goal(report: Path) -> str:
    """A `why blocked(…)` question on the first blocked client of a report's CSV."""
    with report.open() as f:
        for row in csv.DictReader(f):
            if row["blocked"]:
                return f"why blocked({row['resource_id']}, {row['blocked'].split(';')[0]})"
    sys.exit(f"no blocked client in {report}")


def line(n: int, engine: str, r: dict, why: str) -> str:
    if "timeout" in r:
        return f"{n:>9}  {engine:<10}  stopped after {r['timeout']:.0f} s (--pg-timeout)"
    rate = r["tuples"] / r["wall"] if r["wall"] > 0 else 0
    return (f"{n:>9}  {engine:<10}  {r['wall']:>8.2f}  {r['rss_mb']:>8.0f}  {rate:>10,.0f}  "
            f"{why:>8}  {r['timings']}")


def why_time(d: Path, engine: str | None, goal: str, timeout: float | None) -> str:
    """Wall seconds of `query GOAL` as one process (on a database: from the model the report
    just stamped there, unless the database says it is stale)."""
    pre = ["--engine", engine] if engine else []
    r = timed(pre + ["--inventory", str(d), "query", goal], timeout)
    if "timeout" in r:
        return f">{r['timeout']:.0f}"
    if "note:" in r["stderr"]:
        sys.exit(f"*** {goal} on {engine} did not use the stored model: {r['stderr'][:500]}")
    return f"{r['wall']:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--postgres", default=os.environ.get("SUPPORTKB_POSTGRES_URL"),
                    help="also run on this PostgreSQL server (postgres://…)")
    ap.add_argument("--pg-timeout", type=float, default=3600)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"{'clients':>9}  {'engine':<10}  {'wall s':>8}  {'peak MB':>8}  {'rows/s':>10}  "
          f"{'why s':>8}  where the time goes (last run)")
    for n in [int(x) for x in args.sizes.split(",")]:
        d = inventory(n)
        engines = [("memory", None)] + ([("postgres", args.postgres)] if args.postgres else [])
        for name, engine in engines:
            timeout = args.pg_timeout if engine else None
            runs = [run_once(d, engine, timeout) for _ in range(args.runs)]
            if any("timeout" in r for r in runs):
                print(line(n, name, runs[0], "-"), flush=True)
                continue
            best = dict(runs[-1])
            best["wall"] = statistics.median(r["wall"] for r in runs)
            best["rss_mb"] = max(r["rss_mb"] for r in runs)
            if engine and (d / "report.csv").read_bytes() != best["report"].read_bytes():
                sys.exit(f"*** the PostgreSQL report of {n} clients differs from the in-memory one ***")
            goal = why_goal(d / "report.csv")
            why = why_time(d, engine, goal, timeout)
            print(line(n, name, best, why), flush=True)
        print(f"{'':>9}  why s: `query '{goal}'`, one whole process", flush=True)


if __name__ == "__main__":
    main()
