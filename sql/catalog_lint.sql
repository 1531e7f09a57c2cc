-- Catalog lint: security rules checked over the catalog, for every object that belongs to the
-- extension (pg_depend deptype 'e'). Each check lists the objects that break its rule, so the
-- expected result is zero rows everywhere, and a failure names what to fix (docs/security.md).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = pg_catalog;

CREATE TEMP VIEW ext_member AS
SELECT d.classid, d.objid
  FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'meshcat';
CREATE TEMP VIEW ext_function AS
SELECT p.* FROM pg_proc AS p
 WHERE (p.tableoid, p.oid) IN (SELECT classid, objid FROM ext_member);
CREATE TEMP VIEW ext_relation AS
SELECT c.* FROM pg_class AS c
 WHERE (c.tableoid, c.oid) IN (SELECT classid, objid FROM ext_member);

-- The lint sees the extension (a test that checks nothing would pass on an empty list).
SELECT count(*) > 50 AS functions, (SELECT count(*) > 10 FROM ext_relation WHERE relkind = 'r') AS tables,
       (SELECT count(*) > 5 FROM ext_relation WHERE relkind = 'v') AS views
  FROM ext_function;

-- 1. Every SECURITY DEFINER function sets search_path, with pg_catalog first (so no schema
--    a user can write to, nor the extension's own, can shadow a built-in it calls).
SELECT p.oid::regprocedure AS definer_without_safe_search_path, p.proconfig
  FROM ext_function AS p
 WHERE p.prosecdef
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS c
                    WHERE c ~ '^search_path=' AND split_part(substr(c, 13), ',', 1) IN ('pg_catalog', '"pg_catalog"'))
 ORDER BY p.oid::regprocedure::text;

-- 2. Any function that sets search_path puts pg_catalog first.
SELECT p.oid::regprocedure AS search_path_not_pg_catalog_first, c AS setting
  FROM ext_function AS p, unnest(p.proconfig) AS c
 WHERE c ~ '^search_path=' AND btrim(split_part(substr(c, 13), ',', 1)) NOT IN ('pg_catalog', '"pg_catalog"')
 ORDER BY p.oid::regprocedure::text, c;

-- 3. Every function whose body is looked up when it runs (PL/pgSQL, or SQL given as a string)
--     sets search_path, so the caller's search_path never picks what it calls. C functions
--     and SQL-standard bodies (BEGIN ATOMIC, RETURN) bind their names beforehand.
SELECT p.oid::regprocedure AS runtime_bound_without_search_path
  FROM ext_function AS p JOIN pg_language AS l ON l.oid = p.prolang
 WHERE l.lanname NOT IN ('c', 'internal') AND p.prosqlbody IS NULL
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS c WHERE c ~ '^search_path=')
 ORDER BY p.oid::regprocedure::text;

-- 3b. And no SQL-standard body of the caller's rights sets one: it would bind nothing (the
--     names were bound at creation), and it stops the body being inlined, so every call plans it.
SELECT p.oid::regprocedure AS standard_body_with_set_clause
  FROM ext_function AS p
 WHERE p.prosqlbody IS NOT NULL AND NOT p.prosecdef AND p.proconfig IS NOT NULL
 ORDER BY p.oid::regprocedure::text;

-- 4. No SECURITY DEFINER function is executable by PUBLIC (roles get it by GRANT, with a reason).
SELECT p.oid::regprocedure AS definer_executable_by_public
  FROM ext_function AS p
 WHERE p.prosecdef AND has_function_privilege('public', p.oid, 'EXECUTE')
 ORDER BY p.oid::regprocedure::text;

-- 5. No function that may write (VOLATILE) is executable by PUBLIC. Exceptions, each with
--    its reason: trigger functions (PostgreSQL refuses to call them other than as triggers),
--    lineage_cache_state() (reports this backend's own cache; writes nothing), and
--    raise_error() (raises; every refusal, whoever meets it, goes through it).
SELECT p.oid::regprocedure AS volatile_executable_by_public
  FROM ext_function AS p
 WHERE p.provolatile = 'v' AND has_function_privilege('public', p.oid, 'EXECUTE')
   AND p.prorettype <> 'trigger'::regtype
   AND p.proname NOT IN ('lineage_cache_state', 'raise_error')
 ORDER BY p.oid::regprocedure::text;

-- 6. Every view is security_invoker: a reader sees what its own privileges allow.
SELECT c.oid::regclass AS view_not_security_invoker, c.reloptions
  FROM ext_relation AS c
 WHERE c.relkind IN ('v', 'm')
   AND NOT coalesce('security_invoker=true' = ANY (c.reloptions) OR 'security_invoker=on' = ANY (c.reloptions), false)
 ORDER BY c.oid::regclass::text;

-- 7. No table, view or sequence is writable by PUBLIC.
SELECT c.oid::regclass AS relation_writable_by_public, priv
  FROM ext_relation AS c,
       unnest(CASE c.relkind WHEN 'S' THEN ARRAY['USAGE', 'UPDATE']
                             ELSE ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] END) AS priv
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
   AND CASE c.relkind WHEN 'S' THEN has_sequence_privilege('public', c.oid, priv)
                      ELSE has_table_privilege('public', c.oid, priv) END
 ORDER BY c.oid::regclass::text, priv;

-- 8. Only the schema's owner may create objects in it (anyone else could plant a function
--    that the extension's search_path finds).
SELECT n.nspname AS schema, a.grantee::regrole AS may_create_in_schema
  FROM pg_namespace AS n, aclexplode(n.nspacl) AS a
 WHERE n.oid = (SELECT extnamespace FROM pg_extension WHERE extname = 'meshcat')
   AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner
 ORDER BY a.grantee::regrole::text;

-- 9. Every function, table, view and type of the extension has a COMMENT (a type's array
--    and a table's row type are described by their element and their table).
SELECT 'function' AS kind, p.oid::regprocedure::text AS without_comment
  FROM ext_function AS p WHERE obj_description(p.oid, 'pg_proc') IS NULL
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END, c.oid::regclass::text
  FROM ext_relation AS c
 WHERE c.relkind IN ('r', 'p', 'v', 'm') AND obj_description(c.oid, 'pg_class') IS NULL
UNION ALL
SELECT 'type', t.oid::regtype::text
  FROM pg_type AS t
 WHERE (t.tableoid, t.oid) IN (SELECT classid, objid FROM ext_member)
   AND t.typrelid = 0 AND obj_description(t.oid, 'pg_type') IS NULL
 ORDER BY 1, 2;
