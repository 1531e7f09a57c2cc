-- mesh_register: creating, updating and refusing domains and data products.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_sales NOLOGIN;
CREATE ROLE regress_customer NOLOGIN;

-- A domain: created, then unchanged, then updated.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_sales
description: Orders and payments
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_sales
description: Orders and payments
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_sales
description: Orders, order lines and payments
$$);
SELECT name, description, owner_role, parent FROM mesh_domains ORDER BY name;

-- A stream in any order: the consumer first, then what it consumes, then the domain.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.0.0
inputs:
  - product: sales.orders
    version: ^1.2
  - source: crm.accounts
outputs:
  - name: profile
    type: table
    schema:
      - {name: id, type: bigint, required: true, unique: true, primary_key: true}
      - {name: ltv, type: numeric, derived_from: [sales.orders.orders.amount]}
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.2.0
status: published
classification: internal
retention: 10 years
tags: [orders, sales, orders]
owners: {technical: [sales_eng, data_eng], business: maria}
sla: {freshness: 1 hour}
quality: {completeness: 0.99}
outputs:
  - name: orders
    type: table
    location: public.orders
    schema:
      - {name: order_id, type: bigint, required: true}
      - {name: amount, type: numeric}
---
apiVersion: meshcat/v1
kind: Domain
name: customer
owner: regress_customer
$$);
SELECT id, name, domain, current_version, status, classification, owners, tags, retention, versions FROM mesh_products ORDER BY id;

-- Registering the same content again changes nothing, and writes nothing.
SELECT count(*) AS audit_rows_before FROM mesh_audit \gset
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.2.0
status: published
classification: internal
retention: 10 years
tags: [orders, sales, orders]
owners: {technical: [sales_eng, data_eng], business: maria}
sla: {freshness: 1 hour}
quality: {completeness: 0.99}
outputs:
  - name: orders
    type: table
    location: public.orders
    schema:
      - {name: order_id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT count(*) - :audit_rows_before AS new_audit_rows FROM mesh_audit;

-- A changed draft is updated in place: its ports and fields are replaced.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.0.0
inputs:
  - product: sales.orders
    version: ^1.2
outputs:
  - name: profile
    type: table
    schema:
      - {name: id, type: bigint, required: true}
$$);
SELECT product_id, version, direction, position, kind, input_product, version_range, source FROM mesh_ports ORDER BY product_id, direction, position;
SELECT product_id, port, position, name, type, required, "unique", primary_key FROM mesh_fields ORDER BY product_id, port, position;

-- Publishing a draft is an update; a published version then refuses any change.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.0.0
status: published
inputs:
  - product: sales.orders
    version: ^1.2
outputs:
  - name: profile
    type: table
    schema:
      - {name: id, type: bigint, required: true}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360 (renamed)
version: 1.0.0
status: published
$$);
\echo :SQLSTATE

-- A new version is created beside the old one and becomes current once published.
-- (It keeps 1.0.0's output: removing it would be a breaking change, see sql/lifecycle.sql.)
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.1.0
status: draft
outputs:
  - {name: profile, type: table, schema: [{name: id, type: bigint, required: true}]}
$$);
SELECT product_id, version, status, is_current FROM mesh_versions ORDER BY product_id, version;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.1.0
status: published
outputs:
  - {name: profile, type: table, schema: [{name: id, type: bigint, required: true}]}
$$);
SELECT product_id, version, status, is_current FROM mesh_versions ORDER BY product_id, version;

-- JSON is YAML too.
SELECT * FROM mesh_register('{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.refunds", "name": "Refunds", "version": "0.1.0"}');

-- JSON indented with tabs reads too (tabs are fine in YAML's flow style).
SELECT * FROM mesh_register(E'{\n\t"apiVersion": "meshcat/v1",\n\t"kind": "DataProduct",\n\t"id": "sales.credits",\n\t"name": "Credits",\n\t"version": "0.1.0"\n}');
-- Broken JSON is refused with line and column.
SELECT * FROM mesh_register(E'{\n\t"apiVersion": "meshcat/v1",,\n\t"kind": "Domain"}');
\echo :SQLSTATE

-- Nothing is lost: unknown standards' content rides along in custom and x- keys.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 0.1.0
x-team-slack: "#returns"
custom:
  odcs: {apiVersion: v3.0.2, kind: DataContract, servers: [{server: prod, type: postgres}]}
outputs:
  - name: returns
    type: table
    x-partitioning: {by: day}
    schema:
      - {name: id, type: bigint, x-masking: none, custom: {anything: [1, 2, {deep: true}]}}
$$);
SELECT descriptor -> 'custom' AS custom, descriptor -> 'x-team-slack' AS slack,
       descriptor #> '{outputs,0,schema,0}' AS field
  FROM mesh_versions WHERE product_id = 'sales.returns';

-- A stream is all or nothing: the second document fails, the first is not written.
SELECT count(*) AS audit_rows_before FROM mesh_audit \gset
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.invoices
name: Invoices
version: 1.0.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.credits
name: Credits
version: 1.0.0
inputs:
  - product: sales.nowhere
$$);
\echo :SQLSTATE
SELECT count(*) AS invoices FROM mesh_products WHERE id = 'sales.invoices';
SELECT count(*) - :audit_rows_before AS new_audit_rows FROM mesh_audit;

-- Invalid descriptors: 22023 with the document number and the JSON path.
SELECT * FROM mesh_register('');
\echo :SQLSTATE
SELECT * FROM mesh_register('- just a list');
\echo :SQLSTATE
SELECT * FROM mesh_register('apiVersion: meshcat/v1');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Pipeline}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v2, kind: Domain, name: x, owner: regress_sales}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: x}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: "bad name", owner: regress_sales}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, clasification: public}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, classification: secret}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: "1.0"}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, retention: forever}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, domain: customer}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: salesx, name: X, version: 1.0.0}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, tags: [a, 2]}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, owners: {Technical: a}}');
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
inputs:
  - {product: sales.orders, source: crm.accounts}
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
inputs:
  - {source: crm.accounts, version: ^1}
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
inputs:
  - {product: sales.orders, version: "^^1"}
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
outputs:
  - name: a
    type: table
  - name: b
    type: table
    schema:
      - {name: id, type: 3}
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
outputs:
  - {name: a, type: table}
  - {name: a, type: view}
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
outputs:
  - name: a
    type: table
    schema: [{name: id, type: int}, {name: v, type: int}, {name: id, type: text}]
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
outputs:
  - name: a
    type: table
    schema: [{name: id, type: int, derived_from: [sales.orders.amount]}]
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_sales
---
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_sales
$$);
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.x
name: X
version: 1.0.0+build.7
$$);
\echo :SQLSTATE

-- Text that is not YAML at all: 22P02 from the parser, with line and column.
SELECT * FROM mesh_register('kind: [Domain');
\echo :SQLSTATE

-- Unknown references: 23503.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: hr, owner: regress_nobody}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: hr, owner: regress_sales, parent: people}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: hr.staff, name: Staff, version: 1.0.0}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, inputs: [{product: hr.staff}]}');
\echo :SQLSTATE

-- Cycles: 23514.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.x, name: X, version: 1.0.0, inputs: [{product: sales.x}]}');
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: a
owner: regress_sales
parent: b
---
apiVersion: meshcat/v1
kind: Domain
name: b
owner: regress_sales
parent: a
$$);
\echo :SQLSTATE

-- Domain hierarchies: children before parents in one stream.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: emea_sales
owner: regress_sales
parent: commerce
---
apiVersion: meshcat/v1
kind: Domain
name: commerce
owner: regress_sales
$$);
SELECT name, parent FROM mesh_domains ORDER BY name;

-- Only those granted it may register.
CREATE ROLE regress_reader LOGIN;
GRANT USAGE ON SCHEMA meshcat TO regress_reader;
SET ROLE regress_reader;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: hr, owner: regress_sales}');
\echo :SQLSTATE
RESET ROLE;

-- The build splices docs/descriptor.schema.json into the extension: the file is the schema.
\set schema_file `cat docs/descriptor.schema.json`
SELECT :'schema_file'::jsonb = mesh_descriptor_schema() AS schema_matches_docs;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_reader;
DROP ROLE regress_sales, regress_customer, regress_reader;
CREATE EXTENSION meshcat;
