#!/usr/bin/env bash
# OpenLineage conformance: every file under $MESHCAT_EXAMPLES/openlineage (default
# ../shared/examples, relative to the repository root) ingests through mesh_ingest_openlineage
# and yields exactly the edges it describes, in a throwaway server (pg_virtualenv -t).
# The spec's example files are facets, not whole events, so each is wrapped in the event that
# carries it: a columnLineage dataset facet on the output of a RunEvent, a LineageFacet for a
# dataset on the dataset of a DatasetEvent, a LineageFacet for a job on the job of a JobEvent
# (named as the file's job, with one input and one output dataset, so that "the event's own
# job" has datasets). The edges each file describes are written out below, by hand, from
# reading the file: dataset edges "up -> down" and field edges "up.field -> down.field", with
# datasets named "<namespace>/<name>" (docs/lineage.md). The wrapper's target dataset is
# examples/target, the output port of a registered product: its edges must reach the product.
# Prints "skipped" and exits 0 when the directory is absent; exits non-zero on any failure,
# and for a file without an expectation here. Needs the extension installed.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=${MESHCAT_EXAMPLES:-../shared/examples}/openlineage
if [ ! -d "$dir" ]; then
    echo "openlineage_examples: skipped ($dir is absent)"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$dir" && find . -type f -name '*.json' | sed 's|^\./||' | sort) > "$work/files"
if [ ! -s "$work/files" ]; then
    echo "openlineage_examples: skipped (no files in $dir)"
    exit 0
fi

# file | wrapper (run, dataset, job:<namespace>/<name>) | expected edges, ';'-separated
cat > "$work/expected" <<'EOF'
ColumnLineageDatasetFacet/1.json|run|SnowflakeOpenLineage/CUSTOMERS -> examples/target; SnowflakeOpenLineage/DISCOUNTS -> examples/target; SnowflakeOpenLineage/CUSTOMERS.NAME -> examples/target.NAME; SnowflakeOpenLineage/CUSTOMERS.ID -> examples/target.NAME; SnowflakeOpenLineage/DISCOUNTS.CUSTOMERS_ID -> examples/target.NAME; SnowflakeOpenLineage/DISCOUNTS.AMOUNT_OFF -> examples/target.AMOUNT_OFF; SnowflakeOpenLineage/CUSTOMERS.ID -> examples/target.AMOUNT_OFF; SnowflakeOpenLineage/DISCOUNTS.CUSTOMERS_ID -> examples/target.AMOUNT_OFF; SnowflakeOpenLineage/DISCOUNTS.STARTS_AT -> examples/target.STARTS_AT; SnowflakeOpenLineage/CUSTOMERS.ID -> examples/target.STARTS_AT; SnowflakeOpenLineage/DISCOUNTS.CUSTOMERS_ID -> examples/target.STARTS_AT; SnowflakeOpenLineage/DISCOUNTS.ENDS_AT -> examples/target.ENDS_AT; SnowflakeOpenLineage/CUSTOMERS.ID -> examples/target.ENDS_AT; SnowflakeOpenLineage/DISCOUNTS.CUSTOMERS_ID -> examples/target.ENDS_AT
ColumnLineageDatasetFacet/2.json|run|s3://test-bucket/iceberg_warehouse/some-database/people -> examples/target; s3://test-bucket/iceberg_warehouse/some-database/people.id -> examples/target.id; s3://test-bucket/iceberg_warehouse/some-database/people.first_name -> examples/target.firstName; s3://test-bucket/iceberg_warehouse/some-database/people.last_name -> examples/target.lastName; s3://test-bucket/iceberg_warehouse/some-database/people.age -> examples/target.ageNextYear
LineageFacet/dataset-to-dataset.json|dataset|postgresql://warehouse:5432/public.customers -> examples/target; postgresql://warehouse:5432/public.customers.id -> examples/target.customer_id
LineageFacet/dataset-to-job.json|job:airflow://production/daily.load|examples/job-input -> examples/target; postgresql://warehouse:5432/public.staging_orders -> examples/target
LineageFacet/generator.json|job:examples/job|examples/job-input -> examples/target
LineageFacet/implicit-job.json|job:examples/job|examples/job-input -> examples/target; postgresql://production:5432/public.transactions -> examples/target
LineageFacet/job-to-dataset.json|job:airflow://production/daily.extract|examples/job-input -> examples/target; examples/job-input -> postgresql://warehouse:5432/public.daily_summary
LineageFacet/job-to-job.json|job:airflow://production/daily.load|examples/job-input -> examples/target
LineageFacet/mixed-sources.json|job:airflow://production/daily.enrichment|examples/job-input -> examples/target; postgresql://warehouse:5432/public.orders -> postgresql://warehouse:5432/public.enriched_orders; examples/job-input -> postgresql://warehouse:5432/public.enriched_orders; postgresql://warehouse:5432/public.orders.customer_id -> postgresql://warehouse:5432/public.enriched_orders.customer_segment
EOF

cat > "$work/check.sql" <<'SQL'
\set content `cat :'file'`
-- Each file's event is newer than the last, so it is the current one of a subject they share.
SELECT (timestamp '2026-01-01 00:00' + :n * interval '1 minute')::text || 'Z' AS at \gset
SELECT CASE WHEN :'wrapper' = 'run' THEN jsonb_build_object(
           'eventTime', :'at', 'producer', 'https://example.com/conformance',
           'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent', 'eventType', 'COMPLETE',
           'run', jsonb_build_object('runId', '00000000-0000-4000-8000-' || lpad(:'n', 12, '0')),
           'job', jsonb_build_object('namespace', 'examples', 'name', 'job' || :'n'),
           'outputs', jsonb_build_array(jsonb_build_object('namespace', 'examples', 'name', 'target', 'facets', :'content'::jsonb)))
            WHEN :'wrapper' = 'dataset' THEN jsonb_build_object(
           'eventTime', :'at', 'producer', 'https://example.com/conformance',
           'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
           'dataset', jsonb_build_object('namespace', 'examples', 'name', 'target', 'facets', :'content'::jsonb))
            ELSE jsonb_build_object(
           'eventTime', :'at', 'producer', 'https://example.com/conformance',
           'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
           'job', jsonb_build_object('namespace', regexp_replace(substr(:'wrapper', 5), '/[^/]*$', ''),
                                     'name', regexp_replace(substr(:'wrapper', 5), '^.*/', ''),
                                     'facets', :'content'::jsonb),
           'inputs', '[{"namespace": "examples", "name": "job-input"}]'::jsonb,
           'outputs', '[{"namespace": "examples", "name": "target"}]'::jsonb) END AS event \gset
SELECT event_kind, subject FROM meshcat.mesh_ingest_openlineage(:'event') \gset
-- The edges it yields, as the expectation writes them.
SELECT coalesce(string_agg(e, '; ' ORDER BY e), '') AS got FROM (
    SELECT upstream_dataset || ' -> ' || downstream_dataset AS e FROM meshcat_internal.lineage_observed_edge
     WHERE event_kind = :'event_kind' AND subject = :'subject'
    UNION ALL
    SELECT upstream_dataset || '.' || upstream_field || ' -> ' || downstream_dataset || '.' || downstream_field
      FROM meshcat_internal.lineage_observed_field_edge WHERE event_kind = :'event_kind' AND subject = :'subject') AS x \gset
SELECT coalesce(string_agg(btrim(e), '; ' ORDER BY btrim(e)), '') AS want
  FROM unnest(string_to_array(:'expected', ';')) AS e WHERE btrim(e) <> '' \gset
SELECT CASE WHEN :'got' = :'want' THEN 'ok' ELSE format(E'edges differ\n    got:  %s\n    want: %s', :'got', :'want') END;
-- The target is a product's output port: its edges reach the product, and the walks show them.
SELECT CASE WHEN NOT EXISTS (SELECT FROM meshcat_internal.lineage_observed_edge
                              WHERE event_kind = :'event_kind' AND subject = :'subject'
                                AND downstream_dataset = 'examples/target' AND downstream <> 'examples.target')
             AND (NOT :'want' LIKE '%-> examples/target%'
                  OR EXISTS (SELECT FROM meshcat.mesh_upstream('examples.target') WHERE origin = 'observed'))
            THEN 'ok' ELSE 'examples/target did not resolve to product examples.target' END;
-- Ingesting it again changes nothing.
SELECT CASE WHEN action = 'unchanged' THEN 'ok' ELSE 'second ingestion: ' || action END
  FROM meshcat.mesh_ingest_openlineage(:'event');
SQL

cat > "$work/run.sh" <<'SH'
set -uo pipefail
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION meshcat CASCADE" -c "CREATE ROLE examples_owner" \
    -c "SELECT * FROM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: Domain, name: examples, owner: examples_owner}')" \
    -c "SELECT * FROM meshcat.mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: examples.target, name: Target, version: 1.0.0, outputs: [{name: out, type: file, location: examples/target}]}')" \
    >/dev/null || exit 1
failed=0
n=0
while IFS= read -r f; do
    n=$((n + 1))
    line=$(grep -F "$f|" "$WORK/expected" | head -1)
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        echo "FAILED: $f: no expectation in test/t/openlineage_examples.sh"
        continue
    fi
    wrapper=$(cut -d'|' -f2 <<< "$line")
    expected=$(cut -d'|' -f3 <<< "$line")
    if ! out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v file="$EXAMPLES/$f" -v n=$n -v wrapper="$wrapper" \
                    -v expected="$expected" -f "$WORK/check.sql" 2>&1) ||
        grep -qv '^ok$' <<< "$out"; then
        failed=$((failed + 1))
        echo "FAILED: $f"
        sed 's/^/    /' <<< "$out" | head -8
    fi
done < "$WORK/files"
echo "openlineage_examples: $n files, $failed failed"
[ "$failed" -eq 0 ]
SH

WORK="$work" EXAMPLES="$(cd "$dir" && pwd)" pg_virtualenv -t bash "$work/run.sh"
