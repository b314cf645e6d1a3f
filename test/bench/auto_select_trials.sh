#!/bin/bash
# test/bench/auto_select_trials.sh: how auto's per-series choice on several
# seasonal periods was designed (src/router.c, rule 3), on the M4 hourly
# TRAINING data only.  The M4 test files are never read.
#
#   test/bench/auto_select_trials.sh [--no-build] [--results FILE]
#
# Splits of every training series (n = 700..960 points, h = 48):
#   B:  fitted to all but the last 48 points, scored on those 48 (the
#       validation target, as in auto_design.sh);
#   A:  fitted to all but the last 96, forecasts of points n-95..n-48: the
#       evidence the choice is made on (what auto does on B's data);
#   A2: fitted to all but the last 144, forecasts of n-143..n-96 (an older
#       window, to test whether more evidence helps).
# Each candidate model is fitted by forecastin on each split; the choices are
# then made in SQL from the A (or A2) errors and scored on B by sMAPE, MASE
# and OWA against B's Naive2 (sMAPE 19.225, MASE 2.455: see
# results/auto_design_*.txt).  The score of a candidate on a window is the
# mean of its sMAPE and MAE divided by the median of each over the
# candidates, as in src/router.c.
#
# Finally forecastin's auto itself is run on B, with the default holdout (48)
# and with 24, 72 and 168.  Runtime ~8 min (seasonal ARIMA dominates).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FORECASTIN_DATA:-/work/shared/data}
build=1 results=""
while [ $# -gt 0 ]; do
	case "$1" in
		--no-build) build=0 ;;
		--results) results=$2; shift ;;
		-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
		*) echo "auto_select_trials.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$HERE/results"
[ -z "$results" ] && results="$HERE/results/auto_select_trials_$(date -u +%Y%m%dT%H%MZ).txt"
exec > >(tee "$results") 2>&1

echo "# auto: per-series choice trials on M4 hourly training data, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "forecastin: git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes in src/)')"
echo

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
CREATE TABLE lens AS SELECT series_id, max(t) AS n FROM tr GROUP BY 1;
CREATE TABLE fit_b AS SELECT tr.* FROM tr JOIN lens USING (series_id) WHERE t <= n - 48;
CREATE TABLE fit_a AS SELECT tr.* FROM tr JOIN lens USING (series_id) WHERE t <= n - 96;
CREATE TABLE fit_a2 AS SELECT tr.* FROM tr JOIN lens USING (series_id) WHERE t <= n - 144;
CREATE TABLE actual AS
SELECT CASE WHEN t > n - 48 THEN 'b' WHEN t > n - 96 THEN 'a' ELSE 'a2' END AS split,
       tr.series_id, (t - (n - 48 * CASE WHEN t > n - 48 THEN 1 WHEN t > n - 96 THEN 2 ELSE 3 END))::int AS step, y
FROM tr JOIN lens USING (series_id) WHERE t > n - 144;
-- MASE scale of each split: in-sample seasonal naive (24) MAE of its fit data
CREATE TABLE scale AS
SELECT s.split, a.series_id, avg(abs(a.y - b.y)) AS sc
FROM (VALUES ('a', 96), ('a2', 144), ('b', 48)) s(split, cut)
JOIN tr a ON true JOIN lens l ON l.series_id = a.series_id AND a.t <= l.n - s.cut
JOIN tr b ON b.series_id = a.series_id AND b.t = a.t - 24
GROUP BY 1, 2;
CREATE TABLE fc (split text, name text, series_id text, step int, yhat float8);
ANALYZE;
EOF

O='"period": [24, 168]'
run() {	# run SPLIT NAME METHOD OPTS [Y-EXPRESSION BACK-TRANSFORM]
	local t0=$(date +%s.%N) yx=${5:-y} back=${6:-f.yhat}
	psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO fc SELECT '$1', '$2', s.series_id, f.step, $back FROM (SELECT series_id, forecastin.fit(t, $yx, '$3', '$4') AS m FROM fit_$1 GROUP BY series_id) s, LATERAL forecastin.forecast(s.m, 48) f" || exit 1
	printf '  %-3s %-15s %-6s %-62s %6.1f s\n' "$1" "$2" "$3" "$4${5:+ on $5}" "$(echo "$(date +%s.%N) - $t0" | bc)"
}
echo "## candidates (fit + forecast, one backend)"
for sp in b a a2; do
	run $sp arima arima '{"period": 24}'
	run $sp snaive snaive '{"period": 24}'
	run $sp snaive168 snaive '{"period": 168}'
	run $sp knn knn '{"period": 24}'
	run $sp knn_mean knn '{"period": 24, "variant": "mean"}'
	for adj in arima ets theta naive damped; do
		run $sp mstl_$adj mstl "{$O, \"adjusted\": \"$adj\"}"
		run $sp logmstl_$adj mstl "{$O, \"adjusted\": \"$adj\", \"transform\": \"log\"}"
	done
	# square-root scale (Box-Cox lambda 1/2), simulated in SQL: fitted to
	# sqrt(y) (M4 hourly has no negative value), forecasts squared back
	for adj in arima ets; do
		run $sp sqmstl_$adj mstl "{$O, \"adjusted\": \"$adj\"}" 'sqrt(y)' 'greatest(f.yhat, 0) ^ 2'
	done
	run $sp sqmstl_theta mstl "{$O, \"adjusted\": \"theta\", \"transform\": \"sqrt\"}"
done
if [ -z "${SKIP_AUTO:-}" ]; then
	run b auto auto "{$O}"
	for h in 24 72 168; do run b auto_h$h auto "{$O, \"holdout\": $h}"; done
fi

psql -X -q -v ON_ERROR_STOP=1 <<'EOF' || exit 1
-- the median of auto's six, and seasonal means of the same hour over the last k days / weeks
INSERT INTO fc SELECT split, 'med6', series_id, step, percentile_cont(0.5) WITHIN GROUP (ORDER BY yhat)
FROM fc WHERE name IN ('arima', 'mstl_arima', 'mstl_ets', 'logmstl_arima', 'logmstl_ets', 'snaive') GROUP BY 1, 3, 4;
-- the median with MSTL on the square-root scale instead of on y
INSERT INTO fc SELECT split, 'med7sq', series_id, step, percentile_cont(0.5) WITHIN GROUP (ORDER BY yhat)
FROM fc WHERE name IN ('arima', 'sqmstl_arima', 'sqmstl_ets', 'logmstl_arima', 'logmstl_ets', 'snaive', 'knn_mean') GROUP BY 1, 3, 4;
-- the same with knn (the mean of its neighbours, as knn was then) as a seventh member
INSERT INTO fc SELECT split, 'med7', series_id, step, percentile_cont(0.5) WITHIN GROUP (ORDER BY yhat)
FROM fc WHERE name IN ('arima', 'mstl_arima', 'mstl_ets', 'logmstl_arima', 'logmstl_ets', 'snaive', 'knn_mean') GROUP BY 1, 3, 4;
-- auto's median since knn combines by median: MSTL+ARIMA and MSTL+ETS on
-- sqrt(y), seasonal naive with both periods, knn (median) and knn (mean)
INSERT INTO fc SELECT split, 'med6k', series_id, step, percentile_cont(0.5) WITHIN GROUP (ORDER BY yhat)
FROM fc WHERE name IN ('sqmstl_arima', 'sqmstl_ets', 'snaive', 'snaive168', 'knn', 'knn_mean') GROUP BY 1, 3, 4;
INSERT INTO fc
SELECT s.split, s.nm, l.series_id, h.step, avg(tr.y)
FROM (VALUES ('a', 96), ('b', 48)) sp(split, cut)
CROSS JOIN LATERAL (VALUES (sp.split, sp.cut, 24, 3, 'dmean3'), (sp.split, sp.cut, 24, 7, 'dmean7'),
                           (sp.split, sp.cut, 168, 2, 'wmean2'), (sp.split, sp.cut, 168, 3, 'wmean3')) s(split, cut, per, k, nm)
CROSS JOIN lens l CROSS JOIN generate_series(1, 48) h(step) CROSS JOIN LATERAL generate_series(1, s.k) j
JOIN tr ON tr.series_id = l.series_id AND tr.t = l.n - s.cut - s.per * j + 1 + (h.step - 1) % s.per
GROUP BY 1, 2, 3, 4;
CREATE INDEX ON fc (split, name, series_id);
ANALYZE fc;
CREATE TABLE errs AS
SELECT f.split, f.name, f.series_id,
       avg(200 * abs(a.y - f.yhat) / nullif(abs(a.y) + abs(f.yhat), 0)) AS smape,
       avg(abs(a.y - f.yhat)) / max(s.sc) AS mase, avg(abs(a.y - f.yhat)) AS mae
FROM fc f JOIN actual a USING (split, series_id, step) JOIN scale s USING (split, series_id)
GROUP BY 1, 2, 3;
ANALYZE errs;

-- the relative score of each candidate on a window, among a candidate set
CREATE FUNCTION scores(cands text[], win text) RETURNS TABLE (series_id text, name text, rel float8)
LANGUAGE sql AS $$
  SELECT e.series_id, e.name, 0.5 * (e.smape / nullif(m.ms, 0) + e.mae / nullif(m.ma, 0))
  FROM errs e JOIN (SELECT series_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY smape) ms,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY mae) ma
                    FROM errs WHERE split = win AND name = ANY (cands) GROUP BY 1) m USING (series_id)
  WHERE e.split = win AND e.name = ANY (cands) $$;
-- OWA on B of per-series picks
CREATE FUNCTION owa_of(picks text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE r numeric;
BEGIN
  EXECUTE format($q$SELECT round(0.5 * (avg(e.smape) / 19.225 + avg(e.mase) / 2.455)::numeric, 4)
                    FROM (%s) p JOIN errs e ON e.split = 'b' AND e.series_id = p.series_id AND e.name = p.name$q$, picks) INTO r;
  RETURN r;
END $$;
-- choose on window(s) `wins` (scores averaged); a single model must beat the median `med` by `margin`
CREATE FUNCTION choose(cands text[], wins text[], margin float8, med text DEFAULT 'med6') RETURNS numeric LANGUAGE sql AS $$
  SELECT owa_of(format($q$
    SELECT DISTINCT ON (series_id) series_id, name FROM (
      SELECT series_id, name, avg(rel) / CASE WHEN name = %L THEN 1 ELSE 1 - %s END AS s
      FROM unnest(%L::text[]) w, LATERAL scores(%L, w) GROUP BY 1, 2) z
    ORDER BY series_id, s, name <> %L$q$, med, margin, wins, cands, med)) $$;
-- mean / median of the k best on window A
CREATE FUNCTION topk(cands text[], k int, how text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE r numeric;
BEGIN
  EXECUTE format($q$
    WITH best AS (SELECT series_id, name FROM (SELECT *, row_number() OVER (PARTITION BY series_id ORDER BY rel) rk
                  FROM scores(%L, 'a')) z WHERE rk <= %s),
         comb AS (SELECT f.series_id, f.step, %s AS yhat FROM fc f JOIN best USING (series_id, name) WHERE f.split = 'b' GROUP BY 1, 2),
         e AS (SELECT c.series_id, avg(200 * abs(a.y - c.yhat) / nullif(abs(a.y) + abs(c.yhat), 0)) smape,
                      avg(abs(a.y - c.yhat)) / max(s.sc) mase
               FROM comb c JOIN actual a ON a.split = 'b' AND a.series_id = c.series_id AND a.step = c.step
               JOIN scale s ON s.split = 'b' AND s.series_id = c.series_id GROUP BY 1)
    SELECT round(0.5 * (avg(smape) / 19.225 + avg(mase) / 2.455)::numeric, 4) FROM e$q$,
    cands, k, CASE how WHEN 'mean' THEN 'avg(f.yhat)' ELSE 'percentile_cont(0.5) WITHIN GROUP (ORDER BY f.yhat)' END) INTO r;
  RETURN r;
END $$;
EOF

echo
echo "## single models and med6 on B (OWA against B's Naive2)"
psql -X -q -c "SELECT name, round(avg(smape)::numeric, 3) AS smape, round(avg(mase)::numeric, 3) AS mase,
                      round(0.5 * (avg(smape) / 19.225 + avg(mase) / 2.455)::numeric, 3) AS owa
               FROM errs WHERE split = 'b' GROUP BY 1 ORDER BY 4"

C9="arima,mstl_arima,mstl_ets,mstl_theta,logmstl_arima,logmstl_ets,logmstl_theta,snaive,snaive168"
echo "## choices made on A (or A2), scored on B; C = {$C9, med6} (auto's set)"
psql -X -q <<EOF
SELECT 'C, margin ' || m AS choice, choose('{$C9,med6}', '{a}', m) AS owa_b FROM unnest('{0,0.05,0.1,0.2,0.3}'::float8[]) m
UNION ALL SELECT 'C without med6, margin 0', choose('{$C9}', '{a}', 0)
UNION ALL SELECT 'auto''s six + med6, margin 0', choose('{arima,mstl_arima,mstl_ets,logmstl_arima,logmstl_ets,snaive,med6}', '{a}', 0)
UNION ALL SELECT 'C on window A2 only, margin 0', choose('{$C9,med6}', '{a2}', 0)
UNION ALL SELECT 'C on windows A and A2, margin 0', choose('{$C9,med6}', '{a,a2}', 0)
UNION ALL SELECT 'C + seasonal means (dmean3/7, wmean2/3), margin 0.2', choose('{$C9,med6,dmean3,dmean7,wmean2,wmean3}', '{a}', 0.2)
UNION ALL SELECT 'C + MSTL+naive (y, log y), margin 0.2', choose('{$C9,med6,mstl_naive,logmstl_naive}', '{a}', 0.2)
UNION ALL SELECT 'C + MSTL+damped (y, log y), margin 0.2', choose('{$C9,med6,mstl_damped,logmstl_damped}', '{a}', 0.2)
UNION ALL SELECT 'C + knn (period 24, mean of the neighbours), margin 0.2', choose('{$C9,med6,knn_mean}', '{a}', 0.2)
UNION ALL SELECT 'C + knn, knn also in the median (med7), margin 0.2', choose('{$C9,med7,knn_mean}', '{a}', 0.2, 'med7')
UNION ALL SELECT 'C + knn, med7, margin 0.1', choose('{$C9,med7,knn_mean}', '{a}', 0.1, 'med7')
UNION ALL SELECT 'C + knn, med7, margin 0.3', choose('{$C9,med7,knn_mean}', '{a}', 0.3, 'med7')
UNION ALL SELECT 'C + knn + MSTL on sqrt(y) (ARIMA, ETS), med7, margin 0.2', choose('{$C9,med7,knn_mean,sqmstl_arima,sqmstl_ets}', '{a}', 0.2, 'med7')
UNION ALL SELECT 'MSTL on sqrt(y) instead of on y (candidates and median), margin 0.2 (auto at git 280f8ce)',
          choose('{arima,sqmstl_arima,sqmstl_ets,mstl_theta,logmstl_arima,logmstl_ets,logmstl_theta,snaive,snaive168,knn_mean,med7sq}', '{a}', 0.2, 'med7sq')
UNION ALL SELECT 'the same, sqrt-scale Theta, knn combining by median (single candidate)',
          choose('{arima,sqmstl_arima,sqmstl_ets,sqmstl_theta,logmstl_arima,logmstl_ets,logmstl_theta,snaive,snaive168,knn,med7sq}', '{a}', 0.2, 'med7sq')
UNION ALL SELECT 'as auto now: median med6k (sqrt MSTL+ARIMA/ETS, snaive 24/168, knn median/mean), margin 0.2',
          choose('{arima,sqmstl_arima,sqmstl_ets,sqmstl_theta,logmstl_arima,logmstl_ets,logmstl_theta,snaive,snaive168,knn,med6k}', '{a}', 0.2, 'med6k')
UNION ALL SELECT 'as auto now, margin ' || m, choose('{arima,sqmstl_arima,sqmstl_ets,sqmstl_theta,logmstl_arima,logmstl_ets,logmstl_theta,snaive,snaive168,knn,med6k}', '{a}', m, 'med6k')
          FROM unnest('{0.1,0.3}'::float8[]) m
UNION ALL SELECT 'as auto now without seasonal ARIMA, margin 0.2',
          choose('{sqmstl_arima,sqmstl_ets,sqmstl_theta,logmstl_arima,logmstl_ets,logmstl_theta,snaive,snaive168,knn,med6k}', '{a}', 0.2, 'med6k')
UNION ALL SELECT 'mean of the best 2 in C', topk('{$C9,med6}', 2, 'mean')
UNION ALL SELECT 'mean of the best 3 in C', topk('{$C9,med6}', 3, 'mean')
UNION ALL SELECT 'median of the best 3 in C', topk('{$C9,med6}', 3, 'median')
UNION ALL SELECT 'oracle: best of C on B itself (not attainable)', owa_of(\$\$SELECT DISTINCT ON (series_id) series_id, name FROM errs WHERE split = 'b' AND name = ANY ('{$C9,med6}') ORDER BY series_id, 0.5 * (smape / 19.225 + mase / 2.455)\$\$)
UNION ALL SELECT 'oracle: best of C + knn + med7 on B itself (not attainable)', owa_of(\$\$SELECT DISTINCT ON (series_id) series_id, name FROM errs WHERE split = 'b' AND name = ANY ('{$C9,med6,knn_mean,med7}') ORDER BY series_id, 0.5 * (smape / 19.225 + mase / 2.455)\$\$)
UNION ALL SELECT 'forecastin auto itself (fitted to B, holds out its own last 48)', (SELECT round(0.5 * (avg(smape) / 19.225 + avg(mase) / 2.455)::numeric, 4) FROM errs WHERE split = 'b' AND name = 'auto')
UNION ALL SELECT 'forecastin auto, {"holdout": ' || h || '}', (SELECT round(0.5 * (avg(smape) / 19.225 + avg(mase) / 2.455)::numeric, 4) FROM errs WHERE split = 'b' AND name = 'auto_h' || h)
          FROM unnest('{24,72,168}'::int[]) h;
EOF
echo
echo "## the medians alone on each window (no choice made): med7sq (auto's median at git 280f8ce) and med6k (now)"
psql -X -q -c "SELECT split, name, round(avg(smape)::numeric, 3) AS smape, round(avg(mase)::numeric, 4) AS mase
               FROM errs WHERE name IN ('med7sq', 'med6k') GROUP BY 1, 2 ORDER BY 1, 2"
echo "report: $results"
