#!/usr/bin/env bash
# The short fuzz run of `make test`: every libFuzzer target in test/fuzz/ (fuzz_semver,
# fuzz_yaml) for MESHCAT_FUZZ_SECONDS seconds (default 30) each, after replaying the kept
# regression inputs. `make fuzz FUZZ_SECONDS=N` runs long.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/fuzz/run.sh "${MESHCAT_FUZZ_SECONDS:-30}"
