# test/pgcluster.sh: start and stop a throwaway PostgreSQL 15 cluster.
#
# Source this file, then:
#   pgc_start [extra postgresql.conf lines...]   # exports PGHOST PGPORT PGUSER PGDATABASE
#   ... psql ...
#   pgc_stop                                      # stops the server, removes its files
#
# The cluster lives in a fresh directory under /tmp owned by postgres (the
# server refuses to run as root), listens on 127.0.0.1 and a free port, and
# is removed on exit even when the caller fails (trap).  See
# ../shared/docs/ENVIRONMENT.md section 3b for why each step is needed.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

pgc__free_port() {
	local p
	for p in $(seq 55432 55532); do
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo "$p"; return 0
		fi
	done
	echo "pgcluster: no free port in 55432..55532" >&2
	return 1
}

pgc_start() {
	PGC_DIR=$(mktemp -d /tmp/forecastin-pg.XXXXXX)
	chown postgres: "$PGC_DIR"
	chmod 700 "$PGC_DIR"
	local port
	port=$(pgc__free_port) || return 1
	runuser -u postgres -- "$PGBIN/initdb" -D "$PGC_DIR/data" -U postgres \
		--auth=trust -E UTF8 --locale=C.UTF-8 -N >"$PGC_DIR/initdb.log" 2>&1 || {
		cat "$PGC_DIR/initdb.log" >&2; return 1; }
	{
		echo "port = $port"
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = '$PGC_DIR'"
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
		local line
		for line in "$@"; do echo "$line"; done
	} >>"$PGC_DIR/data/postgresql.conf"
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGC_DIR/data" -l "$PGC_DIR/server.log" \
		-w -t 60 start >/dev/null || { tail -50 "$PGC_DIR/server.log" >&2; return 1; }
	export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	trap pgc_stop EXIT
}

pgc_stop() {
	[ -n "${PGC_DIR:-}" ] || return 0
	if [ -f "$PGC_DIR/data/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGC_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PGC_DIR"
	PGC_DIR=
}

# Server log of the running cluster (for failure diagnostics).
pgc_log() { [ -n "${PGC_DIR:-}" ] && cat "$PGC_DIR/server.log"; }
