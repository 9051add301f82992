# upkeep: top-level Makefile.
#
#   make          install missing Debian packages, build libcommon, the
#                 PostgreSQL extension and the MariaDB plugin
#   make install  install the extension and the plugin into the servers' directories
#   make test     every test, against throwaway servers started by the tests
#   make demo     a guided tour of a maintenance window on throwaway servers
#   make bench    benchmarks (figures, not pass/fail)

PG_CONFIG ?= pg_config
export PG_CONFIG

.PHONY: all deps build libcommon pg mariadb install test test-unit test-fuzz \
	test-pg test-mariadb demo bench clean

all: deps build

deps:
	@./scripts/deps.sh

build: libcommon pg mariadb

libcommon:
	$(MAKE) -C libcommon all

pg: libcommon
	$(MAKE) -C pg_ext

mariadb: libcommon
	$(MAKE) -C mariadb_plugin

install: all
	$(MAKE) -C pg_ext install
	$(MAKE) -C mariadb_plugin install

test: deps build
	@./tests/run_all.sh

test-unit: deps
	$(MAKE) -C libcommon test

test-fuzz: deps
	$(MAKE) -C libcommon fuzz

test-pg: deps build
	@./tests/run_pg_tests.sh

test-mariadb: deps build
	@./tests/run_mariadb_tests.sh

demo: deps build
	@./scripts/demo.sh

bench: deps build
	@./bench/pg_instructions.sh
	@./bench/pg_drain.sh
	@./bench/pg_tps.sh
	@./bench/pg_deadlocks.sh
	@./bench/pg_advisor.sh
	@./bench/mariadb_instructions.sh
	@./bench/mariadb_sysbench.sh
	@./bench/mariadb_patch_sysbench.sh
	@./bench/mariadb_deadlocks.sh
	@./bench/mariadb_advisor.sh

clean:
	$(MAKE) -C libcommon clean
	$(MAKE) -C pg_ext clean
	$(MAKE) -C mariadb_plugin clean
