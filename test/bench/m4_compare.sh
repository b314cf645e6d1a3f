#!/bin/bash
# test/bench/m4_compare.sh: M4 Weekly/Hourly, forecastin's methods next to R's
# forecast package on the same series in the same run (issue 3): sMAPE, MASE,
# OWA, series per second, and PASS/FAIL for the issue's targets.
#
#   test/bench/m4_compare.sh [weekly|hourly|all] [--methods auto,arima,theta,croston,ets]
#       [--r-methods ets,thetaf,auto.arima] [--limit N] [--no-cache]
#       [--hourly-arima-subset N] [--opts-hourly JSON|METHOD=JSON] [--opts-weekly ...]
#       [--candidates arima,ets,theta] [--no-build] [--r-only] [--results FILE]
#
#   weekly|hourly|all    M4 set(s) (default all). Weekly: period 1, h = 13;
#                        Hourly: period 24, h = 48.
#   --methods LIST       forecastin methods, one timed query each (default
#                        auto,arima,theta,croston,ets); options '{"period": P}'.
#                        LABEL@METHOD runs METHOD under another name, so one
#                        method can run with several options (--opts-hourly
#                        LABEL=JSON), e.g. mstl_arima@mstl
#   --r-methods LIST     R forecast methods (default ets,thetaf,auto.arima;
#                        "none" for none)
#   --limit N            only the first N series of each set (M4 order)
#   --no-cache           recompute the R runs this report needs
#   --hourly-arima-subset N   R auto.arima on hourly only for a random subset of
#                        N series (set.seed(42) sample of all 414, M4 order;
#                        default 60, 0 = all; ~1 min CPU per series). Every
#                        method is then also scored on that subset.
#   --opts-hourly X      forecastin options on hourly: X = JSON replaces the
#                        options of 'auto'; X = METHOD=JSON those of METHOD
#                        (repeatable), e.g. --opts-hourly '{"periods": [24, 168]}'
#   --opts-weekly X      the same for weekly
#   --candidates LIST    methods whose CPU per series 'auto' must not exceed
#                        in sum (default arima,ets,theta)
#   --no-build           use the installed extension (no make && make install)
#   --r-only             no extension: fill/print the R side only
#   --results FILE       report file (default test/bench/results/m4_compare_<sets>[_limitN]_<UTC>.txt)
#
# forecastin side: a throwaway cluster (test/pgcluster.sh), \copy of the train
# CSV, then per method ONE query in one backend (max_parallel_workers_per_gather
# = 0) timed by wall clock and backend CPU (/proc/<pid>/stat):
#   SELECT ... FROM (SELECT series_id, forecastin.fit(t, y, M, OPTS) AS m
#                    FROM m4_<set> GROUP BY series_id) s, LATERAL forecastin.forecast(s.m, H) f
# R side: test/bench/m4_r_methods.R, one R process per method, each series
# timed by proc.time(); results cached per method in /tmp/forecastin-bench-cache
# (the ets key is m4_ets.sh's, so their caches are shared). Scoring:
# m4_score.R (per-series detail), table and targets: m4_compare_report.R.
set -uo pipefail
# The whole script is one { ... } block: bash parses it completely before running it, so
# editing this file during a long run cannot change the run.
{
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}
CACHE=${FORECASTIN_BENCH_CACHE:-/tmp/forecastin-bench-cache}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

orig_args="$*"
sets=all methods=auto,arima,theta,croston,ets rmethods=ets,thetaf,auto.arima limit=0 nocache=0
hsub=60 seed=42 nobuild=0 ronly=0 results="" candidates=arima,ets,theta
declare -A OPT_OVR=()   # "<set>:<method>" -> options JSON
add_opt() {   # add_opt SET ARG
	local set=$1 a=$2 m j
	if [[ $a =~ ^([a-z_][a-z0-9_]*)=(.*)$ ]]; then m=${BASH_REMATCH[1]} j=${BASH_REMATCH[2]}; else m=auto j=$a; fi
	OPT_OVR["$set:$m"]=$j
}
while [ $# -gt 0 ]; do
	case "$1" in
		weekly|hourly|all) sets=$1 ;;
		--methods) methods=$2; shift ;;
		--r-methods) rmethods=$2; shift ;;
		--limit) limit=$2; shift ;;
		--no-cache) nocache=1 ;;
		--hourly-arima-subset) hsub=$2; shift ;;
		--opts-hourly) add_opt hourly "$2"; shift ;;
		--opts-weekly) add_opt weekly "$2"; shift ;;
		--candidates) candidates=$2; shift ;;
		--no-build) nobuild=1 ;;
		--r-only) ronly=1 ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,45p' "$0"; exit 0 ;;
		*) echo "m4_compare.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
case "$limit$hsub" in ''|*[!0-9]*) echo "m4_compare.sh: --limit / --hourly-arima-subset need a number" >&2; exit 2 ;; esac
[ "$sets" = all ] && sets="weekly hourly"
[ "$rmethods" = none ] && rmethods=""
[ $ronly = 1 ] && methods=""
for m in ${methods//,/ }; do
	[[ $m =~ ^[a-z_0-9]+(@[a-z_]+)?$ ]] || { echo "m4_compare.sh: bad method name '$m' (METHOD or LABEL@METHOD)" >&2; exit 2; }
done
for m in ${rmethods//,/ }; do
	case $m in ets|thetaf|auto.arima|naive) ;; *) echo "m4_compare.sh: R method must be ets, thetaf, auto.arima (or naive): '$m'" >&2; exit 2 ;; esac
done

stamp=$(date -u +%Y%m%dT%H%MZ)
if [ -z "$results" ]; then
	mkdir -p "$HERE/results"
	tag=${sets// /+}; [ "$limit" -gt 0 ] && tag="${tag}_limit$limit"
	results="$HERE/results/m4_compare_${tag}_${stamp}.txt"
fi
WORK=$(mktemp -d /tmp/forecastin-compare.XXXXXX)
chmod 755 "$WORK"
exec > >(tee "$results") 2>&1
T_START=$(date +%s)

say() { printf '%s\n' "$*"; }
show() { say "+ $*"; "$@"; }

say "# forecastin vs R on M4 (issue 3 comparison), $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "command: test/bench/m4_compare.sh $orig_args"
say "sets: $sets; forecastin methods: ${methods:-none}; R methods: ${rmethods:-none}; limit: $limit; hourly auto.arima subset: $hsub (seed $seed)"
say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)  (shared machine: CPU seconds are reported beside wall clock)"
say "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src sql Makefile 2>/dev/null || echo ' (+ uncommitted changes in src/sql/Makefile)') ($(git -C "$ROOT" log -1 --format='%ad %s' --date=iso 2>/dev/null | cut -c1-80))"
say "PostgreSQL: $("$PGBIN/postgres" --version)"
say "R: $(R --version | head -1); forecast $(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)"
say "data: $DATA; R cache: $CACHE"
say "report: $results"
say ""

# ---------------------------------------------------------------- setup
show "$ROOT/test/install_deps.sh" --bench || { say "install_deps failed"; exit 1; }
ext_ok=0
if [ -n "$methods" ]; then
	if [ $nobuild = 0 ]; then
		say "+ make -C $ROOT && make -C $ROOT install   (log: $WORK/build.log)"
		if ! { make -C "$ROOT" >"$WORK/build.log" 2>&1 && make -C "$ROOT" install >>"$WORK/build.log" 2>&1; }; then
			tail -30 "$WORK/build.log"
			say "BUILD FAILED (src/ may be mid-edit by someone else): retry later, or use --no-build to run the installed extension"
			exit 1
		fi
	else
		say "--no-build: using the installed extension, which may not match git HEAD or the working tree"
	fi
	so="$("$PGBIN/pg_config" --pkglibdir)/forecastin.so"
	say "installed $so: $(date -u -r "$so" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$so" | cut -c1-16)"
	# shellcheck source=../pgcluster.sh
	source "$ROOT/test/pgcluster.sh"
	show pgc_start "max_parallel_workers_per_gather = 0" "work_mem = '64MB'" || exit 1
	trap 'pgc_stop; rm -rf "$WORK"' EXIT
	if ! show psql -X -v ON_ERROR_STOP=1 -qc 'CREATE EXTENSION forecastin CASCADE'; then
		say "CREATE EXTENSION failed"; pgc_log | tail -20; exit 1
	fi
	say "server: $(psql -XAtc 'SELECT version()' | cut -c1-60); forecastin $(psql -XAtc "SELECT extversion FROM pg_extension WHERE extname = 'forecastin'")"
	ext_ok=1
else
	trap 'rm -rf "$WORK"' EXIT
fi
RV=$(R --version | head -1 | awk '{ print $3 }')
FV=$(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)
TCK=$(getconf CLK_TCK)
say ""

summary=()
status=0

# per-series timing of the ids in $2 from a cache dir:
# "n elapsed cpu runs", runs = "<n> series from the R run started <t>; ..."
cache_timing() {
	awk -F'\t' 'NR == FNR { want[$1] = 1; next }
		FNR > 1 && ($1 in want) { n++; e += $2; c += $3; if (!($4 in k)) o[++no] = $4; k[$4]++ }
		END { r = ""; for (i = 1; i <= no; i++) r = r (i > 1 ? "; " : "") k[o[i]] " series from the R run " (o[i] ~ /^[0-9][0-9][0-9][0-9]-/ ? "started " : "") o[i]
		      printf "%d %.3f %.3f %s\n", n, e, c, (r == "" ? "-" : r) }' "$2" "$1/per_series.tsv"
}

# Seed a hourly auto.arima subset cache from arima_m4.sh's run
# (test/bench/results/r_auto_arima_hourly<N>_{fc,models}.csv, same fit and
# forecast calls, same set.seed sample) when its series are in our subset.
import_arima_results() {
	local cdir=$1 subids=$2 P=$3 H=$4 pre="$HERE/results/r_auto_arima_hourly$hsub"
	[ -s "${pre}_models.csv" ] && [ -s "${pre}_fc.csv" ] && [ "$seed" = 42 ] || return 0
	local n bad
	n=$(($(wc -l <"${pre}_models.csv") - 1))
	bad=$(awk -F, -v P="$P" 'NR == FNR { s[$1] = 1; next } FNR > 1 && (!($1 in s) || $8 != P) { b++ } END { print b + 0 }' "$subids" "${pre}_models.csv")
	if [ "$bad" != 0 ] || [ "$(awk -F, -v H="$H" 'NR > 1 && $2 > H { b++ } END { print b + 0 }' "${pre}_fc.csv")" != 0 ]; then
		say "not importing ${pre}_*.csv: its series are not this subset (or period/horizon differ)"
		return 0
	fi
	local when started
	when=$(date -u -r "${pre}_models.csv" '+%Y-%m-%dT%H:%MZ')
	started=$( [ -s "${pre}_info.txt" ] && sed -n 's/^started=//p' "${pre}_info.txt" || echo "of arima_m4_r.R (start not recorded; its files last written $when)")
	mkdir -p "$cdir"
	cp "${pre}_fc.csv" "$cdir/forecasts.csv"
	awk -F, 'BEGIN { OFS = "\t"; print "series_id", "form", "aicc" }
		FNR > 1 { f = "ARIMA(" $2 "," $3 "," $4 ")"; if ($8 > 1 && $5 + $6 + $7 > 0) f = f "(" $5 "," $6 "," $7 ")[" $8 "]"
			if ($9 == 1) f = f " with drift"; else if ($10 == 1) f = f " with non-zero mean"; else if ($3 == 0 && $6 == 0) f = f " with zero mean"
			print $1, f, $11 }' "${pre}_models.csv" >"$cdir/forecasts_models.tsv"
	awk -F, -v s="$started" -v w="$when" 'BEGIN { OFS = "\t"; print "series_id", "elapsed_s", "cpu_s", "run_started", "finished" }
		FNR > 1 { print $1, $13, $14, s, "<=" w }' "${pre}_models.csv" >"$cdir/per_series.tsv"
	printf 'imported %d series from %s_{fc,models}.csv (arima_m4.sh --run-r, R auto.arima(y) + forecast(fit, h), file written %s) on %s\n' \
		"$n" "$pre" "$when" "$(date -u '+%Y-%m-%dT%H:%MZ')" >"$cdir/IMPORTED"
	say "seeded cache $cdir with $n series of R auto.arima from ${pre}_*.csv (that run's per-series proc.time; file written $when)"
}

# ---------------------------------------------------------------- one set
run_set() {
	local set=$1 P H Cap thr
	case $set in
		weekly) P=1; H=13; Cap=Weekly; thr=0.90 ;;
		hourly) P=24; H=48; Cap=Hourly; thr=0.45 ;;
	esac
	local train="$DATA/m4_${set}_train.csv" test="$DATA/m4_${set}_test.csv"
	local W="$WORK/$set"; mkdir -p "$W"; chmod 755 "$W"
	say "=================================================================="
	say "## M4 $Cap: period $P, horizon $H$( [ "$limit" -gt 0 ] && echo ", first $limit series")"
	say "=================================================================="
	awk -F, 'NR > 1 && !seen[$1]++ { print $1 }' "$train" >"$W/all_ids.txt"
	awk -v lim="$limit" 'lim == 0 || NR <= lim' "$W/all_ids.txt" >"$W/ids.txt"
	local nall nser; nall=$(wc -l <"$W/all_ids.txt"); nser=$(wc -l <"$W/ids.txt")
	awk -F, 'NR == FNR { keep[$1] = 1; next } FNR == 1 || ($1 in keep)' "$W/ids.txt" "$train" >"$W/train.csv"
	say "series: $nser of $nall, training rows: $(( $(wc -l <"$W/train.csv") - 1 ))"
	printf 'name\tside\tmethod\tscope\tn_timed\twall_s\tcpu_s\ttimed_on\tsource\tfc_file\n' >"$W/meta.tsv"
	local specs=() subspecs=() sub=0

	# ---------------- forecastin: one timed query per method
	if [ $ext_ok = 1 ] && [ -n "$methods" ]; then
		say "+ psql: CREATE TABLE m4_$set (series_id text, t bigint, y float8); \\copy m4_$set FROM '.../train.csv' CSV HEADER; ANALYZE"
		psql -X -v ON_ERROR_STOP=1 -q <<-EOF || { say "load failed"; status=1; return 1; }
			CREATE TABLE m4_$set (series_id text, t bigint, y float8);
			\copy m4_$set FROM '$W/train.csv' CSV HEADER
			ANALYZE m4_$set;
		EOF
		local meth entry real
		for entry in ${methods//,/ }; do
			meth=${entry%%@*} real=${entry#*@}	# LABEL@METHOD, or METHOD
			local opts="{\"period\": $P}" src="default"
			if [ -n "${OPT_OVR[$set:$meth]+x}" ]; then opts=${OPT_OVR[$set:$meth]}; src="--opts-$set override"; fi
			local qopts=${opts//\'/\'\'}
			local tb="fc_${set}_$meth"
			local qs="SELECT s.series_id, f.step, f.yhat,
       CASE WHEN f.step = 1 THEN forecastin.model_info(s.m) END AS info
FROM (SELECT series_id, forecastin.fit(t, y, '$real', '$qopts') AS m
      FROM m4_$set GROUP BY series_id) s,
     LATERAL forecastin.forecast(s.m, $H) f"
			say ""
			say "### forecastin $meth$([ "$real" != "$meth" ] && echo " (method $real)"): options $opts ($src)"
			say "+ psql (timed, one backend, max_parallel_workers_per_gather = 0):"
			say "CREATE TABLE $tb AS"
			say "$qs;"
			psql -X -q -v ON_ERROR_STOP=1 >"$W/fit_$meth.out" 2>&1 <<-EOF
				SELECT pg_backend_pid() AS pid \gset
				\setenv BENCH_PID :pid
				\! awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat >$W/cpu0; date +%s.%N >$W/t0
				CREATE TABLE $tb AS
				$qs;
				\! date +%s.%N >$W/t1; awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat >$W/cpu1
			EOF
			local rc=$?
			if [ $rc != 0 ]; then
				say "FORECASTIN $meth FAILED (rc $rc):"
				sed 's/^/    /' "$W/fit_$meth.out" | head -20
				say "server log tail:"; pgc_log | tail -10 | sed 's/^/    /'
				diagnose "$set" "$real" "$qopts" "$H" "$W"
				status=1
				summary+=("$Cap: forecastin $meth FAILED (see above)")
				continue
			fi
			local wall cpu
			wall=$(awk '{ a = $1 } END { getline b < "'"$W/t1"'"; printf "%.3f", b - a }' "$W/t0")
			cpu=$(awk -v t="$TCK" '{ a = $1 } END { getline b < "'"$W/cpu1"'"; printf "%.2f", (b - a) / t }' "$W/cpu0")
			say "forecastin $meth: $nser series in $wall s wall, $cpu s backend CPU ($(awk -v n="$nser" -v w="$wall" -v c="$cpu" 'BEGIN { printf "%.2f series/s, %s series/CPU-s", n / w, (c > 0 ? sprintf("%.2f", n / c) : "-") }'))"
			psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT series_id, step, yhat FROM $tb ORDER BY series_id, step) TO '$W/fc_$meth.csv' CSV HEADER"
			psql -X -q -c "\\copy (SELECT series_id, info->>'method', info->>'form' FROM $tb WHERE info IS NOT NULL ORDER BY 1) TO '$W/models_$meth.tsv'"
			say "model_info keys: $(psql -XAtc "SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT DISTINCT jsonb_object_keys(info) k FROM $tb WHERE info IS NOT NULL) x")"
			say "model_info of the first series: $(psql -XAtc "SELECT info FROM $tb WHERE info IS NOT NULL ORDER BY series_id LIMIT 1" | cut -c1-400)"
			say "chosen (count, info->>'method', info->>'form'; top 12):"
			psql -XAt -F' | ' -c "SELECT count(*), coalesce(info->>'method', '-'), coalesce(info->>'form', '-') FROM $tb WHERE info IS NOT NULL GROUP BY 2, 3 ORDER BY 1 DESC, 2, 3 LIMIT 12" | sed 's/^/    /'
			say "    by info->>'method': $(psql -XAt -c "SELECT string_agg(c || ' ' || m, ', ' ORDER BY c DESC, m) FROM (SELECT coalesce(info->>'method', '-') m, count(*) c FROM $tb WHERE info IS NOT NULL GROUP BY 1) x")"
			say "    by form with orders/parameters stripped: $(psql -XAt -c "SELECT string_agg(c || ' ' || f, ', ' ORDER BY c DESC, f) FROM (SELECT regexp_replace(regexp_replace(coalesce(info->>'form', '-'), '\\([^()]*\\)', '', 'g'), '\\[[0-9]+\\]', '', 'g') f, count(*) c FROM $tb WHERE info IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 8) x")"
			say "    fallbacks: $(psql -XAt -c "SELECT count(*) FILTER (WHERE coalesce(info->>'fallback', '') NOT IN ('', 'null')) || ' series' || coalesce(' (' || (SELECT string_agg(c || ' x ' || f, '; ' ORDER BY c DESC) FROM (SELECT info->>'fallback' f, count(*) c FROM $tb WHERE coalesce(info->>'fallback', '') NOT IN ('', 'null') GROUP BY 1 ORDER BY 2 DESC LIMIT 3) y) || ')', '') FROM $tb WHERE info IS NOT NULL")"
			say "    $(psql -XAt -c "SELECT 'rows with NULL/NaN/inf yhat: ' || count(*) FILTER (WHERE yhat IS NULL OR yhat = 'NaN' OR yhat IN ('Infinity', '-Infinity')) || ', series: ' || count(DISTINCT series_id) || ', rows: ' || count(*) FROM $tb")"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "fi_$meth" forecastin "$meth" full "$nser" "$wall" "$cpu" \
				"all $nser, this run" "options $opts" "$W/fc_$meth.csv" >>"$W/meta.tsv"
			specs+=("fi_$meth=$W/fc_$meth.csv")
		done
	fi

	# ---------------- R
	local sha; sha=$(sha256sum "$train" | cut -c1-16)
	local rmeth n el cpu st0 runs
	for rmeth in ${rmethods//,/ }; do
		st0="" runs=""
		local suffix="" idsf="$W/ids.txt" scope=full cdir key partial=0 label
		[ "$rmeth" != ets ] && suffix="_$rmeth"
		if [ "$set" = hourly ] && [ "$rmeth" = auto.arima ] && [ "$hsub" -gt 0 ] && [ "$hsub" -lt "$nall" ]; then
			# seeded random subset of all series (arima_m4_r.R's draw), kept in M4 order
			Rscript -e 'a <- commandArgs(TRUE); ids <- readLines(a[1]); set.seed(as.integer(a[3])); writeLines(ids[sort(sample(length(ids), as.integer(a[2])))], a[4])' \
				"$W/all_ids.txt" "$hsub" "$seed" "$W/subset_all.txt"
			awk 'NR == FNR { s[$1] = 1; next } ($1 in s)' "$W/subset_all.txt" "$W/ids.txt" >"$W/subset.txt"
			idsf="$W/subset.txt" scope=subset partial=1
			key="${set}_${sha}_subset${hsub}_seed${seed}_P${P}_H${H}_R${RV}_forecast${FV}${suffix}"
			cdir="$CACHE/$key"
			[ -d "$cdir" ] || import_arima_results "$cdir" "$W/subset_all.txt" "$P" "$H"
		else
			key="${set}_${sha}_limit${limit}_P${P}_H${H}_R${RV}_forecast${FV}${suffix}"
			cdir="$CACHE/$key"
		fi
		local nids; nids=$(wc -l <"$idsf")
		if [ "$nids" = 0 ]; then say ""; say "### R $rmeth: none of the $hsub subset series is in this selection: not run"; continue; fi
		say ""
		say "### R $rmeth on $( [ $scope = subset ] && echo "a random subset: $nids series (set.seed($seed) sample of $hsub of all $nall, kept if in this selection)" || echo "$nids series")"
		local before="" redo=""
		case $rmeth in
			ets) say "R call per series: y <- ts(y, frequency = $P); fit <- ets(y); forecast(fit, h = $H)\$mean" ;;
			thetaf) say "R call per series: y <- ts(y, frequency = $P); thetaf(y, h = $H)\$mean" ;;
			auto.arima) say "R call per series: y <- ts(y, frequency = $P); fit <- auto.arima(y); forecast(fit, h = $H)\$mean" ;;
			naive) say "R call per series: naive(ts(y, frequency = $P), h = $H)\$mean  (plumbing stand-in)" ;;
		esac
		if [ $partial = 0 ]; then
			# whole-selection cache (m4_ets.sh's format): complete = has 'timing'
			if [ $nocache = 1 ]; then rm -rf "$cdir.tmp"; fi
			if [ $nocache = 1 ] || [ ! -s "$cdir/timing" ]; then
				[ -s "$cdir.tmp/per_series.tsv" ] && before="resuming the interrupted cache $cdir.tmp; "
				say "+ Rscript test/bench/m4_r_methods.R $train $P $H $rmeth $cdir.tmp ids.txt   (${before}one R process)"
				if ! flock "$cdir.lock" Rscript "$HERE/m4_r_methods.R" "$train" "$P" "$H" "$rmeth" "$cdir.tmp" "$idsf"; then
					say "R $rmeth FAILED"; status=1; continue
				fi
				read -r n el cpu runs < <(cache_timing "$cdir.tmp" "$idsf")
				st0=$(awk -F'\t' 'NR > 1 && (m == "" || $4 < m) { m = $4 } END { print m }' "$cdir.tmp/per_series.tsv")
				printf 'series=%d\nelapsed_s=%s\ncpu_s=%s\nstarted=%s\nr_version=%s\nforecast_version=%s\nmethod=%s\nwritten_by=m4_compare.sh: sum of per-series proc.time; %s\n' \
					"$n" "$el" "$cpu" "$st0" "$RV" "$FV" "$rmeth" "$runs" >"$cdir.tmp/timing"
				rm -rf "$cdir"; mv "$cdir.tmp" "$cdir"
				label="computed now ($before$runs); cached in $cdir"
			else
				st0=$(sed -n 's/^started=//p' "$cdir/timing")
				label="LOADED FROM CACHE $cdir (R run started $st0, not rerun now; --no-cache to rerun)"
			fi
			local tel tcpu tn
			tn=$(sed -n 's/^series=//p' "$cdir/timing"); tel=$(sed -n 's/^elapsed_s=//p' "$cdir/timing"); tcpu=$(sed -n 's/^cpu_s=//p' "$cdir/timing")
			if [ "$tn" != "$nids" ]; then say "cache $cdir has $tn series, expected $nids: not used"; status=1; continue; fi
			n=$tn el=$tel cpu=$tcpu
		else
			# per-series cache, filled as needed (and resumable)
			local had=0
			[ -s "$cdir/per_series.tsv" ] && had=$(awk -F'\t' 'NR == FNR { w[$1] = 1; next } FNR > 1 && ($1 in w) { n++ } END { print n + 0 }' "$idsf" "$cdir/per_series.tsv")
			[ $nocache = 1 ] && redo=--redo && had=0
			if [ "$had" -lt "$nids" ]; then
				say "+ Rscript test/bench/m4_r_methods.R $train $P $H $rmeth $cdir subset.txt $redo   ($had of $nids cached; one R process; ~1 min CPU per hourly series)"
				if ! flock "$cdir.lock" Rscript "$HERE/m4_r_methods.R" "$train" "$P" "$H" "$rmeth" "$cdir" "$idsf" $redo; then
					say "R $rmeth FAILED"; status=1; continue
				fi
			fi
			read -r n el cpu runs < <(cache_timing "$cdir" "$idsf")
			if [ "$n" != "$nids" ]; then say "cache $cdir has $n of the $nids series: not used"; status=1; continue; fi
			st0=$runs
			label="per-series cache $cdir: $had of $nids series LOADED FROM CACHE, $((nids - had)) computed now; $runs"
			[ -s "$cdir/IMPORTED" ] && label="$label; $(cat "$cdir/IMPORTED")"
		fi
		say "R $rmeth: $n series in $el s wall, $cpu s CPU ($(awk -v n="$n" -v w="$el" -v c="$cpu" 'BEGIN { printf "%.3f series/s, %.3f series/CPU-s", n / w, n / c }')) -- $label"
		if [ -s "$cdir/forecasts_models.tsv" ]; then
			say "R $rmeth chosen (count; top 8):"
			awk -F'\t' 'NR == FNR { w[$1] = 1; next } FNR > 1 && ($1 in w) { c[$2]++ } END { for (f in c) print c[f], f }' "$idsf" "$cdir/forecasts_models.tsv" | sort -k1,1nr -k2 | head -8 | sed 's/^/    /'
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "R_$rmeth" R "$rmeth" "$scope" "$n" "$el" "$cpu" \
			"$( [ $scope = subset ] && echo "subset $n" || echo "all $n")" "$( [[ $label == computed* ]] && echo "this run" || { [ $partial = 1 ] && echo "$st0" || echo "cache, R run started $st0"; })" "$cdir/forecasts.csv" >>"$W/meta.tsv"
		if [ $scope = subset ]; then subspecs+=("R_$rmeth=$cdir/forecasts.csv"); sub=1; else specs+=("R_$rmeth=$cdir/forecasts.csv"); fi
	done

	# ---------------- scoring and report
	say ""
	if [ ${#specs[@]} = 0 ] && [ ${#subspecs[@]} = 0 ]; then say "nothing to score"; return 1; fi
	local setarg=()
	[ "$limit" = 0 ] && setarg=(--set "$set")
	say "+ Rscript test/bench/m4_score.R --train $train --test $test --period $P --horizon $H --limit $limit ${setarg[*]} --detail detail_full.csv $(printf '%s ' "${specs[@]%%=*}")"
	Rscript "$HERE/m4_score.R" --train "$train" --test "$test" --period "$P" --horizon "$H" \
		--limit "$limit" "${setarg[@]}" --detail "$W/detail_full.csv" "${specs[@]}" >"$W/score_full.txt" 2>&1
	local src=$?
	sed 's/^/    /' "$W/score_full.txt"
	[ $src = 0 ] || { say "m4_score.R failed (rc $src)"; status=1; [ -s "$W/detail_full.csv" ] || return 1; }
	local subargs=()
	if [ $sub = 1 ]; then
		awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || ($1 in k)' "$W/subset.txt" "$train" >"$W/train_sub.csv"
		awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || ($1 in k)' "$W/subset.txt" "$test" >"$W/test_sub.csv"
		say "+ Rscript test/bench/m4_score.R --train train_sub.csv --test test_sub.csv --period $P --horizon $H --detail detail_sub.csv (all methods, subset series)"
		Rscript "$HERE/m4_score.R" --train "$W/train_sub.csv" --test "$W/test_sub.csv" --period "$P" --horizon "$H" \
			--detail "$W/detail_sub.csv" "${specs[@]}" "${subspecs[@]}" >"$W/score_sub.txt" 2>&1 || { sed 's/^/    /' "$W/score_sub.txt"; status=1; }
		subargs=(--subset "$W/detail_sub.csv" --subset-label "R auto.arima subset, set.seed($seed) sample of $hsub of all $nall")
	fi
	say ""
	Rscript "$HERE/m4_compare_report.R" --set "$set" --meta "$W/meta.tsv" --full "$W/detail_full.csv" "${subargs[@]}" \
		--limited "$( [ "$limit" -gt 0 ] && [ "$limit" -lt "$nall" ] && echo 1 || echo 0)" --threshold "$thr" \
		--candidates "$candidates" >"$W/report.txt" 2>&1 || { status=1; }
	cat "$W/report.txt"
	summary+=("$(cat "$W/report.txt")" "")
	say ""
}

# A failed bulk query: which series fail, with what error (per series, untimed).
diagnose() {
	local set=$1 meth=$2 qopts=$3 H=$4 W=$5
	say "diagnosis: refitting $meth series by series (untimed) to find the failing ones"
	psql -X -q -At -v ON_ERROR_STOP=1 >"$W/diag_$meth.out" 2>&1 <<-EOF
		CREATE FUNCTION pg_temp.try_fc(sid text) RETURNS text LANGUAGE plpgsql AS \$\$
		DECLARE mdl forecastin.model; k int;
		BEGIN
			SELECT forecastin.fit(m.t, m.y, '$meth', '$qopts') INTO mdl FROM m4_$set m WHERE m.series_id = sid;
			SELECT count(*) INTO k FROM forecastin.forecast(mdl, $H);
			RETURN NULL;
		EXCEPTION WHEN OTHERS THEN
			RETURN SQLSTATE || ': ' || SQLERRM;
		END \$\$;
		CREATE TEMP TABLE diag AS SELECT series_id, pg_temp.try_fc(series_id) AS err FROM (SELECT DISTINCT series_id FROM m4_$set) s;
		SELECT count(*) || ' of ' || (SELECT count(*) FROM diag) || ' series fail' FROM diag WHERE err IS NOT NULL;
		SELECT series_id || ': ' || err FROM diag WHERE err IS NOT NULL ORDER BY 1 LIMIT 10;
	EOF
	sed 's/^/    /' "$W/diag_$meth.out" | head -15
}

for s in $sets; do run_set "$s" || status=1; done

say "=================================================================="
say "## Summary ($(date -u '+%Y-%m-%d %H:%M UTC'); load average now: $(cut -d' ' -f1-3 /proc/loadavg); this run took $(( $(date +%s) - T_START )) s)"
for line in "${summary[@]}"; do say "$line"; done
say "Speeds: one PostgreSQL backend (no parallel workers) per forecastin method, one R process per R method;"
say "backend CPU = utime+stime from /proc, R CPU = proc.time user+sys per series. Every figure is from this run"
say "or from a cache labelled with the date of the R run that made it. OWA vs Naive2 (m4_score.R)."
say "report written to $results"
exit $status
}
