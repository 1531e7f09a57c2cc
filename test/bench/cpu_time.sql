-- cpu_time.sql: pg_temp.cpu_s(), the CPU time (user and system, in seconds) this backend has
-- used so far, from /proc/self/stat (Linux: 100 ticks a second). On a shared machine it is
-- steadier than the clock, which also counts the time other processes held the cores. Needs a
-- superuser (pg_read_file); the benchmarks print both.
CREATE FUNCTION pg_temp.cpu_s() RETURNS float8 LANGUAGE sql AS $$
    SELECT (split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint) / 100.0
      FROM pg_read_file('/proc/self/stat') AS s
$$;
