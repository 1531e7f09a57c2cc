/*
 * semver.c
 *	  The semver type: Semantic Versioning 2.0.0 versions, their precedence,
 *	  and npm-style range matching (semver_satisfies).
 *
 * The first half of this file is plain C declared in semver.h: the version
 * parser, precedence and the range parser and matcher. It reads (pointer,
 * length) pairs, never allocates and reports errors through a SemverError,
 * so a standalone harness (libFuzzer) can build this file on its own with
 * -DSEMVER_STANDALONE. The second half is the SQL-callable glue: input and
 * output, binary send and receive, operators, hashing and accessors.
 *
 * Stored values are a varlena holding a small fixed header (format byte,
 * lengths, major, minor, patch) followed by the pre-release and build
 * strings without their '-' and '+' separators. See docs/semver.md.
 */
#ifdef SEMVER_STANDALONE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#define SEMVER_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#define SEMVER_PRINTF(f, a) pg_attribute_printf(f, a)
#endif

#include "semver.h"

/* ----------------------------------------------------------------------
 * Part 1: the PostgreSQL-free core
 * ----------------------------------------------------------------------
 */

#define SEMVER_NUMBER_MAX	((uint64_t) INT64_MAX)

/* Longest token quoted in a message before it is shortened with "...". */
#define SEMVER_TOKEN_SHOWN	40

/* The pre-release of node-semver's exclusive upper bounds, as in <2.0.0-0. */
static const char zero_prerelease[] = "0";

static const char *const part_names[3] = {
	"major version", "minor version", "patch version"
};

/* A position in the text being parsed, and where to report errors. */
typedef struct SemverScan
{
	const char *str;			/* the whole text, positions count from here */
	size_t		end;			/* scanning stops here */
	size_t		pos;			/* the next byte to read */
	SemverError *err;
} SemverScan;

/*
 * A version for comparisons. Numbers are unsigned so that node-semver's
 * bounds one above a component (<M+1.0.0-0) stay exact even when the
 * component is INT64_MAX: no stored version can reach them.
 */
typedef struct SemverKey
{
	uint64_t	v[3];
	const char *pre;
	size_t		pre_len;
} SemverKey;

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Identifier characters of SemVer: [0-9A-Za-z-]. */
static inline bool
is_ident(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		c == '-';
}

static inline bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
		c == '\v';
}

static inline bool
scan_more(const SemverScan *sc)
{
	return sc->pos < sc->end;
}

static inline unsigned char
scan_peek(const SemverScan *sc)
{
	return (unsigned char) sc->str[sc->pos];
}

static void
error_init(SemverError *err)
{
	err->status = SEMVER_OK;
	err->position = 0;
	err->detail[0] = '\0';
	err->hint[0] = '\0';
}

/*
 * Records an error at byte offset pos (0-based) with a detail sentence, and
 * returns false so callers can "return scan_error(...)".
 */
static bool scan_error(SemverScan *sc, SemverStatus status, size_t pos,
					   const char *fmt,...) SEMVER_PRINTF(4, 5);

static bool
scan_error(SemverScan *sc, SemverStatus status, size_t pos, const char *fmt,...)
{
	va_list		ap;

	sc->err->status = status;
	sc->err->position = pos + 1;
	va_start(ap, fmt);
	vsnprintf(sc->err->detail, sizeof(sc->err->detail), fmt, ap);
	va_end(ap);
	return false;
}

static void
scan_hint(SemverScan *sc, const char *hint)
{
	snprintf(sc->err->hint, sizeof(sc->err->hint), "%s", hint);
}

/* Names one byte for a message, never copying a non-ASCII byte into it. */
static const char *
describe_byte(unsigned char c, char *buf, size_t size)
{
	if (is_space(c))
		snprintf(buf, size, "whitespace");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "character \"%c\"", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

/* Quotes a run of identifier characters for a message, shortened if long. */
static const char *
describe_token(const char *p, size_t n, char *buf, size_t size)
{
	if (n > SEMVER_TOKEN_SHOWN)
		snprintf(buf, size, "%.*s...", SEMVER_TOKEN_SHOWN, p);
	else
		snprintf(buf, size, "%.*s", (int) n, p);
	return buf;
}

/* Reports whatever is at the current position as unexpected. */
static bool
scan_unexpected(SemverScan *sc)
{
	char		what[32];

	if (!scan_more(sc))
		return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
						  "The text ends unexpectedly.");
	return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
					  "Unexpected %s at position %zu.",
					  describe_byte(scan_peek(sc), what, sizeof(what)),
					  sc->pos + 1);
}

static void
scan_skip_space(SemverScan *sc)
{
	while (scan_more(sc) && is_space(scan_peek(sc)))
		sc->pos++;
}

/*
 * Reads a major, minor or patch number: "0", or digits without a leading
 * zero, at most INT64_MAX. what names the part in messages.
 */
static bool
scan_number(SemverScan *sc, const char *what, uint64_t *out)
{
	size_t		start = sc->pos;
	uint64_t	value = 0;
	bool		overflow = false;
	char		tok[SEMVER_TOKEN_SHOWN + 8];

	if (!scan_more(sc))
		return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
						  "The %s is missing.", what);
	if (!is_digit(scan_peek(sc)))
	{
		unsigned char c = scan_peek(sc);

		if (c == '.' || c == '-' || c == '+')
			return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
							  "The %s at position %zu is empty.",
							  what, sc->pos + 1);
		return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
						  "The %s at position %zu is not a number.",
						  what, sc->pos + 1);
	}
	while (scan_more(sc) && is_digit(scan_peek(sc)))
	{
		unsigned int d = scan_peek(sc) - '0';

		if (value > (SEMVER_NUMBER_MAX - d) / 10)
			overflow = true;
		else
			value = value * 10 + d;
		sc->pos++;
	}
	describe_token(sc->str + start, sc->pos - start, tok, sizeof(tok));
	if (sc->pos - start > 1 && sc->str[start] == '0')
		return scan_error(sc, SEMVER_ERR_SYNTAX, start,
						  "Leading zeros are not allowed in the %s \"%s\" at position %zu.",
						  what, tok, start + 1);
	if (overflow)
		return scan_error(sc, SEMVER_ERR_OVERFLOW, start,
						  "The %s %s at position %zu is out of range; the largest allowed is 9223372036854775807.",
						  what, tok, start + 1);
	*out = value;
	return true;
}

/*
 * Reads dot-separated identifiers after a '-' (pre-release) or '+' (build
 * metadata). Identifiers are non-empty runs of [0-9A-Za-z-]; numeric
 * pre-release identifiers must not have leading zeros, and may be longer
 * than any integer type (they are compared as strings of digits).
 */
static bool
scan_identifiers(SemverScan *sc, bool prerelease,
				 const char **out, size_t *out_len)
{
	size_t		start = sc->pos;
	const char *what = prerelease ? "pre-release" : "build metadata";

	for (;;)
	{
		size_t		id = sc->pos;
		bool		numeric = true;

		while (scan_more(sc) && is_ident(scan_peek(sc)))
		{
			if (!is_digit(scan_peek(sc)))
				numeric = false;
			sc->pos++;
		}
		if (sc->pos == id)
		{
			if (scan_more(sc) && scan_peek(sc) != '.' && scan_peek(sc) != '+')
				return scan_unexpected(sc);
			return scan_error(sc, SEMVER_ERR_SYNTAX, id,
							  "A %s identifier is empty at position %zu.",
							  what, id + 1);
		}
		if (prerelease && numeric && sc->pos - id > 1 && sc->str[id] == '0')
		{
			char		tok[SEMVER_TOKEN_SHOWN + 8];

			return scan_error(sc, SEMVER_ERR_SYNTAX, id,
							  "Leading zeros are not allowed in numeric pre-release identifier \"%s\" at position %zu.",
							  describe_token(sc->str + id, sc->pos - id,
											 tok, sizeof(tok)),
							  id + 1);
		}
		if (!scan_more(sc) || scan_peek(sc) != '.')
			break;
		sc->pos++;
	}
	*out = sc->str + start;
	*out_len = sc->pos - start;
	return true;
}

/* Reads an optional "-pre-release" then an optional "+build". */
static bool
scan_suffixes(SemverScan *sc, const char **pre, size_t *pre_len,
			  const char **build, size_t *build_len)
{
	*pre = NULL;
	*pre_len = 0;
	*build = NULL;
	*build_len = 0;
	if (scan_more(sc) && scan_peek(sc) == '-')
	{
		sc->pos++;
		if (!scan_identifiers(sc, true, pre, pre_len))
			return false;
	}
	if (scan_more(sc) && scan_peek(sc) == '+')
	{
		sc->pos++;
		if (!scan_identifiers(sc, false, build, build_len))
			return false;
	}
	return true;
}

#define SEMVER_FORM_HINT \
	"A semantic version has the form MAJOR.MINOR.PATCH, optionally followed by -PRERELEASE and +BUILD, for example 1.4.0-rc.1+build.5."

SemverStatus
SemverParse(const char *str, size_t len, SemverParts *out, SemverError *err)
{
	SemverScan	sc;
	size_t		start = 0;
	size_t		end = len;
	uint64_t	n[3] = {0, 0, 0};
	int			i;

	error_init(err);
	memset(out, 0, sizeof(*out));
	while (start < end && is_space((unsigned char) str[start]))
		start++;
	while (end > start && is_space((unsigned char) str[end - 1]))
		end--;
	sc.str = str;
	sc.end = end;
	sc.pos = start;
	sc.err = err;

	if (end - start > SEMVER_MAX_LEN)
	{
		scan_error(&sc, SEMVER_ERR_TOO_LONG, start,
				   "The version is %zu bytes long; the maximum is %d.",
				   end - start, SEMVER_MAX_LEN);
		return err->status;
	}
	if (end == start)
	{
		scan_error(&sc, SEMVER_ERR_SYNTAX, start, "The text is empty.");
		scan_hint(&sc, SEMVER_FORM_HINT);
		return err->status;
	}

	for (i = 0; i < 3; i++)
	{
		if (i > 0)
		{
			char		what[32];

			if (!scan_more(&sc))
			{
				scan_error(&sc, SEMVER_ERR_SYNTAX, sc.pos,
						   "The %s is missing.", part_names[i]);
				scan_hint(&sc, SEMVER_FORM_HINT);
				return err->status;
			}
			if (scan_peek(&sc) != '.')
			{
				scan_error(&sc, SEMVER_ERR_SYNTAX, sc.pos,
						   "Expected \".\" and the %s at position %zu, found %s.",
						   part_names[i], sc.pos + 1,
						   describe_byte(scan_peek(&sc), what, sizeof(what)));
				scan_hint(&sc, SEMVER_FORM_HINT);
				return err->status;
			}
			sc.pos++;
		}
		if (!scan_number(&sc, part_names[i], &n[i]))
		{
			if (i == 0 && (str[start] == 'v' || str[start] == 'V'))
				scan_hint(&sc, "Remove the leading \"v\": a version is strictly MAJOR.MINOR.PATCH; only ranges accept the prefix.");
			return err->status;
		}
	}
	if (!scan_suffixes(&sc, &out->pre, &out->pre_len,
					   &out->build, &out->build_len))
		return err->status;
	if (scan_more(&sc))
	{
		scan_unexpected(&sc);
		return err->status;
	}
	out->major = (int64_t) n[0];
	out->minor = (int64_t) n[1];
	out->patch = (int64_t) n[2];
	return SEMVER_OK;
}

/*
 * Compares two dot-separated pre-release strings by semver.org section 11:
 * identifiers left to right, numeric ones by value (as they have no leading
 * zeros, a longer one is larger, and equal lengths compare bytewise),
 * alphanumeric ones in ASCII order, numeric below alphanumeric, and a
 * longer list higher when all preceding identifiers are equal. No
 * pre-release at all ranks above any pre-release.
 */
static int
compare_prerelease(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t		i = 0;
	size_t		j = 0;

	if (alen == 0 || blen == 0)
		return (alen == 0) - (blen == 0);
	for (;;)
	{
		size_t		ai = i;
		size_t		bj = j;
		bool		anum = true;
		bool		bnum = true;
		size_t		al;
		size_t		bl;
		int			c;
		bool		aend;
		bool		bend;

		while (i < alen && a[i] != '.')
		{
			if (!is_digit((unsigned char) a[i]))
				anum = false;
			i++;
		}
		while (j < blen && b[j] != '.')
		{
			if (!is_digit((unsigned char) b[j]))
				bnum = false;
			j++;
		}
		al = i - ai;
		bl = j - bj;
		if (anum && bnum)
			c = (al != bl) ? (al < bl ? -1 : 1) : memcmp(a + ai, b + bj, al);
		else if (anum)
			c = -1;
		else if (bnum)
			c = 1;
		else
		{
			c = memcmp(a + ai, b + bj, al < bl ? al : bl);
			if (c == 0 && al != bl)
				c = al < bl ? -1 : 1;
		}
		if (c != 0)
			return c < 0 ? -1 : 1;
		aend = (i >= alen);
		bend = (j >= blen);
		if (aend || bend)
			return (int) bend - (int) aend;
		i++;
		j++;
	}
}

static int
compare_keys(const SemverKey *a, const SemverKey *b)
{
	int			k;

	for (k = 0; k < 3; k++)
	{
		if (a->v[k] != b->v[k])
			return a->v[k] < b->v[k] ? -1 : 1;
	}
	return compare_prerelease(a->pre, a->pre_len, b->pre, b->pre_len);
}

static void
key_from_parts(const SemverParts *p, SemverKey *k)
{
	k->v[0] = (uint64_t) p->major;
	k->v[1] = (uint64_t) p->minor;
	k->v[2] = (uint64_t) p->patch;
	k->pre = p->pre;
	k->pre_len = p->pre_len;
}

int
SemverCompare(const SemverParts *a, const SemverParts *b)
{
	SemverKey	ka;
	SemverKey	kb;

	key_from_parts(a, &ka);
	key_from_parts(b, &kb);
	return compare_keys(&ka, &kb);
}

/*
 * Ranges. A range is comparator sets joined by "||"; a set is terms
 * separated by whitespace, all of which must hold. Each term desugars into
 * zero, one or two primitive comparators exactly as node-semver does, and
 * they are tested as soon as they are read: nothing is allocated.
 */
typedef enum RangeOp
{
	RANGE_PLAIN,				/* no operator: x-range or exact */
	RANGE_EQ,
	RANGE_LT,
	RANGE_LE,
	RANGE_GT,
	RANGE_GE,
	RANGE_TILDE,
	RANGE_CARET
} RangeOp;

/* A possibly partial version of a range: "1", "1.2.x", "*", "1.2.3-rc.1". */
typedef struct RangePartial
{
	int			level;			/* how many of major, minor, patch are given */
	uint64_t	v[3];
	const char *pre;
	size_t		pre_len;
} RangePartial;

/* The evaluation of one comparator set against the version. */
typedef struct RangeSet
{
	const SemverParts *version; /* NULL when only validating */
	SemverKey	key;
	int			ncomparators;	/* primitive comparators emitted */
	bool		ok;				/* all of them hold so far */
	bool		pre_allowed;	/* one names the version's M.m.p with a pre */
} RangeSet;

/* Tests one primitive comparator "op M.m.p[-pre]" (op among EQ LT LE GT GE). */
static void
range_test(RangeSet *set, RangeOp op, uint64_t major, uint64_t minor,
		   uint64_t patch, const char *pre, size_t pre_len)
{
	SemverKey	bound;
	int			c;
	bool		holds;

	set->ncomparators++;
	if (set->version == NULL)
		return;
	bound.v[0] = major;
	bound.v[1] = minor;
	bound.v[2] = patch;
	bound.pre = pre;
	bound.pre_len = pre_len;
	c = compare_keys(&set->key, &bound);
	switch (op)
	{
		case RANGE_EQ:
			holds = (c == 0);
			break;
		case RANGE_LT:
			holds = (c < 0);
			break;
		case RANGE_LE:
			holds = (c <= 0);
			break;
		case RANGE_GT:
			holds = (c > 0);
			break;
		case RANGE_GE:
			holds = (c >= 0);
			break;
		default:
			holds = false;
			break;
	}
	if (!holds)
		set->ok = false;
	if (pre_len > 0 && major == set->key.v[0] && minor == set->key.v[1] &&
		patch == set->key.v[2])
		set->pre_allowed = true;
}

/* node-semver's "<0.0.0-0": a comparator nothing satisfies. */
static void
range_test_nothing(RangeSet *set)
{
	range_test(set, RANGE_LT, 0, 0, 0, zero_prerelease, 1);
}

/* Desugars one term "op partial" into primitive comparators. */
static void
range_apply(RangeSet *set, RangeOp op, const RangePartial *p)
{
	uint64_t	M = p->v[0];
	uint64_t	m = p->v[1];
	uint64_t	pt = p->v[2];
	const char *zp = zero_prerelease;

	if (p->level == 0)
	{
		/* "*": > and < allow nothing, every other form allows anything */
		if (op == RANGE_GT || op == RANGE_LT)
			range_test_nothing(set);
		return;
	}
	switch (op)
	{
		case RANGE_PLAIN:
		case RANGE_EQ:
			if (p->level == 1)
			{
				range_test(set, RANGE_GE, M, 0, 0, NULL, 0);
				range_test(set, RANGE_LT, M + 1, 0, 0, zp, 1);
			}
			else if (p->level == 2)
			{
				range_test(set, RANGE_GE, M, m, 0, NULL, 0);
				range_test(set, RANGE_LT, M, m + 1, 0, zp, 1);
			}
			else
				range_test(set, RANGE_EQ, M, m, pt, p->pre, p->pre_len);
			break;
		case RANGE_GT:
			if (p->level == 1)
				range_test(set, RANGE_GE, M + 1, 0, 0, NULL, 0);
			else if (p->level == 2)
				range_test(set, RANGE_GE, M, m + 1, 0, NULL, 0);
			else
				range_test(set, RANGE_GT, M, m, pt, p->pre, p->pre_len);
			break;
		case RANGE_GE:
			if (p->level == 3)
				range_test(set, RANGE_GE, M, m, pt, p->pre, p->pre_len);
			else
				range_test(set, RANGE_GE, M, m, 0, NULL, 0);
			break;
		case RANGE_LT:
			if (p->level == 3)
				range_test(set, RANGE_LT, M, m, pt, p->pre, p->pre_len);
			else
				range_test(set, RANGE_LT, M, m, 0, zp, 1);
			break;
		case RANGE_LE:
			if (p->level == 1)
				range_test(set, RANGE_LT, M + 1, 0, 0, zp, 1);
			else if (p->level == 2)
				range_test(set, RANGE_LT, M, m + 1, 0, zp, 1);
			else
				range_test(set, RANGE_LE, M, m, pt, p->pre, p->pre_len);
			break;
		case RANGE_TILDE:
			range_test(set, RANGE_GE, M, m, pt, p->pre, p->pre_len);
			if (p->level == 1)
				range_test(set, RANGE_LT, M + 1, 0, 0, zp, 1);
			else
				range_test(set, RANGE_LT, M, m + 1, 0, zp, 1);
			break;
		case RANGE_CARET:
			range_test(set, RANGE_GE, M, m, pt, p->pre, p->pre_len);
			if (p->level == 1 || M != 0)
				range_test(set, RANGE_LT, M + 1, 0, 0, zp, 1);
			else if (p->level == 2 || m != 0)
				range_test(set, RANGE_LT, 0, m + 1, 0, zp, 1);
			else
				range_test(set, RANGE_LT, 0, 0, pt + 1, zp, 1);
			break;
	}
}

/* Desugars a hyphen range "from - to": inclusive, partial bounds widened. */
static void
range_apply_hyphen(RangeSet *set, const RangePartial *from,
				   const RangePartial *to)
{
	if (from->level > 0)
		range_test(set, RANGE_GE, from->v[0], from->v[1], from->v[2],
				   from->pre, from->pre_len);
	if (to->level == 1)
		range_test(set, RANGE_LT, to->v[0] + 1, 0, 0, zero_prerelease, 1);
	else if (to->level == 2)
		range_test(set, RANGE_LT, to->v[0], to->v[1] + 1, 0,
				   zero_prerelease, 1);
	else if (to->level == 3)
		range_test(set, RANGE_LE, to->v[0], to->v[1], to->v[2],
				   to->pre, to->pre_len);
}

static inline bool
scan_at_or(const SemverScan *sc)
{
	return sc->pos + 1 < sc->end && sc->str[sc->pos] == '|' &&
		sc->str[sc->pos + 1] == '|';
}

/* True at the end of a term: end of text, whitespace or '|'. */
static inline bool
scan_at_term_end(const SemverScan *sc)
{
	return !scan_more(sc) || is_space(scan_peek(sc)) || scan_peek(sc) == '|';
}

/*
 * Reads a possibly partial version: an optional 'v', then up to three parts
 * that are numbers or wildcards (x, X, *). Once a wildcard is seen the rest
 * must be wildcards too. A pre-release or build may only follow three
 * numbers; build metadata is read and ignored.
 */
static bool
scan_partial(SemverScan *sc, RangePartial *p)
{
	bool		wild = false;
	const char *build;
	size_t		build_len;
	int			i;

	memset(p, 0, sizeof(*p));
	if (scan_more(sc) && scan_peek(sc) == 'v')
		sc->pos++;
	for (i = 0; i < 3; i++)
	{
		unsigned char c;

		if (i > 0)
		{
			if (!scan_more(sc) || scan_peek(sc) != '.')
				break;
			sc->pos++;
		}
		c = scan_more(sc) ? scan_peek(sc) : '\0';
		if (i == 0 && !is_digit(c) && c != 'x' && c != 'X' && c != '*')
		{
			char		what[32];

			if (!scan_more(sc) || is_space(c) || c == '|')
				return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
								  "A version is missing at position %zu.",
								  sc->pos + 1);
			return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
							  "Expected a version at position %zu, found %s.",
							  sc->pos + 1,
							  describe_byte(c, what, sizeof(what)));
		}
		if (scan_more(sc) && (c == 'x' || c == 'X' || c == '*'))
		{
			sc->pos++;
			wild = true;
			continue;
		}
		if (wild && is_digit(c))
			return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
							  "A number follows a wildcard at position %zu; after a wildcard only wildcards may follow.",
							  sc->pos + 1);
		if (!scan_number(sc, part_names[i], &p->v[i]))
			return false;
		p->level = i + 1;
	}
	if (scan_more(sc) && (scan_peek(sc) == '-' || scan_peek(sc) == '+'))
	{
		if (p->level < 3)
			return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
							  "A pre-release or build metadata at position %zu must follow a full MAJOR.MINOR.PATCH version.",
							  sc->pos + 1);
		if (!scan_suffixes(sc, &p->pre, &p->pre_len, &build, &build_len))
			return false;
	}
	if (!scan_at_term_end(sc))
		return scan_unexpected(sc);
	return true;
}

/*
 * Reads one term of a set: an operator and a partial version, or, when it
 * is the first term and has no operator, possibly a whole hyphen range.
 */
static bool
scan_term(SemverScan *sc, RangeSet *set, bool first)
{
	size_t		op_pos = sc->pos;
	RangeOp		op = RANGE_PLAIN;
	RangePartial p;

	switch (scan_peek(sc))
	{
		case '<':
			sc->pos++;
			op = RANGE_LT;
			if (scan_more(sc) && scan_peek(sc) == '=')
			{
				sc->pos++;
				op = RANGE_LE;
			}
			break;
		case '>':
			sc->pos++;
			op = RANGE_GT;
			if (scan_more(sc) && scan_peek(sc) == '=')
			{
				sc->pos++;
				op = RANGE_GE;
			}
			break;
		case '=':
			sc->pos++;
			op = RANGE_EQ;
			break;
		case '~':
			sc->pos++;
			op = RANGE_TILDE;
			if (scan_more(sc) && scan_peek(sc) == '>')
				sc->pos++;
			break;
		case '^':
			sc->pos++;
			op = RANGE_CARET;
			break;
		case '-':
			return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
							  "Unexpected \"-\" at position %zu; a hyphen range is written \"1.2 - 1.4\", with spaces around the hyphen and no operators.",
							  sc->pos + 1);
		default:
			break;
	}
	if (op != RANGE_PLAIN)
	{
		size_t		op_len = sc->pos - op_pos;

		scan_skip_space(sc);
		if (!scan_more(sc) || scan_peek(sc) == '|')
			return scan_error(sc, SEMVER_ERR_SYNTAX, op_pos,
							  "The operator \"%.*s\" at position %zu is not followed by a version.",
							  (int) op_len, sc->str + op_pos, op_pos + 1);
	}
	if (!scan_partial(sc, &p))
		return false;

	if (op == RANGE_PLAIN)
	{
		size_t		after = sc->pos;
		size_t		dash;

		scan_skip_space(sc);
		dash = sc->pos;
		if (dash > after && scan_more(sc) && scan_peek(sc) == '-' &&
			(dash + 1 >= sc->end || is_space((unsigned char) sc->str[dash + 1])))
		{
			RangePartial to;

			if (!first)
				return scan_error(sc, SEMVER_ERR_SYNTAX, dash,
								  "The hyphen range at position %zu must be the whole comparator set.",
								  dash + 1);
			sc->pos++;
			scan_skip_space(sc);
			if (!scan_more(sc) || scan_at_or(sc))
				return scan_error(sc, SEMVER_ERR_SYNTAX, dash,
								  "The hyphen range at position %zu has no upper bound.",
								  dash + 1);
			if (!scan_partial(sc, &to))
				return false;
			scan_skip_space(sc);
			if (scan_more(sc) && !scan_at_or(sc))
			{
				char		what[32];

				return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
								  "The hyphen range at position %zu must be the whole comparator set, but %s follows at position %zu.",
								  dash + 1,
								  describe_byte(scan_peek(sc), what, sizeof(what)),
								  sc->pos + 1);
			}
			range_apply_hyphen(set, &p, &to);
			return true;
		}
		sc->pos = after;
	}
	range_apply(set, op, &p);
	return true;
}

/* Reads one comparator set, up to the end of text or the next "||". */
static bool
scan_set(SemverScan *sc, RangeSet *set)
{
	bool		first = true;

	scan_skip_space(sc);
	while (scan_more(sc) && !scan_at_or(sc))
	{
		if (scan_peek(sc) == '|')
			return scan_error(sc, SEMVER_ERR_SYNTAX, sc->pos,
							  "A single \"|\" at position %zu is not an operator; alternatives are separated by \"||\".",
							  sc->pos + 1);
		if (!scan_term(sc, set, first))
			return false;
		first = false;
		scan_skip_space(sc);
	}
	return true;
}

#define SEMVER_RANGE_HINT \
	"A range is comparators such as \">=1.2.0 <2.0.0\", \"^1.2\", \"~1.2.3\", \"1.x\" or \"1.2 - 1.4\", with alternatives joined by \"||\"."

SemverStatus
SemverRangeMatch(const char *str, size_t len, const SemverParts *version,
				 bool *result, SemverError *err)
{
	SemverScan	sc;
	bool		any_set = false;
	bool		matched = false;

	error_init(err);
	*result = false;
	sc.str = str;
	sc.end = len;
	sc.pos = 0;
	sc.err = err;
	if (len > SEMVER_RANGE_MAX_LEN)
	{
		scan_error(&sc, SEMVER_ERR_TOO_LONG, 0,
				   "The range is %zu bytes long; the maximum is %d.",
				   len, SEMVER_RANGE_MAX_LEN);
		return err->status;
	}
	for (;;)
	{
		RangeSet	set;

		memset(&set, 0, sizeof(set));
		set.version = version;
		set.ok = true;
		if (version != NULL)
			key_from_parts(version, &set.key);
		if (!scan_set(&sc, &set))
		{
			if (err->status == SEMVER_ERR_SYNTAX)
				scan_hint(&sc, SEMVER_RANGE_HINT);
			return err->status;
		}
		/* a set of only "*" (or nothing) makes node-semver's whole range "*" */
		if (set.ncomparators == 0)
			any_set = true;
		if (version != NULL && set.ok &&
			(version->pre_len == 0 || set.pre_allowed))
			matched = true;
		if (!scan_more(&sc))
			break;
		sc.pos += 2;			/* the "||" that ended the set */
	}
	if (version != NULL)
		*result = any_set ? (version->pre_len == 0) : matched;
	return SEMVER_OK;
}

#ifndef SEMVER_STANDALONE

/* ----------------------------------------------------------------------
 * Part 2: the SQL-callable functions
 * ----------------------------------------------------------------------
 */

/*
 * Stored layout after the varlena header, read and written with memcpy so
 * that no alignment is assumed (the type is int4-aligned and values may
 * have a short header):
 *	 byte 0		format (SEMVER_STORAGE_FORMAT)
 *	 byte 1		reserved, 0
 *	 bytes 2-3	pre-release length (uint16)
 *	 bytes 4-5	build metadata length (uint16)
 *	 bytes 6-7	reserved, 0
 *	 bytes 8-31	major, minor, patch (int64)
 *	 then the pre-release and build strings, without '-', '+' or NUL.
 */
#define SEMVER_STORAGE_FORMAT	1
#define SEMVER_HEADER_SIZE		32

/* First byte of the binary (send/recv) form, followed by the text form. */
#define SEMVER_BINARY_FORMAT	1

#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#define SEMVER_RAISE(escontext, ...) errsave(escontext, __VA_ARGS__)
#else
#define SEMVER_RAISE(escontext, ...) ereport(ERROR, __VA_ARGS__)
#endif

/*
 * Returns input as an error message quotes it: whole when short, else its first
 * SEMVER_QUOTE_MAX bytes (cut on a character boundary) and "...", so a huge
 * input does not make a huge message.
 */
#define SEMVER_QUOTE_MAX 80
static const char *
semver_clip(const char *input)
{
	int			len = strlen(input);

	if (len <= SEMVER_QUOTE_MAX)
		return input;
	return psprintf("%.*s...", pg_mbcliplen(input, len, SEMVER_QUOTE_MAX), input);
}

/*
 * Reports a failed parse of a version (is_range false) or range. Every
 * parse error of this file goes through here, so soft errors (PostgreSQL
 * 16's escontext) need only this function to change; on 15 it throws.
 */
static void
semver_report(Node *escontext, const SemverError *err, bool is_range,
			  const char *input)
{
	int			code;

	if (err->status == SEMVER_ERR_TOO_LONG)
	{
		if (is_range)
			SEMVER_RAISE(escontext,
						 (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						  errmsg("semantic version range is too long"),
						  errdetail_internal("%s", err->detail)));
		else
			SEMVER_RAISE(escontext,
						 (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						  errmsg("semantic version is too long"),
						  errdetail_internal("%s", err->detail)));
		return;
	}
	code = (err->status == SEMVER_ERR_OVERFLOW) ?
		ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE : ERRCODE_INVALID_TEXT_REPRESENTATION;
	input = semver_clip(input);
	if (is_range)
		SEMVER_RAISE(escontext,
					 (errcode(code),
					  errmsg("invalid semantic version range: \"%s\"", input),
					  errdetail_internal("%s", err->detail),
					  err->hint[0] ? errhint("%s", err->hint) : 0));
	else
		SEMVER_RAISE(escontext,
					 (errcode(code),
					  errmsg("invalid semantic version: \"%s\"", input),
					  errdetail_internal("%s", err->detail),
					  err->hint[0] ? errhint("%s", err->hint) : 0));
}

/* Builds a stored value from parsed parts. */
static struct varlena *
semver_pack(const SemverParts *p)
{
	size_t		size = VARHDRSZ + SEMVER_HEADER_SIZE + p->pre_len + p->build_len;
	struct varlena *result;
	char	   *d;
	uint16		pre_len = (uint16) p->pre_len;
	uint16		build_len = (uint16) p->build_len;
	int64		n;

	/* the parser caps the text at SEMVER_MAX_LEN, far below 64kB */
	Assert(p->pre_len + p->build_len <= SEMVER_MAX_LEN);
	result = (struct varlena *) palloc0(size);
	SET_VARSIZE(result, size);
	d = VARDATA(result);
	d[0] = SEMVER_STORAGE_FORMAT;
	memcpy(d + 2, &pre_len, sizeof(uint16));
	memcpy(d + 4, &build_len, sizeof(uint16));
	n = p->major;
	memcpy(d + 8, &n, sizeof(int64));
	n = p->minor;
	memcpy(d + 16, &n, sizeof(int64));
	n = p->patch;
	memcpy(d + 24, &n, sizeof(int64));
	if (p->pre_len > 0)
		memcpy(d + SEMVER_HEADER_SIZE, p->pre, p->pre_len);
	if (p->build_len > 0)
		memcpy(d + SEMVER_HEADER_SIZE + p->pre_len, p->build, p->build_len);
	return result;
}

/*
 * Reads a stored value into parts pointing into it. Checks the header so a
 * corrupt value raises an error instead of reading out of bounds.
 */
static void
semver_unpack(const struct varlena *v, SemverParts *out)
{
	const char *d = VARDATA_ANY(v);
	size_t		size = VARSIZE_ANY_EXHDR(v);
	uint16		pre_len;
	uint16		build_len;
	int64		n;

	if (size < SEMVER_HEADER_SIZE || d[0] != SEMVER_STORAGE_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt semver value")));
	memcpy(&pre_len, d + 2, sizeof(uint16));
	memcpy(&build_len, d + 4, sizeof(uint16));
	if ((size_t) pre_len + build_len > SEMVER_MAX_LEN ||
		SEMVER_HEADER_SIZE + (size_t) pre_len + build_len != size)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt semver value")));
	memcpy(&n, d + 8, sizeof(int64));
	out->major = n;
	memcpy(&n, d + 16, sizeof(int64));
	out->minor = n;
	memcpy(&n, d + 24, sizeof(int64));
	out->patch = n;
	out->pre = d + SEMVER_HEADER_SIZE;
	out->pre_len = pre_len;
	out->build = d + SEMVER_HEADER_SIZE + pre_len;
	out->build_len = build_len;
}

/* Fetches and unpacks argument n; the detoasted copy lives in the caller's context. */
static void
semver_getarg(FunctionCallInfo fcinfo, int n, SemverParts *out)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n));

	semver_unpack(v, out);
}

/* Parses text into a stored value, or reports the error (NULL if soft). */
static struct varlena *
semver_from_text(const char *str, size_t len, Node *escontext)
{
	SemverParts parts;
	SemverError err;

	if (SemverParse(str, len, &parts, &err) != SEMVER_OK)
	{
		semver_report(escontext, &err, false, str);
		return NULL;
	}
	return semver_pack(&parts);
}

/* The canonical text: M.m.p[-pre][+build]. */
static char *
semver_to_cstring(const SemverParts *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, INT64_FORMAT "." INT64_FORMAT "." INT64_FORMAT,
					 (int64) p->major, (int64) p->minor, (int64) p->patch);
	if (p->pre_len > 0)
	{
		appendStringInfoChar(&buf, '-');
		appendBinaryStringInfo(&buf, p->pre, (int) p->pre_len);
	}
	if (p->build_len > 0)
	{
		appendStringInfoChar(&buf, '+');
		appendBinaryStringInfo(&buf, p->build, (int) p->build_len);
	}
	return buf.data;
}

/* Text input: strict SemVer 2.0.0, surrounding whitespace ignored. */
PG_FUNCTION_INFO_V1(semver_in);
Datum
semver_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	struct varlena *result;

	result = semver_from_text(str, strlen(str), fcinfo->context);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(result);
}

/* Text output: the canonical form, which is the form it was read in. */
PG_FUNCTION_INFO_V1(semver_out);
Datum
semver_out(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	PG_RETURN_CSTRING(semver_to_cstring(&p));
}

/*
 * Binary input: a format byte, then the text form, validated by the same
 * parser as text input. Embedded NULs and stray bytes are errors.
 */
PG_FUNCTION_INFO_V1(semver_recv);
Datum
semver_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			format;
	char	   *str;
	int			nbytes;
	struct varlena *result;

	if (buf->cursor >= buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary semver value"),
				 errdetail("The value is empty; it must start with a format version byte.")));
	format = pq_getmsgint(buf, 1);
	if (format != SEMVER_BINARY_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported semver binary format version %d", format),
				 errdetail("Only version %d is supported.", SEMVER_BINARY_FORMAT)));
	str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	result = semver_from_text(str, (size_t) nbytes, fcinfo->context);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(result);
}

/* Binary output: a format byte, then the canonical text. */
PG_FUNCTION_INFO_V1(semver_send);
Datum
semver_send(PG_FUNCTION_ARGS)
{
	SemverParts p;
	StringInfoData buf;
	char	   *str;

	semver_getarg(fcinfo, 0, &p);
	str = semver_to_cstring(&p);
	pq_begintypsend(&buf);
	pq_sendint8(&buf, SEMVER_BINARY_FORMAT);
	pq_sendtext(&buf, str, strlen(str));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static int
semver_cmp_args(FunctionCallInfo fcinfo)
{
	SemverParts a;
	SemverParts b;

	semver_getarg(fcinfo, 0, &a);
	semver_getarg(fcinfo, 1, &b);
	return SemverCompare(&a, &b);
}

/* Btree support: precedence of semver.org section 11, build ignored. */
PG_FUNCTION_INFO_V1(semver_cmp);
Datum
semver_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(semver_cmp_args(fcinfo));
}

PG_FUNCTION_INFO_V1(semver_lt);
Datum
semver_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(semver_cmp_args(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(semver_le);
Datum
semver_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(semver_cmp_args(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(semver_eq);
Datum
semver_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(semver_cmp_args(fcinfo) == 0);
}

PG_FUNCTION_INFO_V1(semver_ne);
Datum
semver_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(semver_cmp_args(fcinfo) != 0);
}

PG_FUNCTION_INFO_V1(semver_ge);
Datum
semver_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(semver_cmp_args(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(semver_gt);
Datum
semver_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(semver_cmp_args(fcinfo) > 0);
}

/* The larger of two versions; the first one when they have equal precedence. */
PG_FUNCTION_INFO_V1(semver_larger);
Datum
semver_larger(PG_FUNCTION_ARGS)
{
	if (semver_cmp_args(fcinfo) >= 0)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	PG_RETURN_DATUM(PG_GETARG_DATUM(1));
}

/* The smaller of two versions; the first one when they have equal precedence. */
PG_FUNCTION_INFO_V1(semver_smaller);
Datum
semver_smaller(PG_FUNCTION_ARGS)
{
	if (semver_cmp_args(fcinfo) <= 0)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	PG_RETURN_DATUM(PG_GETARG_DATUM(1));
}

/*
 * Hashes what precedence looks at (major, minor, patch, pre-release) and
 * not build metadata, so equal versions hash equally. The numbers are
 * serialized big-endian so the hashed bytes do not depend on how the
 * platform lays out an int64.
 */
static Datum
semver_hash_parts(const SemverParts *p, bool extended, uint64 seed)
{
	unsigned char buf[24 + SEMVER_MAX_LEN];
	int64		n[3];
	int			k;
	int			i;

	n[0] = p->major;
	n[1] = p->minor;
	n[2] = p->patch;
	for (k = 0; k < 3; k++)
		for (i = 0; i < 8; i++)
			buf[k * 8 + i] = (unsigned char) (((uint64) n[k]) >> (56 - 8 * i));
	if (p->pre_len > 0)
		memcpy(buf + 24, p->pre, p->pre_len);
	if (extended)
		return hash_any_extended(buf, 24 + (int) p->pre_len, seed);
	return hash_any(buf, 24 + (int) p->pre_len);
}

PG_FUNCTION_INFO_V1(semver_hash);
Datum
semver_hash(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	return semver_hash_parts(&p, false, 0);
}

PG_FUNCTION_INFO_V1(semver_hash_extended);
Datum
semver_hash_extended(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	return semver_hash_parts(&p, true, (uint64) PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(semver_major);
Datum
semver_major(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	PG_RETURN_INT64(p.major);
}

PG_FUNCTION_INFO_V1(semver_minor);
Datum
semver_minor(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	PG_RETURN_INT64(p.minor);
}

PG_FUNCTION_INFO_V1(semver_patch);
Datum
semver_patch(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	PG_RETURN_INT64(p.patch);
}

/* The pre-release without its '-', or NULL when there is none. */
PG_FUNCTION_INFO_V1(semver_prerelease);
Datum
semver_prerelease(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	if (p.pre_len == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(p.pre, (int) p.pre_len));
}

/* The build metadata without its '+', or NULL when there is none. */
PG_FUNCTION_INFO_V1(semver_build);
Datum
semver_build(PG_FUNCTION_ARGS)
{
	SemverParts p;

	semver_getarg(fcinfo, 0, &p);
	if (p.build_len == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(p.build, (int) p.build_len));
}

/*
 * Whether a version satisfies an npm-style range, with node-semver's
 * semantics; an invalid range is an error even when the version would
 * match an earlier alternative.
 */
PG_FUNCTION_INFO_V1(semver_satisfies);
Datum
semver_satisfies(PG_FUNCTION_ARGS)
{
	SemverParts p;
	text	   *range = PG_GETARG_TEXT_PP(1);
	SemverError err;
	bool		result;

	semver_getarg(fcinfo, 0, &p);
	if (SemverRangeMatch(VARDATA_ANY(range), VARSIZE_ANY_EXHDR(range),
						 &p, &result, &err) != SEMVER_OK)
		semver_report(NULL, &err, true, text_to_cstring(range));
	PG_RETURN_BOOL(result);
}

/* Whether a text is a valid range: false instead of an error. */
PG_FUNCTION_INFO_V1(semver_range_valid);
Datum
semver_range_valid(PG_FUNCTION_ARGS)
{
	text	   *range = PG_GETARG_TEXT_PP(0);
	SemverError err;
	bool		result;

	PG_RETURN_BOOL(SemverRangeMatch(VARDATA_ANY(range),
									VARSIZE_ANY_EXHDR(range),
									NULL, &result, &err) == SEMVER_OK);
}

#endif							/* !SEMVER_STANDALONE */
