-- Quality checks executed in the database (docs/quality.md): mesh_run_checks runs the checks of
-- a version's bound ports as the domain's owner role, read-only, each timed by
-- meshcat.check_timeout, all library metrics of a relation in one scan; results keep their
-- history; a new failure is an event; mesh_record_metric holds outside measurements to the
-- same thresholds; mesh_prune_check_results keeps the latest of each check.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_q_team NOLOGIN;
CREATE ROLE regress_q_other_team NOLOGIN;
CREATE ROLE regress_q_steward NOLOGIN IN ROLE regress_q_team, meshcat_steward;
CREATE ROLE regress_q_other NOLOGIN IN ROLE regress_q_other_team, meshcat_steward;
CREATE ROLE regress_q_reader NOLOGIN IN ROLE meshcat_reader;
-- A governance administrator owns every domain, but is not a member of its owner role.
CREATE ROLE regress_q_admin NOLOGIN IN ROLE meshcat_admin;
SELECT current_database() AS db \gset
GRANT CREATE ON DATABASE :"db" TO regress_q_team;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: qa
owner: regress_q_team
---
apiVersion: meshcat/v1
kind: Domain
name: qb
owner: regress_q_other_team
$$);

-- Every library metric, field-level and port-level, rows and percent, each severity.
SET ROLE regress_q_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.orders
name: Orders
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    location: q_qa.orders
    quality:
      - {type: library, metric: rowCount, mustBeGreaterThan: 0, dimension: completeness}
      - {type: library, metric: duplicateValues, arguments: {properties: [id, status]}, name: id_status_unique}
    schema:
      - name: id
        type: int
        quality:
          - {type: library, metric: nullValues, mustBe: 0, dimension: completeness}
          - {type: library, metric: duplicateValues}
      - name: status
        type: text
        quality:
          - {type: library, metric: invalidValues, arguments: {validValues: [open, shipped]}, mustBeLessThan: 2}
          - {type: library, metric: invalidValues, arguments: {validValues: [open, shipped]}, unit: percent, mustBeLessThan: 25}
          - {type: library, metric: missingValues, arguments: {missingValues: ['', n/a]}, severity: warning}
      - name: sku
        type: text
        quality:
          - {type: library, metric: invalidValues, arguments: {pattern: '^[A-Z]{3}-[0-9]+$'}, severity: info}
          - {type: library, metric: nullValues, unit: percent, mustBeLessOrEqualTo: 20}
$$);
SELECT * FROM mesh_provision('qa.orders');
RESET ROLE;
INSERT INTO q_qa.orders (id, status, sku) VALUES
    (1, 'open', 'ABC-1'), (2, 'shipped', 'ABC-2'), (3, 'lost', 'abc-3'), (3, '', NULL), (NULL, 'n/a', 'XYZ-9');

-- (the provisioned table has no CHECK from these thresholds: it may hold invalid rows)
-- Known contents, known results: 5 rows; id: one NULL, one duplicate (3); status: 3 invalid
-- (60 %), 2 missing; sku: 1 not matching the pattern (NULLs are not invalid), 1 NULL (20 %).
SET ROLE regress_q_steward;
SELECT port, check_name, metric, value, threshold, passed, severity, error FROM mesh_run_checks('qa.orders') ORDER BY check_name;
-- Stored with their dimension and origin, shown by the latest-results view.
SELECT check_name, field, dimension, origin, passed FROM mesh_check_results WHERE product_id = 'qa.orders' ORDER BY check_name;
RESET ROLE;

-- All library metrics of one relation are computed in one scan of it.
-- (this backend's scans of it not yet reported, before and after)
BEGIN;
SELECT pg_stat_get_xact_numscans('q_qa.orders'::regclass) AS scans_before \gset
SET ROLE regress_q_steward;
SELECT count(*) FROM mesh_run_checks('qa.orders');
RESET ROLE;
SELECT pg_stat_get_xact_numscans('q_qa.orders'::regclass) - :scans_before AS scans_of_the_table;
ROLLBACK;

-- Every operator, passing and failing, on the row count (5).
SET ROLE regress_q_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.ops
name: Operators
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    location: q_qa.ops
    quality:
      - {name: be_pass, metric: rowCount, mustBe: 5}
      - {name: be_fail, metric: rowCount, mustBe: 4}
      - {name: not_be_pass, metric: rowCount, mustNotBe: 4}
      - {name: not_be_fail, metric: rowCount, mustNotBe: 5}
      - {name: gt_pass, metric: rowCount, mustBeGreaterThan: 4}
      - {name: gt_fail, metric: rowCount, mustBeGreaterThan: 5}
      - {name: ge_pass, metric: rowCount, mustBeGreaterOrEqualTo: 5}
      - {name: ge_fail, metric: rowCount, mustBeGreaterOrEqualTo: 6}
      - {name: lt_pass, metric: rowCount, mustBeLessThan: 6}
      - {name: lt_fail, metric: rowCount, mustBeLessThan: 5}
      - {name: le_pass, metric: rowCount, mustBeLessOrEqualTo: 5}
      - {name: le_fail, metric: rowCount, mustBeLessOrEqualTo: 4}
      - {name: between_pass, metric: rowCount, mustBeBetween: [5, 10]}
      - {name: between_fail, metric: rowCount, mustBeBetween: [6, 10]}
      - {name: not_between_pass, metric: rowCount, mustNotBeBetween: [6, 10]}
      - {name: not_between_fail, metric: rowCount, mustNotBeBetween: [1, 5]}
      - {name: two_operators, metric: rowCount, mustBeGreaterThan: 1, mustBeLessThan: 5}
      - {name: default_row_count, metric: rowCount}
      - {name: bad_between, metric: rowCount, mustBeBetween: [10, 1]}
      - {name: bad_bound, metric: rowCount, mustBe: five}
    schema:
      - {name: n, type: int}
$$);
SELECT * FROM mesh_provision('qa.ops');
INSERT INTO q_qa.ops SELECT generate_series(1, 5);
SELECT check_name, value, threshold, passed, error FROM mesh_run_checks('qa.ops') ORDER BY check_name;
RESET ROLE;

-- A sql check that is not one read-only SELECT, or a pattern that is not a regular
-- expression, could never run: the descriptor is refused (22023, with the path). A query that
-- does not parse may be another engine's SQL (a standard's contract): it is registered, and
-- fails when it runs here.
CREATE FUNCTION pg_temp.try_register(query text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
    msg text;
    state text;
BEGIN
    PERFORM meshcat.mesh_register(format($y$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.refused
name: Refused
version: 1.0.0
outputs:
  - name: t
    type: table
    location: q_qa.refused
    quality: [{type: sql, query: %s}]
    schema: [{name: n, type: int, quality: [{metric: invalidValues, arguments: {pattern: '^[0-9]+$'}}]}]
$y$, to_jsonb(query)));
    RETURN 'registered';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN state || ': ' || msg;
END
$f$;
SET ROLE regress_q_steward;
SELECT q AS query, pg_temp.try_register(q) AS outcome
  FROM unnest(ARRAY['INSERT INTO q_qa.t VALUES (99)',
                    'WITH d AS (DELETE FROM q_qa.t RETURNING 1) SELECT count(*) FROM d',
                    'SELECT count(*) FROM (SELECT n FROM q_qa.t FOR UPDATE) AS x',
                    'SELECT 0 FROM q_qa.t FOR SHARE',
                    'SELECT 0; DELETE FROM q_qa.t',
                    'SELECT 0 INTO q_qa.copy',
                    'UPDATE q_qa.t SET n = 0',
                    'SELEC 1',
                    'SELECT count(*) FROM ${object} WHERE n IS NULL']) AS q;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.refused
name: Refused
version: 1.0.0
outputs:
  - name: t
    type: table
    location: q_qa.refused
    schema: [{name: n, type: int, quality: [{metric: invalidValues, arguments: {pattern: '(unclosed'}}]}]
$$);
-- ... and refused when it runs too (a check registered before this rule, or run by hand),
-- before anything runs (0A000)
SELECT q AS query, r.error, r.sqlstate
  FROM unnest(ARRAY['INSERT INTO q_qa.t VALUES (99)',
                    'WITH d AS (DELETE FROM q_qa.t RETURNING 1) SELECT count(*) FROM d',
                    'SELECT count(*) FROM (SELECT n FROM q_qa.t FOR UPDATE) AS x',
                    'SELECT 0; DELETE FROM q_qa.t',
                    'SELECT 0 INTO q_qa.copy',
                    'SELEC 1']) AS q,
       meshcat_internal.run_check_query(q, 'regress_q_team'::regrole, true) AS r;
RESET ROLE;
-- (only the last, a SELECT, was registered)
SELECT product_id, version, status FROM mesh_versions WHERE product_id = 'qa.refused';
-- A descriptor that holds writing checks anyway (written behind the triggers' back, as a
-- restore does): mesh_run_checks refuses each before it runs, and records it as failed.
SET ROLE regress_q_steward;
SELECT * FROM mesh_provision('qa.refused', '1.0.0');
RESET ROLE;
SET session_replication_role = replica;
UPDATE product_version SET descriptor = jsonb_set(jsonb_set(descriptor, '{outputs,0,quality}', '[
    {"type": "sql", "name": "inserts", "query": "INSERT INTO q_qa.refused VALUES (99)"},
    {"type": "sql", "name": "writing_cte", "query": "WITH d AS (DELETE FROM q_qa.refused RETURNING 1) SELECT count(*) FROM d"},
    {"type": "sql", "name": "locks", "query": "SELECT count(*) FROM (SELECT n FROM q_qa.refused FOR UPDATE) AS x"},
    {"type": "sql", "name": "two_statements", "query": "SELECT 0; DELETE FROM q_qa.refused"}]'),
    '{outputs,0,schema,0,quality}', '[{"metric": "invalidValues", "name": "bad_pattern", "arguments": {"pattern": "(unclosed"}}]')
 WHERE product_id = 'qa.refused';
RESET session_replication_role;
INSERT INTO q_qa.refused VALUES (1);
SET ROLE regress_q_steward;
SELECT check_name, passed, error FROM mesh_run_checks('qa.refused', '1.0.0') ORDER BY check_name;
RESET ROLE;
SELECT count(*) AS rows_kept FROM q_qa.refused;

-- sql checks: run as the domain's owner role (current_user), read-only, timed; errors and
-- timeouts are failed checks, and the call completes. Library checks that cannot be
-- computed fail alone.
SET ROLE regress_q_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.sqlchecks
name: SQL checks
version: 1.0.0
status: published
outputs:
  - name: t
    type: table
    location: q_qa.t
    quality:
      - {type: sql, name: runs_as_owner, query: "SELECT CASE WHEN current_user = 'regress_q_team' THEN 0 ELSE 1 END"}
      - {type: sql, name: object_placeholder, query: "SELECT count(*) FROM ${object} WHERE n > 1", mustBe: 2}
      - {type: sql, name: errs, query: "SELECT 1 / (count(*) - 3) FROM q_qa.t"}
      - {type: sql, name: sleeps, query: "SELECT count(*) FROM pg_catalog.pg_sleep(30)"}
      - {type: sql, name: sneaky_write, query: "SELECT count(*) FROM (SELECT pg_catalog.nextval('q_qa.s')) AS x"}
      - {type: sql, name: not_a_number, query: "SELECT 'zero'::text"}
      - {type: sql, name: two_rows, query: "SELECT n FROM q_qa.t"}
      - {type: sql, name: returns_null, query: "SELECT NULL::int"}
      - {type: sql, name: temp_table, query: "SELECT count(*) FROM pg_temp.shadow"}
      - {metric: nullValues, name: no_field}
      - {metric: duplicateValues, name: no_such_column, arguments: {properties: [n, missing]}}
      - {rule: sizes, name: unknown_metric}
    schema:
      - name: n
        type: int
        quality:
          - {metric: invalidValues, name: no_arguments}
          - {metric: nullValues, name: bad_unit, unit: kg}
          - {type: sql, name: property_placeholder, query: "SELECT count(*) FROM ${object} WHERE ${property} IS NULL"}
          - {type: sql, name: other_placeholders, query: "SELECT count(*) FROM ${table} AS a JOIN {model} AS b ON a.${column} = b.{field} WHERE a.${column} > 2", mustBe: 1}
$$);
SELECT * FROM mesh_provision('qa.sqlchecks');
RESET ROLE;
INSERT INTO q_qa.t VALUES (1), (2), (3);
CREATE SEQUENCE q_qa.s;
ALTER SEQUENCE q_qa.s OWNER TO regress_q_team;
CREATE TEMP TABLE shadow (n int);
SET meshcat.check_timeout = '100ms';
SELECT check_name, value, passed, error FROM mesh_run_checks('qa.sqlchecks') ORDER BY check_name;
RESET meshcat.check_timeout;
-- nothing was written, and the session is as it was (read-write, its own role)
SELECT count(*) AS rows_left FROM q_qa.t;
SELECT pg_catalog.nextval('q_qa.s') AS sequence_untouched;
SELECT current_user, current_setting('transaction_read_only') AS read_only;
SELECT check_name, sqlstate FROM mesh_check_results WHERE product_id = 'qa.sqlchecks' AND sqlstate IS NOT NULL ORDER BY check_name;

-- The user's own cancel (here statement_timeout) is not a check's timeout: it ends the call.
SET meshcat.check_timeout = 0;
SET statement_timeout = '200ms';
\set VERBOSITY terse
SELECT count(*) FROM mesh_run_checks('qa.sqlchecks');
\set VERBOSITY default
RESET statement_timeout;
RESET meshcat.check_timeout;

-- Whose rights: a steward of another domain, and a governance administrator who is not a
-- member of the owner role, may not run the checks (they would run as that role); a reader
-- may not run them at all, but reads the results.
SET ROLE regress_q_other;
SELECT * FROM mesh_run_checks('qa.orders');
RESET ROLE;
SET ROLE regress_q_admin;
SELECT * FROM mesh_run_checks('qa.orders');
RESET ROLE;
SET ROLE regress_q_reader;
SELECT * FROM mesh_run_checks('qa.orders');
SELECT count(*) AS results_a_reader_sees FROM mesh_check_results WHERE product_id = 'qa.orders';
-- the internals refuse too: running a query as the owner role, storing a result
SELECT * FROM meshcat_internal.run_check_query('SELECT 1', 'regress_q_team'::regrole, false);
RESET ROLE;
SET ROLE regress_q_other;
SELECT * FROM meshcat_internal.run_check_query('SELECT 1', 'regress_q_team'::regrole, false);
SELECT meshcat_internal.store_check_result('qa.orders', '1.0.0', 'orders', 'rowCount', NULL, 'rowCount', NULL, 'error', 0,
                                           'mustBe 0', false, NULL, NULL, 'run', now(), false);
RESET ROLE;

-- Versions: the highest published by default; a named one; unknown product or version; a
-- port that is not bound is skipped with a NOTICE.
SET ROLE regress_q_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.orders
name: Orders
version: 1.1.0
status: draft
outputs:
  - name: orders
    type: table
    location: q_qa.orders
    quality:
      - {metric: rowCount, mustBe: 5, name: draft_only}
    schema:
      - {name: id, type: int}
      - {name: status, type: text}
      - {name: sku, type: text}
  - name: elsewhere
    type: table
    location: q_qa.not_there
    quality:
      - {metric: rowCount}
$$);
SELECT port, check_name, passed FROM mesh_run_checks('qa.orders', '1.1.0') ORDER BY check_name;
SELECT count(*) AS checks_of_1_0_0 FROM mesh_run_checks('qa.orders');
SELECT * FROM mesh_run_checks('qa.nothing');
SELECT * FROM mesh_run_checks('qa.orders', '9.9.9');
SELECT * FROM mesh_run_checks('qa.draftonly');
RESET ROLE;
-- a domain whose owner role was dropped: its checks cannot run as anyone
CREATE ROLE regress_q_gone NOLOGIN;
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: qgone
owner: regress_q_gone
---
apiVersion: meshcat/v1
kind: DataProduct
id: qgone.p
name: P
version: 1.0.0
status: published
$$);
DROP ROLE regress_q_gone;
SELECT * FROM mesh_run_checks('qgone.p');

-- History: every run is kept; a failure is an event only when it is new (the check passed
-- before, or never ran); a check that keeps failing sends none.
SELECT check_name, count(*) AS runs FROM mesh_check_history
 WHERE product_id = 'qa.orders' AND version_text = '1.0.0' AND check_name IN ('id.nullValues', 'rowCount')
 GROUP BY check_name ORDER BY check_name;
SELECT payload ->> 'check' AS failed_check, payload ->> 'severity' AS severity, count(*) AS events
  FROM meshcat_internal.event WHERE kind = 'check_failed' AND product_id = 'qa.orders'
 GROUP BY 1, 2 ORDER BY 1;
DELETE FROM q_qa.orders WHERE id IS NULL;
SET ROLE regress_q_steward;
SELECT passed FROM mesh_run_checks('qa.orders') WHERE check_name = 'id.nullValues';
RESET ROLE;
INSERT INTO q_qa.orders VALUES (NULL, 'open', 'ABC-7');
SET ROLE regress_q_steward;
SELECT passed FROM mesh_run_checks('qa.orders') WHERE check_name = 'id.nullValues';
RESET ROLE;
SELECT count(*) AS id_null_failures_announced FROM meshcat_internal.event
 WHERE kind = 'check_failed' AND payload ->> 'check' = 'id.nullValues';

-- mesh_record_metric: held to the check of that name (its own, or <field>.<metric>), stored in
-- the same history; a metric no check names is recorded unjudged. Domain owners only.
SET ROLE regress_q_steward;
SELECT * FROM mesh_record_metric('qa.ops', 'be_pass', 5);
SELECT * FROM mesh_record_metric('qa.ops', 'between_pass', 11);
SELECT * FROM mesh_record_metric('qa.orders', 'sku.nullValues', 10);
SELECT * FROM mesh_record_metric('qa.orders', 'latency_ms', 250, now() - interval '1 hour');
SELECT check_name, value, passed, origin FROM mesh_check_results
 WHERE product_id IN ('qa.ops', 'qa.orders') AND origin = 'recorded' ORDER BY product_id, check_name;
SELECT * FROM mesh_record_metric('qa.ops', NULL, 1);
SELECT * FROM mesh_record_metric('qa.ops', 'be_pass', NULL);
SELECT * FROM mesh_record_metric('qa.nothing', 'x', 1);
RESET ROLE;
SET ROLE regress_q_other;
SELECT * FROM mesh_record_metric('qa.ops', 'be_pass', 5);
RESET ROLE;

-- Service level objectives: freshness, completeness, row count (measured in the checks' scan),
-- and a metric (judged on the latest result of the metric it names); met, violated or unknown
-- (never measured, or not measurable), since when; a new violation is an event.
SET ROLE regress_q_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: qa.fresh
name: Fresh
version: 1.0.0
status: published
slos:
  - {name: fresh, objective: freshness, field: at, within: 1 hour}
  - {name: complete, objective: completeness, field: note, target: 50}
  - {name: enough_rows, objective: rowCount, target: 3}
  - {name: latency, objective: metric, metric: latency_ms, mustBeLessThan: 200}
  - {name: no_such_field, objective: freshness, field: nope, within: 1 hour}
  - {name: wrong_type, objective: freshness, field: note, within: 1 hour}
  - {name: no_target, objective: rowCount}
outputs:
  - name: events
    type: table
    location: q_qa.events
    schema:
      - {name: at, type: timestamptz}
      - {name: note, type: text}
$$);
SELECT * FROM mesh_provision('qa.fresh');
SELECT objective, kind, target, status, since IS NULL AS never, error FROM mesh_slo_status WHERE product_id = 'qa.fresh' ORDER BY objective;
RESET ROLE;
INSERT INTO q_qa.events VALUES (now() - interval '2 hours', 'a'), (now() - interval '3 hours', NULL);
SET ROLE regress_q_steward;
SELECT count(*) AS checks FROM mesh_run_checks('qa.fresh');
SELECT objective, status, CASE WHEN kind = 'freshness' THEN latest_value > 7000 END AS two_hours_old,
       CASE WHEN kind <> 'freshness' THEN latest_value END AS latest_value, since = measured_at AS since_now, error
  FROM mesh_slo_status WHERE product_id = 'qa.fresh' ORDER BY objective;
SELECT * FROM mesh_record_metric('qa.fresh', 'latency_ms', 150);
RESET ROLE;
INSERT INTO q_qa.events VALUES (now(), 'b');
SET ROLE regress_q_steward;
SELECT count(*) AS checks FROM mesh_run_checks('qa.fresh');
SELECT * FROM mesh_record_metric('qa.fresh', 'latency_ms', 300);
SELECT objective, status, CASE WHEN kind <> 'freshness' THEN latest_value END AS latest_value FROM mesh_slo_status
 WHERE product_id = 'qa.fresh' AND error IS NULL ORDER BY objective;
-- a status held since its first evaluation with that status
SELECT count(*) AS evaluations, (SELECT since FROM mesh_slo_status WHERE product_id = 'qa.fresh' AND objective = 'no_target') = min(measured_at) AS unknown_since_first
  FROM mesh_check_history WHERE product_id = 'qa.fresh' AND slo AND check_name = 'no_target';
RESET ROLE;
SELECT payload ->> 'objective' AS objective, count(*) AS violations_announced FROM meshcat_internal.event
 WHERE kind = 'slo_violated' GROUP BY 1 ORDER BY 1;
-- Objectives are contract: an ODCS export carries them (customProperties meshcat.slos).
SELECT mesh_export('qa.fresh', NULL, 'odcs') ~ 'property: meshcat.slos' AS slos_exported;
-- The trust summary in mesh_products (appended columns).
SELECT id, checks_passing, checks_failing, checks_warning, last_checked IS NOT NULL AS checked, slos_met, slos_violated
  FROM mesh_products WHERE id LIKE 'qa.%' ORDER BY id;

-- Scheduling needs pg_cron in this database (test/t/quality_cron.sh runs a job): without it,
-- 0A000 with a HINT; the role rule comes first.
SET ROLE regress_q_steward;
SELECT mesh_schedule_checks('qa.orders', '*/15 * * * *');
SELECT mesh_unschedule_checks('qa.orders');
RESET ROLE;
SET ROLE regress_q_other;
SELECT mesh_schedule_checks('qa.orders', '*/15 * * * *');
RESET ROLE;

-- Pruning: administrators only; keeps the latest result of every check.
SET ROLE regress_q_steward;
SELECT mesh_prune_check_results();
RESET ROLE;
SELECT * FROM mesh_record_metric('qa.ops', 'be_pass', 4, now() - interval '1 year');
SELECT * FROM mesh_record_metric('qa.ops', 'be_pass', 5, now() - interval '200 days');
SELECT * FROM mesh_record_metric('qa.ops', 'be_pass', 5, now() - interval '100 days');
SELECT * FROM mesh_record_metric('qa.orders', 'old_only', 1, now() - interval '1 year');
SET ROLE regress_q_admin;
SELECT mesh_prune_check_results() AS pruned;
RESET ROLE;
SELECT check_name, count(*) FROM mesh_check_history WHERE check_name IN ('be_pass', 'old_only') GROUP BY 1 ORDER BY 1;
SELECT check_name, value FROM mesh_check_results WHERE check_name IN ('be_pass', 'old_only') ORDER BY 1;
SET meshcat.check_retention = 'forever';
SELECT mesh_prune_check_results();
RESET meshcat.check_retention;

SET client_min_messages = warning;
-- (the extension first: its DDL guard would refuse dropping the contracted tables)
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA q_qa CASCADE;
REVOKE CREATE ON DATABASE :"db" FROM regress_q_team;
DROP OWNED BY regress_q_team, regress_q_other_team, regress_q_steward, regress_q_other, regress_q_reader,
              regress_q_admin, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_q_steward, regress_q_other, regress_q_reader, regress_q_admin,
          regress_q_team, regress_q_other_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
