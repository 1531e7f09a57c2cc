-- The lineage benchmark, on the mesh lineage_gen.sql made: the same downstream and upstream
-- questions for small, medium and huge closures, answered by meshcat, by pgRouting's
-- pgr_breadthFirstSearch, and by a Marquez-style array-overlap recursive query; latencies are
-- measured in the server (clock_timestamp around each call). Writes the edge list and the
-- starts for the in-memory C search (lineage_bfs.c); lineage_report.sql prints the table.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET search_path = meshcat, public;
SELECT setseed(0.7);

-- Starts: a sample of products bucketed by the size of their closure in each direction.
CREATE TABLE bench_start (class text, dir text, id text, i int, nodes int);
DO $$
DECLARE
    s record;
    c int;
BEGIN
    FOR s IN SELECT n.id, n.i, d.dir
               FROM (SELECT * FROM bench_nodes ORDER BY random() LIMIT 150) AS n,
                    (VALUES ('down'), ('up')) AS d(dir)
              UNION ALL
             SELECT n.id, n.i, 'down' FROM bench_nodes AS n WHERE n.i < 50   -- the hubs
    LOOP
        IF s.dir = 'down' THEN
            SELECT count(*) INTO c FROM meshcat_internal.lineage_walk(s.id, true, NULL);
        ELSE
            SELECT count(*) INTO c FROM meshcat_internal.lineage_walk(s.id, false, NULL) WHERE node NOT LIKE 'source:%';
        END IF;
        INSERT INTO bench_start
        SELECT CASE WHEN c BETWEEN 1 AND 100 THEN '1 small' WHEN c BETWEEN 1000 AND 10000 THEN '2 medium'
                    WHEN c >= 20000 THEN '3 huge' END, s.dir, s.id, s.i, c;
    END LOOP;
    DELETE FROM bench_start WHERE class IS NULL;
    DELETE FROM bench_start AS b
     WHERE (SELECT count(*) FROM bench_start AS o
             WHERE o.class = b.class AND o.dir = b.dir AND o.id < b.id) >= 6;
END $$;
SELECT class, dir, count(*) AS starts, min(nodes), max(nodes) FROM bench_start GROUP BY 1, 2 ORDER BY 1, 2;

CREATE TABLE bench_result (engine text, class text, dir text, id text, ms float8, timed_out boolean DEFAULT false);

-- meshcat: times runs calls of mesh_downstream/mesh_upstream from a start, the first warmups of
-- them not recorded, and checks the node count.
CREATE FUNCTION bench_meshcat(engine text, s bench_start, runs int, warmups int) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    c int;
BEGIN
    FOR k IN 1 .. runs LOOP
        t := clock_timestamp();
        IF s.dir = 'down' THEN
            SELECT count(*) INTO c FROM meshcat.mesh_downstream(s.id);
        ELSE
            SELECT count(*) INTO c FROM meshcat.mesh_upstream(s.id) WHERE kind = 'product';
        END IF;
        IF k > warmups THEN
            INSERT INTO bench_result VALUES (engine, s.class, s.dir, s.id,
                extract(epoch FROM clock_timestamp() - t) * 1000);
        END IF;
        IF c <> s.nodes THEN
            RAISE EXCEPTION 'meshcat found % nodes from %, expected %', c, s.id, s.nodes;
        END IF;
    END LOOP;
END $$;

-- As configured, in steady state (the lineage does not change, so the cache loads once index
-- walks have read enough): each start four times, the first two warm-ups. Cold calls, the first
-- in a new backend, are timed by lineage_bench.sh.
SELECT count(bench_meshcat('meshcat', s, 4, 2)) FROM (SELECT * FROM bench_start ORDER BY class, dir, id) AS s;
-- Index scans only (no cache), as every walk runs inside a transaction that changed lineage.
SET meshcat.lineage_cache_threshold = -1;
SELECT count(bench_meshcat('meshcat index', s, 2, 1)) FROM (SELECT * FROM bench_start ORDER BY class, dir, id) AS s;
RESET meshcat.lineage_cache_threshold;

-- pgRouting, when installed: it reads the edge list through the query it is given, every call.
SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pgrouting') AS has_pgrouting \gset
\if :has_pgrouting
CREATE EXTENSION IF NOT EXISTS pgrouting SCHEMA public CASCADE;
DO $$
DECLARE
    s record;
    t timestamptz;
    c int;
BEGIN
    FOR s IN SELECT * FROM bench_start ORDER BY class, dir, id LOOP
        t := clock_timestamp();
        SELECT count(DISTINCT node) - 1 INTO c FROM public.pgr_breadthFirstSearch(
            CASE s.dir WHEN 'down' THEN 'SELECT id, source, target, cost FROM bench_edges'
                       ELSE 'SELECT id, target AS source, source AS target, cost FROM bench_edges' END,
            s.i::bigint, directed => true);
        INSERT INTO bench_result VALUES ('pgrouting', s.class, s.dir, s.id,
            extract(epoch FROM clock_timestamp() - t) * 1000);
        IF c <> s.nodes THEN
            RAISE EXCEPTION 'pgRouting found % nodes from %, expected %', c, s.id, s.nodes;
        END IF;
    END LOOP;
END $$;
\else
\echo 'pgRouting is not installed (Debian: postgresql-15-pgrouting): its column stays empty'
\endif

-- Marquez-style: rows carry (job, inputs, outputs, depth); the recursive step joins every job
-- whose inputs overlap the outputs found so far (upstream: outputs overlap inputs), depth 20 as
-- Marquez's default. Two starts per class and direction, 5 s each at most.
DO $$
DECLARE
    s record;
    t timestamptz;
    c int;
BEGIN
    FOR s IN SELECT * FROM (SELECT b.*, row_number() OVER (PARTITION BY class, dir ORDER BY id) AS r FROM bench_start AS b) AS x
              WHERE r <= 2 ORDER BY class, dir, id LOOP
        t := clock_timestamp();
        BEGIN
            SET LOCAL statement_timeout = '5s';
            IF s.dir = 'down' THEN
                WITH RECURSIVE lineage(id, inputs, outputs, depth) AS (
                    SELECT j.id, j.inputs, j.outputs, 0 FROM bench_jobs AS j WHERE j.id = s.i
                  UNION
                    SELECT j.id, j.inputs, j.outputs, l.depth + 1
                      FROM bench_jobs AS j, lineage AS l
                     WHERE j.id <> l.id AND j.inputs && l.outputs AND l.depth < 20)
                SELECT count(DISTINCT id) - 1 INTO c FROM lineage;
            ELSE
                WITH RECURSIVE lineage(id, inputs, outputs, depth) AS (
                    SELECT j.id, j.inputs, j.outputs, 0 FROM bench_jobs AS j WHERE j.id = s.i
                  UNION
                    SELECT j.id, j.inputs, j.outputs, l.depth + 1
                      FROM bench_jobs AS j, lineage AS l
                     WHERE j.id <> l.id AND j.outputs && l.inputs AND l.depth < 20)
                SELECT count(DISTINCT id) - 1 INTO c FROM lineage;
            END IF;
            INSERT INTO bench_result VALUES ('marquez', s.class, s.dir, s.id,
                extract(epoch FROM clock_timestamp() - t) * 1000);
        EXCEPTION WHEN query_canceled THEN
            INSERT INTO bench_result VALUES ('marquez', s.class, s.dir, s.id, 5000, true);
        END;
        RESET statement_timeout;
    END LOOP;
END $$;

\copy (SELECT source, target FROM bench_edges) TO 'test/bench/out/lineage_edges.txt' WITH (DELIMITER ' ')
\copy (SELECT replace(class, ' ', '_'), dir, i FROM bench_start ORDER BY class, dir, id) TO 'test/bench/out/lineage_starts.txt' WITH (DELIMITER ' ')
