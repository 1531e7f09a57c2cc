-- 70_lineage: the lineage graph (derived from the descriptors by 50_derivation), and the recursive
-- queries over it. docs/lineage.md explains the model and the decisions taken here.
--
-- Nodes are text keys: a product id ("sales.orders"), or "source:" followed by the name of an
-- external dataset ("source:crm.accounts"; a product id never contains ":"), or for column
-- lineage a field reference "<domain>.<product>.<output>.<field>".
--
-- Every walk is a breadth-first search: each node is expanded once, at its shortest depth,
-- whatever the number of paths to it, and a cycle in bad data cannot make it loop (a node
-- already seen is never expanded again). Column lineage walks as one recursive CTE whose
-- working row is the whole frontier of one depth; product lineage walks in C (lineage_walk,
-- src/lineage.c, in 40_helpers), specified by the same CTE in sql/lineage_engine.sql.
-- The edge tables are in 30_tables, the views mesh_lineage and mesh_classification in 85_views.
-- The walks follow declared edges (derived from descriptors) and observed ones (derived from
-- OpenLineage events, lineage_observed_edge and lineage_observed_field_edge); their origin
-- column says which kind of edge reached each node: "declared" when a declared edge joins it to
-- the node before it on its path, else "observed".
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers.

-- What this backend's lineage cache holds (all NULL: none), for tests and monitoring.
CREATE FUNCTION meshcat_internal.lineage_cache_state(OUT clock bigint, OUT nodes bigint, OUT edges bigint,
                                                OUT bytes bigint)
    AS 'MODULE_PATHNAME', 'lineage_cache_state'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION meshcat_internal.lineage_cache_state() IS
    'The lineage cache of this backend: the lineage_clock counter it was built at, its nodes, edges and memory; NULLs when there is none.';

-- The same walk over column lineage (field references).
CREATE FUNCTION meshcat_internal.lineage_field_walk(start text, forward boolean, max_depth int)
RETURNS TABLE (node text, depth int, path text[])
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH RECURSIVE bfs(depth, frontier, paths, seen) AS (
        SELECT 0, ARRAY[start], ARRAY[start COLLATE "C"], ARRAY[start]
      UNION ALL
        SELECT b.depth + 1, n.frontier, n.paths, b.seen || n.frontier
          FROM bfs AS b
          CROSS JOIN LATERAL (
              SELECT pg_catalog.array_agg(x.next), pg_catalog.array_agg(x.path)
                FROM (SELECT s.next, pg_catalog.min((s.path || E'\x1f' || s.next) COLLATE "C") AS path
                        FROM (SELECT e.downstream AS next, f.path
                                FROM ROWS FROM (pg_catalog.unnest(b.frontier), pg_catalog.unnest(b.paths)) AS f(node, path)
                                JOIN (SELECT x.upstream, x.downstream FROM meshcat_internal.lineage_field_edge AS x
                                      UNION ALL
                                      SELECT x.upstream, x.downstream FROM meshcat_internal.lineage_observed_field_edge AS x) AS e
                                  ON e.upstream = f.node
                               WHERE forward
                              UNION ALL
                              SELECT e.upstream, f.path
                                FROM ROWS FROM (pg_catalog.unnest(b.frontier), pg_catalog.unnest(b.paths)) AS f(node, path)
                                JOIN (SELECT x.upstream, x.downstream FROM meshcat_internal.lineage_field_edge AS x
                                      UNION ALL
                                      SELECT x.upstream, x.downstream FROM meshcat_internal.lineage_observed_field_edge AS x) AS e
                                  ON e.downstream = f.node
                               WHERE NOT forward) AS s
                       WHERE NOT EXISTS (SELECT FROM pg_catalog.unnest(b.seen) AS v(node) WHERE v.node = s.next)
                       GROUP BY s.next) AS x
          ) AS n(frontier, paths)
         WHERE n.frontier IS NOT NULL
           AND (max_depth IS NULL OR b.depth < max_depth)
    )
    SELECT u.node, b.depth, pg_catalog.string_to_array(u.path, E'\x1f')
      FROM bfs AS b, ROWS FROM (pg_catalog.unnest(b.frontier), pg_catalog.unnest(b.paths)) AS u(node, path)
     WHERE b.depth > 0;
END
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_field_walk(text, boolean, int) IS
    'Breadth-first walk of column lineage (declared and observed) from a field reference: each reachable field once, at its shortest depth.';

-- Whether a source is a node: an input of a version names it, or an event observed it.
CREATE FUNCTION meshcat_internal.lineage_source_exists(node text) RETURNS boolean
    LANGUAGE sql STABLE
RETURN EXISTS (SELECT FROM meshcat_internal.lineage_edge AS e WHERE e.upstream OPERATOR(pg_catalog.=) node)
    OR EXISTS (SELECT FROM meshcat_internal.lineage_observed_edge AS e WHERE e.upstream OPERATOR(pg_catalog.=) node)
    OR EXISTS (SELECT FROM meshcat_internal.lineage_observed_edge AS e WHERE e.downstream OPERATOR(pg_catalog.=) node);
COMMENT ON FUNCTION meshcat_internal.lineage_source_exists(text) IS
    'Whether a "source:<name>" node has lineage: declared by an input, or observed.';

-- The node key of a product id or a source, or 23503.
CREATE FUNCTION meshcat_internal.lineage_node(id text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = lineage_node.id) THEN
        RETURN id;
    ELSIF id LIKE 'source:%' AND meshcat_internal.lineage_source_exists(id) THEN
        RETURN id;
    ELSIF meshcat_internal.lineage_source_exists('source:' || id) THEN
        RETURN 'source:' || id;
    END IF;
    PERFORM meshcat_internal.raise_error('23503',
        pg_catalog.format('unknown lineage node: "%s" is neither a data product nor a source', id),
        'No product has this id, no input of a version that is not retired names this source, and no OpenLineage event observed it.',
        'Pass a product id such as sales.orders, or a source as source:<name>; mesh_lineage lists every edge.');
END
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_node(text) IS
    'Resolves a product id, a source name or "source:<name>" to its lineage node key; 23503 when unknown.';

-- Raises 22023 for a depth limit that is not a positive number.
CREATE FUNCTION meshcat_internal.lineage_check_depth(max_depth int) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF max_depth < 1 THEN
        PERFORM meshcat_internal.raise_error('22023',
            pg_catalog.format('max_depth must be at least 1, not %s', max_depth),
            NULL,
            'Leave max_depth NULL (the default) for the whole lineage.');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_check_depth(int) IS
    'Raises 22023 when a lineage depth limit is below 1.';

-- mesh_downstream and mesh_upstream are the C walk with product rows: each reachable node once,
-- at its shortest depth, and a NOTICE when max_depth cut it short. Nothing flows into a source,
-- so only upstream walks meet one.
CREATE FUNCTION @extschema@.mesh_downstream(product text, max_depth int DEFAULT NULL)
RETURNS TABLE (id text, kind text, domain text, depth int, path text[], truncated boolean, origin text)
    AS 'MODULE_PATHNAME', 'mesh_downstream'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.mesh_downstream(text, int) IS
    'Every product that consumes, directly or not, the given product or source: each once, at its shortest depth, with a shortest path; origin: declared or observed edge.';

CREATE FUNCTION @extschema@.mesh_upstream(product text, max_depth int DEFAULT NULL)
RETURNS TABLE (id text, kind text, domain text, depth int, path text[], truncated boolean, origin text)
    AS 'MODULE_PATHNAME', 'mesh_upstream'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.mesh_upstream(text, int) IS
    'Every product and source the given product derives from, directly or not: each once, at its shortest depth, with a shortest path; origin: declared or observed edge.';

CREATE FUNCTION @extschema@.mesh_lineage_path(from_id text, to_id text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    a text := meshcat_internal.lineage_node(from_id);
    b text := meshcat_internal.lineage_node(to_id);
BEGIN
    IF a = b THEN
        RETURN ARRAY[a];
    END IF;
    RETURN (SELECT w.path FROM meshcat_internal.lineage_walk(a, true, NULL, b, NULL, true) AS w WHERE w.node = b);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_lineage_path(text, text) IS
    'A shortest path of lineage from one product (or source) down to another, in the direction data flows; NULL when there is none.';

-- The version that represents a product, as in the current_version view, for one product.
CREATE FUNCTION meshcat_internal.lineage_current_version(product_id text) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
    SELECT v.id FROM @extschema@.product_version AS v
     WHERE v.product_id = lineage_current_version.product_id
     ORDER BY pg_catalog.array_position('{published,deprecated,draft,retired}'::@extschema@.lifecycle_status[], v.status),
              v.version DESC
     LIMIT 1
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_current_version(text) IS
    'The id of the version that represents a product (published first, then deprecated, draft, retired; highest first).';

-- "declared" when a declared product edge joins up to down, else "observed".
CREATE FUNCTION meshcat_internal.lineage_edge_origin(up text, down text) RETURNS text
    LANGUAGE sql STABLE
RETURN CASE WHEN EXISTS (SELECT FROM meshcat_internal.lineage_edge AS e
                          WHERE e.upstream OPERATOR(pg_catalog.=) up AND e.downstream OPERATOR(pg_catalog.=) down)
            THEN 'declared' ELSE 'observed' END;
COMMENT ON FUNCTION meshcat_internal.lineage_edge_origin(text, text) IS
    'Whether a product edge is declared (by a descriptor) or only observed (by OpenLineage events).';

-- The owners of a version by kind, as mesh_impact shows them ({"technical": [...], ...}).
CREATE FUNCTION meshcat_internal.version_owners(version_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE
RETURN (SELECT pg_catalog.jsonb_object_agg(o.kind, o.principals)
          FROM (SELECT ow.kind, pg_catalog.jsonb_agg(ow.principal ORDER BY ow.principal) AS principals
                  FROM meshcat_internal.owner AS ow WHERE ow.version_id OPERATOR(pg_catalog.=) version_owners.version_id
                 GROUP BY ow.kind) AS o);
COMMENT ON FUNCTION meshcat_internal.version_owners(bigint) IS
    'Internal: the owners of a version by kind, as a JSON object of arrays.';

CREATE FUNCTION @extschema@.mesh_impact(product text, version @extschema@.semver DEFAULT NULL)
RETURNS TABLE (id text, depth int, path text[], domain text, domain_owner name,
               status @extschema@.lifecycle_status, owners jsonb, via text, version_range text, origin text,
               subscriber name, port text, purpose text, until date, contacts jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    start text;
BEGIN
    IF mesh_impact.product IS NULL THEN
        RETURN;
    END IF;
    start := meshcat_internal.lineage_node(mesh_impact.product);
    IF mesh_impact.version IS NOT NULL AND start LIKE 'source:%' THEN
        PERFORM meshcat_internal.raise_error('22023',
            'a source has no versions',
            NULL,
            format('Call mesh_impact(%L) without a version.', mesh_impact.product));
    END IF;
    -- Downstream products, then the subscribers of approved access requests (origin access,
    -- depth 1; id: the product they ask for, else "role:<consumer>"), each with whom to tell.
    RETURN QUERY
    SELECT x.* FROM (
    SELECT w.node AS id, w.depth AS depth, w.path, d.name::text, d.owner_role, v.status,
           meshcat_internal.version_owners(v.id),
           w.path[w.depth],
           (SELECT pg_catalog.string_agg(DISTINCT coalesce(e.version_range, '*'), ' | ')
              FROM meshcat_internal.lineage_edge AS e
             WHERE e.upstream = w.path[w.depth] AND e.downstream = w.node
               AND (w.depth > 1 OR mesh_impact.version IS NULL OR e.version_range IS NULL
                    OR @extschema@.semver_satisfies(mesh_impact.version, e.version_range))),
           meshcat_internal.lineage_edge_origin(w.path[w.depth], w.node),
           NULL::name AS subscriber, NULL::text AS port, NULL::text, NULL::date,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('role', d.owner_role, 'owners', meshcat_internal.version_owners(v.id)))
      FROM meshcat_internal.lineage_walk(start, true, NULL, NULL, mesh_impact.version, true) AS w
      JOIN @extschema@.product AS p ON p.id = w.node
      JOIN @extschema@.domain AS d ON d.name = p.domain
      LEFT JOIN @extschema@.product_version AS v ON v.id = meshcat_internal.lineage_current_version(w.node)
    UNION ALL
    SELECT coalesce(a.for_product, 'role:' || a.consumer::text), 1, ARRAY[start, coalesce(a.for_product, 'role:' || a.consumer::text)],
           d.name::text, d.owner_role, v.status, meshcat_internal.version_owners(v.id), start, a.version_range, 'access',
           a.consumer::text::name, a.port::text, a.purpose, a.until,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('role', a.consumer::text, 'requested_by', a.requested_by,
                                                                      'owners', meshcat_internal.version_owners(v.id)))
      FROM meshcat_internal.access_request AS a
      LEFT JOIN @extschema@.product AS p ON p.id = a.for_product
      LEFT JOIN @extschema@.domain AS d ON d.name = p.domain
      LEFT JOIN @extschema@.product_version AS v ON v.id = meshcat_internal.lineage_current_version(a.for_product)
     WHERE a.product_id = start AND a.status = 'approved'
       AND (mesh_impact.version IS NULL OR a.version_range IS NULL OR @extschema@.semver_satisfies(mesh_impact.version, a.version_range))
    ) AS x
     ORDER BY x.depth, x.id COLLATE "C", x.subscriber COLLATE "C", x.port COLLATE "C";
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_impact(text, @extschema@.semver) IS
    'Who is affected by a change to a product (or to one version of it): every product downstream, declared or observed, with its domain, owners, the range through which it consumes and the origin of that edge; and every subscriber of an approved access request (origin access), with its port, purpose, until date and contacts.';

-- A field argument: "<output>.<field>", or "<field>" when one output of the product has it.
CREATE FUNCTION meshcat_internal.lineage_field_ref(id text, field text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    refs text[];
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = lineage_field_ref.id) THEN
        PERFORM meshcat_internal.raise_error('23503',
            pg_catalog.format('unknown data product "%s"', id),
            NULL,
            'Column lineage starts at a field of a registered product.');
    END IF;
    refs := ARRAY(SELECT DISTINCT v.product_id || '.' || o.name || '.' || f.name
                    FROM @extschema@.product_version AS v
                    JOIN meshcat_internal.output_port AS o ON o.version_id = v.id
                    JOIN meshcat_internal.field AS f ON f.port_id = o.id
                   WHERE v.product_id = lineage_field_ref.id
                     AND (f.name = lineage_field_ref.field OR o.name || '.' || f.name = lineage_field_ref.field)
                   ORDER BY 1);
    IF pg_catalog.cardinality(refs) = 0 THEN
        -- A field only named by others' derived_from is a node too.
        IF EXISTS (SELECT FROM meshcat_internal.lineage_field_edge AS e WHERE e.upstream = id || '.' || field)
           OR EXISTS (SELECT FROM meshcat_internal.lineage_observed_field_edge AS e WHERE e.upstream = id || '.' || field)
           OR EXISTS (SELECT FROM meshcat_internal.lineage_observed_field_edge AS e WHERE e.downstream = id || '.' || field) THEN
            RETURN id || '.' || field;
        END IF;
        PERFORM meshcat_internal.raise_error('23503',
            pg_catalog.format('unknown field "%s" of data product "%s"', field, id),
            NULL,
            'Name a field as <output>.<field>, or <field> when one output has it; mesh_fields lists them.');
    ELSIF pg_catalog.cardinality(refs) > 1 THEN
        PERFORM meshcat_internal.raise_error('22023',
            pg_catalog.format('ambiguous field "%s" of data product "%s"', field, id),
            format('It could be %s.', array_to_string(refs, ', ')),
            'Name the field as <output>.<field>.');
    END IF;
    RETURN refs[1];
END
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_field_ref(text, text) IS
    'Resolves a product id and "<output>.<field>" (or "<field>") to a field reference; 23503 unknown, 22023 ambiguous.';

CREATE FUNCTION @extschema@.mesh_column_lineage(id text, field text, direction text DEFAULT 'upstream',
                                                max_depth int DEFAULT NULL)
RETURNS TABLE (side text, product_id text, port text, field_name text, ref text, depth int, path text[], origin text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    start text;
    dir text := lower(mesh_column_lineage.direction);
BEGIN
    IF id IS NULL OR mesh_column_lineage.field IS NULL THEN
        RETURN;
    END IF;
    IF dir IS NULL OR dir NOT IN ('upstream', 'downstream', 'both') THEN
        PERFORM meshcat_internal.raise_error('22023',
            pg_catalog.format('direction must be upstream, downstream or both, not %s',
                              coalesce(quote_literal(direction), 'NULL')));
    END IF;
    PERFORM meshcat_internal.lineage_check_depth(max_depth);
    start := meshcat_internal.lineage_field_ref(id, mesh_column_lineage.field);
    RETURN QUERY
    SELECT d.dir, pg_catalog.split_part(w.node, '.', 1) || '.' || pg_catalog.split_part(w.node, '.', 2),
           pg_catalog.split_part(w.node, '.', 3),
           pg_catalog.substr(w.node, pg_catalog.length(pg_catalog.split_part(w.node, '.', 1))
                                     + pg_catalog.length(pg_catalog.split_part(w.node, '.', 2))
                                     + pg_catalog.length(pg_catalog.split_part(w.node, '.', 3)) + 4),
           w.node, w.depth, w.path,
           CASE WHEN EXISTS (SELECT FROM meshcat_internal.lineage_field_edge AS e
                              WHERE (d.forward AND e.upstream = w.path[w.depth] AND e.downstream = w.node)
                                 OR (NOT d.forward AND e.downstream = w.path[w.depth] AND e.upstream = w.node))
                THEN 'declared' ELSE 'observed' END
      FROM (VALUES ('upstream', false), ('downstream', true)) AS d(dir, forward),
           LATERAL meshcat_internal.lineage_field_walk(start, d.forward, max_depth) AS w
     WHERE dir IN (d.dir, 'both')
     ORDER BY d.dir DESC, w.depth, w.node COLLATE "C";
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_column_lineage(text, text, text, int) IS
    'Field-level lineage of one field of a product: the fields it derives from (upstream), those derived from it (downstream), or both; origin: declared or observed edge.';
