--
-- fit_methods: every method on small series whose answer is known in
-- closed form, fixed smoothing parameters, and the fallbacks.
--
SET DateStyle = 'ISO, YMD';
CREATE TABLE fm_y (t bigint, y float8);
INSERT INTO fm_y SELECT g, v FROM unnest(ARRAY[3, 5, 4, 6, 8, 7, 9, 11, 10, 12, 14, 13]) WITH ORDINALITY u(v, g);

CREATE TABLE fm_models AS
SELECT m AS method, (SELECT forecastin.fit(t, y, m, '{"period": 3}') FROM fm_y) AS m
FROM unnest(ARRAY['naive', 'snaive', 'mean', 'drift']) m;

-- the benchmark methods (y = 3 5 4 6 8 7 9 11 10 12 14 13):
--   naive:  y_n = 13;  sigma^2 = mean squared difference = 32/11
--   snaive: the last cycle 12 14 13 again;  every lag-3 difference is 3
--   mean:   8.5;  sample variance 13, Student t interval
--   drift:  13 + h (13 - 3) / 11
SELECT method, f.step, round(f.yhat::numeric, 6) AS yhat,
       round(((f.hi - f.lo) / 2)::numeric, 4) AS half_width
FROM fm_models, forecastin.forecast(m, 4) f ORDER BY method, f.step;
SELECT method, round((forecastin.model_info(m)->>'sigma2')::numeric, 6) AS sigma2,
       forecastin.model_info(m)->'parameters' AS parameters,
       (forecastin.model_info(m)->>'period')::int AS period
FROM fm_models ORDER BY method;

-- interval widths grow as documented: naive sqrt(h), snaive sqrt(floor((h-1)/m)+1),
-- mean constant, drift sqrt(h (1 + h/(n-1)))
SELECT method, f.step,
       round(((f.hi - f.lo) / (f1.hi - f1.lo))::numeric, 6) AS width_ratio,
       round((CASE method
                WHEN 'naive' THEN sqrt(f.step)
                WHEN 'snaive' THEN sqrt(((f.step - 1) / 3) + 1)
                WHEN 'mean' THEN 1
                ELSE sqrt(f.step * (1 + f.step / 11.0)) / sqrt(1 + 1 / 11.0) END)::numeric, 6) AS documented
FROM fm_models, forecastin.forecast(m, 7) f
JOIN LATERAL (SELECT * FROM forecastin.forecast(m, 1)) f1 ON true
ORDER BY method, f.step;
-- the 95% interval uses z = 1.959964 (t with 11 df = 2.200985 for mean)
SELECT method, round(((f.hi - f.lo) / 2 / sqrt((forecastin.model_info(m)->>'sigma2')::float8))::numeric, 6) AS quantile
FROM fm_models, forecastin.forecast(m, 1) f WHERE method IN ('naive', 'mean') ORDER BY method;

-- in-sample residuals: one row per time step, NULL where the method has none
SELECT method, string_agg(coalesce(round(resid::numeric, 4)::text, 'NULL'), ' ' ORDER BY t) AS residuals
FROM fm_models, forecastin.residuals(m, NULL::bigint) GROUP BY method ORDER BY method;
SELECT count(*) AS rows, count(t) AS t_not_null
FROM fm_models, forecastin.residuals(m) WHERE method = 'naive';
SELECT t, round(resid::numeric, 4) AS resid
FROM forecastin.residuals((SELECT forecastin.fit(d::date, (d::date - date '2024-01-01')::float8 ^ 2, 'naive')
                            FROM generate_series(date '2024-01-01', date '2024-01-04', interval '1 day') d), NULL::date)
ORDER BY t;
SELECT * FROM forecastin.residuals(NULL);

-- ses with a fixed alpha: alpha is kept, the forecast is the last level
-- of l_t = l_{t-1} + alpha (y_t - l_{t-1}) from the estimated l_0, and the
-- variance grows as sigma^2 (1 + (h-1) alpha^2)
CREATE TABLE fm_ses AS SELECT forecastin.fit(t, y, 'ses', '{"alpha": 0.3}') AS m FROM fm_y;
SELECT j->>'form' AS form, j->'parameters'->>'alpha' AS alpha, (j->>'nparam')::int AS nparam
FROM fm_ses, forecastin.model_info(m) j;
WITH RECURSIVE p AS (
  SELECT (forecastin.model_info(m)->'parameters'->>'initial_level')::float8 AS l0 FROM fm_ses),
r(t, l) AS (
  SELECT 0::bigint, l0 FROM p
  UNION ALL
  SELECT r.t + 1, r.l + 0.3 * (y.y - r.l) FROM r JOIN fm_y y ON y.t = r.t + 1)
SELECT f.step, abs(f.yhat - (SELECT l FROM r WHERE t = 12)) < 1e-9 AS yhat_is_last_level,
       round(((f.hi - f.lo) / (2 * 1.959963984540054 *
             sqrt((forecastin.model_info(m)->>'sigma2')::float8 * (1 + (f.step - 1) * 0.09))))::numeric, 6) AS width_vs_formula
FROM fm_ses, forecastin.forecast(m, 4) f ORDER BY f.step;

-- holt with fixed alpha and beta: l_n + h b_n from the state equations,
-- variance sigma^2 (1 + sum_{j<h} (alpha + j beta)^2)
CREATE TABLE fm_holt AS SELECT forecastin.fit(t, y, 'holt', '{"alpha": 0.3, "beta": 0.1}') AS m FROM fm_y;
SELECT j->>'form' AS form, j->'parameters'->>'alpha' AS alpha, j->'parameters'->>'beta' AS beta
FROM fm_holt, forecastin.model_info(m) j;
WITH RECURSIVE p AS (
  SELECT (forecastin.model_info(m)->'parameters'->>'initial_level')::float8 AS l0,
         (forecastin.model_info(m)->'parameters'->>'initial_slope')::float8 AS b0 FROM fm_holt),
r(t, l, b) AS (
  SELECT 0::bigint, l0, b0 FROM p
  UNION ALL
  SELECT r.t + 1, r.l + r.b + 0.3 * (y.y - r.l - r.b), r.b + 0.1 * (y.y - r.l - r.b)
  FROM r JOIN fm_y y ON y.t = r.t + 1)
SELECT f.step, abs(f.yhat - (r.l + f.step * r.b)) < 1e-9 AS yhat_ok,
       round(((f.hi - f.lo) / (2 * 1.959963984540054 * sqrt((forecastin.model_info(m)->>'sigma2')::float8 *
             (1 + (SELECT coalesce(sum((0.3 + 0.1 * j) ^ 2), 0) FROM generate_series(1, f.step - 1) j)))))::numeric, 6) AS width_vs_formula
FROM fm_holt, forecastin.forecast(m, 4) f, r WHERE r.t = 12 ORDER BY f.step;

-- damped with a fixed phi: l_n + (phi + ... + phi^h) b_n
CREATE TABLE fm_damped AS SELECT forecastin.fit(t, y, 'damped', '{"alpha": 0.3, "beta": 0.1, "phi": 0.9}') AS m FROM fm_y;
SELECT j->>'form' AS form, j->'parameters'->>'phi' AS phi FROM fm_damped, forecastin.model_info(m) j;
WITH RECURSIVE p AS (
  SELECT (forecastin.model_info(m)->'parameters'->>'initial_level')::float8 AS l0,
         (forecastin.model_info(m)->'parameters'->>'initial_slope')::float8 AS b0 FROM fm_damped),
r(t, l, b) AS (
  SELECT 0::bigint, l0, b0 FROM p
  UNION ALL
  SELECT r.t + 1, r.l + 0.9 * r.b + 0.3 * (y.y - r.l - 0.9 * r.b), 0.9 * r.b + 0.1 * (y.y - r.l - 0.9 * r.b)
  FROM r JOIN fm_y y ON y.t = r.t + 1)
SELECT f.step, abs(f.yhat - (r.l + (SELECT sum(0.9 ^ j) FROM generate_series(1, f.step) j) * r.b)) < 1e-9 AS yhat_ok
FROM fm_damped, forecastin.forecast(m, 4) f, r WHERE r.t = 12 ORDER BY f.step;
-- an estimated phi stays within R's bounds [0.8, 0.98]
SELECT (j->'parameters'->>'phi')::float8 BETWEEN 0.8 AND 0.98 AS phi_in_bounds
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'damped')) j FROM fm_y) q;

-- trend plus season of period 4, without noise: additive Holt-Winters
-- continues it exactly (y = 50 + 2t + s_t, s = 5 -3 1 -3 by t mod 4); the
-- damped and multiplicative forms come within 1 of it
CREATE TABLE fm_hw AS SELECT g::bigint AS t, 50.0 + 2 * g + (ARRAY[5, -3, 1, -3])[g % 4 + 1] AS y
FROM generate_series(1, 24) g;
SELECT method, opts, forecastin.model_info(m)->>'form' AS form,
       (SELECT string_agg(round(f.yhat::numeric, 3)::text, ' ' ORDER BY f.step)
        FROM forecastin.forecast(q.m, 5) f WHERE opts NOT LIKE '%"damped"%' AND opts NOT LIKE '%multiplicative%') AS forecasts,
       (SELECT bool_and(abs(f.yhat - (50 + 2 * (24 + f.step) + (ARRAY[5, -3, 1, -3])[(24 + f.step) % 4 + 1])) < 1)
        FROM forecastin.forecast(q.m, 5) f) AS within_1
FROM (VALUES ('hw', '{"period": 4}'), ('hw', '{"period": 4, "damped": true}'),
             ('hw', '{"period": 4, "seasonal": "multiplicative"}'),
             ('hw', '{"period": 4, "seasonal": "additive"}')) v(method, opts),
     LATERAL (SELECT forecastin.fit(t, y, method, opts::jsonb) AS m FROM fm_hw) q
ORDER BY opts;
SELECT string_agg((50 + 2 * g + (ARRAY[5, -3, 1, -3])[g % 4 + 1])::text, ' ' ORDER BY g) AS truth
FROM generate_series(25, 29) g;
-- multiplicative season on a growing positive series
SELECT forecastin.model_info(m)->>'form' AS form,
       (SELECT bool_and(abs(f.yhat - (100 + 2 * (40 + f.step)) * (1 + 0.3 * sin(2 * pi() * (40 + f.step) / 4))) < 1)
        FROM forecastin.forecast(q.m, 4) f) AS close
FROM (SELECT forecastin.fit(g::bigint, (100 + 2 * g) * (1 + 0.3 * sin(2 * pi() * g / 4)), 'hw',
                            '{"period": 4, "seasonal": "multiplicative"}') AS m
      FROM generate_series(1, 40) g) q;

-- ets and auto choose a form themselves (auto: the median of ETS, ARIMA and
-- Theta, and all three continue a noiseless seasonal line exactly)
SELECT method, forecastin.model_info(m)->>'method' AS fitted,
       forecastin.model_info(m)->>'form' LIKE 'ETS(%' AS is_ets,
       (SELECT bool_and(abs(f.yhat - (50 + 2 * (24 + f.step) + (ARRAY[5, -3, 1, -3])[(24 + f.step) % 4 + 1])) < 0.01)
        FROM forecastin.forecast(q.m, 4) f) AS exact
FROM unnest(ARRAY['ets', 'auto']) method,
     LATERAL (SELECT forecastin.fit(t, y, method, '{"period": 4}') AS m FROM fm_hw) q
ORDER BY method;
-- method names are case-insensitive
SELECT forecastin.model_info(forecastin.fit(t, y, 'NaIvE'))->>'method' AS method FROM fm_y;

-- fallbacks: a simpler method, the reason in model_info, one NOTICE
SELECT method, opts, j->>'method' AS fitted,
       CASE WHEN method = 'ets' THEN '(automatic)' ELSE j->>'form' END AS form, j->>'fallback' AS fallback
FROM (VALUES ('snaive', '{}', 40), ('hw', '{}', 40), ('hw', '{"period": 12}', 15),
             ('hw', '{"period": 30}', 40), ('damped', '{}', 9), ('holt', '{}', 8),
             ('ses', '{}', 3), ('drift', '{}', 1), ('ets', '{"period": 12}', 15)) v(method, opts, n),
     LATERAL (SELECT forecastin.model_info(forecastin.fit(g::bigint, 10.0 + g % 4 - g % 3, method, opts::jsonb)) AS j
              FROM generate_series(1, n) g) q
ORDER BY method, n;
-- multiplicative season needs positive values
SELECT j->>'form' AS form, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(g::bigint, g % 4 - 1.0, 'hw',
             '{"period": 4, "seasonal": "multiplicative"}')) j FROM generate_series(1, 20) g) q;
-- the NOTICE counts fallbacks by reason: here one too short (period 12
-- with 20 observations) and one with a season longer than 24
SELECT count(m) FROM (SELECT k, forecastin.fit(g::bigint, 1.0 + g % 4, 'hw', jsonb_build_object('period', k)) AS m
                      FROM generate_series(1, 40) g, unnest(ARRAY[4, 12, 30]) k
                      WHERE k <> 12 OR g <= 20 GROUP BY k) q;

DROP TABLE fm_y, fm_models, fm_ses, fm_holt, fm_damped, fm_hw;
RESET DateStyle;
