--
-- forecast_errors: every bad argument of forecast(), residuals() and
-- model_info(), with its SQLSTATE.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

CREATE TABLE xe_models (name text, m forecastin.model);
INSERT INTO xe_models
SELECT 'bigint', forecastin.fit(g::bigint, g::float8, 'naive') FROM generate_series(1, 10) g
UNION ALL
SELECT 'date', forecastin.fit(date '2024-01-01' + g, g::float8, 'naive') FROM generate_series(1, 10) g
UNION ALL
SELECT 'tstz', forecastin.fit(timestamptz '2024-01-01' + g * interval '1 hour', g::float8, 'naive') FROM generate_series(1, 10) g;

-- horizon: 1 .. forecastin.max_horizon (10000 by default)
SELECT try_sql($$ SELECT forecastin.forecast(m, 0) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, -1) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, -2147483648) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 10001) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 2147483647) FROM xe_models WHERE name = 'bigint' $$);
SELECT count(*) FROM xe_models, forecastin.forecast(m, 10000) WHERE name = 'bigint';
SET forecastin.max_horizon = 5;
SELECT try_sql($$ SELECT forecastin.forecast(m, 6) FROM xe_models WHERE name = 'bigint' $$);
SELECT count(*) FROM xe_models, forecastin.forecast(m, 5) WHERE name = 'bigint';
RESET forecastin.max_horizon;
SHOW forecastin.max_horizon;
-- the setting's own limits
SET forecastin.max_horizon = 0;
SET forecastin.max_horizon = 10000001;
SET forecastin.max_horizn = 5;

-- level: a probability strictly between 0 and 1
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 1) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 95) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, -0.5) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 'NaN') FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 'Infinity') FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::bigint) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 1.5, NULL::bigint) FROM xe_models WHERE name = 'bigint' $$);
-- extreme levels that are valid give finite or wide intervals, never errors
SELECT step, yhat, round(lo::numeric, 4) AS lo, round(hi::numeric, 4) AS hi
FROM xe_models, forecastin.forecast(m, 1, 1e-9) WHERE name = 'bigint';
SELECT step, hi - lo > 10 AS wide FROM xe_models, forecastin.forecast(m, 1, 0.999999999) WHERE name = 'bigint';

-- NULL arguments: no rows (the functions are strict or act so)
SELECT count(*) FROM forecastin.forecast(NULL, 3);
SELECT count(*) FROM xe_models, forecastin.forecast(m, NULL) WHERE name = 'bigint';
SELECT count(*) FROM xe_models, forecastin.forecast(m, 3, NULL) WHERE name = 'bigint';
SELECT count(*) FROM forecastin.forecast(NULL, 3, 0.95, NULL::bigint);
SELECT count(*) FROM xe_models, forecastin.forecast(m, NULL, 0.95, NULL::bigint) WHERE name = 'bigint';
SELECT count(*) FROM xe_models, forecastin.forecast(m, 3, NULL, NULL::bigint) WHERE name = 'bigint';
SELECT count(*) FROM forecastin.residuals(NULL);
SELECT count(*) FROM forecastin.residuals(NULL, NULL::date);
SELECT forecastin.model_info(NULL) IS NULL AS info_is_null;

-- t_type must suit the model's time axis (date models may also give timestamptz)
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::date) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::timestamptz) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::bigint) FROM xe_models WHERE name = 'date' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::timestamp) FROM xe_models WHERE name = 'date' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::text) FROM xe_models WHERE name = 'date' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::int) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL::date) FROM xe_models WHERE name = 'tstz' $$);
SELECT try_sql($$ SELECT forecastin.forecast(m, 3, 0.95, NULL) FROM xe_models WHERE name = 'date' $$);
SELECT try_sql($$ SELECT forecastin.residuals(m, NULL::date) FROM xe_models WHERE name = 'bigint' $$);
SELECT try_sql($$ SELECT forecastin.residuals(m, NULL::bigint) FROM xe_models WHERE name = 'tstz' $$);
-- any value of the right type will do as t_type
SELECT step, t FROM xe_models, forecastin.forecast(m, 1, 0.95, date '1999-12-31') WHERE name = 'date';

-- forecast times beyond the range of the time type
SELECT try_sql($$ SELECT forecastin.forecast(forecastin.fit(g, 1.0, 'naive'), 3, 0.95, NULL::bigint)
                  FROM generate_series(9223372036854775800, 9223372036854775806) g $$);
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(g, 1.0, 'naive')
                  FROM generate_series(9223372036854775800, 9223372036854775806) g), 1, 0.95, NULL::bigint);
-- without t_type a bigint model has no calendar and no limit: t is NULL
SELECT count(*), count(t) FROM forecastin.forecast((SELECT forecastin.fit(g, 1.0, 'naive')
                  FROM generate_series(9223372036854775800, 9223372036854775806) g), 3);
SELECT try_sql($$ SELECT forecastin.forecast(forecastin.fit(d, 1.0, 'naive'), 5)
                  FROM generate_series(timestamptz '294276-12-25', '294276-12-30', interval '1 day') d $$);
SELECT try_sql($$ SELECT forecastin.forecast(forecastin.fit(d, 1.0, 'naive'), 5)
                  FROM generate_series(timestamptz '294276-12-31 18:00', '294276-12-31 20:00', interval '1 hour') d $$);
SELECT try_sql($$ SELECT forecastin.forecast(forecastin.fit(d, 1.0, 'naive'), 1, 0.95, NULL::timestamptz)
                  FROM generate_series(0, 2) g, LATERAL (SELECT date '294276-12-29' + g) x(d) $$);
-- a date past the end of timestamptz's range is still a date
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(date '294276-12-29' + g, 1.0, 'naive')
  FROM generate_series(0, 2) g), 1, 0.95, NULL::date);
-- before the start of the range is not a problem for forecasts
SELECT step, t FROM forecastin.forecast((SELECT forecastin.fit(d::date, 1.0, 'naive')
  FROM generate_series(timestamp '4714-11-24 BC', timestamp '4714-11-29 BC', interval '1 day') d), 1, 0.95, NULL::date);

DROP TABLE xe_models;
RESET TimeZone;
RESET DateStyle;
