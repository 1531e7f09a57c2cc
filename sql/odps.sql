-- ODPS data products through mesh_register: the mapping of each field, ports bound to their
-- ODCS contracts (same stream or registered), errors that point into the product, identity
-- and versions (DECISIONS.md section 7), and export with round trips.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_odps_owner NOLOGIN;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: seller
owner: regress_odps_owner
---
apiVersion: v3.1.0
kind: DataContract
id: dbb7b1eb-7628-436e-8914-2a00638ba6db
name: Payments
version: 1.0.0
status: active
domain: seller
schema:
  - name: payments
    physicalName: pay.payments
    properties:
      - {name: id, physicalType: bigint, required: true}
$$);

-- A whole product, v1.0.0, with its output contract in the same stream (after it).
\set product 'apiVersion: v1.0.0\nkind: DataProduct\nid: fbe8d147-28db-4f1d-bedf-a3fe9f458427\nname: Customer Data Product\ndomain: seller\nversion: v1.0.0\nstatus: active\ntenant: RetailCorp\ndescription:\n  purpose: Enterprise view of a customer.\n  usage: Check the artefacts.\n  limitations: None.\nauthoritativeDefinitions:\n  - {type: canonical, url: "https://example.com/customer"}\ntags: [customer]\ninputPorts:\n  - {name: payments, version: 1.0.0, contractId: dbb7b1eb-7628-436e-8914-2a00638ba6db}\noutputPorts:\n  - name: rawtransactions\n    description: Raw Transactions\n    type: tables\n    version: 1.0.0\n    contractId: c2798941-1b7e-4b03-9e0d-955b1a872b32\n    sbom: [{type: external, url: "https://sbom"}]\n  - {name: rawtransactions, type: tables, version: 2.0.0}\n  - {name: events, type: topic, version: 1.0.0}\nmanagementPorts:\n  - {name: tpc-dict-update, content: dictionary, type: topic}\nteam:\n  name: Data Team\n  description: Responsible for it.\n  members:\n    - {username: john.doe, role: owner, dateIn: "2023-01-15"}\n    - {username: jane.smith, role: data steward}\n    - {username: old.timer, role: owner, dateOut: "2022-01-01"}\nsupport:\n  - {channel: Data Team Slack, url: "https://retailcorp.slack.com/x", tool: slack}\ncustomProperties:\n  - {property: costCenter, value: cc-12}\nproductCreatedTs: "2023-01-15T10:30:00Z"\n---\napiVersion: v3.1.0\nkind: DataContract\nid: c2798941-1b7e-4b03-9e0d-955b1a872b32\nname: Raw transactions\nversion: 1.0.0\nstatus: active\ndomain: seller\nschema:\n  - name: Raw Transactions\n    physicalName: sales.raw_tx\n    physicalType: view\n    description: One row per transaction\n    properties:\n      - {name: txn_id, physicalType: bigint, required: true, primaryKey: true}\n      - {name: amount, physicalType: numeric}\n    quality:\n      - {metric: rowCount, mustBeGreaterThan: 0}\n'
SELECT * FROM mesh_register(E:'product');
SELECT product_id, version_text, status, name, description, documentation, tags, owners, external_id, document_format
  FROM mesh_versions WHERE product_id = 'seller.customer_data_product';
-- Output ports: one per ODPS port (a name at several versions is <name>_v<version>), with the
-- fields, location and quality of its contract's port; input ports: the contract's product.
SELECT direction, name, kind, input_product, version_range, location, description FROM mesh_ports
 WHERE product_id = 'seller.customer_data_product' ORDER BY direction, position;
SELECT port, name, type, required, primary_key FROM mesh_fields
 WHERE product_id = 'seller.customer_data_product' ORDER BY port, position;
SELECT jsonb_pretty(descriptor -> 'outputs') FROM product_version WHERE product_id = 'seller.customer_data_product';
-- What meshcat has no column for stays in custom.odps (metadata only in the stored document).
SELECT jsonb_pretty(descriptor -> 'custom') FROM product_version WHERE product_id = 'seller.customer_data_product';
-- The same file again is unchanged; formatted otherwise, too.
SELECT * FROM mesh_register(E:'product');
SELECT action FROM mesh_register(mesh_jsonb_to_yaml(mesh_yaml_to_jsonb(split_part(:'product', E'\n---\n', 1))));
-- A metadata fix (the team's description, kept only in the document) is updated.
SELECT action FROM mesh_register(replace(split_part(:'product', E'\n---\n', 1), 'Responsible for it.', 'Owns it.'));
SELECT document LIKE '%Owns it.%' AS kept FROM product_version WHERE product_id = 'seller.customer_data_product';

-- v0.9.0, no version (0.0.0), no domain (meshcat.default_domain), draft.
SET meshcat.default_domain = 'seller';
SELECT * FROM mesh_register($$
apiVersion: v0.9.0
kind: DataProduct
id: 064c4630-8aad-4dc0-ba95-0f69940e6b18
status: proposed
name: Simple Data Product
inputPorts:
  - {name: source-data, version: 1.0.0, contractId: seller.customer_data_product}
$$);
SELECT product_id, version_text, status, external_id FROM mesh_versions WHERE product_id = 'seller.simple_data_product';
SELECT descriptor -> 'inputs' FROM product_version WHERE product_id = 'seller.simple_data_product';
RESET meshcat.default_domain;

-- Errors point into the product and name ODPS.
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
version: 1.0.0
status: active
outputPorts:
  - {name: orders, version: 1.0.0, contractId: 00000000-0000-0000-0000-000000000000}
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
status: active
inputPorts:
  - {name: orders, version: 1.0.0}
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
status: active
inputPorts:
  - {name: orders, version: 1.0.0, contractId: nowhere}
$$);
SELECT * FROM mesh_register($$
apiVersion: v0.8.0
kind: DataProduct
id: p1
name: Orders
status: active
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: marketing
status: active
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
status: active
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
domain: seller
status: active
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: "42"
domain: seller
status: active
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
version: "1.0"
status: active
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
version: 1.0.0
status: retired
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
status: active
outputPorts:
  - {name: orders, version: 1.0.0}
  - {name: Orders!, version: 1.0.0}
$$);
SELECT * FROM mesh_register($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
status: active
outputPorts:
  - {name: orders, version: 1.0.0, $ref: "ports.yaml#/orders"}
$$);
-- In a stream: the document number and line; mesh_validate reports it with its path.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: ops
owner: regress_odps_owner
---
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: ops
status: active
outputPorts:
  - {name: orders}
$$);
SELECT document, path, sqlstate FROM mesh_validate($$
apiVersion: v1.0.0
kind: DataProduct
id: p1
name: Orders
domain: seller
status: active
outputPorts:
  - {name: orders, version: 1.0.0, contractId: missing}
$$);
-- meshcat's own descriptor (apiVersion meshcat/v1, kind DataProduct) is not ODPS.
SELECT document_format('{"apiVersion": "meshcat/v1", "kind": "DataProduct"}'), document_format('{"apiVersion": "v1.0.0", "kind": "DataProduct"}'),
       document_format('{"kind": "DataProduct"}');

-- Export: a product registered from ODPS gives its document back, as v1.0.0 (equivalent to
-- the original), and registering that export is unchanged.
SELECT mesh_export('seller.customer_data_product', NULL, 'odps');
SELECT (mesh_yaml_to_jsonb(mesh_export('seller.customer_data_product', NULL, 'odps')) - 'apiVersion')
       = (mesh_yaml_to_jsonb(document) - 'apiVersion') AS equivalent
  FROM product_version WHERE product_id = 'seller.customer_data_product';
SELECT action FROM mesh_register(mesh_export('seller.customer_data_product', NULL, 'odps'));
SELECT mesh_export('seller.simple_data_product', NULL, 'odps');

-- A meshcat product as ODPS: its id is the product id (kept on the way back, whatever its
-- name's slug), its ports name the version itself as their contract, what ODPS has no place
-- for is customProperties meshcat.<key>; imported again it is unchanged.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: seller.orders
domain: seller
name: Order Book
version: 1.2.0
status: published
description: All orders
documentation: https://docs.example.com/orders
tags: [orders]
retention: 3 years
sla: {latency: 1h}
classification: confidential
owners: {team: Sales Team, steward: [alice, bob], channel: "#orders"}
inputs:
  - {product: seller.payments, version: ^1.0}
  - {source: erp.orders}
outputs:
  - name: orders
    type: table
    location: public.orders
    description: The orders
    schema:
      - {name: id, type: bigint, required: true, primary_key: true}
      - {name: email, type: text, pii: true, classification: confidential}
    quality:
      - {type: library, metric: rowCount, mustBeGreaterThan: 0}
  - {name: events, type: stream, x-team-note: hot}
$$);
SELECT mesh_export('seller.orders', NULL, 'odps');
SELECT * FROM mesh_register(mesh_export('seller.orders', NULL, 'odps'));
SELECT document_format FROM product_version WHERE product_id = 'seller.orders';
-- The same export changed in ODPS is the version's document now (a metadata change: updated).
SELECT action FROM mesh_register(replace(mesh_export('seller.orders', NULL, 'odps'), 'purpose: All orders', 'purpose: Every order'));
SELECT document_format, description FROM mesh_versions WHERE product_id = 'seller.orders';
SELECT mesh_export('seller.orders', '1.2.0', 'odps') LIKE '%purpose: Every order%' AS given_back;

-- The lifecycle is the export's status.
SELECT mesh_deprecate('seller.customer_data_product', '1.0.0', current_date + 30, 'replaced');
SELECT mesh_yaml_to_jsonb(mesh_export('seller.customer_data_product', NULL, 'odps')) ->> 'status';

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_odps_owner;
CREATE EXTENSION meshcat;
