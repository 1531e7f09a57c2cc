#!/usr/bin/env bash
# Converts every *.yaml, *.yml and *.json under ../shared/examples (relative to the
# repository root) with mesh_yaml_documents, and checks the round trip
# mesh_yaml_to_jsonb(mesh_jsonb_to_yaml(j)) = j for each document, in a throwaway
# server (pg_virtualenv -t). A JSON file must also equal PostgreSQL's own reading.
# Each file is then registered as the custom content of a data product, and the stored
# descriptor must hold it unchanged: nothing a standard carries is lost.
# Prints "skipped" and exits 0 when the directory is absent; exits non-zero on any
# failure. Needs the extension installed.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=../shared/examples
if [ ! -d "$dir" ]; then
    echo "yaml_examples: skipped ($dir is absent)"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$(cd "$dir" && pwd)" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort > "$work/files"
if [ ! -s "$work/files" ]; then
    echo "yaml_examples: skipped (no files in $dir)"
    exit 0
fi

cat > "$work/check.sql" <<'SQL'
\set content `cat :'file'`
SELECT CASE WHEN meshcat.mesh_yaml_to_jsonb(meshcat.mesh_jsonb_to_yaml(d)) IS DISTINCT FROM d
            THEN 'round trip differs' ELSE 'ok' END
  FROM meshcat.mesh_yaml_documents(:'content') d;
SELECT 'ok' FROM (SELECT count(*) FROM meshcat.mesh_register(meshcat.mesh_jsonb_to_yaml(jsonb_build_object(
    'apiVersion', 'meshcat/v1', 'kind', 'DataProduct', 'id', 'examples.p' || :n, 'name', :'file',
    'version', '1.0.0', 'custom', (SELECT jsonb_agg(d) FROM meshcat.mesh_yaml_documents(:'content') d))))) AS r;
SELECT CASE WHEN descriptor -> 'custom' IS DISTINCT FROM (SELECT jsonb_agg(d) FROM meshcat.mesh_yaml_documents(:'content') d)
            THEN 'registered descriptor differs' ELSE 'ok' END
  FROM meshcat.mesh_versions WHERE product_id = 'examples.p' || :n;
\if :json
SELECT CASE WHEN meshcat.mesh_yaml_to_jsonb(:'content') IS DISTINCT FROM (:'content')::jsonb
            THEN 'differs from jsonb_in' ELSE 'ok' END;
\endif
SQL

cat > "$work/run.sh" <<'SH'
set -uo pipefail
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION meshcat CASCADE" -c "CREATE ROLE examples_owner" \
    -c "SELECT * FROM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: examples, owner: examples_owner}')" >/dev/null || exit 1
failed=0
n=0
while IFS= read -r f; do
    n=$((n + 1))
    json=off
    case "$f" in *.json) json=on ;; esac
    if ! out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$f" -v n=$n -v json=$json -f "$WORK/check.sql" 2>&1) ||
        grep -qv '^ok$' <<< "$out"; then
        failed=$((failed + 1))
        echo "FAILED: $f"
        sed 's/^/    /' <<< "$out" | head -5
    fi
done < "$WORK/files"
echo "yaml_examples: $n files, $failed failed"
[ "$failed" -eq 0 ]
SH

WORK="$work" pg_virtualenv -t bash "$work/run.sh"
