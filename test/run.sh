#!/usr/bin/env bash
# The whole test suite, as `make test` runs it: a strict build (warnings are errors), an
# install, pg_regress files and isolation specs against a throwaway cluster made by
# pg_virtualenv (which works as root too), then every test/t/*.sh script (each starts
# what it needs itself). Ends with one line "N passed, N failed", counting test files.
set -uo pipefail
cd "$(dirname "$0")/.."

# Runs on one machine share its PostgreSQL install directory: they take turns.
if [ -z "${MESHCAT_INSTALL_LOCKED:-}" ] && command -v flock >/dev/null; then
    exec env MESHCAT_INSTALL_LOCKED=1 flock /tmp/meshcat-install.lock bash "$0" "$@"
fi

# The strict flags have one home, the Makefile.
STRICT_CFLAGS=$(make -s print-strict-cflags)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT

make -s clean >/dev/null
if ! make -s PG_CFLAGS="$STRICT_CFLAGS" all || ! as_root make -s install >/dev/null; then
    echo "build or install failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# pg_regress and isolation share one throwaway cluster.
pg_virtualenv -t bash -c 'make -s installcheck || { cat regression.diffs output_iso/regression.diffs 2>/dev/null; exit 1; }' 2>&1 | tee "$log"
server_rc=${PIPESTATUS[0]}

passed=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' "$log")
failed=$(grep -cE '\.\.\. FAILED|^not ok [0-9]+ ' "$log")
if [ "$server_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

for t in test/t/*.sh; do
    [ -e "$t" ] || continue
    echo "== $t"
    if bash "$t"; then passed=$((passed + 1)); echo "== $t: ok"; else failed=$((failed + 1)); echo "== $t: FAILED"; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
