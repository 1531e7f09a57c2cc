#!/usr/bin/env bash
# `make demo`: build and install meshcat, start a throwaway cluster, register the example mesh
# shipped in test/data/example_mesh, and print a short tour of the catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

make -s
as_root make -s install >/dev/null

# One stream of all files; each file starts a new document.
mesh=$(for f in test/data/example_mesh/*.yaml; do echo '---'; cat "$f"; done)

echo "meshcat $(sed -n "s/^default_version *= *'\(.*\)'/\1/p" meshcat.control): a data-mesh catalog inside PostgreSQL"
mkdir -p demo-out
MESH="$mesh" pg_virtualenv -t bash -c 'psql -X -q -v mesh="$MESH" -f test/demo.sql &&
  psql -X -q -At -c "SELECT meshcat.mesh_lineage_dot(NULL)" -o demo-out/lineage.dot'

# The example mesh's lineage as a picture (docs/lineage.md says how to read it).
echo
if command -v dot >/dev/null; then
    dot -Tsvg demo-out/lineage.dot -o demo-out/lineage.svg
    echo "== The lineage of the example mesh: $(pwd)/demo-out/lineage.svg (Graphviz DOT: demo-out/lineage.dot)"
else
    echo "== The lineage of the example mesh as Graphviz DOT: $(pwd)/demo-out/lineage.dot"
    echo "   Install Graphviz (apt-get install graphviz) and run: dot -Tsvg demo-out/lineage.dot -o lineage.svg"
fi

cat <<'TXT'

== Do the same in your own database
   sudo make install                       # once per server (done above on this machine)
   psql -c 'CREATE EXTENSION meshcat CASCADE' -c 'SELECT * FROM meshcat.mesh_setup_roles()'   # as a superuser
   psql -c 'GRANT meshcat_steward TO sales_team'   # a domain's owner role may then register (README.md)
   psql -c 'SELECT * FROM meshcat.mesh_install_policies()'   # the default policy pack, if you want it
   psql -c 'SET search_path = meshcat, public' -c "SELECT * FROM mesh_register(\$\$ ...your YAML... \$\$)"
   or from a file:  \set d `cat my_product.yaml`  then  SELECT * FROM mesh_register(:'d');
   The descriptor format: docs/descriptor.md. Every function and view: docs/reference.md.
   Policies, contracts and ownership: docs/governance.md.
TXT
