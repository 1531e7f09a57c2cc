-- 70_lineage: the lineage graph (derived from the descriptors by 75_derive), and the recursive
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
-- src/lineage.c), specified by the same CTE in sql/lineage_engine.sql.

-- One row per input port of a version that is not retired (port_id: its input_port).
CREATE TABLE @extschema@.lineage_edge (
    port_id         bigint PRIMARY KEY,
    upstream        text NOT NULL,
    downstream      text NOT NULL,
    version_id      bigint NOT NULL,
    version_range   text
);
CREATE INDEX lineage_edge_forward ON @extschema@.lineage_edge (upstream, downstream);
CREATE INDEX lineage_edge_backward ON @extschema@.lineage_edge (downstream, upstream);
CREATE INDEX lineage_edge_version ON @extschema@.lineage_edge (version_id);
COMMENT ON TABLE @extschema@.lineage_edge IS
    'Product lineage: one edge per input port of a non-retired version (upstream product or "source:<name>" to the consuming product). Derived from the descriptors (75_derive); see mesh_lineage.';

-- One row per element of derived_from of a field of a version that is not retired.
CREATE TABLE @extschema@.lineage_field_edge (
    field_id        bigint NOT NULL,
    upstream        text NOT NULL,
    downstream      text NOT NULL,
    version_id      bigint NOT NULL,
    PRIMARY KEY (field_id, upstream)
);
CREATE INDEX lineage_field_edge_forward ON @extschema@.lineage_field_edge (upstream, downstream);
CREATE INDEX lineage_field_edge_backward ON @extschema@.lineage_field_edge (downstream, upstream);
CREATE INDEX lineage_field_edge_version ON @extschema@.lineage_field_edge (version_id);
COMMENT ON TABLE @extschema@.lineage_field_edge IS
    'Column lineage: one edge per derived_from entry of a field of a non-retired version. Derived from the descriptors (75_derive).';

-- The edges are derived data: pg_dump does not keep them; 75_derive derives them with the rest
-- of a version (or mesh_rebuild() does, after a load without triggers).

-- Every transaction that adds a product edge updates this one row first. The row lock makes such
-- transactions take turns, so two of them cannot each add half of a cycle (write skew); under
-- REPEATABLE READ or SERIALIZABLE, the second one fails with 40001 instead of checking against a
-- snapshot that misses the first one's edges.
CREATE TABLE @extschema@.lineage_clock (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    changes     bigint NOT NULL DEFAULT 0
);
INSERT INTO @extschema@.lineage_clock DEFAULT VALUES;
COMMENT ON TABLE @extschema@.lineage_clock IS
    'One row, updated by every transaction that adds product lineage: serializes cycle checks.';

-- Keeps lineage_clock in step with the edges: every transaction that writes lineage_edge
-- updates the clock row first, once. The C walk's edge cache (src/lineage.c) relies on it: a
-- snapshot that sees a given version of the clock row sees exactly one set of edges. It is
-- enabled always, so it fires under session_replication_role = replica (restores) too.
CREATE FUNCTION @extschema@.xact_wrote(xid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'xact_wrote'
    LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION @extschema@.xact_wrote(xid) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.xact_wrote(xid) IS
    'Whether a row version with that xmin was written by this transaction or one of its subtransactions not rolled back.';

CREATE FUNCTION @extschema@.lineage_clock_tick() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE @extschema@.lineage_clock SET changes = changes + 1
     WHERE NOT @extschema@.xact_wrote(xmin);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.lineage_clock_tick() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.lineage_clock_tick() IS
    'Trigger: counts a change of product lineage on lineage_clock, once per transaction, before the edges change.';
CREATE TRIGGER lineage_clock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.lineage_edge
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.lineage_clock_tick();
ALTER TABLE @extschema@.lineage_edge ENABLE ALWAYS TRIGGER lineage_clock;

-- The breadth-first walk over product lineage, in C (src/lineage.c): each reachable node once,
-- at its shortest depth, with the lowest of its shortest paths (node ids compared bytewise), in
-- order of depth then node. forward: downstream, else upstream. Stops at max_depth (NULL: no
-- limit), or after the level where target is found; via_version, when given, keeps only the
-- first-level edges whose version range admits it. truncated: a node at max_depth whose lineage
-- goes on. sql/lineage_engine.sql holds the same walk as a recursive CTE and checks that both
-- give the same rows.
CREATE FUNCTION @extschema@.lineage_walk(start text, forward boolean, max_depth int,
                                         target text DEFAULT NULL,
                                         via_version @extschema@.semver DEFAULT NULL)
RETURNS TABLE (node text, depth int, path text[], truncated boolean)
    AS 'MODULE_PATHNAME', 'lineage_walk'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.lineage_walk(text, boolean, int, text, @extschema@.semver) IS
    'Breadth-first walk of product lineage from a node key: each reachable node once, at its shortest depth, with one shortest path.';

-- What this backend's lineage cache holds (all NULL: none), for tests and monitoring.
CREATE FUNCTION @extschema@.lineage_cache_state(OUT clock bigint, OUT nodes bigint, OUT edges bigint,
                                                OUT bytes bigint)
    AS 'MODULE_PATHNAME', 'lineage_cache_state'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.lineage_cache_state() IS
    'The lineage cache of this backend: the lineage_clock counter it was built at, its nodes, edges and memory; NULLs when there is none.';

-- The same walk over column lineage (field references).
CREATE FUNCTION @extschema@.lineage_field_walk(start text, forward boolean, max_depth int)
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
                                JOIN @extschema@.lineage_field_edge AS e ON e.upstream = f.node
                               WHERE forward
                              UNION ALL
                              SELECT e.upstream, f.path
                                FROM ROWS FROM (pg_catalog.unnest(b.frontier), pg_catalog.unnest(b.paths)) AS f(node, path)
                                JOIN @extschema@.lineage_field_edge AS e ON e.downstream = f.node
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
COMMENT ON FUNCTION @extschema@.lineage_field_walk(text, boolean, int) IS
    'Breadth-first walk of column lineage from a field reference: each reachable field once, at its shortest depth.';

-- The node key of a product id or a source, or 23503.
CREATE FUNCTION @extschema@.lineage_node(id text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = lineage_node.id) THEN
        RETURN id;
    ELSIF EXISTS (SELECT FROM @extschema@.lineage_edge AS e WHERE e.upstream = lineage_node.id)
          AND id LIKE 'source:%' THEN
        RETURN id;
    ELSIF EXISTS (SELECT FROM @extschema@.lineage_edge AS e WHERE e.upstream = 'source:' || id) THEN
        RETURN 'source:' || id;
    END IF;
    PERFORM @extschema@.raise_error('23503',
        pg_catalog.format('unknown lineage node: "%s" is neither a data product nor a source', id),
        'No product has this id, and no input of a version that is not retired names this source.',
        'Pass a product id such as sales.orders, or a source as source:<name>; mesh_lineage lists every edge.');
END
$$;
COMMENT ON FUNCTION @extschema@.lineage_node(text) IS
    'Resolves a product id, a source name or "source:<name>" to its lineage node key; 23503 when unknown.';

-- Raises 22023 for a depth limit that is not a positive number.
CREATE FUNCTION @extschema@.lineage_check_depth(max_depth int) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF max_depth < 1 THEN
        PERFORM @extschema@.raise_error('22023',
            pg_catalog.format('max_depth must be at least 1, not %s', max_depth),
            NULL,
            'Leave max_depth NULL (the default) for the whole lineage.');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.lineage_check_depth(int) IS
    'Raises 22023 when a lineage depth limit is below 1.';

-- mesh_downstream and mesh_upstream are the C walk with product rows: each reachable node once,
-- at its shortest depth, and a NOTICE when max_depth cut it short. Nothing flows into a source,
-- so only upstream walks meet one.
CREATE FUNCTION @extschema@.mesh_downstream(product text, max_depth int DEFAULT NULL)
RETURNS TABLE (id text, kind text, domain text, depth int, path text[], truncated boolean)
    AS 'MODULE_PATHNAME', 'mesh_downstream'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.mesh_downstream(text, int) IS
    'Every product that consumes, directly or not, the given product or source: each once, at its shortest depth, with a shortest path.';

CREATE FUNCTION @extschema@.mesh_upstream(product text, max_depth int DEFAULT NULL)
RETURNS TABLE (id text, kind text, domain text, depth int, path text[], truncated boolean)
    AS 'MODULE_PATHNAME', 'mesh_upstream'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.mesh_upstream(text, int) IS
    'Every product and source the given product derives from, directly or not: each once, at its shortest depth, with a shortest path.';

CREATE FUNCTION @extschema@.mesh_lineage_path(from_id text, to_id text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    a text := @extschema@.lineage_node(from_id);
    b text := @extschema@.lineage_node(to_id);
BEGIN
    IF a = b THEN
        RETURN ARRAY[a];
    END IF;
    RETURN (SELECT w.path FROM @extschema@.lineage_walk(a, true, NULL, b) AS w WHERE w.node = b);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_lineage_path(text, text) IS
    'A shortest path of lineage from one product (or source) down to another, in the direction data flows; NULL when there is none.';

-- The version that represents a product, as in the current_version view, for one product.
CREATE FUNCTION @extschema@.lineage_current_version(product_id text) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
    SELECT v.id FROM @extschema@.product_version AS v
     WHERE v.product_id = lineage_current_version.product_id
     ORDER BY pg_catalog.array_position('{published,deprecated,draft,retired}'::@extschema@.lifecycle_status[], v.status),
              v.version DESC
     LIMIT 1
$$;
COMMENT ON FUNCTION @extschema@.lineage_current_version(text) IS
    'The id of the version that represents a product (published first, then deprecated, draft, retired; highest first).';

CREATE FUNCTION @extschema@.mesh_impact(product text, version @extschema@.semver DEFAULT NULL)
RETURNS TABLE (id text, depth int, path text[], domain text, domain_owner name,
               status @extschema@.lifecycle_status, owners jsonb, via text, version_range text)
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
    start := @extschema@.lineage_node(mesh_impact.product);
    IF mesh_impact.version IS NOT NULL AND start LIKE 'source:%' THEN
        PERFORM @extschema@.raise_error('22023',
            'a source has no versions',
            NULL,
            format('Call mesh_impact(%L) without a version.', mesh_impact.product));
    END IF;
    RETURN QUERY
    SELECT w.node, w.depth, w.path, d.name::text, d.owner_role, v.status,
           (SELECT pg_catalog.jsonb_object_agg(o.kind, o.principals)
              FROM (SELECT ow.kind, pg_catalog.jsonb_agg(ow.principal ORDER BY ow.principal) AS principals
                      FROM @extschema@.owner AS ow WHERE ow.version_id = v.id GROUP BY ow.kind) AS o),
           w.path[w.depth],
           (SELECT pg_catalog.string_agg(DISTINCT coalesce(e.version_range, '*'), ' | ')
              FROM @extschema@.lineage_edge AS e
             WHERE e.upstream = w.path[w.depth] AND e.downstream = w.node
               AND (w.depth > 1 OR mesh_impact.version IS NULL OR e.version_range IS NULL
                    OR @extschema@.semver_satisfies(mesh_impact.version, e.version_range)))
      FROM @extschema@.lineage_walk(start, true, NULL, NULL, mesh_impact.version) AS w
      JOIN @extschema@.product AS p ON p.id = w.node
      JOIN @extschema@.domain AS d ON d.name = p.domain
      LEFT JOIN @extschema@.product_version AS v ON v.id = @extschema@.lineage_current_version(w.node)
     ORDER BY w.depth, w.node COLLATE "C";
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_impact(text, @extschema@.semver) IS
    'Who is affected by a change to a product (or to one version of it): every product downstream, with its domain, owners and the range through which it consumes.';

-- A field argument: "<output>.<field>", or "<field>" when one output of the product has it.
CREATE FUNCTION @extschema@.lineage_field_ref(id text, field text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    refs text[];
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = lineage_field_ref.id) THEN
        PERFORM @extschema@.raise_error('23503',
            pg_catalog.format('unknown data product "%s"', id),
            NULL,
            'Column lineage starts at a field of a registered product.');
    END IF;
    refs := ARRAY(SELECT DISTINCT v.product_id || '.' || o.name || '.' || f.name
                    FROM @extschema@.product_version AS v
                    JOIN @extschema@.output_port AS o ON o.version_id = v.id
                    JOIN @extschema@.field AS f ON f.port_id = o.id
                   WHERE v.product_id = lineage_field_ref.id
                     AND (f.name = lineage_field_ref.field OR o.name || '.' || f.name = lineage_field_ref.field)
                   ORDER BY 1);
    IF pg_catalog.cardinality(refs) = 0 THEN
        -- A field only named by others' derived_from is a node too.
        IF EXISTS (SELECT FROM @extschema@.lineage_field_edge AS e WHERE e.upstream = id || '.' || field) THEN
            RETURN id || '.' || field;
        END IF;
        PERFORM @extschema@.raise_error('23503',
            pg_catalog.format('unknown field "%s" of data product "%s"', field, id),
            NULL,
            'Name a field as <output>.<field>, or <field> when one output has it; mesh_fields lists them.');
    ELSIF pg_catalog.cardinality(refs) > 1 THEN
        PERFORM @extschema@.raise_error('22023',
            pg_catalog.format('ambiguous field "%s" of data product "%s"', field, id),
            format('It could be %s.', array_to_string(refs, ', ')),
            'Name the field as <output>.<field>.');
    END IF;
    RETURN refs[1];
END
$$;
COMMENT ON FUNCTION @extschema@.lineage_field_ref(text, text) IS
    'Resolves a product id and "<output>.<field>" (or "<field>") to a field reference; 23503 unknown, 22023 ambiguous.';

CREATE FUNCTION @extschema@.mesh_column_lineage(id text, field text, direction text DEFAULT 'upstream',
                                                max_depth int DEFAULT NULL)
RETURNS TABLE (side text, product_id text, port text, field_name text, ref text, depth int, path text[])
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
        PERFORM @extschema@.raise_error('22023',
            pg_catalog.format('direction must be upstream, downstream or both, not %s',
                              coalesce(quote_literal(direction), 'NULL')));
    END IF;
    PERFORM @extschema@.lineage_check_depth(max_depth);
    start := @extschema@.lineage_field_ref(id, mesh_column_lineage.field);
    RETURN QUERY
    SELECT d.dir, pg_catalog.split_part(w.node, '.', 1) || '.' || pg_catalog.split_part(w.node, '.', 2),
           pg_catalog.split_part(w.node, '.', 3),
           pg_catalog.substr(w.node, pg_catalog.length(pg_catalog.split_part(w.node, '.', 1))
                                     + pg_catalog.length(pg_catalog.split_part(w.node, '.', 2))
                                     + pg_catalog.length(pg_catalog.split_part(w.node, '.', 3)) + 4),
           w.node, w.depth, w.path
      FROM (VALUES ('upstream', false), ('downstream', true)) AS d(dir, forward),
           LATERAL @extschema@.lineage_field_walk(start, d.forward, max_depth) AS w
     WHERE dir IN (d.dir, 'both')
     ORDER BY d.dir DESC, w.depth, w.node COLLATE "C";
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_column_lineage(text, text, text, int) IS
    'Field-level lineage of one field of a product: the fields it derives from (upstream), those derived from it (downstream), or both.';

-- Edges for applications: one row per pair of nodes, whatever the number of ports behind it.
-- The version arrays are also given as text (in SemVer order) for applications without
-- meshcat on their search_path.
CREATE VIEW @extschema@.mesh_lineage WITH (security_invoker) AS
SELECT l.*, l.consumer_versions::text[] AS consumer_versions_text, l.resolved_versions::text[] AS resolved_versions_text
  FROM (
SELECT CASE WHEN e.upstream LIKE 'source:%' THEN 'source' ELSE 'product' END AS kind,
       CASE WHEN e.upstream LIKE 'source:%' THEN pg_catalog.substr(e.upstream, 8) ELSE e.upstream END AS upstream,
       e.downstream,
       CASE WHEN e.upstream NOT LIKE 'source:%' THEN e.upstream END AS upstream_product,
       e.downstream AS downstream_product,
       ARRAY(SELECT DISTINCT coalesce(x.version_range, '*') FROM @extschema@.lineage_edge AS x
              WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream ORDER BY 1) AS version_ranges,
       ARRAY(SELECT DISTINCT v.version FROM @extschema@.lineage_edge AS x
               JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
              WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream ORDER BY 1) AS consumer_versions,
       CASE WHEN e.upstream NOT LIKE 'source:%' THEN
           ARRAY(SELECT u.version FROM @extschema@.product_version AS u
                  WHERE u.product_id OPERATOR(pg_catalog.=) e.upstream AND u.status IN ('published', 'deprecated')
                    AND EXISTS (SELECT FROM @extschema@.lineage_edge AS x
                                 WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream
                                   AND (x.version_range IS NULL OR @extschema@.semver_satisfies(u.version, x.version_range)))
                  ORDER BY u.version) END AS resolved_versions,
       NOT EXISTS (SELECT FROM @extschema@.lineage_edge AS x
                     JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
                    WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream AND v.status OPERATOR(pg_catalog.<>) 'draft') AS proposed
  FROM (SELECT DISTINCT upstream, downstream FROM @extschema@.lineage_edge) AS e
UNION ALL
SELECT 'field', e.upstream, e.downstream,
       pg_catalog.split_part(e.upstream, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(e.upstream, '.', 2),
       pg_catalog.split_part(e.downstream, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(e.downstream, '.', 2),
       NULL,
       ARRAY(SELECT DISTINCT v.version FROM @extschema@.lineage_field_edge AS x
               JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
              WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream ORDER BY 1),
       NULL,
       NOT EXISTS (SELECT FROM @extschema@.lineage_field_edge AS x
                     JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
                    WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream AND v.status OPERATOR(pg_catalog.<>) 'draft')
  FROM (SELECT DISTINCT upstream, downstream FROM @extschema@.lineage_field_edge) AS e
       ) AS l;
COMMENT ON VIEW @extschema@.mesh_lineage IS
    'The lineage graph as an edge list: product to product, source to product and field to field, with the version ranges, the consuming versions and the upstream versions the ranges resolve to (also as text: consumer_versions_text, resolved_versions_text).';

-- Classification propagation: sensitivity flows along column lineage into every field derived
-- from a classified or PII field, unless the deriving field is declared masked.
CREATE VIEW @extschema@.mesh_classification WITH (security_invoker) AS
WITH RECURSIVE cur AS (
    SELECT v.product_id, v.classification AS declared, p.domain,
           v.product_id OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) o.name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) f.name AS ref,
           f.classification, f.pii, f.derived_from,
           (f.descriptor OPERATOR(pg_catalog.?) 'masking') AS masked
      FROM @extschema@.current_version AS c
      JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) c.version_id
      JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
      JOIN @extschema@.output_port AS o ON o.version_id OPERATOR(pg_catalog.=) v.id
      JOIN @extschema@.field AS f ON f.port_id OPERATOR(pg_catalog.=) o.id
),
edge AS (
    SELECT DISTINCT u.up, c.ref AS down FROM cur AS c, pg_catalog.unnest(c.derived_from) AS u(up) WHERE NOT c.masked
),
-- (field, field whose sensitivity reaches it): a finite set, so the recursion ends on any data.
reach(ref, origin) AS (
    SELECT c.ref, c.ref FROM cur AS c WHERE c.classification IS NOT NULL OR c.pii
  UNION
    SELECT e.down, r.origin FROM reach AS r JOIN edge AS e ON e.up OPERATOR(pg_catalog.=) r.ref
),
-- What reaches each product's fields: its own declarations and those inherited.
inherited AS (
    SELECT c.product_id, o.ref AS origin, o.classification, o.pii, o.product_id OPERATOR(pg_catalog.<>) c.product_id AS foreign_origin
      FROM reach AS r
      JOIN cur AS c ON c.ref OPERATOR(pg_catalog.=) r.ref
      JOIN cur AS o ON o.ref OPERATOR(pg_catalog.=) r.origin
),
products AS (
    SELECT v.product_id, p.domain, v.classification AS declared
      FROM @extschema@.current_version AS cv
      JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) cv.version_id
      JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
)
SELECT p.product_id AS id, p.domain, p.declared AS declared_classification,
       GREATEST(p.declared, (SELECT pg_catalog.max(i.classification) FROM inherited AS i WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id))
           AS effective_classification,
       EXISTS (SELECT FROM cur AS c WHERE c.product_id OPERATOR(pg_catalog.=) p.product_id AND c.pii) AS pii,
       EXISTS (SELECT FROM inherited AS i WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id AND i.pii AND i.foreign_origin) AS inherited_pii,
       ARRAY(SELECT DISTINCT i.origin FROM inherited AS i
              WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id AND (i.classification OPERATOR(pg_catalog.>) p.declared OR (i.pii AND i.foreign_origin))
              ORDER BY 1) AS raised_by,
       coalesce((SELECT pg_catalog.max(i.classification) FROM inherited AS i WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id) OPERATOR(pg_catalog.>) p.declared,
                false) AS under_declared
  FROM products AS p;
COMMENT ON VIEW @extschema@.mesh_classification IS
    'Each product''s declared and effective classification and PII exposure, inherited through column lineage (masked fields stop it); under_declared flags products declared less sensitive than their inputs.';

-- Cycle refusal: called before a product edge up -> down is added.
CREATE FUNCTION @extschema@.lineage_refuse_cycle(up text, down text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    back text[];
BEGIN
    IF up LIKE 'source:%' THEN
        RETURN;                        -- nothing flows into a source: it closes no cycle
    END IF;
    -- Take the lineage lock once per transaction (the row's xmin is ours once we updated it).
    UPDATE @extschema@.lineage_clock SET changes = changes + 1
     WHERE NOT @extschema@.xact_wrote(xmin);
    IF up = down THEN
        back := ARRAY[down];
    ELSE
        SELECT w.path INTO back FROM @extschema@.lineage_walk(down, true, NULL, up) AS w WHERE w.node = up;
    END IF;
    IF back IS NOT NULL THEN
        PERFORM @extschema@.raise_error('23514',
            pg_catalog.format('lineage cycle: "%s" cannot consume "%s"', down, up),
            format('The cycle would be %s.', array_to_string(back || down, ' -> ')),
            CASE WHEN up = down THEN 'A data product cannot be its own input.'
                 ELSE format('"%s" already derives from "%s": lineage must stay acyclic. Remove one of the inputs on the cycle.', up, down) END);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.lineage_refuse_cycle(text, text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.lineage_refuse_cycle(text, text) IS
    'Raises 23514 naming the cycle when a product edge would close one; serializes edge additions.';

-- Refuses (23514) product lineage that has a cycle, naming one: Kahn's algorithm, a layer of
-- the graph at a time. mesh_rebuild() (75_derive) runs it after deriving every edge without
-- the per-edge check that registrations make.
CREATE FUNCTION @extschema@.lineage_require_acyclic() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    layer text[];
    left_over bigint;
    cyc text[];
    e record;
BEGIN
    -- In-degrees over distinct product edges; peel nodes without inputs, layer by layer.
    CREATE TEMP TABLE lineage_indegree ON COMMIT DROP AS
    SELECT downstream AS node, pg_catalog.count(DISTINCT upstream) AS n
      FROM @extschema@.lineage_edge WHERE upstream NOT LIKE 'source:%' GROUP BY downstream;
    ALTER TABLE pg_temp.lineage_indegree ADD PRIMARY KEY (node);
    layer := ARRAY(SELECT DISTINCT upstream FROM @extschema@.lineage_edge AS x
                    WHERE upstream NOT LIKE 'source:%'
                      AND NOT EXISTS (SELECT FROM pg_temp.lineage_indegree AS d WHERE d.node = x.upstream));
    WHILE pg_catalog.cardinality(layer) > 0 LOOP
        WITH drop_in AS (
            SELECT x.downstream AS node, pg_catalog.count(DISTINCT x.upstream) AS n
              FROM @extschema@.lineage_edge AS x WHERE x.upstream = ANY (layer) GROUP BY x.downstream
        ), upd AS (
            UPDATE pg_temp.lineage_indegree AS d SET n = d.n - drop_in.n FROM drop_in
             WHERE d.node = drop_in.node RETURNING d.node, d.n
        )
        SELECT ARRAY(SELECT upd.node FROM upd WHERE upd.n = 0) INTO layer;
        DELETE FROM pg_temp.lineage_indegree WHERE n = 0;
    END LOOP;
    SELECT pg_catalog.count(*) INTO left_over FROM pg_temp.lineage_indegree;
    IF left_over > 0 THEN
        -- What is left holds a cycle: find one through an edge between two left-over nodes.
        FOR e IN SELECT DISTINCT x.upstream, x.downstream FROM @extschema@.lineage_edge AS x
                   JOIN pg_temp.lineage_indegree AS a ON a.node = x.upstream
                   JOIN pg_temp.lineage_indegree AS b ON b.node = x.downstream
                  ORDER BY 1, 2 LOOP
            IF e.upstream = e.downstream THEN
                cyc := ARRAY[e.upstream, e.upstream];
            ELSE
                cyc := (SELECT w.path || e.downstream FROM @extschema@.lineage_walk(e.downstream, true, NULL, e.upstream) AS w
                         WHERE w.node = e.upstream);
            END IF;
            EXIT WHEN cyc IS NOT NULL;
        END LOOP;
        PERFORM @extschema@.raise_error('23514',
            'lineage cycle: the catalog''s product lineage is not acyclic',
            format('%s product(s) are on or below a cycle; one cycle is %s.', left_over, array_to_string(cyc, ' -> ')),
            'Remove or retire one of the inputs on the cycle, then rebuild again.');
    END IF;
    DROP TABLE pg_temp.lineage_indegree;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.lineage_require_acyclic() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.lineage_require_acyclic() IS
    'Internal: raises 23514 naming a cycle when the product lineage is not acyclic.';
