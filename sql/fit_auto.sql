--
-- fit_auto: ensemble, mstl and auto (the router) through the SQL API:
-- combinations checked against their members fitted one by one, MSTL on
-- series with known seasonal patterns, each routing rule, and bad input.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

-- a trending series with deterministic noise
CREATE TABLE fa_y AS
SELECT g::bigint AS t, 100 + 2 * g + (get_byte(decode(md5(g::text), 'hex'), 0) % 11)::float8 AS y
FROM generate_series(1, 60) g;

--
-- ensemble
--
-- the default ensemble is the median of ETS, ARIMA and Theta: step by step
-- it equals the median of the three fitted on their own (points and bounds)
CREATE TABLE fa_members AS
SELECT meth, f.step, f.yhat, f.lo, f.hi
FROM unnest(ARRAY['ets', 'arima', 'theta']) meth,
     LATERAL (SELECT forecastin.fit(t, y, meth) m FROM fa_y) q,
     LATERAL forecastin.forecast(q.m, 6) f;
SELECT forecastin.model_info(m)->>'method' AS method, forecastin.model_info(m)->>'form' AS form
FROM (SELECT forecastin.fit(t, y, 'ensemble') m FROM fa_y) q;
SELECT count(*) AS steps,
       bool_and(abs(e.yhat - x.med_yhat) < 1e-9 * abs(x.med_yhat)) AS median_points,
       bool_and(abs(e.lo - x.med_lo) < 1e-9 * abs(x.med_lo) AND abs(e.hi - x.med_hi) < 1e-9 * abs(x.med_hi)) AS median_bounds
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'ensemble') FROM fa_y), 6) e
JOIN (SELECT step, percentile_cont(0.5) WITHIN GROUP (ORDER BY yhat) med_yhat,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY lo) med_lo,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY hi) med_hi
      FROM fa_members GROUP BY step) x USING (step);

-- a mean of naive and drift, by hand: last value + step * slope / 2
SELECT step, round(yhat::numeric, 6) AS yhat,
       round(((SELECT y FROM fa_y WHERE t = 60) + step * ((SELECT y FROM fa_y WHERE t = 60) - (SELECT y FROM fa_y WHERE t = 1)) / 59 / 2)::numeric, 6) AS by_hand
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["naive", "drift"], "combine": "mean"}') FROM fa_y), 3);

-- its residuals are the mean of the members' residuals
SELECT count(*) AS points,
       bool_and(abs(e.resid - (a.resid + b.resid) / 2) < 1e-9) AS mean_of_members
FROM forecastin.residuals((SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["naive", "drift"], "combine": "mean"}') FROM fa_y), NULL::bigint) e
JOIN forecastin.residuals((SELECT forecastin.fit(t, y, 'naive') FROM fa_y), NULL::bigint) a USING (t)
JOIN forecastin.residuals((SELECT forecastin.fit(t, y, 'drift') FROM fa_y), NULL::bigint) b USING (t)
WHERE e.resid IS NOT NULL;

-- model_info lists the members, with their own fallbacks (9 points are too
-- few for ETS with period 4)
SELECT j->>'combine' AS combine, e->>'method' AS method, e->>'form' AS form, e->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(g::bigint, 10 + g % 3, 'ensemble', '{"period": 4}')) j
      FROM generate_series(1, 9) g) q, jsonb_array_elements(j->'members') e;
-- a member without intervals (croston) leaves the ensemble without them
SELECT count(*) AS steps, bool_and(lo IS NULL AND hi IS NULL) AS no_interval, bool_and(yhat IS NOT NULL) AS has_points
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["naive", "croston"]}') FROM fa_y), 3);

--
-- mstl
--
-- hourly series: a daily wave, a weekend bump, a slow trend; 4 weeks
CREATE TABLE fa_hourly AS
SELECT d AS t,
       200 + 0.05 * extract(epoch FROM d - timestamptz '2024-01-01') / 3600
       + 30 * sin(2 * pi() * extract(hour FROM d) / 24)
       + 25 * (extract(isodow FROM d) > 5)::int AS y
FROM generate_series(timestamptz '2024-01-01', '2024-01-28 23:00', interval '1 hour') d;
-- both cycles are detected from the hourly time axis, and the forecast of
-- the next week follows the pattern (the truth continues the formula)
SELECT forecastin.model_info(m)->>'form' AS form, forecastin.model_info(m)->>'period' AS period
FROM (SELECT forecastin.fit(t, y, 'mstl') m FROM fa_hourly) q;
SELECT count(*) AS steps,
       max(abs(f.yhat - (200 + 0.05 * extract(epoch FROM f.t - timestamptz '2024-01-01') / 3600
                         + 30 * sin(2 * pi() * extract(hour FROM f.t) / 24)
                         + 25 * (extract(isodow FROM f.t) > 5)::int))) < 2 AS follows_pattern
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'mstl') FROM fa_hourly), 168) f;
-- what model_info says of an mstl model
SELECT j->'periods' AS periods, j->>'transform' AS transform, j->'members'->0->>'form' AS adjusted_model
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'mstl')) j FROM fa_hourly) q;
-- periods given in options; another model for the adjusted series
SELECT forecastin.model_info(forecastin.fit(t, y, 'mstl', '{"period": [24, 168], "adjusted": "theta"}'))->>'form' AS form
FROM fa_hourly;
-- on log(y): a seasonal amplitude proportional to the level
SELECT forecastin.model_info(m)->>'form' AS form,
       (SELECT bool_and(yhat > 0 AND lo > 0 AND lo <= yhat AND yhat <= hi) FROM forecastin.forecast(m, 30)) AS positive_ordered
FROM (SELECT forecastin.fit(g::bigint, exp(3 + 0.02 * g + 0.3 * sin(2 * pi() * g / 7)), 'mstl',
                            '{"period": 7, "transform": "log"}') m
      FROM generate_series(1, 70) g) q;
-- on sqrt(y) (Box-Cox 1/2): forecasts are the squares of the sqrt-scale
-- forecasts, to 1e-9 against the same model fitted to sqrt(y) by hand, and
-- bounds stay ordered and non-negative (zeros allowed, unlike log)
WITH d AS (SELECT g::bigint AS t, (3 + 0.02 * g + 0.8 * sin(2 * pi() * g / 7)) ^ 2 * (g % 11 <> 0)::int AS y
           FROM generate_series(1, 70) g),
m AS (SELECT forecastin.fit(t, y, 'mstl', '{"period": 7, "transform": "sqrt", "adjusted": "arima"}') AS m,
             forecastin.fit(t, sqrt(y), 'mstl', '{"period": 7, "adjusted": "arima"}') AS by_hand FROM d)
SELECT (SELECT forecastin.model_info(m)->>'form' FROM m) AS form,
       (SELECT forecastin.model_info(m)->>'transform' FROM m) AS transform,
       bool_and(abs(a.yhat - greatest(b.yhat, 0) ^ 2) < 1e-9 * greatest(a.yhat, 1)
                AND abs(a.hi - greatest(b.hi, 0) ^ 2) < 1e-9 * greatest(a.hi, 1)) AS squares_of_sqrt_scale,
       bool_and(a.lo >= 0 AND a.lo <= a.yhat AND a.yhat <= a.hi) AS ordered_nonnegative
FROM m, forecastin.forecast(m.m, 30) a JOIN forecastin.forecast(m.by_hand, 30) b USING (step);
-- residuals on the data's scale: y minus the squared sqrt-scale fit
SELECT count(*) FILTER (WHERE r.resid IS NOT NULL) > 60 AS residuals,
       max(abs(r.resid)) < 5 AS small
FROM forecastin.residuals((SELECT forecastin.fit(g::bigint, (3 + 0.02 * g + 0.8 * sin(2 * pi() * g / 7)) ^ 2, 'mstl',
                                  '{"period": 7, "transform": "sqrt"}') FROM generate_series(1, 70) g), NULL::bigint) r;
-- too short for its period: the adjusted-series method alone, and why
SELECT j->>'method' AS method, j->>'form' AS form, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(g::bigint, g % 5, 'mstl', '{"period": 24}')) j
      FROM generate_series(1, 30) g) q;
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, g % 5, 'mstl', '{"period": 24, "short": "error"}') FROM generate_series(1, 30) g $$);

--
-- auto: one rule each
--
CREATE TABLE fa_auto (kind text, t bigint, y float8);
INSERT INTO fa_auto
SELECT 'trend', t, y FROM fa_y
UNION ALL SELECT 'short', g, 10 + g % 3 FROM generate_series(1, 6) g
UNION ALL SELECT 'intermittent', g, CASE WHEN g % 4 = 0 THEN 3 + g % 3 ELSE 0 END FROM generate_series(1, 40) g
UNION ALL SELECT 'late_launch', g, CASE WHEN g <= 20 THEN 0 ELSE 50 + g % 4 END FROM generate_series(1, 40) g
UNION ALL SELECT 'all_zero', g, 0 FROM generate_series(1, 30) g
UNION ALL SELECT 'constant', g, 7 FROM generate_series(1, 30) g
UNION ALL SELECT 'one_sale', g, CASE WHEN g = 12 THEN 5 ELSE 0 END FROM generate_series(1, 30) g;
SELECT kind, j->>'method' AS method, j->>'auto_choice' AS auto_choice
FROM (SELECT kind, forecastin.model_info(forecastin.fit(t, y, 'auto')) j FROM fa_auto GROUP BY kind) q
ORDER BY kind;
-- their forecasts are finite and sensible
SELECT kind, round(min(f.yhat)::numeric, 3) AS min_yhat, round(max(f.yhat)::numeric, 3) AS max_yhat
FROM (SELECT kind, forecastin.fit(t, y, 'auto') m FROM fa_auto GROUP BY kind) q,
     LATERAL forecastin.forecast(q.m, 5) f
WHERE kind IN ('all_zero', 'constant', 'one_sale', 'short')
GROUP BY kind ORDER BY kind;
-- several periods: MSTL models and seasonal naive
SELECT j->>'form' AS form, j->>'auto_choice' AS auto_choice
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'auto')) j FROM fa_hourly) q;
-- the candidate chosen on the held-out last 48 hours is then applied to the
-- whole series: it ends where the series ends, has a residual per point,
-- and its forecasts follow the pattern (within 5 on a level of 240-250 over
-- a week: the winner here, sqrt MSTL+theta, extrapolates half the trend's
-- slope, as Theta does)
SELECT (j->>'n')::int AS n, j->>'last' AS last,
       (SELECT count(*) FROM forecastin.residuals(q.m)) AS residuals,
       (SELECT max(abs(f.yhat - (200 + 0.05 * extract(epoch FROM f.t - timestamptz '2024-01-01') / 3600
                                 + 30 * sin(2 * pi() * extract(hour FROM f.t) / 24)
                                 + 25 * (extract(isodow FROM f.t) > 5)::int))) < 5
        FROM forecastin.forecast(q.m, 168) f) AS follows_pattern
FROM (SELECT m, forecastin.model_info(m) j
      FROM (SELECT forecastin.fit(t, y, 'auto') m FROM fa_hourly) s) q;
-- a week that repeats exactly, hour by hour: seasonal naive with the week
-- forecasts the held-out days without error and wins; its forecasts repeat
-- the last week of the whole series
CREATE TABLE fa_weekly_cycle AS
SELECT g::bigint AS t, 50 + (get_byte(decode(md5((g % 168)::text), 'hex'), 0) % 40) AS y
FROM generate_series(1, 24 * 7 * 5) g;
SELECT forecastin.model_info(m)->>'form' AS form, forecastin.model_info(m)->>'period' AS period,
       (SELECT bool_and(f.yhat = c.y) FROM forecastin.forecast(m, 168) f
        JOIN fa_weekly_cycle c ON c.t = 24 * 7 * 4 + f.step) AS repeats_last_week
FROM (SELECT forecastin.fit(t, y, 'auto', '{"period": [24, 168]}') m FROM fa_weekly_cycle) q;
-- too short to hold out two days and still fit the week twice (2 weeks and
-- 40 hours): the median, fitted to all of it
SELECT j->>'method' AS method, j->>'auto_choice' LIKE '%chosen: the median%' AS median, (j->>'n')::int AS n
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'auto', '{"period": [24, 168]}')) j FROM fa_hourly
      WHERE t < timestamptz '2024-01-16 16:00') q;
-- option holdout: how many points to hold out (default two cycles of the
-- shortest period); 0 holds out nothing and keeps the median, as does a
-- holdout the series cannot spare (840 points: 600 leave too few for the
-- week twice)
SELECT h, j->>'method' AS method, j->>'period' AS period, j->>'auto_choice' LIKE '%chosen: the median%' AS median,
       (j->>'n')::int AS n
FROM (VALUES (0), (24), (168), (600), (840), (100000)) v(h),
     LATERAL (SELECT forecastin.model_info(forecastin.fit(t, y, 'auto', jsonb_build_object('period', '[24, 168]'::jsonb, 'holdout', v.h))) j
              FROM fa_weekly_cycle) q
ORDER BY h;
SELECT try_sql(format($$ SELECT forecastin.fit(t, y, 'auto', '{"holdout": %s}') FROM fa_hourly $$, h))
FROM (VALUES ('-1'), ('1.5'), ('100001'), ('1e300'), ('"48"'), ('null'), ('[48]')) v(h);
-- holdout is only read by auto with several periods; other methods ignore it
SELECT forecastin.model_info(forecastin.fit(t, y, 'ets', '{"holdout": 5}'))->>'method' AS method FROM fa_hourly;
-- positive except in the held-out part: no log(y) candidate, no error
SELECT j->>'form' NOT LIKE '%log%' AS no_log, (j->>'n')::int AS n
FROM (SELECT forecastin.model_info(forecastin.fit(t, CASE WHEN t > timestamptz '2024-01-28 20:00' THEN 0 ELSE y END, 'auto')) j
      FROM fa_hourly) q;
-- a season longer than ETS estimates (weekly data, period 52): MSTL+ETS
-- stands in for ETS, and the yearly wave is forecast
SELECT j->>'form' AS form, j->>'auto_choice' AS auto_choice,
       (SELECT max(abs(f.yhat - (100 + 40 * sin(2 * pi() * (160 + f.step) / 52)))) < 8
        FROM forecastin.forecast(q.m, 52) f) AS follows_wave
FROM (SELECT m, forecastin.model_info(m) j
      FROM (SELECT forecastin.fit(g::bigint, 100 + 40 * sin(2 * pi() * g / 52) + (get_byte(decode(md5(g::text), 'hex'), 0) % 5),
                                  'auto', '{"period": 52}') m
            FROM generate_series(1, 160) g) s) q;
-- the choice uses the training data only: refitting on a prefix never
-- looks at later points (same model as fitting the prefix alone)
SELECT (SELECT forecastin.fit(t, y, 'auto') FROM fa_y WHERE t <= 40)::text
     = (SELECT forecastin.fit(t, y, 'auto') FROM (SELECT * FROM fa_y ORDER BY t LIMIT 40) s)::text AS prefix_only;
-- auto in a backtest
SELECT count(DISTINCT e.origin) AS windows, count(*) AS rows,
       bool_and(e.yhat IS NOT NULL AND e.yhat = e.yhat) AS finite
FROM (SELECT forecastin.backtest(t, y, 'auto', '{"horizon": 4, "windows": 3}') bt FROM fa_y) b,
     forecastin.backtest_errors(b.bt, NULL::bigint) e;

--
-- bad input
--
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["ets"]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": []}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": "ets"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["ets", 3]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["ets", "auto"]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["ets", "ensemble"]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["ets", "bogus"]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": ["naive", "naive", "naive", "naive", "naive", "naive", "naive"]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"combine": "max"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"combine": 1}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"adjusted": "mstl"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"transform": "boxcox"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y - 150, 'mstl', '{"period": 7, "transform": "sqrt"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y - 150, 'mstl', '{"period": 7, "transform": "log"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"period": [7, 7, 12]}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"methods": null}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'ensemble', '{"combine": null}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"adjusted": null}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"adjusted": "bogus"}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"transform": null}') FROM fa_y $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y, 'mstl', '{"period": [7, 0]}') FROM fa_y $$);
-- one row, and no rows: a naive model without intervals, and NULL
SELECT meth, forecastin.model_info(m)->>'method' AS fitted,
       (SELECT bool_and(f.yhat = 5 AND f.lo IS NULL) FROM forecastin.forecast(m, 2) f) AS naive_5
FROM (SELECT meth, forecastin.fit(1::bigint, 5.0::float8, meth) m
      FROM unnest(ARRAY['auto', 'ensemble', 'mstl']) meth GROUP BY meth) q ORDER BY meth;
SELECT meth, (SELECT forecastin.fit(t, y, meth) FROM fa_y WHERE false) IS NULL AS no_model
FROM unnest(ARRAY['auto', 'ensemble', 'mstl']) meth ORDER BY meth;
-- a second period too long for the series is dropped, as R's mstl does
SELECT forecastin.model_info(forecastin.fit(t, y, 'mstl', '{"period": [7, 100000]}'))->'periods' AS periods_used FROM fa_y;
-- NaN in the data is refused before any member is fitted
SELECT try_sql($$ SELECT forecastin.fit(t, CASE WHEN t = 5 THEN 'NaN' ELSE y END, 'auto') FROM fa_y $$);

-- forged composite models: a wrong member count, a nested ensemble, a
-- truncated member; each is an ERROR, never a crash
CREATE TABLE fa_forge AS
SELECT (forecastin.fit(t, y, 'ensemble', '{"methods": ["naive", "drift"]}'))::text::jsonb AS j FROM fa_y;
SELECT try_sql(format('SELECT %L::forecastin.model', jsonb_set(j, '{states,0}', '5')::text)) FROM fa_forge;
SELECT try_sql(format('SELECT %L::forecastin.model', jsonb_set(j, '{states,2}', '17')::text)) FROM fa_forge;
SELECT try_sql(format('SELECT %L::forecastin.model', jsonb_set(j, '{states,1}', '0.5')::text)) FROM fa_forge;
SELECT try_sql(format('SELECT %L::forecastin.model',
       jsonb_set(j, '{states}', (SELECT jsonb_agg(e) FROM (SELECT e FROM jsonb_array_elements(j->'states') WITH ORDINALITY x(e, k) WHERE k <= 30) s))::text)) FROM fa_forge;
SELECT try_sql(format('SELECT %L::forecastin.model', jsonb_set(j, '{states,8}', '1e6')::text)) FROM fa_forge;
CREATE TABLE fa_forge_mstl AS
SELECT (forecastin.fit(t, y, 'mstl', '{"period": [24, 168]}'))::text::jsonb AS j FROM fa_hourly;
SELECT try_sql(format('SELECT %L::forecastin.model', jsonb_set(j, '{states,2}', '168')::text)) FROM fa_forge_mstl;
SELECT try_sql(format('SELECT %L::forecastin.model', jsonb_set(j, '{states,1}', '3')::text)) FROM fa_forge_mstl;

DROP TABLE fa_y, fa_members, fa_hourly, fa_auto, fa_forge, fa_forge_mstl;
