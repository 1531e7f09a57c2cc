#!/usr/bin/env bash
# Prints the shipped policy packs as SQL rows for the install script (the Makefile splices
# them in where sql/install/61_policy_packs.sql says @POLICY_PACKS@): one row per directory
# policies/<pack>/, its *.yaml files in name order as one stream of documents.
set -euo pipefail
cd "$(dirname "$0")"
sep=
for dir in */; do
    pack=${dir%/}
    [[ $pack =~ ^[a-z][a-z0-9_-]*$ ]] || { echo "policies/$pack: a pack's name is lower-case letters, digits, _ and -" >&2; exit 1; }
    if grep -l -F '$pack$' "$pack"/*.yaml >&2; then echo "policies/$pack: a document may not contain \$pack\$" >&2; exit 1; fi
    printf "%s('%s', \$pack\$" "$sep" "$pack"
    for f in "$pack"/*.yaml; do printf -- '---\n'; cat "$f"; done
    printf '$pack$)\n'
    sep=', '
done
