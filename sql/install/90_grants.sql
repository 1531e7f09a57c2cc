-- 90_grants: who may run what. Nothing that writes is executable by PUBLIC: registration is
-- granted by an administrator to the roles that steward the mesh. The helpers mesh_register
-- calls run with the caller's rights, so the table privileges decide what they may write.

REVOKE ALL ON FUNCTION @extschema@.mesh_register(text) FROM PUBLIC;
