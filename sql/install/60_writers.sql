-- 60_writers: one writer per kind of document, and mesh_register, which turns a descriptor
-- stream into catalog rows in one transaction. Documents may come in any order: domains are
-- written first (parents before children), then policies, then glossary terms, then every product's identity, then
-- versions in semver order, so a reference to anything in the same stream resolves. The rules
-- on what may be written (owners, contracts, policies) are the catalog's triggers (55_rules);
-- what a version's descriptor implies is derived by 50_derivation.
-- Uses: 00_schema, 10_semver, 15_types, 20_yaml, 30_tables, 40_helpers, 45_validation, 47_standards (and,
-- through the rows it writes, 50_derivation and 55_rules).

-- Writes one domain; its parent is already in the catalog. Returns the action taken.
CREATE FUNCTION meshcat_internal.write_domain(doc jsonb, docno int, line int DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    old @extschema@.domain;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = doc ->> 'owner') THEN
        PERFORM meshcat_internal.raise_unknown_reference(docno, '$.owner', format('role "%s"', doc ->> 'owner'),
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
COMMENT ON FUNCTION meshcat_internal.write_domain(jsonb, int, int) IS
    'Creates or updates one domain from its descriptor; returns created, updated or unchanged.';

-- Whether a version's document as registered says the same as a new one, once the descriptors
-- are equal: a meshcat document is its descriptor (formatting and comments are no information);
-- a standard's document holds what the descriptor has no place for, so its content is compared;
-- and a contract or ODPS product that says no more than the descriptor (what mesh_export makes
-- of it, lifecycle aside) says the same as the meshcat document it came from.
CREATE FUNCTION meshcat_internal.same_document(old_document text, old_format text, new_document text, new_format text,
                                          descriptor jsonb, status @extschema@.lifecycle_status)
RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN (old_format OPERATOR(pg_catalog.=) new_format
        AND (new_format OPERATOR(pg_catalog.=) 'meshcat' OR old_document OPERATOR(pg_catalog.=) new_document
             OR @extschema@.mesh_yaml_to_jsonb(old_document) OPERATOR(pg_catalog.=) @extschema@.mesh_yaml_to_jsonb(new_document)))
    OR (old_format OPERATOR(pg_catalog.=) 'meshcat' AND new_format OPERATOR(pg_catalog.=) 'odcs'
        AND (meshcat_internal.descriptor_to_odcs(descriptor, status) OPERATOR(pg_catalog.-) 'status')
            OPERATOR(pg_catalog.=) (@extschema@.mesh_yaml_to_jsonb(new_document) OPERATOR(pg_catalog.-) 'status'))
    OR (old_format OPERATOR(pg_catalog.=) 'meshcat' AND new_format OPERATOR(pg_catalog.=) 'odps'
        AND (meshcat_internal.descriptor_to_odps(descriptor, status) OPERATOR(pg_catalog.-) 'status')
            OPERATOR(pg_catalog.=) (@extschema@.mesh_yaml_to_jsonb(new_document) OPERATOR(pg_catalog.-) 'status'));
COMMENT ON FUNCTION meshcat_internal.same_document(text, text, text, text, jsonb, @extschema@.lifecycle_status) IS
    'Internal: whether a new document of a version (text and format) says the same as the one it has, given equal descriptors: a meshcat document always does, a standard''s when its content is equal or it is the descriptor''s export.';

-- Writes one product version: a plain INSERT of a new one, or an UPDATE of one it read, and
-- nothing else: the triggers judge the row (55_rules), and its owners,
-- tags, ports, fields and lineage are derived from its descriptor (50_derivation). The product row
-- exists and is locked. original is the document as registered, in its format (kept beside the
-- descriptor: a change of it alone is a metadata fix, "updated"). Returns the action.
CREATE FUNCTION meshcat_internal.write_product_version(doc jsonb, docno int, line int DEFAULT NULL,
                                                  original text DEFAULT NULL, original_format text DEFAULT 'meshcat') RETURNS text
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
                sla, quality, descriptor, document, document_format)
        VALUES (pid, ver, new_status, doc ->> 'name', doc ->> 'description',
                coalesce(doc ->> 'classification', 'internal')::@extschema@.classification,
                (doc ->> 'retention')::interval, doc ->> 'documentation',
                coalesce(doc -> 'sla', '{}'), coalesce(doc -> 'quality', '{}'), doc, original, original_format);
        RETURN 'created';
    END IF;
    IF old.descriptor = doc AND meshcat_internal.same_document(old.document, old.document_format, original, original_format, old.descriptor, old.status) THEN
        RETURN 'unchanged';
    END IF;
    IF old.status = 'draft' THEN
        -- A draft is rewritten whole (and published, when the document says so).
        UPDATE @extschema@.product_version AS v
           SET status = new_status, name = doc ->> 'name', description = doc ->> 'description',
               classification = coalesce(doc ->> 'classification', 'internal')::@extschema@.classification,
               retention = (doc ->> 'retention')::interval, documentation = doc ->> 'documentation',
               sla = coalesce(doc -> 'sla', '{}'), quality = coalesce(doc -> 'quality', '{}'), descriptor = doc,
               document = original, document_format = original_format
         WHERE v.id = old.id;
        RETURN 'updated';
    END IF;
    -- A published version: its contract is immutable, its metadata is not.
    changed := meshcat_internal.descriptor_contract_changes(old.descriptor, doc);
    IF cardinality(changed) > 0 THEN
        PERFORM meshcat_internal.raise_error('23514',
            format('version %s of "%s" is %s and cannot change (%s)', old.version, pid, old.status,
                   meshcat_internal.document_label(docno, line)),
            format('A published version is a contract: only its metadata may change. Changed contract keys: %s.',
                   array_to_string(changed, ', ')),
            'Register the change as a new version.');
    END IF;
    IF (old.descriptor - 'status') = (doc - 'status')
       AND meshcat_internal.same_document(old.document, old.document_format, original, original_format, old.descriptor, old.status) THEN
        RETURN 'unchanged';
    END IF;
    UPDATE @extschema@.product_version AS v
       SET name = doc ->> 'name', description = doc ->> 'description', documentation = doc ->> 'documentation',
           descriptor = doc, document = original, document_format = original_format
     WHERE v.id = old.id;
    RETURN 'updated';
END
$$;
COMMENT ON FUNCTION meshcat_internal.write_product_version(jsonb, int, int, text, text) IS
    'Creates a product version, or updates a draft or the metadata of a published version (its document as registered with it); returns created, updated or unchanged.';

-- Writes one policy from its document. Returns the action.
CREATE FUNCTION meshcat_internal.write_policy(doc jsonb, docno int, line int DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old @extschema@.policy;
BEGIN
    IF doc ? 'domain' AND NOT EXISTS (SELECT FROM @extschema@.domain AS d WHERE d.name = doc ->> 'domain') THEN
        PERFORM meshcat_internal.raise_unknown_reference(docno, '$.domain', format('domain "%s"', doc ->> 'domain'),
            'Register the domain first, or in the same stream.', line => line);
    END IF;
    SELECT * INTO old FROM @extschema@.policy AS p WHERE p.name = doc ->> 'name' FOR UPDATE;
    IF FOUND AND old.descriptor = doc THEN
        RETURN 'unchanged';
    ELSIF FOUND THEN
        UPDATE @extschema@.policy AS p
           SET description = doc ->> 'description', domain = doc ->> 'domain',
               enforcement = (doc ->> 'enforcement')::@extschema@.enforcement, rule = doc ->> 'rule',
               check_function = doc ->> 'function', message = doc ->> 'message', descriptor = doc
         WHERE p.name = old.name;
        RETURN 'updated';
    END IF;
    INSERT INTO @extschema@.policy (name, description, domain, enforcement, rule, check_function, message, descriptor)
    VALUES (doc ->> 'name', doc ->> 'description', doc ->> 'domain',
            (doc ->> 'enforcement')::@extschema@.enforcement, doc ->> 'rule', doc ->> 'function',
            doc ->> 'message', doc);
    RETURN 'created';
END
$$;
COMMENT ON FUNCTION meshcat_internal.write_policy(jsonb, int, int) IS
    'Creates or updates one policy from its descriptor; returns created, updated or unchanged.';

-- Writes one glossary term from its document; its domain exists. Its related terms are
-- checked once the stream's terms are all written (mesh_register). Returns the action.
CREATE FUNCTION meshcat_internal.write_glossary_term(doc jsonb, docno int, line int DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old @extschema@.glossary_term;
    new_synonyms text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(doc -> 'synonyms', '[]')));
    new_related text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(doc -> 'related', '[]')));
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.domain AS d WHERE d.name = doc ->> 'domain') THEN
        PERFORM meshcat_internal.raise_unknown_reference(docno, '$.domain', format('domain "%s"', doc ->> 'domain'),
            'Register the domain first, or in the same stream.', line => line);
    END IF;
    IF doc ->> 'name' = ANY (new_related) THEN
        PERFORM meshcat_internal.raise_invalid_descriptor(docno,
            format('$.related[%s]', array_position(new_related, doc ->> 'name') - 1),
            format('term "%s" names itself as related', doc ->> 'name'),
            'List the other terms it relates to.', line => line);
    END IF;
    SELECT * INTO old FROM @extschema@.glossary_term AS t WHERE t.name = doc ->> 'name' FOR UPDATE;
    IF FOUND AND old.descriptor = doc THEN
        RETURN 'unchanged';
    ELSIF FOUND THEN
        UPDATE @extschema@.glossary_term AS t
           SET domain = doc ->> 'domain', definition = doc ->> 'definition', synonyms = new_synonyms,
               related = new_related, status = coalesce(doc ->> 'status', 'draft'), descriptor = doc
         WHERE t.name = old.name;
        RETURN 'updated';
    END IF;
    INSERT INTO @extschema@.glossary_term (name, domain, definition, synonyms, related, status, descriptor)
    VALUES (doc ->> 'name', doc ->> 'domain', doc ->> 'definition', new_synonyms, new_related,
            coalesce(doc ->> 'status', 'draft'), doc);
    RETURN 'created';
END
$$;
COMMENT ON FUNCTION meshcat_internal.write_glossary_term(jsonb, int, int) IS
    'Creates or updates one glossary term from its descriptor; returns created, updated or unchanged.';

-- Each document of a stream of several as registered: the lines from where it starts (the first
-- from the stream's start, with any comment before it) to where the next one starts, so that
-- the texts put together are the stream, byte for byte. starts: the line each document starts on,
-- in order. C (src/yaml_parse.c): one pass over the stream's bytes.
CREATE FUNCTION meshcat_internal.stream_document_texts(stream text, starts int[]) RETURNS text[]
    AS 'MODULE_PATHNAME', 'stream_document_texts'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION meshcat_internal.stream_document_texts(text, int[]) IS
    'Internal: the text of each document of a YAML stream, given the line each starts on; put together, they are the stream.';

-- The order in which a stream's product documents are written: each product after the
-- products of the stream it consumes (a depth-first walk of their inputs, in id order), and a
-- product's versions in SemVer order. So when a version's edges are added, no product of the
-- stream consumes it yet, and the cycle check walks next to nothing; written in id order, a
-- long stream's checks walked ever larger lineage. A cycle within the stream is not ordered
-- (its products keep their place) and is refused by the cycle check, as before. products: the
-- DataProduct documents' numbers, sorted by id and version.
CREATE FUNCTION meshcat_internal.stream_write_order(docs jsonb[], products int[]) RETURNS int[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pids text[];      -- the id of each of products (same positions)
    inputs jsonb;     -- the inputs of each of products (same positions)
    ids text[];       -- the stream's product ids, in id order
    at jsonb;         -- each id's position in ids
    ups jsonb;        -- for each position in ids, the positions of the stream's products it consumes
    state int[];      -- 0 not seen, 1 being walked, 2 placed
    walked int[];     -- for each position on the stack, how many of its inputs were walked
    stack int[];
    top int;
    placed int[] := '{}';
    node int;
    up int;
BEGIN
    IF pg_catalog.cardinality(products) < 2 THEN
        RETURN products;
    END IF;
    -- One pass over the stream (a subscript of a long array of documents walks it).
    SELECT array_agg(u.d ->> 'id' ORDER BY x.k), jsonb_agg(coalesce(u.d -> 'inputs', '[]') ORDER BY x.k)
      INTO pids, inputs
      FROM pg_catalog.unnest(products) WITH ORDINALITY AS x(docno, k)
      JOIN pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n) ON u.n = x.docno;
    ids := ARRAY(SELECT DISTINCT id FROM pg_catalog.unnest(pids) AS id ORDER BY 1);
    at := (SELECT jsonb_object_agg(id, k) FROM pg_catalog.unnest(ids) WITH ORDINALITY AS u(id, k));
    ups := (SELECT jsonb_agg(coalesce(g.ups, '[]') ORDER BY u.k)
              FROM pg_catalog.unnest(ids) WITH ORDINALITY AS u(id, k)
              LEFT JOIN (SELECT p.id, jsonb_agg(DISTINCT (at ->> (e ->> 'product'))::int) AS ups
                           FROM pg_catalog.unnest(pids) WITH ORDINALITY AS p(id, k),
                                jsonb_array_elements(inputs -> (p.k::int - 1)) AS e
                          WHERE at ? (e ->> 'product')
                          GROUP BY p.id) AS g ON g.id = u.id);
    state := array_fill(0, ARRAY[pg_catalog.cardinality(ids)]);
    walked := array_fill(0, ARRAY[pg_catalog.cardinality(ids)]);
    stack := array_fill(0, ARRAY[pg_catalog.cardinality(ids)]);
    FOR start IN 1 .. pg_catalog.cardinality(ids) LOOP
        CONTINUE WHEN state[start] <> 0;
        top := 1;
        stack[1] := start;
        state[start] := 1;
        WHILE top > 0 LOOP
            node := stack[top];
            IF walked[node] < jsonb_array_length(ups -> (node - 1)) THEN
                up := (ups -> (node - 1) ->> walked[node])::int;
                walked[node] := walked[node] + 1;
                IF state[up] = 0 THEN          -- (1: a cycle, left to the cycle check)
                    state[up] := 1;
                    top := top + 1;
                    stack[top] := up;
                END IF;
            ELSE
                top := top - 1;
                state[node] := 2;
                placed := placed || node;
            END IF;
        END LOOP;
    END LOOP;
    -- each product's versions, in the order they came (by version)
    RETURN ARRAY(SELECT products[p.k] FROM pg_catalog.unnest(pids) WITH ORDINALITY AS p(id, k)
                   JOIN pg_catalog.unnest(placed) WITH ORDINALITY AS o(node, rank) ON o.node = (at ->> p.id)::int
                  ORDER BY o.rank, p.k);
END
$$;
COMMENT ON FUNCTION meshcat_internal.stream_write_order(jsonb[], int[]) IS
    'Internal: a stream''s product documents in the order mesh_register writes them: consumed products first, each product''s versions in order.';

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
    products int[]; -- the DataProduct documents, by id and version
    policies int[]; -- the Policy documents, by name
    terms int[];    -- the GlossaryTerm documents, by name
    texts text[];   -- each document as registered: the lines of the stream that hold it
    formats text[]; -- and its format (meshcat, odcs, odps, dpds, dcs)
    kinds text[];   -- a standard's kind (DataContract, DataProduct), for the result
BEGIN
    -- One parse gives the documents and the lines they start on, which errors name.
    SELECT coalesce(array_agg(d.document ORDER BY d.n), '{}'), array_agg(d.line ORDER BY d.n)
      INTO docs, lines
      FROM meshcat_internal.yaml_documents_with_lines(descriptor) WITH ORDINALITY AS d(document, line, n);
    IF pg_catalog.cardinality(docs) = 0 THEN
        PERFORM meshcat_internal.raise_error('22023', 'invalid descriptor: the stream holds no document', NULL,
            'Pass YAML or JSON with at least one document, each with a "kind".');
    END IF;
    -- In a stream of one document, the document is the whole text: its line says nothing.
    IF pg_catalog.cardinality(docs) = 1 THEN
        lines := '{NULL}';
        texts := ARRAY[descriptor];
    ELSE
        texts := meshcat_internal.stream_document_texts(descriptor, lines);
    END IF;
    -- A standard's document (ODCS, ODPS, DPDS, Data Contract Specification) is read as the
    -- meshcat descriptor it maps to (47_standards).
    SELECT s.docs, s.formats, s.kinds INTO docs, formats, kinds FROM meshcat_internal.standard_documents(docs, lines, texts) AS s;
    actions := array_fill(NULL::text, ARRAY[pg_catalog.cardinality(docs)]);

    -- Every document is checked before anything is written.
    FOR docno IN 1 .. pg_catalog.cardinality(docs) LOOP
        doc := docs[docno];
        PERFORM meshcat_internal.check_document_kind(doc, docno, lines[docno]);
        IF doc ->> 'kind' = 'DataProduct' THEN
            -- remembered, so the guard does not check the version it writes again
            PERFORM meshcat_internal.check_product_once(doc, docno, lines[docno], remember => true,
                                                      from_text => texts[docno]);
        ELSE
            problem := meshcat_internal.descriptor_problem(doc, mesh_descriptor_schema() -> '$defs' -> (doc ->> 'kind'));
            IF problem IS NOT NULL THEN
                PERFORM meshcat_internal.raise_invalid_descriptor(docno, problem[1], problem[2], line => lines[docno]);
            END IF;
            IF doc ->> 'kind' = 'Policy' THEN
                PERFORM meshcat_internal.check_policy_document(doc, docno, lines[docno]);
            END IF;
        END IF;
    END LOOP;

    -- What each document describes, as a key: a document with the key of an earlier one repeats
    -- it (a version's build metadata does not make it another version). One statement over the
    -- checked stream (every version parses by now), the first repetition in stream order.
    SELECT r.n, r.first INTO docno, other
      FROM (SELECT u.n, min(u.n) OVER (PARTITION BY (u.d ->> 'kind') || ':' ||
                       CASE WHEN u.d ->> 'kind' IN ('Domain', 'Policy', 'GlossaryTerm') THEN u.d ->> 'name'
                            ELSE (u.d ->> 'id') || '@' || split_part(((u.d ->> 'version')::@extschema@.semver)::text, '+', 1) END) AS first
              FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)) AS r
     WHERE r.first < r.n
     ORDER BY r.n LIMIT 1;
    IF FOUND THEN
        doc := docs[docno];
        PERFORM meshcat_internal.raise_invalid_descriptor(docno, '$',
            format('document %s describes the same %s', other,
                   CASE doc ->> 'kind' WHEN 'Domain' THEN 'domain' WHEN 'Policy' THEN 'policy'
                                       WHEN 'GlossaryTerm' THEN 'glossary term' ELSE 'product version' END),
            'Each domain, policy, glossary term, and version of a product appears once in a stream.', line => lines[docno]);
    END IF;

    -- The documents of each kind, in the order they are written: one pass over the stream.
    SELECT coalesce(array_agg(n ORDER BY n) FILTER (WHERE d ->> 'kind' = 'Domain'), '{}'),
           coalesce(array_agg(n ORDER BY d ->> 'name') FILTER (WHERE d ->> 'kind' = 'Policy'), '{}'),
           coalesce(array_agg(n ORDER BY d ->> 'name') FILTER (WHERE d ->> 'kind' = 'GlossaryTerm'), '{}'),
           coalesce(array_agg(n ORDER BY d ->> 'id', (d ->> 'version')::@extschema@.semver)
                        FILTER (WHERE d ->> 'kind' = 'DataProduct'), '{}')
      INTO pending, policies, terms, products
      FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n);

    -- Domains, parents first: each round writes those whose parent exists by now.
    WHILE pg_catalog.cardinality(pending) > 0 LOOP
        progress := false;
        FOREACH docno IN ARRAY pending LOOP
            doc := docs[docno];
            IF doc ->> 'parent' IS NULL
               OR EXISTS (SELECT FROM @extschema@.domain d WHERE d.name = doc ->> 'parent') THEN
                actions[docno] := meshcat_internal.write_domain(doc, docno, lines[docno]);
                pending := array_remove(pending, docno);
                progress := true;
            END IF;
        END LOOP;
        IF NOT progress THEN
            docno := pending[1];
            doc := docs[docno];
            IF EXISTS (SELECT FROM pg_catalog.unnest(pending) AS p WHERE docs[p] ->> 'name' = doc ->> 'parent') THEN
                PERFORM meshcat_internal.raise_error('23514',
                    format('domain hierarchy cycle: %s, $.parent: "%s" is its own ancestor',
                           meshcat_internal.document_label(docno, lines[docno]), doc ->> 'name'),
                    format('The domains %s name each other as parents.',
                           (SELECT string_agg(format('"%s"', docs[p] ->> 'name'), ', ') FROM pg_catalog.unnest(pending) AS p)),
                    'Domains form a tree: give one of them no parent.');
            END IF;
            PERFORM meshcat_internal.raise_unknown_reference(docno, '$.parent', format('domain "%s"', doc ->> 'parent'),
                'Register the parent domain first, or in the same stream.', line => lines[docno]);
        END IF;
    END LOOP;

    -- Policies, before the products they judge.
    FOREACH docno IN ARRAY policies LOOP
        actions[docno] := meshcat_internal.write_policy(docs[docno], docno, lines[docno]);
    END LOOP;

    -- Glossary terms, before the products that name them; then their related terms, which
    -- may be any term of the stream.
    FOREACH docno IN ARRAY terms LOOP
        actions[docno] := meshcat_internal.write_glossary_term(docs[docno], docno, lines[docno]);
    END LOOP;
    FOREACH docno IN ARRAY ARRAY(SELECT t FROM pg_catalog.unnest(terms) AS t ORDER BY t) LOOP
        PERFORM meshcat_internal.check_glossary_references(docs[docno], docno, lines[docno]);
    END LOOP;

    -- Product identities, so inputs between products of this stream resolve.
    FOREACH docno IN ARRAY products LOOP
        doc := docs[docno];
        IF NOT EXISTS (SELECT FROM @extschema@.domain d WHERE d.name = split_part(doc ->> 'id', '.', 1)) THEN
            PERFORM meshcat_internal.raise_unknown_reference(docno, CASE WHEN doc ? 'domain' THEN '$.domain' ELSE '$.id' END,
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

    -- References, in the order of the stream.
    FOREACH docno IN ARRAY ARRAY(SELECT p FROM pg_catalog.unnest(products) AS p ORDER BY p) LOOP
        doc := docs[docno];
        other := (SELECT i.n - 1 FROM jsonb_array_elements(doc -> 'inputs') WITH ORDINALITY AS i(e, n)
                   WHERE e ? 'product'
                     AND NOT EXISTS (SELECT FROM @extschema@.product p WHERE p.id = e ->> 'product')
                   ORDER BY i.n LIMIT 1);
        IF other IS NOT NULL THEN
            PERFORM meshcat_internal.raise_unknown_reference(docno, format('$.inputs[%s].product', other),
                format('data product "%s"', doc -> 'inputs' -> other ->> 'product'),
                'Register the product it consumes first, or in the same stream; an external dataset is a "source".', line => lines[docno]);
        END IF;
        PERFORM meshcat_internal.check_glossary_references(doc, docno, lines[docno], warn => true);
        IF doc @? '$.outputs[*].schema[*].derived_from[*]' OR doc @? '$.outputs[*].relationships[*]'
           OR doc @? '$.outputs[*].schema[*].relationships[*]' THEN
            IF stream IS NULL THEN
                stream := (SELECT jsonb_object_agg(s.id, s.versions)
                             FROM (SELECT d ->> 'id' AS id, jsonb_agg(d) AS versions FROM pg_catalog.unnest(docs) AS d
                                    WHERE d ->> 'kind' = 'DataProduct' GROUP BY d ->> 'id') AS s);
            END IF;
            -- A released version was judged when it was released, and its contract (its
            -- references with it) cannot change since: only new versions and drafts are judged,
            -- as what the document says they will be (check_version_references does the same).
            IF NOT EXISTS (SELECT FROM @extschema@.product_version AS v
                            WHERE v.product_id = doc ->> 'id' AND v.version = (doc ->> 'version')::@extschema@.semver
                              AND v.status <> 'draft') THEN
                PERFORM meshcat_internal.check_derived_from(doc, docno, lines[docno], stream,
                    coalesce(doc ->> 'status', 'draft')::@extschema@.lifecycle_status);
            END IF;
        END IF;
    END LOOP;

    -- Consumed products first: no cycle check walks the lineage the stream is still writing.
    FOREACH docno IN ARRAY meshcat_internal.stream_write_order(docs, products) LOOP
        actions[docno] := meshcat_internal.write_product_version(docs[docno], docno, lines[docno], texts[docno], formats[docno]);
    END LOOP;

    RETURN QUERY
    SELECT coalesce(kinds[n::int], d ->> 'kind'),
           coalesce(d ->> 'id', d ->> 'name'),
           (d ->> 'version')::@extschema@.semver,
           actions[n::int]
      FROM pg_catalog.unnest(docs) WITH ORDINALITY AS u(d, n)
     ORDER BY n;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_register(text) IS
    'Registers a YAML or JSON descriptor stream (domains, policies, glossary terms, data products) atomically; one row per document.';
