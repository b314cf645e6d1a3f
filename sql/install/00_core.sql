/* forecastin--0.1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION forecastin CASCADE" to load this file. \quit

------------------------------------------------------------------------------
-- forecastin.model: a fitted model
------------------------------------------------------------------------------

CREATE TYPE model;

CREATE FUNCTION model_in(cstring) RETURNS model
	AS 'MODULE_PATHNAME', 'fc_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION model_out(model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'fc_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION model_recv(internal) RETURNS model
	AS 'MODULE_PATHNAME', 'fc_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION model_send(model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'fc_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE model (
	INPUT = model_in,
	OUTPUT = model_out,
	RECEIVE = model_recv,
	SEND = model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE model IS
'A fitted forecasting model (method, parameters, final states, time axis). Text form is JSON; use forecastin.model_info() to read it.';

------------------------------------------------------------------------------
-- forecastin.fit_state: transition state of the fit aggregate
------------------------------------------------------------------------------

CREATE TYPE fit_state;

CREATE FUNCTION fit_state_in(cstring) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fit_state_out(fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'fc_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fit_state_recv(internal) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fit_state_send(fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'fc_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fit_state (
	INPUT = fit_state_in,
	OUTPUT = fit_state_out,
	RECEIVE = fit_state_recv,
	SEND = fit_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE fit_state IS
'Partial state of forecastin.fit(): the observations of one series so far. Lets parallel and distributed aggregation combine partial results.';

-- Transition functions: one C function per time type; the method and
-- options arguments are optional (aggregates cannot have defaults, hence
-- one aggregate per arity).
CREATE FUNCTION fit_sfunc(fit_state, bigint, float8) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, bigint, float8, text) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, bigint, float8, text, jsonb) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, date, float8) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, date, float8, text) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, date, float8, text, jsonb) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, timestamptz, float8) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_tstz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, timestamptz, float8, text) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_tstz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fit_sfunc(fit_state, timestamptz, float8, text, jsonb) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_sfunc_tstz' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION fit_combine(fit_state, fit_state) RETURNS fit_state
	AS 'MODULE_PATHNAME', 'fc_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- STABLE: timestamptz series are placed on local days of the session's
-- TimeZone.
CREATE FUNCTION fit_final(fit_state) RETURNS model
	AS 'MODULE_PATHNAME', 'fc_fit_final' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE fit(bigint, float8) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(bigint, float8, text) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(bigint, float8, text, jsonb) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(date, float8) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(date, float8, text) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(date, float8, text, jsonb) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(timestamptz, float8) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(timestamptz, float8, text) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE fit(timestamptz, float8, text, jsonb) (
	SFUNC = fit_sfunc, STYPE = fit_state, FINALFUNC = fit_final,
	COMBINEFUNC = fit_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE fit(bigint, float8) IS
'Fit a forecasting model (method auto) to one series of (t, y) rows in any order.';
COMMENT ON AGGREGATE fit(bigint, float8, text) IS
'Fit a forecasting model with the given method: auto, ets, arima, theta, mstl, ensemble, naive, snaive, mean, drift, ses, holt, damped, hw, croston, sba, tsb, adida.';
COMMENT ON AGGREGATE fit(bigint, float8, text, jsonb) IS
'Fit a forecasting model with a method and options such as {"period": 7, "missing": "interpolate"}.';
COMMENT ON AGGREGATE fit(date, float8) IS
'Fit a forecasting model (method auto) to one daily/weekly/monthly series; rows in any order.';
COMMENT ON AGGREGATE fit(date, float8, text) IS
'Fit a forecasting model with the given method: auto, ets, arima, theta, mstl, ensemble, naive, snaive, mean, drift, ses, holt, damped, hw, croston, sba, tsb, adida.';
COMMENT ON AGGREGATE fit(date, float8, text, jsonb) IS
'Fit a forecasting model with a method and options such as {"period": 7, "missing": "interpolate"}.';
COMMENT ON AGGREGATE fit(timestamptz, float8) IS
'Fit a forecasting model (method auto) to one series of timestamped rows in any order.';
COMMENT ON AGGREGATE fit(timestamptz, float8, text) IS
'Fit a forecasting model with the given method: auto, ets, arima, theta, mstl, ensemble, naive, snaive, mean, drift, ses, holt, damped, hw, croston, sba, tsb, adida.';
COMMENT ON AGGREGATE fit(timestamptz, float8, text, jsonb) IS
'Fit a forecasting model with a method and options such as {"period": 24, "missing": "interpolate"}.';

------------------------------------------------------------------------------
-- Forecasts and model inspection
------------------------------------------------------------------------------

CREATE FUNCTION forecast(m model, horizon int, level float8 DEFAULT 0.95)
	RETURNS TABLE (step int, t timestamptz, yhat float8, lo float8, hi float8)
	AS 'MODULE_PATHNAME', 'fc_forecast'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 28;

COMMENT ON FUNCTION forecast(model, int, float8) IS
'Point forecasts and prediction intervals for steps 1..horizon. t continues the fitted time axis as timestamptz (NULL for bigint time: use the four-argument form).';

CREATE FUNCTION forecast(m model, horizon int, level float8, t_type anyelement)
	RETURNS TABLE (step int, t anyelement, yhat float8, lo float8, hi float8)
	AS 'MODULE_PATHNAME', 'fc_forecast'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 28;

COMMENT ON FUNCTION forecast(model, int, float8, anyelement) IS
'Forecasts with t of the type of t_type: pass NULL::bigint, NULL::date or NULL::timestamptz (the fit''s time type).';

CREATE FUNCTION model_info(m model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'fc_model_info'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION model_info(model) IS
'The fitted model as JSON: method and form, fallback reason, period and how it was chosen, parameters, information criteria.';

CREATE FUNCTION residuals(m model)
	RETURNS TABLE (t timestamptz, resid float8)
	AS 'MODULE_PATHNAME', 'fc_residuals'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION residuals(model) IS
'In-sample residuals y - yhat of the fitted model, one row per time step: one-step errors, except for knn, whose residuals are the errors of its in-sample forecasts one cycle ahead (NULL where the method has none). t is NULL for bigint time: use the two-argument form.';

CREATE FUNCTION residuals(m model, t_type anyelement)
	RETURNS TABLE (t anyelement, resid float8)
	AS 'MODULE_PATHNAME', 'fc_residuals'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION residuals(model, anyelement) IS
'In-sample residuals with t of the type of t_type: pass NULL::bigint, NULL::date or NULL::timestamptz.';
