#!/usr/bin/env bash
# Quality checks on a pg_cron schedule (docs/quality.md): in a throwaway cluster that preloads
# pg_cron, a steward schedules a product's checks, the job runs mesh_run_checks as that
# steward within the next minute, its results are in the history, and unscheduling removes the
# job. Needs meshcat and pg_cron (postgresql-15-cron) installed. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_virtualenv -o shared_preload_libraries=pg_cron -o cron.database_name=postgres -o cron.use_background_workers=on -t bash -c '
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<"SQL"
SET client_min_messages = warning;
CREATE EXTENSION pg_cron;
CREATE EXTENSION meshcat CASCADE;
SET search_path = meshcat, public;
SELECT count(*) FROM mesh_setup_roles();
CREATE ROLE qc_team NOLOGIN;
-- a job runs as its role (background workers here; over libpq the role must be able to log in)
CREATE ROLE qc_steward LOGIN IN ROLE qc_team, meshcat_steward;
GRANT USAGE ON SCHEMA cron TO meshcat_steward;
GRANT CREATE ON DATABASE postgres TO qc_team;
SELECT count(*) FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: qc
owner: qc_team
---
apiVersion: meshcat/v1
kind: DataProduct
id: qc.t
name: T
version: 1.0.0
status: published
outputs:
  - name: t
    type: table
    location: qc_data.t
    quality: [{metric: rowCount}]
    schema: [{name: n, type: int}]
$$);
SELECT count(*) FROM mesh_provision($$qc.t$$);
SET ROLE qc_steward;
SELECT mesh_schedule_checks($$qc.t$$, $$* * * * *$$) > 0 AS scheduled;
SELECT jobname, command, username FROM cron.job;
RESET ROLE;
DO $$
BEGIN
    FOR i IN 1..90 LOOP
        EXIT WHEN EXISTS (SELECT FROM meshcat.mesh_check_history WHERE product_id = $q$qc.t$q$);
        PERFORM pg_sleep(1);
    END LOOP;
    IF NOT EXISTS (SELECT FROM meshcat.mesh_check_history WHERE product_id = $q$qc.t$q$) THEN
        RAISE EXCEPTION $q$the scheduled checks did not run within 90 seconds$q$;
    END IF;
END $$;
SELECT status FROM cron.job_run_details;
SELECT check_name, passed, recorded_by FROM mesh_check_results WHERE product_id = $$qc.t$$;
SET ROLE qc_steward;
SELECT mesh_unschedule_checks($$qc.t$$) AS removed, mesh_unschedule_checks($$qc.t$$) AS again;
RESET ROLE;
SELECT count(*) AS jobs_left FROM cron.job;
SQL'
echo "quality_cron: ok"
