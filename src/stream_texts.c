/*-------------------------------------------------------------------------
 *
 * stream_texts.c
 *	  The text of each document of a YAML stream, cut at the lines the parser
 *	  says the documents start on (mesh_register keeps each version's text).
 *	  Apart from yaml_parse.c, which the fuzz harness builds on its own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

/*
 * The text of each document of a stream, given the line each starts on (in
 * order): from the start of its line to the start of the next document's, the
 * first from the stream's start, the last to its end, so that the texts put
 * together are the stream. One pass over the bytes; a start beyond the end or
 * before the previous one gives an empty text.
 */
PG_FUNCTION_INFO_V1(stream_document_texts);
Datum
stream_document_texts(PG_FUNCTION_ARGS)
{
	text	   *stream = PG_GETARG_TEXT_PP(0);
	ArrayType  *starts = PG_GETARG_ARRAYTYPE_P(1);
	const char *bytes = VARDATA_ANY(stream);
	Size		len = VARSIZE_ANY_EXHDR(stream);
	Datum	   *start_values;
	bool	   *start_nulls;
	int			count;
	Datum	   *texts;
	Size		pos = 0;		/* a byte offset: the start of line `line` */
	Size		begin = 0;
	int64		line = 1;

	deconstruct_array(starts, INT4OID, sizeof(int32), true, TYPALIGN_INT,
					  &start_values, &start_nulls, &count);
	texts = palloc(sizeof(Datum) * Max(count, 1));
	for (int i = 0; i < count; i++)
	{
		Size		end = len;

		if (i + 1 < count)
		{
			int64		next = start_nulls[i + 1] ? 0 : DatumGetInt32(start_values[i + 1]);

			while (line < next && pos < len)
			{
				if (bytes[pos] == '\n')
					line++;
				pos++;
			}
			end = pos;
		}
		texts[i] = PointerGetDatum(cstring_to_text_with_len(bytes + begin, (int) (end - begin)));
		begin = end;
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(texts, count, TEXTOID, -1, false, TYPALIGN_INT));
}
