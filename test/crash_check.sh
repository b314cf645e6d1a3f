#!/bin/bash
# test/crash_check.sh: the server must survive anything users can send.
#
# Runs against the cluster in PGHOST/PGPORT (test/run_tests.sh starts one).
# A bystander session sleeps while another session throws bad input,
# mutated model text and a cancelled long fit at the extension; a backend
# crash would kill the bystander and restart the postmaster.  Prints one
# "ok <name>" or "fail <name>" line per check.
set -uo pipefail

DB=forecastin_crash
PSQL="psql -X -q -v ON_ERROR_STOP=0 -d $DB"
report() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "fail $1"; fi; }

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
psql -X -q -d $DB -c "CREATE EXTENSION forecastin CASCADE" >/dev/null 2>&1
start_time=$(psql -X -At -d $DB -c "SELECT pg_postmaster_start_time()")

# bystander: must finish its sleep and print 'alive'
psql -X -At -d $DB -c "SELECT pg_sleep(6), 'alive'" >/tmp/forecastin-bystander.out 2>&1 &
bystander=$!
sleep 0.5

# 1. bad input battery (errors expected, crashes not)
$PSQL >/tmp/forecastin-crash1.out 2>&1 <<'SQL'
SELECT forecastin.fit(t, y) FROM (VALUES (NULL::bigint, 1.0::float8)) v(t, y);
SELECT forecastin.fit(t, y) FROM (VALUES (1::bigint, 'NaN'::float8)) v(t, y);
SELECT forecastin.fit(t, y) FROM (VALUES (1::bigint, 1.0::float8), (1, 2)) v(t, y);
SELECT forecastin.fit(t, y, 'nope') FROM (VALUES (1::bigint, 1.0::float8)) v(t, y);
SELECT forecastin.fit(t, y, 'ets', '{"period": 0}') FROM (VALUES (1::bigint, 1.0::float8)) v(t, y);
SELECT forecastin.fit(t, y, 'ets', '[1,2]') FROM (VALUES (1::bigint, 1.0::float8)) v(t, y);
SELECT forecastin.fit(t::bigint * 1000003, y) FROM (VALUES (1, 1.0::float8), (2, 2), (7, 3)) v(t, y);
SELECT forecastin.fit(t::bigint, 0.0::float8, m) FROM generate_series(1, 30) t,
  unnest(ARRAY['ets','hw','holt','damped','ses','snaive','drift','mean','naive']) m GROUP BY m;
SELECT forecastin.fit(t::bigint, 1e300 * (t % 3), 'ets') FROM generate_series(1, 50) t;
SELECT forecastin.fit(t::bigint, -1e300 + t, 'hw', '{"period": 4, "seasonal": "multiplicative"}') FROM generate_series(1, 50) t;
SELECT forecastin.fit(t::bigint, 1e-300 * t, 'ets', '{"period": 12}') FROM generate_series(1, 50) t;
SELECT forecastin.fit(t::bigint, CASE WHEN t = 25 THEN 1e6 ELSE 1 END, 'ets', '{"period": 24}') FROM generate_series(1, 100) t;
SELECT * FROM forecastin.forecast((SELECT forecastin.fit(t::bigint, t::float8) FROM generate_series(1, 20) t), 0);
SELECT * FROM forecastin.forecast((SELECT forecastin.fit(d::date, 1.0::float8) FROM generate_series('5874890-01-01'::date, '5874897-12-31'::date, '1 day') d), 100);
SELECT 'garbage'::forecastin.model;
SELECT '{"version": 1}'::forecastin.model;
SELECT '\x0102'::forecastin.fit_state;
SELECT '\x'::forecastin.fit_state;
SQL
report "bad input battery ran" $?

# 2. mutated model texts: flip, drop and duplicate characters of valid models
$PSQL >/tmp/forecastin-crash2.out 2>&1 <<'SQL'
CREATE TABLE good AS
SELECT m::text AS txt FROM (
  SELECT forecastin.fit(t::bigint, 10 + sin(t) + t * 0.1, meth, '{"period": 4}') AS m
  FROM generate_series(1, 40) t, unnest(ARRAY['ets','hw','snaive','drift','mean','naive','damped',
                                                'arima','theta','sba','ensemble','mstl','auto','knn']) meth
  GROUP BY meth
  UNION ALL   -- mstl on sqrt(y): transform code 2 in its states
  SELECT forecastin.fit(t::bigint, 10 + sin(t) + t * 0.1, 'mstl', '{"period": 4, "transform": "sqrt"}')
  FROM generate_series(1, 40) t
  UNION ALL   -- ets with Akaike weights: an ensemble whose states carry the weights
  SELECT forecastin.fit(t::bigint, 10 + sin(t) + t * 0.1, 'ets', '{"period": 4, "combine": "aicc"}')
  FROM generate_series(1, 40) t) s;
DO $$
DECLARE
  src text; mut text; i int; pos int; ok int := 0; bad int := 0;
BEGIN
  PERFORM setseed(0.42);
  FOR i IN 1..5000 LOOP
    SELECT txt INTO src FROM good ORDER BY random() LIMIT 1;
    pos := 1 + floor(random() * length(src))::int;
    mut := CASE floor(random() * 4)::int
      WHEN 0 THEN overlay(src placing substr('0123456789-e.,:[]{}"x', 1 + floor(random() * 21)::int, 1) from pos for 1)
      WHEN 1 THEN overlay(src placing '' from pos for 1 + floor(random() * 5)::int)
      WHEN 2 THEN left(src, pos)
      ELSE overlay(src placing '9999999999' from pos for 1) END;
    BEGIN
      PERFORM * FROM forecastin.forecast(mut::forecastin.model, 30);
      PERFORM forecastin.model_info(mut::forecastin.model);
      ok := ok + 1;
    EXCEPTION WHEN OTHERS THEN
      bad := bad + 1;
    END;
  END LOOP;
  RAISE NOTICE 'mutations accepted %, rejected %', ok, bad;
END $$;
SQL
report "5000 mutated model texts (composite models included)" $?

# 3. cancel: statement_timeout must interrupt a long fit (CHECK_FOR_INTERRUPTS)
out=$($PSQL -c "SET statement_timeout = '300ms'" \
	-c "SELECT count(m) FROM (SELECT forecastin.fit(t::bigint, sin(t * 0.3) * 10 + s + random(), 'ets', '{\"period\": 24}') m
	    FROM generate_series(1, 2000) s, generate_series(1, 500) t GROUP BY s) x" 2>&1)
echo "$out" | grep -q "canceling statement due to statement timeout"
report "statement_timeout cancels a long fit" $?

# 3b. cancel within a single likelihood evaluation: seasonal ARIMA with a
# period of 2000 on 200,000 points (each pass of the Kalman filter is
# O(n r), r = 2001).  Before the filter polled every 4096 steps the cancel
# came after 1.2-1.3 s (one pass); now after about 0.35 s
t0=$(date +%s%N)
out=$(timeout 120 $PSQL -c "SET statement_timeout = '300ms'" \
	-c "SELECT forecastin.fit(t::bigint, sin(t * 0.01) + (t % 2000) * 0.001 + random(), 'arima',
	      '{\"period\": 2000, \"order\": [1, 0, 0], \"seasonal_order\": [1, 0, 0]}') IS NULL
	    FROM generate_series(1, 200000) t" 2>&1)
ms=$((($(date +%s%N) - t0) / 1000000))
echo "$out" | grep -q "canceling statement due to statement timeout" && [ "$ms" -lt 1000 ]
report "statement_timeout cancels a long ARIMA fit within 1 s (took ${ms} ms)" $?

# 4. cancel: a long forecast (the multiplicative-season variance is O(h^2))
out=$(timeout 120 $PSQL -c "SET forecastin.max_horizon = 10000000" -c "SET statement_timeout = '500ms'" \
	-c "SELECT count(*) FROM forecastin.forecast((SELECT forecastin.fit(t::bigint, 100 + 20 * sin(t * 0.5236) + t,
	      'hw', '{\"period\": 12, \"seasonal\": \"multiplicative\"}') FROM generate_series(1, 120) t), 3000000)" 2>&1)
echo "$out" | grep -q "canceling statement due to statement timeout"
report "statement_timeout cancels a long forecast" $?

wait $bystander
grep -q alive /tmp/forecastin-bystander.out
report "bystander session survived" $?

now=$(psql -X -At -d $DB -c "SELECT pg_postmaster_start_time()" 2>/dev/null)
[ "$now" = "$start_time" ]
report "postmaster was not restarted" $?

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
exit 0
