#!/usr/bin/env bash
# Fuzzes the policy parser and analysis (crates/evaluator/fuzz, target `analyze`) for a given
# number of seconds (default 600), seeded with every policy of the evaluator corpus and the
# reliability probe's inputs (crates/evaluator/fuzz/seeds).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); libFuzzer's flags are nightly-only, so the
# stable toolchain is told to accept them with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
seeds=crates/evaluator/fuzz/corpus/analyze
mkdir -p "$seeds"
python3 - "$seeds" <<'PY'
import hashlib, json, pathlib, sys
out = pathlib.Path(sys.argv[1])
def policies(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("policy", "trust_policy") and x is not None:
                yield x if isinstance(x, str) else json.dumps(x)
            else:
                yield from policies(x)
    elif isinstance(v, list):
        for x in v:
            yield from policies(x)
n = 0
for case in pathlib.Path("crates/evaluator/tests/corpus").rglob("*.json"):
    for text in policies(json.loads(case.read_text())["resource"]):
        data = text.encode()
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
        n += 1
print(f"{n} seed policies in {out}")
PY
# The reliability probe's inputs (crates/evaluator/fuzz/seeds/README.md) seed it too.
cp crates/evaluator/fuzz/seeds/*.json "$seeds"/
cd crates/evaluator
RUSTC_BOOTSTRAP=1 cargo fuzz run analyze -- -max_total_time="$seconds" -max_len=20000 -timeout=10 -rss_limit_mb=2048
