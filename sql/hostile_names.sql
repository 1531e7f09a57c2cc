-- Hostile names: roles, owners, sources, fields, tags and locations with quotes, $, backslashes,
-- spaces, % and non-ASCII letters pass through every function that builds SQL, messages or
-- pictures (DOT, Mermaid) as data, never as code.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
SELECT count(*) FROM mesh_setup_roles();

CREATE ROLE "regress_O'Brien ""team"" $1 \ 100% ünï" NOLOGIN;
CREATE ROLE "regress_hn steward; DROP TABLE x --" NOLOGIN IN ROLE "regress_O'Brien ""team"" $1 \ 100% ünï", meshcat_steward;
CREATE ROLE regress_hn_other NOLOGIN IN ROLE meshcat_steward;
CREATE TABLE hostile_canary (n int);

SELECT kind, id, action FROM mesh_register($yaml$
apiVersion: meshcat/v1
kind: Domain
name: weird
owner: "regress_O'Brien \"team\" $1 \\ 100% ünï"
description: "quotes ' \" $$ and \\ back"
$yaml$);
SET ROLE "regress_hn steward; DROP TABLE x --";
SELECT kind, id, version, action FROM mesh_register($yaml$
apiVersion: meshcat/v1
kind: DataProduct
id: weird.up
name: "Up's \"name\" {braces} [brackets] <angle> | pipe"
version: 1.0.0
status: published
owners: {technical: "O'Brien \"eng\" $x \\ 50%", on-call: "#chan; --"}
tags: ["100%", "a'b", "back\\slash", "ünïcødé", "$tag"]
inputs:
  - source: "crm.\"accounts\"; DROP TABLE hostile_canary; --"
outputs:
  - name: out
    type: table
    location: "\"Odd Schema\".\"tab'le\""
    description: "semicolon; newline\nand tab\t"
    schema:
      - {name: "col \"1\"", type: text}
      - {name: "100% ünï", type: int}
      - {name: "back\\slash'quote", type: int}
$yaml$);
SELECT kind, id, version, action FROM mesh_register($yaml$
apiVersion: meshcat/v1
kind: DataProduct
id: weird.down
name: Down
version: 1.0.0
status: published
inputs: [{product: weird.up, version: ^1}]
outputs:
  - name: res
    type: view
    schema:
      - {name: "r'1", type: text, derived_from: ["weird.up.out.col \"1\""]}
      - {name: r2, type: int, derived_from: ["weird.up.out.100% ünï", "weird.up.out.back\\slash'quote"]}
$yaml$);
RESET ROLE;

-- Views and lineage give the names back as they were written.
SELECT owner_role FROM mesh_domains WHERE name = 'weird';
SELECT kind, principal FROM owner ORDER BY kind;
SELECT tag FROM tag ORDER BY tag;
SELECT product_id, port, name FROM mesh_fields ORDER BY product_id, position;
SELECT id, depth FROM mesh_upstream('weird.down') ORDER BY id;
SELECT * FROM mesh_column_lineage('weird.down', 'r2') ORDER BY 1;
SELECT id FROM mesh_search('ünïcødé') ORDER BY id;
SELECT id FROM mesh_search('100%') ORDER BY id;
-- Pictures quote every label: DOT and Mermaid stay well-formed.
SELECT mesh_lineage_dot('weird.down');
SELECT mesh_lineage_mermaid('weird.down');

-- Refusals name hostile roles quoted, in messages and in the HINT's SQL.
SET ROLE regress_hn_other;
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: weird.third, name: T, version: 0.1.0}');
RESET ROLE;

-- Nothing ran as code: the canary table is still there.
SELECT count(*) AS canary_rows FROM hostile_canary;

SET client_min_messages = warning;
DROP TABLE hostile_canary;
DROP EXTENSION meshcat CASCADE;
DROP OWNED BY "regress_hn steward; DROP TABLE x --", regress_hn_other, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE "regress_hn steward; DROP TABLE x --", regress_hn_other, "regress_O'Brien ""team"" $1 \ 100% ünï",
          meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
