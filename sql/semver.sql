--
-- semver: the Semantic Versioning 2.0.0 type. Parsing and its errors,
-- precedence (semver.org section 11), build metadata, indexes, joins and
-- aggregates, binary I/O, accessors and npm-style ranges.
--
SET search_path = meshcat, meshcat_internal, public;
-- 'valid', or the SQLSTATE and DETAIL of the error the input raises.
CREATE FUNCTION pg_temp.semver_check(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
    detail text;
BEGIN
    PERFORM t::meshcat.semver;
    RETURN 'valid';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN state || ' ' || detail;
END $$;
-- 'valid', or the SQLSTATE and DETAIL of the error the range raises.
CREATE FUNCTION pg_temp.range_check(r text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
    detail text;
BEGIN
    PERFORM meshcat.semver_satisfies('1.0.0', r);
    RETURN 'valid';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN state || ' ' || detail;
END $$;
--
-- Input and output
--
-- semver.org's valid examples, and the canonical output is the input.
SELECT n, t, pg_temp.semver_check(t) AS result, t::semver::text = t AS same FROM unnest(ARRAY['0.0.4', '1.2.3', '10.20.30', '1.1.2-prerelease+meta', '1.1.2+meta', '1.1.2+meta-valid', '1.0.0-alpha', '1.0.0-beta', '1.0.0-alpha.beta', '1.0.0-alpha.beta.1', '1.0.0-alpha.1', '1.0.0-alpha0.valid', '1.0.0-alpha.0valid', '1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay', '1.0.0-rc.1+build.1', '2.0.0-rc.1+build.123', '1.2.3-beta', '10.2.3-DEV-SNAPSHOT', '1.2.3-SNAPSHOT-123', '1.0.0', '2.0.0', '1.1.7', '2.0.0+build.1848', '2.0.1-alpha.1227', '1.0.0-alpha+beta', '1.2.3----RC-SNAPSHOT.12.9.1--.12+788', '1.2.3----R-S.12.9.1--.12+meta', '1.2.3----RC-SNAPSHOT.12.9.1--.12', '1.0.0+0.build.1-rc.10000aaa-kk-0.1', '1.0.0-0A.is.legal', '9223372036854775807.9223372036854775807.9223372036854775807', '1.0.0-99999999999999999999999999999999', '1.0.0+001.0002']) WITH ORDINALITY AS v(t, n) ORDER BY n;
-- semver.org's invalid examples, each with its SQLSTATE and DETAIL.
SELECT n, t, pg_temp.semver_check(t) AS result FROM unnest(ARRAY['1', '1.2', '1.2.3-0123', '1.2.3-0123.0123', '1.1.2+.123', '+invalid', '-invalid', '-invalid+invalid', '-invalid.01', 'alpha', 'alpha.beta', 'alpha.beta.1', 'alpha.1', 'alpha+beta', 'alpha_beta', 'alpha.', 'alpha..', 'beta', '1.0.0-alpha_beta', '-alpha.', '1.0.0-alpha..', '1.0.0-alpha..1', '1.0.0-alpha...1', '1.0.0-alpha....1', '1.0.0-alpha.....1', '1.0.0-alpha......1', '1.0.0-alpha.......1', '01.1.1', '1.01.1', '1.1.01', '1.2', '1.2.3.DEV', '1.2-SNAPSHOT', '1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788', '1.2-RC-SNAPSHOT', '-1.0.3-gamma+b7718', '+justmeta', '9.8.7+meta+meta', '9.8.7-whatever+meta+meta', '99999999999999999999999.999999999999999999.99999999999999999', '99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1--------------------------------..12']) WITH ORDINALITY AS v(t, n) ORDER BY n;
-- The full error of a few, inline.
SELECT '1.2'::semver;
SELECT '1.2.3-0123'::semver;
SELECT '01.1.1'::semver;
SELECT '1.0.0-alpha..1'::semver;
SELECT '1.0.0-alpha_beta'::semver;
SELECT '9.8.7+meta+meta'::semver;
SELECT '1.2-SNAPSHOT'::semver;
SELECT ''::semver;
SELECT 'v1.2.3'::semver;
SELECT '=1.2.3'::semver;
SELECT '1.2.3 -beta'::semver;
SELECT E'1.0.0-\x7f'::semver;
SELECT '1.0.0-'::semver;
SELECT '1.0.0+'::semver;
SELECT '1.2.3.'::semver;
-- Numbers are bigint: the largest is accepted, one more is out of range.
SELECT '9223372036854775807.9223372036854775807.9223372036854775807'::semver;
SELECT '9223372036854775808.0.0'::semver;
SELECT '0.0.9223372036854775808'::semver;
SELECT '99999999999999999999999.999999999999999999.99999999999999999'::semver;
-- Numeric pre-release identifiers are not numbers: any length is fine.
SELECT '1.0.0-99999999999999999999999999999999'::semver;
-- Surrounding whitespace is ignored; inside it is an error.
SELECT '  1.2.3  '::semver;
SELECT E'\t1.2.3-rc.1+b\n'::semver;
SELECT '1.2.3 beta'::semver;
SELECT '1. 2.3'::semver;
-- At most 1024 bytes (after trimming).
SELECT length(('1.0.0-' || repeat('a', 1018))::semver::text) AS len;
SELECT length(('1.0.0-' || repeat('a', 1010) || '+' || repeat('b', 7))::semver::text) AS len;
SELECT ('1.0.0-' || repeat('a', 1019))::semver;
SELECT (repeat(' ', 2000) || '1.0.0' || repeat(' ', 2000))::semver;
-- Casts both ways, and NULL.
SELECT '1.2.3-rc.1+b.5'::text::semver::text;
SELECT NULL::semver IS NULL AS is_null;
--
-- Precedence (semver.org section 11)
--
-- Each adjacent pair of 11.2 and 11.4, both ways round.
SELECT a, b, a::semver < b::semver AS lt, b::semver > a::semver AS gt, a::semver = b::semver AS eq, semver_cmp(a::semver, b::semver) AS cmp, semver_cmp(b::semver, a::semver) AS rcmp FROM (VALUES (1, '1.0.0', '2.0.0'), (2, '2.0.0', '2.1.0'), (3, '2.1.0', '2.1.1'), (4, '1.0.0-alpha', '1.0.0'), (5, '1.0.0-alpha', '1.0.0-alpha.1'), (6, '1.0.0-alpha.1', '1.0.0-alpha.beta'), (7, '1.0.0-alpha.beta', '1.0.0-beta'), (8, '1.0.0-beta', '1.0.0-beta.2'), (9, '1.0.0-beta.2', '1.0.0-beta.11'), (10, '1.0.0-beta.11', '1.0.0-rc.1'), (11, '1.0.0-rc.1', '1.0.0')) AS p(n, a, b) ORDER BY n;
-- Sorting a shuffled list gives the order of semver.org, not text order.
SELECT v FROM unnest('{1.0.0-beta.11, 2.1.1, 1.0.0-rc.1, 1.0.0-alpha.beta, 2.0.0, 1.0.0, 1.0.0-beta.2, 1.0.0-alpha, 2.1.0, 1.0.0-beta, 1.0.0-alpha.1}'::semver[]) AS v ORDER BY v;
SELECT v FROM unnest('{1.0.0-beta.11, 2.1.1, 1.0.0-rc.1, 1.0.0-alpha.beta, 2.0.0, 1.0.0, 1.0.0-beta.2, 1.0.0-alpha, 2.1.0, 1.0.0-beta, 1.0.0-alpha.1}'::semver[]) AS v ORDER BY v DESC;
-- Numbers compare numerically, identifiers by the rules of 11.4.
SELECT a, b, semver_cmp(a::semver, b::semver) AS cmp FROM (VALUES (1, '9.0.0', '10.0.0'), (2, '1.9.0', '1.10.0'), (3, '1.0.9', '1.0.10'), (4, '1.0.0-2', '1.0.0-10'), (5, '1.0.0-9999999999999999999999', '1.0.0-99999999999999999999999'), (6, '1.0.0-99999999999999999999999', '1.0.0-100000000000000000000000'), (7, '1.0.0-99', '1.0.0-0A'), (8, '1.0.0-999', '1.0.0-a'), (9, '1.0.0-Z', '1.0.0-a'), (10, '1.0.0-a-', '1.0.0-a0'), (11, '1.0.0-alpha', '1.0.0-alpha.0'), (12, '1.0.0-a.b.c', '1.0.0-a.b.c.d'), (13, '1.0.0-abc', '1.0.0-abd'), (14, '1.0.0-ab', '1.0.0-abc'), (15, '0.0.0-0', '0.0.0'), (16, '1.0.0-0', '1.0.0-00a'), (17, '2.0.0-rc.1', '1.99.99'), (18, '9223372036854775806.0.0', '9223372036854775807.0.0')) AS p(n, a, b) ORDER BY n;
-- Every operator on a lower, an equal (other build) and a higher pair.
SELECT a, b, a::semver < b::semver AS lt, a::semver <= b::semver AS le, a::semver = b::semver AS eq, a::semver <> b::semver AS ne, a::semver >= b::semver AS ge, a::semver > b::semver AS gt FROM (VALUES (1, '1.0.0-rc.1', '1.0.0'), (2, '1.0.0+a', '1.0.0+b'), (3, '1.0.1', '1.0.0+z')) AS p(n, a, b) ORDER BY n;
--
-- Build metadata is ignored by precedence, equality and hashing
--
SELECT '1.0.0+a'::semver = '1.0.0+b'::semver AS eq, '1.0.0'::semver = '1.0.0+b'::semver AS eq_none, '1.0.0-rc.1+x'::semver = '1.0.0-rc.1+y.z'::semver AS eq_pre;
SELECT semver_hash('1.0.0+a') = semver_hash('1.0.0+b') AS hash_eq, semver_hash('1.0.0') = semver_hash('1.0.0+b') AS hash_eq_none, semver_hash_extended('1.0.0-rc.1+a', 42) = semver_hash_extended('1.0.0-rc.1+b', 42) AS xhash_eq;
SELECT semver_hash('1.0.0') <> semver_hash('1.0.1') AS hash_ne, semver_hash('1.0.0') <> semver_hash('1.0.0-rc.1') AS hash_ne_pre, semver_hash_extended('1.0.0', 0) <> semver_hash_extended('1.0.0', 1) AS seeded;
-- The 64-bit hash with seed 0 agrees with the 32-bit one in its low bits.
SELECT (semver_hash_extended(v, 0) & 4294967295) = (semver_hash(v)::bigint & 4294967295) AS low_bits_agree FROM unnest('{0.0.0, 1.2.3-rc.1+b, 9223372036854775807.1.2}'::semver[]) AS v;
--
-- Keys, indexes, DISTINCT, GROUP BY and joins
--
CREATE TABLE semver_tbl (id int PRIMARY KEY, v semver NOT NULL);
INSERT INTO semver_tbl SELECT n, v FROM unnest('{2.0.0, 1.0.0+a, 1.0.0-rc.1, 1.0.0+b, 1.10.0, 1.9.0, 1.0.0, 2.0.0-alpha, 1.0.0-rc.1+x, 0.1.0}'::semver[]) WITH ORDINALITY AS u(v, n);
SELECT count(*) AS n, count(DISTINCT v) AS distinct_versions FROM semver_tbl;
-- GROUP BY and DISTINCT, by hashing and by sorting: the same groups.
SET enable_hashagg = on;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM semver_tbl GROUP BY v;
SELECT min(v::text) AS v, count(*), string_agg(coalesce(semver_build(v), '-'), ',' ORDER BY semver_build(v)) AS builds FROM semver_tbl GROUP BY v ORDER BY v;
SELECT count(*) FROM (SELECT DISTINCT v FROM semver_tbl) AS d;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM semver_tbl GROUP BY v;
SELECT min(v::text) AS v, count(*), string_agg(coalesce(semver_build(v), '-'), ',' ORDER BY semver_build(v)) AS builds FROM semver_tbl GROUP BY v ORDER BY v;
SELECT count(*) FROM (SELECT DISTINCT v FROM semver_tbl) AS d;
RESET enable_hashagg;
-- Joins on =, by hash, merge and nested loop: 1.0.0+x matches 1.0.0, 1.0.0+a and 1.0.0+b.
CREATE TABLE semver_ref (v semver);
INSERT INTO semver_ref VALUES ('1.0.0+x'), ('2.0.0'), ('1.0.0-rc.1+y'), ('3.0.0');
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT t.id, t.v, r.v FROM semver_tbl t JOIN semver_ref r ON t.v = r.v;
SELECT t.id, t.v, r.v AS ref FROM semver_tbl t JOIN semver_ref r ON t.v = r.v ORDER BY t.id;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT t.id, t.v, r.v FROM semver_tbl t JOIN semver_ref r ON t.v = r.v;
SELECT t.id, t.v, r.v AS ref FROM semver_tbl t JOIN semver_ref r ON t.v = r.v ORDER BY t.id;
RESET enable_nestloop;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT t.id, t.v, r.v FROM semver_tbl t JOIN semver_ref r ON t.v = r.v;
SELECT t.id, t.v, r.v AS ref FROM semver_tbl t JOIN semver_ref r ON t.v = r.v ORDER BY t.id;
RESET enable_mergejoin;
RESET enable_hashjoin;
-- A btree index orders by precedence and serves ranges, min and max.
CREATE INDEX semver_tbl_v ON semver_tbl (v);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id, v FROM semver_tbl WHERE v >= '1.0.0' AND v < '2.0.0' ORDER BY v;
SELECT id, v FROM semver_tbl WHERE v >= '1.0.0' AND v < '2.0.0' ORDER BY v, id;
EXPLAIN (COSTS OFF) SELECT max(v) FROM semver_tbl;
SELECT min(v), max(v) FROM semver_tbl;
-- A hash index finds a version whatever its build metadata.
CREATE INDEX semver_tbl_v_hash ON semver_tbl USING hash (v);
EXPLAIN (COSTS OFF) SELECT id FROM semver_tbl WHERE v = '1.0.0+other';
SELECT id, v FROM semver_tbl WHERE v = '1.0.0+other' ORDER BY id;
RESET enable_seqscan;
-- A unique index treats 1.0.0+a and 1.0.0+b as the same key.
CREATE TABLE semver_uniq (v semver PRIMARY KEY);
INSERT INTO semver_uniq VALUES ('1.0.0+a');
INSERT INTO semver_uniq VALUES ('1.0.0+b');
INSERT INTO semver_uniq VALUES ('1.0.0-rc.1+b');
INSERT INTO semver_uniq VALUES ('1.0.0+b') ON CONFLICT (v) DO UPDATE SET v = excluded.v;
SELECT v FROM semver_uniq ORDER BY v;
-- Hash partitioning uses the extended hash: equal versions land together.
CREATE TABLE semver_part (v semver) PARTITION BY HASH (v);
CREATE TABLE semver_part_0 PARTITION OF semver_part FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE semver_part_1 PARTITION OF semver_part FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE semver_part_2 PARTITION OF semver_part FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO semver_part SELECT ('1.' || i || '.0+b' || j)::semver FROM generate_series(0, 29) AS i, generate_series(1, 3) AS j;
SELECT count(*) AS versions_split_across_partitions FROM (SELECT v FROM semver_part GROUP BY v HAVING count(DISTINCT tableoid) > 1) AS s;
SELECT count(DISTINCT tableoid) AS partitions_used FROM semver_part;
--
-- min, max, larger and smaller
--
SELECT min(v), max(v) FROM unnest('{1.0.0-rc.1, 1.0.0-beta.11, 1.0.0-beta.2, 0.9.0, 1.0.0}'::semver[]) AS v;
SELECT min(v), max(v) FROM semver_tbl WHERE false;
SELECT semver_larger('1.0.0', '1.0.0-rc.1'), semver_smaller('1.0.0', '1.0.0-rc.1');
-- On equal precedence the first argument wins.
SELECT semver_larger('1.0.0+a', '1.0.0+b'), semver_smaller('1.0.0+a', '1.0.0+b');
--
-- Accessors
--
SELECT v, semver_major(v), semver_minor(v), semver_patch(v), semver_prerelease(v), semver_build(v) FROM unnest('{0.0.0, 1.2.3, 1.2.3-rc.1, 1.2.3+b.5, 1.2.3-rc.1.2+b.5-x, 9223372036854775807.9223372036854775806.9223372036854775805}'::semver[]) WITH ORDINALITY AS u(v, n) ORDER BY n;
SELECT semver_prerelease('1.2.3') IS NULL AS no_pre, semver_build('1.2.3') IS NULL AS no_build, semver_major(NULL) IS NULL AS strict;
--
-- Binary send and receive
--
SELECT semver_send('1.2.3-rc.1+b5');
CREATE TABLE semver_copy (id int, v semver);
\copy (SELECT id, v FROM semver_tbl ORDER BY id) TO 'results/semver_copy.bin' WITH (FORMAT binary)
\copy semver_copy FROM 'results/semver_copy.bin' WITH (FORMAT binary)
-- Every value comes back as it was, build metadata included.
SELECT c.id, c.v, c.v::text = t.v::text AS identical FROM semver_copy c JOIN semver_tbl t USING (id) ORDER BY c.id;
-- Received bytes are validated like text input. A bytea column's binary
-- form is its raw bytes, so it can carry crafted input to semver_recv.
CREATE TABLE semver_received (v semver);
\copy (SELECT '\x02312e322e33'::bytea) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
\copy (SELECT '\x'::bytea) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
\copy (SELECT '\x01312e32'::bytea) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
\copy (SELECT '\x01312e322e332d3031'::bytea) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
\copy (SELECT '\x01'::bytea) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
\copy (SELECT decode('01', 'hex') || convert_to('1.0.0-' || repeat('a', 1019), 'UTF8')) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
-- Surrounding whitespace is ignored there too, as in text input.
\copy (SELECT '\x0120312e322e332d72632e3120'::bytea) TO 'results/semver_bad.bin' WITH (FORMAT binary)
\copy semver_received FROM 'results/semver_bad.bin' WITH (FORMAT binary)
SELECT v FROM semver_received;
--
-- Ranges (node-semver semantics)
--
-- Each form of range, against versions inside, outside and at the edges.
-- expected is node-semver 7's answer (for numbers above 2^53, which
-- node-semver refuses, the answer its rules give).
CREATE TABLE semver_matrix (n int PRIMARY KEY, r text NOT NULL, v text NOT NULL, expected boolean NOT NULL);
INSERT INTO semver_matrix VALUES
(1, '1.2.3', '1.2.3', true),
(2, '=1.2.3', '1.2.3', true),
(3, '=1.2.3', '1.2.4', false),
(4, 'v1.2.3', '1.2.3', true),
(5, '=v1.2.3', '1.2.3', true),
(6, '1.2.3', '1.2.3+build.7', true),
(7, '1.2.3+build.1', '1.2.3+build.2', true),
(8, '1.2.3-rc.1', '1.2.3-rc.1', true),
(9, '1.2.3-rc.1', '1.2.3', false),
(10, '>=1.2.7', '1.2.7', true),
(11, '>=1.2.7', '1.2.8', true),
(12, '>=1.2.7', '2.5.3', true),
(13, '>=1.2.7', '1.3.9', true),
(14, '>=1.2.7', '1.2.6', false),
(15, '>=1.2.7', '1.1.0', false),
(16, '>=1.2.7 <1.3.0', '1.2.7', true),
(17, '>=1.2.7 <1.3.0', '1.2.99', true),
(18, '>=1.2.7 <1.3.0', '1.2.6', false),
(19, '>=1.2.7 <1.3.0', '1.3.0', false),
(20, '>=1.2.7 <1.3.0', '1.3.0-beta', false),
(21, '>= 1.2.7   < 1.3.0', '1.2.8', true),
(22, '1.2.7 || >=1.2.9 <2.0.0', '1.2.7', true),
(23, '1.2.7 || >=1.2.9 <2.0.0', '1.2.9', true),
(24, '1.2.7 || >=1.2.9 <2.0.0', '1.4.6', true),
(25, '1.2.7 || >=1.2.9 <2.0.0', '1.2.8', false),
(26, '1.2.7 || >=1.2.9 <2.0.0', '2.0.0', false),
(27, '1.2.7||>=1.2.9 <2.0.0', '1.4.6', true),
(28, '>1.2.3-alpha.3', '1.2.3-alpha.7', true),
(29, '>1.2.3-alpha.3', '1.2.3-alpha.3', false),
(30, '>1.2.3-alpha.3', '1.2.3-alpha.2', false),
(31, '>1.2.3-alpha.3', '3.4.5-alpha.9', false),
(32, '>1.2.3-alpha.3', '3.4.5', true),
(33, '>1.2.3-alpha.3', '1.2.3', true),
(34, '>1.2', '1.2.9', false),
(35, '>1.2', '1.3.0', true),
(36, '>1.2', '1.3.0-alpha', false),
(37, '>1', '1.9.9', false),
(38, '>1', '2.0.0', true),
(39, '>=1.2', '1.2.0', true),
(40, '>=1.2', '1.2.0-rc.1', false),
(41, '<1.2', '1.1.99', true),
(42, '<1.2', '1.2.0', false),
(43, '<1.2', '1.2.0-rc.1', false),
(44, '<=1.2', '1.2.99', true),
(45, '<=1.2', '1.3.0', false),
(46, '<=1', '1.99.0', true),
(47, '<=1', '2.0.0', false),
(48, '<1.2.3', '1.2.2', true),
(49, '<1.2.3', '1.2.3-beta', false),
(50, '<=1.2.3', '1.2.3', true),
(51, '<=1.2.3', '1.2.3+meta', true),
(52, '>1.2.3', '1.2.3', false),
(53, '>1.2.3', '1.2.4-alpha', false),
(54, '>1.2.3', '1.2.4', true),
(55, '1.2.3 - 2.3.4', '1.2.3', true),
(56, '1.2.3 - 2.3.4', '2.3.4', true),
(57, '1.2.3 - 2.3.4', '2.3.5', false),
(58, '1.2.3 - 2.3.4', '1.2.2', false),
(59, '1.2 - 2.3.4', '1.2.0', true),
(60, '1.2 - 2.3.4', '1.1.9', false),
(61, '1.2.3 - 2.3', '2.3.99', true),
(62, '1.2.3 - 2.3', '2.4.0', false),
(63, '1.2.3 - 2.3', '2.4.0-0', false),
(64, '1.2.3 - 2', '2.99.99', true),
(65, '1.2.3 - 2', '3.0.0', false),
(66, '1.2 - 1.4', '1.4.7', true),
(67, '1.2 - 1.4', '1.5.0', false),
(68, '1.2 - 1.4', '1.1.0', false),
(69, '* - 2', '1.0.0', true),
(70, '1.2.3-beta.2 - 2.0.0-rc.1', '1.2.3-beta.5', true),
(71, '1.2.3-beta.2 - 2.0.0-rc.1', '2.0.0-rc.1', true),
(72, '1.2.3-beta.2 - 2.0.0-rc.1', '2.0.0-rc.2', false),
(73, '1.2.3-beta.2 - 2.0.0-rc.1', '1.5.0-beta.5', false),
(74, 'v1.2.3 - v2.3.4', '2.0.0', true),
(75, '*', '0.0.0', true),
(76, '*', '99.99.99', true),
(77, '*', '1.0.0-beta', false),
(78, 'x', '3.4.5', true),
(79, 'X', '3.4.5', true),
(80, '', '1.0.0', true),
(81, '', '1.0.0-beta', false),
(82, '1.x', '1.0.0', true),
(83, '1.x', '1.99.99', true),
(84, '1.x', '2.0.0', false),
(85, '1.x', '2.0.0-alpha', false),
(86, '1.x', '1.5.0-alpha', false),
(87, '1.2.*', '1.2.0', true),
(88, '1.2.*', '1.2.99', true),
(89, '1.2.*', '1.3.0', false),
(90, '1.X.x', '1.9.0', true),
(91, '*.*.*', '0.1.0', true),
(92, '1', '1.9.9', true),
(93, '1', '2.0.0', false),
(94, '1.2', '1.2.5', true),
(95, '1.2', '1.3.0', false),
(96, '>*', '1.0.0', false),
(97, '<*', '1.0.0', false),
(98, '>=*', '1.0.0', true),
(99, '~1.2.3', '1.2.3', true),
(100, '~1.2.3', '1.2.9', true),
(101, '~1.2.3', '1.3.0', false),
(102, '~1.2.3', '1.2.2', false),
(103, '~1.2', '1.2.0', true),
(104, '~1.2', '1.2.9', true),
(105, '~1.2', '1.3.0', false),
(106, '~1', '1.9.9', true),
(107, '~1', '2.0.0', false),
(108, '~0.2.3', '0.2.9', true),
(109, '~0.2.3', '0.3.0', false),
(110, '~0', '0.9.0', true),
(111, '~0', '1.0.0', false),
(112, '~>1.2', '1.2.7', true),
(113, '~> 1.2', '1.3.0', false),
(114, '~1.2.3-beta.2', '1.2.3-beta.4', true),
(115, '~1.2.3-beta.2', '1.2.3-beta.1', false),
(116, '~1.2.3-beta.2', '1.2.4-beta.2', false),
(117, '~1.2.3-beta.2', '1.2.4', true),
(118, '^1.2.3', '1.2.3', true),
(119, '^1.2.3', '1.9.9', true),
(120, '^1.2.3', '2.0.0', false),
(121, '^1.2.3', '2.0.0-0', false),
(122, '^1.2.3', '1.2.2', false),
(123, '^1.2', '1.2.0', true),
(124, '^1.2', '1.99.0', true),
(125, '^1.2', '2.0.0', false),
(126, '^1', '1.0.0', true),
(127, '^1', '2.0.0', false),
(128, '^0.2.3', '0.2.3', true),
(129, '^0.2.3', '0.2.99', true),
(130, '^0.2.3', '0.3.0', false),
(131, '^0.0.3', '0.0.3', true),
(132, '^0.0.3', '0.0.4', false),
(133, '^0.0.3', '0.0.4-0', false),
(134, '^1.2.3-beta.2', '1.2.3-beta.4', true),
(135, '^1.2.3-beta.2', '1.2.4-beta.2', false),
(136, '^1.2.3-beta.2', '1.9.0', true),
(137, '^0.0.3-beta', '0.0.3-pr.2', true),
(138, '^0.0.3-beta', '0.0.3', true),
(139, '^0.0.3-beta', '0.0.4', false),
(140, '^1.2.x', '1.9.0', true),
(141, '^1.2.x', '2.0.0', false),
(142, '^0.0.x', '0.0.9', true),
(143, '^0.0.x', '0.1.0', false),
(144, '^0.0', '0.0.5', true),
(145, '^0.0', '0.1.0', false),
(146, '^1.x', '1.5.0', true),
(147, '^1.x', '2.0.0', false),
(148, '^0.x', '0.9.0', true),
(149, '^0.x', '1.0.0', false),
(150, '^0', '0.5.0', true),
(151, '^0', '1.0.0', false),
(152, '^*', '1.0.0', true),
(153, '^ 1.2', '1.5.0', true),
(154, '>=1.0.0-0 <2.0.0', '1.0.0-alpha', true),
(155, '>=1.0.0 <2.0.0', '1.5.0-alpha', false),
(156, '>=1.0.0 <2.0.0-0', '1.5.0', true),
(157, '<2.0.0-beta', '2.0.0-alpha', true),
(158, '<2.0.0-beta', '2.0.0-beta', false),
(159, '1.2.3-beta || *', '1.2.3-beta', false),
(160, '1.2.3-beta || *', '1.2.3', true),
(161, '1.0.0 ||', '2.0.0', true),
(162, '||', '2.0.0', true),
(163, '1.0.0 || 2.0.0 || 3.0.0', '2.0.0', true),
(164, '1.0.0 || 2.0.0 || 3.0.0', '2.5.0', false),
(165, '^1.0.0 || ^2.0.0-rc.1', '2.0.0-rc.3', true),
(166, '^1.0.0 || ^2.0.0-rc.1', '2.1.0-rc.3', false),
(167, '9223372036854775807', '9223372036854775807.0.0', true),
(168, '>9223372036854775806', '9223372036854775807.5.0', true),
(169, '^9223372036854775807.1', '9223372036854775807.9223372036854775807.9223372036854775807', true),
(170, '~1.9223372036854775807', '2.0.0-0', false),
(171, '<=1.9223372036854775807', '1.9223372036854775807.9223372036854775807', true),
(172, '>1.9223372036854775807', '2.0.0', true),
(173, '>1.9223372036854775807', '2.0.0-0', false),
(174, '>9223372036854775807', '9223372036854775807.9223372036854775807.9223372036854775807', false)
;
SELECT n, r AS range, v AS version, semver_satisfies(v::semver, r) AS satisfies, expected FROM semver_matrix ORDER BY n;
SELECT count(*) AS mismatches FROM semver_matrix WHERE semver_satisfies(v::semver, r) IS DISTINCT FROM expected;
-- Pre-releases: only through a comparator of the same set with the same
-- major.minor.patch and a pre-release.
SELECT semver_satisfies('1.2.3-alpha.7', '>1.2.3-alpha.3') AS same_tuple, semver_satisfies('3.4.5-alpha.9', '>1.2.3-alpha.3') AS other_tuple, semver_satisfies('3.4.5-alpha.9', '>1.2.3-alpha.3 || >=3.4.5-alpha.1 <3.4.5') AS other_set;
-- An invalid range is an error even when an earlier alternative matches.
SELECT semver_satisfies('1.0.0', '1.0.0 || garbage');
SELECT semver_satisfies('1.0.0', '>=1.0.0 <');
SELECT semver_satisfies('1.0.0', '1.2.3 - ');
SELECT semver_satisfies('1.0.0', '1 | 2');
SELECT semver_satisfies('1.0.0', '>=1.0.0<2.0.0');
SELECT semver_satisfies('1.0.0', '1.x.3');
SELECT semver_satisfies('1.0.0', '1.2-beta');
SELECT semver_satisfies('1.0.0', '^01.2');
SELECT semver_satisfies('1.0.0', '1.0 2.0 - 3.0');
SELECT semver_satisfies('1.0.0', '1.0 - 2.0 3.0');
SELECT semver_satisfies('1.0.0', 'v=1.2.3');
SELECT semver_satisfies('1.0.0', '99999999999999999999');
SELECT semver_satisfies('1.0.0', repeat('1.0.0 || ', 500));
-- Every invalid seed range, with its SQLSTATE and DETAIL.
\set ranges_invalid `cat test/data/semver/ranges-invalid.txt`
SELECT n, r AS range, pg_temp.range_check(r) AS result FROM regexp_split_to_table(:'ranges_invalid', E'\n') WITH ORDINALITY AS s(r, n) ORDER BY n;
-- semver_range_valid says so instead of raising an error.
SELECT r AS range, semver_range_valid(r) AS valid FROM unnest(ARRAY['^1.2', '>=1.0.0 <2.0.0 || 3.x', '', '  ', '1.2.3 - 2', '>=', '1.x.3', 'latest']) WITH ORDINALITY AS u(r, n) ORDER BY n;
SELECT semver_range_valid(repeat(' ', 4091) || '1.2.3') AS at_limit, semver_range_valid(repeat(' ', 4097)) AS over_limit, semver_range_valid(NULL) IS NULL AS strict;
--
-- The seed files under test/data/semver agree with the parser.
--
\set versions_valid `cat test/data/semver/versions-valid.txt`
\set versions_invalid `cat test/data/semver/versions-invalid.txt`
\set ranges_valid `cat test/data/semver/ranges-valid.txt`
SELECT t AS should_be_valid FROM regexp_split_to_table(:'versions_valid', E'\n') AS t WHERE pg_temp.semver_check(t) <> 'valid';
SELECT t AS should_be_invalid FROM regexp_split_to_table(:'versions_invalid', E'\n') AS t WHERE pg_temp.semver_check(t) = 'valid';
SELECT r AS should_be_valid FROM regexp_split_to_table(:'ranges_valid', E'\n') AS r WHERE NOT semver_range_valid(r);
SELECT count(*) AS seeds FROM regexp_split_to_table(:'versions_valid' || E'\n' || :'versions_invalid' || E'\n' || :'ranges_valid' || E'\n' || :'ranges_invalid', E'\n');
--
-- Clean up
--
DROP TABLE semver_tbl, semver_ref, semver_uniq, semver_part, semver_copy, semver_received, semver_matrix;
-- A long invalid input is quoted clipped, not whole.
SELECT (repeat('1', 300) || '.x')::semver;
