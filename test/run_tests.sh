#!/bin/bash
# test/run_tests.sh: the whole forecastin test suite, from nothing.
#
# As root on Debian 12: installs the packages it needs, builds and installs
# the extension, runs the kernel unit tests (no server), then the pg_regress
# suite and the TAP-style crash checks in a throwaway PostgreSQL cluster
# that is removed afterwards.  Ends with "N passed, M failed".
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

passed=0
failed=0
failures=()

count() {	# count <name> <ok?>
	if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

echo "== dependencies"
test/install_deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== build"
if ! make -s PG_CONFIG="$PG_CONFIG" >/tmp/forecastin-build.log 2>&1 || \
   ! make -s PG_CONFIG="$PG_CONFIG" install >>/tmp/forecastin-build.log 2>&1; then
	cat /tmp/forecastin-build.log
	echo "0 passed, 1 failed"
	exit 1
fi
if grep -q "warning:" /tmp/forecastin-build.log; then
	grep "warning:" /tmp/forecastin-build.log
	count "build without warnings" fail
else
	count "build without warnings" ok
fi

echo "== kernel unit tests (test/unit)"
unit_out=$(make -s -C test/unit check 2>&1)
unit_rc=$?
echo "$unit_out" | tail -15
# each unit program prints its own "[name: ]N passed, M failed" line: add them up
lines=$(echo "$unit_out" | grep -oE '(^|: )[0-9]+ passed, [0-9]+ failed$' | sed 's/^: //')
[ "$unit_rc" = 0 ] || count "unit test programs exit 0 (make check: $unit_rc)" fail
if [ -n "$lines" ]; then
	up=$(echo "$lines" | awk '{s += $1} END {print s}')
	uf=$(echo "$lines" | awk '{s += $3} END {print s}')
	passed=$((passed + up))
	failed=$((failed + uf))
	[ "$uf" = 0 ] || failures+=("unit tests: $uf")
else
	count "unit test programs ran" fail
fi

echo "== pg_regress (throwaway cluster)"
source test/pgcluster.sh
if pgc_start; then
	make -s PG_CONFIG="$PG_CONFIG" installcheck >/tmp/forecastin-regress.log 2>&1
	cat /tmp/forecastin-regress.log
	while read -r name result; do
		count "regress $name" "$result"
	done < <(sed -nE 's/^(test| ) *([a-z_0-9]+) +\.\.\. +(ok|FAILED).*/\2 \3/p; s/^[ ]*[0-9]* *([a-z_0-9]+) +\.\.\. +(ok|FAILED).*/\1 \2/p' /tmp/forecastin-regress.log | sed 's/FAILED/fail/')
	[ -f regression.diffs ] && head -200 regression.diffs

	echo "== crash safety (test/crash_check.sh)"
	if [ -x test/crash_check.sh ]; then
		crash_out=$(test/crash_check.sh 2>&1)
		echo "$crash_out"
		while read -r verdict name; do
			count "crash $name" "$verdict"
		done < <(echo "$crash_out" | sed -nE 's/^(ok|fail) (.*)/\1 \2/p')
	fi
	if grep -qE "terminated by signal|server process .* was terminated" "$PGC_DIR/server.log"; then
		grep -E "terminated by signal" "$PGC_DIR/server.log"
		count "no backend crash in server log" fail
	else
		count "no backend crash in server log" ok
	fi
	pgc_stop
else
	count "start throwaway cluster" fail
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
