-- mesh_search: finding products by words, domain and tag.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat CASCADE;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_commerce_council NOLOGIN;
CREATE ROLE regress_sales_team NOLOGIN;
CREATE ROLE regress_customer_team NOLOGIN;
CREATE ROLE regress_marketing_team NOLOGIN;
CREATE ROLE regress_finance_team NOLOGIN;
CREATE ROLE regress_logistics_team NOLOGIN;
\set mesh `for f in test/data/example_mesh/*.yaml; do echo ---; sed 's/^owner: /owner: regress_/' "$f"; done`
SELECT count(*) FROM mesh_register(:'mesh');

-- Ranking on this fixed corpus: id and name (4) above tags and glossary terms (3), above the
-- description (2), above outputs and fields (1); equals by usage (subscriptions and
-- consumers), then id. Only published and deprecated products by default.
SELECT id, version, status, rank, matched, usage FROM mesh_search('customer');
SELECT id, rank, matched FROM mesh_search('orders');
SELECT id, headline FROM mesh_search('touchpoints');
-- Field names, whole and by their words, and where they matched.
SELECT id, matched FROM mesh_search('email');
SELECT id, matched FROM mesh_search('lifetime value');
SELECT id, matched FROM mesh_search('card_last4');
-- Prefixes as one types, and typos.
SELECT id, rank, matched FROM mesh_search('cust');
SELECT id, rank, matched FROM mesh_search('custmer');
SELECT id, rank, matched FROM mesh_search('shipmnts');
SELECT count(*) FROM mesh_search('c');
-- A phrase's words, or, not.
SELECT id FROM mesh_search('"order items"');
SELECT id FROM mesh_search('campaigns or shipments');
SELECT id FROM mesh_search('orders -finance -logistics -marketing -customer');
-- Status: published and deprecated by default; any list on demand.
SELECT id, status FROM mesh_search('customer', status => 'draft');
SELECT id, status FROM mesh_search('customer', status => 'draft,published') ORDER BY id;
SELECT count(*) FROM mesh_search('customer', status => 'bogus');
\echo :SQLSTATE
-- Filters, alone or with words; an empty query lists everything that passes them.
SELECT id FROM mesh_search('', with_tag => 'kpi');
SELECT id FROM mesh_search('', with_tag => 'kpi', status => 'draft');
SELECT id FROM mesh_search(NULL, within_domain => 'finance');
SELECT id FROM mesh_search('customer', within_domain => 'customer');
SELECT id, classification FROM mesh_search('customer', classification => 'internal');
SELECT count(*) FROM mesh_search('customer', classification => 'secret');
\echo :SQLSTATE
SELECT count(*) FROM mesh_search('', max_results => 5);
SELECT count(*) FROM mesh_search('orders', max_results => 1);
-- The old four-argument call still works, positionally too.
SELECT id FROM mesh_search('orders', 'sales', NULL, 2);
-- Facets: counts over every match of the same query.
SELECT * FROM mesh_search_facets('orders');
SELECT * FROM mesh_search_facets('customer', within_domain => 'customer') WHERE facet IN ('domain', 'status');
SELECT count(*) FROM mesh_search_facets('the');

-- Glossary synonyms: a query word that is a synonym of a term finds what names the term;
-- a change of synonyms counts at once (read when asked, nothing re-indexed).
SELECT kind, id, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Refund
domain: sales
definition: Money given back to a customer for a returned order.
synonyms: [Reimbursement]
status: approved
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refund_ledger
name: Ledger
version: 1.0.0
status: published
glossary: [Refund]
outputs:
  - name: ledger
    type: table
    location: sales.refund_ledger
    schema:
      - {name: ledger_id, type: bigint}
$$);
SELECT id, rank, matched FROM mesh_search('reimbursement');
SELECT count(*) FROM mesh_search('chargeback');
UPDATE glossary_term SET synonyms = '{Reimbursement,Chargeback}' WHERE name = 'Refund';
SELECT id, rank, matched FROM mesh_search('chargeback');

-- Certification: shown with each row, a filter for the lowest level wanted, and a facet.
SELECT mesh_certify('customer.customers', '2.0.0', 'silver', 'reviewed');
SELECT mesh_certify('customer.customer_360', '2.1.0', 'gold');
SELECT id, certification FROM mesh_search('customer') ORDER BY id;
SELECT id, certification FROM mesh_search('customer', certification => 'silver');
SELECT id, certification FROM mesh_search('customer', certification => 'gold');
SELECT id FROM mesh_search('customer', max_results => 1, certification => 'bronze');
SELECT * FROM mesh_search_facets('customer') WHERE facet = 'certification';
SELECT count(*) FROM mesh_search('customer', certification => 'platinum');
\echo :SQLSTATE

-- Usage: a new consumer of customer.customer_360 raises its usage to that of
-- customer.customers; equal usage, so the id decides (byte order: "_" before "s").
SELECT id, usage FROM mesh_search('customer') WHERE rank = 4;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: marketing.churn
name: Churn scores
version: 1.0.0
status: published
inputs:
  - product: customer.customer_360
    version: ^2
outputs:
  - name: scores
    type: table
    location: marketing.churn
    schema:
      - {name: customer_id, type: bigint}
$$);
SELECT id, usage FROM mesh_search('customer') WHERE rank = 4;
SELECT meshcat.mesh_deprecate('marketing.churn', '1.0.0', '2099-01-01', 'gone');
SELECT meshcat.mesh_retire('marketing.churn', '1.0.0');
SELECT id, usage FROM mesh_search('customer') WHERE rank = 4;

-- Postings follow the current version: a new draft is not searched, its publication is.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 2.0.0-rc.1
description: A draft of the next major version, with returns
$$);
SELECT id, version FROM mesh_search('returns');
SELECT id, version FROM mesh_search('returns', status => 'draft');
SELECT id, version FROM mesh_search('orders', within_domain => 'sales');
-- A metadata fix (same version re-registered): the old words go, the new ones come.
SELECT id, version, matched FROM mesh_search('zebra');
SELECT descriptor AS d FROM product_version WHERE product_id = 'finance.revenue' AND status = 'published' \gset
SELECT action FROM mesh_register(jsonb_set(:'d'::jsonb, '{description}', '"Zebra revenue, by month"')::text);
SELECT id, version, matched FROM mesh_search('zebra');
SELECT word, weight, matched FROM search_posting WHERE product_id = 'finance.revenue' AND word IN ('channel', 'daily', 'zebra') ORDER BY word;
-- Retirement keeps the postings (status => 'retired' finds it) but not the default search.
SELECT version FROM product_version WHERE product_id = 'finance.revenue' AND status = 'published' \gset
SELECT meshcat.mesh_deprecate('finance.revenue', :'version', '2099-01-01', 'gone');
SELECT id, status FROM mesh_search('zebra');
SELECT meshcat.mesh_retire('finance.revenue', :'version');
SELECT id, status FROM mesh_search('zebra');
SELECT id, status FROM mesh_search('zebra', status => 'retired');
-- Deleting a draft takes its postings with it.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.quokka, name: Quokka, version: 0.1.0}');
SELECT id FROM mesh_search('quokka', status => 'draft');
DELETE FROM product_version WHERE product_id = 'sales.quokka';
SELECT count(*) FROM search_posting WHERE product_id = 'sales.quokka';
SELECT products FROM search_word WHERE word = 'quokka';
-- The vocabulary counts what the postings hold, and a rebuild derives the same postings.
SELECT count(*) FROM search_word AS w
 WHERE w.products <> (SELECT count(*) FROM search_posting AS p WHERE p.word = w.word);
CREATE TEMP TABLE before_rebuild AS SELECT * FROM search_posting;
SELECT versions > 0 FROM mesh_rebuild();
SELECT count(*) FROM ((TABLE before_rebuild EXCEPT TABLE search_posting) UNION ALL (TABLE search_posting EXCEPT TABLE before_rebuild)) AS d;

-- Nothing found, stop words only, bad arguments.
SELECT count(*) FROM mesh_search('zzyzx');
SELECT count(*) FROM mesh_search('the');
SELECT count(*) FROM mesh_search('orders', max_results => 0);
\echo :SQLSTATE
-- The derived tables refuse writes, a superuser's too.
INSERT INTO search_posting VALUES ('x', 1, 0, 'sales.orders', 1, 'name');
UPDATE search_word SET products = 0;
-- The indexes serve the search: a word's postings in rank order, the vocabulary by trigrams.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT product_id FROM search_posting WHERE word = 'orders' ORDER BY weight DESC, usage DESC, product_id LIMIT 20;
RESET enable_bitmapscan;
RESET enable_seqscan;
SELECT indexdef ~ 'USING gin \(word (public\.)?gin_trgm_ops\)' FROM pg_indexes WHERE indexname = 'search_word_trgm';

-- The commit-time flush is queued by a transaction's first pending row: a first row rolled
-- back to a savepoint, or flushed early by SET CONSTRAINTS ALL IMMEDIATE, leaves the next
-- row to queue it again; nothing stays pending.
BEGIN;
SAVEPOINT s;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.sp_alpha, name: Alpha zebra, version: 1.0.0, status: published, outputs: [{name: o, type: table}]}');
ROLLBACK TO s;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.sp_beta, name: Beta zebra, version: 1.0.0, status: published, outputs: [{name: o, type: table}]}');
COMMIT;
BEGIN;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.sp_gamma, name: Gamma zebra, version: 1.0.0, status: published, outputs: [{name: o, type: table}]}');
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.sp_delta, name: Delta zebra, version: 1.0.0, status: published, outputs: [{name: o, type: table}]}');
COMMIT;
SELECT id FROM mesh_search('zebra');
SELECT count(*) AS still_pending FROM meshcat_internal.search_pending;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_commerce_council, regress_sales_team, regress_customer_team, regress_marketing_team,
    regress_finance_team, regress_logistics_team;
CREATE EXTENSION meshcat CASCADE;

