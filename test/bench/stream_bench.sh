#!/usr/bin/env bash
# Stream benchmark: N generated products (default 5000) registered by one mesh_register call,
# against N/5 the same way, on a throwaway cluster; prints the cost a product of each and their
# ratio (linear is 1.0). Needs meshcat installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5000}
pg_virtualenv -t bash -c "psql -X -q -v n=$n -f test/bench/stream_bench.sql"
