--
-- model_io: a model survives text and binary I/O, tables and TOAST, with
-- identical forecasts and model_info.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

CREATE TABLE mi_models (name text PRIMARY KEY, m forecastin.model);
INSERT INTO mi_models
SELECT 'naive_bigint', forecastin.fit(g::bigint, (g % 5)::float8, 'naive') FROM generate_series(1, 30) g
UNION ALL
SELECT 'snaive_date', forecastin.fit(d::date, extract(isodow FROM d)::float8, 'snaive')
FROM generate_series(date '2024-01-01', date '2024-02-29', interval '1 day') d
UNION ALL
SELECT 'mean_month_end', forecastin.fit((d + interval '1 month' - interval '1 day')::date, (g % 4)::float8, 'mean')
FROM generate_series(date '2020-01-01', date '2023-12-01', interval '1 month') WITH ORDINALITY x(d, g)
UNION ALL
SELECT 'drift_hourly', forecastin.fit(d, extract(hour FROM d)::float8, 'drift')
FROM generate_series(timestamptz '2024-01-01', '2024-01-02', interval '1 hour') d
UNION ALL
SELECT 'hw_mult', forecastin.fit(g::bigint, (100 + g) * (1 + 0.2 * sin(2 * pi() * g / 4)), 'hw',
                                 '{"period": 4, "seasonal": "multiplicative"}') FROM generate_series(1, 40) g
UNION ALL
SELECT 'damped_gaps', forecastin.fit(g::bigint, 10 + g + g % 3, 'damped', '{"missing": "interpolate"}')
FROM generate_series(1, 40) g WHERE g % 7 <> 0
UNION ALL
SELECT 'ets_daily', forecastin.fit(d, 50 + 10 * (extract(isodow FROM d) > 5)::int + extract(day FROM d) % 3, 'ets')
FROM generate_series(timestamptz '2024-01-01 08:00', '2024-03-31 08:00', interval '1 day') d
UNION ALL
-- composite models hold their members inside their states
SELECT 'ensemble_mean', forecastin.fit(g::bigint, 20 + g % 4 + 0.5 * g, 'ensemble',
                                       '{"methods": ["naive", "drift", "theta"], "combine": "mean"}')
FROM generate_series(1, 40) g
UNION ALL
SELECT 'ets_aicc', forecastin.fit(g::bigint, 20 + g % 4 + 0.5 * g + (get_byte(decode(md5(g::text), 'hex'), 0) % 5), 'ets',
                                  '{"period": 4, "combine": "aicc"}')
FROM generate_series(1, 40) g
UNION ALL
SELECT 'auto_trio', forecastin.fit(g::bigint, 100 + 3 * g + (get_byte(decode(md5(g::text), 'hex'), 0) % 7), 'auto')
FROM generate_series(1, 60) g
UNION ALL
SELECT 'mstl_hourly', forecastin.fit(d, 50 + 10 * sin(2 * pi() * extract(hour FROM d) / 24)
                                         + 5 * (extract(isodow FROM d) > 5)::int, 'mstl')
FROM generate_series(timestamptz '2024-01-01', '2024-01-28 23:00', interval '1 hour') d
UNION ALL
SELECT 'mstl_log', forecastin.fit(g::bigint, exp(3 + 0.3 * sin(2 * pi() * g / 7) + 0.2 * sin(2 * pi() * g / 30)), 'mstl',
                                  '{"period": [7, 30], "transform": "log", "adjusted": "arima"}')
FROM generate_series(1, 120) g
UNION ALL
SELECT 'mstl_sqrt', forecastin.fit(g::bigint, (3 + 0.3 * sin(2 * pi() * g / 7)) ^ 2, 'mstl',
                                   '{"period": 7, "transform": "sqrt"}')
FROM generate_series(1, 70) g
UNION ALL
-- a perfect ARIMA fit has no likelihood: its states must still read back
SELECT 'arima_constant', forecastin.fit(g::bigint, 7.0::float8, 'arima') FROM generate_series(1, 20) g;
-- (without the weights of ets_aicc's forms: they are printed to 2 digits)
SELECT name, regexp_replace(forecastin.model_info(m)->>'form', ' [0-9.e-]+([,)])', '\1', 'g') AS form,
       forecastin.model_info(m)->>'step' AS step
FROM mi_models ORDER BY name;

-- text round trip: the same text, model_info, forecasts and residuals
SELECT name,
       m::text::forecastin.model::text = m::text AS same_text,
       forecastin.model_info(m::text::forecastin.model) = forecastin.model_info(m) AS same_info,
       (SELECT count(*) FROM forecastin.forecast(m, 10) a
        FULL JOIN forecastin.forecast(m::text::forecastin.model, 10) b USING (step)
        WHERE a.t IS DISTINCT FROM b.t OR a.yhat IS DISTINCT FROM b.yhat
           OR a.lo IS DISTINCT FROM b.lo OR a.hi IS DISTINCT FROM b.hi) AS differing_rows,
       (SELECT count(*) FROM forecastin.residuals(m) WITH ORDINALITY a(t, resid, k)
        FULL JOIN forecastin.residuals(m::text::forecastin.model) WITH ORDINALITY b(t, resid, k) USING (k)
        WHERE a.t IS DISTINCT FROM b.t OR a.resid IS DISTINCT FROM b.resid) AS differing_resid
FROM mi_models ORDER BY name;

-- the text form is JSON
SELECT name, (m::text::jsonb)->>'method' AS method, (m::text::jsonb)->>'version' AS version,
       jsonb_array_length((m::text::jsonb)->'residuals') = (forecastin.model_info(m)->>'n')::int AS residual_per_point
FROM mi_models ORDER BY name;

-- binary round trip through COPY (FORMAT binary) files; the file name
-- carries the backend pid so concurrent runs do not collide
SELECT '/tmp/forecastin_model_io_' || pg_backend_pid() AS mi_file \gset
CREATE TABLE mi_back (LIKE mi_models);
SET mi.file = :'mi_file';
DO $$ BEGIN
  EXECUTE format('COPY mi_models TO %L (FORMAT binary)', current_setting('mi.file') || '.bin');
  EXECUTE format('COPY mi_back FROM %L (FORMAT binary)', current_setting('mi.file') || '.bin');
END $$;
SELECT a.name, a.m::text = b.m::text AS same_text,
       forecastin.model_info(a.m) = forecastin.model_info(b.m) AS same_info,
       (SELECT count(*) FROM forecastin.forecast(a.m, 10) x
        FULL JOIN forecastin.forecast(b.m, 10) y USING (step)
        WHERE x.t IS DISTINCT FROM y.t OR x.yhat IS DISTINCT FROM y.yhat
           OR x.lo IS DISTINCT FROM y.lo OR x.hi IS DISTINCT FROM y.hi) AS differing_rows
FROM mi_models a JOIN mi_back b USING (name) ORDER BY a.name;

-- and through text COPY (what pg_dump writes)
TRUNCATE mi_back;
DO $$ BEGIN
  EXECUTE format('COPY mi_models TO %L', current_setting('mi.file') || '.txt');
  EXECUTE format('COPY mi_back FROM %L', current_setting('mi.file') || '.txt');
END $$;
SELECT a.name, a.m::text = b.m::text AS same_text
FROM mi_models a JOIN mi_back b USING (name) ORDER BY a.name;
DO $$ BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null; rm -f ' || current_setting('mi.file') || '.bin ' || current_setting('mi.file') || '.txt');
END $$;
RESET mi.file;

-- model_send gives the binary form: version byte 1 first
SELECT name, substr(forecastin.model_send(m), 1, 1) AS version_byte
FROM mi_models WHERE name = 'naive_bigint';

-- stored models: update in place, look up, forecast from the table
UPDATE mi_models SET m = (SELECT forecastin.fit(g::bigint, g::float8, 'drift') FROM generate_series(1, 10) g)
WHERE name = 'naive_bigint';
SELECT name, f.step, f.t, f.yhat FROM mi_models, forecastin.forecast(m, 2, 0.95, NULL::bigint) f
WHERE name = 'naive_bigint' ORDER BY f.step;

-- a large model is compressed and moved out of line (TOAST), and reads back
INSERT INTO mi_models
SELECT 'snaive_long', forecastin.fit(g::bigint, (g % 1000)::float8, 'snaive', '{"period": 1000}')
FROM generate_series(1, 20000) g;
SELECT pg_column_size(m) < length(m::text) / 4 AS compressed,
       (SELECT string_agg(yhat::text, ' ' ORDER BY step) FROM forecastin.forecast(m, 3)) AS forecasts,
       forecastin.model_info(m)->>'period' AS period
FROM mi_models WHERE name = 'snaive_long';

-- sub-second steps: the usual period of the step is out of the question,
-- and the model still reads back from its text form
SELECT m::text::forecastin.model::text = m::text AS same_text
FROM (SELECT forecastin.fit(timestamptz '2024-01-01' + g * interval '100 milliseconds', g::float8, 'naive') AS m
      FROM generate_series(1, 10) g) q;
SELECT m::text::forecastin.model::text = m::text AS same_text
FROM (SELECT forecastin.fit(timestamptz '2024-01-01' + g * interval '1 microsecond', g::float8, 'naive') AS m
      FROM generate_series(1, 10) g) q;

-- a model whose text has no "residuals" (they are optional in the text
-- form) round-trips through the binary form as well
CREATE TABLE mi_nores AS
SELECT ((forecastin.fit(g::bigint, g::float8, 'naive')::text::jsonb - 'residuals')::text)::forecastin.model AS m
FROM generate_series(1, 5) g;
SELECT count(*) AS residual_rows FROM mi_nores, forecastin.residuals(m);
SELECT '/tmp/forecastin_model_io_nores_' || pg_backend_pid() || '.bin' AS mi_file \gset
SET mi.file = :'mi_file';
CREATE TABLE mi_nores_back (LIKE mi_nores);
DO $$ BEGIN
  EXECUTE format('COPY mi_nores TO %L (FORMAT binary)', current_setting('mi.file'));
  EXECUTE format('COPY mi_nores_back FROM %L (FORMAT binary)', current_setting('mi.file'));
END $$;
DO $$ BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null; rm -f ' || current_setting('mi.file'));
END $$;
RESET mi.file;
SELECT a.m::text = b.m::text AS same_text FROM mi_nores a, mi_nores_back b;
DROP TABLE mi_nores, mi_nores_back;

-- models in arrays and records
SELECT array_length(ARRAY(SELECT m FROM mi_models), 1) AS models,
       forecastin.model_info((ARRAY(SELECT m FROM mi_models ORDER BY name))[1])->>'method' AS first_method;
SELECT (r).name FROM (SELECT ROW(name, m)::mi_models AS r FROM mi_models WHERE name = 'hw_mult') q;

DROP TABLE mi_models, mi_back;
RESET TimeZone;
RESET DateStyle;
