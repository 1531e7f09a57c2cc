-- docs/governance.md: its ```sql blocks are the worked example, run here in order (roles get a
-- regress_ prefix), so every example in the page is registered and its output checked.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
\! awk '/^```sql$/ { on = 1; next } /^```/ { on = 0 } on' docs/governance.md | sed -E 's/\b(governance_council|sales_team|marketing_team|alice|bob|carol)\b/regress_\1/g' > results/governance_docs_example.sql
\i results/governance_docs_example.sql
RESET ROLE;
SELECT event_count FROM (SELECT count(*) AS event_count FROM mesh_audit WHERE table_name = 'policy') AS a;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_governance_council, regress_sales_team, regress_marketing_team, regress_alice, regress_bob, regress_carol,
    meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_alice, regress_bob, regress_carol, regress_governance_council, regress_sales_team, regress_marketing_team;
DROP ROLE meshcat_admin, meshcat_steward, meshcat_reader;
CREATE EXTENSION meshcat;
