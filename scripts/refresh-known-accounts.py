#!/usr/bin/env python3
"""Refreshes crates/report/data/known-accounts.tsv from the community list of known AWS
accounts, fwdcloudsec/known_aws_accounts (Apache-2.0; a list of facts: vendor names, their
account IDs and the public pages that name them).

    scripts/refresh-known-accounts.py PATH/TO/known_aws_accounts [COMMIT]

PATH is a clone of https://github.com/fwdcloudsec/known_aws_accounts; COMMIT (default: the
clone's HEAD) is recorded in the file's header so that reports can say which version labelled
them. Output: one line per account, `account_id<TAB>vendor<TAB>kind` (kind `aws-service` for the
entries the list marks `type: aws`, else `known-vendor`), sorted by account ID.
"""
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/report/data/known-accounts.tsv"


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    repo = pathlib.Path(sys.argv[1])
    commit = sys.argv[2] if len(sys.argv) > 2 else subprocess.check_output(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], text=True).strip()
    text = subprocess.check_output(["git", "-C", str(repo), "show", f"{commit}:accounts.yaml"], text=True)
    rows = {}
    for vendor in yaml.safe_load(text):
        kind = "aws-service" if vendor.get("type") == "aws" else "known-vendor"
        name = " ".join(str(vendor["name"]).split())
        for account in vendor.get("accounts", []):
            account = str(account).strip()
            if len(account) != 12 or not account.isdigit():
                sys.exit(f"{vendor['name']}: `{account}` is not a 12-digit account ID")
            # An account listed twice keeps its first vendor (the list is checked for this upstream).
            rows.setdefault(account, (name, kind))
    lines = [
        "# Known AWS accounts: account ID, vendor, kind (known-vendor or aws-service).",
        "# Source: https://github.com/fwdcloudsec/known_aws_accounts (Apache-2.0), accounts.yaml",
        f"# Commit: {commit}",
        "# Refresh: scripts/refresh-known-accounts.py PATH/TO/known_aws_accounts [COMMIT]",
    ]
    lines += [f"{a}\t{n}\t{k}" for a, (n, k) in sorted(rows.items())]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(rows)} accounts of {len(set(n for n, _ in rows.values()))} vendors from {commit[:12]} in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
