-- mesh_audit: every catalog change recorded in its transaction; the trail is append-only.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_audit_owner NOLOGIN;
CREATE ROLE regress_steward NOLOGIN;
GRANT USAGE ON SCHEMA meshcat TO regress_steward;
GRANT SELECT, INSERT, UPDATE, DELETE ON meshcat.domain, meshcat.product, meshcat.product_version TO regress_steward;
GRANT SELECT ON meshcat_internal.audit TO regress_steward;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA meshcat TO regress_steward;
-- the internals, as mesh_setup_roles() grants them to meshcat_reader
GRANT USAGE ON SCHEMA meshcat_internal TO regress_steward;
GRANT SELECT ON ALL TABLES IN SCHEMA meshcat_internal TO regress_steward;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA meshcat_internal TO regress_steward;
-- mesh_register calls its writers with the caller's rights: they are not PUBLIC's either.
GRANT EXECUTE ON FUNCTION mesh_register(text), write_domain(jsonb, int, int), write_policy(jsonb, int, int),
    write_product_version(jsonb, int, int, text, text) TO regress_steward;
-- The steward is a member of the domain's owner role: only owners write a domain's products.
GRANT regress_audit_owner TO regress_steward;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_audit_owner
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
tags: [a]
owners: {technical: eng}
inputs: [{source: shop.db}]
outputs:
  - {name: orders, type: table, schema: [{name: id, type: bigint}]}
$$);

-- One row per written document (a domain, a version: the product's creation is its first
-- version's; owners, tags, ports and fields are derived from it and not audited), all in the
-- registering transaction, by the session's role.
SELECT table_name, operation, count(*) AS rows, count(DISTINCT txid) AS transactions,
       bool_and(session_role = session_user AND acting_role = current_user) AS who_is_right,
       bool_and(old_row IS NULL AND new_row IS NOT NULL) AS has_after_only
  FROM mesh_audit GROUP BY table_name, operation ORDER BY table_name, operation;

-- An update keeps before and after.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders v1
version: 1.0.0
tags: [a]
owners: {technical: eng}
inputs: [{source: shop.db}]
outputs:
  - {name: orders, type: table, schema: [{name: id, type: bigint}]}
$$);
SELECT operation, old_row ->> 'name' AS before, new_row ->> 'name' AS after
  FROM mesh_audit WHERE table_name = 'product_version' ORDER BY id;
-- ... as one entry: the version's, not one per derived row.
SELECT table_name, operation, count(*) FROM mesh_audit
 WHERE txid = (SELECT max(txid) FROM mesh_audit) GROUP BY 1, 2 ORDER BY 1, 2;

-- A rolled-back registration, and a failed one, leave no audit row.
SELECT count(*) AS before FROM mesh_audit \gset
BEGIN;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0}');
ROLLBACK;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0, inputs: [{product: sales.nope}]}');
SELECT count(*) - :before AS new_rows FROM mesh_audit;

-- The acting role is recorded, under SET ROLE too.
SET ROLE regress_steward;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0}');
UPDATE meshcat.product_version SET description = 'edited by hand' WHERE product_id = 'sales.refunds';
RESET ROLE;
SELECT table_name, operation, acting_role, session_role = session_user AS session_recorded
  FROM mesh_audit WHERE id > :before ORDER BY id;
SELECT new_row ->> 'description' AS after, old_row ->> 'description' AS before
  FROM mesh_audit WHERE table_name = 'product_version' AND operation = 'UPDATE' ORDER BY id DESC LIMIT 1;

-- Writers cannot forge entries, and nobody, the owner included, rewrites the trail.
SET ROLE regress_steward;
INSERT INTO meshcat_internal.audit (table_name, operation) VALUES ('domain', 'DELETE');
\echo :SQLSTATE
RESET ROLE;
UPDATE meshcat_internal.audit SET acting_role = 'someone_else';
\echo :SQLSTATE
DELETE FROM meshcat_internal.audit;
\echo :SQLSTATE
TRUNCATE meshcat_internal.audit;
\echo :SQLSTATE
SELECT count(*) > 0 AS trail_intact FROM mesh_audit;

-- TRUNCATE of a document table is refused (it would pass over every rule; a derived table
-- refuses it too: derive.sql), and leaves no audit entry.
SELECT count(*) AS before FROM mesh_audit \gset
TRUNCATE meshcat.exemption;
\echo :SQLSTATE
SELECT count(*) - :before AS new_entries FROM mesh_audit;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_steward;
DROP ROLE regress_audit_owner, regress_steward;
CREATE EXTENSION meshcat;
