#!/usr/bin/env python3
"""Regenerate the `communes:` section of sites.yaml from the province's boundaries file.

The section between the lines `# BEGIN GENERATED COMMUNES` and `# END GENERATED COMMUNES` is replaced by one
entry per commune or ward of the boundaries file, sorted by GSO code (`ward_code`), following the addressing
plan: the i-th commune (1-based, in code order) gets subnet 10.33.<i>.0/24, gateway 10.33.<i>.1 and the probe id
`probe-<code>`. Everything outside the markers is left as it is. The output depends only on the boundaries file
and on EXPLICIT_TARGETS below, so running it twice gives the same file.

Usage:
    scripts/gen-sites.py [--sites sites.yaml] [--boundaries FILE] [--check]

--boundaries defaults to `province.boundaries` read from sites.yaml, relative to sites.yaml's folder.
--check changes nothing and exits 1 when the section is not what the generator would write.
"""

import argparse
import json
import os
import re
import sys

BEGIN = "# BEGIN GENERATED COMMUNES"
END = "# END GENERATED COMMUNES"
SUPERNET_PREFIX = "10.33"
MAX_COMMUNES = 254  # 10.33.1.0/24 … 10.33.254.0/24; 10.33.0.0/24 is the data centre

# Communes whose probe watches a list of its own instead of the default (hub + every data-centre service).
# Nam Tiền Hải is the project's seed commune: its portal target tolerates more latency (long rural last mile).
EXPLICIT_TARGETS = {
    "13063": [
        "{ name: hub, address: 10.33.0.1, kind: icmp }",
        "{ name: portal, address: 10.33.0.10, kind: tcp, port: 443,"
        " thresholds: { latency_ms: { warn: 80, critical: 200, clear: 60 } } }",
        "{ name: meeting, address: 10.33.0.20, kind: tcp, port: 443 }",
        "{ name: lgsp, address: 10.33.0.30, kind: tcp, port: 443 }",
        "{ name: dns, address: 10.33.0.53, kind: icmp }",
    ],
}

PLAIN_SAFE = re.compile(r"^[^\W\d_][\w .'-]*$", re.UNICODE)


def yaml_string(text):
    """A YAML scalar for text: plain when it is unambiguous, double-quoted otherwise."""
    if PLAIN_SAFE.match(text) and text.strip() == text and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off", "y", "n"):
        return text
    return json.dumps(text, ensure_ascii=False)


def read_boundaries_setting(sites_path):
    with open(sites_path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s+boundaries:\s*(\S+)", line)
            if m:
                value = m.group(1).strip("\"'")
                return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(sites_path)), value))
    sys.exit(f"{sites_path}: no `boundaries:` setting found; pass --boundaries")


def load_communes(boundaries_path):
    with open(boundaries_path, encoding="utf-8") as f:
        collection = json.load(f)
    communes = []
    for index, feature in enumerate(collection.get("features", [])):
        props = feature.get("properties") or {}
        code, name = props.get("ward_code"), props.get("name")
        if code is None or not name:
            sys.exit(f"{boundaries_path}: feature {index} has no ward_code or name")
        communes.append((str(code).zfill(5), name.strip()))
    codes = [c for c, _ in communes]
    if len(set(codes)) != len(codes):
        sys.exit(f"{boundaries_path}: duplicate ward_code values")
    if len(communes) > MAX_COMMUNES:
        sys.exit(f"{boundaries_path}: {len(communes)} communes do not fit the addressing plan ({MAX_COMMUNES} max)")
    return sorted(communes)


def render(communes):
    lines = ["  " + BEGIN + " (scripts/gen-sites.py; edit the generator, not these lines)"]
    lines.append(f"  # {len(communes)} communes and wards, sorted by GSO code; commune i gets {SUPERNET_PREFIX}.i.0/24.")
    width = max(len(yaml_string(name)) for _, name in communes) + 1
    for i, (code, name) in enumerate(communes, start=1):
        subnet, gateway = f"{SUPERNET_PREFIX}.{i}.0/24", f"{SUPERNET_PREFIX}.{i}.1"
        if code in EXPLICIT_TARGETS:
            lines.append(f'  - code: "{code}"')
            lines.append(f"    name: {yaml_string(name)}")
            lines.append(f"    subnet: {subnet}")
            lines.append(f"    gateway: {gateway}")
            lines.append(f"    probe_id: probe-{code}")
            lines.append("    targets:")
            lines.extend(f"      - {t}" for t in EXPLICIT_TARGETS[code])
        else:
            name_field = (yaml_string(name) + ",").ljust(width)
            lines.append(
                f'  - {{ code: "{code}", name: {name_field} subnet: {subnet + ",":<15} '
                f"gateway: {gateway + ',':<13} probe_id: probe-{code} }}"
            )
    lines.append("  " + END)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sites.yaml")))
    parser.add_argument("--boundaries")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    boundaries = args.boundaries or read_boundaries_setting(args.sites)
    generated = render(load_communes(boundaries))

    with open(args.sites, encoding="utf-8") as f:
        current = f.read().split("\n")
    starts = [i for i, line in enumerate(current) if line.strip().startswith(BEGIN)]
    ends = [i for i, line in enumerate(current) if line.strip().startswith(END)]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        sys.exit(f"{args.sites}: expected exactly one `{BEGIN}` … `{END}` block")
    updated = current[: starts[0]] + generated + current[ends[0] + 1 :]

    if args.check:
        if updated != current:
            print(f"{args.sites}: the communes section is out of date; run scripts/gen-sites.py", file=sys.stderr)
            return 1
        print(f"{args.sites}: communes section up to date ({len(generated) - 3} lines)")
        return 0
    if updated != current:
        with open(args.sites, "w", encoding="utf-8") as f:
            f.write("\n".join(updated))
    print(f"{args.sites}: wrote the communes section from {boundaries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
