--
-- fit_basic: forecastin.fit(), forecast() and model_info() in ordinary use.
-- (setup.sql has created the extension.)
--
-- Numbers are rounded: ETS estimates may differ in late digits across
-- platforms.
--
SET DateStyle = 'ISO, YMD';
CREATE TABLE fb_sales (sku text, t bigint, y float8);
INSERT INTO fb_sales
SELECT 'flat', g, 10 + (g % 3) FROM generate_series(1, 21) g
UNION ALL
SELECT 'line', g, 5 + 2 * g FROM generate_series(1, 20) g
UNION ALL
SELECT 'steps', g, (g / 4) * 10 FROM generate_series(1, 12) g;

-- one model per series, in one query
CREATE TABLE fb_models AS
SELECT sku, forecastin.fit(t, y) AS m FROM fb_sales GROUP BY sku;
SELECT sku, forecastin.model_info(m)->>'method' AS method,
       forecastin.model_info(m)->>'requested_method' AS requested,
       forecastin.model_info(m)->>'n' AS n
FROM fb_models ORDER BY sku;

-- the typical query of the design: forecasts for every series
SELECT s.sku, f.step, f.t, round(f.yhat::numeric, 2) AS yhat,
       f.lo <= f.yhat AND f.yhat <= f.hi AS ordered
FROM fb_models s, LATERAL forecastin.forecast(s.m, 3) f
WHERE s.sku <> 'steps'
ORDER BY s.sku, f.step;

-- a straight line is continued exactly, with no uncertainty
SELECT f.step, round(f.yhat::numeric, 6) AS yhat, round((f.hi - f.lo)::numeric, 6) AS width
FROM fb_models s, forecastin.forecast(s.m, 3) f WHERE s.sku = 'line' ORDER BY f.step;

-- rows in any order give the same model
SELECT (SELECT forecastin.fit(t, y ORDER BY t) FROM fb_sales WHERE sku = 'flat')::text
     = (SELECT forecastin.fit(t, y ORDER BY t DESC) FROM fb_sales WHERE sku = 'flat')::text AS reversed_same,
       (SELECT forecastin.fit(t, y ORDER BY t) FROM fb_sales WHERE sku = 'flat')::text
     = (SELECT forecastin.fit(t, y ORDER BY md5(t::text)) FROM fb_sales WHERE sku = 'flat')::text AS shuffled_same;

-- default level is 0.95; an 80% interval lies inside the 95% one
SELECT d.step,
       d.lo = e.lo AND d.hi = e.hi AS default_is_95,
       n.lo > d.lo AND n.hi < d.hi AS inner_80
FROM fb_models s,
     LATERAL forecastin.forecast(s.m, 3) d
     JOIN LATERAL forecastin.forecast(s.m, 3, 0.95) e USING (step)
     JOIN LATERAL forecastin.forecast(s.m, 3, 0.80) n USING (step)
WHERE s.sku = 'flat' ORDER BY d.step;

-- t: NULL for bigint time in the 3-argument form, bigint with NULL::bigint
SELECT f.step, f.t FROM fb_models s, forecastin.forecast(s.m, 2) f
WHERE s.sku = 'steps' ORDER BY f.step;
SELECT f.step, f.t, pg_typeof(f.t) FROM fb_models s, forecastin.forecast(s.m, 2, 0.9, NULL::bigint) f
WHERE s.sku = 'steps' ORDER BY f.step;

-- date and timestamptz series: the 4-argument form picks the type of t
SET TimeZone = 'UTC';
CREATE TABLE fb_daily AS
SELECT forecastin.fit(d::date, 100.0 + (d::date - date '2024-01-01') % 5, 'naive') AS md,
       forecastin.fit(d, 100.0 + (d::date - date '2024-01-01') % 5, 'naive') AS mts
FROM generate_series(timestamptz '2024-01-01', '2024-01-30', '1 day') d;
SELECT step, t, pg_typeof(t), yhat FROM fb_daily, forecastin.forecast(md, 2) ORDER BY step;
SELECT step, t, pg_typeof(t) FROM fb_daily, forecastin.forecast(md, 2, 0.95, NULL::date) ORDER BY step;
SELECT step, t, pg_typeof(t) FROM fb_daily, forecastin.forecast(md, 2, 0.95, NULL::timestamptz) ORDER BY step;
SELECT step, t, pg_typeof(t) FROM fb_daily, forecastin.forecast(mts, 2, 0.95, NULL::timestamptz) ORDER BY step;
RESET TimeZone;

-- model_info: keys of a simple model and of an ETS model
SELECT string_agg(k, ', ' ORDER BY k) AS naive_keys
FROM fb_daily, jsonb_object_keys(forecastin.model_info(md)) k;
SELECT string_agg(k, ', ' ORDER BY k) AS ets_keys
FROM (SELECT forecastin.fit(t, y, 'ets') m FROM fb_sales WHERE sku = 'flat') s,
     jsonb_object_keys(forecastin.model_info(m)) k;
SELECT string_agg(k, ', ' ORDER BY k) AS ets_parameters
FROM (SELECT forecastin.fit(t, y, 'ets') m FROM fb_sales WHERE sku = 'line') s,
     jsonb_object_keys(forecastin.model_info(m)->'parameters') k;
-- auto: the ensemble's keys (its members are in "form")
SELECT string_agg(k, ', ' ORDER BY k) AS auto_keys
FROM fb_models, jsonb_object_keys(forecastin.model_info(m)) k WHERE sku = 'flat';
SELECT j->>'method' AS method, j->>'form' AS form, j->>'step' AS step,
       j->>'first' AS first, j->>'last' AS last, j->>'time_type' AS time_type,
       j->>'n' AS n, j->>'n_missing' AS n_missing, j->>'missing_policy' AS missing,
       j->>'fallback' AS fallback, round((j->>'sigma2')::numeric, 4) AS sigma2
FROM fb_daily, forecastin.model_info(md) j;

-- no rows: no model, and forecast() of no model gives no rows
SELECT forecastin.fit(t, y) IS NULL AS no_model FROM fb_sales WHERE false;
SELECT count(*) FROM fb_sales WHERE false GROUP BY sku;
SELECT * FROM forecastin.forecast(NULL, 3);
SELECT * FROM forecastin.forecast(NULL, 3, 0.9, NULL::date);
SELECT forecastin.model_info(NULL) IS NULL AS no_info;

-- one observation: naive with NULL intervals (the step is unknown: 1)
SELECT forecastin.model_info(forecastin.fit(7::bigint, 5.0::float8))->>'fallback' AS fallback;
SELECT step, t, yhat, lo, hi
FROM forecastin.forecast((SELECT forecastin.fit(7::bigint, 5.0::float8)), 2, 0.95, NULL::bigint);
-- ... unless the options ask for an error
SELECT forecastin.fit(7::bigint, 5.0::float8, 'auto', '{"short": "error"}');
-- naive itself is fine with one observation
SELECT forecastin.model_info(forecastin.fit(7::bigint, 5.0::float8, 'naive', '{"short": "error"}'))->>'method' AS method;

-- two observations: naive, sigma = |y2 - y1|, z = 1.96
SELECT step, yhat, round(lo::numeric, 4) AS lo, round(hi::numeric, 4) AS hi
FROM forecastin.forecast((SELECT forecastin.fit(t, y) FROM (VALUES (1::bigint, 3.0::float8), (2, 5.0)) v(t, y)), 2);

-- a constant series: constant forecasts, zero-width intervals
SELECT step, round(yhat::numeric, 6) AS yhat, round(lo::numeric, 6) AS lo, round(hi::numeric, 6) AS hi
FROM forecastin.forecast((SELECT forecastin.fit(g::bigint, 7.0::float8) FROM generate_series(1, 20) g), 3);
SELECT step, yhat, lo, hi
FROM forecastin.forecast((SELECT forecastin.fit(g::bigint, 7.0::float8, 'naive') FROM generate_series(1, 20) g), 2);

-- fallbacks are reported by one NOTICE per statement, with a count
SELECT count(*) AS series, count(*) FILTER (WHERE forecastin.model_info(m)->>'method' = 'naive') AS naive
FROM (SELECT k, forecastin.fit(t, y) AS m
      FROM (SELECT g / 3 AS k, g::bigint AS t, g::float8 AS y FROM generate_series(0, 149) g) z
      GROUP BY k) q;
-- none when nothing falls back
SELECT count(m) FROM (SELECT sku, forecastin.fit(t, y, 'naive') AS m FROM fb_sales GROUP BY sku) q;

DROP TABLE fb_sales, fb_models, fb_daily;
RESET DateStyle;
