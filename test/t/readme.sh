#!/usr/bin/env bash
# The README's setup works as written. Its ```sql blocks from "Installing into an existing
# PostgreSQL" to "Documentation" are run in order on a throwaway cluster, each as the role its
# first line names ("-- as a superuser", "-- as maria": a login role, no superuser, connected
# as itself; a block without that line runs as the one before it). Any error fails, except in a
# block followed by a ```text block of ERROR/DETAIL/HINT lines: that block must be refused with
# exactly those lines (psql's default output, less any CONTEXT). And a role granted none of
# meshcat's roles is refused with the qualified name as the README says (42501).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" != inner ]; then exec pg_virtualenv -t bash "$0" inner; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# block.N.sql, block.N.role, and block.N.refusal when a ```text block follows.
awk -v dir="$work" '
    /^## Installing into an existing PostgreSQL/ { on = 1 }
    /^## Documentation/ { on = 0 }
    !on { next }
    insql && /^```/ { insql = 0; close(file); last = n; next }
    insql { print > file; if (first) { first = 0; if (match($0, /^-- as [^ :]+( superuser)?/)) { r = substr($0, 7, RLENGTH - 6); if (r == "a superuser") r = "postgres"; role = r } }; next }
    intext && /^```/ { intext = 0; close(rfile); next }
    intext { print > rfile; next }
    /^```sql$/ { n++; insql = 1; first = 1; file = dir "/block." n ".sql"; next }
    /^```text$/ && last == n && n > 0 { intext = 1; rfile = dir "/block." n ".refusal"; next }
    /^```/ { last = -1 }
    { if (file != "" && !insql) { rolefile = dir "/block." n ".role"; printf "%s\n", (role == "" ? "?" : role) > rolefile; close(rolefile); file = "" } }
    END { if (file != "") { rolefile = dir "/block." n ".role"; printf "%s\n", (role == "" ? "?" : role) > rolefile } }
' README.md
blocks=$(ls "$work"/block.*.sql 2>/dev/null | wc -l)
[ "$blocks" -ge 5 ] || { echo "FAIL only $blocks SQL blocks found in the README's setup sections"; exit 1; }
grep -q 'permission denied for schema meshcat' README.md || { echo "FAIL the README does not say what a role without the grant gets"; exit 1; }

fail=0
as_role() {   # as_role ROLE psql-args...: as the cluster's superuser, or as ROLE logged in as itself
    local role=$1; shift
    if [ "$role" = postgres ]; then psql -X "$@"; else psql -X -d "dbname=postgres user=$role password=readme-test" "$@"; fi
}
for i in $(seq 1 "$blocks"); do
    f=$work/block.$i.sql
    role=$(cat "$work/block.$i.role" 2>/dev/null || echo '?')
    [ "$role" != '?' ] || { echo "FAIL README block $i names no role (-- as ...)"; exit 1; }
    if [ "$role" != postgres ]; then
        psql -X -q -v ON_ERROR_STOP=1 -c "ALTER ROLE $role PASSWORD 'readme-test'" >/dev/null ||
            { echo "FAIL README block $i runs as $role, which no block before it created"; exit 1; }
        [ "$(psql -X -At -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$role'")" = f ] ||
            { echo "FAIL $role is a superuser"; exit 1; }
    fi
    if [ -f "$work/block.$i.refusal" ]; then
        as_role "$role" -q -f "$f" >"$work/out" 2>"$work/err" || true
        sed -E 's/^psql:[^:]*:[0-9]+: //' "$work/err" | grep -E '^(ERROR|DETAIL|HINT):' >"$work/got" || true
        grep -E '^(ERROR|DETAIL|HINT):' "$work/block.$i.refusal" >"$work/want"
        if [ -s "$work/want" ] && diff "$work/want" "$work/got"; then
            echo "ok README block $i (as $role) is refused exactly as the README shows"
        else
            echo "FAIL README block $i (as $role) is not refused as the README shows (< README, > psql)"; cat "$work/err"; fail=1
        fi
    elif as_role "$role" -q -v ON_ERROR_STOP=1 -f "$f" >"$work/out" 2>"$work/err"; then
        echo "ok README block $i runs as $role"
    else
        echo "FAIL README block $i, as $role:"; sed -n 1,3p "$f"; cat "$work/err"; fail=1
    fi
done

# A role granted none of meshcat's roles: permission denied, not "does not exist".
psql -X -q -c "CREATE ROLE readme_nobody LOGIN PASSWORD 'readme-test'"
as_role readme_nobody -q -v VERBOSITY=verbose -c 'SELECT * FROM meshcat.mesh_products' >/dev/null 2>"$work/err" || true
if grep -q '^ERROR:  42501: permission denied for schema meshcat' "$work/err"; then
    echo "ok a role without meshcat_reader gets permission denied (42501) for meshcat.mesh_products"
else
    echo "FAIL a role without meshcat_reader reading meshcat.mesh_products:"; cat "$work/err"; fail=1
fi
exit $fail
