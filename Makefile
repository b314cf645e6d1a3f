# forecastin: PGXS build.
#   make && make install         build and install into the PostgreSQL found by pg_config
#   make installcheck            pg_regress suite against a running server
#   make unitcheck               kernel unit tests, no server needed
# README.md has the one-command demo and full test suite.

EXTENSION = forecastin
EXTVERSION = 0.1.0

MODULE_big = forecastin
OBJS = \
	src/forecastin.o \
	src/errors.o \
	src/options.o \
	src/timeaxis.o \
	src/season.o \
	src/simple.o \
	src/optim.o \
	src/ets.o \
	src/methods.o \
	src/model.o \
	src/sqltime.o \
	src/fit.o \
	src/forecast.o

DATA = sql/$(EXTENSION)--$(EXTVERSION).sql

REGRESS = fit_basic fit_time fit_methods fit_ets model_io fit_errors forecast_errors \
	model_errors fit_parallel ets_reference
REGRESS_OPTS = --inputdir=. --outputdir=.

PG_CONFIG ?= pg_config
PG_CPPFLAGS = -I$(srcdir)/src
SHLIB_LINK = $(shell gsl-config --libs)

EXTRA_CLEAN = test/unit/ets_test test/unit/*.o

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: unitcheck
unitcheck:
	$(MAKE) -C test/unit check
