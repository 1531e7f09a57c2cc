/*
 * fuzz_semver.c
 *	  libFuzzer target for the semver core (src/semver.c built with
 *	  -DSEMVER_STANDALONE): parsing, precedence and range matching.
 *
 * The input is split at its first NUL byte, if any: the part before is parsed
 * as a version, the part after as a range that the version is matched
 * against; without a NUL the whole input is tried as both. Besides memory
 * safety (AddressSanitizer, UndefinedBehaviorSanitizer), it checks the
 * properties the type relies on: a parsed version compares equal to itself,
 * comparison is antisymmetric against a second parse, and errors come with a
 * status and a detail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"

static void
check_error(SemverStatus st, const SemverError *err)
{
	if (st != SEMVER_OK && (err->status != st || err->detail[0] == '\0'))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	const char *nul = memchr(s, '\0', size);
	size_t		vlen = nul ? (size_t) (nul - s) : size;
	const char *range = nul ? nul + 1 : s;
	size_t		rlen = nul ? size - vlen - 1 : size;
	SemverParts v,
				w;
	SemverError err;
	SemverStatus st;
	bool		result;

	memset(&err, 0, sizeof(err));
	st = SemverParse(s, vlen, &v, &err);
	check_error(st, &err);
	if (st == SEMVER_OK)
	{
		SemverError err2;

		if (SemverCompare(&v, &v) != 0)
			abort();
		if (SemverParse(s, vlen, &w, &err2) != SEMVER_OK)
			abort();
		if (SemverCompare(&v, &w) != 0)
			abort();
	}

	memset(&err, 0, sizeof(err));
	st = SemverRangeMatch(range, rlen, NULL, &result, &err);
	check_error(st, &err);
	if (st == SEMVER_OK && SemverParse(s, vlen, &v, &err) == SEMVER_OK)
	{
		SemverError err3;

		memset(&err3, 0, sizeof(err3));
		if (SemverRangeMatch(range, rlen, &v, &result, &err3) != SEMVER_OK)
			abort();			/* a valid range stays valid with a version */
	}
	return 0;
}
