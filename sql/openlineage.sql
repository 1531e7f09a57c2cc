-- OpenLineage ingestion (74_openlineage): RunEvent, JobEvent and DatasetEvent (spec 2-0-2) are
-- stored documents; the observed lineage they describe (inputs x outputs, the columnLineage
-- facet, the LineageFacet) is derived from them, matched to products by output port location,
-- walked with the declared lineage, and derived again by mesh_rebuild().
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_ol_sales NOLOGIN;
CREATE ROLE regress_ol_hr NOLOGIN;
CREATE ROLE regress_ol_steward NOLOGIN IN ROLE regress_ol_sales, meshcat_steward;
CREATE ROLE regress_ol_other NOLOGIN IN ROLE regress_ol_hr, meshcat_steward;
CREATE ROLE regress_ol_reader NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_ol_admin NOLOGIN IN ROLE meshcat_admin;

SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_ol_sales
---
apiVersion: meshcat/v1
kind: Domain
name: hr
owner: regress_ol_hr
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
outputs:
  - name: orders
    type: table
    location: postgresql://warehouse:5432/public.orders
    schema: [{name: id, type: bigint}, {name: amount, type: numeric}, {name: customer_id, type: bigint}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.revenue
name: Revenue
version: 1.0.0
inputs: [{product: sales.orders, version: ^1}]
outputs:
  - name: daily
    type: table
    location: postgresql://warehouse:5432/public.revenue
    schema: [{name: total, type: numeric}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: hr.staff
name: Staff
version: 1.0.0
outputs:
  - {name: people, type: file, location: s3://hr-bucket/people}
$$);

-- 1. A RunEvent: START brings the inputs, COMPLETE the outputs; a run is one observation, so
--    its edges are every input of its events to every output. Datasets are matched to
--    products by location ("<namespace>/<name>"); an unknown one is the source
--    "source:<namespace>/<name>".
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-02T10:00:00Z", "producer": "https://example.com/airflow",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent", "eventType": "START",
  "run": {"runId": "00000000-0000-4000-8000-000000000001"}, "job": {"namespace": "airflow", "name": "daily_revenue"},
  "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders"},
             {"namespace": "postgresql://crm:5432", "name": "public.customers"}]}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-02T10:05:00Z", "producer": "https://example.com/airflow",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent", "eventType": "COMPLETE",
  "run": {"runId": "00000000-0000-4000-8000-000000000001"}, "job": {"namespace": "airflow", "name": "daily_revenue"},
  "outputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.revenue",
               "facets": {"columnLineage": {"_producer": "https://example.com", "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                          "fields": {"total": {"inputFields": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders", "field": "amount"}]}},
                          "dataset": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders", "field": "customer_id"}]}}}]}');
SELECT subject, upstream_dataset, downstream_dataset, upstream, downstream, observed_at
  FROM lineage_observed_edge ORDER BY 1, 2, 3;
SELECT upstream, downstream FROM lineage_observed_field_edge ORDER BY 1, 2;

-- The walks and views show both kinds; origin says which edge reached a node (an edge both
-- declared and observed is declared).
SELECT id, kind, depth, path, origin FROM mesh_upstream('sales.revenue');
SELECT id, depth, origin FROM mesh_downstream('source:postgresql://crm:5432/public.customers');
SELECT id, depth, origin FROM mesh_downstream('postgresql://crm:5432/public.customers');
SELECT id, via, version_range, origin FROM mesh_impact('sales.orders');
SELECT side, ref, depth, origin FROM mesh_column_lineage('sales.revenue', 'total', 'upstream');
SELECT kind, upstream, downstream, upstream_product, downstream_product, proposed, origin, last_observed
  FROM mesh_lineage ORDER BY origin, kind, upstream, downstream;

-- 2. Idempotent: the same event again (any key order or spacing) changes nothing.
SELECT action, edges, field_edges FROM mesh_ingest_openlineage('{"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  "producer": "https://example.com/airflow", "eventTime": "2020-01-02T10:00:00Z", "eventType": "START",
  "job": {"name": "daily_revenue", "namespace": "airflow"}, "run": {"runId": "00000000-0000-4000-8000-000000000001"},
  "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders"},
             {"namespace": "postgresql://crm:5432", "name": "public.customers"}]}');
SELECT count(*) AS events FROM openlineage_event;

-- Out of order: an older run of the job, arriving late, is stored but overrides nothing; a
-- newer run replaces the job's observed lineage (here it no longer reads the CRM).
SELECT action, edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T10:05:00Z", "producer": "p", "schemaURL": "s",
  "eventType": "COMPLETE", "run": {"runId": "00000000-0000-4000-8000-000000000000"}, "job": {"namespace": "airflow", "name": "daily_revenue"},
  "inputs": [{"namespace": "s3://old", "name": "dump"}],
  "outputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.revenue"}]}');
SELECT upstream, downstream FROM lineage_observed_edge WHERE subject = 'airflow/daily_revenue' ORDER BY 1, 2;
-- A new run that has only started names no output yet: the previous run stays current.
SELECT action, edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-03T10:00:00Z", "producer": "p", "schemaURL": "s",
  "eventType": "START", "run": {"runId": "00000000-0000-4000-8000-000000000002"}, "job": {"namespace": "airflow", "name": "daily_revenue"},
  "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders"}]}');
SELECT action, edges, field_edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-03T10:05:00Z", "producer": "p", "schemaURL": "s",
  "eventType": "COMPLETE", "run": {"runId": "00000000-0000-4000-8000-000000000002"}, "job": {"namespace": "airflow", "name": "daily_revenue"},
  "outputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.revenue"}]}');
SELECT upstream, downstream, observed_at FROM lineage_observed_edge WHERE subject = 'airflow/daily_revenue' ORDER BY 1, 2;

-- Any order of arrival gives the same edges: the same four events of two runs, sent in
-- opposite orders for two jobs, leave the two jobs the same lineage.
CREATE TEMP TABLE run_events (n int, e jsonb);
INSERT INTO run_events VALUES
 (1, '{"eventTime": "2020-02-01T00:00:00Z", "producer": "p", "schemaURL": "s", "eventType": "START", "run": {"runId": "00000000-0000-4000-8000-0000000000a1"}, "inputs": [{"namespace": "s3://x", "name": "a"}]}'),
 (2, '{"eventTime": "2020-02-01T00:01:00Z", "producer": "p", "schemaURL": "s", "eventType": "COMPLETE", "run": {"runId": "00000000-0000-4000-8000-0000000000a1"}, "outputs": [{"namespace": "s3://x", "name": "out"}]}'),
 (3, '{"eventTime": "2020-02-02T00:00:00Z", "producer": "p", "schemaURL": "s", "eventType": "START", "run": {"runId": "00000000-0000-4000-8000-0000000000a2"}, "inputs": [{"namespace": "s3://x", "name": "b"}]}'),
 (4, '{"eventTime": "2020-02-02T00:01:00Z", "producer": "p", "schemaURL": "s", "eventType": "COMPLETE", "run": {"runId": "00000000-0000-4000-8000-0000000000a2"}, "outputs": [{"namespace": "s3://x", "name": "out"}]}');
SELECT string_agg(i.action, ' ' ORDER BY r.n) AS forward
  FROM run_events AS r, mesh_ingest_openlineage(r.e || '{"job": {"namespace": "order", "name": "forward"}}') AS i;
SELECT string_agg(i.action, ' ' ORDER BY r.n DESC) AS backward
  FROM (SELECT * FROM run_events ORDER BY n DESC) AS r,
       LATERAL mesh_ingest_openlineage(r.e || '{"job": {"namespace": "order", "name": "backward"}}') AS i;
SELECT subject, upstream, downstream FROM lineage_observed_edge WHERE subject LIKE 'order/%' ORDER BY 1, 2, 3;

-- 3. A JobEvent with the LineageFacet on the job: an entry for a target dataset (with field
--    lineage), and an entry for the event's own job (its dataset inputs feed its outputs).
--    A job that is not the event's own is not a node of meshcat's lineage: nothing for it.
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-02T00:00:00Z", "producer": "p", "schemaURL": "s",
  "job": {"namespace": "airflow", "name": "hr_export", "facets": {"lineage": {"_producer": "p", "_schemaURL": "s", "entries": [
     {"namespace": "s3://hr-bucket", "name": "/people", "type": "DATASET",
      "inputs": [{"namespace": "postgresql://hris:5432", "name": "public.employees", "type": "DATASET"},
                 {"namespace": "airflow", "name": "other_job", "type": "JOB"}],
      "fields": {"email": {"inputs": [{"namespace": "postgresql://hris:5432", "name": "public.employees", "type": "DATASET", "field": "mail"}]}}},
     {"type": "JOB", "inputs": [{"namespace": "postgresql://hris:5432", "name": "public.badges", "type": "DATASET"}]},
     {"namespace": "airflow", "name": "elsewhere", "type": "JOB", "inputs": [{"namespace": "x", "name": "y", "type": "DATASET"}]}]}}},
  "outputs": [{"namespace": "s3://hr-bucket", "name": "people"}]}');
SELECT upstream, downstream FROM lineage_observed_edge WHERE event_kind = 'JobEvent' ORDER BY 1, 2;
SELECT upstream, downstream FROM lineage_observed_field_edge WHERE event_kind = 'JobEvent' ORDER BY 1, 2;

-- 4. A DatasetEvent with the LineageFacet on the dataset: the newest one of a dataset is its
--    lineage; an older one arriving late is stored only.
SELECT action, edges, field_edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-05T00:00:00Z", "producer": "p", "schemaURL": "s",
  "dataset": {"namespace": "kafka://broker:9092", "name": "orders.enriched", "facets": {"lineage": {"_producer": "p", "_schemaURL": "s",
     "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders", "type": "DATASET"},
                {"namespace": "airflow", "name": "enricher", "type": "JOB"}],
     "fields": {"segment": {"inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders", "type": "DATASET", "field": "customer_id"},
                                       {"type": "JOB"}]}}}}}}');
SELECT action, edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-04T00:00:00Z", "producer": "p", "schemaURL": "s",
  "dataset": {"namespace": "kafka://broker:9092", "name": "orders.enriched", "facets": {"lineage": {"_producer": "p", "_schemaURL": "s",
     "inputs": [{"namespace": "s3://old", "name": "dump", "type": "DATASET"}]}}}}');
SELECT upstream, downstream FROM lineage_observed_edge WHERE event_kind = 'DatasetEvent' ORDER BY 1, 2;
SELECT upstream, downstream FROM lineage_observed_field_edge WHERE event_kind = 'DatasetEvent' ORDER BY 1, 2;

-- 5. A table of this database is matched however the event names it: namespace
--    postgres://<any host>, name <database>.<schema>.<table> (here, a port registered after
--    the event: the edges resolve again when ports come and go).
SELECT format('{"eventTime": "2020-01-02T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "dbt", "name": "marts"},
  "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders"}],
  "outputs": [{"namespace": "postgres://db.internal:5432", "name": "%s.marts.kpis"}]}', current_database()) AS kpi_event \gset
SELECT action, edges FROM mesh_ingest_openlineage(:'kpi_event');
SELECT upstream, downstream LIKE 'source:postgres://db.internal:5432/%.marts.kpis' AS local_source FROM lineage_observed_edge WHERE subject = 'dbt/marts';
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.kpis
name: KPIs
version: 0.1.0
outputs: [{name: kpis, type: table, location: marts.kpis}]
$$);
SELECT upstream, downstream FROM lineage_observed_edge WHERE subject = 'dbt/marts';
SELECT mesh_lineage_path('sales.revenue', 'sales.kpis') AS no_path,
       mesh_lineage_path('sales.orders', 'sales.kpis') AS observed_path;
-- Withdrawn, the port goes, and the dataset is a source again.
SELECT mesh_withdraw('sales.kpis', '0.1.0');
SELECT upstream, downstream LIKE 'source:%' AS is_source FROM lineage_observed_edge WHERE subject = 'dbt/marts';
-- Two products claiming one location match neither: neither takes the other's lineage.
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: hr.revenue_copy
name: Copy
version: 0.1.0
outputs: [{name: daily, type: table, location: postgresql://warehouse:5432/public.revenue}]
$$);
SELECT DISTINCT downstream FROM lineage_observed_edge WHERE downstream_dataset = 'postgresql://warehouse:5432/public.revenue';
SELECT mesh_withdraw('hr.revenue_copy', '0.1.0');
SELECT DISTINCT downstream FROM lineage_observed_edge WHERE downstream_dataset = 'postgresql://warehouse:5432/public.revenue';

-- 6. Observed lineage is not checked for cycles (it is what ran), and never blocks declared
--    lineage: the cycle check walks declared edges only.
SELECT action FROM mesh_ingest_openlineage('{"eventTime": "2020-01-02T00:00:00Z", "producer": "p", "schemaURL": "s",
  "job": {"namespace": "airflow", "name": "backfill"},
  "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.revenue"}],
  "outputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders"}]}');
SELECT id, depth, origin FROM mesh_upstream('sales.orders');
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.revenue
name: Revenue
version: 1.1.0
inputs: [{product: sales.orders, version: ^1}]
outputs: [{name: daily, type: table, location: postgresql://warehouse:5432/public.revenue, schema: [{name: total, type: numeric}]}]
$$);

-- The same answers from the lineage cache (src/lineage.c), which holds both kinds of edges and
-- walks declared ones only for the cycle check: a walk that loads it at once.
SET meshcat.lineage_cache_threshold = 0;
SELECT id, depth, origin FROM mesh_upstream('sales.orders');
SELECT replace(id, current_database(), '<database>') AS id, depth, origin FROM mesh_downstream('sales.orders') ORDER BY depth, 1;
SELECT nodes > 0 AND edges > 0 AS cache_loaded FROM lineage_cache_state();
SELECT node FROM lineage_walk('sales.orders', false, NULL) ORDER BY node;
SELECT node, path FROM lineage_walk('sales.orders', false, NULL, NULL, NULL, true) ORDER BY node;
RESET meshcat.lineage_cache_threshold;
-- The pictures draw observed edges too.
SELECT mesh_lineage_mermaid('sales.orders', 'upstream');

-- 7. A malformed event is refused (22023) with the JSON path of the problem, and writes nothing.
SELECT count(*) AS events_before FROM openlineage_event \gset
SELECT * FROM mesh_ingest_openlineage('[1, 2]');
\echo :SQLSTATE
SELECT * FROM mesh_ingest_openlineage('{"producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "yesterday", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-13-45T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s"}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "run": {}, "job": {"namespace": "a", "name": "b"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "run": {"runId": "r1"}, "job": {"namespace": "a", "name": "b"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "eventType": "DONE",
  "run": {"runId": "00000000-0000-4000-8000-000000000009"}, "job": {"namespace": "a", "name": "b"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": ""}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b"},
  "inputs": {"namespace": "x", "name": "y"}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b"},
  "inputs": [{"namespace": "x", "name": "y"}, {"name": "z"}], "outputs": [{"namespace": "x", "name": "w"}]}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b"},
  "outputs": [{"namespace": "x", "name": "w", "facets": {"columnLineage": {"fields": {"first name": {"inputFields": [{"namespace": "x", "name": "y"}]}}}}}]}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "a", "name": "b",
  "facets": {"lineage": {"entries": [{"type": "TABLE", "namespace": "x", "name": "y"}]}}}}');
SELECT * FROM mesh_ingest_openlineage('{"eventTime": "2020-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "dataset": {"namespace": "x", "name": "y",
  "facets": {"lineage": {"inputs": [{"type": "JOB", "namespace": "airflow"}]}}}}');
SELECT * FROM mesh_ingest_openlineage(NULL);
SELECT count(*) - :events_before AS written FROM openlineage_event;

-- 8. Observed rows are derived: no role may write them, a superuser neither; the events
--    themselves are written through mesh_ingest_openlineage only.
UPDATE lineage_observed_edge SET upstream = 'forged';
\echo :SQLSTATE
DELETE FROM lineage_observed_field_edge;
\echo :SQLSTATE
SET ROLE regress_ol_steward;
INSERT INTO lineage_observed_edge SELECT * FROM lineage_observed_edge LIMIT 1;
INSERT INTO openlineage_event (event_hash, event_kind, event_time, subject, event)
VALUES (repeat('0', 64), 'JobEvent', now(), 'x/y', '{}');
RESET ROLE;

-- 9. Who may ingest: stewards, into sources and their own domains' products. An event whose
--    outputs are another domain's product is refused (42501), so no steward forges lineage
--    into a product it does not own; readers may not ingest at all.
SET ROLE regress_ol_other;
SELECT action FROM mesh_ingest_openlineage('{"eventTime": "2020-01-06T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "hr", "name": "forge"},
  "inputs": [{"namespace": "s3://hr-bucket", "name": "people"}],
  "outputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.revenue"}]}');
SELECT action FROM mesh_ingest_openlineage('{"eventTime": "2020-01-06T00:00:00Z", "producer": "p", "schemaURL": "s",
  "dataset": {"namespace": "postgresql://warehouse:5432", "name": "public.orders", "facets": {"lineage": {"inputs": [{"namespace": "s3://hr-bucket", "name": "people", "type": "DATASET"}]}}}}');
SELECT action, edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-06T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "hr", "name": "share"},
  "inputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.orders"}],
  "outputs": [{"namespace": "s3://hr-bucket", "name": "people"}, {"namespace": "s3://hr-bucket", "name": "scratch"}]}');
RESET ROLE;
SET ROLE regress_ol_steward;
SELECT action, edges FROM mesh_ingest_openlineage('{"eventTime": "2020-01-06T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "sales", "name": "own"},
  "inputs": [{"namespace": "s3://hr-bucket", "name": "people"}],
  "outputs": [{"namespace": "postgresql://warehouse:5432", "name": "public.revenue"}]}');
SELECT mesh_prune_openlineage();
RESET ROLE;
-- Nor may a steward rewrite such lineage: a newer event of a job whose current lineage flows
-- into another domain's product would replace it (erase it, here), so it is refused too.
SET ROLE regress_ol_other;
SELECT action FROM mesh_ingest_openlineage('{"eventTime": "2020-01-07T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "sales", "name": "own"},
  "inputs": [{"namespace": "s3://hr-bucket", "name": "people"}],
  "outputs": [{"namespace": "s3://hr-bucket", "name": "elsewhere"}]}');
\echo :SQLSTATE
RESET ROLE;
SELECT count(*) AS own_lineage_kept FROM lineage_observed_edge WHERE subject = 'sales/own' AND downstream = 'sales.revenue';
SET ROLE regress_ol_reader;
SELECT action FROM mesh_ingest_openlineage('{"eventTime": "2020-01-06T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "r", "name": "r"}}');
SELECT count(*) > 0 AS reader_sees_events FROM openlineage_event;
SELECT count(*) > 0 AS reader_walks_observed FROM mesh_upstream('sales.revenue') WHERE origin = 'observed';
RESET ROLE;
-- Each event records who ingested it.
SELECT CASE WHEN ingested_by LIKE 'regress\_%' THEN ingested_by ELSE 'the superuser' END AS ingested_by, count(*)
  FROM openlineage_event GROUP BY 1 ORDER BY 1;

-- 10. mesh_rebuild() derives observed lineage again from the events alone, value for value.
\set ECHO none
\i test/t/lib/derived_rows.sql
\set ECHO all
CREATE TEMP TABLE ingested AS SELECT * FROM pg_temp.derived_rows;
SELECT versions, observed_edges, observed_field_edges FROM mesh_rebuild();
SELECT count(*) AS differs_from_rebuild
  FROM ((SELECT * FROM ingested EXCEPT ALL SELECT * FROM pg_temp.derived_rows)
        UNION ALL (SELECT * FROM pg_temp.derived_rows EXCEPT ALL SELECT * FROM ingested)) AS d;
-- Rows changed behind the triggers' back are repaired.
SET session_replication_role = replica;
DELETE FROM lineage_observed_edge WHERE subject = 'airflow/hr_export';
RESET session_replication_role;
SELECT observed_edges FROM mesh_rebuild();
SELECT count(*) AS after_repair
  FROM ((SELECT * FROM ingested EXCEPT ALL SELECT * FROM pg_temp.derived_rows)
        UNION ALL (SELECT * FROM pg_temp.derived_rows EXCEPT ALL SELECT * FROM ingested)) AS d;

-- 11. Retention: mesh_prune_openlineage() (administrators) deletes superseded events older
--     than meshcat.openlineage_retention and keeps those current lineage is derived from, so
--     the lineage is the same after.
SHOW meshcat.openlineage_retention;
SET ROLE regress_ol_admin;
SELECT mesh_prune_openlineage() AS pruned;
RESET ROLE;
SELECT event_kind, subject, event_type, run_id FROM openlineage_event ORDER BY 1, 2, event_time;
SELECT count(*) AS lineage_changed
  FROM ((SELECT * FROM ingested EXCEPT ALL SELECT * FROM pg_temp.derived_rows)
        UNION ALL (SELECT * FROM pg_temp.derived_rows EXCEPT ALL SELECT * FROM ingested)) AS d;
SELECT mesh_prune_openlineage() AS pruned_again;
SET meshcat.openlineage_retention = 'a while';
SELECT mesh_prune_openlineage();
SET meshcat.openlineage_retention = '-1 day';
SELECT mesh_prune_openlineage();
RESET meshcat.openlineage_retention;
SET ROLE regress_ol_admin;
SET meshcat.openlineage_retention = '1 day';
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_ol_steward, regress_ol_other, regress_ol_reader, regress_ol_admin,
          regress_ol_sales, regress_ol_hr, meshcat_admin, meshcat_steward, meshcat_reader;
