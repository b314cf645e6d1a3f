-- test/data/retail_sample.sql: a deterministic retail demand sample for forecastin.
--
--   psql -X -v ON_ERROR_STOP=1 -f test/data/retail_sample.sql
--
-- Creates (dropping them first if they exist) four tables in the current schema
-- and fills them with the same rows on every run: no random(); all "noise" is
-- derived from md5() of the row key, so a checksum of the table never changes.
-- Needs the ltree extension (CREATE EXTENSION forecastin CASCADE brings it; this
-- script creates it if it is missing).  Runs in about 0.3 s.
--
-- locations(location, path ltree, scale)        5 stores in an ltree hierarchy
--     delhi     india.north.delhi      scale 1.3
--     jaipur    india.north.jaipur     scale 0.7
--     mumbai    india.west.mumbai      scale 1.5
--     pune      india.west.pune        scale 0.8
--     bengaluru india.south.bengaluru  scale 1.2
--   `scale` multiplies the base demand of every SKU sold there.
--
-- products(sku, category, pattern)               9 SKUs
--     RICE-5KG     grocery        growing trend (+80 % over two years), weekend peak
--     SOAP-4PK     personal_care  flat, mild weekly pattern
--     ICECREAM-1L  frozen         yearly summer peak (mid May), strong weekend peak
--     PHONE-A12    electronics    declining (old model, -70 % over two years), Sat/Sun peak,
--                                 Diwali / Black Friday / Christmas uplift
--     TV-43IN      electronics    flat, low volume, strongest weekend peak, big festival uplift
--     SWEETS-1KG   sweets         flat, very large Diwali spike, Holi spike, lull after Diwali
--     DIYA-12      festive        intermittent: ~5 % of days sell 1-4 units, except the two
--                                 weeks before Diwali when it sells almost daily and a lot
--     BELT-V42     spare_part     intermittent slow mover: ~6 % of days sell 1-3 units
--     COLA-ZERO-1L beverages      brand new: launched 2024-12-22 in delhi (10 days of
--                                 history) and 2024-12-27 in mumbai (5 days) -> fallback demo
--
-- festivals(name, day)  Holi, Diwali, Black Friday, Christmas of 2023 and 2024.
--   Uplift is multiplicative and ramps up quadratically over the days before the
--   festival (Diwali 14 days, Christmas 10, Holi 5); Black Friday lifts the Friday
--   itself and the 3 days after it (to Cyber Monday); after Diwali sweets and diyas
--   have a 2-day lull.  How much a store feels a festival depends on the region
--   (Diwali and Holi stronger in the north, Christmas stronger in mumbai/bengaluru,
--   Black Friday stronger in the metros).
--
-- sales(sku, location, day, qty)                 one row per series and day
--   Days 2023-01-01 .. 2024-12-31 (731 days); 8 SKUs x 5 stores = 40 full series
--   plus the two short COLA-ZERO-1L series: 29,178 rows.  Days without sales are
--   rows with qty = 0.  qty is a whole number of units:
--     round(mu + z * sqrt(mu + (cv*mu)^2)), at least 0,
--   mu = base * store scale * weekday factor * trend * yearly * festival factor,
--   z  = approximately standard normal (sum of 4 uniforms from the md5 of the key).
--   Deliberate data-quality problems, to show forecastin's "missing" option:
--     * pune was closed 2024-06-10 .. 2024-06-16 (renovation): those 7 days have
--       NO rows for any pune SKU (gaps in 8 series);
--     * the jaipur SOAP-4PK feed dropped ~3 % of its days: rows absent, scattered;
--     * mumbai RICE-5KG had a till outage 2024-09-02 .. 2024-09-04: the rows exist
--       but qty IS NULL (quantity unknown, not zero).
--
-- Check (same on every run on x86-64 Linux, glibc libm):
--   SELECT count(*), md5(string_agg(format('%s|%s|%s|%s', sku, location, day, qty),
--                                   ',' ORDER BY sku, location, day)) FROM sales;
--   -> 29178 | f2751e8758e96cf979fde99d839a52ee

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ltree;
DROP TABLE IF EXISTS sales, products, locations, festivals;
RESET client_min_messages;

CREATE TABLE locations (
	location	text PRIMARY KEY,
	path		ltree NOT NULL UNIQUE,
	scale		float8 NOT NULL
);
INSERT INTO locations VALUES
	('delhi',     'india.north.delhi',     1.3),
	('jaipur',    'india.north.jaipur',    0.7),
	('mumbai',    'india.west.mumbai',     1.5),
	('pune',      'india.west.pune',       0.8),
	('bengaluru', 'india.south.bengaluru', 1.2);

CREATE TABLE products (
	sku			text PRIMARY KEY,
	category	text NOT NULL,
	pattern		text NOT NULL
);
INSERT INTO products VALUES
	('RICE-5KG',     'grocery',       'growing trend, weekend peak'),
	('SOAP-4PK',     'personal_care', 'flat, mild weekly'),
	('ICECREAM-1L',  'frozen',        'summer peak, weekend peak'),
	('PHONE-A12',    'electronics',   'declining, festivals'),
	('TV-43IN',      'electronics',   'flat, low volume, weekends, festivals'),
	('SWEETS-1KG',   'sweets',        'Diwali and Holi spikes'),
	('DIYA-12',      'festive',       'intermittent, Diwali burst'),
	('BELT-V42',     'spare_part',    'intermittent slow mover'),
	('COLA-ZERO-1L', 'beverages',     'new launch, few days of history');

CREATE TABLE festivals (
	name		text NOT NULL,
	day			date PRIMARY KEY
);
INSERT INTO festivals VALUES
	('holi',         '2023-03-08'), ('holi',         '2024-03-25'),
	('diwali',       '2023-11-12'), ('diwali',       '2024-11-01'),
	('black_friday', '2023-11-24'), ('black_friday', '2024-11-29'),
	('christmas',    '2023-12-25'), ('christmas',    '2024-12-25');

CREATE TABLE sales (
	sku			text NOT NULL,
	location	text NOT NULL,
	day			date NOT NULL,
	qty			float8,
	PRIMARY KEY (sku, location, day)
);

ANALYZE locations, products, festivals;	-- so the planner knows they are tiny

INSERT INTO sales (sku, location, day, qty)
WITH
-- per-SKU shape.  wk = weekday factors Mon..Sun; trend: g = linear growth over
-- the two years, d = exponential decay rate over the two years; yr = amplitude of
-- a yearly cosine peaking mid May; p0/s0 for intermittent SKUs: probability of a
-- sale on an ordinary day and typical size.
prod(sku, base, wk, g, d, yr, cv, intermittent, p0, s0) AS (
	VALUES
	('RICE-5KG',     40.0::float8, '{0.85,0.90,0.90,0.95,1.05,1.30,1.40}'::float8[], 0.8::float8, 0.0::float8, 0.0::float8, 0.12::float8, false, 0.0::float8, 0.0::float8),
	('SOAP-4PK',     25.0, '{0.95,0.95,0.95,1.00,1.00,1.10,1.15}',           0.0, 0.0, 0.0, 0.15, false, 0.0,  0.0),
	('ICECREAM-1L',  30.0, '{0.80,0.80,0.85,0.90,1.10,1.50,1.60}',           0.0, 0.0, 0.6, 0.18, false, 0.0,  0.0),
	('PHONE-A12',     8.0, '{0.70,0.70,0.75,0.80,1.00,1.70,1.90}',           0.0, 1.2, 0.0, 0.25, false, 0.0,  0.0),
	('TV-43IN',       4.0, '{0.60,0.60,0.65,0.70,1.00,1.90,2.20}',           0.0, 0.0, 0.0, 0.25, false, 0.0,  0.0),
	('SWEETS-1KG',   15.0, '{0.90,0.90,0.90,0.95,1.10,1.30,1.25}',           0.0, 0.0, 0.0, 0.15, false, 0.0,  0.0),
	('DIYA-12',       0.0, '{1,1,1,1,1,1,1}',                                0.0, 0.0, 0.0, 0.0,  true,  0.05, 3.0),
	('BELT-V42',      0.0, '{1,1,1,1,1,1,1}',                                0.0, 0.0, 0.0, 0.0,  true,  0.06, 2.0),
	('COLA-ZERO-1L', 20.0, '{0.90,0.90,0.90,0.95,1.10,1.40,1.50}',           0.0, 0.0, 0.0, 0.15, false, 0.0,  0.0)
),
-- where and since when each SKU is sold: everywhere from the start, except the
-- new launch (delhi from 2024-12-22, mumbai from 2024-12-27)
listing(sku, location, first_day) AS (
	SELECT p.sku, l.location, date '2023-01-01'
	FROM prod p CROSS JOIN locations l
	WHERE p.sku <> 'COLA-ZERO-1L'
	UNION ALL
	VALUES ('COLA-ZERO-1L', 'delhi', date '2024-12-22'),
		   ('COLA-ZERO-1L', 'mumbai', date '2024-12-27')
),
-- festival effect per category: amp = peak uplift (x store weight), lead = days of
-- ramp-up before the day, post = days after it, post_mult = factor on those days
eff(festival, category, amp, lead, post, post_mult) AS (
	VALUES
	('diwali',       'grocery',        0.6::float8, 14, 0, 1.0::float8),
	('diwali',       'personal_care',  0.4, 14, 0, 1.0),
	('diwali',       'electronics',    1.5, 14, 0, 1.0),
	('diwali',       'sweets',         4.0, 14, 2, 0.5),
	('diwali',       'festive',       40.0, 14, 2, 0.3),
	('holi',         'grocery',        0.2,  5, 0, 1.0),
	('holi',         'frozen',         0.3,  5, 0, 1.0),
	('holi',         'sweets',         1.5,  5, 1, 0.7),
	('black_friday', 'electronics',    1.5,  1, 3, 1.8),
	('black_friday', 'personal_care',  0.2,  1, 3, 1.1),
	('christmas',    'grocery',        0.1, 10, 0, 1.0),
	('christmas',    'personal_care',  0.2, 10, 0, 1.0),
	('christmas',    'frozen',         0.1, 10, 0, 1.0),
	('christmas',    'electronics',    0.8, 10, 0, 1.0),
	('christmas',    'sweets',         0.3, 10, 0, 1.0)
),
-- how strongly each store feels a festival (1 when not listed)
locw(location, festival, w) AS (
	VALUES
	('delhi', 'diwali', 1.2::float8), ('jaipur', 'diwali', 1.3), ('bengaluru', 'diwali', 0.8),
	('delhi', 'holi', 1.3), ('jaipur', 'holi', 1.4), ('bengaluru', 'holi', 0.5),
	('mumbai', 'christmas', 1.3), ('bengaluru', 'christmas', 1.5),
	('delhi', 'christmas', 0.6), ('jaipur', 'christmas', 0.5),
	('delhi', 'black_friday', 1.2), ('mumbai', 'black_friday', 1.3),
	('bengaluru', 'black_friday', 1.3), ('jaipur', 'black_friday', 0.6),
	('pune', 'black_friday', 0.8)
),
days AS (
	SELECT d::date AS day,
		   (d::date - date '2023-01-01') AS i,
		   extract(isodow FROM d)::int AS dow,
		   extract(doy FROM d)::int AS doy
	FROM generate_series(date '2023-01-01', date '2024-12-31', interval '1 day') AS d
),
-- product of all festival factors per (day, category, location); only days
-- inside some festival window appear here
fx AS (
	SELECT dd.day, e.category, l.location,
		   exp(sum(ln(CASE WHEN f.day - dd.day >= 0
						   THEN 1 + e.amp * coalesce(w.w, 1)
									* ((e.lead - (f.day - dd.day))::float8 / e.lead) ^ 2
						   ELSE e.post_mult END))) AS fmult
	FROM festivals f
	JOIN eff e ON e.festival = f.name
	JOIN days dd ON dd.day BETWEEN f.day - (e.lead - 1) AND f.day + e.post
	CROSS JOIN locations l
	LEFT JOIN locw w ON w.location = l.location AND w.festival = f.name
	GROUP BY dd.day, e.category, l.location
),
grid AS (
	SELECT p.sku, pr.category, l.location, dd.day, dd.i, dd.doy,
		   p.base * l.scale * p.wk[dd.dow]
			 * (1 + p.g * dd.i / 730)
			 * exp(-p.d * dd.i / 730)
			 * (1 + p.yr * cos(2 * pi() * (dd.doy - 135) / 365.25))
			 * coalesce(fx.fmult, 1) AS mu,
		   coalesce(fx.fmult, 1) AS fmult,
		   p.cv, p.intermittent, p.p0, p.s0, l.scale,
		   md5(p.sku || '|' || l.location || '|' || dd.day::text) AS h
	FROM prod p
	JOIN products pr USING (sku)
	JOIN listing li USING (sku)
	JOIN locations l USING (location)
	JOIN days dd ON dd.day >= li.first_day
	LEFT JOIN fx ON fx.day = dd.day AND fx.category = pr.category AND fx.location = l.location
),
u AS (
	-- four independent uniforms in [0,1) from the 28-bit chunks of the md5
	SELECT g.*,
		   ('x' || substr(h,  1, 7))::bit(28)::int / 268435456.0::float8 AS u1,
		   ('x' || substr(h,  9, 7))::bit(28)::int / 268435456.0::float8 AS u2,
		   ('x' || substr(h, 17, 7))::bit(28)::int / 268435456.0::float8 AS u3,
		   ('x' || substr(h, 25, 7))::bit(28)::int / 268435456.0::float8 AS u4
	FROM grid g
)
SELECT sku, location, day,
	   CASE
		 -- till outage: row present, quantity unknown
		 WHEN sku = 'RICE-5KG' AND location = 'mumbai'
			  AND day BETWEEN date '2024-09-02' AND date '2024-09-04' THEN NULL
		 WHEN intermittent THEN
			  CASE WHEN u1 < least(0.9, p0 * fmult)
				   THEN 1 + floor(u2 * s0 * sqrt(fmult) * scale)
				   ELSE 0 END
		 ELSE greatest(0, round(mu + (u1 + u2 + u3 + u4 - 2) * sqrt(3.0::float8)
										* sqrt(mu + (cv * mu) ^ 2)))
	   END::float8 AS qty
FROM u
-- gaps: rows absent
WHERE NOT (location = 'pune' AND day BETWEEN date '2024-06-10' AND date '2024-06-16')
  AND NOT (sku = 'SOAP-4PK' AND location = 'jaipur'
		   AND ('x' || substr(md5('gap|' || day::text), 1, 7))::bit(28)::int < 8053064)  -- 3 % of 2^28
ORDER BY sku, location, day;

ANALYZE sales;

COMMENT ON TABLE sales IS 'forecastin retail sample: daily units per SKU and store (test/data/retail_sample.sql)';
COMMENT ON TABLE locations IS 'forecastin retail sample: stores and their ltree region path';
COMMENT ON TABLE products IS 'forecastin retail sample: SKUs and the demand pattern built into them';
COMMENT ON TABLE festivals IS 'forecastin retail sample: festival days that drive demand spikes';
