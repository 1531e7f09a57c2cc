#!/usr/bin/env bash
# Benchmark of mesh_yaml_to_jsonb against a raw libyaml event scan of the same bytes
# (DESIGN.md §8: a good YAML -> jsonb path stays within about 20 % of the raw scan).
#
#   bash test/bench/yaml_bench.sh [PRODUCTS] [RUNS]
#
# Generates one descriptor-like YAML document (PRODUCTS data products with owners,
# SLAs, ports and field schemas; 4000 products make about 4 MB), builds yaml_scan.c,
# then times, in the same run: the raw scan (best and median of RUNS), and
# mesh_yaml_to_jsonb over the same text inside a throwaway server started with
# pg_virtualenv -t, timed server-side (a DO block with clock_timestamp(), so client
# transfer is excluded). For reference it also times PostgreSQL's jsonb_in on the
# same content as JSON. Needs the extension installed (make install).
set -euo pipefail
cd "$(dirname "$0")/../.."

products=${1:-4000}
runs=${2:-15}
out=test/bench/out
mkdir -p "$out"
yaml="$out/descriptors.yaml"

awk -v n="$products" 'BEGIN {
    print "apiVersion: meshcat/v1"
    print "kind: Catalog"
    print "defaults: &defaults {classification: internal, retention: 365 days}"
    print "products:"
    for (i = 0; i < n; i++) {
        d = "domain" (i % 37)
        printf "  - id: %s.product_%d\n", d, i
        printf "    name: Product %d of %s\n", i, d
        printf "    domain: %s\n", d
        printf "    version: %d.%d.%d\n", i % 5, i % 11, i % 7
        printf "    status: %s\n", (i % 3 ? "published" : "draft")
        print  "    description: >"
        print  "      Unified view of the entities this product serves, combining"
        printf "      every touchpoint known to %s; refreshed every %d minutes.\n", d, 5 + i % 55
        printf "    tags: [%s, tier%d, \"customer facing\", pii]\n", d, i % 4
        printf "    owners: {technical: %s_eng, business: owner%d, steward: %s_stewards}\n", d, i % 97, d
        printf "    sla: {freshness: %d minutes, availability: 99.%d%%}\n", 5 + i % 55, 90 + i % 10
        printf "    quality: {completeness: 0.%d, accuracy: 0.99}\n", 90 + i % 10
        print  "    <<: *defaults"
        print  "    inputs:"
        printf "      - product: domain%d.product_%d\n", (i + 1) % 37, (i * 7) % n
        printf "        version: ^%d.2\n", i % 5
        print  "      - source: crm.accounts  # an external dataset"
        print  "    outputs:"
        print  "      - name: profile"
        print  "        type: table"
        printf "        location: %s.product_%d\n", d, i
        print  "        schema:"
        print  "          - {name: id, type: bigint, required: true, unique: true, primary_key: true}"
        print  "          - {name: email, type: text, pii: true, classification: restricted}"
        printf "          - {name: amount, type: numeric, derived_from: [domain%d.product_%d.profile.amount]}\n", (i + 1) % 37, (i * 7) % n
        print  "          - name: created_at"
        print  "            type: timestamptz"
        print  "            description: \"When the row was created, in UTC\""
        printf "          - {name: score, type: double precision, min: -1.5e3, max: %d.25}\n", i
    }
}' > "$yaml"
bytes=$(wc -c < "$yaml")

cc -O2 -o "$out/yaml_scan" test/bench/yaml_scan.c $(pkg-config --cflags --libs yaml-0.1 2>/dev/null || echo -lyaml)
raw=$("$out/yaml_scan" "$yaml" "$runs")

# Server side: the text is stored uncompressed (STORAGE EXTERNAL) and read into a
# variable once, so each timed call is the conversion alone.
cat > "$out/yaml_bench.sql" <<'SQL'
CREATE EXTENSION meshcat CASCADE;
CREATE TABLE doc (y text);
ALTER TABLE doc ALTER COLUMN y SET STORAGE EXTERNAL;
\set content `cat "$YAML_FILE"`
INSERT INTO doc VALUES (:'content');
SELECT set_config('bench.runs', :'runs', false) \g /dev/null
CREATE TABLE timing (what text, s float8);
DO $$
DECLARE
    y text := (SELECT doc.y FROM doc);
    j text := (SELECT meshcat.mesh_yaml_to_jsonb(doc.y)::text FROM doc);
    t0 timestamptz;
BEGIN
    PERFORM meshcat.mesh_yaml_to_jsonb(y);   -- warm up
    FOR i IN 1..current_setting('bench.runs')::int LOOP
        t0 := clock_timestamp();
        PERFORM meshcat.mesh_yaml_to_jsonb(y);
        INSERT INTO timing VALUES ('meshcat', extract(epoch FROM clock_timestamp() - t0));
        t0 := clock_timestamp();
        PERFORM j::jsonb;
        INSERT INTO timing VALUES ('jsonb_in', extract(epoch FROM clock_timestamp() - t0));
    END LOOP;
END
$$;
SELECT what, min(s), percentile_disc(0.5) WITHIN GROUP (ORDER BY s),
       (SELECT octet_length(y) FROM doc),
       (SELECT octet_length(meshcat.mesh_yaml_to_jsonb(y)::text) FROM doc)
  FROM timing GROUP BY what ORDER BY what DESC;
SQL
export YAML_FILE="$(pwd)/$yaml"
server=$(pg_virtualenv -t psql -X -q -v ON_ERROR_STOP=1 -v runs="$runs" -At -f "$out/yaml_bench.sql" 2>&1) || {
    echo "$server" >&2
    exit 1
}
server=$(grep '|' <<< "$server")

echo "input: $yaml, $bytes bytes ($products products), $runs runs each"
echo "raw libyaml scan:  $raw"
awk -v bytes="$bytes" -v raw="$raw" -F'|' '
BEGIN {
    split(raw, kv, " ")
    for (k in kv) { split(kv[k], p, "="); r[p[1]] = p[2] }
}
{
    best = bytes / 1e6 / $2; median = bytes / 1e6 / $3
    printf "%-18s best %.4f s (%.2f MB/s)  median %.4f s (%.2f MB/s)", $1 ":", $2, best, $3, median
    if ($1 == "jsonb_in") printf "  [the same content as JSON, %d bytes]", $5
    printf "\n"
    if ($1 == "meshcat") { mb = best; mm = median }
}
END {
    printf "ratio meshcat/raw: best %.2f, median %.2f (1.00 = as fast as the raw scan)\n", mb / r["best_mbs"], mm / r["median_mbs"]
}' <<< "$server"
