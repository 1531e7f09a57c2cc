-- 83_quality_schedule: quality checks on a schedule, through pg_cron (docs/quality.md). A job
-- runs mesh_run_checks(id) as the role that scheduled it (pg_cron runs a job as its creator),
-- so the same rule holds: that role must be a member of the domain's owner role, or a
-- superuser; a job never lends an administrator's rights to a steward's checks. pg_cron is
-- optional: without it in this database, scheduling is 0A000 with a HINT saying how to enable it.
-- Uses: 00_schema (raise_error), 82_quality (quality_target, check_runner_role).

-- pg_cron's schema (always cron: the extension creates it, whatever its own namespace says),
-- when pg_cron is installed in this database; else 0A000 saying how to install it.
CREATE FUNCTION meshcat_internal.pg_cron_schema() RETURNS name
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension AS e WHERE e.extname = 'pg_cron') THEN
        PERFORM meshcat_internal.raise_error('0A000', 'scheduling checks needs the pg_cron extension in this database',
            'pg_cron is not installed in this database (SELECT current_database() names it).',
            'Install pg_cron (Debian: postgresql-15-cron), add it to shared_preload_libraries, set cron.database_name to this database''s name, restart, and run CREATE EXTENSION pg_cron as a superuser; then GRANT USAGE ON SCHEMA cron to the roles that schedule checks.');
    END IF;
    RETURN 'cron';
END
$$;
COMMENT ON FUNCTION meshcat_internal.pg_cron_schema() IS
    'Internal: the schema of the pg_cron extension in this database, or 0A000 with a HINT saying how to enable it.';

-- The pg_cron job name of a product's checks.
CREATE FUNCTION meshcat_internal.check_job_name(id text) RETURNS text
    LANGUAGE sql IMMUTABLE
RETURN 'meshcat checks ' OPERATOR(pg_catalog.||) id;
COMMENT ON FUNCTION meshcat_internal.check_job_name(text) IS
    'Internal: the name of the pg_cron job that runs a product''s checks.';

-- mesh_schedule_checks: creates (or reschedules) the pg_cron job that runs mesh_run_checks(id)
-- on a schedule (cron syntax; pg_cron 1.5 and later also take '30 seconds'), as the calling role. Returns the
-- job's id. SECURITY INVOKER: pg_cron records the caller as the job's role.
CREATE FUNCTION @extschema@.mesh_schedule_checks(id text, schedule text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v @extschema@.product_version := meshcat_internal.quality_target(id, NULL);
    nsp name;
    job bigint;
BEGIN
    PERFORM meshcat_internal.check_runner_role(v.product_id);
    nsp := meshcat_internal.pg_cron_schema();
    IF schedule IS NULL OR btrim(schedule) = '' THEN
        PERFORM meshcat_internal.raise_error('22023', 'a schedule is needed', NULL,
            'Give a cron schedule, such as ''*/15 * * * *''.');
    END IF;
    EXECUTE format('SELECT %I.schedule($1, $2, $3)', nsp) INTO job
      USING meshcat_internal.check_job_name(v.product_id), schedule,
            format('SELECT count(*) FROM %I.mesh_run_checks(%L)', '@extschema@', v.product_id);
    RETURN job;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_schedule_checks(text, text) IS
    'Schedules mesh_run_checks(id) with pg_cron (a cron schedule), as the calling role, who must be able to run the checks; returns the job id; 0A000 without pg_cron.';

-- mesh_unschedule_checks: removes the calling role's pg_cron job for a product's checks;
-- returns whether there was one.
CREATE FUNCTION @extschema@.mesh_unschedule_checks(id text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nsp name := meshcat_internal.pg_cron_schema();
    job bigint;
    done boolean;
BEGIN
    EXECUTE format('SELECT j.jobid FROM %I.job AS j WHERE j.jobname = $1 AND j.username = CURRENT_USER', nsp) INTO job
      USING meshcat_internal.check_job_name(id);
    IF job IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT %I.unschedule($1)', nsp) INTO done USING job;
    RETURN done;
END
$$;
COMMENT ON FUNCTION @extschema@.mesh_unschedule_checks(text) IS
    'Removes the calling role''s pg_cron job that runs a product''s checks; returns whether there was one; 0A000 without pg_cron.';
