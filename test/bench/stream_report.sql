-- stream_bench.sh's report: the fastest run of each case, the milliseconds a product, and the
-- ratios of each case's cost a product to the short stream's and to the same products in
-- five short streams (1.0: the same cost a document).
\pset footer off
WITH best AS (
    SELECT products, calls, count(*) AS runs, min(seconds) AS seconds, min(cpu_seconds) AS cpu_seconds
      FROM stream_result GROUP BY products, calls
), short AS (SELECT * FROM best WHERE calls = 1 ORDER BY products LIMIT 1),
   split AS (SELECT * FROM best WHERE calls > 1 ORDER BY products DESC LIMIT 1)
SELECT b.products, b.calls, b.runs, round(b.seconds::numeric, 2) AS seconds,
       round((1000 * b.seconds / b.products)::numeric, 2) AS ms_per_product,
       round(((b.seconds / b.products) / (s.seconds / s.products))::numeric, 2) AS ratio_to_short_stream,
       round(((b.seconds / b.products) / (p.seconds / p.products))::numeric, 2) AS ratio_to_same_products_split,
       round((1000 * b.cpu_seconds / b.products)::numeric, 2) AS cpu_ms_per_product,
       round(((b.cpu_seconds / b.products) / nullif(s.cpu_seconds / s.products, 0))::numeric, 2) AS cpu_ratio_to_short,
       round(((b.cpu_seconds / b.products) / nullif(p.cpu_seconds / p.products, 0))::numeric, 2) AS cpu_ratio_to_split
  FROM best AS b, short AS s, split AS p
 ORDER BY b.products, b.calls DESC;
-- the runs of stream_bench.sh, one row each
SELECT products, calls, round(seconds::numeric, 2) AS seconds, round(cpu_seconds::numeric, 2) AS cpu_seconds
  FROM stream_result ORDER BY products, calls, seconds;
