-- 82_quality: quality checks executed where the data lives (docs/quality.md). A version's checks
-- are the ODCS quality objects of its output ports (outputs[].quality) and fields
-- (outputs[].schema[].quality): library metrics and sql checks. mesh_run_checks runs those of
-- the ports bound to relations here (76_binding), as the domain's owner role (DECISIONS.md
-- section 5: src/quality.c), computing every library metric of one relation in one aggregate
-- query; mesh_record_metric holds measurements taken elsewhere to the same thresholds. Every
-- result is kept in check_result (30_tables) with its history; a new failure is an event.
-- Uses: 00_schema (raise_error), 10_semver, 30_tables (check_result), 40_helpers (emit_event,
-- retention, require_admin, require_domain_owner, current_version), 65_lifecycle
-- (lifecycle_target), 76_binding (port_relation).

-- Runs one check's query as run_as, read-only, in a subtransaction that is rolled back, timed by
-- meshcat.check_timeout (C: src/quality.c). user_sql: a sql check's text, refused (0A000) unless
-- it is one SELECT that neither writes nor locks. vals: its one row as numerics; else error and
-- sqlstate say why (57014: the check's own time ran out). The caller must be a member of run_as.
CREATE FUNCTION meshcat_internal.run_check_query(query text, run_as oid, user_sql boolean,
                                                OUT vals numeric[], OUT error text, OUT sqlstate text)
    AS 'MODULE_PATHNAME', 'run_check_query'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION meshcat_internal.run_check_query(text, oid, boolean) IS
    'Internal: runs a check''s query as a role the caller is a member of, read-only, timed by meshcat.check_timeout; a sql check is refused unless it is one read-only SELECT; returns its row as numerics, or the error.';

-- The checks of a version, in the order the descriptor lists them: port, field (NULL at port
-- level), name (its own, else "<field>.<metric>" or "<metric>", "sql" for a sql check; "#n" is
-- appended when two checks of a port would share one), kind (library, sql, text, custom),
-- metric ("sql" for a sql check), the check itself.
CREATE FUNCTION meshcat_internal.version_checks(descriptor jsonb)
RETURNS TABLE (port text, field text, check_name text, kind text, metric text, q jsonb, ordinal bigint)
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH o AS (
        SELECT x.o, x.n AS pn
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(descriptor -> 'outputs') = 'array' THEN descriptor -> 'outputs' ELSE '[]' END)
               WITH ORDINALITY AS x(o, n)
         WHERE jsonb_typeof(x.o) = 'object'
    ), c AS (
        SELECT o.o ->> 'name' AS port, NULL::text AS field, y.q, o.pn, 0::bigint AS fn, y.n AS qn
          FROM o, jsonb_array_elements(CASE WHEN jsonb_typeof(o.o -> 'quality') = 'array' THEN o.o -> 'quality' ELSE '[]' END)
                  WITH ORDINALITY AS y(q, n)
        UNION ALL
        SELECT o.o ->> 'name', s.f ->> 'name', y.q, o.pn, s.n, y.n
          FROM o, jsonb_array_elements(CASE WHEN jsonb_typeof(o.o -> 'schema') = 'array' THEN o.o -> 'schema' ELSE '[]' END)
                  WITH ORDINALITY AS s(f, n),
               jsonb_array_elements(CASE WHEN jsonb_typeof(s.f -> 'quality') = 'array' THEN s.f -> 'quality' ELSE '[]' END)
                  WITH ORDINALITY AS y(q, n)
    ), k AS (
        SELECT c.port, c.field, c.q,
               coalesce(c.q ->> 'type', CASE WHEN c.q ? 'query' THEN 'sql' ELSE 'library' END) AS kind,
               row_number() OVER (ORDER BY c.pn, c.fn, c.qn) AS ordinal
          FROM c WHERE jsonb_typeof(c.q) = 'object'
    ), b AS (
        SELECT k.*, CASE WHEN k.kind = 'sql' THEN 'sql' ELSE coalesce(k.q ->> 'metric', k.q ->> 'rule') END AS metric,
               coalesce(k.q ->> 'name',
                        concat_ws('.', k.field, CASE WHEN k.kind = 'sql' THEN 'sql'
                                                     ELSE coalesce(k.q ->> 'metric', k.q ->> 'rule', k.kind) END)) AS base
          FROM k
    )
    SELECT b.port, b.field,
           CASE WHEN count(*) OVER (PARTITION BY b.port, b.base) > 1
                THEN b.base || '#' || row_number() OVER (PARTITION BY b.port, b.base ORDER BY b.ordinal) ELSE b.base END,
           b.kind, b.metric, b.q, b.ordinal
      FROM b
     ORDER BY b.ordinal
$$;
COMMENT ON FUNCTION meshcat_internal.version_checks(jsonb) IS
    'Internal: the quality checks of a descriptor''s output ports and fields, each with its port, field, name, kind and metric.';

-- The threshold operators a check gives, or its default when it gives none: a count of bad
-- rows (null, missing, invalid, duplicate values, a sql check) mustBe 0; rowCount
-- mustBeGreaterThan 0.
CREATE FUNCTION meshcat_internal.check_operators(q jsonb, metric text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN ops <> '{}' THEN ops
                WHEN metric = 'rowCount' THEN '{"mustBeGreaterThan": 0}'
                ELSE '{"mustBe": 0}' END
      FROM (SELECT coalesce(jsonb_object_agg(e.k, e.v), '{}') AS ops
              FROM jsonb_each(q) AS e(k, v)
             WHERE e.k IN ('mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan',
                           'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween')) AS o
$$;
COMMENT ON FUNCTION meshcat_internal.check_operators(jsonb, text) IS
    'Internal: a check''s threshold operators (mustBe, ...), or its default: mustBe 0 for counts of bad rows, mustBeGreaterThan 0 for rowCount.';

-- The threshold as text: "mustBe 0", "mustBeBetween [1, 10]", joined by " and ".
CREATE FUNCTION meshcat_internal.check_threshold(ops jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT string_agg(e.k || ' ' || e.v::text, ' and ' ORDER BY e.k) FROM jsonb_each(ops) AS e(k, v)
$$;
COMMENT ON FUNCTION meshcat_internal.check_threshold(jsonb) IS
    'Internal: a check''s threshold operators as text, such as mustBeBetween [1, 10].';

-- Whether a JSON value is a number, or a string that is one (ODCS allows mustBe: "0").
CREATE FUNCTION meshcat_internal.is_number(v jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(jsonb_typeof(v) IN ('number', 'string')
                    AND (v #>> '{}') ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$', false)
$$;
COMMENT ON FUNCTION meshcat_internal.is_number(jsonb) IS
    'Internal: whether a JSON value is a number or a string holding one.';

-- Why a check's operators cannot judge a number (NULL when they can): each bound is a number
-- (or a string that is one), mustBeBetween and mustNotBeBetween two of them, the lower first.
CREATE FUNCTION meshcat_internal.check_operator_problem(ops jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT min(CASE WHEN e.k IN ('mustBeBetween', 'mustNotBeBetween') THEN
                        CASE WHEN jsonb_typeof(e.v) <> 'array' OR jsonb_array_length(e.v) <> 2
                                  OR NOT meshcat_internal.is_number(e.v -> 0) OR NOT meshcat_internal.is_number(e.v -> 1)
                             THEN format('%s must be two numbers, the lower first; it is %s', e.k, e.v)
                             WHEN (e.v -> 0 #>> '{}')::numeric > (e.v -> 1 #>> '{}')::numeric
                             THEN format('%s must be two numbers, the lower first; it is %s', e.k, e.v) END
                    WHEN NOT meshcat_internal.is_number(e.v)
                    THEN format('%s must be a number; it is %s', e.k, e.v) END)
      FROM jsonb_each(ops) AS e(k, v)
$$;
COMMENT ON FUNCTION meshcat_internal.check_operator_problem(jsonb) IS
    'Internal: why a check''s threshold operators cannot judge a number (a bound that is not one), or NULL.';

-- Whether a value meets every operator (check_operator_problem has passed them).
CREATE FUNCTION meshcat_internal.check_passes(ops jsonb, value numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(bool_and(CASE e.k
               WHEN 'mustBe' THEN value = (e.v #>> '{}')::numeric
               WHEN 'mustNotBe' THEN value <> (e.v #>> '{}')::numeric
               WHEN 'mustBeGreaterThan' THEN value > (e.v #>> '{}')::numeric
               WHEN 'mustBeGreaterOrEqualTo' THEN value >= (e.v #>> '{}')::numeric
               WHEN 'mustBeLessThan' THEN value < (e.v #>> '{}')::numeric
               WHEN 'mustBeLessOrEqualTo' THEN value <= (e.v #>> '{}')::numeric
               WHEN 'mustBeBetween' THEN value BETWEEN (e.v -> 0 #>> '{}')::numeric AND (e.v -> 1 #>> '{}')::numeric
               WHEN 'mustNotBeBetween' THEN value NOT BETWEEN (e.v -> 0 #>> '{}')::numeric AND (e.v -> 1 #>> '{}')::numeric
           END), false)
      FROM jsonb_each(ops) AS e(k, v)
$$;
COMMENT ON FUNCTION meshcat_internal.check_passes(jsonb, numeric) IS
    'Internal: whether a value meets every threshold operator of a check (mustBeBetween bounds included).';

-- The aggregate that counts what a library check counts in the one scan of its relation
-- (count(*) is the scan's first column, for rowCount and percentages), or why it cannot:
-- a column it names is not the relation's, its arguments are missing, its pattern is not a
-- regular expression, its metric or unit is unknown. Values are compared as text.
CREATE FUNCTION meshcat_internal.library_aggregate(metric text, field text, q jsonb, rel oid,
                                                   OUT expr text, OUT problem text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    args jsonb := CASE WHEN jsonb_typeof(q -> 'arguments') = 'object' THEN q -> 'arguments' ELSE '{}' END;
    cols text[];
    missing text;
    vals text[];
    pattern text;
    cond text;
BEGIN
    IF coalesce(q ->> 'unit', 'rows') NOT IN ('rows', 'percent') THEN
        problem := format('unknown unit "%s": a check''s unit is rows or percent', q ->> 'unit');
        RETURN;
    END IF;
    IF metric IS NULL OR metric NOT IN ('nullValues', 'missingValues', 'invalidValues', 'duplicateValues', 'rowCount') THEN
        problem := format('unknown library metric "%s": the metrics are nullValues, missingValues, invalidValues, duplicateValues and rowCount',
                          coalesce(metric, ''));
        RETURN;
    END IF;
    IF metric = 'rowCount' THEN
        expr := 'pg_catalog.count(*)';
        RETURN;
    END IF;
    IF field IS NOT NULL THEN
        cols := ARRAY[field];
    ELSIF metric = 'duplicateValues' AND jsonb_typeof(args -> 'properties') = 'array' AND jsonb_array_length(args -> 'properties') > 0 THEN
        cols := ARRAY(SELECT jsonb_array_elements_text(args -> 'properties'));
    ELSE
        problem := format('%s needs a field: declare it in the field''s quality%s', metric,
                          CASE WHEN metric = 'duplicateValues' THEN ', or list arguments.properties at port level' ELSE '' END);
        RETURN;
    END IF;
    missing := (SELECT min(c) FROM unnest(cols) AS c
                 WHERE NOT EXISTS (SELECT FROM pg_attribute AS a
                                    WHERE a.attrelid = rel AND a.attname = c AND a.attnum > 0 AND NOT a.attisdropped));
    IF missing IS NOT NULL THEN
        problem := format('column "%s" does not exist in relation %s', missing, rel::regclass);
        RETURN;
    END IF;
    CASE metric
    WHEN 'nullValues' THEN
        expr := format('pg_catalog.count(*) FILTER (WHERE %I IS NULL)', field);
    WHEN 'missingValues' THEN
        vals := ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(args -> 'missingValues') = 'array'
                                                            THEN args -> 'missingValues' ELSE '[]' END));
        expr := format('pg_catalog.count(*) FILTER (WHERE %1$I IS NULL OR %1$I::pg_catalog.text OPERATOR(pg_catalog.=) ANY (%2$L::pg_catalog.text[]))',
                       field, array_remove(vals, NULL)::text);
    WHEN 'invalidValues' THEN
        IF jsonb_typeof(args -> 'validValues') = 'array' THEN
            vals := ARRAY(SELECT jsonb_array_elements_text(args -> 'validValues'));
            cond := format('NOT (%I::pg_catalog.text OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[]))', field, vals::text);
        END IF;
        IF jsonb_typeof(args -> 'pattern') = 'string' THEN
            pattern := args ->> 'pattern';
            BEGIN
                PERFORM '' ~ pattern;
            EXCEPTION WHEN invalid_regular_expression THEN
                problem := format('arguments.pattern is not a valid regular expression: %s', SQLERRM);
                RETURN;
            END;
            cond := concat_ws(' OR ', cond, format('%I::pg_catalog.text OPERATOR(pg_catalog.!~) %L', field, pattern));
        END IF;
        IF cond IS NULL THEN
            problem := 'invalidValues needs arguments.validValues (a list) or arguments.pattern (a regular expression)';
            RETURN;
        END IF;
        expr := format('pg_catalog.count(*) FILTER (WHERE %I IS NOT NULL AND (%s))', field, cond);
    WHEN 'duplicateValues' THEN
        IF cardinality(cols) = 1 THEN
            expr := format('pg_catalog.count(%1$I) - pg_catalog.count(DISTINCT %1$I)', cols[1]);
        ELSE
            expr := format('pg_catalog.count(ROW(%1$s)) - pg_catalog.count(DISTINCT ROW(%1$s))',
                           (SELECT string_agg(format('%I', c), ', ' ORDER BY n) FROM unnest(cols) WITH ORDINALITY AS u(c, n)));
        END IF;
    END CASE;
END
$$;
COMMENT ON FUNCTION meshcat_internal.library_aggregate(text, text, jsonb, oid) IS
    'Internal: the aggregate expression that counts a library metric (nullValues, missingValues, invalidValues, duplicateValues, rowCount) in one scan of a relation, or why it cannot.';

-- The service level objectives of a descriptor (slos:), each with what it measures and the
-- operators its value is held to, or why it cannot be judged: freshness (field: a timestamp or
-- date column; value: the age of its newest value, in seconds; met within the interval),
-- completeness (value: the percentage of non-null values of field; met at target or above),
-- rowCount (value: the rows; met at target or above), metric (value: the latest result of the
-- check or recorded metric it names; met by its operators). port defaults to the first output.
CREATE FUNCTION meshcat_internal.version_slos(descriptor jsonb)
RETURNS TABLE (name text, objective text, port text, field text, metric text, ops jsonb, target text, problem text, ordinal bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s record;
    within interval;
BEGIN
    FOR s IN SELECT x.o, x.n FROM jsonb_array_elements(CASE WHEN jsonb_typeof(descriptor -> 'slos') = 'array'
                                                            THEN descriptor -> 'slos' ELSE '[]' END) WITH ORDINALITY AS x(o, n)
              WHERE jsonb_typeof(x.o) = 'object' ORDER BY x.n LOOP
        name := s.o ->> 'name'; objective := s.o ->> 'objective'; field := s.o ->> 'field'; metric := s.o ->> 'metric';
        port := CASE WHEN objective = 'metric' THEN NULL ELSE coalesce(s.o ->> 'port', descriptor #>> '{outputs,0,name}') END;
        ops := NULL; target := NULL; problem := NULL; ordinal := s.n;
        IF objective = 'freshness' THEN
            BEGIN
                within := (s.o ->> 'within')::interval;
            EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
                within := NULL;
            END;
            IF within IS NULL OR field IS NULL THEN
                problem := 'a freshness objective needs a field (a timestamp or date column) and within (an interval, such as 15 minutes)';
            ELSE
                ops := jsonb_build_object('mustBeLessOrEqualTo', extract(epoch FROM within));
                target := 'within ' || (s.o ->> 'within');
            END IF;
        ELSIF objective IN ('completeness', 'rowCount') THEN
            IF jsonb_typeof(s.o -> 'target') IS DISTINCT FROM 'number' OR (objective = 'completeness' AND field IS NULL) THEN
                problem := format('a %s objective needs %sa target (a number)', objective,
                                  CASE WHEN objective = 'completeness' THEN 'a field and ' ELSE '' END);
            ELSE
                ops := jsonb_build_object('mustBeGreaterOrEqualTo', s.o -> 'target');
                target := meshcat_internal.check_threshold(ops) || CASE WHEN objective = 'completeness' THEN ' %' ELSE ' rows' END;
            END IF;
        ELSIF objective = 'metric' THEN
            ops := (SELECT coalesce(jsonb_object_agg(e.k, e.v), '{}') FROM jsonb_each(s.o) AS e(k, v) WHERE e.k LIKE 'must%');
            IF metric IS NULL OR ops = '{}' THEN
                problem := 'a metric objective needs a metric (a check''s or a recorded metric''s name) and an operator (mustBe, mustBeLessThan, ...)';
                ops := NULL;
            ELSE
                problem := meshcat_internal.check_operator_problem(ops);
                target := meshcat_internal.check_threshold(ops);
            END IF;
        ELSE
            problem := format('unknown objective "%s": objectives are freshness, completeness, rowCount and metric', coalesce(objective, ''));
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.version_slos(jsonb) IS
    'Internal: the service level objectives of a descriptor (freshness, completeness, rowCount, metric), each with its port, field, operators and target, or why it cannot be judged.';

-- The aggregate that measures a freshness or completeness objective in the one scan of its
-- relation (rowCount reads the scan's count(*)), or why it cannot.
CREATE FUNCTION meshcat_internal.slo_aggregate(objective text, field text, rel oid, OUT expr text, OUT problem text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ oid := (SELECT a.atttypid FROM pg_attribute AS a
                 WHERE a.attrelid = rel AND a.attname = field AND a.attnum > 0 AND NOT a.attisdropped);
BEGIN
    IF objective = 'rowCount' THEN
        expr := 'pg_catalog.count(*)';
    ELSIF typ IS NULL THEN
        problem := format('column "%s" does not exist in relation %s', field, rel::regclass);
    ELSIF objective = 'completeness' THEN
        expr := format('pg_catalog.count(%I)', field);
    ELSIF typ NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) THEN
        problem := format('column "%s" of relation %s is of type %s, not a timestamp or a date', field, rel::regclass, typ::regtype);
    ELSE
        expr := format('pg_catalog.date_part(''epoch'', pg_catalog.now() OPERATOR(pg_catalog.-) pg_catalog.max(%I)::pg_catalog.timestamptz)', field);
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.slo_aggregate(text, text, oid) IS
    'Internal: the aggregate measuring a freshness (age of the newest value, seconds) or completeness (non-null values) objective in one scan, or why it cannot.';

-- The version a quality call acts on: the one given, else the highest published.
CREATE FUNCTION meshcat_internal.quality_target(id text, version @extschema@.semver) RETURNS @extschema@.product_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v @extschema@.product_version;
BEGIN
    IF version IS NOT NULL THEN
        RETURN meshcat_internal.lifecycle_target(id, version);
    END IF;
    IF NOT EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = quality_target.id) THEN
        PERFORM meshcat_internal.raise_error('23503', format('data product "%s" does not exist', id), NULL,
            'SELECT id FROM mesh_products lists the registered products.');
    END IF;
    SELECT pv.* INTO v FROM @extschema@.product_version AS pv
     WHERE pv.product_id = quality_target.id AND pv.status = 'published'
     ORDER BY pv.version USING OPERATOR(@extschema@.>) LIMIT 1;
    IF NOT FOUND THEN
        PERFORM meshcat_internal.raise_error('23503', format('data product "%s" has no published version', id),
            'Without a version, checks are those of the highest published version.',
            'Name the version: mesh_run_checks(id, version).');
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION meshcat_internal.quality_target(text, @extschema@.semver) IS
    'Internal: the version mesh_run_checks and mesh_record_metric act on: the one given, else the product''s highest published version (23503 if none).';

-- Records one result and, when it is a new failure of its check (its previous result passed,
-- or there is none), a check_failed event. mesh_run_checks calls it with the caller's
-- identity, which must be able to run the product's checks (a member of its domain's owner
-- role, or a superuser); mesh_record_metric has checked its own rule.
CREATE FUNCTION meshcat_internal.store_check_result(pid text, ver @extschema@.semver, port_name text, name text, field_name text,
                                                   metric_name text, dimension_name text, severity_name text, val numeric,
                                                   threshold_text text, verdict boolean, problem text, state text, how text,
                                                   measured timestamptz, is_slo boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    actor name := @extschema@.mesh_acting_role();
    owner name := (SELECT d.owner_role FROM @extschema@.product AS p JOIN @extschema@.domain AS d ON d.name = p.domain WHERE p.id = pid);
    before boolean;
BEGIN
    IF how = 'run' AND NOT meshcat_internal.role_is_superuser(actor)
       AND NOT (owner IS NOT NULL AND EXISTS (SELECT FROM pg_roles AS r WHERE r.rolname = owner)
                AND pg_has_role(actor, owner, 'MEMBER')) THEN
        PERFORM meshcat_internal.raise_error('42501', format('permission denied to record check results of data product "%s"', pid),
            format('Only members of role "%s" (the owner of its domain) run its checks; role "%s" is not one.', owner, actor), NULL);
    END IF;
    -- One result of a check at a time, so two concurrent runs cannot both see the check's last
    -- result passing and both announce its failure; the second then reads the first's result.
    -- (Checks share 1 024 locks, so one transaction that runs every product's checks holds at
    -- most that many.)
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('meshcat.check_result'),
                                             pg_catalog.hashtext(concat_ws(' ', pid, ver::text, port_name, name, is_slo::text)) & 1023);
    SELECT r.passed INTO before FROM meshcat_internal.check_result AS r
     WHERE r.product_id = pid AND r.version OPERATOR(@extschema@.=) ver AND r.slo = is_slo AND r.check_name = name
       AND r.port IS NOT DISTINCT FROM port_name
     ORDER BY r.measured_at DESC, r.id DESC LIMIT 1;
    INSERT INTO meshcat_internal.check_result (product_id, version, port, check_name, field, metric, dimension, severity, value,
                                               threshold, passed, error, sqlstate, origin, slo, measured_at)
    VALUES (pid, ver, port_name, name, field_name, metric_name, dimension_name, severity_name, val,
            threshold_text, verdict, problem, state, how, is_slo, measured);
    -- a new failure; for an objective, a new violation (an unjudged one is unknown, not violated)
    IF verdict IS FALSE AND before IS NOT FALSE AND (NOT is_slo OR problem IS NULL) THEN
        PERFORM meshcat_internal.emit_event(CASE WHEN is_slo THEN 'slo_violated' ELSE 'check_failed' END, pid, ver,
            jsonb_build_object(CASE WHEN is_slo THEN 'objective' ELSE 'check' END, name, 'port', port_name, 'metric', metric_name,
                               'severity', severity_name, 'value', val, 'threshold', threshold_text, 'error', problem));
    END IF;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.store_check_result(text, @extschema@.semver, text, text, text, text, text, text, numeric,
                                                          text, boolean, text, text, text, timestamptz, boolean) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.store_check_result(text, @extschema@.semver, text, text, text, text, text, text, numeric,
                                                       text, boolean, text, text, text, timestamptz, boolean) IS
    'Internal: stores one quality check result or objective evaluation, and sends a check_failed (slo_violated) event when it is a new failure (violation).';

-- Evaluates the metric objectives of a version against the latest result of the check or
-- recorded metric each names (an objective whose metric has no result yet stays unknown).
CREATE FUNCTION meshcat_internal.evaluate_metric_slos(v @extschema@.product_version, how text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s record;
    latest record;
BEGIN
    FOR s IN SELECT o.* FROM meshcat_internal.version_slos(v.descriptor) AS o WHERE o.objective = 'metric' ORDER BY o.ordinal LOOP
        SELECT r.value, r.error, r.measured_at INTO latest FROM meshcat_internal.check_result AS r
         WHERE r.product_id = v.product_id AND r.version OPERATOR(@extschema@.=) v.version AND NOT r.slo AND r.check_name = s.metric
         ORDER BY r.measured_at DESC, r.id DESC LIMIT 1;
        CONTINUE WHEN NOT FOUND AND s.problem IS NULL;
        PERFORM meshcat_internal.store_check_result(v.product_id, v.version, NULL, s.name, NULL, 'metric', NULL, NULL,
            latest.value, s.target,
            CASE WHEN s.problem IS NULL AND latest.value IS NOT NULL THEN meshcat_internal.check_passes(s.ops, latest.value) ELSE false END,
            coalesce(s.problem, CASE WHEN latest.value IS NULL THEN format('metric "%s" has no value: %s', s.metric, coalesce(latest.error, 'none recorded')) END),
            CASE WHEN s.problem IS NOT NULL THEN '22023' WHEN latest.value IS NULL THEN '22004' END,
            how, coalesce(latest.measured_at, pg_catalog.clock_timestamp()), true);
    END LOOP;
END
$$;
COMMENT ON FUNCTION meshcat_internal.evaluate_metric_slos(@extschema@.product_version, text) IS
    'Internal: evaluates a version''s metric objectives against the latest result of the check or recorded metric each names.';

-- The role a product's checks run as, its domain's owner role, when the calling role may run
-- them (a member of that role, or a superuser); else 42501. An administrator who is not a
-- member may not: checks run with the domain's rights, never with the caller's (DECISIONS.md 5).
CREATE FUNCTION meshcat_internal.check_runner_role(pid text) RETURNS oid
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me name := CURRENT_USER;
    dom @extschema@.domain;
    owner_oid oid;
BEGIN
    SELECT d.* INTO dom FROM @extschema@.domain AS d JOIN @extschema@.product AS x ON x.domain = d.name WHERE x.id = pid;
    owner_oid := (SELECT r.oid FROM pg_roles AS r WHERE r.rolname = dom.owner_role);
    IF owner_oid IS NULL THEN
        PERFORM meshcat_internal.raise_error('42704',
            format('role "%s", the owner of domain "%s", does not exist', dom.owner_role, dom.name),
            'Checks run as the domain''s owner role.', 'Create the role, or register the domain with an owner that exists.');
    END IF;
    IF NOT meshcat_internal.role_is_superuser(me) AND NOT pg_has_role(me, owner_oid, 'MEMBER') THEN
        PERFORM meshcat_internal.raise_error('42501',
            format('permission denied to run the checks of data product "%s"', pid),
            format('Checks run as role "%s", the owner of domain "%s", so that no check runs with more rights than its domain''s; role "%s" is not a member of it.',
                   dom.owner_role, dom.name, me),
            format('Run them as a member of "%s" (GRANT %I TO ...), or as a superuser.', dom.owner_role, dom.owner_role));
    END IF;
    RETURN owner_oid;
END
$$;
COMMENT ON FUNCTION meshcat_internal.check_runner_role(text) IS
    'Internal: the role a product''s checks run as (its domain''s owner role), or 42501 unless the calling role is a member of it or a superuser.';

-- mesh_run_checks: runs every library and sql check of the version's output ports that are
-- bound to relations here (default: the highest published version), and records each result.
-- SECURITY INVOKER (DECISIONS.md section 5): checks run as the domain's owner role, so the
-- caller must be a member of it or a superuser (42501). All library metrics of one relation
-- are one aggregate query (one scan); each sql check is its own query. A check that errs,
-- times out (meshcat.check_timeout) or is refused is a failed check with its error; the call
-- completes. Checks of type text or custom are not run here (mesh_record_metric records them).
-- The version's objectives (slos:) are measured in the same scans, and its metric objectives
-- evaluated against the latest results; they are shown by mesh_slo_status, not returned.
CREATE FUNCTION @extschema@.mesh_run_checks(id text, version @extschema@.semver DEFAULT NULL)
RETURNS TABLE (port text, check_name text, metric text, value numeric, threshold text, passed boolean,
               severity text, error text, measured_at timestamptz)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version;
    owner_oid oid;
    p record;
    c record;
    rel oid;
    relname text;
    items jsonb;
    scan text;
    res record;
    sqlres record;
    agg record;
    ops jsonb;
    total numeric;
    n numeric;
    err text;
    state text;
    sqltext text;
    ncols int;
BEGIN
    v := meshcat_internal.quality_target(id, version);
    owner_oid := meshcat_internal.check_runner_role(v.product_id);
    IF v.status = 'retired' THEN
        PERFORM meshcat_internal.raise_error('55000',
            format('version %s of data product "%s" is retired', v.version, v.product_id),
            'A retired version serves nothing: its checks are not run.', 'Run the checks of a version that is not retired.');
    END IF;
    -- each port with checks or objectives to measure, in the descriptor's order
    FOR p IN SELECT u.port FROM (
                 SELECT k.port, k.ordinal AS o FROM meshcat_internal.version_checks(v.descriptor) AS k WHERE k.kind IN ('library', 'sql')
                 UNION ALL
                 SELECT s.port, 1000000000 + s.ordinal FROM meshcat_internal.version_slos(v.descriptor) AS s WHERE s.port IS NOT NULL) AS u
              GROUP BY u.port ORDER BY min(u.o) LOOP
        rel := meshcat_internal.port_relation(v.product_id, v.version, p.port);
        IF rel IS NULL THEN
            RAISE NOTICE '%', format('the checks of output port "%s" were not run: it is not bound to a relation of this database', p.port)
                USING HINT = 'Provision it (mesh_provision) or bind it (mesh_adopt); see mesh_ports.';
            CONTINUE;
        END IF;
        relname := (SELECT format('%I.%I', ns.nspname, cl.relname) FROM pg_class AS cl JOIN pg_namespace AS ns ON ns.oid = cl.relnamespace
                     WHERE cl.oid = rel);
        -- the port's library checks and objectives: one aggregate each, all in one scan
        -- (column 1 is count(*)); items maps each to its column, or to why it has none
        items := '{}';
        scan := NULL;
        ncols := 1;
        FOR c IN SELECT 'c' || k.ordinal AS key, k.metric, k.field, k.q, false AS slo
                   FROM meshcat_internal.version_checks(v.descriptor) AS k WHERE k.port = p.port AND k.kind = 'library'
                 UNION ALL
                 SELECT 's' || s.ordinal, s.objective, s.field, NULL, true
                   FROM meshcat_internal.version_slos(v.descriptor) AS s WHERE s.port = p.port AND s.problem IS NULL
                 ORDER BY 1 LOOP
            agg := CASE WHEN c.slo THEN meshcat_internal.slo_aggregate(c.metric, c.field, rel)
                        ELSE meshcat_internal.library_aggregate(c.metric, c.field, c.q, rel) END;
            IF agg.expr = 'pg_catalog.count(*)' THEN
                items := items || jsonb_build_object(c.key, jsonb_build_object('column', 1));
            ELSIF agg.expr IS NOT NULL THEN
                scan := concat(scan, ', ', agg.expr);
                ncols := ncols + 1;
                items := items || jsonb_build_object(c.key, jsonb_build_object('column', ncols));
            ELSE
                items := items || jsonb_build_object(c.key, jsonb_build_object('problem', agg.problem));
            END IF;
        END LOOP;
        IF items <> '{}' THEN
            res := meshcat_internal.run_check_query(format('SELECT pg_catalog.count(*)%s FROM %s', scan, relname), owner_oid, false);
        END IF;
        FOR c IN SELECT k.*, items -> ('c' || k.ordinal) AS e
                   FROM meshcat_internal.version_checks(v.descriptor) AS k
                  WHERE k.port = p.port AND k.kind IN ('library', 'sql') ORDER BY k.ordinal LOOP
            port := c.port; check_name := c.check_name; metric := c.metric;
            severity := CASE WHEN c.q ->> 'severity' IN ('error', 'warning', 'info') THEN c.q ->> 'severity' ELSE 'error' END;
            ops := meshcat_internal.check_operators(c.q, c.metric);
            threshold := meshcat_internal.check_threshold(ops);
            value := NULL; err := meshcat_internal.check_operator_problem(ops); state := CASE WHEN err IS NOT NULL THEN '22023' END;
            IF err IS NULL AND c.kind = 'library' THEN
                IF c.e ? 'problem' THEN
                    err := c.e ->> 'problem'; state := '22023';
                ELSIF res.error IS NOT NULL THEN
                    err := res.error; state := res.sqlstate;
                ELSE
                    total := res.vals[1];
                    n := res.vals[(c.e ->> 'column')::int];
                    value := CASE WHEN c.metric <> 'rowCount' AND c.q ->> 'unit' = 'percent'
                                  THEN CASE WHEN total = 0 THEN 0 ELSE trim_scale(100.0 * n / total) END
                                  ELSE n END;
                END IF;
            ELSIF err IS NULL THEN
                sqltext := c.q ->> 'query';
                IF sqltext IS NULL OR btrim(sqltext) = '' THEN
                    err := 'a sql check needs a query'; state := '22023';
                ELSE
                    -- the relation and the field, as ODCS (${object}, ${table}, ${property},
                    -- ${column}) and the Data Contract Specification ({model}, {field}) write them
                    sqltext := regexp_replace(sqltext, '\$\{(object|table)\}|\{model\}', replace(relname, '\', '\\'), 'g');
                    IF c.field IS NOT NULL THEN
                        sqltext := regexp_replace(sqltext, '\$\{(property|column)\}|\{field\}', replace(format('%I', c.field), '\', '\\'), 'g');
                    END IF;
                    sqlres := meshcat_internal.run_check_query(sqltext, owner_oid, true);
                    IF sqlres.error IS NOT NULL THEN
                        err := sqlres.error; state := sqlres.sqlstate;
                    ELSIF cardinality(sqlres.vals) <> 1 THEN
                        err := format('a sql check must return one number; it returned %s columns', cardinality(sqlres.vals));
                        state := '42601';
                    ELSE
                        value := sqlres.vals[1];
                    END IF;
                END IF;
            END IF;
            IF err IS NULL AND value IS NULL THEN
                err := 'the check''s query returned NULL'; state := '22004';
            END IF;
            passed := CASE WHEN err IS NULL THEN meshcat_internal.check_passes(ops, value) ELSE false END;
            error := err;
            measured_at := clock_timestamp();
            PERFORM meshcat_internal.store_check_result(v.product_id, v.version, c.port, c.check_name, c.field, c.metric,
                                                        c.q ->> 'dimension', severity, value, threshold, passed, err, state,
                                                        'run', measured_at, false);
            RETURN NEXT;
        END LOOP;
        -- the port's objectives, from the same scan
        FOR c IN SELECT s.*, items -> ('s' || s.ordinal) AS e
                   FROM meshcat_internal.version_slos(v.descriptor) AS s WHERE s.port = p.port ORDER BY s.ordinal LOOP
            n := NULL; err := c.problem; state := CASE WHEN err IS NOT NULL THEN '22023' END;
            IF err IS NULL AND c.e ? 'problem' THEN
                err := c.e ->> 'problem'; state := '22023';
            ELSIF err IS NULL AND res.error IS NOT NULL THEN
                err := res.error; state := res.sqlstate;
            ELSIF err IS NULL THEN
                total := res.vals[1];
                n := res.vals[(c.e ->> 'column')::int];
                IF c.objective = 'completeness' THEN
                    n := CASE WHEN total > 0 THEN trim_scale(100.0 * n / total) END;
                END IF;
                IF n IS NULL THEN
                    err := format('relation %s has no rows to measure', relname); state := '22004';
                END IF;
            END IF;
            PERFORM meshcat_internal.store_check_result(v.product_id, v.version, c.port, c.name, c.field, c.objective, NULL, NULL,
                                                        n, c.target,
                                                        CASE WHEN err IS NULL THEN meshcat_internal.check_passes(c.ops, n) ELSE false END,
                                                        err, state, 'run', clock_timestamp(), true);
        END LOOP;
    END LOOP;
    PERFORM meshcat_internal.evaluate_metric_slos(v, 'run');
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_run_checks(text, @extschema@.semver) IS
    'Runs the library and sql quality checks of a version''s bound output ports (default: the highest published version) as its domain''s owner role, read-only, each timed by meshcat.check_timeout, and records every result; errors and timeouts are failed checks. Evaluates the version''s objectives too (mesh_slo_status).';

-- mesh_record_metric: a measurement taken elsewhere (a pipeline, an external system), held to
-- every check of the product's highest published version whose name is the metric (a check's
-- name, or for an unnamed check "<field>.<metric>", "<metric>", "sql": as mesh_run_checks
-- shows it), one result each; a metric no check names is recorded unjudged (port, threshold,
-- passed NULL). Domain owners only.
CREATE FUNCTION @extschema@.mesh_record_metric(id text, metric text, value numeric, measured_at timestamptz DEFAULT pg_catalog.now())
RETURNS TABLE (port text, check_name text, threshold text, passed boolean, severity text, error text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v @extschema@.product_version;
    c record;
    ops jsonb;
    matched boolean := false;
BEGIN
    IF metric IS NULL OR btrim(metric) = '' THEN
        PERFORM meshcat_internal.raise_error('22023', 'a recorded metric needs a name', NULL,
            'Name it as the check it is held to: its name, or <field>.<metric> (see mesh_check_results).');
    END IF;
    IF value IS NULL OR measured_at IS NULL THEN
        PERFORM meshcat_internal.raise_error('22004', format('metric "%s" needs a value and a time', metric), NULL, NULL);
    END IF;
    v := meshcat_internal.quality_target(id, NULL);
    PERFORM meshcat_internal.require_domain_owner((SELECT p.domain FROM @extschema@.product AS p WHERE p.id = v.product_id),
                                                  'record quality metrics');
    FOR c IN SELECT k.* FROM meshcat_internal.version_checks(v.descriptor) AS k
              WHERE k.check_name = metric ORDER BY k.ordinal LOOP
        matched := true;
        port := c.port; check_name := c.check_name;
        severity := CASE WHEN c.q ->> 'severity' IN ('error', 'warning', 'info') THEN c.q ->> 'severity' ELSE 'error' END;
        ops := meshcat_internal.check_operators(c.q, c.metric);
        threshold := meshcat_internal.check_threshold(ops);
        error := meshcat_internal.check_operator_problem(ops);
        passed := CASE WHEN error IS NULL THEN meshcat_internal.check_passes(ops, value) ELSE false END;
        PERFORM meshcat_internal.store_check_result(v.product_id, v.version, port, check_name, c.field, coalesce(c.metric, metric),
                                                    c.q ->> 'dimension', severity, value, threshold, passed, error,
                                                    CASE WHEN error IS NOT NULL THEN '22023' END, 'recorded', measured_at, false);
        RETURN NEXT;
    END LOOP;
    IF NOT matched THEN
        port := NULL; check_name := metric; threshold := NULL; passed := NULL; severity := NULL; error := NULL;
        PERFORM meshcat_internal.store_check_result(v.product_id, v.version, NULL, metric, NULL, metric,
                                                    NULL, NULL, value, NULL, NULL, NULL, NULL, 'recorded', measured_at, false);
        RETURN NEXT;
    END IF;
    PERFORM meshcat_internal.evaluate_metric_slos(v, 'recorded');
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_record_metric(text, text, numeric, timestamptz) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_record_metric(text, text, numeric, timestamptz) IS
    'Domain owners: records a metric measured elsewhere for a product''s highest published version, held to every check named like it (unjudged if none); returns the results.';

-- Deletes the check results older than meshcat.check_retention, except the latest of each
-- check: what mesh_check_results shows, and what the next result compares with to tell a new
-- failure. Administrators only. Returns how many.
CREATE FUNCTION @extschema@.mesh_prune_check_results() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keep interval;
    n bigint;
BEGIN
    PERFORM meshcat_internal.require_admin('prune quality check results');
    keep := meshcat_internal.retention('meshcat.check_retention');
    -- results being recorded now wait (and are kept); later ones find the latest kept
    LOCK TABLE meshcat_internal.check_result IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM meshcat_internal.check_result AS r
     WHERE r.measured_at < pg_catalog.now() - keep
       AND r.id NOT IN (SELECT DISTINCT ON (k.product_id, k.version, k.slo, k.check_name, k.port) k.id
                          FROM meshcat_internal.check_result AS k
                         ORDER BY k.product_id, k.version, k.slo, k.check_name, k.port, k.measured_at DESC, k.id DESC);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.mesh_prune_check_results() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.mesh_prune_check_results() IS
    'Administrators: deletes the quality check results older than meshcat.check_retention (default 90 days), keeping the latest of each check; returns how many.';
