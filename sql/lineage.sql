-- Lineage: edges derived from the descriptors, cycle refusal, walks on diamonds, deep chains and wide fans,
-- impact, paths, column lineage, classification propagation, pictures, bad data and rebuild.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
-- Every walk here loads the lineage cache (the cycle checks inside registrations still walk by
-- index), so the cache answers these hand-built graphs too; lineage_engine compares both ways.
SET meshcat.lineage_cache_threshold = 0;
CREATE ROLE regress_lineage NOLOGIN;

SELECT count(*) FROM mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: g, owner: regress_lineage}');

-- A product stream in JSON, one document per (id, inputs) pair; every product a draft 1.0.0, so
-- that plain writes of its descriptor are allowed (published versions are immutable contracts).
CREATE FUNCTION pg_temp.products(spec jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(jsonb_build_object('apiVersion', 'meshcat/v1', 'kind', 'DataProduct', 'id', p.key,
                                         'name', p.key, 'version', '1.0.0', 'status', 'draft',
                                         'inputs', p.value)::text, E'\n---\n' ORDER BY p.key)
      FROM jsonb_each(spec) AS p
$$;
-- A plain UPDATE of a draft's descriptor that adds an input, or removes the last one: the
-- lineage is derived from it, by the same rules as mesh_register's.
CREATE FUNCTION pg_temp.add_input(pid text, input jsonb) RETURNS void LANGUAGE sql AS $$
    UPDATE meshcat.product_version SET descriptor = jsonb_set(descriptor, '{inputs}', coalesce(descriptor -> 'inputs', '[]') || input)
     WHERE product_id = pid
$$;
CREATE FUNCTION pg_temp.drop_last_input(pid text) RETURNS void LANGUAGE sql AS $$
    UPDATE meshcat.product_version SET descriptor = descriptor #- '{inputs,-1}' WHERE product_id = pid
$$;

-- A diamond a -> {b, c} -> d -> e, and a longer way round a -> x1 -> x2 -> x3 -> d.
SELECT count(*) FROM mesh_register(pg_temp.products('{
  "g.a":  [{"source": "ext.raw"}],
  "g.b":  [{"product": "g.a"}],
  "g.c":  [{"product": "g.a", "version": "^1"}],
  "g.d":  [{"product": "g.b"}, {"product": "g.c"}, {"product": "g.x3"}],
  "g.e":  [{"product": "g.d"}],
  "g.x1": [{"product": "g.a"}],
  "g.x2": [{"product": "g.x1"}],
  "g.x3": [{"product": "g.x2"}]}'));

-- Each reachable product once, at its shortest depth, with a shortest path (ties: lowest path).
SELECT * FROM mesh_downstream('g.a');
SELECT * FROM mesh_upstream('g.e');
SELECT * FROM mesh_downstream('g.e');
SELECT * FROM mesh_downstream('source:ext.raw');
SELECT * FROM mesh_downstream('ext.raw', 1);

-- A depth limit says where it stopped: truncated rows and a NOTICE, never silently.
SELECT * FROM mesh_downstream('g.a', 2);
SELECT * FROM mesh_upstream('g.e', 1);
SELECT * FROM mesh_downstream('g.d', 1);

SELECT mesh_lineage_path('g.a', 'g.e');
SELECT mesh_lineage_path('g.x2', 'g.e');
SELECT mesh_lineage_path('g.e', 'g.a') IS NULL AS no_path_against_the_flow;
SELECT mesh_lineage_path('g.b', 'g.c') IS NULL AS no_path_between_siblings;
SELECT mesh_lineage_path('g.a', 'g.a');
SELECT mesh_lineage_path('ext.raw', 'g.e');

-- Cycles are refused, naming the cycle, whatever the path of the write.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: g.b, name: b, version: 1.1.0, inputs: [{product: g.a}, {product: g.e}]}');
\echo :SQLSTATE
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: DataProduct
id: g.a
name: a
version: 2.0.0
inputs: [{product: g.x3, version: ^1}]
$$);
\echo :SQLSTATE
SELECT pg_temp.add_input('g.d', '{"product": "g.d"}');
\echo :SQLSTATE
SELECT pg_temp.add_input('g.a', '{"product": "g.e"}');
\echo :SQLSTATE
UPDATE product_version SET descriptor = jsonb_set(descriptor, '{inputs,0,product}', '"g.e"') WHERE product_id = 'g.b';
\echo :SQLSTATE
-- A new version is a write too.
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('g.a', '9.0.0', 'a', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "g.a", "name": "a", "version": "9.0.0", "inputs": [{"product": "g.d"}]}');
\echo :SQLSTATE
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: g.self, name: s, version: 1.0.0, inputs: [{product: g.self}]}');
\echo :SQLSTATE
-- An edge that closes no cycle is fine, by any path of the write.
SELECT pg_temp.add_input('g.e', '{"product": "g.x1"}');
SELECT upstream, downstream, version_ranges FROM mesh_lineage
 WHERE kind = 'product' AND downstream = 'g.e' ORDER BY upstream;
SELECT pg_temp.drop_last_input('g.e');
SELECT count(*) AS edges_after_delete FROM lineage_edge WHERE downstream = 'g.e';

-- A deep chain: 250 products, each consuming the one before.
SELECT count(*) FROM mesh_register(
    (SELECT pg_temp.products(jsonb_object_agg(format('g.chain%s', lpad(i::text, 3, '0')),
                                              CASE WHEN i = 0 THEN '[]'::jsonb
                                                   ELSE jsonb_build_array(jsonb_build_object('product', format('g.chain%s', lpad((i - 1)::text, 3, '0')))) END))
       FROM generate_series(0, 249) AS i));
SELECT count(*), min(depth), max(depth), bool_or(truncated) FROM mesh_downstream('g.chain000');
SELECT id, depth, cardinality(path) FROM mesh_upstream('g.chain249') WHERE depth IN (1, 249) ORDER BY depth;
SELECT count(*), max(depth), count(*) FILTER (WHERE truncated) AS truncated FROM mesh_upstream('g.chain249', 100);
SELECT cardinality(mesh_lineage_path('g.chain000', 'g.chain249')) AS path_length;
-- Closing the chain into a loop is refused with the whole cycle in DETAIL (checked by length).
DO $$
DECLARE
    d text;
BEGIN
    PERFORM pg_temp.add_input('g.chain000', '{"product": "g.chain249"}');
EXCEPTION WHEN check_violation THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RAISE NOTICE 'refused: % nodes on the cycle, from % to %',
        cardinality(string_to_array(d, ' -> ')), substr(d, 1, 30), right(d, 30);
END $$;

-- A wide fan: one hub consumed by 400 products, and one product consuming 60 of them.
SELECT count(*) FROM mesh_register(
    (SELECT pg_temp.products(jsonb_object_agg(format('g.fan%s', lpad(i::text, 3, '0')), '[{"product": "g.hub"}]'::jsonb)
                             || '{"g.hub": [], "g.sink": []}'::jsonb
                             || jsonb_build_object('g.sink', (SELECT jsonb_agg(jsonb_build_object('product', format('g.fan%s', lpad(j::text, 3, '0'))))
                                                                FROM generate_series(0, 59) AS j)))
       FROM generate_series(0, 399) AS i));
SELECT depth, count(*) FROM mesh_downstream('g.hub') GROUP BY depth ORDER BY depth;
SELECT * FROM mesh_downstream('g.hub') WHERE id = 'g.sink';
SELECT depth, count(*) FROM mesh_upstream('g.sink') GROUP BY depth ORDER BY depth;

-- Versions: ranges resolve against published versions; impact of one version.
SELECT count(*) FROM mesh_register($$
{apiVersion: meshcat/v1, kind: DataProduct, id: g.lib, name: lib, version: 1.0.0, status: published}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.lib, name: lib, version: 2.0.0, status: published}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app1, name: app1, version: 1.0.0, status: published,
 owners: {technical: team1, steward: [ann, bob]}, inputs: [{product: g.lib, version: ^1}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app2, name: app2, version: 1.0.0, status: published,
 owners: {on-call: "#app2"}, inputs: [{product: g.lib, version: ^2}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app3, name: app3, version: 1.0.0, status: published,
 inputs: [{product: g.lib}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app4, name: app4, version: 0.1.0,
 inputs: [{product: g.lib, version: ^3}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app5, name: app5, version: 1.0.0, status: published,
 inputs: [{product: g.app1, version: ^1}, {product: g.app2}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app6, name: app6, version: 1.0.0, status: published,
 inputs: [{product: g.lib, version: ^1}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.app6, name: app6, version: 2.0.0, status: published,
 inputs: [{product: g.lib, version: ^2}]}
$$);
SELECT upstream, downstream, version_ranges, consumer_versions, resolved_versions, proposed
  FROM mesh_lineage WHERE upstream = 'g.lib' OR downstream = 'g.app5' ORDER BY upstream, downstream;
SELECT * FROM mesh_impact('g.lib');
SELECT id, depth, path, via, version_range FROM mesh_impact('g.lib', '1.4.0');
SELECT id, depth, path, via, version_range FROM mesh_impact('g.lib', '2.0.0');
SELECT id, depth, via, version_range FROM mesh_impact('g.lib', '3.0.0');
SELECT id, depth FROM mesh_impact('ext.raw');

-- A retired version drops out of lineage; the product's other versions keep theirs.
SELECT mesh_deprecate('g.app6', '1.0.0', current_date + 30, 'replaced by 2.0.0');
SELECT mesh_retire('g.app6', '1.0.0');
SELECT upstream, downstream, version_ranges, consumer_versions FROM mesh_lineage WHERE downstream = 'g.app6';
SELECT mesh_deprecate('g.app6', '2.0.0', current_date + 30, 'no longer needed');
SELECT mesh_retire('g.app6', '2.0.0');
SELECT count(*) AS app6_edges FROM mesh_lineage WHERE downstream = 'g.app6';
SELECT count(*) AS app6_downstream_of_lib FROM mesh_downstream('g.lib') WHERE id = 'g.app6';

-- Column lineage and classification propagation; a masked field stops it.
SELECT count(*) FROM mesh_register($$
{apiVersion: meshcat/v1, kind: DataProduct, id: g.people, name: people, version: 1.0.0, status: published,
 classification: confidential,
 outputs: [{name: main, type: table, schema: [
   {name: id, type: bigint},
   {name: email, type: text, pii: true, classification: restricted},
   {name: city, type: text}]}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.contacts, name: contacts, version: 1.0.0, status: published,
 classification: internal, inputs: [{product: g.people}],
 outputs: [{name: main, type: table, schema: [
   {name: id, type: bigint, derived_from: [g.people.main.id]},
   {name: email, type: text, derived_from: [g.people.main.email]}]}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.hashed, name: hashed, version: 1.0.0, status: published,
 classification: internal, inputs: [{product: g.people}],
 outputs: [{name: main, type: table, schema: [
   {name: id, type: bigint, derived_from: [g.people.main.id]},
   {name: email_hash, type: text, masking: hash, derived_from: [g.people.main.email]}]}]}
---
{apiVersion: meshcat/v1, kind: DataProduct, id: g.mailing, name: mailing, version: 1.0.0, status: published,
 classification: internal, inputs: [{product: g.contacts}, {product: g.hashed}],
 outputs: [
   {name: list, type: table, schema: [{name: address, type: text, derived_from: [g.contacts.main.email]},
                                      {name: id, type: bigint, derived_from: [g.hashed.main.id]}]},
   {name: stats, type: table, schema: [{name: id, type: bigint, derived_from: [g.hashed.main.email_hash]}]}]}
$$);
SELECT * FROM mesh_column_lineage('g.mailing', 'list.address');
SELECT * FROM mesh_column_lineage('g.people', 'email', 'downstream');
SELECT * FROM mesh_column_lineage('g.hashed', 'id', 'both');
SELECT * FROM mesh_column_lineage('g.mailing', 'address', 'upstream', 1);
SELECT * FROM mesh_classification WHERE id IN ('g.people', 'g.contacts', 'g.hashed', 'g.mailing') ORDER BY id;
SELECT id FROM mesh_classification WHERE under_declared ORDER BY id;

-- Pictures.
SELECT mesh_lineage_dot('g.d');
SELECT mesh_lineage_dot('g.c', 'upstream');
SELECT mesh_lineage_mermaid('g.app5', 'upstream');
SELECT mesh_lineage_mermaid('g.e', 'both', 1);
SELECT length(mesh_lineage_dot(NULL)) > 0 AS whole_mesh, (SELECT count(*) FROM regexp_matches(mesh_lineage_dot(NULL), ' -> ', 'g')) AS edges;

-- Errors.
SELECT * FROM mesh_downstream('g.nothing');
\echo :SQLSTATE
SELECT * FROM mesh_upstream('g.a', 0);
\echo :SQLSTATE
SELECT mesh_lineage_path('g.a', 'nowhere');
\echo :SQLSTATE
SELECT * FROM mesh_impact('ext.raw', '1.0.0');
\echo :SQLSTATE
SELECT * FROM mesh_column_lineage('g.hashed', 'id', 'sideways');
\echo :SQLSTATE
SELECT * FROM mesh_column_lineage('g.mailing', 'id');
\echo :SQLSTATE
SELECT * FROM mesh_column_lineage('g.mailing', 'nothing');
\echo :SQLSTATE
SELECT mesh_lineage_dot('g.a', 'around');
\echo :SQLSTATE
SELECT count(*) FROM mesh_downstream(NULL);

-- Bad data: edges written with triggers off, a cycle among them. Every walk still ends,
-- each node once; a rebuild derives edges from the catalog again and drops the bad ones.
SET session_replication_role = replica;
INSERT INTO lineage_edge (port_id, upstream, downstream, version_id)
VALUES (-1, 'g.e', 'g.a', -1), (-2, 'g.e', 'g.e', -1), (-3, 'g.b', 'g.x1', -1);
RESET session_replication_role;
SELECT * FROM mesh_downstream('g.a');
SELECT * FROM mesh_upstream('g.a');
SELECT mesh_lineage_path('g.e', 'g.b');
SELECT * FROM mesh_lineage_rebuild();
SELECT count(*) AS bad_edges_left FROM lineage_edge WHERE port_id < 0;

-- A stray port (written with triggers off) is gone once the lineage is derived again from the
-- descriptors.
SET session_replication_role = replica;
INSERT INTO input_port (version_id, position, product_id, descriptor)
SELECT id, 9, 'g.e', '{}' FROM product_version WHERE product_id = 'g.b';
RESET session_replication_role;
SELECT * FROM mesh_lineage_rebuild();
SELECT count(*) AS bad_ports_left FROM input_port
 WHERE position = 9 AND version_id IN (SELECT id FROM product_version WHERE product_id = 'g.b');
-- Descriptors that hold a cycle (written with the derivation off, as a faulty load could) are
-- refused by the rebuild, naming the cycle.
BEGIN;
ALTER TABLE product_version DISABLE TRIGGER derive;
SELECT pg_temp.add_input('g.b', '{"product": "g.e"}');
ALTER TABLE product_version ENABLE ALWAYS TRIGGER derive;
SELECT * FROM mesh_rebuild();
\echo :SQLSTATE
ROLLBACK;
SELECT * FROM mesh_rebuild();

-- Writers need no privilege on the edge tables; they cannot write them directly.
CREATE ROLE regress_lineage_writer;
GRANT USAGE ON SCHEMA meshcat TO regress_lineage_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA meshcat TO regress_lineage_writer;
-- the internals, as mesh_setup_roles() grants them to meshcat_reader
GRANT USAGE ON SCHEMA meshcat_internal TO regress_lineage_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA meshcat_internal TO regress_lineage_writer;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA meshcat_internal TO regress_lineage_writer;
REVOKE ALL ON lineage_edge, lineage_field_edge, lineage_clock FROM regress_lineage_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA meshcat TO regress_lineage_writer;
-- mesh_register calls its writers with the caller's rights: they are not PUBLIC's either.
GRANT EXECUTE ON FUNCTION mesh_register(text), write_domain(jsonb, int, int), write_policy(jsonb, int, int),
    write_product_version(jsonb, int, int, text, text) TO regress_lineage_writer;
GRANT regress_lineage TO regress_lineage_writer;
SET ROLE regress_lineage_writer;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: g.late, name: late, version: 1.0.0, inputs: [{product: g.e}]}');
INSERT INTO lineage_edge (port_id, upstream, downstream, version_id) VALUES (-9, 'g.late', 'g.a', -1);
\echo :SQLSTATE
RESET ROLE;
SELECT id, depth FROM mesh_downstream('g.d');

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_lineage_writer;
DROP ROLE regress_lineage_writer, regress_lineage;
CREATE EXTENSION meshcat;
