-- schema.sql: prints the definition of everything the meshcat extension owns, in a fixed
-- order and without OIDs, so an upgraded installation can be compared with a fresh one by
-- diff (test/t/upgrade.sh, and test/t/dump_restore.sh for a restored one). Covers every member
-- object (pg_describe_object), and for each kind what defines it: columns, constraints,
-- indexes, triggers and whether they fire, view and function bodies, aggregates, operators,
-- operator classes, base types, comments, privileges, sequences, the tables registered for
-- pg_dump, and enum labels.
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog;

WITH members AS (
    SELECT d.classid, d.objid, d.objsubid
      FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
     WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'meshcat'
)
SELECT line FROM (
    -- Every member, by description.
    SELECT 'member ' || pg_describe_object(classid, objid, objsubid) AS line FROM members
    UNION ALL
    -- Columns of tables, views and composite types.
    SELECT format('column %s.%s %s%s%s', c.oid::regclass, a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                  coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), ''))
      FROM members AS m JOIN pg_class AS c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
      JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef AS ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT format('relation %s kind %s options %s acl %s', c.oid::regclass, c.relkind, c.reloptions, c.relacl)
      FROM members AS m JOIN pg_class AS c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT format('constraint %s.%s %s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid))
      FROM pg_constraint AS con
     WHERE con.connamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace)
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(i.indexrelid))
      FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indrelid
     WHERE c.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace)
    UNION ALL
    SELECT format('trigger %s enabled %s', pg_get_triggerdef(t.oid), t.tgenabled)
      FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
     WHERE c.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace) AND NOT t.tgisinternal
    UNION ALL
    SELECT format('view %s: %s', c.oid::regclass, pg_get_viewdef(c.oid))
      FROM members AS m JOIN pg_class AS c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
     WHERE c.relkind IN ('v', 'm')
    UNION ALL
    SELECT format('sequence %s %s %s %s %s %s', s.seqrelid::regclass, format_type(s.seqtypid, NULL), s.seqstart,
                  s.seqincrement, s.seqmax, s.seqcycle)
      FROM members AS m JOIN pg_sequence AS s ON m.classid = 'pg_class'::regclass AND s.seqrelid = m.objid
    UNION ALL
    SELECT format('function %s: %s acl %s', p.oid::regprocedure,
                  CASE WHEN p.prokind = 'a' THEN 'aggregate' ELSE pg_get_functiondef(p.oid) END, p.proacl)
      FROM members AS m JOIN pg_proc AS p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT format('aggregate %s: %s %s %s %s %s %s %s', a.aggfnoid::regprocedure, a.aggkind, a.aggtransfn::regprocedure,
                  a.aggfinalfn, a.aggcombinefn, a.aggsortop::regoperator, format_type(a.aggtranstype, NULL), a.agginitval)
      FROM members AS m JOIN pg_aggregate AS a ON m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid
    UNION ALL
    SELECT format('operator %s: code %s commutator %s negator %s restrict %s join %s hashes %s merges %s',
                  o.oid::regoperator, o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator,
                  o.oprrest, o.oprjoin, o.oprcanhash, o.oprcanmerge)
      FROM members AS m JOIN pg_operator AS o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
    UNION ALL
    SELECT format('opclass %s %s default %s family %s: operator %s %s', am.amname, oc.opcname, oc.opcdefault,
                  f.opfname, ao.amopstrategy, ao.amopopr::regoperator)
      FROM members AS m JOIN pg_opclass AS oc ON m.classid = 'pg_opclass'::regclass AND oc.oid = m.objid
      JOIN pg_am AS am ON am.oid = oc.opcmethod
      JOIN pg_opfamily AS f ON f.oid = oc.opcfamily
      JOIN pg_amop AS ao ON ao.amopfamily = oc.opcfamily
    UNION ALL
    SELECT format('opclass %s %s: support %s %s', am.amname, oc.opcname, ap.amprocnum, ap.amproc::regprocedure)
      FROM members AS m JOIN pg_opclass AS oc ON m.classid = 'pg_opclass'::regclass AND oc.oid = m.objid
      JOIN pg_am AS am ON am.oid = oc.opcmethod
      JOIN pg_amproc AS ap ON ap.amprocfamily = oc.opcfamily
    UNION ALL
    SELECT format('type %s: input %s output %s receive %s send %s len %s byval %s align %s storage %s category %s preferred %s collatable %s',
                  t.oid::regtype, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typlen, t.typbyval,
                  t.typalign, t.typstorage, t.typcategory, t.typispreferred, t.typcollation <> 0)
      FROM members AS m JOIN pg_type AS t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid AND t.typtype = 'b'
    UNION ALL
    SELECT format('enum %s: %s', t.oid::regtype, (SELECT string_agg(enumlabel, ', ' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid))
      FROM members AS m JOIN pg_type AS t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid AND t.typtype = 'e'
    UNION ALL
    SELECT format('comment %s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
      FROM pg_description AS d JOIN members AS m ON m.classid = d.classoid AND m.objid = d.objoid
    UNION ALL
    SELECT format('dumped %s where %L', cfg::regclass, cond)
      FROM pg_extension AS e, unnest(e.extconfig, e.extcondition) AS u(cfg, cond)
     WHERE e.extname = 'meshcat'
    UNION ALL
    SELECT format('schema acl %s', n.nspacl) FROM pg_namespace AS n WHERE n.nspname IN ('meshcat', 'meshcat_internal')
) AS all_lines
ORDER BY line;
