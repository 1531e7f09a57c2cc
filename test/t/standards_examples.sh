#!/usr/bin/env bash
# Conformance with the open standards other than ODCS (odcs_examples.sh has those): every file
# under $MESHCAT_EXAMPLES/{odps,dpds,datacontract-specification} (default ../shared/examples,
# relative to the repository root) is registered through mesh_register in a throwaway server
# (pg_virtualenv -t), each in a domain of its own (the one it names, else
# meshcat.default_domain). An ODPS file names its ports' ODCS contracts by id, which no
# example file holds: the script registers, in the same stream before it, a minimal contract
# for each (id, version) the file names (docs/standards.md: a port's contract must be
# registered). A file registers, or is refused with a message that says why it is not a whole
# document: a DPDS descriptor with an external $ref (0A000, naming each reference), or a
# fragment with no standard's marker at its top (a port, an application, a schema that a
# descriptor refers to: "missing required key kind" with a HINT that says what a whole
# document is). For each registered file the key facts are queried in the views and compared
# with the file (the version, the document's id as external_id, ports, inputs, fields, owners,
# quality rules), and registering it again is unchanged. Then the ODPS export of every
# version, those registered from ODPS and those that were not (a meshcat product with every
# kind of key, the contracts, the DPDS and Data Contract Specification versions), is validated
# against the official ODPS v1.0.0 JSON Schema ($MESHCAT_EXAMPLES/schemas/odps) with ajv,
# installed from npm into a temporary directory by this script. Prints "skipped" and exits 0
# when the examples are absent; exits non-zero on any failure. Needs the extension installed,
# and node and npm for the validator.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=${MESHCAT_EXAMPLES:-../shared/examples}
if [ ! -d "$dir/odps" ] || [ ! -d "$dir/dpds" ] || [ ! -d "$dir/datacontract-specification" ]; then
    echo "standards_examples: skipped ($dir/{odps,dpds,datacontract-specification} is absent; set MESHCAT_EXAMPLES)"
    exit 0
fi
dir=$(cd "$dir" && pwd)
schema=$dir/schemas/odps/odps-json-schema-v1.0.0.json
[ -f "$schema" ] || { echo "standards_examples: $schema is missing"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
find "$dir/odps" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort > "$work/files"
[ -s "$work/files" ] || { echo "standards_examples: no files in $dir/odps"; exit 1; }
# Every file of the other two: fragments (.avsc, .proto, ...) are part of the test.
find "$dir/dpds" "$dir/datacontract-specification" -type f ! -name '*.md' | sort > "$work/other_files"
[ -s "$work/other_files" ] || { echo "standards_examples: no files in $dir/dpds or $dir/datacontract-specification"; exit 1; }

# The validator (lib/json_schema.sh).
. test/t/lib/json_schema.sh
json_schema_setup standards_examples "$work"

# One ODPS file: its domain, a contract for each port's contractId, then the file itself; one
# line "registered <id> <version>" or the error.
cat > "$work/odps_register.sql" <<'SQL'
\set content `cat :'file'`
SELECT coalesce(meshcat.mesh_yaml_to_jsonb(:'content') ->> 'domain', 'ex' || :n) AS domain \gset
SELECT set_config('meshcat.default_domain', 'ex' || :n, false) \gset
SELECT count(*) FROM meshcat.mesh_register(format('{apiVersion: meshcat/v1, kind: Domain, name: %s, owner: examples_owner}', :'domain')) \gset
SELECT coalesce(string_agg(format(E'{apiVersion: v3.1.0, kind: DataContract, id: %s, name: Contract %s, version: %s, status: active, domain: %s,\n'
                                  ' schema: [{name: %s, physicalName: %s, properties: [{name: id, physicalType: bigint, required: true}]}]}\n---\n',
                                  c.id, c.id, c.version, :'domain', c.port, c.port), '' ORDER BY c.id, c.version), '') AS contracts
  FROM (SELECT DISTINCT p ->> 'contractId' AS id, p ->> 'version' AS version, min(p ->> 'name') AS port
          FROM jsonb_path_query(meshcat.mesh_yaml_to_jsonb(:'content'), 'lax $.inputPorts[*] ? (exists(@.contractId))') AS p
         GROUP BY 1, 2
        UNION
        SELECT DISTINCT p ->> 'contractId', p ->> 'version', min(p ->> 'name')
          FROM jsonb_path_query(meshcat.mesh_yaml_to_jsonb(:'content'), 'lax $.outputPorts[*] ? (exists(@.contractId))') AS p
         GROUP BY 1, 2) AS c \gset
\set ON_ERROR_STOP 0
SELECT 'registered ' || id || ' ' || version FROM meshcat.mesh_register(:'contracts' || :'content') WHERE kind = 'DataProduct';
SQL

# The key facts of a registered ODPS file, each "ok" or what differs.
cat > "$work/odps_facts.sql" <<'SQL'
\set content `cat :'file'`
WITH f(d) AS (SELECT meshcat.mesh_yaml_to_jsonb(:'content')),
     v AS (SELECT * FROM meshcat.mesh_versions WHERE product_id = :'id' AND version_text = :'version')
SELECT CASE WHEN (SELECT count(*) FROM v) <> 1 THEN 'no version in mesh_versions'
            WHEN (SELECT external_id FROM v) IS DISTINCT FROM (SELECT d ->> 'id' FROM f) THEN 'external_id differs'
            WHEN (SELECT document_format FROM v) <> 'odps' THEN 'document_format is not odps'
            WHEN coalesce(ltrim((SELECT d ->> 'version' FROM f), 'v'), '0.0.0') <> :'version' THEN 'version differs'
            WHEN (SELECT count(*) FROM meshcat.mesh_ports WHERE product_id = :'id' AND version_text = :'version' AND direction = 'output')
                 <> (SELECT coalesce(jsonb_array_length(d -> 'outputPorts'), 0) FROM f) THEN 'output ports differ'
            WHEN (SELECT count(*) FROM meshcat.mesh_ports WHERE product_id = :'id' AND version_text = :'version' AND direction = 'input')
                 <> (SELECT coalesce(jsonb_array_length(d -> 'inputPorts'), 0) FROM f) THEN 'inputs differ from input ports'
            WHEN (SELECT count(*) FROM meshcat.mesh_fields WHERE product_id = :'id' AND version_text = :'version')
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.outputPorts[*] ? (exists(@.contractId))')) THEN 'the contracts'' fields are not on the ports'
            WHEN (SELECT d ? 'team' OR d ? 'support' FROM f) AND (SELECT owners FROM v) IS NULL THEN 'no owners from the team'
            WHEN (SELECT d ->> 'name' FROM f) IS DISTINCT FROM (SELECT name FROM v) THEN 'name differs'
            ELSE 'ok' END;
SQL


# A DPDS or Data Contract Specification file (or a fragment): its marker and domain, then the
# file; "marker <dpds|dcs|none>", then "registered <id> <version>" or the error.
cat > "$work/register.sql" <<'SQL'
\set content `cat :'file'`
\set domain ex :n
\set marker none
SELECT CASE WHEN dom ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN dom ELSE meshcat_internal.name_slug(dom) END AS domain, marker
  FROM (SELECT coalesce(CASE WHEN d ? 'dataProductDescriptor' OR d ? 'dataContractSpecification' THEN d #>> '{info,domain}' END, 'ex' || :n) AS dom,
               CASE WHEN d ? 'dataProductDescriptor' THEN 'dpds' WHEN d ? 'dataContractSpecification' THEN 'dcs' ELSE 'none' END AS marker
          FROM (SELECT CASE WHEN jsonb_typeof(x) = 'object' THEN x ELSE '{}' END AS d FROM meshcat.mesh_yaml_to_jsonb(:'content') AS x) AS s) AS t \gset
\echo marker :marker
\echo domain :domain
SELECT set_config('meshcat.default_domain', :'domain', false) \gset
SELECT count(*) FROM meshcat.mesh_register(format('{apiVersion: meshcat/v1, kind: Domain, name: %s, owner: examples_owner}', :'domain')) \gset
SELECT 'registered ' || id || ' ' || version FROM meshcat.mesh_register(:'content');
SQL

# The same file again, in the same domain: one line, its action.
cat > "$work/again.sql" <<'SQL'
\set content `cat :'file'`
SELECT set_config('meshcat.default_domain', :'domain', false) \gset
SELECT string_agg(action, ',') FROM meshcat.mesh_register(:'content');
SQL

# The key facts of a registered DPDS file, each "ok" or what differs.
cat > "$work/dpds_facts.sql" <<'SQL'
\set content `cat :'file'`
WITH f(d) AS (SELECT meshcat.mesh_yaml_to_jsonb(:'content')),
     v AS (SELECT * FROM meshcat.mesh_versions WHERE product_id = :'id' AND version_text = :'version')
SELECT CASE WHEN (SELECT count(*) FROM v) <> 1 THEN 'no version in mesh_versions'
            WHEN (SELECT external_id FROM v) IS DISTINCT FROM (SELECT coalesce(d #>> '{info,fullyQualifiedName}', d #>> '{info,id}') FROM f) THEN 'external_id differs'
            WHEN (SELECT document_format FROM v) <> 'dpds' THEN 'document_format is not dpds'
            WHEN ltrim((SELECT d #>> '{info,version}' FROM f), 'v') <> :'version' THEN 'version differs'
            WHEN (SELECT count(*) FROM meshcat.mesh_ports WHERE product_id = :'id' AND version_text = :'version' AND direction = 'output')
                 <> (SELECT coalesce(jsonb_array_length(d #> '{interfaceComponents,outputPorts}'), 0) FROM f) THEN 'output ports differ'
            WHEN (SELECT count(*) FROM meshcat.mesh_ports WHERE product_id = :'id' AND version_text = :'version' AND direction = 'input')
                 <> (SELECT coalesce(jsonb_array_length(d #> '{interfaceComponents,inputPorts}'), 0) FROM f) THEN 'inputs differ from input ports'
            WHEN NOT (SELECT owners -> 'owner' ? (d #>> '{info,owner,id}') FROM v, f) THEN 'the owner is not an owner'
            ELSE 'ok' END;
SQL

# The key facts of a registered Data Contract Specification file, each "ok" or what differs.
cat > "$work/dcs_facts.sql" <<'SQL'
\set content `cat :'file'`
WITH f(d) AS (SELECT meshcat.mesh_yaml_to_jsonb(:'content')),
     v AS (SELECT * FROM meshcat.mesh_versions WHERE product_id = :'id' AND version_text = :'version'),
     pv AS (SELECT descriptor FROM meshcat.product_version WHERE product_id = :'id' AND version::text = :'version')
SELECT CASE WHEN (SELECT count(*) FROM v) <> 1 THEN 'no version in mesh_versions'
            WHEN (SELECT external_id FROM v) IS DISTINCT FROM (SELECT d ->> 'id' FROM f) THEN 'external_id differs'
            WHEN (SELECT document_format FROM v) <> 'dcs' THEN 'document_format is not dcs'
            WHEN ltrim((SELECT d #>> '{info,version}' FROM f), 'v') <> :'version' THEN 'version differs'
            WHEN (SELECT count(*) FROM meshcat.mesh_ports WHERE product_id = :'id' AND version_text = :'version' AND direction = 'output')
                 <> (SELECT count(*) FROM f, jsonb_object_keys(coalesce(d -> 'models', '{}'))) THEN 'output ports differ from models'
            WHEN (SELECT count(*) FROM meshcat.mesh_fields WHERE product_id = :'id' AND version_text = :'version')
                 <> (SELECT count(*) FROM f, jsonb_each(coalesce(d -> 'models', '{}')) AS m(k, v), jsonb_object_keys(coalesce(m.v -> 'fields', '{}'))) THEN 'fields differ'
            WHEN (SELECT count(*) FROM pv, jsonb_path_query(pv.descriptor, 'lax $.outputs[*].quality[*]'))
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.models.*.quality[*]')) THEN 'model quality rules differ'
            WHEN (SELECT count(*) FROM pv, jsonb_path_query(pv.descriptor, 'lax $.outputs[*].schema[*].quality[*]'))
                 <> (SELECT count(*) FROM f, jsonb_path_query(d, 'lax $.models.*.fields.*.quality[*]')) THEN 'field quality rules differ'
            WHEN (SELECT d #> '{info,owner}' IS NOT NULL FROM f) AND NOT (SELECT owners -> 'team' ? (d #>> '{info,owner}') FROM v, f) THEN 'the owner is not the team'
            WHEN (SELECT d #>> '{info,title}' FROM f) IS DISTINCT FROM (SELECT name FROM v) THEN 'name differs'
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
    out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$f" -v n=$n -f "$WORK/odps_register.sql" 2>&1)
    if grep -q '^registered ' <<< "$out"; then
        registered=$((registered + 1))
        read -r _ id version <<< "$(grep '^registered ' <<< "$out")"
        echo "$name: registered as $id $version"
        facts=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$f" -v id="$id" -v version="$version" -f "$WORK/odps_facts.sql" 2>&1)
        if grep -qv '^ok$' <<< "$facts"; then
            failed=$((failed + 1)); echo "FAILED: $name: $(grep -v '^ok$' <<< "$facts" | head -3)"
        fi
    elif grep -qE 'external reference' <<< "$out"; then
        refused=$((refused + 1))
        echo "$name: refused, not a whole document: $(grep -m1 ERROR <<< "$out" | sed 's/.*ERROR: *//')"
    else
        failed=$((failed + 1)); echo "FAILED: $name:"; sed 's/^/    /' <<< "$out" | head -5
    fi
done < "$WORK/files"

echo "standards_examples: odps: $n files, $registered registered, $refused refused as not whole documents"

# DPDS and Data Contract Specification files.
n2=0 registered2=0 refused2=0
while IFS= read -r f; do
    n=$((n + 1)) n2=$((n2 + 1))
    name=${f#"$ROOT"/}
    out=$(psql -X -q -At -v file="$f" -v n=$n -f "$WORK/register.sql" 2>&1)
    marker=$(sed -n 's/^marker //p' <<< "$out")
    if grep -q '^registered ' <<< "$out" && [ "$marker" != none ]; then
        registered2=$((registered2 + 1))
        read -r _ id version <<< "$(grep '^registered ' <<< "$out")"
        echo "$name: registered as $id $version"
        facts=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$f" -v id="$id" -v version="$version" -f "$WORK/${marker}_facts.sql" 2>&1)
        if grep -qv '^ok$' <<< "$facts"; then
            failed=$((failed + 1)); echo "FAILED: $name: $(grep -v '^ok$' <<< "$facts" | head -3)"
        fi
        again=$(psql -X -q -At -v file="$f" -v domain="$(sed -n 's/^domain //p' <<< "$out")" -f "$WORK/again.sql" 2>&1)
        [ "$again" = unchanged ] || { failed=$((failed + 1)); echo "FAILED: $name registered again: $again"; }
    elif [ "$marker" != none ] && grep -q 'ERROR: *external reference in' <<< "$out"; then
        refused2=$((refused2 + 1))
        echo "$name: refused, refers to other files: $(grep -m1 ERROR <<< "$out" | sed 's/.*ERROR: *//' | cut -c1-160)"
    elif [ "$marker" = none ] && grep -qE 'ERROR: *invalid descriptor: document 1, \$: (missing required key "kind"|expected a mapping)' <<< "$out" \
         && grep -q 'HINT: *A document is a whole' <<< "$out"; then
        refused2=$((refused2 + 1))
        echo "$name: refused, a fragment, not a whole document"
    else
        failed=$((failed + 1)); echo "FAILED: $name (marker $marker):"; sed 's/^/    /' <<< "$out" | head -5
    fi
done < "$WORK/other_files"
echo "standards_examples: dpds and datacontract-specification: $n2 files, $registered2 registered, $refused2 refused as not whole documents"

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
  - {name: orders, type: table, schema: [{name: amount, type: numeric}]}
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
owners: {technical: customer_eng, business: [jane.doe, joe], channel: '#c360 help'}
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
  - {name: events, type: stream, x-note: hot}
x-extra: 1
$$);
SQL
# ... and exported as ODPS and registered again, it is unchanged.
again=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SELECT action FROM meshcat.mesh_register(meshcat.mesh_export('native.customer_360', NULL, 'odps'))" 2>&1)
[ "$again" = unchanged ] || { failed=$((failed + 1)); echo "FAILED: native.customer_360 exported as ODPS and registered again: $again"; }

# Every version's ODPS export, as JSON, for the validator.
mkdir -p "$WORK/exports"
i=0
while IFS='|' read -r id version; do
    i=$((i + 1))
    psql -X -q -At -v ON_ERROR_STOP=1 -c "SELECT meshcat.mesh_yaml_to_jsonb(meshcat.mesh_export('$id', '$version', 'odps'))" > "$WORK/exports/$i-$id.json" ||
        { failed=$((failed + 1)); echo "FAILED: export of $id $version"; }
done < <(psql -X -q -At -c "SELECT product_id, version FROM meshcat.product_version ORDER BY 1, 2")
json_schema_validate "$WORK" "$SCHEMA" "$WORK"/exports/*.json || failed=$((failed + 1))

echo "standards_examples: $n files, $failed failed"
[ "$failed" -eq 0 ]
SH

WORK="$work" ROOT="$dir" DIR="$dir/odps" SCHEMA="$schema" pg_virtualenv -t bash "$work/run.sh"
