#!/usr/bin/env bash
# The tour `make demo` prints (test/demo.sql), on a throwaway cluster: it runs to the end; each
# section header ("== N. ...") is followed by the very query whose output follows it, the first
# query of that section in test/demo.sql; and the lineage picture draws the subdomains (sales,
# customer, marketing) inside their parent domain's cluster (commerce).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" != inner ]; then exec pg_virtualenv -t bash "$0" inner; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
psql -X -q -v mesh="$mesh" -f test/demo.sql >"$work/tour.txt" 2>&1 || { echo "FAIL the tour stopped:"; tail -20 "$work/tour.txt"; exit 1; }
psql -X -q -At -c "SELECT meshcat.mesh_lineage_dot(NULL)" >"$work/lineage.dot"

# The first line of the first query after each header, in the source ...
awk '/^\\echo .== [0-9]+\./ { match($0, /[0-9]+/); n = substr($0, RSTART, RLENGTH); want = 1; next }
     want && /^SELECT/ { print n "\t" $0; want = 0 }' test/demo.sql >"$work/source"
# ... and the line that follows each header in the output.
awk '/^== [0-9]+\./ { match($0, /[0-9]+/); n = substr($0, RSTART, RLENGTH); getline; print n "\t" $0 }' "$work/tour.txt" >"$work/shown"
sections=$(wc -l <"$work/source")
[ "$sections" -ge 15 ] || { echo "FAIL only $sections sections found in test/demo.sql"; exit 1; }
fail=0
if ! diff "$work/source" "$work/shown"; then
    echo "FAIL a section header is not followed by the query whose output follows it (< source, > shown)"; fail=1
else
    echo "ok the $sections section headers each show their own query"
fi

# Nested clusters: commerce opens, then its subdomains, and closes after them.
want='subgraph "cluster_commerce" {
subgraph "cluster_customer" {
}
subgraph "cluster_marketing" {
}
subgraph "cluster_sales" {
}
}
subgraph "cluster_finance" {
}
subgraph "cluster_logistics" {
}
}'
got=$(grep -E '^ *(subgraph|\})' "$work/lineage.dot" | sed 's/^ *//')
if [ "$got" = "$want" ]; then
    echo "ok the lineage picture draws subdomains inside their parent domain"
else
    echo "FAIL the lineage picture's clusters:"; echo "$got"; fail=1
fi
if command -v dot >/dev/null; then
    dot -Tsvg "$work/lineage.dot" -o "$work/lineage.svg" || { echo "FAIL dot refused the picture"; fail=1; }
fi
exit $fail
