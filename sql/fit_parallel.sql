--
-- fit_parallel: parallel aggregation (partial states combined across
-- workers) gives the same models as a serial plan; the fit_state type and
-- its text and binary forms.
--
SET DateStyle = 'ISO, YMD';
CREATE TABLE fp_sales (k int, d date, y float8);
INSERT INTO fp_sales
SELECT k, date '2020-01-01' + g, 100 + 10 * sin(g / 3.0) + k + (g % 7) + CASE WHEN g % 11 = 0 THEN NULL ELSE 0 END
FROM generate_series(1, 4) k, generate_series(1, 1000) g
WHERE g % 13 <> 0;
ANALYZE fp_sales;

-- serial models first
SET max_parallel_workers_per_gather = 0;
CREATE TABLE fp_serial AS
SELECT k, forecastin.fit(d, y, 'ses') AS m_ses, forecastin.fit(d, y, 'naive', '{"missing": "interpolate"}') AS m_naive
FROM fp_sales GROUP BY k;

-- then a plan with partial aggregates in two workers
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT k, forecastin.fit(d, y, 'ses') AS m_ses, forecastin.fit(d, y, 'naive', '{"missing": "interpolate"}') AS m_naive
FROM fp_sales GROUP BY k;
CREATE TABLE fp_parallel AS
SELECT k, forecastin.fit(d, y, 'ses') AS m_ses, forecastin.fit(d, y, 'naive', '{"missing": "interpolate"}') AS m_naive
FROM fp_sales GROUP BY k;
-- the same models: same text, same forecasts
SELECT s.k, s.m_ses::text = p.m_ses::text AS ses_same, s.m_naive::text = p.m_naive::text AS naive_same,
       (SELECT count(*) FROM forecastin.forecast(s.m_ses, 28, 0.9, NULL::date) a
        FULL JOIN forecastin.forecast(p.m_ses, 28, 0.9, NULL::date) b USING (step)
        WHERE (a.t, a.yhat, a.lo, a.hi) IS DISTINCT FROM (b.t, b.yhat, b.lo, b.hi)) AS differing
FROM fp_serial s JOIN fp_parallel p USING (k) ORDER BY s.k;
SELECT k, forecastin.model_info(m_naive)->>'n' AS n, forecastin.model_info(m_naive)->>'n_missing' AS n_missing
FROM fp_parallel ORDER BY k;

-- one series, no GROUP BY
EXPLAIN (COSTS OFF) SELECT forecastin.fit(d, y, 'ses') FROM fp_sales WHERE k = 1;
SELECT forecastin.fit(d, y, 'ses')::text = (SELECT m_ses::text FROM fp_serial WHERE k = 1) AS same
FROM fp_sales WHERE k = 1;

-- errors found in a worker's rows or only when states are combined
-- (no CONTEXT lines: whether a worker or the leader saw the row varies)
\set SHOW_CONTEXT never
SELECT forecastin.fit(d, y) FROM (SELECT d, y FROM fp_sales WHERE k = 1 UNION ALL SELECT date '2020-06-01', 1) q;
SELECT forecastin.fit(d, CASE WHEN d = date '2022-01-01' THEN 'NaN' ELSE y END) FROM fp_sales WHERE k = 2;
\set SHOW_CONTEXT errors
-- fallbacks of a parallel plan are reported once, for all groups
-- (10 days are too few for a weekly season: holt instead)
SELECT count(m) FROM (SELECT k, forecastin.fit(d, y, 'hw', '{"period": 7}') AS m
                      FROM fp_sales WHERE d < date '2020-01-12' GROUP BY k) q;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- the transition state: an aggregate that stops before the final function
CREATE AGGREGATE fp_state(date, float8, text, jsonb) (
  SFUNC = forecastin.fit_sfunc, STYPE = forecastin.fit_state, COMBINEFUNC = forecastin.fit_combine);
CREATE TABLE fp_states AS
SELECT k, fp_state(d, y, 'naive', '{"missing": "interpolate"}') AS s FROM fp_sales GROUP BY k;
-- fit_final() of the state is the model; text and binary forms round-trip
SELECT st.k, forecastin.fit_final(st.s)::text = p.m_naive::text AS final_same,
       forecastin.fit_final(st.s::text::forecastin.fit_state)::text = p.m_naive::text AS text_round_trip,
       st.s::text = '\x' || encode(forecastin.fit_state_send(st.s), 'hex') AS text_is_hex_of_binary
FROM fp_states st JOIN fp_parallel p USING (k) ORDER BY st.k;
-- a small state, readable: version 3, date time, method naive, options, then (t, y) pairs
SELECT fp_state(d, y, 'naive', '{"period": 7}') FROM (VALUES (date '2000-01-02', 1.5::float8), ('2000-01-01', NULL)) v(d, y);
-- binary: COPY (FORMAT binary) a state to a file and back
SELECT '/tmp/forecastin_fit_parallel_' || pg_backend_pid() || '.bin' AS fp_file \gset
SET fp.file = :'fp_file';
CREATE TABLE fp_states_back (LIKE fp_states);
DO $$ BEGIN
  EXECUTE format('COPY fp_states TO %L (FORMAT binary)', current_setting('fp.file'));
  EXECUTE format('COPY fp_states_back FROM %L (FORMAT binary)', current_setting('fp.file'));
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null; rm -f ' || current_setting('fp.file'));
END $$;
RESET fp.file;
SELECT a.k, a.s::text = b.s::text AS same FROM fp_states a JOIN fp_states_back b USING (k) ORDER BY a.k;
-- fit_final of no state is no model
SELECT forecastin.fit_final(NULL) IS NULL AS no_model;

-- the transition and combine functions only work inside an aggregate
SELECT forecastin.fit_sfunc(NULL, 1::bigint, 1.0::float8);
SELECT forecastin.fit_sfunc(NULL, date '2024-01-01', 1.0::float8, 'naive', '{}');
SELECT forecastin.fit_combine(NULL, NULL);
SELECT forecastin.fit_combine(s, s) FROM fp_states WHERE k = 1;

DROP AGGREGATE fp_state(date, float8, text, jsonb);
DROP TABLE fp_sales, fp_serial, fp_parallel, fp_states, fp_states_back;
RESET DateStyle;
