/*
 * yaml_emit.c
 *	  jsonb to YAML: mesh_jsonb_to_yaml().
 *
 * The jsonb is walked with a JsonbIterator (no recursion) and turned into
 * libyaml emitter events, written into a StringInfo. The output is block
 * style, and reads back through mesh_yaml_to_jsonb() to the same jsonb: every
 * string that a plain scalar would turn into something else is quoted.
 * docs/yaml.md describes the format.
 *
 * libyaml allocates with malloc, so the emitter is released on every path,
 * errors included (PG_TRY, as contrib/xml2 does).
 */
#include "postgres.h"

#include <yaml.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "yaml_internal.h"

/* The state of one call. */
typedef struct YamlEmit
{
	yaml_emitter_t emitter;
	bool		emitter_ready;	/* emitter must be deleted */
	StringInfoData out;			/* the YAML, in UTF-8 */
	int			encoding;		/* the server's */
} YamlEmit;

/* Appends libyaml's output to the result (libyaml write handler). */
static int
yaml_write_handler(void *data, unsigned char *buffer, size_t size)
{
	YamlEmit   *e = (YamlEmit *) data;

	appendBinaryStringInfo(&e->out, (const char *) buffer, (int) size);
	return 1;
}

/* Hands one event to the emitter, which takes it over. */
static void
yaml_emit_event(YamlEmit *e, yaml_event_t *event)
{
	if (!yaml_emitter_emit(&e->emitter, event))
	{
		if (e->emitter.error == YAML_MEMORY_ERROR)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("libyaml could not allocate memory while emitting.")));
		elog(ERROR, "libyaml could not emit YAML: %s",
			 e->emitter.problem ? e->emitter.problem : "unknown error");
	}
}

/* Fails when libyaml could not make an event. */
static void
yaml_event_failed(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory"),
			 errdetail("libyaml could not create an event.")));
}

/*
 * Whether a string, though the core schema reads it as a string, would mean
 * something else to a YAML 1.1 reader or to the merge key: quote it too, so
 * the output reads the same everywhere (yes, on, 2001-12-14, 1_000, <<).
 */
static bool
yaml_looks_typed(const char *s, int len)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF", "<<", "=",
	};
	const char *p = s;

	if (*p == '+' || *p == '-')
		p++;
	if (p < s + len && ((*p >= '0' && *p <= '9') ||
						(*p == '.' && p + 1 < s + len &&
						 p[1] >= '0' && p[1] <= '9')))
		return true;
	if (len > 3)
		return false;
	for (int i = 0; i < lengthof(words); i++)
	{
		if (strlen(words[i]) == (size_t) len && memcmp(words[i], s, len) == 0)
			return true;
	}
	return false;
}

/*
 * Chooses how to write a string (UTF-8): quoted if a plain scalar would read
 * as something else, double-quoted (escaped) if it holds control or line
 * separator characters, literal (|) if it holds newlines, else plain. libyaml
 * itself falls back from plain to single to double quotes whenever the text
 * needs it (indicators, leading or trailing spaces, ": ", " #", ...).
 */
static yaml_scalar_style_t
yaml_string_style(const char *s, int len)
{
	bool		newline = false;

	if (len == 0 || MeshYamlClassifyPlain(s, len) != MESH_YAML_STRING ||
		yaml_looks_typed(s, len))
		return YAML_SINGLE_QUOTED_SCALAR_STYLE;

	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\n')
			newline = true;
		else if (c < 0x20 || c == 0x7F)
			return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		/* C1 controls and NEL (U+0080..U+009F) */
		else if (c == 0xC2 && i + 1 < len && (unsigned char) s[i + 1] < 0xA0)
			return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		/* line and paragraph separators (U+2028, U+2029) */
		else if (c == 0xE2 && i + 2 < len && (unsigned char) s[i + 1] == 0x80 &&
				 ((unsigned char) s[i + 2] == 0xA8 || (unsigned char) s[i + 2] == 0xA9))
			return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		/* byte order mark (U+FEFF) */
		else if (c == 0xEF && i + 2 < len && (unsigned char) s[i + 1] == 0xBB &&
				 (unsigned char) s[i + 2] == 0xBF)
			return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	}
	return newline ? YAML_LITERAL_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;
}

/* Emits a scalar without a tag, in the given style. */
static void
yaml_emit_scalar(YamlEmit *e, const char *s, int len, yaml_scalar_style_t style)
{
	yaml_event_t event;

	if (!yaml_scalar_event_initialize(&event, NULL, NULL,
									  (yaml_char_t *) s, len, 1, 1, style))
		yaml_event_failed();
	yaml_emit_event(e, &event);
}

/* Emits a jsonb string, in UTF-8 and a style that reads back as a string. */
static void
yaml_emit_string(YamlEmit *e, const char *s, int len)
{
	if (e->encoding == PG_SQL_ASCII)
	{
		int			valid = pg_encoding_verifymbstr(PG_UTF8, s, len);

		if (valid != len)
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("invalid byte sequence for encoding \"UTF8\" in jsonb string"),
					 errdetail("YAML is written in UTF-8, and the string's byte 0x%02x at offset %d does not start a valid UTF-8 character.",
							   (unsigned char) s[valid], valid)));
	}
	else if (e->encoding != PG_UTF8)
	{
		char	   *utf8 = pg_server_to_any(s, len, PG_UTF8);

		if (utf8 != s)
		{
			s = utf8;
			len = (int) strlen(utf8);
		}
	}
	yaml_emit_scalar(e, s, len, yaml_string_style(s, len));
}

/* Emits a jsonb scalar. */
static void
yaml_emit_value(YamlEmit *e, JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			yaml_emit_scalar(e, "null", 4, YAML_PLAIN_SCALAR_STYLE);
			break;
		case jbvBool:
			if (v->val.boolean)
				yaml_emit_scalar(e, "true", 4, YAML_PLAIN_SCALAR_STYLE);
			else
				yaml_emit_scalar(e, "false", 5, YAML_PLAIN_SCALAR_STYLE);
			break;
		case jbvNumeric:
			{
				char	   *num = DatumGetCString(DirectFunctionCall1(numeric_out,
																	  NumericGetDatum(v->val.numeric)));

				yaml_emit_scalar(e, num, (int) strlen(num), YAML_PLAIN_SCALAR_STYLE);
				pfree(num);
			}
			break;
		case jbvString:
			yaml_emit_string(e, v->val.string.val, v->val.string.len);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
}

/* Walks the jsonb, emitting one event per token. */
static void
yaml_emit_jsonb(YamlEmit *e, Jsonb *jb)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbIteratorToken tok;
	JsonbValue	v;
	yaml_event_t event;

	if (!yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING))
		yaml_event_failed();
	yaml_emit_event(e, &event);
	if (!yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1))
		yaml_event_failed();
	yaml_emit_event(e, &event);

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();

		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				/* a scalar at the top is a one-element "raw scalar" array */
				if (v.val.array.rawScalar)
					break;
				if (!yaml_sequence_start_event_initialize(&event, NULL, NULL, 1,
														  v.val.array.nElems == 0 ?
														  YAML_FLOW_SEQUENCE_STYLE :
														  YAML_BLOCK_SEQUENCE_STYLE))
					yaml_event_failed();
				yaml_emit_event(e, &event);
				break;
			case WJB_END_ARRAY:
				if (JB_ROOT_IS_SCALAR(jb))
					break;
				if (!yaml_sequence_end_event_initialize(&event))
					yaml_event_failed();
				yaml_emit_event(e, &event);
				break;
			case WJB_BEGIN_OBJECT:
				if (!yaml_mapping_start_event_initialize(&event, NULL, NULL, 1,
														 v.val.object.nPairs == 0 ?
														 YAML_FLOW_MAPPING_STYLE :
														 YAML_BLOCK_MAPPING_STYLE))
					yaml_event_failed();
				yaml_emit_event(e, &event);
				break;
			case WJB_END_OBJECT:
				if (!yaml_mapping_end_event_initialize(&event))
					yaml_event_failed();
				yaml_emit_event(e, &event);
				break;
			case WJB_KEY:
				yaml_emit_string(e, v.val.string.val, v.val.string.len);
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				yaml_emit_value(e, &v);
				break;
			default:
				elog(ERROR, "unexpected jsonb iterator token %d", (int) tok);
		}
	}

	if (!yaml_document_end_event_initialize(&event, 1))
		yaml_event_failed();
	yaml_emit_event(e, &event);
	if (!yaml_stream_end_event_initialize(&event))
		yaml_event_failed();
	yaml_emit_event(e, &event);
}

/*
 * Converts jsonb to block-style YAML, which mesh_yaml_to_jsonb() reads back
 * to the same value.
 */
PG_FUNCTION_INFO_V1(mesh_jsonb_to_yaml);
Datum
mesh_jsonb_to_yaml(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	MemoryContext outcxt = CurrentMemoryContext;
	MemoryContext workcxt;
	YamlEmit   *e;
	text	   *result;

	workcxt = AllocSetContextCreate(CurrentMemoryContext, "meshcat YAML emit",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(workcxt);
	e = palloc0(sizeof(YamlEmit));
	e->encoding = GetDatabaseEncoding();
	initStringInfo(&e->out);

	PG_TRY();
	{
		if (!yaml_emitter_initialize(&e->emitter))
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("libyaml could not create an emitter.")));
		e->emitter_ready = true;
		yaml_emitter_set_output(&e->emitter, yaml_write_handler, e);
		yaml_emitter_set_encoding(&e->emitter, YAML_UTF8_ENCODING);
		yaml_emitter_set_unicode(&e->emitter, 1);
		/* never fold long lines: one line per scalar is easier to diff */
		yaml_emitter_set_width(&e->emitter, -1);
		yaml_emitter_set_indent(&e->emitter, 2);
		yaml_emitter_set_break(&e->emitter, YAML_LN_BREAK);

		yaml_emit_jsonb(e, jb);
		if (!yaml_emitter_flush(&e->emitter))
			elog(ERROR, "libyaml could not flush its output");
	}
	PG_CATCH();
	{
		if (e->emitter_ready)
			yaml_emitter_delete(&e->emitter);
		MemoryContextSwitchTo(outcxt);
		MemoryContextDelete(workcxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	yaml_emitter_delete(&e->emitter);

	MemoryContextSwitchTo(outcxt);
	if (e->encoding != PG_UTF8 && e->encoding != PG_SQL_ASCII)
	{
		char	   *s = pg_any_to_server(e->out.data, e->out.len, PG_UTF8);

		result = cstring_to_text(s);
	}
	else
		result = cstring_to_text_with_len(e->out.data, e->out.len);
	MemoryContextDelete(workcxt);

	PG_FREE_IF_COPY(jb, 0);
	PG_RETURN_TEXT_P(result);
}
