-- Security of events: NOTIFY meshcat is open to every role that can connect, so it carries only
-- what any reader may see ({"id", "event", "product", "version"}) and never more than a few
-- hundred bytes; the full event is a row of meshcat_internal.event that readers SELECT (mesh_events).
-- Events older than meshcat.event_retention are pruned by mesh_prune_events(), admins only.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT * FROM mesh_setup_roles();
CREATE ROLE regress_ev_admin NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_ev_owner NOLOGIN;
CREATE ROLE regress_ev_steward NOLOGIN IN ROLE regress_ev_owner, meshcat_steward;
CREATE ROLE regress_ev_reader NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_ev_nobody NOLOGIN;

-- A product with 300 consumers, whose ids alone are over 12 kB.
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: src
owner: regress_ev_owner
---
apiVersion: meshcat/v1
kind: Domain
name: consumers_of_the_orders_feed
owner: regress_ev_owner
---
apiVersion: meshcat/v1
kind: DataProduct
id: src.orders
name: Orders
version: 1.0.0
status: published
$$);
SELECT count(*) FROM mesh_register((
    SELECT string_agg(format(E'apiVersion: meshcat/v1\nkind: DataProduct\nid: consumers_of_the_orders_feed.consumer_number_%s\nname: C%s\nversion: 1.0.0\nstatus: published\ninputs: [{product: src.orders}]', i, i),
                      E'\n---\n' ORDER BY i)
      FROM generate_series(1, 300) AS i));

-- Deprecating it works (a payload naming every consumer would pass NOTIFY's 8000 bytes) ...
\setenv PGDATABASE :DBNAME
\! psql -X -q -A -t -c "SET search_path = meshcat" -c "LISTEN meshcat" -c "SET ROLE regress_ev_steward" -c "SELECT mesh_deprecate('src.orders', '1.0.0', '2999-12-31', 'use the new feed')" 2>&1 | sed -e 's/server process with PID [0-9]*/server process/' -e 's/"id": [0-9]*/"id": N/' | sort | uniq -c | sed -e 's/^ *//'
-- ... and the event row holds them all (each consumer is told by an event of its own too).
SELECT kind, product_id, version_text, jsonb_array_length(payload -> 'consumers') AS consumers,
       payload ->> 'reason' AS reason, acting_role, txid IS NOT NULL AS has_txid,
       length(payload::text) > 8000 AS payload_over_8000_bytes
  FROM mesh_events WHERE kind = 'deprecated';
-- The announcement is bounded by the sizes of an id and a version, whatever the event.
SELECT max(length(jsonb_build_object('event', kind, 'product', product_id, 'version', version_text, 'id', id)::text)) < 200 AS notify_small
  FROM mesh_events;

-- Readers read events; a role that can only connect does not; nobody writes them.
SET ROLE regress_ev_reader;
SELECT kind, count(*) FROM mesh_events GROUP BY kind ORDER BY kind;
SELECT count(*) FROM meshcat_internal.event;
INSERT INTO meshcat_internal.event (kind) VALUES ('forged');
\echo :SQLSTATE
RESET ROLE;
GRANT USAGE ON SCHEMA meshcat TO regress_ev_nobody;
SET ROLE regress_ev_nobody;
SELECT count(*) FROM mesh_events;
\echo :SQLSTATE
SET ROLE regress_ev_steward;
UPDATE meshcat_internal.event SET payload = '{}';
\echo :SQLSTATE
SELECT emit_event('forged', 'src.orders', '1.0.0', '{}');
\echo :SQLSTATE
RESET ROLE;
REVOKE USAGE ON SCHEMA meshcat FROM regress_ev_nobody;
SELECT c.relname, has_table_privilege('regress_ev_reader', c.oid, 'SELECT') AS reader_select,
       has_table_privilege('regress_ev_steward', c.oid, 'INSERT, UPDATE, DELETE') AS steward_writes
  FROM pg_class c WHERE c.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace) AND c.relname IN ('event', 'mesh_events') ORDER BY 1;
-- the table and its sequence are dumped with the catalog
SELECT 'meshcat_internal.event'::regclass = ANY (extconfig) AS table_dumped,
       'meshcat_internal.event_id_seq'::regclass = ANY (extconfig) AS sequence_dumped
  FROM pg_extension WHERE extname = 'meshcat';

-- Retention: a superuser's setting (default 90 days); mesh_prune_events() for administrators.
SHOW meshcat.event_retention;
SELECT count(*) AS audit_rows FROM meshcat_internal.audit \gset
UPDATE meshcat_internal.event SET at = now() - interval '100 days' WHERE id <= 2;
UPDATE meshcat_internal.event SET at = now() - interval '10 days' WHERE id = 3;
SET ROLE regress_ev_steward;
SELECT mesh_prune_events();
\echo :SQLSTATE
SET ROLE regress_ev_admin;
SET meshcat.event_retention = '1 second';
\echo :SQLSTATE
SELECT mesh_prune_events() AS pruned;
SELECT min(id) AS oldest_left FROM meshcat_internal.event;
RESET ROLE;
SET meshcat.event_retention = '5 days';
SET ROLE regress_ev_admin;
SELECT mesh_prune_events() AS pruned;
SELECT min(id) AS oldest_left FROM meshcat_internal.event;
RESET ROLE;
SET meshcat.event_retention = 'a while';
SELECT mesh_prune_events();
SET meshcat.event_retention = '-1 day';
SELECT mesh_prune_events();
RESET meshcat.event_retention;
-- the audit trail is kept: pruning events deletes no audit row
SELECT count(*) = :audit_rows AS audit_kept, :audit_rows > 300 AS audit_has_rows FROM meshcat_internal.audit;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_ev_admin, regress_ev_steward, regress_ev_reader, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_ev_admin, regress_ev_steward, regress_ev_reader, regress_ev_nobody, regress_ev_owner;
DROP ROLE meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
