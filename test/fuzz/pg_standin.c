/*
 * pg_standin.c
 *	  A stand-in for the parts of the PostgreSQL backend that src/yaml_parse.c
 *	  and src/yaml_emit.c call, so that fuzz_yaml.c can run them outside the
 *	  server.
 *
 * The backend is one executable, not a library, so its code cannot be linked
 * into a fuzzer. What the YAML layer needs from it is small, and is written
 * here with the same contracts, for a UTF-8 database:
 *
 *	- memory contexts: every chunk is its own malloc() (so AddressSanitizer
 *	  sees overruns and use after pfree, reset or delete), with its header
 *	  poisoned; new memory is filled with 0x7F as assert-enabled servers do;
 *	  sizes are checked as palloc() checks them;
 *	- ereport() and elog(): the error is recorded and thrown with siglongjmp
 *	  to PG_exception_stack, as the backend does, after the error context
 *	  callbacks have run; messages are formatted with PostgreSQL's own printf
 *	  (libpgport);
 *	- dynahash tables, detoasting of plain varlenas, DirectFunctionCall,
 *	  cstring_to_text, pg_mbcliplen, a tuplestore that keeps copies of the
 *	  documents, CHECK_FOR_INTERRUPTS();
 *	- numeric: numeric_in, numeric_out, int64_to_numeric and the two
 *	  operations the parser uses, on a representation of its own (sign,
 *	  significant digits, decimal weight, display scale: compact as the real
 *	  one is) with the real one's range errors; numeric_in aborts on text that
 *	  is not a number, since that means the YAML resolver and numeric_in
 *	  disagree;
 *	- JsonbIteratorInit/Next, which the emitter walks jsonb with.
 *
 * hash_bytes, qsort_arg, pg_encoding_verifymbstr and StringInfo come from
 * libpgcommon and libpgport, PostgreSQL's own code. Fault injection makes the
 * nth allocation fail, or cancels the statement there, so that every error
 * path of the YAML layer can be reached.
 */
#include "postgres.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <sanitizer/asan_interface.h>

#include "access/detoast.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "pg_standin.h"

static void standin_abort(const char *fmt,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

/* Stops the fuzzer: the YAML layer did something the backend never allows. */
static void
standin_abort(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	fprintf(stderr, "pg_standin: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

void
ExceptionalCondition(const char *conditionName, const char *errorType,
					 const char *fileName, int lineNumber)
{
	standin_abort("%s(\"%s\") failed at %s:%d",
				  errorType, conditionName, fileName, lineNumber);
}


/* ---------------------------------------------------------------- errors */

sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;
volatile sig_atomic_t InterruptPending = false;

static StandinError error_building;
static StandinError error_last;

const StandinError *
StandinLastError(void)
{
	return &error_last;
}

bool
errstart(int elevel, const char *domain)
{
	/* a nested error (say, palloc failing in errmsg's arguments) replaces it */
	memset(&error_building, 0, sizeof(error_building));
	error_building.elevel = elevel;
	error_building.sqlerrcode = (elevel >= ERROR) ? ERRCODE_INTERNAL_ERROR :
		(elevel == WARNING) ? ERRCODE_WARNING : ERRCODE_SUCCESSFUL_COMPLETION;
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	int			elevel = error_building.elevel;

	error_building.filename = filename;
	error_building.lineno = lineno;
	if (elevel < ERROR)
		return;

	/* the callbacks add CONTEXT lines, as the backend's do */
	for (ErrorContextCallback *cb = error_context_stack; cb != NULL; cb = cb->previous)
		cb->callback(cb->arg);
	error_last = error_building;
	if (elevel > ERROR)
		standin_abort("%s at %s:%d: %s", elevel == FATAL ? "FATAL" : "PANIC",
					  filename, lineno, error_last.message);
	pg_re_throw();
}

void
pg_re_throw(void)
{
	if (PG_exception_stack == NULL)
		standin_abort("ERROR outside of PG_TRY: %s", error_last.message);
	siglongjmp(*PG_exception_stack, 1);
}

int
errcode(int sqlerrcode)
{
	error_building.sqlerrcode = sqlerrcode;
	return 0;
}

#define STANDIN_FORMAT(field, fmt) \
	do { \
		va_list		ap; \
		va_start(ap, fmt); \
		vsnprintf(field, sizeof(field), fmt, ap); \
		va_end(ap); \
	} while (0)

int
errmsg(const char *fmt,...)
{
	STANDIN_FORMAT(error_building.message, fmt);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	STANDIN_FORMAT(error_building.message, fmt);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	STANDIN_FORMAT(error_building.detail, fmt);
	return 0;
}

int
errhint(const char *fmt,...)
{
	STANDIN_FORMAT(error_building.hint, fmt);
	return 0;
}

int
set_errcontext_domain(const char *domain)
{
	return 0;
}

int
errcontext_msg(const char *fmt,...)
{
	char		line[256];
	size_t		used = strlen(error_building.context);

	STANDIN_FORMAT(line, fmt);
	snprintf(error_building.context + used, sizeof(error_building.context) - used,
			 "%s%s", used > 0 ? "\n" : "", line);
	return 0;
}

void
ProcessInterrupts(void)
{
	InterruptPending = false;
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("canceling statement due to user request")));
}


/* ---------------------------------------------------------------- memory */

typedef struct StandinContext StandinContext;

/* Precedes every chunk; poisoned while the chunk is handed out. */
typedef struct StandinChunk
{
	StandinContext *cxt;
	struct StandinChunk *prev;
	struct StandinChunk *next;
	Size		size;
} StandinChunk;

struct StandinContext
{
	MemoryContextData hdr;		/* parent, children and name */
	StandinChunk *chunks;
};

MemoryContext CurrentMemoryContext = NULL;

static long alloc_count = 0;
static long fail_countdown = 0;
static bool fail_cancel = false;

void
StandinFailAllocation(long nth, bool cancel)
{
	fail_countdown = nth;
	fail_cancel = cancel;
	InterruptPending = false;
}

long
StandinAllocations(void)
{
	return alloc_count;
}

static inline StandinChunk *
chunk_of(void *pointer)
{
	StandinChunk *c = (StandinChunk *) pointer - 1;

	ASAN_UNPOISON_MEMORY_REGION(c, sizeof(StandinChunk));
	return c;
}

static inline void *
chunk_pointer(StandinChunk *c)
{
	ASAN_POISON_MEMORY_REGION(c, sizeof(StandinChunk));
	return c + 1;
}

static void
chunk_unlink(StandinChunk *c)
{
	if (c->prev != NULL)
	{
		ASAN_UNPOISON_MEMORY_REGION(c->prev, sizeof(StandinChunk));
		c->prev->next = c->next;
		ASAN_POISON_MEMORY_REGION(c->prev, sizeof(StandinChunk));
	}
	else
		c->cxt->chunks = c->next;
	if (c->next != NULL)
	{
		ASAN_UNPOISON_MEMORY_REGION(c->next, sizeof(StandinChunk));
		c->next->prev = c->prev;
		ASAN_POISON_MEMORY_REGION(c->next, sizeof(StandinChunk));
	}
}

static void *
standin_alloc(MemoryContext context, Size size, bool huge, bool zero)
{
	StandinContext *cxt = (StandinContext *) context;
	StandinChunk *c;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	if (fail_countdown > 0 && --fail_countdown == 0)
	{
		if (fail_cancel)
			InterruptPending = true;
		else
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Failed on request of size %zu in memory context \"%s\".",
							   size, context->name)));
	}
	alloc_count++;

	c = malloc(sizeof(StandinChunk) + size);
	if (c == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	memset(c + 1, zero ? 0 : 0x7F, size);
	c->cxt = cxt;
	c->size = size;
	c->prev = NULL;
	c->next = cxt->chunks;
	if (c->next != NULL)
	{
		ASAN_UNPOISON_MEMORY_REGION(c->next, sizeof(StandinChunk));
		c->next->prev = c;
		ASAN_POISON_MEMORY_REGION(c->next, sizeof(StandinChunk));
	}
	cxt->chunks = c;
	return chunk_pointer(c);
}

/* Frees a context's chunks and deletes its children. */
static void
context_empty(StandinContext *cxt)
{
	while (cxt->hdr.firstchild != NULL)
		MemoryContextDelete(cxt->hdr.firstchild);
	while (cxt->chunks != NULL)
	{
		StandinChunk *c = cxt->chunks;

		ASAN_UNPOISON_MEMORY_REGION(c, sizeof(StandinChunk));
		cxt->chunks = c->next;
		if (cxt->chunks != NULL)
			ASAN_UNPOISON_MEMORY_REGION(cxt->chunks, sizeof(StandinChunk));
		free(c);
	}
}

MemoryContext
AllocSetContextCreateInternal(MemoryContext parent, const char *name,
							  Size minContextSize, Size initBlockSize,
							  Size maxBlockSize)
{
	StandinContext *cxt = calloc(1, sizeof(StandinContext));

	if (cxt == NULL)
		standin_abort("no memory for a context");
	cxt->hdr.type = T_AllocSetContext;
	cxt->hdr.name = name;
	cxt->hdr.parent = parent;
	if (parent != NULL)
	{
		cxt->hdr.nextchild = parent->firstchild;
		if (parent->firstchild != NULL)
			parent->firstchild->prevchild = (MemoryContext) cxt;
		parent->firstchild = (MemoryContext) cxt;
	}
	return (MemoryContext) cxt;
}

MemoryContext
StandinTopContext(void)
{
	static MemoryContext top = NULL;

	if (top == NULL)
		top = AllocSetContextCreate(NULL, "standin top", ALLOCSET_DEFAULT_SIZES);
	return top;
}

void
MemoryContextReset(MemoryContext context)
{
	context_empty((StandinContext *) context);
}

void
MemoryContextDelete(MemoryContext context)
{
	if (context == CurrentMemoryContext)
		standin_abort("deleting the current memory context \"%s\"", context->name);
	context_empty((StandinContext *) context);
	if (context->prevchild != NULL)
		context->prevchild->nextchild = context->nextchild;
	else if (context->parent != NULL)
		context->parent->firstchild = context->nextchild;
	if (context->nextchild != NULL)
		context->nextchild->prevchild = context->prevchild;
	free(context);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return standin_alloc(context, size, false, false);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return standin_alloc(context, size, false, true);
}

void *
palloc(Size size)
{
	return standin_alloc(CurrentMemoryContext, size, false, false);
}

void *
palloc0(Size size)
{
	return standin_alloc(CurrentMemoryContext, size, false, true);
}

static void *
standin_realloc(void *pointer, Size size, bool huge)
{
	StandinChunk *old = chunk_of(pointer);
	StandinContext *cxt = old->cxt;
	Size		oldsize = old->size;
	void	   *p;

	ASAN_POISON_MEMORY_REGION(old, sizeof(StandinChunk));
	/* always moves, so that stale pointers are caught */
	p = standin_alloc((MemoryContext) cxt, size, huge, false);
	memcpy(p, pointer, Min(oldsize, size));
	pfree(pointer);
	return p;
}

void *
repalloc(void *pointer, Size size)
{
	return standin_realloc(pointer, size, false);
}

void *
repalloc_huge(void *pointer, Size size)
{
	return standin_realloc(pointer, size, true);
}

void
pfree(void *pointer)
{
	StandinChunk *c = chunk_of(pointer);

	chunk_unlink(c);
	free(c);
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}


/* ---------------------------------------------------------------- dynahash */

typedef struct StandinHashEntry
{
	struct StandinHashEntry *next;
	uint32		hashvalue;
	/* the entry, MAXALIGNed, follows */
} StandinHashEntry;

#define ENTRY_DATA(e) ((char *) (e) + MAXALIGN(sizeof(StandinHashEntry)))

struct HTAB
{
	MemoryContext cxt;
	Size		keysize;
	Size		entrysize;
	HashValueFunc hash;
	HashCompareFunc match;
	long		nbuckets;
	long		nentries;
	StandinHashEntry **buckets;
};

HTAB *
hash_create(const char *tabname, long nelem, const HASHCTL *info, int flags)
{
	MemoryContext cxt = (flags & HASH_CONTEXT) ? info->hcxt : CurrentMemoryContext;
	HTAB	   *h;

	if ((flags & (HASH_ELEM | HASH_FUNCTION | HASH_COMPARE)) !=
		(HASH_ELEM | HASH_FUNCTION | HASH_COMPARE) ||
		(flags & ~(HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT)) != 0)
		standin_abort("hash_create: flags 0x%x are not supported here", flags);

	h = MemoryContextAlloc(cxt, sizeof(HTAB));
	h->cxt = cxt;
	h->keysize = info->keysize;
	h->entrysize = info->entrysize;
	h->hash = info->hash;
	h->match = info->match;
	h->nbuckets = 16;
	h->nentries = 0;
	h->buckets = MemoryContextAllocZero(cxt, sizeof(StandinHashEntry *) * h->nbuckets);
	return h;
}

static void
hash_grow(HTAB *h)
{
	long		n = h->nbuckets * 2;
	StandinHashEntry **b = MemoryContextAllocZero(h->cxt, sizeof(StandinHashEntry *) * n);

	for (long i = 0; i < h->nbuckets; i++)
	{
		StandinHashEntry *e = h->buckets[i];

		while (e != NULL)
		{
			StandinHashEntry *next = e->next;

			e->next = b[e->hashvalue % n];
			b[e->hashvalue % n] = e;
			e = next;
		}
	}
	pfree(h->buckets);
	h->buckets = b;
	h->nbuckets = n;
}

void *
hash_search(HTAB *h, const void *keyPtr, HASHACTION action, bool *foundPtr)
{
	uint32		hv = h->hash(keyPtr, h->keysize);
	StandinHashEntry **link = &h->buckets[hv % h->nbuckets];
	StandinHashEntry *e;

	for (e = *link; e != NULL; link = &e->next, e = e->next)
		if (e->hashvalue == hv && h->match(ENTRY_DATA(e), keyPtr, h->keysize) == 0)
			break;
	if (foundPtr != NULL)
		*foundPtr = (e != NULL);

	switch (action)
	{
		case HASH_FIND:
			return e ? ENTRY_DATA(e) : NULL;
		case HASH_REMOVE:
			if (e == NULL)
				return NULL;
			*link = e->next;
			h->nentries--;
			return ENTRY_DATA(e);	/* valid until the next HASH_ENTER */
		case HASH_ENTER:
		case HASH_ENTER_NULL:
			if (e != NULL)
				return ENTRY_DATA(e);
			e = MemoryContextAlloc(h->cxt, MAXALIGN(sizeof(StandinHashEntry)) + h->entrysize);
			e->hashvalue = hv;
			memcpy(ENTRY_DATA(e), keyPtr, h->keysize);
			e->next = h->buckets[hv % h->nbuckets];
			h->buckets[hv % h->nbuckets] = e;
			if (++h->nentries > 2 * h->nbuckets)
				hash_grow(h);
			return ENTRY_DATA(e);
	}
	return NULL;
}


/* ---------------------------------------------------------------- fmgr, varlena */

Datum
DirectFunctionCall1Coll(PGFunction func, Oid collation, Datum arg1)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, collation, NULL, NULL);
	fcinfo->args[0].value = arg1;
	fcinfo->args[0].isnull = false;
	result = func(fcinfo);
	if (fcinfo->isnull)
		elog(ERROR, "function %p returned NULL", (void *) func);
	return result;
}

Datum
DirectFunctionCall3Coll(PGFunction func, Oid collation, Datum arg1, Datum arg2,
						Datum arg3)
{
	LOCAL_FCINFO(fcinfo, 3);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 3, collation, NULL, NULL);
	fcinfo->args[0].value = arg1;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = arg2;
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = arg3;
	fcinfo->args[2].isnull = false;
	result = func(fcinfo);
	if (fcinfo->isnull)
		elog(ERROR, "function %p returned NULL", (void *) func);
	return result;
}

/* Only plain (not compressed, not external) varlenas reach the YAML layer here. */
struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	if (VARATT_IS_EXTENDED(datum))
		standin_abort("pg_detoast_datum: a toasted or short datum");
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	if (VARATT_IS_COMPRESSED(datum) || VARATT_IS_EXTERNAL(datum))
		standin_abort("pg_detoast_datum_packed: a toasted datum");
	return datum;
}

Size
toast_raw_datum_size(Datum value)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(value);

	if (VARATT_IS_COMPRESSED(v) || VARATT_IS_EXTERNAL(v))
		standin_abort("toast_raw_datum_size: a toasted datum");
	return VARSIZE_ANY(v);
}

text *
cstring_to_text_with_len(const char *s, int len)
{
	text	   *t = palloc(len + VARHDRSZ);

	SET_VARSIZE(t, len + VARHDRSZ);
	memcpy(VARDATA(t), s, len);
	return t;
}

text *
cstring_to_text(const char *s)
{
	return cstring_to_text_with_len(s, strlen(s));
}


/* ---------------------------------------------------------------- encoding */

int
GetDatabaseEncoding(void)
{
	return PG_UTF8;
}

/* Conversions happen only outside UTF-8 and SQL_ASCII databases. */
char *
pg_any_to_server(const char *s, int len, int encoding)
{
	standin_abort("pg_any_to_server: called in a UTF-8 database");
	return NULL;
}

char *
pg_server_to_any(const char *s, int len, int encoding)
{
	standin_abort("pg_server_to_any: called in a UTF-8 database");
	return NULL;
}

/* The longest prefix of at most limit bytes that ends on a character boundary (UTF-8). */
int
pg_mbcliplen(const char *mbstr, int len, int limit)
{
	int			clen = 0;

	while (len > 0 && *mbstr != '\0')
	{
		int			l = pg_encoding_mblen(PG_UTF8, mbstr);

		if (clen + l > limit)
			break;
		clen += l;
		if (clen == limit)
			break;
		len -= l;
		mbstr += l;
	}
	return clen;
}


/* ---------------------------------------------------------------- set-returning functions */

struct Tuplestorestate
{
	MemoryContext cxt;
	int			n;
	int			alloc;
	Jsonb	  **docs;
};

void
InitMaterializedSRF(FunctionCallInfo fcinfo, bits32 flags)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Tuplestorestate *store;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("materialize mode required, but it is not allowed in this context")));
	store = palloc0(sizeof(Tuplestorestate));
	store->cxt = CurrentMemoryContext;
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = rsinfo->expectedDesc;
}

/* Keeps a copy of the row's one value, a jsonb, as the real tuplestore copies it. */
void
tuplestore_putvalues(Tuplestorestate *state, TupleDesc tdesc, Datum *values, bool *isnull)
{
	Jsonb	   *copy = NULL;

	if (!isnull[0])
	{
		Jsonb	   *jb = (Jsonb *) DatumGetPointer(values[0]);

		copy = MemoryContextAlloc(state->cxt, VARSIZE(jb));
		memcpy(copy, jb, VARSIZE(jb));
	}
	if (state->n == state->alloc)
	{
		Jsonb	  **docs;

		state->alloc = Max(8, state->alloc * 2);
		docs = MemoryContextAlloc(state->cxt, sizeof(Jsonb *) * state->alloc);
		if (state->n > 0)
		{
			memcpy(docs, state->docs, sizeof(Jsonb *) * state->n);
			pfree(state->docs);
		}
		state->docs = docs;
	}
	state->docs[state->n++] = copy;
}

int
StandinStoredCount(Tuplestorestate *store)
{
	return store->n;
}

Jsonb *
StandinStored(Tuplestorestate *store, int i)
{
	return store->docs[i];
}


/* ---------------------------------------------------------------- numeric */

/*
 * A numeric here: the varlena header, a sign byte ('+' or '-'), the decimal
 * weight of the first significant digit (int32), the display scale (int32),
 * then the significant digits in ASCII, without leading or trailing zeros
 * (none for zero). Like the real format, trailing zeros of a large number cost
 * nothing, so "1e100000" is small; unlike it, the fields need no alignment.
 */
#define SN_SIGN		VARHDRSZ
#define SN_WEIGHT	(SN_SIGN + 1)
#define SN_DSCALE	(SN_WEIGHT + sizeof(int32))
#define SN_DIGITS	(SN_DSCALE + sizeof(int32))

/* The real limits: NUMERIC_DSCALE_MAX, and an int16 weight in base 10000 digits. */
#define SN_DSCALE_MAX	0x3FFF
#define SN_NBASE_DIGITS	4

typedef struct StandinNumber
{
	bool		neg;
	int32		weight;			/* of digits[0], the most significant */
	int32		dscale;
	int			ndigits;
	const char *digits;			/* '1'..'9' first and last */
} StandinNumber;

static void
sn_read(const char *bytes, StandinNumber *n)
{
	n->neg = (bytes[SN_SIGN] == '-');
	memcpy(&n->weight, bytes + SN_WEIGHT, sizeof(int32));
	memcpy(&n->dscale, bytes + SN_DSCALE, sizeof(int32));
	n->ndigits = VARSIZE(bytes) - SN_DIGITS;
	n->digits = bytes + SN_DIGITS;
}

/* Whether the real numeric could hold it (make_result's int16 checks). */
static bool
sn_fits(int64 weight, int64 dscale, int ndigits)
{
	int64		nbase_weight;

	if (dscale > SN_DSCALE_MAX)
		return false;
	if (ndigits == 0)
		return true;
	nbase_weight = (weight >= 0) ? weight / SN_NBASE_DIGITS :
		-((-weight - 1) / SN_NBASE_DIGITS) - 1;
	return nbase_weight >= PG_INT16_MIN && nbase_weight <= PG_INT16_MAX;
}

/* Makes a numeric of digits[0..n) (any zeros), the first at decimal weight. */
static Numeric
sn_make(bool neg, int64 weight, int64 dscale, const char *digits, int n)
{
	Numeric		num;
	int32		w32;
	int32		d32 = (int32) dscale;

	while (n > 0 && digits[0] == '0')
	{
		digits++;
		n--;
		weight--;
	}
	while (n > 0 && digits[n - 1] == '0')
		n--;
	if (n == 0)
	{
		neg = false;
		weight = 0;
	}
	Assert(sn_fits(weight, dscale, n));
	w32 = (int32) weight;

	num = palloc(SN_DIGITS + n);
	SET_VARSIZE(num, SN_DIGITS + n);
	((char *) num)[SN_SIGN] = neg ? '-' : '+';
	memcpy((char *) num + SN_WEIGHT, &w32, sizeof(int32));
	memcpy((char *) num + SN_DSCALE, &d32, sizeof(int32));
	memcpy((char *) num + SN_DIGITS, digits, n);
	return num;
}

bool
StandinNumericValid(const char *bytes, uint32 len)
{
	StandinNumber n;

	if (len < SN_DIGITS || VARATT_IS_EXTENDED(bytes) || VARSIZE(bytes) != len)
		return false;
	if (bytes[SN_SIGN] != '+' && bytes[SN_SIGN] != '-')
		return false;
	sn_read(bytes, &n);
	if (n.dscale < 0 || !sn_fits(n.weight, n.dscale, n.ndigits))
		return false;
	if (n.ndigits == 0)
		return !n.neg && n.weight == 0;
	for (int i = 0; i < n.ndigits; i++)
		if (n.digits[i] < '0' || n.digits[i] > '9')
			return false;
	/* no digit below the display scale */
	if (n.weight - (n.ndigits - 1) < -(int64) n.dscale)
		return false;
	return n.digits[0] != '0' && n.digits[n.ndigits - 1] != '0';
}

/* numeric_out's text: -?[0-9]+(\.[0-9]{dscale})? */
size_t
StandinNumericTextLength(const char *bytes)
{
	StandinNumber n;

	sn_read(bytes, &n);
	return (n.neg ? 1 : 0) + (n.weight >= 0 ? n.weight + 1 : 1) +
		(n.dscale > 0 ? 1 + n.dscale : 0);
}

static void
sn_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value overflows numeric format")));
}

/*
 * numeric_in for finite decimals, [sign](digits[.digits]|.digits)[e[sign]digits]
 * with optional surrounding spaces; the YAML resolver sends nothing else.
 */
Datum
numeric_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *cp = str;
	char	   *digits = palloc(strlen(str) + 1);
	int			n = 0;
	int			int_digits = 0;
	int			frac_digits = 0;
	bool		point = false;
	bool		neg = false;
	int64		exponent = 0;

	if (PG_GETARG_INT32(2) != -1)
		standin_abort("numeric_in: typmod %d", PG_GETARG_INT32(2));
	while (isspace((unsigned char) *cp))
		cp++;
	if (*cp == '-' || *cp == '+')
		neg = (*cp++ == '-');
	for (;; cp++)
	{
		if (isdigit((unsigned char) *cp))
		{
			digits[n++] = *cp;
			if (point)
				frac_digits++;
			else
				int_digits++;
		}
		else if (*cp == '.' && !point)
			point = true;
		else
			break;
	}
	if (n == 0)
		standin_abort("numeric_in: \"%s\" is not a number, but the YAML resolver took it for one", str);
	if (*cp == 'e' || *cp == 'E')
	{
		bool		eneg = false;
		const char *start;

		cp++;
		if (*cp == '-' || *cp == '+')
			eneg = (*cp++ == '-');
		start = cp;
		for (; isdigit((unsigned char) *cp); cp++)
			if (exponent < PG_INT32_MAX)
				exponent = exponent * 10 + (*cp - '0');
		if (cp == start)
			standin_abort("numeric_in: \"%s\" has an empty exponent, but the YAML resolver took it for a number", str);
		/* as numeric_in: beyond this, the value overflows whatever it is */
		if (exponent >= PG_INT32_MAX / 2)
			sn_overflow();
		if (eneg)
			exponent = -exponent;
	}
	while (isspace((unsigned char) *cp))
		cp++;
	if (*cp != '\0')
		standin_abort("numeric_in: \"%s\" is not a number, but the YAML resolver took it for one", str);

	{
		int64		weight = int_digits - 1 + exponent;
		int64		dscale = Max(frac_digits - exponent, 0);
		int			first = 0;
		int			last = n;

		while (first < n && digits[first] == '0')
			first++;
		while (last > first && digits[last - 1] == '0')
			last--;
		if (!sn_fits(weight - first, dscale, last - first))
			sn_overflow();
		PG_RETURN_NUMERIC(sn_make(neg, weight, dscale, digits, n));
	}
}

Datum
numeric_out(PG_FUNCTION_ARGS)
{
	const char *bytes = (const char *) PG_GETARG_POINTER(0);
	StandinNumber n;
	char	   *out;
	char	   *p;

	sn_read(bytes, &n);
	out = palloc(StandinNumericTextLength(bytes) + 1);
	p = out;
	if (n.neg)
		*p++ = '-';
	for (int64 place = Max(n.weight, 0); place >= -(int64) n.dscale; place--)
	{
		int64		i = n.weight - place;

		if (place == -1)
			*p++ = '.';
		*p++ = (i >= 0 && i < n.ndigits) ? n.digits[i] : '0';
	}
	*p = '\0';
	PG_RETURN_CSTRING(out);
}

Numeric
int64_to_numeric(int64 val)
{
	char		buf[32];
	uint64		mag = (val < 0) ? -(uint64) val : (uint64) val;
	int			len = snprintf(buf, sizeof(buf), "%llu", (unsigned long long) mag);

	return sn_make(val < 0, len - 1, 0, buf, len);
}

/*
 * The integer's digits, least significant first, in a palloc'd array of
 * weight + 1; the parser only adds and multiplies non-negative integers.
 */
static int
sn_integer_digits(Numeric num, uint8 **out)
{
	StandinNumber n;
	int			len;
	uint8	   *d;

	sn_read((const char *) num, &n);
	if (n.neg || n.dscale != 0)
		standin_abort("numeric arithmetic on something other than a non-negative integer");
	len = n.ndigits == 0 ? 1 : n.weight + 1;
	d = palloc0(len);
	for (int i = 0; i < n.ndigits; i++)
		d[n.weight - i] = n.digits[i] - '0';
	*out = d;
	return len;
}

/* Makes a numeric of len digits, least significant first, or reports overflow. */
static Numeric
sn_from_integer_digits(const uint8 *d, int len, bool *have_error)
{
	char	   *text = palloc(len);
	Numeric		result;

	for (int i = 0; i < len; i++)
		text[i] = '0' + d[len - 1 - i];
	while (len > 1 && text[0] == '0')
	{
		text++;
		len--;
	}
	if (!sn_fits(len - 1, 0, 1))
	{
		if (have_error == NULL)
			sn_overflow();
		*have_error = true;
		return NULL;
	}
	result = sn_make(false, len - 1, 0, text, len);
	return result;
}

Numeric
numeric_add_opt_error(Numeric num1, Numeric num2, bool *have_error)
{
	uint8	   *a,
			   *b,
			   *sum;
	int			la = sn_integer_digits(num1, &a);
	int			lb = sn_integer_digits(num2, &b);
	int			len = Max(la, lb) + 1;
	int			carry = 0;

	sum = palloc0(len);
	for (int i = 0; i < len; i++)
	{
		int			s = carry + (i < la ? a[i] : 0) + (i < lb ? b[i] : 0);

		sum[i] = s % 10;
		carry = s / 10;
	}
	return sn_from_integer_digits(sum, len, have_error);
}

Numeric
numeric_mul_opt_error(Numeric num1, Numeric num2, bool *have_error)
{
	uint8	   *a,
			   *b;
	int			la = sn_integer_digits(num1, &a);
	int			lb = sn_integer_digits(num2, &b);
	int			len = la + lb;
	uint32	   *acc = palloc0(sizeof(uint32) * len);
	uint8	   *prod = palloc0(len);
	uint64		carry = 0;

	for (int i = 0; i < la; i++)
		for (int j = 0; j < lb; j++)
			acc[i + j] += a[i] * b[j];	/* <= 81 * Min(la, lb): no overflow */
	for (int i = 0; i < len; i++)
	{
		uint64		s = carry + acc[i];

		prod[i] = s % 10;
		carry = s / 10;
	}
	return sn_from_integer_digits(prod, len, have_error);
}


/* ---------------------------------------------------------------- jsonb iteration */

/* Where child i of the iterator's container ends, from the start of its data. */
static uint32
child_end(const JsonbIterator *it, int i)
{
	uint32		end = 0;
	int			j = i;

	while (j >= 0 && !JBE_HAS_OFF(it->children[j]))
		j--;
	if (j >= 0)
		end = JBE_OFFLENFLD(it->children[j]);
	for (int k = j + 1; k <= i; k++)
		end += JBE_OFFLENFLD(it->children[k]);
	return end;
}

/* The value of child i, which spans [start, end) of the data. */
static void
child_value(const JsonbIterator *it, int i, uint32 start, uint32 end, JsonbValue *v)
{
	JEntry		je = it->children[i];

	switch (je & JENTRY_TYPEMASK)
	{
		case JENTRY_ISSTRING:
			v->type = jbvString;
			v->val.string.val = it->dataProper + start;
			v->val.string.len = end - start;
			break;
		case JENTRY_ISNUMERIC:
			v->type = jbvNumeric;
			v->val.numeric = (Numeric) (it->dataProper + INTALIGN(start));
			break;
		case JENTRY_ISBOOL_FALSE:
		case JENTRY_ISBOOL_TRUE:
			v->type = jbvBool;
			v->val.boolean = (je & JENTRY_TYPEMASK) == JENTRY_ISBOOL_TRUE;
			break;
		case JENTRY_ISNULL:
			v->type = jbvNull;
			break;
		case JENTRY_ISCONTAINER:
			v->type = jbvBinary;
			v->val.binary.data = (JsonbContainer *) (it->dataProper + INTALIGN(start));
			v->val.binary.len = end - INTALIGN(start);
			break;
		default:
			standin_abort("jsonb: JEntry type 0x%x", je & JENTRY_TYPEMASK);
	}
}

static JsonbIterator *
iterator_for(JsonbContainer *container, JsonbIterator *parent)
{
	JsonbIterator *it = palloc0(sizeof(JsonbIterator));
	uint32		n = JsonContainerSize(container);

	it->container = container;
	it->parent = parent;
	it->nElems = n;
	it->children = container->children;
	if (JsonContainerIsObject(container))
	{
		it->state = JBI_OBJECT_START;
		it->dataProper = (char *) &container->children[2 * n];
	}
	else
	{
		it->isScalar = JsonContainerIsScalar(container);
		it->state = JBI_ARRAY_START;
		it->dataProper = (char *) &container->children[n];
	}
	return it;
}

JsonbIterator *
JsonbIteratorInit(JsonbContainer *container)
{
	return iterator_for(container, NULL);
}

/* Returns tok, or enters a container value and returns its first token. */
static JsonbIteratorToken
iterator_descend(JsonbIterator **it, JsonbValue *val, bool skipNested,
				 JsonbIteratorToken tok)
{
	if (val->type != jbvBinary || skipNested)
		return tok;
	*it = iterator_for(val->val.binary.data, *it);
	return JsonbIteratorNext(it, val, skipNested);
}

JsonbIteratorToken
JsonbIteratorNext(JsonbIterator **it, JsonbValue *val, bool skipNested)
{
	JsonbIterator *cur = *it;
	uint32		end;

	if (cur == NULL)
		return WJB_DONE;

	switch (cur->state)
	{
		case JBI_ARRAY_START:
			val->type = jbvArray;
			val->val.array.nElems = cur->nElems;
			val->val.array.rawScalar = cur->isScalar;
			val->val.array.elems = NULL;
			cur->curIndex = 0;
			cur->curDataOffset = 0;
			cur->state = JBI_ARRAY_ELEM;
			return WJB_BEGIN_ARRAY;

		case JBI_ARRAY_ELEM:
			if (cur->curIndex >= (int) cur->nElems)
			{
				*it = cur->parent;
				pfree(cur);
				return WJB_END_ARRAY;
			}
			end = child_end(cur, cur->curIndex);
			child_value(cur, cur->curIndex, cur->curDataOffset, end, val);
			cur->curDataOffset = end;
			cur->curIndex++;
			return iterator_descend(it, val, skipNested, WJB_ELEM);

		case JBI_OBJECT_START:
			val->type = jbvObject;
			val->val.object.nPairs = cur->nElems;
			val->val.object.pairs = NULL;
			cur->curIndex = 0;
			cur->curDataOffset = 0;
			cur->curValueOffset = cur->nElems > 0 ? child_end(cur, cur->nElems - 1) : 0;
			cur->state = JBI_OBJECT_KEY;
			return WJB_BEGIN_OBJECT;

		case JBI_OBJECT_KEY:
			if (cur->curIndex >= (int) cur->nElems)
			{
				*it = cur->parent;
				pfree(cur);
				return WJB_END_OBJECT;
			}
			end = child_end(cur, cur->curIndex);
			child_value(cur, cur->curIndex, cur->curDataOffset, end, val);
			if (val->type != jbvString)
				standin_abort("jsonb: an object key that is not a string");
			cur->curDataOffset = end;
			cur->state = JBI_OBJECT_VALUE;
			return WJB_KEY;

		case JBI_OBJECT_VALUE:
			end = child_end(cur, cur->curIndex + cur->nElems);
			child_value(cur, cur->curIndex + cur->nElems, cur->curValueOffset, end, val);
			cur->curValueOffset = end;
			cur->curIndex++;
			cur->state = JBI_OBJECT_KEY;
			return iterator_descend(it, val, skipNested, WJB_VALUE);
	}
	standin_abort("jsonb iterator state %d", (int) cur->state);
	return WJB_DONE;
}
