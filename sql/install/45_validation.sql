-- 45_validation: what a document must be before anything is written. The meshcat/v1
-- descriptor format as a JSON Schema, and the validator that checks documents against it and
-- names the JSON path of the first problem; the schema's one source is
-- docs/descriptor.schema.json: the build puts it in place of @DESCRIPTOR_SCHEMA@. Then what the
-- JSON Schema cannot say (check_*_document, check_derived_from), what is contract and what is
-- metadata, the classified differences between two descriptors, and policy rules and
-- checking functions (compile_rule, resolve_check_function, check_policy_document).
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers.

CREATE FUNCTION @extschema@.mesh_descriptor_schema() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $schema$
@DESCRIPTOR_SCHEMA@
$schema$::jsonb;
COMMENT ON FUNCTION @extschema@.mesh_descriptor_schema() IS
    'The JSON Schema of meshcat/v1 descriptor documents (also docs/descriptor.schema.json).';

-- The edit distance between two strings: insertions, deletions, substitutions and swaps of two
-- neighbours each count one (optimal string alignment). Only error messages use it.
-- C (src/descriptor_check.c), shared with the validator below.
CREATE FUNCTION meshcat_internal.edit_distance(a text, b text) RETURNS int
    AS 'MODULE_PATHNAME', 'edit_distance'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION meshcat_internal.edit_distance(text, text) IS
    'Internal: the optimal string alignment distance between two strings, for "did you mean" suggestions.';

-- The candidate closest to key, if it is close enough to be a likely typo (at most one edit in
-- a short key, two in a key of six or more characters, both lower-cased; ties go to the first
-- candidate in text order), else NULL. C (src/descriptor_check.c), shared with the validator.
CREATE FUNCTION meshcat_internal.closest_key(key text, candidates text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'closest_key'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION meshcat_internal.closest_key(text, text[]) IS
    'Internal: the candidate a mistyped key most likely meant, or NULL.';

-- The validator, in C (src/descriptor_check.c). It checks value against a subset of JSON
-- Schema (type, const, enum, pattern with x-expected, minLength, required, properties,
-- patternProperties, additionalProperties, items, $ref into defs) and returns {path, problem}
-- for the first problem found, else NULL. Paths are SQL/JSON paths: $.key, or $."key" quoted
-- as to_jsonb(key)::text when the key is not an identifier, and [i] for array items. "First" is
-- this order: at each value $ref, const, enum, type; in a string minLength, then pattern; in an
-- object every required key (in the schema's order), then that every key (in jsonb's order, as
-- jsonb_each gives them) is known to properties, patternProperties or additionalProperties,
-- then each value, depth first. Missing and unknown keys name the closest key as "did you
-- mean" (closest_key). Patterns are PostgreSQL regular expressions (~, the default collation).
-- Not strict: a NULL schema accepts anything, a NULL value is checked against const and enum.
CREATE FUNCTION meshcat_internal.json_schema_problem(value jsonb, schema jsonb, path text, defs jsonb)
RETURNS text[]
    AS 'MODULE_PATHNAME', 'json_schema_problem'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION meshcat_internal.json_schema_problem(jsonb, jsonb, text, jsonb) IS
    'Internal: the first place where a value breaks a JSON Schema whose $refs name keys of defs, as {path, problem}, or NULL.';

-- The validator (json_schema_problem, C) against meshcat's own $defs. No SET clause, so that it
-- inlines and the planner folds mesh_descriptor_schema() -> '$defs' into a constant once per
-- plan: parsing the schema once per call would cost twice the validation.
CREATE FUNCTION meshcat_internal.descriptor_problem(value jsonb, schema jsonb, path text DEFAULT '$')
RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN meshcat_internal.json_schema_problem(value, schema, path,
                                       @extschema@.mesh_descriptor_schema() OPERATOR(pg_catalog.->) '$defs');
COMMENT ON FUNCTION meshcat_internal.descriptor_problem(jsonb, jsonb, text) IS
    'The first place where a value breaks a JSON Schema, as {path, problem}, or NULL.';

-- Contract and metadata (docs/governance.md): the contract of a published version never
-- changes; its metadata may, audited, without a new version. This is the one place that says
-- which keys of a DataProduct are metadata: every other key is contract, unknown and extension
-- keys (custom, x-) included, so nothing is metadata by accident. guard_version compares the
-- columns of the same names as metadata too.
CREATE FUNCTION meshcat_internal.descriptor_metadata_keys() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY['access', 'certification', 'description', 'documentation', 'glossary', 'name', 'owners', 'tags'];
COMMENT ON FUNCTION meshcat_internal.descriptor_metadata_keys() IS
    'Internal: the top-level keys of a DataProduct descriptor that are metadata (may change after publication); every other key is contract.';

-- The contract part of a descriptor: without its metadata, its status (the lifecycle, judged
-- on its own) and its domain (implied by the id). A value that is not an object is all contract.
CREATE FUNCTION meshcat_internal.descriptor_contract(descriptor jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN pg_catalog.jsonb_typeof(descriptor) OPERATOR(pg_catalog.=) 'object'
            THEN descriptor OPERATOR(pg_catalog.-)
                 (meshcat_internal.descriptor_metadata_keys() OPERATOR(pg_catalog.||) ARRAY['status', 'domain']::text[])
            ELSE descriptor END;
COMMENT ON FUNCTION meshcat_internal.descriptor_contract(jsonb) IS
    'The contract part of a DataProduct descriptor: the descriptor without its metadata keys, status and domain.';

-- The top-level keys whose contract differs between two descriptors, sorted ("$" when one of
-- them is not an object); empty when the contracts are equal.
CREATE FUNCTION meshcat_internal.descriptor_contract_changes(a jsonb, b jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH c(a, b) AS (
        SELECT CASE WHEN pg_catalog.jsonb_typeof(ca) OPERATOR(pg_catalog.=) 'object' THEN ca
                    ELSE pg_catalog.jsonb_build_object('$', ca) END,
               CASE WHEN pg_catalog.jsonb_typeof(cb) OPERATOR(pg_catalog.=) 'object' THEN cb
                    ELSE pg_catalog.jsonb_build_object('$', cb) END
          FROM (SELECT meshcat_internal.descriptor_contract(a), meshcat_internal.descriptor_contract(b)) AS x(ca, cb)
    )
    SELECT coalesce(pg_catalog.array_agg(k ORDER BY k), '{}')
      FROM (SELECT pg_catalog.jsonb_object_keys(c.a) FROM c UNION SELECT pg_catalog.jsonb_object_keys(c.b) FROM c) AS u(k), c
     WHERE c.a OPERATOR(pg_catalog.->) k IS DISTINCT FROM c.b OPERATOR(pg_catalog.->) k;
END;
COMMENT ON FUNCTION meshcat_internal.descriptor_contract_changes(jsonb, jsonb) IS
    'Internal: the sorted top-level keys whose contract part differs between two DataProduct descriptors; empty when none does.';

-- Why a sql quality check's query could never run (C, src/quality.c): it parses, and is not
-- exactly one SELECT that neither writes nor locks; NULL when it may run (a query that does
-- not parse may be another engine's dialect: it fails when run here).
CREATE FUNCTION meshcat_internal.sql_check_refusal(query text) RETURNS text
    AS 'MODULE_PATHNAME', 'sql_check_refusal'
    LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION meshcat_internal.sql_check_refusal(text) IS
    'Internal: why a sql quality check''s query could never run (it parses and is not one read-only SELECT), or NULL.';

-- The first quality check of a product document that could never run, with its path: a sql
-- check refused by sql_check_refusal (placeholders, ${...}, {model}, {field}, read as names), or a pattern
-- that is not a regular expression (docs/quality.md). NULLs when there is none.
CREATE FUNCTION meshcat_internal.quality_problem(doc jsonb, OUT path text, OUT problem text)
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    -- The planner counts 100 rows a set-returning function, so these nested arrays look like a
    -- million rows, above jit_above_cost: compiling them cost 12 ms a call (test/t/no_jit.sh).
    SET jit = off
AS $$
DECLARE
    c record;
BEGIN
    -- most documents have no checks of this form: one path test instead of the walk
    IF NOT doc @? '$.outputs[*] ? (@.quality.type() == "array" || @.schema[*].quality.type() == "array")' THEN
        RETURN;
    END IF;
    FOR c IN
        WITH o AS (
            SELECT x.o, x.n - 1 AS i
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'outputs') = 'array' THEN doc -> 'outputs' ELSE '[]' END) WITH ORDINALITY AS x(o, n)
        )
        SELECT format('$.outputs[%s].quality[%s]', o.i, y.n - 1) AS at, y.q, o.i AS oi, -1 AS fi, y.n AS qi
          FROM o, jsonb_array_elements(CASE WHEN jsonb_typeof(o.o -> 'quality') = 'array' THEN o.o -> 'quality' ELSE '[]' END) WITH ORDINALITY AS y(q, n)
        UNION ALL
        SELECT format('$.outputs[%s].schema[%s].quality[%s]', o.i, s.n - 1, y.n - 1), y.q, o.i, s.n, y.n
          FROM o, jsonb_array_elements(CASE WHEN jsonb_typeof(o.o -> 'schema') = 'array' THEN o.o -> 'schema' ELSE '[]' END) WITH ORDINALITY AS s(f, n),
               jsonb_array_elements(CASE WHEN jsonb_typeof(s.f -> 'quality') = 'array' THEN s.f -> 'quality' ELSE '[]' END) WITH ORDINALITY AS y(q, n)
        ORDER BY 3, 4, 5
    LOOP
        CONTINUE WHEN jsonb_typeof(c.q) <> 'object';
        IF coalesce(c.q ->> 'type', CASE WHEN c.q ? 'query' THEN 'sql' END) = 'sql' THEN
            problem := meshcat_internal.sql_check_refusal(
                regexp_replace(regexp_replace(c.q ->> 'query', '\$\{[A-Za-z_]+\}', 'p', 'g'), '\{(model|field)\}', 'p', 'g'));
            IF problem IS NOT NULL THEN
                path := c.at || CASE WHEN c.q ? 'query' THEN '.query' ELSE '' END;
                RETURN;
            END IF;
        END IF;
        IF jsonb_typeof(c.q #> '{arguments,pattern}') = 'string' THEN
            BEGIN
                PERFORM '' ~ (c.q #>> '{arguments,pattern}');
            EXCEPTION WHEN invalid_regular_expression THEN
                GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
                path := c.at || '.arguments.pattern';
                problem := format('"%s" is not a regular expression: %s', c.q #>> '{arguments,pattern}', problem);
                RETURN;
            END;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.quality_problem(jsonb) IS
    'Internal: the path and problem of the first quality check of a product document that could never run (a sql check that is not one read-only SELECT, a pattern that is not a regular expression).';

-- The entries of a relationship's from or to: a string is one, a list its items.
CREATE FUNCTION meshcat_internal.relationship_ends(e jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT x FROM pg_catalog.jsonb_array_elements_text(CASE WHEN pg_catalog.jsonb_typeof(e) OPERATOR(pg_catalog.=) 'array' THEN e
                                                              WHEN e IS NULL THEN '[]' ELSE pg_catalog.jsonb_build_array(e) END) WITH ORDINALITY AS a(x, n) ORDER BY n);
COMMENT ON FUNCTION meshcat_internal.relationship_ends(jsonb) IS
    'Internal: the entries of a relationship''s from or to (a string, or a list of them).';

-- The relationships (foreign keys) a product document declares, one row each, in document
-- order (docs/descriptor.md, "Relationships"): on a field (from is the field; ODCS's
-- property-level relationships) or on an output port (from and to: two strings, or two lists;
-- ODCS's schema-level ones). targets are <port>.<field> of this product or
-- <domain>.<product>.<port>.<field>; path is the relationship's JSON path, and to_paths and
-- from_paths each entry's (a port-level from or to given as a string is one entry).
CREATE FUNCTION meshcat_internal.descriptor_relationships(doc jsonb)
RETURNS TABLE (port text, path text, from_fields text[], from_paths text[], targets text[], to_paths text[])
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 10
    SET search_path = pg_catalog, pg_temp
    -- three nested jsonb_array_elements estimate a million rows: JIT would cost 20 ms a call
    SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT x.port, x.path, x.from_fields, x.from_paths, x.targets, x.to_paths FROM (
        SELECT o.n AS o, f.n AS f, r.n AS r, o.e OPERATOR(pg_catalog.->>) 'name' AS port,
               pg_catalog.format('$.outputs[%s].schema[%s].relationships[%s]', o.n OPERATOR(pg_catalog.-) 1, f.n OPERATOR(pg_catalog.-) 1, r.n OPERATOR(pg_catalog.-) 1) AS path,
               ARRAY[f.e OPERATOR(pg_catalog.->>) 'name'] AS from_fields,
               ARRAY[pg_catalog.format('$.outputs[%s].schema[%s].name', o.n OPERATOR(pg_catalog.-) 1, f.n OPERATOR(pg_catalog.-) 1)] AS from_paths,
               ARRAY[r.e OPERATOR(pg_catalog.->>) 'to'] AS targets,
               ARRAY[pg_catalog.format('$.outputs[%s].schema[%s].relationships[%s].to', o.n OPERATOR(pg_catalog.-) 1, f.n OPERATOR(pg_catalog.-) 1, r.n OPERATOR(pg_catalog.-) 1)] AS to_paths
          FROM pg_catalog.jsonb_array_elements(coalesce(doc OPERATOR(pg_catalog.->) 'outputs', '[]')) WITH ORDINALITY AS o(e, n),
               pg_catalog.jsonb_array_elements(coalesce(o.e OPERATOR(pg_catalog.->) 'schema', '[]')) WITH ORDINALITY AS f(e, n),
               pg_catalog.jsonb_array_elements(coalesce(f.e OPERATOR(pg_catalog.->) 'relationships', '[]')) WITH ORDINALITY AS r(e, n)
        UNION ALL
        SELECT o.n, 1000000, r.n, o.e OPERATOR(pg_catalog.->>) 'name',
               pg_catalog.format('$.outputs[%s].relationships[%s]', o.n OPERATOR(pg_catalog.-) 1, r.n OPERATOR(pg_catalog.-) 1),
               meshcat_internal.relationship_ends(r.e OPERATOR(pg_catalog.->) 'from'),
               ARRAY(SELECT pg_catalog.format('$.outputs[%s].relationships[%s].from', o.n OPERATOR(pg_catalog.-) 1, r.n OPERATOR(pg_catalog.-) 1)
                            OPERATOR(pg_catalog.||) CASE WHEN pg_catalog.jsonb_typeof(r.e OPERATOR(pg_catalog.->) 'from') OPERATOR(pg_catalog.=) 'array'
                                                         THEN pg_catalog.format('[%s]', a.k OPERATOR(pg_catalog.-) 1) ELSE '' END
                       FROM pg_catalog.unnest(meshcat_internal.relationship_ends(r.e OPERATOR(pg_catalog.->) 'from')) WITH ORDINALITY AS a(v, k) ORDER BY a.k),
               meshcat_internal.relationship_ends(r.e OPERATOR(pg_catalog.->) 'to'),
               ARRAY(SELECT pg_catalog.format('$.outputs[%s].relationships[%s].to', o.n OPERATOR(pg_catalog.-) 1, r.n OPERATOR(pg_catalog.-) 1)
                            OPERATOR(pg_catalog.||) CASE WHEN pg_catalog.jsonb_typeof(r.e OPERATOR(pg_catalog.->) 'to') OPERATOR(pg_catalog.=) 'array'
                                                         THEN pg_catalog.format('[%s]', a.k OPERATOR(pg_catalog.-) 1) ELSE '' END
                       FROM pg_catalog.unnest(meshcat_internal.relationship_ends(r.e OPERATOR(pg_catalog.->) 'to')) WITH ORDINALITY AS a(v, k) ORDER BY a.k)
          FROM pg_catalog.jsonb_array_elements(coalesce(doc OPERATOR(pg_catalog.->) 'outputs', '[]')) WITH ORDINALITY AS o(e, n),
               pg_catalog.jsonb_array_elements(coalesce(o.e OPERATOR(pg_catalog.->) 'relationships', '[]')) WITH ORDINALITY AS r(e, n)
    ) AS x
    ORDER BY x.o, x.f, x.r;
END
$$;
COMMENT ON FUNCTION meshcat_internal.descriptor_relationships(jsonb) IS
    'Internal: the relationships (foreign keys) a product document declares on fields and output ports, with their fields, targets and JSON paths.';

-- What the JSON Schema cannot say about relationships, and their references within the
-- document: a port-level relationship's from and to are both strings or both lists of the
-- same length (22023); each from names a field of its port, and each <port>.<field> target a
-- field of an output of this document (23503). Targets in other products are references to
-- inputs, checked with derived_from (check_derived_from).
CREATE FUNCTION meshcat_internal.check_relationships(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
DECLARE
    r record;
    port jsonb;
    near text;
BEGIN
    IF NOT (doc @? '$.outputs[*].relationships' OR doc @? '$.outputs[*].schema[*].relationships') THEN
        RETURN;     -- most documents declare none: one probe each
    END IF;
    SELECT x.path, x.f, x.t INTO r
      FROM (SELECT pg_catalog.format('$.outputs[%s].relationships[%s]', o.n - 1, e.n - 1) AS path,
                   CASE WHEN jsonb_typeof(e.r -> 'from') = 'array' THEN format('a list of %s', jsonb_array_length(e.r -> 'from')) ELSE 'a string' END AS f,
                   CASE WHEN jsonb_typeof(e.r -> 'to') = 'array' THEN format('a list of %s', jsonb_array_length(e.r -> 'to')) ELSE 'a string' END AS t,
                   o.n, e.n AS k
              FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(p, n),
                   jsonb_array_elements(coalesce(o.p -> 'relationships', '[]')) WITH ORDINALITY AS e(r, n)
             WHERE jsonb_typeof(e.r -> 'from') IS DISTINCT FROM jsonb_typeof(e.r -> 'to')
                OR (jsonb_typeof(e.r -> 'from') = 'array' AND jsonb_array_length(e.r -> 'from') <> jsonb_array_length(e.r -> 'to'))
                OR e.r -> 'from' = '[]') AS x
     ORDER BY x.n, x.k LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, r.path,
            format('from is %s and to %s: they do not pair up', r.f, r.t),
            'A relationship of an output port goes from one field to one (from: a, to: other.b) or from a list of fields to a list of the same length, in the same order (from: [a, b], to: [other.a, other.b]).',
            line => line);
    END IF;
    -- a foreign key references one relation: every to of a relationship names one output
    SELECT d.path, d.targets INTO r
      FROM meshcat_internal.descriptor_relationships(doc) AS d
     WHERE (SELECT count(DISTINCT regexp_replace(t, '[.][^.]+$', '')) FROM unnest(d.targets) AS t) > 1
     LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, r.path || '.to',
            format('the relationship''s to names fields of more than one output (%s)', array_to_string(r.targets, ', ')),
            'A relationship is one foreign key: every field it goes to is a field of the same output.', line => line);
    END IF;
    FOR r IN SELECT d.port, u.ref, u.path, u.is_from
               FROM meshcat_internal.descriptor_relationships(doc) WITH ORDINALITY AS d(port, path, from_fields, from_paths, targets, to_paths, n),
                    LATERAL (SELECT a.ref, a.path, true AS is_from, a.k FROM unnest(d.from_fields, d.from_paths) WITH ORDINALITY AS a(ref, path, k)
                             UNION ALL
                             SELECT a.ref, a.path, false, 1000000 + a.k FROM unnest(d.targets, d.to_paths) WITH ORDINALITY AS a(ref, path, k)
                              WHERE a.ref !~ '^[^.]+[.][^.]+[.]') AS u
              ORDER BY d.n, u.k LOOP
        IF r.is_from THEN
            port := (SELECT e FROM jsonb_array_elements(doc -> 'outputs') AS e WHERE e ->> 'name' = r.port LIMIT 1);
            IF NOT EXISTS (SELECT FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e WHERE e ->> 'name' = r.ref) THEN
                near := meshcat_internal.closest_key(r.ref, ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e));
                PERFORM meshcat_internal.raise_unknown_reference(docno, r.path, format('field "%s" of output "%s"', r.ref, r.port),
                    CASE WHEN near IS NOT NULL THEN format('Did you mean "%s"? A relationship goes from fields of its own output.', near)
                         ELSE 'A relationship goes from fields of its own output: name one of them.' END,
                    line => line);
            END IF;
            CONTINUE;
        END IF;
        port := (SELECT e FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) AS e WHERE e ->> 'name' = split_part(r.ref, '.', 1) LIMIT 1);
        IF port IS NULL THEN
            near := meshcat_internal.closest_key(split_part(r.ref, '.', 1), ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) AS e));
            PERFORM meshcat_internal.raise_unknown_reference(docno, r.path, format('output "%s"', split_part(r.ref, '.', 1)),
                CASE WHEN near IS NOT NULL THEN format('Did you mean "%s"? <output>.<field> names an output of this product; <domain>.<product>.<output>.<field> one of a product among its inputs.', near)
                     ELSE '<output>.<field> names an output of this product; <domain>.<product>.<output>.<field> one of a product among its inputs.' END,
                line => line);
        END IF;
        IF NOT EXISTS (SELECT FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e WHERE e ->> 'name' = substr(r.ref, strpos(r.ref, '.') + 1)) THEN
            near := meshcat_internal.closest_key(substr(r.ref, strpos(r.ref, '.') + 1), ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e));
            PERFORM meshcat_internal.raise_unknown_reference(docno, r.path,
                format('field "%s" of output "%s"', substr(r.ref, strpos(r.ref, '.') + 1), split_part(r.ref, '.', 1)),
                CASE WHEN near IS NOT NULL THEN format('Did you mean "%s"?', near) ELSE 'Name one of the fields of the output.' END,
                line => line);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_relationships(jsonb, int, int) IS
    'Raises 22023 when a port-level relationship''s from and to do not pair up, 23503 when a relationship names a field or output of its own document that does not exist.';

-- The checks a JSON Schema cannot say: values that must parse, names that must agree,
-- duplicates. References to other objects are checked by the writers below.
CREATE FUNCTION meshcat_internal.check_product_document(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
    -- a function of the document alone (check_product_once relies on it): its regular
    -- expressions are read as written, and an interval's sign whatever the session's style
    SET standard_conforming_strings = on
    SET IntervalStyle = postgres
AS $$
DECLARE
    item jsonb;
    i int := 0;
    msg text;
    dup record;
BEGIN
    -- An exception block is a subtransaction: the common cases are told apart without one.
    IF NOT (doc ->> 'version') ~ '^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$' THEN
        BEGIN
            PERFORM (doc ->> 'version')::@extschema@.semver;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$.version', msg,
                                                         'Versions follow SemVer 2.0.0, for example 1.4.0 or 2.0.0-rc.1.', line => line);
        END;
    END IF;
    IF doc ? 'domain' AND doc ->> 'domain' <> split_part(doc ->> 'id', '.', 1) THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$.domain',
            format('domain "%s" does not match the id "%s"', doc ->> 'domain', doc ->> 'id'),
            'A product id is <domain>.<name>; domain may be left out.', line => line);
    END IF;
    IF doc ? 'retention' AND NOT (doc ->> 'retention') ~ '^[0-9]{1,6} (days?|weeks?|months?|years?)$' THEN
        BEGIN
            IF (doc ->> 'retention')::interval < interval '0' THEN
                PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$.retention', 'must not be negative', line => line);
            END IF;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$.retention',
                format('"%s" is not an interval', doc ->> 'retention'),
                'Write a PostgreSQL interval such as "730 days", "7 years" or "P7Y".', line => line);
        END;
    END IF;

    FOR item IN SELECT jsonb_array_elements(doc -> 'inputs') LOOP
        IF (item ? 'product') = (item ? 'source') THEN
            PERFORM meshcat_internal.raise_invalid_descriptor(docno, format('$.inputs[%s]', i),
                'an input names exactly one of "product" or "source"', line => line);
        END IF;
        IF item ? 'version' AND NOT item ? 'product' THEN
            PERFORM meshcat_internal.raise_invalid_descriptor(docno, format('$.inputs[%s].version', i),
                'a version range applies to a product input only', line => line);
        END IF;
        IF item ? 'product' AND NOT (item ->> 'product') ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}\.[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN
            PERFORM meshcat_internal.raise_invalid_descriptor(docno, format('$.inputs[%s].product', i),
                format('"%s" is not a product id', item ->> 'product'), 'A product id is <domain>.<name>.', line => line);
        END IF;
        IF item ->> 'product' = doc ->> 'id' THEN
            PERFORM meshcat_internal.raise_error('23514',
                format('lineage cycle: %s, $.inputs[%s].product: "%s" consumes itself',
                       meshcat_internal.document_label(docno, line), i, doc ->> 'id'),
                format('The cycle is %s -> %s.', doc ->> 'id', doc ->> 'id'),
                'A data product cannot be its own input.');
        END IF;
        IF item ? 'version' AND NOT @extschema@.semver_range_valid(item ->> 'version') THEN
            BEGIN
                PERFORM @extschema@.semver_satisfies('0.0.0', item ->> 'version');
            EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                PERFORM meshcat_internal.raise_invalid_descriptor(docno, format('$.inputs[%s].version', i), msg,
                    'Write an npm-style range such as ^1.2, ~1.2.3, >=1.0 <2.0 or 1.x.', line => line);
            END;
        END IF;
        i := i + 1;
    END LOOP;

    -- The first output, or field of an output, whose name an earlier one has: one query.
    SELECT CASE WHEN d.field IS NULL THEN format('$.outputs[%s].name', d.o - 1)
                ELSE format('$.outputs[%s].schema[%s].name', d.o - 1, d.f - 1) END AS path,
           CASE WHEN d.field IS NULL THEN format('output "%s" is declared twice', d.name)
                ELSE format('field "%s" is declared twice', d.name) END AS problem
      INTO dup
      FROM (SELECT o.n AS o, NULL::bigint AS f, NULL::text AS field, o.e ->> 'name' AS name,
                   pg_catalog.row_number() OVER (PARTITION BY o.e ->> 'name' ORDER BY o.n) AS k
              FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(e, n)
            UNION ALL
            SELECT o.n, f.n, f.e ->> 'name', f.e ->> 'name',
                   pg_catalog.row_number() OVER (PARTITION BY o.n, f.e ->> 'name' ORDER BY f.n)
              FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(e, n),
                   jsonb_array_elements(coalesce(o.e -> 'schema', '[]')) WITH ORDINALITY AS f(e, n)) AS d
     WHERE d.k > 1
     ORDER BY d.o, d.f NULLS FIRST
     LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, dup.path, dup.problem, line => line);
    END IF;
    -- quality checks that could never run (mesh_run_checks would refuse them anyway)
    dup := meshcat_internal.quality_problem(doc);
    IF dup.path IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, dup.path, dup.problem,
            'A sql check is one SELECT returning one number, that neither writes nor locks rows; a pattern is a POSIX regular expression (docs/quality.md).',
            line => line);
    END IF;
    -- relationships that do not pair up, or name what this document does not declare
    PERFORM meshcat_internal.check_relationships(doc, docno, line);
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_product_document(jsonb, int, int) IS
    'Checks what the JSON Schema cannot: semver, interval, input shape, duplicate names, quality checks that could never run, relationships within the document.';

-- A product document as mesh_register and the guard check it: its JSON Schema, then what the
-- schema cannot say. Raises 22023 at the first problem. A function of the document alone.
CREATE FUNCTION meshcat_internal.check_product(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problem text[] := meshcat_internal.descriptor_problem(doc,
        @extschema@.mesh_descriptor_schema() OPERATOR(pg_catalog.->) '$defs' OPERATOR(pg_catalog.->) 'DataProduct');
BEGIN
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, problem[1], problem[2], line => line);
    END IF;
    PERFORM meshcat_internal.check_product_document(doc, docno, line);
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_product(jsonb, int, int) IS
    'Raises 22023 at the first problem of a DataProduct document: its JSON Schema, then its values.';

-- check_product, once per transaction and document (src/checked_once.c): registration checks
-- each document before it writes, the guard checks what is written; the second check of the
-- same bytes is skipped. Only a check that passed is remembered, by the C itself.
-- from_text: the text mesh_register converted the document from (registered_document).
CREATE FUNCTION meshcat_internal.check_product_once(doc jsonb, docno int, line int DEFAULT NULL,
                                                   remember boolean DEFAULT false, from_text text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'check_product_once'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION meshcat_internal.check_product_once(jsonb, int, int, boolean, text) IS
    'Runs check_product unless this transaction has already seen it pass on the same document (remembered by a call with remember, until the next call without it).';

-- Whether mesh_register checked this descriptor, in this transaction, as converted from this
-- text (src/checked_once.c): the guard then keeps the text as the version's document without
-- converting it again.
CREATE FUNCTION meshcat_internal.registered_document(doc jsonb, from_text text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'registered_document'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION meshcat_internal.registered_document(jsonb, text) IS
    'Internal: whether mesh_register checked the descriptor in this transaction as converted from the text.';

-- A document is a mapping with a kind meshcat knows: what every other check presumes.
CREATE FUNCTION meshcat_internal.check_document_kind(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Neither meshcat's nor a standard's (47_standards knows them by their markers): often a
    -- fragment of another document, such as a port or schema a DPDS descriptor refers to.
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object' OR NOT doc ? 'kind' THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$',
            CASE WHEN jsonb_typeof(doc) IS DISTINCT FROM 'object' THEN format('expected a mapping, got %s', coalesce(jsonb_typeof(doc), 'nothing'))
                 ELSE 'missing required key "kind"' END,
            'A document is a whole meshcat document (kind Domain, DataProduct, Policy or GlossaryTerm) or a whole document of a standard meshcat reads, known by its marker: ODCS and ODPS (kind and apiVersion), DPDS (dataProductDescriptor), Data Contract Specification (dataContractSpecification). A fragment of another document is none of these.',
            line => line);
    END IF;
    IF doc ->> 'kind' NOT IN ('Domain', 'DataProduct', 'Policy', 'GlossaryTerm') OR jsonb_typeof(doc -> 'kind') <> 'string' THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$.kind',
            format('unknown kind %s', doc -> 'kind'), 'The kinds are Domain, DataProduct, Policy and GlossaryTerm.', line => line);
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_document_kind(jsonb, int, int) IS
    'Raises 22023 unless a document is a mapping whose kind is Domain, DataProduct, Policy or GlossaryTerm.';

-- Glossary references (docs/glossary.md): a product's glossary ($.glossary[i]), its fields'
-- ($.outputs[o].schema[f].glossary[g]) and a term's related terms ($.related[i]) each name a
-- registered term, by its exact name; else 23503 naming the first missing one in document
-- order. mesh_register writes a stream's terms before its products, and checks related terms
-- once all of them are written, so a term of the same stream resolves. warn: a product naming
-- a deprecated term is told so (WARNING), once, by mesh_register.
CREATE FUNCTION meshcat_internal.check_glossary_references(doc jsonb, docno int, line int DEFAULT NULL,
                                                      warn boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    old text[];
BEGIN
    -- most documents name no term: they cost a test, and need no right on the glossary
    IF NOT (doc @? '$.glossary[*]' OR doc @? '$.related[*]' OR doc @? '$.outputs[*].schema[*].glossary[*]') THEN
        RETURN;
    END IF;
    SELECT x.path, x.term INTO r
      FROM meshcat_internal.glossary_references(doc) AS x
     WHERE NOT EXISTS (SELECT FROM @extschema@.glossary_term AS t WHERE t.name = x.term)
     ORDER BY x.k LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_unknown_reference(docno, r.path, format('glossary term "%s"', r.term),
            'Register the term first (kind: GlossaryTerm), or in the same stream; SELECT term FROM mesh_glossary lists them.',
            line => line);
    END IF;
    IF warn THEN
        old := ARRAY(SELECT DISTINCT x.term FROM meshcat_internal.glossary_references(doc) AS x
                       JOIN @extschema@.glossary_term AS t ON t.name = x.term
                      WHERE t.status = 'deprecated' ORDER BY 1);
        IF cardinality(old) > 0 THEN
            RAISE WARNING '%', format('%s names deprecated glossary terms: %s',
                                      meshcat_internal.document_label(docno, line),
                                      (SELECT string_agg(format('"%s"', o), ', ') FROM unnest(old) AS o))
                USING HINT = 'Name the terms that replace them (see their definitions in mesh_glossary).';
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_glossary_references(jsonb, int, int, boolean) IS
    'Raises 23503 unless every glossary term a product, its fields or a term''s related names is registered; warns of deprecated ones when asked.';

-- Every glossary reference of a document, in document order (k): its JSON path and the term.
CREATE FUNCTION meshcat_internal.glossary_references(doc jsonb) RETURNS TABLE (k bigint, path text, term text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT pg_catalog.row_number() OVER (ORDER BY s.o, s.f, s.g), s.path, s.term
      FROM (SELECT 0::bigint AS o, 0::bigint AS f, g.n AS g, pg_catalog.format('$.%s[%s]', key.k, g.n - 1) AS path, g.t AS term
              FROM (VALUES ('glossary'), ('related')) AS key(k),
                   pg_catalog.jsonb_array_elements_text(CASE WHEN pg_catalog.jsonb_typeof(doc OPERATOR(pg_catalog.->) key.k) OPERATOR(pg_catalog.=) 'array'
                                                             THEN doc OPERATOR(pg_catalog.->) key.k ELSE '[]' END) WITH ORDINALITY AS g(t, n)
            UNION ALL
            SELECT o.n, f.n, g.n, pg_catalog.format('$.outputs[%s].schema[%s].glossary[%s]', o.n - 1, f.n - 1, g.n - 1), g.t
              FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(doc OPERATOR(pg_catalog.->) 'outputs') OPERATOR(pg_catalog.=) 'array'
                                                        THEN doc OPERATOR(pg_catalog.->) 'outputs' ELSE '[]' END) WITH ORDINALITY AS o(p, n),
                   pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(o.p OPERATOR(pg_catalog.->) 'schema') OPERATOR(pg_catalog.=) 'array'
                                                        THEN o.p OPERATOR(pg_catalog.->) 'schema' ELSE '[]' END) WITH ORDINALITY AS f(x, n),
                   pg_catalog.jsonb_array_elements_text(CASE WHEN pg_catalog.jsonb_typeof(f.x OPERATOR(pg_catalog.->) 'glossary') OPERATOR(pg_catalog.=) 'array'
                                                             THEN f.x OPERATOR(pg_catalog.->) 'glossary' ELSE '[]' END) WITH ORDINALITY AS g(t, n)) AS s;
END;
COMMENT ON FUNCTION meshcat_internal.glossary_references(jsonb) IS
    'Internal: the glossary terms a document names (a product''s glossary, its fields'' glossary, a term''s related), with their JSON paths, in document order.';

-- Column lineage is a reference like an input: every derived_from of a product document names
-- <domain>.<product>.<output>.<field> of a product among its inputs, and that output and field
-- exist in the newest version of it that an input's range accepts, in the catalog or in this
-- stream (stream: the stream's DataProduct documents, as {id: [document, ...]}). Runs once the
-- stream's product identities and inputs are known to exist.
CREATE FUNCTION meshcat_internal.check_derived_from(doc jsonb, docno int, line int, stream jsonb,
                                               status @extschema@.lifecycle_status) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
    -- nested arrays of one document, estimated as millions of rows (see quality_problem)
    SET jit = off
AS $$
DECLARE
    r record;
    ranges text[];
    tver @extschema@.semver;
    target jsonb;
    port jsonb;
    near text;
BEGIN
    FOR r IN
        SELECT x.path, x.product, x.output, x.field, x.relationship FROM (
            SELECT format('$.outputs[%s].schema[%s].derived_from[%s]', o.n - 1, f.n - 1, d.n - 1) AS path,
                   split_part(d.ref, '.', 1) || '.' || split_part(d.ref, '.', 2) AS product,
                   split_part(d.ref, '.', 3) AS output, split_part(d.ref, '.', 4) AS field, false AS relationship, 0 AS part, (o.n * 1000000 + f.n * 1000 + d.n) AS n
              FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(port, n),
                   jsonb_array_elements(coalesce(o.port -> 'schema', '[]')) WITH ORDINALITY AS f(field, n),
                   jsonb_array_elements_text(coalesce(f.field -> 'derived_from', '[]')) WITH ORDINALITY AS d(ref, n)
            UNION ALL
            -- a relationship to another product's port is a reference to an input too
            SELECT t.path, split_part(t.ref, '.', 1) || '.' || split_part(t.ref, '.', 2),
                   split_part(t.ref, '.', 3), split_part(t.ref, '.', 4), true, 1, rl.n * 1000 + t.n
              FROM meshcat_internal.descriptor_relationships(doc) WITH ORDINALITY AS rl(port, path, from_fields, from_paths, targets, to_paths, n),
                   unnest(rl.targets, rl.to_paths) WITH ORDINALITY AS t(ref, path, n)
             WHERE t.ref ~ '^[^.]+[.][^.]+[.][^.]+[.]') AS x
         ORDER BY x.part, x.n, x.path
    LOOP
        ranges := ARRAY(SELECT coalesce(e ->> 'version', '*') FROM jsonb_array_elements(coalesce(doc -> 'inputs', '[]')) AS e
                         WHERE e ->> 'product' = r.product);
        IF pg_catalog.cardinality(ranges) = 0 THEN
            PERFORM meshcat_internal.raise_unknown_reference(docno, r.path, format('input product "%s"', r.product),
                CASE WHEN r.relationship AND r.product = doc ->> 'id'
                     THEN format('A relationship to an output of the same product names it as <output>.<field> (%s.%s).', r.output, r.field)
                     WHEN r.relationship
                     THEN format('A relationship names a field of this product, or of a product its version consumes: add {product: %s} to inputs, or correct the reference.', r.product)
                     WHEN r.product = doc ->> 'id'
                     THEN 'A field derives from fields of the products its version consumes; a product does not consume itself.'
                     ELSE format('A field derives from fields of the products its version consumes: add {product: %s} to inputs, or correct the reference.', r.product) END,
                line => line);
        END IF;
        -- For each input of that product, the newest version its range accepts (a version of
        -- this stream replaces the catalog's); one of them must have the output and the field.
        -- Another product's drafts are not its contract: a published consumer derives from
        -- released versions only, and a draft consumer from a draft only when no released
        -- version is accepted (so an upstream draft cannot block, or vanish from under, others).
        SELECT c.version, c.descriptor, c.port INTO tver, target, port
          FROM pg_catalog.unnest(ranges) WITH ORDINALITY AS x(range, n),
               LATERAL (SELECT a.version, a.descriptor,
                               (SELECT e FROM jsonb_array_elements(coalesce(a.descriptor -> 'outputs', '[]')) AS e
                                 WHERE e ->> 'name' = r.output LIMIT 1) AS port
                          FROM (SELECT (s ->> 'version')::@extschema@.semver AS version, s AS descriptor,
                                       -- a version already released stays released whatever the document says
                                       coalesce((SELECT v.status FROM @extschema@.product_version AS v
                                                  WHERE v.product_id = r.product AND v.status <> 'draft'
                                                    AND v.version = (s ->> 'version')::@extschema@.semver),
                                                coalesce(s ->> 'status', 'draft')::@extschema@.lifecycle_status) AS status
                                  FROM jsonb_array_elements(coalesce(stream -> r.product, '[]')) AS s
                                UNION ALL
                                SELECT v.version, v.descriptor, v.status FROM @extschema@.product_version AS v
                                 WHERE v.product_id = r.product
                                   AND NOT coalesce(stream -> r.product, '[]') @> jsonb_build_array(jsonb_build_object('version', v.version::text))) AS a
                         WHERE (x.range = '*' OR @extschema@.semver_satisfies(a.version, x.range))
                           AND (check_derived_from.status = 'draft' OR a.status <> 'draft')
                         ORDER BY a.status = 'draft', a.version DESC LIMIT 1) AS c
         ORDER BY EXISTS (SELECT FROM jsonb_array_elements(coalesce(c.port -> 'schema', '[]')) AS e WHERE e ->> 'name' = r.field) DESC,
                  c.port IS NOT NULL DESC, x.n
         LIMIT 1;
        IF NOT FOUND THEN
            PERFORM meshcat_internal.raise_unknown_reference(docno, r.path,
                format('a %sversion of "%s" that its input accepts (%s)', CASE WHEN status <> 'draft' THEN 'published ' ELSE '' END,
                       r.product, array_to_string(ranges, ' or ')),
                CASE WHEN status <> 'draft'
                     THEN format('A published version derives from published versions: publish a version of "%s" that the input''s range accepts, or widen the range.', r.product)
                     ELSE format('The field must exist in the newest version of "%s" that the input''s range accepts: register one, or widen the range.', r.product) END,
                line => line);
        END IF;
        IF port IS NULL THEN
            near := meshcat_internal.closest_key(r.output, ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(target -> 'outputs', '[]')) AS e));
            PERFORM meshcat_internal.raise_unknown_reference(docno, r.path,
                format('output "%s" in version %s of "%s"', r.output, tver, r.product),
                format('Version %s is the newest version of "%s" that the input accepts; %s', tver, r.product,
                       CASE WHEN near IS NOT NULL THEN format('did you mean "%s"?', near) ELSE 'name one of its outputs.' END),
                line => line);
        END IF;
        IF NOT EXISTS (SELECT FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e WHERE e ->> 'name' = r.field) THEN
            near := meshcat_internal.closest_key(r.field, ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e));
            PERFORM meshcat_internal.raise_unknown_reference(docno, r.path,
                format('field "%s" of output "%s" in version %s of "%s"', r.field, r.output, tver, r.product),
                format('Version %s is the newest version of "%s" that the input accepts; %s', tver, r.product,
                       CASE WHEN near IS NOT NULL THEN format('did you mean "%s"?', near) ELSE 'name one of the fields of its output.' END),
                line => line);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_derived_from(jsonb, int, int, jsonb, @extschema@.lifecycle_status) IS
    'Raises 23503 unless every derived_from of a product document names an existing field of a product among its inputs (the newest version its range accepts, in the catalog or the stream).';

-- The differences between two descriptors of a product, classified like datacontract-cli's
-- breaking-change rules: error (breaks consumers), warning (may), info (does not). A field
-- without a classification has its product's; a field's own classification is compared when
-- either version states one (a product-level change is reported once, at the product).
CREATE FUNCTION meshcat_internal.descriptor_diff(a jsonb, b jsonb)
RETURNS TABLE (change text, path text, severity text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH cls(old_c, new_c) AS (
        SELECT coalesce(a OPERATOR(pg_catalog.->>) 'classification', 'internal')::@extschema@.classification,
               coalesce(b OPERATOR(pg_catalog.->>) 'classification', 'internal')::@extschema@.classification
    ), op AS (
        SELECT e OPERATOR(pg_catalog.->>) 'name' AS port, e FROM pg_catalog.jsonb_array_elements(coalesce(a OPERATOR(pg_catalog.->) 'outputs', '[]')) AS e
    ), np AS (
        SELECT e OPERATOR(pg_catalog.->>) 'name' AS port, e FROM pg_catalog.jsonb_array_elements(coalesce(b OPERATOR(pg_catalog.->) 'outputs', '[]')) AS e
    ), ofl AS (
        SELECT op.port, f OPERATOR(pg_catalog.->>) 'name' AS field, f,
               coalesce((f OPERATOR(pg_catalog.->>) 'classification')::@extschema@.classification, cls.old_c) AS c
          FROM op, cls, pg_catalog.jsonb_array_elements(coalesce(op.e OPERATOR(pg_catalog.->) 'schema', '[]')) AS f
    ), nfl AS (
        SELECT np.port, f OPERATOR(pg_catalog.->>) 'name' AS field, f,
               coalesce((f OPERATOR(pg_catalog.->>) 'classification')::@extschema@.classification, cls.new_c) AS c
          FROM np, cls, pg_catalog.jsonb_array_elements(coalesce(np.e OPERATOR(pg_catalog.->) 'schema', '[]')) AS f
    ), pairs AS (
        SELECT ofl.port, ofl.field, ofl.f AS o, nfl.f AS n, ofl.c AS oc, nfl.c AS nc,
               'outputs.' OPERATOR(pg_catalog.||) ofl.port OPERATOR(pg_catalog.||) '.fields.' OPERATOR(pg_catalog.||) ofl.field AS p
          FROM ofl JOIN nfl USING (port, field)
    )
    SELECT * FROM (
        SELECT 'classification_downgraded', 'classification', 'error' FROM cls WHERE new_c OPERATOR(pg_catalog.<) old_c
        UNION ALL SELECT 'classification_upgraded', 'classification', 'warning' FROM cls WHERE new_c OPERATOR(pg_catalog.>) old_c
        UNION ALL SELECT 'output_removed', 'outputs.' OPERATOR(pg_catalog.||) op.port, 'error'
          FROM op WHERE NOT EXISTS (SELECT FROM np WHERE np.port OPERATOR(pg_catalog.=) op.port)
        UNION ALL SELECT 'output_added', 'outputs.' OPERATOR(pg_catalog.||) np.port, 'info'
          FROM np WHERE NOT EXISTS (SELECT FROM op WHERE op.port OPERATOR(pg_catalog.=) np.port)
        UNION ALL SELECT 'output_type_changed', 'outputs.' OPERATOR(pg_catalog.||) op.port OPERATOR(pg_catalog.||) '.type', 'error'
          FROM op JOIN np USING (port) WHERE op.e OPERATOR(pg_catalog.->) 'type' IS DISTINCT FROM np.e OPERATOR(pg_catalog.->) 'type'
        UNION ALL SELECT 'output_location_changed', 'outputs.' OPERATOR(pg_catalog.||) op.port OPERATOR(pg_catalog.||) '.location', 'warning'
          FROM op JOIN np USING (port) WHERE op.e OPERATOR(pg_catalog.->) 'location' IS DISTINCT FROM np.e OPERATOR(pg_catalog.->) 'location'
        UNION ALL SELECT 'field_removed', 'outputs.' OPERATOR(pg_catalog.||) ofl.port OPERATOR(pg_catalog.||) '.fields.' OPERATOR(pg_catalog.||) ofl.field, 'error'
          FROM ofl WHERE EXISTS (SELECT FROM np WHERE np.port OPERATOR(pg_catalog.=) ofl.port)
                     AND NOT EXISTS (SELECT FROM nfl WHERE nfl.port OPERATOR(pg_catalog.=) ofl.port AND nfl.field OPERATOR(pg_catalog.=) ofl.field)
        UNION ALL SELECT 'field_added', 'outputs.' OPERATOR(pg_catalog.||) nfl.port OPERATOR(pg_catalog.||) '.fields.' OPERATOR(pg_catalog.||) nfl.field, 'info'
          FROM nfl WHERE EXISTS (SELECT FROM op WHERE op.port OPERATOR(pg_catalog.=) nfl.port)
                     AND NOT EXISTS (SELECT FROM ofl WHERE ofl.port OPERATOR(pg_catalog.=) nfl.port AND ofl.field OPERATOR(pg_catalog.=) nfl.field)
        UNION ALL SELECT 'field_type_changed', p OPERATOR(pg_catalog.||) '.type', 'error'
          FROM pairs WHERE pg_catalog.lower(o OPERATOR(pg_catalog.->>) 'type') IS DISTINCT FROM pg_catalog.lower(n OPERATOR(pg_catalog.->>) 'type')
        UNION ALL SELECT 'field_made_required', p OPERATOR(pg_catalog.||) '.required', 'error'
          FROM pairs WHERE coalesce((n OPERATOR(pg_catalog.->>) 'required')::boolean, false) AND NOT coalesce((o OPERATOR(pg_catalog.->>) 'required')::boolean, false)
        UNION ALL SELECT 'field_made_optional', p OPERATOR(pg_catalog.||) '.required', 'warning'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'required')::boolean, false) AND NOT coalesce((n OPERATOR(pg_catalog.->>) 'required')::boolean, false)
        UNION ALL SELECT 'field_unique_removed', p OPERATOR(pg_catalog.||) '.unique', 'warning'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'unique')::boolean, false) AND NOT coalesce((n OPERATOR(pg_catalog.->>) 'unique')::boolean, false)
        UNION ALL SELECT 'field_primary_key_changed', p OPERATOR(pg_catalog.||) '.primary_key', 'warning'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'primary_key')::boolean, false) OPERATOR(pg_catalog.<>) coalesce((n OPERATOR(pg_catalog.->>) 'primary_key')::boolean, false)
        UNION ALL SELECT 'field_pii_removed', p OPERATOR(pg_catalog.||) '.pii', 'error'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'pii')::boolean, false) AND NOT coalesce((n OPERATOR(pg_catalog.->>) 'pii')::boolean, false)
        UNION ALL SELECT 'field_pii_added', p OPERATOR(pg_catalog.||) '.pii', 'warning'
          FROM pairs WHERE coalesce((n OPERATOR(pg_catalog.->>) 'pii')::boolean, false) AND NOT coalesce((o OPERATOR(pg_catalog.->>) 'pii')::boolean, false)
        UNION ALL SELECT 'field_classification_downgraded', p OPERATOR(pg_catalog.||) '.classification', 'error'
          FROM pairs WHERE nc OPERATOR(pg_catalog.<) oc AND (o OPERATOR(pg_catalog.?) 'classification' OR n OPERATOR(pg_catalog.?) 'classification')
        UNION ALL SELECT 'field_classification_upgraded', p OPERATOR(pg_catalog.||) '.classification', 'warning'
          FROM pairs WHERE nc OPERATOR(pg_catalog.>) oc AND (o OPERATOR(pg_catalog.?) 'classification' OR n OPERATOR(pg_catalog.?) 'classification')
        UNION ALL SELECT 'field_description_changed', p OPERATOR(pg_catalog.||) '.description', 'info'
          FROM pairs WHERE o OPERATOR(pg_catalog.->) 'description' IS DISTINCT FROM n OPERATOR(pg_catalog.->) 'description'
        -- a foreign key dropped lets rows in that reference nothing; one added refuses rows
        -- the producer wrote before: neither breaks a consumer's reads
        UNION ALL SELECT 'relationship_removed', 'outputs.' OPERATOR(pg_catalog.||) r.port OPERATOR(pg_catalog.||) '.relationships', 'warning'
          FROM meshcat_internal.descriptor_relationships(a) AS r
         WHERE EXISTS (SELECT FROM np WHERE np.port OPERATOR(pg_catalog.=) r.port)
           AND NOT EXISTS (SELECT FROM meshcat_internal.descriptor_relationships(b) AS n
                            WHERE n.port OPERATOR(pg_catalog.=) r.port AND n.from_fields OPERATOR(pg_catalog.=) r.from_fields
                              AND n.targets OPERATOR(pg_catalog.=) r.targets)
        UNION ALL SELECT 'relationship_added', 'outputs.' OPERATOR(pg_catalog.||) r.port OPERATOR(pg_catalog.||) '.relationships', 'info'
          FROM meshcat_internal.descriptor_relationships(b) AS r
         WHERE EXISTS (SELECT FROM op WHERE op.port OPERATOR(pg_catalog.=) r.port)
           AND NOT EXISTS (SELECT FROM meshcat_internal.descriptor_relationships(a) AS o
                            WHERE o.port OPERATOR(pg_catalog.=) r.port AND o.from_fields OPERATOR(pg_catalog.=) r.from_fields
                              AND o.targets OPERATOR(pg_catalog.=) r.targets)
        UNION ALL SELECT 'inputs_changed', 'inputs', 'info'
          WHERE coalesce(a OPERATOR(pg_catalog.->) 'inputs', '[]') OPERATOR(pg_catalog.<>) coalesce(b OPERATOR(pg_catalog.->) 'inputs', '[]')
        UNION ALL SELECT k OPERATOR(pg_catalog.||) '_changed', k, 'info'
          FROM pg_catalog.unnest(ARRAY['description', 'retention', 'sla', 'quality', 'security']) AS k
         WHERE a OPERATOR(pg_catalog.->) k IS DISTINCT FROM b OPERATOR(pg_catalog.->) k
    ) AS d(change, path, severity);
END;
COMMENT ON FUNCTION meshcat_internal.descriptor_diff(jsonb, jsonb) IS
    'The classified differences between two descriptors of a product (error breaks consumers, warning may, info does not).';

-- Compiles a rule: a SQL/JSON path predicate in which $ (and @) is the descriptor.
CREATE FUNCTION meshcat_internal.compile_rule(rule text) RETURNS jsonpath
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    msg text;
BEGIN
    RETURN format('$ ? (%s)', rule)::jsonpath;
EXCEPTION WHEN syntax_error OR invalid_text_representation OR feature_not_supported THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
    PERFORM meshcat_internal.raise_error('22023',
        format('invalid policy rule: %s', msg),
        format('The rule was: %s', rule),
        'A rule is a SQL/JSON path predicate over the descriptor, such as exists($.sla.freshness) or $.classification != "public".');
END
$$;
COMMENT ON FUNCTION meshcat_internal.compile_rule(text) IS
    'Compiles a policy rule (a SQL/JSON path predicate over the descriptor) to a jsonpath; 22023 when it is not one.';

-- Resolves a checking function (jsonb) -> boolean for a role to approve, or raises: its OID,
-- signature, and what is approved (SECURITY DEFINER or not, owner).
CREATE FUNCTION meshcat_internal.resolve_check_function(fn text, author oid,
                                                  OUT fn_oid oid, OUT signature text,
                                                  OUT secdef boolean, OUT owner oid)
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    oid_ regprocedure;
    f record;
    refusal text;
BEGIN
    BEGIN
        oid_ := to_regprocedure(CASE WHEN fn ~ '\)\s*$' THEN fn ELSE fn || '(jsonb)' END);
    EXCEPTION WHEN OTHERS THEN
        oid_ := NULL;
    END;
    IF oid_ IS NULL THEN
        PERFORM meshcat_internal.raise_error('23503',
            format('checking function %s does not exist', fn),
            NULL,
            'Name a schema-qualified function taking one jsonb and returning boolean, such as governance.check_pii(jsonb).');
    END IF;
    SELECT p.prorettype, p.prosecdef, p.prokind, p.proretset, p.pronargs, p.proargtypes[0] AS argtype,
           p.proowner, p.proname, n.nspname INTO f
      FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE p.oid = oid_;
    IF f.prorettype <> 'boolean'::regtype OR f.prokind <> 'f' OR f.proretset OR f.pronargs <> 1
       OR f.argtype <> 'jsonb'::regtype THEN
        PERFORM meshcat_internal.raise_error('22023',
            format('checking function %s is not (jsonb) -> boolean', oid_),
            NULL,
            'A checking function takes the descriptor as its one jsonb argument and returns boolean.');
    END IF;
    -- It will run as the approving role (or, if SECURITY DEFINER, as its owner): never with more.
    refusal := meshcat_internal.check_function_refusal(oid_, author);
    IF refusal IS NOT NULL THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('checking function %s cannot be approved by role "%s"', oid_,
                   (SELECT r.rolname FROM pg_roles AS r WHERE r.oid = author)),
            format('Policies run their function with the rights of the administrator who named it (a SECURITY DEFINER one with its owner''s); here %s.', refusal),
            'Name a function you own: it then runs with your rights, SECURITY INVOKER or SECURITY DEFINER.');
    END IF;
    fn_oid := oid_;
    signature := format('%I.%I(jsonb)', f.nspname, f.proname);
    secdef := f.prosecdef;
    owner := f.proowner;
END
$$;
COMMENT ON FUNCTION meshcat_internal.resolve_check_function(text, oid) IS
    'Resolves a policy''s checking function for a role to approve: (jsonb) -> boolean, never running with more than that role''s rights; its OID, signature, SECURITY DEFINER, owner.';

-- The checks on a Policy document that its JSON Schema cannot say.
CREATE FUNCTION meshcat_internal.check_policy_document(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    msg text;
BEGIN
    IF (doc ? 'scope') = (doc ? 'domain') THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$', 'a policy has either "scope: global" or a "domain"',
            'Write scope: global for a standard of the whole mesh, or domain: <name> for one domain and its subdomains.', line => line);
    END IF;
    IF (doc ? 'rule') = (doc ? 'function') THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$', 'a policy has either a "rule" or a "function"',
            'A rule is a SQL/JSON path predicate over the descriptor; a function is (jsonb) -> boolean.', line => line);
    END IF;
    IF doc ? 'rule' THEN
        BEGIN
            PERFORM meshcat_internal.compile_rule(doc ->> 'rule');
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$.rule', msg,
                'A rule is a SQL/JSON path predicate over the descriptor, such as exists($.sla.freshness) or $.classification != "public".', line => line);
        END;
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_policy_document(jsonb, int, int) IS
    'Checks what the JSON Schema cannot in a Policy document: scope or domain, rule or function, the rule compiles.';
