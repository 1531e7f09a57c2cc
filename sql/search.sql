-- mesh_search: finding products by words, domain and tag.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
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

-- Words in names and tags rank above words in descriptions, which rank above field names.
SELECT id, version, status, rank > 0 AS matched FROM mesh_search('customer') ORDER BY rank DESC, id;
SELECT id FROM mesh_search('orders');
SELECT id, headline FROM mesh_search('touchpoints');
-- Field names and their words are searchable.
SELECT id FROM mesh_search('lifetime value');
SELECT id FROM mesh_search('card_last4');
-- Web-search syntax: a phrase, or, not.
SELECT id FROM mesh_search('"order items"');
SELECT id FROM mesh_search('campaigns or shipments');
SELECT id FROM mesh_search('orders -finance -logistics -marketing -customer');
-- Only the current version of each product is searched and returned.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 2.0.0-rc.1
description: A draft of the next major version, with returns
$$);
SELECT id, version FROM mesh_search('returns');
SELECT id, version FROM mesh_search('orders', within_domain => 'sales');
-- Filters, alone or with words; an empty query lists everything that passes them.
SELECT id FROM mesh_search('', with_tag => 'kpi');
SELECT id FROM mesh_search(NULL, within_domain => 'finance');
SELECT id FROM mesh_search('customer', within_domain => 'marketing');
SELECT count(*) FROM mesh_search('', max_results => 5);
-- Nothing found, stop words only, bad arguments.
SELECT count(*) FROM mesh_search('zebra');
SELECT count(*) FROM mesh_search('the');
SELECT count(*) FROM mesh_search('orders', max_results => 0);
\echo :SQLSTATE
-- The index serves the search.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT product_id FROM product_version WHERE search_document(descriptor) @@ websearch_to_tsquery('english', 'orders');
RESET enable_seqscan;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_commerce_council, regress_sales_team, regress_customer_team, regress_marketing_team,
    regress_finance_team, regress_logistics_team;
CREATE EXTENSION meshcat;
