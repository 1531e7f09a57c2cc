#!/usr/bin/env bash
# Registration benchmark: N generated products (default 10000) registered one mesh_register
# call each, against plain INSERTs of the same rows into identical trigger-free tables, in
# one run on a throwaway cluster. Prints both and their ratio. Needs meshcat installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
pg_virtualenv -t bash -c "psql -X -q -v n=$n -f test/bench/register_bench.sql"
