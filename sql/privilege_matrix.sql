-- The privilege matrix: a reader, the owner of domain A (alpha), the owner of domain B (beta),
-- a governance administrator and a role with only CONNECT each try every write path against A's
-- products: every public function that writes, and INSERT, UPDATE, DELETE and TRUNCATE on every
-- table of the extension. Each cell is the SQLSTATE the attempt ended with ('ok' when it went
-- through); every attempt is rolled back, so the cells do not depend on each other.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();

CREATE ROLE regress_pm_a_team NOLOGIN;
CREATE ROLE regress_pm_b_team NOLOGIN;
CREATE ROLE regress_pm_reader NOLOGIN IN ROLE meshcat_reader;
CREATE ROLE regress_pm_owner_a NOLOGIN IN ROLE regress_pm_a_team, meshcat_steward;
CREATE ROLE regress_pm_owner_b NOLOGIN IN ROLE regress_pm_b_team, meshcat_steward;
CREATE ROLE regress_pm_admin NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_pm_connect NOLOGIN;

SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: alpha
owner: regress_pm_a_team
---
apiVersion: meshcat/v1
kind: Domain
name: alphax
owner: regress_pm_a_team
---
apiVersion: meshcat/v1
kind: Domain
name: beta
owner: regress_pm_b_team
---
apiVersion: meshcat/v1
kind: Policy
name: pm-global
scope: global
enforcement: recommended
rule: 'exists($.retention)'
message: declare a retention period
---
apiVersion: meshcat/v1
kind: Policy
name: pm-alpha
domain: alpha
enforcement: optional
rule: 'exists($.owners)'
message: name the owners
---
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.pub
name: Published
version: 1.0.0
status: published
owners: {technical: regress_pm_a_team}
tags: [a]
inputs: [{source: shop.db}]
outputs: [{name: o, type: table, schema: [{name: id, type: bigint}]}]
---
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.dep
name: To deprecate
version: 1.0.0
status: published
---
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.old
name: To retire
version: 1.0.0
status: published
---
apiVersion: meshcat/v1
kind: DataProduct
id: alpha.draft
name: Draft
version: 0.1.0
owners: {technical: regress_pm_a_team}
tags: [d]
inputs: [{product: alpha.pub, version: ^1.0}]
outputs: [{name: o, type: table, schema: [{name: id, type: bigint, derived_from: [alpha.pub.o.id]}]}]
$$);
INSERT INTO product (id, domain) VALUES ('alpha.lonely', 'alpha');
SELECT mesh_deprecate('alpha.old', '1.0.0', current_date + 1, 'going');
SELECT mesh_request_exemption('alpha.pub', 'pm-global', 'asked', now() + interval '1 day') AS requested \gset
SELECT mesh_grant_exemption(mesh_request_exemption('alpha.pub', 'pm-alpha', 'granted', now() + interval '1 day')) IS NOT NULL AS granted;
SELECT max(id) AS granted FROM exemption \gset
SELECT id AS draft FROM product_version WHERE product_id = 'alpha.draft' \gset
SELECT id AS draft_port FROM output_port WHERE version_id = :draft \gset
-- access requests of an external port (decisions only): one pending, one approved
SELECT mesh_request_access('alpha.pub', 'o', 'meshcat_reader', 'pm') AS pending \gset
SELECT mesh_request_access('alpha.pub', 'o', 'meshcat_reader', 'pm') AS approved \gset
SELECT mesh_approve(:approved);
-- a glossary term of A, unnamed (so a delete is judged by ownership alone), and a certification
SELECT kind, action FROM mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: pm-term, domain: alpha, definition: d}');
SELECT mesh_certify('alpha.dep', '1.0.0', 'bronze');

-- Runs one statement as a role and says how it ended; always rolls it back.
CREATE FUNCTION pg_temp.attempt(who text, stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
    msg text;
BEGIN
    BEGIN
        EXECUTE format('SET LOCAL ROLE %I', who);
        EXECUTE stmt;
        RAISE EXCEPTION 'went through';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RETURN CASE WHEN msg = 'went through' THEN 'ok' ELSE state END;
    END;
END
$$;

CREATE TEMP TABLE write_path (path text PRIMARY KEY, stmt text NOT NULL);
-- Every public function that writes.
INSERT INTO write_path VALUES
 ('mesh_register (domain A)', $q$SELECT meshcat.mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: alpha, owner: regress_pm_a_team, description: changed}')$q$),
 ('mesh_register (product of A)', $q$SELECT meshcat.mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: alpha.draft, name: Changed, version: 0.1.0}')$q$),
 ('mesh_register (policy of A)', $q$SELECT meshcat.mesh_register('{apiVersion: meshcat/v1, kind: Policy, name: pm-alpha, domain: alpha, enforcement: required, rule: "exists($.tags)", message: tags}')$q$),
 ('mesh_publish', $q$SELECT meshcat.mesh_publish('alpha.draft', '0.1.0')$q$),
 ('mesh_deprecate', $q$SELECT meshcat.mesh_deprecate('alpha.dep', '1.0.0', current_date + 1, 'why')$q$),
 ('mesh_retire', $q$SELECT meshcat.mesh_retire('alpha.old', '1.0.0')$q$),
 ('mesh_withdraw', $q$SELECT meshcat.mesh_withdraw('alpha.draft', '0.1.0')$q$),
 ('mesh_validate (reads only)', $q$SELECT meshcat.mesh_validate('{apiVersion: meshcat/v1, kind: DataProduct, id: alpha.draft, name: Changed, version: 0.1.0}')$q$),
 ('mesh_request_exemption', $q$SELECT meshcat.mesh_request_exemption('alpha.pub', 'pm-global', 'why', now() + interval '1 day')$q$),
 ('mesh_grant_exemption', format($q$SELECT meshcat.mesh_grant_exemption(%s)$q$, :requested)),
 ('mesh_revoke_exemption', format($q$SELECT meshcat.mesh_revoke_exemption(%s)$q$, :granted)),
 ('mesh_register (glossary term of A)', $q$SELECT meshcat.mesh_register('{apiVersion: meshcat/v1, kind: GlossaryTerm, name: pm-term, domain: alpha, definition: changed}')$q$),
 ('mesh_certify', $q$SELECT meshcat.mesh_certify('alpha.pub', '1.0.0', 'gold')$q$),
 ('mesh_certify (withdraw)', $q$SELECT meshcat.mesh_certify('alpha.dep', '1.0.0', NULL)$q$),
 ('mesh_check', $q$SELECT meshcat.mesh_check('alpha.pub')$q$),
 ('mesh_setup_roles', $q$SELECT meshcat.mesh_setup_roles()$q$),
 ('mesh_lineage_rebuild', $q$SELECT meshcat.mesh_lineage_rebuild()$q$),
 ('mesh_rebuild', $q$SELECT meshcat.mesh_rebuild()$q$),
 ('mesh_prune_events', $q$SELECT meshcat.mesh_prune_events()$q$),
 ('mesh_prune_evaluations', $q$SELECT meshcat.mesh_prune_evaluations()$q$),
 ('mesh_prune_openlineage', $q$SELECT meshcat.mesh_prune_openlineage()$q$),
 ('mesh_prune_check_results', $q$SELECT meshcat.mesh_prune_check_results()$q$),
 ('mesh_run_checks (no bound port)', $q$SELECT meshcat.mesh_run_checks('alpha.pub')$q$),
 ('mesh_record_metric', $q$SELECT meshcat.mesh_record_metric('alpha.pub', 'freshness_minutes', 3)$q$),
 ('mesh_schedule_checks (no pg_cron here)', $q$SELECT meshcat.mesh_schedule_checks('alpha.pub', '* * * * *')$q$),
 ('mesh_unschedule_checks (no pg_cron here)', $q$SELECT meshcat.mesh_unschedule_checks('alpha.pub')$q$),
 ('mesh_ingest_openlineage (into a source)', $q$SELECT meshcat.mesh_ingest_openlineage('{"eventTime": "2026-01-01T00:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "ns", "name": "j"}, "inputs": [{"namespace": "ns", "name": "a"}], "outputs": [{"namespace": "ns", "name": "b"}]}')$q$),
 ('mesh_install_policies', $q$SELECT meshcat.mesh_install_policies()$q$),
 ('mesh_adopt (a port without a location)', $q$SELECT meshcat.mesh_adopt('alpha.pub', 'o')$q$),
 ('mesh_provision (a port without a location)', $q$SELECT meshcat.mesh_provision('alpha.pub')$q$),
 ('mesh_request_access (for meshcat_reader)', $q$SELECT meshcat.mesh_request_access('alpha.pub', 'o', 'meshcat_reader', 'why')$q$),
 ('mesh_approve', format($q$SELECT meshcat.mesh_approve(%s)$q$, :pending)),
 ('mesh_deny', format($q$SELECT meshcat.mesh_deny(%s, 'no')$q$, :pending)),
 ('mesh_revoke', format($q$SELECT meshcat.mesh_revoke(%s, 'done')$q$, :approved)),
 ('mesh_expire_access', $q$SELECT meshcat.mesh_expire_access()$q$),
 ('mesh_policy_dry_run (reads only)', $q$SELECT meshcat.mesh_policy_dry_run('{apiVersion: meshcat/v1, kind: Policy, name: pm-dry, domain: alpha, enforcement: required, rule: "exists($.tags)", message: tags}')$q$);
-- The document tables, with statements aimed at A's rows (drafts, where an owner may change
-- them), and the tables derived from them (owner, tag, ports, fields), which no role may write.
INSERT INTO write_path VALUES
 ('domain INSERT', $q$INSERT INTO meshcat.domain (name, owner_role, parent, descriptor) VALUES ('alphay', 'regress_pm_a_team', 'alpha', '{}')$q$),
 ('domain UPDATE', $q$UPDATE meshcat.domain SET description = 'x' WHERE name = 'alpha'$q$),
 ('domain DELETE', $q$DELETE FROM meshcat.domain WHERE name = 'alphax'$q$),
 ('product INSERT', $q$INSERT INTO meshcat.product (id, domain) VALUES ('alpha.new', 'alpha')$q$),
 ('product UPDATE', $q$UPDATE meshcat.product SET domain = domain WHERE id = 'alpha.pub'$q$),
 ('product DELETE', $q$DELETE FROM meshcat.product WHERE id = 'alpha.lonely'$q$),
 ('product_version INSERT', $q$INSERT INTO meshcat.product_version (product_id, version, name, descriptor) VALUES ('alpha.lonely', '0.1.0', 'N', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "alpha.lonely", "name": "N", "version": "0.1.0"}')$q$),
 ('product_version UPDATE', $q$UPDATE meshcat.product_version SET description = 'x' WHERE product_id = 'alpha.draft'$q$),
 ('product_version DELETE', $q$DELETE FROM meshcat.product_version WHERE product_id = 'alpha.draft'$q$),
 ('owner INSERT', format($q$INSERT INTO meshcat_internal.owner VALUES (%s, 'business', 'x')$q$, :draft)),
 ('owner UPDATE', format($q$UPDATE meshcat_internal.owner SET principal = 'y' WHERE version_id = %s$q$, :draft)),
 ('owner DELETE', format($q$DELETE FROM meshcat_internal.owner WHERE version_id = %s$q$, :draft)),
 ('tag INSERT', format($q$INSERT INTO meshcat_internal.tag VALUES (%s, 'new')$q$, :draft)),
 ('tag UPDATE', format($q$UPDATE meshcat_internal.tag SET tag = 'e' WHERE version_id = %s$q$, :draft)),
 ('tag DELETE', format($q$DELETE FROM meshcat_internal.tag WHERE version_id = %s$q$, :draft)),
 ('input_port INSERT', format($q$INSERT INTO meshcat_internal.input_port (version_id, position, source, descriptor) VALUES (%s, 9, 'x.y', '{}')$q$, :draft)),
 ('input_port UPDATE', format($q$UPDATE meshcat_internal.input_port SET description = 'x' WHERE version_id = %s$q$, :draft)),
 ('input_port DELETE', format($q$DELETE FROM meshcat_internal.input_port WHERE version_id = %s$q$, :draft)),
 ('output_port INSERT', format($q$INSERT INTO meshcat_internal.output_port (version_id, position, name, kind, descriptor) VALUES (%s, 9, 'p', 'api', '{}')$q$, :draft)),
 ('output_port UPDATE', format($q$UPDATE meshcat_internal.output_port SET description = 'x' WHERE version_id = %s$q$, :draft)),
 ('output_port DELETE', format($q$DELETE FROM meshcat_internal.output_port WHERE version_id = %s$q$, :draft)),
 ('field INSERT', format($q$INSERT INTO meshcat_internal.field (port_id, position, name, type, descriptor) VALUES (%s, 9, 'f', 'text', '{}')$q$, :draft_port)),
 ('field UPDATE', format($q$UPDATE meshcat_internal.field SET description = 'x' WHERE port_id = %s$q$, :draft_port)),
 ('field DELETE', format($q$DELETE FROM meshcat_internal.field WHERE port_id = %s$q$, :draft_port)),
 ('policy INSERT', $q$INSERT INTO meshcat.policy (name, domain, enforcement, rule, message, descriptor) VALUES ('pm-new', 'alpha', 'optional', 'exists($.x)', 'x', '{}')$q$),
 ('policy UPDATE', $q$UPDATE meshcat.policy SET message = 'changed' WHERE name = 'pm-alpha'$q$),
 ('policy DELETE', $q$DELETE FROM meshcat.policy WHERE name = 'pm-alpha'$q$),
 ('exemption INSERT', $q$INSERT INTO meshcat.exemption (product_id, policy_name, reason, expires_at) VALUES ('alpha.pub', 'pm-global', 'why', now() + interval '1 day')$q$),
 ('exemption UPDATE', format($q$UPDATE meshcat.exemption SET status = 'granted' WHERE id = %s$q$, :requested)),
 ('exemption DELETE', format($q$DELETE FROM meshcat.exemption WHERE id = %s$q$, :requested)),
 ('glossary_term INSERT', $q$INSERT INTO meshcat.glossary_term (name, domain, definition, descriptor) VALUES ('pm-new', 'alpha', 'd', '{}')$q$),
 ('glossary_term UPDATE', $q$UPDATE meshcat.glossary_term SET definition = 'x' WHERE name = 'pm-term'$q$),
 ('glossary_term DELETE', $q$DELETE FROM meshcat.glossary_term WHERE name = 'pm-term'$q$),
 ('certification INSERT', $q$INSERT INTO meshcat.certification (product_id, version, level) VALUES ('alpha.pub', '1.0.0', 'gold')$q$),
 ('certification UPDATE', $q$UPDATE meshcat.certification SET level = 'gold' WHERE product_id = 'alpha.dep'$q$),
 ('certification DELETE', $q$DELETE FROM meshcat.certification WHERE product_id = 'alpha.dep'$q$);
-- Every other table: rows written only by meshcat itself.
INSERT INTO write_path
SELECT format('%s %s', c.relname, op),
       CASE op WHEN 'INSERT' THEN format('INSERT INTO %1$I.%2$I SELECT * FROM %1$I.%2$I LIMIT 1', c.relnamespace::regnamespace, c.relname)
               WHEN 'UPDATE' THEN format('UPDATE %I.%I SET %I = %I', c.relnamespace::regnamespace, c.relname, a.attname, a.attname)
               WHEN 'DELETE' THEN format('DELETE FROM %I.%I', c.relnamespace::regnamespace, c.relname) END
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'meshcat'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1,
       unnest(ARRAY['INSERT', 'UPDATE', 'DELETE']) AS op
 WHERE c.relkind = 'r'
ON CONFLICT (path) DO NOTHING;
-- TRUNCATE on every table.
INSERT INTO write_path
SELECT c.relname || ' TRUNCATE', format('TRUNCATE %I.%I CASCADE', c.relnamespace::regnamespace, c.relname)
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'meshcat'
 WHERE c.relkind = 'r';

-- Every function of the extension that is not read-only is in the matrix, or listed here as
-- not callable as a statement (triggers, type support).
SELECT p.oid::regprocedure AS missing_from_matrix
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'meshcat'
 WHERE p.proname LIKE 'mesh\_%' AND p.provolatile = 'v' AND p.prorettype <> 'trigger'::regtype
   AND NOT EXISTS (SELECT FROM write_path w WHERE w.path LIKE p.proname || ' %' OR w.path = p.proname)
 ORDER BY 1;

-- The internals are nobody's but meshcat's roles': PUBLIC has no USAGE on their schema and may
-- execute none of their functions (a new function is PUBLIC's unless the sweep revokes it).
SELECT n.nspname, EXISTS (SELECT FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) AS a
                           WHERE a.grantee = 0) AS public_usage
  FROM pg_namespace n WHERE n.nspname = 'meshcat_internal';
SELECT p.oid::regprocedure AS internal_executable_by_public
  FROM pg_proc p
 WHERE p.pronamespace = 'meshcat_internal'::regnamespace
   AND EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS a WHERE a.grantee = 0)
 ORDER BY 1;

SET client_min_messages = error;
SELECT w.path,
       pg_temp.attempt('regress_pm_reader', w.stmt) AS reader,
       pg_temp.attempt('regress_pm_owner_a', w.stmt) AS owner_a,
       pg_temp.attempt('regress_pm_owner_b', w.stmt) AS owner_b,
       pg_temp.attempt('regress_pm_admin', w.stmt) AS admin,
       pg_temp.attempt('regress_pm_connect', w.stmt) AS connect_only
  FROM write_path w ORDER BY w.path;
RESET client_min_messages;

-- Nothing was written by any attempt.
SELECT (SELECT count(*) FROM product_version) AS versions, (SELECT count(*) FROM domain) AS domains,
       (SELECT count(*) FROM policy) AS policies, (SELECT count(*) FROM exemption) AS exemptions;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY regress_pm_reader, regress_pm_owner_a, regress_pm_owner_b, regress_pm_admin, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_pm_reader, regress_pm_owner_a, regress_pm_owner_b, regress_pm_admin, regress_pm_connect,
          regress_pm_a_team, regress_pm_b_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
