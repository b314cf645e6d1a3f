------------------------------------------------------------------------------
-- Backtesting (rolling origin), accuracy aggregates, Diebold-Mariano test
------------------------------------------------------------------------------

-- backtest: an aggregate over (t, y) rows like fit; the state is internal
-- with serialise/deserialise functions, so it runs in parallel plans.
CREATE FUNCTION backtest_sfunc(internal, bigint, float8, text, jsonb) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_backtest_sfunc_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION backtest_sfunc(internal, date, float8, text, jsonb) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_backtest_sfunc_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION backtest_sfunc(internal, timestamptz, float8, text, jsonb) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_backtest_sfunc_tstz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION backtest_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_backtest_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION backtest_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'fc_backtest_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION backtest_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_backtest_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- STABLE: timestamptz series are placed on local days of the session's
-- TimeZone, and times are written in it.
CREATE FUNCTION backtest_final(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'fc_backtest_final' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE backtest(bigint, float8, text, jsonb) (
	SFUNC = backtest_sfunc, STYPE = internal, FINALFUNC = backtest_final,
	COMBINEFUNC = backtest_combine, SERIALFUNC = backtest_serialize,
	DESERIALFUNC = backtest_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE backtest(date, float8, text, jsonb) (
	SFUNC = backtest_sfunc, STYPE = internal, FINALFUNC = backtest_final,
	COMBINEFUNC = backtest_combine, SERIALFUNC = backtest_serialize,
	DESERIALFUNC = backtest_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE backtest(timestamptz, float8, text, jsonb) (
	SFUNC = backtest_sfunc, STYPE = internal, FINALFUNC = backtest_final,
	COMBINEFUNC = backtest_combine, SERIALFUNC = backtest_serialize,
	DESERIALFUNC = backtest_deserialize, PARALLEL = SAFE);

COMMENT ON FUNCTION backtest_sfunc(internal, bigint, float8, text, jsonb) IS
'Transition function of forecastin.backtest (bigint time); not for direct use.';
COMMENT ON FUNCTION backtest_sfunc(internal, date, float8, text, jsonb) IS
'Transition function of forecastin.backtest (date time); not for direct use.';
COMMENT ON FUNCTION backtest_sfunc(internal, timestamptz, float8, text, jsonb) IS
'Transition function of forecastin.backtest (timestamptz time); not for direct use.';
COMMENT ON FUNCTION backtest_combine(internal, internal) IS
'Combine function of forecastin.backtest (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION backtest_serialize(internal) IS
'Serialise function of forecastin.backtest (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION backtest_deserialize(bytea, internal) IS
'Deserialise function of forecastin.backtest (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION backtest_final(internal) IS
'Final function of forecastin.backtest: fits and forecasts every window; not for direct use.';

COMMENT ON AGGREGATE backtest(bigint, float8, text, jsonb) IS
'Rolling-origin backtest of a method on one series of (t, y) rows in any order. Options: the fit options plus "horizon" (required), "windows" (1), "step" (= horizon), "level" (0.95). Returns jsonb; expand it with forecastin.backtest_errors().';
COMMENT ON AGGREGATE backtest(date, float8, text, jsonb) IS
'Rolling-origin backtest of a method on one daily/weekly/monthly series. Options: the fit options plus "horizon" (required), "windows" (1), "step" (= horizon), "level" (0.95). Returns jsonb; expand it with forecastin.backtest_errors().';
COMMENT ON AGGREGATE backtest(timestamptz, float8, text, jsonb) IS
'Rolling-origin backtest of a method on one timestamped series. Options: the fit options plus "horizon" (required), "windows" (1), "step" (= horizon), "level" (0.95). Returns jsonb; expand it with forecastin.backtest_errors().';

CREATE FUNCTION backtest_errors(bt jsonb)
	RETURNS TABLE ("window" int, origin timestamptz, step int, t timestamptz,
				   y float8, yhat float8, lo float8, hi float8, scale float8)
	AS 'MODULE_PATHNAME', 'fc_backtest_errors'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION backtest_errors(jsonb) IS
'One row per window and forecast step of a forecastin.backtest() result: origin (last training time), t, actual y, forecast yhat, interval lo/hi, and scale (in-sample seasonal naive MAE of the window''s training data, for MASE). Times are timestamptz (NULL for bigint time: use the two-argument form).';

CREATE FUNCTION backtest_errors(bt jsonb, t_type anyelement)
	RETURNS TABLE ("window" int, origin anyelement, step int, t anyelement,
				   y float8, yhat float8, lo float8, hi float8, scale float8)
	AS 'MODULE_PATHNAME', 'fc_backtest_errors'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION backtest_errors(jsonb, anyelement) IS
'Backtest rows with origin and t of the type of t_type: pass NULL::bigint, NULL::date or NULL::timestamptz (the time type of the series).';

-- Accuracy aggregates: state float8[2] = {rows counted, sum of losses};
-- STRICT transition functions skip rows with any NULL argument.
CREATE FUNCTION accuracy_combine(float8[], float8[]) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION accuracy_mean_final(float8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'fc_acc_mean_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION accuracy_rmse_final(float8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'fc_acc_rmse_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mae_sfunc(float8[], float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_mae_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rmse_sfunc(float8[], float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_mse_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mape_sfunc(float8[], float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_mape_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION smape_sfunc(float8[], float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_smape_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mase_sfunc(float8[], float8, float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_mase_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION bias_sfunc(float8[], float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_bias_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION coverage_sfunc(float8[], float8, float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'fc_acc_coverage_sfunc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mae(y float8, yhat float8) (
	SFUNC = mae_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_mean_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);
CREATE AGGREGATE rmse(y float8, yhat float8) (
	SFUNC = rmse_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_rmse_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);
CREATE AGGREGATE mape(y float8, yhat float8) (
	SFUNC = mape_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_mean_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);
CREATE AGGREGATE smape(y float8, yhat float8) (
	SFUNC = smape_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_mean_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);
CREATE AGGREGATE mase(y float8, yhat float8, scale float8) (
	SFUNC = mase_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_mean_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);
CREATE AGGREGATE bias(y float8, yhat float8) (
	SFUNC = bias_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_mean_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);
CREATE AGGREGATE coverage(y float8, lo float8, hi float8) (
	SFUNC = coverage_sfunc, STYPE = float8[], INITCOND = '{0,0}',
	FINALFUNC = accuracy_mean_final, COMBINEFUNC = accuracy_combine, PARALLEL = SAFE);

COMMENT ON FUNCTION accuracy_combine(float8[], float8[]) IS
'Combine function of the accuracy aggregates (adds two {rows, sum} states).';
COMMENT ON FUNCTION accuracy_mean_final(float8[]) IS
'Final function of the accuracy aggregates: sum / rows, NULL for no rows.';
COMMENT ON FUNCTION accuracy_rmse_final(float8[]) IS
'Final function of rmse: sqrt(sum / rows), NULL for no rows.';
COMMENT ON FUNCTION mae_sfunc(float8[], float8, float8) IS 'Transition function of forecastin.mae.';
COMMENT ON FUNCTION rmse_sfunc(float8[], float8, float8) IS 'Transition function of forecastin.rmse.';
COMMENT ON FUNCTION mape_sfunc(float8[], float8, float8) IS 'Transition function of forecastin.mape.';
COMMENT ON FUNCTION smape_sfunc(float8[], float8, float8) IS 'Transition function of forecastin.smape.';
COMMENT ON FUNCTION mase_sfunc(float8[], float8, float8, float8) IS 'Transition function of forecastin.mase.';
COMMENT ON FUNCTION bias_sfunc(float8[], float8, float8) IS 'Transition function of forecastin.bias.';
COMMENT ON FUNCTION coverage_sfunc(float8[], float8, float8, float8) IS 'Transition function of forecastin.coverage.';

COMMENT ON AGGREGATE mae(float8, float8) IS
'Mean absolute error mean(|y - yhat|). Rows with a NULL are skipped; NULL for no rows.';
COMMENT ON AGGREGATE rmse(float8, float8) IS
'Root mean squared error sqrt(mean((y - yhat)^2)). Rows with a NULL are skipped; NULL for no rows.';
COMMENT ON AGGREGATE mape(float8, float8) IS
'Mean absolute percentage error 100 * mean(|y - yhat| / |y|), in percent. Rows with y = 0 (undefined) or a NULL are skipped.';
COMMENT ON AGGREGATE smape(float8, float8) IS
'Symmetric MAPE as in M4: 200 * mean(|y - yhat| / (|y| + |yhat|)), between 0 and 200; a row with y = yhat = 0 counts 0. Rows with a NULL are skipped.';
COMMENT ON AGGREGATE mase(float8, float8, float8) IS
'Mean absolute scaled error mean(|y - yhat| / scale), scale = in-sample seasonal naive MAE (backtest_errors().scale). Rows with scale = 0 or a NULL are skipped.';
COMMENT ON AGGREGATE bias(float8, float8) IS
'Mean forecast bias mean(yhat - y): positive when forecasts are too high (R''s ME is its negative). Rows with a NULL are skipped.';
COMMENT ON AGGREGATE coverage(float8, float8, float8) IS
'Share of rows with lo <= y <= hi (0..1), to compare with the interval level. Rows with a NULL are skipped.';

-- Diebold-Mariano test
CREATE TYPE dm_result AS (statistic float8, p_value float8, n bigint,
						  mean_loss_diff float8, horizon int);

COMMENT ON TYPE dm_result IS
'Result of forecastin.dm_test: HLN-corrected DM statistic, two-sided p-value (Student t, n - 1 df), pairs used, mean loss differential L(e1) - L(e2) (positive: method 2 is more accurate), horizon used.';

CREATE FUNCTION dm_sfunc(internal, float8, float8) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_dm_sfunc' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dm_sfunc(internal, float8, float8, int) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_dm_sfunc' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dm_sfunc(internal, float8, float8, int, int) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_dm_sfunc' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dm_sfunc(internal, float8, float8, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'fc_dm_sfunc' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dm_final(internal) RETURNS dm_result
	AS 'MODULE_PATHNAME', 'fc_dm_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- No combine function: the autocovariances need the rows in order.
CREATE AGGREGATE dm_test(e1 float8, e2 float8) (
	SFUNC = dm_sfunc, STYPE = internal, FINALFUNC = dm_final, PARALLEL = SAFE);
CREATE AGGREGATE dm_test(e1 float8, e2 float8, horizon int) (
	SFUNC = dm_sfunc, STYPE = internal, FINALFUNC = dm_final, PARALLEL = SAFE);
CREATE AGGREGATE dm_test(e1 float8, e2 float8, horizon int, power int) (
	SFUNC = dm_sfunc, STYPE = internal, FINALFUNC = dm_final, PARALLEL = SAFE);
CREATE AGGREGATE dm_test(e1 float8, e2 float8, horizon int, power int, series text) (
	SFUNC = dm_sfunc, STYPE = internal, FINALFUNC = dm_final, PARALLEL = SAFE);

COMMENT ON FUNCTION dm_sfunc(internal, float8, float8) IS 'Transition function of forecastin.dm_test.';
COMMENT ON FUNCTION dm_sfunc(internal, float8, float8, int) IS 'Transition function of forecastin.dm_test.';
COMMENT ON FUNCTION dm_sfunc(internal, float8, float8, int, int) IS 'Transition function of forecastin.dm_test.';
COMMENT ON FUNCTION dm_sfunc(internal, float8, float8, int, int, text) IS 'Transition function of forecastin.dm_test.';
COMMENT ON FUNCTION dm_final(internal) IS 'Final function of forecastin.dm_test.';

COMMENT ON AGGREGATE dm_test(float8, float8) IS
'Diebold-Mariano test (HLN correction) of equal accuracy of two methods from paired one-step errors, squared-error loss. Pass the rows in time order: dm_test(e1, e2 ORDER BY t).';
COMMENT ON AGGREGATE dm_test(float8, float8, int) IS
'Diebold-Mariano test (HLN correction) for h-step errors, squared-error loss; autocovariances to lag h-1. Pass the rows in time order: dm_test(e1, e2, h ORDER BY t).';
COMMENT ON AGGREGATE dm_test(float8, float8, int, int) IS
'Diebold-Mariano test (HLN correction) for h-step errors with loss |e|^power. Pass the rows in time order: dm_test(e1, e2, h, power ORDER BY t).';
COMMENT ON AGGREGATE dm_test(float8, float8, int, int, text) IS
'Diebold-Mariano test pooled over many series: mean loss differential over all rows, autocovariances within each series only. Pass rows ordered by series then time: dm_test(e1, e2, h, power, sku ORDER BY sku, t).';
