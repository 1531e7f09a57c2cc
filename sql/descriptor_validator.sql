-- The descriptor validator in C (json_schema_problem behind descriptor_problem, edit_distance,
-- closest_key) gives exactly what the PL/pgSQL it replaced gave. The old functions are kept
-- below in pg_temp, verbatim but for their names, and both are run on every document of
-- test/data, policies/ and the docs' examples, and on thousands of mutations of documents of
-- every kind. Every comparison lists the documents where the two differ: none may.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;

-- The PL/pgSQL walker and its helpers as sql/install/45_descriptor.sql had them.
-- A JSON path step for a key, quoted as SQL/JSON paths quote keys that are not identifiers.
CREATE FUNCTION pg_temp.old_json_path_key(path text, key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
-- No SET clause, so that it inlines; the operators are qualified instead.
RETURN CASE WHEN key OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_]*$'
            THEN path OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) key
            ELSE path OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.to_jsonb(key)::text END;

-- The edit distance between two strings: insertions, deletions, substitutions and swaps of two
-- neighbours each count one (optimal string alignment). Only error messages use it.
CREATE FUNCTION pg_temp.old_edit_distance(a text, b text) RETURNS int
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m int := length(a);
    n int := length(b);
    -- rows i-2, i-1 and i of the distance matrix, each indexed 0 .. n
    prev2 int[];
    prev int[] := array_fill(0, ARRAY[n + 1], ARRAY[0]);
    cur int[];
    cost int;
BEGIN
    FOR j IN 0 .. n LOOP
        prev[j] := j;
    END LOOP;
    FOR i IN 1 .. m LOOP
        cur := array_fill(0, ARRAY[n + 1], ARRAY[0]);
        cur[0] := i;
        FOR j IN 1 .. n LOOP
            cost := CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END;
            cur[j] := least(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            IF i > 1 AND j > 1 AND substr(a, i, 1) = substr(b, j - 1, 1) AND substr(a, i - 1, 1) = substr(b, j, 1) THEN
                cur[j] := least(cur[j], prev2[j - 2] + 1);
            END IF;
        END LOOP;
        prev2 := prev;
        prev := cur;
    END LOOP;
    RETURN prev[n];
END
$$;

-- The candidate closest to key, if it is close enough to be a likely typo (at most one edit in
-- a short key, two in a key of six or more characters), else NULL.
CREATE FUNCTION pg_temp.old_closest_key(key text, candidates text[]) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT c FROM unnest(candidates) AS c
         WHERE pg_temp.old_edit_distance(lower(key), lower(c)) <= greatest(1, least(2, length(key) / 3))
         ORDER BY pg_temp.old_edit_distance(lower(key), lower(c)), c
         LIMIT 1);

-- Checks value against a subset of JSON Schema (type, const, enum, pattern, minLength,
-- required, properties, patternProperties, additionalProperties, items, $ref into $defs).
-- Returns {path, problem} for the first problem found in document order, else NULL.
-- It walks with an explicit stack, not recursion: one call per document keeps it cheap.
CREATE FUNCTION pg_temp.old_descriptor_problem(value jsonb, schema jsonb, path text DEFAULT '$')
RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    defs jsonb := meshcat.mesh_descriptor_schema() -> '$defs';
    values_ jsonb[] := ARRAY[value];
    schemas jsonb[] := ARRAY[schema];
    paths text[] := ARRAY[path];
    top int := 1;
    vtype text;
    types jsonb;
    key text;
    item jsonb;
    sub jsonb;
    pattern text;
    children jsonb[];
    child_schemas jsonb[];
    child_paths text[];
    i int;
    near text;
BEGIN
    WHILE top > 0 LOOP
        value := values_[top];
        schema := schemas[top];
        path := paths[top];
        top := top - 1;
        IF schema ? '$ref' THEN
            schema := defs -> substr(schema ->> '$ref', 9);
        END IF;
        vtype := jsonb_typeof(value);
        IF schema ? 'const' AND value IS DISTINCT FROM schema -> 'const' THEN
            RETURN ARRAY[path, format('expected %s, got %s', schema -> 'const', value)];
        END IF;
        IF schema ? 'enum' AND NOT (schema -> 'enum') @> jsonb_build_array(value) THEN
            RETURN ARRAY[path, format('%s is not one of %s', value,
                                      (SELECT string_agg(e::text, ', ') FROM jsonb_array_elements(schema -> 'enum') e))];
        END IF;
        IF schema ? 'type' THEN
            types := CASE WHEN jsonb_typeof(schema -> 'type') = 'array' THEN schema -> 'type'
                          ELSE jsonb_build_array(schema -> 'type') END;
            IF NOT types ? vtype THEN
                RETURN ARRAY[path, format('expected %s, got %s',
                                          (SELECT string_agg(t, ' or ') FROM jsonb_array_elements_text(types) t), vtype)];
            END IF;
        END IF;

        IF vtype = 'string' THEN
            IF length(value #>> '{}') < coalesce((schema ->> 'minLength')::int, 0) THEN
                RETURN ARRAY[path, 'must not be empty'];
            END IF;
            -- x-expected says in words what the pattern means; the pattern is the fallback.
            IF schema ? 'pattern' AND NOT (value #>> '{}') ~ (schema ->> 'pattern') THEN
                RETURN ARRAY[path, CASE WHEN schema ? 'x-expected'
                                        THEN format('expected %s, got %s', schema ->> 'x-expected', value)
                                        ELSE format('%s does not match the pattern %s', value, schema ->> 'pattern') END];
            END IF;
        ELSIF vtype = 'object' THEN
            FOR key IN SELECT jsonb_array_elements_text(schema -> 'required') LOOP
                IF NOT value ? key THEN
                    -- a key the schema does not know, spelled close to the missing one
                    near := (SELECT k FROM jsonb_object_keys(value) AS k
                              WHERE NOT coalesce(schema -> 'properties' ? k, false)
                                AND pg_temp.old_closest_key(k, ARRAY[key]) IS NOT NULL
                              ORDER BY pg_temp.old_edit_distance(k, key), k LIMIT 1);
                    RETURN ARRAY[path, format('missing required key "%s"', key)
                                       || CASE WHEN near IS NOT NULL
                                               THEN format(' (found "%s"; did you mean "%s"?)', near, key) ELSE '' END];
                END IF;
            END LOOP;
            children := '{}';
            child_schemas := '{}';
            child_paths := '{}';
            FOR key, item IN SELECT * FROM jsonb_each(value) LOOP
                sub := schema -> 'properties' -> key;
                IF sub IS NULL THEN
                    FOR pattern IN SELECT jsonb_object_keys(schema -> 'patternProperties') LOOP
                        IF key ~ pattern THEN
                            sub := schema -> 'patternProperties' -> pattern;
                            EXIT;
                        END IF;
                    END LOOP;
                END IF;
                IF sub IS NULL THEN
                    sub := schema -> 'additionalProperties';
                    IF sub = 'false' THEN
                        near := pg_temp.old_closest_key(key, ARRAY(SELECT jsonb_object_keys(schema -> 'properties')
                                                                   EXCEPT SELECT jsonb_object_keys(value)));
                        RETURN ARRAY[pg_temp.old_json_path_key(path, key),
                                     'unknown key' || CASE WHEN near IS NOT NULL
                                                           THEN format('; did you mean "%s"?', near) ELSE '' END];
                    END IF;
                END IF;
                -- An empty schema accepts anything: nothing to walk.
                IF sub IS NOT NULL AND sub <> '{}' THEN
                    children := children || item;
                    child_schemas := child_schemas || sub;
                    child_paths := child_paths || pg_temp.old_json_path_key(path, key);
                END IF;
            END LOOP;
            -- Pushed last first, so children are checked in document order.
            FOR i IN REVERSE pg_catalog.cardinality(children) .. 1 LOOP
                top := top + 1;
                values_[top] := children[i];
                schemas[top] := child_schemas[i];
                paths[top] := child_paths[i];
            END LOOP;
        ELSIF vtype = 'array' AND schema ? 'items' THEN
            FOR i IN REVERSE jsonb_array_length(value) - 1 .. 0 LOOP
                top := top + 1;
                values_[top] := value -> i;
                schemas[top] := schema -> 'items';
                paths[top] := format('%s[%s]', path, i);
            END LOOP;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

-- A few messages, as mesh_register shows them.
SELECT p[1] AS path, p[2] AS problem
  FROM (VALUES
    (1, '{"apiVersion": "meshcat/v1", "kind": "Domain", "nmae": "sales", "owner": "o"}'::jsonb, 'Domain'),
    (2, '{"apiVersion": "meshcat/v1", "kind": "Domain", "name": "sales", "owner": "o", "descripton": "x"}', 'Domain'),
    (3, '{"apiVersion": "meshcat/v2", "kind": "Domain", "name": "sales", "owner": "o"}', 'Domain'),
    (4, '{"apiVersion": "meshcat/v1", "kind": "Domain", "name": "1sales", "owner": "o"}', 'Domain'),
    (5, '{"apiVersion": "meshcat/v1", "kind": "Domain", "name": "sales", "owner": ""}', 'Domain'),
    (6, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "status": "live"}', 'DataProduct'),
    (7, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": 1}', 'DataProduct'),
    (8, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sp", "name": "P", "version": "1.0.0"}', 'DataProduct'),
    (9, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "owners": {"tech": 3}}', 'DataProduct'),
    (10, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "owners": {"Tech": "t"}}', 'DataProduct'),
    (11, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "outputs": [{"name": "o", "type": "table", "schema": [{"name": "a", "type": "int"}, {"name": "b", "typ": "int"}]}]}', 'DataProduct'),
    (12, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "outputs": [{"name": "o", "type": "table", "schema": [{"name": "a", "type": "int", "derived_from": ["a.b"]}]}]}', 'DataProduct'),
    (13, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "tags": ["a", ""], "key with space": 1}', 'DataProduct'),
    (14, '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "x-team": {"any": "thing"}, "Inputs": []}', 'DataProduct'),
    (15, '{"apiVersion": "meshcat/v1", "kind": "Policy", "name": "p", "enforcement": "must", "message": "m"}', 'Policy'),
    (16, '{"apiVersion": "meshcat/v1", "kind": "Policy", "name": "p", "enforcment": "required", "message": "m"}', 'Policy'),
    (17, '[]', 'Policy')
  ) AS t(n, doc, kind),
       LATERAL (SELECT descriptor_problem(doc, mesh_descriptor_schema() -> '$defs' -> kind)) AS x(p)
 ORDER BY n;

-- The same documents, old and new: the messages above are the old ones.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE pg_temp.old_descriptor_problem(doc, s) IS DISTINCT FROM descriptor_problem(doc, s)) AS mismatches
  FROM (VALUES ('{"apiVersion": "meshcat/v1", "kind": "Domain", "nmae": "sales", "owner": "o"}'::jsonb),
               ('{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "s.p", "name": "P", "version": "1.0.0", "owners": {"Tech": "t"}}'),
               ('{"apiVersion": "meshcat/v1", "kind": "Policy", "name": "p", "enforcment": "required", "message": "m"}')) AS t(doc),
       LATERAL (SELECT mesh_descriptor_schema() -> '$defs' -> (doc ->> 'kind')) AS x(s);

-- (a) Every document of the YAML files under test/data and policies/, and of the yaml code
-- blocks of the docs and the README, each checked against each $def (every kind's included).
\set corpus `for f in test/data/*.yaml test/data/*/*.yaml policies/*/*.yaml; do echo "@@@@ $f"; cat "$f"; echo; done; awk 'BEGIN { f = sprintf("%c%c%c", 96, 96, 96) } index($0, f "yaml") == 1 { on = 1; print "@@@@ " FILENAME; next } index($0, f) == 1 { on = 0 } on' docs/*.md README.md`
CREATE FUNCTION pg_temp.documents(stream text) RETURNS SETOF jsonb
    LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM meshcat.mesh_yaml_documents(stream);
EXCEPTION WHEN OTHERS THEN
    RETURN;                     -- invalid.yaml and unterminated.yaml are not YAML
END $$;
CREATE TEMP TABLE corpus AS
SELECT row_number() OVER (ORDER BY c.n, d.n) AS id, c.source, d.doc
  FROM regexp_split_to_table(:'corpus', '^@@@@ ', 'n') WITH ORDINALITY AS c0(chunk, n),
       LATERAL (SELECT c0.n, split_part(c0.chunk, E'\n', 1), substr(c0.chunk, strpos(c0.chunk, E'\n') + 1)) AS c(n, source, text),
       LATERAL pg_temp.documents(c.text) WITH ORDINALITY AS d(doc, n)
 WHERE c.source <> '';
-- and the documents the other tests register or validate, quoted as $$...$$ or '{apiVersion: ...}'
\set tests `for f in sql/*.sql; do case $f in sql/meshcat--*) ;; *) cat "$f" ;; esac; done`
INSERT INTO corpus
SELECT (SELECT max(id) FROM corpus) + row_number() OVER (ORDER BY m.n, d.n), 'sql/*.sql', d.doc
  FROM (SELECT m[1], n FROM regexp_matches(:'tests', '\$\$(.*?)\$\$', 'g') WITH ORDINALITY AS m(m, n)
        UNION ALL
        SELECT replace(m[1], '''''', ''''), 100000 + n
          FROM regexp_matches(:'tests', '''(\{apiVersion(?:[^'']|'''')*\})''', 'g') WITH ORDINALITY AS m(m, n)) AS m(text, n),
       LATERAL pg_temp.documents(m.text) WITH ORDINALITY AS d(doc, n)
 WHERE d.doc ? 'kind';
-- At least the documents there are today (the files may gain more).
SELECT count(*) >= 200 AS enough_documents,
       count(DISTINCT source) >= 19 AS enough_files,
       count(*) FILTER (WHERE doc ->> 'kind' = 'Domain') >= 30 AS domains,
       count(*) FILTER (WHERE doc ->> 'kind' = 'DataProduct') >= 100 AS products,
       count(*) FILTER (WHERE doc ->> 'kind' = 'Policy') >= 50 AS policies
  FROM corpus;
CREATE TEMP TABLE corpus_result AS
SELECT c.id, c.source, s.name, c.doc,
       pg_temp.old_descriptor_problem(c.doc, s.schema) AS old,
       descriptor_problem(c.doc, s.schema) AS new
  FROM corpus AS c,
       LATERAL jsonb_each(mesh_descriptor_schema() -> '$defs') AS s(name, schema);
SELECT count(*) >= 200 * 9 AS enough_compared,
       count(*) FILTER (WHERE old IS NOT NULL) >= 1500 AS enough_problems,
       count(*) FILTER (WHERE old IS NULL) >= 150 AS enough_valid,
       count(*) FILTER (WHERE old IS DISTINCT FROM new) AS mismatches
  FROM corpus_result;
SELECT source, name, doc, old, new FROM corpus_result WHERE old IS DISTINCT FROM new ORDER BY id, name;

-- (b) Mutations of one document of each kind with every key the schema knows, at every path:
-- each value deleted, replaced by a value of every type, an empty or mistyped string, wrapped
-- in arrays; each key misspelled by one or two edits, upper-cased or made a non-identifier;
-- unknown and extension keys added to every object.
CREATE TEMP TABLE base(kind text, doc jsonb);
INSERT INTO base VALUES
('Domain', '{"apiVersion": "meshcat/v1", "kind": "Domain", "name": "customer", "owner": "customer_team",
  "parent": "commerce", "description": "Who our customers are", "custom": {"a": [1, {"b": null}]}, "x-team": "t"}'),
('DataProduct', $${"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "customer.c360", "name": "Customer 360",
  "domain": "customer", "version": "2.1.0", "status": "published", "description": "Unified profile",
  "documentation": "https://wiki.example.com/c360", "tags": ["customer", "profile"], "classification": "confidential",
  "retention": "730 days", "owners": {"technical": "eng", "steward": ["anna", "ben"], "on-call": "#c360"},
  "sla": {"freshness": "15 minutes"}, "quality": {"completeness": 0.98}, "security": {"encryption_at_rest": true},
  "inputs": [{"product": "sales.orders", "version": "^1.0", "name": "orders"}, {"source": "crm.accounts", "description": "CRM"}],
  "outputs": [{"name": "profile", "type": "table", "location": "customer.c360", "description": "One row per customer",
               "schema": [{"name": "customer_id", "type": "bigint", "required": true, "unique": true, "primary_key": true},
                          {"name": "email", "type": "text", "pii": true, "classification": "restricted", "masking": "hash",
                           "glossary": ["contact"], "x-note": 1},
                          {"name": "ltv", "type": "numeric", "description": "value", "derived_from": ["sales.orders.orders.amount"]}]},
              {"name": "events", "type": "stream"}],
  "custom": {"odcs": {"kind": "DataContract"}}, "x-cost-center": "CC-1234"}$$),
('Policy', $${"apiVersion": "meshcat/v1", "kind": "Policy", "name": "quality-slo", "scope": "global",
  "enforcement": "recommended", "description": "Fresh data", "rule": "exists($.sla.freshness)", "message": "declare sla.freshness"}$$),
('Policy', $${"apiVersion": "meshcat/v1", "kind": "Policy", "name": "checked", "domain": "sales",
  "enforcement": "required", "function": "public.check_it", "message": "m", "custom": {}, "x-y": [1]}$$);
-- Every place in them: its path (as jsonb_set takes it), value, and the key or index that leads there.
CREATE TEMP TABLE place AS
WITH RECURSIVE place(b, path, value, step, parent_type) AS (
    SELECT b.ctid::text, '{}'::text[], b.doc, NULL::text, NULL::text FROM base AS b
    UNION ALL
    SELECT p.b, p.path || c.step, c.value, c.step, jsonb_typeof(p.value)
      FROM place AS p,
           LATERAL (SELECT key, value FROM jsonb_each(CASE WHEN jsonb_typeof(p.value) = 'object' THEN p.value END)
                    UNION ALL
                    SELECT (i - 1)::text, value
                      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p.value) = 'array' THEN p.value END)
                           WITH ORDINALITY AS a(value, i)) AS c(step, value)
)
SELECT base.kind, base.doc, place.* FROM place JOIN base ON base.ctid::text = place.b;
CREATE TEMP TABLE mutant AS
SELECT row_number() OVER (ORDER BY kind, doc, path, how) AS id, * FROM (
    -- deleted
    SELECT kind, doc, path, 'delete' AS how, doc #- path AS mutant FROM place WHERE step IS NOT NULL
    UNION ALL
    -- replaced by a value of another type, an empty or odd string
    SELECT kind, doc, path, 'replace ' || r::text,
           CASE WHEN step IS NULL THEN r ELSE jsonb_set(doc, path, r) END
      FROM place, unnest(ARRAY['3', '1.5', 'true', 'null', '"x"', '""', '"A b"', '[]', '{}', '[1]', '{"a": 1}']::jsonb[]) AS r
    UNION ALL
    -- wrapped in arrays
    SELECT kind, doc, path, 'wrap ' || w, jsonb_set(doc, path, wrapped)
      FROM place, LATERAL (VALUES ('[v]', jsonb_build_array(value)), ('[[v]]', jsonb_build_array(jsonb_build_array(value))),
                                  ('[v, 3]', jsonb_build_array(value, 3))) AS x(w, wrapped)
     WHERE step IS NOT NULL
    UNION ALL
    -- a string changed
    SELECT kind, doc, path, 'string ' || t, jsonb_set(doc, path, to_jsonb(t))
      FROM place, LATERAL (VALUES (value #>> '{}' || 'x'), (upper(value #>> '{}')), ('1' || (value #>> '{}')),
                                  (replace(value #>> '{}', '.', '')), (value #>> '{}' || '.'), (' ' || (value #>> '{}')),
                                  (repeat('a', 70)), ('a.b.c'), ('a.b.c.d.e')) AS x(t)
     WHERE jsonb_typeof(value) = 'string'
    UNION ALL
    -- a key renamed
    SELECT kind, doc, path, 'rename ' || k, jsonb_set(doc #- path, path[1:cardinality(path) - 1] || k, value)
      FROM place, LATERAL (VALUES (left(step, -1)), (substr(step, 2, 1) || substr(step, 1, 1) || substr(step, 3)),
                                  (substr(step, 1, 1) || step), (upper(step)), (initcap(step)), (step || 's'),
                                  (overlay(step placing 'z' from 2 for 1)), (left(step, -2) || 'qq'), (step || '!'), ('9' || step),
                                  ('x-' || step), (step || ' k'), ('')) AS x(k)
     WHERE parent_type = 'object' AND k IS DISTINCT FROM step
    UNION ALL
    -- a key added to an object
    SELECT kind, doc, path, 'add ' || k, jsonb_set(doc, path || k, '"v"')
      FROM place, LATERAL (VALUES ('unknown'), ('x-extra'), ('Name'), ('descripton'), ('ownr'), ('\u00e9t\u00e9'), ('a b'), ('_k9')) AS x(k)
     WHERE jsonb_typeof(value) = 'object'
) AS m;
-- Each mutant against its kind's schema, and a few against the Output and Field $defs.
CREATE TEMP TABLE mutant_result AS
SELECT id, kind, how, path, mutant, pg_temp.old_descriptor_problem(mutant, s) AS old, descriptor_problem(mutant, s) AS new
  FROM mutant, LATERAL (SELECT mesh_descriptor_schema() -> '$defs' -> kind) AS x(s);
SELECT count(*) AS compared,
       count(*) FILTER (WHERE old IS NULL) >= 900 AS enough_valid,
       count(DISTINCT old[2]) >= 400 AS enough_distinct_problems,
       count(*) FILTER (WHERE old IS DISTINCT FROM new) AS mismatches
  FROM mutant_result;
SELECT kind, count(*) AS compared, count(*) FILTER (WHERE old IS DISTINCT FROM new) AS mismatches
  FROM mutant_result GROUP BY kind ORDER BY kind;
SELECT id, kind, how, path, mutant, old, new FROM mutant_result WHERE old IS DISTINCT FROM new ORDER BY id;

-- (c) Schemas other than meshcat's, SQL NULLs, and the errors: what the jsonb operators of the
-- old walker made of them, the error included. Each row says whether old and new agree.
CREATE FUNCTION pg_temp.outcome(old boolean, value jsonb, schema jsonb, path text) RETURNS text
    LANGUAGE plpgsql AS $$
BEGIN
    IF old THEN
        RETURN pg_temp.old_descriptor_problem(value, schema, path)::text;
    END IF;
    RETURN meshcat_internal.descriptor_problem(value, schema, path)::text;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE TEMP TABLE odd(n int, value jsonb, schema jsonb, path text DEFAULT '$');
INSERT INTO odd(n, value, schema, path) VALUES
    (1, NULL, '{"const": "x"}', '$'),
    (2, NULL, '{"enum": ["a", null]}', '$'),
    (3, NULL, '{"enum": ["a"]}', '$'),
    (4, NULL, '{"type": "string", "required": ["a"]}', '$'),
    (5, '"x"', NULL, '$'),
    (6, '{"a": [{"b": 1}]}', '{"properties": {"a": {"items": {"properties": {"b": {"type": "string"}}}}}}', NULL),
    (7, '{"k": 1}', '{"additionalProperties": false}', NULL),
    (8, '{"a": [1]}', '{"properties": {"a": {"items": {"type": "string"}}}}', 'doc'),
    (9, '{"a": [1]}', '{"properties": {"a": {"items": {"type": "string"}}}}', ''),
    (10, '3', '["const", "enum", "type", "items", "$ref", "pattern"]', '$'),
    (11, '3', '["type"]', '$'),
    (12, '3', '"const"', '$'),
    (13, '3', '"type"', '$'),
    (14, '{"a": {"b": []}}', 'true', '$'),
    (15, '{"a": {"b": []}}', 'false', '$'),
    (16, '{"a": {"b": []}}', 'null', '$'),
    (17, '{"a": {"b": []}}', '3', '$'),
    (18, '{"a": {"b": []}}', '{}', '$'),
    (19, '"1x"', '{"$ref": "#/$defs/nope"}', '$'),
    (20, '"1x"', '{"$ref": "#/$defs/name"}', '$'),
    (21, '"1x"', '{"$ref": "xxxxxxxxname"}', '$'),
    (22, '"1x"', '{"$ref": 5}', '$'),
    (23, '"1x"', '{"$ref": null}', '$'),
    (24, '"1x"', '{"$ref": {"a": 1}}', '$'),
    (25, '{}', '{"$ref": "#/$defs/Input", "type": "string"}', '$'),
    (26, '{"version": 1}', '{"$ref": "#/$defs/Domain"}', '$'),
    (27, '"b"', '{"enum": "a"}', '$'),
    (28, '"a"', '{"enum": "a"}', '$'),
    (29, '"b"', '{"enum": {"a": 1}}', '$'),
    (30, '1', '{"enum": []}', '$'),
    (31, '[1]', '{"enum": [[1, 2], {"a": 1, "b": 2}]}', '$'),
    (32, '{"a": 1}', '{"enum": [[1, 2], {"a": 1, "b": 2}]}', '$'),
    (33, '{"c": 1}', '{"enum": [[1, 2], {"a": 1, "b": 2}]}', '$'),
    (34, '1', '{"enum": [[1, 2], {"a": 1, "b": 2}]}', '$'),
    (35, '1', '{"enum": [1.0, "x"]}', '$'),
    (36, '1', '{"const": 1.0}', '$'),
    (37, '{"a": [1, 2]}', '{"const": {"a": [1, 2]}}', '$'),
    (38, '{"a": [2, 1]}', '{"const": {"a": [1, 2]}}', '$'),
    (39, '[1]', '{"const": 1}', '$'),
    (40, 'true', '{"type": ["string", null, 3, {"a": 1}, ["x"], ""]}', '$'),
    (41, '1', '{"type": []}', '$'),
    (42, '1', '{"type": {"a": 1}}', '$'),
    (43, '1', '{"type": null}', '$'),
    (44, '1', '{"type": ["", "a"]}', '$'),
    (45, '"x"', '{"minLength": "abc"}', '$'),
    (46, '"x"', '{"minLength": 2.5}', '$'),
    (47, '"x"', '{"minLength": 99999999999}', '$'),
    (48, '""', '{"minLength": null}', '$'),
    (49, '"x"', '{"minLength": true}', '$'),
    (50, '"éé"', '{"minLength": 3}', '$'),
    (51, '"ééé"', '{"minLength": 3}', '$'),
    (52, '"x"', '{"minLength": " 2 "}', '$'),
    (53, '"x"', '{"pattern": "("}', '$'),
    (54, '"x"', '{"pattern": null}', '$'),
    (55, '"x"', '{"pattern": 5}', '$'),
    (56, '"b"', '{"pattern": "^a", "x-expected": null}', '$'),
    (57, '"b"', '{"pattern": "^a", "x-expected": 5}', '$'),
    (58, '"héllo"', '{"pattern": "^\\w+$"}', '$'),
    (59, '"a"', '{"pattern": "^A"}', '$'),
    (60, '"a\nb"', '{"pattern": "^a$"}', '$'),
    (61, '{}', '{"required": "a"}', '$'),
    (62, '{}', '{"required": {"a": 1}}', '$'),
    (63, '{"5": 1}', '{"required": [null, 5, "a"]}', '$'),
    (64, '{}', '{"required": [{"a": 1}]}', '$'),
    (65, '{"nmae": 1}', '{"required": ["name"], "properties": ["nmae"]}', '$'),
    (66, '{"nmae": 1}', '{"required": ["name"], "properties": "nmae"}', '$'),
    (67, '{"nmae": 1}', '{"required": ["name"], "properties": null}', '$'),
    (68, '{"abcdeg": 1, "abcdfe": 1, "Abcdef": 1, "bacdef": 1}', '{"required": ["abcdef"]}', '$'),
    (69, '{"ABCDEF": 1, "abcdxf": 1}', '{"required": ["abcdef"]}', '$'),
    (70, '{"a": 1}', '{"patternProperties": "x"}', '$'),
    (71, '{"a": 1}', '{"patternProperties": ["^a"]}', '$'),
    (72, '{}', '{"patternProperties": ["^a"]}', '$'),
    (73, '{"a": 1}', '{"patternProperties": {"^a": {"type": "string"}, "((": {}}}', '$'),
    (74, '{"a": 1}', '{"patternProperties": {"^a": {"type": "string"}, "(((": {}}}', '$'),
    (75, '{"a": 1}', '{"patternProperties": {"^a": {"type": "string"}}, "properties": {"a": {}}}', '$'),
    (76, '{"ab": 1}', '{"patternProperties": {"b": {"type": "string"}, "^a": {"type": "boolean"}}}', '$'),
    (77, '{"b": 1}', '{"additionalProperties": false, "properties": ["a"]}', '$'),
    (78, '{"b": 1}', '{"additionalProperties": false, "properties": "a"}', '$'),
    (79, '{"b": 1}', '{"additionalProperties": false, "properties": null}', '$'),
    (80, '{"a": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (81, '{"a": {"b": 1}}', '{"additionalProperties": true}', '$'),
    (82, '{"nmae": 1}', '{"additionalProperties": false, "properties": {"name": {}, "names": {}}}', '$'),
    (83, '{"name": 1, "nmae": 1}', '{"additionalProperties": false, "properties": {"name": {}, "names": {}}}', '$'),
    (84, '{"STRASSE": 1}', '{"additionalProperties": false, "properties": {"Straße": {}}}', '$'),
    (85, '{"OWNER": 1}', '{"additionalProperties": false, "properties": {"owner": {}, "Owner": {}}}', '$'),
    (86, '[1]', '{"items": {"type": "string"}}', '$'),
    (87, '"x"', '{"items": {"type": "string"}}', '$'),
    (88, '[["a"], [1]]', '{"items": {"items": {"type": "string"}}}', '$'),
    (89, '{"": 1, "a b": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (90, '{"a b": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (91, '{"é": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (92, '{"a\"b": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (93, '{"_x1": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (94, '{"1x": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (95, '{"a\nb": 1}', '{"additionalProperties": {"type": "string"}}', '$'),
    (96, '{"a": 1}', '{"required": ["b"], "additionalProperties": false}', '$'),
    (97, '{"a": 1, "zz": 2}', '{"properties": {"a": {"type": "string"}}, "additionalProperties": false}', '$'),
    (98, '{"b": 1, "a": 1}', '{"properties": {"b": {"type": "string"}, "a": {"type": "string"}}}', '$'),
    (99, '[1]', '{"required": ["a"], "properties": {"a": {}}}', '$'),
    (100, '100', '{"const": 1e2}', '$'),
    (101, '"x\\y"', '{"const": "a\"b\n"}', '$'),
    (102, '{"a": null}', '{"properties": {"a": null}}', '$'),
    (103, '{"a": 1}', '{"properties": {"a": false}}', '$'),
    (104, '{"a": [1, {"b": "x"}]}', '{"properties": {"a": {"items": {"type": ["object", "string"], "additionalProperties": false}}}}', '$'),
    (105, '{"a": 1}', '{"properties": {"a": {"type": "integer"}}}', '$'),
    (106, '"x"', '{"type": "string", "minLength": 2, "pattern": "^y"}', '$'),
    (107, '"x"', '{"const": "y", "enum": ["z"], "type": "number"}', '$'),
    (108, '"x"', '{"enum": ["z"], "type": "number"}', '$'),
    (109, '{"a": 1}', '{"properties": {"a": {"$ref": "#/$defs/Field"}}}', '$'),
    (110, '{"name": "n", "type": "t", "derived_from": ["a.b.c.d", "a.b.c"]}', '{"$ref": "#/$defs/Field"}', '$.x');
-- nested thirty deep, and an array of ten thousand items whose last is wrong
INSERT INTO odd(n, value, schema)
SELECT 111, (repeat('[', 30) || '1' || repeat(']', 30))::jsonb,
       (repeat('{"items": ', 30) || '{"type": "string"}' || repeat('}', 30))::jsonb
UNION ALL
SELECT 112, jsonb_agg(CASE WHEN i < 10000 THEN to_jsonb('s' || i) ELSE '1' END ORDER BY i), '{"items": {"type": "string"}}'
  FROM generate_series(1, 10000) AS i
UNION ALL
SELECT 113, jsonb_object_agg('k' || i, i), '{"additionalProperties": false, "properties": {"k7": {}}}'
  FROM generate_series(1, 1000) AS i;
SELECT n, pg_temp.outcome(true, value, schema, path) AS old,
       pg_temp.outcome(true, value, schema, path) IS NOT DISTINCT FROM pg_temp.outcome(false, value, schema, path) AS same
  FROM odd ORDER BY n;
SELECT n, pg_temp.outcome(false, value, schema, path) AS new FROM odd
 WHERE pg_temp.outcome(true, value, schema, path) IS DISTINCT FROM pg_temp.outcome(false, value, schema, path)
 ORDER BY n;

-- The errors in full: the old walker's messages, with where they come from.
\set VERBOSITY default
SELECT descriptor_problem('{"b": 1}', '{"additionalProperties": false, "properties": ["a"]}');
SELECT descriptor_problem('"b"', '{"enum": "a"}');
SELECT descriptor_problem('{}', '{"required": {"a": 1}}');
SELECT descriptor_problem('{"a": 1}', '{"patternProperties": "x"}');
SELECT descriptor_problem('"x"', '{"pattern": "("}');
\set VERBOSITY terse

-- edit_distance and closest_key, old and new, on keys of the mutants and keys written in other
-- scripts and cases, against every key the schema knows.
CREATE TEMP TABLE odd_word AS
SELECT w FROM unnest(ARRAY['', 'a', 'ab', 'ba', 'abc', 'acb', 'ABC', 'Straße', 'STRASSE', 'strasse', 'été', 'ÉTÉ', 'ete',
                           'naïve', 'naive', 'ǅemal', 'ǆemal', 'kitten', 'sitting', 'ca', 'a b', 'descripton']) AS w;
CREATE TEMP TABLE word AS
SELECT w FROM (SELECT DISTINCT substr(how, strpos(how, ' ') + 1) FROM mutant WHERE how LIKE 'rename %' OR how LIKE 'add %') AS m(w)
 WHERE md5(w) < '6'             -- a third of them is enough
UNION
SELECT w FROM odd_word;
CREATE TEMP TABLE known AS
SELECT s.name, array_agg(k ORDER BY k) AS keys
  FROM jsonb_each(mesh_descriptor_schema() -> '$defs') AS s(name, schema),
       LATERAL jsonb_object_keys(s.schema -> 'properties') AS k
 GROUP BY s.name
UNION ALL
SELECT 'odd', array_agg(w ORDER BY w) FROM odd_word;
SELECT count(*) >= 5000 AS enough_pairs,
       count(*) FILTER (WHERE pg_temp.old_edit_distance(a.w, b) <> edit_distance(a.w, b)) AS mismatches
  FROM word AS a, (SELECT DISTINCT unnest(keys) FROM known) AS k(b);
SELECT count(*) >= 1000 AS enough_lists,
       count(*) FILTER (WHERE pg_temp.old_closest_key(w, keys) IS DISTINCT FROM closest_key(w, keys)) AS mismatches,
       count(*) FILTER (WHERE closest_key(w, keys) IS NOT NULL) >= 100 AS enough_found
  FROM word, known;
SELECT a, b, pg_temp.old_edit_distance(a, b) AS old, edit_distance(a, b) AS new
  FROM (VALUES ('retension', 'retention'), ('ab', 'ba'), ('abc', 'ca'), ('été', 'ete'), ('', ''), ('Straße', 'strasse')) AS t(a, b);
SELECT k, c, pg_temp.old_closest_key(k, c) AS old, closest_key(k, c) AS new
  FROM (VALUES ('nmae', ARRAY['name', 'names']), ('nmae', ARRAY[NULL, 'name']), ('x', '{}'), ('abcdef', ARRAY['abcdxx', 'abcdex', 'Abcdef']),
               ('OWNER', ARRAY['owner', 'Owner']), ('ow', ARRAY[['ox', 'ow'], ['aw', NULL]])) AS t(k, c);

-- What only C can do in reasonable time: nesting ten thousand deep, half a million items, a
-- hundred thousand keys, with the problem at the end (json_schema_problem with $defs of its own).
-- An unknown key names the closest key the schema knows among a hundred thousand.
SELECT length(p[1]) AS path_length, right(p[1], 12) AS path_end, p[2] AS problem
  FROM (SELECT json_schema_problem(v, '{"$ref": "#/$defs/deep"}', '$',
                                   '{"deep": {"type": "array", "items": {"$ref": "#/$defs/deep"}}}')
          FROM (SELECT '"x"'::jsonb) AS s(x),
               LATERAL (SELECT (repeat('[', 10000) || '"x"' || repeat(']', 10000))::jsonb) AS d(v)) AS r(p);
SELECT json_schema_problem(jsonb_agg(CASE WHEN i < 500000 THEN '"s"'::jsonb ELSE '1' END ORDER BY i),
                           '{"items": {"type": "string"}}', '$', NULL)
  FROM generate_series(1, 500000) AS i;
SELECT json_schema_problem(jsonb_object_agg('key' || i, i),
                           jsonb_build_object('additionalProperties', false, 'properties',
                                              jsonb_object_agg(CASE WHEN i < 100000 THEN 'key' || i ELSE 'kez' || i END, '{}'::jsonb)),
                           '$', '{}')
  FROM generate_series(1, 100000) AS i;
