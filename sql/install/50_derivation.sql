-- 50_derivation: the one derivation. A product version's descriptor is its contract; its owners,
-- tags, input and output ports, fields, and its product and column lineage are derived from
-- it here, by derive_version_rows, and nowhere else. No role may write the derived tables:
-- they have no grants, and a trigger refuses even a superuser outside the derivation
-- (meshcat.deriving, a superuser-only setting that only the SET clauses below turn on).
-- The derivation fires on every path a version row takes, logical replication included
-- (ENABLE ALWAYS): a hub that subscribes to domains, products and versions derives the rest.
-- Lineage edges are added one at a time under the lineage lock (lineage_clock), each refused
-- when it would close a cycle (lineage_refuse_cycle). Observed lineage is derived here too,
-- from the OpenLineage events (openlineage_event): it is never checked for cycles.
-- Uses: 00_schema, 15_types, 30_tables, 40_helpers (require_admin, lineage_walk).

-- Keeps lineage_clock in step with the edges: every transaction that writes lineage_edge
-- updates the clock row first, once. The C walk's edge cache (src/lineage.c) relies on it: a
-- snapshot that sees a given version of the clock row sees exactly one set of edges. It is
-- enabled always, so it fires under session_replication_role = replica (restores) too.
CREATE FUNCTION meshcat_internal.xact_wrote(xid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'xact_wrote'
    LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION meshcat_internal.xact_wrote(xid) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.xact_wrote(xid) IS
    'Whether a row version with that xmin was written by this transaction or one of its subtransactions not rolled back.';

CREATE FUNCTION meshcat_internal.lineage_clock_tick() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE meshcat_internal.lineage_clock SET changes = changes + 1
     WHERE NOT meshcat_internal.xact_wrote(xmin);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.lineage_clock_tick() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.lineage_clock_tick() IS
    'Trigger: counts a change of product lineage on lineage_clock, once per transaction, before the edges change.';
CREATE TRIGGER lineage_clock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON meshcat_internal.lineage_edge
    FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.lineage_clock_tick();
ALTER TABLE meshcat_internal.lineage_edge ENABLE ALWAYS TRIGGER lineage_clock;

-- Cycle refusal: called before the product edges from ups to down are added.
CREATE FUNCTION meshcat_internal.lineage_refuse_cycle(ups text[], down text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    up text;
    back text[];
BEGIN
    -- Nothing flows into a source: it closes no cycle.
    ups := ARRAY(SELECT DISTINCT u FROM pg_catalog.unnest(ups) AS u WHERE u NOT LIKE 'source:%' ORDER BY 1);
    IF pg_catalog.cardinality(ups) = 0 THEN
        RETURN;
    END IF;
    -- Take the lineage lock once per transaction (the row's xmin is ours once we updated it).
    UPDATE meshcat_internal.lineage_clock SET changes = changes + 1
     WHERE NOT meshcat_internal.xact_wrote(xmin);
    FOREACH up IN ARRAY ups LOOP
        IF up = down THEN
            back := ARRAY[down];
        ELSE
            SELECT w.path INTO back FROM meshcat_internal.lineage_walk(down, true, NULL, up) AS w WHERE w.node = up;
        END IF;
        IF back IS NOT NULL THEN
            PERFORM meshcat_internal.raise_error('23514',
                pg_catalog.format('lineage cycle: "%s" cannot consume "%s"', down, up),
                format('The cycle would be %s.', array_to_string(back || down, ' -> ')),
                CASE WHEN up = down THEN 'A data product cannot be its own input.'
                     ELSE format('"%s" already derives from "%s": lineage must stay acyclic. Remove one of the inputs on the cycle.', up, down) END);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.lineage_refuse_cycle(text[], text) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.lineage_refuse_cycle(text[], text) IS
    'Raises 23514 naming the cycle when a product edge from one of ups to down would close one; serializes edge additions.';

-- Refuses (23514) product lineage that has a cycle, naming one: Kahn's algorithm, a layer of
-- the graph at a time. mesh_rebuild() (below) runs it after deriving every edge without
-- the per-edge check that registrations make.
CREATE FUNCTION meshcat_internal.lineage_require_acyclic() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    layer text[];
    left_over bigint;
    cyc text[];
    e record;
BEGIN
    -- In-degrees over distinct product edges; peel nodes without inputs, layer by layer.
    CREATE TEMP TABLE lineage_indegree ON COMMIT DROP AS
    SELECT downstream AS node, pg_catalog.count(DISTINCT upstream) AS n
      FROM meshcat_internal.lineage_edge WHERE upstream NOT LIKE 'source:%' GROUP BY downstream;
    ALTER TABLE pg_temp.lineage_indegree ADD PRIMARY KEY (node);
    layer := ARRAY(SELECT DISTINCT upstream FROM meshcat_internal.lineage_edge AS x
                    WHERE upstream NOT LIKE 'source:%'
                      AND NOT EXISTS (SELECT FROM pg_temp.lineage_indegree AS d WHERE d.node = x.upstream));
    WHILE pg_catalog.cardinality(layer) > 0 LOOP
        WITH drop_in AS (
            SELECT x.downstream AS node, pg_catalog.count(DISTINCT x.upstream) AS n
              FROM meshcat_internal.lineage_edge AS x WHERE x.upstream = ANY (layer) GROUP BY x.downstream
        ), upd AS (
            UPDATE pg_temp.lineage_indegree AS d SET n = d.n - drop_in.n FROM drop_in
             WHERE d.node = drop_in.node RETURNING d.node, d.n
        )
        SELECT ARRAY(SELECT upd.node FROM upd WHERE upd.n = 0) INTO layer;
        DELETE FROM pg_temp.lineage_indegree WHERE n = 0;
    END LOOP;
    SELECT pg_catalog.count(*) INTO left_over FROM pg_temp.lineage_indegree;
    IF left_over > 0 THEN
        -- What is left holds a cycle: find one through an edge between two left-over nodes.
        FOR e IN SELECT DISTINCT x.upstream, x.downstream FROM meshcat_internal.lineage_edge AS x
                   JOIN pg_temp.lineage_indegree AS a ON a.node = x.upstream
                   JOIN pg_temp.lineage_indegree AS b ON b.node = x.downstream
                  ORDER BY 1, 2 LOOP
            IF e.upstream = e.downstream THEN
                cyc := ARRAY[e.upstream, e.upstream];
            ELSE
                cyc := (SELECT w.path || e.downstream FROM meshcat_internal.lineage_walk(e.downstream, true, NULL, e.upstream) AS w
                         WHERE w.node = e.upstream);
            END IF;
            EXIT WHEN cyc IS NOT NULL;
        END LOOP;
        PERFORM meshcat_internal.raise_error('23514',
            'lineage cycle: the catalog''s product lineage is not acyclic',
            format('%s product(s) are on or below a cycle; one cycle is %s.', left_over, array_to_string(cyc, ' -> ')),
            'Remove or retire one of the inputs on the cycle, then rebuild again.');
    END IF;
    DROP TABLE pg_temp.lineage_indegree;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.lineage_require_acyclic() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.lineage_require_acyclic() IS
    'Internal: raises 23514 naming a cycle when the product lineage is not acyclic.';

-- Removes every row derived from a version: lineage, then parts.
CREATE FUNCTION meshcat_internal.underive_version_rows(vid bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    -- A statement on lineage_edge takes the lineage lock (lineage_clock): only one with rows runs.
    IF EXISTS (SELECT FROM meshcat_internal.lineage_edge WHERE version_id = vid) THEN
        DELETE FROM meshcat_internal.lineage_edge WHERE version_id = vid;
    END IF;
    DELETE FROM meshcat_internal.lineage_field_edge WHERE version_id = vid;
    DELETE FROM meshcat_internal.field
     WHERE port_id IN (SELECT o.id FROM meshcat_internal.output_port AS o WHERE o.version_id = vid);
    DELETE FROM meshcat_internal.output_port WHERE version_id = vid;
    DELETE FROM meshcat_internal.input_port WHERE version_id = vid;
    DELETE FROM meshcat_internal.owner WHERE version_id = vid;
    DELETE FROM meshcat_internal.tag WHERE version_id = vid;
END
$$;
COMMENT ON FUNCTION meshcat_internal.underive_version_rows(bigint) IS
    'Internal: removes the owners, tags, ports, fields and lineage edges derived from a version.';

-- Derives the rows of one version (which has none) from its descriptor, set-based: each kind
-- of row is one statement over the descriptor, and the lineage edges come from the ports and
-- fields those statements return. A version that is not retired has an edge per input and per
-- derived_from entry; each new product edge is checked for a cycle first, unless the caller
-- checks the whole graph after (mesh_rebuild). Reads nothing but its arguments: the cost of a
-- registration does not grow with the catalog.
CREATE FUNCTION meshcat_internal.derive_version_rows(vid bigint, pid text, doc jsonb, retired boolean,
                                                check_cycles boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
    -- One plan per statement, kept: a custom plan (its parameters folded in) is no better, and
    -- planning the ports and fields statement again cost a tenth of every registration.
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF doc ? 'owners' THEN
        INSERT INTO meshcat_internal.owner (version_id, kind, principal)
        SELECT DISTINCT vid, o.key, p.principal
          FROM jsonb_each(doc -> 'owners') AS o,
               LATERAL (SELECT o.value #>> '{}' WHERE jsonb_typeof(o.value) = 'string'
                        UNION ALL
                        SELECT jsonb_array_elements_text(o.value) WHERE jsonb_typeof(o.value) = 'array') AS p(principal);
    END IF;
    IF doc ? 'tags' THEN
        INSERT INTO meshcat_internal.tag (version_id, tag)
        SELECT DISTINCT vid, t FROM jsonb_array_elements_text(doc -> 'tags') AS t;
    END IF;

    IF jsonb_array_length(coalesce(doc -> 'inputs', '[]')) > 0 THEN
        IF retired THEN
            INSERT INTO meshcat_internal.input_port (version_id, position, name, product_id, version_range, source,
                                                description, descriptor)
            SELECT vid, n, e ->> 'name', e ->> 'product', e ->> 'version', e ->> 'source', e ->> 'description', e
              FROM jsonb_array_elements(doc -> 'inputs') WITH ORDINALITY AS i(e, n);
        ELSE
            IF check_cycles THEN
                PERFORM meshcat_internal.lineage_refuse_cycle(
                    ARRAY(SELECT e ->> 'product' FROM jsonb_array_elements(doc -> 'inputs') AS e WHERE e ? 'product'), pid);
            END IF;
            WITH port AS (
                INSERT INTO meshcat_internal.input_port (version_id, position, name, product_id, version_range, source,
                                                    description, descriptor)
                SELECT vid, n, e ->> 'name', e ->> 'product', e ->> 'version', e ->> 'source', e ->> 'description', e
                  FROM jsonb_array_elements(doc -> 'inputs') WITH ORDINALITY AS i(e, n)
                RETURNING id, product_id, source, version_range
            )
            INSERT INTO meshcat_internal.lineage_edge (port_id, upstream, downstream, version_id, version_range)
            SELECT port.id, coalesce(port.product_id, 'source:' || port.source), pid, vid, port.version_range FROM port;
        END IF;
    END IF;

    IF jsonb_array_length(coalesce(doc -> 'outputs', '[]')) > 0 THEN
        WITH port AS (
            INSERT INTO meshcat_internal.output_port (version_id, position, name, kind, location, description, descriptor)
            SELECT vid, n, e ->> 'name', e ->> 'type', e ->> 'location', e ->> 'description', e
              FROM jsonb_array_elements(doc -> 'outputs') WITH ORDINALITY AS o(e, n)
            RETURNING id, name, descriptor
        ), field AS (
            INSERT INTO meshcat_internal.field (port_id, position, name, type, required, is_unique, primary_key, pii,
                                           classification, description, glossary, derived_from, descriptor)
            SELECT port.id, n, f ->> 'name', f ->> 'type',
                   coalesce((f ->> 'required')::boolean, false), coalesce((f ->> 'unique')::boolean, false),
                   coalesce((f ->> 'primary_key')::boolean, false), coalesce((f ->> 'pii')::boolean, false),
                   (f ->> 'classification')::@extschema@.classification, f ->> 'description',
                   coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'glossary')), '{}'),
                   coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'derived_from')), '{}'),
                   f
              FROM port, jsonb_array_elements(coalesce(port.descriptor -> 'schema', '[]')) WITH ORDINALITY AS s(f, n)
            RETURNING id, port_id, name, derived_from
        )
        -- A field that names an upstream twice has one edge to it. Not DISTINCT: the planner,
        -- which cannot know how few rows these are, would size a hash table for thousands.
        INSERT INTO meshcat_internal.lineage_field_edge (field_id, upstream, downstream, version_id)
        SELECT field.id, u.ref, pid || '.' || port.name || '.' || field.name, vid
          FROM field JOIN port ON port.id = field.port_id, pg_catalog.unnest(field.derived_from) AS u(ref)
         WHERE NOT retired
        ON CONFLICT DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION meshcat_internal.derive_version_rows(bigint, text, jsonb, boolean, boolean) IS
    'Internal: derives the owners, tags, ports, fields and lineage edges of a version from its descriptor, refusing lineage cycles when asked.';

-- Search (docs/discovery.md). The words of a text: lower-cased tokens of letters, digits and
-- . _ -, each whole and split on those (customer.customer_360: itself, customer, customer_360,
-- 360); English stop words are left out. A SQL-standard body: bound at creation, and inlined.
CREATE FUNCTION meshcat_internal.search_words(t text) RETURNS SETOF text
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    -- two splits of the whole text (tokens with their separators, and their parts), not a
    -- split per token: a tenth of the cost
    SELECT w.w
      FROM (SELECT pg_catalog.btrim(s.tok, '._-')
              FROM pg_catalog.regexp_split_to_table(pg_catalog.lower(t), '[^[:alnum:]_.-]+') AS s(tok)
             WHERE s.tok OPERATOR(pg_catalog.~) '[[:alnum:]][._-]+[[:alnum:]]'
            UNION ALL
            SELECT p.tok FROM pg_catalog.regexp_split_to_table(pg_catalog.lower(t), '[^[:alnum:]]+') AS p(tok)) AS w(w)
     WHERE w.w OPERATOR(pg_catalog.<>) '' AND pg_catalog.length(w.w) OPERATOR(pg_catalog.<=) 100
       AND pg_catalog.ts_lexize('pg_catalog.english_stem'::pg_catalog.regdictionary, w.w) OPERATOR(pg_catalog.<>) '{}'::text[];
END;
COMMENT ON FUNCTION meshcat_internal.search_words(text) IS
    'Internal: the search words of a text (lower case; tokens whole and split on . _ -; no English stop words).';

-- A product's usage: approved access requests plus the other products whose published or
-- deprecated versions consume it. Popular products rank first among equals.
CREATE FUNCTION meshcat_internal.search_usage(pid text) RETURNS int
    -- PL/pgSQL: its plan is kept (a SQL function with subqueries is planned on every call)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT count(*) FROM meshcat_internal.access_request AS a
             WHERE a.product_id = pid AND a.status = 'approved')
         + (SELECT count(DISTINCT c.product_id) FROM meshcat_internal.input_port AS i
              JOIN @extschema@.product_version AS c ON c.id = i.version_id
             WHERE i.product_id = pid AND c.status IN ('published', 'deprecated') AND c.product_id <> pid);
END
$$;
COMMENT ON FUNCTION meshcat_internal.search_usage(text) IS
    'Internal: how many approved access requests and consuming products (published or deprecated versions) a product has.';

-- Derives a product's search postings from its current version (the current_version rule):
-- one row per word with its best weight and where it is, in one INSERT; returns the changes of
-- the vocabulary's counts (the caller applies them). changed: the versions written (NULL:
-- always derive); when the current version is already indexed and was not written, nothing
-- changes. lock: take the product's advisory lock first (flush_search). Reads the product's
-- versions and its usage only.
CREATE FUNCTION meshcat_internal.derive_search(pid text, changed bigint[], lock boolean DEFAULT false)
RETURNS TABLE (word text, change int)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
    SET plan_cache_mode = force_generic_plan
    -- The generic plan's estimate (every jsonb_array_elements 100 rows) passes jit_above_cost;
    -- compiling it would cost a hundred times what running it does.
    SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cur bigint;
    doc jsonb;
    indexed bigint;
    old_words text[];
    n int;
BEGIN
    IF lock THEN
        PERFORM pg_advisory_xact_lock(hashtext('meshcat.search'), hashtext(pid));
    END IF;
    SELECT v.id, v.descriptor INTO cur, doc FROM @extschema@.product_version AS v
     WHERE v.product_id = pid
     ORDER BY array_position('{published,deprecated,draft,retired}'::@extschema@.lifecycle_status[], v.status), v.version DESC
     LIMIT 1;
    SELECT p.version_id INTO indexed FROM meshcat_internal.search_posting AS p WHERE p.product_id = pid LIMIT 1;
    IF changed IS NOT NULL AND cur IS NOT DISTINCT FROM indexed AND cur <> ALL (changed) THEN
        RETURN;
    END IF;
    WITH d AS (DELETE FROM meshcat_internal.search_posting AS p WHERE p.product_id = pid RETURNING p.word)
    SELECT array_agg(d.word) INTO old_words FROM d;
    n := meshcat_internal.search_usage(pid);
    RETURN QUERY
    WITH src (word, weight, place, matched) AS (
        SELECT w, 4, 1, 'id' FROM meshcat_internal.search_words(pid) AS w
        UNION ALL
        SELECT w, 4, 2, 'name' FROM meshcat_internal.search_words(doc ->> 'name') AS w
        UNION ALL
        SELECT w, 3, 3, 'tag ' || t
          FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(doc -> 'tags') = 'array' THEN doc -> 'tags' END) AS t,
               meshcat_internal.search_words(t) AS w
        UNION ALL
        -- glossary terms named by the product or its fields (the glossary's synonyms: later)
        SELECT w, 3, 4, 'term ' || y.t
          FROM (SELECT doc -> 'glossary' AS g
                UNION ALL
                SELECT f -> 'glossary'
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'outputs') = 'array' THEN doc -> 'outputs' END) AS o,
                       jsonb_array_elements(CASE WHEN jsonb_typeof(o -> 'schema') = 'array' THEN o -> 'schema' END) AS f) AS x,
               LATERAL (SELECT jsonb_array_elements_text(x.g) WHERE jsonb_typeof(x.g) = 'array'
                        UNION ALL SELECT x.g #>> '{}' WHERE jsonb_typeof(x.g) = 'string') AS y(t),
               meshcat_internal.search_words(y.t) AS w
        UNION ALL
        SELECT w, 2, 5, 'description' FROM meshcat_internal.search_words(doc ->> 'description') AS w
        UNION ALL
        SELECT w, 1, CASE WHEN parts.part = 1 THEN 6 WHEN parts.part = 2 THEN 7 ELSE 8 END,
               CASE WHEN parts.part = 2 THEN 'output ' ELSE 'field ' END || parts.label
          FROM (SELECT 2 AS part, o ->> 'name' AS label, concat_ws(' ', o ->> 'name', o ->> 'description') AS txt
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'outputs') = 'array' THEN doc -> 'outputs' END) AS o
                UNION ALL
                SELECT q.part, f ->> 'name', CASE WHEN q.part = 1 THEN f ->> 'name' ELSE f ->> 'description' END
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'outputs') = 'array' THEN doc -> 'outputs' END) AS o,
                       jsonb_array_elements(CASE WHEN jsonb_typeof(o -> 'schema') = 'array' THEN o -> 'schema' END) AS f,
                       (VALUES (1), (3)) AS q(part)) AS parts,
               meshcat_internal.search_words(parts.txt) AS w
    ), new AS (
        INSERT INTO meshcat_internal.search_posting AS sp (word, weight, usage, product_id, version_id, matched)
        SELECT DISTINCT ON (src.word) src.word, src.weight, n, pid, cur, src.matched
          FROM src WHERE cur IS NOT NULL
         ORDER BY src.word, src.weight DESC, src.place, src.matched
        RETURNING sp.word
    )
    SELECT coalesce(a.word, b.word), (a.word IS NOT NULL)::int - (b.word IS NOT NULL)::int
      FROM new AS a FULL JOIN unnest(old_words) AS b(word) ON b.word = a.word
     WHERE (a.word IS NULL) <> (b.word IS NULL);
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.derive_search(text, bigint[], boolean) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.derive_search(text, bigint[], boolean) IS
    'Internal: derives a product''s search postings from its current version; returns the changes of the vocabulary''s counts.';

-- The usage of products changed (a subscription or a consumer came or went): their postings'
-- usage, one small UPDATE.
CREATE FUNCTION meshcat_internal.search_refresh_usage(pids text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    IF cardinality(pids) > 0 THEN
        UPDATE meshcat_internal.search_posting AS p SET usage = u.n
          FROM (SELECT x, meshcat_internal.search_usage(x) AS n FROM (SELECT DISTINCT x FROM unnest(pids) AS x) AS d) AS u
         WHERE p.product_id = u.x AND p.usage <> u.n;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.search_refresh_usage(text[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.search_refresh_usage(text[]) IS
    'Internal: sets the usage of these products'' search postings again.';

-- Asks for products' postings (version: the one written) or usage (NULL) to be derived again
-- when this transaction commits.
CREATE FUNCTION meshcat_internal.search_later(pids text[], version bigint) RETURNS void
    -- PL/pgSQL: its plan is kept (as SQL it was planned again on every call, a tenth of a
    -- registration)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    -- only the transaction's first pending row queues the commit-time flush: one trigger event
    -- a transaction instead of one a row (three or four a registration)
    INSERT INTO meshcat_internal.search_pending (product_id, version_id, flushes)
    SELECT q.x, version,
           q.n = 1 AND NOT EXISTS (SELECT FROM meshcat_internal.search_pending AS p WHERE p.xid = pg_current_xact_id())
      FROM (SELECT d.x, row_number() OVER () AS n
              FROM (SELECT DISTINCT x FROM unnest(pids) AS x WHERE x IS NOT NULL) AS d) AS q;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.search_later(text[], bigint) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.search_later(text[], bigint) IS
    'Internal: queues products whose search postings (or usage) this transaction derives again at commit.';

-- At commit (a deferred trigger on the transaction's first search_pending row, which does the
-- work of all; a row queued after a flush, say after SET CONSTRAINTS ALL IMMEDIATE, is a
-- first row again): each product queued, in id order, locked (an
-- advisory lock on the product, taken at commit only, so it never waits on a registration in
-- flight; one transaction at a time derives a product's postings, and under READ COMMITTED
-- the next then reads what the first committed), derived again or its usage set again; then
-- the vocabulary's counts, in one upsert in word order.
CREATE FUNCTION meshcat_internal.flush_search() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
    SET jit = off
AS $$
DECLARE
    pids text[];
    versions jsonb;
BEGIN
    WITH p AS (DELETE FROM meshcat_internal.search_pending AS p WHERE p.xid = pg_current_xact_id()
               RETURNING p.product_id, p.version_id),
         g AS (SELECT p.product_id, array_agg(p.version_id) FILTER (WHERE p.version_id IS NOT NULL) AS changed
                 FROM p GROUP BY p.product_id)
    SELECT array_agg(g.product_id ORDER BY g.product_id COLLATE "C"),
           jsonb_agg(to_jsonb(g.changed) ORDER BY g.product_id COLLATE "C")
      INTO pids, versions FROM g;
    -- A lock a product, under a shared lock on all of search; a transaction with more than
    -- 1000 products (a bulk load) takes the latter exclusively instead: the lock table has room
    -- for a few thousand locks only.
    IF coalesce(cardinality(pids), 0) > 1000 THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('meshcat.search'), 0);
    ELSIF cardinality(pids) > 0 THEN
        PERFORM pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtext('meshcat.search'), 0);
    END IF;
    -- usage only (no version written): a small UPDATE each
    FOR i IN 1 .. coalesce(cardinality(pids), 0) LOOP
        IF jsonb_typeof(versions -> (i - 1)) <> 'array' THEN
            IF cardinality(pids) <= 1000 THEN
                PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('meshcat.search'), pg_catalog.hashtext(pids[i]));
            END IF;
            PERFORM meshcat_internal.search_refresh_usage(ARRAY[pids[i]]);
        END IF;
    END LOOP;
    -- postings: each product derived again (in id order), and the vocabulary's counts from
    -- all of them in one upsert in word order
    INSERT INTO meshcat_internal.search_word AS sw (word, products)
    SELECT d.word, sum(d.change)::int
      FROM unnest(pids) WITH ORDINALITY AS q(pid, n),
           LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(versions -> (q.n::int - 1))::bigint) AS changed) AS c,
           LATERAL meshcat_internal.derive_search(q.pid, c.changed, cardinality(pids) <= 1000) AS d
     WHERE jsonb_typeof(versions -> (q.n::int - 1)) = 'array'
     GROUP BY d.word HAVING sum(d.change) <> 0 ORDER BY d.word
    ON CONFLICT (word) DO UPDATE SET products = sw.products + excluded.products;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.flush_search() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.flush_search() IS
    'Trigger (deferred to commit): derives the queued products'' search postings or usage again, then the vocabulary''s counts.';
CREATE CONSTRAINT TRIGGER flush AFTER INSERT ON meshcat_internal.search_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.flushes) EXECUTE FUNCTION meshcat_internal.flush_search();
ALTER TABLE meshcat_internal.search_pending ENABLE ALWAYS TRIGGER flush;

-- After a version row is written: a new or changed descriptor, or a move into or out of
-- retirement, derives the version's rows again.
CREATE FUNCTION meshcat_internal.derive_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old_doc jsonb;
    rows_change boolean := true;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.descriptor IS NOT DISTINCT FROM NEW.descriptor AND OLD.status = NEW.status THEN
            RETURN NULL;
        END IF;
        old_doc := OLD.descriptor;
        rows_change := OLD.descriptor IS DISTINCT FROM NEW.descriptor OR (OLD.status = 'retired') <> (NEW.status = 'retired');
        IF rows_change THEN
            PERFORM meshcat_internal.underive_version_rows(OLD.id);
        END IF;
    END IF;
    IF rows_change THEN
        PERFORM meshcat_internal.derive_version_rows(NEW.id, NEW.product_id, NEW.descriptor, NEW.status = 'retired', true);
    END IF;
    -- Any change of descriptor or status may change which version is current, and whom the
    -- products this one consumes count as consumers (their usage): both at commit.
    PERFORM meshcat_internal.search_later(ARRAY[NEW.product_id], NEW.id);
    PERFORM meshcat_internal.search_later(ARRAY(
        SELECT e ->> 'product' FROM jsonb_array_elements(coalesce(NEW.descriptor -> 'inputs', '[]')) AS e WHERE e ? 'product'
        UNION
        SELECT e ->> 'product' FROM jsonb_array_elements(coalesce(old_doc -> 'inputs', '[]')) AS e WHERE e ? 'product'), NULL);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.derive_version() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.derive_version() IS
    'Trigger: derives the parts and lineage of a written version from its descriptor.';
CREATE TRIGGER derive AFTER INSERT OR UPDATE OF descriptor, status ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.derive_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER derive;


-- Before a draft is deleted (guard_version has allowed it), its derived rows and its policy
-- evaluations go (the audit trail keeps the version). Fires after "guard", in name order.
CREATE FUNCTION meshcat_internal.underive_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM meshcat_internal.underive_version_rows(OLD.id);
    DELETE FROM meshcat_internal.evaluation_run WHERE version_id = OLD.id;
    PERFORM meshcat_internal.search_later(ARRAY[OLD.product_id], OLD.id);
    RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.underive_version() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.underive_version() IS
    'Trigger: removes the derived rows and the evaluations of a version being deleted.';
CREATE TRIGGER underive BEFORE DELETE ON @extschema@.product_version
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.underive_version();
ALTER TABLE @extschema@.product_version ENABLE ALWAYS TRIGGER underive;

-- Derived rows are written by the derivation only (src/meshcat.c: it reads meshcat.deriving as
-- the library holds it, never a placeholder).
CREATE FUNCTION meshcat_internal.refuse_derived_write() RETURNS trigger
    AS 'MODULE_PATHNAME', 'refuse_derived_write'
    LANGUAGE C;
COMMENT ON FUNCTION meshcat_internal.refuse_derived_write() IS
    'Trigger: refuses writes to a derived table outside the derivation, a superuser''s included.';
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['owner', 'tag', 'input_port', 'output_port', 'field', 'lineage_edge', 'lineage_field_edge',
                             'lineage_observed_edge', 'lineage_observed_field_edge', 'search_posting', 'search_word',
                             'search_pending'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER derived_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON meshcat_internal.%I
                                   FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.refuse_derived_write()', t);
    END LOOP;
END
$$;

-- Observed lineage (DECISIONS.md section 3): OpenLineage events are documents
-- (openlineage_event); the observed edges are derived from them here, like a version's rows
-- from its descriptor. docs/lineage.md, "Observed lineage", explains the decisions.

-- A dataset's key: its namespace and name joined by one "/" (none is added when the name
-- already starts with one: s3://bucket + /path/file is s3://bucket/path/file). An output
-- port matches the dataset when its location is exactly this key, or, for a table or view
-- port, when the dataset is that relation of this database (openlineage_local_location).
-- (Not STRICT, so that it inlines; NULL in, NULL out all the same.)
CREATE FUNCTION meshcat_internal.openlineage_dataset_key(namespace text, name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN namespace || CASE WHEN pg_catalog.left(name, 1) = '/' THEN '' ELSE '/' END || name;
COMMENT ON FUNCTION meshcat_internal.openlineage_dataset_key(text, text) IS
    'Internal: the key of an OpenLineage dataset, "<namespace>/<name>", which an output port''s location matches.';

-- The location a table or view of this database has, when the dataset key is a relation of
-- this database as OpenLineage names it: namespace postgres://<host>:<port> (or
-- postgresql://), name <database>.<schema>.<table>; else NULL. The host is not compared (a
-- database does not know every name it is reached by).
-- (Not STRICT, so that it inlines; NULL in, NULL out all the same.)
CREATE FUNCTION meshcat_internal.openlineage_local_location(dataset text) RETURNS text
    LANGUAGE sql STABLE
RETURN CASE WHEN pg_catalog.starts_with(pg_catalog.substring(dataset, '^postgres(?:ql)?://[^/]*/(.+)$'),
                                        pg_catalog.current_database() || '.')
            THEN NULLIF(pg_catalog.substr(pg_catalog.substring(dataset, '^postgres(?:ql)?://[^/]*/(.+)$'),
                                                     pg_catalog.length(pg_catalog.current_database()) + 2), '') END;
COMMENT ON FUNCTION meshcat_internal.openlineage_local_location(text) IS
    'Internal: the location ("<schema>.<table>") of a relation of this database named by an OpenLineage dataset key, else NULL.';

-- The lineage node of a dataset key and the output port it is: the product whose versions that
-- are not retired have an output port at that location, when exactly one product has; else
-- the external source "source:<key>" (no port). Two products claiming one location match
-- neither: a product cannot take another's observed lineage by naming its location.
-- (PL/pgSQL, so that its plan is kept across calls.)
CREATE FUNCTION meshcat_internal.openlineage_resolve(dataset text, OUT node text, OUT port text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    local text := meshcat_internal.openlineage_local_location(dataset);
BEGIN
    SELECT pg_catalog.min(v.product_id), pg_catalog.min(o.name) INTO node, port
      FROM meshcat_internal.output_port AS o
      JOIN @extschema@.product_version AS v ON v.id = o.version_id
     WHERE (o.location = dataset OR (o.location = local AND o.kind IN ('table', 'view')))
       AND v.status <> 'retired'
    HAVING pg_catalog.count(DISTINCT v.product_id) = 1;
    node := coalesce(node, 'source:' || dataset);
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_resolve(text) IS
    'Internal: the lineage node (a product id, or "source:<key>") and output port an OpenLineage dataset key resolves to.';

-- The node key of a field of a dataset: "<product>.<output>.<field>" or "source:<key>.<field>".
CREATE FUNCTION meshcat_internal.openlineage_field_node(dataset text, field text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record := meshcat_internal.openlineage_resolve(dataset);
BEGIN
    RETURN CASE WHEN r.port IS NULL THEN r.node || '.' || field ELSE r.node || '.' || r.port || '.' || field END;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_field_node(text, text) IS
    'Internal: the column lineage node of a field of an OpenLineage dataset.';

-- Every edge a group of events describes (the current events of one job, run or dataset; job
-- is the job's key, NULL for a DatasetEvent), as pairs of datasets (fields NULL) and pairs of
-- fields: each input to each output; the columnLineage facet of every dataset named (inputs,
-- outputs, a DatasetEvent's dataset): fields.<f>.inputFields (field and dataset edges) and
-- dataset (dataset edges); the lineage facet of every dataset named and each DATASET entry of
-- the job's lineage facet: DATASET inputs (dataset edges, and field edges under fields), a JOB
-- input that is the event's own job (no namespace and name, or the event's) standing for the
-- event's inputs; a JOB entry that is the event's own job: its DATASET inputs feed each output.
-- Other jobs are not nodes of meshcat's lineage. An edge from a dataset or field to itself says
-- nothing and is left out. PL/pgSQL, so that the plan of this one query is kept.
CREATE FUNCTION meshcat_internal.openlineage_edges(events jsonb[], job text)
RETURNS TABLE (upstream_dataset text, upstream_field text, downstream_dataset text, downstream_field text)
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ins text[];
    outs text[];
BEGIN
    ins := ARRAY(SELECT DISTINCT meshcat_internal.openlineage_dataset_key(d ->> 'namespace', d ->> 'name')
                   FROM pg_catalog.unnest(events) AS e, pg_catalog.jsonb_array_elements(coalesce(e -> 'inputs', '[]')) AS d);
    outs := ARRAY(SELECT DISTINCT meshcat_internal.openlineage_dataset_key(d ->> 'namespace', d ->> 'name')
                    FROM pg_catalog.unnest(events) AS e, pg_catalog.jsonb_array_elements(coalesce(e -> 'outputs', '[]')) AS d);
    -- Most events carry neither facet: each input feeds each output, and the query below,
    -- whose plan takes longer to set up than the edges to find, is not needed.
    IF NOT EXISTS (SELECT FROM pg_catalog.unnest(events) AS e
                    WHERE e @? '$.inputs[*].facets ? (exists(@.columnLineage) || exists(@.lineage))'
                       OR e @? '$.outputs[*].facets ? (exists(@.columnLineage) || exists(@.lineage))'
                       OR e @? '$.dataset.facets ? (exists(@.columnLineage) || exists(@.lineage))'
                       OR e @? '$.job.facets.lineage') THEN
        RETURN QUERY SELECT i, NULL::text, o, NULL::text
                       FROM pg_catalog.unnest(ins) AS i, pg_catalog.unnest(outs) AS o WHERE i <> o;
        RETURN;
    END IF;
    RETURN QUERY
    WITH named (dataset, facets) AS (
        SELECT meshcat_internal.openlineage_dataset_key(d ->> 'namespace', d ->> 'name'), d -> 'facets'
          FROM pg_catalog.unnest(events) AS e,
               pg_catalog.jsonb_array_elements(coalesce(e -> 'inputs', '[]') || coalesce(e -> 'outputs', '[]')) AS d
         WHERE pg_catalog.jsonb_typeof(d -> 'facets') = 'object'
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(e #>> '{dataset,namespace}', e #>> '{dataset,name}'), e #> '{dataset,facets}'
          FROM pg_catalog.unnest(events) AS e
         WHERE pg_catalog.jsonb_typeof(e #> '{dataset,facets}') = 'object'
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(x ->> 'namespace', x ->> 'name'), pg_catalog.jsonb_build_object('lineage', x)
          FROM pg_catalog.unnest(events) AS e,
               pg_catalog.jsonb_array_elements(coalesce(e #> '{job,facets,lineage,entries}', '[]')) AS x
         WHERE x ->> 'type' = 'DATASET'
    ), linput (target, target_field, input) AS (
        SELECT n.dataset, NULL::text, i
          FROM named AS n, pg_catalog.jsonb_array_elements(coalesce(n.facets #> '{lineage,inputs}', '[]')) AS i
        UNION ALL
        SELECT n.dataset, f.key, i
          FROM named AS n, pg_catalog.jsonb_each(coalesce(n.facets #> '{lineage,fields}', '{}')) AS f,
               pg_catalog.jsonb_array_elements(coalesce(f.value -> 'inputs', '[]')) AS i
    ), cl (target, target_field, input) AS (
        SELECT n.dataset, f.key, i
          FROM named AS n, pg_catalog.jsonb_each(coalesce(n.facets #> '{columnLineage,fields}', '{}')) AS f,
               pg_catalog.jsonb_array_elements(coalesce(f.value -> 'inputFields', '[]')) AS i
    )
    SELECT DISTINCT x.up, x.upf, x.down, x.downf FROM (
        SELECT i AS up, NULL::text AS upf, o AS down, NULL::text AS downf
          FROM pg_catalog.unnest(ins) AS i, pg_catalog.unnest(outs) AS o
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(c.input ->> 'namespace', c.input ->> 'name'), c.input ->> 'field', c.target, c.target_field
          FROM cl AS c
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(c.input ->> 'namespace', c.input ->> 'name'), NULL, c.target, NULL
          FROM cl AS c
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(i ->> 'namespace', i ->> 'name'), NULL, n.dataset, NULL
          FROM named AS n, pg_catalog.jsonb_array_elements(coalesce(n.facets #> '{columnLineage,dataset}', '[]')) AS i
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(l.input ->> 'namespace', l.input ->> 'name'),
               CASE WHEN l.target_field IS NOT NULL AND l.input ? 'field' THEN l.input ->> 'field' END, l.target,
               CASE WHEN l.input ? 'field' THEN l.target_field END
          FROM linput AS l WHERE l.input ->> 'type' = 'DATASET'
        UNION ALL
        -- a field-level source with a field also makes the dataset edge
        SELECT meshcat_internal.openlineage_dataset_key(l.input ->> 'namespace', l.input ->> 'name'), NULL, l.target, NULL
          FROM linput AS l WHERE l.input ->> 'type' = 'DATASET' AND l.target_field IS NOT NULL AND l.input ? 'field'
        UNION ALL
        SELECT i, NULL, l.target, NULL
          FROM linput AS l, pg_catalog.unnest(ins) AS i
         WHERE l.input ->> 'type' = 'JOB' AND l.target_field IS NULL
           AND (NOT l.input ? 'name' OR meshcat_internal.openlineage_dataset_key(l.input ->> 'namespace', l.input ->> 'name') = job)
        UNION ALL
        SELECT meshcat_internal.openlineage_dataset_key(i ->> 'namespace', i ->> 'name'), NULL, o, NULL
          FROM pg_catalog.unnest(events) AS e,
               pg_catalog.jsonb_array_elements(coalesce(e #> '{job,facets,lineage,entries}', '[]')) AS x,
               pg_catalog.jsonb_array_elements(coalesce(x -> 'inputs', '[]')) AS i, pg_catalog.unnest(outs) AS o
         WHERE x ->> 'type' = 'JOB' AND i ->> 'type' = 'DATASET'
           AND (NOT x ? 'name' OR meshcat_internal.openlineage_dataset_key(x ->> 'namespace', x ->> 'name') = job)
    ) AS x
     WHERE NOT (x.up = x.down AND x.upf IS NOT DISTINCT FROM x.downf);
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_edges(jsonb[], text) IS
    'Internal: every dataset and field edge a group of OpenLineage events describes.';

-- The current events of a subject, which its observed lineage is derived from, so that an
-- event arriving late never overrides a newer one: of a DatasetEvent's dataset or a JobEvent's
-- job, the newest event (by eventTime, then hash); of a job's RunEvents, every event of its
-- newest run that names an output or carries job lineage (a run's events are one
-- observation: START may bring the inputs and COMPLETE the outputs; a run that names no
-- output yet leaves the previous one current).
CREATE FUNCTION meshcat_internal.openlineage_current_events(kind text, subject text)
RETURNS SETOF meshcat_internal.openlineage_event
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run text;
BEGIN
    IF kind <> 'RunEvent' THEN
        RETURN QUERY SELECT e.* FROM meshcat_internal.openlineage_event AS e
                      WHERE e.event_kind = kind AND e.subject = openlineage_current_events.subject
                      ORDER BY e.event_time DESC, e.event_hash DESC LIMIT 1;
        RETURN;
    END IF;
    SELECT r.run_id INTO run FROM meshcat_internal.openlineage_event AS r
     WHERE r.event_kind = 'RunEvent' AND r.subject = openlineage_current_events.subject
     GROUP BY r.run_id
    HAVING pg_catalog.bool_or(pg_catalog.jsonb_array_length(coalesce(r.event -> 'outputs', '[]')) > 0
                              OR r.event #> '{job,facets,lineage}' IS NOT NULL)
     ORDER BY pg_catalog.max(r.event_time) DESC, r.run_id DESC LIMIT 1;
    RETURN QUERY SELECT e.* FROM meshcat_internal.openlineage_event AS e
                  WHERE e.event_kind = 'RunEvent' AND e.subject = openlineage_current_events.subject AND e.run_id = run;
END
$$;
COMMENT ON FUNCTION meshcat_internal.openlineage_current_events(text, text) IS
    'Internal: the events a subject''s observed lineage is derived from: the newest DatasetEvent or JobEvent, or the events of the newest run with outputs.';

-- Derives the observed edges of one subject again from its current events, resolving each
-- dataset to its node. Writes only when they changed, so a repeated or superseded event takes
-- no lineage lock (lineage_clock). Derivations of one subject take turns (a transaction-level
-- advisory lock on the subject's bucket, after the lineage lock): under READ COMMITTED the second
-- then reads the events the first committed, so a run's START and COMPLETE ingested at once
-- still make its edges (test/isolation/specs/openlineage_concurrent.spec). Subjects share 1 024
-- buckets, so a transaction that ingests a hundred thousand events holds at most 1 024 locks
-- (one a subject would fill the lock table); two subjects of one bucket merely take turns.
-- mesh_rebuild(), which holds the events still, does not take turns (take_turn false).
CREATE FUNCTION meshcat_internal.derive_observed_rows(kind text, subject text, take_turn boolean DEFAULT true) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
DECLARE
    cur meshcat_internal.openlineage_event[];
    fresh jsonb;
    stored jsonb;
    had_edges boolean;          -- the subject's stored edges, before
    had_field_edges boolean;
BEGIN
    IF take_turn THEN
        -- First the lineage lock (once a transaction), which port resolution takes too
        -- (resolve_observed_rows): a version whose ports this event's datasets name, written at
        -- the same time (another job of a parallel pg_restore, say), is then either committed
        -- and read here, or written after this commits and resolves these edges itself. Always
        -- first, and always the same lock: no two writers wait for each other in turn.
        UPDATE meshcat_internal.lineage_clock SET changes = changes + 1
         WHERE NOT meshcat_internal.xact_wrote(xmin);
        PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('meshcat.openlineage'),
                                                 pg_catalog.hashtext(kind || ' ' || subject) & 1023);
    END IF;
    cur := ARRAY(SELECT c FROM meshcat_internal.openlineage_current_events(kind, subject) AS c);
    WITH e AS (
        SELECT DISTINCT x.* FROM meshcat_internal.openlineage_edges(
                   ARRAY(SELECT c.event FROM pg_catalog.unnest(cur) AS c),
                   CASE WHEN kind <> 'DatasetEvent' THEN subject END) AS x
    )
    SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(e) ORDER BY e.upstream_dataset, e.upstream_field, e.downstream_dataset, e.downstream_field)
      INTO fresh FROM e;
    fresh := pg_catalog.jsonb_build_object('edges', coalesce(fresh, '[]'),
                                           'at', (SELECT pg_catalog.max(c.event_time) FROM pg_catalog.unnest(cur) AS c));
    had_edges := EXISTS (SELECT FROM meshcat_internal.lineage_observed_edge AS o WHERE o.event_kind = kind AND o.subject = derive_observed_rows.subject);
    had_field_edges := EXISTS (SELECT FROM meshcat_internal.lineage_observed_field_edge AS f WHERE f.event_kind = kind AND f.subject = derive_observed_rows.subject);
    -- (a subject seen for the first time has nothing stored to compare with)
    IF NOT had_edges AND NOT had_field_edges THEN
        stored := pg_catalog.jsonb_build_object('edges', '[]'::jsonb, 'at', NULL);
    ELSE
        SELECT pg_catalog.jsonb_build_object('edges', coalesce(pg_catalog.jsonb_agg(x.j ORDER BY x.j ->> 'upstream_dataset', x.j ->> 'upstream_field',
                                                                                      x.j ->> 'downstream_dataset', x.j ->> 'downstream_field'), '[]'),
                                             'at', pg_catalog.max(x.at))
          INTO stored
          FROM (SELECT pg_catalog.jsonb_build_object('upstream_dataset', o.upstream_dataset, 'upstream_field', NULL,
                                                     'downstream_dataset', o.downstream_dataset, 'downstream_field', NULL) AS j, o.observed_at AS at
                  FROM meshcat_internal.lineage_observed_edge AS o WHERE o.event_kind = kind AND o.subject = derive_observed_rows.subject
                UNION ALL
                SELECT pg_catalog.jsonb_build_object('upstream_dataset', f.upstream_dataset, 'upstream_field', f.upstream_field,
                                                     'downstream_dataset', f.downstream_dataset, 'downstream_field', f.downstream_field), f.observed_at
                  FROM meshcat_internal.lineage_observed_field_edge AS f WHERE f.event_kind = kind AND f.subject = derive_observed_rows.subject) AS x;
    END IF;
    IF stored IS NOT DISTINCT FROM fresh OR (fresh -> 'edges' = '[]' AND stored -> 'edges' = '[]') THEN
        RETURN;
    END IF;
    -- A statement on lineage_observed_edge takes the lineage lock: only those with rows run.
    IF had_edges THEN
        DELETE FROM meshcat_internal.lineage_observed_edge AS o WHERE o.event_kind = kind AND o.subject = derive_observed_rows.subject;
    END IF;
    IF had_field_edges THEN
        DELETE FROM meshcat_internal.lineage_observed_field_edge AS f WHERE f.event_kind = kind AND f.subject = derive_observed_rows.subject;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(fresh -> 'edges') AS x WHERE x ->> 'upstream_field' IS NULL) THEN
        INSERT INTO meshcat_internal.lineage_observed_edge (event_kind, subject, upstream_dataset, downstream_dataset,
                                                       upstream, downstream, observed_at, upstream_local, downstream_local)
        SELECT kind, subject, x ->> 'upstream_dataset', x ->> 'downstream_dataset',
               (meshcat_internal.openlineage_resolve(x ->> 'upstream_dataset')).node,
               (meshcat_internal.openlineage_resolve(x ->> 'downstream_dataset')).node, (fresh ->> 'at')::timestamptz,
               meshcat_internal.openlineage_local_location(x ->> 'upstream_dataset'),
               meshcat_internal.openlineage_local_location(x ->> 'downstream_dataset')
          FROM pg_catalog.jsonb_array_elements(fresh -> 'edges') AS x WHERE x ->> 'upstream_field' IS NULL;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(fresh -> 'edges') AS x WHERE x ->> 'upstream_field' IS NOT NULL) THEN
        RETURN;
    END IF;
    INSERT INTO meshcat_internal.lineage_observed_field_edge (event_kind, subject, upstream_dataset, upstream_field,
                                                         downstream_dataset, downstream_field, upstream, downstream, observed_at,
                                                         upstream_local, downstream_local)
    SELECT kind, subject, x ->> 'upstream_dataset', x ->> 'upstream_field', x ->> 'downstream_dataset', x ->> 'downstream_field',
           meshcat_internal.openlineage_field_node(x ->> 'upstream_dataset', x ->> 'upstream_field'),
           meshcat_internal.openlineage_field_node(x ->> 'downstream_dataset', x ->> 'downstream_field'), (fresh ->> 'at')::timestamptz,
           meshcat_internal.openlineage_local_location(x ->> 'upstream_dataset'),
           meshcat_internal.openlineage_local_location(x ->> 'downstream_dataset')
      FROM pg_catalog.jsonb_array_elements(fresh -> 'edges') AS x WHERE x ->> 'upstream_field' IS NOT NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.derive_observed_rows(text, text, boolean) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.derive_observed_rows(text, text, boolean) IS
    'Internal: derives the observed product and column edges of one OpenLineage subject from its current events.';

-- After an event row is written or deleted (by mesh_ingest_openlineage, a restore, a
-- subscription, a superuser), its subject's observed edges are derived again. Not after
-- mesh_prune_openlineage's deletes (it runs with meshcat.deriving on): it deletes only events
-- no lineage is derived from, so deriving again would change nothing, once per event.
CREATE FUNCTION meshcat_internal.derive_observed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND meshcat_internal.deriving_now() THEN
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM meshcat_internal.derive_observed_rows(OLD.event_kind, OLD.subject);
    ELSE
        PERFORM meshcat_internal.derive_observed_rows(NEW.event_kind, NEW.subject);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.derive_observed() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.derive_observed() IS
    'Trigger: derives the observed lineage of an OpenLineage event''s subject again.';
CREATE TRIGGER derive AFTER INSERT OR DELETE ON meshcat_internal.openlineage_event
    FOR EACH ROW EXECUTE FUNCTION meshcat_internal.derive_observed();
ALTER TABLE meshcat_internal.openlineage_event ENABLE ALWAYS TRIGGER derive;

-- Output ports decide which product a dataset is: when ports at some locations come or go
-- (a version derived, retired, withdrawn), the observed edges of datasets at those locations
-- are resolved again. Only edges that change are written (and take the lineage lock).
CREATE FUNCTION meshcat_internal.resolve_observed_rows(locations text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
BEGIN
    -- The lineage lock first, as an event's derivation takes it (derive_observed_rows): so
    -- neither misses what the other writes.
    UPDATE meshcat_internal.lineage_clock SET changes = changes + 1
     WHERE NOT meshcat_internal.xact_wrote(xmin);
    IF EXISTS (SELECT FROM meshcat_internal.lineage_observed_edge AS o
                WHERE (o.upstream_dataset = ANY (locations) OR o.upstream_local = ANY (locations)
                       OR o.downstream_dataset = ANY (locations) OR o.downstream_local = ANY (locations))
                  AND (o.upstream IS DISTINCT FROM (meshcat_internal.openlineage_resolve(o.upstream_dataset)).node
                       OR o.downstream IS DISTINCT FROM (meshcat_internal.openlineage_resolve(o.downstream_dataset)).node)) THEN
        UPDATE meshcat_internal.lineage_observed_edge AS o
           SET upstream = (meshcat_internal.openlineage_resolve(o.upstream_dataset)).node,
               downstream = (meshcat_internal.openlineage_resolve(o.downstream_dataset)).node
         WHERE o.upstream_dataset = ANY (locations) OR o.upstream_local = ANY (locations)
            OR o.downstream_dataset = ANY (locations) OR o.downstream_local = ANY (locations);
    END IF;
    UPDATE meshcat_internal.lineage_observed_field_edge AS f
       SET upstream = meshcat_internal.openlineage_field_node(f.upstream_dataset, f.upstream_field),
           downstream = meshcat_internal.openlineage_field_node(f.downstream_dataset, f.downstream_field)
     WHERE (f.upstream_dataset = ANY (locations) OR f.upstream_local = ANY (locations)
            OR f.downstream_dataset = ANY (locations) OR f.downstream_local = ANY (locations))
       AND (f.upstream IS DISTINCT FROM meshcat_internal.openlineage_field_node(f.upstream_dataset, f.upstream_field)
            OR f.downstream IS DISTINCT FROM meshcat_internal.openlineage_field_node(f.downstream_dataset, f.downstream_field));
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.resolve_observed_rows(text[]) FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.resolve_observed_rows(text[]) IS
    'Internal: resolves the observed edges of datasets at the given locations to their products again.';

CREATE FUNCTION meshcat_internal.resolve_observed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    locations text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        locations := ARRAY(SELECT DISTINCT p.location FROM new_ports AS p WHERE p.location IS NOT NULL);
    ELSE
        locations := ARRAY(SELECT DISTINCT p.location FROM old_ports AS p WHERE p.location IS NOT NULL);
    END IF;
    IF pg_catalog.cardinality(locations) > 0 THEN
        PERFORM meshcat_internal.resolve_observed_rows(locations);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meshcat_internal.resolve_observed() FROM PUBLIC;
COMMENT ON FUNCTION meshcat_internal.resolve_observed() IS
    'Trigger: resolves the observed lineage of the datasets at the locations of written or removed output ports again.';
CREATE TRIGGER resolve_observed_added AFTER INSERT ON meshcat_internal.output_port
    REFERENCING NEW TABLE AS new_ports FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.resolve_observed();
CREATE TRIGGER resolve_observed_removed AFTER DELETE ON meshcat_internal.output_port
    REFERENCING OLD TABLE AS old_ports FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.resolve_observed();
ALTER TABLE meshcat_internal.output_port ENABLE ALWAYS TRIGGER resolve_observed_added;
ALTER TABLE meshcat_internal.output_port ENABLE ALWAYS TRIGGER resolve_observed_removed;

-- The observed product edges change lineage as the declared ones do: the clock counts them.
CREATE TRIGGER lineage_clock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON meshcat_internal.lineage_observed_edge
    FOR EACH STATEMENT EXECUTE FUNCTION meshcat_internal.lineage_clock_tick();
ALTER TABLE meshcat_internal.lineage_observed_edge ENABLE ALWAYS TRIGGER lineage_clock;

-- Derives every derived row again from the descriptors, and checks that product lineage is
-- acyclic: after a load without triggers, a repair, or to prove that nothing but the
-- descriptors is needed (sql/derive.sql compares the result with what registration wrote).
CREATE FUNCTION @extschema@.mesh_rebuild() RETURNS TABLE (versions bigint, product_edges bigint, field_edges bigint,
                                                           observed_edges bigint, observed_field_edges bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET meshcat.deriving = on
AS $$
DECLARE
    v record;
    n bigint := 0;
BEGIN
    PERFORM meshcat_internal.require_admin('rebuild the derived rows');
    -- No version is written while the rows are derived again (a registration in flight would
    -- otherwise commit between the deletes and the derivation, and be derived twice).
    LOCK TABLE @extschema@.product_version, meshcat_internal.openlineage_event IN SHARE MODE;
    -- observed edges first: the output ports' triggers then find none to resolve again
    DELETE FROM meshcat_internal.lineage_observed_edge;
    DELETE FROM meshcat_internal.lineage_observed_field_edge;
    DELETE FROM meshcat_internal.lineage_edge;
    DELETE FROM meshcat_internal.lineage_field_edge;
    DELETE FROM meshcat_internal.field;
    DELETE FROM meshcat_internal.output_port;
    DELETE FROM meshcat_internal.input_port;
    DELETE FROM meshcat_internal.owner;
    DELETE FROM meshcat_internal.tag;
    FOR v IN SELECT pv.id, pv.product_id, pv.descriptor, pv.status FROM @extschema@.product_version AS pv ORDER BY pv.id LOOP
        PERFORM meshcat_internal.derive_version_rows(v.id, v.product_id, v.descriptor, v.status = 'retired', false);
        n := n + 1;
    END LOOP;
    PERFORM meshcat_internal.lineage_require_acyclic();
    -- search postings, from each product's current version and the usage just derived
    DELETE FROM meshcat_internal.search_posting;
    DELETE FROM meshcat_internal.search_word;
    DELETE FROM meshcat_internal.search_pending WHERE xid = pg_current_xact_id();
    INSERT INTO meshcat_internal.search_word (word, products)
    SELECT d.word, sum(d.change) FROM @extschema@.product AS p, LATERAL meshcat_internal.derive_search(p.id, NULL) AS d
     GROUP BY d.word;
    -- then observed lineage, from the events, against the ports just derived
    PERFORM meshcat_internal.derive_observed_rows(s.event_kind, s.subject, false)
       FROM (SELECT DISTINCT e.event_kind, e.subject FROM meshcat_internal.openlineage_event AS e ORDER BY 1, 2) AS s;
    RETURN QUERY SELECT n, (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_edge),
                        (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_field_edge),
                        (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_observed_edge),
                        (SELECT pg_catalog.count(*) FROM meshcat_internal.lineage_observed_field_edge);
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_rebuild() IS
    'Administrators: derives every owner, tag, port, field, lineage edge and search posting again from the versions'' descriptors, and the observed lineage from the OpenLineage events, refusing (23514) a catalog whose declared lineage has a cycle.';

-- The lineage part of mesh_rebuild(), by its older name: both edge tables derived again, and
-- checked for cycles.
CREATE FUNCTION @extschema@.mesh_lineage_rebuild() RETURNS TABLE (product_edges bigint, field_edges bigint)
    LANGUAGE sql
BEGIN ATOMIC
    SELECT r.product_edges, r.field_edges FROM @extschema@.mesh_rebuild() AS r;
END;
COMMENT ON FUNCTION @extschema@.mesh_lineage_rebuild() IS
    'Administrators: derives the lineage edge tables again (with every derived row: mesh_rebuild) and refuses (23514) a catalog whose product lineage has a cycle; for bulk loads and repairs.';
