#!/bin/bash
# test/bench/reconcile_scale.sh: scale benchmark of forecastin.reconcile().
#
#   test/bench/reconcile_scale.sh [--runs N] [--no-build] [--results FILE]
#                                 [--mint-leaves N] [--mint-t T]
#
#   --runs N         timed repetitions of each query, fresh session each (default 3)
#   --no-build       use the installed extension (skip make install)
#   --results FILE   report path (default test/bench/results/reconcile_scale.txt)
#   --mint-leaves N  bottom series of the MinT hierarchy (default 5000)
#   --mint-t T       residuals per series for MinT (default 365)
#   --shared-buffers S  shared_buffers of the cluster (default 128MB, the
#                    server default; see below for 4GB)
#   --work-mem M     work_mem of the cluster (default 4MB, the server default;
#                    about 3.5GB keeps the 28M-row result of a function scan
#                    in memory instead of a temporary file)
#
# What it measures, in a throwaway cluster (test/pgcluster.sh) with the
# server's defaults (shared_buffers 128MB, work_mem 4MB: the 28M-row result
# spills to a temporary file, the 1.5GB base table is read through the OS
# page cache).  Earlier reports used shared_buffers = 4GB to keep the table
# in PostgreSQL's cache; that made every query 2-3 s SLOWER (bu 10.7 s
# against 8.4 s, identity 9.1 s against 6.7 s), consistent with each fresh
# backend faulting in the ~2.7GB of shared memory it touches (VmHWM 3.1GB
# against 0.44GB).  --shared-buffers 4GB reproduces those runs:
#
#  1. tree: 1 + 10 + 100 + 1,000 + 10,000 + 990,000 = 1,001,111 paths (depth 6,
#     990,000 leaves) x 28 steps = 28,031,108 rows of base forecasts in table
#     bench_base (path ltree, step int, yhat float8), rows in (path, step) order.
#     Timed, end to end as a client sees it (psql \timing):
#       SELECT count(*), sum(yhat) FROM forecastin.reconcile('SELECT path, step, yhat FROM bench_base', M)
#     for M = bu and wls_struct, next to two floors that any SQL function with
#     the same input and output pays:
#       scan      SELECT count(*), sum(yhat) FROM bench_base           (reading the rows once)
#       identity  the same rows through a plpgsql RETURN QUERY function  (read + materialise + count)
#     The function's own DEBUG1 line splits its time into reading the base query
#     (SPI cursor, 10,000-row batches), building the tree, the kernel and
#     writing the result tuplestore; the rest of the end-to-end time is the
#     executor reading that tuplestore back for count()/sum().
#  2. MinT shrink: 1 + 10 + 100 + N leaves (default 5,000; 111 aggregates),
#     residuals for every path (T per path, aggregates = sum of children +
#     own noise, so the series are correlated), 28 steps; end to end as above.
#  3. Memory and CPU: each query runs in a fresh backend; a sampler reads
#     /proc/<backend pid>/status and /stat every 0.1 s: peak RssAnon (private
#     memory, excludes shared_buffers), VmHWM (peak RSS, includes the shared
#     buffers the scan touched) and the backend's CPU time (utime + stime; on
#     a shared machine wall time also counts waiting for a CPU).
#  4. Kernel alone (no PostgreSQL): test/unit/reconcile_test --bench 1001111 28.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
runs=3 build=1 results="$HERE/results/reconcile_scale.txt" mleaves=5000 mt=365 workmem=4MB sbuf=128MB
while [ $# -gt 0 ]; do
	case "$1" in
		--runs) runs=$2; shift ;;
		--no-build) build=0 ;;
		--results) results=$2; shift ;;
		--mint-leaves) mleaves=$2; shift ;;
		--mint-t) mt=$2; shift ;;
		--work-mem) workmem=$2; shift ;;
		--shared-buffers) sbuf=$2; shift ;;
		-h|--help) sed -n '2,40p' "$0"; exit 0 ;;
		*) echo "reconcile_scale.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$(dirname "$results")"
WORK=$(mktemp -d /tmp/forecastin-rec.XXXXXX)
chmod 755 "$WORK"
exec > >(tee "$results") 2>&1
say() { printf '%s\n' "$*"; }

say "# forecastin.reconcile scale benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "command: test/bench/reconcile_scale.sh --runs $runs --mint-leaves $mleaves --mint-t $mt$( [ $build = 0 ] && echo ' --no-build')"
say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other jobs may run)"
say "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src sql Makefile || echo ' (+ uncommitted changes in src/sql/Makefile)')"
say "PostgreSQL: $(/usr/lib/postgresql/15/bin/postgres --version)"
say ""

if [ $build = 1 ]; then
	say "+ make && make install   (log: $WORK/build.log)"
	if ! { make -C "$ROOT" >"$WORK/build.log" 2>&1 && make -C "$ROOT" install >>"$WORK/build.log" 2>&1; }; then
		tail -30 "$WORK/build.log"; say "BUILD FAILED"; exit 1
	fi
fi
make -s -C "$ROOT/test/unit" reconcile_test >/dev/null 2>&1

# shellcheck source=../pgcluster.sh
source "$ROOT/test/pgcluster.sh"
say "+ pgc_start shared_buffers=$sbuf work_mem=$workmem (otherwise defaults, jit on)"
pgc_start "shared_buffers = '$sbuf'" "work_mem = '$workmem'" || exit 1
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION forecastin CASCADE" 2>/dev/null || exit 1

say ""
say "## data (untimed)"
t0=$(date +%s)
"${PSQL[@]}" <<'SQL' || exit 1
CREATE UNLOGGED TABLE bench_nodes AS
WITH l2 AS (SELECT 'T.r' || a AS p FROM generate_series(0, 9) a),
     l3 AS (SELECT l2.p || '.s' || b AS p FROM l2, generate_series(0, 9) b),
     l4 AS (SELECT l3.p || '.c' || c AS p FROM l3, generate_series(0, 9) c),
     l5 AS (SELECT l4.p || '.k' || d AS p FROM l4, generate_series(0, 9) d),
     l6 AS (SELECT l5.p || '.i' || e AS p FROM l5, generate_series(0, 98) e)
SELECT p::ltree AS path FROM (SELECT 'T' AS p UNION ALL SELECT p FROM l2 UNION ALL SELECT p FROM l3
     UNION ALL SELECT p FROM l4 UNION ALL SELECT p FROM l5 UNION ALL SELECT p FROM l6) s;
CREATE UNLOGGED TABLE bench_base AS
SELECT n.path, s AS step, (100.0 / nlevel(n.path)) * (1 + 0.1 * sin(s + length(n.path::text))) AS yhat
FROM bench_nodes n, generate_series(1, 28) s ORDER BY n.path, s;
VACUUM ANALYZE bench_base;
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT pg_prewarm('bench_base');
CREATE FUNCTION identity_srf() RETURNS TABLE (path ltree, step int, yhat float8)
	LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT b.path, b.step, b.yhat FROM bench_base b; END $$;
SQL
"${PSQL[@]}" -At -c "SELECT format('bench_base: %s rows, %s paths (%s leaves), %s on disk',
	(SELECT count(*) FROM bench_base), (SELECT count(*) FROM bench_nodes),
	(SELECT count(*) FROM bench_nodes WHERE nlevel(path) = 6),
	pg_size_pretty(pg_total_relation_size('bench_base')))" | sed 's/^/  /'

"${PSQL[@]}" <<SQL || exit 1
SELECT setseed(0.42);
CREATE UNLOGGED TABLE mint_nodes AS
SELECT 'T'::ltree AS path
UNION ALL SELECT ('T.r' || a)::ltree FROM generate_series(0, 9) a
UNION ALL SELECT ('T.r' || a || '.s' || b)::ltree FROM generate_series(0, 9) a, generate_series(0, 9) b
UNION ALL SELECT ('T.r' || (i % 10) || '.s' || (i / 10 % 10) || '.i' || i)::ltree FROM generate_series(0, $mleaves - 1) i;
-- leaves: noise with a common component; aggregates: sum of children + own noise
CREATE UNLOGGED TABLE mint_leaf AS
SELECT n.path, t, 2 * (random() - 0.5) + 0.5 * sin(t * 0.1 + nlevel(n.path)) AS e
FROM mint_nodes n, generate_series(1, $mt) t WHERE nlevel(n.path) = 4;
CREATE UNLOGGED TABLE mint_resid AS
SELECT path, t, e AS resid FROM mint_leaf
UNION ALL
SELECT subpath(path, 0, 3), t, sum(e) + 2 * (random() - 0.5) FROM mint_leaf GROUP BY 1, 2
UNION ALL
SELECT subpath(path, 0, 2), t, sum(e) + 3 * (random() - 0.5) FROM mint_leaf GROUP BY 1, 2
UNION ALL
SELECT subpath(path, 0, 1), t, sum(e) + 5 * (random() - 0.5) FROM mint_leaf GROUP BY 1, 2;
-- base forecasts: leaves 10..15, aggregates the sum of their leaves +-2.5 %
CREATE UNLOGGED TABLE mint_leaf_fc AS
SELECT n.path, s AS step, 10 + 5 * random() AS yhat
FROM mint_nodes n, generate_series(1, 28) s WHERE nlevel(n.path) = 4;
CREATE UNLOGGED TABLE mint_base AS
SELECT path, step, yhat FROM mint_leaf_fc
UNION ALL
SELECT p, step, sum(yhat) * (1 + 0.05 * (random() - 0.5))
FROM (SELECT subpath(path, 0, k) AS p, step, yhat FROM mint_leaf_fc, generate_series(1, 3) k) s
GROUP BY p, step;
VACUUM ANALYZE mint_resid;
VACUUM ANALYZE mint_base;
SQL
"${PSQL[@]}" -At -c "SELECT format('MinT: %s paths (%s leaves, %s aggregates), %s residual rows (%s per path), %s base rows',
	(SELECT count(*) FROM mint_nodes), (SELECT count(*) FROM mint_nodes WHERE nlevel(path) = 4),
	(SELECT count(*) FROM mint_nodes WHERE nlevel(path) < 4),
	(SELECT count(*) FROM mint_resid), $mt, (SELECT count(*) FROM mint_base))" | sed 's/^/  /'
say "  data generated in $(( $(date +%s) - t0 )) s"

# run_query NAME SQL: one fresh session; prints seconds, peak RssAnon/VmHWM (MB), DEBUG line
run_query() {
	local name=$1 sql=$2 pidf="$WORK/pid" out="$WORK/out" mem="$WORK/mem"
	rm -f "$pidf" "$mem"
	{
		echo '\t on'
		echo "\\o $pidf"
		echo 'SELECT pg_backend_pid();'
		echo '\o'
		echo '\t off'
		echo 'SELECT pg_sleep(0.3);'
		echo 'SET client_min_messages = debug1;'
		echo '\timing on'
		echo "$sql;"
	} > "$WORK/q.sql"
	"${PSQL[@]}" -f "$WORK/q.sql" > "$out" 2>&1 &
	local ppid=$!
	while [ ! -s "$pidf" ] && kill -0 $ppid 2>/dev/null; do sleep 0.05; done
	local bpid
	bpid=$(tr -dc '0-9' < "$pidf")
	local anon=0 hwm=0 ticks=0
	while kill -0 $ppid 2>/dev/null; do
		if [ -r "/proc/$bpid/status" ]; then
			local a h c
			a=$(awk '/^RssAnon/ {print $2}' "/proc/$bpid/status" 2>/dev/null)
			h=$(awk '/^VmHWM/ {print $2}' "/proc/$bpid/status" 2>/dev/null)
			# utime + stime of the backend (fields 14, 15; the name has no spaces)
			c=$(awk '{print $14 + $15}' "/proc/$bpid/stat" 2>/dev/null)
			[ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
			[ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
			[ -n "$c" ] && [ "$c" -gt "$ticks" ] && ticks=$c
		fi
		sleep 0.1
	done
	wait $ppid
	local rc=$?
	local secs dbg
	secs=$(grep -E '^Time: ' "$out" | tail -1 | awk '{printf "%.2f", $2 / 1000}')
	dbg=$(grep -o 'forecastin.reconcile [a-z_]*: .*' "$out" | sed 's/^forecastin.reconcile //')
	if [ $rc -ne 0 ] || [ -z "$secs" ]; then
		say "  $name: FAILED"; sed 's/^/    /' "$out"; return 1
	fi
	local cpu
	cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}')
	printf '  %-11s %7.2f s wall, %6.2f s backend CPU   peak RssAnon %5d MB, VmHWM %5d MB   %s\n' \
		"$name" "$secs" "$cpu" $((anon / 1024)) $((hwm / 1024)) "$dbg"
	echo "$name $secs $cpu" >> "$WORK/times"
}

summary() {	# summary NAME: min and median of the runs, wall and CPU
	local w c
	w=$(awk -v n="$1" '$1 == n {print $2}' "$WORK/times" | sort -n |
		awk '{v[NR] = $1} END {if (NR) printf "min %.2f s, median %.2f s", v[1], v[int((NR + 1) / 2)]}')
	c=$(awk -v n="$1" '$1 == n {print $3}' "$WORK/times" | sort -n |
		awk '{v[NR] = $1} END {if (NR) printf "min %.2f s, median %.2f s over %d runs", v[1], v[int((NR + 1) / 2)], NR}')
	printf '  %-11s wall %s; backend CPU %s\n' "$1" "$w" "$c"
}

BASEQ="SELECT path, step, yhat FROM bench_base"
say ""
say "## 1,001,111 paths x 28 steps (end to end: psql \\timing of SELECT count(*), sum(yhat) FROM ...)"
for r in $(seq 1 "$runs"); do
	say "run $r (load average $(cut -d' ' -f1 /proc/loadavg))"
	run_query scan "SELECT count(*), sum(yhat) FROM bench_base"
	run_query identity "SELECT count(*), sum(yhat) FROM identity_srf()"
	run_query bu "SELECT count(*), sum(yhat) FROM forecastin.reconcile('$BASEQ', 'bu')"
	run_query wls_struct "SELECT count(*), sum(yhat) FROM forecastin.reconcile('$BASEQ', 'wls_struct')"
done
say ""
say "summary"
for q in scan identity bu wls_struct; do summary $q; done

say ""
say "## MinT shrink: $mleaves bottom series, $mt residuals each, 28 steps"
for r in $(seq 1 "$runs"); do
	run_query mint_shrink "SELECT count(*), sum(yhat) FROM forecastin.reconcile('SELECT path, step, yhat FROM mint_base', 'mint_shrink', '{\"residuals\": \"SELECT path, t, resid FROM mint_resid\"}')"
done
run_query wls_var "SELECT count(*), sum(yhat) FROM forecastin.reconcile('SELECT path, step, yhat FROM mint_base', 'wls_var', '{\"residuals\": \"SELECT path, t, resid FROM mint_resid\"}')"
# about 1 leaf forecast in 20 made negative (~250 per step)
run_query mint_nonneg "SELECT count(*), sum(yhat) FROM forecastin.reconcile('SELECT path, step, CASE WHEN nlevel(path) = 4 AND hashtext(path::text || step) % 20 = 0 THEN -yhat ELSE yhat END AS yhat FROM mint_base', 'mint_shrink', '{\"residuals\": \"SELECT path, t, resid FROM mint_resid\", \"nonnegative\": true}')"
say ""
say "summary"
summary mint_shrink
"${PSQL[@]}" -At -c "SELECT 'coherence of the mint_shrink result: max relative gap ' || max(max_rel_gap) FROM forecastin.coherence(\$q\$SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM mint_base', 'mint_shrink', '{\"residuals\": \"SELECT path, t, resid FROM mint_resid\"}')\$q\$)" | sed 's/^/  /'

say ""
say "## kernel alone (test/unit/reconcile_test --bench 1001111 28; random tree of the same size, no PostgreSQL)"
"$ROOT/test/unit/reconcile_test" --bench 1001111 28 | sed 's/^/  /'

say ""
say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
pgc_stop
rm -rf "$WORK"
