#!/usr/bin/env bash
# The short valgrind run of `make test`: a few pg_regress files (MESHCAT_VALGRIND_TESTS,
# default "semver restore_signal") with the server under valgrind memcheck.
# `make valgrind-check` runs every test.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/valgrind/run.sh ${MESHCAT_VALGRIND_TESTS:-semver restore_signal}
