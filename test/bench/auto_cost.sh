#!/bin/bash
# test/bench/auto_cost.sh: does auto cost less than the sum of its candidates?
# (issue 3: "auto never takes longer per series than the sum of its
# candidates"), measured over several rounds so that one noisy query cannot
# decide it.
#
#   test/bench/auto_cost.sh [--rounds N] [--no-build] [--results FILE]
#
# Data: the M4 hourly training series (414, 700-960 points).  Each round
# fits and forecasts (h = 48) every series in one backend with auto
# {"period": [24, 168]}, then with each of the eleven models it fits (ten
# candidates and the median's knn with the mean of its neighbours) as a
# method of its own (the same list as m4_compare.sh --candidates), in that
# order, and reads the backend's CPU time (utime + stime, /proc/<pid>/stat) around each
# query.  Reported: per round the auto CPU, the candidates' sum and their
# ratio; then the median ratio over the rounds.  The M4 test files are not
# read (only the cost is measured).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}
rounds=3 build=1 results=""
while [ $# -gt 0 ]; do
	case "$1" in
		--rounds) rounds=$2; shift ;;
		--no-build) build=0 ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
		*) echo "auto_cost.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$HERE/results"
[ -z "$results" ] && results="$HERE/results/auto_cost_$(date -u +%Y%m%dT%H%MZ).txt"
exec > >(tee "$results") 2>&1

echo "# auto's cost against the sum of its candidates, M4 hourly training series, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "command: test/bench/auto_cost.sh --rounds $rounds"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes in src/)')"

bash "$ROOT/test/install_deps.sh" >/dev/null || exit 1
if [ $build = 1 ]; then
	make -C "$ROOT" -s >/dev/null && make -C "$ROOT" -s install >/dev/null || { echo "build failed"; exit 1; }
fi
. "$ROOT/test/pgcluster.sh"
pgc_start "max_parallel_workers_per_gather = 0" "work_mem = '64MB'" || exit 1
export PGOPTIONS='-c client_min_messages=warning'
psql -X -q -v ON_ERROR_STOP=1 <<EOF || exit 1
CREATE EXTENSION forecastin CASCADE;
CREATE TABLE tr (series_id text, t bigint, y float8);
\copy tr FROM '$DATA/m4_hourly_train.csv' CSV HEADER
ANALYZE tr;
EOF

O='"period": [24, 168]'
# name|method|options: auto first, then its candidates
QUERIES=(
	"auto|auto|{$O}"
	"sqmstl_arima|mstl|{$O, \"adjusted\": \"arima\", \"transform\": \"sqrt\"}"
	"sqmstl_ets|mstl|{$O, \"transform\": \"sqrt\"}"
	"sqmstl_theta|mstl|{$O, \"adjusted\": \"theta\", \"transform\": \"sqrt\"}"
	"logmstl_arima|mstl|{$O, \"adjusted\": \"arima\", \"transform\": \"log\"}"
	"logmstl_ets|mstl|{$O, \"transform\": \"log\"}"
	"logmstl_theta|mstl|{$O, \"adjusted\": \"theta\", \"transform\": \"log\"}"
	"arima|arima|{\"period\": 24}"
	"snaive|snaive|{\"period\": 24}"
	"snaive168|snaive|{\"period\": 168}"
	"knn|knn|{\"period\": 24}"
	"knn_mean|knn|{\"period\": 24, \"variant\": \"mean\"}"
)
W=$(mktemp -d)
trap 'rm -rf "$W"; pgc_stop' EXIT
TCK=$(getconf CLK_TCK)
echo
printf '%-6s %12s %16s %8s\n' round "auto CPU s" "candidates CPU s" ratio
for r in $(seq 1 "$rounds"); do
	{
		echo "SELECT pg_backend_pid() AS pid \\gset"
		echo "\\setenv BENCH_PID :pid"
		for q in "${QUERIES[@]}"; do
			IFS='|' read -r name meth opts <<<"$q"
			echo "\\! awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat > $W/$name.0"
			echo "SELECT count(*) FROM (SELECT series_id, forecastin.fit(t, y, '$meth', '$opts') AS m FROM tr GROUP BY series_id) s, LATERAL forecastin.forecast(s.m, 48) f \\g /dev/null"
			echo "\\! awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat > $W/$name.1"
		done
	} | psql -X -q -v ON_ERROR_STOP=1 >/dev/null || { echo "round $r failed"; exit 1; }
	auto=0 sum=0
	for q in "${QUERIES[@]}"; do
		name=${q%%|*}
		c=$(awk -v t="$TCK" '{ a = $1 } END { getline b < "'"$W/$name.1"'"; printf "%.3f", (b - a) / t }' "$W/$name.0")
		echo "$r $name $c" >>"$W/all"
		if [ "$name" = auto ]; then auto=$c; else sum=$(echo "$sum + $c" | bc); fi
	done
	ratio=$(echo "scale=4; $auto / $sum" | bc)
	echo "$r $ratio" >>"$W/ratios"
	printf '%-6s %12s %16s %8s\n' "$r" "$auto" "$sum" "$ratio"
done
echo
echo "per query (CPU s per round):"
awk '{ v[$2] = v[$2] " " $3 } END { for (k in v) printf "  %-14s%s\n", k, v[k] }' "$W/all" | sort
med=$(sort -n -k2 "$W/ratios" | awk '{ r[NR] = $2 } END { print (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }')
echo
echo "median ratio auto / sum of candidates over $rounds rounds: $med"
if [ "$(echo "$med <= 1" | bc)" = 1 ]; then echo "TARGET auto CPU <= sum of candidates (median): PASS"; else echo "TARGET auto CPU <= sum of candidates (median): FAIL"; fi
echo "report: $results"
