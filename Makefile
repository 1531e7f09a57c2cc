# meshcat: a data-mesh catalog inside PostgreSQL (PGXS build)
#
#   make demo    install what is missing, build, and tour an example mesh
#   make test    install what is missing, build, and run the whole test suite
#   make         build only (needs PostgreSQL server headers and libyaml)
#   make install-cli   link the meshcat command into $(PREFIX)/bin (after make install)

EXTENSION = meshcat
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(dir $(lastword $(MAKEFILE_LIST)))meshcat.control)

MODULE_big = meshcat
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script is generated from numbered fragments; never edit it.
INSTALL_FRAGMENTS = $(sort $(wildcard sql/install/*.sql))
DATA_built = sql/meshcat--$(EXTVERSION).sql
DATA = $(wildcard sql/updates/meshcat--*.sql)

# One pg_regress file per feature: every sql/*.sql but the generated script.
REGRESS := $(sort $(notdir $(basename $(filter-out sql/meshcat--%,$(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --load-extension=pg_trgm --load-extension=meshcat

ISOLATION := $(sort $(notdir $(basename $(wildcard test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=output_iso --load-extension=pg_trgm --load-extension=meshcat
# `make installcheck REGRESS=x` runs that file only (no isolation specs unless ISOLATION= names some).
ifeq ($(origin REGRESS),command line)
ifneq ($(origin ISOLATION),command line)
ISOLATION :=
endif
endif

YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
PG_CPPFLAGS = -I$(srcdir)/src $(YAML_CFLAGS) -DMESHCAT_VERSION='"$(EXTVERSION)"'
SHLIB_LINK = $(YAML_LIBS)

# The meshcat command (docs/cli.md): made from src/meshcat.sh with the version filled in, and
# installed by PGXS into PostgreSQL's bindir, which is not on PATH on Debian: install-cli links it.
SCRIPTS_built = meshcat
PREFIX ?= /usr/local

EXTRA_CLEAN = results output_iso regression.diffs regression.out test/bench/out test/fuzz/build demo-out sql/meshcat--$(EXTVERSION).sql.packs

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# Without the server headers PGXS is absent: only the self-installing targets
# below work then, and they install it first.
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all:
	@echo "PostgreSQL server headers not found: run 'make demo' or 'make test', or install postgresql-server-dev-NN" >&2; exit 1
endif

# The descriptor's JSON Schema has one source, in docs/, spliced in where a fragment asks; so
# have the policy packs, in policies/<pack>/*.yaml (policies/packs.sh makes their SQL rows).
POLICY_FILES = $(sort $(wildcard policies/*/*.yaml))
sql/meshcat--$(EXTVERSION).sql: $(INSTALL_FRAGMENTS) docs/descriptor.schema.json $(POLICY_FILES) policies/packs.sh meshcat.control
	bash policies/packs.sh > $@.packs
	cat $(INSTALL_FRAGMENTS) | sed -e '/^@DESCRIPTOR_SCHEMA@$$/{r docs/descriptor.schema.json' -e 'd;}' \
	    -e '/^@POLICY_PACKS@$$/{r $@.packs' -e 'd;}' > $@
	rm -f $@.packs

# Warnings are errors when the tests build (pgvector's CI flags): test/run.sh asks for them here.
STRICT_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

.PHONY: deps demo test fuzz bench valgrind-check print-strict-cflags install-cli uninstall-cli

meshcat: src/meshcat.sh meshcat.control
	sed -e 's/@EXTVERSION@/$(EXTVERSION)/' $< > $@
	chmod +x $@

# A symbolic link, so that the next make install updates the command it points to.
install-cli:
	@test -x '$(DESTDIR)$(bindir)/meshcat' || { echo "$(DESTDIR)$(bindir)/meshcat is not installed: run make install first" >&2; exit 1; }
	$(INSTALL) -d '$(DESTDIR)$(PREFIX)/bin'
	ln -sfn '$(bindir)/meshcat' '$(DESTDIR)$(PREFIX)/bin/meshcat'

uninstall-cli:
	@if [ -L '$(DESTDIR)$(PREFIX)/bin/meshcat' ]; then rm -f '$(DESTDIR)$(PREFIX)/bin/meshcat'; fi

print-strict-cflags:
	@echo '$(STRICT_CFLAGS)'

deps:
	@bash test/deps.sh

demo: deps
	@bash test/demo.sh

test: deps
	@bash test/run.sh

fuzz: deps
	@bash test/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps
	@bash test/bench/run.sh

# The regression suite with the server under valgrind memcheck (long: every test).
valgrind-check:
	@bash test/valgrind/run.sh
