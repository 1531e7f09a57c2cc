-- Ownership: the roles meshcat expects (mesh_setup_roles), who may write which domain's
-- products, versions and policies (42501 naming the owner role), and reading for readers.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;

-- CREATE EXTENSION creates no role; an administrator runs mesh_setup_roles() once.
SELECT count(*) AS meshcat_roles FROM pg_roles WHERE rolname LIKE 'meshcat\_%';
SELECT * FROM mesh_setup_roles();
SELECT * FROM mesh_setup_roles();
SELECT r.rolname, r.rolcanlogin, ARRAY(SELECT m.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.roleid
                                       WHERE a.member = r.oid ORDER BY 1) AS member_of
  FROM pg_roles r WHERE r.rolname LIKE 'meshcat\_%' ORDER BY 1;
-- What each may do: readers read, stewards write the catalog, nobody writes the audit trail.
SELECT r AS role,
       has_table_privilege(r, 'meshcat.mesh_products', 'SELECT') AS read_views,
       has_table_privilege(r, 'meshcat_internal.audit', 'SELECT') AS read_audit,
       has_table_privilege(r, 'meshcat.product_version', 'INSERT') AS write_catalog,
       has_table_privilege(r, 'meshcat.policy', 'UPDATE') AS write_policies,
       has_table_privilege(r, 'meshcat_internal.audit', 'INSERT') OR has_table_privilege(r, 'meshcat_internal.audit', 'UPDATE') AS write_audit,
       has_table_privilege(r, 'meshcat_internal.evaluation', 'INSERT') AS write_evaluations,
       has_function_privilege(r, 'meshcat.mesh_register(text)', 'EXECUTE') AS register,
       has_function_privilege(r, 'meshcat.mesh_publish(text, meshcat.semver)', 'EXECUTE') AS publish,
       has_function_privilege(r, 'meshcat.mesh_check(text, meshcat.semver)', 'EXECUTE') AS "check",
       has_function_privilege(r, 'meshcat.mesh_request_exemption(text, text, text, timestamptz)', 'EXECUTE') AS request,
       has_function_privilege(r, 'meshcat.mesh_grant_exemption(bigint, timestamptz, text)', 'EXECUTE') AS "grant"
  FROM unnest(ARRAY['meshcat_reader', 'meshcat_steward', 'meshcat_admin']) AS r ORDER BY 1;
SELECT has_function_privilege('public', 'meshcat.mesh_setup_roles(boolean)', 'EXECUTE') AS public_may_setup,
       has_function_privilege('public', 'meshcat.mesh_retire(text, meshcat.semver, boolean)', 'EXECUTE') AS public_may_retire;

-- Domain teams are roles; their members get meshcat_steward. A council member is an admin.
CREATE ROLE regress_own_sales NOLOGIN;
CREATE ROLE regress_own_mkt NOLOGIN;
CREATE ROLE regress_alice NOLOGIN IN ROLE regress_own_sales, meshcat_steward;
CREATE ROLE regress_bob NOLOGIN IN ROLE regress_own_mkt, meshcat_steward;
CREATE ROLE regress_gov NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_reader NOLOGIN IN ROLE meshcat_reader;

SELECT r, mesh_is_admin(r) AS admin FROM unnest(ARRAY['regress_gov', 'regress_alice', 'regress_nobody']::name[]) AS r ORDER BY r;

-- Only administrators create domains.
SET ROLE regress_alice;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: sales, owner: regress_own_sales}');
\echo :SQLSTATE
SET ROLE regress_gov;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_own_sales
---
apiVersion: meshcat/v1
kind: Domain
name: marketing
owner: regress_own_mkt
$$);

RESET ROLE;
SELECT d, r, mesh_owns_domain(d, r) FROM unnest(ARRAY['sales', 'marketing']) AS d,
       unnest(ARRAY['regress_alice', 'regress_bob', 'regress_gov']::name[]) AS r ORDER BY d, r;
-- A domain's owners write its products; others are refused, whatever the path.
SET ROLE regress_alice;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.0.0}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: sales, owner: regress_own_sales, description: Orders and payments}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: sales, owner: regress_own_mkt}');
\echo :SQLSTATE
SET ROLE regress_bob;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.1.0}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0}');
\echo :SQLSTATE
INSERT INTO meshcat.product_version (product_id, version, name, descriptor) VALUES ('sales.orders', '2.0.0', 'Orders', '{}');
\echo :SQLSTATE
UPDATE meshcat.product_version SET description = 'mine now' WHERE product_id = 'sales.orders';
\echo :SQLSTATE
DELETE FROM meshcat.product_version WHERE product_id = 'sales.orders';
\echo :SQLSTATE
-- Tags are derived from the descriptor: no role has privileges on them (derive.sql).
INSERT INTO meshcat_internal.tag (version_id, tag) SELECT id, 'x' FROM meshcat.product_version WHERE product_id = 'sales.orders';
\echo :SQLSTATE
SELECT mesh_publish('sales.orders', '1.0.0');
\echo :SQLSTATE
UPDATE meshcat.domain SET description = 'taken' WHERE name = 'sales';
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: marketing.campaigns, name: Campaigns, version: 1.0.0}');

-- Inside a SECURITY DEFINER function the acting role is still the caller.
RESET ROLE;
CREATE FUNCTION public.regress_definer_write() RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog
    BEGIN ATOMIC UPDATE meshcat.product_version SET description = 'via definer' WHERE product_id = 'sales.orders'; END;
GRANT EXECUTE ON FUNCTION public.regress_definer_write() TO regress_bob;
SET ROLE regress_bob;
SELECT public.regress_definer_write();
\echo :SQLSTATE
SET ROLE regress_alice;
SELECT public.regress_definer_write();
\echo :SQLSTATE
RESET ROLE;
SELECT description, updated_by FROM meshcat.product_version WHERE product_id = 'sales.orders';
-- A steward's SECURITY DEFINER function, called by a superuser, acts as its owner: the rules
-- judge the owner, and the audit entry names the same role the row was stamped with.
CREATE FUNCTION public.regress_alice_write() RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog
    BEGIN ATOMIC UPDATE meshcat.product_version SET description = 'by alice''s function' WHERE product_id = 'sales.orders'; END;
ALTER FUNCTION public.regress_alice_write() OWNER TO regress_alice;
SELECT public.regress_alice_write();
SELECT v.updated_by, a.acting_role, a.session_role = session_user AS session_recorded
  FROM meshcat.product_version AS v, meshcat.mesh_audit AS a
 WHERE v.product_id = 'sales.orders' AND a.id = (SELECT max(id) FROM meshcat.mesh_audit);
DROP FUNCTION public.regress_alice_write();

-- Global policies are the administrators'; domain policies their domain's owners'.
SET ROLE regress_alice;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: retention, scope: global, enforcement: required, rule: "exists($.retention)", message: declare retention}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: sales-owners, domain: sales, enforcement: recommended, rule: "exists($.owners)", message: name owners}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: mkt-tags, domain: marketing, enforcement: required, rule: "exists($.tags)", message: tag it}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: sales-check, domain: sales, enforcement: optional, function: meshcat.mesh_is_admin, message: m}');
\echo :SQLSTATE
SET ROLE regress_bob;
UPDATE meshcat.policy SET enforcement = 'required' WHERE name = 'sales-owners';
\echo :SQLSTATE
DELETE FROM meshcat.policy WHERE name = 'sales-owners';
\echo :SQLSTATE
SET ROLE regress_gov;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: retention, scope: global, enforcement: required, rule: "exists($.retention)", message: declare retention}');
SET ROLE regress_alice;
UPDATE meshcat.policy SET message = 'keep forever' WHERE name = 'retention';
\echo :SQLSTATE
-- A checking function runs as the administrator who names it (a SECURITY DEFINER one as its
-- owner): an administrator names only functions whose rights it has, and whose owner has its.
RESET ROLE;
CREATE FUNCTION public.regress_check_invoker(d jsonb) RETURNS boolean LANGUAGE sql RETURN true;
ALTER FUNCTION public.regress_check_invoker(jsonb) OWNER TO regress_gov;
CREATE FUNCTION public.regress_check_alice(d jsonb) RETURNS boolean LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp RETURN true;
ALTER FUNCTION public.regress_check_alice(jsonb) OWNER TO regress_alice;
SET ROLE regress_gov;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: gov-check, scope: global, enforcement: optional, function: public.regress_check_alice, message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: gov-check, scope: global, enforcement: optional, function: public.regress_check_invoker, message: m}');

-- Exemptions: owners request, administrators decide.
SET ROLE regress_bob;
SELECT mesh_request_exemption('sales.orders', 'retention', 'not mine', now() + interval '1 day');
\echo :SQLSTATE
SET ROLE regress_alice;
SELECT mesh_request_exemption('sales.orders', 'retention', 'migrating', now() + interval '1 day') AS e \gset
SELECT mesh_grant_exemption(:e);
\echo :SQLSTATE
UPDATE meshcat.exemption SET status = 'granted' WHERE id = :e;
\echo :SQLSTATE
SET ROLE regress_gov;
SELECT mesh_grant_exemption(:e) > now() AS granted;

-- Readers read everything and write nothing.
SET ROLE regress_reader;
SELECT id, current_version, status FROM mesh_products ORDER BY id;
SELECT name, scope, enforcement FROM mesh_policies ORDER BY name;
SELECT count(*) > 0 AS reads_audit FROM mesh_audit;
SELECT * FROM mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: Policy, name: p, scope: global, enforcement: required, rule: "exists($.tags)", message: m}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 3.0.0}');
\echo :SQLSTATE
INSERT INTO meshcat.product (id, domain) VALUES ('sales.x', 'sales');
\echo :SQLSTATE
RESET ROLE;
SELECT table_name, operation, acting_role FROM mesh_audit WHERE table_name IN ('domain', 'policy', 'exemption') ORDER BY id;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_alice, regress_bob, regress_gov, regress_reader, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_alice, regress_bob, regress_gov, regress_reader, regress_own_sales, regress_own_mkt;
DROP ROLE meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
