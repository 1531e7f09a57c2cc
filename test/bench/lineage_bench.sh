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
  # Cold: each start's first call in a new backend, which loads the cache if the walk is long.
  export PGOPTIONS='-c search_path=meshcat,public'
  psql -X -At -c 'SELECT id, dir FROM bench_start ORDER BY class, dir, id' | while IFS='|' read -r id dir; do
    psql -X -q -c \"SELECT bench_meshcat('meshcat cold', s, 1, 0) FROM bench_start AS s WHERE s.id = '\$id' AND s.dir = '\$dir'\" >/dev/null
  done
  test/bench/out/lineage_bfs test/bench/out/lineage_edges.txt test/bench/out/lineage_starts.txt > test/bench/out/lineage_bfs.txt
  psql -X -q -f test/bench/lineage_report.sql
"
