#!/usr/bin/env python3
"""The whole pipeline at organization scale (issue 18): the `perimeter` binary scanning the
simulated AWS endpoint, which runs as its own process (`perimeter-simulator`), store, CSV,
JSON and report page included, exactly as a user runs it.

    cargo build --release -p perimeter -p perimeter-simulator
    python3 scripts/scale-bench.py --accounts 1000            # 17 regions, 3 of them used
    python3 scripts/scale-bench.py --accounts 10000 --concurrency 64

For each size it runs a scan of a one-account organization first (the longest chain of
dependent calls of one account, discovery included), then two scans of the organization into
one store (the second finds every finding already known; the simulator is started afresh with
the same seed, so it is the same organization and a call counted twice is a call made twice
within one scan). It prints, per scan: wall time; the floor, the largest of (API calls x latency
/ requests in flight), the one-account chain, and the CPU time the scanner used spread over the
machine's cores; their ratio;
the scanner's peak resident memory; API calls; calls made twice. Nothing here is timed by a
test: it is a benchmark, run by hand.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

# Seventeen regions enabled by default in an AWS account (2026), the first three used.
REGIONS = [
    "us-east-1", "eu-west-1", "ap-southeast-2", "us-east-2", "us-west-1", "us-west-2",
    "ca-central-1", "eu-central-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "sa-east-1",
]


def start_simulator(bin_dir, accounts, regions, populated, resources, latency_ms):
    proc = subprocess.Popen(
        [os.path.join(bin_dir, "perimeter-simulator"), "--accounts", str(accounts), "--regions", ",".join(regions),
         "--populated-regions", str(populated), "--resources", str(resources), "--latency-ms", str(latency_ms),
         "--external-rate", "0.05"],
        stdout=subprocess.PIPE, text=True)
    endpoint = proc.stdout.readline().split()[1]
    counts = proc.stdout.readline().split()
    return proc, endpoint, int(counts[1])


def stats(endpoint):
    with urllib.request.urlopen(endpoint + "/_simulator/stats") as r:
        return json.load(r)


def scan(bin_dir, endpoint, work, concurrency):
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    env.pop("AWS_PROFILE", None)
    args = [os.path.join(bin_dir, "perimeter"), "scan", "--out", os.path.join(work, "out"), "--db",
            os.path.join(work, "perimeter.db"), "--concurrency", str(concurrency)]
    started = time.monotonic()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    err = proc.stderr.read()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"perimeter scan exited {code}:\n{err}")
    summary = [line for line in err.splitlines() if "complete scan" in line]
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024,
            "exit": code, "summary": summary[-1] if summary else err[-400:]}


def run(args, accounts, label):
    regions = REGIONS[: args.regions]
    sim, endpoint, resources = start_simulator(args.bin_dir, accounts, regions, args.populated, args.resources, args.latency_ms)
    try:
        result = scan(args.bin_dir, endpoint, args.work, args.concurrency)
        s = stats(endpoint)
    finally:
        sim.terminate()
        sim.wait()
    result.update(calls=s["requests"], repeated=len(s["repeated"]), resources=resources, label=label)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accounts", type=int, default=1000)
    p.add_argument("--regions", type=int, default=17)
    p.add_argument("--populated", type=int, default=3)
    p.add_argument("--resources", type=int, default=20, help="per used region and account")
    p.add_argument("--latency-ms", type=int, default=50)
    p.add_argument("--concurrency", type=int, default=8, help="accounts in flight (perimeter scan --concurrency)")
    p.add_argument("--requests-per-account", type=int, default=16, help="as in the config (scan.requests_per_account)")
    p.add_argument("--bin-dir", default="target/release")
    args = p.parse_args()
    latency = args.latency_ms / 1000
    in_flight = args.concurrency * args.requests_per_account
    with tempfile.TemporaryDirectory(prefix="perimeter-scale-") as work:
        args.work = work
        chain = run(args, 1, "one account")
        shutil.rmtree(work)
        os.makedirs(work)
        print(f"scale: {args.accounts} accounts x {args.regions} regions ({args.populated} used) x {args.resources} "
              f"resources per used region, {args.latency_ms} ms per call, {args.concurrency} accounts x "
              f"{args.requests_per_account} requests in flight")
        print(f"  one-account chain (discovery included): {chain['wall']:.2f} s, {chain['calls']} calls")
        for label in ("first scan", "second scan (every finding known)"):
            r = run(args, args.accounts, label)
            floor_calls = r["calls"] * latency / in_flight
            # The scanner's CPU time spread over the machine's cores (which the simulator shares).
            floor_cpu = r["cpu"] / (os.cpu_count() or 1)
            floor = max(floor_calls, chain["wall"], floor_cpu)
            print(f"  {label}: {r['summary']}")
            print(f"    wall {r['wall']:.1f} s; floor {floor:.1f} s (calls x latency / in flight {floor_calls:.1f} s, "
                  f"chain {chain['wall']:.1f} s, scanner CPU {r['cpu']:.1f} s over {os.cpu_count()} cores {floor_cpu:.1f} s); ratio {r['wall'] / floor:.2f}")
            print(f"    peak memory of the scanner {r['peak_mib']:.0f} MiB; API calls {r['calls']}; made twice {r['repeated']}; "
                  f"resources simulated {r['resources']}; exit {r['exit']}")


if __name__ == "__main__":
    main()
