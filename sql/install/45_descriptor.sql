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

-- The edit distance between two strings: insertions, deletions, substitutions and swaps of two
-- neighbours each count one (optimal string alignment). Only error messages use it.
-- C (src/descriptor_check.c), shared with the validator below.
CREATE FUNCTION @extschema@.edit_distance(a text, b text) RETURNS int
    AS 'MODULE_PATHNAME', 'edit_distance'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.edit_distance(text, text) IS
    'Internal: the optimal string alignment distance between two strings, for "did you mean" suggestions.';

-- The candidate closest to key, if it is close enough to be a likely typo (at most one edit in
-- a short key, two in a key of six or more characters, both lower-cased; ties go to the first
-- candidate in text order), else NULL. C (src/descriptor_check.c), shared with the validator.
CREATE FUNCTION @extschema@.closest_key(key text, candidates text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'closest_key'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.closest_key(text, text[]) IS
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
CREATE FUNCTION @extschema@.json_schema_problem(value jsonb, schema jsonb, path text, defs jsonb)
RETURNS text[]
    AS 'MODULE_PATHNAME', 'json_schema_problem'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.json_schema_problem(jsonb, jsonb, text, jsonb) IS
    'Internal: the first place where a value breaks a JSON Schema whose $refs name keys of defs, as {path, problem}, or NULL.';

-- The validator (json_schema_problem, C) against meshcat's own $defs. No SET clause, so that it
-- inlines and the planner folds mesh_descriptor_schema() -> '$defs' into a constant once per
-- plan: parsing the schema once per call would cost twice the validation.
CREATE FUNCTION @extschema@.descriptor_problem(value jsonb, schema jsonb, path text DEFAULT '$')
RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN @extschema@.json_schema_problem(value, schema, path,
                                       @extschema@.mesh_descriptor_schema() OPERATOR(pg_catalog.->) '$defs');
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
