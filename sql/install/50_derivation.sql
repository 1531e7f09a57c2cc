-- 50_derivation: the one derivation. A product version's descriptor is its contract; its owners,
-- tags, input and output ports, fields, and its product and column lineage are derived from
-- it here, by derive_version_rows, and nowhere else. No role may write the derived tables:
-- they have no grants, and a trigger refuses even a superuser outside the derivation
-- (meshcat.deriving, a superuser-only setting that only the SET clauses below turn on).
-- The derivation fires on every path a version row takes, logical replication included
-- (ENABLE ALWAYS): a hub that subscribes to domains, products and versions derives the rest.
-- Lineage edges are added one at a time under the lineage lock (lineage_clock), each refused
-- when it would close a cycle (lineage_refuse_cycle).
-- Uses: 00_schema, 15_types, 30_tables, 40_helpers (require_admin, lineage_walk).

-- Keeps lineage_clock in step with the edges: every transaction that writes lineage_edge
-- updates the clock row first, once. The C walk's edge cache (src/lineage.c) relies on it: a
-- snapshot that sees a given version of the clock row sees exactly one set of edges. It is
-- enabled always, so it fires under session_replication_role = replica (restores) too.
CREATE FUNCTION meshcat_internal.xact_wrote(xid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'xact_wrote'
    LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION meshcat_internal.xact_wrote(xid) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.xact_wrote(xid) IS
    'Whether a row version with that xmin was written by this transaction or one of its subtransactions not rolled back.';

CREATE FUNCTION meshcat_internal.lineage_clock_tick() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE meshcat_internal.lineage_clock SET changes = changes + 1
     WHERE NOT meshcat_internal.xact_wrote(xmin);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.lineage_clock_tick() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.lineage_clock_tick() IS
    'Trigger: counts a change of product lineage on lineage_clock, once per transaction, before the edges change.';
CREATE TRIGGER lineage_clock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON meshcat_internal.lineage_edge
    FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.lineage_clock_tick();
ALTER TABLE meshcat_internal.lineage_edge ENABLE ALWAYS TRIGGER lineage_clock;

-- Cycle refusal: called before the product edges from ups to down are added.
CREATE FUNCTION meshcat_internal.lineage_refuse_cycle(ups text[], down text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    up text;
    back text[];
BEGIN
    -- Nothing flows into a source: it closes no cycle.
    ups := ARRAY(SELECT DISTINCT u FROM pg_catalog.unnest(ups) AS u WHERE u NOT LIKE 'source:%' ORDER BY 1);
    IF pg_catalog.cardinality(ups) = 0 THEN
        RETURN;
    END IF;
    -- Take the lineage lock once per transaction (the row's xmin is ours once we updated it).
    UPDATE meshcat_internal.lineage_clock SET changes = changes + 1
     WHERE NOT meshcat_internal.xact_wrote(xmin);
    FOREACH up IN ARRAY ups LOOP
        IF up = down THEN
            back := ARRAY[down];
        ELSE
            SELECT w.path INTO back FROM meshcat_internal.lineage_walk(down, true, NULL, up) AS w WHERE w.node = up;
        END IF;
        IF back IS NOT NULL THEN
            PERFORM meshcat_internal.raise_error('23514',
                pg_catalog.format('lineage cycle: "%s" cannot consume "%s"', down, up),
                format('The cycle would be %s.', array_to_string(back || down, ' -> ')),
                CASE WHEN up = down THEN 'A data product cannot be its own input.'
                     ELSE format('"%s" already derives from "%s": lineage must stay acyclic. Remove one of the inputs on the cycle.', up, down) END);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.lineage_refuse_cycle(text[], text) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.lineage_refuse_cycle(text[], text) IS
    'Raises 23514 naming the cycle when a product edge from one of ups to down would close one; serializes edge additions.';

-- Refuses (23514) product lineage that has a cycle, naming one: Kahn's algorithm, a layer of
-- the graph at a time. mesh_rebuild() (below) runs it after deriving every edge without
-- the per-edge check that registrations make.
CREATE FUNCTION meshcat_internal.lineage_require_acyclic() RETURNS void
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
      FROM meshcat_internal.lineage_edge WHERE upstream NOT LIKE 'source:%' GROUP BY downstream;
    ALTER TABLE pg_temp.lineage_indegree ADD PRIMARY KEY (node);
    layer := ARRAY(SELECT DISTINCT upstream FROM meshcat_internal.lineage_edge AS x
                    WHERE upstream NOT LIKE 'source:%'
                      AND NOT EXISTS (SELECT FROM pg_temp.lineage_indegree AS d WHERE d.node = x.upstream));
    WHILE pg_catalog.cardinality(layer) > 0 LOOP
        WITH drop_in AS (
            SELECT x.downstream AS node, pg_catalog.count(DISTINCT x.upstream) AS n
              FROM meshcat_internal.lineage_edge AS x WHERE x.upstream = ANY (layer) GROUP BY x.downstream
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
        FOR e IN SELECT DISTINCT x.upstream, x.downstream FROM meshcat_internal.lineage_edge AS x
                   JOIN pg_temp.lineage_indegree AS a ON a.node = x.upstream
                   JOIN pg_temp.lineage_indegree AS b ON b.node = x.downstream
                  ORDER BY 1, 2 LOOP
            IF e.upstream = e.downstream THEN
                cyc := ARRAY[e.upstream, e.upstream];
            ELSE
                cyc := (SELECT w.path || e.downstream FROM meshcat_internal.lineage_walk(e.downstream, true, NULL, e.upstream) AS w
                         WHERE w.node = e.upstream);
            END IF;
            EXIT WHEN cyc IS NOT NULL;
        END LOOP;
        PERFORM meshcat_internal.raise_error('23514',
            'lineage cycle: the catalog''s product lineage is not acyclic',
            format('%s product(s) are on or below a cycle; one cycle is %s.', left_over, array_to_string(cyc, ' -> ')),
            'Remove or retire one of the inputs on the cycle, then rebuild again.');
    END IF;
    DROP TABLE pg_temp.lineage_indegree;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.lineage_require_acyclic() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.lineage_require_acyclic() IS
    'Internal: raises 23514 naming a cycle when the product lineage is not acyclic.';

-- Removes every row derived from a version: lineage, then parts.
CREATE FUNCTION meshcat_internal.underive_version_rows(vid bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    -- A statement on lineage_edge takes the lineage lock (lineage_clock): only one with rows runs.
    IF EXISTS (SELECT FROM meshcat_internal.lineage_edge WHERE version_id = vid) THEN
        DELETE FROM meshcat_internal.lineage_edge WHERE version_id = vid;
    END IF;
    DELETE FROM meshcat_internal.lineage_field_edge WHERE version_id = vid;
    DELETE FROM meshcat_internal.field
     WHERE port_id IN (SELECT o.id FROM meshcat_internal.output_port AS o WHERE o.version_id = vid);
    DELETE FROM meshcat_internal.output_port WHERE version_id = vid;
    DELETE FROM meshcat_internal.input_port WHERE version_id = vid;
    DELETE FROM meshcat_internal.owner WHERE version_id = vid;
    DELETE FROM meshcat_internal.tag WHERE version_id = vid;
END
$$;
COMMENT ON FUNCTION meshcat_internal.underive_version_rows(bigint) IS
    'Internal: removes the owners, tags, ports, fields and lineage edges derived from a version.';

-- Derives the rows of one version (which has none) from its descriptor, set-based: each kind
-- of row is one statement over the descriptor, and the lineage edges come from the ports and
-- fields those statements return. A version that is not retired has an edge per input and per
-- derived_from entry; each new product edge is checked for a cycle first, unless the caller
-- checks the whole graph after (mesh_rebuild). Reads nothing but its arguments: the cost of a
-- registration does not grow with the catalog.
CREATE FUNCTION meshcat_internal.derive_version_rows(vid bigint, pid text, doc jsonb, retired boolean,
                                                check_cycles boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
    -- One plan per statement, kept: a custom plan (its parameters folded in) is no better, and
    -- planning the ports and fields statement again cost a tenth of every registration.
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF doc ? 'owners' THEN
        INSERT INTO meshcat_internal.owner (version_id, kind, principal)
        SELECT DISTINCT vid, o.key, p.principal
          FROM jsonb_each(doc -> 'owners') AS o,
               LATERAL (SELECT o.value #>> '{}' WHERE jsonb_typeof(o.value) = 'string'
                        UNION ALL
                        SELECT jsonb_array_elements_text(o.value) WHERE jsonb_typeof(o.value) = 'array') AS p(principal);
    END IF;
    IF doc ? 'tags' THEN
        INSERT INTO meshcat_internal.tag (version_id, tag)
        SELECT DISTINCT vid, t FROM jsonb_array_elements_text(doc -> 'tags') AS t;
    END IF;

    IF jsonb_array_length(coalesce(doc -> 'inputs', '[]')) > 0 THEN
        IF retired THEN
            INSERT INTO meshcat_internal.input_port (version_id, position, name, product_id, version_range, source,
                                                description, descriptor)
            SELECT vid, n, e ->> 'name', e ->> 'product', e ->> 'version', e ->> 'source', e ->> 'description', e
              FROM jsonb_array_elements(doc -> 'inputs') WITH ORDINALITY AS i(e, n);
        ELSE
            IF check_cycles THEN
                PERFORM meshcat_internal.lineage_refuse_cycle(
                    ARRAY(SELECT e ->> 'product' FROM jsonb_array_elements(doc -> 'inputs') AS e WHERE e ? 'product'), pid);
            END IF;
            WITH port AS (
                INSERT INTO meshcat_internal.input_port (version_id, position, name, product_id, version_range, source,
                                                    description, descriptor)
                SELECT vid, n, e ->> 'name', e ->> 'product', e ->> 'version', e ->> 'source', e ->> 'description', e
                  FROM jsonb_array_elements(doc -> 'inputs') WITH ORDINALITY AS i(e, n)
                RETURNING id, product_id, source, version_range
            )
            INSERT INTO meshcat_internal.lineage_edge (port_id, upstream, downstream, version_id, version_range)
            SELECT port.id, coalesce(port.product_id, 'source:' || port.source), pid, vid, port.version_range FROM port;
        END IF;
    END IF;

    IF jsonb_array_length(coalesce(doc -> 'outputs', '[]')) > 0 THEN
        WITH port AS (
            INSERT INTO meshcat_internal.output_port (version_id, position, name, kind, location, description, descriptor)
            SELECT vid, n, e ->> 'name', e ->> 'type', e ->> 'location', e ->> 'description', e
              FROM jsonb_array_elements(doc -> 'outputs') WITH ORDINALITY AS o(e, n)
            RETURNING id, name, descriptor
        ), field AS (
            INSERT INTO meshcat_internal.field (port_id, position, name, type, required, is_unique, primary_key, pii,
                                           classification, description, glossary, derived_from, descriptor)
            SELECT port.id, n, f ->> 'name', f ->> 'type',
                   coalesce((f ->> 'required')::boolean, false), coalesce((f ->> 'unique')::boolean, false),
                   coalesce((f ->> 'primary_key')::boolean, false), coalesce((f ->> 'pii')::boolean, false),
                   (f ->> 'classification')::@extschema@.classification, f ->> 'description',
                   coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'glossary')), '{}'),
                   coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'derived_from')), '{}'),
                   f
              FROM port, jsonb_array_elements(coalesce(port.descriptor -> 'schema', '[]')) WITH ORDINALITY AS s(f, n)
            RETURNING id, port_id, name, derived_from
        )
        -- A field that names an upstream twice has one edge to it. Not DISTINCT: the planner,
        -- which cannot know how few rows these are, would size a hash table for thousands.
        INSERT INTO meshcat_internal.lineage_field_edge (field_id, upstream, downstream, version_id)
        SELECT field.id, u.ref, pid || '.' || port.name || '.' || field.name, vid
          FROM field JOIN port ON port.id = field.port_id, pg_catalog.unnest(field.derived_from) AS u(ref)
         WHERE NOT retired
        ON CONFLICT DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.derive_version_rows(bigint, text, jsonb, boolean, boolean) IS
    'Internal: derives the owners, tags, ports, fields and lineage edges of a version from its descriptor, refusing lineage cycles when asked.';

-- After a version row is written: a new or changed descriptor, or a move into or out of
-- retirement, derives the version's rows again.
CREATE FUNCTION meshcat_internal.derive_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.descriptor IS NOT DISTINCT FROM NEW.descriptor AND (OLD.status = 'retired') = (NEW.status = 'retired') THEN
            RETURN NULL;
        END IF;
        PERFORM meshcat_internal.underive_version_rows(OLD.id);
    END IF;
    PERFORM meshcat_internal.derive_version_rows(NEW.id, NEW.product_id, NEW.descriptor, NEW.status = 'retired', true);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.derive_version() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.derive_version() IS
    'Trigger: derives the parts and lineage of a written version from its descriptor.';
CREATE TRIGGER derive AFTER INSERT OR UPDATE OF descriptor, status ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.derive_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER derive;

-- Before a draft is deleted (guard_version has allowed it), its derived rows and its policy
-- evaluations go (the audit trail keeps the version). Fires after "guard", in name order.
CREATE FUNCTION meshcat_internal.underive_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.underive_version_rows(OLD.id);
    DELETE FROM meshcat_internal.evaluation_run WHERE version_id = OLD.id;
    RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.underive_version() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.underive_version() IS
    'Trigger: removes the derived rows and the evaluations of a version being deleted.';
CREATE TRIGGER underive BEFORE DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.underive_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER underive;

-- Derived rows are written by the derivation only (src/meshcat.c: it reads meshcat.deriving as
-- the library holds it, never a placeholder).
CREATE FUNCTION meshcat_internal.refuse_derived_write() RETURNS trigger
    AS 'MODULE_PATHNAME', 'refuse_derived_write'
    LANGUAGE C;
COMMENT ON FUNCTION meshcat_internal.refuse_derived_write() IS
    'Trigger: refuses writes to a derived table outside the derivation, a superuser''s included.';
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['owner', 'tag', 'input_port', 'output_port', 'field', 'lineage_edge', 'lineage_field_edge'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER derived_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON meshcat_internal.%I
                                   FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.refuse_derived_write()', t);
    END LOOP;
END
$$;

-- Derives every derived row again from the descriptors, and checks that product lineage is
-- acyclic: after a load without triggers, a repair, or to prove that nothing but the
-- descriptors is needed (sql/derive.sql compares the result with what registration wrote).
CREATE FUNCTION @extschema@.mesh_rebuild() RETURNS TABLE (versions bigint, product_edges bigint, field_edges bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
DECLARE
    v record;
    n bigint := 0;
BEGIN
    PERFORM meshcat_internal.require_admin('rebuild the derived rows');
    -- No version is written while the rows are derived again (a registration in flight would
    -- otherwise commit between the deletes and the derivation, and be derived twice).
    LOCK TABLE @extschema@.product_version IN SHARE MODE;
    DELETE FROM meshcat_internal.lineage_edge;
    DELETE FROM meshcat_internal.lineage_field_edge;
    DELETE FROM meshcat_internal.field;
    DELETE FROM meshcat_internal.output_port;
    DELETE FROM meshcat_internal.input_port;
    DELETE FROM meshcat_internal.owner;
    DELETE FROM meshcat_internal.tag;
    FOR v IN SELECT pv.id, pv.product_id, pv.descriptor, pv.status FROM @extschema@.product_version AS pv ORDER BY pv.id LOOP
        PERFORM meshcat_internal.derive_version_rows(v.id, v.product_id, v.descriptor, v.status = 'retired', false);
        n := n + 1;
    END LOOP;
    PERFORM meshcat_internal.lineage_require_acyclic();
    RETURN QUERY SELECT n, (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_edge),
                        (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_field_edge);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_rebuild() IS
    'Administrators: derives every owner, tag, port, field and lineage edge again from the versions'' descriptors, refusing (23514) a catalog whose lineage has a cycle.';

-- The lineage part of mesh_rebuild(), by its older name: both edge tables derived again, and
-- checked for cycles.
CREATE FUNCTION @extschema@.mesh_lineage_rebuild() RETURNS TABLE (product_edges bigint, field_edges bigint)
    LANGUAGE sql
BEGIN ATOMIC
    SELECT r.product_edges, r.field_edges FROM @extschema@.mesh_rebuild() AS r;
END;
COMMENT ON FUNCTION @extschema@.mesh_lineage_rebuild() IS
    'Administrators: derives the lineage edge tables again (with every derived row: mesh_rebuild) and refuses (23514) a catalog whose product lineage has a cycle; for bulk loads and repairs.';
