-- meshcat install script, generated from sql/install/*.sql: do not edit the output.
\echo Use "CREATE EXTENSION meshcat" to load this file. \quit

-- 00_schema: the extension's own settings and helpers that everything else uses: the install
-- guards, the library version, the acting role, raise_error.
-- Uses: nothing (it runs first).

-- Its string literals (regular expressions, escapes) are written for standard-conforming
-- strings, the default since PostgreSQL 9.1; with them off, '\.' in a CHECK would mean any
-- character. A database that turned them off is refused, not installed into wrongly.
DO $scs$
BEGIN
    IF pg_catalog.current_setting('standard_conforming_strings') OPERATOR(pg_catalog.<>) 'on' THEN
        RAISE EXCEPTION 'meshcat needs standard_conforming_strings = on'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its regular expressions and escapes are written for standard-conforming strings; this session has them off.',
                  HINT = 'SET standard_conforming_strings = on (and remove any ALTER DATABASE or ALTER ROLE that turns it off), then CREATE EXTENSION meshcat.';
    END IF;
END
$scs$;

-- The schema must be the extension's alone. CREATE EXTENSION uses a schema named meshcat that
-- already exists, whoever owns it; what another role planted there (meshcat.cardinality(text[]),
-- an operator) would be bound by the bodies below, or found by functions that run as superuser.
-- When PostgreSQL creates the schema for us it is empty, ours, and grants nothing, so this runs
-- first and refuses a schema that holds anything, belongs to a role that is neither the installer
-- nor a superuser, or lets another role create in it (42P06). Only the install script checks:
-- an update finds the schema holding the extension's own objects.
DO $check$
DECLARE
    s record;
BEGIN
    SELECT n.oid, n.nspowner, n.nspowner::regrole AS owner, n.nspacl,
           (SELECT pg_catalog.count(*) FROM pg_catalog.pg_depend AS d
             WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
               AND d.refobjid OPERATOR(pg_catalog.=) n.oid
               -- the extension itself, which CREATE EXTENSION has just recorded in its schema
               AND NOT (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                        AND d.objid OPERATOR(pg_catalog.=) (SELECT e.oid FROM pg_catalog.pg_extension AS e
                                                             WHERE e.extname OPERATOR(pg_catalog.=) 'meshcat'))) AS objects
      INTO s
      FROM pg_catalog.pg_namespace AS n
     WHERE n.nspname OPERATOR(pg_catalog.=) '@extschema@';
    -- A superuser's schema is as trusted as ours: pg_restore creates the schema, then the extension.
    IF NOT (SELECT r.rolsuper OR r.rolname OPERATOR(pg_catalog.=) CURRENT_USER
              FROM pg_catalog.pg_roles AS r WHERE r.oid OPERATOR(pg_catalog.=) s.nspowner)
       OR s.objects OPERATOR(pg_catalog.>) 0
       OR EXISTS (SELECT FROM pg_catalog.aclexplode(s.nspacl) AS a
                   WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
                     AND a.grantee OPERATOR(pg_catalog.<>) s.nspowner) THEN
        RAISE EXCEPTION 'schema "@extschema@" already exists and is not the extension''s own'
            USING ERRCODE = 'duplicate_schema',
                  DETAIL = pg_catalog.format('It is owned by %s, holds %s object(s), and its privileges are %s.',
                                             s.owner, s.objects, coalesce(s.nspacl::text, 'the default')),
                  HINT = 'CREATE EXTENSION meshcat creates its schema itself: drop or rename the existing schema "@extschema@" (ask its owner), then try again.';
    END IF;
END
$check$;

-- The internals (tables behind the views, derived rows, triggers and helpers) live apart from
-- the API, in a schema the extension creates and owns, as TimescaleDB keeps _timescaledb_catalog:
-- nothing in it is PUBLIC's (no USAGE, no EXECUTE: 90_grants), and meshcat's roles get what their
-- work needs (mesh_setup_roles). A schema of that name that exists already is not ours (42P06).
DO $internal$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace AS n WHERE n.nspname OPERATOR(pg_catalog.=) 'meshcat_internal') THEN
        RAISE EXCEPTION 'schema "meshcat_internal" already exists and is not the extension''s own'
            USING ERRCODE = 'duplicate_schema',
                  DETAIL = pg_catalog.format('It is owned by %s; meshcat would keep its tables and helpers there.',
                                             (SELECT n.nspowner::pg_catalog.regrole FROM pg_catalog.pg_namespace AS n
                                               WHERE n.nspname OPERATOR(pg_catalog.=) 'meshcat_internal')),
                  HINT = 'CREATE EXTENSION meshcat creates the schemas meshcat and meshcat_internal itself: drop or rename the existing schema "meshcat_internal" (ask its owner), then try again.';
    END IF;
END
$internal$;
CREATE SCHEMA meshcat_internal;
REVOKE ALL ON SCHEMA meshcat_internal FROM PUBLIC;
COMMENT ON SCHEMA meshcat_internal IS
    'meshcat''s internals: the tables behind its views, the derived rows, its triggers and helpers. Applications use the schema meshcat.';

CREATE FUNCTION @extschema@.mesh_library_version() RETURNS text
    AS 'MODULE_PATHNAME', 'mesh_library_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_library_version() IS
    'The meshcat version of the loaded shared library.';

-- Whether the derivation is writing (src/meshcat.c: the setting meshcat.deriving as the
-- library holds it, never a placeholder), for PL/pgSQL triggers; the derived tables' own
-- trigger (refuse_derived_write) reads the same variable in C.
CREATE FUNCTION meshcat_internal.deriving_now() RETURNS boolean
    AS 'MODULE_PATHNAME', 'deriving_now'
    -- STABLE, as current_setting() is: a SET clause changes it between calls, not within one.
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION meshcat_internal.deriving_now() IS
    'Internal: whether meshcat''s derivation is writing derived rows (meshcat.deriving, as the loaded library holds it).';

CREATE FUNCTION @extschema@.mesh_acting_role() RETURNS name
    AS 'MODULE_PATHNAME', 'mesh_acting_role'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_acting_role() IS
    'The role the session acts as (SET ROLE, else the login role), unchanged inside SECURITY DEFINER functions.';

-- Raises an error that names no caller (src/raise.c): the refusals of meshcat's SQL show their
-- message, DETAIL and HINT without the CONTEXT of every trigger and helper they came through.
-- Every meshcat role may run it (mesh_setup_roles grants it to meshcat_reader, though it is
-- VOLATILE): the functions that call it run with their caller's rights, and it can do nothing
-- that RAISE cannot.
CREATE FUNCTION meshcat_internal.raise_error(sqlstate text, message text, detail text DEFAULT NULL,
                                        hint text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'raise_error'
    -- VOLATILE: never folded into a constant where a branch that is not taken calls it.
    LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION meshcat_internal.raise_error(text, text, text, text) IS
    'Internal: raises an error with that SQLSTATE, message, DETAIL and HINT, and no CONTEXT.';
