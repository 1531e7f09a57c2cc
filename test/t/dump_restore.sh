#!/usr/bin/env bash
# Dump and restore lose nothing. On a throwaway cluster: build a mesh (the example mesh, a
# product with several versions, a draft rewritten, so the audit trail holds inserts, updates
# and deletes), dump it with pg_dump in plain and custom formats, restore each into a fresh
# database (plain through psql, custom through pg_restore, serial and with -j 2 with triggers
# off, and a dump of INSERT statements through psql), and require:
#   - no error or warning from the restore;
#   - the same definitions and privileges of every object of the extension (test/t/lib/schema.sql),
#     grants made after CREATE EXTENSION included;
#   - the same contents in every table and sequence of the extension, every mesh_* view and
#     every lineage answer (test/t/lib/fingerprint.sql, generic: new tables and views are
#     covered by existing); the audit trail in particular is not duplicated by its triggers;
#     derived rows (owners, tags, ports, fields, lineage) are not in the dump: restoring a version
#     derives them again, so they are compared by what they say, not by their ids;
#   - every id sequence past its column's largest value (test/t/lib/sequences.sql);
#   - an approved access request's grants and ledger restored (relations and roles by name),
#     and a revocation after the restore takes the grant back;
#   - the restored catalog takes a new registration, which is audited.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" != inner ]; then
    exec pg_virtualenv -t bash "$0" inner
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
createdb src
psql_ -d src -v mesh="$mesh" <<'SQL'
SET client_min_messages = warning;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
SELECT count(*) FROM mesh_register(:'mesh');
-- A product with several versions; a draft registered, then rewritten (audit UPDATE and DELETE).
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
status: published
inputs: [{product: sales.orders, version: ^1.2}]
outputs: [{name: returns, type: table, schema: [{name: order_id, type: bigint, derived_from: [sales.orders.orders.order_id]}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.1.0
status: published
inputs: [{product: sales.orders, version: ^1.2}]
outputs: [{name: returns, type: table, schema: [{name: order_id, type: bigint}, {name: reason, type: text}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 2.0.0-rc.1
tags: [draft]
outputs: [{name: returns, type: table, schema: [{name: id, type: bigint}]}]
$$);
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns, rewritten
version: 2.0.0-rc.1
tags: [draft, rewritten]
outputs: [{name: returns, type: table, schema: [{name: id, type: bigint}, {name: why, type: text}]}]
$$);
-- Governance: the policy pack (evaluations of every product), a deprecation, an exemption,
-- and the roles and grants an administrator sets up.
SELECT count(*) FROM mesh_install_policies();
SELECT mesh_deprecate('sales.returns', '1.0.0', current_date + 30, 'replaced by 1.1.0');
SELECT mesh_grant_exemption(mesh_request_exemption('sales.order_items', (SELECT name FROM mesh_policies ORDER BY name LIMIT 1),
                                                   'migrating', now() + interval '30 days'));
-- The glossary (terms naming each other, a draft and its field naming them) and a
-- certification (restored without being judged again: history).
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Order
domain: sales
definition: A confirmed purchase.
related: [Order Line]
status: approved
---
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Order Line
domain: sales
definition: One item of an order.
related: [Order]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.glossed
name: Glossed
version: 0.1.0
glossary: [Order]
outputs: [{name: lines, type: table, schema: [{name: line_id, type: bigint, glossary: [Order Line]}]}]
$$);
SELECT mesh_certify('sales.glossed', '0.1.0', 'gold', 'restored with its note');
SELECT count(*) FROM mesh_setup_roles();
GRANT meshcat_steward TO sales_team;
-- Observed lineage: an event whose input is a product's output port (restored events derive
-- their edges again, whatever the order the tables are restored in).
SELECT action FROM mesh_ingest_openlineage('{"eventTime": "2026-01-01T00:00:00Z", "producer": "p", "schemaURL": "s",
  "job": {"namespace": "etl", "name": "snapshot"}, "inputs": [{"namespace": "https://api.example.com", "name": "inventory/v1"}],
  "outputs": [{"namespace": "s3://lake", "name": "inventory/snapshot", "facets": {"columnLineage": {"_producer": "p", "_schemaURL": "s",
    "fields": {"sku": {"inputFields": [{"namespace": "https://api.example.com", "name": "inventory/v1", "field": "sku"}]}}}}}]}');
-- A grant of the administrator's own on a catalog object: the dump must carry it.
GRANT SELECT ON meshcat_internal.audit TO finance_team;
-- Output ports bound to relations (DECISIONS.md section 4): one bound when registered, one
-- provisioned, one renamed since (the dump must carry its new name: OIDs do not survive), one
-- dropped (drift), and drift on the renamed one.
CREATE SCHEMA contracts AUTHORIZATION sales_team;
CREATE TABLE contracts.ledger (id bigint PRIMARY KEY, amount numeric, extra text);
CREATE TABLE contracts.gone (id int);
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.ledger
name: Ledger
version: 1.0.0
outputs:
  - {name: ledger, type: table, location: contracts.ledger, schema: [{name: id, type: bigint, primary_key: true}, {name: amount, type: numeric}]}
  - {name: gone, type: table, location: contracts.gone, schema: [{name: id, type: int}]}
  - {name: made, type: table, location: contracts.made, schema: [{name: id, type: int, required: true}, {name: note, type: text, description: why}]}
$$);
SELECT count(*) FROM mesh_provision('sales.ledger');
-- A published contract on a bound table with keys, NOT NULL and a unique column: the
-- restore's DDL (tables, then constraints and indexes after the rows) must not be refused by
-- DDL enforcement, and the restored catalog enforces it again.
CREATE TABLE contracts.payments (id bigint PRIMARY KEY, code text UNIQUE, amount numeric NOT NULL, memo text);
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.settlements
name: Settlements
version: 1.0.0
status: published
retention: 7 years
security: {encryption_at_rest: true}
inputs: [{product: sales.orders, version: ^1.2}]
outputs:
  - name: payments
    type: table
    location: contracts.payments
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: code, type: text, unique: true}
      - {name: amount, type: numeric, required: true}
$$);
-- Provisioned tables with a foreign key between them (relationships): the restore creates the
-- key after both tables and their rows, which DDL enforcement must let through.
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.remittances
name: Remittances
version: 1.0.0
status: published
retention: 7 years
security: {encryption_at_rest: true}
inputs: [{source: bank.statements}]
outputs:
  - name: items
    type: table
    location: contracts.items
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: batch_id, type: bigint, required: true, relationships: [{to: batches.id}]}
  - {name: batches, type: table, location: contracts.batches, schema: [{name: id, type: bigint, primary_key: true}]}
$$);
SELECT count(*) FROM mesh_provision('sales.remittances');
INSERT INTO contracts.batches VALUES (1);
INSERT INTO contracts.items VALUES (10, 1);
ALTER TABLE contracts.ledger RENAME TO ledger_v1;
DROP TABLE contracts.gone;
-- Access (docs/access.md): an approved request of a provisioned table, column by column (a pii
-- field withheld): the ledger names the relation and roles, which a restore finds by name.
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.payers
name: Payers
version: 1.0.0
status: published
classification: confidential
retention: 7 years
security: {encryption_at_rest: true}
inputs: [{source: billing.db}]
outputs:
  - {name: payers, type: table, location: contracts.payers, schema: [{name: id, type: bigint}, {name: email, type: text, pii: true, classification: confidential}]}
$$);
SELECT count(*) FROM mesh_provision('sales.payers');
SELECT mesh_approve(mesh_request_access('sales.payers', 'payers', 'marketing_team', 'campaigns', '^1'));
SQL
bindings=$(psql -X -At -d src -c "SELECT string_agg(port || '=' || coalesce(relation_oid::regclass::text, 'dropped'), ' ' ORDER BY port) FROM meshcat_internal.port_binding")
[ "$bindings" = "batches=contracts.batches gone=dropped items=contracts.items ledger=contracts.ledger_v1 made=contracts.made payers=contracts.payers payments=contracts.payments" ] || { echo "FAIL the source's bindings are: $bindings"; exit 1; }

# The catalog must not be trivially small, or the comparison proves little (one audit row per
# document written: domains, versions, policies, exemptions, lifecycle moves).
read -r versions audit < <(psql -X -At -F ' ' -d src -c "SELECT (SELECT count(*) FROM meshcat.product_version), (SELECT count(*) FROM meshcat_internal.audit)")
echo "source: $versions versions, $audit audit rows"
[ "$versions" -ge 10 ] && [ "$audit" -ge 25 ] || { echo "the source mesh is too small"; exit 1; }

psql -X -q -d src -f test/t/lib/fingerprint.sql >"$work/src.txt"
psql -X -q -d src -f test/t/lib/schema.sql >"$work/src.schema"
grep -q 'relation meshcat_internal.audit .*finance_team=r/' "$work/src.schema" || { echo "FAIL schema.sql does not show the grants"; exit 1; }
# pg_dump warns that domain references itself (a domain's parent); rows of one table are one
# COPY, checked at its end, so that is harmless. Any other message is a failure.
pg_dump -d src -f "$work/plain.sql" 2>"$work/dump.err"
pg_dump -d src -Fc -f "$work/dump.custom" 2>>"$work/dump.err"
pg_dump -d src --column-inserts -f "$work/inserts.sql" 2>>"$work/dump.err"
if grep -vE '^pg_dump: (warning: there are circular foreign-key constraints on this table:|detail: domain$|hint: )' "$work/dump.err"; then
    echo "FAIL pg_dump printed the messages above"; exit 1
fi

fail=0
check() {   # check <database> <how it was restored> <restore stderr file>
    local db=$1 how=$2 errs=$3
    if [ -s "$errs" ]; then
        echo "FAIL $how: the restore printed:"; head -20 "$errs"; fail=1
    fi
    psql -X -q -d "$db" -f test/t/lib/fingerprint.sql >"$work/$db.txt"
    if ! diff -u "$work/src.txt" "$work/$db.txt" >"$work/$db.diff"; then
        echo "FAIL $how: the restored catalog differs from the source:"; head -40 "$work/$db.diff"; fail=1
    else
        echo "ok $how: $(wc -l <"$work/src.txt") fingerprint lines identical"
    fi
    # The extension's objects as they were, privileges granted since CREATE EXTENSION included.
    psql -X -q -d "$db" -f test/t/lib/schema.sql >"$work/$db.schema"
    if ! diff -u "$work/src.schema" "$work/$db.schema" >"$work/$db.schema.diff"; then
        echo "FAIL $how: the restored schema or privileges differ:"; head -40 "$work/$db.schema.diff"; fail=1
    else
        echo "ok $how: $(wc -l <"$work/src.schema") schema and privilege lines identical"
    fi
    psql -X -q -d "$db" -f test/t/lib/sequences.sql >"$work/$db.seq"
    if [ ! -s "$work/$db.seq" ]; then
        echo "FAIL $how: no sequence found to check"; fail=1
    elif grep -v ' ok$' "$work/$db.seq"; then
        echo "FAIL $how: sequences behind their tables"; fail=1
    else
        echo "ok $how: $(wc -l <"$work/$db.seq") sequences past their columns' largest values"
    fi
    # Bindings found their relations again by name (OIDs change), and drift is the same.
    local bound
    bound=$(psql -X -At -d "$db" -c "SELECT string_agg(port || '=' || coalesce(relation_oid::regclass::text, 'dropped'), ' ' ORDER BY port) FROM meshcat_internal.port_binding")
    if [ "$bound" = "batches=contracts.batches gone=dropped items=contracts.items ledger=contracts.ledger_v1 made=contracts.made payers=contracts.payers payments=contracts.payments" ]; then
        echo "ok $how: port bindings restored to their relations"
    else
        echo "FAIL $how: port bindings after the restore: $bound"; fail=1
    fi
    # DDL enforcement holds on the restored relations: a breaking ALTER is refused (23514).
    local refused
    refused=$(psql -X -q -At -d "$db" -c "ALTER TABLE contracts.payments DROP COLUMN amount" 2>&1 || true)
    if [[ "$refused" == *'would break the contract of data product "sales.settlements" 1.0.0'* ]]; then
        echo "ok $how: a breaking ALTER of a restored contracted table is refused"
    else
        echo "FAIL $how: a breaking ALTER after the restore gave: $refused"; fail=1
    fi
    # The foreign key came back, is enforced, shows no drift, and its drop is refused.
    local fkey refusals
    fkey=$(psql -X -q -At -d "$db" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'contracts.items'::regclass AND contype = 'f'" \
                -c "SELECT count(*) FROM meshcat.mesh_drift('sales.remittances')" 2>&1 | tr '\n' ' ')
    refusals=$(psql -X -q -At -d "$db" -c "INSERT INTO contracts.items VALUES (11, 99)" \
                    -c "ALTER TABLE contracts.items DROP CONSTRAINT items_batch_id_fkey" 2>&1 || true)
    if [ "$fkey" = "1 0 " ] && [[ "$refusals" == *'violates foreign key constraint "items_batch_id_fkey"'* ]] \
       && [[ "$refusals" == *'would break the contract of data product "sales.remittances" 1.0.0'* ]]; then
        echo "ok $how: the provisioned foreign key restored, enforced and held to its contract"
    else
        echo "FAIL $how: the foreign key after the restore: $fkey $refusals"; fail=1
    fi
    # The ledger found its relation and roles again, the grant came with the dump, and a
    # revocation after the restore takes it back, as the relation's owner.
    local access
    access=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" 2>&1 <<'SQL'
SELECT string_agg(object_kind || ':' || relation || ':' || coalesce(column_name, '') || ':' || grantor, ' ' ORDER BY object_kind, column_name)
  FROM meshcat.mesh_access_grants;
SELECT has_column_privilege('marketing_team', 'contracts.payers', 'id', 'SELECT'), has_column_privilege('marketing_team', 'contracts.payers', 'email', 'SELECT');
SELECT meshcat.mesh_revoke(1, 'after the restore');
SELECT has_column_privilege('marketing_team', 'contracts.payers', 'id', 'SELECT');
SQL
    )
    if [ "$access" = $'column:contracts.payers:id:sales_team schema:contracts.payers::sales_team
t|f
revoked
f' ]; then
        echo "ok $how: access grants restored, and revoked after the restore"
    else
        echo "FAIL $how: access after the restore: $access"; fail=1
    fi
    # The restored catalog works: a new registration succeeds and is audited once (the version).
    local out
    if out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" 2>&1 <<'SQL'
SET search_path = meshcat, public;
SELECT count(*) FROM meshcat_internal.audit \gset before_
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refunds
name: Refunds
version: 1.0.0
inputs: [{product: sales.returns, version: ^1}]
outputs: [{name: refunds, type: table, schema: [{name: id, type: bigint}]}]
$$);
SELECT count(*) - :before_count FROM meshcat_internal.audit;
SQL
    ) && [ "$out" = $'created\n1' ]; then
        echo "ok $how: a new registration after the restore is written and audited"
    else
        echo "FAIL $how: registering after the restore gave: $out"; fail=1
    fi
}

createdb plain
psql -X -q -v ON_ERROR_STOP=1 -d plain -f "$work/plain.sql" >/dev/null 2>"$work/plain.err" || true
check plain "plain dump restored with psql" "$work/plain.err"

createdb custom
pg_restore --exit-on-error -d custom "$work/dump.custom" 2>"$work/custom.err" || true
check custom "custom dump restored with pg_restore" "$work/custom.err"

# A parallel restore loads tables in several sessions at once, so foreign keys between the
# catalog's tables can be checked before the rows they reference are in: it is run with
# triggers (foreign key checks included) off, as docs/operations.md says. The derivation is
# enabled always, so the derived rows come back without a rebuild.
createdb parallel
PGOPTIONS='-c session_replication_role=replica' \
    pg_restore --exit-on-error -j 2 -d parallel "$work/dump.custom" 2>"$work/parallel.err" || true
check parallel "custom dump restored with pg_restore -j 2, session_replication_role=replica" "$work/parallel.err"

# A dump of INSERT statements is a restore like COPY: the one signal is a superuser writing
# rows created before its transaction (is_restore), whatever the statement.
createdb inserts
psql -X -q -v ON_ERROR_STOP=1 -d inserts -f "$work/inserts.sql" >/dev/null 2>"$work/inserts.err" || true
check inserts "plain dump with --column-inserts restored with psql" "$work/inserts.err"

exit $fail
