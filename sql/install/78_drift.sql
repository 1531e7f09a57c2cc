-- 78_drift: how the relations bound to output ports (76_binding) differ from their contracts
-- (docs/contracts.md); the mesh_drift view across the mesh is in 85_views.
-- Uses: 10_semver, 30_tables, 76_binding, 77_provision (field_pg_type, declared_foreign_keys, foreign_key_state).

-- mesh_drift: how bound relations differ from their contracts, for one product or the whole
-- mesh (versions that are not retired): a dropped relation, a missing or extra column, a type
-- that is not the contract's (compared as PostgreSQL types: int = integer = int4; a declared
-- type modifier must match, none declared matches any), nullability, primary key, unique.
-- breaking: a consumer relying on the contract can fail; compatible: the relation gives more
-- than the contract promises (an extra column, NOT NULL where nulls are allowed, a key the
-- contract does not declare), which a new version may declare. lineage (compatible): a bound
-- view reads a column of a bound relation that no field declares in derived_from, or a field
-- declares one it does not read (pg_depend gives the set of columns a view reads, not which
-- output column comes from which: DECISIONS.md section 6). missing_foreign_key (breaking): a
-- foreign key the contract declares (relationships) is not on the relation, though its target
-- port is bound here to a table whose target columns carry a key (so it could be: mesh_provision
-- adds it to the tables it created).
CREATE FUNCTION @extschema@.mesh_drift(id text DEFAULT NULL)
RETURNS TABLE (product_id text, version @extschema@.semver, port text, relation text, kind text, field text,
               expected text, actual text, severity text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH b AS (
        SELECT pb.product_id, pb.version, pb.port::text AS port, pb.relation_oid AS rel, o.id AS port_id, c.relkind,
               coalesce(c.oid::regclass::text, pb.relation_name) AS relname
          FROM meshcat_internal.port_binding AS pb
          JOIN @extschema@.product_version AS v ON v.product_id = pb.product_id AND v.version OPERATOR(@extschema@.=) pb.version
          JOIN meshcat_internal.output_port AS o ON o.version_id = v.id AND o.name = pb.port
          LEFT JOIN pg_catalog.pg_class AS c ON c.oid = pb.relation_oid
         WHERE v.status <> 'retired' AND (mesh_drift.id IS NULL OR pb.product_id = mesh_drift.id)
    ), f AS (
        SELECT b.*, fl.name AS fname, fl.type AS declared, (fl.required OR fl.primary_key) AS not_null, fl.primary_key, fl.is_unique,
               t.type_oid, t.typmod, coalesce(t.sql_type, fl.type) AS expected_type
          FROM b JOIN meshcat_internal.field AS fl ON fl.port_id = b.port_id,
               LATERAL meshcat_internal.field_pg_type(fl.type) AS t
         WHERE b.relkind IS NOT NULL
    ), a AS (
        -- the columns of each bound relation, once (the versions of a product share one)
        SELECT at.attrelid AS rel, at.attnum, at.attname::text AS col, at.atttypid, at.atttypmod, at.attnotnull,
               pg_catalog.format_type(at.atttypid, at.atttypmod) AS actual_type
          FROM pg_catalog.pg_attribute AS at
         WHERE at.attrelid IN (SELECT b.rel FROM b WHERE b.relkind IS NOT NULL) AND at.attnum > 0 AND NOT at.attisdropped
    ), fa AS (
        SELECT f.*, a.attnum, a.atttypid, a.atttypmod, a.attnotnull, a.actual_type
          FROM f LEFT JOIN a ON a.rel = f.rel AND a.col = f.fname
    ), keys AS (
        SELECT b.product_id, b.version, b.port, b.relname,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(f.fname), ', ' ORDER BY f.fname) FROM f
                 WHERE f.rel = b.rel AND f.port_id = b.port_id AND f.primary_key) AS want,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(at.attname), ', ' ORDER BY at.attname::text)
                  FROM pg_catalog.pg_constraint AS k
                  JOIN pg_catalog.pg_attribute AS at ON at.attrelid = k.conrelid AND at.attnum = ANY (k.conkey)
                 WHERE k.conrelid = b.rel AND k.contype = 'p') AS have
          FROM b WHERE b.relkind IN ('r', 'p')
    ), vl AS (
        -- the columns a bound view reads (pg_depend on its rewrite rule), of relations bound to ports
        SELECT DISTINCT b.product_id, b.version, b.port, b.relname, dep.refobjid AS src_rel, at.attname::text AS src_col
          FROM b
          JOIN pg_catalog.pg_rewrite AS rw ON rw.ev_class = b.rel AND rw.rulename = '_RETURN'
          JOIN pg_catalog.pg_depend AS dep ON dep.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND dep.objid = rw.oid
                                           AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                           AND dep.refobjsubid > 0 AND dep.refobjid <> b.rel
          JOIN pg_catalog.pg_attribute AS at ON at.attrelid = dep.refobjid AND at.attnum = dep.refobjsubid
         WHERE b.relkind IN ('v', 'm')
           -- of another product: derived_from names inputs, and a product is not its own input
           AND EXISTS (SELECT FROM meshcat_internal.port_binding AS sb
                        WHERE sb.relation_oid = dep.refobjid AND sb.product_id <> b.product_id)
    ), dl AS (
        -- what its fields declare they derive from (product.port.field), where that port is bound here
        SELECT DISTINCT b.product_id, b.version, b.port, b.relname, fl.name AS fname, src.ref, sb.relation_oid AS src_rel,
               pg_catalog.split_part(src.ref, '.', 4) AS src_col
          FROM b
          JOIN meshcat_internal.field AS fl ON fl.port_id = b.port_id
          CROSS JOIN LATERAL pg_catalog.unnest(fl.derived_from) AS src(ref)
          JOIN meshcat_internal.port_binding AS sb
            ON sb.product_id = pg_catalog.split_part(src.ref, '.', 1) || '.' || pg_catalog.split_part(src.ref, '.', 2)
           AND sb.port = pg_catalog.split_part(src.ref, '.', 3) AND sb.relation_oid IS NOT NULL
         WHERE b.relkind IN ('v', 'm')
    ), fk AS (
        -- the foreign keys the contracts declare that could be there and are not (77_provision)
        SELECT b.product_id, b.version, b.port, b.relname, d.cols, d.target_rel, d.target_cols
          FROM (SELECT DISTINCT b.product_id, b.version FROM b WHERE b.relkind IN ('r', 'p')) AS pv
         CROSS JOIN LATERAL meshcat_internal.declared_foreign_keys(pv.product_id, pv.version) AS d
          JOIN b ON b.product_id = pv.product_id AND b.version OPERATOR(@extschema@.=) pv.version AND b.port = d.port
         WHERE (meshcat_internal.foreign_key_state(d.rel, d.cols, d.target_rel, d.target_cols)).state = 'missing'
    )
    SELECT x.product_id, x.version, x.port, x.relation, x.kind, x.field, x.expected, x.actual, x.severity FROM (
        SELECT b.product_id, b.version, b.port, b.relname AS relation, 'missing_relation'::text AS kind, NULL::text AS field,
               b.relname AS expected, NULL::text AS actual, 'breaking'::text AS severity
          FROM b WHERE b.relkind IS NULL
        UNION ALL
        SELECT fa.product_id, fa.version, fa.port, fa.relname, 'missing_column', fa.fname, fa.expected_type, NULL, 'breaking'
          FROM fa WHERE fa.attnum IS NULL
        UNION ALL
        SELECT b.product_id, b.version, b.port, b.relname, 'extra_column', a.col, NULL, a.actual_type, 'compatible'
          FROM b JOIN a ON a.rel = b.rel
         WHERE NOT EXISTS (SELECT FROM meshcat_internal.field AS fl WHERE fl.port_id = b.port_id AND fl.name = a.col)
        UNION ALL
        SELECT fa.product_id, fa.version, fa.port, fa.relname, 'type', fa.fname, fa.expected_type, fa.actual_type, 'breaking'
          FROM fa WHERE fa.attnum IS NOT NULL
           AND (fa.type_oid IS NULL OR fa.atttypid <> fa.type_oid OR (fa.typmod <> -1 AND fa.atttypmod <> fa.typmod))
        UNION ALL
        SELECT fa.product_id, fa.version, fa.port, fa.relname, 'nullability', fa.fname,
               CASE WHEN fa.not_null THEN 'NOT NULL' ELSE 'NULL' END, CASE WHEN fa.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
               CASE WHEN fa.not_null THEN 'breaking' ELSE 'compatible' END
          FROM fa WHERE fa.attnum IS NOT NULL AND fa.relkind IN ('r', 'p', 'f') AND fa.not_null <> fa.attnotnull
        UNION ALL
        SELECT k.product_id, k.version, k.port, k.relname, 'primary_key', NULL,
               'PRIMARY KEY (' || k.want || ')', 'PRIMARY KEY (' || k.have || ')',
               CASE WHEN k.want IS NULL THEN 'compatible' ELSE 'breaking' END
          FROM keys AS k WHERE k.want IS DISTINCT FROM k.have
        UNION ALL
        SELECT fa.product_id, fa.version, fa.port, fa.relname, 'unique', fa.fname, 'UNIQUE', NULL, 'breaking'
          FROM fa WHERE fa.attnum IS NOT NULL AND fa.is_unique AND fa.relkind IN ('r', 'p')
           AND NOT EXISTS (SELECT FROM pg_catalog.pg_index AS i
                            WHERE i.indrelid = fa.rel AND i.indisunique AND i.indnkeyatts = 1 AND i.indkey[0] = fa.attnum
                              AND i.indpred IS NULL)
        UNION ALL
        -- view lineage, compared as sets (DECISIONS.md section 6): read but not declared
        SELECT vl.product_id, vl.version, vl.port, vl.relname, 'lineage', NULL,
               NULL, pg_catalog.format('%s.%I', vl.src_rel::regclass, vl.src_col), 'compatible'
          FROM vl WHERE NOT EXISTS (SELECT FROM dl WHERE dl.product_id = vl.product_id AND dl.version OPERATOR(@extschema@.=) vl.version
                                       AND dl.port = vl.port AND dl.src_rel = vl.src_rel AND dl.src_col = vl.src_col)
        UNION ALL
        -- declared but not read
        SELECT dl.product_id, dl.version, dl.port, dl.relname, 'lineage', dl.fname,
               dl.ref, NULL, 'compatible'
          FROM dl WHERE NOT EXISTS (SELECT FROM vl WHERE vl.product_id = dl.product_id AND vl.version OPERATOR(@extschema@.=) dl.version
                                       AND vl.port = dl.port AND vl.src_rel = dl.src_rel AND vl.src_col = dl.src_col)
        UNION ALL
        -- a declared foreign key the relation lacks: rows that reference nothing may come in
        SELECT fk.product_id, fk.version, fk.port, fk.relname, 'missing_foreign_key',
               CASE WHEN pg_catalog.cardinality(fk.cols) = 1 THEN fk.cols[1] END,
               pg_catalog.format('FOREIGN KEY (%s) REFERENCES %s (%s)',
                   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(c.c), ', ' ORDER BY c.n) FROM pg_catalog.unnest(fk.cols) WITH ORDINALITY AS c(c, n)),
                   fk.target_rel::regclass,
                   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(c.c), ', ' ORDER BY c.n) FROM pg_catalog.unnest(fk.target_cols) WITH ORDINALITY AS c(c, n))),
               NULL, 'breaking'
          FROM fk
    ) AS x
    ORDER BY x.product_id, x.version, x.port, x.kind, x.field;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_drift(text) IS
    'How the relations bound to output ports differ from their contracts (one product, or all): missing_relation, missing_column, extra_column, type, nullability, primary_key, unique, missing_foreign_key, lineage (a view''s columns read vs derived_from); severity breaking or compatible.';
