-- Errors a person can act on: refusals without a wall of CONTEXT, libyaml's messages with a
-- hint, a byte order mark skipped, "did you mean" for mistyped keys, patterns said in words,
-- and the line where a bad document of a long stream starts.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_err_owner NOLOGIN;

-- What a user's psql shows by default: ERROR, DETAIL, HINT, and CONTEXT for errors.
\set VERBOSITY default
\set SHOW_CONTEXT errors

-- raise_error: the SQLSTATE, message, DETAIL and HINT given, no CONTEXT.
SELECT raise_error('22023', 'a message', 'A detail.', 'A hint.');
\echo :SQLSTATE
SELECT raise_error('23514', 'only a message');
\echo :SQLSTATE
-- Even from inside PL/pgSQL, two levels down.
CREATE FUNCTION pg_temp.inner_refusal() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM meshcat_internal.raise_error('42501', 'refused inside', NULL, 'Ask someone.');
END $$;
CREATE FUNCTION pg_temp.outer_call() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.inner_refusal();
END $$;
SELECT pg_temp.outer_call();
\echo :SQLSTATE
-- A PL/pgSQL handler still catches it by its SQLSTATE, and later errors keep their context.
CREATE FUNCTION pg_temp.catch_it() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    msg text;
    hint text;
BEGIN
    BEGIN
        PERFORM pg_temp.outer_call();
    EXCEPTION WHEN insufficient_privilege THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
        RETURN format('caught 42501: %s (%s)', msg, hint);
    END;
    RETURN 'not caught';
END $$;
SELECT pg_temp.catch_it();
CREATE FUNCTION public.regress_err_after_catch() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.catch_it();
    RETURN 1 / 0;
END $$;
SELECT public.regress_err_after_catch();
-- Other SQLSTATE classes are not caught by the wrong handler.
DO $$
BEGIN
    PERFORM meshcat_internal.raise_error('23503', 'a missing reference');
EXCEPTION WHEN check_violation THEN
    RAISE NOTICE 'wrongly caught';
END $$;
\echo :SQLSTATE
-- The SQLSTATE must be five digits or upper-case letters.
SELECT raise_error('2202', 'short');
\echo :SQLSTATE
SELECT raise_error('22o23', 'lower case');
SELECT raise_error('22023!', 'long');
SELECT raise_error(NULL, 'no code');
SELECT raise_error('22023', NULL);

-- A refusal of mesh_register, shown as default psql shows it: no CONTEXT lines.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: "bad name", owner: regress_err_owner}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: shop, owner: regress_err_nobody}');
\echo :SQLSTATE
-- A YAML error inside mesh_register names the line in the text, not the SQL that passed it.
SELECT * FROM mesh_register(E'apiVersion: meshcat/v1\nkind: Domain\ndescription: The shop: customers and orders\n');
\echo :SQLSTATE
-- A trigger's refusal: deprecating without a sunset date.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: shop
owner: regress_err_owner
---
apiVersion: meshcat/v1
kind: DataProduct
id: shop.orders
name: Orders
version: 1.0.0
status: published
$$);
UPDATE meshcat.product_version SET status = 'deprecated' WHERE product_id = 'shop.orders';
\echo :SQLSTATE
-- The audit trail's trigger refuses a change.
DELETE FROM meshcat_internal.audit;
\echo :SQLSTATE
-- A lineage refusal.
SELECT * FROM mesh_upstream('shop.nowhere');
\echo :SQLSTATE
-- The README's product with a typo: the refusal the README shows, line for line.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: sales
owner: regress_err_owner
description: Orders and payments
$$);
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: sales.orders
name: Orders
version: 1.0.0
status: published
classification: internal
retension: 10 years
owners: {technical: sales_eng, business: maria.lopez}
sla: {freshness: 1 hour}
inputs:
  - source: shop.orders_db
outputs:
  - name: orders
    type: table
    location: public.orders
    schema:
      - {name: order_id, type: bigint, required: true, primary_key: true}
      - {name: amount, type: "numeric(12,2)", required: true}
$$);
-- A number the parser cannot hold keeps its one short line of context, the scalar's place.
SELECT mesh_yaml_to_jsonb('a: [1, 1e1000000]');


-- A UTF-8 byte order mark is skipped, however many lines follow it.
SELECT mesh_yaml_to_jsonb(E'\uFEFFa: 1\nb: 2');
SELECT mesh_yaml_to_jsonb(E'\uFEFF---\na: 1');
SELECT mesh_yaml_to_jsonb(E'\uFEFF# a comment\nlist:\n  - x\n  - y\nmap:\n  k: v\n');
SELECT mesh_yaml_to_jsonb(E'\uFEFF{"json": [1, 2]}');
SELECT d FROM mesh_yaml_documents(E'\uFEFF---\na: 1\nb: 2\n---\nc: 3\n') AS d;
-- Only one, at the very start: a second one is content, and is refused where it stands.
SELECT mesh_yaml_to_jsonb(E'\uFEFF\uFEFFa: 1\nb: 2');
-- Positions count from after the mark.
SELECT mesh_yaml_to_jsonb(E'\uFEFFa: 1\nb: [2');
-- A descriptor file saved with one registers.
SELECT * FROM mesh_register(E'\uFEFFapiVersion: meshcat/v1\nkind: Domain\nname: bom\nowner: regress_err_owner\n');

-- libyaml's common complaints come with one line of advice.
SELECT mesh_yaml_to_jsonb('description: The shop: customers and orders');
SELECT mesh_yaml_to_jsonb(E'description: "The shop: customers and orders"');
-- a tab in the indentation, in both of libyaml's wordings
SELECT mesh_yaml_to_jsonb(E'a:\n\tb: 1\n');
SELECT mesh_yaml_to_jsonb(E'a: 1\n\tb: 2\n');
-- a character that cannot start a plain value (not a tab)
SELECT mesh_yaml_to_jsonb('owner: @shop');
-- an unclosed quote, double and single
SELECT mesh_yaml_to_jsonb(E'name: "Orders\nversion: 1.0.0\n');
SELECT mesh_yaml_to_jsonb(E'name: ''Orders\nversion: 1.0.0\n');
-- an unclosed bracket and brace
SELECT mesh_yaml_to_jsonb(E'tags: [a, b\nname: x\n');
SELECT mesh_yaml_to_jsonb(E'sla: {freshness: 1h\nname: x\n');
-- bad indentation: a key out of line, a list item out of line
SELECT mesh_yaml_to_jsonb(E'outputs:\n  name: a\n type: table\n');
SELECT mesh_yaml_to_jsonb(E'- a\nb: c\n');
SELECT mesh_yaml_to_jsonb(E'a: - b\n');
-- a message without advice in the table gets none
SELECT mesh_yaml_to_jsonb('"bad escape \q"');

-- An unknown key names the closest known key, when one is close.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, retension: 7 years}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, Description: x}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, tgas: [a]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: shop, owner: regress_err_owner, parnet: x}');
-- nothing close: no guess
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, colour: red}');
-- a key already given is not suggested for its misspelling
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, tags: [a], tag: [b]}');
-- inside an output's field
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, outputs: [{name: o, type: table, schema: [{name: id, type: int, primary_ky: true}]}]}');
-- A missing required key beside a misspelling of it says so.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, outputs: [{name: o, typ: table}]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: shop, ownr: regress_err_owner}');
-- and says nothing more when no key is close
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, outputs: [{name: o, kind: table}]}');
SELECT edit_distance('retension', 'retention'), edit_distance('nmae', 'name'), edit_distance('', 'abc'),
       edit_distance('kitten', 'sitting'), edit_distance('same', 'same');

-- A pattern is said in words where the schema has them.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: retail.orders, name: X, version: 1.0.0, outputs: [{name: o, type: table, schema: [{name: id, type: int, derived_from: [retail.orders.amount]}]}]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: retail, name: X, version: 1.0.0}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: shop.x, name: X, version: 1.0.0, outputs: [{name: 1st, type: table}]}');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: shop, owner: regress_err_owner, parent: "a b"}');

-- An error in a document of a stream names the line where that document starts.
SELECT d.line, d.document ->> 'name' AS name
  FROM yaml_documents_with_lines(E'# header\n\nname: a\n---\nname: b\n\n\n--- # third\nname: c\n...\n---\nname: d\n') AS d
 ORDER BY d.line;
SELECT * FROM mesh_register($$
# The shop's products.
apiVersion: meshcat/v1
kind: DataProduct
id: shop.one
name: One
version: 1.0.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: shop.two
name: Two
version: 1.0.0

---
# the third document starts at the line of its "---"
apiVersion: meshcat/v1
kind: DataProduct
id: shop.three
name: Three
version: 1.0.0
outputs:
  - name: o
    typ: table
$$);
\echo :SQLSTATE
-- Reference errors too.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: shop.one
name: One
version: 1.0.0
---
apiVersion: meshcat/v1
kind: DataProduct
id: shop.two
name: Two
version: 1.0.0
inputs:
  - product: shop.none
$$);
\echo :SQLSTATE
-- A long stream: document 301 starts at line 1801.
SELECT count(*) FROM mesh_register(
    (SELECT string_agg(format(E'---\napiVersion: meshcat/v1\nkind: DataProduct\nid: shop.p%s\nname: P\nversion: 1.0.0', i), E'\n')
       FROM generate_series(1, 300) AS i)
    || E'\n---\napiVersion: meshcat/v1\nkind: DataProduct\nid: shop.bad\nname: Bad\nversion: 1.0.0\nretension: 1 year\n');
-- One document alone: the document is the whole text, so no line.
SELECT * FROM mesh_register(E'\n\napiVersion: meshcat/v1\nkind: Domain\nname: shop\nowner: regress_err_owner\nparnet: x\n');

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_err_owner;
DROP FUNCTION public.regress_err_after_catch();
CREATE EXTENSION meshcat;
