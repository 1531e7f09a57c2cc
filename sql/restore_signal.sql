-- mesh_restoring: a superuser's COPY into a catalog table is taken as a restore and is not
-- audited again (the dump holds the trail); anything else is audited.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, public;
CREATE ROLE regress_restore_owner NOLOGIN;
CREATE ROLE regress_copier NOLOGIN;
GRANT USAGE ON SCHEMA meshcat TO regress_copier;
GRANT INSERT ON meshcat.product TO regress_copier;
GRANT SELECT ON meshcat.domain TO regress_copier;
-- The copier owns the domains of regress_restore_owner, so governance lets it add products.
GRANT regress_restore_owner TO regress_copier;

SELECT mesh_restoring();
-- A superuser's COPY FROM, as psql and pg_restore run it: rows are loaded unaudited.
COPY meshcat.domain (name, owner_role, descriptor) FROM stdin;
restored	regress_restore_owner	{"kind": "Domain", "name": "restored", "owner": "regress_restore_owner"}
\.
/* a leading comment */ copy
  meshcat.domain (name, owner_role, descriptor) FROM stdin;
restored2	regress_restore_owner	{"kind": "Domain", "name": "restored2", "owner": "regress_restore_owner"}
\.
SELECT name FROM mesh_domains ORDER BY name;
SELECT count(*) AS audited FROM mesh_audit;

-- COPY (query) TO runs functions that write: their rows are audited.
COPY (SELECT kind, id, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: registered
owner: regress_restore_owner
$$)) TO stdout;
SELECT table_name, operation, new_row ->> 'name' AS name FROM mesh_audit ORDER BY id;

-- A role that is not a superuser is audited, COPY or not.
SET SESSION AUTHORIZATION regress_copier;
SELECT mesh_restoring();
COPY meshcat.product (id, domain) FROM stdin;
restored.copied	restored
\.
RESET SESSION AUTHORIZATION;
SELECT table_name, operation, session_role = 'regress_copier' AS by_copier,
       coalesce(new_row ->> 'name', new_row ->> 'id') AS name FROM mesh_audit ORDER BY id;

-- Leave a fresh extension behind for the tests that follow.
SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
REVOKE ALL ON SCHEMA meshcat FROM regress_copier;
DROP ROLE regress_copier;
DROP ROLE regress_restore_owner;
CREATE EXTENSION meshcat;
