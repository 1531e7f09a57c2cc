-- Self-serve provisioning (docs/contracts.md): mesh_provision creates the schema and the table
-- of each table port from its contract, with the caller's rights, owned by the domain's owner
-- role, and binds the port; it is idempotent and never touches a relation it did not create.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
-- The drift here is made by hand: DDL enforcement (ddl_guard.sql) would refuse it.
SET meshcat.contract_ddl = off;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_pv_a_team NOLOGIN;
CREATE ROLE regress_pv_b_team NOLOGIN;
CREATE ROLE regress_pv_steward_a NOLOGIN IN ROLE regress_pv_a_team, meshcat_steward;
CREATE ROLE regress_pv_steward_b NOLOGIN IN ROLE regress_pv_b_team, meshcat_steward;
CREATE ROLE regress_pv_reader NOLOGIN IN ROLE meshcat_reader;
-- A governance administrator owns every domain, but is not a member of A's owner role.
CREATE ROLE regress_pv_admin NOLOGIN IN ROLE meshcat_admin;
SELECT current_database() AS db \gset

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: alpha
owner: regress_pv_a_team
---
apiVersion: meshcat/v1
kind: Domain
name: beta
owner: regress_pv_b_team
$$);

-- Every kind of type a field may declare: PostgreSQL's names and aliases, type modifiers,
-- arrays, and ODCS logical types; keys, checks and comments.
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.orders
name: Orders
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    location: pv_alpha.orders
    description: One row per order.
    schema:
      - {name: order_id, type: bigint, primary_key: true, description: The order's number.}
      - {name: line, type: int, primary_key: true}
      - {name: code, type: "varchar(12)", unique: true, required: true}
      - name: status
        type: text
        required: true
        description: Where the order is.
        quality:
          - {type: library, metric: invalidValues, arguments: {validValues: [open, shipped, "it's late"]}, mustBe: 0}
      - name: sku
        type: text
        quality:
          - {type: library, metric: invalidValues, arguments: {pattern: '^[A-Z]{3}-[0-9]+$'}}
          - {type: library, metric: invalidValues, arguments: {validValues: [X]}, mustBeLessThan: 5}
          - {type: library, metric: invalidValues, arguments: {validValues: [Y]}, severity: warning}
          - {type: library, metric: nullValues, mustBe: 0}
      - {name: amount, type: "numeric(12,2)"}
      - {name: ratio, type: double precision}
      - {name: small, type: int2}
      - {name: whole, type: integer}
      - {name: four, type: int4}
      - {name: big, type: int8}
      - {name: flag, type: bool}
      - {name: day, type: date}
      - {name: at, type: timestamptz}
      - {name: at3, type: "timestamp(3) with time zone"}
      - {name: local_at, type: timestamp}
      - {name: id, type: uuid}
      - {name: doc, type: jsonb}
      - {name: labels, type: "text[]"}
      - {name: counts, type: "int[]"}
      - {name: s, type: string}
      - {name: n, type: number}
      - {name: i, type: integer}
      - {name: l, type: long}
      - {name: d, type: double}
      - {name: b, type: boolean}
      - {name: o, type: object}
      - {name: a, type: array}
      - {name: dt, type: datetime}
      - {name: "Mixed Case", type: CHARACTER VARYING(5)}
  - name: summary
    type: view
    location: pv_alpha.order_summary
  - name: feed
    type: stream
    location: kafka://orders
  - name: export
    type: table
    location: s3://bucket/orders
  - name: nowhere
    type: table
$$);
RESET ROLE;

-- The caller must be able to create the schema: a steward without CREATE on the database.
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_provision('alpha.orders');
RESET ROLE;
GRANT CREATE ON DATABASE :"db" TO regress_pv_a_team;

-- Only the domain's owners provision its products, and only members of its owner role (the
-- tables are given to it).
SET ROLE regress_pv_steward_b;
SELECT * FROM mesh_provision('alpha.orders');
RESET ROLE;
SET ROLE regress_pv_admin;
SELECT * FROM mesh_provision('alpha.orders');
RESET ROLE;
SET ROLE regress_pv_reader;
SELECT * FROM mesh_provision('alpha.orders');
RESET ROLE;

SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_provision('alpha.orders');
RESET ROLE;

-- The table as the contract says, owned by the domain's owner role, in a schema it owns.
SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, col_description(a.attrelid, a.attnum)
  FROM pg_attribute a WHERE a.attrelid = 'pv_alpha.orders'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'pv_alpha.orders'::regclass ORDER BY conname;
SELECT obj_description('pv_alpha.orders'::regclass, 'pg_class') AS table_comment,
       pg_get_userbyid(relowner) AS table_owner FROM pg_class WHERE oid = 'pv_alpha.orders'::regclass;
SELECT nspname, pg_get_userbyid(nspowner) AS schema_owner FROM pg_namespace WHERE nspname = 'pv_alpha';
SELECT name, kind, bound_relation, binding, binding_reason FROM mesh_ports
 WHERE product_id = 'alpha.orders' AND direction = 'output' ORDER BY position;
SELECT port, relation_name, origin, bound_by FROM port_binding ORDER BY port;
-- The checks hold: a row with a valid status and sku goes in; others do not.
INSERT INTO pv_alpha.orders (order_id, line, code, status, sku) VALUES (1, 1, 'A', 'it''s late', 'ABC-1');
INSERT INTO pv_alpha.orders (order_id, line, code, status) VALUES (1, 2, 'B', 'lost');
INSERT INTO pv_alpha.orders (order_id, line, code, status, sku) VALUES (1, 2, 'B', 'open', 'abc');
INSERT INTO pv_alpha.orders (order_id, line, code, status) VALUES (1, 1, 'C', 'open');
INSERT INTO pv_alpha.orders (order_id, line, code, status) VALUES (2, 1, 'A', 'open');
-- Nothing differs from the contract.
SELECT * FROM mesh_drift('alpha.orders');

-- Idempotent: a second call changes nothing.
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_provision('alpha.orders', '1.0.0');
RESET ROLE;
SELECT count(*) FROM pv_alpha.orders;

-- Names SQL must quote, as a location and as fields; a location that is no name is skipped.
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.odd-names
name: Odd names
version: 0.1.0
outputs:
  - name: odd
    type: table
    location: '"pv Odd"."Tab.le; DROP ""TABLE"" x"'
    description: "It's odd."
    schema:
      - {name: "a\"b", type: text, unique: true, description: "quote's"}
      - {name: "Select", type: int, primary_key: true}
  - {name: bad, type: table, location: 'pv..bad', schema: [{name: a, type: text}]}
$$);
SELECT * FROM mesh_provision('alpha.odd-names');
RESET ROLE;
SELECT a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
  FROM pg_attribute a WHERE a.attrelid = '"pv Odd"."Tab.le; DROP ""TABLE"" x"'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT name, bound_relation, binding FROM mesh_ports WHERE product_id = 'alpha.odd-names' AND direction = 'output' ORDER BY position;
SELECT count(*) FROM mesh_drift('alpha.odd-names');
-- never in the system's schemas or meshcat's own, whoever asks
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.inside
name: Inside
version: 0.1.0
outputs: [{name: t, type: table, location: meshcat.sneaky, schema: [{name: a, type: text}]}]
$$);
SELECT * FROM mesh_provision('alpha.inside');
SELECT mesh_withdraw('alpha.inside', '0.1.0');

-- A type that is no PostgreSQL type is refused with the field's path; nothing is created.
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.odd
name: Odd types
version: 0.1.0
outputs:
  - {name: first, type: table, location: pv_new.first, schema: [{name: a, type: text}]}
  - {name: odd, type: table, location: pv_new.odd, schema: [{name: a, type: text}, {name: b, type: money_bag}]}
$$);
SELECT * FROM mesh_provision('alpha.odd');
RESET ROLE;
SELECT count(*) FROM pg_namespace WHERE nspname = 'pv_new';
SELECT (field_pg_type(t)).sql_type, t
  FROM unnest(ARRAY['any', 'trigger', 'int(3)', 'text; drop table x', 'public.text', 'regclass', 'serial', 'varchar(0)', '_int4']) AS t
 ORDER BY t;

-- A relation it did not create is never touched: B's table at an A product's location.
CREATE SCHEMA pv_beta AUTHORIZATION regress_pv_b_team;
CREATE TABLE pv_beta.accounts (id int);
ALTER TABLE pv_beta.accounts OWNER TO regress_pv_b_team;
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.grab
name: Grab
version: 0.1.0
outputs:
  - {name: accounts, type: table, location: pv_beta.accounts, schema: [{name: id, type: int}, {name: owner, type: text}]}
$$);
SELECT * FROM mesh_provision('alpha.grab');
RESET ROLE;
SELECT a.attname FROM pg_attribute a WHERE a.attrelid = 'pv_beta.accounts'::regclass AND a.attnum > 0 ORDER BY a.attnum;

-- B's own product at B's table: registration bound it (its writer is a member of the owner),
-- so provisioning only finds it bound, and leaves it as it is (drift shows the differences).
SET ROLE regress_pv_steward_b;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: beta.accounts
name: Accounts
version: 0.1.0
outputs:
  - {name: accounts, type: table, location: pv_beta.accounts, schema: [{name: id, type: int}]}
$$);
SELECT name, binding FROM mesh_ports WHERE product_id = 'beta.accounts' AND direction = 'output';
SELECT * FROM mesh_provision('beta.accounts');
RESET ROLE;
SELECT kind, field, severity FROM mesh_drift('beta.accounts');

-- A schema that exists, where the domain's owner role may not create: refused before anything.
CREATE SCHEMA pv_locked;
GRANT USAGE ON SCHEMA pv_locked TO regress_pv_a_team;
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.locked
name: Locked
version: 0.1.0
outputs:
  - {name: t, type: table, location: pv_locked.t, schema: [{name: id, type: int}]}
$$);
SELECT * FROM mesh_provision('alpha.locked');
RESET ROLE;
GRANT CREATE ON SCHEMA pv_locked TO regress_pv_a_team;
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_provision('alpha.locked');
RESET ROLE;
SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'pv_locked.t'::regclass;

-- A provisioned table that was dropped is drift; provisioning again creates it and binds it.
DROP TABLE pv_locked.t;
SELECT kind, relation, severity FROM mesh_drift('alpha.locked');
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_provision('alpha.locked');
RESET ROLE;
SELECT name, binding FROM mesh_ports WHERE product_id = 'alpha.locked' AND direction = 'output';
SELECT * FROM mesh_drift('alpha.locked');

-- A version registered before its table was provisioned for another version of the product
-- inherits it when provisioned ('bound'), instead of being refused.
SET ROLE regress_pv_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.twice
name: Twice
version: 1.0.0
outputs: [{name: t, type: table, location: pv_locked.twice, schema: [{name: id, type: int}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.twice
name: Twice
version: 1.1.0
outputs: [{name: t, type: table, location: pv_locked.twice, schema: [{name: id, type: int}, {name: note, type: text}]}]
$$);
SELECT * FROM mesh_provision('alpha.twice', '1.0.0');
SELECT * FROM mesh_provision('alpha.twice', '1.1.0');
RESET ROLE;
SELECT version_text, bound_relation, binding FROM mesh_ports WHERE product_id = 'alpha.twice' AND direction = 'output' ORDER BY version_rank;
SELECT version, kind, field, severity FROM mesh_drift('alpha.twice');

-- A version that does not exist; a product that does not exist; a retired version.
SELECT * FROM mesh_provision('alpha.orders', '9.9.9');
SELECT * FROM mesh_provision('alpha.nothing');
SELECT mesh_publish('alpha.locked', '0.1.0');
SELECT mesh_deprecate('alpha.locked', '0.1.0', current_date + 1, 'replaced');
SELECT mesh_retire('alpha.locked', '0.1.0');
SELECT * FROM mesh_provision('alpha.locked', '0.1.0');
-- A retired version's relation shows no drift: it serves nothing.
DROP TABLE pv_locked.t;
SELECT count(*) FROM mesh_drift('alpha.locked');

SET client_min_messages = warning;
DROP SCHEMA pv_alpha, pv_beta, pv_locked, "pv Odd" CASCADE;
DROP EXTENSION meshcat CASCADE;
REVOKE CREATE ON DATABASE :"db" FROM regress_pv_a_team;
DROP OWNED BY regress_pv_a_team, regress_pv_b_team, regress_pv_steward_a, regress_pv_steward_b, regress_pv_reader,
              regress_pv_admin, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_pv_steward_a, regress_pv_steward_b, regress_pv_reader, regress_pv_admin,
          regress_pv_a_team, regress_pv_b_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
