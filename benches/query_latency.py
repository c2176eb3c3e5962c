#!/usr/bin/env python3
"""Whole-process latency of `supportkb query` on the embedded CMG knowledge base.

Builds the release binary, runs each question RUNS times, and prints the median and
the spread of wall-clock time and of CPU time (user + system) per process.

    python3 benches/query_latency.py            # default questions, 51 runs each
    python3 benches/query_latency.py 101 'supported? peer_cache'
"""
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "supportkb")
QUESTIONS = [
    "supported? peer_cache",
    'valid_cmg_name? "cmg-prod"',
    "why not supported(peer_cache, yes, unconditional)",
]


def measure(question, runs):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([BIN, "query", question], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return walls, cpus


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 51
    questions = sys.argv[2:] or QUESTIONS
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"{'question':55} {'wall median':>12} {'wall p90':>10} {'cpu median':>11}")
    for q in questions:
        walls, cpus = measure(q, runs)
        walls.sort()
        p90 = walls[int(0.9 * (len(walls) - 1))]
        print(f"{q:55} {statistics.median(walls) * 1e3:9.2f} ms {p90 * 1e3:7.2f} ms {statistics.median(cpus) * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
