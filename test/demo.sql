-- The tour that `make demo` prints: psql -v mesh=<the example mesh as one YAML stream>.
-- Each section's header is followed by the very query whose output follows: psql echoes every
-- query from section 3 on (ECHO queries); sections 1 and 2 print theirs by hand, since the echo
-- would show the whole mesh in place of :'mesh'. test/t/demo.sh checks this.
\pset footer off
\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- Domain owners are roles: their members own the domain's products.
CREATE ROLE commerce_council NOLOGIN;
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE customer_team NOLOGIN;
CREATE ROLE marketing_team NOLOGIN;
CREATE ROLE finance_team NOLOGIN;
CREATE ROLE logistics_team NOLOGIN;
-- A consumer: someone in finance who reads the catalog (meshcat_reader, from mesh_setup_roles).
CREATE ROLE finance_analyst NOLOGIN;

CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
SELECT count(*) FROM mesh_setup_roles() \g /dev/null
GRANT meshcat_reader TO finance_analyst;

\echo
\echo '== 1. Register the example mesh (test/data/example_mesh/*.yaml) in one call:'
\echo 'SELECT * FROM mesh_register(:''mesh'');'
SELECT * FROM mesh_register(:'mesh');

\echo '== 2. Registering the same descriptors again changes nothing:'
\echo 'SELECT action, count(*) FROM mesh_register(:''mesh'') GROUP BY action;'
SELECT action, count(*) FROM mesh_register(:'mesh') GROUP BY action;

\set ECHO queries
\echo '== 3. Domains, each under its parent:'
SELECT name, parent, owner_role, products, description FROM mesh_domains ORDER BY coalesce(parent, name), parent NULLS FIRST, name;

\echo '== 4. Products, each described by its current version:'
SELECT id, current_version AS version, status, classification, tags, owners FROM mesh_products ORDER BY id;

\echo '== 5. Every version of every product (sales.orders has two):'
SELECT product_id, version, status, is_current, published_at IS NOT NULL AS published FROM mesh_versions ORDER BY product_id, version;

\echo '== 6. What each product consumes (current versions):'
SELECT p.product_id AS product, string_agg(coalesce(p.input_product || ' ' || coalesce(p.version_range, '*'), 'source ' || p.source), ', ' ORDER BY p.position) AS consumes
  FROM mesh_ports p JOIN mesh_versions v USING (product_id, version)
 WHERE p.direction = 'input' AND v.is_current
 GROUP BY p.product_id ORDER BY p.product_id;

\echo '== 7. The schema contract of customer.customer_360:'
SELECT port, name, type, required, pii, classification, derived_from FROM mesh_fields
 WHERE product_id = 'customer.customer_360' ORDER BY port, position;

\echo '== 8. Lineage of sales.orders: who consumes it, and whom to tell about a 1.4.0:'
SELECT id, depth, array_to_string(path, ' -> ') AS path FROM mesh_downstream('sales.orders');
SELECT id, domain_owner, owners, via, version_range FROM mesh_impact('sales.orders', '1.4.0');
\echo '   Where marketing.attribution comes from:'
SELECT id, kind, depth FROM mesh_upstream('marketing.attribution');
\echo '   Products declared less sensitive than what they derive from:'
SELECT id, declared_classification, effective_classification, raised_by FROM mesh_classification WHERE under_declared ORDER BY id;

\echo '== 9. A mistake in sales.returns is refused with the document and the JSON path of the problem:'
\set ON_ERROR_STOP off
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
outputs:
  - name: returns
    type: tabel
$$);
\set ON_ERROR_STOP on

\echo '== 10. Discovery: the products that match "customer profile", a typo ("custmer"), and the facets of "orders":'
SELECT id, version, round(rank::numeric, 3) AS rank, matched, headline FROM mesh_search('customer profile');
SELECT id, rank, matched, usage FROM mesh_search('custmer');
SELECT facet, value, count FROM mesh_search_facets('orders') WHERE facet IN ('domain', 'tag');

\echo '== 11. Every change is in the audit trail:'
SELECT table_name, operation, count(*) AS changes FROM mesh_audit GROUP BY 1, 2 ORDER BY 1, 2;

\echo '== 12. The governance council tries a policy of the default pack, encryption-at-rest, on the mesh (no product fails it):'
SELECT * FROM mesh_policy_dry_run($$
apiVersion: meshcat/v1
kind: Policy
name: encryption-at-rest
scope: global
enforcement: required
rule: 'exists($.security.encryption_at_rest ? (@ == true || @.type() == "string"))'
message: declare security.encryption_at_rest
$$);

\echo '== 13. ... and installs the pack shipped with meshcat. Existing products are judged at once; nothing is unpublished.'
SELECT kind, id, action FROM mesh_install_policies();
SELECT name, scope, enforcement, failing FROM mesh_policies ORDER BY name;

\echo '== 14. Publishing sales.returns 1.0.0, which fails required policies, is refused (23514), naming each one:'
\set ON_ERROR_STOP off
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
status: published
outputs:
  - name: returns
    type: table
    schema:
      - {name: return_id, type: bigint, required: true}
      - {name: email, type: text, pii: true}
$$);
\set ON_ERROR_STOP on

\echo '== 15. Fixed, sales.returns 1.0.0 is published; a recommended policy it misses only warns:'
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.returns
name: Returns
version: 1.0.0
status: published
retention: 10 years
security: {encryption_at_rest: aes-256}
inputs: [{source: shop.returns_db}]
outputs:
  - name: returns
    type: table
    schema:
      - {name: return_id, type: bigint, required: true}
      - {name: email, type: text, pii: true, classification: restricted}
$$);

\echo '== 16. The scorecard of every domain:'
SELECT domain, products, published, compliant_pct, open_violations, violations_by_policy FROM mesh_domain_scorecard ORDER BY domain;

\echo '== 17. What marketing.attribution must fix:'
SELECT policy, enforcement, outcome, message FROM mesh_compliance WHERE product_id = 'marketing.attribution' AND is_current ORDER BY policy;

\echo '== 18. A contract creates its table where the data lives, and DDL that would break it is refused (23514):'
SELECT action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refunds
name: Refunds
version: 1.0.0
status: published
retention: 10 years
security: {encryption_at_rest: aes-256, audit_logging: true}
sla: {freshness: 1 day}
quality: {completeness: 0.99}
inputs: [{source: shop.returns_db}]
slos:
  - {name: fresh, objective: freshness, field: refunded_at, within: 1 day}
  - {name: reasons_known, objective: completeness, field: reason, target: 90}
outputs:
  - name: refunds
    type: table
    location: sales_data.refunds
    quality:
      - {metric: rowCount, mustBeGreaterThan: 0}
    schema:
      - {name: refund_id, type: bigint, primary_key: true}
      - name: amount
        type: "numeric(12,2)"
        required: true
        quality: [{type: sql, name: positive_amounts, query: "SELECT count(*) FROM ${object} WHERE amount <= 0"}]
      - {name: reason, type: text}
      - {name: refunded_at, type: timestamptz}
$$);
SELECT * FROM mesh_provision('sales.refunds');
\set ON_ERROR_STOP off
ALTER TABLE sales_data.refunds DROP COLUMN amount;
\set ON_ERROR_STOP on
ALTER TABLE sales_data.refunds ADD COLUMN note text;
SELECT kind, field, severity FROM mesh_drift('sales.refunds');

\echo '== 19. Its quality checks run where the rows are, and its objectives are judged on what they measured:'
SELECT check_name, value, threshold, passed FROM mesh_run_checks('sales.refunds');
INSERT INTO sales_data.refunds (refund_id, amount, reason, refunded_at)
VALUES (1, 25.00, 'damaged', now()), (2, 12.50, NULL, now() - interval '2 hours'), (3, -4.00, 'late', now());
SELECT check_name, value, threshold, passed FROM mesh_run_checks('sales.refunds');
SELECT objective, target, latest_value, status FROM mesh_slo_status WHERE product_id = 'sales.refunds' ORDER BY objective;
SELECT id, checks_passing, checks_failing, slos_met, slos_violated FROM mesh_products WHERE id = 'sales.refunds';

\echo '== 20. A consumer asks for the refunds, the domain approves, and the grant is real:'
SELECT mesh_request_access('sales.refunds', 'refunds', 'finance_analyst', 'monthly refund report', '^1',
                           until => current_date + 90) AS request \gset
SELECT id, status, consumer, purpose, until FROM mesh_access_requests WHERE id = :request;
SELECT mesh_approve(:request, 'fine for reporting');
SELECT object_kind, privilege, grantor FROM mesh_access_grants WHERE request = :request;
SET ROLE finance_analyst;
SELECT count(*) AS refunds_visible_to_finance_analyst FROM sales_data.refunds;
RESET ROLE;
SELECT product_id, port, consumer, kind, until FROM mesh_subscriptions WHERE product_id = 'sales.refunds';
\echo '   Revoked, the privilege is gone:'
SELECT mesh_revoke(:request, 'report retired');
SELECT has_table_privilege('finance_analyst', 'sales_data.refunds', 'SELECT') AS finance_analyst_can_read;

\echo '== 21. Access that ends by itself: asked through a date, ended by mesh_expire_access() (a nightly pg_cron job: docs/access.md):'
SELECT mesh_request_access('sales.refunds', 'refunds', 'finance_analyst', 'quarter close',
                           until => current_date) AS quarter \gset
SELECT mesh_approve(:quarter);
SELECT mesh_expire_access() AS ended_today;
\echo '   The next day (the demo moves the end date back a day, as the calendar would):'
UPDATE meshcat_internal.access_request SET until = current_date - 1 WHERE id = :quarter;
SELECT mesh_expire_access() AS ended_the_next_day;
SELECT id, status, end_reason, has_table_privilege('finance_analyst', 'sales_data.refunds', 'SELECT') AS can_read
  FROM mesh_access_requests WHERE id = :quarter;

\echo '== 22. A glossary term with synonyms: a search for "client" finds the customer products:'
SELECT kind, id, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: GlossaryTerm
name: Customer
domain: customer
definition: A person or company that buys from us, identified by customer_id.
synonyms: [client, shopper]
status: approved
$$);
SELECT id, rank, matched FROM mesh_search('client');
SELECT term, domain, synonyms, status FROM mesh_glossary;

\echo '== 23. The governance council certifies customer.customer_360; search can ask for certified products only:'
SELECT mesh_certify('customer.customer_360', '2.1.0', 'gold', 'reviewed by the council');
SELECT id, certification FROM mesh_search('customer', certification => 'silver');
SELECT id, certification, certified_at IS NOT NULL AS certified FROM mesh_products WHERE certification IS NOT NULL;
