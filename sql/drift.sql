-- Ports bound to relations and drift (docs/contracts.md): who may bind a relation, a relation
-- backs one product only, renames are followed, a drop is drift, mesh_adopt, every kind of
-- drift and its severity, the mesh_drift view, bindings kept by mesh_rebuild, and who may read.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
-- The drift here is made by hand: DDL enforcement (ddl_guard.sql) would refuse it.
SET meshcat.contract_ddl = off;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_dr_a_team NOLOGIN;
CREATE ROLE regress_dr_b_team NOLOGIN;
CREATE ROLE regress_dr_steward_a NOLOGIN IN ROLE regress_dr_a_team, meshcat_steward;
CREATE ROLE regress_dr_steward_b NOLOGIN IN ROLE regress_dr_b_team, meshcat_steward;
CREATE ROLE regress_dr_reader NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_dr_connect NOLOGIN;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: alpha
owner: regress_dr_a_team
---
apiVersion: meshcat/v1
kind: Domain
name: beta
owner: regress_dr_b_team
$$);

-- Relations of each team, made by hand (not provisioned).
CREATE SCHEMA dr_a AUTHORIZATION regress_dr_a_team;
CREATE SCHEMA dr_b AUTHORIZATION regress_dr_b_team;
SET ROLE regress_dr_a_team;
CREATE TABLE dr_a.orders (order_id bigint PRIMARY KEY, code varchar(12) UNIQUE, status text NOT NULL,
                          amount numeric(12,2), qty int4, note varchar(10), placed timestamptz);
CREATE VIEW dr_a.open_orders AS SELECT order_id, status FROM dr_a.orders WHERE status = 'open';
RESET ROLE;
SET ROLE regress_dr_b_team;
CREATE TABLE dr_b.accounts (id int PRIMARY KEY, name text);
RESET ROLE;

-- A's steward publishes ports at A's table and view: bound (the writer is a member of their
-- owner). The contract says int/integer/int4 alike, and a type without a modifier matches any.
SET ROLE regress_dr_steward_a;
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
    location: dr_a.orders
    schema:
      - {name: order_id, type: int8, primary_key: true}
      - {name: code, type: "character varying(12)", unique: true}
      - {name: status, type: text, required: true}
      - {name: amount, type: numeric}
      - {name: qty, type: integer}
      - {name: note, type: "varchar(10)"}
      - {name: placed, type: timestamp with time zone}
  - name: open
    type: view
    location: dr_a.open_orders
    schema:
      - {name: order_id, type: bigint}
      - {name: status, type: text}
$$);
RESET ROLE;
SELECT name, bound_relation, binding, binding_reason FROM mesh_ports
 WHERE product_id = 'alpha.orders' AND direction = 'output' ORDER BY position;
SELECT * FROM mesh_drift('alpha.orders');

-- The attack: A's steward publishes a location naming B's table, to have meshcat act on it.
-- It is not bound (a NOTICE says why), and nothing acts on it: no drift is reported for it.
SET ROLE regress_dr_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.grab
name: Grab
version: 1.0.0
status: published
outputs:
  - {name: accounts, type: table, location: dr_b.accounts, schema: [{name: id, type: bigint}, {name: missing, type: text}]}
$$);
-- nor may A's steward adopt it
SELECT * FROM mesh_adopt('alpha.grab', 'accounts');
RESET ROLE;
SELECT name, relation, bound_relation, binding, binding_reason FROM mesh_ports WHERE product_id = 'alpha.grab' AND direction = 'output';
SELECT count(*) FROM mesh_drift('alpha.grab');
-- a superuser's registration never binds the system catalogs, meshcat's tables or a temporary table
CREATE TEMP TABLE dr_temp (id int);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.system
name: System
version: 0.1.0
outputs:
  - {name: c, type: table, location: pg_catalog.pg_class}
  - {name: m, type: table, location: meshcat.product_version}
  - {name: t, type: table, location: pg_temp.dr_temp}
$$);
SELECT name, binding FROM mesh_ports WHERE product_id = 'alpha.system' AND direction = 'output' ORDER BY position;
SELECT mesh_withdraw('alpha.system', '0.1.0');
DROP TABLE dr_temp;

-- B's own product binds B's table; after that, no other product may, not even a superuser's.
SET ROLE regress_dr_steward_b;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: beta.accounts
name: Accounts
version: 1.0.0
status: published
outputs:
  - {name: accounts, type: table, location: dr_b.accounts, schema: [{name: id, type: int, primary_key: true}, {name: name, type: text}]}
$$);
RESET ROLE;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.grab
name: Grab
version: 1.1.0
status: published
outputs:
  - {name: accounts, type: table, location: dr_b.accounts, schema: [{name: id, type: bigint}, {name: missing, type: text}]}
$$);
SELECT * FROM mesh_adopt('alpha.grab', 'accounts');
SELECT product_id, version, port, relation_name, origin FROM port_binding ORDER BY 1, 2, 3;

-- A new version of the product inherits the relation (its port at the same location).
SET ROLE regress_dr_steward_b;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: beta.accounts
name: Accounts
version: 1.1.0
status: published
outputs:
  - {name: accounts, type: table, location: dr_b.accounts, schema: [{name: id, type: int, primary_key: true}, {name: name, type: text}]}
$$);
RESET ROLE;
SELECT version_text, bound_relation, binding FROM mesh_ports WHERE product_id = 'beta.accounts' AND direction = 'output' ORDER BY version_rank;

-- A relation created after registration is bound by mesh_adopt; adopting again changes nothing.
SET ROLE regress_dr_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.later
name: Later
version: 0.1.0
outputs:
  - {name: t, type: table, location: dr_a.later, schema: [{name: id, type: int, required: true}]}
  - {name: s, type: stream, location: kafka://later}
  - {name: u, type: table, location: later}
$$);
SET ROLE regress_dr_a_team;
CREATE TABLE dr_a.later (id int NOT NULL);
SET ROLE regress_dr_steward_a;
SELECT name, binding, binding_reason FROM mesh_ports WHERE product_id = 'alpha.later' AND direction = 'output' ORDER BY position;
SELECT * FROM mesh_adopt('alpha.later', 't');
SELECT * FROM mesh_adopt('alpha.later', 't');
SELECT origin FROM port_binding WHERE product_id = 'alpha.later';
-- what cannot be adopted
SELECT * FROM mesh_adopt('alpha.later', 's');
SELECT * FROM mesh_adopt('alpha.later', 'u');
SELECT * FROM mesh_adopt('alpha.later', 'nope');
SELECT * FROM mesh_adopt('alpha.nothing', 't');
RESET ROLE;
SET ROLE regress_dr_steward_b;
SELECT * FROM mesh_adopt('alpha.later', 't');
RESET ROLE;
-- A relation created before publication is bound when the version is published.
SET ROLE regress_dr_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.pub
name: Published later
version: 1.0.0
outputs: [{name: t, type: table, location: dr_a.pub, schema: [{name: id, type: int}]}]
$$);
SET ROLE regress_dr_a_team;
CREATE TABLE dr_a.pub (id int);
SET ROLE regress_dr_steward_a;
SELECT binding FROM mesh_ports WHERE product_id = 'alpha.pub' AND direction = 'output';
SELECT mesh_publish('alpha.pub', '1.0.0');
SELECT bound_relation, binding FROM mesh_ports WHERE product_id = 'alpha.pub' AND direction = 'output';
RESET ROLE;
-- A withdrawn draft's bindings go with it.
SELECT mesh_withdraw('alpha.later', '0.1.0');
SELECT count(*) FROM port_binding WHERE product_id = 'alpha.later';

-- Renames are followed, of the relation and of its schema: the binding is by OID.
ALTER TABLE dr_a.orders RENAME TO orders_v1;
ALTER SCHEMA dr_a RENAME TO dr_alpha;
-- moved to another schema and back
CREATE SCHEMA dr_tmp;
ALTER VIEW dr_alpha.open_orders SET SCHEMA dr_tmp;
SELECT relation_name FROM port_binding WHERE product_id = 'alpha.orders' AND port = 'open';
ALTER VIEW dr_tmp.open_orders SET SCHEMA dr_alpha;
DROP SCHEMA dr_tmp;
SELECT port, relation_name, relation_oid::regclass AS relation FROM port_binding WHERE product_id = 'alpha.orders' ORDER BY port;
SELECT name, location, relation, bound_relation, binding FROM mesh_ports WHERE product_id = 'alpha.orders' AND direction = 'output' ORDER BY position;
SELECT * FROM mesh_drift('alpha.orders');

-- Every kind of drift, with its severity.
SET ROLE regress_dr_a_team;
ALTER TABLE dr_alpha.orders_v1 DROP COLUMN placed;                        -- missing_column, breaking
ALTER TABLE dr_alpha.orders_v1 ADD COLUMN channel text;                   -- extra_column, compatible
ALTER TABLE dr_alpha.orders_v1 ALTER COLUMN qty TYPE bigint;              -- type, breaking
ALTER TABLE dr_alpha.orders_v1 ALTER COLUMN note TYPE text;               -- type: varchar(10) is not text
ALTER TABLE dr_alpha.orders_v1 ALTER COLUMN status DROP NOT NULL;         -- nullability, breaking
ALTER TABLE dr_alpha.orders_v1 ALTER COLUMN amount SET NOT NULL;          -- nullability, compatible
ALTER TABLE dr_alpha.orders_v1 DROP CONSTRAINT orders_code_key;           -- unique, breaking
RESET ROLE;
SELECT * FROM mesh_drift('alpha.orders');
-- keys: the contract's primary key dropped, or another key in its place (breaking); a key the
-- contract does not declare (compatible, as the NOT NULL it brings)
SET ROLE regress_dr_a_team;
ALTER TABLE dr_alpha.orders_v1 DROP CONSTRAINT orders_pkey;
CREATE TABLE dr_alpha.keyed (id int PRIMARY KEY);
SET ROLE regress_dr_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.keyed
name: Keyed
version: 1.0.0
outputs: [{name: k, type: table, location: dr_alpha.keyed, schema: [{name: id, type: int}]}]
$$);
RESET ROLE;
SELECT kind, field, expected, actual, severity FROM mesh_drift('alpha.keyed');
SET ROLE regress_dr_b_team;
ALTER TABLE dr_b.accounts DROP CONSTRAINT accounts_pkey;
ALTER TABLE dr_b.accounts ADD PRIMARY KEY (id, name);
RESET ROLE;
SELECT product_id, version, kind, field, expected, actual, severity FROM mesh_drift() WHERE kind = 'primary_key' ORDER BY 1, 2;

-- The view across the mesh, as applications without meshcat on their search_path read it.
SELECT product_id, version_text, version_rank, port, kind, field, severity FROM mesh_drift
 ORDER BY product_id, version_rank DESC, port, kind, field;

-- mesh_rebuild derives every derived row again; bindings are not derived: they stay.
SELECT product_id, version, port, relation_name, origin, relation_oid::regclass AS rel INTO TEMP before_rebuild FROM port_binding;
SELECT versions FROM mesh_rebuild();
SELECT count(*) AS changed FROM (SELECT product_id, version, port, relation_name, origin, relation_oid::regclass AS rel FROM port_binding
                                 EXCEPT SELECT * FROM before_rebuild) AS x;
SELECT count(*) AS bindings FROM port_binding;
SELECT count(*) AS drift FROM mesh_drift('alpha.orders');

-- A drop is drift: the binding stays, without its relation; a new relation of that name is
-- not the bound one.
DROP VIEW dr_alpha.open_orders;
SELECT port, relation, kind, expected, severity FROM mesh_drift('alpha.orders') WHERE kind = 'missing_relation';
SELECT name, bound_relation, binding, binding_reason FROM mesh_ports WHERE product_id = 'alpha.orders' AND direction = 'output' ORDER BY position;
SET ROLE regress_dr_a_team;
CREATE VIEW dr_alpha.open_orders AS SELECT 1 AS order_id;
RESET ROLE;
SELECT name, binding FROM mesh_ports WHERE product_id = 'alpha.orders' AND name = 'open';
-- dropping a whole schema too
SET client_min_messages = warning;
DROP SCHEMA dr_b CASCADE;
RESET client_min_messages;
SELECT product_id, version, kind, relation FROM mesh_drift() WHERE product_id = 'beta.accounts' ORDER BY version;

-- Drift is a read: readers may; a role with no meshcat role may not read the catalog.
SET ROLE regress_dr_reader;
SELECT count(*) > 0 AS reads FROM mesh_drift;
SELECT count(*) > 0 AS reads FROM mesh_drift('alpha.orders');
-- a location in a schema the reader may not use: mesh_ports still answers (relation is not
-- resolved for it; the binding is shown by name)
SELECT has_schema_privilege('dr_alpha', 'USAGE') AS usable;
SELECT product_id, name, location, relation, bound_relation, binding FROM mesh_ports
 WHERE product_id IN ('alpha.orders', 'alpha.keyed') AND direction = 'output' ORDER BY product_id, position;
RESET ROLE;
SET ROLE regress_dr_connect;
SELECT count(*) FROM meshcat.mesh_drift('alpha.orders');
SELECT count(*) FROM meshcat.mesh_drift;
RESET ROLE;
-- and nobody writes bindings directly
SET ROLE regress_dr_steward_a;
DELETE FROM meshcat_internal.port_binding;
RESET ROLE;

SET client_min_messages = warning;
DROP SCHEMA dr_alpha CASCADE;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY regress_dr_a_team, regress_dr_b_team, regress_dr_steward_a, regress_dr_steward_b, regress_dr_reader,
              regress_dr_connect, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_dr_steward_a, regress_dr_steward_b, regress_dr_reader, regress_dr_connect,
          regress_dr_a_team, regress_dr_b_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
