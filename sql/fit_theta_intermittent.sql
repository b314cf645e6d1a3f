--
-- theta, croston, sba, tsb, adida through the SQL API: agreement with R's
-- forecast::thetaf and forecast::croston on the stored reference data
-- (test/reference/make_theta_reference.R), closed forms, demand classes,
-- and bad input.
--
CREATE TEMP TABLE ti_series (series text, m int, t int, y float8);
\copy ti_series FROM 'test/reference/theta_series.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ti_theta_r (series text, step int, mean float8, lo80 float8, hi80 float8, lo95 float8, hi95 float8);
\copy ti_theta_r FROM 'test/reference/theta_forecasts.csv' WITH (FORMAT csv, HEADER true, NULL 'NA')

-- thetaf: point forecasts and 95% bounds within 1e-3 of the series' mean |y|
WITH m AS (
  SELECT series, avg(abs(y)) AS scale,
         forecastin.fit(t::bigint, y, 'theta', jsonb_build_object('period', m)) AS m
  FROM ti_series GROUP BY series, m)
SELECT count(DISTINCT m.series) AS series,
       bool_and(abs(f.yhat - r.mean) <= 1e-3 * m.scale) AS mean_agrees,
       bool_and(abs(f.lo - r.lo95) <= 1e-3 * m.scale AND abs(f.hi - r.hi95) <= 1e-3 * m.scale) AS bounds_agree
FROM m CROSS JOIN LATERAL forecastin.forecast(m.m, 10, 0.95) f
JOIN ti_theta_r r ON r.series = m.series AND r.step = f.step;

-- what theta reports
SELECT j->>'method' AS method, j->>'period' AS period,
       round((j->'parameters'->>'theta')::numeric, 3) AS theta,
       (j->'parameters'->>'alpha')::float8 BETWEEN 0 AND 1 AS alpha_ok
FROM (SELECT forecastin.model_info(forecastin.fit(t::bigint, y, 'theta', '{"period": 12}')) j
      FROM ti_series WHERE series = 'AirPassengers') s;

-- optimised variant: theta >= 1 is estimated
SELECT (j->'parameters'->>'theta')::float8 >= 1 AS theta_at_least_1
FROM (SELECT forecastin.model_info(forecastin.fit(t::bigint, y, 'theta',
        '{"period": 12, "variant": "optimised"}')) j
      FROM ti_series WHERE series = 'AirPassengers') s;

-- Croston against R (alpha 0.1 and 0.3), to 1e-9
CREATE TEMP TABLE ti_croston_r (series text, alpha float8, step int, mean float8);
\copy ti_croston_r FROM 'test/reference/croston_forecasts.csv' WITH (FORMAT csv, HEADER true, NULL 'NA')
SELECT r.alpha, count(DISTINCT r.series) AS series, bool_and(abs(f.yhat - r.mean) < 1e-9) AS agrees,
       bool_and(f.lo IS NULL AND f.hi IS NULL) AS no_interval
FROM (SELECT DISTINCT series, alpha FROM ti_croston_r) k
JOIN LATERAL (SELECT forecastin.fit(t::bigint, y, 'croston', jsonb_build_object('alpha', k.alpha)) m
              FROM ti_series s WHERE s.series = k.series) mm ON true
CROSS JOIN LATERAL forecastin.forecast(mm.m, 3) f
JOIN ti_croston_r r ON r.series = k.series AND r.alpha = k.alpha AND r.step = f.step
GROUP BY r.alpha ORDER BY r.alpha;

-- closed forms on a small intermittent series: 0 0 3 0 0 0 5 0 2 0
CREATE TEMP TABLE ti_small AS
SELECT t::bigint AS t, v AS y FROM unnest('{0,0,3,0,0,0,5,0,2,0}'::float8[]) WITH ORDINALITY u(v, t);
SELECT meth, round(f.yhat::numeric, 6) AS yhat, j->>'demand_class' AS class,
       round((j->>'adi')::numeric, 4) AS adi, round((j->>'cv2')::numeric, 4) AS cv2
FROM (SELECT meth, forecastin.fit(t, y, meth) m FROM ti_small, unnest(ARRAY['croston','sba','tsb','adida']) meth GROUP BY meth) s,
     forecastin.model_info(s.m) j, forecastin.forecast(s.m, 1) f
ORDER BY meth;
-- croston by hand: sizes z: 3, then 3 + 0.1 (5 - 3) = 3.2, then 3.2 + 0.1 (2 - 3.2) = 3.08;
-- intervals p: 3, 3 + 0.1 (4 - 3) = 3.1, 3.1 + 0.1 (2 - 3.1) = 2.99; forecast z / p
SELECT round((3.08 / 2.99)::numeric, 6) AS croston_by_hand, round((3.08 / 2.99 * 0.95)::numeric, 6) AS sba_by_hand;

-- residuals are one-step errors; the first is undefined
SELECT t, round(resid::numeric, 4) AS resid
FROM forecastin.residuals((SELECT forecastin.fit(t, y, 'croston') FROM ti_small), NULL::bigint) LIMIT 4;

-- demand classes of typical series
SELECT kind, forecastin.model_info(forecastin.fit(t::bigint, y, 'naive'))->>'demand_class' AS class
FROM (SELECT 'smooth' kind, t, 10 + (t % 3)::float8 y FROM generate_series(1, 30) t
      UNION ALL SELECT 'none', t, 0 FROM generate_series(1, 30) t
      UNION ALL SELECT 'intermittent', t, CASE WHEN t % 5 = 0 THEN 4 + (t % 2)::float8 ELSE 0 END FROM generate_series(1, 30) t
      UNION ALL SELECT 'lumpy', t, CASE WHEN t % 10 = 0 THEN 30 WHEN t % 5 = 0 THEN 1 ELSE 0 END FROM generate_series(1, 30) t
      UNION ALL SELECT 'erratic', t, 1 + (t % 2) * 20 FROM generate_series(1, 30) t
      UNION ALL SELECT 'negative', t, t - 10 FROM generate_series(1, 30) t) s
GROUP BY kind ORDER BY kind;

-- edge cases: all zeros forecast 0; a single non-zero value; theta too short falls back
SELECT meth, round(f.yhat::numeric, 4) AS yhat
FROM (SELECT meth, forecastin.fit(t::bigint, 0.0::float8, meth) m FROM generate_series(1, 12) t,
        unnest(ARRAY['croston','sba','tsb','adida']) meth GROUP BY meth) s, forecastin.forecast(s.m, 1) f
ORDER BY meth;
SELECT round(yhat::numeric, 4) AS one_demand
FROM forecastin.forecast((SELECT forecastin.fit(t::bigint, CASE WHEN t = 4 THEN 6.0 ELSE 0 END, 'croston')
                          FROM generate_series(1, 8) t), 1);
SELECT forecastin.model_info(forecastin.fit(t::bigint, t::float8, 'theta'))->>'fallback' AS theta_short
FROM generate_series(1, 2) t;

-- round trip of a stored model
SELECT (SELECT array_agg(round(yhat::numeric, 6)) FROM forecastin.forecast(m, 3)) =
       (SELECT array_agg(round(yhat::numeric, 6)) FROM forecastin.forecast(m::text::forecastin.model, 3)) AS text_round_trip
FROM (SELECT forecastin.fit(t::bigint, y, 'theta', '{"period": 12}') m FROM ti_series WHERE series = 'AirPassengers') s;

-- bad input: SQLSTATE and message
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.err(q) FROM (VALUES
  ($q$SELECT forecastin.fit(t::bigint, t - 5.0, 'croston') FROM generate_series(1, 10) t$q$),
  ($q$SELECT forecastin.fit(t::bigint, 1.0, 'theta', '{"variant": "fancy"}') FROM generate_series(1, 10) t$q$),
  ($q$SELECT forecastin.fit(t::bigint, 1.0, 'adida', '{"aggregation": 0}') FROM generate_series(1, 10) t$q$),
  ($q$SELECT forecastin.fit(t::bigint, 1.0, 'adida', '{"aggregation": 2.5}') FROM generate_series(1, 10) t$q$),
  ($q$SELECT forecastin.fit(t::bigint, 1.0, 'tsb', '{"optimise": "yes"}') FROM generate_series(1, 10) t$q$),
  ($q$SELECT forecastin.fit(t::bigint, 1.0, 'croston', '{"alpha": 1.5}') FROM generate_series(1, 10) t$q$),
  ($q$SELECT forecastin.fit(t::bigint, 'NaN', 'theta') FROM generate_series(1, 10) t$q$),
  -- a forged packed state is rejected
  ($q$SELECT regexp_replace(m::text, '"states": \[[^]]*\]', '"states": [1, 2, 3]')::forecastin.model
      FROM (SELECT forecastin.fit(t::bigint, (t % 3)::float8, 'croston') m FROM generate_series(1, 10) t) s$q$),
  ($q$SELECT regexp_replace(m::text, '"states": \[[^]]*\]', '"states": []')::forecastin.model
      FROM (SELECT forecastin.fit(t::bigint, t::float8, 'theta') m FROM generate_series(1, 10) t) s$q$)
) v(q);
