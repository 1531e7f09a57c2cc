-- 80_search: discovery. Full-text search over what a descriptor says about a product: its id,
-- name and tags weigh most, then its description and domain, then its outputs and fields. The
-- search document is computed from the stored descriptor by an immutable function and indexed
-- by expression, so it can never drift from the catalog and needs no trigger. The index on
-- product_version is this fragment's own (DECISIONS.md section 9).
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers (current_version).

CREATE FUNCTION meshcat_internal.search_document(descriptor jsonb) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN
    pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.english'::regconfig,
                          pg_catalog.concat_ws(' ', descriptor OPERATOR(pg_catalog.->>) 'id', pg_catalog.translate(descriptor OPERATOR(pg_catalog.->>) 'id', '._-', '   '),
                                    descriptor OPERATOR(pg_catalog.->>) 'name',
                                    (SELECT pg_catalog.string_agg(t, ' ') FROM pg_catalog.jsonb_array_elements_text(
                                         CASE WHEN pg_catalog.jsonb_typeof(descriptor OPERATOR(pg_catalog.->) 'tags') OPERATOR(pg_catalog.=) 'array'
                                              THEN descriptor OPERATOR(pg_catalog.->) 'tags' END) AS t))), 'A')
    OPERATOR(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.english'::regconfig,
                             pg_catalog.concat_ws(' ', descriptor OPERATOR(pg_catalog.->>) 'description', pg_catalog.split_part(descriptor OPERATOR(pg_catalog.->>) 'id', '.', 1))), 'B')
    OPERATOR(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.english'::regconfig,
                             (SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', o OPERATOR(pg_catalog.->>) 'name', o OPERATOR(pg_catalog.->>) 'description',
                                                          (SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', f OPERATOR(pg_catalog.->>) 'name', pg_catalog.translate(f OPERATOR(pg_catalog.->>) 'name', '_-', '  '),
                                                                                       f OPERATOR(pg_catalog.->>) 'description'), ' ')
                                                             FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(o OPERATOR(pg_catalog.->) 'schema') OPERATOR(pg_catalog.=) 'array'
                                                                                            THEN o OPERATOR(pg_catalog.->) 'schema' END) AS f)), ' ')
                                FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(descriptor OPERATOR(pg_catalog.->) 'outputs') OPERATOR(pg_catalog.=) 'array'
                                                               THEN descriptor OPERATOR(pg_catalog.->) 'outputs' END) AS o)), 'C');
COMMENT ON FUNCTION meshcat_internal.search_document(jsonb) IS
    'The weighted text-search document of a product version: id, name, tags (A); description, domain (B); outputs and fields (C).';

CREATE INDEX product_version_search ON @extschema@.product_version
    USING gin (meshcat_internal.search_document(descriptor));

CREATE FUNCTION @extschema@.mesh_search(query text, within_domain text DEFAULT NULL, with_tag text DEFAULT NULL,
                                        max_results int DEFAULT 20)
RETURNS TABLE (id text, name text, domain text, version @extschema@.semver,
               status @extschema@.lifecycle_status, classification @extschema@.classification,
               tags text[], description text, rank real, headline text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
    -- Planned for each call's values, so "q IS NULL OR ..." folds away and the index serves.
    SET plan_cache_mode = force_custom_plan
    -- A query of stop words only is answered with no rows, not with a NOTICE.
    SET client_min_messages = warning
AS $$
#variable_conflict use_column
DECLARE
    q tsquery := CASE WHEN coalesce(btrim(query), '') <> ''
                      THEN websearch_to_tsquery('pg_catalog.english'::regconfig, query) END;
BEGIN
    IF max_results IS NULL OR max_results < 1 THEN
        PERFORM meshcat_internal.raise_error('22023',
            'max_results must be at least 1');
    END IF;
    -- A query of stop words only ("the") matches nothing rather than everything.
    IF q IS NOT NULL AND numnode(q) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT m.product_id, m.name, m.domain, m.version, m.status, m.classification, m.tags, m.description,
           m.rank,
           CASE WHEN q IS NOT NULL AND m.description IS NOT NULL
                THEN ts_headline('pg_catalog.english'::regconfig, m.description, q, 'MaxFragments=1, MaxWords=20, MinWords=5') END
      FROM (SELECT v.product_id, v.name, p.domain, v.version, v.status, v.classification, v.description,
                   ARRAY(SELECT t.tag FROM meshcat_internal.tag AS t WHERE t.version_id = v.id ORDER BY t.tag) AS tags,
                   CASE WHEN q IS NULL THEN 0::real
                        ELSE ts_rank(meshcat_internal.search_document(v.descriptor), q) END AS rank
              FROM @extschema@.product_version AS v
              JOIN meshcat_internal.current_version AS c ON c.product_id = v.product_id AND c.version_id = v.id
              JOIN @extschema@.product AS p ON p.id = v.product_id
             WHERE (q IS NULL OR meshcat_internal.search_document(v.descriptor) @@ q)
               AND (within_domain IS NULL OR p.domain = within_domain)
               AND (with_tag IS NULL
                    OR EXISTS (SELECT FROM meshcat_internal.tag AS t WHERE t.version_id = v.id AND t.tag = with_tag))
             ORDER BY rank DESC, v.product_id
             LIMIT max_results) AS m
     ORDER BY m.rank DESC, m.product_id;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_search(text, text, text, int) IS
    'Finds data products (their current versions) by words, ranked; web-search syntax ("quoted phrase", or, -not); optional domain and tag filters.';
