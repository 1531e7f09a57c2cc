/*
 * fuzz_yaml.c
 *	  libFuzzer target for the YAML <-> jsonb layer: src/yaml_parse.c and
 *	  src/yaml_emit.c as they are, through their SQL-callable functions, on
 *	  the backend stand-in of pg_standin.c.
 *
 * The input (up to its first NUL byte: SQL text holds none) is read three
 * times, and each outcome is checked:
 *
 *	1. with bounded limits, by mesh_yaml_documents() and mesh_yaml_to_jsonb(),
 *	   which must agree (no document: NULL; one: the same jsonb; more: the
 *	   "more than one document" error). Every document must be well-formed
 *	   jsonb, as the server's own code lays it out (checked here byte by byte),
 *	   within the limits, and must survive the round trip: mesh_jsonb_to_yaml()
 *	   succeeds and mesh_yaml_to_jsonb() reads its text back to the same bytes.
 *	2. the same with the smallest limits the settings allow (the depth limit
 *	   from 1 to 8);
 *	3. with an injected fault: the nth allocation of the first read fails
 *	   ("out of memory") or the statement is cancelled there, n taken from a
 *	   hash of the input.
 *
 * Bad input must end in an ERROR with an error code and a message: an elog()
 * (XX000), a crash, a sanitizer report or a leak (libyaml's malloc'd memory
 * not freed on an error path) is a bug. All palloc'd memory of one input lives
 * in a context deleted after it, so LeakSanitizer sees only real leaks.
 */
#include "postgres.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "meshcat.h"
#include "pg_standin.h"

/* The settings src/meshcat.c defines in the server. */
int			meshcat_yaml_max_bytes;
int			meshcat_yaml_max_depth;
int			meshcat_yaml_max_nodes;
int			meshcat_yaml_max_bytes_ceiling;
int			meshcat_yaml_max_depth_ceiling;
int			meshcat_yaml_max_nodes_ceiling;

extern Datum mesh_yaml_to_jsonb(PG_FUNCTION_ARGS);
extern Datum mesh_yaml_documents(PG_FUNCTION_ARGS);
extern Datum mesh_jsonb_to_yaml(PG_FUNCTION_ARGS);

typedef struct Limits
{
	int			bytes;
	int			depth;
	int			nodes;
} Limits;

/* Bounded, so that alias bombs stay fast; the structure is the same. */
static const Limits bounded = {256 * 1024, 256, 20000};

/*
 * The smallest values meshcat.yaml_max_* accept, but for the depth: 1 to 8,
 * from the input's hash, so that the depth checks are met at every level.
 */
static const Limits smallest = {1024, 1, 100};

/* The largest: the round trip's reading of emitted text must never fail. */
static const Limits largest = {256 * 1024 * 1024, 10000, 100000000};

/* Round trips of documents whose YAML would be larger are skipped. */
#define MAX_EMITTED (16 * 1024 * 1024)

static void
set_limits(const Limits *l)
{
	meshcat_yaml_max_bytes = l->bytes;
	meshcat_yaml_max_depth = l->depth;
	meshcat_yaml_max_nodes = l->nodes;
	meshcat_yaml_max_bytes_ceiling = l->bytes;
	meshcat_yaml_max_depth_ceiling = l->depth;
	meshcat_yaml_max_nodes_ceiling = l->nodes;
}

static void fail(const char *fmt,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

static void
fail(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_yaml: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* The error just caught must be one a user may see: a code, a message. */
static void
check_error(const char *what)
{
	const StandinError *e = StandinLastError();

	if (e->elevel != ERROR || e->sqlerrcode == ERRCODE_INTERNAL_ERROR ||
		e->message[0] == '\0')
		fail("%s: an internal error, not a user-facing one: \"%s\" (%s:%d)",
			 what, e->message, e->filename ? e->filename : "?", e->lineno);
}

static text *
make_text(const char *s, size_t len)
{
	text	   *t = palloc(VARHDRSZ + len);

	SET_VARSIZE(t, VARHDRSZ + len);
	memcpy(VARDATA(t), s, len);
	return t;
}

/*
 * Calls one of the SQL functions with one argument, as fmgr would: false if
 * it raised an ERROR. *result is its value, or 0 for SQL NULL; with rsinfo it
 * is called in materialize mode.
 */
static bool
call_sql(PGFunction fn, Datum arg, ReturnSetInfo *rsinfo, Datum *result)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool ok = true;

	*result = (Datum) 0;
	PG_TRY();
	{
		LOCAL_FCINFO(fcinfo, 1);
		Datum		d;

		InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, (fmNodePtr) rsinfo);
		fcinfo->args[0].value = arg;
		fcinfo->args[0].isnull = false;
		d = fn(fcinfo);
		if (!fcinfo->isnull)
			*result = d;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/* mesh_yaml_to_jsonb(input): false on ERROR; *result is NULL for SQL NULL. */
static bool
call_to_jsonb(text *input, Jsonb **result)
{
	Datum		d;
	bool		ok = call_sql(mesh_yaml_to_jsonb, PointerGetDatum(input), NULL, &d);

	*result = d ? DatumGetJsonbP(d) : NULL;
	return ok;
}

/* mesh_yaml_documents(input): false on ERROR, else its documents in *store. */
static bool
call_documents(text *input, Tuplestorestate **store)
{
	ReturnSetInfo rsinfo;
	Datum		d;
	bool		ok;

	memset(&rsinfo, 0, sizeof(rsinfo));
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.allowedModes = SFRM_Materialize;
	ok = call_sql(mesh_yaml_documents, PointerGetDatum(input), &rsinfo, &d);
	*store = ok ? rsinfo.setResult : NULL;
	return ok;
}

/* mesh_jsonb_to_yaml(jb): false on ERROR. */
static bool
call_to_yaml(Jsonb *jb, text **result)
{
	Datum		d;
	bool		ok = call_sql(mesh_jsonb_to_yaml, JsonbPGetDatum(jb), NULL, &d);

	*result = d ? DatumGetTextPP(d) : NULL;
	return ok;
}

/* ---------------------------------------------------------------- jsonb checks */

/* What a document holds, counted as the parser's limits count it. */
typedef struct DocStats
{
	int64		nodes;			/* containers, keys, scalars */
	int64		string_bytes;	/* keys and string values */
	int			depth;			/* nesting of mappings and sequences */
	size_t		emitted;		/* a bound on the emitted YAML's size */
} DocStats;

static uint32
read32(const char *s)
{
	uint32		v;

	memcpy(&v, s, sizeof(v));
	return v;
}

static void check_container(const char *c, uint32 len, bool root, int depth,
							DocStats *st);

/* Checks one value of a container: [start, end) of its data. */
static void
check_value(const char *data, uint32 start, uint32 end, JEntry je, int depth,
			DocStats *st)
{
	uint32		type = je & JENTRY_TYPEMASK;
	uint32		astart = start;

	if (type == JENTRY_ISNUMERIC || type == JENTRY_ISCONTAINER)
	{
		astart = INTALIGN(start);
		if (astart > end)
			fail("jsonb: no room for alignment padding");
		for (uint32 i = start; i < astart; i++)
			if (data[i] != 0)
				fail("jsonb: padding byte is not zero");
	}

	st->emitted += 16 + 2 * (size_t) depth;
	switch (type)
	{
		case JENTRY_ISSTRING:
			if (pg_encoding_verifymbstr(PG_UTF8, data + start, end - start) != (int) (end - start))
				fail("jsonb: a string that is not valid UTF-8 or holds NUL");
			st->string_bytes += end - start;
			st->emitted += 4 * (size_t) (end - start);
			st->nodes++;
			break;
		case JENTRY_ISNUMERIC:
			if (!StandinNumericValid(data + astart, end - astart))
				fail("jsonb: a malformed numeric");
			st->emitted += StandinNumericTextLength(data + astart);
			st->nodes++;
			break;
		case JENTRY_ISBOOL_FALSE:
		case JENTRY_ISBOOL_TRUE:
		case JENTRY_ISNULL:
			if (end != start)
				fail("jsonb: a null or boolean with %u bytes", end - start);
			st->nodes++;
			break;
		case JENTRY_ISCONTAINER:
			check_container(data + astart, end - astart, false, depth, st);
			break;
		default:
			fail("jsonb: JEntry type 0x%x", type);
	}
}

/*
 * Checks a container against the format of utils/jsonb.h as the server's
 * convertToJsonb() lays it out: header, JEntries with an offset every
 * JB_OFFSET_STRIDE and lengths between, values 4-aligned where they must be
 * and zero padding, keys sorted (length first) and unique, and exactly len
 * bytes.
 */
static void
check_container(const char *c, uint32 len, bool root, int depth, DocStats *st)
{
	uint32		header;
	uint32		count;
	bool		is_object;
	uint32		nje;
	uint64		head;
	const char *data;
	uint32		datalen;
	uint32	   *ends;

	if (len < sizeof(uint32))
		fail("jsonb: container of %u bytes", len);
	header = read32(c);
	count = header & JB_CMASK;
	is_object = (header & JB_FOBJECT) != 0;
	if (is_object == ((header & JB_FARRAY) != 0))
		fail("jsonb: header 0x%08x is neither an object nor an array", header);
	if ((header & JB_FSCALAR) && (is_object || !root || count != 1))
		fail("jsonb: a raw scalar that is not a one-element root array");

	head = sizeof(uint32) + (is_object ? 2 * (uint64) count : count) * sizeof(JEntry);
	if (head > len)
		fail("jsonb: %u entries do not fit in %u bytes", count, len);
	nje = is_object ? 2 * count : count;
	data = c + head;
	datalen = len - head;

	if (!(header & JB_FSCALAR))
	{
		depth++;
		st->nodes++;
		st->depth = Max(st->depth, depth);
	}

	/* where each child ends: an offset every JB_OFFSET_STRIDE, else a length */
	ends = palloc(sizeof(uint32) * Max(nje, 1));
	for (uint32 i = 0; i < nje; i++)
	{
		JEntry		je = read32(c + sizeof(uint32) + i * sizeof(JEntry));
		uint32		prev = (i > 0) ? ends[i - 1] : 0;
		bool		has_off = JBE_HAS_OFF(je);

		if (has_off != (i % JB_OFFSET_STRIDE == 0))
			fail("jsonb: entry %u %s an offset", i, has_off ? "has" : "lacks");
		ends[i] = has_off ? JBE_OFFLENFLD(je) : prev + JBE_OFFLENFLD(je);
		if (ends[i] < prev || ends[i] > datalen)
			fail("jsonb: entry %u ends at %u, outside [%u, %u]", i, ends[i], prev, datalen);
		if (is_object && i < count && (je & JENTRY_TYPEMASK) != JENTRY_ISSTRING)
			fail("jsonb: a key that is not a string");
	}
	if ((nje > 0 ? ends[nje - 1] : 0) != datalen)
		fail("jsonb: %u bytes of data, %u used", datalen, nje > 0 ? ends[nje - 1] : 0);

	/* keys: shorter first, then bytewise, and no repeats */
	for (uint32 i = 1; is_object && i < count; i++)
	{
		uint32		pstart = (i > 1) ? ends[i - 2] : 0;
		uint32		plen = ends[i - 1] - pstart;
		uint32		klen = ends[i] - ends[i - 1];

		if (plen > klen ||
			(plen == klen && memcmp(data + pstart, data + ends[i - 1], klen) >= 0))
			fail("jsonb: keys out of order or repeated");
	}

	for (uint32 i = 0; i < nje; i++)
		check_value(data, (i > 0) ? ends[i - 1] : 0, ends[i],
					read32(c + sizeof(uint32) + i * sizeof(JEntry)), depth, st);
	pfree(ends);
}

/* Checks a document and returns what it holds. */
static void
check_document(const Jsonb *jb, const Limits *l, DocStats *st)
{
	memset(st, 0, sizeof(*st));
	if (VARATT_IS_EXTENDED(jb) || VARSIZE(jb) < VARHDRSZ + sizeof(uint32))
		fail("jsonb: bad varlena header");
	check_container((const char *) &jb->root, VARSIZE(jb) - VARHDRSZ, true, 0, st);
	if (st->depth > l->depth)
		fail("jsonb: nests %d deep, past the limit of %d", st->depth, l->depth);
	if (st->nodes > l->nodes)
		fail("jsonb: %lld nodes, past the limit of %d", (long long) st->nodes, l->nodes);
	if (st->string_bytes > l->bytes)
		fail("jsonb: %lld bytes of strings, past the limit of %d",
			 (long long) st->string_bytes, l->bytes);
}

/* jsonb -> YAML -> jsonb must give the same bytes. */
static void
check_round_trip(Jsonb *jb, const DocStats *st, const Limits *l)
{
	text	   *yaml;
	Jsonb	   *back;

	if (st->emitted > MAX_EMITTED)
		return;
	if (!call_to_yaml(jb, &yaml))
		fail("mesh_jsonb_to_yaml failed: \"%s\" (%s)", StandinLastError()->message,
			 StandinLastError()->detail);
	set_limits(&largest);
	if (!call_to_jsonb(yaml, &back))
		fail("emitted YAML does not read back: \"%s\" (%s)\n--- emitted:\n%.*s",
			 StandinLastError()->message, StandinLastError()->detail,
			 (int) VARSIZE_ANY_EXHDR(yaml), VARDATA_ANY(yaml));
	set_limits(l);
	if (back == NULL || VARSIZE(back) != VARSIZE(jb) ||
		memcmp(back, jb, VARSIZE(jb)) != 0)
		fail("emitted YAML reads back as another value\n--- emitted:\n%.*s",
			 (int) VARSIZE_ANY_EXHDR(yaml), VARDATA_ANY(yaml));
}

/* ---------------------------------------------------------------- passes */

/* Reads the input with the given limits and checks everything. */
static void
read_and_check(text *input, const Limits *l)
{
	Tuplestorestate *store;
	Jsonb	   *single;
	bool		docs_ok;
	bool		single_ok;
	int			ndocs = 0;

	set_limits(l);
	docs_ok = call_documents(input, &store);
	if (!docs_ok)
		check_error("mesh_yaml_documents");
	single_ok = call_to_jsonb(input, &single);
	if (!single_ok)
		check_error("mesh_yaml_to_jsonb");

	if (!docs_ok)
	{
		if (single_ok)
			fail("mesh_yaml_to_jsonb accepts what mesh_yaml_documents refuses");
		return;
	}
	ndocs = StandinStoredCount(store);
	if (ndocs == 0 && !(single_ok && single == NULL))
		fail("a stream without documents is not NULL");
	if (ndocs == 1 && !(single_ok && single != NULL &&
						VARSIZE(single) == VARSIZE(StandinStored(store, 0)) &&
						memcmp(single, StandinStored(store, 0), VARSIZE(single)) == 0))
		fail("mesh_yaml_to_jsonb and mesh_yaml_documents disagree on one document");
	if (ndocs > 1 && (single_ok ||
					  strcmp(StandinLastError()->message, "invalid YAML: more than one document") != 0))
		fail("a stream of %d documents is not refused by mesh_yaml_to_jsonb", ndocs);

	for (int i = 0; i < ndocs; i++)
	{
		Jsonb	   *jb = StandinStored(store, i);
		DocStats	st;

		if (jb == NULL)
			fail("a NULL document");
		check_document(jb, l, &st);
		check_round_trip(jb, &st, l);
	}
}

/* Reads the input with a fault injected at the nth allocation. */
static void
read_with_fault(text *input, long nth, bool cancel)
{
	Tuplestorestate *store;

	set_limits(&bounded);
	StandinFailAllocation(nth, cancel);
	if (!call_documents(input, &store))
		check_error("mesh_yaml_documents with a fault");
	StandinFailAllocation(0, false);
}

/* FNV-1a, to pick the fault's place from the input. */
static uint64
input_hash(const uint8_t *data, size_t size)
{
	uint64		h = UINT64CONST(14695981039346656037);

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * UINT64CONST(1099511628211);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	size_t		len = strnlen(s, size);
	MemoryContext cxt;
	text	   *input;
	long		before;
	long		allocations;
	uint64		h;
	Limits		small;

	cxt = AllocSetContextCreate(StandinTopContext(), "fuzz_yaml input",
								ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	input = make_text(s, len);

	h = input_hash(data, len);
	before = StandinAllocations();
	read_and_check(input, &bounded);
	allocations = StandinAllocations() - before;
	small = smallest;
	small.depth = 1 + (int) ((h >> 32) % 8);
	read_and_check(input, &small);

	read_with_fault(input, 1 + (long) ((h >> 1) % (uint64) Max(allocations, 1)), (h & 1) != 0);

	MemoryContextSwitchTo(StandinTopContext());
	MemoryContextDelete(cxt);
	return 0;
}
