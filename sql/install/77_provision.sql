-- 77_provision: self-serve provisioning (docs/contracts.md). mesh_provision creates the schema
-- and table a table port's contract describes, with the caller's rights (DECISIONS.md section
-- 5), gives them to the domain's owner role and binds the port (76_binding). field_pg_type says
-- which PostgreSQL type a contract's field type is; mesh_drift (78_drift) compares with it.
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers, 65_lifecycle (lifecycle_target),
-- 76_binding.

-- A contract's field type as a PostgreSQL type: its OID, type modifier (-1: none declared) and
-- SQL spelling (format_type), or NULLs when it names none. PostgreSQL's own names and aliases
-- of built-in types (int, int4, integer; varchar(10); timestamptz; numeric(12,2); text[]) and
-- the ODCS logical types that have no PostgreSQL type of that name (string, number, long,
-- double, datetime, object, array) are known; types of other schemas, and pseudo-types, are not.
CREATE FUNCTION meshcat_internal.field_pg_type(type text, OUT type_oid oid, OUT typmod int, OUT sql_type text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t text := pg_catalog.regexp_replace(pg_catalog.lower(pg_catalog.btrim(type)), '\s+', ' ', 'g');
    mods text[];
    is_array boolean;
    base oid;
    modin regproc;
BEGIN
    typmod := -1;
    mods := pg_catalog.regexp_split_to_array(pg_catalog.substring(t, '\( ?([0-9]+(?: ?, ?[0-9]+)*) ?\)'), ' ?, ?');
    t := pg_catalog.btrim(pg_catalog.regexp_replace(t, ' ?\( ?[0-9]+( ?, ?[0-9]+)* ?\)', ''));
    is_array := t ~ ' ?\[\]$';
    t := pg_catalog.regexp_replace(t, ' ?\[\]$', '');
    t := CASE t WHEN 'string' THEN 'text' WHEN 'number' THEN 'numeric' WHEN 'long' THEN 'bigint'
                WHEN 'double' THEN 'double precision' WHEN 'datetime' THEN 'timestamp with time zone'
                WHEN 'object' THEN 'jsonb' WHEN 'array' THEN 'jsonb' ELSE t END;
    IF t !~ '^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*$' THEN
        RETURN;
    END IF;
    BEGIN
        base := pg_catalog.to_regtype(t);
    EXCEPTION WHEN OTHERS THEN
        RETURN;
    END;
    SELECT y.typmodin INTO modin FROM pg_catalog.pg_type AS y
     WHERE y.oid = base AND y.typnamespace = 'pg_catalog'::regnamespace AND y.typisdefined
       AND y.typtype IN ('b', 'r', 'm', 'e', 'd') AND y.typcategory NOT IN ('A', 'P');
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF mods IS NOT NULL THEN
        IF modin = 0 THEN
            RETURN;
        END IF;
        BEGIN
            EXECUTE format('SELECT pg_catalog.%I($1)', modin::text) INTO typmod USING mods::cstring[];
        EXCEPTION WHEN OTHERS THEN
            typmod := -1;
            RETURN;
        END;
    END IF;
    type_oid := CASE WHEN is_array THEN (SELECT y.typarray FROM pg_catalog.pg_type AS y WHERE y.oid = base) ELSE base END;
    IF type_oid IS NULL OR type_oid = 0 THEN
        type_oid := NULL;
        RETURN;
    END IF;
    sql_type := pg_catalog.format_type(type_oid, NULLIF(typmod, -1));
END
$$;
COMMENT ON FUNCTION meshcat_internal.field_pg_type(text) IS
    'Internal: the PostgreSQL type (OID, typmod, SQL spelling) a contract''s field type resolves to: built-in names and aliases, and ODCS logical types; NULLs when none.';

-- Records a relation mesh_provision has just created (with the caller's rights) as bound to
-- its port: the binding rule is judged again here, for the acting role.
CREATE FUNCTION meshcat_internal.bind_provisioned(pid text, ver @extschema@.semver, port text, location text, rel oid)
RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    why text;
BEGIN
    PERFORM meshcat_internal.require_domain_owner((SELECT p.domain FROM @extschema@.product AS p WHERE p.id = pid), 'provision data products');
    PERFORM meshcat_internal.take_binding_turn();
    why := meshcat_internal.binding_refusal(pid, rel, actor);
    IF why IS NOT NULL THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to bind relation %s to output port "%s" of data product "%s"', rel::regclass, port, pid),
            format('The %s.', why), NULL);
    END IF;
    PERFORM meshcat_internal.write_binding(pid, ver, port, location, rel, 'provisioned', actor);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.bind_provisioned(text, @extschema@.semver, text, text, oid) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.bind_provisioned(text, @extschema@.semver, text, text, oid) IS
    'Internal: binds a relation mesh_provision created to its output port (the binding rule judged for the acting role).';

-- The CHECK constraints a field's declared quality makes certain: an invalidValues check that
-- allows no invalid value (mustBe 0, or no operator; unit rows; severity error) with
-- arguments.validValues (col IN (...)) or arguments.pattern (col::text ~ pattern). Thresholds
-- (some invalid values allowed, percentages, warnings) are measurements, not constraints.
CREATE FUNCTION meshcat_internal.field_checks(col text, field jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE
RETURN ARRAY(
    SELECT CASE WHEN pg_catalog.jsonb_typeof(q OPERATOR(pg_catalog.#>) '{arguments,validValues}') OPERATOR(pg_catalog.=) 'array'
                THEN pg_catalog.format('CHECK (%I IN (%s))', col,
                         (SELECT pg_catalog.string_agg(pg_catalog.format('%L', x), ', ' ORDER BY n)
                            FROM pg_catalog.jsonb_array_elements_text(q OPERATOR(pg_catalog.#>) '{arguments,validValues}') WITH ORDINALITY AS e(x, n)))
                ELSE pg_catalog.format('CHECK (%I::text ~ %L)', col, q OPERATOR(pg_catalog.#>>) '{arguments,pattern}') END
      FROM pg_catalog.jsonb_array_elements(coalesce(field OPERATOR(pg_catalog.->) 'quality', '[]')) WITH ORDINALITY AS c(q, n)
     WHERE coalesce(q OPERATOR(pg_catalog.->>) 'metric', q OPERATOR(pg_catalog.->>) 'rule') OPERATOR(pg_catalog.=) 'invalidValues'
       AND coalesce(q OPERATOR(pg_catalog.->>) 'severity', 'error') OPERATOR(pg_catalog.=) 'error'
       AND coalesce(q OPERATOR(pg_catalog.->>) 'unit', 'rows') OPERATOR(pg_catalog.=) 'rows'
       AND (q OPERATOR(pg_catalog.->) 'mustBe' OPERATOR(pg_catalog.=) '0'
            OR NOT q OPERATOR(pg_catalog.?|) ARRAY['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan',
                                                  'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'])
       AND (pg_catalog.jsonb_array_length(CASE WHEN pg_catalog.jsonb_typeof(q OPERATOR(pg_catalog.#>) '{arguments,validValues}') OPERATOR(pg_catalog.=) 'array'
                                               THEN q OPERATOR(pg_catalog.#>) '{arguments,validValues}' END) OPERATOR(pg_catalog.>) 0
            OR pg_catalog.jsonb_typeof(q OPERATOR(pg_catalog.#>) '{arguments,pattern}') OPERATOR(pg_catalog.=) 'string')
     ORDER BY n);
COMMENT ON FUNCTION meshcat_internal.field_checks(text, jsonb) IS
    'Internal: the CHECK constraints (SQL) a field''s invalidValues checks that allow no invalid value make: valid values, or a pattern.';

-- mesh_provision: creates, for each table port of a version located in this database, the
-- schema if missing and the table its contract describes, gives them to the domain's owner
-- role, and binds the port; a view port is skipped (a view's definition is not in the
-- contract). It runs with the caller's rights (DECISIONS.md section 5): the caller needs to be
-- able to create the schema or the table, and to be a member of the owner role. Idempotent: a
-- port already bound is 'unchanged' (meshcat only checks it: mesh_drift). It never touches a
-- relation it did not create: one that exists at the location and is not bound to the port
-- is refused (42P07).
CREATE FUNCTION @extschema@.mesh_provision(id text, version @extschema@.semver DEFAULT NULL)
RETURNS TABLE (object text, action text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version;
    dom @extschema@.domain;
    me name := CURRENT_USER;
    su boolean := meshcat_internal.role_is_superuser(CURRENT_USER);
    p record;
    f record;
    t record;
    parts text[];
    rel oid;
    cols text[];
    pk text[];
    uniq text[];
BEGIN
    IF version IS NULL THEN
        SELECT pv.* INTO v FROM @extschema@.product_version AS pv
          JOIN meshcat_internal.current_version AS c ON c.version_id = pv.id
         WHERE c.product_id = id;
        IF NOT FOUND THEN
            PERFORM meshcat_internal.raise_error('23503', format('data product "%s" does not exist', id), NULL,
                'SELECT id FROM mesh_products lists the registered products.');
        END IF;
    ELSE
        v := meshcat_internal.lifecycle_target(id, version);
    END IF;
    SELECT d.* INTO dom FROM @extschema@.domain AS d JOIN @extschema@.product AS x ON x.domain = d.name WHERE x.id = v.product_id;
    PERFORM meshcat_internal.require_domain_owner(dom.name, 'provision data products');
    IF v.status = 'retired' THEN
        PERFORM meshcat_internal.raise_error('55000',
            format('version %s of data product "%s" is retired', v.version, v.product_id),
            'A retired version serves nothing: its ports are not provisioned.', 'Provision a version that is not retired.');
    END IF;
    IF NOT su AND NOT pg_catalog.pg_has_role(me, dom.owner_role, 'MEMBER') THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to provision data product "%s"', v.product_id),
            format('mesh_provision creates tables with the caller''s rights and gives them to role "%s", the owner of domain "%s"; role "%s" is not a member of it.',
                   dom.owner_role, dom.name, me),
            format('Run it as a member of "%s" (SET ROLE %I).', dom.owner_role, dom.owner_role));
    END IF;
    -- table ports first (in their order), then view ports
    FOR p IN SELECT o ->> 'name' AS name, o ->> 'type' AS kind, o ->> 'location' AS location, o ->> 'description' AS description,
                    coalesce(o -> 'schema', '[]') AS fields, n - 1 AS idx
               FROM pg_catalog.jsonb_array_elements(coalesce(v.descriptor -> 'outputs', '[]')) WITH ORDINALITY AS x(o, n)
              WHERE o ->> 'type' IN ('table', 'view')
              ORDER BY o ->> 'type' = 'view', n LOOP
        parts := meshcat_internal.location_parts(p.location);
        IF parts IS NULL THEN
            object := format('%s port %s', p.kind, p.name); action := 'skipped';
            RAISE NOTICE '%', format('output port "%s" is not provisioned: %s', p.name,
                                     CASE WHEN p.location IS NULL THEN 'it has no location'
                                          ELSE format('its location "%s" is not a schema-qualified name of this database', p.location) END);
            RETURN NEXT;
            CONTINUE;
        END IF;
        object := format('%s %I.%I', p.kind, parts[1], parts[2]);
        IF parts[1] IN ('information_schema', '@extschema@', 'meshcat_internal') OR parts[1] LIKE 'pg\_%' THEN
            PERFORM meshcat_internal.raise_error('22023',
                format('output port "%s" of data product "%s" is located in schema "%s"', p.name, v.product_id, parts[1]),
                'A product''s tables are never provisioned in the system''s schemas or meshcat''s own.',
                'Locate the port in a schema of the product''s domain.');
        END IF;
        IF meshcat_internal.port_relation(v.product_id, v.version, p.name) IS NOT NULL THEN
            action := 'unchanged';
            RETURN NEXT;
            CONTINUE;
        END IF;
        rel := meshcat_internal.location_relation(p.location);
        -- the relation of another version of this product (provisioned or adopted for it):
        -- this version inherits it
        IF rel IS NOT NULL AND EXISTS (SELECT FROM meshcat_internal.port_binding AS b
                                        WHERE b.relation_oid = rel AND b.product_id = v.product_id) THEN
            PERFORM meshcat_internal.bind_provisioned(v.product_id, v.version, p.name, p.location, rel);
            action := 'bound';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF rel IS NOT NULL THEN
            PERFORM meshcat_internal.raise_error('42P07',
                format('relation %s already exists and is not bound to output port "%s" of data product "%s"', rel::regclass, p.name, v.product_id),
                'mesh_provision creates only relations that do not exist, and never changes one it did not create.',
                'If the relation is the product''s, a member of its owner role binds it with SELECT * FROM mesh_adopt(id, port) (meshcat then checks it against the contract: mesh_drift); else choose another location.');
        END IF;
        IF p.kind = 'view' THEN
            action := 'skipped';
            RAISE NOTICE '%', format('output port "%s" is not provisioned: a view''s definition is not in the contract', p.name)
                USING HINT = 'Create the view, then bind it with SELECT * FROM mesh_adopt(id, port).';
            RETURN NEXT;
            CONTINUE;
        END IF;
        -- the columns, each type resolved before anything is created
        cols := '{}'; pk := '{}'; uniq := '{}';
        FOR f IN SELECT e AS field, e ->> 'name' AS name, n - 1 AS idx
                   FROM pg_catalog.jsonb_array_elements(p.fields) WITH ORDINALITY AS y(e, n) ORDER BY n LOOP
            t := meshcat_internal.field_pg_type(f.field ->> 'type');
            IF t.type_oid IS NULL THEN
                PERFORM meshcat_internal.raise_error('22023',
                    format('unknown field type "%s" at $.outputs[%s].schema[%s].type', f.field ->> 'type', p.idx, f.idx),
                    'mesh_provision creates columns of built-in PostgreSQL types (their names and aliases: int, varchar(10), timestamptz, numeric(12,2), text[]) and of the logical types string, number, integer, boolean, date, timestamp, object, array.',
                    'Declare the field with a PostgreSQL type.');
            END IF;
            cols := cols || (format('%I %s', f.name, t.sql_type)
                             || CASE WHEN (f.field ->> 'required')::boolean OR (f.field ->> 'primary_key')::boolean THEN ' NOT NULL' ELSE '' END
                             || coalesce(' ' || pg_catalog.array_to_string(meshcat_internal.field_checks(f.name, f.field), ' '), ''));
            IF (f.field ->> 'primary_key')::boolean THEN
                pk := pk || format('%I', f.name);
            ELSIF (f.field ->> 'unique')::boolean THEN
                uniq := uniq || format('UNIQUE (%I)', f.name);
            END IF;
        END LOOP;
        IF pg_catalog.cardinality(pk) > 0 THEN
            cols := cols || format('PRIMARY KEY (%s)', pg_catalog.array_to_string(pk, ', '));
        END IF;
        -- with a single-column primary key, that column's unique is the key itself
        cols := cols || uniq;
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace AS s WHERE s.nspname = parts[1]) THEN
            IF NOT pg_catalog.has_database_privilege(me, pg_catalog.current_database(), 'CREATE') THEN
                PERFORM meshcat_internal.raise_error('42501',
                    format('permission denied to create schema "%s" for data product "%s"', parts[1], v.product_id),
                    format('mesh_provision runs with the caller''s rights, and role "%s" may not create schemas in database "%s".', me, pg_catalog.current_database()),
                    format('Ask the database owner to create it (CREATE SCHEMA %I AUTHORIZATION %I), or to GRANT CREATE ON DATABASE %I TO %I.',
                           parts[1], dom.owner_role, pg_catalog.current_database(), me));
            END IF;
            EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', parts[1], dom.owner_role);
            RETURN QUERY SELECT format('schema %I', parts[1]), 'created'::text;
        ELSIF NOT su AND NOT (pg_catalog.has_schema_privilege(me, parts[1], 'CREATE')
                             AND pg_catalog.has_schema_privilege(dom.owner_role, parts[1], 'CREATE')) THEN
            PERFORM meshcat_internal.raise_error('42501',
                format('permission denied to create relations in schema "%s" for data product "%s"', parts[1], v.product_id),
                format('mesh_provision creates the table as role "%s" and gives it to role "%s"; both need CREATE on the schema.', me, dom.owner_role),
                format('Ask the schema''s owner to GRANT CREATE ON SCHEMA %I TO %I.', parts[1], dom.owner_role));
        END IF;
        EXECUTE format('CREATE TABLE %I.%I (%s)', parts[1], parts[2], pg_catalog.array_to_string(cols, ', '));
        rel := meshcat_internal.location_relation(p.location);
        IF pg_catalog.pg_get_userbyid((SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = rel)) <> dom.owner_role THEN
            EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', parts[1], parts[2], dom.owner_role);
        END IF;
        IF p.description IS NOT NULL THEN
            EXECUTE format('COMMENT ON TABLE %I.%I IS %L', parts[1], parts[2], p.description);
        END IF;
        FOR f IN SELECT e ->> 'name' AS name, e ->> 'description' AS description
                   FROM pg_catalog.jsonb_array_elements(p.fields) AS e WHERE e ? 'description' LOOP
            EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', parts[1], parts[2], f.name, f.description);
        END LOOP;
        PERFORM meshcat_internal.bind_provisioned(v.product_id, v.version, p.name, p.location, rel);
        action := 'created';
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_provision(text, @extschema@.semver) IS
    'Creates, with the caller''s rights, the schema and table of each table port of a version (default: the current one) located here, from its contract (types, NOT NULL, keys, CHECKs, comments), owned by the domain''s owner role, and binds the port; idempotent; never touches a relation it did not create.';
