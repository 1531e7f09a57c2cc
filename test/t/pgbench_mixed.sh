#!/usr/bin/env bash
# A mixed workload under pgbench: 4 clients for MESHCAT_PGBENCH_SECONDS (default 20) seconds
# register product versions (each the product's next one, consuming a lower-numbered product,
# so the lineage is a DAG; the same version always has the same content), search,
# read the views and, once lineage exists, ask for downstream closures. No error is allowed
# except serialization failures and deadlocks, which pgbench retries (--max-tries) and
# which must not happen here either; afterwards test/t/lib/consistency.sql must find no
# orphan row, no product with other than one current version, no cycle, no unaudited row.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" != inner ]; then exec pg_virtualenv -t bash "$0" inner; fi

seconds=${MESHCAT_PGBENCH_SECONDS:-20}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE ROLE regress_bench_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SELECT count(*) FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: bench
owner: regress_bench_team
$$) \g /dev/null
-- Product 0 to 49 exist at 1.0.0, so every input resolves.
SELECT count(*) FROM generate_series(0, 49) AS p,
       meshcat.mesh_register(format('{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "bench.p%s", "name": "P%s", "version": "1.0.0", "status": "published", "tags": ["t%s"], "outputs": [{"name": "o", "type": "table", "schema": [{"name": "id", "type": "bigint"}]}]}', p, p, p % 5)) \g /dev/null
SQL

# Each registration is the product's next version (versions only grow); its content follows
# from (product, version) alone, so a client that loses the race for a version finds it
# "unchanged". The schema never changes, so no version is a breaking change.
cat >"$work/register.sql" <<'EOF2'
\set p random(1, 49)
SELECT count(*)
  FROM (SELECT coalesce(max(meshcat.semver_minor(version)), 0) + 1 AS v
          FROM meshcat.product_version WHERE product_id = 'bench.p' || :p) AS n,
       meshcat.mesh_register(format('{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "bench.p%s", "name": "P%s", "version": "1.%s.0", "status": "%s", "tags": ["t%s", "v%s"], "inputs": [{"product": "bench.p%s", "version": "^1"}], "outputs": [{"name": "o", "type": "table", "schema": [{"name": "id", "type": "bigint"}]}]}', :p, :p, n.v, CASE WHEN n.v % 3 = 0 THEN 'draft' ELSE 'published' END, :p % 5, n.v, (:p * 7 + n.v) % :p)) AS r;
EOF2
cat >"$work/views.sql" <<'EOF2'
\set p random(0, 49)
SELECT count(*) FROM meshcat.mesh_versions WHERE product_id = 'bench.p' || :p;
SELECT id, current_version, status FROM meshcat.mesh_products ORDER BY id LIMIT 10;
SELECT count(*) FROM meshcat.mesh_fields WHERE product_id = 'bench.p' || :p;
SELECT count(*) FROM meshcat.mesh_ports WHERE input_product = 'bench.p' || :p;
EOF2
if psql -X -At -c "SELECT to_regproc('meshcat.mesh_search') IS NOT NULL" | grep -q t; then
    printf '%s\n' '\set t random(0, 4)' "SELECT count(*) FROM meshcat.mesh_search('t' || :t);" >"$work/search.sql"
else
    cat >"$work/search.sql" <<'EOF2'
\set t random(0, 4)
SELECT id FROM meshcat.mesh_products WHERE 't' || :t = ANY (tags) OR name ILIKE '%' || :t || '%' ORDER BY id LIMIT 20;
EOF2
fi
scripts=(-f "$work/register.sql@4" -f "$work/views.sql@3" -f "$work/search.sql@2")
if psql -X -At -c "SELECT count(*) > 0 FROM pg_proc WHERE proname = 'mesh_downstream' AND pronamespace = 'meshcat'::regnamespace" | grep -q t; then
    cat >"$work/lineage.sql" <<'EOF2'
\set p random(0, 49)
SELECT count(*) FROM meshcat.mesh_downstream('bench.p' || :p);
SELECT count(*) FROM meshcat.mesh_upstream('bench.p' || :p);
EOF2
    scripts+=(-f "$work/lineage.sql@2")
    echo "workload: register, views, search, lineage"
else
    echo "workload: register, views, search (no lineage functions yet)"
fi

fail=0
if ! pgbench -n -c 4 -j 2 -T "$seconds" --max-tries=10 --failures-detailed "${scripts[@]}" >"$work/pgbench.out" 2>"$work/pgbench.err"; then
    echo "FAIL pgbench ended with an error"; fail=1
fi
grep -E '^(number of transactions actually processed|number of failed transactions|number of transactions retried|tps|latency average)' "$work/pgbench.out" || true
grep -E 'SQL script|weight' "$work/pgbench.out" | head -8 || true
if grep -E 'ERROR|aborted' "$work/pgbench.err" | grep -vE 'could not serialize|deadlock detected' | head -5 | grep .; then
    echo "FAIL errors other than serialization failures (above)"; fail=1
fi
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
if [ "${failed:-1}" != 0 ]; then echo "FAIL $failed transactions failed even after retries"; fail=1; fi
# Registrations take turns without deadlocks and read committed data: nothing to retry.
retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$work/pgbench.out")
if [ "${retried:-1}" != 0 ]; then echo "FAIL ${retried:-an unknown number of} transactions were retried (deadlocks or serialization failures)"; fail=1; fi

psql -X -q -f test/t/lib/consistency.sql >"$work/consistency" 2>&1 || { echo "FAIL the checker itself failed"; fail=1; }
if [ -s "$work/consistency" ]; then
    echo "FAIL the catalog is inconsistent:"; head -20 "$work/consistency"; fail=1
else
    echo "ok consistent afterwards: $(psql -X -At -c "SELECT count(*) || ' versions of ' || count(DISTINCT product_id) || ' products, ' || (SELECT count(*) FROM meshcat_internal.audit) || ' audit rows' FROM meshcat.product_version")"
fi
exit $fail
