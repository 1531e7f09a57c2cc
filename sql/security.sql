-- Security: no way into another domain's contract, no forged stamps, ownership that fails
-- closed, meshcat's roles trusted only when meshcat made them, and tables that check what
-- readers parse. Each attack is written as a user would try it.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();

CREATE ROLE regress_sec_sales NOLOGIN;
CREATE ROLE regress_sec_mkt NOLOGIN;
CREATE ROLE regress_sec_alice NOLOGIN IN ROLE regress_sec_sales, meshcat_steward;
CREATE ROLE regress_sec_mallory NOLOGIN IN ROLE regress_sec_mkt, meshcat_steward;
CREATE ROLE regress_sec_admin NOLOGIN IN ROLE meshcat_admin;

SET ROLE regress_sec_admin;
SELECT kind, id, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_sec_sales
---
apiVersion: meshcat/v1
kind: Domain
name: marketing
owner: regress_sec_mkt
---
apiVersion: meshcat/v1
kind: Domain
name: scratch
owner: regress_sec_sales
$$);
SET ROLE regress_sec_alice;
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
inputs: [{source: shop.db}]
owners: {technical: regress_sec_sales}
outputs:
  - name: orders
    type: table
    schema:
      - {name: order_id, type: bigint, required: true}
      - {name: amount, type: numeric}
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
status: published
inputs: [{product: sales.orders, version: ^1.0}]
outputs: [{name: report, type: table, schema: [{name: total, type: numeric, derived_from: [sales.orders.orders.amount]}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.drafty
name: Drafty
version: 0.1.0
outputs: [{name: d, type: table, schema: [{name: x, type: int}]}]
$$);
SET ROLE regress_sec_mallory;
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: marketing.campaigns
name: Campaigns
version: 0.1.0
outputs: [{name: campaigns, type: table, schema: [{name: id, type: int}]}]
$$);
RESET ROLE;
SELECT id AS sales_v FROM product_version WHERE product_id = 'sales.orders' \gset
SELECT id AS report_v FROM product_version WHERE product_id = 'sales.report' \gset
SELECT id AS drafty_v FROM product_version WHERE product_id = 'sales.drafty' \gset
SELECT id AS mkt_v FROM product_version WHERE product_id = 'marketing.campaigns' \gset
SELECT id AS mkt_port FROM output_port WHERE version_id = :mkt_v \gset

-- Attack: another domain's steward moves the published contract's rows into a draft of its
-- own (the row leaves sales.orders 1.0.0: a write to it), then would delete the draft. The
-- rows are derived from the descriptors: no role has any privilege on them (42501).
SET ROLE regress_sec_mallory;
UPDATE output_port SET version_id = :mkt_v WHERE version_id = :sales_v;
\echo :SQLSTATE
UPDATE field SET port_id = :mkt_port WHERE name = 'amount';
\echo :SQLSTATE
-- The same move on an input would hide a consumer from retirement, lineage and impact.
UPDATE input_port SET version_id = :mkt_v WHERE version_id = :report_v;
\echo :SQLSTATE
UPDATE owner SET version_id = :mkt_v WHERE version_id = :sales_v;
\echo :SQLSTATE
-- Its own domain's rows cannot move into another's draft either.
UPDATE output_port SET version_id = :drafty_v WHERE version_id = :mkt_v;
\echo :SQLSTATE
RESET ROLE;
-- A domain's own steward cannot move rows out of its published version into its draft.
SET ROLE regress_sec_alice;
UPDATE output_port SET version_id = :drafty_v WHERE version_id = :sales_v;
\echo :SQLSTATE
UPDATE input_port SET version_id = :drafty_v WHERE version_id = :report_v;
\echo :SQLSTATE
RESET ROLE;
-- Nothing moved: the published contracts are whole.
SELECT product_id, port, name FROM mesh_fields WHERE product_id LIKE 'sales.%' ORDER BY 1, 2, 3;
SELECT id, depth FROM mesh_upstream('sales.report') ORDER BY id;

-- In the transaction that publishes a version, after its policies have judged it, nothing
-- of its contract may be removed, changed or added either: its rows are derived.
SET ROLE regress_sec_alice;
SELECT kind, id, action FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.window, name: W, version: 0.1.0, inputs: [{product: sales.orders}], outputs: [{name: w, type: table, schema: [{name: a, type: int}]}]}');
BEGIN;
SELECT mesh_publish('sales.window', '0.1.0');
DELETE FROM field WHERE port_id IN (SELECT o.id FROM output_port o JOIN product_version v ON v.id = o.version_id WHERE v.product_id = 'sales.window');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
SELECT mesh_publish('sales.window', '0.1.0');
DELETE FROM input_port WHERE version_id IN (SELECT id FROM product_version WHERE product_id = 'sales.window');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
SELECT mesh_publish('sales.window', '0.1.0');
INSERT INTO input_port (version_id, position, source, descriptor)
SELECT id, 2, 'hidden.source', '{"source": "hidden.source"}' FROM product_version WHERE product_id = 'sales.window';
\echo :SQLSTATE
ROLLBACK;
RESET ROLE;

-- Stamps are the server's: a plain UPDATE cannot rewrite who created or published what.
SET ROLE regress_sec_alice;
UPDATE domain SET created_by = 'regress_sec_mallory', created_at = '2000-01-01', updated_by = 'nobody',
                  description = 'edited' WHERE name = 'sales';
SELECT name, description, created_by, updated_by, created_at < '2001-01-01' AS forged_date FROM domain WHERE name = 'sales';
UPDATE product SET created_by = 'regress_sec_mallory', created_at = '2000-01-01' WHERE id = 'sales.drafty';
SELECT id, created_by, created_at < '2001-01-01' AS forged_date FROM product WHERE id = 'sales.drafty';
UPDATE product_version SET created_by = 'regress_sec_mallory', created_at = '2000-01-01', retired_by = 'x',
                           retired_at = now(), deprecated_by = 'x', description = 'still a draft'
 WHERE id = :drafty_v;
SELECT description, created_by, created_at < '2001-01-01' AS forged_date, retired_by, deprecated_by
  FROM product_version WHERE id = :drafty_v;
-- A published version's stamps are refused like any change of its contract.
UPDATE product_version SET retired_by = 'regress_sec_mallory', retired_at = now() WHERE id = :sales_v;
\echo :SQLSTATE
UPDATE product_version SET published_by = 'regress_sec_mallory' WHERE id = :sales_v;
\echo :SQLSTATE
UPDATE product_version SET created_by = 'regress_sec_mallory' WHERE id = :sales_v;
\echo :SQLSTATE
SELECT mesh_deprecate('sales.orders', '1.0.0', current_date + 30, 'moving to 2.0');
UPDATE product_version SET deprecated_by = 'regress_sec_mallory' WHERE id = :sales_v;
\echo :SQLSTATE
-- A new version starts without deprecation or retirement stamps, whatever the INSERT says.
INSERT INTO product_version (product_id, version, status, name, descriptor, deprecated_by, retired_by, sunset, created_by)
VALUES ('sales.drafty', '0.2.0', 'draft', 'Drafty', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.drafty", "name": "Drafty", "version": "0.2.0"}', 'x', 'y', '2099-01-01', 'regress_sec_mallory');
SELECT version, created_by, deprecated_by, retired_by, sunset FROM product_version WHERE product_id = 'sales.drafty' ORDER BY version;
-- Exemptions: who asked and when is not for the requester to rewrite.
RESET ROLE;
SELECT kind, id, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: sec-retention
scope: global
enforcement: recommended
rule: 'exists($.retention)'
message: declare a retention period
$$);
SET ROLE regress_sec_alice;
SELECT mesh_request_exemption('sales.drafty', 'sec-retention', 'it is a draft', now() + interval '1 day') AS exemption \gset
UPDATE exemption SET requested_by = 'regress_sec_mallory' WHERE id = :exemption;
\echo :SQLSTATE
RESET ROLE;

-- Deleting a domain is for administrators, not its owners.
SET ROLE regress_sec_alice;
DELETE FROM domain WHERE name = 'scratch';
\echo :SQLSTATE
SET ROLE regress_sec_admin;
DELETE FROM domain WHERE name = 'scratch';
SELECT count(*) AS scratch_left FROM domain WHERE name = 'scratch';
RESET ROLE;

-- Ownership is the privileges a role can use (USAGE), not bare membership, and fails closed.
CREATE ROLE regress_sec_noinherit NOLOGIN NOINHERIT IN ROLE regress_sec_sales, meshcat_admin;
SELECT pg_has_role('regress_sec_noinherit', 'regress_sec_sales', 'MEMBER') AS member,
       mesh_owns_domain('sales', 'regress_sec_noinherit') AS owns,
       mesh_is_admin('regress_sec_noinherit') AS admin;
SELECT mesh_owns_domain(NULL, 'regress_sec_alice') AS null_domain,
       mesh_owns_domain('nowhere', 'regress_sec_alice') AS unknown_domain,
       mesh_owns_domain('sales', NULL) AS null_role,
       mesh_owns_domain('sales', 'regress_sec_nobody') AS unknown_role,
       mesh_is_admin(NULL) AS null_admin;

-- Code that acts for no one may not borrow the session's identity. A steward of marketing
-- plants an index expression that rewrites the sales domain: an index build, ANALYZE or
-- autovacuum runs it as the table's owner for a superuser's session (a security-restricted
-- operation); meshcat refuses to act there at all.
CREATE SCHEMA regress_sec_b AUTHORIZATION regress_sec_mallory;
SET ROLE regress_sec_mallory;
CREATE TABLE regress_sec_b.log (msg text);
CREATE FUNCTION regress_sec_b.evil() RETURNS int LANGUAGE plpgsql AS $f$
BEGIN
    UPDATE meshcat.domain SET owner_role = 'regress_sec_mkt' WHERE name = 'sales';
    INSERT INTO regress_sec_b.log VALUES ('took sales');
    RETURN 0;
EXCEPTION WHEN OTHERS THEN
    INSERT INTO regress_sec_b.log VALUES (SQLSTATE || ' ' || SQLERRM);
    RETURN 0;
END
$f$;
CREATE FUNCTION regress_sec_b.idx(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    RETURN $1 + regress_sec_b.evil();
END
$f$;
CREATE TABLE regress_sec_b.t (x int);
INSERT INTO regress_sec_b.t SELECT generate_series(1, 3);
CREATE INDEX ON regress_sec_b.t (regress_sec_b.idx(x));
-- Without the handler, the index build shows the refusal whole.
CREATE FUNCTION regress_sec_b.take() RETURNS int LANGUAGE sql
    AS $f$UPDATE meshcat.domain SET owner_role = 'regress_sec_mkt' WHERE name = 'sales' RETURNING 0$f$;
CREATE FUNCTION regress_sec_b.plain_idx(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    RETURN $1 + regress_sec_b.take();
END
$f$;
\set SHOW_CONTEXT never
CREATE INDEX ON regress_sec_b.t (regress_sec_b.plain_idx(x));
\echo :SQLSTATE
\set SHOW_CONTEXT errors
RESET ROLE;
ANALYZE regress_sec_b.t;
SELECT DISTINCT msg FROM regress_sec_b.log ORDER BY 1;
SELECT name, owner_role FROM domain WHERE name = 'sales';
-- Inside someone else's SECURITY DEFINER function the code acts as its owner: a sales
-- steward tricked into calling marketing's function lends it nothing.
SET ROLE regress_sec_mallory;
CREATE FUNCTION regress_sec_b.deface() RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $f$UPDATE meshcat.domain SET description = 'defaced' WHERE name = 'sales'$f$;
GRANT USAGE ON SCHEMA regress_sec_b TO regress_sec_alice;
RESET ROLE;
SET ROLE regress_sec_alice;
SELECT regress_sec_b.deface();
\echo :SQLSTATE
RESET ROLE;
SELECT name, description FROM domain WHERE name = 'sales';

-- A checking function whose search_path does not end with pg_temp would read the temporary
-- objects of whichever session triggers the evaluation: it cannot be approved.
CREATE SCHEMA regress_sec_gov AUTHORIZATION regress_sec_admin;
SET ROLE regress_sec_admin;
CREATE FUNCTION regress_sec_gov.rules_ok(jsonb) RETURNS boolean LANGUAGE sql
    SET search_path = regress_sec_gov AS 'SELECT true';
CREATE FUNCTION regress_sec_gov.rules_ok_temp_last(jsonb) RETURNS boolean LANGUAGE sql
    SET search_path = regress_sec_gov, pg_temp AS 'SELECT true';
SELECT kind, id, action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: sec-fn, scope: global, enforcement: optional, function: regress_sec_gov.rules_ok, message: m}');
\echo :SQLSTATE
SELECT kind, id, action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: sec-fn, scope: global, enforcement: optional, function: regress_sec_gov.rules_ok_temp_last, message: m}');
RESET ROLE;

-- meshcat's roles: one of that name that mesh_setup_roles() did not create grants nothing,
-- and is adopted only by a superuser who says so.
CREATE ROLE regress_sec_creator NOLOGIN CREATEROLE;
GRANT USAGE ON SCHEMA meshcat TO regress_sec_creator;
GRANT EXECUTE ON FUNCTION mesh_setup_roles(boolean) TO regress_sec_creator;
DROP OWNED BY meshcat_admin;
DROP ROLE meshcat_admin;
SET ROLE regress_sec_creator;
CREATE ROLE meshcat_admin NOLOGIN;
GRANT meshcat_admin TO regress_sec_creator;
RESET ROLE;
SELECT mesh_is_admin('regress_sec_creator') AS creator_is_admin;
SELECT * FROM mesh_setup_roles();
\echo :SQLSTATE
SET ROLE regress_sec_creator;
SELECT * FROM mesh_setup_roles(adopt => true);
\echo :SQLSTATE
RESET ROLE;
SELECT * FROM mesh_setup_roles(adopt => true);
SELECT purpose, role_name, adopted FROM setup_role ORDER BY purpose;
SELECT mesh_is_admin('regress_sec_creator') AS creator_is_admin_once_adopted;
SELECT * FROM mesh_setup_roles();

-- What readers parse is checked whoever writes (terse: the failing rows hold ids): a derived
-- table refuses even a superuser outside the derivation, a descriptor is validated as
-- mesh_register validates it, and the table's constraints hold the rest.
\set VERBOSITY terse
INSERT INTO input_port (version_id, position, product_id, version_range, descriptor)
VALUES ((SELECT id FROM product_version WHERE product_id = 'sales.drafty' AND version = '0.2.0'), 1, 'sales.orders', 'one point oh', '{}');
\echo :SQLSTATE
INSERT INTO input_port (version_id, position, source, descriptor)
VALUES ((SELECT id FROM product_version WHERE product_id = 'sales.drafty' AND version = '0.2.0'), 1, '', '{}');
\echo :SQLSTATE
UPDATE field SET derived_from = '{sales.orders.amount}' WHERE name = 'x';
\echo :SQLSTATE
UPDATE product_version SET retention = '-1 day', descriptor = descriptor || '{"retention": "-1 day"}' WHERE id = :drafty_v;
\echo :SQLSTATE
-- A contract column says what the descriptor says; the descriptor names its own product.
UPDATE product_version SET classification = 'public' WHERE id = :drafty_v;
\echo :SQLSTATE
UPDATE product_version SET descriptor = descriptor || '{"domain": "marketing"}' WHERE id = :drafty_v;
\echo :SQLSTATE
\set VERBOSITY default

RESET ROLE;
SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA regress_sec_b, regress_sec_gov CASCADE;
DROP OWNED BY regress_sec_alice, regress_sec_mallory, regress_sec_admin, regress_sec_creator, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_sec_alice, regress_sec_mallory, regress_sec_admin, regress_sec_noinherit, regress_sec_creator,
          regress_sec_sales, regress_sec_mkt, meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
