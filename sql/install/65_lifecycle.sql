-- 65_lifecycle: the public API over written versions and policies. Lifecycle moves (publish,
-- deprecate, retire, withdraw), the differences between two versions, exemptions (requested
-- by a domain's owners, decided by governance administrators), re-evaluating a version
-- (mesh_check), trying a policy before writing it (mesh_policy_dry_run), certification
-- (mesh_certify, by governance administrators), and pruning events.
-- Lifecycle moves and exemptions run with the caller's rights, so the triggers of 55_rules
-- judge the caller.
-- Uses: 00_schema, 10_semver, 15_types, 20_yaml, 30_tables, 40_helpers, 45_validation, 55_rules.

-- Lifecycle functions: run with the caller's rights, so the triggers judge the caller.
CREATE FUNCTION meshcat_internal.lifecycle_target(id text, version @extschema@.semver) RETURNS @extschema@.product_version
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
        PERFORM meshcat_internal.raise_error('23503',
            format('version %s of data product "%s" does not exist', version, id),
            NULL,
            'SELECT version, status FROM mesh_versions WHERE product_id = ... lists its versions.');
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION meshcat_internal.lifecycle_target(text, @extschema@.semver) IS
    'The version a lifecycle function acts on; 23503 when it does not exist.';

CREATE FUNCTION @extschema@.mesh_publish(id text, version @extschema@.semver) RETURNS @extschema@.lifecycle_status
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := meshcat_internal.lifecycle_target(id, version);
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
    v @extschema@.product_version := meshcat_internal.lifecycle_target(id, version);
BEGIN
    IF sunset < current_date THEN
        PERFORM meshcat_internal.raise_contract(format('the sunset date %s is in the past', sunset),
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

-- force (administrators only, DECISIONS.md section 1): retire although consumers or
-- subscribers still need it (they are warned, and told by the retired event).
CREATE FUNCTION @extschema@.mesh_retire(id text, version @extschema@.semver, force boolean DEFAULT false)
RETURNS @extschema@.lifecycle_status
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := meshcat_internal.lifecycle_target(id, version);
BEGIN
    IF force THEN
        PERFORM meshcat_internal.require_admin(format('force the retirement of version %s of "%s"', v.version, v.product_id));
        PERFORM pg_catalog.set_config('meshcat_internal.retire_forced', v.id::text, true);
    END IF;
    UPDATE @extschema@.product_version AS pv SET status = 'retired' WHERE pv.id = v.id;
    PERFORM pg_catalog.set_config('meshcat_internal.retire_forced', '', true);
    RETURN 'retired';
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver, boolean) IS
    'Retires a deprecated version; refused (23514) while active consumers or subscribers still need it, unless an administrator forces it.';

-- Withdraws a draft: the version is deleted, with its parts and evaluations (the audit trail
-- keeps it). Published versions are contracts and are deprecated instead; the trigger checks
-- that the caller owns the product's domain. The product's identity stays.
CREATE FUNCTION @extschema@.mesh_withdraw(id text, version @extschema@.semver) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version := meshcat_internal.lifecycle_target(id, version);
BEGIN
    IF v.status <> 'draft' THEN
        PERFORM meshcat_internal.raise_contract(
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

-- Certifies a version (DECISIONS.md section 8: an administrator's act): level bronze, silver
-- or gold, with an optional note; level NULL withdraws the certification. Metadata beside the
-- contract: no new version. A draft may be certified (a required policy may ask for it before
-- publication: $certification, docs/governance.md), a retired version no more. Runs with the
-- caller's rights; the trigger (guard_certification) judges the caller, stamps who and when,
-- and the audit trail keeps every change. Returns the level the version has now.
CREATE FUNCTION @extschema@.mesh_certify(id text, version @extschema@.semver, level text, note text DEFAULT NULL)
RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version;
BEGIN
    PERFORM meshcat_internal.require_admin(format('certify version %s of "%s"', version, id));
    v := meshcat_internal.lifecycle_target(id, version);
    IF level IS NULL THEN
        DELETE FROM @extschema@.certification AS c WHERE c.product_id = v.product_id AND c.version OPERATOR(@extschema@.=) v.version;
        RETURN NULL;
    END IF;
    IF NOT level = ANY (meshcat_internal.certification_levels()) THEN
        PERFORM meshcat_internal.raise_error('22023',
            format('unknown certification level %s', quote_literal(level)), NULL,
            'The levels are bronze, silver and gold (level => NULL withdraws a certification).');
    END IF;
    IF v.status = 'retired' THEN
        PERFORM meshcat_internal.raise_contract(format('version %s of "%s" is retired and cannot be certified', v.version, v.product_id),
            'A retired version serves nobody any more.', 'Certify a version that is not retired.');
    END IF;
    INSERT INTO @extschema@.certification AS c (product_id, version, level, note)
    VALUES (v.product_id, v.version, level, note)
    ON CONFLICT ON CONSTRAINT certification_pkey DO UPDATE SET level = excluded.level, note = excluded.note
     WHERE (c.level, c.note) IS DISTINCT FROM (excluded.level, excluded.note);
    RETURN level;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_certify(text, @extschema@.semver, text, text) IS
    'A governance administrator certifies a product version (bronze, silver or gold, with a note), or withdraws its certification (level NULL); audited, no new version.';

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
        PERFORM meshcat_internal.raise_error('23503',
            format('version %s of data product "%s" does not exist',
                   CASE WHEN a IS NULL THEN from_version ELSE to_version END, id),
            NULL,
            'SELECT version FROM mesh_versions WHERE product_id = ... lists its versions.');
    END IF;
    RETURN QUERY
    SELECT d.change, d.path, d.severity FROM meshcat_internal.descriptor_diff(a, b) AS d
     ORDER BY array_position('{error,warning,info}'::text[], d.severity), d.path, d.change;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_diff(text, @extschema@.semver, @extschema@.semver) IS
    'The classified differences between two versions of a product: change, path, severity (error, warning, info).';

CREATE FUNCTION @extschema@.mesh_request_exemption(id text, policy text, reason text, expires timestamptz) RETURNS bigint
    LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO @extschema@.exemption (product_id, policy_name, reason, expires_at)
    VALUES (id, policy, reason, expires)
    RETURNING exemption.id;
END;
COMMENT ON FUNCTION @extschema@.mesh_request_exemption(text, text, text, timestamptz) IS
    'A domain owner asks for an exemption of a product from a policy, with a reason and an expiry; returns its id.';

CREATE FUNCTION @extschema@.mesh_grant_exemption(exemption bigint, expires timestamptz DEFAULT NULL, note text DEFAULT NULL)
RETURNS timestamptz
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    until timestamptz;
BEGIN
    UPDATE @extschema@.exemption AS x
       SET status = 'granted', expires_at = coalesce(expires, x.expires_at), decision_note = note
     WHERE x.id = exemption
    RETURNING x.expires_at INTO until;
    IF NOT FOUND THEN
        PERFORM meshcat_internal.raise_error('23503',
            format('exemption %s does not exist', exemption));
    END IF;
    RETURN until;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_grant_exemption(bigint, timestamptz, text) IS
    'A governance administrator grants a requested exemption, optionally with another expiry; returns when it expires.';

CREATE FUNCTION @extschema@.mesh_revoke_exemption(exemption bigint, note text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result text;
BEGIN
    UPDATE @extschema@.exemption AS x
       SET status = CASE x.status WHEN 'requested' THEN 'rejected' ELSE 'revoked' END, decision_note = note
     WHERE x.id = exemption
    RETURNING x.status INTO result;
    IF NOT FOUND THEN
        PERFORM meshcat_internal.raise_error('23503',
            format('exemption %s does not exist', exemption));
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) IS
    'A governance administrator rejects a requested exemption or revokes a granted one; returns the new status.';

-- Re-evaluates a product's version (by default its current one) now, and records the results.
CREATE FUNCTION @extschema@.mesh_check(id text, version @extschema@.semver DEFAULT NULL)
RETURNS TABLE (policy text, enforcement @extschema@.enforcement, scope text, outcome text, message text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v record;
    r record;
    fresh text[] := '{}';
BEGIN
    SELECT pv.id, pv.product_id, pv.version, pv.status, p.domain INTO v
      FROM @extschema@.product_version AS pv
      JOIN @extschema@.product AS p ON p.id = pv.product_id
      LEFT JOIN meshcat_internal.current_version AS c ON c.version_id = pv.id
     WHERE pv.product_id = id
       AND (CASE WHEN version IS NULL THEN c.version_id IS NOT NULL ELSE pv.version OPERATOR(@extschema@.=) version END);
    IF NOT FOUND THEN
        PERFORM meshcat_internal.raise_error('23503',
            format('%s of data product "%s" does not exist', coalesce('version ' || version::text, 'a version'), id),
            NULL,
            'SELECT version, status FROM mesh_versions WHERE product_id = ... lists its versions.');
    END IF;
    -- Checks run functions and write evaluations: for the product's domain owners and admins.
    PERFORM meshcat_internal.require_domain_owner(v.domain, format('check data product "%s"', v.product_id));
    FOR r IN SELECT * FROM meshcat_internal.record_evaluations(v.id, 'check') LOOP
        policy := r.policy_name;
        enforcement := r.enforcement;
        scope := r.scope;
        outcome := CASE WHEN r.passed THEN 'pass' WHEN r.exempt THEN 'exempt' ELSE 'fail' END;
        message := CASE WHEN NOT r.passed THEN r.message || coalesce(' [' || r.error || ']', '') END;
        IF r.new_violation THEN
            fresh := fresh || r.policy_name;
        END IF;
        RETURN NEXT;
    END LOOP;
    PERFORM meshcat_internal.notify_violations(v.product_id, v.version, v.status, fresh);
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_check(text, @extschema@.semver) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_check(text, @extschema@.semver) IS
    'Evaluates every applicable policy on a product version (by default its current one) now; records and returns the results.';

-- A dry run's policy, not yet written, evaluated on one descriptor: its function is approved
-- by the acting role and runs as it. SECURITY DEFINER only to reach call_check_function.
CREATE FUNCTION meshcat_internal.dry_run_result(rule_path jsonpath, fn text, doc jsonb,
                                          OUT passed boolean, OUT error text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pol @extschema@.policy;
    r record;
BEGIN
    IF fn IS NULL THEN
        pol.rule_path := rule_path;
    ELSE
        r := meshcat_internal.resolve_check_function(fn, @extschema@.mesh_acting_role_oid());
        pol.check_function := r.signature;
        pol.check_function_oid := r.fn_oid;
        pol.check_function_author := @extschema@.mesh_acting_role_oid();
        pol.check_function_secdef := r.secdef;
        pol.check_function_owner := r.owner;
    END IF;
    SELECT x.passed, x.error INTO passed, error FROM meshcat_internal.policy_result(pol, doc) AS x;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.dry_run_result(jsonpath, text, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.dry_run_result(jsonpath, text, jsonb) IS
    'A proposed policy''s result on one descriptor, its function run as the acting role.';

-- Which current products a proposed policy would fail, before it is created. Nothing is written.
CREATE FUNCTION @extschema@.mesh_policy_dry_run(policy text)
RETURNS TABLE (product_id text, version @extschema@.semver, status @extschema@.lifecycle_status, outcome text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    docs jsonb[] := ARRAY(SELECT d FROM @extschema@.mesh_yaml_documents(policy) AS d);
    doc jsonb := docs[1];
    problem text[];
    path jsonpath;
    fn text;
BEGIN
    IF pg_catalog.cardinality(docs) <> 1 OR doc ->> 'kind' IS DISTINCT FROM 'Policy' THEN
        PERFORM meshcat_internal.raise_error('22023',
            'invalid descriptor: a dry run takes exactly one Policy document',
            NULL,
            'Pass the YAML of one document with kind: Policy.');
    END IF;
    problem := meshcat_internal.descriptor_problem(doc, @extschema@.mesh_descriptor_schema() -> '$defs' -> 'Policy');
    IF problem IS NOT NULL THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(1, problem[1], problem[2]);
    END IF;
    PERFORM meshcat_internal.check_policy_document(doc, 1);
    IF doc ? 'domain' AND NOT EXISTS (SELECT FROM @extschema@.domain AS d WHERE d.name = doc ->> 'domain') THEN
        PERFORM meshcat_internal.raise_unknown_reference(1, '$.domain', format('domain "%s"', doc ->> 'domain'),
            'Name a registered domain.');
    END IF;
    IF doc ? 'function' THEN
        -- refused here, before any product, if the acting role may not approve it
        PERFORM meshcat_internal.resolve_check_function(doc ->> 'function', @extschema@.mesh_acting_role_oid());
        fn := doc ->> 'function';
    ELSE
        path := meshcat_internal.compile_rule(doc ->> 'rule');
    END IF;
    RETURN QUERY
    SELECT pv.product_id, pv.version, pv.status,
           CASE WHEN meshcat_internal.is_exempt(pv.product_id, doc ->> 'name') THEN 'exempt' ELSE 'fail' END
      FROM @extschema@.product_version AS pv
      JOIN meshcat_internal.current_version AS c ON c.version_id = pv.id
      JOIN @extschema@.product AS p ON p.id = pv.product_id
     WHERE pv.status <> 'retired'
       AND (doc ->> 'domain' IS NULL
            OR p.domain IN (SELECT s.domain FROM meshcat_internal.domain_scope AS s WHERE s.ancestor = doc ->> 'domain'))
       AND NOT CASE WHEN fn IS NULL THEN jsonb_path_exists(pv.descriptor, path, meshcat_internal.policy_vars(pv.product_id, pv.version), true)
                    ELSE (meshcat_internal.dry_run_result(NULL, fn, pv.descriptor)).passed END
     ORDER BY pv.product_id;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_policy_dry_run(text) IS
    'Which current products a proposed policy (one Policy document) would fail, before it is registered; writes nothing.';

-- Deletes the events older than meshcat.event_retention (an interval; the audit trail is kept
-- forever). Administrators only. Returns how many were deleted.
CREATE FUNCTION @extschema@.mesh_prune_events() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keep interval;
    n bigint;
BEGIN
    PERFORM meshcat_internal.require_admin('prune events');
    keep := meshcat_internal.retention('meshcat.event_retention');
    DELETE FROM meshcat_internal.event AS e WHERE e.at < pg_catalog.now() - keep;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_prune_events() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_prune_events() IS
    'Administrators: deletes the events older than meshcat.event_retention (default 90 days); returns how many.';

-- Deletes the policy evaluations older than meshcat.evaluation_retention, except the latest
-- that judged each policy for each version: what mesh_compliance shows, and what the next
-- evaluation compares with to tell a new violation. Administrators only. Returns how many.
CREATE FUNCTION @extschema@.mesh_prune_evaluations() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keep interval;
    n bigint;
BEGIN
    PERFORM meshcat_internal.require_admin('prune policy evaluations');
    keep := meshcat_internal.retention('meshcat.evaluation_retention');
    -- Evaluations being recorded now wait (and are kept); later ones find the latest kept.
    LOCK TABLE meshcat_internal.evaluation_run IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM meshcat_internal.evaluation_run AS e
     WHERE e.evaluated_at < pg_catalog.now() - keep
       -- (NOT IN over a subquery: hashed once, not compared row by row)
       AND e.id NOT IN (SELECT DISTINCT ON (k.version_id, u.policy_name) k.id
                          FROM meshcat_internal.evaluation_run AS k,
                               pg_catalog.unnest(k.policy_names) AS u(policy_name)
                         ORDER BY k.version_id, u.policy_name, k.id DESC);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_prune_evaluations() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_prune_evaluations() IS
    'Administrators: deletes the policy evaluations older than meshcat.evaluation_retention (default 90 days), keeping the latest of each policy for each version; returns how many.';
