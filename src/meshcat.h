/*
 * meshcat.h
 *	  Declarations shared across meshcat's C files: settings, limits and the
 *	  SQL-callable functions one file calls in another.
 */
#ifndef MESHCAT_H
#define MESHCAT_H

#include "fmgr.h"

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

/* Edges an index walk may read before loading the lineage cache; -1: never (lineage.c). */
extern int	meshcat_lineage_cache_threshold;
/* Most memory (kB) one backend's lineage cache may take (lineage.c). */
extern int	meshcat_lineage_cache_max_size;

/* semver.c: semver_satisfies(semver, text), which lineage.c calls directly. */
extern Datum semver_satisfies(PG_FUNCTION_ARGS);

#endif							/* MESHCAT_H */
