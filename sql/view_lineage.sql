-- View lineage as drift (docs/contracts.md, "View lineage"): the columns a bound view reads
-- (pg_depend on its rewrite rule), of relations bound to output ports, compared as a set with
-- what its fields declare in derived_from; each difference is a lineage row, compatible.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
DROP SCHEMA IF EXISTS vl CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, public;
CREATE ROLE regress_vl_team NOLOGIN;
CREATE SCHEMA vl AUTHORIZATION regress_vl_team;
SET ROLE regress_vl_team;
CREATE TABLE vl.orders (id bigint PRIMARY KEY, amount numeric, status text, unbound_note text);
CREATE TABLE vl.side (k int, label text);
CREATE VIEW vl.open_orders AS SELECT id, status FROM vl.orders WHERE status = 'open';
CREATE VIEW vl.report AS SELECT o.id, o.amount AS total, s.label FROM vl.orders AS o LEFT JOIN vl.side AS s ON s.k = o.id;
RESET ROLE;
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: vl
owner: regress_vl_team
---
apiVersion: meshcat/v1
kind: DataProduct
id: vl.orders
name: Orders
version: 1.0.0
outputs:
  - name: orders
    type: table
    location: vl.orders
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: amount, type: numeric}
      - {name: status, type: text}
      - {name: unbound_note, type: text}
  # a view of the product's own table: derived_from cannot name the product itself, so not compared
  - {name: open, type: view, location: vl.open_orders, schema: [{name: id, type: bigint}, {name: status, type: text}]}
---
apiVersion: meshcat/v1
kind: DataProduct
id: vl.report
name: Report
version: 1.0.0
inputs: [{product: vl.orders, version: ^1}]
outputs:
  - name: report
    type: view
    location: vl.report
    schema:
      - {name: id, type: bigint, derived_from: [vl.orders.orders.id]}
      - {name: total, type: numeric, derived_from: [vl.orders.orders.status]}
      - {name: label, type: text}
$$);
-- The view reads id and amount of vl.orders (and vl.side, which no port is bound to: not
-- compared); it declares id and status: amount read but not declared, status declared but
-- not read. id agrees: no row.
SELECT port, relation, kind, field, expected, actual, severity FROM mesh_drift('vl.report') WHERE kind = 'lineage' ORDER BY field NULLS FIRST, actual;
SELECT count(*) AS own_view_lineage_rows FROM mesh_drift('vl.orders') WHERE kind = 'lineage';
-- The declaration corrected: no lineage drift.
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: vl.report
name: Report
version: 1.0.0
inputs: [{product: vl.orders, version: ^1}]
outputs:
  - name: report
    type: view
    location: vl.report
    schema:
      - {name: id, type: bigint, derived_from: [vl.orders.orders.id]}
      - {name: total, type: numeric, derived_from: [vl.orders.orders.amount]}
      - {name: label, type: text}
$$);
SELECT count(*) AS lineage_rows FROM mesh_drift('vl.report') WHERE kind = 'lineage';
-- The view redefined to read another column: drift again, in the mesh_drift view too.
SET ROLE regress_vl_team;
CREATE OR REPLACE VIEW vl.report AS SELECT o.id, (o.amount + 0) AS total, s.label, o.status FROM vl.orders AS o LEFT JOIN vl.side AS s ON s.k = o.id;
RESET ROLE;
SELECT product_id, version_text, kind, field, expected, actual FROM mesh_drift WHERE kind IN ('lineage', 'extra_column') ORDER BY kind, field, actual;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA vl CASCADE;
RESET client_min_messages;
DROP ROLE regress_vl_team;
