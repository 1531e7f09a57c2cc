-- 87_export: mesh_export, a version's document in a format of the caller's choice, as YAML:
-- meshcat's own descriptor, an ODCS v3.1.0 data contract, or an ODPS v1.0.0 data product. A
-- version registered from ODCS (ODPS) exports its document as registered (the information it
-- holds, whatever meshcat maps), under v3.1.0 (v1.0.0) and its lifecycle; any other version
-- exports its descriptor mapped (descriptor_to_odcs, descriptor_to_odps, 47_standards).
-- docs/standards.md is the mapping.
-- Uses: 10_semver, 15_types, 20_yaml, 30_tables, 47_standards.

CREATE FUNCTION @extschema@.mesh_export(id text, version @extschema@.semver DEFAULT NULL, format text DEFAULT 'meshcat')
RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, meshcat_internal, pg_temp
AS $$
DECLARE
    v @extschema@.product_version;
    doc jsonb;
    kept boolean;   -- the document as registered still says what the descriptor says
BEGIN
    IF format IS NULL OR format NOT IN ('meshcat', 'odcs', 'odps') THEN
        PERFORM raise_error('22023', format('unknown export format %s', coalesce(quote_literal(format), 'NULL')), NULL,
            'The formats are meshcat (the descriptor), odcs (an ODCS v3.1.0 data contract) and odps (an ODPS v1.0.0 data product).');
    END IF;
    -- No version: the highest published one, else the highest of any status.
    SELECT * INTO v FROM product_version AS pv
     WHERE pv.product_id = mesh_export.id AND (mesh_export.version IS NULL OR pv.version = mesh_export.version)
     ORDER BY pv.status = 'published' DESC, pv.version DESC LIMIT 1;
    IF NOT FOUND THEN
        PERFORM raise_error('23503',
            CASE WHEN mesh_export.version IS NULL THEN format('data product "%s" does not exist', mesh_export.id)
                 ELSE format('version %s of "%s" does not exist', mesh_export.version, mesh_export.id) END,
            NULL, 'mesh_versions lists the products and versions you may read.');
    END IF;
    IF format = 'meshcat' THEN
        RETURN mesh_jsonb_to_yaml(v.descriptor);
    END IF;
    -- The descriptor is the truth: the stored document is exported only while it converts to
    -- the descriptor (a plain UPDATE of the document alone may say anything), else the
    -- descriptor is mapped, as for a version registered in meshcat's own format.
    -- (Converted as registered: a document that named no domain took the version's.)
    kept := v.document IS NOT NULL AND v.document_format = format
            AND document_converts(v.document, v.document_format, v.descriptor, v.product_id);
    IF format = 'odps' THEN
        IF kept THEN
            -- The product as registered, as v1.0.0, with the version's lifecycle.
            doc := mesh_yaml_to_jsonb(v.document) || jsonb_build_object('apiVersion', 'v1.0.0')
                || CASE WHEN v.status = 'draft' THEN '{}' ELSE jsonb_build_object('status',
                        CASE v.status WHEN 'published' THEN 'active' ELSE v.status::text END) END;
        ELSE
            doc := descriptor_to_odps(v.descriptor, v.status);
        END IF;
        RETURN mesh_jsonb_to_yaml(doc);
    END IF;
    IF kept THEN
        -- The contract as registered, as v3.1.0, with the version's lifecycle (a draft keeps its own words).
        doc := mesh_yaml_to_jsonb(v.document) || jsonb_build_object('apiVersion', 'v3.1.0')
            || CASE WHEN v.status = 'draft' THEN '{}' ELSE jsonb_build_object('status',
                    CASE v.status WHEN 'published' THEN 'active' ELSE v.status::text END) END;
    ELSE
        doc := descriptor_to_odcs(v.descriptor, v.status);
    END IF;
    RETURN mesh_jsonb_to_yaml(doc);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_export(text, @extschema@.semver, text) IS
    'A product version as YAML: format meshcat (its descriptor), odcs (an ODCS v3.1.0 data contract, the registered contract''s information kept) or odps (an ODPS v1.0.0 data product, likewise); no version: the highest published one, else the highest.';
