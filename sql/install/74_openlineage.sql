-- 74_openlineage: OpenLineage ingestion (spec 2-0-2): RunEvents, JobEvents and DatasetEvents
-- are checked, kept whole in openlineage_event (30_tables), and the observed lineage they
-- describe is derived from them by 50_derivation (derive_observed), so mesh_rebuild() derives
-- it again. docs/lineage.md ("Observed lineage") explains the decisions; docs/security.md who
-- may ingest and why an event cannot forge lineage into another domain's product.
-- Uses: 00_schema, 30_tables, 40_helpers (require_admin, mesh_owns_domain), 50_derivation
-- (openlineage_dataset_key, openlineage_resolve, openlineage_current_events).

-- A JSON path step for an object key: .key, or ."key" when it is not a plain identifier.
CREATE FUNCTION meshcat_internal.openlineage_path(path text, key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
-- (a quoted body: a backslash in a literal must not depend on standard_conforming_strings)
AS $$
    SELECT path || CASE WHEN key ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN '.' || key
                        ELSE '."' || pg_catalog.replace(pg_catalog.replace(key, '\', '\\'), '"', '\"') || '"' END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_path(text, text) IS
    'Internal: a JSON path with one more object key, quoted when it is not an identifier.';

-- The first problem of a string member (a non-empty string, when required), or NULL.
CREATE FUNCTION meshcat_internal.openlineage_string_problem(obj jsonb, key text, path text, required boolean,
                                                       what text) RETURNS text[]
    LANGUAGE sql STABLE   -- (format is: declared so, it inlines)
RETURN CASE
        WHEN NOT obj ? key THEN
            CASE WHEN required THEN ARRAY[meshcat_internal.openlineage_path(path, key), pg_catalog.format('%s is missing', what)] END
        WHEN pg_catalog.jsonb_typeof(obj -> key) <> 'string' THEN
            ARRAY[meshcat_internal.openlineage_path(path, key), pg_catalog.format('%s must be a string, not %s', what, pg_catalog.jsonb_typeof(obj -> key))]
        WHEN obj ->> key = '' THEN
            ARRAY[meshcat_internal.openlineage_path(path, key), pg_catalog.format('%s must not be empty', what)]
    END;
COMMENT ON FUNCTION meshcat_internal.openlineage_string_problem(jsonb, text, text, boolean, text) IS
    'Internal: {path, problem} when a member is not a non-empty string (or missing when required), else NULL.';

-- The first problem of a LineageFacet input (LineageDatasetInput or LineageJobInput).
CREATE FUNCTION meshcat_internal.openlineage_input_problem(input jsonb, path text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p text[];
BEGIN
    IF pg_catalog.jsonb_typeof(input) <> 'object' THEN
        RETURN ARRAY[path, 'a lineage input must be an object'];
    END IF;
    p := meshcat_internal.openlineage_string_problem(input, 'type', path, true, 'the input''s type');
    IF p IS NULL AND input ->> 'type' NOT IN ('DATASET', 'JOB') THEN
        p := ARRAY[path || '.type', format('the input''s type must be DATASET or JOB, not %s', input ->> 'type')];
    END IF;
    IF p IS NULL AND input ->> 'type' = 'DATASET' THEN
        p := coalesce(meshcat_internal.openlineage_string_problem(input, 'namespace', path, true, 'a dataset input''s namespace'),
                      meshcat_internal.openlineage_string_problem(input, 'name', path, true, 'a dataset input''s name'),
                      meshcat_internal.openlineage_string_problem(input, 'field', path, false, 'the input''s field'));
    ELSIF p IS NULL THEN
        p := coalesce(meshcat_internal.openlineage_string_problem(input, 'namespace', path, input ? 'name', 'a job input''s namespace (given with its name)'),
                      meshcat_internal.openlineage_string_problem(input, 'name', path, input ? 'namespace', 'a job input''s name (given with its namespace)'));
    END IF;
    RETURN p;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_input_problem(jsonb, text) IS
    'Internal: {path, problem} for the first problem of a LineageFacet input, else NULL.';

-- The first problem of a member that must be of a JSON type (array, object), or NULL.
CREATE FUNCTION meshcat_internal.openlineage_type_problem(obj jsonb, key text, path text, required boolean,
                                                     want text) RETURNS text[]
    LANGUAGE sql STABLE   -- (format is: declared so, it inlines)
RETURN CASE
        WHEN NOT obj ? key THEN CASE WHEN required THEN ARRAY[meshcat_internal.openlineage_path(path, key),
                                                               pg_catalog.format('is missing: it must be an %s', want)] END
        WHEN pg_catalog.jsonb_typeof(obj -> key) <> want THEN
            ARRAY[meshcat_internal.openlineage_path(path, key), pg_catalog.format('must be an %s, not %s', want, pg_catalog.jsonb_typeof(obj -> key))]
    END;
COMMENT ON FUNCTION meshcat_internal.openlineage_type_problem(jsonb, text, text, boolean, text) IS
    'Internal: {path, problem} when a member is not of the wanted JSON type (array, object), or missing when required, else NULL.';

-- The first problem of the field entries of a LineageFacet ("fields": {name: {inputs: [...]}}).
CREATE FUNCTION meshcat_internal.openlineage_fields_problem(fields jsonb, path text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f record;
    p text[];
    fp text;
BEGIN
    FOR f IN SELECT * FROM pg_catalog.jsonb_each(fields) ORDER BY 1 LOOP
        fp := meshcat_internal.openlineage_path(path, f.key);
        IF pg_catalog.jsonb_typeof(f.value) <> 'object' THEN
            RETURN ARRAY[fp, 'a field entry must be an object'];
        END IF;
        p := meshcat_internal.openlineage_type_problem(f.value, 'inputs', fp, true, 'array');
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
        SELECT x INTO p FROM pg_catalog.jsonb_array_elements(f.value -> 'inputs') WITH ORDINALITY AS i(e, n),
                             meshcat_internal.openlineage_input_problem(i.e, fp || '.inputs[' || (i.n - 1) || ']') AS x
         WHERE x IS NOT NULL ORDER BY i.n LIMIT 1;
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_fields_problem(jsonb, text) IS
    'Internal: {path, problem} for the first problem of the field entries of a LineageFacet, else NULL.';

-- The first problem of the facets meshcat reads on a dataset: columnLineage and lineage.
-- Other facets are kept in the stored event and not judged.
CREATE FUNCTION meshcat_internal.openlineage_facets_problem(facets jsonb, path text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p text[];
    f record;
    cl text := path || '.columnLineage';
    li text := path || '.lineage';
BEGIN
    IF facets ? 'columnLineage' THEN
        p := coalesce(meshcat_internal.openlineage_type_problem(facets, 'columnLineage', path, false, 'object'),
                      meshcat_internal.openlineage_type_problem(facets -> 'columnLineage', 'fields', cl, true, 'object'),
                      meshcat_internal.openlineage_type_problem(facets -> 'columnLineage', 'dataset', cl, false, 'array'));
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
        FOR f IN SELECT * FROM pg_catalog.jsonb_each(facets #> '{columnLineage,fields}') ORDER BY 1 LOOP
            p := CASE WHEN pg_catalog.jsonb_typeof(f.value) <> 'object'
                      THEN ARRAY[meshcat_internal.openlineage_path(cl || '.fields', f.key), 'a column lineage entry must be an object']
                      ELSE meshcat_internal.openlineage_type_problem(f.value, 'inputFields', meshcat_internal.openlineage_path(cl || '.fields', f.key), true, 'array') END;
            IF p IS NULL THEN
                SELECT x INTO p
                  FROM pg_catalog.jsonb_array_elements(f.value -> 'inputFields') WITH ORDINALITY AS i(e, n),
                       LATERAL (SELECT meshcat_internal.openlineage_path(cl || '.fields', f.key) || '.inputFields[' || (i.n - 1) || ']' AS ip) AS q,
                       LATERAL (SELECT CASE WHEN pg_catalog.jsonb_typeof(i.e) <> 'object' THEN ARRAY[q.ip, 'an input field must be an object']
                                            ELSE coalesce(meshcat_internal.openlineage_string_problem(i.e, 'namespace', q.ip, true, 'an input field''s dataset namespace'),
                                                          meshcat_internal.openlineage_string_problem(i.e, 'name', q.ip, true, 'an input field''s dataset name'),
                                                          meshcat_internal.openlineage_string_problem(i.e, 'field', q.ip, true, 'an input field''s field')) END) AS c(x)
                 WHERE c.x IS NOT NULL ORDER BY i.n LIMIT 1;
            END IF;
            IF p IS NOT NULL THEN
                RETURN p;
            END IF;
        END LOOP;
        SELECT x INTO p
          FROM pg_catalog.jsonb_array_elements(coalesce(facets #> '{columnLineage,dataset}', '[]')) WITH ORDINALITY AS i(e, n),
               LATERAL (SELECT cl || '.dataset[' || (i.n - 1) || ']' AS ip) AS q,
               LATERAL (SELECT CASE WHEN pg_catalog.jsonb_typeof(i.e) <> 'object' THEN ARRAY[q.ip, 'an input field must be an object']
                                    ELSE coalesce(meshcat_internal.openlineage_string_problem(i.e, 'namespace', q.ip, true, 'an input field''s dataset namespace'),
                                                  meshcat_internal.openlineage_string_problem(i.e, 'name', q.ip, true, 'an input field''s dataset name'),
                                                  meshcat_internal.openlineage_string_problem(i.e, 'field', q.ip, true, 'an input field''s field')) END) AS c(x)
         WHERE c.x IS NOT NULL ORDER BY i.n LIMIT 1;
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
    END IF;
    IF facets ? 'lineage' THEN
        p := coalesce(meshcat_internal.openlineage_type_problem(facets, 'lineage', path, false, 'object'),
                      meshcat_internal.openlineage_type_problem(facets -> 'lineage', 'inputs', li, false, 'array'),
                      meshcat_internal.openlineage_type_problem(facets -> 'lineage', 'fields', li, false, 'object'));
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
        SELECT x INTO p FROM pg_catalog.jsonb_array_elements(coalesce(facets #> '{lineage,inputs}', '[]')) WITH ORDINALITY AS i(e, n),
                             meshcat_internal.openlineage_input_problem(i.e, li || '.inputs[' || (i.n - 1) || ']') AS x
         WHERE x IS NOT NULL ORDER BY i.n LIMIT 1;
        RETURN coalesce(p, meshcat_internal.openlineage_fields_problem(coalesce(facets #> '{lineage,fields}', '{}'), li || '.fields'));
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_facets_problem(jsonb, text) IS
    'Internal: {path, problem} for the first problem of the columnLineage and lineage facets of a dataset, else NULL.';

-- The first problem of a dataset (namespace, name, facets).
CREATE FUNCTION meshcat_internal.openlineage_dataset_problem(d jsonb, path text) RETURNS text[]
    LANGUAGE sql STABLE   -- (as what it calls: declared so, it inlines)
RETURN CASE WHEN pg_catalog.jsonb_typeof(d) <> 'object' THEN ARRAY[path, 'a dataset must be an object'] ELSE
        coalesce(meshcat_internal.openlineage_string_problem(d, 'namespace', path, true, 'a dataset''s namespace'),
                 meshcat_internal.openlineage_string_problem(d, 'name', path, true, 'a dataset''s name'),
                 meshcat_internal.openlineage_type_problem(d, 'facets', path, false, 'object'),
                 CASE WHEN d ? 'facets' THEN meshcat_internal.openlineage_facets_problem(d -> 'facets', path || '.facets') END) END;
COMMENT ON FUNCTION meshcat_internal.openlineage_dataset_problem(jsonb, text) IS
    'Internal: {path, problem} for the first problem of an OpenLineage dataset, else NULL.';

-- The first problem of a job's LineageFacet (LineageJobFacet: entries for target datasets and jobs).
CREATE FUNCTION meshcat_internal.openlineage_job_lineage_problem(lineage jsonb, path text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    e record;
    p text[];
    ep text;
BEGIN
    IF pg_catalog.jsonb_typeof(lineage) <> 'object' THEN
        RETURN ARRAY[path, 'the lineage facet must be an object'];
    END IF;
    p := meshcat_internal.openlineage_type_problem(lineage, 'entries', path, true, 'array');
    IF p IS NOT NULL THEN
        RETURN p;
    END IF;
    FOR e IN SELECT * FROM pg_catalog.jsonb_array_elements(lineage -> 'entries') WITH ORDINALITY AS x(v, n) ORDER BY n LOOP
        ep := path || '.entries[' || (e.n - 1) || ']';
        IF pg_catalog.jsonb_typeof(e.v) <> 'object' THEN
            RETURN ARRAY[ep, 'a lineage entry must be an object'];
        END IF;
        p := meshcat_internal.openlineage_string_problem(e.v, 'type', ep, true, 'the entry''s type');
        IF p IS NULL AND e.v ->> 'type' NOT IN ('DATASET', 'JOB') THEN
            p := ARRAY[ep || '.type', format('the entry''s type must be DATASET or JOB, not %s', e.v ->> 'type')];
        END IF;
        IF p IS NULL AND e.v ->> 'type' = 'DATASET' THEN
            p := coalesce(meshcat_internal.openlineage_string_problem(e.v, 'namespace', ep, true, 'a dataset entry''s namespace'),
                          meshcat_internal.openlineage_string_problem(e.v, 'name', ep, true, 'a dataset entry''s name'),
                          meshcat_internal.openlineage_type_problem(e.v, 'fields', ep, false, 'object'));
        ELSIF p IS NULL THEN
            p := coalesce(meshcat_internal.openlineage_string_problem(e.v, 'namespace', ep, e.v ? 'name', 'a job entry''s namespace (given with its name)'),
                          meshcat_internal.openlineage_string_problem(e.v, 'name', ep, e.v ? 'namespace', 'a job entry''s name (given with its namespace)'));
        END IF;
        p := coalesce(p, meshcat_internal.openlineage_type_problem(e.v, 'inputs', ep, false, 'array'));
        IF p IS NULL THEN
            SELECT x INTO p FROM pg_catalog.jsonb_array_elements(coalesce(e.v -> 'inputs', '[]')) WITH ORDINALITY AS i(v, n),
                                 meshcat_internal.openlineage_input_problem(i.v, ep || '.inputs[' || (i.n - 1) || ']') AS x
             WHERE x IS NOT NULL ORDER BY i.n LIMIT 1;
        END IF;
        p := coalesce(p, meshcat_internal.openlineage_fields_problem(coalesce(e.v -> 'fields', '{}'), ep || '.fields'));
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_job_lineage_problem(jsonb, text) IS
    'Internal: {path, problem} for the first problem of a job''s LineageFacet, else NULL.';

-- The first problem of an event, as {path, problem}, or NULL when meshcat can ingest it: the
-- members of the spec's RunEvent, JobEvent and DatasetEvent that meshcat reads (eventTime,
-- producer, schemaURL, eventType, run.runId, job, inputs, outputs, dataset, and the
-- columnLineage and lineage facets). Everything else is kept in the stored event, unjudged.
CREATE FUNCTION meshcat_internal.openlineage_problem(event jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p text[];
BEGIN
    IF pg_catalog.jsonb_typeof(event) IS DISTINCT FROM 'object' THEN
        RETURN ARRAY['$', format('an event must be a JSON object, not %s', coalesce(pg_catalog.jsonb_typeof(event), 'NULL'))];
    END IF;
    p := coalesce(meshcat_internal.openlineage_string_problem(event, 'eventTime', '$', true, 'the event''s time'),
                  meshcat_internal.openlineage_string_problem(event, 'producer', '$', true, 'the event''s producer'),
                  meshcat_internal.openlineage_string_problem(event, 'schemaURL', '$', true, 'the event''s schemaURL'));
    IF p IS NOT NULL THEN
        RETURN p;
    END IF;
    IF event ->> 'eventTime' !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}(:?\d{2})?)$' THEN
        RETURN ARRAY['$.eventTime', format('"%s" is not a date-time with a time zone (RFC 3339, such as 2026-12-02T10:00:00Z)', event ->> 'eventTime')];
    END IF;
    BEGIN
        PERFORM (event ->> 'eventTime')::timestamptz;
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR invalid_time_zone_displacement_value THEN
        RETURN ARRAY['$.eventTime', format('"%s" is not a valid date-time', event ->> 'eventTime')];
    END;
    IF NOT (event ? 'run' OR event ? 'job' OR event ? 'dataset') THEN
        RETURN ARRAY['$', 'an event needs a run and a job (RunEvent), a job (JobEvent) or a dataset (DatasetEvent)'];
    END IF;
    IF event ? 'run' THEN
        p := coalesce(meshcat_internal.openlineage_type_problem(event, 'run', '$', true, 'object'),
                      meshcat_internal.openlineage_string_problem(event -> 'run', 'runId', '$.run', true, 'the run''s runId'),
                      meshcat_internal.openlineage_type_problem(event, 'job', '$', true, 'object'),
                      meshcat_internal.openlineage_string_problem(event, 'eventType', '$', false, 'the eventType'));
        IF p IS NOT NULL THEN
            RETURN p;
        END IF;
        IF event #>> '{run,runId}' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
            RETURN ARRAY['$.run.runId', format('"%s" is not a UUID', event #>> '{run,runId}')];
        END IF;
        IF event ->> 'eventType' NOT IN ('START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER') THEN
            RETURN ARRAY['$.eventType', format('the eventType must be START, RUNNING, COMPLETE, ABORT, FAIL or OTHER, not %s', event ->> 'eventType')];
        END IF;
    ELSIF NOT event ? 'job' THEN
        RETURN meshcat_internal.openlineage_dataset_problem(event -> 'dataset', '$.dataset');
    END IF;
    p := coalesce(meshcat_internal.openlineage_type_problem(event, 'job', '$', true, 'object'),
                  meshcat_internal.openlineage_string_problem(event -> 'job', 'namespace', '$.job', true, 'the job''s namespace'),
                  meshcat_internal.openlineage_string_problem(event -> 'job', 'name', '$.job', true, 'the job''s name'),
                  meshcat_internal.openlineage_type_problem(event -> 'job', 'facets', '$.job', false, 'object'),
                  CASE WHEN event #> '{job,facets}' ? 'lineage'
                       THEN meshcat_internal.openlineage_job_lineage_problem(event #> '{job,facets,lineage}', '$.job.facets.lineage') END,
                  meshcat_internal.openlineage_type_problem(event, 'inputs', '$', false, 'array'),
                  meshcat_internal.openlineage_type_problem(event, 'outputs', '$', false, 'array'));
    IF p IS NOT NULL THEN
        RETURN p;
    END IF;
    SELECT x INTO p
      FROM (SELECT 1 AS side, i.e, '$.inputs[' || (i.n - 1) || ']' AS path, i.n
              FROM pg_catalog.jsonb_array_elements(coalesce(event -> 'inputs', '[]')) WITH ORDINALITY AS i(e, n)
            UNION ALL
            SELECT 2, o.e, '$.outputs[' || (o.n - 1) || ']', o.n
              FROM pg_catalog.jsonb_array_elements(coalesce(event -> 'outputs', '[]')) WITH ORDINALITY AS o(e, n)) AS d,
           meshcat_internal.openlineage_dataset_problem(d.e, d.path) AS x
     WHERE x IS NOT NULL ORDER BY d.side, d.n LIMIT 1;
    RETURN p;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_problem(jsonb) IS
    'Internal: {path, problem} for the first reason meshcat cannot ingest an OpenLineage event, else NULL.';

-- Ingests one OpenLineage event: refuses a malformed one (22023, with the JSON path of the
-- problem) and, unless the caller owns them, one whose outputs are another domain's products,
-- or whose subject's current lineage flows into one (42501), writing nothing then; else stores it (the same event again changes nothing) and
-- lets the derivation (derive_observed) derive its subject's observed lineage. Returns what
-- it did (ingested: the subject's lineage is now derived from it; stored: kept, but a newer
-- event, or a run that names no output yet, says nothing from it; unchanged: already there)
-- and how many observed edges the subject now has.
CREATE FUNCTION @extschema@.mesh_ingest_openlineage(event jsonb)
RETURNS TABLE (event_kind text, event_type text, subject text, run_id text, action text,
               inputs int, outputs int, edges bigint, field_edges bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    problem text[] := meshcat_internal.openlineage_problem(event);
    kind text;
    subj text;
    hash text;
    targets text[];
    foreign_product text;
    n int;
BEGIN
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_error('22023',
            format('invalid OpenLineage event: %s: %s', problem[1], problem[2]), NULL,
            'meshcat ingests RunEvent, JobEvent and DatasetEvent of OpenLineage 2-0-2 (https://openlineage.io/spec/2-0-2/OpenLineage.json); docs/lineage.md says what it reads.');
    END IF;
    kind := CASE WHEN event ? 'run' THEN 'RunEvent' WHEN event ? 'job' THEN 'JobEvent' ELSE 'DatasetEvent' END;
    subj := CASE WHEN kind = 'DatasetEvent'
                 THEN meshcat_internal.openlineage_dataset_key(event #>> '{dataset,namespace}', event #>> '{dataset,name}')
                 ELSE meshcat_internal.openlineage_dataset_key(event #>> '{job,namespace}', event #>> '{job,name}') END;
    -- Lineage flows into what an event writes: its outputs, the targets of its lineage facets,
    -- a DatasetEvent's dataset. Only the owners of a product's domain may say what flows into it.
    targets := ARRAY(
        SELECT meshcat_internal.openlineage_dataset_key(d ->> 'namespace', d ->> 'name')
          FROM pg_catalog.jsonb_array_elements(coalesce(event -> 'outputs', '[]')) AS d
        UNION
        SELECT meshcat_internal.openlineage_dataset_key(d ->> 'namespace', d ->> 'name')
          FROM pg_catalog.jsonb_array_elements(coalesce(event -> 'inputs', '[]')) AS d
         WHERE d -> 'facets' ? 'columnLineage' OR d -> 'facets' ? 'lineage'
        UNION
        SELECT subj WHERE kind = 'DatasetEvent'
        UNION
        SELECT meshcat_internal.openlineage_dataset_key(x ->> 'namespace', x ->> 'name')
          FROM pg_catalog.jsonb_array_elements(coalesce(event #> '{job,facets,lineage,entries}', '[]')) AS x
         WHERE x ->> 'type' = 'DATASET');
    -- A newer event of the subject replaces the lineage its current events derive: that is a
    -- write into the products that lineage flows into too (or a steward of another domain
    -- could erase it with a newer run of the same job writing elsewhere).
    SELECT x.node INTO foreign_product
      FROM (SELECT r.node FROM pg_catalog.unnest(targets) AS t, meshcat_internal.openlineage_resolve(t) AS r
            UNION
            SELECT o.downstream FROM meshcat_internal.lineage_observed_edge AS o
             WHERE o.event_kind = kind AND o.subject = subj
            UNION
            SELECT pg_catalog.split_part(f.downstream, '.', 1) || '.' || pg_catalog.split_part(f.downstream, '.', 2)
              FROM meshcat_internal.lineage_observed_field_edge AS f
             WHERE f.event_kind = kind AND f.subject = subj AND f.downstream NOT LIKE 'source:%') AS x
     WHERE x.node NOT LIKE 'source:%'
       AND NOT @extschema@.mesh_owns_domain(pg_catalog.split_part(x.node, '.', 1))
     ORDER BY 1 LIMIT 1;
    IF foreign_product IS NOT NULL THEN
        PERFORM meshcat_internal.require_domain_owner(pg_catalog.split_part(foreign_product, '.', 1),
                                                 format('ingest lineage into data product "%s"', foreign_product));
    END IF;
    hash := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(event::text, 'UTF8')), 'hex');
    INSERT INTO meshcat_internal.openlineage_event (event_hash, event_kind, event_type, event_time, subject, run_id, event)
    VALUES (hash, kind, CASE WHEN kind = 'RunEvent' THEN event ->> 'eventType' END,
            (event ->> 'eventTime')::timestamptz, subj, event #>> '{run,runId}', event)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY
    SELECT kind, CASE WHEN kind = 'RunEvent' THEN event ->> 'eventType' END, subj, event #>> '{run,runId}',
           CASE WHEN n = 0 THEN 'unchanged'
                WHEN EXISTS (SELECT FROM meshcat_internal.openlineage_current_events(kind, subj) AS c WHERE c.event_hash = hash)
                THEN 'ingested' ELSE 'stored' END,
           pg_catalog.jsonb_array_length(coalesce(event -> 'inputs', '[]')),
           pg_catalog.jsonb_array_length(coalesce(event -> 'outputs', '[]')),
           (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_observed_edge AS o WHERE o.event_kind = kind AND o.subject = subj),
           (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_observed_field_edge AS f WHERE f.event_kind = kind AND f.subject = subj);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_ingest_openlineage(jsonb) IS
    'Stewards: ingests one OpenLineage 2-0-2 event (RunEvent, JobEvent, DatasetEvent) as observed lineage; 22023 with the JSON path for a malformed event, 42501 for lineage into another domain''s product; the same event twice is unchanged, an older one only stored.';

-- Deletes the superseded OpenLineage events older than meshcat.openlineage_retention (an
-- interval): those no subject's current lineage is derived from, so pruning never changes
-- lineage. Administrators only. Returns how many were deleted. The events' table is held
-- still meanwhile (ingestion waits), so what is current is what the delete judged.
CREATE FUNCTION @extschema@.mesh_prune_openlineage() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    -- what it deletes derives nothing: the events' trigger need not derive again (derive_observed)
    SET meshcat.deriving = on
AS $$
DECLARE
    keep interval;
    n bigint;
BEGIN
    PERFORM meshcat_internal.require_admin('prune OpenLineage events');
    keep := meshcat_internal.retention('meshcat.openlineage_retention');
    LOCK TABLE meshcat_internal.openlineage_event IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM meshcat_internal.openlineage_event AS e
     WHERE e.event_time < pg_catalog.now() - keep
       AND NOT EXISTS (SELECT FROM meshcat_internal.openlineage_current_events(e.event_kind, e.subject) AS c
                        WHERE c.event_hash = e.event_hash);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_prune_openlineage() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_prune_openlineage() IS
    'Administrators: deletes the superseded OpenLineage events older than meshcat.openlineage_retention (default 30 days), keeping those current lineage is derived from; returns how many.';
REVOKE ALL ON FUNCTION @extschema@.mesh_ingest_openlineage(jsonb) FROM PUBLIC;
