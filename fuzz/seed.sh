#!/usr/bin/env bash
# Fills fuzz/seeds with the project's own knowledge bases and query files (the seed corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/seeds
cp rules/cmg/*.kb examples/*.kbq examples/lifecycle/*.kb examples/lifecycle/*.kbq \
   examples/drivers/*.kb examples/drivers/*.kbq examples/cmg-history/common/*.kb \
   tests/fuzz_regressions/* fuzz/seeds/
# Each golden case's knowledge base, one seed per case (every construct and its misuses).
for f in tests/cases/*/kb.kb; do cp "$f" "fuzz/seeds/case-$(basename "$(dirname "$f")").kb"; done
echo "$(ls fuzz/seeds | wc -l) seeds in fuzz/seeds"
