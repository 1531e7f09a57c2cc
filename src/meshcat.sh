#!/usr/bin/env bash
# meshcat: the command-line client of the meshcat extension (docs/cli.md), a thin wrapper over
# psql. Every command is one psql session: -X (no psqlrc), ON_ERROR_STOP, and file contents
# passed as psql variables (read with \set x `cat :'path'`, quoted with :'x'), never spliced
# into SQL. `make` makes ./meshcat from this file (the version filled in), `make install`
# puts it in PostgreSQL's bindir, `make install-cli` links it into $(PREFIX)/bin.
set -uo pipefail

MESHCAT_VERSION='@EXTVERSION@'
prog=meshcat

# Exit statuses (docs/cli.md#exit-status).
EX_OK=0 EX_PROBLEMS=1 EX_USAGE=2 EX_SERVER=3

usage_main() {
    cat <<'EOF'
meshcat: the data-mesh catalog in PostgreSQL, from the shell.

Usage: meshcat [CONNECTION] COMMAND [ARGS]

Commands:
  validate FILE|DIR...        report every problem of the descriptors; writes nothing
  register FILE|DIR...        register the descriptors, all in one transaction
  export ID [--version V] [--format odcs|odps|meshcat]
                              print a product version as a descriptor
  diff ID V1 V2               the classified changes between two versions of a product
  lineage ID [--dot|--mermaid] [--direction D] [--depth N]
                              what a product derives from and what consumes it
  help [COMMAND]              this text, or a command's

Connection (anywhere before or after the command; otherwise PGHOST, PGPORT, PGDATABASE,
PGUSER, PGPASSWORD, PGSERVICE, ... as for psql):
  -d, --dbname DBNAME|CONNSTR   database name or connection string (postgresql://...)
  -h, --host HOST               -p, --port PORT               -U, --username USER

Other options:
  --help                        help (with a command: that command's help)
  --version                     the version of this command

A DIR stands for every *.yaml, *.yml and *.json file under it, in sorted order.
Exit status: 0 ok; 1 problems found, or the server refused the request; 2 usage error;
3 no connection, meshcat or the function missing, or another server error.
Documentation: docs/cli.md.
EOF
}

usage_validate() {
    cat <<'EOF'
Usage: meshcat validate [--csv] FILE|DIR...

Checks the descriptors as one stream, the way `meshcat register` would register them, and
lists every problem: what mesh_register would refuse, as the connected role, for every
document (meshcat.mesh_validate). Writes nothing (it runs in a transaction it rolls back).

Each problem is a line FILE:LINE: document N, PATH [SQLSTATE], then the problem (message,
DETAIL and HINT), indented; documents and lines count within FILE.
  --csv   print a CSV table instead: file,document,line,path,sqlstate,problem

Exit status: 0 no problem; 1 problems listed; 2 usage error (no such file, ...);
3 connection or server error.
EOF
}

usage_register() {
    cat <<'EOF'
Usage: meshcat register FILE|DIR...

Registers every document of the files in ONE transaction (meshcat.mesh_register on the files
as one stream, in any order): all of them, or, on any error, none. Prints one row per
document: file, kind, id, version, action (created, updated, unchanged).

Exit status: 0 registered; 1 refused (nothing written; the error says which document, and
`meshcat validate` lists every problem); 2 usage error; 3 connection or server error.
EOF
}

usage_export() {
    cat <<'EOF'
Usage: meshcat export ID [--version V] [--format odcs|odps|meshcat]

Prints a version of a data product as a document (meshcat.mesh_export): as a meshcat
descriptor (the default), an Open Data Contract Standard contract (odcs) or an Open Data
Product Standard product (odps).
  --version V   the version (default: the product's current version)
  --format F    odcs, odps or meshcat (default meshcat)

Exit status: 0 printed; 1 refused (unknown product or version, ...); 2 usage error;
3 connection or server error, or mesh_export missing in that database.
EOF
}

usage_diff() {
    cat <<'EOF'
Usage: meshcat diff ID V1 V2

The classified differences between versions V1 and V2 of product ID (meshcat.mesh_diff):
change, path, severity (error: breaking, warning, info), breaking changes first.

Exit status: 0 printed (whatever the differences); 1 refused (an unknown version, ...);
2 usage error; 3 connection or server error.
EOF
}

usage_lineage() {
    cat <<'EOF'
Usage: meshcat lineage ID [--dot|--mermaid] [--direction D] [--depth N]

The lineage around product ID (or a source, as source:NAME): by default a table of every
product and source it derives from (upstream) and every product that consumes it
(downstream), each with its depth and a shortest path (meshcat.mesh_upstream,
meshcat.mesh_downstream).
  --dot           a Graphviz picture instead (meshcat.mesh_lineage_dot)
  --mermaid       a Mermaid picture instead (meshcat.mesh_lineage_mermaid)
  --direction D   upstream, downstream or both (the default)
  --depth N       at most N edges away (default: no limit)

Exit status: 0 printed; 1 refused (unknown product, ...); 2 usage error;
3 connection or server error.
EOF
}

usage_help() {
    echo 'Usage: meshcat help [COMMAND]'
}

usage_error() {   # usage_error COMMAND MESSAGE: exit 2
    echo "$prog: $2" >&2
    if [ -n "$1" ]; then echo "Try 'meshcat help $1'." >&2; else echo "Try 'meshcat --help'." >&2; fi
    exit $EX_USAGE
}

# psql: $MESHCAT_PSQL, else the one installed beside this script (PostgreSQL's bindir), else PATH.
self=$(readlink -f "$0" 2>/dev/null || echo "$0")
if [ -n "${MESHCAT_PSQL:-}" ]; then
    PSQL=$MESHCAT_PSQL
elif [ -x "$(dirname "$self")/psql" ]; then
    PSQL=$(dirname "$self")/psql
else
    PSQL=psql
fi

# Arguments: connection options anywhere, the command, its options and operands.
conn=()
command=
args=()
while [ $# -gt 0 ]; do
    case $1 in
        -d|--dbname|-h|--host|-p|--port|-U|--username)
            [ $# -ge 2 ] || usage_error "$command" "option $1 needs a value"
            case $1 in
                -d|--dbname) conn+=(-d "$2") ;;
                -h|--host) conn+=(-h "$2") ;;
                -p|--port) conn+=(-p "$2") ;;
                -U|--username) conn+=(-U "$2") ;;
            esac
            shift 2; continue ;;
        --dbname=*) conn+=(-d "${1#*=}") ;;
        --host=*) conn+=(-h "${1#*=}") ;;
        --port=*) conn+=(-p "${1#*=}") ;;
        --username=*) conn+=(-U "${1#*=}") ;;
        --help|-\?)
            if [ -z "$command" ]; then usage_main; exit $EX_OK; fi
            args+=("$1") ;;
        --version)
            if [ -z "$command" ]; then echo "meshcat $MESHCAT_VERSION"; exit $EX_OK; fi
            args+=("$1") ;;
        --)
            shift
            if [ -z "$command" ] && [ $# -gt 0 ]; then command=$1; shift; fi
            while [ $# -gt 0 ]; do args+=(-- "$1"); shift; done
            break ;;
        -*)
            [ -n "$command" ] || usage_error "" "unknown option $1"
            args+=("$1") ;;
        *)
            if [ -z "$command" ]; then command=$1; else args+=("$1"); fi ;;
    esac
    shift
done

case $command in
    validate|register|export|diff|lineage) ;;
    help)
        for a in "${args[@]}"; do [ "$a" != --help ] || { usage_help; exit $EX_OK; }; done
        [ ${#args[@]} -le 1 ] || usage_error help "help takes one command"
        case ${args[0]:-} in
            '') usage_main ;;
            validate|register|export|diff|lineage|help) "usage_${args[0]}" ;;
            *) usage_error "" "unknown command ${args[0]}" ;;
        esac
        exit $EX_OK ;;
    '') usage_main >&2; exit $EX_USAGE ;;
    *) usage_error "" "unknown command $command" ;;
esac

# The command's options and operands: operands (what follows -- is an operand too).
for a in "${args[@]}"; do [ "$a" != --help ] && [ "$a" != '-?' ] || { "usage_$command"; exit $EX_OK; }; done
operands=()
csv=false version= format=meshcat picture= direction=both depth=
set -- "${args[@]}"
while [ $# -gt 0 ]; do
    case $command:$1 in
        *:--) operands+=("$2"); shift 2; continue ;;
        validate:--csv) csv=true ;;
        export:--version|export:--format|lineage:--direction|lineage:--depth)
            [ $# -ge 2 ] && [ "$2" != -- ] || usage_error "$command" "option $1 needs a value"
            case $1 in
                --version) version=$2 ;;
                --format) format=$2 ;;
                --direction) direction=$2 ;;
                --depth) depth=$2 ;;
            esac
            shift 2; continue ;;
        export:--version=*) version=${1#*=} ;;
        export:--format=*) format=${1#*=} ;;
        lineage:--direction=*) direction=${1#*=} ;;
        lineage:--depth=*) depth=${1#*=} ;;
        lineage:--dot|lineage:--mermaid)
            [ -z "$picture" ] || [ "$picture" = "${1#--}" ] || usage_error lineage "--dot and --mermaid exclude each other"
            picture=${1#--} ;;
        *:-?*) usage_error "$command" "unknown option $1 for $command" ;;
        *) operands+=("$1") ;;
    esac
    shift
done

work=$(mktemp -d "${TMPDIR:-/tmp}/meshcat.XXXXXX") || exit $EX_SERVER
trap 'rm -rf "$work"' EXIT

# run_psql PSQL-ARGS... < script: runs the script; its output goes to stdout; the server's
# errors and notices to stderr as ERROR/DETAIL/HINT lines (no LOCATION, CONTEXT or psql
# prefix). Returns 0, 1 (the server refused: SQLSTATE class 22, 23 or 54, or 42501) or 3.
run_psql() {
    local rc state
    # Descriptors are YAML or JSON: UTF-8 (unless the caller says otherwise).
    PGCLIENTENCODING=${PGCLIENTENCODING:-UTF8} \
        "$PSQL" -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -v SHOW_CONTEXT=never \
        "${conn[@]}" "$@" 2>"$work/stderr"
    rc=$?
    state=$(sed -n -E 's/^(psql:[^ ]*: )?ERROR:  ([0-9A-Z]{5}): .*/\2/p' "$work/stderr" | head -n 1)
    sed -E -e '/^LOCATION:  /d' -e 's/^psql:[^ ]*: //' -e 's/^psql: error: /'"$prog"': /' -e 's/^psql: /'"$prog"': /' \
        -e 's/^(ERROR|WARNING|NOTICE|INFO|LOG|DEBUG|FATAL|PANIC):  [0-9A-Z]{5}: /\1:  /' "$work/stderr" >&2
    [ "$rc" -ne 0 ] || return $EX_OK
    case $state in
        22*|23*|54*|42501) return $EX_PROBLEMS ;;
    esac
    return $EX_SERVER
}

# The SQL that refuses to go on, with a clear message, when the database lacks meshcat or
# the function a command calls (a newer meshcat's), instead of "function does not exist".
require() {   # require FUNCTION-NAME
    cat <<EOF
DO \$meshcat\$
DECLARE
    v text := (SELECT e.extversion FROM pg_catalog.pg_extension AS e WHERE e.extname = 'meshcat');
BEGIN
    IF v IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('meshcat is not installed in database "%s"', pg_catalog.current_database()),
            HINT = 'Connect to the database that has it (-d DBNAME), or run CREATE EXTENSION meshcat there.';
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'meshcat' AND p.proname = '$1') THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_function',
            MESSAGE = pg_catalog.format('meshcat.$1 does not exist in database "%s" (meshcat %s)', pg_catalog.current_database(), v),
            DETAIL = 'The command meshcat $MESHCAT_VERSION calls it; the extension installed there is older.',
            HINT = 'Install a meshcat that has it, then run ALTER EXTENSION meshcat UPDATE in that database.';
    END IF;
END
\$meshcat\$;
EOF
}

# The files a list of FILE|DIR operands stands for, into files[]: a directory gives every
# *.yaml, *.yml and *.json file under it, sorted bytewise.
collect_files() {
    local a f found
    files=()
    [ $# -gt 0 ] || usage_error "$command" "$command needs at least one FILE or DIR"
    for a in "$@"; do
        if [ -d "$a" ]; then
            found=0
            while IFS= read -r -d '' f; do files+=("$f"); found=1; done \
                < <(find -L "$a" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | LC_ALL=C sort -z)
            [ $found -eq 1 ] || usage_error "$command" "$a holds no .yaml, .yml or .json file"
        elif [ -f "$a" ] && [ -r "$a" ]; then
            files+=("$a")
        elif [ -e "$a" ]; then
            usage_error "$command" "cannot read $a"
        else
            usage_error "$command" "no such file or directory: $a"
        fi
    done
}

# The files as one YAML stream, into $work/stream, as mesh_register takes it: each file's
# text unchanged, a "---" (or "..." when the file starts with its own "---" or a directive)
# before every file but the first that has a document, a final newline added, a leading
# byte-order mark dropped. $work/map: per file "N FIRST CONTENT SIG", the stream line where
# it starts (its separator), where its line 1 is, and its first line that is not a comment.
build_stream() {
    awk -v stream="$work/stream" -v map="$work/map" -- '
        BEGIN {
            at = 0; any = 0
            for (i = 1; i < ARGC; i++) {
                n = 0; sig = 0
                while ((r = (getline l < ARGV[i])) > 0) {
                    if (n == 0) sub(/^\357\273\277/, "", l)
                    buf[++n] = l
                    if (!sig && l !~ /^[ \t\r]*(#.*)?$/) sig = n
                }
                if (r < 0) { print "meshcat: cannot read " ARGV[i] > "/dev/stderr"; exit 2 }
                close(ARGV[i])
                first = at + 1
                if (sig && any) {
                    print (buf[sig] ~ /^(---([ \t\r]|$)|%)/ ? "..." : "---") > stream
                    at++
                }
                for (k = 1; k <= n; k++) print buf[k] > stream
                printf "%d %d %d %d\n", i, first, at + 1, (sig ? sig : 1) > map
                at += n
                if (sig) any = 1
            }
            printf "" > stream
            exit 0
        }' "${files[@]}" || exit $EX_USAGE
}

# SQL: the files of the stream (f: n, path, first, content, sig), their paths as psql
# variables p1, p2, ... (set by file_vars), and the stream as :'stream'.
files_cte() {
    local sep=' ' n first content sig
    echo 'WITH f(n, path, first, content, sig) AS (VALUES'
    while read -r n first content sig; do
        echo "   ${sep}($n, :'p$n', $first, $content, $sig)"
        sep=,
    done < "$work/map"
    echo ')'
}
file_vars() {
    local i
    vars=(-v stream_file="$work/stream")
    for i in "${!files[@]}"; do vars+=(-v "p$((i + 1))=${files[$i]}"); done
}

# Where a register refusal is: the file and line of the stream line an ERROR names.
locate_refusal() {
    local doc line
    [ ${#files[@]} -gt 1 ] || return 0
    read -r doc line < <(sed -n -E 's/^ERROR:  .*document ([0-9]+) \(line ([0-9]+)\).*/\1 \2/p' "$work/stderr" | head -n 1)
    [ -n "${line:-}" ] || return 0
    awk -v l="$line" '$2 <= l { n = $1; c = $3; s = $4 } END { print n, (l >= c ? l - c + 1 : s) }' "$work/map" |
        { read -r n at; echo "$prog: document $doc of the stream (line $line) is in ${files[$((n - 1))]}, at line $at" >&2; }
}

case $command in
validate)
    collect_files "${operands[@]}"
    build_stream
    file_vars
    {
        require mesh_validate
        if $csv; then echo '\pset format csv'; else echo '\pset format unaligned'; echo '\pset tuples_only on'; fi
        cat <<'EOF'
BEGIN;
\set stream `cat :'stream_file'`
EOF
        files_cte
        cat <<'EOF'
, docs AS MATERIALIZED (      -- the line each document starts on; read only for problems of a document
    SELECT d.n, d.line FROM meshcat_internal.yaml_documents_with_lines(:'stream') WITH ORDINALITY AS d(document, line, n)
), p AS (
    SELECT v.*, coalesce(v.line, CASE WHEN v.document IS NOT NULL THEN (SELECT d.line FROM docs AS d WHERE d.n = v.document) END) AS at
      FROM meshcat.mesh_validate(:'stream') WITH ORDINALITY AS v(document, line, path, sqlstate, problem, k)
), q AS (
    SELECT p.*, w.n AS file_no, w.path AS file, w.first, w.content, w.sig,
           CASE WHEN p.document IS NOT NULL
                THEN (SELECT pg_catalog.count(*) FROM docs AS d WHERE d.n <= p.document AND d.line >= w.first) END AS file_document
      FROM p
      LEFT JOIN LATERAL (SELECT f.* FROM f
                          WHERE f.first <= p.at OR (p.at IS NULL AND (SELECT pg_catalog.count(*) FROM f) = 1)
                          ORDER BY f.first DESC LIMIT 1) AS w ON true
), r AS (
    -- The problem's lines and document number counted in its file, not in the stream.
    SELECT q.*, CASE WHEN q.at >= q.content THEN q.at - q.content + 1 ELSE q.sig END AS file_line,
           pg_catalog.regexp_replace(
               (SELECT pg_catalog.string_agg(CASE WHEN s.part ~ '^line \d' AND q.content IS NOT NULL
                                                 THEN 'line ' || (SELECT CASE WHEN l.n >= q.content THEN l.n - q.content + 1 ELSE q.sig END
                                                                    FROM (SELECT pg_catalog.substring(s.part, '^line (\d+)')::int AS n) AS l)
                                                      || pg_catalog.substring(s.part, '^line \d+(.*)$')
                                                 ELSE s.part END, '' ORDER BY s.o)
                  FROM pg_catalog.regexp_split_to_table(q.problem, '(?=line \d)') WITH ORDINALITY AS s(part, o)),
               'document ' || coalesce(q.document, 0) || '\M', 'document ' || coalesce(q.file_document, 0)) AS file_problem
      FROM q
)
EOF
        if $csv; then
            echo 'SELECT coalesce(file, '"'-'"') AS file, file_document AS document, file_line AS line, path, sqlstate, file_problem AS problem'
        else
            cat <<'EOF'
SELECT coalesce(file, '-') || coalesce(':' || file_line, '') || ': '
       || coalesce(NULLIF(pg_catalog.concat_ws(', ', 'document ' || file_document, path), '') || ' ', '')
       || '[' || sqlstate || ']' || E'\n'
       || pg_catalog.regexp_replace(file_problem, '^', '    ', 'gn')
EOF
        fi
        cat <<'EOF'
  FROM r ORDER BY file_no NULLS FIRST, file_document NULLS FIRST, k;
\qecho :ROW_COUNT
ROLLBACK;
EOF
    } > "$work/script.sql"
    # The last line of the output is the number of problems.
    run_psql "${vars[@]}" < "$work/script.sql" > "$work/out"
    rc=$?
    [ $rc -eq 0 ] || { cat "$work/out"; exit $rc; }
    sed '$d' "$work/out"
    problems=$(tail -n 1 "$work/out")
    if [ "$problems" -gt 0 ]; then
        echo "$prog: $problems problem(s) in ${#files[@]} file(s)" >&2
        exit $EX_PROBLEMS
    fi
    $csv || echo "$prog: ${#files[@]} file(s), no problem" >&2
    exit $EX_OK ;;

register)
    collect_files "${operands[@]}"
    build_stream
    file_vars
    {
        require mesh_register
        echo '\pset footer off'
        cat <<'EOF'
BEGIN;
\set stream `cat :'stream_file'`
EOF
        files_cte
        cat <<'EOF'
, r AS MATERIALIZED (
    SELECT x.* FROM meshcat.mesh_register(:'stream') WITH ORDINALITY AS x(kind, id, version, action, k)
), docs AS (
    SELECT d.n, d.line FROM meshcat_internal.yaml_documents_with_lines(:'stream') WITH ORDINALITY AS d(document, line, n)
)
SELECT (SELECT f.path FROM f WHERE f.first <= d.line ORDER BY f.first DESC LIMIT 1) AS file,
       r.kind, r.id, r.version, r.action
  FROM r JOIN docs AS d ON d.n = r.k
 ORDER BY r.k;
COMMIT;
EOF
    } > "$work/script.sql"
    run_psql "${vars[@]}" < "$work/script.sql"
    rc=$?
    [ $rc -ne $EX_PROBLEMS ] || { locate_refusal; echo "$prog: nothing was registered" >&2; }
    exit $rc ;;

export)
    [ ${#operands[@]} -eq 1 ] || usage_error export "export takes one product id"
    case $format in
        odcs|odps|meshcat) ;;
        *) usage_error export "--format must be odcs, odps or meshcat, not $format" ;;
    esac
    {
        require mesh_export
        echo "SELECT pg_catalog.rtrim(meshcat.mesh_export(:'id', NULLIF(:'version', '')::meshcat.semver, :'format'), E'\\n');"
    } > "$work/script.sql"
    run_psql -At -v id="${operands[0]}" -v version="$version" -v format="$format" < "$work/script.sql"
    exit $? ;;

diff)
    [ ${#operands[@]} -eq 3 ] || usage_error diff "diff takes a product id and two versions"
    {
        require mesh_diff
        echo '\pset footer off'
        echo "SELECT change, path, severity FROM meshcat.mesh_diff(:'id', :'v1', :'v2');"
    } > "$work/script.sql"
    run_psql -v id="${operands[0]}" -v v1="${operands[1]}" -v v2="${operands[2]}" < "$work/script.sql"
    exit $? ;;

lineage)
    [ ${#operands[@]} -eq 1 ] || usage_error lineage "lineage takes one product id"
    case $direction in
        upstream|downstream|both) ;;
        *) usage_error lineage "--direction must be upstream, downstream or both, not $direction" ;;
    esac
    case $depth in
        '') ;;
        *[!0-9]*|0*) usage_error lineage "--depth must be a positive whole number, not $depth" ;;
    esac
    [ ${#depth} -le 9 ] || usage_error lineage "--depth $depth is too large"
    {
        case $picture in
            dot|mermaid)
                require "mesh_lineage_$picture"
                echo "SELECT pg_catalog.rtrim(meshcat.mesh_lineage_$picture(:'id', :'direction', NULLIF(:'depth', '')::int), E'\\n');" ;;
            *)
                require mesh_upstream
                echo '\pset footer off'
                cat <<'EOF'
SELECT w.direction, w.id, w.kind, w.depth, pg_catalog.array_to_string(w.path, ' -> ') AS path
  FROM (SELECT 'upstream' AS direction, u.* FROM meshcat.mesh_upstream(:'id', NULLIF(:'depth', '')::int) AS u
         WHERE :'direction' IN ('upstream', 'both')
        UNION ALL
        SELECT 'downstream', d.* FROM meshcat.mesh_downstream(:'id', NULLIF(:'depth', '')::int) AS d
         WHERE :'direction' IN ('downstream', 'both')) AS w
 ORDER BY w.direction DESC, w.depth, w.id COLLATE "C";
EOF
                ;;
        esac
    } > "$work/script.sql"
    if [ -n "$picture" ]; then tuples=-At; else tuples=-q; fi
    run_psql "$tuples" -v id="${operands[0]}" -v direction="$direction" -v depth="$depth" < "$work/script.sql"
    exit $? ;;
esac
