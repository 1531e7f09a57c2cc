/*
 * descriptor_check.c
 *	  json_schema_problem(): the descriptor validator behind
 *	  descriptor_problem(), a walk over the subset of JSON Schema that
 *	  docs/descriptor.schema.json uses; and edit_distance() and closest_key(),
 *	  the "did you mean" of its messages and of mesh_register's.
 *
 * It replaced a PL/pgSQL walker and gives exactly what that walker gave
 * (sql/descriptor_validator.sql compares the two): the same checks in the
 * same order, the same paths and messages, and the jsonb operators' own
 * meaning even where a schema is not what JSON Schema allows (a schema that
 * is an array "has" a keyword it lists as a string, as ? says). Patterns go
 * through PostgreSQL's regular expressions with the default collation, as
 * the ~ operator did.
 *
 * It walks with an explicit stack: nesting costs memory, never C stack. An
 * array on the stack is one entry that hands out its items one at a time.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/varlena.h"

/*
 * A step of a JSON path, kept as a chain to the root so that a path is only
 * spelled out when a problem names it. The root holds the caller's text (NULL
 * for an SQL NULL path), a key step its key, an index step its index.
 */
typedef struct PathStep
{
	const struct PathStep *parent;	/* NULL at the root */
	const char *key;			/* keylen bytes: the root's text or a key */
	int			keylen;
	int			index;			/* an index step: key NULL, parent not NULL */
} PathStep;

/*
 * What is left to check: a value against a schema, or an array's items. The
 * values point into the jsonb arguments, which outlive the walk.
 */
typedef struct WalkItem
{
	JsonbValue	value;
	JsonbValue	schema;
	bool		value_isnull;	/* an SQL NULL value (the root only) */
	bool		schema_isnull;	/* no schema (an SQL NULL): anything goes */
	const PathStep *path;
	int			next;			/* >= 0: the next item of the array value to
								 * check against schema; -1: check the value */
	PathStep   *item_path;		/* an array's: the path of the item being
								 * checked, reused for each */
} WalkItem;

typedef struct Walk
{
	MemoryContext cxt;			/* the stack and paths, for the whole walk */
	MemoryContext scratch;		/* the rest, emptied after each value checked */
	WalkItem   *stack;
	int			top;
	int			size;
	JsonbValue *defs;			/* what "$ref": "#/$defs/NAME" names NAME in */
	const PathStep *problem_path;
	char	   *problem;
} Walk;

#define IS_OBJECT(v) ((v)->type == jbvBinary && JsonContainerIsObject((v)->val.binary.data))
#define IS_ARRAY(v) ((v)->type == jbvBinary && JsonContainerIsArray((v)->val.binary.data))

/* ----------------------------------------------------------------------
 * The jsonb operators the walker was written with, on JsonbValues
 * ----------------------------------------------------------------------
 */

/* A jsonb datum as a value: its scalar, or its container */
static JsonbValue *
root_value(Jsonb *jb)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	if (JB_ROOT_IS_SCALAR(jb))
		JsonbExtractScalar(&jb->root, v);
	else
	{
		v->type = jbvBinary;
		v->val.binary.data = &jb->root;
		v->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
	return v;
}

static void
string_value(JsonbValue *v, const char *s, int len)
{
	v->type = jbvString;
	v->val.string.val = (char *) s;
	v->val.string.len = len;
}

/* v -> key: the value of a key of an object; NULL for anything else */
static JsonbValue *
field(JsonbValue *v, const char *key, int keylen)
{
	if (v == NULL || !IS_OBJECT(v))
		return NULL;
	return getKeyJsonValueFromContainer(v->val.binary.data, key, keylen, NULL);
}

/* The same, for a key written out */
#define field_named(v, key) field(v, key, sizeof(key) - 1)

/* v ? key: a key of an object, a string item of an array, the string itself */
static bool
exists(JsonbValue *v, const char *key, int keylen)
{
	JsonbValue	k;

	if (v == NULL)
		return false;
	if (v->type == jbvBinary)
	{
		string_value(&k, key, keylen);
		return findJsonbValueFromContainer(v->val.binary.data,
										   JB_FOBJECT | JB_FARRAY, &k) != NULL;
	}
	return v->type == jbvString && v->val.string.len == keylen &&
		memcmp(v->val.string.val, key, keylen) == 0;
}

/*
 * schema -> keyword, and whether schema ? keyword: the walker asks both of
 * most keywords, and they differ where the schema is not an object.
 */
static JsonbValue *
keyword_value(JsonbValue *schema, const char *kw, int kwlen, bool *present)
{
	JsonbValue *v;

	if (schema != NULL && IS_OBJECT(schema))
	{
		v = field(schema, kw, kwlen);
		*present = (v != NULL);
		return v;
	}
	*present = exists(schema, kw, kwlen);
	return NULL;
}

/* The same, for a keyword written out */
#define keyword(schema, kw, present) keyword_value(schema, kw, sizeof(kw) - 1, present)

/* jsonb's text of a value, as format('%s', value) shows it ("" for NULL) */
static char *
value_out(JsonbValue *v)
{
	if (v == NULL)
		return "";
	if (v->type == jbvBinary)
		return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 0);
}

/* A value as ->> gives it: a string unquoted, null as NULL, others as jsonb text */
static char *
value_text(JsonbValue *v)
{
	if (v == NULL)
		return NULL;
	switch (v->type)
	{
		case jbvNull:
			return NULL;
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return value_out(v);
	}
}

/* a = b, for jsonb (numbers by value, strings byte for byte) */
static bool
values_equal(JsonbValue *a, JsonbValue *b)
{
	if (a->type == jbvBinary || b->type == jbvBinary)
		return a->type == jbvBinary && b->type == jbvBinary &&
			compareJsonbContainers(a->val.binary.data, b->val.binary.data) == 0;
	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvNull:
			return true;
		case jbvBool:
			return a->val.boolean == b->val.boolean;
		case jbvString:
			return a->val.string.len == b->val.string.len &&
				memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
		case jbvNumeric:
			return DatumGetBool(DirectFunctionCall2(numeric_eq,
													NumericGetDatum(a->val.numeric),
													NumericGetDatum(b->val.numeric)));
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) a->type);
	}
	return false;
}

/*
 * list @> jsonb_build_array(v): whether an array holds v (v NULL is JSON
 * null), a container item containing it as @> says. A list that is not an
 * array contains no array.
 */
static bool
list_contains(JsonbValue *list, JsonbValue *v)
{
	JsonbValue	null_value;
	JsonbIterator *it;
	JsonbValue	item;
	JsonbIteratorToken tok;

	if (!IS_ARRAY(list))
		return false;
	if (v == NULL)
	{
		null_value.type = jbvNull;
		v = &null_value;
	}
	if (v->type != jbvBinary)
		return findJsonbValueFromContainer(list->val.binary.data, JB_FARRAY, v) != NULL;

	it = JsonbIteratorInit(list->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &item, true)) != WJB_DONE)
	{
		JsonbIterator *a;
		JsonbIterator *b;

		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_ELEM || item.type != jbvBinary)
			continue;
		a = JsonbIteratorInit(item.val.binary.data);
		b = JsonbIteratorInit(v->val.binary.data);
		if (JsonbDeepContains(&a, &b))
			return true;
	}
	return false;
}

/* Room for n things of a size (a jsonb may hold more than palloc's 1 GB of them) */
static void *
alloc_array(int n, Size size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, (Size) Max(n, 1) * size);
}

/* The items of an array, counted in *n */
static JsonbValue *
array_items(JsonbValue *array, int *n)
{
	JsonbContainer *c = array->val.binary.data;
	JsonbValue *items = alloc_array(JsonContainerSize(c), sizeof(JsonbValue));
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	v;
	JsonbIteratorToken tok;

	*n = 0;
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_ELEM)
			items[(*n)++] = v;
	}
	return items;
}

/* The keys and values of an object, in jsonb's order (as jsonb_each gives them) */
static void
object_pairs(JsonbValue *object, JsonbValue **keys, JsonbValue **values, int *n)
{
	JsonbContainer *c = object->val.binary.data;
	int			size = JsonContainerSize(c);
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	v;
	JsonbIteratorToken tok;

	*keys = alloc_array(size, sizeof(JsonbValue));
	if (values)
		*values = alloc_array(size, sizeof(JsonbValue));
	*n = 0;
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_KEY)
			(*keys)[*n] = v;
		else if (tok == WJB_VALUE)
		{
			if (values)
				(*values)[*n] = v;
			(*n)++;
		}
	}
}

/* s ~ pattern, as the ~ operator of text with the default collation says */
static bool
matches(const char *s, int len, const char *pattern)
{
	return RE_compile_and_execute(cstring_to_text(pattern), (char *) s, len,
								  REG_ADVANCED, DEFAULT_COLLATION_OID, 0, NULL);
}

/*
 * The errors where a schema keyword has the wrong shape: the ones
 * jsonb_array_elements and jsonb_object_keys raised in the PL/pgSQL walker,
 * saying which keyword it is. Only a schema other than meshcat's gets there.
 */
static void
shape_error(JsonbValue *v, const char *kw, bool want_array)
{
	bool		scalar = (v->type != jbvBinary);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 want_array ?
			 (scalar ? errmsg("cannot extract elements from a scalar") :
			  errmsg("cannot extract elements from an object")) :
			 (scalar ? errmsg("cannot call %s on a scalar", "jsonb_object_keys") :
			  errmsg("cannot call %s on an array", "jsonb_object_keys")),
			 errdetail("The schema's \"%s\" is not %s.", kw,
					   want_array ? "an array" : "an object"),
			 errhint("Give descriptor_problem a schema whose \"%s\" is %s.", kw,
					 want_array ? "an array" : "an object")));
}

/* ----------------------------------------------------------------------
 * "Did you mean": edit distance and the closest key
 * ----------------------------------------------------------------------
 */

/* A string as characters, for comparing one character with another */
static pg_wchar *
to_chars(const char *s, int len, int *n)
{
	pg_wchar   *w = palloc(sizeof(pg_wchar) * (len + 1));

	*n = pg_mb2wchar_with_len(s, w, len);
	return w;
}

/*
 * The optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of two neighbours each count one. Three rows of the matrix.
 */
static int
osa_distance(const pg_wchar *a, int m, const pg_wchar *b, int n)
{
	int		   *prev2 = palloc(sizeof(int) * (n + 1));
	int		   *prev = palloc(sizeof(int) * (n + 1));
	int		   *cur = palloc(sizeof(int) * (n + 1));
	int			result;

	for (int j = 0; j <= n; j++)
		prev[j] = j;
	for (int i = 1; i <= m; i++)
	{
		int		   *spare = prev2;

		CHECK_FOR_INTERRUPTS();
		cur[0] = i;
		for (int j = 1; j <= n; j++)
		{
			int			d = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);

			d = Min(d, prev[j] + 1);
			d = Min(d, cur[j - 1] + 1);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				d = Min(d, prev2[j - 2] + 1);
			cur[j] = d;
		}
		prev2 = prev;
		prev = cur;
		cur = spare;
	}
	result = prev[n];
	pfree(prev2);
	pfree(prev);
	pfree(cur);
	return result;
}

static int
text_distance(const char *a, int alen, const char *b, int blen)
{
	int			m;
	int			n;
	pg_wchar   *wa = to_chars(a, alen, &m);
	pg_wchar   *wb = to_chars(b, blen, &n);
	int			d = osa_distance(wa, m, wb, n);

	pfree(wa);
	pfree(wb);
	return d;
}

/* Order of text under the default collation, as ORDER BY sorts it */
static int
text_order(const char *a, int alen, const char *b, int blen)
{
	return varstr_cmp(a, alen, b, blen, DEFAULT_COLLATION_OID);
}

/*
 * The index of the candidate closest to key (lower-cased, by edit distance,
 * then in text order), if it is close enough to be a likely typo: at most one
 * edit in a short key, two in a key of six or more characters; else -1.
 * NULL candidates (cands[i] NULL) never match.
 */
static int
closest(const char *key, int keylen, char **cands, int *candlens, int ncands)
{
	int			limit = Max(1, Min(2, pg_mbstrlen_with_len(key, keylen) / 3));
	char	   *lkey = str_tolower(key, keylen, DEFAULT_COLLATION_OID);
	int			m;
	pg_wchar   *wkey = to_chars(lkey, strlen(lkey), &m);
	int			best = -1;
	int			bestd = 0;

	for (int i = 0; i < ncands; i++)
	{
		char	   *lc;
		pg_wchar   *wc;
		int			n;
		int			d;

		CHECK_FOR_INTERRUPTS();
		if (cands[i] == NULL)
			continue;
		lc = str_tolower(cands[i], candlens[i], DEFAULT_COLLATION_OID);
		wc = to_chars(lc, strlen(lc), &n);
		/* the distance is at least the difference in length */
		d = (Abs(m - n) > limit) ? limit + 1 : osa_distance(wkey, m, wc, n);
		pfree(lc);
		pfree(wc);
		if (d > limit)
			continue;
		if (best < 0 || d < bestd ||
			(d == bestd && text_order(cands[i], candlens[i], cands[best], candlens[best]) < 0))
		{
			best = i;
			bestd = d;
		}
	}
	pfree(lkey);
	pfree(wkey);
	return best;
}

/* ----------------------------------------------------------------------
 * Paths
 * ----------------------------------------------------------------------
 */

static const PathStep *
key_step(Walk *w, const PathStep *parent, const char *key, int keylen)
{
	PathStep   *s = MemoryContextAlloc(w->cxt, sizeof(PathStep));

	s->parent = parent;
	s->key = key;
	s->keylen = keylen;
	s->index = 0;
	return s;
}

/* Whether a key is an identifier, ^[A-Za-z_][A-Za-z0-9_]*$, written bare in a path */
static bool
is_identifier(const char *key, int len)
{
	for (int i = 0; i < len; i++)
	{
		char		c = key[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
			  (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return len > 0;
}

/*
 * The text of a path: keys as .key, or ."quoted" as to_jsonb(key)::text
 * when they are not identifiers, items as [i]. A key step after an SQL NULL
 * root is NULL still; an item step starts the text again ('%s[%s]' did).
 */
static char *
path_text(const PathStep *path)
{
	int			depth = 0;
	const PathStep **steps;
	StringInfoData buf;
	bool		isnull;

	for (const PathStep *s = path; s; s = s->parent)
		depth++;
	steps = palloc(sizeof(PathStep *) * depth);
	depth = 0;
	for (const PathStep *s = path; s; s = s->parent)
		steps[depth++] = s;

	initStringInfo(&buf);
	isnull = (steps[depth - 1]->key == NULL);
	if (!isnull)
		appendBinaryStringInfo(&buf, steps[depth - 1]->key, steps[depth - 1]->keylen);
	for (int i = depth - 2; i >= 0; i--)
	{
		const PathStep *s = steps[i];

		if (s->key == NULL)
		{
			isnull = false;
			appendStringInfo(&buf, "[%d]", s->index);
		}
		else if (!isnull)
		{
			appendStringInfoChar(&buf, '.');
			if (is_identifier(s->key, s->keylen))
				appendBinaryStringInfo(&buf, s->key, s->keylen);
			else
				escape_json(&buf, pnstrdup(s->key, s->keylen));
		}
	}
	return isnull ? NULL : buf.data;
}

/* ----------------------------------------------------------------------
 * The walk
 * ----------------------------------------------------------------------
 */

/* Pushes a value (NULL: SQL NULL) to check against a schema (NULL: none) */
static void
push(Walk *w, JsonbValue *value, JsonbValue *schema, const PathStep *path, int next)
{
	WalkItem   *item;

	if (w->top == w->size)
	{
		if (w->size >= PG_INT32_MAX / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("descriptor_problem cannot check a value with this many keys"),
					 errdetail("It would have more than %d keys to check at once.", PG_INT32_MAX / 2),
					 errhint("Split the value into smaller documents.")));
		w->size *= 2;
		w->stack = repalloc_huge(w->stack, sizeof(WalkItem) * w->size);
	}
	item = &w->stack[w->top++];
	item->value_isnull = (value == NULL);
	if (value)
		item->value = *value;
	item->schema_isnull = (schema == NULL);
	if (schema)
		item->schema = *schema;
	item->path = path;
	item->next = next;
	item->item_path = NULL;
}

/* Leaves the first problem in w; false, for the checks to return */
static bool
report(Walk *w, const PathStep *path, char *problem)
{
	w->problem_path = path;
	w->problem = problem;
	return false;
}

/* The missing required key's message, with a key of value spelled close to it */
static char *
missing_key(JsonbValue *value, JsonbValue *schema, const char *key)
{
	JsonbValue *props = field_named(schema, "properties");
	JsonbValue *keys;
	int			n;
	int			keylen = strlen(key);
	char	   *one[1] = {(char *) key};
	int			best = -1;
	int			bestd = 0;

	object_pairs(value, &keys, NULL, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *k = keys[i].val.string.val;
		int			klen = keys[i].val.string.len;
		int			d;

		CHECK_FOR_INTERRUPTS();
		/* a key the schema knows is not a typo */
		if (exists(props, k, klen))
			continue;
		if (closest(k, klen, one, &keylen, 1) < 0)
			continue;
		d = text_distance(k, klen, key, keylen);
		if (best < 0 || d < bestd ||
			(d == bestd && text_order(k, klen, keys[best].val.string.val,
									  keys[best].val.string.len) < 0))
		{
			best = i;
			bestd = d;
		}
	}
	if (best < 0)
		return psprintf("missing required key \"%s\"", key);
	return psprintf("missing required key \"%s\" (found \"%s\"; did you mean \"%s\"?)", key,
					pnstrdup(keys[best].val.string.val, keys[best].val.string.len), key);
}

/* The unknown key's message, with a key the schema knows spelled close to it */
static char *
unknown_key(JsonbValue *value, JsonbValue *schema, const char *key, int keylen)
{
	JsonbValue *props = field_named(schema, "properties");
	JsonbValue *keys;
	char	  **cands;
	int		   *candlens;
	int			n;
	int			ncands = 0;
	int			best;

	if (props == NULL)
		return "unknown key";
	if (!IS_OBJECT(props))
		shape_error(props, "properties", false);
	/* the keys the schema knows that value does not have */
	object_pairs(props, &keys, NULL, &n);
	cands = alloc_array(n, sizeof(char *));
	candlens = alloc_array(n, sizeof(int));
	for (int i = 0; i < n; i++)
	{
		if (field(value, keys[i].val.string.val, keys[i].val.string.len) != NULL)
			continue;
		cands[ncands] = keys[i].val.string.val;
		candlens[ncands] = keys[i].val.string.len;
		ncands++;
	}
	best = closest(key, keylen, cands, candlens, ncands);
	if (best < 0)
		return "unknown key";
	return psprintf("unknown key; did you mean \"%s\"?", pnstrdup(cands[best], candlens[best]));
}

/* Whether a string has fewer than min characters; counted only if its bytes cannot tell */
static bool
shorter_than(const char *s, int len, int min)
{
	if (len < min)
		return true;
	if ((int64) len >= (int64) min * pg_database_encoding_max_length())
		return false;
	return pg_mbstrlen_with_len(s, len) < min;
}

/* Checks a string: minLength, then pattern (told in words by x-expected) */
static bool
check_string(Walk *w, JsonbValue *value, JsonbValue *schema, const PathStep *path)
{
	char	   *min_text = value_text(field_named(schema, "minLength"));
	int			min = min_text ? DatumGetInt32(DirectFunctionCall1(int4in, CStringGetDatum(min_text))) : 0;
	bool		present;
	JsonbValue *pattern;
	char	   *pattern_text;
	JsonbValue *expected;

	if (shorter_than(value->val.string.val, value->val.string.len, min))
		return report(w, path, "must not be empty");
	pattern = keyword(schema, "pattern", &present);
	if (!present || (pattern_text = value_text(pattern)) == NULL ||
		matches(value->val.string.val, value->val.string.len, pattern_text))
		return true;
	expected = keyword(schema, "x-expected", &present);
	if (present)
	{
		char	   *words = value_text(expected);

		return report(w, path, psprintf("expected %s, got %s", words ? words : "",
										value_out(value)));
	}
	return report(w, path, psprintf("%s does not match the pattern %s",
									value_out(value), pattern_text));
}

/*
 * Checks an object: its required keys, in the schema's order, then its keys
 * in jsonb's order, each known to properties, patternProperties or
 * additionalProperties; then pushes the values with a schema to check, last
 * first, so that they are checked in order.
 */
static bool
check_object(Walk *w, JsonbValue *value, JsonbValue *schema, const PathStep *path)
{
	JsonbValue *required = field_named(schema, "required");
	JsonbValue *props = field_named(schema, "properties");
	JsonbValue *patterns = field_named(schema, "patternProperties");
	JsonbValue *keys;
	JsonbValue *values;
	JsonbValue **subs;
	int			n;

	if (required != NULL)
	{
		JsonbValue *items;
		int			nitems;

		if (!IS_ARRAY(required))
			shape_error(required, "required", true);
		items = array_items(required, &nitems);
		for (int i = 0; i < nitems; i++)
		{
			char	   *key = value_text(&items[i]);

			CHECK_FOR_INTERRUPTS();
			if (key != NULL && field(value, key, strlen(key)) == NULL)
				return report(w, path, missing_key(value, schema, key));
		}
	}

	object_pairs(value, &keys, &values, &n);
	subs = alloc_array(n, sizeof(JsonbValue *));
	for (int i = 0; i < n; i++)
	{
		char	   *key = keys[i].val.string.val;
		int			keylen = keys[i].val.string.len;
		JsonbValue *sub = field(props, key, keylen);

		CHECK_FOR_INTERRUPTS();
		if (sub == NULL && patterns != NULL)
		{
			JsonbValue *pkeys;
			JsonbValue *pvalues;
			int			np;

			/* the first pattern, in jsonb's order, that the key matches */
			if (!IS_OBJECT(patterns))
				shape_error(patterns, "patternProperties", false);
			object_pairs(patterns, &pkeys, &pvalues, &np);
			for (int j = 0; j < np && sub == NULL; j++)
				if (matches(key, keylen,
							pnstrdup(pkeys[j].val.string.val, pkeys[j].val.string.len)))
					sub = &pvalues[j];
		}
		if (sub == NULL)
		{
			sub = field_named(schema, "additionalProperties");
			if (sub != NULL && sub->type == jbvBool && !sub->val.boolean)
				return report(w, key_step(w, path, key, keylen),
							  unknown_key(value, schema, key, keylen));
		}
		/* an empty schema accepts anything: nothing to walk */
		if (sub != NULL && IS_OBJECT(sub) && JsonContainerSize(sub->val.binary.data) == 0)
			sub = NULL;
		subs[i] = sub;
	}
	for (int i = n - 1; i >= 0; i--)
	{
		if (subs[i] == NULL)
			continue;
		push(w, &values[i], subs[i],
			 key_step(w, path, keys[i].val.string.val, keys[i].val.string.len), -1);
	}
	return true;
}

/* Whether one of the types a schema's "type" names is vtype; else the message */
static char *
type_problem(JsonbValue *type, const char *vtype)
{
	JsonbValue	null_value;
	JsonbValue *types;
	int			n;
	StringInfoData buf;
	bool		first = true;

	/* a list of types, or one (missing where the schema is not an object) */
	if (type != NULL && IS_ARRAY(type))
		types = array_items(type, &n);
	else
	{
		if (type == NULL)
		{
			null_value.type = jbvNull;
			type = &null_value;
		}
		types = type;
		n = 1;
	}
	for (int i = 0; i < n; i++)
		if (types[i].type == jbvString && strlen(vtype) == types[i].val.string.len &&
			memcmp(vtype, types[i].val.string.val, types[i].val.string.len) == 0)
			return NULL;
	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
	{
		char	   *s = value_text(&types[i]);

		if (s == NULL)
			continue;
		appendStringInfo(&buf, "%s%s", first ? "" : " or ", s);
		first = false;
	}
	return psprintf("expected %s, got %s", buf.data, vtype);
}

/*
 * Checks a value against its schema, in the walker's order: $ref, const,
 * enum, type, then what its type asks. False when it found a problem.
 */
static bool
check_value(Walk *w, JsonbValue *value, JsonbValue *schema, const PathStep *path)
{
	bool		present;
	JsonbValue *kw;
	const char *vtype = value ? JsonbTypeName(value) : NULL;

	/* "$ref": "#/$defs/NAME" (its first 8 characters are not read), resolved once */
	kw = keyword(schema, "$ref", &present);
	if (present)
	{
		char	   *ref = value_text(kw);

		schema = NULL;
		if (ref != NULL)
		{
			for (int i = 0; i < 8 && *ref; i++)
				ref += pg_mblen(ref);
			schema = field(w->defs, ref, strlen(ref));
		}
	}

	kw = keyword(schema, "const", &present);
	if (present && (value == NULL ? kw != NULL : kw == NULL || !values_equal(value, kw)))
		return report(w, path, psprintf("expected %s, got %s", value_out(kw), value_out(value)));

	kw = keyword(schema, "enum", &present);
	if (present && kw != NULL && !list_contains(kw, value))
	{
		StringInfoData buf;
		JsonbValue *items;
		int			n;

		if (!IS_ARRAY(kw))
			shape_error(kw, "enum", true);
		items = array_items(kw, &n);
		initStringInfo(&buf);
		for (int i = 0; i < n; i++)
			appendStringInfo(&buf, "%s%s", i ? ", " : "", value_out(&items[i]));
		return report(w, path, psprintf("%s is not one of %s", value_out(value), buf.data));
	}

	kw = keyword(schema, "type", &present);
	if (present && vtype != NULL)
	{
		char	   *problem = type_problem(kw, vtype);

		if (problem)
			return report(w, path, problem);
	}

	if (value == NULL)
		return true;
	if (value->type == jbvString)
		return check_string(w, value, schema, path);
	if (IS_OBJECT(value))
		return check_object(w, value, schema, path);
	if (IS_ARRAY(value))
	{
		kw = keyword(schema, "items", &present);
		if (present)
			push(w, value, kw, path, 0);
	}
	return true;
}

/*
 * Walks value against schema from path; the first problem, in the walker's
 * order, is left in w. An array stays on the stack below the item it hands
 * out, which is checked, with all it holds, before the next item.
 */
static void
walk(Walk *w, JsonbValue *value, JsonbValue *schema, const PathStep *path)
{
	w->size = 64;
	w->stack = MemoryContextAlloc(w->cxt, sizeof(WalkItem) * w->size);
	w->top = 0;
	push(w, value, schema, path, -1);
	while (w->top > 0)
	{
		WalkItem	item = w->stack[--w->top];
		JsonbValue *v = item.value_isnull ? NULL : &item.value;
		JsonbValue *s = item.schema_isnull ? NULL : &item.schema;

		CHECK_FOR_INTERRUPTS();
		if (item.next >= 0)
		{
			JsonbContainer *c = item.value.val.binary.data;
			PathStep   *step = item.item_path;
			JsonbValue *elem;

			if (item.next >= JsonContainerSize(c))
				continue;
			if (step == NULL)
			{
				step = MemoryContextAlloc(w->cxt, sizeof(PathStep));
				step->parent = item.path;
				step->key = NULL;
				step->keylen = 0;
			}
			step->index = item.next;
			push(w, v, s, item.path, item.next + 1);
			w->stack[w->top - 1].item_path = step;
			elem = getIthJsonbValueFromContainer(c, item.next);
			push(w, elem, s, step, -1);
			pfree(elem);
			continue;
		}
		if (!check_value(w, v, s, item.path))
			return;
		MemoryContextReset(w->scratch);
	}
}

/*
 * json_schema_problem(value jsonb, schema jsonb, path text, defs jsonb)
 * returns text[]: {path, problem} for the first place where value breaks
 * schema, NULL if none does. "$ref"s name keys of defs. Not strict: an SQL
 * NULL value is checked against const and enum, a NULL schema accepts
 * anything, a NULL path makes NULL paths, as the PL/pgSQL walker did.
 */
PG_FUNCTION_INFO_V1(json_schema_problem);
Datum
json_schema_problem(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	MemoryContext old;
	Walk		w = {0};
	PathStep	root = {0};
	JsonbValue *value;
	JsonbValue *schema;
	char	   *path = NULL;
	char	   *problem = NULL;
	ArrayType  *result;
	Datum		elems[2];
	bool		nulls[2];
	int			dims[1] = {2};
	int			lbs[1] = {1};

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();

	cxt = AllocSetContextCreate(CurrentMemoryContext, "json_schema_problem",
								ALLOCSET_DEFAULT_SIZES);
	w.cxt = cxt;
	w.scratch = AllocSetContextCreate(cxt, "json_schema_problem scratch",
									  ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	value = PG_ARGISNULL(0) ? NULL : root_value(PG_GETARG_JSONB_P(0));
	if (!PG_ARGISNULL(2))
	{
		text	   *t = PG_GETARG_TEXT_PP(2);

		root.key = VARDATA_ANY(t);
		root.keylen = VARSIZE_ANY_EXHDR(t);
	}
	w.defs = PG_ARGISNULL(3) ? NULL : root_value(PG_GETARG_JSONB_P(3));
	schema = root_value(PG_GETARG_JSONB_P(1));
	MemoryContextSwitchTo(w.scratch);
	walk(&w, value, schema, &root);
	if (w.problem)
	{
		path = path_text(w.problem_path);
		problem = w.problem;
	}
	MemoryContextSwitchTo(old);

	if (problem == NULL)
	{
		MemoryContextDelete(cxt);
		PG_RETURN_NULL();
	}
	nulls[0] = (path == NULL);
	elems[0] = path ? PointerGetDatum(cstring_to_text(path)) : (Datum) 0;
	nulls[1] = false;
	elems[1] = PointerGetDatum(cstring_to_text(problem));
	MemoryContextDelete(cxt);
	result = construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * edit_distance(a text, b text) returns int: the optimal string alignment
 * distance between two strings, character by character.
 */
PG_FUNCTION_INFO_V1(edit_distance);
Datum
edit_distance(PG_FUNCTION_ARGS)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);

	PG_RETURN_INT32(text_distance(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
								  VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}

/*
 * closest_key(key text, candidates text[]) returns text: the candidate a
 * mistyped key most likely meant, or NULL (see closest()).
 */
PG_FUNCTION_INFO_V1(closest_key);
Datum
closest_key(PG_FUNCTION_ARGS)
{
	text	   *key = PG_GETARG_TEXT_PP(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	char	  **cands;
	int		   *lens;
	int			best;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	cands = alloc_array(n, sizeof(char *));
	lens = alloc_array(n, sizeof(int));
	for (int i = 0; i < n; i++)
	{
		text	   *c = nulls[i] ? NULL : DatumGetTextPP(elems[i]);

		cands[i] = c ? VARDATA_ANY(c) : NULL;
		lens[i] = c ? VARSIZE_ANY_EXHDR(c) : 0;
	}
	best = closest(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key), cands, lens, n);
	if (best < 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(cands[best], lens[best]));
}
