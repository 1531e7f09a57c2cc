#!/usr/bin/env bash
# Federation: a hub database subscribes, by logical replication, to a domain database's
# documents (domains, products, versions without their local id) and derives everything else
# itself. On a throwaway cluster with wal_level = logical, two databases: "domain" registers
# the example mesh; "hub" subscribes; then the domain registers one more version. The hub must
# hold the same derived rows (owners, tags, ports, fields, lineage; compared by natural keys,
# test/t/lib/derived_rows.sql) as the domain, after the initial copy and after the change.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" != inner ]; then
    exec pg_virtualenv -t -o wal_level=logical bash "$0" inner
fi

psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
work=$(mktemp -d)
trap 'psql -X -q -d hub -c "DROP SUBSCRIPTION IF EXISTS mesh_domain" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
fail=0

createdb domain
createdb hub
psql_ -d domain -v mesh="$mesh" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SELECT count(*) FROM meshcat.mesh_register(:'mesh');
-- The documents, without the version's local surrogate id (the hub numbers its own).
CREATE PUBLICATION mesh_domain FOR TABLE meshcat.domain, meshcat.product,
    meshcat.product_version (product_id, version, status, name, description, classification,
                             retention, documentation, sla, quality, descriptor, created_at,
                             created_by, updated_at, updated_by, published_at, published_by,
                             deprecated_at, deprecated_by, sunset, deprecation_reason,
                             retired_at, retired_by);
-- A subscription to a database of the same cluster needs its slot made beforehand.
SELECT pg_create_logical_replication_slot('mesh_domain', 'pgoutput') IS NOT NULL;
SQL
# The subscription connects from the server itself: through its socket, as its own user.
socket=$(psql -X -At -d hub -c "SELECT split_part(current_setting('unix_socket_directories'), ',', 1)")
psql_ -d hub -c "CREATE EXTENSION meshcat CASCADE" \
      -c "CREATE SUBSCRIPTION mesh_domain CONNECTION 'dbname=domain host=$socket port=$PGPORT user=$PGUSER password=${PGPASSWORD:-}' PUBLICATION mesh_domain WITH (create_slot = false, slot_name = 'mesh_domain')" >/dev/null

# Waits until the hub holds as many versions as the domain, and its tables are synchronized.
wait_for_hub() {
    local want i
    want=$(psql -X -At -d domain -c "SELECT count(*) FROM meshcat.product_version")
    for i in $(seq 1 120); do
        if [ "$(psql -X -At -d hub -c "SELECT (SELECT count(*) FROM meshcat.product_version) = $want
                AND NOT EXISTS (SELECT FROM pg_subscription_rel WHERE srsubstate <> 'r')")" = t ]; then
            return 0
        fi
        sleep 0.5
    done
    echo "FAIL the hub did not catch up with the domain ($want versions) in 60 s"; return 1
}

# The derived rows of a database, by natural keys, sorted.
derived() {
    psql -X -q -At -d "$1" <<'SQL'
\set ECHO none
\i test/t/lib/derived_rows.sql
SELECT table_name || ': ' || line FROM pg_temp.derived_rows ORDER BY 1;
SQL
}

compare() {
    derived domain >"$work/domain.txt"
    derived hub >"$work/hub.txt"
    if [ ! -s "$work/domain.txt" ]; then
        echo "FAIL $1: the domain has no derived rows to compare"; fail=1
    elif diff -u "$work/domain.txt" "$work/hub.txt" >"$work/diff.txt"; then
        echo "ok $1: the hub derived the same $(wc -l <"$work/domain.txt") rows as the domain"
    else
        echo "FAIL $1: the hub's derived rows differ:"; head -20 "$work/diff.txt"; fail=1
    fi
}

wait_for_hub || exit 1
compare "initial copy"

psql_ -d domain <<'SQL' >/dev/null
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
status: published
tags: [returns]
owners: {technical: sales_team}
inputs: [{product: sales.orders, version: ^1.2}]
outputs: [{name: returns, type: table, schema: [{name: order_id, type: bigint, derived_from: [sales.orders.orders.order_id]}]}]
$$);
SQL
wait_for_hub || exit 1
compare "a version registered after the copy"

# The hub's own ids: numbered by its sequence, not copied.
if [ "$(psql -X -At -d hub -c "SELECT count(*) FROM meshcat.product_version WHERE id IS NULL")" = 0 ]; then
    echo "ok the hub numbered the replicated versions itself"
else
    echo "FAIL replicated versions without an id"; fail=1
fi
exit $fail
