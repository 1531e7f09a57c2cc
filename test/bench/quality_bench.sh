#!/usr/bin/env bash
# Quality checks benchmark: every check of a product on an N-row table (default 1000000) run by
# mesh_run_checks, against one hand-written aggregate query computing the same metrics, in one
# run on a throwaway cluster. Prints medians and the ratio (goal: at most 1.3). Needs meshcat
# installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000000}
pg_virtualenv -t bash -c "psql -X -q -v n=$n -f test/bench/quality_bench.sql"
