-- The default policy pack ships with the extension (policies/default/*.yaml, spliced into the
-- install script) and one call registers it: mesh_install_policies(pack).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;

-- What is shipped is the files, in name order, as one stream.
\set files `for f in policies/default/*.yaml; do echo ---; cat "$f"; done`
SELECT pack, documents = (:'files' || E'\n') AS same_as_the_files FROM policy_packs() ORDER BY pack;

-- Administrators only: not executable by PUBLIC; granted to meshcat_admin by mesh_setup_roles().
SELECT count(*) > 0 AS roles_set_up FROM mesh_setup_roles();
CREATE ROLE regress_pack_admin NOLOGIN IN ROLE meshcat_admin;
CREATE ROLE regress_pack_steward NOLOGIN IN ROLE meshcat_steward;
CREATE ROLE regress_pack_nobody NOLOGIN;
SET ROLE regress_pack_nobody;
SELECT * FROM meshcat.mesh_install_policies();
\echo :SQLSTATE
SET ROLE regress_pack_steward;
SELECT * FROM mesh_install_policies();
\echo :SQLSTATE
RESET ROLE;
SELECT count(*) AS policies FROM policy;

-- An unknown pack names the shipped ones.
SET ROLE regress_pack_admin;
SELECT * FROM mesh_install_policies('strict');
\echo :SQLSTATE
SELECT * FROM mesh_install_policies(NULL);
\echo :SQLSTATE

-- Installed by an administrator, from a search_path without meshcat; again, it is unchanged.
SET search_path = public;
SELECT * FROM meshcat.mesh_install_policies() ORDER BY id;
SELECT * FROM meshcat.mesh_install_policies('default') ORDER BY id;
RESET ROLE;
SET search_path = meshcat, meshcat_internal, public;
SELECT name, scope, enforcement, revision, created_by FROM mesh_policies ORDER BY name;

-- The example mesh (make demo) passes every required policy of the pack: registered after the
-- pack, its published versions go through the gate, and none fails a required policy.
CREATE ROLE regress_commerce_council NOLOGIN;
CREATE ROLE regress_sales_team NOLOGIN;
CREATE ROLE regress_customer_team NOLOGIN;
CREATE ROLE regress_marketing_team NOLOGIN;
CREATE ROLE regress_finance_team NOLOGIN;
CREATE ROLE regress_logistics_team NOLOGIN;
\set mesh `for f in test/data/example_mesh/*.yaml; do echo ---; sed 's/^owner: /owner: regress_/' "$f"; done`
SET client_min_messages = error;
SELECT kind, action, count(*) FROM mesh_register(:'mesh') GROUP BY kind, action ORDER BY kind, action;
RESET client_min_messages;
SELECT enforcement, policy, outcome, count(*) FROM mesh_compliance
 GROUP BY enforcement, policy, outcome ORDER BY enforcement, policy, outcome;
SELECT product_id, version_text, policy FROM mesh_compliance
 WHERE enforcement = 'required' AND outcome <> 'pass' ORDER BY product_id, version_rank, policy;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_pack_admin, regress_pack_steward, regress_pack_nobody, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_pack_admin, regress_pack_steward, regress_pack_nobody,
    regress_commerce_council, regress_sales_team, regress_customer_team, regress_marketing_team,
    regress_finance_team, regress_logistics_team;
DROP ROLE meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
