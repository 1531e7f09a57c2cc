-- 77_provision: self-serve provisioning (docs/contracts.md). mesh_provision creates the schema
-- and table a table port's contract describes, with the caller's rights (DECISIONS.md section
-- 5), gives them to the domain's owner role and binds the port (76_binding). field_pg_type says
-- which PostgreSQL type a contract's field type is; mesh_drift (78_drift) compares with it, and
-- with the foreign keys a contract's relationships declare (declared_foreign_keys,
-- foreign_key_state), which mesh_provision makes last (provision_foreign_keys).
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers, 45_validation
-- (descriptor_relationships), 65_lifecycle (lifecycle_target), 76_binding.

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

-- The foreign keys a version's contract declares (descriptor_relationships, 45_validation),
-- one row each, with the relation bound to its port and the one bound to its target port,
-- when there are: a target of this product is its port of the same version; a target of
-- another product (one among the version's inputs, as registration checked) is the port of
-- the newest version of it, bound here, that an input accepts.
CREATE FUNCTION meshcat_internal.declared_foreign_keys(pid text, ver @extschema@.semver)
RETURNS TABLE (port text, path text, rel oid, cols text[], target_product text, target_port text,
               target_rel oid, target_cols text[])
    LANGUAGE plpgsql STABLE ROWS 10
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT r.port, r.path, meshcat_internal.port_relation(pid, ver, r.port), r.from_fields, t.product, t.port,
           CASE WHEN t.product = pid THEN meshcat_internal.port_relation(pid, ver, t.port)
                ELSE (SELECT b.relation_oid FROM meshcat_internal.port_binding AS b
                       WHERE b.product_id = t.product AND b.port = t.port AND b.relation_oid IS NOT NULL
                         AND EXISTS (SELECT FROM jsonb_array_elements(coalesce(v.descriptor -> 'inputs', '[]')) AS i
                                      WHERE i ->> 'product' = t.product
                                        AND (NOT i ? 'version' OR @extschema@.semver_satisfies(b.version, i ->> 'version')))
                       ORDER BY b.version DESC LIMIT 1) END,
           ARRAY(SELECT regexp_replace(x.ref, '^.*[.]', '') FROM unnest(r.targets) WITH ORDINALITY AS x(ref, n) ORDER BY x.n)
      FROM @extschema@.product_version AS v,
           meshcat_internal.descriptor_relationships(v.descriptor) WITH ORDINALITY AS r(port, path, from_fields, from_paths, targets, to_paths, n),
           LATERAL (SELECT CASE WHEN r.targets[1] ~ '^[^.]+[.][^.]+[.][^.]+[.]'
                                THEN split_part(r.targets[1], '.', 1) || '.' || split_part(r.targets[1], '.', 2) ELSE pid END AS product,
                           CASE WHEN r.targets[1] ~ '^[^.]+[.][^.]+[.][^.]+[.]'
                                THEN split_part(r.targets[1], '.', 3) ELSE split_part(r.targets[1], '.', 1) END AS port) AS t
     WHERE v.product_id = pid AND v.version OPERATOR(@extschema@.=) ver
     ORDER BY r.n;
END
$$;
COMMENT ON FUNCTION meshcat_internal.declared_foreign_keys(text, @extschema@.semver) IS
    'Internal: the foreign keys a version''s contract declares, with the relations bound to their ports and target ports (NULL: not bound here).';

-- Where a declared foreign key stands on the relations: present (a foreign key of rel to
-- target_rel pairs the same columns, whatever its name: constraint_name), missing (it could be
-- made), or why it cannot be: unbound (no target relation here), not_table (either relation is
-- not a table), no_column (a column is missing on either side), no_key (the target columns
-- carry no primary key or unique constraint, which PostgreSQL requires).
CREATE FUNCTION meshcat_internal.foreign_key_state(rel oid, cols text[], target_rel oid, target_cols text[],
                                                   OUT state text, OUT constraint_name text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    want text;
BEGIN
    IF target_rel IS NULL OR NOT EXISTS (SELECT FROM pg_class AS c WHERE c.oid = target_rel) THEN
        state := 'unbound';
        RETURN;
    END IF;
    IF EXISTS (SELECT FROM pg_class AS c WHERE c.oid IN (rel, target_rel) AND c.relkind NOT IN ('r', 'p')) THEN
        state := 'not_table';
        RETURN;
    END IF;
    IF EXISTS (SELECT FROM unnest(cols, target_cols) AS p(c, t)
                WHERE NOT EXISTS (SELECT FROM pg_attribute AS a WHERE a.attrelid = rel AND a.attname = p.c AND a.attnum > 0 AND NOT a.attisdropped)
                   OR NOT EXISTS (SELECT FROM pg_attribute AS a WHERE a.attrelid = target_rel AND a.attname = p.t AND a.attnum > 0 AND NOT a.attisdropped)) THEN
        state := 'no_column';
        RETURN;
    END IF;
    want := (SELECT string_agg(quote_ident(p.c) || ' ' || quote_ident(p.t), ', ' ORDER BY p.c, p.t) FROM unnest(cols, target_cols) AS p(c, t));
    SELECT k.conname INTO constraint_name
      FROM pg_constraint AS k
     WHERE k.conrelid = rel AND k.contype = 'f' AND k.confrelid = target_rel
       AND (SELECT string_agg(quote_ident(a.attname) || ' ' || quote_ident(b.attname), ', ' ORDER BY a.attname::text, b.attname::text)
              FROM unnest(k.conkey, k.confkey) AS q(x, y)
              JOIN pg_attribute AS a ON a.attrelid = k.conrelid AND a.attnum = q.x
              JOIN pg_attribute AS b ON b.attrelid = k.confrelid AND b.attnum = q.y) = want
     ORDER BY k.conname LIMIT 1;
    IF FOUND THEN
        state := 'present';
        RETURN;
    END IF;
    -- PostgreSQL's own rule: a unique, immediate, non-partial index on exactly those columns
    state := CASE WHEN EXISTS (SELECT FROM pg_index AS i
                                WHERE i.indrelid = target_rel AND i.indisunique AND i.indimmediate AND i.indisvalid
                                  AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = cardinality(target_cols)
                                  AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text)
                                         FROM pg_attribute AS a WHERE a.attrelid = target_rel AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1]))
                                      = (SELECT array_agg(DISTINCT t ORDER BY t) FROM unnest(target_cols) AS t))
                  THEN 'missing' ELSE 'no_key' END;
END
$$;
COMMENT ON FUNCTION meshcat_internal.foreign_key_state(oid, text[], oid, text[]) IS
    'Internal: whether a declared foreign key is present on a relation (and its name), missing, or cannot be made (unbound, not_table, no_column, no_key).';

-- The name mesh_provision gives a foreign key, as PostgreSQL would (<table>_<columns>_fkey,
-- shortened to fit 63 bytes), with a number after it while another constraint of the table
-- has that name.
CREATE FUNCTION meshcat_internal.foreign_key_name(rel oid, cols text[]) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    base text := (SELECT c.relname::text FROM pg_class AS c WHERE c.oid = rel) || '_' || array_to_string(cols, '_');
    candidate text;
    n int := 0;
BEGIN
    LOOP
        candidate := base;
        WHILE octet_length(candidate || CASE WHEN n > 0 THEN n::text ELSE '' END || '_fkey') > 63 LOOP
            candidate := left(candidate, -1);
        END LOOP;
        candidate := candidate || '_fkey' || CASE WHEN n > 0 THEN n::text ELSE '' END;
        EXIT WHEN NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conrelid = rel AND k.conname = candidate);
        n := n + 1;
    END LOOP;
    RETURN candidate;
END
$$;
COMMENT ON FUNCTION meshcat_internal.foreign_key_name(oid, text[]) IS
    'Internal: the name mesh_provision gives a foreign key of a relation over columns (<table>_<columns>_fkey, as PostgreSQL would).';

-- Whether mesh_provision created a relation: its first binding (the one mesh_provision made
-- as it created it; later versions bind it as registered or provisioned) says provisioned. A
-- relation first bound at registration or adopted is not meshcat's to change (on a tie within
-- one transaction, neither is one bound otherwise too).
CREATE FUNCTION meshcat_internal.provisioned_relation(rel oid) RETURNS boolean
    LANGUAGE sql STABLE
RETURN coalesce((SELECT b.origin OPERATOR(pg_catalog.=) 'provisioned' FROM meshcat_internal.port_binding AS b
                  WHERE b.relation_oid OPERATOR(pg_catalog.=) rel
                  ORDER BY b.bound_at, b.origin OPERATOR(pg_catalog.=) 'provisioned', b.product_id, b.version, b.port LIMIT 1), false);
COMMENT ON FUNCTION meshcat_internal.provisioned_relation(oid) IS
    'Internal: whether mesh_provision created a relation (its first binding says provisioned).';

-- mesh_provision's last step: the foreign keys the version declares, on the relations
-- mesh_provision created (provisioned_relation: one bound at registration or adopted is only
-- checked, mesh_drift), once every table of the product exists. A key already there is
-- unchanged; one that cannot be made is skipped with a NOTICE saying why. Adding one needs the
-- REFERENCES privilege on the target columns, which another domain's table may not give the
-- caller: then 42501, and nothing of the provision stays.
CREATE FUNCTION meshcat_internal.provision_foreign_keys(pid text, ver @extschema@.semver)
RETURNS TABLE (object text, action text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    k record;
    me name := CURRENT_USER;
    name text;
    tcols text;
    tschema oid;
    owner text;
    why text;
    detail text;
BEGIN
    FOR k IN SELECT d.*, s.state, s.constraint_name
               FROM meshcat_internal.declared_foreign_keys(pid, ver) AS d,
                    LATERAL meshcat_internal.foreign_key_state(d.rel, d.cols, d.target_rel, d.target_cols) AS s
              WHERE d.rel IS NOT NULL
                AND meshcat_internal.provisioned_relation(d.rel) LOOP
        tcols := (SELECT string_agg(quote_ident(c), ', ' ORDER BY n) FROM unnest(k.target_cols) WITH ORDINALITY AS x(c, n));
        IF k.state = 'present' THEN
            object := format('foreign key %I on %s', k.constraint_name, k.rel::regclass);
            action := 'unchanged';
            RETURN NEXT;
            CONTINUE;
        END IF;
        name := meshcat_internal.foreign_key_name(k.rel, k.cols);
        object := format('foreign key %I on %s', name, k.rel::regclass);
        IF k.state <> 'missing' THEN
            action := 'skipped';
            RAISE NOTICE '%', format('foreign key (%s) of output port "%s" is not provisioned: %s',
                                     array_to_string(k.cols, ', '), k.port,
                                     CASE k.state
                                         WHEN 'unbound' THEN format('output port "%s" of data product "%s" is not bound to a relation of this database', k.target_port, k.target_product)
                                         WHEN 'not_table' THEN format('%s is not a table', k.target_rel::regclass)
                                         WHEN 'no_column' THEN format('relation %s or %s lacks a column it names', k.rel::regclass, k.target_rel::regclass)
                                         ELSE format('columns (%s) of %s carry no primary key or unique constraint', tcols, k.target_rel::regclass) END)
                USING HINT = CASE k.state
                                 WHEN 'unbound' THEN format('Provision (or adopt) the target port, then run mesh_provision(%L) again: it adds the key.', pid)
                                 WHEN 'no_key' THEN 'Declare the target fields primary_key or unique in their contract (a referenced key must be one), then provision again.'
                                 ELSE 'mesh_drift shows how the relations differ from their contracts.' END;
            RETURN NEXT;
            CONTINUE;
        END IF;
        tschema := (SELECT c.relnamespace FROM pg_class AS c WHERE c.oid = k.target_rel);
        IF NOT has_schema_privilege(me, tschema, 'USAGE')
           OR EXISTS (SELECT FROM unnest(k.target_cols) AS c WHERE NOT has_column_privilege(me, k.target_rel, c, 'REFERENCES')) THEN
            owner := (SELECT d.owner_role FROM @extschema@.domain AS d JOIN @extschema@.product AS p ON p.domain = d.name WHERE p.id = pid);
            PERFORM meshcat_internal.raise_error('42501',
                format('permission denied to reference %s from output port "%s" of data product "%s"', k.target_rel::regclass, k.port, pid),
                format('The contract declares FOREIGN KEY (%s) REFERENCES %s (%s); mesh_provision adds it with the caller''s rights, and role "%s" lacks %s. Nothing was provisioned.',
                       (SELECT string_agg(quote_ident(c), ', ' ORDER BY n) FROM unnest(k.cols) WITH ORDINALITY AS x(c, n)),
                       k.target_rel::regclass, tcols, me,
                       CASE WHEN NOT has_schema_privilege(me, tschema, 'USAGE') THEN format('USAGE on schema %I', tschema::regnamespace::text)
                            ELSE 'the REFERENCES privilege on those columns' END),
                format('Ask the owner of %s to GRANT %sREFERENCES (%s) ON %s TO %I, then provision again.',
                       k.target_rel::regclass,
                       CASE WHEN NOT has_schema_privilege(me, tschema, 'USAGE') THEN format('USAGE ON SCHEMA %I and ', tschema::regnamespace::text) ELSE '' END,
                       tcols, k.target_rel::regclass, owner));
        END IF;
        BEGIN
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %s (%s)', k.rel::regclass, name,
                           (SELECT string_agg(quote_ident(c), ', ' ORDER BY n) FROM unnest(k.cols) WITH ORDINALITY AS x(c, n)),
                           k.target_rel::regclass, tcols);
        EXCEPTION WHEN datatype_mismatch THEN
            -- the contract pairs fields whose types do not compare: its own error, without CONTEXT
            GET STACKED DIAGNOSTICS why = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
            PERFORM meshcat_internal.raise_error('42804',
                format('foreign key (%s) of output port "%s" of data product "%s" cannot be made: %s',
                       array_to_string(k.cols, ', '), k.port, pid, why),
                detail || ' (' || k.path || ')',
                'Declare the fields a relationship pairs with types PostgreSQL can compare (the same type, or both integers), in a new version.');
        END;
        action := 'created';
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.provision_foreign_keys(text, @extschema@.semver) IS
    'Internal: adds the foreign keys a version declares to the relations mesh_provision created for it (unchanged when present; skipped with a NOTICE when the target is not bound or has no key; 42501 without REFERENCES).';

-- mesh_provision: creates, for each table port of a version located in this database, the
-- schema if missing and the table its contract describes, gives them to the domain's owner
-- role, and binds the port; a view port is skipped (a view's definition is not in the
-- contract). It runs with the caller's rights (DECISIONS.md section 5): the caller needs to be
-- able to create the schema or the table, and to be a member of the owner role. Idempotent: a
-- port already bound is 'unchanged' (meshcat only checks it: mesh_drift). It never touches a
-- relation it did not create: one that exists at the location and is not bound to the port
-- is refused (42P07). Then the foreign keys, on the tables it created (provision_foreign_keys).
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
    -- then the foreign keys, once every table of the product exists (they may reference each other)
    RETURN QUERY SELECT * FROM meshcat_internal.provision_foreign_keys(v.product_id, v.version);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_provision(text, @extschema@.semver) IS
    'Creates, with the caller''s rights, the schema and table of each table port of a version (default: the current one) located here, from its contract (types, NOT NULL, keys, CHECKs, foreign keys, comments), owned by the domain''s owner role, and binds the port; idempotent; never touches a relation it did not create.';
