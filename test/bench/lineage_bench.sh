#!/usr/bin/env bash
# Lineage benchmark: generates a synthetic mesh of N products (default 100000) in a throwaway
# cluster, then times the same downstream and upstream questions answered by meshcat, pgRouting
# (when postgresql-15-pgrouting is installed), a Marquez-style array-overlap recursive query and
# an in-memory breadth-first search in C, and prints one table with the ratios.
# Needs meshcat installed (make install). Results: docs/performance.md, "Lineage".
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
mkdir -p test/bench/out
cc -O2 -o test/bench/out/lineage_bfs test/bench/lineage_bfs.c
pg_virtualenv -t bash -c "
  set -e
  t0=\$(date +%s)
  psql -X -q -v n=$n -f test/bench/lineage_gen.sql
  echo \"generated in \$((\$(date +%s) - t0)) s\"
  psql -X -q -f test/bench/lineage_bench.sql
  test/bench/out/lineage_bfs test/bench/out/lineage_edges.txt test/bench/out/lineage_starts.txt > test/bench/out/lineage_bfs.txt
  psql -X -q -f test/bench/lineage_report.sql
"
