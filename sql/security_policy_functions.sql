-- Security: a policy's checking function never runs with more rights than the administrator
-- who named it. The function's OID, signature, approving role, SECURITY DEFINER and owner are
-- stored; at every evaluation it is re-checked and run as that role (src/policy_call.c). A
-- changed function is a failed check with the reason, never run. And mesh_check(id) is for
-- the product's domain owners and administrators.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT * FROM mesh_setup_roles();

CREATE ROLE regress_admin NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_su SUPERUSER NOLOGIN;
CREATE ROLE regress_team_a NOLOGIN;
CREATE ROLE regress_team_b NOLOGIN;
CREATE ROLE regress_steward_a NOLOGIN IN ROLE regress_team_a, meshcat_steward;
CREATE ROLE regress_steward_b NOLOGIN IN ROLE regress_team_b, meshcat_steward;
-- the administrator's own schema, and one where any steward may create functions
CREATE SCHEMA regress_fns AUTHORIZATION regress_admin;
CREATE SCHEMA regress_shared AUTHORIZATION regress_admin;
GRANT USAGE, CREATE ON SCHEMA regress_shared TO meshcat_steward;
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_team_a
---
apiVersion: meshcat/v1
kind: Domain
name: marketing
owner: regress_team_b
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
owners: {technical: orders-team}
$$);

-- Attack 1: an administrator registers a policy on a SECURITY DEFINER function it owns ...
SET ROLE regress_admin;
CREATE FUNCTION regress_fns.has_owners(d jsonb) RETURNS boolean LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp RETURN d ? 'owners';
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: owners, scope: global, enforcement: recommended, function: regress_fns.has_owners, message: name the owners}');
SELECT check_function, check_function_oid = 'regress_fns.has_owners(jsonb)'::regprocedure AS oid_stored,
       check_function_author = 'regress_admin'::regrole AS author_stored,
       check_function_secdef, check_function_owner = 'regress_admin'::regrole AS owner_stored
  FROM meshcat.policy WHERE name = 'owners';
SELECT policy, outcome, message FROM mesh_check('sales.orders');
-- ... then replaces it by a SECURITY INVOKER one that makes it a superuser.
CREATE OR REPLACE FUNCTION regress_fns.has_owners(d jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    ALTER ROLE regress_admin SUPERUSER;
    RETURN true;
END
$$;
RESET ROLE;
-- The next check, by a superuser, does not run it: a failed check, with the reason.
SELECT policy, outcome, message FROM mesh_check('sales.orders');
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_admin';
SELECT policy_name, passed, error FROM meshcat_internal.evaluation WHERE policy_name = 'owners' ORDER BY id;
-- Publishing through it is a recorded failure too (recommended: it warns, nothing runs).
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.1.0, status: published, owners: {technical: orders-team}}');
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_admin';
-- The same body kept SECURITY DEFINER is what was approved: it runs as its owner, who may not.
SET ROLE regress_admin;
ALTER FUNCTION regress_fns.has_owners(jsonb) SECURITY DEFINER;
RESET ROLE;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_admin';
-- An unchanged function still evaluates normally.
SET ROLE regress_admin;
CREATE OR REPLACE FUNCTION regress_fns.has_owners(d jsonb) RETURNS boolean LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp RETURN d ? 'owners';
RESET ROLE;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
-- After a restore the stored OID names another function, or none: the signature finds the
-- function, which runs if it is still what was approved (simulated behind the triggers).
SET session_replication_role = replica;
UPDATE meshcat.policy SET check_function_oid = 'pg_catalog.jsonb_typeof(jsonb)'::regprocedure WHERE name = 'owners';
SET session_replication_role = DEFAULT;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
SET session_replication_role = replica;
UPDATE meshcat.policy SET check_function_oid = 0 WHERE name = 'owners';
SET session_replication_role = DEFAULT;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
-- ... and not if it is not: here the approval recorded another owner.
SET session_replication_role = replica;
UPDATE meshcat.policy SET check_function_owner = 'regress_steward_a'::regrole WHERE name = 'owners';
SET session_replication_role = DEFAULT;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
SET session_replication_role = replica;
UPDATE meshcat.policy SET check_function_owner = 'regress_admin'::regrole, check_function_author = 'regress_steward_a'::regrole
 WHERE name = 'owners';
SET session_replication_role = DEFAULT;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
SET session_replication_role = replica;
UPDATE meshcat.policy SET check_function_author = 'regress_admin'::regrole WHERE name = 'owners';
SET session_replication_role = DEFAULT;
SELECT policy, outcome, message FROM mesh_check('sales.orders');
-- The approval cannot be forged by writing the policy: the trigger approves as the writer.
SET ROLE regress_admin;
UPDATE meshcat.policy SET check_function_author = 'regress_su'::regrole WHERE name = 'owners';
RESET ROLE;
SELECT check_function_author = 'regress_admin'::regrole AS author_is_the_writer FROM meshcat.policy WHERE name = 'owners';

-- Attack 2: the function is dropped, and anyone with CREATE on its schema makes a new one of
-- the same signature, SECURITY INVOKER, hoping it runs as the extension owner.
SET ROLE regress_admin;
CREATE FUNCTION regress_shared.is_tagged(d jsonb) RETURNS boolean LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp RETURN true;
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: tagged, scope: global, enforcement: optional, function: regress_shared.is_tagged, message: tag it}');
DROP FUNCTION regress_shared.is_tagged(jsonb);
SET ROLE regress_steward_a;
CREATE FUNCTION regress_shared.is_tagged(d jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    ALTER ROLE regress_steward_a SUPERUSER;
    RETURN true;
END
$$;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'tagged';
RESET ROLE;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'tagged';
SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN ('regress_admin', 'regress_steward_a') ORDER BY 1;
-- The same, kept SECURITY DEFINER by its new owner: the owner changed, it is not run either.
SET ROLE regress_steward_a;
ALTER FUNCTION regress_shared.is_tagged(jsonb) SECURITY DEFINER;
RESET ROLE;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'tagged';
DELETE FROM meshcat.policy WHERE name = 'tagged';

-- A SECURITY INVOKER function runs as the administrator who named it, whoever triggers the
-- evaluation, never as the extension owner nor as the steward who registers.
SET ROLE regress_admin;
CREATE TABLE regress_fns.calls (who name, sess name);
CREATE FUNCTION regress_fns.who(d jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO regress_fns.calls VALUES (current_user, session_user = current_user);
    RETURN current_user = 'regress_admin';
END
$$;
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: who, scope: global, enforcement: required, function: regress_fns.who, message: runs as the admin}');
SET ROLE regress_steward_a;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'who';
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.2.0, status: published, owners: {technical: orders-team}}');
RESET ROLE;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'who';
SELECT who, count(*) FROM regress_fns.calls GROUP BY who ORDER BY who;
-- An approval lasts while its approver is an administrator.
REVOKE meshcat_admin FROM regress_admin;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'who';
GRANT meshcat_admin TO regress_admin;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'who';
-- Its errors are failed checks with their message, as before; so is a restricted command.
SET ROLE regress_admin;
CREATE OR REPLACE FUNCTION regress_fns.who(d jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE regress_tmp (x int);
    RETURN true;
END
$$;
RESET ROLE;
SELECT policy, outcome, message FROM mesh_check('sales.orders') WHERE policy = 'who';
DELETE FROM meshcat.policy WHERE name = 'who';

-- An administrator may not lend rights it does not have: a SECURITY DEFINER function of a
-- superuser, one of a steward, or a SECURITY INVOKER one whose owner (who can change it)
-- lacks the administrator's rights.
CREATE FUNCTION regress_fns.su_definer(d jsonb) RETURNS boolean LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp RETURN true;
ALTER FUNCTION regress_fns.su_definer(jsonb) OWNER TO regress_su;
SET ROLE regress_steward_a;
CREATE FUNCTION regress_shared.steward_invoker(d jsonb) RETURNS boolean LANGUAGE sql RETURN true;
SET ROLE regress_admin;
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: p1, scope: global, enforcement: optional, function: regress_fns.su_definer, message: m}');
\echo :SQLSTATE
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: p2, scope: global, enforcement: optional, function: regress_shared.steward_invoker, message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: Policy, name: p3, scope: global, enforcement: optional, function: regress_shared.steward_invoker, message: m}');
\echo :SQLSTATE
-- Naming a function stays the administrators'.
SET ROLE regress_steward_a;
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: p4, domain: sales, enforcement: optional, function: regress_fns.has_owners, message: m}');
\echo :SQLSTATE
-- The internal functions that take an author are not for PUBLIC.
RESET ROLE;
SELECT has_function_privilege('regress_steward_a', 'meshcat_internal.call_check_function(oid, text, oid, boolean, oid, jsonb)', 'EXECUTE') AS steward_may_call,
       has_function_privilege('regress_admin', 'meshcat_internal.policy_result(meshcat.policy, jsonb)', 'EXECUTE') AS admin_may_evaluate;

-- mesh_check(id) by a steward: only products of domains it owns (or an administrator).
SET ROLE regress_steward_b;
SELECT policy, outcome FROM mesh_check('sales.orders');
\echo :SQLSTATE
SET ROLE regress_steward_a;
SELECT policy, outcome FROM mesh_check('sales.orders');
SET ROLE regress_admin;
SELECT policy, outcome FROM mesh_check('sales.orders');
RESET ROLE;
SELECT evaluated_by, count(*) FROM meshcat_internal.evaluation WHERE cause = 'check' AND evaluated_by LIKE 'regress%' GROUP BY 1 ORDER BY 1;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA regress_fns, regress_shared CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_su, regress_admin, regress_steward_a, regress_steward_b, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_su, regress_admin, regress_steward_a, regress_steward_b, regress_team_a, regress_team_b;
DROP ROLE meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
