/*
 * meshcat.c
 *	  Module magic, settings and _PG_init for meshcat, a data-mesh catalog.
 *
 * Everything else lives in its own file: yaml_*.c parse and emit YAML, semver.c
 * is the semver type, lineage.c walks the lineage graph. The catalog itself is SQL (sql/install/).
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "catalog/pg_proc.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "meshcat.h"

PG_MODULE_MAGIC;

int			meshcat_yaml_max_bytes = 16 * 1024 * 1024;
int			meshcat_yaml_max_depth = 256;
int			meshcat_yaml_max_nodes = 1000000;
int			meshcat_yaml_max_bytes_ceiling = 16 * 1024 * 1024;
int			meshcat_yaml_max_depth_ceiling = 256;
int			meshcat_yaml_max_nodes_ceiling = 1000000;
char	   *meshcat_event_retention = NULL;
char	   *meshcat_openlineage_retention = NULL;
char	   *meshcat_evaluation_retention = NULL;
char	   *meshcat_check_retention = NULL;
int			meshcat_lineage_cache_threshold = 10000;
int			meshcat_lineage_cache_max_size = 256 * 1024;	/* kB */
bool		meshcat_deriving = false;
char	   *meshcat_default_domain = NULL;
int			meshcat_contract_ddl = MESHCAT_CONTRACT_DDL_ENFORCE;

static const struct config_enum_entry contract_ddl_options[] = {
	{"enforce", MESHCAT_CONTRACT_DDL_ENFORCE, false},
	{"warn", MESHCAT_CONTRACT_DDL_WARN, false},
	{"off", MESHCAT_CONTRACT_DDL_OFF, false},
	{NULL, 0, false}
};

void		_PG_init(void);

/*
 * Defines the settings. The YAML limits and the lineage threshold are
 * user-settable on purpose: they only bound the work one statement does. A
 * session may lower a YAML limit, but not raise it above its ceiling, which
 * only a superuser sets (the smaller of the two applies: meshcat.h). The
 * lineage cache's memory and the retention of events and OpenLineage events
 * are the administrator's.
 */
void
_PG_init(void)
{
	DefineCustomIntVariable("meshcat.yaml_max_bytes",
							"Largest YAML or JSON text meshcat will parse.",
							"Longer input is refused before parsing starts.",
							&meshcat_yaml_max_bytes,
							16 * 1024 * 1024, 1024, 256 * 1024 * 1024,
							PGC_USERSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("meshcat.yaml_max_depth",
							"Deepest nesting of mappings and sequences meshcat will parse.",
							NULL,
							&meshcat_yaml_max_depth,
							256, 1, 10000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("meshcat.yaml_max_nodes",
							"Most nodes one YAML document may expand to, aliases included.",
							"Bounds the work of alias expansion (\"billion laughs\").",
							&meshcat_yaml_max_nodes,
							1000000, 100, 100000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("meshcat.yaml_max_bytes_ceiling",
							"Most that meshcat.yaml_max_bytes can raise the YAML size limit to.",
							"Set by superusers; the smaller of the two applies.",
							&meshcat_yaml_max_bytes_ceiling,
							16 * 1024 * 1024, 1024, 256 * 1024 * 1024,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("meshcat.yaml_max_depth_ceiling",
							"Most that meshcat.yaml_max_depth can raise the YAML nesting limit to.",
							"Set by superusers; the smaller of the two applies.",
							&meshcat_yaml_max_depth_ceiling,
							256, 1, 10000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("meshcat.yaml_max_nodes_ceiling",
							"Most that meshcat.yaml_max_nodes can raise the YAML node limit to.",
							"Set by superusers; the smaller of the two applies.",
							&meshcat_yaml_max_nodes_ceiling,
							1000000, 100, 100000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	/* Read by mesh_prune_events(), which checks it is an interval. */
	DefineCustomStringVariable("meshcat.event_retention",
							   "How long meshcat keeps events in meshcat.event.",
							   "mesh_prune_events() deletes older ones; an interval, such as 90 days.",
							   &meshcat_event_retention,
							   "90 days",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);

	/*
	 * The domain of an open standard's document that names none (an ODCS
	 * contract without domain: sql/install/47_standards.sql); a user setting:
	 * it only fills a gap, and the domain's ownership still decides.
	 */
	DefineCustomStringVariable("meshcat.default_domain",
							   "The domain of a standard's document (ODCS, ...) that names none.",
							   "Empty: such a document is refused.",
							   &meshcat_default_domain,
							   "",
							   PGC_USERSET, 0,
							   NULL, NULL, NULL);

	/* Read by mesh_prune_evaluations(), which checks it is an interval. */
	DefineCustomStringVariable("meshcat.evaluation_retention",
							   "How long meshcat keeps policy evaluations in meshcat_internal.evaluation_run.",
							   "mesh_prune_evaluations() deletes older ones, but never the latest of a policy for a version; an interval, such as 90 days.",
							   &meshcat_evaluation_retention,
							   "90 days",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);

	/* Read by mesh_prune_openlineage(), which checks it is an interval. */
	DefineCustomStringVariable("meshcat.openlineage_retention",
							   "How long meshcat keeps superseded OpenLineage events in meshcat.openlineage_event.",
							   "mesh_prune_openlineage() deletes older ones; the events current lineage is derived from are kept. An interval, such as 30 days.",
							   &meshcat_openlineage_retention,
							   "30 days",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);

	/* Read by mesh_prune_check_results(), which checks it is an interval. */
	DefineCustomStringVariable("meshcat.check_retention",
							   "How long meshcat keeps quality check results in meshcat_internal.check_result.",
							   "mesh_prune_check_results() deletes older ones, but never the latest of a check; an interval, such as 90 days.",
							   &meshcat_check_retention,
							   "90 days",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);

	/*
	 * A user setting: it bounds the work of the caller's own call, which the
	 * caller could cancel anyway (quality.c tells its expiry from a cancel).
	 */
	DefineCustomIntVariable("meshcat.check_timeout",
							"Longest time one quality check may run in mesh_run_checks().",
							"A check that runs longer is canceled and fails with that error; 0: no limit.",
							&meshcat_check_timeout,
							60000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("meshcat.lineage_cache_threshold",
							"Edges a lineage walk may read through indexes before it loads the whole lineage into backend memory.",
							"The threshold is at least an eighth of all edges; 0 loads at once, -1 never.",
							&meshcat_lineage_cache_threshold,
							10000, -1, PG_INT32_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	/* Memory per backend is the administrator's call, not the session's. */
	DefineCustomIntVariable("meshcat.lineage_cache_max_size",
							"Most memory one backend may spend on its lineage cache.",
							"Lineage larger than this is walked through indexes.",
							&meshcat_lineage_cache_max_size,
							256 * 1024, 64, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	/*
	 * Set only by the SET clauses of the derivation's SECURITY DEFINER
	 * functions (sql/install/50_derivation.sql): the derived tables refuse
	 * writes while it is off, a superuser's included (read by refuse_derived_write()). Only superusers could set it
	 * by hand, and they could disable the trigger anyway.
	 */
	DefineCustomBoolVariable("meshcat.deriving",
							 "Whether the catalog's derivation is writing derived rows.",
							 "Set by meshcat itself; derived tables refuse other writes.",
							 &meshcat_deriving,
							 false,
							 PGC_SUSET, GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);

	/*
	 * Whether DDL that breaks a published contract is refused (79_ddl_guard):
	 * the administrator's, since it also binds superusers (DECISIONS.md 4).
	 */
	DefineCustomEnumVariable("meshcat.contract_ddl",
							 "What meshcat does with DDL that breaks the contract of a published output port.",
							 "enforce refuses it, warn lets it through with a WARNING, off does nothing.",
							 &meshcat_contract_ddl,
							 MESHCAT_CONTRACT_DDL_ENFORCE, contract_ddl_options,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("meshcat");
}

/*
 * The role meshcat judges and records as acting: the session's SET ROLE role
 * (else its login role), which meshcat's own SECURITY DEFINER functions do not
 * change. It never lends that role to code that is not acting for it:
 *  - in a security-restricted operation (ANALYZE and autovacuum evaluating an
 *    index expression, an index build, REFRESH MATERIALIZED VIEW, a policy's
 *    checking function) some table owner's or author's code runs on the
 *    session's behalf: meshcat refuses to act there at all;
 *  - inside someone else's SECURITY DEFINER function (the current user is
 *    neither the session's role nor the owner of meshcat's own functions), the
 *    code acts as its owner, the current user.
 * fn is the calling function's OID: its owner is the owner of meshcat's objects.
 */
static Oid
acting_role(Oid fn)
{
	Oid			outer = GetOuterUserId();
	Oid			current = GetUserId();
	HeapTuple	tup;
	Oid			owner;

	if (InSecurityRestrictedOperation())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("meshcat does not act inside a security-restricted operation"),
				 errdetail("ANALYZE, VACUUM, an index build, REFRESH MATERIALIZED VIEW or a policy's checking function is running code of a table owner or policy author on the session's behalf; the catalog cannot be changed or judged from there."),
				 errhint("Change the catalog from a session of its own.")));
	if (current == outer)
		return outer;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", fn);
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	return current == owner ? outer : current;
}

PG_FUNCTION_INFO_V1(mesh_acting_role);
Datum
mesh_acting_role(PG_FUNCTION_ARGS)
{
	char	   *name = GetUserNameFromId(acting_role(fcinfo->flinfo->fn_oid), false);

	PG_RETURN_DATUM(DirectFunctionCall1(namein, CStringGetDatum(name)));
}

/*
 * The statement trigger of every derived table: a write passes while the
 * derivation writes (meshcat.deriving), and is refused otherwise, a
 * superuser's included (42501, naming the table, with no CONTEXT). The
 * setting is read from the C variable, not with current_setting(): before the
 * library is loaded in a session, any role may SET a placeholder of that
 * name, which current_setting() would return; a trigger in C loads the
 * library first, and loading it discards a placeholder a non-superuser set.
 */
PG_FUNCTION_INFO_V1(refuse_derived_write);
Datum
refuse_derived_write(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *op;
	char	   *table;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "refuse_derived_write: not called as a trigger");
	if (meshcat_deriving)
		return PointerGetDatum(NULL);

	op = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ? "INSERT" :
		TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? "UPDATE" :
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ? "DELETE" : "TRUNCATE";
	table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(trigdata->tg_relation)),
									   RelationGetRelationName(trigdata->tg_relation));
	MeshHideErrorContext();
	if (strncmp(RelationGetRelationName(trigdata->tg_relation), "lineage_observed_", 17) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s is derived from the OpenLineage events and cannot be written", table),
				 errdetail("%s on %s is refused for every role: its rows are what the current OpenLineage events say.",
						   op, table),
				 errhint("Ingest events with mesh_ingest_openlineage, or run SELECT mesh_rebuild() to derive every row again.")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is derived from the descriptors and cannot be written", table),
			 errdetail("%s on %s is refused for every role: its rows are what the product versions' descriptors say.",
					   op, table),
			 errhint("Register the version again with mesh_register (a draft is rewritten; a published version's metadata may change), or run SELECT mesh_rebuild() to derive every row again.")));
	return PointerGetDatum(NULL);	/* not reached */
}

/* The same, for PL/pgSQL (meshcat_internal.deriving_now()). */
PG_FUNCTION_INFO_V1(deriving_now);
Datum
deriving_now(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(meshcat_deriving);
}

/* The version this library was built as; the SQL script must agree. */
PG_FUNCTION_INFO_V1(mesh_library_version);
Datum
mesh_library_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(MESHCAT_VERSION));
}
