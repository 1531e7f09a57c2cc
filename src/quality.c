/*
 * quality.c
 *	  Runs one quality check's query as the product's domain owner role.
 *
 * mesh_run_checks (sql/install/82_quality.sql) builds one aggregate query per
 * bound relation for its library metrics, and takes each sql check as its
 * author wrote it. This file runs such a query: in a subtransaction that is
 * always rolled back, as the owner role in a security-restricted operation
 * (as PostgreSQL runs index expressions), with transaction_read_only on, a
 * search_path of pg_catalog and pg_temp only, and a timer of its own
 * (meshcat.check_timeout): statement_timeout set inside a function would not
 * time the running statement. A sql check is parsed first and refused unless
 * it is exactly one SELECT that neither writes nor locks rows. An error, a
 * refusal or the timer's expiry is returned as the check's error; the user's
 * own cancel is not caught.
 */
#include "postgres.h"

#include <signal.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timeout.h"

#include "meshcat.h"

/* meshcat.check_timeout, in milliseconds; 0: no limit (meshcat.c). */
int			meshcat_check_timeout = 60000;

/* Our timer: registered once per backend, on first use. */
static bool check_timer_registered = false;
static TimeoutId check_timer;
static volatile sig_atomic_t check_timed_out = false;
/* Whether a check's query is running: a check may not run checks (one timer). */
static bool check_running = false;

/*
 * The timer's handler (in signal context): marks that the check's own time ran
 * out, then cancels the statement as a cancel request would; timeout.c sets
 * the latch, so a waiting check (pg_sleep) wakes.
 */
static void
check_timer_handler(void)
{
	check_timed_out = true;
	InterruptPending = true;
	QueryCancelPending = true;
}

/* Refuses what would write or lock, anywhere in a sql check's parse tree. */
static bool
refuse_writes_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	switch (nodeTag(node))
	{
		case T_InsertStmt:
		case T_UpdateStmt:
		case T_DeleteStmt:
		case T_MergeStmt:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("sql check refused: it contains a data-modifying statement (%s)",
							GetCommandTagName(CreateCommandTag(node))),
					 errhint("A sql check is one read-only SELECT returning one number.")));
			break;
		case T_SelectStmt:
			if (((SelectStmt *) node)->lockingClause != NIL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("sql check refused: it locks rows (FOR UPDATE or FOR SHARE)"),
						 errhint("A sql check is one read-only SELECT returning one number.")));
			if (((SelectStmt *) node)->intoClause != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("sql check refused: SELECT INTO creates a table"),
						 errhint("A sql check is one read-only SELECT returning one number.")));
			break;
		default:
			break;
	}
	return raw_expression_tree_walker(node, refuse_writes_walker, context);
}

/* Raises 0A000 unless sql is exactly one SELECT that neither writes nor locks. */
static void
refuse_unless_select(const char *sql)
{
	List	   *stmts = raw_parser(sql, RAW_PARSE_DEFAULT);
	RawStmt    *raw;

	if (list_length(stmts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sql check refused: it holds %d statements, not one SELECT", list_length(stmts)),
				 errhint("A sql check is one read-only SELECT returning one number.")));
	raw = linitial_node(RawStmt, stmts);
	if (!IsA(raw->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sql check refused: it is %s, not a SELECT",
						GetCommandTagName(CreateCommandTag(raw->stmt))),
				 errhint("A sql check is one read-only SELECT returning one number.")));
	(void) refuse_writes_walker(raw->stmt, NULL);
}

/*
 * Runs the query (SPI, read-only) and returns its one row's columns as
 * numerics, allocated in cxt.
 */
static Datum
query_numbers(const char *sql, MemoryContext cxt)
{
	int			ret;
	TupleDesc	desc;
	HeapTuple	row;
	int			n;
	Datum	   *values;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1] = {1};
	MemoryContext spicxt;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute(sql, true, 2);
	if (ret != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a check's query must be a SELECT")));
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("a check's query must return exactly one row; it returned %llu",
						(unsigned long long) SPI_processed)));
	desc = SPI_tuptable->tupdesc;
	row = SPI_tuptable->vals[0];
	n = desc->natts;
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a check's query must return a number; it returned no column")));
	spicxt = MemoryContextSwitchTo(cxt);
	values = palloc0(sizeof(Datum) * n);
	nulls = palloc0(sizeof(bool) * n);
	MemoryContextSwitchTo(spicxt);
	for (int i = 0; i < n; i++)
	{
		Oid			typid = SPI_gettypeid(desc, i + 1);
		char		category;
		bool		preferred;
		char	   *text;

		CHECK_FOR_INTERRUPTS();
		get_type_category_preferred(getBaseType(typid), &category, &preferred);
		if (category != TYPCATEGORY_NUMERIC)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("a check's query must return a number; column \"%s\" is of type %s",
							NameStr(TupleDescAttr(desc, i)->attname), format_type_be(typid))));
		text = SPI_getvalue(row, desc, i + 1);
		nulls[i] = (text == NULL);
		if (text != NULL)
		{
			spicxt = MemoryContextSwitchTo(cxt);
			values[i] = DirectFunctionCall3(numeric_in, CStringGetDatum(text),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
			MemoryContextSwitchTo(spicxt);
		}
	}
	SPI_finish();
	dims[0] = n;
	spicxt = MemoryContextSwitchTo(cxt);
	{
		ArrayType  *arr = construct_md_array(values, nulls, 1, dims, lbs, NUMERICOID, -1, false, TYPALIGN_INT);

		MemoryContextSwitchTo(spicxt);
		return PointerGetDatum(arr);
	}
}

/*
 * run_check_query(query text, run_as oid, user_sql bool, OUT vals numeric[],
 * OUT error text, OUT sqlstate text): runs a check's query as run_as (the
 * caller must be a member of it, or a superuser: else 42501). user_sql: the
 * query is a sql check's, parsed and refused (0A000) unless it is one
 * read-only SELECT. vals is its one row, as numerics; on an error, a refusal
 * or the timer's expiry (57014), vals is NULL and error says why.
 */
PG_FUNCTION_INFO_V1(run_check_query);
Datum
run_check_query(PG_FUNCTION_ARGS)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	TupleDesc	tupdesc;
	Datum		values[3] = {0, 0, 0};
	bool		nulls[3] = {true, true, true};
	char	   *sql;
	Oid			run_as;
	bool		user_sql;
	Oid			caller = GetUserId();
	Oid			save_userid;
	int			save_sec_context;
	int			timeout_ms = meshcat_check_timeout;
	volatile bool timer_on = false;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("run_check_query needs a query, a role and whether it is a sql check")));
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	run_as = PG_GETARG_OID(1);
	user_sql = PG_GETARG_BOOL(2);

	if (check_running)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a quality check cannot run quality checks")));
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(run_as)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", run_as)));
	/* the rights a check runs with must already be the caller's */
	if (!superuser_arg(caller) && !is_member_of_role(caller, run_as))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to run checks as role %s",
						GetUserNameFromId(run_as, true) ? quote_identifier(GetUserNameFromId(run_as, true)) : "(dropped)"),
				 errdetail("Checks run as the domain's owner role; role \"%s\" is not a member of it.",
						   GetUserNameFromId(caller, false))));

	if (!check_timer_registered)
	{
		check_timer = RegisterTimeout(USER_TIMEOUT, check_timer_handler);
		check_timer_registered = true;
	}

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	check_timed_out = false;
	check_running = true;

	PG_TRY();
	{
		int			save_nestlevel;
		Datum		arr;

		SetUserIdAndSecContext(run_as, save_sec_context |
							   SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
		save_nestlevel = NewGUCNestLevel();
		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		(void) set_config_option("transaction_read_only", "on",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		if (user_sql)
			refuse_unless_select(sql);
		if (timeout_ms > 0)
		{
			enable_timeout_after(check_timer, timeout_ms);
			timer_on = true;
		}
		arr = query_numbers(sql, oldcxt);
		if (timer_on)
		{
			disable_timeout(check_timer, false);
			timer_on = false;
			/* expired after the query ended: its cancel is not the user's */
			if (check_timed_out)
				QueryCancelPending = false;
		}
		values[0] = arr;
		nulls[0] = false;

		AtEOXact_GUC(false, save_nestlevel);
		SetUserIdAndSecContext(save_userid, save_sec_context);
		/* nothing a check did is kept */
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		if (timer_on)
			disable_timeout(check_timer, false);
		check_running = false;
		SetUserIdAndSecContext(save_userid, save_sec_context);
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;

		/* the user's own cancel ends the call; the timer's fails the check */
		if ((edata->sqlerrcode == ERRCODE_QUERY_CANCELED && !check_timed_out) ||
			edata->sqlerrcode == ERRCODE_ASSERT_FAILURE)
			ReThrowError(edata);
		values[0] = (Datum) 0;
		nulls[0] = true;
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			values[1] = CStringGetTextDatum(psprintf("the check ran longer than meshcat.check_timeout (%d ms) and was canceled",
													 timeout_ms));
		else
			values[1] = CStringGetTextDatum(edata->message ? edata->message : "unknown error");
		nulls[1] = false;
		values[2] = CStringGetTextDatum(unpack_sql_state(edata->sqlerrcode));
		nulls[2] = false;
		FreeErrorData(edata);
	}
	PG_END_TRY();
	check_timed_out = false;
	check_running = false;

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * sql_check_refusal(query text) -> text: why a sql check's query could never
 * run (it parses, and is not one read-only SELECT), or NULL. Used when a
 * descriptor is registered, with its placeholders read as names. A query that
 * does not parse is not refused: it may be another engine's dialect (a
 * standard's contract), and fails as a check if it is run here. Parsing has
 * no side effects, but a syntax error is an ERROR: it is caught in a
 * subtransaction, as everywhere else.
 */
PG_FUNCTION_INFO_V1(sql_check_refusal);
Datum
sql_check_refusal(PG_FUNCTION_ARGS)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	char	   *sql;
	char	   *volatile reason = NULL;

	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text("a sql check needs a query"));
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		refuse_unless_select(sql);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		/* not PostgreSQL's SQL: maybe another engine's; it fails when run here */
		if (edata->sqlerrcode != ERRCODE_SYNTAX_ERROR)
			reason = pstrdup(edata->message ? edata->message : "it cannot be parsed");
		FreeErrorData(edata);
	}
	PG_END_TRY();

	if (reason == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(reason));
}
