-- meshcat install script, generated from sql/install/*.sql: do not edit the output.
\echo Use "CREATE EXTENSION meshcat" to load this file. \quit

-- 00_schema: the extension's own settings and helpers that everything else uses.

CREATE FUNCTION @extschema@.mesh_library_version() RETURNS text
    AS 'MODULE_PATHNAME', 'mesh_library_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_library_version() IS
    'The meshcat version of the loaded shared library.';

CREATE FUNCTION @extschema@.mesh_acting_role() RETURNS name
    AS 'MODULE_PATHNAME', 'mesh_acting_role'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_acting_role() IS
    'The role the session acts as (SET ROLE, else the login role), unchanged inside SECURITY DEFINER functions.';
