-- 30_catalog: the catalog's tables. Documents (domain, product, product_version, and policy and
-- exemption in 65_governance) hold the truth: a version's descriptor is its contract. The part
-- tables (owner, tag, input_port, output_port, field) and the lineage edges are derived from the
-- descriptors by 75_derive, and no role may write them. Every column that readers parse (ids,
-- ranges, references, intervals) is checked here, by the table, so a plain INSERT cannot store
-- what mesh_register would refuse. Document tables have natural primary keys; surrogate ids
-- (product_version.id) only join the derived rows, so a hub can subscribe to many domains.
-- Derived rows have no foreign keys to the version or port they belong to: only the
-- derivation writes them, whole, and removes them with their version (a foreign key would
-- only add a check per row); an input's product is a reference to a document, and keeps one.

CREATE TYPE @extschema@.classification AS ENUM ('public', 'internal', 'confidential', 'restricted');
COMMENT ON TYPE @extschema@.classification IS
    'How sensitive data is, ordered: public < internal < confidential < restricted.';

CREATE TYPE @extschema@.lifecycle_status AS ENUM ('draft', 'published', 'deprecated', 'retired');
COMMENT ON TYPE @extschema@.lifecycle_status IS
    'Where a product version is in its life, ordered: draft < published < deprecated < retired.';

-- Names of domains and products: letters, digits, "_" and "-", starting with a letter.
-- A product id is "<domain>.<name>", so neither part may contain a dot.
CREATE DOMAIN @extschema@.mesh_name AS text
    CHECK (VALUE ~ '^[A-Za-z][A-Za-z0-9_-]{0,62}$');
COMMENT ON DOMAIN @extschema@.mesh_name IS
    'A domain or product name: a letter, then up to 62 letters, digits, "_" or "-".';

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

CREATE TABLE @extschema@.product_version (
    id              bigserial NOT NULL UNIQUE,
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
    PRIMARY KEY (product_id, version),
    -- The contract's columns say what the descriptor says, whoever writes the row, and the
    -- descriptor names this product and its domain (or leaves them out).
    CONSTRAINT contract_columns_follow_descriptor CHECK (classification OPERATOR(pg_catalog.=)
               COALESCE(descriptor OPERATOR(pg_catalog.->>) 'classification', 'internal')::@extschema@.classification
           AND retention IS NOT DISTINCT FROM (descriptor OPERATOR(pg_catalog.->>) 'retention')::interval
           AND sla OPERATOR(pg_catalog.=) COALESCE(descriptor OPERATOR(pg_catalog.->) 'sla', '{}')
           AND quality OPERATOR(pg_catalog.=) COALESCE(descriptor OPERATOR(pg_catalog.->) 'quality', '{}')),
    CONSTRAINT descriptor_names_product CHECK (COALESCE(descriptor OPERATOR(pg_catalog.->>) 'id', product_id) OPERATOR(pg_catalog.=) product_id
           AND COALESCE(descriptor OPERATOR(pg_catalog.->>) 'domain', pg_catalog.split_part(product_id, '.', 1))
               OPERATOR(pg_catalog.=) pg_catalog.split_part(product_id, '.', 1))
);
COMMENT ON TABLE @extschema@.product_version IS
    'Versions of data products: the descriptor (the contract and the metadata), its lifecycle, who and when.';

CREATE TABLE @extschema@.owner (
    version_id  bigint NOT NULL,
    kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_-]*$'),
    principal   text NOT NULL CHECK (principal <> ''),
    PRIMARY KEY (version_id, kind, principal)
);
COMMENT ON TABLE @extschema@.owner IS
    'Who owns a product version, by kind: technical, business, steward, on-call, channel, ...';

CREATE TABLE @extschema@.tag (
    version_id  bigint NOT NULL,
    tag         text NOT NULL CHECK (tag <> ''),
    PRIMARY KEY (version_id, tag)
);
CREATE INDEX ON @extschema@.tag (tag);
COMMENT ON TABLE @extschema@.tag IS 'Free-form tags of a product version, for discovery.';

-- An input is either another product (through a version range) or an external source.
CREATE TABLE @extschema@.input_port (
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
CREATE INDEX ON @extschema@.input_port (product_id);
COMMENT ON TABLE @extschema@.input_port IS
    'What a product version consumes: a product and a version range, or an external source.';

CREATE TABLE @extschema@.output_port (
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
COMMENT ON TABLE @extschema@.output_port IS
    'What a product version serves: tables, views, files, streams or APIs, with their schema.';

CREATE TABLE @extschema@.field (
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
COMMENT ON TABLE @extschema@.field IS
    'The schema contract of an output port, one row per field; derived_from is column lineage.';

-- The roles mesh_setup_roles() created or a superuser adopted, by OID: PostgreSQL does not
-- record who created a role, so a role merely named meshcat_admin grants nothing.
CREATE TABLE @extschema@.setup_role (
    purpose     text PRIMARY KEY CHECK (purpose IN ('reader', 'steward', 'admin')),
    role_oid    oid NOT NULL UNIQUE,
    role_name   name NOT NULL UNIQUE,
    adopted     boolean NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_by name NOT NULL DEFAULT @extschema@.mesh_acting_role()
);
COMMENT ON TABLE @extschema@.setup_role IS
    'meshcat''s own roles (reader, steward, admin) by OID, as mesh_setup_roles() created or adopted them.';

-- pg_dump keeps the rows of extension tables only when asked to: the documents. Derived rows
-- are not dumped; restoring a version derives them again (75_derive).
SELECT pg_catalog.pg_extension_config_dump('@extschema@.domain', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.product', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.product_version', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.product_version_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.setup_role', '');
