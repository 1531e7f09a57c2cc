/*
 * restore.c
 *	  mesh_restoring(): whether the running statement is a restore loading
 *	  catalog rows, so the catalog's triggers can let those rows in as they are.
 *
 * pg_dump keeps the rows of the catalog tables (pg_extension_config_dump), and
 * a restore runs CREATE EXTENSION, which creates the tables with their
 * triggers, then loads the rows with COPY ... FROM stdin, in psql (plain
 * format) or pg_restore (other formats, one session per job with -j). The
 * dump already holds the audit trail of those rows; auditing them again would
 * duplicate it (and collide on its ids). Nothing in the session says "this is
 * a restore", so the signal is the statement itself: a COPY into a table (not
 * COPY (query) TO, which can run functions that write) by a superuser session,
 * the only kind that can restore an extension that needs a superuser. A
 * superuser can disable any trigger anyway, so this takes nothing away from
 * other roles. docs/operations.md describes it.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/tcopprot.h"

/* Whether c is whitespace to the SQL lexer. */
static bool
is_sql_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Skips whitespace and SQL comments (-- to end of line, and non-nested block comments). */
static const char *
skip_space_and_comments(const char *p)
{
	for (;;)
	{
		while (is_sql_space(*p))
			p++;
		if (p[0] == '-' && p[1] == '-')
		{
			while (*p && *p != '\n')
				p++;
		}
		else if (p[0] == '/' && p[1] == '*')
		{
			const char *end = strstr(p + 2, "*/");

			if (end == NULL)
				return p + strlen(p);
			p = end + 2;
		}
		else
			return p;
	}
}

/*
 * Returns true when the top-level statement of this session is a COPY into a
 * table and the session user is a superuser. Reads the statement text in
 * place: no copy, whatever its size.
 */
PG_FUNCTION_INFO_V1(mesh_restoring);
Datum
mesh_restoring(PG_FUNCTION_ARGS)
{
	const char *p;

	if (debug_query_string == NULL || !superuser_arg(GetSessionUserId()))
		PG_RETURN_BOOL(false);
	p = skip_space_and_comments(debug_query_string);
	if (pg_strncasecmp(p, "copy", 4) != 0)
		PG_RETURN_BOOL(false);
	p += 4;
	if (!is_sql_space(*p) && *p != '-' && *p != '/')
		PG_RETURN_BOOL(false);	/* a longer word, such as "copyright" */
	p = skip_space_and_comments(p);
	/* "COPY (query) TO ..." can run functions that write: those rows are new. */
	PG_RETURN_BOOL(*p != '(' && *p != '\0');
}
