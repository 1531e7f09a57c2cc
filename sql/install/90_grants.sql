-- 90_grants: who may run what. Nothing that writes is executable by PUBLIC: registration is
-- granted by an administrator to the roles that steward the mesh (mesh_setup_roles() grants
-- meshcat_steward mesh_register and the writers it calls, which run with the caller's rights,
-- so the table privileges decide what they may write).
-- Uses: every earlier fragment (mesh_setup_roles names the functions it grants; the sweep
-- covers every function of the extension, so it runs last).

-- Creates meshcat's three roles if they are missing and grants them what they need. A superuser
-- runs it once, after CREATE EXTENSION; running it again changes nothing. It grants on objects
-- only their owner (the installing superuser) may grant, so it runs as that owner, and refuses
-- any caller who is not a superuser first. A role of that name that it did not create (in this
-- database) is not trusted: whoever created it may hold ADMIN on it and grant it to anyone, so
-- it is adopted only when the superuser says so.
CREATE FUNCTION @extschema@.mesh_setup_roles(adopt boolean DEFAULT false) RETURNS TABLE (role name, action text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r text;
    wanted text;
    known oid;
    found_oid oid;
    -- (certification: the guard lets administrators only)
    writable text := 'domain, product, product_version, policy, exemption, glossary_term, certification';
BEGIN
    IF NOT meshcat_internal.role_is_superuser(@extschema@.mesh_acting_role()) THEN
        PERFORM meshcat_internal.raise_error('42501', 'permission denied to set up meshcat''s roles',
            'mesh_setup_roles() creates or adopts the roles that decide who may read, write and govern the mesh.',
            'Ask a superuser to run SELECT * FROM mesh_setup_roles().');
    END IF;
    FOREACH wanted IN ARRAY ARRAY['reader', 'steward', 'admin'] LOOP
        r := 'meshcat_' || wanted;
        known := meshcat_internal.setup_role_oid(wanted);
        found_oid := (SELECT x.oid FROM pg_roles AS x WHERE x.rolname = r);
        IF known IS NOT NULL THEN
            role := r; action := 'exists';
        ELSIF found_oid IS NULL THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            DELETE FROM meshcat_internal.setup_role AS s WHERE s.purpose = wanted;
            INSERT INTO meshcat_internal.setup_role (purpose, role_oid, role_name, adopted)
            SELECT wanted, x.oid, x.rolname, false FROM pg_roles AS x WHERE x.rolname = r;
            role := r; action := 'created';
        ELSIF NOT adopt THEN
            PERFORM meshcat_internal.raise_error('42710',
                format('role "%s" already exists and was not created by mesh_setup_roles()', r),
                format('Role "%s" would decide who may %s; meshcat cannot tell who created it or who may grant it.',
                       r, CASE wanted WHEN 'admin' THEN 'govern the whole mesh'
                                      WHEN 'steward' THEN 'write the catalog' ELSE 'read the catalog' END),
                'Drop the role, or, as a superuser who trusts its members and everyone holding ADMIN on it, run SELECT * FROM mesh_setup_roles(adopt => true).');
        ELSE
            DELETE FROM meshcat_internal.setup_role AS s WHERE s.purpose = wanted;
            INSERT INTO meshcat_internal.setup_role (purpose, role_oid, role_name, adopted)
            VALUES (wanted, found_oid, r, true);
            role := r; action := 'adopted';
        END IF;
        RETURN NEXT;
    END LOOP;
    IF NOT pg_has_role('meshcat_steward', 'meshcat_reader', 'MEMBER') THEN
        GRANT meshcat_reader TO meshcat_steward;
    END IF;
    IF NOT pg_has_role('meshcat_admin', 'meshcat_steward', 'MEMBER') THEN
        GRANT meshcat_steward TO meshcat_admin;
    END IF;

    -- Readers: the catalog, its views and the audit trail, read-only. The views run with the
    -- reader's rights (security_invoker), so they read the internal tables and call the helpers
    -- that cannot write (not VOLATILE) as the reader.
    EXECUTE format('GRANT USAGE ON SCHEMA %I, meshcat_internal TO meshcat_reader', '@extschema@');
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I, meshcat_internal TO meshcat_reader', '@extschema@');
    FOR r IN
        SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
          FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
         WHERE n.nspname = 'meshcat_internal' AND p.prokind = 'f'
           AND p.prorettype <> 'pg_catalog.trigger'::regtype
           -- and two that write nothing: every refusal goes through raise_error, and
           -- lineage_cache_state shows this backend's own lineage cache
           AND (p.provolatile <> 'v' OR p.proname IN ('raise_error', 'lineage_cache_state'))
         ORDER BY p.oid
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO meshcat_reader', r);
    END LOOP;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_policy_dry_run(text) TO meshcat_reader;
    GRANT EXECUTE ON FUNCTION meshcat_internal.dry_run_result(jsonpath, text, jsonb) TO meshcat_reader;
    -- writes nothing: tries the registration as the caller and rolls it back (SECURITY DEFINER)
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_validate(text) TO meshcat_reader;
    -- reads what the reader may read (SECURITY INVOKER, STABLE)
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_export(text, @extschema@.semver, text) TO meshcat_reader;

    -- Stewards (grant it to each domain's owner role): write documents through the functions
    -- or directly; the triggers decide which domain each may change. Never the derived rows
    -- (50_derivation), nor the audit trail.
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO meshcat_steward',
                   (SELECT string_agg(format('%I.%I', '@extschema@', t), ', ') FROM pg_catalog.unnest(string_to_array(writable, ', ')) AS t));
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO meshcat_steward', '@extschema@');
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_register(text) TO meshcat_steward;
    -- the writers mesh_register calls with the steward's rights (revoked from PUBLIC in 90_grants)
    GRANT EXECUTE ON FUNCTION meshcat_internal.write_domain(jsonb, int, int), meshcat_internal.write_policy(jsonb, int, int),
                              meshcat_internal.write_glossary_term(jsonb, int, int),
                              meshcat_internal.write_product_version(jsonb, int, int, text, text) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_check(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_publish(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_deprecate(text, @extschema@.semver, date, text) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver, boolean) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_withdraw(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_request_exemption(text, text, text, timestamptz) TO meshcat_steward;
    -- observed lineage: into sources, or into products of the caller's own domains (74_openlineage)
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_ingest_openlineage(jsonb) TO meshcat_steward;
    -- contracts on the real tables (76_contracts): binding and provisioning are writes; drift
    -- is a read. mesh_provision runs with the caller's rights and records its bindings through
    -- bind_provisioned, which judges the binding rule for the caller.
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_adopt(text, text) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_provision(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION meshcat_internal.bind_provisioned(text, @extschema@.semver, text, text, oid) TO meshcat_steward;
    -- the foreign keys, added with the caller's rights (SECURITY INVOKER) on its own tables
    GRANT EXECUTE ON FUNCTION meshcat_internal.provision_foreign_keys(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_drift(text) TO meshcat_reader;
    -- access (83_access): any reader may ask (DECISIONS.md section 8); the domain's owners
    -- decide. mesh_approve grants with the caller's rights and reaches the requests through
    -- approval_target and record_approval, which judge the caller again.
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_request_access(text, text, regrole, text, text, date, text, text[]) TO meshcat_reader;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_access_drift() TO meshcat_reader;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_approve(bigint, text), @extschema@.mesh_deny(bigint, text),
                              @extschema@.mesh_revoke(bigint, text) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION meshcat_internal.approval_target(bigint),
                              meshcat_internal.record_approval(bigint, text, text[]) TO meshcat_steward;

    -- quality (82_quality): running checks runs them as the domain's owner role (the caller
    -- must be a member: run_check_query and store_check_result check it again); recording a
    -- metric is a domain owner's write (SECURITY DEFINER).
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_run_checks(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION meshcat_internal.run_check_query(text, oid, boolean) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION meshcat_internal.store_check_result(text, @extschema@.semver, text, text, text, text, text, text, numeric,
                                                                 text, boolean, text, text, text, timestamptz, boolean) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION meshcat_internal.evaluate_metric_slos(@extschema@.product_version, text) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_record_metric(text, text, numeric, timestamptz) TO meshcat_steward;
    -- scheduling (83_quality_schedule): pg_cron jobs of the caller's own, running mesh_run_checks as the caller
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_schedule_checks(text, text), @extschema@.mesh_unschedule_checks(text) TO meshcat_steward;
    -- Administrators: decide exemptions; the triggers let them write global policies.
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_grant_exemption(bigint, timestamptz, text) TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_install_policies(text) TO meshcat_admin;
    -- certification is an administrator's act (DECISIONS.md section 8; guard_certification judges it again)
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_certify(text, @extschema@.semver, text, text) TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_prune_events() TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_expire_access() TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_prune_evaluations() TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_prune_openlineage() TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_prune_check_results() TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_rebuild(), @extschema@.mesh_lineage_rebuild() TO meshcat_admin;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_setup_roles(boolean) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_setup_roles(boolean) IS
    'Run once by a superuser: creates meshcat_reader, meshcat_steward and meshcat_admin if missing (adopts existing ones with adopt => true), records them, and grants their privileges.';

REVOKE ALL ON FUNCTION @extschema@.mesh_register(text) FROM PUBLIC;

-- Governance (55_rules, 65_lifecycle): lifecycle moves and exemptions are writes, granted
-- by mesh_setup_roles() to meshcat_steward (deciding exemptions to meshcat_admin). They run
-- with the caller's rights; the triggers decide who may change which domain.
REVOKE ALL ON FUNCTION @extschema@.mesh_publish(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_deprecate(text, @extschema@.semver, date, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_withdraw(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_request_exemption(text, text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_grant_exemption(bigint, timestamptz, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_certify(text, @extschema@.semver, text, text) FROM PUBLIC;

-- Last, a sweep: PostgreSQL grants EXECUTE to PUBLIC on every new function, so the sweep takes
-- that grant back, whatever fragment defined the function: from every function of the internal
-- schema, and from every function of the API that is VOLATILE (may write, or calls code that
-- may); mesh_setup_roles() grants back what each role needs. Kept for PUBLIC: the API's
-- IMMUTABLE and STABLE functions (they cannot write: the semver type's I/O and operators, YAML
-- conversion, diffs, lineage walks, search). An update script that adds functions ends with
-- this too.
DO $sweep$
DECLARE
    f text;
BEGIN
    FOR f IN
        SELECT pg_catalog.format('%I.%I(%s)', n.nspname, p.proname,
                                 pg_catalog.pg_get_function_identity_arguments(p.oid))
          FROM pg_catalog.pg_proc AS p
          JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
          JOIN pg_catalog.pg_depend AS d
            ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
           AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
          JOIN pg_catalog.pg_extension AS e
            ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'meshcat'
         WHERE n.nspname OPERATOR(pg_catalog.=) 'meshcat_internal'
            OR (p.provolatile OPERATOR(pg_catalog.=) 'v'
                AND p.prorettype OPERATOR(pg_catalog.<>) 'pg_catalog.trigger'::pg_catalog.regtype)
         ORDER BY p.oid
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$sweep$;

-- And no grant that default privileges made: ALTER DEFAULT PRIVILEGES of the installing role
-- would give other roles rights on the new schemas, tables, sequences and functions (to insert
-- forged audit entries, say). Every grant on the extension's objects but their owner's is
-- revoked here; mesh_setup_roles() grants what meshcat's roles need.
DO $no_defaults$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT pg_catalog.format('REVOKE ALL ON %s %s FROM %s',
                   CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                   c.oid::pg_catalog.regclass,
                   CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(a.grantee::pg_catalog.regrole::text) END) AS stmt
          FROM pg_catalog.pg_class AS c, pg_catalog.aclexplode(c.relacl) AS a
         WHERE c.relnamespace IN ('@extschema@'::pg_catalog.regnamespace, 'meshcat_internal'::pg_catalog.regnamespace)
           AND a.grantee OPERATOR(pg_catalog.<>) c.relowner
        UNION
        SELECT pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %s', p.oid::pg_catalog.regprocedure,
                   CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(a.grantee::pg_catalog.regrole::text) END)
          FROM pg_catalog.pg_proc AS p, pg_catalog.aclexplode(p.proacl) AS a
         WHERE p.pronamespace IN ('@extschema@'::pg_catalog.regnamespace, 'meshcat_internal'::pg_catalog.regnamespace)
           AND a.grantee OPERATOR(pg_catalog.<>) p.proowner AND a.grantee OPERATOR(pg_catalog.<>) 0
        UNION
        SELECT pg_catalog.format('REVOKE ALL ON SCHEMA %I FROM %s', n.nspname,
                   CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(a.grantee::pg_catalog.regrole::text) END)
          FROM pg_catalog.pg_namespace AS n, pg_catalog.aclexplode(n.nspacl) AS a
         WHERE n.nspname IN ('@extschema@', 'meshcat_internal') AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
    LOOP
        EXECUTE g.stmt;
    END LOOP;
END
$no_defaults$;
