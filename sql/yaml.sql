--
-- YAML to jsonb and back: mesh_yaml_to_jsonb, mesh_yaml_documents, mesh_jsonb_to_yaml.
-- Hostile input (limits, bombs, encodings, cancellation) is in yaml_hostile.sql.
--
SET search_path = meshcat, meshcat_internal, public;
\pset null '<NULL>'

--
-- Plain scalars resolve by the YAML 1.2 core schema; quoted ones stay strings.
--
CREATE TEMP TABLE core_schema (n serial, plain text);
INSERT INTO core_schema (plain) VALUES
    ('~'), ('null'), ('Null'), ('NULL'), (''), ('nULL'), ('nul'),
    ('true'), ('True'), ('TRUE'), ('false'), ('False'), ('FALSE'), ('tRUE'),
    ('yes'), ('no'), ('on'), ('off'), ('y'), ('n'),
    ('0'), ('42'), ('-17'), ('+17'), ('007'), ('-0'), ('12345678901234567890123'),
    ('0o17'), ('0o0'), ('0o8'), ('0x1F'), ('0xff'), ('0xFFFFFFFFFFFFFFFFFFFF'), ('0x'), ('0xG'), ('-0x1F'), ('0b101'),
    ('1.5'), ('-1.5'), ('.5'), ('-.5'), ('1.'), ('1e3'), ('1E-3'), ('+1.5e+2'), ('6.02e23'), ('1.e2'),
    ('.'), ('+'), ('e3'), ('1e'), ('1.2.3'), ('1_000'), ('1,5'),
    ('.inf'), ('.Inf'), ('.INF'), ('+.inf'), ('-.inf'), ('.nan'), ('.NaN'), ('.NAN'), ('-.nan'), ('.iNF'),
    ('2001-12-14'), ('12:30:00'), ('2.1.0'), ('^1.2'), ('99.95%'), ('hello world'), ('<<');
SELECT n, plain, mesh_yaml_to_jsonb('v: ' || plain) -> 'v' AS value,
       jsonb_typeof(mesh_yaml_to_jsonb('v: ' || plain) -> 'v') AS type
  FROM core_schema ORDER BY n;

-- the same texts quoted are strings
SELECT n, plain FROM core_schema
 WHERE mesh_yaml_to_jsonb('v: ''' || plain || '''') -> 'v' IS DISTINCT FROM to_jsonb(plain)
    OR mesh_yaml_to_jsonb('v: "' || plain || '"') -> 'v' IS DISTINCT FROM to_jsonb(plain)
 ORDER BY n;

-- numbers are exact
SELECT mesh_yaml_to_jsonb('[12345678901234567890123, -0.000000000000000000001, 3.14159265358979323846264338327950288, 0xDEADBEEFDEADBEEFDEADBEEF, 0o7777777777777777777777777]');
SELECT (mesh_yaml_to_jsonb('12345678901234567890123')::text)::numeric = 12345678901234567890123 AS exact;

-- a scalar document, at the top
SELECT mesh_yaml_to_jsonb('hello');
SELECT mesh_yaml_to_jsonb('42');
SELECT mesh_yaml_to_jsonb('"42"');
SELECT mesh_yaml_to_jsonb('~');

--
-- Quoted and block scalars.
--
SELECT mesh_yaml_to_jsonb($$
single: 'it''s # not a comment'
double: "tab\tnewline\nunicode \u00e9 \U0001F600 slash \/ quote \" backslash \\"
plain: a plain scalar, with words # and a comment
multi: a plain
  scalar over
  three lines
$$);
SELECT mesh_yaml_to_jsonb($$
literal: |
  line 1
    indented
  line 3

literal_strip: |-
  no trailing newline
literal_keep: |+
  keeps trailing newlines

folded: >
  folded
  into one line

  new paragraph
folded_strip: >-
  folded
  and stripped
indented: |2
    two extra spaces
last: end
$$);

--
-- Block and flow collections, nesting, keys.
--
SELECT mesh_yaml_to_jsonb($$
block:
  - a
  - b: 1
    c: 2
  - - nested
    - [flow, inside, block]
  -
flow: {a: [1, {b: [2, [3, []]]}], c: {}}
empty_value:
? explicit key
: explicit value
1: integer key
true: boolean key
~: null key
1.50: float key as written
"quoted key": v
$$);
SELECT mesh_yaml_to_jsonb('[[[[]]], [[[1]]]]');
SELECT mesh_yaml_to_jsonb('- - - deep');
-- jsonb sorts keys, as it does for JSON
SELECT mesh_yaml_to_jsonb(E'zebra: 1\napple: 2\nmango: 3\nab: 4');

--
-- Comments, directives, document markers.
--
SELECT mesh_yaml_to_jsonb(E'# leading comment\n%YAML 1.2\n---\na: 1 # trailing\n# between\nb: 2\n...\n');
SELECT mesh_yaml_to_jsonb(E'%TAG !e! tag:yaml.org,2002:\n---\na: !e!int "12"\n');
SELECT mesh_yaml_to_jsonb(E'\uFEFFa: bom is skipped');

--
-- Anchors, aliases and merge keys.
--
SELECT mesh_yaml_to_jsonb($$
scalar: &s hello
list: &l [1, 2, *s]
map: &m {x: 1, y: [*l, *l]}
again: [*s, *l, *m]
redefined: &s bye
after: *s
$$);
SELECT mesh_yaml_to_jsonb($$
base: &base {type: text, required: false, pii: false}
extra: &extra {pii: true, classification: restricted}
one:
  <<: *base
  name: email
  required: true
two:
  name: phone
  <<: [*extra, *base]
three: {<<: {inline: merge}, own: 1}
four: {"<<": quoted is a plain key}
five: {!!merge <<: *extra}
$$);
-- an anchored key is a key; its alias works as a value or as a key
SELECT mesh_yaml_to_jsonb(E'&k code: 1\nother: *k\nnested: {*k : 2}\n');
SELECT mesh_yaml_to_jsonb(E'- &k 42\n- *k\n- {*k : x}');
-- an anchor and its alias are the same value
SELECT mesh_yaml_to_jsonb(E'a: &x {k: [1, 2]}\nb: *x') -> 'a' = mesh_yaml_to_jsonb(E'a: &x {k: [1, 2]}\nb: *x') -> 'b' AS same;

--
-- Explicit tags.
--
SELECT mesh_yaml_to_jsonb($$
str: !!str 42
str_bool: !!str true
str_null: !!str
int: !!int "42"
hex: !!int 0x2A
float: !!float 1
float_q: !!float "2.5e1"
bool: !!bool "true"
null: !!null ""
null2: !!null ~
map: !!map {a: 1}
seq: !!seq [1]
nonspecific: ! 12
verbatim: !<tag:yaml.org,2002:int> "7"
inf: !!float .inf
$$);
SELECT mesh_yaml_to_jsonb('a: !!int 4.5');
SELECT mesh_yaml_to_jsonb('a: !!bool yes');
SELECT mesh_yaml_to_jsonb('a: !!null 0');
SELECT mesh_yaml_to_jsonb('a: !!float abc');
SELECT mesh_yaml_to_jsonb('a: !!timestamp 2001-12-14');
SELECT mesh_yaml_to_jsonb('a: !Ref other');
SELECT mesh_yaml_to_jsonb('a: !!seq {x: 1}');
SELECT mesh_yaml_to_jsonb('a: !!map [1]');

--
-- JSON is YAML.
--
SELECT mesh_yaml_to_jsonb('{"a": 1, "b": [true, false, null, 1.5e3, "x\/y\u00e9"], "c": {"d": {}}, "e": []}');
SELECT mesh_yaml_to_jsonb('{"compact":1,"list":[1,2,{"k":"v"}]}');
SELECT mesh_yaml_to_jsonb(E'{\n  "pretty": [\n    1,\n    2\n  ]\n}');
-- the same values as PostgreSQL's own JSON reader
SELECT mesh_yaml_to_jsonb(j) = j::jsonb AS same
  FROM (VALUES ('{"a": [1, 2.50, -3e-2, "s", null, true, {"b": {}}]}'), ('[]'), ('"x"'), ('1.0')) v(j);

--
-- Unicode.
--
SELECT mesh_yaml_to_jsonb('名前: データ製品 ✓ 😀');
SELECT mesh_yaml_to_jsonb('"\u263A \x41 \N \_ \L \P"') = to_jsonb(E'\u263A A \u0085 \u00a0 \u2028 \u2029'::text) AS escapes;

--
-- Streams: mesh_yaml_documents gives one row per document, in order.
--
SELECT * FROM mesh_yaml_documents(E'a: 1\n---\nb: 2\n---\n- 3\n');
SELECT * FROM mesh_yaml_documents(E'---\n---\n...\n---\nlast\n');
SELECT count(*) FROM mesh_yaml_documents('');
SELECT count(*) FROM mesh_yaml_documents(E'# only a comment\n');
SELECT ordinality, d FROM mesh_yaml_documents(E'x: &a 1\n---\ny: 2\n') WITH ORDINALITY AS t(d, ordinality) ORDER BY ordinality;
-- anchors do not cross documents
SELECT * FROM mesh_yaml_documents(E'x: &a 1\n---\ny: *a\n');
-- a stream of zero documents is NULL; an empty document is JSON null
SELECT mesh_yaml_to_jsonb('') IS NULL AS sql_null, mesh_yaml_to_jsonb('---') AS json_null;
SELECT mesh_yaml_to_jsonb(E'# nothing here\n') IS NULL AS sql_null;
SELECT mesh_yaml_to_jsonb(E'a: 1\n---\nb: 2\n');

-- a descriptor stream from test/data
\set descriptor `cat test/data/yaml/descriptor.yaml`
SELECT d ->> 'kind' AS kind, d FROM mesh_yaml_documents(:'descriptor') d ORDER BY 1;

--
-- Errors: invalid YAML is 22P02, with line and column.
--
SELECT mesh_yaml_to_jsonb(E'a: 1\nb: 2\na: 3\n');
SELECT mesh_yaml_to_jsonb(E'outer:\n  name: x\n  list: [1]\n  name: y\n');
SELECT mesh_yaml_to_jsonb('{a: 1, b: 2, b: 3}');
SELECT mesh_yaml_to_jsonb(E'1: a\n"1": b\n');
SELECT mesh_yaml_to_jsonb(E'<<: {a: 1}\n<<: {b: 2}\n');
SELECT mesh_yaml_to_jsonb(E'a: 1\n<<: {b: 2}\na: 3\n');
SELECT mesh_yaml_to_jsonb('{<<: 1}');
SELECT mesh_yaml_to_jsonb('{<<: [{a: 1}, 2]}');
SELECT mesh_yaml_to_jsonb('{[1, 2]: a}');
SELECT mesh_yaml_to_jsonb(E'? {a: 1}\n: b\n');
SELECT mesh_yaml_to_jsonb(E'a: &x [1]\n*x : b\n');
SELECT mesh_yaml_to_jsonb('a: *nowhere');
SELECT mesh_yaml_to_jsonb(E'a: &r\n  b: *r\n');
\set invalid `cat test/data/yaml/invalid.yaml`
SELECT mesh_yaml_to_jsonb(:'invalid');
\set unterminated `cat test/data/yaml/unterminated.yaml`
SELECT mesh_yaml_to_jsonb(:'unterminated');
SELECT mesh_yaml_to_jsonb('a: [1, 2');
SELECT mesh_yaml_to_jsonb('a: {b: 1');
SELECT mesh_yaml_to_jsonb(E'a: b\n]\n');
SELECT mesh_yaml_to_jsonb('a: b: c');
SELECT mesh_yaml_to_jsonb(E'- a\nb: c\n');
SELECT mesh_yaml_to_jsonb('"bad escape \q"');
SELECT mesh_yaml_to_jsonb('"nul \0 inside"');
SELECT mesh_yaml_to_jsonb('{"key\u0000": 1}');
SELECT mesh_yaml_to_jsonb('&a');
SELECT mesh_yaml_to_jsonb(E'a: 1\u0001');
-- numbers that numeric cannot hold fail as numeric does, with the position
SELECT length(mesh_yaml_to_jsonb('1e1000')::text) AS digits;
SELECT mesh_yaml_to_jsonb('a: [1, 1e1000000]');
SELECT mesh_yaml_to_jsonb('0x' || repeat('F', 200000));
SELECT mesh_yaml_to_jsonb(E'a: 1\n--- b');

--
-- jsonb to YAML: the format.
--
SELECT mesh_jsonb_to_yaml('{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "customer.customer_360", "version": "2.1.0", "tags": ["customer", "profile"], "sla": {"freshness": "15 minutes", "availability": "99.95%"}, "quality": {"completeness": 0.98}, "owners": {}, "inputs": [], "outputs": [{"name": "profile", "schema": [{"name": "id", "type": "bigint", "required": true}, {"name": "note", "type": null}]}], "description": "Two lines\nof text\n"}');
SELECT mesh_jsonb_to_yaml('"plain string"');
SELECT mesh_jsonb_to_yaml('"multi\nline"');
SELECT mesh_jsonb_to_yaml('"true"');
SELECT mesh_jsonb_to_yaml('12.50');
SELECT mesh_jsonb_to_yaml('null');
SELECT mesh_jsonb_to_yaml('{}');
SELECT mesh_jsonb_to_yaml('[]');
SELECT mesh_jsonb_to_yaml('[[1, [2, []]], [[{}]], {"a": [[]]}]');
SELECT mesh_jsonb_to_yaml('["", " lead", "trail ", "a: b", "a #b", "- x", "? x", "!x", "&x", "*x", "%x", "@x", "`x", "#x", "|", ">", "[x", "{x", "x,y", "''", "\"", "tab\there", "bell\u0007", "é ✓", "1.0", "0x1F", "0o17", "~", "null", ".inf", "yes", "<<", "2001-12-14"]');
SELECT mesh_jsonb_to_yaml(jsonb_build_object(repeat('k', 130), 1, E'multi\nline key', 2));
SELECT mesh_jsonb_to_yaml(to_jsonb(repeat('long line of text ', 20)));

--
-- Round trip: mesh_yaml_to_jsonb(mesh_jsonb_to_yaml(j)) = j for every jsonb value.
--
CREATE TEMP TABLE hostile (n serial, s text);
INSERT INTO hostile (s) VALUES
    (''), (' '), ('  '), (' lead'), ('trail '), (E'\t'), (E'tab\there'), (E'\ttab first'), (E'tab last\t'),
    (E'\n'), (E'\n\n'), (E'line\n'), (E'line\n\n'), (E'\nfirst'), (E'\n indented'), (E' a\nb'), (E'a\n b'), (E'a \nb'),
    (E'a\r\nb'), (E'\r'), (E'  \n  '), (E'\n\n\n'), (E'a\n\nb\n'), (E'---\n'), (E'...\n'), (E'- a\n- b'), (E'a: b\nc: d'), (E'#x\n'),
    ('true'), ('True'), ('TRUE'), ('false'), ('False'), ('null'), ('Null'), ('NULL'), ('~'),
    ('yes'), ('no'), ('on'), ('off'), ('y'), ('n'), ('Y'), ('N'), ('<<'), ('='),
    ('0'), ('-0'), ('1'), ('+1'), ('-1'), ('007'), ('1.5'), ('.5'), ('1.'), ('1e5'), ('1E5'), ('12345678901234567890123'),
    ('.inf'), ('-.inf'), ('+.inf'), ('.Inf'), ('.INF'), ('.nan'), ('.NaN'), ('.NAN'),
    ('0x1F'), ('0xff'), ('0o17'), ('0b101'), ('1_000'), ('2001-12-14'), ('12:30'), ('1:20'), ('2.1.0'), ('^1.2'), ('99.95%'),
    (': '), (':'), ('a: b'), ('a:b'), ('a:'), (':a'), (' #'), ('a #b'), ('a#b'), ('#a'), ('#'),
    ('- '), ('-'), ('--'), ('---'), ('...'), ('- a'), ('-a'), ('? '), ('?'), ('?a'), ('? a'),
    ('!'), ('!a'), ('!!str'), ('&'), ('&a'), ('*'), ('*a'), ('%'), ('%a'), ('%YAML 1.2'), ('@'), ('@a'), ('`'), ('`a'),
    ('|'), ('>'), ('|a'), ('>a'), ('|-'), ('"'), (''''), ('"a"'), ('''a'''), ('a''b'), ('a"b'),
    ('['), (']'), ('{'), ('}'), (','), ('a,b'), ('[a]'), ('{a: b}'), ('{}'), ('[]'), (E'\\'), (E'a\\nb'), ('\u0000'),
    ('é'), ('日本語'), ('😀'), (E'\u0085'), (E'\u2028'), (E'\u2029'), (E'\uFEFF'), (E'\uFEFFa'), (E'\u00A0'), (E'\u00A0a\u00A0'),
    (E'\uFFFD'), (E'\uFFFE'), (E'\uFFFF'), (E'\U0010FFFF'), (E'\u0080'), (E'\u009F'), (E'a\u0085b'), (E'a\u2028b'),
    (E'\x01'), (E'\x1b[0m'), (E'\x7f'), (E'\x08'), (E'\x0b'), (E'\x0c'),
    ('--- a'), ('... a'), ('a ...'), ('null '), (' null'), (' true'), ('0x'), ('0o'), ('+'), ('.'), ('-.'), ('e5'), ('1e'),
    (repeat('x', 200)), (repeat('word ', 100)), (repeat(E'line\n', 50)), (repeat(' ', 10) || 'x' || repeat(' ', 10));
SELECT count(*) AS strings FROM hostile;

CREATE TEMP TABLE roundtrip (n serial, j jsonb);
INSERT INTO roundtrip (j)
    SELECT to_jsonb(s) FROM hostile
    UNION ALL SELECT jsonb_build_array(s) FROM hostile
    UNION ALL SELECT jsonb_build_object(s, s) FROM hostile
    UNION ALL SELECT jsonb_build_object('k', jsonb_build_array(jsonb_build_object(s, jsonb_build_array(s, jsonb_build_object(s, '{}'::jsonb))))) FROM hostile
    UNION ALL SELECT jsonb_build_array(jsonb_build_array(s, jsonb_build_array(jsonb_build_array(s)))) FROM hostile;
-- every single character from U+0001 to U+2FFF, alone, between letters, and after a space
INSERT INTO roundtrip (j)
    SELECT jsonb_build_object(chr(c), jsonb_build_array(chr(c), 'a' || chr(c) || 'b', ' ' || chr(c), chr(c) || ' ', chr(c) || E'\n'))
      FROM generate_series(1, 12287) c WHERE c NOT BETWEEN 55296 AND 57343;
-- numbers as jsonb prints them, and other scalars and containers
INSERT INTO roundtrip (j) VALUES
    ('0'), ('-0'), ('0.0'), ('-0.5'), ('1.50'), ('100'), ('1e-20'), ('-1E+25'), ('123456789012345678901234567890.123456789'),
    ('0.000000000000000000000000000001'), ('true'), ('false'), ('null'), ('""'), ('{}'), ('[]'), ('[{}]'), ('[[]]'), ('{"a": {}}'),
    ('{"": ""}'), ('{"": null}'), ('{"a": null, "b": [null, null]}'), ('[[[[[[[[[[1]]]]]]]]]]'),
    ('{"a": {"b": {"c": {"d": {"e": [1, {"f": []}]}}}}}');
INSERT INTO roundtrip (j)
    SELECT jsonb_build_object('n', (random() * 10 ^ (i % 30))::numeric(40, 10), 'i', (i * 7919) % 1000 - 500, 's', md5(i::text), 'a', jsonb_build_array(i % 2 = 0, NULL, i::text))
      FROM generate_series(1, 500) i;
SELECT count(*) AS values FROM roundtrip;
SELECT n, j, mesh_jsonb_to_yaml(j) AS yaml
  FROM roundtrip
 WHERE mesh_yaml_to_jsonb(mesh_jsonb_to_yaml(j)) IS DISTINCT FROM j
 ORDER BY n;
-- the emitted YAML ends with one newline
SELECT count(*) AS without_final_newline FROM roundtrip
 WHERE right(mesh_jsonb_to_yaml(j), 1) <> E'\n';

-- a sample of the emitted YAML, for the reader
SELECT n, s, mesh_jsonb_to_yaml(jsonb_build_object(s, s)) AS yaml
  FROM hostile WHERE n IN (1, 2, 4, 7, 10, 12, 14, 19, 29, 36, 38, 46, 50, 62, 69, 83, 99, 123, 141, 148)
 ORDER BY n;

-- the descriptor stream survives a round trip, document by document
SELECT count(*) AS documents, bool_and(mesh_yaml_to_jsonb(mesh_jsonb_to_yaml(d)) = d) AS round_trip
  FROM mesh_yaml_documents(:'descriptor') d;

-- Volatility and strictness, as declared.
SELECT proname, provolatile, proisstrict, proparallel, proretset
  FROM pg_proc WHERE pronamespace IN ('meshcat'::regnamespace, 'meshcat_internal'::regnamespace) AND proname ~ 'yaml'
 ORDER BY proname;
SELECT mesh_yaml_to_jsonb(NULL), mesh_jsonb_to_yaml(NULL);

--
-- The jsonb is laid out exactly as PostgreSQL lays it out: the same size, and
-- lookups by key and by position (which read the binary layout directly) agree,
-- including containers of more than 32 entries and aligned numbers.
--
CREATE TEMP TABLE layout AS
    SELECT j, mesh_jsonb_to_yaml(j) AS t, mesh_yaml_to_jsonb(mesh_jsonb_to_yaml(j)) AS y FROM roundtrip
    UNION ALL
    SELECT t::jsonb, t, mesh_yaml_to_jsonb(t) FROM (VALUES
        ((SELECT jsonb_object_agg('k' || i, CASE i % 5 WHEN 0 THEN to_jsonb(i * 1.5) WHEN 1 THEN to_jsonb(repeat('s', i % 7)) WHEN 2 THEN jsonb_build_array(i, NULL, true) WHEN 3 THEN jsonb_build_object('n', -i) ELSE 'null' END)::text FROM generate_series(1, 300) i)),
        ((SELECT jsonb_agg(CASE i % 4 WHEN 0 THEN to_jsonb(i) WHEN 1 THEN to_jsonb('x' || i) WHEN 2 THEN jsonb_build_object('a', i, 'bb', jsonb_build_array(i)) ELSE to_jsonb(i % 3 = 0) END)::text FROM generate_series(1, 300) i))
    ) v(t);
SELECT count(*) AS values,
       count(*) FILTER (WHERE pg_column_size(j::text::jsonb) <> pg_column_size(mesh_yaml_to_jsonb(t))) AS size_differs,
       count(*) FILTER (WHERE NOT (j @> y AND y @> j)) AS containment_differs
  FROM layout;
SELECT count(*) AS key_lookups, count(*) FILTER (WHERE l.y -> e.key IS DISTINCT FROM e.value) AS wrong
  FROM layout l, LATERAL jsonb_each(CASE WHEN jsonb_typeof(l.j) = 'object' THEN l.j ELSE '{}' END) e;
SELECT count(*) AS index_lookups, count(*) FILTER (WHERE l.y -> i IS DISTINCT FROM l.j -> i) AS wrong
  FROM layout l, LATERAL generate_series(0, CASE WHEN jsonb_typeof(l.j) = 'array' THEN jsonb_array_length(l.j) - 1 ELSE -1 END) i;
SELECT count(*) AS path_lookups, count(*) FILTER (WHERE l.y #> p IS DISTINCT FROM l.j #> p) AS wrong
  FROM layout l, LATERAL (SELECT ARRAY['k', '0', s] AS p FROM (VALUES ('0'), ('x'), ('')) v(s)) q;
