-- 76_binding: output ports bound to real relations (DECISIONS.md section 4, docs/contracts.md).
-- An output port of type table or view whose location names a relation of this database is
-- bound to it: by OID, following renames; a drop is drift. Only a role that is a member of the
-- relation's owner (or a superuser) may bind it, or mesh_provision creates it for the product
-- (77_provision); a relation backs the ports of at most one product (a new version of that
-- product inherits it). Otherwise the location stays an unbound name, and nothing acts on it.
-- Bindings are rows of port_binding (30_tables), made when a version is written
-- (bind_version_ports), by mesh_adopt, and by mesh_provision. Every later layer that acts on a
-- relation (drift, DDL enforcement, checks, grants) finds a port's relation with
-- port_relation() and nothing else.
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers.

-- The schema and name a location names in this database: "schema.name", or "<this
-- database>.schema.name", quoted as SQL quotes identifiers; else NULL. An unqualified name
-- would depend on the search_path of whoever reads it, and is never bound. What is not a
-- name is told apart by the pattern first, so parse_ident never raises (and no subtransaction
-- is needed: mesh_ports calls this for every port).
CREATE FUNCTION meshcat_internal.location_parts(location text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parts text[];
BEGIN
    IF location !~ '^("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(\.("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)){1,2}$' THEN
        RETURN NULL;
    END IF;
    parts := pg_catalog.parse_ident(location);
    IF pg_catalog.cardinality(parts) = 3 AND parts[1] = pg_catalog.current_database() THEN
        parts := parts[2:3];
    END IF;
    RETURN CASE WHEN pg_catalog.cardinality(parts) = 2 THEN parts END;
END
$$;
COMMENT ON FUNCTION meshcat_internal.location_parts(text) IS
    'Internal: the schema and relation name of a schema-qualified location of this database, else NULL.';

-- The relation of this database a location names exactly (location_parts), else NULL.
-- Relations that hold rows a port can serve: tables, partitioned tables, views, materialized
-- views, foreign tables; not the system catalogs, meshcat's own tables, or temporary tables.
CREATE FUNCTION meshcat_internal.location_relation(location text) RETURNS oid
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parts text[] := meshcat_internal.location_parts(location);
BEGIN
    IF parts IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT c.oid FROM pg_catalog.pg_class AS c
              JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = parts[1] AND c.relname = parts[2] AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', '@extschema@', 'meshcat_internal')
               AND c.relpersistence <> 't');
END
$$;
COMMENT ON FUNCTION meshcat_internal.location_relation(text) IS
    'Internal: the relation of this database a port location names exactly ("schema.name"), else NULL.';

-- The relation a port of a version is bound to, if it still exists; else NULL (unbound, or
-- dropped). The one lookup every layer that acts on relations uses.
CREATE FUNCTION meshcat_internal.port_relation(product_id text, version @extschema@.semver, port text) RETURNS oid
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT b.relation_oid FROM meshcat_internal.port_binding AS b
             WHERE b.product_id = port_relation.product_id AND b.version OPERATOR(@extschema@.=) port_relation.version
               AND b.port = port_relation.port
               AND EXISTS (SELECT FROM pg_catalog.pg_class AS c WHERE c.oid = b.relation_oid));
END
$$;
COMMENT ON FUNCTION meshcat_internal.port_relation(text, @extschema@.semver, text) IS
    'Internal: the OID of the relation an output port of a version is bound to, or NULL when it is unbound or its relation was dropped.';

-- Why a role may not bind a relation to a product's port, or NULL when it may: the relation
-- already backs a port of another product (of a version that is not retired), or the role is
-- neither a superuser nor a member of the relation's owner. A relation that already backs a
-- port of this product may be bound to its other versions: a new version inherits it.
CREATE FUNCTION meshcat_internal.binding_refusal(pid text, rel oid, actor name) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    other text;
    owner name;
BEGIN
    SELECT pg_catalog.min(b.product_id) INTO other
      FROM meshcat_internal.port_binding AS b
      JOIN @extschema@.product_version AS v ON v.product_id = b.product_id AND v.version OPERATOR(@extschema@.=) b.version
     WHERE b.relation_oid = rel AND b.product_id <> pid AND v.status <> 'retired';
    IF other IS NOT NULL THEN
        RETURN format('relation %s backs an output port of data product "%s"', rel::regclass, other);
    END IF;
    IF EXISTS (SELECT FROM meshcat_internal.port_binding AS b WHERE b.relation_oid = rel AND b.product_id = pid) THEN
        RETURN NULL;
    END IF;
    owner := (SELECT c.relowner::regrole::name FROM pg_catalog.pg_class AS c WHERE c.oid = rel);
    IF meshcat_internal.role_is_superuser(actor)
       OR (EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = actor)
           AND pg_catalog.pg_has_role(actor, owner, 'MEMBER')) THEN
        RETURN NULL;
    END IF;
    RETURN format('role "%s" is not a member of role "%s", the owner of relation %s', actor, owner, rel::regclass);
END
$$;
COMMENT ON FUNCTION meshcat_internal.binding_refusal(text, oid, name) IS
    'Internal: why a role may not bind a relation to a product''s output port (another product''s relation, or not the role''s own), or NULL when it may.';

-- Takes the binding lock once per transaction (binding_clock, 30_tables): the caller then
-- judges the binding rule on what every earlier binder committed.
CREATE FUNCTION meshcat_internal.take_binding_turn() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE meshcat_internal.binding_clock SET changes = changes + 1 WHERE NOT meshcat_internal.xact_wrote(xmin);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.take_binding_turn() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.take_binding_turn() IS
    'Internal: makes binders of ports take turns (binding_clock), once per transaction.';

-- Writes the binding of one port (the caller has checked the rule).
CREATE FUNCTION meshcat_internal.write_binding(pid text, ver @extschema@.semver, port_name text, loc text, rel oid,
                                              how text, actor name) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO meshcat_internal.port_binding AS b (product_id, version, port, location, relation_oid, relation_name,
                                                    origin, bound_at, bound_by)
    VALUES (pid, ver, port_name, loc, rel, rel::regclass::text, how, pg_catalog.now(), actor)
    ON CONFLICT ON CONSTRAINT port_binding_pkey DO UPDATE
       SET location = EXCLUDED.location, relation_oid = EXCLUDED.relation_oid, relation_name = EXCLUDED.relation_name,
           origin = EXCLUDED.origin, bound_at = EXCLUDED.bound_at, bound_by = EXCLUDED.bound_by, dropped_at = NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.write_binding(text, @extschema@.semver, text, text, oid, text, name) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.write_binding(text, @extschema@.semver, text, text, oid, text, name) IS
    'Internal: records (or replaces) the binding of an output port of a version to a relation.';

-- Binds the table and view ports of a version written by actor: a port whose location names
-- a relation here is bound when binding_refusal allows it; when it does not, a NOTICE says
-- why, and the port stays unbound. A port whose location changed (a draft rewritten), or that
-- is gone, loses its binding; one already bound to its location keeps it (adopted, provisioned).
CREATE FUNCTION meshcat_internal.bind_version_ports(pid text, ver @extschema@.semver, doc jsonb, actor name) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
    rel oid;
    why text;
BEGIN
    DELETE FROM meshcat_internal.port_binding AS b
     WHERE b.product_id = pid AND b.version OPERATOR(@extschema@.=) ver
       AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) AS o
                        WHERE o ->> 'name' = b.port AND o ->> 'location' = b.location AND o ->> 'type' IN ('table', 'view'));
    FOR p IN SELECT o ->> 'name' AS name, o ->> 'location' AS location
               FROM pg_catalog.jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS x(o, n)
              WHERE o ->> 'type' IN ('table', 'view') AND o ? 'location'
                AND NOT EXISTS (SELECT FROM meshcat_internal.port_binding AS b
                                 WHERE b.product_id = pid AND b.version OPERATOR(@extschema@.=) ver AND b.port = o ->> 'name')
              ORDER BY n LOOP
        rel := meshcat_internal.location_relation(p.location);
        CONTINUE WHEN rel IS NULL;
        -- one binder at a time, so two products cannot both take a relation
        PERFORM meshcat_internal.take_binding_turn();
        why := meshcat_internal.binding_refusal(pid, rel, actor);
        IF why IS NULL THEN
            PERFORM meshcat_internal.write_binding(pid, ver, p.name, p.location, rel, 'registered', actor);
        ELSE
            RAISE NOTICE '%', format('output port "%s" of data product "%s" %s is not bound to relation %s', p.name, pid, ver, rel::regclass)
                USING DETAIL = format('Its location names that relation, but %s: nothing meshcat does acts on it.', why),
                      HINT = 'A member of the relation''s owner role binds it with SELECT * FROM mesh_adopt(id, port); or point the location at a relation of the product''s own.';
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.bind_version_ports(text, @extschema@.semver, jsonb, name) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.bind_version_ports(text, @extschema@.semver, jsonb, name) IS
    'Internal: binds the table and view ports of a written version to the relations their locations name, where the writer may; a NOTICE says why not.';

-- After a version is written or published (not restored: restored bindings are rows of their
-- own), its ports are bound, by the role the guard stamped as its writer (or publisher): a
-- relation created between registration and publication is bound then.
CREATE FUNCTION meshcat_internal.bind_ports() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.descriptor IS NOT DISTINCT FROM NEW.descriptor
       AND NOT (NEW.status = 'published' AND OLD.status <> 'published') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    PERFORM meshcat_internal.bind_version_ports(NEW.product_id, NEW.version, NEW.descriptor, NEW.updated_by);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.bind_ports() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.bind_ports() IS
    'Trigger: binds the table and view ports of a written version to their relations (bind_version_ports).';
CREATE TRIGGER bind_ports AFTER INSERT OR UPDATE OF descriptor, status ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.bind_ports();

-- A draft deleted (withdrawn) takes its bindings with it; the relation stays as it is.
CREATE FUNCTION meshcat_internal.unbind_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM meshcat_internal.port_binding AS b
     WHERE b.product_id = OLD.product_id AND b.version OPERATOR(@extschema@.=) OLD.version;
    RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.unbind_version() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.unbind_version() IS
    'Trigger: removes the port bindings of a version being deleted.';
CREATE TRIGGER unbind BEFORE DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.unbind_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER unbind;

-- A restored binding (a superuser loading rows bound before this transaction) finds its
-- relation again by the name it had: OIDs are not kept by pg_dump. No relation of that name:
-- the binding is restored as dropped. Enabled always, so a restore with triggers off
-- (session_replication_role = replica) finds them too.
CREATE FUNCTION meshcat_internal.restore_binding() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF meshcat_internal.is_restore(NEW.bound_at) THEN
        NEW.relation_oid := CASE WHEN NEW.dropped_at IS NULL THEN meshcat_internal.location_relation(NEW.relation_name) END;
        NEW.dropped_at := CASE WHEN NEW.relation_oid IS NULL THEN coalesce(NEW.dropped_at, pg_catalog.now()) END;
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.restore_binding() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.restore_binding() IS
    'Trigger: a restored port binding finds its relation by its qualified name (OIDs change across pg_dump).';
CREATE TRIGGER restore_binding BEFORE INSERT ON meshcat_internal.port_binding
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.restore_binding();
ALTER TABLE meshcat_internal.port_binding ENABLE ALWAYS TRIGGER restore_binding;

-- Renames are followed: the OID stays; the name a dump carries is kept current after DDL
-- that can rename a relation (or move it: SET SCHEMA) or its schema. Only the relations and
-- schemas the command touched are looked at. Called by the ddl_command_end event trigger
-- (79_ddl_guard), which first judges the command against the contracts.
CREATE FUNCTION meshcat_internal.follow_relation_renames() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE meshcat_internal.port_binding AS b
       SET relation_name = c.oid::regclass::text
      FROM pg_catalog.pg_class AS c
     WHERE c.oid = b.relation_oid AND b.relation_name <> c.oid::regclass::text
       AND (c.oid IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
                       WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)
            OR c.relnamespace IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
                                   WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass));
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.follow_relation_renames() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.follow_relation_renames() IS
    'Internal (event trigger meshcat_ddl_command_end): keeps the names of bound relations current after a rename (of the relation or its schema).';

-- A dropped relation leaves its bindings without an OID (an OID may be reused by another
-- relation later): the port shows as drift, and nothing acts on the relation's successor.
-- Called by the sql_drop event trigger (79_ddl_guard), after it judged the drop.
CREATE FUNCTION meshcat_internal.forget_dropped_relations() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE meshcat_internal.port_binding AS b
       SET relation_oid = NULL, dropped_at = pg_catalog.now()
     WHERE b.relation_oid IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
                               WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.forget_dropped_relations() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.forget_dropped_relations() IS
    'Internal (event trigger meshcat_sql_drop): marks the bindings of dropped relations as dropped.';

-- mesh_adopt: a product's owners bind the existing relation an output port's location names,
-- for every version of the product that is not retired and has that port. meshcat then only
-- checks it (mesh_drift); it never changes it. The same rule as registration (binding_refusal),
-- judged for the acting role.
CREATE FUNCTION @extschema@.mesh_adopt(id text, port text)
RETURNS TABLE (version @extschema@.semver, relation text, action text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    actor name := @extschema@.mesh_acting_role();
    dom text;
    p record;
    rel oid;
    why text;
    found_port boolean := false;
BEGIN
    SELECT d.domain INTO dom FROM @extschema@.product AS d WHERE d.id = mesh_adopt.id;
    IF NOT FOUND THEN
        PERFORM meshcat_internal.raise_error('23503', format('data product "%s" does not exist', id), NULL,
            'SELECT id FROM mesh_products lists the registered products.');
    END IF;
    PERFORM meshcat_internal.require_domain_owner(dom, 'adopt relations');
    FOR p IN SELECT pv.version AS ver, o ->> 'type' AS kind, o ->> 'location' AS location
               FROM @extschema@.product_version AS pv,
                    pg_catalog.jsonb_array_elements(coalesce(pv.descriptor -> 'outputs', '[]')) AS o
              WHERE pv.product_id = id AND pv.status <> 'retired' AND o ->> 'name' = port
              ORDER BY pv.version LOOP
        found_port := true;
        IF p.kind NOT IN ('table', 'view') THEN
            PERFORM meshcat_internal.raise_error('22023',
                format('output port "%s" of data product "%s" %s is a %s port', port, id, p.ver, p.kind),
                'Only table and view ports are bound to relations.', NULL);
        END IF;
        rel := meshcat_internal.location_relation(p.location);
        IF rel IS NULL THEN
            PERFORM meshcat_internal.raise_error('42P01',
                format('output port "%s" of data product "%s" %s names no relation of this database', port, id, p.ver),
                format('Its location is %s; a bound location is a schema-qualified name ("schema.table") of an existing table or view.',
                       coalesce('"' || p.location || '"', 'not given')),
                'Create the relation (SELECT * FROM mesh_provision(...) creates a table port''s), then adopt it.');
        END IF;
        IF meshcat_internal.port_relation(id, p.ver, port) = rel THEN
            version := p.ver; relation := rel::regclass::text; action := 'unchanged';
            RETURN NEXT;
            CONTINUE;
        END IF;
        PERFORM meshcat_internal.take_binding_turn();
        why := meshcat_internal.binding_refusal(id, rel, actor);
        IF why IS NOT NULL THEN
            PERFORM meshcat_internal.raise_error('42501',
                format('permission denied to bind relation %s to output port "%s" of data product "%s"', rel::regclass, port, id),
                format('The %s.', why),
                'Only a member of the relation''s owner role binds it, and a relation backs the ports of one product only.');
        END IF;
        PERFORM meshcat_internal.write_binding(id, p.ver, port, p.location, rel, 'adopted', actor);
        version := p.ver; relation := rel::regclass::text; action := 'adopted';
        RETURN NEXT;
    END LOOP;
    IF NOT found_port THEN
        PERFORM meshcat_internal.raise_error('23503',
            format('data product "%s" has no output port "%s"', id, port),
            'No version of it that is not retired has an output port of that name.',
            'SELECT version_text, name FROM mesh_ports WHERE product_id = ... AND direction = ''output'' lists its ports.');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_adopt(text, text) IS
    'Binds the existing relation an output port''s location names to that port of every version of the product that is not retired (members of the relation''s owner only); meshcat then checks it (mesh_drift) and never changes it.';
