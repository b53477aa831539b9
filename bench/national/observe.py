#!/usr/bin/env python3
"""What run.sh reads from the replicas themselves (standard library only, loopback, every loop bounded).

  observe.py coverage DIR --upload URL --timeout S REPLICA_URL [REPLICA_URL…]
      Uploads one CSV of 100 signal reports to --upload (a replica or the balancer), then polls every replica's
      GET /api/v1/reports until one of them (the leader, with replicas) has finished a coverage computation that
      counted every stored report. Prints {"compute_s": the computation's own duration, "wall_s": upload to
      finished computation (with replicas this includes the leader's 2 s upload poll and the 2 s debounce),
      "reports_in_store", "replica"}; compute_s is null when --timeout passed first.
  observe.py ingested DIR REPLICA_URL [REPLICA_URL…]
      Prints the ingest requests each replica answered with 200, from its /metrics
      (netmon_server_http_requests_total), to show how the load was spread.
"""
import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse


def request(url, path, token, method="GET", body=None, content_type=None):
    u = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        headers = {"Authorization": "Bearer " + token}
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        data = response.read()
        if response.status not in (200, 201):
            raise SystemExit(f"observe.py: {method} {url}{path} answered {response.status}: {data[:300]!r}")
        return data
    finally:
        connection.close()


def listing(url, token):
    return json.loads(request(url, "/api/v1/reports", token))


def coverage(args, token):
    baseline = {url: listing(url, token)["coverage"]["generation"] for url in args.replicas}
    rows = ["time,lat,lon,technology,operator,rsrp_dbm"]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for k in range(100):
        # Inside the first communes' squares (gen.py: 0.05° squares from 8.5° N, 102.0° E).
        rows.append(f"{stamp},{8.5 + 0.0004 * k:.6f},{102.0 + 0.0004 * k:.6f},4G,452-04,-{90 + k % 10}")
    began = time.monotonic()
    request(args.upload, "/api/v1/reports?format=csv", token, "POST", ("\n".join(rows) + "\n").encode(), "text/csv")
    deadline = began + args.timeout
    while time.monotonic() < deadline:
        for url in args.replicas:
            status = listing(url, token)
            c = status["coverage"]
            if c["generation"] > baseline[url] and c["reports"] == status["reports"] and c.get("seconds") is not None:
                print(json.dumps({"compute_s": round(c["seconds"], 2), "wall_s": round(time.monotonic() - began, 2),
                                  "reports_in_store": status["reports"], "replica": url, "error": c.get("error")}))
                return
        time.sleep(0.25)
    stored = listing(args.replicas[0], token)["reports"]
    print(json.dumps({"compute_s": None, "wall_s": None, "reports_in_store": stored, "replica": None,
                      "error": f"no finished computation within {args.timeout} s"}))


def ingested(args, token):
    counts = {}
    for url in args.replicas:
        total = 0
        for line in request(url, "/metrics", token).decode().splitlines():
            if (line.startswith("netmon_server_http_requests_total{") and 'status="200"' in line
                    and "ingest/rounds" in line):
                total += int(float(line.rsplit(" ", 1)[1]))
        counts[url] = total
    print(json.dumps(counts))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["coverage", "ingested"])
    parser.add_argument("dir")
    parser.add_argument("replicas", nargs="+")
    parser.add_argument("--upload")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if not 1 <= args.timeout <= 3600:
        raise SystemExit("observe.py: --timeout 1…3600")
    token = open(os.path.join(args.dir, "admin.token")).read().strip()
    if args.mode == "coverage":
        if not args.upload:
            raise SystemExit("observe.py coverage needs --upload URL")
        coverage(args, token)
    else:
        ingested(args, token)


if __name__ == "__main__":
    sys.exit(main())
