#!/usr/bin/env bash
# Runs pg_regress files against a server under valgrind memcheck: a cluster made here with
# initdb, the postmaster started under valgrind (--trace-children, so every backend is
# checked), as a non-root user (postgres when run as root). Then reads valgrind's logs and
# fails when any error is left unsuppressed (valgrind marks each one); suppressions for
# PostgreSQL's own known reports are in test/valgrind/postgresql.supp. Debian's server is
# not built with USE_VALGRIND, so memcheck sees malloc'd blocks, not palloc chunks: an
# overrun inside a palloc block is not seen (the fuzz targets, with ASan, cover that).
#   bash test/valgrind/run.sh [test ...]     default: every pg_regress file in sql/
# `make valgrind-check` runs all of them; the short run of `make test` (test/t/valgrind.sh)
# runs a few. The server (user postgres when run as root) reads and writes nothing inside
# the checkout, which may be private (0700): its data, the suppressions it reads and the logs
# it writes are in a directory made here; the logs are copied to test/valgrind/out/ at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
bindir=$(pg_config --bindir)
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
    tests=($(ls sql/*.sql | grep -v 'sql/meshcat--' | xargs -n1 basename | sed 's/\.sql$//'))
fi
command -v valgrind >/dev/null || MESHCAT_EXTRA_PACKAGES=valgrind bash test/deps.sh

as_user=()
if [ "$(id -u)" -eq 0 ]; then as_user=(runuser -u postgres --); fi
keep=$PWD/test/valgrind/out
rm -rf "$keep"; mkdir -p "$keep"
base=$(mktemp -d /tmp/meshcat-valgrind.XXXXXX)
out=$base/out
mkdir "$out"
cp test/valgrind/postgresql.supp "$base/postgresql.supp"
chmod 755 "$base" "$out"; [ ${#as_user[@]} -eq 0 ] || chown postgres "$base" "$out"
port=$((20000 + RANDOM % 10000))
pid=
cleanup() {
    if [ -n "$pid" ]; then cd "$base" && "${as_user[@]}" "$bindir/pg_ctl" -D "$base/data" -m fast -w -t 300 stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true; fi
    cp "$out"/*.log "$keep"/ 2>/dev/null || true
    rm -rf "$base"
}
trap cleanup EXIT

# The server's programs start in $base: a private checkout is no directory they may enter.
( cd "$base" && "${as_user[@]}" "$bindir/initdb" -D "$base/data" -A trust -U postgres --no-sync >/dev/null )
( cd "$base" && exec "${as_user[@]}" valgrind --quiet --trace-children=yes --track-origins=yes --read-var-info=no \
    --leak-check=no --num-callers=40 --error-limit=no --error-markers=VGERR-BEGIN,VGERR-END \
    --suppressions="$base/postgresql.supp" \
    --log-file="$out/valgrind.%p.log" \
    "$bindir/postgres" -D "$base/data" -k "$base" -p "$port" -c listen_addresses= \
    -c max_connections=20 -c fsync=off -c autovacuum=off -c log_min_messages=warning \
    >"$out/postmaster.log" 2>&1 ) &
pid=$!
for _ in $(seq 1 240); do
    "$bindir/pg_isready" -q -h "$base" -p "$port" && break
    sleep 1
done
"$bindir/pg_isready" -q -h "$base" -p "$port" || { echo "FAIL the server did not start under valgrind"; tail "$out/postmaster.log"; exit 1; }

echo "valgrind: running ${tests[*]}"
rc=0
PGHOST=$base PGPORT=$port PGUSER=postgres make -s installcheck REGRESS="${tests[*]}" ISOLATION= \
    EXTRA_REGRESS_OPTS="--dbname=contrib_regression" >"$out/regress.log" 2>&1 || rc=$?
grep -E '^(ok|not ok|test) |\.\.\. ' "$out/regress.log" || true
( cd "$base" && "${as_user[@]}" "$bindir/pg_ctl" -D "$base/data" -m fast -w -t 300 stop >/dev/null 2>&1 ) || true
wait "$pid" 2>/dev/null || true
pid=

fail=0
[ "$rc" -eq 0 ] || { echo "FAIL the regression tests failed under valgrind"; cat regression.diffs 2>/dev/null | head -40; fail=1; }
# valgrind brackets every error it reports, whatever its kind, with the markers: counting
# them needs no list of error messages.
errors=$(cat "$out"/valgrind.*.log | grep -c 'VGERR-BEGIN' || true)
echo "valgrind: $(ls "$out"/valgrind.*.log | wc -l) processes checked, $errors unsuppressed errors"
if [ "$errors" -gt 0 ]; then
    echo "FAIL valgrind reported errors:"
    sed -n '/VGERR-BEGIN/,/VGERR-END/p' "$out"/valgrind.*.log | head -80
    fail=1
else
    echo "ok valgrind memcheck clean"
fi
exit $fail
