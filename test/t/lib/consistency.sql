-- consistency.sql: prints one line per inconsistency in the catalog, nothing when it is
-- consistent. Used after concurrent workloads (test/t/pgbench_mixed.sh).
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog, meshcat;

-- Orphans: parts whose version, port or product is gone (foreign keys should make these impossible).
SELECT 'orphan owner of version ' || o.version_id FROM meshcat.owner o
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = o.version_id);
SELECT 'orphan tag of version ' || t.version_id FROM meshcat.tag t
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = t.version_id);
SELECT 'orphan input port ' || i.id FROM meshcat.input_port i
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = i.version_id)
    OR (i.product_id IS NOT NULL AND NOT EXISTS (SELECT FROM meshcat.product p WHERE p.id = i.product_id));
SELECT 'orphan output port ' || o.id FROM meshcat.output_port o
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.id = o.version_id);
SELECT 'orphan field ' || f.id FROM meshcat.field f
 WHERE NOT EXISTS (SELECT FROM meshcat.output_port o WHERE o.id = f.port_id);
SELECT 'orphan version ' || v.id FROM meshcat.product_version v
 WHERE NOT EXISTS (SELECT FROM meshcat.product p WHERE p.id = v.product_id);
SELECT 'product without a version ' || p.id FROM meshcat.product p
 WHERE NOT EXISTS (SELECT FROM meshcat.product_version v WHERE v.product_id = p.id);
SELECT 'product in a missing domain ' || p.id FROM meshcat.product p
 WHERE NOT EXISTS (SELECT FROM meshcat.domain d WHERE d.name = p.domain);

-- Exactly one current version per product.
SELECT 'product ' || p.id || ' has ' || count(v.product_id) || ' current versions'
  FROM meshcat.product p LEFT JOIN meshcat.mesh_versions v ON v.product_id = p.id AND v.is_current
 GROUP BY p.id HAVING count(v.product_id) <> 1;
SELECT 'mesh_products lists ' || id || ' ' || count(*) || ' times' FROM meshcat.mesh_products GROUP BY id HAVING count(*) > 1;

-- Every version's descriptor agrees with its row.
SELECT 'version ' || v.id || ' disagrees with its descriptor'
  FROM meshcat.product_version v
 WHERE v.descriptor ->> 'id' IS DISTINCT FROM v.product_id
    OR (v.descriptor ->> 'version')::meshcat.semver IS DISTINCT FROM v.version;

-- No cycle among products through input ports (any version). Reachability as a set of
-- (start, node) pairs (UNION, not paths): at most products squared rows, even on a cycle.
WITH RECURSIVE edge AS (
    SELECT DISTINCT v.product_id AS consumer, i.product_id AS producer
      FROM meshcat.input_port i JOIN meshcat.product_version v ON v.id = i.version_id
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
 WHERE NOT EXISTS (SELECT FROM meshcat.audit a
                    WHERE a.table_name = 'product_version' AND a.operation = 'INSERT'
                      AND (a.new_row ->> 'id')::bigint = v.id);
