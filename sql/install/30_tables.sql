-- 30_tables: every table, each whole in one place: its columns, constraints, indexes, comment
-- and, for the tables pg_dump keeps, pg_extension_config_dump. Documents (domain, product,
-- product_version, policy, exemption) hold the truth: a version's descriptor is its contract.
-- The part tables (owner, tag, input_port, output_port, field) and the lineage edges are
-- derived from the descriptors by 50_derivation, and no role may write them. Every column that
-- readers parse (ids, ranges, references, intervals) is checked here, by the table, so a plain
-- INSERT cannot store what mesh_register would refuse. Document tables have natural primary
-- keys; surrogate ids (product_version.id) only join the derived rows, so a hub can subscribe
-- to many domains. Derived rows have no foreign keys to the version or port they belong to:
-- only the derivation writes them, whole, and removes them with their version (a foreign key
-- would only add a check per row); an input's product is a reference to a document, and keeps one.
-- pg_dump keeps the rows of extension tables only when asked to: the documents, the audit
-- trail, evaluations, events and setup roles. Derived rows are not dumped; restoring a version
-- derives them again (50_derivation). The triggers on these tables belong to the layers that
-- need them (50_derivation, 55_rules), the search index to 80_search.
-- Uses: 00_schema (mesh_acting_role, in defaults), 10_semver, 15_types.

CREATE TABLE @extschema@.domain (
    name        @extschema@.mesh_name PRIMARY KEY,
    description text,
    owner_role  name NOT NULL,
    parent      text REFERENCES @extschema@.domain (name),
    descriptor  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by  name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    updated_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_by  name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK (parent IS DISTINCT FROM name)
);
CREATE INDEX ON @extschema@.domain (parent);
COMMENT ON TABLE @extschema@.domain IS
    'Business domains; members of owner_role own the domain and its products.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.domain', '');

CREATE TABLE @extschema@.product (
    id          text PRIMARY KEY,
    domain      text NOT NULL REFERENCES @extschema@.domain (name),
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by  name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK (id ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}\.[A-Za-z][A-Za-z0-9_-]{0,62}$'
           AND pg_catalog.split_part(id, '.', 1) = domain)
);
CREATE INDEX ON @extschema@.product (domain);
COMMENT ON TABLE @extschema@.product IS
    'Data products: the stable identity "<domain>.<name>"; everything else is per version.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.product', '');

-- Its id has no default: the server assigns it (assign_id, 55_rules), so no writer can pick
-- one, and a replica that receives versions without it numbers them itself.
CREATE TABLE @extschema@.product_version (
    id              bigint NOT NULL UNIQUE,
    product_id      text NOT NULL REFERENCES @extschema@.product (id),
    version         @extschema@.semver NOT NULL,
    status          @extschema@.lifecycle_status NOT NULL DEFAULT 'draft',
    name            text NOT NULL,
    description     text,
    classification  @extschema@.classification NOT NULL DEFAULT 'internal',
    retention       interval CHECK (retention OPERATOR(pg_catalog.>=) interval '0'),
    documentation   text,
    sla             jsonb NOT NULL DEFAULT '{}',
    quality         jsonb NOT NULL DEFAULT '{}',
    descriptor      jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    updated_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    published_at    timestamptz,
    published_by    name,
    deprecated_at      timestamptz,
    deprecated_by      name,
    sunset             date,
    deprecation_reason text,
    retired_at         timestamptz,
    retired_by         name,
    -- The document as registered, byte for byte, in its own format, beside the normalized
    -- descriptor (DECISIONS.md section 2): mesh_register sets both, and mesh_export gives a
    -- standard's document back from it. NULL when a row was written without one (a plain INSERT
    -- of a descriptor): the descriptor is then the document.
    document           text,
    document_format    text NOT NULL DEFAULT 'meshcat' CHECK (document_format IN ('meshcat', 'odcs', 'odps', 'dpds', 'dcs')),
    PRIMARY KEY (product_id, version),
    CONSTRAINT document_kept CHECK (document IS NOT NULL OR document_format OPERATOR(pg_catalog.=) 'meshcat'),
    -- The contract's columns say what the descriptor says, whoever writes the row, and the
    -- descriptor names this product and its domain (or leaves them out).
    CONSTRAINT contract_columns_follow_descriptor CHECK (classification OPERATOR(pg_catalog.=)
               COALESCE(descriptor OPERATOR(pg_catalog.->>) 'classification', 'internal')::@extschema@.classification
           AND retention IS NOT DISTINCT FROM (descriptor OPERATOR(pg_catalog.->>) 'retention')::interval
           AND sla OPERATOR(pg_catalog.=) COALESCE(descriptor OPERATOR(pg_catalog.->) 'sla', '{}')
           AND quality OPERATOR(pg_catalog.=) COALESCE(descriptor OPERATOR(pg_catalog.->) 'quality', '{}')),
    -- So do the metadata columns (they may change, with the descriptor).
    CONSTRAINT metadata_columns_follow_descriptor CHECK (name OPERATOR(pg_catalog.=) (descriptor OPERATOR(pg_catalog.->>) 'name')
           AND description IS NOT DISTINCT FROM (descriptor OPERATOR(pg_catalog.->>) 'description')
           AND documentation IS NOT DISTINCT FROM (descriptor OPERATOR(pg_catalog.->>) 'documentation')),
    CONSTRAINT descriptor_names_product CHECK (COALESCE(descriptor OPERATOR(pg_catalog.->>) 'id', product_id) OPERATOR(pg_catalog.=) product_id
           AND COALESCE(descriptor OPERATOR(pg_catalog.->>) 'domain', pg_catalog.split_part(product_id, '.', 1))
               OPERATOR(pg_catalog.=) pg_catalog.split_part(product_id, '.', 1))
);
COMMENT ON TABLE @extschema@.product_version IS
    'Versions of data products: the descriptor (the contract and the metadata), its lifecycle, who and when.';
COMMENT ON COLUMN @extschema@.product_version.document IS
    'The document the version was registered from, byte for byte (NULL: a row inserted with a descriptor only, which is then its document).';
COMMENT ON COLUMN @extschema@.product_version.document_format IS
    'The format of document: meshcat, odcs (an ODCS data contract), odps (an ODPS data product), dpds (a DPDS descriptor) or dcs (a Data Contract Specification contract); docs/standards.md.';
CREATE SEQUENCE @extschema@.product_version_id_seq OWNED BY @extschema@.product_version.id;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.product_version', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.product_version_id_seq', '');

CREATE TABLE meshcat_internal.owner (
    version_id  bigint NOT NULL,
    kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_-]*$'),
    principal   text NOT NULL CHECK (principal <> ''),
    PRIMARY KEY (version_id, kind, principal)
);
COMMENT ON TABLE meshcat_internal.owner IS
    'Who owns a product version, by kind: technical, business, steward, on-call, channel, ...';

CREATE TABLE meshcat_internal.tag (
    version_id  bigint NOT NULL,
    tag         text NOT NULL CHECK (tag <> ''),
    PRIMARY KEY (version_id, tag)
);
CREATE INDEX ON meshcat_internal.tag (tag);
COMMENT ON TABLE meshcat_internal.tag IS 'Free-form tags of a product version, for discovery.';

-- An input is either another product (through a version range) or an external source.
CREATE TABLE meshcat_internal.input_port (
    id              bigserial PRIMARY KEY,
    version_id      bigint NOT NULL,
    position        int NOT NULL,
    name            text,
    product_id      text REFERENCES @extschema@.product (id),
    version_range   text,
    source          text,
    description     text,
    descriptor      jsonb NOT NULL,
    UNIQUE (version_id, position),
    CHECK ((product_id IS NULL) <> (source IS NULL)),
    CHECK (source <> ''),
    CHECK (version_range IS NULL OR product_id IS NOT NULL),
    CHECK (@extschema@.semver_range_valid(version_range))
);
CREATE INDEX ON meshcat_internal.input_port (product_id);
COMMENT ON TABLE meshcat_internal.input_port IS
    'What a product version consumes: a product and a version range, or an external source.';

CREATE TABLE meshcat_internal.output_port (
    id          bigserial PRIMARY KEY,
    version_id  bigint NOT NULL,
    position    int NOT NULL,
    name        @extschema@.mesh_name NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('table', 'view', 'file', 'stream', 'api')),
    location    text,
    description text,
    descriptor  jsonb NOT NULL,
    UNIQUE (version_id, name),
    UNIQUE (version_id, position)
);
-- OpenLineage datasets are matched to products by location (50_derivation).
CREATE INDEX ON meshcat_internal.output_port (location);
COMMENT ON TABLE meshcat_internal.output_port IS
    'What a product version serves: tables, views, files, streams or APIs, with their schema.';

CREATE TABLE meshcat_internal.field (
    id              bigserial PRIMARY KEY,
    port_id         bigint NOT NULL,
    position        int NOT NULL,
    name            text NOT NULL CHECK (name <> ''),
    type            text NOT NULL,
    required        boolean NOT NULL DEFAULT false,
    is_unique       boolean NOT NULL DEFAULT false,
    primary_key     boolean NOT NULL DEFAULT false,
    pii             boolean NOT NULL DEFAULT false,
    classification  @extschema@.classification,
    description     text,
    glossary        text[] NOT NULL DEFAULT '{}',
    derived_from    text[] NOT NULL DEFAULT '{}',
    descriptor      jsonb NOT NULL,
    UNIQUE (port_id, name),
    UNIQUE (port_id, position)
);
COMMENT ON TABLE meshcat_internal.field IS
    'The schema contract of an output port, one row per field; derived_from is column lineage.';

-- Search postings (docs/discovery.md): one row per word of a product's current version, with
-- the best weight the word has there (4 id and name, 3 tags and glossary terms, 2 description,
-- 1 outputs and fields) and where it is (matched). usage (subscriptions and consumers) orders
-- equals. Words and product ids are in byte order (COLLATE "C"): prefix scans use the index and
-- the tie-break does not depend on the database's collation.
CREATE TABLE meshcat_internal.search_posting (
    word        text COLLATE "C" NOT NULL,
    weight      smallint NOT NULL CHECK (weight BETWEEN 1 AND 4),
    usage       int NOT NULL DEFAULT 0,
    product_id  text COLLATE "C" NOT NULL,
    version_id  bigint NOT NULL,
    matched     text NOT NULL,
    PRIMARY KEY (product_id, word)
);
CREATE INDEX search_posting_rank ON meshcat_internal.search_posting (word, weight DESC, usage DESC, product_id);
COMMENT ON TABLE meshcat_internal.search_posting IS
    'Search postings: each word of each product''s current version, its best weight there, where it matched, and the product''s usage.';

-- The vocabulary: every word of the postings and how many products have it (0: none any more;
-- kept, so that concurrent registrations never race on deleting and re-adding a word). The
-- trigram index that finds typos is the search fragment's own (80_search).
CREATE TABLE meshcat_internal.search_word (
    word        text COLLATE "C" PRIMARY KEY,
    products    int NOT NULL
);
COMMENT ON TABLE meshcat_internal.search_word IS
    'The search vocabulary: every word of the postings and how many products have it.';

-- The products whose postings a transaction in flight has to derive again (version_id: the
-- version written) or whose usage changed (version_id NULL). The transaction derives them when
-- it commits (50_derivation: flush_search), each product locked in id order and the
-- vocabulary's counts in one upsert in word order: no search row is locked while a
-- registration runs, so registrations of one product's versions and of products sharing words
-- never wait on each other's search rows before they commit, and never deadlock on them.
-- Unlogged: its rows only ever matter to a transaction in flight.
CREATE UNLOGGED TABLE meshcat_internal.search_pending (
    xid         xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    product_id  text NOT NULL,
    version_id  bigint,
    -- the transaction's first pending row: its deferred trigger alone flushes them all
    flushes     boolean NOT NULL DEFAULT false
);
CREATE INDEX ON meshcat_internal.search_pending (xid);
COMMENT ON TABLE meshcat_internal.search_pending IS
    'Products whose search postings (or usage) transactions in flight derive again when they commit.';

-- The roles mesh_setup_roles() created or a superuser adopted, by OID: PostgreSQL does not
-- record who created a role, so a role merely named meshcat_admin grants nothing.
CREATE TABLE meshcat_internal.setup_role (
    purpose     text PRIMARY KEY CHECK (purpose IN ('reader', 'steward', 'admin')),
    role_oid    oid NOT NULL UNIQUE,
    role_name   name NOT NULL UNIQUE,
    adopted     boolean NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_by name NOT NULL DEFAULT @extschema@.mesh_acting_role()
);
COMMENT ON TABLE meshcat_internal.setup_role IS
    'meshcat''s own roles (reader, steward, admin) by OID, as mesh_setup_roles() created or adopted them.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.setup_role', '');

-- The audit trail: one entry per document written, by the audit triggers of 55_rules; no role
-- may rewrite it.
CREATE TABLE meshcat_internal.audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    txid        xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    session_role name NOT NULL DEFAULT SESSION_USER,
    acting_role name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    table_name  text NOT NULL,
    operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
    old_row     jsonb,
    new_row     jsonb
);
CREATE INDEX ON meshcat_internal.audit (table_name, at);
COMMENT ON TABLE meshcat_internal.audit IS
    'Append-only trail of every change to the catalog: who, when, which transaction, before and after.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.audit', '');
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.audit_id_seq', '');

CREATE TABLE @extschema@.policy (
    name            @extschema@.mesh_name PRIMARY KEY,
    description     text,
    domain          text REFERENCES @extschema@.domain (name),
    enforcement     @extschema@.enforcement NOT NULL,
    rule            text,
    rule_path       jsonpath,
    check_function  text,
    -- What an administrator approved when naming the function (policy_call.c re-checks it at
    -- every evaluation): its OID (not regprocedure, which stops pg_upgrade; the signature above
    -- finds it after a restore), the approving role's OID, and whether it was SECURITY DEFINER
    -- and who owned it then.
    check_function_oid    oid,
    check_function_author oid,
    check_function_secdef boolean,
    check_function_owner  oid,
    message         text NOT NULL CHECK (message <> ''),
    revision        int NOT NULL DEFAULT 1,
    descriptor      jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    updated_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK ((rule IS NULL) <> (check_function IS NULL))
);
CREATE INDEX ON @extschema@.policy (domain);
COMMENT ON TABLE @extschema@.policy IS
    'Governance policies: global (domain is NULL) or of one domain and its subdomains; a rule or a checking function.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.policy', '');

-- Append-only results: one row per evaluation of a version, holding every policy it judged
-- (one row per policy cost a row a policy a registration: with 100 policies, most of what
-- governance cost). No foreign key to the version: only record_evaluations writes rows, for a
-- version it has just read, and a withdrawn draft's go with it (underive_version,
-- 50_derivation).
CREATE TABLE meshcat_internal.evaluation_run (
    id                bigserial PRIMARY KEY,
    version_id        bigint NOT NULL,
    cause             text NOT NULL CHECK (cause IN ('register', 'publish', 'policy', 'check', 'certification')),
    evaluated_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    evaluated_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    -- the policies judged, and for each (same position) its revision, result and error
    policy_names      text[] NOT NULL,
    policy_revisions  int[] NOT NULL,
    passed            boolean[] NOT NULL,
    -- (the arrays have one element a policy; no CHECK says so: record_evaluations alone writes
    -- them, with one aggregate, and checking them took an eighth of evaluating two policies)
    errors            text[] NOT NULL
);
CREATE INDEX ON meshcat_internal.evaluation_run (version_id, id);
COMMENT ON TABLE meshcat_internal.evaluation_run IS
    'Every evaluation of a version: why it ran, when and for whom, and each policy it judged with its revision, result and error.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.evaluation_run', '');
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.evaluation_run_id_seq', '');

-- The same results one row per policy, as readers want them (id is the run's).
CREATE VIEW meshcat_internal.evaluation WITH (security_invoker) AS
SELECT r.id, r.version_id, u.policy_name, u.policy_revision, u.passed, u.error, r.cause,
       r.evaluated_at, r.evaluated_by
  FROM meshcat_internal.evaluation_run AS r,
       ROWS FROM (pg_catalog.unnest(r.policy_names), pg_catalog.unnest(r.policy_revisions),
                  pg_catalog.unnest(r.passed), pg_catalog.unnest(r.errors))
           AS u(policy_name, policy_revision, passed, error);
COMMENT ON VIEW meshcat_internal.evaluation IS
    'Every policy evaluation, one row per policy judged: which version, which policy and revision, passed or not, why it ran (id: its evaluation_run), when and for whom.';

-- Its id, like a version's, is the server's (assign_id, 55_rules).
CREATE TABLE @extschema@.exemption (
    id              bigint PRIMARY KEY,
    product_id      text NOT NULL REFERENCES @extschema@.product (id),
    policy_name     text NOT NULL,
    reason          text NOT NULL CHECK (pg_catalog.btrim(reason) <> ''),
    status          text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'granted', 'rejected', 'revoked')),
    expires_at      timestamptz NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    requested_by    name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    decided_at      timestamptz,
    decided_by      name,
    decision_note   text
);
CREATE INDEX ON @extschema@.exemption (product_id, policy_name);
COMMENT ON TABLE @extschema@.exemption IS
    'Exemptions from a policy for a product: requested by its domain''s owners, granted by a governance administrator, until they expire.';
CREATE SEQUENCE @extschema@.exemption_id_seq OWNED BY @extschema@.exemption.id;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.exemption', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.exemption_id_seq', '');

-- The business glossary (docs/glossary.md): one term per name, mesh-wide (products and fields
-- name terms by name alone), owned by a domain whose owners write it. synonyms and related say
-- what the term's document says; related names other terms (checked, 55_rules).
CREATE TABLE @extschema@.glossary_term (
    -- the schema's pattern for a term ($defs.term), as an E'' string: a plain one would warn
    -- when standard_conforming_strings is off, before 00_schema refuses that (install_schema)
    name        text PRIMARY KEY CHECK (name ~ E'^\\S([^\\n\\r\\t]{0,198}\\S)?$'),
    domain      text NOT NULL REFERENCES @extschema@.domain (name),
    definition  text NOT NULL CHECK (pg_catalog.btrim(definition) <> ''),
    synonyms    text[] NOT NULL DEFAULT '{}',
    related     text[] NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'deprecated')),
    descriptor  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by  name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    updated_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_by  name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK (NOT name = ANY (related))
);
CREATE INDEX ON @extschema@.glossary_term (domain);
COMMENT ON TABLE @extschema@.glossary_term IS
    'Business glossary terms: a definition, synonyms and related terms, owned by a domain; products and fields name them.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.glossary_term', '');

-- Certification (a trust signal, DECISIONS.md section 8): an administrator's judgement of one
-- product version, metadata beside the contract (no new version), audited. At most one level
-- per version; withdrawing it deletes the row (the audit trail keeps it). A version's removal
-- (a withdrawn draft) takes its certification with it.
CREATE TABLE @extschema@.certification (
    product_id   text NOT NULL,
    version      @extschema@.semver NOT NULL,
    level        text NOT NULL CHECK (level IN ('bronze', 'silver', 'gold')),
    note         text,
    certified_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    certified_by name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    PRIMARY KEY (product_id, version),
    FOREIGN KEY (product_id, version) REFERENCES @extschema@.product_version (product_id, version) ON DELETE CASCADE
);
COMMENT ON TABLE @extschema@.certification IS
    'Certification of product versions (bronze < silver < gold) by governance administrators: who, when, why.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.certification', '');

-- Publications and policy changes take turns on this one row, so that a version is never
-- published against a set of policies that misses a concurrent policy change, while that
-- change's re-evaluation misses the new version (write skew). A publication takes a share
-- lock (publications do not wait for each other); a policy change updates the row, so it waits
-- for the publications in flight and holds back new ones until it commits. Under READ
-- COMMITTED the second one then sees the first; under REPEATABLE READ a waiting publication
-- fails with 40001, and a policy change is refused (its re-evaluation would run on a snapshot
-- taken before the publications it waited for). test/isolation/specs/policy_publication.spec.
CREATE TABLE meshcat_internal.governance_clock (
    only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    policy_changes  bigint NOT NULL DEFAULT 0
);
INSERT INTO meshcat_internal.governance_clock DEFAULT VALUES;
COMMENT ON TABLE meshcat_internal.governance_clock IS
    'One row: publications share-lock it, policy changes update it, so the two take turns.';

-- Events: every event is a row here, written through emit_event(); NOTIFY meshcat carries only
-- what any reader may see (kind, product, version, the row's id), since any role that can
-- connect may LISTEN, and nobody can tell who sent a NOTIFY. Readers SELECT the rest.
CREATE TABLE meshcat_internal.event (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z_]*$'),
    product_id  text,
    version     @extschema@.semver,
    payload     jsonb NOT NULL DEFAULT '{}',
    txid        xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    acting_role name NOT NULL DEFAULT @extschema@.mesh_acting_role()
);
CREATE INDEX ON meshcat_internal.event (at);
CREATE INDEX ON meshcat_internal.event (product_id, id);
COMMENT ON TABLE meshcat_internal.event IS
    'Every catalog event (published, deprecated, retired, violation, ...): what NOTIFY meshcat announces, in full; pruned after meshcat.event_retention.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.event', '');
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.event_id_seq', '');

-- One row per input port of a version that is not retired (port_id: its input_port).
CREATE TABLE meshcat_internal.lineage_edge (
    port_id         bigint PRIMARY KEY,
    upstream        text NOT NULL,
    downstream      text NOT NULL,
    version_id      bigint NOT NULL,
    version_range   text
);
CREATE INDEX lineage_edge_forward ON meshcat_internal.lineage_edge (upstream, downstream);
CREATE INDEX lineage_edge_backward ON meshcat_internal.lineage_edge (downstream, upstream);
CREATE INDEX lineage_edge_version ON meshcat_internal.lineage_edge (version_id);
COMMENT ON TABLE meshcat_internal.lineage_edge IS
    'Product lineage: one edge per input port of a non-retired version (upstream product or "source:<name>" to the consuming product). Derived from the descriptors (50_derivation); see mesh_lineage.';

-- One row per element of derived_from of a field of a version that is not retired.
CREATE TABLE meshcat_internal.lineage_field_edge (
    field_id        bigint NOT NULL,
    upstream        text NOT NULL,
    downstream      text NOT NULL,
    version_id      bigint NOT NULL,
    PRIMARY KEY (field_id, upstream)
);
CREATE INDEX lineage_field_edge_forward ON meshcat_internal.lineage_field_edge (upstream, downstream);
CREATE INDEX lineage_field_edge_backward ON meshcat_internal.lineage_field_edge (downstream, upstream);
CREATE INDEX lineage_field_edge_version ON meshcat_internal.lineage_field_edge (version_id);
COMMENT ON TABLE meshcat_internal.lineage_field_edge IS
    'Column lineage: one edge per derived_from entry of a field of a non-retired version. Derived from the descriptors (50_derivation).';

-- The edges are derived data: pg_dump does not keep them; 50_derivation derives them with the rest
-- of a version (or mesh_rebuild() does, after a load without triggers).

-- Every transaction that adds a product edge updates this one row first. The row lock makes such
-- transactions take turns, so two of them cannot each add half of a cycle (write skew); under
-- REPEATABLE READ or SERIALIZABLE, the second one fails with 40001 instead of checking against a
-- snapshot that misses the first one's edges.
CREATE TABLE meshcat_internal.lineage_clock (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    changes     bigint NOT NULL DEFAULT 0
);
INSERT INTO meshcat_internal.lineage_clock DEFAULT VALUES;
COMMENT ON TABLE meshcat_internal.lineage_clock IS
    'One row, updated by every transaction that adds product lineage: serializes cycle checks.';

-- OpenLineage events (spec 2-0-2), as ingested by mesh_ingest_openlineage (74_openlineage): the
-- documents observed lineage is derived from (DECISIONS.md section 3). The natural key is the
-- event itself: the SHA-256 of its jsonb text (jsonb orders keys, so the same event sent twice,
-- with any spacing or key order, is one row). An event is about a subject: a RunEvent or a
-- JobEvent about its job, a DatasetEvent about its dataset, each named "<namespace>/<name>"
-- (openlineage_dataset_key, 50_derivation). Which events are current is decided in
-- 50_derivation; the others are kept until meshcat.openlineage_retention.
CREATE TABLE meshcat_internal.openlineage_event (
    event_hash  text PRIMARY KEY CHECK (event_hash ~ '^[0-9a-f]{64}$'),
    event_kind  text NOT NULL CHECK (event_kind IN ('RunEvent', 'DatasetEvent', 'JobEvent')),
    event_type  text CHECK (event_type IN ('START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER')),
    event_time  timestamptz NOT NULL,
    subject     text NOT NULL CHECK (subject <> ''),
    run_id      text,
    event       jsonb NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    ingested_by name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK ((run_id IS NOT NULL) = (event_kind OPERATOR(pg_catalog.=) 'RunEvent'))
);
CREATE INDEX openlineage_event_subject ON meshcat_internal.openlineage_event (event_kind, subject, event_time);
COMMENT ON TABLE meshcat_internal.openlineage_event IS
    'Ingested OpenLineage events (RunEvent, JobEvent, DatasetEvent), whole: the documents observed lineage is derived from; pruned after meshcat.openlineage_retention once superseded.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.openlineage_event', '');

-- Observed product lineage: one row per pair of datasets an event group says data flowed
-- between (subject: the group, see openlineage_event), with the node keys the datasets resolve
-- to (a product id, or "source:<namespace>/<name>"), and, for a dataset of a PostgreSQL
-- namespace in this database, the location a table or view port would have (the *_local
-- columns). Derived from the current events by 50_derivation; walked with lineage_edge by the
-- C walk (src/lineage.c).
CREATE TABLE meshcat_internal.lineage_observed_edge (
    event_kind          text NOT NULL,
    subject             text NOT NULL,
    upstream_dataset    text NOT NULL,
    downstream_dataset  text NOT NULL,
    upstream            text NOT NULL,
    downstream          text NOT NULL,
    observed_at         timestamptz NOT NULL,
    upstream_local      text,
    downstream_local    text,
    PRIMARY KEY (event_kind, subject, upstream_dataset, downstream_dataset)
);
CREATE INDEX lineage_observed_edge_forward ON meshcat_internal.lineage_observed_edge (upstream, downstream);
CREATE INDEX lineage_observed_edge_backward ON meshcat_internal.lineage_observed_edge (downstream, upstream);
CREATE INDEX lineage_observed_edge_up_dataset ON meshcat_internal.lineage_observed_edge (upstream_dataset);
CREATE INDEX lineage_observed_edge_down_dataset ON meshcat_internal.lineage_observed_edge (downstream_dataset);
CREATE INDEX lineage_observed_edge_up_local ON meshcat_internal.lineage_observed_edge (upstream_local);
CREATE INDEX lineage_observed_edge_down_local ON meshcat_internal.lineage_observed_edge (downstream_local);
COMMENT ON TABLE meshcat_internal.lineage_observed_edge IS
    'Observed product lineage: one edge per pair of datasets the current OpenLineage events of a job or dataset connect, resolved to products by output port location. Derived from openlineage_event (50_derivation).';

-- Observed column lineage: one row per pair of fields (columnLineage and LineageFacet field
-- entries), with the field references they resolve to ("<product>.<output>.<field>", or
-- "source:<namespace>/<name>.<field>").
CREATE TABLE meshcat_internal.lineage_observed_field_edge (
    event_kind          text NOT NULL,
    subject             text NOT NULL,
    upstream_dataset    text NOT NULL,
    upstream_field      text NOT NULL,
    downstream_dataset  text NOT NULL,
    downstream_field    text NOT NULL,
    upstream            text NOT NULL,
    downstream          text NOT NULL,
    observed_at         timestamptz NOT NULL,
    upstream_local      text,
    downstream_local    text,
    PRIMARY KEY (event_kind, subject, upstream_dataset, upstream_field, downstream_dataset, downstream_field)
);
CREATE INDEX lineage_observed_field_edge_forward ON meshcat_internal.lineage_observed_field_edge (upstream, downstream);
CREATE INDEX lineage_observed_field_edge_backward ON meshcat_internal.lineage_observed_field_edge (downstream, upstream);
CREATE INDEX lineage_observed_field_edge_up_dataset ON meshcat_internal.lineage_observed_field_edge (upstream_dataset);
CREATE INDEX lineage_observed_field_edge_down_dataset ON meshcat_internal.lineage_observed_field_edge (downstream_dataset);
CREATE INDEX lineage_observed_field_edge_up_local ON meshcat_internal.lineage_observed_field_edge (upstream_local);
CREATE INDEX lineage_observed_field_edge_down_local ON meshcat_internal.lineage_observed_field_edge (downstream_local);
COMMENT ON TABLE meshcat_internal.lineage_observed_field_edge IS
    'Observed column lineage: one edge per pair of fields the current OpenLineage events connect (columnLineage, LineageFacet). Derived from openlineage_event (50_derivation).';

-- Output ports bound to relations of this database (DECISIONS.md section 4; 76_contracts). A
-- binding is not part of the descriptor (the contract says where the data is, not which
-- object it is): it is a document of its own, kept by pg_dump and untouched by mesh_rebuild,
-- one row per port of a version, by the relation's OID, so that a rename is followed. Its
-- qualified name follows renames too (follow_relation_renames), because OIDs do not survive a
-- restore: a restored row finds its relation again by that name (restore_binding). A dropped
-- relation keeps its row, with no OID: that is drift. A withdrawn draft's rows go with it
-- (unbind_version, 76_binding): no foreign key, so that a restore may load the tables in any
-- order and maintenance may truncate the versions as before.
CREATE TABLE meshcat_internal.port_binding (
    product_id    text NOT NULL,
    version       @extschema@.semver NOT NULL,
    port          @extschema@.mesh_name NOT NULL,
    location      text NOT NULL,
    relation_oid  oid,
    relation_name text NOT NULL CHECK (relation_name <> ''),
    origin        text NOT NULL CHECK (origin IN ('registered', 'adopted', 'provisioned')),
    bound_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    bound_by      name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    dropped_at    timestamptz,
    PRIMARY KEY (product_id, version, port),
    CHECK ((relation_oid IS NULL) = (dropped_at IS NOT NULL))
);
CREATE INDEX ON meshcat_internal.port_binding (relation_oid);
COMMENT ON TABLE meshcat_internal.port_binding IS
    'Output ports bound to relations of this database: by OID (renames followed), with the qualified name a restore finds them by; no OID: the relation was dropped.';
COMMENT ON COLUMN meshcat_internal.port_binding.origin IS
    'How the port was bound: registered (its location named a relation the writer owns), adopted (mesh_adopt), provisioned (mesh_provision created it).';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.port_binding', '');

-- Every transaction that binds a port updates this one row first (76_binding), so binders take
-- turns: under READ COMMITTED the second then sees the first's binding, and under REPEATABLE
-- READ or SERIALIZABLE it fails with 40001 instead of binding a relation that another product
-- took after its snapshot (a relation backs one product's ports).
CREATE TABLE meshcat_internal.binding_clock (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    changes     bigint NOT NULL DEFAULT 0
);
INSERT INTO meshcat_internal.binding_clock DEFAULT VALUES;
COMMENT ON TABLE meshcat_internal.binding_clock IS
    'One row, updated by every transaction that binds a port to a relation: binders take turns.';

-- Every quality check result (82_quality): run by mesh_run_checks, or recorded from elsewhere
-- by mesh_record_metric, and every evaluation of a service level objective (slo: check_name is
-- the objective's name); the history, pruned after meshcat.check_retention (the latest of each
-- is kept). port is NULL for a recorded metric that no check of the version names.
CREATE TABLE meshcat_internal.check_result (
    id          bigserial PRIMARY KEY,
    product_id  text NOT NULL,
    version     @extschema@.semver NOT NULL,
    port        text,
    check_name  text NOT NULL,
    field       text,
    metric      text NOT NULL,
    dimension   text,
    severity    text CHECK (severity IN ('error', 'warning', 'info')),
    value       numeric,
    threshold   text,
    passed      boolean,
    error       text,
    sqlstate    text,
    origin      text NOT NULL CHECK (origin IN ('run', 'recorded')),
    slo         boolean NOT NULL DEFAULT false,
    measured_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_by name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    CHECK (error IS NULL OR passed IS FALSE)
);
CREATE INDEX check_result_latest ON meshcat_internal.check_result (product_id, version, slo, check_name, port, measured_at DESC, id DESC);
CREATE INDEX ON meshcat_internal.check_result (measured_at);
COMMENT ON TABLE meshcat_internal.check_result IS
    'Quality check results with their history: run in the database (mesh_run_checks) or recorded (mesh_record_metric); pruned after meshcat.check_retention, keeping the latest of each check. See mesh_check_results.';
COMMENT ON COLUMN meshcat_internal.check_result.passed IS
    'Whether the value meets the check''s threshold; false when the check erred, timed out or was refused (error says why); NULL for a recorded metric no check holds to a threshold.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.check_result', '');
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.check_result_id_seq', '');

-- Access requests (83_access, docs/access.md): a consumer role asks for an output port of a
-- product (for itself, or on behalf of one of its products), an owner of the product's domain
-- decides, and an approval of a bound port is a real GRANT, recorded in access_grant. Written
-- only by meshcat's access functions; every change is audited (55_rules' audit_row, added by
-- 83_access) and is an event.
CREATE TABLE meshcat_internal.access_request (
    id              bigserial PRIMARY KEY,
    product_id      text NOT NULL REFERENCES @extschema@.product (id),
    port            @extschema@.mesh_name NOT NULL,
    consumer        regrole NOT NULL,
    purpose         text NOT NULL CHECK (pg_catalog.btrim(purpose) <> ''),
    version_range   text CHECK (@extschema@.semver_range_valid(version_range)),
    until           date,
    for_product     text REFERENCES @extschema@.product (id),
    columns         text[] CHECK (pg_catalog.cardinality(columns) OPERATOR(pg_catalog.>) 0),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'denied', 'revoked', 'expired')),
    approval        text CHECK (approval IN ('human', 'auto')),
    requested_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    requested_by    name NOT NULL DEFAULT @extschema@.mesh_acting_role(),
    decided_at      timestamptz,
    decided_by      name,
    decision_note   text,
    relation        regclass,
    ended_at        timestamptz,
    ended_by        name,
    end_reason      text,
    CHECK ((status OPERATOR(pg_catalog.=) 'pending') = (decided_at IS NULL)),
    CHECK ((status IN ('revoked', 'expired')) = (ended_at IS NOT NULL))
);
CREATE INDEX ON meshcat_internal.access_request (product_id, status);
CREATE INDEX ON meshcat_internal.access_request (consumer, status);
COMMENT ON TABLE meshcat_internal.access_request IS
    'Access requests: who (consumer) asks for which output port of which product, why, until when; pending, approved, denied, revoked or expired, with who decided.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.access_request', '');
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.access_request_id_seq', '');

-- The grants ledger: exactly which privileges each approval gave (DECISIONS.md section 8), one
-- row per privilege: SELECT on the relation (object_kind table), SELECT on one column (column),
-- USAGE on the relation's schema (schema). grantor is the role PostgreSQL recorded as granting
-- it; held_before: the consumer already held it directly, so the approval gave nothing and its
-- end takes nothing. Revocation and expiry revoke the rows nobody else's active approval needs.
CREATE TABLE meshcat_internal.access_grant (
    id              bigserial PRIMARY KEY,
    request_id      bigint NOT NULL REFERENCES meshcat_internal.access_request (id),
    object_kind     text NOT NULL CHECK (object_kind IN ('table', 'column', 'schema')),
    relation        regclass NOT NULL,
    schema_name     name NOT NULL,
    column_name     name,
    privilege       text NOT NULL CHECK (privilege IN ('SELECT', 'USAGE')),
    grantee         regrole NOT NULL,
    grantor         regrole NOT NULL,
    held_before     boolean NOT NULL,
    granted_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    revoked_at      timestamptz,
    CHECK ((column_name IS NOT NULL) = (object_kind OPERATOR(pg_catalog.=) 'column')),
    CHECK ((privilege OPERATOR(pg_catalog.=) 'USAGE') = (object_kind OPERATOR(pg_catalog.=) 'schema'))
);
CREATE INDEX ON meshcat_internal.access_grant (request_id);
CREATE INDEX ON meshcat_internal.access_grant (relation, grantee);
COMMENT ON TABLE meshcat_internal.access_grant IS
    'The grants ledger: every privilege an access approval gave (table or column SELECT, schema USAGE), by whom, and when it was revoked.';
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.access_grant', '');
SELECT pg_catalog.pg_extension_config_dump('meshcat_internal.access_grant_id_seq', '');

-- Every transaction that approves, revokes or expires access updates this one row first
-- (83_access): deciders take turns, so a revocation never misses a concurrent approval that
-- needs the same privilege (write skew), and under REPEATABLE READ the second fails with 40001.
CREATE TABLE meshcat_internal.access_clock (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    changes     bigint NOT NULL DEFAULT 0
);
INSERT INTO meshcat_internal.access_clock DEFAULT VALUES;
COMMENT ON TABLE meshcat_internal.access_clock IS
    'One row, updated by every transaction that approves, revokes or expires access: deciders take turns.';
