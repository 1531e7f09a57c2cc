-- 50_register: mesh_register, which turns a descriptor stream into catalog rows in one
-- transaction. Documents may come in any order: domains are written first (parents before
-- children), then policies, then every product's identity, then versions in semver order, so a
-- reference to anything in the same stream resolves. The rules on what may be written (owners,
-- contracts, policies) are the catalog's triggers (55_lifecycle, 65_governance).

-- Names a document of a stream: its number, and the line it starts on when known (a stream of
-- several documents; in a stream of one, the document is the whole text).
CREATE FUNCTION @extschema@.document_label(docno int, line int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'document ' OPERATOR(pg_catalog.||) docno
       OPERATOR(pg_catalog.||) coalesce(' (line ' OPERATOR(pg_catalog.||) line OPERATOR(pg_catalog.||) ')', '');
COMMENT ON FUNCTION @extschema@.document_label(int, int) IS
    'Internal: "document N (line L)", or "document N" when the line is NULL.';

-- Raises the error for a document that breaks the descriptor format (22023).
CREATE FUNCTION @extschema@.raise_invalid_descriptor(docno int, path text, problem text,
                                                     hint text DEFAULT NULL, line int DEFAULT NULL) RETURNS void
    -- STABLE, like raise_contract: it only raises, so whoever meets the refusal may run it.
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN @extschema@.raise_error('22023',
    format('invalid descriptor: %s, %s: %s', @extschema@.document_label(docno, line), path, problem), NULL,
    coalesce(hint, 'The format is described in docs/descriptor.md and by mesh_descriptor_schema().'));
COMMENT ON FUNCTION @extschema@.raise_invalid_descriptor(int, text, text, text, int) IS
    'Raises 22023 naming the document number (and line) and the JSON path of the problem.';

-- Raises the error for a reference to something that does not exist (23503).
CREATE FUNCTION @extschema@.raise_unknown_reference(docno int, path text, what text, hint text,
                                                    line int DEFAULT NULL) RETURNS void
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN @extschema@.raise_error('23503',
    format('unknown reference: %s, %s: %s does not exist', @extschema@.document_label(docno, line), path, what),
    NULL, hint);
COMMENT ON FUNCTION @extschema@.raise_unknown_reference(int, text, text, text, int) IS
    'Raises 23503 naming the document number (and line), the JSON path and what is missing.';

-- The checks a JSON Schema cannot say: values that must parse, names that must agree,
-- duplicates. References to other objects are checked by the writers below.
CREATE FUNCTION @extschema@.check_product_document(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    item jsonb;
    i int := 0;
    msg text;
    dup record;
BEGIN
    -- An exception block is a subtransaction: the common cases are told apart without one.
    IF NOT (doc ->> 'version') ~ '^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$' THEN
        BEGIN
            PERFORM (doc ->> 'version')::@extschema@.semver;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            PERFORM @extschema@.raise_invalid_descriptor(docno, '$.version', msg,
                                                         'Versions follow SemVer 2.0.0, for example 1.4.0 or 2.0.0-rc.1.', line => line);
        END;
    END IF;
    IF doc ? 'domain' AND doc ->> 'domain' <> split_part(doc ->> 'id', '.', 1) THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, '$.domain',
            format('domain "%s" does not match the id "%s"', doc ->> 'domain', doc ->> 'id'),
            'A product id is <domain>.<name>; domain may be left out.', line => line);
    END IF;
    IF doc ? 'retention' AND NOT (doc ->> 'retention') ~ '^[0-9]{1,6} (days?|weeks?|months?|years?)$' THEN
        BEGIN
            IF (doc ->> 'retention')::interval < interval '0' THEN
                PERFORM @extschema@.raise_invalid_descriptor(docno, '$.retention', 'must not be negative', line => line);
            END IF;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            PERFORM @extschema@.raise_invalid_descriptor(docno, '$.retention',
                format('"%s" is not an interval', doc ->> 'retention'),
                'Write a PostgreSQL interval such as "730 days", "7 years" or "P7Y".', line => line);
        END;
    END IF;

    FOR item IN SELECT jsonb_array_elements(doc -> 'inputs') LOOP
        IF (item ? 'product') = (item ? 'source') THEN
            PERFORM @extschema@.raise_invalid_descriptor(docno, format('$.inputs[%s]', i),
                'an input names exactly one of "product" or "source"', line => line);
        END IF;
        IF item ? 'version' AND NOT item ? 'product' THEN
            PERFORM @extschema@.raise_invalid_descriptor(docno, format('$.inputs[%s].version', i),
                'a version range applies to a product input only', line => line);
        END IF;
        IF item ? 'product' AND NOT (item ->> 'product') ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}\.[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN
            PERFORM @extschema@.raise_invalid_descriptor(docno, format('$.inputs[%s].product', i),
                format('"%s" is not a product id', item ->> 'product'), 'A product id is <domain>.<name>.', line => line);
        END IF;
        IF item ->> 'product' = doc ->> 'id' THEN
            PERFORM @extschema@.raise_error('23514',
                format('lineage cycle: %s, $.inputs[%s].product: "%s" consumes itself',
                       @extschema@.document_label(docno, line), i, doc ->> 'id'),
                format('The cycle is %s -> %s.', doc ->> 'id', doc ->> 'id'),
                'A data product cannot be its own input.');
        END IF;
        IF item ? 'version' AND NOT @extschema@.semver_range_valid(item ->> 'version') THEN
            BEGIN
                PERFORM @extschema@.semver_satisfies('0.0.0', item ->> 'version');
            EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range OR program_limit_exceeded THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                PERFORM @extschema@.raise_invalid_descriptor(docno, format('$.inputs[%s].version', i), msg,
                    'Write an npm-style range such as ^1.2, ~1.2.3, >=1.0 <2.0 or 1.x.', line => line);
            END;
        END IF;
        i := i + 1;
    END LOOP;

    -- The first output, or field of an output, whose name an earlier one has: one query.
    SELECT CASE WHEN d.field IS NULL THEN format('$.outputs[%s].name', d.o - 1)
                ELSE format('$.outputs[%s].schema[%s].name', d.o - 1, d.f - 1) END AS path,
           CASE WHEN d.field IS NULL THEN format('output "%s" is declared twice', d.name)
                ELSE format('field "%s" is declared twice', d.name) END AS problem
      INTO dup
      FROM (SELECT o.n AS o, NULL::bigint AS f, NULL::text AS field, o.e ->> 'name' AS name,
                   pg_catalog.row_number() OVER (PARTITION BY o.e ->> 'name' ORDER BY o.n) AS k
              FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(e, n)
            UNION ALL
            SELECT o.n, f.n, f.e ->> 'name', f.e ->> 'name',
                   pg_catalog.row_number() OVER (PARTITION BY o.n, f.e ->> 'name' ORDER BY f.n)
              FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(e, n),
                   jsonb_array_elements(coalesce(o.e -> 'schema', '[]')) WITH ORDINALITY AS f(e, n)) AS d
     WHERE d.k > 1
     ORDER BY d.o, d.f NULLS FIRST
     LIMIT 1;
    IF FOUND THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, dup.path, dup.problem, line => line);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.check_product_document(jsonb, int, int) IS
    'Checks what the JSON Schema cannot: semver, interval, input shape, duplicate names.';

-- A document is a mapping with a kind meshcat knows: what every other check presumes.
CREATE FUNCTION @extschema@.check_document_kind(doc jsonb, docno int, line int DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object' THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, '$',
            format('expected a mapping, got %s', coalesce(jsonb_typeof(doc), 'nothing')), line => line);
    END IF;
    IF NOT doc ? 'kind' THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, '$', 'missing required key "kind"', line => line);
    END IF;
    IF doc ->> 'kind' NOT IN ('Domain', 'DataProduct', 'Policy') OR jsonb_typeof(doc -> 'kind') <> 'string' THEN
        PERFORM @extschema@.raise_invalid_descriptor(docno, '$.kind',
            format('unknown kind %s', doc -> 'kind'), 'The kinds are Domain, DataProduct and Policy.', line => line);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.check_document_kind(jsonb, int, int) IS
    'Raises 22023 unless a document is a mapping whose kind is Domain, DataProduct or Policy.';

-- Column lineage is a reference like an input: every derived_from of a product document names
-- <domain>.<product>.<output>.<field> of a product among its inputs, and that output and field
-- exist in the newest version of it that an input's range accepts, in the catalog or in this
-- stream (stream: the stream's DataProduct documents, as {id: [document, ...]}). Runs once the
-- stream's product identities and inputs are known to exist.
CREATE FUNCTION @extschema@.check_derived_from(doc jsonb, docno int, line int, stream jsonb) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    r record;
    ranges text[];
    tver @extschema@.semver;
    target jsonb;
    port jsonb;
    near text;
BEGIN
    FOR r IN
        SELECT format('$.outputs[%s].schema[%s].derived_from[%s]', o.n - 1, f.n - 1, d.n - 1) AS path,
               split_part(d.ref, '.', 1) || '.' || split_part(d.ref, '.', 2) AS product,
               split_part(d.ref, '.', 3) AS output, split_part(d.ref, '.', 4) AS field
          FROM jsonb_array_elements(coalesce(doc -> 'outputs', '[]')) WITH ORDINALITY AS o(port, n),
               jsonb_array_elements(coalesce(o.port -> 'schema', '[]')) WITH ORDINALITY AS f(field, n),
               jsonb_array_elements_text(coalesce(f.field -> 'derived_from', '[]')) WITH ORDINALITY AS d(ref, n)
         ORDER BY o.n, f.n, d.n
    LOOP
        ranges := ARRAY(SELECT coalesce(e ->> 'version', '*') FROM jsonb_array_elements(coalesce(doc -> 'inputs', '[]')) AS e
                         WHERE e ->> 'product' = r.product);
        IF pg_catalog.cardinality(ranges) = 0 THEN
            PERFORM @extschema@.raise_unknown_reference(docno, r.path, format('input product "%s"', r.product),
                CASE WHEN r.product = doc ->> 'id'
                     THEN 'A field derives from fields of the products its version consumes; a product does not consume itself.'
                     ELSE format('A field derives from fields of the products its version consumes: add {product: %s} to inputs, or correct the reference.', r.product) END,
                line => line);
        END IF;
        -- For each input of that product, the newest version its range accepts (a version of
        -- this stream replaces the catalog's); one of them must have the output and the field.
        SELECT c.version, c.descriptor, c.port INTO tver, target, port
          FROM pg_catalog.unnest(ranges) WITH ORDINALITY AS x(range, n),
               LATERAL (SELECT a.version, a.descriptor,
                               (SELECT e FROM jsonb_array_elements(coalesce(a.descriptor -> 'outputs', '[]')) AS e
                                 WHERE e ->> 'name' = r.output LIMIT 1) AS port
                          FROM (SELECT (s ->> 'version')::@extschema@.semver AS version, s AS descriptor
                                  FROM jsonb_array_elements(coalesce(stream -> r.product, '[]')) AS s
                                UNION ALL
                                SELECT v.version, v.descriptor FROM @extschema@.product_version AS v
                                 WHERE v.product_id = r.product
                                   AND NOT coalesce(stream -> r.product, '[]') @> jsonb_build_array(jsonb_build_object('version', v.version::text))) AS a
                         WHERE x.range = '*' OR @extschema@.semver_satisfies(a.version, x.range)
                         ORDER BY a.version DESC LIMIT 1) AS c
         ORDER BY EXISTS (SELECT FROM jsonb_array_elements(coalesce(c.port -> 'schema', '[]')) AS e WHERE e ->> 'name' = r.field) DESC,
                  c.port IS NOT NULL DESC, x.n
         LIMIT 1;
        IF NOT FOUND THEN
            PERFORM @extschema@.raise_unknown_reference(docno, r.path,
                format('a version of "%s" that its input accepts (%s)', r.product, array_to_string(ranges, ' or ')),
                format('The field must exist in the newest version of "%s" that the input''s range accepts: register one, or widen the range.', r.product),
                line => line);
        END IF;
        IF port IS NULL THEN
            near := @extschema@.closest_key(r.output, ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(target -> 'outputs', '[]')) AS e));
            PERFORM @extschema@.raise_unknown_reference(docno, r.path,
                format('output "%s" in version %s of "%s"', r.output, tver, r.product),
                format('Version %s is the newest version of "%s" that the input accepts; %s', tver, r.product,
                       CASE WHEN near IS NOT NULL THEN format('did you mean "%s"?', near) ELSE 'name one of its outputs.' END),
                line => line);
        END IF;
        IF NOT EXISTS (SELECT FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e WHERE e ->> 'name' = r.field) THEN
            near := @extschema@.closest_key(r.field, ARRAY(SELECT e ->> 'name' FROM jsonb_array_elements(coalesce(port -> 'schema', '[]')) AS e));
            PERFORM @extschema@.raise_unknown_reference(docno, r.path,
                format('field "%s" of output "%s" in version %s of "%s"', r.field, r.output, tver, r.product),
                format('Version %s is the newest version of "%s" that the input accepts; %s', tver, r.product,
                       CASE WHEN near IS NOT NULL THEN format('did you mean "%s"?', near) ELSE 'name one of the fields of its output.' END),
                line => line);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.check_derived_from(jsonb, int, int, jsonb) IS
    'Raises 23503 unless every derived_from of a product document names an existing field of a product among its inputs (the newest version its range accepts, in the catalog or the stream).';

-- Writes one domain; its parent is already in the catalog. Returns the action taken.
CREATE FUNCTION @extschema@.write_domain(doc jsonb, docno int, line int DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    old @extschema@.domain;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = doc ->> 'owner') THEN
        PERFORM @extschema@.raise_unknown_reference(docno, '$.owner', format('role "%s"', doc ->> 'owner'),
            'Create the role first (CREATE ROLE ... NOLOGIN); its members will own the domain.', line => line);
    END IF;
    -- NO KEY UPDATE: other sessions may still add products that reference the domain.
    SELECT * INTO old FROM @extschema@.domain WHERE name = doc ->> 'name' FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        -- Only a new domain is inserted (the ownership trigger judges an INSERT as a creation).
        -- Two sessions creating it at once: the second waits for the first, then finds it.
        INSERT INTO @extschema@.domain (name, description, owner_role, parent, descriptor)
        VALUES (doc ->> 'name', doc ->> 'description', doc ->> 'owner', doc ->> 'parent', doc)
        ON CONFLICT (name) DO NOTHING;
        IF FOUND THEN
            RETURN 'created';
        END IF;
        SELECT * INTO old FROM @extschema@.domain WHERE name = doc ->> 'name' FOR NO KEY UPDATE;
    END IF;
    IF old.descriptor = doc THEN
        RETURN 'unchanged';
    END IF;
    UPDATE @extschema@.domain
       SET description = doc ->> 'description', owner_role = doc ->> 'owner', parent = doc ->> 'parent',
           descriptor = doc, updated_at = now(), updated_by = @extschema@.mesh_acting_role()
     WHERE name = doc ->> 'name';
    RETURN 'updated';
END
$$;
COMMENT ON FUNCTION @extschema@.write_domain(jsonb, int, int) IS
    'Creates or updates one domain from its descriptor; returns created, updated or unchanged.';

-- Writes one product version: a plain INSERT of a new one, or an UPDATE of one it read, and
-- nothing else: the triggers judge the row (55_lifecycle, 65_governance), and its owners,
-- tags, ports, fields and lineage are derived from its descriptor (75_derive). The product row
-- exists and is locked. Returns the action.
CREATE FUNCTION @extschema@.write_product_version(doc jsonb, docno int, line int DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    pid text := doc ->> 'id';
    ver @extschema@.semver := (doc ->> 'version')::@extschema@.semver;
    new_status @extschema@.lifecycle_status := coalesce(doc ->> 'status', 'draft');
    old @extschema@.product_version;
    changed text[];
BEGIN
    SELECT * INTO old FROM @extschema@.product_version v
     WHERE v.product_id = pid AND v.version = ver;
    IF NOT FOUND THEN
        INSERT INTO @extschema@.product_version
               (product_id, version, status, name, description, classification, retention, documentation,
                sla, quality, descriptor)
        VALUES (pid, ver, new_status, doc ->> 'name', doc ->> 'description',
                coalesce(doc ->> 'classification', 'internal')::@extschema@.classification,
                (doc ->> 'retention')::interval, doc ->> 'documentation',
                coalesce(doc -> 'sla', '{}'), coalesce(doc -> 'quality', '{}'), doc);
        RETURN 'created';
    END IF;
    IF old.descriptor = doc THEN
        RETURN 'unchanged';
    END IF;
    IF old.status = 'draft' THEN
        -- A draft is rewritten whole (and published, when the document says so).
        UPDATE @extschema@.product_version AS v
           SET status = new_status, name = doc ->> 'name', description = doc ->> 'description',
               classification = coalesce(doc ->> 'classification', 'internal')::@extschema@.classification,
               retention = (doc ->> 'retention')::interval, documentation = doc ->> 'documentation',
               sla = coalesce(doc -> 'sla', '{}'), quality = coalesce(doc -> 'quality', '{}'), descriptor = doc
         WHERE v.id = old.id;
        RETURN 'updated';
    END IF;
    -- A published version: its contract is immutable, its metadata is not.
    changed := @extschema@.descriptor_contract_changes(old.descriptor, doc);
    IF cardinality(changed) > 0 THEN
        PERFORM @extschema@.raise_error('23514',
            format('version %s of "%s" is %s and cannot change (%s)', old.version, pid, old.status,
                   @extschema@.document_label(docno, line)),
            format('A published version is a contract: only its metadata may change. Changed contract keys: %s.',
                   array_to_string(changed, ', ')),
            'Register the change as a new version.');
    END IF;
    IF (old.descriptor - 'status') = (doc - 'status') THEN
        RETURN 'unchanged';
    END IF;
    UPDATE @extschema@.product_version AS v
       SET name = doc ->> 'name', description = doc ->> 'description', documentation = doc ->> 'documentation',
           descriptor = doc
     WHERE v.id = old.id;
    RETURN 'updated';
END
$$;
COMMENT ON FUNCTION @extschema@.write_product_version(jsonb, int, int) IS
    'Creates a product version, or updates a draft or the metadata of a published version; returns created, updated or unchanged.';

CREATE FUNCTION @extschema@.mesh_register(descriptor text)
RETURNS TABLE (kind text, id text, version @extschema@.semver, action text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    docs jsonb[];
    lines int[];
    doc jsonb;
    docno int;
    problem text[];
    actions text[];
    pending int[];
    progress boolean;
    other int;
    stream jsonb;   -- the stream's products by id, for derived_from (built when first needed)
BEGIN
    -- One parse gives the documents and the lines they start on, which errors name.
    SELECT coalesce(array_agg(d.document ORDER BY d.n), '{}'), array_agg(d.line ORDER BY d.n)
      INTO docs, lines
      FROM @extschema@.yaml_documents_with_lines(descriptor) WITH ORDINALITY AS d(document, line, n);
    IF pg_catalog.cardinality(docs) = 0 THEN
        PERFORM @extschema@.raise_error('22023', 'invalid descriptor: the stream holds no document', NULL,
            'Pass YAML or JSON with at least one document, each with a "kind".');
    END IF;
    -- In a stream of one document, the document is the whole text: its line says nothing.
    IF pg_catalog.cardinality(docs) = 1 THEN
        lines := '{NULL}';
    END IF;
    actions := array_fill(NULL::text, ARRAY[pg_catalog.cardinality(docs)]);

    -- Every document is checked before anything is written.
    FOR docno IN 1 .. pg_catalog.cardinality(docs) LOOP
        doc := docs[docno];
        PERFORM @extschema@.check_document_kind(doc, docno, lines[docno]);
        problem := @extschema@.descriptor_problem(doc, mesh_descriptor_schema() -> '$defs' -> (doc ->> 'kind'));
        IF problem IS NOT NULL THEN
            PERFORM @extschema@.raise_invalid_descriptor(docno, problem[1], problem[2], line => lines[docno]);
        END IF;
        IF doc ->> 'kind' = 'DataProduct' THEN
            PERFORM @extschema@.check_product_document(doc, docno, lines[docno]);
        ELSIF doc ->> 'kind' = 'Policy' THEN
            PERFORM @extschema@.check_policy_document(doc, docno, lines[docno]);
        END IF;
        SELECT n INTO other FROM pg_catalog.unnest(docs[1:docno - 1]) WITH ORDINALITY AS u(d, n)
         WHERE d ->> 'kind' = doc ->> 'kind'
           AND CASE WHEN doc ->> 'kind' IN ('Domain', 'Policy') THEN d ->> 'name' = doc ->> 'name'
                    ELSE d ->> 'id' = doc ->> 'id'
                         AND (d ->> 'version')::@extschema@.semver = (doc ->> 'version')::@extschema@.semver END
         LIMIT 1;
        IF FOUND THEN
            PERFORM @extschema@.raise_invalid_descriptor(docno, '$',
                format('document %s describes the same %s', other,
                       CASE doc ->> 'kind' WHEN 'Domain' THEN 'domain' WHEN 'Policy' THEN 'policy' ELSE 'product version' END),
                'Each domain, policy, and version of a product appears once in a stream.', line => lines[docno]);
        END IF;
    END LOOP;

    -- Domains, parents first: each round writes those whose parent exists by now.
    pending := ARRAY(SELECT n FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n) WHERE d ->> 'kind' = 'Domain');
    WHILE pg_catalog.cardinality(pending) > 0 LOOP
        progress := false;
        FOREACH docno IN ARRAY pending LOOP
            doc := docs[docno];
            IF doc ->> 'parent' IS NULL
               OR EXISTS (SELECT FROM @extschema@.domain d WHERE d.name = doc ->> 'parent') THEN
                actions[docno] := @extschema@.write_domain(doc, docno, lines[docno]);
                pending := array_remove(pending, docno);
                progress := true;
            END IF;
        END LOOP;
        IF NOT progress THEN
            docno := pending[1];
            doc := docs[docno];
            IF EXISTS (SELECT FROM pg_catalog.unnest(pending) AS p WHERE docs[p] ->> 'name' = doc ->> 'parent') THEN
                PERFORM @extschema@.raise_error('23514',
                    format('domain hierarchy cycle: %s, $.parent: "%s" is its own ancestor',
                           @extschema@.document_label(docno, lines[docno]), doc ->> 'name'),
                    format('The domains %s name each other as parents.',
                           (SELECT string_agg(format('"%s"', docs[p] ->> 'name'), ', ') FROM pg_catalog.unnest(pending) AS p)),
                    'Domains form a tree: give one of them no parent.');
            END IF;
            PERFORM @extschema@.raise_unknown_reference(docno, '$.parent', format('domain "%s"', doc ->> 'parent'),
                'Register the parent domain first, or in the same stream.', line => lines[docno]);
        END IF;
    END LOOP;

    -- Policies, before the products they judge.
    FOR docno IN SELECT n FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)
                  WHERE d ->> 'kind' = 'Policy' ORDER BY d ->> 'name' LOOP
        actions[docno] := @extschema@.write_policy(docs[docno], docno, lines[docno]);
    END LOOP;

    -- Product identities, so inputs between products of this stream resolve.
    FOR docno IN SELECT n FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)
                  WHERE d ->> 'kind' = 'DataProduct' ORDER BY d ->> 'id' LOOP
        doc := docs[docno];
        IF NOT EXISTS (SELECT FROM @extschema@.domain d WHERE d.name = split_part(doc ->> 'id', '.', 1)) THEN
            PERFORM @extschema@.raise_unknown_reference(docno, CASE WHEN doc ? 'domain' THEN '$.domain' ELSE '$.id' END,
                format('domain "%s"', split_part(doc ->> 'id', '.', 1)),
                'Register the domain first, or in the same stream.', line => lines[docno]);
        END IF;
        INSERT INTO @extschema@.product AS p (id, domain)
        VALUES (doc ->> 'id', split_part(doc ->> 'id', '.', 1))
        ON CONFLICT (id) DO NOTHING;
        -- Registrations of one product take turns; other products go on in parallel, and
        -- may reference this one (NO KEY UPDATE does not block their foreign key checks).
        PERFORM FROM @extschema@.product p WHERE p.id = doc ->> 'id' FOR NO KEY UPDATE;
    END LOOP;

    FOR docno IN SELECT n FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)
                  WHERE d ->> 'kind' = 'DataProduct' LOOP
        doc := docs[docno];
        other := (SELECT i.n - 1 FROM jsonb_array_elements(doc -> 'inputs') WITH ORDINALITY AS i(e, n)
                   WHERE e ? 'product'
                     AND NOT EXISTS (SELECT FROM @extschema@.product p WHERE p.id = e ->> 'product')
                   ORDER BY i.n LIMIT 1);
        IF other IS NOT NULL THEN
            PERFORM @extschema@.raise_unknown_reference(docno, format('$.inputs[%s].product', other),
                format('data product "%s"', doc -> 'inputs' -> other ->> 'product'),
                'Register the product it consumes first, or in the same stream; an external dataset is a "source".', line => lines[docno]);
        END IF;
        IF doc @? '$.outputs[*].schema[*].derived_from[*]' THEN
            IF stream IS NULL THEN
                stream := (SELECT jsonb_object_agg(s.id, s.versions)
                             FROM (SELECT d ->> 'id' AS id, jsonb_agg(d) AS versions FROM pg_catalog.unnest(docs) AS d
                                    WHERE d ->> 'kind' = 'DataProduct' GROUP BY d ->> 'id') AS s);
            END IF;
            PERFORM @extschema@.check_derived_from(doc, docno, lines[docno], stream);
        END IF;
    END LOOP;

    FOR docno IN SELECT n FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)
                  WHERE d ->> 'kind' = 'DataProduct'
                  ORDER BY d ->> 'id', (d ->> 'version')::@extschema@.semver LOOP
        actions[docno] := @extschema@.write_product_version(docs[docno], docno, lines[docno]);
    END LOOP;

    RETURN QUERY
    SELECT d ->> 'kind',
           coalesce(d ->> 'id', d ->> 'name'),
           (d ->> 'version')::@extschema@.semver,
           actions[n::int]
      FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)
     ORDER BY n;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_register(text) IS
    'Registers a YAML or JSON descriptor stream (domains, policies, data products) atomically; one row per document.';
