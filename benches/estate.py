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

Inventories are generated once into target/bench-data/estate-N by
examples/estate/generate.py (seed 42). Needs Python 3.11 (standard library only), cargo
and /usr/bin/time.
"""

import argparse
import re
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


def run_once(dir: Path) -> dict:
    cmd = ["/usr/bin/time", "-v", str(BIN), "report", "--inventory", str(dir),
           "--timings", "-o", str(dir / "report.csv")]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    secs = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    timings = re.search(r"timings \(ms\): (.*)", p.stderr).group(1)
    return {"wall": secs, "rss_mb": rss / 1024, "timings": timings}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"{'clients':>9}  {'wall s':>7}  {'peak MB':>8}  where the time goes (last run)")
    for n in [int(x) for x in args.sizes.split(",")]:
        d = inventory(n)
        runs = [run_once(d) for _ in range(args.runs)]
        wall = statistics.median(r["wall"] for r in runs)
        rss = max(r["rss_mb"] for r in runs)
        print(f"{n:>9}  {wall:>7.2f}  {rss:>8.0f}  {runs[-1]['timings']}", flush=True)


if __name__ == "__main__":
    main()
