--
-- fit_ets: automatic ETS on deterministic series (sines plus md5 noise,
-- no random()).  Estimates may differ in late digits across platforms, so
-- only stable facts are printed: the kind of form chosen, bounds, and
-- booleans on rounded forecasts.
--
CREATE FUNCTION fe_noise(g int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT ((('x' || substr(md5(g::text || 'a'), 1, 8))::bit(32)::int % 1000) / 1000.0)::float8 $$;

-- truth(s, t): the series without noise, to judge forecasts
CREATE FUNCTION fe_truth(s text, g int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE s
    WHEN 'seasonal' THEN 100 + 20 * sin(2 * pi() * g / 12)
    WHEN 'trend'    THEN 50 + 1.5 * g
    WHEN 'level'    THEN 200
    WHEN 'mulseas'  THEN (100 + 2 * g) * (1 + 0.3 * sin(2 * pi() * g / 12))
    WHEN 'negative' THEN -50 + 20 * sin(2 * pi() * g / 12)
    WHEN 'zeros'    THEN greatest(0, 20 * sin(2 * pi() * g / 12))
    WHEN 'damped'   THEN 100 + 40 * (1 - 0.85 ^ g)
  END $$;

CREATE TABLE fe_series AS
SELECT s, g::bigint AS t,
       CASE s WHEN 'mulseas' THEN fe_truth(s, g) * (1 + 0.02 * fe_noise(g))
              WHEN 'zeros' THEN greatest(0, fe_truth(s, g) + 3 * fe_noise(g))
              WHEN 'damped' THEN fe_truth(s, g) + fe_noise(g)
              WHEN 'trend' THEN fe_truth(s, g) + 4 * fe_noise(g)
              WHEN 'level' THEN fe_truth(s, g) + 5 * fe_noise(g)
              ELSE fe_truth(s, g) + 3 * fe_noise(g) END AS y
FROM unnest(ARRAY['seasonal', 'trend', 'level', 'mulseas', 'negative', 'zeros', 'damped']) s,
     generate_series(1, 96) g;

CREATE TABLE fe_models AS
SELECT s, forecastin.fit(t, y, 'ets', '{"period": 12}') AS m FROM fe_series GROUP BY s;
CREATE TABLE fe_info AS
SELECT s, j, j->>'form' AS form,
       substr(j->>'form', 5, 1) AS e, split_part(substr(j->>'form', 7), ',', 1) AS tr, substr(j->>'form', length(j->>'form') - 1, 1) AS se
FROM fe_models, forecastin.model_info(m) j;

-- the kind of form chosen: a season where there is one, a trend where
-- there is one (damped for the saturating series), neither for a level
SELECT s, se <> 'N' AS seasonal, tr <> 'N' AS trend, tr = 'Ad' AS damped,
       j->>'method' AS method, (j->>'period')::int AS period
FROM fe_info ORDER BY s;

-- multiplicative error or season only for positive data
SELECT s, e = 'A' AND se <> 'M' AS additive_only FROM fe_info WHERE s IN ('negative', 'zeros') ORDER BY s;

-- parameters within their bounds (R's usual region: 1e-4 <= alpha <= 1 - 1e-4,
-- beta <= alpha, gamma <= 1 - alpha, 0.8 <= phi <= 0.98)
SELECT s,
       (j->'parameters'->>'alpha')::float8 BETWEEN 0.0001 - 1e-9 AND 0.9999 + 1e-9 AS alpha_ok,
       coalesce((j->'parameters'->>'beta')::float8 <= (j->'parameters'->>'alpha')::float8 + 1e-9, true) AS beta_ok,
       coalesce((j->'parameters'->>'gamma')::float8 <= 1 - (j->'parameters'->>'alpha')::float8 + 1e-9, true) AS gamma_ok,
       coalesce((j->'parameters'->>'phi')::float8 BETWEEN 0.8 - 1e-9 AND 0.98 + 1e-9, true) AS phi_ok,
       (j->>'sigma2')::float8 > 0 AS sigma2_positive
FROM fe_info ORDER BY s;

-- information criteria as R's ets computes them, k = nparam + 1:
-- aic = -2 loglik + 2k, aicc = aic + 2k(k+1)/(n-k-1), bic = -2 loglik + k log(n)
SELECT s,
       abs((j->>'aic')::float8 - (-2 * (j->>'loglik')::float8 + 2 * ((j->>'nparam')::int + 1))) < 1e-6 AS aic_ok,
       abs((j->>'aicc')::float8 - ((j->>'aic')::float8 + 2.0 * ((j->>'nparam')::int + 1) * ((j->>'nparam')::int + 2)
                                   / ((j->>'n')::int - (j->>'nparam')::int - 2))) < 1e-6 AS aicc_ok,
       abs((j->>'bic')::float8 - (-2 * (j->>'loglik')::float8 + ln((j->>'n')::int) * ((j->>'nparam')::int + 1))) < 1e-6 AS bic_ok,
       (j->>'nparam')::int = 2 + (tr <> 'N')::int * 2 + (tr = 'Ad')::int + (se <> 'N')::int * 12 AS nparam_ok
FROM fe_info ORDER BY s;

-- forecasts: finite, ordered, and within 5% of the noise-free truth (at
-- least 1.0) for a year ahead
SELECT s, count(*) AS steps,
       bool_and(yhat IS NOT NULL AND lo IS NOT NULL AND hi IS NOT NULL) AS finite,
       bool_and(lo < yhat AND yhat < hi) AS ordered,
       bool_and(abs(yhat - fe_truth(s, 96 + step)) <= 0.05 * greatest(abs(fe_truth(s, 96 + step)), 20)) AS close
FROM fe_models, forecastin.forecast(m, 12)
GROUP BY s ORDER BY s;
-- intervals widen with the horizon for a level and a trend
SELECT s, bool_and(w2 >= w1 - 1e-6) AS widening
FROM (SELECT s, step, hi - lo AS w2, lag(hi - lo) OVER (PARTITION BY s ORDER BY step) AS w1
      FROM fe_models, forecastin.forecast(m, 12)) q
WHERE w1 IS NOT NULL AND s IN ('trend', 'level')
GROUP BY s ORDER BY s;

-- without a period (bigint time has no calendar) no form is seasonal
SELECT s, substr(j->>'form', length(j->>'form') - 1, 1) AS season
FROM (SELECT s, forecastin.model_info(forecastin.fit(t, y, 'ets')) j FROM fe_series GROUP BY s) q
WHERE s IN ('seasonal', 'mulseas') ORDER BY s;

-- daily dates: the weekly period is detected and used
SELECT j->>'period' AS period, substr(j->>'form', length(j->>'form') - 1, 1) <> 'N' AS seasonal
FROM (SELECT forecastin.model_info(forecastin.fit(d::date, 100 + 30 * (extract(isodow FROM d) IN (6, 7))::int + 3 * fe_noise(g::int), 'ets')) j
      FROM generate_series(date '2024-01-01', date '2024-04-30', interval '1 day') WITH ORDINALITY x(d, g)) q;

-- a period longer than 24: fitted without season, and said so
SELECT j->>'form' NOT LIKE '%,N)' AS seasonal, j->>'fallback' AS fallback
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'ets', '{"period": 30}')) j FROM fe_series WHERE s = 'seasonal') q;

-- the ETS family with fixed forms on the seasonal series: every forecast finite
SELECT method, opts, forecastin.model_info(m)->>'form' AS form,
       (SELECT bool_and(yhat IS NOT NULL AND lo <= yhat AND yhat <= hi) FROM forecastin.forecast(m, 24)) AS finite
FROM (VALUES ('ses', '{}'), ('holt', '{}'), ('damped', '{}'), ('hw', '{"period": 12}'),
             ('hw', '{"period": 12, "damped": true}'), ('hw', '{"period": 12, "seasonal": "multiplicative"}'),
             ('hw', '{"period": 12, "seasonal": "multiplicative", "damped": true}')) v(method, opts),
     LATERAL (SELECT forecastin.fit(t, y, method, opts::jsonb) AS m FROM fe_series WHERE s = 'seasonal') q
ORDER BY method, opts;

DROP TABLE fe_series, fe_models, fe_info;
DROP FUNCTION fe_noise(int), fe_truth(text, int);
