-- 55_rules: the rules, as triggers on the document tables. They are the guarantee: the rules
-- hold for mesh_register, a plain INSERT or UPDATE, and psql alike.
--   * audit: every change to a document (a domain, a product, a product version, a policy, an
--     exemption) is recorded in the same transaction (a rolled-back change leaves no trace),
--     one entry per document written, in a table nobody may rewrite. Derived rows are not
--     audited: they follow from the documents;
--   * ownership: only members of a domain's owner role (or of meshcat_admin) write its rows;
--   * versions grow within a major line: a new or newly published version is greater than every
--     published (deprecated, retired) version of its major line; drafts never block;
--   * a published version's contract is immutable; its metadata (owners, tags, name, ...) may
--     change; lifecycle moves only go forward (draft -> published -> deprecated -> retired);
--   * a breaking change needs a new major version (descriptor_diff);
--   * retiring a version that active consumers still need is refused;
--   * federated computational governance: policies (global ones by governance administrators,
--     domain ones by the domain's owners) are SQL/JSON path predicates, or checking functions,
--     over a version's descriptor. They are evaluated whenever a version is written and
--     whenever a policy changes; every evaluation is stored. A version is published only when
--     every applicable required policy passes or is exempted; recommended failures warn.
--     Events are rows of meshcat_internal.event, announced by NOTIFY meshcat with their kind, product,
--     version and id only (emit_event).
-- Restores: a row a superuser inserts with a created_at before the current transaction is a
-- restored row (pg_dump | psql, pg_restore): it is history, and is loaded as it is (is_restore,
-- 40_helpers: the one restore signal).
-- Uses: 00_schema, 10_semver, 15_types, 30_tables, 40_helpers, 45_validation.

-- Runs as the extension owner so writers need no privilege on the audit table, and so
-- cannot forge entries. The acting role recorded is the one the guard judged and stamped
-- (updated_by) where the row has that stamp: inside this SECURITY DEFINER function,
-- mesh_acting_role() cannot see a caller that was itself another role's SECURITY DEFINER
-- function (docs/security.md); elsewhere it is mesh_acting_role().
CREATE FUNCTION meshcat_internal.audit_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acting name := @extschema@.mesh_acting_role();
    -- the row as written, made once: a version's holds its whole descriptor
    after jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN pg_catalog.to_jsonb(NEW) END;
BEGIN
    -- Rows a restore loads were audited when they were first written; the dump holds that
    -- trail. TG_ARGV[0] names the row's creation stamp.
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore((after OPERATOR(pg_catalog.->>) TG_ARGV[0])::timestamptz) THEN
        RETURN NULL;
    END IF;
    IF after OPERATOR(pg_catalog.?) 'updated_by' THEN
        acting := after OPERATOR(pg_catalog.->>) 'updated_by';
    END IF;
    INSERT INTO meshcat_internal.audit (acting_role, table_name, operation, old_row, new_row)
    VALUES (acting, TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN pg_catalog.to_jsonb(OLD) END, after);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.audit_row() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.audit_row() IS
    'Trigger: records one document change in meshcat_internal.audit.';

CREATE FUNCTION meshcat_internal.audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.raise_error('42501',
        'the audit trail is append-only',
        pg_catalog.format('%s on meshcat_internal.audit is refused for every role, its owner included.', TG_OP),
        'Audit entries can only be added, by the catalog''s own triggers.');
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.audit_refuse_change() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.audit_refuse_change() IS
    'Trigger: refuses UPDATE, DELETE and TRUNCATE on meshcat_internal.audit.';

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON meshcat_internal.audit
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON meshcat_internal.audit
    FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.audit_refuse_change();

-- The documents of 30_tables (policies and exemptions below). A product's
-- creation is its first version's; its later changes are its own entries.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.domain
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('created_at');
CREATE TRIGGER audit AFTER UPDATE OR DELETE ON @extschema@.product
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('created_at');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('created_at');

-- Policies and exemptions are versioned in the audit trail, like the catalog.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.policy
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('created_at');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.exemption
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('requested_at');

-- Surrogate ids are the server's: a writer that picked one could squat the ids the sequence is
-- about to hand out to other domains' registrations (or reuse a withdrawn draft's). Restored
-- rows keep theirs; a row that arrives without one (a replica's) gets one. Enabled always, and
-- first of the BEFORE triggers (by name), so the rules see the row's real id.
-- TG_ARGV: the sequence, the row's creation stamp.
CREATE FUNCTION meshcat_internal.assign_id() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.id IS NULL
       OR NOT meshcat_internal.is_restore((pg_catalog.to_jsonb(NEW) OPERATOR(pg_catalog.->>) TG_ARGV[1])::timestamptz) THEN
        NEW.id := pg_catalog.nextval(TG_ARGV[0]::pg_catalog.regclass);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION meshcat_internal.assign_id() IS
    'Trigger: gives a new row the next id of its sequence, whatever the writer sent (a restored row keeps its own).';
CREATE TRIGGER assign_id BEFORE INSERT ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.assign_id('@extschema@.product_version_id_seq', 'created_at');
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER assign_id;
CREATE TRIGGER assign_id BEFORE INSERT ON @extschema@.exemption
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.assign_id('@extschema@.exemption_id_seq', 'requested_at');
ALTER TABLE @extschema@.exemption ENABLE ALWAYS TRIGGER assign_id;

-- TRUNCATE fires no row trigger: it would delete published versions, other domains' rows and
-- exemptions past every rule, and leave their derived rows behind. Documents go one by one.
CREATE FUNCTION meshcat_internal.refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.raise_error('42501',
        pg_catalog.format('TRUNCATE of meshcat.%s is refused', TG_TABLE_NAME),
        'TRUNCATE passes over every rule: ownership, published versions as contracts, exemptions as records.',
        'Withdraw drafts with mesh_withdraw(), deprecate and retire published versions, delete policies one by one.');
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.refuse_truncate() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.refuse_truncate() IS
    'Trigger: refuses TRUNCATE of a document table, for every role.';
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['domain', 'product', 'product_version', 'policy', 'exemption'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON @extschema@.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.refuse_truncate()', t);
    END LOOP;
END
$$;

-- Domains: created, re-owned and deleted by administrators; described by their owners. When
-- and by whom is the server's to say.
CREATE FUNCTION meshcat_internal.guard_domain() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT meshcat_internal.is_restore(NEW.created_at) THEN
            PERFORM meshcat_internal.require_admin(format('create domain "%s"', NEW.name));
            NEW.created_at := now();
            NEW.created_by := @extschema@.mesh_acting_role();
            NEW.updated_at := NEW.created_at;
            NEW.updated_by := NEW.created_by;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM meshcat_internal.require_admin(format('delete domain "%s"', OLD.name));
        RETURN OLD;
    END IF;
    PERFORM meshcat_internal.require_domain_owner(OLD.name, 'update the domain');
    IF NEW.owner_role IS DISTINCT FROM OLD.owner_role OR NEW.parent IS DISTINCT FROM OLD.parent
       OR NEW.name IS DISTINCT FROM OLD.name THEN
        PERFORM meshcat_internal.require_admin(format('change the name, owner or parent of domain "%s"', OLD.name));
    END IF;
    NEW.created_at := OLD.created_at;
    NEW.created_by := OLD.created_by;
    NEW.updated_at := now();
    NEW.updated_by := @extschema@.mesh_acting_role();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION meshcat_internal.guard_domain() IS
    'Trigger: only administrators create or delete domains or change their name, owner or parent; owners describe them; the server stamps when and by whom.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.domain
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_domain();

-- Products: their domain's owners create them; an identity never changes.
CREATE FUNCTION meshcat_internal.guard_product() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT meshcat_internal.is_restore(NEW.created_at) THEN
            PERFORM meshcat_internal.require_domain_owner(NEW.domain, format('create product "%s"', NEW.id));
            NEW.created_at := now();
            NEW.created_by := @extschema@.mesh_acting_role();
        END IF;
        RETURN NEW;
    END IF;
    PERFORM meshcat_internal.require_domain_owner(OLD.domain, format('%s product "%s"', lower(TG_OP), OLD.id));
    IF TG_OP = 'UPDATE' AND (NEW.id, NEW.domain) IS DISTINCT FROM (OLD.id, OLD.domain) THEN
        PERFORM meshcat_internal.raise_contract(format('the identity of product "%s" cannot change', OLD.id),
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
COMMENT ON FUNCTION meshcat_internal.guard_product() IS
    'Trigger: only the domain''s owners write its products; a product id never changes.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.product
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_product();

-- Version order: within a major line, versions that are or were published (published,
-- deprecated, retired) only grow; a new version, and a draft when it is published, must be
-- greater than all of them. Drafts never block another version (a draft 1.1.0 that can never
-- publish does not stop a 1.0.1 patch), and other major lines do not count, so a maintenance
-- line (1.0.x while 2.x exists) stays open. The caller holds the product's row lock.
CREATE FUNCTION meshcat_internal.require_version_order(pid text, ver @extschema@.semver) RETURNS void
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
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" is lower than its %s version %s', ver, pid, top.status, top.version),
            format('Within major version %s, published versions only grow; the highest is %s. Drafts and other major lines do not count.',
                   @extschema@.semver_major(ver), top.version),
            format('Register a version greater than %s, such as %s.%s.%s.', top.version,
                   @extschema@.semver_major(top.version), @extschema@.semver_minor(top.version) + 1, 0));
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_version_order(text, @extschema@.semver) IS
    'Raises 23514 unless a version is greater than every published, deprecated or retired version of its major line.';

-- Immutability: a version that is published (or later) changes only in its lifecycle and its
-- metadata (descriptor_metadata_keys: the columns of those names, and the descriptor outside
-- its contract part, descriptor_contract). The lifecycle columns are judged by guard_version.
CREATE FUNCTION meshcat_internal.require_contract_unchanged(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    changed text;
BEGIN
    SELECT string_agg(CASE WHEN o.k = 'descriptor'
                           THEN format('descriptor (%s)', array_to_string(
                                       meshcat_internal.descriptor_contract_changes(o.v, n.v2), ', '))
                           ELSE o.k END, ', ' ORDER BY o.k) INTO changed
      FROM jsonb_each(to_jsonb(before)) AS o(k, v)
      JOIN jsonb_each(to_jsonb(after)) AS n(k2, v2) ON n.k2 = o.k
     WHERE CASE WHEN o.k = 'descriptor'
                THEN meshcat_internal.descriptor_contract(o.v) IS DISTINCT FROM meshcat_internal.descriptor_contract(n.v2)
                ELSE o.v IS DISTINCT FROM n.v2 END
       -- the document as registered changes with a metadata fix (its contract is the descriptor's)
       AND o.k NOT IN ('status', 'updated_at', 'updated_by', 'sunset', 'deprecation_reason', 'document', 'document_format')
       AND o.k <> ALL (meshcat_internal.descriptor_metadata_keys());
    IF changed IS NOT NULL THEN
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" is %s and cannot change', before.version, before.product_id, before.status),
            format('A published version is a contract: only its lifecycle and its metadata may change. Changed: %s.', changed),
            'Register the change as a new version.');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_contract_unchanged(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 naming what changed when an update of a published version changes more than its lifecycle and metadata.';

-- The rules on product versions, one function each, each with its own error. guard_version
-- (below) says which apply to a write; everything else a version holds is derived from it.

-- Only drafts are deleted: a published version is a contract consumers may rely on.
CREATE FUNCTION meshcat_internal.require_deletable(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v.status <> 'draft' THEN
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" is %s and cannot be deleted', v.version, v.product_id, v.status),
            'Only drafts may be deleted: a published version is a contract that consumers may rely on.',
            'Deprecate it with mesh_deprecate(), then retire it with mesh_retire().');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_deletable(@extschema@.product_version) IS
    'Raises 23514 unless the version is a draft.';

-- A version starts as a draft or published.
CREATE FUNCTION meshcat_internal.require_new_version_status(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v.status NOT IN ('draft', 'published') THEN
        PERFORM meshcat_internal.raise_contract(
            format('a new version of "%s" cannot be %s', v.product_id, v.status),
            'A version starts as a draft or published; it is deprecated and retired later.',
            'Insert it as draft or published, then use mesh_deprecate() and mesh_retire().');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_new_version_status(@extschema@.product_version) IS
    'Raises 23514 unless a new version is a draft or published.';

-- A version is its product and its number for its whole life.
CREATE FUNCTION meshcat_internal.require_same_identity(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after.product_id IS DISTINCT FROM before.product_id OR after.version OPERATOR(@extschema@.<>) before.version
       OR after.id IS DISTINCT FROM before.id THEN
        PERFORM meshcat_internal.raise_contract(
            format('the product and version of "%s" %s cannot change', before.product_id, before.version),
            'A version is identified by its product and its number for its whole life.',
            'Register a new version instead.');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_same_identity(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 when an update changes the product, the number or the id of a version.';

-- The lifecycle moves forward one step at a time: draft -> published -> deprecated -> retired.
CREATE FUNCTION meshcat_internal.require_lifecycle_step(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after.status <> before.status
       AND NOT (before.status, after.status) IN (('draft', 'published'), ('published', 'deprecated'), ('deprecated', 'retired')) THEN
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" cannot move from %s to %s', before.version, before.product_id, before.status, after.status),
            'The lifecycle moves forward one step at a time: draft -> published -> deprecated -> retired.',
            CASE WHEN before.status = 'draft' THEN 'Publish it first with mesh_publish(), or withdraw the draft with mesh_withdraw().'
                 WHEN after.status = 'retired' THEN 'Deprecate it first with mesh_deprecate(), with a sunset date.'
                 ELSE 'Register a new version instead.' END);
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_lifecycle_step(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 unless a status change is one step forward: draft -> published -> deprecated -> retired.';

-- The sunset date and reason are set once, when the version is deprecated.
CREATE FUNCTION meshcat_internal.require_deprecation_kept(before @extschema@.product_version, after @extschema@.product_version)
RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (before.sunset, before.deprecation_reason) IS DISTINCT FROM (after.sunset, after.deprecation_reason)
       AND NOT (before.status = 'published' AND after.status = 'deprecated') THEN
        PERFORM meshcat_internal.raise_contract(
            format('the deprecation of version %s of "%s" cannot change', before.version, before.product_id),
            'The sunset date and reason are set once, when the version is deprecated.',
            'Consumers were told; announce changes through a new version.');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_deprecation_kept(@extschema@.product_version, @extschema@.product_version) IS
    'Raises 23514 when the sunset date or reason changes other than by deprecating the version.';

-- A deprecation tells consumers when the version goes away, and why.
CREATE FUNCTION meshcat_internal.require_sunset_and_reason(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v.sunset IS NULL OR coalesce(btrim(v.deprecation_reason), '') = '' THEN
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" cannot be deprecated without a sunset date and a reason', v.version, v.product_id),
            'Consumers are told when the version goes away, and why.',
            'Use mesh_deprecate(id, version, sunset, reason).');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_sunset_and_reason(@extschema@.product_version) IS
    'Raises 23514 unless a deprecated version has a sunset date and a reason.';

-- No breaking change inside a major line (but 0.x): compared with the newest published or
-- deprecated version below it in its line.
CREATE FUNCTION meshcat_internal.require_compatible(v @extschema@.product_version) RETURNS void
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
      FROM meshcat_internal.descriptor_diff(prev.descriptor, v.descriptor) AS d WHERE d.severity = 'error';
    IF breaking IS NOT NULL THEN
        PERFORM meshcat_internal.raise_contract(
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
COMMENT ON FUNCTION meshcat_internal.require_compatible(@extschema@.product_version) IS
    'Raises 23514 listing the breaking changes when a version breaks the contract of the version before it in its major line.';

-- A version that active consumers still need stays.
CREATE FUNCTION meshcat_internal.require_no_active_consumers(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    consumers text;
BEGIN
    SELECT string_agg(format('%s %s (%s)', c.product_id, c.version, coalesce(c.version_range, 'any version')), ', ')
      INTO consumers
      FROM meshcat_internal.dependent_consumers(v.product_id, v.version) AS c;
    IF consumers IS NOT NULL AND meshcat_internal.retire_forced(v.id) THEN
        RAISE WARNING 'version % of "%" is retired by force although active consumers still need it', v.version, v.product_id
            USING DETAIL = format('Consumers whose input range needs it: %s.', consumers);
    ELSIF consumers IS NOT NULL THEN
        PERFORM meshcat_internal.raise_contract(
            format('version %s of "%s" still has active consumers and cannot be retired', v.version, v.product_id),
            format('Consumers whose input range needs it: %s.', consumers),
            'Wait until they move to another version (or are deprecated and retired), or publish a version their range matches.');
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_no_active_consumers(@extschema@.product_version) IS
    'Raises 23514 naming the consumers whose input range still needs the version.';

-- A descriptor written by any path is a valid product descriptor of this version: the same
-- checks mesh_register runs before it writes (the JSON Schema, then what it cannot say).
-- Inputs must name registered products; derived_from is checked when the transaction ends
-- (check_version_references, below), when every version of a stream is in.
CREATE FUNCTION meshcat_internal.require_valid_descriptor(v @extschema@.product_version) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    missing record;
BEGIN
    PERFORM meshcat_internal.check_document_kind(v.descriptor, 1);
    IF v.descriptor ->> 'kind' <> 'DataProduct' THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(1, '$.kind', format('a product version''s descriptor is a DataProduct, not %s', v.descriptor -> 'kind'));
    END IF;
    PERFORM meshcat_internal.check_product_once(v.descriptor, 1);
    SELECT i.n - 1 AS n, i.e ->> 'product' AS product INTO missing
      FROM jsonb_array_elements(coalesce(v.descriptor -> 'inputs', '[]')) WITH ORDINALITY AS i(e, n)
     WHERE i.e ? 'product' AND NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = i.e ->> 'product')
     ORDER BY i.n LIMIT 1;
    IF FOUND THEN
        PERFORM meshcat_internal.raise_unknown_reference(1, format('$.inputs[%s].product', missing.n),
            format('data product "%s"', missing.product),
            'Register the product it consumes first; an external dataset is a "source".');
    END IF;
    IF v.descriptor ->> 'id' <> v.product_id OR (v.descriptor ->> 'version')::@extschema@.semver OPERATOR(@extschema@.<>) v.version THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(1, '$',
            format('the descriptor describes version %s of "%s", not version %s of "%s"',
                   v.descriptor ->> 'version', v.descriptor ->> 'id', v.version, v.product_id));
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.require_valid_descriptor(@extschema@.product_version) IS
    'Raises 22023 unless a version''s descriptor is a valid DataProduct descriptor of that product and version.';

-- The metadata columns (name, description, documentation) say what the descriptor says
-- (metadata_columns_follow_descriptor): an UPDATE that changes such a column, and not the
-- descriptor's key, is an edit of the descriptor, which takes it; otherwise the column
-- follows the descriptor. So the descriptor stays the one truth, and a plain
-- UPDATE ... SET description = ... still works.
CREATE FUNCTION meshcat_internal.follow_metadata_columns(before @extschema@.product_version, after @extschema@.product_version)
RETURNS @extschema@.product_version
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after.name IS NULL THEN
        RETURN after;   -- the column's NOT NULL refuses it, naming the column
    END IF;
    IF after.name IS DISTINCT FROM before.name AND after.descriptor ->> 'name' IS NOT DISTINCT FROM before.descriptor ->> 'name' THEN
        after.descriptor := jsonb_set(after.descriptor, '{name}', to_jsonb(after.name));
    END IF;
    IF after.description IS DISTINCT FROM before.description
       AND after.descriptor ->> 'description' IS NOT DISTINCT FROM before.descriptor ->> 'description' THEN
        after.descriptor := CASE WHEN after.description IS NULL THEN after.descriptor - 'description'
                                 ELSE jsonb_set(after.descriptor, '{description}', to_jsonb(after.description)) END;
    END IF;
    IF after.documentation IS DISTINCT FROM before.documentation
       AND after.descriptor ->> 'documentation' IS NOT DISTINCT FROM before.descriptor ->> 'documentation' THEN
        after.descriptor := CASE WHEN after.documentation IS NULL THEN after.descriptor - 'documentation'
                                 ELSE jsonb_set(after.descriptor, '{documentation}', to_jsonb(after.documentation)) END;
    END IF;
    after.name := coalesce(after.descriptor ->> 'name', after.name);
    after.description := after.descriptor ->> 'description';
    after.documentation := after.descriptor ->> 'documentation';
    RETURN after;
END
$$;
COMMENT ON FUNCTION meshcat_internal.follow_metadata_columns(@extschema@.product_version, @extschema@.product_version) IS
    'The updated row with its metadata columns and its descriptor in agreement: a column changed alone is written into the descriptor.';

-- The server says when and by whom: a new version's stamps, and each lifecycle step's.
CREATE FUNCTION meshcat_internal.stamp_version(op text, before @extschema@.product_version, after @extschema@.product_version)
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
COMMENT ON FUNCTION meshcat_internal.stamp_version(text, @extschema@.product_version, @extschema@.product_version) IS
    'The row with the server''s stamps: created, updated, and when and by whom it was published, deprecated and retired.';

-- The document kept with a version (its text as registered, and format) says what the
-- descriptor says (DECISIONS.md section 2): mesh_register converted the one into the other, and
-- said so (registered_document); any other write is held to the conversion. A write that
-- gives a new document that does not convert is refused; one that changes the descriptor and
-- leaves the old document, which no longer converts, drops it (the descriptor is then the
-- document; the audit trail keeps the old one). Returns the row to write.
CREATE FUNCTION meshcat_internal.document_follows_descriptor(before @extschema@.product_version, after @extschema@.product_version)
RETURNS @extschema@.product_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after.document IS NULL
       OR meshcat_internal.registered_document(after.descriptor, after.document)
       OR meshcat_internal.document_converts(after.document, after.document_format, after.descriptor, after.product_id) THEN
        RETURN after;
    END IF;
    IF before.id IS NOT NULL AND after.document = before.document AND after.document_format = before.document_format THEN
        after.document := NULL;
        after.document_format := 'meshcat';
        RETURN after;
    END IF;
    PERFORM meshcat_internal.raise_error('23514',
        format('the document of version %s of "%s" does not convert to its descriptor', after.version, after.product_id),
        format('product_version.document is the %s document the version was registered from; it must say what the descriptor says.',
               after.document_format),
        'Register the document with mesh_register(), or write the descriptor alone (document NULL, document_format ''meshcat'').');
END
$$;
COMMENT ON FUNCTION meshcat_internal.document_follows_descriptor(@extschema@.product_version, @extschema@.product_version) IS
    'The version row to write with a kept document that converts to its descriptor: a stale document is dropped with a descriptor change, a new one that does not convert is refused (23514).';

-- Product versions: which rule applies to which write. Once per version written, whatever the
-- path (mesh_register, the lifecycle functions, a plain INSERT or UPDATE).
CREATE FUNCTION meshcat_internal.guard_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v @extschema@.product_version := CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    publishing boolean;
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NEW;
    END IF;
    PERFORM meshcat_internal.require_domain_owner(split_part(v.product_id, '.', 1),
        format('%s version %s of "%s"', lower(TG_OP), v.version, v.product_id));
    IF TG_OP = 'DELETE' THEN
        PERFORM meshcat_internal.require_deletable(OLD);
        RETURN OLD;
    END IF;

    IF TG_OP = 'INSERT' THEN
        PERFORM meshcat_internal.require_new_version_status(NEW);
    ELSE
        NEW := meshcat_internal.follow_metadata_columns(OLD, NEW);
        PERFORM meshcat_internal.require_same_identity(OLD, NEW);
        PERFORM meshcat_internal.require_lifecycle_step(OLD, NEW);
        PERFORM meshcat_internal.require_deprecation_kept(OLD, NEW);
        IF OLD.status <> 'draft' THEN
            PERFORM meshcat_internal.require_contract_unchanged(OLD, NEW);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.descriptor IS DISTINCT FROM OLD.descriptor
       OR NEW.document IS DISTINCT FROM OLD.document OR NEW.document_format IS DISTINCT FROM OLD.document_format THEN
        -- (before the descriptor's check, which forgets what mesh_register said of it)
        NEW := meshcat_internal.document_follows_descriptor(CASE TG_OP WHEN 'UPDATE' THEN OLD END, NEW);
    END IF;
    IF TG_OP = 'INSERT' OR NEW.descriptor IS DISTINCT FROM OLD.descriptor THEN
        PERFORM meshcat_internal.require_valid_descriptor(NEW);
    END IF;

    publishing := NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status = 'draft');
    IF TG_OP = 'INSERT' OR publishing THEN
        -- New versions and publications of one product take turns.
        PERFORM FROM @extschema@.product AS p WHERE p.id = NEW.product_id FOR NO KEY UPDATE;
        IF TG_OP = 'UPDATE' OR NOT EXISTS (SELECT FROM @extschema@.product_version AS o
                                            WHERE o.product_id = NEW.product_id AND o.version OPERATOR(@extschema@.=) NEW.version) THEN
            PERFORM meshcat_internal.require_version_order(NEW.product_id, NEW.version);
        END IF;
    END IF;
    IF publishing THEN
        PERFORM meshcat_internal.require_compatible(NEW);
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'published' AND NEW.status = 'deprecated' THEN
        PERFORM meshcat_internal.require_sunset_and_reason(NEW);
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'deprecated' AND NEW.status = 'retired' THEN
        PERFORM meshcat_internal.require_no_active_consumers(OLD);
    END IF;
    RETURN meshcat_internal.stamp_version(TG_OP, OLD, NEW);
END
$$;
COMMENT ON FUNCTION meshcat_internal.guard_version() IS
    'Trigger: the rules on a version write (ownership, lifecycle, immutable contract, valid descriptor, version order, compatibility, consumers), then the server''s stamps.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_version();

-- Column lineage is a reference like an input (check_derived_from): checked at the end of the
-- transaction, when the versions a stream registers together are all written, for every
-- version whose descriptor has derived_from or relationships (a relationship to another
-- product's port is a reference to an input), however it was written. mesh_register has checked
-- the same before writing, with the stream's documents named.
CREATE FUNCTION meshcat_internal.check_version_references() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v record;
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    -- A released version was judged when it was released, and its contract (its references
    -- with it) cannot change since: a metadata fix or a lifecycle step is not judged again by
    -- what other products have done in the meantime.
    IF TG_OP = 'UPDATE' AND OLD.status <> 'draft' THEN
        RETURN NULL;
    END IF;
    -- The row as it is now: a later statement of the transaction may have changed or removed it.
    SELECT pv.descriptor, pv.status INTO v FROM @extschema@.product_version AS pv WHERE pv.id = NEW.id;
    IF FOUND THEN
        PERFORM meshcat_internal.check_derived_from(v.descriptor, 1, NULL, NULL, v.status);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_version_references() IS
    'Constraint trigger: raises 23503 unless every derived_from of the version''s descriptor names an existing field of a product it consumes.';
CREATE CONSTRAINT TRIGGER check_references AFTER INSERT OR UPDATE OF descriptor, status ON @extschema@.product_version
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.descriptor @? '$.outputs[*].schema[*].derived_from[*]' OR NEW.descriptor @? '$.outputs[*].relationships[*]'
                       OR NEW.descriptor @? '$.outputs[*].schema[*].relationships[*]')
    EXECUTE FUNCTION meshcat_internal.check_version_references();

-- What judging a document by one policy gave: whether it passed, and the error that kept its
-- checking function from answering, if any.
CREATE TYPE meshcat_internal.policy_outcome AS (passed boolean, error text);
COMMENT ON TYPE meshcat_internal.policy_outcome IS
    'Internal: a policy''s verdict on a document (passed) and the error that prevented one (error).';

-- Whether a descriptor passes one policy; a checking function that fails counts as a failure.
-- The function runs as the policy's approving role (call_check_function).
CREATE FUNCTION meshcat_internal.policy_result(pol @extschema@.policy, doc jsonb,
                                         OUT passed boolean, OUT error text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pol.check_function IS NULL THEN
        -- the version the descriptor names: its certification is a variable of the rule
        passed := jsonb_path_exists(doc, pol.rule_path,
                                    meshcat_internal.policy_vars(doc ->> 'id', (doc ->> 'version')::@extschema@.semver), true);
        RETURN;
    END IF;
    -- An approval lapses with its approver's administration (outside the approver's own
    -- sessions); mesh_is_admin is the one answer to who administers.
    IF pol.check_function_author IS DISTINCT FROM @extschema@.mesh_acting_role_oid()
       AND NOT @extschema@.mesh_is_admin((SELECT r.rolname FROM pg_catalog.pg_roles AS r
                                           WHERE r.oid OPERATOR(pg_catalog.=) pol.check_function_author)) THEN
        passed := false;
        error := pg_catalog.format('checking function %s is no longer what was approved, and was not run: role %s that approved it is no longer a governance administrator',
                                   pol.check_function,
                                   coalesce((SELECT pg_catalog.format('"%s"', r.rolname) FROM pg_catalog.pg_roles AS r
                                              WHERE r.oid OPERATOR(pg_catalog.=) pol.check_function_author),
                                            pg_catalog.format('with OID %s', pol.check_function_author)));
        RETURN;
    END IF;
    SELECT c.passed, c.error INTO passed, error
      FROM meshcat_internal.call_check_function(pol.check_function_oid, pol.check_function, pol.check_function_author,
                                           pol.check_function_secdef, pol.check_function_owner, doc) AS c;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.policy_result(@extschema@.policy, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.policy_result(@extschema@.policy, jsonb) IS
    'Whether a descriptor passes a policy''s rule or checking function (run as the role that approved it); an error or a changed function is a failure, with its message.';

-- Evaluates the applicable policies (or one) on a stored version and records the results.
-- Runs as the extension owner so that results cannot be forged: it reads the descriptor from
-- the catalog itself. new_violation: failed, not exempt, and not failing at the last evaluation.
-- One statement for every policy: a rule is a jsonpath test inline, only a checking function
-- takes a call (policy_result). Every result is stored; failures_only returns only the failed
-- ones (all that the triggers need: returning a hundred passes cost as much as judging them).
CREATE FUNCTION meshcat_internal.record_evaluations(vid bigint, cause text, only_policy text DEFAULT NULL,
                                                    failures_only boolean DEFAULT false)
RETURNS TABLE (policy_name text, enforcement @extschema@.enforcement, scope text, passed boolean,
               exempt boolean, new_violation boolean, message text, error text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    -- One plan, kept: planned again for each call's values, the statement below took longer to
    -- plan than to judge a hundred policies.
    SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    v record;
    latest record;   -- the version's last evaluation, if any
    exempt text[];   -- the policies a granted exemption covers the product from
BEGIN
    -- The descriptor is read once, whole: stored compressed, it would be decompressed again
    -- by every rule that tests it.
    SELECT pv.id, pv.product_id, pv.descriptor || '{}' AS descriptor, split_part(pv.product_id, '.', 1) AS domain,
           meshcat_internal.policy_vars(pv.product_id, pv.version) AS vars INTO v
      FROM @extschema@.product_version AS pv
     WHERE pv.id = vid;
    SELECT e.id, e.policy_names, e.passed INTO latest
      FROM meshcat_internal.evaluation_run AS e
     WHERE e.version_id = vid
     ORDER BY e.id DESC LIMIT 1;
    exempt := ARRAY(SELECT x.policy_name FROM @extschema@.exemption AS x
                     WHERE x.product_id = v.product_id AND x.status = 'granted' AND x.expires_at > now());
    -- (Kept small: setting up this statement's plan costs more, every call, than running it.)
    RETURN QUERY
    WITH judged AS (
        SELECT p.name, p.revision, p.enforcement, p.domain, p.message,
               jsonb_path_exists(v.descriptor, p.rule_path, v.vars, true) AS rule_passed,
               -- a checking function is called only for its own policies (CASE is the gate)
               CASE WHEN p.check_function IS NOT NULL
                    THEN (SELECT (r.passed, r.error)::meshcat_internal.policy_outcome
                            FROM meshcat_internal.policy_result(p, v.descriptor) AS r) END AS f,
               -- each policy's result at the last evaluation that judged it: the latest (which
               -- judged every policy, unless a policy change judged only its own), or else the
               -- newest earlier one that judged it, walking back by id
               CASE WHEN latest.id IS NULL THEN NULL
                    WHEN p.name::text = ANY (latest.policy_names)
                    THEN latest.passed[array_position(latest.policy_names, p.name::text)]
                    ELSE (SELECT e.passed[array_position(e.policy_names, p.name::text)]
                            FROM meshcat_internal.evaluation_run AS e
                           WHERE e.version_id = vid AND e.id < latest.id AND p.name::text = ANY (e.policy_names)
                           ORDER BY e.id DESC LIMIT 1) END AS was_passed
          FROM meshcat_internal.applicable_policies(v.domain) AS p
         WHERE only_policy IS NULL OR p.name = only_policy
    ), res AS (
        SELECT j.name, j.revision, j.enforcement, j.domain, j.message, coalesce(j.rule_passed, (j.f).passed) AS passed,
               (j.f).error AS error, j.was_passed
          FROM judged AS j
    ), ins AS (
        INSERT INTO meshcat_internal.evaluation_run (version_id, cause, policy_names, policy_revisions, passed, errors)
        -- one sort, then the arrays in that order
        SELECT vid, cause, array_agg(o.name::text), array_agg(o.revision), array_agg(o.passed), array_agg(o.error)
          -- (bytewise: the arrays' order is the catalog's own, compared fastest)
          FROM (SELECT res.name, res.revision, res.passed, res.error FROM res ORDER BY res.name COLLATE "C") AS o
        HAVING pg_catalog.count(*) > 0
    )
    SELECT res.name::text, res.enforcement, coalesce(res.domain, 'global'), res.passed,
           NOT res.passed AND res.name::text = ANY (exempt),
           NOT res.passed AND res.was_passed IS DISTINCT FROM false AND NOT res.name::text = ANY (exempt),
           res.message, res.error
      FROM res
     WHERE NOT failures_only OR NOT res.passed
     ORDER BY res.enforcement DESC, res.name;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.record_evaluations(bigint, text, text, boolean) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.record_evaluations(bigint, text, text, boolean) IS
    'Evaluates the applicable policies on a stored version, stores every result, and returns them (or only the failures).';

-- After a version is written: evaluate, gate publication, record, and tell listeners.
CREATE FUNCTION meshcat_internal.govern_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    publishing boolean := NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status = 'draft');
    failed text;
    warned text;
    nfailed int;
    nwarned int;
    fresh text[];
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF publishing THEN
        -- Waits for a policy change in flight; the policies are read after it, by the next statement.
        PERFORM FROM meshcat_internal.governance_clock FOR SHARE;
    END IF;
    -- A new or changed descriptor is judged: a draft's, or a published version's metadata
    -- update, which is recorded and announced but never unpublishes.
    -- (A mesh without policies has nothing to evaluate or record.)
    IF (publishing OR TG_OP = 'INSERT' OR OLD.descriptor IS DISTINCT FROM NEW.descriptor)
       AND EXISTS (SELECT FROM @extschema@.policy) THEN
        SELECT string_agg(format('policy "%s" (%s, %s): %s', r.policy_name, r.enforcement, r.scope,
                                 r.message || coalesce(' [' || r.error || ']', '')), E'\n' ORDER BY r.policy_name)
                   FILTER (WHERE r.enforcement = 'required' AND NOT r.passed AND NOT r.exempt),
               count(*) FILTER (WHERE r.enforcement = 'required' AND NOT r.passed AND NOT r.exempt),
               string_agg(format('policy "%s" (%s, %s): %s', r.policy_name, r.enforcement, r.scope,
                                 r.message || coalesce(' [' || r.error || ']', '')), E'\n' ORDER BY r.policy_name)
                   FILTER (WHERE r.enforcement = 'recommended' AND NOT r.passed AND NOT r.exempt),
               count(*) FILTER (WHERE r.enforcement = 'recommended' AND NOT r.passed AND NOT r.exempt),
               coalesce(array_agg(r.policy_name ORDER BY r.policy_name) FILTER (WHERE r.new_violation), '{}')
          INTO failed, nfailed, warned, nwarned, fresh
          FROM meshcat_internal.record_evaluations(NEW.id, CASE WHEN publishing THEN 'publish' ELSE 'register' END,
                                                   failures_only => true) AS r;
        IF publishing AND nfailed > 0 THEN
            PERFORM meshcat_internal.raise_error('23514',
                format('version %s of "%s" fails %s required %s', NEW.version, NEW.product_id, nfailed,
                       CASE WHEN nfailed = 1 THEN 'policy' ELSE 'policies' END),
                failed,
                'Fix the descriptor and register it again, keep it as a draft until it complies, or ask for an exemption with mesh_request_exemption().');
        END IF;
        IF NOT publishing AND NEW.status <> 'draft' AND nfailed > 0 THEN
            RAISE WARNING 'version % of "%" now fails % required %', NEW.version, NEW.product_id, nfailed,
                          CASE WHEN nfailed = 1 THEN 'policy' ELSE 'policies' END
                USING DETAIL = failed,
                      HINT = 'It stays ' || NEW.status || '; the violations are recorded and shown in mesh_compliance.';
        END IF;
        IF publishing AND nwarned > 0 THEN
            RAISE WARNING 'version % of "%" fails % recommended %', NEW.version, NEW.product_id, nwarned,
                          CASE WHEN nwarned = 1 THEN 'policy' ELSE 'policies' END
                USING DETAIL = warned,
                      HINT = 'It is published; the violations are recorded and shown in mesh_compliance.';
        END IF;
        PERFORM meshcat_internal.notify_violations(NEW.product_id, NEW.version, NEW.status, fresh);
    END IF;

    IF publishing THEN
        PERFORM meshcat_internal.emit_event('published', NEW.product_id, NEW.version, '{}');
    ELSIF TG_OP = 'UPDATE' AND NEW.status IN ('deprecated', 'retired') AND OLD.status <> NEW.status THEN
        PERFORM meshcat_internal.emit_event(NEW.status::text, NEW.product_id, NEW.version, jsonb_strip_nulls(jsonb_build_object(
            'sunset', NEW.sunset, 'reason', NEW.deprecation_reason,
            'consumers', (SELECT jsonb_agg(DISTINCT c.product_id ORDER BY c.product_id)
                            FROM meshcat_internal.input_port AS i
                            JOIN @extschema@.product_version AS c ON c.id = i.version_id
                           WHERE NEW.status = 'deprecated' AND i.product_id = NEW.product_id
                             AND c.product_id <> NEW.product_id AND c.status IN ('published', 'deprecated')
                             AND (i.version_range IS NULL OR @extschema@.semver_satisfies(NEW.version, i.version_range))))));
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.govern_version() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.govern_version() IS
    'Trigger: evaluates the policies on a written version, refuses a publication that fails a required policy, warns, records, notifies.';
CREATE TRIGGER govern AFTER INSERT OR UPDATE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.govern_version();

-- Policies: global ones by administrators, domain ones by the domain's owners; rules compile;
-- checking functions are for administrators. Every change is a new revision.
CREATE FUNCTION meshcat_internal.guard_policy() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    fn record;
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.domain IS NULL THEN
            PERFORM meshcat_internal.require_admin(format('%s global policy "%s"', lower(TG_OP), OLD.name));
        ELSE
            PERFORM meshcat_internal.require_domain_owner(OLD.domain, format('%s policy "%s"', lower(TG_OP), OLD.name));
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
    END IF;
    IF NEW.domain IS NULL THEN
        PERFORM meshcat_internal.require_admin(format('%s global policy "%s"',
                                                 CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'change' END, NEW.name));
    ELSE
        PERFORM meshcat_internal.require_domain_owner(NEW.domain, format('%s policy "%s"',
                                                 CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'change' END, NEW.name));
    END IF;
    IF NEW.check_function IS NOT NULL THEN
        IF TG_OP = 'INSERT' OR NEW.check_function IS DISTINCT FROM OLD.check_function THEN
            PERFORM meshcat_internal.require_admin(format('name a checking function in policy "%s"', NEW.name));
        END IF;
        -- An administrator writing the policy approves the function as it is now; anyone
        -- else (a domain owner changing its message) keeps the approval it had.
        IF TG_OP = 'INSERT' OR @extschema@.mesh_is_admin() THEN
            fn := meshcat_internal.resolve_check_function(NEW.check_function, @extschema@.mesh_acting_role_oid());
            NEW.check_function := fn.signature;
            NEW.check_function_oid := fn.fn_oid;
            NEW.check_function_author := @extschema@.mesh_acting_role_oid();
            NEW.check_function_secdef := fn.secdef;
            NEW.check_function_owner := fn.owner;
        ELSE
            NEW.check_function := OLD.check_function;
            NEW.check_function_oid := OLD.check_function_oid;
            NEW.check_function_author := OLD.check_function_author;
            NEW.check_function_secdef := OLD.check_function_secdef;
            NEW.check_function_owner := OLD.check_function_owner;
        END IF;
        NEW.rule_path := NULL;
    ELSE
        NEW.rule_path := meshcat_internal.compile_rule(NEW.rule);
        NEW.check_function_oid := NULL;
        NEW.check_function_author := NULL;
        NEW.check_function_secdef := NULL;
        NEW.check_function_owner := NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.revision := 1;
        NEW.created_at := now();
        NEW.created_by := actor;
    ELSE
        NEW.revision := OLD.revision + 1;
        NEW.name := OLD.name;
        NEW.created_at := OLD.created_at;
        NEW.created_by := OLD.created_by;
    END IF;
    NEW.updated_at := now();
    NEW.updated_by := actor;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION meshcat_internal.guard_policy() IS
    'Trigger: who may write a policy, its rule compiled, its checking function resolved, its revision counted.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.policy
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_policy();

-- A new or changed policy is evaluated on every version it covers that is not retired; new
-- violations are recorded and announced, nothing is unpublished.
CREATE FUNCTION meshcat_internal.reevaluate_policy() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v record;
    fresh text[];
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.rule_path::text, NEW.check_function, NEW.check_function_oid, NEW.check_function_author,
                             NEW.check_function_secdef, NEW.check_function_owner, NEW.domain, NEW.enforcement)
                            IS NOT DISTINCT FROM (OLD.rule_path::text, OLD.check_function, OLD.check_function_oid, OLD.check_function_author,
                             OLD.check_function_secdef, OLD.check_function_owner, OLD.domain, OLD.enforcement) THEN
        RETURN NULL;
    END IF;
    IF pg_catalog.current_setting('transaction_isolation') = 'repeatable read' THEN
        PERFORM meshcat_internal.raise_error('25000',
            'a policy change cannot run under REPEATABLE READ',
            format('Policy "%s" is re-evaluated on every version it covers; under REPEATABLE READ that would miss versions published concurrently.',
                   NEW.name),
            'Change policies under READ COMMITTED (the default) or SERIALIZABLE.');
    END IF;
    -- Waits for the publications in flight and holds back new ones; the versions are read after.
    UPDATE meshcat_internal.governance_clock SET policy_changes = policy_changes + 1;
    FOR v IN SELECT pv.id, pv.product_id, pv.version, pv.status
               FROM @extschema@.product_version AS pv JOIN @extschema@.product AS p ON p.id = pv.product_id
              WHERE pv.status <> 'retired'
                AND (NEW.domain IS NULL
                     OR p.domain IN (SELECT s.domain FROM meshcat_internal.domain_scope AS s WHERE s.ancestor = NEW.domain))
              ORDER BY pv.product_id, pv.version LOOP
        SELECT coalesce(array_agg(r.policy_name) FILTER (WHERE r.new_violation), '{}') INTO fresh
          FROM meshcat_internal.record_evaluations(v.id, 'policy', NEW.name, failures_only => true) AS r;
        PERFORM meshcat_internal.notify_violations(v.product_id, v.version, v.status, fresh);
    END LOOP;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.reevaluate_policy() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.reevaluate_policy() IS
    'Trigger: evaluates a new or changed policy on every version it covers; records and announces new violations.';
CREATE TRIGGER govern AFTER INSERT OR UPDATE ON @extschema@.policy
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.reevaluate_policy();

-- Exemptions: requested by the product's domain owners, decided by administrators, audited,
-- never deleted; they stop counting when they expire.
CREATE FUNCTION meshcat_internal.guard_exemption() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    dom text;
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.requested_at) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM meshcat_internal.raise_contract(format('exemption %s cannot be deleted', OLD.id),
            'Exemptions are part of the governance record.',
            'Revoke it with mesh_revoke_exemption(); it also stops counting when it expires.');
    END IF;
    IF TG_OP = 'INSERT' THEN
        dom := (SELECT p.domain FROM @extschema@.product AS p WHERE p.id = NEW.product_id);
        IF dom IS NOT NULL THEN
            PERFORM meshcat_internal.require_domain_owner(dom, format('request an exemption for "%s"', NEW.product_id));
        END IF;
        IF NOT EXISTS (SELECT FROM meshcat_internal.applicable_policies(dom) AS a WHERE a.name = NEW.policy_name) THEN
            PERFORM meshcat_internal.raise_error('23503',
                format('policy "%s" does not apply to "%s"', NEW.policy_name, NEW.product_id),
                NULL,
                'SELECT DISTINCT policy FROM mesh_compliance WHERE product_id = ... lists the policies that apply to it.');
        END IF;
        IF coalesce(btrim(NEW.reason), '') = '' THEN
            PERFORM meshcat_internal.raise_contract('an exemption needs a reason',
                'The governance record says why each exemption was asked for.',
                'Say why the product cannot meet the policy yet, and what will change.');
        END IF;
        IF NEW.expires_at <= now() THEN
            PERFORM meshcat_internal.raise_contract('an exemption must expire in the future',
                'Exemptions are temporary: each ends at an expiry after now, and then stops counting.',
                'Give an expiry in the future, for example now() + interval ''30 days''.');
        END IF;
        NEW.status := 'requested';
        NEW.requested_at := now();
        NEW.requested_by := actor;
        NEW.decided_at := NULL;
        NEW.decided_by := NULL;
        NEW.decision_note := NULL;
        RETURN NEW;
    END IF;
    PERFORM meshcat_internal.require_admin(format('decide exemption %s', OLD.id));
    IF (NEW.id, NEW.product_id, NEW.policy_name, NEW.reason, NEW.requested_at, NEW.requested_by)
       IS DISTINCT FROM (OLD.id, OLD.product_id, OLD.policy_name, OLD.reason, OLD.requested_at, OLD.requested_by)
       OR NOT (OLD.status, NEW.status) IN (('requested', 'granted'), ('requested', 'rejected'), ('granted', 'revoked')) THEN
        PERFORM meshcat_internal.raise_contract(format('exemption %s cannot change that way', OLD.id),
            format('An exemption moves requested -> granted or rejected, and granted -> revoked; this one is %s.', OLD.status),
            'Request a new exemption for another product, policy or reason.');
    END IF;
    IF NEW.status = 'granted' AND NEW.expires_at <= now() THEN
        PERFORM meshcat_internal.raise_contract('an exemption must expire in the future',
            'Exemptions are temporary: each ends at an expiry after now, and then stops counting.',
            'Give an expiry in the future, for example now() + interval ''30 days''.');
    END IF;
    NEW.decided_at := now();
    NEW.decided_by := actor;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION meshcat_internal.guard_exemption() IS
    'Trigger: domain owners request exemptions, administrators decide them; they are never deleted.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.exemption
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_exemption();

-- Glossary terms (docs/glossary.md): documents like policies. Their domain's owners create,
-- change and delete them (moving a term to another domain needs both); the name is the key
-- that products and fields name, so it never changes. A term that a product version or
-- another term names cannot be deleted: deprecate it (status: deprecated), which warns.
CREATE FUNCTION meshcat_internal.guard_glossary_term() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    users text[];
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.created_at) THEN
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM meshcat_internal.require_domain_owner(OLD.domain, format('%s glossary term "%s"',
                                                 CASE TG_OP WHEN 'UPDATE' THEN 'change' ELSE 'delete' END, OLD.name));
    END IF;
    IF TG_OP = 'DELETE' THEN
        users := meshcat_internal.glossary_term_users(OLD.name);
        IF cardinality(users) > 0 THEN
            PERFORM meshcat_internal.raise_error('23503',
                format('glossary term "%s" is still named', OLD.name),
                format('Named by: %s.', array_to_string(users, ', ')),
                'Deprecate the term instead (status: deprecated), or remove it from those first.');
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.domain IS DISTINCT FROM OLD.domain THEN
        PERFORM meshcat_internal.require_domain_owner(NEW.domain, format('%s glossary term "%s"',
                                                 CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'move' END, NEW.name));
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.name IS DISTINCT FROM OLD.name THEN
        PERFORM meshcat_internal.raise_contract(format('the name of glossary term "%s" cannot change', OLD.name),
            'Products and fields name a term by its name.',
            'Register the new term, deprecate this one, and name the new one where this one was named.');
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = 'deprecated' AND OLD.status IS DISTINCT FROM 'deprecated' THEN
        users := meshcat_internal.glossary_term_users(OLD.name);
        IF cardinality(users) > 0 THEN
            RAISE WARNING '%', format('glossary term "%s" is deprecated and still named by: %s', OLD.name, array_to_string(users, ', '))
                USING HINT = 'Name the term that replaces it there.';
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.created_by := @extschema@.mesh_acting_role();
    ELSE
        NEW.created_at := OLD.created_at;
        NEW.created_by := OLD.created_by;
    END IF;
    NEW.updated_at := now();
    NEW.updated_by := @extschema@.mesh_acting_role();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION meshcat_internal.guard_glossary_term() IS
    'Trigger: only the owning domain''s owners write its glossary terms; a term''s name never changes; a named term is not deleted, and deprecating it warns.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.glossary_term
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_glossary_term();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.glossary_term
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('created_at');
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON @extschema@.glossary_term
    FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.refuse_truncate();

-- Who names a term: product versions ("<id>@<version>", any status: a retired version's
-- descriptor still names it) and other terms ("term <name>"), sorted.
CREATE FUNCTION meshcat_internal.glossary_term_users(term text) RETURNS text[]
    LANGUAGE sql STABLE
RETURN ARRAY(
    SELECT u FROM (
        SELECT pv.product_id OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) pv.version::text AS u
          FROM @extschema@.product_version AS pv
         WHERE EXISTS (SELECT FROM meshcat_internal.glossary_references(pv.descriptor) AS r
                        WHERE r.term OPERATOR(pg_catalog.=) glossary_term_users.term)
        UNION
        SELECT 'term ' OPERATOR(pg_catalog.||) t.name FROM @extschema@.glossary_term AS t
         WHERE glossary_term_users.term OPERATOR(pg_catalog.=) ANY (t.related)) AS x
     ORDER BY u);
COMMENT ON FUNCTION meshcat_internal.glossary_term_users(text) IS
    'Internal: the product versions and terms that name a glossary term, sorted.';

-- The references of a written document, however it was written (mesh_register has checked
-- the same before writing, naming the stream's documents): at the end of the transaction, so
-- that a stream's terms may name each other. TG_ARGV[0]: the row's creation stamp.
CREATE FUNCTION meshcat_internal.check_written_glossary_references() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    doc jsonb;
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore((to_jsonb(NEW) ->> TG_ARGV[0])::timestamptz) THEN
        RETURN NULL;
    END IF;
    -- The row as it is now: a later statement of the transaction may have changed or removed it.
    IF TG_TABLE_NAME = 'glossary_term' THEN
        doc := (SELECT pg_catalog.jsonb_build_object('related', pg_catalog.to_jsonb(t.related))
                  FROM @extschema@.glossary_term AS t WHERE t.name = NEW.name);
    ELSE
        doc := (SELECT pv.descriptor FROM @extschema@.product_version AS pv
                 WHERE pv.product_id = NEW.product_id AND pv.version OPERATOR(@extschema@.=) NEW.version);
    END IF;
    IF doc IS NOT NULL THEN
        PERFORM meshcat_internal.check_glossary_references(doc, 1);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_written_glossary_references() IS
    'Constraint trigger: raises 23503 unless every glossary term a written version or term names is registered.';
CREATE CONSTRAINT TRIGGER check_glossary AFTER INSERT OR UPDATE OF descriptor ON @extschema@.product_version
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.descriptor @? '$.glossary[*]' OR NEW.descriptor @? '$.outputs[*].schema[*].glossary[*]')
    EXECUTE FUNCTION meshcat_internal.check_written_glossary_references('created_at');
CREATE CONSTRAINT TRIGGER check_related AFTER INSERT OR UPDATE OF related ON @extschema@.glossary_term
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (pg_catalog.cardinality(NEW.related) > 0)
    EXECUTE FUNCTION meshcat_internal.check_written_glossary_references('created_at');

-- Certification (DECISIONS.md section 8): an administrator's act, whatever the path of the
-- write; the server stamps who and when. A version's removal takes its certification along
-- (the foreign key's cascade, which the guard lets through once the version is gone).
CREATE FUNCTION meshcat_internal.guard_certification() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.certified_at) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT FROM @extschema@.product_version AS pv
                    WHERE pv.product_id = OLD.product_id AND pv.version OPERATOR(@extschema@.=) OLD.version) THEN
            PERFORM meshcat_internal.require_admin(format('withdraw the certification of version %s of "%s"', OLD.version, OLD.product_id));
        END IF;
        RETURN OLD;
    END IF;
    PERFORM meshcat_internal.require_admin(format('certify version %s of "%s"', NEW.version, NEW.product_id));
    IF TG_OP = 'UPDATE' AND (NEW.product_id IS DISTINCT FROM OLD.product_id OR NEW.version OPERATOR(@extschema@.<>) OLD.version) THEN
        PERFORM meshcat_internal.raise_contract('a certification cannot move to another version',
            format('It certifies version %s of "%s".', OLD.version, OLD.product_id),
            'Certify the other version with mesh_certify().');
    END IF;
    NEW.certified_at := now();
    NEW.certified_by := @extschema@.mesh_acting_role();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION meshcat_internal.guard_certification() IS
    'Trigger: only governance administrators certify versions or withdraw certifications; the server stamps who and when.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.certification
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.guard_certification();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.certification
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.audit_row('certified_at');
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON @extschema@.certification
    FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.refuse_truncate();

-- A certification changed: the version's policies are evaluated again (a rule may read
-- $certification, policy_vars), the new violations recorded and announced, and a
-- certification event sent (kind certification: level and previous level, NULL when none).
-- Nothing is unpublished, as when a policy changes.
CREATE FUNCTION meshcat_internal.certification_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record := CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    v @extschema@.product_version;
    fresh text[];
BEGIN
    IF TG_OP = 'INSERT' AND meshcat_internal.is_restore(NEW.certified_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.level IS NOT DISTINCT FROM OLD.level THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v FROM @extschema@.product_version AS pv
     WHERE pv.product_id = r.product_id AND pv.version OPERATOR(@extschema@.=) r.version;
    IF NOT FOUND THEN
        RETURN NULL;     -- the version went, and its certification with it
    END IF;
    PERFORM meshcat_internal.emit_event('certification', v.product_id, v.version,
        pg_catalog.jsonb_build_object('level', CASE WHEN TG_OP <> 'DELETE' THEN NEW.level END,
                                      'previous', CASE WHEN TG_OP <> 'INSERT' THEN OLD.level END));
    IF v.status <> 'retired' THEN
        SELECT coalesce(array_agg(e.policy_name) FILTER (WHERE e.new_violation), '{}') INTO fresh
          FROM meshcat_internal.record_evaluations(v.id, 'certification', failures_only => true) AS e;
        PERFORM meshcat_internal.notify_violations(v.product_id, v.version, v.status, fresh);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.certification_changed() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.certification_changed() IS
    'Trigger: a version''s certification changed; evaluates its policies again, records and announces new violations, sends a certification event.';
CREATE TRIGGER govern AFTER INSERT OR UPDATE OR DELETE ON @extschema@.certification
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.certification_changed();
