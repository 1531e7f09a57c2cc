#!/usr/bin/env bash
# Governance benchmark: N generated products (default 1000) registered and published one
# mesh_register call each, with 0, 10 and 100 active global policies, on a throwaway cluster.
# Prints each run and its time as a ratio to the 0-policy run. Needs meshcat installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
pg_virtualenv -t bash -c "psql -X -q -v n=$n -f test/bench/governance_bench.sql"
