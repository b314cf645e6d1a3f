--
-- fit_ets_aicc: ets with {"combine": "aicc"}, every candidate form weighted
-- by its Akaike weight (Kolassa 2011) instead of the one of smallest AICc.
--
CREATE FUNCTION wa_noise(g int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT ((('x' || substr(md5(g::text || 'w'), 1, 8))::bit(32)::int % 1000) / 1000.0)::float8 $$;

-- positive seasonal series (every error, trend and season form is a
-- candidate) and a series with negative values (additive forms only)
CREATE TABLE wa_series AS
SELECT 'seasonal' AS s, g::bigint AS t, 100 + 0.4 * g + 15 * sin(2 * pi() * g / 4) + 6 * wa_noise(g) AS y
FROM generate_series(1, 48) g
UNION ALL
SELECT 'negative', g, -20 + 0.3 * g + 4 * wa_noise(g + 1000) FROM generate_series(1, 40) g;

-- (the negative series is fitted without a period: bigint time has none)
CREATE TABLE wa_models AS
SELECT s, forecastin.fit(t, y, 'ets', o || '{"combine": "aicc"}') AS w,
          forecastin.fit(t, y, 'ets', o) AS sel
FROM wa_series, LATERAL (SELECT CASE s WHEN 'seasonal' THEN '{"period": 4}'::jsonb ELSE '{}' END AS o) v
GROUP BY s, o;

-- an ensemble of ETS forms, asked for as ets; weights in (0, 1] summing to 1;
-- no form below the 1e-4 cut; the heaviest form is the one ets selects,
-- and it has the smallest AICc
SELECT s, j->>'method' AS method, j->>'requested_method' AS requested, j->>'combine' AS combine,
       jsonb_array_length(j->'members') >= 2 AS several,
       abs((SELECT sum((x->>'weight')::float8) FROM jsonb_array_elements(j->'members') x) - 1) < 1e-12 AS sums_to_one,
       (SELECT bool_and((x->>'weight')::float8 >= 1e-4 AND (x->>'weight')::float8 <= 1)
        FROM jsonb_array_elements(j->'members') x) AS weights_ok,
       (SELECT x->>'form' FROM jsonb_array_elements(j->'members') x
        ORDER BY (x->>'weight')::float8 DESC LIMIT 1) = forecastin.model_info(sel)->>'form' AS heaviest_is_selected,
       (SELECT x->>'form' FROM jsonb_array_elements(j->'members') x
        ORDER BY (x->>'aicc')::float8 LIMIT 1) = forecastin.model_info(sel)->>'form' AS smallest_aicc_is_selected,
       (SELECT bool_and(x->>'method' = 'ets') FROM jsonb_array_elements(j->'members') x) AS all_ets
FROM wa_models, forecastin.model_info(w) j ORDER BY s;

-- weight_i / weight_j = exp(-(AICc_i - AICc_j) / 2) for every pair
SELECT s, max(abs(ln((a->>'weight')::float8 / (b->>'weight')::float8)
                  + ((a->>'aicc')::float8 - (b->>'aicc')::float8) / 2)) < 1e-9 AS akaike_weights
FROM wa_models, forecastin.model_info(w) j,
     jsonb_array_elements(j->'members') a, jsonb_array_elements(j->'members') b
GROUP BY s ORDER BY s;

-- only A-error forms for data with negative values: the members are then
-- exactly ses, holt and damped (those that carry weight), so the weighted
-- forecasts and residuals must equal the weighted sums of theirs
CREATE TABLE wa_single AS
SELECT x->>'form' AS form, (x->>'weight')::float8 AS weight,
       CASE x->>'form' WHEN 'ETS(A,N,N)' THEN 'ses' WHEN 'ETS(A,A,N)' THEN 'holt' ELSE 'damped' END AS method
FROM wa_models, forecastin.model_info(w) j, jsonb_array_elements(j->'members') x WHERE s = 'negative';
SELECT form, method FROM wa_single ORDER BY form;
CREATE TABLE wa_single_models AS
SELECT ws.method, ws.weight, (SELECT forecastin.fit(t, y, ws.method) FROM wa_series WHERE s = 'negative') AS m
FROM wa_single ws;
SELECT max(abs(f.yhat - c.yhat)) < 1e-4 AS forecast_is_weighted_mean,
       max(abs(f.lo - c.lo)) < 1e-4 AND max(abs(f.hi - c.hi)) < 1e-4 AS bounds_are_weighted_means
FROM (SELECT step, yhat, lo, hi FROM wa_models, forecastin.forecast(w, 12) WHERE s = 'negative') f
JOIN (SELECT step, sum(weight * yhat) AS yhat, sum(weight * lo) AS lo, sum(weight * hi) AS hi
      FROM wa_single_models, forecastin.forecast(m, 12) GROUP BY step) c USING (step);
SELECT count(*) AS n, max(abs(r.resid - c.resid)) < 1e-4 AS resid_is_weighted_mean
FROM (SELECT k, resid FROM wa_models, forecastin.residuals(w) WITH ORDINALITY x(t, resid, k) WHERE s = 'negative') r
JOIN (SELECT k, sum(weight * resid) AS resid
      FROM wa_single_models, forecastin.residuals(m) WITH ORDINALITY x(t, resid, k) GROUP BY k) c USING (k);

-- forecasts: finite, with ordered bounds
SELECT s, bool_and(yhat IS NOT NULL AND lo < yhat AND yhat < hi) AS ordered, count(*) AS steps
FROM wa_models, forecastin.forecast(w, 8) GROUP BY s ORDER BY s;

-- the text form reads back to the same forecasts
SELECT s, (SELECT array_agg(yhat ORDER BY step) FROM forecastin.forecast(w::text::forecastin.model, 8))
          = (SELECT array_agg(yhat ORDER BY step) FROM forecastin.forecast(w, 8)) AS text_round_trip
FROM wa_models ORDER BY s;

-- backtests take the option like fit does
SELECT count(*) AS rows, count(DISTINCT "window") AS windows, bool_and(yhat IS NOT NULL AND lo < hi) AS forecasts_ok
FROM (SELECT forecastin.backtest(t, y, 'ets', '{"period": 4, "combine": "aicc", "horizon": 4, "windows": 3}') AS b
      FROM wa_series WHERE s = 'seasonal') q, forecastin.backtest_errors(b, NULL::bigint);

-- short series: the usual ETS fallbacks, then still weighted
SELECT n, j->>'method' AS method, j->>'combine' AS combine, j->>'fallback' IS NOT NULL AS fell_back
FROM (VALUES (4), (6), (10), (12)) v(n),
     LATERAL (SELECT forecastin.model_info(forecastin.fit(g::bigint, 10 + g % 4 + 0.1 * g, 'ets', '{"period": 4, "combine": "aicc"}')) j
              FROM generate_series(1, n) g) q
ORDER BY n;

-- constant series: every form fits it exactly; still a valid model
SELECT j->>'combine' AS combine, (SELECT bool_and(abs(yhat - 7) < 1e-6) FROM forecastin.forecast(m, 4)) AS flat
FROM (SELECT forecastin.fit(g::bigint, 7.0::float8, 'ets', '{"period": 4, "combine": "aicc"}') m
      FROM generate_series(1, 30) g) q, forecastin.model_info(m) j;

-- bad input: "aicc" belongs to ets alone; other values are rejected
\set VERBOSITY sqlstate
SELECT forecastin.fit(g::bigint, g::float8, 'auto', '{"combine": "aicc"}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'ensemble', '{"combine": "aicc"}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'mstl', '{"period": 4, "combine": "aicc"}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'arima', '{"combine": "aicc"}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'hw', '{"period": 4, "combine": "aicc"}') FROM generate_series(1, 30) g;
SELECT forecastin.backtest(g::bigint, g::float8, 'theta', '{"combine": "aicc", "horizon": 2}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'ets', '{"combine": "AICc"}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'ets', '{"combine": 1}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'ets', '{"combine": null}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'ets', '{"combine": ["aicc"]}') FROM generate_series(1, 30) g;
\set VERBOSITY default
SELECT forecastin.fit(g::bigint, g::float8, 'ensemble', '{"combine": "aicc"}') FROM generate_series(1, 30) g;
SELECT forecastin.fit(g::bigint, g::float8, 'ets', '{"combine": "weighted"}') FROM generate_series(1, 30) g;

DROP TABLE wa_series, wa_models, wa_single, wa_single_models;
DROP FUNCTION wa_noise(int);
