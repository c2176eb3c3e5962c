#!/usr/bin/env python3
"""Per-check cost of `supportkb run` on large query files.

Writes query files of 1,000, 10,000 and 100,000 checks into target/bench-data/ (each check
a question with two expectations, cycling through a few questions of the embedded CMG
knowledge base), builds the release binary, runs each file once as a whole process and
prints the wall time, the time per check (the wall time less that of a file of one check,
divided by the other checks) and the peak memory. A flat time per check means the knowledge
base is evaluated once and each check costs the same, wherever it stands in the file.

    python3 benches/run_checks.py                 # 1k, 10k, 100k checks
    python3 benches/run_checks.py 1000 5000       # other sizes
    python3 benches/run_checks.py --no-build      # the release binary as it is
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "supportkb")
DATA = os.path.join(ROOT, "target", "bench-data")
CHECKS = [
    ("supported? peer_cache.", ["expect no.", "expect cites cmg 59."]),
    ("supported? software_updates.", ["expect yes.", "expect uses status."]),
    ("client_connectivity? ipv6_only.", ["expect no.", "expect rows 1."]),
    ("?- cmg_role(R).", ["expect rows 2.", "expect row (management_point)."]),
]


def write_file(n):
    path = os.path.join(DATA, f"checks-{n}.kbq")
    with open(path, "w") as f:
        for i in range(n):
            query, expectations = CHECKS[i % len(CHECKS)]
            f.write(query + "\n" + "\n".join(expectations) + "\n")
    return path


def measure(path):
    """Wall seconds and peak resident MB of one `supportkb run PATH` process."""
    start = time.perf_counter()
    # In its own child, so that the peak memory is this run's alone.
    out = subprocess.run(
        [sys.executable, "-c",
         "import resource, subprocess, sys;"
         "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)",
         BIN, "run", path],
        check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak_kb, code = out.stdout.split()
    if code != "0":
        sys.exit(f"{path}: supportkb run exited {code}")
    return wall, int(peak_kb) / 1024


def main():
    args = [a for a in sys.argv[1:] if a != "--no-build"]
    sizes = [int(a) for a in args] or [1_000, 10_000, 100_000]
    os.makedirs(DATA, exist_ok=True)
    # The generated query files are not tests: `supportkb test` at the root leaves them out.
    open(os.path.join(DATA, ".supportkb-skip"), "w").close()
    if "--no-build" not in sys.argv:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    # The fixed cost of a process (start, load and evaluate the knowledge base, one check).
    base, _ = min(measure(write_file(1)) for _ in range(3))
    print(f"one check (start-up, loading the knowledge base): {base * 1e3:.1f} ms")
    print(f"{'checks':>8} {'wall':>10} {'per check':>11} {'peak memory':>12}")
    for n in sizes:
        wall, peak = measure(write_file(n))
        per = (wall - base) / max(n - 1, 1)
        print(f"{n:8,} {wall:8.2f} s {per * 1e3:8.3f} ms {peak:9.1f} MB")


if __name__ == "__main__":
    main()
