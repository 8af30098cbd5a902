#!/usr/bin/env python3
"""Runs `perimeter check-policy` on every policy of the seeded demo organization.

Usage: demo-check.py MANIFEST PERIMETER_BINARY. Prints one block per resource with external
access, and a summary. The zone of trust is the whole demo organization.
"""
import json
import subprocess
import sys

manifest = json.load(open(sys.argv[1]))
binary = sys.argv[2]
accounts = [a["id"] for a in manifest["accounts"].values()]


def documents(resource):
    w = resource["written"]
    kind = resource["type"]
    if kind == "AWS::IAM::Role":
        yield "trust policy", w["trust_policy"]
    elif kind in ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SQS::Queue") and w.get("policy"):
        yield "policy", w["policy"]


checked = external = 0
for r in manifest["resources"]:
    for name, document in documents(r):
        checked += 1
        args = [binary, "check-policy", "-", "--format", "text", "--resource-type", r["type"],
                "--resource-arn", r["arn"], "--owner-account", r["account_id"], "--zone-org", manifest["org_id"]]
        for a in accounts:
            args += ["--zone-account", a]
        run = subprocess.run(args, input=json.dumps(document), capture_output=True, text=True)
        if run.returncode == 1:
            external += 1
            print(f"{r['key']} ({r['type']}, {name}):")
            for line in run.stdout.splitlines():
                print(f"  {line}")
        elif run.returncode != 0:
            print(f"{r['key']}: error: {run.stdout.strip()} {run.stderr.strip()}")
print(f"\n{checked} policies of {len(manifest['resources'])} resources checked; {external} grant access outside the organization.")
print("(ACLs, grants, access points and Lambda permissions are analysed by the scan, which is not built yet.)")
