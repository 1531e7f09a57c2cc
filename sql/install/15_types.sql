-- 15_types: the catalog's enumerated types (ordered) and the domain of names.
-- Uses: nothing but PostgreSQL's own types.

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

CREATE TYPE @extschema@.enforcement AS ENUM ('optional', 'recommended', 'required');
COMMENT ON TYPE @extschema@.enforcement IS
    'How a policy is enforced, ordered: optional (recorded) < recommended (warns) < required (blocks publication).';
