-- One long stream against a short one: :n products registered by ONE mesh_register call, and
-- :n / 5 the same way in a fresh catalog, in the same run; prints the milliseconds a product of
-- each and their ratio (1.0 is linear). Run by stream_bench.sh (psql -v n=...).
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE TEMP TABLE stream_result (products int, seconds float8);
SELECT :n / 5 AS short_n \gset

-- The short stream.
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
SET search_path = meshcat, public;
\set n_all :n
\set n :short_n
\ir bench_docs.sql
SELECT string_agg(yaml, E'\n---\n' ORDER BY n) AS stream FROM bench_doc \gset
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS registered FROM mesh_register(:'stream');
INSERT INTO stream_result SELECT :n, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz);
DROP TABLE bench_doc;

-- The long one.
DROP EXTENSION meshcat CASCADE;
CREATE EXTENSION meshcat;
\set n :n_all
\ir bench_docs.sql
SELECT string_agg(yaml, E'\n---\n' ORDER BY n) AS stream FROM bench_doc \gset
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS registered FROM mesh_register(:'stream');
INSERT INTO stream_result SELECT :n, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz);

SELECT r.products, round(r.seconds::numeric, 2) AS seconds,
       round((1000 * r.seconds / r.products)::numeric, 2) AS ms_per_product,
       round(((r.seconds / r.products) / (s.seconds / s.products))::numeric, 2) AS ratio_to_short_stream
  FROM stream_result AS r, (SELECT * FROM stream_result ORDER BY products LIMIT 1) AS s
 ORDER BY r.products;
