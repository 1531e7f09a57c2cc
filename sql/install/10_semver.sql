
-- 10_semver: the semver type (Semantic Versioning 2.0.0), its operators, btree
-- and hash operator classes, min/max, accessors and npm-style range matching.
-- The C is src/semver.c; the reference is docs/semver.md.
-- Uses: nothing but its own C functions.

CREATE TYPE @extschema@.semver;

CREATE FUNCTION @extschema@.semver_in(cstring) RETURNS @extschema@.semver
    AS 'MODULE_PATHNAME', 'semver_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_in(cstring) IS
    'Input function of semver: strict SemVer 2.0.0 text, surrounding whitespace ignored.';

CREATE FUNCTION @extschema@.semver_out(@extschema@.semver) RETURNS cstring
    AS 'MODULE_PATHNAME', 'semver_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_out(@extschema@.semver) IS
    'Output function of semver: the canonical text, MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].';

CREATE FUNCTION @extschema@.semver_recv(internal) RETURNS @extschema@.semver
    AS 'MODULE_PATHNAME', 'semver_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_recv(internal) IS
    'Binary input function of semver: a format byte (1) then the text form, validated like text input.';

CREATE FUNCTION @extschema@.semver_send(@extschema@.semver) RETURNS bytea
    AS 'MODULE_PATHNAME', 'semver_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_send(@extschema@.semver) IS
    'Binary output function of semver: a format byte (1) then the canonical text.';

CREATE TYPE @extschema@.semver (
    INPUT = @extschema@.semver_in,
    OUTPUT = @extschema@.semver_out,
    RECEIVE = @extschema@.semver_recv,
    SEND = @extschema@.semver_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = main
);
COMMENT ON TYPE @extschema@.semver IS
    'A Semantic Versioning 2.0.0 version, ordered by SemVer precedence (build metadata ignored).';

-- Comparison

CREATE FUNCTION @extschema@.semver_cmp(@extschema@.semver, @extschema@.semver) RETURNS integer
    AS 'MODULE_PATHNAME', 'semver_cmp'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_cmp(@extschema@.semver, @extschema@.semver) IS
    'Compares two versions by SemVer precedence: -1, 0 or 1. Build metadata is ignored.';

CREATE FUNCTION @extschema@.semver_lt(@extschema@.semver, @extschema@.semver) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_lt'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_lt(@extschema@.semver, @extschema@.semver) IS
    'Implementation of the semver < operator.';

CREATE FUNCTION @extschema@.semver_le(@extschema@.semver, @extschema@.semver) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_le'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_le(@extschema@.semver, @extschema@.semver) IS
    'Implementation of the semver <= operator.';

CREATE FUNCTION @extschema@.semver_eq(@extschema@.semver, @extschema@.semver) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_eq'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_eq(@extschema@.semver, @extschema@.semver) IS
    'Implementation of the semver = operator (equal precedence; build metadata ignored).';

CREATE FUNCTION @extschema@.semver_ne(@extschema@.semver, @extschema@.semver) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_ne'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_ne(@extschema@.semver, @extschema@.semver) IS
    'Implementation of the semver <> operator.';

CREATE FUNCTION @extschema@.semver_ge(@extschema@.semver, @extschema@.semver) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_ge'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_ge(@extschema@.semver, @extschema@.semver) IS
    'Implementation of the semver >= operator.';

CREATE FUNCTION @extschema@.semver_gt(@extschema@.semver, @extschema@.semver) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_gt'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_gt(@extschema@.semver, @extschema@.semver) IS
    'Implementation of the semver > operator.';

CREATE FUNCTION @extschema@.semver_hash(@extschema@.semver) RETURNS integer
    AS 'MODULE_PATHNAME', 'semver_hash'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_hash(@extschema@.semver) IS
    'Hash of a version consistent with =: build metadata is not hashed.';

CREATE FUNCTION @extschema@.semver_hash_extended(@extschema@.semver, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'semver_hash_extended'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_hash_extended(@extschema@.semver, bigint) IS
    'Seeded 64-bit hash of a version consistent with = (for hash partitioning).';

CREATE FUNCTION @extschema@.semver_larger(@extschema@.semver, @extschema@.semver) RETURNS @extschema@.semver
    AS 'MODULE_PATHNAME', 'semver_larger'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_larger(@extschema@.semver, @extschema@.semver) IS
    'The version of higher precedence; the first argument when both have equal precedence.';

CREATE FUNCTION @extschema@.semver_smaller(@extschema@.semver, @extschema@.semver) RETURNS @extschema@.semver
    AS 'MODULE_PATHNAME', 'semver_smaller'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_smaller(@extschema@.semver, @extschema@.semver) IS
    'The version of lower precedence; the first argument when both have equal precedence.';

CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.semver,
    RIGHTARG = @extschema@.semver,
    FUNCTION = @extschema@.semver_lt,
    COMMUTATOR = OPERATOR(@extschema@.>),
    NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel,
    JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.semver, @extschema@.semver) IS
    'Lower SemVer precedence.';

CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.semver,
    RIGHTARG = @extschema@.semver,
    FUNCTION = @extschema@.semver_le,
    COMMUTATOR = OPERATOR(@extschema@.>=),
    NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel,
    JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.semver, @extschema@.semver) IS
    'Lower or equal SemVer precedence.';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.semver,
    RIGHTARG = @extschema@.semver,
    FUNCTION = @extschema@.semver_eq,
    COMMUTATOR = OPERATOR(@extschema@.=),
    NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel,
    JOIN = pg_catalog.eqjoinsel,
    HASHES,
    MERGES
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.semver, @extschema@.semver) IS
    'Equal SemVer precedence: build metadata is ignored, so 1.0.0+a = 1.0.0+b.';

CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.semver,
    RIGHTARG = @extschema@.semver,
    FUNCTION = @extschema@.semver_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>),
    NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel,
    JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.semver, @extschema@.semver) IS
    'Different SemVer precedence (build metadata ignored).';

CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.semver,
    RIGHTARG = @extschema@.semver,
    FUNCTION = @extschema@.semver_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=),
    NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel,
    JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.semver, @extschema@.semver) IS
    'Higher or equal SemVer precedence.';

CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.semver,
    RIGHTARG = @extschema@.semver,
    FUNCTION = @extschema@.semver_gt,
    COMMUTATOR = OPERATOR(@extschema@.<),
    NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel,
    JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.semver, @extschema@.semver) IS
    'Higher SemVer precedence.';

-- Btree support has no equalimage function on purpose: equal versions may
-- differ in build metadata, so btree deduplication must stay off.
CREATE OPERATOR CLASS @extschema@.semver_ops
    DEFAULT FOR TYPE @extschema@.semver USING btree AS
        OPERATOR 1 @extschema@.< ,
        OPERATOR 2 @extschema@.<= ,
        OPERATOR 3 @extschema@.= ,
        OPERATOR 4 @extschema@.>= ,
        OPERATOR 5 @extschema@.> ,
        FUNCTION 1 @extschema@.semver_cmp(@extschema@.semver, @extschema@.semver);
COMMENT ON OPERATOR CLASS @extschema@.semver_ops USING btree IS
    'Default btree operator class of semver: SemVer precedence.';
COMMENT ON OPERATOR FAMILY @extschema@.semver_ops USING btree IS
    'Btree operator family of semver: SemVer precedence.';

CREATE OPERATOR CLASS @extschema@.semver_ops
    DEFAULT FOR TYPE @extschema@.semver USING hash AS
        OPERATOR 1 @extschema@.= ,
        FUNCTION 1 @extschema@.semver_hash(@extschema@.semver),
        FUNCTION 2 @extschema@.semver_hash_extended(@extschema@.semver, bigint);
COMMENT ON OPERATOR CLASS @extschema@.semver_ops USING hash IS
    'Default hash operator class of semver, consistent with = (build metadata ignored).';
COMMENT ON OPERATOR FAMILY @extschema@.semver_ops USING hash IS
    'Hash operator family of semver, consistent with = (build metadata ignored).';

CREATE AGGREGATE @extschema@.min(@extschema@.semver) (
    SFUNC = @extschema@.semver_smaller,
    STYPE = @extschema@.semver,
    COMBINEFUNC = @extschema@.semver_smaller,
    SORTOP = OPERATOR(@extschema@.<),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.min(@extschema@.semver) IS
    'The version of lowest precedence.';

CREATE AGGREGATE @extschema@.max(@extschema@.semver) (
    SFUNC = @extschema@.semver_larger,
    STYPE = @extschema@.semver,
    COMBINEFUNC = @extschema@.semver_larger,
    SORTOP = OPERATOR(@extschema@.>),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.max(@extschema@.semver) IS
    'The version of highest precedence.';

-- Accessors

CREATE FUNCTION @extschema@.semver_major(@extschema@.semver) RETURNS bigint
    AS 'MODULE_PATHNAME', 'semver_major'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_major(@extschema@.semver) IS
    'The major version number.';

CREATE FUNCTION @extschema@.semver_minor(@extschema@.semver) RETURNS bigint
    AS 'MODULE_PATHNAME', 'semver_minor'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_minor(@extschema@.semver) IS
    'The minor version number.';

CREATE FUNCTION @extschema@.semver_patch(@extschema@.semver) RETURNS bigint
    AS 'MODULE_PATHNAME', 'semver_patch'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_patch(@extschema@.semver) IS
    'The patch version number.';

CREATE FUNCTION @extschema@.semver_prerelease(@extschema@.semver) RETURNS text
    AS 'MODULE_PATHNAME', 'semver_prerelease'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_prerelease(@extschema@.semver) IS
    'The pre-release without its leading "-" (for 1.0.0-rc.1, rc.1), or NULL when there is none.';

CREATE FUNCTION @extschema@.semver_build(@extschema@.semver) RETURNS text
    AS 'MODULE_PATHNAME', 'semver_build'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_build(@extschema@.semver) IS
    'The build metadata without its leading "+" (for 1.0.0+b.5, b.5), or NULL when there is none.';

-- Ranges

CREATE FUNCTION @extschema@.semver_satisfies(@extschema@.semver, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_satisfies'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_satisfies(@extschema@.semver, text) IS
    'Whether the version satisfies an npm-style range (^1.2, ~1.2.3, >=1.0 <2.0, 1.x, 1.2 - 1.4, ||), with node-semver semantics. An invalid range is an error.';

CREATE FUNCTION @extschema@.semver_range_valid(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'semver_range_valid'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.semver_range_valid(text) IS
    'Whether a text is a valid range for semver_satisfies (false, not an error, when it is not).';
