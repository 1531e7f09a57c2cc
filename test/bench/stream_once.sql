-- One run of stream_bench.sh: a fresh catalog, :n generated products (bench_docs.sql), one
-- mesh_register call for all of them, in a database of its own; prints one line: the number of
-- products, the wall-clock seconds and the CPU seconds of the call.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\ir cpu_time.sql
CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
\o /dev/null
\ir bench_docs.sql
\o
SELECT string_agg(yaml, E'\n---\n' ORDER BY n) AS stream FROM bench_doc \gset
SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
SELECT count(*) AS registered FROM mesh_register(:'stream') \gset
SELECT :n, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), pg_temp.cpu_s() - :c0;
