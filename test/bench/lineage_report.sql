-- Prints the lineage benchmark's table: per closure class and direction, p50 and p95 in ms of
-- each engine, and meshcat's ratios (engine p50 / meshcat p50: above 1, meshcat is faster;
-- for the C search, meshcat p50 / C p50: how far meshcat is from the physical limit).
\set ON_ERROR_STOP on
\pset footer off
SET search_path = meshcat, public;
CREATE TABLE bench_c (class text, dir text, p50 float8, p95 float8, nodes int);
\copy bench_c FROM 'test/bench/out/lineage_bfs.txt' WITH (DELIMITER ' ')
UPDATE bench_c SET class = replace(class, '_', ' ');
WITH p AS (
    SELECT engine, class, dir,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
           bool_or(timed_out) AS timed_out
      FROM bench_result GROUP BY 1, 2, 3
), s AS (
    SELECT class, dir, round(avg(nodes)) AS nodes FROM bench_start GROUP BY 1, 2
)
SELECT substr(s.class, 3) AS closure, s.dir, s.nodes AS avg_nodes,
       round(m.p50::numeric, 2) AS meshcat_p50, round(m.p95::numeric, 2) AS meshcat_p95,
       round(k.p50::numeric, 2) AS cold_p50, round(x.p50::numeric, 2) AS index_p50,
       round(g.p50::numeric, 1) AS pgrouting_p50, round(g.p95::numeric, 1) AS pgrouting_p95,
       CASE WHEN q.timed_out THEN '>5000 (timeout)' ELSE round(q.p50::numeric, 1)::text END AS marquez_p50,
       round(c.p50::numeric, 3) AS c_bfs_p50, round(c.p95::numeric, 3) AS c_bfs_p95,
       round((g.p50 / m.p50)::numeric, 1) AS "pgrouting/meshcat",
       CASE WHEN q.timed_out THEN '>' || round((5000 / m.p50)::numeric)::text ELSE round((q.p50 / m.p50)::numeric, 1)::text END AS "marquez/meshcat",
       round((m.p50 / nullif(c.p50, 0))::numeric, 1) AS "meshcat/c_bfs",
       round((g.p50 / k.p50)::numeric, 1) AS "pgrouting/cold"
  FROM s
  LEFT JOIN p AS m ON m.engine = 'meshcat' AND m.class = s.class AND m.dir = s.dir
  LEFT JOIN p AS k ON k.engine = 'meshcat cold' AND k.class = s.class AND k.dir = s.dir
  LEFT JOIN p AS x ON x.engine = 'meshcat index' AND x.class = s.class AND x.dir = s.dir
  LEFT JOIN p AS g ON g.engine = 'pgrouting' AND g.class = s.class AND g.dir = s.dir
  LEFT JOIN p AS q ON q.engine = 'marquez' AND q.class = s.class AND q.dir = s.dir
  LEFT JOIN bench_c AS c ON c.class = s.class AND c.dir = s.dir
 ORDER BY s.class, s.dir;
