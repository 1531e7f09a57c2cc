-- 85_views: the catalog as applications see it. These views and their columns are the stable
-- contract (docs/reference.md); the tables behind them may change between releases. They are
-- security_invoker: a reader sees what the reader's own privileges allow. current_version and
-- domain_scope, which functions read too, are in 40_helpers.
-- Uses: 10_semver, 15_types, 30_tables, 40_helpers (current_version, domain_scope),
-- 76_binding (location_relation, for mesh_ports), 78_drift (mesh_drift), 83_access (subscription).

-- Each version's place among its product's versions by SemVer precedence (1 = oldest), for
-- the views' version_rank: applications sort by it without meshcat's operators on their
-- search_path (DECISIONS.md section 6). The operator is qualified, so it is this type's.
-- Views join it on product_id too, so a filter on the product reaches the window's partition.
CREATE VIEW meshcat_internal.version_order WITH (security_invoker) AS
SELECT v.product_id, v.id AS version_id,
       (pg_catalog.rank() OVER (PARTITION BY v.product_id ORDER BY v.version USING OPERATOR(@extschema@.<)))::int AS rank
  FROM @extschema@.product_version AS v;
COMMENT ON VIEW meshcat_internal.version_order IS
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
                  FROM meshcat_internal.owner AS ow WHERE ow.version_id OPERATOR(pg_catalog.=) v.id GROUP BY ow.kind) AS o) AS owners,
       ARRAY(SELECT t.tag FROM meshcat_internal.tag AS t WHERE t.version_id OPERATOR(pg_catalog.=) v.id ORDER BY t.tag) AS tags,
       v.sla, v.quality, v.descriptor,
       v.created_at, v.created_by, v.updated_at, v.updated_by, v.published_at, v.published_by,
       v.version::text AS version_text, r.rank AS version_rank,
       v.descriptor OPERATOR(pg_catalog.->>) 'external_id' AS external_id, v.document_format
  FROM @extschema@.product_version AS v
  JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
  JOIN meshcat_internal.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
  LEFT JOIN meshcat_internal.current_version AS c ON c.product_id OPERATOR(pg_catalog.=) v.product_id AND c.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_versions IS
    'One row per product version: lifecycle, contract metadata and the full descriptor; version_text and version_rank (1 = oldest) filter and sort versions without meshcat on the search_path; external_id and document_format: the id and format of the document it was registered from.';

-- A version's trust summary (82_quality), for mesh_products: its checks' latest results, and
-- its objectives' latest evaluations.
CREATE FUNCTION meshcat_internal.check_summary(pid text, ver @extschema@.semver,
                                               OUT checks_passing bigint, OUT checks_failing bigint, OUT checks_warning bigint,
                                               OUT last_checked timestamptz)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT pg_catalog.count(*) FILTER (WHERE l.passed),
           pg_catalog.count(*) FILTER (WHERE l.passed IS FALSE AND l.severity OPERATOR(pg_catalog.=) 'error'),
           pg_catalog.count(*) FILTER (WHERE l.passed IS FALSE AND l.severity OPERATOR(pg_catalog.<>) 'error'),
           pg_catalog.max(l.measured_at)
      FROM (SELECT DISTINCT ON (r.check_name, r.port) r.passed, r.severity, r.measured_at
              FROM meshcat_internal.check_result AS r
             WHERE r.product_id OPERATOR(pg_catalog.=) pid AND r.version OPERATOR(@extschema@.=) ver AND NOT r.slo
             ORDER BY r.check_name, r.port, r.measured_at DESC, r.id DESC) AS l;
END;
COMMENT ON FUNCTION meshcat_internal.check_summary(text, @extschema@.semver) IS
    'Internal: how many checks of a version pass, fail (severity error) and fail as warnings or info by their latest result, and when the latest was measured.';

CREATE FUNCTION meshcat_internal.slo_summary(pid text, ver @extschema@.semver, OUT slos_met bigint, OUT slos_violated bigint)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT pg_catalog.count(*) FILTER (WHERE l.passed), pg_catalog.count(*) FILTER (WHERE l.passed IS FALSE AND l.error IS NULL)
      FROM (SELECT DISTINCT ON (r.check_name) r.passed, r.error
              FROM meshcat_internal.check_result AS r
             WHERE r.product_id OPERATOR(pg_catalog.=) pid AND r.version OPERATOR(@extschema@.=) ver AND r.slo
             ORDER BY r.check_name, r.measured_at DESC, r.id DESC) AS l;
END;
COMMENT ON FUNCTION meshcat_internal.slo_summary(text, @extschema@.semver) IS
    'Internal: how many objectives of a version are met and violated by their latest evaluation.';

CREATE VIEW @extschema@.mesh_products WITH (security_invoker) AS
SELECT v.product_id AS id, v.name, v.domain, v.version AS current_version, v.status, v.classification,
       v.owners, v.tags, v.description, v.retention,
       (SELECT pg_catalog.count(*) FROM @extschema@.product_version AS pv WHERE pv.product_id OPERATOR(pg_catalog.=) v.product_id) AS versions,
       v.updated_at, v.version_text AS current_version_text, v.version_rank AS current_version_rank,
       q.checks_passing, q.checks_failing, q.checks_warning, q.last_checked, o.slos_met, o.slos_violated,
       -- the current version's certification (mesh_certify), appended (DECISIONS.md section 1)
       c.level AS certification, c.certified_at
  FROM @extschema@.mesh_versions AS v
  LEFT JOIN LATERAL meshcat_internal.check_summary(v.product_id, v.version) AS q ON true
  LEFT JOIN LATERAL meshcat_internal.slo_summary(v.product_id, v.version) AS o ON true
  LEFT JOIN @extschema@.certification AS c
         ON c.product_id OPERATOR(pg_catalog.=) v.product_id AND c.version OPERATOR(@extschema@.=) v.version
 WHERE v.is_current;
COMMENT ON VIEW @extschema@.mesh_products IS
    'One row per data product, described by its current version (current_version_text and current_version_rank as in mesh_versions); its trust summary: checks passing, failing (severity error) and warning (warning or info), when last checked, objectives met and violated, and the current version''s certification (bronze, silver, gold or NULL) and when it was given.';

-- The business glossary (docs/glossary.md): each term with what names it in the products'
-- current versions (as mesh_products describes each product by it): the products that name
-- it (in their glossary or a field's) and the fields, as <product id>.<output>.<field>.
-- Grouped by term in a subquery, so a filter on the term reaches it.
CREATE VIEW @extschema@.mesh_glossary WITH (security_invoker) AS
SELECT t.name AS term, t.domain, t.definition, t.synonyms, t.related, t.status,
       coalesce(u.products, '{}') AS products, coalesce(u.fields, '{}') AS fields
  FROM @extschema@.glossary_term AS t
  LEFT JOIN (SELECT x.term, pg_catalog.array_agg(DISTINCT x.product_id ORDER BY x.product_id) AS products,
                    pg_catalog.array_agg(DISTINCT x.field ORDER BY x.field) FILTER (WHERE x.field IS NOT NULL) AS fields
               FROM (SELECT g.term, pv.product_id, NULL::text AS field
                       FROM meshcat_internal.current_version AS c
                       JOIN @extschema@.product_version AS pv ON pv.id OPERATOR(pg_catalog.=) c.version_id,
                            pg_catalog.jsonb_array_elements_text(
                                CASE WHEN pg_catalog.jsonb_typeof(pv.descriptor OPERATOR(pg_catalog.->) 'glossary') OPERATOR(pg_catalog.=) 'array'
                                     THEN pv.descriptor OPERATOR(pg_catalog.->) 'glossary' ELSE '[]' END) AS g(term)
                     UNION ALL
                     SELECT g.term, pv.product_id,
                            pv.product_id OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) o.name
                                OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) f.name
                       FROM meshcat_internal.current_version AS c
                       JOIN @extschema@.product_version AS pv ON pv.id OPERATOR(pg_catalog.=) c.version_id
                       JOIN meshcat_internal.output_port AS o ON o.version_id OPERATOR(pg_catalog.=) pv.id
                       JOIN meshcat_internal.field AS f ON f.port_id OPERATOR(pg_catalog.=) o.id,
                            pg_catalog.unnest(f.glossary) AS g(term)) AS x
              GROUP BY x.term) AS u ON u.term OPERATOR(pg_catalog.=) t.name;
COMMENT ON VIEW @extschema@.mesh_glossary IS
    'The business glossary: each term (name, owning domain, definition, synonyms, related terms, status) with the products whose current version names it and their fields that do (<product>.<output>.<field>).';

CREATE VIEW @extschema@.mesh_ports WITH (security_invoker) AS
SELECT v.product_id, v.version, 'input'::text AS direction, i.position,
       i.name, CASE WHEN i.product_id IS NOT NULL THEN 'product' ELSE 'source' END AS kind,
       i.product_id AS input_product, i.version_range, i.source,
       NULL::text AS location, NULL::regclass AS relation, i.description,
       v.version::text AS version_text, r.rank AS version_rank,
       NULL::regclass AS bound_relation, NULL::text AS binding, NULL::text AS binding_reason
  FROM meshcat_internal.input_port AS i
  JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) i.version_id
  JOIN meshcat_internal.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
UNION ALL
SELECT v.product_id, v.version, 'output', o.position,
       o.name, o.kind, NULL, NULL, NULL, o.location,
       -- Resolved only for names that to_regclass can take without raising an error: no
       -- schema the reader may not use (a team's provisioned schema, 77_provision).
       CASE WHEN o.kind IN ('table', 'view')
             AND o.location OPERATOR(pg_catalog.~) '^("[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)(\.("[^"]+"|[A-Za-z_][A-Za-z0-9_$]*))?$'
             AND NOT EXISTS (SELECT FROM pg_catalog.pg_namespace AS n
                              WHERE n.nspname OPERATOR(pg_catalog.=) (meshcat_internal.location_parts(o.location))[1]
                                AND NOT pg_catalog.has_schema_privilege(n.oid, 'USAGE'))
            THEN pg_catalog.to_regclass(o.location) END,
       o.description, v.version::text, r.rank,
       -- the relation the port is bound to (76_contracts), and if not, why not
       b.relation_oid::regclass,
       CASE WHEN o.kind NOT IN ('table', 'view') OR o.location IS NULL THEN NULL
            WHEN b.relation_oid IS NOT NULL THEN 'bound'
            WHEN b.port IS NOT NULL THEN 'dropped'
            ELSE 'unbound' END,
       CASE WHEN o.kind NOT IN ('table', 'view') OR o.location IS NULL OR b.relation_oid IS NOT NULL THEN NULL
            WHEN b.port IS NOT NULL THEN 'relation ' OPERATOR(pg_catalog.||) b.relation_name OPERATOR(pg_catalog.||) ' was dropped'
            WHEN meshcat_internal.location_relation(o.location) IS NULL
            THEN 'no relation of this database has that schema-qualified name'
            WHEN EXISTS (SELECT FROM meshcat_internal.port_binding AS x
                          WHERE x.relation_oid OPERATOR(pg_catalog.=) meshcat_internal.location_relation(o.location)
                            AND x.product_id OPERATOR(pg_catalog.<>) v.product_id)
            THEN 'the relation backs an output port of another product'
            ELSE 'its writer was not a member of the relation''s owner role (mesh_adopt binds it)' END
  FROM meshcat_internal.output_port AS o
  JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) o.version_id
  JOIN meshcat_internal.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
  LEFT JOIN meshcat_internal.port_binding AS b
    ON b.product_id OPERATOR(pg_catalog.=) v.product_id AND b.version OPERATOR(@extschema@.=) v.version AND b.port OPERATOR(pg_catalog.=) o.name;
COMMENT ON VIEW @extschema@.mesh_ports IS
    'Input and output ports of every product version; relation is the table or view an output names, when it exists here; version_text and version_rank as in mesh_versions; bound_relation is the relation a table or view port is bound to, binding says bound, dropped or unbound, and binding_reason why not.';

CREATE VIEW @extschema@.mesh_fields WITH (security_invoker) AS
SELECT v.product_id, v.version, o.name AS port, f.position, f.name, f.type, f.required,
       f.is_unique AS "unique", f.primary_key, f.pii, f.classification, f.description,
       f.glossary, f.derived_from, v.version::text AS version_text, r.rank AS version_rank
  FROM meshcat_internal.field AS f
  JOIN meshcat_internal.output_port AS o ON o.id OPERATOR(pg_catalog.=) f.port_id
  JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) o.version_id
  JOIN meshcat_internal.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_fields IS
    'The schema contract: one row per field of every output port of every product version; version_text and version_rank as in mesh_versions.';

CREATE VIEW @extschema@.mesh_audit WITH (security_invoker) AS
SELECT a.id, a.at, a.txid, a.session_role, a.acting_role, a.table_name, a.operation, a.old_row, a.new_row
  FROM meshcat_internal.audit AS a;
COMMENT ON VIEW @extschema@.mesh_audit IS
    'The append-only trail of catalog changes: who, when, which transaction, before and after.';

CREATE VIEW @extschema@.mesh_events WITH (security_invoker) AS
SELECT e.id, e.at, e.kind, e.product_id, e.version, e.version::text AS version_text, e.payload,
       e.txid, e.acting_role
  FROM meshcat_internal.event AS e;
COMMENT ON VIEW @extschema@.mesh_events IS
    'Every catalog event, oldest first by id: kind, product, version, the full payload, the transaction and role that caused it.';

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
  JOIN meshcat_internal.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id
  LEFT JOIN meshcat_internal.current_version AS c ON c.product_id OPERATOR(pg_catalog.=) v.product_id AND c.version_id OPERATOR(pg_catalog.=) v.id
  JOIN @extschema@.policy AS pol
    ON pol.domain IS NULL
    OR pol.domain IN (SELECT s.ancestor FROM meshcat_internal.domain_scope AS s WHERE s.domain OPERATOR(pg_catalog.=) p.domain)
  LEFT JOIN LATERAL (SELECT ev.passed, ev.error, ev.policy_revision, ev.evaluated_at
                       FROM meshcat_internal.evaluation AS ev
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

-- Edges for applications: one row per pair of nodes and origin, whatever the number of ports
-- or events behind it: origin "declared" (from descriptors) or "observed" (from OpenLineage
-- events; last_observed is the newest eventTime behind it). A pair both declared and observed
-- has a row of each, so declared lineage that is never observed (or the reverse) is one query.
-- The version arrays are also given as text (in SemVer order) for applications without
-- meshcat on their search_path.
CREATE VIEW @extschema@.mesh_lineage WITH (security_invoker) AS
SELECT l.kind, l.upstream, l.downstream, l.upstream_product, l.downstream_product, l.version_ranges,
       l.consumer_versions, l.resolved_versions, l.proposed,
       l.consumer_versions::text[] AS consumer_versions_text, l.resolved_versions::text[] AS resolved_versions_text,
       l.origin, l.last_observed
  FROM (
SELECT CASE WHEN e.upstream LIKE 'source:%' THEN 'source' ELSE 'product' END AS kind,
       CASE WHEN e.upstream LIKE 'source:%' THEN pg_catalog.substr(e.upstream, 8) ELSE e.upstream END AS upstream,
       e.downstream,
       CASE WHEN e.upstream NOT LIKE 'source:%' THEN e.upstream END AS upstream_product,
       e.downstream AS downstream_product,
       ARRAY(SELECT DISTINCT coalesce(x.version_range, '*') FROM meshcat_internal.lineage_edge AS x
              WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream ORDER BY 1) AS version_ranges,
       ARRAY(SELECT DISTINCT v.version FROM meshcat_internal.lineage_edge AS x
               JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
              WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream ORDER BY 1) AS consumer_versions,
       CASE WHEN e.upstream NOT LIKE 'source:%' THEN
           ARRAY(SELECT u.version FROM @extschema@.product_version AS u
                  WHERE u.product_id OPERATOR(pg_catalog.=) e.upstream AND u.status IN ('published', 'deprecated')
                    AND EXISTS (SELECT FROM meshcat_internal.lineage_edge AS x
                                 WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream
                                   AND (x.version_range IS NULL OR @extschema@.semver_satisfies(u.version, x.version_range)))
                  ORDER BY u.version) END AS resolved_versions,
       NOT EXISTS (SELECT FROM meshcat_internal.lineage_edge AS x
                     JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
                    WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream AND v.status OPERATOR(pg_catalog.<>) 'draft') AS proposed,
       'declared'::text AS origin, NULL::timestamptz AS last_observed
  FROM (SELECT DISTINCT upstream, downstream FROM meshcat_internal.lineage_edge) AS e
UNION ALL
SELECT 'field', e.upstream, e.downstream,
       pg_catalog.split_part(e.upstream, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(e.upstream, '.', 2),
       pg_catalog.split_part(e.downstream, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(e.downstream, '.', 2),
       NULL,
       ARRAY(SELECT DISTINCT v.version FROM meshcat_internal.lineage_field_edge AS x
               JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
              WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream ORDER BY 1),
       NULL,
       NOT EXISTS (SELECT FROM meshcat_internal.lineage_field_edge AS x
                     JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) x.version_id
                    WHERE x.upstream OPERATOR(pg_catalog.=) e.upstream AND x.downstream OPERATOR(pg_catalog.=) e.downstream AND v.status OPERATOR(pg_catalog.<>) 'draft'),
       'declared', NULL
  FROM (SELECT DISTINCT upstream, downstream FROM meshcat_internal.lineage_field_edge) AS e
UNION ALL
SELECT CASE WHEN e.upstream LIKE 'source:%' THEN 'source' ELSE 'product' END,
       CASE WHEN e.upstream LIKE 'source:%' THEN pg_catalog.substr(e.upstream, 8) ELSE e.upstream END,
       e.downstream,
       CASE WHEN e.upstream NOT LIKE 'source:%' THEN e.upstream END,
       CASE WHEN e.downstream NOT LIKE 'source:%' THEN e.downstream END,
       NULL, NULL, NULL, false, 'observed', pg_catalog.max(e.observed_at)
  FROM meshcat_internal.lineage_observed_edge AS e
 GROUP BY e.upstream, e.downstream
UNION ALL
SELECT 'field', e.upstream, e.downstream,
       CASE WHEN e.upstream NOT LIKE 'source:%' THEN
           pg_catalog.split_part(e.upstream, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(e.upstream, '.', 2) END,
       CASE WHEN e.downstream NOT LIKE 'source:%' THEN
           pg_catalog.split_part(e.downstream, '.', 1) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.split_part(e.downstream, '.', 2) END,
       NULL, NULL, NULL, false, 'observed', pg_catalog.max(e.observed_at)
  FROM meshcat_internal.lineage_observed_field_edge AS e
 GROUP BY e.upstream, e.downstream
       ) AS l;
COMMENT ON VIEW @extschema@.mesh_lineage IS
    'The lineage graph as an edge list: product to product, source to product and field to field, with the version ranges, the consuming versions and the upstream versions the ranges resolve to (also as text: consumer_versions_text, resolved_versions_text); origin: declared (descriptors) or observed (OpenLineage events, last_observed).';

-- Classification propagation: sensitivity flows along column lineage into every field derived
-- from a classified or PII field, unless the deriving field is declared masked.
CREATE VIEW @extschema@.mesh_classification WITH (security_invoker) AS
WITH RECURSIVE cur AS (
    SELECT v.product_id, v.classification AS declared, p.domain,
           v.product_id OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) o.name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) f.name AS ref,
           f.classification, f.pii, f.derived_from,
           (f.descriptor OPERATOR(pg_catalog.?) 'masking') AS masked
      FROM meshcat_internal.current_version AS c
      JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) c.version_id
      JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
      JOIN meshcat_internal.output_port AS o ON o.version_id OPERATOR(pg_catalog.=) v.id
      JOIN meshcat_internal.field AS f ON f.port_id OPERATOR(pg_catalog.=) o.id
),
edge AS (
    SELECT DISTINCT u.up, c.ref AS down FROM cur AS c, pg_catalog.unnest(c.derived_from) AS u(up) WHERE NOT c.masked
),
-- (field, field whose sensitivity reaches it): a finite set, so the recursion ends on any data.
reach(ref, origin) AS (
    SELECT c.ref, c.ref FROM cur AS c WHERE c.classification IS NOT NULL OR c.pii
  UNION
    SELECT e.down, r.origin FROM reach AS r JOIN edge AS e ON e.up OPERATOR(pg_catalog.=) r.ref
),
-- What reaches each product's fields: its own declarations and those inherited.
inherited AS (
    SELECT c.product_id, o.ref AS origin, o.classification, o.pii, o.product_id OPERATOR(pg_catalog.<>) c.product_id AS foreign_origin
      FROM reach AS r
      JOIN cur AS c ON c.ref OPERATOR(pg_catalog.=) r.ref
      JOIN cur AS o ON o.ref OPERATOR(pg_catalog.=) r.origin
),
products AS (
    SELECT v.product_id, p.domain, v.classification AS declared
      FROM meshcat_internal.current_version AS cv
      JOIN @extschema@.product_version AS v ON v.id OPERATOR(pg_catalog.=) cv.version_id
      JOIN @extschema@.product AS p ON p.id OPERATOR(pg_catalog.=) v.product_id
)
SELECT p.product_id AS id, p.domain, p.declared AS declared_classification,
       GREATEST(p.declared, (SELECT pg_catalog.max(i.classification) FROM inherited AS i WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id))
           AS effective_classification,
       EXISTS (SELECT FROM cur AS c WHERE c.product_id OPERATOR(pg_catalog.=) p.product_id AND c.pii) AS pii,
       EXISTS (SELECT FROM inherited AS i WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id AND i.pii AND i.foreign_origin) AS inherited_pii,
       ARRAY(SELECT DISTINCT i.origin FROM inherited AS i
              WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id AND (i.classification OPERATOR(pg_catalog.>) p.declared OR (i.pii AND i.foreign_origin))
              ORDER BY 1) AS raised_by,
       coalesce((SELECT pg_catalog.max(i.classification) FROM inherited AS i WHERE i.product_id OPERATOR(pg_catalog.=) p.product_id) OPERATOR(pg_catalog.>) p.declared,
                false) AS under_declared
  FROM products AS p;
COMMENT ON VIEW @extschema@.mesh_classification IS
    'Each product''s declared and effective classification and PII exposure, inherited through column lineage (masked fields stop it); under_declared flags products declared less sensitive than their inputs.';

-- Drift across the mesh: mesh_drift() for every product, with version_text and version_rank.
CREATE VIEW @extschema@.mesh_drift WITH (security_invoker) AS
SELECT d.product_id, d.version, d.port, d.relation, d.kind, d.field, d.expected, d.actual, d.severity,
       d.version::text AS version_text, r.rank AS version_rank
  FROM @extschema@.mesh_drift() AS d
  JOIN @extschema@.product_version AS v ON v.product_id OPERATOR(pg_catalog.=) d.product_id AND v.version OPERATOR(@extschema@.=) d.version
  JOIN meshcat_internal.version_order AS r ON r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_drift IS
    'How every relation bound to an output port differs from its contract (mesh_drift()), with version_text and version_rank as in mesh_versions.';

-- Quality (82_quality): every result, the latest result of each check, and each current
-- version's service level objectives.
CREATE VIEW @extschema@.mesh_check_history WITH (security_invoker) AS
SELECT r.product_id, r.version, r.port, r.check_name, r.field, r.metric, r.dimension, r.severity, r.value, r.threshold,
       r.passed, r.error, r.sqlstate, r.origin, r.measured_at, r.recorded_by,
       r.version::text AS version_text, o.rank AS version_rank, r.slo
  FROM meshcat_internal.check_result AS r
  JOIN @extschema@.product_version AS v ON v.product_id OPERATOR(pg_catalog.=) r.product_id AND v.version OPERATOR(@extschema@.=) r.version
  JOIN meshcat_internal.version_order AS o ON o.product_id OPERATOR(pg_catalog.=) v.product_id AND o.version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW @extschema@.mesh_check_history IS
    'Every quality check result kept (meshcat.check_retention): run here (origin run) or recorded (origin recorded), with its value, threshold, verdict and error; slo: an objective''s evaluation.';

CREATE VIEW @extschema@.mesh_check_results WITH (security_invoker) AS
SELECT DISTINCT ON (h.product_id, h.version, h.check_name, h.port)
       h.product_id, h.version, h.port, h.check_name, h.field, h.metric, h.dimension, h.severity, h.value, h.threshold,
       h.passed, h.error, h.sqlstate, h.origin, h.measured_at, h.recorded_by, h.version_text, h.version_rank
  FROM @extschema@.mesh_check_history AS h
 WHERE NOT h.slo
 ORDER BY h.product_id, h.version, h.check_name, h.port, h.measured_at DESC;
COMMENT ON VIEW @extschema@.mesh_check_results IS
    'The latest result of each quality check of each product version (passed: false when it failed, erred or timed out; NULL when nothing judged it).';

-- An objective's latest evaluation, and since when it has had that status: the latest start
-- of a run of evaluations with one status (read through the objective's own history, by index).
CREATE VIEW @extschema@.mesh_slo_status WITH (security_invoker) AS
SELECT v.product_id, v.version, s.name AS objective, s.objective AS kind, s.port, s.field, s.metric, s.target,
       l.value AS latest_value, coalesce(l.status, 'unknown') AS status, l.since,
       l.measured_at AS measured_at, coalesce(s.problem, l.error) AS error,
       v.version::text AS version_text, o.rank AS version_rank
  FROM @extschema@.product_version AS v
  JOIN meshcat_internal.current_version AS c ON c.version_id OPERATOR(pg_catalog.=) v.id
  JOIN meshcat_internal.version_order AS o ON o.product_id OPERATOR(pg_catalog.=) v.product_id AND o.version_id OPERATOR(pg_catalog.=) v.id
 CROSS JOIN LATERAL meshcat_internal.version_slos(v.descriptor) AS s
  LEFT JOIN LATERAL (
       SELECT y.value, y.error, y.measured_at, y.status,
              pg_catalog.max(y.measured_at) FILTER (WHERE y.starts) OVER () AS since
         FROM (SELECT r.id, r.value, r.error, r.measured_at, z.status,
                      z.status IS DISTINCT FROM pg_catalog.lag(z.status) OVER (ORDER BY r.measured_at, r.id) AS starts
                 FROM meshcat_internal.check_result AS r
                CROSS JOIN LATERAL (SELECT CASE WHEN r.passed THEN 'met' WHEN r.passed IS FALSE AND r.error IS NULL THEN 'violated'
                                                ELSE 'unknown' END AS status) AS z
                WHERE r.product_id OPERATOR(pg_catalog.=) v.product_id AND r.version OPERATOR(@extschema@.=) v.version
                  AND r.slo AND r.check_name OPERATOR(pg_catalog.=) s.name) AS y
        ORDER BY y.measured_at DESC, y.id DESC LIMIT 1) AS l ON true;
COMMENT ON VIEW @extschema@.mesh_slo_status IS
    'Each service level objective of each product''s current version: its target, latest value, status (met, violated, or unknown: never measured, or its measurement failed) and since when it has had that status.';

-- Access (83_access, docs/access.md): the requests and their decisions, and the grants ledger.
CREATE VIEW @extschema@.mesh_access_requests WITH (security_invoker) AS
SELECT a.id, a.product_id, a.port::text AS port, a.consumer::text AS consumer, a.for_product, a.purpose, a.version_range, a.until,
       a.columns, a.status, a.approval, a.requested_at, a.requested_by, a.decided_at, a.decided_by, a.decision_note,
       a.relation::text AS relation, a.ended_at, a.ended_by, a.end_reason
  FROM meshcat_internal.access_request AS a;
COMMENT ON VIEW @extschema@.mesh_access_requests IS
    'Access requests: product, port, consumer, purpose, range, until, columns; status (pending, approved, denied, revoked, expired), how and by whom decided and ended.';

CREATE VIEW @extschema@.mesh_access_grants WITH (security_invoker) AS
SELECT g.request_id AS request, g.object_kind, g.relation::text AS relation, g.schema_name, g.column_name, g.privilege,
       g.grantee::text AS grantee, g.grantor::text AS grantor, g.held_before, g.granted_at, g.revoked_at
  FROM meshcat_internal.access_grant AS g;
COMMENT ON VIEW @extschema@.mesh_access_grants IS
    'The grants ledger: every privilege an access approval gave (schema USAGE, table or column SELECT), its grantor, and when it was revoked.';

-- Subscriptions: who consumes what (meshcat_internal.subscription, 83_access).
CREATE VIEW @extschema@.mesh_subscriptions WITH (security_invoker) AS
SELECT s.product_id, s.version_range, s.port, s.columns, s.consumer, s.consumer_product, s.since, s.purpose, s.until,
       s.privileges, s.kind, s.request
  FROM meshcat_internal.subscription AS s;
COMMENT ON VIEW @extschema@.mesh_subscriptions IS
    'Who consumes what: a consuming product''s inputs (kind input) and approved access requests (kind access), with range, port, columns, consumer, since, purpose, until and granted privileges.';
