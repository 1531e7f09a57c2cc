-- 40_audit: every insert, update and delete on the catalog, recorded by trigger in the same
-- transaction (a rolled-back change leaves no trace), in a table nobody may rewrite.

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

-- A restore loads catalog rows with COPY after CREATE EXTENSION has created the tables and
-- their triggers; the dump holds the audit trail of those rows already (src/restore.c).
CREATE FUNCTION @extschema@.mesh_restoring() RETURNS boolean
    AS 'MODULE_PATHNAME', 'mesh_restoring'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mesh_restoring() IS
    'Whether the running statement is a superuser''s COPY into a table, as a restore loads catalog rows; triggers let such rows in unaudited and unchecked.';

-- Runs as the extension owner so writers need no privilege on the audit table, and so
-- cannot forge entries; the acting role is read from the session, not from current_user.
CREATE FUNCTION @extschema@.audit_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Rows a restore loads were audited when they were first written; the dump holds that trail.
    IF @extschema@.mesh_restoring() THEN
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

-- Every catalog table gets the same two triggers.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['domain', 'product', 'product_version', 'owner', 'tag',
                             'input_port', 'output_port', 'field'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.%I
                        FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row()', t);
        EXECUTE pg_catalog.format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row()', t);
    END LOOP;
END
$$;
