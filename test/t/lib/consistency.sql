-- consistency.sql: prints one line per inconsistency in the catalog, nothing when it is
-- consistent. Used after concurrent workloads (test/t/pgbench_mixed.sh).
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog, meshcat;

-- Orphans: parts whose version, port or product is gone (foreign keys should make these impossible).
SELECT 'orphan owner of version ' || o.version_id FROM meshcat_internal.owner o
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = o.version_id);
SELECT 'orphan tag of version ' || t.version_id FROM meshcat_internal.tag t
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = t.version_id);
SELECT 'orphan input port ' || i.id FROM meshcat_internal.input_port i
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = i.version_id)
    OR (i.product_id IS NOT NULL AND NOT EXISTS (SELECT FROM meshcat.product p WHERE p.id = i.product_id));
SELECT 'orphan output port ' || o.id FROM meshcat_internal.output_port o
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = o.version_id);
SELECT 'orphan field ' || f.id FROM meshcat_internal.field f
 WHERE NOT EXISTS (SELECT FROM meshcat_internal.output_port o WHERE o.id = f.port_id);
SELECT 'orphan version ' || v.id FROM meshcat.product_version v
 WHERE NOT EXISTS (SELECT FROM meshcat.product p WHERE p.id = v.product_id);
SELECT 'product without a version ' || p.id FROM meshcat.product p
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.product_id = p.id);
SELECT 'product in a missing domain ' || p.id FROM meshcat.product p
 WHERE NOT EXISTS (SELECT FROM meshcat.domain d WHERE d.name = p.domain);

-- One current version per product. current_version picks at most one by construction
-- (DISTINCT ON); what can go wrong is a product without one, or the views losing or
-- repeating a product.
SELECT 'product ' || p.id || ' has no current version' FROM meshcat.product p
 WHERE NOT EXISTS (SELECT FROM meshcat.mesh_versions v WHERE v.product_id = p.id AND v.is_current);
SELECT 'mesh_products lacks ' || p.id FROM meshcat.product p
 WHERE NOT EXISTS (SELECT FROM meshcat.mesh_products m WHERE m.id = p.id);
SELECT 'mesh_products lists ' || id || ' ' || count(*) || ' times' FROM meshcat.mesh_products GROUP BY id HAVING count(*) > 1;

-- The lineage edges, kept by triggers, are exactly what the ports say (the derivation
-- mesh_lineage_rebuild() makes, written out again here so that a bug in either shows), both ways.
WITH kept AS (
    SELECT port_id, upstream, downstream, version_id, version_range FROM meshcat_internal.lineage_edge
), derived AS (
    SELECT i.id, coalesce(i.product_id, 'source:' || i.source), v.product_id, v.id, i.version_range
      FROM meshcat_internal.input_port i JOIN meshcat.product_version v ON v.id = i.version_id
     WHERE v.status <> 'retired'
)
SELECT 'lineage edge missing: ' || x::text FROM (SELECT * FROM derived EXCEPT ALL SELECT * FROM kept) AS x
UNION ALL
SELECT 'lineage edge extra: ' || x::text FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM derived) AS x;
WITH kept AS (
    SELECT field_id, upstream, downstream, version_id FROM meshcat_internal.lineage_field_edge
), derived AS (
    SELECT DISTINCT f.id, u.ref, v.product_id || '.' || o.name || '.' || f.name, v.id
      FROM meshcat.product_version v
      JOIN meshcat_internal.output_port o ON o.version_id = v.id
      JOIN meshcat_internal.field f ON f.port_id = o.id
     CROSS JOIN unnest(f.derived_from) AS u(ref)
     WHERE v.status <> 'retired'
)
SELECT 'column lineage edge missing: ' || x::text FROM (SELECT * FROM derived EXCEPT ALL SELECT * FROM kept) AS x
UNION ALL
SELECT 'column lineage edge extra: ' || x::text FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM derived) AS x;

-- Every version's descriptor agrees with its row.
SELECT 'version ' || v.id || ' disagrees with its descriptor'
  FROM meshcat.product_version v
 WHERE v.descriptor ->> 'id' IS DISTINCT FROM v.product_id
    OR (v.descriptor ->> 'version')::meshcat.semver IS DISTINCT FROM v.version;

-- No cycle among products through input ports (any version). Reachability as a set of
-- (start, node) pairs (UNION, not paths): at most products squared rows, even on a cycle.
WITH RECURSIVE edge AS (
    SELECT DISTINCT v.product_id AS consumer, i.product_id AS producer
      FROM meshcat_internal.input_port i JOIN meshcat.product_version v ON v.id = i.version_id
     WHERE i.product_id IS NOT NULL
), reach (start, node) AS (
    SELECT consumer, producer FROM edge
    UNION
    SELECT r.start, e.producer FROM reach r JOIN edge e ON e.consumer = r.node
)
SELECT 'lineage cycle through ' || start FROM reach WHERE node = start ORDER BY start;

-- Every catalog row now present was audited when written.
SELECT 'version ' || v.id || ' has no audit entry'
  FROM meshcat.product_version v
 WHERE NOT EXISTS (SELECT FROM meshcat_internal.audit a
                    WHERE a.table_name = 'product_version' AND a.operation = 'INSERT'
                      AND (a.new_row ->> 'id')::bigint = v.id);
