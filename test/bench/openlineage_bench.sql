-- OpenLineage ingestion throughput against plain INSERTs of the same edges into identical
-- tables without triggers, measured in one run. Run by openlineage_bench.sh (psql -v n=...).
-- Each event is a COMPLETE RunEvent of a job of its own: 3 inputs and 1 output, so 3 product
-- edges; every tenth also carries a columnLineage facet (2 output fields from 2 inputs). A
-- fifth of the datasets are output ports of registered products, the rest are sources.
-- Two baselines: (b) the observed edges the events yield (product and field edges), one
-- INSERT per table per event; (c) the same and the stored event row too.
-- ratio_ingest_to_plain is against (b), the stricter one.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS meshcat CASCADE;
SET search_path = meshcat, public;

-- 200 products whose output ports are datasets the events name.
CREATE ROLE bench_ol_team NOLOGIN;
SELECT count(*) AS products FROM mesh_register(
    'apiVersion: meshcat/v1' || E'\nkind: Domain\nname: wh\nowner: bench_ol_team\n' ||
    (SELECT string_agg(format(E'---\napiVersion: meshcat/v1\nkind: DataProduct\nid: wh.t%s\nname: T%s\nversion: 1.0.0\n'
                              'outputs: [{name: t, type: table, location: "postgresql://warehouse:5432/public.t%s"}]\n', k, k, k), '')
       FROM generate_series(0, 199) AS k));

CREATE TEMP TABLE bench_event AS
SELECT i, jsonb_build_object(
        'eventTime', (timestamp '2026-01-01' + i * interval '1 second')::text || 'Z',
        'producer', 'https://example.com/bench', 'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        'eventType', 'COMPLETE',
        'run', jsonb_build_object('runId', '00000000-0000-4000-8000-' || lpad(i::text, 12, '0')),
        'job', jsonb_build_object('namespace', 'bench', 'name', 'job' || i),
        'inputs', jsonb_build_array(
            jsonb_build_object('namespace', 'postgresql://warehouse:5432', 'name', 'public.t' || (i * 7) % 1000),
            jsonb_build_object('namespace', 'postgresql://warehouse:5432', 'name', 'public.t' || (i * 13 + 1) % 1000),
            jsonb_build_object('namespace', 's3://lake', 'name', 'raw/' || (i * 17) % 5000)),
        'outputs', jsonb_build_array(jsonb_build_object('namespace', 'postgresql://warehouse:5432', 'name', 'public.out' || i,
            'facets', CASE WHEN i % 10 = 0 THEN jsonb_build_object('columnLineage', jsonb_build_object(
                '_producer', 'https://example.com/bench', '_schemaURL', 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json',
                'fields', jsonb_build_object(
                    'a', jsonb_build_object('inputFields', jsonb_build_array(jsonb_build_object('namespace', 'postgresql://warehouse:5432', 'name', 'public.t' || (i * 7) % 1000, 'field', 'x'))),
                    'b', jsonb_build_object('inputFields', jsonb_build_array(jsonb_build_object('namespace', 's3://lake', 'name', 'raw/' || (i * 17) % 5000, 'field', 'y'))))))
                ELSE '{}' END))) AS event
  FROM generate_series(1, :n) AS i;

-- (a) meshcat: one mesh_ingest_openlineage call per event, as a lineage consumer does.
SELECT clock_timestamp() AS t0 \gset
DO $$ DECLARE e record; BEGIN
    FOR e IN SELECT event FROM bench_event ORDER BY i LOOP
        PERFORM * FROM meshcat.mesh_ingest_openlineage(e.event);
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS ingest_s \gset

-- (b) baseline: the edges it wrote, re-inserted with plain INSERTs, one statement per table
-- per event, into identical tables (indexes and checks, no triggers).
CREATE SCHEMA bench_plain;
CREATE TABLE bench_plain.lineage_observed_edge (LIKE meshcat_internal.lineage_observed_edge INCLUDING ALL);
CREATE TABLE bench_plain.lineage_observed_field_edge (LIKE meshcat_internal.lineage_observed_field_edge INCLUDING ALL);
CREATE TABLE bench_plain.openlineage_event (LIKE meshcat_internal.openlineage_event INCLUDING ALL);
ANALYZE meshcat_internal.openlineage_event, meshcat_internal.lineage_observed_edge, meshcat_internal.lineage_observed_field_edge;
CREATE TEMP TABLE bench_rows AS
SELECT e.event_hash, e.subject, to_jsonb(e) AS event,
       (SELECT jsonb_agg(o) FROM meshcat_internal.lineage_observed_edge o WHERE o.event_kind = e.event_kind AND o.subject = e.subject) AS edges,
       (SELECT jsonb_agg(f) FROM meshcat_internal.lineage_observed_field_edge f WHERE f.event_kind = e.event_kind AND f.subject = e.subject) AS field_edges
  FROM meshcat_internal.openlineage_event e ORDER BY e.event_time;

SELECT clock_timestamp() AS t0 \gset
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT * FROM bench_rows LOOP
        INSERT INTO bench_plain.lineage_observed_edge SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.lineage_observed_edge, r.edges);
        IF r.field_edges IS NOT NULL THEN
            INSERT INTO bench_plain.lineage_observed_field_edge SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.lineage_observed_field_edge, r.field_edges);
        END IF;
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS plain_s \gset
-- (c) the same, and the stored event of each too.
TRUNCATE bench_plain.lineage_observed_edge, bench_plain.lineage_observed_field_edge;
SELECT clock_timestamp() AS t0 \gset
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT * FROM bench_rows LOOP
        INSERT INTO bench_plain.openlineage_event SELECT * FROM jsonb_populate_record(NULL::bench_plain.openlineage_event, r.event);
        INSERT INTO bench_plain.lineage_observed_edge SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.lineage_observed_edge, r.edges);
        IF r.field_edges IS NOT NULL THEN
            INSERT INTO bench_plain.lineage_observed_field_edge SELECT * FROM jsonb_populate_recordset(NULL::bench_plain.lineage_observed_field_edge, r.field_edges);
        END IF;
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS plain_all_s \gset

SELECT :n AS events,
       (SELECT count(*) FROM meshcat_internal.lineage_observed_edge) AS product_edges,
       (SELECT count(*) FROM meshcat_internal.lineage_observed_edge WHERE upstream NOT LIKE 'source:%') AS edges_from_products,
       (SELECT count(*) FROM meshcat_internal.lineage_observed_field_edge) AS field_edges,
       round(:ingest_s::numeric, 2) AS ingest_s, round(:n / :ingest_s::numeric) AS events_per_s,
       round(:plain_s::numeric, 2) AS plain_s, round(:n / :plain_s::numeric) AS plain_events_per_s,
       round(:ingest_s::numeric / :plain_s::numeric, 1) AS ratio_ingest_to_plain,
       round(:plain_all_s::numeric, 2) AS plain_all_s,
       round(:ingest_s::numeric / :plain_all_s::numeric, 1) AS ratio_ingest_to_plain_all;

-- A repeated event changes nothing and writes nothing but its lookup.
SELECT clock_timestamp() AS t0 \gset
DO $$ DECLARE e record; BEGIN
    FOR e IN SELECT event FROM bench_event WHERE i <= 10000 ORDER BY i LOOP
        PERFORM * FROM meshcat.mesh_ingest_openlineage(e.event);
    END LOOP;
END $$;
SELECT least(:n, 10000) AS repeated, round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 2) AS repeat_s;
