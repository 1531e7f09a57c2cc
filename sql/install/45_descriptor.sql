-- 45_descriptor: the meshcat/v1 descriptor format as a JSON Schema, and the validator that
-- checks documents against it and names the JSON path of the first problem. The schema's one
-- source is docs/descriptor.schema.json: the build puts it in place of @DESCRIPTOR_SCHEMA@.

CREATE FUNCTION @extschema@.mesh_descriptor_schema() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $schema$
@DESCRIPTOR_SCHEMA@
$schema$::jsonb;
COMMENT ON FUNCTION @extschema@.mesh_descriptor_schema() IS
    'The JSON Schema of meshcat/v1 descriptor documents (also docs/descriptor.schema.json).';

-- A JSON path step for a key, quoted as SQL/JSON paths quote keys that are not identifiers.
CREATE FUNCTION @extschema@.json_path_key(path text, key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
-- No SET clause, so that it inlines; the operators are qualified instead.
RETURN CASE WHEN key OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_]*$'
            THEN path OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) key
            ELSE path OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.to_jsonb(key)::text END;
COMMENT ON FUNCTION @extschema@.json_path_key(text, text) IS
    'Appends a key to a SQL/JSON path, quoted when it is not an identifier.';

-- The edit distance between two strings: insertions, deletions, substitutions and swaps of two
-- neighbours each count one (optimal string alignment). Only error messages use it.
CREATE FUNCTION @extschema@.edit_distance(a text, b text) RETURNS int
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
COMMENT ON FUNCTION @extschema@.edit_distance(text, text) IS
    'Internal: the optimal string alignment distance between two strings, for "did you mean" suggestions.';

-- The candidate closest to key, if it is close enough to be a likely typo (at most one edit in
-- a short key, two in a key of six or more characters), else NULL.
CREATE FUNCTION @extschema@.closest_key(key text, candidates text[]) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT c FROM unnest(candidates) AS c
         WHERE @extschema@.edit_distance(lower(key), lower(c)) <= greatest(1, least(2, length(key) / 3))
         ORDER BY @extschema@.edit_distance(lower(key), lower(c)), c
         LIMIT 1);
COMMENT ON FUNCTION @extschema@.closest_key(text, text[]) IS
    'Internal: the candidate a mistyped key most likely meant, or NULL.';

-- Checks value against a subset of JSON Schema (type, const, enum, pattern, minLength,
-- required, properties, patternProperties, additionalProperties, items, $ref into $defs).
-- Returns {path, problem} for the first problem found in document order, else NULL.
-- It walks with an explicit stack, not recursion: one call per document keeps it cheap.
CREATE FUNCTION @extschema@.descriptor_problem(value jsonb, schema jsonb, path text DEFAULT '$')
RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    defs jsonb := @extschema@.mesh_descriptor_schema() -> '$defs';
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
                                AND @extschema@.closest_key(k, ARRAY[key]) IS NOT NULL
                              ORDER BY @extschema@.edit_distance(k, key), k LIMIT 1);
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
                        near := @extschema@.closest_key(key, ARRAY(SELECT jsonb_object_keys(schema -> 'properties')
                                                                   EXCEPT SELECT jsonb_object_keys(value)));
                        RETURN ARRAY[@extschema@.json_path_key(path, key),
                                     'unknown key' || CASE WHEN near IS NOT NULL
                                                           THEN format('; did you mean "%s"?', near) ELSE '' END];
                    END IF;
                END IF;
                -- An empty schema accepts anything: nothing to walk.
                IF sub IS NOT NULL AND sub <> '{}' THEN
                    children := children || item;
                    child_schemas := child_schemas || sub;
                    child_paths := child_paths || @extschema@.json_path_key(path, key);
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
COMMENT ON FUNCTION @extschema@.descriptor_problem(jsonb, jsonb, text) IS
    'The first place where a value breaks a JSON Schema, as {path, problem}, or NULL.';

-- Contract and metadata (docs/governance.md): the contract of a published version never
-- changes; its metadata may, audited, without a new version. This is the one place that says
-- which keys of a DataProduct are metadata: every other key is contract, unknown and extension
-- keys (custom, x-) included, so nothing is metadata by accident. guard_version compares the
-- columns of the same names as metadata too.
CREATE FUNCTION @extschema@.descriptor_metadata_keys() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY['access', 'certification', 'description', 'documentation', 'name', 'owners', 'tags'];
COMMENT ON FUNCTION @extschema@.descriptor_metadata_keys() IS
    'Internal: the top-level keys of a DataProduct descriptor that are metadata (may change after publication); every other key is contract.';

-- The contract part of a descriptor: without its metadata, its status (the lifecycle, judged
-- on its own) and its domain (implied by the id). A value that is not an object is all contract.
CREATE FUNCTION @extschema@.descriptor_contract(descriptor jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN pg_catalog.jsonb_typeof(descriptor) OPERATOR(pg_catalog.=) 'object'
            THEN descriptor OPERATOR(pg_catalog.-)
                 (@extschema@.descriptor_metadata_keys() OPERATOR(pg_catalog.||) ARRAY['status', 'domain']::text[])
            ELSE descriptor END;
COMMENT ON FUNCTION @extschema@.descriptor_contract(jsonb) IS
    'The contract part of a DataProduct descriptor: the descriptor without its metadata keys, status and domain.';

-- The top-level keys whose contract differs between two descriptors, sorted ("$" when one of
-- them is not an object); empty when the contracts are equal.
CREATE FUNCTION @extschema@.descriptor_contract_changes(a jsonb, b jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH c(a, b) AS (
        SELECT CASE WHEN pg_catalog.jsonb_typeof(ca) OPERATOR(pg_catalog.=) 'object' THEN ca
                    ELSE pg_catalog.jsonb_build_object('$', ca) END,
               CASE WHEN pg_catalog.jsonb_typeof(cb) OPERATOR(pg_catalog.=) 'object' THEN cb
                    ELSE pg_catalog.jsonb_build_object('$', cb) END
          FROM (SELECT @extschema@.descriptor_contract(a), @extschema@.descriptor_contract(b)) AS x(ca, cb)
    )
    SELECT coalesce(pg_catalog.array_agg(k ORDER BY k), '{}')
      FROM (SELECT pg_catalog.jsonb_object_keys(c.a) FROM c UNION SELECT pg_catalog.jsonb_object_keys(c.b) FROM c) AS u(k), c
     WHERE c.a OPERATOR(pg_catalog.->) k IS DISTINCT FROM c.b OPERATOR(pg_catalog.->) k;
END;
COMMENT ON FUNCTION @extschema@.descriptor_contract_changes(jsonb, jsonb) IS
    'Internal: the sorted top-level keys whose contract part differs between two DataProduct descriptors; empty when none does.';
