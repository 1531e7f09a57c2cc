#!/usr/bin/env bash
# No statement meshcat runs to register or validate is JIT-compiled under PostgreSQL's default
# settings (jit = on, jit_above_cost = 100000). A document's arrays are short, but the planner
# counts 100 rows for every set-returning function, so a query over nested arrays of a
# descriptor can look like a million rows and pay tens of milliseconds of LLVM compilation on
# every call (a validation query did: 12 ms of a 14 ms registration). On a throwaway cluster
# with pg_stat_statements (track = all), registers the example mesh, 100 generated products
# with inputs, a product with quality checks and objectives, and validates them again, then
# provisions, checks, exports, ingests an event, walks lineage, searches and reads the views;
# every statement's jit_functions must be 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" != inner ]; then
    exec pg_virtualenv -t -o shared_preload_libraries=pg_stat_statements -o pg_stat_statements.track=all bash "$0" inner
fi
mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v mesh="$mesh" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION pg_stat_statements;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
SHOW jit;
SELECT pg_stat_statements_reset() \g /dev/null
SELECT count(*) FROM mesh_register(:'mesh') \g /dev/null
\set n 100
\o /dev/null
\i test/bench/bench_docs.sql
\o
SELECT count(*) FROM mesh_register((SELECT string_agg(yaml, E'\n---\n' ORDER BY n) FROM bench_doc)) \g /dev/null
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: logistics.checked
name: Checked
version: 1.0.0
status: published
slos:
  - {name: fresh, objective: freshness, field: at, within: 1 day}
  - {name: known, objective: completeness, field: city, target: 90}
outputs:
  - name: t
    type: table
    location: jit_check.t
    quality:
      - {metric: rowCount, mustBeGreaterThan: 0}
      - {type: sql, query: "SELECT count(*) FROM ${object} WHERE city = ''"}
    schema:
      - {name: id, type: bigint, primary_key: true, quality: [{metric: nullValues}, {metric: duplicateValues}]}
      - {name: city, type: text, quality: [{metric: invalidValues, arguments: {pattern: '^[A-Z]'}}]}
      - {name: at, type: timestamptz}
$$) \g /dev/null
SELECT count(*) FROM mesh_validate((SELECT string_agg(yaml, E'\n---\n' ORDER BY n) FROM bench_doc)) \g /dev/null
-- and what is done with a registered mesh: provision, checks, export, lineage, search, views
SELECT count(*) FROM mesh_provision('logistics.checked') \g /dev/null
INSERT INTO jit_check.t VALUES (1, 'Lyon', now()), (2, NULL, now());
SELECT count(*) FROM mesh_run_checks('logistics.checked') \g /dev/null
SELECT count(*) FROM mesh_drift() \g /dev/null
SELECT length(mesh_export(id, NULL, f)) FROM (VALUES ('sales.orders'), ('logistics.checked'), ('d1.p1')) AS p(id),
       (VALUES ('meshcat'), ('odcs'), ('odps')) AS x(f) \g /dev/null
SELECT count(*) FROM mesh_ingest_openlineage(jsonb_build_object(
    'eventType', 'COMPLETE', 'eventTime', '2026-01-01T00:00:00Z', 'producer', 'https://example.com/p',
    'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    'run', jsonb_build_object('runId', '01890000-0000-7000-8000-000000000001'),
    'job', jsonb_build_object('namespace', 'etl', 'name', 'daily'),
    'inputs', jsonb_build_array(jsonb_build_object('namespace', 'postgresql://h:5432', 'name', 'd1.p1')),
    'outputs', jsonb_build_array(jsonb_build_object('namespace', 'postgresql://h:5432', 'name', 'jit_check.t')))) \g /dev/null
SELECT count(*) FROM mesh_upstream('d0.p100') \g /dev/null
SELECT count(*) FROM mesh_downstream('d1.p1') \g /dev/null
SELECT count(*) FROM mesh_lineage \g /dev/null
SELECT count(*) FROM mesh_impact('d1.p1', '2.0.0') \g /dev/null
SELECT count(*) FROM mesh_search('product') \g /dev/null
-- the views are planned from the tables' statistics, as autovacuum keeps them
ANALYZE;
SELECT count(*) FROM mesh_products \g /dev/null
SELECT count(*) FROM mesh_compliance \g /dev/null
SELECT count(*) FROM mesh_slo_status \g /dev/null
SELECT 'statements ' || count(*) FROM pg_stat_statements;
SELECT 'jit ' || calls || ' ' || jit_functions || ' ' || left(regexp_replace(query, '\s+', ' ', 'g'), 150)
  FROM pg_stat_statements WHERE jit_functions > 0 ORDER BY jit_functions DESC;
SQL
) || { echo "FAIL the registrations stopped:"; echo "$out"; exit 1; }
echo "$out" | grep -v '^jit ' || true
if [ "$(echo "$out" | head -1)" != on ]; then
    echo "FAIL jit is not on in the throwaway cluster (llvmjit missing?), so this proves nothing"; exit 1
fi
if grep -q '^jit ' <<<"$out"; then
    echo "FAIL statements JIT-compiled while registering (calls, functions compiled, statement):"
    grep '^jit ' <<<"$out"; exit 1
fi
echo "ok no statement was JIT-compiled while registering, validating and using the mesh"
