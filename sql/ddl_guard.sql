-- DDL enforcement (docs/contracts.md, "DDL enforcement"): DDL that breaks the contract of a
-- published output port bound to a relation is refused (23514), superusers included; what
-- only adds, DDL on unbound relations and on drafts' relations, a new major version
-- registered first in the same transaction, warn and off modes are let through.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
DROP SCHEMA IF EXISTS dg CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_dg_team NOLOGIN;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: dg
owner: regress_dg_team
$$);
CREATE SCHEMA dg AUTHORIZATION regress_dg_team;
SET ROLE regress_dg_team;
CREATE TABLE dg.orders (id bigint PRIMARY KEY, code text UNIQUE, status text NOT NULL, amount numeric, note text);
CREATE TABLE dg.drafty (id int);
CREATE TABLE dg.free (id int);
RESET ROLE;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: dg.orders
name: Orders
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    location: dg.orders
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: code, type: text, unique: true}
      - {name: status, type: text, required: true}
      - {name: amount, type: numeric}
---
apiVersion: meshcat/v1
kind: DataProduct
id: dg.drafty
name: Drafty
version: 1.0.0
outputs:
  - {name: drafty, type: table, location: dg.drafty, schema: [{name: id, type: int, required: true}]}
$$);
SELECT port, relation_oid::regclass FROM port_binding ORDER BY port;

-- Every breaking path is refused, for a superuser too.
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
ALTER TABLE dg.orders DROP COLUMN amount;
ALTER TABLE dg.orders RENAME COLUMN status TO state;
ALTER TABLE dg.orders ALTER COLUMN amount TYPE text;
ALTER TABLE dg.orders ALTER COLUMN status DROP NOT NULL;
ALTER TABLE dg.orders DROP CONSTRAINT orders_pkey;
ALTER TABLE dg.orders DROP CONSTRAINT orders_code_key;
DROP TABLE dg.orders;
SET ROLE regress_dg_team;
CREATE UNIQUE INDEX orders_code_idx ON dg.orders (code);
RESET ROLE;
BEGIN;
SET LOCAL meshcat.contract_ddl = off;
ALTER TABLE dg.orders DROP CONSTRAINT orders_code_key;
RESET meshcat.contract_ddl;
-- drift already there does not stop a table of no contract in the same schema from being
-- dropped with its keys
CREATE TABLE dg.scratch (id int PRIMARY KEY, u int UNIQUE);
CREATE UNIQUE INDEX scratch_u2 ON dg.scratch (u, id);
DROP TABLE dg.scratch;
-- the unique index is all that keeps code unique now
DROP INDEX dg.orders_code_idx;
ROLLBACK;
ALTER TABLE dg.orders RENAME TO orders_old;
ALTER TABLE dg.orders SET SCHEMA public;
ALTER SCHEMA dg RENAME TO dg2;
SET client_min_messages = warning;
DROP SCHEMA dg CASCADE;
RESET client_min_messages;
-- A partition bound to a port is held to its contract when its parent is altered.
CREATE TABLE dg.parent (id int NOT NULL, v text, w text) PARTITION BY RANGE (id);
CREATE TABLE dg.child PARTITION OF dg.parent FOR VALUES FROM (0) TO (100);
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: dg.child
name: Child
version: 1.0.0
status: published
outputs: [{name: child, type: table, location: dg.child, schema: [{name: id, type: int, required: true}, {name: v, type: text}, {name: w, type: text}]}]
$$);
ALTER TABLE dg.parent DROP COLUMN v;
ALTER TABLE dg.parent ALTER COLUMN w TYPE int USING 1;
ALTER TABLE dg.parent RENAME COLUMN w TO w2;
ALTER TABLE dg.parent ALTER COLUMN id DROP NOT NULL;
ALTER TABLE dg.parent ADD COLUMN extra text;
DROP TABLE dg.parent;
-- The owner of the table is refused the same.
SET ROLE regress_dg_team;
ALTER TABLE dg.orders DROP COLUMN code;
RESET ROLE;

-- Allowed: what only adds (it shows as drift), a column no contract has, a type the contract
-- already says in other words, an unbound table, a draft's table.
ALTER TABLE dg.orders ADD COLUMN extra text;
ALTER TABLE dg.orders DROP COLUMN note;
ALTER TABLE dg.orders ALTER COLUMN id TYPE int8;
ALTER TABLE dg.orders ALTER COLUMN amount SET NOT NULL;
ALTER TABLE dg.orders ALTER COLUMN amount DROP NOT NULL;
ALTER TABLE dg.free DROP COLUMN id;
ALTER TABLE dg.drafty ALTER COLUMN id TYPE text;
ALTER TABLE dg.drafty RENAME TO drafty2;
SELECT kind, field, severity FROM mesh_drift('dg.orders') ORDER BY kind, field;

-- warn: a WARNING with the same text, and the DDL happens; off: nothing. Superuser-only.
BEGIN;
SET LOCAL meshcat.contract_ddl = warn;
ALTER TABLE dg.orders DROP COLUMN amount, ALTER COLUMN status DROP NOT NULL;
SELECT kind, field FROM mesh_drift('dg.orders') WHERE severity = 'breaking' ORDER BY kind, field;
ROLLBACK;
BEGIN;
SET LOCAL meshcat.contract_ddl = off;
DROP TABLE dg.orders;
SELECT kind FROM mesh_drift('dg.orders') WHERE severity = 'breaking';
ROLLBACK;
SET ROLE regress_dg_team;
SET meshcat.contract_ddl = off;
RESET ROLE;
SHOW meshcat.contract_ddl;

-- The contract migration path: a new major version registered first, in the same
-- transaction, whose contract accepts the result.
BEGIN;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: dg.orders
name: Orders
version: 2.0.0
outputs:
  - name: orders
    type: table
    location: dg.orders
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: code, type: text, unique: true}
      - {name: state, type: text}
$$);
ALTER TABLE dg.orders DROP COLUMN amount;
ALTER TABLE dg.orders RENAME COLUMN status TO state;
ALTER TABLE dg.orders ALTER COLUMN state DROP NOT NULL;
-- what the new contract still says is still refused
ALTER TABLE dg.orders DROP COLUMN code;
ROLLBACK;
-- a type change the new major declares
BEGIN;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: dg.orders
name: Orders
version: 2.0.0
outputs:
  - name: orders
    type: table
    location: dg.orders
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: code, type: text, unique: true}
      - {name: status, type: text, required: true}
      - {name: amount, type: "numeric(12,2)"}
$$);
ALTER TABLE dg.orders ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE dg.orders ALTER COLUMN amount TYPE text;
ROLLBACK;
-- registered after the DDL, or a minor version, does not count
BEGIN;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: dg.orders
name: Orders
version: 1.1.0
outputs:
  - {name: orders, type: table, location: dg.orders, schema: [{name: id, type: bigint, primary_key: true}]}
$$);
ALTER TABLE dg.orders DROP COLUMN amount;
ROLLBACK;
-- a new major version that serves the port elsewhere lets the table go
BEGIN;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: dg.orders
name: Orders
version: 2.0.0
outputs:
  - {name: orders, type: table, location: dg.orders_v2, schema: [{name: id, type: bigint}]}
$$);
DROP TABLE dg.orders;
ROLLBACK;
-- a deprecated version is no longer enforced
BEGIN;
SELECT mesh_deprecate('dg.orders', '1.0.0', current_date + 30, 'going');
ALTER TABLE dg.orders DROP COLUMN amount;
ROLLBACK;
SELECT count(*) AS columns FROM pg_attribute WHERE attrelid = 'dg.orders'::regclass AND attnum > 0 AND NOT attisdropped;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA dg CASCADE;
RESET client_min_messages;
DROP ROLE regress_dg_team;
