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
-- restored row (pg_dump | psql, pg_restore): it is history, and is loaded as it is (is_restore,
-- 40_audit: the one restore signal).

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

-- The rules on product versions, one function each, each with its own error. guard_version
-- (below) says which apply to a write; everything else a version holds is derived from it.

-- Only drafts are deleted: a published version is a contract consumers may rely on.
CREATE FUNCTION @extschema@.require_deletable(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v.status <> 'draft' THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" is %s and cannot be deleted', v.version, v.product_id, v.status),
            'Only drafts may be deleted: a published version is a contract that consumers may rely on.',
            'Deprecate it with mesh_deprecate(), then retire it with mesh_retire().');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_deletable(@extschema@.product_version) IS
    'Raises 23514 unless the version is a draft.';

-- A version starts as a draft or published.
CREATE FUNCTION @extschema@.require_new_version_status(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v.status NOT IN ('draft', 'published') THEN
        PERFORM @extschema@.raise_contract(
            format('a new version of "%s" cannot be %s', v.product_id, v.status),
            'A version starts as a draft or published; it is deprecated and retired later.',
            'Insert it as draft or published, then use mesh_deprecate() and mesh_retire().');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_new_version_status(@extschema@.product_version) IS
    'Raises 23514 unless a new version is a draft or published.';

-- A version is its product and its number for its whole life.
CREATE FUNCTION @extschema@.require_same_identity(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after.product_id IS DISTINCT FROM before.product_id OR after.version OPERATOR(@extschema@.<>) before.version
       OR after.id IS DISTINCT FROM before.id THEN
        PERFORM @extschema@.raise_contract(
            format('the product and version of "%s" %s cannot change', before.product_id, before.version),
            'A version is identified by its product and its number for its whole life.',
            'Register a new version instead.');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_same_identity(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 when an update changes the product, the number or the id of a version.';

-- The lifecycle moves forward one step at a time: draft -> published -> deprecated -> retired.
CREATE FUNCTION @extschema@.require_lifecycle_step(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after.status <> before.status
       AND NOT (before.status, after.status) IN (('draft', 'published'), ('published', 'deprecated'), ('deprecated', 'retired')) THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" cannot move from %s to %s', before.version, before.product_id, before.status, after.status),
            'The lifecycle moves forward one step at a time: draft -> published -> deprecated -> retired.',
            CASE WHEN before.status = 'draft' THEN 'Publish it first with mesh_publish(), or withdraw the draft with mesh_withdraw().'
                 WHEN after.status = 'retired' THEN 'Deprecate it first with mesh_deprecate(), with a sunset date.'
                 ELSE 'Register a new version instead.' END);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_lifecycle_step(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 unless a status change is one step forward: draft -> published -> deprecated -> retired.';

-- The sunset date and reason are set once, when the version is deprecated.
CREATE FUNCTION @extschema@.require_deprecation_kept(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (before.sunset, before.deprecation_reason) IS DISTINCT FROM (after.sunset, after.deprecation_reason)
       AND NOT (before.status = 'published' AND after.status = 'deprecated') THEN
        PERFORM @extschema@.raise_contract(
            format('the deprecation of version %s of "%s" cannot change', before.version, before.product_id),
            'The sunset date and reason are set once, when the version is deprecated.',
            'Consumers were told; announce changes through a new version.');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_deprecation_kept(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 when the sunset date or reason changes other than by deprecating the version.';

-- A deprecation tells consumers when the version goes away, and why.
CREATE FUNCTION @extschema@.require_sunset_and_reason(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v.sunset IS NULL OR coalesce(btrim(v.deprecation_reason), '') = '' THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" cannot be deprecated without a sunset date and a reason', v.version, v.product_id),
            'Consumers are told when the version goes away, and why.',
            'Use mesh_deprecate(id, version, sunset, reason).');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_sunset_and_reason(@extschema@.product_version) IS
    'Raises 23514 unless a deprecated version has a sunset date and a reason.';

-- No breaking change inside a major line (but 0.x): compared with the newest published or
-- deprecated version below it in its line.
CREATE FUNCTION @extschema@.require_compatible(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    prev record;
    breaking text;
BEGIN
    SELECT p.version, p.descriptor INTO prev
      FROM @extschema@.product_version AS p
     WHERE p.product_id = v.product_id AND p.status IN ('published', 'deprecated')
       AND p.version OPERATOR(@extschema@.<) v.version
       AND @extschema@.semver_major(p.version) = @extschema@.semver_major(v.version)
       AND @extschema@.semver_major(v.version) > 0
     ORDER BY p.version USING OPERATOR(@extschema@.>) LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT string_agg(format('%s at %s', d.change, d.path), E'\n' ORDER BY d.path, d.change) INTO breaking
      FROM @extschema@.descriptor_diff(prev.descriptor, v.descriptor) AS d WHERE d.severity = 'error';
    IF breaking IS NOT NULL THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" breaks the contract of version %s', v.version, v.product_id, prev.version),
            format(E'Breaking changes since %s:\n%s', prev.version, breaking),
            -- the next major version no version of the product has (a maintenance line's is taken)
            format('A breaking change needs a new major version: publish it as %s.0.0, or keep the change compatible. mesh_diff(%L, %L, %L) lists every difference.',
                   greatest(@extschema@.semver_major(v.version),
                            (SELECT max(@extschema@.semver_major(p.version)) FROM @extschema@.product_version AS p
                              WHERE p.product_id = v.product_id)) + 1,
                   v.product_id, prev.version, v.version));
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_compatible(@extschema@.product_version) IS
    'Raises 23514 listing the breaking changes when a version breaks the contract of the version before it in its major line.';

-- A version that active consumers still need stays.
CREATE FUNCTION @extschema@.require_no_active_consumers(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    consumers text;
BEGIN
    SELECT string_agg(format('%s %s (%s)', c.product_id, c.version, coalesce(c.version_range, 'any version')), ', ')
      INTO consumers
      FROM @extschema@.dependent_consumers(v.product_id, v.version) AS c;
    IF consumers IS NOT NULL THEN
        PERFORM @extschema@.raise_contract(
            format('version %s of "%s" still has active consumers and cannot be retired', v.version, v.product_id),
            format('Consumers whose input range needs it: %s.', consumers),
            'Wait until they move to another version (or are deprecated and retired), or publish a version their range matches.');
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_no_active_consumers(@extschema@.product_version) IS
    'Raises 23514 naming the consumers whose input range still needs the version.';

-- A descriptor written by any path is a valid product descriptor of this version: the same
-- checks mesh_register runs before it writes (the JSON Schema, then what it cannot say).
-- Inputs must name registered products; derived_from is checked when the transaction ends
-- (check_version_references, below), when every version of a stream is in.
CREATE FUNCTION @extschema@.require_valid_descriptor(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problem text[];
    missing record;
BEGIN
    PERFORM @extschema@.check_document_kind(v.descriptor, 1);
    IF v.descriptor ->> 'kind' <> 'DataProduct' THEN
        PERFORM @extschema@.raise_invalid_descriptor(1, '$.kind', format('a product version''s descriptor is a DataProduct, not %s', v.descriptor -> 'kind'));
    END IF;
    problem := @extschema@.descriptor_problem(v.descriptor, @extschema@.mesh_descriptor_schema() -> '$defs' -> 'DataProduct');
    IF problem IS NOT NULL THEN
        PERFORM @extschema@.raise_invalid_descriptor(1, problem[1], problem[2]);
    END IF;
    PERFORM @extschema@.check_product_document(v.descriptor, 1);
    SELECT i.n - 1 AS n, i.e ->> 'product' AS product INTO missing
      FROM jsonb_array_elements(coalesce(v.descriptor -> 'inputs', '[]')) WITH ORDINALITY AS i(e, n)
     WHERE i.e ? 'product' AND NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = i.e ->> 'product')
     ORDER BY i.n LIMIT 1;
    IF FOUND THEN
        PERFORM @extschema@.raise_unknown_reference(1, format('$.inputs[%s].product', missing.n),
            format('data product "%s"', missing.product),
            'Register the product it consumes first; an external dataset is a "source".');
    END IF;
    IF v.descriptor ->> 'id' <> v.product_id OR (v.descriptor ->> 'version')::@extschema@.semver OPERATOR(@extschema@.<>) v.version THEN
        PERFORM @extschema@.raise_invalid_descriptor(1, '$',
            format('the descriptor describes version %s of "%s", not version %s of "%s"',
                   v.descriptor ->> 'version', v.descriptor ->> 'id', v.version, v.product_id));
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_valid_descriptor(@extschema@.product_version) IS
    'Raises 22023 unless a version''s descriptor is a valid DataProduct descriptor of that product and version.';

-- The server says when and by whom: a new version's stamps, and each lifecycle step's.
CREATE FUNCTION @extschema@.stamp_version(op text, before @extschema@.product_version, after @extschema@.product_version)
RETURNS @extschema@.product_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
BEGIN
    IF op = 'INSERT' THEN
        after.created_at := now();
        after.created_by := actor;
        before.status := 'draft';
    ELSE
        after.created_at := before.created_at;
        after.created_by := before.created_by;
    END IF;
    after.updated_at := now();
    after.updated_by := actor;
    after.published_at := CASE WHEN before.status = 'draft' AND after.status = 'published' THEN now()
                               WHEN after.status = 'draft' THEN NULL ELSE before.published_at END;
    after.published_by := CASE WHEN before.status = 'draft' AND after.status = 'published' THEN actor
                               WHEN after.status = 'draft' THEN NULL ELSE before.published_by END;
    after.deprecated_at := CASE WHEN before.status = 'published' AND after.status = 'deprecated' THEN now()
                                WHEN after.status IN ('draft', 'published') THEN NULL ELSE before.deprecated_at END;
    after.deprecated_by := CASE WHEN before.status = 'published' AND after.status = 'deprecated' THEN actor
                                WHEN after.status IN ('draft', 'published') THEN NULL ELSE before.deprecated_by END;
    after.retired_at := CASE WHEN before.status = 'deprecated' AND after.status = 'retired' THEN now()
                             WHEN after.status <> 'retired' THEN NULL ELSE before.retired_at END;
    after.retired_by := CASE WHEN before.status = 'deprecated' AND after.status = 'retired' THEN actor
                             WHEN after.status <> 'retired' THEN NULL ELSE before.retired_by END;
    IF after.status IN ('draft', 'published') THEN
        after.sunset := NULL;
        after.deprecation_reason := NULL;
    END IF;
    RETURN after;
END
$$;
COMMENT ON FUNCTION @extschema@.stamp_version(text, @extschema@.product_version, @extschema@.product_version) IS
    'The row with the server''s stamps: created, updated, and when and by whom it was published, deprecated and retired.';

-- Product versions: which rule applies to which write. Once per version written, whatever the
-- path (mesh_register, the lifecycle functions, a plain INSERT or UPDATE).
CREATE FUNCTION @extschema@.guard_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v @extschema@.product_version := CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    publishing boolean;
BEGIN
    IF TG_OP = 'INSERT' AND @extschema@.is_restore(NEW.created_at) THEN
        RETURN NEW;
    END IF;
    PERFORM @extschema@.require_domain_owner(split_part(v.product_id, '.', 1),
        format('%s version %s of "%s"', lower(TG_OP), v.version, v.product_id));
    IF TG_OP = 'DELETE' THEN
        PERFORM @extschema@.require_deletable(OLD);
        RETURN OLD;
    END IF;

    IF TG_OP = 'INSERT' THEN
        PERFORM @extschema@.require_new_version_status(NEW);
    ELSE
        PERFORM @extschema@.require_same_identity(OLD, NEW);
        PERFORM @extschema@.require_lifecycle_step(OLD, NEW);
        PERFORM @extschema@.require_deprecation_kept(OLD, NEW);
        IF OLD.status <> 'draft' THEN
            PERFORM @extschema@.require_contract_unchanged(OLD, NEW);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.descriptor IS DISTINCT FROM OLD.descriptor THEN
        PERFORM @extschema@.require_valid_descriptor(NEW);
    END IF;

    publishing := NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status = 'draft');
    IF TG_OP = 'INSERT' OR publishing THEN
        -- New versions and publications of one product take turns.
        PERFORM FROM @extschema@.product AS p WHERE p.id = NEW.product_id FOR NO KEY UPDATE;
        IF TG_OP = 'UPDATE' OR NOT EXISTS (SELECT FROM @extschema@.product_version AS o
                                            WHERE o.product_id = NEW.product_id AND o.version OPERATOR(@extschema@.=) NEW.version) THEN
            PERFORM @extschema@.require_version_order(NEW.product_id, NEW.version);
        END IF;
    END IF;
    IF publishing THEN
        PERFORM @extschema@.require_compatible(NEW);
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'published' AND NEW.status = 'deprecated' THEN
        PERFORM @extschema@.require_sunset_and_reason(NEW);
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'deprecated' AND NEW.status = 'retired' THEN
        PERFORM @extschema@.require_no_active_consumers(OLD);
    END IF;
    RETURN @extschema@.stamp_version(TG_OP, OLD, NEW);
END
$$;
COMMENT ON FUNCTION @extschema@.guard_version() IS
    'Trigger: the rules on a version write (ownership, lifecycle, immutable contract, valid descriptor, version order, compatibility, consumers), then the server''s stamps.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_version();

-- Column lineage is a reference like an input (check_derived_from): checked at the end of the
-- transaction, when the versions a stream registers together are all written, for every
-- version whose descriptor has derived_from, however it was written. mesh_register has checked
-- the same before writing, with the stream's documents named.
CREATE FUNCTION @extschema@.check_version_references() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    doc jsonb;
BEGIN
    IF @extschema@.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    -- The row as it is now: a later statement of the transaction may have changed or removed it.
    SELECT v.descriptor INTO doc FROM @extschema@.product_version AS v WHERE v.id = NEW.id;
    IF FOUND THEN
        PERFORM @extschema@.check_derived_from(doc, 1, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.check_version_references() IS
    'Constraint trigger: raises 23503 unless every derived_from of the version''s descriptor names an existing field of a product it consumes.';
CREATE CONSTRAINT TRIGGER check_references AFTER INSERT OR UPDATE OF descriptor ON @extschema@.product_version
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.descriptor @? '$.outputs[*].schema[*].derived_from[*]')
    EXECUTE FUNCTION @extschema@.check_version_references();

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
