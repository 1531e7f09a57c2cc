#!/usr/bin/env bash
# Every descriptor shown in README.md and docs/*.md registers: the YAML code blocks that are
# meshcat documents (they have an apiVersion), and the YAML inside mesh_register($$ ... $$)
# calls in SQL examples, are collected and registered in one stream, on a throwaway cluster,
# after the roles and the parent domain they name.
set -euo pipefail
cd "$(dirname "$0")/../.."

stream=$(awk '
    /^```yaml/ || /mesh_register\(\$\$$/ { inblock = 1; block = ""; next }
    (/^```/ || /^\$\$\);/) && inblock { inblock = 0; if (block ~ /apiVersion: meshcat/) printf "---\n%s", block; next }
    inblock { block = block $0 "\n" }
' README.md docs/*.md)
count=$(grep -c '^kind:' <<<"$stream")
echo "registering $count documents from the docs"
[ "$count" -ge 4 ] || { echo "too few examples found"; exit 1; }

STREAM="$stream" pg_virtualenv -t bash -c '
psql -X -q -v ON_ERROR_STOP=1 -v stream="$STREAM" <<'"'SQL'"'
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: commerce
owner: commerce_council
$$);
SELECT kind, id, version, action FROM mesh_register(:'"'stream'"');
SQL'
