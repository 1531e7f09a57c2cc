-- bench_docs.sql: the generated catalog the registration benchmarks share (register_bench.sql,
-- stream_once.sql): 50 domains registered, and bench_doc(n, yaml) holding :n DataProduct
-- documents with 8 fields, 3 owners, 2 tags, a source and up to 3 product inputs each.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_owner') THEN CREATE ROLE bench_owner; END IF;
END $$;
-- 50 domains, then :n products with 8 fields, 3 owners, 2 tags and up to 3 inputs each.
SELECT count(*) AS domains FROM generate_series(0, 49) d,
       mesh_register(format('{apiVersion: meshcat/v1, kind: Domain, name: d%s, owner: bench_owner}', d));

CREATE TEMP TABLE bench_doc AS
SELECT n, format($f$apiVersion: meshcat/v1
kind: DataProduct
id: d%1$s.p%2$s
name: Product %2$s
version: 1.%3$s.0
status: published
description: Generated product number %2$s for the registration benchmark
tags: [bench, t%3$s]
classification: internal
retention: 365 days
owners: {technical: team%1$s, business: owner%3$s, steward: stewards%1$s}
sla: {freshness: 1 hour, availability: 99.9%%}
quality: {completeness: 0.99}
inputs:
  - source: external.s%2$s
%4$soutputs:
  - name: main
    type: table
    location: d%1$s.p%2$s
    schema:
      - {name: id, type: bigint, required: true, unique: true, primary_key: true}
      - {name: customer_id, type: bigint, required: true}
      - {name: email, type: text, pii: true, classification: restricted}
      - {name: amount, type: "numeric(12,2)"}
      - {name: currency, type: text}
      - {name: created_at, type: timestamptz, required: true}
      - {name: updated_at, type: timestamptz}
      - {name: note, type: text, description: free text}
$f$, n % 50, n, n % 7,
      (SELECT string_agg(format(E'  - product: d%s.p%s\n    version: ^1\n', i % 50, i), '')
         FROM unnest(ARRAY[n - 1, n / 2, n / 3]) AS i WHERE i >= 1 AND i < n AND n > 3)) AS yaml
  FROM generate_series(1, :n) AS n;

