-- What is contract and what is not (docs/governance.md): the metadata of a published version
-- (owners, tags, name, description, documentation, ...) changes by re-registration, audited,
-- without a new version; its contract does not. Version order: drafts never block, published
-- versions grow within a major line, a maintenance line stays open.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_cm_team NOLOGIN;
CREATE ROLE regress_cm_dev NOLOGIN IN ROLE regress_cm_team, meshcat_steward;

-- The split is one function: every key but the metadata ones (and status, domain) is contract.
SELECT descriptor_metadata_keys();
SELECT descriptor_contract('{"id": "a.b", "domain": "a", "name": "N", "status": "published", "owners": {"x": "y"},
                             "tags": ["t"], "description": "d", "documentation": "u", "retention": "1 day",
                             "x-team": "t", "outputs": [{"name": "o", "type": "table"}]}');
SELECT descriptor_contract('[1, "name"]') AS not_an_object,
       descriptor_contract_changes('{"name": "a", "sla": {}}', '{"name": "b", "quality": {}}') AS changed,
       descriptor_contract_changes('{"name": "a"}', '{"name": "b", "tags": []}') AS unchanged,
       descriptor_contract_changes('{}', '[]') AS not_objects;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_cm_team
---
apiVersion: meshcat/v1
kind: Policy
name: cm-steward
domain: sales
enforcement: required
rule: 'exists($.owners.steward)'
message: name a steward
$$);
SET ROLE regress_cm_dev;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Ordres
version: 1.0.0
status: published
description: Orders placd in the shop
owners: {technical: [alcie, bob], steward: carol}
tags: [orders, sales]
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT id AS v100, published_at AS published_100 FROM product_version WHERE product_id = 'sales.orders' \gset

-- The same document again is unchanged; so is one that differs only in its status.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Ordres
version: 1.0.0
status: published
description: Orders placd in the shop
owners: {technical: [alcie, bob], steward: carol}
tags: [orders, sales]
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Ordres
version: 1.0.0
description: Orders placd in the shop
owners: {technical: [alcie, bob], steward: carol}
tags: [orders, sales]
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);

-- Fixing typos in the metadata of a published version: updated, in place, still published.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
description: Orders placed in the shop
documentation: https://wiki.example.com/orders
owners: {technical: [alice, bob], steward: carol}
tags: [orders, finance]
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT id = :v100 AS same_row, status, name, description, documentation, published_at = :'published_100' AS published_at_kept,
       descriptor -> 'owners' AS owners, descriptor -> 'tags' AS tags
  FROM product_version WHERE product_id = 'sales.orders';
SELECT kind, principal FROM owner WHERE version_id = :v100 ORDER BY kind, principal;
SELECT tag FROM tag WHERE version_id = :v100 ORDER BY tag;
-- The audit trail keeps the before and after of the version: one entry for the document; the
-- owner and tag rows are derived from it and have no entries of their own.
SELECT table_name, operation, old_row -> 'descriptor' -> 'owners' AS owners_before, new_row -> 'descriptor' -> 'owners' AS owners_after,
       old_row ->> 'name' AS name_before, new_row ->> 'name' AS name_after
  FROM mesh_audit WHERE table_name = 'product_version' AND operation = 'UPDATE' ORDER BY id;
SELECT table_name, operation, coalesce(old_row, new_row) - 'version_id' AS row
  FROM mesh_audit
 WHERE table_name IN ('owner', 'tag')
   AND txid = (SELECT txid FROM mesh_audit WHERE table_name = 'product_version' AND operation = 'UPDATE' ORDER BY id LIMIT 1)
 ORDER BY id;

-- A change of the contract is refused, naming the contract keys that changed (not the metadata).
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders again
version: 1.0.0
status: published
owners: {technical: alice}
classification: confidential
retention: 3 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric, pii: true}
$$);
\echo :SQLSTATE
SELECT name, descriptor ->> 'retention' AS retention FROM product_version WHERE id = :v100;

-- A plain UPDATE may change the metadata columns and the descriptor's metadata, never the
-- contract: columns, or the descriptor's contract part. A metadata column changed alone is an
-- edit of the descriptor, which takes it (the descriptor stays the one truth).
UPDATE product_version SET description = 'Orders placed in the shop, one row per order' WHERE id = :v100;
SELECT description, descriptor ->> 'description' AS in_descriptor FROM product_version WHERE id = :v100;
-- When both change and disagree, the descriptor's value wins.
UPDATE product_version SET name = 'Not what it says', descriptor = descriptor || '{"name": "Shop orders"}' WHERE id = :v100;
SELECT name, descriptor ->> 'name' AS in_descriptor FROM product_version WHERE id = :v100;
UPDATE product_version SET retention = '1 day' WHERE id = :v100;
\echo :SQLSTATE
UPDATE product_version SET descriptor = jsonb_set(descriptor, '{classification}', '"public"') WHERE id = :v100;
\echo :SQLSTATE
UPDATE product_version SET descriptor = descriptor - 'outputs' || '{"sla": {"freshness": "1 hour"}}', name = 'Orders!' WHERE id = :v100;
\echo :SQLSTATE
UPDATE product_version SET descriptor = jsonb_set(descriptor, '{tags}', '["orders", "shop"]') WHERE id = :v100;
-- Owner, tag, port and field rows are derived from the descriptor: nobody writes them directly
-- (PostgreSQL's own permission denied, 42501; derive.sql has every role and table).
INSERT INTO tag (version_id, tag) VALUES (:v100, 'sneaky');
\echo :SQLSTATE
DELETE FROM tag WHERE version_id = :v100 AND tag = 'orders';
\echo :SQLSTATE
UPDATE tag SET tag = 'shop' WHERE version_id = :v100 AND tag = 'finance';
SELECT tag FROM tag WHERE version_id = :v100 ORDER BY tag;
UPDATE owner SET principal = 'mallory' WHERE version_id = :v100 AND principal = 'bob';
\echo :SQLSTATE
UPDATE field SET description = 'the amount' WHERE name = 'amount';
\echo :SQLSTATE

-- Policies judge a metadata change too: recorded and announced, but it never unpublishes.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
description: Orders placed in the shop
owners: {technical: [alice, bob]}
tags: [orders, shop]
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT status FROM product_version WHERE id = :v100;
SELECT policy_name, passed, cause FROM evaluation WHERE version_id = :v100 ORDER BY id;
SELECT kind, version_text, payload FROM mesh_events WHERE kind = 'violation' ORDER BY id;

-- Version order. A draft 1.1.0 that breaks the contract (it drops a field) can never be
-- published; it does not block a 1.0.1 patch.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.1.0
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.1
status: published
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT mesh_publish('sales.orders', '1.1.0');
\echo :SQLSTATE
DELETE FROM product_version WHERE product_id = 'sales.orders' AND version = '1.1.0';
-- Published versions grow within their major line: once 1.2.0 is published, neither a new
-- 1.0.2 (published or draft) nor the publication of an older draft 1.2.1 is allowed.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.2.1
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.3.0
status: published
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
-- (Nor can a tag of the published 1.0.0 be moved into the draft.)
UPDATE tag SET version_id = (SELECT id FROM product_version WHERE product_id = 'sales.orders' AND version = '1.2.1')
 WHERE version_id = :v100 AND tag = 'orders';
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.0.2, status: published}');
\echo :SQLSTATE
INSERT INTO product_version (product_id, version, name, descriptor) VALUES ('sales.orders', '1.0.2', 'Orders', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.orders", "name": "Orders", "version": "1.0.2"}');
\echo :SQLSTATE
SELECT mesh_publish('sales.orders', '1.2.1');
\echo :SQLSTATE
UPDATE product_version SET status = 'published' WHERE product_id = 'sales.orders' AND version = '1.2.1';
\echo :SQLSTATE
-- A maintenance line: 1.3.x goes on while 2.x exists. A patch is compared with the previous
-- published version of its own major line (1.3.0), not with 2.0.0, whose extra output it lacks.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 2.0.0
status: published
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
  - {name: feed, type: stream}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.3.1
status: published
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.3.2
status: published
owners: {steward: carol}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
$$);
\echo :SQLSTATE
-- Another major line may be lower: 0.x while 1.x and 2.x exist.
INSERT INTO product_version (product_id, version, name, descriptor) VALUES ('sales.orders', '0.5.0', 'Orders', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.orders", "name": "Orders", "version": "0.5.0"}');
SELECT version_text, status, is_current FROM mesh_versions WHERE product_id = 'sales.orders' ORDER BY version_rank;

-- A deprecated version's metadata may change too; it stays deprecated.
SELECT mesh_deprecate('sales.orders', '1.0.1', current_date + 30, 'use 1.3.1');
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders (old)
version: 1.0.1
status: published
owners: {steward: carol, technical: alice}
classification: confidential
retention: 2 years
outputs:
  - name: orders
    type: table
    schema:
      - {name: id, type: bigint, required: true}
      - {name: amount, type: numeric}
$$);
SELECT version_text, status, name FROM mesh_versions WHERE product_id = 'sales.orders' AND version_text = '1.0.1';
SELECT o.kind, o.principal FROM owner AS o JOIN product_version AS v ON v.id = o.version_id
 WHERE v.product_id = 'sales.orders' AND v.version = '1.0.1' ORDER BY 1, 2;
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY regress_cm_dev, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_cm_dev, regress_cm_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
