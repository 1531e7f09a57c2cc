-- Registration throughput with 0, 10 and 100 active policies, measured in one run, printed as
-- ratios to the 0-policy run. Run by governance_bench.sh (psql -v n=...).
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = error;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_owner') THEN CREATE ROLE bench_owner; END IF;
END $$;
\ir cpu_time.sql
CREATE TEMP TABLE bench_result (policies int, seconds float8, cpu float8);

-- One round: a fresh catalog, 10 domains, k global policies (rules in the spirit of the
-- default pack; every product passes the required ones), then :n published products.
CREATE FUNCTION pg_temp.bench_round(k int, n int, OUT seconds float8, OUT cpu float8) LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    c0 float8;
    i int;
BEGIN
    DROP EXTENSION IF EXISTS meshcat CASCADE;
    CREATE EXTENSION meshcat CASCADE;
    PERFORM meshcat.mesh_register(format('{apiVersion: meshcat/v1, kind: Domain, name: d%s, owner: bench_owner}', d))
       FROM generate_series(0, 9) AS d;
    FOR i IN 1 .. k LOOP
        PERFORM meshcat.mesh_register(format($p$
apiVersion: meshcat/v1
kind: Policy
name: p%s
scope: global
enforcement: %s
rule: '%s'
message: policy number %s
$p$, i, CASE WHEN i % 2 = 0 THEN 'required' ELSE 'recommended' END,
            (ARRAY['exists($.retention)', 'exists($.inputs[*])', 'exists($.sla.freshness) && exists($.quality.*)',
                   '!exists($.outputs[*].schema[*] ? (@.pii == true && !exists(@.classification)))',
                   '$.security.encryption_at_rest == true', '$.classification != "public"',
                   'exists($.owners.technical)', '!exists($.x_never_' || i || ')'])[1 + i % 8], i));
    END LOOP;
    t0 := clock_timestamp();
    c0 := pg_temp.cpu_s();
    FOR i IN 1 .. n LOOP
        PERFORM meshcat.mesh_register(format($d$
apiVersion: meshcat/v1
kind: DataProduct
id: d%1$s.p%2$s
name: Product %2$s
version: 1.0.0
status: published
classification: internal
retention: 365 days
owners: {technical: team%1$s, business: owner%1$s}
sla: {freshness: 1 hour}
quality: {completeness: 0.99}
security: {encryption_at_rest: true, audit_logging: true}
tags: [bench]
inputs:
  - source: external.s%2$s
outputs:
  - name: main
    type: table
    schema:
      - {name: id, type: bigint, required: true, unique: true, primary_key: true}
      - {name: email, type: text, pii: true, classification: restricted}
      - {name: amount, type: "numeric(12,2)"}
      - {name: created_at, type: timestamptz, required: true}
$d$, i % 10, i));
    END LOOP;
    seconds := extract(epoch FROM clock_timestamp() - t0);
    cpu := pg_temp.cpu_s() - c0;
END
$$;

-- A warm-up round first (discarded: a fresh cluster's first round pays for its caches), then
-- each configuration twice, in turn; the faster of its two runs counts (the machine is shared).
SELECT (pg_temp.bench_round(0, greatest(:n / 10, 10))).seconds IS NOT NULL AS warmed_up;
INSERT INTO bench_result SELECT 0, * FROM pg_temp.bench_round(0, :n);
INSERT INTO bench_result SELECT 10, * FROM pg_temp.bench_round(10, :n);
INSERT INTO bench_result SELECT 100, * FROM pg_temp.bench_round(100, :n);
INSERT INTO bench_result SELECT 0, * FROM pg_temp.bench_round(0, :n);
INSERT INTO bench_result SELECT 10, * FROM pg_temp.bench_round(10, :n);
INSERT INTO bench_result SELECT 100, * FROM pg_temp.bench_round(100, :n);
SELECT :n AS products, count(*) AS evaluations_last_round FROM meshcat_internal.evaluation;
SELECT r.policies, round(r.seconds::numeric, 2) AS seconds, round(:n / r.seconds) AS registrations_per_s,
       round((r.seconds / b.seconds)::numeric, 2) AS time_ratio_to_0_policies,
       round(r.cpu::numeric, 2) AS cpu_s, round((r.cpu / b.cpu)::numeric, 2) AS cpu_ratio_to_0_policies
  FROM (SELECT policies, min(seconds) AS seconds, min(cpu) AS cpu FROM bench_result GROUP BY policies) AS r,
       (SELECT min(seconds) AS seconds, min(cpu) AS cpu FROM bench_result WHERE policies = 0) AS b
 ORDER BY r.policies;
