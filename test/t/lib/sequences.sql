-- sequences.sql: one line per sequence that a column of a meshcat table takes its default from
-- (serial or identity),
-- "ok" when the sequence stands past the column's largest value (the next id cannot collide),
-- "BEHIND" otherwise. Used after a restore or an upgrade.
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog;
SELECT pg_catalog.format(
         'SELECT %L || CASE WHEN (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %s) >= coalesce((SELECT max(%I) FROM %s), 0) THEN '' ok'' ELSE '' BEHIND'' END',
         s.oid::regclass::text || ' for ' || t.oid::regclass::text || '.' || a.attname, s.oid::regclass, a.attname, t.oid::regclass)
  FROM pg_class AS s
  JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
                      AND d.refclassid = 'pg_class'::regclass
  JOIN pg_class AS t ON t.oid = d.refobjid
  JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
 WHERE s.relkind = 'S' AND t.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace)
 ORDER BY 1 \gexec
