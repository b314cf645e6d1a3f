-- test/bench/fake_forecastin.sql: a tiny SQL stand-in for the forecastin
-- contract (naive forecasts), used ONLY to test the benchmark scripts'
-- plumbing when the real extension is not built yet:
--   FORECASTIN_BENCH_FAKE=1 test/bench/m4_ets.sh weekly
-- Its numbers are not forecastin's.
CREATE SCHEMA forecastin;
CREATE DOMAIN forecastin.model AS jsonb;

CREATE FUNCTION forecastin._acc(s float8[], t float8, y float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT s || ARRAY[t, y] $$;

CREATE FUNCTION forecastin._fin(s float8[], method text, options jsonb) RETURNS forecastin.model
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('method', 'fake-naive(' || coalesce(method, '?') || ')', 'form', 'NAIVE',
	                          'n', count(*), 'period', options->'period',
	                          't_last', max(t), 'y_last', (array_agg(y ORDER BY t DESC))[1])::forecastin.model
	FROM (SELECT s[2 * i - 1] AS t, s[2 * i] AS y FROM generate_series(1, cardinality(s) / 2) i) p
$$;
CREATE FUNCTION forecastin._fin4(s float8[], t bigint, y float8, method text, options jsonb) RETURNS forecastin.model
LANGUAGE sql IMMUTABLE AS $$ SELECT forecastin._fin(s, method, options) $$;
CREATE FUNCTION forecastin._fin2(s float8[], t bigint, y float8) RETURNS forecastin.model
LANGUAGE sql IMMUTABLE AS $$ SELECT forecastin._fin(s, 'auto', '{}') $$;
CREATE FUNCTION forecastin._fin3(s float8[], t bigint, y float8, method text) RETURNS forecastin.model
LANGUAGE sql IMMUTABLE AS $$ SELECT forecastin._fin(s, method, '{}') $$;
CREATE FUNCTION forecastin._acc4(s float8[], t bigint, y float8, method text, options jsonb) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT s || ARRAY[t::float8, y] $$;
CREATE FUNCTION forecastin._acc3(s float8[], t bigint, y float8, method text) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT s || ARRAY[t::float8, y] $$;
CREATE FUNCTION forecastin._acc2(s float8[], t bigint, y float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT s || ARRAY[t::float8, y] $$;
CREATE FUNCTION forecastin._dacc3(s float8[], t date, y float8, method text) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT s || ARRAY[(t - date '2000-01-01')::float8, y] $$;
CREATE FUNCTION forecastin._dacc2(s float8[], t date, y float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT s || ARRAY[(t - date '2000-01-01')::float8, y] $$;
CREATE FUNCTION forecastin._dfin3(s float8[], t date, y float8, method text) RETURNS forecastin.model
LANGUAGE sql IMMUTABLE AS $$ SELECT forecastin._fin(s, method, '{}') $$;
CREATE FUNCTION forecastin._dfin2(s float8[], t date, y float8) RETURNS forecastin.model
LANGUAGE sql IMMUTABLE AS $$ SELECT forecastin._fin(s, 'auto', '{}') $$;

CREATE AGGREGATE forecastin.fit(bigint, float8, text, jsonb)
	(SFUNC = forecastin._acc4, STYPE = float8[], FINALFUNC = forecastin._fin4, FINALFUNC_EXTRA, INITCOND = '{}');
CREATE AGGREGATE forecastin.fit(bigint, float8, text)
	(SFUNC = forecastin._acc3, STYPE = float8[], FINALFUNC = forecastin._fin3, FINALFUNC_EXTRA, INITCOND = '{}');
CREATE AGGREGATE forecastin.fit(bigint, float8)
	(SFUNC = forecastin._acc2, STYPE = float8[], FINALFUNC = forecastin._fin2, FINALFUNC_EXTRA, INITCOND = '{}');
CREATE AGGREGATE forecastin.fit(date, float8, text)
	(SFUNC = forecastin._dacc3, STYPE = float8[], FINALFUNC = forecastin._dfin3, FINALFUNC_EXTRA, INITCOND = '{}');
CREATE AGGREGATE forecastin.fit(date, float8)
	(SFUNC = forecastin._dacc2, STYPE = float8[], FINALFUNC = forecastin._dfin2, FINALFUNC_EXTRA, INITCOND = '{}');

CREATE FUNCTION forecastin.forecast(m forecastin.model, horizon int, level float8 DEFAULT 0.95)
RETURNS TABLE (step int, t bigint, yhat float8, lo float8, hi float8)
LANGUAGE sql IMMUTABLE AS $$
	SELECT k, (m->>'t_last')::bigint + k, (m->>'y_last')::float8, (m->>'y_last')::float8, (m->>'y_last')::float8
	FROM generate_series(1, horizon) k
$$;
CREATE FUNCTION forecastin.model_info(m forecastin.model) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$ SELECT m::jsonb - 't_last' - 'y_last' $$;
