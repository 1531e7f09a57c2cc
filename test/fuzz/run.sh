#!/usr/bin/env bash
# `make fuzz [FUZZ_SECONDS=N]`: builds the libFuzzer targets in test/fuzz/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, outside the server, and runs each for
# N seconds (default 60), seeded from test/data and from the regression cases kept in
# test/fuzz/regress/<target>/ (every input that once crashed a target stays there and is
# replayed first). A crash fails the run and leaves its input in test/fuzz/build/.
# FUZZ_TARGETS="fuzz_yaml" runs only the targets named.
#
# Targets:
#   fuzz_semver   the semver core (src/semver.c, -DSEMVER_STANDALONE): parse, compare, ranges
#   fuzz_yaml     the YAML <-> jsonb layer: src/yaml_parse.c and src/yaml_emit.c unchanged,
#                 called through mesh_yaml_documents, mesh_yaml_to_jsonb and mesh_jsonb_to_yaml
#                 on a stand-in for the backend functions they call (test/fuzz/pg_standin.c:
#                 memory contexts, ereport via siglongjmp, dynahash, numeric, jsonb iteration),
#                 with asserts on. Checks: no crash, leak or elog(); errors carry an SQLSTATE;
#                 well-formed jsonb within the limits; the two readers agree; parse -> emit ->
#                 parse gives the same bytes; the same with the smallest limits and with a
#                 failed allocation or a cancel injected. Seeded from test/data/**/*.yaml and
#                 test/fuzz/seeds/fuzz_yaml/, with the dictionary test/fuzz/yaml.dict.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# clang and its sanitizer and libFuzzer runtimes, from Debian.
if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    MESHCAT_EXTRA_PACKAGES="clang libclang-rt-14-dev" bash test/deps.sh
fi

out=test/fuzz/build
mkdir -p "$out"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc)

clang "${flags[@]}" -DSEMVER_STANDALONE -o "$out/fuzz_semver" test/fuzz/fuzz_semver.c src/semver.c

# fuzz_yaml: the server's headers, warnings as errors, asserts on. The stand-in is built
# without coverage instrumentation, so the fuzzer's feedback comes from the YAML code.
yflags=(-DUSE_ASSERT_CHECKING -I"$(pg_config --includedir-server)" -Itest/fuzz $(pkg-config --cflags yaml-0.1)
        -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
        -Wno-ignored-attributes)   # PostgreSQL's headers name gcc's gnu_printf format
clang -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -Isrc "${yflags[@]}" \
    -c -o "$out/pg_standin.o" test/fuzz/pg_standin.c
clang "${flags[@]}" "${yflags[@]}" -o "$out/fuzz_yaml" test/fuzz/fuzz_yaml.c src/yaml_parse.c src/yaml_emit.c \
    "$out/pg_standin.o" -L"$(pg_config --pkglibdir)" -lpgcommon_shlib -lpgport_shlib $(pkg-config --libs yaml-0.1)

# Seeds of fuzz_yaml: the YAML fixtures, and small files for anchors, merges, tags, styles.
seeds=$out/seeds_yaml
rm -rf "$seeds"; mkdir -p "$seeds"
shopt -s globstar nullglob
for f in test/data/**/*.yaml test/data/yaml/* test/fuzz/seeds/fuzz_yaml/*; do cp "$f" "$seeds/${f//\//_}"; done
shopt -u globstar nullglob

# Seeds of fuzz_semver: every line of the semver fixtures, and each version joined to each
# range by a NUL.
seeds=$out/seeds_semver
rm -rf "$seeds"; mkdir -p "$seeds"
n=0
while IFS= read -r line; do printf '%s' "$line" >"$seeds/line$((n++))"; done < <(cat test/data/semver/*.txt)
while IFS= read -r v; do
    while IFS= read -r r; do printf '%s\0%s' "$v" "$r" >"$seeds/pair$((n++))"; done < <(head -20 test/data/semver/ranges-valid.txt)
done < <(head -10 test/data/semver/versions-valid.txt)

fail=0
for target in ${FUZZ_TARGETS:-fuzz_semver fuzz_yaml}; do
    regress=test/fuzz/regress/$target
    corpus=$out/corpus_$target
    seeds=$out/seeds_${target#fuzz_}
    opts=()
    if [ "$target" = fuzz_yaml ]; then opts=(-dict=test/fuzz/yaml.dict); fi
    mkdir -p "$corpus" "$regress"
    # Every kept crash input first: each must run clean now.
    if [ -n "$(ls "$regress")" ]; then
        "$out/$target" -runs=0 "$regress" >"$out/$target.regress.log" 2>&1 || { echo "FAIL $target: a kept regression input crashes"; tail -30 "$out/$target.regress.log"; fail=1; continue; }
    fi
    echo "$target: fuzzing for $seconds s"
    if "$out/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 "${opts[@]}" \
        -artifact_prefix="$out/$target-" -print_final_stats=1 "$corpus" "$seeds" >"$out/$target.log" 2>&1; then
        echo "ok $target: $(grep -E 'stat::number_of_executed_units' "$out/$target.log" | awk '{print $2}') runs, no crash"
    else
        echo "FAIL $target: crash; input kept as $(ls "$out/$target"-* 2>/dev/null | head -1); copy it to $regress/ once fixed"
        grep -E 'ERROR|runtime error|SUMMARY' "$out/$target.log" | head -10
        fail=1
    fi
done
exit $fail
