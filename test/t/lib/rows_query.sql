-- rows_query.sql: prints one query per table of the meshcat extension; each query prints the
-- table's name, its row count and a hash of its rows, over the columns the table has when
-- this runs. test/t/upgrade.sh runs the queries before and after ALTER EXTENSION ... UPDATE:
-- the same output means every row was kept, value for value, whatever columns were added.
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
SELECT format('SELECT %L, count(*), md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM (SELECT %s FROM %s) AS x;',
              c.oid::regclass::text,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute AS a
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
              c.oid::regclass)
  FROM pg_catalog.pg_class AS c
 WHERE c.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace) AND c.relkind = 'r'
 ORDER BY c.oid::regclass::text;
