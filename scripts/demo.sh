#!/usr/bin/env bash
# The README's first quick-start command: a demo of perimeter on an example organization.
#
# Starts moto's AWS emulator on a free loopback port, seeds the demo organization (4 accounts,
# 2 regions, 48 resources: scripts/seed-demo-org.py), and analyses every seeded policy with
# `perimeter check-policy`, treating the whole organization as the zone of trust.
# (The live organization-wide `perimeter scan` is being built; see README "Status".)
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c "import moto, boto3" 2>/dev/null || python3 -m pip install --quiet "moto[server]>=5.2,<6"
unset AWS_PROFILE AWS_DEFAULT_PROFILE
cargo build --quiet --bin perimeter

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp); out=${PERIMETER_DEMO_OUT:-out/demo}; mkdir -p "$out"
PERIMETER_MOTO_PARENT_PID=$$ python3 scripts/moto-server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true; rm -f "$log"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; do sleep 0.1; done

python3 scripts/seed-demo-org.py --endpoint "http://127.0.0.1:$port" --manifest "$out/manifest.json"
python3 scripts/demo-check.py "$out/manifest.json" target/debug/perimeter | tee "$out/findings.txt"
echo "manifest: $out/manifest.json   report: $out/findings.txt"
