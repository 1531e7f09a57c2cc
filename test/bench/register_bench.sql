-- Registration throughput against plain INSERTs of the same normalized rows into identical
-- tables without triggers, measured in one run. Run by register_bench.sh (psql -v n=...).
-- Two baselines: (b) the catalog's rows (product, version, owners, tags, ports, fields), as
-- recorded since the foundation; (c) every row a registration writes (also its lineage edges,
-- audit entry, event, search postings and vocabulary counts). ratio_register_to_plain is
-- against (b), the stricter one.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS meshcat CASCADE;
SET search_path = meshcat, public;
\ir bench_docs.sql
\ir cpu_time.sql

-- (a) meshcat: one mesh_register call per product, as stewards do.
SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
DO $$ DECLARE d record; BEGIN
    FOR d IN SELECT yaml FROM bench_doc ORDER BY n LOOP
        PERFORM * FROM meshcat.mesh_register(d.yaml);
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS register_s, pg_temp.cpu_s() - :c0 AS register_cpu \gset

-- (b) baseline: the rows mesh_register wrote, re-inserted with plain INSERTs, one statement
-- per table per product, into identical tables (indexes and checks, no triggers).
CREATE SCHEMA bench_plain;
CREATE TABLE bench_plain.product (LIKE meshcat.product INCLUDING ALL);
CREATE TABLE bench_plain.product_version (LIKE meshcat.product_version INCLUDING ALL);
CREATE TABLE bench_plain.owner (LIKE meshcat_internal.owner INCLUDING ALL);
CREATE TABLE bench_plain.tag (LIKE meshcat_internal.tag INCLUDING ALL);
CREATE TABLE bench_plain.input_port (LIKE meshcat_internal.input_port INCLUDING ALL);
CREATE TABLE bench_plain.output_port (LIKE meshcat_internal.output_port INCLUDING ALL);
CREATE TABLE bench_plain.field (LIKE meshcat_internal.field INCLUDING ALL);
-- The other rows a registration writes: its lineage edges, its audit entry and its event.
CREATE TABLE bench_plain.lineage_edge (LIKE meshcat_internal.lineage_edge INCLUDING ALL);
CREATE TABLE bench_plain.lineage_field_edge (LIKE meshcat_internal.lineage_field_edge INCLUDING ALL);
CREATE TABLE bench_plain.audit (LIKE meshcat_internal.audit INCLUDING ALL);
CREATE TABLE bench_plain.event (LIKE meshcat_internal.event INCLUDING ALL);
CREATE TABLE bench_plain.search_posting (LIKE meshcat_internal.search_posting INCLUDING ALL);
CREATE TABLE bench_plain.search_word (LIKE meshcat_internal.search_word INCLUDING ALL);
-- Fresh statistics, or the planner, thinking the catalog empty, scans it once per product.
ANALYZE meshcat.product, meshcat.product_version, meshcat_internal.owner, meshcat_internal.tag, meshcat_internal.input_port,
        meshcat_internal.output_port, meshcat_internal.field, meshcat_internal.lineage_edge, meshcat_internal.lineage_field_edge,
        meshcat_internal.audit, meshcat_internal.event, meshcat_internal.search_posting, meshcat_internal.search_word;
CREATE TEMP TABLE bench_audit AS
SELECT (a.new_row ->> 'id')::bigint AS vid, jsonb_agg(a) AS audits
  FROM meshcat_internal.audit a WHERE a.table_name = 'product_version' GROUP BY 1;
CREATE INDEX ON bench_audit (vid);
ANALYZE bench_audit;
CREATE TEMP TABLE bench_rows AS
SELECT p.id,
       to_jsonb(p) AS product,
       to_jsonb(v) AS version,
       (SELECT jsonb_agg(o) FROM meshcat_internal.owner o WHERE o.version_id = v.id) AS owners,
       (SELECT jsonb_agg(t) FROM meshcat_internal.tag t WHERE t.version_id = v.id) AS tags,
       (SELECT jsonb_agg(i) FROM meshcat_internal.input_port i WHERE i.version_id = v.id) AS inputs,
       (SELECT jsonb_agg(o) FROM meshcat_internal.output_port o WHERE o.version_id = v.id) AS outputs,
       (SELECT jsonb_agg(f) FROM meshcat_internal.field f JOIN meshcat_internal.output_port o ON o.id = f.port_id WHERE o.version_id = v.id) AS fields,
       (SELECT jsonb_agg(e) FROM meshcat_internal.lineage_edge e WHERE e.version_id = v.id) AS edges,
       (SELECT jsonb_agg(e) FROM meshcat_internal.lineage_field_edge e WHERE e.version_id = v.id) AS field_edges,
       (SELECT a.audits FROM bench_audit a WHERE a.vid = v.id) AS audits,
       (SELECT jsonb_agg(e) FROM meshcat_internal.event e WHERE e.product_id = p.id AND e.version = v.version) AS events,
       (SELECT jsonb_agg(s) FROM meshcat_internal.search_posting s WHERE s.version_id = v.id) AS postings,
       ARRAY(SELECT s.word FROM meshcat_internal.search_posting s WHERE s.version_id = v.id ORDER BY s.word) AS words
  FROM meshcat.product p JOIN meshcat.product_version v ON v.product_id = p.id
 ORDER BY v.id;

SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT * FROM bench_rows LOOP
        INSERT INTO bench_plain.product SELECT * FROM jsonb_populate_record(NULL::bench_plain.product, r.product);
        INSERT INTO bench_plain.product_version SELECT * FROM jsonb_populate_record(NULL::bench_plain.product_version, r.version);
        INSERT INTO bench_plain.owner SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.owner, r.owners);
        INSERT INTO bench_plain.tag SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.tag, r.tags);
        INSERT INTO bench_plain.input_port SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.input_port, r.inputs);
        INSERT INTO bench_plain.output_port SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.output_port, r.outputs);
        INSERT INTO bench_plain.field SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.field, r.fields);
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS plain_s, pg_temp.cpu_s() - :c0 AS plain_cpu \gset
-- (c) the same, and the edges, audit entry, event and search postings of each product too,
-- and its words counted in the vocabulary.
SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT * FROM bench_rows LOOP
        INSERT INTO bench_plain.lineage_edge SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.lineage_edge, r.edges);
        INSERT INTO bench_plain.lineage_field_edge SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.lineage_field_edge, r.field_edges);
        INSERT INTO bench_plain.audit SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.audit, r.audits);
        INSERT INTO bench_plain.event SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.event, r.events);
        INSERT INTO bench_plain.search_posting SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.search_posting, r.postings);
        INSERT INTO bench_plain.search_word AS w SELECT x, 1 FROM unnest(r.words) AS x
            ON CONFLICT (word) DO UPDATE SET products = w.products + 1;
    END LOOP;
END $$;
SELECT :plain_s + extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS all_rows_s,
       :plain_cpu + pg_temp.cpu_s() - :c0 AS all_rows_cpu \gset

SELECT :n AS products,
       (SELECT count(*) FROM meshcat_internal.field) AS fields,
       (SELECT count(*) FROM meshcat_internal.input_port) AS inputs,
       (SELECT count(*) FROM meshcat_internal.audit) AS audit_rows,
       round(:register_s, 2) AS register_s,
       round(:n / :register_s) AS register_per_s,
       round(1000 * :register_s / :n, 2) AS register_ms_per_product,
       round(:plain_s, 2) AS plain_insert_s,
       round(:n / :plain_s) AS plain_per_s,
       round(:register_s / :plain_s, 1) AS ratio_register_to_plain,
       round(:all_rows_s, 2) AS plain_all_rows_s,
       round(:register_s / :all_rows_s, 1) AS ratio_register_to_all_rows;
-- The same ratios in CPU time of this backend (cpu_time.sql): what the machine's other work
-- does not move.
SELECT round(:register_cpu, 2) AS register_cpu_s, round(:plain_cpu, 2) AS plain_cpu_s,
       round(:all_rows_cpu, 2) AS plain_all_rows_cpu_s,
       round(:register_cpu / :plain_cpu, 1) AS cpu_ratio_register_to_plain,
       round(:register_cpu / :all_rows_cpu, 1) AS cpu_ratio_register_to_all_rows;
