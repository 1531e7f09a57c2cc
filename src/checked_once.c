/*-------------------------------------------------------------------------
 *
 * checked_once.c
 *	  A product document is checked once per transaction: mesh_register checks
 *	  every document of a stream before it writes any, and the guard trigger
 *	  checks the version it writes again, as it must for every other writer.
 *	  check_product_once runs meshcat_internal.check_product unless this
 *	  transaction has already seen that check pass on the same document, byte
 *	  for byte. The check is a function of the document alone (its settings
 *	  pinned), so its answer cannot have changed; and only a check that passed
 *	  is remembered, here, so no caller can make the guard skip a document it
 *	  has not checked. mesh_register's check remembers (remember = true); the
 *	  guard's only looks, and forgets what it finds: memory holds the documents
 *	  of the stream being written, not of the whole transaction.
 *	  mesh_register also says which text it converted each document from, so
 *	  the guard need not convert it again (registered_document): a text it
 *	  did not name is held to the conversion by the guard.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "meshcat.h"

PG_FUNCTION_INFO_V1(check_product_once);

typedef struct Checked
{
	uint32		hash;			/* key: hash of the document's bytes */
	Jsonb	   *doc;			/* the last document with that hash that passed */
	bool		has_text;		/* registered from a text (text_hash)? */
	uint32		text_hash;		/* the hash of that text's bytes */
} Checked;

/* The hash of a text's bytes, for Checked.text_hash. */
static uint32
text_hash(text *t)
{
	return hash_bytes((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* This transaction's passed checks, in a child of TopTransactionContext. */
static HTAB *checked = NULL;
static MemoryContext checked_cxt = NULL;
static Oid	check_oid = InvalidOid;
static bool callback_registered = false;

/* At the end of a transaction its memory goes: forget what pointed into it. */
static void
checked_forget(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			checked = NULL;
			checked_cxt = NULL;
			check_oid = InvalidOid;
			break;
		default:
			break;
	}
}

static HTAB *
checked_table(void)
{
	HASHCTL		ctl;

	if (checked != NULL)
		return checked;
	if (!callback_registered)
	{
		RegisterXactCallback(checked_forget, NULL);
		callback_registered = true;
	}
	ctl.keysize = sizeof(uint32);
	ctl.entrysize = sizeof(Checked);
	checked_cxt = AllocSetContextCreate(TopTransactionContext, "meshcat checked documents",
										ALLOCSET_DEFAULT_SIZES);
	ctl.hcxt = checked_cxt;
	checked = hash_create("meshcat checked documents", 256, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	return checked;
}

/* meshcat_internal.check_product(jsonb, int, int), looked up by name, never by search_path. */
static Oid
check_function(void)
{
	Oid			argtypes[3] = {JSONBOID, INT4OID, INT4OID};

	if (!OidIsValid(check_oid))
		check_oid = LookupFuncName(list_make2(makeString(MESHCAT_INTERNAL_SCHEMA),
											  makeString("check_product")),
								   3, argtypes, false);
	return check_oid;
}

Datum
check_product_once(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	bool		remember = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
	text	   *from_text = PG_NARGS() > 4 && !PG_ARGISNULL(4) ? PG_GETARG_TEXT_PP(4) : NULL;
	uint32		hash = 0;
	Checked    *entry;
	FmgrInfo	flinfo;

	LOCAL_FCINFO(call, 3);

	if (doc != NULL && checked != NULL)
	{
		hash = hash_bytes((const unsigned char *) doc, VARSIZE(doc));
		entry = hash_search(checked, &hash, HASH_FIND, NULL);
		if (entry != NULL && VARSIZE(entry->doc) == VARSIZE(doc) &&
			memcmp(entry->doc, doc, VARSIZE(doc)) == 0)
		{
			/* checked before it was written: forget it, the write is the last use */
			if (!remember)
			{
				pfree(entry->doc);
				hash_search(checked, &hash, HASH_REMOVE, NULL);
			}
			PG_RETURN_VOID();
		}
	}

	/* the check raises at the first problem it finds */
	fmgr_info(check_function(), &flinfo);
	InitFunctionCallInfoData(*call, &flinfo, 3, PG_GET_COLLATION(), NULL, NULL);
	for (int i = 0; i < 3; i++)
	{
		call->args[i].value = i == 0 && doc != NULL ? PointerGetDatum(doc) : PG_GETARG_DATUM(i);
		call->args[i].isnull = PG_ARGISNULL(i);
	}
	FunctionCallInvoke(call);

	/* Only a check made before the write is remembered, for the write's guard. */
	if (remember && doc != NULL)
	{
		HTAB	   *table = checked_table();
		Jsonb	   *copy = MemoryContextAlloc(checked_cxt, VARSIZE(doc));
		bool		found;

		memcpy(copy, doc, VARSIZE(doc));
		hash = hash_bytes((const unsigned char *) doc, VARSIZE(doc));
		entry = hash_search(table, &hash, HASH_ENTER, &found);
		if (found)
			pfree(entry->doc);
		entry->doc = copy;
		entry->has_text = from_text != NULL;
		entry->text_hash = from_text != NULL ? text_hash(from_text) : 0;
	}
	PG_RETURN_VOID();
}

/*
 * Whether mesh_register, in this transaction, checked this document as
 * converted from this text (check_product_once with remember and the text).
 * Only looks: the guard's check_product_once forgets the document after.
 */
PG_FUNCTION_INFO_V1(registered_document);
Datum
registered_document(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_GETARG_JSONB_P(0);
	text	   *from_text = PG_GETARG_TEXT_PP(1);
	uint32		hash;
	Checked    *entry;

	if (checked == NULL)
		PG_RETURN_BOOL(false);
	hash = hash_bytes((const unsigned char *) doc, VARSIZE(doc));
	entry = hash_search(checked, &hash, HASH_FIND, NULL);
	PG_RETURN_BOOL(entry != NULL && VARSIZE(entry->doc) == VARSIZE(doc) &&
				   memcmp(entry->doc, doc, VARSIZE(doc)) == 0 &&
				   entry->has_text && entry->text_hash == text_hash(from_text));
}
