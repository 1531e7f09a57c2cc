#!/usr/bin/env bash
# Installs what building and testing meshcat needs, when it is missing, on Debian or Ubuntu:
# a PostgreSQL server and its headers (PGXS), libyaml, pkg-config and a C toolchain.
# Extra packages can be asked for with MESHCAT_EXTRA_PACKAGES="pkg1 pkg2".
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "deps: need root (or sudo) to run: $*" >&2; exit 1
    fi
}

# The PostgreSQL major: the one pg_config names, else Debian's default.
pg_major() {
    local cfg=${PG_CONFIG:-pg_config}
    if command -v "$cfg" >/dev/null 2>&1; then
        "$cfg" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/'
    fi
}

missing=()
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || missing+=("$1"); }

if ! command -v apt-get >/dev/null; then
    echo "deps: not a Debian-like system; install PostgreSQL server headers and libyaml yourself" >&2
    exit 0
fi

major=$(pg_major || true)
if [ -z "$major" ]; then
    need postgresql
    need postgresql-common
fi
for p in make gcc pkg-config libyaml-dev postgresql-common ${MESHCAT_EXTRA_PACKAGES:-}; do need "$p"; done
if [ -n "$major" ]; then
    need "postgresql-$major"
    need "postgresql-server-dev-$major"
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# First install: PostgreSQL came with this run, so its headers come now.
if [ -z "$major" ]; then
    major=$(pg_major)
    missing=()
    need "postgresql-server-dev-$major"
    if [ ${#missing[@]} -gt 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-server-dev-$major" >/dev/null
    fi
fi
