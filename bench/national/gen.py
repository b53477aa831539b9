#!/usr/bin/env python3
"""Writes a national-size configuration for the load bench: N communes (default 3,300, Việt Nam's count since July
2025) as one netmon system, each with a gateway and T probe targets (the hub plus T-1 data-centre services), their
boundaries (squares on a grid, so the server's commune layer and coverage have real polygons to work on) and a
token file with one probe token per commune and an admin token.

Usage: gen.py OUT_DIR [--communes 3300] [--targets 20]
Writes OUT_DIR/sites.yaml, OUT_DIR/boundaries.geojson, OUT_DIR/tokens.txt, OUT_DIR/probes.tsv (probe id, code,
secret, target names). Addresses are 10.x.y.0/24 in 10.0.0.0/8 and are never probed: the bench only posts rounds.
"""
import argparse
import json
import os
import secrets


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--targets", type=int, default=20)
    args = parser.parse_args()
    if not 1 <= args.communes <= 60000 or not 1 <= args.targets <= 200:
        raise SystemExit("gen.py: --communes must be 1…60000 and --targets 1…200")
    os.makedirs(args.out, exist_ok=True)
    services = [f"svc{k:02d}" for k in range(1, args.targets)]
    codes = [f"{10000 + i:05d}" for i in range(1, args.communes + 1)]

    # Squares of 0.05° side in rows of 60 from (102.0, 8.5): Việt Nam's longitude and latitude span.
    features = []
    for i, code in enumerate(codes):
        lon = 102.0 + (i % 60) * 0.05
        lat = 8.5 + (i // 60) * 0.05
        ring = [[lon, lat], [lon + 0.05, lat], [lon + 0.05, lat + 0.05], [lon, lat + 0.05], [lon, lat]]
        features.append({
            "type": "Feature",
            "properties": {"ward_code": int(code), "name": f"Xã Tải {code}"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        })
    with open(os.path.join(args.out, "boundaries.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)

    lines = [
        "version: 1",
        "province:",
        "  name: National load test",
        '  code: "00"',
        "  boundaries: boundaries.geojson",
        "network:",
        "  supernet: 10.0.0.0/8",
        "  datacenter:",
        "    name: National data centre",
        "    subnet: 10.0.0.0/24",
        "    hub: 10.0.0.1",
        "    services:",
    ]
    for k, name in enumerate(services):
        lines.append(f"      - {{ name: {name}, address: 10.0.0.{10 + k}, kind: icmp }}")
    if not services:
        lines[-1] = "    services: []"
    lines += [
        "  commune_prefix_length: 24",
        "defaults:",
        "  probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }",
        "  thresholds:",
        "    latency_ms: { warn: 50, critical: 150, clear: 40 }",
        "    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }",
        "communes:",
    ]
    for i, code in enumerate(codes):
        second, third = 1 + i // 254, 1 + i % 254
        lines.append(
            f'  - {{ code: "{code}", name: Xã Tải {code}, subnet: 10.{second}.{third}.0/24, '
            f"gateway: 10.{second}.{third}.1, probe_id: probe-{code} }}")
    lines += [
        "coverage:",
        "  floors: { 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }",
        "  targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }",
        "alerts:",
        "  receivers:",
        '    - { name: hook, webhook: { url: "http://127.0.0.1:9/hook" } }',
        "  route: { receiver: hook }",
        "",
    ]
    with open(os.path.join(args.out, "sites.yaml"), "w") as f:
        f.write("\n".join(lines))

    admin = secrets.token_hex(16)
    with open(os.path.join(args.out, "tokens.txt"), "w") as tokens, \
            open(os.path.join(args.out, "probes.tsv"), "w") as probes:
        tokens.write(f"admin bench-admin {admin}\n")
        for code in codes:
            secret = secrets.token_hex(16)
            tokens.write(f"probe probe-{code} {secret}\n")
            probes.write(f"probe-{code}\t{code}\t{secret}\t{','.join(['hub'] + services)}\n")
    os.chmod(os.path.join(args.out, "tokens.txt"), 0o600)
    with open(os.path.join(args.out, "admin.token"), "w") as f:
        f.write(admin + "\n")


if __name__ == "__main__":
    main()
