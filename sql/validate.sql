-- References checked like inputs (derived_from), mesh_withdraw, and mesh_validate: every
-- problem of a stream, as the caller, without writing anything.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE regress_val_sales NOLOGIN;
CREATE ROLE regress_val_hr NOLOGIN;
CREATE ROLE regress_val_steward NOLOGIN IN ROLE regress_val_sales, meshcat_steward;
CREATE ROLE regress_val_reader NOLOGIN IN ROLE meshcat_reader;

SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_val_sales
---
apiVersion: meshcat/v1
kind: Domain
name: hr
owner: regress_val_hr
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
outputs: [{name: orders, type: table, schema: [{name: order_id, type: bigint}, {name: amount, type: numeric}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 2.0.0
status: published
outputs: [{name: orders, type: table, schema: [{name: order_id, type: bigint}, {name: total, type: numeric}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: hr.people
name: People
version: 1.0.0
outputs: [{name: people, type: table, schema: [{name: person_id, type: bigint}]}]
$$);

-- 1. derived_from names a field of a product the version consumes (23503 otherwise).
-- The issue's example: a reference to nothing at all.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
outputs: [{name: r, type: table, schema: [{name: id, type: bigint, derived_from: [nowhere.nothing.x.y]}]}]
$$);
-- A product that exists but is not among the inputs.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders}]
outputs: [{name: r, type: table, schema: [{name: id, type: bigint, derived_from: [sales.orders.orders.order_id, hr.people.people.person_id]}]}]
$$);
-- Its own fields are not lineage.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
outputs: [{name: r, type: table, schema: [{name: id, type: bigint}, {name: id2, type: bigint, derived_from: [sales.report.r.id]}]}]
$$);
-- An output, or a field, that the consumed version does not have.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders}]
outputs: [{name: r, type: table, schema: [{name: id, type: bigint, derived_from: [sales.orders.order.order_id]}]}]
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders}]
outputs: [{name: r, type: table, schema: [{name: id, type: bigint, derived_from: [sales.orders.orders.order_idd]}]}]
$$);
-- The version checked is the newest one the input's range accepts: ^1 gets 1.0.0, which has
-- amount and no total; no range gets 2.0.0, which has total and no amount.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders, version: ^1}]
outputs: [{name: r, type: table, schema: [{name: t, type: numeric, derived_from: [sales.orders.orders.total]}]}]
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders}]
outputs: [{name: r, type: table, schema: [{name: a, type: numeric, derived_from: [sales.orders.orders.amount]}]}]
$$);
-- A range that accepts no version: there is no field to derive from.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders, version: ^3}]
outputs: [{name: r, type: table, schema: [{name: t, type: numeric, derived_from: [sales.orders.orders.total]}]}]
$$);
-- ... unless that version comes in the same stream (here after its consumer).
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.report
name: Report
version: 1.0.0
inputs: [{product: sales.orders, version: ^3}, {product: sales.orders, version: ^1}]
outputs: [{name: r, type: table, schema: [{name: t, type: numeric, derived_from: [sales.orders.orders.net]}, {name: a, type: numeric, derived_from: [sales.orders.orders.amount]}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 3.0.0
outputs: [{name: orders, type: table, schema: [{name: order_id, type: bigint}, {name: net, type: numeric}]}]
$$);
-- Lineage is as before: one edge per reference, none to anything that does not exist.
SELECT upstream, downstream FROM mesh_lineage ORDER BY 1, 2;
SELECT count(*) AS edges_to_nowhere FROM lineage_edge WHERE upstream LIKE 'nowhere.%';

-- 2. mesh_withdraw: a draft goes, by its domain's owners; a published version is deprecated.
SET ROLE regress_val_steward;
SELECT mesh_withdraw('sales.orders', '2.0.0');
SELECT mesh_withdraw('sales.orders', '1.0.0');
SELECT mesh_withdraw('sales.orders', '9.9.9');
SELECT mesh_withdraw('hr.people', '1.0.0');
SET ROLE regress_val_reader;
SELECT mesh_withdraw('sales.orders', '3.0.0');
SET ROLE regress_val_steward;
SELECT mesh_withdraw('sales.orders', '3.0.0');
RESET ROLE;
SELECT version_text, status FROM mesh_versions WHERE product_id = 'sales.orders' ORDER BY version_rank;
SELECT count(*) AS parts_left FROM output_port o WHERE NOT EXISTS (SELECT FROM product_version v WHERE v.id = o.version_id);
SELECT operation, old_row ->> 'version' AS version, acting_role FROM mesh_audit
 WHERE table_name = 'product_version' AND operation = 'DELETE' ORDER BY id;
-- A withdrawn draft's lineage goes with it.
SET ROLE regress_val_steward;
SELECT mesh_withdraw('sales.report', '1.0.0');
RESET ROLE;
SELECT upstream, downstream FROM mesh_lineage ORDER BY 1, 2;
-- The product stays; a withdrawn number may be registered again.
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 3.0.0
outputs: [{name: orders, type: table, schema: [{name: order_id, type: bigint}, {name: net, type: numeric}]}]
$$);

-- 3. mesh_validate: every problem of a stream, one row each, without writing.
SELECT kind, id, version, action FROM mesh_register($$
apiVersion: meshcat/v1
kind: Policy
name: val-retention
domain: sales
enforcement: required
rule: 'exists($.retention)'
message: declare a retention period
$$);
-- A fingerprint of every row of every table of the extension.
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    t text;
    acc text := '';
    part text;
BEGIN
    FOR t IN SELECT format('%I.%I', c.relnamespace::regnamespace, c.relname) FROM pg_class c
               JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
               JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'meshcat'
              WHERE c.relkind = 'r' ORDER BY 1 LOOP
        EXECUTE format('SELECT coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''') FROM %s AS x', t) INTO part;
        acc := acc || t || ':' || md5(part) || ' ';
    END LOOP;
    RETURN md5(acc);
END
$$;
SELECT pg_temp.fingerprint() AS before \gset
SELECT (SELECT count(*) FROM audit) AS audit_rows, (SELECT count(*) FROM event) AS events,
       (SELECT count(*) FROM evaluation) AS evaluations \gset
LISTEN meshcat;
\set stream `cat test/data/validate_stream.yaml`
SET ROLE regress_val_steward;
SELECT * FROM mesh_validate(:'stream');
RESET ROLE;
-- Nothing changed: no row of any table, no audit row, no event, no notification.
SELECT pg_temp.fingerprint() = :'before' AS unchanged,
       (SELECT count(*) FROM audit) = :audit_rows AS no_audit,
       (SELECT count(*) FROM event) = :events AS no_event,
       (SELECT count(*) FROM evaluation) = :evaluations AS no_evaluation;
-- mesh_register refuses the same stream, with the first of those problems.
SET ROLE regress_val_steward;
SELECT * FROM mesh_register(:'stream');
RESET ROLE;

-- A stream that registers gives no rows; the registration then goes through.
\set good `cat test/data/validate_good.yaml`
SET ROLE regress_val_steward;
SELECT count(*) AS problems FROM mesh_validate(:'good');
SELECT pg_temp.fingerprint() = :'before' AS unchanged;
UNLISTEN meshcat;
SELECT kind, id, version, action FROM mesh_register(:'good');
RESET ROLE;

-- A reader may validate; the documents it could not write are 42501 rows.
SET ROLE regress_val_reader;
SELECT * FROM mesh_validate('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.other, name: Other, version: 1.0.0}');
RESET ROLE;
-- As an administrator, only the required policy stops a published product.
SELECT document, line, path, sqlstate FROM mesh_validate($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.other
name: Other
version: 1.0.0
status: published
---
apiVersion: meshcat/v1
kind: DataProduct
id: sales.other2
name: Other
version: 1.0.0
status: published
retention: 1 year
$$);
-- Later rounds register a shorter stream; their problems still name the documents by their
-- number in the whole stream (here 3 repeats 2, behind a document refused by its format).
SELECT document, line, path, sqlstate, split_part(problem, E'\n', 1) AS problem FROM mesh_validate($$
{apiVersion: meshcat/v1, kind: Domain, name: hr, owner: regress_val_hr, parent: 7}
---
{apiVersion: meshcat/v1, kind: Domain, name: hr, owner: regress_val_hr}
---
{apiVersion: meshcat/v1, kind: Domain, name: hr, owner: regress_val_hr, description: again}
$$);
-- Text that is not YAML: one row for the whole text, at the parser's line.
SELECT * FROM mesh_validate(E'apiVersion: meshcat/v1\nkind: Domain\nname: [x\n');
-- No document at all.
SELECT * FROM mesh_validate('');
-- It tries the registration, so it needs a transaction that may write.
BEGIN READ ONLY;
SELECT * FROM mesh_validate('{apiVersion: meshcat/v1, kind: Domain, name: sales, owner: regress_val_sales}');
ROLLBACK;
-- Who may run what: readers and stewards validate; only stewards withdraw.
SELECT r AS role, has_function_privilege(r, 'meshcat.mesh_validate(text)', 'EXECUTE') AS validate,
       has_function_privilege(r, 'meshcat.mesh_withdraw(text, meshcat.semver)', 'EXECUTE') AS withdraw
  FROM unnest(ARRAY['meshcat_reader', 'meshcat_steward', 'public']) AS r ORDER BY r;

-- A CI pipeline: psql -v doc="$(cat product.yaml)" fails the job when rows come back.
SELECT count(*) = 0 AS valid FROM mesh_validate(:'good');

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY regress_val_steward, regress_val_reader, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_val_steward, regress_val_reader, regress_val_sales, regress_val_hr,
          meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
