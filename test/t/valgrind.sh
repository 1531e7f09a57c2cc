#!/usr/bin/env bash
# The short valgrind run of `make test`: a few pg_regress files (MESHCAT_VALGRIND_TESTS,
# default "semver security_policy_functions lineage": the semver type, the C call of policy
# checking functions as their approver, and the C lineage walk with its cache) with the server under valgrind memcheck; lineage takes about
# 3 minutes there.
# `make valgrind-check` runs every test.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/valgrind/run.sh ${MESHCAT_VALGRIND_TESTS:-semver security_policy_functions lineage}
