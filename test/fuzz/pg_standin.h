/*
 * pg_standin.h
 *	  What fuzz_yaml.c needs from pg_standin.c, the stand-in for the parts of
 *	  the PostgreSQL backend that src/yaml_*.c call.
 */
#ifndef MESHCAT_PG_STANDIN_H
#define MESHCAT_PG_STANDIN_H

#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/numeric.h"

/* The last error raised with ereport() or elog(). */
typedef struct StandinError
{
	int			elevel;
	int			sqlerrcode;
	char		message[512];
	char		detail[512];
	char		hint[512];
	char		context[512];
	const char *filename;
	int			lineno;
} StandinError;

extern const StandinError *StandinLastError(void);

/* A memory context of its own (malloc'd chunks, freed on reset or delete). */
extern MemoryContext StandinTopContext(void);

/*
 * Fault injection: the nth allocation from now (1 = the next one) fails with
 * "out of memory" (cancel = false), or sets InterruptPending so that the next
 * CHECK_FOR_INTERRUPTS() cancels the statement (cancel = true). 0 disarms.
 */
extern void StandinFailAllocation(long nth, bool cancel);
extern long StandinAllocations(void);

/* The documents mesh_yaml_documents() put in its result. */
extern int	StandinStoredCount(Tuplestorestate *store);
extern Jsonb *StandinStored(Tuplestorestate *store, int i);

/* Whether the bytes are a numeric as this stand-in makes them. */
extern bool StandinNumericValid(const char *bytes, uint32 len);

/* How long numeric_out's text for a stand-in numeric is. */
extern size_t StandinNumericTextLength(const char *bytes);

#endif							/* MESHCAT_PG_STANDIN_H */
