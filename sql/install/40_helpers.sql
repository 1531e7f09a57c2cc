-- 40_helpers: internal helpers that the later layers share. Who the acting role is and what it
-- may do (superuser, administrator, domain owner; the 42501 refusals), the one restore signal
-- (is_restore), errors that name a document of a stream, which version represents a product
-- and which domains contain one (current_version and domain_scope: views, here rather than in
-- 85_views because functions read them: reevaluate_policy in 55_rules, mesh_check and
-- mesh_policy_dry_run in 65_lifecycle, mesh_search in 80_search; and views that read them bind
-- them when created), the policies that apply to a product and its exemptions, the consumers
-- that need a version, event emission, and the C functions that walk product lineage and call
-- checking functions.
-- Uses: 00_schema, 10_semver, 15_types, 30_tables.

-- Whether a role is a superuser.
-- PL/pgSQL rather than SQL: it runs once per written catalog row, and PL/pgSQL keeps its plan
-- (a SQL function with a sub-SELECT is never inlined, and is planned on every call: 30 times
-- slower here).
CREATE FUNCTION meshcat_internal.role_is_superuser(role name) RETURNS boolean
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = role), false);
END
$$;
COMMENT ON FUNCTION meshcat_internal.role_is_superuser(name) IS
    'Whether the role is a superuser.';

-- The one restore signal: a row being inserted is a restored one when a superuser writes a row
-- that was created before this transaction began (pg_dump | psql, pg_restore, with COPY or
-- INSERTs, in any number of jobs). Everyone else gets the server's timestamps, so nobody else
-- can write history. Restored documents skip the rules and the audit (the dump holds their
-- trail) but are derived again (50_derivation).
CREATE FUNCTION meshcat_internal.is_restore(created timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
RETURN created OPERATOR(pg_catalog.<) pg_catalog.transaction_timestamp()
   AND meshcat_internal.role_is_superuser(@extschema@.mesh_acting_role());
COMMENT ON FUNCTION meshcat_internal.is_restore(timestamptz) IS
    'Whether a row created at that time and written now by the acting role is being restored (a superuser loading history).';

-- The role meshcat set up for a purpose (reader, steward, admin), if it still is that role:
-- a role dropped and re-created under the same name is not it.
-- PL/pgSQL so that its plan is kept: it runs for every ownership check.
CREATE FUNCTION meshcat_internal.setup_role_oid(purpose text) RETURNS oid
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT r.oid FROM meshcat_internal.setup_role AS s
              JOIN pg_catalog.pg_roles AS r ON r.oid OPERATOR(pg_catalog.=) s.role_oid
                                            AND r.rolname OPERATOR(pg_catalog.=) s.role_name
             WHERE s.purpose OPERATOR(pg_catalog.=) setup_role_oid.purpose);
END
$$;
COMMENT ON FUNCTION meshcat_internal.setup_role_oid(text) IS
    'The OID of the role mesh_setup_roles() created or adopted for a purpose, or NULL.';

-- Whether a role is a governance administrator: a superuser, or a role that can use the
-- privileges of the meshcat_admin role that mesh_setup_roles() recorded (USAGE: a NOINHERIT
-- member must SET ROLE first). Never NULL: unknown roles are not administrators.
CREATE FUNCTION @extschema@.mesh_is_admin(role name DEFAULT @extschema@.mesh_acting_role()) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    admin oid;
BEGIN
    IF meshcat_internal.role_is_superuser(role) THEN
        RETURN true;
    END IF;
    admin := meshcat_internal.setup_role_oid('admin');
    RETURN admin IS NOT NULL
       AND EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) role)
       AND pg_catalog.pg_has_role(role, admin, 'USAGE');
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_is_admin(name) IS
    'Whether a role (by default the acting role) is a governance administrator: a superuser, or able to use the privileges of meshcat_admin.';

-- Whether a role owns a domain: it can use the privileges of the domain's owner role, or it is
-- a governance administrator. Never NULL: an unknown domain or role is owned by no one.
CREATE FUNCTION @extschema@.mesh_owns_domain(domain text, role name DEFAULT @extschema@.mesh_acting_role())
RETURNS boolean
    -- PL/pgSQL, not SQL: a SQL function with a subquery is not inlined, and is planned again
    -- on every call (twice a registration)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN COALESCE(@extschema@.mesh_is_admin(role)
        OR EXISTS (SELECT FROM @extschema@.domain AS d
                     JOIN pg_catalog.pg_roles AS o ON o.rolname = d.owner_role
                    WHERE d.name = domain
                      AND EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = role)
                      AND pg_catalog.pg_has_role(role, o.oid, 'USAGE')), false);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_owns_domain(text, name) IS
    'Whether a role (by default the acting role) may change a domain''s products, versions and policies.';

-- Raises 42501 unless the acting role owns the domain; what says what was attempted.
CREATE FUNCTION meshcat_internal.require_domain_owner(domain text, what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    owner_role name := (SELECT d.owner_role FROM @extschema@.domain AS d WHERE d.name = domain);
BEGIN
    IF @extschema@.mesh_owns_domain(domain, actor) IS NOT TRUE THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to %s in domain "%s"', what, domain),
            format('Only members of role "%s" (the owner of domain "%s") or of "meshcat_admin" may; role "%s" is neither.',
                   owner_role, domain, actor),
            format('Act as a member of "%s" (GRANT %I TO ...; SET ROLE %I), or ask the domain''s owners.',
                   owner_role, owner_role, owner_role));
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_domain_owner(text, text) IS
    'Raises 42501 naming the owner role unless the acting role owns the domain.';

-- Raises 42501 unless the acting role is a governance administrator.
CREATE FUNCTION meshcat_internal.require_admin(what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF @extschema@.mesh_is_admin() IS NOT TRUE THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to %s', what),
            format('Only governance administrators (members of role "meshcat_admin") may; role "%s" is not one.',
                   @extschema@.mesh_acting_role()),
            'Ask a governance administrator, or act as a member of "meshcat_admin".');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_admin(text) IS
    'Raises 42501 unless the acting role is a governance administrator.';

-- How long a pruning function keeps rows: the retention setting it is given (meshcat.*_retention,
-- superuser-only, an interval), or 22023 naming it. Called after require_admin, which has loaded
-- the library: before that, any role may SET a placeholder of the same name, which loading it
-- discards.
CREATE FUNCTION meshcat_internal.retention(setting_name text) RETURNS interval
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    setting text := current_setting(setting_name);
    keep interval;
BEGIN
    BEGIN
        keep := setting::interval;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
        keep := NULL;
    END;
    IF keep IS NULL OR keep < interval '0' THEN
        PERFORM meshcat_internal.raise_error('22023',
            format('invalid value for %s: "%s"', setting_name, setting),
            NULL,
            format('Set it to a positive interval, such as ''%s'' (its default), in postgresql.conf or with ALTER DATABASE ... SET %s, as a superuser.',
                   (SELECT s.boot_val FROM pg_catalog.pg_settings AS s WHERE s.name = setting_name), setting_name));
    END IF;
    RETURN keep;
END
$$;
COMMENT ON FUNCTION meshcat_internal.retention(text) IS
    'Internal: the interval a retention setting holds, or 22023 naming the setting.';

-- Raises a 23514 for a refused lifecycle or contract change.
CREATE FUNCTION meshcat_internal.raise_contract(message text, detail text, hint text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.raise_error('23514', message, detail, hint);
END
$$;
COMMENT ON FUNCTION meshcat_internal.raise_contract(text, text, text) IS
    'Raises 23514 with a message, DETAIL and HINT.';

-- The OID of the acting role, who approves what it writes.
CREATE FUNCTION @extschema@.mesh_acting_role_oid() RETURNS oid
    LANGUAGE sql STABLE
RETURN (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = @extschema@.mesh_acting_role());
COMMENT ON FUNCTION @extschema@.mesh_acting_role_oid() IS
    'The OID of the acting role (mesh_acting_role()).';

-- Names a document of a stream: its number, and the line it starts on when known (a stream of
-- several documents; in a stream of one, the document is the whole text).
CREATE FUNCTION meshcat_internal.document_label(docno int, line int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'document ' OPERATOR(pg_catalog.||) docno
       OPERATOR(pg_catalog.||) coalesce(' (line ' OPERATOR(pg_catalog.||) line OPERATOR(pg_catalog.||) ')', '');
COMMENT ON FUNCTION meshcat_internal.document_label(int, int) IS
    'Internal: "document N (line L)", or "document N" when the line is NULL.';

-- Raises the error for a document that breaks the descriptor format (22023).
CREATE FUNCTION meshcat_internal.raise_invalid_descriptor(docno int, path text, problem text,
                                                     hint text DEFAULT NULL, line int DEFAULT NULL) RETURNS void
    -- STABLE, like raise_contract: it only raises, so whoever meets the refusal may run it.
    LANGUAGE sql STABLE
RETURN meshcat_internal.raise_error('22023',
    format('invalid descriptor: %s, %s: %s', meshcat_internal.document_label(docno, line), path, problem), NULL,
    coalesce(hint, 'The format is described in docs/descriptor.md and by mesh_descriptor_schema().'));
COMMENT ON FUNCTION meshcat_internal.raise_invalid_descriptor(int, text, text, text, int) IS
    'Raises 22023 naming the document number (and line) and the JSON path of the problem.';

-- Raises the error for a reference to something that does not exist (23503).
CREATE FUNCTION meshcat_internal.raise_unknown_reference(docno int, path text, what text, hint text,
                                                    line int DEFAULT NULL) RETURNS void
    LANGUAGE sql STABLE
RETURN meshcat_internal.raise_error('23503',
    format('unknown reference: %s, %s: %s does not exist', meshcat_internal.document_label(docno, line), path, what),
    NULL, hint);
COMMENT ON FUNCTION meshcat_internal.raise_unknown_reference(int, text, text, text, int) IS
    'Raises 23503 naming the document number (and line), the JSON path and what is missing.';

-- Which version represents a product: the highest published one, else the highest
-- deprecated, else the highest draft, else the highest retired.
CREATE VIEW meshcat_internal.current_version WITH (security_invoker) AS
SELECT DISTINCT ON (v.product_id) v.product_id, v.id AS version_id
  FROM @extschema@.product_version AS v
 ORDER BY v.product_id,
          pg_catalog.array_position('{published,deprecated,draft,retired}'::@extschema@.lifecycle_status[], v.status),
          v.version DESC;
COMMENT ON VIEW meshcat_internal.current_version IS
    'The version that represents each product (published first, then deprecated, draft, retired; highest first).';

-- Each domain with itself and its ancestors: a domain's policies cover its subdomains.
CREATE VIEW meshcat_internal.domain_scope WITH (security_invoker) AS
WITH RECURSIVE s (domain, ancestor, depth) AS (
    SELECT d.name::text, d.name::text, 0 FROM @extschema@.domain AS d
    UNION ALL
    SELECT s.domain, d.parent, s.depth OPERATOR(pg_catalog.+) 1
      FROM s JOIN @extschema@.domain AS d ON d.name OPERATOR(pg_catalog.=) s.ancestor
     WHERE d.parent IS NOT NULL AND s.depth OPERATOR(pg_catalog.<) 100
)
SELECT s.domain, s.ancestor FROM s;
COMMENT ON VIEW meshcat_internal.domain_scope IS
    'Each domain with itself and every ancestor: the domains whose policies apply to its products.';

-- A domain and its ancestors, walked up from it (the cost does not grow with the mesh).
-- PL/pgSQL for its cached plan: record_evaluations asks once a registration.
CREATE FUNCTION meshcat_internal.domain_ancestors(domain text) RETURNS text[]
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN ARRAY(
        WITH RECURSIVE tree (name, depth) AS (
            SELECT domain_ancestors.domain, 0
            UNION ALL
            SELECT d.parent, t.depth + 1
              FROM tree AS t JOIN @extschema@.domain AS d ON d.name = t.name
             WHERE d.parent IS NOT NULL AND t.depth < 100
        )
        SELECT t.name FROM tree AS t ORDER BY t.depth);
END
$$;
COMMENT ON FUNCTION meshcat_internal.domain_ancestors(text) IS
    'Internal: a domain and its ancestors, nearest first.';

-- The policies that apply to a product of a domain: global ones and those of its domain tree.
-- The tree is a subplan, walked once and only when a policy belongs to a domain: evaluating
-- a registration against global policies alone pays nothing for it.
CREATE FUNCTION meshcat_internal.applicable_policies(domain text) RETURNS SETOF @extschema@.policy
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT p.* FROM @extschema@.policy AS p
     WHERE p.domain IS NULL
        OR p.domain IN (SELECT pg_catalog.unnest(meshcat_internal.domain_ancestors(applicable_policies.domain)));
END;
COMMENT ON FUNCTION meshcat_internal.applicable_policies(text) IS
    'The policies that apply to products of a domain: global ones, the domain''s and its ancestors''.';

-- What a policy rule may read besides the descriptor, as SQL/JSON path variables
-- (docs/governance.md): $certification, the version's certification level ("bronze", "silver",
-- "gold") or null. Metadata kept beside the descriptor, so a rule reads it without it being
-- part of the contract. Every place that evaluates a rule passes these (a rule naming a
-- variable that is not passed fails with an error).
CREATE FUNCTION meshcat_internal.policy_vars(product_id text, version @extschema@.semver) RETURNS jsonb
    LANGUAGE sql STABLE
RETURN pg_catalog.jsonb_build_object('certification',
    (SELECT c.level FROM @extschema@.certification AS c
      WHERE c.product_id OPERATOR(pg_catalog.=) policy_vars.product_id
        AND c.version OPERATOR(@extschema@.=) policy_vars.version));
COMMENT ON FUNCTION meshcat_internal.policy_vars(text, @extschema@.semver) IS
    'Internal: the SQL/JSON path variables a policy rule reads beside a version''s descriptor: {"certification": level or null}.';

-- Whether a granted exemption from a policy covers a product now.
CREATE FUNCTION meshcat_internal.is_exempt(product_id text, policy_name text) RETURNS boolean
    LANGUAGE sql STABLE
RETURN EXISTS (SELECT FROM @extschema@.exemption AS x
                WHERE x.product_id OPERATOR(pg_catalog.=) is_exempt.product_id
                  AND x.policy_name OPERATOR(pg_catalog.=) is_exempt.policy_name
                  AND x.status OPERATOR(pg_catalog.=) 'granted' AND x.expires_at OPERATOR(pg_catalog.>) pg_catalog.now());
COMMENT ON FUNCTION meshcat_internal.is_exempt(text, text) IS
    'Whether a granted, unexpired exemption from the policy covers the product.';

-- Which active consumers need a version: product versions (published or deprecated) of other
-- products whose input range matches it and matches no other published version of it.
CREATE FUNCTION meshcat_internal.dependent_consumers(pid text, ver @extschema@.semver)
RETURNS TABLE (product_id text, version @extschema@.semver, version_range text)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT c.product_id, c.version, i.version_range
      FROM meshcat_internal.input_port AS i
      JOIN @extschema@.product_version AS c ON c.id OPERATOR(pg_catalog.=) i.version_id
     WHERE i.product_id OPERATOR(pg_catalog.=) pid
       AND c.product_id OPERATOR(pg_catalog.<>) pid
       AND c.status IN ('published', 'deprecated')
       AND (i.version_range IS NULL OR @extschema@.semver_satisfies(ver, i.version_range))
       AND NOT EXISTS (SELECT FROM @extschema@.product_version AS o
                        WHERE o.product_id OPERATOR(pg_catalog.=) pid AND o.status OPERATOR(pg_catalog.=) 'published'
                          AND o.version OPERATOR(@extschema@.<>) ver
                          AND (i.version_range IS NULL OR @extschema@.semver_satisfies(o.version, i.version_range)))
     ORDER BY c.product_id, c.version;
END;
COMMENT ON FUNCTION meshcat_internal.dependent_consumers(text, @extschema@.semver) IS
    'Active consumers (published or deprecated) whose input range matches the version and no other published version.';

-- Whether an administrator's mesh_retire(..., force => true) is retiring this version now:
-- the rules that keep a version for its consumers (55_rules, 83_access) then let it go.
-- mesh_retire sets meshcat_internal.retire_forced to the version's id for its one UPDATE; a role that
-- sets it by hand gains nothing unless it is an administrator, who may force anyway.
CREATE FUNCTION meshcat_internal.retire_forced(version_id bigint) RETURNS boolean
    LANGUAGE sql STABLE
RETURN pg_catalog.current_setting('meshcat_internal.retire_forced', true) OPERATOR(pg_catalog.=) version_id::text
   AND @extschema@.mesh_is_admin();
COMMENT ON FUNCTION meshcat_internal.retire_forced(bigint) IS
    'Internal: whether an administrator is forcing the retirement of the version (mesh_retire with force).';

-- Records one event and announces it on the channel meshcat, when the transaction commits,
-- as {"id", "event", "product", "version"}: at most a few hundred bytes, whatever the payload.
CREATE FUNCTION meshcat_internal.emit_event(kind text, product_id text, version @extschema@.semver, payload jsonb)
RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    eid bigint;
BEGIN
    INSERT INTO meshcat_internal.event (kind, product_id, version, payload)
    VALUES (kind, product_id, version, coalesce(payload, '{}'))
    RETURNING id INTO eid;
    PERFORM pg_catalog.pg_notify('meshcat', pg_catalog.jsonb_build_object(
        'event', kind, 'product', product_id, 'version', version::text, 'id', eid)::text);
    RETURN eid;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.emit_event(text, text, @extschema@.semver, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.emit_event(text, text, @extschema@.semver, jsonb) IS
    'Records an event in meshcat_internal.event and sends NOTIFY meshcat with its kind, product, version and id only.';

-- One violation event for the new violations of a version, if there are any.
CREATE FUNCTION meshcat_internal.notify_violations(product_id text, version @extschema@.semver,
                                              status @extschema@.lifecycle_status, policies text[]) RETURNS void
    LANGUAGE sql
BEGIN ATOMIC
    SELECT meshcat_internal.emit_event('violation', product_id, version,
                                  pg_catalog.jsonb_build_object('status', status, 'policies', pg_catalog.to_jsonb(policies)))
     WHERE pg_catalog.cardinality(policies) OPERATOR(pg_catalog.>) 0;
END;
REVOKE ALL ON FUNCTION meshcat_internal.notify_violations(text, @extschema@.semver, @extschema@.lifecycle_status, text[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.notify_violations(text, @extschema@.semver, @extschema@.lifecycle_status, text[]) IS
    'Sends a violation event naming the policies a version newly fails.';

-- The breadth-first walk over product lineage, in C (src/lineage.c): each reachable node once,
-- at its shortest depth, with the lowest of its shortest paths (node ids compared bytewise), in
-- order of depth then node. forward: downstream, else upstream. Stops at max_depth (NULL: no
-- limit), or after the level where target is found; via_version, when given, keeps only the
-- first-level edges whose version range admits it. truncated: a node at max_depth whose lineage
-- goes on. observed: walk the edges observed by OpenLineage events (lineage_observed_edge) as
-- well as the declared ones; the cycle checks leave it false. sql/lineage_engine.sql holds the
-- same walk as a recursive CTE and checks that both give the same rows.
CREATE FUNCTION meshcat_internal.lineage_walk(start text, forward boolean, max_depth int,
                                         target text DEFAULT NULL,
                                         via_version @extschema@.semver DEFAULT NULL,
                                         observed boolean DEFAULT false)
RETURNS TABLE (node text, depth int, path text[], truncated boolean)
    AS 'MODULE_PATHNAME', 'lineage_walk'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION meshcat_internal.lineage_walk(text, boolean, int, text, @extschema@.semver, boolean) IS
    'Breadth-first walk of product lineage from a node key: each reachable node once, at its shortest depth, with one shortest path; declared edges only unless observed is true.';

-- Why a role may not approve a checking function (NULL if it may): C, policy_call.c.
CREATE FUNCTION meshcat_internal.check_function_refusal(fn oid, author oid) RETURNS text
    AS 'MODULE_PATHNAME', 'check_function_refusal'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION meshcat_internal.check_function_refusal(oid, oid) IS
    'Why a role may not approve a checking function (NULL if it may): the rights it would run with must be the role''s, and its owner must hold them.';

-- Calls an approved checking function as its author, after checking it is still what was
-- approved: C, policy_call.c. Never executable by PUBLIC: the author is trusted.
CREATE FUNCTION meshcat_internal.call_check_function(fn oid, signature text, author oid, approved_secdef boolean,
                                               approved_owner oid, doc jsonb,
                                               OUT passed boolean, OUT error text)
    AS 'MODULE_PATHNAME', 'call_check_function'
    LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION meshcat_internal.call_check_function(oid, text, oid, boolean, oid, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.call_check_function(oid, text, oid, boolean, oid, jsonb) IS
    'Runs an approved checking function as the role that approved it, if it is still what was approved; a change or an error is a failure, with the reason.';

-- The certification levels, lowest first (the certification table's CHECK says the same).
CREATE FUNCTION meshcat_internal.certification_levels() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '{bronze,silver,gold}'::text[];
COMMENT ON FUNCTION meshcat_internal.certification_levels() IS
    'Internal: the certification levels, lowest first: bronze, silver, gold.';
