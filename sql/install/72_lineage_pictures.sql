-- 72_lineage_pictures: lineage as Graphviz DOT and as Mermaid, for docs, wikis and reviews.
-- Both draw the same picture: products grouped by domain, colored by the status of their
-- current version, sources as cylinders, edges labeled with the version ranges.
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers, 70_lineage.

-- The nodes of a picture, with what the picture shows of them. id NULL: the whole mesh.
CREATE FUNCTION meshcat_internal.lineage_picture_nodes(id text, direction text, max_depth int)
RETURNS TABLE (node text, kind text, domain text, version @extschema@.semver,
               status @extschema@.lifecycle_status, is_start boolean)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    start text;
    dir text := lower(lineage_picture_nodes.direction);
BEGIN
    IF dir IS NULL OR dir NOT IN ('upstream', 'downstream', 'both') THEN
        PERFORM meshcat_internal.raise_error('22023',
            pg_catalog.format('direction must be upstream, downstream or both, not %s',
                              coalesce(quote_literal(lineage_picture_nodes.direction), 'NULL')));
    END IF;
    PERFORM meshcat_internal.lineage_check_depth(max_depth);
    IF lineage_picture_nodes.id IS NOT NULL THEN
        start := meshcat_internal.lineage_node(lineage_picture_nodes.id);
    END IF;
    RETURN QUERY
    WITH nodes AS (
        SELECT e.upstream AS node FROM meshcat_internal.lineage_edge AS e WHERE start IS NULL
        UNION
        SELECT e.downstream FROM meshcat_internal.lineage_edge AS e WHERE start IS NULL
        UNION
        SELECT e.upstream FROM meshcat_internal.lineage_observed_edge AS e WHERE start IS NULL
        UNION
        SELECT e.downstream FROM meshcat_internal.lineage_observed_edge AS e WHERE start IS NULL
        UNION
        SELECT p.id FROM @extschema@.product AS p WHERE start IS NULL
        UNION
        SELECT start WHERE start IS NOT NULL
        UNION
        SELECT w.node FROM meshcat_internal.lineage_walk(start, true, max_depth, NULL, NULL, true) AS w
         WHERE start IS NOT NULL AND dir IN ('downstream', 'both')
        UNION
        SELECT w.node FROM meshcat_internal.lineage_walk(start, false, max_depth, NULL, NULL, true) AS w
         WHERE start IS NOT NULL AND dir IN ('upstream', 'both')
    )
    SELECT n.node,
           CASE WHEN n.node LIKE 'source:%' THEN 'source' ELSE 'product' END,
           CASE WHEN n.node NOT LIKE 'source:%' THEN pg_catalog.split_part(n.node, '.', 1) END,
           v.version, v.status, n.node = start
      FROM nodes AS n
      LEFT JOIN @extschema@.product_version AS v
        ON n.node NOT LIKE 'source:%' AND v.id = meshcat_internal.lineage_current_version(n.node);
END
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_picture_nodes(text, text, int) IS
    'The nodes a lineage picture shows (the whole mesh when id is NULL), with domain, current version and status.';

-- The edges between the nodes of a picture, one per pair, labeled with the version ranges, or
-- "observed" for a pair that only OpenLineage events connect.
CREATE FUNCTION meshcat_internal.lineage_picture_edges(nodes text[])
RETURNS TABLE (upstream text, downstream text, label text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
    SELECT e.upstream, e.downstream,
           CASE WHEN NOT pg_catalog.bool_or(e.declared) THEN 'observed'
                WHEN e.upstream NOT LIKE 'source:%'
                THEN pg_catalog.string_agg(DISTINCT coalesce(e.version_range, '*'), ' | ') FILTER (WHERE e.declared) END
      FROM (SELECT x.upstream, x.downstream, x.version_range, true AS declared FROM meshcat_internal.lineage_edge AS x
            UNION ALL
            SELECT x.upstream, x.downstream, NULL, false FROM meshcat_internal.lineage_observed_edge AS x) AS e
     WHERE e.upstream = ANY (nodes) AND e.downstream = ANY (nodes)
     GROUP BY e.upstream, e.downstream
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_picture_edges(text[]) IS
    'The product and source edges among the given nodes, one per pair, labeled with their version ranges, or "observed" when only OpenLineage events connect them.';

-- A DOT string literal.
CREATE FUNCTION meshcat_internal.lineage_dot_quote(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT '"' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(s, '\', '\\'), '"', '\"'),
                                                         E'\n', '\n'), E'\r', '') || '"'
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_dot_quote(text) IS 'Quotes text as a Graphviz DOT string.';

-- Fill colors by status; a product with no version is white.
CREATE FUNCTION meshcat_internal.lineage_status_color(status @extschema@.lifecycle_status) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE status WHEN 'published' THEN '#c8e6c9' WHEN 'draft' THEN '#e3f2fd'
                       WHEN 'deprecated' THEN '#ffe0b2' WHEN 'retired' THEN '#ffcdd2' ELSE '#ffffff' END
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_status_color(@extschema@.lifecycle_status) IS
    'The fill color of a product in lineage pictures, by the status of its current version.';

CREATE FUNCTION @extschema@.mesh_lineage_dot(id text, direction text DEFAULT 'both', max_depth int DEFAULT NULL)
RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
BEGIN
    RETURN (
    WITH n AS (SELECT * FROM meshcat_internal.lineage_picture_nodes(id, direction, max_depth)),
    decl AS (
        SELECT n.domain, n.node,
               '    ' || meshcat_internal.lineage_dot_quote(n.node) || ' ['
               || CASE WHEN n.kind = 'source'
                       THEN 'label=' || meshcat_internal.lineage_dot_quote(pg_catalog.substr(n.node, 8))
                            || ', shape=cylinder, fillcolor="#eeeeee"'
                       ELSE 'label=' || meshcat_internal.lineage_dot_quote(n.node || E'\n'
                                          || coalesce(n.version::text || ' ' || n.status::text, 'no version'))
                            || ', fillcolor="' || meshcat_internal.lineage_status_color(n.status) || '"'
                            || CASE WHEN n.status = 'draft' THEN ', style="rounded,filled,dashed"' ELSE '' END
                  END
               || CASE WHEN n.is_start THEN ', penwidth=2.5' ELSE '' END || '];' AS line
          FROM n
    ),
    -- Each domain's path from the top of its tree (a cycle, should one exist, stops the walk):
    -- a domain is drawn inside its parent's cluster, and a parent is drawn when a subdomain is.
    chain (domain, path) AS (
        WITH RECURSIVE c (domain, path) AS (
            SELECT d.name::text, ARRAY[d.name::text] FROM @extschema@.domain AS d
            UNION ALL
            SELECT c.domain, p.parent || c.path
              FROM c JOIN @extschema@.domain AS p ON p.name = c.path[1]
             WHERE p.parent IS NOT NULL AND p.parent <> ALL (c.path)
        )
        SELECT DISTINCT ON (c.domain) c.domain, c.path FROM c ORDER BY c.domain, pg_catalog.cardinality(c.path) DESC
    ),
    shown AS (
        SELECT DISTINCT n.domain, coalesce(ch.path, ARRAY[n.domain]) AS path
          FROM n LEFT JOIN chain AS ch ON ch.domain = n.domain WHERE n.domain IS NOT NULL
    ),
    drawn AS (
        SELECT DISTINCT a.domain, a.path[1:a.i] AS path
          FROM (SELECT s.path[i] AS domain, s.path, i FROM shown AS s, pg_catalog.generate_subscripts(s.path, 1) AS i) AS a
    ),
    -- In depth-first order, each cluster opens, lists its products, and closes with those of
    -- its ancestors that end with it (the next cluster is not inside them).
    ordered AS (
        SELECT d.domain, pg_catalog.cardinality(d.path) AS depth,
               coalesce(pg_catalog.lead(pg_catalog.cardinality(d.path)) OVER (ORDER BY d.path COLLATE "C"), 1) AS next_depth,
               d.path
          FROM drawn AS d
    ),
    clusters AS (
        SELECT o.path,
               pg_catalog.repeat('  ', o.depth) || 'subgraph ' || meshcat_internal.lineage_dot_quote('cluster_' || o.domain) || E' {\n'
               || pg_catalog.repeat('  ', o.depth + 1) || 'label=' || meshcat_internal.lineage_dot_quote(o.domain)
               || '; style="rounded"; color="#9e9e9e";'
               || coalesce(E'\n' || (SELECT pg_catalog.string_agg(pg_catalog.repeat('  ', o.depth + 1) || pg_catalog.substr(d.line, 5),
                                                                   E'\n' ORDER BY d.node COLLATE "C")
                                       FROM decl AS d WHERE d.domain = o.domain), '')
               || coalesce((SELECT pg_catalog.string_agg(E'\n' || pg_catalog.repeat('  ', l) || '}', '' ORDER BY l DESC)
                              FROM pg_catalog.generate_series(o.next_depth, o.depth) AS l), '') AS block
          FROM ordered AS o
    )
    SELECT E'digraph lineage {\n'
        || E'  rankdir=LR;\n'
        || E'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];\n'
        || E'  edge [fontname="Helvetica", fontsize=9, color="#616161"];\n'
        || coalesce((SELECT pg_catalog.string_agg(c.block, E'\n' ORDER BY c.path COLLATE "C") FROM clusters AS c) || E'\n', '')
        || coalesce((SELECT pg_catalog.string_agg(pg_catalog.substr(d.line, 3), E'\n' ORDER BY d.node COLLATE "C")
                       FROM decl AS d WHERE d.domain IS NULL) || E'\n', '')
        || coalesce((SELECT pg_catalog.string_agg('  ' || meshcat_internal.lineage_dot_quote(e.upstream) || ' -> '
                                                  || meshcat_internal.lineage_dot_quote(e.downstream)
                                                  || coalesce(' [label=' || meshcat_internal.lineage_dot_quote(e.label) || ']', '')
                                                  || ';', E'\n' ORDER BY e.upstream COLLATE "C", e.downstream COLLATE "C")
                       FROM meshcat_internal.lineage_picture_edges(ARRAY(SELECT n.node FROM n)) AS e) || E'\n', '')
        || '}');
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_lineage_dot(text, text, int) IS
    'The lineage around a product (upstream, downstream or both; the whole mesh when id is NULL) as Graphviz DOT: domains as clusters, nested in their parent domains, colored by status.';

-- A Mermaid label: quotes become entities, line breaks <br/>.
CREATE FUNCTION meshcat_internal.lineage_mermaid_quote(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT '"' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(s, '"', '#quot;'), E'\r', ''), E'\n', '<br/>') || '"'
$$;
COMMENT ON FUNCTION meshcat_internal.lineage_mermaid_quote(text) IS 'Quotes text as a Mermaid label.';

CREATE FUNCTION @extschema@.mesh_lineage_mermaid(id text, direction text DEFAULT 'both', max_depth int DEFAULT NULL)
RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
BEGIN
    RETURN (
    WITH n AS (
        SELECT p.*, 'n' || pg_catalog.row_number() OVER (ORDER BY p.node COLLATE "C") AS key
          FROM meshcat_internal.lineage_picture_nodes(id, direction, max_depth) AS p
    ),
    decl AS (
        SELECT n.domain, n.node,
               n.key || CASE WHEN n.kind = 'source'
                             THEN '[(' || meshcat_internal.lineage_mermaid_quote(pg_catalog.substr(n.node, 8)) || ')]:::source'
                             ELSE '[' || meshcat_internal.lineage_mermaid_quote(n.node || E'\n'
                                           || coalesce(n.version::text || ' ' || n.status::text, 'no version'))
                                  || ']:::' || coalesce(n.status::text, 'unversioned') END
               || CASE WHEN n.is_start THEN E'\n    style ' || n.key || ' stroke-width:3px' ELSE '' END AS line
          FROM n
    )
    SELECT E'flowchart LR\n'
        || coalesce((SELECT pg_catalog.string_agg('  subgraph d_' || pg_catalog.md5(g.domain) || '['
                                                  || meshcat_internal.lineage_mermaid_quote(g.domain) || E']\n' || g.lines || E'\n  end',
                                                  E'\n' ORDER BY g.domain COLLATE "C")
                       FROM (SELECT d.domain, pg_catalog.string_agg('    ' || d.line, E'\n' ORDER BY d.node COLLATE "C") AS lines
                               FROM decl AS d WHERE d.domain IS NOT NULL GROUP BY d.domain) AS g) || E'\n', '')
        || coalesce((SELECT pg_catalog.string_agg('  ' || d.line, E'\n' ORDER BY d.node COLLATE "C")
                       FROM decl AS d WHERE d.domain IS NULL) || E'\n', '')
        || coalesce((SELECT pg_catalog.string_agg('  ' || a.key || ' -->' || coalesce('|' || meshcat_internal.lineage_mermaid_quote(e.label) || '|', '')
                                                  || ' ' || b.key, E'\n' ORDER BY e.upstream COLLATE "C", e.downstream COLLATE "C")
                       FROM meshcat_internal.lineage_picture_edges(ARRAY(SELECT n.node FROM n)) AS e
                       JOIN n AS a ON a.node = e.upstream
                       JOIN n AS b ON b.node = e.downstream) || E'\n', '')
        || E'  classDef published fill:#c8e6c9,stroke:#2e7d32\n'
        || E'  classDef draft fill:#e3f2fd,stroke:#1565c0,stroke-dasharray:4\n'
        || E'  classDef deprecated fill:#ffe0b2,stroke:#ef6c00\n'
        || E'  classDef retired fill:#ffcdd2,stroke:#c62828\n'
        || E'  classDef unversioned fill:#ffffff,stroke:#9e9e9e\n'
        || E'  classDef source fill:#eeeeee,stroke:#616161\n');
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_lineage_mermaid(text, text, int) IS
    'The same picture as mesh_lineage_dot, as a Mermaid flowchart for Markdown.';
