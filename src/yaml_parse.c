/*
 * yaml_parse.c
 *	  YAML to jsonb: mesh_yaml_to_jsonb() and mesh_yaml_documents().
 *
 * The text is read by libyaml's event parser and the jsonb is built straight
 * from the events with pushJsonbValue(), never through libyaml's document
 * tree, which is slower and holds the whole input twice. Plain scalars are
 * resolved by YAML 1.2's core schema; anchors, aliases and the YAML 1.1 merge
 * key "<<" are supported; duplicate keys are errors. Every input is bounded
 * by the meshcat.yaml_max_* settings, read at call time, and nothing here
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

/* A node defined with &name, for the aliases (*name) that repeat it. */
typedef struct YamlAnchor
{
	YamlAnchorKey key;			/* hash key: must be first */
	bool		complete;		/* false while the node is still being read */
	int64		id;				/* which definition owns the entry */
	JsonbValue	value;			/* a scalar, or an in-memory container */
	Jsonb	   *binary;			/* the container serialized, on first alias */
	char	   *text;			/* a scalar as written, for use as a key */
	int			textlen;
	int64		nodes;			/* nodes in the subtree, aliases expanded */
	int64		bytes;			/* scalar bytes in it, aliases expanded */
	int			height;			/* levels of nesting in it (0 for a scalar) */
} YamlAnchor;

/* One open mapping or sequence. */
typedef struct YamlFrame
{
	bool		is_map;
	bool		expect_key;		/* a mapping's next scalar is a key */
	bool		has_merge;		/* a mapping with a "<<" key */
	int			keybase;		/* its first key in YamlParse.keys */
	int			peak;			/* deepest level reached inside it */
	int64		nodes_at_start;
	int64		bytes_at_start;
	YamlAnchor *anchor;			/* the anchor it defines, or NULL */
	int64		anchor_id;
} YamlFrame;

/* Where a mapping key was read, for duplicate-key errors and merges. */
typedef struct YamlKey
{
	const char *key;			/* the key as stored in the jsonb */
	int			keylen;
	size_t		line;
	size_t		column;
	bool		is_merge;
} YamlKey;

/* The state of one call. */
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

	/* the document being built */
	JsonbParseState *state;
	JsonbValue	root;
	bool		have_root;
	YamlFrame  *frames;
	int			depth;
	int			frames_alloc;
	YamlKey    *keys;
	int			nkeys;
	int			keys_alloc;
	HTAB	   *anchors;
	int64		anchor_serial;
	int64		nodes;
	int64		bytes;

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
 * Copies a libyaml string into palloc'd memory in the server's encoding.
 * jsonb cannot hold NUL characters, which double-quoted escapes can make.
 */
static char *
yaml_copy_text(YamlParse *p, const char *s, size_t len, int *outlen)
{
	char	   *res;

	if (memchr(s, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("YAML scalar contains a NUL character"),
				 errdetail("At line %zu, column %zu, a scalar contains \\0, which text and jsonb cannot hold.",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1)));

	if (p->convert)
	{
		ErrorContextCallback errcallback;

		errcallback.callback = yaml_scalar_errcontext;
		errcallback.arg = p;
		errcallback.previous = error_context_stack;
		error_context_stack = &errcallback;
		res = pg_any_to_server(s, (int) len, PG_UTF8);
		error_context_stack = errcallback.previous;
		if (res != s)
		{
			*outlen = (int) strlen(res);
			return res;
		}
	}
	res = palloc(len + 1);
	memcpy(res, s, len);
	res[len] = '\0';
	*outlen = (int) len;
	return res;
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
				 errhint("Use fewer aliases, or raise meshcat.yaml_max_nodes.")));
	if (p->bytes > p->max_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document expands to too much data"),
				 errdetail("At line %zu, column %zu, the document's scalars expand to more than %lld bytes, aliases included (meshcat.yaml_max_bytes).",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   (long long) p->max_bytes),
				 errhint("Use fewer aliases, or raise meshcat.yaml_max_bytes.")));
}

/*
 * Resolves the current scalar event to a jsonb scalar: by its tag if it has
 * one, else by the core schema if it is plain, else as a string.
 */
static void
yaml_resolve_scalar(YamlParse *p, JsonbValue *v)
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
		case MESH_YAML_NULL:
			v->type = jbvNull;
			break;
		case MESH_YAML_TRUE:
		case MESH_YAML_FALSE:
			v->type = jbvBool;
			v->val.boolean = (kind == MESH_YAML_TRUE);
			break;
		case MESH_YAML_INT:
		case MESH_YAML_FLOAT:
			v->type = jbvNumeric;
			v->val.numeric = yaml_decimal_numeric(p, s);
			break;
		case MESH_YAML_OCT:
		case MESH_YAML_HEX:
			v->type = jbvNumeric;
			v->val.numeric = yaml_radix_numeric(p, s + 2, len - 2,
												kind == MESH_YAML_HEX ? 4 : 3);
			break;
		default:
			/* strings, and .inf and .nan, which jsonb cannot hold as numbers */
			v->type = jbvString;
			v->val.string.val = yaml_copy_text(p, s, len, &v->val.string.len);
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
	a->binary = NULL;
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

/* Adds a finished value (a scalar, or jbvBinary) where the document is. */
static void
yaml_add_value(YamlParse *p, JsonbValue *v)
{
	YamlFrame  *f;

	if (p->depth == 0)
	{
		if (v->type == jbvBinary)
			elog(ERROR, "unexpected alias at the root of a YAML document");
		p->root = *v;
		p->have_root = true;
		return;
	}
	f = &p->frames[p->depth - 1];
	if (f->is_map)
	{
		(void) pushJsonbValue(&p->state, WJB_VALUE, v);
		f->expect_key = true;
	}
	else
		(void) pushJsonbValue(&p->state, WJB_ELEM, v);
}

/* Adds a mapping key, remembering where it was for later errors. */
static void
yaml_add_key(YamlParse *p, char *key, int keylen, bool is_merge)
{
	YamlFrame  *f = &p->frames[p->depth - 1];
	JsonbValue	k;
	YamlKey    *mark;

	k.type = jbvString;
	k.val.string.val = key;
	k.val.string.len = keylen;
	(void) pushJsonbValue(&p->state, WJB_KEY, &k);

	if (p->nkeys >= p->keys_alloc)
	{
		p->keys_alloc *= 2;
		p->keys = repalloc_huge(p->keys, sizeof(YamlKey) * p->keys_alloc);
	}
	mark = &p->keys[p->nkeys++];
	mark->key = key;
	mark->keylen = keylen;
	mark->line = p->event.start_mark.line;
	mark->column = p->event.start_mark.column;
	mark->is_merge = is_merge;

	f->expect_key = false;
	if (is_merge)
		f->has_merge = true;
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

/* A scalar event: a key or a value. */
static void
yaml_on_scalar(YamlParse *p)
{
	yaml_event_t *e = &p->event;
	const char *s = (const char *) e->data.scalar.value;
	size_t		len = e->data.scalar.length;
	const char *anchor = (const char *) e->data.scalar.anchor;
	YamlFrame  *f = p->depth > 0 ? &p->frames[p->depth - 1] : NULL;
	JsonbValue	v;
	YamlAnchor *a = NULL;

	yaml_count(p, 1, (int64) len);
	if (anchor != NULL)
		a = yaml_define_anchor(p, anchor);

	if (f != NULL && f->is_map && f->expect_key)
	{
		const char *tag = (const char *) e->data.scalar.tag;
		bool		is_merge = false;
		char	   *key;
		int			keylen;

		/* "<<" is the merge key when plain and untagged, or tagged !!merge */
		if (len == 2 && s[0] == '<' && s[1] == '<')
		{
			if (tag == NULL)
				is_merge = (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
			else
				is_merge = (strcmp(tag, YAML_TAG_PREFIX "merge") == 0);
		}
		/* a key is its text as written, but its tag must still hold */
		if (tag != NULL && !is_merge)
			yaml_resolve_scalar(p, &v);

		key = yaml_copy_text(p, s, len, &keylen);
		yaml_add_key(p, key, keylen, is_merge);
		if (a != NULL)
		{
			if (is_merge)
			{
				v.type = jbvString;
				v.val.string.val = key;
				v.val.string.len = keylen;
			}
			else if (tag == NULL)
				yaml_resolve_scalar(p, &v);
			a->value = v;
			a->text = key;
			a->textlen = keylen;
		}
	}
	else
	{
		yaml_resolve_scalar(p, &v);
		yaml_add_value(p, &v);
		if (a != NULL)
		{
			a->value = v;
			a->text = yaml_copy_text(p, s, len, &a->textlen);
		}
	}

	if (a != NULL)
	{
		a->complete = true;
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

	if (a->height == 0)
	{
		yaml_add_value(p, &a->value);
		return;
	}

	if (p->depth + a->height > p->max_depth)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML nesting is too deep"),
				 errdetail("At line %zu, column %zu, an alias nests the document deeper than %d levels (meshcat.yaml_max_depth).",
						   p->event.start_mark.line + 1,
						   p->event.start_mark.column + 1,
						   p->max_depth),
				 errhint("Raise meshcat.yaml_max_depth, or nest less deeply.")));
	if (f != NULL)
		f->peak = Max(f->peak, p->depth + a->height);

	/* re-push the anchored container, serialized once on its first use */
	if (a->binary == NULL)
		a->binary = JsonbValueToJsonb(&a->value);
	{
		JsonbValue	b;

		b.type = jbvBinary;
		b.val.binary.data = &a->binary->root;
		b.val.binary.len = VARSIZE(a->binary) - VARHDRSZ;
		yaml_add_value(p, &b);
	}
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
				 errhint("Raise meshcat.yaml_max_depth, or nest less deeply.")));

	if (p->depth >= p->frames_alloc)
	{
		p->frames_alloc *= 2;
		p->frames = repalloc(p->frames, sizeof(YamlFrame) * p->frames_alloc);
	}

	(void) pushJsonbValue(&p->state,
						  is_map ? WJB_BEGIN_OBJECT : WJB_BEGIN_ARRAY, NULL);

	f = &p->frames[p->depth++];
	f->is_map = is_map;
	f->expect_key = is_map;
	f->has_merge = false;
	f->keybase = p->nkeys;
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

/* Orders key indexes by key, then by position (qsort_arg callback). */
static int
yaml_key_cmp(const void *a, const void *b, void *arg)
{
	const YamlKey *keys = (const YamlKey *) arg;
	int			ia = *(const int *) a;
	int			ib = *(const int *) b;
	const YamlKey *ka = &keys[ia];
	const YamlKey *kb = &keys[ib];
	int			c;

	if (ka->keylen != kb->keylen)
		return ka->keylen < kb->keylen ? -1 : 1;
	c = memcmp(ka->key, kb->key, ka->keylen);
	if (c != 0)
		return c;
	return ia < ib ? -1 : (ia > ib ? 1 : 0);
}

/* Whether two mapping keys are equal. */
static inline bool
yaml_same_key(const YamlKey *a, const YamlKey *b)
{
	return a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

/* Fails on a duplicate key: "second" repeats "first". */
static void
yaml_duplicate_error(const YamlKey *first, const YamlKey *second)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid YAML: duplicate key \"%s\"",
					yaml_clip(second->key, second->keylen)),
			 errdetail("The key at line %zu, column %zu repeats the one at line %zu, column %zu of the same mapping.",
					   second->line + 1, second->column + 1,
					   first->line + 1, first->column + 1)));
}

/*
 * Finds the duplicate that made jsonb drop pairs of a mapping of n keys:
 * jsonb keeps the last of equal keys, so the earliest pair missing from the
 * result is the first key that is repeated.
 */
static void
yaml_find_duplicate(YamlParse *p, YamlFrame *f, JsonbValue *res, int n)
{
	bool	   *kept = palloc0(sizeof(bool) * n);
	const YamlKey *keys = &p->keys[f->keybase];

	for (int i = 0; i < res->val.object.nPairs; i++)
		kept[res->val.object.pairs[i].order] = true;
	for (int i = 0; i < n; i++)
	{
		if (kept[i])
			continue;
		for (int j = i + 1; j < n; j++)
		{
			if (yaml_same_key(&keys[i], &keys[j]))
				yaml_duplicate_error(&keys[i], &keys[j]);
		}
	}
	elog(ERROR, "YAML mapping lost keys without a duplicate");
}

/*
 * Applies the merge key of the mapping being closed: the "<<" pair is
 * replaced by the pairs of the mapping (or sequence of mappings) it names.
 * Explicit keys override merged ones, and earlier mappings in a "<<" sequence
 * override later ones; jsonb keeps the last of equal keys, so merged pairs go
 * first, in reverse order of precedence.
 */
static void
yaml_apply_merge(YamlParse *p, YamlFrame *f)
{
	JsonbValue *obj = &p->state->contVal;
	int			n = obj->val.object.nPairs;
	YamlKey    *keys = &p->keys[f->keybase];
	int		   *idx = palloc(sizeof(int) * n);
	int			merge_at = -1;
	JsonbValue *mv;
	JsonbValue **sources;
	int			nsources;
	int64		total;
	JsonbPair  *pairs;
	int			out = 0;

	/* explicit keys may not repeat; "<<" counts as a key here */
	for (int i = 0; i < n; i++)
		idx[i] = i;
	qsort_arg(idx, n, sizeof(int), yaml_key_cmp, keys);
	{
		int			first = -1;
		int			second = -1;

		/* in each run of equal keys, the first two are the earliest ones */
		for (int i = 1; i < n; i++)
		{
			if (yaml_same_key(&keys[idx[i]], &keys[idx[i - 1]]) &&
				(i == 1 || !yaml_same_key(&keys[idx[i - 1]], &keys[idx[i - 2]])) &&
				(first < 0 || idx[i - 1] < first))
			{
				first = idx[i - 1];
				second = idx[i];
			}
		}
		if (first >= 0)
			yaml_duplicate_error(&keys[first], &keys[second]);
	}

	for (int i = 0; i < n; i++)
		if (keys[i].is_merge)
			merge_at = i;
	Assert(merge_at >= 0);

	mv = &obj->val.object.pairs[merge_at].value;
	if (mv->type == jbvObject)
	{
		nsources = 1;
		sources = palloc(sizeof(JsonbValue *));
		sources[0] = mv;
	}
	else if (mv->type == jbvArray)
	{
		nsources = mv->val.array.nElems;
		sources = palloc(sizeof(JsonbValue *) * Max(nsources, 1));
		for (int i = 0; i < nsources; i++)
		{
			sources[i] = &mv->val.array.elems[i];
			if (sources[i]->type != jbvObject)
				nsources = -1;
			if (nsources < 0)
				break;
		}
	}
	else
		nsources = -1;
	if (nsources < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: the merge key \"<<\" needs a mapping or a sequence of mappings"),
				 errdetail("At line %zu, column %zu, \"<<\" is given something else.",
						   keys[merge_at].line + 1, keys[merge_at].column + 1),
				 errhint("Quote the key to use \"<<\" as an ordinary key.")));

	total = n - 1;
	for (int i = 0; i < nsources; i++)
		total += sources[i]->val.object.nPairs;
	if (total > (int64) (MaxAllocHugeSize / sizeof(JsonbPair)) || total > INT_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML mapping has too many keys after merging")));

	pairs = palloc_extended(sizeof(JsonbPair) * Max(total, 1), MCXT_ALLOC_HUGE);
	for (int i = nsources - 1; i >= 0; i--)
	{
		for (int j = 0; j < sources[i]->val.object.nPairs; j++)
		{
			pairs[out] = sources[i]->val.object.pairs[j];
			pairs[out].order = out;
			out++;
		}
	}
	for (int i = 0; i < n; i++)
	{
		if (i == merge_at)
			continue;
		pairs[out] = obj->val.object.pairs[i];
		pairs[out].order = out;
		out++;
	}
	obj->val.object.pairs = pairs;
	obj->val.object.nPairs = out;
	p->state->size = Max(out, 1);
}

/* A mapping or sequence ends. */
static void
yaml_on_end(YamlParse *p)
{
	YamlFrame  *f = &p->frames[p->depth - 1];
	JsonbValue *res;
	int			height = f->peak - p->depth + 1;

	if (f->is_map)
	{
		int			npairs;

		if (f->has_merge)
			yaml_apply_merge(p, f);
		npairs = p->state->contVal.val.object.nPairs;
		res = pushJsonbValue(&p->state, WJB_END_OBJECT, NULL);
		if (!f->has_merge && res->val.object.nPairs != npairs)
			yaml_find_duplicate(p, f, res, npairs);
		p->nkeys = f->keybase;
	}
	else
		res = pushJsonbValue(&p->state, WJB_END_ARRAY, NULL);

	if (f->anchor != NULL && f->anchor->id == f->anchor_id)
	{
		YamlAnchor *a = f->anchor;

		a->value = *res;
		a->nodes = p->nodes - f->nodes_at_start;
		a->bytes = p->bytes - f->bytes_at_start;
		a->height = height;
		a->complete = true;
	}

	p->depth--;
	if (p->depth > 0)
	{
		YamlFrame  *parent = &p->frames[p->depth - 1];

		parent->peak = Max(parent->peak, f->peak);
		if (parent->is_map)
			parent->expect_key = true;
	}
	else
	{
		p->root = *res;
		p->have_root = true;
	}
}

/* Forgets the previous document: anchors do not cross documents. */
static void
yaml_begin_document(YamlParse *p)
{
	MemoryContextReset(p->doccxt);
	p->state = NULL;
	p->have_root = false;
	p->depth = 0;
	p->nkeys = 0;
	p->anchors = NULL;
	p->nodes = 0;
	p->bytes = 0;
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
				break;
			case YAML_DOCUMENT_END_EVENT:
				ndocs++;
				if (!p->have_root)
					elog(ERROR, "YAML document without a root node");
				if (tupstore == NULL)
				{
					MemoryContextSwitchTo(outcxt);
					p->result = JsonbValueToJsonb(&p->root);
					MemoryContextSwitchTo(p->doccxt);
				}
				else
				{
					Datum		value = JsonbPGetDatum(JsonbValueToJsonb(&p->root));
					bool		isnull = false;

					tuplestore_putvalues(tupstore, tupdesc, &value, &isnull);
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
	p->max_depth = meshcat_yaml_max_depth;
	p->max_nodes = meshcat_yaml_max_nodes;
	p->max_bytes = meshcat_yaml_max_bytes;
	p->doccxt = AllocSetContextCreate(workcxt, "meshcat YAML document",
									  ALLOCSET_DEFAULT_SIZES);
	p->frames_alloc = 16;
	p->frames = palloc(sizeof(YamlFrame) * p->frames_alloc);
	p->keys_alloc = 64;
	p->keys = palloc(sizeof(YamlKey) * p->keys_alloc);

	PG_TRY();
	{
		yaml_read_stream(p, data, len, tupstore, tupdesc, outcxt);
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

/* Reports libyaml's error for the parser, with its position and context. */
static void
yaml_report_parser_error(YamlParse *p)
{
	yaml_parser_t *y = &p->parser;
	const char *problem = y->problem ? y->problem : "unknown error";

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
								   y->context_mark.column + 1)));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid YAML: %s", problem),
					 errdetail("At line %zu, column %zu.",
							   y->problem_mark.line + 1,
							   y->problem_mark.column + 1)));
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

	if (size > (Size) meshcat_yaml_max_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML input is too large"),
				 errdetail("The input is %zu bytes, more than meshcat.yaml_max_bytes (%d bytes).",
						   size, meshcat_yaml_max_bytes),
				 errhint("Split the input into smaller pieces, or raise meshcat.yaml_max_bytes.")));
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

/* Converts a YAML stream to one jsonb row per document, in order. */
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
