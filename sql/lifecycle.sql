-- Versions as contracts: growing versions, immutable published versions, the forward-only
-- lifecycle, breaking changes, consumers and retirement. Plain SQL is refused like mesh_register.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_lc_team NOLOGIN;
CREATE ROLE regress_lc_dev NOLOGIN IN ROLE regress_lc_team;
GRANT USAGE ON SCHEMA meshcat TO regress_lc_dev;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA meshcat TO regress_lc_dev;
GRANT USAGE ON SCHEMA meshcat_internal TO regress_lc_dev;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA meshcat_internal TO regress_lc_dev;
REVOKE INSERT, UPDATE, DELETE ON meshcat_internal.audit FROM regress_lc_dev;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA meshcat TO regress_lc_dev;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA meshcat TO regress_lc_dev;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA meshcat_internal TO regress_lc_dev;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_lc_team
---
apiVersion: meshcat/v1
kind: Domain
name: customer
owner: regress_lc_team
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
classification: confidential
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true, unique: true}
      - {name: email, type: text, pii: true, classification: restricted}
      - {name: amount, type: numeric}
      - {name: note, type: text}
  - {name: feed, type: stream}
$$);
SET ROLE regress_lc_dev;

-- Within a major line, a new version must be greater than every published one: mesh_register and
-- a plain INSERT alike. Another major line may be lower (0.9.0 while 1.0.0 is published), and a
-- draft may be deleted (contract_metadata.sql tests the version order in full).
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 0.9.0}');
DELETE FROM meshcat.product_version WHERE product_id = 'sales.orders' AND version = '0.9.0';
INSERT INTO meshcat.product_version (product_id, version, name, descriptor) VALUES ('sales.orders', '1.0.0-rc.1', 'Orders', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.orders", "name": "Orders", "version": "1.0.0-rc.1"}');
\echo :SQLSTATE
-- A new version cannot start deprecated or retired.
INSERT INTO meshcat.product_version (product_id, version, name, descriptor, status) VALUES ('sales.orders', '1.0.1', 'Orders', '{}', 'deprecated');
\echo :SQLSTATE

-- A published version's contract is immutable: mesh_register, a plain UPDATE, DELETE, or writes
-- to its parts (its metadata may change: contract_metadata.sql).
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Renamed, version: 1.0.0, status: published}');
\echo :SQLSTATE
UPDATE meshcat.product_version SET description = 'edited', classification = 'public' WHERE product_id = 'sales.orders';
\echo :SQLSTATE
UPDATE meshcat.product_version SET published_at = now() - interval '1 year' WHERE product_id = 'sales.orders';
\echo :SQLSTATE
UPDATE meshcat.product_version SET version = '1.0.1' WHERE product_id = 'sales.orders';
\echo :SQLSTATE
UPDATE meshcat.product_version SET status = 'draft' WHERE product_id = 'sales.orders';
\echo :SQLSTATE
DELETE FROM meshcat.product_version WHERE product_id = 'sales.orders';
\echo :SQLSTATE
-- Ports, fields and tags are derived from the descriptor (50_derivation): even a role granted DML on
-- them (as regress_lc_dev is, above) is refused, by the trigger; without the grant, PostgreSQL
-- refuses first (privilege_matrix.sql).
UPDATE meshcat_internal.field SET type = 'text' WHERE name = 'amount';
\echo :SQLSTATE
DELETE FROM meshcat_internal.field WHERE name = 'note';
\echo :SQLSTATE
INSERT INTO meshcat_internal.tag (version_id, tag) SELECT id, 'sneaky' FROM meshcat.product_version WHERE product_id = 'sales.orders';
\echo :SQLSTATE
DELETE FROM meshcat_internal.output_port WHERE name = 'feed';
\echo :SQLSTATE
-- Nobody forges history: the server stamps who and when.
INSERT INTO meshcat.product_version (product_id, version, name, classification, descriptor, status, created_at, created_by, published_at, published_by)
VALUES ('sales.orders', '1.0.1', 'Orders', 'confidential', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.orders", "name": "Orders", "version": "1.0.1", "outputs": [{"name": "orders", "type": "table", "schema": [{"name": "id", "type": "bigint", "required": true, "unique": true}, {"name": "email", "type": "text", "pii": true, "classification": "restricted"}, {"name": "amount", "type": "numeric"}, {"name": "note", "type": "text"}]}, {"name": "feed", "type": "stream"}], "classification": "confidential"}',
        'published', '2001-01-01', 'someone', '2001-01-01', 'someone');
SELECT version, status, created_at > '2001-01-02' AS created_now, created_by = 'regress_lc_dev' AS created_by_me,
       published_at > '2001-01-02' AS published_now, published_by = 'regress_lc_dev' AS published_by_me
  FROM meshcat.product_version WHERE product_id = 'sales.orders' AND version = '1.0.1';

-- Breaking changes need a new major version; mesh_diff classifies every difference.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.1.0
status: published
classification: internal
description: now smaller
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: text, required: true}
      - {name: email, type: text, classification: internal}
      - {name: amount, type: numeric, required: true}
      - {name: channel, type: text}
$$);
\echo :SQLSTATE
-- As a draft it may say anything; mesh_diff shows how it differs.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.1.0
classification: internal
description: now smaller
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: text, required: true}
      - {name: email, type: text, classification: internal}
      - {name: amount, type: numeric, required: true}
      - {name: channel, type: text}
$$);
SELECT * FROM mesh_diff('sales.orders', '1.0.1', '1.1.0');
-- Publishing it by a plain UPDATE is refused the same way.
UPDATE meshcat.product_version SET status = 'published' WHERE product_id = 'sales.orders' AND version = '1.1.0';
\echo :SQLSTATE
SELECT mesh_publish('sales.orders', '1.1.0');
\echo :SQLSTATE
SELECT * FROM mesh_diff('sales.orders', '1.0.1', '9.9.9');
\echo :SQLSTATE
-- The same content as 2.0.0 is a new major version: published. A draft may be deleted.
DELETE FROM meshcat.product_version WHERE product_id = 'sales.orders' AND version = '1.1.0';
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 2.0.0
status: published
classification: internal
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: text, required: true}
$$);
-- Compatible changes stay in the major line; 0.x versions may change anything (SemVer 4).
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 2.1.0
status: published
classification: confidential
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: text, required: true, description: the order}
      - {name: channel, type: text}
  - {name: feed, type: stream}
$$);
SELECT * FROM mesh_diff('sales.orders', '2.0.0', '2.1.0');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.sandbox, name: S, version: 0.1.0, status: published, outputs: [{name: a, type: table}]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.sandbox, name: S, version: 0.2.0, status: published, outputs: [{name: b, type: table}]}');

-- The lifecycle moves forward one step at a time.
SELECT mesh_retire('sales.orders', '2.0.0');
\echo :SQLSTATE
UPDATE meshcat.product_version SET status = 'deprecated' WHERE product_id = 'sales.orders' AND version = '2.0.0';
\echo :SQLSTATE
SELECT mesh_deprecate('sales.orders', '2.0.0', '2000-01-01', 'too late');
\echo :SQLSTATE
SELECT mesh_deprecate('sales.orders', '9.0.0', current_date, 'nope');
\echo :SQLSTATE
SELECT mesh_deprecate('sales.orders', '2.0.0', current_date + 90, 'use 2.1.0, which adds the channel');
SELECT version, status, sunset - current_date AS days_to_sunset, deprecation_reason, deprecated_by
  FROM meshcat.product_version WHERE product_id = 'sales.orders' ORDER BY version;
UPDATE meshcat.product_version SET sunset = sunset + 1 WHERE product_id = 'sales.orders' AND version = '2.0.0';
\echo :SQLSTATE
UPDATE meshcat.product_version SET status = 'published' WHERE product_id = 'sales.orders' AND version = '2.0.0';
\echo :SQLSTATE
SELECT mesh_publish('sales.orders', '2.1.0');

-- Retirement waits for the consumers that need the version; deprecation does not.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.0.0
status: published
inputs:
  - {product: sales.orders, version: "~2.0"}
  - {product: sales.sandbox}
$$);
SELECT * FROM dependent_consumers('sales.orders', '2.0.0');
SELECT mesh_retire('sales.orders', '2.0.0');
\echo :SQLSTATE
-- Once the consumer moves on (its new version reads ^2.1, the old one is deprecated and retired),
-- the version can go.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.1.0
status: published
inputs:
  - {product: sales.orders, version: "^2.1"}
  - {product: sales.sandbox}
$$);
SELECT mesh_deprecate('customer.c360', '1.0.0', current_date + 30, 'reads sales.orders 2.1');
SELECT mesh_retire('sales.orders', '2.0.0');
\echo :SQLSTATE
SELECT mesh_retire('customer.c360', '1.0.0');
SELECT mesh_retire('sales.orders', '2.0.0');
SELECT version, status, retired_by FROM meshcat.product_version WHERE product_id = 'sales.orders' ORDER BY version;
UPDATE meshcat.product_version SET status = 'deprecated' WHERE product_id = 'sales.orders' AND version = '2.0.0';
\echo :SQLSTATE
-- A range that another published version matches does not need this one; the last one it
-- matches is needed (customer.c360 1.1.0 reads any version of sales.sandbox).
SELECT mesh_deprecate('sales.sandbox', '0.2.0', current_date, 'sandbox closes');
SELECT mesh_retire('sales.sandbox', '0.2.0');
SELECT mesh_deprecate('sales.sandbox', '0.1.0', current_date, 'sandbox closes');
SELECT mesh_retire('sales.sandbox', '0.1.0');
\echo :SQLSTATE
RESET ROLE;

-- The audit trail holds every lifecycle move.
SELECT operation, old_row ->> 'status' AS before, new_row ->> 'status' AS after, count(*)
  FROM mesh_audit WHERE table_name = 'product_version' AND operation = 'UPDATE'
 GROUP BY 1, 2, 3 ORDER BY 2, 3;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_lc_dev;
DROP ROLE regress_lc_dev, regress_lc_team;
CREATE EXTENSION meshcat;
