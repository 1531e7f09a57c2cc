-- stream_bench.sh's report: the fastest run of each size, the milliseconds a product, and the
-- ratio of the long stream's cost a product to the short one's (1.0 is linear).
\pset footer off
-- the runs of stream_bench.sh, one row each
WITH best AS (
    SELECT products, count(*) AS runs, min(seconds) AS seconds, min(cpu_seconds) AS cpu_seconds
      FROM stream_result GROUP BY products
)
SELECT b.products, b.runs, round(b.seconds::numeric, 2) AS seconds,
       round((1000 * b.seconds / b.products)::numeric, 2) AS ms_per_product,
       round(((b.seconds / b.products) / (s.seconds / s.products))::numeric, 2) AS ratio_to_short_stream,
       round((1000 * b.cpu_seconds / b.products)::numeric, 2) AS cpu_ms_per_product,
       round(((b.cpu_seconds / b.products) / nullif(s.cpu_seconds / s.products, 0))::numeric, 2) AS cpu_ratio
  FROM best AS b, (SELECT * FROM best ORDER BY products LIMIT 1) AS s
 ORDER BY b.products;
SELECT products, round(seconds::numeric, 2) AS seconds, round(cpu_seconds::numeric, 2) AS cpu_seconds
  FROM stream_result ORDER BY products, seconds;
