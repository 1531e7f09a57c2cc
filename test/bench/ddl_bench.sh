#!/usr/bin/env bash
# DDL guard benchmark: N plain ALTER TABLE statements (default 5000) on a table no contract
# covers, in a database with meshcat (and 200 bound, published ports) and in one without, on a
# throwaway cluster. Prints the ratio and the time meshcat adds per statement (goal: under
# 1 ms; DECISIONS.md section 6), by clock and by CPU time. Needs meshcat installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5000}
pg_virtualenv -t bash -c "psql -X -q -d postgres -v n=$n -f test/bench/ddl_bench.sql"
