-- The descriptor validator, old (the PL/pgSQL walker kept in sql/descriptor_validator.sql) and
-- new (C), 20 000 calls each on one DataProduct of register_bench.sql's generator (n = 100).
-- Not a test: a measurement, run from the repository's top directory against a scratch
-- database with meshcat installed (it registers the generator's 50 domains):
--   (sed -n '/^CREATE FUNCTION pg_temp.old_json_path_key/,/^-- A few messages/p' sql/descriptor_validator.sql;
--    cat test/bench/descriptor_bench.sql) | psql -X -d DB
CREATE EXTENSION IF NOT EXISTS meshcat CASCADE;
\set ON_ERROR_STOP on
SET search_path = meshcat, public;
-- One document of the registration benchmarks' generator (test/bench/bench_docs.sql).
\set n 100
\i test/bench/bench_docs.sql
CREATE TEMP TABLE d AS
SELECT mesh_yaml_to_jsonb(yaml) AS doc,
       mesh_descriptor_schema() -> '$defs' -> 'DataProduct' AS s,
       mesh_descriptor_schema() -> '$defs' AS defs
  FROM bench_doc WHERE n = 100;
SELECT pg_temp.old_descriptor_problem(doc, s) AS old, descriptor_problem(doc, s) AS new, length(doc::text) AS doc_chars FROM d;
CREATE TEMP TABLE st AS SELECT mesh_descriptor_schema()::text AS t;
\timing on
-- 20 000 calls each, from PL/pgSQL as mesh_register makes them (the document in a variable)
DO $$ DECLARE x text[]; v jsonb; BEGIN SELECT doc INTO v FROM d; FOR i IN 1 .. 20000 LOOP x := pg_temp.old_descriptor_problem(v, meshcat.mesh_descriptor_schema() -> '$defs' -> 'DataProduct'); END LOOP; END $$;
DO $$ DECLARE x text[]; v jsonb; BEGIN SELECT doc INTO v FROM d; FOR i IN 1 .. 20000 LOOP x := meshcat_internal.descriptor_problem(v, meshcat.mesh_descriptor_schema() -> '$defs' -> 'DataProduct'); END LOOP; END $$;
-- and in one SELECT
SELECT count(pg_temp.old_descriptor_problem(d.doc, d.s)) AS old FROM generate_series(1, 20000), d;
SELECT count(descriptor_problem(d.doc, d.s)) AS new FROM generate_series(1, 20000), d;
-- what finding $defs in C at each call would cost at least: parsing the schema's text
SELECT count(st.t::jsonb -> '$defs') AS defs_parse FROM generate_series(1, 20000), st;
