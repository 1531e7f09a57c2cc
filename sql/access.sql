-- Access requests that really GRANT (docs/access.md): a consumer asks, an owner of the
-- product's domain approves with its own rights, the consumer reads the table; pii withheld;
-- denial; revocation and expiry take exactly the ledger's privileges back; auto-approval and
-- classification rules; refusals; subscriptions in impact, deprecation, retirement and new
-- majors; privilege drift both ways.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_ac_team NOLOGIN;
CREATE ROLE regress_ac_b_team NOLOGIN;
CREATE ROLE regress_ac_steward NOLOGIN IN ROLE regress_ac_team, meshcat_steward;
CREATE ROLE regress_ac_b_steward NOLOGIN IN ROLE regress_ac_b_team, meshcat_steward;
-- an administrator: owns every domain for meshcat, but cannot GRANT on the team's tables
CREATE ROLE regress_ac_admin NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_ac_consumer NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_ac_analyst NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_ac_outsider NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE "regress_ac Odd" NOLOGIN IN ROLE meshcat_reader;
SELECT current_database() AS db \gset
GRANT CREATE ON DATABASE :"db" TO regress_ac_team;

SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: acs
owner: regress_ac_team
---
apiVersion: meshcat/v1
kind: Domain
name: acb
owner: regress_ac_b_team
$$);

SET ROLE regress_ac_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: acs.customers
name: Customers
version: 1.0.0
status: published
classification: confidential
owners: {technical: regress_ac_steward}
access:
  allow: [acb, regress_ac_consumer, regress_ac_analyst]
  sensitive: [regress_ac_analyst]
outputs:
  - name: profile
    type: table
    location: ac_sales.customers
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: name, type: text}
      - {name: email, type: text, pii: true}
      - {name: tier, type: text}
---
apiVersion: meshcat/v1
kind: DataProduct
id: acs.events
name: Events
version: 1.0.0
status: published
access:
  ports:
    feed: {approval: auto}
outputs:
  - name: feed
    type: table
    location: ac_sales.events
    schema:
      - {name: id, type: bigint}
      - {name: kind, type: text}
---
apiVersion: meshcat/v1
kind: DataProduct
id: acs.secret
name: Secret
version: 1.0.0
status: published
classification: restricted
access: {approval: auto, sensitive: [regress_ac_analyst]}
outputs:
  - name: vault
    type: table
    location: ac_sales.secret
    schema:
      - {name: id, type: bigint}
---
apiVersion: meshcat/v1
kind: DataProduct
id: acs.api
name: API
version: 1.0.0
status: published
outputs:
  - {name: api, type: api, location: "https://api.example.com/customers"}
$$);
SELECT * FROM mesh_provision('acs.customers');
SELECT * FROM mesh_provision('acs.events');
SELECT * FROM mesh_provision('acs.secret');
SET ROLE regress_ac_team;
INSERT INTO ac_sales.customers VALUES (1, 'Ada', 'ada@example.com', 'gold'), (2, 'Bob', 'bob@example.com', 'silver');
INSERT INTO ac_sales.events VALUES (1, 'signup');
RESET ROLE;
SET ROLE regress_ac_b_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: acb.report
name: Report
version: 1.0.0
status: published
owners: {technical: regress_ac_b_steward}
inputs:
  - {product: acs.customers, version: ^1}
$$);
RESET ROLE;

-- Before any approval, the consumer cannot read the table.
SET ROLE regress_ac_consumer;
SELECT id FROM ac_sales.customers ORDER BY id;
RESET ROLE;

-- Any reader asks for a role it may act as.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', 'churn dashboard', '^1') AS req1 \gset
SELECT status, approval, consumer, version_range FROM mesh_access_requests WHERE id = :req1;
-- ... not for another role, not for a role the rules do not allow, not a field that is not there
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_analyst', 'on their behalf');
RESET ROLE;
SET ROLE regress_ac_outsider;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_outsider', 'curious');
RESET ROLE;
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', 'x', columns => '{id,phone}');
-- pii only to the roles in access.sensitive
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', 'mailing', columns => '{id,email}');
-- a purpose, a date from today on, a port that exists
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', ' ');
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', 'old', until => current_date - 1);
SELECT mesh_request_access('acs.customers', 'nope', 'regress_ac_consumer', 'x');
SELECT mesh_request_access('acs.nothing', 'profile', 'regress_ac_consumer', 'x');
RESET ROLE;
-- the owner's own roles need no grant (and a revocation never takes the owner's privileges)
SET ROLE regress_ac_steward;
SELECT mesh_request_access('acs.events', 'feed', 'regress_ac_team', 'mine');
RESET ROLE;
SET ROLE regress_ac_consumer;
-- a consumer cannot approve its own request
SELECT mesh_approve(:req1);
RESET ROLE;

-- A steward of another domain may not approve; an administrator who cannot GRANT on the
-- relation gets a clear 42501, and nothing is half-granted: still pending, no ledger row.
SET ROLE regress_ac_b_steward;
SELECT mesh_approve(:req1);
RESET ROLE;
SET ROLE regress_ac_admin;
SELECT mesh_approve(:req1);
RESET ROLE;
SELECT status FROM mesh_access_requests WHERE id = :req1;
SELECT count(*) FROM mesh_access_grants WHERE request = :req1;
SELECT has_schema_privilege('regress_ac_consumer', 'ac_sales', 'USAGE') AS usage,
       has_column_privilege('regress_ac_consumer', 'ac_sales.customers', 'name', 'SELECT') AS name;

-- The domain's steward approves with its own rights: USAGE on the schema, and SELECT on every
-- column but the pii one (column by column).
SET ROLE regress_ac_steward;
SELECT mesh_approve(:req1, 'ok for the dashboard');
SELECT mesh_approve(:req1);
RESET ROLE;
SELECT status, approval, decided_by, decision_note, relation FROM mesh_access_requests WHERE id = :req1;
SELECT object_kind, schema_name, column_name, privilege, grantee, grantor, held_before
  FROM mesh_access_grants WHERE request = :req1 ORDER BY object_kind, column_name;
SELECT has_table_privilege('regress_ac_consumer', 'ac_sales.customers', 'SELECT') AS whole_table,
       has_column_privilege('regress_ac_consumer', 'ac_sales.customers', 'name', 'SELECT') AS name,
       has_column_privilege('regress_ac_consumer', 'ac_sales.customers', 'email', 'SELECT') AS email;
SET ROLE regress_ac_consumer;
SELECT id, name, tier FROM ac_sales.customers ORDER BY id;
SELECT email FROM ac_sales.customers;
RESET ROLE;

-- The analyst may have the pii column, when it asks for it; a human decides.
SET ROLE regress_ac_analyst;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_analyst', 'fraud checks', '^1', columns => '{id,email}') AS req_an \gset
SELECT status FROM mesh_access_requests WHERE id = :req_an;
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_approve(:req_an);
RESET ROLE;
SET ROLE regress_ac_analyst;
SELECT id, email FROM ac_sales.customers ORDER BY id;
SELECT name FROM ac_sales.customers;
RESET ROLE;

-- Denial, with a reason; a denied request cannot be decided again.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', 'one more') AS req_deny \gset
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_deny(:req_deny, '');
SELECT mesh_deny(:req_deny, 'you have it already');
SELECT mesh_deny(:req_deny, 'again');
SELECT mesh_revoke(:req_deny, 'not approved');
RESET ROLE;
SELECT status, decision_note FROM mesh_access_requests WHERE id = :req_deny;

-- Auto-approval: the events feed is approved when asked, granted as the relation's owner.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.events', 'feed', 'regress_ac_consumer', 'audit trail', until => current_date + 30) AS req_auto \gset
SELECT id, kind FROM ac_sales.events ORDER BY id;
RESET ROLE;
SELECT status, approval FROM mesh_access_requests WHERE id = :req_auto;
SELECT object_kind, column_name, privilege, grantor FROM mesh_access_grants WHERE request = :req_auto ORDER BY object_kind;
SELECT has_table_privilege('regress_ac_consumer', 'ac_sales.events', 'SELECT') AS events;

-- A consumer whose name needs quoting is granted and revoked all the same.
SET ROLE "regress_ac Odd";
SELECT mesh_request_access('acs.events', 'feed', '"regress_ac Odd"', 'quoting') AS req_odd \gset
SELECT count(*) FROM ac_sales.events;
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_revoke(:req_odd, 'done');
RESET ROLE;
SET ROLE "regress_ac Odd";
SELECT count(*) FROM ac_sales.events;
RESET ROLE;

-- Classification rules: restricted data only to roles in access.sensitive, and always by a
-- human, whatever approval says.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.secret', 'vault', 'regress_ac_consumer', 'peek');
RESET ROLE;
SET ROLE regress_ac_analyst;
SELECT mesh_request_access('acs.secret', 'vault', 'regress_ac_analyst', 'investigation') AS req_secret \gset
RESET ROLE;
SELECT status FROM mesh_access_requests WHERE id = :req_secret;
SELECT has_table_privilege('regress_ac_analyst', 'ac_sales.secret', 'SELECT') AS secret;

-- A global policy may require a human for more classifications: approval auto is then refused
-- on confidential products.
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: regress-ac-human-for-confidential
scope: global
enforcement: required
rule: '$.classification != "confidential" || !(exists($.access ? (@.approval == "auto")) || exists($.access.ports.* ? (@.approval == "auto")))'
message: confidential data is granted by a human
$$);
SET ROLE regress_ac_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: acs.auto_conf
name: Auto confidential
version: 1.0.0
status: published
classification: confidential
access: {ports: {t: {approval: auto}}}
outputs: [{name: t, type: table, location: ac_sales.auto_conf}]
$$);
RESET ROLE;
DELETE FROM policy WHERE name = 'regress-ac-human-for-confidential';

-- An external port: the decision is recorded, nothing is granted.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.api', 'api', 'regress_ac_consumer', 'integration') AS req_api \gset
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_approve(:req_api);
RESET ROLE;
SELECT status, relation FROM mesh_access_requests WHERE id = :req_api;
SELECT count(*) FROM mesh_access_grants WHERE request = :req_api;

-- An approval is recorded only if it can be undone: revocation runs as the grantor (here the
-- table's owner), which must be able to name the relation. A superuser's approval of a table
-- whose owner has no USAGE on its schema is refused, and nothing is granted.
CREATE SCHEMA ac_locked;
CREATE TABLE ac_locked.t (id int);
ALTER TABLE ac_locked.t OWNER TO regress_ac_team;
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: acs.locked
name: Locked
version: 1.0.0
status: published
outputs: [{name: t, type: table, location: ac_locked.t}]
$$);
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.locked', 't', 'regress_ac_consumer', 'try') AS req_locked \gset
RESET ROLE;
SELECT mesh_approve(:req_locked);
SELECT status FROM mesh_access_requests WHERE id = :req_locked;
SELECT has_table_privilege('regress_ac_consumer', 'ac_locked.t', 'SELECT') AS locked;

-- Revocation takes back only what no other active approval needs: with a second approval of
-- the id column, revoking the first keeps id (and the schema), and takes name and tier.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_consumer', 'ids only', columns => '{id}') AS req_ids \gset
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_approve(:req_ids);
SELECT mesh_revoke(:req1, '');
SELECT mesh_revoke(:req1, 'dashboard retired');
RESET ROLE;
SELECT status, end_reason FROM mesh_access_requests WHERE id = :req1;
SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS active, count(*) AS recorded FROM mesh_access_grants WHERE request = :req1;
SET ROLE regress_ac_consumer;
SELECT id FROM ac_sales.customers ORDER BY id;
SELECT name FROM ac_sales.customers;
RESET ROLE;
-- ... and revoking the second takes the rest: the SELECT fails.
SET ROLE regress_ac_steward;
SELECT mesh_revoke(:req_ids, 'no longer needed');
RESET ROLE;
SET ROLE regress_ac_consumer;
SELECT id FROM ac_sales.customers;
RESET ROLE;
SELECT has_schema_privilege('regress_ac_consumer', 'ac_sales', 'USAGE') AS usage,
       has_column_privilege('regress_ac_consumer', 'ac_sales.customers', 'id', 'SELECT') AS id;
-- The events feed keeps its grants: the schema is still needed there.
SELECT has_table_privilege('regress_ac_consumer', 'ac_sales.events', 'SELECT') AS events;

-- Expiry: an approval whose until date has passed (as if time went by) is revoked by
-- mesh_expire_access(), for administrators (and pg_cron), as the relation's owner.
UPDATE meshcat_internal.access_request SET until = current_date - 1 WHERE id = :req_auto;
SET ROLE regress_ac_steward;
SELECT mesh_expire_access();
RESET ROLE;
SET ROLE regress_ac_admin;
SELECT mesh_expire_access();
SELECT mesh_expire_access();
RESET ROLE;
SELECT status, end_reason LIKE 'its end date % has passed' AS reason FROM mesh_access_requests WHERE id = :req_auto;
SET ROLE regress_ac_consumer;
SELECT id FROM ac_sales.events;
RESET ROLE;

-- Subscriptions: a consuming product's inputs and approved requests.
SELECT product_id, kind, consumer, consumer_product, port, columns, version_range, purpose, privileges
  FROM mesh_subscriptions WHERE product_id LIKE 'acs.%' ORDER BY product_id, kind, consumer;
-- mesh_impact lists the subscribers with whom to tell (appended columns).
SELECT id, depth, origin, subscriber, port, purpose, contacts FROM mesh_impact('acs.customers');

-- A new major version tells the subscribers of the old major which of their fields it breaks.
SET ROLE regress_ac_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: acs.customers
name: Customers
version: 2.0.0
status: published
classification: confidential
access:
  allow: [acb, regress_ac_consumer, regress_ac_analyst]
  sensitive: [regress_ac_analyst]
outputs:
  - name: profile
    type: table
    location: ac_sales.customers2
    schema:
      - {name: id, type: bigint, primary_key: true}
      - {name: name, type: text}
      - {name: email, type: jsonb, pii: true}
$$);
RESET ROLE;
SELECT payload->>'subscription' AS subscription, payload->>'consumer' AS consumer, payload->>'consumer_product' AS consumer_product,
       payload->'fields' AS fields
  FROM mesh_events WHERE kind = 'subscription_breaking' ORDER BY id;

-- Deprecation is announced to every subscriber; retirement is refused while one still needs
-- the version, unless an administrator forces it.
SET ROLE regress_ac_steward;
SELECT mesh_deprecate('acs.customers', '1.0.0', current_date + 30, 'use 2.0.0');
RESET ROLE;
SELECT payload->>'subscription' AS subscription, payload->>'consumer' AS consumer, payload->>'consumer_product' AS consumer_product
  FROM mesh_events WHERE kind = 'subscriber_notified' ORDER BY id;
SET ROLE regress_ac_b_steward;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: acb.report
name: Report
version: 1.1.0
status: published
inputs:
  - {product: acs.customers, version: ^2}
$$);
SELECT mesh_deprecate('acb.report', '1.0.0', current_date + 1, 'moved to 2.x');
SELECT mesh_retire('acb.report', '1.0.0');
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_retire('acs.customers', '1.0.0');
SELECT mesh_retire('acs.customers', '1.0.0', force => true);
RESET ROLE;
SET ROLE regress_ac_admin;
SELECT mesh_retire('acs.customers', '1.0.0', force => true);
RESET ROLE;
-- An approval for a retired version is refused (the range ^1 accepts nothing published).
SET ROLE regress_ac_analyst;
SELECT mesh_request_access('acs.customers', 'profile', 'regress_ac_analyst', 'late', '^1');
RESET ROLE;

-- Without force: the events feed's approval (kind access) holds its version.
SET ROLE regress_ac_consumer;
SELECT mesh_request_access('acs.events', 'feed', 'regress_ac_consumer', 'again') AS req_auto2 \gset
RESET ROLE;
SET ROLE regress_ac_steward;
SELECT mesh_deprecate('acs.events', '1.0.0', current_date + 1, 'gone soon');
SELECT mesh_retire('acs.events', '1.0.0');
SELECT mesh_revoke(:req_auto2, 'feed retired');
SELECT mesh_retire('acs.events', '1.0.0');
RESET ROLE;

-- Privilege drift on every bound relation: a hand-made GRANT nobody approved, and an approved
-- privilege revoked by hand.
SELECT * FROM mesh_access_drift();
SET ROLE regress_ac_team;
GRANT SELECT ON ac_sales.secret TO regress_ac_outsider;
REVOKE SELECT (email) ON ac_sales.customers FROM regress_ac_analyst;
RESET ROLE;
SELECT relation, column_name, grantee, privilege, kind, request = :req_an AS analyst_request, product_id, port
  FROM mesh_access_drift();

-- The C helper that revokes as the grantor runs exactly one GRANT or REVOKE of privileges.
SELECT acl_as_role('regress_ac_team'::regrole, 'GRANT SELECT ON ac_sales.events TO regress_ac_outsider; SELECT 1');
SELECT acl_as_role('regress_ac_team'::regrole, 'GRANT regress_ac_team TO regress_ac_outsider');
SELECT acl_as_role(NULL, 'REVOKE SELECT ON ac_sales.events FROM regress_ac_outsider');

-- Every step is an event and is audited.
SELECT kind, count(*) FROM mesh_events WHERE kind LIKE 'access\_%' GROUP BY kind ORDER BY kind;
SELECT table_name, operation, count(*) FROM mesh_audit WHERE table_name IN ('access_request', 'access_grant')
 GROUP BY table_name, operation ORDER BY table_name, operation;

SET client_min_messages = warning;
-- (the extension first: its DDL guard would refuse dropping the contracted tables)
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA ac_sales, ac_locked CASCADE;
REVOKE CREATE ON DATABASE :"db" FROM regress_ac_team;
DROP OWNED BY "regress_ac Odd", regress_ac_team, regress_ac_b_team, regress_ac_steward, regress_ac_b_steward, regress_ac_admin,
              regress_ac_consumer, regress_ac_analyst, regress_ac_outsider, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE "regress_ac Odd", regress_ac_steward, regress_ac_b_steward, regress_ac_admin, regress_ac_consumer, regress_ac_analyst,
          regress_ac_outsider, regress_ac_team, regress_ac_b_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
