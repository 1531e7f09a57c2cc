-- 90_grants: who may run what. Nothing that writes is executable by PUBLIC: registration is
-- granted by an administrator to the roles that steward the mesh. The helpers mesh_register
-- calls run with the caller's rights, so the table privileges decide what they may write.

REVOKE ALL ON FUNCTION @extschema@.mesh_register(text) FROM PUBLIC;

-- Governance (55_lifecycle, 65_governance): lifecycle moves and exemptions are writes, granted
-- by mesh_setup_roles() to meshcat_steward (deciding exemptions to meshcat_admin). They run
-- with the caller's rights; the triggers decide who may change which domain.
REVOKE ALL ON FUNCTION @extschema@.mesh_publish(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_deprecate(text, @extschema@.semver, date, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_retire(text, @extschema@.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_request_exemption(text, text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_grant_exemption(bigint, timestamptz, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mesh_revoke_exemption(bigint, text) FROM PUBLIC;

-- Which roles are meshcat's own is no secret (pg_roles shows every role), and every ownership
-- check, run with the writer's rights, reads it.
GRANT SELECT ON @extschema@.setup_role TO PUBLIC;
