#!/bin/bash
# test/bench/auto_design.sh: how the compositions behind `auto` were chosen,
# reproducibly, on a validation split of the M4 TRAINING data only.
#
#   test/bench/auto_design.sh [weekly|hourly|all] [--no-build] [--results FILE]
#
# Each M4 training series loses its last H points (weekly 13, hourly 48);
# the candidates are fitted to the rest and scored on those H points with
# test/bench/m4_score.R (sMAPE, MASE, OWA against Naive2, M4 definitions).
# The M4 test files are never read.  Candidates: the single methods, MSTL
# with each model of the adjusted series (hourly: periods 24 and 168, and on
# log(y) via {"transform": "log"}), seasonal naive, and median/mean
# combinations of their forecasts (computed here from the single methods'
# forecasts, which is what an ensemble of them forecasts: see
# sql/fit_auto.sql).  Finally `auto` itself is run on the split.
#
# The choice recorded in src/router.c: weekly (one period) the median of
# ets, arima and theta; hourly (two periods) per series the candidate that
# best forecasts the 48 points before the held-out ones (auto holds them out
# itself), among the MSTL models, arima(24), snaive(24), snaive(168) and
# med_all6, the median of mstl+arima, mstl+ets, log mstl+arima, log
# mstl+ets, arima(24) and snaive(24) (which a single model must beat by 20%).
# The `auto` line of the hourly table is that choice, scored on the held-out
# points.  Runtime ~5 min (hourly seasonal ARIMA dominates).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}

sets=all build=1 results=""
while [ $# -gt 0 ]; do
	case "$1" in
		weekly|hourly|all) sets=$1 ;;
		--no-build) build=0 ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
		*) echo "auto_design.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ "$sets" = all ] && sets="weekly hourly"
mkdir -p "$HERE/results"
[ -z "$results" ] && results="$HERE/results/auto_design_${sets// /+}_$(date -u +%Y%m%dT%H%MZ).txt"
exec > >(tee "$results") 2>&1

echo "# auto design on a validation split of the M4 training data, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes in src/)')"
echo

bash "$ROOT/test/install_deps.sh" --bench >/dev/null || exit 1
if [ $build = 1 ]; then
	make -C "$ROOT" -s >/dev/null && make -C "$ROOT" -s install >/dev/null || { echo "build failed"; exit 1; }
fi
. "$ROOT/test/pgcluster.sh"
pgc_start "max_parallel_workers_per_gather = 0" "work_mem = 64MB" || exit 1
psql -X -q -c 'CREATE EXTENSION forecastin CASCADE' || exit 1

W=$(mktemp -d /tmp/forecastin-autodesign.XXXXXX)
chmod 755 "$W"
trap 'pgc_stop; rm -rf "$W"' EXIT
cat >"$W/combo.R" <<'REOF'
a <- commandArgs(TRUE); out <- a[1]; how <- a[2]; fs <- a[-(1:2)]
d <- lapply(fs, function(f) { x <- read.csv(f); x[order(x$series_id, x$step), ] })
m <- sapply(d, function(x) x$yhat)
y <- if (how == "mean") rowMeans(m) else apply(m, 1, median)
write.csv(data.frame(series_id = d[[1]]$series_id, step = d[[1]]$step, yhat = y), out, row.names = FALSE)
REOF

# split: all but the last H points of each training series / those H points
split() {	# set H
	python3 - "$DATA/m4_$1_train.csv" "$W/$1_fit.csv" "$W/$1_holdout.csv" "$2" <<-'EOF'
	import csv, sys, collections
	src, fit, hold, H = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
	rows = collections.OrderedDict()
	with open(src) as f:
	    r = csv.reader(f); hdr = next(r)
	    for row in r: rows.setdefault(row[0], []).append(row)
	with open(fit, 'w', newline='') as a, open(hold, 'w', newline='') as b:
	    wa, wb = csv.writer(a), csv.writer(b); wa.writerow(hdr); wb.writerow(hdr)
	    for v in rows.values():
	        v.sort(key=lambda x: int(x[1]))
	        wa.writerows(v[:-H]); wb.writerows(v[-H:])
	EOF
}

# run NAME METHOD OPTS [log]: forecasts of every series into $W/<set>_NAME.csv
run() {
	local name=$1 method=$2 opts=$3 tab=v_$set expr="f.yhat" t0 t1
	[ "${4:-}" = log ] && { tab=v_${set}_log; expr="exp(f.yhat)"; }
	t0=$(date +%s.%N)
	psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT s.series_id, f.step, $expr AS yhat FROM (SELECT series_id, forecastin.fit(t, y, '$method', '$opts') AS m FROM $tab GROUP BY series_id) s, LATERAL forecastin.forecast(s.m, $H) f ORDER BY 1, 2) TO '$W/${set}_$name.csv' CSV HEADER" 2>&1 | grep -v '^NOTICE\|^DETAIL\|^HINT'
	t1=$(date +%s.%N)
	printf '  %-16s %-8s %-52s %s%7.1f s\n' "$name" "$method" "$opts" "${4:+(on log y) }" "$(echo "$t1 - $t0" | bc)"
	names+=("$name")
}

# combo NAME median|mean A B ...: step-by-step median/mean of forecasts
combo() {
	local name=$1 how=$2; shift 2
	local files=(); for m in "$@"; do files+=("$W/${set}_$m.csv"); done
	Rscript "$W/combo.R" "$W/${set}_$name.csv" "$how" "${files[@]}" || echo "combo $name failed"
	printf '  %-16s %s of %s\n' "$name" "$how" "$*"
	names+=("$name")
}

score() {
	local args=(); for n in "${names[@]}"; do args+=("$n=$W/${set}_$n.csv"); done
	Rscript "$HERE/m4_score.R" --train "$W/${set}_fit.csv" --test "$W/${set}_holdout.csv" \
		--period "$P" --horizon "$H" "${args[@]}" 2>&1 | grep -v '^$'
}

for set in $sets; do
	names=()
	if [ "$set" = weekly ]; then P=1 H=13; else P=24 H=48; fi
	split "$set" "$H"
	psql -X -q -v ON_ERROR_STOP=1 <<-EOF || exit 1
		CREATE TABLE v_$set (series_id text, t bigint, y float8);
		\copy v_$set FROM '$W/${set}_fit.csv' CSV HEADER
		CREATE TABLE v_${set}_log AS SELECT series_id, t, ln(y) AS y FROM v_$set WHERE NOT EXISTS (SELECT 1 FROM v_$set WHERE y <= 0);
		ANALYZE;
	EOF
	echo "## $set: $(psql -XAtc "SELECT count(DISTINCT series_id) FROM v_$set") series, last $H training points held out, period $P"
	echo "candidates (fit + forecast time, one backend):"
	if [ "$set" = weekly ]; then
		for m in ets arima theta damped; do run "$m" "$m" '{"period": 1}'; done
		combo med_ets_arima_theta median ets arima theta
		combo mean_ets_arima_theta mean ets arima theta
		combo mean_ets_arima mean ets arima
		combo med_ets_theta_damped median ets theta damped
		run auto auto '{"period": 1}'
	else
		for m in ets arima theta; do run "$m" "$m" '{"period": 24}'; done
		run snaive snaive '{"period": 24}'
		run snaive168 snaive '{"period": 168}'
		O='"period": [24, 168]'
		run mstl_ets mstl "{$O}"
		run mstl_arima mstl "{$O, \"adjusted\": \"arima\"}"
		run mstl_theta mstl "{$O, \"adjusted\": \"theta\"}"
		run logmstl_ets mstl "{$O, \"transform\": \"log\"}"
		run logmstl_arima mstl "{$O, \"adjusted\": \"arima\", \"transform\": \"log\"}"
		run logmstl_theta mstl "{$O, \"adjusted\": \"theta\", \"transform\": \"log\"}"
		combo med_ets_arima_theta median ets arima theta
		combo med_mstl3 median mstl_ets mstl_arima mstl_theta
		combo med_arima_mstl_log median arima mstl_arima logmstl_arima logmstl_ets logmstl_theta
		combo med_mstl_log_snaive median mstl_arima mstl_ets logmstl_arima logmstl_ets snaive
		combo med_all6 median arima mstl_arima mstl_ets logmstl_arima logmstl_ets snaive
		run auto auto "{$O}"
	fi
	echo
	score
	echo
done
