-- 65_governance: federated computational governance. Policies (global ones by governance
-- administrators, domain ones by the domain's owners) are SQL/JSON path predicates, or checking
-- functions, over a version's descriptor. Triggers evaluate them whenever a version is written
-- and whenever a policy changes; every evaluation is stored. A version is published only when
-- every applicable required policy passes or is exempted; recommended failures warn.
-- Events are rows of meshcat.event, announced by NOTIFY meshcat with their kind, product,
-- version and id only (emit_event).

CREATE TYPE @extschema@.enforcement AS ENUM ('optional', 'recommended', 'required');
COMMENT ON TYPE @extschema@.enforcement IS
    'How a policy is enforced, ordered: optional (recorded) < recommended (warns) < required (blocks publication).';

CREATE TABLE @extschema@.policy (
    name            @extschema@.mesh_name PRIMARY KEY,
    description     text,
    domain          text REFERENCES @extschema@.domain (name),
    enforcement     @extschema@.enforcement NOT NULL,
    rule            text,
    rule_path       jsonpath,
    check_function  text,
    -- What an administrator approved when naming the function (policy_call.c re-checks it at
    -- every evaluation): its OID (not regprocedure, which stops pg_upgrade; the signature above
    -- finds it after a restore), the approving role's OID, and whether it was SECURITY DEFINER
    -- and who owned it then.
    check_function_oid    oid,
    check_function_author oid,
    check_function_secdef boolean,
    check_function_owner  oid,
    message         text NOT NULL CHECK (message <> ''),
    revision        int NOT NULL DEFAULT 1,
    descriptor      jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    updated_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK ((rule IS NULL) <> (check_function IS NULL))
);
CREATE INDEX ON @extschema@.policy (domain);
COMMENT ON TABLE @extschema@.policy IS
    'Governance policies: global (domain is NULL) or of one domain and its subdomains; a rule or a checking function.';

-- Append-only results: one row per policy per evaluation of a version. No foreign key to the
-- version (a check per row, 100 per registration with 100 policies): only record_evaluations
-- writes rows, for a version it has just read, and a withdrawn draft's go with it
-- (underive_version, 75_derive).
CREATE TABLE @extschema@.evaluation (
    id              bigserial PRIMARY KEY,
    version_id      bigint NOT NULL,
    policy_name     text NOT NULL,
    policy_revision int NOT NULL,
    passed          boolean NOT NULL,
    error           text,
    cause           text NOT NULL CHECK (cause IN ('register', 'publish', 'policy', 'check')),
    evaluated_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    evaluated_by    name NOT NULL DEFAULT @extschema@.mesh_acting_role()
);
CREATE INDEX ON @extschema@.evaluation (version_id, policy_name, id);
COMMENT ON TABLE @extschema@.evaluation IS
    'Every policy evaluation: which version, which policy and revision, passed or not, why it ran, when and for whom.';

CREATE TABLE @extschema@.exemption (
    id              bigserial PRIMARY KEY,
    product_id      text NOT NULL REFERENCES @extschema@.product (id),
    policy_name     text NOT NULL,
    reason          text NOT NULL CHECK (pg_catalog.btrim(reason) <> ''),
    status          text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'granted', 'rejected', 'revoked')),
    expires_at      timestamptz NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    requested_by    name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    decided_at      timestamptz,
    decided_by      name,
    decision_note   text
);
CREATE INDEX ON @extschema@.exemption (product_id, policy_name);
COMMENT ON TABLE @extschema@.exemption IS
    'Exemptions from a policy for a product: requested by its domain''s owners, granted by a governance administrator, until they expire.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.policy', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.evaluation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.evaluation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.exemption', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.exemption_id_seq', '');

-- Publications and policy changes take turns on this one row, so that a version is never
-- published against a set of policies that misses a concurrent policy change, while that
-- change's re-evaluation misses the new version (write skew). A publication takes a share
-- lock (publications do not wait for each other); a policy change updates the row, so it waits
-- for the publications in flight and holds back new ones until it commits. Under READ
-- COMMITTED the second one then sees the first; under REPEATABLE READ a waiting publication
-- fails with 40001, and a policy change is refused (its re-evaluation would run on a snapshot
-- taken before the publications it waited for). test/isolation/specs/policy_publication.spec.
CREATE TABLE @extschema@.governance_clock (
    only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    policy_changes  bigint NOT NULL DEFAULT 0
);
INSERT INTO @extschema@.governance_clock DEFAULT VALUES;
COMMENT ON TABLE @extschema@.governance_clock IS
    'One row: publications share-lock it, policy changes update it, so the two take turns.';

-- Policies and exemptions are versioned in the audit trail, like the catalog.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.policy
    FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row('created_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.policy
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.exemption
    FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row('requested_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.exemption
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row();

-- Each domain with itself and its ancestors: a domain's policies cover its subdomains.
CREATE VIEW @extschema@.domain_scope WITH (security_invoker) AS
WITH RECURSIVE s (domain, ancestor, depth) AS (
    SELECT d.name::text, d.name::text, 0 FROM @extschema@.domain AS d
    UNION ALL
    SELECT s.domain, d.parent, s.depth OPERATOR(pg_catalog.+) 1
      FROM s JOIN @extschema@.domain AS d ON d.name OPERATOR(pg_catalog.=) s.ancestor
     WHERE d.parent IS NOT NULL AND s.depth OPERATOR(pg_catalog.<) 100
)
SELECT s.domain, s.ancestor FROM s;
COMMENT ON VIEW @extschema@.domain_scope IS
    'Each domain with itself and every ancestor: the domains whose policies apply to its products.';

-- The policies that apply to a product of a domain: global ones and those of its domain tree
-- (the domain and its ancestors, walked up from it: the cost does not grow with the mesh).
CREATE FUNCTION @extschema@.applicable_policies(domain text) RETURNS SETOF @extschema@.policy
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH RECURSIVE tree (name, depth) AS (
        SELECT applicable_policies.domain, 0
        UNION ALL
        SELECT d.parent, t.depth OPERATOR(pg_catalog.+) 1
          FROM tree AS t JOIN @extschema@.domain AS d ON d.name OPERATOR(pg_catalog.=) t.name
         WHERE d.parent IS NOT NULL AND t.depth OPERATOR(pg_catalog.<) 100
    )
    SELECT p.* FROM @extschema@.policy AS p
     WHERE p.domain IS NULL OR p.domain IN (SELECT t.name FROM tree AS t);
END;
COMMENT ON FUNCTION @extschema@.applicable_policies(text) IS
    'The policies that apply to products of a domain: global ones, the domain''s and its ancestors''.';

-- Compiles a rule: a SQL/JSON path predicate in which $ (and @) is the descriptor.
CREATE FUNCTION @extschema@.compile_rule(rule text) RETURNS jsonpath
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    msg text;
BEGIN
    RETURN format('$ ? (%s)', rule)::jsonpath;
EXCEPTION WHEN syntax_error OR invalid_text_representation OR feature_not_supported THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
    PERFORM @extschema@.raise_error('22023',
        format('invalid policy rule: %s', msg),
        format('The rule was: %s', rule),
        'A rule is a SQL/JSON path predicate over the descriptor, such as exists($.sla.freshness) or $.classification != "public".');
END
$$;
COMMENT ON FUNCTION @extschema@.compile_rule(text) IS
    'Compiles a policy rule (a SQL/JSON path predicate over the descriptor) to a jsonpath; 22023 when it is not one.';

-- Why a role may not approve a checking function (NULL if it may): C, policy_call.c.
CREATE FUNCTION @extschema@.check_function_refusal(fn oid, author oid) RETURNS text
    AS 'MODULE_PATHNAME', 'check_function_refusal'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION @extschema@.check_function_refusal(oid, oid) IS
    'Why a role may not approve a checking function (NULL if it may): the rights it would run with must be the role''s, and its owner must hold them.';

-- Calls an approved checking function as its author, after checking it is still what was
-- approved: C, policy_call.c. Never executable by PUBLIC: the author is trusted.
CREATE FUNCTION @extschema@.call_check_function(fn oid, signature text, author oid, approved_secdef boolean,
                                               approved_owner oid, doc jsonb,
                                               OUT passed boolean, OUT error text)
    AS 'MODULE_PATHNAME', 'call_check_function'
    LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION @extschema@.call_check_function(oid, text, oid, boolean, oid, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.call_check_function(oid, text, oid, boolean, oid, jsonb) IS
    'Runs an approved checking function as the role that approved it, if it is still what was approved; a change or an error is a failure, with the reason.';

-- The OID of the acting role, who approves what it writes.
CREATE FUNCTION @extschema@.mesh_acting_role_oid() RETURNS oid
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = @extschema@.mesh_acting_role());
COMMENT ON FUNCTION @extschema@.mesh_acting_role_oid() IS
    'The OID of the acting role (mesh_acting_role()).';

-- Resolves a checking function (jsonb) -> boolean for a role to approve, or raises: its OID,
-- signature, and what is approved (SECURITY DEFINER or not, owner).
CREATE FUNCTION @extschema@.resolve_check_function(fn text, author oid,
                                                  OUT fn_oid oid, OUT signature text,
                                                  OUT secdef boolean, OUT owner oid)
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    oid_ regprocedure;
    f record;
    refusal text;
BEGIN
    BEGIN
        oid_ := to_regprocedure(CASE WHEN fn ~ '\)\s*$' THEN fn ELSE fn || '(jsonb)' END);
    EXCEPTION WHEN OTHERS THEN
        oid_ := NULL;
    END;
    IF oid_ IS NULL THEN
        PERFORM @extschema@.raise_error('23503',
            format('checking function %s does not exist', fn),
            NULL,
            'Name a schema-qualified function taking one jsonb and returning boolean, such as governance.check_pii(jsonb).');
    END IF;
    SELECT p.prorettype, p.prosecdef, p.prokind, p.proretset, p.pronargs, p.proargtypes[0] AS argtype,
           p.proowner, p.proname, n.nspname INTO f
      FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE p.oid = oid_;
    IF f.prorettype <> 'boolean'::regtype OR f.prokind <> 'f' OR f.proretset OR f.pronargs <> 1
       OR f.argtype <> 'jsonb'::regtype THEN
        PERFORM @extschema@.raise_error('22023',
            format('checking function %s is not (jsonb) -> boolean', oid_),
            NULL,
            'A checking function takes the descriptor as its one jsonb argument and returns boolean.');
    END IF;
    -- It will run as the approving role (or, if SECURITY DEFINER, as its owner): never with more.
    refusal := @extschema@.check_function_refusal(oid_, author);
    IF refusal IS NOT NULL THEN
        PERFORM @extschema@.raise_error('42501',
            format('checking function %s cannot be approved by role "%s"', oid_,
                   (SELECT r.rolname FROM pg_roles AS r WHERE r.oid = author)),
            format('Policies run their function with the rights of the administrator who named it (a SECURITY DEFINER one with its owner''s); here %s.', refusal),
            'Name a function you own: it then runs with your rights, SECURITY INVOKER or SECURITY DEFINER.');
    END IF;
    fn_oid := oid_;
    signature := format('%I.%I(jsonb)', f.nspname, f.proname);
    secdef := f.prosecdef;
    owner := f.proowner;
END
$$;
COMMENT ON FUNCTION @extschema@.resolve_check_function(text, oid) IS
    'Resolves a policy''s checking function for a role to approve: (jsonb) -> boolean, never running with more than that role''s rights; its OID, signature, SECURITY DEFINER, owner.';

-- Whether a descriptor passes one policy; a checking function that fails counts as a failure.
-- The function runs as the policy's approving role (call_check_function).
CREATE FUNCTION @extschema@.policy_result(pol @extschema@.policy, doc jsonb,
                                         OUT passed boolean, OUT error text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pol.check_function IS NULL THEN
        passed := jsonb_path_exists(doc, pol.rule_path, '{}', true);
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
      FROM @extschema@.call_check_function(pol.check_function_oid, pol.check_function, pol.check_function_author,
                                           pol.check_function_secdef, pol.check_function_owner, doc) AS c;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.policy_result(@extschema@.policy, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.policy_result(@extschema@.policy, jsonb) IS
    'Whether a descriptor passes a policy''s rule or checking function (run as the role that approved it); an error or a changed function is a failure, with its message.';

-- A dry run's policy, not yet written, evaluated on one descriptor: its function is approved
-- by the acting role and runs as it. SECURITY DEFINER only to reach call_check_function.
CREATE FUNCTION @extschema@.dry_run_result(rule_path jsonpath, fn text, doc jsonb,
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
        r := @extschema@.resolve_check_function(fn, @extschema@.mesh_acting_role_oid());
        pol.check_function := r.signature;
        pol.check_function_oid := r.fn_oid;
        pol.check_function_author := @extschema@.mesh_acting_role_oid();
        pol.check_function_secdef := r.secdef;
        pol.check_function_owner := r.owner;
    END IF;
    SELECT x.passed, x.error INTO passed, error FROM @extschema@.policy_result(pol, doc) AS x;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.dry_run_result(jsonpath, text, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.dry_run_result(jsonpath, text, jsonb) IS
    'A proposed policy''s result on one descriptor, its function run as the acting role.';

-- Whether a granted exemption from a policy covers a product now.
CREATE FUNCTION @extschema@.is_exempt(product_id text, policy_name text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN EXISTS (SELECT FROM @extschema@.exemption AS x
                WHERE x.product_id OPERATOR(pg_catalog.=) is_exempt.product_id
                  AND x.policy_name OPERATOR(pg_catalog.=) is_exempt.policy_name
                  AND x.status OPERATOR(pg_catalog.=) 'granted' AND x.expires_at OPERATOR(pg_catalog.>) pg_catalog.now());
COMMENT ON FUNCTION @extschema@.is_exempt(text, text) IS
    'Whether a granted, unexpired exemption from the policy covers the product.';

-- Evaluates the applicable policies (or one) on a stored version and records the results.
-- Runs as the extension owner so that results cannot be forged: it reads the descriptor from
-- the catalog itself. new_violation: failed, not exempt, and not failing at the last evaluation.
-- One statement for every policy: a rule is a jsonpath test inline, only a checking function
-- takes a call (policy_result); a new version has no earlier evaluation to look up. The
-- policies are those applicable_policies() gives, walked up from the domain the same way.
CREATE FUNCTION @extschema@.record_evaluations(vid bigint, cause text, only_policy text DEFAULT NULL)
RETURNS TABLE (policy_name text, enforcement @extschema@.enforcement, scope text, passed boolean,
               exempt boolean, new_violation boolean, message text, error text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v record;
    evaluated_before boolean;
BEGIN
    SELECT pv.id, pv.product_id, pv.descriptor, split_part(pv.product_id, '.', 1) AS domain INTO v
      FROM @extschema@.product_version AS pv
     WHERE pv.id = vid;
    evaluated_before := EXISTS (SELECT FROM @extschema@.evaluation AS e WHERE e.version_id = vid);
    RETURN QUERY
    WITH RECURSIVE tree (name, depth) AS (
        -- the product's domain and its ancestors, as applicable_policies() walks them
        SELECT v.domain, 0
        UNION ALL
        SELECT d.parent, t.depth + 1
          FROM tree AS t JOIN @extschema@.domain AS d ON d.name = t.name
         WHERE d.parent IS NOT NULL AND t.depth < 100
    ), res AS (
        SELECT p.name, p.revision, p.enforcement, p.domain, p.message,
               coalesce(jsonb_path_exists(v.descriptor, p.rule_path, '{}', true), f.passed) AS passed, f.error,
               CASE WHEN evaluated_before THEN
                   (SELECT e.passed FROM @extschema@.evaluation AS e
                     WHERE e.version_id = vid AND e.policy_name = p.name ORDER BY e.id DESC LIMIT 1) END AS was_passed
          FROM @extschema@.policy AS p
          -- OFFSET 0 keeps the test a gate: policy_result is not even called for a rule
          LEFT JOIN LATERAL (SELECT r.passed, r.error FROM @extschema@.policy_result(p, v.descriptor) AS r
                              WHERE p.check_function IS NOT NULL OFFSET 0) AS f ON true
         WHERE (p.domain IS NULL OR p.domain IN (SELECT t.name FROM tree AS t))
           AND (only_policy IS NULL OR p.name = only_policy)
    ), exempted AS (
        SELECT DISTINCT x.policy_name FROM @extschema@.exemption AS x
         WHERE x.product_id = v.product_id AND x.status = 'granted' AND x.expires_at > now()
    ), ins AS (
        INSERT INTO @extschema@.evaluation (version_id, policy_name, policy_revision, passed, error, cause)
        SELECT vid, res.name, res.revision, res.passed, res.error, cause FROM res
    )
    SELECT res.name::text, res.enforcement, coalesce(res.domain, 'global'), res.passed,
           NOT res.passed AND x.policy_name IS NOT NULL,
           NOT res.passed AND res.was_passed IS DISTINCT FROM false AND x.policy_name IS NULL,
           res.message, res.error
      FROM res LEFT JOIN exempted AS x ON x.policy_name = res.name
     ORDER BY res.enforcement DESC, res.name;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.record_evaluations(bigint, text, text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.record_evaluations(bigint, text, text) IS
    'Evaluates the applicable policies on a stored version, stores every result, and returns them.';

-- Events: every event is a row here, written through emit_event(); NOTIFY meshcat carries only
-- what any reader may see (kind, product, version, the row's id), since any role that can
-- connect may LISTEN, and nobody can tell who sent a NOTIFY. Readers SELECT the rest.
CREATE TABLE @extschema@.event (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z_]*$'),
    product_id  text,
    version     @extschema@.semver,
    payload     jsonb NOT NULL DEFAULT '{}',
    txid        xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    acting_role name NOT NULL DEFAULT @extschema@.mesh_acting_role()
);
CREATE INDEX ON @extschema@.event (at);
CREATE INDEX ON @extschema@.event (product_id, id);
COMMENT ON TABLE @extschema@.event IS
    'Every catalog event (published, deprecated, retired, violation, ...): what NOTIFY meshcat announces, in full; pruned after meshcat.event_retention.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.event_id_seq', '');

-- Records one event and announces it on the channel meshcat, when the transaction commits,
-- as {"id", "event", "product", "version"}: at most a few hundred bytes, whatever the payload.
CREATE FUNCTION @extschema@.emit_event(kind text, product_id text, version @extschema@.semver, payload jsonb)
RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    eid bigint;
BEGIN
    INSERT INTO @extschema@.event (kind, product_id, version, payload)
    VALUES (kind, product_id, version, coalesce(payload, '{}'))
    RETURNING id INTO eid;
    PERFORM pg_catalog.pg_notify('meshcat', pg_catalog.jsonb_build_object(
        'event', kind, 'product', product_id, 'version', version::text, 'id', eid)::text);
    RETURN eid;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.emit_event(text, text, @extschema@.semver, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.emit_event(text, text, @extschema@.semver, jsonb) IS
    'Records an event in meshcat.event and sends NOTIFY meshcat with its kind, product, version and id only.';

CREATE VIEW @extschema@.mesh_events WITH (security_invoker) AS
SELECT e.id, e.at, e.kind, e.product_id, e.version, e.version::text AS version_text, e.payload,
       e.txid, e.acting_role
  FROM @extschema@.event AS e;
COMMENT ON VIEW @extschema@.mesh_events IS
    'Every catalog event, oldest first by id: kind, product, version, the full payload, the transaction and role that caused it.';

-- Deletes the events older than meshcat.event_retention (an interval; the audit trail is kept
-- forever). Administrators only. Returns how many were deleted.
CREATE FUNCTION @extschema@.mesh_prune_events() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    setting text := current_setting('meshcat.event_retention');
    keep interval;
    n bigint;
BEGIN
    PERFORM @extschema@.require_admin('prune events');
    BEGIN
        keep := setting::interval;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
        keep := NULL;
    END;
    IF keep IS NULL OR keep < interval '0' THEN
        PERFORM @extschema@.raise_error('22023',
            format('invalid value for meshcat.event_retention: "%s"', setting),
            NULL,
            'Set it to a positive interval, such as ''90 days'' (postgresql.conf, or ALTER DATABASE ... SET, by a superuser).');
    END IF;
    DELETE FROM @extschema@.event AS e WHERE e.at < pg_catalog.now() - keep;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_prune_events() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_prune_events() IS
    'Administrators: deletes the events older than meshcat.event_retention (default 90 days); returns how many.';

-- One violation event for the new violations of a version, if there are any.
CREATE FUNCTION @extschema@.notify_violations(product_id text, version @extschema@.semver,
                                              status @extschema@.lifecycle_status, policies text[]) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT @extschema@.emit_event('violation', product_id, version,
                                  pg_catalog.jsonb_build_object('status', status, 'policies', pg_catalog.to_jsonb(policies)))
     WHERE pg_catalog.cardinality(policies) OPERATOR(pg_catalog.>) 0;
END;
REVOKE ALL ON FUNCTION @extschema@.notify_violations(text, @extschema@.semver, @extschema@.lifecycle_status, text[]) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.notify_violations(text, @extschema@.semver, @extschema@.lifecycle_status, text[]) IS
    'Sends a violation event naming the policies a version newly fails.';

-- After a version is written: evaluate, gate publication, record, and tell listeners.
CREATE FUNCTION @extschema@.govern_version() RETURNS trigger
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
    IF TG_OP = 'INSERT' AND @extschema@.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF publishing THEN
        -- Waits for a policy change in flight; the policies are read after it, by the next statement.
        PERFORM FROM @extschema@.governance_clock FOR SHARE;
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
          FROM @extschema@.record_evaluations(NEW.id, CASE WHEN publishing THEN 'publish' ELSE 'register' END) AS r;
        IF publishing AND nfailed > 0 THEN
            PERFORM @extschema@.raise_error('23514',
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
        PERFORM @extschema@.notify_violations(NEW.product_id, NEW.version, NEW.status, fresh);
    END IF;

    IF publishing THEN
        PERFORM @extschema@.emit_event('published', NEW.product_id, NEW.version, '{}');
    ELSIF TG_OP = 'UPDATE' AND NEW.status IN ('deprecated', 'retired') AND OLD.status <> NEW.status THEN
        PERFORM @extschema@.emit_event(NEW.status::text, NEW.product_id, NEW.version, jsonb_strip_nulls(jsonb_build_object(
            'sunset', NEW.sunset, 'reason', NEW.deprecation_reason,
            'consumers', (SELECT jsonb_agg(DISTINCT c.product_id ORDER BY c.product_id)
                            FROM @extschema@.input_port AS i
                            JOIN @extschema@.product_version AS c ON c.id = i.version_id
                           WHERE NEW.status = 'deprecated' AND i.product_id = NEW.product_id
                             AND c.product_id <> NEW.product_id AND c.status IN ('published', 'deprecated')
                             AND (i.version_range IS NULL OR @extschema@.semver_satisfies(NEW.version, i.version_range))))));
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.govern_version() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.govern_version() IS
    'Trigger: evaluates the policies on a written version, refuses a publication that fails a required policy, warns, records, notifies.';
CREATE TRIGGER govern AFTER INSERT OR UPDATE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@.govern_version();

-- Policies: global ones by administrators, domain ones by the domain's owners; rules compile;
-- checking functions are for administrators. Every change is a new revision.
CREATE FUNCTION @extschema@.guard_policy() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    fn record;
BEGIN
    IF TG_OP = 'INSERT' AND @extschema@.is_restore(NEW.created_at) THEN
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.domain IS NULL THEN
            PERFORM @extschema@.require_admin(format('%s global policy "%s"', lower(TG_OP), OLD.name));
        ELSE
            PERFORM @extschema@.require_domain_owner(OLD.domain, format('%s policy "%s"', lower(TG_OP), OLD.name));
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
    END IF;
    IF NEW.domain IS NULL THEN
        PERFORM @extschema@.require_admin(format('%s global policy "%s"',
                                                 CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'change' END, NEW.name));
    ELSE
        PERFORM @extschema@.require_domain_owner(NEW.domain, format('%s policy "%s"',
                                                 CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'change' END, NEW.name));
    END IF;
    IF NEW.check_function IS NOT NULL THEN
        IF TG_OP = 'INSERT' OR NEW.check_function IS DISTINCT FROM OLD.check_function THEN
            PERFORM @extschema@.require_admin(format('name a checking function in policy "%s"', NEW.name));
        END IF;
        -- An administrator writing the policy approves the function as it is now; anyone
        -- else (a domain owner changing its message) keeps the approval it had.
        IF TG_OP = 'INSERT' OR @extschema@.mesh_is_admin() THEN
            fn := @extschema@.resolve_check_function(NEW.check_function, @extschema@.mesh_acting_role_oid());
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
        NEW.rule_path := @extschema@.compile_rule(NEW.rule);
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
COMMENT ON FUNCTION @extschema@.guard_policy() IS
    'Trigger: who may write a policy, its rule compiled, its checking function resolved, its revision counted.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.policy
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_policy();

-- A new or changed policy is evaluated on every version it covers that is not retired; new
-- violations are recorded and announced, nothing is unpublished.
CREATE FUNCTION @extschema@.reevaluate_policy() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v record;
    fresh text[];
BEGIN
    IF TG_OP = 'INSERT' AND @extschema@.is_restore(NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.rule_path::text, NEW.check_function, NEW.check_function_oid, NEW.check_function_author,
                             NEW.check_function_secdef, NEW.check_function_owner, NEW.domain, NEW.enforcement)
                            IS NOT DISTINCT FROM (OLD.rule_path::text, OLD.check_function, OLD.check_function_oid, OLD.check_function_author,
                             OLD.check_function_secdef, OLD.check_function_owner, OLD.domain, OLD.enforcement) THEN
        RETURN NULL;
    END IF;
    IF pg_catalog.current_setting('transaction_isolation') = 'repeatable read' THEN
        PERFORM @extschema@.raise_error('25000',
            'a policy change cannot run under REPEATABLE READ',
            format('Policy "%s" is re-evaluated on every version it covers; under REPEATABLE READ that would miss versions published concurrently.',
                   NEW.name),
            'Change policies under READ COMMITTED (the default) or SERIALIZABLE.');
    END IF;
    -- Waits for the publications in flight and holds back new ones; the versions are read after.
    UPDATE @extschema@.governance_clock SET policy_changes = policy_changes + 1;
    FOR v IN SELECT pv.id, pv.product_id, pv.version, pv.status
               FROM @extschema@.product_version AS pv JOIN @extschema@.product AS p ON p.id = pv.product_id
              WHERE pv.status <> 'retired'
                AND (NEW.domain IS NULL
                     OR p.domain IN (SELECT s.domain FROM @extschema@.domain_scope AS s WHERE s.ancestor = NEW.domain))
              ORDER BY pv.product_id, pv.version LOOP
        SELECT coalesce(array_agg(r.policy_name) FILTER (WHERE r.new_violation), '{}') INTO fresh
          FROM @extschema@.record_evaluations(v.id, 'policy', NEW.name) AS r;
        PERFORM @extschema@.notify_violations(v.product_id, v.version, v.status, fresh);
    END LOOP;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.reevaluate_policy() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.reevaluate_policy() IS
    'Trigger: evaluates a new or changed policy on every version it covers; records and announces new violations.';
CREATE TRIGGER govern AFTER INSERT OR UPDATE ON @extschema@.policy
    FOR EACH ROW EXECUTE FUNCTION @extschema@.reevaluate_policy();

-- Exemptions: requested by the product's domain owners, decided by administrators, audited,
-- never deleted; they stop counting when they expire.
CREATE FUNCTION @extschema@.guard_exemption() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    dom text;
BEGIN
    IF TG_OP = 'INSERT' AND @extschema@.is_restore(NEW.requested_at) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM @extschema@.raise_contract(format('exemption %s cannot be deleted', OLD.id),
            'Exemptions are part of the governance record.',
            'Revoke it with mesh_revoke_exemption(); it also stops counting when it expires.');
    END IF;
    IF TG_OP = 'INSERT' THEN
        dom := (SELECT p.domain FROM @extschema@.product AS p WHERE p.id = NEW.product_id);
        IF dom IS NOT NULL THEN
            PERFORM @extschema@.require_domain_owner(dom, format('request an exemption for "%s"', NEW.product_id));
        END IF;
        IF NOT EXISTS (SELECT FROM @extschema@.applicable_policies(dom) AS a WHERE a.name = NEW.policy_name) THEN
            PERFORM @extschema@.raise_error('23503',
                format('policy "%s" does not apply to "%s"', NEW.policy_name, NEW.product_id),
                NULL,
                'SELECT DISTINCT policy FROM mesh_compliance WHERE product_id = ... lists the policies that apply to it.');
        END IF;
        IF coalesce(btrim(NEW.reason), '') = '' THEN
            PERFORM @extschema@.raise_contract('an exemption needs a reason',
                'The governance record says why each exemption was asked for.',
                'Say why the product cannot meet the policy yet, and what will change.');
        END IF;
        IF NEW.expires_at <= now() THEN
            PERFORM @extschema@.raise_contract('an exemption must expire in the future',
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
    PERFORM @extschema@.require_admin(format('decide exemption %s', OLD.id));
    IF (NEW.id, NEW.product_id, NEW.policy_name, NEW.reason, NEW.requested_at, NEW.requested_by)
       IS DISTINCT FROM (OLD.id, OLD.product_id, OLD.policy_name, OLD.reason, OLD.requested_at, OLD.requested_by)
       OR NOT (OLD.status, NEW.status) IN (('requested', 'granted'), ('requested', 'rejected'), ('granted', 'revoked')) THEN
        PERFORM @extschema@.raise_contract(format('exemption %s cannot change that way', OLD.id),
            format('An exemption moves requested -> granted or rejected, and granted -> revoked; this one is %s.', OLD.status),
            'Request a new exemption for another product, policy or reason.');
    END IF;
    IF NEW.status = 'granted' AND NEW.expires_at <= now() THEN
        PERFORM @extschema@.raise_contract('an exemption must expire in the future',
            'Exemptions are temporary: each ends at an expiry after now, and then stops counting.',
            'Give an expiry in the future, for example now() + interval ''30 days''.');
    END IF;
    NEW.decided_at := now();
    NEW.decided_by := actor;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.guard_exemption() IS
    'Trigger: domain owners request exemptions, administrators decide them; they are never deleted.';
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.exemption
    FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_exemption();

CREATE FUNCTION @extschema@.mesh_request_exemption(id text, policy text, reason text, expires timestamptz) RETURNS bigint
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
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
        PERFORM @extschema@.raise_error('23503',
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
        PERFORM @extschema@.raise_error('23503',
            format('exemption %s does not exist', exemption));
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) IS
    'A governance administrator rejects a requested exemption or revokes a granted one; returns the new status.';

-- Views: the governance record as applications read it.
CREATE VIEW @extschema@.mesh_compliance WITH (security_invoker) AS
SELECT v.product_id, v.version, v.status, (c.version_id IS NOT NULL) AS is_current, p.domain,
       pol.name AS policy, coalesce(pol.domain, 'global') AS scope, pol.enforcement,
       CASE WHEN e.passed IS NULL THEN 'not evaluated'
            WHEN e.passed THEN 'pass'
            WHEN x.expires_at IS NOT NULL THEN 'exempt'
            ELSE 'fail' END AS outcome,
       CASE WHEN NOT e.passed THEN pol.message OPERATOR(pg_catalog.||) coalesce(' [' OPERATOR(pg_catalog.||) e.error OPERATOR(pg_catalog.||) ']', '') END AS message,
       x.expires_at AS exempt_until,
       e.policy_revision, e.evaluated_at, v.version::text AS version_text, r.rank AS version_rank
  FROM @extschema@.product_version AS v
  JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
  JOIN @extschema@.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
  LEFT JOIN @extschema@.current_version AS c ON c.product_id OPERATOR(pg_catalog.=) v.product_id AND c.version_id OPERATOR(pg_catalog.=) v.id
  JOIN @extschema@.policy AS pol
    ON pol.domain IS NULL
    OR pol.domain IN (SELECT s.ancestor FROM @extschema@.domain_scope AS s WHERE s.domain OPERATOR(pg_catalog.=) p.domain)
  LEFT JOIN LATERAL (SELECT ev.passed, ev.error, ev.policy_revision, ev.evaluated_at
                       FROM @extschema@.evaluation AS ev
                      WHERE ev.version_id OPERATOR(pg_catalog.=) v.id AND ev.policy_name OPERATOR(pg_catalog.=) pol.name
                      ORDER BY ev.id DESC LIMIT 1) AS e ON true
  LEFT JOIN LATERAL (SELECT pg_catalog.max(ex.expires_at) AS expires_at
                       FROM @extschema@.exemption AS ex
                      WHERE ex.product_id OPERATOR(pg_catalog.=) v.product_id AND ex.policy_name OPERATOR(pg_catalog.=) pol.name
                        AND ex.status OPERATOR(pg_catalog.=) 'granted' AND ex.expires_at OPERATOR(pg_catalog.>) pg_catalog.now()) AS x ON true
 WHERE v.status OPERATOR(pg_catalog.<>) 'retired';
COMMENT ON VIEW @extschema@.mesh_compliance IS
    'Every version that is not retired, times every policy that applies to it: pass, fail, exempt (or not evaluated), with the message; version_text and version_rank as in mesh_versions.';

CREATE VIEW @extschema@.mesh_policies WITH (security_invoker) AS
SELECT pol.name, coalesce(pol.domain, 'global') AS scope, pol.domain, pol.enforcement, pol.rule,
       pol.check_function AS function, pol.message, pol.description, pol.revision,
       (SELECT pg_catalog.count(*) FROM @extschema@.mesh_compliance AS m
         WHERE m.policy OPERATOR(pg_catalog.=) pol.name AND m.is_current AND m.outcome OPERATOR(pg_catalog.=) 'fail') AS failing,
       (SELECT pg_catalog.count(*) FROM @extschema@.mesh_compliance AS m
         WHERE m.policy OPERATOR(pg_catalog.=) pol.name AND m.is_current AND m.outcome OPERATOR(pg_catalog.=) 'exempt') AS exempt,
       pol.descriptor, pol.created_at, pol.created_by, pol.updated_at, pol.updated_by
  FROM @extschema@.policy AS pol;
COMMENT ON VIEW @extschema@.mesh_policies IS
    'One row per policy: scope, enforcement, rule or function, message, revision, and how many current products fail it or are exempt.';

CREATE VIEW @extschema@.mesh_domain_scorecard WITH (security_invoker) AS
SELECT d.name AS domain,
       (SELECT pg_catalog.count(*) FROM @extschema@.mesh_products AS mp WHERE mp.domain OPERATOR(pg_catalog.=) d.name) AS products,
       (SELECT pg_catalog.count(*) FROM @extschema@.mesh_products AS mp
         WHERE mp.domain OPERATOR(pg_catalog.=) d.name AND mp.status IN ('published', 'deprecated')) AS published,
       (SELECT pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE NOT EXISTS (
                   SELECT FROM @extschema@.mesh_compliance AS m
                    WHERE m.product_id OPERATOR(pg_catalog.=) mp.id AND m.is_current AND m.outcome OPERATOR(pg_catalog.=) 'fail'
                      AND m.enforcement IN ('required', 'recommended')))
                 OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(*), 0), 1)
          FROM @extschema@.mesh_products AS mp WHERE mp.domain OPERATOR(pg_catalog.=) d.name) AS compliant_pct,
       (SELECT pg_catalog.count(*) FROM @extschema@.mesh_compliance AS m
         WHERE m.domain OPERATOR(pg_catalog.=) d.name AND m.is_current AND m.outcome OPERATOR(pg_catalog.=) 'fail') AS open_violations,
       coalesce((SELECT pg_catalog.jsonb_object_agg(o.policy, o.n ORDER BY o.policy)
                   FROM (SELECT m.policy, pg_catalog.count(*) AS n FROM @extschema@.mesh_compliance AS m
                          WHERE m.domain OPERATOR(pg_catalog.=) d.name AND m.is_current AND m.outcome OPERATOR(pg_catalog.=) 'fail'
                          GROUP BY m.policy) AS o), '{}') AS violations_by_policy
  FROM @extschema@.domain AS d;
COMMENT ON VIEW @extschema@.mesh_domain_scorecard IS
    'Per domain: products, published products, % of products whose current version fails no required or recommended policy, open violations by policy.';

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
      LEFT JOIN @extschema@.current_version AS c ON c.version_id = pv.id
     WHERE pv.product_id = id
       AND (CASE WHEN version IS NULL THEN c.version_id IS NOT NULL ELSE pv.version OPERATOR(@extschema@.=) version END);
    IF NOT FOUND THEN
        PERFORM @extschema@.raise_error('23503',
            format('%s of data product "%s" does not exist', coalesce('version ' || version::text, 'a version'), id),
            NULL,
            'SELECT version, status FROM mesh_versions WHERE product_id = ... lists its versions.');
    END IF;
    -- Checks run functions and write evaluations: for the product's domain owners and admins.
    PERFORM @extschema@.require_domain_owner(v.domain, format('check data product "%s"', v.product_id));
    FOR r IN SELECT * FROM @extschema@.record_evaluations(v.id, 'check') LOOP
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
    PERFORM @extschema@.notify_violations(v.product_id, v.version, v.status, fresh);
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_check(text, @extschema@.semver) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_check(text, @extschema@.semver) IS
    'Evaluates every applicable policy on a product version (by default its current one) now; records and returns the results.';

-- The checks on a Policy document that its JSON Schema cannot say.
CREATE FUNCTION @extschema@.check_policy_document(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    msg text;
BEGIN
    IF (doc ? 'scope') = (doc ? 'domain') THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, '$', 'a policy has either "scope: global" or a "domain"',
            'Write scope: global for a standard of the whole mesh, or domain: <name> for one domain and its subdomains.', line => line);
    END IF;
    IF (doc ? 'rule') = (doc ? 'function') THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, '$', 'a policy has either a "rule" or a "function"',
            'A rule is a SQL/JSON path predicate over the descriptor; a function is (jsonb) -> boolean.', line => line);
    END IF;
    IF doc ? 'rule' THEN
        BEGIN
            PERFORM @extschema@.compile_rule(doc ->> 'rule');
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            PERFORM @extschema@.raise_invalid_descriptor(docno, '$.rule', msg,
                'A rule is a SQL/JSON path predicate over the descriptor, such as exists($.sla.freshness) or $.classification != "public".', line => line);
        END;
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.check_policy_document(jsonb, int, int) IS
    'Checks what the JSON Schema cannot in a Policy document: scope or domain, rule or function, the rule compiles.';

-- Writes one policy from its document. Returns the action.
CREATE FUNCTION @extschema@.write_policy(doc jsonb, docno int, line int DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old @extschema@.policy;
BEGIN
    IF doc ? 'domain' AND NOT EXISTS (SELECT FROM @extschema@.domain AS d WHERE d.name = doc ->> 'domain') THEN
        PERFORM @extschema@.raise_unknown_reference(docno, '$.domain', format('domain "%s"', doc ->> 'domain'),
            'Register the domain first, or in the same stream.', line => line);
    END IF;
    SELECT * INTO old FROM @extschema@.policy AS p WHERE p.name = doc ->> 'name' FOR UPDATE;
    IF FOUND AND old.descriptor = doc THEN
        RETURN 'unchanged';
    ELSIF FOUND THEN
        UPDATE @extschema@.policy AS p
           SET description = doc ->> 'description', domain = doc ->> 'domain',
               enforcement = (doc ->> 'enforcement')::@extschema@.enforcement, rule = doc ->> 'rule',
               check_function = doc ->> 'function', message = doc ->> 'message', descriptor = doc
         WHERE p.name = old.name;
        RETURN 'updated';
    END IF;
    INSERT INTO @extschema@.policy (name, description, domain, enforcement, rule, check_function, message, descriptor)
    VALUES (doc ->> 'name', doc ->> 'description', doc ->> 'domain',
            (doc ->> 'enforcement')::@extschema@.enforcement, doc ->> 'rule', doc ->> 'function',
            doc ->> 'message', doc);
    RETURN 'created';
END
$$;
COMMENT ON FUNCTION @extschema@.write_policy(jsonb, int, int) IS
    'Creates or updates one policy from its descriptor; returns created, updated or unchanged.';

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
        PERFORM @extschema@.raise_error('22023',
            'invalid descriptor: a dry run takes exactly one Policy document',
            NULL,
            'Pass the YAML of one document with kind: Policy.');
    END IF;
    problem := @extschema@.descriptor_problem(doc, @extschema@.mesh_descriptor_schema() -> '$defs' -> 'Policy');
    IF problem IS NOT NULL THEN
        PERFORM @extschema@.raise_invalid_descriptor(1, problem[1], problem[2]);
    END IF;
    PERFORM @extschema@.check_policy_document(doc, 1);
    IF doc ? 'domain' AND NOT EXISTS (SELECT FROM @extschema@.domain AS d WHERE d.name = doc ->> 'domain') THEN
        PERFORM @extschema@.raise_unknown_reference(1, '$.domain', format('domain "%s"', doc ->> 'domain'),
            'Name a registered domain.');
    END IF;
    IF doc ? 'function' THEN
        -- refused here, before any product, if the acting role may not approve it
        PERFORM @extschema@.resolve_check_function(doc ->> 'function', @extschema@.mesh_acting_role_oid());
        fn := doc ->> 'function';
    ELSE
        path := @extschema@.compile_rule(doc ->> 'rule');
    END IF;
    RETURN QUERY
    SELECT pv.product_id, pv.version, pv.status,
           CASE WHEN @extschema@.is_exempt(pv.product_id, doc ->> 'name') THEN 'exempt' ELSE 'fail' END
      FROM @extschema@.product_version AS pv
      JOIN @extschema@.current_version AS c ON c.version_id = pv.id
      JOIN @extschema@.product AS p ON p.id = pv.product_id
     WHERE pv.status <> 'retired'
       AND (doc ->> 'domain' IS NULL
            OR p.domain IN (SELECT s.domain FROM @extschema@.domain_scope AS s WHERE s.ancestor = doc ->> 'domain'))
       AND NOT CASE WHEN fn IS NULL THEN jsonb_path_exists(pv.descriptor, path, '{}', true)
                    ELSE (@extschema@.dry_run_result(NULL, fn, pv.descriptor)).passed END
     ORDER BY pv.product_id;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_policy_dry_run(text) IS
    'Which current products a proposed policy (one Policy document) would fail, before it is registered; writes nothing.';

-- Creates meshcat's three roles if they are missing and grants them what they need. An
-- administrator runs it once, after CREATE EXTENSION; running it again changes nothing. A role
-- of that name that it did not create (in this database) is not trusted: whoever created it may
-- hold ADMIN on it and grant it to anyone, so only a superuser may adopt it, explicitly.
CREATE FUNCTION @extschema@.mesh_setup_roles(adopt boolean DEFAULT false) RETURNS TABLE (role name, action text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r text;
    wanted text;
    known oid;
    found_oid oid;
    writable text := 'domain, product, product_version, policy, exemption';
BEGIN
    FOREACH wanted IN ARRAY ARRAY['reader', 'steward', 'admin'] LOOP
        r := 'meshcat_' || wanted;
        known := @extschema@.setup_role_oid(wanted);
        found_oid := (SELECT x.oid FROM pg_roles AS x WHERE x.rolname = r);
        IF known IS NOT NULL THEN
            role := r; action := 'exists';
        ELSIF found_oid IS NULL THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            DELETE FROM @extschema@.setup_role AS s WHERE s.purpose = wanted;
            INSERT INTO @extschema@.setup_role (purpose, role_oid, role_name, adopted)
            SELECT wanted, x.oid, x.rolname, false FROM pg_roles AS x WHERE x.rolname = r;
            role := r; action := 'created';
        ELSIF NOT adopt THEN
            PERFORM @extschema@.raise_error('42710',
                format('role "%s" already exists and was not created by mesh_setup_roles()', r),
                format('Role "%s" would decide who may %s; meshcat cannot tell who created it or who may grant it.',
                       r, CASE wanted WHEN 'admin' THEN 'govern the whole mesh'
                                      WHEN 'steward' THEN 'write the catalog' ELSE 'read the catalog' END),
                'Drop the role, or, as a superuser who trusts its members and everyone holding ADMIN on it, run SELECT * FROM mesh_setup_roles(adopt => true).');
        ELSIF NOT @extschema@.role_is_superuser(@extschema@.mesh_acting_role()) THEN
            PERFORM @extschema@.raise_error('42501',
                format('permission denied to adopt role "%s"', r),
                'Only a superuser may adopt a pre-existing role as one of meshcat''s roles.',
                'Ask a superuser to run SELECT * FROM mesh_setup_roles(adopt => true).');
        ELSE
            DELETE FROM @extschema@.setup_role AS s WHERE s.purpose = wanted;
            INSERT INTO @extschema@.setup_role (purpose, role_oid, role_name, adopted)
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

    -- Readers: the catalog, its views and the audit trail, read-only.
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO meshcat_reader', '@extschema@');
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO meshcat_reader', '@extschema@');
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_policy_dry_run(text) TO meshcat_reader;
    GRANT EXECUTE ON FUNCTION @extschema@.dry_run_result(jsonpath, text, jsonb) TO meshcat_reader;
    -- writes nothing: tries the registration as the caller and rolls it back (SECURITY DEFINER)
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_validate(text) TO meshcat_reader;

    -- Stewards (grant it to each domain's owner role): write documents through the functions
    -- or directly; the triggers decide which domain each may change. Never the derived rows
    -- (75_derive), nor the audit trail.
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO meshcat_steward',
                   (SELECT string_agg(format('%I.%I', '@extschema@', t), ', ') FROM pg_catalog.unnest(string_to_array(writable, ', ')) AS t));
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO meshcat_steward', '@extschema@');
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_register(text) TO meshcat_steward;
    -- the writers mesh_register calls with the steward's rights (revoked from PUBLIC in 90_grants)
    GRANT EXECUTE ON FUNCTION @extschema@.write_domain(jsonb, int, int), @extschema@.write_policy(jsonb, int, int),
                              @extschema@.write_product_version(jsonb, int, int) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_check(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_publish(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_deprecate(text, @extschema@.semver, date, text) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_withdraw(text, @extschema@.semver) TO meshcat_steward;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_request_exemption(text, text, text, timestamptz) TO meshcat_steward;

    -- Administrators: decide exemptions; the triggers let them write global policies.
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_grant_exemption(bigint, timestamptz, text) TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_install_policies(text) TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_prune_events() TO meshcat_admin;
    GRANT EXECUTE ON FUNCTION @extschema@.mesh_rebuild(), @extschema@.mesh_lineage_rebuild() TO meshcat_admin;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_setup_roles(boolean) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_setup_roles(boolean) IS
    'Run once by an administrator: creates meshcat_reader, meshcat_steward and meshcat_admin if missing (a superuser may adopt existing ones with adopt => true), records them, and grants their privileges.';
