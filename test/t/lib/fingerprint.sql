-- fingerprint.sql: prints everything meshcat holds in the current database, in a fixed order,
-- so two databases can be compared with diff. Generic on purpose: every table and sequence
-- that belongs to the extension, every meshcat.mesh_* view, and (once lineage exists) the
-- upstream and downstream answers of every product. New tables and views are covered by
-- being created, not by editing this file. Used by test/t/dump_restore.sh.
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset footer off
SET search_path = pg_catalog;
SET extra_float_digits = 3;
SET timezone = 'UTC';

\ir derived_rows.sql
-- Row counts, then full contents, of every table of the extension (ordered by the whole row).
SELECT pg_catalog.format('SELECT %L || '' rows: '' || count(*) FROM %s', c.oid::regclass::text, c.oid::regclass)
  FROM pg_class AS c
  JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'meshcat'
 WHERE c.relkind IN ('r', 'p')
   -- The clocks' counters only make writers take turns; their values mean nothing. Derived
   -- rows are compared by what they say, not by their ids (below).
   AND c.relname NOT IN ('lineage_clock', 'governance_clock', 'binding_clock', 'access_clock')
   AND c.relname <> ALL (:'derived_tables'::text[])
 ORDER BY c.oid::regclass::text \gexec
-- (A port binding's relation by name: OIDs change across a restore, names do not.)
SELECT CASE WHEN c.relname = 'port_binding'
            THEN pg_catalog.format('SELECT %L || '': '' || (to_jsonb(t) - ''relation_oid'' || jsonb_build_object(''relation'', t.relation_oid::regclass::text))::text AS x FROM %s AS t ORDER BY x', c.oid::regclass::text, c.oid::regclass)
            ELSE pg_catalog.format('SELECT %L || '': '' || t::text FROM %s AS t ORDER BY t::text', c.oid::regclass::text, c.oid::regclass) END
  FROM pg_class AS c
  JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'meshcat'
 WHERE c.relkind IN ('r', 'p')
   -- The clocks' counters only make writers take turns; their values mean nothing. Derived
   -- rows are compared by what they say, not by their ids (below).
   AND c.relname NOT IN ('lineage_clock', 'governance_clock', 'binding_clock', 'access_clock')
   AND c.relname <> ALL (:'derived_tables'::text[])
 ORDER BY c.oid::regclass::text \gexec

-- The derived rows, by their natural keys: a restore derives them again, with new ids.
SELECT table_name || ': ' || line FROM pg_temp.derived_rows ORDER BY table_name, line;

-- Every sequence of the extension (the documents' and the audit trail's: derived rows draw new
-- ids): where it stands.
SELECT pg_catalog.format('SELECT %L || '' at '' || last_value || '' called '' || is_called FROM %s', c.oid::regclass::text, c.oid::regclass)
  FROM pg_class AS c
  JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'meshcat'
 WHERE c.relkind = 'S'
   AND NOT EXISTS (SELECT FROM pg_depend AS o JOIN pg_class AS t ON t.oid = o.refobjid
                    WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid AND o.deptype IN ('a', 'i')
                      AND t.relname = ANY (:'derived_tables'::text[]))
 ORDER BY c.oid::regclass::text \gexec

-- Every mesh_* view, ordered by the whole row.
SELECT pg_catalog.format('SELECT %L || '': '' || t::text FROM %s AS t ORDER BY t::text', c.oid::regclass::text, c.oid::regclass)
  FROM pg_class AS c
 WHERE c.relnamespace = 'meshcat'::regnamespace AND c.relkind IN ('v', 'm') AND c.relname LIKE 'mesh\_%'
 ORDER BY c.relname \gexec

-- Lineage answers for every product, once lineage exists.
SELECT pg_catalog.format('SELECT %L || p.id || '': '' || l::text FROM meshcat.product AS p, %s(p.id) AS l ORDER BY p.id, l::text',
                         f || ' ', f)
  FROM unnest(ARRAY['meshcat.mesh_upstream', 'meshcat.mesh_downstream']) AS f
 WHERE EXISTS (SELECT FROM pg_proc WHERE proname = split_part(f, '.', 2) AND pronamespace = 'meshcat'::regnamespace)
 ORDER BY f \gexec
