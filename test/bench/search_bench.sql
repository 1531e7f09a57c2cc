-- Search benchmark (docs/performance.md, "Search"). Run by search_bench.sh (psql -v n=...).
-- Builds a synthetic mesh of :n published products (names like customer_360 and orders_daily
-- from word lists, descriptions from a vocabulary, 2-3 tags, 5-15 fields, some consumers and
-- approved access requests), bulk-loaded the way a hub's replica receives versions: plain
-- INSERTs with session_replication_role = replica, so that only the derivation (enabled
-- always) runs, postings included. Then, in the same run:
--   1. mesh_search top 20 against an ILIKE '%term%' scan of the same rows' descriptors (the
--      current versions, ordered by id, top 20), ten queries of each kind: a word every
--      product contains, a word one product contains, a prefix, a typo; p50, p95, ratios;
--   2. what search indexing adds to one registration: :r more products registered with
--      mesh_register, then the search derivation alone (derive_search) for the same products.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS meshcat CASCADE;
SET search_path = meshcat, public;
\ir cpu_time.sql
\if :{?r}
\else
\set r 500
\endif

DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_owner') THEN CREATE ROLE bench_owner; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_consumer') THEN CREATE ROLE bench_consumer; END IF;
END $$;

CREATE TEMP TABLE w AS SELECT
    '{customer,sales,marketing,finance,logistics,inventory,catalog,support,people,billing,risk,fraud,supply,web,mobile,payments,shipping,pricing,loyalty,analytics}'::text[] AS domains,
    '{customer,order,invoice,payment,shipment,campaign,session,segment,profile,account,refund,return,item,price,stock,warehouse,supplier,ticket,churn,revenue,click,visit,device,address,contract,claim,lead,opportunity,subscription,plan,coupon,basket,cart,review,rating,employee,payroll,ledger,budget,forecast}'::text[] AS subjects,
    '{360,daily,weekly,monthly,events,snapshot,history,summary,facts,dim,current,raw,clean,enriched,agg}'::text[] AS suffixes,
    '{accurate,aggregated,anonymized,audited,balanced,batch,business,calculated,canonical,channel,cohort,combined,complete,compliance,conformed,consolidated,corrected,country,curated_by,customer,deduplicated,delivery,derived,detailed,dimension,dashboard,domain,enriched,entity,estimated,european,event,export,external,feed,filtered,financial,fiscal,flagged,granular,grouped,harmonized,hourly,identity,incremental,internal,inventory,joined,journey,kpi,latest,lifecycle,lineage,mapped,marketing,master,matched,measured,merged,metric,normalized,operational,orders,partner,periodic,pipeline,platform_wide,predicted,quarterly,realtime,reconciled,regional,reporting,retail,revenue,scored,seasonal,segmented,settled,snapshot,source,stable,standardized,store,streamed,summarized,support,survey,tagged,tracked,trusted,unified,validated,vendor,verified,warehouse,web,weekly,yearly}'::text[] AS vocab,
    '{pii,gdpr,kpi,finance,marketing,ops,gold,raw,curated,realtime,batch,reporting,ml,experimental,core,external,partner,regulated,public,internal,daily,hourly,legacy,certified,sensitive,shared,team,domain,sandbox,archive}'::text[] AS tags,
    '{id,customer_id,order_id,invoice_id,payment_id,email,phone,first_name,last_name,amount,currency,created_at,updated_at,status,country,city,postal_code,channel,campaign_id,session_id,device_type,sku,quantity,unit_price,discount,tax,total,score,segment,region,warehouse_id,supplier_id,ticket_id,priority,rating,comment,employee_id,salary,department,ledger_account,budget_line,forecast_value,event_time,event_type,source_system,batch_id,is_active,valid_from,valid_to,version,notes,revenue,margin,cost,clicks,visits,duration_seconds,referrer,browser,ip_address}'::text[] AS fields;

-- The words in every product's description (the "every product" queries), and a sentence.
CREATE TEMP TABLE common AS SELECT
    '{curated,dataset,maintained,platform,governed,quality,catalog,records,refreshed,steward}'::text[] AS words;

INSERT INTO meshcat.domain (name, description, owner_role, descriptor)
SELECT d, 'Synthetic domain ' || d, 'bench_owner',
       jsonb_build_object('apiVersion', 'meshcat/v1', 'kind', 'Domain', 'name', d, 'owner', 'bench_owner')
  FROM w, unnest(w.domains) AS d;

-- One descriptor per product, deterministic in n.
CREATE TEMP TABLE gen AS
SELECT n, dom, slug, dom || '.' || slug AS id,
       jsonb_strip_nulls(jsonb_build_object(
           'apiVersion', 'meshcat/v1', 'kind', 'DataProduct', 'id', dom || '.' || slug,
           'name', initcap(subj) || ' ' || suf || ' ' || n, 'domain', dom, 'version', '1.0.0', 'status', 'published',
           'description', 'Curated dataset of ' || subj || ' ' || suf || ' records, maintained on the platform, governed for quality, in the catalog, refreshed by its steward: '
                          || (SELECT string_agg(w.vocab[1 + (n::bigint * k * 7919 + k * 104729) % cardinality(w.vocab)], ' ') FROM generate_series(1, 12) AS k),
           'tags', (SELECT jsonb_agg(DISTINCT w.tags[1 + (n::bigint * k * 31 + k * 17) % cardinality(w.tags)]) FROM generate_series(1, 2 + n % 2) AS k),
           'classification', (ARRAY['public', 'internal', 'confidential', 'restricted'])[1 + n % 4],
           'owners', jsonb_build_object('technical', dom || '_eng', 'steward', dom || '_stewards'),
           'outputs', jsonb_build_array(jsonb_build_object('name', 'main', 'type', 'table', 'location', dom || '.' || slug,
               'schema', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                  'name', f, 'type', 'text',
                                  'description', CASE WHEN k % 3 = 0 THEN 'The ' || replace(f, '_', ' ') || ' of the ' || subj END)) ORDER BY k)
                            FROM (SELECT DISTINCT ON (f) f, k
                                    FROM generate_series(1, 5 + n % 11) AS k,
                                         LATERAL (SELECT w.fields[1 + (n * 13 + k * k * 7) % cardinality(w.fields)]) AS x(f)
                                   ORDER BY f, k) AS ff))))) AS doc
  FROM generate_series(1, :n) AS n, w,
       LATERAL (SELECT w.domains[1 + n % cardinality(w.domains)] AS dom,
                       w.subjects[1 + (n / 20) % cardinality(w.subjects)] AS subj,
                       w.suffixes[1 + (n / 800) % cardinality(w.suffixes)] AS suf) AS s,
       LATERAL (SELECT s.subj || '_' || s.suf || '_' || n AS slug) AS g;

-- Bulk load, as a replica receives it: only the derivation (and the id) triggers run.
SELECT clock_timestamp() AS t0 \gset
SET session_replication_role = replica;
INSERT INTO meshcat.product (id, domain) SELECT id, dom FROM gen;
INSERT INTO meshcat.product_version (id, product_id, version, status, name, description, classification, descriptor, published_at)
SELECT NULL, id, '1.0.0', 'published', doc ->> 'name', doc ->> 'description', (doc ->> 'classification')::meshcat.classification, doc, now()
  FROM gen ORDER BY n;
-- Usage: one product in ten has 1-5 approved access requests (subscriptions).
INSERT INTO meshcat_internal.access_request (product_id, port, consumer, purpose, status, approval, decided_at, decided_by)
SELECT g.id, 'main', 'bench_consumer'::regrole, 'bench', 'approved', 'human', now(), current_user
  FROM gen AS g, generate_series(1, 1 + g.n % 5) AS k WHERE g.n % 10 = 0;
RESET session_replication_role;
SELECT meshcat_internal.search_refresh_usage(ARRAY(SELECT DISTINCT product_id FROM meshcat_internal.access_request));
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS load_s \gset
VACUUM ANALYZE meshcat.product_version, meshcat.product, meshcat_internal.search_posting, meshcat_internal.search_word,
               meshcat_internal.tag;

SELECT (SELECT count(*) FROM meshcat.product) AS products, round(:load_s, 1) AS bulk_load_s,
       (SELECT count(*) FROM meshcat_internal.search_posting) AS postings,
       (SELECT count(*) FROM meshcat_internal.search_word) AS vocabulary,
       pg_size_pretty(pg_total_relation_size('meshcat_internal.search_posting')) AS postings_size;

-- The queries: ten of each kind.
CREATE TEMP TABLE q (kind text, term text);
INSERT INTO q SELECT 'every', unnest(words) FROM common;
INSERT INTO q SELECT 'one', slug FROM gen WHERE n IN (SELECT 1 + (k * 9973) % :n FROM generate_series(1, 10) AS k);
INSERT INTO q SELECT 'prefix', unnest('{cust,ord,reve,ship,paym,camp,invo,segm,prof,sess}'::text[]);
INSERT INTO q SELECT 'typo', unnest('{custmer,ordr,revnue,shipmnt,paymnet,campain,invoce,segmnt,profle,sesion}'::text[]);

CREATE TEMP TABLE t (kind text, term text, how text, ms float8, found int);
-- Each query once before timing, both ways, so neither pays for a cold cache alone.
DO $$ DECLARE x record; BEGIN
    FOR x IN SELECT * FROM q LOOP
        PERFORM count(*) FROM meshcat.mesh_search(x.term);
    END LOOP;
    PERFORM count(*) FROM meshcat.product_version WHERE descriptor::text ILIKE '%warmup%';
END $$;
DO $$ DECLARE x record; t0 timestamptz; c int; BEGIN
    FOR x IN SELECT * FROM q ORDER BY kind, term LOOP
        t0 := clock_timestamp();
        SELECT count(*) INTO c FROM meshcat.mesh_search(x.term, max_results => 20);
        INSERT INTO t VALUES (x.kind, x.term, 'search', 1000 * extract(epoch FROM clock_timestamp() - t0), c);
        t0 := clock_timestamp();
        SELECT count(*) INTO c FROM (
            SELECT v.product_id FROM meshcat.product_version AS v
              JOIN meshcat_internal.current_version AS cv ON cv.version_id = v.id
             WHERE v.descriptor::text ILIKE '%' || x.term || '%'
             ORDER BY v.product_id LIMIT 20) AS s;
        INSERT INTO t VALUES (x.kind, x.term, 'ilike', 1000 * extract(epoch FROM clock_timestamp() - t0), c);
    END LOOP;
END $$;

SELECT kind,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'search')::numeric, 2) AS search_p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'search')::numeric, 2) AS search_p95_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'ilike')::numeric, 1) AS ilike_p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'ilike')::numeric, 1) AS ilike_p95_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'ilike')
            / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'search'))::numeric) AS ratio_p50,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'ilike')
            / percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE how = 'search'))::numeric) AS ratio_p95,
       min(found) FILTER (WHERE how = 'search') AS min_found, max(found) FILTER (WHERE how = 'search') AS max_found
  FROM t GROUP BY kind ORDER BY array_position('{every,one,prefix,typo}', kind);
-- The goal: the top 20 of a word every product contains in under 50 ms, also as a ratio.
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS every_word_top20_p50_ms,
       round((50 / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 1) AS times_under_50ms
  FROM t WHERE kind = 'every' AND how = 'search';

-- 2. Registration: :r more products through mesh_register (on the mesh just built), then the
-- search derivation alone for the same products (it deletes and derives their postings again,
-- so it is an upper bound of what it adds to a registration).
CREATE TEMP TABLE reg AS
SELECT k, format($f$apiVersion: meshcat/v1
kind: DataProduct
id: %1$s.reg_%2$s
name: Registered %3$s %2$s
version: 1.0.0
status: published
description: %4$s
tags: [%5$s, bench]
classification: internal
owners: {technical: %1$s_eng}
outputs:
  - name: main
    type: table
    location: %1$s.reg_%2$s
    schema:
%6$s$f$, g.dom, k, g.doc ->> 'name', to_json(g.doc ->> 'description')::text, (g.doc -> 'tags') ->> 0,
         (SELECT string_agg(format(E'      - {name: %s, type: text}\n', f ->> 'name'), '')
            FROM jsonb_array_elements(g.doc #> '{outputs,0,schema}') AS f)) AS yaml
  FROM generate_series(1, :r) AS k JOIN gen AS g ON g.n = k;
SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
DO $$ DECLARE d record; BEGIN
    FOR d IN SELECT yaml FROM reg ORDER BY k LOOP
        PERFORM * FROM meshcat.mesh_register(d.yaml);
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS register_s, pg_temp.cpu_s() - :c0 AS register_cpu \gset
SELECT clock_timestamp() AS t0, pg_temp.cpu_s() AS c0 \gset
DO $$ DECLARE d record; BEGIN
    FOR d IN SELECT p.id FROM meshcat.product AS p WHERE p.id ~ '\.reg_' ORDER BY p.id LOOP
        PERFORM meshcat_internal.derive_search(d.id, NULL);
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS derive_s, pg_temp.cpu_s() - :c0 AS derive_cpu \gset
SELECT :r AS registered,
       round(1000 * :register_s / :r, 2) AS register_ms_per_product,
       round(1000 * (:register_s - :derive_s) / :r, 2) AS without_search_ms_per_product,
       round(1000 * :derive_s / :r, 2) AS search_derivation_ms_per_product,
       round(100 * :derive_s / :register_s, 1) AS search_share_pct,
       round(1000 * :register_cpu / :r, 2) AS register_cpu_ms, round(1000 * :derive_cpu / :r, 2) AS derive_cpu_ms;
