# tests/lib/cli.sh: what the CLI tests (tests/shell/cli_*.sh) share.
# Source after tests/lib/pg.sh or tests/lib/mariadb.sh.
#
#	UPKEEP			the built command (cli/upkeep, built here if missing)
#	cli_build TOP	build libcommon and the command
#	no_api_ok		true when UK_CLI_TEST_NO_API=1: checks that need the
#					window patch API of the server are skipped (say so)
#	strip_ours FILE	FILE without the lines the runner adds to stdout
#					("[HH:MM:SS] upkeep: ..." and the summary)

cli_build() {
	make -s -C "$1" libcommon >/dev/null && make -s -C "$1/cli" >/dev/null || return 1
	UPKEEP="$1/cli/upkeep"
}

no_api_ok() { [ "${UK_CLI_TEST_NO_API:-}" = 1 ]; }

strip_ours() {
	perl -0777 -pe 's/^\[\d\d:\d\d:\d\d\] upkeep: [^\n]*\n//mg; s/^upkeep: window \d+ exited[^\n]*\n//mg' "$1"
}
