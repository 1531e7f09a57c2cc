#!/usr/bin/env bash
# The meshcat command (docs/cli.md), as `make install` installs it, on a throwaway cluster:
# validate lists every problem of a directory with file, document, line and path, exits 1
# and writes nothing; register is one transaction over all its files; diff and lineage print
# what the functions return; a file's text reaches the server unchanged (quotes, backslashes,
# :'x'); usage errors exit 2, refusals 1, connection and missing-function errors 3, with the
# server's ERROR, DETAIL and HINT and no psql noise; every command has --help; install-cli
# puts it on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" != inner ]; then exec pg_virtualenv -t bash "$0" inner; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
MESHCAT=$(pg_config --bindir)/meshcat
[ -x "$MESHCAT" ] || { echo "FAIL $MESHCAT is not installed (make install)"; exit 1; }
export PGDATABASE=cli
fail=0
ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; fail=1; }

# mc ARGS...: runs meshcat; its stdout in $work/out, stderr in $work/err, status in $rc.
mc() { rc=0; "$MESHCAT" "$@" >"$work/out" 2>"$work/err" || rc=$?; }
expect_rc() {   # expect_rc N WHAT
    if [ "$rc" -eq "$1" ]; then ok "$2 (exit $rc)"; else bad "$2: exit $rc, not $1"; sed 's/^/    /' "$work/out" "$work/err"; fi
}
# The output is exactly what follows on stdin.
expect_out() {   # expect_out FILE WHAT
    if diff -u - "$1" >"$work/diff"; then ok "$2"; else bad "$2 (- wanted, + got)"; cat "$work/diff"; fi
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
CREATE DATABASE cli;
CREATE DATABASE cli_without;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
CREATE ROLE shop_team NOLOGIN;
SQL
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION meshcat CASCADE'

# --- help, version, usage errors -------------------------------------------------------------
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" meshcat.control)
mc --version
[ "$rc" -eq 0 ] && [ "$(cat "$work/out")" = "meshcat $version" ] && ok "--version prints meshcat $version" || bad "--version: $(cat "$work/out" "$work/err")"
mc --help
[ "$rc" -eq 0 ] && grep -q '^Usage: meshcat \[CONNECTION\] COMMAND' "$work/out" && grep -q '^Exit status: 0 ok; 1 problems' "$work/out" &&
    ok "--help prints the usage and the exit statuses" || bad "--help: $(cat "$work/out" "$work/err")"
for cmd in validate register export diff lineage; do
    for form in "help $cmd" "$cmd --help"; do
        # shellcheck disable=SC2086
        mc $form
        if [ "$rc" -eq 0 ] && [ "$(head -n 1 "$work/out")" = "$(grep -m1 "^Usage: meshcat $cmd" "$work/out")" ] && grep -q '^Exit status:' "$work/out"; then
            ok "meshcat $form prints the usage of $cmd and its exit statuses"
        else
            bad "meshcat $form: exit $rc"; cat "$work/out" "$work/err"
        fi
    done
done

mkdir "$work/empty"
usage_error() {   # usage_error MESSAGE-PATTERN ARGS...
    local pattern=$1; shift
    mc "$@"
    if [ "$rc" -eq 2 ] && grep -q -- "$pattern" "$work/err" && [ ! -s "$work/out" ]; then
        ok "usage error exits 2: meshcat $*"
    else
        bad "meshcat $*: exit $rc, not 2 with '$pattern'"; cat "$work/out" "$work/err"
    fi
}
usage_error 'Usage: meshcat'
usage_error 'unknown command frobnicate' frobnicate
usage_error 'unknown option --bogus' --bogus validate x
usage_error 'validate needs at least one FILE or DIR' validate
usage_error 'no such file or directory: /nonexistent.yaml' validate /nonexistent.yaml
usage_error 'holds no .yaml, .yml or .json file' register "$work/empty"
usage_error 'unknown option --dry-run for register' register --dry-run "$work/empty"
usage_error 'export takes one product id' export
usage_error '--format must be odcs, odps or meshcat, not xml' export sales.orders --format xml
usage_error 'option --version needs a value' export sales.orders --version
usage_error 'diff takes a product id and two versions' diff sales.orders 1.0.0
usage_error '--dot and --mermaid exclude each other' lineage sales.orders --dot --mermaid
usage_error '--depth must be a positive whole number, not x' lineage sales.orders --depth x
usage_error '--direction must be upstream, downstream or both, not up' lineage sales.orders --direction up
usage_error 'unknown command nothing' help nothing

# --- connection and server errors: exit 3, the server's lines only --------------------------
mc -d nosuchdb diff x 1.0.0 2.0.0
[ "$rc" -eq 3 ] && grep -q '^meshcat: connection to server .*database "nosuchdb" does not exist' "$work/err" && ! grep -q '^psql' "$work/err" &&
    ok "a database that does not exist: exit 3, psql's message as meshcat's" || { bad "-d nosuchdb: exit $rc"; cat "$work/err"; }
mc -d cli_without lineage x
expect_rc 3 "a database without meshcat"
expect_out "$work/err" "it says meshcat is not installed there, with a HINT" <<'EOF'
ERROR:  meshcat is not installed in database "cli_without"
HINT:  Connect to the database that has it (-d DBNAME), or run CREATE EXTENSION meshcat there.
EOF

# --- validate: every problem of a directory, nothing written ---------------------------------
mkdir -p "$work/good" "$work/mixed/sub"
cat >"$work/good/domain.yaml" <<'EOF'
apiVersion: meshcat/v1
kind: Domain
name: shop
owner: shop_team
EOF
cp "$work/good/domain.yaml" "$work/mixed/a_domain.yaml"
cat >"$work/mixed/b_products.yml" <<'EOF'
# two products: a typo in the first, an unknown input in the second
apiVersion: meshcat/v1
kind: DataProduct
id: shop.orders
name: Orders
version: 1.0.0
descripton: a typo
---
apiVersion: meshcat/v1
kind: DataProduct
id: shop.returns
name: Returns
version: 1.0.0
inputs: [{product: shop.nothing}]
EOF
cat >"$work/mixed/sub/c.json" <<'EOF'
{"apiVersion": "meshcat/v1", "kind": "Dataproduct", "id": "shop.c", "name": "C", "version": "1.0.0"}
EOF
echo 'not a descriptor: it is neither .yaml, .yml nor .json' >"$work/mixed/notes.txt"

mc validate "$work/good/domain.yaml"
expect_rc 0 "validate of a good file"
[ ! -s "$work/out" ] && grep -q '^meshcat: 1 file(s), no problem$' "$work/err" && ok "it prints nothing but a summary on stderr" || bad "validate good: $(cat "$work/out" "$work/err")"

snapshot() { psql -X -At -c "SELECT (SELECT count(*) FROM meshcat.domain), (SELECT count(*) FROM meshcat.product_version), (SELECT count(*) FROM meshcat.mesh_audit), (SELECT count(*) FROM meshcat.mesh_events)"; }
before=$(snapshot)
mc validate "$work/mixed"
expect_rc 1 "validate of a directory with bad files"
sed "s|$work/||" "$work/out" >"$work/got"; expect_out "$work/got" "every problem, with file, line, document and path, counted in its file" <<'EOF'
mixed/b_products.yml:2: document 1, $.descripton [22023]
    invalid descriptor: document 1 (line 2), $.descripton: unknown key; did you mean "description"?
    HINT:  The format is described in docs/descriptor.md and by mesh_descriptor_schema().
mixed/b_products.yml:8: document 2, $.inputs[0].product [23503]
    unknown reference: document 2 (line 8), $.inputs[0].product: data product "shop.nothing" does not exist
    HINT:  Register the product it consumes first, or in the same stream; an external dataset is a "source".
mixed/sub/c.json:1: document 1, $ [22023]
    invalid descriptor: document 1 (line 1), $.kind: unknown kind "Dataproduct"
    HINT:  The kinds are Domain, DataProduct, Policy and GlossaryTerm.
EOF
grep -q '^meshcat: 3 problem(s) in 3 file(s)$' "$work/err" && ok "validate sums up on stderr" || bad "validate summary: $(cat "$work/err")"
mc validate --csv "$work/mixed"
expect_rc 1 "validate --csv"
sed -n -e "s|$work/||" -e 1,2p "$work/out" >"$work/got"; expect_out "$work/got" "--csv prints file, document, line, path, sqlstate, problem" <<'EOF'
file,document,line,path,sqlstate,problem
mixed/b_products.yml,1,2,$.descripton,22023,"invalid descriptor: document 1 (line 2), $.descripton: unknown key; did you mean ""description""?
EOF
[ "$(snapshot)" = "$before" ] && [ "$(psql -X -At -c "SELECT count(*) FROM meshcat.domain WHERE name = 'shop'")" = 0 ] &&
    ok "validate wrote nothing (domains, versions, audit, events: $before)" || bad "validate wrote: $before -> $(snapshot)"

printf 'apiVersion: meshcat/v1\nkind: Domain\nname: [shop\n' >"$work/syntax.yaml"
mc validate "$work/good/domain.yaml" "$work/syntax.yaml"
expect_rc 1 "validate of a file that is not YAML"
sed "s|$work/||" "$work/out" >"$work/got"; expect_out "$work/got" "the parser's problem is in that file, at its own lines" <<'EOF'
syntax.yaml:4: [22P02]
    invalid YAML: did not find expected ',' or ']'
    DETAIL:  At line 4, column 1, while parsing a flow sequence that starts at line 3, column 7.
    HINT:  Close the list opened with "[" with "]", and separate its items with commas.
EOF

# --- register: one transaction over all files -------------------------------------------------
mc register "$work/mixed/a_domain.yaml" "$work/mixed/b_products.yml"
expect_rc 1 "register of a good file and a bad one"
expect_out "$work/err" "the server's ERROR and HINT, where the document is, and that nothing was registered" <<EOF
ERROR:  invalid descriptor: document 2 (line 5), \$.descripton: unknown key; did you mean "description"?
HINT:  The format is described in docs/descriptor.md and by mesh_descriptor_schema().
meshcat: document 2 of the stream (line 5) is in $work/mixed/b_products.yml, at line 2
meshcat: nothing was registered
EOF
[ "$(snapshot)" = "$before" ] && [ "$(psql -X -At -c "SELECT count(*) FROM meshcat.domain WHERE name = 'shop'")" = 0 ] &&
    ok "the first file's domain was not registered either" || bad "register left rows: $before -> $(snapshot)"

mc register test/data/example_mesh
expect_rc 0 "register of the example mesh directory"
{ sed -n 1,3p "$work/out"; grep -c '| created$' "$work/out"; } >"$work/got"; expect_out "$work/got" "one row per document, with its file" <<'EOF'
                   file                   |    kind     |               id               | version | action  
------------------------------------------+-------------+--------------------------------+---------+---------
 test/data/example_mesh/00_domains.yaml   | Domain      | commerce                       |         | created
20
EOF
mc register test/data/example_mesh
[ "$rc" -eq 0 ] && [ "$(grep -c '| unchanged$' "$work/out")" = 20 ] && ok "registering it again changes nothing" || bad "register again: exit $rc"

# --- a file's text reaches the server unchanged (quotes, backslashes, psql syntax, UTF-8) ---
cat >"$work/quotes.yaml" <<'EOF'
apiVersion: meshcat/v1
kind: Domain
name: quotes
owner: shop_team
description: |-
  it's "quoted" \ back\slash \\ two :'x' :"y" :z $$ $q$ `echo no` \set x 1 \\ ';
  -- not a comment; DROP TABLE meshcat.domain; café ✓
EOF
want=$(sed -n '6,7s/^  //p' "$work/quotes.yaml")
mc validate "$work/quotes.yaml"
expect_rc 0 "validate of a file with quotes, backslashes and psql variables"
mc register "$work/quotes.yaml"
expect_rc 0 "register of it"
got=$(psql -X -At -c "SELECT description FROM meshcat.domain WHERE name = 'quotes'")
[ "$got" = "$want" ] && ok "its description arrived unchanged" || { bad "the description changed"; diff <(echo "$want") <(echo "$got"); }

# --- diff and lineage -----------------------------------------------------------------------
mc diff sales.orders 1.2.0 1.3.0
expect_rc 0 "diff of two versions"
expect_out "$work/out" "diff prints mesh_diff's rows" <<'EOF'
       change        |             path              | severity 
---------------------+-------------------------------+----------
 description_changed | description                   | info
 field_added         | outputs.orders.fields.channel | info

EOF
mc diff sales.orders 1.2.0 9.0.0
expect_rc 1 "diff of a version that does not exist is refused"
expect_out "$work/err" "with the server's ERROR and HINT only (no LOCATION, CONTEXT or psql prefix)" <<'EOF'
ERROR:  version 9.0.0 of data product "sales.orders" does not exist
HINT:  SELECT version FROM mesh_versions WHERE product_id = ... lists its versions.
EOF
mc diff sales.orders 1.2.0 not-a-version
expect_rc 1 "diff of a malformed version is refused"

mc lineage customer.customer_360 --depth 1
expect_rc 0 "lineage --depth 1 as a table"
grep -q '^NOTICE:  mesh_upstream: the lineage of "customer.customer_360" goes beyond max_depth 1$' "$work/err" &&
    ok "the server's NOTICE that the depth cut it short is shown" || bad "lineage notice: $(cat "$work/err")"
expect_out "$work/out" "upstream then downstream, each with depth and path" <<'EOF'
 direction  |          id           |  kind   | depth |                      path                      
------------+-----------------------+---------+-------+------------------------------------------------
 upstream   | customer.customers    | product |     1 | customer.customer_360 -> customer.customers
 upstream   | sales.orders          | product |     1 | customer.customer_360 -> sales.orders
 upstream   | sales.payments        | product |     1 | customer.customer_360 -> sales.payments
 downstream | marketing.attribution | product |     1 | customer.customer_360 -> marketing.attribution
 downstream | marketing.segments    | product |     1 | customer.customer_360 -> marketing.segments

EOF
for pic in dot mermaid; do
    mc lineage sales.orders --$pic
    psql -X -At -c "SELECT rtrim(meshcat.mesh_lineage_$pic('sales.orders'), E'\\n')" >"$work/want"
    [ "$rc" -eq 0 ] && [ -s "$work/want" ] && cmp -s "$work/want" "$work/out" && ok "lineage --$pic prints mesh_lineage_$pic" ||
        { bad "lineage --$pic: exit $rc"; diff "$work/want" "$work/out"; }
    mc lineage sales.orders --$pic --direction upstream --depth 1
    psql -X -At -c "SELECT rtrim(meshcat.mesh_lineage_$pic('sales.orders', 'upstream', 1), E'\\n')" >"$work/want"
    [ "$rc" -eq 0 ] && cmp -s "$work/want" "$work/out" && ok "lineage --$pic --direction upstream --depth 1" ||
        { bad "lineage --$pic --direction --depth: exit $rc"; diff "$work/want" "$work/out"; }
done
[ "$(sed -n 1p "$work/out")" = 'flowchart LR' ] && ok "--mermaid starts a flowchart" || bad "--mermaid: $(head -n 1 "$work/out")"
mc lineage nowhere.nothing
expect_rc 1 "lineage of an unknown product is refused"
grep -q '^ERROR:  unknown lineage node: "nowhere.nothing"' "$work/err" && grep -q '^HINT:  ' "$work/err" && ! grep -qE '^(LOCATION|CONTEXT|psql)' "$work/err" &&
    ok "with its ERROR and HINT" || bad "lineage unknown: $(cat "$work/err")"

# --- export ------------------------------------------------------------------------------
for format in meshcat odcs; do
    mc export sales.orders --version 1.3.0 --format $format
    psql -X -At -c "SELECT rtrim(meshcat.mesh_export('sales.orders', '1.3.0', '$format'), E'\n')" >"$work/want"
    [ "$rc" -eq 0 ] && [ -s "$work/out" ] && cmp -s "$work/want" "$work/out" && ok "export --format $format prints mesh_export" ||
        { bad "export --format $format: exit $rc"; cat "$work/err"; diff "$work/want" "$work/out"; }
done
mc export sales.orders
expect_rc 0 "export of the current version"
mc export nowhere.nothing
expect_rc 1 "export of an unknown product is refused"

# --- install-cli: on PATH from $(PREFIX)/bin -------------------------------------------------
prefix=$work/prefix
make -s install-cli PREFIX="$prefix" >"$work/make.log" 2>&1 || { bad "make install-cli failed"; cat "$work/make.log"; }
if [ -L "$prefix/bin/meshcat" ] && [ "$(PATH="$prefix/bin:/usr/bin:/bin" command -v meshcat)" = "$prefix/bin/meshcat" ] &&
   [ "$(PATH="$prefix/bin:/usr/bin:/bin" meshcat --version)" = "meshcat $version" ] &&
   PATH="$prefix/bin:/usr/bin:/bin" meshcat validate "$work/good/domain.yaml" 2>/dev/null; then
    ok "make install-cli PREFIX=... links meshcat into PREFIX/bin, which runs from PATH (and finds its psql)"
else
    bad "meshcat from PREFIX/bin: $(ls -l "$prefix/bin" 2>&1)"
fi
make -s uninstall-cli PREFIX="$prefix" >/dev/null 2>&1 && [ ! -e "$prefix/bin/meshcat" ] && ok "make uninstall-cli removes the link" || bad "uninstall-cli left $prefix/bin/meshcat"

exit $fail
