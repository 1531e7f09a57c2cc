#!/usr/bin/env bash
# Search-path hijack: no code an unprivileged role plants ever runs inside meshcat.
#
# regress_attacker (CREATE on the database and on public, owner of schema attacker, which
# the database puts first on everyone's search_path, before pg_catalog) plants look-alikes of
# the built-ins meshcat's bodies call (functions, aggregates and operators: =, <, ||, lower,
# cardinality, unnest, format, to_jsonb, now, jsonb_build_object, string_agg, pg_has_role,
# ...) in attacker, in public, and in a schema named meshcat that it creates before the
# extension exists. Each look-alike records its call in attacker.calls and then does what
# the built-in does. Then, in turn:
#   - CREATE EXTENSION meshcat must refuse the attacker's meshcat schema (42P06); the
#     superuser drops it, as the HINT says, and installs;
#   - mesh_setup_roles(), a registration of a mesh (domains, policies, products with inputs
#     and derived_from), every lifecycle move (a withdrawal too), validation, exemptions, checks, lineage walks and pictures,
#     search, diff, dry runs, glossary terms, certification, and a SELECT from every view, as the superuser, a steward, an
#     administrator and a reader; every mesh_% function of the extension (read from pg_proc)
#     must be in the list this script exercises, and must have run (track_functions);
#   - the attacker, now a reader, plants operators on meshcat.semver and temporary tables
#     named like the catalog's, and calls everything PUBLIC may call.
# At the end attacker.calls must be empty; otherwise the planted code that ran is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
# pg_cron (when installed) is preloaded for this database, so that scheduling checks runs too.
if [ "${1:-}" != inner ]; then
    cron_opts=()
    if [ -e "$(pg_config --sharedir)/extension/pg_cron.control" ]; then
        cron_opts=(-o shared_preload_libraries=pg_cron -o cron.database_name=regress_hijack -o cron.use_background_workers=on)
    fi
    exec pg_virtualenv "${cron_opts[@]}" -t bash "$0" inner
fi

db=regress_hijack
fail=0
# The harness's own queries run with a safe search_path; the victims' with the database's.
harness() { PGOPTIONS='-c search_path=pg_catalog,pg_temp' psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
victim() { PGOPTIONS='-c client_min_messages=error' psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# Rerunnable against a long-lived cluster too.
psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $db;
DROP ROLE IF EXISTS regress_attacker;
DROP ROLE IF EXISTS regress_hj_alice;
DROP ROLE IF EXISTS regress_hj_carol;
DROP ROLE IF EXISTS regress_hj_reader;
SQL
for r in sales_team customer_team marketing_team finance_team logistics_team commerce_council meshcat_admin meshcat_steward meshcat_reader; do
    psql -X -q -d postgres -c "SET client_min_messages = warning; DROP ROLE IF EXISTS $r"
done
psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE regress_attacker NOLOGIN;
CREATE DATABASE $db;
GRANT CREATE ON DATABASE $db TO regress_attacker;
ALTER DATABASE $db SET search_path = attacker, public, pg_catalog, meshcat;
ALTER DATABASE $db SET track_functions = 'all';
SQL
harness <<'SQL'
GRANT CREATE ON SCHEMA public TO regress_attacker;
CREATE SCHEMA attacker AUTHORIZATION regress_attacker;
-- pg_trgm (meshcat requires it) in a schema of the superuser's that is on nobody's search_path:
-- meshcat finds it in pg_extension and qualifies every use.
CREATE SCHEMA trgm;
CREATE EXTENSION pg_trgm SCHEMA trgm;
SQL
# pg_cron, if this cluster preloads it for this database (mesh_schedule_checks needs it)
harness -c "SELECT 'CREATE EXTENSION pg_cron' WHERE pg_catalog.current_setting('cron.database_name', true) OPERATOR(pg_catalog.=) pg_catalog.current_database()" -c '\gexec' >/dev/null
has_cron=$(harness -c "SELECT count(*) FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron'")

# The look-alikes, planted in schema :s by the attacker. A function body is SQL that
# qualifies everything, so a look-alike never calls another one.
plant() {
    harness -v s="$1" <<'SQL'
SET ROLE regress_attacker;
SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS attacker.calls (fn text, schema text, by_role name, at_level int);
GRANT USAGE ON SCHEMA attacker TO PUBLIC;
GRANT INSERT ON attacker.calls TO PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA %I TO PUBLIC', :'s') WHERE :'s' <> 'public' \gexec
-- name, arguments, result, what the built-in would return
CREATE TEMP TABLE lookalike (name text, args text, result text, body text);
INSERT INTO lookalike VALUES
  ('lower', 'text', 'text', 'pg_catalog.lower($1)'),
  ('lower', 'name', 'text', 'pg_catalog.lower($1::text)'),
  ('lower', 'character varying', 'text', 'pg_catalog.lower($1::text)'),
  ('upper', 'text', 'text', 'pg_catalog.upper($1)'),
  ('coalesce', 'text, text', 'text', 'COALESCE($1, $2)'),
  ('coalesce', 'jsonb, jsonb', 'jsonb', 'COALESCE($1, $2)'),
  ('coalesce', 'boolean, boolean', 'boolean', 'COALESCE($1, $2)'),
  ('nullif', 'text, text', 'text', 'NULLIF($1, $2)'),
  ('cardinality', 'text[]', 'integer', 'pg_catalog.cardinality($1)'),
  ('cardinality', 'name[]', 'integer', 'pg_catalog.cardinality($1)'),
  ('cardinality', 'anyarray', 'integer', 'pg_catalog.cardinality($1)'),
  ('array_length', 'text[], integer', 'integer', 'pg_catalog.array_length($1, $2)'),
  ('array_position', 'text[], text', 'integer', 'pg_catalog.array_position($1, $2)'),
  ('format', 'text', 'text', 'pg_catalog.format($1)'),
  ('format', 'text, text', 'text', 'pg_catalog.format($1, $2)'),
  ('format', 'text, name', 'text', 'pg_catalog.format($1, $2)'),
  ('format', 'text, text, text', 'text', 'pg_catalog.format($1, $2, $3)'),
  ('format', 'text, text, text, text', 'text', 'pg_catalog.format($1, $2, $3, $4)'),
  ('format', 'text, variadic text[]', 'text', 'pg_catalog.format($1, variadic $2)'),
  ('to_jsonb', 'text', 'jsonb', 'pg_catalog.to_jsonb($1)'),
  ('to_jsonb', 'text[]', 'jsonb', 'pg_catalog.to_jsonb($1)'),
  ('to_jsonb', 'anyelement', 'jsonb', 'pg_catalog.to_jsonb($1)'),
  ('now', '', 'timestamp with time zone', 'pg_catalog.now()'),
  ('transaction_timestamp', '', 'timestamp with time zone', 'pg_catalog.transaction_timestamp()'),
  ('jsonb_build_object', 'text, text', 'jsonb', 'pg_catalog.jsonb_build_object($1, $2)'),
  ('jsonb_build_object', 'text, jsonb', 'jsonb', 'pg_catalog.jsonb_build_object($1, $2)'),
  ('jsonb_build_object', 'text, text, text, text', 'jsonb', 'pg_catalog.jsonb_build_object($1, $2, $3, $4)'),
  ('jsonb_build_object', 'variadic text[]', 'jsonb', 'pg_catalog.jsonb_object($1)'),
  ('jsonb_build_array', 'variadic text[]', 'jsonb', 'pg_catalog.to_jsonb($1)'),
  ('pg_has_role', 'name, name, text', 'boolean', 'pg_catalog.pg_has_role($1, $2, $3)'),
  ('pg_has_role', 'name, text', 'boolean', 'pg_catalog.pg_has_role($1, $2)'),
  ('pg_has_role', 'text, text, text', 'boolean', 'pg_catalog.pg_has_role($1::name, $2::name, $3)'),
  ('pg_has_role', 'text, text', 'boolean', 'pg_catalog.pg_has_role($1::name, $2)'),
  ('split_part', 'text, text, integer', 'text', 'pg_catalog.split_part($1, $2, $3)'),
  ('replace', 'text, text, text', 'text', 'pg_catalog.replace($1, $2, $3)'),
  ('regexp_replace', 'text, text, text', 'text', 'pg_catalog.regexp_replace($1, $2, $3)'),
  ('translate', 'text, text, text', 'text', 'pg_catalog.translate($1, $2, $3)'),
  ('length', 'text', 'integer', 'pg_catalog.length($1)'),
  ('btrim', 'text', 'text', 'pg_catalog.btrim($1)'),
  ('btrim', 'text, text', 'text', 'pg_catalog.btrim($1, $2)'),
  ('concat_ws', 'text, text, text', 'text', 'pg_catalog.concat_ws($1, $2, $3)'),
  ('concat_ws', 'text, text, text, text', 'text', 'pg_catalog.concat_ws($1, $2, $3, $4)'),
  ('string_to_array', 'text, text', 'text[]', 'pg_catalog.string_to_array($1, $2)'),
  ('quote_ident', 'text', 'text', 'pg_catalog.quote_ident($1)'),
  ('quote_literal', 'text', 'text', 'pg_catalog.quote_literal($1)'),
  ('jsonb_typeof', 'jsonb', 'text', 'pg_catalog.jsonb_typeof($1)'),
  ('jsonb_strip_nulls', 'jsonb', 'jsonb', 'pg_catalog.jsonb_strip_nulls($1)'),
  ('to_tsvector', 'regconfig, text', 'tsvector', 'pg_catalog.to_tsvector($1, $2)'),
  ('websearch_to_tsquery', 'regconfig, text', 'tsquery', 'pg_catalog.websearch_to_tsquery($1, $2)'),
  ('to_regclass', 'text', 'regclass', 'pg_catalog.to_regclass($1)'),
  ('current_setting', 'text', 'text', 'pg_catalog.current_setting($1)'),
  ('pg_notify', 'text, text', 'void', 'pg_catalog.pg_notify($1, $2)');
-- Set-returning ones.
INSERT INTO lookalike VALUES
  ('unnest', 'text[]', 'SETOF text', 'pg_catalog.unnest($1)'),
  ('unnest', 'name[]', 'SETOF name', 'pg_catalog.unnest($1)'),
  ('unnest', 'anyarray', 'SETOF anyelement', 'pg_catalog.unnest($1)'),
  ('jsonb_array_elements', 'jsonb', 'SETOF jsonb', 'pg_catalog.jsonb_array_elements($1)'),
  ('jsonb_array_elements_text', 'jsonb', 'SETOF text', 'pg_catalog.jsonb_array_elements_text($1)'),
  ('jsonb_object_keys', 'jsonb', 'SETOF text', 'pg_catalog.jsonb_object_keys($1)'),
  ('jsonb_each', 'jsonb', 'TABLE (key text, value jsonb)', 'e.key, e.value FROM pg_catalog.jsonb_each($1) AS e'),
  ('jsonb_each_text', 'jsonb', 'TABLE (key text, value text)', 'e.key, e.value FROM pg_catalog.jsonb_each_text($1) AS e'),
  ('generate_series', 'integer, integer', 'SETOF integer', 'pg_catalog.generate_series($1, $2)');
SELECT pg_catalog.format(
         'CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE sql VOLATILE AS %L',
         :'s', l.name, l.args, l.result,
         pg_catalog.format('INSERT INTO attacker.calls VALUES (%L, %L, CURRENT_USER, 1); SELECT %s',
                           l.name OPERATOR(pg_catalog.||) '(' OPERATOR(pg_catalog.||) l.args OPERATOR(pg_catalog.||) ')',
                           :'s', l.body))
  FROM lookalike AS l \gexec

-- Aggregates: the step function records the call.
SELECT pg_catalog.format($f$
CREATE FUNCTION %1$I.sagg_step(text, text, text) RETURNS text LANGUAGE sql VOLATILE AS $b$
    INSERT INTO attacker.calls VALUES ('string_agg(text, text)', %2$L, CURRENT_USER, 1);
    SELECT CASE WHEN $1 IS NULL THEN $2 ELSE $1 OPERATOR(pg_catalog.||) $3 OPERATOR(pg_catalog.||) $2 END $b$;
CREATE AGGREGATE %1$I.string_agg(text, text) (sfunc = %1$I.sagg_step, stype = text);
CREATE FUNCTION %1$I.aagg_step(text[], text) RETURNS text[] LANGUAGE sql VOLATILE AS $b$
    INSERT INTO attacker.calls VALUES ('array_agg(text)', %2$L, CURRENT_USER, 1);
    SELECT pg_catalog.array_append($1, $2) $b$;
CREATE AGGREGATE %1$I.array_agg(text) (sfunc = %1$I.aagg_step, stype = text[]);
CREATE FUNCTION %1$I.jagg_step(jsonb, text) RETURNS jsonb LANGUAGE sql VOLATILE AS $b$
    INSERT INTO attacker.calls VALUES ('jsonb_agg(text)', %2$L, CURRENT_USER, 1);
    SELECT pg_catalog.jsonb_insert(COALESCE($1, '[]'), '{-1}', pg_catalog.to_jsonb($2), true) $b$;
CREATE AGGREGATE %1$I.jsonb_agg(text) (sfunc = %1$I.jagg_step, stype = jsonb);
CREATE FUNCTION %1$I.count_step(bigint, text) RETURNS bigint LANGUAGE sql VOLATILE AS $b$
    INSERT INTO attacker.calls VALUES ('count(text)', %2$L, CURRENT_USER, 1);
    SELECT $1 OPERATOR(pg_catalog.+) 1 $b$;
CREATE AGGREGATE %1$I.count(text) (sfunc = %1$I.count_step, stype = bigint, initcond = '0');
$f$, :'s', :'s') \gexec

-- Operators on the types meshcat compares: text, name, varchar, jsonb, integers, booleans.
CREATE TEMP TABLE lookalike_op (op text, l text, r text, builtin text);
INSERT INTO lookalike_op VALUES
  ('=', 'text', 'text', 'texteq'), ('<>', 'text', 'text', 'textne'), ('<', 'text', 'text', 'text_lt'),
  ('>', 'text', 'text', 'text_gt'), ('||', 'text', 'text', 'textcat'), ('~', 'text', 'text', 'textregexeq'),
  ('=', 'name', 'name', 'nameeq'), ('=', 'name', 'text', 'nameeqtext'), ('=', 'text', 'name', 'texteqname'),
  ('<>', 'name', 'name', 'namene'), ('<', 'name', 'name', 'namelt'),
  ('=', 'character varying', 'character varying', 'texteq'),
  ('=', 'jsonb', 'jsonb', 'jsonb_eq'), ('<>', 'jsonb', 'jsonb', 'jsonb_ne'),
  ('->', 'jsonb', 'text', 'jsonb_object_field'), ('->>', 'jsonb', 'text', 'jsonb_object_field_text'),
  ('?', 'jsonb', 'text', 'jsonb_exists'), ('@>', 'jsonb', 'jsonb', 'jsonb_contains'),
  ('=', 'bigint', 'bigint', 'int8eq'), ('<', 'bigint', 'bigint', 'int8lt'), ('=', 'integer', 'integer', 'int4eq'),
  ('<', 'integer', 'integer', 'int4lt'), ('>', 'integer', 'integer', 'int4gt'), ('+', 'integer', 'integer', 'int4pl'),
  ('=', 'boolean', 'boolean', 'booleq'), ('=', 'oid', 'oid', 'oideq');
SELECT pg_catalog.format($f$
CREATE FUNCTION %1$I.%2$I(%3$s, %4$s) RETURNS %7$s LANGUAGE sql VOLATILE AS $b$
    INSERT INTO attacker.calls VALUES (%5$L, %1$L, CURRENT_USER, 1); SELECT pg_catalog.%6$I($1, $2) $b$;
CREATE OPERATOR %1$I.%8$s (leftarg = %3$s, rightarg = %4$s, function = %1$I.%2$I);
$f$, :'s', 'op_' OPERATOR(pg_catalog.||) o.builtin OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) pg_catalog.md5(o.l OPERATOR(pg_catalog.||) o.r),
       o.l, o.r, 'operator ' OPERATOR(pg_catalog.||) o.l OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) o.op OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) o.r,
       o.builtin, (SELECT t.typname FROM pg_catalog.pg_type AS t
                    WHERE t.oid OPERATOR(pg_catalog.=) (SELECT p.prorettype FROM pg_catalog.pg_proc AS p
                                                       WHERE p.proname OPERATOR(pg_catalog.=) o.builtin LIMIT 1)),
       o.op)
  FROM lookalike_op AS o \gexec
SQL
}

echo "planting look-alikes in schemas meshcat (before the extension exists), attacker and public"
harness -c "SET ROLE regress_attacker" -c "CREATE SCHEMA meshcat"
for s in meshcat attacker public; do plant "$s"; done
planted=$(harness -c "SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace WHERE n.nspname OPERATOR(pg_catalog.=) ANY ('{meshcat,attacker,public}')")
echo "ok $planted look-alike functions and aggregates planted (and an operator for each operator function)"
# The trap works: a query of a victim that does not qualify its calls runs the look-alikes.
harness -c "TRUNCATE attacker.calls"
victim -c "SELECT lower('X'::text), cardinality(ARRAY['a']), 'a'::text = 'b', now()" >/dev/null
caught=$(harness -c "SELECT count(DISTINCT fn) FROM attacker.calls")
if [ "$caught" -ge 4 ]; then echo "ok an unqualified query by a victim runs $caught look-alikes (the trap works)"
else echo "FAIL an unqualified query ran $caught look-alikes, not 4: the trap does not work"; fail=1; fi
harness -c "TRUNCATE attacker.calls"

# 1. The install refuses the attacker's schema.
if out=$(victim -c "CREATE EXTENSION meshcat" 2>&1); then
    echo "FAIL CREATE EXTENSION installed into schema meshcat that regress_attacker created and filled"
    fail=1
else
    if grep -q 'schema "meshcat" already exists and is not the extension' <<<"$out" \
       && grep -q 'DETAIL:  It is owned by regress_attacker' <<<"$out" && grep -q 'HINT:' <<<"$out"; then
        echo "ok CREATE EXTENSION refuses the attacker's schema meshcat:"; sed 's/^/    /' <<<"$out"
    else
        echo "FAIL CREATE EXTENSION failed, but not with the expected error:"; sed 's/^/    /' <<<"$out"; fail=1
    fi
    state=$(victim -c "\set VERBOSITY verbose" -c "CREATE EXTENSION meshcat" 2>&1 | grep -o 'ERROR:  [0-9A-Z]*' || true)
    [ "$state" = "ERROR:  42P06" ] || { echo "FAIL the refusal's SQLSTATE is '$state', not 42P06"; fail=1; }
    harness -c "SET client_min_messages = warning" -c "DROP SCHEMA meshcat CASCADE"
    victim -c "CREATE EXTENSION meshcat"
fi

# 2. Everything, as the superuser, a steward, an administrator and a reader.
mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)
victim <<'SQL'
SET client_min_messages = warning;
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
SELECT * FROM meshcat.mesh_setup_roles() \g /dev/null
CREATE ROLE regress_hj_alice NOLOGIN IN ROLE sales_team, meshcat_steward;
CREATE ROLE regress_hj_carol NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_hj_reader NOLOGIN IN ROLE meshcat_reader;
SQL
victim -v mesh="$mesh" <<'SQL'
SELECT * FROM meshcat.mesh_register(:'mesh') \g /dev/null
SQL
victim <<'SQL'
SET ROLE regress_hj_carol;
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: hj-retention
scope: global
enforcement: recommended
rule: 'exists($.retention)'
message: declare a retention period
$$) \g /dev/null
SET ROLE regress_hj_alice;
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: hj-sales-described
domain: sales
enforcement: optional
rule: 'exists($.description)'
message: describe it
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.hijack
name: Hijack
version: 1.0.0
description: A product of the hijack test
tags: [hijack, test]
classification: confidential
owners: {technical: sales_eng}
inputs:
  - product: sales.orders
    version: ^1.2
  - source: shop.orders_db
outputs:
  - name: totals
    type: table
    location: sales.hijack_totals
    schema:
      - {name: order_id, type: bigint, required: true, derived_from: [sales.orders.orders.order_id]}
      - {name: amount, type: numeric, pii: false, derived_from: [sales.orders.orders.amount]}
$$) \g /dev/null
SELECT meshcat.mesh_publish('sales.hijack', '1.0.0') \g /dev/null
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.hijack
name: Hijack
version: 1.1.0
description: A product of the hijack test, with a note
tags: [hijack]
classification: confidential
retention: 1 year
owners: {technical: sales_eng, business: maria.lopez}
inputs:
  - product: sales.orders
    version: ^1.2
outputs:
  - name: totals
    type: table
    location: sales.hijack_totals
    schema:
      - {name: order_id, type: bigint, required: true, derived_from: [sales.orders.orders.order_id]}
      - {name: amount, type: numeric, derived_from: [sales.orders.orders.amount]}
      - {name: note, type: text}
$$) \g /dev/null
SELECT meshcat.mesh_publish('sales.hijack', '1.1.0') \g /dev/null
SELECT meshcat.mesh_deprecate('sales.hijack', '1.0.0', '2099-01-01', 'use 1.1.0') \g /dev/null
SELECT meshcat.mesh_retire('sales.hijack', '1.0.0') \g /dev/null
SELECT * FROM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.hijack, name: Withdrawn, version: 1.2.0}') \g /dev/null
SELECT meshcat.mesh_withdraw('sales.hijack', '1.2.0') \g /dev/null
SELECT * FROM meshcat.mesh_check('sales.hijack') \g /dev/null
SELECT * FROM meshcat.mesh_check('sales.hijack', '1.1.0') \g /dev/null
SELECT meshcat.mesh_request_exemption('sales.hijack', 'hj-retention', 'a test', '2099-01-01') AS x1 \gset
SELECT meshcat.mesh_request_exemption('sales.orders', 'hj-retention', 'a test', '2099-01-01') AS x2 \gset
SET ROLE regress_hj_carol;
SELECT meshcat.mesh_grant_exemption(:x1, '2098-01-01', 'granted') \g /dev/null
SELECT meshcat.mesh_grant_exemption(:x2) \g /dev/null
SELECT meshcat.mesh_revoke_exemption(:x2, 'revoked') \g /dev/null
SELECT * FROM meshcat.mesh_policy_dry_run($$
apiVersion: meshcat/v1
kind: Policy
name: hj-dry
scope: global
enforcement: required
rule: 'exists($.sla.freshness)'
message: declare a freshness
$$) \g /dev/null
SELECT * FROM meshcat.mesh_check('sales.orders') \g /dev/null
-- The glossary (terms naming each other, a product and a field naming them, a deprecation, a
-- deletion) and certification, whose level a policy rule reads.
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Hijack Term
domain: sales
definition: A term of the hijack test
synonyms: [hj]
related: [Hijack Other]
---
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Hijack Other
domain: sales
definition: Another term
related: [Hijack Term]
---
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Hijack Unused
domain: sales
definition: Named by nothing
---
apiVersion: meshcat/v1
kind: Policy
name: hj-certified
scope: global
enforcement: optional
rule: '$certification == "gold" || $certification == null'
message: certified gold, or not at all
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.hijack_glossary
name: Glossary
version: 1.0.0
glossary: [Hijack Term]
outputs: [{name: t, type: table, schema: [{name: a, type: int, glossary: [Hijack Other]}]}]
$$) \g /dev/null
SELECT * FROM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Hijack Other, domain: sales, definition: Deprecated, related: [Hijack Term], status: deprecated}') \g /dev/null
DELETE FROM meshcat.glossary_term WHERE name OPERATOR(pg_catalog.=) 'Hijack Unused';
SELECT meshcat.mesh_certify('sales.hijack', '1.1.0', 'gold', 'reviewed') \g /dev/null
SELECT meshcat.mesh_certify('sales.hijack', '1.1.0', 'silver') \g /dev/null
SELECT meshcat.mesh_certify('sales.hijack_glossary', '1.0.0', 'bronze') \g /dev/null
SELECT meshcat.mesh_certify('sales.hijack_glossary', '1.0.0', NULL) \g /dev/null
SELECT * FROM meshcat.mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: Policy, name: hj-dry3, scope: global, enforcement: optional, rule: "$certification != null", message: certify}') \g /dev/null
RESET ROLE;
SELECT * FROM meshcat.mesh_lineage_rebuild() \g /dev/null
SELECT * FROM meshcat.mesh_rebuild() \g /dev/null
-- Contracts on the real tables (76_binding, 77_provision, 78_drift): a table provisioned with
-- keys, checks and comments, a view adopted, then renamed and dropped (the event triggers).
CREATE SCHEMA hj_data;
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.hijack-tables
name: Hijack tables
version: 0.1.0
outputs:
  - name: made
    type: table
    location: hj_data.made
    description: provisioned
    schema:
      - {name: id, type: "numeric(12,2)", primary_key: true, description: an id}
      - {name: code, type: "varchar(8)", unique: true, quality: [{type: library, metric: invalidValues, arguments: {validValues: [a, b]}}]}
      - {name: tag, type: text, required: true, quality: [{type: library, metric: invalidValues, arguments: {pattern: '^x'}}, {metric: missingValues, arguments: {missingValues: [y]}, unit: percent}]}
    quality:
      - {metric: rowCount, mustBeGreaterOrEqualTo: 0}
      - {metric: duplicateValues, arguments: {properties: [id, tag]}}
      - {type: sql, query: "SELECT count(*) FROM ${object} WHERE lower(tag) = 'x'"}
  - {name: adopted, type: view, location: hj_data.adopted, schema: [{name: id, type: int}]}
slos:
  - {name: complete, objective: completeness, field: tag, target: 90}
  - {name: metric, objective: metric, metric: hijack_metric, mustBeLessThan: 5}
$$) \g /dev/null
SELECT * FROM meshcat.mesh_provision('sales.hijack-tables') \g /dev/null
-- Quality (82_quality, 83_quality_schedule): checks and objectives run, a metric recorded, pruned
SELECT * FROM meshcat.mesh_run_checks('sales.hijack-tables', '0.1.0') \g /dev/null
SELECT * FROM meshcat.mesh_record_metric('sales.orders', 'hijack_metric', 1) \g /dev/null
SELECT meshcat.mesh_prune_check_results() \g /dev/null
SELECT meshcat.mesh_schedule_checks('sales.orders', '0 3 * * *') FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron' \g /dev/null
SELECT meshcat.mesh_unschedule_checks('sales.orders') FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron' \g /dev/null
CREATE VIEW hj_data.adopted AS SELECT 1::bigint AS id;
SELECT * FROM meshcat.mesh_adopt('sales.hijack-tables', 'adopted') \g /dev/null
ALTER TABLE hj_data.made RENAME TO made2;
DROP VIEW hj_data.adopted;
-- Access (83_access): column grants approved, a request denied, the approval revoked, expiry.
CREATE SCHEMA hj_shared AUTHORIZATION sales_team;
SELECT * FROM meshcat.mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.hijack-access
name: Hijack access
version: 1.0.0
status: published
retention: 1 year
access: {allow: [regress_hj_reader]}
outputs:
  - {name: t, type: table, location: hj_shared.t, schema: [{name: id, type: int}, {name: mail, type: text, pii: true}]}
$$) \g /dev/null
SELECT * FROM meshcat.mesh_provision('sales.hijack-access') \g /dev/null
SELECT meshcat.mesh_request_access('sales.hijack-access', 't', 'regress_hj_reader', 'a test', '^1') AS a1 \gset
SELECT meshcat.mesh_approve(:a1, 'ok') \g /dev/null
SELECT meshcat.mesh_request_access('sales.hijack-access', 't', 'regress_hj_reader', 'again', columns => '{id}') AS a2 \gset
SELECT meshcat.mesh_deny(:a2, 'no') \g /dev/null
SELECT * FROM meshcat.mesh_access_drift() \g /dev/null
SELECT meshcat.mesh_revoke(:a1, 'done') \g /dev/null
SELECT meshcat.mesh_expire_access() \g /dev/null
SELECT meshcat.mesh_prune_events() \g /dev/null
SELECT meshcat.mesh_prune_evaluations() \g /dev/null
SELECT * FROM meshcat.mesh_ingest_openlineage('{"eventType": "COMPLETE", "eventTime": "2026-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "run": {"runId": "00000000-0000-4000-8000-000000000009"}, "job": {"namespace": "hj", "name": "job"}, "inputs": [{"namespace": "hj", "name": "in"}], "outputs": [{"namespace": "hj", "name": "out"}]}') \g /dev/null
SELECT meshcat.mesh_prune_openlineage() \g /dev/null
SELECT * FROM meshcat.mesh_install_policies() \g /dev/null
SQL

# The read API, as each role (the superuser too).
read_api=$(cat <<'SQL'
SELECT meshcat.mesh_acting_role() \g /dev/null
SELECT meshcat.mesh_acting_role_oid() \g /dev/null
SELECT meshcat.mesh_is_admin() \g /dev/null
SELECT meshcat.mesh_owns_domain('sales') \g /dev/null
SELECT meshcat.mesh_library_version() \g /dev/null
SELECT meshcat.mesh_descriptor_schema() \g /dev/null
SELECT meshcat.mesh_yaml_to_jsonb('a: [1, two, {b: null}]') \g /dev/null
SELECT * FROM meshcat.mesh_yaml_documents('a: 1
---
b: 2') \g /dev/null
SELECT meshcat.mesh_jsonb_to_yaml('{"a": [1, "two", {"b": null}]}') \g /dev/null
SELECT * FROM meshcat.mesh_upstream('marketing.attribution') \g /dev/null
SELECT * FROM meshcat.mesh_upstream('sales.hijack', 1) \g /dev/null
SELECT * FROM meshcat.mesh_downstream('sales.orders') \g /dev/null
SELECT * FROM meshcat.mesh_impact('sales.orders') \g /dev/null
SELECT * FROM meshcat.mesh_impact('sales.orders', '2.0.0') \g /dev/null
SELECT meshcat.mesh_lineage_path('sales.orders', 'sales.hijack') \g /dev/null
SELECT * FROM meshcat.mesh_column_lineage('sales.hijack', 'amount') \g /dev/null
SELECT * FROM meshcat.mesh_column_lineage('sales.orders', 'orders.amount', 'downstream') \g /dev/null
SELECT meshcat.mesh_lineage_dot('sales.orders') \g /dev/null
SELECT meshcat.mesh_lineage_dot(NULL) \g /dev/null
SELECT meshcat.mesh_lineage_mermaid('sales.hijack', 'upstream') \g /dev/null
SELECT meshcat.mesh_lineage_mermaid('sales.orders') \g /dev/null
SELECT * FROM meshcat.mesh_search('orders') \g /dev/null
SELECT * FROM meshcat.mesh_search('"order items" or hijack -nothing', 'sales', 'orders', 5) \g /dev/null
SELECT * FROM meshcat.mesh_search(NULL, NULL, 'hijack') \g /dev/null
SELECT * FROM meshcat.mesh_search('ordr', classification => 'internal', status => 'published,draft') \g /dev/null
SELECT * FROM meshcat.mesh_search('ord', NULL, NULL, 3, NULL, 'draft') \g /dev/null
SELECT * FROM meshcat.mesh_search_facets('orders') \g /dev/null
SELECT * FROM meshcat.mesh_search_facets('custmer profile -nothing', 'customer', NULL, 'confidential', 'published') \g /dev/null
SELECT * FROM meshcat.mesh_drift() \g /dev/null
SELECT * FROM meshcat.mesh_drift('sales.hijack-tables') \g /dev/null
SELECT * FROM meshcat.mesh_access_drift() \g /dev/null
SELECT * FROM meshcat.mesh_diff('sales.hijack', '1.0.0', '1.1.0') \g /dev/null
SELECT * FROM meshcat.mesh_diff('sales.orders', '1.2.0', '1.3.0') \g /dev/null
SELECT meshcat.mesh_export('sales.orders', '1.3.0', 'odcs') \g /dev/null
SELECT meshcat.mesh_export('sales.hijack') \g /dev/null
SELECT * FROM meshcat.mesh_validate($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.hijack
name: Hijack
version: 1.3.0
status: published
retention: 1 year
inputs: [{product: sales.orders, version: ^1.2}]
outputs: [{name: totals, type: table, schema: [{name: order_id, type: bigint, derived_from: [sales.orders.orders.order_id]}]}]
---
{apiVersion: meshcat/v1, kind: DataProduct, id: sales.hijack2, name: H, version: 1.0.0, descripton: a typo}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: nowhere.hijack, name: H, version: 1.0.0}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: sales.hijack3, name: H, version: 1.0.0, glossary: [No Such Term]}
---
{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Hijack Bad, domain: sales, definition: d, related: [No Such Term]}
$$) \g /dev/null
SQL
)
views=$(harness -c "SELECT pg_catalog.format('SELECT * FROM %I.%I \g /dev/null', n.nspname, c.relname) FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace WHERE n.nspname OPERATOR(pg_catalog.=) 'meshcat' AND c.relkind OPERATOR(pg_catalog.=) 'v' ORDER BY c.relname")
[ "$(wc -l <<<"$views")" -ge 10 ] || { echo "FAIL found only these views: $views"; fail=1; }
for role in postgres regress_hj_alice regress_hj_carol regress_hj_reader; do
    { [ $role = postgres ] || echo "SET ROLE $role;"; echo "$read_api"; echo "$views"; } | victim
done
victim <<'SQL'
SET ROLE regress_hj_reader;
SELECT * FROM meshcat.mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: Policy, name: hj-dry2, domain: sales, enforcement: optional, rule: "exists($.owners)", message: name owners}') \g /dev/null
SQL
echo "ok the whole API ran as the superuser, a steward, an administrator and a reader"

# 3. The attacker, now a reader: operators on semver, temporary tables named like the
#    catalog's (pg_temp is searched first for relations), then all PUBLIC may call.
harness -c "GRANT meshcat_reader TO regress_attacker"
harness <<'SQL'
SET ROLE regress_attacker;
CREATE FUNCTION attacker.semver_eq(meshcat.semver, meshcat.semver) RETURNS boolean LANGUAGE sql AS $b$
    INSERT INTO attacker.calls VALUES ('operator semver = semver', 'attacker', CURRENT_USER, 1);
    SELECT meshcat.semver_eq($1, $2) $b$;
CREATE OPERATOR attacker.= (leftarg = meshcat.semver, rightarg = meshcat.semver, function = attacker.semver_eq);
CREATE FUNCTION attacker.semver_lt(meshcat.semver, meshcat.semver) RETURNS boolean LANGUAGE sql AS $b$
    INSERT INTO attacker.calls VALUES ('operator semver < semver', 'attacker', CURRENT_USER, 1);
    SELECT meshcat.semver_lt($1, $2) $b$;
CREATE OPERATOR attacker.< (leftarg = meshcat.semver, rightarg = meshcat.semver, function = attacker.semver_lt);
-- Operators on meshcat's enums, more specific than the built-in anyenum ones.
SELECT format($f$
CREATE FUNCTION attacker.%1$I(meshcat.%2$I, meshcat.%2$I) RETURNS boolean LANGUAGE sql AS $b$
    INSERT INTO attacker.calls VALUES (%3$L, 'attacker', CURRENT_USER, 1); SELECT pg_catalog.%4$I($1, $2) $b$;
CREATE OPERATOR attacker.%5$s (leftarg = meshcat.%2$I, rightarg = meshcat.%2$I, function = attacker.%1$I);
$f$, 'op_' || e.builtin || '_' || t.typ, t.typ, 'operator ' || t.typ || ' ' || e.op || ' ' || t.typ, e.builtin, e.op)
  FROM (VALUES ('lifecycle_status'), ('classification'), ('enforcement')) AS t(typ),
       (VALUES ('=', 'enum_eq'), ('<>', 'enum_ne'), ('<', 'enum_lt'), ('>', 'enum_gt')) AS e(op, builtin) \gexec
CREATE FUNCTION attacker.semver_satisfies(meshcat.semver, text) RETURNS boolean LANGUAGE sql AS $b$
    INSERT INTO attacker.calls VALUES ('semver_satisfies(semver, text)', 'attacker', CURRENT_USER, 1);
    SELECT meshcat.semver_satisfies($1, $2) $b$;
SQL
temps=$(harness -c "SELECT pg_catalog.format('CREATE TEMP TABLE %I (LIKE meshcat.%I);', c.relname, c.relname) FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace WHERE n.nspname OPERATOR(pg_catalog.=) 'meshcat' AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,v}') ORDER BY c.relname")
{ echo "SET ROLE regress_attacker;"; echo "$temps"; echo "$read_api"; echo "$views"; } | victim
echo "ok the attacker ran the read API with its own semver operators and temporary look-alike tables"

# 4. Every mesh_% function of the extension is in the lists above, and ran.
exercised=$(grep -v '^#' "$0" | grep -o 'meshcat\.mesh_[a-z_]*(' | sed 's/^meshcat\.//; s/($//' | sort -u)
api=$(harness -c "SELECT p.proname FROM pg_catalog.pg_proc AS p WHERE p.pronamespace OPERATOR(pg_catalog.=) 'meshcat'::pg_catalog.regnamespace AND p.proname OPERATOR(pg_catalog.~~) 'mesh\_%' GROUP BY 1 ORDER BY 1")
missing=$(comm -23 <(echo "$api") <(echo "$exercised"))
if [ -n "$missing" ]; then
    echo "FAIL public functions this test does not exercise (add them):"; sed 's/^/    /' <<<"$missing"; fail=1
else
    echo "ok all $(wc -l <<<"$api") mesh_% functions are exercised"
fi
sleep 1   # the backends above report their function counts as they exit
notrun=$(harness -c "SELECT pg_catalog.pg_stat_clear_snapshot()" -c "SELECT p.proname FROM pg_catalog.pg_proc AS p LEFT JOIN pg_catalog.pg_stat_user_functions AS s ON s.funcid OPERATOR(pg_catalog.=) p.oid WHERE p.pronamespace OPERATOR(pg_catalog.=) 'meshcat'::pg_catalog.regnamespace AND p.proname OPERATOR(pg_catalog.~~) 'mesh\_%' GROUP BY 1 HAVING pg_catalog.sum(COALESCE(s.calls, 0)) OPERATOR(pg_catalog.=) 0 ORDER BY 1" | grep -v '^$' || true)
# without pg_cron, scheduling cannot run (0A000): only then are its two functions let off
if [ "$has_cron" = 0 ]; then notrun=$(grep -vx 'mesh_schedule_checks\|mesh_unschedule_checks' <<<"$notrun" || true); fi
if [ -n "$notrun" ]; then
    echo "FAIL listed but never called (track_functions counts none):"; sed 's/^/    /' <<<"$notrun"; fail=1
else
    echo "ok each of them ran (track_functions)"
fi

# 5. None of the planted code ran.
ran=$(harness -c "SELECT c.schema OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) c.fn OPERATOR(pg_catalog.||) ' as ' OPERATOR(pg_catalog.||) c.by_role OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) pg_catalog.count(*) OPERATOR(pg_catalog.||) ' call(s)' FROM attacker.calls AS c GROUP BY c.schema, c.fn, c.by_role ORDER BY 1")
if [ -n "$ran" ]; then
    echo "FAIL planted code ran inside meshcat:"; sed 's/^/    /' <<<"$ran"; fail=1
else
    echo "ok attacker.calls is empty: no planted function or operator ran"
fi

# Leave a long-lived cluster as it was (pg_virtualenv's is thrown away anyway). pg_cron's
# scheduler holds a session on the database and reconnects: forced, and tried again.
for try in 1 2 3 4 5; do
    psql -X -q -d postgres -c "DROP DATABASE $db WITH (FORCE)" 2>/dev/null && break
    [ "$try" -lt 5 ] || { echo "FAIL could not drop $db"; fail=1; }
    sleep 1
done
for r in regress_attacker regress_hj_alice regress_hj_carol regress_hj_reader sales_team customer_team marketing_team \
         finance_team logistics_team commerce_council meshcat_admin meshcat_steward meshcat_reader; do
    psql -X -q -d postgres -c "DROP ROLE $r"
done
exit $fail
