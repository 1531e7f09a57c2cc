-- derived_rows.sql: creates the temporary view pg_temp.derived_rows: every row meshcat derives
-- from the descriptors (owners, tags, ports, fields, lineage edges) and from the OpenLineage
-- events (observed lineage edges, which have no surrogate ids), one line each, with its
-- surrogate ids replaced by the natural keys they stand for (product, version, port), so two
-- derivations compare value for value whatever ids they drew. Used by sql/derive.sql
-- (registration against mesh_rebuild()) and test/t/lib/fingerprint.sql (dump against restore).
\set derived_tables '{owner,tag,input_port,output_port,field,lineage_edge,lineage_field_edge,lineage_observed_edge,lineage_observed_field_edge}'
CREATE TEMP VIEW derived_rows (table_name, line) AS
SELECT 'owner', pg_catalog.concat_ws(' ', v.product_id, v.version, pg_catalog.to_jsonb(t) - 'version_id')
  FROM meshcat_internal.owner AS t JOIN meshcat.product_version AS v ON v.id = t.version_id
UNION ALL
SELECT 'tag', pg_catalog.concat_ws(' ', v.product_id, v.version, pg_catalog.to_jsonb(t) - 'version_id')
  FROM meshcat_internal.tag AS t JOIN meshcat.product_version AS v ON v.id = t.version_id
UNION ALL
SELECT 'input_port', pg_catalog.concat_ws(' ', v.product_id, v.version, pg_catalog.to_jsonb(t) - 'id' - 'version_id')
  FROM meshcat_internal.input_port AS t JOIN meshcat.product_version AS v ON v.id = t.version_id
UNION ALL
SELECT 'output_port', pg_catalog.concat_ws(' ', v.product_id, v.version, pg_catalog.to_jsonb(t) - 'id' - 'version_id')
  FROM meshcat_internal.output_port AS t JOIN meshcat.product_version AS v ON v.id = t.version_id
UNION ALL
SELECT 'field', pg_catalog.concat_ws(' ', v.product_id, v.version, o.name, pg_catalog.to_jsonb(t) - 'id' - 'port_id')
  FROM meshcat_internal.field AS t JOIN meshcat_internal.output_port AS o ON o.id = t.port_id
  JOIN meshcat.product_version AS v ON v.id = o.version_id
UNION ALL
SELECT 'lineage_edge', pg_catalog.concat_ws(' ', v.product_id, v.version, i.position, pg_catalog.to_jsonb(t) - 'port_id' - 'version_id')
  FROM meshcat_internal.lineage_edge AS t JOIN meshcat_internal.input_port AS i ON i.id = t.port_id
  JOIN meshcat.product_version AS v ON v.id = t.version_id
UNION ALL
SELECT 'lineage_field_edge', pg_catalog.concat_ws(' ', v.product_id, v.version, o.name, f.name, pg_catalog.to_jsonb(t) - 'field_id' - 'version_id')
  FROM meshcat_internal.lineage_field_edge AS t JOIN meshcat_internal.field AS f ON f.id = t.field_id
  JOIN meshcat_internal.output_port AS o ON o.id = f.port_id
  JOIN meshcat.product_version AS v ON v.id = t.version_id
UNION ALL
SELECT 'lineage_observed_edge', pg_catalog.to_jsonb(t)::text FROM meshcat_internal.lineage_observed_edge AS t
UNION ALL
SELECT 'lineage_observed_field_edge', pg_catalog.to_jsonb(t)::text FROM meshcat_internal.lineage_observed_field_edge AS t;
