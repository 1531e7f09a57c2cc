#!/usr/bin/env bash
# Stream benchmark: N generated products (default 5000) registered by one mesh_register call,
# against the same N products in five calls of N/5 (the same rows and the same catalog at the
# end: only the stream's length differs), and N/5 products in one call (a smaller catalog too),
# on one throwaway cluster, each run in a database of its own (a fresh catalog, no bloat from
# the run before); prints the cost a product of each and the ratios (the same cost a document
# is 1.0), in wall-clock and CPU time. Each case runs REPS times (default 3), alternating, and
# the fastest run of each counts: a short run is the one the machine's other work slows most.
# Needs meshcat installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5000}
reps=${REPS:-3}
pg_virtualenv -t bash -c "
set -e
psql -X -q -c 'CREATE TABLE stream_result (products int, calls int, seconds float8, cpu_seconds float8)'
for rep in \$(seq $reps); do
    for run in '$((n / 5)) 1' '$n 5' '$n 1'; do
        set -- \$run
        createdb stream_run
        psql -X -q -At -F ' ' -d stream_run -v n=\$1 -v calls=\$2 -f test/bench/stream_once.sql |
            psql -X -q -c 'COPY stream_result FROM STDIN (DELIMITER \" \")'
        dropdb stream_run
    done
done
psql -X -q -f test/bench/stream_report.sql"
