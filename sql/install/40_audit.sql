-- 40_audit: every change to a document (a domain, a product, a product version, a policy, an
-- exemption), recorded by trigger in the same transaction (a rolled-back change leaves no
-- trace), one entry per document written, in a table nobody may rewrite. Derived rows are not
-- audited: they follow from the documents.

CREATE TABLE @extschema@.audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    txid        xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    session_role name NOT NULL DEFAULT SESSION_USER,
    acting_role name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    table_name  text NOT NULL,
    operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
    old_row     jsonb,
    new_row     jsonb
);
CREATE INDEX ON @extschema@.audit (table_name, at);
COMMENT ON TABLE @extschema@.audit IS
    'Append-only trail of every change to the catalog: who, when, which transaction, before and after.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_id_seq', '');

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

-- The one restore signal: a row being inserted is a restored one when a superuser writes a row
-- that was created before this transaction began (pg_dump | psql, pg_restore, with COPY or
-- INSERTs, in any number of jobs). Everyone else gets the server's timestamps, so nobody else
-- can write history. Restored documents skip the rules and the audit (the dump holds their
-- trail) but are derived again (75_derive).
CREATE FUNCTION @extschema@.is_restore(created timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN created OPERATOR(pg_catalog.<) pg_catalog.transaction_timestamp()
   AND @extschema@.role_is_superuser(@extschema@.mesh_acting_role());
COMMENT ON FUNCTION @extschema@.is_restore(timestamptz) IS
    'Whether a row created at that time and written now by the acting role is being restored (a superuser loading history).';

-- Runs as the extension owner so writers need no privilege on the audit table, and so
-- cannot forge entries; the acting role is read from the session, not from current_user.
CREATE FUNCTION @extschema@.audit_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Rows a restore loads were audited when they were first written; the dump holds that
    -- trail. TG_ARGV[0] names the row's creation stamp.
    IF TG_OP = 'INSERT' AND @extschema@.is_restore((pg_catalog.to_jsonb(NEW) OPERATOR(pg_catalog.->>) TG_ARGV[0])::timestamptz) THEN
        RETURN NULL;
    END IF;
    INSERT INTO @extschema@.audit (table_name, operation, old_row, new_row)
    VALUES (TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN pg_catalog.to_jsonb(OLD) END,
            CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN pg_catalog.to_jsonb(NEW) END);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.audit_row() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.audit_row() IS
    'Trigger: records one catalog row change (or a TRUNCATE) in meshcat.audit.';

CREATE FUNCTION @extschema@.audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@.raise_error('42501',
        'the audit trail is append-only',
        pg_catalog.format('%s on meshcat.audit is refused for every role, its owner included.', TG_OP),
        'Audit entries can only be added, by the catalog''s own triggers.');
END
$$;
REVOKE ALL ON FUNCTION @extschema@.audit_refuse_change() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.audit_refuse_change() IS
    'Trigger: refuses UPDATE, DELETE and TRUNCATE on meshcat.audit.';

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON @extschema@.audit
    FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON @extschema@.audit
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_refuse_change();

-- The documents of 30_catalog (65_governance adds policies and exemptions). A product's
-- creation is its first version's; its later changes are its own entries.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.domain
    FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row('created_at');
CREATE TRIGGER audit AFTER UPDATE OR DELETE ON @extschema@.product
    FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row('created_at');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row('created_at');
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['domain', 'product', 'product_version'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row()', t);
    END LOOP;
END
$$;
