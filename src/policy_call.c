/*
 * policy_call.c
 *	  Calls a policy's checking function as the role that approved it.
 *
 * A policy that names a function stores the function's OID and signature, the
 * role that approved it (its author), and what was approved: whether it was
 * SECURITY DEFINER and who owned it. At every evaluation the function is found
 * again (by OID, else by signature, as after a restore), re-checked against
 * what was approved, and called with the author's identity in a
 * security-restricted operation, as PostgreSQL runs index expressions. So no
 * policy function ever runs with more rights than the role that approved it,
 * and a function changed since is an evaluation error, never run.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "meshcat.h"

/* A role's name for a message, or its OID if it no longer exists. */
static char *
role_label(Oid role)
{
	char	   *name = GetUserNameFromId(role, true);

	return name ? psprintf("\"%s\"", name) : psprintf("with OID %u", role);
}

/* The signature a policy stores: schema.name(jsonb), always qualified. */
static char *
function_signature(Form_pg_proc proc)
{
	char	   *nsp = get_namespace_name(proc->pronamespace);

	return psprintf("%s.%s(jsonb)", quote_identifier(nsp ? nsp : "?"),
					quote_identifier(NameStr(proc->proname)));
}

/* Resolves a stored signature to a function, or InvalidOid. */
static Oid
resolve_signature(text *signature)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = PointerGetDatum(signature);
	fcinfo->args[0].isnull = false;
	result = to_regprocedure(fcinfo);
	return fcinfo->isnull ? InvalidOid : DatumGetObjectId(result);
}

/*
 * Why the author may not have the function run, or NULL. The function runs
 * with its owner's rights if it is SECURITY DEFINER, else with the author's:
 * the author must hold the rights it runs with, and whoever can change its
 * code (its owner) must already hold the rights that code gets.
 */
static char *
rights_refusal(Oid fn, Form_pg_proc proc, Oid author)
{
	Oid			owner = proc->proowner;

	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(author)))
		return psprintf("the role with OID %u that approved it no longer exists", author);
	if (proc->prosecdef)
	{
		if (superuser_arg(owner) && !superuser_arg(author))
			return psprintf("it is SECURITY DEFINER and owned by superuser %s, and role %s is not a superuser",
							role_label(owner), role_label(author));
		if (!has_privs_of_role(author, owner))
			return psprintf("it is SECURITY DEFINER and owned by role %s, whose rights role %s does not have",
							role_label(owner), role_label(author));
	}
	else if (!has_privs_of_role(owner, author))
		return psprintf("it runs with the rights of role %s, and its owner %s, who can change it, does not have them",
						role_label(author), role_label(owner));
	if (pg_proc_aclcheck(fn, author, ACL_EXECUTE) != ACLCHECK_OK)
		return psprintf("role %s may not execute it", role_label(author));
	return NULL;
}

/* Why a function is not (jsonb) -> boolean, or NULL. */
static char *
shape_problem(Form_pg_proc proc)
{
	if (proc->prokind != PROKIND_FUNCTION || proc->proretset ||
		proc->prorettype != BOOLOID || proc->pronargs != 1 ||
		proc->proargtypes.values[0] != JSONBOID)
		return pstrdup("it is no longer a function (jsonb) -> boolean");
	return NULL;
}

/*
 * Why the function's own search_path could let the session's temporary
 * objects stand in for what it reads, or NULL. A search_path that does not
 * name pg_temp searches it first, and the function runs in the session of
 * whoever triggered the evaluation: pg_temp must be named, and last.
 */
static char *
search_path_problem(HeapTuple tup)
{
	bool		isnull;
	Datum		config = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_proconfig, &isnull);
	ArrayType  *arr;
	Datum	   *items;
	int			n;

	if (isnull)
		return NULL;
	arr = DatumGetArrayTypeP(config);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &items, NULL, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *item = TextDatumGetCString(items[i]);
		char	   *last;

		if (strncmp(item, "search_path=", 12) != 0)
			continue;
		last = strrchr(item, ',');
		last = last ? last + 1 : item + 12;
		while (*last == ' ')
			last++;
		if (strcmp(last, "pg_temp") != 0 && strcmp(last, "\"pg_temp\"") != 0)
			return psprintf("its search_path (%s) does not end with pg_temp, so the session's temporary objects would come first",
							item + 12);
	}
	return NULL;
}

/*
 * check_function_refusal(fn oid, author oid) -> text: why the author may not
 * approve the function (NULL if it may). Used when a policy is written.
 */
PG_FUNCTION_INFO_V1(check_function_refusal);
Datum
check_function_refusal(PG_FUNCTION_ARGS)
{
	Oid			fn = PG_GETARG_OID(0);
	Oid			author = PG_GETARG_OID(1);
	HeapTuple	tup;
	char	   *reason;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tup))
		PG_RETURN_TEXT_P(cstring_to_text("it does not exist"));
	reason = rights_refusal(fn, (Form_pg_proc) GETSTRUCT(tup), author);
	if (reason == NULL)
		reason = search_path_problem(tup);
	ReleaseSysCache(tup);
	if (reason == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(reason));
}

/*
 * Finds the approved function and checks it is still what was approved.
 * Returns its OID, or InvalidOid with *reason set.
 */
static Oid
approved_function(Oid fn, text *signature, Oid author, bool approved_secdef,
				  Oid approved_owner, char **reason)
{
	char	   *sig = text_to_cstring(signature);
	HeapTuple	tup;
	Form_pg_proc proc;
	Oid			found = InvalidOid;

	/* by OID while it still has its signature; else by signature (restores) */
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (HeapTupleIsValid(tup))
	{
		if (strcmp(function_signature((Form_pg_proc) GETSTRUCT(tup)), sig) == 0)
			found = fn;
		ReleaseSysCache(tup);
	}
	if (!OidIsValid(found))
		found = resolve_signature(signature);
	if (!OidIsValid(found))
	{
		*reason = psprintf("checking function %s no longer exists", sig);
		return InvalidOid;
	}

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(found));
	if (!HeapTupleIsValid(tup))
	{
		*reason = psprintf("checking function %s no longer exists", sig);
		return InvalidOid;
	}
	proc = (Form_pg_proc) GETSTRUCT(tup);
	*reason = shape_problem(proc);
	if (*reason == NULL && proc->prosecdef != approved_secdef)
		*reason = psprintf("it is no longer SECURITY %s", approved_secdef ? "DEFINER" : "INVOKER");
	if (*reason == NULL && proc->proowner != approved_owner)
		*reason = psprintf("its owner is now role %s, not role %s",
						   role_label(proc->proowner), role_label(approved_owner));
	if (*reason == NULL)
		*reason = rights_refusal(found, proc, author);
	if (*reason == NULL)
		*reason = search_path_problem(tup);
	/* in another's session, only while its approver is still an administrator */
	ReleaseSysCache(tup);
	if (*reason != NULL)
	{
		*reason = psprintf("checking function %s is no longer what was approved, and was not run: %s",
						   sig, *reason);
		return InvalidOid;
	}
	return found;
}

/*
 * Calls the function on the document as the author, in a subtransaction, so
 * that an error in it is a failed check with its message. Returns whether it
 * passed; *error is its message if it failed by an error.
 */
static bool
call_as_author(Oid fn, Oid author, Datum doc, char **error)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Oid			save_userid;
	int			save_sec_context;
	bool		passed = false;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);

	PG_TRY();
	{
		FmgrInfo	flinfo;
		LOCAL_FCINFO(fcinfo, 1);
		Datum		result;
		int			save_nestlevel;

		/* as index builds do: the author's identity, restricted, own GUC level */
		SetUserIdAndSecContext(author, save_sec_context |
							   SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
		save_nestlevel = NewGUCNestLevel();
		/* a function without a search_path of its own sees no temporary object first */
		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);

		fmgr_info(fn, &flinfo);
		InitFunctionCallInfoData(*fcinfo, &flinfo, 1, InvalidOid, NULL, NULL);
		fcinfo->args[0].value = doc;
		fcinfo->args[0].isnull = false;
		result = FunctionCallInvoke(fcinfo);
		/* NULL fails the check */
		passed = !fcinfo->isnull && DatumGetBool(result);

		AtEOXact_GUC(false, save_nestlevel);
		SetUserIdAndSecContext(save_userid, save_sec_context);

		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		SetUserIdAndSecContext(save_userid, save_sec_context);
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;

		/* a cancel is the user's, not the check's: as PL/pgSQL's OTHERS */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ASSERT_FAILURE)
			ReThrowError(edata);
		*error = pstrdup(edata->message);
		FreeErrorData(edata);
		passed = false;
	}
	PG_END_TRY();

	return passed;
}

/*
 * call_check_function(fn oid, signature text, author oid, approved_secdef
 * bool, approved_owner oid, doc jsonb, OUT passed bool, OUT error text)
 */
PG_FUNCTION_INFO_V1(call_check_function);
Datum
call_check_function(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, true};
	char	   *error = NULL;
	bool		passed = false;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(5))
		elog(ERROR, "call_check_function needs a signature and a document");
	if (PG_ARGISNULL(0) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		error = psprintf("checking function %s has no approval recorded, and was not run",
						 text_to_cstring(PG_GETARG_TEXT_PP(1)));
	else
	{
		Oid			fn = approved_function(PG_GETARG_OID(0), PG_GETARG_TEXT_PP(1),
										   PG_GETARG_OID(2), PG_GETARG_BOOL(3),
										   PG_GETARG_OID(4), &error);

		if (OidIsValid(fn))
			passed = call_as_author(fn, PG_GETARG_OID(2), PG_GETARG_DATUM(5), &error);
	}

	values[0] = BoolGetDatum(passed);
	if (error != NULL)
	{
		values[1] = CStringGetTextDatum(error);
		nulls[1] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
