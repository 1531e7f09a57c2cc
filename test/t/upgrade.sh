#!/usr/bin/env bash
# Upgrades reach exactly what a fresh install creates. For every released version frozen in
# sql/updates/meshcat--A.sql: install A, register a mesh, ALTER EXTENSION meshcat UPDATE, and
# require the extension's schema (test/t/lib/schema.sql: every member object and its
# definition, comments, privileges, dumped tables) to equal a fresh install of the current
# version, with every catalog row kept.
#
# Until a release is frozen there is no previous version, so the mechanism is proven with a
# synthetic one: the current script cut before its search fragment ("0.0.0-upgradetest"), and an
# upgrade script that is the rest; both are installed for the test and removed after.
set -euo pipefail
cd "$(dirname "$0")/../.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" meshcat.control)

if [ "${1:-}" = inner ]; then
    old=$2
    psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
    mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    createdb upgraded; createdb fresh
    psql_ -d upgraded -v mesh="$mesh" -v old="$old" <<'SQL'
SET client_min_messages = warning;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
CREATE EXTENSION meshcat VERSION :'old' CASCADE;
SELECT count(*) FROM meshcat.mesh_register(:'mesh') \g /dev/null
SQL
    psql -X -q -d upgraded -f test/t/lib/rows_query.sql >"$work/rows.sql"
    psql -X -At -v ON_ERROR_STOP=1 -d upgraded -f "$work/rows.sql" >"$work/rows.before"
    psql_ -d upgraded -c 'ALTER EXTENSION meshcat UPDATE'
    psql_ -d fresh -c 'CREATE EXTENSION meshcat CASCADE'
    psql -X -At -v ON_ERROR_STOP=1 -d upgraded -f "$work/rows.sql" >"$work/rows.after"
    fail=0
    [ -s "$work/rows.before" ] || { echo "FAIL no catalog table found to compare"; exit 1; }
    v=$(psql -X -At -d upgraded -c "SELECT extversion FROM pg_extension WHERE extname = 'meshcat'")
    if [ "$v" = "$current" ]; then echo "ok $old updated to $v"; else echo "FAIL $old updated to $v, not $current"; fail=1; fi
    psql -X -q -d upgraded -f test/t/lib/schema.sql >"$work/upgraded.schema"
    psql -X -q -d fresh -f test/t/lib/schema.sql >"$work/fresh.schema"
    if diff -u "$work/fresh.schema" "$work/upgraded.schema"; then
        echo "ok $old -> $current: schema equals a fresh install ($(wc -l <"$work/fresh.schema") definition lines)"
    else
        echo "FAIL $old -> $current: the upgraded schema differs from a fresh install (- fresh, + upgraded)"; fail=1
    fi
    if diff -u "$work/rows.before" "$work/rows.after"; then
        echo "ok $old -> $current: every catalog row kept, value for value ($(awk -F'|' '{s+=$2} END {print s}' "$work/rows.after") rows)"
    else
        echo "FAIL $old -> $current: rows changed by the update"; fail=1
    fi
    exit $fail
fi

# Released versions: frozen full scripts in sql/updates/ other than the current version.
olds=()
for f in sql/updates/meshcat--*.sql; do
    [ -e "$f" ] || continue
    v=${f#sql/updates/meshcat--}; v=${v%.sql}
    case $v in *--*) continue ;; esac
    [ "$v" = "$current" ] || olds+=("$v")
done

cleanup=()
if [ ${#olds[@]} -eq 0 ]; then
    old=0.0.0-upgradetest
    script=sql/meshcat--$current.sql
    [ -f "$script" ] || make -s "$script"
    ext=$(pg_config --sharedir)/extension
    cut=$(grep -n '^-- 80_search:' "$script" | cut -d: -f1)
    [ -n "$cut" ] || { echo "FAIL cannot find where to cut $script"; exit 1; }
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"; [ ${#cleanup[@]} -eq 0 ] || as_root rm -f "${cleanup[@]}"' EXIT
    head -n $((cut - 1)) "$script" >"$tmp/meshcat--$old.sql"
    { echo '\echo Use "ALTER EXTENSION meshcat UPDATE" to load this file. \quit'; tail -n +"$cut" "$script"; } >"$tmp/meshcat--$old--$current.sql"
    # Installed the way released scripts will be: put in sql/updates/, installed by the
    # Makefile's DATA rule.
    cleanup=("$ext/meshcat--$old.sql" "$ext/meshcat--$old--$current.sql"
             "sql/updates/meshcat--$old.sql" "sql/updates/meshcat--$old--$current.sql")
    mkdir -p sql/updates
    cp "$tmp/meshcat--$old.sql" "$tmp/meshcat--$old--$current.sql" sql/updates/
    as_root make -s install >/dev/null
    rm -f "sql/updates/meshcat--$old.sql" "sql/updates/meshcat--$old--$current.sql"
    for f in "$ext/meshcat--$old.sql" "$ext/meshcat--$old--$current.sql"; do
        [ -f "$f" ] || { echo "FAIL make install did not install $f from sql/updates/"; exit 1; }
    done
    echo "no released version yet: proving the mechanism with $old (the script up to its search fragment) and an upgrade script (the rest)"
    olds=("$old")
fi

fail=0
for old in "${olds[@]}"; do
    pg_virtualenv -t bash "$0" inner "$old" || fail=1
done
exit $fail
