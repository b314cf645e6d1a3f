--
-- backtest: rolling-origin backtests, accuracy aggregates and the
-- Diebold-Mariano test, checked against R's forecast package on the
-- reference data of test/reference (make_accuracy_reference.R: naive,
-- snaive and meanf on AirPassengers, USAccDeaths, Nile, WWWusage; horizon
-- 6, 3 windows, step 4; accuracy() per window; dm.test).
-- (paths are relative to the directory make installcheck runs in)
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
CREATE TABLE ar_series (series text, m int, t bigint, y float8);
CREATE TABLE ar_bt (series text, method text, "window" int, origin bigint, step int,
                    y float8, yhat float8, lo float8, hi float8, scale float8);
CREATE TABLE ar_win (series text, method text, "window" int, me float8, rmse float8, mae float8,
                     mpe float8, mape float8, mase float8, smape float8, coverage float8);
CREATE TABLE ar_dm (case_name text, h int, power int, statistic float8, p_value float8);
CREATE TABLE ar_dm_err (case_name text, seq int, i int, e1 float8, e2 float8);
\copy ar_series FROM 'test/reference/accuracy_series.csv' (FORMAT csv, HEADER)
\copy ar_bt FROM 'test/reference/accuracy_backtest.csv' (FORMAT csv, HEADER)
\copy ar_win FROM 'test/reference/accuracy_windows.csv' (FORMAT csv, HEADER)
\copy ar_dm FROM 'test/reference/accuracy_dm.csv' (FORMAT csv, HEADER)
\copy ar_dm_err FROM 'test/reference/accuracy_dm_errors.csv' (FORMAT csv, HEADER)
SELECT count(DISTINCT series) AS series, count(*) AS points FROM ar_series;

-- our backtest of the same methods, windows and periods
CREATE TABLE ar_ours AS
SELECT r.series, r.method,
       forecastin.backtest(s.t, s.y, r.method,
                           '{"horizon": 6, "windows": 3, "step": 4}'::jsonb
                           || CASE WHEN s.m > 1 THEN jsonb_build_object('period', s.m) ELSE '{}' END) AS bt
FROM (SELECT DISTINCT series, method FROM ar_bt) r JOIN ar_series s USING (series)
GROUP BY 1, 2;
CREATE TABLE ar_rows AS
SELECT o.series, o.method, e.* FROM ar_ours o, forecastin.backtest_errors(o.bt, NULL::bigint) e;

-- every R row has ours with the same origin, actual, point forecast and
-- MASE scale (to 1e-9 relative); intervals agree where the formulas are
-- the same (naive and snaive: R's rwf/snaive; meanf: t quantile)
SELECT r.series, r.method, count(*) AS rows,
       count(*) FILTER (WHERE o.origin = r.origin) AS same_origin,
       count(*) FILTER (WHERE abs(o.y - r.y) <= 1e-9 * abs(r.y)) AS same_y,
       count(*) FILTER (WHERE abs(o.yhat - r.yhat) <= 1e-9 * abs(r.y)) AS same_yhat,
       count(*) FILTER (WHERE abs(o.scale - r.scale) <= 1e-9 * r.scale) AS same_scale,
       count(*) FILTER (WHERE abs(o.lo - r.lo) <= 1e-6 * abs(r.y) AND abs(o.hi - r.hi) <= 1e-6 * abs(r.y)) AS same_interval
FROM ar_bt r LEFT JOIN ar_rows o
  ON o.series = r.series AND o.method = r.method AND o."window" = r."window" AND o.step = r.step
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS our_rows FROM ar_rows;

-- the accuracy aggregates over our backtest rows, one group per window,
-- against R's accuracy(f, test) (bias = -ME) and the M4 sMAPE formula
CREATE TABLE ar_acc AS
SELECT series, method, "window",
       forecastin.mae(y, yhat) AS mae, forecastin.rmse(y, yhat) AS rmse,
       forecastin.mape(y, yhat) AS mape, forecastin.smape(y, yhat) AS smape,
       forecastin.mase(y, yhat, scale) AS mase, forecastin.bias(y, yhat) AS bias,
       forecastin.coverage(y, lo, hi) AS coverage
FROM ar_rows GROUP BY 1, 2, 3;
SELECT count(*) AS windows,
       max(abs(a.mae - r.mae) / r.mae) < 1e-9 AS mae_ok,
       max(abs(a.rmse - r.rmse) / r.rmse) < 1e-9 AS rmse_ok,
       max(abs(a.mape - r.mape) / r.mape) < 1e-9 AS mape_ok,
       max(abs(a.smape - r.smape) / r.smape) < 1e-9 AS smape_ok,
       max(abs(a.mase - r.mase) / r.mase) < 1e-9 AS mase_ok,
       max(abs(a.bias + r.me) / r.mae) < 1e-9 AS bias_ok,
       max(abs(a.coverage - r.coverage)) < 1e-9 AS coverage_ok
FROM ar_acc a JOIN ar_win r USING (series, method, "window");

-- and over R's own forecasts, so the aggregates are checked apart from the forecasts
SELECT count(*) AS windows,
       max(abs(a.mae - r.mae) / r.mae) < 1e-9 AS mae_ok,
       max(abs(a.rmse - r.rmse) / r.rmse) < 1e-9 AS rmse_ok,
       max(abs(a.mape - r.mape) / r.mape) < 1e-9 AS mape_ok,
       max(abs(a.mase - r.mase) / r.mase) < 1e-9 AS mase_ok,
       max(abs(a.bias + r.me) / r.mae) < 1e-9 AS bias_ok
FROM (SELECT series, method, "window", forecastin.mae(y, yhat) AS mae, forecastin.rmse(y, yhat) AS rmse,
             forecastin.mape(y, yhat) AS mape, forecastin.mase(y, yhat, scale) AS mase,
             forecastin.bias(y, yhat) AS bias
      FROM ar_bt GROUP BY 1, 2, 3) a
JOIN ar_win r USING (series, method, "window");

-- a few values to read: AirPassengers, window 1
SELECT method, round(mae::numeric, 4) AS mae, round(rmse::numeric, 4) AS rmse, round(mape::numeric, 4) AS mape,
       round(smape::numeric, 4) AS smape, round(mase::numeric, 4) AS mase, round(bias::numeric, 4) AS bias, coverage
FROM ar_acc WHERE series = 'AirPassengers' AND "window" = 1 ORDER BY method;

-- the per-window facts in the jsonb result
SELECT series, method, w->>'window' AS "window", w->>'origin' AS origin, w->>'n_train' AS n_train,
       w->>'period' AS period, w->>'model' AS model, w->>'fallback' AS fallback
FROM ar_ours, jsonb_array_elements(bt->'results') w
WHERE series IN ('AirPassengers', 'Nile') ORDER BY 1, 2, 3;
SELECT bt - 'results' AS header FROM ar_ours WHERE series = 'Nile' AND method = 'naive';

------------------------------------------------------------------------------
-- Diebold-Mariano test against forecast::dm.test (pairs in time order)
------------------------------------------------------------------------------
CREATE TABLE ar_dm_ours AS
SELECT e.case_name, hp.h, hp.power,
       (forecastin.dm_test(e.e1, e.e2, hp.h, hp.power ORDER BY e.i)).*
FROM ar_dm_err e, (SELECT DISTINCT h, power FROM ar_dm) hp
WHERE e.case_name <> 'pooled'
GROUP BY 1, 2, 3;
SELECT r.case_name, r.h, r.power, round(o.statistic::numeric, 6) AS statistic, round(o.p_value::numeric, 6) AS p_value,
       abs(o.statistic - r.statistic) < 1e-9 * greatest(1, abs(r.statistic)) AS stat_ok,
       abs(o.p_value - r.p_value) < 1e-9 AS p_ok, o.n, o.horizon
FROM ar_dm r JOIN ar_dm_ours o USING (case_name, h, power) ORDER BY 1, 2, 3;

-- pooled over three sequences (five-argument form, ORDER BY series, time)
-- against the pooled formula written out in the R script
SELECT r.h, r.power, round(o.statistic::numeric, 6) AS statistic, round(o.p_value::numeric, 6) AS p_value,
       abs(o.statistic - r.statistic) < 1e-9 * greatest(1, abs(r.statistic)) AS stat_ok,
       abs(o.p_value - r.p_value) < 1e-9 AS p_ok, o.n
FROM ar_dm r
JOIN (SELECT hp.h, hp.power, (forecastin.dm_test(e.e1, e.e2, hp.h, hp.power, e.seq::text ORDER BY e.seq, e.i)).*
      FROM ar_dm_err e, (SELECT DISTINCT h, power FROM ar_dm) hp
      WHERE e.case_name = 'pooled' GROUP BY 1, 2) o USING (h, power)
WHERE r.case_name = 'pooled' ORDER BY 1, 2;

-- defaults: horizon 1, power 2; one sequence in the five-argument form is dm.test
SELECT (SELECT forecastin.dm_test(e1, e2 ORDER BY i) FROM ar_dm_err WHERE case_name = 'ma2')
     = (SELECT forecastin.dm_test(e1, e2, 1, 2, 'x' ORDER BY i) FROM ar_dm_err WHERE case_name = 'ma2') AS same;
-- identical losses: no test (NULL statistic and p-value), rows with a NULL skipped
SELECT (forecastin.dm_test(e, -e ORDER BY i)).* FROM (VALUES (1, 1.0), (2, 2.0), (3, NULL), (4, 0.5)) v(i, e);
SELECT (forecastin.dm_test(1.0, 2.0)).*;
SELECT forecastin.dm_test(e, e) IS NULL AS no_rows FROM (VALUES (1.0)) v(e) WHERE false;

------------------------------------------------------------------------------
-- Accuracy aggregate rules
------------------------------------------------------------------------------
-- NULLs skipped; mape skips y = 0; smape counts 0 when y = yhat = 0; mase skips scale = 0
SELECT forecastin.mae(y, f) AS mae, forecastin.rmse(y, f) AS rmse, forecastin.mape(y, f) AS mape,
       round(forecastin.smape(y, f)::numeric, 6) AS smape, forecastin.bias(y, f) AS bias,
       forecastin.mase(y, f, s) AS mase, forecastin.coverage(y, f - 1, f + 1) AS coverage
FROM (VALUES (0.0, 0.0, 1.0), (10.0, 12.0, 2.0), (4.0, 3.0, 0.0), (NULL, 5.0, 1.0), (5.0, NULL, 1.0)) v(y, f, s);
-- no rows: NULL, like avg()
SELECT forecastin.mae(y, y) AS mae, forecastin.rmse(y, y) AS rmse, forecastin.coverage(y, y, y) AS coverage
FROM (VALUES (1.0)) v(y) WHERE false;
-- y = 0 only: mape has nothing to average
SELECT forecastin.mape(0, 1) AS mape, forecastin.smape(0, 1) AS smape;

-- parallel plans (partial states combined) give the serial results
CREATE TABLE ap (g int, y float8, f float8, s float8);
INSERT INTO ap SELECT i % 3, 100 + (i % 17), 100 + (i % 13) - 3, 1 + i % 5 FROM generate_series(1, 30000) i;
ANALYZE ap;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE ap_serial AS
SELECT g, forecastin.mae(y, f) a, forecastin.rmse(y, f) b, forecastin.mape(y, f) c, forecastin.smape(y, f) d,
       forecastin.mase(y, f, s) e, forecastin.bias(y, f) h, forecastin.coverage(y, f - 5, f + 5) k FROM ap GROUP BY g;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT g, forecastin.mae(y, f) FROM ap GROUP BY g;
CREATE TABLE ap_parallel AS
SELECT g, forecastin.mae(y, f) a, forecastin.rmse(y, f) b, forecastin.mape(y, f) c, forecastin.smape(y, f) d,
       forecastin.mase(y, f, s) e, forecastin.bias(y, f) h, forecastin.coverage(y, f - 5, f + 5) k FROM ap GROUP BY g;
SELECT s.g, abs(s.a - p.a) < 1e-9 AND abs(s.b - p.b) < 1e-9 AND abs(s.c - p.c) < 1e-9 AND abs(s.d - p.d) < 1e-9
            AND abs(s.e - p.e) < 1e-9 AND abs(s.h - p.h) < 1e-9 AND s.k = p.k AS same,
       round(p.a::numeric, 6) AS mae, round(p.k::numeric, 6) AS coverage
FROM ap_serial s JOIN ap_parallel p USING (g) ORDER BY 1;

-- the backtest aggregate in a parallel plan: same document as serial
CREATE TABLE bp (k int, d date, y float8);
INSERT INTO bp SELECT k, date '2021-01-01' + g, 50 + 5 * sin(g / 2.0) + k + (g % 7)
FROM generate_series(1, 3) k, generate_series(1, 3000) g WHERE g % 17 <> 0;
ANALYZE bp;
EXPLAIN (COSTS OFF) SELECT k, forecastin.backtest(d, y, 'snaive', '{"horizon": 14, "windows": 3, "step": 7}') FROM bp GROUP BY k;
CREATE TABLE bp_parallel AS
SELECT k, forecastin.backtest(d, y, 'snaive', '{"horizon": 14, "windows": 3, "step": 7}') bt FROM bp GROUP BY k;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE bp_serial AS
SELECT k, forecastin.backtest(d, y, 'snaive', '{"horizon": 14, "windows": 3, "step": 7}') bt FROM bp GROUP BY k;
RESET max_parallel_workers_per_gather;
SELECT k, s.bt = p.bt AS same, s.bt->>'n' AS n, s.bt->>'n_missing' AS n_missing
FROM bp_serial s JOIN bp_parallel p USING (k) ORDER BY k;

------------------------------------------------------------------------------
-- Time types, windows and missing values
------------------------------------------------------------------------------
-- date time: t and origin as date (typed NULL) or timestamptz (default)
CREATE TABLE bd (d date, y float8);
INSERT INTO bd SELECT date '2024-01-01' + g, 10 + (g % 7) + g / 10.0 FROM generate_series(0, 41) g;
SELECT e."window", e.origin, e.step, e.t, e.y, round(e.yhat::numeric, 6) AS yhat, round(e.scale::numeric, 6) AS scale
FROM (SELECT forecastin.backtest(d, y, 'snaive', '{"horizon": 3, "windows": 2, "step": 7}') bt FROM bd) b,
     forecastin.backtest_errors(b.bt, NULL::date) e ORDER BY 1, 3;
SELECT e."window", e.origin, e.t
FROM (SELECT forecastin.backtest(d, y, 'naive', '{"horizon": 2}') bt FROM bd) b,
     forecastin.backtest_errors(b.bt) e ORDER BY 1, 3;
-- detected period (7 for days) per window, step defaults to the horizon
SELECT w->>'window' AS "window", w->>'origin' AS origin, w->>'period' AS period, w->>'model' AS model
FROM (SELECT forecastin.backtest(d, y, 'snaive', '{"horizon": 7, "windows": 2}') bt FROM bd) b,
     jsonb_array_elements(b.bt->'results') w;

-- timestamptz, hourly
SELECT e."window", e.origin, e.step, e.t, e.yhat
FROM (SELECT forecastin.backtest(ts, y, 'naive', '{"horizon": 2, "windows": 2, "step": 1, "period": 1}') bt
      FROM (SELECT timestamptz '2024-03-01 00:00+00' + g * interval '1 hour' ts, g::float8 y
            FROM generate_series(0, 9) g) q) b,
     forecastin.backtest_errors(b.bt, NULL::timestamptz) e ORDER BY 1, 3;

-- a series too short for every window: the windows that do not fit are skipped
SELECT b.bt->'windows_skipped' AS skipped, jsonb_array_length(b.bt->'results') AS windows,
       (SELECT count(*) FROM forecastin.backtest_errors(b.bt)) AS rows
FROM (SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "windows": 4, "step": 2}') bt
      FROM (SELECT g::bigint t, g::float8 y FROM generate_series(1, 8) g) q) b;

-- gaps: with "zero" a missing test point is a 0 actual, with "interpolate" it is NULL
SELECT m.missing, e.t, e.y, e.yhat
FROM (VALUES ('zero'), ('interpolate')) m(missing),
     LATERAL (SELECT forecastin.backtest(t, y, 'naive', jsonb_build_object('horizon', 3, 'missing', m.missing)) bt
              FROM (VALUES (1::bigint, 1.0::float8), (2, 2.0), (3, 3.0), (5, 5.0), (6, NULL)) v(t, y)) b,
     forecastin.backtest_errors(b.bt, NULL::bigint) e ORDER BY 1, 2;

-- zero rows: NULL, and no error rows
SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3}') IS NULL AS is_null
FROM (VALUES (1::bigint, 1.0::float8)) v(t, y) WHERE false;
SELECT count(*) FROM forecastin.backtest_errors(NULL::jsonb);

-- a per-group backtest and an accuracy table in one query (the common use)
SELECT s.series, forecastin.smape(e.y, e.yhat) < 200 AS ok, round(forecastin.mase(e.y, e.yhat, e.scale)::numeric, 4) AS mase,
       count(*) AS forecasts
FROM (SELECT series, forecastin.backtest(t, y, 'ses', '{"horizon": 4, "windows": 2}') bt FROM ar_series GROUP BY series) s,
     forecastin.backtest_errors(s.bt) e
GROUP BY s.series ORDER BY 1;
