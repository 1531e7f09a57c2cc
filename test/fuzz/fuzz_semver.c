/*
 * fuzz_semver.c
 *	  libFuzzer target for the semver core (src/semver.c built with
 *	  -DSEMVER_STANDALONE): parsing, precedence and range matching.
 *
 * The input is split at its first NUL byte, if any: the part before is parsed
 * as a version, the part after as a range that the version is matched
 * against, and also as a second version; without a NUL the whole input is
 * tried as both. Besides memory safety (AddressSanitizer,
 * UndefinedBehaviorSanitizer), it checks the properties the type relies on:
 * a parsed version compares equal to itself and to its own text printed and
 * parsed again (with the same pre-release and build), comparison of two
 * versions is antisymmetric, a valid range stays valid when a version is
 * matched against it, and errors come with a status and a detail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"

static void
check_error(SemverStatus st, const SemverError *err)
{
	if (st != SEMVER_OK && (err->status != st || err->detail[0] == '\0'))
		abort();
}

static int
sign(int c)
{
	return (c > 0) - (c < 0);
}

/* Prints v as SemVer text, parses that again, and requires the same parts. */
static void
check_round_trip(const SemverParts *v)
{
	char		text[3 * 21 + 2 * (SEMVER_MAX_LEN + 1) + 1];
	int			n = snprintf(text, sizeof(text), "%lld.%lld.%lld%s%.*s%s%.*s",
							 (long long) v->major, (long long) v->minor, (long long) v->patch,
							 v->pre_len ? "-" : "", (int) v->pre_len, v->pre ? v->pre : "",
							 v->build_len ? "+" : "", (int) v->build_len, v->build ? v->build : "");
	SemverParts w;
	SemverError err;

	if (n <= 0 || (size_t) n >= sizeof(text))
		abort();
	if (SemverParse(text, (size_t) n, &w, &err) != SEMVER_OK || SemverCompare(v, &w) != 0 ||
		w.pre_len != v->pre_len || w.build_len != v->build_len ||
		(v->pre_len > 0 && memcmp(w.pre, v->pre, v->pre_len) != 0) ||
		(v->build_len > 0 && memcmp(w.build, v->build, v->build_len) != 0))
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
		check_round_trip(&v);
		/* the part after the NUL as a second version: antisymmetry */
		memset(&err2, 0, sizeof(err2));
		if (nul && SemverParse(range, rlen, &w, &err2) == SEMVER_OK &&
			sign(SemverCompare(&v, &w)) != -sign(SemverCompare(&w, &v)))
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
