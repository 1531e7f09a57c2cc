-- The business glossary (kind GlossaryTerm: ownership, references from products, fields and
-- related terms, the same stream, mesh_validate, mesh_glossary, deletion and deprecation) and
-- certification (mesh_certify: administrators only, levels, mesh_products, $certification in
-- policies, audit). docs/glossary.md.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) AS roles FROM mesh_setup_roles();
CREATE ROLE regress_gl_sales NOLOGIN;
CREATE ROLE regress_gl_mkt NOLOGIN;
CREATE ROLE regress_gl_alice NOLOGIN IN ROLE regress_gl_sales, meshcat_steward;
CREATE ROLE regress_gl_bob NOLOGIN IN ROLE regress_gl_mkt, meshcat_steward;
CREATE ROLE regress_gl_gov NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_gl_reader NOLOGIN IN ROLE meshcat_reader;

SET ROLE regress_gl_gov;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_gl_sales
---
apiVersion: meshcat/v1
kind: Domain
name: marketing
owner: regress_gl_mkt
$$);

-- Terms, products and fields in one stream, in any order: terms are written before products,
-- and related terms may name each other.
SET ROLE regress_gl_alice;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
glossary: [Order]
outputs:
  - name: orders
    type: table
    schema:
      - {name: order_id, type: bigint, glossary: [Order]}
      - {name: customer_id, type: bigint, glossary: [Customer]}
---
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Customer
domain: sales
definition: A person or company that buys from us.
synonyms: [client, buyer]
related: [Order]
status: approved
---
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Order
domain: sales
definition: A confirmed purchase of one or more items.
related: [Customer]
$$);
SELECT term, domain, definition, synonyms, related, status, products, fields FROM mesh_glossary ORDER BY term;

-- A product's own glossary is metadata: a published version may change it (updated); its
-- fields' glossary is contract, as the field is.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
glossary: [Order, Customer]
outputs:
  - name: orders
    type: table
    schema:
      - {name: order_id, type: bigint, glossary: [Order]}
      - {name: customer_id, type: bigint, glossary: [Customer]}
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
glossary: [Order, Customer]
outputs:
  - name: orders
    type: table
    schema:
      - {name: order_id, type: bigint, glossary: [Order, Customer]}
      - {name: customer_id, type: bigint, glossary: [Customer]}
$$);

-- Registered again: unchanged; a changed definition or status: updated, audited.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Order
domain: sales
definition: A confirmed purchase of one or more items.
related: [Customer]
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Order
domain: sales
definition: A confirmed purchase of one or more items, by a customer.
related: [Customer]
status: approved
$$);
SELECT term, definition, status FROM mesh_glossary WHERE term = 'Order';
SELECT table_name, operation, acting_role, new_row ->> 'name' AS term FROM mesh_audit
 WHERE table_name = 'glossary_term' ORDER BY id;

-- Ownership: another domain's steward may neither create a term in sales nor change one.
SET ROLE regress_gl_bob;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Refund, domain: sales, definition: Money back.}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Customer, domain: sales, definition: Anyone.}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Customer, domain: marketing, definition: Anyone.}');
UPDATE glossary_term SET definition = 'Anyone.' WHERE name = 'Customer';
DELETE FROM glossary_term WHERE name = 'Customer';
-- ... and mesh_validate, as the caller, says the same without writing.
SELECT document, path, sqlstate, split_part(problem, E'\n', 1) AS problem
  FROM mesh_validate('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Refund, domain: sales, definition: Money back.}');
-- Their own domain is theirs; its owning domain must exist.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Campaign, domain: marketing, definition: A planned push.}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Lead, domain: nowhere, definition: A maybe.}');

-- The format: a definition is required, a term does not relate to itself, no unknown keys.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Lead, domain: marketing}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Lead, domain: marketing, definition: A maybe., related: [Lead]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Lead, domain: marketing, definition: A maybe., synonym: [x]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Lead, domain: marketing, definition: A maybe., status: final}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: " Lead", domain: marketing, definition: A maybe.}');
-- Moving a term to another domain takes the owners of both: an administrator may.
SET ROLE regress_gl_gov;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Campaign, domain: sales, definition: A planned push.}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Campaign, domain: marketing, definition: A planned push.}');
SET ROLE regress_gl_bob;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Campaign, domain: sales, definition: A planned push.}');

-- References name registered terms (23503 with the path): a product's, a field's, a related term.
SET ROLE regress_gl_alice;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.returns, name: Returns, version: 1.0.0, glossary: [Order, Return]}');
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
outputs:
  - name: returns
    type: table
    schema:
      - {name: order_id, type: bigint, glossary: [Order]}
      - {name: reason, type: text, glossary: [Reason]}
$$);
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Return, domain: sales, definition: Goods sent back., related: [Order, Refund]}');
-- mesh_validate reports each refused document of a stream.
SELECT document, path, sqlstate, split_part(problem, E'\n', 1) AS problem FROM mesh_validate($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Return
domain: sales
definition: Goods sent back.
related: [Refund]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
outputs:
  - name: returns
    type: table
    schema:
      - {name: reason, type: text, glossary: [Reason]}
$$) ORDER BY document;
-- A plain INSERT is held to the same rules (at the end of the transaction).
BEGIN;
INSERT INTO glossary_term (name, domain, definition, related, descriptor) VALUES ('Return', 'sales', 'Goods sent back.', '{Refund}', '{}');
COMMIT;
-- Nothing was written by the refusals.
SELECT term FROM mesh_glossary ORDER BY term;

-- A named term is not deleted; deprecating it warns, and so does naming it.
DELETE FROM glossary_term WHERE name = 'Customer';
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Customer
domain: sales
definition: A person or company that buys from us.
synonyms: [client, buyer]
related: [Order]
status: deprecated
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.customers
name: Customers
version: 0.1.0
glossary: [Customer]
$$);
-- An unnamed term may go.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: Basket, domain: sales, definition: What is about to be ordered.}');
DELETE FROM glossary_term WHERE name = 'Basket';
SELECT term, status, products, fields FROM mesh_glossary ORDER BY term;

-- A product's glossary and its fields' survive an export to ODCS and back (customProperties).
SELECT kind, action FROM mesh_register(mesh_export('sales.orders', '1.0.0', 'odcs'));
SELECT descriptor -> 'glossary' AS glossary, descriptor #> '{outputs,0,schema,1,glossary}' AS field_glossary
  FROM product_version WHERE product_id = 'sales.orders';

-- Readers read the glossary.
SET ROLE regress_gl_reader;
SELECT term, products FROM mesh_glossary WHERE term = 'Order';
RESET ROLE;

-- Certification: an administrator's act.
SET ROLE regress_gl_alice;
SELECT mesh_certify('sales.orders', '1.0.0', 'gold');
SELECT has_function_privilege('regress_gl_alice', 'mesh_certify(text, semver, text, text)', 'EXECUTE') AS steward_may,
       has_function_privilege('regress_gl_gov', 'mesh_certify(text, semver, text, text)', 'EXECUTE') AS admin_may,
       has_function_privilege('public', 'mesh_certify(text, semver, text, text)', 'EXECUTE') AS public_may;
-- Nor may a steward write the table behind it.
INSERT INTO certification (product_id, version, level) VALUES ('sales.orders', '1.0.0', 'gold');
SET ROLE regress_gl_gov;
SELECT mesh_certify('sales.orders', '1.0.0', 'platinum');
SELECT mesh_certify('sales.orders', '9.0.0', 'gold');
SELECT mesh_certify('sales.orders', '1.0.0', 'silver', 'Quality checks pass.');
SELECT id, certification, certified_at IS NOT NULL AS dated FROM mesh_products ORDER BY id;
SELECT product_id, version, level, note, certified_by FROM certification ORDER BY product_id;
-- Appended at the end of mesh_products.
SELECT attname FROM pg_attribute WHERE attrelid = 'mesh_products'::regclass AND attnum > 0 ORDER BY attnum DESC LIMIT 2;

-- Policies read it as $certification (the level, or null).
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: gold-certified
scope: global
enforcement: recommended
rule: '$certification == "gold"'
message: a product is certified gold
$$);
SELECT policy, outcome FROM mesh_check('sales.orders');
SELECT product_id, outcome FROM mesh_policy_dry_run($$
apiVersion: meshcat/v1
kind: Policy
name: certified
scope: global
enforcement: required
rule: '$certification != null'
message: certify it
$$) ORDER BY product_id;
-- A change of certification evaluates the version's policies again.
SELECT mesh_certify('sales.orders', '1.0.0', 'gold');
SELECT e.policy_name, e.passed, e.cause FROM meshcat_internal.evaluation AS e
  JOIN product_version AS pv ON pv.id = e.version_id
 WHERE pv.product_id = 'sales.orders' AND e.policy_name = 'gold-certified' ORDER BY e.id DESC LIMIT 1;
SELECT policy, outcome FROM mesh_check('sales.orders');
-- A required policy on it blocks publication until a version is certified.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: sales-certified
domain: sales
enforcement: required
rule: '$certification != null'
message: sales products are certified before publication
$$);
SET ROLE regress_gl_alice;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0}');
SELECT mesh_publish('sales.refunds', '1.0.0');
SET ROLE regress_gl_gov;
SELECT mesh_certify('sales.refunds', '1.0.0', 'bronze');
SET ROLE regress_gl_alice;
SELECT mesh_publish('sales.refunds', '1.0.0');
-- Withdrawing (level NULL) is the administrator's too; a withdrawn draft takes its own along.
SELECT mesh_certify('sales.refunds', '1.0.0', NULL);
SET ROLE regress_gl_gov;
SELECT mesh_certify('sales.refunds', '1.0.0', NULL);
SELECT mesh_certify('sales.customers', '0.1.0', 'bronze');
SET ROLE regress_gl_alice;
SELECT mesh_withdraw('sales.customers', '0.1.0');
RESET ROLE;
SELECT product_id, version, level FROM certification ORDER BY product_id;
SELECT operation, acting_role, coalesce(new_row, old_row) ->> 'product_id' AS product,
       old_row ->> 'level' AS old_level, new_row ->> 'level' AS new_level
  FROM mesh_audit WHERE table_name = 'certification' ORDER BY id;
SELECT kind, product_id, payload FROM meshcat_internal.event WHERE kind = 'certification' ORDER BY id;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_gl_alice, regress_gl_bob, regress_gl_gov, regress_gl_reader, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_gl_alice, regress_gl_bob, regress_gl_gov, regress_gl_reader, regress_gl_sales, regress_gl_mkt;
DROP ROLE meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
