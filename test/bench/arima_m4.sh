#!/bin/bash
# test/bench/arima_m4.sh: M4 Weekly/Hourly accuracy and speed of the ARIMA
# kernel's automatic selection (fc_arima_auto + fc_arima_forecast, called
# directly by test/unit/arima_test --bench, no server), side by side with
# R's forecast::auto.arima on the same series.
#
#   test/bench/arima_m4.sh [weekly|hourly|all] [--run-r] [--hourly-subset N]
#                          [--results FILE]
#
#   --run-r            (re)run R's auto.arima (test/bench/arima_m4_r.R) now,
#                      in the foreground; otherwise the cached run in
#                      test/bench/results/r_auto_arima_<set>*_{models,fc}.csv
#                      is used and its date is printed.
#   --hourly-subset N  R on a random subset of N hourly series (set.seed(42),
#                      default 60): auto.arima takes ~1 min CPU per hourly
#                      series (up to 160 s), 414 series would take hours.
#                      A partial R run (the files are appended per series)
#                      is used as far as it got: R's numbers are then over
#                      the series it finished, ours are also given over all.
#
# Weekly: period 1, h = 13; Hourly: period 24, h = 48.  Scoring (sMAPE, MASE,
# OWA against Naive2, M4 definitions; /work/shared/data/README.md) is done
# by arima_test itself (its Naive2 reproduces the published 9.161/2.777 and
# 18.383/2.395) and, when R is available, cross-checked with m4_score.R.
# Timing: CPU seconds of the fit+forecast loop only (per series, both
# sides); the machine is shared, so wall clock is printed but CPU is the
# figure to compare.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}
RES="$HERE/results"

sets=all runr=0 hsub=60 results=""
while [ $# -gt 0 ]; do
	case "$1" in
		weekly|hourly|all) sets=$1 ;;
		--run-r) runr=1 ;;
		--hourly-subset) hsub=$2; shift ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,28p' "$0"; exit 0 ;;
		*) echo "arima_m4.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ "$sets" = all ] && sets="weekly hourly"
mkdir -p "$RES"
stamp=$(date -u +%Y%m%dT%H%MZ)
[ -z "$results" ] && results="$RES/arima_m4_${sets// /+}_${stamp}.txt"
exec > >(tee "$results") 2>&1

say() { printf '%s\n' "$*"; }
say "# forecastin ARIMA kernel on M4, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"
say "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src/arima.c src/arima.h 2>/dev/null || echo ' (+ uncommitted changes in src/arima.*)')"
say "gcc: $(gcc --version | head -1)"
command -v Rscript >/dev/null && say "R: $(R --version | head -1); forecast $(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)"
say ""

make -s -C "$ROOT/test/unit" arima_test || { say "build failed"; exit 1; }

for set in $sets; do
	case $set in
		weekly) m=1; h=13; rpre="$RES/r_auto_arima_weekly"; rargs="" ;;
		hourly) m=24; h=48; rpre="$RES/r_auto_arima_hourly$hsub"; rargs="$hsub 42" ;;
	esac
	train="$DATA/m4_${set}_train.csv"
	test="$DATA/m4_${set}_test.csv"
	say "## M4 $set (period $m, h = $h)"
	if [ $runr = 1 ]; then
		say "running R auto.arima now ($( [ -n "$rargs" ] && echo "random subset: $rargs" || echo "all series"))"
		rm -f "${rpre}_fc.csv" "${rpre}_models.csv" "${rpre}_info.txt"
		Rscript "$HERE/arima_m4_r.R" "$train" $m $h "$rpre" $rargs
	fi
	if [ -f "${rpre}_models.csv" ]; then
		nr=$(($(wc -l < "${rpre}_models.csv") - 1))
		if [ -f "${rpre}_info.txt" ]; then
			say "R run: cached, $(tr '\n' ' ' < "${rpre}_info.txt")"
		else
			say "R run: cached and PARTIAL ($nr series finished; files last written $(date -u -r "${rpre}_models.csv" '+%Y-%m-%d %H:%M UTC'))"
		fi
		say "R CPU per series: $(awk -F, 'NR > 1 { c += $14; e += $13; n++ } END { printf "%.3f s CPU, %.3f s elapsed (mean over %d series)", c / n, e / n, n }' "${rpre}_models.csv")"
	else
		say "R run: none cached (use --run-r)"
	fi
	ARIMA_BENCH_OUT="$RES/arima_${set}_forecasts.csv" \
		"$ROOT/test/unit/arima_test" --bench "$train" $m $h "$test" 0 "${rpre}_models.csv" "${rpre}_fc.csv"
	if command -v Rscript >/dev/null; then
		say "cross-check with m4_score.R (all series):"
		Rscript "$HERE/m4_score.R" --train "$train" --test "$test" --period $m --horizon $h \
			forecastin_arima="$RES/arima_${set}_forecasts.csv" 2>&1 | sed 's/^/  /'
	fi
	say ""
done
say "report: $results"
