-- ODCS data contracts through mesh_register: the mapping of each field, errors that point into
-- the contract, identity and versions (DECISIONS.md section 7), and export.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_odcs_owner NOLOGIN;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_odcs_owner
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);

-- A whole contract: every field meshcat maps.
\set contract 'apiVersion: v3.1.0\nkind: DataContract\nid: 53581432-6c55-4ba2-a65f-72344a91553a\nname: Payments\ndataProduct: Payment Metrics\ndomain: sales\nversion: v1.1.0\nstatus: active\ntenant: ClimateQuantumInc\ndescription:\n  purpose: Views built on top of the seller tables.\n  usage: Predict sales over time\n  limitations: No buyer information\nauthoritativeDefinitions:\n  - {type: canonical, url: "https://example.com/contract"}\ntags: [transactions, finance]\nservers:\n  - {server: my-postgres, type: postgres, host: localhost, port: 5432}\nschema:\n  - name: tbl\n    physicalName: tbl_1\n    physicalType: table\n    logicalType: object\n    description: Core payment metrics\n    businessName: Core Payment Metrics\n    quality:\n      - {metric: rowCount, mustBeGreaterThan: 1000000, type: library, severity: error, dimension: completeness, schedule: "0 20 * * *"}\n      - {type: sql, query: "SELECT count(*) FROM tbl_1 WHERE amount < 0", mustBe: 0}\n    properties:\n      - name: txn_ref_dt\n        logicalType: date\n        physicalType: date\n        required: true\n        primaryKey: true\n        primaryKeyPosition: 1\n        classification: public\n        criticalDataElement: true\n        examples: ["2022-10-03"]\n        description: Reference date\n      - name: rcvr_id\n        logicalType: string\n        physicalType: varchar(18)\n        unique: true\n        classification: restricted\n        relationships:\n          - {to: receivers.id, type: foreignKey}\n        quality:\n          - {metric: nullValues, mustBe: 0, unit: rows, severity: warning}\n          - {metric: invalidValues, mustBeLessOrEqualTo: 5, unit: percent, arguments: {validValues: ["a", "b"]}}\n          - {metric: duplicateValues, mustBeBetween: [0, 10]}\n          - {metric: missingValues, mustNotBeBetween: [5, 10], mustBeLessThan: 20}\n          - {type: text, description: Every receiver is known}\n          - {type: custom, engine: soda, implementation: "type: duplicate_percent"}\n      - name: amount\n        logicalType: number\n        physicalType: numeric\n        classification: secret\n        transformSourceObjects: [sales.orders.orders.amount, crm.accounts]\n        transformLogic: select amount from orders\nslaProperties:\n  - {property: latency, value: 4, unit: d}\n  - {property: availability, value: 99.9%}\n  - {property: retention, value: 3, unit: y}\nteam:\n  name: payments-team\n  members:\n    - {username: ceastwood, role: Data Scientist, dateOut: "2022-10-01"}\n    - {username: mhopper, role: Data Scientist}\n    - {username: daustin, role: Owner}\nroles:\n  - {role: microstrategy_user_opr, access: read}\nsupport:\n  - {channel: "#product-help", tool: slack}\nprice: {priceAmount: 9.95, priceCurrency: USD, priceUnit: megabyte}\ncustomProperties:\n  - {property: refRulesetName, value: gcsc.ruleset.name}\n'
SELECT * FROM mesh_register(E:'contract');
SELECT product_id, version_text, status, name, description, documentation, tags, owners, sla, retention,
       descriptor ->> 'external_id' AS external_id
  FROM mesh_versions WHERE product_id = 'sales.payment_metrics';
SELECT direction, name, kind, input_product, source, location, description FROM mesh_ports
 WHERE product_id = 'sales.payment_metrics' ORDER BY direction, position;
SELECT name, type, required, "unique", primary_key, classification, derived_from FROM mesh_fields
 WHERE product_id = 'sales.payment_metrics' ORDER BY position;
-- Quality rules: the port's under outputs[].quality, each field's under its schema entry.
SELECT jsonb_pretty(descriptor #> '{outputs,0,quality}') FROM product_version WHERE product_id = 'sales.payment_metrics';
SELECT f ->> 'name' AS field, jsonb_pretty(f -> 'quality') AS quality
  FROM product_version, jsonb_array_elements(descriptor #> '{outputs,0,schema}') AS f
 WHERE product_id = 'sales.payment_metrics' AND f ? 'quality';
-- What meshcat has no place for: custom.odcs at its level (metadata only in the document).
SELECT jsonb_pretty(descriptor -> 'custom') FROM product_version WHERE product_id = 'sales.payment_metrics';
SELECT descriptor #> '{outputs,0,custom}' AS port_custom,
       descriptor #> '{outputs,0,schema,0,custom}' AS txn_ref_dt_custom,
       descriptor #> '{outputs,0,schema,2,custom}' AS amount_custom
  FROM product_version WHERE product_id = 'sales.payment_metrics';
-- The document is kept byte for byte, as ODCS.
SELECT document_format, document = E:'contract' AS byte_for_byte FROM product_version WHERE product_id = 'sales.payment_metrics';
-- The same file twice: unchanged. Reformatted only: unchanged. A metadata fix (the usage,
-- the team): updated, still published, the document replaced.
SELECT * FROM mesh_register(E:'contract');
SELECT * FROM mesh_register(replace(E:'contract', 'tenant: ClimateQuantumInc', 'tenant: "ClimateQuantumInc"  # quoted'));
SELECT * FROM mesh_register(replace(E:'contract', 'usage: Predict sales over time', 'usage: Predict sales per month'));
SELECT p.status, p.description, p.document LIKE '%per month%' AS new_document FROM product_version AS p
 WHERE product_id = 'sales.payment_metrics';
-- A contract change of a published version is refused, as for any descriptor.
SELECT * FROM mesh_register(replace(E:'contract', 'physicalType: varchar(18)', 'physicalType: varchar(20)'));

-- Versions: a leading v is dropped; anything else that is not SemVer is refused.
\set small 'apiVersion: v3.0.2\nkind: DataContract\nid: c1\nname: Refunds\ndomain: sales\nversion: VERSION\nstatus: STATUS\n'
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', 'v2.0.0-rc.1'), 'STATUS', 'draft'));
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.0'), 'STATUS', 'draft'));
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', 'v1'), 'STATUS', 'draft'));
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '"1.0"'), 'STATUS', 'draft'));
-- Statuses: proposed and draft are drafts, active is published, others (in development) drafts;
-- deprecated and retired only for a version meshcat has released.
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.0.0'), 'STATUS', 'proposed'));
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.1.0'), 'STATUS', 'in development'));
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.2.0'), 'STATUS', 'deprecated'));
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.2.0'), 'STATUS', 'active'));
SELECT mesh_deprecate('sales.refunds', '1.2.0', current_date + 30, 'replaced');
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.2.0'), 'STATUS', 'deprecated'));
SELECT version_text, status FROM mesh_versions WHERE product_id = 'sales.refunds' ORDER BY version_rank;

-- The domain: the contract's, else meshcat.default_domain; neither is refused.
\set nodomain 'apiVersion: v3.1.0\nkind: DataContract\nid: c2\nname: Returns\nversion: 1.0.0\nstatus: draft\n'
SELECT * FROM mesh_register(E:'nodomain');
SET meshcat.default_domain = 'marketing';
SELECT * FROM mesh_register(E:'nodomain');
SET meshcat.default_domain = 'sales';
SELECT * FROM mesh_register(E:'nodomain');
RESET meshcat.default_domain;
SELECT * FROM mesh_register(replace(E:'nodomain', 'name: Returns', E'name: Returns\ndomain: marketing'));
-- A domain in the same stream is found.
SELECT * FROM mesh_register(E'apiVersion: meshcat/v1\nkind: Domain\nname: marketing\nowner: regress_odcs_owner\n---\n' || replace(E:'nodomain', 'name: Returns', E'name: Campaigns\ndomain: marketing'));
-- No data product name, or one that cannot be a meshcat name.
SELECT * FROM mesh_register(replace(E:'nodomain', E'name: Returns\n', E'domain: sales\n'));
SELECT * FROM mesh_register(replace(E:'nodomain', E'name: Returns\n', E'domain: sales\ndataProduct: "2024 sales"\n'));

-- Errors point into the contract, with ODCS's name.
SELECT * FROM mesh_register(replace(E:'contract', 'logicalType: string', 'logicalType: strnig'));
SELECT * FROM mesh_register(replace(E:'contract', 'metric: nullValues', 'metric: nullValue'));
SELECT * FROM mesh_register(replace(E:'contract', 'mustBeBetween: [0, 10]', 'mustBeBetween: [0, ten]'));
SELECT * FROM mesh_register(replace(E:'contract', 'required: true', 'required: yes please'));
SELECT * FROM mesh_register(replace(E:'contract', 'engine: soda', 'engine: 7'));
SELECT * FROM mesh_register(replace(E:'contract', '- name: amount', '- name: rcvr_id'));
SELECT * FROM mesh_register('{apiVersion: v3.1.0, kind: DataContract, id: x, name: X, domain: sales, version: 1.0.0, status: draft, schema: [{name: daily sales}, {name: daily_sales}]}');
SELECT * FROM mesh_register('{apiVersion: v3.1.0, kind: DataContract, id: x, name: X, domain: sales, version: 1.0.0, status: draft, schema: [{name: "2024"}]}');
SELECT * FROM mesh_register(replace(E:'contract', 'apiVersion: v3.1.0', 'apiVersion: v3.2.0'));
SELECT * FROM mesh_register(replace(E:'contract', 'apiVersion: v3.1.0', 'apiVersion: v2.2.2'));
SELECT * FROM mesh_register(replace(E:'contract', 'apiVersion: v3.1.0', ''));
SELECT * FROM mesh_register(replace(E:'contract', 'kind: DataContract', E'kind: DataContract\nschemaRef: {$ref: "other.yaml"}\nmore:\n  - {$ref: "https://example.com/x.yaml"}'));
-- In a stream, the document's number and line.
SELECT * FROM mesh_register(E'apiVersion: meshcat/v1\nkind: Domain\nname: sales\nowner: regress_odcs_owner\n---\n' || replace(E:'contract', 'dimension: completeness', 'dimension: completenes'));
-- mesh_validate reports them the same way, and the refused document's sibling still.
SELECT document, line, path, sqlstate, problem FROM mesh_validate(
    replace(E:'small', 'VERSION', '1.0') || E'---\n' || replace(E:'contract', 'logicalType: string', 'logicalType: strnig'))
 ORDER BY document;
SELECT document, line, path, sqlstate, problem FROM mesh_validate(E:'contract');

-- Column lineage: a transformSourceObjects entry that names a field of a registered product
-- is derived_from (and the product an input); the others are kept in custom.odcs.
SELECT upstream, downstream FROM mesh_lineage WHERE downstream = 'sales.payment_metrics' ORDER BY 1;

-- Export: a version registered from ODCS gives its contract back (as v3.1.0, with its
-- lifecycle), whatever meshcat maps: the same information as the document registered.
SELECT mesh_export('sales.payment_metrics', '1.1.0', 'odcs');
SELECT mesh_yaml_to_jsonb(mesh_export('sales.payment_metrics', format => 'odcs')) = mesh_yaml_to_jsonb(document) AS same_information
  FROM product_version WHERE product_id = 'sales.payment_metrics';
-- A v3.0.2 contract exports as v3.1.0; a deprecated version says so.
SELECT mesh_export('sales.refunds', '1.2.0', 'odcs');
-- No version: the highest published one, else the highest of any status.
SELECT mesh_yaml_to_jsonb(mesh_export('sales.refunds', format => 'odcs')) ->> 'version' AS highest;
SELECT * FROM mesh_register(replace(replace(E:'small', 'VERSION', '1.3.0'), 'STATUS', 'active'));
SELECT mesh_yaml_to_jsonb(mesh_export('sales.refunds', format => 'odcs')) ->> 'version' AS highest_published;
-- meshcat: the normalized descriptor.
SELECT mesh_export('sales.refunds', '1.3.0');
SELECT mesh_export('sales.refunds', '1.3.0', 'meshcat') = mesh_jsonb_to_yaml(descriptor) AS is_descriptor
  FROM product_version WHERE product_id = 'sales.refunds' AND version = '1.3.0';

-- A meshcat product exported as ODCS and registered again: unchanged, its meshcat document kept.
-- (Its field names a glossary term, which must be registered: glossary.sql.)
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Email, domain: sales, definition: An address to write to.}');
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.customer_360
name: Customer 360 View
domain: sales
version: 2.1.0
status: published
description: Unified customer profile
documentation: https://wiki.example.com/c360
tags: [customer, profile]
classification: confidential
retention: 730 days
owners: {technical: customer_eng, business: [jane.doe, joe], steward: customer_stewards, channel: '#c360'}
sla: {freshness: 15 minutes, availability: 99.95%}
quality: {completeness: 0.98}
security: {encryption_at_rest: true}
inputs:
  - {product: sales.orders, version: ^1.0}
  - source: crm.accounts
outputs:
  - name: profile
    type: table
    location: customer.customer_360
    description: The profile
    quality:
      - {type: library, metric: rowCount, mustBeGreaterThan: 10, severity: warning}
    schema:
      - {name: customer_id, type: bigint, required: true, unique: true, primary_key: true, quality: [{metric: nullValues, mustBe: 0}]}
      - {name: email, type: text, pii: true, classification: restricted, masking: hash, glossary: [Email]}
      - {name: lifetime_value, type: numeric, derived_from: [sales.orders.orders.amount], description: LTV}
    custom: {team_note: hi}
    x-port-note: 2
custom: {anything: [1, 2]}
x-extra: 1
$$);
SELECT mesh_export('sales.customer_360', '2.1.0', 'odcs') AS exported \gset
SELECT :'exported';
SELECT * FROM mesh_register(:'exported');
SELECT document_format, document LIKE E'\napiVersion: meshcat/v1\n%' AS meshcat_document_kept
  FROM product_version WHERE product_id = 'sales.customer_360';
-- Changed in ODCS, it is a standard's document now: a metadata fix, updated.
SELECT * FROM mesh_register(replace(:'exported', 'purpose: Unified customer profile', 'purpose: The unified customer profile'));
SELECT document_format, description FROM product_version WHERE product_id = 'sales.customer_360';

-- Refusals: an unknown product, version or format.
SELECT mesh_export('sales.nothing');
SELECT mesh_export('sales.refunds', '9.9.9', 'odcs');
SELECT mesh_export('sales.refunds', NULL, 'csv');
-- The descriptor is the truth: a plain UPDATE of the stored contract of a published version
-- to one that says something else is refused; and a document rewritten behind the triggers'
-- back (by a superuser) is not exported: the descriptor is, mapped.
SELECT mesh_yaml_to_jsonb(mesh_export('sales.payment_metrics', NULL, 'odcs')) -> 'schema' -> 0 ->> 'name' AS exported_before;
UPDATE product_version SET document = replace(document, 'name: tbl', 'name: totally_different')
 WHERE product_id = 'sales.payment_metrics';
ALTER TABLE product_version DISABLE TRIGGER guard;
UPDATE product_version SET document = replace(document, 'name: tbl', 'name: totally_different')
 WHERE product_id = 'sales.payment_metrics';
ALTER TABLE product_version ENABLE TRIGGER guard;
SELECT mesh_yaml_to_jsonb(mesh_export('sales.payment_metrics', NULL, 'odcs')) -> 'schema' -> 0 ->> 'name' AS exported_after;
-- Reading only: STABLE, so PUBLIC keeps EXECUTE; the tables' privileges decide what it reads.
SELECT provolatile, prosecdef FROM pg_proc WHERE oid = 'mesh_export(text, semver, text)'::regprocedure;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP ROLE regress_odcs_owner;
