-- 79_ddl_guard: DDL that breaks the contract of a published output port is refused
-- (meshcat.contract_ddl; DECISIONS.md section 4; docs/contracts.md, "DDL enforcement").
-- Two event triggers, one per event, say what a command touched on relations bound to ports
-- (76_binding), and then keep the bindings current (follow_relation_renames,
-- forget_dropped_relations): sql_drop the relations, columns and keys it dropped, ddl_command_end the columns whose type
-- or nullability it changed or which it renamed (ddl_altered_columns, C: the catalog alone
-- cannot tell a column the command broke from one already drifting) and the relations it
-- renamed or moved. judge_ddl then compares the catalog after the command with the contracts
-- (mesh_drift, 78_drift: one comparison) and refuses the breaking differences the command
-- made. A command that only adds, as pg_restore's do, touches nothing.
-- Uses: 10_semver, 30_tables, 40_helpers (raise_error), 50_derivation (xact_wrote),
-- 76_binding, 78_drift (mesh_drift).

CREATE FUNCTION meshcat_internal.ddl_altered_columns(pg_ddl_command) RETURNS text[]
    AS 'MODULE_PATHNAME', 'ddl_altered_columns'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION meshcat_internal.ddl_altered_columns(pg_ddl_command) IS
    'Internal: the columns a collected DDL command changed the type or nullability of, or renamed (their old names).';

CREATE FUNCTION meshcat_internal.contract_ddl_mode() RETURNS text
    AS 'MODULE_PATHNAME', 'contract_ddl_mode'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION meshcat_internal.contract_ddl_mode() IS
    'Internal: meshcat.contract_ddl (enforce, warn, off), read in C so that the setting is defined in any session.';

-- One thing a command touched on a bound relation: what = 'relation' (dropped), 'location'
-- (renamed or moved), 'column' (name: dropped, retyped, made nullable or renamed), 'key' (a
-- constraint or index dropped).
CREATE TYPE meshcat_internal.ddl_touch AS (rel oid, what text, name text);
COMMENT ON TYPE meshcat_internal.ddl_touch IS
    'Internal: something a DDL command touched on a relation bound to an output port (79_ddl_guard).';

-- The contract differences a command made, for the published versions bound to the relations
-- it touched: the breaking rows of mesh_drift that the touches explain, plus a renamed or
-- moved relation (its name is no longer the port's location). A difference is excused when a
-- newer major version of the product was written in this transaction (registered or
-- published before the DDL) and either no longer serves the port from that relation, or has
-- no such difference itself: its contract accepts the result.
CREATE FUNCTION meshcat_internal.ddl_breaks(touches meshcat_internal.ddl_touch[])
RETURNS TABLE (product_id text, version @extschema@.semver, port text, relation text, kind text, field text,
               expected text, actual text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH t AS (
        SELECT DISTINCT x.rel, x.what, x.name FROM pg_catalog.unnest(touches) AS x
    ), b AS (
        SELECT pb.product_id, pb.version, pb.port::text AS port, pb.relation_oid AS rel, pb.location, pb.relation_name
          FROM meshcat_internal.port_binding AS pb
         WHERE pb.relation_oid IN (SELECT t.rel FROM t)
    ), d AS (
        SELECT dr.*, b.rel
          FROM (SELECT DISTINCT b.product_id FROM b) AS p,
               LATERAL @extschema@.mesh_drift(p.product_id) AS dr
          JOIN b ON b.product_id = dr.product_id AND b.version OPERATOR(@extschema@.=) dr.version AND b.port = dr.port
         WHERE dr.severity = 'breaking'
    ), made AS (
        SELECT d.product_id, d.version, d.port, d.rel, d.relation, d.kind, d.field, d.expected, d.actual
          FROM d
         WHERE EXISTS (SELECT FROM t WHERE t.rel = d.rel
                          AND CASE WHEN d.kind = 'missing_relation' THEN t.what = 'relation'
                                   WHEN d.kind IN ('primary_key', 'unique', 'missing_foreign_key') THEN t.what = 'key'
                                   ELSE t.what = 'column' AND t.name = d.field END)
        UNION ALL
        SELECT b.product_id, b.version, b.port, b.rel, c.oid::regclass::text, 'location', NULL, b.location, c.oid::regclass::text
          FROM b JOIN pg_catalog.pg_class AS c ON c.oid = b.rel
         WHERE EXISTS (SELECT FROM t WHERE t.rel = b.rel AND t.what = 'location')
           AND b.relation_name <> c.oid::regclass::text
    )
    SELECT m.product_id, m.version, m.port, m.relation, m.kind, m.field, m.expected, m.actual
      FROM made AS m
      JOIN @extschema@.product_version AS v ON v.product_id = m.product_id AND v.version OPERATOR(@extschema@.=) m.version
     WHERE v.status = 'published'
       AND NOT EXISTS (
           SELECT FROM @extschema@.product_version AS n
            WHERE n.product_id = m.product_id AND n.status <> 'retired'
              AND @extschema@.semver_major(n.version) > @extschema@.semver_major(m.version)
              AND meshcat_internal.xact_wrote(n.xmin)
              AND NOT EXISTS (SELECT FROM b AS nb
                               WHERE nb.product_id = n.product_id AND nb.version OPERATOR(@extschema@.=) n.version AND nb.rel = m.rel
                                 AND CASE WHEN m.kind = 'location' THEN nb.location = m.expected
                                          WHEN m.kind = 'missing_relation' THEN true
                                          ELSE EXISTS (SELECT FROM made AS nm
                                                        WHERE nm.product_id = nb.product_id AND nm.version OPERATOR(@extschema@.=) nb.version
                                                          AND nm.port = nb.port AND nm.kind = m.kind
                                                          AND nm.field IS NOT DISTINCT FROM m.field) END))
     ORDER BY m.product_id, m.version, m.port, m.kind, m.field;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.ddl_breaks(meshcat_internal.ddl_touch[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.ddl_breaks(meshcat_internal.ddl_touch[]) IS
    'Internal: the breaking contract differences of published versions that a DDL command''s touches made, less those a newer major version written in this transaction accepts.';

-- Refuses (enforce) or reports (warn) what ddl_breaks finds: one ERROR for the first
-- difference, or one WARNING each. 23514, as a violated CHECK constraint: the contract is a
-- constraint on the relation's shape.
CREATE FUNCTION meshcat_internal.judge_ddl(tag text, touches meshcat_internal.ddl_touch[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mode text := meshcat_internal.contract_ddl_mode();
    r record;
    msg text;
    detail text;
    hint text;
BEGIN
    IF mode = 'off' THEN
        RETURN;
    END IF;
    FOR r IN SELECT * FROM meshcat_internal.ddl_breaks(touches) LOOP
        msg := format('%s would break the contract of data product "%s" %s', tag, r.product_id, r.version);
        detail := format('Output port "%s"%s: %s.', r.port, CASE WHEN r.field IS NOT NULL THEN format(', field "%s"', r.field) ELSE '' END,
            CASE r.kind
                WHEN 'missing_relation' THEN format('relation %s would no longer exist', r.relation)
                WHEN 'location' THEN format('its location is "%s", the relation would be %s', r.expected, r.actual)
                WHEN 'missing_column' THEN format('the contract says %s, relation %s would have no such column', r.expected, r.relation)
                WHEN 'nullability' THEN format('the field is required, column of relation %s would allow NULL', r.relation)
                ELSE format('the contract says %s, relation %s would have %s', r.expected, r.relation, coalesce(r.actual, 'none'))
            END);
        hint := format('Register a new major version of "%s" whose contract accepts the change first, in the same transaction, or deprecate version %s.',
                       r.product_id, r.version);
        IF mode = 'warn' THEN
            RAISE WARNING '%', msg USING ERRCODE = '23514', DETAIL = detail, HINT = hint;
        ELSE
            PERFORM meshcat_internal.raise_error('23514', msg, detail, hint);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.judge_ddl(text, meshcat_internal.ddl_touch[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.judge_ddl(text, meshcat_internal.ddl_touch[]) IS
    'Internal: refuses (meshcat.contract_ddl = enforce, 23514) or warns about the contract differences a DDL command made (ddl_breaks).';

-- What a ddl_command_end command touched on bound relations: columns retyped, made nullable
-- or renamed, and relations renamed or moved (their own rename, SET SCHEMA, or their
-- schema's rename: the binding still has the old name, follow_relation_renames runs after).
CREATE FUNCTION meshcat_internal.altered_touches() RETURNS meshcat_internal.ddl_touch[]
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT pg_catalog.array_agg(x) FROM (
        -- an ALTER of a parent table changes its partitions and children too
        SELECT ROW(pb.relation_oid, 'column', col.name)::meshcat_internal.ddl_touch AS x
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
         CROSS JOIN LATERAL (WITH RECURSIVE tree(rel) AS (
                                 SELECT d.objid
                                 UNION
                                 SELECT i.inhrelid FROM pg_catalog.pg_inherits AS i JOIN tree ON i.inhparent = tree.rel)
                             SELECT tree.rel FROM tree) AS t
          JOIN meshcat_internal.port_binding AS pb ON pb.relation_oid = t.rel
         CROSS JOIN LATERAL pg_catalog.unnest(meshcat_internal.ddl_altered_columns(d.command)) AS col(name)
         WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        UNION ALL
        SELECT ROW(pb.relation_oid, 'location', NULL)::meshcat_internal.ddl_touch
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
          JOIN pg_catalog.pg_class AS c ON (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.objid)
                                        OR (d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND c.relnamespace = d.objid)
          JOIN meshcat_internal.port_binding AS pb ON pb.relation_oid = c.oid
         WHERE pb.relation_name <> c.oid::regclass::text) AS t);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.altered_touches() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.altered_touches() IS
    'Internal: the columns a DDL command retyped, made nullable or renamed, and the relations it renamed or moved, among relations bound to output ports.';

-- What a sql_drop command dropped from bound relations, by any command (DROP TABLE, ALTER
-- TABLE DROP, DROP SCHEMA or DROP TYPE ... CASCADE, DROP OWNED): relations, columns, and
-- keys. A dropped constraint names its table; a dropped index only its schema (an index is
-- always in its table's schema), so DROP INDEX judges the keys of the bound relations of that
-- schema.
CREATE FUNCTION meshcat_internal.dropped_touches() RETURNS meshcat_internal.ddl_touch[]
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT pg_catalog.array_agg(x) FROM (
        SELECT ROW(pb.relation_oid, CASE WHEN d.objsubid = 0 THEN 'relation' ELSE 'column' END,
                   CASE WHEN d.objsubid <> 0 THEN d.address_names[3] END)::meshcat_internal.ddl_touch AS x
          FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
          JOIN meshcat_internal.port_binding AS pb ON pb.relation_oid = d.objid
         WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.object_type <> 'index'
        UNION ALL
        SELECT ROW(pb.relation_oid, 'key', NULL)::meshcat_internal.ddl_touch
          FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
          JOIN pg_catalog.pg_namespace AS n ON n.nspname = d.address_names[1]
          JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid
                                        AND (d.object_type = 'index' OR c.relname = d.address_names[2])
          JOIN meshcat_internal.port_binding AS pb ON pb.relation_oid = c.oid
         WHERE d.object_type = 'table constraint'
            OR (d.object_type = 'index'
                -- a constraint's index goes with the constraint (judged above, by its table), a
                -- dropped table's with the table
                AND NOT EXISTS (SELECT FROM pg_catalog.pg_event_trigger_dropped_objects() AS o
                                 WHERE o.address_names[1] = d.address_names[1]
                                   AND ((o.object_type = 'table constraint' AND o.address_names[3] = d.address_names[2])
                                        OR o.object_type IN ('table', 'materialized view'))))) AS t);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.dropped_touches() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.dropped_touches() IS
    'Internal: the relations, columns, constraints and indexes a DDL command dropped from relations bound to output ports.';

-- The event triggers. DDL that touches no bound relation leaves after one query over the
-- command's objects with an index probe of port_binding (and of pg_inherits: a parent's
-- ALTER reaches its children) each (the fast exit, measured by
-- test/bench/ddl_bench.sh); only then is the command judged, and the bindings kept current.
-- Enabled always: a session with session_replication_role = replica (a parallel restore's)
-- is judged the same, and a restore only adds, which breaks nothing.
CREATE FUNCTION meshcat_internal.on_ddl_command_end() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    touches meshcat_internal.ddl_touch[];
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
                    WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                       OR (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                           AND (EXISTS (SELECT FROM meshcat_internal.port_binding AS pb WHERE pb.relation_oid = d.objid)
                                OR EXISTS (SELECT FROM pg_catalog.pg_inherits AS i WHERE i.inhparent = d.objid)))) THEN
        RETURN;
    END IF;
    touches := meshcat_internal.altered_touches();
    IF touches IS NOT NULL THEN
        PERFORM meshcat_internal.judge_ddl(TG_TAG, touches);
    END IF;
    PERFORM meshcat_internal.follow_relation_renames();
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.on_ddl_command_end() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.on_ddl_command_end() IS
    'Event trigger: judges an ALTER on relations bound to output ports against their contracts, then follows renames.';
CREATE EVENT TRIGGER meshcat_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE', 'ALTER SCHEMA')
    EXECUTE FUNCTION meshcat_internal.on_ddl_command_end();
ALTER EVENT TRIGGER meshcat_ddl_command_end ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER meshcat_ddl_command_end IS
    'meshcat: refuses an ALTER that breaks the contract of a published output port (meshcat.contract_ddl), and keeps the names of bound relations current after renames.';

CREATE FUNCTION meshcat_internal.on_sql_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    touches meshcat_internal.ddl_touch[];
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
                    WHERE (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                           AND EXISTS (SELECT FROM meshcat_internal.port_binding AS pb WHERE pb.relation_oid = d.objid))
                       OR (d.object_type IN ('index', 'table constraint')
                           AND EXISTS (SELECT FROM meshcat_internal.port_binding AS pb
                                         JOIN pg_catalog.pg_class AS c ON c.oid = pb.relation_oid
                                         JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
                                        WHERE n.nspname = d.address_names[1]))) THEN
        RETURN;
    END IF;
    touches := meshcat_internal.dropped_touches();
    IF touches IS NOT NULL THEN
        PERFORM meshcat_internal.judge_ddl(TG_TAG, touches);
    END IF;
    PERFORM meshcat_internal.forget_dropped_relations();
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.on_sql_drop() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.on_sql_drop() IS
    'Event trigger: judges a drop from relations bound to output ports against their contracts, then marks dropped relations'' bindings.';
CREATE EVENT TRIGGER meshcat_sql_drop ON sql_drop
    EXECUTE FUNCTION meshcat_internal.on_sql_drop();
ALTER EVENT TRIGGER meshcat_sql_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER meshcat_sql_drop IS
    'meshcat: refuses a drop that breaks the contract of a published output port (meshcat.contract_ddl), and marks the bindings of dropped relations, so they show as drift.';
