#!/bin/bash
# test/bench/tourism_reconcile.sh: Australian domestic tourism (FPP3 ch. 11),
# base ETS forecasts and every reconciliation method, scored by MASE per level.
#
#   test/bench/tourism_reconcile.sh [--no-build] [--no-r] [--no-cache] [--validation] [--results FILE]
#
#   --no-build       use the installed extension (skip make && make install)
#   --validation     hold out 2014 Q1 - 2015 Q4 instead and train on the
#                    quarters before (nothing from 2016 on is read): the
#                    split on which design choices are made
#   --no-r           skip R's forecast::ets base forecasts (block B below)
#   --no-cache       rerun R's ets even if a cached run exists
#   --results FILE   report path (default test/bench/results/tourism_reconcile.txt)
#
# Data: ../shared/data/tourism_quarterly.csv (path, quarter, trips): 304 bottom
# series australia.<state>.<region>.<purpose>, 389 nodes, 80 quarters.  In a
# throwaway cluster (test/pgcluster.sh):
#
#  1. the leaves are registered as hierarchy 'tourism' (forecastin.register_
#     hierarchy) and every node's series is the sum of its leaves, one join
#     with the closure view forecastin.mv_entity_ancestors;
#  2. the last 8 quarters (2016 Q1 - 2017 Q4) are held out; per node
#     forecastin.fit(quarter, y, 'ets', '{"period": 4}') (one GROUP BY, timed),
#     forecastin.forecast(m, 8) and the in-sample residuals forecastin.residuals(m);
#     the same with '{"period": 4, "combine": "aicc"}' (every ETS form weighted
#     by its Akaike weight instead of the one of smallest AICc: block A2);
#  3. block A: those base forecasts through forecastin.reconcile() with every
#     method (options: residuals of every node for wls_var / mint_*, training
#     history of every node for td_gsa / td_pha, level 2 = states for mo);
#  4. block B: R's forecast::ets (ets(ts(y, frequency = 4)), forecast(h = 8),
#     residuals(type = "response")) on the same training series, through the
#     same forecastin.reconcile() calls: this separates the quality of our
#     base forecasts from that of the reconciliation, and block B is the one
#     to hold against the published R figures;
#  5. MASE per node = mean |y - yhat| over the 8 held-out quarters divided by
#     the in-sample seasonal naive MAE (m = 4, 72 training quarters); averaged
#     per level (total, state, region, bottom) and over all 389 nodes.
#     Coherence of every method's output is checked with forecastin.coherence().
#
# Reference ("R" columns): forecast::ets base forecasts reconciled with the same
# formulas, over all nodes: base 1.019, bottom-up 1.042, OLS 1.069, WLS-struct
# 1.020, WLS-var 1.005, MinT shrink 0.986; bottom level base 0.979, MinT 0.946;
# total level base 1.53, MinT 2.37 (figures given with the task, not rerun here).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}
CACHE=${FORECASTIN_BENCH_CACHE:-/tmp/forecastin-bench-cache}
build=1 with_r=1 nocache=0 validation=0 results=
while [ $# -gt 0 ]; do
	case "$1" in
		--no-build) build=0 ;;
		--no-r) with_r=0 ;;
		--no-cache) nocache=1 ;;
		--validation) validation=1 ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,43p' "$0"; exit 0 ;;
		*) echo "tourism_reconcile.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
if [ $validation = 1 ]; then
	TEST_FROM=2014-01-01 TEST_TO=2016-01-01
	results=${results:-$HERE/results/tourism_reconcile_validation.txt}
else
	TEST_FROM=2016-01-01 TEST_TO=2018-01-01
	results=${results:-$HERE/results/tourism_reconcile.txt}
fi
CSV="$DATA/tourism_quarterly.csv"
[ -r "$CSV" ] || { echo "tourism_reconcile.sh: cannot read $CSV" >&2; exit 2; }
mkdir -p "$(dirname "$results")"
WORK=$(mktemp -d /tmp/forecastin-tourism.XXXXXX)
chmod 755 "$WORK"
exec > >(tee "$results") 2>&1
say() { printf '%s\n' "$*"; }

say "# forecastin tourism reconciliation benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "command: test/bench/tourism_reconcile.sh$( [ $build = 0 ] && echo ' --no-build')$( [ $with_r = 0 ] && echo ' --no-r')$( [ $nocache = 1 ] && echo ' --no-cache')$( [ $validation = 1 ] && echo ' --validation')"
say "split: train before $TEST_FROM, hold out $TEST_FROM .. $TEST_TO (exclusive)$( [ $validation = 1 ] && echo ' -- VALIDATION split; the R reference figures below are for the 2016-2017 test split and do not apply')"
say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other jobs may run)"
say "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src sql Makefile || echo ' (+ uncommitted changes in src/sql/Makefile)') ($(git -C "$ROOT" log -1 --format='%ad %s' --date=iso | cut -c1-80))"
say "PostgreSQL: $(/usr/lib/postgresql/15/bin/postgres --version)"
if [ $with_r = 1 ]; then
	say "R: $(R --version | head -1); forecast $(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)"
fi
say "data: $CSV ($(( $(wc -l <"$CSV") - 1 )) rows, sha256 $(sha256sum "$CSV" | cut -c1-16))"
say "report: $results"
say ""

if [ $build = 1 ]; then
	say "+ make && make install   (log: $WORK/build.log)"
	if ! { make -C "$ROOT" >"$WORK/build.log" 2>&1 && make -C "$ROOT" install >>"$WORK/build.log" 2>&1; }; then
		tail -30 "$WORK/build.log"; say "BUILD FAILED"; exit 1
	fi
fi

# shellcheck source=../pgcluster.sh
source "$ROOT/test/pgcluster.sh"
trap 'pgc_stop; rm -rf "$WORK"' EXIT
say "+ pgc_start max_parallel_workers_per_gather=0"
pgc_start "max_parallel_workers_per_gather = 0" || exit 1
trap 'pgc_stop; rm -rf "$WORK"' EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION forecastin CASCADE" 2>/dev/null || exit 1
say "forecastin extension $("${PSQL[@]}" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'forecastin'")"
for f in 'forecastin.residuals(forecastin.model,anyelement)' 'forecastin.reconcile(text,text,jsonb)' 'forecastin.coherence(text)'; do
	if ! "${PSQL[@]}" -Atc "SELECT '$f'::regprocedure" >/dev/null 2>&1; then
		say "MISSING: $f -- this build cannot run the benchmark"; exit 1
	fi
done
say ""

# ------------------------------------------------------------- data and hierarchy
say "## 1. data and hierarchy"
"${PSQL[@]}" <<SQL || exit 1
CREATE TABLE tourism (path ltree, quarter date, trips float8);
\copy tourism FROM '$CSV' CSV HEADER
SELECT clock_timestamp() AS reg0 \gset
SELECT * FROM forecastin.register_hierarchy('tourism', 'SELECT DISTINCT path FROM tourism') \gset
SELECT format('  register_hierarchy(''tourism'', ''SELECT DISTINCT path FROM tourism''): %s leaves, %s nodes, depth %s, %s s (views refreshed)',
              :'n_leaves', :'n_nodes', :'max_depth', round(extract(epoch FROM clock_timestamp() - :'reg0')::numeric, 3)) AS msg \gset
\echo :msg
-- every node's series: sum of its leaves (the closure view has the node itself at distance 0)
CREATE TABLE node_y AS
SELECT a.ancestor AS path, t.quarter, sum(t.trips) AS y
  FROM tourism t
  JOIN forecastin.mv_entity_ancestors a ON a.hierarchy = 'tourism' AND a.node = t.path
 GROUP BY 1, 2;
CREATE TABLE train AS SELECT * FROM node_y WHERE quarter <  '$TEST_FROM';
CREATE TABLE test AS
SELECT path, (row_number() OVER (PARTITION BY path ORDER BY quarter))::int AS step, quarter, y
  FROM node_y WHERE quarter >= '$TEST_FROM' AND quarter < '$TEST_TO';
-- MASE scale: in-sample seasonal naive MAE, m = 4
CREATE TABLE scale AS
SELECT path, avg(abs(y - y4)) AS s
  FROM (SELECT path, y, lag(y, 4) OVER (PARTITION BY path ORDER BY quarter) AS y4 FROM train) x
 WHERE y4 IS NOT NULL GROUP BY path;
ANALYZE;
SQL
"${PSQL[@]}" -At <<'SQL' | sed 's/^/  /'
SELECT format('leaves %s, nodes %s (per level: %s); training quarters per node %s..%s, held out %s..%s, zero scales %s',
  (SELECT n_leaves FROM forecastin.children('tourism', '') WHERE path = 'australia'),
  (SELECT count(*) FROM forecastin.mv_descendant_counts WHERE hierarchy = 'tourism'),
  (SELECT string_agg(n::text, ' / ' ORDER BY depth) FROM (SELECT depth, count(*) AS n FROM forecastin.mv_descendant_counts WHERE hierarchy = 'tourism' GROUP BY depth) d),
  (SELECT min(n) FROM (SELECT count(*) AS n FROM train GROUP BY path) a), (SELECT max(n) FROM (SELECT count(*) AS n FROM train GROUP BY path) a),
  (SELECT min(quarter) FROM test), (SELECT max(quarter) FROM test),
  (SELECT count(*) FROM scale WHERE s = 0));
SQL
say ""

# ------------------------------------------------------------- forecastin ETS
say "## 2. forecastin ETS base forecasts"
FITQ="CREATE TABLE models AS SELECT path, forecastin.fit(quarter, y, 'ets', '{\"period\": 4}') AS m FROM train GROUP BY path"
say "+ $FITQ"
t0=$(date +%s.%N)
"${PSQL[@]}" -c "$FITQ" 2>&1 | sed 's/^/  /'
t1=$(date +%s.%N)
fit_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
say "  fit: $fit_s s wall for $("${PSQL[@]}" -Atc 'SELECT count(*) FROM models') series (one backend, psql round trip included)"
"${PSQL[@]}" <<'SQL' || exit 1
CREATE TABLE fc (source text, method text, path ltree, step int, yhat float8);
CREATE TABLE resid (source text, path ltree, t date, resid float8);
INSERT INTO fc SELECT 'forecastin', 'base', m.path, f.step, f.yhat
  FROM models m, LATERAL forecastin.forecast(m.m, 8) f;
INSERT INTO resid SELECT 'forecastin', m.path, r.t, r.resid
  FROM models m, LATERAL forecastin.residuals(m.m, NULL::date) r;
SQL
say "  forms chosen (count):"
"${PSQL[@]}" -At -F' ' -c "SELECT count(*), forecastin.model_info(m)->>'form' FROM models GROUP BY 2 ORDER BY 1 DESC, 2" | sed 's/^/    /'
FITQ2="CREATE TABLE models_aicc AS SELECT path, forecastin.fit(quarter, y, 'ets', '{\"period\": 4, \"combine\": \"aicc\"}') AS m FROM train GROUP BY path"
say "+ $FITQ2"
t0=$(date +%s.%N)
"${PSQL[@]}" -c "$FITQ2" 2>&1 | sed 's/^/  /'
t1=$(date +%s.%N)
say "  fit: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s wall for $("${PSQL[@]}" -Atc 'SELECT count(*) FROM models_aicc') series (the same candidate fits; the weights cost nothing)"
"${PSQL[@]}" <<'SQL' || exit 1
INSERT INTO fc SELECT 'forecastin_aicc', 'base', m.path, f.step, f.yhat
  FROM models_aicc m, LATERAL forecastin.forecast(m.m, 8) f;
INSERT INTO resid SELECT 'forecastin_aicc', m.path, r.t, r.resid
  FROM models_aicc m, LATERAL forecastin.residuals(m.m, NULL::date) r;
SQL
"${PSQL[@]}" -At <<'SQL' | sed 's/^/  /'
SELECT format('forms with weight >= 1e-4 per node: median %s, min %s, max %s; weight of the heaviest form: median %s, min %s; heaviest = the form plain ets selects on %s of %s nodes',
  percentile_disc(0.5) WITHIN GROUP (ORDER BY k), min(k), max(k),
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY w1)::numeric, 3), round(min(w1)::numeric, 3),
  count(*) FILTER (WHERE same), count(*))
  FROM (SELECT jsonb_array_length(j->'members') AS k, (j->'members'->0->>'weight')::float8 AS w1,
               j->'members'->0->>'form' = forecastin.model_info(p.m)->>'form' AS same
          FROM models_aicc a JOIN models p USING (path), forecastin.model_info(a.m) j) x;
SQL
"${PSQL[@]}" -At <<'SQL' | sed 's/^/  /'
SELECT format('base forecast rows %s (NULL/NaN %s, negative %s); residual rows %s (NULL %s, per node %s..%s)',
  (SELECT count(*) FROM fc WHERE source = 'forecastin'),
  (SELECT count(*) FROM fc WHERE source = 'forecastin' AND (yhat IS NULL OR yhat = 'NaN')),
  (SELECT count(*) FROM fc WHERE source = 'forecastin' AND yhat < 0),
  (SELECT count(*) FROM resid WHERE source = 'forecastin'),
  (SELECT count(*) FROM resid WHERE source = 'forecastin' AND resid IS NULL),
  (SELECT min(n) FROM (SELECT count(resid) AS n FROM resid WHERE source = 'forecastin' GROUP BY path) a),
  (SELECT max(n) FROM (SELECT count(resid) AS n FROM resid WHERE source = 'forecastin' GROUP BY path) a));
SQL
say ""

# ------------------------------------------------------------- R forecast::ets
if [ $with_r = 1 ]; then
	say "## 3. R forecast::ets base forecasts (same training series)"
	"${PSQL[@]}" -c "\\copy (SELECT path, quarter, y FROM train ORDER BY path, quarter) TO '$WORK/train.csv' CSV HEADER"
	rv=$(R --version | head -1 | awk '{ print $3 }')
	fv=$(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null)
	key="tourism_$(sha256sum "$WORK/train.csv" | cut -c1-16)_R${rv}_forecast${fv}"
	cdir="$CACHE/$key"
	cat >"$WORK/ets.R" <<'RSCRIPT'
args <- commandArgs(TRUE)
suppressPackageStartupMessages(library(forecast))
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$quarter <- as.Date(d$quarter)
started <- format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z")
t0 <- proc.time()
fc <- list(); rs <- list(); forms <- character(0)
for (p in unique(d$path)) {
  s <- d[d$path == p, ]
  s <- s[order(s$quarter), ]
  fit <- ets(ts(s$y, frequency = 4))
  f <- forecast(fit, h = 8)
  fc[[p]] <- data.frame(path = p, step = 1:8, yhat = as.numeric(f$mean))
  rs[[p]] <- data.frame(path = p, t = format(s$quarter), resid = as.numeric(residuals(fit, type = "response")))
  forms[p] <- fit$method
}
el <- proc.time() - t0
write.csv(do.call(rbind, fc), args[2], row.names = FALSE)
write.csv(do.call(rbind, rs), args[3], row.names = FALSE)
write.csv(data.frame(path = names(forms), form = unname(forms)), args[4], row.names = FALSE)
writeLines(c(paste0("started=", started), paste0("elapsed_s=", round(el[["elapsed"]], 2)),
             paste0("cpu_s=", round(el[["user.self"]] + el[["sys.self"]], 2))), args[5])
RSCRIPT
	if [ $nocache = 0 ] && [ -s "$cdir/timing" ]; then
		rfrom="LOADED FROM CACHE $cdir (R run started $(sed -n 's/^started=//p' "$cdir/timing"); --no-cache to rerun)"
	else
		mkdir -p "$cdir.tmp"
		say "+ Rscript ets.R (embedded in this script): ets(ts(y, frequency = 4)); forecast(fit, h = 8); residuals(fit, type = \"response\")"
		if Rscript "$WORK/ets.R" "$WORK/train.csv" "$cdir.tmp/fc.csv" "$cdir.tmp/resid.csv" "$cdir.tmp/forms.csv" "$cdir.tmp/timing"; then
			rm -rf "$cdir"; mv "$cdir.tmp" "$cdir"
			rfrom="computed now; cached in $cdir"
		else
			say "R ets run FAILED: block B skipped"; with_r=0
		fi
	fi
fi
if [ $with_r = 1 ]; then
	r_el=$(sed -n 's/^elapsed_s=//p' "$cdir/timing"); r_cpu=$(sed -n 's/^cpu_s=//p' "$cdir/timing")
	say "  R ets: $r_el s wall, $r_cpu s CPU for 389 series -- $rfrom"
	say "  fit time ratio R / forecastin: $(awk -v a="$r_el" -v b="$fit_s" 'BEGIN { printf "%.0f", a / b }')x by wall clock ($(awk -v a="$r_cpu" -v b="$fit_s" 'BEGIN { printf "%.0f", a / b }')x with R's CPU time; noisy machine, R possibly from cache of an earlier run)"
	"${PSQL[@]}" <<SQL || exit 1
CREATE TABLE r_fc (path ltree, step int, yhat float8);
CREATE TABLE r_resid (path ltree, t date, resid float8);
CREATE TABLE r_forms (path ltree, form text);
\copy r_fc FROM '$cdir/fc.csv' CSV HEADER
\copy r_resid FROM '$cdir/resid.csv' CSV HEADER
\copy r_forms FROM '$cdir/forms.csv' CSV HEADER
INSERT INTO fc SELECT 'R', 'base', path, step, yhat FROM r_fc;
INSERT INTO resid SELECT 'R', path, t, resid FROM r_resid;
SQL
	say "  forms chosen by R (count):"
	"${PSQL[@]}" -At -F' ' -c "SELECT count(*), form FROM r_forms GROUP BY 2 ORDER BY 1 DESC, 2" | sed 's/^/    /'
	say "  same form as forecastin: $("${PSQL[@]}" -Atc "SELECT count(*) FILTER (WHERE forecastin.model_info(m.m)->>'form' = r.form) || ' of ' || count(*) FROM models m JOIN r_forms r USING (path)")"
	say ""
fi

# ------------------------------------------------------------- reconciliation
say "## 4. reconciliation: forecastin.reconcile(base_query, method, options)"
"${PSQL[@]}" <<'SQL' || exit 1
CREATE TABLE rec_log (id serial, source text, method text, seconds float8, err text);
CREATE FUNCTION pg_temp.run(src text, meth text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	opts jsonb := jsonb_build_object(
		'residuals', format('SELECT path, t, resid FROM resid WHERE source = %L', src),
		'history', 'SELECT path, quarter AS t, y FROM train',
		'level', 2);
BEGIN
	INSERT INTO fc
	SELECT src, meth, r.path, r.step, r.yhat
	  FROM forecastin.reconcile(format('SELECT path, step, yhat FROM fc WHERE source = %L AND method = ''base''', src),
	                            meth, opts) r;
	INSERT INTO rec_log (source, method, seconds, err) VALUES (src, meth, extract(epoch FROM clock_timestamp() - t0), NULL);
EXCEPTION WHEN OTHERS THEN
	INSERT INTO rec_log (source, method, seconds, err) VALUES (src, meth, extract(epoch FROM clock_timestamp() - t0), SQLSTATE || ': ' || SQLERRM);
END $$;
\o /dev/null
SELECT pg_temp.run(s, m)
  FROM unnest(ARRAY['forecastin', 'forecastin_aicc', 'R']) WITH ORDINALITY s(s, so),
       unnest(ARRAY['bu', 'td_gsa', 'td_pha', 'td_fp', 'mo', 'ols', 'wls_struct', 'wls_var',
                    'mint_shrink', 'mint_sample']) WITH ORDINALITY m(m, mo)
 WHERE EXISTS (SELECT 1 FROM fc WHERE source = s AND method = 'base')
 ORDER BY so, mo;
\o
SQL
say "  (options for every method: {\"residuals\": \"SELECT path, t, resid FROM resid WHERE source = ...\", \"history\": \"SELECT path, quarter AS t, y FROM train\", \"level\": 2})"
"${PSQL[@]}" -At -F' | ' -c "SELECT rpad(source, 15), rpad(method, 11), to_char(seconds, '990.000') || ' s', coalesce(err, 'ok') FROM rec_log ORDER BY id" | sed 's/^/  /'
say ""

# coherence of every output: largest relative gap parent vs sum of children over the 8 steps
say "  coherence (largest |parent - sum of children| / max(|parent|, sum |children|) over steps and parents):"
"${PSQL[@]}" -At -F' | ' <<'SQL' | sed 's/^/    /'
SELECT rpad(k.source, 15), rpad(k.method, 11),
       to_char(max(c.max_rel_gap), '0.00EEEE')
  FROM (SELECT DISTINCT source, method FROM fc) k,
       LATERAL forecastin.coherence(format('SELECT path, step, yhat FROM fc WHERE source = %L AND method = %L', k.source, k.method)) c
 GROUP BY k.source, k.method
 ORDER BY k.source DESC, k.method;
SQL
say ""

# ------------------------------------------------------------- scoring
say "## 5. MASE (mean over nodes of the level; 'all' = mean over the 389 nodes)"
"${PSQL[@]}" <<'SQL' || exit 1
CREATE TABLE mase AS
SELECT f.source, f.method, f.path, nlevel(f.path) AS lvl,
       avg(abs(t.y - f.yhat)) / nullif(s.s, 0) AS mase, count(*) AS h
  FROM fc f JOIN test t USING (path, step) JOIN scale s USING (path)
 GROUP BY f.source, f.method, f.path, s.s;
CREATE TABLE ref (method text, r_all float8, r_total float8, r_bottom float8);
INSERT INTO ref VALUES ('base', 1.019, 1.53, 0.979), ('bu', 1.042, NULL, NULL), ('ols', 1.069, NULL, NULL),
  ('wls_struct', 1.020, NULL, NULL), ('wls_var', 1.005, NULL, NULL), ('mint_shrink', 0.986, 2.37, 0.946);
CREATE TABLE ord (method text, o int);
INSERT INTO ord SELECT m, o FROM unnest(ARRAY['base', 'bu', 'td_gsa', 'td_pha', 'td_fp', 'mo', 'ols', 'wls_struct',
  'wls_var', 'mint_shrink', 'mint_sample']) WITH ORDINALITY u(m, o);
SQL
# the reference figures belong to the 2016-2017 split: no R columns on --validation
[ $validation = 1 ] && "${PSQL[@]}" -c "DELETE FROM ref"
for src in forecastin forecastin_aicc R; do
	[ "$src" = R ] && [ $with_r = 0 ] && continue
	if [ "$src" = forecastin ]; then
		say "### A. forecastin ETS base forecasts, reconciled by forecastin.reconcile()"
	elif [ "$src" = forecastin_aicc ]; then
		say "### A2. forecastin ETS with {\"combine\": \"aicc\"} (Akaike-weighted forms) base forecasts, reconciled by forecastin.reconcile()"
	else
		say "### B. R forecast::ets base forecasts, reconciled by forecastin.reconcile() (compare with the R reference)"
	fi
	"${PSQL[@]}" -P footer=off -v src="$src" <<'SQL'
SELECT m.method,
       round(avg(m.mase) FILTER (WHERE m.lvl = 1)::numeric, 3) AS total,
       round(avg(m.mase) FILTER (WHERE m.lvl = 2)::numeric, 3) AS state,
       round(avg(m.mase) FILTER (WHERE m.lvl = 3)::numeric, 3) AS region,
       round(avg(m.mase) FILTER (WHERE m.lvl = 4)::numeric, 3) AS bottom,
       round(avg(m.mase)::numeric, 3) AS "all",
       count(*) AS nodes,
       coalesce(to_char(r.r_total, '0.99'), '  -') AS "R total",
       coalesce(to_char(r.r_bottom, '0.999'), '   -') AS "R bottom",
       coalesce(to_char(r.r_all, '0.999'), '   -') AS "R all"
  FROM mase m JOIN ord o USING (method) LEFT JOIN ref r USING (method)
 WHERE m.source = :'src'
 GROUP BY m.method, o.o, r.r_total, r.r_bottom, r.r_all
 ORDER BY o.o;
SQL
done
if [ $with_r = 1 ]; then
	say "### forecastin base vs R base, per level (MASE ratio forecastin / R; < 1: forecastin better)"
	"${PSQL[@]}" -P footer=off <<'SQL'
SELECT lvl AS level, count(*) AS nodes,
       round(avg(a.mase)::numeric, 3) AS forecastin, round(avg(b.mase)::numeric, 3) AS r,
       round((avg(a.mase) / avg(b.mase))::numeric, 3) AS ratio,
       count(*) FILTER (WHERE a.mase < b.mase) AS forecastin_better
  FROM mase a JOIN mase b USING (path, lvl, method)
 WHERE a.source = 'forecastin' AND b.source = 'R' AND a.method = 'base'
 GROUP BY ROLLUP (lvl) ORDER BY lvl NULLS LAST;
SQL
fi
if [ $with_r = 1 ]; then
	say ""
	say "### diagnostic: MinT shrink with the base forecasts of one source and the residuals of the other"
	say "    (attribution only: nothing here feeds back into the method or the options)"
	"${PSQL[@]}" -P footer=off <<'SQL'
CREATE TEMP TABLE diag AS
SELECT v.b AS base_forecasts, v.r AS residuals, x.path, x.step, x.yhat
  FROM (VALUES ('forecastin', 'forecastin'), ('forecastin', 'R'), ('R', 'forecastin'), ('R', 'R')) v(b, r),
       LATERAL forecastin.reconcile(format('SELECT path, step, yhat FROM fc WHERE source = %L AND method = ''base''', v.b),
                                    'mint_shrink',
                                    jsonb_build_object('residuals', format('SELECT path, t, resid FROM resid WHERE source = %L', v.r))) x;
SELECT base_forecasts, residuals,
       round(avg(mase) FILTER (WHERE nlevel(path) = 4)::numeric, 3) AS bottom,
       round(avg(mase)::numeric, 4) AS "all"
  FROM (SELECT d.base_forecasts, d.residuals, d.path, avg(abs(t.y - d.yhat)) / s.s AS mase
          FROM diag d JOIN test t USING (path, step) JOIN scale s USING (path)
         GROUP BY 1, 2, 3, s.s) n
 GROUP BY 1, 2 ORDER BY 1, 2;
SQL
fi
say ""
say "### targets (issue 4): MinT shrink lowers the all-node MASE below the base forecasts' and to at most 0.986, and lowers the bottom level's"
"${PSQL[@]}" -At -v validation=$validation <<'SQL' | sed 's/^/  /'
SELECT format('%-15s base all %s, mint_shrink all %s: below base %s, <= 0.986 %s; bottom base %s, mint_shrink %s: lowered %s',
       source, round(b_all, 4), round(m_all, 4), CASE WHEN m_all < b_all THEN 'PASS' ELSE 'FAIL' END,
       CASE WHEN :validation = 1 THEN 'n/a (test split only)' WHEN round(m_all, 3) <= 0.986 THEN 'PASS' ELSE 'FAIL' END,
       round(b_bot, 3), round(m_bot, 3), CASE WHEN m_bot < b_bot THEN 'PASS' ELSE 'FAIL' END)
  FROM (SELECT source,
               avg(mase) FILTER (WHERE method = 'base')::numeric AS b_all,
               avg(mase) FILTER (WHERE method = 'mint_shrink')::numeric AS m_all,
               avg(mase) FILTER (WHERE method = 'base' AND lvl = 4)::numeric AS b_bot,
               avg(mase) FILTER (WHERE method = 'mint_shrink' AND lvl = 4)::numeric AS m_bot
          FROM mase GROUP BY source) x
 ORDER BY source DESC;
SQL
say "  (0.986 is the figure for R's ets on the 2016-2017 test split)"
say "R columns: the reference figures for forecast::ets + the same formulas (see the header); '-' = not given."
say "report written to $results"
