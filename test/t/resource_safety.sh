#!/usr/bin/env bash
# Resource safety of mesh_register, in one throwaway cluster:
#   - 10 000 failing calls in one session (bad YAML, bad descriptors, unknown references,
#     each its own statement, as a client retrying would send them) leave the backend's
#     memory flat: between call 1 000 and call 11 000 its memory contexts grow by less than
#     256 kB and its private memory (RssAnon, malloc included) by less than 2 MB;
#   - a 50 MB descriptor is refused with 54000 before it is parsed: one whose first line is
#     broken YAML is refused by its size, not by the parser, and without CONTEXT lines;
#   - a long parse inside mesh_register is cancelled by statement_timeout (57014), promptly.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" != inner ]; then exec pg_virtualenv -t bash "$0" inner; fi

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE ROLE regress_res_team NOLOGIN;
CREATE EXTENSION meshcat CASCADE;
SELECT count(*) FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: res
owner: regress_res_team
$$) \g /dev/null
SQL

# Three kinds of failure, in turn; each statement fails on its own.
calls() {   # calls <from> <to>
    for ((i = $1; i < $2; i++)); do
        case $((i % 3)) in
        0) echo "SELECT meshcat.mesh_register('a: [unclosed $i');" ;;
        1) echo "SELECT meshcat.mesh_register('{\"apiVersion\": \"meshcat/v1\", \"kind\": \"DataProduct\", \"id\": \"res.p$i\", \"name\": \"P\", \"version\": \"1.0.$i\", \"outputs\": [{\"name\": \"o\", \"type\": \"nope\"}]}');" ;;
        2) echo "SELECT meshcat.mesh_register('{\"apiVersion\": \"meshcat/v1\", \"kind\": \"DataProduct\", \"id\": \"res.p$i\", \"name\": \"P\", \"version\": \"1.0.0\", \"inputs\": [{\"product\": \"nowhere.p$i\"}], \"outputs\": [{\"name\": \"o\", \"type\": \"table\"}]}');" ;;
        esac
    done
}
# palloc'd memory (memory contexts), and all private memory of the process (RssAnon, which
# also sees what libyaml mallocs), from inside the backend.
mem="SELECT 'MEM ' || sum(total_bytes) || ' ' || substring(pg_read_file('/proc/self/status') FROM 'RssAnon:\s*([0-9]+) kB') FROM pg_backend_memory_contexts;"
{
    echo "SET search_path = meshcat, public;"
    calls 0 1000
    echo "$mem"
    calls 1000 11000
    echo "$mem"
    echo "SELECT 'ERRORS';"
} | psql -X -At >"$work/out" 2>"$work/err" || true
errors=$(grep -c '^ERROR:' "$work/err" || true)
read -r before rss_before after rss_after < <(grep '^MEM ' "$work/out" | cut -d' ' -f2- | paste -sd ' ') || true
kinds=$(grep -oE 'ERROR:  [A-Za-z ]+' "$work/err" | sort | uniq -c | sed 's/^ */    /')
echo "11000 failing calls: $errors errors; backend memory contexts $before bytes after 1000 calls, $after after 11000; RssAnon $rss_before kB, then $rss_after kB"
echo "$kinds"
if [ "$errors" -ne 11000 ] || [ -z "$after" ]; then
    echo "FAIL expected 11000 errors from 11000 calls"; fail=1
elif [ $((after - before)) -ge 262144 ] || [ $((rss_after - rss_before)) -ge 2048 ]; then
    echo "FAIL backend memory grew over 10000 failing calls: contexts by $((after - before)) bytes, RssAnon by $((rss_after - rss_before)) kB"; fail=1
else
    echo "ok memory flat over 10000 failing calls: contexts $((after - before)) bytes, RssAnon $((rss_after - rss_before)) kB"
fi

# Sizes and time are judged by the server, from clock_timestamp(), so the text is built there.
out=$(psql -X -At -v ON_ERROR_STOP=1 2>&1 <<'SQL'
SET search_path = meshcat, public;
CREATE FUNCTION pg_temp.attempt(descriptor text, OUT state text, OUT ms numeric)
    LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    state := 'ok';
    BEGIN
        PERFORM meshcat.mesh_register(descriptor);
    EXCEPTION WHEN others THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
    END;
    ms := round(extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$$;
-- About 50 MB of YAML whose first line does not parse: a parser would refuse it at once with
-- 42601, a size check before the parser with 54000.
SELECT 'big ' || state || ' ' || ms FROM pg_temp.attempt(
    E'a: [unclosed\nkind: Domain\nname: big\nowner: regress_res_team\ndescription: >\n'
    || repeat(E'  lorem ipsum dolor sit amet, consectetur adipiscing elit\n', 900000));
-- The time a parse of about 12 MB takes, allowed in full.
SET meshcat.yaml_max_bytes_ceiling = '64MB';
SET meshcat.yaml_max_nodes_ceiling = 100000000;
SET meshcat.yaml_max_bytes = '64MB';
SET meshcat.yaml_max_nodes = 100000000;
SELECT 'parse ' || state || ' ' || ms FROM pg_temp.attempt(
    'apiVersion: meshcat/v1' || E'\nkind: Domain\nname: big\nowner: regress_res_team\ntags:\n'
    || repeat(E'  - {a: 1, b: [x, y, z], c: "quoted text"}\n', 300000));
SQL
) || true
# The same parse under a 100 ms statement_timeout: cancelled (57014 cannot be caught in
# PL/pgSQL, so it is a statement of its own), and promptly: the time from its start to the
# next statement is measured by the server.
tout=$(psql -X -At 2>&1 <<'SQL'
SELECT set_config('res.t0', clock_timestamp()::text, false) \g /dev/null
SET statement_timeout = '100ms';
SELECT meshcat.mesh_register('apiVersion: meshcat/v1' || E'\nkind: Domain\nname: big\nowner: regress_res_team\ntags:\n'
    || repeat(E'  - {a: 1, b: [x, y, z], c: "quoted text"}\n', 300000));
RESET statement_timeout;
SELECT 'cancelled ' || round(extract(epoch FROM clock_timestamp() - current_setting('res.t0')::timestamptz) * 1000);
SQL
) || true
echo "$out" | grep -E '^(big|parse|ERROR)' || true
echo "$tout"
read -r _ cancel_ms < <(grep '^cancelled ' <<<"$tout") || true
read -r _ big_state big_ms < <(grep '^big ' <<<"$out") || true
read -r _ parse_state parse_ms < <(grep '^parse ' <<<"$out") || true
if [ "${parse_state:-}" != 22023 ]; then
    echo "FAIL the 12 MB parse ended with ${parse_state:-nothing}, not with 22023 (a Domain has no tags): the parse did not complete"; fail=1
fi
if [ "${big_state:-}" = 54000 ]; then
    echo "ok a 50 MB descriptor is refused by its size (54000) before the parser sees its broken first line ($big_ms ms)"
else
    echo "FAIL the 50 MB descriptor ended with state ${big_state:-none}, not 54000: it was not refused by its size before parsing"; fail=1
fi
# What psql shows of the refusal: the message, DETAIL and HINT, no CONTEXT of meshcat's internals.
shown=$(psql -X -c "SELECT meshcat.mesh_register(repeat('x', 17 * 1024 * 1024))" 2>&1 || true)
if grep -q 'YAML input is too large' <<<"$shown" && ! grep -q '^CONTEXT' <<<"$shown"; then
    echo "ok the size refusal shows no CONTEXT"
else
    echo "FAIL the size refusal as psql shows it:"; echo "$shown"; fail=1
fi
# Cancelled by the timeout, and in well under the time the whole parse takes: a parse that
# did not check for interrupts would be cancelled only at its end.
if grep -q 'canceling statement due to statement timeout' <<<"$tout" && [ "${parse_ms:-0}" -gt 200 ] &&
   [ -n "${cancel_ms:-}" ] && [ "$cancel_ms" -lt $((parse_ms / 2)) ]; then
    echo "ok the same parse under statement_timeout = 100ms is cancelled after $cancel_ms ms (the whole parse: $parse_ms ms)"
else
    echo "FAIL the parse under statement_timeout = 100ms was not cancelled promptly: after ${cancel_ms:-?} ms (the whole parse: ${parse_ms:-?} ms)"; fail=1
fi
exit $fail
