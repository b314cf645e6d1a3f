#!/bin/bash
# test/install_deps.sh: install the Debian 12 packages forecastin needs to
# build and test.  Safe to re-run; skips apt when everything is present.
#   test/install_deps.sh            build + test dependencies
#   test/install_deps.sh --bench    also R forecast (reference and benchmarks)
set -euo pipefail

pkgs="postgresql-15 postgresql-server-dev-15 libgsl-dev make gcc"
if [ "${1:-}" = "--bench" ]; then
	pkgs="$pkgs r-cran-forecast"
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "forecastin: installing$missing" >&2
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 $missing >/dev/null
fi
