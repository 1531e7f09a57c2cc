-- 62_validate: mesh_validate, everything mesh_register would refuse in a stream, every problem
-- of every document, without writing anything. It uses mesh_register (60_writers) and the
-- checks it calls (45_validation): the format checks run on each document alone; then the
-- registration itself is tried, as the caller, and always rolled back; after a refusal, it is
-- tried again without the documents already refused, so later documents are judged too.
-- Uses: 00_schema, 10_semver, 20_yaml, 40_helpers, 45_validation, 47_standards, 60_writers.

-- Which document of a stream an error is about: the one the message labels ("document N"),
-- else the one whose identity the message names first (triggers name the domain, policy,
-- product or version they refuse). NULL when the message names none. docs are the documents
-- of the stream that was registered, in its order.
CREATE FUNCTION meshcat_internal.refused_document(message text, docs jsonb[]) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(
    (pg_catalog.regexp_match(message, 'document (\d+)'))[1]::int,
    (SELECT n FROM (SELECT u.n, pg_catalog.strpos(message, x.needle) AS at
                      FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n),
                           LATERAL pg_catalog.unnest(CASE u.d OPERATOR(pg_catalog.->>) 'kind'
                               WHEN 'Domain' THEN ARRAY[pg_catalog.format('domain "%s"', u.d OPERATOR(pg_catalog.->>) 'name')]
                               WHEN 'Policy' THEN ARRAY[pg_catalog.format('policy "%s"', u.d OPERATOR(pg_catalog.->>) 'name')]
                               WHEN 'GlossaryTerm' THEN ARRAY[pg_catalog.format('glossary term "%s"', u.d OPERATOR(pg_catalog.->>) 'name')]
                               ELSE ARRAY[pg_catalog.format('version %s of "%s"', (u.d OPERATOR(pg_catalog.->>) 'version')::@extschema@.semver,
                                                            u.d OPERATOR(pg_catalog.->>) 'id'),
                                          pg_catalog.format('"%s"', u.d OPERATOR(pg_catalog.->>) 'id')] END) AS x(needle)) AS m
      WHERE m.at OPERATOR(pg_catalog.>) 0
      ORDER BY m.at, m.n
      LIMIT 1));
COMMENT ON FUNCTION meshcat_internal.refused_document(text, jsonb[]) IS
    'Internal: the number of the document of a stream that an error message is about, or NULL.';

-- The JSON path a refusal of a document names ("...: document N (line L), $.path: ..."), or NULL.
CREATE FUNCTION meshcat_internal.problem_path(message text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (pg_catalog.regexp_match(message, '^[^:]*: document \d+(?: \(line \d+\))?, (\$.*?): '))[1];
COMMENT ON FUNCTION meshcat_internal.problem_path(text) IS
    'Internal: the JSON path that a refusal of a document names, or NULL.';

-- A refusal as psql shows it: the message, then its DETAIL and HINT lines.
CREATE FUNCTION meshcat_internal.problem_text(message text, detail text, hint text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.concat_ws(E'\n', message, 'DETAIL:  ' OPERATOR(pg_catalog.||) NULLIF(detail, ''),
                            'HINT:  ' OPERATOR(pg_catalog.||) NULLIF(hint, ''));
COMMENT ON FUNCTION meshcat_internal.problem_text(text, text, text) IS
    'Internal: an error as psql prints it, message then DETAIL and HINT lines (empty ones left out).';

CREATE FUNCTION @extschema@.mesh_validate(descriptor text)
RETURNS TABLE (document int, line int, path text, sqlstate text, problem text)
    LANGUAGE plpgsql SECURITY DEFINER
    -- Recommended policies warn at registration; validation reports refusals only.
    SET client_min_messages = error
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    docs jsonb[];
    starts int[];       -- the line each document starts on
    labels int[];       -- the line mesh_register names (none in a stream of one document)
    total int;
    refused boolean[];
    kept int[];         -- the documents a round registers, by their number in the stream
    stream text;
    sub jsonb[];
    schema_path text;
    k int;
    state text;
    msg text;
    det text;
    hnt text;
    p_doc int[] := '{}';
    p_path text[] := '{}';
    p_state text[] := '{}';
    p_problem text[] := '{}';
    domains text[];     -- the stream's domains, for a standard's document
    contracts jsonb;    -- the stream's contracts, for an ODPS document (stream_contracts)
    originals jsonb[];
BEGIN
    IF pg_catalog.current_setting('transaction_read_only')::boolean THEN
        PERFORM meshcat_internal.raise_error('25006', 'mesh_validate cannot run in a read-only transaction',
            'It tries the registration and rolls it back, which needs a transaction that may write.',
            'Run it on the primary, outside a READ ONLY transaction.');
    END IF;

    -- One parse; a stream that is not YAML is one problem, at the line the parser names.
    BEGIN
        SELECT coalesce(pg_catalog.array_agg(d.document ORDER BY d.n), '{}'), pg_catalog.array_agg(d.line ORDER BY d.n)
          INTO docs, starts
          FROM meshcat_internal.yaml_documents_with_lines(descriptor) WITH ORDINALITY AS d(document, line, n);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        IF pg_catalog.left(state, 2) IN ('40', '53', '57', '58', 'XX') THEN
            RAISE;
        END IF;
        RETURN QUERY SELECT NULL::int, (pg_catalog.regexp_match(coalesce(det, '') OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) msg, 'line (\d+)'))[1]::int,
                            NULL::text, state,
                            meshcat_internal.problem_text(msg, det, hnt);
        RETURN;
    END;
    total := pg_catalog.cardinality(docs);
    originals := docs;
    labels := CASE WHEN total = 1 THEN '{NULL}'::int[] ELSE starts END;
    refused := pg_catalog.array_fill(false, ARRAY[total]);

    -- The format of each document, on its own: its kind, then its JSON Schema and the checks
    -- the schema cannot say, each reported (a semantic problem at another path than the
    -- schema's is a second problem of the document).
    FOR n IN 1 .. total LOOP
        schema_path := NULL;
        -- A standard's document (ODCS) is judged as mesh_register reads it: first its mapping.
        IF meshcat_internal.document_format(docs[n]) OPERATOR(pg_catalog.<>) 'meshcat' THEN
            BEGIN
                domains := coalesce(domains, ARRAY(SELECT d OPERATOR(pg_catalog.->>) 'name' FROM pg_catalog.unnest(docs) AS d
                                                    WHERE d OPERATOR(pg_catalog.->>) 'kind' = 'Domain'));
                IF meshcat_internal.document_format(docs[n]) OPERATOR(pg_catalog.=) 'odps' AND contracts IS NULL THEN
                    contracts := meshcat_internal.stream_contracts(originals, domains);
                END IF;
                docs[n] := meshcat_internal.standard_to_descriptor(docs[n], n, labels[n], domains, coalesce(contracts, '{}'));
            EXCEPTION WHEN invalid_parameter_value OR foreign_key_violation OR feature_not_supported THEN
                GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
                p_doc := p_doc || n; p_path := p_path || coalesce(meshcat_internal.problem_path(msg), '$'); p_state := p_state || state;
                p_problem := p_problem || meshcat_internal.problem_text(msg, det, hnt);
                refused[n] := true;
                CONTINUE;
            END;
        END IF;
        BEGIN
            PERFORM meshcat_internal.check_document_kind(docs[n], n, labels[n]);
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
            p_doc := p_doc || n; p_path := p_path || '$'::text; p_state := p_state || state;
            p_problem := p_problem || meshcat_internal.problem_text(msg, det, hnt);
            refused[n] := true;
            CONTINUE;
        END;
        BEGIN
            PERFORM meshcat_internal.raise_invalid_descriptor(n, x[1], x[2], line => labels[n])
               FROM (SELECT meshcat_internal.descriptor_problem(docs[n],
                            @extschema@.mesh_descriptor_schema() OPERATOR(pg_catalog.->) '$defs' OPERATOR(pg_catalog.->) (docs[n] OPERATOR(pg_catalog.->>) 'kind')) AS x) AS s
              WHERE x IS NOT NULL;
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
            schema_path := meshcat_internal.problem_path(msg);
            p_doc := p_doc || n; p_path := p_path || schema_path; p_state := p_state || state;
            p_problem := p_problem || meshcat_internal.problem_text(msg, det, hnt);
            refused[n] := true;
        END;
        BEGIN
            IF docs[n] OPERATOR(pg_catalog.->>) 'kind' = 'DataProduct' THEN
                PERFORM meshcat_internal.check_product_document(docs[n], n, labels[n]);
            ELSIF docs[n] OPERATOR(pg_catalog.->>) 'kind' = 'Policy' THEN
                PERFORM meshcat_internal.check_policy_document(docs[n], n, labels[n]);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
            IF pg_catalog.left(state, 2) IN ('40', '53', '57', '58', 'XX') THEN
                RAISE;
            END IF;
            -- After a schema problem, only a refusal of this document elsewhere counts (not
            -- what a malformed value makes a check trip over).
            IF schema_path IS NULL OR (msg ~ ('document ' OPERATOR(pg_catalog.||) n OPERATOR(pg_catalog.||) '\M')
                                       AND meshcat_internal.problem_path(msg)
                                           IS DISTINCT FROM schema_path) THEN
                p_doc := p_doc || n;
                p_path := p_path || coalesce(meshcat_internal.problem_path(msg), '$');
                p_state := p_state || state;
                p_problem := p_problem || meshcat_internal.problem_text(msg, det, hnt);
            END IF;
            refused[n] := true;
        END;
    END LOOP;

    -- The registration itself (references, ownership as the caller, contracts, required
    -- policies), always rolled back; each round leaves out the documents refused so far, so
    -- at most one round per document.
    FOR round IN 1 .. total + 1 LOOP
        kept := ARRAY(SELECT n FROM pg_catalog.generate_series(1, total) AS n WHERE NOT refused[n] ORDER BY n);
        IF total > 0 AND pg_catalog.cardinality(kept) = 0 THEN
            EXIT;
        END IF;
        sub := ARRAY(SELECT docs[n] FROM pg_catalog.unnest(kept) WITH ORDINALITY AS u(n, i) ORDER BY i);
        -- The text as given while nothing is left out, so messages are mesh_register's own.
        stream := CASE WHEN pg_catalog.cardinality(kept) = total THEN descriptor
                       ELSE (SELECT pg_catalog.string_agg(E'---\n' OPERATOR(pg_catalog.||) @extschema@.mesh_jsonb_to_yaml(d), E'\n' ORDER BY i)
                               FROM pg_catalog.unnest(sub) WITH ORDINALITY AS u(d, i)) END;
        BEGIN
            PERFORM FROM @extschema@.mesh_register(stream);
            PERFORM meshcat_internal.raise_error('MCVOK', 'mesh_validate: roll the registration back');
        EXCEPTION
            WHEN SQLSTATE 'MCVOK' THEN
                EXIT;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
                IF pg_catalog.left(state, 2) IN ('40', '53', '57', '58', 'XX') THEN
                    RAISE;
                END IF;
        END;
        k := meshcat_internal.refused_document(msg, sub);
        IF k IS NOT NULL AND k BETWEEN 1 AND pg_catalog.cardinality(kept) THEN
            k := kept[k];
            -- Named as in the whole stream, not as in the round's shorter one (a duplicate
            -- names the document it repeats too).
            msg := pg_catalog.regexp_replace(msg, 'document \d+(?: \(line \d+\))?', meshcat_internal.document_label(k, labels[k]));
            IF msg ~ ': document \d+ describes the same ' THEN
                msg := pg_catalog.regexp_replace(msg, ': document \d+ describes the same ',
                    pg_catalog.format(': document %s describes the same ', kept[(pg_catalog.regexp_match(msg, ': document (\d+) describes the same '))[1]::int]));
            END IF;
            refused[k] := true;
        ELSE
            k := NULL;
        END IF;
        p_doc := p_doc || k;
        p_path := p_path || CASE WHEN k IS NOT NULL
                                 THEN coalesce(meshcat_internal.problem_path(msg), '$') END;
        p_state := p_state || state;
        p_problem := p_problem || meshcat_internal.problem_text(msg, det, hnt);
        -- A problem of no document in particular: the next round would meet it again.
        EXIT WHEN k IS NULL;
    END LOOP;

    RETURN QUERY
    SELECT u.d, starts[u.d], u.p, u.s, u.m
      FROM ROWS FROM (pg_catalog.unnest(p_doc), pg_catalog.unnest(p_path), pg_catalog.unnest(p_state),
                     pg_catalog.unnest(p_problem)) WITH ORDINALITY AS u(d, p, s, m, i)
     ORDER BY u.d NULLS FIRST, u.i;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_validate(text) IS
    'Every problem mesh_register would refuse in a descriptor stream (format, references, ownership as the caller, contracts, required policies), one row each; writes nothing.';
