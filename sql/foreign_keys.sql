-- Relationships (docs/descriptor.md, "Relationships"; docs/contracts.md, "Foreign keys"): a
-- contract's foreign keys are checked at registration, made by mesh_provision on the tables it
-- created, enforced by PostgreSQL, reported by mesh_drift when missing, and the DDL guard
-- refuses dropping one from a published contract.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_fk_a_team NOLOGIN;
CREATE ROLE regress_fk_b_team NOLOGIN;
CREATE ROLE regress_fk_steward_a NOLOGIN IN ROLE regress_fk_a_team, meshcat_steward;
CREATE ROLE regress_fk_steward_b NOLOGIN IN ROLE regress_fk_b_team, meshcat_steward;
SELECT current_database() AS db \gset
GRANT CREATE ON DATABASE :"db" TO regress_fk_a_team, regress_fk_b_team;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: alpha
owner: regress_fk_a_team
---
apiVersion: meshcat/v1
kind: Domain
name: beta
owner: regress_fk_b_team
$$);

-- Beta's customers, provisioned by beta: the target of a foreign key from another domain.
SET ROLE regress_fk_steward_b;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: beta.customers
name: Customers
version: 1.0.0
status: published
outputs:
  - name: customers
    type: table
    location: fk_beta.customers
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: region, type: text}
$$);
SELECT * FROM mesh_provision('beta.customers');
RESET ROLE;

-- References are checked at registration, with the JSON path: an output or field of this
-- product that does not exist, a from that is not a field of its port, another product's
-- port that is not among the inputs (23503); from and to that do not pair up, to naming two
-- outputs, a type that is not foreignKey (22023).
SET ROLE regress_fk_steward_a;
\set bad 'apiVersion: meshcat/v1\nkind: DataProduct\nid: alpha.bad\nname: Bad\nversion: 1.0.0\ninputs: [{product: beta.customers}]\noutputs:\n  - name: orders\n    type: table\n    schema:\n      - {name: id, type: bigint, primary_key: true}\n      - {name: line, type: int}\n'
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: custmers.id}]}\n');
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: orders.idd}]}\n');
SELECT * FROM mesh_register(:'bad' || E'    relationships: [{from: [id, lin], to: [orders.id, orders.line]}]\n');
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: beta.clients.customers.id}]}\n');
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: beta.customers.customers.key}]}\n');
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: alpha.bad.orders.id}]}\n');
SELECT * FROM mesh_register(:'bad' || E'    relationships: [{from: [id, line], to: [orders.id]}]\n');
SELECT * FROM mesh_register(:'bad' || E'    relationships: [{from: id, to: [orders.id]}]\n');
SELECT * FROM mesh_register(:'bad' || E'    relationships: [{from: [id, line], to: [orders.id, other.line]}]\n');
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: orders.id, type: oneToMany}]}\n');
SELECT * FROM mesh_register(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: customers}]}\n');
-- mesh_validate reports the same, without writing
SELECT document, path, sqlstate FROM mesh_validate(:'bad' || E'      - {name: customer_id, type: bigint, relationships: [{to: orders.idd}]}\n');

-- A product whose ports reference each other (declared before the port they reference) and
-- beta's customers: field-level and port-level (composite) foreign keys, one to a port that is
-- not bound to a relation (a file), one to columns that carry no key.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.sales
name: Sales
version: 1.0.0
status: published
inputs: [{product: beta.customers, version: ^1}]
outputs:
  - name: shipments
    type: table
    location: fk_alpha.shipments
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: order_id, type: bigint, required: true}
      - {name: line, type: int, required: true}
      - name: carrier
        type: text
        relationships: [{to: orders.status}]
    relationships:
      - {from: [order_id, line], to: [order_lines.order_id, order_lines.line], type: foreignKey}
  - name: order_lines
    type: table
    location: fk_alpha.order_lines
    schema:
      - name: order_id
        type: bigint
        primary_key: true
        relationships: [{to: orders.id, description: Each line belongs to an order.}]
      - {name: line, type: int, primary_key: true}
      - {name: sku, type: text}
  - name: orders
    type: table
    location: fk_alpha.orders
    schema:
      - {name: id, type: bigint, primary_key: true}
      - name: customer_id
        type: bigint
        relationships: [{to: beta.customers.customers.id}]
      - {name: status, type: text}
      - name: archive_id
        type: bigint
        relationships: [{to: archive.id}]
  - name: archive
    type: file
    location: s3://alpha/archive
    schema:
      - {name: id, type: bigint, primary_key: true}
$$);

-- Alpha may not reference beta's table yet: the whole provision is refused, nothing is made.
SELECT * FROM mesh_provision('alpha.sales');
RESET ROLE;
SELECT to_regclass('fk_alpha.orders') IS NULL AS nothing_made;
SET ROLE regress_fk_b_team;
GRANT USAGE ON SCHEMA fk_beta TO regress_fk_a_team;
SET ROLE regress_fk_steward_a;
SELECT * FROM mesh_provision('alpha.sales');
SET ROLE regress_fk_b_team;
GRANT REFERENCES (id) ON fk_beta.customers TO regress_fk_a_team;
RESET ROLE;

-- Now every key is made, after every table; the unbound target and the keyless one say why.
SET ROLE regress_fk_steward_a;
SELECT * FROM mesh_provision('alpha.sales');
-- idempotent: a second provision changes nothing
SELECT * FROM mesh_provision('alpha.sales');
RESET ROLE;
SELECT conrelid::regclass AS relation, conname, pg_get_constraintdef(oid) AS definition
  FROM pg_constraint WHERE contype = 'f' AND connamespace = 'fk_alpha'::regnamespace ORDER BY 1::text, 2;

-- PostgreSQL enforces them.
INSERT INTO fk_beta.customers VALUES (1, 'north');
INSERT INTO fk_alpha.orders (id, customer_id, status) VALUES (10, 1, 'open');
INSERT INTO fk_alpha.orders (id, customer_id, status) VALUES (11, 999, 'open');
INSERT INTO fk_alpha.order_lines VALUES (10, 1, 'X-1');
INSERT INTO fk_alpha.order_lines VALUES (12, 1, 'X-1');
INSERT INTO fk_alpha.shipments (id, order_id, line) VALUES (100, 10, 1);
INSERT INTO fk_alpha.shipments (id, order_id, line) VALUES (101, 10, 2);
SELECT count(*) FROM mesh_drift('alpha.sales');

-- A dropped key is drift (breaking); mesh_provision puts it back on a table it created.
SET meshcat.contract_ddl = off;
ALTER TABLE fk_alpha.shipments DROP CONSTRAINT shipments_order_id_line_fkey;
RESET meshcat.contract_ddl;
SELECT port, relation, kind, field, expected, actual, severity FROM mesh_drift('alpha.sales');
SELECT kind, severity FROM meshcat.mesh_drift WHERE product_id = 'alpha.sales';
SET ROLE regress_fk_steward_a;
SELECT * FROM mesh_provision('alpha.sales');
RESET ROLE;
SELECT count(*) FROM mesh_drift('alpha.sales');

-- The DDL guard refuses dropping a key of a published contract, as any DDL that breaks it.
ALTER TABLE fk_alpha.order_lines DROP CONSTRAINT order_lines_order_id_fkey;
ALTER TABLE fk_alpha.orders DROP CONSTRAINT orders_customer_id_fkey;
-- warn lets it through with a WARNING, and it shows as drift
SET meshcat.contract_ddl = warn;
ALTER TABLE fk_alpha.orders DROP CONSTRAINT orders_customer_id_fkey;
RESET meshcat.contract_ddl;
SELECT port, kind, field, expected FROM mesh_drift('alpha.sales');
-- a foreign key the contract does not declare is the table's own business
ALTER TABLE fk_alpha.order_lines ADD CONSTRAINT extra_fkey FOREIGN KEY (order_id) REFERENCES fk_alpha.orders (id);
ALTER TABLE fk_alpha.order_lines DROP CONSTRAINT extra_fkey;

-- A contract's relationships are contract: a published version's cannot change.
SET ROLE regress_fk_steward_a;
SELECT * FROM mesh_register(replace(mesh_export('alpha.sales', '1.0.0'), 'to: orders.status', 'to: orders.id'));

-- mesh_diff classifies a relationship removed (warning) or added (info).
SELECT * FROM mesh_register(regexp_replace(replace(mesh_export('alpha.sales', '1.0.0'), 'to: orders.status', 'to: orders.id'), '\nversion: [^\n]*', E'\nversion: 1.1.0'));
SELECT change, path, severity FROM mesh_diff('alpha.sales', '1.0.0', '1.1.0') WHERE change LIKE 'relationship%' ORDER BY 1, 2;
-- 1.1.0 shares 1.0.0's tables (bound when registered), which mesh_provision created, so it
-- would add the key 1.1.0 declares; but that pairs text with bigint: 42804, and nothing is made.
SELECT * FROM mesh_provision('alpha.sales', '1.1.0');
-- ODCS: the export says the relationships within the product as ODCS relationships, the one to
-- beta's port in customProperties meshcat.relationships, and reads back to the same descriptor.
RESET ROLE;
SELECT jsonb_path_query_array(mesh_yaml_to_jsonb(mesh_export('alpha.sales', '1.0.0', 'odcs')), '$.schema[*].relationships') AS port_level,
       jsonb_path_query_array(mesh_yaml_to_jsonb(mesh_export('alpha.sales', '1.0.0', 'odcs')), '$.schema[*].properties[*] ? (exists(@.relationships)).relationships') AS field_level,
       jsonb_path_query_array(mesh_yaml_to_jsonb(mesh_export('alpha.sales', '1.0.0', 'odcs')), '$.schema[*].properties[*].customProperties[*] ? (@.property == "meshcat.relationships").value') AS kept;
SELECT (descriptor - 'domain') = (odcs_to_descriptor(mesh_yaml_to_jsonb(mesh_export('alpha.sales', '1.0.0', 'odcs')), 1) - 'domain') AS round_trip
  FROM product_version WHERE product_id = 'alpha.sales' AND version = '1.0.0';
-- An ODCS contract's relationships within it are meshcat's; one to a table it does not define
-- stays ODCS's (custom.odcs), and registering never fails on it.
SELECT * FROM mesh_register($$
apiVersion: v3.1.0
kind: DataContract
id: 0b9c7f0e-odcs-fk
domain: alpha
dataProduct: ledger
version: 1.0.0
status: draft
schema:
  - name: entries
    physicalName: fk_alpha.entries
    physicalType: table
    relationships:
      - {type: foreignKey, from: [entries.account, entries.book], to: [accounts.id, accounts.book]}
    properties:
      - {name: id, physicalType: bigint, primaryKey: true}
      - {name: account, physicalType: bigint}
      - {name: book, physicalType: text, relationships: [{to: books.code}]}
      - {name: kind, physicalType: text, relationships: [{to: kinds.code, customProperties: [{property: description, value: not here}]}]}
  - name: accounts
    physicalName: fk_alpha.accounts
    physicalType: table
    properties:
      - {name: id, physicalType: bigint, primaryKey: true}
      - {name: book, physicalType: text, primaryKey: true}
  - name: books
    properties:
      - {name: code, physicalType: text, primaryKey: true}
$$);
SELECT o ->> 'name' AS port, o -> 'relationships' AS port_level,
       jsonb_path_query_array(o, '$.schema[*] ? (exists(@.relationships)).relationships') AS field_level,
       jsonb_path_query_array(o, '$.schema[*].custom.odcs.relationships') AS kept
  FROM product_version, jsonb_array_elements(descriptor -> 'outputs') AS o WHERE product_id = 'alpha.ledger' ORDER BY 1;
SET ROLE regress_fk_steward_a;
SELECT * FROM mesh_provision('alpha.ledger');
RESET ROLE;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'fk_alpha.entries'::regclass AND contype = 'f' ORDER BY 1;

-- A relation mesh_provision did not create (here bound at registration; adopted alike) is only
-- checked: provisioning adds no key to it, drift shows the key missing.
RESET ROLE;
CREATE TABLE fk_alpha.refunds (id bigint PRIMARY KEY, order_id bigint);
ALTER TABLE fk_alpha.refunds OWNER TO regress_fk_a_team;
SET ROLE regress_fk_steward_a;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.refunds
name: Refunds
version: 1.0.0
inputs: [{product: alpha.sales}]
outputs:
  - name: refunds
    type: table
    location: fk_alpha.refunds
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: order_id, type: bigint, relationships: [{to: alpha.sales.orders.id}]}
$$);
SELECT * FROM mesh_provision('alpha.refunds');
RESET ROLE;
SELECT port, kind, expected, severity FROM mesh_drift('alpha.refunds');

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA fk_alpha, fk_beta CASCADE;
REVOKE CREATE ON DATABASE :"db" FROM regress_fk_a_team, regress_fk_b_team;
DROP OWNED BY regress_fk_a_team, regress_fk_b_team, regress_fk_steward_a, regress_fk_steward_b,
              meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_fk_steward_a, regress_fk_steward_b, regress_fk_a_team, regress_fk_b_team,
          meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
