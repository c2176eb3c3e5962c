#!/usr/bin/env bash
# Fills fuzz/seeds with the project's own knowledge bases and query files (the seed corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/seeds
cp rules/cmg/*.kb examples/*.kbq examples/lifecycle/*.kb examples/lifecycle/*.kbq tests/fuzz_regressions/* fuzz/seeds/
echo "$(ls fuzz/seeds | wc -l) seeds in fuzz/seeds"
