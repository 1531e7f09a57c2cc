-- 55_lifecycle: versions as contracts, and who may write what. Triggers on the catalog tables
-- are the guarantee: the rules hold for mesh_register, a plain INSERT or UPDATE, and psql alike.
--   * ownership: only members of a domain's owner role (or of meshcat_admin) write its rows;
--   * versions grow within a major line: a new or newly published version is greater than every
--     published (deprecated, retired) version of its major line; drafts never block;
--   * a published version's contract is immutable; its metadata (owners, tags, name, ...) may
--     change; lifecycle moves only go forward (draft -> published -> deprecated -> retired);
--   * a breaking change needs a new major version (descriptor_diff, mesh_diff);
--   * retiring a version that active consumers still need is refused.
-- Restores: a row a superuser inserts with a created_at before the current transaction is a
-- restored row (pg_dump | psql, pg_restore): it is history, and is loaded as it is.

-- When and by whom a version was deprecated or retired, and the promised sunset.
ALTER TABLE @extschema@.product_version
    ADD COLUMN deprecated_at      timestamptz,
    ADD COLUMN deprecated_by      name,
    ADD COLUMN sunset             date,
    ADD COLUMN deprecation_reason text,
    ADD COLUMN retired_at         timestamptz,
    ADD COLUMN retired_by         name;
CREATE INDEX ON @extschema@.product_version (product_id, version);

-- Whether a role is a superuser.
-- PL/pgSQL rather than SQL: it runs once per written catalog row, and PL/pgSQL keeps its plan
-- (a SQL function with a SET clause is planned on every call: 30 times slower here).
CREATE FUNCTION @extschema@.role_is_superuser(role name) RETURNS boolean
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = role), false);
END
$$;
COMMENT ON FUNCTION @extschema@.role_is_superuser(name) IS
    'Whether the role is a superuser.';

-- The role meshcat set up for a purpose (reader, steward, admin), if it still is that role:
-- a role dropped and re-created under the same name is not it.
-- PL/pgSQL so that its plan is kept: it runs for every ownership check.
CREATE FUNCTION @extschema@.setup_role_oid(purpose text) RETURNS oid
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT r.oid FROM @extschema@.setup_role AS s
              JOIN pg_catalog.pg_roles AS r ON r.oid OPERATOR(pg_catalog.=) s.role_oid
                                            AND r.rolname OPERATOR(pg_catalog.=) s.role_name
             WHERE s.purpose OPERATOR(pg_catalog.=) setup_role_oid.purpose);
END
$$;
COMMENT ON FUNCTION @extschema@.setup_role_oid(text) IS
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
    IF @extschema@.role_is_superuser(role) THEN
        RETURN true;
    END IF;
    admin := @extschema@.setup_role_oid('admin');
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
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN COALESCE(@extschema@.mesh_is_admin(role)
    OR EXISTS (SELECT FROM @extschema@.domain AS d
                 JOIN pg_catalog.pg_roles AS o ON o.rolname OPERATOR(pg_catalog.=) d.owner_role
                WHERE d.name OPERATOR(pg_catalog.=) domain
                  AND EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) role)
                  AND pg_catalog.pg_has_role(role, o.oid, 'USAGE')), false);
COMMENT ON FUNCTION @extschema@.mesh_owns_domain(text, name) IS
    'Whether a role (by default the acting role) may change a domain''s products, versions and policies.';

-- Raises 42501 unless the acting role owns the domain; what says what was attempted.
CREATE FUNCTION @extschema@.require_domain_owner(domain text, what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    owner_role name := (SELECT d.owner_role FROM @extschema@.domain AS d WHERE d.name = domain);
BEGIN
    IF @extschema@.mesh_owns_domain(domain, actor) IS NOT TRUE THEN
        PERFORM @extschema@.raise_error('42501',
            format('permission denied to %s in domain "%s"', what, domain),
            format('Only members of role "%s" (the owner of domain "%s") or of "meshcat_admin" may; role "%s" is neither.',
                   owner_role, domain, actor),
            format('Act as a member of "%s" (GRANT %I TO ...; SET ROLE %I), or ask the domain''s owners.',
                   owner_role, owner_role, owner_role));
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_domain_owner(text, text) IS
    'Raises 42501 naming the owner role unless the acting role owns the domain.';

-- Raises 42501 unless the acting role is a governance administrator.
CREATE FUNCTION @extschema@.require_admin(what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF @extschema@.mesh_is_admin() IS NOT TRUE THEN
        PERFORM @extschema@.raise_error('42501',
            format('permission denied to %s', what),
            format('Only governance administrators (members of role "meshcat_admin") may; role "%s" is not one.',
                   @extschema@.mesh_acting_role()),
            'Ask a governance administrator, or act as a member of "meshcat_admin".');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_admin(text) IS
    'Raises 42501 unless the acting role is a governance administrator.';

-- Whether a row being inserted is a restored one: a superuser writes a row that was created
-- before this transaction began (pg_dump | psql, pg_restore). Everyone else gets the server's
-- timestamps, so nobody else can write history.
CREATE FUNCTION @extschema@.is_restore(created timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN created OPERATOR(pg_catalog.<) pg_catalog.transaction_timestamp()
   AND @extschema@.role_is_superuser(@extschema@.mesh_acting_role());
COMMENT ON FUNCTION @extschema@.is_restore(timestamptz) IS
    'Whether a row created at that time and written now by the acting role is being restored (a superuser loading history).';

-- Raises a 23514 for a refused lifecycle or contract change.
CREATE FUNCTION @extschema@.raise_contract(message text, detail text, hint text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@.raise_error('23514', message, detail, hint);
END
$$;
COMMENT ON FUNCTION @extschema@.raise_contract(text, text, text) IS
    'Raises 23514 with a message, DETAIL and HINT.';

-- Domains: created, re-owned and deleted by administrators; described by their owners. When
-- and by whom is the server's to say.
CREATE FUNCTION @extschema@.guard_domain() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT @extschema@.is_restore(NEW.created_at) THEN
            PERFORM @extschema@.require_admin(format('create domain "%s"', NEW.name));
            NEW.created_at := now();
            NEW.created_by := @extschema@.mesh_acting_role();
            NEW.updated_at := NEW.created_at;
            NEW.updated_by := NEW.created_by;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM @extschema@.require_admin(format('delete domain "%s"', OLD.name));
        RETURN OLD;
    END IF;
    PERFORM @extschema@.require_domain_owner(OLD.name, 'update the domain');
    IF NEW.owner_role IS DISTINCT FROM OLD.owner_role OR NEW.parent IS DISTINCT FROM OLD.parent
       OR NEW.name IS DISTINCT FROM OLD.name THEN
        PERFORM @extschema@.require_admin(format('change the name, owner or parent of domain "%s"', OLD.name));
    END IF;
    NEW.created_at := OLD.created_at;
    NEW.created_by := OLD.created_by;
    NEW.updated_at := now();
    NEW.updated_by := @extschema@.mesh_acting_role();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.guard_domain() IS
    'Trigger: only administrators create or delete domains or change their name, owner or parent; owners describe them; the server stamps when and by whom.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.domain
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_domain();

-- Products: their domain's owners create them; an identity never changes.
CREATE FUNCTION @extschema@.guard_product() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT @extschema@.is_restore(NEW.created_at) THEN
            PERFORM @extschema@.require_domain_owner(NEW.domain, format('create product "%s"', NEW.id));
            NEW.created_at := now();
            NEW.created_by := @extschema@.mesh_acting_role();
        END IF;
        RETURN NEW;
    END IF;
    PERFORM @extschema@.require_domain_owner(OLD.domain, format('%s product "%s"', lower(TG_OP), OLD.id));
    IF TG_OP = 'UPDATE' AND (NEW.id, NEW.domain) IS DISTINCT FROM (OLD.id, OLD.domain) THEN
        PERFORM @extschema@.raise_contract(format('the identity of product "%s" cannot change', OLD.id),
            'A product id is stable for the life of the product; consumers refer to it.',
            'Register a new product, and deprecate this one.');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.created_at := OLD.created_at;
        NEW.created_by := OLD.created_by;
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION @extschema@.guard_product() IS
    'Trigger: only the domain''s owners write its products; a product id never changes.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.product
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_product();

-- The differences between two descriptors of a product, classified like datacontract-cli's
-- breaking-change rules: error (breaks consumers), warning (may), info (does not). A field
-- without a classification has its product's; a field's own classification is compared when
-- either version states one (a product-level change is reported once, at the product).
CREATE FUNCTION @extschema@.descriptor_diff(a jsonb, b jsonb)
RETURNS TABLE (change text, path text, severity text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH cls(old_c, new_c) AS (
        SELECT coalesce(a OPERATOR(pg_catalog.->>) 'classification', 'internal')::@extschema@.classification,
               coalesce(b OPERATOR(pg_catalog.->>) 'classification', 'internal')::@extschema@.classification
    ), op AS (
        SELECT e OPERATOR(pg_catalog.->>) 'name' AS port, e FROM pg_catalog.jsonb_array_elements(coalesce(a OPERATOR(pg_catalog.->) 'outputs', '[]')) AS e
    ), np AS (
        SELECT e OPERATOR(pg_catalog.->>) 'name' AS port, e FROM pg_catalog.jsonb_array_elements(coalesce(b OPERATOR(pg_catalog.->) 'outputs', '[]')) AS e
    ), ofl AS (
        SELECT op.port, f OPERATOR(pg_catalog.->>) 'name' AS field, f,
               coalesce((f OPERATOR(pg_catalog.->>) 'classification')::@extschema@.classification, cls.old_c) AS c
          FROM op, cls, pg_catalog.jsonb_array_elements(coalesce(op.e OPERATOR(pg_catalog.->) 'schema', '[]')) AS f
    ), nfl AS (
        SELECT np.port, f OPERATOR(pg_catalog.->>) 'name' AS field, f,
               coalesce((f OPERATOR(pg_catalog.->>) 'classification')::@extschema@.classification, cls.new_c) AS c
          FROM np, cls, pg_catalog.jsonb_array_elements(coalesce(np.e OPERATOR(pg_catalog.->) 'schema', '[]')) AS f
    ), pairs AS (
        SELECT ofl.port, ofl.field, ofl.f AS o, nfl.f AS n, ofl.c AS oc, nfl.c AS nc,
               'outputs.' OPERATOR(pg_catalog.||) ofl.port OPERATOR(pg_catalog.||) '.fields.' OPERATOR(pg_catalog.||) ofl.field AS p
          FROM ofl JOIN nfl USING (port, field)
    )
    SELECT * FROM (
        SELECT 'classification_downgraded', 'classification', 'error' FROM cls WHERE new_c OPERATOR(pg_catalog.<) old_c
        UNION ALL SELECT 'classification_upgraded', 'classification', 'warning' FROM cls WHERE new_c OPERATOR(pg_catalog.>) old_c
        UNION ALL SELECT 'output_removed', 'outputs.' OPERATOR(pg_catalog.||) op.port, 'error'
          FROM op WHERE NOT EXISTS (SELECT FROM np WHERE np.port OPERATOR(pg_catalog.=) op.port)
        UNION ALL SELECT 'output_added', 'outputs.' OPERATOR(pg_catalog.||) np.port, 'info'
          FROM np WHERE NOT EXISTS (SELECT FROM op WHERE op.port OPERATOR(pg_catalog.=) np.port)
        UNION ALL SELECT 'output_type_changed', 'outputs.' OPERATOR(pg_catalog.||) op.port OPERATOR(pg_catalog.||) '.type', 'error'
          FROM op JOIN np USING (port) WHERE op.e OPERATOR(pg_catalog.->) 'type' IS DISTINCT FROM np.e OPERATOR(pg_catalog.->) 'type'
        UNION ALL SELECT 'output_location_changed', 'outputs.' OPERATOR(pg_catalog.||) op.port OPERATOR(pg_catalog.||) '.location', 'warning'
          FROM op JOIN np USING (port) WHERE op.e OPERATOR(pg_catalog.->) 'location' IS DISTINCT FROM np.e OPERATOR(pg_catalog.->) 'location'
        UNION ALL SELECT 'field_removed', 'outputs.' OPERATOR(pg_catalog.||) ofl.port OPERATOR(pg_catalog.||) '.fields.' OPERATOR(pg_catalog.||) ofl.field, 'error'
          FROM ofl WHERE EXISTS (SELECT FROM np WHERE np.port OPERATOR(pg_catalog.=) ofl.port)
                     AND NOT EXISTS (SELECT FROM nfl WHERE nfl.port OPERATOR(pg_catalog.=) ofl.port AND nfl.field OPERATOR(pg_catalog.=) ofl.field)
        UNION ALL SELECT 'field_added', 'outputs.' OPERATOR(pg_catalog.||) nfl.port OPERATOR(pg_catalog.||) '.fields.' OPERATOR(pg_catalog.||) nfl.field, 'info'
          FROM nfl WHERE EXISTS (SELECT FROM op WHERE op.port OPERATOR(pg_catalog.=) nfl.port)
                     AND NOT EXISTS (SELECT FROM ofl WHERE ofl.port OPERATOR(pg_catalog.=) nfl.port AND ofl.field OPERATOR(pg_catalog.=) nfl.field)
        UNION ALL SELECT 'field_type_changed', p OPERATOR(pg_catalog.||) '.type', 'error'
          FROM pairs WHERE pg_catalog.lower(o OPERATOR(pg_catalog.->>) 'type') IS DISTINCT FROM pg_catalog.lower(n OPERATOR(pg_catalog.->>) 'type')
        UNION ALL SELECT 'field_made_required', p OPERATOR(pg_catalog.||) '.required', 'error'
          FROM pairs WHERE coalesce((n OPERATOR(pg_catalog.->>) 'required')::boolean, false) AND NOT coalesce((o OPERATOR(pg_catalog.->>) 'required')::boolean, false)
        UNION ALL SELECT 'field_made_optional', p OPERATOR(pg_catalog.||) '.required', 'warning'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'required')::boolean, false) AND NOT coalesce((n OPERATOR(pg_catalog.->>) 'required')::boolean, false)
        UNION ALL SELECT 'field_unique_removed', p OPERATOR(pg_catalog.||) '.unique', 'warning'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'unique')::boolean, false) AND NOT coalesce((n OPERATOR(pg_catalog.->>) 'unique')::boolean, false)
        UNION ALL SELECT 'field_primary_key_changed', p OPERATOR(pg_catalog.||) '.primary_key', 'warning'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'primary_key')::boolean, false) OPERATOR(pg_catalog.<>) coalesce((n OPERATOR(pg_catalog.->>) 'primary_key')::boolean, false)
        UNION ALL SELECT 'field_pii_removed', p OPERATOR(pg_catalog.||) '.pii', 'error'
          FROM pairs WHERE coalesce((o OPERATOR(pg_catalog.->>) 'pii')::boolean, false) AND NOT coalesce((n OPERATOR(pg_catalog.->>) 'pii')::boolean, false)
        UNION ALL SELECT 'field_pii_added', p OPERATOR(pg_catalog.||) '.pii', 'warning'
          FROM pairs WHERE coalesce((n OPERATOR(pg_catalog.->>) 'pii')::boolean, false) AND NOT coalesce((o OPERATOR(pg_catalog.->>) 'pii')::boolean, false)
        UNION ALL SELECT 'field_classification_downgraded', p OPERATOR(pg_catalog.||) '.classification', 'error'
          FROM pairs WHERE nc OPERATOR(pg_catalog.<) oc AND (o OPERATOR(pg_catalog.?) 'classification' OR n OPERATOR(pg_catalog.?) 'classification')
        UNION ALL SELECT 'field_classification_upgraded', p OPERATOR(pg_catalog.||) '.classification', 'warning'
          FROM pairs WHERE nc OPERATOR(pg_catalog.>) oc AND (o OPERATOR(pg_catalog.?) 'classification' OR n OPERATOR(pg_catalog.?) 'classification')
        UNION ALL SELECT 'field_description_changed', p OPERATOR(pg_catalog.||) '.description', 'info'
          FROM pairs WHERE o OPERATOR(pg_catalog.->) 'description' IS DISTINCT FROM n OPERATOR(pg_catalog.->) 'description'
        UNION ALL SELECT 'inputs_changed', 'inputs', 'info'
          WHERE coalesce(a OPERATOR(pg_catalog.->) 'inputs', '[]') OPERATOR(pg_catalog.<>) coalesce(b OPERATOR(pg_catalog.->) 'inputs', '[]')
        UNION ALL SELECT k OPERATOR(pg_catalog.||) '_changed', k, 'info'
          FROM pg_catalog.unnest(ARRAY['description', 'retention', 'sla', 'quality', 'security']) AS k
         WHERE a OPERATOR(pg_catalog.->) k IS DISTINCT FROM b OPERATOR(pg_catalog.->) k
    ) AS d(change, path, severity);
END;
COMMENT ON FUNCTION @extschema@.descriptor_diff(jsonb, jsonb) IS
    'The classified differences between two descriptors of a product (error breaks consumers, warning may, info does not).';

CREATE FUNCTION @extschema@.mesh_diff(id text, from_version @extschema@.semver, to_version @extschema@.semver)
RETURNS TABLE (change text, path text, severity text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    a jsonb := (SELECT v.descriptor FROM @extschema@.product_version AS v
                 WHERE v.product_id = id AND v.version OPERATOR(@extschema@.=) from_version);
    b jsonb := (SELECT v.descriptor FROM @extschema@.product_version AS v
                 WHERE v.product_id = id AND v.version OPERATOR(@extschema@.=) to_version);
BEGIN
    IF a IS NULL OR b IS NULL THEN
        PERFORM @extschema@.raise_error('23503',
            format('version %s of data product "%s" does not exist',
                   CASE WHEN a IS NULL THEN from_version ELSE to_version END, id),
            NULL,
            'SELECT version FROM mesh_versions WHERE product_id = ... lists its versions.');
    END IF;
    RETURN QUERY
    SELECT d.change, d.path, d.severity FROM @extschema@.descriptor_diff(a, b) AS d
     ORDER BY array_position('{error,warning,info}'::text[], d.severity), d.path, d.change;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_diff(text, @extschema@.semver, @extschema@.semver) IS
    'The classified differences between two versions of a product: change, path, severity (error, warning, info).';

-- Which active consumers need a version: product versions (published or deprecated) of other
-- products whose input range matches it and matches no other published version of it.
CREATE FUNCTION @extschema@.dependent_consumers(pid text, ver @extschema@.semver)
RETURNS TABLE (product_id text, version @extschema@.semver, version_range text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT c.product_id, c.version, i.version_range
      FROM @extschema@.input_port AS i
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
COMMENT ON FUNCTION @extschema@.dependent_consumers(text, @extschema@.semver) IS
    'Active consumers (published or deprecated) whose input range matches the version and no other published version.';

-- Version order: within a major line, versions that are or were published (published,
-- deprecated, retired) only grow; a new version, and a draft when it is published, must be
-- greater than all of them. Drafts never block another version (a draft 1.1.0 that can never
-- publish does not stop a 1.0.1 patch), and other major lines do not count, so a maintenance
-- line (1.0.x while 2.x exists) stays open. The caller holds the product's row lock.
CREATE FUNCTION @extschema@.require_version_order(pid text, ver @extschema@.semver) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    top record;
BEGIN
    SELECT v.version, v.status INTO top
      FROM @extschema@.product_version AS v
     WHERE v.product_id = pid AND v.status <> 'draft'
       AND @extschema@.semver_major(v.version) = @extschema@.semver_major(ver)
     ORDER BY v.version USING OPERATOR(@extschema@.>) LIMIT 1;
    IF FOUND AND top.version OPERATOR(@extschema@.>=) ver THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" is lower than its %s version %s', ver, pid, top.status, top.version),
            format('Within major version %s, published versions only grow; the highest is %s. Drafts and other major lines do not count.',
                   @extschema@.semver_major(ver), top.version),
            format('Register a version greater than %s, such as %s.%s.%s.', top.version,
                   @extschema@.semver_major(top.version), @extschema@.semver_minor(top.version) + 1, 0));
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_version_order(text, @extschema@.semver) IS
    'Raises 23514 unless a version is greater than every published, deprecated or retired version of its major line.';

-- Immutability: a version that is published (or later) changes only in its lifecycle and its
-- metadata (descriptor_metadata_keys: the columns of those names, and the descriptor outside
-- its contract part, descriptor_contract). The lifecycle columns are judged by guard_version.
CREATE FUNCTION @extschema@.require_contract_unchanged(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    changed text;
BEGIN
    SELECT string_agg(CASE WHEN o.k = 'descriptor'
                           THEN format('descriptor (%s)', array_to_string(
                                       @extschema@.descriptor_contract_changes(o.v, n.v2), ', '))
                           ELSE o.k END, ', ' ORDER BY o.k) INTO changed
      FROM jsonb_each(to_jsonb(before)) AS o(k, v)
      JOIN jsonb_each(to_jsonb(after)) AS n(k2, v2) ON n.k2 = o.k
     WHERE CASE WHEN o.k = 'descriptor'
                THEN @extschema@.descriptor_contract(o.v) IS DISTINCT FROM @extschema@.descriptor_contract(n.v2)
                ELSE o.v IS DISTINCT FROM n.v2 END
       AND o.k NOT IN ('status', 'updated_at', 'updated_by', 'sunset', 'deprecation_reason')
       AND o.k <> ALL (@extschema@.descriptor_metadata_keys());
    IF changed IS NOT NULL THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" is %s and cannot change', before.version, before.product_id, before.status),
            format('A published version is a contract: only its lifecycle and its metadata may change. Changed: %s.', changed),
            'Register the change as a new version.');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_contract_unchanged(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 naming what changed when an update of a published version changes more than its lifecycle and metadata.';

-- Product versions: ownership, version order, immutable contracts, forward-only lifecycle,
-- breaking changes only in a new major version.
CREATE FUNCTION @extschema@.guard_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    dom text;
    prev record;
    breaking text;
    consumers text;
BEGIN
    IF TG_OP = 'INSERT' AND @extschema@.is_restore(NEW.created_at) THEN
        RETURN NEW;
    END IF;
    dom := (SELECT p.domain FROM @extschema@.product AS p
             WHERE p.id = CASE TG_OP WHEN 'INSERT' THEN NEW.product_id ELSE OLD.product_id END);
    PERFORM @extschema@.require_domain_owner(dom,
        format('%s version %s of "%s"', lower(TG_OP),
               CASE TG_OP WHEN 'INSERT' THEN NEW.version ELSE OLD.version END,
               CASE TG_OP WHEN 'INSERT' THEN NEW.product_id ELSE OLD.product_id END));

    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            PERFORM @extschema@.raise_contract(
                format('version %s of "%s" is %s and cannot be deleted', OLD.version, OLD.product_id, OLD.status),
                'Only drafts may be deleted: a published version is a contract that consumers may rely on.',
                'Deprecate it with mesh_deprecate(), then retire it with mesh_retire().');
        END IF;
        RETURN OLD;
    END IF;

    IF TG_OP = 'INSERT' THEN
        -- The server says when and by whom; versions of one product are written in turn.
        NEW.created_at := now();
        NEW.created_by := actor;
        NEW.updated_at := now();
        NEW.updated_by := actor;
        NEW.deprecated_at := NULL;
        NEW.deprecated_by := NULL;
        NEW.retired_at := NULL;
        NEW.retired_by := NULL;
        NEW.sunset := NULL;
        NEW.deprecation_reason := NULL;
        IF NEW.status NOT IN ('draft', 'published') THEN
            PERFORM @extschema@.raise_contract(
                format('a new version of "%s" cannot be %s', NEW.product_id, NEW.status),
                'A version starts as a draft or published; it is deprecated and retired later.',
                'Insert it as draft or published, then use mesh_deprecate() and mesh_retire().');
        END IF;
        PERFORM FROM @extschema@.product AS p WHERE p.id = NEW.product_id FOR NO KEY UPDATE;
        -- A version that already exists is an upsert's update or a duplicate: not a new version.
        IF NOT EXISTS (SELECT FROM @extschema@.product_version AS v
                        WHERE v.product_id = NEW.product_id AND v.version OPERATOR(@extschema@.=) NEW.version) THEN
            PERFORM @extschema@.require_version_order(NEW.product_id, NEW.version);
        END IF;
    ELSE
        -- The stamps of a draft are the server's: kept as they were (a published version's
        -- are refused below as any other change).
        IF OLD.status = 'draft' THEN
            NEW.created_at := OLD.created_at;
            NEW.created_by := OLD.created_by;
            NEW.deprecated_at := NULL;
            NEW.deprecated_by := NULL;
            NEW.retired_at := NULL;
            NEW.retired_by := NULL;
        END IF;
        NEW.updated_at := now();
        NEW.updated_by := actor;
        IF NEW.product_id IS DISTINCT FROM OLD.product_id OR NEW.version OPERATOR(@extschema@.<>) OLD.version THEN
            PERFORM @extschema@.raise_contract(
                format('the product and version of "%s" %s cannot change', OLD.product_id, OLD.version),
                'A version is identified by its product and its number for its whole life.',
                'Register a new version instead.');
        END IF;
        IF OLD.status <> 'draft' THEN
            -- Only the lifecycle (one step forward at a time) and the metadata may change.
            PERFORM @extschema@.require_contract_unchanged(OLD, NEW);
            IF NEW.status <> OLD.status AND NOT (OLD.status, NEW.status) IN (('published', 'deprecated'), ('deprecated', 'retired')) THEN
                PERFORM @extschema@.raise_contract(
                    format('version %s of "%s" cannot move from %s to %s', OLD.version, OLD.product_id, OLD.status, NEW.status),
                    'The lifecycle moves forward one step at a time: draft -> published -> deprecated -> retired.',
                    CASE WHEN NEW.status = 'retired' THEN 'Deprecate it first with mesh_deprecate(), with a sunset date.'
                         ELSE 'Register a new version instead.' END);
            END IF;
            IF (OLD.deprecated_at, OLD.deprecated_by, OLD.sunset, OLD.deprecation_reason)
               IS DISTINCT FROM (NEW.deprecated_at, NEW.deprecated_by, NEW.sunset, NEW.deprecation_reason)
               AND NOT (OLD.status = 'published' AND NEW.status = 'deprecated') THEN
                PERFORM @extschema@.raise_contract(
                    format('the deprecation of version %s of "%s" cannot change', OLD.version, OLD.product_id),
                    'The sunset date and reason are set once, when the version is deprecated.',
                    'Consumers were told; announce changes through a new version.');
            END IF;
        ELSIF NEW.status NOT IN ('draft', 'published') THEN
            PERFORM @extschema@.raise_contract(
                format('version %s of "%s" cannot move from draft to %s', OLD.version, OLD.product_id, NEW.status),
                'The lifecycle moves forward one step at a time: draft -> published -> deprecated -> retired.',
                'Publish it first with mesh_publish(), or delete the draft.');
        END IF;
    END IF;

    -- Publication: stamped by the server; no breaking change inside a major line (but 0.x).
    IF NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status = 'draft') THEN
        NEW.published_at := now();
        NEW.published_by := actor;
        IF TG_OP = 'UPDATE' THEN
            -- Publications of one product take turns, as new versions do.
            PERFORM FROM @extschema@.product AS p WHERE p.id = NEW.product_id FOR NO KEY UPDATE;
            PERFORM @extschema@.require_version_order(NEW.product_id, NEW.version);
        END IF;
        SELECT v.version, v.descriptor INTO prev
          FROM @extschema@.product_version AS v
         WHERE v.product_id = NEW.product_id AND v.status IN ('published', 'deprecated')
           AND v.version OPERATOR(@extschema@.<) NEW.version
           AND @extschema@.semver_major(v.version) = @extschema@.semver_major(NEW.version)
           AND @extschema@.semver_major(NEW.version) > 0
         ORDER BY v.version USING OPERATOR(@extschema@.>) LIMIT 1;
        IF FOUND THEN
            SELECT string_agg(format('%s at %s', d.change, d.path), E'\n' ORDER BY d.path, d.change) INTO breaking
              FROM @extschema@.descriptor_diff(prev.descriptor, NEW.descriptor) AS d WHERE d.severity = 'error';
            IF breaking IS NOT NULL THEN
                PERFORM @extschema@.raise_contract(
                    format('version %s of "%s" breaks the contract of version %s', NEW.version, NEW.product_id, prev.version),
                    format(E'Breaking changes since %s:\n%s', prev.version, breaking),
                    -- the next major version no version of the product has (a maintenance line's is taken)
                    format('A breaking change needs a new major version: publish it as %s.0.0, or keep the change compatible. mesh_diff(%L, %L, %L) lists every difference.',
                           greatest(@extschema@.semver_major(NEW.version),
                                    (SELECT max(@extschema@.semver_major(v.version)) FROM @extschema@.product_version AS v
                                      WHERE v.product_id = NEW.product_id)) + 1,
                           NEW.product_id, prev.version, NEW.version));
            END IF;
        END IF;
    ELSIF TG_OP = 'INSERT' OR OLD.status = 'draft' THEN
        NEW.published_at := NULL;
        NEW.published_by := NULL;
    END IF;

    IF TG_OP = 'UPDATE' AND OLD.status = 'published' AND NEW.status = 'deprecated' THEN
        IF NEW.sunset IS NULL OR coalesce(btrim(NEW.deprecation_reason), '') = '' THEN
            PERFORM @extschema@.raise_contract(
                format('version %s of "%s" cannot be deprecated without a sunset date and a reason', OLD.version, OLD.product_id),
                'Consumers are told when the version goes away, and why.',
                'Use mesh_deprecate(id, version, sunset, reason).');
        END IF;
        NEW.deprecated_at := now();
        NEW.deprecated_by := actor;
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'deprecated' AND NEW.status = 'retired' THEN
        SELECT string_agg(format('%s %s (%s)', c.product_id, c.version, coalesce(c.version_range, 'any version')), ', ')
          INTO consumers
          FROM @extschema@.dependent_consumers(OLD.product_id, OLD.version) AS c;
        IF consumers IS NOT NULL THEN
            PERFORM @extschema@.raise_contract(
                format('version %s of "%s" still has active consumers and cannot be retired', OLD.version, OLD.product_id),
                format('Consumers whose input range needs it: %s.', consumers),
                'Wait until they move to another version (or are deprecated and retired), or publish a version their range matches.');
        END IF;
        NEW.retired_at := now();
        NEW.retired_by := actor;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.guard_version() IS
    'Trigger: ownership, version order, immutable contracts (metadata may change), forward-only lifecycle, breaking changes.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version();

-- The parts of a version (owners, tags, ports, fields) change with it: while it is a draft, or
-- in the transaction that publishes it. Restores by a superuser load them as they are.
-- Owners and tags are metadata: those of a published version follow its descriptor. The rule:
-- an owner or tag row may be added only if the descriptor names it, and removed only if the
-- descriptor no longer does. So these rows can only move toward what the (audited) descriptor
-- says, whoever writes them, and a metadata update (write_version_metadata) rewrites them with
-- plain DML; ports, fields and inputs stay immutable.
-- An UPDATE is a write to two versions, the one a row leaves and the one it joins: both are
-- judged, so no row can be moved out of a version its writer may not change.
CREATE FUNCTION @extschema@.require_version_part_change(vid bigint, part text, inserting boolean,
                                                        removed jsonb DEFAULT NULL, added jsonb DEFAULT NULL)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v record;
BEGIN
    SELECT pv.product_id, pv.version, pv.status, pv.published_at, pv.created_at, pv.descriptor, p.domain INTO v
      FROM @extschema@.product_version AS pv JOIN @extschema@.product AS p ON p.id = pv.product_id
     WHERE pv.id = vid;
    IF NOT FOUND THEN
        -- A cascade from a deleted version (already checked), or a dangling row the foreign key refuses.
        RETURN;
    END IF;
    IF inserting AND @extschema@.is_restore(v.created_at) THEN
        RETURN;
    END IF;
    PERFORM @extschema@.require_domain_owner(v.domain, format('change version %s of "%s"', v.version, v.product_id));
    -- In the transaction that publishes it, a version's parts are still being written: rows
    -- may be added, each one the descriptor names at its place, and none changed or removed.
    IF v.status <> 'draft'
       AND NOT (v.status = 'published' AND v.published_at = transaction_timestamp() AND inserting
                AND @extschema@.descriptor_places_part(v.descriptor, part, added))
       AND NOT (part IN ('owner', 'tag') AND (removed IS NOT NULL OR added IS NOT NULL)
                AND NOT coalesce(@extschema@.descriptor_names_part(v.descriptor, part, removed), false)
                AND coalesce(@extschema@.descriptor_names_part(v.descriptor, part, added), true)) THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" is %s and cannot change', v.version, v.product_id, v.status),
            CASE WHEN part IN ('owner', 'tag')
                 THEN format('The %s rows of a published version follow its descriptor: a row the descriptor names may be added, a row it no longer names removed.', part)
                 ELSE format('A published version is a contract: its %s rows are immutable.', replace(part, '_', ' ')) END,
            CASE WHEN part IN ('owner', 'tag') THEN 'Register the version again with the new owners or tags: mesh_register rewrites these rows.'
                 ELSE 'Register the change as a new version.' END);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_version_part_change(bigint, text, boolean, jsonb, jsonb) IS
    'Raises unless the acting role may change the parts of a version now: its owner, while it is a draft or being published, or for an owner or tag row (removed, added) that follows the descriptor.';

-- Whether a descriptor names an owner or tag row (given as jsonb); NULL for no row.
CREATE FUNCTION @extschema@.descriptor_names_part(descriptor jsonb, part text, r jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE part
         -- a string is contained in an array that holds it, and in itself
         WHEN 'tag' THEN coalesce(descriptor OPERATOR(pg_catalog.->) 'tags' OPERATOR(pg_catalog.@>) (r OPERATOR(pg_catalog.->) 'tag'), false)
         WHEN 'owner' THEN coalesce(descriptor OPERATOR(pg_catalog.->) 'owners' OPERATOR(pg_catalog.->) (r OPERATOR(pg_catalog.->>) 'kind')
                                    OPERATOR(pg_catalog.@>) (r OPERATOR(pg_catalog.->) 'principal'), false)
         ELSE false END;
COMMENT ON FUNCTION @extschema@.descriptor_names_part(jsonb, text, jsonb) IS
    'Internal: whether a version descriptor names an owner or tag row (given as jsonb); NULL when the row is NULL.';

-- Whether a part row (given as jsonb) is what the version's descriptor says at the row's
-- place: an input or output at its position, a field at its position in its port's schema,
-- an owner or tag the descriptor names.
CREATE FUNCTION @extschema@.descriptor_places_part(descriptor jsonb, part text, r jsonb) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce(CASE part
        WHEN 'input_port' THEN descriptor -> 'inputs' -> ((r ->> 'position')::int - 1) = r -> 'descriptor'
        WHEN 'output_port' THEN descriptor -> 'outputs' -> ((r ->> 'position')::int - 1) = r -> 'descriptor'
        WHEN 'field' THEN descriptor -> 'outputs'
                              -> ((SELECT o.position FROM @extschema@.output_port AS o WHERE o.id = (r ->> 'port_id')::bigint) - 1)
                              -> 'schema' -> ((r ->> 'position')::int - 1) = r -> 'descriptor'
        ELSE @extschema@.descriptor_names_part(descriptor, part, r) END, false);
END
$$;
COMMENT ON FUNCTION @extschema@.descriptor_places_part(jsonb, text, jsonb) IS
    'Internal: whether a part row is what a version descriptor says at its place (inputs and outputs by position, fields by position in their port, owners and tags by name).';

CREATE FUNCTION @extschema@.guard_version_part() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old_vid bigint;
    new_vid bigint;
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF TG_TABLE_NAME = 'field' THEN
        IF TG_OP <> 'INSERT' THEN
            old_vid := (SELECT o.version_id FROM @extschema@.output_port AS o WHERE o.id = (to_jsonb(OLD) ->> 'port_id')::bigint);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_vid := (SELECT o.version_id FROM @extschema@.output_port AS o WHERE o.id = (to_jsonb(NEW) ->> 'port_id')::bigint);
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            old_vid := (to_jsonb(OLD) ->> 'version_id')::bigint;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_vid := (to_jsonb(NEW) ->> 'version_id')::bigint;
        END IF;
    END IF;
    -- Owner and tag rows are judged against the descriptor of the version they leave or join.
    IF TG_TABLE_NAME IN ('owner', 'tag') THEN
        IF TG_OP <> 'INSERT' THEN
            old_row := to_jsonb(OLD);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_row := to_jsonb(NEW);
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM @extschema@.require_version_part_change(old_vid, TG_TABLE_NAME, false, old_row,
                                                        CASE WHEN new_vid = old_vid THEN new_row END);
    END IF;
    IF TG_OP <> 'DELETE' AND new_vid IS DISTINCT FROM old_vid THEN
        PERFORM @extschema@.require_version_part_change(new_vid, TG_TABLE_NAME, TG_OP = 'INSERT', NULL,
                                                        coalesce(new_row, to_jsonb(NEW)));
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION @extschema@.guard_version_part() IS
    'Trigger: owners, tags, ports and fields change only with a draft version (or as it is published), by its owners; owner and tag rows of a published version follow its descriptor; an UPDATE is judged for the version a row leaves and the one it joins.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.owner
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version_part();
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.tag
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version_part();
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.input_port
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version_part();
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.output_port
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version_part();
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.field
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version_part();

-- Lifecycle functions: run with the caller's rights, so the triggers judge the caller.
CREATE FUNCTION @extschema@.lifecycle_target(id text, version @extschema@.semver) RETURNS @extschema@.product_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version;
BEGIN
    SELECT * INTO v FROM @extschema@.product_version AS pv
     WHERE pv.product_id = id AND pv.version OPERATOR(@extschema@.=) version;
    IF NOT FOUND THEN
        PERFORM @extschema@.raise_error('23503',
            format('version %s of data product "%s" does not exist', version, id),
            NULL,
            'SELECT version, status FROM mesh_versions WHERE product_id = ... lists its versions.');
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION @extschema@.lifecycle_target(text, @extschema@.semver) IS
    'The version a lifecycle function acts on; 23503 when it does not exist.';

CREATE FUNCTION @extschema@.mesh_publish(id text, version @extschema@.semver) RETURNS @extschema@.lifecycle_status
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := @extschema@.lifecycle_target(id, version);
BEGIN
    IF v.status = 'published' THEN
        RETURN v.status;
    END IF;
    UPDATE @extschema@.product_version AS pv SET status = 'published' WHERE pv.id = v.id;
    RETURN 'published';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_publish(text, @extschema@.semver) IS
    'Publishes a draft version, if it is greater than every published version of its major line, every applicable required policy passes, and it breaks no contract of its major line.';

CREATE FUNCTION @extschema@.mesh_deprecate(id text, version @extschema@.semver, sunset date, reason text)
RETURNS @extschema@.lifecycle_status
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := @extschema@.lifecycle_target(id, version);
BEGIN
    IF sunset < current_date THEN
        PERFORM @extschema@.raise_contract(format('the sunset date %s is in the past', sunset),
            'A sunset date tells consumers when the version goes away.', 'Give a date from today on.');
    END IF;
    UPDATE @extschema@.product_version AS pv
       SET status = 'deprecated', sunset = mesh_deprecate.sunset, deprecation_reason = reason
     WHERE pv.id = v.id;
    RETURN 'deprecated';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_deprecate(text, @extschema@.semver, date, text) IS
    'Deprecates a published version with a sunset date and a reason; consumers are notified.';

CREATE FUNCTION @extschema@.mesh_retire(id text, version @extschema@.semver) RETURNS @extschema@.lifecycle_status
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := @extschema@.lifecycle_target(id, version);
BEGIN
    UPDATE @extschema@.product_version AS pv SET status = 'retired' WHERE pv.id = v.id;
    RETURN 'retired';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver) IS
    'Retires a deprecated version; refused while active consumers still need it.';

-- Withdraws a draft: the version is deleted, with its parts and evaluations (the audit trail
-- keeps it). Published versions are contracts and are deprecated instead; the trigger checks
-- that the caller owns the product's domain. The product's identity stays.
CREATE FUNCTION @extschema@.mesh_withdraw(id text, version @extschema@.semver) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := @extschema@.lifecycle_target(id, version);
BEGIN
    IF v.status <> 'draft' THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" is %s and cannot be withdrawn', v.version, v.product_id, v.status),
            'Only a draft may be withdrawn: a published version is a contract that consumers may rely on.',
            CASE v.status WHEN 'published' THEN format('Deprecate it with mesh_deprecate(%L, %L, sunset, reason), then retire it with mesh_retire().', v.product_id, v.version::text)
                          WHEN 'deprecated' THEN format('Retire it with mesh_retire(%L, %L) once its sunset has passed.', v.product_id, v.version::text)
                          ELSE 'A retired version stays in the catalog as history.' END);
    END IF;
    DELETE FROM @extschema@.product_version AS pv WHERE pv.id = v.id;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_withdraw(text, @extschema@.semver) IS
    'Withdraws (deletes) a draft version, by its domain''s owners; a published version is refused (23514): deprecate it instead.';
