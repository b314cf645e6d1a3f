--
-- model_errors: forecastin.model and forecastin.fit_state input that is
-- truncated, not JSON, of the wrong shape, or forged.  Every case is an
-- ERROR with its SQLSTATE, never a crash or a model forecast() could
-- misuse.
--
-- a model text, read and then forecast (so a forged model that gets in
-- shows what forecast() does with it)
CREATE FUNCTION try_model(j jsonb) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT try_sql(format('SELECT count(*) FROM forecastin.forecast(%L::forecastin.model, 3)', j::text)) $$;

-- genuine models to forge from
CREATE TABLE me_base (k text PRIMARY KEY, j jsonb);
INSERT INTO me_base
SELECT 'naive', forecastin.fit(g::bigint, g::float8, 'naive')::text::jsonb FROM generate_series(1, 10) g
UNION ALL
SELECT 'snaive', forecastin.fit(g::bigint, (g % 3)::float8, 'snaive', '{"period": 3}')::text::jsonb FROM generate_series(1, 10) g
UNION ALL
SELECT 'mean', forecastin.fit(g::bigint, g::float8, 'mean')::text::jsonb FROM generate_series(1, 10) g
UNION ALL
SELECT 'drift', forecastin.fit(g::bigint, g::float8, 'drift')::text::jsonb FROM generate_series(1, 10) g
UNION ALL
SELECT 'hw', forecastin.fit(date '2024-01-01' + g, 10 + g % 4 + g / 10.0, 'hw', '{"period": 4}')::text::jsonb FROM generate_series(1, 24) g;
-- they read back
SELECT k, try_model(j) FROM me_base ORDER BY k;
SELECT k, string_agg(key, ' ' ORDER BY key) AS keys FROM me_base, jsonb_object_keys(j) key WHERE k = 'hw' GROUP BY k;

-- not JSON, truncated, empty
SELECT try_sql($$ SELECT 'abc'::forecastin.model $$);
SELECT try_sql($$ SELECT ''::forecastin.model $$);
SELECT try_sql(format('SELECT %L::forecastin.model', left(j::text, 100))) FROM me_base WHERE k = 'naive';
SELECT try_sql(format('SELECT %L::forecastin.model', left(j::text, length(j::text) - 1))) FROM me_base WHERE k = 'hw';
-- JSON of the wrong shape
SELECT try_sql($$ SELECT '[]'::forecastin.model $$);
SELECT try_sql($$ SELECT '5'::forecastin.model $$);
SELECT try_sql($$ SELECT 'null'::forecastin.model $$);
SELECT try_sql($$ SELECT '"model"'::forecastin.model $$);
SELECT try_sql($$ SELECT '{}'::forecastin.model $$);
SELECT try_sql($$ SELECT '{"version": 1}'::forecastin.model $$);
SELECT try_model(j - 'states') FROM me_base WHERE k = 'naive';
SELECT try_model(j - 'params') FROM me_base WHERE k = 'naive';
SELECT try_model(j #- '{params,sigma2}') FROM me_base WHERE k = 'naive';

-- version
SELECT try_model(j || '{"version": 99}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"version": 0}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"version": "1"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"version": 1.5}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"version": 257}') FROM me_base WHERE k = 'naive';

-- method
SELECT try_model(j || '{"method": "bogus"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"method": "arima"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"method": "auto"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"method": "NAIVE"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"method": 1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"requested": "bogus"}') FROM me_base WHERE k = 'naive';
-- a method whose states do not fit: naive forged as mean, hw as naive
SELECT try_model(j || '{"method": "mean"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"method": "naive"}') FROM me_base WHERE k = 'hw';

-- counts and ranges
SELECT try_model(j || '{"n": -1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"n": 0}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"n": 2147483648}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"n_missing": -1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"n_missing": 10}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"period": 0}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"period": 100001}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"period": 4.5}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"detected_period": -1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"nparam": -1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"anchor_day": 32}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"tod_usec": -1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"tod_usec": 86400000000}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"period_source": "guessed"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"fallback": "panic"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"missing": "ignore"}') FROM me_base WHERE k = 'naive';

-- time axis
SELECT try_model(j || '{"step": 0}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"step": -1}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"step": 9223372036854775807}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"step": 9223372036854775808}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"t_first": 9223372036854775807}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"t_first": 1e30}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"time": "text"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"step_unit": "week"}') FROM me_base WHERE k = 'naive';
-- a time type that does not match the axis unit
SELECT try_model(j || '{"time": "date"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"step_unit": "day"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"step_unit": "microsecond"}') FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"time": "bigint"}') FROM me_base WHERE k = 'hw';
-- a month axis that overflows the calendar
SELECT try_model(j || '{"step_unit": "month", "step": 1000000000000}') FROM me_base WHERE k = 'hw';

-- ETS form and parameters
SELECT try_model(j || '{"ets": "XNA"}') FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"ets": "AAAA"}') FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"ets": "AA"}') FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"ets": "ANdA"}') FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"ets": 5}') FROM me_base WHERE k = 'hw';
SELECT try_model(j - 'ets') FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"ets": "ANN"}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"period": 1}') FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,alpha}', '2')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,alpha}', '-0.1')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,alpha}', 'null')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,gamma}', '1.5')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,phi}', '0')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,phi}', '1.01')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,sigma2}', '-1')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,sigma2}', '"big"')) FROM me_base WHERE k = 'hw';
SELECT try_model(jsonb_set(j, '{params,mean}', 'null')) FROM me_base WHERE k = 'mean';
SELECT try_model(jsonb_set(j, '{params,slope}', 'null')) FROM me_base WHERE k = 'drift';
SELECT try_model(j || '{"params": [1, 2]}') FROM me_base WHERE k = 'naive';

-- states
SELECT try_model(j || '{"states": []}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"states": [1, 2]}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"states": [1, 2]}') FROM me_base WHERE k = 'snaive';
SELECT try_model(jsonb_set(j, '{states}', (j->'states') - 0)) FROM me_base WHERE k = 'hw';
SELECT try_model(j || '{"states": [null]}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"states": ["1"]}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"states": [[1]]}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"states": {"level": 1}}') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"states": 1}') FROM me_base WHERE k = 'naive';
-- a number beyond float8 (PostgreSQL's own message)
SELECT try_model(j || '{"states": [1e309]}') FROM me_base WHERE k = 'naive';

-- residuals: none, or one per point
SELECT try_model(j - 'residuals') FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"residuals": [1, 2, 3]}') FROM me_base WHERE k = 'naive';
SELECT try_model(jsonb_set(j, '{residuals,1}', '"x"')) FROM me_base WHERE k = 'naive';
SELECT try_model(j || '{"residuals": {"a": 1}}') FROM me_base WHERE k = 'naive';

-- a very large but consistent forged model is accepted and forecasts
SELECT try_model(j || jsonb_build_object('period', 100000, 'states', (SELECT jsonb_agg(g % 7) FROM generate_series(1, 100000) g),
                                          'n', 100000, 'residuals', '[]'::jsonb))
FROM me_base WHERE k = 'snaive';

-- binary input: COPY (FORMAT binary) of forged bytes into a model column.
-- The file holds one bytea field, whose bytes become the model's binary form.
SELECT '/tmp/forecastin_model_errors_' || pg_backend_pid() || '.bin' AS me_file \gset
SET me.file = :'me_file';
CREATE TABLE me_bytes (b bytea);
CREATE TABLE me_models (m forecastin.model);
CREATE FUNCTION try_recv(b bytea) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE me_bytes;
  INSERT INTO me_bytes VALUES (b);
  EXECUTE format('COPY me_bytes TO %L (FORMAT binary)', current_setting('me.file'));
  RETURN QUERY SELECT try_sql(format('COPY me_models FROM %L (FORMAT binary)', current_setting('me.file')));
END $$;
CREATE TABLE me_send AS SELECT forecastin.model_send(j::text::forecastin.model) AS b FROM me_base WHERE k = 'naive';
-- the genuine bytes read back
SELECT try_recv(b) FROM me_send;
SELECT try_recv('\x'::bytea);
SELECT try_recv(substr(b, 1, 20)) FROM me_send;
SELECT try_recv(substr(b, 1, length(b) - 1)) FROM me_send;
SELECT try_recv(b || '\x00'::bytea) FROM me_send;
SELECT try_recv(set_byte(b, 0, 99)) FROM me_send;
SELECT try_recv(set_byte(b, 1, 200)) FROM me_send;
-- nstates (bytes 36..39) forged to a huge and to a negative count
SELECT try_recv(overlay(b PLACING '\x7fffffff'::bytea FROM 37)) FROM me_send;
SELECT try_recv(overlay(b PLACING '\xffffffff'::bytea FROM 37)) FROM me_send;
-- the number of parameters (bytes 64..67)
SELECT try_recv(overlay(b PLACING '\x00000003'::bytea FROM 65)) FROM me_send;
-- step (bytes 40..47) forged to 0
SELECT try_recv(overlay(b PLACING '\x0000000000000000'::bytea FROM 41)) FROM me_send;
-- sigma2 (the 5th parameter) forged to infinity and to -1
SELECT try_recv(overlay(b PLACING float8send('Infinity') FROM 69 + 4 * 8)) FROM me_send;
SELECT try_recv(overlay(b PLACING float8send(-1) FROM 69 + 4 * 8)) FROM me_send;
SELECT count(*) AS models_read FROM me_models;

-- fit_state: the aggregate's transition state, text form is hex of its binary form
CREATE AGGREGATE me_state(bigint, float8) (SFUNC = forecastin.fit_sfunc, STYPE = forecastin.fit_state);
CREATE TABLE me_state AS SELECT me_state(g::bigint, g::float8) AS s FROM generate_series(1, 3) g;
SELECT s::text::forecastin.fit_state::text = s::text AS round_trip FROM me_state;
SELECT try_sql($$ SELECT '\x00'::forecastin.fit_state $$);
SELECT try_sql($$ SELECT 'abc'::forecastin.fit_state $$);
SELECT try_sql($$ SELECT ''::forecastin.fit_state $$);
SELECT try_sql($$ SELECT '\x'::forecastin.fit_state $$);
SELECT try_sql($$ SELECT '\x0'::forecastin.fit_state $$);
SELECT try_sql($$ SELECT '\xzz'::forecastin.fit_state $$);
SELECT try_sql(format('SELECT %L::forecastin.fit_state', left(s::text, 60))) FROM me_state;
SELECT try_sql(format('SELECT %L::forecastin.fit_state', left(s::text, length(s::text) - 2))) FROM me_state;
SELECT try_sql(format('SELECT %L::forecastin.fit_state', s::text || '00')) FROM me_state;
-- version byte, time kind, method
SELECT try_sql(format('SELECT %L::forecastin.fit_state', '\x09' || substr(s::text, 5))) FROM me_state;
SELECT try_sql(format('SELECT %L::forecastin.fit_state', '\x0203' || substr(s::text, 7))) FROM me_state;
SELECT try_sql(format('SELECT %L::forecastin.fit_state', '\x020063' || substr(s::text, 9))) FROM me_state;
-- an infinite value among the observations
SELECT try_sql(format('SELECT %L::forecastin.fit_state', left(s::text, length(s::text) - 16) || '7ff0000000000000')) FROM me_state;
-- a forged but well-formed state goes through fit_final's checks
SELECT try_sql(format('SELECT forecastin.fit_final(%L::forecastin.fit_state)',
                      left(s::text, length(s::text) - 32) || '0000000000000001' || '4000000000000000')) FROM me_state;

-- ARIMA state covariance: a variance the filter drove to zero may come out
-- as -1e-17 by rounding (models stored before 0.1.0's fix hold such
-- values): read as zero, the model forecasts; a truly negative variance is
-- rejected.  ARIMA(1,0,0) with a mean: states[20] is the one variance.
CREATE TEMP TABLE me_arima AS
SELECT forecastin.fit(g::bigint, 10 + sin(g) + (g % 3), 'arima', '{"order": [1, 0, 0]}')::text::jsonb AS j
FROM generate_series(1, 40) g;
SELECT (j->'states'->>0)::float8 AS magic, jsonb_array_length(j->'states') AS nstates, j->'states'->20 AS variance FROM me_arima;
SELECT try_model(jsonb_set(j, '{states,20}', '-1e-17')) FROM me_arima;
SELECT try_model(jsonb_set(j, '{states,20}', '-0.5')) FROM me_arima;

-- ets with Akaike weights: states [k, 2, w_1 .. w_k, members]; the weights
-- must lie in (0, 1] and sum to 1, and the combine code must match the layout
CREATE TABLE me_aicc AS
SELECT forecastin.fit(t::bigint, 10 + sin(t) + t * 0.1, 'ets', '{"period": 4, "combine": "aicc"}')::text::jsonb AS j
FROM generate_series(1, 40) t;
SELECT (j->'states'->>0)::int >= 2 AS several_members, j->'states'->>1 AS combine_code FROM me_aicc;
SELECT try_model(j) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,2}', '0.9')) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,2}', '-0.1')) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,2}', '0')) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,2}', '"NaN"')) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,1}', '1')) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,1}', '3')) FROM me_aicc;
SELECT try_model(jsonb_set(j, '{states,0}', '19')) FROM me_aicc;
-- two weights swapped still sum to 1: a valid (if different) model
SELECT try_model(jsonb_set(jsonb_set(j, '{states,2}', j->'states'->3), '{states,3}', j->'states'->2)) FROM me_aicc;
DROP TABLE me_aicc;

DROP AGGREGATE me_state(bigint, float8);
DROP FUNCTION try_recv(bytea), try_model(jsonb);
DO $$ BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null; rm -f ' || current_setting('me.file'));
END $$;
RESET me.file;
DROP TABLE me_base, me_bytes, me_models, me_send, me_state;

