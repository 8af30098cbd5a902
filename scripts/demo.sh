#!/usr/bin/env bash
# The README's first quick-start command: a live `perimeter scan` of an example organization.
#
# Starts moto's AWS emulator on a free loopback port, seeds the demo organization (4 accounts,
# 2 regions, 80 resources: scripts/seed-demo-org.py), and scans it with `perimeter scan
# --config config/demo.toml` exactly as a real organization is scanned (the standard AWS
# credential chain, pointed at the emulator by AWS_ENDPOINT_URL and dummy keys). Prints the
# summary and where the CSV is. Each run starts from a fresh emulator and a fresh store.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c "import moto, boto3" 2>/dev/null || python3 -m pip install --quiet "moto[server]>=5.2,<6"
unset AWS_PROFILE AWS_DEFAULT_PROFILE
cargo build --quiet --bin perimeter

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp); out=out/demo
rm -rf "$out"; mkdir -p "$out"
PERIMETER_MOTO_PARENT_PID=$$ python3 scripts/moto-server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true; rm -f "$log"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; do sleep 0.1; done

python3 scripts/seed-demo-org.py --endpoint "http://127.0.0.1:$port" --manifest "$out/manifest.json"

status=0
AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  target/debug/perimeter scan --config config/demo.toml --inventory-out "$out/inventory.jsonl" || status=$?

echo
echo "exit code $status (0 = complete and clean, 1 = findings to report, 2 = incomplete scan)"
echo "report:    $out/findings.csv  (and $out/findings.json; $out/report.html to look at)"
echo "store:     $out/perimeter.db  (perimeter findings --db $out/perimeter.db)"
echo "inventory: $out/inventory.jsonl (perimeter scan --from-inventory re-evaluates it offline)"
# 1 is what the demo organization should give: it is full of external access on purpose.
[ "$status" -le 1 ]
