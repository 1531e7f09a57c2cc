-- 75_derive: the one derivation. A product version's descriptor is its contract; its owners,
-- tags, input and output ports, fields, and its product and column lineage are derived from
-- it here, set-based, and nowhere else. No role may write the derived tables: they have no
-- grants, and a trigger refuses even a superuser outside the derivation (meshcat.deriving,
-- a superuser-only setting that only the SET clauses below turn on).
-- The derivation fires on every path a version row takes, logical replication included
-- (ENABLE ALWAYS): a hub that subscribes to domains, products and versions derives the rest.

-- Derives the parts of the given versions from their descriptors, replacing what they had
-- (new versions have nothing to replace).
CREATE FUNCTION @extschema@.derive_parts(ids bigint[], replace boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    IF replace THEN
        -- ON DELETE CASCADE takes the fields and the lineage edges along.
        DELETE FROM @extschema@.owner WHERE version_id = ANY (ids);
        DELETE FROM @extschema@.tag WHERE version_id = ANY (ids);
        DELETE FROM @extschema@.input_port WHERE version_id = ANY (ids);
        DELETE FROM @extschema@.output_port WHERE version_id = ANY (ids);
    END IF;

    INSERT INTO @extschema@.owner (version_id, kind, principal)
    SELECT DISTINCT v.id, o.key, p.principal
      FROM @extschema@.product_version AS v,
           jsonb_each(coalesce(v.descriptor -> 'owners', '{}')) AS o,
           LATERAL (SELECT o.value #>> '{}' WHERE jsonb_typeof(o.value) = 'string'
                    UNION ALL
                    SELECT jsonb_array_elements_text(o.value) WHERE jsonb_typeof(o.value) = 'array') AS p(principal)
     WHERE v.id = ANY (ids);

    INSERT INTO @extschema@.tag (version_id, tag)
    SELECT DISTINCT v.id, t
      FROM @extschema@.product_version AS v, jsonb_array_elements_text(coalesce(v.descriptor -> 'tags', '[]')) AS t
     WHERE v.id = ANY (ids);

    INSERT INTO @extschema@.input_port (version_id, position, name, product_id, version_range, source,
                                        description, descriptor)
    SELECT v.id, n, e ->> 'name', e ->> 'product', e ->> 'version', e ->> 'source', e ->> 'description', e
      FROM @extschema@.product_version AS v,
           jsonb_array_elements(coalesce(v.descriptor -> 'inputs', '[]')) WITH ORDINALITY AS i(e, n)
     WHERE v.id = ANY (ids);

    WITH ports AS (
        INSERT INTO @extschema@.output_port (version_id, position, name, kind, location, description, descriptor)
        SELECT v.id, n, e ->> 'name', e ->> 'type', e ->> 'location', e ->> 'description', e
          FROM @extschema@.product_version AS v,
               jsonb_array_elements(coalesce(v.descriptor -> 'outputs', '[]')) WITH ORDINALITY AS o(e, n)
         WHERE v.id = ANY (ids)
        RETURNING id, descriptor
    )
    INSERT INTO @extschema@.field (port_id, position, name, type, required, is_unique, primary_key, pii,
                                   classification, description, glossary, derived_from, descriptor)
    SELECT p.id, n, f ->> 'name', f ->> 'type',
           coalesce((f ->> 'required')::boolean, false), coalesce((f ->> 'unique')::boolean, false),
           coalesce((f ->> 'primary_key')::boolean, false), coalesce((f ->> 'pii')::boolean, false),
           (f ->> 'classification')::@extschema@.classification, f ->> 'description',
           coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'glossary')), '{}'),
           coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'derived_from')), '{}'),
           f
      FROM ports AS p, jsonb_array_elements(coalesce(p.descriptor -> 'schema', '[]')) WITH ORDINALITY AS s(f, n);
END
$$;
COMMENT ON FUNCTION @extschema@.derive_parts(bigint[], boolean) IS
    'Internal: replaces the owners, tags, ports and fields of the given versions with what their descriptors say.';

-- Derives the product and column lineage of the given versions from their ports and fields:
-- a version that is not retired has an edge per input and per derived_from entry. Each new
-- product edge is checked for a cycle first, unless the caller checks the whole graph after.
CREATE FUNCTION @extschema@.derive_lineage(ids bigint[], check_cycles boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    -- Statements on lineage_edge take the lineage lock (lineage_clock): only those with rows
    -- to write run, so registrations without product lineage do not wait for each other.
    IF EXISTS (SELECT FROM @extschema@.lineage_edge WHERE version_id = ANY (ids)) THEN
        DELETE FROM @extschema@.lineage_edge WHERE version_id = ANY (ids);
    END IF;
    DELETE FROM @extschema@.lineage_field_edge WHERE version_id = ANY (ids);
    IF EXISTS (SELECT FROM @extschema@.input_port AS i JOIN @extschema@.product_version AS v ON v.id = i.version_id
                WHERE v.id = ANY (ids) AND v.status <> 'retired') THEN
        IF check_cycles THEN
            PERFORM @extschema@.lineage_refuse_cycle(e.up, e.down)
               FROM (SELECT DISTINCT coalesce(i.product_id, 'source:' || i.source) AS up, v.product_id AS down
                       FROM @extschema@.input_port AS i
                       JOIN @extschema@.product_version AS v ON v.id = i.version_id
                      WHERE v.id = ANY (ids) AND v.status <> 'retired'
                      ORDER BY 1, 2) AS e;
        END IF;
        INSERT INTO @extschema@.lineage_edge (port_id, upstream, downstream, version_id, version_range)
        SELECT i.id, coalesce(i.product_id, 'source:' || i.source), v.product_id, v.id, i.version_range
          FROM @extschema@.input_port AS i
          JOIN @extschema@.product_version AS v ON v.id = i.version_id
         WHERE v.id = ANY (ids) AND v.status <> 'retired';
    END IF;
    INSERT INTO @extschema@.lineage_field_edge (field_id, upstream, downstream, version_id)
    SELECT DISTINCT f.id, u.ref, v.product_id || '.' || o.name || '.' || f.name, v.id
      FROM @extschema@.product_version AS v
      JOIN @extschema@.output_port AS o ON o.version_id = v.id
      JOIN @extschema@.field AS f ON f.port_id = o.id
     CROSS JOIN pg_catalog.unnest(f.derived_from) AS u(ref)
     WHERE v.id = ANY (ids) AND v.status <> 'retired';
END
$$;
COMMENT ON FUNCTION @extschema@.derive_lineage(bigint[], boolean) IS
    'Internal: replaces the lineage edges of the given versions with those of their inputs and derived_from (none for a retired version), refusing cycles when asked.';

-- After a version row is written: a new or changed descriptor derives everything again; a
-- version that enters or leaves retirement derives its lineage again (checked for cycles).
CREATE FUNCTION @extschema@.derive_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR OLD.descriptor IS DISTINCT FROM NEW.descriptor THEN
        PERFORM @extschema@.derive_parts(ARRAY[NEW.id], TG_OP = 'UPDATE');
    ELSIF (OLD.status = 'retired') = (NEW.status = 'retired') THEN
        RETURN NULL;
    END IF;
    PERFORM @extschema@.derive_lineage(ARRAY[NEW.id], true);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.derive_version() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.derive_version() IS
    'Trigger: derives the parts and lineage of a written version from its descriptor.';
CREATE TRIGGER derive AFTER INSERT OR UPDATE OF descriptor, status ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@.derive_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER derive;

-- Before a draft is deleted (guard_version has allowed it), its derived rows go first, by the
-- derivation (the foreign keys to product_version do not cascade: the derived tables refuse
-- any writer but this). Fires after "guard", in name order.
CREATE FUNCTION @extschema@.underive_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    DELETE FROM @extschema@.owner WHERE version_id = OLD.id;
    DELETE FROM @extschema@.tag WHERE version_id = OLD.id;
    DELETE FROM @extschema@.input_port WHERE version_id = OLD.id;
    DELETE FROM @extschema@.output_port WHERE version_id = OLD.id;
    RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.underive_version() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.underive_version() IS
    'Trigger: removes the derived rows of a version being deleted.';
CREATE TRIGGER underive BEFORE DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@.underive_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER underive;

-- Derived rows are written by the derivation only.
CREATE FUNCTION @extschema@.refuse_derived_write() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.current_setting('meshcat.deriving', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM @extschema@.raise_error('42501',
        pg_catalog.format('meshcat.%s is derived from the descriptors and cannot be written', TG_TABLE_NAME),
        pg_catalog.format('%s on meshcat.%s is refused for every role: its rows are what the product versions'' descriptors say.', TG_OP, TG_TABLE_NAME),
        'Register the version again with mesh_register (a draft is rewritten; a published version''s metadata may change), or run SELECT mesh_rebuild() to derive every row again.');
END
$$;
COMMENT ON FUNCTION @extschema@.refuse_derived_write() IS
    'Trigger: refuses writes to a derived table outside the derivation, a superuser''s included.';
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['owner', 'tag', 'input_port', 'output_port', 'field', 'lineage_edge', 'lineage_field_edge'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER derived_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.%I
                                   FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.refuse_derived_write()', t);
    END LOOP;
END
$$;

-- Derives every derived row again from the descriptors, and checks that product lineage is
-- acyclic: after a load without triggers, a repair, or to prove that nothing but the
-- descriptors is needed (sql/derive.sql compares the result with what registration wrote).
CREATE FUNCTION @extschema@.mesh_rebuild() RETURNS TABLE (versions bigint, product_edges bigint, field_edges bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ids bigint[] := ARRAY(SELECT v.id FROM @extschema@.product_version AS v ORDER BY v.id);
BEGIN
    PERFORM @extschema@.require_admin('rebuild the derived rows');
    PERFORM @extschema@.derive_parts(ids, true);
    RETURN QUERY
    SELECT pg_catalog.cardinality(ids)::bigint, r.product_edges, r.field_edges
      FROM @extschema@.mesh_lineage_rebuild() AS r;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_rebuild() IS
    'Administrators: derives every owner, tag, port, field and lineage edge again from the versions'' descriptors, refusing (23514) a catalog whose lineage has a cycle.';
