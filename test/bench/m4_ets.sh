#!/bin/bash
# test/bench/m4_ets.sh: M4 Weekly/Hourly accuracy and speed of forecastin's
# automatic ETS, side by side with R forecast::ets on the same series.
#
#   test/bench/m4_ets.sh [weekly|hourly|all] [--limit N] [--no-cache]
#                        [--method M] [--r-only] [--results FILE]
#
#   weekly|hourly|all  which M4 set(s) (default: all)
#   --limit N          only the first N series of each set (M4 order)
#   --no-cache         rerun R's ets even if a cached run exists
#   --method M         forecastin method to fit (default: ets)
#   --r-only           skip the extension (R reference + scoring only)
#   --results FILE     where the report goes (default
#                      test/bench/results/m4_ets_<set>[_limitN]_<UTC time>.txt)
#
# Per set: loads the train CSV with \copy into a throwaway cluster, runs ONE
# query  fit(t, y, M, '{"period": P}') GROUP BY series + LATERAL forecast(m, h)
# (single backend, max_parallel_workers_per_gather = 0) and times it (wall
# clock and backend CPU), exports the forecasts, runs R's
# ets(ts(y, frequency = P)) + forecast(fit, h)$mean on the same series in one
# R process (timed the same way), and scores both with m4_score.R (sMAPE,
# MASE, OWA vs Naive2).  Weekly: P = 1, h = 13.  Hourly: P = 24, h = 48.
#
# R's runs are cached in /tmp/forecastin-bench-cache keyed by the training
# file's SHA-256, the set, the limit and the R/forecast versions (the hourly
# run takes ~20 min); the report says whether R's numbers were computed now
# or loaded from a cache and when that cache was made.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}
CACHE=${FORECASTIN_BENCH_CACHE:-/tmp/forecastin-bench-cache}

orig_args="$*"
sets=all limit=0 nocache=0 method=ets ronly=0 results=""
while [ $# -gt 0 ]; do
	case "$1" in
		weekly|hourly|all) sets=$1 ;;
		--limit) limit=$2; shift ;;
		--no-cache) nocache=1 ;;
		--method) method=$2; shift ;;
		--r-only) ronly=1 ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
		*) echo "m4_ets.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
case "$limit" in ''|*[!0-9]*) echo "m4_ets.sh: --limit needs a number" >&2; exit 2 ;; esac
[ "$sets" = all ] && sets="weekly hourly"

stamp=$(date -u +%Y%m%dT%H%MZ)
if [ -z "$results" ]; then
	mkdir -p "$HERE/results"
	tag=${sets// /+}; [ "$limit" -gt 0 ] && tag="${tag}_limit$limit"
	[ "$method" != ets ] && tag="${tag}_$method"
	results="$HERE/results/m4_ets_${tag}_${stamp}.txt"
fi
WORK=$(mktemp -d /tmp/forecastin-bench.XXXXXX)
chmod 755 "$WORK"
exec > >(tee "$results") 2>&1

say() { printf '%s\n' "$*"; }
show() { say "+ $*"; "$@"; }

say "# forecastin M4 ETS benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "command: test/bench/m4_ets.sh $orig_args   (sets: $sets; method: $method)"
say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)  (other jobs on this machine share the 2 cores; CPU seconds are reported beside wall clock)"
say "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src sql Makefile 2>/dev/null || echo ' (+ uncommitted changes in src/sql/Makefile)') ($(git -C "$ROOT" log -1 --format='%ad %s' --date=iso 2>/dev/null | cut -c1-80))"
say "PostgreSQL: $(/usr/lib/postgresql/15/bin/postgres --version)"
say "gcc: $(gcc --version | head -1)"
say "R: $(R --version | head -1); forecast $(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)"
say "data: $DATA  (M4 train/test CSVs, see its README.md)"
say "report: $results"
say ""

# ---------------------------------------------------------------- setup
show "$ROOT/test/install_deps.sh" --bench || { say "install_deps failed"; exit 1; }

ext_ok=0 fake=${FORECASTIN_BENCH_FAKE:-0}
if [ "$fake" = 1 ]; then
	say "FORECASTIN_BENCH_FAKE=1: SQL stand-in test/bench/fake_forecastin.sql (naive) instead of the extension -- plumbing test, numbers are NOT forecastin's"
	ext_ok=1
elif [ $ronly = 0 ]; then
	say "+ make -C $ROOT && make -C $ROOT install   (log: $WORK/build.log)"
	if make -C "$ROOT" >"$WORK/build.log" 2>&1 && make -C "$ROOT" install >>"$WORK/build.log" 2>&1; then
		ext_ok=1
	else
		tail -30 "$WORK/build.log"
		say "BUILD FAILED: forecastin rows will be missing; R reference and scoring still run"
	fi
fi
if [ $ext_ok = 1 ]; then
	# shellcheck source=../pgcluster.sh
	source "$ROOT/test/pgcluster.sh"
	trap 'pgc_stop; rm -rf "$WORK"' EXIT
	show pgc_start "max_parallel_workers_per_gather = 0" "work_mem = '64MB'" || exit 1
	trap 'pgc_stop; rm -rf "$WORK"' EXIT
	say "server: $(psql -XAtc 'SELECT version()')"
	if [ "$fake" = 1 ]; then
		psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/fake_forecastin.sql" || exit 1
	elif ! show psql -X -v ON_ERROR_STOP=1 -qc 'CREATE EXTENSION forecastin CASCADE'; then
		say "CREATE EXTENSION failed"; pgc_log | tail -20; ext_ok=0
	else
		say "forecastin extension version: $(psql -XAtc "SELECT extversion FROM pg_extension WHERE extname = 'forecastin'")"
	fi
else
	trap 'rm -rf "$WORK"' EXIT
fi
say ""

summary=()
status=0

# ---------------------------------------------------------------- one set
run_set() {
	local set=$1 P H Cap
	case $set in
		weekly) P=1; H=13; Cap=Weekly ;;
		hourly) P=24; H=48; Cap=Hourly ;;
	esac
	local train="$DATA/m4_${set}_train.csv" test="$DATA/m4_${set}_test.csv"
	local W="$WORK/$set"; mkdir -p "$W"; chmod 755 "$W"
	say "=================================================================="
	say "## M4 $Cap: period $P, horizon $H$( [ "$limit" -gt 0 ] && echo ", first $limit series")"
	say "=================================================================="

	# series selection (M4 order) and filtered training CSV
	awk -F, -v lim="$limit" 'NR > 1 && !seen[$1]++ { n++; if (lim == 0 || n <= lim) print $1 }' "$train" >"$W/ids.txt"
	local nser; nser=$(wc -l <"$W/ids.txt")
	awk -F, 'NR == FNR { keep[$1] = 1; next } FNR == 1 || ($1 in keep)' "$W/ids.txt" "$train" >"$W/train.csv"
	say "series: $nser, training rows: $(( $(wc -l <"$W/train.csv") - 1 ))"

	local specs=() ours_rate="" r_rate="" ours_crate="" r_crate=""

	# ---------------- forecastin
	if [ $ext_ok = 1 ]; then
		local opts="{\"period\": $P}"
		local qs="SELECT s.series_id, f.step, f.yhat,
       CASE WHEN f.step = 1 THEN forecastin.model_info(s.m) END AS info
FROM (SELECT series_id, forecastin.fit(t, y, '$method', '$opts') AS m
      FROM m4_$set GROUP BY series_id) s,
     LATERAL forecastin.forecast(s.m, $H) f"
		local q="CREATE TABLE fc_$set AS
$qs"
		say "+ psql: CREATE TABLE m4_$set (series_id text, t bigint, y float8); \\copy m4_$set FROM '$W/train.csv' CSV HEADER; ANALYZE"
		psql -X -v ON_ERROR_STOP=1 -q <<-EOF || { say "load failed"; return 1; }
			CREATE TABLE m4_$set (series_id text, t bigint, y float8);
			\copy m4_$set FROM '$W/train.csv' CSV HEADER
			ANALYZE m4_$set;
		EOF
		say "+ psql (timed, one backend, max_parallel_workers_per_gather = 0):"
		say "$q;"
		psql -X -q -v ON_ERROR_STOP=1 >"$W/fit.out" 2>&1 <<-EOF
			SELECT pg_backend_pid() AS pid \gset
			\setenv BENCH_PID :pid
			\! awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat >$W/cpu0; date +%s.%N >$W/t0
			$q;
			\! date +%s.%N >$W/t1; awk '{ print \$14 + \$15 }' /proc/\$BENCH_PID/stat >$W/cpu1
			SELECT 'plan:'; EXPLAIN (COSTS OFF) $qs;
		EOF
		local rc=$?
		if [ $rc = 0 ]; then
			local wall cpu tck; tck=$(getconf CLK_TCK)
			wall=$(awk '{ a = $1 } END { getline b < "'"$W/t1"'"; printf "%.3f", b - a }' "$W/t0")
			cpu=$(awk -v t="$tck" '{ a = $1 } END { getline b < "'"$W/cpu1"'"; printf "%.2f", (b - a) / t }' "$W/cpu0")
			ours_rate=$(awk -v n="$nser" -v w="$wall" 'BEGIN { printf "%.3f", n / w }')
			ours_crate=$(awk -v n="$nser" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.3f", n / c; else print "NA" }')
			say "forecastin $method: $nser series in $wall s wall ($cpu s backend CPU): $ours_rate series/s wall, $(awk -v n="$nser" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.2f", n / c; else print "-" }') series/CPU-s"
			say "plan: $(grep -v '^ *plan: *$' "$W/fit.out" | sed -n '/QUERY PLAN/,$p' | tr -s ' \n' ' ' | cut -c1-300)"
			psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT series_id, step, yhat FROM fc_$set ORDER BY series_id, step) TO '$W/fc_forecastin.csv' CSV HEADER"
			say "+ psql: \\copy (SELECT series_id, step, yhat FROM fc_$set ORDER BY series_id, step) TO '.../fc_forecastin.csv' CSV HEADER"
			say "forecastin model_info (first series): $(psql -XAtc "SELECT info FROM fc_$set WHERE info IS NOT NULL ORDER BY series_id LIMIT 1")"
			say "forecastin chosen forms (count):"
			psql -XAt -F' ' -c "SELECT count(*), coalesce(info->>'form', info->>'model', info->>'method', info::text) FROM fc_$set WHERE info IS NOT NULL GROUP BY 2 ORDER BY 1 DESC, 2 LIMIT 15" | sed 's/^/    /'
			psql -X -q -c "\\copy (SELECT series_id, info->>'form' AS form, info->>'aicc' AS aicc FROM fc_$set WHERE info IS NOT NULL ORDER BY 1) TO '$W/fc_forecastin_models.tsv'"
			psql -XAt -F' ' -c "SELECT 'rows with NULL/NaN/inf yhat: ' || count(*) FILTER (WHERE yhat IS NULL OR yhat = 'NaN' OR yhat IN ('Infinity', '-Infinity')) || ', series: ' || count(DISTINCT series_id) || ', rows: ' || count(*) FROM fc_$set"
			specs+=("forecastin_$method=$W/fc_forecastin.csv@$ours_rate@$ours_crate")
		else
			say "FORECASTIN QUERY FAILED (rc $rc):"
			sed 's/^/    /' "$W/fit.out" | head -20
			say "server log tail:"; pgc_log | tail -15 | sed 's/^/    /'
			status=1
			diagnose_set "$set" "$P" "$H" "$W"
			[ -s "$W/fc_forecastin.csv" ] && specs+=("forecastin_${method}(per-series,untimed)=$W/fc_forecastin.csv")
		fi
	fi

	# ---------------- R forecast::ets (cached)
	local sha rv fv key cdir
	sha=$(sha256sum "$train" | cut -c1-16)
	rv=$(R --version | head -1 | awk '{ print $3 }')
	fv=$(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)
	key="${set}_${sha}_limit${limit}_P${P}_H${H}_R${rv}_forecast${fv}"
	cdir="$CACHE/$key"
	local rfrom
	if [ $nocache = 0 ] && [ -s "$cdir/forecasts.csv" ] && [ -s "$cdir/timing" ]; then
		rfrom="LOADED FROM CACHE $cdir (R run started $(sed -n 's/^started=//p' "$cdir/timing"), not rerun now; --no-cache to rerun)"
	else
		mkdir -p "$cdir.tmp"
		say "+ Rscript test/bench/m4_r_ets.R $train $P $H $limit forecasts.csv timing ets   (one R process)"
		if ! Rscript "$HERE/m4_r_ets.R" "$train" "$P" "$H" "$limit" "$cdir.tmp/forecasts.csv" "$cdir.tmp/timing" ets; then
			say "R ets run FAILED"; status=1; return 1
		fi
		rm -rf "$cdir"; mv "$cdir.tmp" "$cdir"
		rfrom="computed now (R run started $(sed -n 's/^started=//p' "$cdir/timing")); cached in $cdir"
	fi
	local rel rcpu
	rel=$(sed -n 's/^elapsed_s=//p' "$cdir/timing"); rcpu=$(sed -n 's/^cpu_s=//p' "$cdir/timing")
	r_rate=$(awk -v n="$nser" -v w="$rel" 'BEGIN { printf "%.3f", n / w }')
	r_crate=$(awk -v n="$nser" -v c="$rcpu" 'BEGIN { printf "%.3f", n / c }')
	say "R ets: $nser series in $rel s wall ($rcpu s CPU): $r_rate series/s wall, $(awk -v n="$nser" -v c="$rcpu" 'BEGIN { printf "%.2f", n / c }') series/CPU-s -- $rfrom"
	specs+=("R_forecast::ets=$cdir/forecasts.csv@$r_rate@$r_crate")
	if [ -s "$cdir/forecasts_models.tsv" ]; then
		say "R chosen forms (count):"
		awk -F'\t' 'NR > 1 { c[$2]++ } END { for (f in c) print c[f], f }' "$cdir/forecasts_models.tsv" | sort -k1,1nr -k2 | head -15 | sed 's/^/    /'
		if [ -s "$W/fc_forecastin_models.tsv" ]; then
			say "same ETS form chosen by forecastin and R: $(awk -F'\t' 'NR == FNR { if (FNR > 1) r[$1] = $2; next } { n++; if (r[$1] == $2) s++ } END { printf "%d of %d series", s, n }' "$cdir/forecasts_models.tsv" "$W/fc_forecastin_models.tsv")"
		fi
	fi

	# ---------------- scoring
	say ""
	say "+ Rscript test/bench/m4_score.R --train $train --test $test --period $P --horizon $H --limit $limit --set $set --ref R_forecast::ets ..."
	Rscript "$HERE/m4_score.R" --train "$train" --test "$test" --period "$P" --horizon "$H" \
		--limit "$limit" --set "$set" --ref "R_forecast::ets" --detail "$W/detail.csv" "${specs[@]}" \
		| tee "$W/score.txt"
	[ "${PIPESTATUS[0]}" = 0 ] || status=1
	if [ -n "$ours_rate" ]; then
		say "speed ratio forecastin/R: $(awk -v a="$ours_rate" -v b="$r_rate" 'BEGIN { printf "%.2f", a / b }')x by wall clock, $(awk -v a="$ours_crate" -v b="$r_crate" 'BEGIN { if (a == "NA") print "-"; else printf "%.2f", a / b }')x by CPU time"
		say "worst series for forecastin vs R (sMAPE difference):"
		Rscript -e 'd <- read.csv(commandArgs(TRUE)[1]); a <- grep("^forecastin.*_smape$", names(d), value = TRUE)[1]; b <- grep("^R_.*_smape$", names(d), value = TRUE)[1]; d$diff <- d[[a]] - d[[b]]; d <- d[order(-d$diff), c("series_id", "n", a, b, "naive2_smape")]; print(head(d, 5), row.names = FALSE, digits = 4)' "$W/detail.csv" | sed 's/^/    /'
	fi
	summary+=("$Cap  (R: $rfrom)" "$(cat "$W/score.txt")")
	[ -n "$ours_rate" ] && summary+=("speed ratio forecastin/R: $(awk -v a="$ours_rate" -v b="$r_rate" 'BEGIN { printf "%.2f", a / b }')x wall, $(awk -v a="$ours_crate" -v b="$r_crate" 'BEGIN { if (a == "NA") print "-"; else printf "%.2f", a / b }')x CPU")
	summary+=("")
	say ""
}

# Per-series rerun after a failed bulk query: which series fail, with what error.
diagnose_set() {
	local set=$1 P=$2 H=$3 W=$4
	say "diagnosis: refitting series one by one (untimed) to find the failing ones"
	psql -X -q -v ON_ERROR_STOP=1 >"$W/diag.out" 2>&1 <<-EOF
		CREATE FUNCTION pg_temp.try_fc(sid text) RETURNS TABLE (step int, yhat float8, err text)
		LANGUAGE plpgsql AS \$\$
		DECLARE mdl forecastin.model;
		BEGIN
			SELECT forecastin.fit(m.t, m.y, '$method', '{"period": $P}') INTO mdl FROM m4_$set m WHERE m.series_id = sid;
			RETURN QUERY SELECT f.step, f.yhat, NULL::text FROM forecastin.forecast(mdl, $H) f;
		EXCEPTION WHEN OTHERS THEN
			RETURN QUERY SELECT NULL::int, NULL::float8, SQLSTATE || ': ' || SQLERRM;
		END \$\$;
		CREATE TABLE diag_$set AS SELECT s.series_id, d.* FROM (SELECT DISTINCT series_id FROM m4_$set) s, LATERAL pg_temp.try_fc(s.series_id) d;
		\copy (SELECT series_id, step, yhat FROM diag_$set WHERE err IS NULL ORDER BY 1, 2) TO '$W/fc_forecastin.csv' CSV HEADER
		SELECT count(DISTINCT series_id) || ' series failed' FROM diag_$set WHERE err IS NOT NULL;
		SELECT series_id || ': ' || err FROM diag_$set WHERE err IS NOT NULL ORDER BY 1 LIMIT 10;
	EOF
	sed 's/^/    /' "$W/diag.out" | head -20
}

for s in $sets; do run_set "$s"; done

say "=================================================================="
say "## Summary ($(date -u '+%Y-%m-%d %H:%M UTC'); load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
for line in "${summary[@]}"; do say "$line"; done
say "series/s = series fitted and forecast per second of wall clock, one process each (one PostgreSQL"
say "backend without parallel workers; one R process); series/CPUs = per CPU-second of that process"
say "(backend utime+stime from /proc; R proc.time user+sys), less sensitive to other load on the machine."
say "vs_ref = ratio to R forecast::ets. OWA vs Naive2 (computed here; checked against the published values)."
say "report written to $results"
exit $status
