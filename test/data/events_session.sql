-- Run by sql/governance_events.sql in a session of its own that LISTENs on meshcat: every
-- event of the catalog arrives as NOTIFY meshcat, '{"id", "event", "product", "version"}' when
-- the transaction commits; the rest of it is in mesh_events.
\set SHOW_CONTEXT never
\set VERBOSITY terse
SET client_min_messages = error;
SET search_path = meshcat, public;
LISTEN meshcat;
\echo == a policy arrives: existing products that fail it are new violations
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: retention, scope: global, enforcement: required, rule: "exists($.retention)", message: declare retention}');
\echo == a draft that fails a policy: a new violation
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0}');
\echo == the same failure again: nothing new
SELECT count(*) FROM mesh_check('sales.refunds');
\echo == a refused publication: nothing is sent (the transaction rolls back)
SELECT mesh_publish('sales.refunds', '1.0.0');
\echo == publish, deprecate (with its consumers), retire
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0, status: published, retention: 1 year}');
SELECT mesh_deprecate('sales.orders', '1.0.0', '2999-12-31', 'use 2.0.0');
SELECT mesh_deprecate('customer.c360', '1.0.0', '2999-12-31', 'moving on');
SELECT mesh_retire('customer.c360', '1.0.0');
\echo == events inside a transaction arrive at commit, in order
BEGIN;
SELECT action FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.1.0, status: published, retention: 1 year}');
SELECT mesh_deprecate('sales.refunds', '1.0.0', '2999-12-31', 'use 1.1.0');
\echo (before commit)
COMMIT;
