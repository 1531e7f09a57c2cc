-- 47_standards: documents of open standards, read by mesh_register as meshcat descriptors. An
-- ODCS data contract (kind: DataContract, apiVersion v3.0.x or v3.1.0) is a version of the data
-- product it names: its schema objects are output ports, their properties fields, its quality
-- rules checks, its SLA properties the SLA; what meshcat has no place for stays in custom.odcs
-- of the same level (and the document itself is kept as registered, 30_tables). Errors point
-- into the original document and name the standard. The other way, descriptor_to_odcs maps a
-- descriptor to a contract, the keys ODCS has no place for as customProperties "meshcat.<key>",
-- which the import gives back, and custom.odcs put back where it came from (mesh_export, 87_export,
-- and the writer, which takes a contract that says no more than its descriptor for that
-- descriptor). ODPS data products, DPDS descriptors and Data Contract Specification contracts
-- (through ODCS) follow, each in its section; descriptor_to_odps maps a descriptor to ODPS.
-- docs/standards.md is the mapping's table.
-- Uses: 00_schema, 10_semver, 30_tables, 40_helpers, 45_validation.

-- Raises the error for a document of a standard (odcs, odps, dpds, dcs) that meshcat cannot read
-- (22023), at a path of the document as written, naming the standard.
CREATE FUNCTION meshcat_internal.raise_invalid_standard(standard text, docno int, path text, problem text,
                                                   hint text DEFAULT NULL, line int DEFAULT NULL) RETURNS void
    LANGUAGE sql STABLE
RETURN meshcat_internal.raise_error('22023',
    format('invalid %s: %s, %s: %s',
           CASE standard WHEN 'odcs' THEN 'ODCS contract' WHEN 'odps' THEN 'ODPS data product'
                         WHEN 'dpds' THEN 'DPDS descriptor' ELSE 'Data Contract Specification contract' END,
           meshcat_internal.document_label(docno, line), path, problem), NULL,
    coalesce(hint, CASE standard
        WHEN 'odcs' THEN 'meshcat reads ODCS v3.0.x and v3.1.0 data contracts; docs/standards.md says what it maps.'
        WHEN 'odps' THEN 'meshcat reads ODPS v0.9.0 and v1.0.0 data products; docs/standards.md says what it maps.'
        WHEN 'dpds' THEN 'meshcat reads DPDS 1.0.0 data product descriptors; docs/standards.md says what it maps.'
        ELSE 'meshcat reads Data Contract Specification 0.9.x and 1.x contracts (as ODCS); docs/standards.md says what it maps.' END));
COMMENT ON FUNCTION meshcat_internal.raise_invalid_standard(text, int, text, text, text, int) IS
    'Internal: raises 22023 for a document of a standard (odcs, odps, dpds, dcs), naming the standard, the document number (and line) and the path in it.';

-- Which format a document is in, by its own markers: 'dpds' for a DPDS descriptor (the key
-- dataProductDescriptor), 'dcs' for a Data Contract Specification contract (the key
-- dataContractSpecification), 'odcs' for an ODCS data contract, 'odps' for an ODPS data
-- product (kind DataProduct like meshcat's own, but an apiVersion v<digit>... where meshcat's
-- says meshcat/v1), else 'meshcat' (whose own checks then judge it).
CREATE FUNCTION meshcat_internal.document_format(doc jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN doc OPERATOR(pg_catalog.?) 'dataProductDescriptor' THEN 'dpds'
            WHEN doc OPERATOR(pg_catalog.?) 'dataContractSpecification' THEN 'dcs'
            WHEN doc OPERATOR(pg_catalog.->>) 'kind' OPERATOR(pg_catalog.=) 'DataContract' THEN 'odcs'
            WHEN doc OPERATOR(pg_catalog.->>) 'kind' OPERATOR(pg_catalog.=) 'DataProduct'
                 AND pg_catalog.jsonb_typeof(doc OPERATOR(pg_catalog.->) 'apiVersion') OPERATOR(pg_catalog.=) 'string'
                 AND (doc OPERATOR(pg_catalog.->>) 'apiVersion') ~ '^v[0-9]' THEN 'odps'
            ELSE 'meshcat' END;
COMMENT ON FUNCTION meshcat_internal.document_format(jsonb) IS
    'Internal: the format of a document by its markers: dpds (dataProductDescriptor), dcs (dataContractSpecification), odcs (kind DataContract), odps (kind DataProduct, apiVersion v<digit>...) or meshcat.';

-- A name as meshcat's names are: lower case, every run of other characters than letters,
-- digits, "_" and "-" one "_", none at either end; NULL unless it then starts with a letter.
CREATE FUNCTION meshcat_internal.name_slug(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT CASE WHEN s ~ '^[a-z][a-z0-9_-]{0,62}$' THEN s END
          FROM pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.lower(name), '[^a-z0-9_-]+', '_', 'g'), '_') AS s);
COMMENT ON FUNCTION meshcat_internal.name_slug(text) IS
    'Internal: a display name as a meshcat name (lower case, "_" for other characters), or NULL when it cannot be one.';

-- Every "$ref" in a document, with its path (paths as the validator writes them), in document
-- order: meshcat never fetches another file, so each one is named when it refuses them.
CREATE FUNCTION meshcat_internal.document_references(doc jsonb) RETURNS TABLE (path text, ref jsonb)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH RECURSIVE w(path, v, ord) AS (
        SELECT '$'::text, doc, ARRAY[]::int[]
        UNION ALL
        SELECT w.path OPERATOR(pg_catalog.||) c.step, c.v, w.ord OPERATOR(pg_catalog.||) c.n::int
          FROM w, LATERAL (
              SELECT CASE WHEN k ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN '.' OPERATOR(pg_catalog.||) k
                          ELSE '.' OPERATOR(pg_catalog.||) pg_catalog.to_jsonb(k)::text END, e, n
                FROM pg_catalog.jsonb_each(CASE WHEN pg_catalog.jsonb_typeof(w.v) OPERATOR(pg_catalog.=) 'object' THEN w.v ELSE '{}' END)
                     WITH ORDINALITY AS o(k, e, n)
              UNION ALL
              SELECT '[' OPERATOR(pg_catalog.||) (n OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog.||) ']', e, n
                FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(w.v) OPERATOR(pg_catalog.=) 'array' THEN w.v ELSE '[]' END)
                     WITH ORDINALITY AS a(e, n)) AS c(step, v, n)
         WHERE pg_catalog.jsonb_typeof(w.v) IN ('object', 'array')
    )
    SELECT w.path, w.v FROM w WHERE w.path LIKE '%."$ref"' ORDER BY w.ord;
END;
COMMENT ON FUNCTION meshcat_internal.document_references(jsonb) IS
    'Internal: every "$ref" key of a document, with its path and value, in document order.';

-- The output port a schema object's name gives: the name itself when it is a meshcat name
-- (Air_Quality), else its slug (Air Quality: air_quality), else NULL.
CREATE FUNCTION meshcat_internal.odcs_port_name(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN name ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN name ELSE meshcat_internal.name_slug(name) END;
COMMENT ON FUNCTION meshcat_internal.odcs_port_name(text) IS
    'Internal: the output port name of an ODCS schema object''s name (itself, else its slug), or NULL.';

-- An object without its keys whose value is null (only at its top: values are kept whole).
CREATE FUNCTION meshcat_internal.without_nulls(j jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT coalesce(pg_catalog.jsonb_object_agg(e.k, e.v), '{}') FROM pg_catalog.jsonb_each(j) AS e(k, v)
         WHERE pg_catalog.jsonb_typeof(e.v) OPERATOR(pg_catalog.<>) 'null');
COMMENT ON FUNCTION meshcat_internal.without_nulls(jsonb) IS
    'Internal: an object without its top-level keys whose value is null.';

-- What meshcat checks in an ODCS contract before it maps it, as a JSON Schema for the
-- validator of 45_validation: the keys it reads, with their types and ODCS's own enumerations.
-- Open (other keys are ODCS's business): the document is kept whole.
CREATE FUNCTION meshcat_internal.odcs_schema() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $schema$
{
  "type": "object",
  "required": ["apiVersion", "kind", "id", "version", "status"],
  "properties": {
    "apiVersion": {"type": "string"},
    "kind": {"const": "DataContract"},
    "id": {"type": "string", "minLength": 1},
    "version": {"type": "string", "minLength": 1},
    "status": {"type": "string", "minLength": 1},
    "name": {"type": "string", "minLength": 1},
    "dataProduct": {"type": "string", "minLength": 1},
    "domain": {"type": "string", "minLength": 1},
    "tags": {"$ref": "#/$defs/strings"},
    "description": {"type": "object", "properties": {
        "purpose": {"type": "string"}, "usage": {"type": "string"}, "limitations": {"type": "string"}}},
    "authoritativeDefinitions": {"type": "array", "items": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "minLength": 1}}}},
    "schema": {"type": "array", "items": {"$ref": "#/$defs/SchemaObject"}},
    "team": {"type": ["object", "array"], "items": {"$ref": "#/$defs/Member"},
             "properties": {"name": {"type": "string"}, "members": {"type": "array", "items": {"$ref": "#/$defs/Member"}}}},
    "support": {"type": "array", "items": {"type": "object", "required": ["channel"], "properties": {"channel": {"type": "string", "minLength": 1}}}},
    "slaProperties": {"type": "array", "items": {"type": "object", "required": ["property", "value"],
        "properties": {"property": {"type": "string", "minLength": 1}, "unit": {"type": "string"}}}},
    "customProperties": {"$ref": "#/$defs/CustomProperties"}
  },
  "$defs": {
    "strings": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "CustomProperties": {"type": "array", "items": {"type": "object", "required": ["property"], "properties": {"property": {"type": "string", "minLength": 1}}}},
    "Member": {"type": "object", "required": ["username"], "properties": {"username": {"type": "string", "minLength": 1}, "role": {"type": "string"}}},
    "SchemaObject": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 1},
        "physicalName": {"type": "string", "minLength": 1},
        "physicalType": {"type": "string", "minLength": 1},
        "logicalType": {"enum": ["object"]},
        "description": {"type": "string"},
        "properties": {"type": "array", "items": {"$ref": "#/$defs/Property"}},
        "quality": {"type": "array", "items": {"$ref": "#/$defs/Quality"}},
        "customProperties": {"$ref": "#/$defs/CustomProperties"}}},
    "Property": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 1},
        "logicalType": {"enum": ["string", "date", "timestamp", "time", "number", "integer", "object", "array", "boolean"]},
        "physicalType": {"type": "string", "minLength": 1},
        "required": {"type": "boolean"},
        "unique": {"type": "boolean"},
        "primaryKey": {"type": "boolean"},
        "primaryKeyPosition": {"type": "number"},
        "classification": {"type": "string", "minLength": 1},
        "criticalDataElement": {"type": "boolean"},
        "description": {"type": "string"},
        "examples": {"type": "array"},
        "relationships": {"type": "array", "items": {"type": "object"}},
        "transformSourceObjects": {"$ref": "#/$defs/strings"},
        "transformLogic": {"type": "string"},
        "quality": {"type": "array", "items": {"$ref": "#/$defs/Quality"}},
        "customProperties": {"$ref": "#/$defs/CustomProperties"}}},
    "Quality": {"type": "object", "properties": {
        "type": {"enum": ["library", "sql", "text", "custom"]},
        "metric": {"enum": ["nullValues", "missingValues", "invalidValues", "duplicateValues", "rowCount"]},
        "rule": {"type": "string", "minLength": 1},
        "query": {"type": "string", "minLength": 1},
        "engine": {"type": "string", "minLength": 1},
        "implementation": {"type": ["string", "object"]},
        "arguments": {"type": "object"},
        "mustBeGreaterThan": {"type": "number"},
        "mustBeGreaterOrEqualTo": {"type": "number"},
        "mustBeLessThan": {"type": "number"},
        "mustBeLessOrEqualTo": {"type": "number"},
        "mustBeBetween": {"$ref": "#/$defs/range"},
        "mustNotBeBetween": {"$ref": "#/$defs/range"},
        "unit": {"type": "string", "minLength": 1},
        "dimension": {"enum": ["accuracy", "completeness", "conformity", "consistency", "coverage", "timeliness", "uniqueness"]},
        "severity": {"type": "string", "minLength": 1},
        "name": {"type": "string"},
        "description": {"type": "string"}}},
    "range": {"type": "array", "items": {"type": "number"}}
  }
}
$schema$::jsonb;
COMMENT ON FUNCTION meshcat_internal.odcs_schema() IS
    'Internal: the JSON Schema of what meshcat reads in an ODCS contract (keys, types, ODCS''s enumerations), for the validator of 45_validation.';

-- The ODCS logical type of a field type, when it has an obvious one (PostgreSQL's and ODCS's
-- common names), else NULL: an exported field says it, an imported one need not keep it.
CREATE FUNCTION meshcat_internal.odcs_logical_type(type text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
    WHEN pg_catalog.lower(type) IN ('string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean')
        THEN pg_catalog.lower(type)
    WHEN pg_catalog.lower(type) ~ '^(text|varchar|character varying|char|character|uuid|citext|bpchar)([(].*[)])?$' THEN 'string'
    WHEN pg_catalog.lower(type) ~ '^(smallint|int|int2|int4|int8|integer|bigint|serial|bigserial)$' THEN 'integer'
    WHEN pg_catalog.lower(type) ~ '^(numeric|decimal|real|double precision|float|float4|float8|double)([(].*[)])?$' THEN 'number'
    WHEN pg_catalog.lower(type) IN ('bool') THEN 'boolean'
    WHEN pg_catalog.lower(type) ~ '^(timestamptz|timestamp with(out)? time zone)$' THEN 'timestamp'
    WHEN pg_catalog.lower(type) IN ('json', 'jsonb') THEN 'object'
    WHEN pg_catalog.lower(type) ~ '[[][]]$' THEN 'array'
END;
COMMENT ON FUNCTION meshcat_internal.odcs_logical_type(text) IS
    'Internal: the ODCS logical type of a field type (text: string, bigint: integer, ...), or NULL when there is no obvious one.';

-- An ODCS quality rule as a meshcat check (the same keys: docs/descriptor.md); its other keys
-- (schedule, businessImpact, customProperties, ...) go to custom.odcs, as does a severity
-- meshcat does not know (the check then fails with error, the default).
CREATE FUNCTION meshcat_internal.odcs_quality(q jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT (q OPERATOR(pg_catalog.-) ARRAY(SELECT pg_catalog.jsonb_object_keys(rest)))
               OPERATOR(pg_catalog.||) CASE WHEN rest OPERATOR(pg_catalog.=) '{}' THEN '{}'
                                            ELSE pg_catalog.jsonb_build_object('custom', pg_catalog.jsonb_build_object('odcs', rest)) END
          FROM (SELECT coalesce(pg_catalog.jsonb_object_agg(k, v), '{}') AS rest
                  FROM pg_catalog.jsonb_each(q) AS e(k, v)
                 WHERE k OPERATOR(pg_catalog.<>) ALL (ARRAY['type', 'metric', 'rule', 'name', 'description', 'arguments', 'query',
                           'engine', 'implementation', 'mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo',
                           'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween', 'unit', 'dimension',
                           'severity'])
                    OR (k OPERATOR(pg_catalog.=) 'severity'
                        AND (q OPERATOR(pg_catalog.->>) 'severity') OPERATOR(pg_catalog.<>) ALL (ARRAY['error', 'warning', 'info']))) AS r);
COMMENT ON FUNCTION meshcat_internal.odcs_quality(jsonb) IS
    'Internal: an ODCS quality rule as a meshcat check; keys meshcat has no place for go to custom.odcs.';

-- An ODCS shorthand reference (object.property) as a meshcat relationship target
-- (<port>.<field>): the object is a schema object of the same contract (contract_schema, its
-- schema array) and the property one of its properties; NULL otherwise (another table, a
-- fully qualified reference: kept in custom.odcs).
CREATE FUNCTION meshcat_internal.odcs_reference(ref text, contract_schema jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF ref !~ '^[A-Za-z_][A-Za-z0-9_]*[.][A-Za-z_][A-Za-z0-9_]*$' THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT meshcat_internal.odcs_port_name(s ->> 'name') || '.' || split_part(ref, '.', 2)
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(contract_schema) = 'array' THEN contract_schema ELSE '[]' END) AS s
             WHERE s ->> 'name' = split_part(ref, '.', 1)
               AND EXISTS (SELECT FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s -> 'properties') = 'array' THEN s -> 'properties' ELSE '[]' END) AS p
                            WHERE p ->> 'name' = split_part(ref, '.', 2))
             LIMIT 1);
END
$$;
COMMENT ON FUNCTION meshcat_internal.odcs_reference(text, jsonb) IS
    'Internal: an ODCS shorthand reference (object.property) to a property of the same contract as a meshcat relationship target (<port>.<field>), else NULL.';

-- An ODCS relationship as a meshcat one (docs/descriptor.md, "Relationships"), or NULL when
-- meshcat cannot say it (kept as it is in custom.odcs): a foreign key whose every end is a
-- property of this contract. own: the schema object it is declared in; field: the property
-- it is declared on (property level: from is implicit), else NULL (schema level: from names
-- own's properties as own.property). Its other keys (customProperties, ...) go to custom.odcs.
CREATE FUNCTION meshcat_internal.odcs_relationship(r jsonb, own jsonb, field text, contract_schema jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    froms text[];
    tos text[];
    rest jsonb;
    own_props jsonb;
    others jsonb;
    kept jsonb;
BEGIN
    IF jsonb_typeof(r) IS DISTINCT FROM 'object' OR coalesce(r ->> 'type', 'foreignKey') <> 'foreignKey'
       OR (r ? 'type' AND jsonb_typeof(r -> 'type') <> 'string')
       OR jsonb_typeof(r -> 'to') NOT IN ('string', 'array') OR (field IS NOT NULL) = (r ? 'from') THEN
        RETURN NULL;
    END IF;
    tos := ARRAY(SELECT meshcat_internal.odcs_reference(t, contract_schema)
                   FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(r -> 'to') = 'array' THEN r -> 'to' ELSE jsonb_build_array(r -> 'to') END)
                        WITH ORDINALITY AS x(t, n) ORDER BY n);
    IF cardinality(tos) = 0 OR array_position(tos, NULL) IS NOT NULL
       OR (SELECT count(DISTINCT split_part(t, '.', 1)) FROM unnest(tos) AS t) > 1 THEN
        RETURN NULL;
    END IF;
    -- meshcat's own keys come back from customProperties meshcat.<key>; the rest is ODCS's
    SELECT coalesce(jsonb_object_agg(substr(c ->> 'property', 9), c -> 'value') FILTER (WHERE own_key), '{}'),
           jsonb_agg(c ORDER BY n) FILTER (WHERE NOT own_key)
      INTO own_props, others
      FROM (SELECT c, n, c ->> 'property' LIKE 'meshcat.%' AND (substr(c ->> 'property', 9) IN ('description', 'custom') OR substr(c ->> 'property', 9) ~ '^x-') AS own_key
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r -> 'customProperties') = 'array' THEN r -> 'customProperties' ELSE '[]' END)
                   WITH ORDINALITY AS x(c, n)) AS y;
    rest := r - ARRAY['type', 'from', 'to']
            - CASE WHEN jsonb_typeof(r -> 'customProperties') = 'array' THEN 'customProperties' ELSE '' END
            || CASE WHEN others IS NOT NULL THEN jsonb_build_object('customProperties', others) ELSE '{}' END;
    kept := CASE WHEN r ? 'type' THEN jsonb_build_object('type', r -> 'type') ELSE '{}' END
            || (own_props - 'custom')
            || CASE WHEN rest <> '{}' OR own_props ? 'custom'
                    THEN jsonb_build_object('custom', coalesce(own_props -> 'custom', '{}')
                                                      || CASE WHEN rest <> '{}' THEN jsonb_build_object('odcs', rest) ELSE '{}' END)
                    ELSE '{}' END;
    IF field IS NOT NULL THEN
        IF jsonb_typeof(r -> 'to') <> 'string' THEN
            RETURN NULL;
        END IF;
        RETURN jsonb_build_object('to', tos[1]) || kept;
    END IF;
    IF jsonb_typeof(r -> 'from') IS DISTINCT FROM jsonb_typeof(r -> 'to') THEN
        RETURN NULL;
    END IF;
    -- from: own.property, each a property of own
    froms := ARRAY(SELECT CASE WHEN f LIKE (own ->> 'name') || '.%'
                                 AND EXISTS (SELECT FROM jsonb_array_elements(CASE WHEN jsonb_typeof(own -> 'properties') = 'array' THEN own -> 'properties' ELSE '[]' END) AS p
                                              WHERE p ->> 'name' = substr(f, length(own ->> 'name') + 2))
                               THEN substr(f, length(own ->> 'name') + 2) END
                     FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(r -> 'from') = 'array' THEN r -> 'from' ELSE jsonb_build_array(r -> 'from') END)
                          WITH ORDINALITY AS x(f, n) ORDER BY n);
    IF cardinality(froms) <> cardinality(tos) OR array_position(froms, NULL) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    RETURN jsonb_build_object('from', CASE WHEN jsonb_typeof(r -> 'from') = 'array' THEN to_jsonb(froms) ELSE to_jsonb(froms[1]) END,
                              'to', CASE WHEN jsonb_typeof(r -> 'to') = 'array' THEN to_jsonb(tos) ELSE to_jsonb(tos[1]) END)
        || kept;
END
$$;
COMMENT ON FUNCTION meshcat_internal.odcs_relationship(jsonb, jsonb, text, jsonb) IS
    'Internal: an ODCS relationship (property or schema level) as a meshcat relationship when each of its ends is a property of the same contract, else NULL.';

-- The relationships of an ODCS property (field: its name) or schema object (field NULL):
-- meshcat: those meshcat says, then those the export kept in customProperties
-- meshcat.relationships (to other products); odcs: the others, as they are, or NULL.
CREATE FUNCTION meshcat_internal.odcs_relationships(holder jsonb, own jsonb, field text, contract_schema jsonb,
                                                    OUT meshcat jsonb, OUT odcs jsonb)
    LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT nullif(coalesce(pg_catalog.jsonb_agg(x.m ORDER BY x.n) FILTER (WHERE x.m IS NOT NULL), '[]')
                  OPERATOR(pg_catalog.||) coalesce((SELECT c OPERATOR(pg_catalog.->) 'value'
                                                      FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(holder OPERATOR(pg_catalog.->) 'customProperties') OPERATOR(pg_catalog.=) 'array'
                                                                                                THEN holder OPERATOR(pg_catalog.->) 'customProperties' ELSE '[]' END) AS c
                                                     WHERE c OPERATOR(pg_catalog.->>) 'property' OPERATOR(pg_catalog.=) 'meshcat.relationships'
                                                       AND pg_catalog.jsonb_typeof(c OPERATOR(pg_catalog.->) 'value') OPERATOR(pg_catalog.=) 'array' LIMIT 1), '[]'), '[]'),
           pg_catalog.jsonb_agg(x.r ORDER BY x.n) FILTER (WHERE x.m IS NULL)
      FROM (SELECT e.r, e.n, meshcat_internal.odcs_relationship(e.r, own, field, contract_schema) AS m
              FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(holder OPERATOR(pg_catalog.->) 'relationships') OPERATOR(pg_catalog.=) 'array'
                                                        THEN holder OPERATOR(pg_catalog.->) 'relationships' ELSE '[]' END) WITH ORDINALITY AS e(r, n)) AS x;
END;
COMMENT ON FUNCTION meshcat_internal.odcs_relationships(jsonb, jsonb, text, jsonb) IS
    'Internal: the relationships of an ODCS property or schema object, split into those meshcat says (and those its export kept in customProperties meshcat.relationships) and the others.';

-- A field of an output port from an ODCS property: its type is the physical type, else the
-- logical one (a logical type that the physical one implies is not kept); derived_from holds
-- each transformSourceObjects entry that names a field of another registered product
-- (<domain>.<product>.<output>.<field>); every key meshcat has no place for goes to custom.odcs,
-- the other source objects and the transform logic with them (observed lineage, DECISIONS.md 3).
-- Its relationships within the contract (own: its schema object; contract_schema: the
-- contract's schema) are meshcat's relationships (odcs_relationships), the others stay ODCS's.
CREATE FUNCTION meshcat_internal.odcs_field(p jsonb, pid text, own jsonb DEFAULT NULL, contract_schema jsonb DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH t(type) AS (
        SELECT coalesce(p OPERATOR(pg_catalog.->>) 'physicalType', p OPERATOR(pg_catalog.->>) 'logicalType', 'any')
    ), src AS (
        SELECT x.e, x.n,
               EXISTS (SELECT FROM @extschema@.product_version AS v
                        WHERE v.product_id OPERATOR(pg_catalog.=) (pg_catalog.split_part(x.e, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(x.e, '.', 2))
                          AND v.product_id OPERATOR(pg_catalog.<>) pid
                          AND v.descriptor OPERATOR(pg_catalog.@>) pg_catalog.jsonb_build_object('outputs', pg_catalog.jsonb_build_array(
                                  pg_catalog.jsonb_build_object('name', pg_catalog.split_part(x.e, '.', 3),
                                      'schema', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('name', pg_catalog.regexp_replace(x.e, '^[^.]+[.][^.]+[.][^.]+[.]', '')))))))
                 AND x.e ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}[.][A-Za-z][A-Za-z0-9_-]{0,62}[.][A-Za-z][A-Za-z0-9_-]{0,62}[.][^.]+$' AS derived
          FROM pg_catalog.jsonb_array_elements_text(coalesce(p OPERATOR(pg_catalog.->) 'transformSourceObjects', '[]')) WITH ORDINALITY AS x(e, n)
    ), props AS (
        SELECT coalesce(pg_catalog.jsonb_object_agg(pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9), c OPERATOR(pg_catalog.->) 'value'), '{}') AS m
          FROM pg_catalog.jsonb_array_elements(coalesce(p OPERATOR(pg_catalog.->) 'customProperties', '[]')) AS c
         WHERE (pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) IN ('pii', 'masking', 'glossary', 'custom', 'relationships') OR pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) ~ '^x-')
           AND c OPERATOR(pg_catalog.->>) 'property' LIKE 'meshcat.%'
    ), rl AS (
        SELECT * FROM meshcat_internal.odcs_relationships(p, own, p OPERATOR(pg_catalog.->>) 'name', contract_schema)
    ), rest AS (
        SELECT p OPERATOR(pg_catalog.-) ARRAY['name', 'physicalType', 'required', 'unique', 'primaryKey', 'description', 'quality', 'customProperties', 'relationships']
                 OPERATOR(pg_catalog.-) CASE WHEN p OPERATOR(pg_catalog.->>) 'logicalType' OPERATOR(pg_catalog.=) coalesce(meshcat_internal.odcs_logical_type(t.type), t.type)
                                             OR NOT p OPERATOR(pg_catalog.?) 'physicalType' THEN 'logicalType' ELSE '' END
                 OPERATOR(pg_catalog.-) CASE WHEN p OPERATOR(pg_catalog.->>) 'classification' IN ('public', 'internal', 'confidential', 'restricted')
                                             THEN 'classification' ELSE '' END
                 OPERATOR(pg_catalog.-) CASE WHEN NOT EXISTS (SELECT FROM src WHERE NOT src.derived) THEN 'transformSourceObjects' ELSE '' END
               OPERATOR(pg_catalog.||) CASE WHEN rl.odcs IS NOT NULL THEN pg_catalog.jsonb_build_object('relationships', rl.odcs) ELSE '{}' END
               OPERATOR(pg_catalog.||) coalesce((SELECT pg_catalog.jsonb_build_object('customProperties', pg_catalog.jsonb_agg(c ORDER BY n))
                           FROM pg_catalog.jsonb_array_elements(coalesce(p OPERATOR(pg_catalog.->) 'customProperties', '[]')) WITH ORDINALITY AS x(c, n)
                          WHERE NOT (c OPERATOR(pg_catalog.->>) 'property' LIKE 'meshcat.%'
                                     AND (pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) IN ('pii', 'masking', 'glossary', 'custom', 'relationships') OR pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) ~ '^x-'))
                         HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0), '{}') AS r
          FROM t, rl
    )
    SELECT pg_catalog.jsonb_build_object('name', p OPERATOR(pg_catalog.->>) 'name', 'type', t.type)
           OPERATOR(pg_catalog.||) meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
               'required', p OPERATOR(pg_catalog.->) 'required', 'unique', p OPERATOR(pg_catalog.->) 'unique',
               'primary_key', p OPERATOR(pg_catalog.->) 'primaryKey',
               'classification', CASE WHEN p OPERATOR(pg_catalog.->>) 'classification' IN ('public', 'internal', 'confidential', 'restricted')
                                      THEN p OPERATOR(pg_catalog.->) 'classification' END,
               'description', p OPERATOR(pg_catalog.->) 'description',
               'quality', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_quality(q) ORDER BY n)
                             FROM pg_catalog.jsonb_array_elements(p OPERATOR(pg_catalog.->) 'quality') WITH ORDINALITY AS y(q, n)),
               'derived_from', (SELECT pg_catalog.jsonb_agg(src.e ORDER BY src.n) FROM src WHERE src.derived),
               'relationships', rl.meshcat))
           OPERATOR(pg_catalog.||) (props.m OPERATOR(pg_catalog.-) ARRAY['custom', 'relationships'])
           OPERATOR(pg_catalog.||) CASE WHEN rest.r OPERATOR(pg_catalog.<>) '{}' OR props.m OPERATOR(pg_catalog.?) 'custom'
                                        THEN pg_catalog.jsonb_build_object('custom', coalesce(props.m OPERATOR(pg_catalog.->) 'custom', '{}')
                                             OPERATOR(pg_catalog.||) CASE WHEN rest.r OPERATOR(pg_catalog.<>) '{}' THEN pg_catalog.jsonb_build_object('odcs', rest.r) ELSE '{}' END)
                                        ELSE '{}' END
      FROM t, props, rest, rl;
END;
COMMENT ON FUNCTION meshcat_internal.odcs_field(jsonb, text, jsonb, jsonb) IS
    'Internal: an ODCS property as a meshcat field of product pid (types, keys, quality, derived_from, relationships within the contract; the rest in custom.odcs).';

-- An output port from an ODCS schema object, named name: its physical type gives the port's
-- type (table, view; topic or stream: stream; file; api; anything else: table), its physical
-- name the location; its relationships within the contract (contract_schema) are meshcat's;
-- keys meshcat has no place for go to custom.odcs.
CREATE FUNCTION meshcat_internal.odcs_output(s jsonb, name text, pid text, contract_schema jsonb DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH t(type) AS (
        SELECT CASE WHEN pg_catalog.lower(s OPERATOR(pg_catalog.->>) 'physicalType') IN ('table', 'view', 'file', 'stream', 'api')
                    THEN pg_catalog.lower(s OPERATOR(pg_catalog.->>) 'physicalType')
                    WHEN pg_catalog.lower(s OPERATOR(pg_catalog.->>) 'physicalType') IN ('topic', 'queue') THEN 'stream'
                    ELSE 'table' END
    ), props AS (
        SELECT coalesce(pg_catalog.jsonb_object_agg(pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9), c OPERATOR(pg_catalog.->) 'value'), '{}') AS m
          FROM pg_catalog.jsonb_array_elements(coalesce(s OPERATOR(pg_catalog.->) 'customProperties', '[]')) AS c
         WHERE c OPERATOR(pg_catalog.->>) 'property' IN ('meshcat.custom', 'meshcat.relationships') OR c OPERATOR(pg_catalog.->>) 'property' ~ '^meshcat[.]x-'
    ), rl AS (
        SELECT * FROM meshcat_internal.odcs_relationships(s, s, NULL, contract_schema)
    ), rest AS (
        SELECT s OPERATOR(pg_catalog.-) ARRAY['physicalName', 'description', 'properties', 'quality', 'customProperties', 'relationships']
                 OPERATOR(pg_catalog.-) CASE WHEN s OPERATOR(pg_catalog.->>) 'name' OPERATOR(pg_catalog.=) name THEN 'name' ELSE '' END
                 OPERATOR(pg_catalog.-) CASE WHEN s OPERATOR(pg_catalog.->>) 'physicalType' OPERATOR(pg_catalog.=) t.type THEN 'physicalType' ELSE '' END
                 OPERATOR(pg_catalog.-) CASE WHEN s OPERATOR(pg_catalog.->>) 'logicalType' OPERATOR(pg_catalog.=) 'object' THEN 'logicalType' ELSE '' END
               OPERATOR(pg_catalog.||) CASE WHEN rl.odcs IS NOT NULL THEN pg_catalog.jsonb_build_object('relationships', rl.odcs) ELSE '{}' END
               OPERATOR(pg_catalog.||) coalesce((SELECT pg_catalog.jsonb_build_object('customProperties', pg_catalog.jsonb_agg(c ORDER BY n))
                           FROM pg_catalog.jsonb_array_elements(coalesce(s OPERATOR(pg_catalog.->) 'customProperties', '[]')) WITH ORDINALITY AS x(c, n)
                          WHERE NOT (c OPERATOR(pg_catalog.->>) 'property' IN ('meshcat.custom', 'meshcat.relationships') OR c OPERATOR(pg_catalog.->>) 'property' ~ '^meshcat[.]x-')
                         HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0), '{}') AS r
          FROM t, rl
    )
    SELECT pg_catalog.jsonb_build_object('name', name, 'type', t.type)
           OPERATOR(pg_catalog.||) meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
               'location', s OPERATOR(pg_catalog.->) 'physicalName', 'description', s OPERATOR(pg_catalog.->) 'description',
               'schema', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_field(f, pid, s, contract_schema) ORDER BY n)
                            FROM pg_catalog.jsonb_array_elements(s OPERATOR(pg_catalog.->) 'properties') WITH ORDINALITY AS y(f, n)),
               'quality', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_quality(q) ORDER BY n)
                             FROM pg_catalog.jsonb_array_elements(s OPERATOR(pg_catalog.->) 'quality') WITH ORDINALITY AS z(q, n)),
               'relationships', rl.meshcat))
           OPERATOR(pg_catalog.||) (props.m OPERATOR(pg_catalog.-) ARRAY['custom', 'relationships'])
           OPERATOR(pg_catalog.||) CASE WHEN rest.r OPERATOR(pg_catalog.<>) '{}' OR props.m OPERATOR(pg_catalog.?) 'custom'
                                        THEN pg_catalog.jsonb_build_object('custom', coalesce(props.m OPERATOR(pg_catalog.->) 'custom', '{}')
                                             OPERATOR(pg_catalog.||) CASE WHEN rest.r OPERATOR(pg_catalog.<>) '{}' THEN pg_catalog.jsonb_build_object('odcs', rest.r) ELSE '{}' END)
                                        ELSE '{}' END
      FROM t, props, rest, rl;
END;
COMMENT ON FUNCTION meshcat_internal.odcs_output(jsonb, text, text, jsonb) IS
    'Internal: an ODCS schema object as a meshcat output port named name of product pid (fields, quality, relationships within the contract; the rest in custom.odcs).';

-- An ODCS data contract (a parsed document) as a meshcat DataProduct descriptor, or an error
-- that points into the contract. stream_domains: the domains the same stream registers. Only
-- a version meshcat already released may say deprecated or retired (a deprecation names a
-- sunset date, which ODCS does not carry); any status but active, deprecated and retired is a
-- draft. docs/standards.md is the mapping.
CREATE FUNCTION meshcat_internal.odcs_to_descriptor(doc jsonb, docno int, line int DEFAULT NULL,
                                               stream_domains text[] DEFAULT '{}') RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    problem text[];
    refs text;
    dom text;
    pname text;
    slug text;
    pid text;
    ver text;
    st text;
    new_status text;
    d jsonb := doc -> 'description';
    members jsonb;
    props jsonb;        -- customProperties meshcat.<key>: meshcat's own keys, given back
    retention text;
    outputs jsonb;
    inputs jsonb;
    leftover jsonb;
    dup record;
    result jsonb;
BEGIN
    -- The version first: another ODCS version is not judged by v3's rules.
    IF jsonb_typeof(doc -> 'apiVersion') IS DISTINCT FROM 'string' OR NOT (doc ->> 'apiVersion') ~ '^v3\.(0\.[0-9]+|1\.0)$' THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, CASE WHEN doc ? 'apiVersion' THEN '$.apiVersion' ELSE '$' END,
            CASE WHEN doc ? 'apiVersion' THEN format('ODCS version %s is not supported', doc -> 'apiVersion')
                 ELSE 'missing required key "apiVersion"' END,
            'meshcat reads ODCS v3.0.x and v3.1.0 data contracts: write apiVersion: v3.1.0.', line);
    END IF;
    IF strpos(doc::text, '"$ref"') > 0 THEN
        SELECT string_agg(format('%s: %s', r.path, r.ref), ', ') INTO refs
          FROM document_references(doc) AS r WHERE NOT coalesce(r.ref #>> '{}', '') LIKE '#%';
        IF refs IS NOT NULL THEN
            PERFORM raise_error('0A000',
                format('external reference in ODCS contract: %s, %s', document_label(docno, line), refs),
                'meshcat never fetches another file: a document is registered whole.',
                'Put what each reference names into the contract itself, then register it.');
        END IF;
    END IF;
    problem := json_schema_problem(doc, odcs_schema(), '$', odcs_schema() -> '$defs');
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, problem[1], problem[2],
            CASE WHEN problem[1] = '$.version' THEN 'Versions follow SemVer 2.0.0, and a leading v is dropped: write version: 1.4.0 or v2.0.0-rc.1 (1.0 reads as a number).' END,
            line);
    END IF;

    -- Identity: <domain>.<slug of the data product's name>; the contract's own id is kept.
    dom := coalesce(doc ->> 'domain', nullif(current_setting('meshcat.default_domain'), ''));
    IF dom IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, '$', 'the contract names no domain, and meshcat.default_domain is not set',
            'Add domain: <a registered domain> to the contract, or SET meshcat.default_domain to the domain it belongs to.', line);
    END IF;
    IF NOT EXISTS (SELECT FROM domain AS x WHERE x.name = dom) AND dom <> ALL (stream_domains) THEN
        PERFORM raise_error('23503',
            format('unknown reference in ODCS contract: %s, %s: domain "%s" does not exist',
                   document_label(docno, line), CASE WHEN doc ? 'domain' THEN '$.domain' ELSE '$' END, dom),
            NULL,
            CASE WHEN doc ? 'domain' THEN 'Register the domain first, or in the same stream.'
                 ELSE format('meshcat.default_domain names domain "%s": register it, or set the setting to a registered domain.', dom) END);
    END IF;
    pname := coalesce(doc ->> 'dataProduct', doc ->> 'name');
    IF pname IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, '$', 'the contract names no data product: it has neither "dataProduct" nor "name"',
            'meshcat files a contract as a version of the data product it names: add dataProduct: <its name>.', line);
    END IF;
    slug := name_slug(pname);
    IF slug IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, CASE WHEN doc ? 'dataProduct' THEN '$.dataProduct' ELSE '$.name' END,
            format('"%s" cannot name a data product', pname),
            'A product name starts with a letter and has at most 63 characters; meshcat writes it in lower case with "_" for other characters (Orders Event Stream: orders_event_stream).', line);
    END IF;
    pid := dom || '.' || slug;

    -- A leading v is dropped when the rest is SemVer; anything else not SemVer is refused.
    ver := doc ->> 'version';
    IF ver LIKE 'v%' THEN
        ver := substr(ver, 2);
    END IF;
    IF NOT ver ~ '^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$' THEN
        BEGIN
            PERFORM ver::semver;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
            PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, '$.version', format('"%s" is not a SemVer version', doc ->> 'version'),
                'Versions follow SemVer 2.0.0, and a leading v is dropped: 1.4.0, v2.0.0-rc.1.', line);
        END;
    END IF;

    st := lower(doc ->> 'status');
    new_status := CASE WHEN st = 'active' THEN 'published' WHEN st IN ('deprecated', 'retired') THEN 'released' ELSE 'draft' END;
    IF new_status = 'released' THEN
        IF NOT EXISTS (SELECT FROM product_version AS v WHERE v.product_id = pid AND v.version = ver::semver AND v.status <> 'draft') THEN
            PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, '$.status', format('a new version cannot be %s', st),
                format('Register it as active, then %s it in meshcat: mesh_deprecate() names a sunset date, which ODCS does not carry.',
                       CASE st WHEN 'deprecated' THEN 'deprecate' ELSE 'deprecate and retire' END), line);
        END IF;
        new_status := 'published';
    END IF;

    -- Owners: the team's name, its current members by role, the support channels.
    members := CASE jsonb_typeof(doc -> 'team') WHEN 'array' THEN doc -> 'team' ELSE doc -> 'team' -> 'members' END;

    -- Sla: each SLA property but retention, its unit after its value; retention is meshcat's own key.
    SELECT CASE WHEN jsonb_typeof(p -> 'value') = 'string' AND NOT p ? 'unit' THEN p ->> 'value'
                WHEN jsonb_typeof(p -> 'value') = 'number' THEN
                    (p ->> 'value') || ' ' || CASE WHEN p ->> 'unit' ~ '^(d|day|days)$' THEN 'days'
                                                   WHEN p ->> 'unit' ~ '^(w|week|weeks)$' THEN 'weeks'
                                                   WHEN p ->> 'unit' ~ '^(m|mo|month|months)$' THEN 'months'
                                                   WHEN p ->> 'unit' ~ '^(y|yr|yrs|year|years)$' THEN 'years' END END
      INTO retention
      FROM jsonb_array_elements(coalesce(doc -> 'slaProperties', '[]')) WITH ORDINALITY AS x(p, n)
     WHERE p ->> 'property' = 'retention' ORDER BY n DESC LIMIT 1;
    IF retention IS NOT NULL AND NOT retention ~ '^[0-9]{1,6} (days?|weeks?|months?|years?)$' THEN
        BEGIN
            IF retention::interval < interval '0' THEN
                retention := NULL;
            END IF;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            retention := NULL;      -- kept in the document only
        END;
    END IF;

    props := (SELECT jsonb_object_agg(substr(c ->> 'property', 9), c -> 'value')
                FROM jsonb_array_elements(coalesce(doc -> 'customProperties', '[]')) AS c
               WHERE (substr(c ->> 'property', 9) IN ('classification', 'security', 'quality', 'slos', 'inputs', 'glossary', 'custom') OR substr(c ->> 'property', 9) ~ '^x-')
                 AND c ->> 'property' LIKE 'meshcat.%');

    -- One output port per schema object, one field per property.
    SELECT o.n, f.n AS fn, coalesce(f.p ->> 'name', o.s ->> 'name') AS name INTO dup
      FROM jsonb_array_elements(coalesce(doc -> 'schema', '[]')) WITH ORDINALITY AS o(s, n)
      LEFT JOIN LATERAL (SELECT p, n, row_number() OVER (PARTITION BY p ->> 'name' ORDER BY n) AS k
                           FROM jsonb_array_elements(coalesce(o.s -> 'properties', '[]')) WITH ORDINALITY AS q(p, n)) AS f
             ON f.k > 1
     WHERE f.p IS NOT NULL
        OR EXISTS (SELECT FROM jsonb_array_elements(doc -> 'schema') WITH ORDINALITY AS e(s, n)
                    WHERE e.n < o.n AND odcs_port_name(e.s ->> 'name') = odcs_port_name(o.s ->> 'name'))
     ORDER BY o.n, f.n NULLS FIRST LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno,
            CASE WHEN dup.fn IS NULL THEN format('$.schema[%s].name', dup.n - 1) ELSE format('$.schema[%s].properties[%s].name', dup.n - 1, dup.fn - 1) END,
            CASE WHEN dup.fn IS NULL THEN format('schema object "%s" is declared twice', dup.name) ELSE format('property "%s" is declared twice', dup.name) END,
            'Each schema object of a contract names its own output port (a name that is not a meshcat name counts as its slug: lower case, "_" for other characters), and each property of an object its own field.', line);
    END IF;
    SELECT o.n INTO dup FROM jsonb_array_elements(coalesce(doc -> 'schema', '[]')) WITH ORDINALITY AS o(s, n)
     WHERE odcs_port_name(o.s ->> 'name') IS NULL ORDER BY o.n LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_invalid_standard('odcs', docno, format('$.schema[%s].name', dup.n - 1),
            format('"%s" cannot name an output port', doc -> 'schema' -> (dup.n::int - 1) ->> 'name'),
            'A schema object''s name starts with a letter and has at most 63 characters.', line);
    END IF;
    SELECT jsonb_agg(out ORDER BY n) INTO outputs FROM (
        SELECT o.n, odcs_output(o.s, odcs_port_name(o.s ->> 'name'), pid, doc -> 'schema') AS out
          FROM jsonb_array_elements(doc -> 'schema') WITH ORDINALITY AS o(s, n)) AS x;
    -- An input for each product a field derives from, after those meshcat gave (customProperties).
    inputs := coalesce(props -> 'inputs', '[]') || coalesce((
        SELECT jsonb_agg(jsonb_build_object('product', p) ORDER BY p)
          FROM (SELECT DISTINCT split_part(x, '.', 1) || '.' || split_part(x, '.', 2) AS p
                  FROM jsonb_path_query(coalesce(outputs, '[]'), 'lax $[*].schema[*].derived_from[*]') AS e, LATERAL (SELECT e #>> '{}') AS t(x)) AS s
         WHERE NOT coalesce(props -> 'inputs', '[]') @> jsonb_build_array(jsonb_build_object('product', p))), '[]');

    -- What meshcat has no place for, at the top: kept in custom.odcs (metadata only in the document).
    leftover := doc - ARRAY['apiVersion', 'kind', 'id', 'name', 'dataProduct', 'domain', 'version', 'status',
                            'description', 'tags', 'team', 'support', 'roles', 'authoritativeDefinitions', 'schema',
                            'slaProperties', 'customProperties']
        || coalesce((SELECT jsonb_build_object('customProperties', jsonb_agg(c ORDER BY n))
                       FROM jsonb_array_elements(coalesce(doc -> 'customProperties', '[]')) WITH ORDINALITY AS x(c, n)
                      WHERE NOT (c ->> 'property' LIKE 'meshcat.%'
                                 AND (substr(c ->> 'property', 9) IN ('classification', 'security', 'quality', 'slos', 'inputs', 'glossary', 'custom') OR substr(c ->> 'property', 9) ~ '^x-'))
                     HAVING count(*) > 0), '{}');

    result := jsonb_build_object('apiVersion', 'meshcat/v1', 'kind', 'DataProduct', 'id', pid,
                                 'name', coalesce(doc ->> 'name', doc ->> 'dataProduct'), 'version', ver)
        || CASE WHEN doc ? 'domain' THEN jsonb_build_object('domain', dom) ELSE '{}' END
        || CASE WHEN new_status <> 'draft' THEN jsonb_build_object('status', new_status) ELSE '{}' END
        || CASE WHEN doc ->> 'id' <> pid THEN jsonb_build_object('external_id', doc ->> 'id') ELSE '{}' END
        || without_nulls(jsonb_build_object(
               'description', nullif(concat_ws(E'\n\n', d ->> 'purpose', 'Usage: ' || (d ->> 'usage'),
                                               'Limitations: ' || (d ->> 'limitations')), ''),
               'documentation', doc -> 'authoritativeDefinitions' -> 0 ->> 'url',
               'tags', doc -> 'tags', 'retention', retention))
        || coalesce((SELECT jsonb_build_object('owners', jsonb_object_agg(g.kind, CASE WHEN cardinality(g.ps) = 1 THEN to_jsonb(g.ps[1]) ELSE to_jsonb(g.ps) END))
                       FROM (SELECT o.kind, array_agg(o.principal ORDER BY o.n) AS ps
                               FROM (SELECT kind, principal, min(n) AS n FROM (
                                         SELECT 'team' AS kind, doc -> 'team' ->> 'name' AS principal, 0::bigint AS n
                                          WHERE jsonb_typeof(doc -> 'team') = 'object'
                                         UNION ALL
                                         SELECT coalesce(name_slug(m ->> 'role'), 'member'), m ->> 'username', n
                                           FROM jsonb_array_elements(coalesce(members, '[]')) WITH ORDINALITY AS x(m, n)
                                          WHERE NOT m ? 'dateOut'
                                         UNION ALL
                                         SELECT 'channel', s ->> 'channel', 1000000 + n
                                           FROM jsonb_array_elements(coalesce(doc -> 'support', '[]')) WITH ORDINALITY AS y(s, n)) AS a
                                      WHERE principal <> '' GROUP BY kind, principal) AS o
                              GROUP BY o.kind) AS g
                     HAVING count(*) > 0), '{}')
        || coalesce((SELECT jsonb_build_object('sla', jsonb_object_agg(p ->> 'property',
                                CASE WHEN p ? 'unit' THEN to_jsonb(concat_ws(' ', p ->> 'value', p ->> 'unit')) ELSE p -> 'value' END ORDER BY n))
                       FROM jsonb_array_elements(coalesce(doc -> 'slaProperties', '[]')) WITH ORDINALITY AS x(p, n)
                      WHERE p ->> 'property' <> 'retention' HAVING count(*) > 0), '{}')
        || coalesce(props - ARRAY['inputs', 'custom'], '{}')
        || CASE WHEN inputs <> '[]' THEN jsonb_build_object('inputs', inputs) ELSE '{}' END
        || CASE WHEN doc ? 'schema' THEN jsonb_build_object('outputs', coalesce(outputs, '[]')) ELSE '{}' END
        || CASE WHEN leftover <> '{}' OR props ? 'custom'
                THEN jsonb_build_object('custom', coalesce(props -> 'custom', '{}')
                                                  || CASE WHEN leftover <> '{}' THEN jsonb_build_object('odcs', leftover) ELSE '{}' END)
                ELSE '{}' END;
    RETURN result;
END
$$;
COMMENT ON FUNCTION meshcat_internal.odcs_to_descriptor(jsonb, int, int, text[]) IS
    'Internal: an ODCS v3.0.x or v3.1.0 data contract as a meshcat DataProduct descriptor (docs/standards.md), or the error that points into the contract.';

-- ODPS (Bitol Open Data Product Standard v0.9.0, v1.0.0): a data product (kind DataProduct
-- with an ODPS apiVersion, never meshcat/v1) is a version of the product it names. Each
-- output port is an output port of that version, with the fields, location and quality of the
-- output port of the ODCS contract its contractId names (that contract's port of the same
-- name, else its only one); each input port an input, on the product the contract is a
-- version of. docs/standards.md is the mapping.

-- A standard's team and support as meshcat owners: the team's name (owners.team), each current
-- member (no dateOut) under the slug of its role (else member), each support channel
-- (owners.channel); NULL when there is none.
CREATE FUNCTION meshcat_internal.standard_owners(team_name text, members jsonb, support jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT pg_catalog.jsonb_object_agg(g.kind, CASE WHEN pg_catalog.cardinality(g.ps) OPERATOR(pg_catalog.=) 1 THEN pg_catalog.to_jsonb(g.ps[1]) ELSE pg_catalog.to_jsonb(g.ps) END)
      FROM (SELECT o.kind, pg_catalog.array_agg(o.principal ORDER BY o.n) AS ps
              FROM (SELECT a.kind, a.principal, pg_catalog.min(a.n) AS n FROM (
                        SELECT 'team' AS kind, team_name AS principal, 0::bigint AS n
                        UNION ALL
                        SELECT coalesce(meshcat_internal.name_slug(m OPERATOR(pg_catalog.->>) 'role'), 'member'), m OPERATOR(pg_catalog.->>) 'username', x.n
                          FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(members) OPERATOR(pg_catalog.=) 'array' THEN members ELSE '[]' END)
                               WITH ORDINALITY AS x(m, n)
                         WHERE NOT m OPERATOR(pg_catalog.?) 'dateOut'
                        UNION ALL
                        SELECT 'channel', s OPERATOR(pg_catalog.->>) 'channel', 1000000 OPERATOR(pg_catalog.+) y.n
                          FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(support) OPERATOR(pg_catalog.=) 'array' THEN support ELSE '[]' END)
                               WITH ORDINALITY AS y(s, n)) AS a
                     WHERE a.principal OPERATOR(pg_catalog.<>) '' GROUP BY a.kind, a.principal) AS o
             GROUP BY o.kind) AS g
    HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0;
END;
COMMENT ON FUNCTION meshcat_internal.standard_owners(text, jsonb, jsonb) IS
    'Internal: a standard''s team name, members and support channels as meshcat owners (role slug: username), or NULL.';

-- What meshcat checks in an ODPS data product before it maps it (45_validation's validator):
-- the keys it reads and their types. Open: other keys are ODPS's business, and kept.
CREATE FUNCTION meshcat_internal.odps_schema() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $schema$
{
  "type": "object",
  "required": ["apiVersion", "kind", "id", "status"],
  "properties": {
    "apiVersion": {"type": "string"},
    "kind": {"const": "DataProduct"},
    "id": {"type": "string", "minLength": 1},
    "name": {"type": "string", "minLength": 1},
    "version": {"type": "string", "minLength": 1},
    "status": {"type": "string", "minLength": 1},
    "domain": {"type": "string", "minLength": 1},
    "tags": {"$ref": "#/$defs/strings"},
    "description": {"type": "object", "properties": {
        "purpose": {"type": "string"}, "usage": {"type": "string"}, "limitations": {"type": "string"}}},
    "authoritativeDefinitions": {"type": "array", "items": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "minLength": 1}}}},
    "inputPorts": {"type": "array", "items": {"type": "object", "required": ["name", "version", "contractId"], "properties": {
        "name": {"type": "string", "minLength": 1}, "version": {"type": "string", "minLength": 1}, "contractId": {"type": "string", "minLength": 1}}}},
    "outputPorts": {"type": "array", "items": {"type": "object", "required": ["name", "version"], "properties": {
        "name": {"type": "string", "minLength": 1}, "version": {"type": "string", "minLength": 1}, "contractId": {"type": "string", "minLength": 1},
        "type": {"type": "string"}, "description": {"type": "string"}, "customProperties": {"$ref": "#/$defs/CustomProperties"}}}},
    "managementPorts": {"type": "array", "items": {"type": "object", "required": ["name", "content"], "properties": {
        "name": {"type": "string", "minLength": 1}, "content": {"type": "string", "minLength": 1}}}},
    "team": {"type": "object", "properties": {"name": {"type": "string"}, "members": {"type": "array", "items": {
        "type": "object", "required": ["username"], "properties": {"username": {"type": "string", "minLength": 1}, "role": {"type": "string"}}}}}},
    "support": {"type": "array", "items": {"type": "object", "required": ["channel"], "properties": {"channel": {"type": "string", "minLength": 1}}}},
    "customProperties": {"$ref": "#/$defs/CustomProperties"}
  },
  "$defs": {
    "strings": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "CustomProperties": {"type": "array", "items": {"type": "object", "required": ["property"], "properties": {"property": {"type": "string", "minLength": 1}}}}
  }
}
$schema$::jsonb;
COMMENT ON FUNCTION meshcat_internal.odps_schema() IS
    'Internal: the JSON Schema of what meshcat reads in an ODPS data product (keys and types), for the validator of 45_validation.';

-- The product descriptors of a stream that an ODPS port may name as its contract, by the id
-- it would name them with: an ODCS (or Data Contract Specification) contract's id, a meshcat
-- product's external_id and id. A contract that cannot be mapped is left out (its own error
-- is reported with its document).
CREATE FUNCTION meshcat_internal.stream_contracts(docs jsonb[], stream_domains text[]) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    result jsonb := '{}';
    d jsonb;
    k text;
BEGIN
    FOR n IN 1 .. coalesce(cardinality(docs), 0) LOOP
        d := NULL;
        IF document_format(docs[n]) IN ('odcs', 'dcs') THEN
            BEGIN
                d := standard_to_descriptor(docs[n], n, NULL, stream_domains);
            EXCEPTION WHEN invalid_parameter_value OR foreign_key_violation OR feature_not_supported THEN
                d := NULL;
            END;
        ELSIF document_format(docs[n]) = 'meshcat' AND docs[n] ->> 'kind' = 'DataProduct' THEN
            d := docs[n];
        END IF;
        IF d IS NOT NULL THEN
            FOREACH k IN ARRAY ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[docs[n] ->> 'id', d ->> 'external_id', d ->> 'id']) AS x
                                      WHERE x IS NOT NULL) LOOP
                result := result || jsonb_build_object(k, coalesce(result -> k, '[]') || jsonb_build_array(d));
            END LOOP;
        END IF;
    END LOOP;
    RETURN result;
END
$$;
COMMENT ON FUNCTION meshcat_internal.stream_contracts(jsonb[], text[]) IS
    'Internal: the product descriptors of a stream by the ids an ODPS port may name them with (ODCS id, external_id, product id).';

-- The descriptor of the contract an ODPS port names (contract_id, at the port's version), or
-- NULL: a contract of the stream or the catalog whose ODCS id, external_id or product id it is;
-- of its versions the one the port's version names, else the stream's, else the highest
-- published, else the highest.
CREATE FUNCTION meshcat_internal.odps_contract(contract_id text, port_version text, stream_contracts jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT c.d FROM (
        SELECT s.d, 0 AS src, s.d OPERATOR(pg_catalog.->>) 'version' AS v, coalesce(s.d OPERATOR(pg_catalog.->>) 'status', 'draft') AS status
          FROM pg_catalog.jsonb_array_elements(coalesce(stream_contracts OPERATOR(pg_catalog.->) contract_id, '[]')) AS s(d)
        UNION ALL
        SELECT pv.descriptor, 1, pv.version::text, pv.status::text
          FROM @extschema@.product_version AS pv
         WHERE pv.product_id OPERATOR(pg_catalog.=) contract_id
            OR pv.descriptor OPERATOR(pg_catalog.->>) 'external_id' OPERATOR(pg_catalog.=) contract_id) AS c
     ORDER BY c.v OPERATOR(pg_catalog.=) pg_catalog.regexp_replace(port_version, '^v', '') DESC, c.src,
              c.status OPERATOR(pg_catalog.<>) 'draft' DESC, c.v::@extschema@.semver DESC
     LIMIT 1;
END;
COMMENT ON FUNCTION meshcat_internal.odps_contract(text, text, jsonb) IS
    'Internal: the descriptor of the contract an ODPS port names by id (stream or catalog), at the port''s version if there is one, or NULL.';

-- The meshcat port type of an ODPS port type (free text: tables, topic, api, ...).
CREATE FUNCTION meshcat_internal.odps_port_type(type text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.lower(type) ~ '^(table|view|file|stream|api)s?$' THEN pg_catalog.rtrim(pg_catalog.lower(type), 's')
            WHEN pg_catalog.lower(type) ~ '^(topic|queue|event|kafka)s?$' THEN 'stream'
            ELSE NULL END;
COMMENT ON FUNCTION meshcat_internal.odps_port_type(text) IS
    'Internal: the meshcat output port type of an ODPS port type (tables: table, topic: stream, ...), or NULL when there is none.';

-- The meshcat keys an ODPS document carries as customProperties meshcat.<key> (what meshcat's
-- export writes there), as an object.
CREATE FUNCTION meshcat_internal.odps_meshcat_keys(props jsonb, keys text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT coalesce(pg_catalog.jsonb_object_agg(pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9), c OPERATOR(pg_catalog.->) 'value'), '{}')
          FROM pg_catalog.jsonb_array_elements(coalesce(props, '[]')) AS c
         WHERE c OPERATOR(pg_catalog.->>) 'property' LIKE 'meshcat.%'
           AND (pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) OPERATOR(pg_catalog.=) ANY (keys)
                OR pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) ~ '^x-'));
COMMENT ON FUNCTION meshcat_internal.odps_meshcat_keys(jsonb, text[]) IS
    'Internal: the given meshcat keys (and x- keys) an ODPS customProperties list holds as meshcat.<key>, as an object.';

-- A customProperties list without the meshcat.<key> entries odps_meshcat_keys reads, or NULL
-- when nothing is left.
CREATE FUNCTION meshcat_internal.odps_other_properties(props jsonb, keys text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT pg_catalog.jsonb_agg(c ORDER BY n)
          FROM pg_catalog.jsonb_array_elements(coalesce(props, '[]')) WITH ORDINALITY AS x(c, n)
         WHERE NOT (c OPERATOR(pg_catalog.->>) 'property' LIKE 'meshcat.%'
                    AND (pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) OPERATOR(pg_catalog.=) ANY (keys)
                         OR pg_catalog.substr(c OPERATOR(pg_catalog.->>) 'property', 9) ~ '^x-')));
COMMENT ON FUNCTION meshcat_internal.odps_other_properties(jsonb, text[]) IS
    'Internal: an ODPS customProperties list without the meshcat.<key> entries of the given keys, or NULL when empty.';

-- An ODPS data product (a parsed document) as a meshcat DataProduct descriptor, or the error
-- that points into it. stream_domains: the domains the same stream registers; contracts: the
-- stream's contracts (stream_contracts). Statuses and versions as for ODCS (DECISIONS.md 7); a
-- product without a version (ODPS does not require one) is 0.0.0.
CREATE FUNCTION meshcat_internal.odps_to_descriptor(doc jsonb, docno int, line int DEFAULT NULL,
                                               stream_domains text[] DEFAULT '{}', contracts jsonb DEFAULT '{}') RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    top_keys CONSTANT text[] := ARRAY['classification', 'security', 'quality', 'slos', 'inputs', 'glossary', 'custom', 'sla', 'retention'];
    problem text[];
    refs text;
    dom text;
    slug text;
    pid text;
    ver text;
    st text;
    new_status text;
    d jsonb := doc -> 'description';
    props jsonb;
    outputs jsonb := '[]';
    inputs jsonb := '[]';
    port jsonb;
    pname text;
    contract jsonb;
    cport jsonb;
    out jsonb;
    rest jsonb;
    leftover jsonb;
    i int;
BEGIN
    IF jsonb_typeof(doc -> 'apiVersion') IS DISTINCT FROM 'string' OR NOT (doc ->> 'apiVersion') IN ('v0.9.0', 'v1.0.0') THEN
        PERFORM meshcat_internal.raise_invalid_standard('odps', docno, CASE WHEN doc ? 'apiVersion' THEN '$.apiVersion' ELSE '$' END,
            CASE WHEN doc ? 'apiVersion' THEN format('ODPS version %s is not supported', doc -> 'apiVersion')
                 ELSE 'missing required key "apiVersion"' END,
            'meshcat reads ODPS v0.9.0 and v1.0.0 data products: write apiVersion: v1.0.0 (a meshcat descriptor says apiVersion: meshcat/v1).', line);
    END IF;
    IF strpos(doc::text, '"$ref"') > 0 THEN
        SELECT string_agg(format('%s: %s', r.path, r.ref), ', ') INTO refs
          FROM document_references(doc) AS r WHERE NOT coalesce(r.ref #>> '{}', '') LIKE '#%';
        IF refs IS NOT NULL THEN
            PERFORM raise_error('0A000',
                format('external reference in ODPS data product: %s, %s', document_label(docno, line), refs),
                'meshcat never fetches another file: a document is registered whole.',
                'Put what each reference names into the data product itself, then register it.');
        END IF;
    END IF;
    problem := json_schema_problem(doc, odps_schema(), '$', odps_schema() -> '$defs');
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('odps', docno, problem[1], problem[2], NULL, line);
    END IF;

    -- Identity: <domain>.<slug of the name>; the document's own id is kept as external_id.
    dom := coalesce(doc ->> 'domain', nullif(current_setting('meshcat.default_domain'), ''));
    IF dom IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('odps', docno, '$', 'the data product names no domain, and meshcat.default_domain is not set',
            'Add domain: <a registered domain> to the data product, or SET meshcat.default_domain to the domain it belongs to.', line);
    END IF;
    IF NOT EXISTS (SELECT FROM domain AS x WHERE x.name = dom) AND dom <> ALL (stream_domains) THEN
        PERFORM raise_error('23503',
            format('unknown reference in ODPS data product: %s, %s: domain "%s" does not exist',
                   document_label(docno, line), CASE WHEN doc ? 'domain' THEN '$.domain' ELSE '$' END, dom),
            NULL,
            CASE WHEN doc ? 'domain' THEN 'Register the domain first, or in the same stream.'
                 ELSE format('meshcat.default_domain names domain "%s": register it, or set the setting to a registered domain.', dom) END);
    END IF;
    -- An id that is a product id of this domain (meshcat's own export writes one) is kept.
    IF (doc ->> 'id') ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}[.][A-Za-z][A-Za-z0-9_-]{0,62}$' AND split_part(doc ->> 'id', '.', 1) = dom THEN
        pid := doc ->> 'id';
    ELSIF NOT doc ? 'name' THEN
        PERFORM meshcat_internal.raise_invalid_standard('odps', docno, '$', 'the data product has no "name"',
            'meshcat names a product <domain>.<slug of its name>: add name: <its name>.', line);
    END IF;
    IF pid IS NULL THEN
        slug := name_slug(doc ->> 'name');
        IF slug IS NULL THEN
            PERFORM meshcat_internal.raise_invalid_standard('odps', docno, '$.name', format('"%s" cannot name a data product', doc ->> 'name'),
                'A product name starts with a letter and has at most 63 characters; meshcat writes it in lower case with "_" for other characters (Customer Data Product: customer_data_product).', line);
        END IF;
        pid := dom || '.' || slug;
    END IF;

    ver := coalesce(doc ->> 'version', '0.0.0');
    IF ver LIKE 'v%' THEN
        ver := substr(ver, 2);
    END IF;
    IF NOT ver ~ '^(0|[1-9][0-9]{0,8})[.](0|[1-9][0-9]{0,8})[.](0|[1-9][0-9]{0,8})$' THEN
        BEGIN
            PERFORM ver::semver;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
            PERFORM meshcat_internal.raise_invalid_standard('odps', docno, '$.version', format('"%s" is not a SemVer version', doc ->> 'version'),
                'Versions follow SemVer 2.0.0, and a leading v is dropped: 1.4.0, v2.0.0-rc.1.', line);
        END;
    END IF;

    st := lower(doc ->> 'status');
    new_status := CASE WHEN st = 'active' THEN 'published' WHEN st IN ('deprecated', 'retired') THEN 'released' ELSE 'draft' END;
    IF new_status = 'released' THEN
        IF NOT EXISTS (SELECT FROM product_version AS v WHERE v.product_id = pid AND v.version = ver::semver AND v.status <> 'draft') THEN
            PERFORM meshcat_internal.raise_invalid_standard('odps', docno, '$.status', format('a new version cannot be %s', st),
                format('Register it as active, then %s it in meshcat: mesh_deprecate() names a sunset date, which ODPS does not carry.',
                       CASE st WHEN 'deprecated' THEN 'deprecate' ELSE 'deprecate and retire' END), line);
        END IF;
        new_status := 'published';
    END IF;

    props := odps_meshcat_keys(doc -> 'customProperties', top_keys);

    -- Output ports: each with its contract's port (fields, location, quality). A name that
    -- appears more than once (one port at several versions) is <name>_v<version>.
    i := 0;
    FOR port IN SELECT jsonb_array_elements(coalesce(doc -> 'outputPorts', '[]')) LOOP
        pname := CASE WHEN (SELECT count(*) FROM jsonb_array_elements(doc -> 'outputPorts') AS o WHERE o ->> 'name' = port ->> 'name') > 1
                      THEN name_slug((port ->> 'name') || '_v' || (port ->> 'version'))
                      ELSE odcs_port_name(port ->> 'name') END;
        IF pname IS NULL THEN
            PERFORM meshcat_internal.raise_invalid_standard('odps', docno, format('$.outputPorts[%s].name', i), format('"%s" cannot name an output port', port ->> 'name'),
                'A port''s name starts with a letter and has at most 63 characters.', line);
        END IF;
        IF outputs @> jsonb_build_array(jsonb_build_object('name', pname)) THEN
            PERFORM meshcat_internal.raise_invalid_standard('odps', docno, format('$.outputPorts[%s].name', i), format('output port "%s" is declared twice', pname),
                'Each output port has its own name, or its own version (a name given at several versions names each port <name>_v<version>).', line);
        END IF;
        contract := NULL;
        cport := NULL;
        IF port ? 'contractId' THEN
            contract := odps_contract(port ->> 'contractId', port ->> 'version', contracts);
            IF contract IS NULL THEN
                PERFORM raise_error('23503',
                    format('unknown reference in ODPS data product: %s, $.outputPorts[%s].contractId: contract "%s" is not registered',
                           document_label(docno, line), i, port ->> 'contractId'),
                    NULL, 'Register the ODCS contract first, or in the same stream; meshcat finds it by its id.');
            END IF;
            cport := coalesce((SELECT o FROM jsonb_array_elements(contract -> 'outputs') AS o WHERE o ->> 'name' = pname),
                              CASE WHEN jsonb_array_length(coalesce(contract -> 'outputs', '[]')) = 1 THEN contract -> 'outputs' -> 0 END);
        END IF;
        -- What the port says that meshcat does not map: its version unless it is the product's,
        -- its contract unless it is this product itself, its type unless meshcat's, the rest.
        rest := port - ARRAY['description', 'customProperties']
            - CASE WHEN port ->> 'name' = pname THEN 'name' ELSE '' END
            - CASE WHEN regexp_replace(port ->> 'version', '^v', '') = ver THEN 'version' ELSE '' END
            - CASE WHEN contract ->> 'id' = pid THEN 'contractId' ELSE '' END
            - CASE WHEN port ->> 'type' = coalesce(cport ->> 'type', 'table') THEN 'type' ELSE '' END
            || CASE WHEN odps_other_properties(port -> 'customProperties', ARRAY['custom']) IS NOT NULL
                    THEN jsonb_build_object('customProperties', odps_other_properties(port -> 'customProperties', ARRAY['custom'])) ELSE '{}' END;
        out := jsonb_build_object('name', pname,
                                  'type', coalesce(odps_port_type(port ->> 'type'), cport ->> 'type', 'table'))
            || without_nulls(jsonb_build_object(
                   'location', cport -> 'location',
                   'description', coalesce(port -> 'description', cport -> 'description'),
                   'schema', cport -> 'schema', 'quality', cport -> 'quality'))
            || (odps_meshcat_keys(port -> 'customProperties', ARRAY['custom']) - 'custom');
        IF rest <> '{}' OR odps_meshcat_keys(port -> 'customProperties', ARRAY['custom']) ? 'custom' THEN
            out := out || jsonb_build_object('custom', coalesce(odps_meshcat_keys(port -> 'customProperties', ARRAY['custom']) -> 'custom', '{}')
                                                       || CASE WHEN rest <> '{}' THEN jsonb_build_object('odps', rest) ELSE '{}' END);
        END IF;
        outputs := outputs || jsonb_build_array(out);
        i := i + 1;
    END LOOP;

    -- Input ports: an input on the product of each port's contract, at the contract's version;
    -- meshcat's own export carries the inputs whole (customProperties meshcat.inputs).
    i := 0;
    FOR port IN SELECT jsonb_array_elements(coalesce(doc -> 'inputPorts', '[]')) LOOP
        contract := odps_contract(port ->> 'contractId', port ->> 'version', contracts);
        IF contract IS NULL THEN
            PERFORM raise_error('23503',
                format('unknown reference in ODPS data product: %s, $.inputPorts[%s].contractId: contract "%s" is not registered',
                       document_label(docno, line), i, port ->> 'contractId'),
                NULL, 'Register the ODCS contract of the data it consumes first, or in the same stream; meshcat finds it by its id.');
        END IF;
        IF NOT props ? 'inputs' THEN
            inputs := inputs || jsonb_build_array(jsonb_build_object('product', contract ->> 'id', 'version', contract ->> 'version',
                                                                     'name', port ->> 'name'));
        END IF;
        i := i + 1;
    END LOOP;
    IF props ? 'inputs' THEN
        inputs := props -> 'inputs';
    END IF;

    -- What meshcat has no place for, at the top: kept in custom.odps (metadata only in the document).
    leftover := doc - ARRAY['apiVersion', 'kind', 'id', 'name', 'domain', 'version', 'status', 'description', 'tags',
                            'team', 'support', 'authoritativeDefinitions', 'inputPorts', 'outputPorts', 'customProperties']
        || CASE WHEN odps_other_properties(doc -> 'customProperties', top_keys) IS NOT NULL
                THEN jsonb_build_object('customProperties', odps_other_properties(doc -> 'customProperties', top_keys)) ELSE '{}' END;

    RETURN jsonb_build_object('apiVersion', 'meshcat/v1', 'kind', 'DataProduct', 'id', pid, 'name', coalesce(doc ->> 'name', pid), 'version', ver)
        || CASE WHEN doc ? 'domain' THEN jsonb_build_object('domain', dom) ELSE '{}' END
        || CASE WHEN new_status <> 'draft' THEN jsonb_build_object('status', new_status) ELSE '{}' END
        || CASE WHEN doc ->> 'id' <> pid THEN jsonb_build_object('external_id', doc ->> 'id') ELSE '{}' END
        || without_nulls(jsonb_build_object(
               'description', nullif(concat_ws(E'\n\n', d ->> 'purpose', 'Usage: ' || (d ->> 'usage'),
                                               'Limitations: ' || (d ->> 'limitations')), ''),
               'documentation', doc -> 'authoritativeDefinitions' -> 0 ->> 'url',
               'tags', doc -> 'tags',
               'owners', standard_owners(doc -> 'team' ->> 'name', doc -> 'team' -> 'members', doc -> 'support')))
        || (props - ARRAY['inputs', 'custom'])
        || CASE WHEN inputs <> '[]' THEN jsonb_build_object('inputs', inputs) ELSE '{}' END
        || CASE WHEN doc ? 'outputPorts' THEN jsonb_build_object('outputs', outputs) ELSE '{}' END
        || CASE WHEN leftover <> '{}' OR props ? 'custom'
                THEN jsonb_build_object('custom', coalesce(props -> 'custom', '{}')
                                                  || CASE WHEN leftover <> '{}' THEN jsonb_build_object('odps', leftover) ELSE '{}' END)
                ELSE '{}' END;
END
$$;
COMMENT ON FUNCTION meshcat_internal.odps_to_descriptor(jsonb, int, int, text[], jsonb) IS
    'Internal: an ODPS v0.9.0 or v1.0.0 data product as a meshcat DataProduct descriptor (docs/standards.md), its ports bound to their ODCS contracts, or the error that points into it.';

-- DPDS (Open Data Mesh's Data Product Descriptor Specification 1.0.0, a document with the key
-- dataProductDescriptor): a descriptor is a version of the product its info names. Its output
-- ports are output ports, its input ports inputs (sources, or a product whose output port
-- they name), its owner and contact points owners; discovery, observability and control
-- ports and the internal components have no meshcat counterpart and stay in custom.dpds.
-- External $refs are refused, a reference into the document itself (#/components/...) is
-- followed. docs/standards.md is the mapping.

-- What meshcat checks in a DPDS descriptor before it maps it (45_validation's validator).
CREATE FUNCTION meshcat_internal.dpds_schema() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $schema$
{
  "type": "object",
  "required": ["dataProductDescriptor", "info", "interfaceComponents"],
  "properties": {
    "dataProductDescriptor": {"type": "string"},
    "info": {"type": "object", "required": ["version", "owner"], "properties": {
        "fullyQualifiedName": {"type": "string", "minLength": 1},
        "name": {"type": "string", "minLength": 1},
        "displayName": {"type": "string", "minLength": 1},
        "version": {"type": "string", "minLength": 1},
        "domain": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "minLength": 1}, "name": {"type": "string"}}},
        "contactPoints": {"type": "array", "items": {"type": "object"}}}},
    "interfaceComponents": {"type": "object", "properties": {
        "inputPorts": {"$ref": "#/$defs/ports"}, "outputPorts": {"$ref": "#/$defs/ports"},
        "discoveryPorts": {"$ref": "#/$defs/ports"}, "observabilityPorts": {"$ref": "#/$defs/ports"},
        "controlPorts": {"$ref": "#/$defs/ports"}}},
    "internalComponents": {"type": "object"},
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "externalDocs": {"type": "object", "properties": {"$href": {"type": "string"}}}
  },
  "$defs": {
    "ports": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string", "minLength": 1}, "fullyQualifiedName": {"type": "string", "minLength": 1},
        "version": {"type": "string"}, "displayName": {"type": "string"}, "description": {"type": "string"},
        "promises": {"type": "object", "properties": {"servicesType": {"type": "string"}, "platform": {"type": "string"}}},
        "expectations": {"type": "object"}, "obligations": {"type": "object"}}}}
  }
}
$schema$::jsonb;
COMMENT ON FUNCTION meshcat_internal.dpds_schema() IS
    'Internal: the JSON Schema of what meshcat reads in a DPDS descriptor (keys and types), for the validator of 45_validation.';

-- The meshcat output port type of a DPDS port's promised services type.
CREATE FUNCTION meshcat_internal.dpds_port_type(services_type text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.lower(services_type) ~ '(stream|event|topic|messag)' THEN 'stream'
            WHEN pg_catalog.lower(services_type) ~ '(rest|api|graphql|grpc|http|web)' THEN 'api'
            WHEN pg_catalog.lower(services_type) ~ '(file|blob|object-stor)' THEN 'file'
            ELSE 'table' END;
COMMENT ON FUNCTION meshcat_internal.dpds_port_type(text) IS
    'Internal: the meshcat output port type of a DPDS servicesType (streaming-services: stream, rest-services: api, ...; else table).';

-- A DPDS descriptor (a parsed document) as a meshcat DataProduct descriptor, or the error that
-- points into it. stream_domains: the domains the same stream registers. DPDS has no
-- lifecycle: a version is a draft until it is published in meshcat. DPDS requires info.domain;
-- meshcat, as for the other standards, falls back to meshcat.default_domain.
CREATE FUNCTION meshcat_internal.dpds_to_descriptor(doc jsonb, docno int, line int DEFAULT NULL,
                                               stream_domains text[] DEFAULT '{}') RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    info jsonb := doc -> 'info';
    ic jsonb;
    problem text[];
    refs text;
    dom text;
    pname text;
    slug text;
    pid text;
    ver text;
    port jsonb;
    pn text;
    outputs jsonb := '[]';
    inputs jsonb := '[]';
    producer text;
    i int;
    path text;
BEGIN
    IF jsonb_typeof(doc -> 'dataProductDescriptor') IS DISTINCT FROM 'string' OR doc ->> 'dataProductDescriptor' <> '1.0.0' THEN
        PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, '$.dataProductDescriptor',
            format('DPDS version %s is not supported', doc -> 'dataProductDescriptor'),
            'meshcat reads DPDS 1.0.0 descriptors: write "dataProductDescriptor": "1.0.0".', line);
    END IF;
    IF strpos(doc::text, '"$ref"') > 0 THEN
        SELECT string_agg(format('%s: %s', r.path, r.ref), ', ') INTO refs
          FROM document_references(doc) AS r WHERE NOT coalesce(r.ref #>> '{}', '') LIKE '#%';
        IF refs IS NOT NULL THEN
            PERFORM raise_error('0A000',
                format('external reference in DPDS descriptor: %s, %s', document_label(docno, line), refs),
                'meshcat never fetches another file: a document is registered whole.',
                'Put what each reference names into the descriptor itself (or its components), then register it.');
        END IF;
    END IF;
    problem := json_schema_problem(doc, dpds_schema(), '$', dpds_schema() -> '$defs');
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, problem[1], problem[2], NULL, line);
    END IF;
    -- Ports given as references into the document (#/components/...) are read where they point.
    ic := (SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) = 'array' THEN
                      (SELECT coalesce(jsonb_agg(CASE WHEN p ->> '$ref' LIKE '#/%'
                                                      THEN coalesce(doc #> string_to_array(substr(p ->> '$ref', 3), '/'), '{}') || (p - '$ref')
                                                      ELSE p END ORDER BY n), '[]')
                         FROM jsonb_array_elements(v) WITH ORDINALITY AS x(p, n))
                      ELSE v END)
             FROM jsonb_each(doc -> 'interfaceComponents') AS e(k, v));

    -- Identity: the domain (a name that is not a meshcat name as its slug), the name (else the
    -- fully qualified name's product part, urn:dpds:<org>:dataproducts:<name>[:<major>]).
    dom := coalesce(info ->> 'domain', nullif(current_setting('meshcat.default_domain'), ''));
    IF dom IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, '$.info', 'the descriptor names no domain, and meshcat.default_domain is not set',
            'Add "domain": "<a registered domain>" to info, or SET meshcat.default_domain to the domain it belongs to.', line);
    END IF;
    IF NOT dom ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN
        dom := coalesce(name_slug(dom), dom);
    END IF;
    IF NOT EXISTS (SELECT FROM domain AS x WHERE x.name = dom) AND dom <> ALL (stream_domains) THEN
        PERFORM raise_error('23503',
            format('unknown reference in DPDS descriptor: %s, %s: domain "%s" does not exist', document_label(docno, line),
                   CASE WHEN info ? 'domain' THEN '$.info.domain' ELSE '$.info' END, dom),
            NULL, CASE WHEN NOT info ? 'domain'
                       THEN format('meshcat.default_domain names domain "%s": register it, or set the setting to a registered domain.', dom)
                       WHEN dom IS DISTINCT FROM info ->> 'domain'
                       THEN format('Register the domain "%s" (the slug of "%s") first, or in the same stream.', dom, info ->> 'domain')
                       ELSE 'Register the domain first, or in the same stream.' END);
    END IF;
    pname := coalesce(info ->> 'name', substring(info ->> 'fullyQualifiedName' FROM ':dataproducts:(?:[^:]+:)*?([^:]+)(?::[0-9]+)?$'));
    IF pname IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, '$.info', 'the descriptor has neither "name" nor a fullyQualifiedName urn:dpds:<organization>:dataproducts:<name>',
            'meshcat names a product <domain>.<slug of its name>: add "name" to info.', line);
    END IF;
    slug := name_slug(pname);
    IF slug IS NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, CASE WHEN info ? 'name' THEN '$.info.name' ELSE '$.info.fullyQualifiedName' END,
            format('"%s" cannot name a data product', pname),
            'A product name starts with a letter and has at most 63 characters; meshcat writes it in lower case with "_" for other characters.', line);
    END IF;
    pid := dom || '.' || slug;
    ver := info ->> 'version';
    IF ver LIKE 'v%' THEN
        ver := substr(ver, 2);
    END IF;
    BEGIN
        PERFORM ver::semver;
    EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
        PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, '$.info.version', format('"%s" is not a SemVer version', info ->> 'version'),
            'Versions follow SemVer 2.0.0, and a leading v is dropped: 1.4.0, v2.0.0-rc.1.', line);
    END;

    -- Output ports: name, type from the promised services type, description; the promises,
    -- expectations and obligations and the rest in custom.dpds.
    i := 0;
    FOR port IN SELECT jsonb_array_elements(coalesce(ic -> 'outputPorts', '[]')) LOOP
        pn := odcs_port_name(coalesce(port ->> 'name', substring(port ->> 'fullyQualifiedName' FROM ':([^:]+)$')));
        IF pn IS NULL OR outputs @> jsonb_build_array(jsonb_build_object('name', pn)) THEN
            PERFORM meshcat_internal.raise_invalid_standard('dpds', docno, format('$.interfaceComponents.outputPorts[%s]%s', i, CASE WHEN port ? 'name' THEN '.name' ELSE '' END),
                CASE WHEN pn IS NULL THEN 'the port has no name meshcat can use' ELSE format('output port "%s" is declared twice', pn) END,
                'Each output port has its own name: a letter, then up to 62 letters, digits, _ or -.', line);
        END IF;
        outputs := outputs || jsonb_build_array(
            jsonb_build_object('name', pn, 'type', dpds_port_type(coalesce(port #>> '{promises,servicesType}', port #>> '{promises,serviceType}')))
            || without_nulls(jsonb_build_object('description', port -> 'description'))
            || CASE WHEN (port - ARRAY['name', 'description']) <> '{}' OR port ->> 'name' IS DISTINCT FROM pn
                    THEN jsonb_build_object('custom', jsonb_build_object('dpds', port - 'description' - CASE WHEN port ->> 'name' = pn THEN 'name' ELSE '' END))
                    ELSE '{}' END);
        i := i + 1;
    END LOOP;

    -- Input ports: the product whose output port a port's fully qualified name names
    -- (<product's fullyQualifiedName>:outputports:<port>, a registered product), else a source.
    FOR port IN SELECT jsonb_array_elements(coalesce(ic -> 'inputPorts', '[]')) LOOP
        producer := NULL;
        IF port ->> 'fullyQualifiedName' LIKE '%:outputports:%' THEN
            SELECT pv.product_id INTO producer FROM product_version AS pv
             WHERE pv.descriptor ->> 'external_id' = regexp_replace(port ->> 'fullyQualifiedName', ':outputports:.*$', '')
               AND pv.product_id <> pid
             ORDER BY pv.version DESC LIMIT 1;
        END IF;
        inputs := inputs || jsonb_build_array(
            CASE WHEN producer IS NOT NULL THEN jsonb_build_object('product', producer)
                 ELSE jsonb_build_object('source', coalesce(port ->> 'fullyQualifiedName', port ->> 'name', 'unnamed')) END
            || without_nulls(jsonb_build_object('name', coalesce(port ->> 'displayName', port ->> 'name'), 'description', port -> 'description'))
            || CASE WHEN (port - 'description') <> '{}' THEN jsonb_build_object('custom', jsonb_build_object('dpds', port - 'description')) ELSE '{}' END);
    END LOOP;

    RETURN jsonb_build_object('apiVersion', 'meshcat/v1', 'kind', 'DataProduct', 'id', pid,
                              'name', coalesce(info ->> 'displayName', pname), 'version', ver)
        || CASE WHEN info ? 'domain' THEN jsonb_build_object('domain', dom) ELSE '{}' END
        || without_nulls(jsonb_build_object(
               'external_id', coalesce(info ->> 'fullyQualifiedName', info ->> 'id'),
               'description', info -> 'description',
               'documentation', doc #> '{externalDocs,$href}',
               'tags', doc -> 'tags',
               'owners', jsonb_build_object('owner', info #>> '{owner,id}')
                         || coalesce((SELECT jsonb_build_object('channel', CASE WHEN count(*) = 1 THEN to_jsonb(min(c)) ELSE jsonb_agg(c ORDER BY n) END)
                                        FROM (SELECT coalesce(cp ->> 'address', cp ->> 'name') AS c, n
                                                FROM jsonb_array_elements(coalesce(info -> 'contactPoints', '[]')) WITH ORDINALITY AS x(cp, n)) AS y
                                       WHERE c IS NOT NULL HAVING count(*) > 0), '{}')))
        || CASE WHEN inputs <> '[]' THEN jsonb_build_object('inputs', inputs) ELSE '{}' END
        || jsonb_build_object('outputs', outputs)
        || coalesce((SELECT jsonb_build_object('custom', jsonb_build_object('dpds', jsonb_object_agg(k, v)))
                       FROM jsonb_each(without_nulls(jsonb_build_object(
                                'discoveryPorts', ic -> 'discoveryPorts', 'observabilityPorts', ic -> 'observabilityPorts',
                                'controlPorts', ic -> 'controlPorts', 'internalComponents', doc -> 'internalComponents',
                                'components', doc -> 'components'))
                            || (SELECT coalesce(jsonb_object_agg(k2, v2), '{}') FROM jsonb_each(doc) AS t(k2, v2) WHERE k2 ~ '^x-')) AS e(k, v)
                     HAVING count(*) > 0), '{}');
END
$$;
COMMENT ON FUNCTION meshcat_internal.dpds_to_descriptor(jsonb, int, int, text[]) IS
    'Internal: a DPDS 1.0.0 data product descriptor as a meshcat DataProduct descriptor (docs/standards.md), or the error that points into it.';

-- Data Contract Specification (datacontract.com, 0.9.x and 1.x, deprecated in favour of ODCS;
-- a document with the key dataContractSpecification): converted to an ODCS v3.1.0 contract
-- the way datacontract-cli's ODCS export maps it (dcs_to_odcs), then read as one
-- (odcs_to_descriptor). Its models and fields are YAML maps, whose order jsonb does not keep:
-- given the document's text, they come in the order of the text. Internal $refs
-- (#/definitions/...) are followed, external ones refused. docs/standards.md is the mapping.

-- What meshcat checks in a Data Contract Specification contract before it converts it.
CREATE FUNCTION meshcat_internal.dcs_schema() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $schema$
{
  "type": "object",
  "required": ["dataContractSpecification", "id", "info"],
  "properties": {
    "dataContractSpecification": {"type": "string"},
    "id": {"type": "string", "minLength": 1},
    "info": {"type": "object", "required": ["title", "version"], "properties": {
        "title": {"type": "string", "minLength": 1}, "version": {"type": "string", "minLength": 1},
        "status": {"type": "string"}, "description": {"type": "string"}, "owner": {"type": "string"},
        "domain": {"type": "string", "minLength": 1}, "dataProduct": {"type": "string", "minLength": 1},
        "contact": {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"}, "email": {"type": "string"}}}}},
    "servers": {"type": "object", "additionalProperties": {"type": "object"}},
    "terms": {"type": "object", "properties": {"usage": {"type": "string"}, "limitations": {"type": "string"}, "description": {"type": "string"}}},
    "models": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Model"}},
    "definitions": {"type": "object", "additionalProperties": {"type": "object"}},
    "servicelevels": {"type": "object", "additionalProperties": {"type": "object"}},
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "links": {"type": "object", "additionalProperties": {"type": "string"}}
  },
  "$defs": {
    "Model": {"type": "object", "properties": {
        "type": {"type": "string"}, "description": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Field"}},
        "primaryKey": {"type": "array", "items": {"type": "string"}},
        "quality": {"type": "array", "items": {"$ref": "#/$defs/Quality"}}}},
    "Field": {"type": "object", "properties": {
        "type": {"type": "string"}, "description": {"type": "string"},
        "required": {"type": "boolean"}, "unique": {"type": "boolean"}, "primaryKey": {"type": "boolean"}, "primary": {"type": "boolean"},
        "pii": {"type": "boolean"}, "classification": {"type": "string", "minLength": 1}, "references": {"type": "string", "minLength": 1},
        "examples": {"type": "array"}, "tags": {"type": "array", "items": {"type": "string"}},
        "quality": {"type": "array", "items": {"$ref": "#/$defs/Quality"}},
        "lineage": {"type": "object", "properties": {"inputFields": {"type": "array", "items": {"type": "object",
            "required": ["name", "field"], "properties": {"namespace": {"type": "string"}, "name": {"type": "string"}, "field": {"type": "string"}}}}}}}},
    "Quality": {"type": "object", "properties": {
        "type": {"enum": ["text", "library", "sql", "custom"]},
        "metric": {"enum": ["nullValues", "missingValues", "invalidValues", "duplicateValues", "rowCount"]},
        "query": {"type": "string"}, "description": {"type": "string"}}}
  }
}
$schema$::jsonb;
COMMENT ON FUNCTION meshcat_internal.dcs_schema() IS
    'Internal: the JSON Schema of what meshcat reads in a Data Contract Specification contract, for the validator of 45_validation.';

-- The ODCS logical type of a Data Contract Specification field type (datacontract-cli's
-- to_logical_type, with ODCS v3.1.0's timestamp and time), or NULL.
CREATE FUNCTION meshcat_internal.dcs_logical_type(type text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN pg_catalog.lower(type) IN ('string', 'varchar', 'text') THEN 'string'
            WHEN pg_catalog.lower(type) IN ('timestamp', 'timestamp_tz', 'timestamp_ntz') THEN 'timestamp'
            WHEN pg_catalog.lower(type) = 'date' THEN 'date'
            WHEN pg_catalog.lower(type) = 'time' THEN 'time'
            WHEN pg_catalog.lower(type) IN ('number', 'decimal', 'numeric', 'float', 'double') THEN 'number'
            WHEN pg_catalog.lower(type) IN ('integer', 'int', 'long', 'bigint') THEN 'integer'
            WHEN pg_catalog.lower(type) = 'boolean' THEN 'boolean'
            WHEN pg_catalog.lower(type) IN ('object', 'record', 'struct', 'map') THEN 'object'
            WHEN pg_catalog.lower(type) IN ('array', 'bytes') THEN 'array' END;
COMMENT ON FUNCTION meshcat_internal.dcs_logical_type(text) IS
    'Internal: the ODCS logical type of a Data Contract Specification field type (text: string, long: integer, ...), or NULL.';

-- A Data Contract Specification quality check as an ODCS quality rule (the operators'
-- ...ThanOrEqualTo spelled as ODCS's ...OrEqualTo).
CREATE FUNCTION meshcat_internal.dcs_quality(q jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (q OPERATOR(pg_catalog.-) ARRAY['mustBeGreaterThanOrEqualTo', 'mustBeLessThanOrEqualTo'])
       OPERATOR(pg_catalog.||) meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
           'mustBeGreaterOrEqualTo', q OPERATOR(pg_catalog.->) 'mustBeGreaterThanOrEqualTo',
           'mustBeLessOrEqualTo', q OPERATOR(pg_catalog.->) 'mustBeLessThanOrEqualTo'));
COMMENT ON FUNCTION meshcat_internal.dcs_quality(jsonb) IS
    'Internal: a Data Contract Specification quality check as an ODCS quality rule.';

-- A Data Contract Specification field (its #/definitions/ reference followed: the field's own
-- keys over the definition's) as an ODCS property; primary_key: whether the model's
-- primaryKey names it (and where). Keys ODCS has no place for are customProperties, pii as
-- meshcat's own (meshcat.pii).
CREATE FUNCTION meshcat_internal.dcs_property(name text, field jsonb, definitions jsonb, key_position int) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
               'name', name,
               'physicalType', coalesce(f OPERATOR(pg_catalog.#>) '{config,postgresType}', f OPERATOR(pg_catalog.->) 'type'),
               'logicalType', meshcat_internal.dcs_logical_type(f OPERATOR(pg_catalog.->>) 'type'),
               'description', f OPERATOR(pg_catalog.->) 'description',
               'required', f OPERATOR(pg_catalog.->) 'required', 'unique', f OPERATOR(pg_catalog.->) 'unique',
               'primaryKey', CASE WHEN key_position IS NOT NULL THEN 'true'::jsonb ELSE coalesce(f OPERATOR(pg_catalog.->) 'primaryKey', f OPERATOR(pg_catalog.->) 'primary') END,
               'primaryKeyPosition', key_position,
               'classification', f OPERATOR(pg_catalog.->) 'classification',
               'examples', f OPERATOR(pg_catalog.->) 'examples', 'tags', f OPERATOR(pg_catalog.->) 'tags',
               'relationships', CASE WHEN f OPERATOR(pg_catalog.?) 'references'
                                     THEN pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('type', 'foreignKey', 'to', f OPERATOR(pg_catalog.->) 'references')) END,
               'quality', (SELECT pg_catalog.jsonb_agg(meshcat_internal.dcs_quality(q) ORDER BY n)
                             FROM pg_catalog.jsonb_array_elements(f OPERATOR(pg_catalog.->) 'quality') WITH ORDINALITY AS x(q, n)),
               'transformSourceObjects', (SELECT pg_catalog.jsonb_agg(pg_catalog.concat_ws('.', i OPERATOR(pg_catalog.->>) 'name', i OPERATOR(pg_catalog.->>) 'field') ORDER BY n)
                                            FROM pg_catalog.jsonb_array_elements(f OPERATOR(pg_catalog.#>) '{lineage,inputFields}') WITH ORDINALITY AS x(i, n)),
               'transformLogic', f OPERATOR(pg_catalog.#>) '{lineage,transformation}',
               'customProperties', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('property',
                                               CASE WHEN k OPERATOR(pg_catalog.=) 'pii' THEN 'meshcat.pii' ELSE k END, 'value', v) ORDER BY k)
                                      FROM pg_catalog.jsonb_each(f) AS e(k, v)
                                     WHERE k OPERATOR(pg_catalog.<>) ALL (ARRAY['type', 'description', 'required', 'unique', 'primaryKey', 'primary',
                                               'classification', 'examples', 'tags', 'references', 'quality', 'lineage', '$ref'])
                                       AND NOT (k OPERATOR(pg_catalog.=) 'pii' AND pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.<>) 'boolean'))))
      FROM (SELECT CASE WHEN (field OPERATOR(pg_catalog.->>) '$ref') LIKE '#/definitions/%'
                        THEN coalesce(definitions OPERATOR(pg_catalog.->) pg_catalog.substr(field OPERATOR(pg_catalog.->>) '$ref', 15), '{}')
                             OPERATOR(pg_catalog.-) ARRAY['title', 'name'] OPERATOR(pg_catalog.||) field
                        ELSE field END AS f) AS r;
END;
COMMENT ON FUNCTION meshcat_internal.dcs_property(text, jsonb, jsonb, int) IS
    'Internal: a Data Contract Specification field (its definition followed) as an ODCS property.';

-- Where a key of a mapping first appears in a document's text at or after position after (its
-- line or flow item: 'name:', '"name":'), or NULL: jsonb keeps no key order, the text does.
CREATE FUNCTION meshcat_internal.text_key_position(doc_text text, key text, after int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN doc_text IS NOT NULL AND after IS NOT NULL THEN
    NULLIF(pg_catalog.regexp_instr(doc_text,
        '(^|[[:space:]{,])["'']?' OPERATOR(pg_catalog.||) pg_catalog.regexp_replace(key, '([^A-Za-z0-9_])', E'\\\\\\1', 'g')
        OPERATOR(pg_catalog.||) '["'']?[[:blank:]]*:', after), 0) END;
COMMENT ON FUNCTION meshcat_internal.text_key_position(text, text, int) IS
    'Internal: the first position at or after after where a document''s text has the given key of a mapping, or NULL.';

-- The models of a Data Contract Specification contract in the order of its text (doc_text;
-- without it, or for a model not found there, jsonb's key order).
CREATE FUNCTION meshcat_internal.dcs_model_keys(doc jsonb, doc_text text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT o.k FROM pg_catalog.jsonb_object_keys(coalesce(doc OPERATOR(pg_catalog.->) 'models', '{}')) WITH ORDINALITY AS o(k, n)
              ORDER BY meshcat_internal.text_key_position(doc_text, o.k, meshcat_internal.text_key_position(doc_text, 'models', 1)), o.n);
COMMENT ON FUNCTION meshcat_internal.dcs_model_keys(jsonb, text) IS
    'Internal: the model names of a Data Contract Specification contract in the order of its text (else jsonb''s).';

-- The fields of a model, likewise: each searched after the model's fields key.
CREATE FUNCTION meshcat_internal.dcs_field_keys(doc jsonb, doc_text text, model text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT o.k FROM pg_catalog.jsonb_object_keys(coalesce(doc OPERATOR(pg_catalog.#>) ARRAY['models', model, 'fields'], '{}')) WITH ORDINALITY AS o(k, n)
              ORDER BY meshcat_internal.text_key_position(doc_text, o.k, meshcat_internal.text_key_position(doc_text, 'fields',
                           meshcat_internal.text_key_position(doc_text, model, meshcat_internal.text_key_position(doc_text, 'models', 1)))), o.n);
COMMENT ON FUNCTION meshcat_internal.dcs_field_keys(jsonb, text, text) IS
    'Internal: the field names of a model of a Data Contract Specification contract in the order of its text (else jsonb''s).';

-- A Data Contract Specification contract as the ODCS v3.1.0 contract datacontract-cli's
-- export makes of it (with ODCS v3.1.0's team for info.owner, and every key ODCS has no
-- place for as a customProperty dcs.<key>).
CREATE FUNCTION meshcat_internal.dcs_to_odcs(doc jsonb, doc_text text DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT pg_catalog.jsonb_build_object('apiVersion', 'v3.1.0', 'kind', 'DataContract',
               'id', doc OPERATOR(pg_catalog.->) 'id', 'name', i OPERATOR(pg_catalog.->) 'title', 'version', i OPERATOR(pg_catalog.->) 'version',
               'status', CASE WHEN pg_catalog.lower(i OPERATOR(pg_catalog.->>) 'status') IN ('proposed', 'draft', 'active', 'deprecated', 'retired')
                              THEN pg_catalog.lower(i OPERATOR(pg_catalog.->>) 'status') ELSE 'draft' END)
        OPERATOR(pg_catalog.||) meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
            'domain', i OPERATOR(pg_catalog.->) 'domain', 'dataProduct', i OPERATOR(pg_catalog.->) 'dataProduct',
            'description', nullif(meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
                               'purpose', pg_catalog.btrim(coalesce(i OPERATOR(pg_catalog.->>) 'description', t OPERATOR(pg_catalog.->>) 'description'), E' \n'),
                               'usage', pg_catalog.btrim(t OPERATOR(pg_catalog.->>) 'usage', E' \n'),
                               'limitations', pg_catalog.btrim(t OPERATOR(pg_catalog.->>) 'limitations', E' \n'))), '{}'),
            'tags', doc OPERATOR(pg_catalog.->) 'tags',
            'authoritativeDefinitions', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('type', k, 'url', v) ORDER BY k)
                                           FROM pg_catalog.jsonb_each_text(doc OPERATOR(pg_catalog.->) 'links') AS l(k, v)),
            'team', CASE WHEN i OPERATOR(pg_catalog.?) 'owner' THEN pg_catalog.jsonb_build_object('name', i OPERATOR(pg_catalog.->) 'owner') END,
            'support', nullif(coalesce((SELECT pg_catalog.jsonb_agg(s) FROM (
                               SELECT pg_catalog.jsonb_build_object('channel', 'email', 'url', 'mailto:' OPERATOR(pg_catalog.||) (c OPERATOR(pg_catalog.->>) 'email')) AS s
                                WHERE c OPERATOR(pg_catalog.?) 'email'
                               UNION ALL
                               SELECT pg_catalog.jsonb_build_object('channel', coalesce(c OPERATOR(pg_catalog.->>) 'name', 'other'), 'url', c OPERATOR(pg_catalog.->) 'url')
                                WHERE c OPERATOR(pg_catalog.?) 'url') AS x), '[]'), '[]'),
            'servers', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('server', k, 'type', coalesce(v OPERATOR(pg_catalog.->>) 'type', ''))
                                   OPERATOR(pg_catalog.||) (v OPERATOR(pg_catalog.-) ARRAY['type', 'roles'])
                                   OPERATOR(pg_catalog.||) CASE WHEN v OPERATOR(pg_catalog.?) 'roles' THEN pg_catalog.jsonb_build_object('roles',
                                        (SELECT pg_catalog.jsonb_agg(meshcat_internal.without_nulls(pg_catalog.jsonb_build_object('role', r OPERATOR(pg_catalog.->) 'name', 'description', r OPERATOR(pg_catalog.->) 'description')))
                                           FROM pg_catalog.jsonb_array_elements(v OPERATOR(pg_catalog.->) 'roles') AS r)) ELSE '{}' END ORDER BY k)
                          FROM pg_catalog.jsonb_each(doc OPERATOR(pg_catalog.->) 'servers') AS s(k, v)),
            'schema', (SELECT pg_catalog.jsonb_agg(meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
                                  'name', mk, 'physicalName', mk, 'logicalType', 'object', 'physicalType', m OPERATOR(pg_catalog.->) 'type',
                                  'description', m OPERATOR(pg_catalog.->) 'description',
                                  'properties', (SELECT pg_catalog.jsonb_agg(meshcat_internal.dcs_property(fk, m OPERATOR(pg_catalog.->) 'fields' OPERATOR(pg_catalog.->) fk,
                                                        doc OPERATOR(pg_catalog.->) 'definitions',
                                                        (SELECT p.n::int FROM pg_catalog.jsonb_array_elements_text(m OPERATOR(pg_catalog.->) 'primaryKey') WITH ORDINALITY AS p(k, n)
                                                          WHERE p.k OPERATOR(pg_catalog.=) fk)) ORDER BY fo)
                                                   FROM pg_catalog.unnest(meshcat_internal.dcs_field_keys(doc, doc_text, mk)) WITH ORDINALITY AS g(fk, fo)),
                                  'quality', (SELECT pg_catalog.jsonb_agg(meshcat_internal.dcs_quality(q) ORDER BY n)
                                                FROM pg_catalog.jsonb_array_elements(m OPERATOR(pg_catalog.->) 'quality') WITH ORDINALITY AS x(q, n)),
                                  'customProperties', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('property', k, 'value', v) ORDER BY k)
                                                         FROM pg_catalog.jsonb_each(m) AS e(k, v)
                                                        WHERE k OPERATOR(pg_catalog.<>) ALL (ARRAY['type', 'description', 'fields', 'quality', 'primaryKey']))))
                                ORDER BY mo)
                         FROM pg_catalog.unnest(meshcat_internal.dcs_model_keys(doc, doc_text)) WITH ORDINALITY AS o(mk, mo),
                              LATERAL (SELECT doc OPERATOR(pg_catalog.->) 'models' OPERATOR(pg_catalog.->) mk) AS mm(m)),
            'slaProperties', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('property', p, 'value', v) ORDER BY n)
                                FROM (SELECT 1 AS n, 'generalAvailability' AS p, coalesce(sl OPERATOR(pg_catalog.#>) '{availability,percentage}', sl OPERATOR(pg_catalog.#>) '{availability,description}') AS v
                                      UNION ALL SELECT 2, 'retention', sl OPERATOR(pg_catalog.#>) '{retention,period}'
                                      UNION ALL SELECT 3, 'latency', sl OPERATOR(pg_catalog.#>) '{latency,threshold}'
                                      UNION ALL SELECT 4, 'freshness', sl OPERATOR(pg_catalog.#>) '{freshness,threshold}'
                                      UNION ALL SELECT 5, 'frequency', coalesce(sl OPERATOR(pg_catalog.#>) '{frequency,interval}', sl OPERATOR(pg_catalog.#>) '{frequency,cron}')
                                      UNION ALL SELECT 6, 'support', coalesce(sl OPERATOR(pg_catalog.#>) '{support,time}', sl OPERATOR(pg_catalog.#>) '{support,description}')
                                      UNION ALL SELECT 7, 'backup', coalesce(sl OPERATOR(pg_catalog.#>) '{backup,interval}', sl OPERATOR(pg_catalog.#>) '{backup,cron}')) AS x
                               WHERE v IS NOT NULL AND pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.<>) 'null'),
            'customProperties', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('property', 'dcs.' OPERATOR(pg_catalog.||) k, 'value', v) ORDER BY k)
                                   FROM (SELECT k, v FROM pg_catalog.jsonb_each(doc) AS e(k, v)
                                          WHERE k OPERATOR(pg_catalog.<>) ALL (ARRAY['dataContractSpecification', 'id', 'info', 'servers', 'models', 'definitions',
                                                    'tags', 'links', 'servicelevels', 'terms'])
                                         UNION ALL
                                         SELECT 'terms', t OPERATOR(pg_catalog.-) ARRAY['usage', 'limitations', 'description']
                                          WHERE t OPERATOR(pg_catalog.-) ARRAY['usage', 'limitations', 'description'] OPERATOR(pg_catalog.<>) '{}') AS x)))
      FROM (SELECT doc OPERATOR(pg_catalog.->) 'info' AS i, coalesce(doc OPERATOR(pg_catalog.->) 'terms', '{}') AS t,
                   doc OPERATOR(pg_catalog.->) 'info' OPERATOR(pg_catalog.->) 'contact' AS c,
                   coalesce(doc OPERATOR(pg_catalog.->) 'servicelevels', '{}') AS sl) AS a;
END;
COMMENT ON FUNCTION meshcat_internal.dcs_to_odcs(jsonb, text) IS
    'Internal: a Data Contract Specification contract as an ODCS v3.1.0 contract, as datacontract-cli''s ODCS export maps it (docs/standards.md); doc_text, when given, orders models and fields as the text does.';

-- A Data Contract Specification contract as a meshcat DataProduct descriptor (through
-- dcs_to_odcs and odcs_to_descriptor), or the error that points into it: the ODCS mapping's
-- paths are written back as the original's ($.schema[0].properties[1] is
-- $.models.<model>.fields.<field>, $.version $.info.version, ...).
CREATE FUNCTION meshcat_internal.dcs_to_descriptor(doc jsonb, docno int, line int DEFAULT NULL,
                                              stream_domains text[] DEFAULT '{}', doc_text text DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    problem text[];
    refs text;
    odcs jsonb;
    st text;
    msg text;
    det text;
    hnt text;
    p text;
    m text;
    f text;
BEGIN
    IF jsonb_typeof(doc -> 'dataContractSpecification') IS DISTINCT FROM 'string'
       OR NOT (doc ->> 'dataContractSpecification') ~ '^(0[.]9[.][0-9]+|1[.][0-9]+[.][0-9]+)$' THEN
        PERFORM meshcat_internal.raise_invalid_standard('dcs', docno, '$.dataContractSpecification',
            format('Data Contract Specification version %s is not supported', doc -> 'dataContractSpecification'),
            'meshcat reads Data Contract Specification 0.9.x and 1.x contracts (the specification is deprecated in favour of ODCS v3.1.0).', line);
    END IF;
    IF strpos(doc::text, '"$ref"') > 0 THEN
        SELECT string_agg(format('%s: %s', r.path, r.ref), ', ') INTO refs
          FROM document_references(doc) AS r WHERE NOT coalesce(r.ref #>> '{}', '') LIKE '#/definitions/%';
        IF refs IS NOT NULL THEN
            PERFORM raise_error('0A000',
                format('external reference in Data Contract Specification contract: %s, %s', document_label(docno, line), refs),
                'meshcat never fetches another file, and follows only references to the contract''s own definitions (#/definitions/<name>).',
                'Put what each reference names into the contract''s definitions, then register it.');
        END IF;
    END IF;
    problem := json_schema_problem(doc, dcs_schema(), '$', dcs_schema() -> '$defs');
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_standard('dcs', docno, problem[1], problem[2], NULL, line);
    END IF;
    odcs := dcs_to_odcs(doc, doc_text);
    BEGIN
        RETURN odcs_to_descriptor(odcs, docno, line, stream_domains);
    EXCEPTION WHEN invalid_parameter_value OR foreign_key_violation THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        -- The ODCS path back into the original.
        p := substring(msg FROM '[$][^ :]*');
        m := (dcs_model_keys(doc, doc_text))[(substring(p FROM '^[$][.]schema[[]([0-9]+)[]]'))::int + 1];
        f := (dcs_field_keys(doc, doc_text, m))[(substring(p FROM '^[$][.]schema[[][0-9]+[]][.]properties[[]([0-9]+)[]]'))::int + 1];
        -- Keys as the validator writes them (quoted unless identifiers); a port's or field's
        -- name is its key.
        m := CASE WHEN m ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN m ELSE to_jsonb(m)::text END;
        f := CASE WHEN f ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN f ELSE to_jsonb(f)::text END;
        p := CASE WHEN f IS NOT NULL THEN regexp_replace(regexp_replace(p, '^[$][.]schema[[][0-9]+[]][.]properties[[][0-9]+[]]', format('$.models.%s.fields.%s', m, f)), '[.]name$', '')
                  WHEN m IS NOT NULL THEN regexp_replace(regexp_replace(p, '^[$][.]schema[[][0-9]+[]]', format('$.models.%s', m)), '[.]name$', '')
                  WHEN p IN ('$.version', '$.status', '$.domain', '$.dataProduct') THEN '$.info.' || substr(p, 3)
                  WHEN p = '$.name' THEN '$.info.title'
                  ELSE p END;
        PERFORM raise_error(st,
            regexp_replace(regexp_replace(msg, 'ODCS contract', 'Data Contract Specification contract'), '[$][^ :]*', replace(p, E'\\', E'\\\\')),
            nullif(det, ''),
            replace(replace(hnt, 'meshcat reads ODCS v3.0.x and v3.1.0 data contracts', 'meshcat reads Data Contract Specification contracts as ODCS'),
                    'which ODCS does not carry', 'which the contract does not carry'));
    END;
END
$$;
COMMENT ON FUNCTION meshcat_internal.dcs_to_descriptor(jsonb, int, int, text[], text) IS
    'Internal: a Data Contract Specification 0.9.x or 1.x contract as a meshcat DataProduct descriptor (as ODCS, docs/standards.md), or the error that points into it.';

-- A document as meshcat reads it: a standard's document (its format by its own markers) as
-- the meshcat descriptor it maps to, a meshcat document as it is. stream_domains: the domains
-- the same stream registers.
CREATE FUNCTION meshcat_internal.standard_to_descriptor(doc jsonb, docno int, line int, stream_domains text[],
                                                   contracts jsonb DEFAULT '{}', doc_text text DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql STABLE
RETURN CASE meshcat_internal.document_format(doc)
            WHEN 'odcs' THEN meshcat_internal.odcs_to_descriptor(doc, docno, line, stream_domains)
            WHEN 'odps' THEN meshcat_internal.odps_to_descriptor(doc, docno, line, stream_domains, contracts)
            WHEN 'dpds' THEN meshcat_internal.dpds_to_descriptor(doc, docno, line, stream_domains)
            WHEN 'dcs' THEN meshcat_internal.dcs_to_descriptor(doc, docno, line, stream_domains, doc_text)
            ELSE doc END;
COMMENT ON FUNCTION meshcat_internal.standard_to_descriptor(jsonb, int, int, text[], jsonb, text) IS
    'Internal: a document as a meshcat descriptor: an ODCS, ODPS, DPDS or Data Contract Specification document mapped (contracts: the stream''s, stream_contracts; doc_text: its text, for the order of maps), a meshcat document as it is.';

-- The documents of a stream as meshcat reads them (standard_to_descriptor; texts: each
-- document's text, for the order of a standard's maps), with each document's format and, for
-- a standard's, its kind, for mesh_register's result.
CREATE FUNCTION meshcat_internal.standard_documents(INOUT docs jsonb[], lines int[], texts text[] DEFAULT NULL,
                                                    OUT formats text[], OUT kinds text[])
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    domains text[];
    contracts jsonb;    -- what ODPS ports may name, when the stream has an ODPS document
    originals jsonb[] := docs;
BEGIN
    formats := array_fill('meshcat'::text, ARRAY[cardinality(docs)]);
    kinds := array_fill(NULL::text, ARRAY[cardinality(docs)]);
    FOR n IN 1 .. cardinality(docs) LOOP
        formats[n] := document_format(docs[n]);
        IF formats[n] <> 'meshcat' THEN
            IF domains IS NULL THEN
                domains := ARRAY(SELECT d ->> 'name' FROM unnest(docs) AS d WHERE d ->> 'kind' = 'Domain');
            END IF;
            IF formats[n] = 'odps' AND contracts IS NULL THEN
                contracts := stream_contracts(originals, domains);
            END IF;
            kinds[n] := CASE formats[n] WHEN 'dpds' THEN 'DataProduct' WHEN 'dcs' THEN 'DataContract' ELSE docs[n] ->> 'kind' END;
            docs[n] := standard_to_descriptor(docs[n], n, lines[n], domains, coalesce(contracts, '{}'), texts[n]);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.standard_documents(jsonb[], int[], text[]) IS
    'Internal: the documents of a stream (and their texts) with each standard''s document (ODCS, ODPS, DPDS, Data Contract Specification) as a meshcat descriptor, and each document''s format and kind.';

-- Whether a version's kept document (its text and format) still converts to its descriptor,
-- as mesh_register would read it alone for that product (a document that named no domain
-- takes the product's). A text that does not convert at all (invalid YAML, an ODPS port whose
-- contract is gone) does not.
CREATE FUNCTION meshcat_internal.document_converts(document text, format text, descriptor jsonb, product_id text)
RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    read record;
    fallback text := current_setting('meshcat.default_domain');
BEGIN
    BEGIN
        PERFORM set_config('meshcat.default_domain', split_part(product_id, '.', 1), true);
        SELECT s.docs[1] AS doc, s.formats[1] AS format INTO read
          FROM standard_documents(ARRAY[mesh_yaml_to_jsonb(document)], ARRAY[NULL::int], ARRAY[document]) AS s;
    EXCEPTION WHEN OTHERS THEN
        RETURN false;   -- (and the setting is undone with the block)
    END;
    PERFORM set_config('meshcat.default_domain', fallback, true);
    RETURN read.format = document_converts.format AND read.doc = descriptor;
END
$$;
COMMENT ON FUNCTION meshcat_internal.document_converts(text, text, jsonb, text) IS
    'Internal: whether a version''s kept document (text and format) still converts to its descriptor.';

-- An object with its custom.odcs put back (the ODCS keys meshcat kept for it) and its custom
-- left out; customProperties of both are put together, custom.odcs's first; relationships
-- too, the generated ones (meshcat's) first.
CREATE FUNCTION meshcat_internal.odcs_restore(generated jsonb, meshcat_part jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT generated OPERATOR(pg_catalog.||) coalesce(kept, '{}')
               OPERATOR(pg_catalog.||) CASE WHEN kept OPERATOR(pg_catalog.?) 'customProperties' AND generated OPERATOR(pg_catalog.?) 'customProperties'
                                            THEN pg_catalog.jsonb_build_object('customProperties',
                                                     (kept OPERATOR(pg_catalog.->) 'customProperties') OPERATOR(pg_catalog.||) (generated OPERATOR(pg_catalog.->) 'customProperties'))
                                            ELSE '{}' END
               OPERATOR(pg_catalog.||) CASE WHEN kept OPERATOR(pg_catalog.?) 'relationships' AND generated OPERATOR(pg_catalog.?) 'relationships'
                                            THEN pg_catalog.jsonb_build_object('relationships',
                                                     (generated OPERATOR(pg_catalog.->) 'relationships') OPERATOR(pg_catalog.||) (kept OPERATOR(pg_catalog.->) 'relationships'))
                                            ELSE '{}' END
          FROM (SELECT meshcat_part OPERATOR(pg_catalog.#>) '{custom,odcs}' AS kept) AS k);
COMMENT ON FUNCTION meshcat_internal.odcs_restore(jsonb, jsonb) IS
    'Internal: an ODCS object generated from a meshcat one, with the ODCS keys the meshcat object kept in custom.odcs put back.';

-- customProperties "meshcat.<key>" for the keys of a meshcat object that ODCS has no place for
-- (those given, and its x- keys).
CREATE FUNCTION meshcat_internal.odcs_meshcat_properties(meshcat_part jsonb, keys text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT CASE WHEN pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 THEN pg_catalog.jsonb_build_object('customProperties',
                   pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('property', 'meshcat.' OPERATOR(pg_catalog.||) k, 'value', v) ORDER BY k)) ELSE '{}' END
          FROM (SELECT k, CASE WHEN k OPERATOR(pg_catalog.=) 'custom' THEN (meshcat_part OPERATOR(pg_catalog.->) k) OPERATOR(pg_catalog.-) 'odcs'
                               ELSE meshcat_part OPERATOR(pg_catalog.->) k END AS v
                  FROM (SELECT pg_catalog.unnest(keys)
                        UNION SELECT j FROM pg_catalog.jsonb_object_keys(meshcat_part) AS j WHERE j ~ '^x-') AS u(k)) AS x
         WHERE v IS NOT NULL AND v OPERATOR(pg_catalog.<>) '{}');
COMMENT ON FUNCTION meshcat_internal.odcs_meshcat_properties(jsonb, text[]) IS
    'Internal: ODCS customProperties meshcat.<key> holding the given keys of a meshcat object (custom without its odcs part).';

-- Whether a meshcat relationship goes to another product's port (<domain>.<product>.<port>.<field>),
-- which ODCS's references cannot name: its export keeps it in customProperties
-- meshcat.relationships, which the import gives back.
CREATE FUNCTION meshcat_internal.relationship_is_foreign(m jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce((CASE WHEN pg_catalog.jsonb_typeof(m OPERATOR(pg_catalog.->) 'to') OPERATOR(pg_catalog.=) 'array'
                      THEN m OPERATOR(pg_catalog.->) 'to' OPERATOR(pg_catalog.->>) 0 ELSE m OPERATOR(pg_catalog.->>) 'to' END)
                OPERATOR(pg_catalog.~) '^[^.]+[.][^.]+[.][^.]+[.]', false);
COMMENT ON FUNCTION meshcat_internal.relationship_is_foreign(jsonb) IS
    'Internal: whether a meshcat relationship goes to a port of another product (ODCS cannot name it).';

-- A meshcat field or output port (holder) for its ODCS export: its relationships to its own
-- product's ports as ODCS relationships (own_name: the schema object, for a port's from:
-- own.field; NULL for a field, whose from is implicit), or NULL when it has none.
CREATE FUNCTION meshcat_internal.odcs_relationships_out(holder jsonb, own_name text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_restore(
                   CASE WHEN own_name IS NULL THEN '{}'
                        ELSE pg_catalog.jsonb_build_object('from',
                                 CASE WHEN pg_catalog.jsonb_typeof(m OPERATOR(pg_catalog.->) 'from') OPERATOR(pg_catalog.=) 'array'
                                      THEN (SELECT pg_catalog.jsonb_agg(own_name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) f ORDER BY n)
                                              FROM pg_catalog.jsonb_array_elements_text(m OPERATOR(pg_catalog.->) 'from') WITH ORDINALITY AS y(f, n))
                                      ELSE pg_catalog.to_jsonb(own_name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) (m OPERATOR(pg_catalog.->>) 'from')) END) END
                   OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('to', m OPERATOR(pg_catalog.->) 'to')
                   OPERATOR(pg_catalog.||) CASE WHEN m OPERATOR(pg_catalog.?) 'type' THEN pg_catalog.jsonb_build_object('type', m OPERATOR(pg_catalog.->) 'type') ELSE '{}' END
                   OPERATOR(pg_catalog.||) meshcat_internal.odcs_meshcat_properties(m, ARRAY['description', 'custom']), m) ORDER BY n)
          FROM pg_catalog.jsonb_array_elements(coalesce(holder OPERATOR(pg_catalog.->) 'relationships', '[]')) WITH ORDINALITY AS x(m, n)
         WHERE NOT meshcat_internal.relationship_is_foreign(m));
COMMENT ON FUNCTION meshcat_internal.odcs_relationships_out(jsonb, text) IS
    'Internal: a meshcat field''s or port''s relationships within its product as ODCS relationships (property or schema level), or NULL.';

-- A meshcat field or port with only its relationships to other products (none: no key), for
-- customProperties meshcat.relationships.
CREATE FUNCTION meshcat_internal.with_foreign_relationships(holder jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (holder OPERATOR(pg_catalog.-) 'relationships')
       OPERATOR(pg_catalog.||) coalesce((SELECT pg_catalog.jsonb_build_object('relationships', pg_catalog.jsonb_agg(m ORDER BY n))
                                           FROM pg_catalog.jsonb_array_elements(coalesce(holder OPERATOR(pg_catalog.->) 'relationships', '[]')) WITH ORDINALITY AS x(m, n)
                                          WHERE meshcat_internal.relationship_is_foreign(m)
                                         HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0), '{}');
COMMENT ON FUNCTION meshcat_internal.with_foreign_relationships(jsonb) IS
    'Internal: a meshcat field or port keeping only its relationships to other products'' ports (for customProperties meshcat.relationships).';

-- A meshcat check as an ODCS quality rule.
CREATE FUNCTION meshcat_internal.odcs_quality_rule(q jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN meshcat_internal.odcs_restore(q OPERATOR(pg_catalog.-) 'custom', q);
COMMENT ON FUNCTION meshcat_internal.odcs_quality_rule(jsonb) IS
    'Internal: a meshcat quality check as an ODCS quality rule.';

-- A meshcat field as an ODCS property.
CREATE FUNCTION meshcat_internal.odcs_property(f jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN meshcat_internal.odcs_restore(
    meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
        'name', f OPERATOR(pg_catalog.->) 'name', 'physicalType', f OPERATOR(pg_catalog.->) 'type',
        'logicalType', meshcat_internal.odcs_logical_type(f OPERATOR(pg_catalog.->>) 'type'),
        'required', f OPERATOR(pg_catalog.->) 'required', 'unique', f OPERATOR(pg_catalog.->) 'unique',
        'primaryKey', f OPERATOR(pg_catalog.->) 'primary_key', 'classification', f OPERATOR(pg_catalog.->) 'classification',
        'description', f OPERATOR(pg_catalog.->) 'description',
        'quality', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_quality_rule(q) ORDER BY n)
                      FROM pg_catalog.jsonb_array_elements(f OPERATOR(pg_catalog.->) 'quality') WITH ORDINALITY AS x(q, n)),
        'transformSourceObjects', f OPERATOR(pg_catalog.->) 'derived_from',
        'relationships', meshcat_internal.odcs_relationships_out(f, NULL)))
    OPERATOR(pg_catalog.||) meshcat_internal.odcs_meshcat_properties(meshcat_internal.with_foreign_relationships(f),
                                                                 ARRAY['pii', 'masking', 'glossary', 'custom', 'relationships']), f);
COMMENT ON FUNCTION meshcat_internal.odcs_property(jsonb) IS
    'Internal: a meshcat field as an ODCS property.';

-- A meshcat descriptor as an ODCS v3.1.0 data contract; status is the version's lifecycle.
CREATE FUNCTION meshcat_internal.descriptor_to_odcs(d jsonb, status @extschema@.lifecycle_status) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN meshcat_internal.odcs_restore(
    pg_catalog.jsonb_build_object('apiVersion', 'v3.1.0', 'kind', 'DataContract',
        'id', coalesce(d OPERATOR(pg_catalog.->>) 'external_id', d OPERATOR(pg_catalog.->>) 'id'),
        'name', d OPERATOR(pg_catalog.->>) 'name', 'version', d OPERATOR(pg_catalog.->>) 'version',
        'status', CASE status WHEN 'published' THEN 'active' ELSE status::text END,
        'domain', pg_catalog.split_part(d OPERATOR(pg_catalog.->>) 'id', '.', 1),
        'dataProduct', pg_catalog.split_part(d OPERATOR(pg_catalog.->>) 'id', '.', 2))
    OPERATOR(pg_catalog.||) meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
        'description', CASE WHEN d OPERATOR(pg_catalog.?) 'description'
                            THEN pg_catalog.jsonb_build_object('purpose', d OPERATOR(pg_catalog.->) 'description') END,
        'authoritativeDefinitions', CASE WHEN d OPERATOR(pg_catalog.?) 'documentation'
                            THEN pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('type', 'documentation', 'url', d OPERATOR(pg_catalog.->) 'documentation')) END,
        'tags', d OPERATOR(pg_catalog.->) 'tags',
        'team', (SELECT meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
                            'name', (SELECT p FROM pg_catalog.jsonb_array_elements_text(
                                         CASE pg_catalog.jsonb_typeof(d OPERATOR(pg_catalog.#>) '{owners,team}') WHEN 'array' THEN d OPERATOR(pg_catalog.#>) '{owners,team}'
                                              WHEN 'string' THEN pg_catalog.jsonb_build_array(d OPERATOR(pg_catalog.#>) '{owners,team}') ELSE '[]' END) AS t(p) LIMIT 1),
                            'members', pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('username', m.p, 'role', m.k) ORDER BY m.k, m.n)))
                   FROM (SELECT o.k, e.p, e.n FROM pg_catalog.jsonb_each(coalesce(d OPERATOR(pg_catalog.->) 'owners', '{}')) AS o(k, v),
                                pg_catalog.jsonb_array_elements_text(CASE pg_catalog.jsonb_typeof(o.v) WHEN 'array' THEN o.v ELSE pg_catalog.jsonb_build_array(o.v) END)
                                    WITH ORDINALITY AS e(p, n)
                          WHERE o.k OPERATOR(pg_catalog.<>) ALL (ARRAY['team', 'channel'])) AS m
                 HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 OR d OPERATOR(pg_catalog.#>) '{owners,team}' IS NOT NULL),
        'support', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('channel', c) ORDER BY n)
                      FROM pg_catalog.jsonb_array_elements_text(CASE pg_catalog.jsonb_typeof(d OPERATOR(pg_catalog.#>) '{owners,channel}')
                               WHEN 'array' THEN d OPERATOR(pg_catalog.#>) '{owners,channel}'
                               WHEN 'string' THEN pg_catalog.jsonb_build_array(d OPERATOR(pg_catalog.#>) '{owners,channel}') ELSE '[]' END) WITH ORDINALITY AS s(c, n)),
        'slaProperties', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('property', k, 'value', v) ORDER BY r, k)
                            FROM (SELECT 0 AS r, k, v FROM pg_catalog.jsonb_each(coalesce(d OPERATOR(pg_catalog.->) 'sla', '{}')) AS s(k, v)
                                  UNION ALL
                                  SELECT 1, 'retention', d OPERATOR(pg_catalog.->) 'retention' WHERE d OPERATOR(pg_catalog.?) 'retention') AS x),
        'schema', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_restore(meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
                                'name', o OPERATOR(pg_catalog.->) 'name', 'physicalType', o OPERATOR(pg_catalog.->) 'type', 'logicalType', 'object',
                                'physicalName', o OPERATOR(pg_catalog.->) 'location', 'description', o OPERATOR(pg_catalog.->) 'description',
                                'properties', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_property(f) ORDER BY fn)
                                                 FROM pg_catalog.jsonb_array_elements(o OPERATOR(pg_catalog.->) 'schema') WITH ORDINALITY AS y(f, fn)),
                                'quality', (SELECT pg_catalog.jsonb_agg(meshcat_internal.odcs_quality_rule(q) ORDER BY qn)
                                              FROM pg_catalog.jsonb_array_elements(o OPERATOR(pg_catalog.->) 'quality') WITH ORDINALITY AS z(q, qn)),
                                'relationships', meshcat_internal.odcs_relationships_out(o, o OPERATOR(pg_catalog.->>) 'name')))
                            OPERATOR(pg_catalog.||) meshcat_internal.odcs_meshcat_properties(meshcat_internal.with_foreign_relationships(o), ARRAY['custom', 'relationships']), o) ORDER BY n)
                     FROM pg_catalog.jsonb_array_elements(d OPERATOR(pg_catalog.->) 'outputs') WITH ORDINALITY AS x(o, n))))
    OPERATOR(pg_catalog.||) meshcat_internal.odcs_meshcat_properties(d, ARRAY['classification', 'security', 'quality', 'slos', 'inputs', 'glossary', 'custom']), d);
COMMENT ON FUNCTION meshcat_internal.descriptor_to_odcs(jsonb, @extschema@.lifecycle_status) IS
    'Internal: a meshcat DataProduct descriptor as an ODCS v3.1.0 data contract (docs/standards.md), with the given lifecycle as its status.';

-- The id an ODPS port names a meshcat product version's contract with: what its ODCS export
-- says (the external_id, else the product id).
CREATE FUNCTION meshcat_internal.odps_contract_id(d jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN coalesce(d OPERATOR(pg_catalog.->>) 'external_id', d OPERATOR(pg_catalog.->>) 'id');
COMMENT ON FUNCTION meshcat_internal.odps_contract_id(jsonb) IS
    'Internal: the contract id of a product version in ODPS and ODCS exports (its external_id, else its product id).';

-- A meshcat descriptor as an ODPS v1.0.0 data product; status is the version's lifecycle. Its
-- output ports name the version itself as their contract (its ODCS export: fields, location,
-- quality), its input ports the contract of the newest version of each input product that its
-- range accepts; what ODPS has no place for is customProperties meshcat.<key> (sla, retention,
-- inputs whole, ...), which the import gives back.
CREATE FUNCTION meshcat_internal.descriptor_to_odps(d jsonb, status @extschema@.lifecycle_status) RETURNS jsonb
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT pg_catalog.jsonb_build_object('apiVersion', 'v1.0.0', 'kind', 'DataProduct',
               'id', meshcat_internal.odps_contract_id(d),
               'name', d OPERATOR(pg_catalog.->>) 'name', 'version', d OPERATOR(pg_catalog.->>) 'version',
               'status', CASE status WHEN 'published' THEN 'active' ELSE status::text END,
               'domain', pg_catalog.split_part(d OPERATOR(pg_catalog.->>) 'id', '.', 1))
        OPERATOR(pg_catalog.||) meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
            'description', CASE WHEN d OPERATOR(pg_catalog.?) 'description'
                                THEN pg_catalog.jsonb_build_object('purpose', d OPERATOR(pg_catalog.->) 'description') END,
            'authoritativeDefinitions', CASE WHEN d OPERATOR(pg_catalog.?) 'documentation'
                                THEN pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('type', 'documentation', 'url', d OPERATOR(pg_catalog.->) 'documentation')) END,
            'tags', d OPERATOR(pg_catalog.->) 'tags',
            'team', odcs OPERATOR(pg_catalog.->) 'team',
            -- ODPS requires a URI for each channel: a channel that is none becomes a urn.
            'support', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('channel', c OPERATOR(pg_catalog.->>) 'channel',
                                   'url', CASE WHEN (c OPERATOR(pg_catalog.->>) 'channel') ~ '^[A-Za-z][A-Za-z0-9+.-]*:[^[:space:]]+$' THEN c OPERATOR(pg_catalog.->>) 'channel'
                                               ELSE 'urn:meshcat:channel:' OPERATOR(pg_catalog.||) pg_catalog.regexp_replace(c OPERATOR(pg_catalog.->>) 'channel', '[^A-Za-z0-9._~-]+', '-', 'g') END) ORDER BY n)
                          FROM pg_catalog.jsonb_array_elements(odcs OPERATOR(pg_catalog.->) 'support') WITH ORDINALITY AS x(c, n)),
            'inputPorts', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', coalesce(i OPERATOR(pg_catalog.->>) 'name', i OPERATOR(pg_catalog.->>) 'product'),
                                      'version', v.version::text, 'contractId', meshcat_internal.odps_contract_id(v.descriptor)) ORDER BY n)
                             FROM pg_catalog.jsonb_array_elements(d OPERATOR(pg_catalog.->) 'inputs') WITH ORDINALITY AS x(i, n),
                                  LATERAL (SELECT pv.version, pv.descriptor FROM @extschema@.product_version AS pv
                                            WHERE pv.product_id OPERATOR(pg_catalog.=) (i OPERATOR(pg_catalog.->>) 'product')
                                              AND (NOT i OPERATOR(pg_catalog.?) 'version' OR @extschema@.semver_satisfies(pv.version, i OPERATOR(pg_catalog.->>) 'version'))
                                            ORDER BY pv.status OPERATOR(pg_catalog.<>) 'draft' DESC, pv.version DESC LIMIT 1) AS v),
            'outputPorts', (SELECT pg_catalog.jsonb_agg(meshcat_internal.without_nulls(pg_catalog.jsonb_build_object(
                                       'name', o OPERATOR(pg_catalog.->) 'name', 'description', o OPERATOR(pg_catalog.->) 'description',
                                       'type', o OPERATOR(pg_catalog.->) 'type', 'version', d OPERATOR(pg_catalog.->) 'version',
                                       'contractId', meshcat_internal.odps_contract_id(d)))
                                   OPERATOR(pg_catalog.||) meshcat_internal.odcs_meshcat_properties(o, ARRAY['custom']) ORDER BY n)
                              FROM pg_catalog.jsonb_array_elements(d OPERATOR(pg_catalog.->) 'outputs') WITH ORDINALITY AS x(o, n))))
        OPERATOR(pg_catalog.||) meshcat_internal.odcs_meshcat_properties(d,
            ARRAY['classification', 'security', 'quality', 'slos', 'inputs', 'glossary', 'custom', 'sla', 'retention'])
      FROM (SELECT meshcat_internal.descriptor_to_odcs(d, status) AS odcs) AS c;
END;
COMMENT ON FUNCTION meshcat_internal.descriptor_to_odps(jsonb, @extschema@.lifecycle_status) IS
    'Internal: a meshcat DataProduct descriptor as an ODPS v1.0.0 data product (docs/standards.md), its output ports bound to the version''s own contract, with the given lifecycle as its status.';
