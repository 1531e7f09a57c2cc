-- 90_grants: who may run what. Nothing that writes is executable by PUBLIC: registration is
-- granted by an administrator to the roles that steward the mesh (mesh_setup_roles() grants
-- meshcat_steward mesh_register and the writers it calls, which run with the caller's rights,
-- so the table privileges decide what they may write).

REVOKE ALL ON FUNCTION @extschema@.mesh_register(text) FROM PUBLIC;

-- Governance (55_lifecycle, 65_governance): lifecycle moves and exemptions are writes, granted
-- by mesh_setup_roles() to meshcat_steward (deciding exemptions to meshcat_admin). They run
-- with the caller's rights; the triggers decide who may change which domain.
REVOKE ALL ON FUNCTION @extschema@.mesh_publish(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_deprecate(text, @extschema@.semver, date, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_withdraw(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_request_exemption(text, text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_grant_exemption(bigint, timestamptz, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) FROM PUBLIC;

-- Which roles are meshcat's own is no secret (pg_roles shows every role), and every ownership
-- check, run with the writer's rights, reads it.
GRANT SELECT ON @extschema@.setup_role TO PUBLIC;

-- Last, a sweep: PostgreSQL grants EXECUTE to PUBLIC on every new function, so every function
-- of the extension that is VOLATILE (may write, or calls code that may) loses that grant here,
-- whatever fragment defined it; mesh_setup_roles() grants back what each role needs. Kept for
-- PUBLIC: IMMUTABLE and STABLE functions (they cannot write: the semver type's I/O and
-- operators, YAML conversion, diffs, lineage walks, search), trigger functions (not callable
-- directly), and the allow-list below. An update script that adds functions ends with this too.
DO $sweep$
DECLARE
    f text;
BEGIN
    FOR f IN
        SELECT pg_catalog.format('%I.%I(%s)', '@extschema@', p.proname,
                                 pg_catalog.pg_get_function_identity_arguments(p.oid))
          FROM pg_catalog.pg_proc AS p
          JOIN pg_catalog.pg_depend AS d
            ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
           AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
          JOIN pg_catalog.pg_extension AS e
            ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'meshcat'
         WHERE p.provolatile OPERATOR(pg_catalog.=) 'v'
           AND p.prorettype OPERATOR(pg_catalog.<>) 'pg_catalog.trigger'::pg_catalog.regtype
           AND p.proname OPERATOR(pg_catalog.<>) ALL (ARRAY[
                   -- reads this backend's own lineage cache (for monitoring), writes nothing
                   'lineage_cache_state',
                   -- raises an error: every refusal, whoever meets it, goes through it
                   'raise_error'
               ]::pg_catalog.name[])
         ORDER BY p.oid
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$sweep$;
