/*
 * meshcat.h
 *	  Declarations shared across meshcat's C files: settings, limits and the
 *	  SQL-callable functions one file calls in another.
 */
#ifndef MESHCAT_H
#define MESHCAT_H

#include "fmgr.h"
#include "utils/elog.h"

/*
 * Limits on YAML input, set by meshcat.yaml_max_* and capped by the
 * superuser-only meshcat.yaml_max_*_ceiling (see meshcat.c). Read them only
 * through the functions below: the smaller of the two applies.
 */
extern int	meshcat_yaml_max_bytes;
extern int	meshcat_yaml_max_depth;
extern int	meshcat_yaml_max_nodes;
extern int	meshcat_yaml_max_bytes_ceiling;
extern int	meshcat_yaml_max_depth_ceiling;
extern int	meshcat_yaml_max_nodes_ceiling;

static inline int
meshcat_yaml_limit_bytes(void)
{
	return Min(meshcat_yaml_max_bytes, meshcat_yaml_max_bytes_ceiling);
}

static inline int
meshcat_yaml_limit_depth(void)
{
	return Min(meshcat_yaml_max_depth, meshcat_yaml_max_depth_ceiling);
}

static inline int
meshcat_yaml_limit_nodes(void)
{
	return Min(meshcat_yaml_max_nodes, meshcat_yaml_max_nodes_ceiling);
}

/* meshcat.contract_ddl (meshcat.c): what the DDL guard does (79_ddl_guard.sql). */
#define MESHCAT_CONTRACT_DDL_ENFORCE 0
#define MESHCAT_CONTRACT_DDL_WARN 1
#define MESHCAT_CONTRACT_DDL_OFF 2
extern int	meshcat_contract_ddl;

/* The schema of meshcat's tables and helpers (sql/install/00_schema.sql). */
#define MESHCAT_INTERNAL_SCHEMA "meshcat_internal"

/* Edges an index walk may read before loading the lineage cache; -1: never (lineage.c). */
extern int	meshcat_lineage_cache_threshold;
/* Most memory (kB) one backend's lineage cache may take (lineage.c). */
extern int	meshcat_lineage_cache_max_size;

/* Milliseconds one quality check may run; 0: no limit (quality.c). */
extern int	meshcat_check_timeout;

/* semver.c: semver_satisfies(semver, text), which lineage.c calls directly. */
extern Datum semver_satisfies(PG_FUNCTION_ARGS);

/*
 * Makes the errors reported from here on name no caller: a refusal of user
 * input shows its message, DETAIL and HINT, not the PL/pgSQL and SQL frames
 * it came through. PG_TRY and PL/pgSQL's EXCEPTION blocks restore the stack
 * when they catch; a function that returns normally must restore it itself.
 */
static inline ErrorContextCallback *
MeshHideErrorContext(void)
{
	ErrorContextCallback *saved = error_context_stack;

	error_context_stack = NULL;
	return saved;
}

#endif							/* MESHCAT_H */
