#!/usr/bin/env python3
"""Whole-process latency of `supportkb query` on the embedded CMG knowledge base, and the
time of one answer in the REPL.

Builds the release binary, runs each question RUNS times as a process, and prints the
median and the spread of wall-clock time and of CPU time (user + system) per process. The
REPL line is a script run (`supportkb < FILE`, the REPL's piped mode) of the question asked
REPEAT times against the same script with it asked once: the difference divided by
REPEAT - 1 is one answer, start-up and loading excluded (median over RUNS/4 pairs).

With `--before BIN` (an earlier build, e.g. a copy of target/release/supportkb kept
before a change) both binaries are measured in the same run, interleaved, and the table
shows them side by side with the ratio.

    python3 benches/query_latency.py                     # default questions, 51 runs each
    python3 benches/query_latency.py 101 'supported? peer_cache'
    python3 benches/query_latency.py --before /tmp/supportkb-old 41

Both binaries share one cache folder per binary (the cache file is named per build), warmed
by one run before timing, so every timed process reads the cached knowledge base.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "supportkb")
QUESTIONS = [
    "supported? peer_cache",
    'valid_cmg_name? "cmg-prod"',
    "why not supported(peer_cache, yes, unconditional)",
]
# The REPL's form of the first question.
REPL_QUESTION = "?- supported(peer_cache, S, C)."
REPEAT = 201


def timed(args, env, stdin=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stdin=stdin, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def process_times(binaries, question, runs, envs):
    """Per binary: (walls, cpus) of RUNS processes, the binaries interleaved."""
    out = {b: ([], []) for b in binaries}
    for _ in range(runs):
        for b in binaries:
            wall, cpu = timed([b, "query", question], envs[b])
            out[b][0].append(wall)
            out[b][1].append(cpu)
    return out


def repl_answer(binaries, pairs, envs, scripts):
    """Per binary: median wall and CPU time of one REPL answer."""
    out = {b: ([], []) for b in binaries}
    for _ in range(pairs):
        for b in binaries:
            with open(scripts[1]) as one, open(scripts[REPEAT]) as many:
                w1, c1 = timed([b], envs[b], stdin=one)
                wn, cn = timed([b], envs[b], stdin=many)
            out[b][0].append((wn - w1) / (REPEAT - 1))
            out[b][1].append((cn - c1) / (REPEAT - 1))
    return {b: (statistics.median(w), statistics.median(c)) for b, (w, c) in out.items()}


def main():
    args = sys.argv[1:]
    before = None
    if args[:1] == ["--before"]:
        before, args = os.path.abspath(args[1]), args[2:]
    runs = int(args[0]) if args else 51
    questions = args[1:] or QUESTIONS
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binaries = [before, BIN] if before else [BIN]
    tmp = tempfile.mkdtemp(prefix="supportkb-latency-")
    envs = {}
    for i, b in enumerate(binaries):
        envs[b] = dict(os.environ, SUPPORTKB_CACHE_DIR=os.path.join(tmp, f"cache{i}"))
        subprocess.run([b, "query", questions[0]], check=True, stdout=subprocess.DEVNULL, env=envs[b])
    scripts = {}
    for n in (1, REPEAT):
        scripts[n] = os.path.join(tmp, f"repl{n}.txt")
        with open(scripts[n], "w") as f:
            f.write((REPL_QUESTION + "\n") * n)

    def cols(walls, cpus):
        walls = sorted(walls)
        p90 = walls[int(0.9 * (len(walls) - 1))]
        return statistics.median(walls) * 1e3, p90 * 1e3, statistics.median(cpus) * 1e3

    if before:
        print(f"{'':55} {'before':^30} {'after':^30}")
        print(f"{'question':55}" + f" {'wall median':>12} {'wall p90':>8} {'cpu median':>10}" * 2 + f" {'wall after/before':>18}")
    else:
        print(f"{'question':55} {'wall median':>12} {'wall p90':>8} {'cpu median':>10}")
    for q in questions:
        t = process_times(binaries, q, runs, envs)
        line = f"{q:55}"
        medians = []
        for b in binaries:
            m, p90, cpu = cols(*t[b])
            medians.append(m)
            line += f" {m:9.2f} ms {p90:5.2f} ms {cpu:7.2f} ms"
        if before:
            line += f" {medians[1] / medians[0]:17.2f}×"
        print(line)
    r = repl_answer(binaries, max(runs // 4, 5), envs, scripts)
    line = f"{'REPL, one answer: ' + REPL_QUESTION:55}"
    for b in binaries:
        w, c = r[b]
        line += f" {w * 1e3:9.3f} ms {'':8} {c * 1e3:7.3f} ms"
    if before:
        line += f" {r[BIN][0] / r[before][0]:17.2f}×"
    print(line)


if __name__ == "__main__":
    main()
