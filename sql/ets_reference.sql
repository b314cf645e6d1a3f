--
-- ets_reference: agreement with R's forecast::ets on the reference data of
-- test/reference (made by make_ets_reference.R: classical series such as
-- AirPassengers and USAccDeaths, and M4 weekly and hourly series).
--
-- Forms our methods can fit as such: ses = ETS(A,N,N), holt = (A,A,N),
-- damped = (A,Ad,N), hw = (A,A,A), hw damped = (A,Ad,A), hw multiplicative
-- = (M,A,M) and (M,Ad,M); ets is automatic.  R's fits and ours maximise the
-- same likelihood, but optimisers can stop at different maxima, so:
--   loglik:    ours >= R's - 1% of |R's| (a larger value is a better fit)
--   forecasts: where both reach the same maximum (loglik within 0.05 and
--              every smoothing parameter within 0.02), point forecasts within
--              1% of the series' mean |y| and interval widths within 3%
--   auto:      our choice's AICc <= R's choice's AICc + 1% of |R's|
-- (paths are relative to the directory make installcheck runs in)
--
CREATE TABLE er_series (series text, m int, t bigint, y float8);
CREATE TABLE er_fit (series text, m int, form text, auto int, alpha float8, beta float8, gamma float8, phi float8,
                     loglik float8, aic float8, aicc float8, bic float8, sigma2 float8, mse float8, npar int);
CREATE TABLE er_fc (series text, form text, step int, mean float8, lo95 float8, hi95 float8);
\copy er_series FROM 'test/reference/ets_series.csv' (FORMAT csv, HEADER, NULL 'NA')
\copy er_fit FROM 'test/reference/ets_reference.csv' (FORMAT csv, HEADER, NULL 'NA')
\copy er_fc FROM 'test/reference/ets_forecasts.csv' (FORMAT csv, HEADER, NULL 'NA')
SELECT count(DISTINCT series) AS series, count(*) AS points FROM er_series;

CREATE TABLE er_forms (form text PRIMARY KEY, method text, opts jsonb);
INSERT INTO er_forms VALUES
  ('ANN', 'ses', '{}'), ('AAN', 'holt', '{}'), ('AAdN', 'damped', '{}'),
  ('AAA', 'hw', '{}'), ('AAdA', 'hw', '{"damped": true}'),
  ('MAM', 'hw', '{"seasonal": "multiplicative"}'), ('MAdM', 'hw', '{"seasonal": "multiplicative", "damped": true}');

-- fit every expressible form, with R's seasonal period
CREATE TABLE er_ours AS
SELECT r.series, r.form,
       (SELECT forecastin.fit(s.t, s.y, f.method,
                              f.opts || CASE WHEN r.m > 1 THEN jsonb_build_object('period', r.m) ELSE '{}' END)
        FROM er_series s WHERE s.series = r.series) AS m
FROM er_fit r JOIN er_forms f USING (form);
CREATE TABLE er_cmp AS
SELECT o.series, o.form, r.m,
       forecastin.model_info(o.m) AS j, r.loglik AS r_loglik, r.alpha, r.beta, r.gamma, r.phi,
       (SELECT avg(abs(y)) FROM er_series s WHERE s.series = o.series) AS scale,
       x.*
FROM er_ours o JOIN er_fit r USING (series, form),
     LATERAL (SELECT count(*) AS h,
                     bool_and(f.yhat IS NOT NULL AND f.lo <= f.yhat AND f.yhat <= f.hi) AS finite,
                     max(abs(f.yhat - c.mean)) AS dmean,
                     max(abs((f.hi - f.lo) - (c.hi95 - c.lo95)) / (c.hi95 - c.lo95)) AS dwidth
              FROM forecastin.forecast(o.m, (SELECT max(step) FROM er_fc c WHERE c.series = o.series AND c.form = o.form), 0.95) f
              JOIN er_fc c ON c.series = o.series AND c.form = o.form AND c.step = f.step) x;
ALTER TABLE er_cmp ADD COLUMN same_max boolean;
UPDATE er_cmp SET same_max =
    abs((j->>'loglik')::float8 - r_loglik) < 0.05
    AND abs((j->'parameters'->>'alpha')::float8 - alpha) < 0.02
    AND (beta IS NULL OR abs((j->'parameters'->>'beta')::float8 - beta) < 0.02)
    AND (gamma IS NULL OR abs((j->'parameters'->>'gamma')::float8 - gamma) < 0.02)
    AND (phi IS NULL OR abs((j->'parameters'->>'phi')::float8 - phi) < 0.02);

-- the form fitted is the form asked for, every forecast is finite and ordered
SELECT count(*) AS fits,
       count(*) FILTER (WHERE replace(replace(replace(j->>'form', 'ETS(', ''), ',', ''), ')', '') = form) AS right_form,
       count(*) FILTER (WHERE finite) AS finite_forecasts,
       count(*) FILTER (WHERE h = CASE WHEN m > 1 THEN 2 * m ELSE 13 END) AS full_horizon
FROM er_cmp;

-- loglik: ours at least as good as R's, within 1%, per series
SELECT series, count(*) AS forms,
       count(*) FILTER (WHERE (j->>'loglik')::float8 >= r_loglik - 0.01 * abs(r_loglik)) AS loglik_ok
FROM er_cmp GROUP BY series ORDER BY series;
-- the exceptions, if any
SELECT series, form, round(r_loglik::numeric, 2) AS r_loglik, round((j->>'loglik')::numeric, 2) AS loglik
FROM er_cmp WHERE NOT ((j->>'loglik')::float8 >= r_loglik - 0.01 * abs(r_loglik)) ORDER BY 1, 2;

-- forecasts where both optimisers reach the same maximum agree with R's
SELECT count(*) FILTER (WHERE same_max) >= 10 AS enough_same_max,
       bool_and(dmean / scale < 0.01) FILTER (WHERE same_max) AS means_agree,
       bool_and(dwidth < 0.03) FILTER (WHERE same_max) AS widths_agree
FROM er_cmp;
SELECT series, form, round((dmean / scale)::numeric, 4) AS dmean, round(dwidth::numeric, 4) AS dwidth
FROM er_cmp WHERE same_max AND NOT (dmean / scale < 0.01 AND dwidth < 0.03) ORDER BY 1, 2;

-- automatic ETS: a choice at least as good as R's by AICc
CREATE TABLE er_auto AS
SELECT r.series, r.form AS r_form, r.aicc AS r_aicc,
       (SELECT forecastin.model_info(forecastin.fit(s.t, s.y, 'ets',
                CASE WHEN r.m > 1 THEN jsonb_build_object('period', r.m) ELSE '{}' END))
        FROM er_series s WHERE s.series = r.series) AS j
FROM er_fit r WHERE r.auto = 1;
SELECT series, r_form, (j->>'aicc')::float8 <= r_aicc + 0.01 * abs(r_aicc) AS aicc_ok,
       (j->>'period')::int IN (1, (SELECT DISTINCT m FROM er_series s WHERE s.series = a.series)) AS period_ok
FROM er_auto a ORDER BY series;

DROP TABLE er_series, er_fit, er_fc, er_forms, er_ours, er_cmp, er_auto;
