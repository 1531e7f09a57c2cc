-- The one write path: a version's descriptor is the truth; owners, tags, ports, fields and
-- lineage are derived from it (50_derivation), read-only for every role, reproducible by
-- mesh_rebuild(); a plain INSERT or UPDATE of product_version is held to every rule.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_der_sales NOLOGIN;
CREATE ROLE regress_der_hr NOLOGIN;
CREATE ROLE regress_der_steward NOLOGIN IN ROLE regress_der_sales, meshcat_steward;
CREATE ROLE regress_der_other NOLOGIN IN ROLE regress_der_hr, meshcat_steward;
CREATE ROLE regress_der_reader NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_der_admin NOLOGIN IN ROLE meshcat_admin;

SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_der_sales
---
apiVersion: meshcat/v1
kind: Domain
name: hr
owner: regress_der_hr
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
tags: [orders, finance]
owners: {technical: [alice, bob], business: carol}
inputs: [{source: shop.db}]
outputs:
  - {name: orders, type: table, location: sales.orders,
     schema: [{name: order_id, type: bigint, required: true, unique: true},
              {name: email, type: text, pii: true, classification: restricted},
              {name: amount, type: numeric}]}
  - {name: feed, type: stream}
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 0.1.0
tags: [report]
inputs: [{product: sales.orders, version: ^1}]
outputs:
  - {name: daily, type: view, schema: [{name: total, type: numeric, derived_from: [sales.orders.orders.amount]}]}
$$);

-- Observed lineage is derived too, from stored OpenLineage events (sql/openlineage.sql).
SELECT action, edges, field_edges FROM mesh_ingest_openlineage('{"eventTime": "2026-01-01T00:00:00Z", "producer": "p", "schemaURL": "s",
  "eventType": "COMPLETE", "run": {"runId": "00000000-0000-4000-8000-000000000001"}, "job": {"namespace": "etl", "name": "load"},
  "inputs": [{"namespace": "shop", "name": "db"}],
  "outputs": [{"namespace": "lake", "name": "orders", "facets": {"columnLineage": {"_producer": "p", "_schemaURL": "s",
    "fields": {"amount": {"inputFields": [{"namespace": "shop", "name": "db", "field": "total"}]}}}}}]}');

-- What registration derived, by natural keys (test/t/lib/derived_rows.sql).
\set ECHO none
\i test/t/lib/derived_rows.sql
\set ECHO all
SELECT table_name, line FROM pg_temp.derived_rows ORDER BY 1, 2;
CREATE TEMP TABLE registered AS SELECT * FROM pg_temp.derived_rows;

-- 1. Derived rows are read-only for every role: no privilege for any role but their owner
--    (PostgreSQL's own 42501), and the trigger refuses a superuser outside the derivation.
CREATE FUNCTION pg_temp.attempt(who text, stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
    msg text;
BEGIN
    BEGIN
        IF who IS NOT NULL THEN
            EXECUTE format('SET LOCAL ROLE %I', who);
        END IF;
        EXECUTE stmt;
        RAISE EXCEPTION 'went through';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RETURN CASE WHEN msg = 'went through' THEN 'ok'
                    WHEN msg LIKE 'permission denied for table %' THEN state || ' (privilege)'
                    WHEN msg LIKE '% is derived from % and cannot be written' THEN state || ' (derived)'
                    ELSE state || ' ' || msg END;
    END;
END
$$;
SELECT id AS v100 FROM product_version WHERE product_id = 'sales.orders' \gset
SELECT id AS draft FROM product_version WHERE product_id = 'sales.report' \gset
SELECT id AS port FROM output_port WHERE version_id = :draft \gset
CREATE TEMP TABLE derived_write (what text, stmt text);
INSERT INTO derived_write
SELECT t || ' ' || op,
       CASE op WHEN 'INSERT' THEN format('INSERT INTO meshcat_internal.%I SELECT * FROM meshcat_internal.%I LIMIT 1', t, t)
               WHEN 'UPDATE' THEN format('UPDATE meshcat_internal.%I SET %I = %I', t, c, c)
               WHEN 'DELETE' THEN format('DELETE FROM meshcat_internal.%I', t)
               ELSE format('TRUNCATE meshcat_internal.%I CASCADE', t) END
  FROM (VALUES ('owner', 'principal'), ('tag', 'tag'), ('input_port', 'description'), ('output_port', 'description'),
               ('field', 'description'), ('lineage_edge', 'upstream'), ('lineage_field_edge', 'upstream'),
               ('lineage_observed_edge', 'upstream'), ('lineage_observed_field_edge', 'upstream')) AS x(t, c),
       unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS op;
SELECT w.what,
       pg_temp.attempt('regress_der_reader', w.stmt) AS reader,
       pg_temp.attempt('regress_der_steward', w.stmt) AS owner,
       pg_temp.attempt('regress_der_admin', w.stmt) AS admin,
       pg_temp.attempt(NULL, w.stmt) AS superuser
  FROM derived_write AS w ORDER BY w.what;
-- The superuser's refusal, whole:
UPDATE field SET pii = false WHERE name = 'email';
\echo :SQLSTATE
-- Nothing changed.
SELECT count(*) AS changed FROM (SELECT * FROM pg_temp.derived_rows EXCEPT SELECT * FROM registered) AS d;

-- 2. The derived rows equal a fresh derivation from the descriptors, value for value; and a
--    rebuild repairs rows changed behind the triggers' back.
SELECT * FROM mesh_rebuild();
SELECT count(*) AS only_registered FROM (SELECT * FROM registered EXCEPT SELECT * FROM pg_temp.derived_rows) AS d;
SELECT count(*) AS only_rebuilt FROM (SELECT * FROM pg_temp.derived_rows EXCEPT SELECT * FROM registered) AS d;
SET session_replication_role = replica;
DELETE FROM tag WHERE tag = 'finance';
UPDATE field SET pii = false WHERE name = 'email';
RESET session_replication_role;
SELECT count(*) AS tampered FROM (SELECT * FROM registered EXCEPT SELECT * FROM pg_temp.derived_rows) AS d;
SELECT versions FROM mesh_rebuild();
SELECT count(*) AS after_rebuild
  FROM ((SELECT * FROM registered EXCEPT ALL SELECT * FROM pg_temp.derived_rows)
        UNION ALL (SELECT * FROM pg_temp.derived_rows EXCEPT ALL SELECT * FROM registered)) AS d;
-- Only administrators rebuild.
SET ROLE regress_der_steward;
SELECT * FROM mesh_rebuild();
\echo :SQLSTATE
RESET ROLE;

-- 3. A plain INSERT or UPDATE of product_version, by an application, is held to every rule
--    mesh_register applies, and derives the same rows.
SET ROLE regress_der_steward;
-- the descriptor must be valid,
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('sales.report', '0.2.0', 'Report', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.report", "name": "Report", "version": "0.2.0", "outputs": [{"name": "d", "type": "tablet"}]}');
\echo :SQLSTATE
-- of this product and version,
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('sales.report', '0.2.0', 'Report', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.report", "name": "Report", "version": "0.3.0"}');
\echo :SQLSTATE
-- consume products that exist,
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('sales.report', '0.2.0', 'Report', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.report", "name": "Report", "version": "0.2.0", "inputs": [{"product": "sales.nothing"}]}');
\echo :SQLSTATE
-- derive columns from fields that exist in what it consumes (checked at commit),
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('sales.report', '0.2.0', 'Report', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.report", "name": "Report", "version": "0.2.0", "inputs": [{"product": "sales.orders"}], "outputs": [{"name": "d", "type": "view", "schema": [{"name": "t", "type": "numeric", "derived_from": ["sales.orders.orders.amonut"]}]}]}');
\echo :SQLSTATE
-- and close no lineage cycle (sales.report consumes sales.orders).
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('sales.orders', '2.0.0', 'Orders', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.orders", "name": "Orders", "version": "2.0.0", "inputs": [{"product": "sales.report"}]}');
\echo :SQLSTATE
RESET ROLE;
-- Another domain's steward writes nothing of sales.
SET ROLE regress_der_other;
UPDATE product_version SET descriptor = descriptor || '{"tags": ["mine"]}' WHERE id = :draft;
\echo :SQLSTATE
RESET ROLE;
-- A valid plain UPDATE of a draft derives its rows, as registration would.
SET ROLE regress_der_steward;
UPDATE product_version SET descriptor = descriptor || '{"tags": ["report", "daily"]}' WHERE id = :draft;
RESET ROLE;
SELECT tags FROM mesh_versions WHERE product_id = 'sales.report';

-- 4. A published version cannot change its contract through any table: not its descriptor,
--    not its contract columns, not its derived rows (section 1). Its metadata may change, and
--    its derived owner and tag rows follow.
SET ROLE regress_der_steward;
UPDATE product_version SET descriptor = jsonb_set(descriptor, '{outputs,0,schema,1,pii}', 'false') WHERE id = :v100;
\echo :SQLSTATE
UPDATE product_version SET classification = 'public' WHERE id = :v100;
\echo :SQLSTATE
UPDATE product_version SET descriptor = jsonb_set(descriptor, '{owners,technical}', '["alice"]') WHERE id = :v100;
RESET ROLE;
SELECT kind, principal FROM owner WHERE version_id = :v100 ORDER BY 1, 2;
SELECT table_name, operation FROM mesh_audit WHERE txid = (SELECT max(txid) FROM mesh_audit) ORDER BY id;

-- 5. Federation: the derivation fires whatever the replication role, so a hub that receives
--    versions by logical replication (the apply worker runs as a replica) derives the rest;
--    the rules are the publishing domain's and do not run again there.
SELECT tgname, tgenabled FROM pg_trigger
 WHERE tgrelid = 'meshcat.product_version'::regclass AND NOT tgisinternal ORDER BY tgname;
SET session_replication_role = replica;
INSERT INTO product_version (product_id, version, name, status, descriptor, created_at)
VALUES ('sales.orders', '1.1.0', 'Orders', 'published',
        '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.orders", "name": "Orders", "version": "1.1.0", "tags": ["replicated"], "outputs": [{"name": "orders", "type": "table", "schema": [{"name": "order_id", "type": "bigint"}]}]}',
        now() - interval '1 hour');
RESET session_replication_role;
SELECT tags, (SELECT count(*) FROM mesh_fields AS f WHERE f.product_id = v.product_id AND f.version = v.version) AS fields
  FROM mesh_versions AS v WHERE product_id = 'sales.orders' AND version_text = '1.1.0';

-- 6. What an independent attack review found, held.
-- A version's surrogate id is the server's: one chosen beyond the sequence would squat the ids
-- other domains' registrations are about to get.
SET ROLE regress_der_steward;
INSERT INTO product_version (id, product_id, version, name, descriptor)
VALUES (999999, 'sales.report', '0.3.0', 'Report', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.report", "name": "Report", "version": "0.3.0"}');
RESET ROLE;
SELECT id < 999999 AS id_is_the_servers FROM product_version WHERE product_id = 'sales.report' AND version = '0.3.0';
-- Nor one the sequence has already handed out (a concurrent writer's, a withdrawn draft's).
SELECT pg_sequence_last_value('meshcat.product_version_id_seq') AS taken \gset
SET ROLE regress_der_steward;
INSERT INTO product_version (id, product_id, version, name, descriptor)
VALUES (:taken, 'sales.report', '0.4.0', 'Report', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.report", "name": "Report", "version": "0.4.0"}');
-- A NULL name is refused by its column, not turned into a NULL descriptor (terse: the failing
-- row holds timestamps).
\set VERBOSITY terse
UPDATE product_version SET name = NULL WHERE product_id = 'sales.report' AND version = '0.4.0';
\echo :SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT id <> :taken AS id_is_new FROM product_version WHERE product_id = 'sales.report' AND version = '0.4.0';
-- TRUNCATE would pass over every rule (row triggers do not fire): refused, a superuser's too.
TRUNCATE product_version CASCADE;
\echo :SQLSTATE
-- Another product's draft is not its contract. hr.people 1.0.0 is published with a field
-- sales.badge (published) derives from; a draft 1.9.0 without it does not block a metadata
-- fix of sales.badge...
SELECT kind, id, version, action FROM mesh_register($$
{apiVersion: meshcat/v1, kind: DataProduct, id: hr.people, name: People, version: 1.0.0, status: published,
 outputs: [{name: people, type: table, schema: [{name: person_id, type: bigint}]}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: sales.badge, name: Badge, version: 1.0.0, status: published,
 inputs: [{product: hr.people, version: ^1}],
 outputs: [{name: badge, type: table, schema: [{name: holder, type: bigint, derived_from: [hr.people.people.person_id]}]}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: hr.people, name: People, version: 1.9.0,
 outputs: [{name: people, type: table, schema: [{name: badge_id, type: bigint}]}]}
$$);
SELECT kind, id, version, action FROM mesh_register($$
{apiVersion: meshcat/v1, kind: DataProduct, id: sales.badge, name: Badge, version: 1.0.0, status: published,
 tags: [security], inputs: [{product: hr.people, version: ^1}],
 outputs: [{name: badge, type: table, schema: [{name: holder, type: bigint, derived_from: [hr.people.people.person_id]}]}]}
$$);
-- (nor a plain UPDATE of it, judged at commit)
UPDATE product_version SET descriptor = jsonb_set(descriptor, '{tags}', '["security", "badges"]')
 WHERE product_id = 'sales.badge';
SELECT tags FROM mesh_versions WHERE product_id = 'sales.badge';
-- ... and a version can only be published over released versions of what it consumes.
SELECT kind, id, version, action FROM mesh_register($$
{apiVersion: meshcat/v1, kind: DataProduct, id: sales.gate, name: Gate, version: 1.0.0, status: published,
 inputs: [{product: hr.people, version: ^1.9}],
 outputs: [{name: gate, type: view, schema: [{name: badge, type: bigint, derived_from: [hr.people.people.badge_id]}]}]}
$$);
\echo :SQLSTATE

-- Whatever path wrote them, the derived rows are what a fresh derivation gives.
CREATE TEMP TABLE written AS SELECT * FROM pg_temp.derived_rows;
SELECT versions FROM mesh_rebuild();
SELECT count(*) AS differs_from_rebuild
  FROM ((SELECT * FROM written EXCEPT ALL SELECT * FROM pg_temp.derived_rows)
        UNION ALL (SELECT * FROM pg_temp.derived_rows EXCEPT ALL SELECT * FROM written)) AS d;

-- A setting of meshcat's that a session does not know yet (before the library loads) cannot be
-- planted by a non-superuser: meshcat reads the value the library holds, and loading it
-- discards the placeholder.
GRANT USAGE ON SCHEMA meshcat TO regress_der_reader;
GRANT INSERT ON meshcat_internal.owner TO regress_der_reader;
\c
SET search_path = meshcat, meshcat_internal, public;
SET ROLE regress_der_reader;
SET meshcat.deriving = on;
INSERT INTO meshcat_internal.owner (version_id, kind, principal) VALUES (1, 'technical', 'mallory');
\echo :SQLSTATE
RESET ROLE;
REVOKE ALL ON meshcat_internal.owner FROM regress_der_reader;
REVOKE USAGE ON SCHEMA meshcat FROM regress_der_reader;
SELECT count(*) AS planted FROM owner WHERE principal = 'mallory';
\c
SET search_path = meshcat, meshcat_internal, public;
SET ROLE regress_der_admin;
SET meshcat.event_retention = '0 seconds';
SELECT mesh_prune_events() AS pruned_with_a_planted_retention;
RESET ROLE;
SELECT count(*) > 0 AS events_kept FROM mesh_events;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_der_steward, regress_der_other, regress_der_reader, regress_der_admin,
          regress_der_sales, regress_der_hr, meshcat_admin, meshcat_steward, meshcat_reader;
