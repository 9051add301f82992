# upkeep: top-level Makefile.
#
#   make          install missing Debian packages, build libcommon, the
#                 PostgreSQL extension, the MariaDB plugin and the upkeep command
#   make install  install the extension and the plugin into the servers' directories,
#                 the upkeep command into $(bindir) and its man page into $(man1dir)
#   make test     every test, against throwaway servers started by the tests
#   make demo     a guided tour of a maintenance window on throwaway servers
#   make bench    benchmarks (figures, not pass/fail)

PG_CONFIG ?= pg_config
export PG_CONFIG
prefix ?= /usr/local
bindir ?= $(prefix)/bin
mandir ?= $(prefix)/share/man
man1dir ?= $(mandir)/man1

.PHONY: all deps build libcommon pg mariadb cli install test test-unit test-fuzz \
	test-pg test-mariadb test-cli demo bench clean

all: deps build

deps:
	@./scripts/deps.sh

build: libcommon pg mariadb cli

libcommon:
	$(MAKE) -C libcommon all

pg: libcommon
	$(MAKE) -C pg_ext

mariadb: libcommon
	$(MAKE) -C mariadb_plugin

cli: libcommon
	$(MAKE) -C cli

install: all
	$(MAKE) -C pg_ext install
	$(MAKE) -C mariadb_plugin install
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir)
	install -m 755 cli/upkeep $(DESTDIR)$(bindir)/upkeep
	install -m 644 docs/upkeep.1 $(DESTDIR)$(man1dir)/upkeep.1

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

test-cli: deps build
	@./tests/run_cli_tests.sh

demo: deps build
	@./scripts/demo.sh

bench: deps build
	@./bench/pg_instructions.sh
	@./bench/pg_drain.sh
	@./bench/pg_tps.sh
	@./bench/pg_deadlocks.sh
	@./bench/pg_advisor.sh
	@./bench/cli_run_overhead.sh
	@./bench/mariadb_instructions.sh
	@./bench/mariadb_sysbench.sh
	@./bench/mariadb_patch_sysbench.sh
	@./bench/mariadb_deadlocks.sh
	@./bench/mariadb_advisor.sh
	@./bench/advisor_optimality.sh

clean:
	$(MAKE) -C libcommon clean
	$(MAKE) -C pg_ext clean
	$(MAKE) -C mariadb_plugin clean
	$(MAKE) -C cli clean
