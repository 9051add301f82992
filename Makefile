# upkeep: top-level Makefile.
#
#   make          install missing Debian packages, build libcommon and the extension
#   make install  install the PostgreSQL extension into the server's directories
#   make test     every test, against throwaway servers started by the tests
#   make demo     a guided tour of a maintenance window on a throwaway cluster
#   make bench    benchmarks (figures, not pass/fail)

PG_CONFIG ?= pg_config
export PG_CONFIG

.PHONY: all deps build libcommon pg install test test-unit test-fuzz test-pg \
	demo bench clean

all: deps build

deps:
	@./scripts/deps.sh

build: libcommon pg

libcommon:
	$(MAKE) -C libcommon all

pg: libcommon
	$(MAKE) -C pg_ext

install: all
	$(MAKE) -C pg_ext install

test: deps build
	@./tests/run_all.sh

test-unit: deps
	$(MAKE) -C libcommon test

test-fuzz: deps
	$(MAKE) -C libcommon fuzz

test-pg: deps build
	@./tests/run_pg_tests.sh

demo: deps build
	@./scripts/demo.sh

bench: deps build
	@./bench/pg_instructions.sh
	@./bench/pg_drain.sh
	@./bench/pg_tps.sh

clean:
	$(MAKE) -C libcommon clean
	$(MAKE) -C pg_ext clean
