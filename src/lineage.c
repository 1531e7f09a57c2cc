/*
 * lineage.c
 *	  The breadth-first walk over product lineage: the declared edges
 *	  (meshcat_internal.lineage_edge) and those observed by OpenLineage events
 *	  (meshcat_internal.lineage_observed_edge). The hot path behind mesh_downstream,
 *	  mesh_upstream, mesh_impact, mesh_lineage_path, the pictures and the
 *	  cycle check (which walks declared edges only).
 *
 * It answers exactly what the recursive CTE of sql/lineage_engine.sql (the
 * specification, checked against this code by that test) answers: each
 * reachable node once, at its shortest depth, with the lowest of its shortest
 * paths (node ids compared bytewise), in order of depth then node. In SQL
 * every expanded node costs an index probe plus executor rows; on a 100 000
 * product mesh that made whole-mesh closures slower than pgRouting
 * (docs/performance.md), hence C.
 *
 * A node's neighbors come from one of two places:
 *
 *	- index scans of lineage_edge under the caller's snapshot, one per node:
 *	  always right, and cheap for the small walks most calls are;
 *	- a per-backend cache of the whole edge list as adjacency arrays, built
 *	  when a walk outgrows an index walk's budget.
 *
 * The cache is right for exactly one committed state of the edges. Every
 * transaction that writes lineage_edge or lineage_observed_edge first
 * updates the one row of lineage_clock (a statement trigger, enabled always, so also under
 * session_replication_role = replica), and such updates take turns on that
 * row's lock. So two snapshots that see
 * the same version of the clock row (same xmin, same counter) see the same
 * edges, unless this transaction wrote or replaced that version: then its
 * uncommitted edges may differ from any cache, and the walk uses the index.
 * Walks hold their locks to the end of the transaction, so a TRUNCATE of
 * the edges waits for them. (Logical replication's apply worker fires no
 * statement triggers: a subscriber must receive lineage_clock with
 * lineage_edge, as FOR ALL TABLES does; docs/operations.md.)
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "meshcat.h"

/* Node ids interned in a hash table: name -> dense id. */
typedef struct NodeEntry
{
	const char *name;
	uint32		hash;
	int32		id;
	char		status;
} NodeEntry;

#define SH_PREFIX nodemap
#define SH_ELEMENT_TYPE NodeEntry
#define SH_KEY_TYPE const char *
#define SH_KEY name
#define SH_HASH_KEY(tb, key) hash_bytes((const unsigned char *) (key), strlen(key))
#define SH_EQUAL(tb, a, b) (strcmp(a, b) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Edges of each origin: declared (lineage_edge), observed (lineage_observed_edge). */
#define ORIGIN_DECLARED 0
#define ORIGIN_OBSERVED 1
#define NUM_ORIGINS 2

/* The relations a walk reads, looked up in the extension's schema. */
typedef struct LineageRels
{
	Oid			edge;
	Oid			clock;
	Oid			forward_index;	/* lineage_edge (upstream, downstream) */
	Oid			backward_index; /* lineage_edge (downstream, upstream) */
	AttrNumber	upstream_att;
	AttrNumber	downstream_att;
	AttrNumber	range_att;
	AttrNumber	changes_att;	/* lineage_clock.changes */
	/* the same of lineage_observed_edge, which has no version range */
	Oid			obs_edge;
	Oid			obs_forward_index;
	Oid			obs_backward_index;
	AttrNumber	obs_upstream_att;
	AttrNumber	obs_downstream_att;
} LineageRels;

/* The whole edge list of one committed state, as adjacency arrays. */
typedef struct LineageCache
{
	MemoryContext cxt;
	Oid			edge_relid;		/* the state it holds: */
	TransactionId clock_xmin;
	int64		clock_changes;
	int32		nnodes;
	int64		nedges;
	const char **names;			/* id -> node key (the data of texts[id]) */
	text	  **texts;			/* id -> node key as text */
	int32	   *name_rank;		/* id -> position in bytewise order of keys */
	nodemap_hash *map;			/* node key -> id */
	int32	   *start[2][NUM_ORIGINS];	/* [forward][origin]: nnodes + 1 offsets */
	int32	   *next[2][NUM_ORIGINS];	/* [forward][origin]: neighbor ids */
	int32	   *seen_at;		/* per node: its index in the current walk */
	uint32	   *seen_walk;		/* per node: the walk seen_at belongs to */
	uint32		walk;			/* the current walk's number */
} LineageCache;

static LineageCache *lineage_cache = NULL;

/*
 * When to load the cache: once the index walks of one lineage state have
 * read, together, meshcat.lineage_cache_threshold edges, or this share of
 * all edges if more. Reading an eighth of the edges one index probe at a
 * time costs the same order as a load (docs/performance.md), so a backend
 * never pays much more than the better choice in hindsight would have cost
 * (ski rental): lineage that changes often is walked by index, lineage that
 * stays put is loaded once.
 */
#define INDEX_WALK_SHARE 8

/* Edges read by index walks of one lineage state, in this backend. */
static struct
{
	Oid			edge_relid;
	TransactionId clock_xmin;
	int64		clock_changes;
	int64		edges;
	int			too_big_at;		/* the meshcat.lineage_cache_max_size a load went
								 * over; 0: none */
}			index_reads;

/* Whether a cache's memory is over meshcat.lineage_cache_max_size. */
static bool
lineage_cache_too_big(MemoryContext cxt)
{
	return MemoryContextMemAllocated(cxt, true) > (Size) meshcat_lineage_cache_max_size * 1024;
}

/*
 * One walk. Nodes are numbered in the order they are found, level by level;
 * node 0 is the start.
 */
typedef struct Walk
{
	/* the question */
	bool		forward;
	int32		max_depth;		/* 0: no limit */
	const char *target;			/* NULL: none */
	bool		has_via;
	Datum		via_version;
	bool		observed;		/* observed edges too, not only declared ones */

	/* where neighbors come from */
	const LineageRels *rels;
	LineageCache *cache;		/* NULL: index scans */
	int			origin;			/* of the edges being visited */
	Relation	edge_rel[NUM_ORIGINS];	/* open while index scans are in use */
	Relation	index_rel[NUM_ORIGINS];
	IndexScanDesc scan[NUM_ORIGINS];
	TupleTableSlot *slot[NUM_ORIGINS];
	nodemap_hash *seen;			/* index walk: node key -> index */
	int64		examined;		/* edges read */
	int64		budget;			/* index walk: edges to read before giving up */

	/* what was found */
	int32		n;
	int32		cap;
	const char **name;
	int32	   *id;				/* cache id, or -1 */
	int32	   *parent;
	int32	   *depth;
	bool	   *declared;		/* found through a declared edge */
	bool	   *truncated;
	bool		target_found;
} Walk;

static void
lineage_lookup_rels(Oid nsp, LineageRels *rels, bool observed)
{
	rels->edge = get_relname_relid("lineage_edge", nsp);
	rels->clock = get_relname_relid("lineage_clock", nsp);
	rels->forward_index = get_relname_relid("lineage_edge_forward", nsp);
	rels->backward_index = get_relname_relid("lineage_edge_backward", nsp);
	if (!OidIsValid(rels->edge) || !OidIsValid(rels->clock) ||
		!OidIsValid(rels->forward_index) || !OidIsValid(rels->backward_index))
		elog(ERROR, "meshcat's lineage tables are missing from schema %s",
			 get_namespace_name(nsp));
	rels->upstream_att = get_attnum(rels->edge, "upstream");
	rels->downstream_att = get_attnum(rels->edge, "downstream");
	rels->range_att = get_attnum(rels->edge, "version_range");
	rels->changes_att = get_attnum(rels->clock, "changes");
	if (rels->upstream_att == InvalidAttrNumber ||
		rels->downstream_att == InvalidAttrNumber ||
		rels->range_att == InvalidAttrNumber ||
		rels->changes_att == InvalidAttrNumber)
		elog(ERROR, MESHCAT_INTERNAL_SCHEMA ".lineage_edge lacks a lineage column");
	rels->obs_edge = get_relname_relid("lineage_observed_edge", nsp);
	rels->obs_forward_index = get_relname_relid("lineage_observed_edge_forward", nsp);
	rels->obs_backward_index = get_relname_relid("lineage_observed_edge_backward", nsp);
	if (!OidIsValid(rels->obs_edge) || !OidIsValid(rels->obs_forward_index) ||
		!OidIsValid(rels->obs_backward_index))
		elog(ERROR, "meshcat's observed lineage tables are missing from schema %s",
			 get_namespace_name(nsp));
	rels->obs_upstream_att = get_attnum(rels->obs_edge, "upstream");
	rels->obs_downstream_att = get_attnum(rels->obs_edge, "downstream");
	if (rels->obs_upstream_att == InvalidAttrNumber ||
		rels->obs_downstream_att == InvalidAttrNumber)
		elog(ERROR, MESHCAT_INTERNAL_SCHEMA ".lineage_observed_edge lacks a lineage column");

	/*
	 * Locks held to the end of the transaction, as a plain read would hold
	 * them: a concurrent TRUNCATE waits, whether or not the cache answers.
	 */
	LockRelationOid(rels->edge, AccessShareLock);
	LockRelationOid(rels->obs_edge, AccessShareLock);
	LockRelationOid(rels->clock, AccessShareLock);

	/*
	 * The walk reads the table for its caller, so the caller needs SELECT on
	 * it, or on each column it reads, as a query naming them would.
	 */
	if (pg_class_aclcheck(rels->edge, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		!(pg_attribute_aclcheck(rels->edge, rels->upstream_att, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		  pg_attribute_aclcheck(rels->edge, rels->downstream_att, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		  pg_attribute_aclcheck(rels->edge, rels->range_att, GetUserId(), ACL_SELECT) == ACLCHECK_OK))
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "lineage_edge");
	/* observed edges too, for a walk that reads them */
	if (observed && pg_class_aclcheck(rels->obs_edge, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		!(pg_attribute_aclcheck(rels->obs_edge, rels->obs_upstream_att, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		  pg_attribute_aclcheck(rels->obs_edge, rels->obs_downstream_att, GetUserId(), ACL_SELECT) == ACLCHECK_OK))
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "lineage_observed_edge");
	if (check_enable_rls(rels->edge, InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("row-level security on " MESHCAT_INTERNAL_SCHEMA ".lineage_edge is not supported"),
				 errdetail("A lineage walk reads the edges as a whole and cannot apply row policies."),
				 errhint("Restrict who reads lineage with privileges on the table instead.")));
	if (observed && check_enable_rls(rels->obs_edge, InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("row-level security on " MESHCAT_INTERNAL_SCHEMA ".lineage_observed_edge is not supported"),
				 errdetail("A lineage walk reads the edges as a whole and cannot apply row policies."),
				 errhint("Restrict who reads lineage with privileges on the table instead.")));
}

/*
 * Reads the version of the clock row the snapshot sees, and whether this
 * transaction wrote or replaced it. Returns false when there is none (a
 * catalog damaged by hand): then nothing is cached.
 */
static bool
lineage_read_clock(const LineageRels *rels, Snapshot snapshot, TransactionId *xmin, int64 *changes,
				   bool *own)
{
	Relation	rel = table_open(rels->clock, AccessShareLock);
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	HeapTuple	tuple = heap_getnext(scan, ForwardScanDirection);
	bool		found = HeapTupleIsValid(tuple);

	if (found)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, rels->changes_att, RelationGetDescr(rel), &isnull);

		HeapTupleHeader h = tuple->t_data;

		*xmin = HeapTupleHeaderGetRawXmin(h);
		*changes = isnull ? -1 : DatumGetInt64(d);
		*own = TransactionIdIsCurrentTransactionId(*xmin);
		/* updated by this transaction after the snapshot: its edges may differ too */
		if (!(h->t_infomask & HEAP_XMAX_INVALID) && !HEAP_XMAX_IS_LOCKED_ONLY(h->t_infomask) &&
			TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetUpdateXid(h)))
			*own = true;
		found = !isnull;
	}
	table_endscan(scan);
	table_close(rel, NoLock);
	return found;
}

/* Copies a text datum into buf (grown as needed) as a C string. */
static const char *
lineage_text(Datum d, StringInfo buf)
{
	text	   *t = (text *) PG_DETOAST_DATUM_PACKED(d);

	resetStringInfo(buf);
	appendBinaryStringInfo(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	if ((Pointer) t != DatumGetPointer(d))
		pfree(t);
	return buf->data;
}

/* Returns the id of a node key in the cache being built, adding it if new. */
static int32
lineage_cache_intern(LineageCache *c, const char *key, int32 *cap)
{
	bool		found;
	NodeEntry  *e = nodemap_insert(c->map, key, &found);

	if (!found)
	{
		size_t		len = strlen(key);
		text	   *t = MemoryContextAlloc(c->cxt, VARHDRSZ + len + 1);

		if (c->nnodes == *cap)
		{
			*cap *= 2;
			c->names = repalloc_huge(c->names, sizeof(char *) * *cap);
			c->texts = repalloc_huge(c->texts, sizeof(text *) * *cap);
		}
		/* a text whose data is also a C string: a NUL past its length */
		SET_VARSIZE(t, VARHDRSZ + len);
		memcpy(VARDATA(t), key, len + 1);
		e->name = VARDATA(t);
		e->id = c->nnodes;
		c->texts[c->nnodes] = t;
		c->names[c->nnodes++] = e->name;
	}
	return e->id;
}

/* Compressed adjacency from parallel arrays of edge ends: offsets and neighbors. */
static void
lineage_cache_adjacency(LineageCache *c, const int32 *from, const int32 *to, int64 nedges,
						int32 **start_out, int32 **next_out)
{
	int32	   *start = MemoryContextAllocHuge(c->cxt, sizeof(int32) * (c->nnodes + 1));
	int32	   *next = MemoryContextAllocHuge(c->cxt, sizeof(int32) * Max(nedges, 1));
	int32	   *fill = palloc_extended(sizeof(int32) * (c->nnodes + 1), MCXT_ALLOC_HUGE);

	memset(start, 0, sizeof(int32) * (c->nnodes + 1));
	for (int64 i = 0; i < nedges; i++)
		start[from[i] + 1]++;
	for (int32 v = 0; v < c->nnodes; v++)
		start[v + 1] += start[v];
	memcpy(fill, start, sizeof(int32) * (c->nnodes + 1));
	for (int64 i = 0; i < nedges; i++)
		next[fill[from[i]]++] = to[i];
	pfree(fill);
	*start_out = start;
	*next_out = next;
}

static int
lineage_key_cmp(const void *a, const void *b, void *arg)
{
	const char *const *names = arg;

	return strcmp(names[*(const int32 *) a], names[*(const int32 *) b]);
}

/* Ranks the node keys bytewise once, so that walks order nodes by comparing integers. */
static void
lineage_cache_rank_names(LineageCache *c)
{
	int32	   *by_name = palloc_extended(sizeof(int32) * Max(c->nnodes, 1), MCXT_ALLOC_HUGE);

	for (int32 i = 0; i < c->nnodes; i++)
		by_name[i] = i;
	qsort_arg(by_name, c->nnodes, sizeof(int32), lineage_key_cmp, c->names);
	c->name_rank = MemoryContextAllocHuge(c->cxt, sizeof(int32) * Max(c->nnodes, 1));
	for (int32 i = 0; i < c->nnodes; i++)
		c->name_rank[by_name[i]] = i;
	pfree(by_name);
}

/*
 * Builds the cache of the edges the snapshot sees, for the given clock
 * state. It is built in a context under the current one and moved under
 * TopMemoryContext only once complete, so an error midway leaves nothing.
 * Returns NULL, having freed what it took, when the cache would be larger
 * than meshcat.lineage_cache_max_size.
 */
static LineageCache *
lineage_cache_build(const LineageRels *rels, Snapshot snapshot,
					TransactionId xmin, int64 changes)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "meshcat lineage cache",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	LineageCache *c = palloc0(sizeof(LineageCache));
	HeapTuple	tuple = NULL;
	int64		ndeclared = 0;
	int32		node_cap = 64;
	int64		edge_cap = 64;
	int32	   *up = palloc_extended(sizeof(int32) * edge_cap, MCXT_ALLOC_HUGE);
	int32	   *down = palloc_extended(sizeof(int32) * edge_cap, MCXT_ALLOC_HUGE);
	StringInfoData buf;

	c->cxt = cxt;
	c->edge_relid = rels->edge;
	c->clock_xmin = xmin;
	c->clock_changes = changes;
	c->names = palloc_extended(sizeof(char *) * node_cap, MCXT_ALLOC_HUGE);
	c->texts = palloc_extended(sizeof(text *) * node_cap, MCXT_ALLOC_HUGE);
	c->map = nodemap_create(cxt, 64, NULL);
	initStringInfo(&buf);

	/* declared edges first, then observed ones: [0, ndeclared) and [ndeclared, nedges) */
	for (int origin = 0; origin < NUM_ORIGINS && tuple == NULL; origin++)
	{
		Oid			relid = origin == ORIGIN_DECLARED ? rels->edge : rels->obs_edge;
		AttrNumber	up_att = origin == ORIGIN_DECLARED ? rels->upstream_att : rels->obs_upstream_att;
		AttrNumber	down_att = origin == ORIGIN_DECLARED ? rels->downstream_att : rels->obs_downstream_att;
		Relation	rel = table_open(relid, AccessShareLock);
		TupleDesc	desc = RelationGetDescr(rel);
		TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);

		while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
		{
			bool		isnull;

			if ((c->nedges & 255) == 0)
			{
				CHECK_FOR_INTERRUPTS();
				if (lineage_cache_too_big(cxt))
					break;
			}
			/* offsets into the adjacency arrays and node ids are int32 */
			if (c->nedges >= PG_INT32_MAX / 2 || c->nnodes >= PG_INT32_MAX / 4)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many lineage edges to walk in memory"),
						 errhint("Set meshcat.lineage_cache_threshold = -1 to walk by index only.")));
			if (c->nedges == edge_cap)
			{
				edge_cap *= 2;
				up = repalloc_huge(up, sizeof(int32) * edge_cap);
				down = repalloc_huge(down, sizeof(int32) * edge_cap);
			}
			up[c->nedges] = lineage_cache_intern(c,
												 lineage_text(heap_getattr(tuple, up_att, desc, &isnull), &buf),
												 &node_cap);
			down[c->nedges] = lineage_cache_intern(c,
												   lineage_text(heap_getattr(tuple, down_att, desc, &isnull), &buf),
												   &node_cap);
			c->nedges++;
		}
		table_endscan(scan);
		table_close(rel, NoLock);
		if (origin == ORIGIN_DECLARED)
			ndeclared = c->nedges;
	}
	if (tuple != NULL)
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		return NULL;
	}

	lineage_cache_adjacency(c, up, down, ndeclared,
							&c->start[1][ORIGIN_DECLARED], &c->next[1][ORIGIN_DECLARED]);
	lineage_cache_adjacency(c, down, up, ndeclared,
							&c->start[0][ORIGIN_DECLARED], &c->next[0][ORIGIN_DECLARED]);
	lineage_cache_adjacency(c, up + ndeclared, down + ndeclared, c->nedges - ndeclared,
							&c->start[1][ORIGIN_OBSERVED], &c->next[1][ORIGIN_OBSERVED]);
	lineage_cache_adjacency(c, down + ndeclared, up + ndeclared, c->nedges - ndeclared,
							&c->start[0][ORIGIN_OBSERVED], &c->next[0][ORIGIN_OBSERVED]);
	pfree(up);
	pfree(down);
	pfree(buf.data);
	lineage_cache_rank_names(c);
	c->seen_at = MemoryContextAllocHuge(cxt, sizeof(int32) * Max(c->nnodes, 1));
	c->seen_walk = MemoryContextAllocExtended(cxt, sizeof(uint32) * Max(c->nnodes, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	c->walk = 0;

	MemoryContextSwitchTo(old);
	if (lineage_cache_too_big(cxt))
	{
		MemoryContextDelete(cxt);
		return NULL;
	}
	MemoryContextSetParent(cxt, TopMemoryContext);
	return c;
}

static void
lineage_cache_drop(void)
{
	if (lineage_cache != NULL)
	{
		MemoryContextDelete(lineage_cache->cxt);
		lineage_cache = NULL;
	}
}

/* Adds a node found from parent; returns its index. */
static int32
walk_add(Walk *w, const char *name, int32 id, int32 parent)
{
	int32		i = w->n;

	if (w->n == w->cap)
	{
		w->cap *= 2;
		w->name = repalloc_huge(w->name, sizeof(char *) * w->cap);
		w->id = repalloc_huge(w->id, sizeof(int32) * w->cap);
		w->parent = repalloc_huge(w->parent, sizeof(int32) * w->cap);
		w->depth = repalloc_huge(w->depth, sizeof(int32) * w->cap);
		w->declared = repalloc_huge(w->declared, sizeof(bool) * w->cap);
	}
	w->name[i] = name;
	w->id[i] = id;
	w->parent[i] = parent;
	w->depth[i] = parent < 0 ? 0 : w->depth[parent] + 1;
	/* declared edges are visited first: a node found by an observed one has no declared edge from its parent */
	w->declared[i] = w->origin == ORIGIN_DECLARED;
	w->n++;
	if (w->target != NULL && strcmp(name, w->target) == 0)
		w->target_found = true;
	return i;
}

/* Whether a node key was found already; index walks only. */
static bool
walk_index_seen(Walk *w, const char *name)
{
	return nodemap_lookup(w->seen, name) != NULL;
}

static void
walk_index_mark(Walk *w, const char *name, int32 i)
{
	bool		found;

	nodemap_insert(w->seen, name, &found)->id = i;
}

static bool
walk_cache_seen(Walk *w, int32 id)
{
	return w->cache->seen_walk[id] == w->cache->walk;
}

static void
walk_cache_mark(Walk *w, int32 id, int32 i)
{
	w->cache->seen_walk[id] = w->cache->walk;
	w->cache->seen_at[id] = i;
}

/* Opens the edge table of the current origin and its index for this walk's direction. */
static void
walk_open_index(Walk *w)
{
	int			o = w->origin;
	bool		declared = o == ORIGIN_DECLARED;

	if (w->scan[o] != NULL)
		return;
	w->edge_rel[o] = table_open(declared ? w->rels->edge : w->rels->obs_edge, AccessShareLock);
	w->index_rel[o] = index_open(w->forward ?
								 (declared ? w->rels->forward_index : w->rels->obs_forward_index) :
								 (declared ? w->rels->backward_index : w->rels->obs_backward_index),
								 AccessShareLock);
	w->slot[o] = table_slot_create(w->edge_rel[o], NULL);
	w->scan[o] = index_beginscan(w->edge_rel[o], w->index_rel[o], GetActiveSnapshot(), 1, 0);
}

static void
walk_close_index(Walk *w)
{
	for (int o = 0; o < NUM_ORIGINS; o++)
	{
		if (w->scan[o] == NULL)
			continue;
		index_endscan(w->scan[o]);
		ExecDropSingleTupleTableSlot(w->slot[o]);
		index_close(w->index_rel[o], NoLock);
		table_close(w->edge_rel[o], NoLock);
		w->scan[o] = NULL;
	}
}

/*
 * Visits the neighbors of node i by index scan. With probe set, only says
 * whether one is not found yet; else adds those not found yet. The first
 * level of a walk with a version keeps only the edges whose range admits it.
 */
static bool
walk_index_neighbors(Walk *w, int32 i, bool probe)
{
	ScanKeyData key;
	bool		declared = w->origin == ORIGIN_DECLARED;
	AttrNumber	other = w->forward ?
		(declared ? w->rels->downstream_att : w->rels->obs_downstream_att) :
		(declared ? w->rels->upstream_att : w->rels->obs_upstream_att);
	/* an observed edge has no version range: it admits every version */
	bool		filter = w->has_via && i == 0 && declared;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	StringInfoData buf;
	bool		unseen = false;

	walk_open_index(w);
	scan = w->scan[w->origin];
	slot = w->slot[w->origin];
	ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, InvalidOid,
						   w->index_rel[w->origin]->rd_indcollation[0], F_TEXTEQ,
						   PointerGetDatum(cstring_to_text(w->name[i])));
	index_rescan(scan, &key, 1, NULL, 0);
	initStringInfo(&buf);
	while (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		const char *name;

		CHECK_FOR_INTERRUPTS();
		w->examined++;
		if (filter)
		{
			Datum		range = slot_getattr(slot, w->rels->range_att, &isnull);

			if (!isnull &&
				!DatumGetBool(DirectFunctionCall2(semver_satisfies, w->via_version, range)))
				continue;
		}
		name = lineage_text(slot_getattr(slot, other, &isnull), &buf);
		if (w->cache != NULL)
		{
			/* the first level of a cached walk with a version */
			NodeEntry  *e = nodemap_lookup(w->cache->map, name);

			if (e == NULL)
				elog(ERROR, "lineage cache out of step: no node \"%s\"", name);
			if (walk_cache_seen(w, e->id))
				continue;
			if (probe)
				return true;
			walk_cache_mark(w, e->id, walk_add(w, e->name, e->id, i));
		}
		else
		{
			if (walk_index_seen(w, name))
				continue;
			unseen = true;
			if (probe)
				break;
			name = pstrdup(name);
			walk_index_mark(w, name, walk_add(w, name, -1, i));
		}
	}
	pfree(buf.data);
	return unseen;
}

/* The same from the cache's adjacency arrays. */
static bool
walk_cache_neighbors(Walk *w, int32 i, bool probe)
{
	LineageCache *c = w->cache;
	int			f = w->forward ? 1 : 0;
	int			o = w->origin;
	int32		id = w->id[i];

	if (id < 0)
		return false;			/* a node without edges */
	for (int32 k = c->start[f][o][id]; k < c->start[f][o][id + 1]; k++)
	{
		int32		next = c->next[f][o][k];

		w->examined++;
		if (walk_cache_seen(w, next))
			continue;
		if (probe)
			return true;
		walk_cache_mark(w, next, walk_add(w, c->names[next], next, i));
	}
	return false;
}

static bool
walk_neighbors_of(Walk *w, int32 i, bool probe)
{
	if (w->cache == NULL || (w->has_via && i == 0))
		return walk_index_neighbors(w, i, probe);
	return walk_cache_neighbors(w, i, probe);
}

/* The neighbors through declared edges, then (when asked) through observed ones. */
static bool
walk_neighbors(Walk *w, int32 i, bool probe)
{
	bool		unseen;

	w->origin = ORIGIN_DECLARED;
	unseen = walk_neighbors_of(w, i, probe);
	if (w->observed && !(probe && unseen))
	{
		w->origin = ORIGIN_OBSERVED;
		unseen = walk_neighbors_of(w, i, probe) || unseen;
		w->origin = ORIGIN_DECLARED;
	}
	return unseen;
}

/* Orders nodes by key, bytewise: by the cache's ranks of the keys when there is one. */
static int
walk_name_cmp(const void *a, const void *b, void *arg)
{
	const Walk *w = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (w->cache != NULL)
	{
		/* every node but the start has a cache id, and the start is never compared */
		int32		rx = w->cache->name_rank[w->id[x]];
		int32		ry = w->cache->name_rank[w->id[y]];

		return rx < ry ? -1 : rx > ry;
	}
	return strcmp(w->name[x], w->name[y]);
}

/*
 * Runs the breadth-first search from node 0. A level is expanded in order of
 * path, so the first parent that finds a node is the one on its lowest
 * shortest path. Returns false when an index walk ran over its budget.
 */
static bool
walk_run(Walk *w)
{
	int32	   *level = palloc(sizeof(int32));
	int32		level_len = 1;
	int32		depth = 0;

	level[0] = 0;
	for (;;)
	{
		int32		first = w->n;

		if (w->max_depth > 0 && depth == w->max_depth)
			break;
		if (w->target_found)
			break;
		for (int32 j = 0; j < level_len; j++)
		{
			CHECK_FOR_INTERRUPTS();
			walk_neighbors(w, level[j], false);
			if (w->cache == NULL && w->examined > w->budget)
				return false;
		}
		if (w->n == first)
			break;
		/*
		 * The next level, in order of path. Nodes were found in order of
		 * their parents' paths, so only the children of each parent need
		 * sorting among themselves, by node key.
		 */
		pfree(level);
		level_len = w->n - first;
		level = palloc_extended(sizeof(int32) * level_len, MCXT_ALLOC_HUGE);
		for (int32 j = 0; j < level_len; j++)
			level[j] = first + j;
		for (int32 j = 0, from = 0; j <= level_len; j++)
		{
			if (j < level_len && w->parent[level[j]] == w->parent[level[from]])
				continue;
			if (j - from > 1)
				qsort_arg(level + from, j - from, sizeof(int32), walk_name_cmp, w);
			from = j;
		}
		depth++;
	}

	/* Nodes at the depth limit with lineage beyond it say so. */
	w->truncated = palloc_extended(sizeof(bool) * w->n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	if (w->max_depth > 0 && depth == w->max_depth && depth > 0)
	{
		for (int32 j = 0; j < level_len; j++)
		{
			CHECK_FOR_INTERRUPTS();
			w->truncated[level[j]] = walk_neighbors(w, level[j], true);
		}
	}
	return true;
}

/* A walk's starting state; the start node is resolved against the cache if any. */
static void
walk_begin(Walk *w, const char *start)
{
	w->n = 0;
	w->cap = 64;
	w->name = palloc(sizeof(char *) * w->cap);
	w->id = palloc(sizeof(int32) * w->cap);
	w->parent = palloc(sizeof(int32) * w->cap);
	w->depth = palloc(sizeof(int32) * w->cap);
	w->declared = palloc(sizeof(bool) * w->cap);
	w->origin = ORIGIN_DECLARED;
	w->examined = 0;
	w->target_found = false;
	if (w->cache != NULL)
	{
		NodeEntry  *e = nodemap_lookup(w->cache->map, start);

		/* a new walk number; on wrap-around, forget every mark */
		if (++w->cache->walk == 0)
		{
			memset(w->cache->seen_walk, 0, sizeof(uint32) * Max(w->cache->nnodes, 1));
			w->cache->walk = 1;
		}
		walk_add(w, e ? e->name : start, e ? e->id : -1, -1);
		if (e)
			walk_cache_mark(w, e->id, 0);
	}
	else
	{
		w->seen = nodemap_create(CurrentMemoryContext, 256, NULL);
		walk_index_mark(w, start, walk_add(w, start, -1, -1));
	}
}

/*
 * Walks from start, using the cache when it holds the snapshot's edges,
 * else index scans, building the cache when an index walk proves long.
 */
static void
lineage_walk_nodes(Walk *w, const char *start)
{
	Snapshot	snapshot = GetActiveSnapshot();
	TransactionId xmin = InvalidTransactionId;
	int64		changes = 0;
	bool		own = false;
	bool		cacheable;

	/* turned off, or the limit lowered: give its memory back */
	if (meshcat_lineage_cache_threshold < 0 ||
		(lineage_cache != NULL && lineage_cache_too_big(lineage_cache->cxt)))
		lineage_cache_drop();
	cacheable = meshcat_lineage_cache_threshold >= 0 &&
		lineage_read_clock(w->rels, snapshot, &xmin, &changes, &own) && !own;

	if (cacheable && lineage_cache != NULL &&
		(lineage_cache->edge_relid != w->rels->edge ||
		 lineage_cache->clock_xmin != xmin ||
		 lineage_cache->clock_changes != changes))
		lineage_cache_drop();

	if (!cacheable || lineage_cache == NULL)
	{
		Relation	rel = table_open(w->rels->edge, AccessShareLock);
		double		edges = Max(rel->rd_rel->reltuples, 0);

		table_close(rel, NoLock);
		rel = table_open(w->rels->obs_edge, AccessShareLock);
		edges += Max(rel->rd_rel->reltuples, 0);
		table_close(rel, NoLock);
		w->cache = NULL;
		if (!cacheable)
			w->budget = PG_INT64_MAX;
		else
		{
			if (index_reads.edge_relid != w->rels->edge ||
				index_reads.clock_xmin != xmin || index_reads.clock_changes != changes)
			{
				index_reads.edge_relid = w->rels->edge;
				index_reads.clock_xmin = xmin;
				index_reads.clock_changes = changes;
				index_reads.edges = 0;
				index_reads.too_big_at = 0;
			}
			if (meshcat_lineage_cache_max_size <= index_reads.too_big_at)
				w->budget = PG_INT64_MAX;
			else if (meshcat_lineage_cache_threshold == 0)
				w->budget = 0;
			else
				w->budget = Max(meshcat_lineage_cache_threshold,
								(int64) (edges / INDEX_WALK_SHARE)) - index_reads.edges;
		}
		walk_begin(w, start);
		if (walk_run(w))
		{
			if (cacheable)
				index_reads.edges += w->examined;
			return;
		}
		/* too long for index scans: load the whole edge list once */
		walk_close_index(w);
		lineage_cache = lineage_cache_build(w->rels, snapshot, xmin, changes);
		if (lineage_cache == NULL)
		{
			/* too large to hold: walk by index until the lineage changes or the limit is raised */
			ereport(DEBUG1,
					(errmsg("lineage walked through indexes: it does not fit in meshcat.lineage_cache_max_size (%d kB)",
							meshcat_lineage_cache_max_size)));
			index_reads.too_big_at = meshcat_lineage_cache_max_size;
			w->budget = PG_INT64_MAX;
			walk_begin(w, start);
			(void) walk_run(w);
			index_reads.edges += w->examined;
			return;
		}
	}
	w->cache = lineage_cache;
	walk_begin(w, start);
	(void) walk_run(w);
}

/*
 * Returns the path from the start to node i as a text[]. The array is laid
 * out directly (what construct_array would build, without its per-element
 * checks): every element is a text with a 4-byte header, int-aligned.
 */
static Datum
walk_path(Walk *w, int32 i, Datum *texts, Datum *buf)
{
	int32		len = w->depth[i] + 1;
	Size		nbytes = 0;
	ArrayType  *array;
	char	   *p;

	for (int32 k = len - 1, j = i; k >= 0; k--, j = w->parent[j])
	{
		if (texts[j] == (Datum) 0)
			texts[j] = PointerGetDatum(cstring_to_text(w->name[j]));
		buf[k] = texts[j];
		nbytes += INTALIGN(VARSIZE(DatumGetPointer(buf[k])));
	}
	array = palloc0(ARR_OVERHEAD_NONULLS(1) + nbytes);
	SET_VARSIZE(array, ARR_OVERHEAD_NONULLS(1) + nbytes);
	array->ndim = 1;
	array->dataoffset = 0;
	array->elemtype = TEXTOID;
	ARR_DIMS(array)[0] = len;
	ARR_LBOUND(array)[0] = 1;
	p = ARR_DATA_PTR(array);
	for (int32 k = 0; k < len; k++)
	{
		Size		size = VARSIZE(DatumGetPointer(buf[k]));

		memcpy(p, DatumGetPointer(buf[k]), size);
		p += INTALIGN(size);
	}
	return PointerGetDatum(array);
}

typedef enum WalkShape
{
	SHAPE_WALK,
	SHAPE_CLOSURE
} WalkShape;

/*
 * Runs a walk in a short-lived context and stores its rows, in order of
 * depth and node, into the SRF's tuplestore. shape says which columns:
 * lineage_walk's (node, depth, path, truncated), or mesh_downstream's
 * (id, kind, domain, depth, path, truncated, origin). Returns the number of
 * truncated rows.
 */

static int64
lineage_walk_rows(FunctionCallInfo fcinfo, WalkShape shape, const char *start,
				  bool forward, int32 max_depth, const char *target,
				  bool has_via, Datum via_version, bool observed)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "meshcat lineage walk",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	LineageRels rels;
	Walk		w = {0};
	int32	   *order;
	Datum	   *texts;
	Datum	   *buf;
	int64		cut = 0;
	Datum		kind_source;
	Datum		kind_product;
	Datum		origin_declared;
	Datum		origin_observed;

	InitMaterializedSRF(fcinfo, 0);
	if (!ActiveSnapshotSet())
		elog(ERROR, "a lineage walk needs an active snapshot");
	lineage_lookup_rels(get_namespace_oid(MESHCAT_INTERNAL_SCHEMA, false), &rels, observed);

	old = MemoryContextSwitchTo(cxt);
	w.forward = forward;
	w.max_depth = max_depth;
	w.target = target;
	w.has_via = has_via;
	w.via_version = via_version;
	w.observed = observed;
	w.rels = &rels;
	lineage_walk_nodes(&w, start);
	walk_close_index(&w);

	/* every node but the start, by depth then node key */
	order = palloc_extended(sizeof(int32) * w.n, MCXT_ALLOC_HUGE);
	for (int32 i = 1, from = 1; i <= w.n; i++)
	{
		order[i - 1] = i;
		if (i == w.n || w.depth[i] != w.depth[from])
		{
			qsort_arg(order + from - 1, i - from, sizeof(int32), walk_name_cmp, &w);
			from = i;
		}
	}
	texts = palloc_extended(sizeof(Datum) * w.n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int32 i = 0; i < w.n && w.cache != NULL; i++)
		if (w.id[i] >= 0)
			texts[i] = PointerGetDatum(w.cache->texts[w.id[i]]);
	buf = palloc_extended(sizeof(Datum) * (w.n + 1), MCXT_ALLOC_HUGE);
	kind_source = CStringGetTextDatum("source");
	kind_product = CStringGetTextDatum("product");
	origin_declared = CStringGetTextDatum("declared");
	origin_observed = CStringGetTextDatum("observed");
	for (int32 k = 0; k < w.n - 1; k++)
	{
		int32		i = order[k];
		Datum		values[7];
		bool		nulls[7] = {false};
		bool		is_source = w.name[i][0] == 's' && strncmp(w.name[i], "source:", 7) == 0;

		if ((k & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (texts[i] == (Datum) 0)
			texts[i] = PointerGetDatum(cstring_to_text(w.name[i]));
		if (shape == SHAPE_WALK)
		{
			values[0] = texts[i];
			values[1] = Int32GetDatum(w.depth[i]);
			values[2] = walk_path(&w, i, texts, buf);
			values[3] = BoolGetDatum(w.truncated[i]);
		}
		else
		{
			const char *dot = strchr(w.name[i], '.');

			values[0] = texts[i];
			values[1] = is_source ? kind_source : kind_product;
			if (is_source)
				nulls[2] = true;
			else
				values[2] = PointerGetDatum(cstring_to_text_with_len(w.name[i],
																	 dot ? dot - w.name[i] : strlen(w.name[i])));
			values[3] = Int32GetDatum(w.depth[i]);
			values[4] = walk_path(&w, i, texts, buf);
			values[5] = BoolGetDatum(w.truncated[i]);
			values[6] = w.declared[i] ? origin_declared : origin_observed;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (w.truncated[i])
			cut++;
		if (shape == SHAPE_WALK)
			pfree(DatumGetPointer(values[2]));
		else
		{
			if (!is_source)
				pfree(DatumGetPointer(values[2]));
			pfree(DatumGetPointer(values[4]));
		}
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return cut;
}

/* Raises 22023 for a depth limit below 1 (NULL, passed as 0, is none). */
static int32
lineage_depth_arg(FunctionCallInfo fcinfo, int argno)
{
	int32		max_depth;

	if (PG_ARGISNULL(argno))
		return 0;
	max_depth = PG_GETARG_INT32(argno);
	if (max_depth < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_depth must be at least 1, not %d", max_depth),
				 errhint("Leave max_depth NULL (the default) for the whole lineage.")));
	return max_depth;
}

/*
 * lineage_walk(start text, forward boolean, max_depth int, target text,
 * via_version semver, observed boolean) RETURNS TABLE (node, depth, path,
 * truncated): the walk from a node key, stopping at max_depth, or after the
 * level where target is found; via_version keeps the first-level edges
 * whose range admits it; observed walks observed edges too (the cycle
 * checks walk declared ones only).
 */
PG_FUNCTION_INFO_V1(lineage_walk);
Datum
lineage_walk(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	lineage_walk_rows(fcinfo, SHAPE_WALK, text_to_cstring(PG_GETARG_TEXT_PP(0)),
					  PG_GETARG_BOOL(1), lineage_depth_arg(fcinfo, 2),
					  PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3)),
					  !PG_ARGISNULL(4), PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4),
					  PG_NARGS() > 5 && !PG_ARGISNULL(5) && PG_GETARG_BOOL(5));
	return (Datum) 0;
}

/*
 * The closure behind mesh_downstream and mesh_upstream: resolves the
 * product or source with lineage_node (23503 when unknown), walks, and
 * says with a NOTICE when max_depth cut the walk short.
 */
static Datum
lineage_closure(FunctionCallInfo fcinfo, bool forward)
{
	Oid			argtype = TEXTOID;
	Oid			resolve;
	int32		max_depth;
	char	   *start;
	int64		cut;

	if (PG_ARGISNULL(0))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	max_depth = lineage_depth_arg(fcinfo, 1);
	resolve = LookupFuncName(list_make2(makeString(MESHCAT_INTERNAL_SCHEMA),
										makeString("lineage_node")),
							 1, &argtype, false);
	start = TextDatumGetCString(OidFunctionCall1Coll(resolve, PG_GET_COLLATION(),
													 PG_GETARG_DATUM(0)));
	cut = lineage_walk_rows(fcinfo, SHAPE_CLOSURE, start, forward, max_depth,
							NULL, false, (Datum) 0, true);
	if (cut > 0)
		ereport(NOTICE,
				(errmsg("%s: the lineage of \"%s\" goes beyond max_depth %d",
						forward ? "mesh_downstream" : "mesh_upstream", start, max_depth),
				 errdetail("%lld row(s) at depth %d have truncated = true: their lineage continues.",
						   (long long) cut, max_depth),
				 errhint("Raise max_depth, or leave it NULL for the whole lineage.")));
	return (Datum) 0;
}

/* mesh_downstream(product text, max_depth int): who consumes it, directly or not. */
PG_FUNCTION_INFO_V1(mesh_downstream);
Datum
mesh_downstream(PG_FUNCTION_ARGS)
{
	return lineage_closure(fcinfo, true);
}

/* mesh_upstream(product text, max_depth int): what it derives from, directly or not. */
PG_FUNCTION_INFO_V1(mesh_upstream);
Datum
mesh_upstream(PG_FUNCTION_ARGS)
{
	return lineage_closure(fcinfo, false);
}

/*
 * xact_wrote(xid): whether a row version of that xmin was written by this
 * transaction or one of its subtransactions not rolled back. The clock
 * trigger ticks once per transaction with it: comparing with the top-level
 * xid alone would tick again in every subtransaction (a savepoint, a PL/pgSQL
 * exception block), adding a row version each time.
 */
PG_FUNCTION_INFO_V1(xact_wrote);
Datum
xact_wrote(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(TransactionIdIsCurrentTransactionId(PG_GETARG_TRANSACTIONID(0)));
}

/*
 * lineage_cache_state(): what this backend's cache holds, for tests and
 * monitoring: the clock counter it was built at, nodes, edges and bytes.
 */
PG_FUNCTION_INFO_V1(lineage_cache_state);
Datum
lineage_cache_state(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false};

	LineageRels rels;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "lineage_cache_state must return a row");
	/* what it shows is lineage: for those who may read it */
	lineage_lookup_rels(get_namespace_oid(MESHCAT_INTERNAL_SCHEMA, false), &rels, false);
	if (lineage_cache != NULL && lineage_cache->edge_relid != rels.edge)
		lineage_cache_drop();	/* of an extension dropped since */
	if (lineage_cache == NULL)
		nulls[0] = nulls[1] = nulls[2] = nulls[3] = true;
	else
	{
		values[0] = Int64GetDatum(lineage_cache->clock_changes);
		values[1] = Int64GetDatum(lineage_cache->nnodes);
		values[2] = Int64GetDatum(lineage_cache->nedges);
		values[3] = Int64GetDatum(MemoryContextMemAllocated(lineage_cache->cxt, true));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
