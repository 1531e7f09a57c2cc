-- 83_access: the consumer side (docs/access.md). A consumer role asks for an output port of a
-- product (mesh_request_access), an owner of the product's domain approves or denies it
-- (mesh_approve, mesh_deny), and for a port bound to a relation here (76_binding) the approval is
-- a real GRANT SELECT (and USAGE on its schema), made with the approver's own rights: mesh_approve
-- is SECURITY INVOKER, and writes its records through record_approval, which checks the ACL
-- for what was granted. Fields marked pii or classification restricted are withheld (the other
-- columns are granted one by one) unless the request names them and the product's access
-- rules allow the consumer. Every privilege an approval gave is a row of the grants ledger
-- (access_grant, 30_tables); revocation (mesh_revoke) and expiry (mesh_expire_access) revoke
-- those rows that no other active approval needs, as the role that granted them (the
-- relation's owner, never more: acl_as_role in C, since SET ROLE is refused in SECURITY
-- DEFINER). Auto-approval (the descriptor's access rules) grants as the relation's owner too.
-- Then subscriptions (the subscription view: a consuming product's inputs and approved
-- requests), the rules and announcements that need them (retirement refused while
-- subscriptions accept the version, deprecation and breaking majors told to subscribers), and
-- privilege drift (mesh_access_drift).
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers, 55_rules (audit_row),
-- 65_lifecycle (retire's force), 76_binding (port_relation).

-- The C helper that runs a GRANT or REVOKE meshcat built as a role (src/acl_as.c).
CREATE FUNCTION meshcat_internal.acl_as_role(role oid, stmt text) RETURNS void
    AS 'MODULE_PATHNAME', 'acl_as_role'
    LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION meshcat_internal.acl_as_role(oid, text) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.acl_as_role(oid, text) IS
    'Internal: runs one GRANT or REVOKE statement with the identity of a role, in a security-restricted operation.';

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON meshcat_internal.access_request
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('requested_at');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON meshcat_internal.access_grant
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('granted_at');

-- The access rules of one port of a descriptor (its access: section): the port's own keys
-- over the section's defaults. approval: required (default) or auto; allow: who may be granted
-- (NULL: anyone); sensitive: who may be granted the pii and restricted fields (NULL: nobody).
CREATE FUNCTION meshcat_internal.access_rules(doc jsonb, port text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
RETURN pg_catalog.jsonb_build_object(
    'approval', coalesce(doc OPERATOR(pg_catalog.#>>) ARRAY['access', 'ports', port, 'approval'],
                         doc OPERATOR(pg_catalog.#>>) '{access,approval}', 'required'),
    'allow', coalesce(doc OPERATOR(pg_catalog.#>) ARRAY['access', 'ports', port, 'allow'],
                      doc OPERATOR(pg_catalog.#>) '{access,allow}'),
    'sensitive', coalesce(doc OPERATOR(pg_catalog.#>) ARRAY['access', 'ports', port, 'sensitive'],
                          doc OPERATOR(pg_catalog.#>) '{access,sensitive}'));
COMMENT ON FUNCTION meshcat_internal.access_rules(jsonb, text) IS
    'Internal: the effective access rules of an output port (approval, allow, sensitive), the port''s own over the descriptor''s defaults.';

-- Whether a consumer is in an allow list: a name that is a registered domain admits members
-- of its owner role and requests on behalf of its products; any other name, members of the
-- role of that name. An absent list (NULL) admits everyone when open, nobody otherwise.
CREATE FUNCTION meshcat_internal.access_allowed(consumer regrole, for_product text, allow jsonb, open boolean)
RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF allow IS NULL OR jsonb_typeof(allow) <> 'array' THEN
        RETURN open;
    END IF;
    RETURN EXISTS (
        SELECT FROM jsonb_array_elements_text(allow) AS a(principal)
          LEFT JOIN @extschema@.domain AS d ON d.name = a.principal
          LEFT JOIN pg_roles AS dr ON dr.rolname = d.owner_role
          LEFT JOIN pg_roles AS r ON r.rolname = a.principal
         WHERE (d.name IS NOT NULL AND (split_part(for_product, '.', 1) = d.name
                                        OR (dr.oid IS NOT NULL AND pg_has_role(consumer, dr.oid, 'MEMBER'))))
            OR (d.name IS NULL AND r.oid IS NOT NULL AND pg_has_role(consumer, r.oid, 'MEMBER')));
END
$$;
COMMENT ON FUNCTION meshcat_internal.access_allowed(regrole, text, jsonb, boolean) IS
    'Internal: whether a consumer (acting for a product, or not) is in an access allow list of domains and roles.';

-- The version an access request is for: the highest published or deprecated version of the
-- product that its range accepts and that has the port; NULL when there is none. lock: share-
-- lock every version the range accepts (not retired), so that a retirement and an approval
-- take turns (83_access's rule on retirement reads the approvals).
CREATE FUNCTION meshcat_internal.access_version(pid text, port text, version_range text, lock boolean DEFAULT false)
RETURNS @extschema@.product_version
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v @extschema@.product_version;
BEGIN
    IF lock THEN
        PERFORM FROM @extschema@.product_version AS pv
         WHERE pv.product_id = pid AND pv.status IN ('published', 'deprecated')
           AND (version_range IS NULL OR @extschema@.semver_satisfies(pv.version, version_range))
         ORDER BY pv.version FOR SHARE;
    END IF;
    SELECT pv.* INTO v FROM @extschema@.product_version AS pv
     WHERE pv.product_id = pid AND pv.status IN ('published', 'deprecated')
       AND (version_range IS NULL OR @extschema@.semver_satisfies(pv.version, version_range))
       AND EXISTS (SELECT FROM meshcat_internal.output_port AS o WHERE o.version_id = pv.id AND o.name = port)
     ORDER BY pv.version DESC LIMIT 1;
    RETURN v;
END
$$;
COMMENT ON FUNCTION meshcat_internal.access_version(text, text, text, boolean) IS
    'Internal: the highest published or deprecated version of a product that a range accepts and that has the port (share-locked with lock).';

-- Whether a field is sensitive: marked pii, or classified restricted.
CREATE FUNCTION meshcat_internal.field_is_sensitive(f meshcat_internal.field) RETURNS boolean
    LANGUAGE sql IMMUTABLE
RETURN f.pii OR f.classification IS NOT DISTINCT FROM 'restricted'::@extschema@.classification;
COMMENT ON FUNCTION meshcat_internal.field_is_sensitive(meshcat_internal.field) IS
    'Internal: whether a field is withheld unless asked for and allowed (pii, or classification restricted).';

-- What an access request may be given, judged on a version (at the request and again at the
-- approval, since the rules are metadata and may change): the columns to grant (NULL: the
-- whole relation), whether a human must decide, or the refusal (42501, the reason in DETAIL;
-- 22023 for a column the port does not have).
CREATE FUNCTION meshcat_internal.access_judgement(v @extschema@.product_version, port text, consumer regrole,
                                                 for_product text, columns text[],
                                                 OUT grant_columns text[], OUT needs_human boolean)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rules jsonb := meshcat_internal.access_rules(v.descriptor, port);
    pport bigint := (SELECT o.id FROM meshcat_internal.output_port AS o WHERE o.version_id = v.id AND o.name = port);
    unknown text;
    sensitive text[];
    any_sensitive boolean;
    what text := format('output port "%s" of data product "%s"', port, v.product_id);
BEGIN
    SELECT string_agg(format('"%s"', c), ', ') INTO unknown
      FROM unnest(columns) AS c
     WHERE NOT EXISTS (SELECT FROM meshcat_internal.field AS f WHERE f.port_id = pport AND f.name = c);
    IF unknown IS NOT NULL THEN
        PERFORM meshcat_internal.raise_error('22023',
            format('%s has no field %s', what, unknown), NULL,
            format('SELECT name FROM mesh_fields WHERE product_id = %L AND port = %L lists its fields.', v.product_id, port));
    END IF;
    IF NOT meshcat_internal.access_allowed(consumer, for_product, rules -> 'allow', true) THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to grant %s to role "%s"', what, consumer),
            format('The access rules of data product "%s" allow only %s; role "%s"%s is not among them.',
                   v.product_id, rules -> 'allow', consumer, coalesce(' (for "' || for_product || '")', '')),
            'Ask the product''s owners to add the consumer to access.allow.');
    END IF;
    any_sensitive := EXISTS (SELECT FROM meshcat_internal.field AS f
                              WHERE f.port_id = pport AND meshcat_internal.field_is_sensitive(f));
    sensitive := ARRAY(SELECT f.name FROM meshcat_internal.field AS f
                        WHERE f.port_id = pport AND f.name = ANY (columns)
                          AND meshcat_internal.field_is_sensitive(f) ORDER BY f.position);
    IF (cardinality(sensitive) > 0 OR v.classification = 'restricted')
       AND NOT meshcat_internal.access_allowed(consumer, for_product, rules -> 'sensitive', false) THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to grant %s %s to role "%s"',
                   CASE WHEN cardinality(sensitive) > 0 THEN format('field %s of', array_to_string(sensitive, ', ')) ELSE 'restricted' END,
                   what, consumer),
            CASE WHEN cardinality(sensitive) > 0
                 THEN format('Fields %s are pii or restricted; the access rules of data product "%s" give them only to %s.',
                             array_to_string(sensitive, ', '), v.product_id, coalesce((rules -> 'sensitive')::text, 'nobody'))
                 ELSE format('Data product "%s" is classified restricted; its access rules give it only to %s.',
                             v.product_id, coalesce((rules -> 'sensitive')::text, 'nobody')) END,
            'Ask for the other columns only, or ask the product''s owners to add the consumer to access.sensitive.');
    END IF;
    IF columns IS NOT NULL THEN
        grant_columns := ARRAY(SELECT f.name FROM meshcat_internal.field AS f
                                WHERE f.port_id = pport AND f.name = ANY (columns) ORDER BY f.position);
    ELSIF any_sensitive THEN
        grant_columns := ARRAY(SELECT f.name FROM meshcat_internal.field AS f
                                WHERE f.port_id = pport AND NOT meshcat_internal.field_is_sensitive(f)
                                ORDER BY f.position);
    END IF;
    -- restricted data, and sensitive fields, always need a human
    needs_human := rules ->> 'approval' <> 'auto' OR v.classification = 'restricted' OR cardinality(sensitive) > 0;
END
$$;
COMMENT ON FUNCTION meshcat_internal.access_judgement(@extschema@.product_version, text, regrole, text, text[]) IS
    'Internal: what an access request may be given on a version (columns to grant, NULL: all; whether a human decides), or its refusal (42501, 22023).';

-- Makes deciders of access take turns (access_clock), once per transaction.
CREATE FUNCTION meshcat_internal.take_access_turn() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE meshcat_internal.access_clock SET changes = changes + 1 WHERE NOT meshcat_internal.xact_wrote(xmin);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.take_access_turn() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.take_access_turn() IS
    'Internal: makes approvals, revocations and expiries take turns (access_clock), once per transaction.';

-- The privileges an approval of a request gives on a relation: one row per privilege, with
-- the GRANT that gives it and the REVOKE that takes it back (columns NULL: SELECT on the
-- relation; else SELECT on those columns), and USAGE on the relation's schema.
CREATE FUNCTION meshcat_internal.access_privileges(rel regclass, consumer regrole, columns text[])
RETURNS TABLE (object_kind text, schema_name name, column_name name, privilege text, grant_sql text, revoke_sql text)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'schema', n.nspname, NULL::name, 'USAGE',
           pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %s', n.nspname, consumer),
           pg_catalog.format('REVOKE USAGE ON SCHEMA %I FROM %s', n.nspname, consumer)
      FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE c.oid OPERATOR(pg_catalog.=) rel
    UNION ALL
    SELECT 'table', n.nspname, NULL::name, 'SELECT',
           pg_catalog.format('GRANT SELECT ON TABLE %s TO %s', rel, consumer),
           pg_catalog.format('REVOKE SELECT ON TABLE %s FROM %s', rel, consumer)
      FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE c.oid OPERATOR(pg_catalog.=) rel AND columns IS NULL
    UNION ALL
    SELECT 'column', n.nspname, col::name, 'SELECT',
           pg_catalog.format('GRANT SELECT (%I) ON TABLE %s TO %s', col, rel, consumer),
           pg_catalog.format('REVOKE SELECT (%I) ON TABLE %s FROM %s', col, rel, consumer)
      FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace,
           pg_catalog.unnest(columns) AS col
     WHERE c.oid OPERATOR(pg_catalog.=) rel
       AND EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                    WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attname OPERATOR(pg_catalog.=) col
                      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped);
END;
COMMENT ON FUNCTION meshcat_internal.access_privileges(regclass, regrole, text[]) IS
    'Internal: the privileges an approval gives a consumer on a relation (schema USAGE, table or column SELECT), with the GRANT and REVOKE of each.';

-- The role recorded as having granted a privilege directly to a grantee now (the first, if
-- several did), or NULL when the grantee holds it from nobody: the ACL of the relation, its
-- column, or the schema.
CREATE FUNCTION meshcat_internal.acl_grantor(rel regclass, object_kind text, column_name name, privilege text, grantee regrole)
RETURNS regrole
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT pg_catalog.min(x.grantor::pg_catalog.int8)::pg_catalog.oid::pg_catalog.regrole FROM (
        SELECT e.grantor, e.grantee, e.privilege_type
          FROM pg_catalog.pg_class AS c, pg_catalog.aclexplode(c.relacl) AS e
         WHERE acl_grantor.object_kind OPERATOR(pg_catalog.=) 'table' AND c.oid OPERATOR(pg_catalog.=) acl_grantor.rel
        UNION ALL
        SELECT e.grantor, e.grantee, e.privilege_type
          FROM pg_catalog.pg_attribute AS a, pg_catalog.aclexplode(a.attacl) AS e
         WHERE acl_grantor.object_kind OPERATOR(pg_catalog.=) 'column' AND a.attrelid OPERATOR(pg_catalog.=) acl_grantor.rel
           AND a.attname OPERATOR(pg_catalog.=) acl_grantor.column_name
        UNION ALL
        SELECT e.grantor, e.grantee, e.privilege_type
          FROM pg_catalog.pg_class AS c
          JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace,
               pg_catalog.aclexplode(n.nspacl) AS e
         WHERE acl_grantor.object_kind OPERATOR(pg_catalog.=) 'schema' AND c.oid OPERATOR(pg_catalog.=) acl_grantor.rel
    ) AS x
     WHERE x.grantee OPERATOR(pg_catalog.=) acl_grantor.grantee::pg_catalog.oid
       AND x.privilege_type OPERATOR(pg_catalog.=) acl_grantor.privilege;
END;
COMMENT ON FUNCTION meshcat_internal.acl_grantor(regclass, text, name, text, regrole) IS
    'Internal: who is recorded as granting a privilege on a relation, one of its columns or its schema directly to a role now, or NULL.';

-- Records an access event for a request.
CREATE FUNCTION meshcat_internal.access_event(kind text, r meshcat_internal.access_request, extra jsonb DEFAULT '{}')
RETURNS void
    LANGUAGE sql
BEGIN ATOMIC
    SELECT meshcat_internal.emit_event(kind, r.product_id, NULL,
        pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'request', r.id, 'port', r.port, 'consumer', r.consumer::text, 'for_product', r.for_product,
            'version_range', r.version_range, 'until', r.until, 'status', r.status)) OPERATOR(pg_catalog.||) extra);
END;
REVOKE ALL ON FUNCTION meshcat_internal.access_event(text, meshcat_internal.access_request, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.access_event(text, meshcat_internal.access_request, jsonb) IS
    'Internal: records an access event (requested, approved, denied, granted, revoked, expired) naming the request, port and consumer.';

-- Writes the ledger of an approval from what the ACL now says: every privilege the approval
-- gives must be held by the consumer directly (else 42501: nothing is recorded, and the
-- transaction is refused), and is recorded with the role PostgreSQL names as its grantor.
-- held: the privileges ("schema", "table", "column:<name>") the consumer held before.
CREATE FUNCTION meshcat_internal.write_ledger(r meshcat_internal.access_request, rel regclass, columns text[], held text[])
RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
    grantor regrole;
    given jsonb := '[]';
BEGIN
    FOR p IN SELECT * FROM meshcat_internal.access_privileges(rel, r.consumer, columns) LOOP
        grantor := meshcat_internal.acl_grantor(rel, p.object_kind, p.column_name, p.privilege, r.consumer);
        -- USAGE the consumer has through PUBLIC or a membership is not granted, nor recorded
        CONTINUE WHEN grantor IS NULL AND p.object_kind = 'schema' AND has_schema_privilege(r.consumer, p.schema_name, 'USAGE');
        IF grantor IS NULL THEN
            PERFORM meshcat_internal.raise_error('42501',
                format('access request %s was not granted: role "%s" does not hold %s', r.id, r.consumer,
                       CASE p.object_kind WHEN 'schema' THEN format('USAGE on schema %I', p.schema_name)
                                          WHEN 'table' THEN format('SELECT on %s', rel)
                                          ELSE format('SELECT (%I) on %s', p.column_name, rel) END),
                'An approval is recorded only for what PostgreSQL shows was granted; nothing was recorded.',
                'Approve it as a role that may grant it (a member of the relation''s owner role).');
        END IF;
        -- revocation runs as the grantor, who must be able to name the relation then
        IF p.object_kind <> 'schema' AND NOT has_schema_privilege(grantor, p.schema_name, 'USAGE') THEN
            PERFORM meshcat_internal.raise_error('42501',
                format('access request %s was not granted: role "%s", its grantor, could not revoke it', r.id, grantor),
                format('Revocation and expiry run as the role that granted (%s), which has no USAGE on schema %I and so cannot name %s. Nothing was recorded.',
                       grantor, p.schema_name, rel),
                format('Give the relation''s owner USAGE on its schema (GRANT USAGE ON SCHEMA %I TO %s), then approve again.',
                       p.schema_name, grantor));
        END IF;
        INSERT INTO meshcat_internal.access_grant (request_id, object_kind, relation, schema_name, column_name, privilege,
                                                   grantee, grantor, held_before)
        VALUES (r.id, p.object_kind, rel, p.schema_name, p.column_name, p.privilege, r.consumer, grantor,
                (CASE p.object_kind WHEN 'column' THEN 'column:' || p.column_name ELSE p.object_kind END) = ANY (coalesce(held, '{}')));
        given := given || jsonb_build_object('object', p.object_kind, 'schema', p.schema_name, 'column', p.column_name,
                                             'privilege', p.privilege);
    END LOOP;
    RETURN jsonb_strip_nulls(jsonb_build_object('relation', rel::text, 'privileges', given));
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.write_ledger(meshcat_internal.access_request, regclass, text[], text[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.write_ledger(meshcat_internal.access_request, regclass, text[], text[]) IS
    'Internal: records in the grants ledger every privilege an approval gave, as the ACL shows it (42501 when one is missing).';

-- The privileges of an approval the consumer holds directly already, from a grant no active
-- approval made ("schema", "table", "column:<name>"): the approval gives them nothing, so its
-- end takes nothing. One an active approval gave is shared: the last approval to end takes it.
CREATE FUNCTION meshcat_internal.held_privileges(rel regclass, consumer regrole, columns text[]) RETURNS text[]
    LANGUAGE sql STABLE
RETURN ARRAY(SELECT CASE p.object_kind WHEN 'column' THEN 'column:' OPERATOR(pg_catalog.||) p.column_name ELSE p.object_kind END
               FROM meshcat_internal.access_privileges(rel, consumer, columns) AS p
              WHERE meshcat_internal.acl_grantor(rel, p.object_kind, p.column_name, p.privilege, consumer) IS NOT NULL
                AND NOT EXISTS (SELECT FROM meshcat_internal.access_grant AS g
                                  JOIN meshcat_internal.access_request AS q ON q.id OPERATOR(pg_catalog.=) g.request_id
                                 WHERE q.status OPERATOR(pg_catalog.=) 'approved' AND g.revoked_at IS NULL AND NOT g.held_before
                                   AND g.grantee::pg_catalog.oid OPERATOR(pg_catalog.=) held_privileges.consumer::pg_catalog.oid
                                   AND g.object_kind OPERATOR(pg_catalog.=) p.object_kind
                                   AND g.privilege OPERATOR(pg_catalog.=) p.privilege
                                   AND CASE WHEN p.object_kind OPERATOR(pg_catalog.=) 'schema'
                                            THEN g.schema_name OPERATOR(pg_catalog.=) p.schema_name
                                            ELSE g.relation::pg_catalog.oid OPERATOR(pg_catalog.=) held_privileges.rel::pg_catalog.oid
                                             AND g.column_name IS NOT DISTINCT FROM p.column_name END));
COMMENT ON FUNCTION meshcat_internal.held_privileges(regclass, regrole, text[]) IS
    'Internal: which of the privileges an approval would give a consumer already holds directly.';

-- A consumer that can use the rights of the relation's owner needs no grant, and a revocation
-- must never take the owner's own privileges: refused (55000).
CREATE FUNCTION meshcat_internal.require_not_owner(rel regclass, consumer regrole) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner regrole := (SELECT c.relowner::regrole FROM pg_class AS c WHERE c.oid = rel);
BEGIN
    IF rel IS NOT NULL AND pg_has_role(consumer, owner, 'USAGE') THEN
        PERFORM meshcat_internal.raise_error('55000',
            format('role "%s" needs no access to %s: it has the rights of its owner "%s"', consumer, rel, owner),
            'Access requests grant other roles what the relation''s owner has.',
            'Members of the owner role read it already: such a request can only be denied.');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_not_owner(regclass, regrole) IS
    'Internal: refuses (55000) to grant access to a relation to a role that has its owner''s rights already.';

-- The request a decision is about, locked; 22023 when a denial or revocation has no reason,
-- 23503 when the request does not exist, 55000 unless it is in the status the decision needs;
-- 42501 unless the acting role owns the product's domain.
CREATE FUNCTION meshcat_internal.decided_request(request bigint, needed text, what text, reason text DEFAULT NULL)
RETURNS meshcat_internal.access_request
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r meshcat_internal.access_request;
BEGIN
    IF what IN ('deny', 'revoke') AND coalesce(btrim(reason), '') = '' THEN
        PERFORM meshcat_internal.raise_error('22023',
            format('a %s needs a reason', CASE what WHEN 'deny' THEN 'denial' ELSE 'revocation' END), NULL,
            'Tell the consumer why.');
    END IF;
    PERFORM meshcat_internal.take_access_turn();
    SELECT * INTO r FROM meshcat_internal.access_request AS a WHERE a.id = request FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM meshcat_internal.raise_error('23503', format('access request %s does not exist', request), NULL,
            'SELECT * FROM mesh_access_requests lists the requests.');
    END IF;
    PERFORM meshcat_internal.require_domain_owner(split_part(r.product_id, '.', 1),
        format('%s access request %s for data product "%s"', what, r.id, r.product_id));
    IF r.status <> needed THEN
        PERFORM meshcat_internal.raise_error('55000',
            format('access request %s is %s, not %s', r.id, r.status, needed),
            format('Only %s request can be %s.', CASE needed WHEN 'approved' THEN 'an approved' ELSE 'a ' || needed END, CASE what WHEN 'approve' THEN 'approved' WHEN 'deny' THEN 'denied' ELSE 'revoked' END),
            CASE WHEN r.status = 'pending' THEN 'Deny a pending request with mesh_deny(request, reason).'
                 WHEN r.status = 'approved' THEN 'Revoke an approved request with mesh_revoke(request, reason).'
                 ELSE 'The consumer may ask again with mesh_request_access().' END);
    END IF;
    RETURN r;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.decided_request(bigint, text, text, text) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.decided_request(bigint, text, text, text) IS
    'Internal: the access request a decision is about, locked, after checking the reason, that it exists, is in the needed status and that the acting role owns its domain.';

-- What mesh_approve needs to grant: the request locked and judged again on the version it is
-- for (share-locked: a retirement waits), the bound relation (NULL: an external port, whose
-- approval is a record only) and the columns to grant. SECURITY DEFINER: it locks rows the
-- approver cannot lock; it changes nothing.
CREATE FUNCTION meshcat_internal.approval_target(request bigint,
                                                OUT r meshcat_internal.access_request, OUT rel regclass, OUT columns text[])
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v @extschema@.product_version;
    j record;
BEGIN
    r := meshcat_internal.decided_request(request, 'pending', 'approve');
    v := meshcat_internal.access_version(r.product_id, r.port, r.version_range, true);
    IF v.id IS NULL THEN
        PERFORM meshcat_internal.raise_error('55000',
            format('no published version of data product "%s" that access request %s accepts has output port "%s"',
                   r.product_id, r.id, r.port),
            format('The request accepts versions %s; they are retired, drafts, or lack the port.', coalesce(r.version_range, '*')),
            'Deny the request, or publish a version it accepts.');
    END IF;
    j := meshcat_internal.access_judgement(v, r.port, r.consumer, r.for_product, r.columns);
    rel := meshcat_internal.port_relation(v.product_id, v.version, r.port)::regclass;
    PERFORM meshcat_internal.require_not_owner(rel, r.consumer);
    columns := j.grant_columns;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.approval_target(bigint) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.approval_target(bigint) IS
    'Internal: the pending access request an approval is about (locked, judged again), its bound relation (NULL: external) and the columns to grant.';

-- Writes an approval whose GRANTs are done (none for an external port, rel NULL): the ledger
-- from the ACL (write_ledger), the request approved (how: human or auto), the events.
CREATE FUNCTION meshcat_internal.write_approval(r meshcat_internal.access_request, rel regclass, columns text[],
                                               held text[], how text, note text)
RETURNS meshcat_internal.access_request
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    given jsonb;
BEGIN
    IF rel IS NOT NULL THEN
        given := meshcat_internal.write_ledger(r, rel, columns, held);
    END IF;
    UPDATE meshcat_internal.access_request AS a
       SET status = 'approved', approval = how, decided_at = now(), decided_by = @extschema@.mesh_acting_role(),
           decision_note = note, relation = write_approval.rel
     WHERE a.id = r.id
    RETURNING * INTO r;
    PERFORM meshcat_internal.access_event('access_approved', r, jsonb_build_object('approval', how));
    IF given IS NOT NULL THEN
        PERFORM meshcat_internal.access_event('access_granted', r, given);
    END IF;
    RETURN r;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.write_approval(meshcat_internal.access_request, regclass, text[], text[], text, text) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.write_approval(meshcat_internal.access_request, regclass, text[], text[], text, text) IS
    'Internal: records an approval whose grants are done: the ledger from the ACL, the status, the events.';

-- Records an approval that mesh_approve has granted (or, for an external port, only decided).
-- The request, its relation and columns are judged again here, for the acting role.
CREATE FUNCTION meshcat_internal.record_approval(request bigint, note text, held text[])
RETURNS meshcat_internal.access_request
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record := meshcat_internal.approval_target(request);
BEGIN
    RETURN meshcat_internal.write_approval(t.r, t.rel, t.columns, held, 'human', note);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.record_approval(bigint, text, text[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.record_approval(bigint, text, text[]) IS
    'Internal: records an approval (ledger from the ACL, status, events) after mesh_approve granted it; judged again for the acting role.';

-- What the acting role lacks to grant an approval's privileges itself, or NULL: it must be able
-- to use the rights of the relation's owner (or be a superuser), or hold them WITH GRANT
-- OPTION; USAGE on the schema is needed only when the consumer has none.
CREATE FUNCTION meshcat_internal.grant_shortfall(rel regclass, consumer regrole, columns text[]) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me name := current_user;
    owner oid := (SELECT c.relowner FROM pg_class AS c WHERE c.oid = rel);
    nsp oid := (SELECT c.relnamespace FROM pg_class AS c WHERE c.oid = rel);
    missing text[] := '{}';
BEGIN
    IF meshcat_internal.role_is_superuser(me) THEN
        RETURN NULL;
    END IF;
    IF NOT pg_has_role(me, owner, 'USAGE') AND NOT has_table_privilege(me, rel, 'SELECT WITH GRANT OPTION')
       AND (columns IS NULL OR EXISTS (SELECT FROM unnest(columns) AS c
                                       WHERE NOT has_column_privilege(me, rel, c, 'SELECT WITH GRANT OPTION'))) THEN
        missing := missing || format('SELECT%s on %s WITH GRANT OPTION (or membership in its owner role "%s")',
                                     coalesce(' (' || array_to_string(columns, ', ') || ')', ''), rel, owner::regrole);
    END IF;
    IF NOT has_schema_privilege(consumer, nsp, 'USAGE')
       AND NOT pg_has_role(me, (SELECT n.nspowner FROM pg_namespace AS n WHERE n.oid = nsp), 'USAGE')
       AND NOT has_schema_privilege(me, nsp, 'USAGE WITH GRANT OPTION') THEN
        missing := missing || format('USAGE on schema %s WITH GRANT OPTION', nsp::regnamespace);
    END IF;
    RETURN CASE WHEN cardinality(missing) > 0 THEN array_to_string(missing, '; ') END;
END
$$;
COMMENT ON FUNCTION meshcat_internal.grant_shortfall(regclass, regrole, text[]) IS
    'Internal: what the current role lacks to grant an approval''s privileges with its own rights, or NULL.';

-- mesh_approve: SECURITY INVOKER, so the GRANTs are the approver's own (DECISIONS.md section 5):
-- meshcat never grants what the approver could not grant. A shortfall is refused before any
-- GRANT (42501), and any refusal leaves the request pending with no ledger row: it is one
-- transaction.
CREATE FUNCTION @extschema@.mesh_approve(request bigint, note text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record := meshcat_internal.approval_target(request);
    why text;
    held text[];
    p record;
BEGIN
    IF t.rel IS NOT NULL THEN
        why := meshcat_internal.grant_shortfall(t.rel, (t.r).consumer, t.columns);
        IF why IS NOT NULL THEN
            PERFORM meshcat_internal.raise_error('42501',
                format('permission denied to grant access request %s: role "%s" cannot grant it', request, current_user),
                format('Approval grants with the approver''s own rights; role "%s" lacks %s. Nothing was granted; the request stays pending.',
                       current_user, why),
                format('Approve it as a member of the relation''s owner role (SET ROLE %s).',
                       (SELECT c.relowner::regrole::text FROM pg_class AS c WHERE c.oid = t.rel)));
        END IF;
        held := meshcat_internal.held_privileges(t.rel, (t.r).consumer, t.columns);
        FOR p IN SELECT * FROM meshcat_internal.access_privileges(t.rel, (t.r).consumer, t.columns) LOOP
            -- USAGE the consumer already has (from anyone) is not granted again
            CONTINUE WHEN p.object_kind = 'schema' AND has_schema_privilege((t.r).consumer, p.schema_name, 'USAGE');
            EXECUTE p.grant_sql;
        END LOOP;
    END IF;
    PERFORM meshcat_internal.record_approval(request, note, held);
    RETURN 'approved';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_approve(bigint, text) IS
    'An owner of the product''s domain (or an administrator) approves a pending access request: for a bound port, GRANT SELECT (whole relation, or the allowed columns) and USAGE on its schema, with the approver''s own rights, recorded in the grants ledger.';

-- Ends an approval (revoked or expired): revokes each privilege of its ledger that it gave
-- (not held before) and that no other active approval of the same consumer still holds, as
-- the role that granted it (the relation's owner, or the approver that held the grant option:
-- never more), then grants again the column privileges of other active approvals that a
-- table-level REVOKE took with it (PostgreSQL revokes a table's column privileges with it).
CREATE FUNCTION meshcat_internal.end_access(r meshcat_internal.access_request, outcome text, reason text)
RETURNS meshcat_internal.access_request
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g record;
    taken jsonb := '[]';
BEGIN
    FOR g IN SELECT l.*, p.revoke_sql, p.grant_sql
               FROM meshcat_internal.access_grant AS l
               JOIN LATERAL meshcat_internal.access_privileges(l.relation, l.grantee,
                        CASE WHEN l.object_kind = 'column' THEN ARRAY[l.column_name::text] END) AS p
                 ON p.object_kind = l.object_kind AND p.column_name IS NOT DISTINCT FROM l.column_name
              WHERE l.request_id = r.id AND l.revoked_at IS NULL AND NOT l.held_before
                AND EXISTS (SELECT FROM pg_class AS c WHERE c.oid = l.relation)
                AND NOT EXISTS (SELECT FROM meshcat_internal.access_grant AS o
                                  JOIN meshcat_internal.access_request AS q ON q.id = o.request_id
                                 WHERE q.id <> r.id AND q.status = 'approved' AND o.revoked_at IS NULL
                                   AND o.grantee = l.grantee AND o.privilege = l.privilege AND o.object_kind = l.object_kind
                                   AND CASE WHEN l.object_kind = 'schema' THEN o.schema_name = l.schema_name
                                            ELSE o.relation = l.relation AND o.column_name IS NOT DISTINCT FROM l.column_name END)
              ORDER BY l.id LOOP
        IF g.object_kind <> 'schema' AND NOT has_schema_privilege(g.grantor, g.schema_name, 'USAGE') THEN
            PERFORM meshcat_internal.raise_error('42501',
                format('access request %s cannot be ended: role "%s", which granted %s on %s, has no USAGE on schema %I',
                       r.id, g.grantor, g.privilege, g.relation, g.schema_name),
                'Revocation and expiry run as the role that granted the privilege, never with more rights, and it cannot name the relation.',
                format('GRANT USAGE ON SCHEMA %I TO %s, then revoke again.', g.schema_name, g.grantor));
        END IF;
        PERFORM meshcat_internal.acl_as_role(g.grantor, g.revoke_sql);
        taken := taken || jsonb_strip_nulls(jsonb_build_object('object', g.object_kind, 'schema', g.schema_name,
                                                               'column', g.column_name, 'privilege', g.privilege));
    END LOOP;
    -- column privileges other approvals hold, that a table-level REVOKE took with it
    FOR g IN SELECT o.grantor, p.grant_sql
               FROM meshcat_internal.access_grant AS o
               JOIN meshcat_internal.access_request AS q ON q.id = o.request_id
               JOIN LATERAL meshcat_internal.access_privileges(o.relation, o.grantee, ARRAY[o.column_name::text]) AS p
                 ON p.object_kind = 'column'
              WHERE q.id <> r.id AND q.status = 'approved' AND o.revoked_at IS NULL AND o.object_kind = 'column'
                AND o.grantee = r.consumer AND o.relation = r.relation AND NOT o.held_before
                AND meshcat_internal.acl_grantor(o.relation, 'column', o.column_name, 'SELECT', o.grantee) IS NULL LOOP
        PERFORM meshcat_internal.acl_as_role(g.grantor, g.grant_sql);
    END LOOP;
    UPDATE meshcat_internal.access_grant AS l SET revoked_at = now() WHERE l.request_id = r.id AND l.revoked_at IS NULL;
    UPDATE meshcat_internal.access_request AS a
       SET status = outcome, ended_at = now(), ended_by = @extschema@.mesh_acting_role(), end_reason = reason
     WHERE a.id = r.id
    RETURNING * INTO r;
    PERFORM meshcat_internal.access_event('access_' || outcome, r,
        jsonb_build_object('reason', reason, 'revoked', taken, 'relation', r.relation::text));
    RETURN r;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.end_access(meshcat_internal.access_request, text, text) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.end_access(meshcat_internal.access_request, text, text) IS
    'Internal: ends an approval (revoked or expired): REVOKEs, as their grantor, the ledger''s privileges no other active approval needs; records and announces it.';

-- Auto-approval: the product's owners approved in advance (access.approval: auto), so the
-- GRANT runs as the relation's owner (acl_as_role), never as the extension.
CREATE FUNCTION meshcat_internal.auto_approve(request bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r meshcat_internal.access_request;
    v @extschema@.product_version;
    j record;
    rel regclass;
    owner oid;
    held text[];
    p record;
BEGIN
    PERFORM meshcat_internal.take_access_turn();
    SELECT * INTO r FROM meshcat_internal.access_request AS a WHERE a.id = request FOR UPDATE;
    v := meshcat_internal.access_version(r.product_id, r.port, r.version_range, true);
    j := meshcat_internal.access_judgement(v, r.port, r.consumer, r.for_product, r.columns);
    rel := meshcat_internal.port_relation(v.product_id, v.version, r.port)::regclass;
    IF rel IS NOT NULL THEN
        owner := (SELECT c.relowner FROM pg_class AS c WHERE c.oid = rel);
        held := meshcat_internal.held_privileges(rel, r.consumer, j.grant_columns);
        FOR p IN SELECT * FROM meshcat_internal.access_privileges(rel, r.consumer, j.grant_columns) LOOP
            IF p.object_kind = 'schema' THEN
                -- the schema's owner grants USAGE, unless the consumer has it already
                CONTINUE WHEN has_schema_privilege(r.consumer, p.schema_name, 'USAGE');
                PERFORM meshcat_internal.acl_as_role((SELECT n.nspowner FROM pg_namespace AS n WHERE n.nspname = p.schema_name), p.grant_sql);
            ELSE
                PERFORM meshcat_internal.acl_as_role(owner, p.grant_sql);
            END IF;
        END LOOP;
    END IF;
    PERFORM meshcat_internal.write_approval(r, rel, j.grant_columns, held, 'auto',
                                            'approved by the access rules of the product (approval: auto)');
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.auto_approve(bigint) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.auto_approve(bigint) IS
    'Internal: approves a request the product''s access rules approve in advance, granting as the relation''s owner.';

-- mesh_request_access: any reader may ask for what a role it may act as will consume
-- (DECISIONS.md section 8). SECURITY DEFINER: readers cannot write the requests; it grants
-- nothing with the extension's rights (an auto-approval grants as the relation's owner).
CREATE FUNCTION @extschema@.mesh_request_access(id text, port text, consumer regrole, purpose text,
                                                version_range text DEFAULT NULL, until date DEFAULT NULL,
                                                for_product text DEFAULT NULL, columns text[] DEFAULT NULL)
RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    actor name := @extschema@.mesh_acting_role();
    v @extschema@.product_version;
    j record;
    r meshcat_internal.access_request;
BEGIN
    IF id IS NULL OR port IS NULL OR consumer IS NULL THEN
        PERFORM meshcat_internal.raise_error('22023', 'an access request needs a product id, a port and a consumer role');
    END IF;
    IF coalesce(btrim(purpose), '') = '' THEN
        PERFORM meshcat_internal.raise_error('22023', 'an access request needs a purpose', NULL,
            'Say why the consumer needs the data: the owners decide on it.');
    END IF;
    IF until < current_date THEN
        PERFORM meshcat_internal.raise_error('22023', 'the end date of the access request is in the past',
            'Access holds through its until date; a date before today would never hold.', 'Give a date from today on, or none.');
    END IF;
    IF version_range IS NOT NULL AND NOT @extschema@.semver_range_valid(version_range) THEN
        PERFORM meshcat_internal.raise_error('22023', format('invalid version range "%s"', version_range), NULL,
            'Use an npm-style range: ^1.2, ~1.2.3, >=1.0 <2, 1.x.');
    END IF;
    IF NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = mesh_request_access.id) THEN
        PERFORM meshcat_internal.raise_error('23503', format('data product "%s" does not exist', id), NULL,
            'SELECT id FROM mesh_products lists the registered products.');
    END IF;
    IF NOT meshcat_internal.role_is_superuser(actor) AND NOT pg_has_role(actor, consumer, 'MEMBER') THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to request access for role "%s"', consumer),
            format('Role "%s" may ask only for roles it may act as; it is not a member of "%s".', actor, consumer),
            format('Ask as a member of "%s" (SET ROLE %s).', consumer, consumer));
    END IF;
    IF for_product IS NOT NULL THEN
        IF NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = for_product) THEN
            PERFORM meshcat_internal.raise_error('23503', format('data product "%s" does not exist', for_product), NULL,
                'for_product names the consuming product, a registered one.');
        END IF;
        PERFORM meshcat_internal.require_domain_owner(split_part(for_product, '.', 1),
            format('request access on behalf of data product "%s"', for_product));
    END IF;
    v := meshcat_internal.access_version(id, port, version_range);
    IF v.id IS NULL THEN
        PERFORM meshcat_internal.raise_error('23503',
            format('no published version of data product "%s"%s has output port "%s"', id,
                   coalesce(' in range ' || version_range, ''), port),
            NULL, format('SELECT version, port FROM mesh_ports WHERE product_id = %L lists its ports.', id));
    END IF;
    j := meshcat_internal.access_judgement(v, port, consumer, for_product, columns);
    PERFORM meshcat_internal.require_not_owner(meshcat_internal.port_relation(v.product_id, v.version, port)::regclass, consumer);
    INSERT INTO meshcat_internal.access_request (product_id, port, consumer, purpose, version_range, until, for_product, columns)
    VALUES (id, port, consumer, purpose, version_range, until, for_product, columns)
    RETURNING * INTO r;
    PERFORM meshcat_internal.access_event('access_requested', r, jsonb_build_object('purpose', purpose));
    IF NOT j.needs_human THEN
        PERFORM meshcat_internal.auto_approve(r.id);
    END IF;
    RETURN r.id;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_request_access(text, text, regrole, text, text, date, text, text[]) IS
    'Asks for access to an output port of a product for a consumer role (one the caller may act as), why, for which versions, until when, on behalf of which product, to which columns; returns the request id. Approved at once when the product''s access rules say approval: auto.';

CREATE FUNCTION @extschema@.mesh_deny(request bigint, reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r meshcat_internal.access_request;
BEGIN
    r := meshcat_internal.decided_request(request, 'pending', 'deny', reason);
    UPDATE meshcat_internal.access_request AS a
       SET status = 'denied', decided_at = now(), decided_by = @extschema@.mesh_acting_role(), decision_note = reason
     WHERE a.id = r.id
    RETURNING * INTO r;
    PERFORM meshcat_internal.access_event('access_denied', r, jsonb_build_object('reason', reason));
    RETURN 'denied';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_deny(bigint, text) IS
    'An owner of the product''s domain (or an administrator) denies a pending access request, with a reason.';

-- SECURITY DEFINER: it writes the records; the REVOKEs run as the roles that granted.
CREATE FUNCTION @extschema@.mesh_revoke(request bigint, reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r meshcat_internal.access_request;
BEGIN
    r := meshcat_internal.decided_request(request, 'approved', 'revoke', reason);
    PERFORM meshcat_internal.end_access(r, 'revoked', reason);
    RETURN 'revoked';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_revoke(bigint, text) IS
    'An owner of the product''s domain (or an administrator) revokes an approved access request: REVOKEs exactly the ledger''s privileges that no other active approval needs, as the roles that granted them.';

-- Expiry, for administrators and pg_cron: every approval whose until date has passed (access
-- holds through its until date). Each in a subtransaction: one that cannot be revoked (its
-- relation's owner lost a grant option, say) is a WARNING and stays approved.
CREATE FUNCTION @extschema@.mesh_expire_access() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r meshcat_internal.access_request;
    n bigint := 0;
BEGIN
    PERFORM meshcat_internal.require_admin('expire access approvals');
    PERFORM meshcat_internal.take_access_turn();
    FOR r IN SELECT * FROM meshcat_internal.access_request AS a
              WHERE a.status = 'approved' AND a.until < current_date ORDER BY a.id FOR UPDATE LOOP
        BEGIN
            PERFORM meshcat_internal.end_access(r, 'expired', format('its end date %s has passed', r.until));
            n := n + 1;
        EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation OR undefined_object THEN
            RAISE WARNING 'access request % could not expire: %', r.id, SQLERRM;
        END;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_expire_access() IS
    'Administrators and pg_cron: ends every approved access request whose until date has passed, revoking its privileges as the roles that granted them; returns how many.';

-- Subscriptions: who consumes what. A consuming product's inputs (its published or deprecated
-- versions, through their range) and the approved access requests.
CREATE VIEW meshcat_internal.subscription WITH (security_invoker) AS
SELECT 'input'::text AS kind, i.product_id, i.version_range, NULL::text AS port, NULL::text[] AS columns,
       d.owner_role AS consumer, c.product_id AS consumer_product, c.published_at AS since,
       pg_catalog.format('input of %s %s', c.product_id, c.version) AS purpose, NULL::date AS until,
       NULL::text[] AS privileges, NULL::bigint AS request
  FROM meshcat_internal.input_port AS i
  JOIN @extschema@.product_version AS c ON c.id OPERATOR(pg_catalog.=) i.version_id
  JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) c.product_id
  JOIN @extschema@.domain AS d ON d.name OPERATOR(pg_catalog.=) p.domain
 WHERE i.product_id IS NOT NULL AND c.status IN ('published', 'deprecated')
   AND c.product_id OPERATOR(pg_catalog.<>) i.product_id
UNION ALL
SELECT 'access', a.product_id, a.version_range, a.port, a.columns, a.consumer::text::name, a.for_product, a.decided_at,
       a.purpose, a.until,
       ARRAY(SELECT CASE g.object_kind WHEN 'schema' THEN pg_catalog.format('USAGE ON SCHEMA %I', g.schema_name)
                                       WHEN 'table' THEN pg_catalog.format('SELECT ON %s', g.relation)
                                       ELSE pg_catalog.format('SELECT (%I) ON %s', g.column_name, g.relation) END
               FROM meshcat_internal.access_grant AS g
              WHERE g.request_id OPERATOR(pg_catalog.=) a.id AND g.revoked_at IS NULL ORDER BY g.id),
       a.id
  FROM meshcat_internal.access_request AS a
 WHERE a.status OPERATOR(pg_catalog.=) 'approved';
COMMENT ON VIEW meshcat_internal.subscription IS
    'Subscriptions: consuming products'' inputs (published or deprecated versions) and approved access requests, with range, port, columns, consumer, since, purpose, until and granted privileges.';

-- Which subscriptions still need a version: their range accepts it and no other published
-- version (as dependent_consumers says of inputs).
CREATE FUNCTION meshcat_internal.version_subscribers(pid text, ver @extschema@.semver)
RETURNS SETOF meshcat_internal.subscription
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT s.* FROM meshcat_internal.subscription AS s
     WHERE s.product_id OPERATOR(pg_catalog.=) pid
       AND (s.version_range IS NULL OR @extschema@.semver_satisfies(ver, s.version_range))
       AND NOT EXISTS (SELECT FROM @extschema@.product_version AS o
                        WHERE o.product_id OPERATOR(pg_catalog.=) pid AND o.status OPERATOR(pg_catalog.=) 'published'
                          AND o.version OPERATOR(@extschema@.<>) ver
                          AND (s.version_range IS NULL OR @extschema@.semver_satisfies(o.version, s.version_range))
                          AND (s.port IS NULL OR EXISTS (SELECT FROM meshcat_internal.output_port AS op
                                                          WHERE op.version_id OPERATOR(pg_catalog.=) o.id
                                                            AND op.name OPERATOR(pg_catalog.=) s.port)))
     ORDER BY s.kind, s.consumer, s.request;
END;
COMMENT ON FUNCTION meshcat_internal.version_subscribers(text, @extschema@.semver) IS
    'Internal: the subscriptions whose range accepts a version and no other published version of the product.';

-- Retirement: refused while approved access requests still need the version (the inputs
-- are require_no_active_consumers' in 55_rules); an administrator's force lets it go, warned.
CREATE FUNCTION meshcat_internal.require_no_active_subscribers() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    who text;
BEGIN
    SELECT string_agg(format('role "%s"%s through request %s (%s)', s.consumer,
                             coalesce(' for "' || s.consumer_product || '"', ''), s.request,
                             coalesce(s.version_range, 'any version')), ', ')
      INTO who
      FROM meshcat_internal.version_subscribers(NEW.product_id, NEW.version) AS s
     WHERE s.kind = 'access';
    IF who IS NOT NULL AND meshcat_internal.retire_forced(NEW.id) THEN
        RAISE WARNING 'version % of "%" is retired by force although subscribers still need it', NEW.version, NEW.product_id
            USING DETAIL = format('Approved access requests that accept it: %s.', who);
    ELSIF who IS NOT NULL THEN
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" still has active subscribers and cannot be retired', NEW.version, NEW.product_id),
            format('Approved access requests that accept it: %s.', who),
            'Revoke them with mesh_revoke(request, reason), publish a version their range accepts, or, as an administrator, retire it with force => true.');
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.require_no_active_subscribers() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.require_no_active_subscribers() IS
    'Trigger: refuses (23514) to retire a version that approved access requests still need, unless an administrator forces it.';
CREATE TRIGGER guard_subscribers BEFORE UPDATE ON @extschema@.product_version
    FOR EACH ROW WHEN (OLD.status = 'deprecated' AND NEW.status = 'retired')
    EXECUTE FUNCTION meshcat_internal.require_no_active_subscribers();

-- Deprecation is announced to each subscriber whose range accepts the version: one event per
-- subscription (kind subscriber_notified), with the sunset and the reason, after the
-- deprecated event (govern: AFTER triggers fire in name order). SECURITY DEFINER
-- to write the events, as govern_version does.
CREATE FUNCTION meshcat_internal.announce_deprecation() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.emit_event('subscriber_notified', NEW.product_id, NEW.version,
        jsonb_strip_nulls(jsonb_build_object('change', 'deprecated', 'subscription', s.kind, 'consumer', s.consumer,
                                             'consumer_product', s.consumer_product, 'request', s.request, 'port', s.port,
                                             'sunset', NEW.sunset, 'reason', NEW.deprecation_reason)))
      FROM meshcat_internal.subscription AS s
     WHERE s.product_id = NEW.product_id
       AND (s.version_range IS NULL OR @extschema@.semver_satisfies(NEW.version, s.version_range))
     ORDER BY s.kind, s.consumer, s.consumer_product, s.request;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.announce_deprecation() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.announce_deprecation() IS
    'Trigger: one subscriber_notified event per subscription whose range accepts a version being deprecated.';
CREATE TRIGGER tell_subscribers_deprecation AFTER UPDATE ON @extschema@.product_version
    FOR EACH ROW WHEN (OLD.status = 'published' AND NEW.status = 'deprecated')
    EXECUTE FUNCTION meshcat_internal.announce_deprecation();

-- The fields of a subscription a new version breaks, from the version it had before: fields
-- of the subscribed port (or of every port, for an input) that the new version drops or
-- retypes, limited to the columns the subscription names.
CREATE FUNCTION meshcat_internal.broken_fields(old_version bigint, new_version bigint, port text, columns text[])
RETURNS text[]
    LANGUAGE sql STABLE
RETURN ARRAY(
    SELECT pg_catalog.format('%s.%s', op.name, f.name)
      FROM meshcat_internal.output_port AS op
      JOIN meshcat_internal.field AS f ON f.port_id OPERATOR(pg_catalog.=) op.id
     WHERE op.version_id OPERATOR(pg_catalog.=) old_version
       AND (port IS NULL OR op.name OPERATOR(pg_catalog.=) port)
       AND (columns IS NULL OR f.name OPERATOR(pg_catalog.=) ANY (columns))
       AND NOT EXISTS (SELECT FROM meshcat_internal.output_port AS np
                         JOIN meshcat_internal.field AS nf ON nf.port_id OPERATOR(pg_catalog.=) np.id
                        WHERE np.version_id OPERATOR(pg_catalog.=) new_version AND np.name OPERATOR(pg_catalog.=) op.name
                          AND nf.name OPERATOR(pg_catalog.=) f.name
                          AND pg_catalog.lower(nf.type) OPERATOR(pg_catalog.=) pg_catalog.lower(f.type))
     ORDER BY op.position, f.position);
COMMENT ON FUNCTION meshcat_internal.broken_fields(bigint, bigint, text, text[]) IS
    'Internal: the "<port>.<field>" of a subscription that a new version drops or retypes, compared with an older version.';

-- A new major version tells the subscribers of the previous major which of their columns it
-- breaks: one subscription_breaking event per subscription of the highest published or
-- deprecated version of an older major whose fields it breaks, and a NOTICE to the publisher.
CREATE FUNCTION meshcat_internal.announce_breaking_major() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old @extschema@.product_version;
    s record;
BEGIN
    IF (TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at)) OR (TG_OP = 'UPDATE' AND OLD.status <> 'draft') THEN
        RETURN NULL;
    END IF;
    SELECT pv.* INTO old FROM @extschema@.product_version AS pv
     WHERE pv.product_id = NEW.product_id AND pv.status IN ('published', 'deprecated') AND pv.id <> NEW.id
       AND @extschema@.semver_major(pv.version) < @extschema@.semver_major(NEW.version)
     ORDER BY pv.version DESC LIMIT 1;
    IF old.id IS NULL THEN
        RETURN NULL;
    END IF;
    FOR s IN SELECT x.*, meshcat_internal.broken_fields(old.id, NEW.id, x.port, x.columns) AS broken
               FROM meshcat_internal.subscription AS x
              WHERE x.product_id = NEW.product_id
                AND (x.version_range IS NULL OR @extschema@.semver_satisfies(old.version, x.version_range))
              ORDER BY x.kind, x.consumer, x.consumer_product, x.request LOOP
        CONTINUE WHEN cardinality(s.broken) = 0;
        PERFORM meshcat_internal.emit_event('subscription_breaking', NEW.product_id, NEW.version,
            jsonb_strip_nulls(jsonb_build_object('from_version', old.version::text, 'subscription', s.kind,
                'consumer', s.consumer, 'consumer_product', s.consumer_product, 'request', s.request, 'port', s.port,
                'fields', to_jsonb(s.broken))));
        RAISE NOTICE '%', format('version %s of "%s" breaks fields %s of %s', NEW.version, NEW.product_id,
                                 array_to_string(s.broken, ', '),
                                 coalesce('data product "' || s.consumer_product || '"', format('role "%s"', s.consumer)))
            USING DETAIL = format('It subscribes to version %s%s; it is told by a subscription_breaking event.', old.version,
                                  coalesce(' through access request ' || s.request, ''));
    END LOOP;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.announce_breaking_major() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.announce_breaking_major() IS
    'Trigger: when a new major version is published, one subscription_breaking event (and a NOTICE) per subscription of the previous major whose fields it drops or retypes.';
-- Named to fire after derive (50_derivation: AFTER triggers fire in name order), which writes
-- the new version's fields.
CREATE TRIGGER tell_subscribers_breaking AFTER INSERT OR UPDATE OF status ON @extschema@.product_version
    FOR EACH ROW WHEN (NEW.status = 'published')
    EXECUTE FUNCTION meshcat_internal.announce_breaking_major();

-- Privilege drift (DECISIONS.md section 8): on every relation bound to a port (a retired
-- version's too: its grants still open it), the privileges the ACL shows (table and column, aclexplode) against
-- the active ledger. unapproved: a role holds a privilege no active approval gave (a hand-made
-- GRANT; the relation's owner's own are not drift); revoked: an active approval's privilege
-- the consumer no longer holds (a hand-made REVOKE), schema USAGE included.
CREATE FUNCTION @extschema@.mesh_access_drift()
RETURNS TABLE (relation text, column_name name, grantee text, privilege text, kind text, request bigint,
               product_id text, port text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH bound AS (
        SELECT DISTINCT ON (b.relation_oid) b.relation_oid AS rel, b.product_id, b.port::text AS port, c.relowner
          FROM meshcat_internal.port_binding AS b
          JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) b.relation_oid
         ORDER BY b.relation_oid, b.version DESC
    ), acl AS (
        SELECT bd.rel, NULL::name AS col, e.grantee, e.privilege_type, bd.product_id, bd.port, bd.relowner
          FROM bound AS bd, pg_catalog.pg_class AS c, pg_catalog.aclexplode(c.relacl) AS e
         WHERE c.oid OPERATOR(pg_catalog.=) bd.rel
        UNION ALL
        SELECT bd.rel, a.attname, e.grantee, e.privilege_type, bd.product_id, bd.port, bd.relowner
          FROM bound AS bd, pg_catalog.pg_attribute AS a, pg_catalog.aclexplode(a.attacl) AS e
         WHERE a.attrelid OPERATOR(pg_catalog.=) bd.rel AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
    ), ledger AS (
        SELECT g.*, q.product_id, q.port::text AS port
          FROM meshcat_internal.access_grant AS g
          JOIN meshcat_internal.access_request AS q ON q.id OPERATOR(pg_catalog.=) g.request_id
         WHERE q.status OPERATOR(pg_catalog.=) 'approved' AND g.revoked_at IS NULL
    )
    SELECT x.relation, x.column_name, x.grantee, x.privilege, x.kind, x.request, x.product_id, x.port FROM (
        SELECT DISTINCT a.rel::pg_catalog.regclass::text AS relation, a.col AS column_name,
               CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE a.grantee::pg_catalog.regrole::text END AS grantee,
               a.privilege_type AS privilege, 'unapproved'::text AS kind, NULL::bigint AS request, a.product_id, a.port
          FROM acl AS a
         WHERE a.grantee OPERATOR(pg_catalog.<>) a.relowner
           AND NOT EXISTS (SELECT FROM ledger AS l
                            WHERE l.relation::pg_catalog.oid OPERATOR(pg_catalog.=) a.rel
                              AND l.grantee::pg_catalog.oid OPERATOR(pg_catalog.=) a.grantee
                              AND l.privilege OPERATOR(pg_catalog.=) a.privilege_type
                              AND l.column_name IS NOT DISTINCT FROM a.col
                              AND l.object_kind OPERATOR(pg_catalog.<>) 'schema')
        UNION ALL
        SELECT CASE WHEN l.object_kind OPERATOR(pg_catalog.=) 'schema' THEN pg_catalog.format('schema %I', l.schema_name)
                    ELSE l.relation::text END,
               l.column_name, l.grantee::text, l.privilege, 'revoked', l.request_id, l.product_id, l.port
          FROM ledger AS l
         WHERE meshcat_internal.acl_grantor(l.relation, l.object_kind, l.column_name, l.privilege, l.grantee) IS NULL
    ) AS x
     ORDER BY x.relation, x.column_name NULLS FIRST, x.grantee, x.privilege, x.kind, x.request;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_access_drift() IS
    'Privilege drift on every bound relation: unapproved (a privilege the ACL shows that no active approval gave) and revoked (an active approval''s privilege the consumer no longer holds).';

-- Search usage (docs/discovery.md): an approval, a revocation or an expiry changes how many
-- subscriptions a product has, so its postings' usage is set again when the transaction
-- commits (search_later).
CREATE FUNCTION meshcat_internal.access_search_usage() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.search_later(ARRAY(SELECT DISTINCT n.product_id FROM new_requests AS n), NULL);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.access_search_usage() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.access_search_usage() IS
    'Trigger: sets the search usage of the products whose access requests were written again.';
CREATE TRIGGER search_usage_insert AFTER INSERT ON meshcat_internal.access_request
    REFERENCING NEW TABLE AS new_requests FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.access_search_usage();
CREATE TRIGGER search_usage_update AFTER UPDATE ON meshcat_internal.access_request
    REFERENCING NEW TABLE AS new_requests FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.access_search_usage();
