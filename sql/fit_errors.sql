--
-- fit_errors: every bad input of forecastin.fit().  Each case shows the
-- SQLSTATE, the message, and the detail and hint when there are any.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

-- NULL time values
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (1::bigint), (NULL)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (date '2024-01-01'), (NULL)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{}') FROM (VALUES (NULL::timestamptz)) v(t) $$);

-- NaN and infinite values (NULL is the way to say "missing")
SELECT try_sql($$ SELECT forecastin.fit(t, y) FROM (VALUES (1::bigint, 1.0::float8), (2, 'NaN')) v(t, y) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y) FROM (VALUES (date '2024-01-01', 1.0::float8), ('2024-01-02', 'Infinity')) v(t, y) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, y) FROM (VALUES (timestamptz '2024-01-01 10:00', '-Infinity'::float8)) v(t, y) $$);

-- infinite dates and timestamps
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (date '2024-01-01'), ('infinity')) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (date '-infinity')) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (timestamptz 'infinity')) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (timestamptz '-infinity')) v(t) $$);

-- duplicate time values: the message names the first one
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (3::bigint), (2), (1), (2), (3)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (date '2024-01-05'), ('2024-01-01'), ('2024-01-05')) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (timestamptz '2024-01-01 10:00+00'), ('2024-01-01 12:00+02')) v(t) $$);
-- a NULL y still occupies its time
SELECT try_sql($$ SELECT forecastin.fit(t, y) FROM (VALUES (1::bigint, 1.0::float8), (1, NULL)) v(t, y) $$);

-- methods
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'bogus') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, '') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, ' naive') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'Trend_Seasonal') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'TREND_SEASONAL') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'trend_seasonal') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'trend_seasonal') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, NULL) FROM (VALUES (1::bigint)) v(t) $$);

-- options: must be a JSON object
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', NULL) FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '[]') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '5') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '"period"') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', 'null') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": 7') FROM (VALUES (1::bigint)) v(t) $$);
-- unknown keys are errors (a typo must not fall back silently)
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"peroid": 7}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"Period": 7}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"options": {"period": 7}}') FROM (VALUES (1::bigint)) v(t) $$);

-- "period"
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": 0}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": -1}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": 1.5}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": 1e300}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": 100001}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": "7"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": null}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": true}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": {"m": 7}}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": []}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": [7, 0]}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": [7, "x"]}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": [[7]]}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": [{"m": 7}]}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": [2, 3, 4, 5, 6]}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"period": [2, 3, 4, 5]}') FROM (VALUES (1::bigint)) v(t) $$);
-- a period longer than the series (counting filled gaps)
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 1.0, 'naive', '{"period": 7}') FROM generate_series(1, 6) g $$);
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 1.0, 'naive', '{"period": 7}') FROM generate_series(1, 7, 6) g $$);

-- "missing", "short", "seasonal", "damped"
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"missing": "bogus"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"missing": "ZERO"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"missing": 0}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"missing": ["zero"]}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"short": "bogus"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'naive', '{"short": false}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'hw', '{"seasonal": "mult"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'hw', '{"damped": "yes"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'hw', '{"damped": 1}') FROM (VALUES (1::bigint)) v(t) $$);

-- smoothing parameters: strictly between 0 and 1
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'ses', '{"alpha": 1.5}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'ses', '{"alpha": 0}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'ses', '{"alpha": 1}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'ses', '{"alpha": null}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'holt', '{"beta": -0.1}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'hw', '{"gamma": "0.1"}') FROM (VALUES (1::bigint)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0, 'damped', '{"phi": 2}') FROM (VALUES (1::bigint)) v(t) $$);
-- fixed parameters outside the ETS admissible region (beta <= alpha,
-- gamma <= 1 - alpha)
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 10.0 + g % 4, 'holt', '{"alpha": 0.1, "beta": 0.5}') FROM generate_series(1, 24) g $$);
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 10.0 + g % 4, 'hw', '{"period": 4, "alpha": 0.1, "gamma": 0.95}') FROM generate_series(1, 24) g $$);

-- no values at all
SELECT try_sql($$ SELECT forecastin.fit(t, NULL::float8) FROM (VALUES (1::bigint), (2), (3)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, NULL::float8, 'naive', '{"missing": "interpolate"}') FROM (VALUES (date '2024-01-01')) v(t) $$);

-- too short, and the options ask for an error rather than a fallback
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 1.0 + g % 3, 'hw', '{"period": 12, "short": "error"}') FROM generate_series(1, 15) g $$);
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 1.0 + g % 3, 'snaive', '{"short": "error"}') FROM generate_series(1, 15) g $$);
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 1.0 + g % 3, 'holt', '{"short": "error"}') FROM generate_series(1, 5) g $$);

-- irregular time values
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (0::bigint), (1), (100000000)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.fit(t, 1.0) FROM (VALUES (timestamptz '2024-01-01'), ('2024-01-01 00:00:00.5'), ('2024-12-31')) v(t) $$);

-- options are read once per group: a bad option fails even for one row,
-- and the first row's method and options hold for the group
SELECT try_sql($$ SELECT forecastin.fit(g::bigint, 1.0, CASE WHEN g = 1 THEN 'naive' ELSE 'bogus' END) FROM generate_series(1, 3) g $$);

RESET TimeZone;
RESET DateStyle;
