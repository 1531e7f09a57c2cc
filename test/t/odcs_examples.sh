#!/usr/bin/env bash
# ODCS conformance: every file under $MESHCAT_EXAMPLES/odcs (default ../shared/examples,
# relative to the repository root) is registered through mesh_register, each in a domain of
# its own (its own domain if it names one, else meshcat.default_domain), in a throwaway server
# (pg_virtualenv -t). A file registers, or is refused with a message that says why it is not a
# whole contract for meshcat (it names no data product, or refers to another file). For each
# registered file the key facts are queried in the views and compared with the file: the
# version, the contract's id (external_id), one port per schema object, one field per
# property, the quality rules, the owners. Then every version's ODCS export, and the exports of
# a meshcat product with every kind of key, are validated against the official ODCS v3.1.0 JSON
# Schema ($MESHCAT_EXAMPLES/schemas/odcs) with ajv, installed from npm into a temporary
# directory by this script. Prints "skipped" and exits 0 when the examples are absent; exits
# non-zero on any failure. Needs the extension installed, and node and npm for the validator.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=${MESHCAT_EXAMPLES:-../shared/examples}
if [ ! -d "$dir/odcs" ]; then
    echo "odcs_examples: skipped ($dir/odcs is absent; set MESHCAT_EXAMPLES)"
    exit 0
fi
dir=$(cd "$dir" && pwd)
schema=$dir/schemas/odcs/odcs-json-schema-v3.1.0.json
[ -f "$schema" ] || { echo "odcs_examples: $schema is missing"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
find "$dir/odcs" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort > "$work/files"
[ -s "$work/files" ] || { echo "odcs_examples: no files in $dir/odcs"; exit 1; }

# The validator (lib/json_schema.sh).
. test/t/lib/json_schema.sh
json_schema_setup odcs_examples "$work"

# One file: its domain, then the file itself; one line "registered" or "refused: <why>".
cat > "$work/register.sql" <<'SQL'
\set content `cat :'file'`
SELECT coalesce(meshcat.mesh_yaml_to_jsonb(:'content') ->> 'domain', 'ex' || :n) AS domain \gset
SELECT set_config('meshcat.default_domain', 'ex' || :n, false) \gset
SELECT count(*) FROM meshcat.mesh_register(format('{apiVersion: meshcat/v1, kind: Domain, name: %s, owner: examples_owner}', :'domain')) \gset
\set ON_ERROR_STOP 0
SELECT 'registered ' || id || ' ' || version FROM meshcat.mesh_register(:'content');
SQL

# The key facts of a registered file, each "ok" or what differs.
cat > "$work/facts.sql" <<'SQL'
\set content `cat :'file'`
WITH f(d) AS (SELECT meshcat.mesh_yaml_to_jsonb(:'content')),
     v AS (SELECT * FROM meshcat.mesh_versions WHERE product_id = :'id' AND version_text = :'version')
SELECT CASE WHEN (SELECT count(*) FROM v) <> 1 THEN 'no version in mesh_versions'
            WHEN (SELECT external_id FROM v) IS DISTINCT FROM (SELECT d ->> 'id' FROM f) THEN 'external_id differs'
            WHEN (SELECT document_format FROM v) <> 'odcs' THEN 'document_format is not odcs'
            WHEN ltrim((SELECT d ->> 'version' FROM f), 'v') <> :'version' THEN 'version differs'
            ELSE 'ok' END;
WITH f(d) AS (SELECT meshcat.mesh_yaml_to_jsonb(:'content')),
     pv AS (SELECT descriptor FROM meshcat.product_version WHERE product_id = :'id' AND version::text = :'version')
SELECT CASE WHEN (SELECT count(*) FROM meshcat.mesh_ports WHERE product_id = :'id' AND version_text = :'version' AND direction = 'output')
                 <> (SELECT coalesce(jsonb_array_length(d -> 'schema'), 0) FROM f) THEN 'output ports differ from schema objects'
            WHEN (SELECT count(*) FROM meshcat.mesh_fields WHERE product_id = :'id' AND version_text = :'version')
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.schema[*].properties[*]')) THEN 'fields differ from properties'
            WHEN (SELECT count(*) FROM meshcat.mesh_fields WHERE product_id = :'id' AND version_text = :'version' AND primary_key)
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.schema[*].properties[*] ? (@.primaryKey == true)')) THEN 'primary keys differ'
            WHEN (SELECT count(*) FROM pv, jsonb_path_query(pv.descriptor, 'lax $.outputs[*].quality[*]'))
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.schema[*].quality[*]')) THEN 'port quality rules differ'
            WHEN (SELECT count(*) FROM pv, jsonb_path_query(pv.descriptor, 'lax $.outputs[*].schema[*].quality[*]'))
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.schema[*].properties[*].quality[*]')) THEN 'field quality rules differ'
            WHEN (SELECT d ? 'team' FROM f)
                 AND (SELECT owners FROM meshcat.mesh_versions WHERE product_id = :'id' AND version_text = :'version') IS NULL
                 THEN 'no owners from the team'
            ELSE 'ok' END;
SQL

cat > "$work/run.sh" <<'SH'
set -uo pipefail
. test/t/lib/json_schema.sh
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION meshcat CASCADE" -c "CREATE ROLE examples_owner" >/dev/null || exit 1
failed=0 n=0 registered=0 refused=0
while IFS= read -r f; do
    n=$((n + 1))
    name=${f#"$DIR"/}
    out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$f" -v n=$n -f "$WORK/register.sql" 2>&1)
    if grep -q '^registered ' <<< "$out"; then
        registered=$((registered + 1))
        read -r _ id version <<< "$(grep '^registered ' <<< "$out")"
        echo "$name: registered as $id $version"
        facts=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$f" -v id="$id" -v version="$version" -f "$WORK/facts.sql" 2>&1)
        if grep -qv '^ok$' <<< "$facts"; then
            failed=$((failed + 1)); echo "FAILED: $name: $(grep -v '^ok$' <<< "$facts" | head -3)"
        fi
    elif grep -qE 'names no data product|external reference' <<< "$out"; then
        refused=$((refused + 1))
        echo "$name: refused, not a whole contract: $(grep -m1 ERROR <<< "$out" | sed 's/.*ERROR: *//')"
    else
        failed=$((failed + 1)); echo "FAILED: $name:"; sed 's/^/    /' <<< "$out" | head -5
    fi
done < "$WORK/files"

# A meshcat product with every kind of key, exported too.
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { echo "FAILED: registering the meshcat product"; failed=$((failed + 1)); }
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: native
owner: examples_owner
---
apiVersion: meshcat/v1
kind: DataProduct
id: native.orders
name: Orders
version: 1.0.0
status: published
outputs:
  - {name: orders, type: table, schema: [{name: id, type: bigint, primary_key: true}, {name: amount, type: numeric}]}
---
apiVersion: meshcat/v1
kind: DataProduct
id: native.customer_360
name: Customer 360 View
domain: native
version: 2.1.0
status: published
description: Unified customer profile
documentation: https://wiki.example.com/c360
tags: [customer, profile]
classification: confidential
retention: 730 days
owners: {technical: customer_eng, business: [jane.doe, joe], channel: '#c360'}
sla: {freshness: 15 minutes, availability: 99.95%}
quality: {completeness: 0.98}
inputs: [{product: native.orders, version: ^1.0}, {source: crm.accounts}]
outputs:
  - name: profile
    type: view
    location: customer.customer_360
    quality: [{type: library, metric: rowCount, mustBeGreaterThan: 10}]
    schema:
      - {name: customer_id, type: bigint, required: true, unique: true, primary_key: true, quality: [{metric: nullValues, mustBe: 0}]}
      - {name: email, type: text, pii: true, classification: restricted, masking: hash}
      - {name: lifetime_value, type: numeric, derived_from: [native.orders.orders.amount]}
      - {name: last_order_id, type: bigint, relationships: [{to: native.orders.orders.id}]}
  - name: events
    type: stream
    schema:
      - {name: customer_id, type: bigint, relationships: [{to: profile.customer_id, type: foreignKey, description: whose event}]}
      - {name: email, type: text}
    relationships:
      - {from: [customer_id, email], to: [profile.customer_id, profile.email]}
x-extra: 1
$$);
SQL

# Every version's ODCS export, as JSON, for the validator.
mkdir -p "$WORK/exports"
i=0
while IFS='|' read -r id version; do
    i=$((i + 1))
    psql -X -q -At -v ON_ERROR_STOP=1 -c "SELECT meshcat.mesh_yaml_to_jsonb(meshcat.mesh_export('$id', '$version', 'odcs'))" > "$WORK/exports/$i-$id.json" ||
        { failed=$((failed + 1)); echo "FAILED: export of $id $version"; }
done < <(psql -X -q -At -c "SELECT product_id, version FROM meshcat.product_version ORDER BY 1, 2")
json_schema_validate "$WORK" "$SCHEMA" "$WORK"/exports/*.json || failed=$((failed + 1))

echo "odcs_examples: $n files, $registered registered, $refused refused as not whole contracts, $failed failed"
[ "$failed" -eq 0 ]
SH

WORK="$work" DIR="$dir/odcs" SCHEMA="$schema" pg_virtualenv -t bash "$work/run.sh"
