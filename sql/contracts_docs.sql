-- docs/contracts.md: its ```sql blocks are the worked example, run here in order (roles get a
-- regress_ prefix), so every example in the page runs and its output is checked.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
\! awk '/^```sql$/ { on = 1; next } /^```/ { on = 0 } on' docs/contracts.md | sed -E 's/\b(finance_team|customer_team|alice|bob)\b/regress_\1/g' > results/contracts_docs_example.sql
\i results/contracts_docs_example.sql
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA billing_data CASCADE;
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM regress_finance_team', current_database()); END $$;
DROP OWNED BY regress_finance_team, regress_customer_team, regress_alice, regress_bob, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_alice, regress_bob, regress_finance_team, regress_customer_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
