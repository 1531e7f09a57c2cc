-- Lineage engine: the C walk behind every lineage query (src/lineage.c) gives exactly the rows
-- of its specification, the recursive CTE below (the walk meshcat used before it had C), on a
-- random mesh with diamonds, hubs, sources, version ranges and (as bad data) a cycle: with index
-- scans, with the in-memory cache, and after the lineage changes under the cache.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_engine NOLOGIN;
CREATE ROLE regress_engine_outsider NOLOGIN;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: r, owner: regress_engine}');

-- The specification: a breadth-first walk as one recursive CTE whose working row is a frontier.
CREATE FUNCTION pg_temp.spec_walk(start text, forward boolean, max_depth int,
                                         target text DEFAULT NULL,
                                         via_version meshcat.semver DEFAULT NULL)
RETURNS TABLE (node text, depth int, path text[], truncated boolean)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, meshcat, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH RECURSIVE bfs(depth, frontier, via, seen) AS (
        SELECT 0, ARRAY[start], ARRAY['' COLLATE "C"], ARRAY[start]
      UNION ALL
        SELECT b.depth + 1, n.frontier, n.via, b.seen OPERATOR(pg_catalog.||) n.frontier
          FROM bfs AS b
          CROSS JOIN LATERAL (
              SELECT pg_catalog.array_agg(x.node), pg_catalog.array_agg(x.via)
                FROM (SELECT s.next AS node, pg_catalog.min(s.via COLLATE "C") AS via
                        FROM (SELECT e.downstream AS next, f.node, f.via, e.version_range
                                FROM unnest(b.frontier, b.via) AS f(node, via)
                                JOIN meshcat_internal.lineage_edge AS e ON e.upstream = f.node
                               WHERE forward
                              UNION ALL
                              SELECT e.upstream, f.node, f.via, e.version_range
                                FROM unnest(b.frontier, b.via) AS f(node, via)
                                JOIN meshcat_internal.lineage_edge AS e ON e.downstream = f.node
                               WHERE NOT forward
                             ) AS s0
                        CROSS JOIN LATERAL (
                            SELECT s0.next,
                                   CASE WHEN b.depth = 0 THEN ''
                                        WHEN s0.via = '' THEN s0.node
                                        ELSE s0.via || E'\x1f' || s0.node END AS via
                        ) AS s
                       WHERE NOT EXISTS (SELECT FROM unnest(b.seen) AS v(node) WHERE v.node = s.next)
                         AND (b.depth > 0 OR via_version IS NULL OR s0.version_range IS NULL
                              OR meshcat.semver_satisfies(via_version, s0.version_range))
                       GROUP BY s.next) AS x
          ) AS n(frontier, via)
         WHERE n.frontier IS NOT NULL
           AND (max_depth IS NULL OR b.depth < max_depth)
           AND (target IS NULL OR NOT target = ANY (b.frontier))
    ),
    found AS (
        SELECT u.node, b.depth,
               ARRAY[start] || CASE WHEN u.via = '' THEN '{}'::text[] ELSE pg_catalog.string_to_array(u.via, E'\x1f') END
                            || u.node AS path
          FROM bfs AS b, unnest(b.frontier, b.via) AS u(node, via)
         WHERE b.depth > 0
    ),
    -- Nodes at the depth limit with lineage beyond it: the walk says where it stopped.
    cut AS (
        SELECT DISTINCT f.node
          FROM found AS f
          CROSS JOIN LATERAL (
              SELECT e.downstream AS other FROM meshcat_internal.lineage_edge AS e
               WHERE forward AND e.upstream = f.node
              UNION ALL
              SELECT e.upstream FROM meshcat_internal.lineage_edge AS e
               WHERE NOT forward AND e.downstream = f.node) AS o
         WHERE f.depth = max_depth
           AND o.other <> start
           AND NOT EXISTS (SELECT FROM found AS g WHERE g.node = o.other)
    )
    SELECT f.node, f.depth, f.path, (c.node IS NOT NULL)
      FROM found AS f LEFT JOIN cut AS c ON c.node = f.node;
END
$$;

-- A random mesh in topological order: 300 drafts, each with up to 4 inputs: a hub (12 %), a
-- source (10 %), else one of the 30 products just before; a third of the inputs carry a range.
SELECT setseed(0.4242);
CREATE TEMP TABLE mesh_input AS
SELECT i, pick.input
  FROM generate_series(2, 300) AS i
 CROSS JOIN LATERAL (
    SELECT DISTINCT ON (x.target) jsonb_strip_nulls(jsonb_build_object(
               CASE WHEN x.target LIKE 'ext.%' THEN 'source' ELSE 'product' END, x.target,
               'version', CASE WHEN x.target LIKE 'ext.%' THEN NULL
                               WHEN x.r < 0.15 THEN '^1' WHEN x.r < 0.3 THEN '>=2' END)) AS input
      FROM (SELECT CASE WHEN u < 0.12 THEN format('r.p%s', 1 + (i * 7 + k) % least(i - 1, 5))
                        WHEN u < 0.22 THEN format('ext.s%s', (i + k) % 6)
                        ELSE format('r.p%s', greatest(1, i - 1 - ((i * 13 + k * 5) % 30))) END AS target,
                   random() AS r
              FROM generate_series(1, 1 + (i * 3) % 4) AS k, LATERAL (SELECT random() AS u) AS rnd) AS x
     ORDER BY x.target) AS pick;
SELECT count(*) FROM mesh_register((
    SELECT string_agg(jsonb_build_object('apiVersion', 'meshcat/v1', 'kind', 'DataProduct',
                                         'id', format('r.p%s', i), 'name', format('p%s', i),
                                         'version', '1.0.0', 'status', 'draft',
                                         'inputs', coalesce((SELECT jsonb_agg(m.input ORDER BY m.input::text)
                                                               FROM mesh_input AS m WHERE m.i = g.i), '[]'))::text,
                      E'\n---\n' ORDER BY i)
      FROM generate_series(1, 300) AS g(i)));
SELECT count(*) AS edges, count(DISTINCT upstream) FILTER (WHERE upstream LIKE 'source:%') AS sources,
       count(*) FILTER (WHERE version_range IS NOT NULL) AS ranged
  FROM lineage_edge;

-- Every question: from every node, both ways, whole and cut at depths 1 and 3.
CREATE TEMP TABLE question AS
SELECT n.node AS start, f.forward, d.max_depth
  FROM (SELECT upstream AS node FROM lineage_edge UNION SELECT downstream FROM lineage_edge) AS n,
       (VALUES (true), (false)) AS f(forward),
       (VALUES (NULL::int), (1), (3)) AS d(max_depth);
CREATE TEMP TABLE spec AS
SELECT q.*, w.* FROM question AS q, pg_temp.spec_walk(q.start, q.forward, q.max_depth) AS w;
SELECT count(*) AS questions, (SELECT count(*) FROM spec) AS spec_rows,
       (SELECT count(*) FROM spec WHERE truncated) AS spec_truncated,
       (SELECT max(depth) FROM spec) AS deepest
  FROM question;

-- The C walk's rows for the same questions, and those of the two that differ (none).
CREATE FUNCTION pg_temp.mismatches() RETURNS TABLE (c_rows bigint, missing bigint, extra bigint)
    LANGUAGE sql AS $$
    WITH c AS (SELECT q.*, w.* FROM question AS q, meshcat_internal.lineage_walk(q.start, q.forward, q.max_depth) AS w)
    SELECT (SELECT count(*) FROM c),
           (SELECT count(*) FROM (SELECT * FROM spec EXCEPT ALL SELECT * FROM c) AS x),
           (SELECT count(*) FROM (SELECT * FROM c EXCEPT ALL SELECT * FROM spec) AS x)
$$;

-- Index scans only.
SET meshcat.lineage_cache_threshold = -1;
SELECT * FROM pg_temp.mismatches();
SELECT * FROM lineage_cache_state();
-- The cache, loaded at the first walk that reads an edge.
SET meshcat.lineage_cache_threshold = 0;
SELECT * FROM pg_temp.mismatches();
SELECT s.clock = c.changes AS cache_is_current, s.nodes, s.edges
  FROM lineage_cache_state() AS s, lineage_clock AS c;

-- The cache's memory is capped by meshcat.lineage_cache_max_size. Lowering it below the cache's
-- size gives that memory back; walks then read the indexes, with the same answers, and a walk
-- long enough to load the cache again starts a load that stops at the limit. Raising it lets the
-- next long walk load. Only a superuser may change it.
SET meshcat.lineage_cache_max_size = '64kB';
SET client_min_messages = debug1;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
RESET client_min_messages;
SELECT * FROM lineage_cache_state();
SELECT * FROM pg_temp.mismatches();
RESET meshcat.lineage_cache_max_size;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
SELECT bytes / 1024 - 1 AS just_under FROM lineage_cache_state() \gset
SET meshcat.lineage_cache_max_size = :just_under;
SELECT * FROM pg_temp.mismatches();
SELECT * FROM lineage_cache_state();
RESET meshcat.lineage_cache_max_size;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
SELECT s.clock = c.changes AS cache_is_current, s.edges
  FROM lineage_cache_state() AS s, lineage_clock AS c;
SET ROLE regress_engine_outsider;
SET meshcat.lineage_cache_max_size = '1GB';
\echo :SQLSTATE
RESET ROLE;

-- The rows come in order of depth then node, bytewise.
SELECT bool_and(ok) AS ordered FROM (
    SELECT (w.depth, w.node COLLATE "C") >= (lag(w.depth) OVER (), lag(w.node) OVER () COLLATE "C")
           OR lag(w.depth) OVER () IS NULL AS ok
      FROM lineage_walk('r.p1', true, NULL) AS w) AS x;

-- Stopping at a target, and the first level filtered by a version. A walk whose target is its
-- start stops before it begins, as the specification does.
SELECT (SELECT count(*) FROM lineage_walk('r.p1', true, NULL, 'r.p1')) AS c_rows,
       (SELECT count(*) FROM pg_temp.spec_walk('r.p1', true, NULL, 'r.p1')) AS spec_rows;
CREATE TEMP TABLE pair AS
SELECT a.node AS start, b.node AS target
  FROM (SELECT DISTINCT upstream AS node FROM lineage_edge ORDER BY 1 LIMIT 40) AS a,
       (SELECT DISTINCT downstream AS node FROM lineage_edge ORDER BY 1 DESC LIMIT 15) AS b;
SELECT count(*) AS pairs,
       (SELECT count(*) FROM (SELECT p.*, w.* FROM pair AS p, pg_temp.spec_walk(p.start, true, NULL, p.target) AS w
                              EXCEPT ALL
                              SELECT p.*, w.* FROM pair AS p, lineage_walk(p.start, true, NULL, p.target) AS w) AS x) AS missing,
       (SELECT count(*) FROM (SELECT p.*, w.* FROM pair AS p, lineage_walk(p.start, true, NULL, p.target) AS w
                              EXCEPT ALL
                              SELECT p.*, w.* FROM pair AS p, pg_temp.spec_walk(p.start, true, NULL, p.target) AS w) AS x) AS extra
  FROM pair;
SELECT v.version, count(*) AS walks,
       count(*) FILTER (WHERE x.c_rows IS DISTINCT FROM x.s_rows) AS differ,
       sum(x.c_rows) AS rows
  FROM (VALUES ('1.0.0'::semver), ('2.1.0')) AS v(version)
 CROSS JOIN (SELECT DISTINCT upstream AS node FROM lineage_edge WHERE version_range IS NOT NULL) AS n
 CROSS JOIN LATERAL (
    SELECT (SELECT array_agg(w ORDER BY w.depth, w.node) FROM lineage_walk(n.node, true, NULL, NULL, v.version) AS w) AS c,
           (SELECT array_agg(w ORDER BY w.depth, w.node) FROM pg_temp.spec_walk(n.node, true, NULL, NULL, v.version) AS w) AS s) AS r
 CROSS JOIN LATERAL (SELECT cardinality(r.c) AS c_rows, cardinality(r.s) AS s_rows, r.c IS DISTINCT FROM r.s AS d) AS x0
 CROSS JOIN LATERAL (SELECT x0.c_rows, CASE WHEN x0.d THEN -1 ELSE x0.s_rows END AS s_rows) AS x
 GROUP BY v.version ORDER BY v.version;

-- The cache follows the lineage: a committed change is seen at once. A short walk after a
-- change reads the indexes; one that reads more edges than the threshold loads the cache anew.
SET meshcat.lineage_cache_threshold = 50;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.late, name: late, version: 1.0.0, status: draft, inputs: [{product: r.p300}]}');
SELECT id, depth, path FROM mesh_downstream('r.p300');
SELECT * FROM lineage_cache_state();
SELECT count(*) FROM mesh_downstream('r.p1');
SELECT s.clock = c.changes AS cache_is_current FROM lineage_cache_state() AS s, lineage_clock AS c;
-- A change of this transaction's own is seen by it, and gone with its rollback.
BEGIN;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.later, name: later, version: 1.0.0, status: draft, inputs: [{product: r.late}]}');
SELECT id, depth, path FROM mesh_downstream('r.p300');
ROLLBACK;
SELECT id, depth, path FROM mesh_downstream('r.p300');
-- A savepoint rolled back takes its lineage with it, cache or not.
BEGIN;
SAVEPOINT s;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.later, name: later, version: 1.0.0, status: draft, inputs: [{product: r.late}]}');
SELECT id FROM mesh_downstream('r.p300');
ROLLBACK TO SAVEPOINT s;
SELECT id FROM mesh_downstream('r.p300');
COMMIT;
-- The clock ticks once per transaction, however many subtransactions change lineage (each tick
-- is a new row version of lineage_clock); a tick rolled back with its savepoint is taken again.
SELECT changes AS clock_before FROM lineage_clock \gset
BEGIN;
SAVEPOINT c;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.sub0, name: sub0, version: 1.0.0, status: draft, inputs: [{product: r.late}]}');
ROLLBACK TO SAVEPOINT c;
SELECT changes - :clock_before AS ticks FROM lineage_clock;
SAVEPOINT a;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.sub1, name: sub1, version: 1.0.0, status: draft, inputs: [{product: r.late}]}');
RELEASE SAVEPOINT a;
SELECT changes - :clock_before AS ticks FROM lineage_clock;
SAVEPOINT b;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.sub2, name: sub2, version: 1.0.0, status: draft, inputs: [{product: r.sub1}]}');
RELEASE SAVEPOINT b;
DO $$
BEGIN
    PERFORM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: r.sub3, name: sub3, version: 1.0.0, status: draft, inputs: [{product: r.sub2}]}');
EXCEPTION WHEN others THEN RAISE;
END
$$;
SELECT changes - :clock_before AS ticks FROM lineage_clock;
SELECT id, depth FROM mesh_downstream('r.late');
ROLLBACK;
-- Deleting the draft drops its edges (a cascade), and the walk with them.
DELETE FROM product_version WHERE product_id = 'r.late';
SELECT count(*) AS rows FROM mesh_downstream('r.p300');
SET meshcat.lineage_cache_threshold = 0;
SELECT * FROM pg_temp.mismatches();
SELECT s.clock = c.changes AS cache_is_current FROM lineage_cache_state() AS s, lineage_clock AS c;

-- Bad data: a cycle written past the triggers. Walks still end, and still agree; deriving
-- from the descriptors again (mesh_lineage_rebuild, mesh_rebuild) repairs it.
SET session_replication_role = replica;
INSERT INTO input_port (version_id, position, product_id, descriptor)
SELECT v.id, 99, 'r.p300', '{}' FROM product_version AS v WHERE v.product_id = 'r.p2';
INSERT INTO lineage_edge (port_id, upstream, downstream, version_id)
SELECT i.id, 'r.p300', 'r.p2', i.version_id FROM input_port AS i WHERE i.position = 99;
RESET session_replication_role;
TRUNCATE spec;
INSERT INTO spec SELECT q.*, w.* FROM question AS q, pg_temp.spec_walk(q.start, q.forward, q.max_depth) AS w;
SELECT * FROM pg_temp.mismatches();
SET meshcat.lineage_cache_threshold = -1;
SELECT * FROM pg_temp.mismatches();
SELECT * FROM mesh_lineage_rebuild();
SELECT count(*) AS bad_ports_left FROM input_port WHERE position = 99;
RESET meshcat.lineage_cache_threshold;

-- The walk reads lineage_edge for its caller, who needs SELECT on it, or on each column the
-- walk reads (upstream, downstream, version_range).
GRANT USAGE ON SCHEMA meshcat TO regress_engine_outsider;
-- the internals, as mesh_setup_roles() grants them to meshcat_reader
GRANT USAGE ON SCHEMA meshcat_internal TO regress_engine_outsider;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA meshcat_internal TO regress_engine_outsider;
SET ROLE regress_engine_outsider;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
\echo :SQLSTATE
RESET ROLE;
GRANT SELECT (upstream, downstream) ON lineage_edge TO regress_engine_outsider;
SET ROLE regress_engine_outsider;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
\echo :SQLSTATE
RESET ROLE;
GRANT SELECT (version_range) ON lineage_edge TO regress_engine_outsider;
SET ROLE regress_engine_outsider;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
RESET ROLE;
REVOKE SELECT (upstream, downstream, version_range) ON lineage_edge FROM regress_engine_outsider;
-- Row-level security on the edges is refused rather than bypassed (superusers bypass it anyway).
ALTER TABLE lineage_edge ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON lineage_edge TO regress_engine_outsider;
SET ROLE regress_engine_outsider;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
\echo :SQLSTATE
RESET ROLE;
ALTER TABLE lineage_edge DISABLE ROW LEVEL SECURITY;
SET ROLE regress_engine_outsider;
SELECT count(*) FROM lineage_walk('r.p1', true, NULL);
RESET ROLE;
SELECT count(*) FROM lineage_walk(NULL, true, NULL);
SELECT count(*) FROM lineage_walk('r.p1', true, 0);
\echo :SQLSTATE

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_engine_outsider;
DROP ROLE regress_engine;
DROP ROLE regress_engine_outsider;
