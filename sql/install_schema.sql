-- CREATE EXTENSION refuses a schema meshcat that is not its own (docs/security.md): one that
-- holds objects, belongs to another role, or lets another role create in it. A leftover empty
-- schema of the installer (after DROP EXTENSION) is fine.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
DROP SCHEMA IF EXISTS meshcat;
RESET client_min_messages;
CREATE ROLE regress_planter NOLOGIN;
GRANT CREATE ON DATABASE :"DBNAME" TO regress_planter;

-- A database owner (or anyone with CREATE on the database) plants a look-alike first.
SET ROLE regress_planter;
CREATE SCHEMA meshcat;
CREATE FUNCTION meshcat.cardinality(text[]) RETURNS int LANGUAGE sql AS 'SELECT 1';
RESET ROLE;
CREATE EXTENSION meshcat;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'meshcat';

-- Empty, but someone else's.
DROP FUNCTION meshcat.cardinality(text[]);
CREATE EXTENSION meshcat;
\echo :LAST_ERROR_SQLSTATE

-- The installer's, but holding an object (the DETAIL names the installing superuser, so
-- only the message is shown from here on).
ALTER SCHEMA meshcat OWNER TO CURRENT_USER;
CREATE TABLE meshcat.planted (x int);
\set VERBOSITY terse
CREATE EXTENSION meshcat;
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
DROP TABLE meshcat.planted;

-- The installer's and empty, but another role may create in it.
GRANT CREATE ON SCHEMA meshcat TO regress_planter;
\set VERBOSITY terse
CREATE EXTENSION meshcat;
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
REVOKE CREATE ON SCHEMA meshcat FROM regress_planter;

-- USAGE for others is harmless (mesh_setup_roles grants it to meshcat_reader).
GRANT USAGE ON SCHEMA meshcat TO regress_planter;
CREATE EXTENSION meshcat;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'meshcat';

-- After DROP EXTENSION the empty schema stays behind; installing again works.
DROP EXTENSION meshcat;
SELECT count(*) AS leftover_schema FROM pg_namespace WHERE nspname = 'meshcat';
CREATE EXTENSION meshcat;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'meshcat';

-- The internals' schema is the extension's own too: one that exists already is refused (42P06),
-- whoever made it, and nothing is installed.
DROP EXTENSION meshcat;
CREATE SCHEMA meshcat_internal;
CREATE EXTENSION meshcat;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'meshcat';
DROP SCHEMA meshcat_internal;
CREATE EXTENSION meshcat;

-- And with no schema at all, PostgreSQL creates it for the extension.
DROP EXTENSION meshcat;
DROP SCHEMA meshcat;
CREATE EXTENSION meshcat;
SELECT n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = CURRENT_USER) AS owned_by_installer
  FROM pg_namespace AS n WHERE n.nspname = 'meshcat';

-- A session without standard-conforming strings would install its regular expressions wrong:
-- refused (0A000), and nothing is installed.
DROP EXTENSION meshcat;
SET standard_conforming_strings = off;
CREATE EXTENSION meshcat;
\echo :LAST_ERROR_SQLSTATE
RESET standard_conforming_strings;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'meshcat';
CREATE EXTENSION meshcat;

-- Default privileges of the installing role grant nothing on the extension's objects: the
-- install revokes every grant but the owner's (or a role could forge audit entries).
DROP EXTENSION meshcat;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO regress_planter;
ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO regress_planter;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO regress_planter;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO regress_planter;
CREATE EXTENSION meshcat;
SELECT (SELECT count(*) FROM pg_class AS c WHERE c.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace)
           AND (has_table_privilege('regress_planter', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
                OR (c.relkind = 'S' AND has_sequence_privilege('regress_planter', c.oid, 'USAGE')))) AS relations,
       (SELECT count(*) FROM pg_proc AS p WHERE p.pronamespace = 'meshcat_internal'::regnamespace
           AND has_function_privilege('regress_planter', p.oid, 'EXECUTE')) AS internal_functions,
       has_schema_privilege('regress_planter', 'meshcat_internal', 'USAGE') AS internal_schema;
DROP EXTENSION meshcat;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON SCHEMAS FROM regress_planter;
ALTER DEFAULT PRIVILEGES REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM regress_planter;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON SEQUENCES FROM regress_planter;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM regress_planter;
CREATE EXTENSION meshcat;

REVOKE CREATE ON DATABASE :"DBNAME" FROM regress_planter;
DROP ROLE regress_planter;
