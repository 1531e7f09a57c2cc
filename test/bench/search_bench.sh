#!/usr/bin/env bash
# Search benchmark: a synthetic mesh of N published products (default 100000), then mesh_search
# top 20 against an ILIKE '%term%' scan of the same descriptors, ten queries each of a word
# every product contains, a word one product contains, a prefix and a typo (p50, p95, ratios),
# and what search indexing adds to one registration (R products, default 500). One run on a
# throwaway cluster (pg_virtualenv; needs meshcat installed), or, with BENCH_DB=name, in a new
# database of that name on the cluster the environment points at (dropped after).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
r=${2:-500}
if [ -n "${BENCH_DB:-}" ]; then
    createdb "$BENCH_DB"
    trap 'dropdb "$BENCH_DB"' EXIT
    psql -X -q -d "$BENCH_DB" -v n="$n" -v r="$r" -f test/bench/search_bench.sql
else
    pg_virtualenv -t bash -c "psql -X -q -v n=$n -v r=$r -f test/bench/search_bench.sql"
fi
