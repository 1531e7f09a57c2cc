-- 20_yaml: YAML to jsonb and back, through libyaml (src/yaml_parse.c, src/yaml_emit.c).
--
-- IMMUTABLE: the result depends on the argument alone. The meshcat.yaml_max_*
-- settings only decide whether an input is refused, never what it converts to.
-- Uses: nothing but its own C functions.

CREATE FUNCTION @extschema@.mesh_yaml_to_jsonb(yaml text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'mesh_yaml_to_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_yaml_to_jsonb(text) IS
    'Converts YAML (or JSON) holding one document to jsonb; NULL when the text holds no document. Plain scalars follow the YAML 1.2 core schema.';

CREATE FUNCTION @extschema@.mesh_yaml_documents(yaml text) RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'mesh_yaml_documents'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.mesh_yaml_documents(text) IS
    'Converts a YAML stream to jsonb, one row per document, in order.';

CREATE FUNCTION @extschema@.mesh_jsonb_to_yaml(value jsonb) RETURNS text
    AS 'MODULE_PATHNAME', 'mesh_jsonb_to_yaml'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_jsonb_to_yaml(jsonb) IS
    'Converts jsonb to block-style YAML that mesh_yaml_to_jsonb reads back to the same value.';

-- Internal: mesh_yaml_documents with the line where each document starts, in one parse, so that
-- mesh_register's errors can say where in a long stream a document is.
CREATE FUNCTION meshcat_internal.yaml_documents_with_lines(yaml text, OUT document jsonb, OUT line int)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'mesh_yaml_documents'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION meshcat_internal.yaml_documents_with_lines(text) IS
    'Internal: the documents of a YAML stream, in order, each with the line it starts on.';
