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
    SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN key ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN path || '.' || key
            ELSE path || '.' || pg_catalog.to_jsonb(key)::text END;
COMMENT ON FUNCTION @extschema@.json_path_key(text, text) IS
    'Appends a key to a SQL/JSON path, quoted when it is not an identifier.';

-- Checks value against a subset of JSON Schema (type, const, enum, pattern, minLength,
-- required, properties, patternProperties, additionalProperties, items, $ref into $defs).
-- Returns {path, problem} for the first problem found in document order, else NULL.
CREATE FUNCTION @extschema@.descriptor_problem(value jsonb, schema jsonb, path text DEFAULT '$')
RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    vtype text := jsonb_typeof(value);
    types jsonb;
    key text;
    item jsonb;
    sub jsonb;
    pattern text;
    i int := 0;
    problem text[];
BEGIN
    IF schema ? '$ref' THEN
        schema := @extschema@.mesh_descriptor_schema() -> '$defs' -> substr(schema ->> '$ref', 9);
    END IF;
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
        IF schema ? 'pattern' AND NOT (value #>> '{}') ~ (schema ->> 'pattern') THEN
            RETURN ARRAY[path, format('%s does not match the pattern %s', value, schema ->> 'pattern')];
        END IF;
    ELSIF vtype = 'object' THEN
        FOR key IN SELECT jsonb_array_elements_text(schema -> 'required') LOOP
            IF NOT value ? key THEN
                RETURN ARRAY[path, format('missing required key "%s"', key)];
            END IF;
        END LOOP;
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
                    RETURN ARRAY[@extschema@.json_path_key(path, key), 'unknown key'];
                END IF;
            END IF;
            IF sub IS NOT NULL THEN
                problem := @extschema@.descriptor_problem(item, sub, @extschema@.json_path_key(path, key));
                IF problem IS NOT NULL THEN
                    RETURN problem;
                END IF;
            END IF;
        END LOOP;
    ELSIF vtype = 'array' AND schema ? 'items' THEN
        FOR item IN SELECT jsonb_array_elements(value) LOOP
            problem := @extschema@.descriptor_problem(item, schema -> 'items', format('%s[%s]', path, i));
            IF problem IS NOT NULL THEN
                RETURN problem;
            END IF;
            i := i + 1;
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.descriptor_problem(jsonb, jsonb, text) IS
    'The first place where a value breaks a JSON Schema, as {path, problem}, or NULL.';
