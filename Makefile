# forecastin: PGXS build.
#   make && make install         build and install into the PostgreSQL found by pg_config
#   make installcheck            pg_regress suite against a running server
#   make unitcheck               kernel unit tests, no server needed
# README.md has the one-command demo and full test suite.

EXTENSION = forecastin
EXTVERSION = 0.1.0

MODULE_big = forecastin
# every C file of src/ is part of the module (one file per concern)
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script is assembled from sql/install/*.sql in name order, so
# each concern (core, hierarchy, reconciliation, ...) keeps its own file.
DATA_built = $(EXTENSION)--$(EXTVERSION).sql

# pg_regress: setup (CREATE EXTENSION) first, then every sql/*.sql test
TESTS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS = setup $(filter-out setup,$(TESTS))
REGRESS_OPTS = --inputdir=. --outputdir=.

PG_CONFIG ?= pg_config
PG_CPPFLAGS = -I$(srcdir)/src -I$(includedir_server)/extension/ltree
SHLIB_LINK = $(shell gsl-config --libs)

EXTRA_CLEAN = test/unit/ets_test test/unit/*.o

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: rebuild every object when a header changes
$(OBJS): $(wildcard src/*.h)

$(EXTENSION)--$(EXTVERSION).sql: $(sort $(wildcard sql/install/*.sql))
	cat $^ > $@

.PHONY: unitcheck
unitcheck:
	$(MAKE) -C test/unit check
