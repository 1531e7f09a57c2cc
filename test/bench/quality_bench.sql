-- Quality checks benchmark (docs/performance.md): every check of a product on an N-row table
-- (default 1 000 000) through mesh_run_checks, against one hand-written aggregate query that
-- computes the same metrics, measured in one run, interleaved, median of 5 each. Run by
-- quality_bench.sh (psql -v n=...). Goal: ratio at most 1.3.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS meshcat CASCADE;
SET search_path = meshcat, public;
\ir cpu_time.sql

CREATE ROLE bench_q_team NOLOGIN;
SELECT count(*) AS documents FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: bq
owner: bench_q_team
---
apiVersion: meshcat/v1
kind: DataProduct
id: bq.orders
name: Orders
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    location: bench_q.orders
    quality:
      - {metric: rowCount, mustBeGreaterThan: 0}
      - {metric: duplicateValues, arguments: {properties: [customer, day]}, unit: percent, mustBeLessThan: 50}
    schema:
      - name: id
        type: bigint
        quality:
          - {metric: nullValues}
          - {metric: duplicateValues}
      - name: customer
        type: int
        quality:
          - {metric: nullValues, unit: percent, mustBeLessThan: 5}
      - name: status
        type: text
        quality:
          - {metric: invalidValues, arguments: {validValues: [open, shipped, returned]}, mustBeLessThan: 1000, severity: warning}
          - {metric: missingValues, arguments: {missingValues: ['', n/a]}, unit: percent, mustBeLessThan: 10}
      - name: sku
        type: text
        quality:
          - {metric: invalidValues, arguments: {pattern: '^[A-Z]{3}-[0-9]+$'}, mustBeLessThan: 100}
          - {metric: nullValues, mustBeLessThan: 100000}
      - {name: day, type: date}
$$);
SELECT count(*) AS created FROM mesh_provision('bq.orders');
INSERT INTO bench_q.orders (id, customer, status, sku, day)
SELECT i, CASE WHEN i % 50 = 0 THEN NULL ELSE i % 20000 END,
       (ARRAY['open', 'shipped', 'returned', '', 'n/a', 'lost'])[1 + i % 6 * (i % 7 / 6)],
       CASE WHEN i % 11 = 0 THEN NULL WHEN i % 997 = 0 THEN 'bad' ELSE 'ABC-' || i END,
       date '2026-01-01' + i % 365
  FROM generate_series(1, :n) AS i;
VACUUM ANALYZE bench_q.orders;

-- The hand-written query: the same metrics, one scan.
CREATE FUNCTION pg_temp.hand() RETURNS numeric[] LANGUAGE sql AS $$
    SELECT ARRAY[count(*), count(*) - count(DISTINCT (customer, day)),
                 count(*) FILTER (WHERE id IS NULL), count(id) - count(DISTINCT id),
                 count(*) FILTER (WHERE customer IS NULL),
                 count(*) FILTER (WHERE status NOT IN ('open', 'shipped', 'returned')),
                 count(*) FILTER (WHERE status IS NULL OR status IN ('', 'n/a')),
                 count(*) FILTER (WHERE sku !~ '^[A-Z]{3}-[0-9]+$'),
                 count(*) FILTER (WHERE sku IS NULL)]
      FROM bench_q.orders
$$;
-- Same answers first.
SELECT (SELECT array_agg(value ORDER BY check_name) FROM mesh_run_checks('bq.orders') WHERE check_name IN ('id.nullValues', 'rowCount', 'sku.nullValues'))
       = ARRAY[(pg_temp.hand())[3], (pg_temp.hand())[1], (pg_temp.hand())[9]] AS same_answers;

CREATE TEMP TABLE timing (what text, round int, wall_ms float8, cpu_s float8);
DO $$
DECLARE t timestamptz; c float8;
BEGIN
    FOR r IN 1..5 LOOP
        t := clock_timestamp(); c := pg_temp.cpu_s();
        PERFORM pg_temp.hand();
        INSERT INTO timing VALUES ('hand', r, 1000 * extract(epoch FROM clock_timestamp() - t), pg_temp.cpu_s() - c);
        t := clock_timestamp(); c := pg_temp.cpu_s();
        PERFORM count(*) FROM meshcat.mesh_run_checks('bq.orders');
        INSERT INTO timing VALUES ('mesh_run_checks', r, 1000 * extract(epoch FROM clock_timestamp() - t), pg_temp.cpu_s() - c);
    END LOOP;
END $$;
SELECT what, count(*) AS rounds, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms)::numeric, 1) AS median_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_s)::numeric, 2) AS median_cpu_s
  FROM timing GROUP BY what ORDER BY what;
SELECT :n AS rows, (SELECT count(*) FROM meshcat_internal.version_checks((SELECT descriptor FROM product_version WHERE product_id = 'bq.orders'))) AS checks,
       round((m.w / h.w)::numeric, 2) AS ratio_checks_to_hand_wall, round((m.c / nullif(h.c, 0))::numeric, 2) AS ratio_checks_to_hand_cpu
  FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms) AS w, percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_s) AS c
          FROM timing WHERE what = 'mesh_run_checks') AS m,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms) AS w, percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_s) AS c
          FROM timing WHERE what = 'hand') AS h;

DROP SCHEMA bench_q CASCADE;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY bench_q_team;
DROP ROLE bench_q_team;
