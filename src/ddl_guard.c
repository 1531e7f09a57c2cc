/*
 * ddl_guard.c
 *	  What an ALTER command changed in the columns of a table, for the DDL
 *	  guard of contracted relations (sql/install/79_ddl_guard.sql).
 *
 * ddl_command_end sees the catalog after the command, not before, so the
 * guard cannot tell a column the command broke from one that was already
 * drifting. The command's own subcommands can: this reads them from the
 * collected command (pg_event_trigger_ddl_commands().command) and names the
 * columns whose type or nullability it changed, or which it renamed (their
 * old names). Drops (of columns, keys, relations) are seen by sql_drop.
 * A command that only adds (what pg_restore runs) names nothing.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/deparse_utility.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "meshcat.h"

/*
 * The columns one collected DDL command changed the type or nullability of,
 * or renamed (old names), as text[]; empty for anything else.
 */
PG_FUNCTION_INFO_V1(ddl_altered_columns);
Datum
ddl_altered_columns(PG_FUNCTION_ARGS)
{
	CollectedCommand *cmd = (CollectedCommand *) PG_GETARG_POINTER(0);
	ArrayBuildState *astate = NULL;

	if (cmd == NULL)
		PG_RETURN_NULL();
	if (cmd->type == SCT_AlterTable)
	{
		ListCell   *cell;

		foreach(cell, cmd->d.alterTable.subcmds)
		{
			CollectedATSubcmd *sub = (CollectedATSubcmd *) lfirst(cell);
			AlterTableCmd *at;

			CHECK_FOR_INTERRUPTS();
			if (sub == NULL || sub->parsetree == NULL || !IsA(sub->parsetree, AlterTableCmd))
				continue;
			at = (AlterTableCmd *) sub->parsetree;
			if ((at->subtype == AT_AlterColumnType || at->subtype == AT_DropNotNull) && at->name != NULL)
				astate = accumArrayResult(astate, CStringGetTextDatum(at->name), false,
										  TEXTOID, CurrentMemoryContext);
		}
	}
	else if (cmd->type == SCT_Simple && cmd->parsetree != NULL && IsA(cmd->parsetree, RenameStmt))
	{
		RenameStmt *rs = (RenameStmt *) cmd->parsetree;

		if (rs->renameType == OBJECT_COLUMN && rs->subname != NULL)
			astate = accumArrayResult(astate, CStringGetTextDatum(rs->subname), false,
									  TEXTOID, CurrentMemoryContext);
	}
	if (astate == NULL)
		PG_RETURN_DATUM(PointerGetDatum(construct_empty_array(TEXTOID)));
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}

/*
 * meshcat.contract_ddl, as text. Read through C rather than current_setting():
 * calling it loads the library, which defines the setting, in a session that
 * has not used meshcat's C code yet (where current_setting() would not know it).
 */
PG_FUNCTION_INFO_V1(contract_ddl_mode);
Datum
contract_ddl_mode(PG_FUNCTION_ARGS)
{
	switch (meshcat_contract_ddl)
	{
		case MESHCAT_CONTRACT_DDL_WARN:
			PG_RETURN_TEXT_P(cstring_to_text("warn"));
		case MESHCAT_CONTRACT_DDL_OFF:
			PG_RETURN_TEXT_P(cstring_to_text("off"));
		default:
			PG_RETURN_TEXT_P(cstring_to_text("enforce"));
	}
}
