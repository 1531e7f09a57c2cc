-- 60_views: the catalog as applications see it. These views and their columns are the stable
-- contract (docs/reference.md); the tables behind them may change between releases. They are
-- security_invoker: a reader sees what the reader's own privileges allow.

-- Which version represents a product: the highest published one, else the highest
-- deprecated, else the highest draft, else the highest retired.
CREATE VIEW @extschema@.current_version WITH (security_invoker) AS
SELECT DISTINCT ON (v.product_id) v.product_id, v.id AS version_id
  FROM @extschema@.product_version AS v
 ORDER BY v.product_id,
          pg_catalog.array_position('{published,deprecated,draft,retired}'::@extschema@.lifecycle_status[], v.status),
          v.version DESC;
COMMENT ON VIEW @extschema@.current_version IS
    'The version that represents each product (published first, then deprecated, draft, retired; highest first).';

-- Each version's place among its product's versions by SemVer precedence (1 = oldest), for
-- the views' version_rank: applications sort by it without meshcat's operators on their
-- search_path (DECISIONS.md section 6). The operator is qualified, so it is this type's.
-- Views join it on product_id too, so a filter on the product reaches the window's partition.
CREATE VIEW @extschema@.version_order WITH (security_invoker) AS
SELECT v.product_id, v.id AS version_id,
       (pg_catalog.rank() OVER (PARTITION BY v.product_id ORDER BY v.version USING OPERATOR(@extschema@.<)))::int AS rank
  FROM @extschema@.product_version AS v;
COMMENT ON VIEW @extschema@.version_order IS
    'Each version''s rank among its product''s versions by SemVer precedence, 1 = oldest.';

CREATE VIEW @extschema@.mesh_domains WITH (security_invoker) AS
SELECT d.name, d.description, d.owner_role, d.parent,
       (SELECT pg_catalog.count(*) FROM @extschema@.product AS p WHERE p.domain OPERATOR(pg_catalog.=) d.name) AS products,
       d.descriptor, d.created_at, d.created_by, d.updated_at, d.updated_by
  FROM @extschema@.domain AS d;
COMMENT ON VIEW @extschema@.mesh_domains IS
    'One row per domain: owner role, parent, number of products.';

CREATE VIEW @extschema@.mesh_versions WITH (security_invoker) AS
SELECT v.product_id, v.version, v.status,
       (c.version_id IS NOT NULL) AS is_current,
       p.domain, v.name, v.description, v.classification, v.retention, v.documentation,
       (SELECT pg_catalog.jsonb_object_agg(o.kind, o.principals)
          FROM (SELECT ow.kind, pg_catalog.jsonb_agg(ow.principal ORDER BY ow.principal) AS principals
                  FROM @extschema@.owner AS ow WHERE ow.version_id OPERATOR(pg_catalog.=) v.id GROUP BY ow.kind) AS o) AS owners,
       ARRAY(SELECT t.tag FROM @extschema@.tag AS t WHERE t.version_id OPERATOR(pg_catalog.=) v.id ORDER BY t.tag) AS tags,
       v.sla, v.quality, v.descriptor,
       v.created_at, v.created_by, v.updated_at, v.updated_by, v.published_at, v.published_by,
       v.version::text AS version_text, r.rank AS version_rank
  FROM @extschema@.product_version AS v
  JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
  JOIN @extschema@.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
  LEFT JOIN @extschema@.current_version AS c ON c.product_id OPERATOR(pg_catalog.=) v.product_id AND c.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_versions IS
    'One row per product version: lifecycle, contract metadata and the full descriptor; version_text and version_rank (1 = oldest) filter and sort versions without meshcat on the search_path.';

CREATE VIEW @extschema@.mesh_products WITH (security_invoker) AS
SELECT v.product_id AS id, v.name, v.domain, v.version AS current_version, v.status, v.classification,
       v.owners, v.tags, v.description, v.retention,
       (SELECT pg_catalog.count(*) FROM @extschema@.product_version AS pv WHERE pv.product_id OPERATOR(pg_catalog.=) v.product_id) AS versions,
       v.updated_at, v.version_text AS current_version_text, v.version_rank AS current_version_rank
  FROM @extschema@.mesh_versions AS v
 WHERE v.is_current;
COMMENT ON VIEW @extschema@.mesh_products IS
    'One row per data product, described by its current version (current_version_text and current_version_rank as in mesh_versions).';

CREATE VIEW @extschema@.mesh_ports WITH (security_invoker) AS
SELECT v.product_id, v.version, 'input'::text AS direction, i.position,
       i.name, CASE WHEN i.product_id IS NOT NULL THEN 'product' ELSE 'source' END AS kind,
       i.product_id AS input_product, i.version_range, i.source,
       NULL::text AS location, NULL::regclass AS relation, i.description,
       v.version::text AS version_text, r.rank AS version_rank
  FROM @extschema@.input_port AS i
  JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) i.version_id
  JOIN @extschema@.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
UNION ALL
SELECT v.product_id, v.version, 'output', o.position,
       o.name, o.kind, NULL, NULL, NULL, o.location,
       -- Resolved only for names that to_regclass can take without raising an error.
       CASE WHEN o.kind IN ('table', 'view')
             AND o.location OPERATOR(pg_catalog.~) '^("[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)(\.("[^"]+"|[A-Za-z_][A-Za-z0-9_$]*))?$'
            THEN pg_catalog.to_regclass(o.location) END,
       o.description, v.version::text, r.rank
  FROM @extschema@.output_port AS o
  JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) o.version_id
  JOIN @extschema@.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_ports IS
    'Input and output ports of every product version; relation is the table or view an output names, when it exists here; version_text and version_rank as in mesh_versions.';

CREATE VIEW @extschema@.mesh_fields WITH (security_invoker) AS
SELECT v.product_id, v.version, o.name AS port, f.position, f.name, f.type, f.required,
       f.is_unique AS "unique", f.primary_key, f.pii, f.classification, f.description,
       f.glossary, f.derived_from, v.version::text AS version_text, r.rank AS version_rank
  FROM @extschema@.field AS f
  JOIN @extschema@.output_port AS o ON o.id OPERATOR(pg_catalog.=) f.port_id
  JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) o.version_id
  JOIN @extschema@.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_fields IS
    'The schema contract: one row per field of every output port of every product version; version_text and version_rank as in mesh_versions.';

CREATE VIEW @extschema@.mesh_audit WITH (security_invoker) AS
SELECT a.id, a.at, a.txid, a.session_role, a.acting_role, a.table_name, a.operation, a.old_row, a.new_row
  FROM @extschema@.audit AS a;
COMMENT ON VIEW @extschema@.mesh_audit IS
    'The append-only trail of catalog changes: who, when, which transaction, before and after.';
