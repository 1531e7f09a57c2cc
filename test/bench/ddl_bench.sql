-- The cost meshcat's DDL guard (79_ddl_guard) adds to plain ALTER TABLE on a relation no
-- contract covers: :n statements (ADD COLUMN, DROP COLUMN, alternately) in a database with
-- meshcat installed and 200 published output ports bound to tables, and in one without
-- meshcat, in the same run; rounds alternate between the two databases, and the best round of
-- each is kept (by clock and by CPU time). Prints the ratio and the time added per statement. Run by ddl_bench.sh
-- (psql -v n=... -v rounds=...).
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = error;
DROP DATABASE IF EXISTS bench_ddl_plain;
DROP DATABASE IF EXISTS bench_ddl_mesh;
CREATE DATABASE bench_ddl_plain;
CREATE DATABASE bench_ddl_mesh;

-- One round: :n ALTER TABLE statements on the unbound table bench_free, each run through
-- EXECUTE (the same in both databases); a new table every 500 statements (columns dropped
-- still count towards the 1600-column limit), outside the timing. Clock and CPU time (of the
-- backend, /proc/self/stat: steadier on a shared machine) are both kept.
\set round_fn 'CREATE FUNCTION public.cpu_s() RETURNS float8 LANGUAGE sql AS $c$ SELECT (split_part(s, '' '', 14)::bigint + split_part(s, '' '', 15)::bigint) / 100.0 FROM pg_read_file(''/proc/self/stat'') AS s $c$; CREATE FUNCTION public.ddl_round(n int, OUT seconds float8, OUT cpu float8) LANGUAGE plpgsql AS $f$ DECLARE t0 timestamptz; c0 float8; i int; BEGIN seconds := 0; cpu := 0; FOR i IN 0 .. n - 1 LOOP IF i % 500 = 0 THEN IF i > 0 THEN seconds := seconds + extract(epoch FROM clock_timestamp() - t0); cpu := cpu + public.cpu_s() - c0; END IF; DROP TABLE IF EXISTS public.bench_free; CREATE TABLE public.bench_free (id int); t0 := clock_timestamp(); c0 := public.cpu_s(); END IF; IF i % 2 = 0 THEN EXECUTE ''ALTER TABLE public.bench_free ADD COLUMN c int''; ELSE EXECUTE ''ALTER TABLE public.bench_free DROP COLUMN c''; END IF; END LOOP; seconds := seconds + extract(epoch FROM clock_timestamp() - t0); cpu := cpu + public.cpu_s() - c0; END $f$'

\c bench_ddl_mesh
SET client_min_messages = error;
CREATE EXTENSION meshcat CASCADE;
CREATE SCHEMA bound;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_owner') THEN CREATE ROLE bench_owner; END IF; END $$;
SELECT count(*) AS domains FROM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: bench, owner: bench_owner}');
DO $$
BEGIN
    FOR i IN 1 .. 200 LOOP
        EXECUTE format('CREATE TABLE bound.t%s (id bigint PRIMARY KEY, v text)', i);
        PERFORM meshcat.mesh_register(format($y$
apiVersion: meshcat/v1
kind: DataProduct
id: bench.p%1$s
name: P%1$s
version: 1.0.0
status: published
outputs: [{name: t, type: table, location: bound.t%1$s, schema: [{name: id, type: bigint, primary_key: true}, {name: v, type: text}]}]
$y$, i));
    END LOOP;
END
$$;
SELECT count(*) AS bound_ports FROM meshcat_internal.port_binding WHERE relation_oid IS NOT NULL;
:round_fn;
\c bench_ddl_plain
SET client_min_messages = error;
:round_fn;



\set mesh 1e9
\set plain 1e9
\set mesh_cpu 1e9
\set plain_cpu 1e9
-- rounds alternate; psql has no loop, so the four rounds of each are spelled out
\c bench_ddl_mesh
SELECT least(:mesh, seconds) AS mesh, least(:mesh_cpu, cpu) AS mesh_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_plain
SELECT least(:plain, seconds) AS plain, least(:plain_cpu, cpu) AS plain_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_mesh
SELECT least(:mesh, seconds) AS mesh, least(:mesh_cpu, cpu) AS mesh_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_plain
SELECT least(:plain, seconds) AS plain, least(:plain_cpu, cpu) AS plain_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_mesh
SELECT least(:mesh, seconds) AS mesh, least(:mesh_cpu, cpu) AS mesh_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_plain
SELECT least(:plain, seconds) AS plain, least(:plain_cpu, cpu) AS plain_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_mesh
SELECT least(:mesh, seconds) AS mesh, least(:mesh_cpu, cpu) AS mesh_cpu FROM public.ddl_round(:n) \gset
\c bench_ddl_plain
SELECT least(:plain, seconds) AS plain, least(:plain_cpu, cpu) AS plain_cpu FROM public.ddl_round(:n) \gset

SELECT :n AS statements, 'clock' AS measure,
       round((:plain * 1e6 / :n)::numeric, 1) AS without_meshcat_us,
       round((:mesh * 1e6 / :n)::numeric, 1) AS with_meshcat_us,
       round((:mesh / :plain)::numeric, 2) AS ratio,
       round(((:mesh - :plain) * 1e6 / :n)::numeric, 1) AS added_us_per_statement
UNION ALL
SELECT :n, 'cpu',
       round((:plain_cpu * 1e6 / :n)::numeric, 1), round((:mesh_cpu * 1e6 / :n)::numeric, 1),
       round((:mesh_cpu / nullif(:plain_cpu, 0))::numeric, 2), round(((:mesh_cpu - :plain_cpu) * 1e6 / :n)::numeric, 1);
\c postgres
SET client_min_messages = error;
DROP DATABASE bench_ddl_plain;
DROP DATABASE bench_ddl_mesh;
