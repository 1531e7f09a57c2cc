-- 61_policy_packs: the policy packs shipped with meshcat (policies/<pack>/*.yaml, spliced in
-- at build time by the Makefile), and the one call that registers a pack. The policies are
-- global, so only a governance administrator may install one (guard_policy decides).
-- Uses: 00_schema, 10_semver, 60_writers (mesh_register).

CREATE FUNCTION meshcat_internal.policy_packs() RETURNS TABLE (pack text, documents text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $packs$
VALUES
@POLICY_PACKS@
$packs$;
COMMENT ON FUNCTION meshcat_internal.policy_packs() IS
    'The policy packs shipped with meshcat: name, and its Policy documents as one YAML stream.';

CREATE FUNCTION @extschema@.mesh_install_policies(pack text DEFAULT 'default')
    RETURNS TABLE (kind text, id text, version @extschema@.semver, action text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    docs text;
BEGIN
    SELECT p.documents INTO docs FROM meshcat_internal.policy_packs() AS p WHERE p.pack = mesh_install_policies.pack;
    IF docs IS NULL THEN
        PERFORM meshcat_internal.raise_error('22023',
            pg_catalog.format('unknown policy pack %s', coalesce(pg_catalog.quote_literal(mesh_install_policies.pack), 'NULL')),
            NULL,
            pg_catalog.format('The packs shipped with meshcat are: %s.',
                              (SELECT pg_catalog.string_agg(p.pack, ', ' ORDER BY p.pack)
                                 FROM meshcat_internal.policy_packs() AS p)));
    END IF;
    RETURN QUERY SELECT r.kind, r.id, r.version, r.action FROM @extschema@.mesh_register(docs) AS r;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_install_policies(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_install_policies(text) IS
    'Registers a policy pack shipped with meshcat (default: ''default'') through mesh_register; administrators only. Running it again reports unchanged.';
