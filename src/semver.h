/*
 * semver.h
 *	  The PostgreSQL-free core of the semver type: Semantic Versioning 2.0.0
 *	  parsing, precedence, and npm-style range matching.
 *
 * Everything declared here reads a (pointer, length) pair, never allocates
 * and never throws: errors come back as a SemverStatus with a SemverError
 * describing them. This lets a standalone harness (libFuzzer, unit tests)
 * compile src/semver.c with -DSEMVER_STANDALONE and call these functions
 * without a server. The SQL-callable functions in semver.c wrap them.
 */
#ifndef MESHCAT_SEMVER_H
#define MESHCAT_SEMVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest version text accepted, after trimming surrounding whitespace. */
#define SEMVER_MAX_LEN			1024
/* Longest range text accepted, whitespace included. */
#define SEMVER_RANGE_MAX_LEN	4096
/* Size of the detail and hint buffers of a SemverError. */
#define SEMVER_MESSAGE_LEN		256

typedef enum SemverStatus
{
	SEMVER_OK = 0,
	SEMVER_ERR_SYNTAX,			/* not valid text: SQLSTATE 22P02 */
	SEMVER_ERR_OVERFLOW,		/* a number above INT64_MAX: 22003 */
	SEMVER_ERR_TOO_LONG			/* longer than the limit: 54000 */
} SemverStatus;

typedef struct SemverError
{
	SemverStatus status;
	size_t		position;		/* 1-based byte offset of the problem; 0 if
								 * none */
	char		detail[SEMVER_MESSAGE_LEN]; /* a full sentence */
	char		hint[SEMVER_MESSAGE_LEN];	/* a full sentence, or empty */
} SemverError;

/*
 * A parsed version. pre and build point into the parsed text (or into the
 * stored value) and are not NUL-terminated; a length of 0 means "none", as
 * SemVer does not allow an empty pre-release or build.
 */
typedef struct SemverParts
{
	int64_t		major;
	int64_t		minor;
	int64_t		patch;
	const char *pre;
	size_t		pre_len;
	const char *build;
	size_t		build_len;
} SemverParts;

/*
 * Parses a strict SemVer 2.0.0 version from str[0..len). Leading and
 * trailing ASCII whitespace is ignored; anything else must match the
 * grammar of semver.org exactly.
 */
extern SemverStatus SemverParse(const char *str, size_t len,
								SemverParts *out, SemverError *err);

/* Precedence as in semver.org section 11: <0, 0 or >0. Ignores build. */
extern int	SemverCompare(const SemverParts *a, const SemverParts *b);

/*
 * Parses the npm-style range str[0..len) and, when version is not NULL,
 * sets *result to whether the version satisfies it (node-semver semantics,
 * pre-releases excluded unless a comparator of the same set names the same
 * major.minor.patch with a pre-release). With version NULL it only
 * validates. The whole range is always validated.
 */
extern SemverStatus SemverRangeMatch(const char *str, size_t len,
									 const SemverParts *version,
									 bool *result, SemverError *err);

#endif							/* MESHCAT_SEMVER_H */
