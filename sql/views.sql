-- The catalog views: their columns are a contract, and they show the example mesh.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;

-- The contract: every view, its columns and their types, in order.
SELECT c.relname AS view, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS columns
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE c.relnamespace = 'meshcat'::regnamespace AND c.relkind = 'v' AND c.relname LIKE 'mesh\_%'
 GROUP BY c.relname ORDER BY c.relname;
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.relnamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace) AND c.relkind = 'v' ORDER BY c.relname;

-- The example mesh that `make demo` registers, its owner roles renamed regress_*.
CREATE ROLE regress_commerce_council NOLOGIN;
CREATE ROLE regress_sales_team NOLOGIN;
CREATE ROLE regress_customer_team NOLOGIN;
CREATE ROLE regress_marketing_team NOLOGIN;
CREATE ROLE regress_finance_team NOLOGIN;
CREATE ROLE regress_logistics_team NOLOGIN;
\set mesh `for f in test/data/example_mesh/*.yaml; do echo ---; sed 's/^owner: /owner: regress_/' "$f"; done`
SELECT kind, action, count(*) FROM mesh_register(:'mesh') GROUP BY kind, action ORDER BY kind, action;
SELECT name, parent, owner_role, products FROM mesh_domains ORDER BY name;
SELECT id, name, domain, current_version, status, classification, owners, tags, retention, versions
  FROM mesh_products ORDER BY id;
SELECT product_id, version, status, is_current, domain, published_at IS NOT NULL AS has_published_at
  FROM mesh_versions ORDER BY product_id, version;
SELECT product_id, version, direction, position, name, kind, input_product, version_range, source, location
  FROM mesh_ports WHERE product_id LIKE 'customer.%' OR product_id LIKE 'sales.orders' ORDER BY 1, 2, 3, 4;
SELECT product_id, version, port, position, name, type, required, "unique", primary_key, pii, classification, derived_from
  FROM mesh_fields WHERE product_id = 'customer.customer_360' ORDER BY port, position;

-- The current version: published first, then deprecated, then draft, highest first; retired
-- last. Lifecycle moves go through mesh_deprecate and mesh_retire (sql/lifecycle.sql).
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refunds
name: Refunds
version: 1.0.0
status: published
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refunds
name: Refunds
version: 1.1.0
status: published
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.refunds
name: Refunds
version: 2.0.0-rc.1
status: draft
$$);
SELECT current_version, status FROM mesh_products WHERE id = 'sales.refunds';
SELECT mesh_deprecate('sales.refunds', '1.1.0', current_date + 30, 'superseded by 2.0.0');
SELECT current_version, status FROM mesh_products WHERE id = 'sales.refunds';
SELECT mesh_deprecate('sales.refunds', '1.0.0', current_date + 30, 'superseded by 2.0.0');
SELECT current_version, status FROM mesh_products WHERE id = 'sales.refunds';
SELECT mesh_retire('sales.refunds', '1.0.0'), mesh_retire('sales.refunds', '1.1.0');
SELECT current_version, status FROM mesh_products WHERE id = 'sales.refunds';
DELETE FROM meshcat.product_version WHERE product_id = 'sales.refunds' AND status = 'draft';
SELECT current_version, status FROM mesh_products WHERE id = 'sales.refunds';

-- An output that names a table here resolves to it.
CREATE TABLE public.c360_profile (customer_id bigint);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: customer.c360_lite
name: Customer 360 lite
version: 0.1.0
outputs:
  - {name: profile, type: table, location: public.c360_profile}
  - {name: missing, type: table, location: public.nowhere}
  - {name: odd, type: view, location: "a.b.c.d"}
  - {name: feed, type: stream, location: public.c360_profile}
$$);
SELECT name, location, relation FROM mesh_ports WHERE product_id = 'customer.c360_lite' ORDER BY position;
DROP TABLE public.c360_profile;

-- The lineage picture draws subdomains inside their parent domain's cluster (commerce holds
-- customer, marketing and sales).
SELECT l AS cluster_lines FROM regexp_split_to_table(mesh_lineage_dot(NULL), E'\n') WITH ORDINALITY AS t(l, n)
 WHERE l ~ '^ *(subgraph|\})' ORDER BY n;

-- Applications read the views with their own search_path, where meshcat's semver operators
-- do not resolve (DECISIONS.md section 6): they filter on version_text and sort on
-- version_rank (1 = oldest by SemVer precedence, not text order: 1.10.0 after 1.9.0, a
-- pre-release before its release).
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.ranked
name: Ranked
version: 1.10.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.ranked
name: Ranked
version: 1.9.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.ranked
name: Ranked
version: 1.0.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.ranked
name: Ranked
version: 1.0.0-rc.1
$$) ORDER BY version;
CREATE ROLE regress_app NOLOGIN;
GRANT USAGE ON SCHEMA meshcat TO regress_app;
GRANT SELECT ON ALL TABLES IN SCHEMA meshcat TO regress_app;
-- the internals, as mesh_setup_roles() grants them to meshcat_reader
GRANT USAGE ON SCHEMA meshcat_internal TO regress_app;
GRANT SELECT ON ALL TABLES IN SCHEMA meshcat_internal TO regress_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA meshcat_internal TO regress_app;
SET ROLE regress_app;
SET search_path = public;
SELECT product_id, version FROM meshcat.mesh_versions WHERE version = '1.0.0';
SELECT product_id, version_text, version_rank FROM meshcat.mesh_versions
 WHERE product_id = 'sales.ranked' AND version_text = '1.0.0';
SELECT version_text, version_rank FROM meshcat.mesh_versions
 WHERE product_id = 'sales.ranked' ORDER BY version_rank DESC LIMIT 1;
SELECT version_text, version_rank FROM meshcat.mesh_versions
 WHERE product_id = 'sales.ranked' ORDER BY version_rank;
SELECT id, current_version_text, current_version_rank FROM meshcat.mesh_products WHERE id = 'sales.ranked';
SELECT DISTINCT version_text, version_rank FROM meshcat.mesh_ports
 WHERE product_id = 'customer.customer_360' ORDER BY version_rank;
SELECT DISTINCT version_text, version_rank FROM meshcat.mesh_fields
 WHERE product_id = 'customer.customer_360' ORDER BY version_rank;
SELECT upstream, downstream, consumer_versions_text, resolved_versions_text FROM meshcat.mesh_lineage
 WHERE kind = 'product' ORDER BY upstream, downstream LIMIT 3;
RESET search_path;
RESET ROLE;
SET search_path = meshcat, meshcat_internal, public;
-- The rank is SemVer precedence: it agrees with the type's own order on every version here.
SELECT count(*) AS disagreements FROM mesh_versions AS a JOIN mesh_versions AS b USING (product_id)
 WHERE (a.version < b.version) <> (a.version_rank < b.version_rank);

-- Views run with the reader's privileges (security_invoker).
CREATE ROLE regress_nobody NOLOGIN;
GRANT USAGE ON SCHEMA meshcat TO regress_nobody;
GRANT SELECT ON meshcat.mesh_products TO regress_nobody;
SET ROLE regress_nobody;
SELECT count(*) FROM mesh_products;
\echo :SQLSTATE
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_nobody;
DROP OWNED BY regress_app;
DROP ROLE regress_commerce_council, regress_sales_team, regress_customer_team, regress_marketing_team,
    regress_finance_team, regress_logistics_team, regress_nobody, regress_app;
CREATE EXTENSION meshcat;
