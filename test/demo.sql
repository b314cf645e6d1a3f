-- test/demo.sql: what forecastin does, shown on the retail sample.
--
--   psql -X -v ON_ERROR_STOP=1 -f test/data/retail_sample.sql
--   psql -X -v ON_ERROR_STOP=1 -f test/demo.sql
--
-- (test/run_demo.sh does all of it on a throwaway cluster.)  Needs
-- CREATE EXTENSION forecastin CASCADE and the tables of test/data/retail_sample.sql
-- in the current schema.  Leaves a table `demo_models` behind.

\set QUIET 1
\pset footer off
\pset null '-'
SET client_min_messages = warning;

-- Round the numbers inside a jsonb value (model parameters) for display.
CREATE FUNCTION pg_temp.round_json(j jsonb, digits int DEFAULT 3) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE jsonb_typeof(j)
		WHEN 'number' THEN CASE
			WHEN j::numeric = trunc(j::numeric) THEN j
			WHEN abs(j::numeric) < 1	-- keep `digits` significant digits
				THEN to_jsonb(trim_scale(round(j::numeric, digits - 1 - floor(log(abs(j::numeric)))::int)))
			ELSE to_jsonb(trim_scale(round(j::numeric, digits))) END
		WHEN 'array' THEN (SELECT coalesce(jsonb_agg(pg_temp.round_json(x, digits) ORDER BY i), '[]')
						   FROM jsonb_array_elements(j) WITH ORDINALITY AS a(x, i))
		WHEN 'object' THEN (SELECT coalesce(jsonb_object_agg(k, pg_temp.round_json(v, digits)), '{}')
							FROM jsonb_each(j) AS e(k, v))
		ELSE j END
$$;

-- Run a fit and report the error it raises (if any) as a row instead of
-- stopping the script.
CREATE FUNCTION pg_temp.try_fit(p_sku text, p_location text, p_method text, p_options jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	info jsonb;
BEGIN
	SELECT forecastin.model_info(forecastin.fit(day, qty, p_method, p_options)) INTO info
	FROM sales WHERE sku = p_sku AND location = p_location;
	RETURN 'ok: ' || (info->>'form') || ', n = ' || (info->>'n');
EXCEPTION WHEN others THEN
	RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END
$$;

\echo
\echo '=================================================================='
\echo ' forecastin demo: in-database demand forecasting on PostgreSQL 15'
\echo '=================================================================='
\echo
\echo '== 1. The data: daily unit sales per SKU and store (test/data/retail_sample.sql)'
\echo

SELECT count(*) AS rows,
	   count(DISTINCT (sku, location)) AS series,
	   min(day) AS first_day, max(day) AS last_day,
	   count(*) FILTER (WHERE qty IS NULL) AS null_qty
FROM sales;

SELECT p.sku, p.category, p.pattern,
	   count(DISTINCT s.location) AS stores,
	   round(avg(s.qty)::numeric, 1) AS avg_per_day,
	   round(100.0 * count(*) FILTER (WHERE s.qty = 0) / count(*)) AS "zero_days_%",
	   min(s.day) AS since
FROM sales s JOIN products p USING (sku)
GROUP BY p.sku, p.category, p.pattern
ORDER BY p.category, p.sku;

\echo 'Stores (ltree paths, used for roll-ups below):'
SELECT location, path FROM locations ORDER BY path;

\echo
\echo '== 2. Fit one model per (sku, location) series: one aggregate, one GROUP BY'
\echo
\echo '   CREATE TABLE demo_models AS'
\echo '   SELECT sku, location, forecastin.fit(day, qty) AS m'
\echo '   FROM sales GROUP BY sku, location;'
\echo

DROP TABLE IF EXISTS demo_models;
SELECT clock_timestamp() AS fit_start \gset
SET client_min_messages = notice;	-- fit reports fallbacks in one NOTICE
CREATE TABLE demo_models AS
SELECT sku, location, forecastin.fit(day, qty) AS m
FROM sales
GROUP BY sku, location;
SET client_min_messages = warning;
SELECT count(*) AS series_fitted,
	   round(extract(epoch FROM clock_timestamp() - :'fit_start'::timestamptz)::numeric, 2) AS seconds,
	   round(count(*) / greatest(extract(epoch FROM clock_timestamp() - :'fit_start'::timestamptz), 0.001)::numeric, 1)
		 AS series_per_second
FROM demo_models;

\echo
\echo '== 3. What the auto router chose (model_info: auto_choice, form)'
\echo

SELECT info->>'method' AS method,
	   info->>'auto_choice' AS auto_choice,
	   count(*) AS series,
	   string_agg(DISTINCT sku, ', ' ORDER BY sku) AS skus
FROM demo_models, LATERAL forecastin.model_info(m) AS info
GROUP BY 1, 2
ORDER BY series DESC, method, auto_choice;

\echo 'model_info for a few series:'
SELECT sku, location,
	   info->>'method' AS method,
	   info->>'form' AS form,
	   info->>'period' AS period,
	   info->>'n' AS n,
	   pg_temp.round_json(info->'parameters') AS parameters
FROM demo_models, LATERAL forecastin.model_info(m) AS info
WHERE (sku, location) IN (('RICE-5KG', 'mumbai'), ('TV-43IN', 'bengaluru'),
						  ('PHONE-A12', 'delhi'), ('ICECREAM-1L', 'pune'),
						  ('BELT-V42', 'jaipur'))
ORDER BY sku, location;

\echo 'Everything model_info returns, for RICE-5KG at mumbai:'
SELECT e.key, e.value
FROM demo_models,
	 LATERAL jsonb_each(pg_temp.round_json(forecastin.model_info(m), 4)) AS e
WHERE sku = 'RICE-5KG' AND location = 'mumbai'
ORDER BY e.key;

\echo
\echo '== 4. 14-day forecasts with 95 % prediction intervals'
\echo

\echo 'RICE-5KG at mumbai (growing demand, weekend peak).  Last 7 days of actuals:'
SELECT day, to_char(day, 'Dy') AS dow, qty
FROM sales WHERE sku = 'RICE-5KG' AND location = 'mumbai' AND day > date '2024-12-24'
ORDER BY day;

SELECT f.step, f.t::date AS day, to_char(f.t, 'Dy') AS dow,
	   round(f.yhat::numeric, 1) AS yhat,
	   round(f.lo::numeric, 1) AS lo95,
	   round(f.hi::numeric, 1) AS hi95,
	   repeat('#', greatest(0, round(f.yhat / 5))::int) AS "yhat (# = 5 units)"
FROM demo_models d, LATERAL forecastin.forecast(d.m, 14) AS f
WHERE d.sku = 'RICE-5KG' AND d.location = 'mumbai'
ORDER BY f.step;

\echo 'TV-43IN at bengaluru (low volume, strong Saturday/Sunday peak):'
SELECT f.step, f.t::date AS day, to_char(f.t, 'Dy') AS dow,
	   round(f.yhat::numeric, 1) AS yhat,
	   round(f.lo::numeric, 1) AS lo95,
	   round(f.hi::numeric, 1) AS hi95,
	   repeat('#', greatest(0, round(f.yhat))::int) AS "yhat (# = 1 unit)"
FROM demo_models d, LATERAL forecastin.forecast(d.m, 14) AS f
WHERE d.sku = 'TV-43IN' AND d.location = 'bengaluru'
ORDER BY f.step;

\echo 'PHONE-A12 at delhi (old model, declining), 80 % intervals:'
SELECT f.step, f.t::date AS day, to_char(f.t, 'Dy') AS dow,
	   round(f.yhat::numeric, 1) AS yhat,
	   round(f.lo::numeric, 1) AS lo80,
	   round(f.hi::numeric, 1) AS hi80
FROM demo_models d, LATERAL forecastin.forecast(d.m, 14, 0.80) AS f
WHERE d.sku = 'PHONE-A12' AND d.location = 'delhi'
ORDER BY f.step;

\echo
\set cmp_sku RICE-5KG
\set cmp_location delhi
\echo '== 5. Comparing methods on' :cmp_sku 'at' :cmp_location
\echo '      Hold out the last 28 days (2024-12-04 .. 2024-12-31), fit each method on the'
\echo '      rest, score the forecasts against the actuals in SQL.'
\echo

WITH train AS (
	SELECT day, qty FROM sales
	WHERE sku = :'cmp_sku' AND location = :'cmp_location' AND day <= date '2024-12-03'
), test AS (
	SELECT day, qty FROM sales
	WHERE sku = :'cmp_sku' AND location = :'cmp_location' AND day > date '2024-12-03'
), fits AS (
	SELECT meth.name || CASE WHEN meth.opts <> '{}' THEN ' ' || meth.opts ELSE '' END AS method, meth.ord,
		   (SELECT forecastin.fit(day, qty, meth.name, meth.opts::jsonb) FROM train) AS m
	FROM unnest(ARRAY['naive', 'snaive', 'mean', 'drift', 'ses', 'hw', 'ets', 'ets', 'arima', 'theta', 'mstl', 'knn', 'auto'],
				-- ets with every form weighted by its Akaike weight instead of the best one
				ARRAY['{}', '{}', '{}', '{}', '{}', '{}', '{}', '{"combine": "aicc"}', '{}', '{}', '{}', '{}', '{}'])
		 WITH ORDINALITY AS meth(name, opts, ord)
), scored AS (
	SELECT fits.method, fits.ord,
		   forecastin.model_info(fits.m)->>'form' AS form,
		   f.yhat, f.lo, f.hi, t.qty
	FROM fits, LATERAL forecastin.forecast(fits.m, 28) AS f
	JOIN test t ON t.day = f.t::date
)
SELECT method, form,
	   round(avg(abs(yhat - qty))::numeric, 2) AS mae,
	   round(sqrt(avg((yhat - qty) ^ 2))::numeric, 2) AS rmse,
	   round(avg(yhat - qty)::numeric, 2) AS bias,
	   round(100.0 * avg((qty BETWEEN lo AND hi)::int), 0) AS "in_95%_interval_%"
FROM scored
GROUP BY method, ord, form
ORDER BY mae, ord;

\echo
\echo '== 6. A brand-new SKU: COLA-ZERO-1L has 10 days of history at delhi and 5 at mumbai.'
\echo '      Too short for a weekly season (or, at mumbai, for any model with parameters):'
\echo '      model_info says what was fitted instead, and why.'
\echo

\x on
SELECT sku, location,
	   info->>'n' AS n,
	   info->>'method' AS method,
	   info->>'form' AS form,
	   info->>'period_source' AS period_source,
	   info->>'fallback' AS fallback
FROM demo_models, LATERAL forecastin.model_info(m) AS info
WHERE sku = 'COLA-ZERO-1L'
ORDER BY location;
\x off

\echo 'Asking explicitly for Holt-Winters on the 10 days at delhi:'
SELECT info->>'method' AS method, info->>'form' AS form, info->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(day, qty, 'hw', '{"period": 7}')) AS info
	  FROM sales WHERE sku = 'COLA-ZERO-1L' AND location = 'delhi') s;

\echo 'The 7-day forecast at delhi: flat, since 10 days show neither trend nor season:'
SELECT f.step, f.t::date AS day, to_char(f.t, 'Dy') AS dow,
	   round(f.yhat::numeric, 1) AS yhat,
	   round(f.lo::numeric, 1) AS lo95,
	   round(f.hi::numeric, 1) AS hi95
FROM demo_models d, LATERAL forecastin.forecast(d.m, 7) AS f
WHERE d.sku = 'COLA-ZERO-1L' AND d.location = 'delhi'
ORDER BY f.step;

\echo
\echo '== 7. Missing values: {"missing": "zero" | "interpolate" | "error"}'
\echo '      pune was closed 2024-06-10..16 (no rows); mumbai RICE-5KG has qty NULL'
\echo '      on 2024-09-02..04 (till outage).'
\echo

SELECT sku, location, count(*) AS rows, count(qty) AS non_null,
	   (max(day) - min(day) + 1) AS calendar_days,
	   (max(day) - min(day) + 1) - count(qty) AS missing
FROM sales
WHERE (sku, location) IN (('RICE-5KG', 'pune'), ('RICE-5KG', 'mumbai'), ('SOAP-4PK', 'jaipur'))
GROUP BY sku, location
ORDER BY sku, location;

\echo 'Same series, three policies.  "zero" (the default) counts every missing day as a'
\echo 'day without sales: right for feeds that omit zero-sale days, wrong here, and a'
\echo 'series with zeros cannot use the multiplicative ETS forms.  "interpolate" fills'
\echo 'the days in from their neighbours; "error" refuses and names the first missing day:'
SELECT s.sku, s.location, p.policy,
	   pg_temp.try_fit(s.sku, s.location, 'ets', jsonb_build_object('missing', p.policy)) AS result
FROM (VALUES ('RICE-5KG', 'mumbai'), ('RICE-5KG', 'pune')) AS s(sku, location),
	 unnest(ARRAY['zero', 'interpolate', 'error']) WITH ORDINALITY AS p(policy, ord)
ORDER BY s.sku, s.location, p.ord;

\echo 'What it does to the next 14 days of RICE-5KG at mumbai:'
WITH fits AS (
	SELECT p.policy, p.ord,
		   (SELECT forecastin.fit(day, qty, 'ets', jsonb_build_object('missing', p.policy))
			FROM sales WHERE sku = 'RICE-5KG' AND location = 'mumbai') AS m
	FROM unnest(ARRAY['zero', 'interpolate']) WITH ORDINALITY AS p(policy, ord)
), fc AS (
	SELECT fits.policy, fits.ord,
		   forecastin.model_info(fits.m) AS info,
		   f.yhat, f.lo, f.hi
	FROM fits, LATERAL forecastin.forecast(fits.m, 14) AS f
)
SELECT policy,
	   info->>'form' AS form,
	   info->>'n_missing' AS days_filled,
	   round(avg(yhat)::numeric, 1) AS "mean yhat, 14 days",
	   round(avg(hi - lo)::numeric, 1) AS "mean 95% width"
FROM fc
GROUP BY policy, ord, info
ORDER BY ord;

\echo
\echo '== 8. Coherent forecasts over a hierarchy: india > region > store > SKU'
\echo '      Every node gets its own ETS forecast; MinT reconciliation (shrinkage'
\echo '      covariance of the in-sample residuals) makes parents equal the sum of'
\echo '      their children.'
\echo

-- one series per node of the tree: leaves are store x SKU, every prefix sums them
CREATE TABLE node_sales AS
WITH leaf AS (
	SELECT l.path || text2ltree(lower(regexp_replace(s.sku, '[^A-Za-z0-9]+', '_', 'g'))) AS path,
		   s.day, coalesce(s.qty, 0) AS qty
	FROM sales s JOIN locations l USING (location)
	WHERE s.sku IN ('RICE-5KG', 'SOAP-4PK', 'ICECREAM-1L')
)
SELECT subpath(path, 0, k) AS path, day, sum(qty) AS qty
FROM leaf, generate_series(1, nlevel(path)) AS k
GROUP BY 1, 2;

SELECT * FROM forecastin.register_hierarchy('retail',
	'SELECT DISTINCT path FROM node_sales WHERE nlevel(path) = 4');

\echo 'Drill-down from the top (forecastin.children, keyset-paginated):'
SELECT path, n_children, n_leaves FROM forecastin.children('retail', 'india');

CREATE TABLE node_models AS
SELECT path, forecastin.fit(day, qty, 'ets') AS m FROM node_sales GROUP BY path;
CREATE TABLE node_base AS
SELECT n.path, f.step, f.yhat FROM node_models n, LATERAL forecastin.forecast(n.m, 14) AS f;
CREATE TABLE node_resid AS
SELECT n.path, r.t, r.resid FROM node_models n, LATERAL forecastin.residuals(n.m) AS r;

CREATE TABLE node_reconciled AS
SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM node_base', 'mint_shrink',
	'{"residuals": "SELECT path, t, resid FROM node_resid"}');

\echo 'How far from adding up (relative gap parent vs sum of children, worst step):'
SELECT 'base forecasts' AS forecasts, round(max(max_rel_gap)::numeric, 4) AS max_rel_gap
FROM forecastin.coherence('SELECT path, step, yhat FROM node_base')
UNION ALL
SELECT 'after mint_shrink', round(max(max_rel_gap)::numeric, 10)
FROM forecastin.coherence('SELECT path, step, yhat FROM node_reconciled');

\echo 'Next 14 days per region, units (base vs reconciled):'
SELECT b.path AS node, round(sum(b.yhat)) AS base, round(sum(r.yhat)) AS reconciled
FROM node_base b JOIN node_reconciled r USING (path, step)
WHERE nlevel(b.path) <= 2
GROUP BY b.path ORDER BY b.path;

\echo
\echo '== 9. Which method to trust?  Rolling-origin backtest on every series:'
\echo '      4 origins a week apart, 14-day forecasts, scored with accuracy aggregates;'
\echo '      Diebold-Mariano test of ets against seasonal naive.'
\echo

CREATE TABLE demo_backtest AS
SELECT sku, location, m.method,
	   forecastin.backtest(day, qty, m.method, '{"horizon": 14, "windows": 4, "step": 7}') AS bt
FROM sales, (VALUES ('ets'), ('theta'), ('snaive'), ('naive')) AS m(method)
WHERE sku <> 'COLA-ZERO-1L'
GROUP BY sku, location, m.method;

SELECT method,
	   round(forecastin.mase(e.y, e.yhat, e.scale)::numeric, 3) AS mase,
	   round(forecastin.smape(e.y, e.yhat)::numeric, 1) AS smape,
	   round(forecastin.bias(e.y, e.yhat)::numeric, 2) AS bias,
	   round(100 * forecastin.coverage(e.y, e.lo, e.hi)::numeric) AS "in 95% interval %"
FROM demo_backtest b, LATERAL forecastin.backtest_errors(b.bt, NULL::date) AS e
GROUP BY method ORDER BY mase;

SELECT round((d).statistic::numeric, 2) AS dm_statistic, round((d).p_value::numeric, 4) AS p_value,
	   (d).n AS pairs,
	   CASE WHEN (d).mean_loss_diff < 0 THEN 'ets more accurate' ELSE 'snaive more accurate' END AS verdict
FROM (SELECT forecastin.dm_test(a.y - a.yhat, b.y - b.yhat, 1, 2, a.series ORDER BY a.series, a.t) AS d
	  FROM (SELECT sku || '/' || location || '/' || e."window" AS series, e.t, e.y, e.yhat
			FROM demo_backtest bt, LATERAL forecastin.backtest_errors(bt.bt, NULL::date) e
			WHERE bt.method = 'ets' AND e.step = 1) a
	  JOIN (SELECT sku || '/' || location || '/' || e."window" AS series, e.t, e.y, e.yhat
			FROM demo_backtest bt, LATERAL forecastin.backtest_errors(bt.bt, NULL::date) e
			WHERE bt.method = 'snaive' AND e.step = 1) b USING (series, t)) x;

\echo
\echo '== 10. Several seasonal cycles: hourly footfall at a store, with a daily and a weekly'
\echo '       pattern (generated: busy evenings, busier weekends).  auto detects both cycles'
\echo '       from the hourly timestamps, holds out the last two days, and keeps whichever'
\echo '       forecast them best: an MSTL model, seasonal ARIMA, seasonal naive, or their'
\echo '       median (then applied to all the data); model_info says which, and lists members.'
\echo

CREATE TABLE demo_footfall AS
SELECT ts, round(40 + 25 * greatest(0, sin(pi() * (extract(hour FROM ts) - 8) / 14))
				 * (1 + 0.5 * (extract(isodow FROM ts) >= 6)::int)
				 + 0.01 * extract(epoch FROM ts - timestamptz '2024-11-01') / 3600
				 + (get_byte(decode(md5(ts::text), 'hex'), 0) % 7))::float8 AS visitors
FROM generate_series(timestamptz '2024-11-01 00:00+00', timestamptz '2024-11-28 23:00+00', interval '1 hour') AS ts;

SELECT split_part(info->>'auto_choice', '; ', 2) AS auto_chose, info->>'n' AS hours_fitted, m->>'form' AS member
FROM (SELECT forecastin.model_info(forecastin.fit(ts, visitors)) AS info FROM demo_footfall) f
	 LEFT JOIN LATERAL jsonb_array_elements(info->'members') AS m ON true;

\echo 'Next Saturday and Monday, every third hour (Saturdays are busier):'
SELECT to_char(f.t AT TIME ZONE 'UTC', 'Dy DD HH24:MI') AS hour, round(f.yhat) AS visitors,
	   round(f.lo) AS lo95, round(f.hi) AS hi95,
	   repeat('#', greatest(0, round(f.yhat / 4))::int) AS "visitors (# = 4)"
FROM forecastin.forecast((SELECT forecastin.fit(ts, visitors) FROM demo_footfall), 96) AS f
WHERE extract(isodow FROM f.t AT TIME ZONE 'UTC') IN (6, 1) AND extract(hour FROM f.t AT TIME ZONE 'UTC')::int % 3 = 0
ORDER BY f.step;

\echo
\echo 'Done.  The fitted models are in table demo_models (sku, location, m forecastin.model).'
