/*
 * raise.c
 *	  raise_error(): the refusals of meshcat's SQL, without the call stack.
 *
 * An error raised by RAISE in PL/pgSQL carries one CONTEXT line per function
 * and statement between the user and the check (trigger, internal INSERT,
 * helper), which buries the message, DETAIL and HINT under lines that name
 * meshcat's internals. raise_error() forgets the context callbacks before it
 * reports, so the error shows what the user can act on and nothing else.
 * PG_TRY and PL/pgSQL's EXCEPTION blocks restore error_context_stack when
 * they catch, so a caller can still catch the error by its SQLSTATE.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "meshcat.h"

/*
 * Raises an ERROR with the given SQLSTATE, message and optional DETAIL and
 * HINT, and no CONTEXT.
 */
PG_FUNCTION_INFO_V1(raise_error);
Datum
raise_error(PG_FUNCTION_ARGS)
{
	char	   *state;
	char	   *message;
	char	   *detail = NULL;
	char	   *hint = NULL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("raise_error needs an SQLSTATE and a message")));
	state = text_to_cstring(PG_GETARG_TEXT_PP(0));
	message = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!PG_ARGISNULL(2))
		detail = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (!PG_ARGISNULL(3))
		hint = text_to_cstring(PG_GETARG_TEXT_PP(3));

	if (strlen(state) != 5 || strspn(state, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid SQLSTATE code \"%s\"", state),
				 errdetail("An SQLSTATE is five characters, each a digit or an upper-case letter.")));

	MeshHideErrorContext();
	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4])),
			 errmsg_internal("%s", message),
			 detail ? errdetail_internal("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
	PG_RETURN_VOID();
}
