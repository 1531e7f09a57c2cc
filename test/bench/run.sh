#!/usr/bin/env bash
# `make bench`: build and install meshcat, then run every benchmark under test/bench/
# (each prints ratios against a baseline measured in the same run). Long: minutes each.
set -euo pipefail
cd "$(dirname "$0")/../.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
make -s
as_root make -s install >/dev/null
for b in test/bench/*_bench.sh; do
    echo "== $b"
    bash "$b"
done
