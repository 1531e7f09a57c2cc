#!/usr/bin/env bash
# OpenLineage ingestion benchmark: N generated RunEvents (default 100000; 3 inputs and 1 output
# each, every tenth with column lineage) ingested one mesh_ingest_openlineage call each,
# against plain INSERTs of the same edges into identical trigger-free tables, in one run on a
# throwaway cluster. Prints events per second and the ratio. Needs meshcat installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
pg_virtualenv -t bash -c "psql -X -q -v n=$n -f test/bench/openlineage_bench.sql"
