/*
 * acl_as.c
 *	  Runs one GRANT or REVOKE that meshcat built as a given role.
 *
 * Expiry, revocation and auto-approval of access act on a bound relation as
 * its owner role, never with more (DECISIONS.md section 5). The functions
 * that do it are SECURITY DEFINER (they record the decision), and SET ROLE is
 * refused there, so the identity is switched here, as PostgreSQL does for
 * index builds: the role's identity in a security-restricted operation, then
 * back. Only a statement that parses as exactly one GRANT or REVOKE of
 * privileges is run; the SQL callers build them with format('%I') and never
 * take one from a user.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"

#include "meshcat.h"

/* Whether the text is exactly one GRANT or REVOKE of privileges on objects. */
static bool
is_one_grant(const char *stmt)
{
	List	   *parsed = raw_parser(stmt, RAW_PARSE_DEFAULT);
	RawStmt    *raw;

	if (list_length(parsed) != 1)
		return false;
	raw = linitial_node(RawStmt, parsed);
	return raw->stmt != NULL && IsA(raw->stmt, GrantStmt);
}

/*
 * acl_as_role(role oid, stmt text): runs stmt, one GRANT or REVOKE, with the
 * identity of role. Anything else (several statements, another command) is
 * refused (22023).
 */
PG_FUNCTION_INFO_V1(acl_as_role);
Datum
acl_as_role(PG_FUNCTION_ARGS)
{
	Oid			role;
	char	   *stmt;
	Oid			save_userid;
	int			save_sec_context;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("acl_as_role needs a role and a statement")));
	role = PG_GETARG_OID(0);
	stmt = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!OidIsValid(role) || GetUserNameFromId(role, true) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", role)));
	if (!is_one_grant(stmt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("acl_as_role runs exactly one GRANT or REVOKE of privileges")));

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	PG_TRY();
	{
		int			rc;

		SetUserIdAndSecContext(role, save_sec_context |
							   SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		rc = SPI_execute(stmt, false, 0);
		if (rc != SPI_OK_UTILITY)
			elog(ERROR, "acl_as_role: unexpected SPI result %d", rc);
		SPI_finish();
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_CATCH();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
		PG_RE_THROW();
	}
	PG_END_TRY();
	PG_RETURN_VOID();
}
