#!/usr/bin/env python3
"""National-size load on `netmon serve`: every probe of gen.py's configuration posting its rounds as the gateway
forwarder does (POST /api/v1/ingest/rounds, one ProbeRoundBatch per request, probe tokens), plus the day's signal
reports as CSV uploads. Standard library only; every loop is bounded by --seconds or by the backlog it was given.

  load.py steady DIR URL [URL…] --seconds S [--connections C] [--reports-per-day R]
      Each probe posts one batch of its targets' rounds per minute, the probes spread evenly over the minute
      (N/60 requests per second; 3,300 probes × 20 targets = 1,100 rounds/s); the requests go to the URLs in turn
      (several replicas behind a round-robin balancer). With R > 0, R/1440 reports per minute are uploaded as one CSV.
  load.py burst DIR URL [URL…] --outage-minutes M [--batch 500] [--connections C]
      After an outage of M minutes every gateway empties its outbox at once: M × targets rounds per probe, sent
      oldest first in batches of --batch (the forwarder's default is 500), as fast as the server answers.

Prints one JSON object: requests, rounds sent/accepted/duplicates/rejected, errors, seconds, request latency
percentiles (ms; nearest rank), the generator's own CPU seconds.
"""
import argparse
import http.client
import json
import math
import os
import queue
import random
import resource
import secrets
import sys
import threading
import time
import urllib.parse

RTTS = [round(0.010 + 0.0001 * k, 4) for k in range(20)]


def load_probes(directory):
    probes = []
    with open(os.path.join(directory, "probes.tsv")) as f:
        for line in f:
            probe_id, code, secret, targets = line.rstrip("\n").split("\t")
            probes.append({"id": probe_id, "code": code, "secret": secret, "targets": targets.split(","),
                           "store": secrets.token_hex(16), "sequence": 0})
    return probes


def rfc3339(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def batch_body(probe, starts):
    """One request: for each round start, a round per target, with fresh sequences."""
    rounds = []
    for start in starts:
        stamp = rfc3339(start)
        for target in probe["targets"]:
            probe["sequence"] += 1
            rounds.append({
                "probe_id": probe["id"], "sequence": probe["sequence"], "store_id": probe["store"],
                "commune": probe["code"], "target": target, "address": "10.0.0.1", "kind": "icmp",
                "start": stamp, "step_seconds": 60, "sent": 20, "received": 20, "rtt_seconds": RTTS,
                "jitter_seconds": 0.0004})
    return json.dumps({"probe_id": probe["id"], "rounds": rounds}).encode(), len(rounds)


class Client:
    """One keep-alive connection per server URL, used by one thread."""

    def __init__(self, urls):
        self.urls = [urllib.parse.urlsplit(u) for u in urls]
        self.connections = [None] * len(self.urls)
        self.turn = random.randrange(len(self.urls))

    def post(self, path, body, token, content_type="application/json"):
        self.turn = (self.turn + 1) % len(self.urls)
        index = self.turn
        for attempt in range(2):
            if self.connections[index] is None:
                u = self.urls[index]
                self.connections[index] = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            try:
                self.connections[index].request(
                    "POST", path, body, {"Authorization": "Bearer " + token, "Content-Type": content_type})
                response = self.connections[index].getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.connections[index].close()
                self.connections[index] = None
                if attempt == 1:
                    raise


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.requests = self.sent = self.accepted = self.duplicates = self.rejected = self.errors = 0
        self.error_samples = []

    def record(self, seconds, rounds, status, body):
        with self.lock:
            self.requests += 1
            self.sent += rounds
            self.latencies.append(seconds * 1000)
            if status != 200:
                self.errors += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{status}: {body[:300]!r}")
                return
            try:
                reply = json.loads(body)
                self.accepted += reply.get("accepted", 0)
                self.duplicates += reply.get("duplicates", 0)
                self.rejected += len(reply.get("rejected", []))
            except ValueError:
                self.errors += 1

    def failure(self, text):
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(text)

    def summary(self, seconds):
        ordered = sorted(self.latencies)

        def rank(p):
            if not ordered:
                return None
            return round(ordered[max(0, math.ceil(p * len(ordered)) - 1)], 2)

        return {"requests": self.requests, "rounds_sent": self.sent, "rounds_accepted": self.accepted,
                "duplicates": self.duplicates, "rejected": self.rejected, "errors": self.errors,
                "error_samples": self.error_samples, "seconds": round(seconds, 2),
                "rounds_per_second": round(self.accepted / seconds, 1) if seconds > 0 else None,
                "latency_ms": {"p50": rank(0.50), "p90": rank(0.90), "p99": rank(0.99),
                               "max": round(ordered[-1], 2) if ordered else None}}


def timed_post(client, tally, path, body, token, rounds, content_type="application/json"):
    began = time.monotonic()
    try:
        status, reply = client.post(path, body, token, content_type)
    except (OSError, http.client.HTTPException) as e:
        tally.failure(f"{type(e).__name__}: {e}")
        return
    tally.record(time.monotonic() - began, rounds, status, reply)


def steady(args, probes, tally):
    """Each probe once per minute at its own offset; workers take probes in due order."""
    began = time.monotonic()
    end = began + args.seconds
    minute_zero = math.floor(time.time() / 60) * 60
    schedule = queue.Queue()
    # Offsets spread the probes over the minute; a worker sleeps until each request is due.
    due = [(began + 60 * i / len(probes) + 60 * m, i, m)
           for m in range(int(math.ceil(args.seconds / 60)) + 1) for i in range(len(probes))]
    due = [d for d in due if d[0] < end]
    due.sort()
    for item in due:
        schedule.put(item)

    def worker():
        client = Client(args.urls)
        while True:
            try:
                at, index, minute = schedule.get_nowait()
            except queue.Empty:
                return
            wait = at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            probe = probes[index]
            body, rounds = batch_body(probe, [minute_zero + 60 * (minute - 1)])
            timed_post(client, tally, "/api/v1/ingest/rounds", body, probe["secret"], rounds)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    reporter = None
    if args.reports_per_day > 0:
        reporter = threading.Thread(target=reports, args=(args, began, end), daemon=True)
        reporter.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if reporter:
        reporter.join()
    return time.monotonic() - began


def reports(args, began, end):
    """The day's signal reports, one CSV upload per minute, points inside the communes' squares."""
    token = open(os.path.join(args.dir, "admin.token")).read().strip()
    client = Client(args.urls)
    per_minute = max(1, round(args.reports_per_day / 1440))
    count = len(open(os.path.join(args.dir, "probes.tsv")).readlines())
    rng = random.Random(7)
    minute = 0
    results = []
    while began + 60 * minute < end:
        wait = began + 60 * minute - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        rows = ["time,lat,lon,technology,operator,rsrp_dbm"]
        for _ in range(per_minute):
            i = rng.randrange(count)
            lon = 102.0 + (i % 60) * 0.05 + rng.random() * 0.05
            lat = 8.5 + (i // 60) * 0.05 + rng.random() * 0.05
            rows.append(f"{rfc3339(time.time())},{lat:.6f},{lon:.6f},4G,452-04,{rng.randint(-125, -70)}")
        body = ("\n".join(rows) + "\n").encode()
        began_post = time.monotonic()
        try:
            status, _ = client.post("/api/v1/reports?format=csv", body, token, "text/csv")
        except (OSError, http.client.HTTPException) as e:
            status = str(e)
        results.append((status, round((time.monotonic() - began_post) * 1000, 1)))
        minute += 1
    print(json.dumps({"report_uploads": results}), file=sys.stderr)


def burst(args, probes, tally):
    """Every probe's backlog of --outage-minutes, oldest first, --batch rounds per request, as fast as answered."""
    now_minute = math.floor(time.time() / 60) * 60
    per_request = max(1, args.batch // len(probes[0]["targets"]))
    work = queue.Queue()
    # Interleave the probes as gateways coming back at once would: round r of every probe before round r+1.
    minutes = list(range(args.outage_minutes, 0, -1))
    chunks = [minutes[k:k + per_request] for k in range(0, len(minutes), per_request)]
    for chunk in chunks:
        for index in range(len(probes)):
            work.put((index, chunk))
    locks = [threading.Lock() for _ in probes]  # one request at a time per probe, as one forwarder sends
    began = time.monotonic()

    def worker():
        client = Client(args.urls)
        while True:
            try:
                index, chunk = work.get_nowait()
            except queue.Empty:
                return
            probe = probes[index]
            with locks[index]:
                body, rounds = batch_body(probe, [now_minute - 60 * m for m in chunk])
                timed_post(client, tally, "/api/v1/ingest/rounds", body, probe["secret"], rounds)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["steady", "burst"])
    parser.add_argument("dir")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--reports-per-day", type=int, default=0)
    parser.add_argument("--outage-minutes", type=int, default=60)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--probes", type=int, default=0, help="use only the first N probes (0: all)")
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 1 <= args.connections <= 512 or not 1 <= args.outage_minutes <= 1440:
        raise SystemExit("load.py: --seconds 0…3600, --connections 1…512, --outage-minutes 1…1440")
    probes = load_probes(args.dir)
    if args.probes:
        probes = probes[:args.probes]
    tally = Tally()
    seconds = steady(args, probes, tally) if args.mode == "steady" else burst(args, probes, tally)
    summary = tally.summary(seconds)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # The generator's own CPU: near a core means the client, not the server, set the pace.
    summary.update({"mode": args.mode, "probes": len(probes), "targets": len(probes[0]["targets"]),
                    "urls": len(args.urls), "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 1)})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
