--
-- Bad input to forecastin.reconcile() and forecastin.coherence(): every case
-- gets an ERROR with its SQLSTATE, a message saying what was wrong and, where
-- it helps, what is accepted.  err() runs a statement and shows the error.
--
CREATE FUNCTION pg_temp.err(q text)
RETURNS TABLE (sqlstate text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
DECLARE
	s text; m text; d text; h text;
BEGIN
	EXECUTE q;
	RETURN QUERY SELECT 'none'::text, 'no error'::text, ''::text, ''::text;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT,
		d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
	RETURN QUERY SELECT s, m, d, h;
END $$;

CREATE TABLE re_base (path ltree, step int, yhat float8);
INSERT INTO re_base VALUES
  ('T', 1, 10), ('T.a', 1, 4), ('T.b', 1, 5), ('T.a.x', 1, 2), ('T.a.y', 1, 2), ('T.b.z', 1, 5),
  ('T', 2, 11), ('T.a', 2, 4), ('T.b', 2, 6), ('T.a.x', 2, 2), ('T.a.y', 2, 3), ('T.b.z', 2, 6);
CREATE TABLE re_resid (path ltree, t int, resid float8);
INSERT INTO re_resid
SELECT p, t, sin(t * 1.3 + nlevel(p) * 0.7 + length(p::text))
FROM (SELECT DISTINCT path FROM re_base) b(p), generate_series(1, 10) t;

\x on

-- method and options
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'minT')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'top_down')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', NULL)$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile(NULL, 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'bu', '[1, 2]')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'bu', '{"nonneg": true}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'bu', '{"nonnegative": 1}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mo', '{"level": "2"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mo', '{"level": 1.5}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mo', '{"level": 0}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'wls_var', '{"residuals": {"q": 1}}')$$);

-- a method without the inner query or level it needs
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'wls_var')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_sample', '{"history": "SELECT 1"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'td_gsa')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mo')$$);

-- the base query: columns, types, NULLs
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step AS h, yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path::text AS path, step, yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step::float8 AS step, yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, yhat::text AS yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, CASE WHEN path = ''T.a'' THEN NULL ELSE yhat END AS yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT NULL::ltree AS path, 1 AS step, 1.0::float8 AS yhat', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, NULL::int AS step, yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step::bigint << 40 AS step, yhat FROM re_base', 'bu')$$);

-- the base query: inner query problems keep their own SQLSTATE
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELEC path, step, yhat FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM no_such_table', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('DELETE FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base; SELECT * FROM re_base', 'bu')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, 1 / (step - 2) AS yhat FROM re_base', 'bu')$$);

-- the base query: bad values
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, CASE WHEN path = ''T.b.z'' AND step = 2 THEN ''NaN'' ELSE yhat END AS yhat FROM re_base', 'ols')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, CASE WHEN path = ''T'' THEN ''-Infinity'' ELSE yhat END AS yhat FROM re_base', 'ols')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base UNION ALL SELECT ''T.a.x'', 2, 7', 'ols')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base WHERE NOT (path = ''T.a.y'' AND step = 2)', 'ols')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base UNION ALL SELECT '''', 1, 1', 'ols')$$);

-- the hierarchy: every prefix of a path must be present
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base WHERE path <> ''T.a''', 'ols')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base WHERE path <> ''T''', 'bu')$$);

-- middle-out: a level that does not exist; a leaf above the middle level
-- (the middle level would then hold paths of different depths, and that leaf
-- would be both a bottom-level series and a parent of the level)
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mo', '{"level": 4}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base UNION ALL SELECT ''T.c'', s, 1 FROM generate_series(1, 2) s', 'mo', '{"level": 3}')$$);
-- the same unbalanced tree is accepted by the other methods
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base UNION ALL SELECT ''T.c'', s, 1 FROM generate_series(1, 2) s', 'mo', '{"level": 2}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base UNION ALL SELECT ''T.c'', s, 1 FROM generate_series(1, 2) s', 'wls_struct')$$);

-- residuals: columns, types, NULLs, bad values
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT path, t AS time, resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT path, t::text AS t, resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT path, NULLIF(t, 3) AS t, resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT path, t, CASE WHEN t = 4 AND path = ''T.b'' THEN ''NaN'' ELSE resid END AS resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT * FROM re_resid UNION ALL SELECT ''T.a'', 5, 0.5"}')$$);

-- residuals: missing, unequal lengths, different time points, too few
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT * FROM re_resid WHERE path <> ''T.a.x''"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT * FROM re_resid WHERE NOT (path = ''T.b'' AND t > 8)"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'wls_var', '{"residuals": "SELECT * FROM re_resid WHERE NOT (path = ''T.b'' AND t > 8)"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_sample', '{"residuals": "SELECT path, CASE WHEN path = ''T.b.z'' THEN t + 1 ELSE t END AS t, resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'wls_var', '{"residuals": "SELECT path, CASE WHEN path = ''T.b.z'' THEN t + 1 ELSE t END AS t, resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT * FROM re_resid WHERE t = 1"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'wls_var', '{"residuals": "SELECT path, t, CASE WHEN path = ''T.a.y'' THEN 0 ELSE resid END AS resid FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'mint_shrink', '{"residuals": "SELECT path, t, CASE WHEN path = ''T.a.y'' THEN 0 ELSE resid END AS resid FROM re_resid"}')$$);
-- residuals that are exactly coherent (an aggregate's residual is the sum of
-- its children's): the sample covariance is singular although there are more
-- time points than series, so mint_sample falls back to shrinkage (a NOTICE,
-- not an error)
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM re_base WHERE nlevel(path) <= 2', 'mint_sample',
  '{"residuals": "SELECT path, t, CASE WHEN path = ''T'' THEN sin(t) + cos(t) WHEN path = ''T.a'' THEN sin(t) ELSE cos(t) END AS resid FROM generate_series(1, 6) t, unnest(ARRAY[''T'', ''T.a'', ''T.b'']::ltree[]) path"}')$$);

-- history
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'td_gsa', '{"history": "SELECT path, t, abs(resid) AS y FROM re_resid WHERE path <> ''T.a.y''"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'td_pha', '{"history": "SELECT path, t, CASE WHEN path = ''T'' THEN 0 ELSE abs(resid) END AS y FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'td_gsa', '{"history": "SELECT path, t, 0.0 AS y FROM re_resid"}')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT * FROM re_base', 'td_pha', '{"history": "SELECT path, t, resid AS value FROM re_resid"}')$$);

-- MinT refuses a system it cannot hold (8,001 aggregates), before reading residuals
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.reconcile('SELECT ''R''::ltree AS path, 1 AS step, 1.0::float8 AS yhat UNION ALL SELECT (''R.'' || i)::ltree, 1, 1 FROM generate_series(1, 8000) i UNION ALL SELECT (''R.'' || i || ''.x'')::ltree, 1, 1 FROM generate_series(1, 8000) i', 'mint_shrink', '{"residuals": "SELECT 1/0"}')$$);

-- coherence() reads its query like the base query
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.coherence('SELECT * FROM re_base WHERE path <> ''T.b''')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.coherence('SELECT path, step FROM re_base')$$);
SELECT * FROM pg_temp.err($$SELECT * FROM forecastin.coherence(NULL)$$);

\x off

-- after all of that the backend is still alive
SELECT count(*) FROM forecastin.reconcile('SELECT * FROM re_base', 'ols');

DROP TABLE re_base, re_resid;
