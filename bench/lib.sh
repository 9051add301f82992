# bench/lib.sh: helpers the benchmark scripts share.  Source it.

# median: the median of the numbers on standard input (separated by spaces
# or newlines; blank entries ignored)
median() {
	tr ' ' '\n' | grep -v '^$' | sort -g |
		awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# md_bench_init NAME: the frame of a MariaDB benchmark (source
# tests/lib/mariadb.sh first): sysbench present, plugin built, W (work
# directory) and P (port) set, the server killed and W removed at exit.
md_bench_init() {
	command -v sysbench >/dev/null || { echo "sysbench is not installed (make deps)" >&2; exit 1; }
	make -s -C "$TOP" libcommon mariadb >/dev/null
	W=$(md_workdir "bench-$1")
	P=$(md_free_port)
	trap 'md_kill9 "$W" 2>/dev/null || true; rm -rf "$W"' EXIT
}

# md_bench_start PLUGIN [OPTIONS...]: start the server, with the upkeep
# plugin when PLUGIN is "upkeep", else without, and the benchmark settings
md_bench_start() {
	local plugdir=""
	[ "$1" = upkeep ] && plugdir="$TOP/mariadb_plugin"
	shift
	md_start "$W" "$P" "$plugdir" --innodb-buffer-pool-size=256M \
		--innodb-flush-log-at-trx-commit=2 --max-connections=100 "$@"
}

# md_sysbench SCRIPT COMMAND [options]: sysbench against the server, on
# TABLES tables of TABLE_SIZE rows in database sbtest
md_sysbench() {
	local script=$1 cmd=$2
	shift 2
	sysbench "$script" --db-driver=mysql --mysql-socket="$W/sock" --mysql-user=root \
		--mysql-db=sbtest --tables="$TABLES" --table-size="$TABLE_SIZE" "$@" "$cmd"
}

# sysbench_tps: the transactions per second of sysbench's report on stdin
sysbench_tps() {
	awk '/transactions:/ { gsub(/[(]/, "", $3); print $3; exit }'
}
