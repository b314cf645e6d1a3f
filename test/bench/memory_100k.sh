#!/bin/bash
# test/bench/memory_100k.sh: backend memory and time of ONE GROUP BY query
# fitting 100,000 short series with forecastin.fit.
#
#   test/bench/memory_100k.sh [--series N] [--points P] [--no-build]
#                             [--variants LIST] [--results FILE]
#
#   --series N     number of generated series (default 100000)
#   --points P     daily points per series (default 56 = 8 weeks)
#   --no-build     use the installed extension (skip make install)
#   --variants L   comma-separated subset of: control, date_ets, date_auto,
#                  bigint_ets (default: all four)
#   --results FILE report path (default test/bench/results/memory_100k_<UTC time>.txt)
#
# Data (generated once, untimed, setseed(0.42)): table sales(sku int, day date,
# t bigint, qty float8), N x P rows, a weekly pattern + level + noise per sku.
# Each measured query is
#   EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF)
#   SELECT forecastin.model_info(m)->>'method', count(*)
#   FROM (SELECT sku, forecastin.fit(<time>, qty[, 'ets']) AS m FROM sales GROUP BY sku) s
#   GROUP BY 1
# (EXPLAIN ANALYZE runs the whole query but sends no rows; it reports the
# Sort / HashAggregate memory, batches and disk use).  Variants:
#   date_ets    fit(day, qty, 'ets')       date time column
#   date_auto   fit(day, qty)              default method 'auto'
#   bigint_ets  fit(t, qty, 'ets')         t = day number (bigint)
#   control     count(qty) instead of fit (same plan shape, no forecastin):
#               the memory the sort / hash table itself takes
# and plans:
#   sorted      enable_hashagg = off -> Sort + GroupAggregate (memory must stay flat)
#   hash        enable_sort = off    -> HashAggregate, default work_mem (4MB; spills)
#   hash_bigmem (date_ets only) HashAggregate with work_mem = 4GB: every group's
#               state held in memory at once
# Each run is a fresh psql session (fresh backend).  A sampler reads
# /proc/<pg_backend_pid()>/status every 0.1 s while the query runs: VmRSS,
# RssAnon (private memory: excludes shared_buffers pages), VmHWM (kernel peak).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
nser=100000 npts=56 build=1 variants="control,date_ets,date_auto,bigint_ets" results=""
while [ $# -gt 0 ]; do
	case "$1" in
		--series) nser=$2; shift ;;
		--points) npts=$2; shift ;;
		--no-build) build=0 ;;
		--variants) variants=$2; shift ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,36p' "$0"; exit 0 ;;
		*) echo "memory_100k.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
stamp=$(date -u +%Y%m%dT%H%MZ)
if [ -z "$results" ]; then
	mkdir -p "$HERE/results"
	results="$HERE/results/memory_100k_${stamp}.txt"
fi
WORK=$(mktemp -d /tmp/forecastin-mem.XXXXXX)
chmod 755 "$WORK"
exec > >(tee "$results") 2>&1
say() { printf '%s\n' "$*"; }

say "# forecastin memory benchmark: $nser series x $npts daily points in one GROUP BY, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "command: test/bench/memory_100k.sh --series $nser --points $npts --variants $variants$( [ $build = 0 ] && echo ' --no-build')"
say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src sql Makefile || echo ' (+ uncommitted changes in src/sql/Makefile)') ($(git -C "$ROOT" log -1 --format='%ad %s' --date=iso | cut -c1-80))"
say "PostgreSQL: $(/usr/lib/postgresql/15/bin/postgres --version)"
say ""

fake=${FORECASTIN_BENCH_FAKE:-0}
[ "$fake" = 1 ] && { build=0; say "FORECASTIN_BENCH_FAKE=1: SQL stand-in test/bench/fake_forecastin.sql instead of the extension (plumbing test; numbers are NOT forecastin's)"; }
if [ $build = 1 ]; then
	say "+ make -C $ROOT && make -C $ROOT install   (log: $WORK/build.log)"
	if ! { make -C "$ROOT" >"$WORK/build.log" 2>&1 && make -C "$ROOT" install >>"$WORK/build.log" 2>&1; }; then
		tail -30 "$WORK/build.log"; say "BUILD FAILED"; exit 1
	fi
fi
# shellcheck source=../pgcluster.sh
source "$ROOT/test/pgcluster.sh"
say "+ pgc_start max_parallel_workers_per_gather=0 shared_buffers=128MB (defaults otherwise: work_mem 4MB, hash_mem_multiplier 2)"
pgc_start "max_parallel_workers_per_gather = 0" || exit 1
trap 'pgc_stop; rm -rf "$WORK"' EXIT
if [ "$fake" = 1 ]; then
	psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/fake_forecastin.sql" || exit 1
else
	say "+ psql: CREATE EXTENSION forecastin CASCADE"
	psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION forecastin CASCADE' || { pgc_log | tail; exit 1; }
fi
say "forecastin extension version: $(psql -XAtc "SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'forecastin'), 'none (fake)')")"

gen="CREATE TABLE sales AS
SELECT s AS sku, (date '2024-01-01' + d) AS day, d::bigint + 1 AS t,
       round((20 + (s % 50) + 6 * sin(2 * pi() * d / 7.0) + 0.05 * d + 4 * random())::numeric, 1)::float8 AS qty
FROM generate_series(1, $nser) s, generate_series(0, $npts - 1) d"
say "+ psql: SELECT setseed(0.42); $gen;"
t0=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 <<-EOF || exit 1
	SELECT setseed(0.42);
	$gen;
	VACUUM ANALYZE sales;
EOF
say "generated $(psql -XAtc 'SELECT count(*) FROM sales') rows ($(psql -XAtc "SELECT pg_size_pretty(pg_table_size('sales'))")) in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
say "sample series 1: $(psql -XAtc "SELECT string_agg(qty::text, ' ' ORDER BY day) FROM sales WHERE sku = 1")"
say ""

cat >"$WORK/sampler.sh" <<'EOF'
#!/bin/bash
# sampler.sh PID OUT STOPFILE: every 0.1 s append "secs VmRSS RssAnon VmHWM" (kB)
pid=$1 out=$2 stop=$3
t0=$(date +%s.%N)
while [ ! -e "$stop" ] && [ -r /proc/$pid/status ]; do
	awk -v t="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" '
		/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } /^VmHWM:/ { h = $2 }
		END { print t, r, a, h }' /proc/$pid/status >>"$out" 2>/dev/null
	sleep 0.1
done
EOF
chmod +x "$WORK/sampler.sh"

printf -v header '%-11s %-12s %-22s %8s %7s %9s %10s %10s %10s  %s' variant plan "node" "time_s" "cpu_s" "series/s" "RssAnon0" "RssAnonMax" "VmHWM" "RssAnon trace"
rows=()

run_one() {   # variant plan
	local v=$1 plan=$2 expr set outer="forecastin.model_info(m)->>'method'"
	case $v in
		control) expr="count(qty)"; outer="(m > 0)::text" ;;
		date_ets) expr="forecastin.fit(day, qty, 'ets')" ;;
		date_auto) expr="forecastin.fit(day, qty)" ;;
		bigint_ets) expr="forecastin.fit(t, qty, 'ets')" ;;
	esac
	case $plan in
		sorted) set="SET enable_hashagg = off;" ;;
		hash) set="SET enable_sort = off;" ;;
		hash_bigmem) set="SET enable_sort = off; SET work_mem = '4GB';" ;;
	esac
	local q="SELECT $outer AS method, count(*)
FROM (SELECT sku, $expr AS m FROM sales GROUP BY sku) s GROUP BY 1"
	local tag="${v}_$plan" W="$WORK/${v}_$plan"
	mkdir -p "$W"; chmod 777 "$W"
	say "---- $tag"
	say "+ psql: $set EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $(tr -s ' \n' ' ' <<<"$q");"
	psql -X -q -v ON_ERROR_STOP=1 >"$W/out" 2>&1 <<-EOF
		$set
		SELECT pg_backend_pid() AS pid \gset
		\setenv BENCH_PID :pid
		\! $WORK/sampler.sh \$BENCH_PID $W/samples $W/stop </dev/null >/dev/null 2>&1 & sleep 0.3; awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat >$W/cpu0; date +%s.%N >$W/t0
		EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $q;
		\! date +%s.%N >$W/t1; awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat >$W/cpu1; sleep 0.25; touch $W/stop
		$(if [ "$v" = date_ets ] && [ "$plan" = sorted ]; then printf '%s' "SELECT forecastin.model_info(forecastin.fit(day, qty, 'ets')) FROM sales WHERE sku = 1;"; fi)
	EOF
	local rc=$?
	touch "$W/stop"; sleep 0.3
	sed 's/^/    /' "$W/out"
	if [ $rc != 0 ]; then
		say "QUERY FAILED (rc $rc); server log tail:"; pgc_log | tail -10 | sed 's/^/    /'
		rows+=("$(printf '%-11s %-12s FAILED (rc %s): %s' "$v" "$plan" "$rc" "$(grep -m1 -E 'ERROR|FATAL|server closed' "$W/out")")")
		return
	fi
	local cpu; cpu=$(awk -v t="$(getconf CLK_TCK)" '{ a = $1 } END { getline b < "'"$W/cpu1"'"; printf "%.1f", (b - a) / t }' "$W/cpu0")
	local secs node anon0 anonmax hwm trace
	secs=$(awk '{ a = $1 } END { getline b < "'"$W/t1"'"; printf "%.2f", b - a }' "$W/t0")
	node=$(grep -oE 'HashAggregate|GroupAggregate|MixedAggregate' "$W/out" | tail -1)
	node="$node$(grep -qE 'Batches: [2-9]|Batches: [0-9]{2,}|Disk Usage' "$W/out" && echo '+disk')"
	anon0=$(awk 'NR == 1 { print $3 }' "$W/samples")
	anonmax=$(awk '$3 > m { m = $3 } END { print m }' "$W/samples")
	hwm=$(awk '{ h = $4 } END { print h }' "$W/samples")
	# RssAnon (MB) at 10 %, 30 %, 50 %, 70 %, 90 % of the samples: flat or growing?
	trace=$(awk '{ a[NR] = $3 } END { for (p = 1; p <= 9; p += 2) { i = int(NR * p / 10); if (i < 1) i = 1; printf "%s%.0f", (p > 1 ? "/" : ""), a[i] / 1024 } }' "$W/samples")
	rows+=("$(printf '%-11s %-12s %-22s %8s %7s %9.0f %9.0fM %9.0fM %9.0fM  RssAnon MB @10/30/50/70/90%%: %s' \
		"$v" "$plan" "$node" "$secs" "$cpu" "$(awk -v n="$nser" -v s="$secs" 'BEGIN { print n / s }')" \
		"$(awk -v k="$anon0" 'BEGIN { print k / 1024 }')" "$(awk -v k="$anonmax" 'BEGIN { print k / 1024 }')" \
		"$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')" "$trace")")
	say "${rows[-1]}"
	say ""
}

IFS=, read -ra vlist <<<"$variants"
for v in "${vlist[@]}"; do
	for plan in sorted hash; do run_one "$v" "$plan"; done
	[ "$v" = date_ets ] && run_one "$v" hash_bigmem
done

say "chosen model on the first 1000 series (untimed; method / form / period / count):"
for v in "${vlist[@]}"; do
	case $v in
		date_ets) expr="forecastin.fit(day, qty, 'ets')" ;;
		date_auto) expr="forecastin.fit(day, qty)" ;;
		bigint_ets) expr="forecastin.fit(t, qty, 'ets')" ;;
		*) continue ;;
	esac
	psql -XAt -F' ' -c "SELECT '$v', i->>'method', i->>'form', 'period=' || (i->>'period'), count(*) FROM (SELECT forecastin.model_info($expr) i FROM sales WHERE sku <= 1000 GROUP BY sku) x GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC" | sed 's/^/    /'
done
say ""
say "=================================================================="
say "## Summary ($nser series x $npts points; $(date -u '+%Y-%m-%d %H:%M UTC'); load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
say "$header"
for r in "${rows[@]}"; do say "$r"; done
say "time_s: wall clock of the EXPLAIN ANALYZE (whole query, no rows to the client); cpu_s: the backend's"
say "user+system CPU during it (from /proc/<pid>/stat); series/s = N / time_s."
say "RssAnon0: backend private memory before the query; RssAnonMax: peak sampled every 0.1 s;"
say "VmHWM: kernel high-water mark of the backend's RSS (includes shared_buffers pages it touched)."
say "report written to $results"
