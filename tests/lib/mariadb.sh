# tests/lib/mariadb.sh: throwaway MariaDB servers for upkeep's demo and
# benchmarks (the mtr suite starts its own servers).
#
# Sourced by the scripts.  A server lives in DIR: data directory DIR/data,
# socket DIR/sock, error log DIR/error.log, listening on 127.0.0.1 only.
# The plugin is loaded from the build directory (--plugin-dir), so nothing
# is installed into the system's plugin directory.  As root the server runs
# as root (--user=root).

MARIADBD=${MARIADBD:-$(command -v mariadbd || echo /usr/sbin/mariadbd)}

# md_workdir NAME: a fresh private scratch directory.
md_workdir() {
	mktemp -d "${TMPDIR:-/tmp}/upkeep-${1:-mariadb}.XXXXXX"
}

# md_new_server DIR: create the data directory (system tables only).
md_new_server() {
	mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$1/data" \
		--auth-root-authentication-method=normal --skip-test-db \
		>"$1/install.log" 2>&1 || {
		cat "$1/install.log"
		return 1
	}
}

# md_start DIR PORT PLUGIN_DIR [extra mariadbd options...]
# PLUGIN_DIR empty: start without upkeep.
md_start() {
	local dir=$1 port=$2 plugdir=$3
	shift 3
	local load=()
	[ -n "$plugdir" ] && load=(--plugin-dir="$plugdir" --plugin-load-add=upkeep.so)
	"$MARIADBD" --no-defaults --user="$(id -un)" --datadir="$dir/data" \
		--socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 \
		--pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
		--skip-name-resolve "${load[@]}" "$@" >/dev/null 2>&1 &
	echo $! >"$dir/mariadbd.launch"
	disown $! 2>/dev/null || true  # no "Killed" notice from the shell after md_kill9
	md_wait_ready "$dir"
}

# md_wait_ready DIR: wait until the server answers (60 s at most).
md_wait_ready() {
	for _ in $(seq 1 600); do
		mariadb-admin --no-defaults -S "$1/sock" -uroot ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "mariadbd did not start; error log:" >&2
	tail -30 "$1/error.log" >&2
	return 1
}

md_pid() {
	cat "$1/mariadbd.pid" 2>/dev/null || cat "$1/mariadbd.launch"
}

# md_wait_gone PID: wait until the process is gone (60 s at most).
md_wait_gone() {
	for _ in $(seq 1 600); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# md_stop DIR: clean shutdown.
md_stop() {
	local pid
	pid=$(md_pid "$1") || return 0
	mariadb-admin --no-defaults -S "$1/sock" -uroot shutdown >/dev/null 2>&1 ||
		kill "$pid" 2>/dev/null
	md_wait_gone "$pid"
}

# md_kill9 DIR: kill -9 the server and wait until it is gone.
md_kill9() {
	local pid
	pid=$(md_pid "$1") || return 0
	kill -9 "$pid" 2>/dev/null
	md_wait_gone "$pid"
}

# md_sql DIR [mariadb args...]: the mariadb client as root on DIR's socket.
md_sql() {
	local dir=$1
	shift
	mariadb --no-defaults -S "$dir/sock" -uroot "$@"
}

# md_free_port: a TCP port number not used by a listening socket here.
md_free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (ss -ltnH 2>/dev/null | grep -q ":$p "); then
			echo "$p"
			return
		fi
	done
	echo 23306
}
