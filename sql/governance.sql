-- Federated computational governance: policies, enforcement at publication, stored
-- evaluations, re-evaluation, dry runs, exemptions and the compliance views.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_gov_sales NOLOGIN;
CREATE ROLE regress_gov_mkt NOLOGIN;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: commerce
owner: regress_gov_sales
---
apiVersion: meshcat/v1
kind: Domain
name: sales
parent: commerce
owner: regress_gov_sales
---
apiVersion: meshcat/v1
kind: Domain
name: marketing
owner: regress_gov_mkt
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
retention: 10 years
sla: {freshness: 1 hour}
inputs: [{source: shop.db}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: marketing.campaigns
name: Campaigns
version: 1.0.0
status: published
$$);

-- Policies are documents too: global standards, and a domain's own (which covers its subdomains).
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: retention-declared
scope: global
enforcement: required
rule: 'exists($.retention)'
message: declare a retention period
---
apiVersion: meshcat/v1
kind: Policy
name: lineage-declared
scope: global
enforcement: required
rule: 'exists($.inputs[*])'
message: declare the inputs the product is derived from
---
apiVersion: meshcat/v1
kind: Policy
name: quality-slo
scope: global
enforcement: recommended
rule: 'exists($.sla.freshness) && exists($.quality.*)'
message: declare sla.freshness and a quality objective
---
apiVersion: meshcat/v1
kind: Policy
name: has-description
scope: global
enforcement: optional
rule: '@.description != ""'
message: say what the product is
---
apiVersion: meshcat/v1
kind: Policy
name: commerce-owners
domain: commerce
enforcement: required
description: Commerce products name a technical owner.
rule: 'exists($.owners.technical)'
message: name a technical owner
$$);
SELECT name, scope, enforcement, rule, message, revision, failing FROM mesh_policies ORDER BY name;

-- Existing products are evaluated when a policy arrives; nothing is unpublished.
SELECT product_id, version, status, policy, scope, enforcement, outcome, message
  FROM mesh_compliance ORDER BY product_id, policy;

-- A publication that fails required policies is refused, naming every failed policy.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.payments
name: Payments
version: 1.0.0
status: published
$$);
\echo :SQLSTATE
-- A plain INSERT is refused just the same.
INSERT INTO meshcat.product (id, domain) VALUES ('sales.payments', 'sales');
INSERT INTO meshcat.product_version (product_id, version, name, status, descriptor)
VALUES ('sales.payments', '1.0.0', 'Payments', 'published', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.payments", "name": "Payments", "version": "1.0.0", "status": "published", "owners": {"technical": "pay"}}');
\echo :SQLSTATE
-- A draft may fail, and shows its violations.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.payments
name: Payments
version: 1.0.0
owners: {technical: payments_eng}
$$);
SELECT policy, enforcement, outcome, message FROM mesh_compliance WHERE product_id = 'sales.payments' ORDER BY policy;
-- Publishing the draft by a plain UPDATE, or by mesh_publish, is refused the same way.
UPDATE meshcat.product_version SET status = 'published' WHERE product_id = 'sales.payments';
\echo :SQLSTATE
SELECT mesh_publish('sales.payments', '1.0.0');
\echo :SQLSTATE
-- Fixing the required ones publishes it; a recommended failure warns, an optional one is recorded.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.payments
name: Payments
version: 1.0.0
status: published
owners: {technical: payments_eng}
retention: 10 years
inputs: [{source: psp.events}]
$$);
SELECT policy, enforcement, outcome FROM mesh_compliance WHERE product_id = 'sales.payments' ORDER BY policy;

-- Every evaluation is stored: why it ran, which revision, the result.
SELECT e.cause, e.policy_name, e.policy_revision, e.passed, count(*)
  FROM meshcat_internal.evaluation e JOIN meshcat.product_version v ON v.id = e.version_id
 WHERE v.product_id = 'sales.payments' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4;
-- mesh_check re-evaluates on demand (the current version, or a given one) and records it.
SELECT * FROM mesh_check('sales.payments');
SELECT * FROM mesh_check('marketing.campaigns', '1.0.0');
SELECT count(*) FROM meshcat_internal.evaluation WHERE cause = 'check';
SELECT * FROM mesh_check('sales.nothing');
\echo :SQLSTATE
SELECT * FROM mesh_check('sales.payments', '9.0.0');
\echo :SQLSTATE

-- Changing a policy makes a new revision, re-evaluates what it covers, shows the new
-- violations, and unpublishes nothing. The audit trail keeps every revision.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: retention-declared
scope: global
enforcement: required
rule: 'exists($.retention) && $.retention != "10 years"'
message: declare a retention period other than the default 10 years
$$);
SELECT name, revision, failing FROM mesh_policies WHERE name = 'retention-declared';
SELECT product_id, version, status, outcome, message, policy_revision
  FROM mesh_compliance WHERE policy = 'retention-declared' ORDER BY product_id;
SELECT operation, old_row ->> 'revision' AS old_revision, new_row ->> 'revision' AS new_revision, new_row ->> 'rule' AS rule
  FROM mesh_audit WHERE table_name = 'policy' AND new_row ->> 'name' = 'retention-declared' ORDER BY id;
-- A description-only change is a revision too, but judges nothing anew.
SELECT count(*) AS evaluations FROM meshcat_internal.evaluation \gset
UPDATE meshcat.policy SET description = 'Deletion duties need a retention period.' WHERE name = 'retention-declared';
SELECT revision FROM meshcat.policy WHERE name = 'retention-declared';
SELECT count(*) - :evaluations AS new_evaluations FROM meshcat_internal.evaluation;

-- A dry run shows which current products a proposed policy would fail; nothing is written.
SELECT * FROM mesh_policy_dry_run($$
apiVersion: meshcat/v1
kind: Policy
name: freshness-within-hour
scope: global
enforcement: required
rule: '$.sla.freshness == "1 hour"'
message: be fresh within the hour
$$);
SELECT * FROM mesh_policy_dry_run($$
apiVersion: meshcat/v1
kind: Policy
name: marketing-only
domain: marketing
enforcement: required
rule: 'exists($.nothing)'
message: never passes
$$);
SELECT count(*) - :evaluations AS new_evaluations, (SELECT count(*) FROM meshcat.policy) AS policies FROM meshcat_internal.evaluation;
SELECT * FROM mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: DataProduct, id: a.b, name: X, version: 1.0.0}');
\echo :SQLSTATE
SELECT * FROM mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: required, rule: "exists(", message: m}');
\echo :SQLSTATE

-- Invalid policies: 22023 with the document and path, 23503 for what does not exist.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, enforcement: required, rule: "exists($.a)", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, domain: sales, enforcement: required, rule: "exists($.a)", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: required, message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: required, rule: "$.a +", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: required, rule: "$.a", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: mandatory, rule: "exists($.a)", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: local, enforcement: required, rule: "exists($.a)", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, domain: hr, enforcement: required, rule: "exists($.a)", message: m}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: required, function: public.nope, message: m}');
\echo :SQLSTATE
INSERT INTO meshcat.policy (name, enforcement, rule, message, descriptor) VALUES ('y', 'required', 'exists($.a', 'm', '{}');
\echo :SQLSTATE

-- Policies may name a function (jsonb) -> boolean for checks a path cannot say.
CREATE FUNCTION public.regress_few_outputs(d jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN jsonb_array_length(coalesce(d -> 'outputs', '[]')) <= 1;
CREATE FUNCTION public.regress_broken(d jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN (d ->> 'name')::int > 0;
CREATE FUNCTION public.regress_wrong(d text) RETURNS boolean LANGUAGE sql RETURN true;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: few-outputs
domain: sales
enforcement: recommended
function: public.regress_few_outputs
message: keep to one output
---
apiVersion: meshcat/v1
kind: Policy
name: broken-check
domain: marketing
enforcement: optional
function: public.regress_broken(jsonb)
message: a check that fails on every product
$$);
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: x, scope: global, enforcement: required, function: public.regress_wrong(text), message: m}');
\echo :SQLSTATE
SELECT name, function FROM mesh_policies WHERE function IS NOT NULL ORDER BY name;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refunds
name: Refunds
version: 1.0.0
status: published
owners: {technical: payments_eng}
retention: 1 year
sla: {freshness: 1 day}
quality: {completeness: 0.9}
inputs: [{source: psp.events}]
outputs: [{name: a, type: table}, {name: b, type: table}]
$$);
SELECT product_id, policy, outcome, message FROM mesh_compliance
 WHERE policy IN ('few-outputs', 'broken-check') ORDER BY product_id, policy;

-- Exemptions: the domain's owners request, a governance administrator grants, until expiry.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.legacy, name: Legacy, version: 1.0.0, owners: {technical: x}, inputs: [{source: mainframe}]}');
SELECT mesh_publish('sales.legacy', '1.0.0');
\echo :SQLSTATE
SELECT mesh_request_exemption('sales.legacy', 'retention-declared', 'the mainframe export has no retention yet', now() + interval '30 days') AS exemption \gset
SELECT status, reason, requested_by = current_user AS by_me, expires_at > now() AS open FROM meshcat.exemption WHERE id = :exemption;
-- Requested is not granted.
SELECT mesh_publish('sales.legacy', '1.0.0');
\echo :SQLSTATE
SELECT mesh_grant_exemption(:exemption, now() + interval '7 days', 'until the export is fixed') > now() AS granted;
SELECT mesh_publish('sales.legacy', '1.0.0');
SELECT policy, outcome, message, exempt_until > now() AS exempt_now FROM mesh_compliance
 WHERE product_id = 'sales.legacy' ORDER BY policy;
SELECT * FROM mesh_check('sales.legacy') WHERE outcome <> 'pass';
-- Expired exemptions stop counting (here the clock is moved by editing the row with the guard off).
ALTER TABLE meshcat.exemption DISABLE TRIGGER guard;
UPDATE meshcat.exemption SET expires_at = now() - interval '1 day' WHERE id = :exemption;
ALTER TABLE meshcat.exemption ENABLE TRIGGER guard;
SELECT policy, outcome, exempt_until FROM mesh_compliance WHERE product_id = 'sales.legacy' AND policy = 'retention-declared';
-- Refusals: no expiry in the past, a policy that does not apply, deciding twice, deleting.
SELECT mesh_request_exemption('sales.legacy', 'retention-declared', 'again', now() - interval '1 day');
\echo :SQLSTATE
SELECT mesh_request_exemption('sales.legacy', 'broken-check', 'marketing policy', now() + interval '1 day');
\echo :SQLSTATE
SELECT mesh_request_exemption('sales.legacy', 'retention-declared', ' ', now() + interval '1 day');
\echo :SQLSTATE
SELECT mesh_grant_exemption(:exemption);
\echo :SQLSTATE
SELECT mesh_grant_exemption(424242);
\echo :SQLSTATE
DELETE FROM meshcat.exemption;
\echo :SQLSTATE
SELECT mesh_request_exemption('sales.legacy', 'lineage-declared', 'trying', now() + interval '1 day') AS e2 \gset
SELECT mesh_revoke_exemption(:e2, 'lineage is declared already');
SELECT mesh_grant_exemption(:e2);
\echo :SQLSTATE
SELECT status, count(*) FROM meshcat.exemption GROUP BY status ORDER BY status;
SELECT table_name, operation, new_row ->> 'status' AS status FROM mesh_audit WHERE table_name = 'exemption' ORDER BY id;

-- The scorecard: per domain, products, published, % compliant, open violations by policy.
SELECT * FROM mesh_domain_scorecard ORDER BY domain;

-- Deleting a policy keeps its evaluations (the record) but it no longer applies.
DELETE FROM meshcat.policy WHERE name = 'broken-check';
SELECT count(*) > 0 AS kept FROM meshcat_internal.evaluation WHERE policy_name = 'broken-check';
SELECT count(*) AS shown FROM mesh_compliance WHERE policy = 'broken-check';

-- A policy change under REPEATABLE READ is refused: its re-evaluation could miss versions
-- published concurrently (test/isolation/specs/policy_publication.spec shows the race).
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: rr-policy, scope: global, enforcement: optional, rule: "exists($.name)", message: name it}');
\echo :SQLSTATE
ROLLBACK;

-- Retention: mesh_prune_evaluations() (administrators) deletes the evaluations older than
-- meshcat.evaluation_retention (a superuser's setting), but never the latest that judged a
-- policy for a version: mesh_compliance, and what tells the next violation new, are unchanged.
SHOW meshcat.evaluation_retention;
SELECT count(*) > 0 AS checked_again FROM mesh_check('sales.payments');
CREATE TEMP TABLE latest_run AS
SELECT e.version_id, u.policy_name, max(e.id) AS id
  FROM meshcat_internal.evaluation_run AS e, unnest(e.policy_names) AS u(policy_name) GROUP BY 1, 2;
CREATE TEMP TABLE compliance_before AS SELECT * FROM mesh_compliance;
SELECT count(*) AS runs FROM meshcat_internal.evaluation_run \gset
SELECT mesh_prune_evaluations() AS pruned_within_retention;
SET meshcat.evaluation_retention = '0';
SELECT mesh_prune_evaluations() > 0 AS pruned_some, mesh_prune_evaluations() AS pruned_again;
SELECT count(*) < :runs AS fewer_runs,
       (SELECT count(*) FROM latest_run AS l
         WHERE NOT EXISTS (SELECT FROM meshcat_internal.evaluation_run AS e WHERE e.id = l.id)) AS latest_lost,
       (SELECT count(*) FROM ((TABLE compliance_before EXCEPT ALL TABLE mesh_compliance)
                              UNION ALL (TABLE mesh_compliance EXCEPT ALL TABLE compliance_before)) AS d) AS compliance_changed
  FROM meshcat_internal.evaluation_run;
-- (EXECUTE granted here only to show that the function itself refuses non-administrators)
GRANT USAGE ON SCHEMA meshcat TO regress_gov_mkt;
GRANT EXECUTE ON FUNCTION mesh_prune_evaluations() TO regress_gov_mkt;
SET ROLE regress_gov_mkt;
SELECT mesh_prune_evaluations();
\echo :SQLSTATE
RESET ROLE;
REVOKE USAGE ON SCHEMA meshcat FROM regress_gov_mkt;
SET meshcat.evaluation_retention = 'a while';
SELECT mesh_prune_evaluations();
\echo :SQLSTATE
RESET meshcat.evaluation_retention;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP FUNCTION public.regress_few_outputs(jsonb), public.regress_broken(jsonb), public.regress_wrong(text);
DROP ROLE regress_gov_sales, regress_gov_mkt;
CREATE EXTENSION meshcat;
