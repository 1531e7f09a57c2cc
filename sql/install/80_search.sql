-- 80_search: discovery (docs/discovery.md). The write path derives each product's search
-- postings from its current version (50_derivation: derive_search); this fragment adds the
-- trigram index over the vocabulary that finds typos, expands a query's words (exact, prefix,
-- typo), matches and ranks them (search_matches), and the API over it: mesh_search and
-- mesh_search_facets. pg_trgm is required (meshcat.control); PostgreSQL 15 has no
-- @extschema:pg_trgm@, so its schema is looked up here, at install, and every use of it is
-- qualified with that schema (DECISIONS.md section 6).
-- Uses: 00_schema, 15_types, 30_tables (search_posting, search_word, tag, owner), 40_helpers
-- (raise_error, current_version), 50_derivation (search_words).

-- The factors of an expanded word's weight, in one place: exact 1, prefix 0.5, typo 0.25.
DO $search$
DECLARE
    trgm text := (SELECT pg_catalog.quote_ident(n.nspname)
                    FROM pg_catalog.pg_extension AS e
                    JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
                   WHERE e.extname OPERATOR(pg_catalog.=) 'pg_trgm');
BEGIN
    IF trgm IS NULL THEN
        RAISE EXCEPTION 'meshcat needs the extension pg_trgm' USING ERRCODE = '0A000',
            HINT = 'Run CREATE EXTENSION meshcat CASCADE, or CREATE EXTENSION pg_trgm first.';
    END IF;
    EXECUTE pg_catalog.replace($sql$
CREATE INDEX search_word_trgm ON meshcat_internal.search_word USING gin (word @trgm@.gin_trgm_ops)
$sql$, '@trgm@', trgm);

    -- The vocabulary words a query word stands for: itself (exact, factor 1); for a word of two
    -- characters or more, the 50 commonest words it begins (prefix, 0.5); for three or more,
    -- the 10 words most like it by trigrams, similarity 0.4 or more (typo, 0.25). Negated words
    -- (fuzzy false) are exact only.
    EXECUTE pg_catalog.replace($sql$
CREATE FUNCTION meshcat_internal.search_expand(term text, fuzzy boolean)
RETURNS TABLE (word text, factor real, kind text)
    LANGUAGE plpgsql STABLE
    -- as the installer: a reader needs no rights on pg_trgm's schema (it reads the vocabulary only)
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET pg_trgm.similarity_threshold = 0.4
    SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT w.word, 1::real, 'exact' FROM meshcat_internal.search_word AS w
     WHERE w.word = term AND w.products > 0
    UNION ALL
    (SELECT w.word, 0.5::real, 'prefix' FROM meshcat_internal.search_word AS w
      WHERE fuzzy AND length(term) >= 2
        AND w.word > term AND w.word < term || chr(1114111) AND starts_with(w.word, term) AND w.products > 0
      ORDER BY w.products DESC, w.word LIMIT 50)
    UNION ALL
    (SELECT w.word, 0.25::real, 'typo' FROM meshcat_internal.search_word AS w
      WHERE fuzzy AND length(term) >= 3
        AND w.word OPERATOR(@trgm@.%) term AND NOT starts_with(w.word, term) AND w.products > 0
      ORDER BY @trgm@.similarity(w.word, term) DESC, w.products DESC, w.word LIMIT 10)
    UNION ALL
    -- a glossary term's synonym stands for the words of the term's name (exact: it is the same
    -- concept), read from the glossary when asked, so changing a term re-indexes nothing
    (SELECT DISTINCT w.word, 1::real, 'synonym'
       FROM @extschema@.glossary_term AS g
       CROSS JOIN LATERAL meshcat_internal.search_words(g.name) AS n(word)
       JOIN meshcat_internal.search_word AS w ON w.word = n.word AND w.products > 0
      WHERE fuzzy AND w.word <> term
        AND EXISTS (SELECT FROM pg_catalog.unnest(g.synonyms) AS y(s) WHERE pg_catalog.lower(y.s) = term));
END
$$
$sql$, '@trgm@', trgm);
END
$search$;
COMMENT ON FUNCTION meshcat_internal.search_expand(text, boolean) IS
    'Internal: the vocabulary words a query word stands for: exact (factor 1), prefix (0.5, 50 at most), typo (0.25, pg_trgm similarity 0.4 or more, 10 at most), and the words of the glossary terms it is a synonym of (1).';

-- A query's words: "or" between words starts another group (any group may match); a word
-- starting with "-" must not be there; quotes are ignored (a phrase's words must all be
-- there); words are tokens as in search_words, stop words dropped. One row per word.
CREATE FUNCTION meshcat_internal.search_terms(query text)
RETURNS TABLE (grp int, negated boolean, term text)
    LANGUAGE sql STABLE
-- a SQL-standard body: bound at creation and inlined into its caller's cached plan
BEGIN ATOMIC
    WITH tok AS (
        SELECT t.tok, t.n
          FROM pg_catalog.regexp_split_to_table(pg_catalog.lower(pg_catalog.translate(query, '"', ' ')), '[[:space:]]+') WITH ORDINALITY AS t(tok, n)
         WHERE t.tok OPERATOR(pg_catalog.<>) ''
    ), g AS (
        SELECT tok.tok, tok.n, pg_catalog.count(*) FILTER (WHERE tok.tok OPERATOR(pg_catalog.=) 'or') OVER (ORDER BY tok.n) AS grp
          FROM tok
    )
    SELECT DISTINCT g.grp::int, pg_catalog.starts_with(g.tok, '-'), w.w
      FROM g, LATERAL pg_catalog.regexp_split_to_table(g.tok, '[^[:alnum:]_.-]+') AS s(part),
           LATERAL (SELECT pg_catalog.btrim(s.part, '._-')) AS w(w)
     WHERE g.tok OPERATOR(pg_catalog.<>) 'or' AND w.w OPERATOR(pg_catalog.<>) ''
       AND pg_catalog.length(w.w) OPERATOR(pg_catalog.<=) 100
       AND pg_catalog.ts_lexize('pg_catalog.english_stem'::pg_catalog.regdictionary, w.w) OPERATOR(pg_catalog.<>) '{}'::text[];
END;
COMMENT ON FUNCTION meshcat_internal.search_terms(text) IS
    'Internal: the words of a search query, by "or" group, negated or not (no stop words).';

-- Every product (its current version) that a query matches, with its score, usage and where
-- it matched; the best max_results only, by score, then usage, then id (NULL: all). score:
-- the sum over the query's words of the best weight (4 id and name, 3 tags and glossary
-- terms, 2 description, 1 outputs and fields) times the factor of the word that matched it
-- (exact 1, prefix 0.5, typo 0.25); of an "or" query, the best group's. A one-word query is a
-- top-k merge: for each expanded word, the best max_results of its postings straight from the
-- index (word, weight DESC, usage DESC, product_id), filters applied inside, then the best of
-- each product: exact, since each list holds a product once. Several words: candidates from
-- the rarest word's postings, each other word looked up by (product_id, word).
CREATE FUNCTION meshcat_internal.search_matches(query text, within_domain text, with_tag text, classification text,
                                                status text, max_results int)
RETURNS TABLE (product_id text, version_id bigint, score real, usage int, matched text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
    -- short index scans: compiling them would cost more than running them
    SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cls @extschema@.classification;
    statuses @extschema@.lifecycle_status[];
    terms record;
    one text;
BEGIN
    -- (max_results: NULL for every match; mesh_search has refused one below 1)
    BEGIN
        cls := classification::@extschema@.classification;
    EXCEPTION WHEN invalid_text_representation THEN
        PERFORM meshcat_internal.raise_error('22023', format('"%s" is not a classification', classification), NULL,
            'Use one of: ' || array_to_string(enum_range(NULL::@extschema@.classification)::text[], ', ') || '.');
    END;
    BEGIN
        statuses := coalesce(string_to_array(replace(status, ' ', ''), ',')::@extschema@.lifecycle_status[],
                             '{published,deprecated}');
    EXCEPTION WHEN invalid_text_representation THEN
        PERFORM meshcat_internal.raise_error('22023', format('"%s" is not a lifecycle status', status), NULL,
            'Use one or more of: ' || array_to_string(enum_range(NULL::@extschema@.lifecycle_status)::text[], ', ') || ', separated by commas.');
    END;

    IF coalesce(btrim(query), '') = '' THEN
        -- No words: every current product that passes the filters.
        RETURN QUERY
        SELECT c.product_id, c.version_id, 0::real, coalesce(u.usage, 0), NULL::text
          FROM meshcat_internal.current_version AS c
          JOIN @extschema@.product_version AS v ON v.id = c.version_id
          JOIN @extschema@.product AS p ON p.id = c.product_id
          LEFT JOIN LATERAL (SELECT s.usage FROM meshcat_internal.search_posting AS s
                              WHERE s.product_id = c.product_id LIMIT 1) AS u ON true
         WHERE v.status = ANY (statuses)
           AND (within_domain IS NULL OR p.domain = within_domain)
           AND (cls IS NULL OR v.classification = cls)
           AND (with_tag IS NULL OR EXISTS (SELECT FROM meshcat_internal.tag AS t WHERE t.version_id = v.id AND t.tag = with_tag))
         ORDER BY 4 DESC, c.product_id COLLATE "C"
         LIMIT max_results;
        RETURN;
    END IF;

    SELECT array_agg(t.grp ORDER BY t.grp, t.term) AS grps, array_agg(t.negated ORDER BY t.grp, t.term) AS negs,
           array_agg(t.term ORDER BY t.grp, t.term) AS words,
           count(*) FILTER (WHERE NOT t.negated) AS positives, count(DISTINCT t.grp) AS groups
      INTO terms FROM meshcat_internal.search_terms(query) AS t;
    IF terms.positives = 0 THEN
        RETURN;  -- stop words (or exclusions) only: nothing
    END IF;

    IF terms.positives = 1 AND cardinality(terms.words) = 1 THEN
        one := terms.words[1];
        RETURN QUERY
        SELECT b.product_id, b.version_id, b.score, b.usage, b.matched
          FROM (SELECT DISTINCT ON (h.product_id) h.product_id, h.version_id, (h.weight * e.factor)::real AS score,
                       h.usage, h.matched
                  FROM meshcat_internal.search_expand(one, true) AS e
                  CROSS JOIN LATERAL (
                      SELECT s.product_id, s.version_id, s.weight, s.usage, s.matched
                        FROM meshcat_internal.search_posting AS s
                        JOIN @extschema@.product_version AS v ON v.id = s.version_id
                       WHERE s.word = e.word AND v.status = ANY (statuses)
                         AND (cls IS NULL OR v.classification = cls)
                         AND (within_domain IS NULL
                              OR EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = s.product_id AND p.domain = within_domain))
                         AND (with_tag IS NULL
                              OR EXISTS (SELECT FROM meshcat_internal.tag AS t WHERE t.version_id = s.version_id AND t.tag = with_tag))
                       ORDER BY s.weight DESC, s.usage DESC, s.product_id
                       LIMIT max_results) AS h
                 ORDER BY h.product_id, 3 DESC, h.matched) AS b
         ORDER BY b.score DESC, b.usage DESC, b.product_id
         LIMIT max_results;
        RETURN;
    END IF;

    RETURN QUERY
    WITH t AS (
        SELECT x.grp, x.neg, x.term, count(*) FILTER (WHERE NOT x.neg) OVER (PARTITION BY x.grp) AS needed
          FROM unnest(terms.grps, terms.negs, terms.words) AS x(grp, neg, term)
    ), e AS (
        SELECT t.grp, t.neg, t.term, t.needed, x.word, x.factor FROM t, LATERAL meshcat_internal.search_expand(t.term, NOT t.neg) AS x
    ), rarest AS (
        SELECT DISTINCT ON (r.grp) r.grp, r.term, r.needed
          FROM (SELECT e.grp, e.term, e.needed, sum(w.products) AS n
                  FROM e JOIN meshcat_internal.search_word AS w ON w.word = e.word
                 WHERE NOT e.neg GROUP BY 1, 2, 3) AS r
         ORDER BY r.grp, r.n, r.term
    ), cand AS (
        SELECT DISTINCT ON (r.grp, s.product_id) r.grp, r.term, r.needed, s.product_id, s.version_id, s.usage,
               (s.weight * e.factor)::real AS score, s.matched
          FROM rarest AS r
          JOIN e ON e.grp = r.grp AND e.term = r.term
          JOIN meshcat_internal.search_posting AS s ON s.word = e.word
          JOIN @extschema@.product_version AS v ON v.id = s.version_id
         WHERE v.status = ANY (statuses)
           AND (cls IS NULL OR v.classification = cls)
           AND (within_domain IS NULL
                OR EXISTS (SELECT FROM @extschema@.product AS p WHERE p.id = s.product_id AND p.domain = within_domain))
           AND (with_tag IS NULL
                OR EXISTS (SELECT FROM meshcat_internal.tag AS tg WHERE tg.version_id = s.version_id AND tg.tag = with_tag))
         ORDER BY r.grp, s.product_id, 7 DESC, s.matched
    ), scored AS (
        SELECT c.product_id, c.version_id, c.usage, (c.score + coalesce(o.score, 0))::real AS score,
               (SELECT string_agg(u.m, ', ' ORDER BY u.n)
                  FROM (SELECT x.m, min(x.n) AS n FROM unnest(c.matched || coalesce(o.matched, '{}')) WITH ORDINALITY AS x(m, n)
                         GROUP BY x.m) AS u) AS matched
          FROM cand AS c
          LEFT JOIN LATERAL (
              SELECT sum(b.score) AS score, count(*) AS n, array_agg(b.matched ORDER BY b.score DESC, b.matched) AS matched
                FROM (SELECT DISTINCT ON (e.term) e.term, (s.weight * e.factor)::real AS score, s.matched
                        FROM e JOIN meshcat_internal.search_posting AS s ON s.product_id = c.product_id AND s.word = e.word
                       WHERE e.grp = c.grp AND NOT e.neg AND e.term <> c.term
                       ORDER BY e.term, 2 DESC, s.matched) AS b) AS o ON true
         WHERE coalesce(o.n, 0) = c.needed - 1
           AND NOT EXISTS (SELECT FROM e JOIN meshcat_internal.search_posting AS s ON s.product_id = c.product_id AND s.word = e.word
                            WHERE e.grp = c.grp AND e.neg)
    )
    SELECT b.product_id, b.version_id, b.score, b.usage, b.matched
      FROM (SELECT DISTINCT ON (s.product_id) s.product_id, s.version_id, s.score, s.usage, s.matched
              FROM scored AS s ORDER BY s.product_id, s.score DESC, s.matched) AS b
     ORDER BY b.score DESC, b.usage DESC, b.product_id
     LIMIT max_results;
END
$$;
COMMENT ON FUNCTION meshcat_internal.search_matches(text, text, text, text, text, int) IS
    'Internal: the products a search query matches (current versions), with score, usage and where they matched; the best max_results (NULL: all).';

-- mesh_search's rows. A type, not RETURNS TABLE: PL/pgSQL refuses a parameter named like a
-- result column (status, classification), which DECISIONS.md section 1 asks for, and a SQL
-- function would be planned again at every call.
CREATE TYPE meshcat_internal.search_result AS (
    id text, name text, domain text, version @extschema@.semver, status @extschema@.lifecycle_status,
    classification @extschema@.classification, tags text[], description text, rank real, headline text,
    matched text, usage int, certification text);
COMMENT ON TYPE meshcat_internal.search_result IS 'A row of mesh_search.';

CREATE FUNCTION @extschema@.mesh_search(query text, within_domain text DEFAULT NULL, with_tag text DEFAULT NULL,
                                        max_results int DEFAULT 20, classification text DEFAULT NULL,
                                        status text DEFAULT NULL, certification text DEFAULT NULL)
RETURNS SETOF meshcat_internal.search_result
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
    SET jit = off
    -- A query of stop words only gives no headline NOTICE.
    SET client_min_messages = warning
AS $$
DECLARE
    q tsquery := CASE WHEN coalesce(btrim(query), '') <> ''
                      THEN websearch_to_tsquery('pg_catalog.english'::regconfig, query) END;
    -- certification: the lowest level wanted (silver: silver and gold)
    least int := array_position(meshcat_internal.certification_levels(), mesh_search.certification);
BEGIN
    IF mesh_search.certification IS NOT NULL AND least IS NULL THEN
        PERFORM meshcat_internal.raise_error('22023', format('"%s" is not a certification level', mesh_search.certification), NULL,
            'Use one of: ' || array_to_string(meshcat_internal.certification_levels(), ', ') || ' (the lowest level wanted).');
    END IF;
    IF max_results IS NULL OR max_results < 1 THEN
        PERFORM meshcat_internal.raise_error('22023', 'max_results must be at least 1');
    END IF;
    RETURN QUERY
    SELECT m.product_id, v.name, p.domain::text, v.version, v.status, v.classification,
           ARRAY(SELECT t.tag FROM meshcat_internal.tag AS t WHERE t.version_id = v.id ORDER BY t.tag),
           v.description, m.score,
           CASE WHEN v.description IS NOT NULL AND numnode(q) > 0
                THEN ts_headline('pg_catalog.english'::regconfig, v.description, q, 'MaxFragments=1, MaxWords=20, MinWords=5') END,
           m.matched, m.usage, c.level
      -- with a certification filter, every match is ranked and the filter applied to them in
      -- order (the top-k merge cannot know the levels)
      FROM meshcat_internal.search_matches(query, within_domain, with_tag, mesh_search.classification, mesh_search.status,
                                           CASE WHEN least IS NULL THEN max_results END)
           WITH ORDINALITY AS m(product_id, version_id, score, usage, matched, n)
      JOIN @extschema@.product_version AS v ON v.id = m.version_id
      JOIN @extschema@.product AS p ON p.id = v.product_id
      LEFT JOIN @extschema@.certification AS c ON c.product_id = v.product_id AND c.version = v.version
     WHERE least IS NULL OR array_position(meshcat_internal.certification_levels(), c.level) >= least
     ORDER BY m.n
     LIMIT max_results;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_search(text, text, text, int, text, text, text) IS
    'Finds data products (their current versions) by words, with prefixes, typos and glossary synonyms; ranked by score (weight of where each word matched times exact 1, prefix 0.5, typo 0.25), then usage, then id; "or", -not; filters by domain, tag, classification, status (default published and deprecated) and lowest certification level; matched says where, usage how many subscriptions and consumers, certification the version''s level.';

CREATE FUNCTION @extschema@.mesh_search_facets(query text, within_domain text DEFAULT NULL, with_tag text DEFAULT NULL,
                                               classification text DEFAULT NULL, status text DEFAULT NULL)
RETURNS TABLE (facet text, value text, count bigint)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
    WITH m AS (
        SELECT m.product_id, m.version_id
          FROM meshcat_internal.search_matches(query, within_domain, with_tag, classification, status, NULL) AS m
    ), f (facet, value) AS (
        SELECT 'domain', p.domain::text FROM m JOIN @extschema@.product AS p ON p.id = m.product_id
        UNION ALL
        SELECT 'classification', v.classification::text FROM m JOIN @extschema@.product_version AS v ON v.id = m.version_id
        UNION ALL
        SELECT 'status', v.status::text FROM m JOIN @extschema@.product_version AS v ON v.id = m.version_id
        UNION ALL
        SELECT 'tag', t.tag FROM m JOIN meshcat_internal.tag AS t ON t.version_id = m.version_id
        UNION ALL
        SELECT 'certification', c.level
          FROM m JOIN @extschema@.product_version AS v ON v.id = m.version_id
          JOIN @extschema@.certification AS c ON c.product_id = v.product_id AND c.version = v.version
        UNION ALL
        SELECT 'owner', x.principal
          FROM (SELECT DISTINCT m.product_id, o.principal FROM m JOIN meshcat_internal.owner AS o ON o.version_id = m.version_id) AS x
    )
    SELECT f.facet, f.value, count(*) FROM f
     GROUP BY 1, 2
     ORDER BY 1, 3 DESC, 2
$$;
COMMENT ON FUNCTION @extschema@.mesh_search_facets(text, text, text, text, text) IS
    'Counts, for the products a search matches (as mesh_search, without a limit), by domain, classification, status, tag, certification and owner: what an application shows as filters.';
