-- 90_grants: who may run what. Nothing that writes is executable by PUBLIC: registration is
-- granted by an administrator to the roles that steward the mesh.

REVOKE ALL ON FUNCTION @extschema@.mesh_register(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.write_domain(jsonb, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.write_product_version(jsonb, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.write_version_parts(bigint, jsonb) FROM PUBLIC;
