#!/bin/bash
# test/install_deps.sh: install the Debian 12 packages forecastin needs to
# build and test.  Safe to re-run.
#   test/install_deps.sh            build + test dependencies
#   test/install_deps.sh --bench    also R forecast (reference and benchmarks)
set -euo pipefail

pkgs="postgresql-15 postgresql-server-dev-15 libgsl-dev make gcc"
if [ "${1:-}" = "--bench" ]; then
	pkgs="$pkgs r-cran-forecast"
fi

# Always ask apt: it is idempotent, and it upgrades a preinstalled older
# postgresql-15 to the version the server headers come in (a fresh image may
# carry one; see ../shared/docs/ENVIRONMENT.md section 1).
echo "forecastin: apt-get install $pkgs" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 $pkgs >/dev/null
