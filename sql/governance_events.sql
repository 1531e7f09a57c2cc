-- Events: a row of meshcat_internal.event (read through mesh_events) on publish, deprecate, retire and
-- new violations, announced by NOTIFY meshcat, '{"id", "event", "product", "version"}'. A
-- second session LISTENs (test/data/events_session.sql); its server process ids are masked.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_ev_team NOLOGIN;
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_ev_team
---
apiVersion: meshcat/v1
kind: Domain
name: customer
owner: regress_ev_team
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
---
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360
name: Customer 360
version: 1.0.0
status: published
retention: 2 years
inputs: [{product: sales.orders, version: ^1.0}]
$$);
\setenv PGDATABASE :DBNAME
\! psql -X -q -A -t -f test/data/events_session.sql 2>&1 | sed -e 's/server process with PID [0-9]*/server process/'
-- the full events, as readers see them
SELECT id, kind, product_id, version_text, payload, acting_role = current_user AS by_me
  FROM mesh_events ORDER BY id;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_ev_team;
CREATE EXTENSION meshcat;
