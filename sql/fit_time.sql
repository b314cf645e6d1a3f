--
-- fit_time: the time axis.  Step inference (integers, days, weeks, calendar
-- months and quarters, hours), forecast times that continue the series,
-- gaps and the "missing" policy, and seasonal period detection.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

-- what model_info says about the axis of a model
CREATE FUNCTION ft_axis(m forecastin.model)
RETURNS TABLE (step text, first text, last text, n int, n_missing int)
LANGUAGE sql AS $$
  SELECT j->>'step', j->>'first', j->>'last', (j->>'n')::int, (j->>'n_missing')::int
  FROM forecastin.model_info(m) j $$;

-- bigint: step 1
SELECT * FROM ft_axis((SELECT forecastin.fit(g::bigint, g::float8, 'naive') FROM generate_series(1, 3) g));
-- bigint: step 10 (the gcd of the gaps), forecasts continue it
SELECT * FROM ft_axis((SELECT forecastin.fit(g * 10::bigint, g::float8, 'naive') FROM generate_series(1, 5) g));
SELECT step, t FROM forecastin.forecast(
  (SELECT forecastin.fit(g * 10::bigint, g::float8, 'naive') FROM generate_series(1, 5) g), 2, 0.95, NULL::bigint);
-- negative integers are fine
SELECT * FROM ft_axis((SELECT forecastin.fit(g::bigint, 1.0, 'naive') FROM generate_series(-9, -3, 3) g));

-- daily dates
SELECT * FROM ft_axis((SELECT forecastin.fit(d::date, 1.0, 'naive')
                       FROM generate_series(date '2024-01-01', date '2024-01-10', interval '1 day') d));
-- weekly dates (Wednesdays)
SELECT * FROM ft_axis((SELECT forecastin.fit(d::date, 1.0, 'naive')
                       FROM generate_series(date '2024-01-03', date '2024-03-06', interval '7 days') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d::date, 1.0, 'naive')
  FROM generate_series(date '2024-01-03', date '2024-03-06', interval '7 days') d), 2, 0.95, NULL::date);

-- monthly dates on the 1st: a calendar-month step, not 28-31 days
SELECT * FROM ft_axis((SELECT forecastin.fit(d::date, 1.0, 'naive')
                       FROM generate_series(date '2023-01-01', date '2024-03-01', interval '1 month') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d::date, 1.0, 'naive')
  FROM generate_series(date '2023-01-01', date '2024-03-01', interval '1 month') d), 2, 0.95, NULL::date);
-- month ends (Jan 31, Feb 28, Mar 31, ...): forecasts go on at month ends,
-- through a leap February
SELECT * FROM ft_axis((SELECT forecastin.fit((d + interval '1 month' - interval '1 day')::date, 1.0, 'naive')
                       FROM generate_series(date '2023-01-01', date '2023-12-01', interval '1 month') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit((d + interval '1 month' - interval '1 day')::date, 1.0, 'naive')
  FROM generate_series(date '2023-01-01', date '2023-12-01', interval '1 month') d), 4, 0.95, NULL::date);
-- the 30th of each month (Feb 28/29 stands in for it)
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d, 1.0, 'naive')
  FROM unnest(ARRAY[date '2023-10-30', '2023-11-30', '2023-12-30', '2024-01-30']) d), 3, 0.95, NULL::date);
-- quarterly: first and last days of quarters
SELECT * FROM ft_axis((SELECT forecastin.fit(d::date, 1.0, 'naive')
                       FROM generate_series(date '2020-01-01', date '2024-01-01', interval '3 months') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d::date, 1.0, 'naive')
  FROM generate_series(date '2020-01-01', date '2024-01-01', interval '3 months') d), 2, 0.95, NULL::date);
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit((d + interval '3 months' - interval '1 day')::date, 1.0, 'naive')
  FROM generate_series(date '2020-01-01', date '2023-10-01', interval '3 months') d), 3, 0.95, NULL::date);
-- yearly
SELECT * FROM ft_axis((SELECT forecastin.fit(d::date, 1.0, 'naive')
                       FROM generate_series(date '2015-07-01', date '2024-07-01', interval '1 year') d));

-- timestamptz: hourly
SELECT * FROM ft_axis((SELECT forecastin.fit(d, 1.0, 'naive')
                       FROM generate_series(timestamptz '2024-01-01 00:00', '2024-01-02 00:00', interval '1 hour') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d, 1.0, 'naive')
  FROM generate_series(timestamptz '2024-01-01 00:00', '2024-01-02 00:00', interval '1 hour') d), 2);
-- timestamptz: daily at 06:00
SELECT * FROM ft_axis((SELECT forecastin.fit(d, 1.0, 'naive')
                       FROM generate_series(timestamptz '2024-01-01 06:00', '2024-01-10 06:00', interval '1 day') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d, 1.0, 'naive')
  FROM generate_series(timestamptz '2024-01-01 06:00', '2024-01-10 06:00', interval '1 day') d), 2);
-- timestamptz: month ends at 18:00
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit((d + interval '1 month' - interval '6 hours'), 1.0, 'naive')
  FROM generate_series(timestamptz '2023-09-01', '2024-01-01', interval '1 month') d), 3);

-- daily data across a daylight saving change: local midnights (23-hour
-- day on 2024-03-31 in Berlin) are still a daily series, and forecasts
-- stay at local midnight
SET TimeZone = 'Europe/Berlin';
SELECT * FROM ft_axis((SELECT forecastin.fit(d, 1.0, 'naive')
                       FROM generate_series(timestamptz '2024-03-25 00:00', '2024-04-02 00:00', interval '1 day') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d, 1.0, 'naive')
  FROM generate_series(timestamptz '2024-03-25 00:00', '2024-03-30 00:00', interval '1 day') d), 3);
-- hourly data across the change stays on the UTC hour grid: 02:00 does not exist
SELECT * FROM ft_axis((SELECT forecastin.fit(d, 1.0, 'naive')
                       FROM generate_series(timestamptz '2024-03-31 00:00+01', '2024-03-31 05:00+02', interval '1 hour') d));
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d, 1.0, 'naive')
  FROM generate_series(timestamptz '2024-03-30 22:00+01', '2024-03-31 01:00+01', interval '1 hour') d), 3);
-- a model of local days is forecast at local midnight of the session's zone
CREATE TABLE ft_berlin AS SELECT forecastin.fit(d, 1.0, 'naive') AS m
FROM generate_series(timestamptz '2024-03-25 00:00', '2024-03-30 00:00', interval '1 day') d;
SET TimeZone = 'UTC';
SELECT step, t FROM ft_berlin, forecastin.forecast(m, 2);
DROP TABLE ft_berlin;

-- gaps: absent points are filled by the "missing" policy
CREATE TABLE ft_gap AS
SELECT g::bigint AS t, 2.0 * g AS y FROM generate_series(1, 10) g WHERE g NOT IN (4, 5, 8);
-- zero (the default: an absent day is a day without sales)
SELECT j->>'n' AS n, j->>'n_missing' AS n_missing, j->>'missing_policy' AS policy, j->'parameters' AS params
FROM (SELECT forecastin.model_info(forecastin.fit(t, y, 'mean')) j FROM ft_gap) q;
SELECT forecastin.model_info(forecastin.fit(t, y, 'mean', '{"missing": "zero"}'))->'parameters' AS params,
       forecastin.model_info(forecastin.fit(t, y, 'mean', '{"missing": "zero"}'))->>'missing_policy' AS policy
FROM ft_gap;
-- interpolate: linear between neighbours (2t exactly, mean 11)
SELECT forecastin.model_info(forecastin.fit(t, y, 'mean', '{"missing": "interpolate"}'))->'parameters' AS params,
       forecastin.model_info(forecastin.fit(t, y, 'mean', '{"missing": "interpolate"}'))->>'missing_policy' AS policy
FROM ft_gap;
-- interpolate: leading and trailing gaps take the nearest value
SELECT forecastin.model_info(forecastin.fit(g::bigint, CASE WHEN g IN (1, 2, 10) THEN NULL ELSE g END::float8,
                                            'mean', '{"missing": "interpolate"}'))->'parameters' AS params
FROM generate_series(1, 10) g;
-- error: names the first missing time
SELECT forecastin.fit(t, y, 'mean', '{"missing": "error"}') FROM ft_gap;
SELECT forecastin.fit(d::date, 1.0, 'mean', '{"missing": "error"}')
FROM generate_series(date '2024-01-01', date '2024-01-10', interval '1 day') d WHERE d <> date '2024-01-04';
SELECT forecastin.fit(d, 1.0, 'mean', '{"missing": "error"}')
FROM generate_series(timestamptz '2024-01-01 00:00', '2024-01-01 10:00', interval '1 hour') d
WHERE d <> timestamptz '2024-01-01 07:00';
SELECT forecastin.fit(d, 1.0, 'mean', '{"missing": "error"}')
FROM generate_series(date '2023-01-01', date '2023-12-01', interval '1 month') m,
     LATERAL (SELECT (m + interval '1 month' - interval '1 day')::date) x(d)
WHERE d <> date '2023-04-30';
-- a NULL y is missing too
SELECT forecastin.fit(t, CASE WHEN t = 3 THEN NULL ELSE y END, 'mean', '{"missing": "error"}') FROM ft_gap;
SELECT x->>'n_missing' AS n_missing, x->'parameters' AS params
FROM (SELECT forecastin.model_info(forecastin.fit(t, CASE WHEN t = 3 THEN NULL ELSE y END, 'mean',
                                                  '{"missing": "interpolate"}')) x FROM ft_gap) q;
DROP TABLE ft_gap;

-- irregular time values: no grid of at most 10 million points fits them
SELECT forecastin.fit(t, 1.0) FROM (VALUES (1::bigint), (2), (4), (1000000000000)) v(t);
SELECT forecastin.fit(t, 1.0)
FROM (VALUES (timestamptz '2024-01-01 00:00'), ('2024-01-01 00:00:00.000001'), ('2024-06-01')) v(t);
-- ... but a small common step is found
SELECT * FROM ft_axis((SELECT forecastin.fit(t, 1.0, 'naive')
  FROM (VALUES (timestamptz '2024-01-01 00:00'), ('2024-01-01 00:00:15'), ('2024-01-01 00:01:00')) v(t)));

-- seasonal period: the usual period of the step (7 for days, 12 for
-- months, 24 for hours), kept when the autocorrelation test confirms it
CREATE FUNCTION ft_period(m forecastin.model)
RETURNS TABLE (period int, period_source text)
LANGUAGE sql AS $$
  SELECT (j->>'period')::int, j->>'period_source' FROM forecastin.model_info(m) j $$;
-- a weekend pattern in 13 weeks of daily data: detected
SELECT * FROM ft_period((SELECT forecastin.fit(d::date, 100 + 20 * (extract(isodow FROM d) IN (6, 7))::int + (g % 5), 'snaive')
  FROM generate_series(date '2024-01-01', date '2024-03-31', interval '1 day') WITH ORDINALITY x(d, g)));
SELECT (forecastin.model_info(forecastin.fit(d::date, 100 + 20 * (extract(isodow FROM d) IN (6, 7))::int + (g % 5), 'snaive'))->>'seasonality_test_ratio')::float8 > 1 AS significant
FROM generate_series(date '2024-01-01', date '2024-03-31', interval '1 day') WITH ORDINALITY x(d, g);
-- noise (from md5, deterministic): rejected
SELECT * FROM ft_period((SELECT forecastin.fit(d::date, 100 + (('x' || substr(md5(d::text), 1, 8))::bit(32)::int % 1000) / 100.0, 'snaive')
  FROM generate_series(date '2024-01-01', date '2024-03-31', interval '1 day') d));
-- two weeks are fewer than 3 cycles: not used
SELECT * FROM ft_period((SELECT forecastin.fit(d::date, 100 + 20 * (extract(isodow FROM d) IN (6, 7))::int, 'snaive')
  FROM generate_series(date '2024-01-01', date '2024-01-14', interval '1 day') d));
-- monthly data with a yearly cycle: 12
SELECT * FROM ft_period((SELECT forecastin.fit(d::date, 100 + 30 * sin(2 * pi() * extract(month FROM d) / 12), 'snaive')
  FROM generate_series(date '2020-01-01', date '2023-12-01', interval '1 month') d));
-- hourly data with a daily cycle: 24
SELECT * FROM ft_period((SELECT forecastin.fit(d, 50 + 10 * cos(2 * pi() * extract(hour FROM d) / 24), 'snaive')
  FROM generate_series(timestamptz '2024-01-01 00:00', '2024-01-04 23:00', interval '1 hour') d));
-- yearly data: no usual period
SELECT * FROM ft_period((SELECT forecastin.fit(d::date, g::float8, 'snaive')
  FROM generate_series(date '2000-01-01', date '2023-01-01', interval '1 year') WITH ORDINALITY x(d, g)));
-- integers have no calendar
SELECT * FROM ft_period((SELECT forecastin.fit(g::bigint, g % 7, 'snaive') FROM generate_series(1, 30) g));
-- {"period": n} overrides detection, on any axis
SELECT * FROM ft_period((SELECT forecastin.fit(g::bigint, g % 7, 'snaive', '{"period": 7}') FROM generate_series(1, 30) g));
SELECT * FROM ft_period((SELECT forecastin.fit(d::date, 1.0 + (('x' || substr(md5(d::text), 1, 8))::bit(32)::int % 1000) / 100.0, 'snaive', '{"period": 5}')
  FROM generate_series(date '2024-01-01', date '2024-03-31', interval '1 day') d));
-- a list of periods: the first is the main one
SELECT * FROM ft_period((SELECT forecastin.fit(g::bigint, g % 4, 'snaive', '{"period": [4, 8]}') FROM generate_series(1, 30) g));

DROP FUNCTION ft_axis(forecastin.model);
DROP FUNCTION ft_period(forecastin.model);
RESET TimeZone;
RESET DateStyle;
