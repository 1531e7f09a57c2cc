#!/usr/bin/env bash
# A bounded sqlsmith run (Debian package sqlsmith, installed when missing) against a
# database holding meshcat and the example mesh: MESHCAT_SQLSMITH_QUERIES random queries
# (default 2000; long on demand, e.g. 100000). Query errors are expected; a server crash is
# not: the test fails if the server log shows a backend terminated by a signal or a
# PANIC, or if the server does not answer afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v sqlsmith >/dev/null; then MESHCAT_EXTRA_PACKAGES=sqlsmith bash test/deps.sh; fi
if [ "${1:-}" != inner ]; then exec pg_virtualenv -t bash "$0" inner; fi

queries=${MESHCAT_SQLSMITH_QUERIES:-2000}
mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
createdb smith
psql -X -q -v ON_ERROR_STOP=1 -d smith -v mesh="$mesh" <<'SQL'
SET client_min_messages = warning;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SELECT count(*) FROM meshcat.mesh_register(:'mesh') \g /dev/null
ALTER DATABASE smith SET search_path = meshcat, public;
ALTER DATABASE smith SET statement_timeout = '2s';
SQL

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
conn="host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=smith user=${PGUSER:-postgres}${PGPASSWORD:+ password=$PGPASSWORD}"
echo "sqlsmith: $queries queries"
rc=0
timeout 900 sqlsmith --target="$conn" --max-queries="$queries" --seed=42 --verbose >"$work/out" 2>"$work/err" || rc=$?
# sqlsmith prints its progress now and then ("queries: N ..."); the last count must be close
# to the queries asked for, or it did not really run.
ran=$(tr '\r' '\n' <"$work/err" | sed -n 's/^queries: \([0-9]*\).*/\1/p' | tail -1)

fail=0
if [ -n "$ran" ] && [ "$ran" -ge $((queries * 9 / 10)) ]; then
    echo "ok sqlsmith ran $ran of $queries queries (exit code $rc)"
else
    echo "FAIL sqlsmith ran ${ran:-no} queries of $queries (exit code $rc):"; tail -5 "$work/err"; fail=1
fi
if ! psql -X -At -d smith -c 'SELECT 1' >/dev/null 2>&1; then echo "FAIL the server does not answer"; fail=1; fi
# This cluster's server log (pg_virtualenv keeps it beside its configuration): the
# postmaster logs every backend that dies.
logs=$(ls "${PG_CLUSTER_CONF_ROOT%/postgresql}"/log/*.log)
crash=0
for l in $logs; do
    if [ -r "$l" ] && grep -E 'terminated by signal|PANIC|server process .* was terminated' "$l" | head -3 | grep .; then crash=1; fi
done
if [ "$crash" -ne 0 ]; then echo "FAIL a backend crashed (above)"; fail=1; else echo "ok no backend crashed"; fi
exit $fail
