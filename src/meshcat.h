/*
 * meshcat.h
 *	  Declarations shared across meshcat's C files: settings, limits and the
 *	  SQL-callable functions one file calls in another.
 */
#ifndef MESHCAT_H
#define MESHCAT_H

#include "fmgr.h"

/* Limits on YAML input, set by meshcat.yaml_max_* (see meshcat.c). */
extern int	meshcat_yaml_max_bytes;
extern int	meshcat_yaml_max_depth;
extern int	meshcat_yaml_max_nodes;

/* Edges an index walk may read before loading the lineage cache; -1: never (lineage.c). */
extern int	meshcat_lineage_cache_threshold;
/* Most memory (kB) one backend's lineage cache may take (lineage.c). */
extern int	meshcat_lineage_cache_max_size;

/* semver.c: semver_satisfies(semver, text), which lineage.c calls directly. */
extern Datum semver_satisfies(PG_FUNCTION_ARGS);

#endif							/* MESHCAT_H */
