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

-- Raises an error that names no caller (src/raise.c): the refusals of meshcat's SQL show their
-- message, DETAIL and HINT without the CONTEXT of every trigger and helper they came through.
-- Executable by PUBLIC on purpose: the functions that call it run with their caller's rights,
-- and it can do nothing that RAISE cannot.
CREATE FUNCTION @extschema@.raise_error(sqlstate text, message text, detail text DEFAULT NULL,
                                        hint text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'raise_error'
    -- VOLATILE: never folded into a constant where a branch that is not taken calls it.
    LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.raise_error(text, text, text, text) IS
    'Internal: raises an error with that SQLSTATE, message, DETAIL and HINT, and no CONTEXT.';
