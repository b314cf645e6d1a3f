--
-- knn: forecasts from the nearest earlier cycles (src/knn.h).  Checked
-- against the definition written out in SQL, then its properties (longer
-- horizons keep shorter ones, scale and shift equivariance, intervals,
-- residuals), fallbacks, composition and bad input.
--
-- 7 cycles of period 4 with different shapes, all values > 0
CREATE TEMP TABLE kn (t bigint, y float8);
INSERT INTO kn
SELECT t, 10 + 4 * sin(t * 0.7) + ((t * 7919) % 13) / 3.0 + t / 10.0 FROM generate_series(1, 28) t;

-- The number of neighbours k is chosen per series from 1, 2, 3, 5 (8 needs
-- 40 points) by in-sample error (the kernel's unit tests check that choice);
-- the forecasts are then checked for that k, for the default (the median of
-- the neighbours) and for {"variant": "mean"}.
SELECT (forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4}'))->'parameters'->>'neighbours')::int AS kn_k,
       (forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "mean"}'))->'parameters'->>'neighbours')::int AS kn_k_mean
FROM kn \gset
SELECT :kn_k IN (1, 2, 3, 5) AND :kn_k_mean IN (1, 2, 3, 5) AS k_is_a_choice;

-- The definition in SQL: the query is the last cycle; candidates end at
-- n - 4, n - 8, ... (>= 4); shapes are divided by their cycle mean; ranked
-- by squared distance (ties: the more recent); step j takes the median (or
-- the mean) of y[e + j] / mean_e over the k nearest with e + j <= n, times
-- the query's mean.  percentile_cont(0.5) of an even count is the mean of
-- the middle two, as in the kernel.
CREATE TEMP TABLE kn_ref AS
WITH q AS (SELECT avg(y) AS qm FROM kn WHERE t > 24),
qn AS (SELECT t - 24 AS i, y / (SELECT qm FROM q) AS v FROM kn WHERE t > 24),
c AS (SELECT e, avg(y) AS wm FROM generate_series(24, 4, -4) e JOIN kn ON kn.t > e - 4 AND kn.t <= e GROUP BY e),
d AS (SELECT c.e, c.wm, sum((kn.y / c.wm - qn.v) ^ 2) AS dist
      FROM c JOIN kn ON kn.t > c.e - 4 AND kn.t <= c.e JOIN qn ON qn.i = kn.t - (c.e - 4) GROUP BY 1, 2),
r AS (SELECT *, row_number() OVER (ORDER BY dist, e DESC) AS rk FROM d)
SELECT j AS step,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v)
        FROM (SELECT kn.y / r.wm AS v FROM r JOIN kn ON kn.t = r.e + j
              WHERE r.e + j <= 28 ORDER BY r.rk LIMIT :kn_k) z) * (SELECT qm FROM q) AS yhat,
       (SELECT avg(v) FROM (SELECT kn.y / r.wm AS v FROM r JOIN kn ON kn.t = r.e + j
                            WHERE r.e + j <= 28 ORDER BY r.rk LIMIT :kn_k_mean) z) * (SELECT qm FROM q) AS yhat_mean
FROM generate_series(1, 24) j;

SELECT count(*) AS steps, bool_and(abs(f.yhat - r.yhat) < 1e-9) AS agrees_with_definition
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), 24) f
JOIN kn_ref r USING (step);
SELECT count(*) AS steps, bool_and(abs(f.yhat - r.yhat_mean) < 1e-9) AS mean_agrees_with_definition
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "mean"}') FROM kn), 24) f
JOIN kn_ref r USING (step);
-- with k fixed by the data the two combinations differ here (else this
-- test could not tell them apart)
SELECT count(*) FILTER (WHERE abs(yhat - yhat_mean) > 1e-6) > 0 AS median_differs_from_mean FROM kn_ref;
-- "median" names the default; "optimised" is theta's, "mean" is not theta's
SELECT (SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "median"}')::text FROM kn) =
       (SELECT forecastin.fit(t, y, 'knn', '{"period": 4}')::text FROM kn) AS median_is_default;
SELECT try_sql($$SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "optimised"}') FROM kn$$);
SELECT try_sql($$SELECT forecastin.fit(t, y, 'theta', '{"period": 4, "variant": "mean"}') FROM kn$$);
SELECT try_sql($$SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "trimmed"}') FROM kn$$);
SELECT try_sql($$SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": 1}') FROM kn$$);

-- what knn reports
SELECT j->>'method' AS method, j->>'form' AS form, j->'parameters' AS parameters, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4}')) j FROM kn) s;
SELECT j->>'form' AS form, j->'parameters'->>'combine' AS combine
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "mean"}')) j FROM kn) s;

-- a longer horizon never changes a shorter one's forecasts; beyond n - m
-- (no candidate reaches the step) the forecast repeats the one a cycle back
WITH m AS (SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') AS m FROM kn),
s AS (SELECT * FROM forecastin.forecast((SELECT m FROM m), 6)),
l AS (SELECT * FROM forecastin.forecast((SELECT m FROM m), 40))
SELECT (SELECT bool_and(s.yhat = l.yhat AND s.lo = l.lo AND s.hi = l.hi) FROM s JOIN l USING (step)) AS prefix_kept,
       (SELECT bool_and(a.yhat = b.yhat) FROM l a JOIN l b ON b.step = a.step - 4 WHERE a.step > 24) AS repeats_after_24,
       (SELECT count(*) FROM l) AS steps;

-- intervals: Gaussian around the forecast, sqrt(2) wider one cycle later,
-- wider at 95% than at 80%
WITH f AS (SELECT * FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), 8, 0.95)),
g AS (SELECT * FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), 8, 0.8))
SELECT bool_and(f.lo < f.yhat AND f.yhat < f.hi AND abs((f.hi - f.yhat) - (f.yhat - f.lo)) < 1e-9) AS symmetric,
       bool_and(abs((b.hi - b.yhat) - sqrt(2) * (a.hi - a.yhat)) < 1e-9) AS second_cycle_sqrt2,
       bool_and(g.hi - g.yhat < f.hi - f.yhat) AS level_widens
FROM f JOIN g USING (step) JOIN f a ON a.step = f.step JOIN f b ON b.step = f.step + 4
WHERE f.step <= 4;

-- residuals: errors of the in-sample forecasts one cycle ahead, from every
-- cycle boundary with k candidates before it (t >= 4 (k + 1))
SELECT count(*) FILTER (WHERE resid IS NOT NULL) AS with_residual,
       min(t) FILTER (WHERE resid IS NOT NULL) = 4 * (:kn_k + 1) + 1 AS first_after_k_plus_1_cycles,
       count(*) FILTER (WHERE resid IS NOT NULL) = 28 - 4 * (:kn_k + 1) AS every_later_point
FROM forecastin.residuals((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), NULL::bigint);

-- multiplicative: forecasts of 10 y are 10 times those of y
SELECT bool_and(abs(b.yhat - 10 * a.yhat) < 1e-9 * abs(b.yhat)) AS scale_equivariant
FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), 8) a
JOIN forecastin.forecast((SELECT forecastin.fit(t, 10 * y, 'knn', '{"period": 4}') FROM kn), 8) b USING (step);
-- with negative values additive: shifting y shifts the forecasts
SELECT (SELECT forecastin.model_info(forecastin.fit(t, y - 1000, 'knn', '{"period": 4}'))->>'form' FROM kn) AS form,
       bool_and(abs((a.yhat - b.yhat) - 1000) < 1e-9) AS shift_equivariant
FROM forecastin.forecast((SELECT forecastin.fit(t, y - 1000, 'knn', '{"period": 4}') FROM kn), 8) a
JOIN forecastin.forecast((SELECT forecastin.fit(t, y - 2000, 'knn', '{"period": 4}') FROM kn), 8) b USING (step);
-- a cycle of zeros among positive values: additive (nothing to divide by)
SELECT forecastin.model_info(forecastin.fit(t, CASE WHEN t BETWEEN 5 AND 8 THEN 0 ELSE y END, 'knn', '{"period": 4}'))->>'form' AS form
FROM kn;
-- a constant series forecasts the constant
SELECT min(yhat) = 5 AND max(yhat) = 5 AS constant
FROM forecastin.forecast((SELECT forecastin.fit(t, 5.0::float8, 'knn', '{"period": 4}') FROM kn), 10);

-- timestamps: a daily series with a weekly cycle, period detected
SELECT j->>'form' AS form, j->>'period_source' AS period_source
FROM (SELECT forecastin.model_info(forecastin.fit(date '2024-01-01' + g, 100 + 20 * (g % 7) + (g % 5), 'knn')) j
      FROM generate_series(0, 83) g) s;

-- fallbacks: fewer than 5 cycles -> snaive; no cycle -> naive; a period
-- longer than the series is an ERROR, as for every method
SELECT j->>'method' AS method, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4}')) j FROM kn WHERE t <= 19) s;
SELECT j->>'method' AS method, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'knn')) j FROM kn) s;
SELECT j->>'method' AS method, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4}')) j FROM kn WHERE t <= 3) s;
SELECT j->>'method' AS method
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4, "short": "error"}')) j FROM kn WHERE t <= 19) s;
-- a period longer than knn compares (5 cycles would exceed the 50,000
-- points it stores): snaive, whatever the length
SELECT j->>'method' AS method, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(g, (g % 10001)::float8, 'knn', '{"period": 10001}')) j
      FROM generate_series(1, 20002) g) s;
SELECT j->>'method' AS method, j->>'form' AS form
FROM (SELECT forecastin.model_info(forecastin.fit(g, (g % 10000)::float8 + 1, 'knn', '{"period": 10000}')) j
      FROM generate_series(1, 50000) g) s;
-- exactly 5 cycles is enough
SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4}'))->>'method' AS method FROM kn WHERE t <= 20;
-- one row, empty input
SELECT forecastin.model_info(forecastin.fit(t, y, 'knn', '{"period": 4}'))->>'method' AS method FROM kn WHERE t = 1;
SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') IS NULL AS no_rows FROM kn WHERE false;

-- in compositions: a member of an ensemble, and (without a cycle) mstl's
-- adjusted-series model falls back to naive
SELECT j->>'form' AS form
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'ensemble', '{"period": 4, "methods": ["knn", "snaive"]}')) j FROM kn) s;
SELECT count(*) AS steps FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'mstl', '{"period": 4, "adjusted": "knn"}') FROM kn), 5);

-- backtest: each window's forecasts are those of knn fitted to the data up
-- to its origin
WITH bt AS (SELECT forecastin.backtest(t, y, 'knn', '{"period": 4, "horizon": 4, "windows": 2, "step": 4}') AS bt FROM kn),
e AS (SELECT b.* FROM bt, forecastin.backtest_errors(bt.bt, NULL::bigint) b)
SELECT count(*) AS rows, count(DISTINCT origin) AS windows,
       bool_and(abs(e.yhat - f.yhat) < 1e-9) AS same_as_direct_fit
FROM e JOIN LATERAL forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn WHERE kn.t <= e.origin), 4) f
  ON f.step = e.step;

-- gaps, duplicates, unsorted input, NaN, Infinity, NULL: as every method
SELECT count(*) AS steps FROM forecastin.forecast(
  (SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM (SELECT * FROM kn WHERE t <> 10 ORDER BY random()) s), 4);
SELECT try_sql($$SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM (SELECT t, y FROM kn UNION ALL SELECT 3, 1) s$$);
SELECT try_sql($$SELECT forecastin.fit(t, CASE WHEN t = 9 THEN 'NaN' ELSE y END, 'knn', '{"period": 4}') FROM kn$$);
SELECT try_sql($$SELECT forecastin.fit(t, CASE WHEN t = 9 THEN 'Infinity' ELSE y END, 'knn', '{"period": 4}') FROM kn$$);
SELECT try_sql($$SELECT forecastin.fit(t, y, 'knn', '{"period": 0}') FROM kn$$);
SELECT try_sql($$SELECT forecastin.fit(t, y, 'KNN ', '{"period": 4}') FROM kn$$);
SELECT try_sql($$SELECT count(*) FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), 0)$$);
SELECT try_sql($$SELECT count(*) FROM forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4}') FROM kn), 5, 1.5)$$);

-- the model's text form round-trips; forged packed states are rejected
CREATE TEMP TABLE kn_model AS SELECT forecastin.fit(t, y, 'knn', '{"period": 4}')::text::jsonb AS j FROM kn;
SELECT j::text::forecastin.model::text::jsonb = j AS round_trip FROM kn_model;
CREATE FUNCTION kn_try(j jsonb) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT try_sql(format('SELECT count(*) FROM forecastin.forecast(%L::forecastin.model, 3)', j::text)) $$;
SELECT kn_try(j) FROM kn_model;
SELECT kn_try(jsonb_set(j, '{states,0}', '1')) FROM kn_model;			-- tag
SELECT kn_try(jsonb_set(j, '{states,2}', '1')) FROM kn_model;			-- period < 2
SELECT kn_try(jsonb_set(j, '{states,3}', '0')) FROM kn_model;			-- no neighbour
SELECT kn_try(jsonb_set(j, '{states,3}', '7')) FROM kn_model;			-- 7 neighbours need 36 points
SELECT kn_try(jsonb_set(j, '{states,6}', '27')) FROM kn_model;			-- length mismatch
SELECT kn_try(jsonb_set(j, '{states,7}', '0')) FROM kn_model;			-- no in-sample origin
SELECT kn_try(jsonb_set(j, '{states,1}', '3')) FROM kn_model;			-- unknown version
SELECT kn_try(jsonb_set(j, '{states,8}', '-1')) FROM kn_model;			-- combination neither 0 nor 1
SELECT kn_try(jsonb_set(j, '{states,8}', '0.5')) FROM kn_model;
SELECT kn_try(jsonb_set(j, '{states,9}', '-1')) FROM kn_model;			-- negative sigma
SELECT kn_try(jsonb_set(j, '{states,13}', '"NaN"')) FROM kn_model;		-- history value
SELECT kn_try(jsonb_set(jsonb_set(jsonb_set(jsonb_set(j, '{states,13}', '0'), '{states,14}', '0'),
                                  '{states,15}', '0'), '{states,16}', '0')) FROM kn_model;	-- zero cycle, multiplicative
SELECT kn_try(jsonb_set(j, '{states,13}', '-1')) FROM kn_model;		-- negative value, multiplicative
SELECT kn_try(jsonb_set(j, '{states,4}', '0')) FROM kn_model;			-- additive: still a valid model
SELECT kn_try(j #- '{states,8}') FROM kn_model;						-- version 2 without its slot 8
-- a version 1 model (before the median: no slot 8, always the mean) still
-- forecasts as it did: the mean model's states in the old layout
CREATE TEMP TABLE kn_v1 AS
SELECT jsonb_set(j #- '{states,8}', '{states,1}', '1') AS j
FROM (SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "mean"}')::text::jsonb AS j FROM kn) s;
SELECT forecastin.model_info(j::text::forecastin.model)->>'form' AS v1_form,
       forecastin.model_info(j::text::forecastin.model)->'parameters'->>'combine' AS v1_combine
FROM kn_v1;
SELECT bool_and(a.yhat = b.yhat AND a.lo = b.lo AND a.hi = b.hi) AS v1_forecasts_as_the_mean_model
FROM forecastin.forecast((SELECT j::text::forecastin.model FROM kn_v1), 12) a
JOIN forecastin.forecast((SELECT forecastin.fit(t, y, 'knn', '{"period": 4, "variant": "mean"}') FROM kn), 12) b USING (step);
SELECT kn_try(jsonb_set(j, '{states,1}', '2')) FROM kn_v1;				-- v1 layout labelled v2
DROP FUNCTION kn_try(jsonb);
