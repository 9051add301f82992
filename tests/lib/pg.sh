# tests/lib/pg.sh: throwaway PostgreSQL clusters for upkeep's tests.
#
# Sourced by the test scripts.  The extension is installed into a staging
# directory ($UK_STAGE, via DESTDIR) and each cluster is pointed at it with
# extension_destdir and dynamic_library_path, so tests never touch the
# system's PostgreSQL directories.  As root, the servers run as the
# "postgres" user (initdb refuses root).
#
# The checkout may be private (a clone under /root, a mode-700 directory):
# nothing running as the server user may open a file in it.  Inputs go to
# psql on stdin (opened by the calling shell) or are copied into the work
# directory first; the work directory and the staged install are created
# world-readable whatever the caller's umask.
umask 022

PGBIN=${PGBIN:-$(pg_config --bindir)}
PGLIBDIR=$(pg_config --pkglibdir)

# as_pg COMMAND [ARGS...]: run COMMAND as the server user (as root), in the
# current directory if that user may enter it, else in / (PostgreSQL's
# programs go back to their working directory after finding their own
# executable, and complain if they cannot).
as_pg() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	elif [ "${_uk_pg_cwd_ok-}" = "$PWD" ] ||
		{ runuser -u postgres -- test -x "$PWD" 2>/dev/null && _uk_pg_cwd_ok=$PWD; }; then
		runuser -u postgres -- "$@"
	else
		(cd / && exec runuser -u postgres -- "$@")
	fi
}
if [ "$(id -u)" = 0 ] && runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
	_uk_pg_cwd_ok=$PWD
fi

# uk_workdir: a fresh world-readable scratch directory owned by the server
# user.  It goes under $TMPDIR only if the server user can reach it there.
uk_workdir() {
	local d base=${TMPDIR:-/tmp}
	as_pg test -x "$base" 2>/dev/null || base=/tmp
	d=$(mktemp -d "$base/upkeep-${1:-test}.XXXXXX")
	chmod 755 "$d"
	[ "$(id -u)" = 0 ] && chown postgres: "$d"
	echo "$d"
}

# uk_stage_install TOPDIR STAGE: build and install the extension into STAGE.
uk_stage_install() {
	make -s -C "$1" build >/dev/null &&
		make -s -C "$1/pg_ext" install DESTDIR="$2" >/dev/null
}

# pg_new_cluster DIR PORT [extra postgresql.conf lines...]
pg_new_cluster() {
	local dir=$1 port=$2
	shift 2
	as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust \
		--no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log"
		return 1
	}
	{
		echo "port = $port"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$dir'"
		echo "shared_preload_libraries = 'upkeep'"
		echo "extension_destdir = '$UK_STAGE'"
		echo "dynamic_library_path = '$UK_STAGE$PGLIBDIR:\$libdir'"
		echo "max_prepared_transactions = 5"
		echo "fsync = off"
		echo "log_min_messages = warning"
		echo "log_line_prefix = '%m [%p] '"
		for line in "$@"; do echo "$line"; done
	} | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
}

pg_start() {
	as_pg "$PGBIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null
}

pg_stop() {
	as_pg "$PGBIN/pg_ctl" -D "$1/data" -m "${2:-fast}" -w -t 60 stop >/dev/null
}

pg_restart() {
	as_pg "$PGBIN/pg_ctl" -D "$1/data" -l "$1/server.log" -m fast -w -t 60 restart >/dev/null
}

# uk_wait SECONDS COMMAND [ARGS...]: run COMMAND every 0.1 s until it
# succeeds; returns 1 if it has not within SECONDS.  Tests wait for
# conditions this way, never for a fixed time: a loaded machine can be
# slower than any guess.
uk_wait() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# pg_kill9 DIR: kill -9 the postmaster (its backends die with it), then
# wait (60 s at most) until every server process of that cluster is gone.
pg_kill9() {
	local pid
	pid=$(head -1 "$1/data/postmaster.pid")
	kill -9 "$pid"
	# orphaned backends exit on their own once they notice the postmaster died
	uk_wait 60 _pg_gone "$1" "$pid"
}

_pg_gone() {
	! pgrep -f -- "-D $1/data" >/dev/null && ! pgrep -P "$2" >/dev/null &&
		! as_pg "$PGBIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# psql_at DIR PORT [psql args...]: quiet, unaligned psql as the server user.
psql_at() {
	local dir=$1 port=$2
	shift 2
	as_pg "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$port" "$@"
}

# free_port: a TCP port number not used by a listening socket here.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (ss -ltnH 2>/dev/null | grep -q ":$p ") && [ ! -e "/tmp/.s.PGSQL.$p" ]; then
			echo "$p"
			return
		fi
	done
	echo 25432
}

# uk_throwaway_cluster NAME [postgresql.conf lines...]: stage the extension,
# create and start a cluster with upkeep preloaded, and stop and remove it
# when the calling script exits.  Sets W (work directory), P (port) and
# UK_STAGE.
# pg_set_preload DIR LIBS: set shared_preload_libraries and restart
pg_set_preload() {
	local conf="$1/data/postgresql.conf"
	as_pg sed -i "/^shared_preload_libraries/d" "$conf"
	echo "shared_preload_libraries = '$2'" | as_pg tee -a "$conf" >/dev/null
	pg_restart "$1"
}

uk_throwaway_cluster() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	W=$(uk_workdir "$1")
	shift
	export UK_STAGE="$W/stage"
	P=$(free_port)
	trap 'pg_stop "$W" immediate 2>/dev/null || true; rm -rf "$W"' EXIT
	uk_stage_install "$top" "$UK_STAGE"
	pg_new_cluster "$W" "$P" "$@" >/dev/null
	pg_start "$W"
}

# pg_new_standby PRIMARY_DIR PRIMARY_PORT DIR PORT [postgresql.conf lines...]:
# a streaming standby of the primary in DIR/data, made with pg_basebackup
# (-R: standby.signal and primary_conninfo), listening on PORT and a unix
# socket in DIR.  Lines given are appended to its postgresql.conf (later
# lines win over the primary's copied ones).
pg_new_standby() {
	local pdir=$1 pport=$2 dir=$3 port=$4
	shift 4
	mkdir -p "$dir" && chmod 755 "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	as_pg "$PGBIN/pg_basebackup" -h "$pdir" -p "$pport" -U postgres -D "$dir/data" \
		-X stream -R -c fast --no-sync >"$dir/basebackup.log" 2>&1 || {
		cat "$dir/basebackup.log"
		return 1
	}
	{
		echo "port = $port"
		echo "unix_socket_directories = '$dir'"
		for line in "$@"; do echo "$line"; done
	} | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
}

# pg_follow DIR PORT PRIMARY_DIR PRIMARY_PORT: make the cluster in DIR a
# standby of that primary (standby.signal, primary_conninfo), on its own
# port and socket again (pg_rewind copies the source's configuration);
# start it afterwards.
pg_follow() {
	{
		echo "port = $2"
		echo "unix_socket_directories = '$1'"
	} | as_pg tee -a "$1/data/postgresql.conf" >/dev/null
	echo "primary_conninfo = 'host=$3 port=$4 user=postgres'" |
		as_pg tee -a "$1/data/postgresql.auto.conf" >/dev/null
	as_pg touch "$1/data/standby.signal"
}

# pg_is_standby DIR PORT: true while the server is in recovery.
pg_is_standby() {
	[ "$(psql_at "$1" "$2" -d postgres -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ]
}

# pg_make_deadlock HOST PORT DB TABLE: two sessions update rows 1 and 2 of
# TABLE (columns id, v) in opposite order, each taking its second row only
# once both hold their first, so PostgreSQL detects a real deadlock; waits
# for both sessions to end.
pg_make_deadlock() {
	local host=$1 port=$2 db=$3 table=$4
	for order in "1 2" "2 1"; do
		set -- $order
		as_pg "$PGBIN/psql" -X -q -h "$host" -p "$port" -d "$db" \
			-c "SET deadlock_timeout = '50ms'" \
			-c "BEGIN" -c "UPDATE $table SET v = v + 1 WHERE id = $1" \
			-c "DO \$\$ BEGIN
			      FOR i IN 1 .. 6000 LOOP   -- 60 s at most
			        PERFORM pg_stat_clear_snapshot();
			        EXIT WHEN (SELECT count(*) FROM pg_stat_activity
			                    WHERE datname = current_database() AND backend_type = 'client backend'
			                      AND backend_xid IS NOT NULL) >= 2;
			        PERFORM pg_sleep(0.01);
			      END LOOP; END \$\$" \
			-c "UPDATE $table SET v = v + 1 WHERE id = $2" -c "COMMIT" >/dev/null 2>&1 &
	done
	wait
}
