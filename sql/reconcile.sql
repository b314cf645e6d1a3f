--
-- forecastin.reconcile() and forecastin.coherence()
--
-- A small hierarchy with incoherent base forecasts:
--   Total
--   Total.North -> Delhi, Jaipur
--   Total.South -> Chennai
--
SET extra_float_digits = 0;

CREATE TABLE rec_base (path ltree, step int, yhat float8);
INSERT INTO rec_base VALUES
  ('Total', 1, 200), ('Total', 2, 150),
  ('Total.North', 1, 120), ('Total.North', 2, 100),
  ('Total.South', 1, 70), ('Total.South', 2, 60),
  ('Total.North.Delhi', 1, 80), ('Total.North.Delhi', 2, 55),
  ('Total.North.Jaipur', 1, 30), ('Total.North.Jaipur', 2, 25),
  ('Total.South.Chennai', 1, 75), ('Total.South.Chennai', 2, 58);

-- in-sample residuals of every path, 12 days: deterministic pseudo-random
-- numbers in [-5, 5) from md5 for the leaves; an aggregate's residual is the
-- sum of its children's plus noise of its own (so they are correlated)
CREATE FUNCTION pg_temp.noise(p text, d int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || substr(md5(p || ':' || d), 1, 8))::bit(32)::int / 2147483648.0 * 5 $$;
CREATE TABLE rec_resid (path ltree, t date, resid float8);
INSERT INTO rec_resid
SELECT p::ltree, date '2024-01-01' + d, round(v::numeric, 3)
FROM generate_series(0, 11) d,
     LATERAL (SELECT pg_temp.noise('Total.North.Delhi', d) AS delhi,
                     pg_temp.noise('Total.North.Jaipur', d) AS jaipur,
                     pg_temp.noise('Total.South.Chennai', d) AS chennai,
                     pg_temp.noise('Total.North', d) / 2 AS north,
                     pg_temp.noise('Total.South', d) / 2 AS south,
                     pg_temp.noise('Total', d) / 2 AS total) n,
     LATERAL (VALUES ('Total.North.Delhi', delhi), ('Total.North.Jaipur', jaipur),
                     ('Total.South.Chennai', chennai), ('Total.North', delhi + jaipur + north),
                     ('Total.South', chennai + south),
                     ('Total', delhi + jaipur + north + chennai + south + total)) r(p, v);

-- history of the bottom level and the total, 4 weeks (coherent; the
-- average of the ratios differs from the ratio of the averages)
CREATE TABLE rec_hist (path ltree, t date, y float8);
INSERT INTO rec_hist VALUES
  ('Total.North.Delhi', '2024-01-01', 50), ('Total.North.Delhi', '2024-01-08', 60),
  ('Total.North.Delhi', '2024-01-15', 40), ('Total.North.Delhi', '2024-01-22', 50),
  ('Total.North.Jaipur', '2024-01-01', 20), ('Total.North.Jaipur', '2024-01-08', 20),
  ('Total.North.Jaipur', '2024-01-15', 20), ('Total.North.Jaipur', '2024-01-22', 30),
  ('Total.South.Chennai', '2024-01-01', 30), ('Total.South.Chennai', '2024-01-08', 40),
  ('Total.South.Chennai', '2024-01-15', 20), ('Total.South.Chennai', '2024-01-22', 20),
  ('Total', '2024-01-01', 100), ('Total', '2024-01-08', 120),
  ('Total', '2024-01-15', 80), ('Total', '2024-01-22', 100);

CREATE TABLE rec_methods (m text, ord int);
INSERT INTO rec_methods VALUES ('bu', 1), ('td_gsa', 2), ('td_pha', 3), ('td_fp', 4), ('mo', 5),
  ('ols', 6), ('wls_struct', 7), ('wls_var', 8), ('mint_shrink', 9), ('mint_sample', 10);

-- one options object serves every method: unused entries are ignored
CREATE TABLE rec_opts AS SELECT jsonb_build_object(
  'residuals', 'SELECT path, t, resid FROM rec_resid',
  'history', 'SELECT path, t, y FROM rec_hist',
  'level', 2) AS o;

-- every method, step 1
SELECT m.m AS method, r.path, round(r.yhat::numeric, 4) AS yhat
FROM rec_methods m, rec_opts,
     LATERAL forecastin.reconcile('SELECT path, step, yhat FROM rec_base', m.m, rec_opts.o) r
WHERE r.step = 1
ORDER BY m.ord, r.path;

-- rows come in (path, step) order
SELECT path, step, round(yhat::numeric, 4) AS yhat
FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'wls_struct');

-- the default method is mint_shrink
SELECT count(*) AS differences
FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base', options => (SELECT o FROM rec_opts)) a
JOIN forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'mint_shrink', (SELECT o FROM rec_opts)) b
  USING (path, step)
WHERE a.yhat <> b.yhat;

-- every result is coherent: each parent equals the sum of its children
SELECT m.m AS method, max(c.max_rel_gap) < 1e-12 AS coherent, sum(c.n_parents) AS parents_checked
FROM rec_methods m, rec_opts,
     LATERAL forecastin.coherence(format('SELECT * FROM forecastin.reconcile(%L, %L, %L)',
                                         'SELECT path, step, yhat FROM rec_base', m.m, rec_opts.o)) c
GROUP BY m.m, m.ord ORDER BY m.ord;

-- and so is the non-negative variant
SELECT m.m AS method, max(c.max_rel_gap) < 1e-12 AS coherent
FROM rec_methods m, rec_opts,
     LATERAL forecastin.coherence(format('SELECT * FROM forecastin.reconcile(%L, %L, %L)',
                                         'SELECT path, step, yhat FROM rec_base', m.m,
                                         rec_opts.o || '{"nonnegative": true}')) c
GROUP BY m.m, m.ord ORDER BY m.ord;

-- coherence of the base forecasts themselves
SELECT step, n_parents, round(max_rel_gap::numeric, 6) AS max_rel_gap,
       round(mean_rel_gap::numeric, 6) AS mean_rel_gap, max_abs_gap, worst_path
FROM forecastin.coherence('SELECT path, step, yhat FROM rec_base');

-- bottom-up equals the sum of the leaves
SELECT r.path, r.yhat, s.leaf_sum
FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base WHERE step = 1', 'bu') r,
     LATERAL (SELECT sum(b.yhat) AS leaf_sum FROM rec_base b
              WHERE b.step = 1 AND b.path <@ r.path
                AND NOT EXISTS (SELECT 1 FROM rec_base c WHERE c.path ~ (b.path::text || '.*{1}')::lquery)) s;

-- closed forms on one parent with two children, gap d = 100 - 30 - 50 = 20:
-- OLS moves every series by d/3; WLS structural (W = diag(2,1,1)) moves the
-- parent by -d/2 and each child by d/4; td_fp splits 100 as 30:50
CREATE TABLE rec_small (path ltree, step int, yhat float8);
INSERT INTO rec_small VALUES ('P', 1, 100), ('P.a', 1, 30), ('P.b', 1, 50);
SELECT 'ols' AS method, path, round(yhat::numeric, 6) AS yhat
FROM forecastin.reconcile('SELECT * FROM rec_small', 'ols')
UNION ALL
SELECT 'wls_struct', path, round(yhat::numeric, 6)
FROM forecastin.reconcile('SELECT * FROM rec_small', 'wls_struct')
UNION ALL
SELECT 'td_fp', path, round(yhat::numeric, 6)
FROM forecastin.reconcile('SELECT * FROM rec_small', 'td_fp');

-- non-negative: OLS of (10; 30, -50) would give b = -40; with b >= 0 the
-- optimum is a = P = 20, b = 0
SELECT path, round(yhat::numeric, 6) AS yhat
FROM forecastin.reconcile($$SELECT 'P'::ltree AS path, 1 AS step, 10::float8 AS yhat
                            UNION ALL SELECT 'P.a', 1, 30 UNION ALL SELECT 'P.b', 1, -50$$,
                          'ols', '{"nonnegative": true}');

-- MinT on the hierarchy with a very negative base forecast for Jaipur:
-- unconstrained, then non-negative (Jaipur held at zero)
SELECT u.path, round(u.yhat::numeric, 4) AS unconstrained, round(n.yhat::numeric, 4) AS nonnegative
FROM forecastin.reconcile($$SELECT path, step, CASE WHEN path = 'Total.North.Jaipur' THEN -150 ELSE yhat END AS yhat
                            FROM rec_base$$, 'mint_shrink',
                          '{"residuals": "SELECT path, t, resid FROM rec_resid"}') u
JOIN forecastin.reconcile($$SELECT path, step, CASE WHEN path = 'Total.North.Jaipur' THEN -150 ELSE yhat END AS yhat
                            FROM rec_base$$, 'mint_shrink',
                          '{"residuals": "SELECT path, t, resid FROM rec_resid", "nonnegative": true}') n
  USING (path, step)
WHERE step = 1;

-- the time column of residuals may be bigint, integer, date, timestamp or
-- timestamptz; the numbers any numeric type: same results
SELECT k AS t_type, count(*) FILTER (WHERE abs(a.yhat - b.yhat) > 1e-9) AS differences
FROM unnest(ARRAY['bigint', 'integer', 'timestamp', 'timestamptz', 'numeric resid']) k,
     LATERAL forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'mint_shrink',
       jsonb_build_object('residuals', CASE k
         WHEN 'bigint' THEN 'SELECT path, (t - date ''2024-01-01'')::bigint AS t, resid FROM rec_resid'
         WHEN 'integer' THEN 'SELECT path, t - date ''2024-01-01'' AS t, resid FROM rec_resid'
         WHEN 'timestamp' THEN 'SELECT path, t::timestamp AS t, resid FROM rec_resid'
         WHEN 'timestamptz' THEN 'SELECT path, t::timestamptz AS t, resid FROM rec_resid'
         ELSE 'SELECT path, t, resid::numeric AS resid FROM rec_resid' END)) a
     JOIN forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'mint_shrink',
       '{"residuals": "SELECT path, t, resid FROM rec_resid"}') b USING (path, step)
GROUP BY k ORDER BY k;

-- more series than residuals: the sample covariance is singular, so
-- mint_sample falls back to shrinkage (with a NOTICE) and equals mint_shrink
SELECT count(*) FILTER (WHERE abs(a.yhat - b.yhat) > 1e-9) AS differences
FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'mint_sample',
       '{"residuals": "SELECT path, t, resid FROM rec_resid WHERE t < ''2024-01-05''"}') a
JOIN forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'mint_shrink',
       '{"residuals": "SELECT path, t, resid FROM rec_resid WHERE t < ''2024-01-05''"}') b
  USING (path, step);

-- an unbalanced forest: two roots, leaves at depths 1, 2 and 3; every
-- leaf is a bottom-level series
SELECT path, round(yhat::numeric, 4) AS yhat
FROM forecastin.reconcile($$SELECT * FROM (VALUES ('A'::ltree, 1, 10::float8), ('A.x', 1, 4), ('A.y', 1, 3),
                                   ('A.y.1', 1, 2), ('A.y.2', 1, 2), ('B', 1, 7)) v(path, step, yhat)$$, 'ols');

-- middle-out at level 1 is td_fp (level 2 is rejected for this tree, because
-- B is a leaf above that level: see reconcile_errors)
SELECT path, round(yhat::numeric, 4) AS yhat
FROM forecastin.reconcile($$SELECT * FROM (VALUES ('A'::ltree, 1, 10::float8), ('A.x', 1, 4), ('A.y', 1, 3),
                                   ('A.y.1', 1, 2), ('A.y.2', 1, 2), ('B', 1, 7)) v(path, step, yhat)$$,
                          'mo', '{"level": 1}');

-- history may leave out the total: it is then the sum of the leaves
SELECT count(*) FILTER (WHERE abs(a.yhat - b.yhat) > 1e-9) AS differences
FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'td_pha',
       '{"history": "SELECT path, t, y FROM rec_hist WHERE path <> ''Total''"}') a
JOIN forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'td_pha',
       '{"history": "SELECT path, t, y FROM rec_hist"}') b USING (path, step);

-- the input may be unsorted, columns in any order and with extra columns,
-- the path a domain over ltree; methods are case-insensitive
CREATE DOMAIN rec_path AS ltree;
SELECT path, step, round(yhat::numeric, 4) AS yhat
FROM forecastin.reconcile('SELECT yhat, 42 AS extra, step, path::rec_path AS path FROM rec_base ORDER BY random()',
                          'BU') WHERE step = 2;

-- row order of the inner queries does not matter
SELECT count(*) FILTER (WHERE abs(a.yhat - b.yhat) > 1e-9) AS differences
FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base ORDER BY step DESC, path DESC', 'mint_shrink',
       '{"residuals": "SELECT path, t, resid FROM rec_resid ORDER BY t DESC, path"}') a
JOIN forecastin.reconcile('SELECT path, step, yhat FROM rec_base ORDER BY path, step', 'mint_shrink',
       '{"residuals": "SELECT path, t, resid FROM rec_resid ORDER BY path, t"}') b USING (path, step);

-- steps need not be contiguous nor positive; rows come in step order
SELECT path, step, yhat
FROM forecastin.reconcile($$SELECT * FROM (VALUES ('a'::ltree, 2000, 1.0::float8), ('a', -5, 2), ('a', 7, 3),
                                   ('a.b', 7, 1), ('a.b', -5, 1), ('a.b', 2000, 1)) v(path, step, yhat)$$, 'bu');

-- an empty base query gives no rows (the other inner queries are not run)
SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base WHERE false', 'ols');
SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base WHERE false', 'mint_shrink',
                                   '{"residuals": "SELECT 1/0"}');
SELECT * FROM forecastin.coherence('SELECT path, step, yhat FROM rec_base WHERE false');

-- the inner query runs with the caller's rights
CREATE ROLE regress_rec_reader;
GRANT USAGE ON SCHEMA forecastin TO regress_rec_reader;
SET ROLE regress_rec_reader;
SELECT * FROM forecastin.reconcile('SELECT path, step, yhat FROM rec_base', 'bu');
RESET ROLE;
REVOKE USAGE ON SCHEMA forecastin FROM regress_rec_reader;
DROP ROLE regress_rec_reader;

DROP TABLE rec_base, rec_resid, rec_hist, rec_methods, rec_opts, rec_small;
DROP DOMAIN rec_path;
