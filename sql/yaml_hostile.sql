--
-- Hostile YAML: limits (meshcat.yaml_max_bytes, _depth, _nodes), alias bombs, deep
-- nesting, broken syntax, encodings, cancellation, and many failures in one session.
--
SET search_path = meshcat, meshcat_internal, public;

-- Runs a conversion and returns "ok" or its SQLSTATE and message.
CREATE FUNCTION pg_temp.try(yaml text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    state text;
    msg text;
BEGIN
    PERFORM meshcat.mesh_yaml_to_jsonb(yaml);
    RETURN 'ok';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN state || ': ' || msg;
END
$$;

-- The same for a stream.
CREATE FUNCTION pg_temp.try_stream(yaml text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    state text;
    msg text;
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM meshcat.mesh_yaml_documents(yaml);
    RETURN 'ok: ' || n || ' documents';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN state || ': ' || msg;
END
$$;

-- the settings exist once the library is loaded
SELECT mesh_yaml_to_jsonb('loaded: true');
SHOW meshcat.yaml_max_bytes;
SHOW meshcat.yaml_max_depth;
SHOW meshcat.yaml_max_nodes;

--
-- Billion laughs: 9 levels of 9 aliases would expand to 9^9 nodes; it stops at
-- meshcat.yaml_max_nodes, long before building anything big.
--
SELECT string_agg(format('l%s: &l%s [%s]', i, i,
                         CASE WHEN i = 0 THEN 'lol, lol, lol, lol, lol, lol, lol, lol, lol'
                              ELSE rtrim(repeat(format('*l%s, ', i - 1), 9), ', ') END),
                  E'\n' ORDER BY i) AS bomb
  FROM generate_series(0, 9) i \gset
SELECT length(:'bomb') AS bomb_bytes;
SELECT pg_temp.try(:'bomb');
SELECT mesh_yaml_to_jsonb(:'bomb');
-- the same with long strings: the expansion of scalar bytes is bounded too
SELECT pg_temp.try('s: &s ' || repeat('x', 1000000) || E'\nl: [' || rtrim(repeat('*s, ', 100), ', ') || ']');
-- and through the merge key
SELECT pg_temp.try(E'a: &a {x: 1, y: 2}\nb: &b {<<: [*a, *a, *a], z: 3}\nc: [' || rtrim(repeat('*b, ', 400000), ', ') || ']');

--
-- Deep nesting stops at meshcat.yaml_max_depth, without recursion.
--
SELECT pg_temp.try(repeat('[', 100000));
SELECT pg_temp.try(repeat('{a: ', 100000));
SELECT pg_temp.try(repeat('- ', 100000) || 'x');
SELECT pg_temp.try((SELECT string_agg(repeat(' ', i) || 'k:', E'\n') FROM generate_series(0, 300) i));
SELECT pg_temp.try(repeat('[', 100000) || repeat(']', 100000));
SELECT mesh_yaml_to_jsonb(repeat('[', 257));
-- 256 levels are allowed, 257 are not
SELECT pg_temp.try(repeat('[', 256) || repeat(']', 256)) AS depth_256,
       pg_temp.try(repeat('[', 257) || repeat(']', 257)) AS depth_257;
-- aliases count the depth of what they repeat
SET meshcat.yaml_max_depth = 5;
SELECT pg_temp.try('[[[[[1]]]]]') AS depth_5, pg_temp.try('[[[[[[1]]]]]]') AS depth_6;
SELECT pg_temp.try(E'a: &a [[1]]\nb: [[*a]]') AS alias_depth_4,
       pg_temp.try(E'a: &a [[1]]\nb: [[[*a]]]') AS alias_depth_5,
       pg_temp.try(E'a: &a [[1]]\nb: [[[[*a]]]]') AS alias_depth_6;
RESET meshcat.yaml_max_depth;

--
-- Node and size limits, at their exact boundaries.
--
SET meshcat.yaml_max_nodes = 100;
-- a sequence and 99 scalars are 100 nodes; one more is too many
SELECT pg_temp.try('[' || rtrim(repeat('1, ', 99), ', ') || ']') AS nodes_100,
       pg_temp.try('[' || rtrim(repeat('1, ', 100), ', ') || ']') AS nodes_101;
-- keys are nodes: a mapping and 49 pairs are 99 nodes, and 50 pairs are 101
SELECT pg_temp.try('{' || (SELECT string_agg('k' || i || ': ' || i, ', ') FROM generate_series(1, 49) i) || '}') AS pairs_49,
       pg_temp.try('{' || (SELECT string_agg('k' || i || ': ' || i, ', ') FROM generate_series(1, 50) i) || '}') AS pairs_50;
-- an alias counts every node it repeats: 1 + 9 + 10 + 8 * 10 = 100, and one more scalar
SELECT pg_temp.try('[' || repeat('0, ', 9) || '&a [1, 2, 3, 4, 5, 6, 7, 8, 9], ' || rtrim(repeat('*a, ', 8), ', ') || ']') AS alias_nodes_100,
       pg_temp.try('[' || repeat('0, ', 10) || '&a [1, 2, 3, 4, 5, 6, 7, 8, 9], ' || rtrim(repeat('*a, ', 8), ', ') || ']') AS alias_nodes_101;
SELECT mesh_yaml_to_jsonb('[' || rtrim(repeat('1, ', 100), ', ') || ']');
-- the limit applies to each document of a stream
SELECT pg_temp.try_stream(repeat('[' || rtrim(repeat('1, ', 99), ', ') || E']\n---\n', 50));
RESET meshcat.yaml_max_nodes;

SET meshcat.yaml_max_bytes = 1024;
SELECT pg_temp.try('"' || repeat('x', 1022) || '"') AS bytes_1024,
       pg_temp.try('"' || repeat('x', 1023) || '"') AS bytes_1025;
-- bytes, not characters
SELECT pg_temp.try(repeat('é', 512)) AS bytes_1024, pg_temp.try(repeat('é', 512) || 'x') AS bytes_1025;
SELECT mesh_yaml_to_jsonb(repeat('x', 2000));
SELECT mesh_jsonb_to_yaml(to_jsonb(repeat('x', 2000))) = repeat('x', 2000) || E'\n' AS emit_is_not_limited;
-- aliases may not expand the scalars beyond the same limit
SELECT pg_temp.try('[&s ' || repeat('x', 300) || ', *s, *s]') AS expanded_900,
       pg_temp.try('[&s ' || repeat('x', 300) || ', *s, *s, *s]') AS expanded_1200;
RESET meshcat.yaml_max_bytes;

-- 50 MB is refused before parsing
SELECT pg_temp.try(repeat('a', 50 * 1024 * 1024));
SELECT mesh_yaml_to_jsonb(repeat('a', 50 * 1024 * 1024));
SELECT pg_temp.try_stream(repeat(E'a: 1\n---\n', 5 * 1024 * 1024));
-- the limits are read at call time; raising one above its ceiling changes nothing
SET meshcat.yaml_max_bytes = '64MB';
SELECT pg_temp.try(repeat('a', 50 * 1024 * 1024)) AS above_the_ceiling;
SET meshcat.yaml_max_bytes_ceiling = '64MB';
SELECT length(mesh_yaml_to_jsonb(repeat('a', 50 * 1024 * 1024)) #>> '{}') AS allowed_now;
RESET meshcat.yaml_max_bytes;
RESET meshcat.yaml_max_bytes_ceiling;
-- out of range settings are refused
SET meshcat.yaml_max_depth = 0;
SET meshcat.yaml_max_nodes = 1000000000;
SET meshcat.yaml_max_nodes_ceiling = 1000000000;

--
-- Ceilings: anyone may lower a limit, nobody but a superuser may raise it past
-- meshcat.yaml_max_*_ceiling; the smaller of the two applies.
--
SHOW meshcat.yaml_max_bytes_ceiling;
SHOW meshcat.yaml_max_depth_ceiling;
SHOW meshcat.yaml_max_nodes_ceiling;
CREATE ROLE regress_yaml_user NOLOGIN;
GRANT USAGE ON SCHEMA meshcat TO regress_yaml_user;
SET meshcat.yaml_max_nodes_ceiling = 100;
SET meshcat.yaml_max_depth_ceiling = 3;
SET meshcat.yaml_max_bytes_ceiling = 1024;
SET ROLE regress_yaml_user;
SET meshcat.yaml_max_nodes_ceiling = 1000000;
SET meshcat.yaml_max_depth_ceiling = 256;
SET meshcat.yaml_max_bytes_ceiling = '16MB';
SHOW meshcat.yaml_max_nodes_ceiling;
-- raising the limit itself is accepted, and has no effect above the ceiling
SET meshcat.yaml_max_nodes = 1000000;
SET meshcat.yaml_max_depth = 256;
SET meshcat.yaml_max_bytes = '16MB';
SELECT pg_temp.try('[' || rtrim(repeat('1, ', 99), ', ') || ']') AS nodes_100,
       pg_temp.try('[' || rtrim(repeat('1, ', 100), ', ') || ']') AS nodes_101;
SELECT mesh_yaml_to_jsonb('[' || rtrim(repeat('1, ', 100), ', ') || ']');
SELECT pg_temp.try('[[[1]]]') AS depth_3, pg_temp.try('[[[[1]]]]') AS depth_4;
SELECT mesh_yaml_to_jsonb('[[[[1]]]]');
SELECT pg_temp.try('"' || repeat('x', 1022) || '"') AS bytes_1024,
       pg_temp.try('"' || repeat('x', 1023) || '"') AS bytes_1025;
SELECT mesh_yaml_to_jsonb(repeat('x', 2000));
-- lowering it below the ceiling works
SET meshcat.yaml_max_nodes = 100;
SET meshcat.yaml_max_depth = 2;
SELECT pg_temp.try('[[1]]') AS depth_2, pg_temp.try('[[[1]]]') AS depth_3;
RESET meshcat.yaml_max_nodes;
RESET meshcat.yaml_max_depth;
RESET meshcat.yaml_max_bytes;
RESET ROLE;
RESET meshcat.yaml_max_nodes_ceiling;
RESET meshcat.yaml_max_depth_ceiling;
RESET meshcat.yaml_max_bytes_ceiling;
REVOKE USAGE ON SCHEMA meshcat FROM regress_yaml_user;
DROP ROLE regress_yaml_user;

--
-- Memory is bounded as the document grows: nested anchors copy the same bytes
-- once per level, so the copies count against meshcat.yaml_max_bytes before
-- they are made (else 256 levels around a 16 MB string would take 4 GB).
--
SET meshcat.yaml_max_bytes = 2048;
SELECT pg_temp.try('&a [&b [' || repeat('x', 900) || ']]') AS anchors_2,
       pg_temp.try('&a [&b [&c [' || repeat('x', 900) || ']]]') AS anchors_3;
SELECT mesh_yaml_to_jsonb('&a [&b [&c [' || repeat('x', 900) || ']]]');
RESET meshcat.yaml_max_bytes;
SET meshcat.yaml_max_bytes = '16MB';
SELECT pg_temp.try((SELECT string_agg('&a' || i || ' [', '') FROM generate_series(1, 200) i)
                   || repeat('x', 1000000) || repeat(']', 200)) AS anchors_200_deep;
RESET meshcat.yaml_max_bytes;

--
-- Broken syntax.
--
SELECT pg_temp.try(E'a:\n\tb: 1\n');
SELECT mesh_yaml_to_jsonb(E'a:\n\tb: 1\n');
SELECT mesh_yaml_to_jsonb(E'list:\n  - a\n\t- b\n');
SELECT pg_temp.try('"unterminated');
SELECT pg_temp.try('''unterminated');
SELECT mesh_yaml_to_jsonb(E'a: "unterminated\nb: 2\n');
SELECT pg_temp.try('[1, 2');
SELECT pg_temp.try('{a: 1');
SELECT pg_temp.try(']');
SELECT mesh_yaml_to_jsonb(E'a: 1\n]\n');
SELECT pg_temp.try('}');
SELECT pg_temp.try('&a');
SELECT pg_temp.try('&a &b x');
SELECT pg_temp.try('*a');
SELECT pg_temp.try(E'a: &a [1, *a]');
SELECT pg_temp.try(E'a: &a {b: *a}');
SELECT pg_temp.try(E'a: &a\n  - *a\n');
SELECT pg_temp.try('!!binary aGVsbG8=');
SELECT pg_temp.try('%YAML 2.0' || E'\n---\na');
SELECT pg_temp.try(E'%FOO bar\n---\na');
SELECT pg_temp.try('! ');
SELECT pg_temp.try('|');
SELECT pg_temp.try(E'? a\n? a\n');
SELECT pg_temp.try(E'a: 1\na: 2\n');
SELECT pg_temp.try('{a: 1, a: 1}');
SELECT pg_temp.try(repeat('k: v' || E'\n', 3));
SELECT pg_temp.try('@reserved');
SELECT pg_temp.try('`reserved');
SELECT pg_temp.try(E'\u0085');
SELECT pg_temp.try(E'a: "\\uD800"');
SELECT pg_temp.try(E'a: \uFFFE');
-- a duplicate among 100 000 keys is found, and named
SELECT pg_temp.try((SELECT string_agg('key' || i || ': ' || i, E'\n') FROM generate_series(1, 100000) i) || E'\nkey77777: again');
-- thousands of distinct keys are fine
SELECT count(*) AS keys FROM jsonb_object_keys(mesh_yaml_to_jsonb((SELECT string_agg('key' || i || ': ' || i, E'\n') FROM generate_series(1, 100000) i)));

--
-- Encodings: libyaml reads UTF-8 only. A SQL_ASCII database can hold bytes that
-- are not UTF-8; a LATIN1 database is converted both ways.
--
\set origdb :DBNAME
DROP DATABASE IF EXISTS regress_meshcat_yaml_ascii;
DROP DATABASE IF EXISTS regress_meshcat_yaml_latin1;
CREATE DATABASE regress_meshcat_yaml_ascii TEMPLATE template0 ENCODING 'SQL_ASCII' LOCALE 'C';
CREATE DATABASE regress_meshcat_yaml_latin1 TEMPLATE template0 ENCODING 'LATIN1' LOCALE 'C';

\c regress_meshcat_yaml_ascii
CREATE FUNCTION pg_temp.y2j(text) RETURNS jsonb AS '$libdir/meshcat', 'mesh_yaml_to_jsonb' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.j2y(jsonb) RETURNS text AS '$libdir/meshcat', 'mesh_jsonb_to_yaml' LANGUAGE C STRICT;
SELECT pg_temp.y2j(E'a: 1\nb: x\xffy\n');
SELECT pg_temp.y2j(E'a: \xc3\x28');
SELECT pg_temp.y2j(E'\xfe\xffa');
SELECT pg_temp.y2j(E'a: \xc3\xa9') = jsonb_build_object('a', E'\xc3\xa9') AS utf8_bytes_pass;
SELECT pg_temp.j2y(E'["\xff"]'::jsonb);
SELECT pg_temp.y2j(pg_temp.j2y(E'{"\xc3\xa9": "\xe2\x9c\x93"}'::jsonb)) = E'{"\xc3\xa9": "\xe2\x9c\x93"}'::jsonb AS round_trip;

\c regress_meshcat_yaml_latin1
CREATE FUNCTION pg_temp.y2j(text) RETURNS jsonb AS '$libdir/meshcat', 'mesh_yaml_to_jsonb' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.j2y(jsonb) RETURNS text AS '$libdir/meshcat', 'mesh_jsonb_to_yaml' LANGUAGE C STRICT;
SELECT pg_temp.y2j('caf' || chr(233) || ': ' || chr(241)) = jsonb_build_object('caf' || chr(233), chr(241)) AS latin1_in;
SELECT pg_temp.j2y(jsonb_build_object('k', chr(233))) = 'k: ' || chr(233) || E'\n' AS latin1_out;
SELECT pg_temp.y2j(pg_temp.j2y(jsonb_build_array(chr(255), chr(160), 'x' || chr(233)))) = jsonb_build_array(chr(255), chr(160), 'x' || chr(233)) AS round_trip;
SELECT pg_temp.y2j('"\u00e9"') = to_jsonb(chr(233)) AS escape_in_latin1;
SELECT pg_temp.y2j(E'a: 1\nb: "\\u4e00"');
-- An anchored merge key, whose text is converted from UTF-8, is freed once (it crashed once).
SELECT pg_temp.y2j('{&m <<: {x: 1}, y: 2}');
SELECT pg_temp.y2j('{&m !!merge <<: {x: 1}}');

\c :origdb
SET search_path = meshcat, meshcat_internal, public;
DROP DATABASE regress_meshcat_yaml_ascii;
DROP DATABASE regress_meshcat_yaml_latin1;

--
-- A long parse honours statement_timeout (and so query cancel): about 24 MB of
-- YAML takes far longer than 50 ms to read.
--
CREATE TEMP TABLE big AS
    SELECT repeat(E'- {name: customer_id, type: bigint, required: true}\n', 450000) AS y;
SELECT length(y) AS big_bytes FROM big;
SET meshcat.yaml_max_bytes_ceiling = '64MB';
SET meshcat.yaml_max_nodes_ceiling = 10000000;
SET meshcat.yaml_max_bytes = '64MB';
SET meshcat.yaml_max_nodes = 10000000;
SET statement_timeout = '50ms';
SELECT mesh_yaml_to_jsonb(y) IS NOT NULL FROM big;
SELECT count(*) FROM big, mesh_yaml_documents(big.y);
RESET statement_timeout;
SELECT jsonb_array_length(mesh_yaml_to_jsonb(left(y, 52 * 10000))) AS rows_without_timeout FROM big;
RESET meshcat.yaml_max_bytes;
RESET meshcat.yaml_max_nodes;
RESET meshcat.yaml_max_bytes_ceiling;
RESET meshcat.yaml_max_nodes_ceiling;

--
-- Many failures in one session: each frees what libyaml allocated (a leak would
-- show as memory growth of the backend, checked by hand: see docs/yaml.md).
--
DO $$
DECLARE
    inputs text[] := ARRAY['[1, 2', E'a: 1\na: 2', 'a: *x', repeat('[', 300), E'a:\n\tb', '"x', '{[1]: 2}', 'a: !!int x', E'a: 1\n---\nb: 2'];
    failures int := 0;
BEGIN
    FOR i IN 1..10000 LOOP
        BEGIN
            PERFORM meshcat.mesh_yaml_to_jsonb(inputs[1 + i % array_length(inputs, 1)] || repeat(' ', i % 7));
        EXCEPTION WHEN invalid_text_representation OR program_limit_exceeded THEN
            failures := failures + 1;
        END;
    END LOOP;
    RAISE NOTICE '% failures', failures;
END
$$;
DO $$
DECLARE
    failures int := 0;
BEGIN
    FOR i IN 1..2000 LOOP
        BEGIN
            PERFORM count(*) FROM meshcat.mesh_yaml_documents(E'a: 1\n---\nb: [1, 2\n');
        EXCEPTION WHEN invalid_text_representation THEN
            failures := failures + 1;
        END;
    END LOOP;
    RAISE NOTICE '% failures', failures;
END
$$;
-- and the session still works
SELECT mesh_yaml_to_jsonb('still: working');
