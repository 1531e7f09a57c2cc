#!/usr/bin/env bash
# fragment_order.sh: the install fragments (sql/install/NN_*.sql, concatenated in name order)
# are in dependency order: a fragment only uses what it or an earlier fragment defines
# (DESIGN.md section 1). For each fragment it lists the names it defines (CREATE FUNCTION,
# AGGREGATE, VIEW, TABLE and its serial columns' sequences, TYPE, DOMAIN, OPERATOR CLASS or
# FAMILY @extschema@.NAME or meshcat_internal.NAME) and the names it uses: every such NAME outside comments
# (calls, types, tables, trigger functions), and unqualified calls NAME( of the extension's
# functions (bodies whose search_path holds the extension's schema). It fails naming the
# fragment, the name and the later fragment that defines it. Needs no database: bash and awk.
# Usage: bash test/t/fragment_order.sh [directory of fragments, default sql/install]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-sql/install}
fragments=("$dir"/[0-9][0-9]_*.sql)
[ -e "${fragments[0]}" ] || { echo "fragment_order: no fragments in $dir"; exit 1; }

# Each fragment is read twice: the first pass collects definitions, the second checks uses.
awk -v nfrag="${#fragments[@]}" '
function base(f) { sub(/.*\//, "", f); return f }
# The line without its comment: from the first "--" outside a string literal.
function code(s,    i, c, q) {
    q = 0
    for (i = 1; i < length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\047") q = !q
        else if (!q && substr(s, i, 2) == "--") return substr(s, 1, i - 1)
    }
    return s
}
function define(name, kind) {
    if (!(name in first)) first[name] = frag
    if (kind == "function" && !(name in unqualified_ok)) fn[name] = 1
    defs[frag] = defs[frag] " " name
}
FNR == 1 { file++; frag = (file - 1) % nfrag + 1; pass = file <= nfrag ? 1 : 2; name_of[frag] = base(FILENAME); intable = "" }
{ line = code($0) }
pass == 1 {
    if (match(line, /CREATE (OR REPLACE )?(FUNCTION|PROCEDURE|AGGREGATE) (@extschema@|meshcat_internal)\.[a-z_][a-z0-9_]*/)) {
        s = substr(line, RSTART, RLENGTH); sub(/.*\./, "", s); define(s, "function")
    } else if (match(line, /CREATE (OR REPLACE )?(MATERIALIZED VIEW|VIEW|TABLE|TYPE|DOMAIN|SEQUENCE|OPERATOR CLASS|OPERATOR FAMILY) (@extschema@|meshcat_internal)\.[a-z_][a-z0-9_]*/)) {
        s = substr(line, RSTART, RLENGTH); sub(/.*\./, "", s); define(s, "relation")
        if (line ~ /CREATE TABLE/) intable = s
    } else if (intable != "" && match(line, /^[[:space:]]+[a-z_][a-z0-9_]*[[:space:]]+(big|small)?serial/)) {
        s = substr(line, RSTART, RLENGTH); sub(/^[[:space:]]+/, "", s); sub(/[[:space:]].*/, "", s)
        define(intable "_" s "_seq", "sequence")
    }
    if (line ~ /^\);/) intable = ""
    next
}
{
    # Uses: qualified names ...
    rest = line
    while (match(rest, /(@extschema@|meshcat_internal)\.[a-z_][a-z0-9_]*/)) {
        s = substr(rest, RSTART, RLENGTH); q = s; sub(/.*\./, "", s); use(s, q)
        rest = substr(rest, RSTART + RLENGTH)
    }
    # ... and unqualified calls of the extension functions (outside string literals).
    rest = line; gsub(/\047[^\047]*\047/, "\047\047", rest)
    while (match(rest, /(^|[^a-z0-9_.@$])[a-z_][a-z0-9_]*\(/)) {
        s = substr(rest, RSTART, RLENGTH - 1); sub(/^[^a-z_]/, "", s)
        if (s in fn) use(s, s "() (unqualified)")
        rest = substr(rest, RSTART + RLENGTH)
    }
}
function use(name, shown) {
    if (name in first && first[name] < frag && !((frag, first[name]) in used)) {
        used[frag, first[name]] = 1; uses[frag] = uses[frag] " " name_of[first[name]] "(" name ")"
    }
    if (!(name in first) || first[name] <= frag) return
    key = frag SUBSEP name
    if (key in told) return
    told[key] = 1
    printf "fragment_order: %s uses %s, defined only in a later fragment, %s\n", name_of[frag], shown, name_of[first[name]]
    bad++
}
BEGIN {
    # Names the extension defines that pg_catalog also has (semver aggregates): an unqualified
    # min( or max( is pg_catalog'"'"'s unless its argument is a semver, so they are not checked.
    unqualified_ok["min"] = 1; unqualified_ok["max"] = 1
}
END {
    if (ENVIRON["FRAGMENT_ORDER_LIST"] != "")
        for (i = 1; i <= nfrag; i++) printf "%s defines:%s\n%s uses:%s\n", name_of[i], defs[i], name_of[i], uses[i]
    if (bad) { printf "fragment_order: %d use(s) of a name before the fragment that defines it\n", bad; exit 1 }
    printf "fragment_order: %d fragments, every name used is defined in the same or an earlier fragment\n", nfrag
}
' "${fragments[@]}" "${fragments[@]}"
