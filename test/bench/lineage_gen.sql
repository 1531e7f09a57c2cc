-- The synthetic mesh of the lineage benchmark: :n products (default 100 000) in 200 domains,
-- about 3 inputs each, in topological order (a product consumes only products made before
-- it): 50 hubs that many consume, mostly recent inputs (long chains), some from anywhere.
-- Loaded through the documented bulk path: catalog rows with triggers off
-- (session_replication_role = replica), then mesh_lineage_rebuild(), which derives the edges
-- and proves the graph acyclic.
\set ON_ERROR_STOP on
\if :{?n}
\else
\set n 100000
\endif
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS meshcat CASCADE;
SET search_path = meshcat, public;
DO $$ BEGIN CREATE ROLE bench_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
SELECT setseed(0.42);

BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO domain (name, owner_role, descriptor)
SELECT format('d%s', lpad(d::text, 3, '0')), 'bench_owner', '{}' FROM generate_series(0, 199) AS d;
CREATE TEMP TABLE bench_node AS
SELECT i, format('d%s.p%s', lpad((i % 200)::text, 3, '0'), lpad(i::text, 6, '0')) AS id
  FROM generate_series(0, :n - 1) AS i;
INSERT INTO product (id, domain) SELECT id, split_part(id, '.', 1) FROM bench_node;
INSERT INTO product_version (product_id, version, status, name, descriptor, published_at)
SELECT id, '1.0.0', 'published', id, '{}', now() FROM bench_node;
CREATE TEMP TABLE bench_input AS
SELECT DISTINCT c.i AS consumer, u.j AS upstream
  FROM bench_node AS c
 CROSS JOIN LATERAL (
       SELECT CASE WHEN r < 0.12 THEN floor(random() ^ 2 * 50)::int                  -- a hub
                   WHEN r < 0.82 THEN greatest(c.i - 1 - floor(random() * 400)::int, 0) -- recent
                   ELSE floor(random() * c.i)::int END AS j                            -- anywhere
         FROM (SELECT random() AS r, k FROM generate_series(1, 1 + floor(random() * 5)::int + (c.i * 0)) AS k) AS x
       ) AS u
 WHERE c.i >= 50;
INSERT INTO input_port (version_id, position, product_id, version_range, descriptor)
SELECT v.id, row_number() OVER (PARTITION BY b.consumer ORDER BY b.upstream), u.id, '^1', '{}'
  FROM bench_input AS b
  JOIN bench_node AS c ON c.i = b.consumer
  JOIN bench_node AS u ON u.i = b.upstream
  JOIN product_version AS v ON v.product_id = c.id;
INSERT INTO input_port (version_id, position, source, descriptor)
SELECT v.id, 0, format('ext.feed%s', n.i % 1000), '{}'
  FROM bench_node AS n JOIN product_version AS v ON v.product_id = n.id
 WHERE n.i < 50 OR n.i % 10 = 0;
RESET session_replication_role;
SELECT * FROM mesh_lineage_rebuild();
COMMIT;
VACUUM ANALYZE;

-- The same graph as integers, for pgRouting, the Marquez-style query and the C search.
CREATE TABLE bench_nodes AS SELECT i, id FROM (
    SELECT (regexp_match(id, '\.p(\d+)$'))[1]::int AS i, id FROM product) AS x;
CREATE UNIQUE INDEX ON bench_nodes (id);
CREATE UNIQUE INDEX ON bench_nodes (i);
CREATE TABLE bench_edges AS
SELECT row_number() OVER () AS id, a.i AS source, b.i AS target, 1.0::float8 AS cost
  FROM (SELECT DISTINCT upstream, downstream FROM lineage_edge WHERE upstream NOT LIKE 'source:%') AS e
  JOIN bench_nodes AS a ON a.id = e.upstream
  JOIN bench_nodes AS b ON b.id = e.downstream;
-- Marquez keeps jobs with arrays of input and output datasets, and its recursive step joins on
-- array overlap (&&), with a GIN index: one job per product, its output the product itself.
CREATE TABLE bench_jobs AS
SELECT n.i AS id, ARRAY[n.i] AS outputs, coalesce(e.inputs, '{}') AS inputs
  FROM bench_nodes AS n
  LEFT JOIN (SELECT target, array_agg(source ORDER BY source) AS inputs FROM bench_edges GROUP BY target) AS e
    ON e.target = n.i;
CREATE INDEX ON bench_jobs USING gin (inputs);
CREATE INDEX ON bench_jobs USING gin (outputs);
VACUUM ANALYZE bench_nodes, bench_edges, bench_jobs;
SELECT (SELECT count(*) FROM product) AS products, (SELECT count(*) FROM bench_edges) AS product_edges,
       (SELECT count(*) FROM lineage_edge) AS edges_with_sources;
