-- One run of stream_bench.sh: a fresh catalog, :n generated products (bench_docs.sql)
-- registered by :calls mesh_register calls (default 1) of consecutive products, each call its
-- own statement, in a database of its own; prints one line: the number of products, of calls,
-- and the wall-clock and CPU seconds of the calls together.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\if :{?calls}
\else
\set calls 1
\endif
\ir cpu_time.sql
CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
\o /dev/null
\ir bench_docs.sql
\o
-- the streams, built before the clock starts (a product's inputs come earlier in the order)
CREATE TEMP TABLE bench_stream AS
SELECT (n - 1) * :calls / :n AS k, string_agg(yaml, E'\n---\n' ORDER BY n) AS stream
  FROM bench_doc GROUP BY 1;
SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
\o /dev/null
SELECT format('SELECT count(*) FROM mesh_register(%L)', stream) FROM bench_stream ORDER BY k \gexec
\o
SELECT :n, :calls, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), pg_temp.cpu_s() - :c0;
