/*
 * yaml_parse.c
 *	  YAML to jsonb: mesh_yaml_to_jsonb() and mesh_yaml_documents().
 *
 * The text is read by libyaml's event parser and the jsonb is built straight
 * from the events in jsonb's binary format, never through libyaml's document
 * tree (slower, and holding the whole input twice) nor through
 * pushJsonbValue()'s in-memory tree (which costs as much as the parse). Plain scalars are
 * resolved by YAML 1.2's core schema; anchors, aliases and the YAML 1.1 merge
 * key "<<" are supported; duplicate keys are errors. Every input is bounded
 * by the meshcat.yaml_max_* settings (capped by their superuser-only
 * ceilings), read at call time, as each container, scalar and anchor grows
 * (never only once it is built), and nothing here
 * recurses. docs/yaml.md describes the behaviour in full.
 *
 * libyaml allocates with malloc, so the parser and the current event are
 * released on every path, errors included (PG_TRY, as contrib/xml2 does), and
 * all palloc'd work lives in a memory context of its own for each call.
 */
#include "postgres.h"

#include <yaml.h>

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "meshcat.h"
#include "yaml_internal.h"

/* The prefix libyaml gives "!!" tags. */
#define YAML_TAG_PREFIX "tag:yaml.org,2002:"
#define YAML_TAG_PREFIX_LEN (sizeof(YAML_TAG_PREFIX) - 1)

/* How much of a key or alias name an error message quotes. */
#define YAML_MSG_CLIP 64

/* An anchor's name: points to palloc'd or libyaml memory, not NUL-bounded. */
typedef struct YamlAnchorKey
{
	const char *name;
	size_t		len;
} YamlAnchorKey;

/*
 * A jsonb value as the builder handles it: its JEntry type and its bytes, as
 * jsonb stores them (a string's text, a numeric's varlena, a container's
 * header, JEntries and data), without alignment padding.
 */
typedef struct YamlValue
{
	uint32		type;			/* JENTRY_ISSTRING, JENTRY_ISNUMERIC, ... */
	const char *bytes;
	uint32		len;
} YamlValue;

/* A node defined with &name, for the aliases (*name) that repeat it. */
typedef struct YamlAnchor
{
	YamlAnchorKey key;			/* hash key: must be first */
	bool		complete;		/* false while the node is still being read */
	int64		id;				/* which definition owns the entry */
	YamlValue	value;			/* bytes palloc'd in the document's context */
	char	   *text;			/* a scalar as written, for use as a key */
	int			textlen;
	int64		nodes;			/* nodes in the subtree, aliases expanded */
	int64		bytes;			/* scalar bytes in it, aliases expanded */
	int			height;			/* levels of nesting in it (0 for a scalar) */
} YamlAnchor;

/* One element of an open sequence, or one pair of an open mapping. */
typedef struct YamlEntry
{
	uint32		type;			/* the value's JEntry type */
	uint32		vlen;			/* the value's bytes in YamlParse.data */
	size_t		voff;
	size_t		koff;			/* the key's bytes in YamlParse.kbuf */
	uint32		klen;
	uint32		rank;			/* 0 if given, n if merged from the nth source */
	size_t		line;			/* where the key was, for errors */
	size_t		column;
	bool		is_merge;		/* the "<<" pair */
} YamlEntry;

/* One open mapping or sequence. */
typedef struct YamlFrame
{
	bool		is_map;
	bool		expect_key;		/* a mapping's next scalar is a key */
	bool		has_merge;		/* a mapping with a "<<" key */
	int			ent_base;		/* its first entry in YamlParse.ents */
	size_t		data_base;		/* where its values start in YamlParse.data */
	size_t		key_base;		/* where its keys start in YamlParse.kbuf */
	int			peak;			/* deepest level reached inside it */
	int64		nodes_at_start;
	int64		bytes_at_start;
	YamlAnchor *anchor;			/* the anchor it defines, or NULL */
	int64		anchor_id;
} YamlFrame;

/*
 * The state of one call. The document is built straight into jsonb's binary
 * format: each open container keeps its entries and their bytes on stacks
 * shared by all levels, and when it closes, its pairs are sorted as jsonb
 * wants them, it is laid out as a jsonb container, and replaces its entries
 * on the stacks as one value of its parent. This skips pushJsonbValue's
 * in-memory tree and its second pass, the larger part of the cost.
 */
typedef struct YamlParse
{
	yaml_parser_t parser;
	yaml_event_t event;
	bool		parser_ready;	/* parser must be deleted */
	bool		have_event;		/* event must be deleted */

	const char *input;			/* UTF-8, for positions of reader errors */
	size_t		input_len;
	bool		convert;		/* strings must be converted to the server's
								 * encoding */
	int			max_depth;
	int64		max_nodes;
	int64		max_bytes;

	MemoryContext doccxt;		/* the document being built; reset for each */
	MemoryContext resultcxt;	/* where finished documents go */

	/* stacks shared by the open containers (in the call's context) */
	YamlFrame  *frames;
	int			depth;
	int			frames_alloc;
	YamlEntry  *ents;
	int			nents;
	int			ents_alloc;
	char	   *data;
	size_t		data_len;
	size_t		data_alloc;
	char	   *kbuf;
	size_t		kbuf_len;
	size_t		kbuf_alloc;
	char	   *asmbuf;			/* where a closing container is laid out */
	size_t		asm_alloc;

	/* the document being built */
	Jsonb	   *root;
	HTAB	   *anchors;
	int64		anchor_serial;
	int64		nodes;
	int64		bytes;
	int64		anchor_bytes;	/* kept in copies for aliases */

	int			doc_line;		/* where the document being built starts */

	Jsonb	   *result;			/* the only document, for mesh_yaml_to_jsonb */
} YamlParse;

static void yaml_report_parser_error(YamlParse *p);
static void yaml_position(const char *s, size_t len, size_t offset,
						  size_t *line, size_t *column);
static char *yaml_clip(const char *s, int len);

/*
 * Classifies a plain scalar by YAML 1.2's core schema, with hand-written
 * checks: this runs on every plain scalar, where a regex would dominate.
 */
MeshYamlScalarKind
MeshYamlClassifyPlain(const char *s, size_t len)
{
	const char *p = s;
	const char *end = s + len;
	size_t		int_digits = 0;
	size_t		frac_digits = 0;

	if (len == 0)
		return MESH_YAML_NULL;

	switch (s[0])
	{
		case '~':
			return len == 1 ? MESH_YAML_NULL : MESH_YAML_STRING;
		case 'n':
		case 'N':
			if (len == 4 && (memcmp(s, "null", 4) == 0 ||
							 memcmp(s, "Null", 4) == 0 ||
							 memcmp(s, "NULL", 4) == 0))
				return MESH_YAML_NULL;
			return MESH_YAML_STRING;
		case 't':
		case 'T':
			if (len == 4 && (memcmp(s, "true", 4) == 0 ||
							 memcmp(s, "True", 4) == 0 ||
							 memcmp(s, "TRUE", 4) == 0))
				return MESH_YAML_TRUE;
			return MESH_YAML_STRING;
		case 'f':
		case 'F':
			if (len == 5 && (memcmp(s, "false", 5) == 0 ||
							 memcmp(s, "False", 5) == 0 ||
							 memcmp(s, "FALSE", 5) == 0))
				return MESH_YAML_FALSE;
			return MESH_YAML_STRING;
		case '+':
		case '-':
		case '.':
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9':
			break;
		default:
			return MESH_YAML_STRING;
	}

	/* 0o17 and 0x1F, unsigned */
	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
	{
		bool		hex = (s[1] == 'x');

		for (p = s + 2; p < end; p++)
		{
			if (hex ? !isxdigit((unsigned char) *p) : (*p < '0' || *p > '7'))
				return MESH_YAML_STRING;
		}
		return hex ? MESH_YAML_HEX : MESH_YAML_OCT;
	}

	if (*p == '+' || *p == '-')
		p++;

	/* [-+]?.inf and .nan, each as .xxx, .Xxx or .XXX */
	if (end - p == 4 && *p == '.')
	{
		if (memcmp(p + 1, "inf", 3) == 0 || memcmp(p + 1, "Inf", 3) == 0 ||
			memcmp(p + 1, "INF", 3) == 0)
			return MESH_YAML_INF_NAN;
		if (p == s && (memcmp(p + 1, "nan", 3) == 0 ||
					   memcmp(p + 1, "NaN", 3) == 0 ||
					   memcmp(p + 1, "NAN", 3) == 0))
			return MESH_YAML_INF_NAN;
	}

	while (p < end && *p >= '0' && *p <= '9')
	{
		p++;
		int_digits++;
	}
	if (p == end)
		return int_digits > 0 ? MESH_YAML_INT : MESH_YAML_STRING;

	if (*p == '.')
	{
		p++;
		while (p < end && *p >= '0' && *p <= '9')
		{
			p++;
			frac_digits++;
		}
	}
	if (int_digits == 0 && frac_digits == 0)
		return MESH_YAML_STRING;

	if (p < end && (*p == 'e' || *p == 'E'))
	{
		size_t		exp_digits = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		while (p < end && *p >= '0' && *p <= '9')
		{
			p++;
			exp_digits++;
		}
		if (exp_digits == 0)
			return MESH_YAML_STRING;
	}
	return p == end ? MESH_YAML_FLOAT : MESH_YAML_STRING;
}

/* Error context for failures while converting one scalar, e.g. a number. */
static void
yaml_scalar_errcontext(void *arg)
{
	YamlParse  *p = (YamlParse *) arg;

	errcontext("YAML scalar at line %zu, column %zu",
			   p->event.start_mark.line + 1,
			   p->event.start_mark.column + 1);
}

/* Reports an error at the start of the current event. */
#define yaml_event_error(p, code, ...) \
	ereport(ERROR, \
			(errcode(code), \
			 errmsg(__VA_ARGS__), \
			 errdetail("At line %zu, column %zu.", \
					   (p)->event.start_mark.line + 1, \
					   (p)->event.start_mark.column + 1)))

/* Reads a decimal number (already checked against the core schema). */
static Numeric
yaml_decimal_numeric(YamlParse *p, const char *s)
{
	ErrorContextCallback errcallback;
	Datum		d;

	errcallback.callback = yaml_scalar_errcontext;
	errcallback.arg = p;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	d = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
							ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));

	error_context_stack = errcallback.previous;
	return DatumGetNumeric(d);
}

/*
 * Reads the digits of a 0x or 0o integer exactly, however many there are,
 * 60 bits at a time; numeric's own range bounds the work.
 */
static Numeric
yaml_radix_numeric(YamlParse *p, const char *digits, size_t n, int bits)
{
	int			per_chunk = 60 / bits;
	Numeric		result = int64_to_numeric(0);
	size_t		i = 0;

	while (i < n && digits[i] == '0')
		i++;

	while (i < n)
	{
		int			k = Min((size_t) per_chunk, n - i);
		uint64		chunk = 0;
		bool		have_error = false;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < k; j++, i++)
		{
			char		c = digits[i];
			int			v = (c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;

			chunk = (chunk << bits) | (uint64) v;
		}
		result = numeric_mul_opt_error(result,
									   int64_to_numeric((int64) 1 << (bits * k)),
									   &have_error);
		if (!have_error)
			result = numeric_add_opt_error(result, int64_to_numeric((int64) chunk),
										   &have_error);
		if (have_error)
			yaml_event_error(p, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							 "YAML integer is out of range for type numeric");
	}
	return result;
}

/*
 * Returns a libyaml string in the server's encoding: the string itself, or a
 * palloc'd conversion. jsonb cannot hold NUL characters, which
 * double-quoted escapes can make.
 */
static const char *
yaml_text(YamlParse *p, const char *s, size_t len, int *outlen)
{
	char	   *res;

	/* only a double-quoted escape can make one: the reader refuses raw NULs */
	if (p->event.type == YAML_SCALAR_EVENT &&
		p->event.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
		memchr(s, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("YAML scalar contains a NUL character"),
				 errdetail("At line %zu, column %zu, a scalar contains \\0, which text and jsonb cannot hold.",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1)));

	*outlen = (int) len;
	if (!p->convert)
		return s;

	{
		ErrorContextCallback errcallback;

		errcallback.callback = yaml_scalar_errcontext;
		errcallback.arg = p;
		errcallback.previous = error_context_stack;
		error_context_stack = &errcallback;
		res = pg_any_to_server(s, (int) len, PG_UTF8);
		error_context_stack = errcallback.previous;
	}
	if (res != s)
		*outlen = (int) strlen(res);
	return res;
}

/* Frees what yaml_resolve_scalar allocated for the scalar s. */
static inline void
yaml_free_value(const char *s, YamlValue *v)
{
	if (v->type == JENTRY_ISNUMERIC ||
		(v->type == JENTRY_ISSTRING && v->bytes != s))
		pfree((char *) v->bytes);
}

/* Counts nodes and scalar bytes into the document's limits. */
static inline void
yaml_count(YamlParse *p, int64 nodes, int64 bytes)
{
	p->nodes += nodes;
	p->bytes += bytes;
	if (p->nodes > p->max_nodes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document has too many nodes"),
				 errdetail("At line %zu, column %zu, the document expands to more than %lld nodes, aliases included (meshcat.yaml_max_nodes).",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   (long long) p->max_nodes),
				 errhint("Use fewer aliases, or raise meshcat.yaml_max_nodes (up to meshcat.yaml_max_nodes_ceiling).")));
	if (p->bytes > p->max_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document expands to too much data"),
				 errdetail("At line %zu, column %zu, the document's scalars expand to more than %lld bytes, aliases included (meshcat.yaml_max_bytes).",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   (long long) p->max_bytes),
				 errhint("Use fewer aliases, or raise meshcat.yaml_max_bytes (up to meshcat.yaml_max_bytes_ceiling).")));
}

/*
 * Resolves the current scalar event to a jsonb scalar: by its tag if it has
 * one, else by the core schema if it is plain, else as a string.
 */
static void
yaml_resolve_scalar(YamlParse *p, YamlValue *v)
{
	yaml_event_t *e = &p->event;
	const char *s = (const char *) e->data.scalar.value;
	size_t		len = e->data.scalar.length;
	const char *tag = (const char *) e->data.scalar.tag;
	MeshYamlScalarKind kind;

	if (tag == NULL)
		kind = (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) ?
			MeshYamlClassifyPlain(s, len) : MESH_YAML_STRING;
	else if (strcmp(tag, "!") == 0)
		kind = MESH_YAML_STRING;
	else if (strncmp(tag, YAML_TAG_PREFIX, YAML_TAG_PREFIX_LEN) == 0)
	{
		const char *name = tag + YAML_TAG_PREFIX_LEN;

		if (strcmp(name, "str") == 0)
			kind = MESH_YAML_STRING;
		else
		{
			bool		ok;

			kind = MeshYamlClassifyPlain(s, len);
			if (strcmp(name, "null") == 0)
				ok = (kind == MESH_YAML_NULL);
			else if (strcmp(name, "bool") == 0)
				ok = (kind == MESH_YAML_TRUE || kind == MESH_YAML_FALSE);
			else if (strcmp(name, "int") == 0)
				ok = (kind == MESH_YAML_INT || kind == MESH_YAML_OCT ||
					  kind == MESH_YAML_HEX);
			else if (strcmp(name, "float") == 0)
				ok = (kind == MESH_YAML_INT || kind == MESH_YAML_FLOAT ||
					  kind == MESH_YAML_INF_NAN);
			else
			{
				ok = false;
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid YAML: unsupported tag \"!!%s\"",
								yaml_clip(name, strlen(name))),
						 errdetail("At line %zu, column %zu.",
								   e->start_mark.line + 1, e->start_mark.column + 1),
						 errhint("Only the core schema's tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are supported.")));
			}
			if (!ok)
				yaml_event_error(p, ERRCODE_INVALID_TEXT_REPRESENTATION,
								 "invalid YAML: \"%s\" is not a valid !!%s",
								 yaml_clip(s, len), name);
			/* the !!float of an integer is the same number */
			if (kind == MESH_YAML_INT && strcmp(name, "float") == 0)
				kind = MESH_YAML_FLOAT;
		}
	}
	else
	{
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: unsupported tag \"%s\"",
						yaml_clip(tag, strlen(tag))),
				 errdetail("At line %zu, column %zu.",
						   e->start_mark.line + 1, e->start_mark.column + 1),
				 errhint("Only the core schema's tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are supported.")));
		kind = MESH_YAML_STRING;	/* keep compiler quiet */
	}

	switch (kind)
	{
		/*
		 * null and booleans have no bytes; "" rather than NULL, since the
		 * value is copied with memcpy, which must not be given NULL even for
		 * zero bytes
		 */
		case MESH_YAML_NULL:
			v->type = JENTRY_ISNULL;
			v->bytes = "";
			v->len = 0;
			break;
		case MESH_YAML_TRUE:
		case MESH_YAML_FALSE:
			v->type = (kind == MESH_YAML_TRUE) ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
			v->bytes = "";
			v->len = 0;
			break;
		case MESH_YAML_INT:
		case MESH_YAML_FLOAT:
		case MESH_YAML_OCT:
		case MESH_YAML_HEX:
			{
				Numeric		num;

				if (kind == MESH_YAML_OCT || kind == MESH_YAML_HEX)
					num = yaml_radix_numeric(p, s + 2, len - 2,
											 kind == MESH_YAML_HEX ? 4 : 3);
				else
					num = yaml_decimal_numeric(p, s);
				v->type = JENTRY_ISNUMERIC;
				v->bytes = (const char *) num;
				v->len = VARSIZE_ANY(num);
			}
			break;
		default:
			{
				/* strings, and .inf and .nan, which jsonb cannot hold as numbers */
				int			textlen;

				v->type = JENTRY_ISSTRING;
				v->bytes = yaml_text(p, s, len, &textlen);
				v->len = textlen;
			}
			break;
	}
}

/* Hashes an anchor name (dynahash callback). */
static uint32
yaml_anchor_hash(const void *key, Size keysize)
{
	const YamlAnchorKey *k = (const YamlAnchorKey *) key;

	return hash_bytes((const unsigned char *) k->name, (int) k->len);
}

/* Compares anchor names (dynahash callback). */
static int
yaml_anchor_match(const void *key1, const void *key2, Size keysize)
{
	const YamlAnchorKey *a = (const YamlAnchorKey *) key1;
	const YamlAnchorKey *b = (const YamlAnchorKey *) key2;

	if (a->len != b->len)
		return 1;
	return memcmp(a->name, b->name, a->len);
}

/* Starts the definition of an anchor; a later one of the same name wins. */
static YamlAnchor *
yaml_define_anchor(YamlParse *p, const char *name)
{
	YamlAnchorKey key;
	YamlAnchor *a;
	bool		found;

	if (p->anchors == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(YamlAnchorKey);
		ctl.entrysize = sizeof(YamlAnchor);
		ctl.hash = yaml_anchor_hash;
		ctl.match = yaml_anchor_match;
		ctl.hcxt = p->doccxt;
		p->anchors = hash_create("meshcat YAML anchors", 64, &ctl,
								 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
								 HASH_CONTEXT);
	}

	key.name = name;
	key.len = strlen(name);
	a = (YamlAnchor *) hash_search(p->anchors, &key, HASH_ENTER, &found);
	if (!found)
		a->key.name = pnstrdup(name, key.len);
	a->complete = false;
	a->id = ++p->anchor_serial;
	a->text = NULL;
	a->textlen = 0;
	return a;
}

/* Finds the anchor an alias names, or fails. */
static YamlAnchor *
yaml_find_anchor(YamlParse *p)
{
	const char *name = (const char *) p->event.data.alias.anchor;
	YamlAnchorKey key;
	YamlAnchor *a = NULL;

	key.name = name;
	key.len = strlen(name);
	if (p->anchors != NULL)
		a = (YamlAnchor *) hash_search(p->anchors, &key, HASH_FIND, NULL);
	if (a == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: undefined alias \"*%s\"",
						yaml_clip(name, key.len)),
				 errdetail("At line %zu, column %zu, no earlier node of the same document has the anchor \"&%s\".",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   yaml_clip(name, key.len))));
	if (!a->complete)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: recursive alias \"*%s\"",
						yaml_clip(name, key.len)),
				 errdetail("At line %zu, column %zu, the alias is inside the node its anchor names.",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1)));
	return a;
}

/* Grows a buffer of the call's stacks to hold need bytes. */
static void *
yaml_grow(void *buf, size_t *alloc, size_t need)
{
	size_t		newalloc = Max(*alloc * 2, need);

	if (need > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document is too large to convert")));
	newalloc = Min(newalloc, MaxAllocHugeSize);
	buf = repalloc_huge(buf, newalloc);
	*alloc = newalloc;
	return buf;
}

/*
 * What the stacks hold ends up inside the document's jsonb, which cannot
 * exceed JENTRY_OFFLENMASK bytes: refuse as they grow past it, before
 * allocating, rather than when the container closes.
 */
static inline void
yaml_check_stacks(YamlParse *p, size_t more)
{
	if ((size_t) p->nents * sizeof(JEntry) + p->data_len + p->kbuf_len + more > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document is too large for jsonb"),
				 errdetail("At line %zu, column %zu, the document grows past the %d bytes a jsonb value can hold.",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   JENTRY_OFFLENMASK)));
}

/* Pushes an entry for the current container; the caller fills it in. */
static inline YamlEntry *
yaml_new_entry(YamlParse *p)
{
	YamlEntry  *e;

	yaml_check_stacks(p, sizeof(JEntry));

	if (p->nents >= p->ents_alloc)
	{
		size_t		alloc = sizeof(YamlEntry) * p->ents_alloc;

		p->ents = yaml_grow(p->ents, &alloc, sizeof(YamlEntry) * (p->nents + 1));
		p->ents_alloc = alloc / sizeof(YamlEntry);
	}
	e = &p->ents[p->nents++];
	e->koff = 0;
	e->klen = 0;
	e->rank = 0;
	e->line = 0;
	e->column = 0;
	e->is_merge = false;
	return e;
}

/* Copies a value's bytes onto the data stack and records them in e. */
static inline void
yaml_store_value(YamlParse *p, YamlEntry *e, const YamlValue *v)
{
	yaml_check_stacks(p, v->len);
	if (p->data_len + v->len > p->data_alloc)
		p->data = yaml_grow(p->data, &p->data_alloc, p->data_len + v->len);
	memcpy(p->data + p->data_len, v->bytes, v->len);
	e->type = v->type;
	e->voff = p->data_len;
	e->vlen = v->len;
	p->data_len += v->len;
}

/* Copies a key's bytes onto the key stack and records them in e. */
static inline void
yaml_store_key(YamlParse *p, YamlEntry *e, const char *key, uint32 keylen)
{
	yaml_check_stacks(p, keylen);
	if (p->kbuf_len + keylen > p->kbuf_alloc)
		p->kbuf = yaml_grow(p->kbuf, &p->kbuf_alloc, p->kbuf_len + keylen);
	memcpy(p->kbuf + p->kbuf_len, key, keylen);
	e->koff = p->kbuf_len;
	e->klen = keylen;
	p->kbuf_len += keylen;
}

/* Makes the document's jsonb from its root value. */
static void
yaml_set_root(YamlParse *p, const YamlValue *v)
{
	MemoryContext old = MemoryContextSwitchTo(p->resultcxt);
	Jsonb	   *jb;

	if (v->type == JENTRY_ISCONTAINER)
	{
		jb = palloc(VARHDRSZ + v->len);
		SET_VARSIZE(jb, VARHDRSZ + v->len);
		memcpy(VARDATA(jb), v->bytes, v->len);
	}
	else
	{
		/* a scalar is stored as a one-element "raw scalar" array */
		uint32		header = 1 | JB_FARRAY | JB_FSCALAR;
		JEntry		entry;
		Size		size = VARHDRSZ + sizeof(uint32) + sizeof(JEntry) + v->len;

		/* its length must not spill into the JEntry's type bits */
		if ((Size) v->len + sizeof(uint32) + sizeof(JEntry) > JENTRY_OFFLENMASK)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("YAML document is too large for jsonb"),
					 errdetail("A scalar of %u bytes is longer than the %d bytes a jsonb value can hold.",
							   (unsigned) v->len, JENTRY_OFFLENMASK)));
		entry = v->type | JENTRY_HAS_OFF | v->len;
		jb = palloc(size);
		SET_VARSIZE(jb, size);
		memcpy(VARDATA(jb), &header, sizeof(uint32));
		memcpy(VARDATA(jb) + sizeof(uint32), &entry, sizeof(JEntry));
		memcpy(VARDATA(jb) + sizeof(uint32) + sizeof(JEntry), v->bytes, v->len);
	}
	MemoryContextSwitchTo(old);
	p->root = jb;
}

/* Adds a finished value where the document is. */
static void
yaml_add_value(YamlParse *p, const YamlValue *v)
{
	YamlFrame  *f;

	if (p->depth == 0)
	{
		yaml_set_root(p, v);
		return;
	}
	f = &p->frames[p->depth - 1];
	if (f->is_map)
	{
		yaml_store_value(p, &p->ents[p->nents - 1], v);
		f->expect_key = true;
	}
	else
		yaml_store_value(p, yaml_new_entry(p), v);
}

/* Fails on a duplicate key: "second" repeats "first". */
static void
yaml_duplicate_error(const char *key, uint32 keylen,
					 size_t first_line, size_t first_column,
					 size_t second_line, size_t second_column)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid YAML: duplicate key \"%s\"", yaml_clip(key, keylen)),
			 errdetail("The key at line %zu, column %zu repeats the one at line %zu, column %zu of the same mapping.",
					   second_line + 1, second_column + 1,
					   first_line + 1, first_column + 1)));
}

/* Adds a mapping key, remembering where it was for later errors. */
static void
yaml_add_key(YamlParse *p, const char *key, uint32 keylen, bool is_merge)
{
	YamlFrame  *f = &p->frames[p->depth - 1];
	YamlEntry  *e;

	if (is_merge && f->has_merge)
	{
		for (int i = f->ent_base; i < p->nents; i++)
			if (p->ents[i].is_merge)
				yaml_duplicate_error(key, keylen, p->ents[i].line, p->ents[i].column,
									 p->event.start_mark.line,
									 p->event.start_mark.column);
	}

	e = yaml_new_entry(p);
	yaml_store_key(p, e, key, keylen);
	e->type = JENTRY_ISNULL;
	e->voff = p->data_len;
	e->vlen = 0;
	e->line = p->event.start_mark.line;
	e->column = p->event.start_mark.column;
	e->is_merge = is_merge;

	f->expect_key = false;
	if (is_merge)
		f->has_merge = true;
}

/* Reads a uint32 from the bytes of a container, which need not be aligned. */
static inline uint32
yaml_read32(const char *s)
{
	uint32		v;

	memcpy(&v, s, sizeof(uint32));
	return v;
}

/*
 * Finds where each child of a jsonb container (as laid out by
 * yaml_assemble) starts and ends, relative to the start of its data.
 */
static void
yaml_child_bounds(const char *blob, int nchildren, uint32 *starts, uint32 *ends)
{
	uint32		prev = 0;

	for (int i = 0; i < nchildren; i++)
	{
		JEntry		je = yaml_read32(blob + sizeof(uint32) + i * sizeof(JEntry));

		ends[i] = JBE_HAS_OFF(je) ? JBE_OFFLENFLD(je) : prev + JBE_OFFLENFLD(je);
		starts[i] = prev;
		prev = ends[i];
	}
}

/* The value of child i of a container, its padding skipped. */
static inline void
yaml_child_value(const char *data, const uint32 *starts, const uint32 *ends,
				 JEntry je, int i, YamlValue *v)
{
	uint32		start = starts[i];

	v->type = je & JENTRY_TYPEMASK;
	if (v->type == JENTRY_ISNUMERIC || v->type == JENTRY_ISCONTAINER)
		start = INTALIGN(start);
	v->bytes = data + start;
	v->len = ends[i] - start;
}

/* Adds the pairs of a mapping (a jsonb object's bytes) with the given rank. */
static void
yaml_merge_object(YamlParse *p, const char *blob, uint32 rank,
				  const YamlEntry *at)
{
	int			n = yaml_read32(blob) & JB_CMASK;
	uint32	   *starts = palloc(sizeof(uint32) * 2 * Max(n, 1));
	uint32	   *ends = palloc(sizeof(uint32) * 2 * Max(n, 1));
	const char *data = blob + sizeof(uint32) + 2 * n * sizeof(JEntry);

	yaml_child_bounds(blob, 2 * n, starts, ends);
	for (int i = 0; i < n; i++)
	{
		JEntry		je = yaml_read32(blob + sizeof(uint32) + (n + i) * sizeof(JEntry));
		YamlEntry  *e = yaml_new_entry(p);
		YamlValue	v;

		yaml_store_key(p, e, data + starts[i], ends[i] - starts[i]);
		yaml_child_value(data, starts, ends, je, n + i, &v);
		yaml_store_value(p, e, &v);
		e->rank = rank;
		e->line = at->line;
		e->column = at->column;
	}
	pfree(starts);
	pfree(ends);
}

/*
 * Applies the merge key of the mapping being closed: the pairs of the mapping
 * (or sequence of mappings) that "<<" names join the mapping, ranked so that
 * given keys win over merged ones, and earlier mappings of a "<<" sequence
 * over later ones.
 */
static void
yaml_expand_merge(YamlParse *p, YamlFrame *f)
{
	YamlEntry	at;
	char	   *blob;
	uint32		header;
	int			i;

	for (i = f->ent_base; i < p->nents; i++)
		if (p->ents[i].is_merge)
			break;
	Assert(i < p->nents);
	at = p->ents[i];

	if (at.type == JENTRY_ISCONTAINER)
	{
		/* a copy: the stacks move while the pairs are added */
		blob = palloc(at.vlen);
		memcpy(blob, p->data + at.voff, at.vlen);
		header = yaml_read32(blob);

		if (header & JB_FOBJECT)
		{
			yaml_merge_object(p, blob, 1, &at);
			pfree(blob);
			return;
		}
		if ((header & JB_FARRAY) && !(header & JB_FSCALAR))
		{
			int			n = header & JB_CMASK;
			uint32	   *starts = palloc(sizeof(uint32) * Max(n, 1));
			uint32	   *ends = palloc(sizeof(uint32) * Max(n, 1));
			const char *data = blob + sizeof(uint32) + n * sizeof(JEntry);
			bool		ok = true;

			yaml_child_bounds(blob, n, starts, ends);
			for (int k = 0; k < n && ok; k++)
			{
				JEntry		je = yaml_read32(blob + sizeof(uint32) + k * sizeof(JEntry));
				YamlValue	v;

				yaml_child_value(data, starts, ends, je, k, &v);
				ok = (v.type == JENTRY_ISCONTAINER &&
					  (yaml_read32(v.bytes) & JB_FOBJECT) != 0);
			}
			for (int k = 0; k < n && ok; k++)
			{
				JEntry		je = yaml_read32(blob + sizeof(uint32) + k * sizeof(JEntry));
				YamlValue	v;

				yaml_child_value(data, starts, ends, je, k, &v);
				yaml_merge_object(p, v.bytes, k + 1, &at);
			}
			if (ok)
			{
				pfree(starts);
				pfree(ends);
				pfree(blob);
				return;
			}
		}
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid YAML: the merge key \"<<\" needs a mapping or a sequence of mappings"),
			 errdetail("At line %zu, column %zu, \"<<\" is given something else.",
					   at.line + 1, at.column + 1),
			 errhint("Quote the key to use \"<<\" as an ordinary key.")));
}

/*
 * Orders the pairs of a mapping as jsonb does (shorter keys first, then
 * bytewise), then by rank and position, so the pair to keep comes first
 * (qsort_arg callback).
 */
static int
yaml_entry_cmp(const void *a, const void *b, void *arg)
{
	const YamlEntry *x = (const YamlEntry *) a;
	const YamlEntry *y = (const YamlEntry *) b;
	const char *kbuf = (const char *) arg;
	int			c;

	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	c = memcmp(kbuf + x->koff, kbuf + y->koff, x->klen);
	if (c != 0)
		return c;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return 0;
}

/*
 * Sorts the pairs of the mapping being closed and drops those that merged
 * pairs lose to; fails on a key given twice. Returns the number of pairs.
 */
static int
yaml_sort_pairs(YamlParse *p, YamlFrame *f)
{
	YamlEntry  *e = &p->ents[f->ent_base];
	int			n = p->nents - f->ent_base;
	int			m = 0;
	bool		dup = false;
	YamlEntry	first = {0};
	YamlEntry	second = {0};

	/* most mappings are small: sort them by insertion, larger ones by qsort */
	if (n > 16)
		qsort_arg(e, n, sizeof(YamlEntry), yaml_entry_cmp, p->kbuf);
	else
	{
		for (int i = 1; i < n; i++)
		{
			YamlEntry	x = e[i];
			int			j = i;

			while (j > 0 && yaml_entry_cmp(&e[j - 1], &x, p->kbuf) > 0)
			{
				e[j] = e[j - 1];
				j--;
			}
			e[j] = x;
		}
	}

	for (int i = 0; i < n; i++)
	{
		if (e[i].is_merge)
			continue;
		if (m > 0 && e[m - 1].klen == e[i].klen &&
			memcmp(p->kbuf + e[m - 1].koff, p->kbuf + e[i].koff, e[i].klen) == 0)
		{
			/* the earliest repeated key is reported, with its repetition */
			if (e[i].rank == 0 && e[m - 1].rank == 0 &&
				(!dup || e[m - 1].line < first.line ||
				 (e[m - 1].line == first.line && e[m - 1].column < first.column)))
			{
				dup = true;
				first = e[m - 1];
				second = e[i];
			}
			continue;
		}
		if (m != i)
			e[m] = e[i];
		m++;
	}
	if (dup)
		yaml_duplicate_error(p->kbuf + first.koff, first.klen,
							 first.line, first.column,
							 second.line, second.column);
	return m;
}

/*
 * Lays out the n entries of the container being closed as a jsonb container
 * in p->asmbuf, exactly as convertJsonbValue would, and returns its length.
 * The bytes start 4-aligned; a parent pads before them.
 */
static uint32
yaml_assemble(YamlParse *p, YamlFrame *f, int n)
{
	YamlEntry  *e = &p->ents[f->ent_base];
	int			nje = f->is_map ? 2 * n : n;
	size_t		need = sizeof(uint32) + nje * sizeof(JEntry);
	char	   *out;
	size_t		pos;
	uint32		totallen = 0;
	uint32		header;
	int			j = 0;

	for (int i = 0; i < n; i++)
		need += (size_t) e[i].klen + e[i].vlen + (INTALIGN(1) - 1);
	/*
	 * As in convertJsonbArray/Object: the whole container, header included,
	 * must fit, and its count must fit the header.
	 */
	if (need > JENTRY_OFFLENMASK || (uint32) n > JB_CMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document is too large for jsonb"),
				 errdetail("A mapping or sequence ending at line %zu, column %zu holds more than the %d bytes a jsonb container can.",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   JENTRY_OFFLENMASK)));
	if (need > p->asm_alloc)
		p->asmbuf = yaml_grow(p->asmbuf, &p->asm_alloc, need);
	out = p->asmbuf;

	header = n | (f->is_map ? JB_FOBJECT : JB_FARRAY);
	memcpy(out, &header, sizeof(uint32));
	pos = sizeof(uint32) + nje * sizeof(JEntry);

	if (f->is_map)
	{
		for (int i = 0; i < n; i++, j++)
		{
			JEntry		je;

			memcpy(out + pos, p->kbuf + e[i].koff, e[i].klen);
			pos += e[i].klen;
			totallen += e[i].klen;
			je = JENTRY_ISSTRING |
				((j % JB_OFFSET_STRIDE) == 0 ? (totallen | JENTRY_HAS_OFF) : e[i].klen);
			memcpy(out + sizeof(uint32) + j * sizeof(JEntry), &je, sizeof(JEntry));
		}
	}
	for (int i = 0; i < n; i++, j++)
	{
		uint32		len = e[i].vlen;
		JEntry		je;

		if (e[i].type == JENTRY_ISNUMERIC || e[i].type == JENTRY_ISCONTAINER)
		{
			size_t		padded = INTALIGN(pos);

			memset(out + pos, 0, padded - pos);
			len += padded - pos;
			pos = padded;
		}
		memcpy(out + pos, p->data + e[i].voff, e[i].vlen);
		pos += e[i].vlen;
		totallen += len;
		je = e[i].type |
			((j % JB_OFFSET_STRIDE) == 0 ? (totallen | JENTRY_HAS_OFF) : len);
		memcpy(out + sizeof(uint32) + j * sizeof(JEntry), &je, sizeof(JEntry));
	}
	return (uint32) pos;
}

/* Fails on a mapping or sequence used as a mapping key. */
static void
yaml_complex_key_error(YamlParse *p)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid YAML: a mapping key must be a scalar"),
			 errdetail("At line %zu, column %zu, a mapping or sequence is used as a key, which jsonb cannot represent.",
					   p->event.start_mark.line + 1,
					   p->event.start_mark.column + 1)));
}

/*
 * Keeps a copy of a finished value for the anchor it defines. Nested anchors
 * copy the same bytes once per level, so the copies count against
 * meshcat.yaml_max_bytes before they are made.
 */
static void
yaml_complete_anchor(YamlParse *p, YamlAnchor *a, const YamlValue *v)
{
	char	   *copy;

	p->anchor_bytes += v->len;
	if (p->anchor_bytes > p->max_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML anchors hold too much data"),
				 errdetail("At line %zu, column %zu, the nodes the document's anchors name hold more than %lld bytes together, nested anchors counted once per level (meshcat.yaml_max_bytes).",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   (long long) p->max_bytes),
				 errhint("Anchor smaller nodes, nest anchors less, or raise meshcat.yaml_max_bytes (up to meshcat.yaml_max_bytes_ceiling).")));
	copy = MemoryContextAlloc(p->doccxt, Max(v->len, 1));

	memcpy(copy, v->bytes, v->len);
	a->value.type = v->type;
	a->value.bytes = copy;
	a->value.len = v->len;
	a->complete = true;
}

/* A scalar event: a key or a value. */
static void
yaml_on_scalar(YamlParse *p)
{
	yaml_event_t *e = &p->event;
	const char *s = (const char *) e->data.scalar.value;
	size_t		len = e->data.scalar.length;
	const char *anchor = (const char *) e->data.scalar.anchor;
	YamlFrame  *f = p->depth > 0 ? &p->frames[p->depth - 1] : NULL;
	YamlValue	v;
	YamlAnchor *a = NULL;

	yaml_count(p, 1, (int64) len);
	if (anchor != NULL)
		a = yaml_define_anchor(p, anchor);

	if (f != NULL && f->is_map && f->expect_key)
	{
		const char *tag = (const char *) e->data.scalar.tag;
		bool		is_merge = false;
		const char *key;
		int			keylen;

		/* "<<" is the merge key when plain and untagged, or tagged !!merge */
		if (len == 2 && s[0] == '<' && s[1] == '<')
		{
			if (tag == NULL)
				is_merge = (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
			else
				is_merge = (strcmp(tag, YAML_TAG_PREFIX "merge") == 0);
		}

		key = yaml_text(p, s, len, &keylen);
		yaml_add_key(p, key, keylen, is_merge);
		/* a key is its text as written, but its tag must still hold */
		if ((tag != NULL && !is_merge) || a != NULL)
		{
			if (is_merge)
			{
				v.type = JENTRY_ISSTRING;
				v.bytes = key;
				v.len = keylen;
			}
			else
				yaml_resolve_scalar(p, &v);
			if (a != NULL)
			{
				yaml_complete_anchor(p, a, &v);
				a->text = MemoryContextAlloc(p->doccxt, Max(keylen, 1));
				memcpy(a->text, key, keylen);
				a->textlen = keylen;
			}
			/* a merge key's value is the key text itself, freed just below */
			if (!is_merge)
				yaml_free_value(s, &v);
		}
		if (key != s)
			pfree((char *) key);
	}
	else
	{
		yaml_resolve_scalar(p, &v);
		yaml_add_value(p, &v);
		if (a != NULL)
		{
			const char *text;

			yaml_complete_anchor(p, a, &v);
			text = yaml_text(p, s, len, &a->textlen);
			a->text = MemoryContextAlloc(p->doccxt, Max(a->textlen, 1));
			memcpy(a->text, text, a->textlen);
			if (text != s)
				pfree((char *) text);
		}
		yaml_free_value(s, &v);
	}

	if (a != NULL)
	{
		a->nodes = 1;
		a->bytes = (int64) len;
		a->height = 0;
	}
}

/* An alias event: repeats its anchor's node, within the limits. */
static void
yaml_on_alias(YamlParse *p)
{
	YamlAnchor *a = yaml_find_anchor(p);
	YamlFrame  *f = p->depth > 0 ? &p->frames[p->depth - 1] : NULL;

	yaml_count(p, a->nodes, a->bytes);

	if (f != NULL && f->is_map && f->expect_key)
	{
		if (a->text == NULL)
			yaml_complex_key_error(p);
		yaml_add_key(p, a->text, a->textlen, false);
		return;
	}

	if (a->height > 0)
	{
		if (p->depth + a->height > p->max_depth)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("YAML nesting is too deep"),
					 errdetail("At line %zu, column %zu, an alias nests the document deeper than %d levels (meshcat.yaml_max_depth).",
							   p->event.start_mark.line + 1,
							   p->event.start_mark.column + 1,
							   p->max_depth),
					 errhint("Raise meshcat.yaml_max_depth (up to meshcat.yaml_max_depth_ceiling), or nest less deeply.")));
		if (f != NULL)
			f->peak = Max(f->peak, p->depth + a->height);
	}
	yaml_add_value(p, &a->value);
}

/* A mapping or sequence starts. */
static void
yaml_on_start(YamlParse *p, bool is_map)
{
	yaml_event_t *e = &p->event;
	const char *tag;
	const char *anchor;
	YamlFrame  *f;

	if (is_map)
	{
		tag = (const char *) e->data.mapping_start.tag;
		anchor = (const char *) e->data.mapping_start.anchor;
	}
	else
	{
		tag = (const char *) e->data.sequence_start.tag;
		anchor = (const char *) e->data.sequence_start.anchor;
	}

	yaml_count(p, 1, 0);
	if (p->depth > 0 && p->frames[p->depth - 1].is_map &&
		p->frames[p->depth - 1].expect_key)
		yaml_complex_key_error(p);

	if (tag != NULL && strcmp(tag, "!") != 0 &&
		strcmp(tag, is_map ? YAML_TAG_PREFIX "map" : YAML_TAG_PREFIX "seq") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: unsupported tag \"%s\" on a %s",
						yaml_clip(tag, strlen(tag)),
						is_map ? "mapping" : "sequence"),
				 errdetail("At line %zu, column %zu.",
						   e->start_mark.line + 1, e->start_mark.column + 1),
				 errhint("Only the core schema's tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are supported.")));

	if (p->depth >= p->max_depth)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML nesting is too deep"),
				 errdetail("At line %zu, column %zu, the document nests deeper than %d levels (meshcat.yaml_max_depth).",
						   e->start_mark.line + 1, e->start_mark.column + 1,
						   p->max_depth),
				 errhint("Raise meshcat.yaml_max_depth (up to meshcat.yaml_max_depth_ceiling), or nest less deeply.")));

	if (p->depth >= p->frames_alloc)
	{
		p->frames_alloc *= 2;
		p->frames = repalloc(p->frames, sizeof(YamlFrame) * p->frames_alloc);
	}

	f = &p->frames[p->depth++];
	f->is_map = is_map;
	f->expect_key = is_map;
	f->has_merge = false;
	f->ent_base = p->nents;
	f->data_base = p->data_len;
	f->key_base = p->kbuf_len;
	f->peak = p->depth;
	f->nodes_at_start = p->nodes - 1;
	f->bytes_at_start = p->bytes;
	f->anchor = NULL;
	f->anchor_id = 0;
	if (anchor != NULL)
	{
		f->anchor = yaml_define_anchor(p, anchor);
		f->anchor_id = f->anchor->id;
	}
}

/* A mapping or sequence ends: it becomes one value of its parent. */
static void
yaml_on_end(YamlParse *p)
{
	YamlFrame  *f = &p->frames[p->depth - 1];
	int			height = f->peak - p->depth + 1;
	int			n;
	YamlValue	v;

	if (f->is_map)
	{
		if (f->has_merge)
			yaml_expand_merge(p, f);
		n = yaml_sort_pairs(p, f);
	}
	else
		n = p->nents - f->ent_base;

	/* (yaml_assemble may move asmbuf) */
	v.type = JENTRY_ISCONTAINER;
	v.len = yaml_assemble(p, f, n);
	v.bytes = p->asmbuf;

	/* its entries and their bytes are now in v */
	p->nents = f->ent_base;
	p->data_len = f->data_base;
	p->kbuf_len = f->key_base;

	if (f->anchor != NULL && f->anchor->id == f->anchor_id)
	{
		YamlAnchor *a = f->anchor;

		yaml_complete_anchor(p, a, &v);
		a->nodes = p->nodes - f->nodes_at_start;
		a->bytes = p->bytes - f->bytes_at_start;
		a->height = height;
	}

	p->depth--;
	if (p->depth > 0)
	{
		YamlFrame  *parent = &p->frames[p->depth - 1];

		parent->peak = Max(parent->peak, f->peak);
	}
	yaml_add_value(p, &v);
}

/* Forgets the previous document: anchors do not cross documents. */
static void
yaml_begin_document(YamlParse *p)
{
	MemoryContextReset(p->doccxt);
	p->root = NULL;
	p->depth = 0;
	p->nents = 0;
	p->data_len = 0;
	p->kbuf_len = 0;
	p->anchors = NULL;
	p->nodes = 0;
	p->bytes = 0;
	p->anchor_bytes = 0;
}

/*
 * Reads the stream of events into documents; yaml_read() cleans up after it.
 * With a tuplestore, puts every document into it; without, keeps the only
 * document in p->result (allocated in outcxt), and fails on a second one.
 */
static void
yaml_read_stream(YamlParse *p, const char *data, size_t len,
				 Tuplestorestate *tupstore, TupleDesc tupdesc,
				 MemoryContext outcxt)
{
	int			enc = GetDatabaseEncoding();
	int			valid;
	int			ndocs = 0;
	bool		done = false;

	/* libyaml reads UTF-8; other encodings are converted first */
	if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
	{
		char	   *utf8 = pg_server_to_any(data, (int) len, PG_UTF8);

		if (utf8 != data)
		{
			data = utf8;
			len = strlen(utf8);
		}
		p->convert = true;
	}
	/* a UTF-8 byte order mark (from Windows editors) is not part of the text */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
	{
		data += 3;
		len -= 3;
	}
	p->input = data;
	p->input_len = len;

	/* text is validated in a UTF-8 database, but not in SQL_ASCII */
	valid = pg_encoding_verifymbstr(PG_UTF8, data, (int) len);
	if (valid != (int) len)
	{
		size_t		line,
					column;

		yaml_position(data, len, valid, &line, &column);
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid byte sequence for encoding \"UTF8\" in YAML input"),
				 errdetail("At line %zu, column %zu, byte 0x%02x does not start a valid UTF-8 character.",
						   line, column, (unsigned char) data[valid])));
	}

	if (!yaml_parser_initialize(&p->parser))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("libyaml could not create a parser.")));
	p->parser_ready = true;
	yaml_parser_set_input_string(&p->parser, (const unsigned char *) data, len);
	/* never guess UTF-16 from a byte order mark */
	yaml_parser_set_encoding(&p->parser, YAML_UTF8_ENCODING);

	MemoryContextSwitchTo(p->doccxt);
	while (!done)
	{
		CHECK_FOR_INTERRUPTS();

		if (!yaml_parser_parse(&p->parser, &p->event))
			yaml_report_parser_error(p);
		p->have_event = true;

		switch (p->event.type)
		{
			case YAML_SCALAR_EVENT:
				yaml_on_scalar(p);
				break;
			case YAML_MAPPING_START_EVENT:
				yaml_on_start(p, true);
				break;
			case YAML_SEQUENCE_START_EVENT:
				yaml_on_start(p, false);
				break;
			case YAML_MAPPING_END_EVENT:
			case YAML_SEQUENCE_END_EVENT:
				yaml_on_end(p);
				break;
			case YAML_ALIAS_EVENT:
				yaml_on_alias(p);
				break;
			case YAML_DOCUMENT_START_EVENT:
				if (tupstore == NULL && ndocs > 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("invalid YAML: more than one document"),
							 errdetail("A second document starts at line %zu, column %zu.",
									   p->event.start_mark.line + 1,
									   p->event.start_mark.column + 1),
							 errhint("Use mesh_yaml_documents() to read a stream of documents.")));
				yaml_begin_document(p);
				p->doc_line = (int) p->event.start_mark.line + 1;
				break;
			case YAML_DOCUMENT_END_EVENT:
				ndocs++;
				if (p->root == NULL)
					elog(ERROR, "YAML document without a root node");
				if (tupstore == NULL)
				{
					Size		size = VARSIZE(p->root);

					p->result = MemoryContextAlloc(outcxt, size);
					memcpy(p->result, p->root, size);
				}
				else
				{
					Datum		values[2];
					bool		isnull[2] = {false, false};

					/* a second column, if asked for, is the line it starts on */
					values[0] = JsonbPGetDatum(p->root);
					values[1] = Int32GetDatum(p->doc_line);
					tuplestore_putvalues(tupstore, tupdesc, values, isnull);
				}
				yaml_begin_document(p);
				break;
			case YAML_STREAM_END_EVENT:
				done = true;
				break;
			default:
				break;
		}
		yaml_event_delete(&p->event);
		p->have_event = false;
	}
}

/*
 * Reads a YAML stream. With a tuplestore, puts every document into it and
 * returns NULL; without, returns its only document (NULL if there is none),
 * and fails if there is more than one. libyaml's memory is freed on every
 * path, and palloc'd work memory with the call's own context.
 */
static Jsonb *
yaml_read(const char *data, size_t len, Tuplestorestate *tupstore,
		  TupleDesc tupdesc)
{
	MemoryContext outcxt = CurrentMemoryContext;
	MemoryContext workcxt;
	YamlParse  *p;
	Jsonb	   *result;

	workcxt = AllocSetContextCreate(CurrentMemoryContext, "meshcat YAML parse",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(workcxt);

	p = palloc0(sizeof(YamlParse));
	p->max_depth = meshcat_yaml_limit_depth();
	p->max_nodes = meshcat_yaml_limit_nodes();
	p->max_bytes = meshcat_yaml_limit_bytes();
	p->doccxt = AllocSetContextCreate(workcxt, "meshcat YAML document",
									  ALLOCSET_DEFAULT_SIZES);
	p->resultcxt = p->doccxt;
	p->frames_alloc = 16;
	p->frames = palloc(sizeof(YamlFrame) * p->frames_alloc);
	p->ents_alloc = 256;
	p->ents = palloc(sizeof(YamlEntry) * p->ents_alloc);
	p->data_alloc = 64 * 1024;
	p->data = palloc(p->data_alloc);
	p->kbuf_alloc = 16 * 1024;
	p->kbuf = palloc(p->kbuf_alloc);
	p->asm_alloc = 16 * 1024;
	p->asmbuf = palloc(p->asm_alloc);

	PG_TRY();
	{
		/* errors in the input name their line, not the SQL that passed it */
		ErrorContextCallback *saved = MeshHideErrorContext();

		yaml_read_stream(p, data, len, tupstore, tupdesc, outcxt);
		error_context_stack = saved;
	}
	PG_CATCH();
	{
		if (p->have_event)
			yaml_event_delete(&p->event);
		if (p->parser_ready)
			yaml_parser_delete(&p->parser);
		MemoryContextSwitchTo(outcxt);
		MemoryContextDelete(workcxt);
		PG_RE_THROW();
	}
	PG_END_TRY();

	yaml_parser_delete(&p->parser);
	result = p->result;
	MemoryContextSwitchTo(outcxt);
	MemoryContextDelete(workcxt);
	return result;
}

/* Computes the 1-based line and column (in characters) of a byte offset. */
static void
yaml_position(const char *s, size_t len, size_t offset,
			  size_t *line, size_t *column)
{
	size_t		l = 1;
	size_t		c = 1;

	for (size_t i = 0; i < offset && i < len; i++)
	{
		if (s[i] == '\n')
		{
			l++;
			c = 1;
		}
		else if (((unsigned char) s[i] & 0xC0) != 0x80)
			c++;
	}
	*line = l;
	*column = c;
}

/* Quotes at most YAML_MSG_CLIP bytes of s in a message, on a character boundary. */
static char *
yaml_clip(const char *s, int len)
{
	int			n;
	char	   *res;

	if (len <= YAML_MSG_CLIP)
		return pnstrdup(s, len);
	n = pg_mbcliplen(s, len, YAML_MSG_CLIP);
	res = palloc(n + 4);
	memcpy(res, s, n);
	memcpy(res + n, "...", 4);
	return res;
}

/*
 * One line of advice for each of libyaml's messages that a person commonly
 * meets: the problem as libyaml words it, the context it must come with
 * (NULL: any), whether it must be at a tab (1), not at one (0) or either (-1).
 * The first row that fits wins.
 */
typedef struct YamlHint
{
	const char *problem;
	const char *context;
	int			at_tab;
	const char *hint;
} YamlHint;

static const YamlHint yaml_hints[] = {
	{"mapping values are not allowed in this context", NULL, -1,
	"Quote a value that contains \": \", as in description: \"The shop: customers and orders\"; if the line holds a key, check its indentation."},
	{"found character that cannot start any token", NULL, 1,
	"Indent with spaces: YAML does not allow tab characters in indentation."},
	{"found a tab character that violates indentation", NULL, -1,
	"Indent with spaces: YAML does not allow tab characters in indentation."},
	{"found a tab character where an indentation space is expected", NULL, -1,
	"Indent with spaces: YAML does not allow tab characters in indentation."},
	{"found character that cannot start any token", NULL, 0,
	"Quote a value that starts with \"@\" or \"`\", as in name: \"@shop\"."},
	{"found unexpected end of stream", "while scanning a quoted scalar", -1,
	"Close the quoted string with the quote that opens it; a quote inside it is written twice ('it''s') or escaped (\"say \\\"hi\\\"\")."},
	{"did not find expected ',' or ']'", NULL, -1,
	"Close the list opened with \"[\" with \"]\", and separate its items with commas."},
	{"did not find expected ',' or '}'", NULL, -1,
	"Close the mapping opened with \"{\" with \"}\", and separate its pairs with commas."},
	{"did not find expected key", "while parsing a block mapping", -1,
	"Check the indentation: the keys of one mapping start in the same column."},
	{"did not find expected '-' indicator", NULL, -1,
	"Check the indentation: the items of one list start with \"-\" in the same column."},
	{"block sequence entries are not allowed in this context", NULL, -1,
	"Start a list on the line after its key, or quote a value that starts with \"- \"."},
};

/* Whether the character at a libyaml mark (0-based line and column) is a tab. */
static bool
yaml_tab_at(YamlParse *p, const yaml_mark_t *mark)
{
	const char *s = p->input;
	const char *end = p->input + p->input_len;
	size_t		line = 0;
	size_t		column = 0;

	while (s < end && line < mark->line)
	{
		if (*s++ == '\n')
			line++;
	}
	while (s < end && column < mark->column && *s != '\n')
	{
		s++;
		/* columns count characters: skip continuation bytes */
		while (s < end && ((unsigned char) *s & 0xC0) == 0x80)
			s++;
		column++;
	}
	return s < end && *s == '\t';
}

/* The advice for libyaml's current error, or NULL if the table has none. */
static const char *
yaml_hint(YamlParse *p)
{
	yaml_parser_t *y = &p->parser;
	int			tab = -2;

	if (y->problem == NULL)
		return NULL;
	for (int i = 0; i < lengthof(yaml_hints); i++)
	{
		const YamlHint *h = &yaml_hints[i];

		if (strcmp(h->problem, y->problem) != 0)
			continue;
		if (h->context != NULL &&
			(y->context == NULL || strcmp(h->context, y->context) != 0))
			continue;
		if (h->at_tab != -1)
		{
			if (tab == -2)
				tab = yaml_tab_at(p, &y->problem_mark) ? 1 : 0;
			if (h->at_tab != tab)
				continue;
		}
		return h->hint;
	}
	return NULL;
}

/* Reports libyaml's error for the parser, with its position and context. */
static void
yaml_report_parser_error(YamlParse *p)
{
	yaml_parser_t *y = &p->parser;
	const char *problem = y->problem ? y->problem : "unknown error";
	const char *hint = yaml_hint(p);

	switch (y->error)
	{
		case YAML_MEMORY_ERROR:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("libyaml could not allocate memory while parsing.")));
			break;
		case YAML_READER_ERROR:
			{
				size_t		line,
							column;

				yaml_position(p->input, p->input_len, y->problem_offset,
							  &line, &column);
				if (y->problem_value != -1)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("invalid YAML: %s", problem),
							 errdetail("At line %zu, column %zu, character U+%04X is not allowed in YAML.",
									   line, column, (unsigned) y->problem_value)));
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid YAML: %s", problem),
						 errdetail("At line %zu, column %zu.", line, column)));
			}
			break;
		default:
			if (y->context != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid YAML: %s", problem),
						 errdetail("At line %zu, column %zu, %s that starts at line %zu, column %zu.",
								   y->problem_mark.line + 1,
								   y->problem_mark.column + 1,
								   y->context,
								   y->context_mark.line + 1,
								   y->context_mark.column + 1),
						 hint ? errhint("%s", hint) : 0));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid YAML: %s", problem),
					 errdetail("At line %zu, column %zu.",
							   y->problem_mark.line + 1,
							   y->problem_mark.column + 1),
					 hint ? errhint("%s", hint) : 0));
	}
}

/*
 * Checks the input's size before anything is read (before detoasting, too)
 * and returns its bytes.
 */
static text *
yaml_get_input(FunctionCallInfo fcinfo)
{
	Size		size = toast_raw_datum_size(PG_GETARG_DATUM(0)) - VARHDRSZ;
	int			max_bytes = meshcat_yaml_limit_bytes();

	if (size > (Size) max_bytes)
	{
		/* a refusal of the input names no caller, as the parse's errors do */
		MeshHideErrorContext();
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML input is too large"),
				 errdetail("The input is %zu bytes, more than meshcat.yaml_max_bytes (%d bytes).",
						   size, max_bytes),
				 errhint("Split the input into smaller pieces, or raise meshcat.yaml_max_bytes (up to meshcat.yaml_max_bytes_ceiling).")));
	}
	return PG_GETARG_TEXT_PP(0);
}

/*
 * Converts YAML text holding at most one document to jsonb: NULL for a
 * stream without documents, an error for more than one.
 */
PG_FUNCTION_INFO_V1(mesh_yaml_to_jsonb);
Datum
mesh_yaml_to_jsonb(PG_FUNCTION_ARGS)
{
	text	   *input = yaml_get_input(fcinfo);
	Jsonb	   *result;

	result = yaml_read(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input), NULL, NULL);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(result);
}

/*
 * Converts a YAML stream to one jsonb row per document, in order. Also
 * yaml_documents_with_lines(), whose second column is the line of the stream
 * where each document starts (for mesh_register's errors).
 */
PG_FUNCTION_INFO_V1(mesh_yaml_documents);
Datum
mesh_yaml_documents(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *input = yaml_get_input(fcinfo);

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	(void) yaml_read(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input),
					 rsinfo->setResult, rsinfo->setDesc);
	return (Datum) 0;
}

