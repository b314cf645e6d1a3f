#!/bin/bash
# test/run_demo.sh: build and install forecastin, start a throwaway PostgreSQL 15
# cluster, load the retail sample and run the demo, then stop the cluster.
#
#   bash test/run_demo.sh                # as root on Debian 12: deps, make, make install, demo
#   bash test/run_demo.sh --no-build     # skip deps + build (extension already installed)
#
# The demo's output (test/demo.sql) goes to stdout.  The cluster is removed on
# exit, also when a step fails; the exit status is non-zero on any failure, and
# then the tail of the server log is printed to stderr.
set -euo pipefail

cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
build=1
for arg in "$@"; do
	case "$arg" in
		--no-build) build=0 ;;
		*) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
	esac
done

step() { echo "run_demo: $*" >&2; }
t0=$(date +%s.%N)

if [ "$build" = 1 ]; then
	step "installing dependencies (test/install_deps.sh)"
	bash test/install_deps.sh
	step "building forecastin"
	make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >&2
	step "installing forecastin"
	make -s PG_CONFIG="$PG_CONFIG" install >&2
fi

# shellcheck source=pgcluster.sh
source test/pgcluster.sh

on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$rc" -ne 0 ] && [ -n "${PGC_DIR:-}" ]; then
		echo "run_demo: FAILED (exit $rc); last lines of the server log:" >&2
		pgc_log | tail -40 >&2 || true
	fi
	pgc_stop
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "starting a throwaway cluster"
pgc_start
trap on_exit EXIT		# pgc_start installs its own EXIT trap; ours also reports failures
export PGDATABASE=forecastin_demo
psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE forecastin_demo"

PSQL=(psql -X -v ON_ERROR_STOP=1)
step "CREATE EXTENSION forecastin CASCADE"
"${PSQL[@]}" -c "CREATE EXTENSION forecastin CASCADE"
step "loading test/data/retail_sample.sql"
"${PSQL[@]}" -q -f test/data/retail_sample.sql
step "running test/demo.sql"
t1=$(date +%s.%N)
"${PSQL[@]}" -f test/demo.sql 2>&1	# notices in line with the output
t2=$(date +%s.%N)
step "$(awk -v a="$t0" -v b="$t1" -v c="$t2" \
	'BEGIN { printf "demo.sql ran in %.1f s; whole run %.1f s", c - b, c - a }')"
