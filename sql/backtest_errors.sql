--
-- backtest_errors: every bad input of forecastin.backtest(),
-- backtest_errors(), the accuracy aggregates and dm_test.  Each case shows
-- the SQLSTATE, the message, and the detail and hint when there are any.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
CREATE TABLE be_s AS SELECT g::bigint AS t, (10 + g % 5)::float8 AS y FROM generate_series(1, 30) g;

------------------------------------------------------------------------------
-- backtest(): method and options
------------------------------------------------------------------------------
SELECT try_sql($$ SELECT forecastin.backtest(t, y, NULL, '{"horizon": 3}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', NULL) FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'navie', '{"horizon": 3}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'trend_seasonal', '{"horizon": 3}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '[3]') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '3') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 0}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 2.5}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": "7"}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 1e9}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "windows": 0}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "windows": 10001}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "step": 0}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "step": null}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "level": 95}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "level": "0.9"}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 10000, "windows": 101}') FROM be_s $$);
-- fit options are checked by fit's own rules (the CONTEXT line names the backtest keys)
SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "peroid": 7}') FROM be_s;
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "missing": "drop"}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 3, "period": 0}') FROM be_s $$);

------------------------------------------------------------------------------
-- backtest(): the series (the same rules and words as fit)
------------------------------------------------------------------------------
SELECT try_sql($$ SELECT forecastin.backtest(t, 1.0, 'naive', '{"horizon": 1}') FROM (VALUES (1::bigint), (NULL)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 1}') FROM (VALUES (1::bigint, 1.0::float8), (2, 'NaN')) v(t, y) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, 1.0, 'naive', '{"horizon": 1}') FROM (VALUES (date 'infinity')) v(t) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, 1.0, 'naive', '{"horizon": 1}') FROM (VALUES (timestamptz '-infinity')) v(t) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, 1.0, 'naive', '{"horizon": 1}') FROM (VALUES (1::bigint), (2), (2)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, NULL::float8, 'naive', '{"horizon": 1}') FROM (VALUES (1::bigint), (2)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, 1.0, 'naive', '{"horizon": 1, "missing": "error"}') FROM (VALUES (1::bigint), (2), (4)) v(t) $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, 1.0, 'naive', '{"horizon": 1}') FROM (VALUES (1::bigint), (2), (100000000)) v(t) $$);
-- too short: windows are skipped by default, an error with "short": "error"
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 10, "windows": 3, "step": 10, "short": "error"}') FROM be_s $$);
SELECT try_sql($$ SELECT forecastin.backtest(t, y, 'snaive', '{"horizon": 3, "period": 40, "short": "error"}') FROM be_s $$);
SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 40}')->'windows_skipped' AS skipped FROM be_s;

------------------------------------------------------------------------------
-- backtest_errors(): a value that is not a backtest result
------------------------------------------------------------------------------
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('[]') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 2}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "text", "results": []}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": {}}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": [1]}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": [{"window": 1}]}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": [{"window": 1, "origin": 3, "scale": 1, "t": [4, 5], "y": [1], "yhat": [1], "lo": [1], "hi": [1]}]}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": [{"window": 1, "origin": 3, "scale": 1, "t": [4], "y": ["x"], "yhat": [1], "lo": [1], "hi": [1]}]}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "date", "results": [{"window": 1, "origin": 3, "scale": 1, "t": [4], "y": [1], "yhat": [1], "lo": [1], "hi": [1]}]}') $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "date", "results": [{"window": 1, "origin": "someday", "scale": 1, "t": ["2024-01-01"], "y": [1], "yhat": [1], "lo": [1], "hi": [1]}]}') $$);
-- a well-formed document, read back
SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": [{"window": 1, "origin": 3, "scale": null, "t": [4], "y": [1], "yhat": [1.5], "lo": [null], "hi": [2]}]}', NULL::bigint);
-- the time type asked for must suit the series
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors((SELECT forecastin.backtest(t, y, 'naive', '{"horizon": 2}') FROM be_s), NULL::date) $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "timestamp with time zone", "results": []}', NULL::date) $$);
SELECT try_sql($$ SELECT * FROM forecastin.backtest_errors('{"version": 1, "time_type": "bigint", "results": []}', NULL::text) $$);

------------------------------------------------------------------------------
-- accuracy aggregates
------------------------------------------------------------------------------
SELECT try_sql($$ SELECT forecastin.mae(y, 1) FROM (VALUES (1.0::float8), ('NaN')) v(y) $$);
SELECT try_sql($$ SELECT forecastin.rmse(1, f) FROM (VALUES ('Infinity'::float8)) v(f) $$);
SELECT try_sql($$ SELECT forecastin.mape(1, '-Infinity') $$);
SELECT try_sql($$ SELECT forecastin.smape('NaN', 1) $$);
SELECT try_sql($$ SELECT forecastin.bias(1, 'NaN') $$);
SELECT try_sql($$ SELECT forecastin.mase(1, 2, -1) $$);
SELECT try_sql($$ SELECT forecastin.mase(1, 2, 'Infinity') $$);
SELECT try_sql($$ SELECT forecastin.coverage(1, 3, 2) $$);
SELECT try_sql($$ SELECT forecastin.coverage(1, 'NaN', 2) $$);
-- a state not made by the aggregates
SELECT try_sql($$ SELECT forecastin.accuracy_mean_final('{1,2,3}') $$);
SELECT try_sql($$ SELECT forecastin.accuracy_combine('{1,2}', '{{1,2}}') $$);
SELECT try_sql($$ SELECT forecastin.mae_sfunc('{1,NULL}', 1, 2) $$);
SELECT forecastin.accuracy_rmse_final(forecastin.rmse_sfunc('{0,0}', 3, 1)) AS called_directly;

------------------------------------------------------------------------------
-- dm_test
------------------------------------------------------------------------------
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, NULL) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, 0) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, 10001) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, 1, NULL) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, 1, 0) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, 1, 11) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, h) FROM (VALUES (1), (2)) v(h) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(e, 1) FROM (VALUES (1.0::float8), ('NaN')) v(e) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 'Infinity') $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1e200, 1, 1, 2) $$);
SELECT try_sql($$ SELECT forecastin.dm_test(1, 2, 1, 2, NULL) $$);
