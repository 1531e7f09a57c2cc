-- The descriptor validator, old (the PL/pgSQL walker kept in sql/descriptor_validator.sql) and
-- new (C), 20 000 calls each on one DataProduct of register_bench.sql's generator (n = 100).
-- Not a test: a measurement, run against a database with meshcat installed:
--   (sed -n '/^CREATE FUNCTION pg_temp.old_json_path_key/,/^-- A few messages/p' sql/descriptor_validator.sql;
--    cat test/bench/descriptor_bench.sql) | psql -X -d DB
CREATE EXTENSION IF NOT EXISTS meshcat;
\set ON_ERROR_STOP on
SET search_path = meshcat, public;
CREATE TEMP TABLE d AS
SELECT mesh_yaml_to_jsonb(format($f$apiVersion: meshcat/v1
kind: DataProduct
id: d%1$s.p%2$s
name: Product %2$s
version: 1.%3$s.0
status: published
description: Generated product number %2$s for the registration benchmark
tags: [bench, t%3$s]
classification: internal
retention: 365 days
owners: {technical: team%1$s, business: owner%3$s, steward: stewards%1$s}
sla: {freshness: 1 hour, availability: 99.9%%}
quality: {completeness: 0.99}
inputs:
  - source: external.s%2$s
%4$soutputs:
  - name: main
    type: table
    location: d%1$s.p%2$s
    schema:
      - {name: id, type: bigint, required: true, unique: true, primary_key: true}
      - {name: customer_id, type: bigint, required: true}
      - {name: email, type: text, pii: true, classification: restricted}
      - {name: amount, type: "numeric(12,2)"}
      - {name: currency, type: text}
      - {name: created_at, type: timestamptz, required: true}
      - {name: updated_at, type: timestamptz}
      - {name: note, type: text, description: free text}
$f$, n % 50, n, n % 7,
      (SELECT string_agg(format(E'  - product: d%s.p%s\n    version: ^1\n', i % 50, i), '')
         FROM unnest(ARRAY[n - 1, n / 2, n / 3]) AS i WHERE i >= 1 AND i < n AND n > 3))) AS doc,
       mesh_descriptor_schema() -> '$defs' -> 'DataProduct' AS s,
       mesh_descriptor_schema() -> '$defs' AS defs
  FROM (VALUES (100)) AS t(n);
SELECT pg_temp.old_descriptor_problem(doc, s) AS old, descriptor_problem(doc, s) AS new, length(doc::text) AS doc_chars FROM d;
CREATE TEMP TABLE st AS SELECT mesh_descriptor_schema()::text AS t;
\timing on
-- 20 000 calls each, from PL/pgSQL as mesh_register makes them (the document in a variable)
DO $$ DECLARE x text[]; v jsonb; BEGIN SELECT doc INTO v FROM d; FOR i IN 1 .. 20000 LOOP x := pg_temp.old_descriptor_problem(v, meshcat.mesh_descriptor_schema() -> '$defs' -> 'DataProduct'); END LOOP; END $$;
DO $$ DECLARE x text[]; v jsonb; BEGIN SELECT doc INTO v FROM d; FOR i IN 1 .. 20000 LOOP x := meshcat.descriptor_problem(v, meshcat.mesh_descriptor_schema() -> '$defs' -> 'DataProduct'); END LOOP; END $$;
-- and in one SELECT
SELECT count(pg_temp.old_descriptor_problem(d.doc, d.s)) AS old FROM generate_series(1, 20000), d;
SELECT count(descriptor_problem(d.doc, d.s)) AS new FROM generate_series(1, 20000), d;
-- what finding $defs in C at each call would cost at least: parsing the schema's text
SELECT count(st.t::jsonb -> '$defs') AS defs_parse FROM generate_series(1, 20000), st;
