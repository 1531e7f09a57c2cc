-- Data Contract Specification contracts (0.9.x, 1.x) through mesh_register, as ODCS (the way
-- datacontract-cli's ODCS export maps them): info, servers, terms, models and fields (with
-- field-level lineage), service levels, quality; #/definitions followed, external $ref
-- refused; errors with the original's paths; versions, statuses, default_domain, unchanged.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_dcs_owner NOLOGIN;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: checkout
owner: regress_dcs_owner
---
apiVersion: meshcat/v1
kind: DataProduct
id: checkout.webshop
name: Webshop
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    schema:
      - {name: email_address, type: text}
$$);

\set dcs 'dataContractSpecification: 1.2.0\nid: orders-latest\ninfo:\n  title: Orders Latest\n  version: 2.0.0\n  status: active\n  domain: checkout\n  description: |\n    Successful customer orders in the webshop.\n  owner: Checkout Team\n  contact:\n    name: John Doe\n    url: https://teams.example.com/checkout\n    email: checkout@example.com\n  x-cost-center: cc-1\nservers:\n  production:\n    type: s3\n    environment: prod\n    location: s3://orders/v2/{model}/*.json\n    format: json\n    roles:\n      - {name: analyst_us, description: US region}\nterms:\n  usage: Reports and analytics.\n  limitations: Not for real-time use.\n  billing: 5000 USD per month\n  noticePeriod: P3M\nmodels:\n  orders:\n    description: One record per order.\n    type: table\n    fields:\n      order_id:\n        $ref: "#/definitions/order_id"\n        required: true\n        unique: true\n        primaryKey: true\n      order_total:\n        description: Total amount in cents.\n        type: long\n        required: true\n        config: {postgresType: bigint}\n        quality:\n          - {type: sql, query: "SELECT count(*) FROM orders WHERE order_total < 0", mustBe: 0}\n          - {type: library, metric: nullValues, mustBeLessThanOrEqualTo: 0}\n      customer_email_address:\n        type: text\n        format: email\n        pii: true\n        classification: sensitive\n        lineage:\n          inputFields:\n            - {namespace: webshop, name: checkout.webshop.orders, field: email_address}\n            - {namespace: crm, name: crm_db.customers, field: email}\n    quality:\n      - {type: sql, query: "SELECT count(*) FROM orders", mustBeGreaterThan: 5, description: Row count}\n  line_items:\n    type: table\n    primaryKey: [order_id, line_item_id]\n    fields:\n      line_item_id: {type: text, required: true}\n      order_id: {$ref: "#/definitions/order_id", references: orders.order_id}\ndefinitions:\n  order_id:\n    title: Order ID\n    type: text\n    format: uuid\n    description: An internal order id.\n    classification: restricted\nservicelevels:\n  availability: {description: Available in support hours, percentage: 99.9%}\n  retention: {description: One year, period: P1Y}\n  latency: {threshold: 25h}\n  freshness: {threshold: 25h, timestampField: orders.order_timestamp}\n  frequency: {type: batch, interval: daily}\n  support: {time: 9am to 5pm, responseTime: 1h}\n  backup: {interval: weekly, recoveryTime: 24 hours}\ntags: [checkout, orders]\nlinks:\n  catalog: https://catalog.example.com/orders\n'
SELECT * FROM mesh_register(E:'dcs');
SELECT product_id, version_text, status, name, description, documentation, tags, owners, sla, retention, external_id, document_format
  FROM mesh_versions WHERE product_id = 'checkout.orders_latest';
-- One output port per model, one field per field, in the order of the text.
SELECT direction, name, kind, input_product, location, description FROM mesh_ports
 WHERE product_id = 'checkout.orders_latest' ORDER BY direction, position;
SELECT port, name, type, required, "unique", primary_key, pii, classification, description, derived_from FROM mesh_fields
 WHERE product_id = 'checkout.orders_latest' ORDER BY port, name;
-- Quality: the operators in ODCS's spelling, at the field and the model.
SELECT jsonb_pretty(jsonb_path_query_array(descriptor, '$.outputs[*].quality[*]')),
       jsonb_pretty(jsonb_path_query_array(descriptor, '$.outputs[*].schema[*].quality[*]'))
  FROM product_version WHERE product_id = 'checkout.orders_latest';
-- Field-level lineage: a registered product's field is derived_from (and an input), the
-- others kept with the field; servers, terms and the rest in custom.odcs.
SELECT descriptor -> 'inputs' AS inputs,
       jsonb_pretty(jsonb_path_query_first(descriptor, '$.outputs[*].schema[*] ? (@.name == "customer_email_address")')) AS field
  FROM product_version WHERE product_id = 'checkout.orders_latest';
SELECT jsonb_pretty(descriptor -> 'custom') FROM product_version WHERE product_id = 'checkout.orders_latest';
-- Registered again: unchanged; a change of metadata kept only in the document: updated.
SELECT * FROM mesh_register(E:'dcs');
SELECT action FROM mesh_register(replace(E:'dcs', 'recoveryTime: 24 hours', 'recoveryTime: 12 hours'));
-- Exported as ODCS, it is the contract datacontract-cli would make of it, in meshcat's words.
SELECT jsonb_array_length(d -> 'schema') AS objects, d -> 'slaProperties' AS sla
  FROM mesh_yaml_to_jsonb(mesh_export('checkout.orders_latest', NULL, 'odcs')) AS d;

-- 0.9.x, no status (draft), no domain (meshcat.default_domain); a top-level quality block
-- (SodaCL) is kept as a custom property.
SET meshcat.default_domain = 'checkout';
SELECT * FROM mesh_register($$
dataContractSpecification: 0.9.3
id: covid_cases
info:
  title: COVID-19 cases
  version: v0.0.1
models:
  covid_cases:
    fields:
      fips_code: {type: string, primary: true}
      cases: {type: integer}
quality:
  type: SodaCL
  specification:
    checks for covid_cases: [row_count > 1000]
$$);
SELECT product_id, version_text, status, external_id, descriptor #> '{custom,odcs,customProperties}' AS kept
  FROM mesh_versions WHERE product_id = 'checkout.covid-19_cases';
-- Fields in the order of the text (jsonb alone would put cases first).
SELECT position, name, type, primary_key FROM mesh_fields WHERE product_id = 'checkout.covid-19_cases' ORDER BY position;
-- Flow style too, models and fields.
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: flow, info: {title: Flow, version: 1.0.0},
  models: {"second model": {fields: {zeta: {type: int}, "x y": {type: int}, b: {type: int}}}, a: {fields: {b: {type: int}}}}}$$);
SELECT port, position, name FROM mesh_fields WHERE product_id = 'checkout.flow' ORDER BY port DESC, position;
SELECT name, position FROM mesh_ports WHERE product_id = 'checkout.flow' ORDER BY position;
RESET meshcat.default_domain;

-- Errors point into the original, and name the specification.
SELECT * FROM mesh_register($${dataContractSpecification: 2.0.0, id: x, info: {title: X, version: 1.0.0}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: "1.0", domain: checkout}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0, domain: nowhere}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: "42", version: 1.0.0, domain: checkout}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0, status: retired, domain: checkout}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0, domain: checkout},
  models: {orders: {fields: {a: {type: text, quality: [{type: sodacl}]}}}}}$$);
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0, domain: checkout},
  models: {"42 orders": {fields: {a: {type: text}}}}}$$);
-- External references are refused, each named; #/definitions are followed.
SELECT * FROM mesh_register($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0, domain: checkout},
  models: {orders: {fields: {a: {$ref: "https://example.com/definitions.yaml#/a"}, b: {$ref: "#/definitions/b"}}}}}$$);
\echo :SQLSTATE
-- mesh_validate reports the same, with the path.
SELECT document, path, sqlstate FROM mesh_validate($${dataContractSpecification: 1.1.0, id: x, info: {title: X, version: 1.0.0, domain: checkout},
  models: {orders: {fields: {a: {type: text, required: "yes"}}}}}$$);

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_dcs_owner;
CREATE EXTENSION meshcat;
