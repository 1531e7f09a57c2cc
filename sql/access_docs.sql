-- docs/access.md: its ```sql blocks are the worked example, run here in order (roles get a
-- regress_ prefix), so every example in the page runs and its output is checked.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
\! awk '/^```sql$/ { on = 1; next } /^```/ { on = 0 } on' docs/access.md | sed -E 's/\b(customer_team|carol|dave)\b/regress_\1/g' > results/access_docs_example.sql
\i results/access_docs_example.sql
RESET ROLE;

SET client_min_messages = warning;
-- (the extension first: its DDL guard would refuse dropping the contracted tables)
DROP EXTENSION meshcat CASCADE;
DROP SCHEMA crm_data CASCADE;
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM regress_customer_team', current_database()); END $$;
DROP OWNED BY regress_customer_team, regress_carol, regress_dave, meshcat_admin, meshcat_steward, meshcat_reader;
DROP ROLE regress_carol, regress_dave, regress_customer_team, meshcat_admin, meshcat_steward, meshcat_reader;
RESET client_min_messages;
CREATE EXTENSION meshcat;
